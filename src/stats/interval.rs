//! Per-interval results of the planner's day: what happened to the calls that arrived in each planning interval,
//! and the agents on duty and their occupancy within it.
//!
//! [`IntervalCollector`] is an [`Observer`] run beside the standard [`crate::stats::Collector`]. Call-based figures
//! (offered, answered, abandoned, service level, ASA, abandonment rate, wait p90) belong to the interval the call
//! **arrived** in, wherever it was answered; every arrival of the day counts (a planner's day has no warm-up; with
//! a warm-up and a single interval the summary, which leaves out calls before the warm-up, differs). Time-based
//! figures are clipped to the interval with [`Intervals::split`]: agents on duty (time on duty over the interval's
//! length) and occupancy (busy time over time on duty, both clipped).
//!
//! **Agents on duty** are integrated from [`Observer::on_log_on`] and [`Observer::on_log_off`] (an agent finishing
//! a call after its scheduled log-off is on duty until it leaves). An engine that never calls them (the stationary
//! engine before the day model) is detected at the end of the replication: if no log-on was seen, time on duty is
//! the roster's ([`Scenario::on_duty_per_interval`] times the interval's length), which for a stationary scenario is
//! the group counts all day. Either way the result is right for the engine it ran with.
//!
//! Memory is `intervals x call types` tallies, each with a [`WaitHistogram`]; nothing grows with the calls. The
//! tallies are allocated once per replication; no hook allocates except when a histogram first reaches a longer
//! wait. What a replication hands back keeps the histograms in compact form ([`SparseWaitHistogram`]: non-empty
//! buckets only), so that thousands of days of many intervals fit.
//!
//! [`interval_theory`] gives, per interval, the stationary Erlang C / A figures of that interval taken alone: an
//! **approximation**, as the queue carries over from one interval into the next.

use crate::day::intervals::Intervals;
use crate::engine::{AttemptKind, DialOutcome, Journey, Observer};
use crate::erlang::{StaffingModel, Targets, evaluate, required_agents};
use crate::routing::{CallTypeId, GroupId};
use crate::scenario::Scenario;
use crate::stats::callers::{CallerCounter, CallerCounts};
use crate::stats::day::{DayCounter, DayRecord};
use crate::stats::estimate::Estimate;
use crate::stats::histogram::{SparseWaitHistogram, WaitHistogram, pooled_quantile};
use crate::stats::metric::{Metric, MetricValues};
use crate::time::SimTime;

/// A per-interval metric (per call type and in total). Names are CSV columns and JSON keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntervalMetric {
    /// Calls that arrived in the interval and got a line.
    Offered,
    /// Of those, answered.
    Answered,
    /// Of those, abandoned (balked callers included).
    Abandoned,
    /// Of those, answered within `answer_within`, divided by offered.
    ServiceLevel,
    /// Mean wait of those answered, in seconds.
    AsaS,
    /// Abandoned divided by offered.
    AbandonmentRate,
    /// 90th percentile of the wait of those answered, pooled over days, in seconds.
    WaitP90S,
    /// Time-averaged agents on duty in the interval, all groups (the same in every call type's row).
    AgentsOnDuty,
    /// Busy time with these calls within the interval divided by time on duty within it.
    Occupancy,
    /// The share of days in which the interval met the service-level target (service level >= target: the call
    /// type's own; for the total, when the types' targets differ, every type with calls met its own); days
    /// without calls in the interval are left out.
    DaysMeetingTarget,
    /// Attempts in the interval refused a line or a place in the queue (busy tone).
    Blocked,
    /// Of the calls offered in the interval, messages left at `max_wait`.
    Messages,
    /// Of those, disconnected (at `max_wait` or at closing).
    Disconnected,
    /// Of those, balked (counted in `abandoned` too).
    Balked,
    /// Attempts in the interval that were redials.
    Redials,
    /// Attempts in the interval that were repeat calls.
    Repeats,
    /// Callers whose first call arrived in the interval (people, not attempts).
    Callers,
    /// Outbound (issue 12): dials placed in the interval (all campaigns; the total's row only).
    Dials,
    /// Of those, answered by a person who talked to an agent.
    LiveContacts,
    /// Of those, answered by a person no agent took within two seconds (abandoned, silent calls).
    OutboundAbandoned,
    /// Abandoned over live answers (live contacts plus abandoned) of the dials placed in the interval.
    OutboundAbandonRate,
}

