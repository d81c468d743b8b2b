//! The `simulation` method: intervals in order, each staffed by simulating the whole day.
//!
//! For interval `i`, the staffing of intervals before `i` is held at what this method chose for them, and the
//! intervals after `i` at the Erlang answer. The search starts at the Erlang answer minus one (not below 0) and adds
//! one agent at a time until the interval is **met**: the share of simulated days (replications `0..r`, days
//! without calls in the interval left out) in which the calls arriving in the interval meet every target (service
//! level at least the target, ASA and abandonment rate at most theirs, occupancy at most its maximum) is at least
//! `confidence` (the rule of [`super::meeting`]). With `confidence = 0.5` the median day meets the targets. Every candidate staffing is simulated
//! with the same replications and so the same seeds: common random numbers, so two candidates see the same
//! callers. A zero-volume interval gets no agents.
//!
//! **Which group gets the extra agent**: the one with the most offered load per agent in the interval, counting
//! the candidate agent (`share / (agents + 1)`, shares from [`super::group_shares`]; ties to the earlier group).
//! The search stops unmet at twice the Erlang answer plus 20 agents (or [`crate::erlang::MAX_AGENTS`]).
//!
//! Queues carry over from one interval into the next, so where demand steps up the simulated requirement is
//! usually at or above Erlang's; where it steps down, the backlog may even call for more agents in the next
//! interval.

use rayon::prelude::*;

use super::meeting::{MeetingShare, with_targets};
use super::{Achieved, IntervalPlan, Method, StaffPlan, group_shares, split};
use crate::day::roster::Roster;
use crate::erlang::{MAX_AGENTS, Targets};
use crate::run::simulate_day;
use crate::scenario::{Scenario, Staffing};
use crate::stats::{DayResult, IntervalMetric};

/// The scenario with group `g` staffed by `counts[i][g]` agents on duty in interval `i`.
pub fn staffed(scenario: &Scenario, counts: &[Vec<u32>]) -> Scenario {
    let mut s = scenario.clone();
    let intervals = s.day.intervals.clone();
    for (g, group) in s.agent_groups.iter_mut().enumerate() {
        let list: Vec<u32> = counts.iter().map(|c| c[g]).collect();
        let peak = list.iter().copied().max().unwrap_or(0);
        group.roster = if peak == 0 {
            Roster::all_day(0, &intervals)
        } else {
            // Every value is at most MAX_AGENTS (the search stops there) and one is positive: cannot fail.
            Roster::from_counts("<staff>", "count", &list, &intervals)
                .unwrap_or_else(|_| Roster::all_day(peak, &intervals))
        };
        group.count = peak;
        group.staffing = Staffing::PerInterval;
    }
    s
}

/// The mean over days of a metric of the interval's total (NaN values left out; `None` if none).
fn mean_of(days: &[DayResult], interval: usize, metric: IntervalMetric) -> Option<f64> {
    let values: Vec<f64> = days
        .iter()
        .filter_map(|d| d.intervals[interval].scopes.last().map(|s| s[metric.index()]))
        .filter(|v| !v.is_nan())
        .collect();
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Simulates `replications` days of `scenario` on the current rayon pool, in replication order.
fn days(scenario: &Scenario, replications: u32) -> Vec<DayResult> {
    (0..replications)
        .into_par_iter()
        .map(|r| simulate_day(scenario, r).1)
        .collect()
}

/// The day staffed by simulation (see the module doc), starting from the Erlang plan `erlang`; the scenario's
/// `answer_within` and `service_level_target` are set from `targets` before simulating. `on_step` is called once
/// per simulated candidate (for progress).
pub fn plan(
    scenario: &Scenario,
    targets: &Targets,
    confidence: f64,
    replications: u32,
    erlang: &StaffPlan,
    on_step: &dyn Fn(usize),
) -> StaffPlan {
    let scenario = with_targets(scenario, targets);
    let mut counts: Vec<Vec<u32>> = erlang.intervals.iter().map(|p| p.required.clone()).collect();
    let mut intervals = Vec::with_capacity(counts.len());
    for (i, erlang_interval) in erlang.intervals.iter().enumerate() {
        let shares = group_shares(&scenario, i);
        if erlang_interval.calls == 0.0 {
            counts[i] = vec![0; shares.len()];
            intervals.push(IntervalPlan {
                required: counts[i].clone(),
                achieved: Achieved::default(),
                met: true,
                ..erlang_interval.clone()
            });
            continue;
        }
        let erlang_total = erlang_interval.total();
        let cap = erlang_total.saturating_mul(2).saturating_add(20).min(MAX_AGENTS);
        counts[i] = split(erlang_total.saturating_sub(1), &shares);
        loop {
            let simulated = days(&staffed(&scenario, &counts), replications);
            on_step(i);
            let met = MeetingShare::of(&simulated, i, targets).met(confidence);
            let total: u32 = counts[i].iter().sum();
            if met || total >= cap {
                intervals.push(IntervalPlan {
                    required: counts[i].clone(),
                    achieved: Achieved {
                        service_level: mean_of(&simulated, i, IntervalMetric::ServiceLevel),
                        asa_s: mean_of(&simulated, i, IntervalMetric::AsaS),
                        abandonment_rate: mean_of(&simulated, i, IntervalMetric::AbandonmentRate),
                        occupancy: mean_of(&simulated, i, IntervalMetric::Occupancy),
                    },
                    met,
                    ..erlang_interval.clone()
                });
                break;
            }
            let g = (0..shares.len())
                .filter(|&g| shares[g] > 0.0)
                .max_by(|&a, &b| {
                    let load = |g: usize| shares[g] / (counts[i][g] as f64 + 1.0);
                    load(a).total_cmp(&load(b)).then(b.cmp(&a))
                })
                .unwrap_or(0);
            counts[i][g] += 1;
        }
    }
    StaffPlan {
        method: Method::Simulation,
        intervals,
    }
}
