//! The automatic call distributor (ACD): which waiting call goes to which agent.
//!
//! This is the production routing logic, and it is *sans-IO*: it owns no clock, no random number generator, no
//! I/O, and knows nothing of the event engine. Its caller hands it the current instant and the facts (a call
//! arrived, a caller hung up, an agent finished wrap-up, logged on or off) and gets decisions back (connect call C
//! to agent A, queue it, or refuse it because every line is busy). A production ACD embeds it the same way the
//! simulator does; see `examples/embedded_acd.rs` in the callsim repository.
//!
//! This crate is the whole of the routing logic and depends on `rand`'s RNG traits only (no default features; the
//! optional `serde` feature derives `Serialize`/`Deserialize` for the policy enums). The simulator re-exports it as
//! `callsim::routing`. A simulation starts with every agent free ([`Router::new`]); a switch starts with every
//! agent offline ([`Router::new_offline`]) and reports log-ons as they happen.
//!
//! Three decisions are kept apart, as in every production ACD:
//! - **eligibility**: which agent groups may take which call types (a group's `skills`), with two thresholds: a
//!   skill may come due only after the call has waited a while ([`GroupConfig::skill_after`]; the switch arms
//!   the timers [`Router::overflow_delays`] names and reports them with [`Router::on_overflow_time`]), and a group
//!   may keep agents back for one call type ([`Reserve`]);
//! - **caller ordering**: which waiting call a freed agent takes ([`QueueDiscipline`]);
//! - **agent selection**: which eligible free agent an arriving call goes to ([`AgentSelection`]).
//!
//! Chats ([`Router::with_chats`]): an agent holds up to its group's concurrency of chats at once; a new chat goes
//! to the least-loaded eligible agent; a voice call needs an agent holding no chat, and an agent on a call takes
//! no chat. The switch reports a chat's end with [`Router::on_chat_end`].
//!
//! When a freed agent could take several waiting calls, the queue discipline decides across all call types the
//! agent's group may serve (fifo: the earliest arrival; priority: the highest priority, then the earliest arrival;
//! priority-aging: the highest effective priority, then the earliest arrival). Only an exact tie is broken by the
//! group's skill order.
//!
//! A switch's morning in miniature: a caller waits until the first agent logs on, a second caller waits while the
//! agent talks, and the agent takes them in turn.
//!
//! ```
//! use callsim_router::*;
//! use rand::SeedableRng;
//!
//! let config = RouterConfig {
//!     priorities: vec![0.0],
//!     groups: vec![GroupConfig { agents: 1, skills: vec![CallTypeId(0)], skill_after: Vec::new(), reserve: None }],
//!     queue: QueueDiscipline::Fifo,
//!     aging_per_second: 0.0,
//!     agent_selection: AgentSelection::LongestIdle,
//!     lines: None,
//!     queue_capacity: None,
//!     call_type_rules: Vec::new(),
//!     consult_concurrency: Vec::new(),
//! };
//! let mut router: Router<&str> = Router::new_offline(config);
//! // Only `random` agent selection draws from the generator the switch hands in.
//! let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
//! let general = CallTypeId(0);
//! // Nobody is logged on yet: the first caller waits.
//! let first = router.on_arrival(SimTime(0.0), "first", general, &mut rng);
//! assert!(matches!(first, ArrivalDecision::Queue(_)));
//! // The agent logs on and takes the waiting call at once.
//! let taken = router.on_log_on(SimTime(5.0), AgentId(0)).expect("a call is waiting");
//! assert_eq!(taken.call, "first");
//! // A second caller waits while the agent talks.
//! let second = router.on_arrival(SimTime(6.0), "second", general, &mut rng);
//! assert!(matches!(second, ArrivalDecision::Queue(_)));
//! // The first caller hangs up; when wrap-up ends the agent takes the second.
//! assert!(router.on_hang_up(AgentId(0)));
//! let next = router.on_agent_free(SimTime(60.0), AgentId(0)).expect("a call is waiting");
//! assert_eq!(next.call, "second");
//! ```

#![warn(missing_docs)]

mod free_agents;
mod policy;
mod time;
mod waiting;

pub use free_agents::{AgentKey, FreeAgents, IdleLine, KeyedHeap};
pub use policy::{AgentSelection, QueueDiscipline};
pub use time::SimTime;
pub use waiting::{QueueTicket, WaitingCall, WaitingLines, Withdrawn};

use rand::{Rng, RngExt};

/// One agent group as the router sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupConfig {
    /// Number of agents in the group; they start free ([`Router::new`]) or offline ([`Router::new_offline`]).
    pub agents: u32,
    /// Call types the group can answer, in the group's order of preference.
    pub skills: Vec<CallTypeId>,
    /// Per skill (same order as `skills`), seconds a call of that type must have waited before this group may take
    /// it: overflow by waiting time. 0 is a static skill; a list shorter than `skills` (or empty) means 0 for the
    /// skills beyond its end. Waits count from the instant the call first queued ([`Assignment::queued_since`]).
    pub skill_after: Vec<f64>,
    /// Agents kept back for one call type; `None` (or `agents: 0`) for no reservation.
    pub reserve: Option<Reserve>,
}

/// A reservation (trunk/agent reservation, a threshold policy): the group answers call types other than
/// `call_type` only while more than `agents` of its agents are free, counting the agent about to be chosen (on
/// arrival or at an overflow time) or the agent just freed (when it picks a waiting call).
///
/// On arrival (and at an overflow time) a group with `agents` or fewer free agents is not eligible for the other
/// types; a freed agent whose group then has `agents` or fewer free agents, itself included, takes only a waiting
/// call of `call_type`, and otherwise chooses across all its skills as usual. `agents: 0` changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reserve {
    /// The call type the agents are kept for (one of the group's skills).
    pub call_type: CallTypeId,
    /// Free agents kept back.
    pub agents: u32,
}

/// Everything the router needs to know about a contact center.
#[derive(Debug, Clone, PartialEq)]
pub struct RouterConfig {
    /// Priority of each call type (higher is served first under the priority disciplines).
    pub priorities: Vec<f64>,
    /// The agent groups, in scenario order.
    pub groups: Vec<GroupConfig>,
    /// Caller ordering.
    pub queue: QueueDiscipline,
    /// Priority points gained per second waited under [`QueueDiscipline::PriorityAging`].
    pub aging_per_second: f64,
    /// Agent selection.
    pub agent_selection: AgentSelection,
    /// Trunk lines: at most this many calls in the system (waiting or talking); `None` for unlimited.
    pub lines: Option<u32>,
    /// At most this many callers on hold, all types together; the next caller who would wait is blocked.
    /// Callback tasks ([`WaitLimitAction::Callback`]) are not on hold and do not count. `None` for unlimited.
    pub queue_capacity: Option<u32>,
    /// Per call type (as numbered in `priorities`), its own queue capacity and wait limit; shorter than
    /// `priorities` (or empty) means no rule for the call types beyond its end.
    pub call_type_rules: Vec<CallTypeRules>,
    /// Per group (as numbered in `groups`), the consults one of its agents may hold at once
    /// ([`Router::on_consult_request`]); shorter (or empty) means 1 for the groups beyond its end.
    pub consult_concurrency: Vec<u32>,
}

/// What [`Router::on_consult_end`] did: the senior may start the next waiting consult, or, holding none any more,
/// take a waiting call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConsultEnd<C> {
    /// The requester (an agent on a call) whose waiting consult the senior starts now.
    pub next: Option<AgentId>,
    /// The waiting call the senior takes, having no consult left.
    pub assignment: Option<Assignment<C>>,
}

/// The queue rules of one call type.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CallTypeRules {
    /// At most this many callers of this type on hold; the next one who would wait is blocked.
    pub queue_capacity: Option<u32>,
    /// What happens to a caller still on hold after a while.
    pub wait_limit: Option<WaitLimit>,
}

/// A maximum wait: a caller still on hold `after` seconds after joining the line leaves it as `action` says.
/// The router does not keep time: the switch arms a timer for `after` when [`Router::on_arrival`] queues a call
/// (see [`Router::wait_limit`]) and reports it with [`Router::on_wait_limit`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaitLimit {
    /// Seconds on hold in this line before the action.
    pub after: f64,
    /// What happens then.
    pub action: WaitLimitAction,
}

/// What a caller does when its wait limit is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitLimitAction {
    /// Leaves a voice message and hangs up.
    Message,
    /// Is disconnected.
    Disconnect,
    /// Hangs up and is called back: the call keeps its place in the line as a callback task, which holds no trunk
    /// line, never abandons and is offered to agents like any waiting call.
    Callback,
    /// Moves to the back of another call type's line (or to a free agent of that type), keeping the instant it
    /// first queued (its wait so far, for aging and statistics). Queue capacities do not refuse it: it already
    /// holds a line.
    Overflow(CallTypeId),
}

/// What [`Router::on_wait_limit`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitLimitOutcome {
    /// The caller left a message; the call left the system.
    Message,
    /// The caller was disconnected; the call left the system.
    Disconnect,
    /// The caller hung up; the call stays in its line as a callback task (its ticket stays valid).
    Callback,
    /// The call moved to another call type: connected to an agent at once, or queued there under a new ticket.
    Overflow {
        /// The call type it is now.
        call_type: CallTypeId,
        /// [`ArrivalDecision::Connect`] or [`ArrivalDecision::Queue`].
        decision: ArrivalDecision,
    },
}

/// What happens to an arriving call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrivalDecision {
    /// Connect the call to this agent now.
    Connect(AgentId),
    /// Every eligible agent is busy: the call waits; present the ticket if the caller hangs up.
    Queue(QueueTicket),
    /// Every line is busy, or the call would wait and the queue is at capacity: the caller hears a busy tone and
    /// the call never enters the system.
    Block,
}

