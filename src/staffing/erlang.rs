//! The `erlang` method: each planning interval taken alone, by the solver of `callsim erlang`.
//!
//! An interval's call types are pooled into one queue: rate = expected calls / interval length, handle time =
//! the calls-weighted mean of (mean handle + after-call work). The model is [`crate::stats::interval_model`]'s:
//! Erlang A with the calls-weighted mean patience when every call type has patience, else Erlang C. A
//! zero-volume interval needs zero agents. The pooled requirement is split across groups by
//! [`super::group_shares`].

use super::{Achieved, IntervalPlan, Method, StaffPlan, group_shares, split};
use crate::erlang::{StaffingModel, Targets, evaluate, required_agents};
use crate::scenario::Scenario;
use crate::stats::interval::interval_model;
pub use crate::stats::interval::{Traffic, traffic};

/// The Erlang figures of `agents` on `traffic` (all `None` without calls or when the model has no steady state).
pub fn achieved(model: StaffingModel, agents: u32, traffic: &Traffic, within: f64) -> Achieved {
    if traffic.calls == 0.0 {
        return Achieved::default();
    }
    match evaluate(model, agents, traffic.rate, traffic.aht, within) {
        Some(level) => Achieved {
            service_level: Some(level.service_level),
            asa_s: Some(level.asa),
            abandonment_rate: Some(level.p_abandon),
            occupancy: Some(level.occupancy),
        },
        None => Achieved::default(),
    }
}

/// The day staffed interval by interval by Erlang C / A. `Err(interval start)` names the first interval whose
/// targets cannot be met with up to [`crate::erlang::MAX_AGENTS`] agents.
pub fn plan(scenario: &Scenario, targets: &Targets) -> std::result::Result<StaffPlan, String> {
    let model = interval_model(scenario);
    let within = targets.service_level.map_or(scenario.answer_within, |(_, t)| t);
    let intervals = traffic(scenario)
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let total =
                required_agents(model, t.rate, t.aht, targets).ok_or_else(|| scenario.day.intervals.label(i))?;
            Ok(IntervalPlan {
                interval_start: scenario.day.intervals.label(i),
                calls: t.calls,
                required: split(total, &group_shares(scenario, i)),
                achieved: achieved(model, total, t, within),
                met: true,
            })
        })
        .collect::<std::result::Result<Vec<_>, String>>()?;
    Ok(StaffPlan {
        method: Method::Erlang,
        intervals,
    })
}
