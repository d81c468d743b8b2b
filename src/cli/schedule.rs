//! `callsim schedule`: shifts that cover the day's requirement at least paid hours or cost.

use std::io::Write;
use std::path::PathBuf;

use anyhow::ensure;
use callsim::report::html;
use callsim::report::output::{self, FileSet, Staging};
use callsim::scenario::Scenario;
use callsim::schedule::simulate::{self, LoopRequest, Round};
use callsim::schedule::{self, Objective, Request, Schedule, loop_report, report, templates};

use super::duration_arg;
use super::targets::TargetArgs;

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
/// coverage.csv and coverage.svg/png. With --json, files only when --out (or --report) is
/// given. --report adds report.html: the roster, coverage against the requirement and, with
/// --simulate, the simulated day, on one page.
///
/// --simulate closes the loop: the scenario is simulated with the group's roster replaced
/// by exactly the shifts of roster.toml (other groups, absenteeism and the day unchanged;
/// -r days, --seed), and each interval is reported: service level with its 95% interval,
/// abandonment, and the share of days meeting every target there. An interval is met when
/// that share is at least --confidence (the rule of `callsim staff --method simulation`;
/// targets from --target-sl/--answer-within/--target-asa/--max-abandon/--max-occupancy,
/// else the scenario's [service_level]). Also writes roster_simulated.csv and
/// roster_simulated.svg/png; --json adds the key `simulation`.
///
/// --until-met (implies --simulate) repeats: each missed interval's requirement becomes its
/// coverage plus one agent, the schedule is solved again and simulated on the same days
/// (same seeds), until every interval is met or --max-rounds rounds have run. It prints a
/// table of rounds (--json: `rounds`) and writes the last round's roster.
///
/// Examples:
///   callsim schedule scenarios/day_shifts.toml --shifts scenarios/shift_templates.toml
///   callsim schedule scenarios/day_shifts.toml --shifts scenarios/shift_templates.toml \
///       --requirement output/day_shifts/staffing.csv --objective cost --json
///   callsim schedule scenarios/day_shifts.toml --shifts scenarios/shift_templates.toml \
///       --requirement output/day_shifts/staffing.csv --simulate -r 200 --confidence 0.8
///   callsim schedule scenarios/day_shifts.toml --shifts scenarios/shift_templates.toml \
///       --requirement output/day_shifts/staffing.csv --until-met --max-rounds 8
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
    /// Simulate the chosen roster over the day and report per interval and per day.
    #[arg(long)]
    simulate: bool,
    /// Raise the requirement where the simulated roster misses, solve and simulate again (implies --simulate).
    #[arg(long)]
    until_met: bool,
    /// With --until-met: the most rounds, each one solve and one simulation, at least 1.
    #[arg(long, default_value_t = 5, requires = "until_met")]
    max_rounds: u32,
    #[command(flatten)]
    targets: TargetArgs,
    /// Simulation: days to simulate, 1 to 100000 [default: the scenario's replications].
    #[arg(long, short = 'r', value_parser = super::replications_arg)]
    replications: Option<u32>,
    /// Simulation: base random seed [default: the scenario's seed]; the same seed gives identical output.
    #[arg(long, short = 's')]
    seed: Option<u64>,
    /// Simulation: worker threads, 1 to 256 [default: all cores]; results do not depend on it.
    #[arg(long, value_parser = super::threads_arg)]
    threads: Option<usize>,
    /// Also write report.html, one page to pass around (open it in any browser, print it to PDF).
    #[arg(long)]
    report: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ObjectiveArg {
    PaidHours,
    Cost,
}

