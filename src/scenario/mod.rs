//! Scenarios: reading a TOML file and turning it into a validated [`Scenario`].
//!
//! [`file`](mod@file) holds the raw serde types; `validate` checks every value once, one section at a time (rates
//! positive, distributions constructed, skills resolved to indices), so nothing downstream validates or unwraps
//! configuration again. [`axis`] is the grammar of sweep axes (`[sweep] vary`, `--vary`), checked on reading too;
//! [`Warning`] lists the odd but legal situations, with [`settling`] the rule behind the empty-start warning.
//!
//! **The planner's day (issue 8).** Every scenario has a [`Day`] (planning intervals, opening time, what happens at
//! closing, day-level busyness); each call type a [`PiecewiseRate`] per interval and each group a [`Roster`]. A
//! scenario written before issue 8 gets a constant rate and an all-day roster, and exactly the scalar fields it
//! had (`arrival_rate`, `count`). The engine simulates the whole day ([`DAY_MODEL_SIMULATED`]);
//! [`Scenario::unsupported_by_engine`] stays as the hook through which the `from_*` constructors refuse a key a
//! later issue reads before the engine simulates it (the `describe_*` constructors accept it, for `callsim check`).

pub mod axis;
pub mod callers;
pub mod campaign;
pub mod chat;
pub mod consult;
pub mod file;
pub mod settling;
mod sweep_check;
mod validate;
mod warning;

use std::path::{Path, PathBuf};

use crate::day::DayClock;
use crate::day::arrivals::{Busyness, PiecewiseRate};
use crate::day::intervals::Intervals;
use crate::day::roster::Roster;
use crate::distribution::DurationDistribution;
use crate::error::{Error, Result};
use crate::routing::{AgentSelection, CallTypeId, CallTypeRules, GroupConfig, QueueDiscipline, RouterConfig};
pub use file::{AtClose, ScenarioFile};
use validate::Fields;
pub use warning::Warning;

pub use crate::limits::MAX_CALLS_PER_REPLICATION;
use crate::limits::MAX_REPLICATIONS;

/// Whether the engine simulates the day keys of issue 8 (rates and staffing that change through the day,
/// forecasts, shifts, busyness, absenteeism, balking, `at_close = "clear"`): it does. While it was `false`,
/// [`Scenario::from_file`] and the constructors built on it refused a scenario that needed them
/// ([`Scenario::unsupported_by_engine`]), so it was never simulated as something else.
pub const DAY_MODEL_SIMULATED: bool = true;

/// The planner's day: planning intervals (with the clock), what happens at closing, and the day-level forecast
/// error.
#[derive(Debug, Clone)]
pub struct Day {
    /// The planning intervals, from opening to the horizon; their [`DayClock`] labels instants.
    pub intervals: Intervals,
    /// What happens to callers still waiting at closing.
    pub at_close: AtClose,
    /// The Gamma factor of mean 1 that multiplies every rate of one replication (none: factor 1).
    pub busyness: Busyness,
}

impl Day {
    /// The clock of the day (`opens_at` is the clock time of `t = 0`).
    pub fn clock(&self) -> DayClock {
        self.intervals.clock()
    }
}

/// Where a call type's arrival rates come from (what the scenario file wrote).
#[derive(Debug, Clone, PartialEq)]
pub enum ArrivalSource {
    /// `per_hour = 120`: one rate all day.
    PerHour,
    /// `per_hour = [...]`: one rate per interval.
    PerInterval,
    /// No `arrivals`: the type only receives other types' callers (repeat calls, overflows).
    None,
    /// `forecast = "day.csv"`: calls per interval from a CSV file.
    Forecast {
        /// The file, resolved relative to the scenario file.
        path: PathBuf,
        /// The factor applied to its calls.
        scale: f64,
    },
}

/// How a group's staffing is written in the scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Staffing {
    /// `count = 8`: the same agents all day.
    Count,
    /// `count = [...]`: agents on duty per interval.
    PerInterval,
    /// `shifts = [...]`: shifts with breaks.
    Shifts,
}

