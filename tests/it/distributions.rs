//! Validation of every duration distribution: sample mean and cv against the exact values (inside 99.9%
//! normal-theory bounds) and a Kolmogorov-Smirnov goodness-of-fit test against the exact CDF.

use callsim::distribution::DurationDistribution;
use callsim::engine::{Stream, stream_rng};

fn all() -> Vec<DurationDistribution> {
    vec![
        DurationDistribution::exponential(180.0).unwrap(),
        DurationDistribution::lognormal(180.0, 0.8).unwrap(),
        DurationDistribution::gamma(120.0, 1.5).unwrap(),
        DurationDistribution::erlang(300.0, 4).unwrap(),
        DurationDistribution::weibull(200.0, 0.7).unwrap(),
        DurationDistribution::weibull(200.0, 2.5).unwrap(),
        DurationDistribution::uniform(30.0, 90.0).unwrap(),
        DurationDistribution::constant(42.0).unwrap(),
        DurationDistribution::empirical(vec![10.0, 20.0, 20.0, 95.0]).unwrap(),
    ]
}

#[test]
fn sample_mean_and_cv_match_the_exact_values() {
    const N: usize = 200_000;
    for (index, dist) in all().into_iter().enumerate() {
        let mut rng = stream_rng(17, index as u32, Stream::Service(0));
        let samples: Vec<f64> = (0..N).map(|_| dist.sample(&mut rng)).collect();
        let mean = samples.iter().sum::<f64>() / N as f64;
        let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (N - 1) as f64;
        let sd = dist.variance().sqrt();
        let mean_bound = 3.3 * sd / (N as f64).sqrt() + 1e-9;
        assert!(
            (mean - dist.mean()).abs() <= mean_bound,
            "{}: sample mean {mean}, exact {}, bound {mean_bound}",
            dist.family(),
            dist.mean()
        );
        // cv: allow 3% relative (heavy tails make the variance noisy), exact for constant.
        let cv = var.sqrt() / mean;
        assert!(
            (cv - dist.cv()).abs() <= 0.03 * dist.cv() + 1e-9,
            "{}: sample cv {cv}, exact {}",
            dist.family(),
            dist.cv()
        );
    }
}

#[test]
fn kolmogorov_smirnov_accepts_every_continuous_family() {
    const N: usize = 20_000;
    // Critical value of the KS statistic at the 0.1% level.
    let critical = 1.949 / (N as f64).sqrt();
    for (index, dist) in all().into_iter().enumerate() {
        if matches!(
            dist,
            DurationDistribution::Constant { .. } | DurationDistribution::Empirical { .. }
        ) {
            continue;
        }
        let mut rng = stream_rng(23, index as u32, Stream::Patience(0));
        let mut samples: Vec<f64> = (0..N).map(|_| dist.sample(&mut rng)).collect();
        samples.sort_by(f64::total_cmp);
        let d = samples
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                let f = dist.cdf(x).unwrap();
                (f - i as f64 / N as f64)
                    .abs()
                    .max(((i + 1) as f64 / N as f64 - f).abs())
            })
            .fold(0.0, f64::max);
        assert!(
            d < critical,
            "{}: KS statistic {d} above critical {critical}",
            dist.family()
        );
    }
}

#[test]
fn ks_rejects_a_wrong_distribution() {
    // The test has power: lognormal samples are not exponential with the same mean.
    const N: usize = 20_000;
    let lognormal = DurationDistribution::lognormal(180.0, 0.8).unwrap();
    let exponential = DurationDistribution::exponential(180.0).unwrap();
    let mut rng = stream_rng(1, 0, Stream::Service(1));
    let mut samples: Vec<f64> = (0..N).map(|_| lognormal.sample(&mut rng)).collect();
    samples.sort_by(f64::total_cmp);
    let d = samples
        .iter()
        .enumerate()
        .map(|(i, &x)| (exponential.cdf(x).unwrap() - (i + 1) as f64 / N as f64).abs())
        .fold(0.0, f64::max);
    assert!(d > 1.949 / (N as f64).sqrt());
}

