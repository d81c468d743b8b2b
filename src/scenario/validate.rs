//! The checks that turn a raw [`ScenarioFile`](super::ScenarioFile) into a [`Scenario`](super::Scenario): one
//! conversion per section, each error naming the file, the field and what is allowed.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::axis::{Axis, MAX_POINTS};
use super::callers::CallerBehaviour;
use super::file::{self, DistributionFile, OneOrList};
use super::{AgentGroup, ArrivalSource, CallType, Day, RoutingPolicy, Staffing, TOTAL, TypeServiceLevel};
use crate::day::arrivals::{Busyness, PiecewiseRate};
use crate::day::forecast::{self, Forecast};
use crate::day::intervals::{DEFAULT_INTERVAL, Intervals, MAX_INTERVALS};
use crate::day::roster::{Roster, check_absenteeism};
use crate::day::{ClockTime, DayClock};
use crate::distribution::DurationDistribution;
use crate::error::{Error, Result};
use crate::limits::{MAX_AGENTS, MAX_CALLS_PER_REPLICATION, MAX_LINES, MAX_OVERFLOW_DELAYS, quote};

/// Constructs a distribution from its table once the keys are known to fit the family.
type Builder = fn(&DistributionFile) -> std::result::Result<DurationDistribution, String>;

/// The conversions of [`Scenario::from_file`], one per section; errors name `label` and the field.
pub(super) struct Fields<'a> {
    pub(super) label: &'a str,
}

