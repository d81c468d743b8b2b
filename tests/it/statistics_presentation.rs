//! How estimates are presented: asymmetric percentile intervals, the `n` behind a mean, CSV rows serialized from
//! structs, and comparisons whose chart and significance marks say what the table tests (Holm-adjusted).

use std::path::Path;

use callsim::report::{self, csv_cells, format_estimate, group_rows, summary_rows, table::summary_table};
use callsim::run::run_scenario;
use callsim::stats::{Metric, Summary};
use callsim::sweep::{Grid, compare_chart_data, compare_points, compare_rows, sweep_csv};

use crate::common::{callsim, scenario, stdout};

/// A queue near load 1 with few long replications' worth of callers: percentile intervals are wide and skewed.
const NEAR_LOAD_ONE: &str = r#"
name = "near load one"
seed = 11
replications = 6
[horizon]
duration = "2h"
warmup = "10m"
[[call_types]]
name = "general"
arrivals = { per_hour = 118 }
service = { distribution = "exponential", mean = "1m" }
[[agent_groups]]
name = "agents"
count = 2
skills = ["general"]
[routing]
queue = "fifo"
"#;

/// Patient callers and a short day: most replications have no abandoned call, so the mean time to abandon rests
/// on fewer replications than were run.
const RARE_ABANDONS: &str = r#"
name = "rare abandons"
seed = 5
replications = 20
[horizon]
duration = "1h"
warmup = "10m"
[[call_types]]
name = "general"
arrivals = { per_hour = 40 }
service = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "30m" }
[[agent_groups]]
name = "agents"
count = 4
skills = ["general"]
"#;

fn summary_of(text: &str) -> Summary {
    run_scenario(&scenario(text), &|| {})
}

// A3: percentile intervals are asymmetric, printed as [lo, hi], never below zero, and written as _lo/_hi.
#[test]
fn percentile_intervals_are_asymmetric_and_never_negative() {
    let summary = summary_of(NEAR_LOAD_ONE);
    let (mut asymmetric, mut dips) = (0, 0);
    for (name, estimates) in summary.scopes() {
        for metric in Metric::ALL {
            let e = estimates[metric.index()];
            let (Some(mean), Some(lo), Some(hi)) = (e.mean, e.lo, e.hi) else {
                continue;
            };
            let (min, max) = metric.range();
            assert!(
                min <= lo && lo <= mean && mean <= hi && hi <= max,
                "{name} {}: {e:?}",
                metric.name()
            );
            if metric.percentile().is_some() && !e.is_symmetric() {
                asymmetric += 1;
                // Before the fix the band was mean ± the larger distance: wider than the interval below.
                dips += usize::from(mean - e.ci95.unwrap() < lo);
                let text = format_estimate(metric, &e);
                assert!(text.contains('[') && !text.contains('±'), "{text}");
            }
        }
    }
    assert!(
        asymmetric >= 3,
        "near load 1 most percentile intervals are skewed, got {asymmetric}"
    );
    // Before the fix the p99 band was p99 ± the larger distance, so it reached below the p90 estimate.
    let total = &summary.total;
    let (p90, p99) = (total[Metric::WaitP90S.index()], total[Metric::WaitP99S.index()]);
    assert!(p99.lo.unwrap() >= p90.lo.unwrap(), "p90 {p90:?}, p99 {p99:?}");
    assert!(dips >= 1, "some symmetric band would have reached below its interval");
}

#[test]
fn shares_are_clipped_to_0_and_100_percent() {
    // A few replications, most without an abandoned call: the t interval of the rate reaches below 0.
    let text = RARE_ABANDONS
        .replace("replications = 20", "replications = 5")
        .replace("per_hour = 40", "per_hour = 60");
    let summary = summary_of(&text);
    let rate = summary.total[Metric::AbandonmentRate.index()];
    assert_eq!(rate.lo, Some(0.0), "{rate:?}: a rate cannot be negative");
    assert!(
        rate.mean.unwrap() - rate.ci95.unwrap() < 0.0,
        "the t interval itself reaches below 0: {rate:?}"
    );
    assert!(format_estimate(Metric::AbandonmentRate, &rate).contains("[0.0%, "));
}

