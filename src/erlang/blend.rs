//! Call blending with a threshold (Bhulai and Koole): the exact Markov chain of one group of `c` agents answering
//! Poisson inbound calls (exponential handle times, optionally exponential patience, first come first served) and
//! working an endless list of outbound calls (exponential handle times, answered at once) whenever more than
//! `keep_idle` agents are idle.
//!
//! **The chain.** State `(i, j)`: `i` inbound calls in the system (talking or waiting), `j` agents on outbound
//! calls. Inbound calls take an idle agent if there is one (whatever the threshold); an agent who frees takes the
//! first waiting inbound call, else becomes idle; while no inbound call waits and more than `keep_idle` agents are
//! idle, idle agents start outbound calls at once. So after every event the idle agents are at most `keep_idle`
//! (or no outbound work remains to start), and the states kept are those. Inbound levels `i` go up by arrivals and
//! down by completions and abandonment: a level-dependent quasi-birth-death process, truncated where the level's
//! probability is below 1e-16 and solved exactly by linear level reduction (block Gaussian elimination, from the
//! top level down).
//!
//! **Waits.** An arriving call sees the stationary state (PASTA). With an idle agent it is answered at once;
//! otherwise `a = i - (c - j)` callers are ahead and it is answered at the `a + 1`-th departure among the agents
//! (inbound at rate `mu` each, outbound at `mu_o` each; an outbound agent who frees takes an inbound call, so `j`
//! falls) or callers ahead abandoning, unless its own patience runs out first: a finite absorbing chain, whose
//! distribution of the time to service by `t` comes by uniformisation. Mean waits come from Little's law.
//!
//! This is what `callsim` simulates for a blended group whose campaign dials progressively with every dial
//! answered at once (`outcomes.answer = 1`, a ring time of 0, exponential talk, no after-call work): the tests
//! check the simulator against it.

use crate::erlang::x::dense::solve_left;

/// The inputs of the blending chain (rates per second).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlendInput {
    /// Agents in the blended group.
    pub agents: u32,
    /// Inbound calls per second.
    pub arrival_rate: f64,
    /// Mean inbound handle time, in seconds.
    pub inbound_handle_s: f64,
    /// Mean outbound handle time, in seconds.
    pub outbound_handle_s: f64,
    /// Outbound work starts only while more than this many agents are idle.
    pub keep_idle: u32,
    /// Mean patience of inbound callers, in seconds (`None`: they never hang up).
    pub patience_s: Option<f64>,
}

/// The chain's stationary figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Blend {
    /// Probability that an inbound call waits (finds no idle agent).
    pub p_wait: f64,
    /// Mean wait of all inbound calls (abandoned ones up to hanging up), in seconds.
    pub mean_wait_s: f64,
    /// Probability that an inbound caller abandons.
    pub abandonment: f64,
    /// Share of agent time busy (inbound and outbound).
    pub occupancy: f64,
    /// Share of agent time on inbound calls.
    pub inbound_occupancy: f64,
    /// Outbound calls completed per minute (all agents).
    pub outbound_per_minute: f64,
    /// Mean inbound calls waiting.
    pub mean_queue: f64,
    input: BlendInput,
    /// Stationary probabilities by level (`i`), each indexed by `j` (0..=agents).
    levels: Vec<Vec<f64>>,
}

/// Levels kept at most (the inbound calls in the system).
const MAX_LEVELS: usize = 200_000;

impl BlendInput {
    fn checked(&self) -> Result<(), String> {
        let positive = |v: f64| v.is_finite() && v > 0.0;
        if self.agents == 0 || self.agents > 1000 {
            return Err(format!("agents must be from 1 to 1000, got {}", self.agents));
        }
        if self.keep_idle > self.agents {
            return Err(format!(
                "keep_idle must be at most the {} agents, got {}",
                self.agents, self.keep_idle
            ));
        }
        if !positive(self.arrival_rate) || !positive(self.inbound_handle_s) || !positive(self.outbound_handle_s) {
            return Err("the arrival rate and both mean handle times must be positive".into());
        }
        if let Some(p) = self.patience_s
            && !positive(p)
        {
            return Err(format!("the mean patience must be positive, got {p}"));
        }
        if self.patience_s.is_none() && self.arrival_rate * self.inbound_handle_s >= self.agents as f64 {
            return Err(format!(
                "the inbound load {:.3} erlangs must be below the {} agents when callers never hang up",
                self.arrival_rate * self.inbound_handle_s,
                self.agents
            ));
        }
        Ok(())
    }

