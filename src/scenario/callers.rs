//! Caller behaviour of a call type (issue 10): what callers do when the queue is full or slow, when they fail to
//! get through, and when their question was not solved. Validated here from the raw [`file`] tables; the router
//! applies queue capacities and wait limits, the engine the rest.

use std::collections::HashMap;

use super::file::{self, MaxWaitActionFile};
use super::validate::{Fields, build_distribution};
use crate::distribution::DurationDistribution;
use crate::error::Result;
use crate::limits::quote;
use crate::routing::{CallTypeId, WaitLimit, WaitLimitAction};

/// Most attempts a caller may make (`redial.max_attempts`), the first included.
pub const MAX_ATTEMPTS: u32 = 100;

/// Which failed attempts a caller may redial after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RedialAfter {
    /// Hung up on hold, or balked (both counted as `abandoned`).
    pub abandon: bool,
    /// Heard a busy tone (lines or queue capacity).
    pub blocked: bool,
    /// Was disconnected (`max_wait` with `disconnect`, or `at_close = "clear"`).
    pub disconnect: bool,
}

/// `redial`: a caller whose attempt failed calls again, the same person with the same question (the same handle
/// time and patience).
#[derive(Debug, Clone)]
pub struct Redial {
    /// Probability of calling again after each failure.
    pub probability: f64,
    /// Time from the failure to the next attempt.
    pub delay: DurationDistribution,
    /// Failures that lead to a redial.
    pub after: RedialAfter,
    /// Most attempts per caller, the first included.
    pub max_attempts: u32,
    /// Whether each redial draws a new patience (`patience = "new"`, Erlang X's memoryless callers) instead of
    /// keeping the caller's own (`"same"`, the default).
    pub new_patience: bool,
}

/// `resolution`: an answered call resolves the question with probability `first_contact`; otherwise the caller
/// calls back after `delay` as call type `as_type`, with that type's handle time and patience.
#[derive(Debug, Clone)]
pub struct Resolution {
    /// Probability that an answered call resolves the question.
    pub first_contact: f64,
    /// Time from the end of the unresolved call to the repeat call.
    pub delay: DurationDistribution,
    /// The call type of the repeat call (index into the scenario's call types).
    pub as_type: usize,
}

/// One band of `announce_wait.balk`: an announced wait longer than `over` makes the caller hang up with
/// `probability` (the highest band exceeded counts).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BalkBand {
    /// Seconds of announced wait.
    pub over: f64,
    /// Probability of hanging up.
    pub probability: f64,
}

/// The validated behaviour keys of one call type.
#[derive(Debug, Clone, Default)]
pub struct CallerBehaviour {
    /// At most this many callers of the type on hold.
    pub queue_capacity: Option<u32>,
    /// The wait limit and its action.
    pub max_wait: Option<WaitLimit>,
    /// Redials after failures.
    pub redial: Option<Redial>,
    /// Repeat calls after unresolved answers.
    pub resolution: Option<Resolution>,
    /// Balking on the announced wait, bands in increasing `over` (empty: no announcement).
    pub announce_wait: Vec<BalkBand>,
}

impl CallerBehaviour {
    /// The behaviour in words, one clause per key set (empty when none is): `names` are the call types' names.
    pub fn describe(&self, names: &[&str]) -> Vec<String> {
        use crate::time::format_duration as d;
        let mut parts = Vec::new();
        if let Some(q) = self.queue_capacity {
            parts.push(format!("at most {q} on hold (then a busy tone)"));
        }
        if let Some(limit) = self.max_wait {
            let action = match limit.action {
                WaitLimitAction::Message => "leave a message".to_string(),
                WaitLimitAction::Disconnect => "are disconnected".to_string(),
                WaitLimitAction::Callback => "hang up and are called back in their place in line".to_string(),
                WaitLimitAction::Overflow(to) => format!("move to the line of {}", names[to.index()]),
            };
            parts.push(format!("after {} on hold they {action}", d(limit.after)));
        }
        if let Some(r) = &self.redial {
            let mut after = Vec::new();
            if r.after.abandon {
                after.push("abandoning");
            }
            if r.after.blocked {
                after.push("a busy tone");
            }
            if r.after.disconnect {
                after.push("being disconnected");
            }
            parts.push(format!(
                "{:.0}% redial after {} ({} {} later, at most {} attempts, {} patience)",
                100.0 * r.probability,
                after.join(" or "),
                r.delay.family(),
                d(r.delay.mean()),
                r.max_attempts,
                if r.new_patience { "a new" } else { "the same" }
            ));
        }
        if let Some(r) = &self.resolution {
            parts.push(format!(
                "{:.0}% resolved at first contact, the rest call back as {} ({} {} later)",
                100.0 * r.first_contact,
                names[r.as_type],
                r.delay.family(),
                d(r.delay.mean())
            ));
        }
        if !self.announce_wait.is_empty() {
            let bands: Vec<String> = self
                .announce_wait
                .iter()
                .map(|b| format!("{:.0}% over {}", 100.0 * b.probability, d(b.over)))
                .collect();
            parts.push(format!("told the expected wait, they hang up: {}", bands.join(", ")));
        }
        parts
    }
}

