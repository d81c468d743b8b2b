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
//! - `P(answered within T)` is the probability that the tagged caller's position chain is absorbed in "answered"
//!   by time `T`, computed by uniformization of that chain started from the arrival distribution over positions.
//!
//! References: Palm (1943); Garnett, Mandelbaum & Reiman, "Designing a call center with impatient customers",
//! MSOM 4(3), 2002; Mandelbaum & Zeltyn, "The Palm/Erlang-A queue, with applications to call centers" (2007).

use super::b::erlang_b;
use super::logsum::LogSum;

/// Stop summing the queue states once a term falls this far (natural log) below the largest.
const NEGLIGIBLE_LOG: f64 = -46.0;
/// At most this many queue positions are kept (each carries under e^-46 of the mass beyond the mode).
const MAX_POSITIONS: usize = 2_000_000;

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
/// Always stable (callers leave), so any load is allowed; `agents` must be at least 1.
///
/// ```
/// // 100 calls per 30 min, AHT 180 s, 13 agents, mean patience 5 min.
/// let a = callsim::erlang::erlang_a(13, 100.0 / 1800.0, 180.0, 300.0);
/// assert!((a.p_abandon - 0.025).abs() < 1e-3);
/// assert!((a.service_level(20.0) - 0.858).abs() < 1e-3);
/// ```
pub fn erlang_a(agents: u32, calls_per_second: f64, aht: f64, patience: f64) -> ErlangA {
    let load = calls_per_second * aht;
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
    for j in 1..MAX_POSITIONS {
        log_ratio += (lambda / (rates.service + j as f64 * rates.abandon)).ln();
        peak = peak.max(log_ratio);
        if log_ratio < peak + NEGLIGIBLE_LOG && log_ratio < 0.0 {
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
        rates,
        positions,
    }
}

impl ErlangA {
    /// Share of all arriving callers answered within `t` seconds (answered at once counts as within).
    ///
    /// Uniformization of the tagged caller's position chain: with `Λ = n μ + J θ` for the deepest position `J`,
    /// `P = Σ_m Poisson(m; Λ t) a_m`, where `a_m` is the mass absorbed in "answered" after `m` steps of the
    /// embedded discrete chain. Cost is O(J Λ t).
    pub fn service_level(&self, t: f64) -> f64 {
        let answered_at_once = 1.0 - self.p_wait;
        if t <= 0.0 || self.positions.is_empty() {
            return answered_at_once;
        }
        let deepest = self.positions.len();
        let uniform_rate = self.rates.service + deepest as f64 * self.rates.abandon;
        let mean_steps = uniform_rate * t;
        let mut mass = self.positions.clone();
        let mut absorbed = 0.0;
        let mut log_weight = -mean_steps;
        let mut within = 0.0;
        let mut weight_seen = 0.0;
        let max_steps = (mean_steps + 12.0 * mean_steps.sqrt() + 50.0) as u64;
        for step in 0..=max_steps {
            if step > 0 {
                log_weight += mean_steps.ln() - (step as f64).ln();
                absorbed += mass[0] * self.rates.service / uniform_rate;
                for j in 0..deepest {
                    let position = (j + 1) as f64;
                    let leave = (self.rates.service + position * self.rates.abandon) / uniform_rate;
                    let from_behind = if j + 1 < deepest {
                        mass[j + 1] * (self.rates.service + (position) * self.rates.abandon) / uniform_rate
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
        (answered_at_once + within).min(1.0)
    }
}
