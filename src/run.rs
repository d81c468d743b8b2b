//! Running the replications of one scenario, in parallel and yet reproducibly.
//!
//! Replications are independent jobs on rayon's pool, collected in replication order, so the result is identical
//! whatever the number of threads. Every replication runs the standard [`Collector`]; [`run_day`] runs the
//! [`IntervalCollector`] beside it, for the per-interval and per-day results.

use rayon::prelude::*;

use crate::engine::{AttemptKind, Detail, DialOutcome, Journey, ListState, Observer, simulate};
use crate::routing::{CallTypeId, GroupId};
use crate::scenario::Scenario;
use crate::stats::{Collector, DayResult, DayResults, IntervalCollector, MetricValues, ReplicationMetrics, Summary};
use crate::time::SimTime;

/// Two observers fed the same events, the first first.
#[derive(Debug, Clone)]
pub struct Both<A, B>(pub A, pub B);

impl<A: Observer, B: Observer> Observer for Both<A, B> {
    const DETAIL: bool = A::DETAIL || B::DETAIL;
    fn on_detail(&mut self, now: SimTime, detail: Detail) {
        if A::DETAIL {
            self.0.on_detail(now, detail);
        }
        if B::DETAIL {
            self.1.on_detail(now, detail);
        }
    }
    #[inline]
    fn on_arrival(&mut self, now: SimTime, call_type: CallTypeId) {
        self.0.on_arrival(now, call_type);
        self.1.on_arrival(now, call_type);
    }
    fn on_blocked(&mut self, now: SimTime, call_type: CallTypeId) {
        self.0.on_blocked(now, call_type);
        self.1.on_blocked(now, call_type);
    }
    #[inline]
    fn on_answer(&mut self, now: SimTime, call_type: CallTypeId, group: GroupId, arrived: SimTime) {
        self.0.on_answer(now, call_type, group, arrived);
        self.1.on_answer(now, call_type, group, arrived);
    }
    fn on_abandon(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        self.0.on_abandon(now, call_type, arrived);
        self.1.on_abandon(now, call_type, arrived);
    }
    #[inline]
    fn on_queue_change(&mut self, now: SimTime, call_type: CallTypeId, of_type: usize, total: usize) {
        self.0.on_queue_change(now, call_type, of_type, total);
        self.1.on_queue_change(now, call_type, of_type, total);
    }
    #[inline]
    fn on_agent_released(&mut self, now: SimTime, call_type: CallTypeId, group: GroupId, busy_since: SimTime) {
        self.0.on_agent_released(now, call_type, group, busy_since);
        self.1.on_agent_released(now, call_type, group, busy_since);
    }
    fn on_chat_released(&mut self, now: SimTime, call_type: CallTypeId, group: GroupId, started: SimTime, share: f64) {
        self.0.on_chat_released(now, call_type, group, started, share);
        self.1.on_chat_released(now, call_type, group, started, share);
    }
    fn on_balk(&mut self, now: SimTime, call_type: CallTypeId) {
        self.0.on_balk(now, call_type);
        self.1.on_balk(now, call_type);
    }
    fn on_disconnect(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        self.0.on_disconnect(now, call_type, arrived);
        self.1.on_disconnect(now, call_type, arrived);
    }
    fn on_attempt(&mut self, now: SimTime, call_type: CallTypeId, kind: AttemptKind) {
        self.0.on_attempt(now, call_type, kind);
        self.1.on_attempt(now, call_type, kind);
    }
    fn on_message(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        self.0.on_message(now, call_type, arrived);
        self.1.on_message(now, call_type, arrived);
    }
    fn on_callback_requested(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        self.0.on_callback_requested(now, call_type, arrived);
        self.1.on_callback_requested(now, call_type, arrived);
    }
    fn on_callback_made(
        &mut self,
        now: SimTime,
        call_type: CallTypeId,
        group: GroupId,
        arrived: SimTime,
        requested: SimTime,
    ) {
        self.0.on_callback_made(now, call_type, group, arrived, requested);
        self.1.on_callback_made(now, call_type, group, arrived, requested);
    }
    fn on_overflow(&mut self, now: SimTime, call_type: CallTypeId, to: CallTypeId, arrived: SimTime) {
        self.0.on_overflow(now, call_type, to, arrived);
        self.1.on_overflow(now, call_type, to, arrived);
    }
    fn on_resolution(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime, resolved: bool) {
        self.0.on_resolution(now, call_type, arrived, resolved);
        self.1.on_resolution(now, call_type, arrived, resolved);
    }
    fn on_caller_done(&mut self, now: SimTime, journey: &Journey, served: bool) {
        self.0.on_caller_done(now, journey, served);
        self.1.on_caller_done(now, journey, served);
    }
    fn on_consult(&mut self, now: SimTime, call_type: CallTypeId, group: GroupId, wait_s: f64) {
        self.0.on_consult(now, call_type, group, wait_s);
        self.1.on_consult(now, call_type, group, wait_s);
    }
    fn on_consult_end(&mut self, now: SimTime, group: GroupId, started: SimTime) {
        self.0.on_consult_end(now, group, started);
        self.1.on_consult_end(now, group, started);
    }
    fn on_transfer(&mut self, now: SimTime, call_type: CallTypeId, to: CallTypeId) {
        self.0.on_transfer(now, call_type, to);
        self.1.on_transfer(now, call_type, to);
    }
    fn on_transfer_answered(&mut self, now: SimTime, call_type: CallTypeId, leg_arrived: SimTime) {
        self.0.on_transfer_answered(now, call_type, leg_arrived);
        self.1.on_transfer_answered(now, call_type, leg_arrived);
    }
    fn on_log_on(&mut self, now: SimTime, group: GroupId) {
        self.0.on_log_on(now, group);
        self.1.on_log_on(now, group);
    }
    fn on_log_off(&mut self, now: SimTime, group: GroupId, scheduled: SimTime) {
        self.0.on_log_off(now, group, scheduled);
        self.1.on_log_off(now, group, scheduled);
    }
    fn on_dial(&mut self, now: SimTime, campaign: usize) {
        self.0.on_dial(now, campaign);
        self.1.on_dial(now, campaign);
    }
    fn on_dial_outcome(&mut self, now: SimTime, campaign: usize, outcome: DialOutcome, dialed: SimTime) {
        self.0.on_dial_outcome(now, campaign, outcome, dialed);
        self.1.on_dial_outcome(now, campaign, outcome, dialed);
    }
    fn on_contact_end(&mut self, now: SimTime, campaign: usize, talk_s: f64, converted: bool) {
        self.0.on_contact_end(now, campaign, talk_s, converted);
        self.1.on_contact_end(now, campaign, talk_s, converted);
    }
    fn on_outbound_released(&mut self, now: SimTime, campaign: usize, group: GroupId, since: SimTime, waiting_s: f64) {
        self.0.on_outbound_released(now, campaign, group, since, waiting_s);
        self.1.on_outbound_released(now, campaign, group, since, waiting_s);
    }
    fn on_campaign_end(&mut self, now: SimTime, campaign: usize, list: &ListState) {
        self.0.on_campaign_end(now, campaign, list);
        self.1.on_campaign_end(now, campaign, list);
    }
    fn on_finish(&mut self, now: SimTime) {
        self.0.on_finish(now);
        self.1.on_finish(now);
    }
}