/// A validated call type.
#[derive(Debug, Clone)]
pub struct CallType {
    /// Unique name.
    pub name: String,
    /// Poisson arrival rate in calls per second: the rate itself when it is constant all day (exactly as before
    /// issue 8), the day's mean rate (expected calls of the day over the horizon) when it varies; the real rates
    /// are [`CallType::arrivals`].
    pub arrival_rate: f64,
    /// Handle (talk) time.
    pub service: DurationDistribution,
    /// Patience; `None` when callers never hang up.
    pub patience: Option<DurationDistribution>,
    /// Priority (higher first under the priority disciplines).
    pub priority: f64,
    /// After-call work in seconds.
    pub after_call_work: f64,
    /// The arrival rate through the day, constant within each planning interval (busyness factor 1; the engine
    /// clones it per replication and calls [`PiecewiseRate::set_busyness`]).
    pub arrivals: PiecewiseRate,
    /// Where the rates come from.
    pub arrival_source: ArrivalSource,
    /// Share of callers who hang up at once when every eligible agent is busy (0: none).
    pub balk: f64,
    /// Queue capacity, wait limit, redials, repeat calls and the announced wait.
    pub callers: callers::CallerBehaviour,
    /// The supervisor consult during some of its calls, if any.
    pub consult: Option<consult::Consult>,
    /// The transfer of some of its calls to another call type, if any.
    pub transfer: Option<consult::Transfer>,
    /// This type's own service-level threshold, target and short-abandon threshold where it overrides the
    /// scenario's (`[[call_types]] service_level`); read them through [`Scenario::answer_within_of`],
    /// [`Scenario::target_of`] and [`Scenario::short_abandon_of`].
    pub service_level: TypeServiceLevel,
    /// `Some` for a chat (`channel = "chat"`): its handle times by the number of chats its agent holds.
    pub chat: Option<chat::Chat>,
}

/// A call type's overrides of the scenario's `[service_level]`: `None` keeps the scenario's value.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TypeServiceLevel {
    /// Threshold in seconds.
    pub answer_within: Option<f64>,
    /// Target share of calls answered within the threshold.
    pub target: Option<f64>,
    /// Short-abandon threshold in seconds.
    pub short_abandon: Option<f64>,
}

/// One call type's service-level goal as it applies (its own values, or the scenario's).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceTarget {
    /// The call type's name.
    pub call_type: String,
    /// Target share of calls answered within `answer_within`.
    pub target: f64,
    /// Threshold in seconds.
    pub answer_within: f64,
    /// Short-abandon threshold in seconds.
    pub short_abandon: f64,
}

impl ServiceTarget {
    /// `"90% in 10s"` (the share with one decimal when it is not a whole percent).
    pub fn text(&self) -> String {
        format!(
            "{} in {}",
            share_text(self.target),
            crate::time::format_duration(self.answer_within)
        )
    }
}

/// A target share as a percentage: `"90%"`, `"92.5%"`.
pub fn share_text(share: f64) -> String {
    let percent = share * 100.0;
    if (percent - percent.round()).abs() < 1e-9 {
        format!("{percent:.0}%")
    } else {
        format!("{percent:.1}%")
    }
}