impl IntervalMetric {
    /// Every per-interval metric, in column order.
    pub const ALL: [IntervalMetric; 21] = [
        IntervalMetric::Offered,
        IntervalMetric::Answered,
        IntervalMetric::Abandoned,
        IntervalMetric::ServiceLevel,
        IntervalMetric::AsaS,
        IntervalMetric::AbandonmentRate,
        IntervalMetric::WaitP90S,
        IntervalMetric::AgentsOnDuty,
        IntervalMetric::Occupancy,
        IntervalMetric::DaysMeetingTarget,
        IntervalMetric::Blocked,
        IntervalMetric::Messages,
        IntervalMetric::Disconnected,
        IntervalMetric::Balked,
        IntervalMetric::Redials,
        IntervalMetric::Repeats,
        IntervalMetric::Callers,
        IntervalMetric::Dials,
        IntervalMetric::LiveContacts,
        IntervalMetric::OutboundAbandoned,
        IntervalMetric::OutboundAbandonRate,
    ];

    /// Number of per-interval metrics.
    pub const COUNT: usize = IntervalMetric::ALL.len();

    /// Position in [`IntervalMetric::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Column and JSON key.
    pub fn name(self) -> &'static str {
        match self {
            IntervalMetric::AgentsOnDuty => "agents_on_duty",
            IntervalMetric::DaysMeetingTarget => "days_meeting_target",
            other => other.metric().map_or("", Metric::name),
        }
    }

    /// The summary metric computed the same way, if any (for formatting and comparison).
    pub fn metric(self) -> Option<Metric> {
        Some(match self {
            IntervalMetric::Offered => Metric::Offered,
            IntervalMetric::Answered => Metric::Answered,
            IntervalMetric::Abandoned => Metric::Abandoned,
            IntervalMetric::ServiceLevel => Metric::ServiceLevel,
            IntervalMetric::AsaS => Metric::AsaS,
            IntervalMetric::AbandonmentRate => Metric::AbandonmentRate,
            IntervalMetric::WaitP90S => Metric::WaitP90S,
            IntervalMetric::Occupancy => Metric::Occupancy,
            IntervalMetric::Blocked => Metric::Blocked,
            IntervalMetric::Messages => Metric::Messages,
            IntervalMetric::Disconnected => Metric::Disconnected,
            IntervalMetric::Balked => Metric::Balked,
            IntervalMetric::Redials => Metric::Redials,
            IntervalMetric::Repeats => Metric::Repeats,
            IntervalMetric::Callers => Metric::Callers,
            IntervalMetric::Dials => Metric::Dials,
            IntervalMetric::LiveContacts => Metric::LiveContacts,
            IntervalMetric::OutboundAbandoned => Metric::OutboundAbandoned,
            IntervalMetric::OutboundAbandonRate => Metric::OutboundAbandonRate,

            IntervalMetric::AgentsOnDuty | IntervalMetric::DaysMeetingTarget => return None,
        })
    }

    /// True for shares between 0 and 1.
    pub fn is_share(self) -> bool {
        self == IntervalMetric::DaysMeetingTarget || self.metric().is_some_and(Metric::is_share)
    }
}

/// One replication's value of every per-interval metric of one scope (NaN where undefined).
pub type IntervalValues = [f64; IntervalMetric::COUNT];

/// One interval of one replication: per call type then total (last), values and answered waits.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalDay {
    /// Per call type in scenario order, then the total.
    pub scopes: Vec<IntervalValues>,
    /// Waits of answered calls, in the order of `scopes`, in compact form: for the pooled p90.
    pub waits: Vec<SparseWaitHistogram>,
}

/// What [`IntervalCollector`] measured in one replication (one day).
#[derive(Debug, Clone, PartialEq)]
pub struct DayResult {
    /// The day's raw counts.
    pub record: DayRecord,
    /// Every interval, in order.
    pub intervals: Vec<IntervalDay>,
}

#[derive(Debug, Clone, Default)]
struct Cell {
    blocked: u64,
    disconnected: u64,
    offered: u64,
    answered: u64,
    abandoned: u64,
    answered_within: u64,
    answered_wait_sum: f64,
    busy: f64,
    waits: WaitHistogram,
}

