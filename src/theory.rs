//! Theory next to simulation: the exact figures for scenarios a textbook model covers.
//!
//! A scenario is covered when it has one call type with exponential handle times and no after-call work:
//! without patience and lines it is Erlang C (M/M/c), with exponential patience Erlang A (M/M/c+M), with lines
//! and no patience M/M/c/K. Agent groups and selection do not matter with one call type (all agents are alike).

use crate::erlang::{erlang_a, erlang_c, mmck};
use crate::scenario::Scenario;
use crate::stats::Metric;

/// Exact values of some metrics for a covered scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Theory {
    /// The model's name, e.g. `"Erlang C (M/M/c)"`.
    pub model: &'static str,
    /// Exact value per metric.
    pub values: Vec<(Metric, f64)>,
    /// Why theory is missing for an uncovered or unstable case (empty when `values` is set).
    pub note: String,
}

impl Theory {
    /// The exact value of a metric, if the model gives one.
    pub fn value(&self, metric: Metric) -> Option<f64> {
        self.values.iter().find(|(m, _)| *m == metric).map(|(_, v)| *v)
    }
}

/// The exact figures for `scenario`, or `None` when no textbook model covers it.
pub fn theory_for(scenario: &Scenario) -> Option<Theory> {
    let [call_type] = scenario.call_types.as_slice() else {
        return None;
    };
    if !call_type.service.is_exponential() || call_type.after_call_work > 0.0 {
        return None;
    }
    let agents = scenario.total_agents();
    let rate = call_type.arrival_rate;
    let aht = call_type.service.mean();
    let within = scenario.answer_within;
    match (&call_type.patience, scenario.lines) {
        (None, None) => Some(match erlang_c(agents, rate, aht) {
            Ok(c) => Theory {
                model: "Erlang C (M/M/c)",
                values: vec![
                    (Metric::ServiceLevel, c.service_level(within)),
                    (Metric::PWait, c.p_wait),
                    (Metric::AsaS, c.asa()),
                    (Metric::MeanWaitS, c.asa()),
                    (Metric::AbandonmentRate, 0.0),
                    (Metric::WaitP50S, c.wait_quantile(0.5)),
                    (Metric::WaitP80S, c.wait_quantile(0.8)),
                    (Metric::WaitP90S, c.wait_quantile(0.9)),
                    (Metric::WaitP95S, c.wait_quantile(0.95)),
                    (Metric::WaitP99S, c.wait_quantile(0.99)),
                    (Metric::MeanQueueLength, c.mean_queue_length()),
                    (Metric::Occupancy, c.occupancy()),
                ],
                note: String::new(),
            },
            Err(unstable) => Theory {
                model: "Erlang C (M/M/c)",
                values: Vec::new(),
                note: unstable.to_string(),
            },
        }),
        (Some(patience), None) if patience.is_exponential() => {
            let a = erlang_a(agents, rate, aht, patience.mean());
            Some(Theory {
                model: "Erlang A (M/M/c+M)",
                values: vec![
                    (Metric::ServiceLevel, a.service_level(within)),
                    (Metric::PWait, a.p_wait),
                    (Metric::AsaS, a.asa),
                    (Metric::MeanWaitS, a.mean_wait),
                    (Metric::AbandonmentRate, a.p_abandon),
                    (Metric::MeanQueueLength, a.mean_queue_length),
                    (Metric::Occupancy, a.occupancy),
                ],
                note: String::new(),
            })
        }
        (None, Some(lines)) if lines >= agents => {
            let m = mmck(agents, lines, rate, aht);
            Some(Theory {
                model: "M/M/c/K",
                values: vec![
                    (Metric::ServiceLevel, m.service_level(within)),
                    (Metric::PWait, m.p_wait),
                    (Metric::AsaS, m.mean_wait),
                    (Metric::MeanWaitS, m.mean_wait),
                    (Metric::BlockingRate, m.blocking),
                    (Metric::MeanQueueLength, m.mean_queue_length),
                    (Metric::Occupancy, m.occupancy),
                ],
                note: String::new(),
            })
        }
        _ => None,
    }
}
