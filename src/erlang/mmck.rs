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
    /// `π_k` for `k < c`.
    below: Vec<f64>,
    /// `ln π_c`.
    log_pi_c: f64,
    /// `ln ρ`, `ρ = A / c`: the states above `c` are `π_c ρ^{k-c}`, computed when needed rather than stored, so
    /// memory is O(c) and the sums stop where their terms become negligible.
    rho_ln: f64,
}

/// A term this far (relative) below the running sum changes nothing.
const NEGLIGIBLE: f64 = 1e-18;

/// `ln Σ_{j=from..=to} e^{j r}`, by the geometric series in closed form (no loop over `j`).
fn log_geometric_sum(r: f64, from: u64, to: u64) -> f64 {
    if to < from {
        return f64::NEG_INFINITY;
    }
    let n = (to - from + 1) as f64;
    if r == 0.0 {
        n.ln()
    } else if r < 0.0 {
        from as f64 * r + (-(n * r).exp_m1()).ln() - (-r.exp_m1()).ln()
    } else {
        to as f64 * r + (-(-n * r).exp_m1()).ln() - (-(-r).exp_m1()).ln()
    }
}

/// The M/M/c/K model for `agents` agents, `capacity` lines (`capacity >= agents`), arrival rate
/// `calls_per_second` and mean handle time `aht` seconds.
///
/// Stationary law of the birth-death chain: states up to `c` sum to `π_c / B(c, A)` (Erlang B), states above are
/// `π_c ρ^{k-c}` with `ρ = A / c`, summed as a geometric series; everything in log space, so any load is allowed.
/// With `K = c` it is Erlang B; as `K` grows it tends to Erlang C when `A < c`. With no load the system stays empty
/// (no wait, no blocking). Memory is O(c) and time O(c) plus the non-negligible states above `c` (at most `K - c`).
///
/// Reference: Gross & Harris, *Fundamentals of Queueing Theory*, section 2.5.
pub fn mmck(agents: u32, capacity: u32, calls_per_second: f64, aht: f64) -> Mmck {
    let c = agents.max(1);
    let k = capacity.max(c);
    let load = calls_per_second * aht;
    let service_rate = c as f64 / aht;
    let places = (k - c) as u64;
    if load == 0.0 {
        // No calls: the system stays empty.
        let mut below = vec![0.0; c as usize];
        below[0] = 1.0;
        return Mmck {
            load,
            agents: c,
            capacity: k,
            blocking: 0.0,
            p_wait: 0.0,
            mean_queue_length: 0.0,
            mean_wait: 0.0,
            occupancy: 0.0,
            service_rate,
            below,
            log_pi_c: f64::NEG_INFINITY,
            rho_ln: f64::NEG_INFINITY,
        };
    }
    let rho_ln = (load / c as f64).ln();
    let mut total = LogSum::default();
    total.add(-erlang_b(c, load).ln());
    total.add(log_geometric_sum(rho_ln, 1, places));
    let log_pi_c = -total.ln();
    // States below c from π_k = π_{k+1} (k+1) / A.
    let mut below = vec![0.0; c as usize];
    let mut log_pi = log_pi_c;
    for state in (0..c as usize).rev() {
        log_pi += ((state + 1) as f64 / load).ln();
        below[state] = log_pi.exp();
    }
    let blocking = (log_pi_c + places as f64 * rho_ln).exp();
    let accepted = 1.0 - blocking;
    let p_wait = if accepted > 0.0 {
        (log_pi_c + log_geometric_sum(rho_ln, 0, places.saturating_sub(1))).exp() * f64::from(places > 0) / accepted
    } else {
        1.0
    };
    let mut model = Mmck {
        load,
        agents: c,
        capacity: k,
        blocking,
        p_wait: p_wait.min(1.0),
        mean_queue_length: 0.0,
        mean_wait: 0.0,
        occupancy: (load * accepted / c as f64).min(1.0),
        service_rate,
        below,
        log_pi_c,
        rho_ln,
    };
    // Σ j π_{c+j}, from the end where the terms are largest.
    model.mean_queue_length = model.sum_above(0, places, |j| j as f64);
    let carried_rate = calls_per_second * accepted;
    model.mean_wait = if carried_rate > 0.0 {
        model.mean_queue_length / carried_rate
    } else {
        f64::NAN
    };
    model
}

impl Mmck {
    /// `π_{c+j}`.
    fn above(&self, j: u64) -> f64 {
        (self.log_pi_c + j as f64 * self.rho_ln).exp()
    }

    /// `Σ_{j=from..=to} weight(j) π_{c+j}` for a weight that grows at most polynomially, starting from the end
    /// where the states are largest and stopping once a term is negligible against the sum.
    fn sum_above(&self, from: u64, to: u64, weight: impl Fn(u64) -> f64) -> f64 {
        if to < from {
            return 0.0;
        }
        let ascending = self.rho_ln <= 0.0;
        let mut sum = 0.0;
        for i in 0..=(to - from) {
            let j = if ascending { from + i } else { to - i };
            let term = weight(j) * self.above(j);
            sum += term;
            if i > 64 && term <= NEGLIGIBLE * sum {
                break;
            }
        }
        sum
    }

    /// Share of accepted calls answered within `t` seconds. An accepted call finding `k >= c` in the system waits
    /// for `k - c + 1` completions at rate `c μ`: an Erlang wait, so `P(W <= t) = P(Poisson(c μ t) >= k - c + 1)`.
    /// The sum over `k` stops once the states or the Poisson tail (beyond 40 standard deviations) are negligible.
    pub fn service_level(&self, t: f64) -> f64 {
        let places = (self.capacity - self.agents) as u64;
        let accepted = 1.0 - self.blocking;
        if accepted <= 0.0 {
            return f64::NAN;
        }
        let mean = self.service_rate * t.max(0.0);
        let mut within: f64 = self.below.iter().sum();
        let tail_end = mean + 40.0 * mean.sqrt() + 100.0;
        // P(Poisson >= m) for m = 1, 2, ...: start at 1 - P(0) and subtract each pmf term.
        let mut log_pmf = -mean;
        let mut at_least = 1.0 - log_pmf.exp();
        for m in 0..places {
            let term = self.above(m) * at_least.max(0.0);
            within += term;
            if (m as f64 > tail_end) || (self.rho_ln <= 0.0 && m > 64 && term <= NEGLIGIBLE * within) {
                break;
            }
            log_pmf += mean.ln() - ((m + 1) as f64).ln();
            at_least -= log_pmf.exp();
        }
        (within / accepted).min(1.0)
    }
}
