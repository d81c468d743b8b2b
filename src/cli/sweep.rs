//! `callsim sweep` and `callsim compare`: many variants of one scenario, in parallel, with common random numbers.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use callsim::report::html;
use callsim::report::output::{FileSet, Staging};
use callsim::report::table::layout;
use callsim::report::write_rows;
use callsim::report::{format_estimate, format_estimate_of};
use callsim::shard::{Command, Plan, Presentation};
use callsim::stats::Metric;
use callsim::sweep::{
    ChartChoice, Grid, PointResult, SIGNIFICANCE_LEVEL, compare_points, compare_rows, sweep_charts, sweep_rows,
    variant_name,
};

/// Sweep staffing and policy parameters: every combination of the --vary values, in parallel.
///
/// PATH addresses any scenario field, arrays by element name:
///   agent_groups.agents.count, routing.queue, call_types.vip.priority,
///   call_types.general.arrivals.per_hour, call_types.general.service.mean
/// VALUES is a list (fifo,priority or 3m,4m) or an inclusive range (10:20, 10:20:2, 2m:4m:30s).
/// Replication r sees the same callers at every point (common random numbers).
///
/// Writes sweep.csv (one row per point and call type, plus total) and charts (SVG and PNG),
/// replacing the folder's earlier sweep files together. Warnings (e.g. overloaded points) go
/// to stderr, one line per kind with the points it affects.
///
/// Beyond one machine: --shard K/N runs only shard K (from 0) of N and writes it to
/// DIR/shards/; `callsim merge DIR` then writes exactly the files of one run. --emit slurm or
/// --emit k8s writes the job array or Indexed Job that does both (see `callsim merge --help`).
///
/// Example:
///   callsim sweep scenarios/vip_priority.toml \
///     --vary agent_groups.operators.count=12:22 --vary routing.queue=fifo,priority
///   callsim sweep scenarios/vip_priority.toml --vary agent_groups.operators.count=12:22 \
///     --out runs/vip --emit slurm --shards 8 --time-limit 30m --memory 2G
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct SweepArgs {
    #[command(flatten)]
    variants: VariantArgs,
    /// Metric for the per-call-type chart, e.g. asa_s, wait_p90_s, occupancy.
    #[arg(long, default_value = "service_level")]
    metric: String,
    /// The swept path drawn along x [default: the staffing axis (.count), else the first --vary].
    #[arg(long, value_name = "PATH")]
    x: Option<String>,
    /// Skip the charts (CSV only).
    #[arg(long)]
    no_plots: bool,
}

/// Compare policies on the same callers: paired differences against the first variant.
///
/// Every variant runs the same replications with the same random streams, so a difference
/// reflects the policy, not luck. Each difference has a 95% interval and a paired t test.
/// A "*" marks a significant difference: Holm-adjusted p < 0.05, the adjustment taken over every
/// metric and call type (and total) of that variant's comparison with the baseline, so the
/// chance of any false mark per variant is at most about 5%.
/// Writes compare.csv (every metric: the variants' own values and intervals, the difference,
/// p-values) and compare.svg/.png (the paired differences of service level, ASA, abandonment
/// and p90 wait per call type, as the table tests them); with --json, only when --out is given.
///
/// --shard K/N, `callsim merge` and --emit slurm|k8s work as for `sweep`.
///
/// Example:
///   callsim compare scenarios/vip_priority.toml --vary routing.queue=fifo,priority,priority-aging
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct CompareArgs {
    #[command(flatten)]
    variants: VariantArgs,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
    /// Skip the chart.
    #[arg(long)]
    no_plots: bool,
}

/// What to vary and how to run it, shared by `sweep` and `compare`.
#[derive(Debug, clap::Args)]
struct VariantArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// An axis PATH=VALUES, e.g. agent_groups.agents.count=10:20 or routing.queue=fifo,priority
    /// (repeatable; the grid is every combination; compare's baseline is the first)
    /// [default: the scenario's [sweep] vary list].
    #[arg(long = "vary", value_name = "PATH=VALUES")]
    vary: Vec<String>,
    /// Replications per point, 1 to 100000 (overrides the file).
    #[arg(long, short = 'r', value_parser = super::replications_arg)]
    replications: Option<u32>,
    /// Base random seed (overrides the file's `seed`).
    #[arg(long, short = 's')]
    seed: Option<u64>,
    /// Output directory [default: output/<scenario file stem>-sweep/ or -compare/; none for
    /// compare --json].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads, 1 to 256 [default: all cores]; results do not depend on it.
    #[arg(long, value_parser = super::threads_arg)]
    threads: Option<usize>,
    /// Run only shard K (from 0) of N: a contiguous share of the (point, replication) jobs,
    /// written to OUT/shards/ for `callsim merge OUT`. Shards run in any order, anywhere.
    /// (With --emit, only its N counts, as --shards N.)
    #[arg(long, value_name = "K/N")]
    shard: Option<callsim::shard::ShardId>,
    /// Also write report.html, one page to pass around (open it in any browser, print it to PDF).
    #[arg(long)]
    report: bool,
    #[command(flatten)]
    cluster: super::cluster::EmitArgs,
}

