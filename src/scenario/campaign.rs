//! Outbound campaigns (issue 12): the `[[campaigns]]` section and a group's `outbound` key, read from the file and
//! validated into [`Campaign`] and [`Outbound`].
//!
//! A campaign is a contact list dialled by the agents of the groups whose `outbound` names it, during its
//! `hours`, in one of three dialing modes ([`DialingMode`]). Each dial rings for a `ring` time, then ends as a live
//! answer, an answering machine, a busy tone or no answer (`outcomes`); live answers talk for `talk` and the agent
//! does `after_call_work`; records are tried again after `retry` delays, up to `max_attempts` dials per record.

use serde::Deserialize;

use super::file::{DistributionFile, DurationText};
use super::validate::build_distribution;
use crate::day::DayClock;
use crate::distribution::DurationDistribution;
use crate::error::{Error, Result};
use crate::limits::{MAX_CALLS_PER_REPLICATION, quote};

/// The seconds a live answer waits for a free agent before the dialer hangs up on it (an abandoned, silent call):
/// the regulators' two-second rule.
pub const LIVE_ANSWER_GRACE_S: f64 = 2.0;

/// `[[campaigns]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignFile {
    /// Unique name (groups' `outbound.campaign` names it).
    pub name: String,
    /// `"informing"`, `"survey"` or `"sales"` (labels; sales adds `conversion`).
    pub kind: String,
    /// Contact list size, or `"unlimited"`.
    pub records: RecordsFile,
    /// `{ mode = "preview" | "progressive" | "predictive", max_abandon = 0.03, window = "1h", preview = "20s" }`.
    pub dialing: DialingFile,
    /// Time from dialing until the called party answers or the dialer gives up.
    pub ring: DistributionFile,
    /// `{ answer = 0.35, machine = 0.15, busy = 0.1 }`: the rest ring out with no answer.
    pub outcomes: OutcomesFile,
    /// Talk time of a live (right-party) contact.
    pub talk: DistributionFile,
    /// After-call work of a live contact (default `"0s"`).
    #[serde(default = "super::file::zero_duration")]
    pub after_call_work: DurationText,
    /// `{ no_answer = "2h", busy = "10m", machine = "4h", max_attempts = 4 }`: when a record is dialled again.
    pub retry: Option<RetryFile>,
    /// `{ from = "10:00", to = "20:00" }`: clock times of the day; default the whole day.
    pub hours: Option<HoursFile>,
    /// Share of live contacts that buy (sales campaigns only).
    pub conversion: Option<f64>,
    /// `{ detect = 0.9, action = "drop" | "message", agent_time = "10s" }`: answering-machine detection.
    pub machine_detection: Option<MachineDetectionFile>,
}

/// `records = 5000` or `records = "unlimited"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, expecting = "a number of records (5000) or \"unlimited\"")]
pub enum RecordsFile {
    /// A list of this many records.
    Count(u64),
    /// `"unlimited"`.
    Word(String),
}

/// A campaign's `dialing` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialingFile {
    /// `"preview"`, `"progressive"` or `"predictive"`.
    pub mode: String,
    /// Most abandoned calls per live answer the predictive dialer may cause, over every window and the day
    /// (default 0.03).
    pub max_abandon: Option<f64>,
    /// The window the abandon rate is measured over (default `"1h"`).
    pub window: Option<DurationText>,
    /// Preview mode: the time the agent reads the record before the dialer dials (default `"20s"`).
    pub preview: Option<DurationText>,
}

/// A campaign's `outcomes` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomesFile {
    /// Probability that a person answers.
    pub answer: f64,
    /// Probability that an answering machine answers (default 0).
    #[serde(default)]
    pub machine: f64,
    /// Probability of a busy tone (default 0).
    #[serde(default)]
    pub busy: f64,
}

/// A campaign's `retry` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryFile {
    /// Delay before a record that rang out is dialled again (absent: not again).
    pub no_answer: Option<DurationText>,
    /// Delay after a busy tone (absent: not again).
    pub busy: Option<DurationText>,
    /// Delay after an answering machine (absent: not again).
    pub machine: Option<DurationText>,
    /// Most dials of one record, the first included (default 1).
    pub max_attempts: Option<u32>,
}

