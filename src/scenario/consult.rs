//! Supervisor consults (issue 11): during some calls the operator asks a senior colleague of another group, while
//! the caller stays on the line. Validated here once the agent groups are known.

use super::file;
use super::validate::{Fields, build_distribution};
use super::{AgentGroup, CallType};
use crate::distribution::DurationDistribution;
use crate::error::Result;
use crate::limits::quote;

/// Most consults one agent may hold at once (`concurrency`).
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

/// Names of the groups some call type consults: such a group may have no call skills.
pub(super) fn consulted_groups(raw: &[file::CallTypeFile]) -> Vec<&str> {
    raw.iter().filter_map(|c| c.consult.as_ref().map(|k| k.group.as_str())).collect()
}

impl Fields<'_> {
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
                    format!("must be from 1 to {MAX_CONCURRENCY} consults held at once, got {concurrency}"),
                ));
            }
            group.concurrency = concurrency;
        }
        for (call_type, raw) in call_types.iter_mut().zip(raw_types) {
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
                return Err(self.fail(
                    &format!("{at}.group"),
                    format!(
                        "names no agent group: {}; the groups are {}",
                        quote(&k.group),
                        names.iter().map(|n| quote(n)).collect::<Vec<_>>().join(", ")
                    ),
                ));
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
        Ok(())
    }
}
