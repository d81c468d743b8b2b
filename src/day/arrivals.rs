//! Time-varying arrivals: the exact piecewise-constant Poisson process and the day-level busyness factor.
//!
//! This module owns [`PiecewiseRate`], which turns one unit-exponential draw into the next arrival instant of a
//! Poisson process whose rate is constant within each planning interval, and [`Busyness`], the Gamma factor of
//! mean 1 that multiplies every rate of one simulated day. It draws nothing itself except the busyness factor: the
//! engine owns the streams.
//!
//! **Method: inversion of the cumulative intensity.** With `Λ(t) = ∫₀ᵗ λ(s) ds`, the arrival instants of a
//! non-homogeneous Poisson process are `Λ⁻¹(E₁)`, `Λ⁻¹(E₁ + E₂)`, ... for independent `Eₖ ~ Exp(1)` (the time-change
//! theorem; Çinlar, *Introduction to Stochastic Processes*, 1975, §4.7; Lewis and Shedler, "Simulation of
//! nonhomogeneous Poisson processes", 1979). So `next_after(now, e)` is the `t` with `Λ(t) - Λ(now) = e`: it spends
//! `e` across interval boundaries (the rest carried into the next interval, so no arrival is lost or doubled at a
//! boundary), skips zero-rate intervals, and returns `None` once the horizon is passed. Exactly one draw per arrival
//! whatever the rates, so the `k`-th caller of a day is the same caller at every sweep point (common random
//! numbers), and scaling every rate by `c` maps each arrival to the instant with the same `Λ`.
//!
//! Adjacent intervals with equal rates are merged into one segment at construction; within a segment the next
//! instant is `now + e * mean_gap` with `mean_gap = 1 / rate` precomputed, the very formula of the stationary engine,
//! so a constant rate reproduces its arrival instants bit for bit. Segments are built once (per scenario, and
//! rescaled in place per day); `next_after` allocates nothing and finds the segment from the previous answer's.

use rand::Rng;
use rand_distr::{Distribution, Gamma};

use crate::day::intervals::Intervals;
use crate::error::{Error, Result};

/// A run of intervals with one rate.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Segment {
    /// Seconds since opening (inclusive).
    start: f64,
    /// Seconds since opening (exclusive).
    end: f64,
    /// The forecast rate in calls per second, before busyness.
    base_rate: f64,
    /// `base_rate` times the day's busyness factor, calls per second.
    rate: f64,
    /// `1 / rate` seconds (infinite for a zero rate, never used then).
    mean_gap: f64,
}

/// The arrival rate of one call type through a day: constant within each planning interval, times the day's
/// busyness factor; zero after the horizon.
#[derive(Debug, Clone)]
pub struct PiecewiseRate {
    segments: Vec<Segment>,
    busyness: f64,
    /// The segment of the last instant returned: where the next call almost always starts.
    hint: usize,
    /// That segment's `start`, `end` and `mean_gap`, kept inline so the common case reads no slice.
    current: (f64, f64, f64),
}

impl PiecewiseRate {
    /// The process with `rates[i]` calls per second in interval `i` of `intervals` (busyness factor 1).
    ///
    /// Rates must be finite and at least 0 (a zero-rate interval has no calls); there must be one per interval.
    /// Errors name `file` and `field` (the per-interval list, e.g. `call_types.general.arrivals.per_hour`; the value
    /// quoted is the rate per second given here).
    pub fn new(file: &str, field: &str, rates: &[f64], intervals: &Intervals) -> Result<PiecewiseRate> {
        intervals.check_len(file, field, rates)?;
        let mut segments: Vec<Segment> = Vec::new();
        for (interval, &rate) in intervals.iter().zip(rates) {
            if !(rate.is_finite() && rate >= 0.0) {
                return Err(Error::scenario(
                    file,
                    format!(
                        "{field}: the value for the interval at {} must be a number of at least 0, got {rate} calls/s",
                        intervals.label(interval.index)
                    ),
                ));
            }
            match segments.last_mut() {
                Some(last) if last.base_rate == rate => last.end = interval.end,
                _ => segments.push(Segment {
                    start: interval.start,
                    end: interval.end,
                    base_rate: rate,
                    rate,
                    mean_gap: 1.0 / rate,
                }),
            }
        }
        let mut process = PiecewiseRate {
            segments,
            busyness: 1.0,
            hint: 0,
            current: (f64::INFINITY, f64::INFINITY, f64::INFINITY),
        };
        process.set_hint(0);
        Ok(process)
    }

