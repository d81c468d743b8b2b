//! The intraday chart of `callsim run` and the histogram of daily service level, built from [`DayResults`] (the
//! drawing is in [`crate::plot`]).

use crate::plot::{Histogram, LineChart, Series, SeriesPoint, TargetLine};
use crate::scenario::Scenario;
use crate::stats::{DayResults, Estimate, IntervalMetric};

fn point(x: usize, e: &Estimate) -> SeriesPoint {
    SeriesPoint {
        x: x as f64,
        mean: e.value(),
        lo: e.low(),
        hi: e.high(),
    }
}

fn series(name: &str, day: &DayResults, metric: IntervalMetric) -> Series {
    Series {
        name: name.to_string(),
        points: day
            .intervals
            .iter()
            .enumerate()
            .map(|(x, i)| point(x, &i.scopes.last().expect("the total scope")[metric.index()]))
            .collect(),
    }
}

/// One call type's line (`scope` indexes the call types) of a per-interval metric.
fn type_series(name: &str, day: &DayResults, scope: usize, metric: IntervalMetric) -> Series {
    Series {
        name: name.to_string(),
        points: day
            .intervals
            .iter()
            .enumerate()
            .map(|(x, i)| point(x, &i.scopes[scope][metric.index()]))
            .collect(),
    }
}

/// The three panels of the intraday chart, all call types together, clock times on the x axis: offered calls per
/// interval; agents on duty against the agents Erlang C / A would ask for in that interval taken alone (dashed,
/// [`crate::erlang::required_agents`] with the scenario's target); service level per interval with its 95% band
/// and the target line. When call types have targets of their own ([`Scenario::has_type_targets`]), the last
/// panel draws each type's service level and its own target line in the type's colour.
pub fn intraday_panels(scenario: &Scenario, day: &DayResults) -> Vec<LineChart> {
    let ticks: Vec<String> = day.intervals.iter().map(|i| i.interval_start.clone()).collect();
    let x_label = format!(
        "interval start ({} intervals)",
        crate::time::format_duration(scenario.day.intervals.length())
    );
    let base = |title: String, y_label: &str, series: Vec<Series>| LineChart {
        title,
        x_label: x_label.clone(),
        y_label: y_label.to_string(),
        x_ticks: ticks.clone(),
        series,
        dashed: Vec::new(),
        target: None,
        type_targets: Vec::new(),
        share: false,
        y_clip: None,
    };
    let offered = base(
        format!("{}: offered calls per interval", scenario.name),
        "calls",
        vec![series("offered (mean, 95% band)", day, IntervalMetric::Offered)],
    );
    let mut agents = base(
        "agents on duty vs needed for the target (interval alone)".to_string(),
        "agents",
        vec![series("on duty (simulated)", day, IntervalMetric::AgentsOnDuty)],
    );
    agents.dashed = vec![Series {
        name: format!("{} required (approx.)", day.theory_model),
        points: day
            .theory
            .iter()
            .enumerate()
            .map(|(x, t)| {
                let v = t.required_agents.map_or(f64::NAN, f64::from);
                SeriesPoint {
                    x: x as f64,
                    mean: v,
                    lo: f64::NAN,
                    hi: f64::NAN,
                }
            })
            .collect(),
    }];
    let mut service = if scenario.has_type_targets() {
        // Each call type against its own threshold and target, in the type's colour.
        let targets = scenario.service_targets();
        let mut service = base(
            "service level per interval and call type (each within its own threshold)".to_string(),
            "service level",
            targets
                .iter()
                .enumerate()
                .map(|(t, goal)| {
                    let within = crate::time::format_duration(goal.answer_within);
                    let name = format!("{} (in {within}, 95% band)", goal.call_type);
                    type_series(&name, day, t, IntervalMetric::ServiceLevel)
                })
                .collect(),
        );
        service.type_targets = targets
            .iter()
            .enumerate()
            .map(|(t, goal)| TargetLine {
                name: format!("{} target", goal.call_type),
                value: goal.target,
                colour: t,
            })
            .collect();
        service
    } else {
        let mut service = base(
            format!(
                "service level per interval (answered within {})",
                crate::time::format_duration(scenario.answer_within)
            ),
            "service level",
            vec![series("service level (95% band)", day, IntervalMetric::ServiceLevel)],
        );
        service.target = Some(scenario.service_level_target);
        service
    };
    service.share = true;
    vec![offered, agents, service]
}

/// True when days differ by more than chance within a day (busyness or absenteeism is on): then the distribution
/// of daily service level is worth a chart.
pub fn days_vary(scenario: &Scenario) -> bool {
    scenario.day.busyness.cv() > 0.0 || scenario.agent_groups.iter().any(|g| g.absenteeism > 0.0)
}

/// The histogram of daily service level (all call types) with the target.
///
/// The x axis runs from 5 points below the worst day (rounded down to 5%) to 100%, in bins of 2.5 points.
pub fn daily_service_level_histogram(scenario: &Scenario, day: &DayResults) -> Histogram {
    let values = day.daily_service_levels();
    let worst = values.iter().copied().filter(|v| v.is_finite()).fold(1.0f64, f64::min);
    let low = (((worst - 0.05) * 20.0).floor() / 20.0).clamp(0.0, 0.9);
    // With targets that differ by call type there is no one target for the day's total.
    let differ = scenario.targets_differ();
    Histogram {
        title: format!(
            "Daily service level over {} days ({} met on {:.0}% of days)",
            day.days.len(),
            if differ { "every type's target" } else { "target" },
            day.days_meeting_target.value() * 100.0
        ),
        x_label: "service level of the day".to_string(),
        values,
        range: (low, 1.0),
        bins: ((1.0 - low) / 0.025).round().max(1.0) as usize,
        share: true,
        target: (!differ).then(|| scenario.common_target()),
    }
}
