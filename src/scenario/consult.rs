//! Supervisor consults (issue 11): during some calls the operator asks a senior colleague of another group, while
//! the caller stays on the line. Validated here once the agent groups are known.

use super::callers::{circle_text, unknown_name};
use super::file;
use super::validate::{Fields, build_distribution};
use super::{AgentGroup, CallType};
use crate::distribution::DurationDistribution;
use crate::error::Result;
use crate::limits::quote;

/// Most consults, or chats, one agent may hold at once (`concurrency`).
pub const MAX_CONCURRENCY: u32 = 100;

/// `consult`: on a share of answered calls, after a share of the handle time, the operator asks the named group;
/// operator and caller stay on the call while the consult waits for and holds a senior; the rest of the handle
/// time follows the consult.
#[derive(Debug, Clone)]
pub struct Consult {
    /// Share of answered calls with a consult.
    pub probability: f64,
    /// The group asked (index into the scenario's agent groups).
    pub group: usize,
    /// How long the senior holds the consult.
    pub duration: DurationDistribution,
    /// The share of the call's handle time after which the operator asks, from 0 to 1.
    pub at: f64,
}

/// `transfer`: on a share of answered calls, the first agent talks for `after` (instead of the handle time), then
/// the call joins the queue of `to` with that type's handle time and patience (drawn then), keeping its trunk
/// line; `warm` keeps the first agent on until the second answers.
#[derive(Debug, Clone)]
pub struct Transfer {
    /// Share of answered calls transferred.
    pub probability: f64,
    /// The call type the call becomes (index into the scenario's call types).
    pub to: usize,
    /// Time with the first agent before the transfer.
    pub after: DurationDistribution,
    /// Whether the first agent stays on until the second answers.
    pub warm: bool,
}

/// Names of the groups some call type consults: such a group may have no call skills.
pub(super) fn consulted_groups(raw: &[file::CallTypeFile]) -> Vec<&str> {
    raw.iter()
        .filter_map(|c| c.consult.as_ref().map(|k| k.group.as_str()))
        .collect()
}

impl Fields<'_> {
    /// The `transfer` key of call type `name`.
    fn transfer(&self, name: &str, t: &file::TransferFile, names: &[String]) -> Result<Transfer> {
        let at = format!("call_types[{}].transfer", quote(name));
        if !(0.0..=1.0).contains(&t.probability) {
            return Err(self.fail(
                &format!("{at}.probability"),
                format!(
                    "must be a probability from 0 to 1 (0.1: one answered call in ten), got {}",
                    t.probability
                ),
            ));
        }
        let Some(to) = names.iter().position(|n| *n == t.to) else {
            return Err(self.fail(
                &format!("{at}.to"),
                unknown_name(
                    "call type",
                    &t.to,
                    &names.iter().map(String::as_str).collect::<Vec<_>>(),
                ),
            ));
        };
        if names[to] == name {
            return Err(self.fail(&format!("{at}.to"), "must name another call type"));
        }
        let warm = match t.kind.as_str() {
            "cold" => false,
            "warm" => true,
            other => {
                return Err(self.fail(
                    &format!("{at}.kind"),
                    format!(
                        "{} is not a transfer kind; use \"cold\" (the first agent is free at once) or \"warm\" (it \
                         stays on until the second answers)",
                        quote(other)
                    ),
                ));
            }
        };
        let after = build_distribution(&t.after).map_err(|m| self.fail(&format!("{at}.after"), m))?;
        Ok(Transfer {
            probability: t.probability,
            to,
            after,
            warm,
        })
    }

    /// The `consult` keys of every call type, resolved against the agent groups, and each group's
    /// `concurrency` (default 1).
    pub(super) fn consults(
        &self,
        raw_types: &[file::CallTypeFile],
        raw_groups: &[file::AgentGroupFile],
        call_types: &mut [CallType],
        groups: &mut [AgentGroup],
    ) -> Result<()> {
        for (group, raw) in groups.iter_mut().zip(raw_groups) {
            let concurrency = raw.concurrency.unwrap_or(1);
            if !(1..=MAX_CONCURRENCY).contains(&concurrency) {
                return Err(self.fail(
                    &format!("agent_groups[{}].concurrency", quote(&raw.name)),
                    format!("must be from 1 to {MAX_CONCURRENCY} consults or chats held at once, got {concurrency}"),
                ));
            }
            group.concurrency = concurrency;
        }
        let names: Vec<String> = call_types.iter().map(|c| c.name.clone()).collect();
        for (call_type, raw) in call_types.iter_mut().zip(raw_types) {
            if let Some(t) = &raw.transfer {
                call_type.transfer = Some(self.transfer(&raw.name, t, &names)?);
            }
            let Some(k) = &raw.consult else { continue };
            let at = format!("call_types[{}].consult", quote(&raw.name));
            if !(0.0..=1.0).contains(&k.probability) {
                return Err(self.fail(
                    &format!("{at}.probability"),
                    format!(
                        "must be a probability from 0 to 1 (0.15: the operator asks on about one call in seven), got {}",
                        k.probability
                    ),
                ));
            }
            if !(0.0..=1.0).contains(&k.at) {
                return Err(self.fail(
                    &format!("{at}.at"),
                    format!(
                        "must be a share of the handle time from 0 (at once) to 1 (at its end), got {}",
                        k.at
                    ),
                ));
            }
            let Some(group) = groups.iter().position(|g| g.name == k.group) else {
                let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
                return Err(self.fail(&format!("{at}.group"), unknown_name("agent group", &k.group, &names)));
            };
            if groups[group].count == 0 {
                return Err(self.fail(
                    &format!("{at}.group"),
                    format!("{} has no agents to answer consults", quote(&k.group)),
                ));
            }
            let duration = build_distribution(&k.duration).map_err(|m| self.fail(&format!("{at}.duration"), m))?;
            call_type.consult = Some(Consult {
                probability: k.probability,
                group,
                duration,
                at: k.at,
            });
        }
        // Transfers that always happen must not go round in a circle: the call would never end.
        let certain: Vec<Option<usize>> = call_types
            .iter()
            .map(|c| c.transfer.as_ref().filter(|t| t.probability >= 1.0).map(|t| t.to))
            .collect();
        if let Some(cycle) = super::callers::find_cycle(&certain) {
            return Err(self.fail(
                &format!("call_types[{}].transfer.probability", quote(&call_types[cycle[0]].name)),
                format!(
                    "is 1 on a circle of transfers that never ends ({}); lower a probability on the circle",
                    circle_text(&cycle, &call_types.iter().map(|c| c.name.as_str()).collect::<Vec<_>>())
                ),
            ));
        }
        Ok(())
    }
}
