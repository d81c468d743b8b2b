//! Helpers shared by the integration tests, above all [`Checks`]: simultaneous confidence intervals for the
//! validation tests.
//!
//! A validation test makes `k` assertions, each comparing a simulated quantity with its exact value. Each
//! assertion uses a Student-t interval at level `1 - FAMILY_ALPHA / k` (Bonferroni), so the whole test fails by
//! chance for at most `FAMILY_ALPHA` = 0.1% of seeds. The intervals come straight from the per-replication values
//! (`run_replications`), not from [`callsim::stats::Estimate`], whose half-widths are fixed at 95%.

#![allow(dead_code)]

use std::sync::Arc;

use callsim::run::simulate_replication;
use callsim::scenario::Scenario;
use callsim::stats::{Metric, ReplicationMetrics, WaitHistogram};
use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Runs the real `callsim` binary from the repository root.
pub fn callsim(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_callsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

/// A successful command's stdout (panics with its stderr otherwise).
pub fn stdout(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// A successful command's stdout read as one JSON object.
pub fn json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(output)).expect("stdout is one JSON object")
}

/// Parses scenario text, panicking with the error on failure (tests only).
pub fn scenario(text: &str) -> Scenario {
    Scenario::from_toml_str(text, "<test>").unwrap_or_else(|e| panic!("{e}"))
}

/// Every replication of `s`, in parallel and in replication order, each dropping its wait histograms as it
/// finishes (memory then stays small however many replications a validation test needs).
pub fn replications(s: &Scenario) -> Vec<ReplicationMetrics> {
    (0..s.replications)
        .into_par_iter()
        .map(|r| {
            let mut m = simulate_replication(s, r);
            m.drop_histograms();
            m
        })
        .collect()
}

/// [`replications`] of scenario `text` run with `seed` instead of its own.
pub fn run_with_seed(text: &str, seed: u64) -> Vec<ReplicationMetrics> {
    let mut s = scenario(text);
    s.seed = seed;
    replications(&s)
}

/// The total's value of `metric` in every replication.
pub fn total(runs: &[ReplicationMetrics], metric: Metric) -> impl Iterator<Item = f64> + '_ {
    runs.iter().map(move |m| m.total[metric.index()])
}

/// Family-wise false-alarm rate of one validation test: the chance that a correct simulator fails it.
pub const FAMILY_ALPHA: f64 = 0.001;

/// Relative resolution of the wait histogram: a reported percentile is the midpoint of its bucket, within 0.4% (or
/// 0.5 ms, whichever is larger) of the sample percentile (see `src/stats/histogram.rs`).
pub const HISTOGRAM_RESOLUTION: f64 = 0.004;

/// Absolute resolution of the wait histogram near zero, in seconds.
pub const HISTOGRAM_FLOOR_S: f64 = 0.0005;

/// The Student-t quantile for one of `k` simultaneous two-sided intervals with family-wise level
/// `1 - FAMILY_ALPHA`, from `n` replications (`n - 1` degrees of freedom): `t_{n-1}(1 - FAMILY_ALPHA / (2k))`.
pub fn t_simultaneous(k: usize, n: usize) -> f64 {
    assert!(k >= 1 && n >= 2, "need an assertion and two replications");
    StudentsT::new(0.0, 1.0, (n - 1) as f64)
        .expect("positive degrees of freedom")
        .inverse_cdf(1.0 - FAMILY_ALPHA / (2.0 * k as f64))
}

/// The fraction of a histogram's values whose bucket midpoint is at most `x` seconds: the empirical distribution
/// function at `x`, read through the public `quantile` by bisection on the rank.
pub fn histogram_cdf(h: &WaitHistogram, x: f64) -> f64 {
    let total = h.count();
    if total == 0 {
        return f64::NAN;
    }
    // quantile((r - 0.5) / total) is the value of rank r; find the largest rank whose value is <= x.
    let at_most = |rank: u64| rank == 0 || h.quantile((rank as f64 - 0.5) / total as f64) <= x;
    let (mut low, mut high) = (0u64, total); // at_most(low) holds; find the last rank where it does
    if at_most(high) {
        return 1.0;
    }
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if at_most(mid) {
            low = mid;
        } else {
            high = mid;
        }
    }
    low as f64 / total as f64
}

