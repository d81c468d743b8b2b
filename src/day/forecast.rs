//! Forecast CSV files: calls per planning interval and call type, as a workforce-management tool exports them.
//!
//! This module owns reading such a file into per-call-type, per-interval expected calls, and resolving its path
//! relative to the scenario file. The columns are `interval_start` (a clock time `HH:MM`, see
//! [`DayClock::offset_of`](crate::day::DayClock::offset_of): past midnight `"01:00"` or `"25:00"`), `call_type`
//! (a name the scenario defines) and `calls` (expected calls in that interval, a number of at least 0); other
//! columns are ignored, `#` starts a comment line, and blanks around values are trimmed. Intervals absent from the
//! file have no calls.
//!
//! ```text
//! interval_start,call_type,calls
//! 08:00,general,100
//! 08:00,billing,20
//! 08:30,general,150
//! ```
//!
//! Errors name the file, the line and the field: a missing column, an unknown call type (the known ones are listed),
//! a time that is not a clock time, before opening or at or after the end of the day, a time inside an interval
//! rather than at its start (misaligned), a second row for the same interval and call type (overlapping), or a
//! `calls` value that is not a finite number of at least 0.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::day::intervals::Intervals;
use crate::error::{Error, Result};

/// The columns a forecast must have, in the order the error messages list them.
pub const COLUMNS: [&str; 3] = ["interval_start", "call_type", "calls"];

/// One row as written; the values are checked by hand so that errors can say what is allowed.
#[derive(Debug, Deserialize)]
struct Row {
    interval_start: String,
    call_type: String,
    calls: String,
}

/// Expected calls per interval of each call type, as read from a forecast file (before any `scale`).
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// `calls[call_type][interval]`, in the order of the call type names given to the reader.
    calls: Vec<Vec<f64>>,
}

