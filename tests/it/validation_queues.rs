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
fn erlang_c_tail_percentiles_over_many_short_days() {
    // Eight-hour days at high load differ a lot from one another; percentiles pooled over days must still match
    // the stationary Erlang C quantiles (an average of daily 99th percentiles falls about 25% short here).
    let mut s = scenario(&single_queue(12, 200.0, "3m", "", ""));
    s.horizon = 8.0 * 3600.0;
    s.warmup = 3600.0;
    s.replications = 300;
    let summary = run_scenario(&s, &|| {});
    let exact = erlang_c(12, 200.0 / 3600.0, 180.0).unwrap();
    for (metric, p) in [
        (Metric::WaitP80S, 0.8),
        (Metric::WaitP95S, 0.95),
        (Metric::WaitP99S, 0.99),
    ] {
        let q = exact.wait_quantile(p);
        assert_covers(metric.name(), summary.total[metric.index()], q, 0.004 * q);
    }
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

/// A scenario of non-preemptive priority classes sharing one pool: `(name, calls per hour, priority)`, exponential
/// handle times of `aht_minutes`, no abandonment.
fn priority_classes(seed: u64, agents: u32, aht_minutes: u32, classes: &[(&str, f64, f64)], agent: &str) -> String {
    let mut text = format!(
        "name = \"priority classes\"\nseed = {seed}\nreplications = 30\n[horizon]\nduration = \"40h\"\nwarmup = \"2h\"\n"
    );
    for (name, per_hour, priority) in classes {
        text += &format!(
            "[[call_types]]\nname = \"{name}\"\narrivals = {{ per_hour = {per_hour} }}\n\
             service = {{ distribution = \"exponential\", mean = \"{aht_minutes}m\" }}\npriority = {priority}\n"
        );
    }
    // Skills listed lowest priority first, so the group's skill order never does the priority's work.
    let skills: Vec<String> = classes.iter().rev().map(|(name, _, _)| format!("\"{name}\"")).collect();
    text += &format!(
        "[[agent_groups]]\nname = \"agents\"\ncount = {agents}\nskills = [{}]\n[routing]\nqueue = \"priority\"\nagent = \"{agent}\"\n",
        skills.join(", ")
    );
    text
}

/// Asserts every class's mean wait (ASA: nobody abandons) against Cobham's formula.
fn assert_cobham(agents: u32, aht_minutes: u32, classes: &[(&str, f64, f64)], text: &str) -> callsim::stats::Summary {
    let summary = run_scenario(&scenario(text), &|| {});
    let rates: Vec<f64> = classes.iter().map(|(_, per_hour, _)| per_hour / 3600.0).collect();
    let exact = cobham_waits(agents, &rates, aht_minutes as f64 * 60.0);
    for ((name, _, _), wait) in classes.iter().zip(exact) {
        assert_covers(
            &format!("{name} mean wait"),
            summary.of(name).unwrap()[Metric::AsaS.index()],
            wait,
            0.0,
        );
    }
    summary
}

#[test]
fn two_priority_classes_follow_cobham() {
    let classes = [("vip", 60.0, 5.0), ("regular", 140.0, 1.0)];
    let summary = assert_cobham(11, 3, &classes, &priority_classes(99, 11, 3, &classes, "longest-idle"));
    // The classes really differ: a priority bug that served FIFO would put both at the Erlang C ASA.
    let fifo = erlang_c(11, 200.0 / 3600.0, 180.0).unwrap().asa();
    for name in ["vip", "regular"] {
        assert!(
            !summary.of(name).unwrap()[Metric::AsaS.index()].covers(fifo),
            "{name} looks FIFO"
        );
    }
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
    let classes = [("gold", 30.0, 3.0), ("silver", 60.0, 2.0), ("bronze", 75.0, 1.0)];
    assert_cobham(12, 4, &classes, &priority_classes(1234, 12, 4, &classes, "round-robin"));
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
