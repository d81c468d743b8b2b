//! The metrics reported per call type and in total, with their names (CSV columns and JSON keys) and
//! definitions. This list is the one source of the column order everywhere.

/// A per-call-type (or total) metric of one replication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// Counted calls that got a line (arrived after the warm-up and were not blocked).
    Offered,
    /// Offered calls answered by an agent.
    Answered,
    /// Offered calls whose caller hung up while waiting.
    Abandoned,
    /// Arrivals refused because every trunk line was busy.
    Blocked,
    /// Offered calls answered within `answer_within`, divided by offered calls. Each call type uses its own
    /// threshold (`[[call_types]] service_level`); the total counts each call against its own type's.
    ServiceLevel,
    /// Share of offered calls not answered at once (they waited, or abandoned).
    PWait,
    /// Average speed of answer: mean wait of answered calls, in seconds.
    AsaS,
    /// Mean wait of all offered calls, in seconds (abandoned calls count their time until hanging up).
    MeanWaitS,
    /// Abandoned calls divided by offered calls.
    AbandonmentRate,
    /// Blocked arrivals divided by all arrivals (offered plus blocked).
    BlockingRate,
    /// Mean time to abandon of abandoned calls, in seconds.
    MeanTimeToAbandonS,
    /// Median wait of answered calls, in seconds. Across replications the percentiles are pooled, not averaged
    /// (see [`crate::stats::histogram::pooled_quantile`]).
    WaitP50S,
    /// 80th percentile of the wait of answered calls, in seconds.
    WaitP80S,
    /// 90th percentile of the wait of answered calls, in seconds.
    WaitP90S,
    /// 95th percentile of the wait of answered calls, in seconds.
    WaitP95S,
    /// 99th percentile of the wait of answered calls, in seconds.
    WaitP99S,
    /// Time-averaged number of calls on hold over the measured window.
    MeanQueueLength,
    /// Largest number of calls on hold at once during the measured window.
    MaxQueueLength,
    /// Share of staffed agent time spent on these calls (talk plus after-call work).
    Occupancy,
    /// Calls answered within `answer_within`, divided by **answered** calls: the service of those who got through
    /// (abandoned and disconnected callers left out of both sides).
    ServiceLevelOfAnswered,
    /// Calls answered within `answer_within`, divided by offered calls less short abandons (callers who hung up,
    /// or balked, after waiting less than `[service_level] short_abandon`, default
    /// [`crate::stats::day::SHORT_ABANDON_S`]): a caller who gives up in the first seconds is not held against the
    /// center.
    ServiceLevelShortAbandonsExcluded,
    /// Calls answered within `answer_within` plus calls abandoned within it (balked callers included), divided by
    /// offered calls: a caller who gives up before the threshold counts as served in time.
    ServiceLevelAbandonsWithinCounted,
    /// Offered calls whose caller left a message at the call type's `max_wait`.
    Messages,
    /// Offered calls disconnected: at the call type's `max_wait` (`action = "disconnect"`), or still waiting at closing (`at_close = "clear"`, or nobody left to answer).
    Disconnected,
    /// Offered calls whose caller hung up at once on finding every agent busy (`balk`) or on hearing the announced wait (`announce_wait`); counted in `abandoned` too.
    Balked,
    /// Attempts that were redials of a caller whose earlier attempt failed (abandoned, blocked or disconnected); counted in `offered` or `blocked` like any attempt.
    Redials,
    /// Attempts that were repeat calls: an earlier answered call did not resolve the caller's question (`resolution`).
    Repeats,
    /// People, not attempts: callers whose first call arrived in the measured window, counted once however often they called.
    Callers,
    /// Attempts per caller (first calls, redials and repeat calls).
    AttemptsPerCaller,
    /// Share of callers served in the end: their last attempt was answered (or they were called back).
    CallersAnswered,
    /// Share of callers never served: they gave up without redialling, left a message, or were not called back by closing.
    CallersLost,
    /// Mean wait per caller summed over all their attempts, in seconds.
    CallerWaitS,
    /// Offered calls whose caller hung up at `max_wait` to be called back.
    Callbacks,
    /// Callbacks an agent made.
    CallbacksMade,
    /// Mean time from hanging up to being called back, in seconds.
    CallbackDelayS,
    /// Offered calls moved to another call type's line at their `max_wait` (counted under the type they were offered as).
    Overflowed,
    /// Share of served calls of types with `resolution` that resolved the caller's question (NaN for types without).
    FirstContactResolution,
    /// Repeat calls divided by offered calls.
    RepeatShare,
    /// Supervisor consults asked during answered calls of this type (counted when the senior starts them).
    Consults,
    /// Mean wait of a consult for a free senior, in seconds (the caller and the operator wait on the line).
    ConsultWaitS,
    /// Mean time an agent spends per call handled: talk (consults included) plus after-call work, in seconds.
    HandleTimeS,
    /// Answered calls of this type handed to another type's queue (`transfer`).
    Transferred,
    /// Transferred calls divided by answered calls.
    TransferRate,
    /// Of the transferred legs offered to this type, the share answered within `answer_within` of joining its queue.
    TransferServiceLevel,
    /// Outbound (issue 12): dials placed by the campaigns (dialled in the measured window). Campaign metrics are kept in the total only.
    Dials,
    /// Dials a person answered who talked to an agent.
    LiveContacts,
    /// Dials a person answered but no agent took within two seconds: the dialer hung up (a silent call).
    OutboundAbandoned,
    /// Abandoned outbound calls divided by live answers (live contacts plus abandoned): the regulatory figure, over the day.
    OutboundAbandonRate,
    /// The largest abandon rate of any window of `dialing.window` (dials counted in the window they were dialled in; windows without a live answer left out).
    MaxWindowAbandonRate,
    /// Live contacts per hour of the campaigns' hours (inside the measured window).
    ContactsPerHour,
    /// Live contacts per agent-hour of outbound work (preview, waiting for answers, talk and after-call work).
    ContactsPerAgentHour,
    /// Seconds agents spent previewing and waiting for dials to be answered, per live contact: the idle time between outbound calls.
    AgentWaitPerContactS,
    /// Dials an answering machine answered (detected or not).
    Machines,
    /// Live contacts of sales campaigns that bought.
    Conversions,
    /// Share of the contact lists' records dialled at least once (undefined for an endless list).
    ListPenetration,
    /// Share of the contact lists' records finished: a person reached, attempts used up, or not to be retried.
    ListCompletion,
    /// Pacing decisions of the predictive dialer at which the abandon cap held back dials it wanted (0: the cap never bound).
    CapHolds,
}

