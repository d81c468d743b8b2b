//! Counts of caller behaviour (issue 10): messages, balks, redials, repeat calls, callbacks, overflows, first
//! contact resolution, and callers (people, not attempts) with their journeys.
//!
//! [`CallerCounter`] is the one observer behind them, kept with two kinds of buckets: the measured window (calls
//! that arrived at or after the warm-up) inside the standard collector, whose counts serve the summary and the
//! per-day records alike, and the planning intervals inside the interval collector. Each count belongs to the call type a call was **offered** as
//! and to the bucket of the instant it **arrived** (a redial or repeat call: when that attempt arrived); a caller's
//! journey belongs to the type and the instant of the caller's **first** call and is counted when it ends.

use serde::Serialize;

use crate::day::intervals::Intervals;
use crate::engine::{AttemptKind, Journey, Observer};
use crate::routing::{CallTypeId, GroupId};
use crate::time::SimTime;

/// Caller-behaviour counts of one call type (or all together) in one bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct CallerCounts {
    /// Callers who left a message at their `max_wait`.
    pub messages: u64,
    /// Callers who hung up at once on finding the agents busy (`balk`) or hearing the announced wait
    /// (`announce_wait`); they are counted as abandoned too.
    pub balked: u64,
    /// Attempts that were redials.
    pub redials: u64,
    /// Attempts that were repeat calls (an earlier answered call did not resolve the question).
    pub repeats: u64,
    /// Callers whose journey ended (people, not attempts).
    pub callers: u64,
    /// Of those, callers served in the end (answered or called back).
    pub callers_served: u64,
    /// Attempts those callers made, the first included.
    pub caller_attempts: u64,
    /// Their waits summed over all their attempts, in seconds.
    pub caller_wait_sum_s: f64,
    /// Callers who hung up at their `max_wait` to be called back.
    pub callbacks: u64,
    /// Callbacks made by an agent.
    pub callbacks_made: u64,
    /// Time from hanging up to being called back, summed over callbacks made, in seconds.
    pub callback_delay_sum_s: f64,
    /// Calls moved to another call type's line at their `max_wait`.
    pub overflowed: u64,
    /// Served calls of a type with `resolution` that resolved the question.
    pub resolved: u64,
    /// Served calls of a type with `resolution` that did not.
    pub unresolved: u64,
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        f64::NAN
    }
}

impl CallerCounts {
    /// Adds another record's counts and sums.
    pub fn absorb(&mut self, other: &CallerCounts) {
        self.messages += other.messages;
        self.balked += other.balked;
        self.redials += other.redials;
        self.repeats += other.repeats;
        self.callers += other.callers;
        self.callers_served += other.callers_served;
        self.caller_attempts += other.caller_attempts;
        self.caller_wait_sum_s += other.caller_wait_sum_s;
        self.callbacks += other.callbacks;
        self.callbacks_made += other.callbacks_made;
        self.callback_delay_sum_s += other.callback_delay_sum_s;
        self.overflowed += other.overflowed;
        self.resolved += other.resolved;
        self.unresolved += other.unresolved;
    }

    /// Attempts per caller whose journey ended.
    pub fn attempts_per_caller(&self) -> f64 {
        ratio(self.caller_attempts as f64, self.callers as f64)
    }

    /// Share of callers served in the end.
    pub fn callers_answered(&self) -> f64 {
        ratio(self.callers_served as f64, self.callers as f64)
    }

    /// Share of callers never served (they gave up, left a message, or were not called back by closing).
    pub fn callers_lost(&self) -> f64 {
        ratio((self.callers - self.callers_served) as f64, self.callers as f64)
    }

    /// Mean wait per caller over all their attempts, in seconds.
    pub fn caller_wait_s(&self) -> f64 {
        ratio(self.caller_wait_sum_s, self.callers as f64)
    }

    /// Mean time from hanging up to being called back, in seconds.
    pub fn callback_delay_s(&self) -> f64 {
        ratio(self.callback_delay_sum_s, self.callbacks_made as f64)
    }

    /// Share of served calls (of types with `resolution`) that resolved the question; NaN without such calls.
    pub fn first_contact_resolution(&self) -> f64 {
        ratio(self.resolved as f64, (self.resolved + self.unresolved) as f64)
    }
}

