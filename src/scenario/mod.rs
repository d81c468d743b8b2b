//! Scenarios: reading a TOML file and turning it into a validated [`Scenario`].
//!
//! [`file`](mod@file) holds the raw serde types; this module checks every value once (rates positive, distributions
//! constructed, skills resolved to indices) so nothing downstream validates or unwraps configuration again.

pub mod axis;
pub mod file;
pub mod settling;
mod sweep_check;

use std::collections::HashSet;
use std::path::Path;

use crate::distribution::DurationDistribution;
use crate::error::{Error, Result};
use crate::routing::{AgentSelection, GroupConfig, QueueDiscipline, RouterConfig};
use file::DistributionFile;
pub use file::ScenarioFile;

pub use crate::limits::MAX_CALLS_PER_REPLICATION;
use crate::limits::{MAX_AGENTS, MAX_LINES, MAX_REPLICATIONS, quote};
use axis::{Axis, MAX_POINTS};

/// A validated call type.
#[derive(Debug, Clone)]
pub struct CallType {
    /// Unique name.
    pub name: String,
    /// Poisson arrival rate in calls per second.
    pub arrival_rate: f64,
    /// Handle (talk) time.
    pub service: DurationDistribution,
    /// Patience; `None` when callers never hang up.
    pub patience: Option<DurationDistribution>,
    /// Priority (higher first under the priority disciplines).
    pub priority: f64,
    /// After-call work in seconds.
    pub after_call_work: f64,
}

/// A validated agent group.
#[derive(Debug, Clone)]
pub struct AgentGroup {
    /// Unique name.
    pub name: String,
    /// Number of agents.
    pub count: u32,
    /// Call types (indices into [`Scenario::call_types`]) in the group's order of preference.
    pub skills: Vec<usize>,
}

/// A validated routing policy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoutingPolicy {
    /// Caller ordering.
    pub queue: QueueDiscipline,
    /// Agent selection.
    pub agent: AgentSelection,
    /// Priority points gained per second waited under `priority-aging`.
    pub aging_per_second: f64,
}

/// A scenario whose every field is valid: the engine cannot fail on it.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Display name.
    pub name: String,
    /// Base seed of every random stream.
    pub seed: u64,
    /// Number of independent replications.
    pub replications: u32,
    /// Arrivals stop at this many seconds.
    pub horizon: f64,
    /// Calls arriving before this many seconds are not counted.
    pub warmup: f64,
    /// Service-level threshold in seconds.
    pub answer_within: f64,
    /// Service-level target (share of calls).
    pub service_level_target: f64,
    /// Trunk lines (calls in the system at once), if limited.
    pub lines: Option<u32>,
    /// Call types.
    pub call_types: Vec<CallType>,
    /// Agent groups.
    pub agent_groups: Vec<AgentGroup>,
    /// Routing policy.
    pub routing: RoutingPolicy,
    /// Sweep axes declared in the file (command-line syntax).
    pub sweep: Vec<String>,
}

