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
/// well below the 99th percentile of all waits at high load), and so is averaging their distribution functions
/// with equal weights (busy days have more calls and longer waits, and would count for less than their calls: 2%
/// low at p80 over two-hour days at 10 erlangs on 12 agents). The estimate is therefore the `p`-quantile of all
/// replications' calls together, `F(x) = Σ_r N_r(x) / Σ_r n_r`, where `N_r(x)` counts replication `r`'s waits up
/// to `x` and `n_r` its answered calls: the percentile of the wait of answered calls that the textbook formulas
/// give. `F` is a ratio of sums over independent replications, so its standard error at the estimate `q` comes
/// from the ratio estimator's (delta-method) variance `R Σ_r (N_r(q) - F(q) n_r)^2 / ((R - 1) (Σ_r n_r)^2)`. The
/// interval inverts a Student-t interval on `F`: it runs from `F^{-1}(p - t se)` to `F^{-1}(p + t se)`: those are
/// the estimate's `lo` and `hi`, and `ci95` is the larger of the two distances from the estimate. The interval is
/// asymmetric (long waits stretch `hi`) and never negative. Replications with no answered call add nothing
/// (`n` counts the others). Values carry the histogram's resolution (0.4% or 0.5 ms).
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
    // Pass 1: the distribution function of all replications' calls together, at every bucket.
    let buckets = used.iter().map(|h| h.counts.len()).max().unwrap_or(0);
    let mut pooled_cdf = vec![0.0f64; buckets];
    for h in &used {
        for (slot, &count) in pooled_cdf.iter_mut().zip(&h.counts) {
            *slot += count as f64;
        }
    }
    let calls: f64 = used.iter().map(|h| h.total as f64).sum();
    let mut cumulative = 0.0;
    for slot in pooled_cdf.iter_mut() {
        cumulative += *slot;
        *slot = cumulative / calls;
    }
    let first_reaching = |target: f64| -> usize {
        pooled_cdf
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
    // Pass 2: each replication's count up to each estimate, against what the pooled F predicts for its calls.
    let mut order: Vec<(usize, usize)> = estimates.iter().copied().enumerate().map(|(i, b)| (b, i)).collect();
    order.sort_unstable();
    let mut squared_residuals = vec![0.0f64; levels.len()];
    for h in &used {
        let mut cumulative = 0u64;
        let mut next = 0;
        let mut add = |level: usize, counted: u64| {
            let residual = counted as f64 - pooled_cdf[estimates[level]] * h.total as f64;
            squared_residuals[level] += residual * residual;
        };
        for (bucket, &count) in h.counts.iter().enumerate() {
            cumulative += count;
            while next < order.len() && order[next].0 == bucket {
                add(order[next].1, cumulative);
                next += 1;
            }
        }
        // Estimates beyond this replication's last bucket see all its calls.
        for &(_, level) in &order[next..] {
            add(level, h.total);
        }
    }
    let t = crate::stats::estimate::t_quantile_975(replications as u64 - 1);
    let r = replications as f64;
    levels
        .iter()
        .enumerate()
        .map(|(i, &p)| {
            let variance = r * squared_residuals[i] / ((r - 1.0) * calls * calls);
            let delta = t * variance.sqrt();
            let value = bucket_midpoint(estimates[i]) / 1000.0;
            let low = bucket_midpoint(first_reaching((p - delta).max(0.0))) / 1000.0;
            let high = bucket_midpoint(first_reaching((p + delta).min(1.0))) / 1000.0;
            Estimate::between(value, low, high, replications as u32)
        })
        .collect()
}

/// A [`WaitHistogram`]'s non-empty buckets only: the compact form in which many small histograms are kept (one
/// per planning interval, call type and day), 12 bytes per non-empty bucket instead of 8 per bucket up to the
/// longest wait.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SparseWaitHistogram {
    buckets: Vec<(u32, u64)>,
}

impl SparseWaitHistogram {
    /// The dense histogram again, exactly as it was.
    pub fn to_dense(&self) -> WaitHistogram {
        let len = self.buckets.last().map_or(0, |&(b, _)| b as usize + 1);
        let mut counts = vec![0; len];
        let mut total = 0;
        for &(bucket, count) in &self.buckets {
            counts[bucket as usize] = count;
            total += count;
        }
        WaitHistogram { counts, total }
    }
}

impl WaitHistogram {
    /// The compact form: non-empty buckets only.
    pub fn to_sparse(&self) -> SparseWaitHistogram {
        SparseWaitHistogram {
            buckets: self
                .counts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(b, &c)| (b as u32, c))
                .collect(),
        }
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
    fn pooled_quantile_weighs_every_call_equally() {
        let mut low = WaitHistogram::new();
        let mut high = WaitHistogram::new();
        for i in 0..1000 {
            low.record(i as f64 * 0.01); // 0 to 10 s
        }
        for i in 0..3000 {
            high.record(100.0 + i as f64 * (10.0 / 3000.0)); // 100 to 110 s, a busier day
        }
        let one = pooled_quantile(&[&low], 0.5);
        assert_eq!(one.mean, Some(low.quantile(0.5)));
        assert_eq!(one.ci95, None);
        // A quarter of all calls wait under 10 s: the 20th percentile is in the quiet day, the 30th in the busy
        // one (weighing the two days equally would put the 40th percentile in the quiet day).
        let p20 = pooled_quantile(&[&low, &high], 0.2).mean.unwrap();
        let p40 = pooled_quantile(&[&low, &high], 0.4).mean.unwrap();
        assert!((p20 - 8.0).abs() < 0.05, "{p20}");
        assert!((p40 - 102.0).abs() < 0.5, "{p40}");
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
