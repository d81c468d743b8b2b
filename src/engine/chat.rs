//! Chats in the engine (issue 12): each agent's chats with their remaining work, and the one timer per agent that
//! ends the chat due first.
//!
//! A chat's work (seconds at speed 1) is its caller's handle time times the type's `work_scale`; while its agent
//! holds `k` chats the work progresses at speed `h1 / hk` ([`crate::scenario::chat::Chat::speed`]). Whenever `k`
//! changes the engine brings every chat of the agent up to date (work done at the old speed since the last
//! change) and schedules one [`Event::ChatEnds`] for the chat now due first; the timer it replaces is cancelled
//! lazily, by identity ([`TimerId`]), as patience timers are. So a chat costs at most two schedules (its start
//! and its end each change `k` once), within the event sequence's budget per call.
//!
//! With `concurrency = 1` and `h1` equal to the service mean, the work is the handle time, the speed is exactly
//! 1, and every chat ends after its handle time with the same observer calls in the same order as a voice call
//! without after-call work: the voice model byte for byte.
//!
//! Statistics: a chat's end is [`Observer::on_chat_released`] with `share = 1 / concurrency` of its group, so an
//! agent's occupancy is the share of its chat slots in use (as a senior's consults count) and the mean number of
//! chats an agent holds is occupancy times concurrency.

use super::{AgentWork, CallHandle, Event, Observer, Simulation, TimerId};
use crate::routing::{AgentId, CallTypeId};
use crate::scenario::Scenario;
use crate::time::SimTime;

use super::callers::Journey;

/// One chat an agent holds.
#[derive(Debug, Clone, Copy)]
struct Session {
    call: CallHandle,
    call_type: CallTypeId,
    arrived: SimTime,
    /// When its agent took it.
    started: SimTime,
    /// Work left, in seconds at speed 1.
    work: f64,
    /// Its drawn work (the handle time reported to announced waits).
    handle_time: f64,
    journey: Journey,
}

/// Every agent's chats: `concurrency` slots per agent, allocated once.
pub(super) struct Chats {
    /// Per call type, whether it is a chat.
    is_chat: Vec<bool>,
    /// Per call type, its work scale (1 for voice types).
    work_scale: Vec<f64>,
    /// Per call type, the speed while the agent holds `k` chats at index `k - 1` (empty for voice types).
    speed: Vec<Vec<f64>>,
    /// Per group, the share of an agent one chat is (`1 / concurrency`).
    share: Vec<f64>,
    /// Slots per agent (the largest concurrency).
    stride: usize,
    sessions: Vec<Session>,
    /// Per agent, the chats it holds (its first `count` slots).
    count: Vec<u32>,
    /// Per agent, when its chats' work was last brought up to date.
    updated: Vec<f64>,
    /// Per agent, its live `ChatEnds` timer and the slot of the chat it ends.
    timer: Vec<Option<(TimerId, u32)>>,
}

impl Chats {
    /// The chat tables of `scenario` for `agents` agents, or `None` when no call type is a chat.
    pub(super) fn new(scenario: &Scenario, agents: usize) -> Option<Chats> {
        if scenario.call_types.iter().all(|c| c.chat.is_none()) {
            return None;
        }
        let stride = scenario.agent_groups.iter().map(|g| g.concurrency).max().unwrap_or(1) as usize;
        let empty = Session {
            call: CallHandle { slot: 0 },
            call_type: CallTypeId(0),
            arrived: SimTime::ZERO,
            started: SimTime::ZERO,
            work: 0.0,
            handle_time: 0.0,
            journey: Journey {
                first_call_type: CallTypeId(0),
                first_arrival: SimTime::ZERO,
                attempts: 0,
                wait_s: 0.0,
            },
        };
        Some(Chats {
            is_chat: scenario.call_types.iter().map(|c| c.chat.is_some()).collect(),
            work_scale: scenario
                .call_types
                .iter()
                .map(|c| c.chat.as_ref().map_or(1.0, |chat| chat.work_scale))
                .collect(),
            speed: scenario
                .call_types
                .iter()
                .map(|c| match &c.chat {
                    Some(chat) => (1..=stride as u32).map(|k| chat.speed(k)).collect(),
                    None => Vec::new(),
                })
                .collect(),
            share: scenario
                .agent_groups
                .iter()
                .map(|g| 1.0 / g.concurrency as f64)
                .collect(),
            stride,
            sessions: vec![empty; stride * agents],
            count: vec![0; agents],
            updated: vec![0.0; agents],
            timer: vec![None; agents],
        })
    }

    /// The slots of agent `index` in use.
    fn held(&mut self, index: usize) -> &mut [Session] {
        let first = index * self.stride;
        &mut self.sessions[first..first + self.count[index] as usize]
    }

    /// Brings the work of agent `index`'s chats up to `now` at the speeds of its current number of chats.
    fn advance(&mut self, index: usize, now: f64) {
        let k = self.count[index] as usize;
        let elapsed = now - self.updated[index];
        self.updated[index] = now;
        if k == 0 || elapsed == 0.0 {
            return;
        }
        let first = index * self.stride;
        for session in &mut self.sessions[first..first + k] {
            session.work -= elapsed * self.speed[session.call_type.index()][k - 1];
        }
    }
}

