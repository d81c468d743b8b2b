//! Staffing: the fewest agents meeting every target, shrinkage, and the square-root staffing rule.

use statrs::distribution::{Continuous, ContinuousCDF, Normal};

use super::a::erlang_a;
use super::c::erlang_c;

/// Largest staff the solvers will consider: the same limit as a scenario's agents.
pub const MAX_AGENTS: u32 = crate::limits::MAX_AGENTS;

/// Which queueing model staffing is computed with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StaffingModel {
    /// Erlang C (no abandonment).
    ErlangC,
    /// Erlang A with the given mean patience in seconds.
    ErlangA {
        /// Mean patience in seconds.
        patience: f64,
    },
}

/// Service targets; every one given must be met.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Targets {
    /// Answer at least `share` of calls within `within` seconds: `(share, within)`.
    pub service_level: Option<(f64, f64)>,
    /// Average speed of answer at most this many seconds.
    pub asa: Option<f64>,
    /// Abandonment probability at most this (Erlang A only).
    pub max_abandon: Option<f64>,
    /// Occupancy at most this.
    pub max_occupancy: Option<f64>,
}

impl Targets {
    /// True when no target is set.
    pub fn is_empty(&self) -> bool {
        self.service_level.is_none() && self.asa.is_none() && self.max_abandon.is_none() && self.max_occupancy.is_none()
    }
}

/// The figures staffing decisions look at, for one staff level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaffLevel {
    /// Agents.
    pub agents: u32,
    /// Probability of waiting.
    pub p_wait: f64,
    /// Service level at the target's threshold (NaN without one).
    pub service_level: f64,
    /// Average speed of answer in seconds.
    pub asa: f64,
    /// Occupancy.
    pub occupancy: f64,
    /// Probability of abandoning (0 for Erlang C).
    pub p_abandon: f64,
}

/// Evaluates a staff level; `None` when Erlang C is unstable or Erlang A's queue is truncated.
pub fn evaluate(model: StaffingModel, agents: u32, calls_per_second: f64, aht: f64, within: f64) -> Option<StaffLevel> {
    match model {
        StaffingModel::ErlangC => {
            let c = erlang_c(agents, calls_per_second, aht).ok()?;
            Some(StaffLevel {
                agents,
                p_wait: c.p_wait,
                service_level: c.service_level(within),
                asa: c.asa(),
                occupancy: c.occupancy(),
                p_abandon: 0.0,
            })
        }
        StaffingModel::ErlangA { patience } => {
            let a = erlang_a(agents, calls_per_second, aht, patience);
            if a.truncated {
                return None;
            }
            Some(StaffLevel {
                agents,
                p_wait: a.p_wait,
                service_level: a.service_level(within),
                asa: a.asa,
                occupancy: a.occupancy,
                p_abandon: a.p_abandon,
            })
        }
    }
}

/// True when `agents` meet every target. The service level, the one costly figure, is computed last and only
/// when the cheap figures pass, including its bound `SL <= 1 - P(abandon)` (an abandoned call is never answered).
fn meets_targets(model: StaffingModel, agents: u32, calls_per_second: f64, aht: f64, targets: &Targets) -> bool {
    let cheap_ok = |asa: f64, p_abandon: f64, occupancy: f64| {
        targets.asa.is_none_or(|max| asa <= max)
            && targets.max_abandon.is_none_or(|max| p_abandon <= max)
            && targets.max_occupancy.is_none_or(|max| occupancy <= max)
            && targets.service_level.is_none_or(|(share, _)| 1.0 - p_abandon >= share)
    };
    match model {
        StaffingModel::ErlangC => erlang_c(agents, calls_per_second, aht).is_ok_and(|c| {
            cheap_ok(c.asa(), 0.0, c.occupancy())
                && targets
                    .service_level
                    .is_none_or(|(share, t)| c.service_level(t) >= share)
        }),
        StaffingModel::ErlangA { patience } => {
            let a = erlang_a(agents, calls_per_second, aht, patience);
            !a.truncated
                && cheap_ok(a.asa, a.p_abandon, a.occupancy)
                && targets
                    .service_level
                    .is_none_or(|(share, t)| a.service_level(t) >= share)
        }
    }
}

/// The fewest agents meeting every target, or `None` if even [`MAX_AGENTS`] do not.
///
/// Every figure improves with more agents, so the answer is found by doubling then bisection. With no calls the
/// answer is 0 agents (nobody waits: service level 1).
pub fn required_agents(model: StaffingModel, calls_per_second: f64, aht: f64, targets: &Targets) -> Option<u32> {
    if calls_per_second == 0.0 {
        return Some(0);
    }
    let ok = |n: u32| meets_targets(model, n, calls_per_second, aht, targets);
    let load = calls_per_second * aht;
    let mut low = match model {
        StaffingModel::ErlangC => load.floor() as u32,
        StaffingModel::ErlangA { .. } => 0,
    };
    if low >= 1 && ok(low) {
        // Possible only for Erlang A-like figures; Erlang C at floor(A) is unstable or exactly at the bound.
        return Some(low);
    }
    let mut high = low.max(1);
    while !ok(high) {
        low = high;
        if high >= MAX_AGENTS {
            return None;
        }
        high = (high.saturating_mul(2)).clamp(high + 1, MAX_AGENTS);
    }
    // Invariant: ok(high), and low == 0 or !ok(low).
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if ok(mid) { high = mid } else { low = mid }
    }
    Some(high)
}

/// Agents to schedule so that `required` are on the phones after shrinkage (breaks, training, absence):
/// `ceil(required / (1 - shrinkage))`.
pub fn scheduled_agents(required: u32, shrinkage: f64) -> u32 {
    (required as f64 / (1.0 - shrinkage) - 1e-9).ceil() as u32
}

/// The Halfin-Whitt probability of waiting for safety factor `beta`: `[1 + beta Φ(beta) / φ(beta)]^{-1}`.
pub fn halfin_whitt_p_wait(beta: f64) -> f64 {
    let normal = Normal::standard();
    1.0 / (1.0 + beta * normal.cdf(beta) / normal.pdf(beta))
}

/// The square-root staffing estimate `c = ceil(R + β √R)` for offered load `R`, with `β` the smallest safety
/// factor whose Halfin-Whitt approximation meets the service-level and ASA targets:
/// `SL ≈ 1 - α(β) e^{-β √R T / AHT}` and `ASA ≈ α(β) AHT / (β √R)`.
///
/// The QED approximation of Halfin & Whitt (1981); shown beside the exact answer so students see how close the
/// rule of thumb is. Returns `None` when no target it covers is set.
pub fn square_root_staffing(load: f64, aht: f64, targets: &Targets) -> Option<(f64, u32)> {
    if targets.service_level.is_none() && targets.asa.is_none() {
        return None;
    }
    let root = load.sqrt();
    let good = |beta: f64| {
        let alpha = halfin_whitt_p_wait(beta);
        let sl_ok = targets
            .service_level
            .is_none_or(|(share, t)| 1.0 - alpha * (-beta * root * t / aht).exp() >= share);
        let asa_ok = targets.asa.is_none_or(|asa| alpha * aht / (beta * root) <= asa);
        sl_ok && asa_ok
    };
    let (mut low, mut high) = (1e-6, 1.0);
    while !good(high) {
        high *= 2.0;
        if high > 1e6 {
            return None;
        }
    }
    for _ in 0..100 {
        let mid = 0.5 * (low + high);
        if good(mid) { high = mid } else { low = mid }
    }
    Some((high, (load + high * root).ceil() as u32))
}
