//! Random durations: handle times, patience, and anything else measured in seconds.
//!
//! Every variant is parameterised by its **mean in seconds** (never a rate: the classic call-center bug), plus a
//! shape parameter where the family has one, and knows its exact mean and variance so that tests and analytic
//! formulas can check the simulator against them. Sampling uses `rand_distr`; this module only translates the
//! planner's parameters (mean, cv) into each family's native ones.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1, Gamma, LogNormal, Weibull};

/// A distribution of non-negative durations in seconds.
#[derive(Debug, Clone)]
pub enum DurationDistribution {
    /// Exponential with the given mean: memoryless, cv = 1. Density `f(x) = exp(-x/mean)/mean`.
    Exponential {
        /// Mean in seconds.
        mean: f64,
    },
    /// Lognormal with the given mean and coefficient of variation (cv = standard deviation / mean):
    /// `ln X ~ Normal(mu, sigma)` with `sigma^2 = ln(1 + cv^2)` and `mu = ln(mean) - sigma^2 / 2`.
    /// Real handle times are close to lognormal (Brown et al., 2005, JASA 100:36-50).
    LogNormal {
        /// Mean in seconds.
        mean: f64,
        /// Coefficient of variation.
        cv: f64,
        /// The sampler.
        sampler: LogNormal<f64>,
    },
    /// Gamma with the given mean and cv: shape `1/cv^2`, scale `mean * cv^2`.
    Gamma {
        /// Mean in seconds.
        mean: f64,
        /// Coefficient of variation.
        cv: f64,
        /// The sampler.
        sampler: Gamma<f64>,
    },
    /// Erlang-k: the sum of `k` exponential phases each of mean `mean / k`; cv = `1/sqrt(k)`.
    Erlang {
        /// Mean in seconds.
        mean: f64,
        /// Number of phases.
        k: u32,
        /// The sampler (a gamma with integer shape).
        sampler: Gamma<f64>,
    },
    /// Weibull with the given mean and shape `k`: scale `mean / Gamma(1 + 1/k)`. Shape 1 is exponential;
    /// below 1 the tail is heavier, above 1 lighter.
    Weibull {
        /// Mean in seconds.
        mean: f64,
        /// Shape parameter `k`.
        shape: f64,
        /// The sampler.
        sampler: Weibull<f64>,
    },
    /// Uniform on `[min, max]` seconds.
    Uniform {
        /// Smallest value in seconds.
        min: f64,
        /// Largest value in seconds.
        max: f64,
    },
    /// Always the same value (cv = 0).
    Constant {
        /// The value in seconds.
        value: f64,
    },
    /// Resamples a list of observed durations, each with equal probability.
    Empirical {
        /// The observations in seconds.
        values: Vec<f64>,
    },
}

/// Largest coefficient of variation accepted for lognormal and gamma.
pub const MAX_CV: f64 = 20.0;
pub use crate::limits::MIN_CV;
/// Smallest and largest Weibull shape accepted (outside it the mean's gamma function loses precision).
pub const WEIBULL_SHAPE_RANGE: (f64, f64) = (0.1, 50.0);

/// Means (and uniform bounds, empirical values) are durations from just above 0s to
/// [`MAX_DURATION_S`](crate::limits::MAX_DURATION_S): every sample of every family is then finite.
fn check_mean(mean: f64) -> Result<(), String> {
    use crate::limits::MAX_DURATION_S;
    if mean.is_finite() && mean > 0.0 && mean <= MAX_DURATION_S {
        Ok(())
    } else {
        Err(format!(
            "mean must be a duration greater than 0s and at most {MAX_DURATION_S:.0}s, got {mean}s"
        ))
    }
}

fn check_cv(cv: f64) -> Result<(), String> {
    if cv.is_finite() && (MIN_CV..=MAX_CV).contains(&cv) {
        Ok(())
    } else if (0.0..MIN_CV).contains(&cv) {
        Err(format!(
            "cv must be from {MIN_CV} to {MAX_CV}, got {cv}; for no variation use distribution = \"constant\""
        ))
    } else {
        Err(format!("cv must be from {MIN_CV} to {MAX_CV}, got {cv}"))
    }
}

