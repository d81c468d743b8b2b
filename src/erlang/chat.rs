//! Chat with several conversations per agent: the exact Markov chain of least-loaded routing, and the pooled
//! birth-death approximation.
//!
//! # Model
//!
//! Chats arrive as a Poisson process at rate `λ` (per second) to `N` agents who each hold up to `C` chats
//! (`concurrency`). A new chat goes to the least-loaded agent (fewest chats); when every agent holds `C`, it waits
//! in one first-come-first-served line. While its agent holds `k` chats, each of them ends at rate `1 / h_k`
//! (`h_k` = `handle_time_by_concurrency[k - 1]`, exponential handle times: the simulator's chat whose work is
//! exponential with mean `h_1` and progresses at speed `h_1 / h_k`). A waiting chat abandons at rate
//! `θ = 1 / mean patience` (0: never); a chat with an agent never abandons. When a chat ends and chats wait, its
//! agent takes the head of the line at once, so chats wait only while every agent is full.
//!
//! # Exact chain ([`chat_exact`])
//!
//! The state is the vector `(n_0, ..., n_C)` of agents holding `k` chats (`Σ n_k = N`) while no chat waits, and
//! the number `q >= 1` of waiting chats while every agent is full. From `(n_k)`: an arrival moves one agent from the
//! smallest `k < C` with `n_k > 0` to `k + 1`; a completion moves one agent from `k >= 1` to `k - 1` at rate
//! `n_k k / h_k`. The full state `F = (0, ..., 0, N)` and the waiting states form a single-edge cut (`F -> q = 1` by
//! an arrival, `q = 1 -> F` by a completion or an abandonment), so the waiting states follow from `π_F` as in
//! Erlang A with `N μ` replaced by the full drain rate `μ_F = N C / h_C`:
//! `π_q = π_F Π_{i = 1..q} λ / (μ_F + i θ)`. The `C(N + C, C)` states without a queue are solved exactly
//! (`π Q = 0`, `Σ π = 1`, Gaussian elimination with partial pivoting), after which every figure is a finite sum:
//! - by PASTA an arrival finds `q` waiting with probability `P_q` (`P_0 = π_F`) and joins at position
//!   `j = q + 1`; as in Erlang A (see [`super::ErlangA`]) it is answered with probability `μ_F / (μ_F + j θ)`,
//!   waits `j / (μ_F + j θ)` on average, and if answered waits a hypoexponential `S_j` (rates `μ_F + i θ`,
//!   `i = 1..j`), whose tail is a negative binomial (Poisson when `θ = 0`) tail;
//! - the service level is the share of offered chats answered within `t` (abandoned ones count as not answered,
//!   as `erlang a` counts them), `P(wait)` the share that find every agent full;
//! - the mean number of chats an agent holds is `Σ_k k E[n_k] / N`, and occupancy, as the simulator reports it, is
//!   the share of chat slots in use: that mean divided by `C`.
//!
//! # Pooled approximation ([`chat_pooled`])
//!
//! The birth-death chain of the number `m` of chats in the system, with the chats spread as evenly as possible
//! over the agents: `m = a N + b` (`b < N`) chats end at rate `(N - b) a / h_a + b (a + 1) / h_{a+1}`, and above
//! `N C` at `μ_F + (m - N C) θ`. Least-loaded routing keeps the spread even as chats arrive but not as they end,
//! so it is exact when the handle time does not depend on the load (all `h_k` equal: it is then Erlang A with
//! `N C` agents) and otherwise an approximation. Spreading evenly overstates how fast the chats end (an agent
//! left with more chats than its colleagues works slower), so it is optimistic: on the eight cases of this
//! module's tests (4 to 12 agents, concurrency 2 or 3, `h_C / h_1` from 1.25 to 1.5, slot occupancy 42-99%) it
//! is within 0.006 of the exact `P(wait)` and service level (the test allows 0.01), 0-6% below the exact mean
//! wait (allowed: 7%) and 0-2% below the exact occupancy (allowed: 2.5%); the gap shrinks as the load grows.
//!
//! References: Tezcan & Zhang, "Routing and staffing in customer service chat systems with impatient customers",
//! Operations Research 62(4), 2014 (the load-dependent service rates and least-loaded routing); Cui & Tezcan,
//! "Approximations for chat service systems", WSC 2016; Garnett, Mandelbaum & Reiman (2002) for the queue part.

