//! The page of `callsim run`: the answer in words, the summary with intervals, theory beside simulation, the
//! day interval by interval, and the risk (days and intervals meeting the target).

use super::{About, Page, Section, describe, percent, percent_estimate};
use crate::report::{intraday, table};
use crate::scenario::{Scenario, Warning};
use crate::stats::{DayResults, IntervalMetric, Metric, Summary};
use crate::theory::Theory;
use crate::time::format_duration;

/// The results of one `callsim run`, as the command computed them.
#[derive(Debug, Clone, Copy)]
pub struct RunResults<'a> {
    /// The scenario as simulated (overrides applied).
    pub scenario: &'a Scenario,
    /// The summary over replications.
    pub summary: &'a Summary,
    /// Per interval and per day.
    pub day: &'a DayResults,
    /// Exact values beside the simulation, when a textbook model covers the scenario.
    pub theory: Option<&'a Theory>,
    /// The scenario's warnings.
    pub warnings: &'a [Warning],
}

/// Agents on duty in words: `12 agents` when the same all day, else `up to 14 agents on duty`.
fn agents_text(summary: &Summary, day: &DayResults) -> String {
    let agents: u32 = summary.groups.iter().map(|g| g.agents).sum();
    let on_duty: Vec<f64> = day
        .intervals
        .iter()
        .map(|i| i.scopes.last().expect("the total scope")[IntervalMetric::AgentsOnDuty.index()].value())
        .filter(|v| v.is_finite())
        .collect();
    let steady = on_duty.windows(2).all(|w| (w[0] - w[1]).abs() < 1e-9);
    if steady {
        format!("{agents} agent{}", if agents == 1 { "" } else { "s" })
    } else {
        let most = on_duty.iter().copied().fold(0.0f64, f64::max);
        format!("a roster of up to {most:.0} agents on duty")
    }
}

/// The headline: service level in words with its interval, theory's figure beside, then the risk.
fn headline(r: &RunResults) -> Vec<String> {
    let s = r.summary;
    let mut lines = Vec::new();
    let sl = &s.total[Metric::ServiceLevel.index()];
    let theory = r
        .theory
        .and_then(|t| {
            t.value(Metric::ServiceLevel)
                .map(|v| format!("; {} says {}", t.model, percent(v)))
        })
        .unwrap_or_default();
    if s.type_targets {
        let each: Vec<String> = s
            .call_types
            .iter()
            .zip(&s.targets)
            .map(|((name, e), t)| {
                format!(
                    "{name} {} within {} (target {})",
                    percent_estimate(&e[Metric::ServiceLevel.index()]),
                    format_duration(t.answer_within),
                    crate::scenario::share_text(t.target)
                )
            })
            .collect();
        lines.push(format!(
            "With {}, calls are answered within their own type's threshold: {}{theory}.",
            agents_text(s, r.day),
            each.join(", ")
        ));
    } else {
        lines.push(format!(
            "With {}, {} of calls are answered within {}{theory}.",
            agents_text(s, r.day),
            percent_estimate(sl),
            format_duration(r.scenario.answer_within)
        ));
    }
    let asa = &s.total[Metric::AsaS.index()];
    let abandoned = &s.total[Metric::AbandonmentRate.index()];
    let mut second = format!(
        "Callers wait {} s on average before an answer",
        crate::report::format_estimate(Metric::AsaS, asa)
    );
    if r.scenario.call_types.iter().any(|c| c.patience.is_some()) {
        second.push_str(&format!(" and {} hang up before one", percent_estimate(abandoned)));
    }
    lines.push(second + ".");
    let target = if s.type_targets {
        "every call type's own target".to_string()
    } else {
        format!(
            "the target ({} within {})",
            crate::scenario::share_text(r.scenario.service_level_target),
            format_duration(r.scenario.answer_within)
        )
    };
    lines.push(format!(
        "Over {} simulated days, {target} is met on {} of days and in {} of intervals.",
        s.replications,
        percent_estimate(&r.day.days_meeting_target),
        percent_estimate(&r.day.intervals_meeting_target)
    ));
    lines
}

