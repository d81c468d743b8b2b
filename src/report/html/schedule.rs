//! The page of `callsim schedule`: the roster, its coverage against the requirement, and (with `--simulate`) the
//! roster simulated over the day.

use super::{About, Page, Section, describe, percent_estimate};
use crate::day::intervals::Intervals;
use crate::report::csv_cells;
use crate::schedule::simulate::Round;
use crate::schedule::{Schedule, loop_report, report};

/// The page of a `callsim schedule`: `schedule` is the roster written, `rounds` the simulated rounds (empty
/// without `--simulate`; its warnings are the caller's to add). `drawn` lists the chart files written beside it.
pub fn page(about: About, schedule: &Schedule, intervals: &Intervals, rounds: &[Round], drawn: &[String]) -> Page {
    let unmet = schedule.unmet();
    let solver = if schedule.optimal {
        "proven optimal".to_string()
    } else {
        format!("the best found, within {:.1}% of optimal", 100.0 * schedule.gap)
    };
    let mut headline = vec![format!(
        "{} agents on {} shifts cover the requirement with {:.1} paid hours (cost {:.2}; {solver}).",
        schedule.agents(),
        schedule.shifts.len(),
        schedule.paid_hours,
        schedule.cost
    )];
    if !unmet.is_empty() {
        headline.push(format!(
            "{} intervals stay under the requirement (the templates' maxima cannot cover them): {}.",
            unmet.len(),
            unmet.iter().map(|&i| intervals.label(i)).collect::<Vec<_>>().join(", ")
        ));
    }
    let cells = |rows: std::result::Result<(Vec<String>, Vec<Vec<String>>), csv::Error>| {
        rows.map(|(header, rows)| std::iter::once(header).chain(rows).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let chart = report::coverage_chart(schedule, intervals);
    let coverage = Section::new("coverage", "Coverage against the requirement")
        .chart(
            drawn,
            "coverage.svg",
            chart.title.clone(),
            describe::lines(std::slice::from_ref(&chart)),
        )
        .note("Coverage is time-weighted: an agent on duty for half an interval counts as half; breaks excluded.")
        .table(
            "Agents required and scheduled per interval (coverage.csv)",
            cells(csv_cells(&report::coverage_rows(schedule, intervals))),
        );
    let roster = Section::new("roster", "The roster").table(
        "Shifts: template, start, agents and break starts (roster.csv; roster.toml holds the scenario's shifts key)",
        cells(csv_cells(&report::roster_rows(schedule, intervals))),
    );
    let mut sections = vec![coverage, roster];
    if let Some(last) = rounds.last() {
        let sim = &last.simulation;
        let missed = sim.missed();
        headline.push(format!(
            "Simulated over {} days: {} of {} intervals met ({}); every interval met on {} of days.",
            sim.replications,
            sim.intervals.len() - missed.len(),
            sim.intervals.len(),
            loop_report::describe_targets(&sim.targets),
            percent_estimate(&sim.days_every_interval_met)
        ));
        let panels = loop_report::chart(last, intervals);
        sections.push(
            Section::new("simulated", "The roster simulated over the day")
                .text(format!(
                    "The scenario was simulated with this roster over {} days (seed {}); an interval is met when at \
                     least {:.0}% of the days with calls in it meet every target ({}).",
                    sim.replications,
                    sim.seed,
                    sim.confidence * 100.0,
                    loop_report::describe_targets(&sim.targets)
                ))
                .chart(
                    drawn,
                    "roster_simulated.svg",
                    "The roster simulated: coverage and service level per interval",
                    describe::lines(&panels),
                )
                .table("Per interval (roster_simulated.csv)", loop_report::interval_cells(sim))
                .text(format!(
                    "Per day: every interval met on {} of days; daily service level {}; the day's service level met \
                     the target on {} of days.",
                    percent_estimate(&sim.days_every_interval_met),
                    percent_estimate(&sim.daily_service_level),
                    percent_estimate(&sim.days_meeting_target)
                )),
        );
        if rounds.len() > 1 {
            headline.push(format!("The requirement was raised over {} rounds.", rounds.len()));
        }
    }
    Page {
        format: super::FORMAT,
        command: "schedule".into(),
        title: format!("{}: roster report", about.scenario),
        about,
        headline,
        warnings: Vec::new(),
        sections,
    }
}