impl Metric {
    /// Every metric, in report order.
    pub const ALL: [Metric; 57] = [
        Metric::Offered,
        Metric::Answered,
        Metric::Abandoned,
        Metric::Blocked,
        Metric::ServiceLevel,
        Metric::PWait,
        Metric::AsaS,
        Metric::MeanWaitS,
        Metric::AbandonmentRate,
        Metric::BlockingRate,
        Metric::MeanTimeToAbandonS,
        Metric::WaitP50S,
        Metric::WaitP80S,
        Metric::WaitP90S,
        Metric::WaitP95S,
        Metric::WaitP99S,
        Metric::MeanQueueLength,
        Metric::MaxQueueLength,
        Metric::Occupancy,
        Metric::ServiceLevelOfAnswered,
        Metric::ServiceLevelShortAbandonsExcluded,
        Metric::ServiceLevelAbandonsWithinCounted,
        Metric::Messages,
        Metric::Disconnected,
        Metric::Balked,
        Metric::Redials,
        Metric::Repeats,
        Metric::Callers,
        Metric::AttemptsPerCaller,
        Metric::CallersAnswered,
        Metric::CallersLost,
        Metric::CallerWaitS,
        Metric::Callbacks,
        Metric::CallbacksMade,
        Metric::CallbackDelayS,
        Metric::Overflowed,
        Metric::FirstContactResolution,
        Metric::RepeatShare,
        Metric::Consults,
        Metric::ConsultWaitS,
        Metric::HandleTimeS,
        Metric::Transferred,
        Metric::TransferRate,
        Metric::TransferServiceLevel,
        Metric::Dials,
        Metric::LiveContacts,
        Metric::OutboundAbandoned,
        Metric::OutboundAbandonRate,
        Metric::MaxWindowAbandonRate,
        Metric::ContactsPerHour,
        Metric::ContactsPerAgentHour,
        Metric::AgentWaitPerContactS,
        Metric::Machines,
        Metric::Conversions,
        Metric::ListPenetration,
        Metric::ListCompletion,
        Metric::CapHolds,
    ];

    /// Number of metrics.
    pub const COUNT: usize = Metric::ALL.len();

