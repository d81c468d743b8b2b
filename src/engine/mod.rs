//! The discrete-event engine: draws callers, asks the router what to do, keeps the clock.
//!
//! One replication is [`simulate`]: one day. Each call type's arrivals follow its piecewise-constant Poisson rate
//! ([`PiecewiseRate`], times the day's busyness factor) until the horizon; then, with `at_close = "finish"`, the calls
//! still in the system finish, so every counted call has an outcome, and with `"clear"` the callers still waiting at
//! the horizon are disconnected ([`Observer::on_disconnect`]). With `"finish"`, callers who never hang up and whom
//! no agent is left to answer (every eligible agent off duty at closing, or absent) are disconnected at closing
//! too, when nothing else is left to happen; a stationary scenario never has such callers. Each caller's handle time and patience are drawn at
//! arrival from the call type's own streams, so a caller is the same person under every policy (common random
//! numbers). Abandonment timers are cancelled lazily: a timer acts only if its call still waits and the timer is that
//! call's own (by [`TimerId`], which never repeats), so a timer whose call was answered, or whose slot was reused
//! since, is skipped.
//!
//! **Staffing.** Agents on duty at opening log on at `t = 0` ([`Observer::on_log_on`] for each); the others start
//! offline. The rosters' [`Change`]s (after absenteeism: absent agents never log on) drive `Router::on_log_on` and
//! `Router::on_log_off`. Like arrivals, they are known in advance, so they wait in a sorted list beside the heap
//! rather than in it (they cost no heap entry and no event sequence number); at one instant they go before heap
//! events, and arrivals go first only if strictly earlier than both. An agent logged off while on a call finishes it
//! and its wrap-up, then leaves ([`Observer::on_log_off`] with the scheduled instant, so overtime is `now -
//! scheduled`); one logged on again before that simply stays (neither hook is called). An agent logging on starts
//! free and takes a waiting call at once. A scenario whose every roster is all day with no absenteeism starts from
//! `Router::new` and schedules no change: the stationary engine, bit for bit.
//!
//! **Balking.** A caller who would queue (every eligible agent busy) hangs up at once with its call type's `balk`
//! probability: one uniform from [`Stream::Balk`] per such caller, none when `balk = 0`. It is offered
//! ([`Observer::on_arrival`]), then balks ([`Observer::on_balk`]).
//!
//! **Random streams of the day** (each new, so none of the older streams shifts): [`Stream::Busyness`] (one Gamma
//! draw per day, only when `busyness.cv > 0`), [`Stream::Absence`] (one uniform per rostered agent, in agent order
//! across groups, whatever each group's probability, whenever any group has absenteeism) and [`Stream::Balk`].
//!
//! **Callers across attempts (issue 10, see [`callers`]).** Queue capacities and `max_wait` are the router's
//! decisions: a blocked caller is refused like one who finds every line busy; when a call queues with a wait limit
//! the engine arms a timer ([`Event::WaitLimitReached`], lazily cancelled like patience) and carries out what
//! `Router::on_wait_limit` decides (a message or disconnection ends the call; a callback keeps the call in line,
//! its patience no longer running, until an agent calls back; an overflow moves it to another type's line, its
//! patience still running from its arrival). Redials and repeat calls are the callers' own behaviour: after a
//! failure that its `redial.after` lists, a caller calls again with `redial.probability` after `redial.delay` (one
//! uniform, then one delay, and with `patience = "new"` a new patience, from [`Stream::Redial`] of the type
//! dialled, only when the failure qualifies and `max_attempts` is not reached); after a served call of a type with `resolution`, one uniform from
//! [`Stream::Repeat`] decides whether the question was resolved and, if not, the same stream draws the delay and
//! the repeat call's handle time and patience from the `as` type. Between attempts callers wait in the orbit,
//! beside no queue, until an [`Event::Retry`]; an attempt that would come at or after the horizon is not made (the
//! center is closed) and the journey ends. The announced wait ([`callers::announced_wait`]) is told to a caller
//! who joins the queue of a type with `announce_wait`; the balk draw is one uniform from [`Stream::Announce`] when
//! the wait exceeds a band. Statistics keep every call under the type it was offered as (an overflowed call too).
//!
//! **Thresholds and time-dependent skills (issue 11).** Reservations are the router's alone. A skill with a delay
//! (`after`) needs time: when a call of a type with delayed skills queues, the engine arms an
//! [`Event::OverflowTime`] for the first delay after the call's arrival (lazily cancelled like patience, by the
//! call record's `overflow_timer`); when it fires, `Router::on_overflow_time` connects the call to a free agent of
//! a group now eligible, or the engine arms the next delay. A call moved by a wait-limit overflow gets the timers
//! of its new type, counted from its arrival (one already due fires at once).
//!
//! The engine owns no statistics; it reports to an [`Observer`]. It cannot fail on a validated scenario.
//!
//! **Chats (issue 12, see `engine/chat.rs`).** An answered chat joins its agent's chats instead of scheduling a
//! hang-up; its end ([`Event::ChatEnds`], one live timer per agent) is rescheduled whenever the agent's number of
//! chats changes, and reported with [`Observer::on_chat_released`].
//!
//! Events other than arrivals live in the closed [`Event`] enum, packed into [`CODE_BITS`] bits of a heap
//! entry: a 4-bit kind tag (13 used; 3 free) above a 29-bit agent or slot index. Compile-time assertions tie the
//! encoding to `crate::limits`: every agent and every call a replication may hold at once has an index, the tags
//! leave room for three more kinds, and a replication cannot exhaust the never-wrapping event sequence.

mod arrivals;
pub mod callers;
mod chat;
mod observer;
mod outbound;
mod queue;
mod streams;
mod trace;

pub use arrivals::PendingArrivals;
pub use callers::{AttemptKind, Journey};
pub use observer::{Detail, Observer};
pub use outbound::{DialOutcome, ListState};
pub use queue::{CODE_BITS, EventCode, EventQueue, MAX_SCHEDULES, SEQUENCE_BITS, TimerId};
pub use streams::{Stream, StreamRng, stream_rng};
pub use trace::{Trace, TraceCall};

use rand::RngExt;

use crate::day::arrivals::PiecewiseRate;
use crate::day::roster::{Change, ChangeKind, draw_absent};
use crate::routing::{AgentId, ArrivalDecision, CallTypeId, GroupId, QueueTicket, Router, WaitLimitOutcome};
use crate::scenario::{AtClose, Scenario};
use crate::time::SimTime;
use callers::{Caller, HandleTimes, Orbit};

/// Everything that can happen, apart from arrivals (one pending per call type, see [`PendingArrivals`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    /// A waiting caller's patience runs out (skipped unless the call in that slot is still waiting and this is its
    /// own timer: lazy cancellation).
    PatienceEnds {
        /// The call's slot in the engine's slab.
        slot: u32,
    },
    /// The caller talking to an agent hangs up after being served.
    HangUp {
        /// The agent.
        agent: AgentId,
    },
    /// An agent finishes after-call work.
    WrapUpEnds {
        /// The agent.
        agent: AgentId,
    },
    /// An offline agent comes on duty (a shift starts, a break ends, the count rises): it starts free.
    LogOn {
        /// The agent.
        agent: AgentId,
    },
    /// An agent goes off duty (a shift or the count ends, a break starts): at once if free, otherwise after its
    /// call and wrap-up.
    LogOff {
        /// The agent.
        agent: AgentId,
    },
    /// Closing with `at_close = "clear"`: every caller still waiting is disconnected.
    Close,
    /// A waiting caller reaches its call type's `max_wait` (skipped unless the call in that slot is still on hold
    /// and this is its own timer).
    WaitLimitReached {
        /// The call's slot in the engine's slab.
        slot: u32,
    },
    /// A caller in orbit makes the next attempt (a redial or a repeat call).
    Retry {
        /// The caller's slot in the orbit.
        slot: u32,
    },
    /// The agent on a call asks its call type's consult group (a supervisor consult).
    ConsultAsk {
        /// The agent asking (it stays on the call).
        agent: AgentId,
    },
    /// The consult asked by this agent ends; the agent's call resumes.
    ConsultEnds {
        /// The agent who asked.
        agent: AgentId,
    },
    /// The agent hands its call to the transfer's call type.
    TransferOut {
        /// The agent transferring.
        agent: AgentId,
    },
    /// A waiting call has waited long enough for a delayed skill (`after`): the router offers it to the groups
    /// now eligible (skipped unless the call in that slot still waits and this is its own timer).
    OverflowTime {
        /// The call's slot in the engine's slab.
        slot: u32,
    },
    /// An outbound dial's next step (its preview, ringing, hold for an agent, talk or wrap-up ends; skipped unless
    /// it is the dial's own timer).
    Dial {
        /// The dial's slot in the dialer.
        slot: u32,
    },
    /// An outbound campaign may dial again: its hours begin, or a record's retry falls due.
    CampaignWake {
        /// The campaign's index.
        campaign: u32,
    },
    /// The chat of this agent due first ends (skipped unless this is the agent's current chat timer: the number
    /// of chats it holds changed since, and so did the chat due first).
    ChatEnds {
        /// The agent holding the chat.
        agent: AgentId,
    },
}