/// A campaign's `hours` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoursFile {
    /// Clock time dialing starts.
    pub from: String,
    /// Clock time dialing stops (calls in progress finish).
    pub to: String,
}

/// A campaign's `machine_detection` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MachineDetectionFile {
    /// Probability that a machine is detected (default 1).
    pub detect: Option<f64>,
    /// What the dialer does with a detected machine: `"drop"` (hang up, default) or `"message"` (leave a recorded
    /// message; no agent involved).
    pub action: Option<String>,
    /// How long an agent spends on an undetected machine before hanging up (default `"10s"`).
    pub agent_time: Option<DurationText>,
}

/// A group's `outbound = { campaign = "survey", keep_idle = 2 }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboundFile {
    /// The campaign the group dials for.
    pub campaign: String,
    /// The group starts outbound work only while more than this many of its agents are idle (default 0).
    #[serde(default)]
    pub keep_idle: u32,
}

/// How a campaign dials.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DialingMode {
    /// The agent is reserved, reads the record for `preview` seconds, then the dialer dials and the agent waits.
    Preview {
        /// Seconds of preview per dial.
        preview: f64,
    },
    /// One line per free agent: the agent waits for the answer; no call is ever abandoned.
    Progressive,
    /// Dials ahead of free agents from the measured answer rate and the predicted agent availability, keeping the
    /// abandon rate (abandoned / live answers) at most `max_abandon` in every `window` and over the day.
    Predictive,
}

/// What a campaign is for (a label; sales adds conversions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampaignKind {
    /// Informing calls.
    Informing,
    /// Surveys.
    Survey,
    /// Telephone sales.
    Sales,
}

/// A validated outbound campaign.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// Unique name.
    pub name: String,
    /// What it is for.
    pub kind: CampaignKind,
    /// Records in the list; `None` for an endless list.
    pub records: Option<u64>,
    /// How it dials.
    pub mode: DialingMode,
    /// The abandon-rate cap of the predictive dialer.
    pub max_abandon: f64,
    /// The window of the cap, in seconds.
    pub window: f64,
    /// Ring time until answer or give-up (`None`: 0s, written `{ distribution = "constant", mean = "0s" }`).
    pub ring: Option<DurationDistribution>,
    /// Probability of a live answer.
    pub answer: f64,
    /// Probability of an answering machine.
    pub machine: f64,
    /// Probability of a busy tone.
    pub busy: f64,
    /// Talk time of a live contact.
    pub talk: DurationDistribution,
    /// After-call work of a live contact, in seconds.
    pub after_call_work: f64,
    /// Seconds before a record that rang out is dialled again, if it is.
    pub retry_no_answer: Option<f64>,
    /// Seconds before a busy record is dialled again, if it is.
    pub retry_busy: Option<f64>,
    /// Seconds before a record answered by a machine is dialled again, if it is.
    pub retry_machine: Option<f64>,
    /// Most dials of one record.
    pub max_attempts: u32,
    /// Dialing starts, in seconds from opening.
    pub from: f64,
    /// Dialing stops, in seconds from opening.
    pub to: f64,
    /// Share of live contacts that convert (0 unless sales).
    pub conversion: f64,
    /// Probability that an answering machine is detected.
    pub machine_detect: f64,
    /// Whether a detected machine gets a recorded message (otherwise the dialer hangs up).
    pub machine_message: bool,
    /// Seconds an agent spends on an undetected machine.
    pub machine_agent_time: f64,
    /// The groups dialing for it (indices into the scenario's agent groups).
    pub groups: Vec<usize>,
}

/// A group's outbound work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outbound {
    /// The campaign (index into the scenario's campaigns).
    pub campaign: usize,
    /// Outbound work starts only while more than this many of the group's agents are idle.
    pub keep_idle: u32,
}

fn fail(label: &str, field: &str, message: impl Into<String>) -> Error {
    Error::scenario(label, format!("{field}: {}", message.into()))
}

fn probability(label: &str, field: &str, value: f64, example: &str) -> Result<f64> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(fail(
            label,
            field,
            format!("must be a probability from 0 to 1 ({example}), got {value}"),
        ))
    }
}