// C5: the n behind a mean is reported where it differs from the replication count.
#[test]
fn the_n_behind_a_mean_is_reported_where_replications_were_left_out() {
    let summary = summary_of(RARE_ABANDONS);
    let tta = summary.total[Metric::MeanTimeToAbandonS.index()];
    let n = tta.n;
    assert!(tta.mean.is_some() && 0 < n && n < summary.replications, "{tta:?}");
    assert_eq!(summary.total[Metric::AsaS.index()].n, summary.replications);
    let table = summary_table(&summary, None, &[]);
    let line = table.lines().find(|l| l.starts_with("mean_time_to_abandon_s")).unwrap();
    assert!(line.ends_with(&format!("(n={n})")), "{line}");
    assert!(
        table.contains("(n=K): the metric was defined in only K replications"),
        "{table}"
    );
    let asa = table.lines().find(|l| l.starts_with("asa_s")).unwrap();
    assert!(!asa.contains("(n="), "{asa}");
    let (header, rows) = report::summary_csv(&summary);
    let column = header.iter().position(|h| h == "mean_time_to_abandon_s_n").unwrap();
    assert_eq!(rows.last().unwrap()[column], n.to_string());
    let json = report::json::summary_json(&summary, None, &[]);
    assert_eq!(json["total"]["mean_time_to_abandon_s"]["n"], n);
    assert!(json["total"]["wait_p99_s"]["lo"].is_number() && json["total"]["wait_p99_s"]["hi"].is_number());
}

/// The columns every CSV had before the serialized rows, which must keep their names and relative order.
fn old_metric_columns() -> Vec<String> {
    Metric::ALL
        .iter()
        .flat_map(|m| [m.name().to_string(), format!("{}_ci95", m.name())])
        .collect()
}

fn is_subsequence(old: &[String], new: &[String]) -> bool {
    let mut new = new.iter();
    old.iter().all(|o| new.any(|n| n == o))
}

// C9: CSV rows are serialized structs; the old columns keep their names and order, the new ones sit beside.
#[test]
fn csv_rows_keep_the_contracted_columns_and_add_intervals_beside() {
    let summary = summary_of(NEAR_LOAD_ONE);
    let (header, rows) = report::summary_csv(&summary);
    let old: Vec<String> = std::iter::once("call_type".to_string())
        .chain(old_metric_columns())
        .collect();
    assert!(is_subsequence(&old, &header), "{header:?}");
    for metric in Metric::ALL {
        for suffix in ["_lo", "_hi", "_n"] {
            assert!(
                header.contains(&format!("{}{suffix}", metric.name())),
                "{}{suffix}",
                metric.name()
            );
        }
    }
    assert_eq!(header.len(), 1 + 5 * Metric::COUNT);
    assert!(rows.iter().all(|r| r.len() == header.len()));
    // The cells are the estimates, in full precision.
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let p99 = summary.total[Metric::WaitP99S.index()];
    let total = rows.last().unwrap();
    assert_eq!(total[at("call_type")], "total");
    assert_eq!(total[at("wait_p99_s_lo")], p99.lo.unwrap().to_string());
    assert_eq!(total[at("wait_p99_s_hi")], p99.hi.unwrap().to_string());
    assert_eq!(summary_rows(&summary).len(), rows.len());
    let (groups, group_cells) = csv_cells(&group_rows(&summary)).unwrap();
    let old_groups = [
        "agent_group",
        "agents",
        "occupancy",
        "occupancy_ci95",
        "calls_handled",
        "calls_handled_ci95",
    ]
    .map(String::from);
    assert!(is_subsequence(&old_groups, &groups), "{groups:?}");
    assert_eq!(group_cells[0][0], "agents");
}

#[test]
fn sweep_and_compare_csv_keep_their_columns() {
    let text = NEAR_LOAD_ONE.replace("count = 2", "count = 3");
    let specs = ["routing.queue=fifo,priority".to_string()];
    let grid = Grid::build(&text, "near.toml", &specs, Some(3)).unwrap();
    let results = grid.run(&|| {});
    let (header, rows) = sweep_csv(&grid.axes, &results);
    let old: Vec<String> = ["routing.queue", "call_type"]
        .map(String::from)
        .into_iter()
        .chain(old_metric_columns())
        .collect();
    assert!(is_subsequence(&old, &header), "{header:?}");
    assert!(rows.iter().all(|r| r.len() == header.len()) && rows.len() == 2 * 2);
    let comparison = compare_points(&results);
    let (header, rows) = csv_cells(&compare_rows(&comparison)).unwrap();
    let old = [
        "variant",
        "baseline",
        "call_type",
        "metric",
        "baseline_mean",
        "variant_mean",
        "difference",
        "difference_ci95",
        "significant",
    ]
    .map(String::from);
    assert_eq!(
        header[..old.len()],
        old[..],
        "the original columns come first, in order"
    );
    for added in [
        "baseline_lo",
        "baseline_hi",
        "variant_ci95",
        "variant_lo",
        "variant_hi",
        "p_value",
        "p_holm",
    ] {
        assert!(header.iter().any(|h| h == added), "{added}");
    }
    assert_eq!(rows.len(), comparison.rows.len());
}

