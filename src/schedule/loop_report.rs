//! What the closed loop reports (`callsim schedule --simulate`, `--until-met`): `roster_simulated.csv` rows, the
//! chart of the simulated roster, the `--json` keys `simulation` and `rounds`, and the text tables. Builds values
//! only; the output module writes them.

use serde::Serialize;
use serde_json::{Value, json};

use super::report::coverage_chart;
use super::simulate::{Round, Simulation};
use crate::day::intervals::Intervals;
use crate::erlang::Targets;
use crate::plot::{LineChart, Series, SeriesPoint};
use crate::report::json::estimate_json;
use crate::report::rows::Number;
use crate::report::table::layout;
use crate::stats::Estimate;
use crate::time::format_duration;

/// One row of `roster_simulated.csv`: one interval of the simulated roster (all call types together).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulatedRow {
    /// Interval start, clock time (`HH:MM`).
    pub interval_start: String,
    /// Agents required (the scheduled group).
    pub required: f64,
    /// Agents on duty and not on break by the roster (the scheduled group, time-weighted, before absenteeism).
    pub coverage: f64,
    /// Calls offered, mean over days.
    pub offered: Number,
    /// Agents on duty as simulated, all groups, mean over days (absentees excluded).
    pub agents_on_duty: Number,
    /// Service level, mean over days.
    pub service_level: Number,
    /// Lower end of its 95% interval.
    pub service_level_lo: Number,
    /// Upper end of its 95% interval.
    pub service_level_hi: Number,
    /// Average speed of answer in seconds, mean over days.
    pub asa_s: Number,
    /// Abandonment rate, mean over days.
    pub abandonment_rate: Number,
    /// Lower end of its 95% interval.
    pub abandonment_rate_lo: Number,
    /// Upper end of its 95% interval.
    pub abandonment_rate_hi: Number,
    /// Days on which the interval met every target.
    pub days_meeting_targets: u32,
    /// Days with calls in the interval.
    pub days_with_calls: u32,
    /// `days_meeting_targets / days_with_calls` (1 without such days).
    pub share_of_days_meeting_targets: f64,
    /// Whether the share is at least the confidence.
    pub met: bool,
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Rows of `roster_simulated.csv`, one per interval.
pub fn rows(simulation: &Simulation) -> Vec<SimulatedRow> {
    simulation
        .intervals
        .iter()
        .map(|i| SimulatedRow {
            interval_start: i.interval_start.clone(),
            required: round6(i.required),
            coverage: round6(i.coverage),
            offered: Number(i.offered.value()),
            agents_on_duty: Number(i.agents_on_duty.value()),
            service_level: Number(i.service_level.value()),
            service_level_lo: Number(i.service_level.low()),
            service_level_hi: Number(i.service_level.high()),
            asa_s: Number(i.asa_s.value()),
            abandonment_rate: Number(i.abandonment_rate.value()),
            abandonment_rate_lo: Number(i.abandonment_rate.low()),
            abandonment_rate_hi: Number(i.abandonment_rate.high()),
            days_meeting_targets: i.meeting.meeting,
            days_with_calls: i.meeting.days,
            share_of_days_meeting_targets: i.meeting.share(),
            met: i.met,
        })
        .collect()
}

fn labels(simulation: &Simulation, which: &[usize]) -> Vec<String> {
    which
        .iter()
        .map(|&i| simulation.intervals[i].interval_start.clone())
        .collect()
}

/// The targets in words: `service level 80% within 20s, ASA at most 15s, ...`.
pub fn describe_targets(targets: &Targets) -> String {
    let mut parts = Vec::new();
    if let Some((share, within)) = targets.service_level {
        parts.push(format!(
            "service level {:.0}% within {}",
            share * 100.0,
            format_duration(within)
        ));
    }
    if let Some(asa) = targets.asa {
        parts.push(format!("ASA at most {}", format_duration(asa)));
    }
    if let Some(p) = targets.max_abandon {
        parts.push(format!("abandonment at most {:.1}%", p * 100.0));
    }
    if let Some(x) = targets.max_occupancy {
        parts.push(format!("occupancy at most {:.0}%", x * 100.0));
    }
    parts.join(", ")
}

