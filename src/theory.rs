//! Theory next to simulation: the textbook figures for single-queue scenarios.
//!
//! With one call type (agent groups and selection then do not matter: all agents are alike) a textbook model
//! applies: without patience and lines Erlang C (M/M/c), with patience Erlang A (M/M/c+M), with lines and no
//! patience M/M/c/K. The figures are **exact** when handle times are exponential with no after-call work and
//! patience (if any) is exponential. Otherwise the same model is shown as an **approximation** with the same means
//! (handle time plus after-call work; mean patience), so a student sees what the exponential assumption costs.
//!
//! A queue capacity (total or the call type's own) is a trunk: `K = agents + capacity` (the smaller with `lines`).
//! With lines (or a queue capacity) and patience, or with redials, the model is Erlang X ([`crate::erlang::x`]):
//! exact when the delay between attempts is exponential, redials follow both abandons and busy tones, each redial
//! draws a new patience (`redial.patience = "new"`; a caller keeping their own patience is the same person, which
//! Erlang X's memoryless callers are not) and `max_attempts` is not what stops them. Caller behaviour outside
//! these models (a wait limit, repeat calls, an announced wait) is named in the note and makes the figures an
//! approximation.
//!
//! A chat type answered by agents holding several chats (`concurrency` above 1) gets the chat chain of
//! [`crate::erlang::chat`] instead (with `concurrency = 1` a chat is a call, and the voice models apply).

use crate::erlang::{MAX_POSITIONS, erlang_a, erlang_c, mmck};
use crate::scenario::Scenario;
use crate::stats::Metric;

/// Textbook values of some metrics for a single-queue scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Theory {
    /// The model's name, e.g. `"Erlang C (M/M/c)"`, marked `approx.` when inexact.
    pub model: String,
    /// True when the scenario meets the model's assumptions, so the values are exact.
    pub exact: bool,
    /// Value per metric.
    pub values: Vec<(Metric, f64)>,
    /// Why the values are missing (an unstable Erlang C) or approximate; empty for exact values.
    pub note: String,
}

impl Theory {
    /// The model's value of a metric, if it gives one.
    pub fn value(&self, metric: Metric) -> Option<f64> {
        self.values.iter().find(|(m, _)| *m == metric).map(|(_, v)| *v)
    }
}