/// The page of a `callsim run`. `drawn` lists the chart files written beside it.
pub fn page(about: About, r: &RunResults, drawn: &[String]) -> Page {
    let s = r.summary;
    let legend = table::interval_legend(s.replications);
    let summary_cells = table::summary_cells(s, r.theory);
    let group_cells = table::group_cells(s);
    let mut summary = Section::new("summary", "Summary")
        .note(format!(
            "{legend}. An interval written [lo, hi] is asymmetric (percentiles, or a share near 0 or 100%)."
        ))
        .table("Every metric per call type, with 95% intervals", summary_cells.clone())
        .table("Agent groups", group_cells.clone());
    if s.campaigns {
        summary = summary.table(
            "Outbound campaigns, all together, with 95% intervals",
            table::campaign_cells(s),
        );
    }
    if table::partial(&summary_cells) || table::partial(&group_cells) {
        summary = summary.note(table::N_NOTE);
    }
    let theory = match r.theory {
        Some(t) if !t.values.is_empty() => {
            let mut section = Section::new("theory", "Theory beside simulation").text(format!(
                "The last column of the summary is {}: {}.",
                t.model,
                if t.exact {
                    "the scenario meets the model's assumptions, so its values are exact and the simulation's \
                     intervals should cover them"
                } else {
                    "an approximation, as the scenario departs from the model's assumptions"
                }
            ));
            if !t.note.is_empty() {
                section = section.note(format!("What the scenario breaks: {}", t.note));
            }
            section
        }
        Some(t) => Section::new("theory", "Theory beside simulation")
            .text(format!("{} gives no values here.", t.model))
            .note(t.note.clone()),
        None => Section::new("theory", "Theory beside simulation").text(format!(
            "No textbook model covers this scenario as a whole ({}). The per-interval table below gives each \
             interval's stationary {} figure as a guide.",
            if r.scenario.campaigns.is_empty() {
                "several call types with patience and lines, or demand or staffing that change through the day"
            } else {
                "outbound campaigns take agents from the inbound calls: the exact chain of blending with a threshold, \
                 callsim::erlang::blend, covers one exponential inbound type beside endless outbound work answered \
                 at once; the per-interval Erlang figures count no outbound work and so are optimistic"
            },
            r.day.theory_model
        )),
    };
    let panels = intraday::intraday_panels(r.scenario, r.day);
    let intraday = Section::new("intraday", "Through the day")
        .chart(
            drawn,
            "intraday.svg",
            "Offered calls, agents and service level per interval",
            describe::lines(&panels),
        )
        .table(
            format!("Per interval (calls by the interval they arrived in; all call types; {legend})"),
            table::interval_cells(r.day),
        )
        .note(format!(
            "{} approx.: each interval alone in steady state with its rostered agents; the queue carries over \
             from one interval to the next, so this is only a guide.",
            r.day.theory_model
        ));
    let mut risk = Section::new("risk", "Risk: days and intervals meeting the target").text(format!(
        "Share of simulated days meeting the target: {}. Share of intervals meeting it (over all days): {}. \
         \"days met\" in the table above is that share for each interval.",
        percent_estimate(&r.day.days_meeting_target),
        percent_estimate(&r.day.intervals_meeting_target)
    ));
    if s.type_targets {
        risk = risk.table(
            "Days and intervals meeting each call type's own target",
            table::meeting_cells(s, r.day),
        );
    }
    if drawn.iter().any(|f| f == "daily_service_level.svg") {
        let histogram = intraday::daily_service_level_histogram(r.scenario, r.day);
        risk = risk.chart(
            drawn,
            "daily_service_level.svg",
            histogram.title.clone(),
            describe::histogram(&histogram),
        );
    } else {
        risk = risk.note(
            "Days differ here only by chance (no busyness or absenteeism in the scenario), so no histogram of \
             daily service level is drawn.",
        );
    }
    Page {
        format: super::FORMAT,
        command: "run".into(),
        title: format!("{}: simulation report", s.scenario),
        about,
        headline: headline(r),
        warnings: r.warnings.iter().map(|w| w.to_string()).collect(),
        sections: vec![summary, theory, intraday, risk],
    }
}
