//! The pages of `callsim sweep` (every point's results, the charts with the target line) and `callsim compare`
//! (paired differences against the baseline, and what "significant" means).

use super::{About, Page, Section, describe, percent, percent_estimate};
use crate::plot::DifferenceChart;
use crate::scenario::Warning;
use crate::stats::Metric;
use crate::sweep::{Comparison, PointResult};
use crate::time::format_duration;

/// The warnings of many points: one line per distinct message, naming how many points it concerns.
fn point_warnings(results: &[PointResult]) -> Vec<String> {
    let mut lines: Vec<(String, usize)> = Vec::new();
    for warning in results.iter().flat_map(|r| r.warnings.iter()).map(Warning::to_string) {
        match lines.iter_mut().find(|(w, _)| *w == warning) {
            Some(line) => line.1 += 1,
            None => lines.push((warning, 1)),
        }
    }
    lines
        .into_iter()
        .map(|(w, n)| if n > 1 { format!("{w} ({n} points)") } else { w })
        .collect()
}

/// A point's axis values in words: `count=15, queue=priority` (last part of each path).
fn point_name(paths: &[String], labels: &[String]) -> String {
    paths
        .iter()
        .zip(labels)
        .map(|(p, v)| format!("{}={v}", p.rsplit('.').next().unwrap_or(p)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a sweep ran, for its page.
#[derive(Debug, Clone, Copy)]
pub struct SweepResults<'a> {
    /// The swept paths, in grid order.
    pub paths: &'a [String],
    /// Every point's results, in grid order.
    pub results: &'a [PointResult],
    /// The service-level target and its threshold in seconds (the first point's scenario's).
    pub target: (f64, f64),
    /// The table the terminal prints (header first).
    pub cells: &'a [Vec<String>],
}

/// Points shown in words before the text alternative refers to the table.
const WORDED_POINTS: usize = 24;

/// A metric of all calls at every point in words: `count=12: 53.8%; count=13: 62.1%; ...` (the first
/// [`WORDED_POINTS`], then a pointer to the table).
fn values_in_words(s: &SweepResults, metric: Metric) -> String {
    let mut parts: Vec<String> = s
        .results
        .iter()
        .take(WORDED_POINTS)
        .map(|r| {
            format!(
                "{}: {}",
                point_name(s.paths, &r.labels),
                crate::report::format_value(metric, r.summary.total[metric.index()].value())
            )
        })
        .collect();
    if s.results.len() > WORDED_POINTS {
        parts.push(format!(
            "and {} more points in the table above",
            s.results.len() - WORDED_POINTS
        ));
    }
    parts.join("; ") + "."
}

/// The page of a `callsim sweep`. `drawn` lists the chart files written beside it.
pub fn sweep_page(about: About, s: &SweepResults, drawn: &[String]) -> Page {
    let (target, within) = s.target;
    let sl = |r: &PointResult| r.summary.total[Metric::ServiceLevel.index()].value();
    let meeting: Vec<&PointResult> = s.results.iter().filter(|r| sl(r) >= target).collect();
    let goal = format!(
        "{} of calls answered within {}",
        percent(target),
        format_duration(within)
    );
    let mut headline = vec![format!(
        "{} of {} points meet the target ({goal}) on average.",
        meeting.len(),
        s.results.len()
    )];
    if let Some(first) = meeting.first() {
        headline.push(format!(
            "The first that does, in the order swept, is {}: {} answered in time.",
            point_name(s.paths, &first.labels),
            percent_estimate(&first.summary.total[Metric::ServiceLevel.index()])
        ));
    }
    let best = s.results.iter().max_by(|a, b| sl(a).total_cmp(&sl(b)));
    if let Some(best) = best.filter(|b| meeting.first().is_none_or(|f| f.labels != b.labels)) {
        headline.push(format!(
            "The highest service level is at {}: {}.",
            point_name(s.paths, &best.labels),
            percent_estimate(&best.summary.total[Metric::ServiceLevel.index()])
        ));
    }
    let replications = s.results.first().map_or(0, |r| r.summary.replications);
    let table = Section::new("points", "Every point")
        .note(format!(
            "{}; all call types together; every point sees the same callers (common random numbers).",
            crate::report::table::interval_legend(replications)
        ))
        .table(
            "Results per point (sweep.csv has every metric per call type)",
            s.cells.to_vec(),
        );
    let mut charts = Section::new("charts", "Charts").note(
        "Each line has its 95% band; the dashed black line is the target where one is drawn, dashed coloured \
         lines are exact theory. The values are in the table above.",
    );
    // Service level (with the target line) first, then the others as drawn.
    let mut files: Vec<&String> = drawn.iter().filter(|f| f.starts_with("sweep_")).collect();
    files.sort_by_key(|f| *f != "sweep_service_level.svg");
    for file in files {
        let stem = file.trim_start_matches("sweep_").trim_end_matches(".svg");
        let title = stem.replace('_', " ");
        let metric = match stem {
            "service_level" => Some(Metric::ServiceLevel),
            "asa" => Some(Metric::AsaS),
            "abandonment" => Some(Metric::AbandonmentRate),
            _ => None,
        };
        let description = match metric {
            Some(metric) => format!(
                "{} of all calls at each point of the sweep, with 95% bands: {}",
                metric.name(),
                values_in_words(s, metric)
            ),
            None => format!(
                "{title} at each point of the sweep ({}), with 95% bands; sweep.csv holds every value.",
                s.paths.join(" x ")
            ),
        };
        charts = charts.chart(drawn, file, format!("{title} across the sweep"), description);
    }
    Page {
        format: super::FORMAT,
        command: "sweep".into(),
        title: format!("{}: sweep report", about.scenario),
        about,
        headline,
        warnings: point_warnings(s.results),
        sections: vec![table, charts],
    }
}

/// What a comparison ran, for its page.
#[derive(Clone, Copy)]
pub struct CompareResults<'a> {
    /// Every variant's results, baseline first.
    pub results: &'a [PointResult],
    /// The paired differences.
    pub comparison: &'a Comparison,
    /// The baseline in words, e.g. `routing.queue=fifo`.
    pub baseline: &'a str,
    /// A variant's label (`labels.join(", ")`) in words.
    pub name_of: &'a dyn Fn(&str) -> String,
    /// What "significant" means here.
    pub rule: &'a str,
    /// The table the terminal prints (header first).
    pub cells: &'a [Vec<String>],
    /// The metrics the table shows (the headline lists significant differences among these).
    pub shown: &'a [Metric],
    /// The chart's data, when drawn.
    pub chart: Option<&'a DifferenceChart>,
}

/// A difference of a metric in words: points for shares, seconds otherwise, with its interval.
fn difference_text(metric: Metric, d: &crate::stats::Estimate) -> String {
    let (k, unit) = if metric.is_share() {
        (100.0, " points")
    } else {
        (1.0, " s")
    };
    let mean = d.value() * k;
    match (d.low(), d.high()) {
        (lo, hi) if lo.is_finite() && hi.is_finite() => {
            format!("{mean:+.1}{unit} [{:+.1}, {:+.1}]", lo * k, hi * k)
        }
        _ => format!("{mean:+.1}{unit}"),
    }
}

/// The page of a `callsim compare`. `drawn` lists the chart files written beside it.
pub fn compare_page(about: About, c: &CompareResults, drawn: &[String]) -> Page {
    let replications = c.results.first().map_or(0, |r| r.summary.replications);
    let mut headline = Vec::new();
    for variant in c.comparison.variants.iter().skip(1) {
        let pick = |metric: Metric| {
            c.comparison
                .rows
                .iter()
                .filter(|r| &r.variant == variant && r.metric == metric)
                .find(|r| r.call_type == "total")
                .or_else(|| {
                    c.comparison
                        .rows
                        .iter()
                        .find(|r| &r.variant == variant && r.metric == metric)
                })
        };
        if let Some(row) = pick(Metric::ServiceLevel) {
            let asa = pick(Metric::AsaS)
                .map(|r| {
                    format!(
                        " and the average wait before an answer by {}{}",
                        difference_text(Metric::AsaS, &r.difference),
                        if r.significant {
                            " (significant)"
                        } else {
                            " (not significant)"
                        }
                    )
                })
                .unwrap_or_default();
            headline.push(format!(
                "Against {}, {} changes the service level of {} from {} to {}: {}{}{asa}.",
                c.baseline,
                (c.name_of)(variant),
                if row.call_type == "total" {
                    "all calls".to_string()
                } else {
                    row.call_type.clone()
                },
                percent_estimate(&row.baseline),
                percent_estimate(&row.value),
                difference_text(Metric::ServiceLevel, &row.difference),
                if row.significant {
                    " (significant)"
                } else {
                    " (not significant)"
                },
            ));
        }
    }
    let marked: Vec<String> = c
        .comparison
        .rows
        .iter()
        .filter(|r| r.significant && c.shown.contains(&r.metric))
        .map(|r| {
            format!(
                "{} ({}, {}): {}",
                r.metric.name(),
                r.call_type,
                (c.name_of)(&r.variant),
                difference_text(r.metric, &r.difference)
            )
        })
        .collect();
    const LISTED: usize = 6;
    headline.push(match marked.len() {
        0 => "No difference from the baseline in the table is significant.".to_string(),
        n if n <= LISTED => format!("Significant differences: {}.", marked.join("; ")),
        n => format!(
            "{n} significant differences, among them {}; see the table.",
            marked[..LISTED].join("; ")
        ),
    });
    let differences = Section::new("differences", "Paired differences")
        .text(format!(
            "Every variant ran the same {replications} replications with the same random streams as the baseline \
             ({}), so a difference reflects the policy, not luck. Difference = variant - baseline, mean ± 95% \
             interval (shares in points).",
            c.baseline
        ))
        .text(format!(
            "What \"significant\" (*) means: {}. Without a mark the data cannot tell the variant from the \
             baseline at that level; it does not prove them equal.",
            c.rule.trim_start_matches("significant: ")
        ))
        .table(
            "Paired differences against the baseline (compare.csv has every metric)",
            c.cells.to_vec(),
        );
    let mut chart = Section::new("chart", "Chart");
    if let Some(data) = c.chart {
        chart = chart.chart(drawn, "compare.svg", data.title.clone(), describe::differences(data));
    }
    let mut sections = vec![differences];
    if !chart.blocks.is_empty() {
        sections.push(chart);
    }
    Page {
        format: super::FORMAT,
        command: "compare".into(),
        title: format!("{}: comparison report", about.scenario),
        about,
        headline,
        warnings: point_warnings(c.results),
        sections,
    }
}
