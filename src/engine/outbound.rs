//! Outbound campaigns in the engine (issue 12): the dialer, its contact lists and its pacing.
//!
//! **Agents.** Outbound work takes a free agent from the router ([`Router::on_outbound_start`]) and gives it back
//! as a call would ([`Router::on_hang_up`], then [`Router::on_agent_free`], which may hand it a waiting inbound
//! call first: inbound keeps priority). A group with `outbound` starts outbound work only while more than its
//! `keep_idle` agents are free (the threshold policy of Bhulai and Koole), checked whenever one of its agents ends
//! up free, at log-on, when the campaign opens and when a record's retry falls due.
//!
//! **Dials.** Each dial lives in a slot of [`Dialer::dials`] and moves through [`Stage`]s on [`Event::Dial`]
//! timers: preview (preview mode), ringing, holding (a live answer waiting for an agent, at most
//! [`LIVE_ANSWER_GRACE_S`]), talking, wrap-up. Five draws per dial from [`Stream::Campaign`] at dialing (ring time
//! unless it is 0s, outcome, machine detection, talk time, conversion), whatever happens.
//!
//! **Bound and unbound dials.** Preview and progressive dials are *bound*: the agent reserved for the dial waits for
//! its answer, so a live answer always finds an agent and no call is abandoned. The predictive dialer places the
//! same bound dials and, on top, *unbound* dials for the agents it predicts will free up during the ring time:
//! `floor(soon / p)`, where `p` is the measured share of dials answered by a person (`(live + 1) / (resolved + 1)`,
//! high at first, so the dialer starts cautiously) and `soon` the agents expected free within the measured mean
//! ring time (agents in outbound talk or wrap-up times the mean ring over the mean talk-plus-wrap-up, plus the
//! agents of bound dials that will not be answered). An unbound live answer takes a free agent of the campaign's
//! groups (above `keep_idle`) or waits up to two seconds for one; then it is abandoned (a silent call).
//!
//! **The abandon cap.** Each dial counts in the window (of `dialing.window`, from `hours.from`) in which it was
//! dialled. An unbound dial is placed only while every unbound dial still at risk (ringing, or answered and holding
//! for an agent) was dialled in the current window and `abandoned + unbound at risk + 1 <= max_abandon x live
//! answers`, all of the current window. Only unbound
//! dials can be abandoned, so the abandon rate (abandoned / live answers) of every window, and so of the day, never
//! exceeds the cap, whatever the randomness: a budget, not a forecast. With `max_abandon = 0` the predictive dialer
//! places bound dials only and abandons nothing. Pacing decisions at which the cap held dials back are counted
//! ([`ListState::held_by_cap`]).

use std::collections::VecDeque;

use rand::RngExt;

use super::{Event, Observer, Simulation, Stream, StreamRng, TimerId, stream_rng};
use crate::routing::{AgentId, GroupId, Router};
use crate::scenario::campaign::{Campaign, DialingMode, LIVE_ANSWER_GRACE_S};
use crate::time::SimTime;

/// How a dial ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialOutcome {
    /// A person answered and talked to an agent.
    Live,
    /// A person answered but no agent was free within two seconds: the dialer hung up (a silent call).
    Abandoned,
    /// A machine answered, was detected and got a recorded message.
    MachineMessage,
    /// A machine answered, was detected and dropped.
    MachineDropped,
    /// A machine answered undetected: an agent heard it and hung up (or, with no agent free, it was dropped).
    MachineToAgent,
    /// Busy tone.
    Busy,
    /// Nobody answered within the ring time.
    NoAnswer,
}

/// The state of a campaign's contact list at the end of the day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ListState {
    /// Records in the list (`None`: endless).
    pub records: Option<u64>,
    /// Distinct records dialled at least once.
    pub dialed: u64,
    /// Records finished: reached a person (talked or abandoned), out of attempts, or not to be retried.
    pub finished: u64,
    /// When the list ran out (every record finished), if it did.
    pub exhausted_at: Option<SimTime>,
    /// Pacing decisions at which the abandon cap held back unbound dials the prediction wanted.
    pub held_by_cap: u64,
}

