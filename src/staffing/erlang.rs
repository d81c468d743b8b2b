//! The `erlang` method: each planning interval taken alone, by the solver of `callsim erlang`.
//!
//! An interval's call types are pooled into one queue: rate = expected calls / interval length, handle time =
//! the calls-weighted mean of (mean handle + after-call work). The model is [`crate::stats::interval_model`]'s:
//! Erlang A with the calls-weighted mean patience when every call type has patience, else Erlang C. A
//! zero-volume interval needs zero agents. The pooled requirement is split across groups by
//! [`super::group_shares`]. A chat team (one chat type on agents holding several chats) is staffed from the pooled
//! chat chain instead.

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
    if let Some(team) = crate::stats::interval::chat_team(scenario) {
        return chat_plan(scenario, targets, team);
    }
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

/// [`plan`] for a chat team (one chat type on groups of one concurrency above 1): each interval alone as the pooled
/// chat chain ([`crate::erlang::chat::chat_pooled`]: Erlang knows nothing of chats held at once), the fewest agents
/// meeting every target by a search up from one (to four times the agents whose slots carry the load, plus 100).
fn chat_plan(
    scenario: &Scenario,
    targets: &Targets,
    (handle_times, patience): (Vec<f64>, f64),
) -> std::result::Result<StaffPlan, String> {
    use crate::erlang::chat::{ChatModel, ChatQueue, chat_pooled};
    let within = targets.service_level.map_or(scenario.answer_within, |(_, t)| t);
    let figures = |agents: u32, rate: f64| -> Option<ChatQueue> {
        chat_pooled(&ChatModel {
            agents,
            chats_per_second: rate,
            handle_times: handle_times.clone(),
            patience,
        })
        .ok()
    };
    let meets = |c: &ChatQueue| {
        targets
            .service_level
            .is_none_or(|(share, t)| c.service_level(t) >= share)
            && targets.asa.is_none_or(|asa| c.asa <= asa)
            && targets.max_abandon.is_none_or(|most| c.p_abandon <= most)
            && targets.max_occupancy.is_none_or(|most| c.occupancy <= most)
    };
    let slots = handle_times.len() as f64;
    let slowest = handle_times[handle_times.len() - 1];
    let intervals = traffic(scenario)
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let label = scenario.day.intervals.label(i);
            let (total, achieved) = if t.calls == 0.0 {
                (0, Achieved::default())
            } else {
                let limit = (4.0 * t.rate * slowest / slots).ceil() as u32 + 100;
                let (n, c) = (1..=limit)
                    .find_map(|n| figures(n, t.rate).filter(|c| meets(c)).map(|c| (n, c)))
                    .ok_or_else(|| label.clone())?;
                let achieved = Achieved {
                    service_level: Some(c.service_level(within)),
                    asa_s: Some(c.asa),
                    abandonment_rate: Some(c.p_abandon),
                    occupancy: Some(c.occupancy),
                };
                (n, achieved)
            };
            Ok(IntervalPlan {
                interval_start: label,
                calls: t.calls,
                required: split(total, &group_shares(scenario, i)),
                achieved,
                met: true,
            })
        })
        .collect::<std::result::Result<Vec<_>, String>>()?;
    Ok(StaffPlan {
        method: Method::Erlang,
        intervals,
    })
}
