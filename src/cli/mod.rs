//! Argument definitions and the commands behind them (binary side only).

mod check;
mod cluster;
mod erlang;
mod fit;
mod merge;
mod progress;
mod replay;
mod report;
mod run;
mod schedule;
mod staff;
mod sweep;
mod targets;

use std::io::Write;
use std::path::{Path, PathBuf};

use callsim::limits::{MAX_REPLICATIONS, MAX_THREADS};
use callsim::scenario::Warning;
use clap::{Parser, Subcommand};

/// Discrete-event call-center simulator with exact Erlang B/C/A theory beside it.
///
/// Start with a bundled scenario:
///   callsim run scenarios/erlang_c_textbook.toml
/// Size a shift with the calculator:
///   callsim erlang c --calls 100 --per 30m --aht 180s --target-sl 0.8
/// Sweep staffing:
///   callsim sweep scenarios/vip_priority.toml --vary agent_groups.operators.count=12:22
/// Compare policies on the same callers:
///   callsim compare scenarios/vip_priority.toml --vary routing.queue=fifo,priority
/// Too big for one machine: run it in shards (on Slurm or Kubernetes) and merge them:
///   callsim sweep scenarios/vip_priority.toml --vary agent_groups.operators.count=12:22 \
///     --out runs/vip --emit slurm --shards 8
/// Simulate a planner's day (per-interval results, intraday chart):
///   callsim run scenarios/day_inbound.toml
/// Agents needed per interval, then the shifts that cover them:
///   callsim staff scenarios/day_inbound.toml
///   callsim schedule scenarios/day_inbound.toml --shifts scenarios/shift_templates.toml
/// Simulate that roster over the day (per interval and per day), or raise it until it meets the target:
///   callsim schedule scenarios/day_inbound.toml --shifts scenarios/shift_templates.toml --simulate
///   callsim schedule scenarios/day_inbound.toml --shifts scenarios/shift_templates.toml --until-met
/// One HTML page to pass around (any of run, sweep, compare, staff, schedule):
///   callsim run scenarios/day_inbound.toml --report
/// Fit a scenario to a real Asterisk queue_log, and write simulated days as one:
///   callsim fit scenarios/sample_queue_log --out output/sample_fit
///   callsim run output/sample_fit/scenario.toml --queue-log output/simulated_queue_log
/// Replay the log's very days through a scenario (the model's error, or what a change would have done):
///   callsim replay scenarios/sample_queue_log output/sample_fit/scenario.toml
#[derive(Debug, Parser)]
#[command(name = "callsim", version, about, long_about, verbatim_doc_comment)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Run(run::RunArgs),
    Erlang(erlang::ErlangArgs),
    Sweep(sweep::SweepArgs),
    Compare(sweep::CompareArgs),
    Merge(merge::MergeArgs),
    Check(check::CheckArgs),
    Staff(staff::StaffArgs),
    Schedule(schedule::ScheduleArgs),
    Report(report::ReportArgs),
    Fit(fit::FitArgs),
    Replay(replay::ReplayArgs),
}

/// Runs the chosen command, writing its report to `out`.
pub fn execute(cli: Cli, out: &mut dyn Write) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run::execute(args, out),
        Command::Erlang(args) => erlang::execute(args, out),
        Command::Sweep(args) => sweep::sweep(args, out),
        Command::Compare(args) => sweep::compare(args, out),
        Command::Merge(args) => merge::execute(args, out),
        Command::Check(args) => check::execute(args, out),
        Command::Staff(args) => staff::execute(args, out),
        Command::Schedule(args) => schedule::execute(args, out),
        Command::Report(args) => report::execute(args, out),
        Command::Fit(args) => fit::execute(args, out),
        Command::Replay(args) => replay::execute(args, out),
    }
}

/// Parses a duration flag value such as `20s`, `3m` or `1h30m` into seconds.
fn duration_arg(text: &str) -> Result<f64, String> {
    callsim::time::parse_duration(text)
}

/// The default output directory for a scenario file: `output/<file stem><suffix>/`.
fn default_out_dir(scenario: &Path, suffix: &str) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    PathBuf::from("output").join(format!("{stem}{suffix}"))
}

/// Parses `--replications`: a whole number from 1 to [`MAX_REPLICATIONS`], naming that range when out of it.
fn replications_arg(text: &str) -> Result<u32, String> {
    bounded_arg(text, MAX_REPLICATIONS as u64).map(|n| n as u32)
}

/// Parses `--threads`: a whole number from 1 to [`MAX_THREADS`], naming that range when out of it.
fn threads_arg(text: &str) -> Result<usize, String> {
    bounded_arg(text, MAX_THREADS as u64).map(|n| n as usize)
}

/// A whole number from 1 to `max`; the error names the allowed range (not the integer type's).
fn bounded_arg(text: &str, max: u64) -> Result<u64, String> {
    let allowed = format!("a whole number from 1 to {max}");
    let digits = text.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("expected {allowed}"));
    }
    match digits.parse::<u64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!("must be {allowed}")),
    }
}

/// Builds the rayon pool for `--threads` (all cores when absent); the flag's parser has bounded it already.
fn thread_pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = threads {
        builder = builder.num_threads(threads.clamp(1, MAX_THREADS));
    }
    Ok(builder.build()?)
}

/// Prints a warning on stderr (stdout carries only the report, so it can be piped or parsed).
fn warn(message: impl std::fmt::Display) {
    eprintln!("callsim: warning: {message}");
}

/// Prints the warnings of many points (sweep or compare) on stderr: one line per kind of warning, naming the
/// points it affects (the first few) and the first such point's own words.
fn warn_points<'a>(points: impl IntoIterator<Item = (String, &'a [Warning])>) {
    let mut kinds: Vec<(std::mem::Discriminant<Warning>, &Warning, Vec<String>)> = Vec::new();
    for (label, warnings) in points {
        for warning in warnings {
            let kind = std::mem::discriminant(warning);
            match kinds.iter_mut().find(|k| k.0 == kind) {
                Some(k) => k.2.push(label.clone()),
                None => kinds.push((kind, warning, vec![label.clone()])),
            }
        }
    }
    const SHOWN: usize = 6;
    for (_, first, labels) in kinds {
        let mut named = labels.iter().take(SHOWN).cloned().collect::<Vec<_>>().join("; ");
        if labels.len() > SHOWN {
            named.push_str(&format!("; and {} more", labels.len() - SHOWN));
        }
        let points = if labels.len() == 1 { "point" } else { "points" };
        warn(format_args!(
            "{} {points} ({named}): at the first, {first}",
            labels.len()
        ));
    }
}
