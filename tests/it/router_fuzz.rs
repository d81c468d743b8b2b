//! Shadow-model fuzz of the router: thousands of seeded random operations, each decision checked against a dumb
//! reference that scans everything (O(n)) with the documented rules, for every queue discipline and every agent
//! selection policy. Under `random` the reference checks that the chosen agent is a free eligible one (the draw
//! itself depends on the router's storage order; its uniformity is tested in the router crate).
//!
//! A second configuration adds reservations and overflow by waiting time (issue 11): the reference applies the
//! documented rules by brute force (a group with a reserve answers other types only while more than `agents` of
//! its agents are free, counting the agent being chosen or just freed; a delayed skill counts once the call, or on
//! an agent's release the head of its line, has waited `after`), and overflow timers fire for random waiting calls
//! at random instants (the router must then do exactly what the rules allow at that instant).

use callsim::routing::{
    AgentId, AgentSelection, ArrivalDecision, CallTypeId, GroupConfig, QueueDiscipline, QueueTicket, Reserve, Router,
    RouterConfig,
};
use callsim::time::SimTime;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Status {
    Free,
    Talking,
    Wrapping,
    Offline,
}

struct RefAgent {
    group: usize,
    last_assigned: u64,
    status: Status,
    free_order: u64,
    calls: u64,
    log_off_pending: bool,
}

struct RefCall {
    id: u64,
    call_type: usize,
    since: f64,
    order: u64,
    ticket: QueueTicket,
}

struct Reference {
    config: RouterConfig,
    agents: Vec<RefAgent>,
    waiting: Vec<RefCall>,
    in_system: u32,
    counter: u64,
}

impl Reference {
    fn new(config: &RouterConfig) -> Reference {
        let mut agents = Vec::new();
        let mut counter = 0;
        for (g, group) in config.groups.iter().enumerate() {
            for _ in 0..group.agents {
                counter += 1;
                agents.push(RefAgent {
                    group: g,
                    last_assigned: 0,
                    status: Status::Free,
                    free_order: counter,
                    calls: 0,
                    log_off_pending: false,
                });
            }
        }
        Reference {
            config: config.clone(),
            agents,
            waiting: Vec::new(),
            in_system: 0,
            counter,
        }
    }

    fn rank(&self, group: usize, call_type: usize) -> Option<usize> {
        self.config.groups[group]
            .skills
            .iter()
            .position(|s| s.index() == call_type)
    }

    /// Seconds a call of `call_type` must have waited before `group` may take it (`None` without the skill).
    fn delay(&self, group: usize, call_type: usize) -> Option<f64> {
        let rank = self.rank(group, call_type)?;
        Some(self.config.groups[group].skill_after.get(rank).copied().unwrap_or(0.0))
    }

    fn free_in(&self, group: usize) -> usize {
        self.agents
            .iter()
            .filter(|a| a.group == group && a.status == Status::Free)
            .count()
    }

    /// Whether `group`'s reserve lets it take `call_type` with `free` agents free (the chosen or freed one included).
    fn reserve_allows(&self, group: usize, call_type: usize, free: usize) -> bool {
        match self.config.groups[group].reserve {
            Some(r) => r.call_type.index() == call_type || free > r.agents as usize,
            None => true,
        }
    }

    /// The free agents eligible for `call_type` after waiting `waited` seconds, by agent number.
    fn candidates(&self, call_type: usize, waited: f64) -> Vec<usize> {
        (0..self.agents.len())
            .filter(|&i| {
                let g = self.agents[i].group;
                self.agents[i].status == Status::Free
                    && self.delay(g, call_type).is_some_and(|d| d <= 0.0 || waited >= d)
                    && self.reserve_allows(g, call_type, self.free_in(g))
            })
            .collect()
    }

    /// The agent the documented rule picks for `call_type`; `None` under `random`, where any candidate is right.
    fn pick_agent(&self, call_type: usize, waited: f64) -> Option<usize> {
        let candidates = self.candidates(call_type, waited).into_iter();
        let agent = |i: &usize| &self.agents[*i];
        match self.config.agent_selection {
            AgentSelection::LongestIdle => candidates.min_by_key(|i| agent(i).free_order),
            AgentSelection::FewestCalls => candidates.min_by_key(|i| (agent(i).calls, agent(i).free_order)),
            AgentSelection::SkillOrder => candidates.min_by_key(|i| {
                let a = agent(i);
                (self.rank(a.group, call_type).unwrap(), a.group, a.free_order)
            }),
            // One circle over the whole roster: least recently assigned, never-assigned agents in roster order.
            AgentSelection::RoundRobin => candidates.min_by_key(|&i| (agent(&i).last_assigned, i)),
            AgentSelection::Random => None,
        }
    }

