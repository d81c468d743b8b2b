//! `callsim staff`: the agents each group needs in each planning interval of a scenario's day.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{anyhow, ensure};
use callsim::report::html;
use callsim::report::output::{self, FileSet, Staging};
use callsim::report::{self, table::layout};
use callsim::scenario::Scenario;
use callsim::staffing::{self, Method, StaffPlan, rows::StaffRow};
use serde_json::json;

use super::targets::TargetArgs;

/// Agents needed per group and planning interval to meet the service targets.
///
/// --method erlang (default) takes each interval alone: Erlang C, or Erlang A when every
/// call type has patience (the calls-weighted mean patience); the same solver as
/// `callsim erlang`. --method simulation staffs the intervals in order by simulating the
/// day (-r days per candidate, the same seeds for every candidate), holding earlier
/// intervals fixed, from the Erlang answer minus one upwards, so the queue one interval
/// hands to the next is paid for where it arises. An interval is met when the share of
/// simulated days in which its calls meet every target is at least --confidence (0.5: the
/// median day meets them).
///
/// Several groups: the interval's pooled requirement is split in proportion to the load each
/// group serves (a call type's load shared equally by the groups having that skill); the
/// simulation adds each extra agent to the group with the most load per agent.
///
/// Targets default to the scenario's [service_level] (target, answer_within) when no target
/// flag is given. Writes staffing.csv, staffing_counts.toml (the count lists to paste) and
/// staffing.svg/.png (forecast and required agents by method); with --json, files are
/// written only when --out (or --report) is given. --report adds report.html, one page with
/// the answer in words, the chart, the table and the count lists.
///
/// Examples:
///   callsim staff scenarios/day_inbound.toml
///   callsim staff scenarios/day_inbound.toml --target-sl 0.9 --answer-within 30s --shrinkage 0.3
///   callsim staff scenarios/day_inbound.toml --method simulation -r 50 --confidence 0.8
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct StaffArgs {
    /// Scenario file (TOML) with the day's forecast.
    scenario: PathBuf,
    /// erlang: each interval alone (instant); simulation: intervals in order by simulation.
    #[arg(long, value_enum, default_value = "erlang")]
    method: MethodArg,
    #[command(flatten)]
    targets: TargetArgs,
    /// Share of paid time off the phones, from 0 to below 1; scheduled = ceil(required / (1 - s)) [default: 0].
    #[arg(long, allow_negative_numbers = true)]
    shrinkage: Option<f64>,
    /// Print one JSON object (method, targets, intervals) instead of the table.
    #[arg(long)]
    json: bool,
    /// Directory for the files [default: output/<scenario file stem>/, or none with --json].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Simulation: days simulated per candidate staffing, 1 to 100000 [default: the scenario's replications].
    #[arg(long, short = 'r', value_parser = super::replications_arg)]
    replications: Option<u32>,
    /// Worker threads, 1 to 256 [default: all cores]; results do not depend on it.
    #[arg(long, value_parser = super::threads_arg)]
    threads: Option<usize>,
    /// Also write report.html, one page to pass around (open it in any browser, print it to PDF).
    #[arg(long)]
    report: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum MethodArg {
    Erlang,
    Simulation,
}

/// Computes the staffing, writes the files and prints the table or JSON to `out`.
pub fn execute(args: StaffArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut scenario = Scenario::from_path(&args.scenario)?;
    let targets = args.targets.targets(&scenario)?;
    let shrinkage = args.shrinkage.unwrap_or(0.0);
    ensure!(
        shrinkage.is_finite() && (0.0..1.0).contains(&shrinkage),
        "--shrinkage: must be a share from 0 to below 1, got {shrinkage}"
    );
    let confidence = args.targets.confidence()?;
    if let Some(r) = args.replications {
        scenario.replications = r;
    }
    let staging = match (&args.out, args.json) {
        (None, true) if !args.report => None,
        (dir, _) => {
            let dir = dir
                .clone()
                .unwrap_or_else(|| super::default_out_dir(&args.scenario, ""));
            Some(Staging::new(&dir, FileSet::STAFF)?)
        }
    };
    let erlang = staffing::erlang::plan(&scenario, &targets).map_err(|at| {
        anyhow!(
            "--target-sl/--target-asa/--max-occupancy/--max-abandon: the targets cannot be met in the interval at \
             {at} with up to {} agents, the most supported",
            callsim::erlang::MAX_AGENTS
        )
    })?;
    if !scenario.campaigns.is_empty() && matches!(args.method, MethodArg::Erlang) {
        eprintln!(
            "warning: the Erlang method counts inbound work only; the outbound campaigns' agents (blending above \
             keep_idle) are not counted: use --method simulation, which simulates them"
        );
    }
    let simulated = match args.method {
        MethodArg::Erlang => None,
        MethodArg::Simulation => {
            let pool = super::thread_pool(args.threads)?;
            let bar = super::progress::bar(scenario.day.intervals.len() as u64, "intervals");
            let done = std::sync::Mutex::new(usize::MAX);
            let plan = pool.install(|| {
                staffing::simulation::plan(&scenario, &targets, confidence, scenario.replications, &erlang, &|i| {
                    let mut last = done.lock().unwrap_or_else(|p| p.into_inner());
                    if *last != i {
                        *last = i;
                        bar.set_position(i as u64 + 1);
                    }
                })
            });
            bar.finish_and_clear();
            Some(plan)
        }
    };
    let plan: &StaffPlan = simulated.as_ref().unwrap_or(&erlang);
    let rows = staffing::rows::rows(&scenario, plan, shrinkage);
    let counts = staffing::rows::counts_toml(&scenario, plan);
    let mut charted = vec![&erlang];
    charted.extend(simulated.as_ref());
    let written = staging
        .map(|staging| -> callsim::Result<Vec<PathBuf>> {
            report::write_rows(&staging.path("staffing.csv"), &rows)?;
            output::write_atomically(&staging.path("staffing_counts.toml"), |f| {
                f.write_all(counts.as_bytes())
            })?;
            let chart = staffing::rows::chart(&scenario, &charted);
            callsim::plot::panel_chart(&chart, &staging.path("staffing"))?;
            if args.report {
                let simulated = plan.method == Method::Simulation;
                let mut about = super::report::about(
                    &args.scenario,
                    &scenario.name,
                    simulated.then_some(scenario.seed),
                    simulated.then_some(scenario.replications),
                );
                about.facts.push(("method".into(), plan.method.name().to_string()));
                about
                    .facts
                    .push(("shrinkage".into(), format!("{:.0}%", shrinkage * 100.0)));
                if simulated {
                    about
                        .facts
                        .push(("confidence".into(), format!("{:.0}%", confidence * 100.0)));
                }
                let data = html::staff::StaffResults {
                    method: plan.method.name(),
                    targets: &targets,
                    shrinkage,
                    interval_s: scenario.day.intervals.length(),
                    rows: &rows,
                    counts: &counts,
                    chart: &chart,
                };
                let mut page = html::staff::page(about, &data, &html::svg_files(staging.dir()));
                page.warnings = scenario.warnings().iter().map(ToString::to_string).collect();
                html::write(&page, staging.dir())?;
            }
            staging.publish()
        })
        .transpose();
    if args.json {
        let value = json!({
            "scenario": scenario.name,
            "method": plan.method.name(),
            "targets": {
                "service_level": targets.service_level.map(|(s, _)| s),
                "answer_within_s": targets.service_level.map(|(_, t)| t),
                "asa_s": targets.asa,
                "max_abandon": targets.max_abandon,
                "max_occupancy": targets.max_occupancy,
            },
            "shrinkage": shrinkage,
            "confidence": (plan.method == Method::Simulation).then_some(confidence),
            "replications": (plan.method == Method::Simulation).then_some(scenario.replications),
            "intervals": rows,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
    } else {
        print_table(&scenario, plan, &rows, &counts, out)?;
    }
    if let Some(files) = written?
        && !args.json
    {
        writeln!(
            out,
            "wrote {}",
            files
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    Ok(())
}

fn print_table(
    scenario: &Scenario,
    plan: &StaffPlan,
    rows: &[StaffRow],
    counts: &str,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    writeln!(out, "{}: staffing by the {} method", scenario.name, plan.method.name())?;
    let table = staffing::rows::table_cells(rows);
    write!(out, "{}", layout(&table))?;
    writeln!(out, "\ncount lists to paste into the scenario:\n{counts}")?;
    Ok(())
}