fn mean_and_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// Scale factors of the exact value at which a check can be evaluated: the exact value itself and a bias of 2%
/// either way (the calibration's mutation). Percentile checks precompute their tallies at these points.
pub const SCALES: [f64; 3] = [1.0, 1.02, 0.98];

/// One replication's contribution to a percentile check: its number of answered calls and, at each of the
/// points `exact x scale x (1 -/+ resolution)` for the scales in [`SCALES`], how many of them waited at most that
/// long (by bucket midpoint).
#[derive(Debug, Clone, Copy)]
pub struct QuantileRow {
    calls: f64,
    at_most: [f64; 6],
}

/// The points at which a percentile check reads each replication's distribution: for each scale in [`SCALES`],
/// the scaled exact value minus and plus the histogram's resolution.
fn quantile_points(exact: f64) -> [f64; 6] {
    let mut points = [0.0; 6];
    for (i, scale) in SCALES.iter().enumerate() {
        let x = exact * scale;
        let widen = (x * HISTOGRAM_RESOLUTION).max(HISTOGRAM_FLOOR_S);
        points[2 * i] = x - widen;
        points[2 * i + 1] = x + widen;
    }
    points
}

/// A replication's row for a percentile check whose exact value is `exact` (see [`Checks::quantile`]).
pub fn quantile_row(h: &WaitHistogram, exact: f64) -> QuantileRow {
    let calls = h.count() as f64;
    let at_most = quantile_points(exact).map(|x| if calls > 0.0 { calls * histogram_cdf(h, x) } else { 0.0 });
    QuantileRow { calls, at_most }
}

#[derive(Debug, Clone)]
enum Kind {
    /// One value per replication; the estimate is their mean.
    Mean(Vec<f64>),
    /// One row per replication and the waits of all replications merged.
    Quantile {
        p: f64,
        rows: Vec<QuantileRow>,
        merged: Arc<WaitHistogram>,
    },
}

#[derive(Debug, Clone)]
struct Check {
    what: String,
    kind: Kind,
    exact: f64,
}

/// One assertion's result at a given family size.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// What was compared.
    pub what: String,
    /// The estimate (mean of replications, or pooled percentile).
    pub estimate: f64,
    /// The simultaneous interval, widened by the histogram's resolution for percentiles.
    pub low: f64,
    /// Upper end of the interval.
    pub high: f64,
    /// The exact value the interval must cover (already scaled by a mutation factor, if any).
    pub target: f64,
    /// Standardised distance `(estimate - target) / standard error` (means only; NaN for percentiles).
    pub t: f64,
    /// Half the interval's width relative to the exact value.
    pub relative_half_width: f64,
    /// Chance that a bias of 2% in this quantity fails this assertion (normal approximation; means only).
    pub power_2pct: f64,
    /// Whether the assertion holds.
    pub pass: bool,
}

impl Outcome {
    /// True when the assertion holds: the interval covers the target.
    pub fn passes(&self) -> bool {
        self.pass
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: estimate {:.6}, simultaneous interval [{:.6}, {:.6}] (half-width {:.2}% of the value, power at 2% \
             {:.3}), exact {:.6}{}",
            self.what,
            self.estimate,
            self.low,
            self.high,
            100.0 * self.relative_half_width,
            self.power_2pct,
            self.target,
            if self.passes() { "" } else { "  <-- NOT COVERED" }
        )
    }
}

/// The assertions of one validation test, checked together with simultaneous (Bonferroni) intervals.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    checks: Vec<Check>,
}

impl Checks {
    /// No assertions yet.
    pub fn new() -> Checks {
        Checks::default()
    }

