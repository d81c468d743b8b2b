//! How long a call center started empty needs to settle: the rule behind [`super::Warning::EmptyStart`].
//!
//! A replication starts with no caller and every agent idle. Its figures approach the steady state that the
//! Erlang formulas describe at a rate set by two mechanisms, and the slower one wins:
//!
//! - **Agents filling up.** With ample agents the number busy follows the infinite-server law
//!   `E[busy(t)] = A (1 - e^{-t / E[S]})` (M/M/∞, e.g. Gross & Harris, *Fundamentals of Queueing Theory*, §2.9):
//!   time constant the mean handle time `E[S]` (talk plus after-call work).
//! - **The queue filling up.** When every agent is busy the queue behaves like a single fast server of rate `c μ`,
//!   whose relaxation time is Morse's `1 / (√(c μ) − √λ)²` (P. M. Morse, "Stochastic properties of waiting
//!   lines", *Operations Research* 3(3), 1955; the M/M/s form is in Cohen, *The Single Server Queue*, II.2). Callers
//!   who hang up bound it: a waiting caller leaves within its mean patience, so with every call type patient the
//!   queue relaxes within the longest mean patience (and is still stable above capacity). A finite trunk bounds
//!   it by the time the `K − c` waiting places take to fill: `(K − c) / (λ − c μ)` above capacity, or the
//!   diffusive `(K − c)² / (2 λ)`, whichever is shorter.
//!
//! The relaxation time is `τ = max(E[S], τ_queue)`. After a warm-up `w` the remaining start-up gap is about
//! `e^{-w/τ}` of the initial one, and the time average over the measured `T − w` misses about
//! `τ e^{-w/τ} / (T − w)` of that gap. A run is flagged when this share exceeds 2%
//! ([`TOLERATED_START_UP_BIAS`]): with no warm-up, when `T < 50 τ`. The suggested warm-up, `5 τ` rounded up to
//! a whole minute, leaves under 1% (`e^-5`) of the gap. These are rules of thumb for a stationary scenario, not
//! exact bounds.

/// The largest share of the start-up gap a run's time averages may keep before it is flagged.
pub const TOLERATED_START_UP_BIAS: f64 = 0.02;

/// The suggested warm-up in relaxation times.
pub const WARMUP_IN_RELAXATION_TIMES: f64 = 5.0;

/// The share of the start-up gap left in the time averages of a run of `horizon` seconds whose first `warmup`
/// seconds are deleted, for relaxation time `tau`: `τ e^{-w/τ} / (T − w)`; 0 when `τ` is infinite.
pub fn start_up_bias(tau: f64, warmup: f64, horizon: f64) -> f64 {
    if tau.is_infinite() {
        // No steady state to approach: the overload warning speaks for it.
        return 0.0;
    }
    tau * (-warmup / tau).exp() / (horizon - warmup)
}

/// The aggregate traffic the rule looks at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Traffic {
    /// Arrivals per second, all call types together.
    pub arrival_rate: f64,
    /// Mean handle time plus after-call work in seconds, weighted by arrival rate.
    pub mean_handle: f64,
    /// Agents across all groups.
    pub agents: u32,
    /// The longest mean patience when every call type has one; `None` when some callers never hang up.
    pub longest_patience: Option<f64>,
    /// Trunk lines, if limited.
    pub lines: Option<u32>,
}

/// The relaxation time `τ` in seconds (see the module doc); infinite when the queue has no steady state.
pub fn relaxation_time(t: &Traffic) -> f64 {
    let capacity = t.agents as f64 / t.mean_handle;
    let lambda = t.arrival_rate;
    let morse = if lambda < capacity {
        1.0 / (capacity.sqrt() - lambda.sqrt()).powi(2)
    } else {
        f64::INFINITY
    };
    let mut queue = match t.longest_patience {
        Some(patience) => morse.min(patience),
        None => morse,
    };
    if let Some(lines) = t.lines {
        let places = lines.saturating_sub(t.agents) as f64;
        let fill = if lambda > capacity {
            places / (lambda - capacity)
        } else {
            f64::INFINITY
        };
        let diffusive = places * places / (2.0 * lambda);
        queue = queue.min(fill).min(diffusive);
    }
    t.mean_handle.max(queue)
}

/// The warm-up to suggest for relaxation time `tau`: `5 τ` rounded up to a whole minute.
pub fn suggested_warmup(tau: f64) -> f64 {
    (WARMUP_IN_RELAXATION_TIMES * tau / 60.0).ceil() * 60.0
}
