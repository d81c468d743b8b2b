//! The scenario file as written by hand (TOML): the raw, unvalidated boundary.
//!
//! Every table refuses unknown keys so a typo is an error naming the key, never a silent default. Durations are
//! parsed here (strings with units), so a malformed duration is reported with its line. Everything else is
//! checked when [`super::Scenario`] is built from this.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::day::roster::ShiftSpec;
use crate::limits::quote;
use crate::routing::{AgentSelection, QueueDiscipline};
use crate::time::parse_duration;

/// A duration written with units (`"20s"`, `"3m"`, `"1h30m"`), held in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DurationText(pub f64);

impl<'de> Deserialize<'de> for DurationText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DurationVisitor;
        impl Visitor<'_> for DurationVisitor {
            type Value = DurationText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration string with units such as \"20s\", \"3m\" or \"1h30m\"")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<DurationText, E> {
                parse_duration(text).map(DurationText).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(DurationVisitor)
    }
}

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Display name.
    pub name: String,
    /// Base seed of every random stream.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Independent replications (for confidence intervals).
    #[serde(default = "default_replications")]
    pub replications: u32,
    /// Length of the simulated day and warm-up.
    pub horizon: HorizonFile,
    /// The service-level definition.
    #[serde(default)]
    pub service_level: ServiceLevelFile,
    /// Trunk lines of the number: at most this many calls in the system; more get a busy tone.
    pub lines: Option<u32>,
    /// At most this many callers on hold, all call types together; the next who would wait gets a busy tone.
    pub queue_capacity: Option<u32>,
    /// Kinds of calls.
    pub call_types: Vec<CallTypeFile>,
    /// Groups of agents.
    pub agent_groups: Vec<AgentGroupFile>,
    /// Routing policy.
    #[serde(default)]
    pub routing: RoutingFile,
    /// Sweep axes used by `callsim sweep` when none are given on the command line.
    pub sweep: Option<SweepFile>,
    /// Outbound campaigns (`[[campaigns]]`, issue 12).
    #[serde(default)]
    pub campaigns: Vec<super::campaign::CampaignFile>,
    /// Day-level forecast error: `busyness = { cv = 0.05 }`; absent means none.
    pub busyness: Option<BusynessFile>,
}

/// `busyness = { cv = 0.05 }`: each replication (day) multiplies every call type's rates by one Gamma factor of
/// mean 1 and this coefficient of variation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusynessFile {
    /// Coefficient of variation of the day's factor: 0 (none) or from 0.0001 to 1.
    pub cv: f64,
}

/// A number, or a list with one number per planning interval: `per_hour = 120` or `per_hour = [100, 150, ...]`,
/// `count = 8` or `count = [4, 6, 8, ...]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum OneOrList<T> {
    /// The same value all day.
    One(T),
    /// One value per interval, in order.
    List(Vec<T>),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrList<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::IntoDeserializer;
        struct OneOrListVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrListVisitor<T> {
            type Value = OneOrList<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or a list with one number per interval such as [4, 6, 8]")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(OneOrList::One)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(OneOrList::One)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(OneOrList::One)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::<T>::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(OneOrList::List)
            }
        }
        deserializer.deserialize_any(OneOrListVisitor(std::marker::PhantomData))
    }
}

/// `at_close`: what happens to callers still waiting when the day ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AtClose {
    /// Agents on duty at closing answer everyone still waiting (as before issue 8).
    #[default]
    Finish,
    /// Callers still waiting at closing are disconnected (counted as `disconnected`).
    Clear,
}

impl AtClose {
    /// The name written in scenario files: `"finish"` or `"clear"`.
    pub fn name(self) -> &'static str {
        match self {
            AtClose::Finish => "finish",
            AtClose::Clear => "clear",
        }
    }
}

impl<'de> Deserialize<'de> for AtClose {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match text.as_str() {
            "finish" => Ok(AtClose::Finish),
            "clear" => Ok(AtClose::Clear),
            other => Err(de::Error::custom(format!(
                "horizon.at_close: must be \"finish\" or \"clear\", got \"{}\"",
                quote(other)
            ))),
        }
    }
}

impl ScenarioFile {
    /// Converts a TOML table (a scenario with a sweep's values written in) into the raw scenario; the error is
    /// one line in the scenario file's words (`expected a whole number`, not `expected u32`).
    pub fn from_table(table: toml::Table) -> Result<ScenarioFile, String> {
        toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| plain_type_words(e.message()))
    }
}

