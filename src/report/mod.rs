//! Turning results into what people read: text tables, JSON, CSV rows. Only [`output`] touches the disk.

pub mod html;
pub mod intraday;
pub mod json;
pub mod output;
pub mod rows;
pub mod table;

use std::path::Path;

use serde::Serialize;

pub use rows::{
    GroupRow, IntervalRow, Number, ReplicationRow, SummaryRow, SweepRow, group_rows, interval_rows, replication_rows,
    summary_rows, sweep_rows,
};

use crate::error::{Error, Result};
use crate::stats::{Estimate, Metric, Summary};

/// Formats a value of a metric for a table: shares as percentages, seconds with one decimal, counts whole.
pub fn format_value(metric: Metric, value: f64) -> String {
    if !value.is_finite() {
        return "-".into();
    }
    if metric.is_share() {
        format!("{:.1}%", value * 100.0)
    } else if metric.is_seconds() || metric == Metric::MeanQueueLength {
        format!("{value:.2}")
    } else if metric == Metric::AttemptsPerCaller {
        format!("{value:.3}")
    } else {
        format!("{value:.1}")
    }
}

/// Formats an estimate in the metric's style: `mean ± half-width` when the interval is symmetric, else
/// `mean [lo, hi]` (pooled percentiles, and intervals clipped at 0 or 100%); the mean alone without an interval.
pub fn format_estimate(metric: Metric, estimate: &Estimate) -> String {
    match (estimate.mean, estimate.ci95, estimate.lo, estimate.hi) {
        (Some(mean), Some(_), Some(lo), Some(hi)) if !estimate.is_symmetric() => {
            format!(
                "{} [{}, {}]",
                format_value(metric, mean),
                format_value(metric, lo),
                format_value(metric, hi)
            )
        }
        (Some(mean), Some(half), _, _) => {
            let half_text = if metric.is_share() {
                format!("{:.1}", half * 100.0)
            } else {
                format_value(metric, half).trim_end_matches('%').to_string()
            };
            format!("{} ± {}", format_value(metric, mean), half_text)
        }
        (Some(mean), None, _, _) => format_value(metric, mean),
        _ => "-".into(),
    }
}

/// [`format_estimate`], followed by `(n=K)` when the estimate rests on fewer than the `replications` run (the
/// others left the metric undefined, e.g. no caller abandoned).
pub fn format_estimate_of(metric: Metric, estimate: &Estimate, replications: u32) -> String {
    let text = format_estimate(metric, estimate);
    if estimate.mean.is_some() && estimate.n < replications {
        format!("{text} (n={})", estimate.n)
    } else {
        text
    }
}

/// The CSV text of `rows`: a header from the row type's field names, then one line per row. Empty when there
/// are no rows.
pub fn csv_text<T: Serialize>(rows: &[T]) -> std::result::Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.serialize(row)?;
    }
    let bytes = writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    // Every cell was written from a `str` or a number, so the bytes are UTF-8.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Writes `rows` to the CSV file `path` (atomically, through [`output::write_atomically`]).
pub fn write_rows<T: Serialize>(path: &Path, rows: &[T]) -> Result<()> {
    let text = csv_text(rows).map_err(|e| Error::io(path, format!("cannot serialize a row: {e}")))?;
    output::write_atomically(path, |out| out.write_all(text.as_bytes()))
}

/// The header and cells of `rows` as text, exactly as they appear in the CSV file (for callers that lay out or
/// write cells themselves).
pub fn csv_cells<T: Serialize>(rows: &[T]) -> std::result::Result<(Vec<String>, Vec<Vec<String>>), csv::Error> {
    let text = csv_text(rows)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader
        .records()
        .map(|record| record.map(|r| r.iter().map(String::from).collect::<Vec<String>>()));
    let header = records.next().transpose()?.unwrap_or_default();
    let cells = records.collect::<std::result::Result<Vec<_>, _>>()?;
    Ok((header, cells))
}

/// The header and cells of serialized rows; serializing the flat row structs of [`rows`] into memory cannot
/// fail, so a failure is a bug in a row type.
fn cells_of<T: Serialize>(rows: &[T]) -> (Vec<String>, Vec<Vec<String>>) {
    csv_cells(rows).expect("the row structs of report::rows are flat and serialize")
}

/// `summary.csv` as header and cells: [`summary_rows`] serialized (`call_type`, then five columns per metric).
pub fn summary_csv(summary: &Summary) -> (Vec<String>, Vec<Vec<String>>) {
    cells_of(&summary_rows(summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_print_as_plus_minus_only_when_symmetric() {
        let symmetric = Estimate::symmetric(12.5, 1.25, 10);
        assert_eq!(format_estimate(Metric::AsaS, &symmetric), "12.50 ± 1.25");
        let percentile = Estimate::between(175.62, 120.0, 463.88, 10);
        assert_eq!(
            format_estimate(Metric::WaitP99S, &percentile),
            "175.62 [120.00, 463.88]"
        );
        let clipped = Estimate::symmetric(0.004, 0.006, 10).bounded(0.0, 1.0);
        assert_eq!(format_estimate(Metric::AbandonmentRate, &clipped), "0.4% [0.0%, 1.0%]");
        assert_eq!(format_estimate(Metric::AsaS, &Estimate::default()), "-");
    }

    #[test]
    fn n_is_shown_only_when_replications_were_left_out() {
        let partial = Estimate::symmetric(40.0, 5.0, 7);
        assert_eq!(
            format_estimate_of(Metric::MeanTimeToAbandonS, &partial, 10),
            "40.00 ± 5.00 (n=7)"
        );
        assert_eq!(
            format_estimate_of(Metric::MeanTimeToAbandonS, &partial, 7),
            "40.00 ± 5.00"
        );
        assert_eq!(format_estimate_of(Metric::AsaS, &Estimate::default(), 10), "-");
    }

    #[test]
    fn undefined_numbers_are_empty_cells() {
        #[derive(Serialize)]
        struct Row {
            a: Number,
            b: Number,
        }
        let text = csv_text(&[Row {
            a: Number(0.5),
            b: Number(f64::NAN),
        }])
        .unwrap();
        assert_eq!(text, "a,b\n0.5,\n");
    }
}
