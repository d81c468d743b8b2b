//! `callsim run`: simulate one scenario (and write it as a `queue_log` with `--queue-log`).

use std::io::Write;
use std::path::PathBuf;

use callsim::report;
use callsim::report::html::{self, About, run::RunResults};
use callsim::report::output::{FileSet, Staging};
use callsim::run::run_day;
use callsim::scenario::Scenario;
use callsim::theory::theory_for;

/// Simulate a scenario file and report every metric with 95% confidence intervals.
///
/// Prints a table per call type and in total, with Erlang C / A or M/M/c/K values beside the
/// simulation when theory covers the scenario, per agent group, and per planning interval (with
/// the stationary Erlang service level of each interval alone, and the share of days meeting
/// the target); writes summary.csv, groups.csv, intervals.csv, replications.csv and the
/// intraday chart (intraday.svg/.png; daily_service_level.svg/.png too when busyness or
/// absenteeism is on), all together: replaced together or not at all. With --json, files are
/// written only when --out is given. Warnings go to stderr.
///
/// --report also writes report.html (one self-contained page: the answer in words, the
/// tables with intervals, theory beside simulation, the intraday chart, the risk) and its
/// manifest report.json (for `callsim report DIR`).
///
/// --queue-log FILE also writes every simulated day as Asterisk would have logged it
/// (ENTERQUEUE, CONNECT, COMPLETECALLER, ABANDON, EXITWITHTIMEOUT, FULL, ADDMEMBER,
/// REMOVEMEMBER), day r of the replications on the r-th day after --queue-log-date.
///
/// Examples:
///   callsim run scenarios/erlang_c_textbook.toml --replications 20 --json
///   callsim run scenarios/day_inbound.toml --report
///   callsim run scenarios/day_inbound.toml -r 5 --queue-log output/queue_log --queue-log-date 2026-11-23
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct RunArgs {
    /// Scenario file (TOML); see scenarios/ for commented examples.
    scenario: PathBuf,
    /// Number of independent replications, 1 to 100000 (overrides the file's `replications`).
    #[arg(long, short = 'r', value_parser = super::replications_arg)]
    replications: Option<u32>,
    /// Base random seed (overrides the file's `seed`); the same seed gives identical output.
    #[arg(long, short = 's')]
    seed: Option<u64>,
    /// Print exactly one JSON object on stdout instead of the table.
    #[arg(long)]
    json: bool,
    /// Directory for the CSV files and charts [default: output/<scenario file stem>/, or none with --json
    /// unless --report].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads, 1 to 256 [default: all cores]; results do not depend on it.
    #[arg(long, value_parser = super::threads_arg)]
    threads: Option<usize>,
    /// Also write report.html, one page to pass around (open it in any browser, print it to PDF).
    #[arg(long)]
    report: bool,
    /// Also write the simulated days as an Asterisk queue_log to this file (replication r on the r-th day
    /// after --queue-log-date), for the queue report tools that read real ones, or for `callsim fit`.
    #[arg(long, value_name = "FILE")]
    queue_log: Option<PathBuf>,
    /// The first simulated day's date in the queue_log (YYYY-MM-DD; opening at the scenario's opens_at, UTC).
    #[arg(long, value_name = "DATE", default_value = "2026-01-05", value_parser = date_arg)]
    queue_log_date: jiff::civil::Date,
    /// Write the queue_log's times and durations as exact fractional seconds instead of Asterisk's whole
    /// seconds (a replay of such a log reproduces the simulation exactly; queue report tools may want whole).
    #[arg(long, requires = "queue_log")]
    queue_log_exact: bool,
}

/// Parses a `YYYY-MM-DD` date.
pub fn date_arg(text: &str) -> Result<jiff::civil::Date, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "expected a date such as 2026-11-23 (YYYY-MM-DD), got \"{}\"",
            text.trim()
        )
    })
}

