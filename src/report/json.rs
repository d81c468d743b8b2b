//! The `--json` objects. Keys are a contract with users' scripts: add, never rename or drop.

use serde_json::{Map, Value, json};

use crate::scenario::Warning;
use crate::stats::{DayResults, Estimate, IntervalMetric, Metric, MetricEstimates, Summary};
use crate::theory::Theory;

fn number(value: Option<f64>) -> Value {
    value.filter(|v| v.is_finite()).map_or(Value::Null, |v| json!(v))
}

/// `{"mean": x, "ci95": h, "lo": a, "hi": b, "n": k}`, with `null` where undefined: `lo` and `hi` are the ends of
/// the 95% interval (asymmetric for percentiles, clipped to the metric's range), `n` the replications in which
/// the value was defined.
pub fn estimate_json(estimate: &Estimate) -> Value {
    json!({
        "mean": number(estimate.mean),
        "ci95": number(estimate.ci95),
        "lo": number(estimate.lo),
        "hi": number(estimate.hi),
        "n": estimate.n,
    })
}

/// Every metric of one scope, keyed by metric name.
pub fn metrics_json(estimates: &MetricEstimates) -> Value {
    let mut map = Map::new();
    for metric in Metric::ALL {
        map.insert(metric.name().into(), estimate_json(&estimates[metric.index()]));
    }
    Value::Object(map)
}

/// The `callsim run --json` object. Each `call_types.<name>` carries, beside its metrics, the goal it is held
/// against: `service_level_target`, `answer_within_s` and `short_abandon_s` (its own, else the scenario's).
pub fn summary_json(summary: &Summary, theory: Option<&Theory>, warnings: &[Warning]) -> Value {
    let call_types: Map<String, Value> = summary
        .call_types
        .iter()
        .zip(&summary.targets)
        .map(|((name, e), target)| {
            let mut metrics = metrics_json(e);
            metrics["service_level_target"] = json!(target.target);
            metrics["answer_within_s"] = json!(target.answer_within);
            metrics["short_abandon_s"] = json!(target.short_abandon);
            (name.clone(), metrics)
        })
        .collect();
    let groups: Map<String, Value> = summary
        .groups
        .iter()
        .map(|g| {
            (
                g.name.clone(),
                json!({
                    "agents": g.agents,
                    "occupancy": estimate_json(&g.occupancy),
                    "calls_handled": estimate_json(&g.calls_handled),
                    "overtime_s": estimate_json(&g.overtime_s),
                }),
            )
        })
        .collect();
    let mut object = json!({
        "scenario": summary.scenario,
        "replications": summary.replications,
        "total": metrics_json(&summary.total),
        "call_types": call_types,
        "agent_groups": groups,
        "warnings": warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
    });
    if let Some(theory) = theory {
        let values: Map<String, Value> = theory
            .values
            .iter()
            .map(|(m, v)| (m.name().to_string(), number(Some(*v))))
            .collect();
        object["theory"] =
            json!({ "model": theory.model, "exact": theory.exact, "values": values, "note": theory.note });
    }
    object
}

/// One interval's estimates of one scope, keyed by [`IntervalMetric::name`].
fn interval_metrics_json(estimates: &[Estimate; IntervalMetric::COUNT]) -> Value {
    let mut map = Map::new();
    for metric in IntervalMetric::ALL {
        map.insert(metric.name().into(), estimate_json(&estimates[metric.index()]));
    }
    Value::Object(map)
}

/// Adds the per-interval and per-day results to a [`summary_json`] object: `days_meeting_target` and
/// `intervals_meeting_target` (estimates; also under each `call_types.<name>`, against that type's own target),
/// and `intervals`, one object per interval with `interval_start`,
/// `total` and `call_types` (per-interval metrics keyed by name), and `theory`: the stationary Erlang C / A
/// figures of the interval taken alone (`model`, `erlang_service_level`, `required_agents`,
/// `agents_on_duty_rostered`; an approximation, as the queue carries over); and `days`: per replication the day's raw
/// counts of all call types together (`offered`, `blocked`, `messages`, `redials`, `callers`, ...), its
/// `service_level` and `callers_answered`.
pub fn add_day_json(object: &mut Value, summary: &Summary, day: &DayResults) {
    let names: Vec<&str> = summary.scopes().map(|(name, _)| name).collect();
    let intervals: Vec<Value> = day
        .intervals
        .iter()
        .zip(&day.theory)
        .map(|(interval, theory)| {
            let (total, types) = interval.scopes.split_last().expect("the total scope");
            let call_types: Map<String, Value> = types
                .iter()
                .zip(&names)
                .map(|(e, name)| (name.to_string(), interval_metrics_json(e)))
                .collect();
            json!({
                "interval_start": interval.interval_start,
                "total": interval_metrics_json(total),
                "call_types": call_types,
                "theory": {
                    "model": format!("{} approx.", day.theory_model),
                    "erlang_service_level": number(Some(theory.erlang_service_level)),
                    "required_agents": theory.required_agents,
                    "agents_on_duty_rostered": number(Some(theory.agents_on_duty)),
                    "expected_calls": number(Some(theory.calls)),
                },
            })
        })
        .collect();
    object["days_meeting_target"] = estimate_json(&day.days_meeting_target);
    object["intervals_meeting_target"] = estimate_json(&day.intervals_meeting_target);
    for ((name, _), (days, intervals)) in summary.call_types.iter().zip(
        day.call_type_days_meeting_target
            .iter()
            .zip(&day.call_type_intervals_meeting_target),
    ) {
        if let Some(entry) = object["call_types"].get_mut(name) {
            entry["days_meeting_target"] = estimate_json(days);
            entry["intervals_meeting_target"] = estimate_json(intervals);
        }
    }
    object["intervals"] = Value::Array(intervals);
    object["days"] = day
        .days
        .iter()
        .enumerate()
        .map(|(replication, (record, metrics))| {
            let total = metrics.last().expect("the total scope");
            let mut counts = serde_json::to_value(record.total).expect("plain counts serialize");
            let callers = record.callers.last().copied().unwrap_or_default();
            if let (Value::Object(counts), Value::Object(callers)) = (
                &mut counts,
                serde_json::to_value(callers).expect("plain counts serialize"),
            ) {
                counts.extend(callers);
            }
            json!({
                "replication": replication,
                "total": counts,
                "service_level": number(Some(total[Metric::ServiceLevel.index()])),
                "callers_answered": number(Some(total[Metric::CallersAnswered.index()])),
            })
        })
        .collect();
}
