//! The standard statistics collector: streaming tallies of one replication, per call type and in total.
//!
//! Memory does not grow with the number of calls: counts and sums, time-weighted areas, and one
//! [`WaitHistogram`] per call type. Call-based figures count calls that *arrived* in the measured window
//! `[warmup, horizon)`; time-based figures (queue length, occupancy) integrate over that window.
//!
//! **Occupancy** is busy time (talk plus after-call work) over time on duty, both within the window. Time on duty
//! integrates the number of agents on duty, per group and in total, from the engine's `on_log_on` and `on_log_off`
//! hooks (every agent on duty at opening logs on at `t = 0`; an agent finishing a call past its log-off counts on
//! duty until it leaves). When nobody logs on or off after opening this is exactly the agents times the window, the
//! stationary figure bit for bit: the log-ons at `t = 0` add `0.0` and the finish adds `agents x window` once.
//!
//! A caller who left a message or hung up for a callback at `max_wait` is offered, neither answered nor abandoned;
//! its time on hold counts in the queue length. A callback made counts the agent's work (occupancy, calls
//! handled) but not as an answered call. Caller-behaviour counts come from a [`CallerCounter`] over the window.
//!
//! A balked caller (`on_balk`) counts as offered and abandoned with a wait of 0; a caller disconnected at closing
//! (`on_disconnect`: `at_close = "clear"`, or a caller nobody is left to answer) is offered, neither answered nor
//! abandoned, and counted in [`ReplicationMetrics::disconnected`]; its wait up to closing counts in the queue
//! length.

use crate::engine::{AttemptKind, DialOutcome, Journey, ListState, Observer};
use crate::routing::{CallTypeId, GroupId};
use crate::scenario::Scenario;
use crate::stats::callers::{CallerCounter, CallerCounts};
use crate::stats::campaign::CampaignCounter;
use crate::stats::histogram::WaitHistogram;
use crate::stats::metric::{Metric, MetricValues};
use crate::time::SimTime;

/// Length of the part of `[from, to]` inside the window `[start, end]`.
#[inline]
fn clipped(from: f64, to: f64, start: f64, end: f64) -> f64 {
    (to.min(end) - from.max(start)).max(0.0)
}

/// The number of agents on duty and its integral over the window `[start, end]`.
#[derive(Debug, Clone, Copy, Default)]
struct OnDuty {
    agents: u32,
    since: f64,
    /// Agent-seconds on duty inside the window up to `since`.
    area: f64,
}

impl OnDuty {
    /// The count changes by `delta` at `now`; the window is `[start, end]`.
    #[inline]
    fn change(&mut self, now: f64, delta: i32, start: f64, end: f64) {
        self.area += self.agents as f64 * clipped(self.since, now, start, end);
        self.since = now;
        self.agents = self.agents.checked_add_signed(delta).expect("no agent leaves twice");
    }

    /// Agent-seconds on duty inside the window, counting the agents still on duty at the end of the run.
    fn area(&self, start: f64, end: f64) -> f64 {
        self.area + self.agents as f64 * clipped(self.since, end, start, end)
    }
}

/// The largest value of a count during the measured window: the peak of a step function over `[start, end]`.
///
/// A level counts when the interval it held, from the change that set it to the change that replaced it (or the end
/// of the run), meets the window. The level is settled when it is replaced, not when it is set, so a level set
/// before the warm-up and first replaced after the horizon still counts.
#[derive(Debug, Clone, Copy, Default)]
struct Peak {
    value: usize,
    since: f64,
    max: usize,
}

impl Peak {
    /// The count changes to `value` at `now`; the window is `[start, end]`.
    #[inline]
    fn set(&mut self, now: f64, value: usize, start: f64, end: f64) {
        if now >= start && self.since <= end {
            // The level that held over [since, now] met the window.
            self.max = self.max.max(self.value);
        }
        self.value = value;
        self.since = now;
    }

    /// The peak, counting the level still held at the end of the run if it was set by the horizon.
    fn max_in_window(&self, end: f64) -> usize {
        if self.since <= end {
            self.max.max(self.value)
        } else {
            self.max
        }
    }
}

