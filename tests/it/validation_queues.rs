//! Validation: the simulator against exact queueing theory, inside 95% confidence intervals from independent
//! replications (fixed seeds, warm-up deleted). Each failure prints estimate, interval and exact value.

use callsim::erlang::{erlang_a, erlang_c, mmck};
use callsim::run::{run_scenario, simulate_replication};
use callsim::stats::{Estimate, Metric};

use crate::common::{assert_covers, scenario};

fn single_queue(agents: u32, per_hour: f64, aht: &str, extra: &str, lines: &str) -> String {
    format!(
        r#"
name = "validation"
seed = 2024
replications = 30
{lines}
[horizon]
duration = "40h"
warmup = "2h"
[service_level]
answer_within = "20s"
[[call_types]]
name = "only"
arrivals = {{ per_hour = {per_hour} }}
service = {{ distribution = "exponential", mean = "{aht}" }}
{extra}
[[agent_groups]]
name = "agents"
count = {agents}
skills = ["only"]
[routing]
queue = "fifo"
agent = "random"
"#
    )
}

#[test]
fn erlang_c_without_abandonment() {
    // 10 erlangs on 12 agents: a heavily loaded queue (P(wait) = 0.449).
    let s = scenario(&single_queue(12, 200.0, "3m", "", ""));
    let summary = run_scenario(&s, &|| {});
    let exact = erlang_c(12, 200.0 / 3600.0, 180.0).unwrap();
    let total = &summary.total;
    assert_covers("p_wait", total[Metric::PWait.index()], exact.p_wait, 0.0);
    assert_covers("asa", total[Metric::AsaS.index()], exact.asa(), 0.0);
    assert_covers(
        "service level",
        total[Metric::ServiceLevel.index()],
        exact.service_level(20.0),
        0.0,
    );
    assert_covers(
        "queue length",
        total[Metric::MeanQueueLength.index()],
        exact.mean_queue_length(),
        0.0,
    );
    assert_covers("occupancy", total[Metric::Occupancy.index()], exact.occupancy(), 0.0);
    // Percentiles are read from the histogram: within 0.4% of the sample value.
    assert_covers(
        "wait p90",
        total[Metric::WaitP90S.index()],
        exact.wait_quantile(0.9),
        0.004 * exact.wait_quantile(0.9),
    );
}

#[test]
fn erlang_a_with_exponential_patience() {
    let s = scenario(&single_queue(
        13,
        200.0,
        "3m",
        r#"patience = { distribution = "exponential", mean = "2m" }"#,
        "",
    ));
    let summary = run_scenario(&s, &|| {});
    let exact = erlang_a(13, 200.0 / 3600.0, 180.0, 120.0);
    let total = &summary.total;
    assert_covers(
        "abandonment",
        total[Metric::AbandonmentRate.index()],
        exact.p_abandon,
        0.0,
    );
    assert_covers("p_wait", total[Metric::PWait.index()], exact.p_wait, 0.0);
    assert_covers(
        "mean wait of all",
        total[Metric::MeanWaitS.index()],
        exact.mean_wait,
        0.0,
    );
    assert_covers("asa", total[Metric::AsaS.index()], exact.asa, 0.0);
    assert_covers(
        "service level",
        total[Metric::ServiceLevel.index()],
        exact.service_level(20.0),
        0.0,
    );
    assert_covers(
        "queue length",
        total[Metric::MeanQueueLength.index()],
        exact.mean_queue_length,
        0.0,
    );
}

#[test]
fn erlang_a_when_overloaded() {
    // 15 erlangs on 12 agents: only abandonment keeps the queue finite.
    let s = scenario(&single_queue(
        12,
        300.0,
        "3m",
        r#"patience = { distribution = "exponential", mean = "1m" }"#,
        "",
    ));
    let summary = run_scenario(&s, &|| {});
    let exact = erlang_a(12, 300.0 / 3600.0, 180.0, 60.0);
    assert_covers(
        "abandonment",
        summary.total[Metric::AbandonmentRate.index()],
        exact.p_abandon,
        0.0,
    );
    assert_covers("p_wait", summary.total[Metric::PWait.index()], exact.p_wait, 0.0);
}

