//! Callers across attempts (issue 10): who is calling, for the how-many-th time, and where callers wait between a
//! failed attempt and the next (the orbit).
//!
//! A **caller** is a person with a question. Their first call starts a [`Journey`]; a redial after an abandon,
//! a busy tone or a disconnection is another attempt of the same contact (the same handle time and patience: the
//! same person with the same question); an answered call that does not resolve the question brings the caller
//! back later as a repeat call of the `resolution.as` type (a new contact, with that type's handle time and
//! patience). The journey ends when the caller is served (answered or called back) and not coming back, or gives
//! up (a failure without a redial, a message left, or a redial or repeat that would come after closing: the
//! center is closed then).

use crate::routing::CallTypeId;
use crate::time::SimTime;

/// Why an attempt is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptKind {
    /// A caller's first call.
    Fresh,
    /// A call again after a failed attempt (abandon, busy tone, disconnection).
    Redial,
    /// A call back after an answered call that did not resolve the question.
    Repeat,
}

/// A caller's journey so far, from their first call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Journey {
    /// The call type of the first call.
    pub first_call_type: CallTypeId,
    /// When the first call arrived.
    pub first_arrival: SimTime,
    /// Attempts made, the first included (redials and repeat calls too).
    pub attempts: u32,
    /// Time spent waiting over all attempts, in seconds (on hold until answered, abandoning, leaving a message,
    /// being disconnected or hanging up for a callback).
    pub wait_s: f64,
}

/// One attempt's caller: what the engine needs to offer the call and to continue the journey after it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Caller {
    /// The call type the attempt is offered as (the number dialled).
    pub call_type: CallTypeId,
    /// Talk time if answered.
    pub handle_time: f64,
    /// Patience on hold; infinite when the type's callers never hang up.
    pub patience: f64,
    /// Attempts of the current contact, this one included (what `redial.max_attempts` bounds).
    pub tries: u32,
    /// Why this attempt is made.
    pub kind: AttemptKind,
    /// The journey so far (this attempt counted in `attempts`).
    pub journey: Journey,
}

impl Caller {
    /// A fresh caller of `call_type` arriving at `now`: the first attempt of its journey.
    #[inline(always)]
    pub fn fresh(call_type: CallTypeId, handle_time: f64, patience: f64, now: SimTime) -> Caller {
        Caller {
            call_type,
            handle_time,
            patience,
            tries: 1,
            kind: AttemptKind::Fresh,
            journey: Journey {
                first_call_type: call_type,
                first_arrival: now,
                attempts: 1,
                wait_s: 0.0,
            },
        }
    }
}

/// Callers between attempts, in reusable slots (an event `Retry { slot }` brings each back).
#[derive(Debug, Default)]
pub(super) struct Orbit {
    slots: Vec<Caller>,
    free: Vec<u32>,
}

impl Orbit {
    /// Puts a caller in orbit; returns its slot.
    pub fn insert(&mut self, caller: Caller) -> u32 {
        match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = caller;
                slot
            }
            None => {
                self.slots.push(caller);
                (self.slots.len() - 1) as u32
            }
        }
    }

    /// Takes the caller out of `slot`.
    pub fn take(&mut self, slot: u32) -> Caller {
        self.free.push(slot);
        self.slots[slot as usize]
    }
}

/// Weight of the newest handle time in the running average an announcement uses: 1/4, the running average of
/// Asterisk app_queue's `holdtime` ((3 x old + new) / 4).
pub const ANNOUNCE_SMOOTHING: f64 = 0.25;

/// The expected wait an ACD announces to a caller who joins the queue at `position` (1 for the head): the
/// callers ahead and this one, each taking the running average handle time, shared by the agents on duty who may
/// answer them. Infinite when nobody is on duty.
pub fn announced_wait(position: usize, mean_handle: f64, agents_on_duty: u32) -> f64 {
    if agents_on_duty == 0 {
        return f64::INFINITY;
    }
    position as f64 * mean_handle / agents_on_duty as f64
}

/// The running average handle time (talk plus after-call work) per call type behind announcements, starting from
/// the scenario's mean.
#[derive(Debug, Clone)]
pub(super) struct HandleTimes {
    mean: Vec<f64>,
}

impl HandleTimes {
    /// Starts from each type's expected handle time.
    pub fn new(prior: Vec<f64>) -> HandleTimes {
        HandleTimes { mean: prior }
    }

    /// A call of `call_type` took `seconds` (talk plus after-call work).
    pub fn record(&mut self, call_type: CallTypeId, seconds: f64) {
        let mean = &mut self.mean[call_type.index()];
        *mean += ANNOUNCE_SMOOTHING * (seconds - *mean);
    }

    /// The current average of `call_type`.
    pub fn mean(&self, call_type: CallTypeId) -> f64 {
        self.mean[call_type.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_announced_wait_is_position_times_handle_time_over_agents() {
        assert_eq!(announced_wait(3, 120.0, 4), 90.0);
        assert_eq!(announced_wait(1, 120.0, 0), f64::INFINITY);
        let mut times = HandleTimes::new(vec![100.0]);
        times.record(CallTypeId(0), 200.0);
        assert_eq!(times.mean(CallTypeId(0)), 125.0);
    }
}
