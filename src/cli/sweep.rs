//! `callsim sweep` and `callsim compare`: many variants of one scenario, in parallel, with common random numbers.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use callsim::report::html;
use callsim::report::output::{FileSet, Staging};
use callsim::report::table::layout;
use callsim::report::write_rows;
use callsim::report::{format_estimate, format_estimate_of};
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
/// replacing the folder's earlier sweep files together; --report adds report.html (the
/// answer in words, the table and the charts on one page). Warnings (e.g. overloaded points) go
/// to stderr, one line per kind with the points it affects.
///
/// Example:
///   callsim sweep scenarios/vip_priority.toml \
///     --vary agent_groups.operators.count=12:22 --vary routing.queue=fifo,priority
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
/// and p90 wait per call type, as the table tests them); with --json, only when --out (or
/// --report) is given. --report adds report.html: the differences in words and what
/// "significant" means, the table and the chart on one page.
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
    /// Also write report.html, one page to pass around (open it in any browser, print it to PDF).
    #[arg(long)]
    report: bool,
}

impl VariantArgs {
    /// What the report says about the run (the first point's scenario, seed and replications).
    fn about(&self, grid: &Grid) -> callsim::report::html::About {
        let first = &grid.points[0].scenario;
        let mut about = super::report::about(&self.scenario, &first.name, Some(first.seed), Some(first.replications));
        for axis in &grid.axes {
            let values: Vec<String> = axis.values.iter().map(callsim::sweep::value_text).collect();
            about.facts.push((format!("varied: {}", axis.path), values.join(", ")));
        }
        about.facts.push(("points".into(), grid.points.len().to_string()));
        about
    }

    /// Builds and validates the grid, with the seed override applied.
    fn grid(&self) -> anyhow::Result<Grid> {
        let mut grid = build_grid(&self.scenario, &self.vary, self.replications)?;
        if let Some(seed) = self.seed {
            grid.points.iter_mut().for_each(|p| p.scenario.seed = seed);
        }
        Ok(grid)
    }

    /// Opens the staging folder in the output directory (created and checked here, before any simulation).
    fn staging(&self, suffix: &str, set: FileSet) -> anyhow::Result<Staging> {
        let dir = self
            .out
            .clone()
            .unwrap_or_else(|| super::default_out_dir(&self.scenario, suffix));
        Ok(Staging::new(&dir, set)?)
    }

    /// Runs the grid and prints the points' warnings on stderr; returns the per-point results.
    fn run(&self, grid: &Grid) -> anyhow::Result<Vec<PointResult>> {
        let results = run_grid(grid, self.threads)?;
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
        Ok(results)
    }
}

fn build_grid(path: &Path, vary: &[String], replications: Option<u32>) -> anyhow::Result<Grid> {
    let label = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| callsim::Error::scenario(&label, format!("cannot read: {e}")))?;
    Ok(Grid::build(&text, &label, vary, replications)?)
}

fn run_grid(grid: &Grid, threads: Option<usize>) -> anyhow::Result<Vec<PointResult>> {
    let pool = super::thread_pool(threads)?;
    let bar = super::progress::bar(grid.job_count() as u64, "simulating");
    let results = pool.install(|| grid.run(&|| bar.inc(1)));
    bar.finish_and_clear();
    Ok(results)
}

/// Runs the sweep grid, writes sweep.csv and the charts, and prints a summary table to `out`.
pub fn sweep(args: SweepArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let metric = Metric::from_name(&args.metric).with_context(|| {
        let names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
        format!(
            "--metric: \"{}\" is not a metric; metrics are: {}",
            args.metric,
            names.join(", ")
        )
    })?;
    let grid = args.variants.grid()?;
    callsim::sweep::x_axis(&grid.axes, args.x.as_deref())?;
    let staging = args.variants.staging("-sweep", FileSet::SWEEP)?;
    let results = args.variants.run(&grid)?;
    let table = sweep_table(&grid, &results);
    let written = write_sweep(staging, &grid, &results, &args, metric, &table);
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

/// The sweep's table, header first: the axes' values, then service level, ASA, abandonment and occupancy of all
/// calls (shared by the terminal and the report).
fn sweep_table(grid: &Grid, results: &[PointResult]) -> Vec<Vec<String>> {
    let mut table = vec![
        grid.axes
            .iter()
            .map(|a| a.path.clone())
            .chain(["service_level", "asa_s", "abandonment_rate", "occupancy"].map(String::from))
            .collect::<Vec<_>>(),
    ];
    for r in results {
        let mut row = r.labels.clone();
        for m in [
            Metric::ServiceLevel,
            Metric::AsaS,
            Metric::AbandonmentRate,
            Metric::Occupancy,
        ] {
            row.push(format_estimate(m, &r.summary.total[m.index()]));
        }
        table.push(row);
    }
    table
}

/// Writes sweep.csv, (unless --no-plots) the charts and (with --report) the report into the staging folder, and
/// publishes them together.
fn write_sweep(
    staging: Staging,
    grid: &Grid,
    results: &[PointResult],
    args: &SweepArgs,
    metric: Metric,
    table: &[Vec<String>],
) -> callsim::Result<Vec<PathBuf>> {
    write_rows(&staging.path("sweep.csv"), &sweep_rows(&grid.axes, results))?;
    if !args.no_plots {
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
            x_path: args.x.as_deref(),
            abandonment: grid
                .points
                .iter()
                .any(|p| p.scenario.call_types.iter().any(|c| c.patience.is_some())),
        };
        sweep_charts(&grid.axes, results, choice, staging.dir())?;
    }
    if args.variants.report {
        let scenario = &grid.points[0].scenario;
        let paths: Vec<String> = grid.axes.iter().map(|a| a.path.clone()).collect();
        let data = html::sweep::SweepResults {
            paths: &paths,
            results,
            target: (scenario.service_level_target, scenario.answer_within),
            cells: table,
        };
        let page = html::sweep::sweep_page(args.variants.about(grid), &data, &html::svg_files(staging.dir()));
        html::write(&page, staging.dir())?;
    }
    staging.publish()
}

/// Runs every variant on the same callers, writes compare.csv and the chart, and prints the paired differences.
pub fn compare(args: CompareArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let grid = args.variants.grid()?;
    anyhow::ensure!(
        grid.points.len() >= 2,
        "--vary: compare needs at least two variants, e.g. routing.queue=fifo,priority"
    );
    // Files are written only when asked for with --json (as hyperfine writes exports only when asked).
    let staging = if args.json && args.variants.out.is_none() && !args.variants.report {
        None
    } else {
        Some(args.variants.staging("-compare", FileSet::COMPARE)?)
    };
    let results = args.variants.run(&grid)?;
    let comparison = compare_points(&results);
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
            let chart = callsim::sweep::compare_chart_data(&grid.axes, &results, &comparison);
            if !args.no_plots
                && let Some(chart) = &chart
            {
                callsim::plot::difference_chart(chart, &staging.path("compare"))?;
            }
            if args.variants.report {
                let data = html::sweep::CompareResults {
                    results: &results,
                    comparison: &comparison,
                    baseline: &baseline,
                    name_of: &name_of,
                    rule: &rule,
                    cells: &table,
                    shown: &shown,
                    chart: chart.as_ref().filter(|_| !args.no_plots),
                };
                let page =
                    html::sweep::compare_page(args.variants.about(&grid), &data, &html::svg_files(staging.dir()));
                html::write(&page, staging.dir())?;
            }
            staging.publish()
        })
        .transpose();
    if args.json {
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