/// A waiting call handed to a freed agent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assignment<C> {
    /// The caller's handle for the call, as given at arrival.
    pub call: C,
    /// The call's type.
    pub call_type: CallTypeId,
    /// When the call joined the queue.
    pub queued_since: SimTime,
    /// True for a callback task: the agent calls the customer back (no trunk line is taken).
    pub callback: bool,
}

/// A call type, numbered as in [`RouterConfig::priorities`] (and in a group's `skills`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallTypeId(pub u32);

impl CallTypeId {
    /// The number as an index into per-call-type tables.
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// An agent group, numbered as in [`RouterConfig::groups`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupId(pub u32);

impl GroupId {
    /// The number as an index into per-group tables.
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// An agent, numbered across all groups in scenario order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgentId(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Free,
    Talking,
    WrappingUp,
    Offline,
    /// Holding one or more consults (no call).
    Consulting,
    /// Holding one or more chats (no call).
    Chatting,
}

#[derive(Debug, Clone, Copy)]
struct Agent {
    group: u32,
    local: u32,
    status: Status,
    log_off_when_free: bool,
    /// Whether the call it is talking to holds a trunk line (false for a callback).
    holds_line: bool,
    /// Consults held now.
    consults: u32,
    /// Chats held now.
    chats: u32,
    calls_handled: u64,
    last_assigned: u64,
}

/// The router: eligibility, caller ordering and agent selection for one contact center.
#[derive(Debug, Clone)]
pub struct Router<C> {
    config: RouterConfig,
    agents: Vec<Agent>,
    free: Vec<FreeAgents>,
    /// Per call type, the groups that may take it, sorted by (skill rank, group index).
    eligible_groups: Vec<Vec<usize>>,
    /// Index of each group's first agent.
    group_first: Vec<usize>,
    waiting: WaitingLines<C>,
    calls_in_system: u32,
    /// Callback tasks waiting, per call type and all together (they are in `waiting` but not on hold).
    callbacks: Vec<usize>,
    callbacks_total: usize,
    /// Agents logged on (not offline) per group.
    on_duty: Vec<u32>,
    /// True when any queue capacity is set (one test on the path of a queued call otherwise).
    capacity_limited: bool,
    /// Per group, the requesters whose consult waits for a senior, first come first served.
    consult_lines: Vec<std::collections::VecDeque<AgentId>>,
    /// Consults waiting in all groups (one test when an agent frees otherwise).
    consults_waiting: usize,
    /// Per group, the agents holding consults with room for another.
    consulting: Vec<Vec<u32>>,
    /// True when some skill has a delay or some group a reservation: routing then takes the paths that check them
    /// (one test per decision otherwise).
    rules: bool,
    /// Per call type, the groups that may take it with the seconds a call must have waited first, sorted like
    /// `eligible_groups` (kept for the paths with rules).
    eligible_after: Vec<Vec<(usize, f64)>>,
    /// Per call type, its distinct positive finite skill delays, ascending ([`Router::overflow_delays`]).
    overflow_delays: Vec<Vec<f64>>,
    /// Chats ([`Router::with_chats`]); `None` when no call type is a chat (one test per decision then).
    chats: Option<Box<ChatRouting>>,
    sequence: u64,
}

/// The chat side of a router: which call types are chats, and the agents holding chats with room for another.
#[derive(Debug, Clone)]
struct ChatRouting {
    /// Per call type, whether it is a chat.
    is_chat: Vec<bool>,
    /// Per group, per number of chats held `k = 1..concurrency - 1` (index `k - 1`), the agents holding exactly
    /// `k` chats and not leaving, keyed like free agents (so ties go by the group's agent selection).
    levels: Vec<Vec<FreeAgents>>,
}

impl<C: Copy> Router<C> {
    /// A router with every agent logged on and free, idle in roster order (what a simulation starts from).
    ///
    /// Skills must name call types below `priorities.len()`; the scenario layer guarantees it.
    pub fn new(config: RouterConfig) -> Router<C> {
        let mut router = Router::new_offline(config);
        for agent in 0..router.agents.len() {
            router.make_free(agent);
        }
        router.on_duty = router.config.groups.iter().map(|g| g.agents).collect();
        router
    }

    /// A router with every agent offline (what a switch starts from): each agent becomes available when the
    /// switch reports it with [`Router::on_log_on`]. Until then arriving calls queue (or are blocked by `lines`).
    ///
    /// Skills must name call types below `priorities.len()`.
    pub fn new_offline(config: RouterConfig) -> Router<C> {
        let call_types = config.priorities.len();
        let mut eligible: Vec<Vec<(usize, usize)>> = vec![Vec::new(); call_types];
        let mut overflow_delays: Vec<Vec<f64>> = vec![Vec::new(); call_types];
        for (group, spec) in config.groups.iter().enumerate() {
            for (rank, &call_type) in spec.skills.iter().enumerate() {
                eligible[call_type.index()].push((rank, group));
                let after = skill_delay(spec, rank);
                if after > 0.0 && after.is_finite() {
                    overflow_delays[call_type.index()].push(after);
                }
            }
        }
        for delays in &mut overflow_delays {
            delays.sort_by(f64::total_cmp);
            delays.dedup();
        }
        let rules = overflow_delays.iter().any(|d| !d.is_empty())
            || config.groups.iter().any(|g| {
                g.reserve.is_some_and(|r| r.agents > 0)
                    || g.skill_after.iter().take(g.skills.len()).any(|&after| after > 0.0)
            });
        let eligible_after = eligible
            .iter()
            .map(|groups| {
                let mut groups = groups.clone();
                groups.sort();
                groups
                    .into_iter()
                    .map(|(rank, group)| (group, skill_delay(&config.groups[group], rank)))
                    .collect()
            })
            .collect();
        let eligible_groups = eligible
            .into_iter()
            .map(|mut groups| {
                groups.sort();
                groups.into_iter().map(|(_, group)| group).collect()
            })
            .collect();
        let mut router = Router {
            agents: Vec::new(),
            free: config
                .groups
                .iter()
                .map(|g| {
                    if keys_only_grow(config.agent_selection) {
                        FreeAgents::in_order(g.agents as usize)
                    } else {
                        FreeAgents::keyed(g.agents as usize)
                    }
                })
                .collect(),
            eligible_groups,
            group_first: config
                .groups
                .iter()
                .scan(0usize, |next, g| {
                    let first = *next;
                    *next += g.agents as usize;
                    Some(first)
                })
                .collect(),
            waiting: WaitingLines::new(call_types),
            calls_in_system: 0,
            callbacks: vec![0; call_types],
            callbacks_total: 0,
            on_duty: vec![0; config.groups.len()],
            capacity_limited: config.queue_capacity.is_some()
                || config.call_type_rules.iter().any(|r| r.queue_capacity.is_some()),
            consult_lines: vec![std::collections::VecDeque::new(); config.groups.len()],
            consults_waiting: 0,
            consulting: vec![Vec::new(); config.groups.len()],
            rules,
            eligible_after,
            overflow_delays,
            chats: None,
            sequence: 0,
            config,
        };
        for (group, spec) in router.config.groups.iter().enumerate() {
            for local in 0..spec.agents {
                router.agents.push(Agent {
                    group: group as u32,
                    local,
                    status: Status::Offline,
                    log_off_when_free: false,
                    holds_line: false,
                    consults: 0,
                    chats: 0,
                    calls_handled: 0,
                    last_assigned: 0,
                });
            }
        }
        router
    }

    /// The configuration the router was built with.
    pub fn config(&self) -> &RouterConfig {
        &self.config
    }

    /// Number of agents across all groups.
    pub fn agent_count(&self) -> usize {
        self.agents.len()
    }

    /// The group of an agent.
    pub fn group_of(&self, agent: AgentId) -> GroupId {
        GroupId(self.agents[agent.0 as usize].group)
    }

    /// Calls of a type waiting for an agent (callback tasks included).
    pub fn queue_length(&self, call_type: CallTypeId) -> usize {
        self.waiting.len_of(call_type.index())
    }

    /// Calls waiting for an agent, all types (callback tasks included).
    pub fn total_queue_length(&self) -> usize {
        self.waiting.total()
    }

    /// Callers of a type on hold: waiting and holding a line (callback tasks left out).
    pub fn on_hold(&self, call_type: CallTypeId) -> usize {
        self.waiting.len_of(call_type.index()) - self.callbacks[call_type.index()]
    }

    /// Callers on hold, all types (callback tasks left out).
    pub fn total_on_hold(&self) -> usize {
        self.waiting.total() - self.callbacks_total
    }

    /// Agents logged on (free, talking or wrapping up) in the groups that may take `call_type`.
    pub fn agents_on_duty_for(&self, call_type: CallTypeId) -> u32 {
        self.eligible_groups[call_type.index()]
            .iter()
            .map(|&g| self.on_duty[g])
            .sum()
    }

    /// The wait limit of a call type: when [`Router::on_arrival`] (or an overflow) queues a call of this type, the
    /// switch arms a timer for `after` seconds and reports it with [`Router::on_wait_limit`].
    pub fn wait_limit(&self, call_type: CallTypeId) -> Option<WaitLimit> {
        self.config.call_type_rules.get(call_type.index())?.wait_limit
    }

    /// The distinct waiting times (seconds, ascending, positive and finite) at which some group becomes eligible
    /// for a waiting call of `call_type` (skills with `skill_after`); empty when every skill is static. When a
    /// call of this type waits, the switch arms a timer for the first of these instants after the call first
    /// queued, reports it with [`Router::on_overflow_time`], and arms the next one if the call still waits
    /// ([`Router::next_overflow_time`] does the arithmetic).
    pub fn overflow_delays(&self, call_type: CallTypeId) -> &[f64] {
        &self.overflow_delays[call_type.index()]
    }

