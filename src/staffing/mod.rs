//! Staffing a planner's day: the agents each group needs in each planning interval to meet the service targets
//! (`callsim staff`).
//!
//! Two methods share one result type, [`StaffPlan`]:
//! - [`erlang`](mod@erlang): each interval taken alone by Erlang C (no patience) or Erlang A (every call type has
//!   patience; the calls-weighted mean patience), with the solver of `callsim erlang`
//!   ([`crate::erlang::required_agents`]). Instant, but blind to the queue one interval hands to the next.
//! - [`simulation`]: intervals in order, earlier intervals' staffing held fixed, agents added until the simulated
//!   interval meets its targets on at least the asked share of simulated days (see [`simulation`] for the rule).
//!
//! **Several groups.** The interval's requirement is for all call types pooled into one queue (the model
//! `callsim erlang` and [`crate::stats::interval_theory`] use). It is split across groups in proportion to the
//! offered load each group serves ([`group_shares`]: a call type's load is shared equally among the groups that
//! have it in their skills), rounded by largest remainders so the groups add up to the pooled requirement. With
//! one group the requirement is that group's.
//!
//! This module computes; it never prints or writes. [`rows`] turns a plan into CSV/JSON rows, the chart and the
//! scenario's `count` lists.

pub mod erlang;
pub mod meeting;
pub mod rows;
pub mod simulation;

use crate::erlang::Targets;
use crate::scenario::Scenario;

/// How the requirement is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Each interval alone by Erlang C / A.
    Erlang,
    /// Intervals in order, by simulation.
    Simulation,
}

impl Method {
    /// The name used on the command line and in JSON (`"erlang"`, `"simulation"`).
    pub fn name(self) -> &'static str {
        match self {
            Method::Erlang => "erlang",
            Method::Simulation => "simulation",
        }
    }
}

/// The figures one interval achieves with its staffing (all call types together); `None` where undefined (no
/// calls, or an unstable Erlang C queue).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Achieved {
    /// Share of the interval's calls answered within `answer_within`.
    pub service_level: Option<f64>,
    /// Average speed of answer in seconds.
    pub asa_s: Option<f64>,
    /// Share of the interval's calls abandoned.
    pub abandonment_rate: Option<f64>,
    /// Agents' busy share of their time on duty.
    pub occupancy: Option<f64>,
}

/// One planning interval's requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalPlan {
    /// Clock time of the interval's start (from the scenario's `opens_at`), e.g. `"08:00"`.
    pub interval_start: String,
    /// Expected calls offered in the interval, all call types.
    pub calls: f64,
    /// Agents on duty each group needs, in scenario order.
    pub required: Vec<u32>,
    /// What the interval achieves with `required`.
    pub achieved: Achieved,
    /// Whether the targets hold (simulation: by the confidence rule; Erlang: always, as the solver met them).
    pub met: bool,
}

impl IntervalPlan {
    /// Agents needed over all groups.
    pub fn total(&self) -> u32 {
        self.required.iter().sum()
    }
}

/// The staffing of the whole day by one method.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffPlan {
    /// The method used.
    pub method: Method,
    /// Per interval, in order.
    pub intervals: Vec<IntervalPlan>,
}

/// Each group's share of the offered load in interval `interval`: a call type's load (calls times mean handle
/// plus after-call work) is shared equally among the groups having it in their skills. All zeros when the
/// interval has no calls. Shares add up to 1 otherwise (a call type no group serves is left out).
pub fn group_shares(scenario: &Scenario, interval: usize) -> Vec<f64> {
    let mut load = vec![0.0; scenario.agent_groups.len()];
    for (t, c) in scenario.call_types.iter().enumerate() {
        let work = scenario.calls_per_interval(t)[interval] * (c.service.mean() + c.after_call_work);
        let servers: Vec<usize> = (0..scenario.agent_groups.len())
            .filter(|&g| scenario.agent_groups[g].skills.contains(&t))
            .collect();
        for &g in &servers {
            load[g] += work / servers.len() as f64;
        }
    }
    let total: f64 = load.iter().sum();
    if total > 0.0 {
        load.iter_mut().for_each(|l| *l /= total);
    }
    load
}

/// Splits `total` agents in proportion to `shares` by largest remainders (ties to the earlier group), so the
/// parts add up to `total`. All zeros when every share is 0.
pub fn split(total: u32, shares: &[f64]) -> Vec<u32> {
    let sum: f64 = shares.iter().sum();
    if sum <= 0.0 || shares.is_empty() {
        return vec![0; shares.len()];
    }
    let exact: Vec<f64> = shares.iter().map(|s| total as f64 * s / sum).collect();
    let mut parts: Vec<u32> = exact.iter().map(|e| e.floor() as u32).collect();
    let mut left = total.saturating_sub(parts.iter().sum());
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &g in order.iter().cycle() {
        if left == 0 {
            break;
        }
        if shares[g] > 0.0 {
            parts[g] += 1;
            left -= 1;
        }
    }
    parts
}

/// Checks the targets for staffing: at least one, each in its range. Errors name the flag and what is allowed.
pub fn check_targets(targets: &Targets) -> std::result::Result<(), String> {
    if targets.is_empty() {
        return Err(
            "--target-sl/--target-asa/--max-abandon/--max-occupancy: no target given and the scenario \
                    has none; give at least one, e.g. --target-sl 0.8"
                .into(),
        );
    }
    if let Some((share, within)) = targets.service_level {
        if !(share > 0.0 && share < 1.0) {
            return Err(format!("--target-sl: must be a share above 0 and below 1, got {share}"));
        }
        if !(within.is_finite() && within >= 0.0) {
            return Err(format!(
                "--answer-within: must be a duration of 0s or more, got {within}s"
            ));
        }
    }
    if let Some(asa) = targets.asa
        && !(asa.is_finite() && asa > 0.0)
    {
        return Err(format!("--target-asa: must be longer than 0s, got {asa}s"));
    }
    if let Some(p) = targets.max_abandon
        && !(p > 0.0 && p < 1.0)
    {
        return Err(format!("--max-abandon: must be a share above 0 and below 1, got {p}"));
    }
    if let Some(x) = targets.max_occupancy
        && !(x > 0.0 && x <= 1.0)
    {
        return Err(format!(
            "--max-occupancy: must be a share above 0 and at most 1, got {x}"
        ));
    }
    Ok(())
}
