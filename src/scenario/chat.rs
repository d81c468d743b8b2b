//! Chat (issue 12): call types whose contacts share an agent with the agent's other chats, and the groups that
//! answer them. Validated here once the call types and agent groups are known.
//!
//! A call type with `channel = "chat"` is a chat. An agent of a group with `concurrency = C` holds up to `C`
//! chats at once. Each chat draws its **work** when it arrives: a draw from the type's `service` distribution
//! (its family and shape) rescaled to the mean `h1`, the first value of `handle_time_by_concurrency` (the type's
//! `service` mean when the key is left out). While its agent holds `k` chats, a chat's work progresses at speed
//! `h1 / hk`, so a chat alone with its agent lasts its work, and one that always shares its agent with `k - 1`
//! others lasts `hk / h1` times its work (mean `hk`). With exponential work each chat ends at rate `1 / hk` while
//! its agent holds `k`: the model of [`crate::erlang::chat`].
//!
//! A chat has no after-call work (fold it into the handle times), no consult and no transfer, and its `max_wait`
//! may leave a message or disconnect but neither call back nor overflow; no transfer or overflow leads to a chat.
//! A group answering chats reserves no agents and takes its chats at once (no `after` on a chat skill).
//! A group's `channel = "chat"` makes it chat-only (a voice skill is an error), `"voice"` voice-only.

use super::file::{self, MaxWaitActionFile};
use super::validate::Fields;
use super::{AgentGroup, CallType};
use crate::error::Result;
use crate::limits::quote;
use crate::scenario::consult::MAX_CONCURRENCY;

/// What makes a call type a chat.
#[derive(Debug, Clone, PartialEq)]
pub struct Chat {
    /// Mean handle time in seconds while the chat's agent holds 1, 2, ... chats (`handle_time_by_concurrency`; at
    /// least as long as the largest `concurrency` of a group answering the type).
    pub handle_times: Vec<f64>,
    /// The factor turning a draw from the type's `service` distribution into a chat's work (seconds of work at
    /// speed 1): `h1 / service mean`, exactly 1 when they agree.
    pub work_scale: f64,
}

impl Chat {
    /// The speed at which a chat's work progresses while its agent holds `chats` chats (1 or more): `h1 / hk`.
    /// Beyond the table the last value applies (the scenario check makes that unreachable in a simulation).
    pub fn speed(&self, chats: u32) -> f64 {
        let k = (chats.max(1) as usize).min(self.handle_times.len());
        self.handle_times[0] / self.handle_times[k - 1]
    }
}

impl super::Scenario {
    /// Agent-seconds one call of type `call_type` takes, for offered loads: its mean handle time plus after-call
    /// work; for a chat, `hC / C`, its share of an agent holding `C` chats (the largest concurrency of a group
    /// answering it), so that the load reaches the agents exactly when full agents cannot keep up.
    pub fn agent_seconds_per_call(&self, call_type: usize) -> f64 {
        let c = &self.call_types[call_type];
        let Some(chat) = &c.chat else {
            return c.service.mean() + c.after_call_work;
        };
        let concurrency = self
            .agent_groups
            .iter()
            .filter(|g| g.skills.contains(&call_type))
            .map(|g| g.concurrency)
            .max()
            .unwrap_or(1);
        let k = (concurrency as usize).min(chat.handle_times.len());
        chat.handle_times[k - 1] / concurrency as f64
    }

    /// The call types that are chats, for [`crate::routing::Router::with_chats`].
    pub fn chat_types(&self) -> Vec<crate::routing::CallTypeId> {
        (0..self.call_types.len())
            .filter(|&t| self.call_types[t].chat.is_some())
            .map(|t| crate::routing::CallTypeId(t as u32))
            .collect()
    }
}

/// Which contacts a group answers (`[[agent_groups]] channel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupChannel {
    /// Left out: whatever its skills are (a voice call then needs an agent holding no chat).
    #[default]
    Any,
    /// `"voice"`: voice call types only.
    Voice,
    /// `"chat"`: chat call types only.
    Chat,
}