    /// Whether state `(i, j)` can occur: at most `keep_idle` agents idle, and `j` within the agents.
    fn reachable(&self, i: usize, j: usize) -> bool {
        let c = self.agents as usize;
        j <= c && (i + j >= c || c - i - j <= self.keep_idle as usize)
    }

    /// The transitions out of `(i, j)`: `(target, rate)`; levels change by at most one.
    fn transitions(&self, i: usize, j: usize, mut push: impl FnMut(usize, usize, f64)) {
        let c = self.agents as usize;
        let (mu, mu_o) = (1.0 / self.inbound_handle_s, 1.0 / self.outbound_handle_s);
        let theta = self.patience_s.map_or(0.0, |p| 1.0 / p);
        let busy_in = i.min(c - j);
        let queue = i - busy_in;
        // The idle agents after an agent frees with nobody waiting: outbound restarts above the threshold.
        let after_free = |i: usize, j: usize| -> (usize, usize) {
            let idle = c - i.min(c - j) - j;
            if i <= c - j && idle > self.keep_idle as usize {
                (i, j + 1)
            } else {
                (i, j)
            }
        };
        push(i + 1, j, self.arrival_rate);
        if busy_in > 0 {
            let rate = mu * busy_in as f64;
            if queue > 0 {
                push(i - 1, j, rate);
            } else {
                let (ni, nj) = after_free(i - 1, j);
                push(ni, nj, rate);
            }
        }
        if j > 0 {
            let rate = mu_o * j as f64;
            if queue > 0 {
                push(i, j - 1, rate);
            } else {
                let (ni, nj) = after_free(i, j - 1);
                if (ni, nj) != (i, j) {
                    push(ni, nj, rate);
                }
            }
        }
        if queue > 0 && theta > 0.0 {
            push(i - 1, j, theta * queue as f64);
        }
    }
}

/// Solves the blending chain.
pub fn blend(input: &BlendInput) -> Result<Blend, String> {
    input.checked()?;
    let c = input.agents as usize;
    // Truncation: beyond `c + extra` levels the queue alone decays at least geometrically; grow until the top
    // level's probability is negligible.
    let mut top = 4 * c + 64;
    loop {
        let levels = solve_levels(input, top)?;
        let last = levels[top].iter().sum::<f64>();
        if last < 1e-16 || top >= MAX_LEVELS {
            return Ok(figures(input, levels));
        }
        top = (top * 2).min(MAX_LEVELS);
    }
}

/// Stationary probabilities of the chain truncated at level `top` (arrivals at `top` are lost), normalised.
fn solve_levels(input: &BlendInput, top: usize) -> Result<Vec<Vec<f64>>, String> {
    let c = input.agents as usize;
    let size = c + 1;
    // Blocks per level: up (i -> i+1), local (i -> i, diagonal included) and down (i -> i-1).
    let block = |i: usize| -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let (mut up, mut local, mut down) = (vec![0.0; size * size], vec![0.0; size * size], vec![0.0; size * size]);
        for j in 0..size {
            if !input.reachable(i, j) {
                // Never entered: a self-contained absorbing placeholder with no inflow keeps the blocks regular.
                local[j * size + j] = -1.0;
                continue;
            }
            let mut out = 0.0;
            input.transitions(i, j, |ti, tj, rate| {
                if ti > top {
                    return; // arrivals at the top level are lost
                }
                out += rate;
                let target = if ti == i + 1 {
                    &mut up
                } else if ti == i {
                    &mut local
                } else {
                    &mut down
                };
                target[j * size + tj] += rate;
            });
            local[j * size + j] -= out;
        }
        (up, local, down)
    };
    // Reduction from the top: pi_{i+1} = pi_i R_i with R_{top-1} = U_{top-1} (-L_top)^-1 and
    // R_{i-1} = U_{i-1} (-(L_i + R_i D_{i+1}))^-1.
    let mut r: Vec<Vec<f64>> = vec![Vec::new(); top];
    // `below` is M_{i+1} = L_{i+1} + R_{i+1} D_{i+2} (M_top = L_top), `down_above` is D_{i+1}.
    let (_, mut below, mut down_above) = block(top);
    for i in (0..top).rev() {
        let (up, local, down) = block(i);
        let negated: Vec<f64> = below.iter().map(|v| -v).collect();
        let mut ri = up;
        solve_left(&negated, size, &mut ri, size).map_err(|_| "the blending chain is singular".to_string())?;
        let mut next = local;
        for a in 0..size {
            for k in 0..size {
                let factor = ri[a * size + k];
                if factor == 0.0 {
                    continue;
                }
                for b in 0..size {
                    next[a * size + b] += factor * down_above[k * size + b];
                }
            }
        }
        r[i] = ri;
        below = next;
        down_above = down;
    }
    // pi_0 (L_0 + R_0 D_1) = 0: replace one equation by the normalisation later; solve with the reachable states.
    let m = below; // L_0 + R_0 D_1
    let pi0 = null_vector(&m, size, |j| input.reachable(0, j))?;
    let mut levels = vec![pi0];
    for ri in r.iter() {
        let prev = levels.last().expect("level 0");
        let mut next = vec![0.0; size];
        for a in 0..size {
            if prev[a] == 0.0 {
                continue;
            }
            for b in 0..size {
                next[b] += prev[a] * ri[a * size + b];
            }
        }
        levels.push(next);
    }
    let total: f64 = levels.iter().flatten().sum();
    for level in &mut levels {
        for p in level.iter_mut() {
            *p = (*p / total).max(0.0);
        }
    }
    Ok(levels)
}