    /// True when some call type has a delayed skill (so a switch needs overflow timers at all).
    pub fn has_overflow_delays(&self) -> bool {
        self.overflow_delays.iter().any(|d| !d.is_empty())
    }

    /// The next instant strictly after `after` at which a call of `call_type` that first queued at `since` becomes
    /// eligible for more groups (`since` plus one of [`Router::overflow_delays`]), or `None` if there is none.
    pub fn next_overflow_time(&self, call_type: CallTypeId, since: SimTime, after: SimTime) -> Option<SimTime> {
        self.overflow_delays[call_type.index()]
            .iter()
            .map(|&d| since.after(d))
            .find(|&at| at > after)
    }

    /// The overflow timer of the waiting call behind `ticket` fired at `now` (see [`Router::overflow_delays`]).
    /// The call is offered to the free agents of every group eligible for it after its wait so far (`now` minus
    /// the instant it first queued), with the usual agent selection and reservations; returns the agent it is now
    /// connected to (the call has left its line; a callback task stays a callback), or `None`, changing nothing,
    /// when no such agent is free or the ticket is stale. The `rng` is used only by [`AgentSelection::Random`].
    pub fn on_overflow_time<R: Rng + ?Sized>(
        &mut self,
        now: SimTime,
        ticket: QueueTicket,
        rng: &mut R,
    ) -> Option<AgentId> {
        let call_type = self.waiting.call_type_of(ticket)?;
        let since = self.waiting.since_of(ticket)?;
        let agent = self.select_agent_with_rules(call_type, now.since(since), rng)?;
        let withdrawn = self.waiting.withdraw(ticket).expect("the ticket was live");
        if !withdrawn.holds_line {
            self.uncount_callback(call_type);
        }
        self.connect(agent, withdrawn.holds_line);
        Some(AgentId(agent as u32))
    }

    /// Whether one more caller of `call_type` may go on hold under the queue capacities.
    fn has_room(&self, call_type: usize) -> bool {
        let total_ok = self
            .config
            .queue_capacity
            .is_none_or(|cap| self.total_on_hold() < cap as usize);
        let own_ok = self
            .config
            .call_type_rules
            .get(call_type)
            .and_then(|r| r.queue_capacity)
            .is_none_or(|cap| self.on_hold(CallTypeId(call_type as u32)) < cap as usize);
        total_ok && own_ok
    }

    /// Calls holding a line (waiting or talking).
    pub fn calls_in_system(&self) -> u32 {
        self.calls_in_system
    }

    /// Whether an agent is logged on (free, talking, wrapping up or consulting).
    pub fn is_on_duty(&self, agent: AgentId) -> bool {
        self.agents[agent.0 as usize].status != Status::Offline
    }

    /// Free agents in a group.
    pub fn free_agents_in(&self, group: GroupId) -> usize {
        self.free[group.index()].len()
    }

    /// This router with the call types `chat_types` (by number) made chats: an agent holds up to its group's
    /// concurrency ([`RouterConfig::consult_concurrency`]) chats at once; a new chat goes to the least-loaded
    /// eligible agent (fewest chats; ties by the agent selection); a voice call needs an agent holding no chat,
    /// and an agent on a voice call takes no chat. The switch reports a chat's end with [`Router::on_chat_end`] and
    /// fills an agent's free chat slots with [`Router::take_waiting_chat`]. Call it before any fact (a rebuilt
    /// router from [`Router::config`] has no chats).
    pub fn with_chats(mut self, chat_types: &[CallTypeId]) -> Router<C> {
        if chat_types.is_empty() {
            return self;
        }
        let mut is_chat = vec![false; self.config.priorities.len()];
        for t in chat_types {
            is_chat[t.index()] = true;
        }
        let levels = (0..self.config.groups.len())
            .map(|g| {
                let size = self.config.groups[g].agents as usize;
                (1..self.concurrency(g)).map(|_| FreeAgents::keyed(size)).collect()
            })
            .collect();
        self.chats = Some(Box::new(ChatRouting { is_chat, levels }));
        self
    }

    /// Whether call type `call_type` is a chat.
    #[inline(always)]
    fn is_chat(&self, call_type: usize) -> bool {
        self.chats.as_ref().is_some_and(|c| c.is_chat[call_type])
    }

    /// Chats `agent` holds now.
    pub fn chats_of(&self, agent: AgentId) -> u32 {
        self.agents[agent.0 as usize].chats
    }

    /// A chat of `agent` ends (the customer or the agent closed it): its line is released. With chats left, the
    /// agent takes the best waiting chat of its skills, if any (under the queue discipline); holding none any
    /// more, it becomes free and may take any waiting call or chat (or logs off, if the roster asked it to
    /// meanwhile). Returns what it takes; after a chat, call [`Router::take_waiting_chat`] until it returns
    /// `None`. Returns `None`, changing nothing, if the agent held no chat.
    pub fn on_chat_end(&mut self, now: SimTime, agent: AgentId) -> Option<Assignment<C>> {
        let index = agent.0 as usize;
        if self.agents[index].status != Status::Chatting || self.agents[index].chats == 0 {
            return None;
        }
        self.unlist_chat_agent(index);
        self.calls_in_system -= 1;
        self.agents[index].chats -= 1;
        let g = self.agents[index].group as usize;
        if self.agents[index].chats == 0 {
            if self.agents[index].log_off_when_free {
                self.agents[index].log_off_when_free = false;
                self.agents[index].status = Status::Offline;
                self.on_duty[g] -= 1;
                return None;
            }
            return self.offer_waiting_call_or_free(now, index);
        }
        if self.agents[index].log_off_when_free {
            return None;
        }
        match self.best_waiting_chat(now, g) {
            Some(assignment) => {
                self.connect_chat(index);
                Some(assignment)
            }
            None => {
                self.list_chat_agent(index);
                None
            }
        }
    }

    /// An agent holding chats with room for another (and not leaving) takes the best waiting chat of its skills,
    /// if any. Call it after a chat starts with an agent that was free, until it returns `None`.
    pub fn take_waiting_chat(&mut self, now: SimTime, agent: AgentId) -> Option<Assignment<C>> {
        let index = agent.0 as usize;
        let state = self.agents[index];
        let g = state.group as usize;
        if state.status != Status::Chatting || state.log_off_when_free || state.chats >= self.concurrency(g) {
            return None;
        }
        let assignment = self.best_waiting_chat(now, g)?;
        self.unlist_chat_agent(index);
        self.connect_chat(index);
        Some(assignment)
    }

    /// The best waiting chat among group `group`'s chat skills under the queue discipline, taken off its line.
    fn best_waiting_chat(&mut self, now: SimTime, group: usize) -> Option<Assignment<C>> {
        if self.waiting.total() == 0 {
            return None;
        }
        let mut best: Option<(f64, u64, usize)> = None;
        for rank in 0..self.config.groups[group].skills.len() {
            let call_type = self.config.groups[group].skills[rank].index();
            if !self.is_chat(call_type) || self.waiting.len_of(call_type) == 0 {
                continue;
            }
            let head = self.waiting.head(call_type).expect("a line with live calls has a head");
            let urgency = self.urgency(call_type, head.since, now);
            if outranks(best, urgency, head.sequence) {
                best = Some((urgency, head.sequence, call_type));
            }
        }
        let (_, _, call_type) = best?;
        let waiting = self.waiting.pop_head(call_type).expect("best line has a live head");
        debug_assert!(waiting.holds_line, "a chat is never a callback task");
        Some(Assignment {
            call: waiting.call,
            call_type: CallTypeId(call_type as u32),
            queued_since: waiting.since,
            callback: false,
        })
    }

    /// The least-loaded eligible agent for a new chat of `call_type`: the fewest chats held (free agents first),
    /// ties by the agent selection across the eligible groups; taken off its set.
    #[cold]
    #[inline(never)]
    fn select_chat_agent<R: Rng + ?Sized>(&mut self, call_type: usize, rng: &mut R) -> Option<usize> {
        let chats = self.chats.as_ref().expect("chats are configured");
        let groups = &self.eligible_groups[call_type];
        let most = groups.iter().map(|&g| self.concurrency(g)).max().unwrap_or(1);
        for k in 0..most {
            // The set of agents of group `g` holding `k` chats with room for one more.
            let set = |g: usize| -> Option<&FreeAgents> {
                if k == 0 {
                    Some(&self.free[g])
                } else {
                    chats.levels[g].get(k as usize - 1)
                }
            };
            let total: usize = groups.iter().filter_map(|&g| set(g)).map(FreeAgents::len).sum();
            if total == 0 {
                continue;
            }
            let (local, group) = match self.config.agent_selection {
                AgentSelection::SkillOrder => groups
                    .iter()
                    .find_map(|&g| set(g).and_then(|s| s.peek()).map(|(_, local)| (local, g)))
                    .expect("some set is not empty"),
                AgentSelection::Random => {
                    let mut pick = rng.random_range(0..total);
                    let mut chosen = None;
                    for &g in groups {
                        let Some(s) = set(g) else { continue };
                        if pick < s.len() {
                            chosen = Some((s.at(pick), g));
                            break;
                        }
                        pick -= s.len();
                    }
                    chosen.expect("the pick is below the total")
                }
                AgentSelection::LongestIdle | AgentSelection::FewestCalls | AgentSelection::RoundRobin => groups
                    .iter()
                    .filter_map(|&g| set(g).and_then(|s| s.peek()).map(|(key, local)| (key, local, g)))
                    .min_by_key(|&(key, _, _)| key)
                    .map(|(_, local, g)| (local, g))
                    .expect("some set is not empty"),
            };
            if k == 0 {
                self.free[group].remove(local);
            } else {
                self.chats.as_mut().expect("chats are configured").levels[group][k as usize - 1].remove(local);
            }
            return Some(self.agent_index(group, local));
        }
        None
    }