/// The closed loop's settings from the flags: `None` without --simulate or --until-met (then the simulation-only
/// flags are refused, naming the first given).
fn loop_request(args: &ScheduleArgs, scenario: &Scenario) -> anyhow::Result<Option<LoopRequest>> {
    if !args.simulate && !args.until_met {
        let t = &args.targets;
        let given = [
            ("--target-sl", t.target_sl.is_some()),
            ("--answer-within", t.answer_within.is_some()),
            ("--max-abandon", t.max_abandon.is_some()),
            ("--target-asa", t.target_asa.is_some()),
            ("--max-occupancy", t.max_occupancy.is_some()),
            ("--confidence", t.confidence != 0.5),
            ("--replications", args.replications.is_some()),
            ("--seed", args.seed.is_some()),
            ("--threads", args.threads.is_some()),
        ];
        if let Some((flag, _)) = given.iter().find(|g| g.1) {
            anyhow::bail!("{flag}: only with --simulate or --until-met (it sets how the roster is simulated)");
        }
        return Ok(None);
    }
    ensure!(
        args.max_rounds >= 1,
        "--max-rounds: must be at least 1 (the first round is the plain schedule), got {}",
        args.max_rounds
    );
    let targets = args.targets.targets(scenario)?;
    let confidence = args.targets.confidence()?;
    Ok(Some(LoopRequest {
        group: schedule::pick_group(scenario, args.group.as_deref())?,
        targets,
        confidence,
        max_rounds: if args.until_met { args.max_rounds } else { 1 },
    }))
}

/// Solves the schedule (and with --simulate or --until-met simulates it, round after round), writes the files and
/// prints the tables or JSON to `out`.
pub fn execute(args: ScheduleArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    ensure!(args.time_limit > 0.0, "--time-limit: must be longer than 0s");
    let mut scenario = if args.simulate || args.until_met {
        Scenario::from_path(&args.scenario)?
    } else {
        Scenario::describe_path(&args.scenario)?
    };
    let ask = loop_request(&args, &scenario)?;
    if let Some(r) = args.replications {
        scenario.replications = r;
    }
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
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
        (None, true) if !args.report => None,
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
    let rounds: Vec<Round> = match &ask {
        None => Vec::new(),
        Some(ask) => {
            let pool = super::thread_pool(args.threads)?;
            let bar = super::progress::bar(
                u64::from(scenario.replications) * u64::from(ask.max_rounds),
                "simulated days",
            );
            let rounds =
                pool.install(|| simulate::close_loop(&scenario, &parsed, &columns, &request, ask, &|| bar.inc(1)))?;
            bar.finish_and_clear();
            rounds
        }
    };
    let solved: Schedule = match rounds.last() {
        Some(last) => last.schedule.clone(),
        None => schedule::schedule(parsed, &columns, intervals, &request)?,
    };
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
            if let Some(last) = rounds.last() {
                callsim::report::write_rows(
                    &staging.path("roster_simulated.csv"),
                    &loop_report::rows(&last.simulation),
                )?;
                callsim::plot::panel_chart(&loop_report::chart(last, intervals), &staging.path("roster_simulated"))?;
            }
            if args.report {
                let simulated = !rounds.is_empty();
                let mut about = super::report::about(
                    &args.scenario,
                    &scenario.name,
                    simulated.then_some(scenario.seed),
                    simulated.then_some(scenario.replications),
                );
                about
                    .facts
                    .push(("shift templates".into(), args.shifts.display().to_string()));
                if let Some(requirement) = &args.requirement {
                    about
                        .facts
                        .push(("requirement".into(), requirement.display().to_string()));
                }
                let objective = match request.objective {
                    Objective::PaidHours => "paid hours",
                    Objective::Cost => "cost",
                };
                about.facts.push(("objective".into(), objective.to_string()));
                let mut page =
                    html::schedule::page(about, &solved, intervals, &rounds, &html::svg_files(staging.dir()));
                if simulated {
                    page.warnings = scenario.warnings().iter().map(ToString::to_string).collect();
                }
                html::write(&page, staging.dir())?;
            }
            staging.publish()
        })
        .transpose();
    if args.json {
        let mut value = report::json(&solved, intervals);
        if let Some(last) = rounds.last() {
            value["simulation"] = loop_report::simulation_json(&last.simulation);
        }
        if args.until_met {
            value["rounds"] = loop_report::rounds_json(&rounds);
            value["until_met"] = serde_json::json!({
                "max_rounds": args.max_rounds,
                "all_met": rounds.last().is_some_and(|r| r.simulation.missed().is_empty()),
            });
        }
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
    } else {
        if args.until_met {
            writeln!(out, "{}", loop_report::rounds_table(&rounds, args.max_rounds))?;
        }
        write!(out, "{}", report::table(&solved, intervals))?;
        if let Some(last) = rounds.last() {
            writeln!(out)?;
            write!(out, "{}", loop_report::table(&last.simulation))?;
        }
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