#[test]
fn mmck_trunk_lines_block_arrivals() {
    let s = scenario(&single_queue(5, 300.0, "1m", "", "lines = 8"));
    let summary = run_scenario(&s, &|| {});
    let exact = mmck(5, 8, 300.0 / 3600.0, 60.0);
    let total = &summary.total;
    assert_covers("blocking", total[Metric::BlockingRate.index()], exact.blocking, 0.0);
    assert_covers("p_wait", total[Metric::PWait.index()], exact.p_wait, 0.0);
    assert_covers("mean wait", total[Metric::MeanWaitS.index()], exact.mean_wait, 0.0);
    assert_covers(
        "service level",
        total[Metric::ServiceLevel.index()],
        exact.service_level(20.0),
        0.0,
    );
}

/// Cobham (1954): non-preemptive priority M/M/c with equal service rates. Class k (1 = highest) waits on average
/// `W_k = C(c, A) / (c μ) / ((1 - σ_{k-1})(1 - σ_k))`, with `σ_k` the load share of classes 1..k over `c`.
fn cobham_waits(agents: u32, rates: &[f64], aht: f64) -> Vec<f64> {
    let total_rate: f64 = rates.iter().sum();
    let c = erlang_c(agents, total_rate, aht).unwrap();
    let capacity = agents as f64 / aht;
    let mut sigma_before = 0.0;
    rates
        .iter()
        .map(|rate| {
            let sigma = sigma_before + rate / capacity;
            let wait = c.p_wait / capacity / ((1.0 - sigma_before) * (1.0 - sigma));
            sigma_before = sigma;
            wait
        })
        .collect()
}

#[test]
fn two_priority_classes_follow_cobham() {
    let text = r#"
name = "priority validation"
seed = 99
replications = 30
[horizon]
duration = "40h"
warmup = "2h"
[[call_types]]
name = "vip"
arrivals = { per_hour = 60 }
service = { distribution = "exponential", mean = "3m" }
priority = 5
[[call_types]]
name = "regular"
arrivals = { per_hour = 140 }
service = { distribution = "exponential", mean = "3m" }
priority = 1
[[agent_groups]]
name = "agents"
count = 11
skills = ["regular", "vip"]
[routing]
queue = "priority"
agent = "longest-idle"
"#;
    let summary = run_scenario(&scenario(text), &|| {});
    let exact = cobham_waits(11, &[60.0 / 3600.0, 140.0 / 3600.0], 180.0);
    let vip = summary.of("vip").unwrap();
    let regular = summary.of("regular").unwrap();
    assert_covers("vip mean wait", vip[Metric::AsaS.index()], exact[0], 0.0);
    assert_covers("regular mean wait", regular[Metric::AsaS.index()], exact[1], 0.0);
    // The classes really differ: a priority bug that served FIFO would put both at the Erlang C ASA.
    let fifo = erlang_c(11, 200.0 / 3600.0, 180.0).unwrap().asa();
    assert!(!vip[Metric::AsaS.index()].covers(fifo) && !regular[Metric::AsaS.index()].covers(fifo));
}