impl Forecast {
    /// Reads the forecast file at `path` for the day `intervals` and the call types `call_types` (their names in
    /// the scenario's order). Errors name the file (as given), the line and the field.
    pub fn read(path: &Path, intervals: &Intervals, call_types: &[&str]) -> Result<Forecast> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        Forecast::from_reader(file, &path.display().to_string(), intervals, call_types)
    }

    /// Reads a forecast from `reader`; `label` names it in errors (the file path).
    pub fn from_reader(
        reader: impl std::io::Read,
        label: &str,
        intervals: &Intervals,
        call_types: &[&str],
    ) -> Result<Forecast> {
        let fail = |line: u64, message: String| Error::scenario(label, format!("line {line}: {message}"));
        let mut csv = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_reader(reader);
        let headers = csv
            .headers()
            .map_err(|e| fail(1, format!("unreadable header: {}", e.to_string().to_lowercase())))?
            .clone();
        for column in COLUMNS {
            if !headers.iter().any(|h| h == column) {
                return Err(fail(
                    headers.position().map_or(1, |p| p.line()),
                    format!(
                        "missing column \"{column}\"; a forecast has the columns {} (found: {})",
                        COLUMNS.join(", "),
                        headers.iter().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
        let clock = intervals.clock();
        let mut calls = vec![vec![0.0; intervals.len()]; call_types.len()];
        // The line of the row that set each (call type, interval), to name both rows of an overlap.
        let mut seen: Vec<Vec<u64>> = vec![vec![0; intervals.len()]; call_types.len()];
        let mut record = csv::StringRecord::new();
        loop {
            let more = csv.read_record(&mut record).map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                fail(line, format!("unreadable row: {}", e.to_string().to_lowercase()))
            })?;
            if !more {
                break;
            }
            let line = record.position().map_or(0, |p| p.line());
            let row: Row = record
                .deserialize(Some(&headers))
                .map_err(|e| fail(line, format!("unreadable row: {}", e.to_string().to_lowercase())))?;
            let call_type = call_types
                .iter()
                .position(|&name| name == row.call_type)
                .ok_or_else(|| {
                    fail(
                        line,
                        format!(
                            "call_type: \"{}\" is not a call type of the scenario; the call types are {}",
                            row.call_type,
                            call_types.join(", ")
                        ),
                    )
                })?;
            let offset = clock.offset_of(label, &format!("line {line}: interval_start"), &row.interval_start)?;
            if offset >= intervals.horizon() {
                return Err(fail(
                    line,
                    format!(
                        "interval_start: \"{}\" is outside the day, which runs from {} to {}",
                        row.interval_start,
                        clock.label(0.0),
                        clock.label(intervals.horizon())
                    ),
                ));
            }
            let index = intervals.index_of(offset).expect("within the day");
            if offset != intervals.get(index).start {
                return Err(fail(
                    line,
                    format!(
                        "interval_start: \"{}\" is not the start of a planning interval; intervals start every {} \
                         from {} (this time is inside the interval at {})",
                        row.interval_start,
                        crate::time::format_duration(intervals.length()),
                        clock.label(0.0),
                        intervals.label(index)
                    ),
                ));
            }
            let value: f64 = row
                .calls
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| {
                    fail(
                        line,
                        format!(
                            "calls: \"{}\" is not a number of calls; expected a number of at least 0",
                            row.calls
                        ),
                    )
                })?;
            let first = seen[call_type][index];
            if first != 0 {
                return Err(fail(
                    line,
                    format!(
                        "interval_start: a second row for call type {} in the interval at {} (the first is on line \
                         {first}); rows must not overlap",
                        call_types[call_type],
                        intervals.label(index)
                    ),
                ));
            }
            seen[call_type][index] = line;
            calls[call_type][index] = value;
        }
        Ok(Forecast { calls })
    }

    /// Expected calls in each interval for call type `call_type` (an index into the names given to the reader).
    pub fn calls(&self, call_type: usize) -> &[f64] {
        &self.calls[call_type]
    }

    /// Rates in calls per second for call type `call_type`, each interval's calls times `scale` over that
    /// interval's own length (so a shorter last interval keeps its calls), ready for
    /// [`PiecewiseRate::new`](crate::day::arrivals::PiecewiseRate::new).
    pub fn rates(&self, call_type: usize, scale: f64, intervals: &Intervals) -> Vec<f64> {
        intervals
            .iter()
            .zip(&self.calls[call_type])
            .map(|(interval, calls)| calls * scale / interval.length())
            .collect()
    }
}

/// Checks a forecast `scale` (the factor applied to every value of the file): finite and at least 0. The error
/// names `file` and `field` (e.g. `call_types.general.arrivals.scale`).
pub fn check_scale(file: &str, field: &str, scale: f64) -> Result<f64> {
    if scale.is_finite() && scale >= 0.0 {
        Ok(scale)
    } else {
        Err(Error::scenario(
            file,
            format!("{field}: must be a number of at least 0 (1 keeps the forecast, 1.1 adds 10%), got {scale}"),
        ))
    }
}

/// Where a forecast file named `forecast` in a scenario lives: an absolute path as is, a relative one relative to
/// the directory of `scenario_file` (or to the working directory when the scenario did not come from a file).
pub fn resolve_path(scenario_file: Option<&Path>, forecast: &str) -> PathBuf {
    let forecast = Path::new(forecast);
    match scenario_file.and_then(Path::parent) {
        Some(dir) if forecast.is_relative() => dir.join(forecast),
        _ => forecast.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::clock::{ClockTime, DayClock};

    fn day() -> Intervals {
        let clock = DayClock::new(ClockTime::parse("f", "opens_at", "08:00").unwrap());
        Intervals::new("f", 4.0 * 3600.0 + 900.0, 1800.0, clock).unwrap()
    }

    fn read(text: &str) -> Result<Forecast> {
        Forecast::from_reader(text.as_bytes(), "day.csv", &day(), &["general", "billing"])
    }

    #[test]
    fn reads_calls_per_interval_and_call_type_absent_intervals_have_none() {
        let forecast = read(
            "# tomorrow\ninterval_start, call_type, calls, note\n08:00,general,100,x\n08:30,general,150.5,\n\
             08:00,billing,20,\n12:00,general,10,short interval\n",
        )
        .unwrap();
        assert_eq!(forecast.calls(0), &[100.0, 150.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 10.0]);
        assert_eq!(forecast.calls(1), &[20.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        let rates = forecast.rates(0, 1.1, &day());
        assert!((rates[0] - 110.0 / 1800.0).abs() < 1e-15);
        assert!(
            (rates[8] - 11.0 / 900.0).abs() < 1e-15,
            "the short last interval keeps its calls"
        );
        assert_eq!(read("interval_start,call_type,calls\n").unwrap().calls(1), &[0.0; 9]);
    }

    #[test]
    fn bad_rows_are_refused_naming_the_line_and_field() {
        let header = "interval_start,call_type,calls\n";
        for (rows, expected) in [
            (
                "08:00,sales,3\n",
                "day.csv: line 2: call_type: \"sales\" is not a call type of the scenario; the call types are \
                 general, billing",
            ),
            (
                "08:10,general,3\n",
                "day.csv: line 2: interval_start: \"08:10\" is not the start of a planning interval; intervals start \
                 every 30m00s from 08:00 (this time is inside the interval at 08:00)",
            ),
            (
                "08:00,general,3\n08:30,general,1\n08:00,general,4\n",
                "day.csv: line 4: interval_start: a second row for call type general in the interval at 08:00 (the \
                 first is on line 2); rows must not overlap",
            ),
            (
                "12:30,general,3\n",
                "day.csv: line 2: interval_start: \"12:30\" is outside the day, which runs from 08:00 to 12:15",
            ),
            (
                "07:30,general,3\n",
                "day.csv: line 2: interval_start: \"07:30\" is outside the day, which runs from 08:00 to 12:15",
            ),
            (
                "8h,general,3\n",
                "day.csv: line 2: interval_start: \"8h\" is not a clock time; expected HH:MM such as \"09:30\" (past \
                 midnight \"01:00\" or \"25:00\")",
            ),
            (
                "08:00,general,-1\n",
                "day.csv: line 2: calls: \"-1\" is not a number of calls; expected a number of at least 0",
            ),
            (
                "08:00,general,NaN\n",
                "day.csv: line 2: calls: \"NaN\" is not a number of calls; expected a number of at least 0",
            ),
            (
                "08:00,general,\n",
                "day.csv: line 2: calls: \"\" is not a number of calls; expected a number of at least 0",
            ),
        ] {
            let message = read(&format!("{header}{rows}")).unwrap_err().to_string();
            assert_eq!(message, expected);
        }
    }

    #[test]
    fn missing_columns_and_ragged_rows_are_refused() {
        let message = read("interval_start,type,calls\n08:00,general,1\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "day.csv: line 1: missing column \"call_type\"; a forecast has the columns interval_start, call_type, \
             calls (found: interval_start, type, calls)"
        );
        let message = read("interval_start,call_type,calls\n08:00,general\n")
            .unwrap_err()
            .to_string();
        assert!(message.starts_with("day.csv: line 2: unreadable row: "), "{message}");
        assert!(
            read("")
                .unwrap_err()
                .to_string()
                .contains("missing column \"interval_start\"")
        );
    }

    #[test]
    fn scale_must_be_finite_and_not_negative() {
        assert_eq!(check_scale("s.toml", "x", 0.0).unwrap(), 0.0);
        assert_eq!(check_scale("s.toml", "x", 1.1).unwrap(), 1.1);
        for bad in [-0.1, f64::NAN, f64::INFINITY] {
            assert_eq!(
                check_scale("s.toml", "call_types.general.arrivals.scale", bad)
                    .unwrap_err()
                    .to_string(),
                format!(
                    "s.toml: call_types.general.arrivals.scale: must be a number of at least 0 (1 keeps the \
                     forecast, 1.1 adds 10%), got {bad}"
                )
            );
        }
    }

    #[test]
    fn forecast_paths_are_relative_to_the_scenario_file() {
        let scenario = Path::new("scenarios/day_shifts.toml");
        assert_eq!(resolve_path(Some(scenario), "day.csv"), Path::new("scenarios/day.csv"));
        assert_eq!(
            resolve_path(Some(scenario), "/data/day.csv"),
            Path::new("/data/day.csv")
        );
        assert_eq!(
            resolve_path(Some(Path::new("day.toml")), "day.csv"),
            Path::new("day.csv")
        );
        assert_eq!(resolve_path(None, "in/day.csv"), Path::new("in/day.csv"));
    }

    #[test]
    fn reading_a_missing_file_names_it() {
        let message = Forecast::read(Path::new("/nonexistent/day.csv"), &day(), &["general"])
            .unwrap_err()
            .to_string();
        assert!(message.starts_with("/nonexistent/day.csv: "), "{message}");
    }
}