/// The textbook figures for `scenario`, or `None` when it has several call types, both lines and patience, or
/// demand or staffing that change through the day (then each interval has its own stationary figures, see
/// [`crate::stats::interval`]: never one number for the whole day).
pub fn theory_for(scenario: &Scenario) -> Option<Theory> {
    let [call_type] = scenario.call_types.as_slice() else {
        return None;
    };
    if !scenario.is_stationary() || !scenario.campaigns.is_empty() {
        return None;
    }
    // The agents who answer calls (a group that only answers consults does not).
    let agents: u32 = scenario
        .agent_groups
        .iter()
        .filter(|g| !g.skills.is_empty())
        .map(|g| g.count)
        .sum();
    let rate = call_type.arrival_rate;
    let aht = call_type.service.mean() + call_type.after_call_work;
    let within = scenario.answer_within_of(0);
    if let Some(chat) = &call_type.chat
        && scenario
            .agent_groups
            .iter()
            .any(|g| !g.skills.is_empty() && g.concurrency > 1)
    {
        return chat_theory(scenario, chat, agents, within);
    }
    let mut departures = Vec::new();
    if !call_type.service.is_exponential() {
        departures.push(format!(
            "handle times are {} (cv {:.2}), not exponential",
            call_type.service.family(),
            call_type.service.cv()
        ));
    }
    if call_type.after_call_work > 0.0 {
        departures.push("after-call work is added to the handle time".to_string());
    }
    if let Some(p) = call_type.patience.as_ref().filter(|p| !p.is_exponential()) {
        departures.push(format!("patience is {}, not exponential", p.family()));
    }
    if scenario.day.busyness.cv() > 0.0 {
        departures.push("each day's rate varies (busyness)".to_string());
    }
    if scenario.agent_groups.iter().any(|g| g.absenteeism > 0.0) {
        departures.push("absent agents make the staff level vary from day to day".to_string());
    }
    if call_type.balk > 0.0 {
        departures.push("callers who balk are not in the model".to_string());
    }
    if call_type.consult.as_ref().is_some_and(|k| k.probability > 0.0) {
        departures.push("supervisor consults lengthen the calls (not in the model)".to_string());
    }
    if scenario
        .agent_groups
        .iter()
        .any(|g| g.skill_after.iter().any(|&after| after > 0.0))
    {
        departures.push("groups that answer only after a wait (skills with after) are not in the model".to_string());
    }
    let behaviour = &call_type.callers;
    if behaviour.max_wait.is_some() {
        departures.push("the wait limit (max_wait) is not in the model".to_string());
    }
    let redial = behaviour.redial.as_ref().filter(|r| r.probability > 0.0);
    if behaviour.resolution.as_ref().is_some_and(|r| r.first_contact < 1.0) {
        departures.push("repeat calls are not in the model".to_string());
    }
    if behaviour.announce_wait.iter().any(|b| b.probability > 0.0) {
        departures.push("callers who balk on the announced wait are not in the model".to_string());
    }
    // A queue capacity caps the calls in the system at agents + capacity, like trunk lines.
    let capacity = [scenario.queue_capacity, behaviour.queue_capacity]
        .into_iter()
        .flatten()
        .min()
        .map(|q| agents.saturating_add(q));
    let lines = [scenario.lines, capacity].into_iter().flatten().min();
    if let Some(r) = redial {
        if lines.is_none() {
            departures.push("redials are not in the model (Erlang X needs lines or a queue capacity)".to_string());
        }
        if !r.delay.is_exponential() {
            departures.push(format!("the redial delay is {}, not exponential", r.delay.family()));
        }
        if !(r.after.blocked && (r.after.abandon || call_type.patience.is_none())) {
            departures.push("Erlang X redials after both abandons and busy tones".to_string());
        }
        if call_type.patience.is_some() && !r.new_patience {
            departures.push(
                "a redialling caller keeps their patience (Erlang X draws a new one: redial patience = \"new\")"
                    .to_string(),
            );
        }
        if r.probability.powi(r.max_attempts as i32 - 1) > 1e-4 {
            departures.push(format!(
                "redials stop after {} attempts (Erlang X has no limit)",
                r.max_attempts
            ));
        }
    }
    let exact = departures.is_empty();
    let note = if exact {
        String::new()
    } else {
        format!("approximation with the same means: {}", departures.join("; "))
    };
    let model = |name: &str, values: Vec<(Metric, f64)>, note: String| Theory {
        model: if exact {
            name.to_string()
        } else {
            format!("{name} approx.")
        },
        exact,
        values,
        note,
    };
    if let (Some(lines), true) = (lines, redial.is_some() || call_type.patience.is_some()) {
        return erlang_x_theory(
            agents,
            lines,
            (rate, aht),
            call_type.patience.as_ref().map(|p| p.mean()),
            redial.map(|r| (r.probability, r.delay.mean())),
            within,
            (exact, note),
        );
    }
    match (&call_type.patience, lines) {
        (None, None) => Some(match erlang_c(agents, rate, aht) {
            Ok(c) => model(
                "Erlang C (M/M/c)",
                [
                    (Metric::ServiceLevel, c.service_level(within)),
                    (Metric::PWait, c.p_wait),
                    (Metric::AsaS, c.asa()),
                    (Metric::MeanWaitS, c.asa()),
                    (Metric::AbandonmentRate, 0.0),
                    (Metric::MeanQueueLength, c.mean_queue_length()),
                    (Metric::Occupancy, c.occupancy()),
                ]
                .into_iter()
                .chain(Metric::PERCENTILES.map(|(m, p)| (m, c.wait_quantile(p))))
                .collect(),
                note,
            ),
            Err(unstable) => model("Erlang C (M/M/c)", Vec::new(), unstable.to_string()),
        }),
        (Some(patience), None) => {
            let a = erlang_a(agents, rate, aht, patience.mean());
            if a.truncated {
                let note = format!(
                    "the steady-state queue is longer than {MAX_POSITIONS} callers (overloaded, patience {}): Erlang A \
                     is not computed",
                    crate::time::format_duration(patience.mean())
                );
                return Some(model("Erlang A (M/M/c+M)", Vec::new(), note));
            }
            let values = vec![
                (Metric::ServiceLevel, a.service_level(within)),
                (Metric::PWait, a.p_wait),
                (Metric::AsaS, a.asa),
                (Metric::MeanWaitS, a.mean_wait),
                (Metric::AbandonmentRate, a.p_abandon),
                (Metric::MeanQueueLength, a.mean_queue_length),
                (Metric::Occupancy, a.occupancy),
            ];
            Some(model("Erlang A (M/M/c+M)", values, note))
        }
        (None, Some(lines)) if lines >= agents => {
            let m = mmck(agents, lines, rate, aht);
            let values = vec![
                (Metric::ServiceLevel, m.service_level(within)),
                (Metric::PWait, m.p_wait),
                (Metric::AsaS, m.mean_wait),
                (Metric::MeanWaitS, m.mean_wait),
                (Metric::BlockingRate, m.blocking),
                (Metric::MeanQueueLength, m.mean_queue_length),
                (Metric::Occupancy, m.occupancy),
            ];
            Some(model("M/M/c/K", values, note))
        }
        _ => None,
    }
}

