//! Maximum-likelihood fits of the duration families callsim samples ([`DurationDistribution`]: exponential,
//! lognormal, gamma, Weibull), the choice among them by the Bayesian information criterion, and the
//! Kolmogorov-Smirnov distance of each fit from the data.
//!
//! The estimators (each maximising the log-likelihood of the `n` values `x_i`; logs of values below
//! [`LOG_FLOOR_S`](super::sample::LOG_FLOOR_S) taken at it):
//!
//! - exponential: mean `= mean(x)`;
//! - lognormal: `mu = mean(ln x)`, `sigma^2 = var(ln x)` (divided by `n`); mean `exp(mu + sigma^2/2)`, cv
//!   `sqrt(exp(sigma^2) - 1)`;
//! - gamma: shape `k` solves `ln k - digamma(k) = ln mean(x) - mean(ln x)` (bisection), scale `mean(x)/k`; mean
//!   `mean(x)`, cv `1/sqrt(k)`;
//! - Weibull: shape `k` solves `sum x^k ln x / sum x^k - 1/k = mean(ln x)` (bisection), scale
//!   `(mean(x^k))^(1/k)`; mean `scale * Gamma(1 + 1/k)`.
//!
//! The family with the smallest BIC (`p ln n - 2 log L`, `p` = 1 for the exponential, 2 for the others) is
//! chosen: unlike AIC's fixed penalty of 2 per parameter, BIC's grows with `n`, so with a log's thousands of calls
//! exponential data choose the exponential (not a gamma or Weibull of shape 1 +/- noise) except with a chance
//! below 0.2% (`P(chi2_1 > ln n)`), while a real difference of shape still wins.
//! The Kolmogorov-Smirnov distance `D = sup |F_n(x) - F(x)|` compares the data with each fit; for whole-second
//! data (a `queue_log`) each value stands for the half-second either side of it, so the fitted CDF is read at
//! `x +/- resolution` on the two sides of each step. Its p-value is Kolmogorov's asymptotic one with Stephens'
//! correction `(sqrt(n) + 0.12 + 0.11/sqrt(n)) D` (Stephens 1970, JRSS B 32:115-122); with parameters
//! estimated from the same data it is conservative (too large), and with tens of thousands of calls any real
//! departure shows, so read `D` itself as the size of the misfit.

use statrs::function::gamma::{digamma, gamma, ln_gamma};

use super::sample::{LOG_FLOOR_S, Sample};
use crate::distribution::DurationDistribution;

/// One family's fit.
#[derive(Debug, Clone)]
pub struct FamilyFit {
    /// The fitted distribution (parameterised by its mean, as scenario files write it).
    pub distribution: DurationDistribution,
    /// Log-likelihood at the estimate.
    pub log_likelihood: f64,
    /// The Bayesian information criterion, `p ln n - 2 log L`.
    pub bic: f64,
    /// Kolmogorov-Smirnov distance from the data.
    pub ks_d: f64,
    /// Its asymptotic p-value (conservative: parameters estimated from the same data).
    pub ks_p: f64,
}

/// Every family that could be fitted, best (smallest BIC) first.
#[derive(Debug, Clone)]
pub struct DurationFit {
    /// Number of values.
    pub n: u64,
    /// Mean of the values.
    pub sample_mean: f64,
    /// Standard error of the sample mean (sd / sqrt(n)).
    pub mean_se: f64,
    /// The fits, chosen first.
    pub fits: Vec<FamilyFit>,
}

impl DurationFit {
    /// The chosen fit (smallest BIC).
    pub fn best(&self) -> &FamilyFit {
        &self.fits[0]
    }
}