    /// Agent `index`, in no free or chat set, starts one more chat; it is listed again if it has room.
    fn connect_chat(&mut self, index: usize) {
        self.sequence += 1;
        let agent = &mut self.agents[index];
        agent.status = Status::Chatting;
        agent.holds_line = true;
        agent.chats += 1;
        agent.calls_handled += 1;
        agent.last_assigned = self.sequence;
        self.list_chat_agent(index);
    }

    /// Lists a chatting agent with room for another chat (and not leaving) in its group's set for its load.
    fn list_chat_agent(&mut self, index: usize) {
        let agent = self.agents[index];
        let g = agent.group as usize;
        if agent.chats == 0 || agent.chats >= self.concurrency(g) || agent.log_off_when_free {
            return;
        }
        self.sequence += 1;
        let key = free_key(self.config.agent_selection, &agent, index, self.sequence);
        let chats = self.chats.as_mut().expect("chats are configured");
        chats.levels[g][agent.chats as usize - 1].insert(agent.local, key);
    }

    /// Takes a chatting agent off its group's set for its load, if it is listed.
    fn unlist_chat_agent(&mut self, index: usize) {
        let agent = self.agents[index];
        let g = agent.group as usize;
        if agent.chats == 0 || agent.chats >= self.concurrency(g) {
            return;
        }
        let chats = self.chats.as_mut().expect("chats are configured");
        chats.levels[g][agent.chats as usize - 1].remove(agent.local);
    }

    /// A call of `call_type` arrives at `now`. The `rng` is used only by [`AgentSelection::Random`].
    pub fn on_arrival<R: Rng + ?Sized>(
        &mut self,
        now: SimTime,
        call: C,
        call_type: CallTypeId,
        rng: &mut R,
    ) -> ArrivalDecision {
        let call_type = call_type.index();
        if let Some(lines) = self.config.lines
            && self.calls_in_system >= lines
        {
            return ArrivalDecision::Block;
        }
        match self.select_agent(call_type, rng) {
            Some(agent) if self.chats.is_some() && self.is_chat(call_type) => {
                self.calls_in_system += 1;
                self.connect_chat(agent);
                ArrivalDecision::Connect(AgentId(agent as u32))
            }
            Some(agent) => {
                self.calls_in_system += 1;
                self.connect(agent, true);
                ArrivalDecision::Connect(AgentId(agent as u32))
            }
            None => {
                if self.capacity_limited && !self.has_room(call_type) {
                    return ArrivalDecision::Block;
                }
                self.calls_in_system += 1;
                ArrivalDecision::Queue(self.waiting.push(call_type, call, now))
            }
        }
    }

    /// The wait limit of the call behind `ticket` is reached (the timer armed for [`Router::wait_limit`]); `call`
    /// is the caller's handle, as given at arrival. Returns `None`, changing nothing, if the ticket is stale (the
    /// call was answered or left), the call is already a callback task, or its type has no wait limit.
    pub fn on_wait_limit<R: Rng + ?Sized>(
        &mut self,
        ticket: QueueTicket,
        call: C,
        rng: &mut R,
    ) -> Option<WaitLimitOutcome> {
        let call_type = self.waiting.call_type_of(ticket)?;
        let limit = self.config.call_type_rules.get(call_type)?.wait_limit?;
        if !self.waiting.holds_line(ticket) {
            return None; // a callback task waits for its agent, whatever the limit
        }
        match limit.action {
            WaitLimitAction::Message | WaitLimitAction::Disconnect => {
                self.waiting.withdraw(ticket)?;
                self.calls_in_system -= 1;
                Some(if limit.action == WaitLimitAction::Message {
                    WaitLimitOutcome::Message
                } else {
                    WaitLimitOutcome::Disconnect
                })
            }
            WaitLimitAction::Callback => {
                self.waiting.release_line(ticket);
                self.calls_in_system -= 1;
                self.callbacks[call_type] += 1;
                self.callbacks_total += 1;
                Some(WaitLimitOutcome::Callback)
            }
            WaitLimitAction::Overflow(to) => {
                let withdrawn = self.waiting.withdraw(ticket)?;
                let decision = self.connect_or_queue(to, call, withdrawn.since, rng);
                Some(WaitLimitOutcome::Overflow {
                    call_type: to,
                    decision,
                })
            }
        }
    }

    /// The most consults one agent of `group` may hold at once.
    fn concurrency(&self, group: usize) -> u32 {
        self.config.consult_concurrency.get(group).copied().unwrap_or(1)
    }

    /// The agent `requester`, on a call, asks group `group` for a consult (the caller stays on the line). Returns
    /// the senior who takes it now: one already holding consults with room for another, else the group's
    /// longest-idle free agent. `None`: every senior is busy and the consult waits, first come first served, until
    /// [`Router::on_consult_end`] or a senior freeing from a call starts it ([`Router::take_waiting_consult`]).
    pub fn on_consult_request(&mut self, requester: AgentId, group: GroupId) -> Option<AgentId> {
        let g = group.index();
        let senior = match self.consulting[g].first().copied() {
            Some(index) => Some(index as usize),
            None => self.free[g].peek().map(|(_, local)| {
                self.free[g].remove(local);
                self.agent_index(g, local)
            }),
        };
        match senior {
            Some(index) => {
                self.start_consult(index);
                Some(AgentId(index as u32))
            }
            None => {
                self.consult_lines[g].push_back(requester);
                self.consults_waiting += 1;
                None
            }
        }
    }

    /// The agent talking hands its call to another call type (a transfer): it starts wrap-up at once, but the call
    /// keeps its trunk line (call [`Router::on_transfer_in`] for the call; for a warm transfer, call this only when
    /// the second agent answers). Returns false, changing nothing, if the agent was not talking.
    pub fn on_transfer_out(&mut self, agent: AgentId) -> bool {
        let state = &mut self.agents[agent.0 as usize];
        if state.status != Status::Talking {
            return false;
        }
        state.status = Status::WrappingUp;
        state.holds_line = false;
        true
    }

    /// A transferred call joins call type `to`: connected to a free eligible agent or queued, never blocked (it
    /// already holds its line; queue capacities do not refuse it). `since` is when it joins.
    pub fn on_transfer_in<R: Rng + ?Sized>(
        &mut self,
        now: SimTime,
        call: C,
        to: CallTypeId,
        rng: &mut R,
    ) -> ArrivalDecision {
        self.connect_or_queue(to, call, now, rng)
    }

    /// A call that already holds its trunk line goes to a free eligible agent of `call_type`, or joins that
    /// type's line as queued since `since` (no capacity refuses it): an overflow and a transfer alike.
    fn connect_or_queue<R: Rng + ?Sized>(
        &mut self,
        call_type: CallTypeId,
        call: C,
        since: SimTime,
        rng: &mut R,
    ) -> ArrivalDecision {
        match self.select_agent(call_type.index(), rng) {
            Some(agent) => {
                self.connect(agent, true);
                ArrivalDecision::Connect(AgentId(agent as u32))
            }
            None => ArrivalDecision::Queue(self.waiting.push(call_type.index(), call, since)),
        }
    }

    /// The switch takes a free agent of `group` for outbound work (previewing a record, waiting for a dialled
    /// number to answer, talking to a called party): the group's next free agent under its agent selection, busy
    /// from now like an agent on a call but holding none of the inbound `lines`. The work ends as a call does:
    /// [`Router::on_hang_up`], then [`Router::on_agent_free`] (which may hand the agent a waiting inbound call).
    /// `None` when no agent of the group is free. Reservations (`reserve`) are the inbound calls' rule and do not
    /// apply; the switch decides how many agents it takes (a blending threshold).
    pub fn on_outbound_start(&mut self, group: GroupId) -> Option<AgentId> {
        let g = group.index();
        let (_, local) = self.free[g].peek()?;
        self.free[g].remove(local);
        let index = self.agent_index(g, local);
        self.connect(index, false);
        Some(AgentId(index as u32))
    }

    /// Consults waiting for a senior of `group`.
    pub fn consults_waiting(&self, group: GroupId) -> usize {
        self.consult_lines[group.index()].len()
    }

    /// A free senior takes the first consult waiting for its group, if any (call it while it returns one, after
    /// [`Router::on_agent_free`] or [`Router::on_log_on`] left the agent free, to fill its concurrency).
    pub fn take_waiting_consult(&mut self, senior: AgentId) -> Option<AgentId> {
        let index = senior.0 as usize;
        let g = self.agents[index].group as usize;
        let status = self.agents[index].status;
        let room = self.agents[index].consults < self.concurrency(g);
        if !(status == Status::Free || (status == Status::Consulting && room)) {
            return None;
        }
        let requester = self.consult_lines[g].pop_front()?;
        self.consults_waiting -= 1;
        if status == Status::Free {
            self.free[g].remove(self.agents[index].local);
        }
        self.start_consult(index);
        Some(requester)
    }

    /// Agent `index` (free, or consulting with room) starts one more consult.
    fn start_consult(&mut self, index: usize) {
        let g = self.agents[index].group as usize;
        let limit = self.concurrency(g);
        let agent = &mut self.agents[index];
        agent.status = Status::Consulting;
        agent.consults += 1;
        let full = agent.consults >= limit;
        let listed = self.consulting[g].iter().position(|&a| a as usize == index);
        match (full, listed) {
            (true, Some(at)) => {
                self.consulting[g].swap_remove(at);
            }
            (false, None) => self.consulting[g].push(index as u32),
            _ => {}
        }
    }