/// The `--json` key `simulation`: `replications`, `seed`, `confidence`, `targets`, `intervals` (per interval:
/// `interval_start`, `required`, `coverage`, the estimates `offered`, `agents_on_duty`, `service_level`, `asa_s`,
/// `abandonment_rate` as in `callsim run --json`, `days_meeting_targets`, `days_with_calls`,
/// `share_of_days_meeting_targets`, `met`), the per-day estimates `days_every_interval_met`,
/// `daily_service_level`, `days_meeting_target`, and `met_intervals`, `missed_intervals` (clock times).
pub fn simulation_json(simulation: &Simulation) -> Value {
    let intervals: Vec<Value> = simulation
        .intervals
        .iter()
        .map(|i| {
            json!({
                "interval_start": i.interval_start,
                "required": round6(i.required),
                "coverage": round6(i.coverage),
                "offered": estimate_json(&i.offered),
                "agents_on_duty": estimate_json(&i.agents_on_duty),
                "service_level": estimate_json(&i.service_level),
                "asa_s": estimate_json(&i.asa_s),
                "abandonment_rate": estimate_json(&i.abandonment_rate),
                "days_meeting_targets": i.meeting.meeting,
                "days_with_calls": i.meeting.days,
                "share_of_days_meeting_targets": i.meeting.share(),
                "met": i.met,
            })
        })
        .collect();
    let targets = &simulation.targets;
    json!({
        "replications": simulation.replications,
        "seed": simulation.seed,
        "confidence": simulation.confidence,
        "targets": {
            "service_level": targets.service_level.map(|(s, _)| s),
            "answer_within_s": targets.service_level.map(|(_, t)| t),
            "asa_s": targets.asa,
            "max_abandon": targets.max_abandon,
            "max_occupancy": targets.max_occupancy,
        },
        "intervals": intervals,
        "days_every_interval_met": estimate_json(&simulation.days_every_interval_met),
        "daily_service_level": estimate_json(&simulation.daily_service_level),
        "days_meeting_target": estimate_json(&simulation.days_meeting_target),
        "met_intervals": labels(simulation, &simulation.met()),
        "missed_intervals": labels(simulation, &simulation.missed()),
    })
}

/// The `--json` key `rounds`: per round `round`, `agents`, `paid_hours`, `cost`, `optimal`, `gap`, `missed_intervals`
/// (clock times), `days_every_interval_met` and `daily_service_level` (means).
pub fn rounds_json(rounds: &[Round]) -> Value {
    Value::Array(
        rounds
            .iter()
            .map(|r| {
                json!({
                    "round": r.round,
                    "agents": r.schedule.agents(),
                    "paid_hours": round6(r.schedule.paid_hours),
                    "cost": round6(r.schedule.cost),
                    "optimal": r.schedule.optimal,
                    "gap": if r.schedule.gap.is_finite() { json!(r.schedule.gap) } else { Value::Null },
                    "missed_intervals": labels(&r.simulation, &r.simulation.missed()),
                    "days_every_interval_met": r.simulation.days_every_interval_met.mean,
                    "daily_service_level": r.simulation.daily_service_level.mean,
                })
            })
            .collect(),
    )
}

/// The chart of the simulated roster, clock times on x: service level per interval with its 95% band against the
/// target line, then the roster's coverage against the requirement.
pub fn chart(round: &Round, intervals: &Intervals) -> Vec<LineChart> {
    let simulation = &round.simulation;
    let point = |x: usize, e: &Estimate| SeriesPoint {
        x: x as f64,
        mean: e.value(),
        lo: e.low(),
        hi: e.high(),
    };
    let within = simulation
        .targets
        .service_level
        .map_or(String::new(), |(_, t)| format!(" within {}", format_duration(t)));
    let service = LineChart {
        title: format!(
            "Simulated roster, {} days: {} of {} intervals met",
            simulation.replications,
            simulation.met().len(),
            simulation.intervals.len()
        ),
        x_label: format!("interval start ({} intervals)", format_duration(intervals.length())),
        y_label: format!("service level (answered{within})"),
        x_ticks: (0..intervals.len()).map(|i| intervals.label(i)).collect(),
        series: vec![Series {
            name: "service level (mean, 95% band)".into(),
            points: simulation
                .intervals
                .iter()
                .enumerate()
                .map(|(x, i)| point(x, &i.service_level))
                .collect(),
        }],
        dashed: Vec::new(),
        target: simulation.targets.service_level.map(|(s, _)| s),
        type_targets: Vec::new(),
        share: true,
        y_clip: None,
    };
    vec![service, coverage_chart(&round.schedule, intervals)]
}

