//! Per-interval and per-day results (issue 8, "Results"): the interval collector driven by hand through its hooks,
//! the single-interval day equal to the summary, the raw counts of `replications.csv` adding up and giving the
//! service-level variants exactly, `days_meeting_target` against a hand count, and the `run` command's files,
//! JSON keys and thread-count determinism. Behaviour tests, not validation: every figure is checked exactly.

use std::path::Path;
use std::process::Output;

use callsim::engine::Observer;
use callsim::report::{interval_rows, replication_rows};
use callsim::routing::{CallTypeId, GroupId};
use callsim::run::run_day;
use callsim::stats::{IntervalCollector, IntervalMetric, Metric, SHORT_ABANDON_S};
use callsim::time::SimTime;

use crate::common::{callsim, scenario};

/// One call type, two agents, one hour in two 30-minute intervals, no warm-up.
const TINY: &str = r#"
name = "tiny"
replications = 3
[horizon]
duration = "1h"
interval = "30m"
[service_level]
answer_within = "20s"
target = 0.8
[[call_types]]
name = "general"
arrivals = { per_hour = 60 }
service = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "5m" }
[[agent_groups]]
name = "agents"
count = 2
skills = ["general"]
"#;

fn t(seconds: f64) -> SimTime {
    SimTime(seconds)
}

/// A day driven by hand: agents log on and off (one leaves at 20:00 into the day and comes back at 40:00), two
/// calls answered in the first interval (one carried into the second: its busy time is split at the boundary),
/// one abandon and one balk in the second.
#[test]
fn the_interval_collector_counts_hand_driven_hooks_exactly() {
    let s = scenario(TINY);
    let mut c = IntervalCollector::new(&s);
    let (general, agents) = (CallTypeId(0), GroupId(0));
    c.on_log_on(t(0.0), agents);
    c.on_log_on(t(0.0), agents);
    // Interval 0: [0, 1800).
    c.on_arrival(t(100.0), general);
    c.on_answer(t(105.0), general, agents, t(100.0));
    c.on_agent_released(t(300.0), general, agents, t(105.0));
    c.on_log_off(t(1200.0), agents, t(1200.0));
    c.on_arrival(t(1700.0), general);
    c.on_answer(t(1750.0), general, agents, t(1700.0));
    // Busy 1750..1950: 50 s in interval 0, 150 s in interval 1.
    c.on_agent_released(t(1950.0), general, agents, t(1750.0));
    // Interval 1: [1800, 3600).
    c.on_arrival(t(1900.0), general);
    c.on_abandon(t(1950.0), general, t(1900.0));
    c.on_arrival(t(2000.0), general);
    c.on_balk(t(2000.0), general);
    c.on_log_on(t(2400.0), agents);
    let day = c.finish();
    let total = |i: usize, m: IntervalMetric| day.intervals[i].scopes[1][m.index()];
    let general_of = |i: usize, m: IntervalMetric| day.intervals[i].scopes[0][m.index()];
    // On duty: 2 x 1200 + 1 x 600 = 3000 agent-seconds in each interval (1 x 600 + 2 x 1200 in the second).
    let on_duty = 3000.0;
    assert_eq!(total(0, IntervalMetric::AgentsOnDuty), on_duty / 1800.0);
    assert_eq!(total(1, IntervalMetric::AgentsOnDuty), on_duty / 1800.0);
    assert_eq!(total(0, IntervalMetric::Offered), 2.0);
    assert_eq!(total(0, IntervalMetric::Answered), 2.0);
    assert_eq!(total(0, IntervalMetric::ServiceLevel), 0.5);
    assert_eq!(total(0, IntervalMetric::AsaS), 27.5);
    assert_eq!(total(0, IntervalMetric::Occupancy), (195.0 + 50.0) / on_duty);
    assert_eq!(total(0, IntervalMetric::DaysMeetingTarget), 0.0);
    assert_eq!(total(1, IntervalMetric::Offered), 2.0);
    assert_eq!(total(1, IntervalMetric::Answered), 0.0);
    assert_eq!(total(1, IntervalMetric::Abandoned), 2.0);
    assert_eq!(total(1, IntervalMetric::AbandonmentRate), 1.0);
    assert_eq!(total(1, IntervalMetric::ServiceLevel), 0.0);
    assert!(total(1, IntervalMetric::AsaS).is_nan(), "no answered call");
    assert_eq!(total(1, IntervalMetric::Occupancy), 150.0 / on_duty);
    assert_eq!(general_of(1, IntervalMetric::Occupancy), 150.0 / on_duty);
    // The day's counts: the balk is an abandon within T and a short abandon; the 50 s abandon is neither.
    let r = day.record.total;
    assert_eq!(
        (
            r.offered,
            r.answered,
            r.abandoned,
            r.answered_within,
            r.abandoned_within,
            r.short_abandoned
        ),
        (4, 2, 2, 1, 1, 1)
    );
    const { assert!(SHORT_ABANDON_S > 0.0 && SHORT_ABANDON_S < 50.0) };
    assert_eq!(r.wait_sum_s, 5.0 + 50.0 + 50.0 + 0.0);
    assert_eq!(r.service_level_of_answered(), 0.5);
    assert_eq!(r.service_level_short_abandons_excluded(), 1.0 / 3.0);
    assert_eq!(r.service_level_abandons_within_counted(), 0.5);
}

