//! A log-linear histogram of waiting times: constant memory, percentiles within a known error.
//!
//! Values are recorded in whole milliseconds. Below 128 ms every millisecond has its own bucket; above, each
//! power of two is split into 128 equal buckets (the layout of HdrHistogram). A percentile is reported as the
//! midpoint of its bucket, so it is within **0.4% or 0.5 ms** of the exact sample percentile, whichever is larger.
//! Memory grows only with the logarithm of the longest wait (about 30 KiB for waits of a day).

const SUB_BUCKETS: u64 = 128;
const SUB_BITS: u32 = 7;

/// Histogram of durations in seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

/// The percentile of waits pooled over replications, with a 95% confidence interval.
///
/// Averaging each replication's own percentile is biased when days differ (the mean of daily 99th percentiles is
/// well below the 99th percentile of all waits at high load), so the estimate is the `p`-quantile of the
/// replication-averaged distribution `F(x) = mean_r F_r(x)`, where `F_r` is replication `r`'s empirical
/// distribution. The interval inverts a Student-t interval on `F`: with `s` the standard deviation over
/// replications of `F_r(q)` at the estimate `q`, it runs from `F^{-1}(p - t s / sqrt(R))` to
/// `F^{-1}(p + t s / sqrt(R))`: those are the estimate's `lo` and `hi`, and `ci95` is the larger of the two
/// distances from the estimate. The interval is asymmetric (long waits stretch `hi`) and never negative.
/// Replications with no answered call are left out (`n` counts the rest). Values carry the histogram's
/// resolution (0.4% or 0.5 ms).
pub fn pooled_quantile(histograms: &[&WaitHistogram], p: f64) -> crate::stats::Estimate {
    pooled_quantiles(histograms, &[p])[0]
}

/// [`pooled_quantile`] for several levels at once, in two passes over the histograms.
pub fn pooled_quantiles(histograms: &[&WaitHistogram], levels: &[f64]) -> Vec<crate::stats::Estimate> {
    use crate::stats::Estimate;
    let used: Vec<&WaitHistogram> = histograms.iter().copied().filter(|h| h.total > 0).collect();
    let replications = used.len();
    if replications == 0 {
        return vec![Estimate::default(); levels.len()];
    }
    // Pass 1: the replication-averaged distribution function at every bucket.
    let buckets = used.iter().map(|h| h.counts.len()).max().unwrap_or(0);
    let mut average_cdf = vec![0.0f64; buckets];
    for h in &used {
        let mut cumulative = 0u64;
        for (bucket, slot) in average_cdf.iter_mut().enumerate() {
            cumulative += h.counts.get(bucket).copied().unwrap_or(0);
            *slot += cumulative as f64 / h.total as f64;
        }
    }
    average_cdf.iter_mut().for_each(|f| *f /= replications as f64);
    let first_reaching = |target: f64| -> usize {
        average_cdf
            .partition_point(|&f| f < target - 1e-12)
            .min(buckets.saturating_sub(1))
    };
    let estimates: Vec<usize> = levels.iter().map(|&p| first_reaching(p)).collect();
    if replications < 2 {
        return estimates
            .iter()
            .map(|&b| Estimate {
                mean: Some(bucket_midpoint(b) / 1000.0),
                n: 1,
                ..Estimate::default()
            })
            .collect();
    }
    // Pass 2: each replication's distribution function at each estimate, for its spread over replications.
    let mut sums = vec![0.0f64; levels.len()];
    let mut squares = vec![0.0f64; levels.len()];
    for h in &used {
        let mut cumulative = 0u64;
        let mut next = 0;
        let mut order: Vec<(usize, usize)> = estimates.iter().copied().enumerate().map(|(i, b)| (b, i)).collect();
        order.sort_unstable();
        for (bucket, &count) in h.counts.iter().enumerate() {
            cumulative += count;
            while next < order.len() && order[next].0 == bucket {
                let f = cumulative as f64 / h.total as f64;
                sums[order[next].1] += f;
                squares[order[next].1] += f * f;
                next += 1;
            }
        }
        // Estimates beyond this replication's last bucket see its whole distribution.
        for &(_, i) in &order[next..] {
            sums[i] += 1.0;
            squares[i] += 1.0;
        }
    }
    let t = crate::stats::estimate::t_quantile_975(replications as u64 - 1);
    let n = replications as f64;
    levels
        .iter()
        .enumerate()
        .map(|(i, &p)| {
            let mean = sums[i] / n;
            let variance = ((squares[i] - n * mean * mean) / (n - 1.0)).max(0.0);
            let delta = t * (variance / n).sqrt();
            let value = bucket_midpoint(estimates[i]) / 1000.0;
            let low = bucket_midpoint(first_reaching((p - delta).max(0.0))) / 1000.0;
            let high = bucket_midpoint(first_reaching((p + delta).min(1.0))) / 1000.0;
            Estimate::between(value, low, high, replications as u32)
        })
        .collect()
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
    fn pooled_quantile_weights_replications_equally() {
        let mut low = WaitHistogram::new();
        let mut high = WaitHistogram::new();
        for i in 0..1000 {
            low.record(i as f64 * 0.01); // 0 to 10 s
            high.record(100.0 + i as f64 * 0.01); // 100 to 110 s
        }
        let one = pooled_quantile(&[&low], 0.5);
        assert_eq!(one.mean, Some(low.quantile(0.5)));
        assert_eq!(one.ci95, None);
        // Half the pooled mass lies below 10 s: the 40th percentile is in the low day, the 60th in the high one.
        let p40 = pooled_quantile(&[&low, &high], 0.4).mean.unwrap();
        let p60 = pooled_quantile(&[&low, &high], 0.6).mean.unwrap();
        assert!((p40 - 8.0).abs() < 0.05, "{p40}");
        assert!((p60 - 102.0).abs() < 0.5, "{p60}");
        // Identical days: the interval collapses to the histogram's resolution.
        let same = pooled_quantile(&[&low, &low, &low], 0.9);
        assert!(same.ci95.unwrap() < 0.05, "{same:?}");
        assert_eq!(same.n, 3);
    }

    #[test]
    fn pooled_quantile_interval_is_asymmetric_and_not_negative() {
        // Days whose waits differ a lot: short days and one long one, as at a load near 1.
        let mut days = Vec::new();
        for d in 0..5 {
            let mut h = WaitHistogram::new();
            let scale = if d == 4 { 600.0 } else { 2.0 };
            for i in 0..1000 {
                h.record(scale * (i as f64 / 1000.0).powi(3));
            }
            days.push(h);
        }
        let refs: Vec<&WaitHistogram> = days.iter().collect();
        let e = pooled_quantile(&refs, 0.5);
        let (mean, lo, hi) = (e.mean.unwrap(), e.lo.unwrap(), e.hi.unwrap());
        assert!(0.0 <= lo && lo <= mean && mean <= hi, "{e:?}");
        assert_eq!(e.ci95.unwrap(), (mean - lo).max(hi - mean));
        assert!(!e.is_symmetric(), "{e:?}");
        assert_eq!(e.n, 5);
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
