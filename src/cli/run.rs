//! `callsim run`: simulate one scenario.

use std::io::Write;
use std::path::PathBuf;

use callsim::report::{self, output};
use callsim::run::run_scenario;
use callsim::scenario::Scenario;
use callsim::theory::theory_for;

/// Simulate a scenario file and report every metric with 95% confidence intervals.
///
/// Prints a table per call type and in total, with Erlang C / A or M/M/c/K values beside the
/// simulation when theory covers the scenario, and per agent group; writes summary.csv and
/// groups.csv.
///
/// Example:
///   callsim run scenarios/erlang_c_textbook.toml --replications 20 --json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct RunArgs {
    /// Scenario file (TOML); see scenarios/ for commented examples.
    scenario: PathBuf,
    /// Number of independent replications (overrides the file's `replications`).
    #[arg(long, short = 'r')]
    replications: Option<u32>,
    /// Base random seed (overrides the file's `seed`); the same seed gives identical output.
    #[arg(long, short = 's')]
    seed: Option<u64>,
    /// Print exactly one JSON object on stdout instead of the table.
    #[arg(long)]
    json: bool,
    /// Directory for summary.csv and groups.csv [default: output/<scenario file stem>/].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads [default: all cores]; results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
}

/// Simulates the scenario, writes summary.csv and groups.csv, and prints the table or JSON to `out`.
pub fn execute(args: RunArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut scenario = Scenario::from_path(&args.scenario)?;
    if let Some(replications) = args.replications {
        anyhow::ensure!(
            (1..=100_000).contains(&replications),
            "--replications: must be from 1 to 100000, got {replications}"
        );
        scenario.replications = replications;
    }
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    let pool = super::thread_pool(args.threads)?;
    let bar = super::progress::bar(scenario.replications as u64, "replications");
    let summary = pool.install(|| run_scenario(&scenario, &|| bar.inc(1)));
    bar.finish_and_clear();
    let theory = theory_for(&scenario);
    let warnings = scenario.warnings();

    let dir = args.out.unwrap_or_else(|| super::default_out_dir(&args.scenario, ""));
    let (header, rows) = report::summary_csv(&summary);
    output::write_csv(&dir.join("summary.csv"), &header, &rows)?;
    let (header, rows) = report::groups_csv(&summary);
    output::write_csv(&dir.join("groups.csv"), &header, &rows)?;

    if args.json {
        let json = report::json::summary_json(&summary, theory.as_ref(), &warnings);
        writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
    } else {
        write!(
            out,
            "{}",
            report::table::summary_table(&summary, theory.as_ref(), &warnings)
        )?;
        writeln!(out, "\nwrote {}", dir.join("summary.csv").display())?;
    }
    Ok(())
}