/// A sampler's constructor failed although our own checks passed: say so in the scenario's words.
fn refused(family: &str, error: impl std::fmt::Display) -> String {
    format!("{family} parameters cannot be sampled ({error}); choose a less extreme mean or shape")
}

impl DurationDistribution {
    /// Exponential with the given mean in seconds.
    pub fn exponential(mean: f64) -> Result<Self, String> {
        check_mean(mean)?;
        Ok(Self::Exponential { mean })
    }

    /// Lognormal with the given mean in seconds and coefficient of variation.
    pub fn lognormal(mean: f64, cv: f64) -> Result<Self, String> {
        check_mean(mean)?;
        check_cv(cv)?;
        let sigma2 = (1.0 + cv * cv).ln();
        let sampler = LogNormal::new(mean.ln() - sigma2 / 2.0, sigma2.sqrt()).map_err(|e| refused("lognormal", e))?;
        Ok(Self::LogNormal { mean, cv, sampler })
    }

    /// Gamma with the given mean in seconds and coefficient of variation.
    pub fn gamma(mean: f64, cv: f64) -> Result<Self, String> {
        check_mean(mean)?;
        check_cv(cv)?;
        let sampler = Gamma::new(1.0 / (cv * cv), mean * cv * cv).map_err(|e| refused("gamma", e))?;
        Ok(Self::Gamma { mean, cv, sampler })
    }

    /// Erlang with `k` phases and the given mean in seconds.
    pub fn erlang(mean: f64, k: u32) -> Result<Self, String> {
        check_mean(mean)?;
        if k == 0 || k > 1000 {
            return Err(format!("k must be a whole number of phases from 1 to 1000, got {k}"));
        }
        let sampler = Gamma::new(k as f64, mean / k as f64).map_err(|e| refused("erlang", e))?;
        Ok(Self::Erlang { mean, k, sampler })
    }

    /// Weibull with the given mean in seconds and shape.
    pub fn weibull(mean: f64, shape: f64) -> Result<Self, String> {
        check_mean(mean)?;
        let (low, high) = WEIBULL_SHAPE_RANGE;
        if !(shape.is_finite() && (low..=high).contains(&shape)) {
            return Err(format!("shape must be from {low} to {high}, got {shape}"));
        }
        let scale = mean / statrs::function::gamma::gamma(1.0 + 1.0 / shape);
        let sampler = Weibull::new(scale, shape).map_err(|e| refused("weibull", e))?;
        Ok(Self::Weibull { mean, shape, sampler })
    }

    /// Uniform between `min` and `max` seconds.
    pub fn uniform(min: f64, max: f64) -> Result<Self, String> {
        use crate::limits::MAX_DURATION_S;
        if !(min.is_finite() && max.is_finite() && min >= 0.0 && max > min && max <= MAX_DURATION_S) {
            return Err(format!(
                "uniform needs 0s <= min < max <= {MAX_DURATION_S:.0}s, got min {min}s and max {max}s"
            ));
        }
        Ok(Self::Uniform { min, max })
    }

    /// Always `value` seconds.
    pub fn constant(value: f64) -> Result<Self, String> {
        check_mean(value)?;
        Ok(Self::Constant { value })
    }

    /// Resampling of observed durations in seconds.
    pub fn empirical(values: Vec<f64>) -> Result<Self, String> {
        if values.is_empty() {
            return Err("values must list at least one duration".to_string());
        }
        use crate::limits::MAX_DURATION_S;
        if values
            .iter()
            .any(|v| !(v.is_finite() && (0.0..=MAX_DURATION_S).contains(v)))
        {
            return Err(format!("values must all be durations from 0s to {MAX_DURATION_S:.0}s"));
        }
        if values.iter().all(|v| *v == 0.0) {
            return Err("values must not all be 0s: the mean duration must be greater than 0s".to_string());
        }
        Ok(Self::Empirical { values })
    }