// The packed event: a kind tag above an agent or slot index, in `queue::CODE_BITS` bits.
const INDEX_BITS: u32 = 29;
const KIND_BITS: u32 = queue::CODE_BITS - INDEX_BITS;
const INDEX_MASK: u64 = (1 << INDEX_BITS) - 1;

/// Most agents (and calls in the system at once) the packed event encoding can address.
pub const MAX_INDEX: u32 = INDEX_MASK as u32;

// The kind tags. A new event kind takes the next free tag here, an arm in `encode` (the compiler insists) and one in
// `decode` (the round-trip test insists).
const PATIENCE_ENDS: u64 = 0;
const HANG_UP: u64 = 1;
const WRAP_UP_ENDS: u64 = 2;
const LOG_ON: u64 = 3;
const LOG_OFF: u64 = 4;
const CLOSE: u64 = 5;
const WAIT_LIMIT_REACHED: u64 = 6;
const RETRY: u64 = 7;
const CONSULT_ASK: u64 = 8;
const CONSULT_ENDS: u64 = 9;
const TRANSFER_OUT: u64 = 10;
const OVERFLOW_TIME: u64 = 11;
const DIAL: u64 = 12;
const CAMPAIGN_WAKE: u64 = 13;
const CHAT_ENDS: u64 = 14;
/// Kinds in use.
const KINDS: u64 = 15;

/// Most events one attempt can cause to be scheduled: its patience timer, its wait-limit timer, its hang-up, its
/// agent's wrap-up, the caller's next attempt, and one overflow timer per distinct `after` delay of its type (at
/// most [`crate::limits::MAX_OVERFLOW_DELAYS`]). A chat has no wrap-up: its start and its end each schedule at most
/// one [`Event::ChatEnds`] of its agent (see [`chat`]). (Roster changes wait beside the heap and take no sequence
/// number; closing with `"clear"` takes one per replication.)
const SCHEDULES_PER_CALL: f64 = 5.0 + crate::limits::MAX_OVERFLOW_DELAYS as f64;

/// Attempts simulated in one replication (fresh calls, redials, repeat calls) are around the expected count that
/// `limits` caps (the scenario's check counts redials and repeats in); the realised count stays below `1.01` times
/// that cap except with a probability far below 1e-100 at any volume near the cap.
const REALISED_CALLS_BOUND: f64 = 1.01 * crate::limits::MAX_CALLS_PER_REPLICATION;

const _: () = {
    assert!(
        KINDS < 1 << KIND_BITS,
        "the encoding leaves room for at least one more event kind"
    );
    assert!(
        REALISED_CALLS_BOUND <= MAX_INDEX as f64,
        "the event encoding must address an orbit slot for every caller a replication may hold between attempts"
    );
    assert!(
        crate::limits::MAX_AGENTS <= MAX_INDEX,
        "the event encoding must address every agent a scenario may have"
    );
    assert!(
        REALISED_CALLS_BOUND <= MAX_INDEX as f64,
        "the event encoding must address a slot for every call a replication may hold at once"
    );
    assert!(
        REALISED_CALLS_BOUND * SCHEDULES_PER_CALL <= queue::MAX_SCHEDULES as f64,
        "a replication must never exhaust the event sequence"
    );
};

impl EventCode for Event {
    /// A kind tag above a 29-bit index.
    #[inline]
    fn encode(self) -> u64 {
        let (kind, index) = match self {
            Event::PatienceEnds { slot } => (PATIENCE_ENDS, slot),
            Event::HangUp { agent } => (HANG_UP, agent.0),
            Event::WrapUpEnds { agent } => (WRAP_UP_ENDS, agent.0),
            Event::LogOn { agent } => (LOG_ON, agent.0),
            Event::LogOff { agent } => (LOG_OFF, agent.0),
            Event::Close => (CLOSE, 0),
            Event::WaitLimitReached { slot } => (WAIT_LIMIT_REACHED, slot),
            Event::Retry { slot } => (RETRY, slot),
            Event::ConsultAsk { agent } => (CONSULT_ASK, agent.0),
            Event::ConsultEnds { agent } => (CONSULT_ENDS, agent.0),
            Event::TransferOut { agent } => (TRANSFER_OUT, agent.0),
            Event::OverflowTime { slot } => (OVERFLOW_TIME, slot),
            Event::Dial { slot } => (DIAL, slot),
            Event::CampaignWake { campaign } => (CAMPAIGN_WAKE, campaign),
            Event::ChatEnds { agent } => (CHAT_ENDS, agent.0),
        };
        debug_assert!(index <= MAX_INDEX, "agent and slot indices fit the encoding");
        (kind << INDEX_BITS) | index as u64
    }

    /// Every kind `encode` writes is read back; any other tag is a bug and panics rather than guess.
    #[inline]
    fn decode(code: u64) -> Self {
        let index = (code & INDEX_MASK) as u32;
        match code >> INDEX_BITS {
            PATIENCE_ENDS => Event::PatienceEnds { slot: index },
            HANG_UP => Event::HangUp { agent: AgentId(index) },
            WRAP_UP_ENDS => Event::WrapUpEnds { agent: AgentId(index) },
            LOG_ON => Event::LogOn { agent: AgentId(index) },
            LOG_OFF => Event::LogOff { agent: AgentId(index) },
            CLOSE => Event::Close,
            WAIT_LIMIT_REACHED => Event::WaitLimitReached { slot: index },
            RETRY => Event::Retry { slot: index },
            CONSULT_ASK => Event::ConsultAsk { agent: AgentId(index) },
            CONSULT_ENDS => Event::ConsultEnds { agent: AgentId(index) },
            TRANSFER_OUT => Event::TransferOut { agent: AgentId(index) },
            OVERFLOW_TIME => Event::OverflowTime { slot: index },
            DIAL => Event::Dial { slot: index },
            CAMPAIGN_WAKE => Event::CampaignWake { campaign: index },
            CHAT_ENDS => Event::ChatEnds { agent: AgentId(index) },
            kind => unreachable!("event kind {kind} is never encoded"),
        }
    }
}

/// A call in the engine's slab (its slot; the router hands it back untouched).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallHandle {
    slot: u32,
}

#[derive(Debug, Clone, Copy)]
struct CallRecord {
    /// The caller of this attempt (its `call_type` is the type offered, under which statistics count it).
    caller: Caller,
    /// The call type whose line the call is in (differs from the offered type after an overflow).
    routed_as: CallTypeId,
    arrived: SimTime,
    /// Set while the call waits (callback tasks included).
    ticket: Option<QueueTicket>,
    /// The call's wait-limit timer while it is on hold with one (lazily cancelled like `patience_timer`).
    wait_timer: Option<TimerId>,
    /// The call's next overflow timer (a delayed skill becomes due) while it waits with one (lazily cancelled
    /// like `patience_timer`).
    overflow_timer: Option<TimerId>,
    /// When the caller hung up to be called back; NaN unless the call is a callback task.
    callback_since: f64,
    /// The first agent of a warm transfer, on the line until this (second) leg is answered or leaves.
    warm_agent: Option<AgentId>,
    /// True for the second leg of a transferred call.
    transferred: bool,
    /// The call's patience timer while it waits with one. A timer acts only if it is this very one: that is the
    /// lazy cancellation of timers whose call was answered or whose slot was reused. Identities never repeat in a
    /// replication, so unlike deadlines (two callers can share one) they cannot collide.
    patience_timer: Option<TimerId>,
}

/// Calls in the system, in reusable slots.
#[derive(Default)]
struct CallSlab {
    records: Vec<CallRecord>,
    free: Vec<u32>,
}

impl CallSlab {
    // Once per attempt: inlined so the record is written in place, not built and copied.
    #[inline(always)]
    fn insert(&mut self, caller: Caller, arrived: SimTime) -> CallHandle {
        let record = CallRecord {
            caller,
            routed_as: caller.call_type,
            arrived,
            ticket: None,
            wait_timer: None,
            overflow_timer: None,
            callback_since: f64::NAN,
            warm_agent: None,
            transferred: false,
            patience_timer: None,
        };
        match self.free.pop() {
            Some(slot) => {
                self.records[slot as usize] = record;
                CallHandle { slot }
            }
            None => {
                self.records.push(record);
                CallHandle {
                    slot: (self.records.len() - 1) as u32,
                }
            }
        }
    }

    /// The call in `slot` if it is still waiting and `timer` is its patience timer; a timer of a call already
    /// answered or of a slot reused since finds nothing.
    fn waiting_for(&self, slot: u32, timer: TimerId) -> Option<(CallHandle, QueueTicket, SimTime)> {
        let record = self.records.get(slot as usize)?;
        let ticket = record.ticket?;
        (record.patience_timer == Some(timer)).then_some((CallHandle { slot }, ticket, record.arrived))
    }

