//! Replaying a log through a scenario: the log's days, each as its callers ([`Trace`]: instants, call types, handle
//! times and patience where the log knows them), run through the scenario's staffing and routing, and compared
//! with the log's own measured service level, abandonment and answer speed: "what would last Monday have looked
//! like with two more agents". With the staffing and routing unchanged, the difference is the model's error.
//!
//! [`read_days`] streams the log once and keeps the replayed days' callers (about 32 bytes a call: a replay holds
//! its days, unlike `fit`, which holds no call). Replication `r` replays day `r mod D` with its own random streams
//! for what the log does not know (see [`crate::engine::trace`]); [`replay`] runs them on rayon, in order.

use std::collections::BTreeMap;
use std::io::BufRead;

use rayon::prelude::*;
use serde::Serialize;

use crate::engine::{Trace, TraceCall, simulate_trace};
use crate::error::{Error, Result};
use crate::logs::{CallAssembler, Item, LineError, Outcome, QueueLogReader};
use crate::scenario::Scenario;
use crate::stats::{Collector, Metric, ReplicationMetrics};

/// What the log measured on one day, per call type (the scenario's order) and in total (last).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measured {
    /// Calls that entered the queue.
    pub offered: u64,
    /// Answered calls.
    pub answered: u64,
    /// Answered within the type's `answer_within` (a wait logged as exactly the threshold counts half: see
    /// [`crate::logs::in_time`]).
    pub answered_in_time: f64,
    /// Abandoned calls.
    pub abandoned: u64,
    /// Sum of the answered calls' waits.
    pub answered_wait_sum: f64,
}

impl Measured {
    fn add(&mut self, other: &Measured) {
        self.offered += other.offered;
        self.answered += other.answered;
        self.answered_in_time += other.answered_in_time;
        self.abandoned += other.abandoned;
        self.answered_wait_sum += other.answered_wait_sum;
    }

    /// The value of `metric` (service level, abandonment rate, ASA; NaN for others or when undefined).
    pub fn value(&self, metric: Metric) -> f64 {
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        match metric {
            Metric::ServiceLevel => ratio(self.answered_in_time, self.offered as f64),
            Metric::AbandonmentRate => ratio(self.abandoned as f64, self.offered as f64),
            Metric::AsaS => ratio(self.answered_wait_sum, self.answered as f64),
            Metric::Offered => self.offered as f64,
            Metric::Answered => self.answered as f64,
            Metric::Abandoned => self.abandoned as f64,
            _ => f64::NAN,
        }
    }
}

/// One day of the log: its callers and what it measured.
#[derive(Debug, Clone)]
pub struct LogDay {
    /// The date (`YYYY-MM-DD`).
    pub date: String,
    /// Its callers per call type.
    pub trace: Trace,
    /// Per call type, then the total.
    pub measured: Vec<Measured>,
}

/// The log's days within the scenario's hours.
#[derive(Debug, Clone)]
pub struct LogDays {
    /// The days, in date order.
    pub days: Vec<LogDay>,
    /// Calls outside the scenario's day (before its opening or after its closing) left out.
    pub outside: u64,
    /// Malformed lines skipped.
    pub skipped: u64,
    /// The first few of them.
    pub errors: Vec<LineError>,
}

