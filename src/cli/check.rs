//! `callsim check`: validate a scenario file and describe it, without simulating.

use std::io::Write;
use std::path::{Path, PathBuf};

use callsim::day::{ClockTime, DayClock, intervals::Intervals};
use callsim::report::table::layout;
use callsim::scenario::{Scenario, Staffing};
use callsim::schedule::templates::parse_templates;
use callsim::time::format_duration;

/// Check a scenario file and summarise it (load, staffing, routing) without simulating.
///
/// Prints every problem as one line naming the file and field (exit status 2), or a summary of
/// what would be simulated; warnings (odd but legal settings) go to stderr. A [sweep] vary list
/// is checked too, each value of each axis against the rest of the file. A day whose demand
/// or staffing changes is shown interval by interval (expected calls per call type, agents
/// on duty per group). A shift-templates file (`[[templates]]`, for `callsim schedule --shifts`)
/// is checked against a whole day from 00:00; `schedule` checks it against the scenario's day.
///
/// Examples:
///   callsim check scenarios/multi_skill.toml
///   callsim check scenarios/shift_templates.toml
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct CheckArgs {
    /// Scenario file (TOML), or a shift-templates file for `callsim schedule`.
    scenario: PathBuf,
}

/// Validates the scenario (or shift-templates file) and writes its summary to `out`.
pub fn execute(args: CheckArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    if let Some(text) = shift_templates_text(&args.scenario) {
        return describe_templates(&text, &args.scenario, out);
    }
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
    // Call types with service-level goals of their own get a column with each type's (own or the scenario's).
    let targets = s.has_type_targets().then(|| s.service_targets());
    if targets.is_some() {
        rows[0].push("service level target".into());
    }
    for (index, c) in s.call_types.iter().enumerate() {
        rows.push(vec![
            c.name.clone(),
            if matches!(c.arrival_source, callsim::scenario::ArrivalSource::None) {
                "none of its own".to_string()
            } else {
                format!("{:.1}", c.arrival_rate * 3600.0)
            },
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
            format!("{:.2}", c.arrival_rate * s.agent_seconds_per_call(index)),
        ]);
        if let Some(targets) = &targets {
            let own = c.service_level.answer_within.is_some() || c.service_level.target.is_some();
            let t = &targets[index];
            let row = rows.last_mut().expect("just pushed");
            row.push(format!("{}{}", t.text(), if own { "" } else { " (scenario's)" }));
        }
    }
    write!(out, "\n{}", layout(&rows))?;
    let mut groups = vec![vec![
        "agent group".to_string(),
        "agents".into(),
        "skills (in preference order)".into(),
    ]];
    for g in &s.agent_groups {
        let mut skills: Vec<String> = g
            .skills
            .iter()
            .zip(&g.skill_after)
            .map(|(&t, &after)| {
                let name = &s.call_types[t].name;
                if after > 0.0 {
                    format!("{name} after {}", callsim::time::format_duration(after))
                } else {
                    name.clone()
                }
            })
            .collect();
        if let Some(r) = g.reserve.filter(|r| r.agents > 0) {
            skills.push(format!(
                "(keeps {} for {})",
                r.agents,
                s.call_types[r.call_type.index()].name
            ));
        }
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
    if let Some(q) = s.queue_capacity {
        writeln!(out, "queue: at most {q} callers on hold in all (then a busy tone)")?;
    }
    let names: Vec<&str> = s.call_types.iter().map(|c| c.name.as_str()).collect();
    for c in &s.call_types {
        if let Some(k) = &c.consult {
            writeln!(
                out,
                "consults of {}: {:.0}% of answered calls ask {} after {:.0}% of the handle time ({} {}; {} at once per agent)",
                c.name,
                100.0 * k.probability,
                s.agent_groups[k.group].name,
                100.0 * k.at,
                k.duration.family(),
                format_duration(k.duration.mean()),
                s.agent_groups[k.group].concurrency
            )?;
        }
        if let Some(t) = &c.transfer {
            writeln!(
                out,
                "transfers of {}: {:.0}% of answered calls go to {} after {} {} ({})",
                c.name,
                100.0 * t.probability,
                names[t.to],
                t.after.family(),
                format_duration(t.after.mean()),
                if t.warm {
                    "warm: the first agent stays on until the second answers"
                } else {
                    "cold"
                }
            )?;
        }
        if let Some(chat) = &c.chat {
            let times: Vec<String> = chat.handle_times.iter().map(|&h| format_duration(h)).collect();
            let held: Vec<String> = s
                .agent_groups
                .iter()
                .filter(|g| g.skills.iter().any(|&t| s.call_types[t].name == c.name))
                .map(|g| format!("{} in {}", g.concurrency, g.name))
                .collect();
            writeln!(
                out,
                "chats of {}: mean handle time {} while the agent holds 1, 2, ... chats ({} work); held at once: {} \
                 (its load counts the last time over the concurrency)",
                c.name,
                times.join(", "),
                c.service.family(),
                held.join(", ")
            )?;
        }
        let parts = c.callers.describe(&names);
        if !parts.is_empty() {
            writeln!(out, "callers of {}: {}", c.name, parts.join("; "))?;
        }
    }
    describe_campaigns(&s, out)?;
    describe_day(&s, out)?;
    for warning in s.warnings() {
        super::warn(warning);
    }
    Ok(())
}

/// One line per outbound campaign: its list, dialing, outcomes, talk, hours and the groups that dial for it with
/// their blending threshold.
fn describe_campaigns(s: &Scenario, out: &mut dyn Write) -> anyhow::Result<()> {
    use callsim::scenario::campaign::DialingMode;
    let clock = s.day.clock();
    for c in &s.campaigns {
        let mode = match c.mode {
            DialingMode::Preview { preview } => format!("preview ({} reading per record)", format_duration(preview)),
            DialingMode::Progressive => "progressive (one line per free agent)".to_string(),
            DialingMode::Predictive => format!(
                "predictive (abandoned at most {:.1}% of live answers per {})",
                100.0 * c.max_abandon,
                format_duration(c.window)
            ),
        };
        let groups: Vec<String> = c
            .groups
            .iter()
            .map(|&g| {
                let group = &s.agent_groups[g];
                let keep = group.outbound.map_or(0, |o| o.keep_idle);
                format!("{} (while more than {keep} of {} idle)", group.name, group.count)
            })
            .collect();
        writeln!(
            out,
            "campaign {}: {} records, {mode}; answered {:.0}%, machine {:.0}%, busy {:.0}%; talk {} {}; {} to {}; \
             dialled by {}",
            c.name,
            c.records.map_or("unlimited".to_string(), |r| r.to_string()),
            100.0 * c.answer,
            100.0 * c.machine,
            100.0 * c.busy,
            c.talk.family(),
            format_duration(c.talk.mean()),
            clock.label(c.from),
            clock.label(c.to),
            groups.join(", ")
        )?;
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

/// The file's text when it is a shift-templates file (a `templates` list and no `[horizon]`), else `None` (the
/// scenario reader then reports whatever is wrong).
fn shift_templates_text(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    (table.contains_key("templates") && !table.contains_key("horizon")).then_some(text)
}

/// Checks shift templates against a whole day from 00:00 in 15-minute intervals and lists them.
fn describe_templates(text: &str, path: &Path, out: &mut dyn Write) -> anyhow::Result<()> {
    let label = path.display().to_string();
    let day = Intervals::new(&label, 24.0 * 3600.0, 900.0, DayClock::new(ClockTime::MIDNIGHT))?;
    let templates = parse_templates(text, &label, &day)?;
    let clock = day.clock();
    writeln!(
        out,
        "{label}: {} shift templates for `callsim schedule SCENARIO --shifts {label}` (checked against a whole day; \
         schedule checks them against the scenario's day)\n",
        templates.len()
    )?;
    let mut rows = vec![
        ["template", "starts", "length", "breaks", "cost/hour", "agents"]
            .map(String::from)
            .to_vec(),
    ];
    for t in &templates {
        let starts = match (t.starts.first(), t.starts.last()) {
            (Some(&first), Some(&last)) if t.starts.len() > 1 => {
                format!(
                    "{} to {} ({} starts)",
                    clock.label(first),
                    clock.label(last),
                    t.starts.len()
                )
            }
            (Some(&only), _) => clock.label(only),
            _ => "-".to_string(),
        };
        let breaks: Vec<String> = t
            .breaks
            .iter()
            .map(|b| {
                format!(
                    "{}{} within {}-{}",
                    format_duration(b.length),
                    if b.paid { "" } else { " unpaid" },
                    format_duration(b.from),
                    format_duration(b.to)
                )
            })
            .collect();
        rows.push(vec![
            t.name.clone(),
            starts,
            format_duration(t.length),
            if breaks.is_empty() {
                "-".into()
            } else {
                breaks.join("; ")
            },
            format!("{}", t.cost_per_hour),
            match t.max {
                Some(max) => format!("{} to {max}", t.min),
                None => format!("{} or more", t.min),
            },
        ]);
    }
    write!(out, "{}", layout(&rows))?;
    Ok(())
}