const TWO_TYPES: &str = r#"
name = "two types"
seed = 3
replications = 10
[horizon]
duration = "4h"
warmup = "30m"
[[call_types]]
name = "vip"
arrivals = { per_hour = 60 }
service = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "3m" }
priority = 5
[[call_types]]
name = "regular"
arrivals = { per_hour = 180 }
service = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "3m" }
[[agent_groups]]
name = "agents"
count = 13
skills = ["vip", "regular"]
[routing]
queue = "fifo"
"#;

// A2: significance is Holm-adjusted within each variant's comparison, and exactly what the table marks.
#[test]
fn significance_is_holm_adjusted_over_one_variants_tests() {
    let specs = ["routing.queue=fifo,priority,priority-aging".to_string()];
    let results = Grid::build(TWO_TYPES, "two.toml", &specs, None).unwrap().run(&|| {});
    let comparison = compare_points(&results);
    let mut unadjusted_only = 0;
    for variant in &comparison.variants[1..] {
        let family: Vec<_> = comparison.rows.iter().filter(|r| &r.variant == variant).collect();
        let tested: Vec<f64> = family.iter().filter_map(|r| r.p_value).collect();
        assert!(family.iter().all(|r| r.tests == tested.len()));
        for r in &family {
            match (r.p_value, r.p_holm) {
                (Some(p), Some(holm)) => {
                    assert!(p <= holm && holm <= 1.0, "{r:?}");
                    // Holm never adjusts by more than Bonferroni nor less than the raw p-value.
                    assert!(holm <= (p * tested.len() as f64).min(1.0) + 1e-12, "{r:?}");
                    assert_eq!(r.significant, holm < 0.05, "{r:?}");
                    let excludes_zero = r.difference.lo.unwrap() > 0.0 || r.difference.hi.unwrap() < 0.0;
                    if r.significant {
                        assert!(
                            excludes_zero,
                            "a significant difference has an interval without 0: {r:?}"
                        );
                    }
                    if excludes_zero && !r.significant {
                        unadjusted_only += 1;
                    }
                }
                (None, None) => assert!(!r.significant),
                _ => panic!("p and adjusted p go together: {r:?}"),
            }
        }
        // The smallest p-value is multiplied by the family size.
        let smallest = family
            .iter()
            .filter(|r| r.p_value.is_some())
            .min_by(|a, b| a.p_value.unwrap().total_cmp(&b.p_value.unwrap()))
            .unwrap();
        let expected = (smallest.p_value.unwrap() * tested.len() as f64).min(1.0);
        assert!((smallest.p_holm.unwrap() - expected).abs() < 1e-12);
    }
    // Priority helps VIPs clearly: that survives the adjustment.
    let vip_asa = comparison
        .rows
        .iter()
        .find(|r| r.variant == "priority" && r.call_type == "vip" && r.metric == Metric::AsaS)
        .unwrap();
    assert!(
        vip_asa.significant && vip_asa.difference.mean.unwrap() < 0.0,
        "{vip_asa:?}"
    );
    eprintln!("differences whose 95% interval excludes 0 but are not significant after Holm: {unadjusted_only}");
}

// A2: the chart shows what the table tests: the paired differences, their intervals and marks, service level
// included, variants named by their axes.
#[test]
fn the_compare_chart_draws_the_tested_differences() {
    let specs = [
        "routing.queue=fifo,priority".to_string(),
        "agent_groups.agents.count=13,14".to_string(),
    ];
    let grid = Grid::build(TWO_TYPES, "two.toml", &specs, Some(6)).unwrap();
    let results = grid.run(&|| {});
    let comparison = compare_points(&results);
    let chart = compare_chart_data(&grid.axes, &results, &comparison).unwrap();
    assert!(
        chart.title.contains("routing.queue and agents.count"),
        "{}",
        chart.title
    );
    assert!(
        chart.title.contains("routing.queue=fifo, agents.count=13"),
        "{}",
        chart.title
    );
    assert_eq!(
        chart.variants,
        [
            "routing.queue=fifo, agents.count=14",
            "routing.queue=priority, agents.count=13",
            "routing.queue=priority, agents.count=14"
        ]
    );
    assert!(chart.note.contains("Holm"));
    assert!(chart.panels[0].title.starts_with("service level"));
    assert_eq!(chart.panels.len(), callsim::sweep::COMPARE_CHART_METRICS.len());
    for (panel, metric) in chart.panels.iter().zip(callsim::sweep::COMPARE_CHART_METRICS) {
        assert_eq!(panel.categories.len(), 3, "vip, regular, total");
        for (v, variant) in comparison.variants[1..].iter().enumerate() {
            for (c, scope) in ["vip", "regular", "total"].iter().enumerate() {
                let row = comparison
                    .rows
                    .iter()
                    .find(|r| &r.variant == variant && r.call_type == *scope && r.metric == metric)
                    .unwrap();
                let point = panel.values[v][c];
                assert_eq!(point.mean, row.difference.mean.unwrap());
                assert_eq!(
                    (point.lo, point.hi),
                    (row.difference.lo.unwrap(), row.difference.hi.unwrap())
                );
                assert_eq!(point.significant, row.significant);
            }
        }
    }
}