impl Fields<'_> {
    pub(super) fn fail(&self, field: &str, message: impl Into<String>) -> Error {
        Error::scenario(self.label, format!("{field}: {}", message.into()))
    }

    /// `[horizon]`: the duration and the warm-up in seconds.
    pub(super) fn horizon(&self, raw: &file::HorizonFile) -> Result<(f64, f64)> {
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

    /// `[service_level]`: the threshold in seconds, the target share and the short-abandon threshold in seconds.
    pub(super) fn service_level(&self, raw: &file::ServiceLevelFile) -> Result<(f64, f64, f64)> {
        let target = raw.target;
        if !(target > 0.0 && target <= 1.0) {
            return Err(self.fail(
                "service_level.target",
                format!("must be greater than 0 and at most 1, got {target}"),
            ));
        }
        Ok((raw.answer_within.0, target, raw.short_abandon.0))
    }

    /// `lines`: from 1 to [`MAX_LINES`] when given.
    pub(super) fn lines(&self, lines: Option<u32>) -> Result<()> {
        match lines {
            Some(0) => Err(self.fail("lines", "must be at least 1 (omit it for unlimited lines)")),
            Some(n) if n > MAX_LINES => Err(self.fail(
                "lines",
                format!("must be at most {MAX_LINES} (omit it for unlimited lines), got {n}"),
            )),
            _ => Ok(()),
        }
    }

    /// The day: `[horizon] interval`, `opens_at` and `at_close`, and the top-level `busyness`.
    ///
    /// Without `interval` the day is cut every 30 minutes, or into [`MAX_INTERVALS`] equal whole-minute
    /// intervals when a horizon longer than about 5.7 years would need more, so every scenario written before
    /// issue 8 stays valid.
    pub(super) fn day(
        &self,
        raw: &file::HorizonFile,
        horizon: f64,
        busyness: Option<&file::BusynessFile>,
    ) -> Result<Day> {
        let opens_at = match &raw.opens_at {
            Some(text) => ClockTime::parse(self.label, "horizon.opens_at", &quote(text))?,
            None => ClockTime::MIDNIGHT,
        };
        let length = match raw.interval {
            Some(interval) => interval.0,
            None => DEFAULT_INTERVAL.max((horizon / MAX_INTERVALS as f64 / 60.0).ceil() * 60.0),
        };
        let intervals = Intervals::new(self.label, horizon, length, DayClock::new(opens_at))?;
        let busyness = match busyness {
            Some(b) => Busyness::new(self.label, "busyness.cv", b.cv)?,
            None => Busyness::none(),
        };
        Ok(Day {
            intervals,
            at_close: raw.at_close,
            busyness,
        })
    }

    /// `[[call_types]]`: at least one, uniquely named, none named `total`; arrivals per interval of `day`.
    pub(super) fn call_types(&self, raw: &[file::CallTypeFile], day: &Day) -> Result<Vec<CallType>> {
        if raw.is_empty() {
            return Err(self.fail("call_types", "at least one [[call_types]] entry is required"));
        }
        let mut names = HashSet::new();
        let all_names: Vec<&str> = raw.iter().map(|ct| ct.name.as_str()).collect();
        let mut forecasts = Forecasts::default();
        let targets = super::callers::target_names(raw);
        let call_types = raw
            .iter()
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
                let (arrivals, source) = match &ct.arrivals {
                    Some(raw_arrivals) => {
                        self.arrivals(&at, raw_arrivals, (index, &all_names), &day.intervals, &mut forecasts)?
                    }
                    None if targets.contains(&ct.name.as_str()) => (
                        PiecewiseRate::new(self.label, &at, &vec![0.0; day.intervals.len()], &day.intervals)?,
                        ArrivalSource::None,
                    ),
                    None => {
                        return Err(self.fail(
                            &format!("{at}.arrivals"),
                            "needs per_hour (calls per hour: one number, or a list with one per interval) or \
                             forecast (a CSV file of calls per interval); only a type other callers become (a \
                             resolution's `as`, a max_wait overflow, a transfer's `to`) may leave it out",
                        ));
                    }
                };
                let callers = self.caller_behaviour(&at, ct, &all_names, day.intervals.horizon())?;
                self.call_type(&at, ct, arrivals, source, callers, day.intervals.horizon())
            })
            .collect::<Result<Vec<CallType>>>()?;
        let behaviour: Vec<&CallerBehaviour> = call_types.iter().map(|c| &c.callers).collect();
        self.caller_chains(&all_names, &behaviour)?;
        Ok(call_types)
    }

    fn call_type(
        &self,
        at: &str,
        ct: &file::CallTypeFile,
        arrivals: PiecewiseRate,
        arrival_source: ArrivalSource,
        callers: CallerBehaviour,
        horizon: f64,
    ) -> Result<CallType> {
        let balk = ct.balk;
        if !(0.0..=1.0).contains(&balk) {
            return Err(self.fail(
                &format!("{at}.balk"),
                format!(
                    "must be a share from 0 to 1 (0.1: a tenth of the callers who find every agent busy hang up at \
                     once), got {balk}"
                ),
            ));
        }
        // A constant rate is the rate itself, bit for bit as before issue 8; a varying one its mean over the day.
        let arrival_rate = if arrivals.segment_count() == 1 {
            arrivals.rate_at(0.0)
        } else {
            arrivals.cumulative(horizon) / horizon
        };
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
        let service_level = self.type_service_level(at, ct.service_level.as_ref())?;
        Ok(CallType {
            name: ct.name.clone(),
            arrival_rate,
            service,
            patience,
            priority: ct.priority,
            after_call_work: ct.after_call_work.0,
            arrivals,
            arrival_source,
            balk,
            callers,
            consult: None,
            transfer: None,
            service_level,
            chat: None,
        })
    }

    /// `[[call_types]] service_level`: a threshold (0s or more), a target (above 0, at most 1) and a
    /// short-abandon threshold, each optional (left out: the scenario's).
    fn type_service_level(&self, at: &str, raw: Option<&file::TypeServiceLevelFile>) -> Result<TypeServiceLevel> {
        let Some(raw) = raw else {
            return Ok(TypeServiceLevel::default());
        };
        if let Some(target) = raw.target
            && !(target > 0.0 && target <= 1.0)
        {
            return Err(self.fail(
                &format!("{at}.service_level.target"),
                format!("must be greater than 0 and at most 1 (0.9: 90% answered in time), got {target}"),
            ));
        }
        for (key, value) in [
            ("answer_within", raw.answer_within),
            ("short_abandon", raw.short_abandon),
        ] {
            if let Some(v) = value.map(|d| d.0)
                && !(v.is_finite() && v >= 0.0)
            {
                return Err(self.fail(
                    &format!("{at}.service_level.{key}"),
                    format!("must be a duration of 0s or more, got {v}s"),
                ));
            }
        }
        Ok(TypeServiceLevel {
            answer_within: raw.answer_within.map(|d| d.0),
            target: raw.target,
            short_abandon: raw.short_abandon.map(|d| d.0),
        })
    }

    /// `arrivals`: exactly one of `per_hour` (one number, or one per interval) and `forecast` (with an optional
    /// `scale`), as a piecewise-constant rate over `intervals`. `this` is the call type's index and every call
    /// type's name (a forecast file names them). The day must expect at least one call.
    fn arrivals(
        &self,
        at: &str,
        raw: &file::ArrivalsFile,
        this: (usize, &[&str]),
        intervals: &Intervals,
        forecasts: &mut Forecasts,
    ) -> Result<(PiecewiseRate, ArrivalSource)> {
        let field = |key: &str| format!("{at}.arrivals.{key}");
        if raw.scale.is_some() && raw.forecast.is_none() {
            return Err(self.fail(
                &field("scale"),
                "goes with forecast (it multiplies the file's calls); to scale per_hour, change its values",
            ));
        }
        let (rates, source) = match (&raw.per_hour, &raw.forecast) {
            (Some(_), Some(_)) => {
                return Err(self.fail(&format!("{at}.arrivals"), "give either per_hour or forecast, not both"));
            }
            (None, None) => {
                return Err(self.fail(
                    &format!("{at}.arrivals"),
                    "needs per_hour (calls per hour: one number, or a list with one per interval) or forecast (a \
                     CSV file of calls per interval)",
                ));
            }
            (Some(OneOrList::One(per_hour)), None) => {
                let per_hour = *per_hour;
                if !(per_hour.is_finite() && per_hour > 0.0) {
                    return Err(self.fail(
                        &field("per_hour"),
                        format!("must be a finite number of calls greater than 0, got {per_hour}"),
                    ));
                }
                (vec![per_hour / 3600.0; intervals.len()], ArrivalSource::PerHour)
            }
            (Some(OneOrList::List(list)), None) => (
                self.per_hour_list(&field("per_hour"), list, intervals)?,
                ArrivalSource::PerInterval,
            ),
            (None, Some(name)) => {
                let scale = forecast::check_scale(self.label, &field("scale"), raw.scale.unwrap_or(1.0))?;
                let path = forecast::resolve_path(Some(Path::new(self.label)), name);
                let forecast = forecasts.read(self, &field("forecast"), &path, intervals, this.1)?;
                let rates = forecast.rates(this.0, scale, intervals);
                if rates.iter().all(|&r| r == 0.0) {
                    return Err(self.fail(
                        &field("forecast"),
                        format!(
                            "{} has no calls for call type {}{}; every call type needs some calls in the day",
                            path.display(),
                            quote(this.1[this.0]),
                            if scale == 0.0 { " once scaled by 0" } else { "" }
                        ),
                    ));
                }
                (rates, ArrivalSource::Forecast { path, scale })
            }
        };
        let arrivals = PiecewiseRate::new(self.label, &field("per_hour"), &rates, intervals)?;
        Ok((arrivals, source))
    }

    /// A `per_hour` list: one value per interval, each a finite number of at least 0, not all 0; as calls per second.
    fn per_hour_list(&self, field: &str, list: &[f64], intervals: &Intervals) -> Result<Vec<f64>> {
        intervals.check_len(self.label, field, list)?;
        if let Some((i, bad)) = list.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v >= 0.0)) {
            return Err(self.fail(
                field,
                format!(
                    "the value for the interval at {} (element {i}) must be a number of calls of at least 0, got {bad}",
                    intervals.label(i)
                ),
            ));
        }
        if list.iter().all(|&v| v == 0.0) {
            return Err(self.fail(field, "every value is 0; at least one interval must have calls"));
        }
        Ok(list.iter().map(|per_hour| per_hour / 3600.0).collect())
    }

    /// `[[agent_groups]]`: at least one, uniquely named, skills resolved to call-type indices.
    pub(super) fn agent_groups(
        &self,
        raw: &[file::AgentGroupFile],
        call_types: &[CallType],
        intervals: &Intervals,
        consulted: &[&str],
    ) -> Result<Vec<AgentGroup>> {
        if raw.is_empty() {
            return Err(self.fail("agent_groups", "at least one [[agent_groups]] entry is required"));
        }
        let mut names = HashSet::new();
        raw.iter()
            .enumerate()
            .map(|(index, g)| {
                let at = entry_path("agent_groups", index, &g.name);
                let consulted = consulted.contains(&g.name.as_str());
                check_unique_name(&g.name, "agent group", &mut names)
                    .map_err(|m| self.fail(&format!("{at}.name"), m))?;
                let (roster, staffing) = self.roster(&at, g, intervals)?;
                let absenteeism = check_absenteeism(self.label, &format!("{at}.absenteeism"), g.absenteeism)?;
                let (skills, skill_after) = resolve_skills(&g.skills, call_types, consulted)
                    .map_err(|(field, m)| self.fail(&format!("{at}.skills{field}"), m))?;
                let count = roster.agents() as u32;
                let reserve = match &g.reserve {
                    None => None,
                    Some(r) => Some(
                        resolve_reserve(r, &skills, call_types, count)
                            .map_err(|(field, m)| self.fail(&format!("{at}.reserve{field}"), m))?,
                    ),
                };
                Ok(AgentGroup {
                    name: g.name.clone(),
                    count,
                    skills,
                    skill_after,
                    reserve,
                    roster,
                    staffing,
                    absenteeism,
                    concurrency: 1,
                    outbound: None,
                    channel: Default::default(),
                })
            })
            .collect()
    }

    /// A group's roster: exactly one of `count` (one number, or one per interval) and `shifts`.
    fn roster(&self, at: &str, g: &file::AgentGroupFile, intervals: &Intervals) -> Result<(Roster, Staffing)> {
        match (&g.count, &g.shifts) {
            (Some(_), Some(_)) => Err(self.fail(at, "give either count or shifts, not both")),
            (None, None) => Err(self.fail(
                at,
                "needs count (agents on duty: one number, or a list with one per interval) or shifts",
            )),
            (Some(OneOrList::One(count)), None) => {
                if *count > MAX_AGENTS {
                    return Err(self.fail(
                        &format!("{at}.count"),
                        format!("must be at most {MAX_AGENTS}, got {count}"),
                    ));
                }
                Ok((Roster::all_day(*count, intervals), Staffing::Count))
            }
            (Some(OneOrList::List(counts)), None) => Ok((
                Roster::from_counts(self.label, &format!("{at}.count"), counts, intervals)?,
                Staffing::PerInterval,
            )),
            (None, Some(shifts)) => Ok((
                Roster::from_shifts(self.label, &format!("{at}.shifts"), shifts, intervals)?,
                Staffing::Shifts,
            )),
        }
    }

    /// Limits across sections: agents in all, someone for every call type, calls per replication (the expected
    /// calls of the day, interval by interval). Returns the expected calls per replication (attempts included),
    /// which outbound dials share the limit with.
    pub(super) fn capacity(&self, call_types: &[CallType], groups: &[AgentGroup], horizon: f64) -> Result<f64> {
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
            let mut delays: Vec<f64> = groups
                .iter()
                .flat_map(|g| g.skills.iter().zip(&g.skill_after))
                .filter(|&(&t, &after)| t == index && after > 0.0)
                .map(|(_, &after)| after)
                .collect();
            delays.sort_by(f64::total_cmp);
            delays.dedup();
            if delays.len() > MAX_OVERFLOW_DELAYS {
                return Err(self.fail(
                    "agent_groups",
                    format!(
                        "skills of call type \"{}\" carry {} different after delays; at most {MAX_OVERFLOW_DELAYS} \
                         are supported",
                        quote(&ct.name),
                        delays.len()
                    ),
                ));
            }
        }
        let attempts = super::callers::attempts_per_call(call_types);
        let calls_per_replication: f64 = call_types
            .iter()
            .zip(&attempts)
            .map(|(c, factor)| c.arrivals.cumulative(horizon) * factor)
            .sum();
        if calls_per_replication > MAX_CALLS_PER_REPLICATION {
            let redials = if attempts.iter().any(|&f| f > 1.0) {
                " (redials and repeat calls counted: at most redial.max_attempts attempts per contact, and the \
                 expected contacts of each caller's chain of repeat calls)"
            } else {
                ""
            };
            return Err(self.fail(
                "horizon.duration",
                format!(
                    "{calls_per_replication:.3e} calls per replication expected (arrival rates times duration){redials}; \
                     at most {MAX_CALLS_PER_REPLICATION:.0e} are allowed: shorten the horizon or lower per_hour (or \
                     the forecast's calls)"
                ),
            ));
        }
        Ok(calls_per_replication)
    }

    /// `[routing]`.
    pub(super) fn routing(&self, raw: &file::RoutingFile) -> Result<RoutingPolicy> {
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
    pub(super) fn sweep(&self, raw: Option<file::SweepFile>) -> Result<Vec<String>> {
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

/// Forecast files read so far, by resolved path: call types sharing one file read it once.
#[derive(Default)]
struct Forecasts {
    read: Vec<(PathBuf, Forecast)>,
}

impl Forecasts {
    /// The forecast at `path` for the day `intervals` and the scenario's call types `names`; `field` names the
    /// scenario key in the error when the file cannot be opened (errors inside it name the file and line).
    fn read(
        &mut self,
        at: &Fields,
        field: &str,
        path: &Path,
        intervals: &Intervals,
        names: &[&str],
    ) -> Result<&Forecast> {
        let index = match self.read.iter().position(|(p, _)| p == path) {
            Some(index) => index,
            None => {
                let forecast = Forecast::read(path, intervals, names).map_err(|e| match e {
                    Error::Io { message, .. } => at.fail(
                        field,
                        format!(
                            "cannot read the forecast {}: {message}",
                            quote(&path.display().to_string())
                        ),
                    ),
                    other => other,
                })?;
                self.read.push((path.to_path_buf(), forecast));
                self.read.len() - 1
            }
        };
        Ok(&self.read[index].1)
    }
}

/// A field suffix (`""`, `"[1].after"`) and the complaint.
type FieldError = (String, String);

/// A group's skills as call-type indices, in its order of preference, with each skill's delay in seconds (0 for a
/// plain name or a table without `after`); `consulted` allows none (a group that only answers consults).
fn resolve_skills(
    entries: &[file::SkillEntry],
    call_types: &[CallType],
    consulted: bool,
) -> std::result::Result<(Vec<usize>, Vec<f64>), FieldError> {
    if entries.is_empty() && !consulted {
        return Err((
            String::new(),
            "must name at least one call type (only a group that call types consult, or one that dials out with \
             outbound, may have none)"
                .into(),
        ));
    }
    let mut skills = Vec::with_capacity(entries.len());
    let mut delays = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let skill = entry.call_type();
        let Some(position) = call_types.iter().position(|c| c.name == skill) else {
            let known: Vec<&str> = call_types.iter().map(|c| c.name.as_str()).collect();
            return Err((
                String::new(),
                format!(
                    "\"{}\" is not a call type; call types are: {}",
                    quote(skill),
                    quote(&known.join(", "))
                ),
            ));
        };
        if skills.contains(&position) {
            return Err((String::new(), format!("\"{}\" is listed twice", quote(skill))));
        }
        let after = match entry {
            file::SkillEntry::Delayed(file::DelayedSkill { after: Some(text), .. }) => {
                crate::time::parse_duration(text).map_err(|m| (format!("[{index}].after"), m))?
            }
            _ => 0.0,
        };
        skills.push(position);
        delays.push(after);
    }
    Ok((skills, delays))
}

/// A group's `reserve`: the call type must be one of the group's skills and fewer agents than the group has.
fn resolve_reserve(
    raw: &file::ReserveFile,
    skills: &[usize],
    call_types: &[CallType],
    count: u32,
) -> std::result::Result<crate::routing::Reserve, FieldError> {
    let position = call_types.iter().position(|c| c.name == raw.call_type);
    let Some(position) = position.filter(|p| skills.contains(p)) else {
        let served: Vec<&str> = skills.iter().map(|&t| call_types[t].name.as_str()).collect();
        return Err((
            ".for".into(),
            format!(
                "\"{}\" is not a call type this group serves; its skills are: {}",
                quote(&raw.call_type),
                quote(&served.join(", "))
            ),
        ));
    };
    if raw.agents >= count.max(1) {
        return Err((
            ".agents".into(),
            format!(
                "must be below the group's {count} agents (0 to {}), got {}",
                count.saturating_sub(1),
                raw.agents
            ),
        ));
    }
    Ok(crate::routing::Reserve {
        call_type: crate::routing::CallTypeId(position as u32),
        agents: raw.agents,
    })
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
pub(super) fn build_distribution(spec: &DistributionFile) -> std::result::Result<DurationDistribution, String> {
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
