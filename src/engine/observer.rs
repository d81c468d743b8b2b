//! What the engine tells statistics collectors. Collectors implement only the hooks they need; every hook has a
//! no-op default. The engine calls them in event order, with the instant of the event. Call types and agent groups
//! come as typed ids ([`CallTypeId`], [`GroupId`]), so the two cannot be swapped by mistake.

use super::callers::{AttemptKind, Journey};
use super::outbound::{DialOutcome, ListState};
use crate::routing::{AgentId, CallTypeId, GroupId};
use crate::time::SimTime;

/// A step of one call or one agent with their identities, for observers that follow individual calls (a
/// `queue_log` writer): reported through [`Observer::on_detail`] only to observers whose [`Observer::DETAIL`] is
/// true. A call is named by its slot in the engine, which is its own from the call's offer until it is answered
/// (then its agent names it until [`Detail::HungUp`]) or leaves; a slot is reused by a later call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// A call in `call` was offered as `call_type` (right after [`Observer::on_arrival`]; a transfer's second leg
    /// is not reported).
    Offered {
        /// The call's slot.
        call: u32,
        /// The call type offered.
        call_type: CallTypeId,
    },
    /// The call in `call` was connected to `agent` (right after [`Observer::on_answer`] or
    /// [`Observer::on_callback_made`]).
    Connected {
        /// The call's slot.
        call: u32,
        /// The agent.
        agent: AgentId,
    },
    /// The waiting call in `call` hung up or balked (right after [`Observer::on_abandon`] or
    /// [`Observer::on_balk`]).
    Abandoned {
        /// The call's slot.
        call: u32,
    },
    /// The waiting call in `call` was disconnected or left a message (right after [`Observer::on_disconnect`] or
    /// [`Observer::on_message`]).
    Disconnected {
        /// The call's slot.
        call: u32,
    },
    /// The caller talking to `agent` hung up after being served (its after-call work starts).
    HungUp {
        /// The agent.
        agent: AgentId,
    },
    /// `agent` came on duty (right after [`Observer::on_log_on`]).
    LoggedOn {
        /// The agent.
        agent: AgentId,
    },
    /// `agent` went off duty (right after [`Observer::on_log_off`]).
    LoggedOff {
        /// The agent.
        agent: AgentId,
    },
}