#[derive(Debug, Clone, Default)]
struct CallTally {
    offered: u64,
    answered: u64,
    answered_at_once: u64,
    answered_in_time: u64,
    abandoned: u64,
    /// Abandoned (or balked) after waiting at most `answer_within`.
    abandoned_within: u64,
    /// Abandoned (or balked) after waiting less than `short_abandon`.
    short_abandoned: u64,
    blocked: u64,
    disconnected: u64,
    answered_wait_sum: f64,
    abandon_time_sum: f64,
    waits: WaitHistogram,
    /// Integral of the number waiting over the window (each call adds its clipped waiting interval).
    queue_area: f64,
    queue_peak: Peak,
    /// Integral of the number of agents busy with this type over the window.
    busy_area: f64,
    /// Consults started (counted when started in the window) and their waits.
    consults: u64,
    consult_wait_sum: f64,
    /// Calls whose agent was released (answered in the window) and their busy time, talk plus after-call work.
    handled: u64,
    handle_sum: f64,
    /// Calls transferred out; legs transferred in, and those answered within `answer_within` of joining.
    transferred: u64,
    transferred_in: u64,
    transferred_in_within: u64,
}

impl CallTally {
    /// Adds another tally's counts, sums, areas and waits (not its peak, which does not add up).
    fn absorb(&mut self, other: &CallTally) {
        self.offered += other.offered;
        self.answered += other.answered;
        self.answered_at_once += other.answered_at_once;
        self.answered_in_time += other.answered_in_time;
        self.abandoned += other.abandoned;
        self.abandoned_within += other.abandoned_within;
        self.short_abandoned += other.short_abandoned;
        self.blocked += other.blocked;
        self.disconnected += other.disconnected;
        self.answered_wait_sum += other.answered_wait_sum;
        self.abandon_time_sum += other.abandon_time_sum;
        self.busy_area += other.busy_area;
        self.queue_area += other.queue_area;
        self.consults += other.consults;
        self.consult_wait_sum += other.consult_wait_sum;
        self.handled += other.handled;
        self.handle_sum += other.handle_sum;
        self.transferred += other.transferred;
        self.transferred_in += other.transferred_in;
        self.transferred_in_within += other.transferred_in_within;
        self.waits.merge(&other.waits);
    }
}

/// One agent group's figures for one replication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupValues {
    /// Busy time (talk plus after-call work) divided by time on duty over the measured window.
    pub occupancy: f64,
    /// Counted calls answered by the group.
    pub calls_handled: f64,
    /// Overtime in agent-seconds: time the group's agents spent finishing a call after the roster logged them off
    /// (a staffing drop, a break or a shift end), over the whole replication.
    pub overtime_s: f64,
}

/// Every figure of one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationMetrics {
    /// Per call type, in scenario order.
    pub call_types: Vec<MetricValues>,
    /// All call types together.
    pub total: MetricValues,
    /// Per agent group, in scenario order.
    pub groups: Vec<GroupValues>,
    /// Waits of answered calls per call type, then all types together (last): for pooled percentiles across
    /// replications. Emptied by [`ReplicationMetrics::drop_histograms`] once a summary has used them.
    pub waits: Vec<WaitHistogram>,
    /// Counted callers still waiting at closing and disconnected (`at_close = "clear"`; with `"finish"` only callers
    /// who never hang up and whom no agent is left to answer), per call type, then all types together (last). They
    /// are offered, neither answered nor abandoned.
    pub disconnected: Vec<u64>,
    /// Caller-behaviour counts per call type, then all types together (last): the day's raw counts behind the
    /// caller metrics (also `replications.csv`'s, see [`crate::stats::DayRecord::callers`]).
    pub callers: Vec<CallerCounts>,
}

impl ReplicationMetrics {
    /// Frees the wait histograms (about 10 KiB each) once percentiles have been pooled.
    pub fn drop_histograms(&mut self) {
        self.waits = Vec::new();
    }
}

/// Collects [`ReplicationMetrics`] from the engine's observer hooks.
#[derive(Debug, Clone)]
pub struct Collector {
    warmup: f64,
    horizon: f64,
    /// Per call type: its own threshold and short-abandon threshold ([`Scenario::answer_within_of`]).
    answer_within: Vec<f64>,
    short_abandon: Vec<f64>,
    call_types: Vec<CallTally>,
    total_queue_peak: Peak,
    /// Agents on duty per group, then all groups together (last).
    on_duty: Vec<OnDuty>,
    group_busy_area: Vec<f64>,
    group_handled: Vec<u64>,
    group_overtime: Vec<f64>,
    /// Per group, the consults one agent may hold at once: a consult counts `1 / concurrency` of a senior.
    group_concurrency: Vec<f64>,
    callers: CallerCounter,
    /// Outbound campaigns' counts (issue 12), reported in the total only.
    campaigns: CampaignCounter,
}