/// The names other call types' callers turn into (`resolution.as`, `max_wait` overflow): such a type may have no
/// `arrivals` of its own.
pub(super) fn target_names(raw: &[file::CallTypeFile]) -> Vec<&str> {
    let mut names = Vec::new();
    for ct in raw {
        if let Some(r) = &ct.resolution {
            names.push(r.as_type.as_deref().unwrap_or(&ct.name));
        }
        if let Some(MaxWaitActionFile::Overflow { overflow }) = ct.max_wait.as_ref().map(|m| &m.action) {
            names.push(overflow);
        }
        if let Some(transfer) = &ct.transfer {
            names.push(&transfer.to);
        }
    }
    names
}

fn share(at: &Fields, field: &str, value: f64, meaning: &str) -> Result<f64> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(at.fail(
            field,
            format!("must be a probability from 0 to 1 ({meaning}), got {value}"),
        ))
    }
}

impl Fields<'_> {
    /// The behaviour keys of call type `ct` (at `at`); `names` are every call type's names, in order; `horizon`
    /// the day's length.
    pub(super) fn caller_behaviour(
        &self,
        at: &str,
        ct: &file::CallTypeFile,
        names: &[&str],
        horizon: f64,
    ) -> Result<CallerBehaviour> {
        let index_of = |field: &str, name: &str| -> Result<usize> {
            names
                .iter()
                .position(|n| *n == name)
                .ok_or_else(|| self.fail(field, unknown_name("call type", name, names)))
        };
        let max_wait = match &ct.max_wait {
            None => None,
            Some(m) => {
                let field = format!("{at}.max_wait");
                let after = m.after.0;
                if after <= 0.0 || after.is_nan() {
                    return Err(self.fail(
                        &format!("{field}.after"),
                        format!("must be longer than 0s, got {after}s"),
                    ));
                }
                if after >= horizon {
                    return Err(self.fail(
                        &format!("{field}.after"),
                        format!("must be shorter than the day ({horizon}s), got {after}s: nobody would ever reach it"),
                    ));
                }
                let action = match &m.action {
                    MaxWaitActionFile::Named(name) => match name.as_str() {
                        "message" => WaitLimitAction::Message,
                        "disconnect" => WaitLimitAction::Disconnect,
                        "callback" => WaitLimitAction::Callback,
                        other => {
                            return Err(self.fail(
                                &format!("{field}.action"),
                                format!(
                                    "{} is not an action; use \"message\", \"disconnect\", \"callback\" or \
                                     {{ overflow = \"OTHER_TYPE\" }}",
                                    quote(other)
                                ),
                            ));
                        }
                    },
                    MaxWaitActionFile::Overflow { overflow } => {
                        let to = index_of(&format!("{field}.action.overflow"), overflow)?;
                        if names[to] == ct.name {
                            return Err(self.fail(
                                &format!("{field}.action.overflow"),
                                "must name another call type (a call cannot overflow into its own line)",
                            ));
                        }
                        WaitLimitAction::Overflow(CallTypeId(to as u32))
                    }
                };
                Some(WaitLimit { after, action })
            }
        };
        let redial = match &ct.redial {
            None => None,
            Some(r) => {
                let field = format!("{at}.redial");
                let probability = share(
                    self,
                    &format!("{field}.probability"),
                    r.probability,
                    "0.75: three callers in four call again",
                )?;
                let delay = build_distribution(&r.delay).map_err(|m| self.fail(&format!("{field}.delay"), m))?;
                let mut after = RedialAfter::default();
                for reason in &r.after {
                    match reason.as_str() {
                        "abandon" => after.abandon = true,
                        "blocked" => after.blocked = true,
                        "disconnect" => after.disconnect = true,
                        other => {
                            return Err(self.fail(
                                &format!("{field}.after"),
                                format!(
                                    "{} is not a failure a caller redials after; use \"abandon\" (balks included), \
                                     \"blocked\" or \"disconnect\"",
                                    quote(other)
                                ),
                            ));
                        }
                    }
                }
                if !(1..=MAX_ATTEMPTS).contains(&r.max_attempts) {
                    return Err(self.fail(
                        &format!("{field}.max_attempts"),
                        format!(
                            "must be from 1 (no redial) to {MAX_ATTEMPTS} attempts, the first included, got {}",
                            r.max_attempts
                        ),
                    ));
                }
                let new_patience = match r.patience.as_deref() {
                    None | Some("same") => false,
                    Some("new") => true,
                    Some(other) => {
                        return Err(self.fail(
                            &format!("{field}.patience"),
                            format!(
                                "{} is not allowed; use \"same\" (the caller keeps their patience, the default) or \
                                 \"new\" (each redial draws a new one, as Erlang X assumes)",
                                quote(other)
                            ),
                        ));
                    }
                };
                Some(Redial {
                    probability,
                    delay,
                    after,
                    max_attempts: r.max_attempts,
                    new_patience,
                })
            }
        };
        let resolution = match &ct.resolution {
            None => None,
            Some(r) => {
                let field = format!("{at}.resolution");
                let first_contact = share(
                    self,
                    &format!("{field}.first_contact"),
                    r.first_contact,
                    "0.8: four answered calls in five solve the question",
                )?;
                let delay = build_distribution(&r.delay).map_err(|m| self.fail(&format!("{field}.delay"), m))?;
                let as_type = match &r.as_type {
                    Some(name) => index_of(&format!("{field}.as"), name)?,
                    None => index_of(&format!("{at}.name"), &ct.name)?,
                };
                Some(Resolution {
                    first_contact,
                    delay,
                    as_type,
                })
            }
        };
        let announce_wait = match &ct.announce_wait {
            None => Vec::new(),
            Some(a) => {
                let field = format!("{at}.announce_wait.balk");
                if a.balk.is_empty() {
                    return Err(self.fail(&field, "needs at least one band { over = \"1m\", probability = 0.1 }"));
                }
                let mut bands = Vec::with_capacity(a.balk.len());
                for (i, band) in a.balk.iter().enumerate() {
                    let probability = share(
                        self,
                        &format!("{field}[{i}].probability"),
                        band.probability,
                        "the share of callers who hang up on hearing a longer wait",
                    )?;
                    if let Some(previous) = bands.last().map(|b: &BalkBand| b.over)
                        && band.over.0 <= previous
                    {
                        return Err(self.fail(
                            &format!("{field}[{i}].over"),
                            format!(
                                "bands must be in increasing order of `over`; {}s follows {previous}s",
                                band.over.0
                            ),
                        ));
                    }
                    bands.push(BalkBand {
                        over: band.over.0,
                        probability,
                    });
                }
                bands
            }
        };
        Ok(CallerBehaviour {
            queue_capacity: ct.queue_capacity,
            max_wait,
            redial,
            resolution,
            announce_wait,
        })
    }

    /// Across call types: a chain of repeat calls must end (some type on every cycle of `resolution.as` resolves
    /// with a positive probability), and overflows must not go round in a circle.
    pub(super) fn caller_chains(&self, names: &[&str], behaviour: &[&CallerBehaviour]) -> Result<()> {
        let repeat_next: Vec<Option<usize>> = behaviour
            .iter()
            .map(|b| {
                b.resolution
                    .as_ref()
                    .filter(|r| r.first_contact == 0.0)
                    .map(|r| r.as_type)
            })
            .collect();
        if let Some(cycle) = find_cycle(&repeat_next) {
            return Err(self.fail(
                &format!("call_types[{}].resolution.first_contact", quote(names[cycle[0]])),
                format!(
                    "is 0 on a chain of repeat calls that never ends ({}): every repeat call would come back; give \
                     some type on the chain a first_contact above 0",
                    circle_text(&cycle, names)
                ),
            ));
        }
        let overflow_next: Vec<Option<usize>> = behaviour
            .iter()
            .map(|b| match b.max_wait.map(|m| m.action) {
                Some(WaitLimitAction::Overflow(to)) => Some(to.index()),
                _ => None,
            })
            .collect();
        if let Some(cycle) = find_cycle(&overflow_next) {
            return Err(self.fail(
                &format!("call_types[{}].max_wait.action.overflow", quote(names[cycle[0]])),
                format!(
                    "overflows go round in a circle ({}); end the chain with a message, disconnect or callback, or \
                     no max_wait",
                    circle_text(&cycle, names)
                ),
            ));
        }
        Ok(())
    }
}

