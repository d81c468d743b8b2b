//! Parallel sweeps over scenario fields, and paired comparisons of policies with common random numbers.
//!
//! A sweep is the Cartesian product of its axes. Every point is validated before any simulation starts. Jobs
//! `(point, replication)` run on rayon and are collected in order, then reduced sequentially, so the output is
//! identical byte for byte whatever the thread count. Replication `r` draws the same callers at every point
//! (each random source has its own stream seeded from the scenario seed, `r` and the stream), so differences
//! between points are measured with common random numbers.

mod axis;
mod charts;
mod compare;

pub use axis::{Axis, MAX_POINTS, set_path, value_text};
pub use charts::{ChartChoice, compare_chart, sweep_charts, x_axis};
pub use compare::{Comparison, ComparisonRow, compare_points, paired_difference};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::run::simulate_replication;
use crate::scenario::{Scenario, ScenarioFile};
use crate::stats::{ReplicationMetrics, Summary};

/// One point of a sweep grid.
#[derive(Debug, Clone)]
pub struct Point {
    /// The value of each axis at this point, as text.
    pub labels: Vec<String>,
    /// The scenario with those values written in.
    pub scenario: Scenario,
}

/// A validated sweep grid.
#[derive(Debug, Clone)]
pub struct Grid {
    /// The axes, in the order given.
    pub axes: Vec<Axis>,
    /// Every point, the last axis varying fastest.
    pub points: Vec<Point>,
}

/// A point's results.
#[derive(Debug, Clone)]
pub struct PointResult {
    /// The value of each axis.
    pub labels: Vec<String>,
    /// Per-replication metrics, in replication order (kept for paired comparisons).
    pub replications: Vec<ReplicationMetrics>,
    /// Combined results.
    pub summary: Summary,
    /// The textbook model's values at this point, for single-queue scenarios.
    pub theory: Option<crate::theory::Theory>,
}

impl Grid {
    /// Builds the grid from a scenario file's text and axis specifications (`PATH=VALUES`; none: the file's `[sweep]`);
    /// `replications` overrides the file's count. Every point is validated here.
    pub fn build(text: &str, label: &str, specs: &[String], replications: Option<u32>) -> Result<Grid> {
        // Validate the base scenario first: its errors carry line numbers.
        let base_scenario = Scenario::from_toml_str(text, label)?;
        // No axes given: the file's own `[sweep] vary` list.
        let specs = if specs.is_empty() {
            base_scenario.sweep.as_slice()
        } else {
            specs
        };
        if specs.is_empty() {
            return Err(Error::input(
                "--vary",
                "no sweep axis: give --vary PATH=VALUES or a [sweep] vary list in the scenario",
            ));
        }
        let base: toml::Table =
            toml::from_str(text).map_err(|e| Error::scenario(label, e.message().replace('\n', " ")))?;
        let mut axes = Vec::new();
        for spec in specs {
            let axis =
                Axis::parse(spec).map_err(|m| Error::input(format!("--vary {}", crate::limits::quote(spec)), m))?;
            if axes.iter().any(|a: &Axis| a.path == axis.path) {
                return Err(Error::input(
                    format!("--vary {}", crate::limits::quote(spec)),
                    "this path is already varied",
                ));
            }
            axes.push(axis);
        }
        let total = axes
            .iter()
            .try_fold(1usize, |n, a| n.checked_mul(a.values.len()))
            .unwrap_or(usize::MAX);
        if total > MAX_POINTS {
            return Err(Error::input(
                "--vary",
                format!("the grid has {total} points; at most {MAX_POINTS} are allowed"),
            ));
        }
        let mut points = Vec::with_capacity(total);
        for index in 0..total {
            let mut table = base.clone();
            let mut labels = Vec::with_capacity(axes.len());
            let mut rest = index;
            let mut chosen = vec![0; axes.len()];
            for (a, axis) in axes.iter().enumerate().rev() {
                chosen[a] = rest % axis.values.len();
                rest /= axis.values.len();
            }
            for (axis, &choice) in axes.iter().zip(&chosen) {
                let value = axis.values[choice].clone();
                let flag = crate::limits::quote(&format!("--vary {}={}", axis.path, value_text(&value)));
                set_path(&mut table, &axis.path, value.clone()).map_err(|m| Error::input(&flag, m))?;
                labels.push(value_text(&value));
            }
            let at = crate::limits::quote(&format!(
                "--vary at {}",
                axes.iter()
                    .zip(&labels)
                    .map(|(a, v)| format!("{}={v}", a.path))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
            let raw = ScenarioFile::from_table(table).map_err(|m| Error::input(&at, m))?;
            let mut scenario = Scenario::from_file(raw, label).map_err(|e| Error::input(&at, e.to_string()))?;
            if let Some(r) = replications {
                if !(1..=100_000).contains(&r) {
                    return Err(Error::input(
                        "--replications",
                        format!("must be from 1 to 100000, got {r}"),
                    ));
                }
                scenario.replications = r;
            }
            points.push(Point { labels, scenario });
        }
        Ok(Grid { axes, points })
    }

    /// Number of simulation jobs (points times replications).
    pub fn job_count(&self) -> usize {
        self.points.iter().map(|p| p.scenario.replications as usize).sum()
    }

    /// Runs every `(point, replication)` job on the current rayon pool and reduces in order. `on_done` is called
    /// once per finished job.
    pub fn run(&self, on_done: &(dyn Fn() + Sync)) -> Vec<PointResult> {
        let jobs: Vec<(usize, u32)> = self
            .points
            .iter()
            .enumerate()
            .flat_map(|(p, point)| (0..point.scenario.replications).map(move |r| (p, r)))
            .collect();
        let metrics: Vec<ReplicationMetrics> = jobs
            .par_iter()
            .map(|&(p, r)| {
                let m = simulate_replication(&self.points[p].scenario, r);
                on_done();
                m
            })
            .collect();
        let mut metrics = metrics.into_iter();
        self.points
            .iter()
            .map(|point| {
                let mut replications: Vec<ReplicationMetrics> =
                    metrics.by_ref().take(point.scenario.replications as usize).collect();
                let summary = Summary::from_replications(&point.scenario, &replications);
                // The histograms have served the pooled percentiles; a large grid need not keep them.
                replications.iter_mut().for_each(ReplicationMetrics::drop_histograms);
                PointResult {
                    labels: point.labels.clone(),
                    replications,
                    summary,
                    theory: crate::theory::theory_for(&point.scenario),
                }
            })
            .collect()
    }
}

/// `sweep.csv`: one row per point and call type (plus `total`); columns are the axis paths, `call_type`, then
/// every metric and its 95% half-width.
pub fn sweep_csv(axes: &[Axis], results: &[PointResult]) -> (Vec<String>, Vec<Vec<String>>) {
    // summary.csv's columns and rows, each row prefixed with the point's axis values.
    let header = axes
        .iter()
        .map(|a| a.path.clone())
        .chain(crate::report::summary_csv_header())
        .collect();
    let rows = results
        .iter()
        .flat_map(|result| {
            crate::report::summary_csv_rows(&result.summary)
                .into_iter()
                .map(|row| result.labels.iter().cloned().chain(row).collect())
        })
        .collect();
    (header, rows)
}
