//! Across-replication estimates: the mean of independent replications, its 95% confidence interval, and how many
//! replications it rests on.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Mean of independent replications with a 95% confidence interval.
///
/// Replications in which a metric is undefined (NaN, e.g. ASA when no call was answered) are left out of that
/// metric; `n` counts the replications that remain, so a reader can see when it is fewer than were run. With
/// fewer than two defined replications the interval is `None`; with none the mean is too.
///
/// For a mean the interval is the Student-t interval `mean ± ci95`, so `lo = mean - ci95` and `hi = mean + ci95`
/// until [`Estimate::bounded`] clips them to the values the metric can take. For a pooled percentile
/// ([`crate::stats::histogram::pooled_quantile`]) the interval is asymmetric: `lo` and `hi` are its ends and
/// `ci95` is the larger distance from the estimate to either end (a conservative symmetric bound).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Estimate {
    /// Mean over the replications (`null` in JSON when undefined).
    pub mean: Option<f64>,
    /// 95% confidence half-width: the interval is `mean ± ci95` for a mean; for a percentile the larger distance
    /// from the estimate to `lo` or `hi`.
    pub ci95: Option<f64>,
    /// Lower end of the 95% interval.
    pub lo: Option<f64>,
    /// Upper end of the 95% interval.
    pub hi: Option<f64>,
    /// Replications in which the value was defined (the `n` behind the mean).
    pub n: u32,
}

impl Estimate {
    /// The estimate from one value per replication; non-finite values are left out (see [`Estimate::n`]).
    pub fn from_samples(samples: impl IntoIterator<Item = f64>) -> Estimate {
        let mut n = 0u64;
        let mut mean = 0.0;
        let mut m2 = 0.0;
        for x in samples.into_iter().filter(|x| x.is_finite()) {
            n += 1;
            let delta = x - mean;
            mean += delta / n as f64;
            m2 += delta * (x - mean);
        }
        let count = u32::try_from(n).unwrap_or(u32::MAX);
        match n {
            0 => Estimate::default(),
            1 => Estimate {
                mean: Some(mean),
                n: count,
                ..Estimate::default()
            },
            _ => {
                let variance = m2 / (n - 1) as f64;
                let half = t_quantile_975(n - 1) * (variance / n as f64).sqrt();
                Estimate::symmetric(mean, half, count)
            }
        }
    }

    /// `mean ± half` from `n` replications.
    pub fn symmetric(mean: f64, half: f64, n: u32) -> Estimate {
        Estimate {
            mean: Some(mean),
            ci95: Some(half),
            lo: Some(mean - half),
            hi: Some(mean + half),
            n,
        }
    }

    /// The interval `[lo, hi]` around `mean` from `n` replications; `ci95` is the larger distance to either end.
    pub fn between(mean: f64, lo: f64, hi: f64, n: u32) -> Estimate {
        Estimate {
            mean: Some(mean),
            ci95: Some((mean - lo).max(hi - mean)),
            lo: Some(lo),
            hi: Some(hi),
            n,
        }
    }

    /// The estimate with its interval clipped to `[min, max]`, the values the quantity can take (a share cannot
    /// pass 100%, a wait cannot be negative). The intersection keeps the interval's coverage; `mean` and `ci95`
    /// are unchanged.
    pub fn bounded(self, min: f64, max: f64) -> Estimate {
        Estimate {
            lo: self.lo.map(|v| v.clamp(min, max)),
            hi: self.hi.map(|v| v.clamp(min, max)),
            ..self
        }
    }

    /// The mean, or NaN when undefined.
    pub fn value(&self) -> f64 {
        self.mean.unwrap_or(f64::NAN)
    }

    /// The half-width, or NaN when undefined.
    pub fn half_width(&self) -> f64 {
        self.ci95.unwrap_or(f64::NAN)
    }

    /// The lower end of the interval, or NaN when undefined.
    pub fn low(&self) -> f64 {
        self.lo.unwrap_or(f64::NAN)
    }

    /// The upper end of the interval, or NaN when undefined.
    pub fn high(&self) -> f64 {
        self.hi.unwrap_or(f64::NAN)
    }

    /// True when the interval is exactly `mean ± ci95` (a Student-t interval not clipped by
    /// [`Estimate::bounded`]), so it can be written with `±`.
    pub fn is_symmetric(&self) -> bool {
        match (self.mean, self.ci95, self.lo, self.hi) {
            (Some(m), Some(h), Some(lo), Some(hi)) => {
                let tolerance = 1e-9 * (m.abs() + h.abs()).max(1e-300);
                ((m - h) - lo).abs() <= tolerance && ((m + h) - hi).abs() <= tolerance
            }
            _ => true,
        }
    }