    /// Makes segment `index` the hint (a segment that does not exist matches no instant).
    #[inline]
    fn set_hint(&mut self, index: usize) {
        self.hint = index;
        self.current = self
            .segments
            .get(index)
            .map_or((f64::INFINITY, f64::INFINITY, f64::INFINITY), |s| {
                (s.start, s.end, s.mean_gap)
            });
    }

    /// Multiplies every forecast rate by `factor` (a day's busyness, see [`Busyness::sample`]); replaces the
    /// previous factor. No allocation. Panics if `factor` is negative or not finite (a caller's bug: [`Busyness`]
    /// never returns one).
    pub fn set_busyness(&mut self, factor: f64) {
        assert!(factor.is_finite() && factor >= 0.0, "busyness factor {factor}");
        self.busyness = factor;
        for segment in &mut self.segments {
            segment.rate = segment.base_rate * factor;
            segment.mean_gap = 1.0 / segment.rate;
        }
        self.set_hint(self.hint);
    }

    /// The current busyness factor (1 unless set).
    pub fn busyness(&self) -> f64 {
        self.busyness
    }

    /// Segments after merging adjacent intervals of equal rate (1 for a constant rate).
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// The horizon in seconds: no arrival at or after it.
    pub fn horizon(&self) -> f64 {
        self.segments.last().map_or(0.0, |s| s.end)
    }

    /// The index of the segment containing `t` (`len` at or after the horizon).
    fn segment_at(&self, t: f64) -> usize {
        self.segments.partition_point(|s| s.end <= t)
    }

    /// The rate in calls per second at `t` seconds since opening (busyness included); 0 outside `[0, horizon)`.
    pub fn rate_at(&self, t: f64) -> f64 {
        if t < 0.0 {
            return 0.0;
        }
        self.segments.get(self.segment_at(t)).map_or(0.0, |s| s.rate)
    }

    /// Expected calls in `[0, t)`: the cumulative intensity `Λ(t)` (busyness included).
    pub fn cumulative(&self, t: f64) -> f64 {
        let mut total = 0.0;
        for segment in &self.segments {
            if t <= segment.start {
                break;
            }
            total += segment.rate * (t.min(segment.end) - segment.start);
        }
        total
    }

    /// Expected calls in `[from, to)`, `Λ(to) - Λ(from)`.
    pub fn expected_calls(&self, from: f64, to: f64) -> f64 {
        self.cumulative(to) - self.cumulative(from)
    }

    /// The next arrival instant after `now` (seconds since opening), given one draw `unit_exponential` from
    /// Exp(1): the `t` with `Λ(t) - Λ(now) = unit_exponential`, or `None` if that is at or after the horizon.
    ///
    /// Within `now`'s segment this is `now + unit_exponential * mean_gap`, the stationary engine's formula bit for
    /// bit; past a boundary the rest of the draw carries into the next segment with a positive rate. The answer
    /// depends only on `now` and the draw: `&mut self` only keeps the segment of the last answer as a hint, so a
    /// day's arrivals asked in order find their segment in O(1) (any other `now` falls back to a binary search).
    #[inline]
    pub fn next_after(&mut self, now: f64, unit_exponential: f64) -> Option<f64> {
        // The common case first: the next arrival falls in the segment of the last one (a zero rate has an infinite
        // mean gap, so its candidate is never inside and it takes the general path).
        let (start, end, mean_gap) = self.current;
        if start <= now && now < end {
            let candidate = now + unit_exponential * mean_gap;
            if candidate < end {
                return Some(candidate);
            }
        }
        self.next_after_slow(now, unit_exponential)
    }

    /// [`PiecewiseRate::next_after`] across segment boundaries (or from an instant outside the hint's segment).
    #[inline(never)]
    fn next_after_slow(&mut self, now: f64, unit_exponential: f64) -> Option<f64> {
        let mut at = now.max(0.0);
        let mut index = match self.segments.get(self.hint) {
            Some(s) if s.start <= at && at < s.end => self.hint,
            _ => self.segment_at(at),
        };
        let mut remaining = unit_exponential;
        while let Some(segment) = self.segments.get(index) {
            if segment.rate > 0.0 {
                let candidate = at + remaining * segment.mean_gap;
                if candidate < segment.end {
                    self.set_hint(index);
                    return Some(candidate);
                }
                remaining = (remaining - (segment.end - at) * segment.rate).max(0.0);
            }
            at = segment.end;
            index += 1;
        }
        None
    }
}

