//! `callsim check`: validate a scenario file and describe it, without simulating.

use std::io::Write;
use std::path::PathBuf;

use callsim::report::table::layout;
use callsim::scenario::{Scenario, Staffing};
use callsim::time::format_duration;

/// Check a scenario file and summarise it (load, staffing, routing) without simulating.
///
/// Prints every problem as one line naming the file and field (exit status 2), or a summary of
/// what would be simulated; warnings (odd but legal settings) go to stderr. A [sweep] vary list
/// is checked too, each value of each axis against the rest of the file. A day whose demand
/// or staffing changes is shown interval by interval (expected calls per call type, agents
/// on duty per group), also when `run` cannot simulate it yet.
///
/// Example:
///   callsim check scenarios/multi_skill.toml
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct CheckArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
}

/// Validates the scenario and writes its summary to `out`.
pub fn execute(args: CheckArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let s = Scenario::describe_path(&args.scenario)?;
    writeln!(
        out,
        "{}: {} replications of {} (warm-up {}), seed {}",
        s.name,
        s.replications,
        format_duration(s.horizon),
        format_duration(s.warmup),
        s.seed
    )?;
    let mut rows = vec![
        [
            "call type",
            "calls/h",
            "handle time",
            "patience",
            "priority",
            "load (erlangs)",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for c in &s.call_types {
        rows.push(vec![
            c.name.clone(),
            format!("{:.1}", c.arrival_rate * 3600.0),
            format!(
                "{} {} (cv {:.2})",
                c.service.family(),
                format_duration(c.service.mean()),
                c.service.cv()
            ),
            c.patience.as_ref().map_or("never hangs up".into(), |p| {
                format!("{} {}", p.family(), format_duration(p.mean()))
            }),
            format!("{}", c.priority),
            format!("{:.2}", c.arrival_rate * (c.service.mean() + c.after_call_work)),
        ]);
    }
    write!(out, "\n{}", layout(&rows))?;
    let mut groups = vec![vec![
        "agent group".to_string(),
        "agents".into(),
        "skills (in preference order)".into(),
    ]];
    for g in &s.agent_groups {
        let skills: Vec<&str> = g.skills.iter().map(|&t| s.call_types[t].name.as_str()).collect();
        groups.push(vec![g.name.clone(), g.count.to_string(), skills.join(", ")]);
    }
    write!(out, "\n{}", layout(&groups))?;
    writeln!(
        out,
        "\nrouting: queue {}, agent selection {}; offered load {:.2} erlangs on {} agents{}",
        s.routing.queue.name(),
        s.routing.agent.name(),
        s.offered_load(),
        s.total_agents(),
        s.lines.map_or(String::new(), |l| format!(", {l} lines"))
    )?;
    describe_day(&s, out)?;
    for warning in s.warnings() {
        super::warn(warning);
    }
    Ok(())
}

/// Most interval rows shown; a longer day shows its first and last [`SHOWN_AT_EACH_END`].
const MOST_ROWS: usize = 96;

/// Interval rows shown at each end of a day longer than [`MOST_ROWS`].
const SHOWN_AT_EACH_END: usize = 24;

/// The day: intervals, opening, closing rule and busyness in one line, then (when demand or staffing changes
/// through the day, or a day key needs it) one row per interval, and what `run` cannot simulate yet.
fn describe_day(s: &Scenario, out: &mut dyn Write) -> anyhow::Result<()> {
    let intervals = &s.day.intervals;
    let unsupported = s.unsupported_by_engine();
    if s.is_stationary() && unsupported.is_none() {
        return Ok(());
    }
    writeln!(
        out,
        "\nday: {} intervals of {} from {} to {}; at closing: {}; busyness cv {}",
        intervals.len(),
        format_duration(intervals.length()),
        s.day.clock().label(0.0),
        s.day.clock().label(intervals.horizon()),
        s.day.at_close.name(),
        s.day.busyness.cv()
    )?;
    let mut header = vec!["interval".to_string()];
    header.extend(s.call_types.iter().map(|c| format!("{} calls", c.name)));
    header.extend(s.agent_groups.iter().map(|g| format!("{} on duty", g.name)));
    let calls: Vec<Vec<f64>> = (0..s.call_types.len()).map(|c| s.calls_per_interval(c)).collect();
    let on_duty: Vec<Vec<f64>> = s
        .agent_groups
        .iter()
        .map(|g| g.roster.on_duty_mean(intervals))
        .collect();
    let mut rows = vec![header];
    for i in 0..intervals.len() {
        if intervals.len() > MOST_ROWS && (SHOWN_AT_EACH_END..intervals.len() - SHOWN_AT_EACH_END).contains(&i) {
            if i == SHOWN_AT_EACH_END {
                rows.push(vec!["...".to_string()]);
            }
            continue;
        }
        let mut row = vec![intervals.label(i)];
        row.extend(calls.iter().map(|c| format!("{:.1}", c[i])));
        row.extend(on_duty.iter().map(|g| trimmed(g[i])));
        rows.push(row);
    }
    write!(out, "\n{}", layout(&rows))?;
    for g in &s.agent_groups {
        let how = match g.staffing {
            Staffing::Count => "the same agents all day",
            Staffing::PerInterval => "a count per interval",
            Staffing::Shifts => "shifts with breaks",
        };
        writeln!(
            out,
            "{}: {} agents rostered ({how}), at most {} on duty at once, absenteeism {}",
            g.name,
            g.count,
            g.roster.peak_on_duty(),
            g.absenteeism
        )?;
    }
    if let Some(feature) = unsupported {
        writeln!(
            out,
            "\nnot simulated yet (issue 8): {feature}; `callsim run` refuses this file for now"
        )?;
    }
    Ok(())
}

/// A mean number of agents: whole numbers as such, others to two decimals.
fn trimmed(agents: f64) -> String {
    if agents.fract() == 0.0 {
        format!("{agents:.0}")
    } else {
        format!("{agents:.2}")
    }
}