/// An odd but legal situation, reported beside the results.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// Offered load reaches the agents' capacity and some callers never hang up: queues grow all day.
    Overloaded {
        /// Offered load in erlangs (talk plus after-call work).
        load: f64,
        /// Agents able to take the calls.
        agents: u32,
    },
    /// The center starts empty, no warm-up (or too short a one) is deleted and the measured time is short against
    /// the time the queue needs to settle, so the figures are optimistic (see [`settling`] for the rule).
    EmptyStart {
        /// The relaxation time in seconds.
        relaxation: f64,
        /// The horizon in seconds.
        horizon: f64,
        /// The warm-up in seconds (0 when none).
        warmup: f64,
        /// The warm-up to set, in seconds.
        suggested_warmup: f64,
    },
    /// Fewer trunk lines than agents: some agents can never take a call.
    IdleAgents {
        /// Trunk lines.
        lines: u32,
        /// Agents across all groups.
        agents: u32,
    },
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::time::format_duration;
        match self {
            Warning::Overloaded { load, agents } => write!(
                f,
                "offered load {load:.1} erlangs is at or above the {agents} agents' capacity and some callers never \
                 hang up: queues grow through the day and results depend on its length"
            ),
            Warning::EmptyStart {
                relaxation,
                horizon,
                warmup,
                suggested_warmup,
            } => {
                let start = if *warmup == 0.0 {
                    "with no warm-up".to_string()
                } else {
                    format!("with a warm-up of only {}", format_duration(*warmup))
                };
                write!(
                    f,
                    "the run starts from an empty center {start} and settles with a relaxation time of about {}, long \
                     against the {} it measures: service level is optimistic and occupancy low; set [horizon] warmup \
                     = \"{}m\" (or longer) to measure the steady state",
                    format_duration(*relaxation),
                    format_duration(horizon - warmup),
                    suggested_warmup / 60.0
                )
            }
            Warning::IdleAgents { lines, agents } => write!(
                f,
                "lines = {lines} but there are {agents} agents: at most {lines} calls are in the system at once, so \
                 {} agents can never work; raise lines or remove agents",
                agents - lines
            ),
        }
    }
}

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn from_path(path: &Path) -> Result<Scenario> {
        let label = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error::scenario(&label, format!("cannot read: {e}")))?;
        Scenario::from_toml_str(&text, &label)
    }

    /// Parses and validates scenario text; `label` names the source in errors. A `[sweep] vary` list is checked
    /// too: each axis must parse and each of its values must give a valid scenario.
    pub fn from_toml_str(text: &str, label: &str) -> Result<Scenario> {
        let raw: ScenarioFile =
            toml::from_str(text).map_err(|e| Error::scenario(label, describe_toml_error(&e, text)))?;
        let scenario = Scenario::from_file(raw, label)?;
        if !scenario.sweep.is_empty() {
            let table: toml::Table = toml::from_str(text).map_err(|e| Error::scenario(label, e.message().trim()))?;
            sweep_check::check_values(&table, &scenario.sweep, label)?;
        }
        Ok(scenario)
    }

    /// Validates a parsed scenario, one section at a time; `label` names the source in errors.
    pub fn from_file(raw: ScenarioFile, label: &str) -> Result<Scenario> {
        let at = Fields { label };
        if raw.name.trim().is_empty() {
            return Err(at.fail("name", "must not be empty"));
        }
        if raw.replications == 0 || raw.replications > MAX_REPLICATIONS {
            return Err(at.fail(
                "replications",
                format!("must be from 1 to {MAX_REPLICATIONS}, got {}", raw.replications),
            ));
        }
        let (horizon, warmup) = at.horizon(&raw.horizon)?;
        let (answer_within, service_level_target) = at.service_level(&raw.service_level)?;
        at.lines(raw.lines)?;
        let call_types = at.call_types(&raw.call_types)?;
        let agent_groups = at.agent_groups(&raw.agent_groups, &call_types)?;
        at.capacity(&call_types, &agent_groups, horizon)?;
        Ok(Scenario {
            name: raw.name,
            seed: raw.seed,
            replications: raw.replications,
            horizon,
            warmup,
            answer_within,
            service_level_target,
            lines: raw.lines,
            call_types,
            agent_groups,
            routing: at.routing(&raw.routing)?,
            sweep: at.sweep(raw.sweep)?,
        })
    }

    /// Offered load in erlangs: arrival rate times (mean handle time + after-call work), summed over call types.
    pub fn offered_load(&self) -> f64 {
        self.call_types
            .iter()
            .map(|c| c.arrival_rate * (c.service.mean() + c.after_call_work))
            .sum()
    }

    /// Agents across all groups.
    pub fn total_agents(&self) -> u32 {
        self.agent_groups.iter().map(|g| g.count).sum()
    }

    /// Odd but legal situations worth telling the user about.
    pub fn warnings(&self) -> Vec<Warning> {
        let mut warnings = Vec::new();
        let load = self.offered_load();
        let agents = self.total_agents();
        let someone_never_hangs_up = self.call_types.iter().any(|c| c.patience.is_none());
        if someone_never_hangs_up && self.lines.is_none() && load >= agents as f64 {
            warnings.push(Warning::Overloaded { load, agents });
        }
        if let Some(lines) = self.lines.filter(|&l| l < agents) {
            warnings.push(Warning::IdleAgents { lines, agents });
        }
        let relaxation = settling::relaxation_time(&self.traffic());
        if settling::start_up_bias(relaxation, self.warmup, self.horizon) > settling::TOLERATED_START_UP_BIAS {
            warnings.push(Warning::EmptyStart {
                relaxation,
                horizon: self.horizon,
                warmup: self.warmup,
                suggested_warmup: settling::suggested_warmup(relaxation),
            });
        }
        warnings
    }

    /// The aggregate traffic the settling rule looks at.
    fn traffic(&self) -> settling::Traffic {
        let arrival_rate: f64 = self.call_types.iter().map(|c| c.arrival_rate).sum();
        let longest_patience = self
            .call_types
            .iter()
            .map(|c| c.patience.as_ref().map(|p| p.mean()))
            .try_fold(0.0f64, |longest, p| p.map(|p| longest.max(p)));
        settling::Traffic {
            arrival_rate,
            mean_handle: self.offered_load() / arrival_rate,
            agents: self.total_agents(),
            longest_patience,
            lines: self.lines,
        }
    }

    /// The routing module's configuration for this scenario.
    pub fn router_config(&self) -> RouterConfig {
        RouterConfig {
            priorities: self.call_types.iter().map(|c| c.priority).collect(),
            groups: self
                .agent_groups
                .iter()
                .map(|g| GroupConfig {
                    agents: g.count,
                    skills: g.skills.clone(),
                })
                .collect(),
            queue: self.routing.queue,
            aging_per_second: self.routing.aging_per_second,
            agent_selection: self.routing.agent,
            lines: self.lines,
        }
    }
}

