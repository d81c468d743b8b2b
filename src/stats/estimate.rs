//! Across-replication estimates: the mean of independent replications and its 95% confidence half-width.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Mean of independent replications with a 95% Student-t confidence half-width.
///
/// Replications in which a metric is undefined (NaN, e.g. ASA when no call was answered) are left out of that
/// metric. With fewer than two defined replications the half-width is `None`; with none the mean is too.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Estimate {
    /// Mean over the replications (`null` in JSON when undefined).
    pub mean: Option<f64>,
    /// 95% confidence half-width: the interval is `mean ± ci95`.
    pub ci95: Option<f64>,
}

impl Estimate {
    /// The estimate from one value per replication.
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
        match n {
            0 => Estimate { mean: None, ci95: None },
            1 => Estimate {
                mean: Some(mean),
                ci95: None,
            },
            _ => {
                let variance = m2 / (n - 1) as f64;
                let half = t_quantile_975(n - 1) * (variance / n as f64).sqrt();
                Estimate {
                    mean: Some(mean),
                    ci95: Some(half),
                }
            }
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

    /// True when the interval `mean ± ci95` contains `value`.
    pub fn covers(&self, value: f64) -> bool {
        match (self.mean, self.ci95) {
            (Some(m), Some(h)) => (m - value).abs() <= h,
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
    }

    #[test]
    fn undefined_replications_are_left_out() {
        let e = Estimate::from_samples([f64::NAN, 2.0]);
        assert_eq!(
            e,
            Estimate {
                mean: Some(2.0),
                ci95: None
            }
        );
        assert_eq!(Estimate::from_samples([f64::NAN]).mean, None);
    }
}
