//! Per-day records: the raw counts and sums of one replication (one day) behind every ratio, per call type and in
//! total, and the service-level variants computed from them.
//!
//! [`DayCounter`] is an [`Observer`] that keeps only these counts (a few integers per call type), for
//! `replications.csv` and the per-day risk figures; the standard [`crate::stats::Collector`] computes the same
//! service-level variants from its own tallies (a test holds the two to exact agreement). Like the standard
//! collector it counts calls that *arrived* at or after the warm-up. It owns no time-based figure (see
//! [`crate::stats::interval`]).

use serde::Serialize;

use crate::engine::Observer;
use crate::routing::{CallTypeId, GroupId};
use crate::scenario::Scenario;
use crate::stats::callers::CallerCounts;
use crate::time::SimTime;

/// The default short-abandon threshold in seconds (`[service_level] short_abandon`): a caller who hangs up (or
/// balks) after waiting **less** than the threshold is a short abandon, left out of
/// [`crate::stats::Metric::ServiceLevelShortAbandonsExcluded`]; 5 s is the usual industry convention.
pub const SHORT_ABANDON_S: f64 = 5.0;

/// One day's raw counts and sums for one call type (or all together).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct DayCounts {
    /// Calls that got a line (arrived at or after the warm-up, not blocked).
    pub offered: u64,
    /// Offered calls answered by an agent.
    pub answered: u64,
    /// Offered calls whose caller hung up while waiting, balked callers included.
    pub abandoned: u64,
    /// Arrivals refused because every trunk line was busy (not offered).
    pub blocked: u64,
    /// Callers disconnected: at `max_wait` (`action = "disconnect"`) or still waiting at closing.
    pub disconnected: u64,
    /// Answered calls with a wait of at most `answer_within` (the call type's own; in the total, each call against
    /// its type's).
    pub answered_within: u64,
    /// Abandoned calls whose caller waited at most `answer_within` (the call type's own), balked callers included.
    pub abandoned_within: u64,
    /// Waits of all offered calls in seconds: answered ones until answered, abandoned ones until hanging up,
    /// disconnected ones until disconnected, those who left a message or asked for a callback until then.
    pub wait_sum_s: f64,
    /// Abandoned calls whose caller waited less than the scenario's `short_abandon` (default [`SHORT_ABANDON_S`]),
    /// balked callers included.
    pub short_abandoned: u64,
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        f64::NAN
    }
}

impl DayCounts {
    /// Adds another record's counts and sums.
    pub fn absorb(&mut self, other: &DayCounts) {
        self.offered += other.offered;
        self.answered += other.answered;
        self.abandoned += other.abandoned;
        self.blocked += other.blocked;
        self.disconnected += other.disconnected;
        self.answered_within += other.answered_within;
        self.abandoned_within += other.abandoned_within;
        self.short_abandoned += other.short_abandoned;
        self.wait_sum_s += other.wait_sum_s;
    }

    /// `answered_within / offered` (today's `service_level`); NaN without offered calls.
    pub fn service_level(&self) -> f64 {
        ratio(self.answered_within as f64, self.offered as f64)
    }

    /// `answered_within / answered` ([`crate::stats::Metric::ServiceLevelOfAnswered`]).
    pub fn service_level_of_answered(&self) -> f64 {
        ratio(self.answered_within as f64, self.answered as f64)
    }

    /// `answered_within / (offered - short_abandoned)` ([`crate::stats::Metric::ServiceLevelShortAbandonsExcluded`]).
    pub fn service_level_short_abandons_excluded(&self) -> f64 {
        ratio(
            self.answered_within as f64,
            (self.offered - self.short_abandoned.min(self.offered)) as f64,
        )
    }

    /// `(answered_within + abandoned_within) / offered` ([`crate::stats::Metric::ServiceLevelAbandonsWithinCounted`]).
    pub fn service_level_abandons_within_counted(&self) -> f64 {
        ratio(
            (self.answered_within + self.abandoned_within) as f64,
            self.offered as f64,
        )
    }
}

/// One day's counts: per call type in scenario order, and all together.
#[derive(Debug, Clone, PartialEq)]
pub struct DayRecord {
    /// Per call type, in scenario order.
    pub call_types: Vec<DayCounts>,
    /// The sum of the call types.
    pub total: DayCounts,
    /// Caller-behaviour counts per call type, then all together (last): the standard collector's
    /// ([`crate::stats::ReplicationMetrics::callers`], filled in by [`crate::run::simulate_day`]), not counted twice.
    pub callers: Vec<CallerCounts>,
}