/// Constructs a distribution from its table once the keys are known to fit the family.
type Builder = fn(&DistributionFile) -> std::result::Result<DurationDistribution, String>;

/// The conversions of [`Scenario::from_file`], one per section; errors name `label` and the field.
struct Fields<'a> {
    label: &'a str,
}

impl Fields<'_> {
    fn fail(&self, field: &str, message: impl Into<String>) -> Error {
        Error::scenario(self.label, format!("{field}: {}", message.into()))
    }

    /// `[horizon]`: the duration and the warm-up in seconds.
    fn horizon(&self, raw: &file::HorizonFile) -> Result<(f64, f64)> {
        let (horizon, warmup) = (raw.duration.0, raw.warmup.0);
        if horizon <= 0.0 {
            return Err(self.fail("horizon.duration", "must be longer than 0s"));
        }
        if warmup >= horizon {
            return Err(self.fail(
                "horizon.warmup",
                format!("must be shorter than horizon.duration ({horizon}s), got {warmup}s"),
            ));
        }
        Ok((horizon, warmup))
    }

    /// `[service_level]`: the threshold in seconds and the target share.
    fn service_level(&self, raw: &file::ServiceLevelFile) -> Result<(f64, f64)> {
        let target = raw.target;
        if !(target > 0.0 && target <= 1.0) {
            return Err(self.fail(
                "service_level.target",
                format!("must be greater than 0 and at most 1, got {target}"),
            ));
        }
        Ok((raw.answer_within.0, target))
    }

    /// `lines`: from 1 to [`MAX_LINES`] when given.
    fn lines(&self, lines: Option<u32>) -> Result<()> {
        match lines {
            Some(0) => Err(self.fail("lines", "must be at least 1 (omit it for unlimited lines)")),
            Some(n) if n > MAX_LINES => Err(self.fail(
                "lines",
                format!("must be at most {MAX_LINES} (omit it for unlimited lines), got {n}"),
            )),
            _ => Ok(()),
        }
    }

    /// `[[call_types]]`: at least one, uniquely named, none named `total`.
    fn call_types(&self, raw: &[file::CallTypeFile]) -> Result<Vec<CallType>> {
        if raw.is_empty() {
            return Err(self.fail("call_types", "at least one [[call_types]] entry is required"));
        }
        let mut names = HashSet::new();
        raw.iter()
            .enumerate()
            .map(|(index, ct)| {
                let at = entry_path("call_types", index, &ct.name);
                check_unique_name(&ct.name, "call type", &mut names)
                    .map_err(|m| self.fail(&format!("{at}.name"), m))?;
                if ct.name.trim().eq_ignore_ascii_case(TOTAL) {
                    return Err(self.fail(
                        &format!("{at}.name"),
                        format!(
                            "\"{}\" is reserved for the rows that add up every call type; rename it",
                            ct.name
                        ),
                    ));
                }
                self.call_type(&at, ct)
            })
            .collect()
    }

    fn call_type(&self, at: &str, ct: &file::CallTypeFile) -> Result<CallType> {
        let per_hour = ct.arrivals.per_hour;
        if !(per_hour.is_finite() && per_hour > 0.0) {
            return Err(self.fail(
                &format!("{at}.arrivals.per_hour"),
                format!("must be a finite number of calls greater than 0, got {per_hour}"),
            ));
        }
        let service = build_distribution(&ct.service).map_err(|m| self.fail(&format!("{at}.service"), m))?;
        let patience = match &ct.patience {
            Some(p) => Some(build_distribution(p).map_err(|m| self.fail(&format!("{at}.patience"), m))?),
            None => None,
        };
        if !ct.priority.is_finite() {
            return Err(self.fail(
                &format!("{at}.priority"),
                format!("must be a finite number, got {}", ct.priority),
            ));
        }
        Ok(CallType {
            name: ct.name.clone(),
            arrival_rate: per_hour / 3600.0,
            service,
            patience,
            priority: ct.priority,
            after_call_work: ct.after_call_work.0,
        })
    }

    /// `[[agent_groups]]`: at least one, uniquely named, skills resolved to call-type indices.
    fn agent_groups(&self, raw: &[file::AgentGroupFile], call_types: &[CallType]) -> Result<Vec<AgentGroup>> {
        if raw.is_empty() {
            return Err(self.fail("agent_groups", "at least one [[agent_groups]] entry is required"));
        }
        let mut names = HashSet::new();
        raw.iter()
            .enumerate()
            .map(|(index, g)| {
                let at = entry_path("agent_groups", index, &g.name);
                check_unique_name(&g.name, "agent group", &mut names)
                    .map_err(|m| self.fail(&format!("{at}.name"), m))?;
                if g.count > MAX_AGENTS {
                    return Err(self.fail(
                        &format!("{at}.count"),
                        format!("must be at most {MAX_AGENTS}, got {}", g.count),
                    ));
                }
                let skills =
                    resolve_skills(&g.skills, call_types).map_err(|m| self.fail(&format!("{at}.skills"), m))?;
                Ok(AgentGroup {
                    name: g.name.clone(),
                    count: g.count,
                    skills,
                })
            })
            .collect()
    }

    /// Limits across sections: agents in all, someone for every call type, calls per replication.
    fn capacity(&self, call_types: &[CallType], groups: &[AgentGroup], horizon: f64) -> Result<()> {
        let all_agents: u64 = groups.iter().map(|g| g.count as u64).sum();
        if all_agents > MAX_AGENTS as u64 {
            return Err(self.fail(
                "agent_groups",
                format!("{all_agents} agents in all; at most {MAX_AGENTS} are supported"),
            ));
        }
        for (index, ct) in call_types.iter().enumerate() {
            let agents: u32 = groups
                .iter()
                .filter(|g| g.skills.contains(&index))
                .map(|g| g.count)
                .sum();
            if agents == 0 {
                return Err(self.fail(
                    &format!("call_types[{}]", quote(&ct.name)),
                    "no agent can answer this call type: add it to the skills of a group with count of 1 or more",
                ));
            }
        }
        let calls_per_replication: f64 = call_types.iter().map(|c| c.arrival_rate).sum::<f64>() * horizon;
        if calls_per_replication > MAX_CALLS_PER_REPLICATION {
            return Err(self.fail(
                "horizon.duration",
                format!(
                    "{calls_per_replication:.3e} calls per replication expected (arrival rates times duration); at \
                     most {MAX_CALLS_PER_REPLICATION:.0e} are allowed: shorten the horizon or lower per_hour"
                ),
            ));
        }
        Ok(())
    }

    /// `[routing]`.
    fn routing(&self, raw: &file::RoutingFile) -> Result<RoutingPolicy> {
        let aging = raw.aging_per_second;
        if !(aging.is_finite() && aging >= 0.0) {
            return Err(self.fail("routing.aging_per_second", format!("must be 0 or more, got {aging}")));
        }
        Ok(RoutingPolicy {
            queue: raw.queue,
            agent: raw.agent,
            aging_per_second: aging,
        })
    }

    /// `[sweep] vary`: every axis parses, no path twice, and the grid within [`MAX_POINTS`] points.
    fn sweep(&self, raw: Option<file::SweepFile>) -> Result<Vec<String>> {
        let specs = raw.map(|s| s.vary).unwrap_or_default();
        let mut paths: Vec<String> = Vec::new();
        let mut points = 1usize;
        for (index, spec) in specs.iter().enumerate() {
            let field = format!("sweep.vary[{index}] (\"{}\")", quote(spec));
            let axis = Axis::parse(spec).map_err(|m| self.fail(&field, m))?;
            if paths.contains(&axis.path) {
                return Err(self.fail(&field, format!("{} is already varied", axis.path)));
            }
            points = points.saturating_mul(axis.values.len());
            if points > MAX_POINTS {
                return Err(self.fail(
                    "sweep.vary",
                    format!("the grid has more than {MAX_POINTS} points, the most allowed"),
                ));
            }
            paths.push(axis.path);
        }
        Ok(specs)
    }
}

