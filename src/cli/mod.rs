//! Argument definitions and the commands behind them (binary side only).

mod check;
mod erlang;
mod progress;
mod run;
mod sweep;

use std::io::Write;
use std::path::{Path, PathBuf};

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
    Check(check::CheckArgs),
}

/// Runs the chosen command, writing its report to `out`.
pub fn execute(cli: Cli, out: &mut dyn Write) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run::execute(args, out),
        Command::Erlang(args) => erlang::execute(args, out),
        Command::Sweep(args) => sweep::sweep(args, out),
        Command::Compare(args) => sweep::compare(args, out),
        Command::Check(args) => check::execute(args, out),
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

/// Builds the rayon pool for `--threads` (all cores when absent).
fn thread_pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = threads {
        anyhow::ensure!(threads >= 1, "--threads: must be at least 1, got {threads}");
        builder = builder.num_threads(threads);
    }
    Ok(builder.build()?)
}
