//! Throughput benchmark: simulated calls per second, single-threaded, for the model sizes in the README.
//!
//! Run with `cargo bench` (divan; about half a minute). Each case runs one whole replication (always the same, so
//! every sample does identical work) through the real engine, router and collector; divan reports the time per
//! replication and, from its call count, the throughput in calls per second, each as fastest, slowest, median and
//! mean over its samples: ns per call is 1e9 divided by the median throughput. A minimal hand-written M/M/c
//! simulator (one FIFO queue, no observers) is timed beside it as the yardstick.

use std::collections::{BinaryHeap, VecDeque};

use callsim::run::simulate_replication;
use callsim::scenario::Scenario;
use callsim::stats::Metric;
use divan::Bencher;
use divan::counter::ItemsCount;
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};
use rand_xoshiro::Xoshiro256PlusPlus;

fn main() {
    divan::main();
}

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

/// Calls offered in replication 0 of `scenario`: the work one sample does.
fn calls_of(scenario: &Scenario) -> usize {
    simulate_replication(scenario, 0).total[Metric::Offered.index()] as usize
}

/// One replication of `scenario` per iteration, counted in calls.
fn bench_replication(bencher: Bencher, scenario: Scenario) {
    let calls = calls_of(&scenario);
    bencher
        .counter(ItemsCount::new(calls))
        .bench(|| simulate_replication(divan::black_box(&scenario), 0));
}

/// Single skill, FIFO, 3-minute exponential calls at load 0.95, 8 hours.
#[divan::bench(args = [10, 100, 1000], sample_count = 30)]
fn single_skill_fifo(bencher: Bencher, agents: u32) {
    bench_replication(bencher, single_skill(agents));
}

/// Two priority classes with exponential patience, 100 agents, 8 hours.
#[divan::bench(sample_count = 30)]
fn two_priority_classes_with_patience(bencher: Bencher) {
    bench_replication(bencher, two_priorities());
}

/// The yardstick, on the same model as `single_skill_fifo`.
#[divan::bench(args = [10, 100, 1000], sample_count = 30)]
fn minimal_mmc_yardstick(bencher: Bencher, agents: u32) {
    let calls = 200_000;
    bencher
        .counter(ItemsCount::new(calls as usize))
        .bench(|| minimal_mmc(divan::black_box(agents), calls));
}

/// The yardstick: a minimal event-driven M/M/c FIFO simulator with a heap of departures; returns the total wait.
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
    total_wait
}

/// The inputs of the Erlang X benchmarks: the issue's example (14 agents, 100 lines, redial 0.5 after 10 min), and
/// a heavy orbit (10 agents, redial 0.9 after 5 min).
fn erlang_x_input(heavy: bool) -> callsim::erlang::x::ErlangXInput {
    callsim::erlang::x::ErlangXInput {
        agents: if heavy { 10 } else { 14 },
        lines: 100,
        calls_per_second: 240.0 / 3600.0,
        aht: 180.0,
        patience: Some(60.0),
        redial_probability: if heavy { 0.9 } else { 0.5 },
        redial_delay: if heavy { 300.0 } else { 600.0 },
    }
}

/// Erlang X of the issue's example, adaptive truncation (what `callsim erlang x` runs).
#[divan::bench]
fn erlang_x_issue_example() -> f64 {
    erlang_x_input(false).solve().unwrap().service_level(20.0)
}

/// Erlang X with all 100 lines and 400 orbit levels, the size the issue asks to be fast.
#[divan::bench]
fn erlang_x_100_lines_400_levels() -> f64 {
    erlang_x_input(true).solve_capped(400).unwrap().service_level(20.0)
}