    /// Senior `senior` ends one consult. It starts the next consult waiting for its group if any; holding none
    /// any more it becomes free and may take a waiting call (or logs off, if the roster asked it to meanwhile).
    /// A senior that holds no consult is left unchanged.
    pub fn on_consult_end(&mut self, now: SimTime, senior: AgentId) -> ConsultEnd<C> {
        let index = senior.0 as usize;
        let nothing = ConsultEnd {
            next: None,
            assignment: None,
        };
        if self.agents[index].status != Status::Consulting || self.agents[index].consults == 0 {
            return nothing;
        }
        let g = self.agents[index].group as usize;
        self.agents[index].consults -= 1;
        if let Some(requester) = self.consult_lines[g].pop_front() {
            self.consults_waiting -= 1;
            self.start_consult(index);
            return ConsultEnd {
                next: Some(requester),
                assignment: None,
            };
        }
        if let Some(at) = self.consulting[g].iter().position(|&a| a as usize == index) {
            self.consulting[g].swap_remove(at);
        }
        if self.agents[index].consults > 0 {
            self.consulting[g].push(index as u32);
            return nothing;
        }
        if self.agents[index].log_off_when_free {
            self.agents[index].log_off_when_free = false;
            self.agents[index].status = Status::Offline;
            self.on_duty[g] -= 1;
            return nothing;
        }
        ConsultEnd {
            next: None,
            assignment: self.offer_waiting_call_or_free(now, index),
        }
    }

    fn uncount_callback(&mut self, call_type: usize) {
        self.callbacks[call_type] -= 1;
        self.callbacks_total -= 1;
    }

    /// The caller talking to `agent` hangs up: the line is released and the agent starts wrap-up
    /// (after-call work). Call [`Router::on_agent_free`] when wrap-up ends, at once if there is none.
    ///
    /// Returns false, changing nothing, if the agent was not talking (a duplicate or late fact from the switch).
    /// Agent numbers must be below [`Router::agent_count`], like every `AgentId` the router hands out.
    pub fn on_hang_up(&mut self, agent: AgentId) -> bool {
        let state = &mut self.agents[agent.0 as usize];
        if state.status != Status::Talking {
            return false;
        }
        state.status = Status::WrappingUp;
        if state.holds_line {
            self.calls_in_system -= 1;
        }
        true
    }

    /// `agent` finished its call and wrap-up. Returns the waiting call it takes now, if any; `None` also when the
    /// agent was not wrapping up (the fact is ignored).
    pub fn on_agent_free(&mut self, now: SimTime, agent: AgentId) -> Option<Assignment<C>> {
        let index = agent.0 as usize;
        if self.agents[index].status != Status::WrappingUp {
            return None;
        }
        if self.agents[index].log_off_when_free {
            self.agents[index].log_off_when_free = false;
            self.agents[index].status = Status::Offline;
            self.on_duty[self.agents[index].group as usize] -= 1;
            return None;
        }
        self.offer_waiting_call_or_free(now, index)
    }

    /// A waiting caller hangs up (or a callback task is dropped). Returns the call type if the call was waiting,
    /// `None` if the ticket was stale (the call was already answered or withdrawn).
    pub fn on_abandon(&mut self, ticket: QueueTicket) -> Option<CallTypeId> {
        let withdrawn = self.waiting.withdraw(ticket)?;
        if withdrawn.holds_line {
            self.calls_in_system -= 1;
        } else {
            self.uncount_callback(withdrawn.call_type);
        }
        Some(CallTypeId(withdrawn.call_type as u32))
    }

    /// An offline agent logs on; returns the waiting call it takes at once, if any. Logging on an agent who is
    /// already on cancels a pending log-off and returns `None`.
    pub fn on_log_on(&mut self, now: SimTime, agent: AgentId) -> Option<Assignment<C>> {
        let index = agent.0 as usize;
        let was_leaving = std::mem::replace(&mut self.agents[index].log_off_when_free, false);
        if self.agents[index].status != Status::Offline {
            if was_leaving && self.agents[index].status == Status::Chatting {
                self.list_chat_agent(index); // it takes new chats again
            }
            return None;
        }
        self.on_duty[self.agents[index].group as usize] += 1;
        self.offer_waiting_call_or_free(now, index)
    }

    /// An agent logs off: at once if free, otherwise when its current call and wrap-up end.
    pub fn on_log_off(&mut self, agent: AgentId) {
        let index = agent.0 as usize;
        let state = self.agents[index];
        match state.status {
            Status::Free => {
                self.free[state.group as usize].remove(state.local);
                self.agents[index].status = Status::Offline;
                self.on_duty[state.group as usize] -= 1;
            }
            Status::Talking | Status::WrappingUp | Status::Consulting => self.agents[index].log_off_when_free = true,
            Status::Chatting => {
                // It finishes its chats and takes no new one.
                self.unlist_chat_agent(index);
                self.agents[index].log_off_when_free = true;
            }
            Status::Offline => {}
        }
    }

    // This and the two helpers it calls are inlined into both callers: `on_agent_free` runs once per call, and the
    // second caller (`on_log_on`, used by rosters) would otherwise make the compiler outline them from the hot path
    // (measured: 4.5% more instructions per call at high load).
    #[inline(always)]
    fn offer_waiting_call_or_free(&mut self, now: SimTime, index: usize) -> Option<Assignment<C>> {
        if self.consults_waiting > 0 && !self.consult_lines[self.agents[index].group as usize].is_empty() {
            // A colleague holding a caller comes first: the agent frees and takes consults
            // (`take_waiting_consult`).
            self.make_free(index);
            return None;
        }
        match self.best_waiting_call(now, self.agents[index].group as usize) {
            Some(call_type) => {
                let waiting = self.waiting.pop_head(call_type).expect("best line has a live head");
                if !waiting.holds_line {
                    self.uncount_callback(call_type);
                }
                if self.chats.is_some() && self.is_chat(call_type) {
                    self.connect_chat(index);
                } else {
                    self.connect(index, waiting.holds_line);
                }
                Some(Assignment {
                    call: waiting.call,
                    call_type: CallTypeId(call_type as u32),
                    queued_since: waiting.since,
                    callback: !waiting.holds_line,
                })
            }
            None => {
                self.make_free(index);
                None
            }
        }
    }

    /// The call type whose head call the group should take next under the queue discipline.
    #[inline(always)]
    fn best_waiting_call(&mut self, now: SimTime, group: usize) -> Option<usize> {
        if self.waiting.total() == 0 {
            return None;
        }
        if self.rules {
            return self.best_waiting_call_with_rules(now, group);
        }
        let mut best: Option<(f64, u64, usize)> = None;
        for rank in 0..self.config.groups[group].skills.len() {
            let call_type = self.config.groups[group].skills[rank].index();
            if self.waiting.len_of(call_type) == 0 {
                continue;
            }
            let head = self.waiting.head(call_type).expect("a line with live calls has a head");
            let urgency = self.urgency(call_type, head.since, now);
            if outranks(best, urgency, head.sequence) {
                best = Some((urgency, head.sequence, call_type));
            }
        }
        best.map(|(_, _, call_type)| call_type)
    }

    /// How urgent the head call of a line is under the queue discipline (higher first).
    #[inline(always)]
    fn urgency(&self, call_type: usize, since: SimTime, now: SimTime) -> f64 {
        match self.config.queue {
            QueueDiscipline::Fifo => 0.0,
            QueueDiscipline::Priority => self.config.priorities[call_type],
            QueueDiscipline::PriorityAging => {
                self.config.priorities[call_type] + self.config.aging_per_second * now.since(since)
            }
        }
    }

    /// [`Router::best_waiting_call`] with skill delays and reservations. A freed agent whose group has at most
    /// its reserve free (itself included) considers only the reserved type's line; a delayed skill's line is
    /// considered only if its head has waited at least the delay. Only heads are looked at: a line is in arrival
    /// order, so its head waited longest, except for calls moved in by a wait-limit overflow (they keep their first
    /// queued instant), which their own overflow timers offer to delayed groups.
    #[cold]
    #[inline(never)]
    fn best_waiting_call_with_rules(&mut self, now: SimTime, group: usize) -> Option<usize> {
        let spec = &self.config.groups[group];
        let reserved_only = spec
            .reserve
            .filter(|r| self.free[group].len() < r.agents as usize)
            .map(|r| r.call_type.index());
        let mut best: Option<(f64, u64, usize)> = None;
        for rank in 0..self.config.groups[group].skills.len() {
            let spec = &self.config.groups[group];
            let call_type = spec.skills[rank].index();
            if self.waiting.len_of(call_type) == 0 || reserved_only.is_some_and(|r| r != call_type) {
                continue;
            }
            let after = skill_delay(spec, rank);
            let head = self.waiting.head(call_type).expect("a line with live calls has a head");
            if after > 0.0 && now.since(head.since) < after {
                continue;
            }
            let urgency = self.urgency(call_type, head.since, now);
            if outranks(best, urgency, head.sequence) {
                best = Some((urgency, head.sequence, call_type));
            }
        }
        best.map(|(_, _, call_type)| call_type)
    }

    /// Whether group `group` may take a call of `call_type` that has waited `waited` seconds now: the skill's
    /// delay has passed and the group's reservation (counting the agent about to be chosen as free) allows it.
    fn may_take(&self, group: usize, after: f64, call_type: usize, waited: f64) -> bool {
        let delay_ok = after <= 0.0 || waited >= after;
        let reserve_ok = self.config.groups[group]
            .reserve
            .is_none_or(|r| r.call_type.index() == call_type || self.free[group].len() > r.agents as usize);
        delay_ok && reserve_ok
    }

