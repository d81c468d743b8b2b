//! Erlang X: Erlang A with a finite number of lines (blocking) and callers who redial, solved exactly from its
//! Markov chain.
//!
//! # Model
//!
//! - Fresh calls arrive as a Poisson process at rate `λ` (calls per second).
//! - `c` agents serve calls in order of arrival; service times are exponential with mean AHT (`μ = 1 / AHT`).
//! - `N >= c` lines: at most `N` calls are in the system (talking plus waiting). An attempt that finds all `N`
//!   lines busy is **blocked** (busy tone).
//! - A waiting caller hangs up after an exponential patience with mean `1 / θ` (**abandons**); an infinite
//!   patience (`θ = 0`) is allowed and gives M/M/c/N with redials.
//! - An abandoned or blocked attempt **redials** with probability `r`, after an exponential delay with mean
//!   `1 / δ` spent in the **orbit**; otherwise the caller is lost. A redial is a new attempt, subject to the same
//!   blocking and abandonment, and may redial again with probability `r`: there is no limit on the attempts of one
//!   caller (a caller makes `1 + Geometric` failed attempts at most, each failure redialing with probability `r`).
//!
//! The state is `(n, m)`: calls in the system `n = 0..=N` and callers in the orbit `m = 0, 1, ...`.
//!
//! # Stability
//!
//! With `r < 1` the chain is always positive recurrent: the orbit drains at rate at least `(1 - r) m δ` while it
//! grows at a bounded rate. With `r = 1` nobody is ever lost, so every fresh call is eventually served and a
//! steady state needs `λ < c μ`; otherwise [`ErlangXError::Unstable`].
//!
//! # Method and truncation bound
//!
//! The orbit is the level of a level-dependent quasi-birth-death process with one phase per number in the system,
//! solved by linear level reduction (block Gaussian elimination) with the orbit capped at `M` callers (a caller who
//! would redial while the orbit is full gives up). Two truncations are chosen adaptively, and both are reported in
//! [`Truncation`]:
//!
//! - the orbit cap starts at 16 and doubles until the probability that the orbit holds more than `M / 2` callers
//!   (what the previous cap left out) is at most [`TOLERANCE`] = 1e-9;
//! - the lines: only the first `c + 32` are solved at first (doubling the queue places up to all `N`), and fewer
//!   than `N` are kept only when all of them being busy has probability at most [`BOUNDARY_TOLERANCE`] = 1e-12,
//!   so a queue that never gets long costs nothing for lines it never reaches;
//!
//! and, comparing with the previous (smaller) truncation, no figure may change by more than [`TOLERANCE`]
//! (absolutely for shares; for times and counts relative to the larger of the value and 1). The orbit's tail
//! decays faster than geometrically (its outflow grows linearly with `m`) and the queue's at least geometrically,
//! so the figures are then within the tolerance of the untruncated chain. Cost per orbit level is one dense
//! elimination of order `lines solved + 1` (O(lines³)); 100 lines and a few hundred levels take about 0.2 s.
//!
//! # Figures and their conventions
//!
//! **Attempts** are fresh calls plus redials; an attempt that gets a line is **accepted** (the simulator's
//! "offered"). Redials do not see time averages (their rate is `m δ`), so attempts see phase `n` with weight
//! `Σ_m π(n, m) (λ + m δ)`, not `π(n)`. An accepted attempt finding `n >= c` joins the queue at position
//! `j = n - c + 1`; its fate depends only on the callers ahead (FCFS), exactly as in Erlang A, so it is answered
//! with probability `c μ / (c μ + j θ)` after a wait whose distribution is in [`wait`].
//!
//! - [`ErlangX::blocking_rate`]: blocked attempts / all attempts (the simulator's `blocking_rate`).
//! - [`ErlangX::abandonment_rate`], [`ErlangX::p_wait`], [`ErlangX::asa_s`], [`ErlangX::service_level`]:
//!   per **accepted** attempt, as the simulator's `abandonment_rate`, `p_wait`, `asa_s` and `service_level`
//!   (answered within `T` / offered, blocked attempts excluded).
//! - [`ErlangX::service_level_virtual`]: `P(virtual wait <= T)` for an accepted attempt, the virtual wait being
//!   the wait an infinitely patient caller would have (the others still hanging up): the definition commercial
//!   Erlang X calculators print.
//! - [`ErlangX::lost_share`] and [`ErlangX::attempts_per_caller`]: per **fresh caller**.
//!
//! References: G. Koole, *Call Center Optimization* (MG books, 2013), chapter on Erlang X and the calculators at
//! ccmath.com; A. Janssen, G. Koole & J. Pot, "Erlang loss models with delayed feedback" (2011); the level
//! reduction is in Latouche & Ramaswami, *Introduction to Matrix Analytic Methods in Stochastic Modeling* (1999),
//! and Gaver, Jacobs & Latouche, "Finite birth-and-death models in randomly changing environments" (1984).