/// Validates every campaign and every group's `outbound`: returns the campaigns (with the groups dialing for
/// each) and, per group, its outbound work. `groups` are the groups' names and agent counts, `clock` and `horizon`
/// the day the campaigns must fit; `inbound_calls` the expected inbound calls per replication, which the dials
/// share [`MAX_CALLS_PER_REPLICATION`] with (a dial takes no more events than a call).
pub fn campaigns(
    label: &str,
    raw: &[CampaignFile],
    raw_outbound: &[(String, Option<OutboundFile>)],
    group_counts: &[u32],
    clock: DayClock,
    horizon: f64,
    inbound_calls: f64,
) -> Result<(Vec<Campaign>, Vec<Option<Outbound>>)> {
    let mut list: Vec<Campaign> = Vec::with_capacity(raw.len());
    for c in raw {
        let at = format!("campaigns[{}]", quote(&c.name));
        if c.name.trim().is_empty() {
            return Err(fail(label, "campaigns.name", "must not be empty"));
        }
        if list.iter().any(|other| other.name == c.name) {
            return Err(fail(
                label,
                &format!("{at}.name"),
                "is used by two campaigns; names must be unique",
            ));
        }
        list.push(campaign(label, &at, c, clock, horizon)?);
    }
    let mut outbound = Vec::with_capacity(raw_outbound.len());
    for (index, (group, o)) in raw_outbound.iter().enumerate() {
        let Some(o) = o else {
            outbound.push(None);
            continue;
        };
        let at = format!("agent_groups[{}].outbound", quote(group));
        let Some(campaign) = list.iter().position(|c| c.name == o.campaign) else {
            let known: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
            let known = if known.is_empty() {
                "there is no [[campaigns]] section".to_string()
            } else {
                format!("campaigns are: {}", quote(&known.join(", ")))
            };
            return Err(fail(
                label,
                &format!("{at}.campaign"),
                format!("\"{}\" is not a campaign; {known}", quote(&o.campaign)),
            ));
        };
        let count = group_counts[index];
        if o.keep_idle > count {
            return Err(fail(
                label,
                &format!("{at}.keep_idle"),
                format!(
                    "must be at most the group's {count} agents (outbound work starts only while more than keep_idle \
                     agents are idle; keep_idle = {count} means never), got {}",
                    o.keep_idle
                ),
            ));
        }
        list[campaign].groups.push(index);
        outbound.push(Some(Outbound {
            campaign,
            keep_idle: o.keep_idle,
        }));
    }
    let mut dials = 0.0;
    for (c, raw) in list.iter().zip(raw) {
        if c.groups.is_empty() {
            return Err(fail(
                label,
                &format!("campaigns[{}]", quote(&raw.name)),
                format!(
                    "no agent group dials for this campaign: add outbound = {{ campaign = \"{}\" }} to a group",
                    quote(&raw.name)
                ),
            ));
        }
        let agents: f64 = c.groups.iter().map(|&g| group_counts[g] as f64).sum();
        dials += expected_dials(c, agents);
        if dials + inbound_calls > MAX_CALLS_PER_REPLICATION {
            return Err(fail(
                label,
                &format!("campaigns[{}]", quote(&raw.name)),
                format!(
                    "about {dials:.3e} dials per replication expected (agents times hours over the dial cycle) \
                     beside {inbound_calls:.3e} inbound calls; at most {MAX_CALLS_PER_REPLICATION:.0e} calls and \
                     dials are allowed: shorten the hours or lengthen ring or talk"
                ),
            ));
        }
    }
    Ok((list, outbound))
}

/// A generous estimate of one replication's dials: every agent dialing all the campaign's hours, the predictive
/// dialer keeping `1 / answer` lines per agent, bounded by the list's dials.
fn expected_dials(c: &Campaign, agents: f64) -> f64 {
    let preview = match c.mode {
        DialingMode::Preview { preview } => preview,
        _ => 0.0,
    };
    let live = c.answer;
    let ring = c.ring.as_ref().map_or(0.0, DurationDistribution::mean);
    let cycle = preview + ring + live * (c.talk.mean() + c.after_call_work);
    let per_agent = if cycle > 0.0 {
        (c.to - c.from) / cycle
    } else {
        f64::INFINITY
    };
    let lines = if live > 0.0 { 1.0 / live } else { 1.0 };
    let dials = agents * per_agent * lines.min(20.0);
    match c.records {
        Some(records) => dials.min(records as f64 * c.max_attempts as f64),
        None => dials,
    }
}

