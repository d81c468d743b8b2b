//! Rosters: which agent of a group is on duty when, built from shifts with breaks or from a per-interval count.
//!
//! This module owns [`Roster`] (each agent's on-duty spans in seconds since opening), its per-interval on-duty
//! figures, the sorted log-on/log-off [`Change`]s the engine turns into events (driving `Router::on_log_on` and
//! `Router::on_log_off`; an agent on a call when logged off finishes it, then leaves, which the router already
//! does), and absenteeism (which rostered agents stay home for the whole day). It knows nothing of the router or
//! the engine; agents are numbered from 0 within the group.
//!
//! Conventions the engine relies on:
//! - Spans are half-open `[start, end)`, sorted, disjoint and not touching (adjacent spans are merged), within
//!   `[0, horizon]`.
//! - Who is on duty at `t = 0` is [`Roster::on_at_opening`]; [`Roster::changes`] lists only changes strictly after
//!   opening and strictly before closing: agents on duty at closing stay (with `at_close = "finish"` they answer
//!   everyone still waiting), so a span ending at the horizon produces no log-off.
//! - With a per-interval `count`, agents `0..count[i]` are on duty in interval `i`: a drop in staffing logs off the
//!   highest-numbered agents, a rise logs on the lowest-numbered free ones, so agent 0 works the longest.
//! - With shifts, agents are numbered shift by shift in the order written (`count` agents per shift).

use rand::{Rng, RngExt};
use serde::Deserialize;

use crate::day::intervals::Intervals;
use crate::error::{Error, Result};
use crate::limits::MAX_AGENTS;
use crate::time::{format_duration, parse_duration};

/// A break within a shift, as written in a scenario: `{ start = "10:00", length = "15m" }`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakSpec {
    /// Clock time the break starts (`"HH:MM"`, see [`DayClock::offset_of`](crate::day::DayClock::offset_of)).
    pub start: String,
    /// How long it lasts, a duration such as `"15m"`.
    pub length: String,
}

/// A shift, as written in a scenario: `{ start = "08:00", length = "8h30m", count = 5, breaks = [...] }`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftSpec {
    /// Clock time the shift starts (`"HH:MM"`).
    pub start: String,
    /// How long it lasts from its start, breaks included, a duration such as `"8h30m"`.
    pub length: String,
    /// How many agents work this shift (at least 1).
    pub count: u32,
    /// Breaks every agent of the shift takes, not overlapping, each within the shift.
    #[serde(default)]
    pub breaks: Vec<BreakSpec>,
}

/// A time an agent is on duty: `[start, end)` in seconds since opening.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    /// Seconds since opening, inclusive.
    pub start: f64,
    /// Seconds since opening, exclusive.
    pub end: f64,
}

/// Whether an agent logs on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// The agent goes off duty (`Router::on_log_off`): after the call in hand, if any.
    LogOff,
    /// The agent comes on duty free (`Router::on_log_on`).
    LogOn,
}

/// One log-on or log-off of one agent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    /// Seconds since opening.
    pub time: f64,
    /// The agent, numbered from 0 within the group.
    pub agent: u32,
    /// On or off.
    pub kind: ChangeKind,
}

/// Each agent's on-duty spans through one day (see the module doc for the conventions).
#[derive(Debug, Clone, PartialEq)]
pub struct Roster {
    spans: Vec<Vec<Span>>,
    horizon: f64,
}

