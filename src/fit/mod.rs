//! Fitting a scenario to a call log: arrivals per interval and weekday with the day-to-day busyness
//! ([`arrivals`]), handle times by maximum likelihood over the families callsim samples with a goodness-of-fit
//! figure ([`families`]), patience from censored waits by Kaplan-Meier and a censored exponential fit
//! ([`survival`]), and agents on duty per interval ([`agents`]); [`scenario`] writes them as a scenario file and
//! a forecast CSV that `callsim run` reads as they are.
//!
//! [`fit_queue_log`] streams the log once: memory holds the calls still open, distinct durations
//! ([`sample::Sample`]), one count per day and interval, and one value per agent and interval, never the calls
//! themselves. It reads no file and prints nothing: the caller gives a [`BufRead`] and gets a [`LogFit`].

pub mod agents;
pub mod arrivals;
pub mod charts;
pub mod families;
pub mod sample;
pub mod scenario;
pub mod survival;

use std::io::BufRead;

use crate::error::{Error, Result};
use crate::logs::call_csv::{CallCsvReader, Columns};
use crate::logs::{CallAssembler, Item, LineError, Names, Outcome, QueueLogReader};
use agents::{GroupOnDuty, OnDuty};
use arrivals::{ArrivalCounts, BusynessEstimate, DAY_S};
use families::DurationFit;
use sample::Sample;
use survival::{ExponentialPatience, KmStep};

/// Malformed lines kept for the report (the count goes on).
pub const ERRORS_KEPT: usize = 10;

/// How to read and fit a log.
#[derive(Debug, Clone)]
pub struct FitOptions {
    /// Planning interval in seconds (divides a day).
    pub interval: f64,
    /// Local time minus UTC, in seconds (the log's Unix times shifted to the planner's clock).
    pub utc_offset: f64,
    /// Only days of this weekday make the forecast, the busyness and the staffing (all days when `None`).
    pub weekday: Option<jiff::civil::Weekday>,
    /// A malformed line stops reading (otherwise it is skipped and counted).
    pub strict: bool,
    /// Service-level threshold in seconds for the log's own measured service level.
    pub answer_within: f64,
    /// Resolution of the log's durations either side, in seconds (0.5 for whole seconds).
    pub resolution: f64,
}

impl Default for FitOptions {
    fn default() -> FitOptions {
        FitOptions {
            interval: 1800.0,
            utc_offset: 0.0,
            weekday: None,
            strict: false,
            answer_within: 20.0,
            resolution: 0.5,
        }
    }
}

/// What the log says about one queue.
#[derive(Debug, Clone)]
pub struct QueueFit {
    /// The queue's name (the scenario's call type).
    pub name: String,
    /// Calls that entered the queue (refused ones excluded).
    pub offered: u64,
    /// Answered calls.
    pub answered: u64,
    /// Answered within the threshold (a wait logged as exactly the threshold counts half: see
    /// [`crate::logs::in_time`]).
    pub answered_in_time: f64,
    /// Abandoned calls.
    pub abandoned: u64,
    /// Calls gone by a timeout, a key or an empty queue.
    pub left: u64,
    /// Calls refused at entry.
    pub refused: u64,
    /// Sum of the answered calls' waits.
    pub answered_wait_sum: f64,
    /// Talk times of answered calls.
    pub handle_times: Sample,
    /// The handle-time fits, best first.
    pub handle: Option<DurationFit>,
    /// Waits of abandoned calls (observed patience).
    pub abandon_waits: Sample,
    /// Waits of answered or timed-out calls (censored patience).
    pub censored_waits: Sample,
    /// Kaplan-Meier steps of the patience.
    pub km: Vec<KmStep>,
    /// The exponential patience fitted under censoring.
    pub patience: Option<ExponentialPatience>,
    /// Mean calls per interval of the day over the chosen days.
    pub forecast: Vec<f64>,
    /// Mean calls per interval per weekday (Monday first) over the log's days of that weekday.
    pub by_weekday: Vec<Vec<f64>>,
}

impl QueueFit {
    /// The log's own service level: answered within the threshold over calls offered.
    pub fn service_level(&self) -> f64 {
        self.answered_in_time / self.offered as f64
    }

    /// Abandoned over offered.
    pub fn abandonment_rate(&self) -> f64 {
        self.abandoned as f64 / self.offered as f64
    }

    /// Mean wait of answered calls.
    pub fn asa(&self) -> f64 {
        self.answered_wait_sum / self.answered as f64
    }
}

