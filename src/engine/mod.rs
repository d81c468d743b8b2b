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
//! The engine owns no statistics; it reports to an [`Observer`]. It cannot fail on a validated scenario.
//!
//! Events other than arrivals live in the closed [`Event`] enum, packed into [`CODE_BITS`] bits of a heap
//! entry: a 4-bit kind tag (6 used; 10 free for redials, transfers, consults, dials) above a 29-bit agent or slot
//! index. Compile-time assertions tie the encoding to `crate::limits`: every agent and every call a
//! replication may hold at once has an index, the tags leave room for eight more kinds, and a replication cannot
//! exhaust the never-wrapping event sequence.

mod arrivals;
mod observer;
mod queue;
mod streams;

pub use arrivals::PendingArrivals;
pub use observer::Observer;
pub use queue::{CODE_BITS, EventCode, EventQueue, MAX_SCHEDULES, SEQUENCE_BITS, TimerId};
pub use streams::{Stream, StreamRng, stream_rng};

use rand::RngExt;

use crate::day::arrivals::PiecewiseRate;
use crate::day::roster::{Change, ChangeKind, draw_absent};
use crate::routing::{AgentId, ArrivalDecision, CallTypeId, GroupId, QueueTicket, Router};
use crate::scenario::{AtClose, Scenario};
use crate::time::SimTime;

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
/// Kinds in use.
const KINDS: u64 = 6;

/// Most events one call can cause to be scheduled: its patience timer, its hang-up, its agent's wrap-up. (Roster
/// changes wait beside the heap and take no sequence number; closing with `"clear"` takes one per replication.)
const SCHEDULES_PER_CALL: f64 = 3.0;

/// Calls simulated in one replication are Poisson around the expected count that `limits` caps; the realised count
/// stays below `1.01` times that cap except with a probability far below 1e-100 at any volume near the cap.
const REALISED_CALLS_BOUND: f64 = 1.01 * crate::limits::MAX_CALLS_PER_REPLICATION;

