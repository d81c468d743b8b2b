//! `callsim check`: validate a scenario file and describe it, without simulating.

use std::io::Write;
use std::path::PathBuf;

use callsim::report::table::layout;
use callsim::scenario::Scenario;
use callsim::time::format_duration;

/// Check a scenario file and summarise it (load, staffing, routing) without simulating.
///
/// Prints every problem as one line naming the file and field (exit status 2), or a summary of
/// what would be simulated; warnings (odd but legal settings) go to stderr. A [sweep] vary list
/// is checked too, each value of each axis against the rest of the file.
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
    let s = Scenario::from_path(&args.scenario)?;
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
    for warning in s.warnings() {
        super::warn(warning);
    }
    Ok(())
}
