//! Replaying a log's callers instead of drawing them: a [`Trace`] holds each call type's callers of one day in
//! arrival order, with what the log knows of them; [`super::simulate_trace`] offers exactly these callers.
//!
//! What the log does not know is drawn as usual from the call type's own streams (always drawn, so the streams
//! stay aligned): the handle time of a caller the log never saw answered, and the patience of a caller whose
//! patience the log only bounds from below (answered, or gone by a timeout, after waiting `patience_above`): that
//! caller's patience is `patience_above` plus a fresh draw, which for the exponential patience `callsim fit`
//! writes is exactly its distribution given that it exceeded the wait (memorylessness).

use crate::time::SimTime;

/// One caller of a log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceCall {
    /// Arrival, in seconds from the day's opening.
    pub at: f64,
    /// Talk time if known (answered in the log); NaN to draw it.
    pub handle_time: f64,
    /// Patience if known (abandoned in the log: its wait); NaN when only bounded below.
    pub patience: f64,
    /// The patience is known to exceed this many seconds (the wait of an answered or timed-out caller).
    pub patience_above: f64,
}

impl TraceCall {
    /// The handle time and patience of this caller, from the log where it knows them, else from the draws.
    pub fn apply(&self, drawn_handle: f64, drawn_patience: f64) -> (f64, f64) {
        let handle = if self.handle_time.is_nan() {
            drawn_handle
        } else {
            self.handle_time
        };
        let patience = if self.patience.is_nan() {
            self.patience_above + drawn_patience
        } else {
            self.patience
        };
        (handle, patience)
    }
}

/// A day's callers per call type (indexed like the scenario's call types), each list in arrival order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trace {
    /// The callers of each call type.
    pub calls: Vec<Vec<TraceCall>>,
}

/// Where a replication is in its trace.
pub(super) struct Cursor<'a> {
    trace: &'a Trace,
    next: Vec<usize>,
}

impl<'a> Cursor<'a> {
    pub fn new(trace: &'a Trace) -> Cursor<'a> {
        Cursor {
            trace,
            next: vec![0; trace.calls.len()],
        }
    }

    /// The instant of the next caller of `call_type`, if any.
    pub fn next_at(&self, call_type: usize) -> Option<SimTime> {
        let calls = self.trace.calls.get(call_type)?;
        calls.get(self.next[call_type]).map(|c| SimTime(c.at))
    }

    /// The next caller of `call_type`, taken.
    pub fn take(&mut self, call_type: usize) -> TraceCall {
        let call = self.trace.calls[call_type][self.next[call_type]];
        self.next[call_type] += 1;
        call
    }
}