/// Without a single log-on (the engine before the day model) time on duty is the roster's: the group counts.
#[test]
fn without_log_on_hooks_agents_on_duty_are_the_rostered_counts() {
    let s = scenario(TINY);
    let mut c = IntervalCollector::new(&s);
    c.on_arrival(t(10.0), CallTypeId(0));
    c.on_answer(t(10.0), CallTypeId(0), GroupId(0), t(10.0));
    c.on_agent_released(t(370.0), CallTypeId(0), GroupId(0), t(10.0));
    let day = c.finish();
    for interval in &day.intervals {
        assert_eq!(interval.scopes[1][IntervalMetric::AgentsOnDuty.index()], 2.0);
    }
    assert_eq!(
        day.intervals[0].scopes[1][IntervalMetric::Occupancy.index()],
        360.0 / (2.0 * 1800.0)
    );
}

/// With one interval covering the day and no warm-up, every per-interval figure is the summary's: the same
/// counts, ratios and pooled p90 exactly; occupancy to rounding (time on duty is integrated, not multiplied).
#[test]
fn a_single_interval_day_equals_the_summary() {
    let s = scenario(
        &TINY
            .replace("interval = \"30m\"", "interval = \"1h\"")
            .replace("replications = 3", "replications = 8"),
    );
    let (summary, day) = run_day(&s, &|| {});
    assert_eq!(day.intervals.len(), 1);
    let interval = &day.intervals[0].scopes[1];
    for m in IntervalMetric::ALL {
        let Some(metric) = m.metric() else { continue };
        let (a, b) = (interval[m.index()], summary.total[metric.index()]);
        if metric == Metric::Occupancy {
            assert!((a.value() - b.value()).abs() < 1e-12, "{metric:?}: {a:?} vs {b:?}");
        } else {
            assert_eq!(a, b, "{metric:?}");
        }
    }
    assert_eq!(interval[IntervalMetric::AgentsOnDuty.index()].value(), 2.0);
}

/// A two-type scenario with trunk lines: blocked calls appear too.
const TWO_TYPES: &str = r#"
name = "two types"
replications = 40
seed = 11
lines = 14
[horizon]
duration = "2h"
interval = "30m"
[service_level]
answer_within = "20s"
target = 0.7
[[call_types]]
name = "sales"
arrivals = { per_hour = 120 }
service = { distribution = "exponential", mean = "4m" }
patience = { distribution = "exponential", mean = "2m" }
[[call_types]]
name = "support"
arrivals = { per_hour = 60 }
service = { distribution = "exponential", mean = "5m" }
patience = { distribution = "exponential", mean = "3m" }
[[agent_groups]]
name = "agents"
count = 11
skills = ["sales", "support"]
"#;