impl VariantArgs {
    /// The plan: the scenario file's text, the axes, the overrides and the output options.
    fn plan(&self, command: Command, presentation: Presentation) -> anyhow::Result<Plan> {
        let mut plan = Plan::from_file(command, &self.scenario)?;
        plan.vary = self.vary.clone();
        plan.replications = self.replications;
        plan.seed = self.seed;
        plan.presentation = presentation;
        Ok(plan)
    }

    /// The output directory: --out, or the default for the scenario file.
    fn out_dir(&self, command: Command) -> PathBuf {
        self.out
            .clone()
            .unwrap_or_else(|| super::default_out_dir(&self.scenario, &format!("-{}", command.name())))
    }

    /// The command's arguments as a shard task runs them (without --shard): for --emit.
    fn task_args(&self, plan: &Plan, threads: u32) -> Vec<String> {
        let mut args = plan_args(plan);
        args.extend(["--out".to_string(), self.out_dir(plan.command).display().to_string()]);
        args.extend(["--threads".to_string(), threads.to_string()]);
        args
    }

    /// Runs the plan here, as one shard, or writes its submission files (--emit). `report` writes and prints the
    /// results of a whole run (`None`: only a shard was run, or files were emitted).
    fn execute(&self, plan: &Plan, grid: &Grid, out: &mut dyn Write) -> anyhow::Result<Option<Vec<PointResult>>> {
        let dir = self.out_dir(plan.command);
        if let Some(target) = self.cluster.emit {
            let threads = self.cluster.cpus_per_shard;
            let args = self.task_args(plan, threads);
            super::cluster::emit(target, &self.cluster, self.shard, grid, &dir, args, out)?;
            return Ok(None);
        }
        if let Some(shard) = self.shard {
            let pool = super::thread_pool(self.threads)?;
            let jobs = callsim::shard::job_range(grid.job_count(), shard).len();
            let bar = super::progress::bar(jobs as u64, "simulating");
            let run = pool.install(|| callsim::shard::run_shard(plan, grid, shard, &dir, &|| bar.inc(1)))?;
            bar.finish_and_clear();
            if run.jobs.is_empty() {
                writeln!(
                    out,
                    "shard {shard}: no jobs (the grid has only {} jobs)",
                    run.total_jobs
                )?;
            } else {
                writeln!(
                    out,
                    "shard {shard}: jobs {}-{} of {} (points {}-{} of {}; jobs and points counted from 0)",
                    run.jobs.start,
                    run.jobs.end - 1,
                    run.total_jobs,
                    run.points.start,
                    run.points.end - 1,
                    grid.points.len(),
                )?;
            }
            writeln!(out, "wrote {}", run.path.display())?;
            writeln!(
                out,
                "once all {} shards are in {}, run: callsim merge {}",
                shard.count,
                dir.join(callsim::shard::SHARDS_FOLDER).display(),
                dir.display()
            )?;
            return Ok(None);
        }
        Ok(Some(run_grid(grid, self.threads)?))
    }
}

/// Prints the warnings of a sweep's points on stderr, one line per kind.
fn warn_results(grid: &Grid, results: &[PointResult]) {
    let axes: Vec<&str> = grid
        .axes
        .iter()
        .map(|a| a.path.rsplit('.').next().unwrap_or(&a.path))
        .collect();
    super::warn_points(results.iter().map(|r| {
        let label = axes
            .iter()
            .zip(&r.labels)
            .map(|(a, v)| format!("{a}={v}"))
            .collect::<Vec<_>>()
            .join(", ");
        (label, r.warnings.as_slice())
    }));
}

fn run_grid(grid: &Grid, threads: Option<usize>) -> anyhow::Result<Vec<PointResult>> {
    let pool = super::thread_pool(threads)?;
    let bar = super::progress::bar(grid.job_count() as u64, "simulating");
    let results = pool.install(|| grid.run(&|| bar.inc(1)));
    bar.finish_and_clear();
    Ok(results)
}