/// Everything fitted from a log.
#[derive(Debug, Clone)]
pub struct LogFit {
    /// The options it was fitted with.
    pub options: FitOptions,
    /// Per queue, in order of first appearance.
    pub queues: Vec<QueueFit>,
    /// The chosen days (days since 1970-01-01, local).
    pub days: Vec<i64>,
    /// Days of the log per weekday (Monday first).
    pub weekday_days: [usize; 7],
    /// First and one past the last interval of the day with calls on the chosen days.
    pub span: (usize, usize),
    /// Agents per group of the same queues.
    pub groups: Vec<GroupOnDuty>,
    /// True when agents on duty come from log-on and pause events (else from calls handled).
    pub staffing_from_events: bool,
    /// The busyness estimate (None with fewer than two days).
    pub busyness: Option<BusynessEstimate>,
    /// Lines read.
    pub lines: u64,
    /// Malformed lines skipped.
    pub skipped: u64,
    /// The first [`ERRORS_KEPT`] of them.
    pub errors: Vec<LineError>,
    /// Lines with an event Asterisk does not document.
    pub unknown_events: u64,
    /// Calls entered with no end in the log.
    pub unfinished: usize,
}

/// The weekday of a day counted from 1970-01-01 (a Thursday).
pub fn weekday_of(day: i64) -> jiff::civil::Weekday {
    jiff::civil::Weekday::Thursday.wrapping_add(day.rem_euclid(7) as i32)
}

/// The calendar date of a day counted from 1970-01-01.
pub fn date_of(day: i64) -> String {
    let epoch = jiff::civil::Date::constant(1970, 1, 1);
    epoch
        .checked_add(jiff::SignedDuration::from_hours(24 * day))
        .map_or_else(|_| format!("day {day}"), |d| d.to_string())
}

/// Checks a planning interval in seconds: a minute or more, dividing a day into whole intervals.
pub fn check_interval(interval: f64) -> Result<()> {
    if interval >= 60.0 && (DAY_S / interval).fract() == 0.0 {
        return Ok(());
    }
    Err(Error::input(
        "--interval",
        format!(
            "{} does not divide a day into whole intervals of a minute or more; use e.g. 15m, 30m or 1h",
            crate::time::format_duration(interval)
        ),
    ))
}

/// A log as a stream of calls and agent steps, each with the instant of its line.
trait Items {
    /// The next line's item: `None` at the end, `Some(Ok(Err))` for a malformed line.
    fn next_item(&mut self) -> Option<std::io::Result<std::result::Result<(f64, Item), LineError>>>;
    /// The queue names met so far, by index.
    fn queue_names(&self) -> &Names;
    /// Lines with an event the format does not document.
    fn unknown_events(&self) -> u64;
    /// Calls begun and not ended.
    fn unfinished(&self) -> usize;
}

struct QueueLogItems<R> {
    reader: QueueLogReader<R>,
    assembler: CallAssembler,
}

impl<R: BufRead> Items for QueueLogItems<R> {
    fn next_item(&mut self) -> Option<std::io::Result<std::result::Result<(f64, Item), LineError>>> {
        let next = self.reader.next_record()?;
        Some(next.map(|line| line.and_then(|record| Ok((record.time, self.assembler.feed(&record)?)))))
    }
    fn queue_names(&self) -> &Names {
        &self.assembler.queues
    }
    fn unknown_events(&self) -> u64 {
        self.assembler.unknown_events
    }
    fn unfinished(&self) -> usize {
        self.assembler.unfinished()
    }
}

impl<R: std::io::Read> Items for CallCsvReader<R> {
    fn next_item(&mut self) -> Option<std::io::Result<std::result::Result<(f64, Item), LineError>>> {
        self.next_call().map(Ok)
    }
    fn queue_names(&self) -> &Names {
        &self.queues
    }
    fn unknown_events(&self) -> u64 {
        0
    }
    fn unfinished(&self) -> usize {
        0
    }
}

/// Reads a `queue_log` from `input` (`label` names it in errors) and fits it.
pub fn fit_queue_log(input: impl BufRead, label: &str, options: FitOptions) -> Result<LogFit> {
    check_interval(options.interval)?;
    let mut items = QueueLogItems {
        reader: QueueLogReader::new(input),
        assembler: CallAssembler::new(),
    };
    fit_items(&mut items, label, options)
}

/// Reads a generic CSV call log (one row per call; see [`crate::logs::call_csv`]) with its columns mapped by
/// `columns`, and fits it. Agents on duty come from the agents who handled calls (a CSV call log has no log-on
/// events).
pub fn fit_call_csv(input: impl std::io::Read, label: &str, columns: &Columns, options: FitOptions) -> Result<LogFit> {
    check_interval(options.interval)?;
    let mut reader = CallCsvReader::new(input, columns).map_err(|e| Error::scenario(label, e.to_string()))?;
    fit_items(&mut reader, label, options)
}