    /// The call in `slot` if it is still on hold and `timer` is its wait-limit timer.
    fn on_hold_for(&self, slot: u32, timer: TimerId) -> Option<(CallHandle, QueueTicket)> {
        let record = self.records.get(slot as usize)?;
        let ticket = record.ticket?;
        (record.wait_timer == Some(timer)).then_some((CallHandle { slot }, ticket))
    }

    /// The call in `slot` if it still waits (callback tasks included) and `timer` is its overflow timer.
    fn waiting_for_overflow(&self, slot: u32, timer: TimerId) -> Option<(CallHandle, QueueTicket)> {
        let record = self.records.get(slot as usize)?;
        let ticket = record.ticket?;
        (record.overflow_timer == Some(timer)).then_some((CallHandle { slot }, ticket))
    }

    fn get(&self, call: CallHandle) -> &CallRecord {
        &self.records[call.slot as usize]
    }

    fn get_mut(&mut self, call: CallHandle) -> &mut CallRecord {
        &mut self.records[call.slot as usize]
    }

    /// Frees the slot of an answered call without touching its record: its ticket was cleared when it was answered,
    /// so no timer matches it, and the next `insert` overwrites it.
    fn release(&mut self, call: CallHandle) {
        self.free.push(call.slot);
    }

    fn remove(&mut self, call: CallHandle) {
        let record = &mut self.records[call.slot as usize];
        record.ticket = None;
        record.patience_timer = None;
        record.wait_timer = None;
        record.overflow_timer = None;
        self.free.push(call.slot);
    }
}

/// The call an agent is handling, from answer to the end of wrap-up, with what its end needs to know about the
/// caller, so that hanging up never reads the call's record (long cold by then): one cache line per agent.
#[derive(Debug, Clone, Copy)]
#[repr(align(64))]
struct AgentWork {
    /// The call while it talks (`None` during wrap-up: the caller has hung up).
    call: Option<CallHandle>,
    call_type: CallTypeId,
    /// When the call was answered.
    busy_since: SimTime,
    /// When the call arrived.
    arrived: SimTime,
    /// Its talk time.
    handle_time: f64,
    /// The caller's journey, this attempt's wait included.
    journey: Journey,
}

/// Per-replication random generators.
struct Streams {
    arrivals: Vec<StreamRng>,
    service: Vec<StreamRng>,
    patience: Vec<StreamRng>,
    routing: StreamRng,
    /// Per call type; drawn only when its `balk > 0`.
    balk: Vec<StreamRng>,
    /// Per call type dialled; drawn only after a failure its `redial` covers.
    redial: Vec<StreamRng>,
    /// Per call type answered; drawn only when it has `resolution`.
    repeat: Vec<StreamRng>,
    /// Per call type; drawn only when an announced wait exceeds a band.
    announce: Vec<StreamRng>,
    /// Per call type answered; drawn only when it has a `consult`.
    consult: Vec<StreamRng>,
    /// Per call type answered; drawn only when it has a `transfer`.
    transfer: Vec<StreamRng>,
}

/// The consult of the call an agent is handling (indexed by the asking agent).
#[derive(Debug, Clone, Copy)]
struct ConsultState {
    /// The senior holding it, once started.
    senior: AgentId,
    /// When the agent asked.
    asked: f64,
    /// How long the senior holds it (drawn when asked).
    duration: f64,
    /// When the call would have ended without the consult.
    planned_end: f64,
}

/// The day's log-on and log-off changes of every group, in the order they happen, beside the event heap.
struct PendingChanges {
    /// `(instant, LogOn or LogOff)`, sorted by instant, then log-offs first, then agent.
    changes: Vec<(f64, Event)>,
    next: usize,
    /// The instant of `changes[next]`, infinite when none is left (one comparison per event when there is none).
    soonest: f64,
}

impl PendingChanges {
    fn new(changes: Vec<(f64, Event)>) -> PendingChanges {
        let soonest = changes.first().map_or(f64::INFINITY, |&(time, _)| time);
        PendingChanges {
            changes,
            next: 0,
            soonest,
        }
    }

    /// The next change, taken off the list.
    fn take(&mut self) -> Event {
        let (_, event) = self.changes[self.next];
        self.next += 1;
        self.soonest = self.changes.get(self.next).map_or(f64::INFINITY, |&(time, _)| time);
        event
    }
}

/// Marks "no log-off pending" in [`Simulation::leaving_at`].
const NOT_LEAVING: f64 = f64::NAN;

/// Runs replication `replication` of `scenario`, reporting to `observer`.
pub fn simulate<O: Observer>(scenario: &Scenario, replication: u32, observer: &mut O) {
    Simulation::<false>::new(scenario, replication).run(observer);
}

/// Runs replication `replication` of `scenario` with the callers of `trace` instead of drawn arrivals (see
/// [`trace`]): the log's instants, types, handle times and patience where known; the rest drawn as usual.
pub fn simulate_trace<O: Observer>(scenario: &Scenario, replication: u32, trace: &Trace, observer: &mut O) {
    let mut simulation = Simulation::<true>::new(scenario, replication);
    simulation.trace = Some(trace::Cursor::new(trace));
    simulation.run(observer);
}

// `TRACE`: a replay (`simulate_trace`); a compile-time switch, so a simulation pays nothing for replays.
struct Simulation<'a, const TRACE: bool = false> {
    scenario: &'a Scenario,
    router: Router<CallHandle>,
    events: EventQueue<Event>,
    arrivals: PendingArrivals,
    /// Each call type's arrival rate through this day (busyness applied).
    rates: Vec<PiecewiseRate>,
    /// Roster changes still to come.
    changes: PendingChanges,
    /// Per agent, the instant the roster logged it off while it was busy (it leaves when its call and wrap-up
    /// end), or [`NOT_LEAVING`].
    leaving_at: Vec<f64>,
    calls: CallSlab,
    /// Callers between attempts.
    orbit: Orbit,
    /// Running handle times behind announced waits, when any call type announces.
    handle_times: Option<HandleTimes>,
    /// What each agent is handling (talking or wrapping up), indexed by agent.
    work: Vec<AgentWork>,
    /// Whether any call type has a consult or a transfer (one test per answered call otherwise).
    any_workflow: bool,
    /// Whether any call type has `resolution` (one test per served call otherwise).
    any_resolution: bool,
    /// The consult of each agent's current call (meaningful only while one is asked or held).
    consults: Vec<ConsultState>,
    streams: Streams,
    /// True when some skill has an `after` delay: queued calls then get overflow timers.
    overflow_timers: bool,
    /// The outbound dialer, when the scenario has campaigns.
    dialer: Option<outbound::Dialer>,
    /// Every agent's chats, when some call type is a chat (see [`chat`]).
    chats: Option<chat::Chats>,
    /// Whether some call type is a chat (one test per answered call otherwise).
    any_chat: bool,
    /// A log's callers replayed instead of drawn arrivals (`simulate_trace`; `Some` exactly when `TRACE`).
    trace: Option<trace::Cursor<'a>>,
}

/// Why an attempt failed (what `redial.after` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// Hung up on hold, or balked.
    Abandon,
    /// Busy tone: every line busy or the queue full.
    Blocked,
    /// Disconnected by `max_wait` or at closing.
    Disconnect,
    /// Left a message at `max_wait` (never redials).
    Message,
}