#[test]
fn littles_law_holds_for_the_queue() {
    // L = λ W on the queue, per replication, with priorities, abandonment and non-exponential times.
    let text = r#"
name = "little"
seed = 5
replications = 20
[horizon]
duration = "30h"
warmup = "1h"
[[call_types]]
name = "a"
arrivals = { per_hour = 150 }
service = { distribution = "lognormal", mean = "3m", cv = 1.3 }
patience = { distribution = "weibull", mean = "2m", shape = 0.7 }
priority = 2
[[call_types]]
name = "b"
arrivals = { per_hour = 90 }
service = { distribution = "gamma", mean = "4m", cv = 0.5 }
patience = { distribution = "uniform", min = "10s", max = "5m" }
[[agent_groups]]
name = "g"
count = 14
skills = ["a", "b"]
[routing]
queue = "priority"
"#;
    let s = scenario(text);
    let window = s.horizon - s.warmup;
    let gaps: Vec<f64> = (0..s.replications)
        .map(|r| {
            let m = simulate_replication(&s, r);
            let queue = m.total[Metric::MeanQueueLength.index()];
            let little = m.total[Metric::Offered.index()] / window * m.total[Metric::MeanWaitS.index()];
            (queue - little) / little
        })
        .collect();
    let gap = Estimate::from_samples(gaps);
    // Relative gap between L and λW: zero up to end effects of the window (well under 1%).
    assert_covers("relative gap L - λW", gap, 0.0, 0.005);
}

#[test]
fn three_priority_classes_follow_cobham() {
    let text = r#"
name = "three classes"
seed = 1234
replications = 30
[horizon]
duration = "40h"
warmup = "2h"
[[call_types]]
name = "gold"
arrivals = { per_hour = 30 }
service = { distribution = "exponential", mean = "4m" }
priority = 3
[[call_types]]
name = "silver"
arrivals = { per_hour = 60 }
service = { distribution = "exponential", mean = "4m" }
priority = 2
[[call_types]]
name = "bronze"
arrivals = { per_hour = 75 }
service = { distribution = "exponential", mean = "4m" }
priority = 1
[[agent_groups]]
name = "agents"
count = 12
skills = ["bronze", "silver", "gold"]
[routing]
queue = "priority"
agent = "round-robin"
"#;
    let summary = run_scenario(&scenario(text), &|| {});
    let exact = cobham_waits(12, &[30.0 / 3600.0, 60.0 / 3600.0, 75.0 / 3600.0], 240.0);
    for (name, wait) in ["gold", "silver", "bronze"].iter().zip(exact) {
        assert_covers(
            &format!("{name} mean wait"),
            summary.of(name).unwrap()[Metric::AsaS.index()],
            wait,
            0.0,
        );
    }
}

#[test]
fn several_groups_serving_one_type_pool_like_one_group() {
    // Specialists and generalists all answering one call type behave as one pool of 12: Erlang C.
    let text = r#"
name = "pooled"
seed = 77
replications = 30
[horizon]
duration = "40h"
warmup = "2h"
[[call_types]]
name = "only"
arrivals = { per_hour = 200 }
service = { distribution = "exponential", mean = "3m" }
[[agent_groups]]
name = "first"
count = 5
skills = ["only"]
[[agent_groups]]
name = "second"
count = 7
skills = ["only"]
[routing]
queue = "fifo"
agent = "skill-order"
"#;
    let summary = run_scenario(&scenario(text), &|| {});
    let exact = erlang_c(12, 200.0 / 3600.0, 180.0).unwrap();
    assert_covers("p_wait", summary.total[Metric::PWait.index()], exact.p_wait, 0.0);
    assert_covers("asa", summary.total[Metric::AsaS.index()], exact.asa(), 0.0);
    // skill-order fills the first group before the second.
    assert!(summary.groups[0].occupancy.value() > summary.groups[1].occupancy.value());
}

#[test]
fn erlang_a_service_level_at_other_thresholds() {
    let s = scenario(&single_queue(
        30,
        560.0,
        "3m",
        r#"patience = { distribution = "exponential", mean = "90s" }"#,
        "",
    ));
    let exact = erlang_a(30, 560.0 / 3600.0, 180.0, 90.0);
    for threshold in [5.0, 60.0] {
        let mut with_threshold = s.clone();
        with_threshold.answer_within = threshold;
        let summary = run_scenario(&with_threshold, &|| {});
        assert_covers(
            &format!("service level within {threshold}s"),
            summary.total[Metric::ServiceLevel.index()],
            exact.service_level(threshold),
            0.0,
        );
    }
}