/// A validated agent group.
#[derive(Debug, Clone)]
pub struct AgentGroup {
    /// Unique name.
    pub name: String,
    /// Agents the router allocates: everyone in the [`AgentGroup::roster`] (for a single `count`, that count as
    /// before issue 8; for a `count` list, the most in any interval; for shifts, every agent of every shift, as
    /// each is a separate agent who logs on and off). The most on duty at once is [`Roster::peak_on_duty`].
    pub count: u32,
    /// Call types (indices into [`Scenario::call_types`]) in the group's order of preference.
    pub skills: Vec<usize>,
    /// Per skill (same order as `skills`), seconds a call must have waited before the group may take it (0: a
    /// static skill; `after` in the file).
    pub skill_after: Vec<f64>,
    /// Agents kept back for one call type (`reserve`), `None` without.
    pub reserve: Option<crate::routing::Reserve>,
    /// Each agent's on-duty spans through the day (all day for a single `count`).
    pub roster: Roster,
    /// How the staffing is written.
    pub staffing: Staffing,
    /// Probability that each rostered agent is absent for the whole day (0: none).
    pub absenteeism: f64,
    /// Consults, or chats, one agent may hold at once (1 unless the group's `concurrency` says otherwise).
    pub concurrency: u32,
    /// The campaign the group dials for, and its blending threshold (`outbound`), if any.
    pub outbound: Option<campaign::Outbound>,
    /// Which contacts the group answers (`channel`).
    pub channel: chat::GroupChannel,
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
    /// Short-abandon threshold in seconds: callers who give up sooner are left out of
    /// `service_level_short_abandons_excluded` (`[service_level] short_abandon`, default 5 s).
    pub short_abandon: f64,
    /// Trunk lines (calls in the system at once), if limited.
    pub lines: Option<u32>,
    /// At most this many callers on hold, all types together, if limited.
    pub queue_capacity: Option<u32>,
    /// Call types.
    pub call_types: Vec<CallType>,
    /// Agent groups.
    pub agent_groups: Vec<AgentGroup>,
    /// Routing policy.
    pub routing: RoutingPolicy,
    /// Sweep axes declared in the file (command-line syntax).
    pub sweep: Vec<String>,
    /// The planner's day: intervals, clock, closing rule, busyness.
    pub day: Day,
    /// Outbound campaigns (`[[campaigns]]`), dialled by the groups whose `outbound` names them.
    pub campaigns: Vec<campaign::Campaign>,
}

impl Scenario {
    /// Reads and validates a scenario file the engine can simulate (see [`Scenario::describe_path`] for one
    /// that is only to be checked and described).
    pub fn from_path(path: &Path) -> Result<Scenario> {
        let (text, label) = read_text(path)?;
        Scenario::from_toml_str(&text, &label)
    }

    /// Reads and validates a scenario file, accepting day keys the engine does not simulate yet (for `check`).
    pub fn describe_path(path: &Path) -> Result<Scenario> {
        let (text, label) = read_text(path)?;
        Scenario::describe_toml_str(&text, &label)
    }

    /// Parses and validates scenario text the engine can simulate; `label` names the source in errors and is
    /// the scenario file's path, which forecast paths are relative to. A `[sweep] vary` list is checked too: each
    /// axis must parse and each of its values must give a valid scenario.
    pub fn from_toml_str(text: &str, label: &str) -> Result<Scenario> {
        Scenario::parse_toml(text, label, Scenario::from_file)
    }

    /// As [`Scenario::from_toml_str`], accepting day keys the engine does not simulate yet (for `check`).
    pub fn describe_toml_str(text: &str, label: &str) -> Result<Scenario> {
        Scenario::parse_toml(text, label, Scenario::describe_file)
    }

    fn parse_toml(text: &str, label: &str, build: Build) -> Result<Scenario> {
        let raw: ScenarioFile =
            toml::from_str(text).map_err(|e| Error::scenario(label, file::describe_toml_error(&e, text)))?;
        let scenario = build(raw, label)?;
        if !scenario.sweep.is_empty() {
            let table: toml::Table = toml::from_str(text).map_err(|e| Error::scenario(label, e.message().trim()))?;
            sweep_check::check_values(&table, &scenario.sweep, label, build)?;
        }
        Ok(scenario)
    }

    /// Validates a parsed scenario the engine can simulate: as [`Scenario::describe_file`], then, while
    /// [`DAY_MODEL_SIMULATED`] is off, refuses the first key [`Scenario::unsupported_by_engine`] names with
    /// "... is read and checked but not simulated yet (issue 8)".
    pub fn from_file(raw: ScenarioFile, label: &str) -> Result<Scenario> {
        let scenario = Scenario::describe_file(raw, label)?;
        match scenario.unsupported_by_engine() {
            Some(feature) if !DAY_MODEL_SIMULATED => Err(Error::scenario(
                label,
                format!(
                    "{feature} is read and checked but not simulated yet (issue 8); `callsim check` describes the day"
                ),
            )),
            _ => Ok(scenario),
        }
    }

