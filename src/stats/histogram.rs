//! A log-linear histogram of waiting times: constant memory, percentiles within a known error.
//!
//! Values are recorded in whole milliseconds. Below 128 ms every millisecond has its own bucket; above, each
//! power of two is split into 128 equal buckets (the layout of HdrHistogram). A percentile is reported as the
//! midpoint of its bucket, so it is within **0.4% or 0.5 ms** of the exact sample percentile, whichever is larger.
//! Memory grows only with the logarithm of the longest wait (about 30 KiB for waits of a day).

const SUB_BUCKETS: u64 = 128;
const SUB_BITS: u32 = 7;

/// Histogram of durations in seconds.
#[derive(Debug, Clone, Default)]
pub struct WaitHistogram {
    counts: Vec<u64>,
    total: u64,
}

fn bucket_of(millis: u64) -> usize {
    if millis < SUB_BUCKETS {
        return millis as usize;
    }
    let msb = 63 - millis.leading_zeros();
    let shift = msb - SUB_BITS;
    let sub = millis >> shift;
    ((shift as u64 + 1) * SUB_BUCKETS + (sub - SUB_BUCKETS)) as usize
}

/// The midpoint of a bucket, in milliseconds.
fn bucket_midpoint(index: usize) -> f64 {
    let index = index as u64;
    if index < SUB_BUCKETS {
        return index as f64;
    }
    let shift = index / SUB_BUCKETS - 1;
    let sub = index % SUB_BUCKETS + SUB_BUCKETS;
    let low = (sub << shift) as f64;
    let width = (1u64 << shift) as f64;
    low + (width - 1.0) / 2.0
}

impl WaitHistogram {
    /// An empty histogram.
    pub fn new() -> WaitHistogram {
        WaitHistogram {
            counts: Vec::new(),
            total: 0,
        }
    }

    /// Records one duration in seconds (negative values count as zero).
    #[inline]
    pub fn record(&mut self, seconds: f64) {
        // Round half up; the cast saturates for absurdly long waits.
        let millis = (seconds.max(0.0) * 1000.0 + 0.5) as u64;
        let index = bucket_of(millis);
        if index >= self.counts.len() {
            self.counts.resize(index + 1, 0);
        }
        self.counts[index] += 1;
        self.total += 1;
    }

    /// Number of recorded values.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The `p`-quantile (0 < p <= 1) in seconds by the nearest-rank rule, or NaN if empty.
    pub fn quantile(&self, p: f64) -> f64 {
        if self.total == 0 {
            return f64::NAN;
        }
        let rank = ((p * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (index, &count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return bucket_midpoint(index) / 1000.0;
            }
        }
        bucket_midpoint(self.counts.len() - 1) / 1000.0
    }
}

impl WaitHistogram {
    /// Adds every value recorded in `other`.
    pub fn merge(&mut self, other: &WaitHistogram) {
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_the_documented_error() {
        let mut histogram = WaitHistogram::new();
        let values: Vec<f64> = (0..10_000).map(|i| (i as f64 * 0.0137).powf(1.7)).collect();
        for &v in &values {
            histogram.record(v);
        }
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        for p in [0.1, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0] {
            let exact = sorted[((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
            let got = histogram.quantile(p);
            let bound = (exact * 0.004).max(0.0005) + 1e-9;
            assert!(
                (got - exact).abs() <= bound,
                "p={p}: got {got}, exact {exact}, bound {bound}"
            );
        }
    }

    #[test]
    fn buckets_are_contiguous_and_monotone() {
        let mut last = 0;
        for millis in 0..100_000u64 {
            let b = bucket_of(millis);
            assert!(b == last || b == last + 1, "gap at {millis}");
            last = b;
            let mid = bucket_midpoint(b);
            assert!((mid - millis as f64).abs() <= (millis as f64 * 0.004).max(0.5));
        }
    }
}
