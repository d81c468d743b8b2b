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

use crate::stats::{
    CallerCounts, DayCounts, DayResults, Estimate, IntervalMetric, Metric, MetricEstimates, MetricValues, Summary,
};

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
    /// Mean overtime per replication in agent-seconds (finishing calls after a scheduled log-off).
    pub overtime_s: Number,
    /// Its 95% half-width.
    pub overtime_s_ci95: Number,
    /// Lower end of its 95% interval.
    pub overtime_s_lo: Number,
    /// Upper end of its 95% interval.
    pub overtime_s_hi: Number,
    /// Replications in which it was defined.
    pub overtime_s_n: u32,
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
            let (overtime_s, overtime_s_ci95, overtime_s_lo, overtime_s_hi, overtime_s_n) = cells(&g.overtime_s);
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
                overtime_s,
                overtime_s_ci95,
                overtime_s_lo,
                overtime_s_hi,
                overtime_s_n,
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

/// The three column names (`<metric>`, `<metric>_lo`, `<metric>_hi`) of every per-interval metric.
fn interval_columns() -> &'static [[&'static str; 3]; IntervalMetric::COUNT] {
    static COLUMNS: OnceLock<[[&'static str; 3]; IntervalMetric::COUNT]> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        std::array::from_fn(|i| {
            let name = IntervalMetric::ALL[i].name();
            [name, leak(format!("{name}_lo")), leak(format!("{name}_hi"))]
        })
    })
}

/// A row of `intervals.csv`: one planning interval and one call type (or `total`).
///
/// Columns: `interval_start` (clock time, e.g. `08:00`), `call_type`, then for every [`IntervalMetric`] its mean
/// `<metric>`, and the ends of its 95% interval `<metric>_lo` and `<metric>_hi`; last `erlang_service_level`, the
/// stationary Erlang C / A service level of the interval taken alone (an approximation: the queue carries over
/// between intervals; empty in call-type rows when there are several call types, and where the model is unstable).
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRow {
    /// Clock time of the interval's start.
    pub interval_start: String,
    /// Call type name, or `total`.
    pub call_type: String,
    /// Its estimates, indexed by [`IntervalMetric::index`].
    pub metrics: [Estimate; IntervalMetric::COUNT],
    /// Per-interval Erlang service level (NaN: empty cell).
    pub erlang_service_level: f64,
}

impl Serialize for IntervalRow {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("IntervalRow", 3 + 3 * IntervalMetric::COUNT)?;
        state.serialize_field("interval_start", &self.interval_start)?;
        state.serialize_field("call_type", &self.call_type)?;
        for (e, columns) in self.metrics.iter().zip(interval_columns()) {
            state.serialize_field(columns[0], &Number(e.value()))?;
            state.serialize_field(columns[1], &Number(e.low()))?;
            state.serialize_field(columns[2], &Number(e.high()))?;
        }
        state.serialize_field("erlang_service_level", &Number(self.erlang_service_level))?;
        state.end()
    }
}

/// The rows of `intervals.csv`: per interval in order, each call type in scenario order then `total`.
pub fn interval_rows(summary: &Summary, day: &DayResults) -> Vec<IntervalRow> {
    let names: Vec<&str> = summary.scopes().map(|(name, _)| name).collect();
    let single = names.len() == 2;
    day.intervals
        .iter()
        .zip(&day.theory)
        .flat_map(|(interval, theory)| {
            let names = &names;
            interval.scopes.iter().enumerate().map(move |(s, metrics)| {
                let is_total = s + 1 == names.len();
                IntervalRow {
                    interval_start: interval.interval_start.clone(),
                    call_type: names[s].to_string(),
                    metrics: *metrics,
                    erlang_service_level: if is_total || single {
                        theory.erlang_service_level
                    } else {
                        f64::NAN
                    },
                }
            })
        })
        .collect()
}