mod chain;
pub(crate) mod dense;
mod staffing;
pub mod wait;

use std::fmt;

use chain::{Rates, Stationary};
pub use staffing::{required_agents_x, x_meets_targets};

/// Truncation tolerance: a figure changes by at most this when the orbit cap is halved, and the orbit exceeds
/// half the cap with at most this probability.
pub const TOLERANCE: f64 = 1e-9;
/// The orbit cap starts here and doubles.
const FIRST_CAP: usize = 16;
/// The queue places solved (lines beyond the agents) start here and double, up to all the lines.
const FIRST_QUEUE: usize = 32;
/// Fewer lines than given are solved only when all of them being busy has at most this probability.
pub const BOUNDARY_TOLERANCE: f64 = 1e-12;
/// Most numbers held for the level reduction (orbit levels × queue rows × lines): about 160 MB.
const MAX_STORED: usize = 20_000_000;
/// Most lines the dense solver accepts: one level then costs about 10^8 floating-point operations.
pub const MAX_X_LINES: u32 = 1000;

/// An Erlang X model, in seconds and calls per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangXInput {
    /// Agents `c` (at least 1 when calls arrive).
    pub agents: u32,
    /// Lines `N >= c`: calls in the system at once (talking plus waiting).
    pub lines: u32,
    /// Fresh calls per second `λ`.
    pub calls_per_second: f64,
    /// Mean handle time in seconds (`1 / μ`).
    pub aht: f64,
    /// Mean patience in seconds (`1 / θ`); `None` (or infinity) for callers who never hang up.
    pub patience: Option<f64>,
    /// Probability `r` that a blocked or abandoned attempt redials, from 0 to 1.
    pub redial_probability: f64,
    /// Mean delay before a redial, in seconds (`1 / δ`); may be anything positive when `r = 0`.
    pub redial_delay: f64,
}

/// Why no Erlang X figures were computed.
#[derive(Debug, Clone, PartialEq)]
pub enum ErlangXError {
    /// A parameter is out of its range: the field and what is allowed.
    Invalid(String),
    /// `r = 1` and `λ >= c μ`: nobody is ever lost, so the orbit grows without bound.
    Unstable {
        /// Offered load `λ / μ` in erlangs.
        load: f64,
        /// Agents.
        agents: u32,
    },
    /// The chain needed more orbit levels times lines than the solver holds (redials near certain and slow, a
    /// long queue on many lines).
    TooLarge {
        /// The orbit cap tried.
        levels: usize,
        /// The lines solved.
        lines: usize,
    },
}

impl fmt::Display for ErlangXError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErlangXError::Invalid(message) => write!(f, "{message}"),
            ErlangXError::Unstable { load, agents } => write!(
                f,
                "unstable: every caller redials until served (redial probability 1), and {load:.2} erlangs \
                 offered need more than {agents} agents; no steady state"
            ),
            ErlangXError::TooLarge { levels, lines } => write!(
                f,
                "the chain needs more than {levels} callers in the redial orbit on {lines} lines, more than the \
                 solver holds; Erlang X is not computed: lower the redial probability or add agents"
            ),
        }
    }
}

