//! The rows of the CSV files, as structs serialized with `csv::Writer::serialize`: the header is the field names,
//! so it cannot drift from the cells.
//!
//! Every metric of [`Metric::ALL`] gives five columns, in this order: `<metric>` (the mean), `<metric>_ci95` (the
//! 95% half-width; for percentiles the larger distance to either end), `<metric>_lo` and `<metric>_hi` (the ends
//! of the 95% interval, clipped to what the metric can take) and `<metric>_n` (replications in which the metric
//! was defined). An undefined number is an empty cell.

use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock};

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::stats::{Estimate, Metric, MetricEstimates, Summary};

/// A CSV number: full precision, an empty cell when undefined (spreadsheets read an empty cell as missing).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number(pub f64);

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            serializer.collect_str(&self.0)
        } else {
            serializer.serialize_none()
        }
    }
}

/// The five column names of every metric, built once (csv takes field names as `&'static str`).
fn metric_columns() -> &'static [[&'static str; 5]; Metric::COUNT] {
    static COLUMNS: OnceLock<[[&'static str; 5]; Metric::COUNT]> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        std::array::from_fn(|i| {
            let name = Metric::ALL[i].name();
            [
                name,
                leak(format!("{name}_ci95")),
                leak(format!("{name}_lo")),
                leak(format!("{name}_hi")),
                leak(format!("{name}_n")),
            ]
        })
    })
}

fn leak(name: String) -> &'static str {
    Box::leak(name.into_boxed_str())
}

/// A column name that is only known at run time (a sweep axis path), kept for the life of the process. Each
/// distinct name is stored once, so memory is bounded by the distinct paths ever swept.
fn interned(name: &str) -> &'static str {
    static NAMES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut names = NAMES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(known) = names.get(name) {
        return known;
    }
    let stored = leak(name.to_string());
    names.insert(stored);
    stored
}

/// Writes the five columns of every metric into a struct being serialized.
fn serialize_metrics<S: SerializeStruct>(state: &mut S, estimates: &MetricEstimates) -> Result<(), S::Error> {
    for (metric, columns) in Metric::ALL.iter().zip(metric_columns()) {
        let e = &estimates[metric.index()];
        state.serialize_field(columns[0], &Number(e.value()))?;
        state.serialize_field(columns[1], &Number(e.half_width()))?;
        state.serialize_field(columns[2], &Number(e.low()))?;
        state.serialize_field(columns[3], &Number(e.high()))?;
        state.serialize_field(columns[4], &e.n)?;
    }
    Ok(())
}

/// A row of `summary.csv`: a call type (or `total`) and every metric.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Call type name, or `total`.
    pub call_type: String,
    /// Its estimates.
    pub metrics: MetricEstimates,
}

impl Serialize for SummaryRow {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("SummaryRow", 1 + 5 * Metric::COUNT)?;
        state.serialize_field("call_type", &self.call_type)?;
        serialize_metrics(&mut state, &self.metrics)?;
        state.end()
    }
}

/// The rows of `summary.csv`: each call type in scenario order, then `total`.
pub fn summary_rows(summary: &Summary) -> Vec<SummaryRow> {
    summary
        .scopes()
        .map(|(name, metrics)| SummaryRow {
            call_type: name.to_string(),
            metrics: *metrics,
        })
        .collect()
}

/// A row of `groups.csv`: one agent group.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GroupRow {
    /// Group name.
    pub agent_group: String,
    /// Agents in the group.
    pub agents: u32,
    /// Mean occupancy (busy time over staffed time).
    pub occupancy: Number,
    /// Its 95% half-width.
    pub occupancy_ci95: Number,
    /// Lower end of its 95% interval.
    pub occupancy_lo: Number,
    /// Upper end of its 95% interval.
    pub occupancy_hi: Number,
    /// Replications in which it was defined.
    pub occupancy_n: u32,
    /// Mean calls answered by the group per replication.
    pub calls_handled: Number,
    /// Its 95% half-width.
    pub calls_handled_ci95: Number,
    /// Lower end of its 95% interval.
    pub calls_handled_lo: Number,
    /// Upper end of its 95% interval.
    pub calls_handled_hi: Number,
    /// Replications in which it was defined.
    pub calls_handled_n: u32,
}

/// The rows of `groups.csv`, in scenario order.
pub fn group_rows(summary: &Summary) -> Vec<GroupRow> {
    let cells = |e: &Estimate| {
        (
            Number(e.value()),
            Number(e.half_width()),
            Number(e.low()),
            Number(e.high()),
            e.n,
        )
    };
    summary
        .groups
        .iter()
        .map(|g| {
            let (occupancy, occupancy_ci95, occupancy_lo, occupancy_hi, occupancy_n) = cells(&g.occupancy);
            let (calls_handled, calls_handled_ci95, calls_handled_lo, calls_handled_hi, calls_handled_n) =
                cells(&g.calls_handled);
            GroupRow {
                agent_group: g.name.clone(),
                agents: g.agents,
                occupancy,
                occupancy_ci95,
                occupancy_lo,
                occupancy_hi,
                occupancy_n,
                calls_handled,
                calls_handled_ci95,
                calls_handled_lo,
                calls_handled_hi,
                calls_handled_n,
            }
        })
        .collect()
}

/// A row of `sweep.csv`: the point's axis values (one column per axis path), then a [`SummaryRow`].
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRow {
    /// `(axis path, value)` for every axis, in the order given.
    pub axes: Vec<(String, String)>,
    /// The call type's (or total's) figures at this point.
    pub summary: SummaryRow,
}

impl Serialize for SweepRow {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("SweepRow", self.axes.len() + 1 + 5 * Metric::COUNT)?;
        for (path, value) in &self.axes {
            state.serialize_field(interned(path), value)?;
        }
        state.serialize_field("call_type", &self.summary.call_type)?;
        serialize_metrics(&mut state, &self.summary.metrics)?;
        state.end()
    }
}

/// The rows of `sweep.csv`: for every point in grid order (its axis values, in the order of `paths`, and its
/// summary), the point's [`summary_rows`] prefixed with the axis values.
pub fn sweep_rows<'a>(
    paths: &[String],
    points: impl IntoIterator<Item = (&'a [String], &'a Summary)>,
) -> Vec<SweepRow> {
    points
        .into_iter()
        .flat_map(|(labels, summary)| {
            let values: Vec<(String, String)> = paths.iter().cloned().zip(labels.iter().cloned()).collect();
            summary_rows(summary).into_iter().map(move |summary| SweepRow {
                axes: values.clone(),
                summary,
            })
        })
        .collect()
}