#[test]
fn replication_counts_add_up_and_give_the_variants_exactly() {
    let s = scenario(TWO_TYPES);
    let (summary, day) = run_day(&s, &|| {});
    let rows = replication_rows(&summary, &day);
    assert_eq!(rows.len(), 40 * 3);
    let mut blocked = 0;
    for chunk in rows.chunks(3) {
        let (sales, support, total) = (&chunk[0], &chunk[1], &chunk[2]);
        assert_eq!(
            (
                sales.call_type.as_str(),
                support.call_type.as_str(),
                total.call_type.as_str()
            ),
            ("sales", "support", "total")
        );
        let c = |r: &callsim::report::ReplicationRow| r.counts;
        assert_eq!(c(total).offered, c(sales).offered + c(support).offered);
        assert_eq!(c(total).answered, c(sales).answered + c(support).answered);
        assert_eq!(c(total).abandoned, c(sales).abandoned + c(support).abandoned);
        assert_eq!(c(total).blocked, c(sales).blocked + c(support).blocked);
        assert_eq!(
            c(total).answered_within,
            c(sales).answered_within + c(support).answered_within
        );
        assert_eq!(
            c(total).abandoned_within,
            c(sales).abandoned_within + c(support).abandoned_within
        );
        for row in chunk {
            let k = row.counts;
            assert_eq!(k.offered, k.answered + k.abandoned + k.disconnected, "{row:?}");
            assert!(k.answered_within <= k.answered && k.abandoned_within <= k.abandoned);
            let m = |metric: Metric| row.metrics[metric.index()];
            assert_eq!(m(Metric::Offered), k.offered as f64);
            assert_eq!(m(Metric::Blocked), k.blocked as f64);
            assert_eq!(m(Metric::ServiceLevel), k.answered_within as f64 / k.offered as f64);
            assert_eq!(
                m(Metric::ServiceLevelOfAnswered),
                k.answered_within as f64 / k.answered as f64
            );
            assert_eq!(
                m(Metric::ServiceLevelShortAbandonsExcluded),
                k.answered_within as f64 / (k.offered - k.short_abandoned) as f64
            );
            assert_eq!(
                m(Metric::ServiceLevelAbandonsWithinCounted),
                (k.answered_within + k.abandoned_within) as f64 / k.offered as f64
            );
            assert!(k.wait_sum_s >= m(Metric::AsaS) * k.answered as f64 - 1e-6);
        }
        blocked += c(total).blocked;
    }
    assert!(
        blocked > 0,
        "the lines block some calls, so the blocked column is exercised"
    );
    // days_meeting_target against a hand count of the total rows.
    let totals: Vec<_> = rows.iter().filter(|r| r.call_type == "total").collect();
    let met = totals
        .iter()
        .filter(|r| r.metrics[Metric::ServiceLevel.index()] >= s.service_level_target)
        .count();
    // The estimate's mean is a running (Welford) mean of the 0/1 flags: equal to the count's share to rounding.
    let hand = met as f64 / totals.len() as f64;
    assert!(
        (day.days_meeting_target.value() - hand).abs() < 1e-12,
        "{:?} vs {hand}",
        day.days_meeting_target
    );
    assert!(
        met > 0 && met < totals.len(),
        "a target some days miss: {met} of {}",
        totals.len()
    );
    // Per interval: four intervals, each with sales, support and total rows; the Erlang column on totals.
    let intervals = interval_rows(&summary, &day);
    assert_eq!(intervals.len(), 4 * 3);
    assert_eq!(intervals[0].interval_start, "00:00");
    assert_eq!(intervals[3].interval_start, "00:30");
    assert!(intervals[2].erlang_service_level.is_finite() && intervals[0].erlang_service_level.is_nan());
    // Interval counts add up to the day's (no warm-up): offered summed over intervals equals the summary's.
    let offered: f64 = day
        .intervals
        .iter()
        .map(|i| i.scopes[2][IntervalMetric::Offered.index()].value())
        .sum();
    assert!((offered - summary.total[Metric::Offered.index()].value()).abs() < 1e-9);
}