impl Cell {
    fn absorb(&mut self, other: &Cell) {
        self.blocked += other.blocked;
        self.disconnected += other.disconnected;
        self.offered += other.offered;
        self.answered += other.answered;
        self.abandoned += other.abandoned;
        self.answered_within += other.answered_within;
        self.answered_wait_sum += other.answered_wait_sum;
        self.busy += other.busy;
        self.waits.merge(&other.waits);
    }
}

/// Collects per-interval figures and the day's counts (see the module doc).
#[derive(Debug, Clone)]
pub struct IntervalCollector {
    intervals: Intervals,
    types: usize,
    /// Per call type: its own threshold and target ([`Scenario::answer_within_of`], [`Scenario::target_of`]).
    answer_within: Vec<f64>,
    target: Vec<f64>,
    /// The target the total is held against; `None` when the types' targets differ: then an interval meets the
    /// target when every call type with calls in it meets its own.
    total_target: Option<f64>,
    /// `cells[interval * types + call_type]`.
    cells: Vec<Cell>,
    /// Agents on duty now (from the log-on/off hooks), since `on_duty_since`.
    on_duty: u64,
    on_duty_since: f64,
    /// Agent-seconds on duty per interval, from the hooks.
    on_duty_area: Vec<f64>,
    logged_on: bool,
    /// Agent-seconds on duty per interval from the roster: the fallback.
    roster_area: Vec<f64>,
    day: DayCounter,
    /// Caller-behaviour counts per interval.
    callers: CallerCounter,
    /// Per interval, outbound dials, live contacts and abandoned calls by the instant of the dial; empty without
    /// campaigns.
    outbound: Vec<[u64; 3]>,
}

impl IntervalCollector {
    /// A collector for one replication of `scenario`.
    pub fn new(scenario: &Scenario) -> IntervalCollector {
        let intervals = scenario.day.intervals.clone();
        let types = scenario.call_types.len();
        let roster_area = scenario
            .on_duty_per_interval()
            .iter()
            .zip(intervals.iter())
            .map(|(agents, i)| agents * i.length())
            .collect();
        IntervalCollector {
            types,
            answer_within: (0..types).map(|t| scenario.answer_within_of(t)).collect(),
            target: (0..types).map(|t| scenario.target_of(t)).collect(),
            total_target: (!scenario.targets_differ()).then(|| scenario.common_target()),
            cells: vec![Cell::default(); intervals.len() * types],
            on_duty: 0,
            on_duty_since: 0.0,
            on_duty_area: vec![0.0; intervals.len()],
            logged_on: false,
            roster_area,
            day: DayCounter::new(scenario),
            callers: CallerCounter::per_interval(types, &intervals),
            outbound: if scenario.campaigns.is_empty() {
                Vec::new()
            } else {
                vec![[0; 3]; intervals.len()]
            },
            intervals,
        }
    }

    #[inline]
    fn cell(&mut self, at: SimTime, call_type: CallTypeId) -> Option<&mut Cell> {
        let interval = self.intervals.index_of(at.seconds())?;
        self.cells.get_mut(interval * self.types + call_type.index())
    }

    /// Adds the time on duty at the current level from `on_duty_since` to `now`.
    fn integrate(area: &mut [f64], intervals: &Intervals, level: u64, from: f64, to: f64) {
        if level > 0 {
            intervals.split(from, to, |i, s| area[i] += level as f64 * s);
        }
    }

    fn change_on_duty(&mut self, now: SimTime, up: bool) {
        let now = now.seconds();
        Self::integrate(
            &mut self.on_duty_area,
            &self.intervals,
            self.on_duty,
            self.on_duty_since,
            now,
        );
        self.on_duty_since = now;
        self.on_duty = if up {
            self.on_duty + 1
        } else {
            self.on_duty.saturating_sub(1)
        };
    }