impl<'a, const TRACE: bool> Simulation<'a, TRACE> {
    fn new(scenario: &'a Scenario, replication: u32) -> Self {
        let seed = scenario.seed;
        let types = scenario.call_types.len();
        let mut rates: Vec<PiecewiseRate> = scenario.call_types.iter().map(|c| c.arrivals.clone()).collect();
        if scenario.day.busyness.cv() > 0.0 {
            let factor = scenario
                .day
                .busyness
                .sample(&mut stream_rng(seed, replication, Stream::Busyness));
            for rate in &mut rates {
                rate.set_busyness(factor);
            }
        }
        let (router, changes) = staffing(scenario, replication);
        let agents = router.agent_count();
        let mut events = EventQueue::with_capacity(2 * agents + 64);
        if scenario.day.at_close == AtClose::Clear {
            events.schedule(SimTime(scenario.horizon), Event::Close);
        }
        let overflow_timers = router.has_overflow_delays();
        // One generator per call type of a per-type stream.
        let per_type = |stream: fn(usize) -> Stream| -> Vec<StreamRng> {
            (0..types).map(|t| stream_rng(seed, replication, stream(t))).collect()
        };
        let chats = chat::Chats::new(scenario, agents);
        Simulation {
            scenario,
            overflow_timers,
            dialer: outbound::Dialer::new(scenario, replication),
            any_chat: chats.is_some(),
            chats,
            trace: None,
            events,
            arrivals: PendingArrivals::new(types),
            rates,
            changes: PendingChanges::new(changes),
            leaving_at: vec![NOT_LEAVING; agents],
            calls: CallSlab::default(),
            work: vec![
                AgentWork {
                    call: None,
                    call_type: CallTypeId(0),
                    busy_since: SimTime::ZERO,
                    arrived: SimTime::ZERO,
                    handle_time: 0.0,
                    journey: Journey {
                        first_call_type: CallTypeId(0),
                        first_arrival: SimTime::ZERO,
                        attempts: 0,
                        wait_s: 0.0,
                    },
                };
                agents
            ],
            streams: Streams {
                arrivals: per_type(Stream::Arrivals),
                service: per_type(Stream::Service),
                patience: per_type(Stream::Patience),
                routing: stream_rng(seed, replication, Stream::Routing),
                balk: per_type(Stream::Balk),
                redial: per_type(Stream::Redial),
                repeat: per_type(Stream::Repeat),
                announce: per_type(Stream::Announce),
                consult: per_type(Stream::Consult),
                transfer: per_type(Stream::Transfer),
            },
            any_workflow: scenario
                .call_types
                .iter()
                .any(|c| c.consult.is_some() || c.transfer.is_some()),
            any_resolution: scenario.call_types.iter().any(|c| c.callers.resolution.is_some()),
            consults: vec![
                ConsultState {
                    senior: AgentId(0),
                    asked: 0.0,
                    duration: 0.0,
                    planned_end: 0.0,
                };
                agents
            ],
            orbit: Orbit::default(),
            handle_times: scenario
                .call_types
                .iter()
                .any(|c| !c.callers.announce_wait.is_empty())
                .then(|| {
                    HandleTimes::new(
                        scenario
                            .call_types
                            .iter()
                            .map(|c| c.service.mean() + c.after_call_work)
                            .collect(),
                    )
                }),
            router,
        }
    }

    fn run<O: Observer>(mut self, observer: &mut O) {
        self.log_on_at_opening(observer);
        self.start_campaigns();
        for call_type in 0..self.scenario.call_types.len() {
            self.schedule_next_arrival(SimTime::ZERO, call_type);
        }
        if let Some(cursor) = &self.trace {
            // A replay's first callers are the trace's, not the drawn ones.
            for call_type in 0..self.scenario.call_types.len() {
                self.arrivals.set(call_type, cursor.next_at(call_type));
            }
        }
        let mut now = SimTime::ZERO;
        loop {
            // The next roster change, if it is no later than the next scheduled event (changes were "scheduled"
            // before everything else, so they go first at a tie).
            // (Instants here are finite and non-negative, or infinite for "none", so the plain float comparisons
            // agree with SimTime's total order and are cheaper.)
            let next_event = self.events.peek_time().map_or(f64::INFINITY, |t| t.seconds());
            let next_change = self.changes.soonest;
            // An arrival goes first only if strictly earlier than the next change and the next scheduled event.
            if let Some((time, call_type)) = self.arrivals.soonest()
                && time.seconds() < next_event
                && time.seconds() < next_change
            {
                debug_assert!(time >= now, "the clock never runs backwards");
                now = time;
                self.arrive(now, call_type, observer);
                continue;
            }
            // A roster change goes before a scheduled event at the same instant (changes were known first).
            if next_change <= next_event {
                if next_change == f64::INFINITY {
                    break; // nothing left at all
                }
                debug_assert!(next_change >= now.seconds(), "the clock never runs backwards");
                now = SimTime(next_change);
                match self.changes.take() {
                    Event::LogOn { agent } => self.log_on(now, agent, observer),
                    Event::LogOff { agent } => self.log_off(now, agent, observer),
                    other => unreachable!("only roster changes wait beside the heap: {other:?}"),
                }
                continue;
            }
            let Some((time, timer, event)) = self.events.pop() else {
                break;
            };
            debug_assert!(time >= now, "the clock never runs backwards");
            now = time;
            match event {
                Event::PatienceEnds { slot } => self.patience_ends(now, slot, timer, observer),
                Event::HangUp { agent } => self.hang_up(now, agent, observer),
                Event::WrapUpEnds { agent } => self.release_agent(now, agent, observer),
                Event::Close => self.close(now, observer),
                Event::WaitLimitReached { slot } => self.wait_limit_reached(now, slot, timer, observer),
                Event::Retry { slot } => self.retry(now, slot, observer),
                Event::ConsultAsk { agent } => self.consult_ask(now, agent, observer),
                Event::ConsultEnds { agent } => self.consult_ends(now, agent, observer),
                Event::TransferOut { agent } => self.transfer_out(now, agent, observer),
                Event::OverflowTime { slot } => self.overflow_time(now, slot, timer, observer),
                Event::Dial { slot } => self.dial_event(now, slot, timer, observer),
                Event::CampaignWake { campaign } => self.campaign_wake(now, campaign, observer),
                Event::ChatEnds { agent } => self.chat_ends(now, agent, timer, observer),
                Event::LogOn { .. } | Event::LogOff { .. } => {
                    unreachable!("roster changes wait beside the heap, never in it")
                }
            }
        }
        if self.router.total_queue_length() > 0 {
            // Nobody is left to answer these callers (every eligible agent went off duty before closing, or was
            // absent) and they never hang up: they are disconnected at closing, so every call has an outcome.
            now = SimTime(now.seconds().max(self.scenario.horizon));
            self.close(now, observer);
        }
        self.finish_campaigns(now, observer);
        observer.on_finish(now);
    }

    /// Tells the observer about every agent the router has on duty at opening, in agent order.
    fn log_on_at_opening<O: Observer>(&mut self, observer: &mut O) {
        for group in 0..self.scenario.agent_groups.len() {
            let group = GroupId(group as u32);
            // The agents on duty at opening are exactly the free ones (see `staffing`).
            for _ in 0..self.router.free_agents_in(group) {
                observer.on_log_on(SimTime::ZERO, group);
            }
        }
        if O::DETAIL {
            for agent in (0..self.router.agent_count() as u32).map(AgentId) {
                if self.router.is_on_duty(agent) {
                    observer.on_detail(SimTime::ZERO, Detail::LoggedOn { agent });
                }
            }
        }
    }

    fn schedule_next_arrival(&mut self, now: SimTime, call_type: usize) {
        let gap: f64 = rand_distr::Distribution::sample(&rand_distr::Exp1, &mut self.streams.arrivals[call_type]);
        // Within a constant-rate segment this is `now + gap * mean_gap`, the stationary formula bit for bit.
        let next = self.rates[call_type].next_after(now.seconds(), gap);
        self.arrivals.set(call_type, next.map(SimTime));
    }

