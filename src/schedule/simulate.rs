//! Closing the loop (issue 9): the chosen roster simulated over the day (`callsim schedule --simulate`), and the
//! requirement raised where the simulated roster misses its targets, then solved and simulated again
//! (`--until-met`): simulation-based staffing and scheduling, a loop like a cutting-plane method.
//!
//! **What is simulated is what is pasted.** The scheduled group's roster is built by [`rostered`] from
//! [`super::report::shift_specs`], the very list `roster.toml` prints, through the scenario's own
//! [`Roster::from_shifts`]; every other group, the absenteeism and the whole day stay as the scenario has them.
//! Simulating the roster is therefore running the scenario with `roster.toml` pasted in as the group's `shifts`,
//! to the last digit, for the same seed and replications.
//!
//! **Met.** An interval is met when at least `confidence` of the simulated days with calls in it meet every
//! target there (the rule of `callsim staff --method simulation`, [`crate::staffing::meeting`]).
//!
//! **The raise rule (`--until-met`).** After a round, each missed interval's requirement becomes the coverage the
//! round's roster gave it plus one agent (and at least its old requirement plus one): so the next roster has at
//! least one more agent on duty there, whatever the time-weighting of breaks left over before. Met intervals keep
//! their requirement; requirements never fall, so each round's least paid hours (or cost) is at least the last's.
//! Every round simulates the same days (same seed and replications: common random numbers), so a change between
//! rounds is the roster's doing, not chance's. The loop stops when every interval is met or after `max_rounds`
//! rounds (the first round is the plain schedule), and says which.
//!
//! This module computes; it never prints or writes files.

use crate::day::roster::{Roster, ShiftSpec};
use crate::erlang::Targets;
use crate::error::{Error, Result};
use crate::run::{combine_days, run_days};
use crate::scenario::{Scenario, Staffing};
use crate::staffing::meeting::{MeetingShare, day_meets, with_targets};
use crate::stats::{Estimate, IntervalMetric};

use super::templates::{Column, Template};
use super::{Request, Schedule, report, schedule};

/// The scenario with group `group`'s roster replaced by `shifts` (exactly as the scenario's `shifts` key would
/// give it); every other group unchanged. An empty roster is refused naming `--simulate`.
pub fn rostered(scenario: &Scenario, group: usize, shifts: &[ShiftSpec]) -> Result<Scenario> {
    let mut scenario = scenario.clone();
    let intervals = scenario.day.intervals.clone();
    let g = &mut scenario.agent_groups[group];
    if shifts.is_empty() {
        return Err(Error::input(
            "--simulate",
            format!(
                "the roster for group {} has no agents (the requirement is 0 in every interval); there is no roster \
                 to simulate",
                g.name
            ),
        ));
    }
    let field = format!("agent_groups[{}].shifts", g.name);
    let roster = Roster::from_shifts("roster.toml", &field, shifts, &intervals)?;
    g.count = roster.agents() as u32;
    g.roster = roster;
    g.staffing = Staffing::Shifts;
    Ok(scenario)
}

/// One interval of the simulated roster.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedInterval {
    /// Clock time of the interval's start, e.g. `"08:00"`.
    pub interval_start: String,
    /// Agents the schedule was asked for (the scheduled group).
    pub required: f64,
    /// Agents the roster has on duty and not on break (the scheduled group, time-weighted, before absenteeism).
    pub coverage: f64,
    /// Calls offered (all call types), mean over days.
    pub offered: Estimate,
    /// Agents on duty, all groups, as simulated (absentees excluded).
    pub agents_on_duty: Estimate,
    /// Service level of the calls arriving in the interval, with its 95% interval.
    pub service_level: Estimate,
    /// Average speed of answer in seconds.
    pub asa_s: Estimate,
    /// Share of the interval's calls abandoned.
    pub abandonment_rate: Estimate,
    /// Days meeting every target in the interval, out of the days with calls in it.
    pub meeting: MeetingShare,
    /// Whether the interval is met: `meeting.share() >= confidence`.
    pub met: bool,
}

/// The roster simulated over the day.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// Per interval, in order.
    pub intervals: Vec<SimulatedInterval>,
    /// The share of days on which every interval with calls met every target.
    pub days_every_interval_met: Estimate,
    /// The day's service level (all calls of the day), mean over days.
    pub daily_service_level: Estimate,
    /// The share of days whose service level reached the target (`days_meeting_target` of `callsim run`).
    pub days_meeting_target: Estimate,
    /// Simulated days.
    pub replications: u32,
    /// Base seed.
    pub seed: u64,
    /// The share of days an interval must meet its targets on.
    pub confidence: f64,
    /// The targets judged.
    pub targets: Targets,
}

impl Simulation {
    /// The intervals met, in order.
    pub fn met(&self) -> Vec<usize> {
        (0..self.intervals.len()).filter(|&i| self.intervals[i].met).collect()
    }

