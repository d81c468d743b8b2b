//! Shift scheduling (`callsim schedule`, issue 9): how many agents work each shift template, from which start and
//! with their breaks where, so that every planning interval's requirement is covered at least paid hours or cost.
//!
//! [`templates`] reads the `--shifts` file and lists the columns (template x start x break placement, breaks on a
//! 15-minute grid); [`model`] is the integer program, solved exactly by microlp through good_lp; [`report`] turns
//! the answer into rows, the scenario's `shifts` key and a chart. This module owns the requirement (the `required`
//! column of a `staffing.csv`, or the scenario's own on-duty count per interval) and ties the three together.
//! It never writes files (the output module does) and never prints.
//!
//! **Coverage rule: time-weighted.** An agent on duty and not on break for part of an interval counts for that
//! share of it (a 15-minute break in a 30-minute interval leaves half an agent), the same rule as the scenario's
//! mean on-duty count per interval.

pub mod loop_report;
pub mod model;
pub mod report;
pub mod simulate;
pub mod templates;

use std::path::Path;

use crate::day::intervals::Intervals;
use crate::error::{Error, Result};
use crate::limits::quote;
use crate::scenario::Scenario;
pub use model::Objective;
use templates::{Column, Template};

/// Tolerance under which a shortfall is rounding, not an unmet interval.
pub const UNMET_TOLERANCE: f64 = 1e-6;

/// What one schedule is asked to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Agents required per interval.
    pub requirement: Vec<f64>,
    /// What to minimise.
    pub objective: Objective,
    /// Seconds the solver may take before it reports its best roster.
    pub time_limit: f64,
}

/// A solved schedule: the roster, its coverage, its totals.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// The templates.
    pub templates: Vec<Template>,
    /// Columns with at least one agent, in column order, with their agents.
    pub shifts: Vec<(Column, u32)>,
    /// Agents required per interval.
    pub requirement: Vec<f64>,
    /// Agents on duty and not on break per interval (time-weighted).
    pub coverage: Vec<f64>,
    /// Paid hours of the roster.
    pub paid_hours: f64,
    /// Cost of the roster.
    pub cost: f64,
    /// True when the solver proved the roster optimal.
    pub optimal: bool,
    /// Relative gap to the best bound (0 when optimal).
    pub gap: f64,
    /// Columns in the program.
    pub columns: usize,
    /// Seconds the solver took.
    pub solve_seconds: f64,
}

impl Schedule {
    /// Agents on the roster.
    pub fn agents(&self) -> u32 {
        self.shifts.iter().map(|s| s.1).sum()
    }

    /// Intervals whose coverage is below the requirement.
    pub fn unmet(&self) -> Vec<usize> {
        (0..self.requirement.len())
            .filter(|&i| self.coverage[i] < self.requirement[i] - UNMET_TOLERANCE)
            .collect()
    }
}

/// Solves the schedule for `templates` (already listed as `columns`) over the day `intervals`.
pub fn schedule(
    templates: Vec<Template>,
    columns: &[Column],
    intervals: &Intervals,
    request: &Request,
) -> Result<Schedule> {
    intervals.check_len("requirement", "required", &request.requirement)?;
    let seconds: Vec<f64> = intervals.iter().map(|i| i.length()).collect();
    let solved = model::solve(
        &templates,
        columns,
        &request.requirement,
        &seconds,
        request.objective,
        request.time_limit,
    )?;
    let mut coverage = vec![0.0; intervals.len()];
    let (mut paid_hours, mut cost) = (0.0, 0.0);
    let mut shifts = Vec::new();
    for (column, &n) in columns.iter().zip(&solved.counts) {
        if n == 0 {
            continue;
        }
        for &(i, a) in &column.coverage {
            coverage[i] += a * f64::from(n);
        }
        paid_hours += column.paid_hours * f64::from(n);
        cost += column.cost * f64::from(n);
        shifts.push((column.clone(), n));
    }
    Ok(Schedule {
        templates,
        shifts,
        requirement: request.requirement.clone(),
        coverage,
        paid_hours,
        cost,
        optimal: solved.optimal,
        gap: solved.gap,
        columns: columns.len(),
        solve_seconds: solved.seconds,
    })
}