impl Collector {
    /// A collector for one replication of `scenario`.
    pub fn new(scenario: &Scenario) -> Collector {
        Collector {
            warmup: scenario.warmup,
            horizon: scenario.horizon,
            answer_within: (0..scenario.call_types.len())
                .map(|t| scenario.answer_within_of(t))
                .collect(),
            short_abandon: (0..scenario.call_types.len())
                .map(|t| scenario.short_abandon_of(t))
                .collect(),
            call_types: vec![CallTally::default(); scenario.call_types.len()],
            total_queue_peak: Peak::default(),
            on_duty: vec![OnDuty::default(); scenario.agent_groups.len() + 1],
            group_busy_area: vec![0.0; scenario.agent_groups.len()],
            group_handled: vec![0; scenario.agent_groups.len()],
            group_overtime: vec![0.0; scenario.agent_groups.len()],
            callers: CallerCounter::window(scenario.call_types.len(), scenario.warmup),
            group_concurrency: scenario.agent_groups.iter().map(|g| g.concurrency as f64).collect(),
            campaigns: CampaignCounter::new(scenario),
        }
    }

    /// A caller on hold left the queue without being answered or abandoning (a message, a callback): its time
    /// on hold counts in the queue length.
    fn leave_queue(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        let (start, end) = (self.warmup, self.horizon);
        self.call_types[call_type.index()].queue_area += clipped(arrived.seconds(), now.seconds(), start, end);
    }

    /// An agent of `group` served a counted call (answered, or called back).
    fn served_by(&mut self, group: GroupId) {
        self.group_handled[group.index()] += 1;
    }

    fn change_on_duty(&mut self, now: SimTime, group: GroupId, delta: i32) {
        let (start, end) = (self.warmup, self.horizon);
        let total = self.on_duty.len() - 1;
        self.on_duty[group.index()].change(now.seconds(), delta, start, end);
        self.on_duty[total].change(now.seconds(), delta, start, end);
    }

    #[inline]
    fn counts(&self, arrived: SimTime) -> bool {
        arrived.seconds() >= self.warmup
    }

    /// The figures, once the replication has finished.
    pub fn finish(&self) -> ReplicationMetrics {
        let window = self.horizon - self.warmup;
        let (groups_on_duty, all_on_duty) = self.on_duty.split_at(self.on_duty.len() - 1);
        let staffed_time = all_on_duty[0].area(self.warmup, self.horizon);
        let caller_counts = self.callers.bucket(0);
        let call_types: Vec<MetricValues> = self
            .call_types
            .iter()
            .zip(caller_counts)
            .map(|(t, c)| metric_values(t, c, window, staffed_time, self.horizon))
            .collect();
        let mut all = CallTally::default();
        for t in &self.call_types {
            all.absorb(t);
        }
        // The total's peak is of the total line, not a sum of the types' peaks.
        all.queue_peak = self.total_queue_peak;
        // The total's occupancy counts outbound work too: every agent-second busy.
        all.busy_area += self.campaigns.work_seconds();
        let mut total = metric_values(&all, &self.callers.bucket_total(0), window, staffed_time, self.horizon);
        self.campaigns.fill(&mut total);
        let waits: Vec<WaitHistogram> = self
            .call_types
            .iter()
            .map(|t| t.waits.clone())
            .chain([all.waits])
            .collect();
        let groups = self
            .group_busy_area
            .iter()
            .zip(groups_on_duty)
            .zip(&self.group_handled)
            .zip(&self.group_overtime)
            .map(|(((&busy, on_duty), &handled), &overtime)| GroupValues {
                occupancy: ratio(busy, on_duty.area(self.warmup, self.horizon)),
                calls_handled: handled as f64,
                overtime_s: overtime,
            })
            .collect();
        let disconnected = self
            .call_types
            .iter()
            .map(|t| t.disconnected)
            .chain([all.disconnected])
            .collect();
        let callers = caller_counts
            .iter()
            .copied()
            .chain([self.callers.bucket_total(0)])
            .collect();
        ReplicationMetrics {
            call_types,
            total,
            waits,
            groups,
            disconnected,
            callers,
        }
    }
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        f64::NAN
    }
}

