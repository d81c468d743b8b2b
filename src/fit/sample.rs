//! A sample of durations held as distinct values with counts, so that memory is bounded by the number of distinct
//! values, not the number of calls.
//!
//! Values are kept to [`SIGNIFICANT_DIGITS`] significant digits (a relative rounding of at most 0.05%, far below
//! any fit's standard error; whole seconds below 10 000 s are exact), so a sample of seconds holds at most about
//! 9 000 distinct values per decade. The plain sums behind the exponential, lognormal and gamma likelihoods are
//! accumulated from the raw values.

use std::collections::BTreeMap;

/// Significant digits kept per value.
pub const SIGNIFICANT_DIGITS: i32 = 4;

/// Durations below this many seconds are taken as this in logarithms (a log of whole seconds writes a duration
/// under a second as 0, which a lognormal, gamma or Weibull likelihood cannot take).
pub const LOG_FLOOR_S: f64 = 0.5;

/// Rounds `x` to [`SIGNIFICANT_DIGITS`] significant digits.
fn round_significant(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 0.0;
    }
    let magnitude = x.log10().floor() as i32;
    let step = 10f64.powi(magnitude + 1 - SIGNIFICANT_DIGITS);
    (x / step).round() * step
}

/// Durations in seconds as distinct values with counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sample {
    /// Value bits (non-negative floats order as their bits) to count.
    values: BTreeMap<u64, u64>,
    n: u64,
    sum: f64,
    sum_ln: f64,
    sum_ln2: f64,
}

impl Sample {
    /// An empty sample.
    pub fn new() -> Sample {
        Sample::default()
    }

    /// Adds one duration in seconds (negative values are taken as 0).
    pub fn add(&mut self, x: f64) {
        self.add_many(x, 1);
    }

    /// Adds `count` durations of `x` seconds.
    pub fn add_many(&mut self, x: f64, count: u64) {
        if count == 0 {
            return;
        }
        let x = x.max(0.0);
        let ln = x.max(LOG_FLOOR_S).ln();
        let c = count as f64;
        self.n += count;
        self.sum += c * x;
        self.sum_ln += c * ln;
        self.sum_ln2 += c * ln * ln;
        *self.values.entry(round_significant(x).to_bits()).or_insert(0) += count;
    }

    /// Number of durations.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Sum of the durations.
    pub fn sum(&self) -> f64 {
        self.sum
    }

    /// Mean duration (NaN when empty).
    pub fn mean(&self) -> f64 {
        self.sum / self.n as f64
    }

    /// Mean of `ln(max(x, LOG_FLOOR_S))`.
    pub fn mean_ln(&self) -> f64 {
        self.sum_ln / self.n as f64
    }

    /// Variance of `ln(max(x, LOG_FLOOR_S))` (divided by n: the maximum-likelihood one).
    pub fn var_ln(&self) -> f64 {
        (self.sum_ln2 / self.n as f64 - self.mean_ln().powi(2)).max(0.0)
    }

    /// Sample standard deviation of the (rounded) values.
    pub fn sd(&self) -> f64 {
        let mean = self.mean();
        let squares: f64 = self.iter().map(|(x, c)| c as f64 * (x - mean).powi(2)).sum();
        (squares / (self.n as f64 - 1.0).max(1.0)).sqrt()
    }

    /// The distinct (rounded) values in increasing order, with their counts.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (f64, u64)> + '_ {
        self.values.iter().map(|(&bits, &count)| (f64::from_bits(bits), count))
    }

    /// Number of distinct values held.
    pub fn distinct(&self) -> usize {
        self.values.len()
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &Sample) {
        for (x, c) in other.iter() {
            *self.values.entry(x.to_bits()).or_insert(0) += c;
        }
        self.n += other.n;
        self.sum += other.sum;
        self.sum_ln += other.sum_ln;
        self.sum_ln2 += other.sum_ln2;
    }

    /// The `p`-quantile of the values (the smallest value whose cumulative share reaches `p`); NaN when empty.
    pub fn quantile(&self, p: f64) -> f64 {
        let target = (p * self.n as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (x, c) in self.iter() {
            seen += c;
            if seen >= target {
                return x;
            }
        }
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_seconds_are_exact_and_memory_is_bounded_by_distinct_values() {
        let mut s = Sample::new();
        for i in 0..120_000u64 {
            s.add((i % 600) as f64);
        }
        assert_eq!(s.count(), 120_000);
        assert_eq!(s.distinct(), 600);
        assert_eq!(s.quantile(0.5), 299.0);
        assert!((s.mean() - 299.5).abs() < 1e-9);
        assert_eq!(round_significant(123456.0), 123500.0);
    }
}