/// The chat chain beside a single chat type answered by agents holding several chats
/// ([`crate::erlang::chat`]): exact (its Markov chain of least-loaded routing) when the chat's work and patience
/// are exponential, every group answering it has the same concurrency and nothing outside the model applies; the
/// pooled approximation when the exact chain is too large. `None` when the groups' concurrencies differ.
fn chat_theory(scenario: &Scenario, chat: &crate::scenario::chat::Chat, agents: u32, within: f64) -> Option<Theory> {
    use crate::erlang::chat::{ChatError, ChatModel, chat_exact, chat_pooled};
    let call_type = &scenario.call_types[0];
    let answering: Vec<_> = scenario.agent_groups.iter().filter(|g| !g.skills.is_empty()).collect();
    let concurrency = answering[0].concurrency;
    if answering.iter().any(|g| g.concurrency != concurrency) {
        return None;
    }
    let mut departures = Vec::new();
    if !call_type.service.is_exponential() {
        departures.push(format!("chat work is {}, not exponential", call_type.service.family()));
    }
    if let Some(p) = call_type.patience.as_ref().filter(|p| !p.is_exponential()) {
        departures.push(format!("patience is {}, not exponential", p.family()));
    }
    let behaviour = &call_type.callers;
    if scenario.lines.is_some() || scenario.queue_capacity.is_some() || behaviour.queue_capacity.is_some() {
        departures.push("lines and queue capacities are not in the chat model".to_string());
    }
    if behaviour.max_wait.is_some()
        || behaviour.redial.is_some()
        || behaviour.resolution.is_some()
        || !behaviour.announce_wait.is_empty()
        || call_type.balk > 0.0
    {
        departures
            .push("caller behaviour (wait limit, redials, repeats, balking) is not in the chat model".to_string());
    }
    if scenario.day.busyness.cv() > 0.0 || scenario.agent_groups.iter().any(|g| g.absenteeism > 0.0) {
        departures.push("the day's rate or staff varies (busyness, absenteeism)".to_string());
    }
    let model = ChatModel {
        agents,
        chats_per_second: call_type.arrival_rate,
        handle_times: chat.handle_times[..concurrency as usize].to_vec(),
        patience: call_type.patience.as_ref().map_or(f64::INFINITY, |p| p.mean()),
    };
    let (name, figures) = match chat_exact(&model) {
        Err(ChatError::TooLarge { states }) => {
            departures.push(format!(
                "the exact chain has {states} states: pooled birth-death approximation"
            ));
            ("chat chain, pooled", chat_pooled(&model))
        }
        other => ("chat chain (least loaded)", other),
    };
    let exact = departures.is_empty();
    let model_name = if exact {
        name.to_string()
    } else {
        format!("{name} approx.")
    };
    let note = if exact {
        String::new()
    } else {
        format!("approximation with the same means: {}", departures.join("; "))
    };
    Some(match figures {
        Ok(c) => Theory {
            model: model_name,
            exact,
            values: vec![
                (Metric::ServiceLevel, c.service_level(within)),
                (Metric::PWait, c.p_wait),
                (Metric::AsaS, c.asa),
                (Metric::MeanWaitS, c.mean_wait),
                (Metric::AbandonmentRate, c.p_abandon),
                (Metric::MeanQueueLength, c.mean_queue_length),
                (Metric::Occupancy, c.occupancy),
            ],
            note,
        },
        Err(error) => Theory {
            model: model_name,
            exact,
            values: Vec::new(),
            note: error.to_string(),
        },
    })
}

/// Erlang X beside a single-queue scenario with lines (or a queue capacity): `traffic` is (arrival rate, AHT),
/// `redial` (probability, mean delay); `verdict` whether the scenario meets the model's assumptions and the note.
fn erlang_x_theory(
    agents: u32,
    lines: u32,
    traffic: (f64, f64),
    patience: Option<f64>,
    redial: Option<(f64, f64)>,
    within: f64,
    verdict: (bool, String),
) -> Option<Theory> {
    let (exact, note) = verdict;
    let name = "Erlang X";
    let model = if exact {
        name.to_string()
    } else {
        format!("{name} approx.")
    };
    let (probability, delay) = redial.unwrap_or((0.0, 1.0));
    match crate::erlang::x::erlang_x(agents, lines, traffic.0, traffic.1, patience, probability, delay) {
        Ok(x) => Some(Theory {
            model,
            exact,
            values: vec![
                (Metric::ServiceLevel, x.service_level(within)),
                (Metric::PWait, x.p_wait),
                (Metric::AsaS, x.asa_s),
                (Metric::AbandonmentRate, x.abandonment_rate),
                (Metric::BlockingRate, x.blocking_rate),
                (Metric::MeanQueueLength, x.mean_queue_length),
                (Metric::Occupancy, x.occupancy),
                (Metric::AttemptsPerCaller, x.attempts_per_caller),
                (Metric::CallersLost, x.lost_share),
                (Metric::CallersAnswered, 1.0 - x.lost_share),
            ],
            note,
        }),
        Err(error) => Some(Theory {
            model,
            exact,
            values: Vec::new(),
            note: format!("Erlang X is not computed: {error}"),
        }),
    }
}