fn ok(output: Output) -> String {
    crate::common::stdout(&output)
}

#[test]
fn run_writes_interval_and_day_files_identically_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let outs = [dir.path().join("one"), dir.path().join("two")];
    for (out, threads) in outs.iter().zip(["1", "2"]) {
        let text = ok(callsim(&[
            "run",
            "scenarios/abandonment.toml",
            "-r",
            "6",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
        ]));
        assert!(text.contains("days meeting the target"), "{text}");
        assert!(text.contains("approx."), "{text}");
    }
    for name in [
        "summary.csv",
        "groups.csv",
        "intervals.csv",
        "replications.csv",
        "intraday.svg",
        "intraday.png",
    ] {
        let read = |d: &Path| std::fs::read(d.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(read(&outs[0]), read(&outs[1]), "{name} differs between 1 and 2 threads");
    }
    let intervals = std::fs::read_to_string(outs[0].join("intervals.csv")).unwrap();
    let header = intervals.lines().next().unwrap();
    assert!(header.starts_with("interval_start,call_type,offered,offered_lo,offered_hi,"));
    assert!(header.contains(",agents_on_duty,") && header.ends_with(",erlang_service_level"));
    assert!(intervals.lines().nth(1).unwrap().starts_with("00:00,general,"));
    let replications = std::fs::read_to_string(outs[0].join("replications.csv")).unwrap();
    assert!(replications.starts_with(
        "replication,call_type,offered,answered,abandoned,blocked,disconnected,answered_within,abandoned_within,\
         wait_sum_s,short_abandoned,day_offered,"
    ));
    assert_eq!(replications.lines().count(), 1 + 6 * 2);
}

#[test]
fn run_json_has_intervals_and_days_meeting_target() {
    let value: serde_json::Value = serde_json::from_str(&ok(callsim(&[
        "run",
        "scenarios/abandonment.toml",
        "-r",
        "4",
        "--json",
    ])))
    .unwrap();
    let days = &value["days_meeting_target"];
    assert!(
        days["mean"].as_f64().is_some_and(|v| (0.0..=1.0).contains(&v)),
        "{days}"
    );
    assert!(value["intervals_meeting_target"]["mean"].is_number());
    let intervals = value["intervals"].as_array().unwrap();
    assert_eq!(intervals.len(), 16, "8 hours in 30-minute intervals");
    assert_eq!(intervals[0]["interval_start"], "00:00");
    assert!(intervals[0]["total"]["service_level"]["mean"].is_number());
    assert!(intervals[0]["call_types"]["general"]["agents_on_duty"]["mean"].as_f64() == Some(13.0));
    assert!(intervals[0]["theory"]["erlang_service_level"].is_number());
    for key in [
        "service_level_of_answered",
        "service_level_short_abandons_excluded",
        "service_level_abandons_within_counted",
    ] {
        assert!(value["total"][key]["mean"].is_number(), "{key}");
    }
}

