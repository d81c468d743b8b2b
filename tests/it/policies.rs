//! Behaviour of the routing policies in whole simulations, where theory gives no exact number.

use callsim::run::{run_replications, run_scenario};
use callsim::stats::Metric;
use callsim::sweep::paired_difference;

use crate::common::scenario;

fn vip_day(queue: &str, aging: f64) -> String {
    format!(
        r#"
name = "aging"
seed = 21
replications = 20
[horizon]
duration = "10h"
warmup = "1h"
[[call_types]]
name = "vip"
arrivals = {{ per_hour = 120 }}
service = {{ distribution = "exponential", mean = "3m" }}
priority = 10
[[call_types]]
name = "regular"
arrivals = {{ per_hour = 90 }}
service = {{ distribution = "exponential", mean = "3m" }}
[[agent_groups]]
name = "agents"
count = 11
skills = ["vip", "regular"]
[routing]
queue = "{queue}"
aging_per_second = {aging}
"#
    )
}

#[test]
fn priority_aging_without_aging_is_strict_priority() {
    let strict = run_scenario(&scenario(&vip_day("priority", 0.0)), &|| {});
    let zero_aging = run_scenario(&scenario(&vip_day("priority-aging", 0.0)), &|| {});
    assert_eq!(strict, zero_aging);
}

#[test]
fn aging_shortens_the_longest_waits_of_low_priority_calls() {
    // Same callers under both policies (common random numbers): the paired difference of each day's p99.
    let strict = run_replications(&scenario(&vip_day("priority", 0.0)), &|| {});
    let aging = run_replications(&scenario(&vip_day("priority-aging", 0.2)), &|| {});
    let regular = paired_difference(&strict, &aging, |m| &m.call_types[1], Metric::WaitP99S);
    assert!(
        regular.mean.unwrap() + regular.ci95.unwrap() < 0.0,
        "regular p99 must fall with aging: {regular:?}"
    );
    // VIPs pay for it.
    let vip = paired_difference(&strict, &aging, |m| &m.call_types[0], Metric::WaitP99S);
    assert!(
        vip.mean.unwrap() - vip.ci95.unwrap() > 0.0,
        "vip p99 must rise with aging: {vip:?}"
    );
}

#[test]
fn skill_order_keeps_specialists_busier_than_generalists() {
    let text = |agent: &str| {
        format!(
            r#"
name = "skills"
seed = 8
replications = 10
[horizon]
duration = "8h"
[[call_types]]
name = "billing"
arrivals = {{ per_hour = 100 }}
service = {{ distribution = "exponential", mean = "4m" }}
[[agent_groups]]
name = "generalists"
count = 5
skills = ["other", "billing"]
[[agent_groups]]
name = "specialists"
count = 6
skills = ["billing"]
[[call_types]]
name = "other"
arrivals = {{ per_hour = 10 }}
service = {{ distribution = "exponential", mean = "4m" }}
[routing]
queue = "fifo"
agent = "{agent}"
"#
        )
    };
    let skill = run_scenario(&scenario(&text("skill-order")), &|| {});
    let idle = run_scenario(&scenario(&text("longest-idle")), &|| {});
    let occupancy =
        |s: &callsim::stats::Summary, g: &str| s.groups.iter().find(|x| x.name == g).unwrap().occupancy.value();
    assert!(occupancy(&skill, "specialists") > occupancy(&skill, "generalists") + 0.1);
    assert!((occupancy(&idle, "specialists") - occupancy(&idle, "generalists")).abs() < 0.15);
}

#[test]
fn erlang_a_staffing_needs_no_more_agents_than_erlang_c() {
    use callsim::erlang::{StaffingModel, Targets, required_agents};
    let targets = Targets {
        service_level: Some((0.8, 20.0)),
        ..Default::default()
    };
    for (rate, aht) in [(100.0 / 1800.0, 180.0), (1.0, 240.0), (0.01, 300.0)] {
        let c = required_agents(StaffingModel::ErlangC, rate, aht, &targets).unwrap();
        let a = required_agents(StaffingModel::ErlangA { patience: 300.0 }, rate, aht, &targets).unwrap();
        assert!(a <= c, "rate {rate}: erlang a {a}, erlang c {c}");
    }
}
