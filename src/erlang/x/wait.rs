//! The wait of a caller who joins the queue behind `j - 1` others, as a distribution function of the threshold.
//!
//! Ahead of the tagged caller the queue moves up at rate `c μ + i θ` when `i` callers (the tagged one included
//! or not, see below) are ahead of a free agent; arrivals behind never matter (FCFS). Both waits below are sums of
//! independent exponentials whose rates form an arithmetic progression `base + i θ`, `i = 0..j-1`, and such a sum
//! is `-ln(U) / θ` with `U ~ Beta(base / θ, j)`, so `P(T_j > t) = P(N <= j - 1)` for
//! `N ~ NegativeBinomial(r = base / θ, p = e^{-θ t})` (the identity [`crate::erlang::erlang_a`]'s module doc
//! derives). One pass over the positions gives every `P(T_j <= t)`, in log space, whatever `t` and `θ`; as
//! `θ -> 0` the negative binomial tends to the Poisson law of an Erlang wait.
//!
//! - The **wait of an answered caller** at position `j`: the caller leaves position `i` at rate `c μ + i θ`
//!   (moving up or hanging up itself), so `base = c μ + θ`; it is answered with probability `c μ / (c μ + j θ)`,
//!   independently of how long leaving took.
//! - The **virtual wait** (an infinitely patient caller at position `j`, the others still hanging up): it leaves
//!   position `i` at rate `c μ + (i - 1) θ`, so `base = c μ`.

use super::super::logsum::LogSum;

/// `P(T_j <= t)` for `j = 1..=positions`, `T_j` the sum of independent `Exp(base + i theta)`, `i = 0..j-1`.
pub fn cdf_by_position(base: f64, theta: f64, t: f64, positions: usize) -> Vec<f64> {
    if t <= 0.0 {
        return vec![0.0; positions];
    }
    // (1 - p) / θ with p = e^{-θ t}; tends to t as θ -> 0.
    let spread = if theta > 0.0 { -(-theta * t).exp_m1() / theta } else { t };
    // ln P(N = 0) = r ln p = -base t.
    let mut log_pmf = -base * t;
    let mut at_most = LogSum::default();
    let mut cdf = Vec::with_capacity(positions);
    for m in 0..positions {
        if m > 0 {
            // P(N = m) / P(N = m - 1) = (r + m - 1)(1 - p) / m = (base + (m - 1) θ) spread / m.
            log_pmf += ((base + (m - 1) as f64 * theta) * spread / m as f64).ln();
        }
        at_most.add(log_pmf);
        cdf.push(1.0 - at_most.ln().exp().min(1.0));
    }
    cdf
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two stages by convolution: `P(Exp(a) + Exp(b) <= t) = 1 - (b e^{-a t} - a e^{-b t}) / (b - a)`.
    #[test]
    fn two_stages_match_the_convolution() {
        let (base, theta, t): (f64, f64, f64) = (0.3, 0.05, 7.0);
        let (a, b) = (base, base + theta);
        let expected = 1.0 - (b * (-a * t).exp() - a * (-b * t).exp()) / (b - a);
        let cdf = cdf_by_position(base, theta, t, 2);
        assert!((cdf[0] - (1.0 - (-a * t).exp())).abs() < 1e-14);
        assert!((cdf[1] - expected).abs() < 1e-14, "{cdf:?} vs {expected}");
        // θ = 0: Erlang(2, base).
        let erlang = 1.0 - (-base * t).exp() * (1.0 + base * t);
        assert!((cdf_by_position(base, 0.0, t, 2)[1] - erlang).abs() < 1e-14);
    }
}