fn metric_values(t: &CallTally, c: &CallerCounts, window: f64, staffed_time: f64, end: f64) -> MetricValues {
    let waits = &t.waits;
    let mut values = [f64::NAN; Metric::COUNT];
    let offered = t.offered as f64;
    let answered = t.answered as f64;
    let abandoned = t.abandoned as f64;
    for metric in Metric::ALL {
        values[metric.index()] = match metric {
            Metric::Offered => offered,
            Metric::Answered => answered,
            Metric::Abandoned => abandoned,
            Metric::Blocked => t.blocked as f64,
            Metric::ServiceLevel => ratio(t.answered_in_time as f64, offered),
            Metric::PWait => ratio(offered - t.answered_at_once as f64, offered),
            Metric::AsaS => ratio(t.answered_wait_sum, answered),
            Metric::MeanWaitS => ratio(t.answered_wait_sum + t.abandon_time_sum, offered),
            Metric::AbandonmentRate => ratio(abandoned, offered),
            Metric::BlockingRate => ratio(t.blocked as f64, offered + t.blocked as f64),
            Metric::MeanTimeToAbandonS => ratio(t.abandon_time_sum, abandoned),
            Metric::WaitP50S | Metric::WaitP80S | Metric::WaitP90S | Metric::WaitP95S | Metric::WaitP99S => {
                waits.quantile(metric.percentile().expect("a percentile metric"))
            }
            Metric::MeanQueueLength => t.queue_area / window,
            Metric::MaxQueueLength => t.queue_peak.max_in_window(end) as f64,
            Metric::Occupancy => ratio(t.busy_area, staffed_time),
            // Need abandon waits this collector does not keep: filled from `stats::day` (see `run`).
            Metric::ServiceLevelOfAnswered => ratio(t.answered_in_time as f64, answered),
            Metric::ServiceLevelShortAbandonsExcluded => ratio(
                t.answered_in_time as f64,
                (t.offered - t.short_abandoned.min(t.offered)) as f64,
            ),
            Metric::ServiceLevelAbandonsWithinCounted => {
                ratio((t.answered_in_time + t.abandoned_within) as f64, offered)
            }
            Metric::Messages => c.messages as f64,
            Metric::Disconnected => t.disconnected as f64,
            Metric::Balked => c.balked as f64,
            Metric::Redials => c.redials as f64,
            Metric::Repeats => c.repeats as f64,
            Metric::Callers => c.callers as f64,
            Metric::AttemptsPerCaller => c.attempts_per_caller(),
            Metric::CallersAnswered => c.callers_answered(),
            Metric::CallersLost => c.callers_lost(),
            Metric::CallerWaitS => c.caller_wait_s(),
            Metric::Callbacks => c.callbacks as f64,
            Metric::CallbacksMade => c.callbacks_made as f64,
            Metric::CallbackDelayS => c.callback_delay_s(),
            Metric::Overflowed => c.overflowed as f64,
            Metric::FirstContactResolution => c.first_contact_resolution(),
            Metric::RepeatShare => ratio(c.repeats as f64, offered),
            Metric::Consults => t.consults as f64,
            Metric::ConsultWaitS => ratio(t.consult_wait_sum, t.consults as f64),
            Metric::HandleTimeS => ratio(t.handle_sum, t.handled as f64),
            Metric::Transferred => t.transferred as f64,
            Metric::TransferRate => ratio(t.transferred as f64, answered),
            Metric::TransferServiceLevel => ratio(t.transferred_in_within as f64, t.transferred_in as f64),
            // Outbound campaigns: the total's, filled by `CampaignCounter::fill`.
            Metric::Dials
            | Metric::LiveContacts
            | Metric::OutboundAbandoned
            | Metric::OutboundAbandonRate
            | Metric::MaxWindowAbandonRate
            | Metric::ContactsPerHour
            | Metric::ContactsPerAgentHour
            | Metric::AgentWaitPerContactS
            | Metric::Machines
            | Metric::Conversions
            | Metric::ListPenetration
            | Metric::ListCompletion
            | Metric::CapHolds => f64::NAN,
        };
    }
    values
}

impl Observer for Collector {
    #[inline]
    fn on_arrival(&mut self, now: SimTime, call_type: CallTypeId) {
        if self.counts(now) {
            self.call_types[call_type.index()].offered += 1;
        }
    }

    fn on_blocked(&mut self, now: SimTime, call_type: CallTypeId) {
        if self.counts(now) {
            self.call_types[call_type.index()].blocked += 1;
        }
    }

