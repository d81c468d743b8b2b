//! Erlang C: the M/M/c queue with infinitely patient callers.

use super::b::erlang_b;

/// Erlang C figures for `agents` agents offered `load` erlangs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangC {
    /// Offered load in erlangs: arrival rate times mean handle time.
    pub load: f64,
    /// Number of agents.
    pub agents: u32,
    /// Mean handle time in seconds.
    pub aht: f64,
    /// Probability that an arriving call waits, `C(c, A)`.
    pub p_wait: f64,
}

/// Why a queueing formula has no steady state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unstable {
    /// Offered load in erlangs.
    pub load: f64,
    /// Number of agents.
    pub agents: u32,
}

impl std::fmt::Display for Unstable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unstable: {:.2} erlangs offered to {} agents; without abandonment the queue grows without bound",
            self.load, self.agents
        )
    }
}

/// The Erlang C model for `agents` agents, arrival rate `calls_per_second` and mean handle time `aht` seconds.
///
/// Assumes Poisson arrivals, exponential handle times, first-come-first-served, no abandonment and no blocking.
/// `C(c, A) = c B(c, A) / (c - A (1 - B(c, A)))` with `B` from the stable Erlang B recursion, so it is accurate
/// from one to tens of thousands of agents. Returns [`Unstable`] when `A >= c`, except that with no load any
/// staff (even none) is stable: nobody waits, service level 1, ASA 0, occupancy 0.
///
/// ```
/// // 100 calls per 30 minutes, 180 s handle time, 14 agents.
/// let c = callsim::erlang::erlang_c(14, 100.0 / 1800.0, 180.0).unwrap();
/// assert!((c.p_wait - 0.1741).abs() < 5e-4);
/// assert!((c.service_level(20.0) - 0.8884).abs() < 5e-4);
/// ```
///
/// Reference: Gross & Harris, *Fundamentals of Queueing Theory*, section 2.3; Cooper, *Introduction to Queueing
/// Theory*, chapter 3.
pub fn erlang_c(agents: u32, calls_per_second: f64, aht: f64) -> Result<ErlangC, Unstable> {
    let load = calls_per_second * aht;
    let c = agents as f64;
    if load == 0.0 {
        return Ok(ErlangC {
            load,
            agents,
            aht,
            p_wait: 0.0,
        });
    }
    if agents == 0 || load >= c {
        return Err(Unstable { load, agents });
    }
    let b = erlang_b(agents, load);
    let p_wait = (c * b / (c - load * (1.0 - b))).clamp(0.0, 1.0);
    Ok(ErlangC {
        load,
        agents,
        aht,
        p_wait,
    })
}

impl ErlangC {
    /// Rate (per second) at which the queue empties beyond the load: `(c - A) / AHT`.
    fn drain_rate(&self) -> f64 {
        (self.agents as f64 - self.load) / self.aht
    }

    /// `P(wait <= t)`: `1 - C e^{-(c - A) t / AHT}`.
    pub fn service_level(&self, t: f64) -> f64 {
        1.0 - self.p_wait * (-self.drain_rate() * t).exp()
    }

    /// Average speed of answer in seconds (mean wait of all calls, which are all answered): `C AHT / (c - A)`.
    pub fn asa(&self) -> f64 {
        if self.p_wait == 0.0 {
            return 0.0;
        }
        self.p_wait / self.drain_rate()
    }

    /// Mean number of calls on hold: `C A / (c - A)`.
    pub fn mean_queue_length(&self) -> f64 {
        if self.p_wait == 0.0 {
            return 0.0;
        }
        self.p_wait * self.load / (self.agents as f64 - self.load)
    }

    /// Agent occupancy `A / c` (0 with no load).
    pub fn occupancy(&self) -> f64 {
        if self.load == 0.0 {
            return 0.0;
        }
        self.load / self.agents as f64
    }

    /// The `p`-quantile of the wait in seconds: 0 when `p <= 1 - C`, else `-ln((1 - p) / C) / rate`.
    pub fn wait_quantile(&self, p: f64) -> f64 {
        if p <= 1.0 - self.p_wait {
            0.0
        } else {
            -((1.0 - p) / self.p_wait).ln() / self.drain_rate()
        }
    }
}
