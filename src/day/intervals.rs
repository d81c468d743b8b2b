//! Planning intervals: the day cut into equal periods (15, 30 or 60 minutes) that forecasts, staffing lists and
//! per-interval results are given in.
//!
//! This module owns [`Intervals`]: how many there are, where each starts and ends (seconds since opening), its
//! clock label, which interval an instant falls in, and the check that a per-interval list has one value per
//! interval. The interval length is a whole number of minutes so every interval starts on a clock minute and its
//! label is exact. **The last interval is shorter** when the horizon is not a multiple of the length (a 13h10m day in
//! 30-minute intervals has 27 intervals, the last one 10 minutes long): it still takes one value in every
//! per-interval list, and rates stay per second, so a short last interval simply offers proportionally fewer calls.

use crate::day::clock::DayClock;
use crate::error::{Error, Result};

/// The interval length when a scenario does not say: 30 minutes, in seconds.
pub const DEFAULT_INTERVAL: f64 = 1800.0;

/// Most planning intervals in one day (a week in 6-minute intervals fits; a longer run should use longer
/// intervals), so a valid-looking horizon cannot ask for an unbounded per-interval table.
pub const MAX_INTERVALS: usize = 100_000;

/// One planning interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Its position, from 0.
    pub index: usize,
    /// Seconds since opening at which it starts (inclusive).
    pub start: f64,
    /// Seconds since opening at which it ends (exclusive); the horizon for the last interval.
    pub end: f64,
}

impl Interval {
    /// Its length in seconds.
    pub fn length(&self) -> f64 {
        self.end - self.start
    }
}

/// The planning intervals of a day: `[0, length)`, `[length, 2 length)`, ..., the last ending at the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervals {
    horizon: f64,
    length: f64,
    count: usize,
    clock: DayClock,
}

impl Intervals {
    /// The intervals of a day of `horizon` seconds cut every `length` seconds, labelled by `clock`.
    ///
    /// `length` must be a whole number of minutes, at least one; `horizon` must be positive and finite, and give
    /// at most [`MAX_INTERVALS`] intervals. Errors name `file` and the fields `horizon.duration` and
    /// `horizon.interval`.
    pub fn new(file: &str, horizon: f64, length: f64, clock: DayClock) -> Result<Intervals> {
        if !(horizon.is_finite() && horizon > 0.0) {
            return Err(Error::scenario(
                file,
                format!("horizon.duration: must be a positive duration such as \"13h\", got {horizon}s"),
            ));
        }
        if !(length.is_finite() && length >= 60.0 && length % 60.0 == 0.0) {
            return Err(Error::scenario(
                file,
                format!(
                    "horizon.interval: must be a whole number of minutes, at least \"1m\" (such as \"15m\", \
                     \"30m\" or \"1h\"), got {length}s"
                ),
            ));
        }
        let mut count = (horizon / length).ceil();
        // Division may round up past an exact multiple; the last interval must start before the horizon.
        while count > 1.0 && (count - 1.0) * length >= horizon {
            count -= 1.0;
        }
        if count > MAX_INTERVALS as f64 {
            return Err(Error::scenario(
                file,
                format!(
                    "horizon.interval: {length}s cuts a {horizon}s day into {count} intervals; at most \
                     {MAX_INTERVALS} are allowed: use longer intervals"
                ),
            ));
        }
        Ok(Intervals {
            horizon,
            length,
            count: count as usize,
            clock,
        })
    }

    /// How many intervals (at least one).
    pub fn len(&self) -> usize {
        self.count
    }

    /// Always false: a day has at least one interval.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The horizon in seconds (the end of the last interval).
    pub fn horizon(&self) -> f64 {
        self.horizon
    }

    /// The nominal interval length in seconds (the last interval may be shorter).
    pub fn length(&self) -> f64 {
        self.length
    }

    /// The day's clock (opening time and labels).
    pub fn clock(&self) -> DayClock {
        self.clock
    }

    /// Interval `index`. Panics if `index >= len()` (a caller's bug, never input).
    pub fn get(&self, index: usize) -> Interval {
        assert!(index < self.count, "interval {index} of {}", self.count);
        Interval {
            index,
            start: self.start_of(index),
            end: if index + 1 == self.count {
                self.horizon
            } else {
                self.start_of(index + 1)
            },
        }
    }

    fn start_of(&self, index: usize) -> f64 {
        index as f64 * self.length
    }

