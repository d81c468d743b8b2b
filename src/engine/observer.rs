//! What the engine tells statistics collectors. Collectors implement only the hooks they need; every hook has a
//! no-op default. The engine calls them in event order, with the instant of the event.

use crate::time::SimTime;

/// Hooks called by the engine as calls move through the contact center.
#[allow(unused_variables)]
pub trait Observer {
    /// A call got a line and entered the system (answered at once or queued).
    fn on_arrival(&mut self, now: SimTime, call_type: usize) {}
    /// An arrival found every trunk line busy and was refused.
    fn on_blocked(&mut self, now: SimTime, call_type: usize) {}
    /// A call was connected to an agent of `group`; it arrived at `arrived`.
    fn on_answer(&mut self, now: SimTime, call_type: usize, group: usize, arrived: SimTime) {}
    /// A waiting caller hung up; it arrived at `arrived`.
    fn on_abandon(&mut self, now: SimTime, call_type: usize, arrived: SimTime) {}
    /// The number of waiting calls changed: `of_type` of this call type, `total` of all types.
    fn on_queue_change(&mut self, now: SimTime, call_type: usize, of_type: usize, total: usize) {}
    /// An agent of `group` finished a call of `call_type` and its after-call work; it had been busy with the
    /// call since `busy_since`.
    fn on_agent_released(&mut self, now: SimTime, call_type: usize, group: usize, busy_since: SimTime) {}
    /// The replication ended: no event is pending.
    fn on_finish(&mut self, now: SimTime) {}
}
