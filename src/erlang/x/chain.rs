//! The Erlang X Markov chain with the orbit truncated at `M` callers, solved by linear level reduction.
//!
//! Levels are orbit sizes `m = 0..=M`, phases the calls in the system `n = 0..=N`. The generator is block
//! tridiagonal (a level-dependent quasi-birth-death process): `A0` (one more in the orbit: a failed attempt that
//! will redial) is the same at every level, `A1(m)` moves within the level, `A2(m)` (one fewer in the orbit: a
//! redial) grows with `m`. Going down from the top, `R_{M-1} = A0 (-A1(M))^{-1}` and
//! `R_{m-1} = A0 (-A1(m) - R_m A2(m+1))^{-1}`; then `π_0 (A1(0) + R_0 A2(1)) = 0`, `Σ π_0 = 1`, and
//! `π_{m+1} = π_m R_m`, rescaled level by level in log space so that no probability overflows or underflows
//! before the final normalisation. Only the rows of `A0` that are not zero are kept in `R` (callers who wait: at
//! most `N - c + 1` of the `N + 1` rows), so each level costs one dense elimination of order `N + 1`.
//!
//! The truncation: the orbit holds at most `M` callers; a caller who would redial while it is full gives up
//! instead. The chain stays conservative, and its figures converge to the untruncated ones as `M` grows.

use super::super::logsum::LogSum;
use super::dense::{Singular, solve_left};

/// The chain's rates, per second.
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    /// Fresh arrivals `λ`.
    pub lambda: f64,
    /// Service rate of one agent `μ`.
    pub mu: f64,
    /// Abandonment rate of one waiting caller `θ` (0 for infinite patience).
    pub theta: f64,
    /// Redial probability `r`.
    pub redial: f64,
    /// Redial rate of one caller in the orbit `δ` (1 / mean redial delay).
    pub delta: f64,
    /// Agents `c`.
    pub agents: usize,
    /// Lines `N >= c`.
    pub lines: usize,
}

impl Rates {
    fn phases(&self) -> usize {
        self.lines + 1
    }

    /// Service completions in phase `n`.
    pub fn served(&self, n: usize) -> f64 {
        n.min(self.agents) as f64 * self.mu
    }

    /// Abandonments in phase `n`.
    pub fn abandoning(&self, n: usize) -> f64 {
        n.saturating_sub(self.agents) as f64 * self.theta
    }

    /// The non-zero entries of `A0` by row: `(row, [(column, rate)])`.
    pub fn up_rows(&self) -> Vec<(usize, Vec<(usize, f64)>)> {
        let (c, big_n, r) = (self.agents, self.lines, self.redial);
        let mut rows = Vec::new();
        if r == 0.0 {
            return rows;
        }
        for n in (c + 1).max(1)..=big_n {
            let mut entries = Vec::new();
            if self.theta > 0.0 {
                entries.push((n - 1, r * self.abandoning(n)));
            }
            if n == big_n {
                entries.push((big_n, r * self.lambda));
            }
            if !entries.is_empty() {
                rows.push((n, entries));
            }
        }
        if c == big_n {
            rows.push((big_n, vec![(big_n, r * self.lambda)]));
        }
        rows
    }

    /// `-A1(m)` as a dense row-major matrix, for the chain truncated at `top` levels.
    fn negated_local(&self, m: usize, top: usize) -> Vec<f64> {
        let p = self.phases();
        let big_n = self.lines;
        let r = self.redial;
        let mut x = vec![0.0; p * p];
        for n in 0..p {
            let mut out = 0.0;
            if n < big_n {
                x[n * p + n + 1] = -self.lambda;
                out += self.lambda;
            }
            if n > 0 {
                // At the top level a caller who would join the full orbit gives up: all abandonments stay local.
                let abandon_local = if m < top { 1.0 - r } else { 1.0 };
                let down = self.served(n) + abandon_local * self.abandoning(n);
                x[n * p + n - 1] = -down;
                out += down;
            }
            if m < top {
                out += r * self.abandoning(n) + if n == big_n { r * self.lambda } else { 0.0 };
            }
            if m > 0 {
                out += m as f64 * self.delta * if n < big_n { 1.0 } else { 1.0 - r };
            }
            x[n * p + n] = out;
        }
        x
    }