    /// [`Router::select_agent`] for a call that has waited `waited` seconds, with skill delays and reservations.
    #[cold]
    #[inline(never)]
    fn select_agent_with_rules<R: Rng + ?Sized>(
        &mut self,
        call_type: usize,
        waited: f64,
        rng: &mut R,
    ) -> Option<usize> {
        let groups: &[(usize, f64)] = &self.eligible_after[call_type];
        let open = |&&(g, after): &&(usize, f64)| self.may_take(g, after, call_type, waited);
        let local_and_group = match self.config.agent_selection {
            AgentSelection::SkillOrder => groups
                .iter()
                .filter(open)
                .find_map(|&(g, _)| self.free[g].peek().map(|(_, local)| (local, g))),
            AgentSelection::Random => {
                let total: usize = groups.iter().filter(open).map(|&(g, _)| self.free[g].len()).sum();
                if total == 0 {
                    return None;
                }
                let mut pick = rng.random_range(0..total);
                let mut chosen = None;
                for &(g, _) in groups.iter().filter(open) {
                    let len = self.free[g].len();
                    if pick < len {
                        chosen = Some((self.free[g].at(pick), g));
                        break;
                    }
                    pick -= len;
                }
                chosen
            }
            AgentSelection::LongestIdle | AgentSelection::FewestCalls | AgentSelection::RoundRobin => groups
                .iter()
                .filter(open)
                .filter_map(|&(g, _)| self.free[g].peek().map(|(key, local)| (key, local, g)))
                .min_by_key(|&(key, _, _)| key)
                .map(|(_, local, g)| (local, g)),
        };
        let (local, group) = local_and_group?;
        self.free[group].remove(local);
        Some(self.agent_index(group, local))
    }

    /// The free agent an arriving call of `call_type` goes to, if any.
    fn select_agent<R: Rng + ?Sized>(&mut self, call_type: usize, rng: &mut R) -> Option<usize> {
        if self.chats.is_some() && self.is_chat(call_type) {
            return self.select_chat_agent(call_type, rng);
        }
        if self.rules {
            return self.select_agent_with_rules(call_type, 0.0, rng);
        }
        let groups = &self.eligible_groups[call_type];
        let local_and_group = match self.config.agent_selection {
            AgentSelection::SkillOrder => groups
                .iter()
                .find_map(|&g| self.free[g].peek().map(|(_, local)| (local, g))),
            AgentSelection::Random => {
                let total: usize = groups.iter().map(|&g| self.free[g].len()).sum();
                if total == 0 {
                    return None;
                }
                let mut pick = rng.random_range(0..total);
                let mut chosen = None;
                for &g in groups {
                    let len = self.free[g].len();
                    if pick < len {
                        chosen = Some((self.free[g].at(pick), g));
                        break;
                    }
                    pick -= len;
                }
                chosen
            }
            AgentSelection::LongestIdle | AgentSelection::FewestCalls | AgentSelection::RoundRobin => groups
                .iter()
                .filter_map(|&g| self.free[g].peek().map(|(key, local)| (key, local, g)))
                .min_by_key(|&(key, _, _)| key)
                .map(|(_, local, g)| (local, g)),
        };
        let (local, group) = local_and_group?;
        self.free[group].remove(local);
        Some(self.agent_index(group, local))
    }

    fn agent_index(&self, group: usize, local: u32) -> usize {
        self.group_first[group] + local as usize
    }

    fn connect(&mut self, index: usize, holds_line: bool) {
        self.sequence += 1;
        let agent = &mut self.agents[index];
        agent.status = Status::Talking;
        agent.holds_line = holds_line;
        agent.calls_handled += 1;
        agent.last_assigned = self.sequence;
    }

    fn make_free(&mut self, index: usize) {
        self.sequence += 1;
        let agent = &mut self.agents[index];
        agent.status = Status::Free;
        let key = free_key(self.config.agent_selection, agent, index, self.sequence);
        let (group, local) = (agent.group as usize, agent.local);
        self.free[group].insert(local, key);
    }
}

/// Whether a head call of `urgency` that joined `sequence`-th beats the best so far: more urgent, or as urgent
/// and earlier.
#[inline(always)]
fn outranks(best: Option<(f64, u64, usize)>, urgency: f64, sequence: u64) -> bool {
    match best {
        None => true,
        Some((best_urgency, best_sequence, _)) => {
            urgency > best_urgency || (urgency == best_urgency && sequence < best_sequence)
        }
    }
}

/// The key under which a free agent (number `index` across all groups) waits for calls, smallest first;
/// `became_free` grows with every event. Keys are compared across the eligible groups, so round robin hunts over
/// the whole roster, not group by group.
#[inline]
fn free_key(selection: AgentSelection, agent: &Agent, index: usize, became_free: u64) -> AgentKey {
    match selection {
        AgentSelection::LongestIdle | AgentSelection::SkillOrder | AgentSelection::Random => (became_free, 0),
        AgentSelection::FewestCalls => (agent.calls_handled, became_free),
        AgentSelection::RoundRobin => (agent.last_assigned, index as u64),
    }
}

/// The seconds a call must have waited before `group` may take it through its skill number `rank` (0: static).
#[inline]
fn skill_delay(group: &GroupConfig, rank: usize) -> f64 {
    group.skill_after.get(rank).copied().unwrap_or(0.0)
}

/// True when [`free_key`] only grows from one freed agent to the next, so free agents form a first-in-first-out
/// line. Random selection draws from the dense heap layout instead.
#[inline]
fn keys_only_grow(selection: AgentSelection) -> bool {
    matches!(selection, AgentSelection::LongestIdle | AgentSelection::SkillOrder)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoRandomness;

    impl rand::TryRng for NoRandomness {
        type Error = std::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            unreachable!("deterministic policies draw nothing")
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            unreachable!("deterministic policies draw nothing")
        }
        fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Self::Error> {
            unreachable!("deterministic policies draw nothing")
        }
    }

    fn router(lines: Option<u32>) -> Router<u32> {
        Router::new(RouterConfig {
            priorities: vec![5.0, 0.0],
            groups: vec![GroupConfig {
                agents: 1,
                skills: vec![CallTypeId(0), CallTypeId(1)],
                skill_after: Vec::new(),
                reserve: None,
            }],
            queue: QueueDiscipline::Priority,
            aging_per_second: 0.0,
            agent_selection: AgentSelection::LongestIdle,
            lines,
            queue_capacity: None,
            call_type_rules: Vec::new(),
            consult_concurrency: Vec::new(),
        })
    }

    #[test]
    fn a_vip_call_goes_to_the_next_free_agent_first() {
        let mut r = router(None);
        let t = SimTime(0.0);
        assert_eq!(
            r.on_arrival(t, 1, CallTypeId(1), &mut NoRandomness),
            ArrivalDecision::Connect(AgentId(0))
        );
        assert!(matches!(
            r.on_arrival(t, 2, CallTypeId(1), &mut NoRandomness),
            ArrivalDecision::Queue(_)
        ));
        assert!(matches!(
            r.on_arrival(t, 3, CallTypeId(0), &mut NoRandomness),
            ArrivalDecision::Queue(_)
        ));
        assert!(r.on_hang_up(AgentId(0)));
        assert_eq!(r.on_agent_free(SimTime(9.0), AgentId(0)).map(|a| a.call), Some(3));
    }

    #[test]
    fn an_offline_start_queues_calls_until_an_agent_logs_on() {
        let mut r: Router<u32> = Router::new_offline(router(None).config().clone());
        assert_eq!(r.free_agents_in(GroupId(0)), 0);
        let t = SimTime(0.0);
        assert!(matches!(
            r.on_arrival(t, 1, CallTypeId(1), &mut NoRandomness),
            ArrivalDecision::Queue(_)
        ));
        assert!(!r.on_hang_up(AgentId(0)), "an offline agent is not talking");
        let taken = r.on_log_on(SimTime(5.0), AgentId(0));
        assert_eq!(taken.map(|a| (a.call, a.queued_since)), Some((1, t)));
        assert_eq!(r.queue_length(CallTypeId(1)), 0);
        let online: Router<u32> = Router::new(r.config().clone());
        assert_eq!(online.free_agents_in(GroupId(0)), 1, "Router::new logs every agent on");
    }

    fn two_groups_of_two(selection: AgentSelection) -> Router<u32> {
        Router::new(RouterConfig {
            priorities: vec![0.0],
            groups: vec![
                GroupConfig {
                    agents: 2,
                    skills: vec![CallTypeId(0)],
                    skill_after: Vec::new(),
                    reserve: None,
                },
                GroupConfig {
                    agents: 2,
                    skills: vec![CallTypeId(0)],
                    skill_after: Vec::new(),
                    reserve: None,
                },
            ],
            queue: QueueDiscipline::Fifo,
            aging_per_second: 0.0,
            agent_selection: selection,
            lines: None,
            queue_capacity: None,
            call_type_rules: Vec::new(),
            consult_concurrency: Vec::new(),
        })
    }

    #[test]
    fn round_robin_hunts_the_whole_roster_in_order_then_circles() {
        let mut r = two_groups_of_two(AgentSelection::RoundRobin);
        let mut served = Vec::new();
        for round in 0..3 {
            for call in 0..4 {
                match r.on_arrival(SimTime(round as f64), call, CallTypeId(0), &mut NoRandomness) {
                    ArrivalDecision::Connect(agent) => served.push(agent.0),
                    other => panic!("four free agents, yet {other:?}"),
                }
            }
            // They finish in reverse order: round robin ignores how long an agent has been idle.
            for agent in (0..4).rev() {
                assert!(r.on_hang_up(AgentId(agent)));
                assert_eq!(r.on_agent_free(SimTime(round as f64 + 0.5), AgentId(agent)), None);
            }
        }
        assert_eq!(served, [0, 1, 2, 3].repeat(3));
    }

