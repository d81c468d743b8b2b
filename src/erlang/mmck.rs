//! M/M/c/K: `c` agents and room for `K` calls in the system (a trunk of `K` lines), infinitely patient callers.

use super::b::erlang_b;
use super::logsum::LogSum;

/// M/M/c/K figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Mmck {
    /// Offered load in erlangs.
    pub load: f64,
    /// Number of agents `c`.
    pub agents: u32,
    /// Calls the system holds at once `K` (talking plus waiting), `K >= c`.
    pub capacity: u32,
    /// Probability that an arrival finds all `K` lines busy and is refused.
    pub blocking: f64,
    /// Probability that an accepted call waits.
    pub p_wait: f64,
    /// Mean number of calls on hold.
    pub mean_queue_length: f64,
    /// Mean wait of accepted calls in seconds.
    pub mean_wait: f64,
    /// Carried load divided by agents.
    pub occupancy: f64,
    service_rate: f64,
    /// `π_k` for `k = 0..=K`.
    states: Vec<f64>,
}

/// The M/M/c/K model for `agents` agents, `capacity` lines (`capacity >= agents`), arrival rate
/// `calls_per_second` and mean handle time `aht` seconds.
///
/// Stationary law of the birth-death chain: states up to `c` sum to `π_c / B(c, A)` (Erlang B), states above are
/// `π_c ρ^{k-c}` with `ρ = A / c`; everything in log space, so any load is allowed. With `K = c` it is Erlang B;
/// as `K` grows it tends to Erlang C when `A < c`. With no load the system stays empty (no wait, no blocking).
///
/// Reference: Gross & Harris, *Fundamentals of Queueing Theory*, section 2.5.
pub fn mmck(agents: u32, capacity: u32, calls_per_second: f64, aht: f64) -> Mmck {
    let c = agents.max(1);
    let k = capacity.max(c);
    let load = calls_per_second * aht;
    let rho_ln = (load / c as f64).ln();
    let mut total = LogSum::default();
    let b = erlang_b(c, load);
    total.add(-b.ln());
    for j in 1..=(k - c) {
        total.add(j as f64 * rho_ln);
    }
    let log_pi_c = -total.ln();
    // States below c from π_k = π_{k+1} (k+1) / A.
    let mut states = vec![0.0; k as usize + 1];
    if load == 0.0 {
        // No calls: the system stays empty.
        states[0] = 1.0;
        return Mmck {
            load,
            agents: c,
            capacity: k,
            blocking: 0.0,
            p_wait: 0.0,
            mean_queue_length: 0.0,
            mean_wait: 0.0,
            occupancy: 0.0,
            service_rate: c as f64 / aht,
            states,
        };
    }
    let mut log_pi = log_pi_c;
    for state in (0..c as usize).rev() {
        log_pi += ((state + 1) as f64 / load).ln();
        states[state] = log_pi.exp();
    }
    for j in 0..=(k - c) as usize {
        states[c as usize + j] = (log_pi_c + j as f64 * rho_ln).exp();
    }
    let blocking = states[k as usize];
    let accepted = 1.0 - blocking;
    let p_wait = if accepted > 0.0 {
        states[c as usize..k as usize].iter().sum::<f64>() / accepted
    } else {
        1.0
    };
    let mean_queue_length: f64 = states
        .iter()
        .enumerate()
        .skip(c as usize)
        .map(|(s, p)| (s - c as usize) as f64 * p)
        .sum();
    let carried_rate = calls_per_second * accepted;
    Mmck {
        load,
        agents: c,
        capacity: k,
        blocking,
        p_wait: p_wait.min(1.0),
        mean_queue_length,
        mean_wait: if carried_rate > 0.0 {
            mean_queue_length / carried_rate
        } else {
            f64::NAN
        },
        occupancy: (load * accepted / c as f64).min(1.0),
        service_rate: c as f64 / aht,
        states,
    }
}

impl Mmck {
    /// Share of accepted calls answered within `t` seconds. An accepted call finding `k >= c` in the system waits
    /// for `k - c + 1` completions at rate `c μ`: an Erlang wait, so `P(W <= t) = P(Poisson(c μ t) >= k - c + 1)`.
    pub fn service_level(&self, t: f64) -> f64 {
        let c = self.agents as usize;
        let k = self.capacity as usize;
        let accepted = 1.0 - self.blocking;
        if accepted <= 0.0 {
            return f64::NAN;
        }
        let mean = self.service_rate * t.max(0.0);
        let mut within: f64 = self.states[..c].iter().sum();
        // P(Poisson >= m) for m = 1, 2, ...: start at 1 - P(0) and subtract each pmf term.
        let mut log_pmf = -mean;
        let mut at_least = 1.0 - log_pmf.exp();
        for (m, probability) in self.states[c..k].iter().enumerate() {
            within += probability * at_least.max(0.0);
            log_pmf += mean.ln() - ((m + 1) as f64).ln();
            at_least -= log_pmf.exp();
        }
        (within / accepted).min(1.0)
    }
}