/// The day-level forecast error: each replication (day) multiplies every call type's rates by one factor drawn
/// from a Gamma distribution of mean 1 and coefficient of variation `cv` (shape `1/cv²`, scale `cv²`).
///
/// A day's count of calls is then Poisson-gamma (negative binomial): mean `M` and variance `M + cv² M²`, where `M`
/// is the forecast's expected calls. `cv = 0` means no forecast error: the factor is exactly 1 and nothing is drawn.
#[derive(Debug, Clone)]
pub struct Busyness {
    cv: f64,
    gamma: Option<Gamma<f64>>,
}

impl Busyness {
    /// The smallest positive `cv` accepted. Below it the Gamma shape `1/cv²` exceeds 10⁸ and the sampler's
    /// rejection test (Marsaglia and Tsang) loses its precision; such a small forecast error is 0 for a planner.
    pub const MIN_CV: f64 = 1e-4;

    /// The largest `cv` accepted: a day-level forecast error of 100%.
    pub const MAX_CV: f64 = 1.0;

    /// No forecast error: every day has factor 1.
    pub fn none() -> Busyness {
        Busyness { cv: 0.0, gamma: None }
    }

    /// A Gamma factor of mean 1 and coefficient of variation `cv`: 0, or from [`Busyness::MIN_CV`] to
    /// [`Busyness::MAX_CV`]. Errors name `file` and `field` (e.g. `busyness.cv`).
    pub fn new(file: &str, field: &str, cv: f64) -> Result<Busyness> {
        if cv == 0.0 {
            return Ok(Busyness::none());
        }
        let refuse = || {
            Error::scenario(
                file,
                format!(
                    "{field}: must be 0 (no day-level forecast error) or from {} to {} (a coefficient of variation, \
                     0.05 for 5%), got {cv}",
                    Busyness::MIN_CV,
                    Busyness::MAX_CV
                ),
            )
        };
        if !(cv.is_finite() && (Busyness::MIN_CV..=Busyness::MAX_CV).contains(&cv)) {
            return Err(refuse());
        }
        let gamma = Gamma::new(1.0 / (cv * cv), cv * cv).map_err(|_| refuse())?;
        Ok(Busyness { cv, gamma: Some(gamma) })
    }

    /// The coefficient of variation (0 for none).
    pub fn cv(&self) -> f64 {
        self.cv
    }

    /// One day's factor (mean 1, positive): exactly 1 without drawing when `cv = 0`.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.gamma.as_ref().map_or(1.0, |g| g.sample(rng))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::clock::DayClock;

    fn hours(n: usize) -> Intervals {
        Intervals::new("f", n as f64 * 3600.0, 3600.0, DayClock::default()).unwrap()
    }

    #[test]
    fn adjacent_equal_rates_merge_into_one_segment() {
        let rates = [0.1, 0.1, 0.0, 0.0, 0.2, 0.1, 0.1];
        let process = PiecewiseRate::new("f", "x", &rates, &hours(7)).unwrap();
        assert_eq!(process.segment_count(), 4);
        assert_eq!(
            PiecewiseRate::new("f", "x", &[0.5; 13], &hours(13))
                .unwrap()
                .segment_count(),
            1
        );
        assert_eq!(process.rate_at(2.5 * 3600.0), 0.0);
        assert_eq!(process.rate_at(4.0 * 3600.0), 0.2);
        assert_eq!(process.rate_at(7.0 * 3600.0), 0.0);
        assert_eq!(process.rate_at(-1.0), 0.0);
    }

    #[test]
    fn the_cumulative_intensity_adds_rate_times_length() {
        let process = PiecewiseRate::new("f", "x", &[0.1, 0.0, 0.3], &hours(3)).unwrap();
        assert!((process.cumulative(3.0 * 3600.0) - 0.4 * 3600.0).abs() < 1e-9);
        assert!((process.cumulative(1800.0) - 180.0).abs() < 1e-9);
        assert!((process.expected_calls(3600.0, 7200.0)).abs() < 1e-12);
        assert!((process.cumulative(1e9) - 1440.0).abs() < 1e-9);
    }