/// The scenario's group to schedule: `name`, or the only group. The error names `--group` and the choices.
pub fn pick_group(scenario: &Scenario, name: Option<&str>) -> Result<usize> {
    let names: Vec<&str> = scenario.agent_groups.iter().map(|g| g.name.as_str()).collect();
    match name {
        Some(name) => names.iter().position(|&g| g == name).ok_or_else(|| {
            Error::input(
                format!("--group {}", quote(name)),
                format!("the scenario has no such group; its groups are {}", names.join(", ")),
            )
        }),
        None if names.len() == 1 => Ok(0),
        None => Err(Error::input(
            "--group",
            format!(
                "the scenario has {} groups ({}); name the one to schedule",
                names.len(),
                names.join(", ")
            ),
        )),
    }
}

/// The scenario's own requirement for group `group`: its mean on-duty agents per interval.
pub fn scenario_requirement(scenario: &Scenario, group: usize) -> Vec<f64> {
    scenario.agent_groups[group]
        .roster
        .on_duty_mean(&scenario.day.intervals)
}

/// Reads the `required` column of a `staffing.csv` (columns `interval_start`, `group`, `required`, others
/// ignored) for `group` (or the file's only group). The rows of the group must list the scenario's intervals in
/// order, by their clock labels; errors name the file, the line and the column.
pub fn read_requirement(path: &Path, group: Option<&str>, intervals: &Intervals) -> Result<Vec<f64>> {
    let file = path.display().to_string();
    let mut reader = csv::Reader::from_path(path).map_err(|e| Error::io(path, e))?;
    let headers = reader
        .headers()
        .map_err(|e| Error::scenario(&file, format!("line 1: {e}")))?
        .clone();
    let column = |name: &str| {
        headers.iter().position(|h| h.trim() == name).ok_or_else(|| {
            Error::scenario(
                &file,
                format!("line 1: has no `{name}` column (expected interval_start, group, required)"),
            )
        })
    };
    let (at, by, req) = (column("interval_start")?, column("group")?, column("required")?);
    let mut rows: Vec<(u64, String, String, String)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::scenario(&file, e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        let get = |k: usize| record.get(k).unwrap_or("").trim().to_string();
        rows.push((line, get(at), get(by), get(req)));
    }
    let mut groups: Vec<&str> = Vec::new();
    for row in &rows {
        if !groups.contains(&row.2.as_str()) {
            groups.push(&row.2);
        }
    }
    let chosen = match group {
        Some(g) if groups.contains(&g) => g.to_string(),
        Some(g) => {
            return Err(Error::scenario(
                &file,
                format!(
                    "group: no rows for --group {}; the file's groups are {}",
                    quote(g),
                    groups.join(", ")
                ),
            ));
        }
        None if groups.len() == 1 => groups[0].to_string(),
        None => {
            return Err(Error::scenario(
                &file,
                format!(
                    "group: the file has {} groups ({}); pick one with --group",
                    groups.len(),
                    groups.join(", ")
                ),
            ));
        }
    };
    let mine: Vec<_> = rows.iter().filter(|r| r.2 == chosen).collect();
    let mut requirement = Vec::with_capacity(intervals.len());
    for (k, (line, start, _, required)) in mine.iter().enumerate() {
        if k >= intervals.len() {
            return Err(Error::scenario(
                &file,
                format!(
                    "line {line}: interval_start: \"{}\" is past the scenario's last interval ({}); the file's \
                     intervals do not match the scenario",
                    quote(start),
                    intervals.label(intervals.len() - 1)
                ),
            ));
        }
        if *start != intervals.label(k) {
            return Err(Error::scenario(
                &file,
                format!(
                    "line {line}: interval_start: \"{}\" but the scenario's interval {} starts at {} ({} intervals \
                     of {} from {}); the file's intervals do not match the scenario",
                    quote(start),
                    k + 1,
                    intervals.label(k),
                    intervals.len(),
                    crate::time::format_duration(intervals.length()),
                    intervals.label(0)
                ),
            ));
        }
        match required.parse::<f64>() {
            Ok(r) if r.is_finite() && r >= 0.0 => requirement.push(r),
            _ => {
                return Err(Error::scenario(
                    &file,
                    format!(
                        "line {line}: required: must be a number of agents at least 0, got \"{}\"",
                        quote(required)
                    ),
                ));
            }
        }
    }
    if requirement.len() < intervals.len() {
        return Err(Error::scenario(
            &file,
            format!(
                "interval_start: group {} has {} rows but the scenario has {} intervals (missing from {}); the file's \
                 intervals do not match the scenario",
                quote(&chosen),
                requirement.len(),
                intervals.len(),
                intervals.label(requirement.len())
            ),
        ));
    }
    Ok(requirement)
}
