//! `callsim fit`: a scenario and forecast fitted to an Asterisk `queue_log`.

use std::io::{BufReader, Write};
use std::path::PathBuf;

use anyhow::Context;
use callsim::fit::{self, FitOptions, LogFit};
use callsim::report::output::{FileSet, Staging, write_atomically};
use callsim::report::write_rows;
use serde_json::json;

/// Fit a scenario to an Asterisk queue_log: arrivals, handle times, patience, agents.
///
/// Reads the log once, streaming (memory does not grow with its length), and writes into
/// --out a scenario that `callsim run` and `callsim sweep` take as it is:
///   scenario.toml   every queue a call type, every set of agents serving the same queues a
///                   group; comments say where each value came from and how well it fits
///   forecast.csv    mean calls per interval over the chosen days (the scenario's arrivals)
///   arrivals.csv    mean calls per interval and weekday, with the weekday profile
///   fit.csv         each handle-time family by maximum likelihood (BIC, Kolmogorov-Smirnov
///                   D) and the patience fit
///   patience.csv    Kaplan-Meier survival of patience beside the fit and the naive estimate
///   fit_<queue>.svg/.png   the charts of each fit against the data
///
/// Patience: an answered caller's patience is only known to exceed their wait, so the mean
/// wait of abandoned calls alone is biased low; fit uses Kaplan-Meier and the exponential by
/// maximum likelihood under censoring. Agents on duty come from ADDMEMBER/REMOVEMEMBER,
/// AGENTLOGIN/AGENTLOGOFF and PAUSE/UNPAUSE events, or, without them, from the agents who
/// handled a call in each interval. Busyness is the day-to-day variation beyond Poisson.
///
/// A generic CSV call log works too (--format csv, or a file ending in .csv): one row per call
/// with the columns arrival, queue, answered (empty if never), end, agent and outcome (optional:
/// answered, abandoned, timeout, refused); times in Unix seconds or as 2026-11-23 08:01:48.
/// Map your own column names with --column, e.g. --column arrival=start_time --column queue=skill.
///
/// A malformed line is reported with its line number and skipped (--strict: fatal). Times
/// are read in UTC unless --utc-offset says otherwise.
///
/// Examples:
///   callsim fit scenarios/sample_queue_log --out output/sample_fit
///   callsim run output/sample_fit/scenario.toml
///   callsim fit queue_log --interval 15m --weekday mon --utc-offset +01:00
///   callsim fit calls.csv --column arrival=start_time --column queue=skill
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct FitArgs {
    /// The Asterisk queue_log file (time|callid|queue|agent|event|data...), or a CSV call log.
    log: PathBuf,
    /// The log's format [default: csv for a file ending in .csv, else queue-log].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// A CSV call log's column under another name: OURS=THEIRS, e.g. arrival=start_time (repeat the flag;
    /// ours are arrival, queue, answered, end, agent, outcome).
    #[arg(long, value_name = "OURS=THEIRS")]
    column: Vec<String>,
    /// Planning interval: a duration that divides a day (15m, 30m, 1h).
    #[arg(long, default_value = "30m", value_parser = super::duration_arg)]
    interval: f64,
    /// Directory for the files [default: output/<log file name>_fit/].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Only this weekday's days make the forecast, busyness and staffing (mon, tue, ..., sun).
    #[arg(long, value_parser = weekday_arg)]
    weekday: Option<jiff::civil::Weekday>,
    /// Local time minus UTC, e.g. +01:00 or -05:00: the clock times of the scenario.
    #[arg(long, default_value = "+00:00", allow_hyphen_values = true, value_parser = offset_arg)]
    utc_offset: f64,
    /// Stop at the first malformed line instead of skipping it.
    #[arg(long)]
    strict: bool,
    /// Service-level threshold for the log's own measured service level and the scenario.
    #[arg(long, default_value = "20s", value_parser = super::duration_arg)]
    answer_within: f64,
    /// Print one JSON object instead of the table (files are still written).
    #[arg(long)]
    json: bool,
}

/// The formats `fit` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Asterisk's queue_log.
    QueueLog,
    /// A CSV call log, one row per call.
    Csv,
}

