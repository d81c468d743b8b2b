//! Routing with thresholds and time-dependent skills (issue 11): reserved agents (`reserve`) and overflow by waiting
//! time (a skill's `after`). The limits in which each is the model without it, byte for byte; an exact check of a
//! trunk/agent reservation against the birth-death chain it makes of a loss system; the direction reservations move
//! the waits; and the scenario errors for bad keys.
//!
//! As in `validation_queues`, the exact test is a function of the seed returning its [`Checks`] (Bonferroni over
//! its assertions at a family-wise false-alarm rate of 0.1%), sized so that a 2% bias fails it; the sizing is in
//! its doc and the ignored `calibration` harness runs it over many seeds.

use callsim::run::simulate_replication;
use callsim::scenario::Scenario;
use callsim::stats::{Metric, ReplicationMetrics};

use crate::common::{Checks, replications as run, scenario};

/// Every CSV file `callsim run` writes for `text` (20 replications).
fn outputs(text: &str, tag: &str) -> Vec<(String, Vec<u8>)> {
    crate::common::run_outputs(text, &format!("routing-{tag}"))
}

fn assert_same(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)], what: &str) {
    for ((name, x), (_, y)) in a.iter().zip(b) {
        assert!(x == y, "{what}: {name} differs");
    }
}

/// Two call types with patience on two groups over a busy day with a time-varying load: `generalists` answer both
/// (their skills and reserve from the arguments), `sales_desk` only sales.
fn two_types(generalist_skills: &str, generalist_reserve: &str, selection: &str) -> String {
    format!(
        r#"
name = "routing limits"
seed = 11
[horizon]
duration = "8h"
warmup = "30m"
interval = "1h"
[[call_types]]
name = "vip"
arrivals = {{ per_hour = [60, 90, 120, 90, 60, 60, 90, 60] }}
service = {{ distribution = "exponential", mean = "4m" }}
patience = {{ distribution = "exponential", mean = "3m" }}
priority = 2
[[call_types]]
name = "sales"
arrivals = {{ per_hour = 100 }}
service = {{ distribution = "lognormal", mean = "3m", cv = 0.8 }}
patience = {{ distribution = "exponential", mean = "4m" }}
[[agent_groups]]
name = "generalists"
count = 9
skills = {generalist_skills}
{generalist_reserve}
[[agent_groups]]
name = "sales_desk"
count = 5
skills = ["sales"]
[routing]
queue = "priority"
agent = "{selection}"
"#
    )
}