/// Fits every family to `sample` (at least two distinct values needed for the two-parameter ones), whose
/// values are exact to `resolution` seconds either side (0.5 for whole seconds, 0 for exact values). `None` when
/// the sample is empty or all zero.
pub fn fit_durations(sample: &Sample, resolution: f64) -> Option<DurationFit> {
    let n = sample.count();
    if n == 0 || sample.mean() <= 0.0 {
        return None;
    }
    let mut fits = Vec::new();
    let candidates = [
        exponential(sample),
        lognormal(sample),
        gamma_fit(sample),
        weibull(sample),
    ];
    for (distribution, log_likelihood, parameters) in candidates.into_iter().flatten() {
        let (ks_d, ks_p) = kolmogorov_smirnov(sample, &distribution, resolution);
        fits.push(FamilyFit {
            distribution,
            log_likelihood,
            bic: parameters * (n as f64).ln() - 2.0 * log_likelihood,
            ks_d,
            ks_p,
        });
    }
    if fits.is_empty() {
        return None;
    }
    fits.sort_by(|a, b| a.bic.total_cmp(&b.bic));
    Some(DurationFit {
        n,
        sample_mean: sample.mean(),
        mean_se: sample.sd() / (n as f64).sqrt(),
        fits,
    })
}

type Candidate = Option<(DurationDistribution, f64, f64)>;

fn exponential(s: &Sample) -> Candidate {
    let n = s.count() as f64;
    let mean = s.mean();
    let ll = -n * mean.ln() - n;
    Some((DurationDistribution::exponential(mean).ok()?, ll, 1.0))
}

fn lognormal(s: &Sample) -> Candidate {
    let n = s.count() as f64;
    let (mu, var) = (s.mean_ln(), s.var_ln());
    if var <= 0.0 {
        return None;
    }
    let ll = -n * mu - n * (2.0 * std::f64::consts::PI * var).sqrt().ln() - n / 2.0;
    let mean = (mu + var / 2.0).exp();
    let cv = (var.exp() - 1.0).sqrt();
    Some((DurationDistribution::lognormal(mean, cv).ok()?, ll, 2.0))
}

/// Solves `f(x) = 0` for an `f` decreasing in `x` on `[low, high]` by bisection (in `ln x`); `None` if no root lies
/// there.
fn bisect_decreasing(low: f64, high: f64, f: impl Fn(f64) -> f64) -> Option<f64> {
    let (mut a, mut b) = (low.ln(), high.ln());
    if f(a.exp()) < 0.0 || f(b.exp()) > 0.0 {
        return None;
    }
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        if f(m.exp()) > 0.0 {
            a = m;
        } else {
            b = m;
        }
    }
    Some((0.5 * (a + b)).exp())
}

fn gamma_fit(s: &Sample) -> Candidate {
    let n = s.count() as f64;
    let mean = s.mean();
    let target = mean.ln() - s.mean_ln();
    if target <= 0.0 {
        return None;
    }
    // ln k - digamma(k) decreases from +inf to 0 as k grows.
    let k = bisect_decreasing(1e-4, 1e8, |k| k.ln() - digamma(k) - target)?;
    let theta = mean / k;
    let ll = (k - 1.0) * n * s.mean_ln() - n * mean / theta - n * k * theta.ln() - n * ln_gamma(k);
    Some((DurationDistribution::gamma(mean, 1.0 / k.sqrt()).ok()?, ll, 2.0))
}

