//! How a production ACD embeds callsim's router: the switch owns the real clock and the telephony; the router is
//! told the facts and answers with decisions. Nothing here knows about the simulator: it uses only the
//! `callsim-router` crate (a switch would depend on that crate alone), which callsim re-exports as
//! `callsim::routing`.
//!
//! Run with `cargo run --example embedded_acd`.

use callsim_router::{
    AgentId, AgentSelection, ArrivalDecision, CallTypeId, GroupConfig, QueueDiscipline, Router, RouterConfig, SimTime,
};
use rand::SeedableRng;

/// The switch's own identifier for a call (a SIP Call-ID, say).
type SwitchCallId = u64;

/// The switch's call types, numbered as in `RouterConfig::priorities`.
const VIP: CallTypeId = CallTypeId(0);
const REGULAR: CallTypeId = CallTypeId(1);

fn main() {
    let config = RouterConfig {
        priorities: vec![10.0, 0.0], // VIP, REGULAR
        groups: vec![GroupConfig {
            agents: 2,
            skills: vec![VIP, REGULAR],
            skill_after: Vec::new(),
            reserve: None,
        }],
        queue: QueueDiscipline::Priority,
        aging_per_second: 0.0,
        agent_selection: AgentSelection::LongestIdle,
        queue_capacity: None,
        call_type_rules: Vec::new(),
        consult_concurrency: Vec::new(),
        lines: Some(10),
    };
    // A switch starts before anyone has signed in: every agent offline until the switch reports a log-on.
    let mut router: Router<SwitchCallId> = Router::new_offline(config);
    // Only AgentSelection::Random draws from it; the switch owns the generator.
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
    // In production `now` is the switch's wall clock in seconds since the shift started.
    let now = |seconds: f64| SimTime(seconds);

    for agent in [AgentId(0), AgentId(1)] {
        if let Some(call) = router.on_log_on(now(0.0), agent) {
            println!("t=0: agent {} logs on and takes call {}", agent.0, call.call);
        }
    }
    for (t, call, call_type) in [
        (0.0, 101, REGULAR),
        (1.0, 102, REGULAR),
        (2.0, 103, REGULAR),
        (3.0, 104, VIP),
    ] {
        match router.on_arrival(now(t), call, call_type, &mut rng) {
            ArrivalDecision::Connect(agent) => {
                println!("t={t}: connect call {call} to agent {}", agent.0)
            }
            ArrivalDecision::Queue(_ticket) => {
                println!("t={t}: call {call} on hold (keep the ticket for hang-ups)")
            }
            ArrivalDecision::Block => println!("t={t}: call {call} gets a busy tone"),
        }
    }
    // Agent 0 finishes: the caller hangs up, wrap-up ends, and the VIP call (104) is next despite arriving last.
    router.on_hang_up(AgentId(0));
    if let Some(next) = router.on_agent_free(now(60.0), AgentId(0)) {
        println!("t=60: agent 0 takes call {} (type {})", next.call, next.call_type.0);
    }
}
