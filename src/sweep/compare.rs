//! Paired comparison of variants against the first one, with common random numbers.
//!
//! Replication `r` of every variant sees the same callers, so the difference `variant_r - baseline_r` removes
//! most of the day-to-day noise; its mean and Student-t interval over replications is the estimate of the
//! effect, and the paired t test gives its p-value.
//!
//! **Significance** controls the multiplicity of one comparison: the tests of one variant against the baseline
//! (every metric of every call type and of the total, leaving out those that cannot be tested: fewer than two
//! defined pairs, or a difference of exactly 0 in every replication) form one family, their p-values are
//! adjusted by Holm's method, and a difference is significant when its adjusted p-value is below 0.05. So the
//! chance of marking any difference of that variant significant when the variant changes nothing is at most 5%,
//! as far as the t test's normal approximation holds for daily differences. The 95% interval of a difference is
//! not adjusted: a significant difference always has an interval that excludes 0, but an interval that excludes
//! 0 is not always significant.
//!
//! For wait percentiles the paired difference is taken between each replication's own percentiles (a day's p90
//! against the same day's p90), while the baseline and variant columns show the pooled percentiles of
//! [`crate::stats::histogram::pooled_quantile`]; the difference is therefore not exactly their gap.

use super::PointResult;
use crate::report::Number;
use crate::stats::{Estimate, Metric, MetricValues, ReplicationMetrics};

/// The family-wise error rate of the significance marks.
pub const SIGNIFICANCE_LEVEL: f64 = 0.05;

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
    /// Two-sided p-value of the paired t test, unadjusted (`None`: not tested, see [`Estimate::p_value`]).
    pub p_value: Option<f64>,
    /// The p-value adjusted by Holm's method over this variant's family of tests.
    pub p_holm: Option<f64>,
    /// Number of tests in this variant's family.
    pub tests: usize,
    /// True when the Holm-adjusted p-value is below [`SIGNIFICANCE_LEVEL`].
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

/// Holm's step-down adjustment of a family of p-values (`None` entries are not part of the family and stay
/// `None`): the `i`-th smallest of `m` p-values becomes `max_{j <= i} min(1, (m - j + 1) p_(j))`.
pub fn holm(p_values: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut order: Vec<(usize, f64)> = p_values
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.map(|p| (i, p)))
        .collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let m = order.len();
    let mut adjusted = vec![None; p_values.len()];
    let mut running = 0.0f64;
    for (rank, (i, p)) in order.into_iter().enumerate() {
        running = running.max(((m - rank) as f64 * p).min(1.0));
        adjusted[i] = Some(running);
    }
    adjusted
}

/// Call type `t` of a replication, or the total when `t` is past the call types.
fn scope(metrics: &ReplicationMetrics, t: usize) -> &MetricValues {
    metrics.call_types.get(t).unwrap_or(&metrics.total)
}

/// Compares every point with the first (paired by replication), with Holm-adjusted significance per variant.
pub fn compare_points(results: &[PointResult]) -> Comparison {
    let label = |r: &PointResult| r.labels.join(", ");
    let variants: Vec<String> = results.iter().map(label).collect();
    let mut rows = Vec::new();
    if let Some((base, others)) = results.split_first() {
        let names: Vec<String> = base.summary.scopes().map(|(name, _)| name.to_string()).collect();
        for other in others {
            let mut family = Vec::new();
            for (t, name) in names.iter().enumerate() {
                // Campaign metrics exist in the total only.
                let own_scope = t < base.summary.call_types.len();
                for metric in base.summary.shown_metrics().filter(|m| !(own_scope && m.is_campaign())) {
                    let difference =
                        paired_difference(&base.replications, &other.replications, |m| scope(m, t), metric);
                    family.push(ComparisonRow {
                        variant: label(other),
                        call_type: name.clone(),
                        metric,
                        baseline: base.summary.of(name).map(|e| e[metric.index()]).unwrap_or_default(),
                        value: other.summary.of(name).map(|e| e[metric.index()]).unwrap_or_default(),
                        p_value: difference.p_value(),
                        difference,
                        p_holm: None,
                        tests: 0,
                        significant: false,
                    });
                }
            }
            let p_values: Vec<Option<f64>> = family.iter().map(|r| r.p_value).collect();
            let tests = p_values.iter().flatten().count();
            for (row, adjusted) in family.iter_mut().zip(holm(&p_values)) {
                row.p_holm = adjusted;
                row.tests = tests;
                row.significant = adjusted.is_some_and(|p| p < SIGNIFICANCE_LEVEL);
            }
            rows.extend(family);
        }
    }
    Comparison {
        baseline: variants.first().cloned().unwrap_or_default(),
        variants,
        rows,
    }
}