impl std::error::Error for ErlangXError {}

/// How the orbit was truncated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Truncation {
    /// Orbit cap `M`: the solved chain holds at most this many callers in the orbit.
    pub levels: usize,
    /// `P(orbit > M / 2)` in the solution: the mass the previous cap left out.
    pub tail_mass: f64,
    /// Lines the chain was solved on: all of them, or fewer when all being busy is negligible.
    pub lines_solved: u32,
    /// `P(all lines_solved busy)` when fewer than all lines were solved (0 otherwise): at most
    /// [`BOUNDARY_TOLERANCE`].
    pub boundary_mass: f64,
    /// Largest change of a figure from the previous, smaller truncation (orbit cap halved, lines solved fewer).
    pub change: f64,
    /// The tolerance both stay below, [`TOLERANCE`].
    pub tolerance: f64,
}

/// Erlang X figures. Rates per second, times in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct ErlangX {
    /// The model solved.
    pub input: ErlangXInput,
    /// Fresh offered load `λ AHT` in erlangs.
    pub load: f64,
    /// Attempts per second: fresh calls plus redials.
    pub attempt_rate: f64,
    /// Redials per second (`δ` times the mean orbit).
    pub redial_rate: f64,
    /// Blocked attempts / all attempts.
    pub blocking_rate: f64,
    /// Abandoned attempts / accepted attempts.
    pub abandonment_rate: f64,
    /// Share of accepted attempts not answered at once (they waited, or abandoned).
    pub p_wait: f64,
    /// Average speed of answer: mean wait of answered attempts.
    pub asa_s: f64,
    /// Mean virtual wait of accepted attempts: the wait of an infinitely patient caller.
    pub asa_virtual_s: f64,
    /// Mean wait of accepted attempts, abandoned ones counting their time until hanging up.
    pub mean_wait_s: f64,
    /// Mean number of calls on hold.
    pub mean_queue_length: f64,
    /// Mean number of callers in the orbit (waiting to redial).
    pub mean_orbit: f64,
    /// Busy agents / agents: the carried load `λ_served AHT` over `c`.
    pub occupancy: f64,
    /// Share of fresh callers never served (their last attempt was blocked or abandoned and not redialed).
    pub lost_share: f64,
    /// Expected attempts per fresh caller (attempt rate / fresh rate).
    pub attempts_per_caller: f64,
    /// The orbit truncation and its error bound.
    pub truncation: Truncation,
    /// Rates `c μ` and `θ` of the queue ahead of a waiting caller.
    service: f64,
    theta: f64,
    /// Share of accepted attempts answered at once.
    at_once: f64,
    /// `positions[j - 1]`: share of accepted attempts joining the queue at position `j`.
    positions: Vec<f64>,
}

/// The Erlang X figures for `agents` agents, `lines` lines, `calls_per_second` fresh calls, mean handle time `aht`,
/// mean patience `patience` (`None` for infinite), redial probability `redial_probability` and mean redial delay
/// `redial_delay`; seconds throughout. See the module doc for the model and each figure's convention.
///
/// ```
/// // 240 calls an hour, AHT 3 min, patience 1 min, 100 lines, 14 agents, half the failures redial after 10 min.
/// let x = callsim::erlang::x::erlang_x(14, 100, 240.0 / 3600.0, 180.0, Some(60.0), 0.5, 600.0).unwrap();
/// assert!(x.blocking_rate < 1e-12 && x.abandonment_rate > 0.0);
/// assert!(x.service_level(20.0) <= x.service_level_virtual(20.0));
/// assert!(x.truncation.change <= callsim::erlang::x::TOLERANCE);
/// ```
pub fn erlang_x(
    agents: u32,
    lines: u32,
    calls_per_second: f64,
    aht: f64,
    patience: Option<f64>,
    redial_probability: f64,
    redial_delay: f64,
) -> Result<ErlangX, ErlangXError> {
    ErlangXInput {
        agents,
        lines,
        calls_per_second,
        aht,
        patience,
        redial_probability,
        redial_delay,
    }
    .solve()
}

