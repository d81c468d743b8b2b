//! Sweep axes: `PATH=VALUES` specifications and how a value is written into a scenario (the grammar of
//! `[sweep] vary` and `--vary`; the sweep runner in [`crate::sweep`] uses it, the scenario checks it on reading).
//!
//! `PATH` addresses any scenario field with dots; arrays of tables are addressed by element name:
//! `agent_groups.agents.count`, `call_types.vip.priority`, `call_types.general.service.mean`, `routing.queue`.
//! A list element is addressed by its position from 0: `agent_groups.agents.count.3` (the fourth interval's
//! agents), `call_types.general.arrivals.per_hour.0`, `agent_groups.agents.shifts.1.count` (an array of tables
//! without names, or whose names do not match, by position).
//! `VALUES` is a comma list (`fifo,priority`, `3m,4m`) or an inclusive range: numbers `10:20` or `10:20:2`,
//! durations `2m:4m:30s` (step one minute when omitted).

use toml::{Table, Value};

use crate::limits::quote;
use crate::time::parse_duration;

/// Most points a sweep grid may have.
pub const MAX_POINTS: usize = 10_000;

/// One swept field and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The dotted path, as given.
    pub path: String,
    /// The values, as TOML values.
    pub values: Vec<Value>,
}

/// Text of a value as shown in CSV cells and plot labels (strings without quotes).
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn parse_scalar(text: &str) -> Value {
    let text = text.trim();
    if let Ok(i) = text.parse::<i64>() {
        Value::Integer(i)
    } else if let Ok(f) = text.parse::<f64>() {
        Value::Float(f)
    } else if let Ok(b) = text.parse::<bool>() {
        Value::Boolean(b)
    } else {
        Value::String(text.to_string())
    }
}

impl Axis {
    /// Parses `PATH=VALUES`.
    pub fn parse(spec: &str) -> Result<Axis, String> {
        let Some((path, values)) = spec.split_once('=') else {
            return Err(
                "expected PATH=VALUES, e.g. agent_groups.agents.count=10:20 or routing.queue=fifo,priority".into(),
            );
        };
        let path = path.trim();
        if path.is_empty() || path.split('.').any(|s| s.trim().is_empty()) {
            return Err(format!(
                "\"{}\" is not a dotted path such as call_types.general.priority",
                quote(path)
            ));
        }
        let values = values.trim();
        if values.is_empty() {
            return Err("no values after '='".into());
        }
        let parsed = if values.contains(':') && !values.contains(',') && looks_numeric_range(values) {
            parse_range(values)?
        } else if values.contains(':') && !values.contains(',') {
            parse_duration_range(values)?
        } else {
            let items: Vec<&str> = values.split(',').map(str::trim).collect();
            if items.iter().any(|s| s.is_empty()) {
                return Err(format!("empty item in the list \"{}\"", quote(values)));
            }
            items.into_iter().map(parse_scalar).collect()
        };
        if let Some(twice) = first_duplicate(&parsed) {
            return Err(format!(
                "\"{}\" is listed twice in \"{}\"; give each value once",
                quote(&value_text(&twice)),
                quote(values)
            ));
        }
        Ok(Axis {
            path: path.to_string(),
            values: parsed,
        })
    }
}

/// A value that occurs twice (numbers compared by value, so `1` and `1.0` are the same).
fn first_duplicate(values: &[Value]) -> Option<Value> {
    let mut numbers: Vec<(f64, usize)> = Vec::new();
    let mut texts = std::collections::HashSet::new();
    for (index, value) in values.iter().enumerate() {
        match value {
            Value::Integer(i) => numbers.push((*i as f64, index)),
            Value::Float(f) => numbers.push((*f, index)),
            other => {
                if !texts.insert(value_text(other)) {
                    return Some(other.clone());
                }
            }
        }
    }
    numbers.sort_by(|a, b| a.0.total_cmp(&b.0));
    numbers
        .windows(2)
        .find(|pair| pair[0].0 == pair[1].0)
        .map(|pair| values[pair[0].1.max(pair[1].1)].clone())
}

fn looks_numeric_range(text: &str) -> bool {
    text.split(':').all(|part| part.trim().parse::<f64>().is_ok())
}

/// `2m:4m:30s`: durations from START to END by STEP (default one minute), written back as seconds (`"150s"`).
fn parse_duration_range(spec: &str) -> Result<Vec<Value>, String> {
    let values = expand_range(spec, parse_duration, 60.0)?;
    Ok(values.into_iter().map(|v| Value::String(format!("{v}s"))).collect())
}

