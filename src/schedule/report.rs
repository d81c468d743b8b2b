//! What a schedule reports: `roster.csv` and `coverage.csv` rows, the scenario's `shifts` key (`roster.toml`),
//! the JSON object, the coverage chart and the text table. Builds values only; the output module writes them.

use serde::Serialize;
use serde_json::{Value, json};

use crate::day::intervals::Intervals;
use crate::day::roster::{BreakSpec, ShiftSpec};
use crate::plot::{LineChart, Series, SeriesPoint};
use crate::schedule::Schedule;

/// One row of `roster.csv`: a template worked from one start with its breaks, and its agents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterRow {
    /// Template name.
    pub template: String,
    /// Shift start, clock time.
    pub start: String,
    /// Agents.
    pub count: u32,
    /// Break start clock times, separated by spaces.
    pub break_starts: String,
}

/// One row of `coverage.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageRow {
    /// Interval start, clock time.
    pub interval_start: String,
    /// Agents required.
    pub required: f64,
    /// Agents on duty and not on break (time-weighted).
    pub scheduled: f64,
    /// `scheduled - required` when positive.
    pub over: f64,
    /// `required - scheduled` when positive (an unmet interval).
    pub under: f64,
}

fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Rows of `roster.csv`, in column order (template, then start, then break placement).
pub fn roster_rows(schedule: &Schedule, intervals: &Intervals) -> Vec<RosterRow> {
    let clock = intervals.clock();
    schedule
        .shifts
        .iter()
        .map(|(c, n)| RosterRow {
            template: schedule.templates[c.template].name.clone(),
            start: clock.label(c.start),
            count: *n,
            break_starts: c
                .break_starts
                .iter()
                .map(|&b| clock.label(b))
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect()
}

/// Rows of `coverage.csv`, one per interval.
pub fn coverage_rows(schedule: &Schedule, intervals: &Intervals) -> Vec<CoverageRow> {
    (0..intervals.len())
        .map(|i| {
            let (r, s) = (schedule.requirement[i], schedule.coverage[i]);
            CoverageRow {
                interval_start: intervals.label(i),
                required: round(r),
                scheduled: round(s),
                over: round((s - r).max(0.0)),
                under: round((r - s).max(0.0)),
            }
        })
        .collect()
}

/// A duration as a scenario writes it: `"8h"`, `"8h30m"`, `"30m"`, `"45s"`.
fn duration(seconds: f64) -> String {
    let s = seconds.round() as u64;
    let (h, m, rest) = (s / 3600, s % 3600 / 60, s % 60);
    let mut out = String::new();
    if h > 0 {
        out += &format!("{h}h");
    }
    if m > 0 {
        out += &format!("{m}m");
    }
    if rest > 0 || out.is_empty() {
        out += &format!("{rest}s");
    }
    out
}

/// The roster as the scenario's `shifts` key holds it: one [`ShiftSpec`] per column with agents, in column order
/// (clock times and durations written as a scenario writes them). [`roster_toml`] prints exactly these, and
/// `--simulate` builds the group's roster from exactly these, so what is simulated is what is pasted.
pub fn shift_specs(schedule: &Schedule, intervals: &Intervals) -> Vec<ShiftSpec> {
    let clock = intervals.clock();
    schedule
        .shifts
        .iter()
        .map(|(c, n)| {
            let t = &schedule.templates[c.template];
            ShiftSpec {
                start: clock.label(c.start),
                length: duration(t.length),
                count: *n,
                breaks: c
                    .break_starts
                    .iter()
                    .zip(&t.breaks)
                    .map(|(&b, rule)| BreakSpec {
                        start: clock.label(b),
                        length: duration(rule.length),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The scenario's `shifts` key for the roster, ready to paste into an `[[agent_groups]]` table: the
/// [`shift_specs`] written out, each with its template's name as a comment.
pub fn roster_toml(schedule: &Schedule, intervals: &Intervals) -> String {
    let mut out = String::from(
        "# The roster `callsim schedule` chose: paste into the group's [[agent_groups]] table (replacing `count`).\n",
    );
    out += &format!(
        "# {} agents, {:.2} paid hours, cost {:.2}{}\nshifts = [\n",
        schedule.agents(),
        schedule.paid_hours,
        schedule.cost,
        if schedule.optimal { " (proven optimal)" } else { "" }
    );
    for (spec, (c, _)) in shift_specs(schedule, intervals).iter().zip(&schedule.shifts) {
        let breaks: Vec<String> = spec
            .breaks
            .iter()
            .map(|b| format!("{{ start = \"{}\", length = \"{}\" }}", b.start, b.length))
            .collect();
        out += &format!(
            "  {{ start = \"{}\", length = \"{}\", count = {}, breaks = [ {} ] }},   # {}\n",
            spec.start,
            spec.length,
            spec.count,
            breaks.join(", "),
            schedule.templates[c.template].name
        );
    }
    out += "]\n";
    out
}

/// The `--json` object: `agents`, `paid_hours`, `cost`, `optimal`, `gap`, `unmet_intervals` (clock times),
/// `shifts` (template, start, count, break_starts) and `solve_seconds`.
pub fn json(schedule: &Schedule, intervals: &Intervals) -> Value {
    let shifts: Vec<Value> = roster_rows(schedule, intervals)
        .into_iter()
        .zip(&schedule.shifts)
        .map(|(row, (c, _))| {
            json!({
                "template": row.template,
                "start": row.start,
                "count": row.count,
                "break_starts": c.break_starts.iter().map(|&b| intervals.clock().label(b)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "agents": schedule.agents(),
        "paid_hours": round(schedule.paid_hours),
        "cost": round(schedule.cost),
        "optimal": schedule.optimal,
        "gap": if schedule.gap.is_finite() { json!(schedule.gap) } else { Value::Null },
        "unmet_intervals": schedule.unmet().iter().map(|&i| intervals.label(i)).collect::<Vec<_>>(),
        "shifts": shifts,
        "columns": schedule.columns,
        "solve_seconds": schedule.solve_seconds,
    })
}

/// The coverage chart: required and scheduled agents per interval, clock times on x.
pub fn coverage_chart(schedule: &Schedule, intervals: &Intervals) -> LineChart {
    let line = |name: &str, values: &[f64]| Series {
        name: name.to_string(),
        points: values
            .iter()
            .enumerate()
            .map(|(i, &v)| SeriesPoint {
                x: i as f64,
                mean: v,
                lo: f64::NAN,
                hi: f64::NAN,
            })
            .collect(),
    };
    LineChart {
        title: format!(
            "Coverage: {} agents, {:.1} paid hours",
            schedule.agents(),
            schedule.paid_hours
        ),
        x_label: "interval start".into(),
        y_label: "agents on duty, not on break".into(),
        x_ticks: (0..intervals.len()).map(|i| intervals.label(i)).collect(),
        series: vec![
            line("required", &schedule.requirement),
            line("scheduled", &schedule.coverage),
        ],
        dashed: Vec::new(),
        target: None,
        type_targets: Vec::new(),
        share: false,
        y_clip: None,
    }
}

/// The text report: the roster, the coverage per interval and the totals.
pub fn table(schedule: &Schedule, intervals: &Intervals) -> String {
    let mut out = String::from("roster\n");
    out += &format!("  {:<16} {:>6} {:>6}  breaks\n", "template", "start", "agents");
    for row in roster_rows(schedule, intervals) {
        out += &format!(
            "  {:<16} {:>6} {:>6}  {}\n",
            row.template, row.start, row.count, row.break_starts
        );
    }
    out += "\ncoverage\n";
    out += &format!(
        "  {:>6} {:>9} {:>9} {:>7} {:>7}\n",
        "start", "required", "scheduled", "over", "under"
    );
    for row in coverage_rows(schedule, intervals) {
        out += &format!(
            "  {:>6} {:>9.2} {:>9.2} {:>7.2} {:>7}\n",
            row.interval_start,
            row.required,
            row.scheduled,
            row.over,
            if row.under > 0.0 {
                format!("{:.2}", row.under)
            } else {
                "-".into()
            }
        );
    }
    let unmet = schedule.unmet();
    out += &format!(
        "\n{} agents, {:.2} paid hours, cost {:.2}; {} ({} columns, solved in {:.2}s)\n",
        schedule.agents(),
        schedule.paid_hours,
        schedule.cost,
        if schedule.optimal {
            "proven optimal".to_string()
        } else {
            format!("best found, gap {:.2}%", 100.0 * schedule.gap)
        },
        schedule.columns,
        schedule.solve_seconds
    );
    if !unmet.is_empty() {
        out += &format!(
            "unmet intervals (the templates' maxima cannot cover them): {}\n",
            unmet.iter().map(|&i| intervals.label(i)).collect::<Vec<_>>().join(", ")
        );
    }
    out
}