    /// Validates a parsed scenario, one section at a time; `label` names the source in errors and is the
    /// scenario file's path, which forecast paths are relative to. Accepts every day key, simulated or not.
    pub fn describe_file(raw: ScenarioFile, label: &str) -> Result<Scenario> {
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
        let day = at.day(&raw.horizon, horizon, raw.busyness.as_ref())?;
        let (answer_within, service_level_target, short_abandon) = at.service_level(&raw.service_level)?;
        at.lines(raw.lines)?;
        let mut call_types = at.call_types(&raw.call_types, &day)?;
        let consulted = consult::consulted_groups(&raw.call_types);
        // A group that only dials out needs no skill, like one that only answers consults.
        let mut skill_free = consulted.clone();
        skill_free.extend(
            raw.agent_groups
                .iter()
                .filter(|g| g.outbound.is_some())
                .map(|g| g.name.as_str()),
        );
        let mut agent_groups = at.agent_groups(&raw.agent_groups, &call_types, &day.intervals, &skill_free)?;
        at.consults(&raw.call_types, &raw.agent_groups, &mut call_types, &mut agent_groups)?;
        at.chats(
            &raw.call_types,
            &raw.agent_groups,
            &mut call_types,
            &mut agent_groups,
            &consulted,
        )?;
        let inbound_calls = at.capacity(&call_types, &agent_groups, horizon)?;
        let raw_outbound: Vec<(String, Option<campaign::OutboundFile>)> = raw
            .agent_groups
            .iter()
            .map(|g| (g.name.clone(), g.outbound.clone()))
            .collect();
        let counts: Vec<u32> = agent_groups.iter().map(|g| g.count).collect();
        let (campaigns, outbound) = campaign::campaigns(
            label,
            &raw.campaigns,
            &raw_outbound,
            &counts,
            day.clock(),
            horizon,
            inbound_calls,
        )?;
        for (group, outbound) in agent_groups.iter_mut().zip(outbound) {
            let chats =
                group.channel == chat::GroupChannel::Chat || group.skills.iter().any(|&t| call_types[t].chat.is_some());
            if outbound.is_some() && chats {
                return Err(Error::scenario(
                    label,
                    format!(
                        "agent_groups[{}].outbound: a group that answers chats cannot dial out (an agent holding \
                         chats is never idle for a call); give the campaign a voice group",
                        crate::limits::quote(&group.name)
                    ),
                ));
            }
            group.outbound = outbound;
        }
        Ok(Scenario {
            name: raw.name,
            seed: raw.seed,
            replications: raw.replications,
            horizon,
            warmup,
            answer_within,
            service_level_target,
            short_abandon,
            lines: raw.lines,
            queue_capacity: raw.queue_capacity,
            call_types,
            agent_groups,
            routing: at.routing(&raw.routing)?,
            sweep: at.sweep(raw.sweep)?,
            day,
            campaigns,
        })
    }

    /// The first key this scenario uses that the engine cannot simulate yet, as `"field: what"` (e.g.
    /// `"call_types[general].arrivals.per_hour: calls per hour that change through the day"`), or `None` when the
    /// engine simulates everything the scenario asks for.
    ///
    /// Since the engine simulates the whole day of issue 8 ([`DAY_MODEL_SIMULATED`]: time-varying rates and
    /// forecasts, busyness, count lists, shifts and breaks, absenteeism, balking, `at_close = "clear"`), this is
    /// always `None`. It stays as the one place where a later issue lists a key it reads and checks before the
    /// engine simulates it; [`Scenario::from_file`] then refuses that key while the flag is off, and
    /// `callsim check` says so.
    pub fn unsupported_by_engine(&self) -> Option<String> {
        None
    }

    /// Whether demand and staffing are constant all day (every call type's rate, every group's roster): the
    /// stationary model the settling-time and overload rules assume.
    pub fn is_stationary(&self) -> bool {
        self.call_types.iter().all(|c| c.arrivals.segment_count() == 1)
            && self.agent_groups.iter().all(|g| g.roster.is_constant())
    }