/// An upper bound on the attempts one fresh call of each type leads to: the expected contacts of its chain of
/// repeat calls (`E_t = 1 + (1 - first_contact_t) E_as(t)`, finite because every cycle of the chain resolves with a
/// positive probability; see [`Fields::caller_chains`]), each with at most the largest `redial.max_attempts`.
pub fn attempts_per_call(call_types: &[super::CallType]) -> Vec<f64> {
    let most_attempts = call_types
        .iter()
        .filter_map(|c| c.callers.redial.as_ref().map(|r| r.max_attempts))
        .max()
        .unwrap_or(1) as f64;
    let mut contacts = vec![1.0; call_types.len()];
    // Value iteration converges geometrically; stop when settled or implausibly large (the cap then refuses it).
    for _ in 0..10_000 {
        let next: Vec<f64> = call_types
            .iter()
            .map(|c| match &c.callers.resolution {
                Some(r) => 1.0 + (1.0 - r.first_contact) * contacts[r.as_type],
                None => 1.0,
            })
            .collect();
        let settled = next.iter().zip(&contacts).all(|(a, b)| (a - b).abs() <= 1e-9 * a);
        contacts = next;
        if settled || contacts.iter().any(|&c| c > 1e12) {
            break;
        }
    }
    contacts.into_iter().map(|c| c * most_attempts).collect()
}