impl Roster {
    /// The roster of a group working `shifts` during the day `intervals`. `field` names the shift list in errors
    /// (e.g. `agent_groups[agents].shifts`), which name `file`, the shift and break, the value and what is allowed:
    /// a shift must lie within the day (start at or after opening, end by closing), each break within its shift,
    /// breaks must not overlap, `count` must be at least 1 and all shifts together at most `MAX_AGENTS` agents.
    pub fn from_shifts(file: &str, field: &str, shifts: &[ShiftSpec], intervals: &Intervals) -> Result<Roster> {
        let clock = intervals.clock();
        let horizon = intervals.horizon();
        let fail = |at: String, message: String| Error::scenario(file, format!("{at}: {message}"));
        let day = format!("{} to {}", clock.label(0.0), clock.label(horizon));
        if shifts.is_empty() {
            return Err(fail(field.to_string(), "must list at least one shift".into()));
        }
        let mut spans = Vec::new();
        for (i, shift) in shifts.iter().enumerate() {
            let at = format!("{field}[{i}]");
            if shift.count == 0 || shift.count > MAX_AGENTS {
                return Err(fail(
                    format!("{at}.count"),
                    format!("must be from 1 to {MAX_AGENTS} agents, got {}", shift.count),
                ));
            }
            let start = clock.offset_of(file, &format!("{at}.start"), &shift.start)?;
            let length = parse_duration(&shift.length).map_err(|m| fail(format!("{at}.length"), m))?;
            if length <= 0.0 {
                return Err(fail(
                    format!("{at}.length"),
                    format!("must be longer than 0s, got \"{}\"", shift.length),
                ));
            }
            let end = start + length;
            if end > horizon {
                return Err(fail(
                    at,
                    format!(
                        "the shift from {} lasting {} is outside the day, which runs from {day}; a shift starts at or \
                         after opening and ends by closing",
                        shift.start,
                        format_duration(length)
                    ),
                ));
            }
            let mut on_duty = Vec::with_capacity(shift.breaks.len() + 1);
            let mut from = start;
            let mut previous: Option<(usize, f64)> = None;
            let mut breaks = Vec::with_capacity(shift.breaks.len());
            for (j, pause) in shift.breaks.iter().enumerate() {
                let at = format!("{at}.breaks[{j}]");
                let pause_start = clock.offset_of(file, &format!("{at}.start"), &pause.start)?;
                let pause_length = parse_duration(&pause.length).map_err(|m| fail(format!("{at}.length"), m))?;
                if pause_length <= 0.0 {
                    return Err(fail(
                        format!("{at}.length"),
                        format!("must be longer than 0s, got \"{}\"", pause.length),
                    ));
                }
                let pause_end = pause_start + pause_length;
                if pause_start < start || pause_end > end {
                    return Err(fail(
                        at,
                        format!(
                            "the break from {} lasting {} is outside its shift, which runs from {} to {}",
                            pause.start,
                            format_duration(pause_length),
                            clock.label(start),
                            clock.label(end)
                        ),
                    ));
                }
                breaks.push((j, pause_start, pause_end));
            }
            breaks.sort_by(|a, b| a.1.total_cmp(&b.1));
            for &(j, pause_start, pause_end) in &breaks {
                if let Some((k, previous_end)) = previous
                    && pause_start < previous_end
                {
                    return Err(fail(
                        format!("{at}.breaks[{j}]"),
                        format!(
                            "the break at {} overlaps {at}.breaks[{k}], which lasts until {}; breaks must not overlap",
                            clock.label(pause_start),
                            clock.label(previous_end)
                        ),
                    ));
                }
                previous = Some((j, pause_end));
                push_span(&mut on_duty, from, pause_start);
                from = pause_end;
            }
            push_span(&mut on_duty, from, end);
            if spans.len() + shift.count as usize > MAX_AGENTS as usize {
                return Err(fail(
                    format!("{at}.count"),
                    format!("the shifts add up to more than {MAX_AGENTS} agents, the most a scenario may have"),
                ));
            }
            spans.extend(std::iter::repeat_n(on_duty, shift.count as usize));
        }
        Ok(Roster { spans, horizon })
    }

    /// The roster of a group with `counts[i]` agents on duty in interval `i`: agents `0..counts[i]` (so a drop
    /// logs off the highest-numbered agents). `field` names the list in errors: one value per interval, each at
    /// most `MAX_AGENTS`, and at least one agent on duty in some interval.
    pub fn from_counts(file: &str, field: &str, counts: &[u32], intervals: &Intervals) -> Result<Roster> {
        intervals.check_len(file, field, counts)?;
        if let Some((i, &count)) = counts.iter().enumerate().find(|&(_, &c)| c > MAX_AGENTS) {
            return Err(Error::scenario(
                file,
                format!(
                    "{field}: the value for the interval at {} must be at most {MAX_AGENTS} agents, got {count}",
                    intervals.label(i)
                ),
            ));
        }
        let agents = counts.iter().copied().max().unwrap_or(0);
        if agents == 0 {
            return Err(Error::scenario(
                file,
                format!("{field}: every value is 0; at least one interval must have an agent on duty"),
            ));
        }
        let mut spans = vec![Vec::new(); agents as usize];
        for (interval, &count) in intervals.iter().zip(counts) {
            for agent_spans in &mut spans[..count as usize] {
                push_span(agent_spans, interval.start, interval.end);
            }
        }
        Ok(Roster {
            spans,
            horizon: intervals.horizon(),
        })
    }