    /// Offered load in erlangs: arrival rate times (mean handle time + after-call work), summed over call types
    /// (a chat counts the part of an agent it takes when agents are full, [`Scenario::agent_seconds_per_call`]).
    /// For a day whose rates vary this is the day's mean load; [`Scenario::offered_load_per_interval`] has the
    /// load of each interval.
    pub fn offered_load(&self) -> f64 {
        (0..self.call_types.len())
            .map(|t| self.call_types[t].arrival_rate * self.agent_seconds_per_call(t))
            .sum()
    }

    /// Expected calls of call type `call_type` (an index into [`Scenario::call_types`]) in each planning
    /// interval, before busyness.
    pub fn calls_per_interval(&self, call_type: usize) -> Vec<f64> {
        let arrivals = &self.call_types[call_type].arrivals;
        self.day
            .intervals
            .iter()
            .map(|i| arrivals.expected_calls(i.start, i.end))
            .collect()
    }

    /// Offered load in erlangs in each planning interval: its expected calls times (mean handle time + after-call
    /// work) over its length, summed over call types.
    pub fn offered_load_per_interval(&self) -> Vec<f64> {
        let intervals = &self.day.intervals;
        let mut load = vec![0.0; intervals.len()];
        for index in 0..self.call_types.len() {
            let handle = self.agent_seconds_per_call(index);
            for ((l, calls), interval) in load
                .iter_mut()
                .zip(self.calls_per_interval(index))
                .zip(intervals.iter())
            {
                *l += calls * handle / interval.length();
            }
        }
        load
    }

    /// Agents on duty in each planning interval, all groups together (time-averaged over the interval, so a
    /// 15-minute break in an hour counts a quarter of an agent off; before absenteeism).
    pub fn on_duty_per_interval(&self) -> Vec<f64> {
        let intervals = &self.day.intervals;
        let mut on = vec![0.0; intervals.len()];
        for g in &self.agent_groups {
            for (total, group) in on.iter_mut().zip(g.roster.on_duty_mean(intervals)) {
                *total += group;
            }
        }
        on
    }

    /// Agents across all groups.
    pub fn total_agents(&self) -> u32 {
        self.agent_groups.iter().map(|g| g.count).sum()
    }

