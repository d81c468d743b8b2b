//! Throughput benchmark: simulated calls per second, single-threaded, for the model sizes in the README.
//!
//! Run with `cargo bench`. Each case runs whole replications through the real engine, router and collector;
//! a minimal hand-written M/M/c simulator (one FIFO queue, no observers) is timed beside it as the yardstick.

use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;
use std::time::{Duration, Instant};

use callsim::run::simulate_replication;
use callsim::scenario::Scenario;
use callsim::stats::Metric;
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};
use rand_xoshiro::Xoshiro256PlusPlus;

fn single_skill(agents: u32) -> Scenario {
    let per_hour = 0.95 * agents as f64 * 20.0; // 3-minute calls at 95% load
    let text = format!(
        r#"
name = "bench"
[horizon]
duration = "8h"
[[call_types]]
name = "only"
arrivals = {{ per_hour = {per_hour} }}
service = {{ distribution = "exponential", mean = "3m" }}
[[agent_groups]]
name = "agents"
count = {agents}
skills = ["only"]
[routing]
queue = "fifo"
"#
    );
    Scenario::from_toml_str(&text, "bench").unwrap()
}

fn two_priorities() -> Scenario {
    let text = r#"
name = "bench priorities"
[horizon]
duration = "8h"
[[call_types]]
name = "vip"
arrivals = { per_hour = 600 }
service = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "2m" }
priority = 5
[[call_types]]
name = "regular"
arrivals = { per_hour = 1400 }
service = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "2m" }
[[agent_groups]]
name = "agents"
count = 100
skills = ["vip", "regular"]
[routing]
queue = "priority"
"#;
    Scenario::from_toml_str(text, "bench").unwrap()
}

/// Times replications of `scenario` for at least `budget`; returns calls per second.
fn measure(scenario: &Scenario, budget: Duration) -> f64 {
    let start = Instant::now();
    let mut calls = 0.0;
    let mut replication = 0;
    while start.elapsed() < budget {
        let metrics = black_box(simulate_replication(scenario, replication));
        calls += metrics.total[Metric::Offered.index()];
        replication += 1;
    }
    calls / start.elapsed().as_secs_f64()
}

/// The yardstick: a minimal event-driven M/M/c FIFO simulator with a heap of departures.
fn minimal_mmc(agents: u32, calls: u64) -> f64 {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let mu = 1.0 / 180.0;
    let lambda = 0.95 * agents as f64 * mu;
    let mut departures: BinaryHeap<std::cmp::Reverse<u64>> = BinaryHeap::with_capacity(agents as usize);
    let mut queue: VecDeque<f64> = VecDeque::with_capacity(1024);
    let mut busy = 0;
    let first: f64 = Exp1.sample(&mut rng);
    let mut next_arrival = first / lambda;
    let mut total_wait = 0.0;
    let to_key = |t: f64| (t * 1e6) as u64;
    let start = Instant::now();
    let mut arrived = 0;
    while arrived < calls {
        let next_departure = departures.peek().map(|d| d.0 as f64 / 1e6).unwrap_or(f64::INFINITY);
        if next_arrival <= next_departure {
            let now = next_arrival;
            arrived += 1;
            let gap: f64 = Exp1.sample(&mut rng);
            next_arrival = now + gap / lambda;
            if busy < agents {
                busy += 1;
                let s: f64 = Exp1.sample(&mut rng);
                departures.push(std::cmp::Reverse(to_key(now + s / mu)));
            } else {
                queue.push_back(now);
            }
        } else {
            departures.pop();
            let now = next_departure;
            if let Some(arrival) = queue.pop_front() {
                total_wait += now - arrival;
                let s: f64 = Exp1.sample(&mut rng);
                departures.push(std::cmp::Reverse(to_key(now + s / mu)));
            } else {
                busy -= 1;
            }
        }
    }
    black_box(total_wait);
    calls as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let budget = Duration::from_millis(if std::env::var_os("CALLSIM_BENCH_QUICK").is_some() {
        200
    } else {
        2000
    });
    println!(
        "{:<44} {:>14} {:>10} {:>18}",
        "case", "calls/s", "ns/call", "minimal M/M/c ns"
    );
    for agents in [10, 100, 1000] {
        let rate = measure(&single_skill(agents), budget);
        let yardstick = minimal_mmc(agents, 2_000_000);
        println!(
            "{:<44} {:>14.0} {:>10.1} {:>18.1}",
            format!("single skill FIFO, {agents} agents, load 0.95"),
            rate,
            1e9 / rate,
            1e9 / yardstick
        );
    }
    let rate = measure(&two_priorities(), budget);
    println!(
        "{:<44} {:>14.0} {:>10.1} {:>18}",
        "two priority classes + patience, 100 agents",
        rate,
        1e9 / rate,
        "-"
    );
}