impl<const TRACE: bool> Simulation<'_, TRACE> {
    /// Whether the call in `call` is a chat (only asked when some call type is).
    #[inline]
    pub(super) fn is_chat_call(&self, call: CallHandle) -> bool {
        let chats = self.chats.as_ref().expect("asked only with chats");
        chats.is_chat[self.calls.get(call).caller.call_type.index()]
    }

    /// `agent` takes the chat `call` (the router has connected it): its chats are brought up to date, the new one
    /// joins them, the agent fills its free chat slots from waiting chats if it was free, and its timer is
    /// rescheduled once.
    #[cold]
    #[inline(never)]
    pub(super) fn start_chat<O: Observer>(&mut self, now: SimTime, agent: AgentId, call: CallHandle, observer: &mut O) {
        let index = agent.0 as usize;
        let was_free = self.chats.as_ref().expect("chats").count[index] == 0;
        self.add_chat(now, agent, call, observer);
        if was_free {
            while let Some(next) = self.router.take_waiting_chat(now, agent) {
                self.report_queue(now, next.call_type, observer);
                self.add_chat(now, agent, next.call, observer);
            }
        }
        self.reschedule_chats(now, index);
    }

    /// Answers chat `call` with `agent` and adds it to the agent's chats (no schedule).
    fn add_chat<O: Observer>(&mut self, now: SimTime, agent: AgentId, call: CallHandle, observer: &mut O) {
        let record = self.calls.get_mut(call);
        record.ticket = None;
        let (call_type, arrived, handle_time) = (record.caller.call_type, record.arrived, record.caller.handle_time);
        let mut journey = record.caller.journey;
        journey.wait_s += now.since(arrived);
        observer.on_answer(now, call_type, self.router.group_of(agent), arrived);
        let index = agent.0 as usize;
        let chats = self.chats.as_mut().expect("chats");
        chats.advance(index, now.seconds());
        let k = chats.count[index] as usize;
        debug_assert!(
            k < chats.stride,
            "the router never gives an agent more chats than its concurrency"
        );
        chats.sessions[index * chats.stride + k] = Session {
            call,
            call_type,
            arrived,
            started: now,
            work: handle_time * chats.work_scale[call_type.index()],
            handle_time,
            journey,
        };
        chats.count[index] += 1;
    }

    /// Schedules the end of agent `index`'s chat due first (none when it holds no chat); the timer it had is
    /// cancelled lazily.
    fn reschedule_chats(&mut self, now: SimTime, index: usize) {
        let chats = self.chats.as_mut().expect("chats");
        let k = chats.count[index] as usize;
        if k == 0 {
            chats.timer[index] = None;
            return;
        }
        let (mut due, mut slot) = (f64::INFINITY, 0);
        let first = index * chats.stride;
        for (i, session) in chats.sessions[first..first + k].iter().enumerate() {
            let left = session.work.max(0.0) / chats.speed[session.call_type.index()][k - 1];
            if left < due {
                (due, slot) = (left, i as u32);
            }
        }
        let timer = self.events.schedule(
            now.after(due),
            Event::ChatEnds {
                agent: AgentId(index as u32),
            },
        );
        self.chats.as_mut().expect("chats").timer[index] = Some((timer, slot));
    }

    /// An agent's chat timer fired: unless it was replaced since, that chat ends; the agent takes a waiting chat
    /// (or, holding none, any waiting call or chat), and the next end is scheduled.
    #[cold]
    #[inline(never)]
    pub(super) fn chat_ends<O: Observer>(&mut self, now: SimTime, agent: AgentId, timer: TimerId, observer: &mut O) {
        let index = agent.0 as usize;
        let chats = self.chats.as_mut().expect("chats");
        let Some((own, slot)) = chats.timer[index] else {
            return;
        };
        if own != timer {
            return;
        }
        chats.timer[index] = None;
        chats.advance(index, now.seconds());
        let held = chats.held(index);
        let session = held[slot as usize];
        let last = held.len() - 1;
        held.swap(slot as usize, last);
        chats.count[index] -= 1;
        let group = self.router.group_of(agent);
        let share = chats.share[group.index()];
        self.calls.release(session.call);
        let work = AgentWork {
            call: None,
            call_type: session.call_type,
            busy_since: session.started,
            arrived: session.arrived,
            handle_time: session.handle_time,
            journey: session.journey,
        };
        self.served(now, &work, observer);
        observer.on_chat_released(now, session.call_type, group, session.started, share);
        match self.router.on_chat_end(now, agent) {
            Some(assignment) => {
                self.report_queue(now, assignment.call_type, observer);
                if self.is_chat_call(assignment.call) {
                    self.start_chat(now, agent, assignment.call, observer);
                    return; // start_chat reschedules
                }
                // The agent held no chat any more and takes a voice call.
                self.start_talking(now, agent, assignment.call, observer);
            }
            None => {
                let left = self.chats.as_ref().expect("chats").count[index];
                if left == 0 && !self.router.is_on_duty(agent) && !self.leaving_at[index].is_nan() {
                    self.leave(now, agent, observer);
                } else if left == 0 && self.any_workflow {
                    self.fill_consults(now, agent, observer);
                }
            }
        }
        self.reschedule_chats(now, index);
    }
}
