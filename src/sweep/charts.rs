//! The standard charts of a sweep and of a comparison, built from results and drawn by [`crate::plot`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{Axis, Comparison, PointResult};
use crate::error::Result;
use crate::plot::{
    Difference, DifferenceChart, DifferencePanel, LineChart, Series, SeriesPoint, TargetLine, TradeOffChart,
    TradeOffPoint, difference_chart, line_chart, trade_off_chart,
};
use crate::scenario::{ServiceTarget, Warning};
use crate::stats::Metric;

/// The axis drawn along x: the one whose path is `chosen`, else the first staffing axis (a path ending in
/// `.count`), else the first axis. Errors when `chosen` is not an axis of the sweep.
pub fn x_axis(axes: &[Axis], chosen: Option<&str>) -> Result<usize> {
    match chosen {
        Some(path) => axes.iter().position(|a| a.path == path).ok_or_else(|| {
            let paths: Vec<&str> = axes.iter().map(|a| a.path.as_str()).collect();
            crate::error::Error::input(
                "--x",
                format!("\"{path}\" is not a swept path; swept paths: {}", paths.join(", ")),
            )
        }),
        None => Ok(axes.iter().position(|a| a.path.ends_with(".count")).unwrap_or(0)),
    }
}

/// The last two segments of a path (`operators.count`), for titles.
fn short(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    parts[parts.len().saturating_sub(2)..].join(".")
}

fn x_label(axis: &Axis) -> String {
    if axis.path.ends_with(".count") {
        format!("{} (agents)", axis.path)
    } else {
        axis.path.clone()
    }
}

/// Series of one metric of one call type (or `total`), one line per combination of the other axes' values.
fn lines_over_x(axes: &[Axis], results: &[PointResult], x: usize, call_type: &str, metric: Metric) -> Vec<Series> {
    series_over_x(axes, results, x, call_type, |r| {
        let estimate = r.summary.of(call_type).map(|e| e[metric.index()]).unwrap_or_default();
        (estimate.value(), estimate.low(), estimate.high())
    })
}

/// The textbook model's value of a metric, one dashed line per combination of the other axes; empty unless
/// every point has a model.
fn theory_over_x(axes: &[Axis], results: &[PointResult], x: usize, metric: Metric) -> Vec<Series> {
    let Some(model) = results.first().and_then(|r| r.theory.as_ref()).map(|t| t.model.clone()) else {
        return Vec::new();
    };
    if results.iter().any(|r| r.theory.is_none()) {
        return Vec::new();
    }
    let mut series = series_over_x(axes, results, x, &model, |r| {
        let value = r.theory.as_ref().and_then(|t| t.value(metric)).unwrap_or(f64::NAN);
        (value, f64::NAN, f64::NAN)
    });
    for s in &mut series {
        if s.name != model {
            s.name = format!("{model}, {}", s.name);
        }
    }
    series.retain(|s| s.points.iter().any(|p| p.mean.is_finite()));
    series
}

/// One series per combination of the values of the axes other than `x`, named by them (or `single` when there
/// are none), with `value` giving each point's (mean, lo, hi).
fn series_over_x(
    axes: &[Axis],
    results: &[PointResult],
    x: usize,
    single: &str,
    value: impl Fn(&PointResult) -> (f64, f64, f64),
) -> Vec<Series> {
    // Lookups by hash: a grid of 10,000 points must not cost 10,000 x 10,000 comparisons.
    let positions: HashMap<String, usize> = axes[x]
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| (super::value_text(v), i))
        .collect();
    let mut series: Vec<Series> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for result in results {
        let others: Vec<String> = axes
            .iter()
            .zip(&result.labels)
            .enumerate()
            .filter(|(i, _)| *i != x)
            .map(|(_, (a, v))| format!("{}={v}", a.path.rsplit('.').next().unwrap_or(&a.path)))
            .collect();
        let name = if others.is_empty() {
            single.to_string()
        } else {
            others.join(", ")
        };
        let position = positions.get(&result.labels[x]).copied().unwrap_or(0);
        let (mean, lo, hi) = value(result);
        let point = SeriesPoint {
            x: position as f64,
            mean,
            lo,
            hi,
        };
        match by_name.get(&name) {
            Some(&i) => series[i].points.push(point),
            None => {
                by_name.insert(name.clone(), series.len());
                series.push(Series {
                    name,
                    points: vec![point],
                });
            }
        }
    }
    series
}