fn weibull(s: &Sample) -> Candidate {
    let n = s.count() as f64;
    let mean_ln = s.mean_ln();
    let values: Vec<(f64, f64, f64)> = s
        .iter()
        .map(|(x, c)| {
            let x = x.max(LOG_FLOOR_S);
            (x, x.ln(), c as f64)
        })
        .collect();
    // Scaled by the largest value so x^k never overflows.
    let top = values.last()?.0;
    let top_ln = top.ln();
    let moments = |k: f64| {
        let (mut sk, mut skl) = (0.0, 0.0);
        for &(_, ln, c) in &values {
            let w = c * (k * (ln - top_ln)).exp();
            sk += w;
            skl += w * ln;
        }
        (sk, skl)
    };
    // g(k) = sum x^k ln x / sum x^k - 1/k - mean(ln x) increases in k: bisect on -g.
    let k = bisect_decreasing(0.05, 100.0, |k| {
        let (sk, skl) = moments(k);
        -(skl / sk - 1.0 / k - mean_ln)
    })?;
    let (sk, _) = moments(k);
    // scale^k = mean(x^k) = top^k * sk / n
    let scale = top * (sk / n).powf(1.0 / k);
    let ll = n * k.ln() - n * k * scale.ln() + (k - 1.0) * n * mean_ln - n * (top / scale).powf(k) * (sk / n);
    let mean = scale * gamma(1.0 + 1.0 / k);
    Some((DurationDistribution::weibull(mean, k).ok()?, ll, 2.0))
}

/// The Kolmogorov-Smirnov distance of `sample` from `distribution`, values exact to `resolution` seconds either
/// side, and its asymptotic p-value.
pub fn kolmogorov_smirnov(sample: &Sample, distribution: &DurationDistribution, resolution: f64) -> (f64, f64) {
    let n = sample.count() as f64;
    let cdf = |x: f64| distribution.cdf(x).unwrap_or(f64::NAN);
    let mut below = 0.0;
    let mut d: f64 = 0.0;
    for (x, c) in sample.iter() {
        let before = below / n;
        below += c as f64;
        let after = below / n;
        d = d
            .max((before - cdf(x - resolution)).abs())
            .max((after - cdf(x + resolution)).abs());
    }
    (d, kolmogorov_p(d, n))
}

/// Kolmogorov's asymptotic `P(D_n > d)` with Stephens' small-sample correction.
pub fn kolmogorov_p(d: f64, n: f64) -> f64 {
    let root = n.sqrt();
    let lambda = (root + 0.12 + 0.11 / root) * d;
    if lambda < 0.2 {
        return 1.0;
    }
    let mut p = 0.0;
    for k in 1..=100 {
        let k = k as f64;
        let term = (-2.0 * k * k * lambda * lambda).exp();
        p += if k as u64 % 2 == 1 { 2.0 * term } else { -2.0 * term };
        if term < 1e-16 {
            break;
        }
    }
    p.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn sample_of(d: &DurationDistribution, n: usize) -> Sample {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let mut s = Sample::new();
        for _ in 0..n {
            s.add(d.sample(&mut rng));
        }
        s
    }

    #[test]
    fn each_family_is_chosen_for_its_own_data_and_recovers_its_parameters() {
        let cases = [
            DurationDistribution::exponential(180.0).unwrap(),
            DurationDistribution::lognormal(180.0, 0.8).unwrap(),
            DurationDistribution::gamma(180.0, 0.5).unwrap(),
            DurationDistribution::weibull(180.0, 1.6).unwrap(),
        ];
        for truth in cases {
            let fit = fit_durations(&sample_of(&truth, 40_000), 0.0).unwrap();
            let best = &fit.best().distribution;
            // The exponential is the gamma and Weibull of shape 1: BIC's penalty picks it.
            assert_eq!(best.family(), truth.family(), "{fit:#?}");
            assert!((best.mean() / truth.mean() - 1.0).abs() < 0.03, "{best:?}");
            assert!((best.cv() / truth.cv() - 1.0).abs() < 0.05, "{best:?}");
            assert!(fit.best().ks_d < 0.01, "{fit:#?}");
        }
    }

    #[test]
    fn kolmogorov_p_values_match_tables() {
        // P(sqrt(n) D > 1.358) = 0.05 and P(> 1.628) = 0.01 for large n.
        assert!((kolmogorov_p(1.358 / 1e3, 1e6) - 0.05).abs() < 1e-3);
        assert!((kolmogorov_p(1.628 / 1e3, 1e6) - 0.01).abs() < 1e-3);
    }
}