/// Where a dial is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Preview,
    Ringing,
    Holding,
    Talking,
    WrapUp,
    Done,
}

/// The drawn fate of a dial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Person,
    Machine,
    Busy,
    NoAnswer,
}

#[derive(Debug, Clone, Copy)]
struct Dial {
    campaign: u32,
    stage: Stage,
    /// The agent reserved for (or talking on) this dial.
    agent: Option<AgentId>,
    /// When the agent's outbound work for this dial began.
    agent_since: f64,
    /// Seconds the agent waited (preview and ringing).
    waited: f64,
    dialed: f64,
    window: u64,
    attempts: u32,
    ring: f64,
    answer: Fate,
    detected: bool,
    talk: f64,
    converted: bool,
    timer: Option<TimerId>,
}

/// A record waiting for its next dial.
#[derive(Debug, Clone, Copy)]
struct Retry {
    due: f64,
    attempts: u32,
}

/// One campaign's list, pacing state and counters.
struct CampaignState {
    rng: StreamRng,
    /// Records never dialled (`u64::MAX` for an endless list).
    fresh: u64,
    dialed_records: u64,
    finished: u64,
    exhausted_at: Option<f64>,
    /// Records to dial again, one line per retry delay (each line in due order: the delay is constant).
    retries: [VecDeque<Retry>; 3],
    /// Unbound live answers waiting for an agent (slots; stale entries skipped).
    holding: VecDeque<u32>,
    in_flight_bound: u32,
    in_flight_unbound: u32,
    /// Agents talking or in wrap-up on this campaign.
    talking: u32,
    resolved: u64,
    live_answers: u64,
    ring_sum: f64,
    handle_sum: f64,
    handled: u64,
    window: u64,
    window_live: u64,
    window_abandoned: u64,
    window_unbound: u32,
    held_by_cap: u64,
    /// The pending wake-up, if any (infinite: none).
    wake_at: f64,
}

/// Every campaign's state and the dials in progress.
pub(super) struct Dialer {
    campaigns: Vec<CampaignState>,
    dials: Vec<Dial>,
    free_slots: Vec<u32>,
    /// Per group, its campaign and `keep_idle`, if it dials.
    group_outbound: Vec<Option<(usize, u32)>>,
}

const RETRY_NO_ANSWER: usize = 0;
const RETRY_BUSY: usize = 1;
const RETRY_MACHINE: usize = 2;

impl Dialer {
    /// The dialer of one replication, or `None` for a scenario without campaigns.
    pub(super) fn new(scenario: &crate::scenario::Scenario, replication: u32) -> Option<Dialer> {
        if scenario.campaigns.is_empty() {
            return None;
        }
        let campaigns = scenario
            .campaigns
            .iter()
            .enumerate()
            .map(|(index, c)| CampaignState {
                rng: stream_rng(scenario.seed, replication, Stream::Campaign(index)),
                fresh: c.records.unwrap_or(u64::MAX),
                dialed_records: 0,
                finished: 0,
                exhausted_at: None,
                retries: Default::default(),
                holding: VecDeque::new(),
                in_flight_bound: 0,
                in_flight_unbound: 0,
                talking: 0,
                resolved: 0,
                live_answers: 0,
                ring_sum: 0.0,
                handle_sum: 0.0,
                handled: 0,
                window: 0,
                window_live: 0,
                window_abandoned: 0,
                window_unbound: 0,
                held_by_cap: 0,
                wake_at: f64::INFINITY,
            })
            .collect();
        Some(Dialer {
            campaigns,
            dials: Vec::new(),
            free_slots: Vec::new(),
            group_outbound: scenario
                .agent_groups
                .iter()
                .map(|g| g.outbound.map(|o| (o.campaign, o.keep_idle)))
                .collect(),
        })
    }