    /// Every interval in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Interval> + '_ {
        (0..self.count).map(|i| self.get(i))
    }

    /// The clock label of interval `index`'s start, e.g. `"09:30"` (see [`DayClock::label`]).
    pub fn label(&self, index: usize) -> String {
        self.clock.label(self.get(index).start)
    }

    /// The interval the instant `t` (seconds since opening) falls in: `start <= t < end`; `None` before opening,
    /// at or after the horizon, or for NaN. O(1).
    pub fn index_of(&self, t: f64) -> Option<usize> {
        if !(t >= 0.0 && t < self.horizon) {
            return None;
        }
        let mut index = ((t / self.length) as usize).min(self.count - 1);
        // The division may round across a boundary; the starts are the truth.
        if t < self.start_of(index) {
            index -= 1;
        } else if index + 1 < self.count && t >= self.start_of(index + 1) {
            index += 1;
        }
        Some(index)
    }

    /// Splits the time span `[from, to)` (seconds since opening) at interval boundaries: calls `each(index,
    /// seconds)` for every interval it overlaps, in order, with the seconds of the overlap. The part before opening
    /// or after the horizon is dropped (clipped to the day); a NaN bound gives nothing. O(intervals overlapped), no
    /// allocation, so per-interval time-based figures (busy time, time on duty, queue-length area) can be clipped
    /// on the hot path.
    pub fn split(&self, from: f64, to: f64, mut each: impl FnMut(usize, f64)) {
        if from.is_nan() || to.is_nan() {
            return;
        }
        let (from, to) = (from.max(0.0), to.min(self.horizon));
        if from >= to {
            return;
        }
        let Some(mut index) = self.index_of(from) else { return };
        loop {
            let interval = self.get(index);
            each(index, to.min(interval.end) - from.max(interval.start));
            if to <= interval.end || index + 1 == self.count {
                return;
            }
            index += 1;
        }
    }

    /// Checks that the per-interval list `field` has one value per interval; the error names `file`, `field`,
    /// the length found and expected, and lists the intervals' clock times (the first and last few of a long day).
    pub fn check_len<T>(&self, file: &str, field: &str, values: &[T]) -> Result<()> {
        if values.len() == self.count {
            return Ok(());
        }
        Err(Error::scenario(
            file,
            format!(
                "{field}: has {} values but the day has {} intervals of {} ({}), one value each",
                values.len(),
                self.count,
                crate::time::format_duration(self.length),
                self.labels_summary()
            ),
        ))
    }

    /// The interval start labels, eliding the middle of a long day.
    fn labels_summary(&self) -> String {
        const SHOWN: usize = 6;
        let labels = |range: std::ops::Range<usize>| range.map(|i| self.label(i)).collect::<Vec<_>>().join(", ");
        if self.count <= 2 * SHOWN {
            labels(0..self.count)
        } else {
            format!("{}, ..., {}", labels(0..SHOWN), labels(self.count - SHOWN..self.count))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::clock::ClockTime;

    fn day(horizon: f64, length: f64) -> Intervals {
        let clock = DayClock::new(ClockTime::parse("f", "opens_at", "08:00").unwrap());
        Intervals::new("f", horizon, length, clock).unwrap()
    }

    #[test]
    fn a_day_of_whole_intervals() {
        let d = day(13.0 * 3600.0, 3600.0);
        assert_eq!(d.len(), 13);
        assert_eq!(
            d.get(0),
            Interval {
                index: 0,
                start: 0.0,
                end: 3600.0
            }
        );
        assert_eq!(d.get(12).end, 13.0 * 3600.0);
        assert_eq!(d.label(0), "08:00");
        assert_eq!(d.label(12), "20:00");
        let ends: Vec<f64> = d.iter().map(|i| i.end).collect();
        let starts: Vec<f64> = d.iter().skip(1).map(|i| i.start).collect();
        assert_eq!(&ends[..12], &starts[..], "intervals tile the day");
    }

    #[test]
    fn the_last_interval_is_shorter_when_the_day_is_not_a_multiple() {
        let d = day(13.0 * 3600.0 + 600.0, 1800.0);
        assert_eq!(d.len(), 27);
        assert_eq!(d.get(26).length(), 600.0);
        assert_eq!(d.index_of(13.0 * 3600.0 + 599.0), Some(26));
        assert_eq!(day(90.0, 60.0).len(), 2);
        assert_eq!(day(30.0, 60.0).len(), 1);
    }

    #[test]
    fn instants_fall_in_the_interval_that_contains_them() {
        let d = day(13.0 * 3600.0, 900.0);
        assert_eq!(d.index_of(0.0), Some(0));
        assert_eq!(d.index_of(899.999), Some(0));
        assert_eq!(d.index_of(900.0), Some(1));
        assert_eq!(d.index_of(f64::from_bits(900f64.to_bits() - 1)), Some(0));
        assert_eq!(d.index_of(13.0 * 3600.0 - 1e-9), Some(51));
        assert_eq!(d.index_of(13.0 * 3600.0), None);
        assert_eq!(d.index_of(-1e-9), None);
        assert_eq!(d.index_of(f64::NAN), None);
        for k in 0..1000 {
            let t = k as f64 * 46.8 + 0.3;
            let i = d.index_of(t).unwrap();
            let interval = d.get(i);
            assert!(interval.start <= t && t < interval.end, "{t} in {interval:?}");
        }
    }

    #[test]
    fn spans_split_at_interval_boundaries_and_clip_to_the_day() {
        let d = day(3.0 * 3600.0 + 600.0, 3600.0);
        let pieces = |from: f64, to: f64| {
            let mut out = Vec::new();
            d.split(from, to, |i, s| out.push((i, s)));
            out
        };
        assert_eq!(pieces(1800.0, 2000.0), [(0, 200.0)]);
        assert_eq!(pieces(1800.0, 3600.0), [(0, 1800.0)]);
        assert_eq!(pieces(1800.0, 7300.0), [(0, 1800.0), (1, 3600.0), (2, 100.0)]);
        assert_eq!(pieces(-50.0, 10.0), [(0, 10.0)]);
        assert_eq!(pieces(10_000.0, 1e9), [(2, 800.0), (3, 600.0)]);
        assert!(pieces(5.0, 5.0).is_empty() && pieces(1e9, 2e9).is_empty() && pieces(f64::NAN, 1.0).is_empty());
        for k in 0..500 {
            let (a, b) = (k as f64 * 23.7 - 100.0, k as f64 * 31.1 + 50.0);
            let total: f64 = pieces(a, b).iter().map(|p| p.1).sum();
            let clipped = (b.min(d.horizon()) - a.max(0.0)).max(0.0);
            assert!((total - clipped).abs() < 1e-9, "[{a}, {b}): {total} vs {clipped}");
        }
    }

    #[test]
    fn refuses_lengths_that_are_not_whole_minutes_and_bad_horizons() {
        let clock = DayClock::default();
        for (horizon, length, needle) in [
            (3600.0, 90.0, "horizon.interval: must be a whole number of minutes"),
            (3600.0, 0.0, "horizon.interval: must be a whole number of minutes"),
            (3600.0, 30.0, "horizon.interval: must be a whole number of minutes"),
            (3600.0, f64::NAN, "horizon.interval: must be a whole number of minutes"),
            (0.0, 60.0, "horizon.duration: must be a positive duration"),
            (f64::INFINITY, 60.0, "horizon.duration: must be a positive duration"),
            (1e9, 60.0, "at most 100000 are allowed"),
        ] {
            let message = Intervals::new("s.toml", horizon, length, clock)
                .unwrap_err()
                .to_string();
            assert!(message.starts_with("s.toml: ") && message.contains(needle), "{message}");
        }
    }

    #[test]
    fn a_list_of_the_wrong_length_is_refused_naming_the_intervals() {
        let d = day(3.0 * 3600.0, 3600.0);
        d.check_len("s.toml", "agent_groups.agents.count", &[1, 2, 3]).unwrap();
        let message = d
            .check_len("s.toml", "agent_groups.agents.count", &[1, 2])
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "s.toml: agent_groups.agents.count: has 2 values but the day has 3 intervals of 1h00m \
             (08:00, 09:00, 10:00), one value each"
        );
        let long = day(24.0 * 3600.0, 900.0);
        let message = long.check_len("s.toml", "x", &[0.0]).unwrap_err().to_string();
        assert!(
            message.contains(
                "96 intervals of 15m00s (08:00, 08:15, 08:30, 08:45, 09:00, 09:15, ..., 30:30, 30:45, \
                              31:00, 31:15, 31:30, 31:45)"
            ),
            "{message}"
        );
    }
}