/// How a [`CallerCounter`] files an instant.
#[derive(Debug, Clone)]
enum Buckets {
    /// One bucket: instants at or after the warm-up.
    Window {
        /// The warm-up in seconds.
        warmup: f64,
    },
    /// One bucket per planning interval.
    Intervals(Intervals),
}

/// Counts [`CallerCounts`] per bucket and call type from the engine's hooks; no allocation per event.
#[derive(Debug, Clone)]
pub struct CallerCounter {
    types: usize,
    buckets: Buckets,
    /// `counts[bucket * types + call_type]`.
    counts: Vec<CallerCounts>,
}

impl CallerCounter {
    /// One bucket, the measured window: instants at or after `warmup`.
    pub fn window(call_types: usize, warmup: f64) -> CallerCounter {
        CallerCounter {
            types: call_types,
            buckets: Buckets::Window { warmup },
            counts: vec![CallerCounts::default(); call_types],
        }
    }

    /// One bucket per planning interval.
    pub fn per_interval(call_types: usize, intervals: &Intervals) -> CallerCounter {
        CallerCounter {
            types: call_types,
            counts: vec![CallerCounts::default(); call_types * intervals.len()],
            buckets: Buckets::Intervals(intervals.clone()),
        }
    }

    #[inline]
    fn at(&mut self, at: SimTime, call_type: CallTypeId) -> Option<&mut CallerCounts> {
        let bucket = match &self.buckets {
            Buckets::Window { warmup } => (at.seconds() >= *warmup).then_some(0)?,
            Buckets::Intervals(intervals) => intervals.index_of(at.seconds())?,
        };
        self.counts.get_mut(bucket * self.types + call_type.index())
    }

    /// The counts of bucket `bucket` (0 for the window), per call type in scenario order.
    pub fn bucket(&self, bucket: usize) -> &[CallerCounts] {
        &self.counts[bucket * self.types..(bucket + 1) * self.types]
    }

    /// The counts of bucket `bucket`, all call types together.
    pub fn bucket_total(&self, bucket: usize) -> CallerCounts {
        let mut total = CallerCounts::default();
        for c in self.bucket(bucket) {
            total.absorb(c);
        }
        total
    }
}

impl Observer for CallerCounter {
    #[inline]
    fn on_attempt(&mut self, now: SimTime, call_type: CallTypeId, kind: AttemptKind) {
        if kind == AttemptKind::Fresh {
            return;
        }
        if let Some(c) = self.at(now, call_type) {
            match kind {
                AttemptKind::Redial => c.redials += 1,
                AttemptKind::Repeat => c.repeats += 1,
                AttemptKind::Fresh => {}
            }
        }
    }

    fn on_balk(&mut self, now: SimTime, call_type: CallTypeId) {
        if let Some(c) = self.at(now, call_type) {
            c.balked += 1;
        }
    }

    fn on_message(&mut self, _now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        if let Some(c) = self.at(arrived, call_type) {
            c.messages += 1;
        }
    }

    fn on_callback_requested(&mut self, _now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        if let Some(c) = self.at(arrived, call_type) {
            c.callbacks += 1;
        }
    }

    fn on_callback_made(
        &mut self,
        now: SimTime,
        call_type: CallTypeId,
        _group: GroupId,
        arrived: SimTime,
        requested: SimTime,
    ) {
        if let Some(c) = self.at(arrived, call_type) {
            c.callbacks_made += 1;
            c.callback_delay_sum_s += now.since(requested);
        }
    }

    fn on_overflow(&mut self, _now: SimTime, call_type: CallTypeId, _to: CallTypeId, arrived: SimTime) {
        if let Some(c) = self.at(arrived, call_type) {
            c.overflowed += 1;
        }
    }

    fn on_resolution(&mut self, _now: SimTime, call_type: CallTypeId, arrived: SimTime, resolved: bool) {
        if let Some(c) = self.at(arrived, call_type) {
            if resolved {
                c.resolved += 1;
            } else {
                c.unresolved += 1;
            }
        }
    }

    #[inline]
    fn on_caller_done(&mut self, _now: SimTime, journey: &Journey, served: bool) {
        if let Some(c) = self.at(journey.first_arrival, journey.first_call_type) {
            c.callers += 1;
            c.callers_served += served as u64;
            c.caller_attempts += journey.attempts as u64;
            c.caller_wait_sum_s += journey.wait_s;
        }
    }
}
