//! The documented limits of what one scenario or command may ask for, in one place.
//!
//! Each limit keeps a valid-looking input from turning into unbounded work or an allocation abort: beyond it the
//! scenario layer or the command line refuses the value with an error naming the field and the limit. The engine
//! asserts at compile time that its event encoding can address every agent these limits allow.

/// Most agents across all groups of one scenario.
pub const MAX_AGENTS: u32 = 1_000_000;

/// Most trunk lines (`lines`, `--lines`): calls in the system at once.
pub const MAX_LINES: u32 = 10_000_000;

/// Most replications of one scenario or sweep point.
pub const MAX_REPLICATIONS: u32 = 100_000;

/// Most calls one replication may be expected to simulate (about a minute of work on one core).
pub const MAX_CALLS_PER_REPLICATION: f64 = 5e8;

/// Most distinct `after` delays (overflow by waiting time) among the skills of one call type across all groups:
/// each is one timer per waiting call, and the event sequence must not run out.
pub const MAX_OVERFLOW_DELAYS: usize = 3;

/// Most worker threads (`--threads`).
pub const MAX_THREADS: usize = 256;

/// Most shards a sweep or comparison may be split into (`--shard K/N`, `--shards N`): a Slurm array's default
/// `MaxArraySize` is 1001, and a Kubernetes Indexed Job allows 100,000 completions.
pub const MAX_SHARDS: u32 = 100_000;

/// Longest duration a scenario or flag may give (`"20s"`, `"3m"`, ...): 10^9 seconds, about 31.7 years. Longer
/// durations add nothing a planner needs, and samples drawn around them could overflow to infinity.
pub const MAX_DURATION_S: f64 = 1e9;

/// Highest offered load in erlangs the calculators accept (`callsim erlang`). The staffing solvers search up to
/// [`MAX_AGENTS`], so a load this high can be staffed only for targets the Erlang formulas can meet there.
pub const MAX_LOAD_ERLANGS: f64 = 1e6;

/// Smallest coefficient of variation accepted for lognormal and gamma durations; below it the gamma's shape
/// `1 / cv^2` overflows the sampler's precision. Less variation than this is a `constant` duration.
pub const MIN_CV: f64 = 1e-4;

/// Longest piece of user input quoted back in an error message, in characters.
pub const MAX_QUOTE_CHARS: usize = 80;

/// `text` cut to [`MAX_QUOTE_CHARS`] characters for quoting in an error message, with `…` marking the cut.
///
/// ```
/// let long = "x".repeat(1_000_000);
/// assert!(callsim::limits::quote(&long).chars().count() <= callsim::limits::MAX_QUOTE_CHARS + 1);
/// assert_eq!(callsim::limits::quote("3m"), "3m");
/// ```
pub fn quote(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}