fn campaign(label: &str, at: &str, c: &CampaignFile, clock: DayClock, horizon: f64) -> Result<Campaign> {
    let kind = match c.kind.as_str() {
        "informing" => CampaignKind::Informing,
        "survey" => CampaignKind::Survey,
        "sales" => CampaignKind::Sales,
        other => {
            return Err(fail(
                label,
                &format!("{at}.kind"),
                format!(
                    "\"{}\" is not a campaign kind; use \"informing\", \"survey\" or \"sales\"",
                    quote(other)
                ),
            ));
        }
    };
    let records = match &c.records {
        RecordsFile::Count(0) => {
            return Err(fail(
                label,
                &format!("{at}.records"),
                "must be at least 1 (or \"unlimited\")",
            ));
        }
        RecordsFile::Count(n) => Some(*n),
        RecordsFile::Word(word) if word == "unlimited" => None,
        RecordsFile::Word(word) => {
            return Err(fail(
                label,
                &format!("{at}.records"),
                format!("must be a number of records or \"unlimited\", got \"{}\"", quote(word)),
            ));
        }
    };
    let max_abandon = probability(
        label,
        &format!("{at}.dialing.max_abandon"),
        c.dialing.max_abandon.unwrap_or(0.03),
        "0.03: at most 3 abandoned calls per 100 live answers",
    )?;
    let window = c.dialing.window.map_or(3600.0, |w| w.0);
    if window <= 0.0 {
        return Err(fail(label, &format!("{at}.dialing.window"), "must be longer than 0s"));
    }
    let mode = match c.dialing.mode.as_str() {
        "preview" => DialingMode::Preview {
            preview: c.dialing.preview.map_or(20.0, |p| p.0),
        },
        "progressive" => DialingMode::Progressive,
        "predictive" => DialingMode::Predictive,
        other => {
            return Err(fail(
                label,
                &format!("{at}.dialing.mode"),
                format!(
                    "\"{}\" is not a dialing mode; use \"preview\" (the agent reads the record, then dials), \
                     \"progressive\" (one line per free agent) or \"predictive\" (dials ahead of free agents under \
                     the max_abandon cap)",
                    quote(other)
                ),
            ));
        }
    };
    if c.dialing.preview.is_some() && !matches!(mode, DialingMode::Preview { .. }) {
        return Err(fail(
            label,
            &format!("{at}.dialing.preview"),
            "applies to mode = \"preview\" only",
        ));
    }
    let zero_ring = c.ring.distribution == "constant" && c.ring.mean.is_some_and(|m| m.0 == 0.0);
    let ring = if zero_ring {
        None
    } else {
        Some(build_distribution(&c.ring).map_err(|m| fail(label, &format!("{at}.ring"), m))?)
    };
    let ring_mean = ring.as_ref().map_or(0.0, DurationDistribution::mean);
    let talk = build_distribution(&c.talk).map_err(|m| fail(label, &format!("{at}.talk"), m))?;
    if talk.mean() <= 0.0 {
        return Err(fail(
            label,
            &format!("{at}.talk"),
            "the mean talk time must be longer than 0s",
        ));
    }
    let o = &c.outcomes;
    let answer = probability(
        label,
        &format!("{at}.outcomes.answer"),
        o.answer,
        "0.35: a person answers one dial in three",
    )?;
    let machine = probability(label, &format!("{at}.outcomes.machine"), o.machine, "0.15")?;
    let busy = probability(label, &format!("{at}.outcomes.busy"), o.busy, "0.1")?;
    let sum = answer + machine + busy;
    if sum > 1.0 + 1e-12 {
        return Err(fail(
            label,
            &format!("{at}.outcomes"),
            format!(
                "answer + machine + busy must be at most 1 (the rest ring out with no answer), got {answer} + \
                 {machine} + {busy} = {sum}"
            ),
        ));
    }
    if ring_mean <= 0.0 && answer < 1.0 {
        return Err(fail(
            label,
            &format!("{at}.ring"),
            "a ring time of 0s is allowed only when every dial is answered (outcomes.answer = 1): otherwise the \
             dialer would dial without end at one instant",
        ));
    }
    let (retry_no_answer, retry_busy, retry_machine, max_attempts) = match &c.retry {
        None => (None, None, None, 1),
        Some(r) => {
            let max_attempts = r.max_attempts.unwrap_or(1);
            if max_attempts == 0 {
                return Err(fail(
                    label,
                    &format!("{at}.retry.max_attempts"),
                    "must be at least 1 (the first dial)",
                ));
            }
            let delay = |value: Option<DurationText>, key: &str| -> Result<Option<f64>> {
                match value {
                    Some(d) if d.0 <= 0.0 => Err(fail(
                        label,
                        &format!("{at}.retry.{key}"),
                        "must be longer than 0s (leave it out for no retry)",
                    )),
                    other => Ok(other.map(|d| d.0)),
                }
            };
            (
                delay(r.no_answer, "no_answer")?,
                delay(r.busy, "busy")?,
                delay(r.machine, "machine")?,
                max_attempts,
            )
        }
    };
    let (from, to) = match &c.hours {
        None => (0.0, horizon),
        Some(h) => {
            let from = clock.offset_of(label, &format!("{at}.hours.from"), &h.from)?;
            let to = clock.offset_of(label, &format!("{at}.hours.to"), &h.to)?;
            let day = format!("the day runs from {} to {}", clock.label(0.0), clock.label(horizon));
            if from < 0.0 || from >= horizon || to > horizon + 1e-9 {
                return Err(fail(
                    label,
                    &format!("{at}.hours"),
                    format!("{} to {} is outside the day: {day}", h.from, h.to),
                ));
            }
            if to <= from {
                return Err(fail(
                    label,
                    &format!("{at}.hours"),
                    format!("to ({}) must be later than from ({})", h.to, h.from),
                ));
            }
            (from, to)
        }
    };
    let conversion = match (kind, c.conversion) {
        (CampaignKind::Sales, Some(p)) => probability(
            label,
            &format!("{at}.conversion"),
            p,
            "0.1: one live contact in ten buys",
        )?,
        (CampaignKind::Sales, None) => {
            return Err(fail(
                label,
                &format!("{at}.conversion"),
                "a sales campaign needs conversion, the share of live contacts that buy (e.g. 0.1)",
            ));
        }
        (_, Some(_)) => {
            return Err(fail(
                label,
                &format!("{at}.conversion"),
                "applies to kind = \"sales\" only",
            ));
        }
        (_, None) => 0.0,
    };
    let detection = c.machine_detection.as_ref();
    let machine_detect = probability(
        label,
        &format!("{at}.machine_detection.detect"),
        detection.and_then(|d| d.detect).unwrap_or(1.0),
        "0.9: nine machines in ten are detected",
    )?;
    let machine_message = match detection.and_then(|d| d.action.as_deref()) {
        None | Some("drop") => false,
        Some("message") => true,
        Some(other) => {
            return Err(fail(
                label,
                &format!("{at}.machine_detection.action"),
                format!(
                    "\"{}\" is not an action; use \"drop\" (hang up) or \"message\" (leave a recorded message)",
                    quote(other)
                ),
            ));
        }
    };
    let machine_agent_time = detection.and_then(|d| d.agent_time).map_or(10.0, |t| t.0);
    Ok(Campaign {
        name: c.name.clone(),
        kind,
        records,
        mode,
        max_abandon,
        window,
        ring,
        answer,
        machine,
        busy,
        talk,
        after_call_work: c.after_call_work.0,
        retry_no_answer,
        retry_busy,
        retry_machine,
        max_attempts,
        from,
        to,
        conversion,
        machine_detect,
        machine_message,
        machine_agent_time,
        groups: Vec::new(),
    })
}