    #[test]
    fn random_selection_is_uniform_over_the_eligible_free_agents() {
        use rand::SeedableRng;
        // Groups of 1 and 3 free agents: each agent, not each group, is equally likely.
        let mut r: Router<u32> = Router::new(RouterConfig {
            priorities: vec![0.0],
            groups: vec![
                GroupConfig {
                    agents: 1,
                    skills: vec![CallTypeId(0)],
                    skill_after: Vec::new(),
                    reserve: None,
                },
                GroupConfig {
                    agents: 3,
                    skills: vec![CallTypeId(0)],
                    skill_after: Vec::new(),
                    reserve: None,
                },
            ],
            queue: QueueDiscipline::Fifo,
            aging_per_second: 0.0,
            agent_selection: AgentSelection::Random,
            lines: None,
            queue_capacity: None,
            call_type_rules: Vec::new(),
            consult_concurrency: Vec::new(),
        });
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(3);
        let draws = 40_000;
        let mut counts = [0u32; 4];
        for call in 0..draws {
            let ArrivalDecision::Connect(agent) = r.on_arrival(SimTime(0.0), call, CallTypeId(0), &mut rng) else {
                panic!("every agent is free between calls");
            };
            counts[agent.0 as usize] += 1;
            assert!(r.on_hang_up(agent));
            assert_eq!(r.on_agent_free(SimTime(0.0), agent), None);
        }
        // Each count is Binomial(40000, 1/4): sd 87, so 5 sd is 433 (a false alarm below 1e-6 per count); a
        // per-group rather than per-agent draw would put 20,000 on agent 0.
        for (agent, &count) in counts.iter().enumerate() {
            assert!(
                count.abs_diff(draws / 4) < 433,
                "agent {agent} chosen {count} times in {draws}"
            );
        }
    }

    #[test]
    fn contradictory_facts_are_ignored() {
        let mut r = router(None);
        assert!(!r.on_hang_up(AgentId(0)), "a free agent cannot hang up");
        assert_eq!(r.on_agent_free(SimTime(1.0), AgentId(0)), None);
        assert_eq!(r.calls_in_system(), 0);
        assert_eq!(r.free_agents_in(GroupId(0)), 1);
    }

    fn one_agent_with_rules(queue_capacity: Option<u32>, rules: Vec<CallTypeRules>) -> Router<u32> {
        Router::new(RouterConfig {
            priorities: vec![0.0, 0.0],
            groups: vec![GroupConfig {
                agents: 1,
                skills: vec![CallTypeId(0), CallTypeId(1)],
                skill_after: Vec::new(),
                reserve: None,
            }],
            queue: QueueDiscipline::Fifo,
            aging_per_second: 0.0,
            agent_selection: AgentSelection::LongestIdle,
            lines: None,
            queue_capacity,
            call_type_rules: rules,
            consult_concurrency: Vec::new(),
        })
    }

    fn queued(decision: ArrivalDecision) -> QueueTicket {
        match decision {
            ArrivalDecision::Queue(ticket) => ticket,
            other => panic!("expected the call to wait, got {other:?}"),
        }
    }

    #[test]
    fn queue_capacities_block_callers_who_would_wait_beyond_them() {
        let rules = vec![
            CallTypeRules {
                queue_capacity: Some(1),
                wait_limit: None,
            },
            CallTypeRules::default(),
        ];
        let mut r = one_agent_with_rules(Some(2), rules);
        let t = SimTime(0.0);
        let mut rng = NoRandomness;
        assert!(matches!(
            r.on_arrival(t, 1, CallTypeId(0), &mut rng),
            ArrivalDecision::Connect(_)
        ));
        queued(r.on_arrival(t, 2, CallTypeId(0), &mut rng));
        assert_eq!(
            r.on_arrival(t, 3, CallTypeId(0), &mut rng),
            ArrivalDecision::Block,
            "type 0 holds at most one caller"
        );
        queued(r.on_arrival(t, 4, CallTypeId(1), &mut rng));
        assert_eq!(
            r.on_arrival(t, 5, CallTypeId(1), &mut rng),
            ArrivalDecision::Block,
            "two on hold in all"
        );
        assert_eq!(r.calls_in_system(), 3, "blocked callers never took a line");
        assert!(r.on_hang_up(AgentId(0)));
        assert_eq!(r.on_agent_free(t, AgentId(0)).map(|a| a.call), Some(2));
        queued(r.on_arrival(t, 6, CallTypeId(0), &mut rng));
    }

    fn limited(action: WaitLimitAction) -> Router<u32> {
        let limit = Some(WaitLimit { after: 60.0, action });
        one_agent_with_rules(
            None,
            vec![
                CallTypeRules {
                    queue_capacity: Some(1),
                    wait_limit: limit,
                },
                CallTypeRules::default(),
            ],
        )
    }

    #[test]
    fn a_message_or_disconnect_at_the_wait_limit_releases_the_line() {
        for (action, outcome) in [
            (WaitLimitAction::Message, WaitLimitOutcome::Message),
            (WaitLimitAction::Disconnect, WaitLimitOutcome::Disconnect),
        ] {
            let mut r = limited(action);
            let mut rng = NoRandomness;
            r.on_arrival(SimTime(0.0), 1, CallTypeId(0), &mut rng);
            let ticket = queued(r.on_arrival(SimTime(0.0), 2, CallTypeId(0), &mut rng));
            assert_eq!(r.wait_limit(CallTypeId(0)).map(|l| l.after), Some(60.0));
            assert_eq!(r.on_wait_limit(ticket, 2, &mut rng), Some(outcome));
            assert_eq!((r.calls_in_system(), r.total_queue_length()), (1, 0));
            assert_eq!(
                r.on_wait_limit(ticket, 2, &mut rng),
                None,
                "a stale ticket changes nothing"
            );
        }
    }

    #[test]
    fn a_callback_keeps_its_place_without_a_line_and_is_taken_in_turn() {
        let mut r = limited(WaitLimitAction::Callback);
        let mut rng = NoRandomness;
        r.on_arrival(SimTime(0.0), 1, CallTypeId(0), &mut rng);
        let ticket = queued(r.on_arrival(SimTime(1.0), 2, CallTypeId(0), &mut rng));
        assert_eq!(r.on_wait_limit(ticket, 2, &mut rng), Some(WaitLimitOutcome::Callback));
        assert_eq!(r.on_wait_limit(ticket, 2, &mut rng), None, "already a callback");
        assert_eq!(
            (
                r.calls_in_system(),
                r.on_hold(CallTypeId(0)),
                r.queue_length(CallTypeId(0))
            ),
            (1, 0, 1)
        );
        // The type's capacity of one counts callers on hold, not callback tasks: a new caller may wait.
        queued(r.on_arrival(SimTime(2.0), 3, CallTypeId(0), &mut rng));
        assert!(r.on_hang_up(AgentId(0)));
        let next = r
            .on_agent_free(SimTime(90.0), AgentId(0))
            .expect("the callback is first in line");
        assert_eq!((next.call, next.callback, next.queued_since), (2, true, SimTime(1.0)));
        assert_eq!(r.calls_in_system(), 1, "the callback took no line; caller 3 holds one");
        assert!(r.on_hang_up(AgentId(0)));
        assert_eq!(r.calls_in_system(), 1, "hanging up a callback frees no line");
        let last = r.on_agent_free(SimTime(95.0), AgentId(0)).expect("caller 3 waits");
        assert_eq!((last.call, last.callback), (3, false));
    }

    #[test]
    fn an_overflow_moves_the_call_keeping_its_first_queued_instant() {
        let mut r: Router<u32> = Router::new(RouterConfig {
            priorities: vec![0.0, 0.0],
            groups: vec![
                GroupConfig {
                    agents: 1,
                    skills: vec![CallTypeId(0)],
                    skill_after: Vec::new(),
                    reserve: None,
                },
                GroupConfig {
                    agents: 1,
                    skills: vec![CallTypeId(1)],
                    skill_after: Vec::new(),
                    reserve: None,
                },
            ],
            queue: QueueDiscipline::Fifo,
            aging_per_second: 0.0,
            agent_selection: AgentSelection::LongestIdle,
            lines: None,
            queue_capacity: None,
            consult_concurrency: Vec::new(),
            call_type_rules: vec![CallTypeRules {
                queue_capacity: None,
                wait_limit: Some(WaitLimit {
                    after: 30.0,
                    action: WaitLimitAction::Overflow(CallTypeId(1)),
                }),
            }],
        });
        let mut rng = NoRandomness;
        r.on_arrival(SimTime(0.0), 1, CallTypeId(0), &mut rng);
        r.on_arrival(SimTime(0.0), 2, CallTypeId(1), &mut rng);
        let ticket = queued(r.on_arrival(SimTime(5.0), 3, CallTypeId(0), &mut rng));
        let Some(WaitLimitOutcome::Overflow { call_type, decision }) = r.on_wait_limit(ticket, 3, &mut rng) else {
            panic!("the call overflows");
        };
        assert_eq!(call_type, CallTypeId(1));
        let moved = queued(decision);
        assert_eq!((r.queue_length(CallTypeId(0)), r.queue_length(CallTypeId(1))), (0, 1));
        assert_eq!(r.calls_in_system(), 3, "the call keeps its line");
        assert_ne!(moved, ticket);
        assert!(r.on_hang_up(AgentId(1)));
        let taken = r
            .on_agent_free(SimTime(40.0), AgentId(1))
            .expect("the overflowed call waits");
        assert_eq!(
            (taken.call, taken.call_type, taken.queued_since),
            (3, CallTypeId(1), SimTime(5.0))
        );
    }