    #[inline]
    fn on_answer(&mut self, now: SimTime, call_type: CallTypeId, group: GroupId, arrived: SimTime) {
        let wait = now.since(arrived);
        let answer_within = self.answer_within[call_type.index()];
        let tally = &mut self.call_types[call_type.index()];
        if wait > 0.0 {
            tally.queue_area += clipped(arrived.seconds(), now.seconds(), self.warmup, self.horizon);
        }
        if arrived.seconds() >= self.warmup {
            tally.answered += 1;
            tally.answered_wait_sum += wait;
            if wait <= 0.0 {
                tally.answered_at_once += 1;
            }
            if wait <= answer_within {
                tally.answered_in_time += 1;
            }
            tally.waits.record(wait);
            self.group_handled[group.index()] += 1;
        }
    }

    fn on_abandon(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        let t = call_type.index();
        let (answer_within, short_abandon) = (self.answer_within[t], self.short_abandon[t]);
        let tally = &mut self.call_types[t];
        tally.queue_area += clipped(arrived.seconds(), now.seconds(), self.warmup, self.horizon);
        if arrived.seconds() >= self.warmup {
            let wait = now.since(arrived);
            tally.abandoned += 1;
            tally.abandon_time_sum += wait;
            tally.abandoned_within += (wait <= answer_within) as u64;
            tally.short_abandoned += (wait < short_abandon) as u64;
        }
    }

    #[inline]
    fn on_queue_change(&mut self, now: SimTime, call_type: CallTypeId, of_type: usize, total: usize) {
        let (start, end) = (self.warmup, self.horizon);
        self.call_types[call_type.index()]
            .queue_peak
            .set(now.seconds(), of_type, start, end);
        self.total_queue_peak.set(now.seconds(), total, start, end);
    }

    fn on_balk(&mut self, now: SimTime, call_type: CallTypeId) {
        self.callers.on_balk(now, call_type);
        if self.counts(now) {
            let short_abandon = self.short_abandon[call_type.index()];
            let tally = &mut self.call_types[call_type.index()];
            tally.abandoned += 1;
            tally.abandoned_within += 1;
            tally.short_abandoned += (0.0 < short_abandon) as u64;
        }
    }

    fn on_disconnect(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        let counted = self.counts(arrived);
        let tally = &mut self.call_types[call_type.index()];
        tally.queue_area += clipped(arrived.seconds(), now.seconds(), self.warmup, self.horizon);
        if counted {
            tally.disconnected += 1;
        }
    }

    fn on_log_on(&mut self, now: SimTime, group: GroupId) {
        self.change_on_duty(now, group, 1);
    }

    fn on_attempt(&mut self, now: SimTime, call_type: CallTypeId, kind: AttemptKind) {
        self.callers.on_attempt(now, call_type, kind);
    }

    fn on_message(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        self.callers.on_message(now, call_type, arrived);
        self.leave_queue(now, call_type, arrived);
    }

    fn on_callback_requested(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        self.callers.on_callback_requested(now, call_type, arrived);
        self.leave_queue(now, call_type, arrived);
    }

    fn on_callback_made(
        &mut self,
        now: SimTime,
        call_type: CallTypeId,
        group: GroupId,
        arrived: SimTime,
        requested: SimTime,
    ) {
        self.callers.on_callback_made(now, call_type, group, arrived, requested);
        if self.counts(arrived) {
            self.served_by(group);
        }
    }

    fn on_overflow(&mut self, now: SimTime, call_type: CallTypeId, to: CallTypeId, arrived: SimTime) {
        self.callers.on_overflow(now, call_type, to, arrived);
    }

    fn on_resolution(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime, resolved: bool) {
        self.callers.on_resolution(now, call_type, arrived, resolved);
    }

    fn on_caller_done(&mut self, now: SimTime, journey: &Journey, served: bool) {
        self.callers.on_caller_done(now, journey, served);
    }

    fn on_consult(&mut self, now: SimTime, call_type: CallTypeId, _group: GroupId, wait_s: f64) {
        if self.counts(now) {
            let tally = &mut self.call_types[call_type.index()];
            tally.consults += 1;
            tally.consult_wait_sum += wait_s;
        }
    }

    fn on_transfer(&mut self, now: SimTime, call_type: CallTypeId, to: CallTypeId) {
        if self.counts(now) {
            self.call_types[call_type.index()].transferred += 1;
            self.call_types[to.index()].transferred_in += 1;
        }
    }

    fn on_transfer_answered(&mut self, now: SimTime, call_type: CallTypeId, leg_arrived: SimTime) {
        if self.counts(leg_arrived) && now.since(leg_arrived) <= self.answer_within[call_type.index()] {
            self.call_types[call_type.index()].transferred_in_within += 1;
        }
    }