fn weekday_arg(text: &str) -> Result<jiff::civil::Weekday, String> {
    use jiff::civil::Weekday::*;
    let days = [
        ("mon", Monday),
        ("tue", Tuesday),
        ("wed", Wednesday),
        ("thu", Thursday),
        ("fri", Friday),
        ("sat", Saturday),
        ("sun", Sunday),
    ];
    let lower = text.trim().to_ascii_lowercase();
    days.iter()
        .find(|(short, _)| lower.len() >= 3 && lower.starts_with(short))
        .map(|&(_, day)| day)
        .ok_or_else(|| "expected a weekday: mon, tue, wed, thu, fri, sat or sun".to_string())
}

/// `+HH:MM` or `-HH:MM` to seconds.
pub fn offset_arg(text: &str) -> Result<f64, String> {
    let allowed = "expected an offset from UTC such as +01:00, -05:00 or +05:30 (at most 14 hours)";
    let t = text.trim();
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1.0, &t[1..]),
        Some(b'-') => (-1.0, &t[1..]),
        _ => return Err(allowed.into()),
    };
    let (h, m) = rest.split_once(':').ok_or(allowed)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| allowed)?, m.parse().map_err(|_| allowed)?);
    if h > 14 || m >= 60 || h * 60 + m > 14 * 60 {
        return Err(allowed.into());
    }
    Ok(sign * (h * 3600 + m * 60) as f64)
}

/// Reads and fits the log, writes the files, prints the report.
pub fn execute(args: FitArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let dir = args.out.clone().unwrap_or_else(|| {
        let name = args
            .log
            .file_name()
            .map_or_else(|| "log".into(), |n| n.to_string_lossy().replace('.', "_"));
        PathBuf::from("output").join(format!("{name}_fit"))
    });
    // The log, the columns and the interval are checked before the output folder is made, so a typo creates
    // nothing.
    let file = std::fs::File::open(&args.log).map_err(|e| callsim::Error::io(&args.log, e))?;
    let mut columns = callsim::logs::call_csv::Columns::default();
    for mapping in &args.column {
        let (ours, theirs) = mapping.split_once('=').ok_or_else(|| {
            callsim::Error::input(
                "--column",
                format!("\"{mapping}\" is not OURS=THEIRS, e.g. arrival=start_time"),
            )
        })?;
        columns
            .set(ours.trim(), theirs)
            .map_err(|m| callsim::Error::input("--column", m))?;
    }
    fit::check_interval(args.interval)?;
    let staging = Staging::new(&dir, FileSet::FIT)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = super::progress::bytes(size, "reading");
    let options = FitOptions {
        interval: args.interval,
        utc_offset: args.utc_offset,
        weekday: args.weekday,
        strict: args.strict,
        answer_within: args.answer_within,
        ..FitOptions::default()
    };
    let label = args.log.display().to_string();
    let format = args.format.unwrap_or_else(|| {
        let csv = args.log.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if csv { Format::Csv } else { Format::QueueLog }
    });
    let input = BufReader::with_capacity(1 << 16, bar.wrap_read(file));
    let fitted = match format {
        Format::QueueLog => fit::fit_queue_log(input, &label, options)?,
        Format::Csv => fit::fit_call_csv(input, &label, &columns, options)?,
    };
    bar.finish_and_clear();
    for e in &fitted.errors {
        super::warn(format_args!("{label}: {e} (skipped)"));
    }
    if fitted.skipped > fitted.errors.len() as u64 {
        super::warn(format_args!(
            "{label}: {} malformed lines skipped in all",
            fitted.skipped
        ));
    }
    let files = write_files(staging, &fitted, &label).context("writing the fit's files")?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&fit_json(&fitted))?)?;
    } else {
        write!(out, "{}", table(&fitted))?;
        writeln!(out)?;
        for f in files {
            writeln!(out, "wrote {}", f.display())?;
        }
    }
    Ok(())
}

fn write_files(staging: Staging, fitted: &LogFit, label: &str) -> callsim::Result<Vec<PathBuf>> {
    let text = fit::scenario::scenario_toml(fitted, label);
    write_atomically(&staging.path("scenario.toml"), |w| w.write_all(text.as_bytes()))?;
    write_rows(&staging.path("forecast.csv"), &fit::scenario::forecast_rows(fitted))?;
    write_rows(&staging.path("arrivals.csv"), &fit::scenario::weekday_rows(fitted))?;
    write_rows(&staging.path("fit.csv"), &fit::scenario::fit_rows(fitted))?;
    write_rows(&staging.path("patience.csv"), &fit::scenario::patience_rows(fitted))?;
    for (stem, panels) in fit::charts::fit_charts(fitted) {
        callsim::plot::panel_chart(&panels, &staging.path(&stem))?;
    }
    staging.publish()
}