    /// The figures, once the replication has finished.
    pub fn finish(&self) -> DayResult {
        let area = if self.logged_on {
            let mut area = self.on_duty_area.clone();
            let end = self.intervals.horizon();
            Self::integrate(&mut area, &self.intervals, self.on_duty, self.on_duty_since, end);
            area
        } else {
            self.roster_area.clone()
        };
        let intervals = self
            .intervals
            .iter()
            .map(|interval| {
                let cells = &self.cells[interval.index * self.types..(interval.index + 1) * self.types];
                let on_duty = area[interval.index];
                let mut all = Cell::default();
                for c in cells {
                    all.absorb(c);
                }
                let callers = self.callers.bucket(interval.index);
                let all_callers = self.callers.bucket_total(interval.index);
                let mut scopes: Vec<IntervalValues> = cells
                    .iter()
                    .zip(callers)
                    .zip(&self.target)
                    .map(|((c, k), &target)| self.values(c, k, on_duty, interval.length(), target))
                    .collect();
                let meets = IntervalMetric::DaysMeetingTarget.index();
                let total = match self.total_target {
                    Some(target) => self.values(&all, &all_callers, on_duty, interval.length(), target),
                    None => {
                        let mut total = self.values(&all, &all_callers, on_duty, interval.length(), f64::NAN);
                        total[meets] = every_type_meets(scopes.iter().map(|v| v[meets]));
                        total
                    }
                };
                scopes.push(total);
                if let Some(&[dials, live, abandoned]) = self.outbound.get(interval.index) {
                    let total = scopes.last_mut().expect("the total scope");
                    total[IntervalMetric::Dials.index()] = dials as f64;
                    total[IntervalMetric::LiveContacts.index()] = live as f64;
                    total[IntervalMetric::OutboundAbandoned.index()] = abandoned as f64;
                    total[IntervalMetric::OutboundAbandonRate.index()] = if live + abandoned > 0 {
                        abandoned as f64 / (live + abandoned) as f64
                    } else {
                        f64::NAN
                    };
                }
                IntervalDay {
                    scopes,
                    waits: cells
                        .iter()
                        .map(|c| &c.waits)
                        .chain([&all.waits])
                        .map(WaitHistogram::to_sparse)
                        .collect(),
                }
            })
            .collect();
        DayResult {
            record: self.day.finish(),
            intervals,
        }
    }

    fn values(&self, c: &Cell, k: &CallerCounts, on_duty: f64, length: f64, target: f64) -> IntervalValues {
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        let offered = c.offered as f64;
        let service_level = ratio(c.answered_within as f64, offered);
        IntervalMetric::ALL.map(|m| match m {
            IntervalMetric::Offered => offered,
            IntervalMetric::Answered => c.answered as f64,
            IntervalMetric::Abandoned => c.abandoned as f64,
            IntervalMetric::ServiceLevel => service_level,
            IntervalMetric::AsaS => ratio(c.answered_wait_sum, c.answered as f64),
            IntervalMetric::AbandonmentRate => ratio(c.abandoned as f64, offered),
            IntervalMetric::WaitP90S => c.waits.quantile(0.9),
            IntervalMetric::AgentsOnDuty => on_duty / length,
            IntervalMetric::Occupancy => ratio(c.busy, on_duty),
            IntervalMetric::DaysMeetingTarget => {
                if service_level.is_nan() {
                    f64::NAN
                } else if service_level >= target {
                    1.0
                } else {
                    0.0
                }
            }
            IntervalMetric::Blocked => c.blocked as f64,
            IntervalMetric::Messages => k.messages as f64,
            IntervalMetric::Disconnected => c.disconnected as f64,
            IntervalMetric::Balked => k.balked as f64,
            IntervalMetric::Redials => k.redials as f64,
            IntervalMetric::Repeats => k.repeats as f64,
            IntervalMetric::Callers => k.callers as f64,
            // Outbound: the total's, set in `finish`.
            IntervalMetric::Dials
            | IntervalMetric::LiveContacts
            | IntervalMetric::OutboundAbandoned
            | IntervalMetric::OutboundAbandonRate => f64::NAN,
        })
    }
}

impl Observer for IntervalCollector {
    #[inline]
    fn on_arrival(&mut self, now: SimTime, call_type: CallTypeId) {
        self.day.on_arrival(now, call_type);
        if let Some(c) = self.cell(now, call_type) {
            c.offered += 1;
        }
    }

    fn on_blocked(&mut self, now: SimTime, call_type: CallTypeId) {
        self.day.on_blocked(now, call_type);
        if let Some(c) = self.cell(now, call_type) {
            c.blocked += 1;
        }
    }

    #[inline]
    fn on_answer(&mut self, now: SimTime, call_type: CallTypeId, group: GroupId, arrived: SimTime) {
        self.day.on_answer(now, call_type, group, arrived);
        let within = self.answer_within[call_type.index()];
        if let Some(c) = self.cell(arrived, call_type) {
            let wait = now.since(arrived);
            c.answered += 1;
            c.answered_wait_sum += wait;
            if wait <= within {
                c.answered_within += 1;
            }
            c.waits.record(wait);
        }
    }

