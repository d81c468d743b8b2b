//! Service-level targets per call type (`[[call_types]] service_level = { answer_within, target }`, issue 11
//! part 5): exact limits, not statistics.
//!
//! The threshold only changes what is counted, never what is simulated, so the same seed gives the same calls
//! whatever the thresholds: each type's figures with its own threshold must equal, to the last bit, the figures of
//! a run whose scenario-level threshold is that type's. A type that repeats the scenario's values must change no
//! output byte.

use std::path::Path;

use callsim::run::run_day;
use callsim::scenario::Scenario;
use callsim::stats::{DayResults, IntervalMetric, Metric, Summary};
use callsim::theory::theory_for;

use crate::common::{callsim, json, scenario, stdout};

/// Two call types on one pool with patience, 6 hourly intervals, busy enough that thresholds matter. `scenario_sl`
/// is the `[service_level]` table's body; `vip_sl` and `regular_sl` each type's `service_level` (empty: none).
fn two_types(scenario_sl: &str, vip_sl: &str, regular_sl: &str) -> String {
    let own = |sl: &str| {
        if sl.is_empty() {
            String::new()
        } else {
            format!("service_level = {{ {sl} }}\n")
        }
    };
    format!(
        r#"
name = "two targets"
seed = 5
replications = 12

[horizon]
duration = "6h"
interval = "1h"

[service_level]
{scenario_sl}

[[call_types]]
name = "vip"
arrivals = {{ per_hour = [30, 40, 50, 50, 40, 30] }}
service = {{ distribution = "exponential", mean = "4m" }}
patience = {{ distribution = "exponential", mean = "2m" }}
priority = 10
{vip}
[[call_types]]
name = "regular"
arrivals = {{ per_hour = [120, 150, 170, 160, 140, 120] }}
service = {{ distribution = "exponential", mean = "4m" }}
patience = {{ distribution = "exponential", mean = "3m" }}
{regular}
[[agent_groups]]
name = "operators"
count = 15
skills = ["vip", "regular"]
"#,
        vip = own(vip_sl),
        regular = own(regular_sl),
    )
}

fn run(text: &str) -> (Scenario, Summary, DayResults) {
    let s = scenario(text);
    let (summary, day) = run_day(&s, &|| {});
    (s, summary, day)
}

/// The service-level figures that depend on the threshold (and the short-abandon threshold).
const THRESHOLD_METRICS: [Metric; 4] = [
    Metric::ServiceLevel,
    Metric::ServiceLevelOfAnswered,
    Metric::ServiceLevelShortAbandonsExcluded,
    Metric::ServiceLevelAbandonsWithinCounted,
];

/// Call type `t` of `mixed` has exactly the threshold-dependent figures of call type `t` of `alone` (per day, in
/// the summary, per interval, and in the day's raw counts).
fn same_type_figures(mixed: &(Scenario, Summary, DayResults), alone: &(Scenario, Summary, DayResults), t: usize) {
    let name = &mixed.0.call_types[t].name;
    for m in THRESHOLD_METRICS {
        assert_eq!(
            mixed.1.call_types[t].1[m.index()],
            alone.1.call_types[t].1[m.index()],
            "{name}: summary {}",
            m.name()
        );
        for (r, (a, b)) in mixed.2.days.iter().zip(&alone.2.days).enumerate() {
            let (x, y) = (a.1[t][m.index()], b.1[t][m.index()]);
            assert!(
                x == y || (x.is_nan() && y.is_nan()),
                "{name}: day {r} {}: {x} vs {y}",
                m.name()
            );
        }
    }
    for (r, (a, b)) in mixed.2.days.iter().zip(&alone.2.days).enumerate() {
        assert_eq!(a.0.call_types[t], b.0.call_types[t], "{name}: day {r} raw counts");
    }
    for (a, b) in mixed.2.intervals.iter().zip(&alone.2.intervals) {
        for m in [IntervalMetric::ServiceLevel, IntervalMetric::DaysMeetingTarget] {
            assert_eq!(
                a.scopes[t][m.index()],
                b.scopes[t][m.index()],
                "{name}: interval {} {}",
                a.interval_start,
                m.name()
            );
        }
    }
    assert_eq!(
        mixed.2.call_type_days_meeting_target[t], alone.2.call_type_days_meeting_target[t],
        "{name}: days meeting its target"
    );
    assert_eq!(
        mixed.2.call_type_intervals_meeting_target[t], alone.2.call_type_intervals_meeting_target[t],
        "{name}: intervals meeting its target"
    );
}