/// The metric of `--metric`, or an error listing the metrics.
fn chart_metric(name: &str) -> anyhow::Result<Metric> {
    Metric::from_name(name).with_context(|| {
        let names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
        format!(
            "--metric: \"{name}\" is not a metric; metrics are: {}",
            names.join(", ")
        )
    })
}

/// Runs the sweep grid (or one shard of it, or emits its submission files), writes sweep.csv and the charts,
/// and prints a summary table to `out`.
pub fn sweep(args: SweepArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    chart_metric(&args.metric)?;
    let presentation = Presentation {
        metric: args.metric.clone(),
        x: args.x.clone(),
        no_plots: args.no_plots,
        json: false,
        report: args.variants.report,
    };
    let mut plan = args.variants.plan(Command::Sweep, presentation)?;
    let grid = plan.grid()?;
    plan.inputs = Plan::inputs_of(&grid)?;
    callsim::sweep::x_axis(&grid.axes, args.x.as_deref())?;
    // The output folder is created and checked before anything is simulated.
    let staging = match (&args.variants.shard, &args.variants.cluster.emit) {
        (None, None) => Some(Staging::new(&args.variants.out_dir(Command::Sweep), FileSet::SWEEP)?),
        _ => None,
    };
    if let (Some(results), Some(staging)) = (args.variants.execute(&plan, &grid, out)?, staging) {
        report(&plan, &grid, &results, Some(staging), out)?;
    }
    Ok(())
}

/// Runs every variant on the same callers (or one shard of them, or emits their submission files), writes
/// compare.csv and the chart, and prints the paired differences.
pub fn compare(args: CompareArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let presentation = Presentation {
        metric: String::new(),
        x: None,
        no_plots: args.no_plots,
        json: args.json,
        report: args.variants.report,
    };
    let mut plan = args.variants.plan(Command::Compare, presentation)?;
    let grid = plan.grid()?;
    plan.inputs = Plan::inputs_of(&grid)?;
    anyhow::ensure!(
        grid.points.len() >= 2,
        "--vary: compare needs at least two variants, e.g. routing.queue=fifo,priority"
    );
    let local = args.variants.shard.is_none() && args.variants.cluster.emit.is_none();
    // Files are written only when asked for with --json (as hyperfine writes exports only when asked).
    let staging = if !local || (args.json && args.variants.out.is_none() && !args.variants.report) {
        None
    } else {
        Some(Staging::new(
            &args.variants.out_dir(Command::Compare),
            FileSet::COMPARE,
        )?)
    };
    if let Some(results) = args.variants.execute(&plan, &grid, out)? {
        report(&plan, &grid, &results, staging, out)?;
    }
    Ok(())
}

/// The file set a command publishes.
pub fn file_set(command: Command) -> FileSet {
    match command {
        Command::Sweep => FileSet::SWEEP,
        Command::Compare => FileSet::COMPARE,
    }
}

/// Writes the results of a whole run (here, or merged from shards) into `staging` and publishes them, and prints
/// the command's table or JSON and its warnings: the one place the output of `sweep` and `compare` is made.
pub fn report(
    plan: &Plan,
    grid: &Grid,
    results: &[PointResult],
    staging: Option<Staging>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    warn_results(grid, results);
    match plan.command {
        Command::Sweep => {
            let staging = staging.context("a sweep always writes its files")?;
            report_sweep(plan, grid, results, staging, out)
        }
        Command::Compare => report_compare(plan, grid, results, staging, out),
    }
}

/// What the report says about a sweep or comparison: the first point's scenario, seed and replications, the axes,
/// and the command as one machine would run it (so a merged run's page is the same page).
fn about(plan: &Plan, grid: &Grid) -> html::About {
    let first = &grid.points[0].scenario;
    let mut about = super::report::about(
        Path::new(&plan.scenario_label),
        &first.name,
        Some(first.seed),
        Some(first.replications),
    );
    about.scenario_text = plan.scenario_text.clone();
    about.command = plan_command(plan);
    for axis in &grid.axes {
        let values: Vec<String> = axis.values.iter().map(callsim::sweep::value_text).collect();
        about.facts.push((format!("varied: {}", axis.path), values.join(", ")));
    }
    about.facts.push(("points".into(), grid.points.len().to_string()));
    about
}

/// The command line of a plan as one machine runs it (whether it ran here or in shards).
fn plan_command(plan: &Plan) -> String {
    shell_words::join(std::iter::once("callsim".to_string()).chain(plan_args(plan)))
}