    fn on_abandon(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        self.day.on_abandon(now, call_type, arrived);
        if let Some(c) = self.cell(arrived, call_type) {
            c.abandoned += 1;
        }
    }

    fn on_balk(&mut self, now: SimTime, call_type: CallTypeId) {
        self.day.on_balk(now, call_type);
        self.callers.on_balk(now, call_type);
        if let Some(c) = self.cell(now, call_type) {
            c.abandoned += 1;
        }
    }

    fn on_disconnect(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        self.day.on_disconnect(now, call_type, arrived);
        if let Some(c) = self.cell(arrived, call_type) {
            c.disconnected += 1;
        }
    }

    fn on_attempt(&mut self, now: SimTime, call_type: CallTypeId, kind: AttemptKind) {
        self.callers.on_attempt(now, call_type, kind);
    }

    fn on_message(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        self.day.on_message(now, call_type, arrived);
        self.callers.on_message(now, call_type, arrived);
    }

    fn on_callback_requested(&mut self, now: SimTime, call_type: CallTypeId, arrived: SimTime) {
        self.day.on_callback_requested(now, call_type, arrived);
        self.callers.on_callback_requested(now, call_type, arrived);
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

    #[inline]
    fn on_agent_released(&mut self, now: SimTime, call_type: CallTypeId, _group: GroupId, busy_since: SimTime) {
        let (types, t) = (self.types, call_type.index());
        let cells = &mut self.cells;
        self.intervals.split(busy_since.seconds(), now.seconds(), |i, s| {
            cells[i * types + t].busy += s
        });
    }

    fn on_chat_released(&mut self, now: SimTime, call_type: CallTypeId, _group: GroupId, started: SimTime, share: f64) {
        let (types, t) = (self.types, call_type.index());
        let cells = &mut self.cells;
        self.intervals.split(started.seconds(), now.seconds(), |i, s| {
            cells[i * types + t].busy += s * share
        });
    }

    fn on_log_on(&mut self, now: SimTime, _group: GroupId) {
        self.logged_on = true;
        self.change_on_duty(now, true);
    }

    fn on_log_off(&mut self, now: SimTime, _group: GroupId, _scheduled: SimTime) {
        self.change_on_duty(now, false);
    }

    fn on_dial(&mut self, now: SimTime, _campaign: usize) {
        if let Some(interval) = self.intervals.index_of(now.seconds()) {
            self.outbound[interval][0] += 1;
        }
    }

    fn on_dial_outcome(&mut self, _now: SimTime, _campaign: usize, outcome: DialOutcome, dialed: SimTime) {
        let column = match outcome {
            DialOutcome::Live => 1,
            DialOutcome::Abandoned => 2,
            _ => return,
        };
        if let Some(interval) = self.intervals.index_of(dialed.seconds()) {
            self.outbound[interval][column] += 1;
        }
    }
}

/// Whether every call type with calls met its own target, from their 0/1 flags (NaN: no calls): 1, 0, or NaN
/// when every flag is NaN.
fn every_type_meets(flags: impl Iterator<Item = f64>) -> f64 {
    let mut any = false;
    for flag in flags.filter(|f| !f.is_nan()) {
        if flag < 1.0 {
            return 0.0;
        }
        any = true;
    }
    if any { 1.0 } else { f64::NAN }
}

/// One interval's estimates across days: per call type then total (last).
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalSummary {
    /// Clock time of its start, e.g. `"08:00"`.
    pub interval_start: String,
    /// Per call type in scenario order, then the total: one [`Estimate`] per [`IntervalMetric`].
    pub scopes: Vec<[Estimate; IntervalMetric::COUNT]>,
}

/// The stationary Erlang figures of one interval taken alone (an approximation: the queue carries over).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalTheory {
    /// Expected calls in the interval, all call types (before busyness).
    pub calls: f64,
    /// Agents on duty by the roster (time-averaged, before absenteeism).
    pub agents_on_duty: f64,
    /// Erlang C / A service level with the whole agents on duty (the mean rounded down); NaN when Erlang C is
    /// unstable (load at or above the agents) or Erlang A's queue is truncated.
    pub erlang_service_level: f64,
    /// The fewest agents meeting the scenario's service-level target in this interval alone (`None`: beyond the
    /// solver's limit).
    pub required_agents: Option<u32>,
}