    /// The two-sided p-value of Student's t test that the true mean is 0, for an estimate made by
    /// [`Estimate::from_samples`] (its `ci95` gives the standard error). `None` without an interval, or when every
    /// sample was exactly 0 (nothing to test); `Some(0.0)` when the samples agree exactly on a non-zero value.
    pub fn p_value(&self) -> Option<f64> {
        let (mean, half) = (self.mean?, self.ci95?);
        if self.n < 2 {
            return None;
        }
        let degrees = u64::from(self.n - 1);
        let standard_error = half / t_quantile_975(degrees);
        if standard_error == 0.0 {
            return (mean != 0.0).then_some(0.0);
        }
        let t = (mean / standard_error).abs();
        let distribution = StudentsT::new(0.0, 1.0, degrees as f64).ok()?;
        Some((2.0 * distribution.sf(t)).min(1.0))
    }

    /// True when the interval `[lo, hi]` contains `value`.
    pub fn covers(&self, value: f64) -> bool {
        match (self.lo, self.hi) {
            (Some(lo), Some(hi)) => lo <= value && value <= hi,
            _ => false,
        }
    }
}

/// The 97.5% quantile of Student's t with `degrees` degrees of freedom (two-sided 95% intervals).
///
/// Inverting the t distribution takes over a microsecond and a large sweep asks for it millions of times with a
/// handful of degrees of freedom, so the values below [`T_TABLE_SIZE`] are computed once and kept.
pub fn t_quantile_975(degrees: u64) -> f64 {
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let compute = |d: u64| {
        StudentsT::new(0.0, 1.0, d as f64)
            .map(|t| t.inverse_cdf(0.975))
            .unwrap_or(1.959964)
    };
    if degrees == 0 || degrees as usize >= T_TABLE_SIZE {
        return compute(degrees);
    }
    TABLE.get_or_init(|| {
        (0..T_TABLE_SIZE as u64)
            .map(|d| if d == 0 { f64::NAN } else { compute(d) })
            .collect()
    })[degrees as usize]
}

/// Degrees of freedom below which [`t_quantile_975`] reads a table.
pub const T_TABLE_SIZE: usize = 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn student_t_half_width_matches_tables() {
        assert!((t_quantile_975(9) - 2.262157).abs() < 1e-5);
        let e = Estimate::from_samples([1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(e.mean, Some(3.0));
        // s = sqrt(2.5), t(4) = 2.776445
        assert!((e.ci95.unwrap() - 2.776445 * (2.5f64 / 5.0).sqrt()).abs() < 1e-5);
        assert_eq!(e.lo, Some(3.0 - e.ci95.unwrap()));
        assert_eq!(e.hi, Some(3.0 + e.ci95.unwrap()));
        assert_eq!(e.n, 5);
        assert!(e.is_symmetric());
    }

    #[test]
    fn p_value_is_the_paired_t_test() {
        // With 2 degrees of freedom Student's t has a closed form: P(|T| > t) = 1 - t / sqrt(2 + t^2).
        let e = Estimate::from_samples([1.0, 2.0, 6.0]);
        let t = 3.0 / (7.0f64 / 3.0).sqrt();
        let exact = 1.0 - t / (2.0 + t * t).sqrt();
        assert!(
            (e.p_value().unwrap() - exact).abs() < 1e-9,
            "{:?} vs {exact}",
            e.p_value()
        );
        assert_eq!(Estimate::from_samples([0.0, 0.0, 0.0]).p_value(), None);
        assert_eq!(Estimate::from_samples([0.5, 0.5]).p_value(), Some(0.0));
        assert_eq!(Estimate::from_samples([0.5]).p_value(), None);
    }

    #[test]
    fn bounded_clips_the_interval_not_the_mean() {
        let e = Estimate::symmetric(0.02, 0.05, 10).bounded(0.0, 1.0);
        assert_eq!(
            (e.mean, e.ci95, e.lo, e.hi),
            (Some(0.02), Some(0.05), Some(0.0), Some(0.07))
        );
        assert!(!e.is_symmetric());
        assert!(e.covers(0.0) && !e.covers(-0.01));
        let p = Estimate::between(10.0, 9.0, 14.0, 3);
        assert_eq!(p.ci95, Some(4.0));
        assert!(!p.is_symmetric() && p.covers(13.5) && !p.covers(8.5));
    }

    #[test]
    fn undefined_replications_are_left_out() {
        let e = Estimate::from_samples([f64::NAN, 2.0]);
        assert_eq!(
            e,
            Estimate {
                mean: Some(2.0),
                n: 1,
                ..Estimate::default()
            }
        );
        assert_eq!(Estimate::from_samples([f64::NAN]).mean, None);
        assert_eq!(Estimate::from_samples([1.0, f64::NAN, 3.0, f64::INFINITY]).n, 2);
    }
}