/// A serde type complaint in the scenario's words: Rust type names replaced, one line, long quotes cut.
pub fn plain_type_words(message: &str) -> String {
    let message = message
        .trim()
        .replace('\n', " ")
        .replace("expected u32", "expected a whole number of 0 or more")
        .replace("expected u64", "expected a whole number of 0 or more")
        .replace("expected f64", "expected a number");
    quote(&message)
}

fn default_seed() -> u64 {
    1
}

fn default_replications() -> u32 {
    10
}

/// `[horizon]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HorizonFile {
    /// Simulated time per replication; arrivals stop here and calls in the system finish.
    pub duration: DurationText,
    /// Calls arriving earlier are simulated but not counted.
    #[serde(default = "zero_duration")]
    pub warmup: DurationText,
    /// The planning interval per-interval lists and results use (default 30 minutes).
    pub interval: Option<DurationText>,
    /// Clock time of `t = 0`, `"HH:MM"` (default `"00:00"`).
    pub opens_at: Option<String>,
    /// What happens to callers still waiting at closing (default `finish`).
    #[serde(default)]
    pub at_close: AtClose,
}

pub(super) fn zero_duration() -> DurationText {
    DurationText(0.0)
}

/// `[service_level]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceLevelFile {
    /// A call answered within this wait counts as answered in time.
    #[serde(default = "default_answer_within")]
    pub answer_within: DurationText,
    /// Target share of calls answered in time (shown on plots and in warnings).
    #[serde(default = "default_target")]
    pub target: f64,
    /// Callers who hang up (or balk) after waiting less than this are short abandons, left out of
    /// `service_level_short_abandons_excluded`; `"0s"` leaves nobody out.
    #[serde(default = "default_short_abandon")]
    pub short_abandon: DurationText,
}

impl Default for ServiceLevelFile {
    fn default() -> Self {
        ServiceLevelFile {
            answer_within: default_answer_within(),
            target: default_target(),
            short_abandon: default_short_abandon(),
        }
    }
}

fn default_answer_within() -> DurationText {
    DurationText(20.0)
}

fn default_target() -> f64 {
    0.8
}

fn default_short_abandon() -> DurationText {
    DurationText(crate::stats::SHORT_ABANDON_S)
}

/// `[[call_types]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallTypeFile {
    /// Unique name.
    pub name: String,
    /// Arrival process; may be left out only by a call type that other types' callers become (a repeat call's
    /// `resolution.as`, a `max_wait` overflow), which then has no calls of its own.
    pub arrivals: Option<ArrivalsFile>,
    /// Handle (talk) time.
    pub service: DistributionFile,
    /// Patience: how long a caller waits before hanging up; absent means callers never hang up.
    pub patience: Option<DistributionFile>,
    /// Higher is served first under the priority disciplines.
    #[serde(default)]
    pub priority: f64,
    /// Time the agent stays busy after the caller hangs up (data entry).
    #[serde(default = "zero_duration")]
    pub after_call_work: DurationText,
    /// Share of callers who hang up at once when every eligible agent is busy (default 0).
    #[serde(default)]
    pub balk: f64,
    /// At most this many callers of this type on hold; the next who would wait gets a busy tone.
    pub queue_capacity: Option<u32>,
    /// What a caller still on hold after a while does.
    pub max_wait: Option<MaxWaitFile>,
    /// Callers who abandoned or were blocked call again.
    pub redial: Option<RedialFile>,
    /// Answered calls not resolved at first contact come back as repeat calls.
    pub resolution: Option<ResolutionFile>,
    /// The caller hears the expected wait on arrival and may hang up at once.
    pub announce_wait: Option<AnnounceWaitFile>,
    /// The operator asks a senior colleague during some calls (a supervisor consult).
    pub consult: Option<ConsultFile>,
    /// Some calls are handed to another call type's queue after part of their service.
    pub transfer: Option<TransferFile>,
    /// This type's own service-level threshold and target, overriding the scenario's `[service_level]`.
    pub service_level: Option<TypeServiceLevelFile>,
    /// `"voice"` (the default) or `"chat"`: a chat shares its agent with the agent's other chats.
    pub channel: Option<String>,
    /// Chat types only: the mean handle time of a chat while its agent holds 1, 2, 3, ... chats.
    pub handle_time_by_concurrency: Option<Vec<DurationText>>,
}