#[test]
fn empirical_resamples_only_the_given_values() {
    let dist = DurationDistribution::empirical(vec![10.0, 20.0, 95.0]).unwrap();
    let mut rng = stream_rng(3, 0, Stream::Service(0));
    for _ in 0..1000 {
        let x = dist.sample(&mut rng);
        assert!([10.0, 20.0, 95.0].contains(&x));
    }
}

/// Every family at the edges of what a scenario accepts: each sample is finite and non-negative, and the share
/// of samples at or below the exact mean matches the exact CDF there (a binomial check inside 99.9% bounds, valid
/// for heavy tails where the sample mean converges too slowly to test).
#[test]
fn extreme_parameters_sample_finite_values_with_the_right_law() {
    use callsim::limits::{MAX_DURATION_S, MIN_CV};
    use rand::SeedableRng;
    const N: usize = 40_000;
    let mut cases = Vec::new();
    for mean in [1e-6, 1.0, MAX_DURATION_S] {
        cases.push(DurationDistribution::exponential(mean).unwrap());
        cases.push(DurationDistribution::constant(mean).unwrap());
        cases.push(DurationDistribution::uniform(0.0, mean).unwrap());
        for cv in [MIN_CV, 1.0, callsim::distribution::MAX_CV] {
            cases.push(DurationDistribution::lognormal(mean, cv).unwrap());
            cases.push(DurationDistribution::gamma(mean, cv).unwrap());
        }
        for k in [1, 1000] {
            cases.push(DurationDistribution::erlang(mean, k).unwrap());
        }
        let (low, high) = callsim::distribution::WEIBULL_SHAPE_RANGE;
        for shape in [low, 1.0, high] {
            cases.push(DurationDistribution::weibull(mean, shape).unwrap());
        }
        cases.push(DurationDistribution::empirical(vec![0.0, mean]).unwrap());
    }
    for (index, dist) in cases.iter().enumerate() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(index as u64);
        let samples: Vec<f64> = (0..N).map(|_| dist.sample(&mut rng)).collect();
        assert!(
            samples.iter().all(|x| x.is_finite() && *x >= 0.0),
            "{} mean {} cv {}: a sample is not a finite duration",
            dist.family(),
            dist.mean(),
            dist.cv()
        );
        let Some(p) = dist.cdf(dist.mean()) else { continue };
        let share = samples.iter().filter(|&&x| x <= dist.mean()).count() as f64 / N as f64;
        let bound = 3.3 * (p * (1.0 - p) / N as f64).sqrt() + 1e-3;
        assert!(
            (share - p).abs() <= bound,
            "{} mean {} cv {}: {share} of samples at or below the mean, exact {p}",
            dist.family(),
            dist.mean(),
            dist.cv()
        );
    }
}

/// Parameters that cannot be sampled are refused in the scenario's words, never with a sampler's raw text.
#[test]
fn unsampleable_parameters_are_refused_in_the_scenarios_words() {
    for (result, words) in [
        (DurationDistribution::gamma(60.0, 1e-155), "cv must be from"),
        (DurationDistribution::gamma(60.0, 1e-300), "constant"),
        (DurationDistribution::lognormal(60.0, 0.0), "cv must be from"),
        (DurationDistribution::gamma(60.0, f64::INFINITY), "cv must be from"),
        (DurationDistribution::exponential(1e300), "at most"),
        (DurationDistribution::lognormal(f64::NAN, 1.0), "mean must be"),
        (DurationDistribution::weibull(60.0, 0.01), "shape must be"),
        (DurationDistribution::erlang(60.0, 0), "k must be"),
        (DurationDistribution::uniform(0.0, 1e300), "uniform needs"),
        (DurationDistribution::empirical(vec![1e300]), "values must"),
        (DurationDistribution::empirical(vec![0.0, 0.0]), "values"),
    ] {
        let message = result.unwrap_err();
        assert!(message.contains(words), "{message:?} does not say {words:?}");
    }
}