/// A plan's arguments after `callsim`: the command, the scenario, the axes, the overrides and the output options
/// (not the folder, the threads or the shard, which change no result).
fn plan_args(plan: &Plan) -> Vec<String> {
    let options = &plan.presentation;
    let mut args = vec![plan.command.name().to_string(), plan.scenario_label.clone()];
    for v in &plan.vary {
        args.extend(["--vary".to_string(), v.clone()]);
    }
    if let Some(r) = plan.replications {
        args.extend(["--replications".to_string(), r.to_string()]);
    }
    if let Some(s) = plan.seed {
        args.extend(["--seed".to_string(), s.to_string()]);
    }
    if plan.command == Command::Sweep {
        args.extend(["--metric".to_string(), options.metric.clone()]);
        if let Some(x) = &options.x {
            args.extend(["--x".to_string(), x.clone()]);
        }
    }
    if options.json {
        args.push("--json".to_string());
    }
    if options.no_plots {
        args.push("--no-plots".to_string());
    }
    if options.report {
        args.push("--report".to_string());
    }
    args
}

/// The sweep's table, header first: the axes' values, then service level, ASA, abandonment and occupancy of all
/// calls (shared by the terminal and the report).
fn sweep_table(grid: &Grid, results: &[PointResult]) -> Vec<Vec<String>> {
    let mut metrics = vec![
        Metric::ServiceLevel,
        Metric::AsaS,
        Metric::AbandonmentRate,
        Metric::Occupancy,
    ];
    if results.first().is_some_and(|r| r.summary.campaigns) {
        // The outbound side of the blending trade-off.
        metrics.extend([Metric::ContactsPerHour, Metric::OutboundAbandonRate]);
    }
    let mut table = vec![
        grid.axes
            .iter()
            .map(|a| a.path.clone())
            .chain(metrics.iter().map(|m| m.name().to_string()))
            .collect::<Vec<_>>(),
    ];
    for r in results {
        let mut row = r.labels.clone();
        for &m in &metrics {
            row.push(format_estimate(m, &r.summary.total[m.index()]));
        }
        table.push(row);
    }
    table
}

/// Writes sweep.csv, the charts and (with --report) the page, and prints the summary table.
fn report_sweep(
    plan: &Plan,
    grid: &Grid,
    results: &[PointResult],
    staging: Staging,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let metric = chart_metric(&plan.presentation.metric)?;
    let table = sweep_table(grid, results);
    let written = write_sweep(staging, plan, grid, results, metric, &table);
    writeln!(
        out,
        "{} points x {}, all calls\n",
        results.len(),
        callsim::report::table::interval_legend(grid.points[0].scenario.replications)
    )?;
    write!(out, "{}", layout(&table))?;
    writeln!(out)?;
    for f in written? {
        writeln!(out, "wrote {}", f.display())?;
    }
    Ok(())
}

/// Writes sweep.csv, (unless --no-plots) the charts and (with --report) the report into the staging folder, and
/// publishes them together.
fn write_sweep(
    staging: Staging,
    plan: &Plan,
    grid: &Grid,
    results: &[PointResult],
    metric: Metric,
    table: &[Vec<String>],
) -> callsim::Result<Vec<PathBuf>> {
    let options = &plan.presentation;
    write_rows(&staging.path("sweep.csv"), &sweep_rows(&grid.axes, results))?;
    if !options.no_plots {
        let scenario = &grid.points[0].scenario;
        let type_targets = if scenario.has_type_targets() {
            scenario.service_targets()
        } else {
            Vec::new()
        };
        let choice = ChartChoice {
            service_level_target: scenario.service_level_target,
            type_targets: &type_targets,
            metric,
            x_path: options.x.as_deref(),
            abandonment: grid
                .points
                .iter()
                .any(|p| p.scenario.call_types.iter().any(|c| c.patience.is_some())),
        };
        sweep_charts(&grid.axes, results, choice, staging.dir())?;
    }
    if options.report {
        let scenario = &grid.points[0].scenario;
        let paths: Vec<String> = grid.axes.iter().map(|a| a.path.clone()).collect();
        let data = html::sweep::SweepResults {
            paths: &paths,
            results,
            target: (scenario.service_level_target, scenario.answer_within),
            cells: table,
        };
        let page = html::sweep::sweep_page(about(plan, grid), &data, &html::svg_files(staging.dir()));
        html::write(&page, staging.dir())?;
    }
    staging.publish()
}

