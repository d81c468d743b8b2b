//! Turning results into what people read: text tables, JSON, CSV rows. Only [`output`] touches the disk.

pub mod json;
pub mod output;
pub mod table;

use crate::stats::{Estimate, Metric};

/// Formats a value of a metric for a table: shares as percentages, seconds with one decimal, counts whole.
pub fn format_value(metric: Metric, value: f64) -> String {
    if !value.is_finite() {
        return "-".into();
    }
    if metric.is_share() {
        format!("{:.1}%", value * 100.0)
    } else if metric.is_seconds() || metric == Metric::MeanQueueLength {
        format!("{value:.2}")
    } else {
        format!("{value:.1}")
    }
}

/// Formats an estimate as `mean ± half-width` in the metric's style.
pub fn format_estimate(metric: Metric, estimate: &Estimate) -> String {
    match (estimate.mean, estimate.ci95) {
        (Some(mean), Some(half)) => {
            let half_text = if metric.is_share() {
                format!("{:.1}", half * 100.0)
            } else {
                format_value(metric, half).trim_end_matches('%').to_string()
            };
            format!("{} ± {}", format_value(metric, mean), half_text)
        }
        (Some(mean), None) => format_value(metric, mean),
        _ => "-".into(),
    }
}

/// CSV header cells for every metric: `<metric>` then `<metric>_ci95`.
pub fn metric_columns() -> Vec<String> {
    Metric::ALL
        .iter()
        .flat_map(|m| [m.name().to_string(), format!("{}_ci95", m.name())])
        .collect()
}

/// CSV cells matching [`metric_columns`].
pub fn metric_cells(estimates: &crate::stats::MetricEstimates) -> Vec<String> {
    use output::csv_number;
    Metric::ALL
        .iter()
        .flat_map(|m| {
            let e = &estimates[m.index()];
            [csv_number(e.value()), csv_number(e.half_width())]
        })
        .collect()
}

/// `summary.csv`: one row per call type plus `total`, columns `call_type` then every metric and its interval.
pub fn summary_csv(summary: &crate::stats::Summary) -> (Vec<String>, Vec<Vec<String>>) {
    (summary_csv_header(), summary_csv_rows(summary))
}

/// The header of [`summary_csv`]: `call_type` then every metric and its interval.
pub fn summary_csv_header() -> Vec<String> {
    std::iter::once("call_type".to_string())
        .chain(metric_columns())
        .collect()
}

/// The rows of [`summary_csv`]: each call type, then `total`.
pub fn summary_csv_rows(summary: &crate::stats::Summary) -> Vec<Vec<String>> {
    summary
        .scopes()
        .map(|(name, estimates)| {
            std::iter::once(name.to_string())
                .chain(metric_cells(estimates))
                .collect()
        })
        .collect()
}

/// `groups.csv`: one row per agent group.
pub fn groups_csv(summary: &crate::stats::Summary) -> (Vec<String>, Vec<Vec<String>>) {
    use output::csv_number;
    let header = [
        "agent_group",
        "agents",
        "occupancy",
        "occupancy_ci95",
        "calls_handled",
        "calls_handled_ci95",
    ]
    .map(String::from)
    .to_vec();
    let rows = summary
        .groups
        .iter()
        .map(|g| {
            vec![
                g.name.clone(),
                g.agents.to_string(),
                csv_number(g.occupancy.value()),
                csv_number(g.occupancy.half_width()),
                csv_number(g.calls_handled.value()),
                csv_number(g.calls_handled.half_width()),
            ]
        })
        .collect();
    (header, rows)
}