/// `[service_level] short_abandon` sets who counts as a short abandon: at `0s` nobody is left out, so the variant
/// equals `service_level` exactly; at a threshold longer than any patience every abandon is left out, so with no
/// disconnection it equals answered within T over answered, exactly.
#[test]
fn the_short_abandon_threshold_is_read_from_the_scenario() {
    let with = |threshold: &str| {
        let text = TWO_TYPES.replace(
            "target = 0.7",
            &format!("target = 0.7\nshort_abandon = \"{threshold}\""),
        );
        let s = scenario(&text);
        assert_eq!(s.short_abandon, callsim::time::parse_duration(threshold).unwrap());
        run_day(&s, &|| {}).1
    };
    for (record, _) in &with("0s").days {
        let t = &record.total;
        assert_eq!(t.short_abandoned, 0);
        assert_eq!(
            t.service_level_short_abandons_excluded(),
            t.answered_within as f64 / t.offered as f64
        );
    }
    for (record, _) in &with("1000h").days {
        let t = &record.total;
        assert_eq!(t.short_abandoned, t.abandoned);
        assert_eq!(t.disconnected, 0);
        assert_eq!(t.service_level_short_abandons_excluded(), t.service_level_of_answered());
    }
    assert_eq!(scenario(TWO_TYPES).short_abandon, SHORT_ABANDON_S, "the default");
}

/// Overtime: one agent of two leaves at 09:00 and, if busy, finishes its call first. With constant 10-minute calls
/// every day's overtime lies in [0, 600] agent-seconds, some days have some, and a day whose staffing never drops
/// has none; `groups.csv` carries it.
#[test]
fn overtime_is_the_time_spent_finishing_calls_after_a_scheduled_log_off() {
    let text = r#"
name = "one agent leaves"
replications = 200
seed = 3
[horizon]
duration = "2h"
interval = "1h"
opens_at = "08:00"
[[call_types]]
name = "general"
arrivals = { per_hour = 9 }
service = { distribution = "constant", mean = "10m" }
[[agent_groups]]
name = "agents"
count = [2, 1]
skills = ["general"]
"#;
    let s = scenario(text);
    let runs = callsim::run::run_replications(&s, &|| {});
    let overtime: Vec<f64> = runs.iter().map(|r| r.groups[0].overtime_s).collect();
    assert!(overtime.iter().all(|&o| (0.0..=600.0).contains(&o)), "{overtime:?}");
    assert!(overtime.iter().filter(|&&o| o > 0.0).count() > 20, "{overtime:?}");
    let steady = scenario(&text.replace("count = [2, 1]", "count = [2, 2]"));
    let runs = callsim::run::run_replications(&steady, &|| {});
    assert!(runs.iter().all(|r| r.groups[0].overtime_s == 0.0));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leave.toml");
    std::fs::write(&path, text).unwrap();
    let out = dir.path().join("out");
    ok(callsim(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]));
    let groups = std::fs::read_to_string(out.join("groups.csv")).unwrap();
    assert!(
        groups.lines().next().unwrap().contains(",overtime_s,overtime_s_ci95"),
        "{groups}"
    );
}

/// A day whose demand or staffing changes gets no whole-day theory column (each interval has its own, in the
/// interval table); a stationary day with busyness, absenteeism or balking keeps it, marked as an approximation.
#[test]
fn a_varying_day_has_no_whole_day_theory() {
    let inbound = callsim::scenario::Scenario::from_path(Path::new("scenarios/day_inbound.toml")).unwrap();
    assert!(callsim::theory::theory_for(&inbound).is_none());
    let base = r#"
name = "steady"
[horizon]
duration = "8h"
warmup = "1h"
[[call_types]]
name = "general"
arrivals = { per_hour = 200 }
service = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "2m" }
[[agent_groups]]
name = "agents"
count = 12
skills = ["general"]
"#;
    let exact = callsim::theory::theory_for(&scenario(base)).unwrap();
    assert!(exact.exact, "{exact:?}");
    for (variant, word) in [
        (
            base.replace("name = \"steady\"", "name = \"steady\"\nbusyness = { cv = 0.1 }"),
            "busyness",
        ),
        (base.replace("count = 12", "count = 12\nabsenteeism = 0.1"), "absent"),
        (
            base.replace("name = \"general\"", "name = \"general\"\nbalk = 0.2"),
            "balk",
        ),
    ] {
        let theory = callsim::theory::theory_for(&scenario(&variant)).unwrap();
        assert!(!theory.exact && theory.note.contains(word), "{theory:?}");
    }
}