// A2: the real command: the table states the rule, CSV and JSON carry the p-values and the variants' intervals.
#[test]
fn compare_command_states_its_significance_rule() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let args = [
        "compare",
        "scenarios/vip_priority.toml",
        "--vary",
        "routing.queue=fifo,priority",
        "-r",
        "6",
        "--out",
        out,
    ];
    let text = stdout(&callsim(&args));
    assert!(text.contains("Holm-adjusted p < 0.05"), "{text}");
    assert!(text.contains("p (Holm)"), "{text}");
    let csv = std::fs::read_to_string(Path::new(out).join("compare.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with(
        "variant,baseline,call_type,metric,baseline_mean,variant_mean,difference,difference_ci95,significant,"
    ));
    assert!(header.contains("variant_lo,variant_hi") && header.contains("p_holm"));
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let value: serde_json::Value = serde_json::from_str(&stdout(&callsim(&json_args))).unwrap();
    assert!(value["significance"].as_str().unwrap().contains("Holm"));
    let row = &value["rows"][0];
    for key in [
        "variant",
        "call_type",
        "metric",
        "baseline",
        "value",
        "difference",
        "significant",
        "p_holm",
    ] {
        assert!(!row[key].is_null() || key == "p_holm", "{key}");
    }
    assert!(row["value"]["lo"].is_number() || row["value"]["lo"].is_null());
    let help = stdout(&callsim(&["compare", "--help"]));
    assert!(help.contains("Holm-adjusted p < 0.05"), "{help}");
}

// A2: the p-values are those of Student's t test (uniform when nothing changes), and Holm's adjustment keeps the
// chance of any false mark in a family of tests at or below 5%. Seeded normal samples stand in for daily
// differences of a variant that changes nothing.
#[test]
fn paired_t_p_values_are_uniform_under_no_effect_and_holm_bounds_false_marks() {
    use callsim::stats::Estimate;
    use callsim::sweep::holm;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(20240607);
    let normal = Normal::new(0.0, 3.0).unwrap();
    let (families, tests_per_family, replications) = (1000, 20, 10);
    let mut rejected = 0usize;
    let mut families_with_a_false_mark = 0usize;
    for _ in 0..families {
        let p: Vec<Option<f64>> = (0..tests_per_family)
            .map(|_| Estimate::from_samples((0..replications).map(|_| normal.sample(&mut rng))).p_value())
            .collect();
        rejected += p.iter().flatten().filter(|&&p| p < 0.05).count();
        families_with_a_false_mark += usize::from(holm(&p).iter().flatten().any(|&p| p < 0.05));
    }
    // 20,000 unadjusted tests: the share below 0.05 is 0.05 within 4 standard errors (0.0015 each).
    let share = rejected as f64 / (families * tests_per_family) as f64;
    assert!(
        (share - 0.05).abs() < 4.0 * (0.05f64 * 0.95 / 20_000.0).sqrt(),
        "unadjusted: {share}"
    );
    // Unadjusted, a family of 20 would carry a false mark 1 - 0.95^20 = 64% of the time; Holm keeps it <= 5%
    // (bound plus 4 standard errors of 1000 families, 0.0069 each).
    let family_rate = families_with_a_false_mark as f64 / families as f64;
    assert!(
        family_rate <= 0.05 + 4.0 * (0.05f64 * 0.95 / 1000.0).sqrt(),
        "family-wise: {family_rate}"
    );
    eprintln!("unadjusted rejection rate {share:.4}, Holm family-wise false-mark rate {family_rate:.4}");
}