    /// Odd but legal situations worth telling the user about: load at or above capacity with callers who never
    /// hang up, fewer lines than agents, and a run measured from an empty start before it settles (the rule is in
    /// [`settling`]).
    ///
    /// The overload and settling rules assume a stationary scenario ([`Scenario::is_stationary`]). For a day whose
    /// demand or staffing varies, overload is judged interval by interval (the first interval whose load reaches
    /// its agents on duty, [`Warning::IntervalOverloaded`]), the idle-agent rule compares the lines with the most
    /// agents on duty at once, and the empty-start rule is skipped: a planner's day really starts empty, and its
    /// figures are meant to include the morning's build-up.
    pub fn warnings(&self) -> Vec<Warning> {
        if !self.is_stationary() {
            return self.day_warnings();
        }
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

    /// The warnings of a day whose demand or staffing varies (see [`Scenario::warnings`]).
    fn day_warnings(&self) -> Vec<Warning> {
        let mut warnings = Vec::new();
        let someone_never_hangs_up = self.call_types.iter().any(|c| c.patience.is_none());
        if someone_never_hangs_up && self.lines.is_none() {
            let load = self.offered_load_per_interval();
            let on_duty = self.on_duty_per_interval();
            if let Some(index) = (0..load.len()).find(|&i| load[i] > 0.0 && load[i] >= on_duty[i]) {
                warnings.push(Warning::IntervalOverloaded {
                    interval: self.day.intervals.label(index),
                    load: load[index],
                    agents: on_duty[index],
                });
            }
        }
        let peak: u32 = self.agent_groups.iter().map(|g| g.roster.peak_on_duty()).sum();
        if let Some(lines) = self.lines.filter(|&l| l < peak) {
            warnings.push(Warning::IdleAgents { lines, agents: peak });
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

    /// Call type `call_type`'s service-level threshold in seconds: its own `service_level.answer_within`, else the
    /// scenario's.
    pub fn answer_within_of(&self, call_type: usize) -> f64 {
        self.call_types[call_type]
            .service_level
            .answer_within
            .unwrap_or(self.answer_within)
    }

    /// Call type `call_type`'s service-level target: its own `service_level.target`, else the scenario's.
    pub fn target_of(&self, call_type: usize) -> f64 {
        self.call_types[call_type]
            .service_level
            .target
            .unwrap_or(self.service_level_target)
    }

    /// Call type `call_type`'s short-abandon threshold in seconds: its own `service_level.short_abandon`, else
    /// the scenario's.
    pub fn short_abandon_of(&self, call_type: usize) -> f64 {
        self.call_types[call_type]
            .service_level
            .short_abandon
            .unwrap_or(self.short_abandon)
    }

    /// Every call type's service-level goal as it applies, in scenario order.
    pub fn service_targets(&self) -> Vec<ServiceTarget> {
        (0..self.call_types.len())
            .map(|t| ServiceTarget {
                call_type: self.call_types[t].name.clone(),
                target: self.target_of(t),
                answer_within: self.answer_within_of(t),
                short_abandon: self.short_abandon_of(t),
            })
            .collect()
    }

    /// Whether some call type's threshold or target differs from the scenario's `[service_level]` (a type that
    /// repeats the scenario's values does not count): then tables and charts show each type's own target.
    pub fn has_type_targets(&self) -> bool {
        (0..self.call_types.len())
            .any(|t| self.answer_within_of(t) != self.answer_within || self.target_of(t) != self.service_level_target)
    }

    /// Whether the call types' targets differ from one another. Then the total meets "the target" (a day's, an
    /// interval's) only when every call type with calls meets its own; otherwise the total's service level is
    /// held against the one target, as with a single `[service_level]`.
    pub fn targets_differ(&self) -> bool {
        (1..self.call_types.len()).any(|t| self.target_of(t) != self.target_of(0))
    }

    /// The one target every call type shares (the first type's when they differ; see
    /// [`Scenario::targets_differ`]).
    pub fn common_target(&self) -> f64 {
        if self.call_types.is_empty() {
            self.service_level_target
        } else {
            self.target_of(0)
        }
    }

    /// Clears every call type's service-level overrides, so the scenario's `[service_level]` applies to all (the
    /// pooled targets of `callsim staff` and `callsim schedule --simulate`).
    pub fn clear_type_targets(&mut self) {
        for c in &mut self.call_types {
            c.service_level = TypeServiceLevel::default();
        }
    }

    /// Whether any caller behaviour of issue 10 is modelled: a queue capacity, a wait limit, redials, repeat
    /// calls or an announced wait.
    pub fn has_caller_behaviour(&self) -> bool {
        self.queue_capacity.is_some()
            || self.call_types.iter().any(|c| {
                let b = &c.callers;
                b.queue_capacity.is_some()
                    || b.max_wait.is_some()
                    || b.redial.is_some()
                    || b.resolution.is_some()
                    || !b.announce_wait.is_empty()
            })
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
                    skill_after: g.skill_after.clone(),
                    reserve: g.reserve,
                })
                .collect(),
            queue: self.routing.queue,
            aging_per_second: self.routing.aging_per_second,
            agent_selection: self.routing.agent,
            lines: self.lines,
            queue_capacity: self.queue_capacity,
            call_type_rules: self
                .call_types
                .iter()
                .map(|c| CallTypeRules {
                    queue_capacity: c.callers.queue_capacity,
                    wait_limit: c.callers.max_wait,
                })
                .collect(),
            consult_concurrency: self.agent_groups.iter().map(|g| g.concurrency).collect(),
        }
    }
}

/// A validating constructor: [`Scenario::from_file`] or [`Scenario::describe_file`].
type Build = fn(ScenarioFile, &str) -> Result<Scenario>;

/// A scenario file's text and its label (the path as shown in errors).
fn read_text(path: &Path) -> Result<(String, String)> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::scenario(&label, format!("cannot read: {e}")))?;
    Ok((text, label))
}

/// The name of the rows that add up every call type; no call type may take it.
pub const TOTAL: &str = "total";
