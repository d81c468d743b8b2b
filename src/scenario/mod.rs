//! Scenarios: reading a TOML file and turning it into a validated [`Scenario`].
//!
//! [`file`](mod@file) holds the raw serde types; this module checks every value once (rates positive, distributions
//! constructed, skills resolved to indices) so nothing downstream validates or unwraps configuration again.

pub mod file;

use std::collections::HashSet;
use std::path::Path;

use crate::distribution::DurationDistribution;
use crate::error::{Error, Result};
use crate::routing::{AgentSelection, CallTypeId, GroupConfig, QueueDiscipline, RouterConfig};
use file::DistributionFile;
pub use file::ScenarioFile;

pub use crate::limits::MAX_CALLS_PER_REPLICATION;
use crate::limits::{MAX_AGENTS, MAX_REPLICATIONS};

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
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::Overloaded { load, agents } => write!(
                f,
                "offered load {load:.1} erlangs is at or above the {agents} agents' capacity and some callers never \
                 hang up: queues grow through the day and results depend on its length"
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

    /// Parses and validates scenario text; `label` names the source in errors.
    pub fn from_toml_str(text: &str, label: &str) -> Result<Scenario> {
        let raw: ScenarioFile =
            toml::from_str(text).map_err(|e| Error::scenario(label, describe_toml_error(&e, text)))?;
        Scenario::from_file(raw, label)
    }

    /// Validates a parsed scenario; `label` names the source in errors.
    pub fn from_file(raw: ScenarioFile, label: &str) -> Result<Scenario> {
        let fail = |field: &str, message: String| Error::scenario(label, format!("{field}: {message}"));
        if raw.name.trim().is_empty() {
            return Err(fail("name", "must not be empty".into()));
        }
        if raw.replications == 0 || raw.replications > MAX_REPLICATIONS {
            return Err(fail(
                "replications",
                format!("must be from 1 to {MAX_REPLICATIONS}, got {}", raw.replications),
            ));
        }
        let horizon = raw.horizon.duration.0;
        let warmup = raw.horizon.warmup.0;
        if horizon <= 0.0 {
            return Err(fail("horizon.duration", "must be longer than 0s".into()));
        }
        if warmup >= horizon {
            return Err(fail(
                "horizon.warmup",
                format!("must be shorter than horizon.duration ({horizon}s), got {warmup}s"),
            ));
        }
        let target = raw.service_level.target;
        if !(target > 0.0 && target <= 1.0) {
            return Err(fail(
                "service_level.target",
                format!("must be greater than 0 and at most 1, got {target}"),
            ));
        }
        if raw.lines == Some(0) {
            return Err(fail("lines", "must be at least 1 (omit it for unlimited lines)".into()));
        }
        if raw.call_types.is_empty() {
            return Err(fail(
                "call_types",
                "at least one [[call_types]] entry is required".into(),
            ));
        }
        if raw.agent_groups.is_empty() {
            return Err(fail(
                "agent_groups",
                "at least one [[agent_groups]] entry is required".into(),
            ));
        }
        let aging = raw.routing.aging_per_second;
        if !(aging.is_finite() && aging >= 0.0) {
            return Err(fail(
                "routing.aging_per_second",
                format!("must be 0 or more, got {aging}"),
            ));
        }

        let mut names = HashSet::new();
        let mut call_types = Vec::with_capacity(raw.call_types.len());
        for (index, ct) in raw.call_types.iter().enumerate() {
            let at = entry_path("call_types", index, &ct.name);
            check_unique_name(&ct.name, "call type", &mut names).map_err(|m| fail(&format!("{at}.name"), m))?;
            let per_hour = ct.arrivals.per_hour;
            if !(per_hour.is_finite() && per_hour > 0.0) {
                return Err(fail(
                    &format!("{at}.arrivals.per_hour"),
                    format!("must be greater than 0, got {per_hour}"),
                ));
            }
            let service = build_distribution(&ct.service).map_err(|m| fail(&format!("{at}.service"), m))?;
            let patience = match &ct.patience {
                Some(p) => Some(build_distribution(p).map_err(|m| fail(&format!("{at}.patience"), m))?),
                None => None,
            };
            if !ct.priority.is_finite() {
                return Err(fail(&format!("{at}.priority"), "must be a finite number".into()));
            }
            call_types.push(CallType {
                name: ct.name.clone(),
                arrival_rate: per_hour / 3600.0,
                service,
                patience,
                priority: ct.priority,
                after_call_work: ct.after_call_work.0,
            });
        }

        let mut group_names = HashSet::new();
        let mut agent_groups = Vec::with_capacity(raw.agent_groups.len());
        for (index, g) in raw.agent_groups.iter().enumerate() {
            let at = entry_path("agent_groups", index, &g.name);
            check_unique_name(&g.name, "agent group", &mut group_names).map_err(|m| fail(&format!("{at}.name"), m))?;
            if g.count > MAX_AGENTS {
                return Err(fail(
                    &format!("{at}.count"),
                    format!("must be at most {MAX_AGENTS}, got {}", g.count),
                ));
            }
            if g.skills.is_empty() {
                return Err(fail(&format!("{at}.skills"), "must name at least one call type".into()));
            }
            let mut skills = Vec::with_capacity(g.skills.len());
            for skill in &g.skills {
                let Some(position) = call_types.iter().position(|c| &c.name == skill) else {
                    let known: Vec<&str> = call_types.iter().map(|c| c.name.as_str()).collect();
                    return Err(fail(
                        &format!("{at}.skills"),
                        format!("\"{skill}\" is not a call type; call types are: {}", known.join(", ")),
                    ));
                };
                if skills.contains(&position) {
                    return Err(fail(&format!("{at}.skills"), format!("\"{skill}\" is listed twice")));
                }
                skills.push(position);
            }
            agent_groups.push(AgentGroup {
                name: g.name.clone(),
                count: g.count,
                skills,
            });
        }
        let all_agents: u64 = agent_groups.iter().map(|g| g.count as u64).sum();
        if all_agents > MAX_AGENTS as u64 {
            return Err(fail(
                "agent_groups",
                format!("{all_agents} agents in all; at most {MAX_AGENTS} are supported"),
            ));
        }
        for (index, ct) in call_types.iter().enumerate() {
            let agents: u32 = agent_groups
                .iter()
                .filter(|g| g.skills.contains(&index))
                .map(|g| g.count)
                .sum();
            if agents == 0 {
                return Err(fail(
                    &format!("call_types[{}]", ct.name),
                    "no agent can answer this call type: add it to the skills of a group with count of 1 or more"
                        .into(),
                ));
            }
        }
        let calls_per_replication: f64 = call_types.iter().map(|c| c.arrival_rate).sum::<f64>() * horizon;
        if calls_per_replication > MAX_CALLS_PER_REPLICATION {
            return Err(fail(
                "horizon.duration",
                format!(
                    "{calls_per_replication:.3e} calls per replication expected (arrival rates times duration); at most \
                     {MAX_CALLS_PER_REPLICATION:.0e} are allowed: shorten the horizon or lower per_hour"
                ),
            ));
        }
        Ok(Scenario {
            name: raw.name,
            seed: raw.seed,
            replications: raw.replications,
            horizon,
            warmup,
            answer_within: raw.service_level.answer_within.0,
            service_level_target: target,
            lines: raw.lines,
            call_types,
            agent_groups,
            routing: RoutingPolicy {
                queue: raw.routing.queue,
                agent: raw.routing.agent,
                aging_per_second: aging,
            },
            sweep: raw.sweep.map(|s| s.vary).unwrap_or_default(),
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
        warnings
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
                    skills: g.skills.iter().map(|&t| CallTypeId(t as u32)).collect(),
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

/// How errors name an entry of an array of tables: `call_types[general]`, or by position while it has no name.
fn entry_path(array: &str, index: usize, name: &str) -> String {
    if name.is_empty() {
        format!("{array}[{index}]")
    } else {
        format!("{array}[{name}]")
    }
}

/// A name must be non-blank and not used before by another entry of the same `kind`.
fn check_unique_name(name: &str, kind: &str, seen: &mut HashSet<String>) -> std::result::Result<(), String> {
    if name.trim().is_empty() {
        return Err("must not be empty".into());
    }
    if !seen.insert(name.to_string()) {
        return Err(format!("duplicate {kind} name \"{name}\""));
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
                "distribution \"{other}\" is unknown; use exponential, lognormal, gamma, erlang, weibull, uniform, \
                     constant or empirical"
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
    let message = error
        .message()
        .trim()
        .replace('\n', " ")
        .replace("expected u32", "expected a whole number of 0 or more")
        .replace("expected u64", "expected a whole number of 0 or more")
        .replace("expected f64", "expected a number");
    match error.span() {
        Some(span) => {
            let line_number = text[..span.start.min(text.len())].matches('\n').count() + 1;
            let line = text.lines().nth(line_number - 1).unwrap_or("").trim();
            format!("line {line_number} (`{line}`): {message}")
        }
        None => message,
    }
}