const _: () = {
    assert!(
        KINDS + 8 <= 1 << KIND_BITS,
        "the encoding leaves room for at least eight more event kinds"
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
    call_type: CallTypeId,
    arrived: SimTime,
    handle_time: f64,
    /// Set while the call waits.
    ticket: Option<QueueTicket>,
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
    fn insert(&mut self, call_type: CallTypeId, arrived: SimTime, handle_time: f64) -> CallHandle {
        let record = CallRecord {
            call_type,
            arrived,
            handle_time,
            ticket: None,
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

    fn get_mut(&mut self, call: CallHandle) -> &mut CallRecord {
        &mut self.records[call.slot as usize]
    }

    fn remove(&mut self, call: CallHandle) {
        let record = &mut self.records[call.slot as usize];
        record.ticket = None;
        record.patience_timer = None;
        self.free.push(call.slot);
    }
}

/// The call an agent is handling, from answer to the end of wrap-up.
#[derive(Debug, Clone, Copy)]
struct AgentWork {
    /// The call while it talks (`None` during wrap-up: the caller has hung up).
    call: Option<CallHandle>,
    call_type: CallTypeId,
    /// When the call was answered.
    busy_since: SimTime,
}

/// Per-replication random generators.
struct Streams {
    arrivals: Vec<StreamRng>,
    service: Vec<StreamRng>,
    patience: Vec<StreamRng>,
    routing: StreamRng,
    /// Per call type; drawn only when its `balk > 0`.
    balk: Vec<StreamRng>,
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
    Simulation::new(scenario, replication).run(observer);
}

struct Simulation<'a> {
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
    /// What each agent is handling (talking or wrapping up), indexed by agent.
    work: Vec<AgentWork>,
    streams: Streams,
}

impl<'a> Simulation<'a> {
    fn new(scenario: &'a Scenario, replication: u32) -> Simulation<'a> {
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
        Simulation {
            scenario,
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
                    busy_since: SimTime::ZERO
                };
                agents
            ],
            streams: Streams {
                arrivals: (0..types)
                    .map(|t| stream_rng(seed, replication, Stream::Arrivals(t)))
                    .collect(),
                service: (0..types)
                    .map(|t| stream_rng(seed, replication, Stream::Service(t)))
                    .collect(),
                patience: (0..types)
                    .map(|t| stream_rng(seed, replication, Stream::Patience(t)))
                    .collect(),
                routing: stream_rng(seed, replication, Stream::Routing),
                balk: (0..types)
                    .map(|t| stream_rng(seed, replication, Stream::Balk(t)))
                    .collect(),
            },
            router,
        }
    }

    fn run<O: Observer>(mut self, observer: &mut O) {
        self.log_on_at_opening(observer);
        for call_type in 0..self.scenario.call_types.len() {
            self.schedule_next_arrival(SimTime::ZERO, call_type);
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
    }

    fn schedule_next_arrival(&mut self, now: SimTime, call_type: usize) {
        let gap: f64 = rand_distr::Distribution::sample(&rand_distr::Exp1, &mut self.streams.arrivals[call_type]);
        // Within a constant-rate segment this is `now + gap * mean_gap`, the stationary formula bit for bit.
        let next = self.rates[call_type].next_after(now.seconds(), gap);
        self.arrivals.set(call_type, next.map(SimTime));
    }

    fn arrive<O: Observer>(&mut self, now: SimTime, index: usize, observer: &mut O) {
        self.schedule_next_arrival(now, index);
        let spec = &self.scenario.call_types[index];
        // Drawn for every caller, answered or not, so each stream stays aligned across policies.
        let handle_time = spec.service.sample(&mut self.streams.service[index]);
        let patience = spec
            .patience
            .as_ref()
            .map(|p| p.sample(&mut self.streams.patience[index]));
        let call_type = CallTypeId(index as u32);
        let call = self.calls.insert(call_type, now, handle_time);
        match self.router.on_arrival(now, call, call_type, &mut self.streams.routing) {
            ArrivalDecision::Block => {
                self.calls.remove(call);
                observer.on_blocked(now, call_type);
            }
            ArrivalDecision::Connect(agent) => {
                observer.on_arrival(now, call_type);
                self.start_talking(now, agent, call, observer);
            }
            ArrivalDecision::Queue(ticket) => {
                observer.on_arrival(now, call_type);
                if spec.balk > 0.0 && self.balks(now, call, ticket, call_type, observer) {
                    return;
                }
                self.calls.get_mut(call).ticket = Some(ticket);
                self.report_queue(now, call_type, observer);
                if let Some(patience) = patience {
                    let timer = self
                        .events
                        .schedule(now.after(patience), Event::PatienceEnds { slot: call.slot });
                    self.calls.get_mut(call).patience_timer = Some(timer);
                }
            }
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
        let withdrawn = self.router.on_abandon(ticket);
        debug_assert_eq!(withdrawn, Some(call_type), "a caller just queued is withdrawn");
        self.calls.remove(call);
        observer.on_balk(now, call_type);
        true
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
        if let Some(call_type) = self.router.on_abandon(ticket) {
            self.calls.remove(call);
            observer.on_abandon(now, call_type, arrived);
            self.report_queue(now, call_type, observer);
        }
    }

    // Called once per answered call from two places; inlining both saves a call's worth of spills (callgrind).
    #[inline(always)]
    fn start_talking<O: Observer>(&mut self, now: SimTime, agent: AgentId, call: CallHandle, observer: &mut O) {
        let record = self.calls.get_mut(call);
        record.ticket = None;
        let (call_type, arrived, handle_time) = (record.call_type, record.arrived, record.handle_time);
        let index = agent.0 as usize;
        self.work[index] = AgentWork {
            call: Some(call),
            call_type,
            busy_since: now,
        };
        observer.on_answer(now, call_type, self.router.group_of(agent), arrived);
        self.events.schedule(now.after(handle_time), Event::HangUp { agent });
    }

    fn hang_up<O: Observer>(&mut self, now: SimTime, agent: AgentId, observer: &mut O) {
        let index = agent.0 as usize;
        if let Some(call) = self.work[index].call.take() {
            self.calls.remove(call);
        }
        let was_talking = self.router.on_hang_up(agent);
        debug_assert!(was_talking, "the engine hangs up only talking agents");
        let wrap_up = self.scenario.call_types[self.work[index].call_type.index()].after_call_work;
        if wrap_up > 0.0 {
            self.events.schedule(now.after(wrap_up), Event::WrapUpEnds { agent });
        } else {
            self.release_agent(now, agent, observer);
        }
    }

    fn release_agent<O: Observer>(&mut self, now: SimTime, agent: AgentId, observer: &mut O) {
        let index = agent.0 as usize;
        observer.on_agent_released(
            now,
            self.work[index].call_type,
            self.router.group_of(agent),
            self.work[index].busy_since,
        );
        if let Some(assignment) = self.router.on_agent_free(now, agent) {
            self.report_queue(now, assignment.call_type, observer);
            self.start_talking(now, agent, assignment.call, observer);
        } else if !self.leaving_at[index].is_nan() {
            self.leave(now, agent, observer);
        }
    }

    /// An agent logged off during its call has finished it: the router has taken it offline; report it.
    #[cold]
    #[inline(never)]
    fn leave<O: Observer>(&mut self, now: SimTime, agent: AgentId, observer: &mut O) {
        let scheduled = std::mem::replace(&mut self.leaving_at[agent.0 as usize], NOT_LEAVING);
        observer.on_log_off(now, self.router.group_of(agent), SimTime(scheduled));
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
        if let Some(assignment) = returned {
            self.report_queue(now, assignment.call_type, observer);
            self.start_talking(now, agent, assignment.call, observer);
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
        } else {
            // On a call or wrapping up: it leaves when that ends (see `release_agent`).
            self.leaving_at[agent.0 as usize] = now.seconds();
        }
    }

    /// `at_close = "clear"`: withdraws every caller still waiting, in slot order, and reports each disconnected.
    // Rare (a few per agent and day): kept out of the event loop so the hot path is laid out as before.
    #[cold]
    #[inline(never)]
    fn close<O: Observer>(&mut self, now: SimTime, observer: &mut O) {
        for slot in 0..self.calls.records.len() {
            let record = self.calls.records[slot];
            let Some(ticket) = record.ticket else {
                continue;
            };
            if let Some(call_type) = self.router.on_abandon(ticket) {
                self.calls.remove(CallHandle { slot: slot as u32 });
                observer.on_disconnect(now, call_type, record.arrived);
                self.report_queue(now, call_type, observer);
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
        return (Router::new(scenario.router_config()), Vec::new());
    }
    let mut router = Router::new_offline(scenario.router_config());
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
            ] {
                let code = event.encode();
                assert!(code < 1 << queue::CODE_BITS, "{event:?} fits the code bits");
                assert_eq!(Event::decode(code), event);
            }
        }
    }

    #[test]
    #[should_panic(expected = "event kind 6 is never encoded")]
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
            lines: None,
        });
        let mut rng = stream_rng(1, 0, Stream::Routing);
        let mut ticket = |call| match router.on_arrival(arrived, call, CallTypeId(0), &mut rng) {
            ArrivalDecision::Queue(ticket) => ticket,
            other => panic!("no agent, so the call waits: {other:?}"),
        };
        let first = calls.insert(CallTypeId(0), arrived, 1.0);
        calls.get_mut(first).ticket = Some(ticket(1));
        let stale = events.schedule(deadline, Event::PatienceEnds { slot: first.slot });
        calls.get_mut(first).patience_timer = Some(stale);
        calls.remove(first); // answered

        let second = calls.insert(CallTypeId(0), arrived, 1.0);
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