impl DayRecord {
    /// Every call type's counts, then the total (the order of [`crate::stats::ReplicationMetrics::waits`]).
    pub fn scopes(&self) -> impl Iterator<Item = &DayCounts> {
        self.call_types.iter().chain([&self.total])
    }
}

/// Counts a [`DayRecord`] from the engine's hooks: O(call types) memory, no allocation per event.
#[derive(Debug, Clone)]
pub struct DayCounter {
    warmup: f64,
    /// Per call type: its own threshold and short-abandon threshold.
    answer_within: Vec<f64>,
    short_abandon: Vec<f64>,
    call_types: Vec<DayCounts>,
}

impl DayCounter {
    /// A counter for one replication of `scenario`.
    pub fn new(scenario: &Scenario) -> DayCounter {
        DayCounter {
            warmup: scenario.warmup,
            answer_within: (0..scenario.call_types.len())
                .map(|t| scenario.answer_within_of(t))
                .collect(),
            short_abandon: (0..scenario.call_types.len())
                .map(|t| scenario.short_abandon_of(t))
                .collect(),
            call_types: vec![DayCounts::default(); scenario.call_types.len()],
        }
    }

    #[inline]
    fn counts(&self, arrived: SimTime) -> bool {
        arrived.seconds() >= self.warmup
    }

    /// An abandon (or balk, `wait` 0) of an offered call.
    #[inline]
    fn abandon(&mut self, call_type: CallTypeId, wait: f64) {
        let t = call_type.index();
        let (answer_within, short_abandon) = (self.answer_within[t], self.short_abandon[t]);
        let c = &mut self.call_types[t];
        c.abandoned += 1;
        c.wait_sum_s += wait;
        if wait <= answer_within {
            c.abandoned_within += 1;
        }
        if wait < short_abandon {
            c.short_abandoned += 1;
        }
    }

    /// The record, once the replication has finished.
    pub fn finish(&self) -> DayRecord {
        let mut total = DayCounts::default();
        for c in &self.call_types {
            total.absorb(c);
        }
        DayRecord {
            call_types: self.call_types.clone(),
            total,
            callers: Vec::new(),
        }
    }
}

impl Observer for DayCounter {
    #[inline]
    fn on_arrival(&mut self, now: SimTime, call_type: CallTypeId) {
        if self.counts(now) {
            self.call_types[call_type.index()].offered += 1;
        }
    }

    fn on_blocked(&mut self, now: SimTime, call_type: CallTypeId) {
        if self.counts(now) {
            self.call_types[call_type.index()].blocked += 1;
        }
    }

    #[inline]
    fn on_answer(&mut self, now: SimTime, call_type: CallTypeId, _group: GroupId, arrived: SimTime) {
        if self.counts(arrived) {
            let wait = now.since(arrived);
            let answer_within = self.answer_within[call_type.index()];
            let c = &mut self.call_types[call_type.index()];
            c.answered += 1;
            c.wait_sum_s += wait;
            if wait <= answer_within {
                c.answered_within += 1;
            }
        }
    }

    fn on_abandon(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        if self.counts(arrived) {
            self.abandon(call_type, now.since(arrived));
        }
    }

    fn on_balk(&mut self, now: SimTime, call_type: CallTypeId) {
        if self.counts(now) {
            self.abandon(call_type, 0.0);
        }
    }

    fn on_message(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        if self.counts(arrived) {
            self.call_types[call_type.index()].wait_sum_s += now.since(arrived);
        }
    }

    fn on_callback_requested(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        if self.counts(arrived) {
            self.call_types[call_type.index()].wait_sum_s += now.since(arrived);
        }
    }

    fn on_disconnect(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        if self.counts(arrived) {
            let c = &mut self.call_types[call_type.index()];
            c.disconnected += 1;
            c.wait_sum_s += now.since(arrived);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_follow_their_definitions() {
        let c = DayCounts {
            offered: 100,
            answered: 90,
            abandoned: 10,
            answered_within: 72,
            abandoned_within: 6,
            short_abandoned: 4,
            ..DayCounts::default()
        };
        assert_eq!(c.service_level(), 0.72);
        assert_eq!(c.service_level_of_answered(), 0.8);
        assert_eq!(c.service_level_short_abandons_excluded(), 72.0 / 96.0);
        assert_eq!(c.service_level_abandons_within_counted(), 0.78);
        assert!(DayCounts::default().service_level().is_nan());
    }
}
