//! A generic CSV call log: one row per call, as many ACDs and reporting tools export them, with the column names
//! mapped when they differ from ours.
//!
//! The columns (our names; [`Columns`] maps each to the file's header): `arrival` (when the call arrived),
//! `queue` (its queue or call type), `answered` (when an agent answered it; empty if never), `end` (when it ended:
//! hung up, abandoned or left), `agent` (who answered, or a group; optional), `outcome` (optional: `answered`,
//! `abandoned`, `timeout` or `left`, `refused` or `blocked`; without the column a call with an `answered` time is
//! answered and one without it abandoned). Times are Unix seconds (`1795420908`, fractions allowed) or date-times
//! `2026-11-23 08:01:48` / `2026-11-23T08:01:48` (taken as UTC, like Unix seconds; `fit --utc-offset` shifts both).
//! `#` starts a comment line; blanks around values are trimmed. A row whose times do not parse, or whose end is
//! before its answer or its answer before its arrival, is a [`LineError`] naming its line and column.

use std::collections::HashMap;

use super::calls::{Item, LoggedCall, Names, Outcome};
use super::queue_log::{LineError, MAX_CALL_S};

/// Our column names, in the order errors list them.
pub const COLUMNS: [&str; 6] = ["arrival", "queue", "answered", "end", "agent", "outcome"];

/// The file's header for each of our columns (ours by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    map: HashMap<String, String>,
}

impl Default for Columns {
    fn default() -> Columns {
        Columns {
            map: COLUMNS.iter().map(|c| (c.to_string(), c.to_string())).collect(),
        }
    }
}

impl Columns {
    /// Maps our column `ours` to the file's `theirs` (from `--column ours=theirs`); an unknown `ours` is an error
    /// listing ours.
    pub fn set(&mut self, ours: &str, theirs: &str) -> Result<(), String> {
        if !COLUMNS.contains(&ours) {
            return Err(format!(
                "\"{}\" is not a column of a call log; the columns are {}",
                crate::limits::quote(ours),
                COLUMNS.join(", ")
            ));
        }
        self.map.insert(ours.to_string(), theirs.trim().to_string());
        Ok(())
    }

    fn header(&self, ours: &str) -> &str {
        &self.map[ours]
    }
}

/// Reads calls from a CSV call log, one row at a time.
pub struct CallCsvReader<R: std::io::Read> {
    csv: csv::Reader<R>,
    record: csv::StringRecord,
    /// Position of each of our columns in the file (`None`: optional and absent).
    at: [Option<usize>; 6],
    /// Queue names.
    pub queues: Names,
    /// Agent names.
    pub agents: Names,
    line: u64,
}

/// A comment line (`#` first) or a blank one.
fn is_comment(record: &csv::StringRecord) -> bool {
    record.get(0).is_none_or(|first| first.starts_with('#')) || record.iter().all(str::is_empty)
}

/// Parses a time: Unix seconds or a date-time (UTC).
fn parse_time(text: &str) -> Option<f64> {
    if let Ok(seconds) = text.parse::<f64>() {
        return (0.0..=super::queue_log::MAX_UNIX_S)
            .contains(&seconds)
            .then_some(seconds);
    }
    let normalised = text.replacen(' ', "T", 1);
    let dt: jiff::civil::DateTime = normalised.parse().ok()?;
    let ts = jiff::tz::Offset::UTC.to_timestamp(dt).ok()?;
    Some(ts.as_second() as f64 + ts.subsec_nanosecond() as f64 * 1e-9)
}

impl<R: std::io::Read> CallCsvReader<R> {
    /// Reads the header of `input` and finds the columns; a missing required column (`arrival`, `queue`, `end`;
    /// `answered` too unless `outcome` is there) is an error naming it, its mapping and the headers found.
    pub fn new(input: R, columns: &Columns) -> Result<CallCsvReader<R>, LineError> {
        // Comment lines are skipped here rather than by the csv crate, whose line numbers would leave them out.
        let mut csv = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut headers = csv::StringRecord::new();
        let mut line = 1;
        loop {
            let more = csv.read_record(&mut headers).map_err(|e| LineError {
                line: e.position().map_or(line, |p| p.line()),
                message: format!("unreadable header: {}", e.to_string().to_lowercase()),
            })?;
            line = headers.position().map_or(line, |p| p.line());
            if !more {
                return Err(LineError {
                    line,
                    message: "no header line: a call log starts with its column names".into(),
                });
            }
            if !is_comment(&headers) {
                break;
            }
        }
        let fail = |message: String| LineError { line, message };
        let mut at = [None; 6];
        for (i, ours) in COLUMNS.iter().enumerate() {
            at[i] = headers.iter().position(|h| h == columns.header(ours));
        }
        let required: &[usize] = if at[5].is_some() { &[0, 1, 3] } else { &[0, 1, 2, 3] };
        for &i in required {
            if at[i].is_none() {
                let ours = COLUMNS[i];
                let theirs = columns.header(ours);
                let mapping = if theirs == ours {
                    format!("column \"{ours}\"")
                } else {
                    format!("column \"{theirs}\" (for {ours})")
                };
                return Err(fail(format!(
                    "missing {mapping}; map a column of yours with --column {ours}=NAME (found: {})",
                    headers.iter().collect::<Vec<_>>().join(", ")
                )));
            }
        }
        Ok(CallCsvReader {
            csv,
            record: csv::StringRecord::new(),
            at,
            queues: Names::default(),
            agents: Names::default(),
            line,
        })
    }

    fn field(&self, column: usize) -> &str {
        self.at[column].and_then(|i| self.record.get(i)).unwrap_or("")
    }

