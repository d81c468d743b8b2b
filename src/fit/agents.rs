//! Agents on duty per planning interval, from a log: from log-on and pause events when the log has them (the
//! time each agent was logged on and not paused), otherwise from concurrency (the agents who handled a call in
//! the interval: a lower bound). Agents serving the same set of queues form one group.
//!
//! Memory: one value per agent and interval of the day (summed over the chosen days), whatever the log's length.

use super::arrivals::DAY_S;
use crate::logs::{AgentStep, AgentStepKind};

/// Longest stretch an agent counts as on duty (or on one call) without an event: a day. A log that misses an
/// agent's log-off (or a corrupt time) then adds at most a day, not years.
pub const MAX_SPAN_S: f64 = DAY_S;

#[derive(Debug, Clone, Default)]
struct AgentState {
    /// Queues it is a member of now (log-on events naming a queue; a bit per queue index, so a repeated
    /// `ADDMEMBER` counts once).
    memberships: u64,
    /// Logged on without a queue (`AGENTLOGIN`).
    logged_on: bool,
    paused: bool,
    /// Local seconds of the last change.
    since: f64,
    /// Seconds on duty per interval of the day, over the chosen days.
    on_duty: Vec<f64>,
    /// Intervals with a call handled, per interval of the day, over the chosen days.
    handled: Vec<f64>,
    /// The last absolute interval counted in `handled`.
    last_handled: i64,
    /// Queues served (bit set by queue index; a log of more than 64 queues groups the rest together).
    queues: u64,
}

impl AgentState {
    fn available(&self) -> bool {
        (self.memberships != 0 || self.logged_on) && !self.paused
    }
}

/// Agents' time on duty and calls handled, per interval of the day.
#[derive(Debug, Clone)]
pub struct OnDuty {
    interval: f64,
    agents: Vec<AgentState>,
    /// True once any log-on, log-off or pause event was seen.
    pub from_events: bool,
}

/// A group of agents serving the same queues, with its mean agents on duty per interval of the day.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupOnDuty {
    /// Queue indices served.
    pub queues: Vec<u32>,
    /// Agents in the group.
    pub agents: usize,
    /// Mean agents on duty per interval of the day over the chosen days.
    pub per_slot: Vec<f64>,
}

impl OnDuty {
    /// Nothing seen; intervals of `interval` seconds.
    pub fn new(interval: f64) -> OnDuty {
        OnDuty {
            interval,
            agents: Vec::new(),
            from_events: false,
        }
    }

    fn slots(&self) -> usize {
        (DAY_S / self.interval).round() as usize
    }

    fn agent(&mut self, agent: u32) -> &mut AgentState {
        let slots = self.slots();
        let i = agent as usize;
        if self.agents.len() <= i {
            self.agents.resize_with(i + 1, || AgentState {
                on_duty: vec![0.0; slots],
                handled: vec![0.0; slots],
                last_handled: i64::MIN,
                ..AgentState::default()
            });
        }
        &mut self.agents[i]
    }

    /// Splits `[from, to)` (local seconds, at most [`MAX_SPAN_S`] of it) at interval boundaries, calling
    /// `each(absolute interval, seconds)`.
    fn split(interval: f64, from: f64, to: f64, mut each: impl FnMut(i64, f64)) {
        let to = to.min(from + MAX_SPAN_S);
        let mut t = from;
        while t < to {
            let slot = (t / interval).floor() as i64;
            let end = ((slot + 1) as f64 * interval).min(to);
            each(slot, end - t);
            t = end;
        }
    }