/// A row vector `x` with `x M = 0`, `x_0` fixed to 1 on the first reachable state, zero off `reachable`.
fn null_vector(m: &[f64], size: usize, reachable: impl Fn(usize) -> bool) -> Result<Vec<f64>, String> {
    let states: Vec<usize> = (0..size).filter(|&j| reachable(j)).collect();
    let n = states.len();
    if n == 1 {
        let mut x = vec![0.0; size];
        x[states[0]] = 1.0;
        return Ok(x);
    }
    // Unknowns x_s for s in states; equations: columns of M for states[1..] (n - 1), plus x_{states[0]} = 1.
    // As Y X = B with X (n x n): column k < n-1 of X is M restricted (rows states, column states[k+1]); the last
    // column is e_0; B = [0 ... 0 1].
    let mut x = vec![0.0; n * n];
    for (row, &s) in states.iter().enumerate() {
        for k in 0..n - 1 {
            x[row * n + k] = m[s * size + states[k + 1]];
        }
        x[row * n + n - 1] = if row == 0 { 1.0 } else { 0.0 };
    }
    let mut b = vec![0.0; n];
    b[n - 1] = 1.0;
    solve_left(&x, n, &mut b, 1).map_err(|_| "the blending chain's first level is singular".to_string())?;
    let mut out = vec![0.0; size];
    for (k, &s) in states.iter().enumerate() {
        out[s] = b[k];
    }
    Ok(out)
}

fn figures(input: &BlendInput, levels: Vec<Vec<f64>>) -> Blend {
    let c = input.agents as usize;
    let (mut p_wait, mut queue, mut busy_in, mut busy_out) = (0.0, 0.0, 0.0, 0.0);
    for (i, level) in levels.iter().enumerate() {
        for (j, &p) in level.iter().enumerate() {
            let inbound = i.min(c - j);
            if i + j >= c {
                p_wait += p;
            }
            queue += p * (i - inbound) as f64;
            busy_in += p * inbound as f64;
            busy_out += p * j as f64;
        }
    }
    let theta = input.patience_s.map_or(0.0, |p| 1.0 / p);
    Blend {
        p_wait,
        mean_wait_s: queue / input.arrival_rate,
        abandonment: theta * queue / input.arrival_rate,
        occupancy: (busy_in + busy_out) / c as f64,
        inbound_occupancy: busy_in / c as f64,
        outbound_per_minute: 60.0 * busy_out / input.outbound_handle_s,
        mean_queue: queue,
        input: *input,
        levels,
    }
}