    fn pick_call(&self, now: f64, group: usize) -> Option<usize> {
        let urgency = |c: &RefCall| match self.config.queue {
            QueueDiscipline::Fifo => 0.0,
            QueueDiscipline::Priority => self.config.priorities[c.call_type],
            QueueDiscipline::PriorityAging => {
                self.config.priorities[c.call_type] + self.config.aging_per_second * (now - c.since)
            }
        };
        // The freed agent is not free yet: count it in.
        let free = self.free_in(group) + 1;
        let mut best: Option<usize> = None;
        for (i, c) in self.waiting.iter().enumerate() {
            let Some(delay) = self.delay(group, c.call_type) else {
                continue;
            };
            if !self.reserve_allows(group, c.call_type, free) {
                continue;
            }
            // A delayed skill counts when the head of the call's line (the oldest call of its type) has waited.
            let head = self
                .waiting
                .iter()
                .find(|h| h.call_type == c.call_type)
                .expect("c is waiting");
            if delay > 0.0 && now - head.since < delay {
                continue;
            }
            best = match best {
                None => Some(i),
                Some(b) => {
                    let (u, ub) = (urgency(c), urgency(&self.waiting[b]));
                    if u > ub || (u == ub && c.order < self.waiting[b].order) {
                        Some(i)
                    } else {
                        Some(b)
                    }
                }
            };
        }
        best
    }

    fn connect(&mut self, agent: usize) {
        self.counter += 1;
        self.agents[agent].status = Status::Talking;
        self.agents[agent].calls += 1;
        self.agents[agent].last_assigned = self.counter;
    }

    fn free_or_take(&mut self, now: f64, agent: usize) -> Option<u64> {
        match self.pick_call(now, self.agents[agent].group) {
            Some(i) => {
                let call = self.waiting.remove(i);
                self.connect(agent);
                Some(call.id)
            }
            None => {
                self.counter += 1;
                self.agents[agent].status = Status::Free;
                self.agents[agent].free_order = self.counter;
                None
            }
        }
    }
}