/// The name of the rows that add up every call type; no call type may take it.
pub const TOTAL: &str = "total";

/// A group's skills as call-type indices, in its order of preference.
fn resolve_skills(names: &[String], call_types: &[CallType]) -> std::result::Result<Vec<usize>, String> {
    if names.is_empty() {
        return Err("must name at least one call type".into());
    }
    let mut skills = Vec::with_capacity(names.len());
    for skill in names {
        let Some(position) = call_types.iter().position(|c| &c.name == skill) else {
            let known: Vec<&str> = call_types.iter().map(|c| c.name.as_str()).collect();
            return Err(format!(
                "\"{}\" is not a call type; call types are: {}",
                quote(skill),
                quote(&known.join(", "))
            ));
        };
        if skills.contains(&position) {
            return Err(format!("\"{}\" is listed twice", quote(skill)));
        }
        skills.push(position);
    }
    Ok(skills)
}

/// How errors name an entry of an array of tables: `call_types[general]`, or by position while it has no name.
fn entry_path(array: &str, index: usize, name: &str) -> String {
    if name.is_empty() {
        format!("{array}[{index}]")
    } else {
        format!("{array}[{}]", quote(name))
    }
}

/// A name must be non-blank and not used before by another entry of the same `kind`.
fn check_unique_name(name: &str, kind: &str, seen: &mut HashSet<String>) -> std::result::Result<(), String> {
    if name.trim().is_empty() {
        return Err("must not be empty".into());
    }
    if !seen.insert(name.to_string()) {
        return Err(format!("duplicate {kind} name \"{}\"", quote(name)));
    }
    Ok(())
}