/// Simulates the scenario, writes summary.csv and groups.csv, and prints the table or JSON to `out`.
///
/// The output folder is created and checked before simulating. The report is printed even when the files then
/// cannot be written (the results cost time to compute); the command still fails, naming the file.
pub fn execute(args: RunArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut scenario = Scenario::from_path(&args.scenario)?;
    if let Some(replications) = args.replications {
        scenario.replications = replications;
    }
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    let staging = match (&args.out, args.json) {
        (None, true) if !args.report => None,
        (dir, _) => {
            let dir = dir
                .clone()
                .unwrap_or_else(|| super::default_out_dir(&args.scenario, ""));
            Some(Staging::new(&dir, FileSet::RUN)?)
        }
    };
    if args.queue_log.is_some() {
        callsim::logs::check_supported(&scenario).map_err(|m| callsim::Error::input("--queue-log", m))?;
        if !scenario.campaigns.is_empty() {
            eprintln!(
                "warning: --queue-log: outbound dials are not written (a queue_log holds queue calls), so agents on \
                 outbound work look idle in it"
            );
        }
    }
    let pool = super::thread_pool(args.threads)?;
    let bar = super::progress::bar(scenario.replications as u64, "replications");
    let (summary, day) = pool.install(|| run_day(&scenario, &|| bar.inc(1)));
    bar.finish_and_clear();
    let theory = theory_for(&scenario);
    let warnings = scenario.warnings();

    let results = RunResults {
        scenario: &scenario,
        summary: &summary,
        day: &day,
        theory: theory.as_ref(),
        warnings: &warnings,
    };
    let about = args.report.then(|| {
        super::report::about(
            &args.scenario,
            &scenario.name,
            Some(scenario.seed),
            Some(scenario.replications),
        )
    });
    let written = staging.map(|staging| write_files(staging, &results, about)).transpose();

    for warning in &warnings {
        super::warn(warning);
    }
    if args.json {
        let mut json = report::json::summary_json(&summary, theory.as_ref(), &warnings);
        report::json::add_day_json(&mut json, &summary, &day);
        writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
    } else {
        write!(out, "{}", report::table::summary_table(&summary, theory.as_ref(), &[]))?;
        writeln!(out)?;
        write!(
            out,
            "{}",
            report::table::interval_table(&summary, &day, scenario.service_level_target, scenario.answer_within)
        )?;
    }
    let mut files = written?.unwrap_or_default();
    if let Some(path) = &args.queue_log {
        let bar = super::progress::bar(scenario.replications as u64, "queue_log days");
        callsim::report::output::write_atomically(path, |w| {
            callsim::logs::write_queue_log(&scenario, args.queue_log_date, args.queue_log_exact, w, &|| bar.inc(1))
        })?;
        bar.finish_and_clear();
        files.push(path.clone());
    }
    if !args.json {
        writeln!(out)?;
        for file in files {
            writeln!(out, "wrote {}", file.display())?;
        }
    }
    Ok(())
}

/// Writes summary.csv, groups.csv, intervals.csv, replications.csv, the charts and (with `about`) the report into
/// the staging folder and publishes them together.
fn write_files(staging: Staging, results: &RunResults, about: Option<About>) -> callsim::Result<Vec<PathBuf>> {
    let RunResults {
        scenario, summary, day, ..
    } = *results;
    report::write_rows(&staging.path("summary.csv"), &report::summary_rows(summary))?;
    report::write_rows(&staging.path("groups.csv"), &report::group_rows(summary))?;
    report::write_rows(&staging.path("intervals.csv"), &report::interval_rows(summary, day))?;
    report::write_rows(
        &staging.path("replications.csv"),
        &report::replication_rows(summary, day),
    )?;
    callsim::plot::panel_chart(
        &report::intraday::intraday_panels(scenario, day),
        &staging.path("intraday"),
    )?;
    if report::intraday::days_vary(scenario) {
        callsim::plot::histogram_chart(
            &report::intraday::daily_service_level_histogram(scenario, day),
            &staging.path("daily_service_level"),
        )?;
    }
    if let Some(about) = about {
        let page = html::run::page(about, results, &html::svg_files(staging.dir()));
        html::write(&page, staging.dir())?;
    }
    staging.publish()
}
