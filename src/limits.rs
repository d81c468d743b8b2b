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

/// Most worker threads (`--threads`).
pub const MAX_THREADS: usize = 256;