impl Blend {
    /// Service level: the share of inbound calls answered within `t` seconds (abandoned calls count as not
    /// answered).
    pub fn service_level(&self, t: f64) -> f64 {
        let input = &self.input;
        let c = input.agents as usize;
        let (mu, mu_o) = (1.0 / input.inbound_handle_s, 1.0 / input.outbound_handle_s);
        let theta = input.patience_s.map_or(0.0, |p| 1.0 / p);
        let ahead_max = self.levels.len();
        // Uniformisation of the tagged caller's chain over (ahead a, outbound j).
        let rate = |a: usize, j: usize| mu * (c - j) as f64 + mu_o * j as f64 + theta * (a + 1) as f64;
        let lambda = (0..=c).map(|j| rate(ahead_max, j)).fold(0.0, f64::max);
        let index = |a: usize, j: usize| a * (c + 1) + j;
        let states = (ahead_max + 1) * (c + 1);
        // u[s]: probability of being answered within n jumps from s.
        let mut u = vec![0.0; states];
        let mut next = vec![0.0; states];
        let mean = lambda * t;
        let steps = (mean + 12.0 * mean.sqrt() + 30.0).ceil() as usize;
        let mut weight = (-mean).exp();
        let mut within = vec![0.0; states];
        // Poisson weights by recursion; for large means start in log space.
        let log_weight = |n: usize| -> f64 {
            let n = n as f64;
            -mean + n * mean.ln() - ln_gamma(n + 1.0)
        };
        for n in 0..=steps {
            weight = if mean > 500.0 { log_weight(n).exp() } else { weight };
            for (s, w) in within.iter_mut().zip(&u) {
                *s += weight * w;
            }
            for a in 0..=ahead_max {
                for j in 0..=c {
                    let inbound = mu * (c - j) as f64;
                    let outbound = mu_o * j as f64;
                    let leave = theta * a as f64;
                    let own = theta;
                    let stay = lambda - inbound - outbound - leave - own;
                    let mut v = stay * u[index(a, j)];
                    if a == 0 {
                        v += inbound + outbound; // the next free agent answers the tagged caller
                    } else {
                        v += inbound * u[index(a - 1, j)] + leave * u[index(a - 1, j)];
                        v += outbound * u[index(a - 1, j.saturating_sub(1))];
                    }
                    next[index(a, j)] = v / lambda;
                }
            }
            std::mem::swap(&mut u, &mut next);
            if mean <= 500.0 {
                weight *= mean / (n + 1) as f64;
            }
        }
        let mut level = 0.0;
        for (i, probabilities) in self.levels.iter().enumerate() {
            for (j, &p) in probabilities.iter().enumerate() {
                if p == 0.0 {
                    continue;
                }
                if i + j < c {
                    level += p;
                } else {
                    let ahead = (i + j - c).min(ahead_max);
                    level += p * within[index(ahead, j)];
                }
            }
        }
        level
    }
}

/// The natural log of the Gamma function (Lanczos), for Poisson weights of large means.
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (k, g) in G.iter().enumerate().skip(1) {
        a += g / (x + k as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::erlang::{erlang_a, erlang_c};

    fn input(agents: u32, keep_idle: u32, patience_s: Option<f64>) -> BlendInput {
        BlendInput {
            agents,
            arrival_rate: 8.0 / 240.0 * 0.999,
            inbound_handle_s: 240.0,
            outbound_handle_s: 180.0,
            keep_idle,
            patience_s,
        }
    }

    /// With `keep_idle` equal to the agents no outbound call ever starts: Erlang C exactly.
    #[test]
    fn no_blending_is_erlang_c() {
        let i = BlendInput {
            arrival_rate: 8.0 / 240.0,
            ..input(10, 10, None)
        };
        let b = blend(&i).unwrap();
        let c = erlang_c(10, 8.0 / 240.0, 240.0).unwrap();
        assert!((b.p_wait - c.p_wait).abs() < 1e-10, "{} vs {}", b.p_wait, c.p_wait);
        assert!((b.mean_wait_s - c.asa()).abs() < 1e-8 * c.asa().max(1.0));
        assert!((b.service_level(20.0) - c.service_level(20.0)).abs() < 1e-9);
        assert_eq!(b.outbound_per_minute, 0.0);
    }

    /// With patience and no blending: Erlang A.
    #[test]
    fn no_blending_with_patience_is_erlang_a() {
        let i = BlendInput {
            arrival_rate: 9.0 / 240.0,
            ..input(10, 10, Some(120.0))
        };
        let b = blend(&i).unwrap();
        let a = erlang_a(10, 9.0 / 240.0, 240.0, 120.0).service_level(20.0);
        assert!(
            (b.service_level(20.0) - a).abs() < 1e-8,
            "{} vs {a}",
            b.service_level(20.0)
        );
    }

    /// Probability flows balance and the agents' time adds up: inbound work equals the offered load less the
    /// abandoned, whatever the threshold.
    #[test]
    fn inbound_work_is_the_carried_load() {
        for keep in [0, 1, 3] {
            let i = input(10, keep, Some(300.0));
            let b = blend(&i).unwrap();
            let carried = i.arrival_rate * (1.0 - b.abandonment) * i.inbound_handle_s;
            assert!((b.inbound_occupancy * 10.0 - carried).abs() < 1e-8, "keep_idle {keep}");
            assert!(b.occupancy <= 1.0 + 1e-12);
        }
    }

    /// A lower threshold gives more outbound work and worse inbound service.
    #[test]
    fn the_threshold_trades_inbound_service_for_outbound_calls() {
        let (low, high) = (blend(&input(10, 0, None)).unwrap(), blend(&input(10, 3, None)).unwrap());
        assert!(low.outbound_per_minute > high.outbound_per_minute);
        assert!(low.service_level(20.0) < high.service_level(20.0));
        assert!(low.p_wait > high.p_wait);
    }
}