impl Fields<'_> {
    /// The chat keys of every call type and group: `channel`, `handle_time_by_concurrency`, and what a chat
    /// cannot be combined with; then each group's `channel` against its skills and its `concurrency` against what
    /// it answers. `consulted` names the groups some call type consults.
    pub(super) fn chats(
        &self,
        raw_types: &[file::CallTypeFile],
        raw_groups: &[file::AgentGroupFile],
        call_types: &mut [CallType],
        groups: &mut [AgentGroup],
        consulted: &[&str],
    ) -> Result<()> {
        for (call_type, raw) in call_types.iter_mut().zip(raw_types) {
            call_type.chat = self.chat_of(raw, call_type.service.mean())?;
        }
        for (call_type, raw) in call_types.iter().zip(raw_types) {
            self.check_chat_combinations(call_type, raw, call_types)?;
        }
        for (group, raw) in groups.iter_mut().zip(raw_groups) {
            let at = format!("agent_groups[{}]", quote(&raw.name));
            group.channel = match raw.channel.as_deref() {
                None => GroupChannel::Any,
                Some("voice") => GroupChannel::Voice,
                Some("chat") => GroupChannel::Chat,
                Some(other) => {
                    return Err(self.fail(
                        &format!("{at}.channel"),
                        format!(
                            "must be \"voice\" (voice calls only) or \"chat\" (chats only), or left out, got {:?}",
                            quote(other)
                        ),
                    ));
                }
            };
            let mut answers_chat = false;
            for (rank, &t) in group.skills.iter().enumerate() {
                let call_type = &call_types[t];
                let name = quote(&call_type.name);
                match (&call_type.chat, group.channel) {
                    (None, GroupChannel::Chat) => {
                        return Err(self.fail(
                            &format!("{at}.skills"),
                            format!(
                                "{name:?} is a voice call type, but the group is chat-only (channel = \"chat\"): \
                                 give it to a group that takes calls, or make it a chat (channel = \"chat\" on \
                                 the call type)"
                            ),
                        ));
                    }
                    (Some(_), GroupChannel::Voice) => {
                        return Err(self.fail(
                            &format!("{at}.skills"),
                            format!(
                                "{name:?} is a chat call type, but the group is voice-only (channel = \"voice\"): \
                                 give it to a group that takes chats"
                            ),
                        ));
                    }
                    (Some(chat), _) => {
                        answers_chat = true;
                        if group.skill_after.get(rank).is_some_and(|&after| after > 0.0) {
                            return Err(self.fail(
                                &format!("{at}.skills"),
                                format!("{name:?} is a chat: a group takes chats at once (no `after`)"),
                            ));
                        }
                        if chat.handle_times.len() < group.concurrency as usize {
                            return Err(self.fail(
                                &format!("call_types[{name}].handle_time_by_concurrency"),
                                format!(
                                    "has {} value(s), but group {:?} holds up to {} chats (concurrency): give one \
                                     mean handle time per number of chats held, up to {}",
                                    chat.handle_times.len(),
                                    quote(&raw.name),
                                    group.concurrency,
                                    group.concurrency
                                ),
                            ));
                        }
                    }
                    (None, _) => {}
                }
            }
            if answers_chat && group.reserve.is_some() {
                return Err(self.fail(
                    &format!("{at}.reserve"),
                    "a group that answers chats keeps no agents back (reserve is for voice groups)",
                ));
            }
            if group.concurrency > 1 && !answers_chat && !consulted.contains(&raw.name.as_str()) {
                return Err(self.fail(
                    &format!("{at}.concurrency"),
                    format!(
                        "is {}, but the group answers no chat and no consult, so it can never hold more than one \
                         contact: use 1, or give it a chat call type (channel = \"chat\")",
                        group.concurrency
                    ),
                ));
            }
        }
        Ok(())
    }

    /// A call type's `channel` and `handle_time_by_concurrency`.
    fn chat_of(&self, raw: &file::CallTypeFile, service_mean: f64) -> Result<Option<Chat>> {
        let at = format!("call_types[{}]", quote(&raw.name));
        let is_chat = match raw.channel.as_deref() {
            None | Some("voice") => false,
            Some("chat") => true,
            Some(other) => {
                return Err(self.fail(
                    &format!("{at}.channel"),
                    format!("must be \"voice\" (the default) or \"chat\", got {:?}", quote(other)),
                ));
            }
        };
        let field = format!("{at}.handle_time_by_concurrency");
        let Some(table) = &raw.handle_time_by_concurrency else {
            return Ok(is_chat.then(|| Chat {
                handle_times: vec![service_mean],
                work_scale: 1.0,
            }));
        };
        if !is_chat {
            return Err(self.fail(
                &field,
                "is for chat call types only: add channel = \"chat\" to the call type, or remove the key",
            ));
        }
        if table.is_empty() || table.len() > MAX_CONCURRENCY as usize {
            return Err(self.fail(
                &field,
                format!(
                    "must list 1 to {MAX_CONCURRENCY} mean handle times (while the agent holds 1, 2, ... chats), \
                     got {}",
                    table.len()
                ),
            ));
        }
        if let Some((k, bad)) = table.iter().enumerate().find(|(_, d)| d.0.is_nan() || d.0 <= 0.0) {
            return Err(self.fail(
                &field,
                format!(
                    "value {} (while the agent holds {} chats) must be a duration above 0, got {}s",
                    k + 1,
                    k + 1,
                    bad.0
                ),
            ));
        }
        let handle_times: Vec<f64> = table.iter().map(|d| d.0).collect();
        Ok(Some(Chat {
            work_scale: if handle_times[0] == service_mean {
                1.0
            } else {
                handle_times[0] / service_mean
            },
            handle_times,
        }))
    }

    /// A chat call type's other keys, and keys of other types that would lead to a chat.
    fn check_chat_combinations(
        &self,
        call_type: &CallType,
        raw: &file::CallTypeFile,
        call_types: &[CallType],
    ) -> Result<()> {
        let at = format!("call_types[{}]", quote(&raw.name));
        let is_chat = |name: &str| call_types.iter().any(|c| c.name == name && c.chat.is_some());
        if let Some(transfer) = &raw.transfer
            && is_chat(&transfer.to)
        {
            return Err(self.fail(
                &format!("{at}.transfer.to"),
                format!(
                    "{:?} is a chat: calls are transferred to voice call types only",
                    quote(&transfer.to)
                ),
            ));
        }
        if let Some(MaxWaitActionFile::Overflow { overflow }) = raw.max_wait.as_ref().map(|m| &m.action)
            && (is_chat(overflow) || call_type.chat.is_some())
        {
            return Err(self.fail(
                &format!("{at}.max_wait.action"),
                "chats neither overflow nor are overflowed to: use \"message\" or \"disconnect\"",
            ));
        }
        if call_type.chat.is_none() {
            return Ok(());
        }
        if call_type.after_call_work > 0.0 {
            return Err(self.fail(
                &format!("{at}.after_call_work"),
                "a chat has no after-call work of its own: fold it into handle_time_by_concurrency",
            ));
        }
        if raw.consult.is_some() || raw.transfer.is_some() {
            let key = if raw.consult.is_some() { "consult" } else { "transfer" };
            return Err(self.fail(
                &format!("{at}.{key}"),
                "is for voice calls only: a chat has no consult and no transfer",
            ));
        }
        if matches!(raw.max_wait.as_ref().map(|m| &m.action), Some(MaxWaitActionFile::Named(n)) if n == "callback") {
            return Err(self.fail(
                &format!("{at}.max_wait.action"),
                "a chat is not called back: use \"message\" or \"disconnect\"",
            ));
        }
        Ok(())
    }
}