    /// A fresh caller of type `index` arrives: draws its handle time and patience and offers the call.
    fn arrive<O: Observer>(&mut self, now: SimTime, index: usize, observer: &mut O) {
        if TRACE {
            return self.arrive_traced(now, index, observer);
        }
        self.schedule_next_arrival(now, index);
        let spec = &self.scenario.call_types[index];
        // Drawn for every caller, answered or not, so each stream stays aligned across policies.
        let handle_time = spec.service.sample(&mut self.streams.service[index]);
        let patience = spec
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |p| p.sample(&mut self.streams.patience[index]));
        let caller = Caller::fresh(CallTypeId(index as u32), handle_time, patience, now);
        self.offer(now, caller, observer);
    }

    /// A replay's next caller of type `index` arrives (`simulate_trace`): the trace's caller, its handle time and
    /// patience drawn as in `arrive` and replaced by the log's where it knows them. Out of line, so that `arrive`
    /// pays one test for replays.
    #[cold]
    #[inline(never)]
    fn arrive_traced<O: Observer>(&mut self, now: SimTime, index: usize, observer: &mut O) {
        let cursor = self.trace.as_mut().expect("only a replay has a trace");
        let traced = cursor.take(index);
        self.arrivals.set(index, cursor.next_at(index));
        let spec = &self.scenario.call_types[index];
        let drawn_handle = spec.service.sample(&mut self.streams.service[index]);
        let drawn_patience = spec
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |p| p.sample(&mut self.streams.patience[index]));
        let (handle_time, patience) = traced.apply(drawn_handle, drawn_patience);
        let caller = Caller::fresh(CallTypeId(index as u32), handle_time, patience, now);
        self.offer(now, caller, observer);
    }

    /// A caller in orbit calls again.
    #[cold]
    #[inline(never)]
    fn retry<O: Observer>(&mut self, now: SimTime, slot: u32, observer: &mut O) {
        let mut caller = self.orbit.take(slot);
        caller.tries += 1;
        caller.journey.attempts += 1;
        self.offer(now, caller, observer);
    }

    /// Offers one attempt to the router and carries out its decision.
    #[inline(always)]
    fn offer<O: Observer>(&mut self, now: SimTime, caller: Caller, observer: &mut O) {
        let call_type = caller.call_type;
        if caller.kind != AttemptKind::Fresh {
            // First calls are every arrival: observers count them from `on_arrival` and `on_blocked`.
            observer.on_attempt(now, call_type, caller.kind);
        }
        let call = self.calls.insert(caller, now);
        match self.router.on_arrival(now, call, call_type, &mut self.streams.routing) {
            ArrivalDecision::Block => {
                self.calls.remove(call);
                observer.on_blocked(now, call_type);
                self.failed(now, caller, Failure::Blocked, observer);
            }
            ArrivalDecision::Connect(agent) => {
                observer.on_arrival(now, call_type);
                if O::DETAIL {
                    observer.on_detail(
                        now,
                        Detail::Offered {
                            call: call.slot,
                            call_type,
                        },
                    );
                }
                self.start_talking(now, agent, call, observer);
            }
            ArrivalDecision::Queue(ticket) => {
                observer.on_arrival(now, call_type);
                if O::DETAIL {
                    observer.on_detail(
                        now,
                        Detail::Offered {
                            call: call.slot,
                            call_type,
                        },
                    );
                }
                let spec = &self.scenario.call_types[call_type.index()];
                if spec.balk > 0.0 && self.balks(now, call, ticket, call_type, observer) {
                    return;
                }
                if !spec.callers.announce_wait.is_empty() && self.balks_on_announcement(now, call, ticket, observer) {
                    return;
                }
                self.calls.get_mut(call).ticket = Some(ticket);
                self.report_queue(now, call_type, observer);
                if caller.patience.is_finite() {
                    let timer = self
                        .events
                        .schedule(now.after(caller.patience), Event::PatienceEnds { slot: call.slot });
                    self.calls.get_mut(call).patience_timer = Some(timer);
                }
                self.arm_wait_limit(now, call, call_type);
                if self.overflow_timers {
                    self.arm_overflow(now, call, call_type);
                }
            }
        }
    }

    /// Arms the overflow timer of a call waiting in the line of `call_type` for the next instant (strictly after
    /// `now`, but never before `now`) at which one of that type's delayed skills becomes due, counted from the
    /// call's arrival (the instant it first queued; a call moved by a wait-limit overflow may be due at once).
    #[cold]
    #[inline(never)]
    fn arm_overflow(&mut self, now: SimTime, call: CallHandle, call_type: CallTypeId) {
        let arrived = self.calls.get(call).arrived;
        let timer = self.router.next_overflow_time(call_type, arrived, arrived).map(|at| {
            self.events
                .schedule(at.max(now), Event::OverflowTime { slot: call.slot })
        });
        self.calls.get_mut(call).overflow_timer = timer;
    }

    /// A waiting call's overflow timer fired: the router offers it to the groups now eligible; if none takes it,
    /// the next overflow timer is armed.
    #[cold]
    #[inline(never)]
    fn overflow_time<O: Observer>(&mut self, now: SimTime, slot: u32, timer: TimerId, observer: &mut O) {
        let Some((call, ticket)) = self.calls.waiting_for_overflow(slot, timer) else {
            return;
        };
        let routed_as = self.calls.get(call).routed_as;
        match self.router.on_overflow_time(now, ticket, &mut self.streams.routing) {
            Some(agent) => {
                self.calls.get_mut(call).overflow_timer = None;
                self.report_queue(now, routed_as, observer);
                self.start_talking(now, agent, call, observer);
            }
            None => {
                let arrived = self.calls.get(call).arrived;
                let next = self
                    .router
                    .next_overflow_time(routed_as, arrived, now)
                    .map(|at| self.events.schedule(at, Event::OverflowTime { slot }));
                self.calls.get_mut(call).overflow_timer = next;
            }
        }
    }

    /// Arms the wait-limit timer of a call that just joined the line of `call_type`, if that type has one.
    #[inline(always)]
    fn arm_wait_limit(&mut self, now: SimTime, call: CallHandle, call_type: CallTypeId) {
        if let Some(limit) = self.router.wait_limit(call_type) {
            let timer = self
                .events
                .schedule(now.after(limit.after), Event::WaitLimitReached { slot: call.slot });
            self.calls.get_mut(call).wait_timer = Some(timer);
        }
    }

    /// Draws whether a caller who just queued balks (its call type's `balk` is positive); if so, withdraws it
    /// and reports it. Kept out of line: a scenario without balking only pays the test of `balk`.
    #[cold]
    #[inline(never)]
    fn balks<O: Observer>(
        &mut self,
        now: SimTime,
        call: CallHandle,
        ticket: QueueTicket,
        call_type: CallTypeId,
        observer: &mut O,
    ) -> bool {
        let index = call_type.index();
        if self.streams.balk[index].random::<f64>() >= self.scenario.call_types[index].balk {
            return false;
        }
        self.balk_now(now, call, ticket, observer);
        true
    }

    /// The announced wait for a caller who just queued, and whether the caller hangs up on hearing it (one uniform
    /// from [`Stream::Announce`] when the wait exceeds a band of its type's `announce_wait`).
    #[cold]
    #[inline(never)]
    fn balks_on_announcement<O: Observer>(
        &mut self,
        now: SimTime,
        call: CallHandle,
        ticket: QueueTicket,
        observer: &mut O,
    ) -> bool {
        let call_type = self.calls.get(call).caller.call_type;
        let mean_handle = self
            .handle_times
            .as_ref()
            .expect("running handle times are kept when a type announces")
            .mean(call_type);
        let wait = callers::announced_wait(
            self.router.on_hold(call_type),
            mean_handle,
            self.router.agents_on_duty_for(call_type),
        );
        let bands = &self.scenario.call_types[call_type.index()].callers.announce_wait;
        let Some(band) = bands.iter().rev().find(|band| wait > band.over) else {
            return false;
        };
        if self.streams.announce[call_type.index()].random::<f64>() >= band.probability {
            return false;
        }
        self.balk_now(now, call, ticket, observer);
        true
    }

    /// A caller who just queued hangs up at once: withdrawn, reported as balked, and a failure (it may redial).
    fn balk_now<O: Observer>(&mut self, now: SimTime, call: CallHandle, ticket: QueueTicket, observer: &mut O) {
        let caller = self.calls.get(call).caller;
        let withdrawn = self.router.on_abandon(ticket);
        debug_assert_eq!(withdrawn, Some(caller.call_type), "a caller just queued is withdrawn");
        self.calls.remove(call);
        observer.on_balk(now, caller.call_type);
        if O::DETAIL {
            observer.on_detail(now, Detail::Abandoned { call: call.slot });
        }
        self.failed(now, caller, Failure::Abandon, observer);
    }

    /// Tells the observer the queue lengths after a call of `call_type` joined or left its line.
    fn report_queue<O: Observer>(&self, now: SimTime, call_type: CallTypeId, observer: &mut O) {
        observer.on_queue_change(
            now,
            call_type,
            self.router.queue_length(call_type),
            self.router.total_queue_length(),
        );
    }

    fn patience_ends<O: Observer>(&mut self, now: SimTime, slot: u32, timer: TimerId, observer: &mut O) {
        let Some((call, ticket, arrived)) = self.calls.waiting_for(slot, timer) else {
            return;
        };
        if let Some(routed_as) = self.router.on_abandon(ticket) {
            let mut caller = self.calls.get(call).caller;
            if let Some(first) = self.calls.get_mut(call).warm_agent.take() {
                self.release_first_agent(now, first, observer);
            }
            self.calls.remove(call);
            observer.on_abandon(now, caller.call_type, arrived);
            if O::DETAIL {
                observer.on_detail(now, Detail::Abandoned { call: slot });
            }
            self.report_queue(now, routed_as, observer);
            caller.journey.wait_s += now.since(arrived);
            self.failed(now, caller, Failure::Abandon, observer);
        }
    }

    /// A caller's attempt failed: it calls again if its `redial` covers the failure (and the draw says so, and
    /// the next attempt comes before closing); otherwise its journey ends unserved. `caller.journey.wait_s`
    /// already includes this attempt's wait.
    #[inline(always)]
    fn failed<O: Observer>(&mut self, now: SimTime, caller: Caller, failure: Failure, observer: &mut O) {
        let index = caller.call_type.index();
        if let Some(redial) = &self.scenario.call_types[index].callers.redial {
            let covered = match failure {
                Failure::Abandon => redial.after.abandon,
                Failure::Blocked => redial.after.blocked,
                Failure::Disconnect => redial.after.disconnect,
                Failure::Message => false,
            };
            if covered && caller.tries < redial.max_attempts {
                let rng = &mut self.streams.redial[index];
                if rng.random::<f64>() < redial.probability {
                    let at = now.after(redial.delay.sample(rng));
                    let mut patience = caller.patience;
                    if redial.new_patience
                        && let Some(distribution) = &self.scenario.call_types[index].patience
                    {
                        patience = distribution.sample(rng);
                    }
                    if at.seconds() < self.scenario.horizon {
                        let slot = self.orbit.insert(Caller {
                            kind: AttemptKind::Redial,
                            patience,
                            ..caller
                        });
                        self.events.schedule(at, Event::Retry { slot });
                        return;
                    }
                }
            }
        }
        observer.on_caller_done(now, &caller.journey, false);
    }

    /// A caller on hold reached its call type's `max_wait`: carries out the router's decision.
    #[cold]
    #[inline(never)]
    fn wait_limit_reached<O: Observer>(&mut self, now: SimTime, slot: u32, timer: TimerId, observer: &mut O) {
        let Some((call, ticket)) = self.calls.on_hold_for(slot, timer) else {
            return;
        };
        let Some(outcome) = self.router.on_wait_limit(ticket, call, &mut self.streams.routing) else {
            return;
        };
        let record = *self.calls.get(call);
        let mut caller = record.caller;
        let (call_type, arrived) = (caller.call_type, record.arrived);
        if !matches!(outcome, WaitLimitOutcome::Overflow { .. })
            && let Some(first) = self.calls.get_mut(call).warm_agent.take()
        {
            self.release_first_agent(now, first, observer);
        }
        match outcome {
            WaitLimitOutcome::Message | WaitLimitOutcome::Disconnect => {
                self.calls.remove(call);
                self.report_queue(now, record.routed_as, observer);
                caller.journey.wait_s += now.since(arrived);
                if O::DETAIL {
                    observer.on_detail(now, Detail::Disconnected { call: slot });
                }
                if outcome == WaitLimitOutcome::Message {
                    observer.on_message(now, call_type, arrived);
                    self.failed(now, caller, Failure::Message, observer);
                } else {
                    observer.on_disconnect(now, call_type, arrived);
                    self.failed(now, caller, Failure::Disconnect, observer);
                }
            }
            WaitLimitOutcome::Callback => {
                let record = self.calls.get_mut(call);
                record.callback_since = now.seconds();
                record.patience_timer = None;
                record.wait_timer = None;
                record.caller.journey.wait_s += now.since(arrived);
                observer.on_callback_requested(now, call_type, arrived);
            }
            WaitLimitOutcome::Overflow {
                call_type: to,
                decision,
            } => {
                observer.on_overflow(now, call_type, to, arrived);
                let moved = self.calls.get_mut(call);
                moved.routed_as = to;
                moved.ticket = None;
                moved.wait_timer = None;
                moved.overflow_timer = None;
                self.report_queue(now, record.routed_as, observer);
                match decision {
                    ArrivalDecision::Connect(agent) => self.start_talking(now, agent, call, observer),
                    ArrivalDecision::Queue(ticket) => {
                        self.calls.get_mut(call).ticket = Some(ticket);
                        self.report_queue(now, to, observer);
                        self.arm_wait_limit(now, call, to);
                        if self.overflow_timers {
                            self.arm_overflow(now, call, to);
                        }
                    }
                    ArrivalDecision::Block => unreachable!("an overflow is never blocked"),
                }
            }
        }
    }

    // Called once per answered call from two places; inlining both saves a call's worth of spills (callgrind).
    #[inline(always)]
    fn start_talking<O: Observer>(&mut self, now: SimTime, agent: AgentId, call: CallHandle, observer: &mut O) {
        if self.any_chat && self.is_chat_call(call) {
            self.start_chat(now, agent, call, observer);
            return;
        }
        let record = self.calls.get_mut(call);
        record.ticket = None;
        let (call_type, arrived, handle_time) = (record.caller.call_type, record.arrived, record.caller.handle_time);
        let callback_since = record.callback_since;
        let (warm_agent, transferred) = (record.warm_agent.take(), record.transferred);
        let mut journey = record.caller.journey;
        if callback_since.is_nan() {
            journey.wait_s += now.since(arrived);
        }
        let index = agent.0 as usize;
        self.work[index] = AgentWork {
            call: Some(call),
            call_type,
            busy_since: now,
            arrived,
            handle_time,
            journey,
        };
        let group = self.router.group_of(agent);
        if callback_since.is_nan() {
            observer.on_answer(now, call_type, group, arrived);
        } else {
            observer.on_callback_made(now, call_type, group, arrived, SimTime(callback_since));
        }
        if O::DETAIL {
            observer.on_detail(now, Detail::Connected { call: call.slot, agent });
        }
        if self.any_workflow {
            if transferred {
                observer.on_transfer_answered(now, call_type, arrived);
            }
            if let Some(first) = warm_agent {
                self.release_first_agent(now, first, observer);
            }
            if self.transfers(now, agent, call_type) || self.asks_consult(now, agent, call_type, handle_time) {
                return;
            }
        }
        self.events.schedule(now.after(handle_time), Event::HangUp { agent });
    }

    /// Draws whether the call just answered will be transferred (its type has a `transfer`); if so, schedules the
    /// hand-over after the transfer's `after` and returns true.
    #[cold]
    #[inline(never)]
    fn transfers(&mut self, now: SimTime, agent: AgentId, call_type: CallTypeId) -> bool {
        let Some(transfer) = &self.scenario.call_types[call_type.index()].transfer else {
            return false;
        };
        let rng = &mut self.streams.transfer[call_type.index()];
        if rng.random::<f64>() >= transfer.probability {
            return false;
        }
        let after = transfer.after.sample(rng);
        self.events.schedule(now.after(after), Event::TransferOut { agent });
        true
    }

    /// The agent hands its call to the transfer's call type: the call joins that type's queue (or a free agent)
    /// as a new leg, with that type's handle time and patience; a cold transfer frees the agent at once, a warm
    /// one when the second agent answers (or the caller leaves).
    #[cold]
    #[inline(never)]
    fn transfer_out<O: Observer>(&mut self, now: SimTime, agent: AgentId, observer: &mut O) {
        let work = self.work[agent.0 as usize];
        let call = work.call.expect("a transferring agent is on a call");
        let from = work.call_type;
        let transfer = self.scenario.call_types[from.index()]
            .transfer
            .as_ref()
            .expect("only a type with a transfer transfers");
        let (to, warm) = (CallTypeId(transfer.to as u32), transfer.warm);
        let spec = &self.scenario.call_types[transfer.to];
        let rng = &mut self.streams.transfer[from.index()];
        let handle_time = spec.service.sample(rng);
        let patience = spec.patience.as_ref().map_or(f64::INFINITY, |p| p.sample(rng));
        let record = self.calls.get_mut(call);
        record.caller.call_type = to;
        record.caller.handle_time = handle_time;
        record.caller.patience = patience;
        record.caller.journey = work.journey;
        record.routed_as = to;
        record.arrived = now;
        record.transferred = true;
        observer.on_transfer(now, from, to);
        if !warm {
            self.release_first_agent(now, agent, observer);
        }
        observer.on_arrival(now, to);
        match self.router.on_transfer_in(now, call, to, &mut self.streams.routing) {
            ArrivalDecision::Connect(second) => {
                if warm {
                    self.release_first_agent(now, agent, observer);
                }
                self.start_talking(now, second, call, observer);
            }
            ArrivalDecision::Queue(ticket) => {
                let record = self.calls.get_mut(call);
                record.ticket = Some(ticket);
                if warm {
                    record.warm_agent = Some(agent);
                }
                self.report_queue(now, to, observer);
                if patience.is_finite() {
                    let timer = self
                        .events
                        .schedule(now.after(patience), Event::PatienceEnds { slot: call.slot });
                    self.calls.get_mut(call).patience_timer = Some(timer);
                }
                self.arm_wait_limit(now, call, to);
                if self.overflow_timers {
                    self.arm_overflow(now, call, to);
                }
            }
            ArrivalDecision::Block => unreachable!("a transfer is never blocked"),
        }
    }

    /// The first agent of a transfer lets go of the call (at once for a cold transfer; for a warm one when the
    /// second agent answers or the caller leaves): its after-call work starts.
    fn release_first_agent<O: Observer>(&mut self, now: SimTime, agent: AgentId, observer: &mut O) {
        let index = agent.0 as usize;
        let transferred = self.router.on_transfer_out(agent);
        debug_assert!(transferred, "the first agent is still talking");
        self.work[index].call = None;
        let wrap_up = self.scenario.call_types[self.work[index].call_type.index()].after_call_work;
        if wrap_up > 0.0 {
            self.events.schedule(now.after(wrap_up), Event::WrapUpEnds { agent });
        } else {
            self.release_agent(now, agent, observer);
        }
    }

    /// Draws whether the agent will ask for a consult on the call it just answered (its type has one); if so,
    /// schedules the question after the `at` share of the handle time and returns true.
    #[cold]
    #[inline(never)]
    fn asks_consult(&mut self, now: SimTime, agent: AgentId, call_type: CallTypeId, handle_time: f64) -> bool {
        let Some(consult) = &self.scenario.call_types[call_type.index()].consult else {
            return false;
        };
        let rng = &mut self.streams.consult[call_type.index()];
        if rng.random::<f64>() >= consult.probability {
            return false;
        }
        self.consults[agent.0 as usize].planned_end = now.seconds() + handle_time;
        self.events
            .schedule(now.after(consult.at * handle_time), Event::ConsultAsk { agent });
        true
    }

    /// The agent asks its call type's consult group: a senior takes it now, or it waits.
    #[cold]
    #[inline(never)]
    fn consult_ask<O: Observer>(&mut self, now: SimTime, agent: AgentId, observer: &mut O) {
        let call_type = self.work[agent.0 as usize].call_type;
        let consult = self.scenario.call_types[call_type.index()]
            .consult
            .as_ref()
            .expect("only a type with a consult asks");
        let group = GroupId(consult.group as u32);
        let duration = consult.duration.sample(&mut self.streams.consult[call_type.index()]);
        let state = &mut self.consults[agent.0 as usize];
        state.asked = now.seconds();
        state.duration = duration;
        if let Some(senior) = self.router.on_consult_request(agent, group) {
            self.begin_consult(now, agent, senior, observer);
        }
    }

    /// Senior `senior` starts the consult asked by `agent`.
    fn begin_consult<O: Observer>(&mut self, now: SimTime, agent: AgentId, senior: AgentId, observer: &mut O) {
        let state = &mut self.consults[agent.0 as usize];
        state.senior = senior;
        let (wait, duration) = (now.seconds() - state.asked, state.duration);
        let call_type = self.work[agent.0 as usize].call_type;
        observer.on_consult(now, call_type, self.router.group_of(senior), wait);
        self.events.schedule(now.after(duration), Event::ConsultEnds { agent });
    }

    /// The consult asked by `agent` ends: its call resumes for the rest of its handle time, and the senior takes
    /// the next waiting consult, or a waiting call, or leaves if its shift is over.
    #[cold]
    #[inline(never)]
    fn consult_ends<O: Observer>(&mut self, now: SimTime, agent: AgentId, observer: &mut O) {
        let state = self.consults[agent.0 as usize];
        let senior = state.senior;
        observer.on_consult_end(
            now,
            self.router.group_of(senior),
            SimTime(now.seconds() - state.duration),
        );
        // The rest of the call: its planned end, delayed by the consult's wait and hold (exactly the planned end
        // when both are 0).
        let resume = SimTime(state.planned_end + (now.seconds() - state.asked));
        self.events.schedule(resume, Event::HangUp { agent });
        let end = self.router.on_consult_end(now, senior);
        if let Some(next) = end.next {
            self.begin_consult(now, next, senior, observer);
        } else if let Some(assignment) = end.assignment {
            self.report_queue(now, assignment.call_type, observer);
            self.start_talking(now, senior, assignment.call, observer);
        } else {
            self.fill_consults(now, senior, observer);
            if !self.router.is_on_duty(senior) && !self.leaving_at[senior.0 as usize].is_nan() {
                self.leave(now, senior, observer);
            }
        }
    }

    /// A free (or consulting) senior takes the consults waiting for its group, up to its concurrency.
    #[cold]
    #[inline(never)]
    fn fill_consults<O: Observer>(&mut self, now: SimTime, senior: AgentId, observer: &mut O) {
        while let Some(requester) = self.router.take_waiting_consult(senior) {
            self.begin_consult(now, requester, senior, observer);
        }
    }

    fn hang_up<O: Observer>(&mut self, now: SimTime, agent: AgentId, observer: &mut O) {
        let index = agent.0 as usize;
        let work = self.work[index];
        let call_type = work.call_type;
        if let Some(call) = work.call {
            self.work[index].call = None;
            // Answered: its ticket is already cleared, so no timer finds it; the record is not read again.
            self.calls.release(call);
            if O::DETAIL {
                observer.on_detail(now, Detail::HungUp { agent });
            }
            self.served(now, &work, observer);
        }
        let was_talking = self.router.on_hang_up(agent);
        debug_assert!(was_talking, "the engine hangs up only talking agents");
        let wrap_up = self.scenario.call_types[call_type.index()].after_call_work;
        if wrap_up > 0.0 {
            self.events.schedule(now.after(wrap_up), Event::WrapUpEnds { agent });
        } else {
            self.release_agent(now, agent, observer);
        }
    }

    /// A served call ended: the caller's question is resolved, or the caller will call back as a repeat call
    /// (`resolution`), or the journey ends served.
    #[inline(always)]
    fn served<O: Observer>(&mut self, now: SimTime, work: &AgentWork, observer: &mut O) {
        let (call_type, index) = (work.call_type, work.call_type.index());
        if let Some(times) = self.handle_times.as_mut() {
            times.record(
                call_type,
                work.handle_time + self.scenario.call_types[index].after_call_work,
            );
        }
        if self.any_resolution && self.comes_back(now, work, observer) {
            return;
        }
        observer.on_caller_done(now, &work.journey, true);
    }

    /// A served call of a type with `resolution`: draws whether the question was resolved and, if not, puts the
    /// caller in orbit for the repeat call (true), unless it would come after closing.
    #[cold]
    #[inline(never)]
    fn comes_back<O: Observer>(&mut self, now: SimTime, work: &AgentWork, observer: &mut O) -> bool {
        let (call_type, index) = (work.call_type, work.call_type.index());
        if let Some(resolution) = &self.scenario.call_types[index].callers.resolution {
            let rng = &mut self.streams.repeat[index];
            let resolved = rng.random::<f64>() < resolution.first_contact;
            observer.on_resolution(now, call_type, work.arrived, resolved);
            if !resolved {
                let at = now.after(resolution.delay.sample(rng));
                let repeat_spec = &self.scenario.call_types[resolution.as_type];
                let handle_time = repeat_spec.service.sample(rng);
                let patience = repeat_spec.patience.as_ref().map_or(f64::INFINITY, |p| p.sample(rng));
                if at.seconds() < self.scenario.horizon {
                    let slot = self.orbit.insert(Caller {
                        call_type: CallTypeId(resolution.as_type as u32),
                        handle_time,
                        patience,
                        tries: 0,
                        kind: AttemptKind::Repeat,
                        journey: work.journey,
                    });
                    self.events.schedule(at, Event::Retry { slot });
                    return true;
                }
            }
        }
        false
    }

    #[inline(always)]
    fn release_agent<O: Observer>(&mut self, now: SimTime, agent: AgentId, observer: &mut O) {
        let index = agent.0 as usize;
        observer.on_agent_released(
            now,
            self.work[index].call_type,
            self.router.group_of(agent),
            self.work[index].busy_since,
        );
        self.agent_free(now, agent, observer);
    }

    /// An agent finished its work: it takes a waiting call, or leaves if its shift is over, or stays free (taking
    /// waiting consults, and outbound work when its group dials).
    #[inline(always)]
    fn agent_free<O: Observer>(&mut self, now: SimTime, agent: AgentId, observer: &mut O) {
        let index = agent.0 as usize;
        if let Some(assignment) = self.router.on_agent_free(now, agent) {
            self.report_queue(now, assignment.call_type, observer);
            self.start_talking(now, agent, assignment.call, observer);
        } else if !self.leaving_at[index].is_nan() {
            self.leave(now, agent, observer);
        } else {
            if self.any_workflow {
                self.fill_consults(now, agent, observer);
            }
            if self.dialer.is_some() {
                self.outbound_agent_free(now, self.router.group_of(agent), observer);
            }
        }
    }

    /// An agent logged off during its call has finished it: the router has taken it offline; report it.
    #[cold]
    #[inline(never)]
    fn leave<O: Observer>(&mut self, now: SimTime, agent: AgentId, observer: &mut O) {
        let scheduled = std::mem::replace(&mut self.leaving_at[agent.0 as usize], NOT_LEAVING);
        observer.on_log_off(now, self.router.group_of(agent), SimTime(scheduled));
        if O::DETAIL {
            observer.on_detail(now, Detail::LoggedOff { agent });
        }
    }

    // Rare (a few per agent and day): kept out of the event loop so the hot path is laid out as before.
    #[cold]
    #[inline(never)]
    fn log_on<O: Observer>(&mut self, now: SimTime, agent: AgentId, observer: &mut O) {
        let index = agent.0 as usize;
        let returned = self.router.on_log_on(now, agent);
        if !self.leaving_at[index].is_nan() {
            // Still finishing the call it had when logged off: it never left, so it simply stays on duty.
            debug_assert!(returned.is_none(), "a busy agent takes no call at log-on");
            self.leaving_at[index] = NOT_LEAVING;
            return;
        }
        observer.on_log_on(now, self.router.group_of(agent));
        if O::DETAIL {
            observer.on_detail(now, Detail::LoggedOn { agent });
        }
        if let Some(assignment) = returned {
            self.report_queue(now, assignment.call_type, observer);
            self.start_talking(now, agent, assignment.call, observer);
        } else {
            if self.any_workflow {
                self.fill_consults(now, agent, observer);
            }
            if self.dialer.is_some() {
                self.outbound_agent_free(now, self.router.group_of(agent), observer);
            }
        }
    }

    // Rare (a few per agent and day): kept out of the event loop so the hot path is laid out as before.
    #[cold]
    #[inline(never)]
    fn log_off<O: Observer>(&mut self, now: SimTime, agent: AgentId, observer: &mut O) {
        let group = self.router.group_of(agent);
        let free_before = self.router.free_agents_in(group);
        self.router.on_log_off(agent);
        if self.router.free_agents_in(group) < free_before {
            // It was free: it leaves at once.
            observer.on_log_off(now, group, now);
            if O::DETAIL {
                observer.on_detail(now, Detail::LoggedOff { agent });
            }
        } else {
            // On a call or wrapping up: it leaves when that ends (see `release_agent`).
            self.leaving_at[agent.0 as usize] = now.seconds();
        }
    }

    /// `at_close = "clear"`: withdraws every caller still waiting, in slot order, and reports each disconnected
    /// (a callback task still waiting is dropped: its caller's journey ends unserved).
    // Rare (a few per agent and day): kept out of the event loop so the hot path is laid out as before.
    #[cold]
    #[inline(never)]
    fn close<O: Observer>(&mut self, now: SimTime, observer: &mut O) {
        for slot in 0..self.calls.records.len() {
            let record = self.calls.records[slot];
            let Some(ticket) = record.ticket else {
                continue;
            };
            if let Some(routed_as) = self.router.on_abandon(ticket) {
                if let Some(first) = record.warm_agent {
                    self.release_first_agent(now, first, observer);
                }
                self.calls.remove(CallHandle { slot: slot as u32 });
                self.report_queue(now, routed_as, observer);
                let mut caller = record.caller;
                if record.callback_since.is_nan() {
                    observer.on_disconnect(now, caller.call_type, record.arrived);
                    if O::DETAIL {
                        observer.on_detail(now, Detail::Disconnected { call: slot as u32 });
                    }
                    caller.journey.wait_s += now.since(record.arrived);
                    self.failed(now, caller, Failure::Disconnect, observer);
                } else {
                    observer.on_caller_done(now, &caller.journey, false);
                }
            }
        }
    }
}