    /// Column and JSON key, with the unit in the name where there is one.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Offered => "offered",
            Metric::Answered => "answered",
            Metric::Abandoned => "abandoned",
            Metric::Blocked => "blocked",
            Metric::ServiceLevel => "service_level",
            Metric::PWait => "p_wait",
            Metric::AsaS => "asa_s",
            Metric::MeanWaitS => "mean_wait_s",
            Metric::AbandonmentRate => "abandonment_rate",
            Metric::BlockingRate => "blocking_rate",
            Metric::MeanTimeToAbandonS => "mean_time_to_abandon_s",
            Metric::WaitP50S => "wait_p50_s",
            Metric::WaitP80S => "wait_p80_s",
            Metric::WaitP90S => "wait_p90_s",
            Metric::WaitP95S => "wait_p95_s",
            Metric::WaitP99S => "wait_p99_s",
            Metric::MeanQueueLength => "mean_queue_length",
            Metric::MaxQueueLength => "max_queue_length",
            Metric::Occupancy => "occupancy",
            Metric::ServiceLevelOfAnswered => "service_level_of_answered",
            Metric::ServiceLevelShortAbandonsExcluded => "service_level_short_abandons_excluded",
            Metric::ServiceLevelAbandonsWithinCounted => "service_level_abandons_within_counted",
            Metric::Messages => "messages",
            Metric::Disconnected => "disconnected",
            Metric::Balked => "balked",
            Metric::Redials => "redials",
            Metric::Repeats => "repeats",
            Metric::Callers => "callers",
            Metric::AttemptsPerCaller => "attempts_per_caller",
            Metric::CallersAnswered => "callers_answered",
            Metric::CallersLost => "callers_lost",
            Metric::CallerWaitS => "caller_wait_s",
            Metric::Callbacks => "callbacks",
            Metric::CallbacksMade => "callbacks_made",
            Metric::CallbackDelayS => "callback_delay_s",
            Metric::Overflowed => "overflowed",
            Metric::FirstContactResolution => "first_contact_resolution",
            Metric::RepeatShare => "repeat_share",
            Metric::Consults => "consults",
            Metric::ConsultWaitS => "consult_wait_s",
            Metric::HandleTimeS => "handle_time_s",
            Metric::Transferred => "transferred",
            Metric::TransferRate => "transfer_rate",
            Metric::TransferServiceLevel => "transfer_service_level",
            Metric::Dials => "dials",
            Metric::LiveContacts => "live_contacts",
            Metric::OutboundAbandoned => "outbound_abandoned",
            Metric::OutboundAbandonRate => "outbound_abandon_rate",
            Metric::MaxWindowAbandonRate => "max_window_abandon_rate",
            Metric::ContactsPerHour => "contacts_per_hour",
            Metric::ContactsPerAgentHour => "contacts_per_agent_hour",
            Metric::AgentWaitPerContactS => "agent_wait_per_contact_s",
            Metric::Machines => "machines",
            Metric::Conversions => "conversions",
            Metric::ListPenetration => "list_penetration",
            Metric::ListCompletion => "list_completion",
            Metric::CapHolds => "cap_holds",
        }
    }

    /// The metric with this name.
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Position in [`Metric::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// True for shares between 0 and 1 (shown as percentages in tables).
    pub fn is_share(self) -> bool {
        matches!(
            self,
            Metric::ServiceLevel
                | Metric::PWait
                | Metric::AbandonmentRate
                | Metric::BlockingRate
                | Metric::Occupancy
                | Metric::ServiceLevelOfAnswered
                | Metric::ServiceLevelShortAbandonsExcluded
                | Metric::ServiceLevelAbandonsWithinCounted
                | Metric::CallersAnswered
                | Metric::CallersLost
                | Metric::FirstContactResolution
                | Metric::RepeatShare
                | Metric::TransferRate
                | Metric::TransferServiceLevel
                | Metric::OutboundAbandonRate
                | Metric::MaxWindowAbandonRate
                | Metric::ListPenetration
                | Metric::ListCompletion
        )
    }

    /// The values the metric can take, `(min, max)`: shares lie in `[0, 1]`, everything else is at least 0.
    /// Confidence intervals are clipped to it ([`crate::stats::Estimate::bounded`]).
    pub fn range(self) -> (f64, f64) {
        if self.is_share() {
            (0.0, 1.0)
        } else {
            (0.0, f64::INFINITY)
        }
    }

    /// The wait percentiles, with their level: `(WaitP50S, 0.50)` ... `(WaitP99S, 0.99)`.
    pub const PERCENTILES: [(Metric, f64); 5] = [
        (Metric::WaitP50S, 0.50),
        (Metric::WaitP80S, 0.80),
        (Metric::WaitP90S, 0.90),
        (Metric::WaitP95S, 0.95),
        (Metric::WaitP99S, 0.99),
    ];

    /// The level of a wait percentile metric (0.9 for `wait_p90_s`), `None` for other metrics.
    pub fn percentile(self) -> Option<f64> {
        Metric::PERCENTILES.iter().find(|(m, _)| *m == self).map(|(_, p)| *p)
    }

    /// True for the metrics of caller behaviour (issue 10: `messages` to `repeat_share`: redials, repeat calls,
    /// callbacks, callers). Tables leave them out for a scenario without any such behaviour (CSV and JSON always
    /// have them).
    pub fn is_caller_behaviour(self) -> bool {
        (Metric::Messages.index()..=Metric::RepeatShare.index()).contains(&self.index())
    }

    /// True for the metrics of the operator's workflow (`consults`, `consult_wait_s`, `handle_time_s`,
    /// `transferred`, `transfer_rate`, `transfer_service_level`): tables show them for scenarios with consults or
    /// transfers only (CSV and JSON always have them).
    pub fn is_consult(self) -> bool {
        (Metric::Consults.index()..=Metric::TransferServiceLevel.index()).contains(&self.index())
    }

    /// True for the metrics of outbound campaigns (issue 12: `dials` to `cap_holds`), kept in the total
    /// only: tables show them for scenarios with campaigns only (CSV and JSON always have them).
    pub fn is_campaign(self) -> bool {
        self.index() >= Metric::Dials.index()
    }

    /// True for durations in seconds.
    pub fn is_seconds(self) -> bool {
        self.name().ends_with("_s")
    }

    /// Axis label with unit, for plots.
    pub fn label(self) -> &'static str {
        match self {
            Metric::Offered => "offered calls",
            Metric::Answered => "answered calls",
            Metric::Abandoned => "abandoned calls",
            Metric::Blocked => "blocked calls",
            Metric::ServiceLevel => "service level (share answered in time)",
            Metric::PWait => "P(wait)",
            Metric::AsaS => "ASA (s)",
            Metric::MeanWaitS => "mean wait of all calls (s)",
            Metric::AbandonmentRate => "abandonment rate",
            Metric::BlockingRate => "blocking rate",
            Metric::MeanTimeToAbandonS => "mean time to abandon (s)",
            Metric::WaitP50S => "median wait (s)",
            Metric::WaitP80S => "80th percentile wait (s)",
            Metric::WaitP90S => "90th percentile wait (s)",
            Metric::WaitP95S => "95th percentile wait (s)",
            Metric::WaitP99S => "99th percentile wait (s)",
            Metric::MeanQueueLength => "mean calls on hold",
            Metric::MaxQueueLength => "max calls on hold",
            Metric::Occupancy => "occupancy",
            Metric::ServiceLevelOfAnswered => "service level of answered calls",
            Metric::ServiceLevelShortAbandonsExcluded => "service level, short abandons excluded",
            Metric::ServiceLevelAbandonsWithinCounted => "service level, abandons within T counted",
            Metric::Messages => "messages left",
            Metric::Disconnected => "disconnected calls",
            Metric::Balked => "balked calls",
            Metric::Redials => "redials",
            Metric::Repeats => "repeat calls",
            Metric::Callers => "callers (people)",
            Metric::AttemptsPerCaller => "attempts per caller",
            Metric::CallersAnswered => "share of callers served",
            Metric::CallersLost => "share of callers lost",
            Metric::CallerWaitS => "wait per caller over all attempts (s)",
            Metric::Callbacks => "callbacks requested",
            Metric::CallbacksMade => "callbacks made",
            Metric::CallbackDelayS => "callback delay (s)",
            Metric::Overflowed => "overflowed calls",
            Metric::FirstContactResolution => "first-contact resolution",
            Metric::RepeatShare => "share of offered calls that are repeats",
            Metric::Consults => "consults",
            Metric::ConsultWaitS => "consult wait (s)",
            Metric::HandleTimeS => "handle time per call (s)",
            Metric::Transferred => "transferred calls",
            Metric::TransferRate => "transfer rate",
            Metric::TransferServiceLevel => "service level of transferred calls",
            Metric::Dials => "outbound dials",
            Metric::LiveContacts => "live contacts",
            Metric::OutboundAbandoned => "abandoned outbound calls",
            Metric::OutboundAbandonRate => "outbound abandon rate",
            Metric::MaxWindowAbandonRate => "worst window's abandon rate",
            Metric::ContactsPerHour => "live contacts per hour",
            Metric::ContactsPerAgentHour => "live contacts per agent-hour",
            Metric::AgentWaitPerContactS => "agent wait per live contact (s)",
            Metric::Machines => "answering machines",
            Metric::Conversions => "sales",
            Metric::ListPenetration => "list penetration",
            Metric::ListCompletion => "list completion",
            Metric::CapHolds => "pacing decisions held back by the abandon cap",
        }
    }
}

/// One replication's value of every metric (NaN where undefined, e.g. ASA with no answered call).
pub type MetricValues = [f64; Metric::COUNT];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_in_declaration_order() {
        for (i, m) in Metric::ALL.iter().enumerate() {
            assert_eq!(m.index(), i);
            assert_eq!(Metric::from_name(m.name()), Some(*m));
        }
    }
}