/// The model [`interval_theory`] uses for `scenario`: Erlang A with the calls-weighted mean patience when every
/// call type has patience, else Erlang C. All call types are pooled into one queue with the calls-weighted mean
/// handle time (plus after-call work).
pub fn interval_model(scenario: &Scenario) -> StaffingModel {
    let calls: Vec<f64> = (0..scenario.call_types.len())
        .map(|t| scenario.calls_per_interval(t).iter().sum())
        .collect();
    let total: f64 = calls.iter().sum();
    if total > 0.0 && scenario.call_types.iter().all(|c| c.patience.is_some()) {
        let patience = scenario
            .call_types
            .iter()
            .zip(&calls)
            .map(|(c, n)| c.patience.as_ref().map_or(0.0, |p| p.mean()) * n)
            .sum::<f64>()
            / total;
        StaffingModel::ErlangA { patience }
    } else {
        StaffingModel::ErlangC
    }
}

/// One interval's pooled traffic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Traffic {
    /// Expected calls in the interval, all call types.
    pub calls: f64,
    /// Calls per second.
    pub rate: f64,
    /// Calls-weighted mean handle time plus after-call work, in seconds (1 when there are no calls).
    pub aht: f64,
}

/// Every interval's pooled traffic, in order: the call types of an interval pooled into one queue (rate =
/// expected calls / interval length, handle time = the calls-weighted mean of handle time plus after-call work).
pub fn traffic(scenario: &Scenario) -> Vec<Traffic> {
    let per_type: Vec<Vec<f64>> = (0..scenario.call_types.len())
        .map(|t| scenario.calls_per_interval(t))
        .collect();
    scenario
        .day
        .intervals
        .iter()
        .map(|interval| {
            let i = interval.index;
            let calls: f64 = per_type.iter().map(|c| c[i]).sum();
            let work: f64 = scenario
                .call_types
                .iter()
                .zip(&per_type)
                .map(|(c, n)| n[i] * (c.service.mean() + c.after_call_work))
                .sum();
            Traffic {
                calls,
                rate: calls / interval.length(),
                aht: if calls > 0.0 { work / calls } else { 1.0 },
            }
        })
        .collect()
}

/// Per interval, the stationary Erlang figures of that interval taken alone (see [`IntervalTheory`]).
///
/// Every call type is answered against its own threshold and target ([`Scenario::answer_within_of`],
/// [`Scenario::target_of`]). When they differ, the pooled queue's service level is the calls-weighted mean of each
/// type's share answered within its own threshold (the pooled wait taken at each threshold), and the agents
/// required are the most any type with calls in the interval needs to meet its own target in that queue.
pub fn interval_theory(scenario: &Scenario) -> Vec<IntervalTheory> {
    if let Some(chat) = chat_interval_theory(scenario) {
        return chat;
    }
    let model = interval_model(scenario);
    let on_duty = scenario.on_duty_per_interval();
    let types = scenario.call_types.len();
    let goals: Vec<(f64, f64)> = (0..types)
        .map(|t| (scenario.target_of(t), scenario.answer_within_of(t)))
        .collect();
    let uniform = goals.iter().all(|g| *g == goals[0]);
    let per_type: Vec<Vec<f64>> = if uniform {
        Vec::new()
    } else {
        (0..types).map(|t| scenario.calls_per_interval(t)).collect()
    };
    traffic(scenario)
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let agents = (on_duty[i] + 1e-9).floor() as u32;
            let level =
                |within: f64| evaluate(model, agents, t.rate, t.aht, within).map_or(f64::NAN, |l| l.service_level);
            let required = |(target, within): (f64, f64)| {
                let targets = Targets {
                    service_level: Some((target, within)),
                    ..Targets::default()
                };
                required_agents(model, t.rate, t.aht, &targets)
            };
            let (erlang_service_level, required_agents) = if uniform {
                let sl = if t.calls == 0.0 { f64::NAN } else { level(goals[0].1) };
                (sl, required(goals[0]))
            } else {
                let with_calls: Vec<usize> = (0..types).filter(|&c| per_type[c][i] > 0.0).collect();
                let sl = if t.calls == 0.0 {
                    f64::NAN
                } else {
                    with_calls
                        .iter()
                        .map(|&c| per_type[c][i] * level(goals[c].1))
                        .sum::<f64>()
                        / t.calls
                };
                let needed = if with_calls.is_empty() {
                    required(goals[0])
                } else {
                    with_calls
                        .iter()
                        .map(|&c| required(goals[c]))
                        .try_fold(0u32, |most, r| r.map(|r| most.max(r)))
                };
                (sl, needed)
            };
            IntervalTheory {
                calls: t.calls,
                agents_on_duty: on_duty[i],
                erlang_service_level,
                required_agents,
            }
        })
        .collect()
}