    /// The campaign of `group` and its `keep_idle`, if the group dials.
    pub(super) fn outbound_of(&self, group: GroupId) -> Option<(usize, u32)> {
        self.group_outbound[group.index()]
    }

    /// The first group dialling for `campaign` with more than its `keep_idle` agents free, if any.
    fn group_free_for(&self, router: &Router<super::CallHandle>, campaign: usize) -> Option<GroupId> {
        self.group_outbound.iter().enumerate().find_map(|(group, outbound)| {
            let (c, keep_idle) = (*outbound)?;
            let group = GroupId(group as u32);
            (c == campaign && router.free_agents_in(group) > keep_idle as usize).then_some(group)
        })
    }

    fn insert(&mut self, dial: Dial) -> u32 {
        match self.free_slots.pop() {
            Some(slot) => {
                self.dials[slot as usize] = dial;
                slot
            }
            None => {
                self.dials.push(dial);
                (self.dials.len() - 1) as u32
            }
        }
    }
}

impl CampaignState {
    /// Whether a record can be dialled now.
    fn has_record(&self, now: f64) -> bool {
        self.fresh > 0
            || self
                .retries
                .iter()
                .any(|line| line.front().is_some_and(|r| r.due <= now))
    }

    /// The earliest due retry, if any.
    fn next_due(&self) -> Option<f64> {
        self.retries
            .iter()
            .filter_map(|line| line.front().map(|r| r.due))
            .min_by(f64::total_cmp)
    }

    /// Takes the record to dial now: the retry due longest ago first, else a fresh record. Returns its attempts
    /// before this dial.
    fn take_record(&mut self, now: f64) -> u32 {
        let due = (0..3)
            .filter(|&k| self.retries[k].front().is_some_and(|r| r.due <= now))
            .min_by(|&a, &b| self.retries[a][0].due.total_cmp(&self.retries[b][0].due));
        match due {
            Some(k) => self.retries[k].pop_front().expect("a due retry").attempts,
            None => {
                self.fresh -= 1;
                self.dialed_records += 1;
                0
            }
        }
    }

    /// A record is finished (no further dial): notes when the whole list is done.
    fn finish_record(&mut self, now: f64) {
        self.finished += 1;
        if self.fresh == 0 && self.retries.iter().all(VecDeque::is_empty) && self.exhausted_at.is_none() {
            self.exhausted_at = Some(now);
        }
    }

    /// An unbound dial of `window` can no longer be abandoned (it was not answered by a person, or an agent took
    /// it, or it was abandoned).
    fn settle_unbound(&mut self, window: u64) {
        self.in_flight_unbound -= 1;
        if window == self.window {
            self.window_unbound -= 1;
        }
    }

    /// Moves the budget of the abandon cap to the window of `now`.
    fn roll_window(&mut self, campaign: &Campaign, now: f64) {
        let window = ((now - campaign.from) / campaign.window).floor().max(0.0) as u64;
        if window != self.window {
            self.window = window;
            self.window_live = 0;
            self.window_abandoned = 0;
            self.window_unbound = 0;
        }
    }
}