fn fit_items(source: &mut dyn Items, label: &str, options: FitOptions) -> Result<LogFit> {
    let interval = options.interval;
    let keep_day = |day: i64| options.weekday.is_none_or(|w| weekday_of(day) == w);
    let mut counts = ArrivalCounts::new(interval);
    let mut on_duty = OnDuty::new(interval);
    let mut queues: Vec<QueueFit> = Vec::new();
    let (mut skipped, mut errors, mut lines, mut last_time) = (0u64, Vec::new(), 0u64, 0.0f64);
    let malformed = |e: LineError, skipped: &mut u64, errors: &mut Vec<LineError>| -> Result<()> {
        if options.strict {
            return Err(Error::scenario(
                label,
                format!("{e} (--strict stops at the first malformed line)"),
            ));
        }
        *skipped += 1;
        if errors.len() < ERRORS_KEPT {
            errors.push(e);
        }
        Ok(())
    };
    while let Some(next) = source.next_item() {
        lines += 1;
        let (time, item) = match next.map_err(|e| Error::io(std::path::Path::new(label), e))? {
            Ok(item) => item,
            Err(e) => {
                malformed(e, &mut skipped, &mut errors)?;
                continue;
            }
        };
        last_time = last_time.max(time);
        match item {
            Item::Nothing => {}
            Item::Agent(step) => on_duty.step(&step, step.time + options.utc_offset, &keep_day),
            Item::Call(call) => {
                while queues.len() < source.queue_names().len() {
                    queues.push(new_queue(source.queue_names().name(queues.len() as u32)));
                }
                let q = &mut queues[call.queue as usize];
                let local = call.arrival + options.utc_offset;
                if call.outcome == Outcome::Refused {
                    q.refused += 1;
                    continue;
                }
                counts.add(call.queue, local);
                q.offered += 1;
                match call.outcome {
                    Outcome::Answered => {
                        q.answered += 1;
                        q.answered_wait_sum += call.wait;
                        q.answered_in_time += crate::logs::in_time(call.wait, options.answer_within);
                        q.handle_times.add(call.talk);
                        q.censored_waits.add(call.wait);
                        if let Some(agent) = call.agent {
                            let start = local + call.wait;
                            on_duty.handled(agent, call.queue, start, start + call.talk, &keep_day);
                        }
                    }
                    Outcome::Abandoned => {
                        q.abandoned += 1;
                        q.abandon_waits.add(call.wait);
                    }
                    Outcome::Left => {
                        q.left += 1;
                        q.censored_waits.add(call.wait);
                    }
                    Outcome::Refused => unreachable!("counted above"),
                }
            }
        }
    }
    on_duty.finish(last_time + options.utc_offset, &keep_day);
    while queues.len() < source.queue_names().len() {
        queues.push(new_queue(source.queue_names().name(queues.len() as u32)));
    }
    let all_days = counts.days();
    let days: Vec<i64> = all_days.iter().copied().filter(|&d| keep_day(d)).collect();
    if days.is_empty() {
        let what = match options.weekday {
            Some(w) => format!("no calls on a {w:?}"),
            None => "no complete calls (no call's end: ABANDON, COMPLETE*, EXIT* or TRANSFER in a queue_log, an end \
                     time in a CSV log)"
                .to_string(),
        };
        let mut message = format!("{what} in {lines} lines: nothing to fit");
        if skipped > 0 {
            message.push_str(&format!("; {skipped} malformed lines skipped, the first:"));
            for e in &errors {
                message.push_str(&format!("\n  {e}"));
            }
        }
        return Err(Error::scenario(label, message));
    }
    let mut weekday_days = [0usize; 7];
    for &d in &all_days {
        weekday_days[weekday_of(d).to_monday_zero_offset() as usize] += 1;
    }
    for (i, q) in queues.iter_mut().enumerate() {
        q.handle = families::fit_durations(&q.handle_times, options.resolution);
        q.km = survival::kaplan_meier(&q.abandon_waits, &q.censored_waits);
        q.patience = survival::exponential_patience(&q.abandon_waits, &q.censored_waits);
        q.forecast = counts.mean_per_slot(i as u32, &days);
        q.by_weekday = (0..7)
            .map(|w| {
                let of_weekday: Vec<i64> = all_days
                    .iter()
                    .copied()
                    .filter(|&d| weekday_of(d).to_monday_zero_offset() as usize == w)
                    .collect();
                counts.mean_per_slot(i as u32, &of_weekday)
            })
            .collect();
    }
    let totals: Vec<u64> = days.iter().map(|&d| counts.day_total(d)).collect();
    Ok(LogFit {
        span: counts.span(&days).unwrap_or((0, 1)),
        groups: on_duty.groups(days.len()),
        staffing_from_events: on_duty.from_events,
        busyness: arrivals::busyness(&totals),
        options,
        queues,
        days,
        weekday_days,
        lines,
        skipped,
        errors,
        unknown_events: source.unknown_events(),
        unfinished: source.unfinished(),
    })
}

fn new_queue(name: &str) -> QueueFit {
    QueueFit {
        name: name.to_string(),
        offered: 0,
        answered: 0,
        answered_in_time: 0.0,
        abandoned: 0,
        left: 0,
        refused: 0,
        answered_wait_sum: 0.0,
        handle_times: Sample::new(),
        handle: None,
        abandon_waits: Sample::new(),
        censored_waits: Sample::new(),
        km: Vec::new(),
        patience: None,
        forecast: Vec::new(),
        by_weekday: Vec::new(),
    }
}
