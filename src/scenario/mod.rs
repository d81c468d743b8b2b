//! Scenarios: reading a TOML file and turning it into a validated [`Scenario`].
//!
//! [`file`](mod@file) holds the raw serde types; `validate` checks every value once, one section at a time (rates
//! positive, distributions constructed, skills resolved to indices), so nothing downstream validates or unwraps
//! configuration again. [`axis`] is the grammar of sweep axes (`[sweep] vary`, `--vary`), checked on reading too;
//! [`Warning`] lists the odd but legal situations, with [`settling`] the rule behind the empty-start warning.

pub mod axis;
pub mod file;
pub mod settling;
mod sweep_check;
mod validate;
mod warning;

use std::path::Path;

use crate::distribution::DurationDistribution;
use crate::error::{Error, Result};
use crate::routing::{AgentSelection, CallTypeId, GroupConfig, QueueDiscipline, RouterConfig};
pub use file::ScenarioFile;
use validate::Fields;
pub use warning::Warning;

pub use crate::limits::MAX_CALLS_PER_REPLICATION;
use crate::limits::MAX_REPLICATIONS;

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
            toml::from_str(text).map_err(|e| Error::scenario(label, file::describe_toml_error(&e, text)))?;
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

    /// Odd but legal situations worth telling the user about: load at or above capacity with callers who never
    /// hang up, fewer lines than agents, and a run measured from an empty start before it settles (the rule is in
    /// [`settling`]).
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

/// The name of the rows that add up every call type; no call type may take it.
pub const TOTAL: &str = "total";