#[test]
fn each_type_counts_against_its_own_threshold_exactly() {
    let mixed = run(&two_types(
        "answer_within = \"20s\"\ntarget = 0.8",
        "answer_within = \"10s\", target = 0.9",
        "",
    ));
    let all_10s = run(&two_types("answer_within = \"10s\"\ntarget = 0.9", "", ""));
    let all_20s = run(&two_types("answer_within = \"20s\"\ntarget = 0.8", "", ""));
    assert!(mixed.0.has_type_targets() && mixed.0.targets_differ());
    same_type_figures(&mixed, &all_10s, 0);
    same_type_figures(&mixed, &all_20s, 1);
    // The thresholds matter here: VIP in 10 s is well below VIP in 20 s.
    let vip_sl = |r: &(Scenario, Summary, DayResults)| r.1.call_types[0].1[Metric::ServiceLevel.index()].value();
    assert!(
        vip_sl(&mixed) + 0.02 < vip_sl(&all_20s),
        "{} vs {}",
        vip_sl(&mixed),
        vip_sl(&all_20s)
    );
    // The total: each call counted against its own type's threshold.
    for (r, (day, metrics)) in mixed.2.days.iter().enumerate() {
        let within =
            all_10s.2.days[r].0.call_types[0].answered_within + all_20s.2.days[r].0.call_types[1].answered_within;
        assert_eq!(day.total.answered_within, within, "day {r}");
        let total = metrics.last().unwrap()[Metric::ServiceLevel.index()];
        assert_eq!(total, within as f64 / day.total.offered as f64, "day {r}");
    }
}

#[test]
fn days_meeting_the_target_use_each_types_own_target() {
    let (s, _, day) = run(&two_types(
        "answer_within = \"20s\"\ntarget = 0.8",
        "answer_within = \"10s\", target = 0.9",
        "target = 0.75",
    ));
    let targets = [0.9, 0.75];
    let meets = |r: usize, t: usize| day.days[r].0.call_types[t].service_level() >= targets[t];
    let n = day.days.len() as f64;
    for (t, target) in targets.iter().enumerate() {
        assert_eq!(s.target_of(t), *target);
        let recount = (0..day.days.len()).filter(|&r| meets(r, t)).count() as f64 / n;
        let share = day.call_type_days_meeting_target[t].value();
        assert!(
            (share - recount).abs() < 1e-12,
            "type {t}: {share} vs recount {recount}"
        );
    }
    // With targets that differ, a day meets "the target" when every type meets its own.
    let every = (0..day.days.len()).filter(|&r| meets(r, 0) && meets(r, 1)).count() as f64 / n;
    assert!((day.days_meeting_target.value() - every).abs() < 1e-12);
    // The recount is not trivial: some days meet one type's target but not the other's.
    let regular_only = (0..day.days.len()).filter(|&r| meets(r, 1) && !meets(r, 0)).count();
    let all_meet = (0..day.days.len()).filter(|&r| meets(r, 0) && meets(r, 1)).count();
    assert!(
        regular_only + all_meet > 0,
        "no day meets regular's target: choose a lighter load"
    );
}

#[test]
fn a_type_repeating_the_scenarios_values_changes_no_byte() {
    let base = r#"
name = "repeat"
seed = 3
replications = 6
busyness = { cv = 0.05 }

[horizon]
duration = "4h"
interval = "1h"

[service_level]
answer_within = "15s"
target = 0.85
short_abandon = "4s"

[[call_types]]
name = "general"
arrivals = { per_hour = [100, 140, 160, 120] }
service = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "2m" }
"#;
    let groups = r#"
