//! Patience from censored waits: the Kaplan-Meier estimator and the exponential fitted by maximum likelihood.
//!
//! A caller's patience is seen only when they abandon (their wait *is* their patience); an answered caller's
//! patience is only known to exceed their wait (right-censored at it), and so is that of a caller who left by the
//! queue's timeout. The mean wait of abandoned calls alone (the naive estimator, [`naive_mean`]) therefore
//! describes the impatient: it is biased low, and the more so the better the service (Brown et al. 2005, JASA
//! 100:36-50, section 5; Mandelbaum and Zeltyn 2013). The right estimators:
//!
//! - **Kaplan-Meier** (Kaplan and Meier 1958, JASA 53:457-481): at each distinct abandon time `t_j` with `d_j`
//!   abandons among the `n_j` callers still waiting just before `t_j` (abandoned or censored at `t_j` or later),
//!   `S(t) = prod_{t_j <= t} (1 - d_j / n_j)`; a censored wait equal to an abandon time counts as still at risk
//!   there (the usual convention). Greenwood's variance `S(t)^2 sum d_j / (n_j (n_j - d_j))` gives its band.
//! - **Exponential by maximum likelihood under censoring**: with `d` abandons and total time waited `T` by every
//!   caller (abandoned and censored alike), the mean patience is `T / d`, with standard error `T / d / sqrt(d)`
//!   (the observed information).

use super::sample::Sample;

/// One step of the Kaplan-Meier curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KmStep {
    /// The abandon time in seconds.
    pub time: f64,
    /// Callers still waiting just before it.
    pub at_risk: u64,
    /// Callers abandoning at it.
    pub abandons: u64,
    /// `S(time)`: the share of callers whose patience exceeds `time`.
    pub survival: f64,
    /// Greenwood's standard error of `survival`.
    pub se: f64,
}

/// The Kaplan-Meier estimate of the patience survival function from the waits of callers who abandoned
/// (`abandoned`) and of callers whose patience was censored at their wait (`censored`: answered, or gone by a
/// timeout).
pub fn kaplan_meier(abandoned: &Sample, censored: &Sample) -> Vec<KmStep> {
    let mut at_risk = abandoned.count() + censored.count();
    let mut censored_values = censored.iter().peekable();
    let (mut survival, mut greenwood) = (1.0, 0.0);
    let mut steps = Vec::with_capacity(abandoned.distinct());
    for (time, abandons) in abandoned.iter() {
        // Censored strictly before this abandon time leave the risk set first.
        while let Some(&(c_time, c_count)) = censored_values.peek() {
            if c_time < time {
                at_risk -= c_count;
                censored_values.next();
            } else {
                break;
            }
        }
        let n = at_risk as f64;
        let d = abandons as f64;
        survival *= 1.0 - d / n;
        if at_risk > abandons {
            greenwood += d / (n * (n - d));
        }
        steps.push(KmStep {
            time,
            at_risk,
            abandons,
            survival,
            se: survival * greenwood.sqrt(),
        });
        at_risk -= abandons;
    }
    steps
}

/// `S(t)` read from Kaplan-Meier steps (1 before the first abandon).
pub fn survival_at(steps: &[KmStep], t: f64) -> f64 {
    match steps.partition_point(|s| s.time <= t) {
        0 => 1.0,
        i => steps[i - 1].survival,
    }
}

/// The exponential patience fitted under censoring: mean and its standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExponentialPatience {
    /// Mean patience in seconds, `T / d`.
    pub mean: f64,
    /// Its standard error, `mean / sqrt(d)`.
    pub se: f64,
    /// Abandons `d`.
    pub abandons: u64,
    /// Callers whose patience is censored.
    pub censored: u64,
}

/// The censored maximum-likelihood exponential patience; `None` without abandons.
pub fn exponential_patience(abandoned: &Sample, censored: &Sample) -> Option<ExponentialPatience> {
    let d = abandoned.count();
    if d == 0 {
        return None;
    }
    let mean = (abandoned.sum() + censored.sum()) / d as f64;
    Some(ExponentialPatience {
        mean,
        se: mean / (d as f64).sqrt(),
        abandons: d,
        censored: censored.count(),
    })
}

/// The naive (biased) mean patience: the mean wait of the callers who abandoned, ignoring everyone answered.
pub fn naive_mean(abandoned: &Sample) -> f64 {
    abandoned.mean()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(values: &[f64]) -> Sample {
        let mut s = Sample::new();
        for &v in values {
            s.add(v);
        }
        s
    }

    /// By hand: abandons at 10, 20, 20, 40; censored (answered) at 5, 20, 30, 50.
    /// t = 10: 7 at risk (8 minus the one censored at 5), 1 abandons: S = 6/7.
    /// t = 20: 6 at risk (the censored 20 still counts), 2 abandon: S = 6/7 * 4/6 = 4/7.
    /// t = 40: 2 at risk (3 left after 20, minus the censored 30), 1 abandons: S = 4/7 * 1/2 = 2/7.
    #[test]
    fn kaplan_meier_matches_a_hand_computed_example() {
        let steps = kaplan_meier(&sample(&[10.0, 20.0, 20.0, 40.0]), &sample(&[5.0, 20.0, 30.0, 50.0]));
        let got: Vec<(f64, u64, u64)> = steps.iter().map(|s| (s.time, s.at_risk, s.abandons)).collect();
        assert_eq!(got, vec![(10.0, 7, 1), (20.0, 6, 2), (40.0, 2, 1)]);
        for (step, exact) in steps.iter().zip([6.0 / 7.0, 4.0 / 7.0, 2.0 / 7.0]) {
            assert!((step.survival - exact).abs() < 1e-12, "{step:?} vs {exact}");
        }
        // Greenwood at t = 20: S^2 (1/(7*6) + 2/(6*4)).
        let greenwood = (4.0f64 / 7.0).powi(2) * (1.0 / 42.0 + 2.0 / 24.0);
        assert!((steps[1].se - greenwood.sqrt()).abs() < 1e-12);
        assert_eq!(survival_at(&steps, 9.0), 1.0);
        assert!((survival_at(&steps, 25.0) - 4.0 / 7.0).abs() < 1e-12);
        // Exponential under censoring: total time 90 + 105 = 195 over 4 abandons.
        let exp = exponential_patience(&sample(&[10.0, 20.0, 20.0, 40.0]), &sample(&[5.0, 20.0, 30.0, 50.0]));
        assert_eq!(exp.unwrap().mean, 195.0 / 4.0);
        // The naive mean of the abandons alone is 22.5: less than half.
        assert_eq!(naive_mean(&sample(&[10.0, 20.0, 20.0, 40.0])), 22.5);
    }
}