/// A reservation of 0 agents is no reservation: every output file is byte for byte the same, under every agent
/// selection (the router's paths with and without rules are both taken).
#[test]
fn a_reserve_of_zero_agents_equals_no_reservation() {
    for selection in ["longest-idle", "random"] {
        let plain = outputs(&two_types(r#"["vip", "sales"]"#, "", selection), "plain");
        let zero = outputs(
            &two_types(
                r#"["vip", "sales"]"#,
                r#"reserve = { for = "vip", agents = 0 }"#,
                selection,
            ),
            "reserve0",
        );
        assert_same(&plain, &zero, &format!("reserve 0 under {selection}"));
        let two = outputs(
            &two_types(
                r#"["vip", "sales"]"#,
                r#"reserve = { for = "vip", agents = 2 }"#,
                selection,
            ),
            "reserve2",
        );
        assert_ne!(
            plain[0].1, two[0].1,
            "a reserve of 2 changes the outputs under {selection}"
        );
    }
}

/// A skill that comes due after 0 s is the static skill; one that comes due only after the day (and any wait
/// anyone has) is no skill at all: every output file is byte for byte the same. (The sales desk keeps sales
/// served, so the scenario without the generalists' sales skill is valid too.)
#[test]
fn overflow_after_zero_is_the_static_skill_and_after_the_day_is_no_skill() {
    for selection in ["longest-idle", "skill-order", "random"] {
        let static_skill = outputs(&two_types(r#"["vip", "sales"]"#, "", selection), "static");
        let after_zero = outputs(
            &two_types(r#"["vip", { call_type = "sales", after = "0s" }]"#, "", selection),
            "after0",
        );
        assert_same(&static_skill, &after_zero, &format!("after 0s under {selection}"));
        let no_skill = outputs(&two_types(r#"["vip"]"#, "", selection), "noskill");
        let after_day = outputs(
            &two_types(r#"["vip", { name = "sales", after = "1000h" }]"#, "", selection),
            "afterday",
        );
        assert_same(&no_skill, &after_day, &format!("after 1000h under {selection}"));
        let after_minute = outputs(
            &two_types(r#"["vip", { call_type = "sales", after = "1m" }]"#, "", selection),
            "after1m",
        );
        assert_ne!(
            no_skill[0].1, after_minute[0].1,
            "an overflow after 1 minute changes the outputs"
        );
        assert_ne!(
            static_skill[0].1, after_minute[0].1,
            "an overflow after 1 minute is not the static skill"
        );
    }
}

fn per_type(runs: &[ReplicationMetrics], call_type: usize, metric: Metric) -> impl Iterator<Item = f64> + '_ {
    runs.iter().map(move |m| m.call_types[call_type][metric.index()])
}

/// The loss system with a trunk/agent reservation: `c` agents answer two Poisson classes with the same
/// exponential handle time; class A (`vip`) is accepted whenever an agent is free, class B (`regular`) only while
/// more than `reserved` agents are free; a caller who is not accepted hangs up at once (`balk = 1`). The number of
/// busy agents is a birth-death chain: births at `a + b` (offered erlangs) below `c - reserved` busy, at `a` from
/// there to `c`, deaths at `n` (per mean handle time). Returns (A's loss, B's loss, occupancy).
pub(crate) fn reservation_chain(c: usize, reserved: usize, a: f64, b: f64) -> (f64, f64, f64) {
    let mut p = vec![1.0];
    for n in 0..c {
        let birth = if n < c - reserved { a + b } else { a };
        p.push(p[n] * birth / (n + 1) as f64);
    }
    let total: f64 = p.iter().sum();
    let p: Vec<f64> = p.iter().map(|x| x / total).collect();
    let loss_a = p[c];
    let loss_b: f64 = p[c - reserved..].iter().sum();
    let busy: f64 = p.iter().enumerate().map(|(n, x)| n as f64 * x).sum();
    (loss_a, loss_b, busy / c as f64)
}

/// 10 agents keep 2 back for `vip`: 6 erlangs of vip (120 calls an hour of 3 minutes) and 4 of regular (80 an
/// hour). The chain gives a vip loss of 9.94%, a regular loss of 51.4% and an occupancy of 73.5%.
///
/// Sizing: 1,200 days of 20 h after a 1 h warm-up (about 2,400 vip and 1,600 regular calls a day). False-alarm
/// rate <= 0.1% (Bonferroni over k = 3). Half-widths: 0.98% of the vip loss, 0.39% of the regular loss and 0.11%
/// of occupancy, so a 2% bias in any fails the test (calibrated over seeds 1-100: every seed passes, and every seed
/// fails with the exact values multiplied by 1.02 or by 0.98). Checked by hand with a mutation: a threshold one
/// agent higher (other types answered only while more than 3 are free) fails all three by far.
pub(crate) fn reservation_case(seed: u64) -> Checks {
    let mut s = scenario(
        r#"
name = "trunk reservation"
replications = 1200
[horizon]
duration = "21h"
warmup = "1h"
[[call_types]]
name = "vip"
arrivals = { per_hour = 120 }
service = { distribution = "exponential", mean = "3m" }
balk = 1
[[call_types]]
name = "regular"
arrivals = { per_hour = 80 }
service = { distribution = "exponential", mean = "3m" }
balk = 1
[[agent_groups]]
name = "agents"
count = 10
skills = ["vip", "regular"]
reserve = { for = "vip", agents = 2 }
"#,
    );
    s.seed = seed;
    let runs = run(&s);
    let (loss_vip, loss_regular, occupancy) = reservation_chain(10, 2, 6.0, 4.0);
    let mut checks = Checks::new();
    checks
        .mean("vip balk share", per_type(&runs, 0, Metric::AbandonmentRate), loss_vip)
        .mean(
            "regular balk share",
            per_type(&runs, 1, Metric::AbandonmentRate),
            loss_regular,
        )
        .mean(
            "occupancy",
            runs.iter().map(|m| m.total[Metric::Occupancy.index()]),
            occupancy,
        );
    checks
}

#[test]
fn a_trunk_reservation_is_the_exact_birth_death_chain() {
    reservation_case(20_251).assert_all();
}

/// The chain itself: no reservation is Erlang B for the pooled load, and a reservation of every agent but one
/// leaves class B only the empty system.
#[test]
fn the_reservation_chain_reduces_to_erlang_b() {
    let (a, b, occ) = reservation_chain(10, 0, 4.0, 4.0);
    let blocking = callsim::erlang::erlang_b(10, 8.0);
    assert!((a - blocking).abs() < 1e-12 && (b - blocking).abs() < 1e-12);
    assert!((occ - 8.0 * (1.0 - blocking) / 10.0).abs() < 1e-12);
    let (_, b, _) = reservation_chain(3, 2, 1.0, 1.0);
    // States 0..3 with births 2, 1, 1: p = (1, 2, 1, 1/3) / (13/3); B is accepted only in state 0.
    assert!((b - (1.0 - 3.0 / 13.0)).abs() < 1e-12);
}

/// With queues (patience, FIFO): keeping 2 of 10 agents for vip lowers vip's mean wait and raises regular's, on
/// the same seeds, and vip is answered by the same group as before.
#[test]
fn a_reservation_shortens_the_reserved_waits_and_lengthens_the_others() {
    let text = |reserve: &str| {
        format!(
            r#"
name = "reservation with queues"
replications = 40
seed = 5
[horizon]
duration = "9h"
warmup = "1h"
[[call_types]]
name = "vip"
arrivals = {{ per_hour = 60 }}
service = {{ distribution = "exponential", mean = "4m" }}
patience = {{ distribution = "exponential", mean = "5m" }}
[[call_types]]
name = "regular"
arrivals = {{ per_hour = 80 }}
service = {{ distribution = "exponential", mean = "4m" }}
patience = {{ distribution = "exponential", mean = "5m" }}
[[agent_groups]]
name = "agents"
count = 10
skills = ["vip", "regular"]
{reserve}
[routing]
queue = "fifo"
"#
        )
    };
    let without = run(&scenario(&text("")));
    let with = run(&scenario(&text(r#"reserve = { for = "vip", agents = 2 }"#)));
    let mean = |runs: &[ReplicationMetrics], t: usize| per_type(runs, t, Metric::AsaS).sum::<f64>() / runs.len() as f64;
    let (vip_before, vip_after) = (mean(&without, 0), mean(&with, 0));
    let (regular_before, regular_after) = (mean(&without, 1), mean(&with, 1));
    assert!(
        vip_after < 0.7 * vip_before,
        "vip ASA {vip_before:.1} s without, {vip_after:.1} s with the reservation"
    );
    assert!(
        regular_after > 1.1 * regular_before,
        "regular ASA {regular_before:.1} s without, {regular_after:.1} s with the reservation"
    );
}

/// An overflow group that becomes eligible only after a minute answers only calls that waited a minute: with
/// constant patience of 50 s nobody waits that long, so the overflow group answers nothing; with patience long
/// enough it takes part of the load and the mean wait falls.
#[test]
fn an_overflow_group_answers_only_calls_that_waited_long_enough() {
    let text = |patience: &str| {
        format!(
            r#"
name = "overflow by waiting time"
replications = 10
seed = 9
[horizon]
duration = "8h"
[[call_types]]
name = "general"
arrivals = {{ per_hour = 190 }}
service = {{ distribution = "exponential", mean = "3m" }}
patience = {{ distribution = "constant", mean = "{patience}" }}
[[call_types]]
name = "other"
arrivals = {{ per_hour = 10 }}
service = {{ distribution = "exponential", mean = "3m" }}
[[agent_groups]]
name = "front"
count = 10
skills = ["general"]
[[agent_groups]]
name = "backup"
count = 3
skills = ["other", {{ call_type = "general", after = "1m" }}]
"#
        )
    };
    let group_handled =
        |runs: &[ReplicationMetrics], group: usize| -> f64 { runs.iter().map(|m| m.groups[group].calls_handled).sum() };
    let short = scenario(&text("50s"));
    let short_runs: Vec<ReplicationMetrics> = (0..short.replications)
        .map(|r| simulate_replication(&short, r))
        .collect();
    let other_calls: f64 = short_runs
        .iter()
        .map(|m| m.call_types[1][Metric::Answered.index()])
        .sum();
    assert!(
        group_handled(&short_runs, 1) <= other_calls * 1.2 + 20.0,
        "backup answered {} calls, other calls answered {other_calls}",
        group_handled(&short_runs, 1)
    );
    let long = scenario(&text("10m"));
    let long_runs = run(&long);
    let backup_general: f64 = group_handled(&long_runs, 1)
        - long_runs
            .iter()
            .map(|m| m.call_types[1][Metric::Answered.index()])
            .sum::<f64>();
    assert!(backup_general > 100.0, "backup answered {backup_general} general calls");
}

const GOOD: &str = r#"
name = "ok"
[horizon]
duration = "8h"
[[call_types]]
name = "vip"
arrivals = { per_hour = 20 }
service = { distribution = "exponential", mean = "3m" }
[[call_types]]
name = "regular"
arrivals = { per_hour = 100 }
service = { distribution = "exponential", mean = "3m" }
[[agent_groups]]
name = "agents"
count = 12
skills = ["vip", "regular"]
"#;

fn error_of(text: &str) -> String {
    match Scenario::from_toml_str(text, "bad.toml") {
        Ok(_) => panic!("accepted invalid scenario:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn assert_mentions(message: &str, parts: &[&str]) {
    assert!(!message.contains('\n'), "message spans lines: {message}");
    assert!(message.starts_with("bad.toml"), "no file name: {message}");
    for part in parts {
        assert!(message.contains(part), "{message:?} does not mention {part:?}");
    }
}

fn with_skills(skills: &str) -> String {
    GOOD.replace(r#"skills = ["vip", "regular"]"#, &format!("skills = {skills}"))
}

#[test]
fn the_new_keys_are_accepted() {
    let text = with_skills(r#"["vip", { call_type = "regular", after = "20s" }]"#)
        + "reserve = { for = \"vip\", agents = 2 }\n";
    let s = Scenario::from_toml_str(&text, "good.toml").unwrap();
    let group = &s.agent_groups[0];
    assert_eq!(group.skills, [0, 1]);
    assert_eq!(group.skill_after, [0.0, 20.0]);
    assert_eq!(group.reserve.map(|r| (r.call_type.0, r.agents)), Some((0, 2)));
    let config = s.router_config();
    assert_eq!(config.groups[0].skill_after, [0.0, 20.0]);
}

#[test]
fn bad_skill_entries_are_refused() {
    assert_mentions(
        &error_of(&with_skills(r#"["vip", { call_type = "sales", after = "20s" }]"#)),
        &["agent_groups[agents].skills", "sales", "vip, regular"],
    );
    assert_mentions(
        &error_of(&with_skills(r#"["vip", { call_type = "regular", after = "-5s" }]"#)),
        &["agent_groups[agents].skills[1].after", "negative"],
    );
    assert_mentions(
        &error_of(&with_skills(r#"["vip", { call_type = "regular", after = "NaN" }]"#)),
        &["agent_groups[agents].skills[1].after", "duration"],
    );
    assert_mentions(
        &error_of(&with_skills(
            r#"["vip", "regular", { call_type = "vip", after = "1m" }]"#,
        )),
        &["agent_groups[agents].skills", "vip", "twice"],
    );
    assert_mentions(
        &error_of(&with_skills(r#"["vip", { call_type = "regular", later = "1m" }]"#)),
        &["call_type", "after"],
    );
}

#[test]
fn too_many_different_delays_are_refused() {
    let mut text = GOOD.to_string();
    for (i, after) in ["10s", "20s", "30s", "40s"].iter().enumerate() {
        text += &format!(
            "[[agent_groups]]\nname = \"g{i}\"\ncount = 1\nskills = [{{ call_type = \"regular\", after = \"{after}\" }}]\n"
        );
    }
    assert_mentions(&error_of(&text), &["agent_groups", "regular", "at most 3"]);
}

#[test]
fn bad_reserves_are_refused() {
    let reserve = |r: &str| GOOD.to_string() + r + "\n";
    assert_mentions(
        &error_of(&reserve(r#"reserve = { for = "gold", agents = 2 }"#)),
        &["agent_groups[agents].reserve.for", "gold", "vip, regular"],
    );
    assert_mentions(
        &error_of(&(with_skills(r#"["regular"]"#) + "reserve = { for = \"vip\", agents = 1 }\n")),
        &["agent_groups[agents].reserve.for", "vip", "regular"],
    );
    assert_mentions(
        &error_of(&reserve(r#"reserve = { for = "vip", agents = 12 }"#)),
        &["agent_groups[agents].reserve.agents", "below", "12"],
    );
    assert_mentions(
        &error_of(&reserve(r#"reserve = { for = "vip", agents = -1 }"#)),
        &["agents"],
    );
    assert_mentions(
        &error_of(&reserve(r#"reserve = { for = "vip", count = 1 }"#)),
        &["count"],
    );
}

/// The example scenario reads, and `check` shows its thresholds.
#[test]
fn the_thresholds_example_reads() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/thresholds.toml");
    let s = Scenario::from_toml_str(&std::fs::read_to_string(path).unwrap(), "thresholds.toml").unwrap();
    assert_eq!(s.agent_groups[0].reserve.map(|r| r.agents), Some(2));
    assert_eq!(s.agent_groups[1].skill_after, [45.0]);
    let out = crate::common::callsim(&["check", path]);
    let text = crate::common::stdout(&out);
    assert!(
        text.contains("regular after 45.0s") && text.contains("keeps 2 for vip"),
        "{text}"
    );
}