impl ErlangXInput {
    /// Checks the parameters; the messages name the field and the allowed range.
    pub fn validate(&self) -> Result<(), ErlangXError> {
        let invalid = |message: String| Err(ErlangXError::Invalid(message));
        if !(self.calls_per_second.is_finite() && self.calls_per_second >= 0.0) {
            return invalid(format!(
                "calls_per_second must be 0 or more, got {}",
                self.calls_per_second
            ));
        }
        if !(self.aht.is_finite() && self.aht > 0.0) {
            return invalid(format!("aht must be above 0 seconds, got {}", self.aht));
        }
        if let Some(patience) = self.patience
            && (patience.is_nan() || patience <= 0.0)
        {
            return invalid(format!(
                "patience must be above 0 seconds (or infinite), got {patience}"
            ));
        }
        if !(0.0..=1.0).contains(&self.redial_probability) {
            return invalid(format!(
                "redial_probability must be from 0 to 1, got {}",
                self.redial_probability
            ));
        }
        if self.redial_probability > 0.0 && !(self.redial_delay.is_finite() && self.redial_delay > 0.0) {
            return invalid(format!(
                "redial_delay must be above 0 seconds and finite, got {}",
                self.redial_delay
            ));
        }
        if self.agents == 0 && self.calls_per_second > 0.0 {
            return invalid("agents must be at least 1 when calls arrive, got 0".into());
        }
        if self.lines < self.agents.max(1) {
            return invalid(format!(
                "lines must be at least the agents ({}) and at least 1, got {}",
                self.agents, self.lines
            ));
        }
        if self.lines > MAX_X_LINES {
            return invalid(format!("lines must be at most {MAX_X_LINES}, got {}", self.lines));
        }
        Ok(())
    }

    fn rates(&self) -> Rates {
        Rates {
            lambda: self.calls_per_second,
            mu: 1.0 / self.aht,
            theta: self.patience.map_or(0.0, |p| if p.is_finite() { 1.0 / p } else { 0.0 }),
            redial: self.redial_probability,
            delta: if self.redial_probability > 0.0 {
                1.0 / self.redial_delay
            } else {
                0.0
            },
            agents: self.agents.max(1) as usize,
            lines: self.lines as usize,
        }
    }

    /// Solves the model, truncating the orbit and the lines adaptively (see the module doc).
    pub fn solve(&self) -> Result<ErlangX, ErlangXError> {
        self.validate()?;
        let rates = self.rates();
        if self.redial_probability == 1.0 && rates.lambda >= rates.agents as f64 * rates.mu {
            return Err(ErlangXError::Unstable {
                load: rates.lambda / rates.mu,
                agents: self.agents,
            });
        }
        let all_lines = self.lines as usize;
        let mut lines = all_lines.min(rates.agents + FIRST_QUEUE);
        let has_orbit = self.calls_per_second > 0.0 && !rates.up_rows().is_empty();
        let mut cap = if has_orbit { FIRST_CAP } else { 0 };
        let mut previous: Option<ErlangX> = None;
        loop {
            let rows = Rates { lines, ..rates }.up_rows().len();
            if cap * rows * (lines + 1) > MAX_STORED {
                return Err(ErlangXError::TooLarge { levels: cap, lines });
            }
            let mut x = self.solve_at(lines, cap)?;
            let lines_ok = lines == all_lines || x.truncation.boundary_mass <= BOUNDARY_TOLERANCE;
            let orbit_ok = cap == 0 || x.truncation.tail_mass <= TOLERANCE;
            match &previous {
                // Nothing truncated: exact.
                None if lines == all_lines && cap == 0 => {
                    x.truncation.change = 0.0;
                    return Ok(x);
                }
                Some(before) => {
                    x.truncation.change = x.largest_change(before);
                    if lines_ok && orbit_ok && x.truncation.change <= TOLERANCE {
                        return Ok(x);
                    }
                }
                None => {}
            }
            // Grow what fell short; when both are within their bounds, grow both for the comparison.
            let both_ok = lines_ok && orbit_ok;
            if !lines_ok || both_ok {
                lines = all_lines.min(rates.agents + 2 * (lines - rates.agents).max(FIRST_QUEUE / 2));
            }
            if cap > 0 && (!orbit_ok || both_ok) {
                cap *= 2;
            }
            previous = Some(x);
        }
    }

