//! A staffing plan as output: CSV/JSON rows ([`StaffRow`]), the scenario's `count` lists ([`counts_toml`]) and
//! the chart of required agents over the forecast ([`chart`]). Nothing here writes files.

use serde::Serialize;

use super::{StaffPlan, erlang};
use crate::erlang::scheduled_agents;
use crate::plot::{LineChart, Series, SeriesPoint};
use crate::scenario::Scenario;

/// One row of `staffing.csv` and of `--json`'s `intervals`: one group in one interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffRow {
    /// Clock time of the interval's start (from `opens_at`).
    pub interval_start: String,
    /// Agent group name.
    pub group: String,
    /// Expected calls offered in the interval, all call types.
    pub calls: f64,
    /// Agents on duty the group needs.
    pub required: u32,
    /// Agents to schedule after shrinkage: `ceil(required / (1 - shrinkage))`.
    pub scheduled: u32,
    /// Achieved service level of the interval (all call types; empty without calls).
    pub service_level: Option<f64>,
    /// Achieved average speed of answer in seconds.
    pub asa_s: Option<f64>,
    /// Achieved share of calls abandoned.
    pub abandonment_rate: Option<f64>,
    /// Achieved occupancy.
    pub occupancy: Option<f64>,
    /// Whether the interval meets the targets.
    pub met: bool,
}

/// The plan's rows, interval by interval, groups in scenario order.
pub fn rows(scenario: &Scenario, plan: &StaffPlan, shrinkage: f64) -> Vec<StaffRow> {
    plan.intervals
        .iter()
        .flat_map(|p| {
            scenario
                .agent_groups
                .iter()
                .zip(&p.required)
                .map(move |(g, &required)| StaffRow {
                    interval_start: p.interval_start.clone(),
                    group: g.name.clone(),
                    calls: p.calls,
                    required,
                    scheduled: scheduled_agents(required, shrinkage),
                    service_level: p.achieved.service_level,
                    asa_s: p.achieved.asa_s,
                    abandonment_rate: p.achieved.abandonment_rate,
                    occupancy: p.achieved.occupancy,
                    met: p.met,
                })
        })
        .collect()
}

/// Each group's `count` list (agents on duty per interval: the `required` column), ready to paste into the
/// scenario's `[[agent_groups]]` entries, with the intervals' clock times as a comment.
pub fn counts_toml(scenario: &Scenario, plan: &StaffPlan) -> String {
    let times: Vec<String> = plan.intervals.iter().map(|p| p.interval_start.clone()).collect();
    let mut text = format!(
        "# agents on duty per interval ({} method), one value per interval from {}\n",
        plan.method.name(),
        times.first().map_or("", String::as_str)
    );
    for (g, group) in scenario.agent_groups.iter().enumerate() {
        let list: Vec<String> = plan.intervals.iter().map(|p| p.required[g].to_string()).collect();
        text.push_str(&format!(
            "\n[[agent_groups]]\nname = {:?}\n# {}\ncount = [{}]\n",
            group.name,
            times.join(" "),
            list.join(", ")
        ));
    }
    text
}

/// The chart's two panels: the forecast (offered calls per interval) and the required agents (all groups) by
/// each plan given (Erlang, and simulation when computed).
pub fn chart(scenario: &Scenario, plans: &[&StaffPlan]) -> Vec<LineChart> {
    let ticks: Vec<String> = (0..scenario.day.intervals.len())
        .map(|i| scenario.day.intervals.label(i))
        .collect();
    let line = |name: String, values: Vec<f64>| Series {
        name,
        points: values
            .into_iter()
            .enumerate()
            .map(|(x, v)| SeriesPoint {
                x: x as f64,
                mean: v,
                lo: f64::NAN,
                hi: f64::NAN,
            })
            .collect(),
    };
    let base = LineChart {
        title: String::new(),
        x_label: "interval start".into(),
        y_label: String::new(),
        x_ticks: ticks,
        series: Vec::new(),
        dashed: Vec::new(),
        target: None,
        type_targets: Vec::new(),
        share: false,
        y_clip: None,
    };
    let forecast = LineChart {
        title: format!("{}: forecast", scenario.name),
        y_label: "offered calls per interval".into(),
        series: vec![line(
            "offered calls".into(),
            erlang::traffic(scenario).iter().map(|t| t.calls).collect(),
        )],
        ..base.clone()
    };
    let required = LineChart {
        title: "required agents on duty (all groups)".into(),
        y_label: "agents".into(),
        series: plans
            .iter()
            .map(|p| {
                line(
                    format!("{} method", p.method.name()),
                    p.intervals.iter().map(|i| i.total() as f64).collect(),
                )
            })
            .collect(),
        ..base
    };
    vec![forecast, required]
}

/// The staffing table (cells, header first): per interval and group the calls, required and scheduled agents,
/// what they achieve and whether the targets are met. Shared by the terminal and the HTML report.
pub fn table_cells(rows: &[StaffRow]) -> Vec<Vec<String>> {
    let share = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{:.1}%", v * 100.0));
    let mut table = vec![
        [
            "interval",
            "group",
            "calls",
            "required",
            "scheduled",
            "service level",
            "ASA",
            "abandoned",
            "occupancy",
            "met",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for r in rows {
        table.push(vec![
            r.interval_start.clone(),
            r.group.clone(),
            format!("{:.1}", r.calls),
            r.required.to_string(),
            r.scheduled.to_string(),
            share(r.service_level),
            r.asa_s.map_or("-".to_string(), |v| format!("{v:.1}s")),
            share(r.abandonment_rate),
            share(r.occupancy),
            if r.met { "yes" } else { "NO" }.to_string(),
        ]);
    }
    table
}