    /// The roster of a group with the same `agents` on duty all day (a single-number `count`; 0 is allowed: a
    /// group may be left empty, as before issue 8).
    pub fn all_day(agents: u32, intervals: &Intervals) -> Roster {
        let horizon = intervals.horizon();
        Roster {
            spans: vec![
                vec![Span {
                    start: 0.0,
                    end: horizon
                }];
                agents as usize
            ],
            horizon,
        }
    }

    /// Whether every agent is on duty all day with no break (the stationary model of a single `count`).
    pub fn is_constant(&self) -> bool {
        self.spans.iter().all(|spans| {
            spans
                == &[Span {
                    start: 0.0,
                    end: self.horizon,
                }]
        })
    }

    /// The most agents on duty at once at any instant of the day: those on at opening, then the
    /// [`Roster::changes`] replayed (log-offs before log-ons at one instant, as the engine processes them).
    pub fn peak_on_duty(&self) -> u32 {
        let mut on = (0..self.agents()).filter(|&a| self.on_at_opening(a)).count() as u32;
        let mut peak = on;
        for change in self.changes() {
            match change.kind {
                ChangeKind::LogOn => on += 1,
                ChangeKind::LogOff => on -= 1,
            }
            peak = peak.max(on);
        }
        peak
    }

    /// Agents in the group (everyone rostered at some time of the day, absent or not).
    pub fn agents(&self) -> usize {
        self.spans.len()
    }

    /// The on-duty spans of `agent`, sorted (empty for an absent agent).
    pub fn spans(&self, agent: usize) -> &[Span] {
        &self.spans[agent]
    }

    /// Whether `agent` is on duty at opening (`t = 0`); every other agent starts the day logged off.
    pub fn on_at_opening(&self, agent: usize) -> bool {
        self.spans[agent].first().is_some_and(|s| s.start <= 0.0)
    }

    /// Agents on duty at `t` seconds since opening (`start <= t < end`).
    pub fn on_duty_at(&self, t: f64) -> u32 {
        self.spans
            .iter()
            .filter(|spans| spans.iter().any(|s| s.start <= t && t < s.end))
            .count() as u32
    }

    /// Agents on duty at the start of each interval: those on at opening, then the [`Roster::changes`] replayed
    /// in order, as the engine will (O(changes log changes + intervals)).
    pub fn on_duty_at_starts(&self, intervals: &Intervals) -> Vec<u32> {
        let mut on = (0..self.agents()).filter(|&a| self.on_at_opening(a)).count() as u32;
        let changes = self.changes();
        let mut next = 0;
        intervals
            .iter()
            .map(|interval| {
                while let Some(change) = changes.get(next).filter(|c| c.time <= interval.start) {
                    match change.kind {
                        ChangeKind::LogOn => on += 1,
                        ChangeKind::LogOff => on -= 1,
                    }
                    next += 1;
                }
                on
            })
            .collect()
    }

    /// The time-averaged number of agents on duty in each interval (agent-seconds on duty over its length).
    pub fn on_duty_mean(&self, intervals: &Intervals) -> Vec<f64> {
        let mut seconds = vec![0.0; intervals.len()];
        for span in self.spans.iter().flatten() {
            intervals.split(span.start, span.end, |i, s| seconds[i] += s);
        }
        seconds
            .iter()
            .zip(intervals.iter())
            .map(|(s, i)| s / i.length())
            .collect()
    }

    /// Every log-on and log-off strictly after opening and before closing, sorted by time, then log-offs before
    /// log-ons, then agent (so the order is deterministic). Built once per day; the engine schedules them as events.
    pub fn changes(&self) -> Vec<Change> {
        let mut changes = Vec::new();
        for (agent, spans) in self.spans.iter().enumerate() {
            for span in spans {
                for (time, kind) in [(span.start, ChangeKind::LogOn), (span.end, ChangeKind::LogOff)] {
                    if time > 0.0 && time < self.horizon {
                        changes.push(Change {
                            time,
                            agent: agent as u32,
                            kind,
                        });
                    }
                }
            }
        }
        changes.sort_by(|a, b| {
            a.time
                .total_cmp(&b.time)
                .then(a.kind.cmp(&b.kind))
                .then(a.agent.cmp(&b.agent))
        });
        changes
    }