/// `10:20` or `0.5:1.5:0.25`: numbers from START to END by STEP (default 1), integers when all three are.
fn parse_range(spec: &str) -> Result<Vec<Value>, String> {
    let all_integers = spec.split(':').all(|p| p.trim().parse::<i64>().is_ok());
    let values = expand_range(
        spec,
        |part| {
            part.trim()
                .parse::<f64>()
                .map_err(|_| format!("\"{}\" is not a number", quote(part)))
        },
        1.0,
    )?;
    Ok(values
        .into_iter()
        .map(|v| {
            if all_integers {
                Value::Integer(v.round() as i64)
            } else {
                Value::Float(v)
            }
        })
        .collect())
}

/// The values of an inclusive range `START:END[:STEP]`, each bound read by `parse`.
fn expand_range(
    spec: &str,
    parse: impl Fn(&str) -> Result<f64, String>,
    default_step: f64,
) -> Result<Vec<f64>, String> {
    let spec_text = quote(spec);
    let parts = spec
        .split(':')
        .map(|part| parse(part).map_err(|why| format!("range \"{spec_text}\": {why}")))
        .collect::<Result<Vec<f64>, String>>()?;
    if !(2..=3).contains(&parts.len()) {
        return Err(format!("range \"{spec_text}\" must be START:END or START:END:STEP"));
    }
    let (start, end) = (parts[0], parts[1]);
    let step = parts.get(2).copied().unwrap_or(default_step);
    if !(start.is_finite() && end.is_finite()) {
        return Err(format!("range \"{spec_text}\" needs finite START and END"));
    }
    if !(step.is_finite() && step > 0.0) {
        return Err(format!("range \"{spec_text}\" needs a finite step above 0"));
    }
    if end < start {
        return Err(format!("range \"{spec_text}\" is empty: END is below START"));
    }
    // Counted in floating point first: a tiny step or a huge span must not overflow the count.
    let count = ((end - start) / step + 1e-9).floor() + 1.0;
    if count.is_nan() || count > MAX_POINTS as f64 {
        return Err(format!(
            "range \"{spec_text}\" has {count:.3e} values; at most {MAX_POINTS} are allowed"
        ));
    }
    Ok((0..count as usize).map(|i| start + i as f64 * step).collect())
}

/// Writes `value` at `path` in a scenario table. Arrays of tables are entered by the element's `name`, or by
/// position when the segment is a whole number no element is named; a list of values takes a position as the last
/// segment (`count.3`). Missing tables on the way are created.
pub fn set_path(table: &mut Table, path: &str, value: Value) -> Result<(), String> {
    let segments: Vec<&str> = path.split('.').collect();
    let mut current = table;
    let mut i = 0;
    while i + 1 < segments.len() {
        let key = segments[i];
        // A section left to its defaults (`[routing]`, `[service_level]`) is created; a misspelt one is then
        // refused by the scenario's unknown-key check, naming it.
        let entry = current
            .entry(key.to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        current = match entry {
            Value::Table(inner) => inner,
            Value::Array(items) => {
                let name = segments[i + 1];
                let last = i + 2 == segments.len();
                let index = element_of(key, items, name)?;
                match &mut items[index] {
                    Value::Table(inner) => {
                        i += 1;
                        if last {
                            return Err(format!("{key}.{name} needs a field after it, e.g. {key}.{name}.count"));
                        }
                        inner
                    }
                    element if last => {
                        *element = value;
                        return Ok(());
                    }
                    _ => {
                        return Err(format!(
                            "{key}.{name} is a value, not a table; cannot go further into it"
                        ));
                    }
                }
            }
            _ if segments[i + 1].parse::<usize>().is_ok() => {
                return Err(format!(
                    "\"{key}\" is a single value, not a list; to vary one element write it as a list with one value \
                     per interval, e.g. {key} = [4, 6, 8]"
                ));
            }
            _ => {
                return Err(format!("\"{key}\" is a value, not a table; cannot go further into it"));
            }
        };
        i += 1;
    }
    current.insert(segments[segments.len() - 1].to_string(), value);
    Ok(())
}

/// The position in the array `key` of the element `segment` names: the table whose `name` it is, else the
/// element at that position when it is a whole number.
fn element_of(key: &str, items: &[Value], segment: &str) -> Result<usize, String> {
    let named = items
        .iter()
        .position(|t| t.get("name").and_then(Value::as_str) == Some(segment));
    if let Some(index) = named {
        return Ok(index);
    }
    if let Ok(index) = segment.parse::<usize>() {
        return if index < items.len() {
            Ok(index)
        } else if items.is_empty() {
            Err(format!("{key} is an empty list; there is no element {index}"))
        } else {
            Err(format!(
                "{key} has {} elements (positions 0 to {}); there is no element {index}",
                items.len(),
                items.len().saturating_sub(1)
            ))
        };
    }
    let names: Vec<String> = items
        .iter()
        .filter_map(|t| t.get("name").and_then(Value::as_str).map(String::from))
        .collect();
    Err(format!(
        "{key} has no element named \"{}\"; names are: {}",
        quote(segment),
        quote(&names.join(", "))
    ))
}