    fn on_consult_end(&mut self, now: SimTime, group: GroupId, started: SimTime) {
        // The senior's time with the consult, as a share of its `concurrency` slots: its group's occupancy.
        self.group_busy_area[group.index()] += clipped(started.seconds(), now.seconds(), self.warmup, self.horizon)
            / self.group_concurrency[group.index()];
    }

    fn on_log_off(&mut self, now: SimTime, group: GroupId, scheduled: SimTime) {
        self.change_on_duty(now, group, -1);
        self.group_overtime[group.index()] += now.since(scheduled).max(0.0);
    }

    fn on_chat_released(&mut self, now: SimTime, call_type: CallTypeId, group: GroupId, started: SimTime, share: f64) {
        // A chat takes `share` of its agent: occupancy is the share of chat slots in use.
        let busy = clipped(started.seconds(), now.seconds(), self.warmup, self.horizon) * share;
        self.group_busy_area[group.index()] += busy;
        let tally = &mut self.call_types[call_type.index()];
        tally.busy_area += busy;
        if started.seconds() >= self.warmup {
            tally.handled += 1;
            tally.handle_sum += now.since(started);
        }
    }

    #[inline]
    fn on_agent_released(&mut self, now: SimTime, call_type: CallTypeId, group: GroupId, busy_since: SimTime) {
        let busy = clipped(busy_since.seconds(), now.seconds(), self.warmup, self.horizon);
        self.group_busy_area[group.index()] += busy;
        let counted = busy_since.seconds() >= self.warmup;
        let tally = &mut self.call_types[call_type.index()];
        tally.busy_area += busy;
        if counted {
            tally.handled += 1;
            tally.handle_sum += now.since(busy_since);
        }
    }

    fn on_dial(&mut self, now: SimTime, _campaign: usize) {
        self.campaigns.dial(now);
    }

    fn on_dial_outcome(&mut self, _now: SimTime, campaign: usize, outcome: DialOutcome, dialed: SimTime) {
        self.campaigns.outcome(campaign, outcome, dialed);
    }

    fn on_contact_end(&mut self, now: SimTime, _campaign: usize, _talk_s: f64, converted: bool) {
        self.campaigns.contact_end(now, converted);
    }

    fn on_outbound_released(&mut self, now: SimTime, _campaign: usize, group: GroupId, since: SimTime, waiting_s: f64) {
        self.group_busy_area[group.index()] += self.campaigns.work(now, since, waiting_s);
    }

    fn on_campaign_end(&mut self, _now: SimTime, _campaign: usize, list: &ListState) {
        self.campaigns.list(list);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_spanning_the_whole_window_is_its_peak() {
        let (start, end) = (60.0, 600.0);
        let mut peak = Peak::default();
        peak.set(2.0, 1, start, end);
        peak.set(3601.0, 0, start, end);
        assert_eq!(
            peak.max_in_window(end),
            1,
            "set before the warm-up, replaced after the horizon"
        );

        let mut outside = Peak::default();
        outside.set(10.0, 4, start, end);
        outside.set(20.0, 1, start, end);
        outside.set(700.0, 9, start, end);
        assert_eq!(
            outside.max_in_window(end),
            1,
            "levels wholly before or after the window do not count"
        );
    }

    /// The fuzzer's case (issue 7, B2): one agent busy for an hour from the first second, a second caller on hold
    /// for the whole window, every later caller blocked by `lines = 2`.
    #[test]
    fn the_peak_of_a_queue_held_across_the_window_is_kept() {
        let scenario = Scenario::from_toml_str(
            r#"
name = "held queue"
lines = 2
[horizon]
warmup = "1m"
duration = "10m"
[[call_types]]
name = "only"
arrivals = { per_hour = 3600 }
service = { distribution = "constant", mean = "1h" }
[[agent_groups]]
name = "agent"
count = 1
skills = ["only"]
"#,
            "held queue",
        )
        .unwrap();
        let metrics = crate::run::simulate_replication(&scenario, 0);
        let value = |metric: Metric| metrics.total[metric.index()];
        assert!(
            value(Metric::MeanQueueLength) > 0.99,
            "the queue held one caller throughout"
        );
        assert_eq!(value(Metric::MaxQueueLength), 1.0);
        assert_eq!(metrics.call_types[0][Metric::MaxQueueLength.index()], 1.0);
    }
}