    /// The next call: `None` at the end, `Some(Err)` for a row that is not a call (reading may go on).
    pub fn next_call(&mut self) -> Option<Result<(f64, Item), LineError>> {
        loop {
            match self.csv.read_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(self.line + 1, |p| p.line());
                    self.line = line;
                    return Some(Err(LineError {
                        line,
                        message: format!("unreadable row: {}", e.to_string().to_lowercase()),
                    }));
                }
            }
            self.line = self.record.position().map_or(self.line + 1, |p| p.line());
            if !is_comment(&self.record) {
                break;
            }
        }
        Some(
            self.call()
                .map(|call| (call.arrival + call.wait + call.talk, Item::Call(call))),
        )
    }

    fn call(&mut self) -> Result<LoggedCall, LineError> {
        let line = self.line;
        let fail = |column: &str, message: String| LineError {
            line,
            message: format!("{column}: {message}"),
        };
        let time = |column: usize| -> Result<Option<f64>, LineError> {
            let text = self.field(column);
            if text.is_empty() {
                return Ok(None);
            }
            parse_time(text).map(Some).ok_or_else(|| {
                fail(
                    COLUMNS[column],
                    format!(
                        "\"{}\" is not a time; write Unix seconds or a date-time such as 2026-11-23 08:01:48",
                        crate::limits::quote(text)
                    ),
                )
            })
        };
        let arrival = time(0)?.ok_or_else(|| fail("arrival", "empty; every call has an arrival".into()))?;
        let answered = time(2)?;
        let end = time(3)?.ok_or_else(|| fail("end", "empty; every call has an end".into()))?;
        let outcome_text = self.field(5).to_ascii_lowercase();
        let outcome = match (outcome_text.as_str(), answered) {
            ("", Some(_)) | ("answered", _) => Outcome::Answered,
            ("", None) | ("abandoned" | "abandon", _) => Outcome::Abandoned,
            ("timeout" | "left" | "exitwithtimeout", _) => Outcome::Left,
            ("refused" | "blocked" | "full", _) => Outcome::Refused,
            (other, _) => {
                return Err(fail(
                    "outcome",
                    format!(
                        "\"{}\" is not an outcome; use answered, abandoned, timeout, left, refused or blocked",
                        crate::limits::quote(other)
                    ),
                ));
            }
        };
        let (wait, talk) = match (outcome, answered) {
            (Outcome::Answered, Some(a)) => (a - arrival, end - a),
            (Outcome::Answered, None) => {
                return Err(fail("answered", "empty for an answered call".into()));
            }
            _ => (end - arrival, 0.0),
        };
        if !(0.0..=MAX_CALL_S).contains(&wait) {
            return Err(fail(
                if answered.is_some() { "answered" } else { "end" },
                format!("the wait from arrival is {wait:.0}s; it must be from 0 to {MAX_CALL_S:.0}s (a week)"),
            ));
        }
        if !(0.0..=MAX_CALL_S).contains(&talk) {
            return Err(fail(
                "end",
                format!("the talk time from the answer is {talk:.0}s; it must be from 0 to {MAX_CALL_S:.0}s"),
            ));
        }
        let queue_name = self.field(1).to_string();
        if queue_name.is_empty() {
            return Err(fail("queue", "empty; every call has a queue or call type".into()));
        }
        let queue = self.queues.intern(&queue_name);
        let agent_name = self.field(4).to_string();
        let agent = (outcome == Outcome::Answered && !agent_name.is_empty()).then(|| self.agents.intern(&agent_name));
        Ok(LoggedCall {
            queue,
            arrival,
            wait,
            outcome,
            talk,
            agent,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, columns: &Columns) -> Vec<Result<LoggedCall, LineError>> {
        let mut r = CallCsvReader::new(text.as_bytes(), columns).unwrap();
        let mut calls = Vec::new();
        while let Some(next) = r.next_call() {
            calls.push(next.map(|(_, item)| match item {
                Item::Call(c) => c,
                other => panic!("{other:?}"),
            }));
        }
        calls
    }

    #[test]
    fn rows_become_calls_with_mapped_columns_and_either_time_format() {
        let mut columns = Columns::default();
        columns.set("arrival", "start").unwrap();
        columns.set("queue", "skill").unwrap();
        let text = "start,skill,answered,end,agent\n\
                    1795420900,sales,1795420912,1795421097,ann\n\
                    2026-11-23 08:05:00,sales,,2026-11-23 08:05:40,\n\
                    # a comment\n\
                    1795421000,sales,soon,1795421097,bob\n";
        let calls = read(text, &columns);
        let first = calls[0].as_ref().unwrap();
        assert_eq!(
            (first.wait, first.talk, first.outcome),
            (12.0, 185.0, Outcome::Answered)
        );
        let second = calls[1].as_ref().unwrap();
        assert_eq!(
            (second.arrival, second.wait, second.outcome),
            (1795421100.0, 40.0, Outcome::Abandoned)
        );
        let error = calls[2].as_ref().unwrap_err();
        assert_eq!(error.line, 5);
        assert!(error.message.starts_with("answered: \"soon\" is not a time"), "{error}");
    }

    #[test]
    fn a_missing_column_names_its_mapping_and_the_headers_found() {
        let error = CallCsvReader::new("when,queue,answered,end\n".as_bytes(), &Columns::default())
            .err()
            .unwrap();
        assert!(
            error
                .message
                .contains("missing column \"arrival\"; map a column of yours with --column arrival=NAME")
        );
        assert!(error.message.contains("found: when, queue, answered, end"));
        assert!(
            Columns::default()
                .set("arrivals", "x")
                .unwrap_err()
                .contains("the columns are arrival, queue")
        );
    }
}