/// A row of `compare.csv`: one metric of one call type under one variant, against the baseline.
///
/// The first nine columns are the original contract; the rest were added beside them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CompareRow {
    /// The variant's label (its axis values joined with `, `).
    pub variant: String,
    /// The baseline's label.
    pub baseline: String,
    /// Call type name or `total`.
    pub call_type: String,
    /// Metric name.
    pub metric: &'static str,
    /// The baseline's own mean.
    pub baseline_mean: Number,
    /// The variant's own mean.
    pub variant_mean: Number,
    /// Mean paired difference, variant minus baseline.
    pub difference: Number,
    /// 95% half-width of the difference (not adjusted for multiplicity).
    pub difference_ci95: Number,
    /// Holm-adjusted p-value below 0.05 within this variant's comparison (see [`Comparison`]).
    pub significant: bool,
    /// The baseline's 95% half-width.
    pub baseline_ci95: Number,
    /// Lower end of the baseline's 95% interval.
    pub baseline_lo: Number,
    /// Upper end of the baseline's 95% interval.
    pub baseline_hi: Number,
    /// Replications in which the baseline's value was defined.
    pub baseline_n: u32,
    /// The variant's 95% half-width.
    pub variant_ci95: Number,
    /// Lower end of the variant's 95% interval.
    pub variant_lo: Number,
    /// Upper end of the variant's 95% interval.
    pub variant_hi: Number,
    /// Replications in which the variant's value was defined.
    pub variant_n: u32,
    /// Lower end of the difference's 95% interval.
    pub difference_lo: Number,
    /// Upper end of the difference's 95% interval.
    pub difference_hi: Number,
    /// Replication pairs in which both values were defined.
    pub difference_n: u32,
    /// Two-sided p-value of the paired t test (difference = 0), unadjusted.
    pub p_value: Number,
    /// The p-value adjusted by Holm's method over this variant's tests.
    pub p_holm: Number,
    /// Number of tests in the Holm family of this variant (metrics and call types with a defined p-value).
    pub tests: usize,
}

/// The rows of `compare.csv`, in the order of [`Comparison::rows`].
pub fn compare_rows(comparison: &Comparison) -> Vec<CompareRow> {
    comparison
        .rows
        .iter()
        .map(|r| CompareRow {
            variant: r.variant.clone(),
            baseline: comparison.baseline.clone(),
            call_type: r.call_type.clone(),
            metric: r.metric.name(),
            baseline_mean: Number(r.baseline.value()),
            variant_mean: Number(r.value.value()),
            difference: Number(r.difference.value()),
            difference_ci95: Number(r.difference.half_width()),
            significant: r.significant,
            baseline_ci95: Number(r.baseline.half_width()),
            baseline_lo: Number(r.baseline.low()),
            baseline_hi: Number(r.baseline.high()),
            baseline_n: r.baseline.n,
            variant_ci95: Number(r.value.half_width()),
            variant_lo: Number(r.value.low()),
            variant_hi: Number(r.value.high()),
            variant_n: r.value.n,
            difference_lo: Number(r.difference.low()),
            difference_hi: Number(r.difference.high()),
            difference_n: r.difference.n,
            p_value: Number(r.p_value.unwrap_or(f64::NAN)),
            p_holm: Number(r.p_holm.unwrap_or(f64::NAN)),
            tests: r.tests,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holm_matches_the_textbook_example() {
        // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
        let adjusted = holm(&[Some(0.01), Some(0.04), None, Some(0.03), Some(0.005)]);
        let expected = [Some(0.03), Some(0.06), None, Some(0.06), Some(0.02)];
        for (got, want) in adjusted.iter().zip(expected) {
            match (got, want) {
                (Some(g), Some(w)) => assert!((g - w).abs() < 1e-12, "{adjusted:?}"),
                (None, None) => {}
                _ => panic!("{adjusted:?}"),
            }
        }
        assert_eq!(holm(&[Some(0.6), Some(0.9)]), vec![Some(1.0), Some(1.0)]);
    }
}