/// `transfer = { probability = 0.1, to = "billing", after = {...}, kind = "cold" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferFile {
    /// Share of answered calls transferred.
    pub probability: f64,
    /// The call type whose queue the call joins.
    pub to: String,
    /// Time with the first agent before the transfer (replaces the handle time of a transferred call).
    pub after: DistributionFile,
    /// `"cold"` (default: the first agent is free at once) or `"warm"` (it stays on until the second answers).
    #[serde(default = "default_transfer_kind")]
    pub kind: String,
}

fn default_transfer_kind() -> String {
    "cold".into()
}

/// `consult = { probability = 0.15, group = "seniors", duration = {...}, at = 0.5 }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsultFile {
    /// Share of answered calls on which the operator asks.
    pub probability: f64,
    /// The agent group asked.
    pub group: String,
    /// How long the senior holds the consult.
    pub duration: DistributionFile,
    /// After this share of the call's handle time the operator asks (default 0.5).
    #[serde(default = "default_consult_at")]
    pub at: f64,
}

fn default_consult_at() -> f64 {
    0.5
}

/// `service_level = { answer_within = "10s", target = 0.9 }` in a `[[call_types]]` entry: any field left out comes
/// from the scenario's `[service_level]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeServiceLevelFile {
    /// A call of this type answered within this wait counts as answered in time.
    pub answer_within: Option<DurationText>,
    /// Target share of this type's calls answered in time.
    pub target: Option<f64>,
    /// This type's short-abandon threshold.
    pub short_abandon: Option<DurationText>,
}

/// `max_wait = { after = "2m", action = "message" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaxWaitFile {
    /// Time on hold after which the action happens.
    pub after: DurationText,
    /// `"message"`, `"disconnect"`, `"callback"` or `{ overflow = "OTHER_TYPE" }`.
    pub action: MaxWaitActionFile,
}

/// The action of `max_wait`: a name, or `{ overflow = "OTHER_TYPE" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum MaxWaitActionFile {
    /// `"message"`, `"disconnect"` or `"callback"`.
    Named(String),
    /// `{ overflow = "OTHER_TYPE" }`.
    Overflow {
        /// The call type the caller moves to.
        overflow: String,
    },
}

/// `redial = { probability = 0.75, delay = {...}, after = ["abandon", "blocked"], max_attempts = 10 }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedialFile {
    /// Probability that a caller who failed calls again.
    pub probability: f64,
    /// Time until the caller calls again.
    pub delay: DistributionFile,
    /// Which failures lead to a redial: `"abandon"` (balks included), `"blocked"`, `"disconnect"`; default
    /// abandon and blocked.
    #[serde(default = "default_redial_after")]
    pub after: Vec<String>,
    /// Most attempts per caller, the first included (default 10).
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
    /// `"same"` (default: the same person, with the same patience) or `"new"` (each attempt draws a new patience,
    /// as the Erlang X model assumes).
    pub patience: Option<String>,
}

fn default_redial_after() -> Vec<String> {
    vec!["abandon".into(), "blocked".into()]
}

fn default_max_attempts() -> u32 {
    10
}

/// `resolution = { first_contact = 0.8, delay = {...}, as = "general_repeat" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolutionFile {
    /// Probability that an answered call resolves the caller's question.
    pub first_contact: f64,
    /// Time until an unresolved caller calls back.
    pub delay: DistributionFile,
    /// The call type the repeat call comes in as (default: this one).
    #[serde(rename = "as")]
    pub as_type: Option<String>,
}

/// `announce_wait = { balk = [ { over = "1m", probability = 0.1 }, ... ] }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnounceWaitFile {
    /// Bands of announced wait, each with the probability that the caller hangs up on hearing a longer wait.
    pub balk: Vec<BalkBandFile>,
}

/// `{ over = "1m", probability = 0.1 }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BalkBandFile {
    /// An announced wait longer than this...
    pub over: DurationText,
    /// ...makes the caller hang up with this probability (the highest band exceeded counts).
    pub probability: f64,
}

/// `arrivals = { per_hour = 200 }`, `{ per_hour = [100, 150, ...] }` or `{ forecast = "day.csv", scale = 1.1 }`:
/// a Poisson process whose rate is constant within each planning interval. Exactly one of `per_hour` and
/// `forecast` is given; `scale` goes with `forecast` only.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrivalsFile {
    /// Mean calls per hour: one number for the whole day or one per interval.
    pub per_hour: Option<OneOrList<f64>>,
    /// A forecast CSV (`interval_start`, `call_type`, `calls`), relative to the scenario file.
    pub forecast: Option<String>,
    /// Factor applied to every value of the forecast (default 1).
    pub scale: Option<f64>,
}

