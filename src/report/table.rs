//! Plain-text tables for the terminal.

use std::fmt::Write;

use crate::report::{format_estimate, format_estimate_of, format_value};
use crate::scenario::Warning;
use crate::stats::{DayResults, IntervalMetric, Metric, Summary};
use crate::theory::Theory;

/// Lays out rows of cells in aligned columns. The first row is the header. A column whose cells all start with a
/// digit (or `-`) is right-aligned, like numbers in a spreadsheet; text columns are left-aligned.
pub fn layout(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let numeric: Vec<bool> = (0..columns)
        .map(|c| {
            c > 0
                && rows
                    .iter()
                    .skip(1)
                    .filter_map(|r| r.get(c))
                    .filter(|s| !s.is_empty())
                    .all(|s| s.starts_with(|ch: char| ch.is_ascii_digit() || ch == '-'))
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[c] - cell.chars().count());
            if c > 0 {
                line.push_str("  ");
            }
            if numeric[c] {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&pad);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// How to read the cells of a table of estimates from `replications` replications.
pub fn interval_legend(replications: u32) -> String {
    format!("{replications} replications, mean ± 95% half-width or mean [95% interval]")
}

/// The note under a table in which some cell rests on fewer replications than were run.
pub const N_NOTE: &str = "(n=K): the metric was defined in only K replications (e.g. no caller abandoned)";

/// The `callsim run` report: per call type and total with 95% intervals, theory beside when covered, then
/// agent groups and warnings.
pub fn summary_table(summary: &Summary, theory: Option<&Theory>, warnings: &[Warning]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", summary.scenario, interval_legend(summary.replications));
    let _ = writeln!(out);
    let rows = summary_cells(summary, theory);
    let note = partial(&rows);
    out.push_str(&layout(&rows));
    if let Some(t) = theory.filter(|t| !t.note.is_empty()) {
        let _ = writeln!(out, "\n{}: {}", t.model, t.note);
    }
    let _ = writeln!(out);
    if summary.campaigns {
        out.push_str(&layout(&campaign_cells(summary)));
        let _ = writeln!(out);
    }
    let groups = group_cells(summary);
    let note = note || partial(&groups);
    out.push_str(&layout(&groups));
    if note {
        let _ = writeln!(out, "\n{N_NOTE}");
    }
    for warning in warnings {
        let _ = writeln!(out, "\nwarning: {warning}");
    }
    out
}

/// True when some cell rests on fewer replications than were run (it carries `(n=K)`, see [`N_NOTE`]).
pub fn partial(cells: &[Vec<String>]) -> bool {
    cells.iter().flatten().any(|c| c.ends_with(')') && c.contains("(n="))
}

/// The summary table's cells, header first: one row per shown metric, one column per call type, the total when
/// there are several, and the theory's value when it covers the scenario (plus a `target` row under
/// `service_level` when call types have targets of their own). Shared by the terminal and the HTML report.
pub fn summary_cells(summary: &Summary, theory: Option<&Theory>) -> Vec<Vec<String>> {
    let mut header = vec!["metric".to_string()];
    header.extend(summary.call_types.iter().map(|(name, _)| name.clone()));
    if summary.call_types.len() > 1 {
        header.push("total".into());
    }
    let theory_values = theory.filter(|t| !t.values.is_empty());
    if let Some(t) = theory_values {
        header.push(t.model.clone());
    }
    let mut rows = vec![header];
    for metric in summary.shown_metrics().filter(|m| !m.is_campaign()) {
        let mut row = vec![metric.name().to_string()];
        row.extend(
            summary
                .call_types
                .iter()
                .map(|(_, e)| format_estimate_of(metric, &e[metric.index()], summary.replications)),
        );
        if summary.call_types.len() > 1 {
            row.push(format_estimate_of(
                metric,
                &summary.total[metric.index()],
                summary.replications,
            ));
        }
        if let Some(t) = theory_values {
            row.push(t.value(metric).map_or(String::new(), |v| format_value(metric, v)));
        }
        rows.push(row);
        if metric == Metric::ServiceLevel && summary.type_targets {
            rows.push(target_row(summary, theory_values.is_some()));
        }
    }
    rows
}

/// The outbound table's cells, header first (scenarios with campaigns): the total's campaign metrics, all
/// campaigns together.
pub fn campaign_cells(summary: &Summary) -> Vec<Vec<String>> {
    let mut rows = vec![vec!["outbound (all campaigns)".to_string(), "value".into()]];
    for metric in summary.shown_metrics().filter(|m| m.is_campaign()) {
        rows.push(vec![
            metric.name().to_string(),
            format_estimate_of(metric, &summary.total[metric.index()], summary.replications),
        ]);
    }
    rows
}

/// The agent-group table's cells, header first: agents, occupancy, calls handled, and overtime when some group
/// finished calls after a scheduled log-off.
pub fn group_cells(summary: &Summary) -> Vec<Vec<String>> {
    // Overtime (finishing calls after a scheduled log-off) exists only when staffing changes through the day.
    let overtime = summary.groups.iter().any(|g| g.overtime_s.value() > 0.0);
    let mut groups = vec![vec![
        "agent group".to_string(),
        "agents".into(),
        "occupancy".into(),
        "calls handled".into(),
    ]];
    if overtime {
        groups[0].push("overtime (agent-min/day)".into());
    }
    for g in &summary.groups {
        groups.push(vec![
            g.name.clone(),
            g.agents.to_string(),
            format_estimate_of(Metric::Occupancy, &g.occupancy, summary.replications),
            format_estimate_of(Metric::Offered, &g.calls_handled, summary.replications),
        ]);
        if overtime {
            groups.last_mut().expect("just pushed").push(format_estimate_of(
                Metric::AsaS,
                &in_minutes(&g.overtime_s),
                summary.replications,
            ));
        }
    }
    groups
}

/// The `target` row under `service_level` when call types have targets of their own: `90% in 10.0s` per type; the
/// total's cell is the shared target with `each own` for the threshold (each call counts against its own type's),
/// or `-` when the targets differ.
fn target_row(summary: &Summary, theory: bool) -> Vec<String> {
    let mut row = vec!["target".to_string()];
    row.extend(summary.targets.iter().map(|t| t.text()));
    if summary.call_types.len() > 1 {
        let shared = summary.targets.windows(2).all(|w| w[0].target == w[1].target);
        row.push(match summary.targets.first() {
            Some(t) if shared => format!("{} in each own", crate::scenario::share_text(t.target)),
            _ => "-".into(),
        });
    }
    if theory {
        row.push(String::new());
    }
    row
}

/// The per-interval table's cells, header first (all call types together; see [`interval_table`]). Shared by the
/// terminal and the HTML report.
pub fn interval_cells(day: &DayResults) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "interval",
            "offered",
            "agents",
            "service level",
            &format!("{} approx.", day.theory_model),
            "ASA (s)",
            "abandoned",
            "occupancy",
            "days met",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let value = |m: IntervalMetric, e: &crate::stats::Estimate| match m.metric() {
        Some(metric) => format_value(metric, e.value()),
        None if m.is_share() => format_value(Metric::ServiceLevel, e.value()),
        None => format!("{:.1}", e.value()),
    };
    for (interval, theory) in day.intervals.iter().zip(&day.theory) {
        let total = interval.scopes.last().expect("the total scope");
        let e = |m: IntervalMetric| &total[m.index()];
        rows.push(vec![
            interval.interval_start.clone(),
            value(IntervalMetric::Offered, e(IntervalMetric::Offered)),
            value(IntervalMetric::AgentsOnDuty, e(IntervalMetric::AgentsOnDuty)),
            format_estimate(Metric::ServiceLevel, e(IntervalMetric::ServiceLevel)),
            format_value(Metric::ServiceLevel, theory.erlang_service_level),
            value(IntervalMetric::AsaS, e(IntervalMetric::AsaS)),
            value(IntervalMetric::AbandonmentRate, e(IntervalMetric::AbandonmentRate)),
            value(IntervalMetric::Occupancy, e(IntervalMetric::Occupancy)),
            value(IntervalMetric::DaysMeetingTarget, e(IntervalMetric::DaysMeetingTarget)),
        ]);
    }
    rows
}

/// The per-interval table of `callsim run` (all call types together, one row per interval, fits 100 columns):
/// offered calls, agents on duty, service level with its 95% interval, the stationary Erlang service level of the
/// interval alone, ASA, abandonment rate, occupancy and the share of days the interval met the target; then the
/// share of days and of intervals meeting the target.
pub fn interval_table(summary: &Summary, day: &DayResults, target: f64, answer_within: f64) -> String {
    let mut out = String::new();
    let rows = interval_cells(day);
    let _ = writeln!(
        out,
        "per interval (calls by the interval they arrived in; all call types; {}):",
        interval_legend(summary.replications)
    );
    out.push_str(&layout(&rows));
    let _ = writeln!(
        out,
        "\n{} approx.: each interval alone in steady state with its rostered agents (the queue carries over, so \
         this is only a guide)",
        day.theory_model
    );
    let target_text = format!(
        "{:.0}% answered within {}",
        target * 100.0,
        crate::time::format_duration(answer_within)
    );
    if !summary.type_targets {
        let _ = writeln!(
            out,
            "days meeting the target ({target_text}): {}",
            format_estimate(Metric::ServiceLevel, &day.days_meeting_target)
        );
        let _ = writeln!(
            out,
            "intervals meeting the target: {}",
            format_estimate(Metric::ServiceLevel, &day.intervals_meeting_target)
        );
        return out;
    }
    // Call types with targets of their own: each against its own, then all together.
    let all = if summary.targets.windows(2).any(|w| w[0].target != w[1].target) {
        "all call types (a day or an interval meets the targets when every call type with calls meets its own)"
            .to_string()
    } else {
        format!(
            "all call types ({} answered, each call within its own type's threshold)",
            crate::scenario::share_text(summary.targets.first().map_or(target, |t| t.target))
        )
    };
    let rows = meeting_cells(summary, day);
    let _ = writeln!(out, "service-level targets per call type; {all}:");
    out.push_str(&layout(&rows));
    out
}

/// The share of days and of intervals meeting each call type's own target, then all call types together
/// (cells, header first). Shared by the terminal and the HTML report.
pub fn meeting_cells(summary: &Summary, day: &DayResults) -> Vec<Vec<String>> {
    let mut rows = vec![
        ["target", "days meeting it", "intervals meeting it"]
            .map(String::from)
            .to_vec(),
    ];
    for ((t, days), intervals) in summary
        .targets
        .iter()
        .zip(&day.call_type_days_meeting_target)
        .zip(&day.call_type_intervals_meeting_target)
    {
        rows.push(vec![
            format!("{}: {}", t.call_type, t.text()),
            format_estimate(Metric::ServiceLevel, days),
            format_estimate(Metric::ServiceLevel, intervals),
        ]);
    }
    rows.push(vec![
        "all call types".into(),
        format_estimate(Metric::ServiceLevel, &day.days_meeting_target),
        format_estimate(Metric::ServiceLevel, &day.intervals_meeting_target),
    ]);
    rows
}

/// An estimate in seconds, in minutes.
fn in_minutes(seconds: &crate::stats::Estimate) -> crate::stats::Estimate {
    let minutes = |v: Option<f64>| v.map(|v| v / 60.0);
    crate::stats::Estimate {
        mean: minutes(seconds.mean),
        ci95: minutes(seconds.ci95),
        lo: minutes(seconds.lo),
        hi: minutes(seconds.hi),
        n: seconds.n,
    }
}
