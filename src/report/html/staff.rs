//! The page of `callsim staff`: agents needed per interval and group, against the forecast, with the count lists
//! to paste into the scenario.

use super::{About, Page, Section, describe};
use crate::erlang::Targets;
use crate::plot::LineChart;
use crate::schedule::loop_report::describe_targets;
use crate::staffing::rows::{StaffRow, table_cells};

/// What `callsim staff` computed, for its page.
#[derive(Debug, Clone, Copy)]
pub struct StaffResults<'a> {
    /// The method's name (`erlang` or `simulation`).
    pub method: &'a str,
    /// The targets staffed for.
    pub targets: &'a Targets,
    /// Share of paid time off the phones.
    pub shrinkage: f64,
    /// Length of a planning interval in seconds.
    pub interval_s: f64,
    /// The plan's rows (interval by interval, groups in scenario order).
    pub rows: &'a [StaffRow],
    /// The count lists to paste into the scenario.
    pub counts: &'a str,
    /// The chart's panels, as drawn.
    pub chart: &'a [LineChart],
}

/// The page of a `callsim staff` (its warnings are the caller's to add). `drawn` lists the chart files written
/// beside it.
pub fn page(about: About, s: &StaffResults, drawn: &[String]) -> Page {
    // Per interval, all groups together, in interval order.
    let mut per_interval: Vec<(&str, u32, u32)> = Vec::new();
    for row in s.rows {
        match per_interval.last_mut() {
            Some(last) if last.0 == row.interval_start => {
                last.1 += row.required;
                last.2 += row.scheduled;
            }
            _ => per_interval.push((&row.interval_start, row.required, row.scheduled)),
        }
    }
    let peak = per_interval.iter().max_by_key(|p| p.1).copied().unwrap_or(("-", 0, 0));
    let agent_hours: f64 = per_interval.iter().map(|p| f64::from(p.1)).sum::<f64>() * s.interval_s / 3600.0;
    let targets = describe_targets(s.targets);
    let mut headline = vec![format!(
        "To meet {targets}, the day needs {} agents on duty at the peak ({}) and {agent_hours:.1} agent-hours on \
         the phones in all ({} method).",
        peak.1, peak.0, s.method
    )];
    if s.shrinkage > 0.0 {
        headline.push(format!(
            "With {:.0}% shrinkage, schedule {} agents at the peak.",
            s.shrinkage * 100.0,
            peak.2
        ));
    }
    let missed: Vec<&str> = s
        .rows
        .iter()
        .filter(|r| !r.met)
        .map(|r| r.interval_start.as_str())
        .collect();
    headline.push(if missed.is_empty() {
        "Every interval meets the targets with the agents required.".to_string()
    } else {
        format!(
            "{} interval rows do not meet every target even so: {}.",
            missed.len(),
            missed.join(", ")
        )
    });
    let chart = Section::new("chart", "Forecast and agents required").chart(
        drawn,
        "staffing.svg",
        "Forecast calls and agents required per interval",
        describe::lines(s.chart),
    );
    let table = Section::new("intervals", "Per interval")
        .note(format!(
            "required: agents on duty the interval needs ({} method); scheduled: required / (1 - shrinkage), \
             rounded up; the service level, ASA, abandonment and occupancy are what the required agents achieve.",
            s.method
        ))
        .table("Agents per interval and group (staffing.csv)", table_cells(s.rows));
    let counts = Section::new("counts", "Count lists for the scenario")
        .text("Paste these into the scenario's agent groups (staffing_counts.toml holds the same):")
        .table(
            "staffing_counts.toml",
            std::iter::once(vec!["line".to_string()])
                .chain(
                    s.counts
                        .lines()
                        .filter(|l| !l.trim().is_empty())
                        .map(|l| vec![l.to_string()]),
                )
                .collect(),
        );
    let mut sections = Vec::new();
    if !chart.blocks.is_empty() {
        sections.push(chart);
    }
    sections.extend([table, counts]);
    Page {
        format: super::FORMAT,
        command: "staff".into(),
        title: format!("{}: staffing report", about.scenario),
        about,
        headline,
        warnings: Vec::new(),
        sections,
    }
}