/// A single chat type answered by groups of one concurrency above 1: its handle times (cut to the concurrency) and
/// mean patience (infinite without).
pub(crate) fn chat_team(scenario: &Scenario) -> Option<(Vec<f64>, f64)> {
    let [call_type] = scenario.call_types.as_slice() else {
        return None;
    };
    let chat = call_type.chat.as_ref()?;
    let mut answering = scenario.agent_groups.iter().filter(|g| !g.skills.is_empty());
    let concurrency = answering.next()?.concurrency;
    if concurrency < 2 || answering.any(|g| g.concurrency != concurrency) {
        return None;
    }
    let patience = call_type.patience.as_ref().map_or(f64::INFINITY, |p| p.mean());
    Some((chat.handle_times[..concurrency as usize].to_vec(), patience))
}

/// [`interval_theory`] for a chat team ([`chat_team`]): each interval alone as the pooled chat chain
/// ([`crate::erlang::chat::chat_pooled`]), agents required by a search up from one.
fn chat_interval_theory(scenario: &Scenario) -> Option<Vec<IntervalTheory>> {
    use crate::erlang::chat::{ChatModel, chat_pooled};
    let (handle_times, patience) = chat_team(scenario)?;
    let (target, within) = (scenario.target_of(0), scenario.answer_within_of(0));
    let on_duty = scenario.on_duty_per_interval();
    let level = |agents: u32, rate: f64| {
        let model = ChatModel {
            agents,
            chats_per_second: rate,
            handle_times: handle_times.clone(),
            patience,
        };
        chat_pooled(&model).map_or(f64::NAN, |c| c.service_level(within))
    };
    let calls = scenario.calls_per_interval(0);
    Some(
        scenario
            .day
            .intervals
            .iter()
            .map(|interval| {
                let i = interval.index;
                let rate = calls[i] / interval.length();
                let agents = (on_duty[i] + 1e-9).floor() as u32;
                let sl = if calls[i] == 0.0 || agents == 0 {
                    f64::NAN
                } else {
                    level(agents, rate)
                };
                // Four times the agents whose slots carry the load, plus 100: a target not met there is not met.
                let slots = handle_times.len() as f64;
                let limit = (4.0 * rate * handle_times[handle_times.len() - 1] / slots).ceil() as u32 + 100;
                let required = (1..=limit).find(|&n| level(n, rate) >= target);
                IntervalTheory {
                    calls: calls[i],
                    agents_on_duty: on_duty[i],
                    erlang_service_level: sl,
                    required_agents: if calls[i] == 0.0 { Some(0) } else { required },
                }
            })
            .collect(),
    )
}

/// Everything per interval and per day across replications.
#[derive(Debug, Clone, PartialEq)]
pub struct DayResults {
    /// Per interval, in order.
    pub intervals: Vec<IntervalSummary>,
    /// Per interval, the stationary Erlang approximation.
    pub theory: Vec<IntervalTheory>,
    /// The model of [`DayResults::theory`], e.g. `"Erlang C"`.
    pub theory_model: String,
    /// The share of days whose service level (all call types) met the target: the mean of a 0/1 per day with its
    /// Student-t interval, clipped to `[0, 1]`; days without offered calls are left out. When the call types'
    /// targets differ ([`Scenario::targets_differ`]), a day meets the target when every call type with calls
    /// that day met its own.
    pub days_meeting_target: Estimate,
    /// The share of (interval, day) pairs in which the interval met the target: per day the share of its
    /// intervals with calls that met it, averaged over days (with differing targets, an interval meets it when
    /// every call type with calls in it met its own).
    pub intervals_meeting_target: Estimate,
    /// Per call type: the share of days whose service level of that type met the type's own target.
    pub call_type_days_meeting_target: Vec<Estimate>,
    /// Per call type: the share of (interval, day) pairs in which that type met its own target.
    pub call_type_intervals_meeting_target: Vec<Estimate>,
    /// Per replication: its counts and its metrics per call type then total (the standard collector's values,
    /// service-level variants filled in).
    pub days: Vec<(DayRecord, Vec<MetricValues>)>,
}