/// Hooks called by the engine as calls move through the contact center.
#[allow(unused_variables)]
pub trait Observer {
    /// Whether the engine reports [`Detail`]s to [`Observer::on_detail`]; the engine tests it at compile time, so
    /// an observer that leaves it false costs nothing.
    const DETAIL: bool = false;
    /// A step of one call or agent with their identities (only when [`Observer::DETAIL`] is true).
    fn on_detail(&mut self, now: SimTime, detail: Detail) {}
    /// A call got a line and entered the system (answered at once or queued).
    fn on_arrival(&mut self, now: SimTime, call_type: CallTypeId) {}
    /// An arrival found every trunk line busy and was refused.
    fn on_blocked(&mut self, now: SimTime, call_type: CallTypeId) {}
    /// A call was connected to an agent of `group`; it arrived at `arrived`.
    fn on_answer(&mut self, now: SimTime, call_type: CallTypeId, group: GroupId, arrived: SimTime) {}
    /// A waiting caller hung up; it arrived at `arrived`.
    fn on_abandon(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {}
    /// The number of waiting calls changed: `of_type` of this call type, `total` of all types.
    fn on_queue_change(&mut self, now: SimTime, call_type: CallTypeId, of_type: usize, total: usize) {}
    /// An agent of `group` finished a call of `call_type` and its after-call work; it had been busy with the
    /// call since `busy_since`.
    fn on_agent_released(&mut self, now: SimTime, call_type: CallTypeId, group: GroupId, busy_since: SimTime) {}
    /// An arriving caller found every eligible agent busy and hung up at once (`balk`), right after
    /// [`Observer::on_arrival`]: an abandoned call with a wait of zero.
    fn on_balk(&mut self, now: SimTime, call_type: CallTypeId) {}
    /// A caller on hold was disconnected: still waiting at closing (`at_close = "clear"`, or nobody left to answer)
    /// or at its `max_wait` with `action = "disconnect"`; it arrived at `arrived`.
    fn on_disconnect(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {}
    /// A redial or a repeat call is made, before it is offered ([`Observer::on_arrival`]) or blocked (a caller's
    /// first call is not reported here: it is every other arrival).
    fn on_attempt(&mut self, now: SimTime, call_type: CallTypeId, kind: AttemptKind) {}
    /// A caller on hold reached its `max_wait` and left a message; it arrived at `arrived`.
    fn on_message(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {}
    /// A caller on hold reached its `max_wait` and hung up to be called back; the call stays in line as a callback
    /// task. It arrived at `arrived`.
    fn on_callback_requested(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {}
    /// An agent of `group` calls back a caller who arrived at `arrived` and hung up for a callback at `requested`
    /// (instead of [`Observer::on_answer`]: the call is served, but not answered on hold).
    fn on_callback_made(
        &mut self,
        now: SimTime,
        call_type: CallTypeId,
        group: GroupId,
        arrived: SimTime,
        requested: SimTime,
    ) {
    }
    /// A caller on hold reached its `max_wait` and moved to the line of `to`; statistics keep the call under
    /// `call_type`, the type it was offered as. It arrived at `arrived`.
    fn on_overflow(&mut self, now: SimTime, call_type: CallTypeId, to: CallTypeId, arrived: SimTime) {}
    /// A served call of a type with `resolution` ended, resolving the caller's question or not; it arrived at
    /// `arrived`.
    fn on_resolution(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime, resolved: bool) {}
    /// A caller's journey ended: `served` (answered or called back, and not coming back) or not (gave up).
    fn on_caller_done(&mut self, now: SimTime, journey: &Journey, served: bool) {}
    /// A senior of `group` starts a consult asked during a call of `call_type`, after the consult waited `wait_s`.
    fn on_consult(&mut self, now: SimTime, call_type: CallTypeId, group: GroupId, wait_s: f64) {}
    /// A senior of `group` ends a consult it started at `started`.
    fn on_consult_end(&mut self, now: SimTime, group: GroupId, started: SimTime) {}
    /// A call of `call_type` is transferred to `to` (its next leg is offered to `to` right after).
    fn on_transfer(&mut self, now: SimTime, call_type: CallTypeId, to: CallTypeId) {}
    /// The second leg of a transferred call, offered to `call_type` at `leg_arrived`, is answered (after
    /// [`Observer::on_answer`]).
    fn on_transfer_answered(&mut self, now: SimTime, call_type: CallTypeId, leg_arrived: SimTime) {}
    /// An agent of `group` came on duty (at opening, from a shift start, a break end or a rising count).
    fn on_log_on(&mut self, now: SimTime, group: GroupId) {}
    /// An agent of `group` went off duty at `now`; the roster had it leave at `scheduled` (`now - scheduled` is
    /// overtime spent finishing a call).
    fn on_log_off(&mut self, now: SimTime, group: GroupId, scheduled: SimTime) {}
    /// Outbound (issue 12): campaign `campaign` dials a record.
    fn on_dial(&mut self, now: SimTime, campaign: usize) {}
    /// A dial of `campaign` placed at `dialed` ended with `outcome` (at the answer, or for an abandoned call when
    /// the dialer hung up on it).
    fn on_dial_outcome(&mut self, now: SimTime, campaign: usize, outcome: DialOutcome, dialed: SimTime) {}
    /// A live contact of `campaign` ended after `talk_s` of talk; `converted` when a sales contact bought.
    fn on_contact_end(&mut self, now: SimTime, campaign: usize, talk_s: f64, converted: bool) {}
    /// An agent of `group` ends a stretch of outbound work for `campaign` begun at `since` (preview, waiting for
    /// the answer, talk and after-call work), `waiting_s` of it spent waiting for a dial to be answered (preview
    /// included).
    fn on_outbound_released(&mut self, now: SimTime, campaign: usize, group: GroupId, since: SimTime, waiting_s: f64) {}
    /// The day is over: the state of `campaign`'s contact list.
    fn on_campaign_end(&mut self, now: SimTime, campaign: usize, list: &ListState) {}
    /// A chat of `call_type` that an agent of `group` took at `started` ended: it is served. `share` is the part
    /// of the agent one chat is (`1 / concurrency` of the group): an agent's occupancy counts its chats' time
    /// times their share, and [`Observer::on_agent_released`] is not called for chats.
    fn on_chat_released(&mut self, now: SimTime, call_type: CallTypeId, group: GroupId, started: SimTime, share: f64) {}
    /// The replication ended: no event is pending.
    fn on_finish(&mut self, now: SimTime) {}
}