fn share(e: &Estimate) -> String {
    match (e.mean, e.lo, e.hi) {
        (Some(m), Some(lo), Some(hi)) => format!("{:.1}% [{:.1}, {:.1}]", m * 100.0, lo * 100.0, hi * 100.0),
        (Some(m), _, _) => format!("{:.1}%", m * 100.0),
        _ => "-".into(),
    }
}

/// The per-interval table of one simulated roster (cells, header first): requirement, coverage, calls, service
/// level with its interval, ASA, abandonment, days meeting the targets and whether the interval is met. Shared by
/// the terminal and the HTML report.
pub fn interval_cells(simulation: &Simulation) -> Vec<Vec<String>> {
    let mut cells = vec![
        [
            "start",
            "required",
            "coverage",
            "calls",
            "service level [95%]",
            "ASA",
            "abandoned",
            "days meeting",
            "met",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for i in &simulation.intervals {
        cells.push(vec![
            i.interval_start.clone(),
            format!("{:.2}", i.required),
            format!("{:.2}", i.coverage),
            i.offered.mean.map_or("-".into(), |v| format!("{v:.1}")),
            share(&i.service_level),
            i.asa_s.mean.map_or("-".into(), |v| format!("{v:.1}s")),
            i.abandonment_rate
                .mean
                .map_or("-".into(), |v| format!("{:.1}%", v * 100.0)),
            format!(
                "{}/{} ({:.0}%)",
                i.meeting.meeting,
                i.meeting.days,
                i.meeting.share() * 100.0
            ),
            if i.met { "yes" } else { "NO" }.into(),
        ]);
    }
    cells
}

/// The text report of one simulated roster: per interval, then per day and the missed intervals.
pub fn table(simulation: &Simulation) -> String {
    let mut out = format!(
        "simulated over {} days (seed {}): {}; an interval is met when at least {:.0}% of the days with calls in \
         it meet every target\n",
        simulation.replications,
        simulation.seed,
        describe_targets(&simulation.targets),
        simulation.confidence * 100.0
    );
    let cells = interval_cells(simulation);
    for line in layout(&cells).lines() {
        out += &format!("  {line}\n");
    }
    let missed = simulation.missed();
    out += &format!(
        "\nper day: every interval met on {} of days; daily service level {}; the day's service level met the \
         target on {} of days\n",
        share(&simulation.days_every_interval_met),
        share(&simulation.daily_service_level),
        share(&simulation.days_meeting_target)
    );
    out += &format!(
        "met {} of {} intervals{}\n",
        simulation.intervals.len() - missed.len(),
        simulation.intervals.len(),
        if missed.is_empty() {
            String::new()
        } else {
            format!("; missed: {}", labels(simulation, &missed).join(", "))
        }
    );
    out
}

/// The table of rounds (`--until-met`) and how the loop ended.
pub fn rounds_table(rounds: &[Round], max_rounds: u32) -> String {
    let mut out = String::from(
        "rounds (each missed interval's requirement becomes its coverage plus one agent; same simulated days every \
         round)\n",
    );
    let mut cells = vec![
        [
            "round",
            "agents",
            "paid hours",
            "cost",
            "solver",
            "days all met",
            "missed",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let mut missed_labels = vec![String::new()];
    for r in rounds {
        let missed = labels(&r.simulation, &r.simulation.missed());
        cells.push(vec![
            r.round.to_string(),
            r.schedule.agents().to_string(),
            format!("{:.2}", r.schedule.paid_hours),
            format!("{:.2}", r.schedule.cost),
            if r.schedule.optimal {
                "optimal".to_string()
            } else {
                format!("gap {:.1}%", 100.0 * r.schedule.gap)
            },
            r.simulation
                .days_every_interval_met
                .mean
                .map_or("-".into(), |v| format!("{:.1}%", v * 100.0)),
            missed.len().to_string(),
        ]);
        missed_labels.push(missed.join(" "));
    }
    for (line, missed) in layout(&cells).lines().zip(&missed_labels) {
        out += format!("  {line}  {missed}").trim_end();
        out += "\n";
    }
    match rounds.last() {
        Some(last) if last.simulation.missed().is_empty() => {
            out += &format!("every interval met after {} round(s)\n", last.round);
        }
        Some(last) => {
            out += &format!(
                "the bound of {max_rounds} round(s) was reached with {} interval(s) still missed; raise \
                 --max-rounds or check the templates' maxima\n",
                last.simulation.missed().len()
            );
        }
        None => {}
    }
    out
}
