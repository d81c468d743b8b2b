//! Sweep axis specifications: ranges that cannot be expanded and repeated values are errors, never panics.

use callsim::sweep::{Axis, Grid, MAX_POINTS};

#[test]
fn endless_or_too_fine_ranges_are_refused() {
    for (spec, words) in [
        ("agent_groups.agents.count=0:inf", "finite"),
        ("agent_groups.agents.count=-inf:0", "finite"),
        ("agent_groups.agents.count=0:1:1e-300", "at most"),
        ("agent_groups.agents.count=0:1:inf", "step"),
        ("agent_groups.agents.count=0:1:nan", "step"),
        ("agent_groups.agents.count=0:1e300", "at most"),
        ("agent_groups.agents.count=0:9223372036854775807", "at most"),
        ("call_types.general.service.mean=1s:1000000h:1ms", "longer than"),
        ("call_types.general.service.mean=1s:1h:1ms", "at most"),
        ("call_types.general.service.mean=1s:-1h", "negative"),
    ] {
        let message = Axis::parse(spec).unwrap_err();
        assert!(message.contains(words), "{spec}: {message}");
    }
    let widest = format!("agent_groups.agents.count=1:{MAX_POINTS}");
    assert_eq!(Axis::parse(&widest).unwrap().values.len(), MAX_POINTS);
}

#[test]
fn repeated_values_are_refused() {
    for spec in [
        "routing.queue=fifo,fifo",
        "routing.queue=fifo, priority ,fifo",
        "agent_groups.agents.count=10,11,10",
        "agent_groups.agents.count=1,1.0",
        "call_types.general.service.mean=3m,4m,3m",
    ] {
        let message = Axis::parse(spec).unwrap_err();
        assert!(message.contains("listed twice"), "{spec}: {message}");
    }
    assert_eq!(Axis::parse("routing.queue=fifo,priority").unwrap().values.len(), 2);
}

const BASE: &str = r#"
name = "axes"
[horizon]
duration = "1h"
warmup = "10m"
[[call_types]]
name = "general"
arrivals = { per_hour = 100 }
service = { distribution = "exponential", mean = "3m" }
[[agent_groups]]
name = "agents"
count = 8
skills = ["general"]
"#;

#[test]
fn a_fractional_count_is_described_in_the_scenarios_words() {
    let specs = vec!["agent_groups.agents.count=10:12:0.5".to_string()];
    let message = Grid::build(BASE, "axes.toml", &specs, None).err().unwrap().to_string();
    assert!(
        message.contains("whole number") && !message.contains("u32"),
        "{message}"
    );
}

#[test]
fn sections_left_to_their_defaults_can_be_varied() {
    // No [routing] or [service_level] table in the file: the sweep writes into the defaults.
    let specs = vec![
        "routing.queue=fifo,priority".to_string(),
        "service_level.answer_within=10s,30s".to_string(),
    ];
    let grid = Grid::build(BASE, "axes.toml", &specs, None).unwrap();
    assert_eq!(grid.points.len(), 4);
    assert_eq!(grid.points[3].scenario.answer_within, 30.0);
}

#[test]
fn long_specifications_are_cut_when_quoted() {
    let huge = "x".repeat(1_000_000);
    for spec in [
        format!("routing.queue=fifo,{huge}"),
        format!("routing.{huge}=fifo,priority"),
        format!("{huge}.a=1,2"),
        format!("agent_groups.{huge}.count=1,2"),
        format!("agent_groups.agents.count={huge}:2"),
    ] {
        let message = Grid::build(BASE, "axes.toml", &[spec], None).err().unwrap().to_string();
        assert!(
            message.len() < 1_000 && message.contains('…'),
            "{} bytes",
            message.len()
        );
    }
}