    #[test]
    fn agents_on_duty_follow_log_ons_and_log_offs() {
        let mut r = one_agent_with_rules(None, Vec::new());
        assert_eq!(r.agents_on_duty_for(CallTypeId(1)), 1);
        r.on_log_off(AgentId(0));
        assert_eq!(r.agents_on_duty_for(CallTypeId(1)), 0);
        r.on_log_on(SimTime(1.0), AgentId(0));
        r.on_arrival(SimTime(2.0), 1, CallTypeId(0), &mut NoRandomness);
        r.on_log_off(AgentId(0));
        assert_eq!(r.agents_on_duty_for(CallTypeId(0)), 1, "on duty until its call ends");
        assert!(r.on_hang_up(AgentId(0)));
        assert_eq!(r.on_agent_free(SimTime(3.0), AgentId(0)), None);
        assert_eq!(r.agents_on_duty_for(CallTypeId(0)), 0);
    }

    fn vip_and_regular(skill_after: Vec<f64>, reserve: Option<Reserve>, agents: u32) -> Router<u32> {
        Router::new(RouterConfig {
            priorities: vec![0.0, 0.0],
            groups: vec![GroupConfig {
                agents,
                skills: vec![CallTypeId(0), CallTypeId(1)],
                skill_after,
                reserve,
            }],
            queue: QueueDiscipline::Fifo,
            aging_per_second: 0.0,
            agent_selection: AgentSelection::LongestIdle,
            lines: None,
            queue_capacity: None,
            call_type_rules: Vec::new(),
            consult_concurrency: Vec::new(),
        })
    }

    #[test]
    fn a_reserve_keeps_agents_for_its_call_type() {
        let reserve = Some(Reserve {
            call_type: CallTypeId(0),
            agents: 1,
        });
        let mut r = vip_and_regular(Vec::new(), reserve, 3);
        let mut rng = NoRandomness;
        let t = SimTime(0.0);
        // Three free: a regular call takes one (3 > 1), a second takes another (2 > 1), a third waits (1 free).
        assert!(matches!(
            r.on_arrival(t, 1, CallTypeId(1), &mut rng),
            ArrivalDecision::Connect(_)
        ));
        assert!(matches!(
            r.on_arrival(t, 2, CallTypeId(1), &mut rng),
            ArrivalDecision::Connect(_)
        ));
        queued(r.on_arrival(t, 3, CallTypeId(1), &mut rng));
        // The kept agent answers vip.
        let ArrivalDecision::Connect(vip_agent) = r.on_arrival(t, 4, CallTypeId(0), &mut rng) else {
            panic!("the reserved agent answers vip");
        };
        // Freed with nobody else free (1 free counting itself): it takes only vip, so caller 3 waits on.
        assert!(r.on_hang_up(vip_agent));
        assert_eq!(r.on_agent_free(SimTime(1.0), vip_agent), None);
        assert_eq!(r.queue_length(CallTypeId(1)), 1);
        // A second agent frees: 2 free counting itself, more than 1: it takes caller 3.
        assert!(r.on_hang_up(AgentId(0)));
        assert_eq!(r.on_agent_free(SimTime(2.0), AgentId(0)).map(|a| a.call), Some(3));
    }

    #[test]
    fn a_delayed_skill_comes_due_when_the_call_has_waited() {
        let mut r = vip_and_regular(vec![0.0, 30.0], None, 1);
        let mut rng = NoRandomness;
        assert_eq!(r.overflow_delays(CallTypeId(1)), [30.0]);
        assert!(r.overflow_delays(CallTypeId(0)).is_empty());
        assert_eq!(
            r.next_overflow_time(CallTypeId(1), SimTime(10.0), SimTime(10.0)),
            Some(SimTime(40.0))
        );
        assert_eq!(r.next_overflow_time(CallTypeId(1), SimTime(10.0), SimTime(40.0)), None);
        // The only agent is free, yet a regular call waits: the group is not eligible before 30 s.
        let ticket = queued(r.on_arrival(SimTime(10.0), 1, CallTypeId(1), &mut rng));
        assert_eq!(r.on_overflow_time(SimTime(39.0), ticket, &mut rng), None, "not yet due");
        assert_eq!(r.on_overflow_time(SimTime(40.0), ticket, &mut rng), Some(AgentId(0)));
        assert_eq!((r.queue_length(CallTypeId(1)), r.calls_in_system()), (0, 1));
        assert_eq!(
            r.on_overflow_time(SimTime(41.0), ticket, &mut rng),
            None,
            "a spent ticket"
        );
        // A freed agent takes the delayed line's head only once it has waited 30 s.
        queued(r.on_arrival(SimTime(50.0), 2, CallTypeId(1), &mut rng));
        assert!(r.on_hang_up(AgentId(0)));
        assert_eq!(r.on_agent_free(SimTime(60.0), AgentId(0)), None);
        r.on_log_off(AgentId(0));
        assert_eq!(r.on_log_on(SimTime(80.0), AgentId(0)).map(|a| a.call), Some(2));
    }

    #[test]
    fn consults_fill_a_seniors_concurrency_then_wait_first_come_first_served() {
        let mut r: Router<u32> = Router::new(RouterConfig {
            priorities: vec![0.0],
            groups: vec![
                GroupConfig {
                    agents: 3,
                    skill_after: Vec::new(),
                    reserve: None,
                    skills: vec![CallTypeId(0)],
                },
                GroupConfig {
                    agents: 1,
                    skill_after: Vec::new(),
                    reserve: None,
                    skills: vec![],
                },
            ],
            queue: QueueDiscipline::Fifo,
            aging_per_second: 0.0,
            agent_selection: AgentSelection::LongestIdle,
            lines: None,
            queue_capacity: None,
            call_type_rules: Vec::new(),
            consult_concurrency: vec![1, 2],
        });
        let senior = AgentId(3);
        let seniors = GroupId(1);
        assert_eq!(r.on_consult_request(AgentId(0), seniors), Some(senior));
        assert_eq!(r.on_consult_request(AgentId(1), seniors), Some(senior), "two at once");
        assert_eq!(r.on_consult_request(AgentId(2), seniors), None, "the third waits");
        assert_eq!(r.consults_waiting(seniors), 1);
        assert_eq!(r.free_agents_in(seniors), 0);
        let end = r.on_consult_end(SimTime(5.0), senior);
        assert_eq!(
            end.next,
            Some(AgentId(2)),
            "the waiting consult starts on the freed slot"
        );
        assert!(r.on_consult_end(SimTime(6.0), senior).next.is_none());
        assert!(r.on_consult_end(SimTime(7.0), senior).assignment.is_none());
        assert_eq!(r.free_agents_in(seniors), 1, "free once it holds none");
        assert_eq!(
            r.on_consult_end(SimTime(8.0), senior),
            ConsultEnd {
                next: None,
                assignment: None
            }
        );
        // A senior logged off while consulting leaves when its last consult ends.
        assert_eq!(r.on_consult_request(AgentId(0), seniors), Some(senior));
        r.on_log_off(senior);
        assert!(r.is_on_duty(senior));
        r.on_consult_end(SimTime(9.0), senior);
        assert!(!r.is_on_duty(senior));
    }

    #[test]
    fn an_agent_freeing_from_a_call_takes_waiting_consults_before_waiting_calls() {
        let mut r: Router<u32> = Router::new(RouterConfig {
            priorities: vec![0.0],
            groups: vec![
                GroupConfig {
                    agents: 1,
                    skill_after: Vec::new(),
                    reserve: None,
                    skills: vec![CallTypeId(0)],
                },
                GroupConfig {
                    agents: 1,
                    skill_after: Vec::new(),
                    reserve: None,
                    skills: vec![CallTypeId(0)],
                },
            ],
            queue: QueueDiscipline::Fifo,
            aging_per_second: 0.0,
            agent_selection: AgentSelection::SkillOrder,
            lines: None,
            queue_capacity: None,
            call_type_rules: Vec::new(),
            consult_concurrency: Vec::new(),
        });
        let mut rng = NoRandomness;
        r.on_arrival(SimTime(0.0), 1, CallTypeId(0), &mut rng);
        r.on_arrival(SimTime(0.0), 2, CallTypeId(0), &mut rng);
        queued(r.on_arrival(SimTime(0.0), 3, CallTypeId(0), &mut rng));
        // Agent 0 asks group 1, whose only agent is on a call: the consult waits.
        assert_eq!(r.on_consult_request(AgentId(0), GroupId(1)), None);
        assert!(r.on_hang_up(AgentId(1)));
        assert_eq!(r.on_agent_free(SimTime(1.0), AgentId(1)), None, "not the waiting call");
        assert_eq!(r.take_waiting_consult(AgentId(1)), Some(AgentId(0)));
        assert_eq!(r.take_waiting_consult(AgentId(1)), None);
        assert_eq!(r.queue_length(CallTypeId(0)), 1, "the call still waits");
    }

    #[test]
    fn a_full_trunk_blocks_arrivals() {
        let mut r = router(Some(2));
        let t = SimTime(0.0);
        assert!(matches!(
            r.on_arrival(t, 1, CallTypeId(1), &mut NoRandomness),
            ArrivalDecision::Connect(_)
        ));
        assert!(matches!(
            r.on_arrival(t, 2, CallTypeId(1), &mut NoRandomness),
            ArrivalDecision::Queue(_)
        ));
        assert_eq!(
            r.on_arrival(t, 3, CallTypeId(1), &mut NoRandomness),
            ArrivalDecision::Block
        );
        assert!(r.on_hang_up(AgentId(0)));
        assert!(matches!(
            r.on_arrival(t, 4, CallTypeId(1), &mut NoRandomness),
            ArrivalDecision::Queue(_)
        ));
    }
}