use std::collections::HashMap;

use super::x::dense::solve_left;

/// Most states without a queue the exact chain solves (`C(N + C, C)`); beyond it use [`chat_pooled`].
pub const MAX_EXACT_STATES: usize = 3_000;

/// Stop adding waiting states once a term falls this far below the running sum.
const NEGLIGIBLE: f64 = 1e-17;

/// At most this many waiting positions are summed.
const MAX_QUEUE: usize = 2_000_000;

/// A chat team: the inputs of both chains.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatModel {
    /// Agents `N`.
    pub agents: u32,
    /// Chats arriving per second `λ`.
    pub chats_per_second: f64,
    /// Mean handle time in seconds while the agent holds `k` chats, at index `k - 1`; its length is the
    /// concurrency `C`.
    pub handle_times: Vec<f64>,
    /// Mean patience of a waiting chat in seconds (exponential); infinite for chats that never abandon.
    pub patience: f64,
}

/// Why a chain could not be solved.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatError {
    /// A parameter is out of range (the message says which).
    Invalid(String),
    /// Chats never abandon and arrive at least as fast as full agents finish them: no steady state.
    Unstable {
        /// Offered chats per second.
        arrivals: f64,
        /// Chats per second that every agent holding `C` finishes.
        full_drain: f64,
    },
    /// The exact chain has more than [`MAX_EXACT_STATES`] states.
    TooLarge {
        /// Its states without a queue.
        states: usize,
    },
}

impl std::fmt::Display for ChatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChatError::Invalid(message) => write!(f, "{message}"),
            ChatError::Unstable { arrivals, full_drain } => write!(
                f,
                "chats never abandon and arrive at {:.4}/s, at least the {:.4}/s that full agents finish: the line \
                 grows without end",
                arrivals, full_drain
            ),
            ChatError::TooLarge { states } => write!(
                f,
                "the exact chain has {states} states, above {MAX_EXACT_STATES}: use the pooled approximation"
            ),
        }
    }
}

impl std::error::Error for ChatError {}

/// The steady-state figures of a chat team.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatQueue {
    /// Agents `N`.
    pub agents: u32,
    /// Concurrency `C`.
    pub concurrency: u32,
    /// Offered chats per second.
    pub chats_per_second: f64,
    /// Chats per second that every agent holding `C` finishes (`N C / h_C`).
    pub full_drain: f64,
    /// Abandonment rate of one waiting chat (0: never).
    pub theta: f64,
    /// Probability that an arriving chat finds `q` chats waiting (every agent full), `q = 0, 1, ...`.
    pub finds_waiting: Vec<f64>,
    /// Probability that an arriving chat finds every agent full.
    pub p_wait: f64,
    /// Probability that an offered chat abandons.
    pub p_abandon: f64,
    /// Mean wait of all offered chats in seconds (abandoned ones until they leave).
    pub mean_wait: f64,
    /// Mean wait of answered chats in seconds.
    pub asa: f64,
    /// Mean number of chats waiting.
    pub mean_queue_length: f64,
    /// Mean number of chats an agent holds.
    pub mean_chats_per_agent: f64,
    /// Share of chat slots in use: `mean_chats_per_agent / C` (the simulator's occupancy).
    pub occupancy: f64,
    /// Probability that an agent holds at least one chat.
    pub p_agent_busy: f64,
    /// Chats answered per second.
    pub throughput: f64,
}