/// Reads the log's calls into days for `scenario`: each queue must be one of its call types (by name); times are
/// shifted by `utc_offset` seconds and placed from the scenario's `opens_at`; `date`, when given, keeps that day
/// alone. A malformed line is skipped and counted, or fatal when `strict`.
pub fn read_days(
    input: impl BufRead,
    label: &str,
    scenario: &Scenario,
    utc_offset: f64,
    date: Option<jiff::civil::Date>,
    strict: bool,
) -> Result<LogDays> {
    let names: Vec<&str> = scenario.call_types.iter().map(|c| c.name.as_str()).collect();
    let types = names.len();
    let opens = scenario.day.clock().opens_at().seconds();
    let epoch = jiff::civil::Date::constant(1970, 1, 1);
    let only = date.map(|d| d.duration_since(epoch).as_secs() / 86_400);
    let mut reader = QueueLogReader::new(input);
    let mut assembler = CallAssembler::new();
    let mut days: BTreeMap<i64, (Trace, Vec<Measured>)> = BTreeMap::new();
    let (mut outside, mut skipped, mut errors) = (0u64, 0u64, Vec::new());
    let mut type_of: Vec<Option<usize>> = Vec::new();
    while let Some(next) = reader.next_record() {
        let line = next.map_err(|e| Error::io(std::path::Path::new(label), e))?;
        let item = line.and_then(|record| assembler.feed(&record));
        let call = match item {
            Ok(Item::Call(call)) => call,
            Ok(_) => continue,
            Err(e) => {
                if strict {
                    return Err(Error::scenario(
                        label,
                        format!("{e} (--strict stops at the first malformed line)"),
                    ));
                }
                skipped += 1;
                if errors.len() < crate::fit::ERRORS_KEPT {
                    errors.push(e);
                }
                continue;
            }
        };
        while type_of.len() < assembler.queues.len() {
            let name = assembler.queues.name(type_of.len() as u32);
            type_of.push(names.iter().position(|n| *n == name));
        }
        let Some(t) = type_of[call.queue as usize] else {
            return Err(Error::scenario(
                label,
                format!(
                    "queue \"{}\" is not a call type of the scenario; its call types are {} (name each queue's call type \
                     after it)",
                    crate::limits::quote(assembler.queues.name(call.queue)),
                    names.join(", ")
                ),
            ));
        };
        // A whole-second arrival happened somewhere in that second: replayed at its middle, or every caller would
        // come half a second early on average and wait half a second longer for the same agents.
        let arrival = if call.arrival.fract() == 0.0 {
            call.arrival + 0.5
        } else {
            call.arrival
        };
        let local = arrival + utc_offset;
        let day = (local / 86_400.0).floor() as i64;
        let at = local - day as f64 * 86_400.0 - opens;
        if only.is_some_and(|d| d != day) {
            continue;
        }
        if !(0.0..scenario.horizon).contains(&at) {
            outside += 1;
            continue;
        }
        let (trace, measured) = days.entry(day).or_insert_with(|| {
            (
                Trace {
                    calls: vec![Vec::new(); types],
                },
                vec![Measured::default(); types + 1],
            )
        });
        let nan = f64::NAN;
        let traced = match call.outcome {
            Outcome::Answered => TraceCall {
                at,
                handle_time: call.talk,
                patience: nan,
                patience_above: call.wait,
            },
            Outcome::Abandoned => TraceCall {
                at,
                handle_time: nan,
                patience: call.wait,
                patience_above: 0.0,
            },
            Outcome::Left | Outcome::Refused => TraceCall {
                at,
                handle_time: nan,
                patience: nan,
                patience_above: call.wait,
            },
        };
        trace.calls[t].push(traced);
        if call.outcome != Outcome::Refused {
            let m = &mut measured[t];
            m.offered += 1;
            match call.outcome {
                Outcome::Answered => {
                    m.answered += 1;
                    m.answered_wait_sum += call.wait;
                    m.answered_in_time += crate::logs::in_time(call.wait, scenario.answer_within_of(t));
                }
                Outcome::Abandoned => m.abandoned += 1,
                _ => {}
            }
        }
    }
    let days: Vec<LogDay> = days
        .into_iter()
        .map(|(day, (mut trace, mut measured))| {
            // Ends come in the log's order; the engine takes each type's callers in arrival order.
            for calls in &mut trace.calls {
                calls.sort_by(|a, b| a.at.total_cmp(&b.at));
            }
            let mut total = Measured::default();
            for m in &measured[..types] {
                total.add(m);
            }
            measured[types] = total;
            LogDay {
                date: crate::fit::date_of(day),
                trace,
                measured,
            }
        })
        .collect();
    if days.is_empty() {
        return Err(Error::scenario(
            label,
            match date {
                Some(d) => format!("no call on {d} within the scenario's day"),
                None => "no call within the scenario's day (check opens_at, the duration and --utc-offset)".into(),
            },
        ));
    }
    Ok(LogDays {
        days,
        outside,
        skipped,
        errors,
    })
}

