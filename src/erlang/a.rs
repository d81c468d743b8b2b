//! Erlang A: the M/M/n+M queue, where callers hang up after an exponential patience.
//!
//! # Model and method
//!
//! Arrivals at rate `λ`, `n` agents each serving at rate `μ = 1/AHT`, each waiting caller abandoning at rate
//! `θ = 1/mean patience`. The number in system is a birth-death chain with birth rate `λ` and death rate
//! `k μ` for `k <= n`, `n μ + (k - n) θ` above. Its stationary law is computed exactly: the states up to `n` sum
//! to `π_n / B(n, A)` (Erlang B, stable recursion), and the states above `n` are summed in log space until the
//! terms are negligible, so loads of thousands of erlangs neither overflow nor underflow.
//!
//! By PASTA an arriving caller finds `k` in system with probability `π_k`. One finding `k >= n` joins the queue at
//! **position** `j = k - n + 1` (itself and `j - 1` callers ahead). At position `j` it moves up at rate
//! `n μ + (j - 1) θ` (a service completion or an abandonment ahead; at `j = 1` moving up means being answered)
//! and abandons at rate `θ`, so it leaves position `j` after an `Exp(n μ + j θ)` time. Hence
//! - `P(answered | j) = Π_{i=1..j} (nμ + (i-1)θ)/(nμ + iθ) = n μ / (n μ + j θ)` (the product telescopes);
//! - given answered, the wait is the sum of independent `Exp(n μ + i θ)`, `i = 1..j` (phase-type, hypoexponential),
//!   with mean `Σ_{i=1..j} 1/(n μ + i θ)`;
//! - the time to leave position `j` does not depend on whether the caller moves up or hangs up (competing
//!   exponentials), so `P(answered within T | j) = P(answered | j) P(S_j <= T)` with `S_j` that hypoexponential
//!   sum. Its rates `n μ + i θ` form an arithmetic progression, so `S_j` is `-ln(U) / θ` for
//!   `U ~ Beta(n μ / θ + 1, j)` (compare the Laplace transforms, `Π (nμ + iθ)/(nμ + iθ + s)`), and the incomplete
//!   beta with an integer second parameter is a negative binomial tail:
//!   `P(S_j > T) = P(N <= j - 1)` with `N ~ NegativeBinomial(r = n μ / θ + 1, p = e^{-θ T})`, whose probabilities
//!   `P(N = m) = C(r + m - 1, m) p^r (1 - p)^m` follow from one another. One pass over the positions gives the
//!   service level exactly, in O(positions) whatever `T`, the load or the patience (a patience of nanoseconds or a
//!   threshold of a century cost the same); as `θ -> 0` the ratio tends to the Erlang C (Poisson) one.
//!
//! References: Palm (1943); Garnett, Mandelbaum & Reiman, "Designing a call center with impatient customers",
//! MSOM 4(3), 2002; Mandelbaum & Zeltyn, "The Palm/Erlang-A queue, with applications to call centers" (2007).

use super::b::erlang_b;
use super::logsum::LogSum;

/// Stop summing the queue states once a term falls this far (natural log) below the largest.
const NEGLIGIBLE_LOG: f64 = -46.0;
/// At most this many queue positions are kept; a steady-state queue longer than this (heavy overload with
/// patience of years) is reported as [`ErlangA::truncated`] rather than summed (each carries under e^-46 of the mass beyond the mode).
pub const MAX_POSITIONS: usize = 2_000_000;

