//! Shift templates: reading a `--shifts` TOML file and turning it into validated [`Template`]s and the
//! [`Column`]s of the integer program (one per template, start time and placement of its breaks).
//!
//! This module owns the templates file format (a contract), its checks (errors name the file, the line and the
//! field) and the break-placement grid: a break starts every [`BREAK_STEP`] seconds from its window's `from`
//! and lies wholly inside its window (`from` <= start, start + length <= `to`, offsets from the shift start). It
//! knows nothing of the solver.

use serde::Deserialize;
use toml::Spanned;

use crate::day::intervals::Intervals;
use crate::error::{Error, Result};
use crate::limits::quote;
use crate::time::parse_duration;

/// Break placement grid: a break may start every 15 minutes (900 s) from its window's start.
pub const BREAK_STEP: f64 = 900.0;

/// Most columns (template x start x break placement) one schedule may have, so a wide start range with many
/// breaks cannot ask for an unbounded integer program.
pub const MAX_COLUMNS: usize = 20_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplatesFile {
    templates: Vec<TemplateSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RangeSpec {
    from: String,
    to: String,
    every: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowSpec {
    from: String,
    to: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BreakSpec {
    length: String,
    #[serde(default = "paid_by_default")]
    paid: bool,
    window: WindowSpec,
}

fn paid_by_default() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateSpec {
    name: Spanned<String>,
    start: Spanned<toml::Value>,
    length: Spanned<String>,
    #[serde(default)]
    breaks: Vec<Spanned<BreakSpec>>,
    cost_per_hour: Option<Spanned<f64>>,
    min: Option<Spanned<u32>>,
    max: Option<Spanned<u32>>,
}

/// A break rule of a template: its length, whether it is paid, and the window (offsets in seconds from the shift
/// start) it must lie in.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakRule {
    /// Seconds.
    pub length: f64,
    /// Whether the break counts as paid time.
    pub paid: bool,
    /// Earliest start, seconds after the shift start.
    pub from: f64,
    /// Latest end, seconds after the shift start.
    pub to: f64,
}

/// A validated shift template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// Unique name.
    pub name: String,
    /// Allowed start times, seconds since opening, ascending (those of a range whose shift would end after closing
    /// are left out).
    pub starts: Vec<f64>,
    /// Shift length in seconds, breaks included.
    pub length: f64,
    /// Breaks every agent of the shift takes.
    pub breaks: Vec<BreakRule>,
    /// Cost of one paid hour (default 1).
    pub cost_per_hour: f64,
    /// Fewest agents working this template over all its starts.
    pub min: u32,
    /// Most agents working this template over all its starts (`None`: no bound).
    pub max: Option<u32>,
}

impl Template {
    /// Paid seconds of one agent's shift: the length less the unpaid breaks.
    pub fn paid_seconds(&self) -> f64 {
        self.length - self.breaks.iter().filter(|b| !b.paid).map(|b| b.length).sum::<f64>()
    }
}

/// One decision of the integer program: a template worked from one start with its breaks at given times.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Index into the templates.
    pub template: usize,
    /// Shift start, seconds since opening.
    pub start: f64,
    /// Break starts, seconds since opening, in the template's break order.
    pub break_starts: Vec<f64>,
    /// Share of each interval one agent of this column is on duty and not on break: `(interval, share)` for
    /// every interval with a positive share (time-weighted coverage).
    pub coverage: Vec<(usize, f64)>,
    /// Paid hours of one agent.
    pub paid_hours: f64,
    /// Cost of one agent: `cost_per_hour` x paid hours.
    pub cost: f64,
}

/// Line (from 1) of the byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].bytes().filter(|&b| b == b'\n').count() + 1
}