/// The router of one day and the day's roster changes (sorted, as `Event::LogOn` and `Event::LogOff` of agents
/// numbered across groups).
///
/// When every group is on duty all day without absenteeism this is `Router::new` (every agent free, as the
/// stationary engine always started) and no change. Otherwise absenteeism is drawn first (one uniform per agent of
/// every group, in agent order, from [`Stream::Absence`], whatever each group's probability), the router starts
/// offline, and the agents on duty at opening log on at `t = 0` in agent order.
fn staffing(scenario: &Scenario, replication: u32) -> (Router<CallHandle>, Vec<(f64, Event)>) {
    let groups = &scenario.agent_groups;
    let any_absence = groups.iter().any(|g| g.absenteeism > 0.0);
    if !any_absence && groups.iter().all(|g| g.roster.is_constant()) {
        return (
            Router::new(scenario.router_config()).with_chats(&scenario.chat_types()),
            Vec::new(),
        );
    }
    let mut router = Router::new_offline(scenario.router_config()).with_chats(&scenario.chat_types());
    let mut absence = any_absence.then(|| stream_rng(scenario.seed, replication, Stream::Absence));
    let mut absent = Vec::new();
    let mut changes = Vec::new();
    let mut first = 0u32;
    for group in groups {
        let drawn;
        let roster = match absence.as_mut() {
            Some(rng) => {
                draw_absent(group.absenteeism, group.roster.agents(), rng, &mut absent);
                drawn = group.roster.with_absent(&absent);
                &drawn
            }
            None => &group.roster,
        };
        debug_assert_eq!(
            roster.agents(),
            group.count as usize,
            "the router allocates every rostered agent"
        );
        for agent in 0..roster.agents() {
            if roster.on_at_opening(agent) {
                let assigned = router.on_log_on(SimTime::ZERO, AgentId(first + agent as u32));
                debug_assert!(assigned.is_none(), "nobody waits at opening");
            }
        }
        changes.extend(roster.changes().into_iter().map(|Change { time, agent, kind }| {
            let agent = AgentId(first + agent);
            let event = match kind {
                ChangeKind::LogOn => Event::LogOn { agent },
                ChangeKind::LogOff => Event::LogOff { agent },
            };
            (time, event)
        }));
        first += group.count;
    }
    // Each group's changes are sorted; merge them by instant, log-offs first, then agent (numbered across groups).
    changes.sort_by(|a, b| {
        let key = |(time, event): &(f64, Event)| match *event {
            Event::LogOff { agent } => (*time, 0, agent.0),
            Event::LogOn { agent } => (*time, 1, agent.0),
            _ => unreachable!("only roster changes"),
        };
        let (ka, kb) = (key(a), key(b));
        ka.0.total_cmp(&kb.0).then(ka.1.cmp(&kb.1)).then(ka.2.cmp(&kb.2))
    });
    (router, changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_kind_round_trips_at_the_largest_index() {
        for index in [0, 1, MAX_INDEX] {
            for event in [
                Event::PatienceEnds { slot: index },
                Event::HangUp { agent: AgentId(index) },
                Event::WrapUpEnds { agent: AgentId(index) },
                Event::LogOn { agent: AgentId(index) },
                Event::LogOff { agent: AgentId(index) },
                Event::Close,
                Event::WaitLimitReached { slot: index },
                Event::Retry { slot: index },
                Event::ConsultAsk { agent: AgentId(index) },
                Event::ConsultEnds { agent: AgentId(index) },
                Event::TransferOut { agent: AgentId(index) },
                Event::OverflowTime { slot: index },
                Event::Dial { slot: index },
                Event::CampaignWake { campaign: index },
                Event::ChatEnds { agent: AgentId(index) },
            ] {
                let code = event.encode();
                assert!(code < 1 << queue::CODE_BITS, "{event:?} fits the code bits");
                assert_eq!(Event::decode(code), event);
            }
        }
    }

    #[test]
    #[should_panic(expected = "event kind 15 is never encoded")]
    fn an_unknown_kind_is_not_decoded_as_another() {
        Event::decode(KINDS << INDEX_BITS);
    }

    /// Two callers in one batch with the same constant patience share a deadline. The first is answered, the second
    /// reuses its slot: the first one's stale timer fires at the very deadline of the second and must not act.
    #[test]
    fn a_stale_timer_never_matches_a_reused_slot_even_at_the_same_deadline() {
        let mut events: EventQueue<Event> = EventQueue::default();
        let mut calls = CallSlab::default();
        let (arrived, deadline) = (SimTime(10.0), SimTime(70.0));
        let mut router: Router<u32> = Router::new_offline(crate::routing::RouterConfig {
            priorities: vec![0.0],
            groups: vec![],
            queue: crate::routing::QueueDiscipline::Fifo,
            aging_per_second: 0.0,
            agent_selection: crate::routing::AgentSelection::LongestIdle,
            queue_capacity: None,
            call_type_rules: Vec::new(),
            consult_concurrency: Vec::new(),
            lines: None,
        });
        let mut rng = stream_rng(1, 0, Stream::Routing);
        let mut ticket = |call| match router.on_arrival(arrived, call, CallTypeId(0), &mut rng) {
            ArrivalDecision::Queue(ticket) => ticket,
            other => panic!("no agent, so the call waits: {other:?}"),
        };
        let caller = Caller {
            call_type: CallTypeId(0),
            handle_time: 1.0,
            patience: 60.0,
            tries: 1,
            kind: AttemptKind::Fresh,
            journey: Journey {
                first_call_type: CallTypeId(0),
                first_arrival: arrived,
                attempts: 1,
                wait_s: 0.0,
            },
        };
        let first = calls.insert(caller, arrived);
        calls.get_mut(first).ticket = Some(ticket(1));
        let stale = events.schedule(deadline, Event::PatienceEnds { slot: first.slot });
        calls.get_mut(first).patience_timer = Some(stale);
        calls.remove(first); // answered

        let second = calls.insert(caller, arrived);
        assert_eq!(second, first, "the slot is reused");
        calls.get_mut(second).ticket = Some(ticket(2));
        let own = events.schedule(deadline, Event::PatienceEnds { slot: second.slot });
        calls.get_mut(second).patience_timer = Some(own);

        let (time, timer, event) = events.pop().unwrap();
        assert_eq!(
            (time, timer, event),
            (deadline, stale, Event::PatienceEnds { slot: first.slot })
        );
        assert_eq!(calls.waiting_for(first.slot, timer), None, "the stale timer is skipped");
        let (time, timer, _) = events.pop().unwrap();
        assert_eq!(time, deadline);
        assert!(
            calls.waiting_for(second.slot, timer).is_some(),
            "the caller's own timer acts"
        );
    }
}