fn fuzz(queue: QueueDiscipline, selection: AgentSelection, seed: u64, rules: bool) {
    let mut config = RouterConfig {
        priorities: vec![3.0, 0.0, 1.0],
        groups: vec![
            GroupConfig {
                agents: 3,
                skills: vec![CallTypeId(0)],
                skill_after: Vec::new(),
                reserve: None,
            },
            GroupConfig {
                agents: 2,
                skills: vec![CallTypeId(1), CallTypeId(0)],
                skill_after: Vec::new(),
                reserve: None,
            },
            GroupConfig {
                agents: 2,
                skills: vec![CallTypeId(2), CallTypeId(1), CallTypeId(0)],
                skill_after: Vec::new(),
                reserve: None,
            },
        ],
        queue,
        aging_per_second: 0.05,
        agent_selection: selection,
        queue_capacity: None,
        call_type_rules: Vec::new(),
        consult_concurrency: Vec::new(),
        lines: Some(12),
    };
    if rules {
        // Group 1 takes type 0 after 4 s; group 2 takes type 1 after 10 s and type 0 at once, and keeps 1 of its
        // 2 agents for type 2.
        config.groups[1].skill_after = vec![0.0, 4.0];
        config.groups[2].skill_after = vec![0.0, 10.0];
        config.groups[2].reserve = Some(Reserve {
            call_type: CallTypeId(2),
            agents: 1,
        });
    }
    let mut router: Router<u64> = Router::new(config.clone());
    let mut reference = Reference::new(&config);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut now = 0.0;
    let mut next_id = 0u64;
    // Random choices are checked for membership above, and here for reaching more than one agent (uniformity is
    // checked in the router crate's own tests).
    let (mut random_picks, mut random_spread) = (0, std::collections::BTreeSet::new());
    for step in 0..5_000 {
        now += rng.random::<f64>() * 5.0;
        let context = format!("seed {seed}, step {step}, {queue:?}/{selection:?}, rules {rules}");
        match rng.random_range(0..if rules { 7 } else { 6 }) {
            0 | 1 => {
                let call_type = rng.random_range(0..3);
                next_id += 1;
                let decision = router.on_arrival(SimTime(now), next_id, CallTypeId(call_type as u32), &mut rng);
                let expected_block = reference.in_system >= 12;
                match decision {
                    ArrivalDecision::Block => {
                        assert!(expected_block, "{context}: blocked with free lines")
                    }
                    ArrivalDecision::Connect(agent) => {
                        assert!(!expected_block, "{context}");
                        reference.in_system += 1;
                        let candidates = reference.candidates(call_type, 0.0);
                        assert!(
                            candidates.contains(&(agent.0 as usize)),
                            "{context}: agent {} is not a free eligible agent {candidates:?}",
                            agent.0
                        );
                        if selection == AgentSelection::Random {
                            random_picks += 1;
                            random_spread.insert(agent.0);
                        } else {
                            let expected = reference.pick_agent(call_type, 0.0);
                            assert_eq!(Some(agent.0 as usize), expected, "{context}: agent choice");
                        }
                        reference.connect(agent.0 as usize);
                    }
                    ArrivalDecision::Queue(ticket) => {
                        assert!(!expected_block, "{context}");
                        reference.in_system += 1;
                        assert_eq!(
                            reference.candidates(call_type, 0.0),
                            Vec::<usize>::new(),
                            "{context}: queued with a free agent"
                        );
                        let order = next_id;
                        reference.waiting.push(RefCall {
                            id: next_id,
                            call_type,
                            since: now,
                            order,
                            ticket,
                        });
                    }
                }
            }
            2 => {
                let talking: Vec<usize> = (0..reference.agents.len())
                    .filter(|&a| reference.agents[a].status == Status::Talking)
                    .collect();
                if let Some(&agent) = talking.get(rng.random_range(0..talking.len().max(1))) {
                    router.on_hang_up(AgentId(agent as u32));
                    reference.agents[agent].status = Status::Wrapping;
                    reference.in_system -= 1;
                }
            }
            3 => {
                let wrapping: Vec<usize> = (0..reference.agents.len())
                    .filter(|&a| reference.agents[a].status == Status::Wrapping)
                    .collect();
                if let Some(&agent) = wrapping.get(rng.random_range(0..wrapping.len().max(1))) {
                    let got = router
                        .on_agent_free(SimTime(now), AgentId(agent as u32))
                        .map(|a| a.call);
                    let expected = if reference.agents[agent].log_off_pending {
                        reference.agents[agent].log_off_pending = false;
                        reference.agents[agent].status = Status::Offline;
                        None
                    } else {
                        reference.free_or_take(now, agent)
                    };
                    assert_eq!(got, expected, "{context}: call taken by freed agent {agent}");
                }
            }
            4 => {
                if !reference.waiting.is_empty() {
                    let i = rng.random_range(0..reference.waiting.len());
                    let call = reference.waiting.remove(i);
                    assert_eq!(
                        router.on_abandon(call.ticket),
                        Some(CallTypeId(call.call_type as u32)),
                        "{context}: abandon"
                    );
                    assert_eq!(router.on_abandon(call.ticket), None, "{context}: stale ticket");
                    reference.in_system -= 1;
                }
            }
            6 => {
                // An overflow timer fires for a random waiting call at this instant.
                if !reference.waiting.is_empty() {
                    let i = rng.random_range(0..reference.waiting.len());
                    let (ticket, call_type, waited) = {
                        let c = &reference.waiting[i];
                        (c.ticket, c.call_type, now - c.since)
                    };
                    let got = router.on_overflow_time(SimTime(now), ticket, &mut rng);
                    let candidates = reference.candidates(call_type, waited);
                    match got {
                        Some(agent) => {
                            assert!(
                                candidates.contains(&(agent.0 as usize)),
                                "{context}: overflow to agent {} outside {candidates:?}",
                                agent.0
                            );
                            if selection == AgentSelection::Random {
                                random_picks += 1;
                                random_spread.insert(agent.0);
                            } else {
                                assert_eq!(
                                    Some(agent.0 as usize),
                                    reference.pick_agent(call_type, waited),
                                    "{context}: overflow agent choice"
                                );
                            }
                            reference.waiting.remove(i);
                            reference.connect(agent.0 as usize);
                            assert_eq!(router.on_abandon(ticket), None, "{context}: the ticket is spent");
                        }
                        None => assert_eq!(candidates, Vec::<usize>::new(), "{context}: overflow found nobody"),
                    }
                }
            }
            _ => {
                let agent = rng.random_range(0..reference.agents.len());
                match reference.agents[agent].status {
                    Status::Offline => {
                        let got = router.on_log_on(SimTime(now), AgentId(agent as u32)).map(|a| a.call);
                        assert_eq!(got, reference.free_or_take(now, agent), "{context}: log on");
                    }
                    Status::Free => {
                        router.on_log_off(AgentId(agent as u32));
                        reference.agents[agent].status = Status::Offline;
                    }
                    _ => {
                        router.on_log_off(AgentId(agent as u32));
                        reference.agents[agent].log_off_pending = true;
                    }
                }
            }
        }
        for t in 0..3 {
            let expected = reference.waiting.iter().filter(|c| c.call_type == t).count();
            assert_eq!(
                router.queue_length(CallTypeId(t as u32)),
                expected,
                "{context}: queue length of type {t}"
            );
        }
        assert_eq!(
            router.calls_in_system(),
            reference.in_system,
            "{context}: calls in system"
        );
    }
    if selection == AgentSelection::Random {
        assert!(
            random_picks > if rules { 50 } else { 100 } && random_spread.len() == reference.agents.len(),
            "seed {seed}, {queue:?}: {random_picks} random picks reached only agents {random_spread:?}"
        );
    }
}