/// Runs replication `replication` of `scenario` with the standard collector.
pub fn simulate_replication(scenario: &Scenario, replication: u32) -> ReplicationMetrics {
    let mut collector = Collector::new(scenario);
    simulate(scenario, replication, &mut collector);
    collector.finish()
}

/// Runs replication `replication` with the standard collector and the [`IntervalCollector`].
pub fn simulate_day(scenario: &Scenario, replication: u32) -> (ReplicationMetrics, DayResult) {
    let mut observer = Both(Collector::new(scenario), IntervalCollector::new(scenario));
    simulate(scenario, replication, &mut observer);
    let (metrics, mut day) = (observer.0.finish(), observer.1.finish());
    // The day's caller counts are the standard collector's, counted once.
    day.record.callers = metrics.callers.clone();
    (metrics, day)
}

/// Runs every replication of `scenario` on the current rayon pool; `on_done` is called once per finished
/// replication (for progress bars) from whichever thread finished it.
pub fn run_replications(scenario: &Scenario, on_done: &(dyn Fn() + Sync)) -> Vec<ReplicationMetrics> {
    (0..scenario.replications)
        .into_par_iter()
        .map(|replication| {
            let metrics = simulate_replication(scenario, replication);
            on_done();
            metrics
        })
        .collect()
}

/// Runs every replication and combines them.
pub fn run_scenario(scenario: &Scenario, on_done: &(dyn Fn() + Sync)) -> Summary {
    Summary::from_replications(scenario, &run_replications(scenario, on_done))
}

/// Runs every replication with the per-interval collector too, in replication order: each day's standard
/// metrics and its per-interval results (what [`combine_days`] reduces). `on_done` is called once per finished
/// replication.
pub fn run_days(scenario: &Scenario, on_done: &(dyn Fn() + Sync)) -> (Vec<ReplicationMetrics>, Vec<DayResult>) {
    (0..scenario.replications)
        .into_par_iter()
        .map(|replication| {
            let result = simulate_day(scenario, replication);
            on_done();
            result
        })
        .unzip()
}

/// Combines the days of [`run_days`], in replication order: the summary and the per-interval and per-day results.
pub fn combine_days(
    scenario: &Scenario,
    replications: Vec<ReplicationMetrics>,
    days: Vec<DayResult>,
) -> (Summary, DayResults) {
    let summary = Summary::from_replications(scenario, &replications);
    let metrics: Vec<Vec<MetricValues>> = replications
        .into_iter()
        .map(|r| r.call_types.into_iter().chain([r.total]).collect())
        .collect();
    (summary, DayResults::from_days(scenario, days, metrics))
}

/// Runs every replication with the per-interval collector too, and combines them: the summary and the
/// per-interval and per-day results.
pub fn run_day(scenario: &Scenario, on_done: &(dyn Fn() + Sync)) -> (Summary, DayResults) {
    let (replications, days) = run_days(scenario, on_done);
    combine_days(scenario, replications, days)
}
