//! The meeting rule shared by `callsim staff --method simulation` and `callsim schedule --simulate`: when one
//! simulated day's interval meets its targets, and when an interval counts as **met** over many simulated days.
//!
//! One day's interval meets the targets when the calls that arrived in it (all call types together) reach the
//! service-level target and stay within the ASA, abandonment and occupancy maxima ([`day_meets`]); a day without
//! calls in the interval says nothing and is left out. An interval is met when the share of the remaining days
//! that meet the targets is at least the asked confidence ([`MeetingShare::met`]); with no such day at all it is
//! met (nothing to serve). This module judges; it never simulates.

use crate::erlang::Targets;
use crate::scenario::Scenario;
use crate::stats::{DayResult, IntervalMetric};

/// The scenario with its service-level threshold and target set from `targets` (when they have one), so that the
/// per-interval collector counts calls answered within the asked threshold. Staffing judges all call types
/// together against one target, so the call types' own `service_level` overrides are cleared.
pub fn with_targets(scenario: &Scenario, targets: &Targets) -> Scenario {
    let mut scenario = scenario.clone();
    scenario.clear_type_targets();
    if let Some((share, within)) = targets.service_level {
        scenario.answer_within = within;
        scenario.service_level_target = share;
    }
    scenario
}

/// Whether one day's interval `interval` meets every target; `None` when the interval had no calls that day.
pub fn day_meets(day: &DayResult, interval: usize, targets: &Targets) -> Option<bool> {
    let total = day.intervals[interval].scopes.last()?;
    let offered = total[IntervalMetric::Offered.index()];
    if offered.is_nan() || offered <= 0.0 {
        return None;
    }
    let at_most = |metric: IntervalMetric, max: Option<f64>| {
        max.is_none_or(|m| {
            let v = total[metric.index()];
            v.is_nan() || v <= m
        })
    };
    let sl_ok = targets
        .service_level
        .is_none_or(|(share, _)| total[IntervalMetric::ServiceLevel.index()] >= share);
    Some(
        sl_ok
            && at_most(IntervalMetric::AsaS, targets.asa)
            && at_most(IntervalMetric::AbandonmentRate, targets.max_abandon)
            && at_most(IntervalMetric::Occupancy, targets.max_occupancy),
    )
}

/// How many simulated days met an interval's targets, out of the days with calls in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MeetingShare {
    /// Days on which the interval met every target.
    pub meeting: u32,
    /// Days with calls in the interval.
    pub days: u32,
}

impl MeetingShare {
    /// Counts the days of `days` meeting interval `interval`'s targets.
    pub fn of(days: &[DayResult], interval: usize, targets: &Targets) -> MeetingShare {
        let flags = days.iter().filter_map(|d| day_meets(d, interval, targets));
        let (mut meeting, mut counted) = (0, 0);
        for flag in flags {
            counted += 1;
            meeting += u32::from(flag);
        }
        MeetingShare { meeting, days: counted }
    }

    /// `meeting / days`; 1 when no day had calls in the interval.
    pub fn share(&self) -> f64 {
        if self.days == 0 {
            1.0
        } else {
            f64::from(self.meeting) / f64::from(self.days)
        }
    }

    /// Whether the interval is met: the share is at least `confidence`.
    pub fn met(&self, confidence: f64) -> bool {
        self.share() >= confidence
    }
}