    /// This roster with the agents marked in `absent` (one flag per agent, see [`draw_absent`]) off duty all day.
    /// Agent numbers do not change.
    pub fn with_absent(&self, absent: &[bool]) -> Roster {
        assert_eq!(absent.len(), self.spans.len(), "one flag per agent");
        Roster {
            spans: self
                .spans
                .iter()
                .zip(absent)
                .map(|(spans, &away)| if away { Vec::new() } else { spans.clone() })
                .collect(),
            horizon: self.horizon,
        }
    }
}

/// Appends `[start, end)` to sorted spans, merging it with the last one if they touch; ignores an empty span.
fn push_span(spans: &mut Vec<Span>, start: f64, end: f64) {
    if end <= start {
        return;
    }
    match spans.last_mut() {
        Some(last) if last.end >= start => last.end = last.end.max(end),
        _ => spans.push(Span { start, end }),
    }
}

/// Checks an absenteeism probability: from 0 to 1. The error names `file` and `field`.
pub fn check_absenteeism(file: &str, field: &str, probability: f64) -> Result<f64> {
    if (0.0..=1.0).contains(&probability) {
        Ok(probability)
    } else {
        Err(Error::scenario(
            file,
            format!("{field}: must be a probability from 0 to 1 (0.05 for 5% of agents absent), got {probability}"),
        ))
    }
}