/// Erlang A figures.
#[derive(Debug, Clone, PartialEq)]
pub struct ErlangA {
    /// Offered load in erlangs.
    pub load: f64,
    /// Number of agents.
    pub agents: u32,
    /// Probability that an arriving caller waits (finds every agent busy).
    pub p_wait: f64,
    /// Probability that an arriving caller hangs up before being answered.
    pub p_abandon: f64,
    /// Mean number of callers on hold.
    pub mean_queue_length: f64,
    /// Mean wait of all callers in seconds, abandoned ones counting their time until hanging up.
    pub mean_wait: f64,
    /// Mean wait of answered callers in seconds (average speed of answer).
    pub asa: f64,
    /// Agent occupancy: carried load `A (1 - P(abandon))` divided by agents.
    pub occupancy: f64,
    /// True when the steady-state queue reaches beyond [`MAX_POSITIONS`] callers: the figures then describe a
    /// truncated queue and must not be shown as Erlang A's.
    pub truncated: bool,
    rates: ChainRates,
    /// Arrival distribution over queue positions: `positions[j - 1] = π_{n + j - 1}`.
    positions: Vec<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct ChainRates {
    /// Total service rate `n μ` when all agents are busy.
    service: f64,
    /// Abandonment rate of one waiting caller `θ`.
    abandon: f64,
}

/// The Erlang A model: `agents` agents, `calls_per_second` arrivals, mean handle time `aht` and mean patience
/// `patience` in seconds.
///
/// Always stable (callers leave), so any load is allowed; `agents` must be at least 1 while calls arrive. With no
/// arrivals nobody waits: every figure is 0 and the service level 1, whatever the agents.
///
/// ```
/// // 100 calls per 30 min, AHT 180 s, 13 agents, mean patience 5 min.
/// let a = callsim::erlang::erlang_a(13, 100.0 / 1800.0, 180.0, 300.0);
/// assert!((a.p_abandon - 0.025).abs() < 1e-3);
/// assert!((a.service_level(20.0) - 0.858).abs() < 1e-3);
/// ```
pub fn erlang_a(agents: u32, calls_per_second: f64, aht: f64, patience: f64) -> ErlangA {
    let load = calls_per_second * aht;
    if calls_per_second == 0.0 {
        return ErlangA {
            load,
            agents,
            p_wait: 0.0,
            p_abandon: 0.0,
            mean_queue_length: 0.0,
            mean_wait: 0.0,
            asa: 0.0,
            occupancy: 0.0,
            truncated: false,
            rates: ChainRates {
                service: agents as f64 / aht,
                abandon: 1.0 / patience,
            },
            positions: Vec::new(),
        };
    }
    let n = agents.max(1);
    let rates = ChainRates {
        service: n as f64 / aht,
        abandon: 1.0 / patience,
    };
    let lambda = calls_per_second;

    // log π_{n+j} - log π_n for j = 0, 1, 2, ...
    let mut log_ratios = vec![0.0];
    let mut tail = LogSum::default();
    let mut log_ratio = 0.0;
    let mut peak = 0.0f64;
    let mut truncated = true;
    for j in 1..MAX_POSITIONS {
        log_ratio += (lambda / (rates.service + j as f64 * rates.abandon)).ln();
        peak = peak.max(log_ratio);
        if log_ratio < peak + NEGLIGIBLE_LOG && log_ratio < 0.0 {
            truncated = false;
            break;
        }
        tail.add(log_ratio);
        log_ratios.push(log_ratio);
    }
    // Σ_{k<=n} π_k = π_n / B, Σ_{k>n} π_k = π_n Σ_j ratio_j.
    let b = erlang_b(n, load);
    let mut total = LogSum::default();
    total.add(-b.ln());
    total.add(tail.ln());
    let log_pi_n = -total.ln();
    let positions: Vec<f64> = log_ratios.iter().map(|r| (log_pi_n + r).exp()).collect();

    let p_wait: f64 = positions.iter().sum();
    let mean_queue_length: f64 = positions.iter().enumerate().map(|(q, p)| q as f64 * p).sum();
    let p_abandon = (rates.abandon * mean_queue_length / lambda).min(1.0);
    let mean_wait = mean_queue_length / lambda;
    let mut answered_wait = 0.0;
    let mut stage_time = 0.0;
    for (index, p) in positions.iter().enumerate() {
        let j = (index + 1) as f64;
        stage_time += 1.0 / (rates.service + j * rates.abandon);
        answered_wait += p * rates.service / (rates.service + j * rates.abandon) * stage_time;
    }
    let answered = 1.0 - p_abandon;
    ErlangA {
        load,
        agents: n,
        p_wait: p_wait.min(1.0),
        p_abandon,
        mean_queue_length,
        mean_wait,
        asa: if answered > 0.0 {
            answered_wait / answered
        } else {
            f64::NAN
        },
        occupancy: (load * answered / n as f64).min(1.0),
        truncated,
        rates,
        positions,
    }
}

impl ErlangA {
    /// Share of all arriving callers answered within `t` seconds (answered at once counts as within).
    ///
    /// `Σ_j π_{n+j-1} (n μ / (n μ + j θ)) P(S_j <= t)` with `P(S_j > t)` the negative binomial tail of the module
    /// doc, accumulated in log space so that neither a long threshold nor a short patience underflows. Cost is
    /// O(positions), independent of `t`.
    pub fn service_level(&self, t: f64) -> f64 {
        let answered_at_once = 1.0 - self.p_wait;
        if t <= 0.0 || self.positions.is_empty() {
            return answered_at_once;
        }
        let (service, abandon) = (self.rates.service, self.rates.abandon);
        // (1 - p) / θ with p = e^{-θ t}; tends to t as θ -> 0.
        let spread = if abandon > 0.0 {
            -(-abandon * t).exp_m1() / abandon
        } else {
            t
        };
        // ln P(N = 0) = r ln p = -(n μ + θ) t.
        let mut log_pmf = -(service + abandon) * t;
        let mut at_most = LogSum::default();
        let mut within = 0.0;
        for (index, p) in self.positions.iter().enumerate() {
            if index > 0 {
                // P(N = m) / P(N = m - 1) = (r + m - 1)(1 - p) / m = (n μ + m θ) spread / m.
                let m = index as f64;
                log_pmf += ((service + m * abandon) * spread / m).ln();
            }
            at_most.add(log_pmf);
            let still_waiting = at_most.ln().exp().min(1.0);
            let j = (index + 1) as f64;
            within += p * service / (service + j * abandon) * (1.0 - still_waiting);
        }
        (answered_at_once + within).min(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The former method, kept as an independent reference: uniformization of the tagged caller's position
    /// chain, `P = Σ_m Poisson(m; Λ t) a_m` with `Λ = n μ + J θ` and `a_m` the mass absorbed in "answered" after `m`
    /// steps. Cost O(J Λ t), so only for small cases.
    fn uniformized_service_level(a: &ErlangA, t: f64) -> f64 {
        let answered_at_once = 1.0 - a.p_wait;
        let deepest = a.positions.len();
        let uniform_rate = a.rates.service + deepest as f64 * a.rates.abandon;
        let mean_steps = uniform_rate * t;
        let mut mass = a.positions.clone();
        let (mut absorbed, mut within, mut weight_seen) = (0.0, 0.0, 0.0);
        let mut log_weight = -mean_steps;
        let max_steps = (mean_steps + 12.0 * mean_steps.sqrt() + 50.0) as u64;
        for step in 0..=max_steps {
            if step > 0 {
                log_weight += mean_steps.ln() - (step as f64).ln();
                absorbed += mass[0] * a.rates.service / uniform_rate;
                for j in 0..deepest {
                    let position = (j + 1) as f64;
                    let leave = (a.rates.service + position * a.rates.abandon) / uniform_rate;
                    let from_behind = if j + 1 < deepest {
                        mass[j + 1] * (a.rates.service + position * a.rates.abandon) / uniform_rate
                    } else {
                        0.0
                    };
                    mass[j] = mass[j] * (1.0 - leave) + from_behind;
                }
            }
            let weight = log_weight.exp();
            within += weight * absorbed;
            weight_seen += weight;
            if step as f64 > mean_steps && 1.0 - weight_seen < 1e-13 {
                break;
            }
        }
        answered_at_once + within
    }

    #[test]
    fn negative_binomial_tail_matches_uniformization() {
        for (agents, per_hour, aht, patience) in [
            (13, 200.0, 180.0, 300.0),
            (5, 100.0, 240.0, 30.0),
            (3, 200.0, 60.0, 600.0),
            (20, 700.0, 120.0, 60.0),
            (1, 30.0, 90.0, 5.0),
        ] {
            let a = erlang_a(agents, per_hour / 3600.0, aht, patience);
            for t in [1.0, 20.0, 60.0, 300.0] {
                let fast = a.service_level(t);
                let reference = uniformized_service_level(&a, t);
                assert!(
                    (fast - reference).abs() < 1e-9,
                    "{agents} agents, {per_hour}/h, aht {aht}, patience {patience}, t {t}: {fast} vs {reference}"
                );
            }
        }
    }
}