/// Reads the templates in `text` (the file `file`) for the day `intervals`. Errors name the file, the line and
/// the field (`templates[0].length`), the value and what is allowed.
pub fn parse_templates(text: &str, file: &str, intervals: &Intervals) -> Result<Vec<Template>> {
    let raw: TemplatesFile = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| format!("line {}: ", line_of(text, s.start)))
            .unwrap_or_default();
        Error::scenario(file, format!("{line}{}", e.message().trim()))
    })?;
    if raw.templates.is_empty() {
        return Err(Error::scenario(
            file,
            "templates: must list at least one [[templates]] table",
        ));
    }
    let clock = intervals.clock();
    let horizon = intervals.horizon();
    let day = format!("{} to {}", clock.label(0.0), clock.label(horizon));
    let mut templates: Vec<Template> = Vec::with_capacity(raw.templates.len());
    for (i, spec) in raw.templates.into_iter().enumerate() {
        let fail = |span: std::ops::Range<usize>, field: &str, message: String| {
            Error::scenario(
                file,
                format!("line {}: templates[{i}].{field}: {message}", line_of(text, span.start)),
            )
        };
        let name = spec.name.get_ref().clone();
        if name.trim().is_empty() || templates.iter().any(|t| t.name == name) {
            return Err(fail(
                spec.name.span(),
                "name",
                format!("must be a unique, non-empty name, got \"{}\"", quote(&name)),
            ));
        }
        let duration = |span: std::ops::Range<usize>, field: &str, value: &str| {
            parse_duration(value).map_err(|m| fail(span, field, m))
        };
        let length = duration(spec.length.span(), "length", spec.length.get_ref())?;
        if length <= 0.0 {
            return Err(fail(spec.length.span(), "length", "must be longer than 0s".into()));
        }
        if length > horizon {
            return Err(fail(
                spec.length.span(),
                "length",
                format!(
                    "\"{}\" is longer than the day, which runs from {day} ({})",
                    quote(spec.length.get_ref()),
                    crate::time::format_duration(horizon)
                ),
            ));
        }
        let span = spec.start.span();
        let starts = match spec.start.get_ref() {
            toml::Value::String(at) => vec![clock.offset_of(
                file,
                &format!("line {}: templates[{i}].start", line_of(text, span.start)),
                at,
            )?],
            toml::Value::Table(table) => {
                let range: RangeSpec = table.clone().try_into().map_err(|e: toml::de::Error| {
                    fail(
                        span.clone(),
                        "start",
                        format!(
                            "{} (expected {{ from = \"08:00\", to = \"12:00\", every = \"1h\" }})",
                            e.message().trim()
                        ),
                    )
                })?;
                let field = |key: &str| format!("line {}: templates[{i}].start.{key}", line_of(text, span.start));
                let from = clock.offset_of(file, &field("from"), &range.from)?;
                let to = clock.offset_of(file, &field("to"), &range.to)?;
                let every = duration(span.clone(), "start.every", &range.every)?;
                if every < 60.0 {
                    return Err(fail(
                        span,
                        "start.every",
                        format!("must be at least 1m, got \"{}\"", quote(&range.every)),
                    ));
                }
                if to < from {
                    return Err(fail(
                        span,
                        "start",
                        format!("`to` ({}) is before `from` ({})", range.to, range.from),
                    ));
                }
                let count = ((to - from) / every + 1e-9).floor() as usize + 1;
                (0..count).map(|k| from + k as f64 * every).collect()
            }
            other => {
                return Err(fail(
                    span,
                    "start",
                    format!(
                        "must be a clock time such as \"09:00\" or a range {{ from = \"08:00\", to = \"12:00\", \
                         every = \"1h\" }}, got {}",
                        quote(&other.to_string())
                    ),
                ));
            }
        };
        // Starts of a range whose shift would end after closing are left out (one template file serves days of
        // different lengths); a template none of whose starts fits is an error.
        let first = starts[0];
        let starts: Vec<f64> = starts.into_iter().filter(|&s| s + length <= horizon + 1e-9).collect();
        if starts.is_empty() {
            return Err(fail(
                span,
                "start",
                format!(
                    "a shift from {} lasting {} ends after closing; the day runs from {day} and a shift must end by \
                     closing",
                    clock.label(first),
                    spec.length.get_ref()
                ),
            ));
        }
        let mut breaks = Vec::with_capacity(spec.breaks.len());
        for (j, pause) in spec.breaks.iter().enumerate() {
            let span = pause.span();
            let pause = pause.get_ref();
            let field = |key: &str| format!("breaks[{j}].{key}");
            let pause_length = duration(span.clone(), &field("length"), &pause.length)?;
            let from = duration(span.clone(), &field("window.from"), &pause.window.from)?;
            let to = duration(span.clone(), &field("window.to"), &pause.window.to)?;
            if pause_length <= 0.0 {
                return Err(fail(span, &field("length"), "must be longer than 0s".into()));
            }
            if to > length || from >= to {
                return Err(fail(
                    span,
                    &field("window"),
                    format!(
                        "the window from {} to {} (offsets from the shift start) is outside its shift of {}; a window \
                         runs forward within the shift",
                        pause.window.from,
                        pause.window.to,
                        spec.length.get_ref()
                    ),
                ));
            }
            if from + pause_length > to {
                return Err(fail(
                    span,
                    &field("window"),
                    format!(
                        "a {} break does not fit in the window from {} to {}",
                        pause.length, pause.window.from, pause.window.to
                    ),
                ));
            }
            breaks.push(BreakRule {
                length: pause_length,
                paid: pause.paid,
                from,
                to,
            });
        }
        let cost_per_hour = match &spec.cost_per_hour {
            None => 1.0,
            Some(c) if c.get_ref().is_finite() && *c.get_ref() >= 0.0 => *c.get_ref(),
            Some(c) => {
                return Err(fail(
                    c.span(),
                    "cost_per_hour",
                    format!("must be a finite number at least 0, got {}", c.get_ref()),
                ));
            }
        };
        let min = spec.min.as_ref().map_or(0, |m| *m.get_ref());
        let max = spec.max.as_ref().map(|m| *m.get_ref());
        if let (Some(max), Some(m)) = (max, &spec.max)
            && max < min
        {
            return Err(fail(m.span(), "max", format!("{max} is below min ({min})")));
        }
        templates.push(Template {
            name,
            starts,
            length,
            breaks,
            cost_per_hour,
            min,
            max,
        });
    }
    Ok(templates)
}