/// Builds a distribution from its table, naming the offending key on error.
fn build_distribution(spec: &DistributionFile) -> std::result::Result<DurationDistribution, String> {
    let family = spec.distribution.as_str();
    let (allowed, build): (&[&str], Builder) = match family {
        "exponential" => (&["mean"], |s| {
            DurationDistribution::exponential(need(s.mean.map(|d| d.0), "mean")?)
        }),
        "lognormal" => (&["mean", "cv"], |s| {
            DurationDistribution::lognormal(need(s.mean.map(|d| d.0), "mean")?, need(s.cv, "cv")?)
        }),
        "gamma" => (&["mean", "cv"], |s| {
            DurationDistribution::gamma(need(s.mean.map(|d| d.0), "mean")?, need(s.cv, "cv")?)
        }),
        "erlang" => (&["mean", "k"], |s| {
            DurationDistribution::erlang(need(s.mean.map(|d| d.0), "mean")?, need(s.k, "k")?)
        }),
        "weibull" => (&["mean", "shape"], |s| {
            DurationDistribution::weibull(need(s.mean.map(|d| d.0), "mean")?, need(s.shape, "shape")?)
        }),
        "uniform" => (&["min", "max"], |s| {
            DurationDistribution::uniform(need(s.min.map(|d| d.0), "min")?, need(s.max.map(|d| d.0), "max")?)
        }),
        "constant" => (&["mean"], |s| {
            DurationDistribution::constant(need(s.mean.map(|d| d.0), "mean")?)
        }),
        "empirical" => (&["values"], |s| {
            DurationDistribution::empirical(need(s.values.clone(), "values")?.into_iter().map(|d| d.0).collect())
        }),
        other => {
            return Err(format!(
                "distribution \"{}\" is unknown; use exponential, lognormal, gamma, erlang, weibull, uniform, \
                 constant or empirical",
                quote(other)
            ));
        }
    };
    let present = [
        ("mean", spec.mean.is_some()),
        ("cv", spec.cv.is_some()),
        ("k", spec.k.is_some()),
        ("shape", spec.shape.is_some()),
        ("min", spec.min.is_some()),
        ("max", spec.max.is_some()),
        ("values", spec.values.is_some()),
    ];
    for (key, is_present) in present {
        if is_present && !allowed.contains(&key) {
            return Err(format!("{family} takes {}; remove \"{key}\"", allowed.join(" and ")));
        }
    }
    build(spec).map_err(|message| {
        if message.ends_with("is required") {
            format!("{family} takes {}: {message}", allowed.join(" and "))
        } else {
            message
        }
    })
}

fn need<T>(value: Option<T>, key: &str) -> std::result::Result<T, String> {
    value.ok_or_else(|| format!("\"{key}\" is required"))
}

/// One line from a TOML error: the line number, the offending line's text and the parser's complaint.
fn describe_toml_error(error: &toml::de::Error, text: &str) -> String {
    let message = file::plain_type_words(error.message());
    match error.span() {
        Some(span) => {
            let line_number = text[..span.start.min(text.len())].matches('\n').count() + 1;
            let line = text.lines().nth(line_number - 1).unwrap_or("").trim();
            // The table the line belongs to: the nearest `[...]` header above it.
            let section = text
                .lines()
                .take(line_number - 1)
                .map(str::trim)
                .filter(|l| l.starts_with('['))
                .last()
                .map(|header| format!(" in {}", quote(header.split('#').next().unwrap_or(header).trim())))
                .unwrap_or_default();
            format!("line {line_number} (`{}`{section}): {message}", quote(line))
        }
        None => message,
    }
}