    /// The intervals missed, in order.
    pub fn missed(&self) -> Vec<usize> {
        (0..self.intervals.len()).filter(|&i| !self.intervals[i].met).collect()
    }
}

/// Simulates `schedule`'s roster for group `group` of `scenario` (its seed and replications) on the current rayon
/// pool, with the service-level threshold and target taken from `targets`; `on_done` is called once per
/// simulated day.
pub fn simulate(
    scenario: &Scenario,
    group: usize,
    schedule: &Schedule,
    targets: &Targets,
    confidence: f64,
    on_done: &(dyn Fn() + Sync),
) -> Result<Simulation> {
    let intervals = &scenario.day.intervals;
    let scenario = with_targets(
        &rostered(scenario, group, &report::shift_specs(schedule, intervals))?,
        targets,
    );
    let (replications, days) = run_days(&scenario, on_done);
    let meeting: Vec<MeetingShare> = (0..intervals.len())
        .map(|i| MeetingShare::of(&days, i, targets))
        .collect();
    let every_interval = Estimate::from_samples(days.iter().map(|d| {
        let flags: Vec<bool> = (0..intervals.len()).filter_map(|i| day_meets(d, i, targets)).collect();
        if flags.is_empty() {
            f64::NAN
        } else {
            f64::from(u8::from(flags.iter().all(|&m| m)))
        }
    }))
    .bounded(0.0, 1.0);
    let (_, day) = combine_days(&scenario, replications, days);
    let total = |i: usize, m: IntervalMetric| day.intervals[i].scopes.last().expect("the total scope")[m.index()];
    Ok(Simulation {
        intervals: (0..intervals.len())
            .map(|i| SimulatedInterval {
                interval_start: intervals.label(i),
                required: schedule.requirement[i],
                coverage: schedule.coverage[i],
                offered: total(i, IntervalMetric::Offered),
                agents_on_duty: total(i, IntervalMetric::AgentsOnDuty),
                service_level: total(i, IntervalMetric::ServiceLevel),
                asa_s: total(i, IntervalMetric::AsaS),
                abandonment_rate: total(i, IntervalMetric::AbandonmentRate),
                meeting: meeting[i],
                met: meeting[i].met(confidence),
            })
            .collect(),
        days_every_interval_met: every_interval,
        daily_service_level: Estimate::from_samples(day.daily_service_levels()).bounded(0.0, 1.0),
        days_meeting_target: day.days_meeting_target,
        replications: scenario.replications,
        seed: scenario.seed,
        confidence,
        targets: *targets,
    })
}

/// One round of the loop: a schedule and its simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    /// The round, from 1.
    pub round: u32,
    /// The schedule solved for this round's requirement.
    pub schedule: Schedule,
    /// Its roster simulated.
    pub simulation: Simulation,
}

/// What the loop is asked to do.
#[derive(Debug, Clone, PartialEq)]
pub struct LoopRequest {
    /// The group scheduled (index into the scenario's groups).
    pub group: usize,
    /// Targets every interval must meet.
    pub targets: Targets,
    /// The share of simulated days an interval must meet its targets on.
    pub confidence: f64,
    /// The most rounds (each one solve and one simulation); 1 is `--simulate` alone.
    pub max_rounds: u32,
}

/// The requirement of the next round: each interval of `missed` raised to its coverage plus one agent, and to at
/// least its requirement plus one (see the module doc); the others unchanged.
pub fn raise(requirement: &[f64], coverage: &[f64], missed: &[usize]) -> Vec<f64> {
    let mut next = requirement.to_vec();
    for &i in missed {
        next[i] = requirement[i].max(coverage[i]) + 1.0;
    }
    next
}

/// Solves, simulates and raises the requirement of the missed intervals until every interval is met or
/// `max_rounds` rounds have run (see the module doc). `on_done` is called once per simulated day of every round.
/// Returns the rounds in order; the last one's roster is the answer.
pub fn close_loop(
    scenario: &Scenario,
    templates: &[Template],
    columns: &[Column],
    request: &Request,
    ask: &LoopRequest,
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<Round>> {
    if ask.max_rounds == 0 {
        return Err(Error::input("--max-rounds", "must be at least 1, got 0"));
    }
    let mut request = request.clone();
    let mut rounds: Vec<Round> = Vec::new();
    for round in 1..=ask.max_rounds {
        let solved = schedule(templates.to_vec(), columns, &scenario.day.intervals, &request)?;
        let simulation = simulate(scenario, ask.group, &solved, &ask.targets, ask.confidence, on_done)?;
        let missed = simulation.missed();
        request.requirement = raise(&solved.requirement, &solved.coverage, &missed);
        rounds.push(Round {
            round,
            schedule: solved,
            simulation,
        });
        if missed.is_empty() {
            break;
        }
    }
    Ok(rounds)
}