/// Replays every day `repeats` times (replication `r` is day `r mod D`), in parallel and in order; `on_done` is
/// called once per replication.
pub fn replay(
    scenario: &Scenario,
    days: &LogDays,
    repeats: u32,
    on_done: &(dyn Fn() + Sync),
) -> Vec<ReplicationMetrics> {
    let d = days.days.len() as u32;
    (0..d * repeats)
        .into_par_iter()
        .map(|r| {
            let mut collector = Collector::new(scenario);
            simulate_trace(scenario, r, &days.days[(r % d) as usize].trace, &mut collector);
            let mut metrics = collector.finish();
            metrics.drop_histograms();
            on_done();
            metrics
        })
        .collect()
}

/// The metrics compared.
pub const COMPARED: [Metric; 3] = [Metric::ServiceLevel, Metric::AbandonmentRate, Metric::AsaS];

/// One row of `replay.csv`: a metric of a call type (or `total`) in the log and in the replay.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReplayRow {
    /// Call type, or `total`.
    pub call_type: String,
    /// Metric name (`stats::Metric`).
    pub metric: String,
    /// The log's own value over the replayed days (pooled: e.g. answered in time over offered).
    pub log: f64,
    /// The replay's value, pooled the same way over the replications.
    pub replay: f64,
    /// Replay minus log: the model's error when staffing and routing are the log's.
    pub error: f64,
    /// 95% interval of the error (paired by day, t over the days).
    pub error_lo: f64,
    /// Upper end.
    pub error_hi: f64,
}

/// The comparison rows: per call type then total, per metric of [`COMPARED`].
pub fn compare(scenario: &Scenario, days: &LogDays, runs: &[ReplicationMetrics]) -> Vec<ReplayRow> {
    let types = scenario.call_types.len();
    let d = days.days.len();
    let mut rows = Vec::new();
    for t in 0..=types {
        let name = if t == types {
            "total".to_string()
        } else {
            scenario.call_types[t].name.clone()
        };
        let of = |r: &ReplicationMetrics, m: Metric| {
            if t == types {
                r.total[m.index()]
            } else {
                r.call_types[t][m.index()]
            }
        };
        let mut log_total = Measured::default();
        for day in &days.days {
            log_total.add(&day.measured[t]);
        }
        // The replay pooled like the log: counts summed, ratios rebuilt from them.
        let mut replay_total = Measured::default();
        let mut per_run: Vec<Measured> = Vec::with_capacity(runs.len());
        for r in runs {
            let offered = of(r, Metric::Offered);
            let answered = of(r, Metric::Answered);
            let m = Measured {
                offered: offered as u64,
                answered: answered as u64,
                answered_in_time: of(r, Metric::ServiceLevel) * offered,
                abandoned: of(r, Metric::Abandoned) as u64,
                answered_wait_sum: if answered > 0.0 {
                    of(r, Metric::AsaS) * answered
                } else {
                    0.0
                },
            };
            replay_total.add(&m);
            per_run.push(m);
        }
        for metric in COMPARED {
            let log = log_total.value(metric);
            let replay = replay_total.value(metric);
            // Paired by day: each replication's value minus its day's, over the replications.
            let diffs: Vec<f64> = per_run
                .iter()
                .enumerate()
                .map(|(r, m)| m.value(metric) - days.days[r % d].measured[t].value(metric))
                .filter(|x| x.is_finite())
                .collect();
            let half = crate::stats::Estimate::from_samples(diffs).ci95.unwrap_or(f64::NAN);
            let error = replay - log;
            rows.push(ReplayRow {
                call_type: name.clone(),
                metric: metric.name().to_string(),
                log,
                replay,
                error,
                error_lo: error - half,
                error_hi: error + half,
            });
        }
    }
    rows
}