    #[test]
    fn a_draw_spans_boundaries_and_skips_zero_rate_intervals() {
        let mut process = PiecewiseRate::new("f", "x", &[0.01, 0.0, 0.02], &hours(3)).unwrap();
        // 36 expected calls in the first hour; from 3000 s, 6 remain; a draw of 10 carries 4 into hour 3.
        let next = process.next_after(3000.0, 10.0).unwrap();
        assert!((next - (7200.0 + 4.0 / 0.02)).abs() < 1e-9, "{next}");
        assert_eq!(process.next_after(3700.0, 0.0), Some(7200.0));
        assert_eq!(
            process.next_after(3000.0, 6.0 + 72.0),
            None,
            "exactly the rest of the day: at the horizon"
        );
        assert!(process.next_after(3000.0, 6.0 + 71.999).is_some());
        assert_eq!(process.next_after(3.0 * 3600.0, 0.0), None);
        assert_eq!(process.next_after(f64::INFINITY, 1.0), None);
    }

    #[test]
    fn the_answer_does_not_depend_on_the_previous_question() {
        let rates = [0.01, 0.0, 0.02, 0.02, 0.005];
        let mut asked_in_order = PiecewiseRate::new("f", "x", &rates, &hours(5)).unwrap();
        let fresh = asked_in_order.clone();
        for k in 0..2000 {
            // Times jump forwards and backwards across every segment.
            let now = ((k * 7919) % 18_000) as f64;
            let draw = 0.1 + (k % 13) as f64 * 0.7;
            let expected = fresh.clone().next_after(now, draw);
            assert_eq!(asked_in_order.next_after(now, draw), expected, "now {now}, draw {draw}");
        }
    }

    #[test]
    fn busyness_rescales_every_rate_in_place() {
        let mut process = PiecewiseRate::new("f", "x", &[0.01, 0.0, 0.02], &hours(3)).unwrap();
        process.set_busyness(1.5);
        assert_eq!(process.busyness(), 1.5);
        assert_eq!(process.rate_at(100.0), 0.015);
        assert!((process.cumulative(3.0 * 3600.0) - 1.5 * 108.0).abs() < 1e-9);
        process.set_busyness(0.0);
        assert_eq!(process.next_after(0.0, 0.5), None, "a day with factor 0 has no calls");
    }

    #[test]
    fn refuses_negative_or_non_finite_rates_and_wrong_lengths() {
        let message = PiecewiseRate::new("s.toml", "call_types.a.arrivals.per_hour", &[0.1, -0.1, 0.0], &hours(3))
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "s.toml: call_types.a.arrivals.per_hour: the value for the interval at 01:00 must be a number of at \
             least 0, got -0.1 calls/s"
        );
        assert!(PiecewiseRate::new("f", "x", &[0.1, f64::NAN, 0.0], &hours(3)).is_err());
        assert!(PiecewiseRate::new("f", "x", &[0.1, f64::INFINITY, 0.0], &hours(3)).is_err());
        let message = PiecewiseRate::new("f", "x", &[0.1, 0.1], &hours(3))
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("has 2 values but the day has 3 intervals"),
            "{message}"
        );
    }

    #[test]
    fn busyness_cv_must_be_zero_or_samplable() {
        assert_eq!(Busyness::new("f", "busyness.cv", 0.0).unwrap().cv(), 0.0);
        assert_eq!(Busyness::new("f", "busyness.cv", 1e-4).unwrap().cv(), 1e-4);
        assert_eq!(Busyness::new("f", "busyness.cv", 1.0).unwrap().cv(), 1.0);
        for bad in [-0.05, 1e-5, 1e-300, 1.01, f64::NAN, f64::INFINITY] {
            let message = Busyness::new("s.toml", "busyness.cv", bad).unwrap_err().to_string();
            assert_eq!(
                message,
                format!(
                    "s.toml: busyness.cv: must be 0 (no day-level forecast error) or from 0.0001 to 1 (a coefficient \
                     of variation, 0.05 for 5%), got {bad}"
                )
            );
        }
    }
}