/// A row of `replications.csv`: one replication (day) and one call type (or `total`).
///
/// Columns: `replication`, `call_type`, the raw counts and sums of [`DayCounts`] (`offered`, `answered`,
/// `abandoned`, `blocked`, `disconnected`, `answered_within`, `abandoned_within`, `short_abandoned`,
/// `wait_sum_s`), then that day's value of every [`Metric`] under the metric's name prefixed `day_`
/// (`day_service_level`, `day_asa_s`, ..., the service-level variants, then caller behaviour), then the day's raw
/// caller-behaviour counts of [`CallerCounts`] (`messages`, `balked`, `redials`, `repeats`, `callers`,
/// `callers_served`, `caller_attempts`, `caller_wait_sum_s`, `callbacks`, `callbacks_made`,
/// `callback_delay_sum_s`, `overflowed`, `resolved`, `unresolved`).
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationRow {
    /// Replication index, from 0.
    pub replication: u32,
    /// Call type name, or `total`.
    pub call_type: String,
    /// The day's counts.
    pub counts: DayCounts,
    /// The day's metrics.
    pub metrics: MetricValues,
    /// The day's caller-behaviour counts.
    pub callers: CallerCounts,
}

/// The `day_<metric>` column names of [`ReplicationRow`].
fn day_columns() -> &'static [&'static str; Metric::COUNT] {
    static COLUMNS: OnceLock<[&'static str; Metric::COUNT]> = OnceLock::new();
    COLUMNS.get_or_init(|| std::array::from_fn(|i| leak(format!("day_{}", Metric::ALL[i].name()))))
}

impl Serialize for ReplicationRow {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("ReplicationRow", 11 + Metric::COUNT + 14)?;
        let c = &self.counts;
        state.serialize_field("replication", &self.replication)?;
        state.serialize_field("call_type", &self.call_type)?;
        state.serialize_field("offered", &c.offered)?;
        state.serialize_field("answered", &c.answered)?;
        state.serialize_field("abandoned", &c.abandoned)?;
        state.serialize_field("blocked", &c.blocked)?;
        state.serialize_field("disconnected", &c.disconnected)?;
        state.serialize_field("answered_within", &c.answered_within)?;
        state.serialize_field("abandoned_within", &c.abandoned_within)?;
        state.serialize_field("wait_sum_s", &Number(c.wait_sum_s))?;
        state.serialize_field("short_abandoned", &c.short_abandoned)?;
        for (value, column) in self.metrics.iter().zip(day_columns()) {
            state.serialize_field(column, &Number(*value))?;
        }
        let k = &self.callers;
        state.serialize_field("messages", &k.messages)?;
        state.serialize_field("balked", &k.balked)?;
        state.serialize_field("redials", &k.redials)?;
        state.serialize_field("repeats", &k.repeats)?;
        state.serialize_field("callers", &k.callers)?;
        state.serialize_field("callers_served", &k.callers_served)?;
        state.serialize_field("caller_attempts", &k.caller_attempts)?;
        state.serialize_field("caller_wait_sum_s", &Number(k.caller_wait_sum_s))?;
        state.serialize_field("callbacks", &k.callbacks)?;
        state.serialize_field("callbacks_made", &k.callbacks_made)?;
        state.serialize_field("callback_delay_sum_s", &Number(k.callback_delay_sum_s))?;
        state.serialize_field("overflowed", &k.overflowed)?;
        state.serialize_field("resolved", &k.resolved)?;
        state.serialize_field("unresolved", &k.unresolved)?;
        state.end()
    }
}

/// The rows of `replications.csv`: per replication in order, each call type in scenario order then `total`.
pub fn replication_rows(summary: &Summary, day: &DayResults) -> Vec<ReplicationRow> {
    let names: Vec<&str> = summary.scopes().map(|(name, _)| name).collect();
    day.days
        .iter()
        .enumerate()
        .flat_map(|(r, (record, metrics))| {
            let names = &names;
            record.scopes().zip(metrics).zip(&record.callers).enumerate().map(
                move |(s, ((counts, metrics), callers))| ReplicationRow {
                    replication: r as u32,
                    call_type: names[s].to_string(),
                    counts: *counts,
                    metrics: *metrics,
                    callers: *callers,
                },
            )
        })
        .collect()
}
