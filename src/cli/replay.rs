//! `callsim replay`: a log's days run through a scenario's staffing and routing, beside the log's own figures.

use std::io::{BufReader, Write};
use std::path::PathBuf;

use callsim::replay::{self, ReplayRow};
use callsim::report::output::{FileSet, Staging};
use callsim::scenario::Scenario;
use serde_json::json;

/// Replay a queue_log's days through a scenario: the log's callers, this staffing and routing.
///
/// Every call of the log (its arrival instant, queue, talk time if answered, patience if it
/// abandoned) is offered again, to the scenario's agents under the scenario's routing. What the
/// log cannot know is drawn from the scenario: the talk time of a caller who abandoned, and the
/// patience of a caller who was answered (it exceeded their wait: their wait plus a draw from
/// the scenario's patience). Each queue must be a call type of the scenario by name; times are
/// placed from the scenario's opens_at (UTC unless --utc-offset).
///
/// The table shows, per call type and in total, the log's own service level, abandonment and
/// average speed of answer beside the replay's, and the difference with its 95% interval
/// (paired by day). With the scenario `callsim fit` wrote from the same log, the difference is
/// the model's error; change the staffing or the routing and it is what the change would have
/// done on those very days. Writes replay.csv into --out.
///
/// Examples:
///   callsim fit scenarios/sample_queue_log --out output/sample_fit
///   callsim replay scenarios/sample_queue_log output/sample_fit/scenario.toml
///   callsim replay scenarios/sample_queue_log scenarios/sample_center.toml --date 2026-11-23 -r 50
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ReplayArgs {
    /// The Asterisk queue_log file.
    log: PathBuf,
    /// The scenario (TOML) whose staffing and routing the log's callers meet.
    scenario: PathBuf,
    /// Replay only this day (YYYY-MM-DD) [default: every day of the log].
    #[arg(long, value_parser = super::run::date_arg)]
    date: Option<jiff::civil::Date>,
    /// Replays of each day, 1 to 100000, each with its own draws for what the log does not know.
    #[arg(long, short = 'r', default_value = "10", value_parser = super::replications_arg)]
    replications: u32,
    /// Local time minus UTC, e.g. +01:00 or -05:00.
    #[arg(long, default_value = "+00:00", allow_hyphen_values = true, value_parser = super::fit::offset_arg)]
    utc_offset: f64,
    /// Stop at the first malformed line instead of skipping it.
    #[arg(long)]
    strict: bool,
    /// Base random seed (overrides the scenario's `seed`).
    #[arg(long, short = 's')]
    seed: Option<u64>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
    /// Directory for replay.csv [default: output/<scenario file stem>_replay/, or none with --json].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads, 1 to 256 [default: all cores]; results do not depend on it.
    #[arg(long, value_parser = super::threads_arg)]
    threads: Option<usize>,
}

/// Reads the log, replays it, writes replay.csv and prints the comparison.
pub fn execute(args: ReplayArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut scenario = Scenario::from_path(&args.scenario)?;
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    let file = std::fs::File::open(&args.log).map_err(|e| callsim::Error::io(&args.log, e))?;
    let staging = match (&args.out, args.json) {
        (None, true) => None,
        (dir, _) => {
            let dir = dir
                .clone()
                .unwrap_or_else(|| super::default_out_dir(&args.scenario, "_replay"));
            Some(Staging::new(&dir, FileSet::REPLAY)?)
        }
    };
    let label = args.log.display().to_string();
    let days = replay::read_days(
        BufReader::with_capacity(1 << 16, file),
        &label,
        &scenario,
        args.utc_offset,
        args.date,
        args.strict,
    )?;
    for e in &days.errors {
        super::warn(format_args!("{label}: {e} (skipped)"));
    }
    if days.outside > 0 {
        super::warn(format_args!(
            "{label}: {} calls outside the scenario's day (from its opens_at for its duration) left out",
            days.outside
        ));
    }
    let pool = super::thread_pool(args.threads)?;
    let total = days.days.len() as u64 * args.replications as u64;
    let bar = super::progress::bar(total, "replays");
    let runs = pool.install(|| replay::replay(&scenario, &days, args.replications, &|| bar.inc(1)));
    bar.finish_and_clear();
    let rows = replay::compare(&scenario, &days, &runs);
    let written = staging
        .map(|staging| -> callsim::Result<Vec<PathBuf>> {
            callsim::report::write_rows(&staging.path("replay.csv"), &rows)?;
            staging.publish()
        })
        .transpose();
    if args.json {
        let dates: Vec<&str> = days.days.iter().map(|d| d.date.as_str()).collect();
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&json!({
                "scenario": scenario.name,
                "days": dates,
                "replications_per_day": args.replications,
                "outside": days.outside,
                "skipped": days.skipped,
                "comparison": rows,
            }))?
        )?;
    } else {
        write!(out, "{}", table(&days, args.replications, &rows))?;
    }
    let files = written?.unwrap_or_default();
    if !args.json {
        writeln!(out)?;
        for f in files {
            writeln!(out, "wrote {}", f.display())?;
        }
    }
    Ok(())
}

fn table(days: &replay::LogDays, repeats: u32, rows: &[ReplayRow]) -> String {
    let first = &days.days[0].date;
    let last = &days.days[days.days.len() - 1].date;
    let mut t = format!(
        "{} days replayed ({first} to {last}), {repeats} times each\n\n{:<12} {:<18} {:>10} {:>10} {:>10}   {}\n",
        days.days.len(),
        "call type",
        "metric",
        "log",
        "replay",
        "error",
        "error 95% interval"
    );
    for r in rows {
        let (share, unit) = if r.metric == "asa_s" { (1.0, "s") } else { (100.0, "%") };
        t.push_str(&format!(
            "{:<12} {:<18} {:>9.2}{unit} {:>9.2}{unit} {:>+9.2}{unit}   [{:+.2}, {:+.2}]\n",
            r.call_type,
            r.metric,
            share * r.log,
            share * r.replay,
            share * r.error,
            share * r.error_lo,
            share * r.error_hi
        ));
    }
    t
}