fn table(f: &LogFit) -> String {
    let mut t = String::new();
    t.push_str(&format!(
        "{} lines, {} days ({} to {}), {} malformed lines skipped, {} unknown events, {} calls without an end\n\n",
        f.lines,
        f.days.len(),
        fit::date_of(f.days[0]),
        fit::date_of(*f.days.last().expect("a day")),
        f.skipped,
        f.unknown_events,
        f.unfinished
    ));
    t.push_str(&format!(
        "{:<14} {:>8} {:>8} {:>7} {:>7}   {:<34} {:>7}   {:<30} {:>8}\n",
        "queue",
        "offered",
        "answered",
        "aband.",
        "SL",
        "handle time (BIC's choice)",
        "KS D",
        "patience (censored MLE)",
        "naive"
    ));
    for q in f.queues.iter().filter(|q| q.offered > 0) {
        let handle = q.handle.as_ref().map_or(("-".to_string(), f64::NAN), |h| {
            let d = &h.best().distribution;
            (
                format!("{} mean {:.1}s cv {:.2}", d.family(), d.mean(), d.cv()),
                h.best().ks_d,
            )
        });
        let patience = q.patience.map_or("- (no abandons)".to_string(), |p| {
            format!("{:.1}s +/- {:.1}s ({} aband.)", p.mean, p.se, p.abandons)
        });
        t.push_str(&format!(
            "{:<14} {:>8} {:>8} {:>6.1}% {:>6.1}%   {:<34} {:>7.4}   {:<30} {:>7.1}s\n",
            q.name,
            q.offered,
            q.answered,
            100.0 * q.abandonment_rate(),
            100.0 * q.service_level(),
            handle.0,
            handle.1,
            patience,
            fit::survival::naive_mean(&q.abandon_waits)
        ));
    }
    t.push('\n');
    match f.busyness {
        Some(b) => t.push_str(&format!(
            "calls per day {:.0} +/- {:.0}: busyness cv {:.4} (variation beyond Poisson)\n",
            b.mean, b.sd, b.cv
        )),
        None => t.push_str("one day: no busyness estimate\n"),
    }
    let names = fit::scenario::group_names(f);
    let (a, b) = f.span;
    t.push_str(&format!(
        "day {} to {} in {}-minute intervals; agents from {}\n",
        fit::scenario::clock(a as f64 * f.options.interval),
        fit::scenario::clock(b as f64 * f.options.interval),
        f.options.interval / 60.0,
        if f.staffing_from_events {
            "log-on and pause events"
        } else {
            "calls handled (no log-on events)"
        }
    ));
    for (name, g) in names.iter().zip(&f.groups) {
        let peak = g.per_slot.iter().copied().fold(0.0, f64::max);
        t.push_str(&format!(
            "  group {name}: {} agents, at most {peak:.1} on duty at once on average\n",
            g.agents
        ));
    }
    t
}

fn fit_json(f: &LogFit) -> serde_json::Value {
    let queues: Vec<serde_json::Value> = f
        .queues
        .iter()
        .filter(|q| q.offered > 0)
        .map(|q| {
            json!({
                "name": q.name,
                "offered": q.offered,
                "answered": q.answered,
                "abandoned": q.abandoned,
                "left": q.left,
                "refused": q.refused,
                "service_level": q.service_level(),
                "abandonment_rate": q.abandonment_rate(),
                "asa_s": q.asa(),
                "handle_time": q.handle.as_ref().map(|h| json!({
                    "family": h.best().distribution.family(),
                    "mean_s": h.best().distribution.mean(),
                    "cv": h.best().distribution.cv(),
                    "ks_d": h.best().ks_d,
                    "n": h.n,
                })),
                "patience": q.patience.map(|p| json!({
                    "family": "exponential",
                    "mean_s": p.mean,
                    "se_s": p.se,
                    "abandons": p.abandons,
                    "censored": p.censored,
                    "naive_mean_s": fit::survival::naive_mean(&q.abandon_waits),
                })),
                "calls_per_day": q.forecast.iter().sum::<f64>(),
            })
        })
        .collect();
    json!({
        "lines": f.lines,
        "skipped": f.skipped,
        "unknown_events": f.unknown_events,
        "unfinished": f.unfinished,
        "days": f.days.len(),
        "busyness_cv": f.busyness.map(|b| b.cv),
        "staffing_from_events": f.staffing_from_events,
        "queues": queues,
    })
}