impl ChatQueue {
    /// Share of offered chats answered within `t` seconds.
    pub fn service_level(&self, t: f64) -> f64 {
        let (mu, theta) = (self.full_drain, self.theta);
        let mut answered_late = 0.0;
        // P(S_j > t) = P(N <= j - 1): N negative binomial (r = μ/θ + 1, p = e^{-θ t}), or Poisson(μ t) when θ = 0.
        let mut log_pmf = if theta > 0.0 {
            -(mu / theta + 1.0) * theta * t
        } else {
            -mu * t
        };
        let mut tail = 0.0; // P(N <= j - 1)
        for (q, &finds) in self.finds_waiting.iter().enumerate() {
            let j = q + 1;
            let m = q as f64; // add P(N = j - 1)
            if q > 0 {
                log_pmf += if theta > 0.0 {
                    ((mu / theta + 1.0 + m - 1.0) / m).ln() + (-(-theta * t).exp_m1()).ln()
                } else {
                    (mu * t / m).ln()
                };
            }
            tail += log_pmf.exp();
            let answered = mu / (mu + j as f64 * theta);
            answered_late += finds * answered * tail.min(1.0);
        }
        (1.0 - self.p_abandon - answered_late).clamp(0.0, 1.0)
    }
}

fn check(model: &ChatModel) -> Result<(usize, usize, f64, f64), ChatError> {
    let invalid = |m: String| Err(ChatError::Invalid(m));
    if model.agents == 0 {
        return invalid("agents must be at least 1".into());
    }
    if model.handle_times.is_empty() || model.handle_times.len() > 100 {
        return invalid("give 1 to 100 handle times (one per number of chats held)".into());
    }
    if let Some(h) = model.handle_times.iter().find(|h| !(**h > 0.0 && h.is_finite())) {
        return invalid(format!("handle times must be above 0 and finite, got {h}"));
    }
    if !(model.chats_per_second >= 0.0 && model.chats_per_second.is_finite()) {
        return invalid(format!(
            "the arrival rate must be 0 or more, got {}",
            model.chats_per_second
        ));
    }
    if model.patience.is_nan() || model.patience <= 0.0 {
        return invalid(format!(
            "the patience must be above 0 (infinite: never), got {}",
            model.patience
        ));
    }
    let (n, c) = (model.agents as usize, model.handle_times.len());
    let full_drain = (n * c) as f64 / model.handle_times[c - 1];
    let theta = if model.patience.is_finite() {
        1.0 / model.patience
    } else {
        0.0
    };
    if theta == 0.0 && model.chats_per_second >= full_drain {
        return Err(ChatError::Unstable {
            arrivals: model.chats_per_second,
            full_drain,
        });
    }
    Ok((n, c, full_drain, theta))
}

/// The waiting states' weights relative to the full state: `w_q = Π_{i=1..q} λ / (μ_F + i θ)`, `w_0 = 1`.
fn queue_weights(lambda: f64, full_drain: f64, theta: f64) -> Vec<f64> {
    let mut weights = vec![1.0];
    let (mut term, mut sum) = (1.0, 1.0);
    for i in 1..MAX_QUEUE {
        term *= lambda / (full_drain + i as f64 * theta);
        if term < NEGLIGIBLE * sum {
            break;
        }
        weights.push(term);
        sum += term;
    }
    weights
}