#[test]
fn router_matches_the_reference_for_every_policy() {
    for queue in [
        QueueDiscipline::Fifo,
        QueueDiscipline::Priority,
        QueueDiscipline::PriorityAging,
    ] {
        for selection in AgentSelection::ALL {
            for seed in 0..4 {
                fuzz(queue, selection, seed, false);
            }
        }
    }
}

#[test]
fn router_with_reservations_and_overflow_delays_matches_the_reference() {
    for queue in [
        QueueDiscipline::Fifo,
        QueueDiscipline::Priority,
        QueueDiscipline::PriorityAging,
    ] {
        for selection in AgentSelection::ALL {
            for seed in 0..4 {
                fuzz(queue, selection, 100 + seed, true);
            }
        }
    }
}

/// Consults and transfers under random operations, checked against a small reference of who holds what: a consult
/// starts at once exactly when a senior has room (one consulting below its concurrency, else a free one), waiting
/// consults start first come first served, a senior never holds more than its concurrency, a senior freed from its
/// last consult takes waiting calls or goes free, and transfers keep the call's trunk line (calls in the system
/// never change by a transfer out or in).
#[test]
fn consults_and_transfers_keep_their_rules_under_random_operations() {
    use std::collections::VecDeque;
    const CONCURRENCY: u32 = 2;
    let (mut started, mut queued, mut transfers) = (0, 0, 0);
    for seed in 0..200u64 {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let config = RouterConfig {
            priorities: vec![0.0, 0.0],
            groups: vec![
                GroupConfig {
                    agents: 4,
                    skills: vec![CallTypeId(0)],
                    skill_after: Vec::new(),
                    reserve: None,
                },
                GroupConfig {
                    agents: 2,
                    skills: vec![CallTypeId(1)],
                    skill_after: Vec::new(),
                    reserve: None,
                },
                GroupConfig {
                    agents: 2,
                    skills: vec![],
                    skill_after: Vec::new(),
                    reserve: None,
                },
            ],
            queue: QueueDiscipline::Fifo,
            aging_per_second: 0.0,
            agent_selection: AgentSelection::LongestIdle,
            lines: Some(20),
            queue_capacity: None,
            call_type_rules: Vec::new(),
            consult_concurrency: vec![1, 1, CONCURRENCY],
        };
        let mut router: Router<u64> = Router::new(config);
        let seniors = callsim::routing::GroupId(2);
        let senior_ids = [AgentId(6), AgentId(7)];
        // Reference: consults held per senior, waiting requesters, agents talking (with whether they asked).
        let mut held = [0u32; 2];
        let mut waiting: VecDeque<AgentId> = VecDeque::new();
        let mut talking: Vec<AgentId> = Vec::new();
        let mut asking: Vec<AgentId> = Vec::new();
        let mut consulting: Vec<(AgentId, AgentId)> = Vec::new(); // (requester, senior)
        let mut next_call = 0u64;
        for step in 0..400 {
            let now = SimTime(step as f64);
            let in_system = router.calls_in_system();
            match rng.random_range(0..7) {
                0 | 1 => {
                    next_call += 1;
                    let call_type = CallTypeId(rng.random_range(0..2));
                    if let ArrivalDecision::Connect(agent) = router.on_arrival(now, next_call, call_type, &mut rng) {
                        talking.push(agent);
                    }
                }
                2 | 6 if !talking.is_empty() => {
                    // A talking agent that has not asked yet asks for a consult.
                    let agent = talking[rng.random_range(0..talking.len())];
                    if asking.contains(&agent) {
                        continue;
                    }
                    asking.push(agent);
                    let room = held
                        .iter()
                        .position(|&h| h > 0 && h < CONCURRENCY)
                        .or_else(|| (0..2).find(|&s| held[s] == 0 && router.free_agents_in(seniors) > 0));
                    match router.on_consult_request(agent, seniors) {
                        Some(senior) => {
                            let s = senior_ids.iter().position(|&a| a == senior).expect("a senior");
                            assert!(
                                room.is_some(),
                                "seed {seed} step {step}: a consult started with no room"
                            );
                            held[s] += 1;
                            started += 1;
                            assert!(held[s] <= CONCURRENCY, "seed {seed}: over the concurrency");
                            consulting.push((agent, senior));
                        }
                        None => {
                            assert!(
                                room.is_none(),
                                "seed {seed} step {step}: a consult waits while a senior has room"
                            );
                            waiting.push_back(agent);
                            queued += 1;
                        }
                    }
                }
                3 if !consulting.is_empty() => {
                    let (requester, senior) = consulting.swap_remove(rng.random_range(0..consulting.len()));
                    asking.retain(|&a| a != requester);
                    let s = senior_ids.iter().position(|&a| a == senior).unwrap();
                    held[s] -= 1;
                    let end = router.on_consult_end(now, senior);
                    match end.next {
                        Some(next) => {
                            assert_eq!(Some(next), waiting.pop_front(), "seed {seed}: first come first served");
                            held[s] += 1;
                            consulting.push((next, senior));
                        }
                        None => assert!(
                            waiting.is_empty() || held[s] > 0,
                            "seed {seed} step {step}: a senior with room left a consult waiting"
                        ),
                    }
                    assert!(end.assignment.is_none(), "seniors answer no calls here");
                }
                4 if !talking.is_empty() => {
                    // A talking agent that is not in a consult transfers its call cold to the other type.
                    let agent = talking[rng.random_range(0..talking.len())];
                    if asking.contains(&agent) {
                        continue;
                    }
                    assert!(router.on_transfer_out(agent));
                    talking.retain(|&a| a != agent);
                    let to = CallTypeId(rng.random_range(0..2));
                    next_call += 1;
                    let decision = router.on_transfer_in(now, next_call, to, &mut rng);
                    assert_ne!(decision, ArrivalDecision::Block, "a transfer is never blocked");
                    transfers += 1;
                    if let ArrivalDecision::Connect(second) = decision {
                        talking.push(second);
                    }
                    assert_eq!(router.calls_in_system(), in_system, "a transfer keeps the line");
                    if let Some(next) = router.on_agent_free(now, agent) {
                        talking.push(agent);
                        let _ = next;
                    }
                }
                _ if !talking.is_empty() => {
                    // A talking agent not in a consult hangs up and frees.
                    let agent = talking[rng.random_range(0..talking.len())];
                    if asking.contains(&agent) {
                        continue;
                    }
                    assert!(router.on_hang_up(agent));
                    talking.retain(|&a| a != agent);
                    if router.on_agent_free(now, agent).is_some() {
                        talking.push(agent);
                    }
                }
                _ => {}
            }
            assert_eq!(
                router.consults_waiting(seniors),
                waiting.len(),
                "seed {seed} step {step}"
            );
        }
    }
    assert!(
        started > 1000 && queued > 1000 && transfers > 1000,
        "every decision is exercised: {started} consults started at once, {queued} waited, {transfers} transfers"
    );
}