/// `names no call type: "x"; the call types are a, b` (and the like for `kind` = "agent group").
pub(super) fn unknown_name(kind: &str, name: &str, names: &[&str]) -> String {
    format!(
        "names no {kind}: {}; the {kind}s are {}",
        quote(name),
        names.iter().map(|n| quote(n)).collect::<Vec<_>>().join(", ")
    )
}

/// A circle of call types as `a -> b -> a`.
pub(super) fn circle_text(cycle: &[usize], names: &[&str]) -> String {
    cycle
        .iter()
        .chain(cycle.first())
        .map(|&t| names[t])
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// A cycle of a functional graph (`next[i]` is where `i` leads, if anywhere), as the list of its nodes.
pub(super) fn find_cycle(next: &[Option<usize>]) -> Option<Vec<usize>> {
    for start in 0..next.len() {
        let mut seen: HashMap<usize, usize> = HashMap::new();
        let mut path = Vec::new();
        let mut node = start;
        loop {
            if let Some(&position) = seen.get(&node) {
                return Some(path[position..].to_vec());
            }
            seen.insert(node, path.len());
            path.push(node);
            match next[node] {
                Some(n) => node = n,
                None => break,
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::find_cycle;

    #[test]
    fn cycles_are_found_and_chains_are_not_cycles() {
        assert_eq!(find_cycle(&[Some(1), Some(2), None]), None);
        assert_eq!(find_cycle(&[Some(1), Some(2), Some(1)]), Some(vec![1, 2]));
        assert_eq!(find_cycle(&[Some(0)]), Some(vec![0]));
    }
}
