//! Shadow-model fuzz of the router: thousands of seeded random operations, each decision checked against a dumb
//! reference that scans everything (O(n)) with the documented rules.

use callsim::routing::{
    AgentId, AgentSelection, ArrivalDecision, GroupConfig, QueueDiscipline, QueueTicket, Router, RouterConfig,
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
    local: usize,
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
            for local in 0..group.agents as usize {
                counter += 1;
                agents.push(RefAgent {
                    group: g,
                    local,
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
        self.config.groups[group].skills.iter().position(|&s| s == call_type)
    }

    fn pick_agent(&self, call_type: usize) -> Option<usize> {
        let eligible = |a: &&RefAgent| a.status == Status::Free && self.rank(a.group, call_type).is_some();
        let candidates = self.agents.iter().enumerate().filter(|(_, a)| eligible(a));
        match self.config.agent_selection {
            AgentSelection::LongestIdle => candidates.min_by_key(|(_, a)| a.free_order).map(|(i, _)| i),
            AgentSelection::FewestCalls => candidates.min_by_key(|(_, a)| (a.calls, a.free_order)).map(|(i, _)| i),
            AgentSelection::SkillOrder => candidates
                .min_by_key(|(_, a)| (self.rank(a.group, call_type).unwrap(), a.group, a.free_order))
                .map(|(i, _)| i),
            AgentSelection::RoundRobin => candidates
                .min_by_key(|(_, a)| {
                    (
                        a.last_assigned,
                        a.local,
                        self.rank(a.group, call_type).unwrap(),
                        a.group,
                    )
                })
                .map(|(i, _)| i),
            AgentSelection::Random => unreachable!("random choices are checked for validity only"),
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
        let mut best: Option<usize> = None;
        for (i, c) in self.waiting.iter().enumerate() {
            if self.rank(group, c.call_type).is_none() {
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

fn fuzz(queue: QueueDiscipline, selection: AgentSelection, seed: u64) {
    let config = RouterConfig {
        priorities: vec![3.0, 0.0, 1.0],
        groups: vec![
            GroupConfig {
                agents: 3,
                skills: vec![0],
            },
            GroupConfig {
                agents: 2,
                skills: vec![1, 0],
            },
            GroupConfig {
                agents: 2,
                skills: vec![2, 1, 0],
            },
        ],
        queue,
        aging_per_second: 0.05,
        agent_selection: selection,
        lines: Some(12),
    };
    let mut router: Router<u64> = Router::new(config.clone());
    let mut reference = Reference::new(&config);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut now = 0.0;
    let mut next_id = 0u64;
    for step in 0..5_000 {
        now += rng.random::<f64>() * 5.0;
        let context = format!("seed {seed}, step {step}, {queue:?}/{selection:?}");
        match rng.random_range(0..6) {
            0 | 1 => {
                let call_type = rng.random_range(0..3);
                next_id += 1;
                let decision = router.on_arrival(SimTime(now), next_id, call_type, &mut rng);
                let expected_block = reference.in_system >= 12;
                match decision {
                    ArrivalDecision::Block => {
                        assert!(expected_block, "{context}: blocked with free lines")
                    }
                    ArrivalDecision::Connect(agent) => {
                        assert!(!expected_block, "{context}");
                        reference.in_system += 1;
                        let a = &reference.agents[agent.0 as usize];
                        assert!(
                            a.status == Status::Free && reference.rank(a.group, call_type).is_some(),
                            "{context}"
                        );
                        if selection != AgentSelection::Random {
                            let expected = reference.pick_agent(call_type);
                            assert_eq!(Some(agent.0 as usize), expected, "{context}: agent choice");
                        }
                        reference.connect(agent.0 as usize);
                    }
                    ArrivalDecision::Queue(ticket) => {
                        assert!(!expected_block, "{context}");
                        reference.in_system += 1;
                        assert_eq!(
                            reference.pick_agent(call_type),
                            None,
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
                        Some(call.call_type),
                        "{context}: abandon"
                    );
                    assert_eq!(router.on_abandon(call.ticket), None, "{context}: stale ticket");
                    reference.in_system -= 1;
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
            assert_eq!(router.queue_length(t), expected, "{context}: queue length of type {t}");
        }
        assert_eq!(
            router.calls_in_system(),
            reference.in_system,
            "{context}: calls in system"
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
        for selection in [
            AgentSelection::LongestIdle,
            AgentSelection::FewestCalls,
            AgentSelection::SkillOrder,
        ] {
            for seed in 0..4 {
                fuzz(queue, selection, seed);
            }
        }
    }
}