[[agent_groups]]
name = "agents"
count = 8
skills = ["general"]
"#;
    let repeated =
        format!("{base}service_level = {{ answer_within = \"15s\", target = 0.85, short_abandon = \"4s\" }}\n{groups}");
    let plain = format!("{base}{groups}");
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for (name, text) in [("plain", &plain), ("repeated", &repeated)] {
        let file = dir.path().join(format!("{name}.toml"));
        std::fs::write(&file, text).unwrap();
        let out = dir.path().join(name);
        let (file, out_dir) = (file.to_str().unwrap().to_string(), out.to_str().unwrap().to_string());
        let table = stdout(&callsim(&["run", &file, "--out", &out_dir]));
        let table: String = table
            .lines()
            .filter(|l| !l.starts_with("wrote "))
            .collect::<Vec<_>>()
            .join("\n");
        let json = stdout(&callsim(&["run", &file, "--json"]));
        let sweep_out = dir.path().join(format!("{name}-sweep"));
        let sweep = stdout(&callsim(&[
            "sweep",
            &file,
            "--vary",
            "agent_groups.agents.count=7:9",
            "-r",
            "3",
            "--out",
            sweep_out.to_str().unwrap(),
        ]));
        let sweep: String = sweep
            .lines()
            .filter(|l| !l.starts_with("wrote "))
            .collect::<Vec<_>>()
            .join("\n");
        let check = stdout(&callsim(&["check", &file]));
        outputs.push((out, sweep_out, table, json, sweep, check));
    }
    let (a, b) = (&outputs[0], &outputs[1]);
    assert_eq!(a.2, b.2, "run table");
    assert_eq!(a.3, b.3, "run --json");
    assert_eq!(a.4, b.4, "sweep table");
    assert_eq!(a.5, b.5, "check");
    let files = |d: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    for (x, y) in [(&a.0, &b.0), (&a.1, &b.1)] {
        let names = files(x);
        assert_eq!(names, files(y));
        assert!(
            names.iter().any(|n| n == "daily_service_level.png" || n == "sweep.csv"),
            "{names:?}"
        );
        for name in names {
            let read = |d: &Path| std::fs::read(d.join(&name)).unwrap();
            assert!(read(x) == read(y), "{name} differs");
        }
    }
}

#[test]
fn theory_uses_the_single_types_own_threshold() {
    let text = |scenario_sl: &str, own: &str| {
        format!(
            r#"
name = "one type"
replications = 2
[horizon]
duration = "2h"
warmup = "30m"
[service_level]
{scenario_sl}
[[call_types]]
name = "general"
arrivals = {{ per_hour = 100 }}
service = {{ distribution = "exponential", mean = "3m" }}
{own}
[[agent_groups]]
name = "agents"
count = 7
skills = ["general"]
"#
        )
    };
    let own = scenario(&text("", "service_level = { answer_within = \"10s\", target = 0.9 }"));
    let scenario_level = scenario(&text("answer_within = \"10s\"\ntarget = 0.9", ""));
    let sl = |s: &Scenario| theory_for(s).unwrap().value(Metric::ServiceLevel).unwrap();
    assert_eq!(sl(&own), sl(&scenario_level));
    let erlang = |s: &Scenario| callsim::stats::interval::interval_theory(s);
    assert_eq!(erlang(&own), erlang(&scenario_level));
}

#[test]
fn interval_theory_holds_each_type_to_its_own_goal() {
    let mixed = scenario(&two_types(
        "answer_within = \"20s\"\ntarget = 0.8",
        "answer_within = \"10s\", target = 0.9",
        "",
    ));
    let vip_goal = scenario(&two_types("answer_within = \"10s\"\ntarget = 0.9", "", ""));
    let regular_goal = scenario(&two_types("answer_within = \"20s\"\ntarget = 0.8", "", ""));
    let theory = callsim::stats::interval::interval_theory;
    for ((m, v), r) in theory(&mixed).iter().zip(theory(&vip_goal)).zip(theory(&regular_goal)) {
        // The most agents either goal needs in the pooled queue; the service level between the two.
        assert_eq!(m.required_agents, v.required_agents.max(r.required_agents));
        let (lo, hi) = (
            v.erlang_service_level.min(r.erlang_service_level),
            v.erlang_service_level.max(r.erlang_service_level),
        );
        assert!(m.erlang_service_level >= lo && m.erlang_service_level <= hi, "{m:?}");
    }
}