    /// An agent step at `local` seconds; `keep(day)` says whether a day counts.
    pub fn step(&mut self, step: &AgentStep, local: f64, keep: &impl Fn(i64) -> bool) {
        self.from_events = true;
        let (interval, slots) = (self.interval, self.slots());
        let state = self.agent(step.agent);
        if state.available() {
            let on_duty = &mut state.on_duty;
            OnDuty::split(interval, state.since, local, |slot, seconds| {
                let day = slot.div_euclid(slots as i64);
                if keep(day) {
                    on_duty[slot.rem_euclid(slots as i64) as usize] += seconds;
                }
            });
        }
        state.since = local;
        match (step.kind, step.queue) {
            (AgentStepKind::LogOn, Some(q)) => {
                state.memberships |= 1 << q.min(63);
                state.queues |= 1 << q.min(63);
            }
            (AgentStepKind::LogOn, None) => state.logged_on = true,
            (AgentStepKind::LogOff, Some(q)) => state.memberships &= !(1 << q.min(63)),
            (AgentStepKind::LogOff, None) => {
                state.logged_on = false;
                state.memberships = 0;
            }
            (AgentStepKind::Pause, _) => state.paused = true,
            (AgentStepKind::Unpause, _) => state.paused = false,
        }
    }

    /// A call of `queue` handled by `agent` from `from` to `to` (local seconds).
    pub fn handled(&mut self, agent: u32, queue: u32, from: f64, to: f64, keep: &impl Fn(i64) -> bool) {
        let (interval, slots) = (self.interval, self.slots());
        let state = self.agent(agent);
        state.queues |= 1 << queue.min(63);
        let (handled, last) = (&mut state.handled, &mut state.last_handled);
        OnDuty::split(interval, from, to.max(from + 1e-9), |slot, _| {
            if slot > *last {
                *last = slot;
                if keep(slot.div_euclid(slots as i64)) {
                    handled[slot.rem_euclid(slots as i64) as usize] += 1.0;
                }
            }
        });
    }

    /// Closes every agent still on duty at `local` seconds (the log's end).
    pub fn finish(&mut self, local: f64, keep: &impl Fn(i64) -> bool) {
        for agent in 0..self.agents.len() {
            if self.agents[agent].available() {
                let (interval, slots) = (self.interval, self.slots());
                let state = &mut self.agents[agent];
                let on_duty = &mut state.on_duty;
                OnDuty::split(interval, state.since, local, |slot, seconds| {
                    if keep(slot.div_euclid(slots as i64)) {
                        on_duty[slot.rem_euclid(slots as i64) as usize] += seconds;
                    }
                });
                state.since = local;
            }
        }
    }

    /// The groups (agents with the same queues, in order of their first agent) and their mean agents on duty per
    /// interval over `days` days.
    pub fn groups(&self, days: usize) -> Vec<GroupOnDuty> {
        let mut groups: Vec<(u64, GroupOnDuty)> = Vec::new();
        let days = days.max(1) as f64;
        for state in &self.agents {
            if state.queues == 0 {
                continue;
            }
            let per_slot: Vec<f64> = if self.from_events {
                state.on_duty.iter().map(|s| s / (self.interval * days)).collect()
            } else {
                state.handled.iter().map(|c| c / days).collect()
            };
            match groups.iter_mut().find(|(q, _)| *q == state.queues) {
                Some((_, group)) => {
                    group.agents += 1;
                    for (a, b) in group.per_slot.iter_mut().zip(&per_slot) {
                        *a += b;
                    }
                }
                None => groups.push((
                    state.queues,
                    GroupOnDuty {
                        queues: (0..64).filter(|q| state.queues & (1 << q) != 0).collect(),
                        agents: 1,
                        per_slot,
                    },
                )),
            }
        }
        groups.into_iter().map(|(_, g)| g).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_on_duty_is_split_at_interval_boundaries_and_pauses_do_not_count() {
        let mut on = OnDuty::new(1800.0);
        let keep = |_day: i64| true;
        let step = |kind, time| AgentStep {
            time,
            agent: 0,
            queue: Some(0),
            kind,
        };
        on.step(&step(AgentStepKind::LogOn, 0.0), 8.0 * 3600.0, &keep);
        on.step(&step(AgentStepKind::Pause, 0.0), 9.0 * 3600.0 + 900.0, &keep);
        on.step(&step(AgentStepKind::Unpause, 0.0), 9.0 * 3600.0 + 1800.0, &keep);
        on.step(&step(AgentStepKind::LogOff, 0.0), 10.0 * 3600.0, &keep);
        let groups = on.groups(1);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].queues, vec![0]);
        assert_eq!(&groups[0].per_slot[16..21], &[1.0, 1.0, 0.5, 1.0, 0.0]);
    }
}
