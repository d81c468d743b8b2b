//! `callsim schedule`: shifts that cover the day's requirement at least paid hours or cost.

use std::io::Write;
use std::path::PathBuf;

use anyhow::ensure;
use callsim::report::output::{self, FileSet, Staging};
use callsim::scenario::Scenario;
use callsim::schedule::{self, Objective, Request, report, templates};

use super::duration_arg;

/// Choose how many agents work each shift template, from which start and with their
/// breaks where, so that every interval's requirement is covered at least paid hours
/// or cost: an integer program, solved exactly (good_lp with the pure-Rust microlp).
///
/// The requirement is the `required` column of a staffing.csv (`callsim staff`) or,
/// without --requirement, the scenario group's own agents on duty per interval.
/// Coverage is time-weighted: an agent on duty for half an interval counts as half.
/// Breaks start every 15 minutes inside their window. When a template's `max` makes
/// the requirement impossible, the roster covers what it can and the unmet intervals
/// are reported (not an error).
///
/// Writes roster.csv, roster.toml (the scenario's `shifts` key, ready to paste),
/// coverage.csv and coverage.svg/png. With --json, files only when --out is given.
///
/// Example:
///   callsim schedule scenarios/day_shifts.toml --shifts scenarios/shift_templates.toml
///   callsim schedule scenarios/day_shifts.toml --shifts scenarios/shift_templates.toml \
///       --requirement output/day_shifts/staffing.csv --objective cost --json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ScheduleArgs {
    /// Scenario file (TOML): its day (intervals, opening time) and, without --requirement, its group's staffing.
    scenario: PathBuf,
    /// Shift templates (TOML, `[[templates]]`); see scenarios/shift_templates.toml.
    #[arg(long)]
    shifts: PathBuf,
    /// Requirement per interval: a staffing.csv with columns interval_start, group, required.
    #[arg(long)]
    requirement: Option<PathBuf>,
    /// The group to schedule when the scenario (or the staffing file) has several.
    #[arg(long)]
    group: Option<String>,
    /// What to minimise: paid-hours (unpaid breaks excluded) or cost (cost_per_hour x paid hours).
    #[arg(long, value_enum, default_value = "paid-hours")]
    objective: ObjectiveArg,
    /// Longest the solver may search, e.g. 10s or 2m; then it reports its best roster and the gap to optimal.
    #[arg(long, default_value = "10s", value_parser = duration_arg)]
    time_limit: f64,
    /// Print exactly one JSON object on stdout instead of the tables.
    #[arg(long)]
    json: bool,
    /// Directory for the files [default: output/<scenario file stem>/, or none with --json].
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ObjectiveArg {
    PaidHours,
    Cost,
}

/// Solves the schedule, writes the files and prints the tables or JSON to `out`.
pub fn execute(args: ScheduleArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    ensure!(args.time_limit > 0.0, "--time-limit: must be longer than 0s");
    let scenario = Scenario::describe_path(&args.scenario)?;
    let intervals = &scenario.day.intervals;
    let requirement = match &args.requirement {
        Some(path) => schedule::read_requirement(path, args.group.as_deref(), intervals)?,
        None => {
            let group = schedule::pick_group(&scenario, args.group.as_deref())?;
            schedule::scenario_requirement(&scenario, group)
        }
    };
    let label = args.shifts.display().to_string();
    let text = std::fs::read_to_string(&args.shifts).map_err(|e| callsim::Error::io(&args.shifts, e))?;
    let parsed = templates::parse_templates(&text, &label, intervals)?;
    let columns = templates::columns(&label, &parsed, intervals)?;
    let staging = match (&args.out, args.json) {
        (None, true) => None,
        (dir, _) => {
            let dir = dir
                .clone()
                .unwrap_or_else(|| super::default_out_dir(&args.scenario, ""));
            Some(Staging::new(&dir, FileSet::SCHEDULE)?)
        }
    };
    let request = Request {
        requirement,
        objective: match args.objective {
            ObjectiveArg::PaidHours => Objective::PaidHours,
            ObjectiveArg::Cost => Objective::Cost,
        },
        time_limit: args.time_limit,
    };
    let solved = schedule::schedule(parsed, &columns, intervals, &request)?;
    let written = staging
        .map(|staging| -> callsim::Result<Vec<PathBuf>> {
            callsim::report::write_rows(&staging.path("roster.csv"), &report::roster_rows(&solved, intervals))?;
            callsim::report::write_rows(
                &staging.path("coverage.csv"),
                &report::coverage_rows(&solved, intervals),
            )?;
            let toml = report::roster_toml(&solved, intervals);
            output::write_atomically(&staging.path("roster.toml"), |w| w.write_all(toml.as_bytes()))?;
            callsim::plot::line_chart(&report::coverage_chart(&solved, intervals), &staging.path("coverage"))?;
            staging.publish()
        })
        .transpose();
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report::json(&solved, intervals))?
        )?;
    } else {
        write!(out, "{}", report::table(&solved, intervals))?;
    }
    let files = written?.unwrap_or_default();
    if !args.json {
        writeln!(out)?;
        for file in files {
            writeln!(out, "wrote {}", file.display())?;
        }
    }
    Ok(())
}