/// The figures from the probability of each state without a queue: `chats_in_service(s)`, `busy_agents(s)`, and
/// `pi_full`, the full state's probability (before the waiting states are added).
fn figures(
    model: &ChatModel,
    (n, c, full_drain, theta): (usize, usize, f64, f64),
    states: impl Iterator<Item = (f64, f64, f64)>,
    pi_full: f64,
) -> ChatQueue {
    let lambda = model.chats_per_second;
    let weights = queue_weights(lambda, full_drain, theta);
    let waiting_mass: f64 = weights.iter().skip(1).sum::<f64>() * pi_full;
    let scale = 1.0 / (1.0 + waiting_mass);
    let (mut chats, mut busy) = (0.0, 0.0);
    for (p, in_service, busy_agents) in states {
        chats += p * in_service;
        busy += p * busy_agents;
    }
    chats = (chats + waiting_mass * (n * c) as f64) * scale;
    busy = (busy + waiting_mass * n as f64) * scale;
    let finds_waiting: Vec<f64> = weights.iter().map(|w| w * pi_full * scale).collect();
    let (mut p_wait, mut p_abandon, mut mean_wait, mut answered_wait) = (0.0, 0.0, 0.0, 0.0);
    let mut hypo_mean = 0.0; // Σ_{i=1..j} 1 / (μ_F + i θ)
    for (q, &finds) in finds_waiting.iter().enumerate() {
        let j = (q + 1) as f64;
        let leave = full_drain + j * theta;
        hypo_mean += 1.0 / leave;
        p_wait += finds;
        p_abandon += finds * j * theta / leave;
        mean_wait += finds * j / leave;
        answered_wait += finds * full_drain / leave * hypo_mean;
    }
    let answered = 1.0 - p_abandon;
    ChatQueue {
        agents: model.agents,
        concurrency: c as u32,
        chats_per_second: lambda,
        full_drain,
        theta,
        p_wait,
        p_abandon,
        mean_wait,
        asa: if answered > 0.0 { answered_wait / answered } else { 0.0 },
        mean_queue_length: lambda * mean_wait,
        mean_chats_per_agent: chats / n as f64,
        occupancy: chats / (n * c) as f64,
        p_agent_busy: busy / n as f64,
        throughput: lambda * answered,
        finds_waiting,
    }
}

/// The exact chain of least-loaded routing (see the module documentation).
///
/// ```
/// use callsim::erlang::chat::{ChatModel, chat_exact};
/// // 4 agents holding up to 2 chats, 4 minutes alone and 5 minutes with two, 90 chats an hour.
/// let model = ChatModel {
///     agents: 4,
///     chats_per_second: 90.0 / 3600.0,
///     handle_times: vec![240.0, 300.0],
///     patience: f64::INFINITY,
/// };
/// let exact = chat_exact(&model).unwrap();
/// assert!(exact.p_wait > 0.0 && exact.p_wait < 1.0);
/// assert!((exact.throughput - 90.0 / 3600.0).abs() < 1e-12);
/// ```
pub fn chat_exact(model: &ChatModel) -> Result<ChatQueue, ChatError> {
    let checked = check(model)?;
    let (n, c, _, _) = checked;
    // C(n + c, c), counted before the chain is built.
    let count = (1..=c).fold(1u128, |acc, i| acc * (n + i) as u128 / i as u128);
    if count > MAX_EXACT_STATES as u128 {
        return Err(ChatError::TooLarge {
            states: count.min(usize::MAX as u128) as usize,
        });
    }
    let states = enumerate(n, c);
    let size = states.len();
    let index: HashMap<&[u32], usize> = states.iter().enumerate().map(|(i, s)| (s.as_slice(), i)).collect();
    let full = index[vec![0; c].into_iter().chain([n as u32]).collect::<Vec<_>>().as_slice()];
    // The generator without the arrival out of the full state (it leads to the waiting states, whose flow back
    // balances it: the single-edge cut).
    let mut q = vec![0.0; size * size];
    let mut next = vec![0u32; c + 1];
    for (from, state) in states.iter().enumerate() {
        let mut add = |to_state: &[u32], rate: f64| {
            let to = index[to_state];
            q[from * size + to] += rate;
            q[from * size + from] -= rate;
        };
        if let Some(k) = (0..c).find(|&k| state[k] > 0) {
            next.copy_from_slice(state);
            next[k] -= 1;
            next[k + 1] += 1;
            add(&next, model.chats_per_second);
        }
        for k in 1..=c {
            if state[k] > 0 {
                next.copy_from_slice(state);
                next[k] -= 1;
                next[k - 1] += 1;
                add(&next, state[k] as f64 * k as f64 / model.handle_times[k - 1]);
            }
        }
    }
    // π Q = 0 with Σ π = 1: the last column of Q replaced by ones, right-hand side e_last.
    for row in 0..size {
        q[row * size + size - 1] = 1.0;
    }
    let mut pi = vec![0.0; size];
    pi[size - 1] = 1.0;
    solve_left(&q, size, &mut pi, 1).map_err(|_| ChatError::Invalid("the chain is singular".into()))?;
    let pi_full = pi[full];
    Ok(figures(
        model,
        checked,
        states.iter().zip(&pi).map(|(state, &p)| {
            let in_service: u32 = state.iter().enumerate().map(|(k, &n_k)| k as u32 * n_k).sum();
            (p.max(0.0), in_service as f64, (n as u32 - state[0]) as f64)
        }),
        pi_full.max(0.0),
    ))
}