/// Every column of the templates: each start, each placement of the breaks on the [`BREAK_STEP`] grid within
/// their windows (placements where two breaks overlap are left out). Errors name `file` when there would be more
/// than [`MAX_COLUMNS`], or when a template's breaks can never all be placed.
pub fn columns(file: &str, templates: &[Template], intervals: &Intervals) -> Result<Vec<Column>> {
    let mut out = Vec::new();
    for (t, template) in templates.iter().enumerate() {
        // Placements of all breaks, as offsets from the shift start.
        let mut placements: Vec<Vec<f64>> = vec![Vec::new()];
        for rule in &template.breaks {
            let options: Vec<f64> = (0..)
                .map(|k| rule.from + k as f64 * BREAK_STEP)
                .take_while(|s| s + rule.length <= rule.to + 1e-9)
                .collect();
            let mut next = Vec::new();
            for placed in &placements {
                for &s in &options {
                    let clash = placed
                        .iter()
                        .zip(&template.breaks)
                        .any(|(&p, r)| s < p + r.length && p < s + rule.length);
                    if !clash {
                        let mut with = placed.clone();
                        with.push(s);
                        next.push(with);
                    }
                }
                if next.len() * template.starts.len() > MAX_COLUMNS {
                    return Err(too_many(file, &template.name));
                }
            }
            placements = next;
        }
        if placements.is_empty() {
            return Err(Error::scenario(
                file,
                format!(
                    "templates[{t}].breaks: the breaks of \"{}\" cannot all be placed without overlapping",
                    template.name
                ),
            ));
        }
        let paid_hours = template.paid_seconds() / 3600.0;
        for &start in &template.starts {
            for placed in &placements {
                let mut on = Vec::new();
                let mut order: Vec<(f64, f64)> = placed
                    .iter()
                    .zip(&template.breaks)
                    .map(|(&p, r)| (p, r.length))
                    .collect();
                order.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut from = start;
                for (p, l) in order {
                    on.push((from, start + p));
                    from = start + p + l;
                }
                on.push((from, start + template.length));
                let mut share = vec![0.0; intervals.len()];
                for (a, b) in on {
                    intervals.split(a, b, |i, s| share[i] += s);
                }
                let coverage = share
                    .iter()
                    .enumerate()
                    .filter(|&(_, &s)| s > 0.0)
                    .map(|(i, &s)| (i, s / intervals.get(i).length()))
                    .collect();
                out.push(Column {
                    template: t,
                    start,
                    break_starts: placed.iter().map(|p| start + p).collect(),
                    coverage,
                    paid_hours,
                    cost: paid_hours * template.cost_per_hour,
                });
                if out.len() > MAX_COLUMNS {
                    return Err(too_many(file, &template.name));
                }
            }
        }
    }
    Ok(out)
}

fn too_many(file: &str, name: &str) -> Error {
    Error::scenario(
        file,
        format!(
            "templates: more than {MAX_COLUMNS} shift/break combinations (at template \"{}\"); use fewer starts \
             (a larger `every`) or narrower break windows",
            quote(name)
        ),
    )
}