    /// Asserts that the mean of `per_replication` (one independent value per replication) is `exact`.
    pub fn mean(&mut self, what: &str, per_replication: impl IntoIterator<Item = f64>, exact: f64) -> &mut Checks {
        let values: Vec<f64> = per_replication.into_iter().collect();
        assert!(
            values.iter().all(|x| x.is_finite()),
            "{what}: undefined in a replication"
        );
        self.checks.push(Check {
            what: what.to_string(),
            kind: Kind::Mean(values),
            exact,
        });
        self
    }

    /// Asserts that the `p`-quantile of the waits of all replications together is `exact`: every call weighs the
    /// same, as in the stationary distribution. `rows` come from [`quantile_row`] (one per replication, with the
    /// same `exact`) and `merged` is every replication's histogram merged. The test is on the distribution function
    /// at the exact value: the share of calls that waited at most `exact` (a ratio estimator over replications,
    /// standard error by the delta method) must be `p` within a simultaneous t-interval, read at `exact` widened
    /// by the histogram's resolution (0.4% or 0.5 ms) on the side that favours the simulator. The interval printed
    /// for the percentile itself inverts the same half-width through the merged histogram.
    ///
    /// The summary's pooled percentiles weigh replications equally instead, which differs from this when
    /// replications are short (see `validation_queues::summary_percentiles_weigh_calls_not_days`).
    pub fn quantile(
        &mut self,
        what: &str,
        p: f64,
        exact: f64,
        rows: Vec<QuantileRow>,
        merged: &Arc<WaitHistogram>,
    ) -> &mut Checks {
        self.checks.push(Check {
            what: what.to_string(),
            kind: Kind::Quantile {
                p,
                rows,
                merged: Arc::clone(merged),
            },
            exact,
        });
        self
    }

    /// Number of assertions.
    pub fn len(&self) -> usize {
        self.checks.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.checks.is_empty()
    }

    /// Every assertion's outcome with each exact value multiplied by `scale` (1 for the real test; 1.02 to see
    /// whether a 2% bias would be caught).
    pub fn outcomes(&self, scale: f64) -> Vec<Outcome> {
        let k = self.checks.len();
        let z_power = Normal::new(0.0, 1.0).expect("standard normal");
        self.checks
            .iter()
            .map(|check| {
                let target = check.exact * scale;
                match &check.kind {
                    Kind::Mean(values) => {
                        let n = values.len();
                        let (mean, sd) = mean_and_sd(values);
                        let se = sd / (n as f64).sqrt();
                        let t = t_simultaneous(k, n);
                        let half = t * se;
                        let shift = 0.02 * check.exact.abs();
                        let power = if se > 0.0 {
                            z_power.cdf((shift - half) / se) + z_power.cdf((-shift - half) / se)
                        } else {
                            1.0
                        };
                        Outcome {
                            what: check.what.clone(),
                            estimate: mean,
                            low: mean - half,
                            high: mean + half,
                            target,
                            t: (mean - target) / se,
                            relative_half_width: half / check.exact.abs(),
                            power_2pct: power,
                            pass: (mean - target).abs() <= half,
                        }
                    }
                    Kind::Quantile { p, rows, merged } => {
                        let scale_index = SCALES
                            .iter()
                            .position(|&x| x == scale)
                            .expect("percentile checks are evaluated only at the scales in SCALES");
                        let n = rows.len() as f64;
                        let calls: f64 = rows.iter().map(|r| r.calls).sum();
                        let t = t_simultaneous(k, rows.len());
                        // Share of calls at most `point` with its simultaneous half-width.
                        let share_at = |point: usize| {
                            let share = rows.iter().map(|r| r.at_most[point]).sum::<f64>() / calls;
                            let squares: f64 = rows.iter().map(|r| (r.at_most[point] - share * r.calls).powi(2)).sum();
                            let se = (squares / (n * (n - 1.0))).sqrt() / (calls / n);
                            (share, t * se)
                        };
                        let (below, half_below) = share_at(2 * scale_index);
                        let (above, half_above) = share_at(2 * scale_index + 1);
                        let pass = below - half_below <= *p && *p <= above + half_above;
                        let half = half_below.max(half_above);
                        let estimate = merged.quantile(*p);
                        let widen = |x: f64| (x * HISTOGRAM_RESOLUTION).max(HISTOGRAM_FLOOR_S);
                        let low = merged.quantile((*p - half).max(1e-9));
                        let high = merged.quantile((*p + half).min(1.0));
                        let (low, high) = (low - widen(low), high + widen(high));
                        Outcome {
                            what: check.what.clone(),
                            estimate,
                            low,
                            high,
                            target,
                            t: f64::NAN,
                            relative_half_width: (high - low) / 2.0 / check.exact.abs(),
                            power_2pct: f64::NAN,
                            pass,
                        }
                    }
                }
            })
            .collect()
    }