/// Which of `agents` rostered agents are absent for the whole day, each with `probability`, into `absent`
/// (resized to `agents`).
///
/// Exactly one uniform draw per agent, in agent order, whatever the probability (0 included): agent `a` is absent
/// when its draw `u_a < probability`. So the stream stays aligned across sweep points, and raising the
/// probability only adds absentees (common random numbers).
pub fn draw_absent<R: Rng + ?Sized>(probability: f64, agents: usize, rng: &mut R, absent: &mut Vec<bool>) {
    absent.clear();
    absent.extend((0..agents).map(|_| rng.random::<f64>() < probability));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::clock::{ClockTime, DayClock};

    fn day(hours: f64) -> Intervals {
        let clock = DayClock::new(ClockTime::parse("f", "opens_at", "08:00").unwrap());
        Intervals::new("f", hours * 3600.0, 3600.0, clock).unwrap()
    }

    fn shift(start: &str, length: &str, count: u32, breaks: &[(&str, &str)]) -> ShiftSpec {
        ShiftSpec {
            start: start.into(),
            length: length.into(),
            count,
            breaks: breaks
                .iter()
                .map(|&(start, length)| BreakSpec {
                    start: start.into(),
                    length: length.into(),
                })
                .collect(),
        }
    }

    fn error(shifts: &[ShiftSpec]) -> String {
        Roster::from_shifts("s.toml", "agent_groups[agents].shifts", shifts, &day(13.0))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_shift_with_breaks_is_on_duty_around_them() {
        let roster = Roster::from_shifts(
            "f",
            "shifts",
            &[shift("08:00", "8h30m", 2, &[("12:00", "30m"), ("10:00", "15m")])],
            &day(13.0),
        )
        .unwrap();
        assert_eq!(roster.agents(), 2);
        let h = 3600.0;
        let expected = [
            Span {
                start: 0.0,
                end: 2.0 * h,
            },
            Span {
                start: 2.25 * h,
                end: 4.0 * h,
            },
            Span {
                start: 4.5 * h,
                end: 8.5 * h,
            },
        ];
        assert_eq!(roster.spans(0), &expected);
        assert_eq!(roster.spans(1), &expected);
        assert!(roster.on_at_opening(0));
        assert_eq!(
            roster.on_duty_at_starts(&day(13.0))[..10],
            [2, 2, 0, 2, 0, 2, 2, 2, 2, 0]
        );
        let mean = roster.on_duty_mean(&day(13.0));
        assert_eq!(mean[2], 1.5, "a 15-minute break in a 1-hour interval");
        assert_eq!(mean[4], 1.0);
        assert_eq!(mean[8], 1.0, "the shift ends at 16:30");
    }

    #[test]
    fn changes_are_sorted_and_skip_opening_and_closing() {
        let roster = Roster::from_shifts(
            "f",
            "shifts",
            &[
                shift("08:00", "13h", 1, &[("10:00", "1h")]),
                shift("10:00", "2h", 1, &[]),
            ],
            &day(13.0),
        )
        .unwrap();
        let changes: Vec<(f64, u32, ChangeKind)> = roster
            .changes()
            .iter()
            .map(|c| (c.time / 3600.0, c.agent, c.kind))
            .collect();
        assert_eq!(
            changes,
            [
                (2.0, 0, ChangeKind::LogOff),
                (2.0, 1, ChangeKind::LogOn),
                (3.0, 0, ChangeKind::LogOn),
                (4.0, 1, ChangeKind::LogOff),
            ]
        );
        assert!(roster.on_at_opening(0) && !roster.on_at_opening(1));
    }

    #[test]
    fn a_count_list_logs_off_the_highest_numbered_agents() {
        let roster = Roster::from_counts("f", "count", &[2, 3, 1, 0, 3], &day(5.0)).unwrap();
        assert_eq!(roster.agents(), 3);
        let h = 3600.0;
        assert_eq!(
            roster.spans(0),
            &[
                Span {
                    start: 0.0,
                    end: 3.0 * h
                },
                Span {
                    start: 4.0 * h,
                    end: 5.0 * h
                }
            ]
        );
        assert_eq!(
            roster.spans(2),
            &[
                Span { start: h, end: 2.0 * h },
                Span {
                    start: 4.0 * h,
                    end: 5.0 * h
                }
            ]
        );
        assert_eq!(roster.on_duty_at_starts(&day(5.0)), [2, 3, 1, 0, 3]);
        assert_eq!(roster.on_duty_mean(&day(5.0)), [2.0, 3.0, 1.0, 0.0, 3.0]);
        let offs: Vec<u32> = roster
            .changes()
            .iter()
            .filter(|c| c.time == 2.0 * h)
            .map(|c| c.agent)
            .collect();
        assert_eq!(offs, [1, 2], "from 3 to 1 agents: agents 1 and 2 leave");
    }

    #[test]
    fn bad_count_lists_are_refused() {
        let message = Roster::from_counts("s.toml", "agent_groups[a].count", &[0, 0], &day(2.0))
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "s.toml: agent_groups[a].count: every value is 0; at least one interval must have an agent on duty"
        );
        let message = Roster::from_counts("s.toml", "c", &[1, MAX_AGENTS + 1], &day(2.0))
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "s.toml: c: the value for the interval at 09:00 must be at most 1000000 agents, got 1000001"
        );
        assert!(Roster::from_counts("s.toml", "c", &[1], &day(2.0)).is_err());
    }

    #[test]
    fn bad_shifts_are_refused_naming_shift_break_and_value() {
        let f = "s.toml: agent_groups[agents].shifts";
        assert_eq!(
            error(&[shift("07:00", "8h", 1, &[])]),
            format!(
                "{f}[0]: the shift from 07:00 lasting 8h00m is outside the day, which runs from 08:00 to 21:00; a \
                 shift starts at or after opening and ends by closing"
            )
        );
        assert_eq!(
            error(&[shift("08:00", "8h", 1, &[]), shift("14:00", "8h", 1, &[])]),
            format!(
                "{f}[1]: the shift from 14:00 lasting 8h00m is outside the day, which runs from 08:00 to 21:00; a \
                 shift starts at or after opening and ends by closing"
            )
        );
        assert_eq!(
            error(&[shift("08:00", "4h", 1, &[("11:50", "15m")])]),
            format!(
                "{f}[0].breaks[0]: the break from 11:50 lasting 15m00s is outside its shift, which runs from 08:00 \
                 to 12:00"
            )
        );
        assert_eq!(
            error(&[shift(
                "08:00",
                "8h",
                1,
                &[("12:00", "30m"), ("10:00", "15m"), ("12:15", "15m")]
            )]),
            "s.toml: agent_groups[agents].shifts[0].breaks[2]: the break at 12:15 overlaps \
             agent_groups[agents].shifts[0].breaks[0], which lasts until 12:30; breaks must not overlap"
        );
        assert_eq!(
            error(&[shift("08:00", "8h", 0, &[])]),
            format!("{f}[0].count: must be from 1 to 1000000 agents, got 0")
        );
        assert_eq!(
            error(&[shift("08:00", "8h", MAX_AGENTS, &[]), shift("08:00", "8h", 1, &[])]),
            format!("{f}[1].count: the shifts add up to more than 1000000 agents, the most a scenario may have")
        );
        assert!(error(&[shift("8 am", "8h", 1, &[])]).starts_with(&format!("{f}[0].start: \"8 am\" is not a clock")));
        assert!(error(&[shift("08:00", "8", 1, &[])]).starts_with(&format!("{f}[0].length: ")));
        assert_eq!(
            error(&[shift("08:00", "0s", 1, &[])]),
            format!("{f}[0].length: must be longer than 0s, got \"0s\"")
        );
        assert_eq!(
            error(&[shift("08:00", "1h", 1, &[("08:10", "0m")])]),
            format!("{f}[0].breaks[0].length: must be longer than 0s, got \"0m\"")
        );
        assert_eq!(
            error(&[]),
            "s.toml: agent_groups[agents].shifts: must list at least one shift"
        );
    }

    #[test]
    fn absentees_are_one_draw_per_agent_and_nested_in_the_probability() {
        use rand::SeedableRng;
        let rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(5);
        let (mut low, mut high, mut none) = (Vec::new(), Vec::new(), Vec::new());
        draw_absent(0.05, 1000, &mut rng.clone(), &mut low);
        draw_absent(0.2, 1000, &mut rng.clone(), &mut high);
        let mut after_none = rng.clone();
        draw_absent(0.0, 1000, &mut after_none, &mut none);
        let mut after_high = rng.clone();
        draw_absent(0.2, 1000, &mut after_high, &mut high);
        assert_eq!(
            after_none.next_u64(),
            after_high.next_u64(),
            "same draws whatever the probability"
        );
        assert!(none.iter().all(|&a| !a));
        assert!(
            low.iter().zip(&high).all(|(&l, &h)| !l || h),
            "raising the probability only adds absentees"
        );
        let (l, h) = (low.iter().filter(|&&a| a).count(), high.iter().filter(|&&a| a).count());
        // Binomial(1000, p): 5 standard deviations either side.
        assert!(
            (50 - 35..=50 + 35).contains(&l) && (200 - 64..=200 + 64).contains(&h),
            "{l} {h}"
        );
        let roster = Roster::from_counts("f", "c", &[3, 3], &day(2.0)).unwrap();
        let away = roster.with_absent(&[false, true, false]);
        assert!(away.spans(1).is_empty() && !away.on_at_opening(1));
        assert_eq!(away.on_duty_at_starts(&day(2.0)), [2, 2]);
        assert_eq!(away.agents(), 3, "agent numbers do not change");
    }

    #[test]
    fn all_day_rosters_are_constant_and_peaks_count_agents_on_at_once() {
        let whole = Roster::all_day(4, &day(3.0));
        assert!(whole.is_constant());
        assert_eq!((whole.agents(), whole.peak_on_duty()), (4, 4));
        assert!(whole.changes().is_empty());
        assert_eq!(Roster::all_day(0, &day(3.0)).peak_on_duty(), 0);
        assert!(
            Roster::from_counts("f", "c", &[2, 2, 2], &day(3.0))
                .unwrap()
                .is_constant()
        );
        let varying = Roster::from_counts("f", "c", &[2, 5, 1], &day(3.0)).unwrap();
        assert!(!varying.is_constant());
        assert_eq!(varying.peak_on_duty(), 5);
        // Two shifts that hand over at 12:00: 3 + 2 agents rostered, never more than 3 on at once.
        let handover = Roster::from_shifts(
            "f",
            "shifts",
            &[shift("08:00", "4h", 3, &[]), shift("12:00", "1h", 2, &[])],
            &day(13.0),
        )
        .unwrap();
        assert_eq!((handover.agents(), handover.peak_on_duty()), (5, 3));
        assert!(!handover.is_constant());
    }

    #[test]
    fn absenteeism_must_be_a_probability() {
        assert_eq!(check_absenteeism("f", "x", 0.05).unwrap(), 0.05);
        for bad in [-0.1, 1.5, f64::NAN] {
            assert_eq!(
                check_absenteeism("s.toml", "agent_groups[a].absenteeism", bad)
                    .unwrap_err()
                    .to_string(),
                format!(
                    "s.toml: agent_groups[a].absenteeism: must be a probability from 0 to 1 (0.05 for 5% of agents \
                     absent), got {bad}"
                )
            );
        }
    }
}