    /// Solves the chain with the orbit capped at `levels` callers and all the lines, without checking
    /// convergence ([`Truncation::change`] is NaN). For studying the truncation; use [`ErlangXInput::solve`].
    pub fn solve_capped(&self, levels: usize) -> Result<ErlangX, ErlangXError> {
        self.validate()?;
        self.solve_at(self.lines as usize, levels)
    }

    /// Solves the chain on the first `lines` lines with the orbit capped at `levels` callers.
    fn solve_at(&self, lines: usize, levels: usize) -> Result<ErlangX, ErlangXError> {
        if self.calls_per_second == 0.0 {
            return Ok(self.idle());
        }
        let rates = Rates { lines, ..self.rates() };
        let stationary = chain::solve(&rates, levels)
            .map_err(|_| ErlangXError::Invalid("the chain's blocks are singular (parameters out of range)".into()))?;
        Ok(self.figures(&rates, &stationary))
    }

    /// No calls: nobody waits, nothing is blocked.
    fn idle(&self) -> ErlangX {
        let rates = self.rates();
        ErlangX {
            input: *self,
            load: 0.0,
            attempt_rate: 0.0,
            redial_rate: 0.0,
            blocking_rate: 0.0,
            abandonment_rate: 0.0,
            p_wait: 0.0,
            asa_s: 0.0,
            asa_virtual_s: 0.0,
            mean_wait_s: 0.0,
            mean_queue_length: 0.0,
            mean_orbit: 0.0,
            occupancy: 0.0,
            lost_share: 0.0,
            attempts_per_caller: 1.0,
            truncation: Truncation {
                levels: 0,
                tail_mass: 0.0,
                lines_solved: self.lines,
                boundary_mass: 0.0,
                change: 0.0,
                tolerance: TOLERANCE,
            },
            service: rates.agents as f64 * rates.mu,
            theta: rates.theta,
            at_once: 1.0,
            positions: Vec::new(),
        }
    }

