//! `callsim report DIR`, and what every command's `--report` needs from the binary side: the exact command line,
//! the date and the scenario text.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use callsim::report::html::{self, About};
use callsim::report::output::{FileSet, Staging};

/// Render report.html again from a folder an earlier command wrote with --report.
///
/// run, sweep, compare, staff and schedule with --report write report.html and its manifest
/// report.json (the page's content: the command line, scenario text, seed, replications,
/// version, date and the results as the page shows them) beside their CSV files and charts.
/// This command reads report.json and the folder's SVG charts and writes report.html again,
/// e.g. after the page was deleted or to render it with a newer callsim. A folder without
/// report.json is refused: rerun the command with --report.
///
/// Example:
///   callsim run scenarios/day_inbound.toml --report --out output/day
///   callsim report output/day
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ReportArgs {
    /// A folder written by run, sweep, compare, staff or schedule with --report.
    dir: PathBuf,
}

/// Renders the page from the folder's manifest and charts and publishes report.html.
pub fn execute(args: ReportArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let page = html::read_manifest(&args.dir)?;
    let text = html::render(&page, &args.dir)?;
    let staging = Staging::new(&args.dir, FileSet::REPORT)?;
    callsim::report::output::write_atomically(&staging.path(html::PAGE), |f| f.write_all(text.as_bytes()))?;
    for file in staging.publish()? {
        writeln!(out, "wrote {}", file.display())?;
    }
    Ok(())
}

/// What a report says about its run: the command line as typed (program name `callsim`), the date (UTC; from
/// `SOURCE_DATE_EPOCH` when set, for reproducible pages), the version and the scenario file's text.
pub fn about(scenario_file: &Path, scenario: &str, seed: Option<u64>, replications: Option<u32>) -> About {
    let args: Vec<String> = std::iter::once("callsim".to_string())
        .chain(std::env::args().skip(1))
        .collect();
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map_or_else(SystemTime::now, |s| SystemTime::UNIX_EPOCH + Duration::from_secs(s));
    About {
        command: shell_words::join(args),
        date: humantime::format_rfc3339_seconds(now).to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: scenario.to_string(),
        scenario_file: scenario_file.display().to_string(),
        scenario_text: std::fs::read_to_string(scenario_file).unwrap_or_default(),
        seed,
        replications,
        facts: Vec::new(),
    }
}