/// What the sweep charts show beyond the fixed set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartChoice<'a> {
    /// The service-level target, drawn as a line.
    pub service_level_target: f64,
    /// Each call type's own service-level goal, when some type has one ([`crate::scenario::Scenario::has_type_targets`];
    /// empty otherwise): the service-level charts then draw each type's target line instead of the one target.
    pub type_targets: &'a [ServiceTarget],
    /// The metric drawn per call type.
    pub metric: Metric,
    /// The axis along x (`None`: the staffing axis, else the first).
    pub x_path: Option<&'a str>,
    /// Draw the abandonment chart (false when no caller ever hangs up: the chart would be a flat zero).
    pub abandonment: bool,
}

/// Draws the sweep charts into `dir`: service level (with the target), ASA and abandonment rate against the x
/// axis, wait percentiles per call type, and the chosen metric per call type. Returns the files written.
pub fn sweep_charts(axes: &[Axis], results: &[PointResult], choice: ChartChoice, dir: &Path) -> Result<Vec<PathBuf>> {
    let ChartChoice {
        service_level_target,
        type_targets,
        metric,
        x_path,
        abandonment,
    } = choice;
    let x = x_axis(axes, x_path)?;
    let ticks: Vec<String> = axes[x].values.iter().map(super::value_text).collect();
    let mut files = Vec::new();
    let base = |title: String, y: Metric, series: Vec<Series>, target: Option<f64>| LineChart {
        title,
        x_label: x_label(&axes[x]),
        y_label: y.label().to_string(),
        x_ticks: ticks.clone(),
        series,
        dashed: Vec::new(),
        target,
        type_targets: Vec::new(),
        share: y.is_share(),
        y_clip: None,
    };
    // With call types' own targets, the one target line gives way to a line per type (or stays when they share it).
    let shared = type_targets.windows(2).all(|w| w[0].target == w[1].target);
    let one_target = match type_targets.first() {
        None => Some(service_level_target),
        Some(t) if shared => Some(t.target),
        Some(_) => None,
    };
    let own_lines = |first_colour: usize| -> Vec<TargetLine> {
        if type_targets.len() < 2 || shared {
            return Vec::new();
        }
        type_targets
            .iter()
            .enumerate()
            .map(|(t, goal)| TargetLine {
                name: format!("{} target", goal.call_type),
                value: goal.target,
                colour: first_colour + t,
            })
            .collect()
    };
    for (file, m, target) in [
        ("service_level", Metric::ServiceLevel, one_target),
        ("asa", Metric::AsaS, None),
        ("abandonment", Metric::AbandonmentRate, None),
    ] {
        if m == Metric::AbandonmentRate && !abandonment {
            continue;
        }
        let chart = LineChart {
            dashed: theory_over_x(axes, results, x, m),
            ..base(
                format!("{} vs {} (all calls, 95% band)", m.name(), short(&axes[x].path)),
                m,
                series_over_x(axes, results, x, "simulation", |r| {
                    let estimate = r.summary.total[m.index()];
                    (estimate.value(), estimate.low(), estimate.high())
                }),
                target,
            )
        };
        let mut chart = clip_unstable(chart, results, &[m]);
        if m == Metric::ServiceLevel {
            chart.type_targets = own_lines(chart.series.len());
        }
        files.extend(line_chart(&chart, &dir.join(format!("sweep_{file}")))?);
    }
    // Percentiles and the chosen metric per call type, at the first value of every other axis.
    let first_of_others: Vec<&PointResult> = results
        .iter()
        .filter(|r| {
            axes.iter()
                .zip(&r.labels)
                .enumerate()
                .all(|(i, (a, v))| i == x || super::value_text(&a.values[0]) == *v)
        })
        .collect();
    let names: Vec<String> = results
        .first()
        .map(|r| r.summary.call_types.iter().map(|(n, _)| n.clone()).collect())
        .unwrap_or_default();
    let single: Vec<PointResult> = first_of_others.into_iter().cloned().collect();
    // Name the values the other axes are held at.
    let held: Vec<String> = axes
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != x)
        .map(|(_, a)| format!("{}={}", short(&a.path), super::value_text(&a.values[0])))
        .collect();
    let at = if held.is_empty() {
        String::new()
    } else {
        format!(" at {}", held.join(", "))
    };
    let mut percentile_series = Vec::new();
    for name in &names {
        for (m, tag) in [
            (Metric::WaitP50S, "p50"),
            (Metric::WaitP90S, "p90"),
            (Metric::WaitP99S, "p99"),
        ] {
            let mut s = lines_over_x(axes, &single, x, name, m);
            if let Some(mut first) = s.drain(..).next() {
                first.name = format!("{name} {tag}");
                percentile_series.push(first);
            }
        }
    }
    let chart = base(
        format!("Wait percentiles vs {}{at}", short(&axes[x].path)),
        Metric::WaitP90S,
        percentile_series,
        None,
    );
    let chart = LineChart {
        y_label: "wait of answered calls (s)".into(),
        ..chart
    };
    let chart = clip_unstable(chart, &single, &[Metric::WaitP50S, Metric::WaitP90S, Metric::WaitP99S]);
    files.extend(line_chart(&chart, &dir.join("sweep_wait_percentiles"))?);
    let mut by_type = Vec::new();
    for name in names.iter().map(String::as_str).chain(["total"]) {
        if let Some(mut s) = lines_over_x(axes, &single, x, name, metric).into_iter().next() {
            s.name = name.to_string();
            by_type.push(s);
        }
    }
    let target = one_target.filter(|_| metric == Metric::ServiceLevel);
    let chart = base(
        format!("{} per call type vs {}{at}", metric.name(), short(&axes[x].path)),
        metric,
        by_type,
        target,
    );
    let mut chart = clip_unstable(chart, &single, &[metric]);
    if metric == Metric::ServiceLevel {
        chart.type_targets = own_lines(0);
    }
    files.extend(line_chart(
        &chart,
        &dir.join(format!("sweep_{}_by_call_type", metric.name())),
    )?);
    if results.first().is_some_and(|r| r.summary.campaigns) {
        files.extend(blending_chart(
            axes,
            results,
            x,
            one_target,
            &dir.join("sweep_blending"),
        )?);
    }
    Ok(files)
}