/// Every `(n_0, ..., n_C)` with `Σ n_k = n`, in lexicographic order.
fn enumerate(n: usize, c: usize) -> Vec<Vec<u32>> {
    fn fill(prefix: &mut Vec<u32>, left: u32, slots: usize, out: &mut Vec<Vec<u32>>) {
        if slots == 1 {
            prefix.push(left);
            out.push(prefix.clone());
            prefix.pop();
            return;
        }
        for first in 0..=left {
            prefix.push(first);
            fill(prefix, left - first, slots - 1, out);
            prefix.pop();
        }
    }
    let mut out = Vec::new();
    fill(&mut Vec::with_capacity(c + 1), n as u32, c + 1, &mut out);
    out
}

/// The pooled birth-death approximation (see the module documentation).
pub fn chat_pooled(model: &ChatModel) -> Result<ChatQueue, ChatError> {
    let checked = check(model)?;
    let (n, c, _, _) = checked;
    let slots = n * c;
    let h = &model.handle_times;
    let rate = |k: usize| if k == 0 { 0.0 } else { k as f64 / h[k - 1] };
    // Unnormalised π_m for m = 0..=slots, rescaled when large.
    let mut weights = vec![1.0f64; slots + 1];
    for m in 1..=slots {
        let (a, b) = (m / n, m % n);
        let death = (n - b) as f64 * rate(a) + if b > 0 { b as f64 * rate(a + 1) } else { 0.0 };
        weights[m] = weights[m - 1] * model.chats_per_second / death;
        if weights[m] > 1e250 {
            for w in &mut weights[..=m] {
                *w *= 1e-250;
            }
        }
    }
    let weights_full = weights[slots];
    // Probabilities of the states without a queue, relative to their own total (`figures` adds the waiting ones).
    let total: f64 = weights.iter().sum::<f64>();
    Ok(figures(
        model,
        checked,
        weights.iter().enumerate().map(|(m, &w)| {
            let a = m / n;
            let busy = if a > 0 { n } else { m % n };
            (w / total, m as f64, busy as f64)
        }),
        weights_full / total,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::erlang::erlang_a;

    fn model(agents: u32, per_hour: f64, minutes: &[f64], patience_min: f64) -> ChatModel {
        ChatModel {
            agents,
            chats_per_second: per_hour / 3600.0,
            handle_times: minutes.iter().map(|m| m * 60.0).collect(),
            patience: patience_min * 60.0,
        }
    }

    /// With one handle time for every load each chat is its own server: Erlang A with `N C` agents, for both
    /// chains.
    #[test]
    fn equal_handle_times_are_erlang_a_with_every_slot_an_agent() {
        for patience in [2.0, f64::INFINITY] {
            let m = model(3, 100.0, &[4.0, 4.0, 4.0], patience);
            let a = erlang_a(9, 100.0 / 3600.0, 240.0, patience * 60.0);
            for (name, chain) in [("exact", chat_exact(&m).unwrap()), ("pooled", chat_pooled(&m).unwrap())] {
                for (what, got, want) in [
                    ("p_wait", chain.p_wait, a.p_wait),
                    ("p_abandon", chain.p_abandon, a.p_abandon),
                    ("asa", chain.asa, a.asa),
                    ("mean_wait", chain.mean_wait, a.mean_wait),
                    ("occupancy", chain.occupancy, a.occupancy),
                    ("service level", chain.service_level(20.0), a.service_level(20.0)),
                ] {
                    assert!(
                        (got - want).abs() < 1e-9 * want.abs().max(1.0),
                        "{name} {what} with patience {patience}: {got} against Erlang A {want}"
                    );
                }
            }
        }
    }

    /// Concurrency 1 is Erlang A with `N` agents.
    #[test]
    fn one_chat_at_a_time_is_erlang_a() {
        let m = model(5, 60.0, &[4.0], 3.0);
        let a = erlang_a(5, 60.0 / 3600.0, 240.0, 180.0);
        let exact = chat_exact(&m).unwrap();
        assert!((exact.p_wait - a.p_wait).abs() < 1e-12);
        assert!((exact.service_level(30.0) - a.service_level(30.0)).abs() < 1e-12);
        assert!((exact.p_agent_busy - a.occupancy).abs() < 1e-12);
    }

    /// Flow balance: chats answered per second equal completions `Σ_s π(s) Σ_k n_k k / h_k` in the exact chain,
    /// and every probability is a probability.
    #[test]
    fn the_exact_chain_conserves_chats() {
        let m = model(4, 120.0, &[3.0, 3.5, 4.0], 1.5);
        let exact = chat_exact(&m).unwrap();
        assert!(exact.p_wait > 0.01 && exact.p_wait < 1.0, "{exact:?}");
        // Little: chats in service = throughput x mean handle time is not fixed here (it depends on the load), but
        // mean chats per agent is between the bounds of the slowest and fastest handle times.
        let (fast, slow) = (180.0, 240.0);
        let in_service = exact.mean_chats_per_agent * 4.0;
        assert!(
            in_service >= exact.throughput * fast * (1.0 - 1e-9)
                && in_service <= exact.throughput * slow * (1.0 + 1e-9)
        );
        let sl = exact.service_level(30.0);
        assert!(sl > 1.0 - exact.p_wait - exact.p_abandon - 1e-12 && sl <= 1.0 - exact.p_abandon + 1e-12);
    }

    /// The stated accuracy of the pooled chain on the cases in its documentation.
    #[test]
    fn the_pooled_chain_is_within_its_stated_error() {
        for (agents, per_hour, minutes, patience) in [
            (4, 90.0, vec![3.0, 3.5, 4.0], f64::INFINITY),
            (6, 150.0, vec![3.0, 3.5, 4.0], 2.0),
            (10, 180.0, vec![4.0, 5.0], f64::INFINITY),
            (8, 200.0, vec![3.0, 4.0, 4.5], 3.0),
            (4, 160.0, vec![3.0, 3.5, 4.0], 2.0),
            (4, 200.0, vec![3.0, 3.5, 4.0], 1.0),
            (10, 300.0, vec![4.0, 5.0], 3.0),
            (12, 400.0, vec![6.0, 7.0, 8.5], 3.0),
        ] {
            let m = model(agents, per_hour, &minutes, patience);
            let (exact, pooled) = (chat_exact(&m).unwrap(), chat_pooled(&m).unwrap());
            let (sl_exact, sl_pooled) = (exact.service_level(20.0), pooled.service_level(20.0));
            assert!(
                (exact.p_wait - pooled.p_wait).abs() < 0.01,
                "{m:?}: P(wait) {exact:?} {pooled:?}"
            );
            assert!(
                (sl_exact - sl_pooled).abs() < 0.01,
                "{m:?}: service level {sl_exact} {sl_pooled}"
            );
            assert!(
                (exact.mean_wait - pooled.mean_wait).abs() <= 0.07 * exact.mean_wait,
                "{m:?}: mean wait"
            );
            assert!(
                (exact.occupancy - pooled.occupancy).abs() <= 0.025 * exact.occupancy,
                "{m:?}: occupancy"
            );
        }
    }

    #[test]
    fn no_steady_state_and_oversized_chains_are_errors() {
        let m = model(2, 100.0, &[3.0, 4.0], f64::INFINITY);
        assert!(matches!(chat_exact(&m), Err(ChatError::Unstable { .. })));
        let big = model(60, 10.0, &[3.0, 3.5, 4.0], 1.0);
        assert!(matches!(chat_exact(&big), Err(ChatError::TooLarge { .. })));
        assert!(chat_pooled(&big).is_ok());
    }
}