/// Writes compare.csv, the chart and (with --report) the page when there is a staging folder, and prints the
/// paired differences as a table or JSON.
fn report_compare(
    plan: &Plan,
    grid: &Grid,
    results: &[PointResult],
    staging: Option<Staging>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let options = &plan.presentation;
    let comparison = compare_points(results);
    let mut shown = vec![
        Metric::ServiceLevel,
        Metric::AsaS,
        Metric::MeanWaitS,
        Metric::AbandonmentRate,
        Metric::WaitP90S,
    ];
    if results[0].summary.campaigns {
        // Outbound: what the manager weighs a dialing mode or a blending threshold by.
        shown.extend([
            Metric::ContactsPerHour,
            Metric::ContactsPerAgentHour,
            Metric::AgentWaitPerContactS,
            Metric::OutboundAbandonRate,
            Metric::MaxWindowAbandonRate,
        ]);
    }
    let tests = comparison.rows.iter().map(|r| r.tests).max().unwrap_or(0);
    let rule = format!(
        "significant: Holm-adjusted p < {SIGNIFICANCE_LEVEL} over the {tests} paired t tests (metrics x call types) \
         of each variant against the baseline"
    );
    let replications = results[0].summary.replications;
    // The table names the axes when several vary ("routing.queue=priority, operators.count=16").
    let name_of = |label: &str| {
        results
            .iter()
            .find(|r| r.labels.join(", ") == label)
            .map_or(label.to_string(), |r| variant_name(&grid.axes, &r.labels))
    };
    let baseline = if grid.axes.len() == 1 {
        format!("{}={}", grid.axes[0].path, comparison.baseline)
    } else {
        name_of(&comparison.baseline)
    };
    let mut table = vec![
        [
            "variant",
            "call type",
            "metric",
            "baseline",
            "variant",
            "difference",
            "p (Holm)",
            "",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for r in comparison.rows.iter().filter(|r| shown.contains(&r.metric)) {
        let diff = format_estimate_of(r.metric, &r.difference, replications);
        table.push(vec![
            name_of(&r.variant),
            r.call_type.clone(),
            r.metric.name().to_string(),
            format_estimate_of(r.metric, &r.baseline, replications),
            format_estimate_of(r.metric, &r.value, replications),
            diff,
            r.p_holm.map_or("-".to_string(), format_p),
            if r.significant { "*" } else { "" }.to_string(),
        ]);
    }
    let written = staging
        .map(|staging| -> callsim::Result<Vec<PathBuf>> {
            write_rows(&staging.path("compare.csv"), &compare_rows(&comparison))?;
            let chart = callsim::sweep::compare_chart_data(&grid.axes, results, &comparison);
            if !options.no_plots
                && let Some(chart) = &chart
            {
                callsim::plot::difference_chart(chart, &staging.path("compare"))?;
            }
            if options.report {
                let data = html::sweep::CompareResults {
                    results,
                    comparison: &comparison,
                    baseline: &baseline,
                    name_of: &name_of,
                    rule: &rule,
                    cells: &table,
                    shown: &shown,
                    chart: chart.as_ref().filter(|_| !options.no_plots),
                };
                let page = html::sweep::compare_page(about(plan, grid), &data, &html::svg_files(staging.dir()));
                html::write(&page, staging.dir())?;
            }
            staging.publish()
        })
        .transpose();
    if options.json {
        let rows: Vec<serde_json::Value> = comparison
            .rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "variant": r.variant, "call_type": r.call_type, "metric": r.metric.name(),
                    "baseline": callsim::report::json::estimate_json(&r.baseline),
                    "value": callsim::report::json::estimate_json(&r.value),
                    "difference": callsim::report::json::estimate_json(&r.difference),
                    "significant": r.significant,
                    "p_value": r.p_value, "p_holm": r.p_holm, "tests": r.tests,
                })
            })
            .collect();
        let value = serde_json::json!({"scenario": results[0].summary.scenario, "baseline": comparison.baseline,
            "variants": comparison.variants, "replications": results[0].summary.replications,
            "significance": rule, "rows": rows});
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        written?;
        return Ok(());
    }
    writeln!(
        out,
        "baseline: {baseline} ({replications} paired replications); \
         difference = variant - baseline, mean ± 95% interval"
    )?;
    writeln!(out, "* {rule}\n")?;
    write!(out, "{}", layout(&table))?;
    if table.iter().flatten().any(|c| c.contains("(n=")) {
        writeln!(out, "\n{}", callsim::report::table::N_NOTE)?;
    }
    writeln!(out)?;
    for f in written?.unwrap_or_default() {
        writeln!(out, "wrote {}", f.display())?;
    }
    Ok(())
}

/// A p-value for a table: three decimals, `<0.001` below that.
fn format_p(p: f64) -> String {
    if p < 0.001 {
        "<0.001".to_string()
    } else {
        format!("{p:.3}")
    }
}