/// `{ distribution = "lognormal", mean = "3m", cv = 0.8 }` and the like.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistributionFile {
    /// Family: exponential, lognormal, gamma, erlang, weibull, uniform, constant, empirical.
    pub distribution: String,
    /// Mean duration (all families but uniform and empirical).
    pub mean: Option<DurationText>,
    /// Coefficient of variation (lognormal, gamma).
    pub cv: Option<f64>,
    /// Number of phases (erlang).
    pub k: Option<u32>,
    /// Shape (weibull).
    pub shape: Option<f64>,
    /// Smallest value (uniform).
    pub min: Option<DurationText>,
    /// Largest value (uniform).
    pub max: Option<DurationText>,
    /// Observed durations (empirical).
    pub values: Option<Vec<DurationText>>,
}

/// `[[agent_groups]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentGroupFile {
    /// Unique name.
    pub name: String,
    /// Agents on duty: one number for the whole day or one per interval; exactly one of `count` and `shifts`.
    pub count: Option<OneOrList<u32>>,
    /// Shifts with breaks; exactly one of `count` and `shifts`.
    pub shifts: Option<Vec<ShiftSpec>>,
    /// Probability that each rostered agent is absent for the whole day (default 0).
    #[serde(default)]
    pub absenteeism: f64,
    /// Call types the group answers, in its order of preference: names, or tables with a delay (may be empty for a
    /// group that only answers consults).
    pub skills: Vec<SkillEntry>,
    /// Agents kept back for one call type: `{ for = "vip", agents = 2 }`.
    pub reserve: Option<ReserveFile>,
    /// Consults, or chats, one agent of the group may hold at once (default 1).
    pub concurrency: Option<u32>,
    /// The campaign the group dials for while more than `keep_idle` of its agents are idle (blending).
    pub outbound: Option<super::campaign::OutboundFile>,
    /// `"chat"`: a chat-only group (a voice skill is an error); `"voice"`: a voice-only group; left out: whatever
    /// its skills are.
    pub channel: Option<String>,
}

/// One entry of a group's `skills`: a call type's name (a static skill), or a table naming the call type and how
/// long its calls must have waited before this group may take them.
#[derive(Debug, Clone, Deserialize)]
#[serde(
    untagged,
    expecting = "a call type's name or { call_type = \"regular\", after = \"20s\" } (after optional)"
)]
pub enum SkillEntry {
    /// `"general"`: the group may take the type at once.
    Name(String),
    /// `{ call_type = "general", after = "30s" }`.
    Delayed(DelayedSkill),
}

/// A skill with a delay: overflow by waiting time.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DelayedSkill {
    /// The call type's name (`name` is accepted too).
    #[serde(alias = "name")]
    pub call_type: String,
    /// How long a call of this type must have waited (since it first queued) before the group may take it, as a
    /// duration (`"30s"`); default `"0s"`, a static skill. Parsed in validation so errors name this field.
    pub after: Option<String>,
}

impl SkillEntry {
    /// The call type's name.
    pub fn call_type(&self) -> &str {
        match self {
            SkillEntry::Name(name) => name,
            SkillEntry::Delayed(skill) => &skill.call_type,
        }
    }
}

/// `reserve = { for = "vip", agents = 2 }` on `[[agent_groups]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReserveFile {
    /// The call type the agents are kept for.
    #[serde(rename = "for")]
    pub call_type: String,
    /// Free agents kept back: other types are answered only while more than this many agents are free.
    pub agents: u32,
}

/// `[routing]`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RoutingFile {
    /// Caller ordering.
    #[serde(default)]
    pub queue: QueueDiscipline,
    /// Agent selection.
    #[serde(default)]
    pub agent: AgentSelection,
    /// Priority points gained per second waited (queue = "priority-aging").
    #[serde(default = "default_aging")]
    pub aging_per_second: f64,
}

fn default_aging() -> f64 {
    0.01
}

/// `[sweep]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    /// Axes in the command-line syntax, e.g. `["agent_groups.agents.count=10:20", "routing.queue=fifo,priority"]`.
    pub vary: Vec<String>,
}

/// One line from a TOML error: the line number, the offending line's text and the parser's complaint.
pub(super) fn describe_toml_error(error: &toml::de::Error, text: &str) -> String {
    let message = plain_type_words(error.message());
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