    /// Family name as written in scenario files.
    pub fn family(&self) -> &'static str {
        match self {
            Self::Exponential { .. } => "exponential",
            Self::LogNormal { .. } => "lognormal",
            Self::Gamma { .. } => "gamma",
            Self::Erlang { .. } => "erlang",
            Self::Weibull { .. } => "weibull",
            Self::Uniform { .. } => "uniform",
            Self::Constant { .. } => "constant",
            Self::Empirical { .. } => "empirical",
        }
    }

    /// Exact mean in seconds.
    pub fn mean(&self) -> f64 {
        match self {
            Self::Exponential { mean }
            | Self::LogNormal { mean, .. }
            | Self::Gamma { mean, .. }
            | Self::Erlang { mean, .. }
            | Self::Weibull { mean, .. } => *mean,
            Self::Uniform { min, max } => (min + max) / 2.0,
            Self::Constant { value } => *value,
            Self::Empirical { values } => values.iter().sum::<f64>() / values.len() as f64,
        }
    }

    /// Exact variance in seconds squared.
    pub fn variance(&self) -> f64 {
        match self {
            Self::Exponential { mean } => mean * mean,
            Self::LogNormal { mean, cv, .. } | Self::Gamma { mean, cv, .. } => (mean * cv).powi(2),
            Self::Erlang { mean, k, .. } => mean * mean / *k as f64,
            Self::Weibull { mean, shape, .. } => {
                let g1 = statrs::function::gamma::gamma(1.0 + 1.0 / shape);
                let g2 = statrs::function::gamma::gamma(1.0 + 2.0 / shape);
                let scale = mean / g1;
                scale * scale * (g2 - g1 * g1)
            }
            Self::Uniform { min, max } => (max - min).powi(2) / 12.0,
            Self::Constant { .. } => 0.0,
            Self::Empirical { values } => {
                let mean = self.mean();
                values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64
            }
        }
    }

    /// Coefficient of variation (standard deviation / mean).
    pub fn cv(&self) -> f64 {
        self.variance().sqrt() / self.mean()
    }

    /// True for the exponential family, which the Erlang formulas assume.
    pub fn is_exponential(&self) -> bool {
        matches!(self, Self::Exponential { .. })
    }

    /// Exact cumulative distribution function `P(X <= x)`, where it has a closed form (used by goodness-of-fit
    /// tests); `None` for the empirical family.
    pub fn cdf(&self, x: f64) -> Option<f64> {
        use statrs::distribution::{ContinuousCDF, Gamma as GammaCdf, LogNormal as LogNormalCdf};
        if x < 0.0 {
            return Some(0.0);
        }
        Some(match self {
            Self::Exponential { mean } => 1.0 - (-x / mean).exp(),
            Self::LogNormal { mean, cv, .. } => {
                let sigma2 = (1.0 + cv * cv).ln();
                LogNormalCdf::new(mean.ln() - sigma2 / 2.0, sigma2.sqrt()).ok()?.cdf(x)
            }
            Self::Gamma { mean, cv, .. } => GammaCdf::new(1.0 / (cv * cv), 1.0 / (mean * cv * cv)).ok()?.cdf(x),
            Self::Erlang { mean, k, .. } => GammaCdf::new(*k as f64, *k as f64 / mean).ok()?.cdf(x),
            Self::Weibull { mean, shape, .. } => {
                let scale = mean / statrs::function::gamma::gamma(1.0 + 1.0 / shape);
                1.0 - (-(x / scale).powf(*shape)).exp()
            }
            Self::Uniform { min, max } => ((x - min) / (max - min)).clamp(0.0, 1.0),
            Self::Constant { value } => {
                if x >= *value {
                    1.0
                } else {
                    0.0
                }
            }
            Self::Empirical { .. } => return None,
        })
    }

    /// Draws one duration in seconds.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Self::Exponential { mean } => {
                let unit: f64 = Exp1.sample(rng);
                mean * unit
            }
            Self::LogNormal { sampler, .. } => sampler.sample(rng),
            Self::Gamma { sampler, .. } | Self::Erlang { sampler, .. } => sampler.sample(rng),
            Self::Weibull { sampler, .. } => sampler.sample(rng),
            Self::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
            Self::Constant { value } => *value,
            Self::Empirical { values } => values[rng.random_range(0..values.len())],
        }
    }
}
