//! Parallel sweeps over scenario fields, and paired comparisons of policies with common random numbers.
//!
//! A sweep is the Cartesian product of its axes. Every point is validated before any simulation starts. Points
//! run in parallel, and the replications of each point in parallel within it; each point's replications are
//! collected in order and reduced sequentially as soon as they are all done (its wait histograms are then
//! freed), so memory is bounded by the points in flight, not the size of the grid, and the output is identical
//! byte for byte whatever the thread count. Replication `r` draws the same callers at every point
//! (each random source has its own stream seeded from the scenario seed, `r` and the stream), so differences
//! between points are measured with common random numbers.

mod axis;
mod charts;
mod compare;

pub use axis::{Axis, MAX_POINTS, set_path, value_text};
pub use charts::{
    COMPARE_CHART_METRICS, ChartChoice, compare_chart, compare_chart_data, sweep_charts, variant_name, x_axis,
};
pub use compare::{
    CompareRow, Comparison, ComparisonRow, SIGNIFICANCE_LEVEL, compare_points, compare_rows, holm, paired_difference,
};

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
    /// What is odd about this point's scenario (e.g. overloaded: results depend on the horizon).
    pub warnings: Vec<crate::scenario::Warning>,
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
                if !(1..=crate::limits::MAX_REPLICATIONS).contains(&r) {
                    return Err(Error::input(
                        "--replications",
                        format!("must be from 1 to {}, got {r}", crate::limits::MAX_REPLICATIONS),
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

    /// Runs every `(point, replication)` job on the current rayon pool. Each point is reduced as soon as its
    /// replications are done, in replication order, and keeps only its summary and per-replication values
    /// (without histograms). `on_done` is called once per finished job.
    pub fn run(&self, on_done: &(dyn Fn() + Sync)) -> Vec<PointResult> {
        self.points
            .par_iter()
            .map(|point| {
                let replications: Vec<ReplicationMetrics> = (0..point.scenario.replications)
                    .into_par_iter()
                    .map(|r| {
                        let m = simulate_replication(&point.scenario, r);
                        on_done();
                        m
                    })
                    .collect();
                point.reduce(replications)
            })
            .collect()
    }
}

impl Point {
    /// Reduces this point's replications, given in replication order, to its result: the summary (wait
    /// percentiles pooled from the histograms), then the per-replication values without their histograms. The one
    /// reduction of a point, for a sweep run here and for shards merged by [`crate::shard`] alike.
    pub fn reduce(&self, mut replications: Vec<ReplicationMetrics>) -> PointResult {
        let summary = Summary::from_replications(&self.scenario, &replications);
        // The histograms have served the pooled percentiles; a large grid must not keep them.
        replications.iter_mut().for_each(ReplicationMetrics::drop_histograms);
        PointResult {
            labels: self.labels.clone(),
            replications,
            summary,
            theory: crate::theory::theory_for(&self.scenario),
            warnings: self.scenario.warnings(),
        }
    }
}

/// `sweep.csv`: one row per point and call type (plus `total`); columns are the axis paths, `call_type`, then
/// every metric's columns (see [`crate::report::rows`]).
pub fn sweep_csv(axes: &[Axis], results: &[PointResult]) -> (Vec<String>, Vec<Vec<String>>) {
    crate::report::csv_cells(&sweep_rows(axes, results)).expect("sweep rows are flat and serialize")
}

/// The rows of `sweep.csv`, for [`crate::report::write_rows`].
pub fn sweep_rows(axes: &[Axis], results: &[PointResult]) -> Vec<crate::report::SweepRow> {
    let paths: Vec<String> = axes.iter().map(|a| a.path.clone()).collect();
    crate::report::sweep_rows(&paths, results.iter().map(|r| (r.labels.as_slice(), &r.summary)))
}
