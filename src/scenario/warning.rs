//! Odd but legal situations in a valid scenario, returned beside the results and never printed by the library.

/// An odd but legal situation, reported beside the results.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// Offered load reaches the agents' capacity and some callers never hang up: queues grow all day.
    Overloaded {
        /// Offered load in erlangs (talk plus after-call work).
        load: f64,
        /// Agents able to take the calls.
        agents: u32,
    },
    /// The center starts empty, no warm-up (or too short a one) is deleted and the measured time is short against
    /// the time the queue needs to settle, so the figures are optimistic (see [`settling`](super::settling) for the rule).
    EmptyStart {
        /// The relaxation time in seconds.
        relaxation: f64,
        /// The horizon in seconds.
        horizon: f64,
        /// The warm-up in seconds (0 when none).
        warmup: f64,
        /// The warm-up to set, in seconds.
        suggested_warmup: f64,
    },
    /// In a day whose demand or staffing varies, an interval's offered load reaches its agents on duty and some
    /// callers never hang up: the queue grows through that interval and carries over into the next.
    IntervalOverloaded {
        /// The interval's clock label (its start, `"HH:MM"`).
        interval: String,
        /// Offered load in erlangs in that interval.
        load: f64,
        /// Agents on duty in that interval (time-averaged).
        agents: f64,
    },
    /// Fewer trunk lines than agents: some agents can never take a call.
    IdleAgents {
        /// Trunk lines.
        lines: u32,
        /// Agents across all groups.
        agents: u32,
    },
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::time::format_duration;
        match self {
            Warning::Overloaded { load, agents } => write!(
                f,
                "offered load {load:.1} erlangs is at or above the {agents} agents' capacity and some callers never \
                 hang up: queues grow through the day and results depend on its length"
            ),
            Warning::EmptyStart {
                relaxation,
                horizon,
                warmup,
                suggested_warmup,
            } => {
                let start = if *warmup == 0.0 {
                    "with no warm-up".to_string()
                } else {
                    format!("with a warm-up of only {}", format_duration(*warmup))
                };
                write!(
                    f,
                    "the run starts from an empty center {start} and settles with a relaxation time of about {}, long \
                     against the {} it measures: service level is optimistic and occupancy low; set [horizon] warmup \
                     = \"{}\" (or longer) to measure the steady state",
                    format_duration(*relaxation),
                    format_duration(horizon - warmup),
                    whole_minutes_text(*suggested_warmup)
                )
            }
            Warning::IntervalOverloaded { interval, load, agents } => write!(
                f,
                "in the interval at {interval} the offered load {load:.1} erlangs is at or above the {agents:.1} agents \
                 on duty and some callers never hang up: the queue grows through it and carries over into the next"
            ),
            Warning::IdleAgents { lines, agents } => write!(
                f,
                "lines = {lines} but there are {agents} agents: at most {lines} calls are in the system at once, so \
                 {} agents can never work; raise lines or remove agents",
                agents - lines
            ),
        }
    }
}

/// A whole number of minutes as a scenario duration: `"20m"`, `"1h"`, `"10h30m"`.
fn whole_minutes_text(seconds: f64) -> String {
    let minutes = (seconds / 60.0).round() as u64;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m}m"),
    }
}