/// The manager's trade-off of blending (scenarios with campaigns): inbound service level against outbound live
/// contacts per hour, one point per sweep point labelled with its value on the x axis (e.g. `keep_idle`).
fn blending_chart(
    axes: &[Axis],
    results: &[PointResult],
    x: usize,
    target: Option<f64>,
    stem: &Path,
) -> Result<Vec<PathBuf>> {
    let triple = |e: &crate::stats::Estimate| (e.value(), e.low(), e.high());
    let points = results
        .iter()
        .map(|r| TradeOffPoint {
            label: format!(
                " {}={}",
                axes[x].path.rsplit('.').next().unwrap_or_default(),
                r.labels.get(x).cloned().unwrap_or_default()
            ),
            x: triple(&r.summary.total[Metric::ContactsPerHour.index()]),
            y: triple(&r.summary.total[Metric::ServiceLevel.index()]),
        })
        .collect();
    trade_off_chart(
        &TradeOffChart {
            title: format!(
                "Blending: inbound service level vs outbound contacts, along {}",
                short(&axes[x].path)
            ),
            x_label: Metric::ContactsPerHour.label().to_string(),
            y_label: "inbound service level".into(),
            points,
            share: true,
            target,
        },
        stem,
    )
}

/// A variant's name for a legend: its value alone when one axis varies, else `path=value` for every axis (short
/// paths), so several `--vary` axes read `queue=priority, agents.count=15`, not `priority, 15`.
pub fn variant_name(axes: &[Axis], labels: &[String]) -> String {
    if axes.len() == 1 {
        return labels.first().cloned().unwrap_or_default();
    }
    axes.iter()
        .zip(labels)
        .map(|(a, v)| format!("{}={v}", short(&a.path)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The metrics of the comparison chart, in panel order.
pub const COMPARE_CHART_METRICS: [Metric; 4] = [
    Metric::ServiceLevel,
    Metric::AsaS,
    Metric::AbandonmentRate,
    Metric::WaitP90S,
];

/// Draws the comparison chart ([`compare_chart_data`]) to `<stem>.svg` and `<stem>.png`; returns the files
/// written (none without variants).
pub fn compare_chart(
    axes: &[Axis],
    results: &[PointResult],
    comparison: &Comparison,
    stem: &Path,
) -> Result<Vec<PathBuf>> {
    match compare_chart_data(axes, results, comparison) {
        Some(chart) => difference_chart(&chart, stem),
        None => Ok(Vec::new()),
    }
}

/// The comparison chart: what the compare table tests. One panel per metric of [`COMPARE_CHART_METRICS`]; in
/// each, per call type (and in total when there are several), every variant's paired difference from the
/// baseline with its 95% interval, filled when significant (Holm-adjusted, see [`Comparison`]). Each call
/// type's label carries the baseline's own value; variants are named by [`variant_name`]. `None` without a
/// baseline.
pub fn compare_chart_data(axes: &[Axis], results: &[PointResult], comparison: &Comparison) -> Option<DifferenceChart> {
    let (base, others) = results.split_first()?;
    let mut scopes: Vec<String> = base.summary.scopes().map(|(name, _)| name.to_string()).collect();
    if scopes.len() == 2 {
        // A single call type: its total is the same numbers.
        scopes.pop();
    }
    // With campaigns, what a dialing mode or blending threshold is judged by too (in the total: campaign metrics
    // exist there only).
    let outbound: &[Metric] = if base.summary.campaigns {
        &[Metric::ContactsPerAgentHour, Metric::OutboundAbandonRate]
    } else {
        &[]
    };
    let all_scopes = scopes;
    let panels = COMPARE_CHART_METRICS
        .iter()
        .chain(outbound)
        .map(|&metric| {
            let scopes = if metric.is_campaign() {
                vec!["total".to_string()]
            } else {
                all_scopes.clone()
            };
            let categories = scopes
                .iter()
                .map(|scope| {
                    let own = base.summary.of(scope).map_or(f64::NAN, |e| e[metric.index()].value());
                    let unit = if metric.is_seconds() { " s" } else { "" };
                    format!("{scope} (base {}{unit})", crate::report::format_value(metric, own))
                })
                .collect();
            let values = others
                .iter()
                .map(|other| {
                    let label = other.labels.join(", ");
                    scopes
                        .iter()
                        .map(|scope| {
                            comparison
                                .rows
                                .iter()
                                .find(|r| r.variant == label && r.call_type == *scope && r.metric == metric)
                                .map_or(
                                    Difference {
                                        mean: f64::NAN,
                                        lo: f64::NAN,
                                        hi: f64::NAN,
                                        significant: false,
                                    },
                                    |r| Difference {
                                        mean: r.difference.value(),
                                        lo: r.difference.low(),
                                        hi: r.difference.high(),
                                        significant: r.significant,
                                    },
                                )
                        })
                        .collect()
                })
                .collect();
            let unit = if metric.is_share() {
                "percentage points".to_string()
            } else if metric.is_seconds() {
                "s".to_string()
            } else if metric.is_campaign() {
                metric.label().to_string()
            } else {
                "calls".to_string()
            };
            DifferencePanel {
                title: format!(
                    "{}: {} is better",
                    metric.label().split(" (").next().unwrap_or(metric.name()),
                    if matches!(metric, Metric::ServiceLevel | Metric::ContactsPerAgentHour) {
                        "up"
                    } else {
                        "down"
                    }
                ),
                y_label: format!("difference ({unit})"),
                categories,
                values,
                share: metric.is_share(),
            }
        })
        .collect();
    let paths: Vec<String> = axes.iter().map(|a| short(&a.path)).collect();
    Some(DifferenceChart {
        title: format!(
            "Effect of {} against {} (variant − baseline, same callers)",
            paths.join(" and "),
            variant_name(axes, &base.labels)
        ),
        variants: others.iter().map(|r| variant_name(axes, &r.labels)).collect(),
        note: format!(
            "whiskers: 95% intervals; filled: significant (Holm-adjusted p < {}, {} tests per variant); hollow: not",
            super::SIGNIFICANCE_LEVEL,
            comparison.rows.iter().map(|r| r.tests).max().unwrap_or(0)
        ),
        panels,
    })
}

/// True when the point's queue grows all day (offered load at or above capacity and some callers never hang up):
/// its waits measure the horizon, not the staffing.
fn unstable(result: &PointResult) -> bool {
    result.warnings.iter().any(|w| matches!(w, Warning::Overloaded { .. }))
}

/// Cuts the y axis just above the stable points when unstable ones lie far above them (they would flatten every
/// other line to the floor), and says so in the title; the unstable points are drawn as triangles on the edge.
fn clip_unstable(mut chart: LineChart, results: &[PointResult], metrics: &[Metric]) -> LineChart {
    if chart.share {
        return chart;
    }
    let top = |r: &PointResult| {
        r.summary
            .scopes()
            .flat_map(|(_, e)| metrics.iter().map(move |m| e[m.index()]))
            .map(|e| {
                e.value()
                    + if e.half_width().is_finite() {
                        e.half_width()
                    } else {
                        0.0
                    }
            })
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::max)
    };
    let highest = |stable: bool| {
        results
            .iter()
            .filter(|r| unstable(r) != stable)
            .map(top)
            .fold(0.0f64, f64::max)
    };
    let (stable, unstable) = (highest(true), highest(false));
    if stable > 0.0 && unstable > 1.5 * stable {
        let clip = stable * 1.15;
        chart.y_clip = Some(clip);
        let shown = if clip >= 10.0 {
            format!("{clip:.0}")
        } else {
            format!("{clip:.2}")
        };
        chart.title = format!("{}: axis cut at {shown}, ▲ unstable", chart.title);
    }
    chart
}