    /// `x -= R A2(m)` on the rows of `R` (from level `m - 1`, given as its non-zero rows).
    fn subtract_returns(&self, x: &mut [f64], rows: &[usize], r_rows: &[f64], m: usize) {
        let p = self.phases();
        let rate = m as f64 * self.delta;
        for (i, &row) in rows.iter().enumerate() {
            let r_row = &r_rows[i * p..(i + 1) * p];
            let target = &mut x[row * p..(row + 1) * p];
            for k in 0..self.lines {
                target[k + 1] -= r_row[k] * rate;
            }
            target[self.lines] -= r_row[self.lines] * rate * (1.0 - self.redial);
        }
    }
}

/// The stationary law of the truncated chain: `π(n, m)` at `probs[m * (N + 1) + n]`.
#[derive(Debug, Clone)]
pub struct Stationary {
    /// Highest orbit level `M`.
    pub top: usize,
    /// `π(n, m)`, level by level.
    pub probs: Vec<f64>,
}

impl Stationary {
    /// The levels' probability vectors.
    pub fn levels(&self) -> impl Iterator<Item = &[f64]> {
        self.probs.chunks(self.probs.len() / (self.top + 1))
    }
}

/// Solves the chain with the orbit truncated at `top` callers.
pub fn solve(rates: &Rates, top: usize) -> Result<Stationary, Singular> {
    let p = rates.phases();
    let up = rates.up_rows();
    let rows: Vec<usize> = up.iter().map(|(row, _)| *row).collect();
    let k = rows.len();
    let top = if k == 0 { 0 } else { top };
    let a0 = || {
        let mut b = vec![0.0; k * p];
        for (i, (_, entries)) in up.iter().enumerate() {
            for &(column, rate) in entries {
                b[i * p + column] += rate;
            }
        }
        b
    };
    // r[m] = R_m (rows × p), m = 0..top-1, found from the top down.
    let mut r: Vec<Vec<f64>> = vec![Vec::new(); top];
    for m in (1..=top).rev() {
        let mut x = rates.negated_local(m, top);
        if m < top {
            rates.subtract_returns(&mut x, &rows, &r[m], m + 1);
        }
        let mut b = a0();
        solve_left(&x, p, &mut b, k)?;
        r[m - 1] = b;
    }
    let mut x = rates.negated_local(0, top);
    if top > 0 {
        rates.subtract_returns(&mut x, &rows, &r[0], 1);
    }
    // π_0 X_0 = 0 with Σ π_0 = 1: the last column (a combination of the others) becomes the normalisation.
    for n in 0..p {
        x[n * p + p - 1] = 1.0;
    }
    let mut level = vec![0.0; p];
    level[p - 1] = 1.0;
    solve_left(&x, p, &mut level, 1)?;
    let mut probs = Vec::with_capacity((top + 1) * p);
    let mut log_scales = Vec::with_capacity(top + 1);
    let mut log_scale = 0.0;
    let mut total = LogSum::default();
    for m in 0..=top {
        for v in level.iter_mut() {
            *v = v.max(0.0);
        }
        let sum: f64 = level.iter().sum();
        if sum > 0.0 {
            level.iter_mut().for_each(|v| *v /= sum);
            log_scale += sum.ln();
        } else {
            log_scale = f64::NEG_INFINITY;
        }
        total.add(log_scale);
        log_scales.push(log_scale);
        probs.extend_from_slice(&level);
        if let Some(r_m) = r.get(m) {
            let mut next = vec![0.0; p];
            for (i, &row) in rows.iter().enumerate() {
                let weight = level[row];
                if weight == 0.0 {
                    continue;
                }
                for (value, step) in next.iter_mut().zip(&r_m[i * p..(i + 1) * p]) {
                    *value += weight * step;
                }
            }
            level = next;
        }
    }
    let log_total = total.ln();
    for (m, chunk) in probs.chunks_mut(p).enumerate() {
        let scale = (log_scales[m] - log_total).exp();
        chunk.iter_mut().for_each(|v| *v *= scale);
    }
    Ok(Stationary { top, probs })
}