impl DayResults {
    /// Combines per-replication results in replication order. `metrics[r]` are replication `r`'s figures per
    /// call type then total.
    pub fn from_days(scenario: &Scenario, days: Vec<DayResult>, metrics: Vec<Vec<MetricValues>>) -> DayResults {
        let scopes = scenario.call_types.len() + 1;
        let intervals = scenario
            .day
            .intervals
            .iter()
            .map(|interval| {
                let i = interval.index;
                let scopes = (0..scopes)
                    .map(|s| {
                        let mut estimates: [Estimate; IntervalMetric::COUNT] = std::array::from_fn(|m| {
                            Estimate::from_samples(days.iter().map(|d| d.intervals[i].scopes[s][m]))
                        });
                        // Dense again one interval and scope at a time: memory for one set of days.
                        let waits: Vec<WaitHistogram> =
                            days.iter().map(|d| d.intervals[i].waits[s].to_dense()).collect();
                        let waits: Vec<&WaitHistogram> = waits.iter().collect();
                        estimates[IntervalMetric::WaitP90S.index()] = pooled_quantile(&waits, 0.9);
                        for m in IntervalMetric::ALL {
                            let e = &mut estimates[m.index()];
                            *e = if m.is_share() {
                                e.bounded(0.0, 1.0)
                            } else {
                                e.bounded(0.0, f64::INFINITY)
                            };
                        }
                        estimates
                    })
                    .collect();
                IntervalSummary {
                    interval_start: scenario.day.intervals.label(i),
                    scopes,
                }
            })
            .collect();
        let types = scenario.call_types.len();
        let flag = |sl: f64, target: f64| {
            if sl.is_nan() {
                f64::NAN
            } else {
                f64::from(u8::from(sl >= target))
            }
        };
        let type_targets: Vec<f64> = (0..types).map(|t| scenario.target_of(t)).collect();
        let total_target = (!scenario.targets_differ()).then(|| scenario.common_target());
        let day_meets = |d: &DayResult| match total_target {
            Some(target) => flag(d.record.total.service_level(), target),
            None => every_type_meets(
                d.record
                    .call_types
                    .iter()
                    .zip(&type_targets)
                    .map(|(c, &target)| flag(c.service_level(), target)),
            ),
        };
        let days_meeting_target = Estimate::from_samples(days.iter().map(day_meets)).bounded(0.0, 1.0);
        let call_type_days_meeting_target = (0..types)
            .map(|t| {
                Estimate::from_samples(
                    days.iter()
                        .map(|d| flag(d.record.call_types[t].service_level(), type_targets[t])),
                )
                .bounded(0.0, 1.0)
            })
            .collect();
        let meets = IntervalMetric::DaysMeetingTarget.index();
        let share_of_intervals = |scope: usize| {
            Estimate::from_samples(days.iter().map(|d| {
                let flags: Vec<f64> = d
                    .intervals
                    .iter()
                    .map(|i| i.scopes[scope][meets])
                    .filter(|v| !v.is_nan())
                    .collect();
                if flags.is_empty() {
                    f64::NAN
                } else {
                    flags.iter().sum::<f64>() / flags.len() as f64
                }
            }))
            .bounded(0.0, 1.0)
        };
        let intervals_meeting_target = share_of_intervals(scopes - 1);
        let call_type_intervals_meeting_target = (0..types).map(share_of_intervals).collect();
        let model = match interval_model(scenario) {
            _ if chat_team(scenario).is_some() => "chat chain".to_string(),
            StaffingModel::ErlangC => "Erlang C".to_string(),
            StaffingModel::ErlangA { .. } => "Erlang A".to_string(),
        };
        DayResults {
            intervals,
            theory: interval_theory(scenario),
            theory_model: model,
            days_meeting_target,
            intervals_meeting_target,
            call_type_days_meeting_target,
            call_type_intervals_meeting_target,
            days: days.into_iter().map(|d| d.record).zip(metrics).collect(),
        }
    }

    /// Each day's service level (all call types), in replication order (NaN for a day without calls).
    pub fn daily_service_levels(&self) -> Vec<f64> {
        self.days.iter().map(|(r, _)| r.total.service_level()).collect()
    }
}