    fn figures(&self, rates: &Rates, stationary: &Stationary) -> ErlangX {
        let (c, big_n) = (rates.agents, rates.lines);
        let (lambda, delta) = (rates.lambda, rates.delta);
        let top = stationary.top;
        // p[n] = π(n), q[n] = Σ_m m π(n, m); tail = P(m > top / 2).
        let mut p = vec![0.0; big_n + 1];
        let mut q = vec![0.0; big_n + 1];
        let mut mean_orbit = 0.0;
        let mut tail_mass = 0.0;
        for (m, level) in stationary.levels().enumerate() {
            let level_mass: f64 = level.iter().sum();
            mean_orbit += m as f64 * level_mass;
            if top > 0 && m > top / 2 {
                tail_mass += level_mass;
            }
            for (n, &prob) in level.iter().enumerate() {
                p[n] += prob;
                q[n] += m as f64 * prob;
            }
        }
        // Attempts seeing phase n, per second.
        let seen: Vec<f64> = (0..=big_n).map(|n| lambda * p[n] + delta * q[n]).collect();
        let attempt_rate = lambda + delta * mean_orbit;
        let blocked = seen[big_n];
        let accepted = attempt_rate - blocked;
        let mean_queue_length: f64 = (0..=big_n).map(|n| n.saturating_sub(c) as f64 * p[n]).sum();
        let abandoned = rates.theta * mean_queue_length;
        let busy: f64 = (0..=big_n).map(|n| n.min(c) as f64 * p[n]).sum();
        let service = c as f64 * rates.mu;
        let theta = rates.theta;
        let at_once = seen[..c].iter().fold(0.0, |sum, rate| sum + rate) / accepted;
        let positions: Vec<f64> = (c..big_n).map(|n| seen[n] / accepted).collect();
        // Answered share and waits by position (module doc of `wait`).
        let (mut answered, mut answered_wait, mut virtual_wait) = (at_once, 0.0, 0.0);
        let (mut stage, mut virtual_stage) = (0.0, 0.0);
        for (index, share) in positions.iter().enumerate() {
            let j = (index + 1) as f64;
            stage += 1.0 / (service + j * theta);
            virtual_stage += 1.0 / (service + (j - 1.0) * theta);
            let answer = service / (service + j * theta);
            answered += share * answer;
            answered_wait += share * answer * stage;
            virtual_wait += share * virtual_stage;
        }
        let r = rates.redial;
        ErlangX {
            input: *self,
            load: lambda * self.aht,
            attempt_rate,
            redial_rate: delta * mean_orbit,
            blocking_rate: blocked / attempt_rate,
            abandonment_rate: abandoned / accepted,
            p_wait: positions.iter().fold(0.0, |sum, share| sum + share),
            asa_s: answered_wait / answered,
            asa_virtual_s: virtual_wait,
            mean_wait_s: mean_queue_length / accepted,
            mean_queue_length,
            mean_orbit,
            occupancy: busy / c as f64,
            lost_share: (1.0 - r) * (blocked + abandoned) / lambda,
            attempts_per_caller: attempt_rate / lambda,
            truncation: Truncation {
                levels: top,
                tail_mass,
                lines_solved: big_n as u32,
                boundary_mass: if big_n < self.lines as usize { p[big_n] } else { 0.0 },
                change: f64::NAN,
                tolerance: TOLERANCE,
            },
            service,
            theta,
            at_once,
            positions,
        }
    }
}

impl ErlangX {
    /// Answered within `t` seconds / accepted attempts (blocked attempts excluded, abandoned ones included): the
    /// simulator's `service_level`. Answered at once counts as within.
    pub fn service_level(&self, t: f64) -> f64 {
        let cdf = wait::cdf_by_position(self.service + self.theta, self.theta, t, self.positions.len());
        let within: f64 = self
            .positions
            .iter()
            .zip(cdf)
            .enumerate()
            .map(|(index, (share, cdf))| share * self.service / (self.service + (index + 1) as f64 * self.theta) * cdf)
            .sum();
        (self.at_once + within).min(1.0)
    }

    /// `P(virtual wait <= t)` for an accepted attempt: the share of non-blocked attempts that an infinitely
    /// patient caller in their place would see answered within `t` seconds (the callers ahead still hang up).
    /// The service level commercial Erlang X calculators print; at least [`ErlangX::service_level`].
    pub fn service_level_virtual(&self, t: f64) -> f64 {
        let cdf = wait::cdf_by_position(self.service, self.theta, t, self.positions.len());
        let within: f64 = self.positions.iter().zip(cdf).map(|(share, cdf)| share * cdf).sum();
        (self.at_once + within).min(1.0)
    }

    /// The largest change of a figure from `other` (absolute for shares and times, relative for counts).
    fn largest_change(&self, other: &ErlangX) -> f64 {
        let relative = |a: f64, b: f64| (a - b).abs() / a.abs().max(1.0);
        [
            (self.blocking_rate - other.blocking_rate).abs(),
            (self.abandonment_rate - other.abandonment_rate).abs(),
            (self.p_wait - other.p_wait).abs(),
            (self.occupancy - other.occupancy).abs(),
            (self.lost_share - other.lost_share).abs(),
            relative(self.asa_s, other.asa_s),
            relative(self.asa_virtual_s, other.asa_virtual_s),
            relative(self.mean_orbit, other.mean_orbit),
            relative(self.attempts_per_caller, other.attempts_per_caller),
            relative(self.mean_queue_length, other.mean_queue_length),
        ]
        .into_iter()
        .fold(0.0, f64::max)
    }
}