impl<const TRACE: bool> Simulation<'_, TRACE> {
    /// At opening: a wake-up at each campaign's first hour (or dialing at once when it opens at opening).
    pub(super) fn start_campaigns(&mut self) {
        let Some(dialer) = self.dialer.as_mut() else {
            return;
        };
        for (index, campaign) in self.scenario.campaigns.iter().enumerate() {
            dialer.campaigns[index].wake_at = campaign.from;
            self.events
                .schedule(SimTime(campaign.from), Event::CampaignWake { campaign: index as u32 });
        }
    }

    /// A campaign's wake-up: its hours began, or a retry fell due.
    #[cold]
    #[inline(never)]
    pub(super) fn campaign_wake<O: Observer>(&mut self, now: SimTime, campaign: u32, observer: &mut O) {
        let dialer = self.dialer.as_mut().expect("only a scenario with campaigns wakes one");
        let state = &mut dialer.campaigns[campaign as usize];
        if state.wake_at == now.seconds() {
            state.wake_at = f64::INFINITY;
        }
        self.pace(now, campaign as usize, observer);
    }

    /// An agent of `group` ended up free (no inbound call was waiting for it): a live answer holding for an agent
    /// takes it, then the group's campaign dials for the agents above `keep_idle`.
    #[cold]
    #[inline(never)]
    pub(super) fn outbound_agent_free<O: Observer>(&mut self, now: SimTime, group: GroupId, observer: &mut O) {
        let Some((campaign, _)) = self.dialer.as_ref().and_then(|d| d.outbound_of(group)) else {
            return;
        };
        self.connect_holding(now, campaign, observer);
        self.pace(now, campaign, observer);
    }

    /// The free agent of the campaign's groups, above their `keep_idle`, that outbound work may take now.
    fn take_outbound_agent(
        router: &mut Router<super::CallHandle>,
        dialer: &Dialer,
        campaign: usize,
    ) -> Option<AgentId> {
        let group = dialer.group_free_for(router, campaign)?;
        router.on_outbound_start(group)
    }

    /// Dials for every agent of the campaign's groups free above `keep_idle` (one bound dial each) and, for a
    /// predictive campaign, the unbound dials its prediction asks for within the abandon cap; then, if agents are
    /// left free for want of a record, a wake-up when the next retry falls due.
    fn pace<O: Observer>(&mut self, now: SimTime, campaign: usize, observer: &mut O) {
        let spec = &self.scenario.campaigns[campaign];
        let t = now.seconds();
        if !(spec.from <= t && t < spec.to) {
            return;
        }
        loop {
            let dialer = self.dialer.as_mut().expect("pacing needs the dialer");
            if !dialer.campaigns[campaign].has_record(t) {
                break;
            }
            let Some(agent) = Self::take_outbound_agent(&mut self.router, dialer, campaign) else {
                break;
            };
            let attempts = dialer.campaigns[campaign].take_record(t);
            let slot = dialer.insert(new_dial(campaign, Some(agent), t, attempts));
            match spec.mode {
                DialingMode::Preview { preview } => {
                    let timer = self.events.schedule(now.after(preview), Event::Dial { slot });
                    self.dialer.as_mut().expect("dialer").dials[slot as usize].timer = Some(timer);
                }
                DialingMode::Progressive | DialingMode::Predictive => self.ring(now, slot, observer),
            }
        }
        if spec.mode == DialingMode::Predictive {
            self.place_unbound(now, campaign, observer);
        }
        let dialer = self.dialer.as_mut().expect("dialer");
        let any_free = dialer.group_free_for(&self.router, campaign).is_some();
        let state = &mut dialer.campaigns[campaign];
        if any_free
            && !state.has_record(t)
            && let Some(due) = state.next_due()
            && due < spec.to
            && due < state.wake_at
        {
            state.wake_at = due;
            self.events.schedule(
                SimTime(due),
                Event::CampaignWake {
                    campaign: campaign as u32,
                },
            );
        }
    }

    /// Unbound predictive dials: as many as the prediction asks for, within the abandon cap's budget (see the
    /// module's documentation).
    fn place_unbound<O: Observer>(&mut self, now: SimTime, campaign: usize, observer: &mut O) {
        let spec = &self.scenario.campaigns[campaign];
        let t = now.seconds();
        let state = &mut self.dialer.as_mut().expect("dialer").campaigns[campaign];
        state.roll_window(spec, t);
        let p = ((state.live_answers + 1) as f64 / (state.resolved + 1) as f64).min(1.0);
        let soon = if state.resolved > 0 && state.handled > 0 {
            let ring = state.ring_sum / state.resolved as f64;
            let cycle = state.handle_sum / state.handled as f64;
            state.talking as f64 * (ring / cycle).min(1.0)
        } else {
            0.0
        } + state.in_flight_bound as f64 * (1.0 - p);
        let mut want = ((soon / p).floor() as u64).saturating_sub(state.in_flight_unbound as u64);
        while want > 0 {
            let dialer = self.dialer.as_mut().expect("dialer");
            let state = &mut dialer.campaigns[campaign];
            if !state.has_record(t) {
                break;
            }
            let budget = (spec.max_abandon * state.window_live as f64).floor() as u64;
            let committed = state.window_abandoned + state.window_unbound as u64;
            if state.in_flight_unbound != state.window_unbound || committed + 1 > budget {
                state.held_by_cap += 1;
                break;
            }
            let attempts = state.take_record(t);
            let slot = dialer.insert(new_dial(campaign, None, t, attempts));
            self.ring(now, slot, observer);
            want -= 1;
        }
    }

    /// Dials the record of `slot` now: draws its fate and schedules the end of its ringing.
    fn ring<O: Observer>(&mut self, now: SimTime, slot: u32, observer: &mut O) {
        let t = now.seconds();
        let dialer = self.dialer.as_mut().expect("dialer");
        let campaign = dialer.dials[slot as usize].campaign as usize;
        let spec = &self.scenario.campaigns[campaign];
        let state = &mut dialer.campaigns[campaign];
        state.roll_window(spec, t);
        let rng = &mut state.rng;
        let ring = spec.ring.as_ref().map_or(0.0, |r| r.sample(rng));
        let u: f64 = rng.random();
        let detect: f64 = rng.random();
        let talk = spec.talk.sample(rng);
        let convert: f64 = rng.random();
        let answer = if u < spec.answer {
            Fate::Person
        } else if u < spec.answer + spec.machine {
            Fate::Machine
        } else if u < spec.answer + spec.machine + spec.busy {
            Fate::Busy
        } else {
            Fate::NoAnswer
        };
        let bound = dialer.dials[slot as usize].agent.is_some();
        if bound {
            state.in_flight_bound += 1;
        } else {
            state.in_flight_unbound += 1;
            state.window_unbound += 1;
        }
        let window = state.window;
        let dial = &mut dialer.dials[slot as usize];
        dial.stage = Stage::Ringing;
        dial.dialed = t;
        dial.window = window;
        dial.ring = ring;
        dial.answer = answer;
        dial.detected = detect < spec.machine_detect;
        dial.talk = talk;
        dial.converted = convert < spec.conversion;
        let timer = self.events.schedule(now.after(ring), Event::Dial { slot });
        self.dialer.as_mut().expect("dialer").dials[slot as usize].timer = Some(timer);
        observer.on_dial(now, campaign);
    }

    /// A dial's timer: the preview ends, the ringing ends, a live answer stops holding, the talk or the wrap-up
    /// ends (skipped unless it is the dial's own timer).
    #[cold]
    #[inline(never)]
    pub(super) fn dial_event<O: Observer>(&mut self, now: SimTime, slot: u32, timer: TimerId, observer: &mut O) {
        let dialer = self.dialer.as_mut().expect("only a scenario with campaigns dials");
        let dial = dialer.dials[slot as usize];
        if dial.timer != Some(timer) {
            return;
        }
        match dial.stage {
            Stage::Preview => {
                let dial = &mut self.dialer.as_mut().expect("dialer").dials[slot as usize];
                dial.waited += now.seconds() - dial.agent_since;
                self.ring(now, slot, observer);
            }
            Stage::Ringing => self.ring_ends(now, slot, observer),
            Stage::Holding => {
                // Nobody took the live answer within the grace time: the dialer hangs up on it.
                let campaign = dial.campaign as usize;
                let state = &mut self.dialer.as_mut().expect("dialer").campaigns[campaign];
                state.settle_unbound(dial.window);
                if dial.window == state.window {
                    state.window_abandoned += 1;
                }
                state.finish_record(now.seconds());
                observer.on_dial_outcome(now, campaign, DialOutcome::Abandoned, SimTime(dial.dialed));
                self.free_dial(slot);
            }
            Stage::Talking => {
                let campaign = dial.campaign as usize;
                if dial.answer == Fate::Person {
                    observer.on_contact_end(now, campaign, dial.talk, dial.converted);
                }
                let wrap_up = if dial.answer == Fate::Person {
                    self.scenario.campaigns[campaign].after_call_work
                } else {
                    0.0
                };
                if wrap_up > 0.0 {
                    let timer = self.events.schedule(now.after(wrap_up), Event::Dial { slot });
                    let dial = &mut self.dialer.as_mut().expect("dialer").dials[slot as usize];
                    dial.stage = Stage::WrapUp;
                    dial.timer = Some(timer);
                } else {
                    self.end_agent_work(now, slot, observer);
                }
            }
            Stage::WrapUp => self.end_agent_work(now, slot, observer),
            Stage::Done => unreachable!("a finished dial has no timer"),
        }
    }

    /// The ringing of `slot` ended with its drawn fate.
    fn ring_ends<O: Observer>(&mut self, now: SimTime, slot: u32, observer: &mut O) {
        let t = now.seconds();
        let dialer = self.dialer.as_mut().expect("dialer");
        let dial = dialer.dials[slot as usize];
        let campaign = dial.campaign as usize;
        let spec = &self.scenario.campaigns[campaign];
        let state = &mut dialer.campaigns[campaign];
        let bound = dial.agent.is_some();
        if bound {
            state.in_flight_bound -= 1;
        } else if dial.answer != Fate::Person {
            // An unbound live answer stays at risk until an agent takes it or it is abandoned.
            state.settle_unbound(dial.window);
        }
        state.resolved += 1;
        state.ring_sum += dial.ring;
        if dial.agent.is_some() {
            dialer.dials[slot as usize].waited += dial.ring;
        }
        let dialed = SimTime(dial.dialed);
        let retry = |state: &mut CampaignState, line: usize, delay: Option<f64>| match delay {
            Some(delay) if dial.attempts + 1 < spec.max_attempts => state.retries[line].push_back(Retry {
                due: t + delay,
                attempts: dial.attempts + 1,
            }),
            _ => state.finish_record(t),
        };
        match dial.answer {
            Fate::Person => {
                state.live_answers += 1;
                if dial.window == state.window {
                    state.window_live += 1;
                }
                state.finish_record(t);
                self.answer_live(now, slot, observer);
            }
            Fate::Machine if dial.detected => {
                retry(state, RETRY_MACHINE, spec.retry_machine);
                let outcome = if spec.machine_message {
                    DialOutcome::MachineMessage
                } else {
                    DialOutcome::MachineDropped
                };
                observer.on_dial_outcome(now, campaign, outcome, dialed);
                self.end_dial_without_talk(now, slot, observer);
            }
            Fate::Machine => {
                retry(state, RETRY_MACHINE, spec.retry_machine);
                observer.on_dial_outcome(now, campaign, DialOutcome::MachineToAgent, dialed);
                let agent = match dial.agent {
                    Some(agent) => Some(agent),
                    None => {
                        Self::take_outbound_agent(&mut self.router, self.dialer.as_ref().expect("dialer"), campaign)
                    }
                };
                match agent {
                    Some(agent) => {
                        let talk = self.scenario.campaigns[campaign].machine_agent_time;
                        self.start_outbound_talk(now, slot, agent, talk);
                    }
                    None => self.free_dial(slot),
                }
            }
            Fate::Busy => {
                retry(state, RETRY_BUSY, spec.retry_busy);
                observer.on_dial_outcome(now, campaign, DialOutcome::Busy, dialed);
                self.end_dial_without_talk(now, slot, observer);
            }
            Fate::NoAnswer => {
                retry(state, RETRY_NO_ANSWER, spec.retry_no_answer);
                observer.on_dial_outcome(now, campaign, DialOutcome::NoAnswer, dialed);
                self.end_dial_without_talk(now, slot, observer);
            }
        }
    }

    /// A person answered `slot`: its agent talks, or (unbound) a free agent takes it, or it holds for one.
    fn answer_live<O: Observer>(&mut self, now: SimTime, slot: u32, observer: &mut O) {
        let dialer = self.dialer.as_ref().expect("dialer");
        let dial = dialer.dials[slot as usize];
        let campaign = dial.campaign as usize;
        let agent = match dial.agent {
            Some(agent) => Some(agent),
            None => Self::take_outbound_agent(&mut self.router, dialer, campaign)
                .or_else(|| self.take_waiting_agent(now, slot)),
        };
        match agent {
            Some(agent) => {
                if dial.agent.is_none() {
                    self.dialer.as_mut().expect("dialer").campaigns[campaign].settle_unbound(dial.window);
                }
                observer.on_dial_outcome(now, campaign, DialOutcome::Live, SimTime(dial.dialed));
                self.start_outbound_talk(now, slot, agent, dial.talk);
            }
            None => {
                let timer = self
                    .events
                    .schedule(now.after(LIVE_ANSWER_GRACE_S), Event::Dial { slot });
                let dialer = self.dialer.as_mut().expect("dialer");
                let dial = &mut dialer.dials[slot as usize];
                dial.stage = Stage::Holding;
                dial.timer = Some(timer);
                dialer.campaigns[campaign].holding.push_back(slot);
            }
        }
    }

    /// An unbound live answer with no free agent takes the agent waiting on another dial of its campaign still
    /// ringing (the most recent), which becomes unbound: the calls at risk stay as many. Only within the current
    /// window (both dials dialled in it), so every window keeps its own budget. The agent's outbound work carries
    /// over (its start and its wait so far).
    fn take_waiting_agent(&mut self, now: SimTime, slot: u32) -> Option<AgentId> {
        let dialer = self.dialer.as_mut().expect("dialer");
        let live = dialer.dials[slot as usize];
        let window = dialer.campaigns[live.campaign as usize].window;
        if live.window != window {
            return None;
        }
        let (victim, _) = dialer
            .dials
            .iter()
            .enumerate()
            .filter(|(_, d)| {
                d.stage == Stage::Ringing && d.campaign == live.campaign && d.agent.is_some() && d.window == window
            })
            .max_by(|a, b| a.1.dialed.total_cmp(&b.1.dialed))?;
        let state = &mut dialer.campaigns[live.campaign as usize];
        state.in_flight_bound -= 1;
        state.in_flight_unbound += 1;
        state.window_unbound += 1;
        let ringing = &mut dialer.dials[victim];
        let agent = ringing.agent.take().expect("a bound dial");
        let (since, waited) = (ringing.agent_since, ringing.waited + (now.seconds() - ringing.dialed));
        let answered = &mut dialer.dials[slot as usize];
        answered.agent = Some(agent);
        answered.agent_since = since;
        answered.waited = waited;
        Some(agent)
    }

    /// Live answers holding for `campaign` take the agents free above `keep_idle`, first answered first.
    fn connect_holding<O: Observer>(&mut self, now: SimTime, campaign: usize, observer: &mut O) {
        loop {
            let dialer = self.dialer.as_mut().expect("dialer");
            let state = &mut dialer.campaigns[campaign];
            while state
                .holding
                .front()
                .is_some_and(|&slot| dialer.dials[slot as usize].stage != Stage::Holding)
            {
                state.holding.pop_front();
            }
            let Some(&slot) = state.holding.front() else {
                return;
            };
            let Some(agent) = Self::take_outbound_agent(&mut self.router, dialer, campaign) else {
                return;
            };
            dialer.campaigns[campaign].holding.pop_front();
            let dial = dialer.dials[slot as usize];
            dialer.campaigns[campaign].settle_unbound(dial.window);
            observer.on_dial_outcome(now, campaign, DialOutcome::Live, SimTime(dial.dialed));
            self.start_outbound_talk(now, slot, agent, dial.talk);
        }
    }

    /// `agent` talks on `slot` for `talk` seconds.
    fn start_outbound_talk(&mut self, now: SimTime, slot: u32, agent: AgentId, talk: f64) {
        let timer = self.events.schedule(now.after(talk), Event::Dial { slot });
        let dialer = self.dialer.as_mut().expect("dialer");
        let dial = &mut dialer.dials[slot as usize];
        if dial.agent.is_none() {
            dial.agent = Some(agent);
            dial.agent_since = now.seconds();
        }
        dial.stage = Stage::Talking;
        dial.talk = talk;
        dial.timer = Some(timer);
        let state = &mut dialer.campaigns[dial.campaign as usize];
        state.talking += 1;
        state.handle_sum += talk + self.scenario.campaigns[dial.campaign as usize].after_call_work;
        state.handled += 1;
    }

    /// A dial that reached nobody to talk to: its agent (if bound) goes back, and the slot is freed.
    fn end_dial_without_talk<O: Observer>(&mut self, now: SimTime, slot: u32, observer: &mut O) {
        let dial = self.dialer.as_ref().expect("dialer").dials[slot as usize];
        self.free_dial(slot);
        if let Some(agent) = dial.agent {
            self.release_outbound_agent(now, agent, &dial, observer);
        }
    }

    /// The talk (and wrap-up) on `slot` ended: the agent goes back.
    fn end_agent_work<O: Observer>(&mut self, now: SimTime, slot: u32, observer: &mut O) {
        let dial = self.dialer.as_ref().expect("dialer").dials[slot as usize];
        self.dialer.as_mut().expect("dialer").campaigns[dial.campaign as usize].talking -= 1;
        self.free_dial(slot);
        let agent = dial.agent.expect("a talking dial has its agent");
        self.release_outbound_agent(now, agent, &dial, observer);
    }

    fn free_dial(&mut self, slot: u32) {
        let dialer = self.dialer.as_mut().expect("dialer");
        let dial = &mut dialer.dials[slot as usize];
        dial.stage = Stage::Done;
        dial.timer = None;
        dialer.free_slots.push(slot);
    }

    /// An agent's outbound work ends: it is free for inbound calls first, then (if still free) for more dialing.
    fn release_outbound_agent<O: Observer>(&mut self, now: SimTime, agent: AgentId, dial: &Dial, observer: &mut O) {
        let was_busy = self.router.on_hang_up(agent);
        debug_assert!(was_busy, "an agent on outbound work is busy");
        let group = self.router.group_of(agent);
        observer.on_outbound_released(
            now,
            dial.campaign as usize,
            group,
            SimTime(dial.agent_since),
            dial.waited,
        );
        self.agent_free(now, agent, observer);
    }

    /// At the end of the day: each campaign's list.
    pub(super) fn finish_campaigns<O: Observer>(&mut self, now: SimTime, observer: &mut O) {
        let Some(dialer) = self.dialer.as_ref() else {
            return;
        };
        for (index, (state, spec)) in dialer.campaigns.iter().zip(&self.scenario.campaigns).enumerate() {
            observer.on_campaign_end(
                now,
                index,
                &ListState {
                    records: spec.records,
                    dialed: state.dialed_records,
                    finished: state.finished,
                    exhausted_at: state.exhausted_at.map(SimTime),
                    held_by_cap: state.held_by_cap,
                },
            );
        }
    }
}

fn new_dial(campaign: usize, agent: Option<AgentId>, t: f64, attempts: u32) -> Dial {
    Dial {
        campaign: campaign as u32,
        stage: Stage::Preview,
        agent,
        agent_since: t,
        waited: 0.0,
        dialed: t,
        window: 0,
        attempts,
        ring: 0.0,
        answer: Fate::NoAnswer,
        detected: true,
        talk: 0.0,
        converted: false,
        timer: None,
    }
}
