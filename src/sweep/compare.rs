//! Paired comparison of variants against the first one, with common random numbers.
//!
//! Replication `r` of every variant sees the same callers, so the difference `variant_r - baseline_r` removes
//! most of the day-to-day noise; its mean and Student-t interval over replications is the estimate of the
//! effect. A difference is significant when its 95% interval excludes zero.
//!
//! For wait percentiles the paired difference is taken between each replication's own percentiles (a day's p90
//! against the same day's p90), while the baseline and variant columns show the pooled percentiles of
//! [`crate::stats::histogram::pooled_quantile`]; the difference is therefore not exactly their gap.

use super::PointResult;
use crate::stats::{Estimate, Metric, MetricValues, ReplicationMetrics};

/// One call type's metric under one variant, against the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    /// The variant's label (its axis values joined with `, `).
    pub variant: String,
    /// Call type name or `total`.
    pub call_type: String,
    /// The metric.
    pub metric: Metric,
    /// The baseline's estimate.
    pub baseline: Estimate,
    /// The variant's estimate.
    pub value: Estimate,
    /// Paired difference variant minus baseline.
    pub difference: Estimate,
    /// True when the 95% interval of the difference excludes zero.
    pub significant: bool,
}

/// Every variant against the first.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Label of the baseline (first) variant.
    pub baseline: String,
    /// Labels of all variants, baseline first.
    pub variants: Vec<String>,
    /// Rows for every variant after the first, call type and metric.
    pub rows: Vec<ComparisonRow>,
}

/// The paired difference of a metric between two lists of replications.
pub fn paired_difference(
    baseline: &[ReplicationMetrics],
    variant: &[ReplicationMetrics],
    pick: impl Fn(&ReplicationMetrics) -> &MetricValues,
    metric: Metric,
) -> Estimate {
    // `pick` selects the call type (or the total) in each replication.
    Estimate::from_samples(
        baseline
            .iter()
            .zip(variant)
            .map(|(b, v)| pick(v)[metric.index()] - pick(b)[metric.index()]),
    )
}

/// Call type `t` of a replication, or the total when `t` is past the call types.
fn scope(metrics: &ReplicationMetrics, t: usize) -> &MetricValues {
    metrics.call_types.get(t).unwrap_or(&metrics.total)
}

/// Compares every point with the first (paired by replication).
pub fn compare_points(results: &[PointResult]) -> Comparison {
    let label = |r: &PointResult| r.labels.join(", ");
    let variants: Vec<String> = results.iter().map(label).collect();
    let mut rows = Vec::new();
    if let Some((base, others)) = results.split_first() {
        let names: Vec<String> = base.summary.scopes().map(|(name, _)| name.to_string()).collect();
        for other in others {
            for (t, name) in names.iter().enumerate() {
                for metric in Metric::ALL {
                    let difference =
                        paired_difference(&base.replications, &other.replications, |m| scope(m, t), metric);
                    let significant = match (difference.mean, difference.ci95) {
                        (Some(m), Some(h)) => m.abs() > h,
                        _ => false,
                    };
                    rows.push(ComparisonRow {
                        variant: label(other),
                        call_type: name.clone(),
                        metric,
                        baseline: base.summary.of(name).map(|e| e[metric.index()]).unwrap_or_default(),
                        value: other.summary.of(name).map(|e| e[metric.index()]).unwrap_or_default(),
                        difference,
                        significant,
                    });
                }
            }
        }
    }
    Comparison {
        baseline: variants.first().cloned().unwrap_or_default(),
        variants,
        rows,
    }
}
