//! The checks that turn a raw [`ScenarioFile`](super::ScenarioFile) into a [`Scenario`](super::Scenario): one
//! conversion per section, each error naming the file, the field and what is allowed.

use std::collections::HashSet;

use super::axis::{Axis, MAX_POINTS};
use super::file::{self, DistributionFile};
use super::{AgentGroup, CallType, RoutingPolicy, TOTAL};
use crate::distribution::DurationDistribution;
use crate::error::{Error, Result};
use crate::limits::{MAX_AGENTS, MAX_CALLS_PER_REPLICATION, MAX_LINES, quote};

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

    /// `[service_level]`: the threshold in seconds and the target share.
    pub(super) fn service_level(&self, raw: &file::ServiceLevelFile) -> Result<(f64, f64)> {
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

    /// `[[call_types]]`: at least one, uniquely named, none named `total`.
    pub(super) fn call_types(&self, raw: &[file::CallTypeFile]) -> Result<Vec<CallType>> {
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
    pub(super) fn agent_groups(
        &self,
        raw: &[file::AgentGroupFile],
        call_types: &[CallType],
    ) -> Result<Vec<AgentGroup>> {
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
    pub(super) fn capacity(&self, call_types: &[CallType], groups: &[AgentGroup], horizon: f64) -> Result<()> {
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