    /// True when every interval covers its exact value times `scale`.
    pub fn passes(&self, scale: f64) -> bool {
        self.outcomes(scale).iter().all(Outcome::passes)
    }

    /// Panics, printing every assertion (estimate, interval, exact value), unless all intervals cover.
    pub fn assert_all(&self) {
        assert!(!self.checks.is_empty(), "a validation test must assert something");
        let outcomes = self.outcomes(1.0);
        if outcomes.iter().all(Outcome::passes) {
            return;
        }
        let lines: Vec<String> = outcomes.iter().map(|o| format!("  {o}")).collect();
        panic!(
            "simultaneous {:.1}% intervals (Bonferroni over k = {}) do not all cover the exact values:\n{}",
            100.0 * (1.0 - FAMILY_ALPHA),
            outcomes.len(),
            lines.join("\n")
        );
    }

    /// Every outcome, one per line (for sizing tests and for the calibration run).
    pub fn describe(&self) -> String {
        self.outcomes(1.0).iter().map(|o| format!("  {o}\n")).collect()
    }
}

/// The simultaneous quantile is Student's t at `1 - 0.001 / (2k)`: 3.29 for one assertion with many replications
/// (the normal's 99.95% point), 3.76 for six, and wider with few replications (5.29 for two from ten).
#[test]
fn simultaneous_t_quantiles() {
    assert!((t_simultaneous(1, 100_000) - 3.2905).abs() < 1e-3);
    assert!((t_simultaneous(6, 100_000) - 3.7650).abs() < 1e-3);
    assert!((t_simultaneous(2, 10) - 5.2907).abs() < 1e-3);
}

/// `histogram_cdf` counts the values whose bucket midpoint is at most `x`, exactly, by bisection on the rank.
#[test]
fn histogram_cdf_counts_values_at_most_x() {
    let mut h = WaitHistogram::new();
    for i in 0..1000 {
        h.record(i as f64 * 0.37); // 0 to 369.63 s
    }
    for x in [0.0, 0.2, 1.0, 50.0, 123.4, 369.0, 400.0] {
        // Each value's midpoint is within the resolution of the value: count with it, away from the edges.
        let direct = (0..1000).filter(|&i| i as f64 * 0.37 <= x * (1.0 - 0.005)).count();
        let upper = (0..1000)
            .filter(|&i| i as f64 * 0.37 <= x * (1.0 + 0.005) + 0.001)
            .count();
        let counted = histogram_cdf(&h, x) * 1000.0;
        assert!(
            direct as f64 <= counted + 1e-9 && counted <= upper as f64 + 1e-9,
            "x = {x}: counted {counted}, expected between {direct} and {upper}"
        );
    }
    assert!(histogram_cdf(&WaitHistogram::new(), 1.0).is_nan());
}

/// Writes `text`'s outputs with `callsim run` (20 replications) into a fresh folder named by `tag` and returns the
/// CSV files' bytes by name: for tests that a feature switched off is the model without it, byte for byte.
pub fn run_outputs(text: &str, tag: &str) -> Vec<(String, Vec<u8>)> {
    let dir = std::env::temp_dir().join(format!("callsim-outputs-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("scenario.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.join("out");
    stdout(&callsim(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--replications",
        "20",
    ]));
    let files = ["summary.csv", "intervals.csv", "replications.csv", "groups.csv"]
        .iter()
        .map(|name| (name.to_string(), std::fs::read(out.join(name)).unwrap()))
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    files
}