#[test]
fn tables_json_and_check_show_each_types_target() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("two.toml");
    std::fs::write(
        &file,
        two_types(
            "answer_within = \"20s\"\ntarget = 0.8",
            "answer_within = \"10s\", target = 0.9",
            "",
        ),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let out = dir.path().join("out");
    let table = stdout(&callsim(&["run", file, "-r", "3", "--out", out.to_str().unwrap()]));
    assert!(
        table.contains("90% in 10.0s") && table.contains("80% in 20.0s"),
        "{table}"
    );
    assert!(table.contains("vip: 90% in 10.0s"), "{table}");
    let value = json(&callsim(&["run", file, "-r", "3", "--json"]));
    let vip = &value["call_types"]["vip"];
    assert_eq!(vip["service_level_target"], 0.9);
    assert_eq!(vip["answer_within_s"], 10.0);
    assert_eq!(value["call_types"]["regular"]["answer_within_s"], 20.0);
    assert!(vip["days_meeting_target"]["mean"].is_number(), "{vip}");
    assert!(vip["service_level"]["mean"].is_number());
    let check = stdout(&callsim(&["check", file]));
    assert!(
        check.contains("90% in 10.0s") && check.contains("80% in 20.0s (scenario's)"),
        "{check}"
    );
}

#[test]
fn bad_type_targets_are_errors_naming_the_field() {
    let error = |own: &str| {
        let text = two_types("", own, "");
        Scenario::from_toml_str(&text, "vip.toml").unwrap_err().to_string()
    };
    for target in ["0", "1.5", "-0.2", "nan"] {
        let e = error(&format!("target = {target}"));
        assert!(
            e.contains("vip.toml") && e.contains("call_types[vip].service_level.target") && e.contains("at most 1"),
            "{target}: {e}"
        );
    }
    let e = error("answer_within = \"-5s\"");
    assert!(e.contains("vip.toml") && e.contains("negative"), "{e}");
    let e = error("answer_within = \"10s\", goal = 0.9");
    assert!(e.contains("vip.toml") && e.contains("goal"), "{e}");
    let e = error("target = \"high\"");
    assert!(e.contains("vip.toml") && e.contains("target"), "{e}");
    // Either field alone is fine; the other is the scenario's.
    let s = scenario(&two_types(
        "answer_within = \"30s\"\ntarget = 0.7",
        "target = 0.95",
        "answer_within = \"5s\"",
    ));
    assert_eq!((s.answer_within_of(0), s.target_of(0)), (30.0, 0.95));
    assert_eq!((s.answer_within_of(1), s.target_of(1)), (5.0, 0.7));
}

#[test]
fn an_interval_meets_differing_targets_when_every_type_with_calls_meets_its_own() {
    let s = scenario(&two_types(
        "answer_within = \"20s\"\ntarget = 0.8",
        "answer_within = \"10s\", target = 0.9",
        "",
    ));
    let (_, days) = callsim::run::run_days(&s, &|| {});
    let (sl, meets) = (
        IntervalMetric::ServiceLevel.index(),
        IntervalMetric::DaysMeetingTarget.index(),
    );
    let (mut met, mut missed) = (0, 0);
    for day in &days {
        for interval in &day.intervals {
            let types = &interval.scopes[..2];
            for (t, values) in types.iter().enumerate() {
                if values[sl].is_nan() {
                    assert!(values[meets].is_nan());
                } else {
                    assert_eq!(values[meets], f64::from(u8::from(values[sl] >= s.target_of(t))));
                }
            }
            let every = types.iter().all(|v| v[meets].is_nan() || v[meets] == 1.0);
            let total = interval.scopes[2][meets];
            assert_eq!(total, f64::from(u8::from(every)), "{types:?}");
            if every { met += 1 } else { missed += 1 }
        }
    }
    assert!(
        met > 0 && missed > 0,
        "met {met}, missed {missed}: both cases are exercised"
    );
}
