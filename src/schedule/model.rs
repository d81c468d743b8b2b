//! The shift-scheduling integer program and its solution, with good_lp over the pure-Rust microlp solver.
//!
//! Variables: `x_c` >= 0 integer, the agents on column `c` (template, start, break placement), and `s_i` >= 0,
//! the shortfall in interval `i`. Constraints: for every interval, `sum_c a_ic x_c + s_i >= r_i`, where `a_ic` is
//! the share of interval `i` one agent of column `c` is on duty and not on break (time-weighted coverage) and `r_i`
//! the requirement; for every template, `min <= sum of its x_c <= max`. Objective: `sum_c w_c x_c + P sum_i s_i`
//! with `w_c` the column's paid hours or cost and `P` [`SHORTFALL_PENALTY`] times the dearest column, so a
//! shortfall is left only where no roster within the templates' maxima can cover it. This module knows nothing of
//! files or clock labels.

use std::time::Instant;

use good_lp::solvers::microlp::microlp;
use good_lp::{
    Expression, ProblemVariables, Solution as _, SolutionStatus, SolverModel, Variable, WithMipGap, WithTimeLimit,
    variable,
};

use crate::error::{Error, Result};
use crate::schedule::templates::{Column, Template};

/// Penalty of one agent-interval of shortfall, in units of the dearest column's weight.
pub const SHORTFALL_PENALTY: f64 = 1000.0;

/// What the schedule minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Objective {
    /// Paid hours (unpaid breaks excluded).
    PaidHours,
    /// `cost_per_hour` x paid hours.
    Cost,
}

/// The solver's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Solved {
    /// Agents per column.
    pub counts: Vec<u32>,
    /// True when the solver proved the roster optimal.
    pub optimal: bool,
    /// Relative gap between the roster's objective and the best bound (0 when proven optimal).
    pub gap: f64,
    /// Wall-clock seconds the solve took.
    pub seconds: f64,
}

/// The objective's lattice: when every column weight is a multiple of `step` and every requirement and coverage
/// share a multiple of `1 / k_i` (k_i the interval's minutes), a shortfall penalty that is a multiple of
/// `step x lcm(k_i)` puts every roster's objective on multiples of `step`; a roster within `step` of the solver's
/// bound is then proven optimal without closing the last sliver of the gap.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Lattice {
    step: f64,
    penalty: f64,
}

fn near_integer(x: f64) -> Option<u64> {
    let r = x.round();
    ((x - r).abs() < 1e-6 && (0.0..1e12).contains(&r)).then_some(r as u64)
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn lattice(
    weights: &[f64],
    columns: &[Column],
    requirement: &[f64],
    interval_seconds: &[f64],
    dearest: f64,
) -> Option<Lattice> {
    let mut g = 0;
    for &w in weights {
        g = gcd(g, near_integer(w * 1000.0)?);
    }
    if g == 0 {
        return None;
    }
    let step = g as f64 / 1000.0;
    let minutes: Vec<u64> = interval_seconds
        .iter()
        .map(|&s| near_integer(s / 60.0))
        .collect::<Option<_>>()?;
    let mut lcm: u64 = 1;
    for &k in &minutes {
        if k == 0 {
            return None;
        }
        lcm = lcm / gcd(lcm, k) * k;
        if lcm > 100_000 {
            return None;
        }
    }
    for (r, &k) in requirement.iter().zip(&minutes) {
        near_integer(r * k as f64)?;
    }
    for c in columns {
        for &(i, a) in &c.coverage {
            near_integer(a * minutes[i] as f64)?;
        }
    }
    let unit = step * lcm as f64;
    let penalty = unit * (SHORTFALL_PENALTY * dearest / unit).ceil().max(1.0);
    Some(Lattice { step, penalty })
}

/// Solves the program for `columns` of `templates` against `requirement` (one value per interval, each interval
/// `interval_seconds` long), stopping at `time_limit` seconds with the best roster found. Deterministic: the same
/// input gives the same roster.
///
/// Optimality is proven by microlp's branch and bound, or by the objective's lattice: when every roster's
/// objective is a multiple of a step (paid hours in quarter hours, say) and the best roster is within one step
/// of the solver's lower bound, no better roster exists. The search then stops there instead of closing the last
/// sliver of the gap (the bound from a first solve of the linear relaxation sets the relative gap to stop at).
pub fn solve(
    templates: &[Template],
    columns: &[Column],
    requirement: &[f64],
    interval_seconds: &[f64],
    objective: Objective,
    time_limit: f64,
) -> Result<Solved> {
    let began = Instant::now();
    let weight = |c: &Column| match objective {
        Objective::PaidHours => c.paid_hours,
        Objective::Cost => c.cost,
    };
    let weights: Vec<f64> = columns.iter().map(weight).collect();
    let dearest = weights.iter().copied().fold(1.0_f64, f64::max);
    let lattice = lattice(&weights, columns, requirement, interval_seconds, dearest);
    let penalty = lattice.map_or(SHORTFALL_PENALTY * dearest, |l| l.penalty);
    let peak = requirement.iter().copied().fold(0.0_f64, f64::max);
    let build = |integer: bool| {
        let mut vars = ProblemVariables::new();
        let x: Vec<Variable> = columns
            .iter()
            .map(|c| {
                // More agents on one column than cover the peak alone never helps (except to reach a minimum).
                let thinnest = c.coverage.iter().map(|&(_, a)| a).fold(1.0_f64, f64::min);
                let template = &templates[c.template];
                let mut bound = ((peak / thinnest).ceil() as u32).max(template.min);
                if let Some(max) = template.max {
                    bound = bound.min(max);
                }
                let v = variable().min(0).max(bound);
                vars.add(if integer { v.integer() } else { v })
            })
            .collect();
        let s: Vec<Variable> = requirement.iter().map(|_| vars.add(variable().min(0))).collect();
        let mut cost = Expression::from(0.0);
        for (&w, &v) in weights.iter().zip(&x) {
            cost += w * v;
        }
        for &v in &s {
            cost += penalty * v;
        }
        let mut covered: Vec<Expression> = s.iter().map(|&v| Expression::from(v)).collect();
        let mut per_template: Vec<Expression> = templates.iter().map(|_| Expression::from(0.0)).collect();
        for (c, &v) in columns.iter().zip(&x) {
            for &(i, a) in &c.coverage {
                covered[i] += a * v;
            }
            per_template[c.template] += v;
        }
        let mut model = vars.minimise(cost).using(microlp).with_time_limit(time_limit);
        for (expr, &r) in covered.into_iter().zip(requirement) {
            model = model.with(expr.geq(r));
        }
        for (expr, template) in per_template.into_iter().zip(templates) {
            if template.min > 0 {
                model = model.with(expr.clone().geq(f64::from(template.min)));
            }
            if let Some(max) = template.max {
                model = model.with(expr.leq(f64::from(max)));
            }
        }
        (model, x)
    };
    let no_roster = |e: good_lp::ResolutionError| {
        Error::input(
            "--time-limit",
            format!("the solver found no roster: {e}; allow more time or use fewer columns"),
        )
    };
    let mut model = build(true).0;
    let x = build(true).1;
    if let Some(lattice) = lattice {
        let relaxed = build(false).0.solve().map_err(no_roster)?;
        let bound = relaxed.into_inner().objective();
        if bound > 0.0 {
            // Stop once the roster is within a step of the solver's bound: the solver measures the gap relative to
            // the roster's objective, which is at most `bound + step` for any roster that could be proven this way.
            let gap = (0.999 * lattice.step / (bound + lattice.step)) as f32;
            model = model
                .with_mip_gap(gap)
                .map_err(|e| Error::input("--time-limit", e.to_string()))?;
        }
    }
    let solution = model.solve().map_err(no_roster)?;
    let counts: Vec<u32> = x.iter().map(|&v| solution.value(v).round().max(0.0) as u32).collect();
    let proven = matches!(solution.status(), SolutionStatus::Optimal);
    let inner = solution.into_inner();
    let solver_gap = inner.gap().unwrap_or(f64::NAN);
    let best_bound = inner.stats().best_bound;
    // The roster's own objective, with each shortfall exactly what the roster leaves.
    let mut cover = vec![0.0; requirement.len()];
    let mut value = 0.0;
    for ((c, &n), &w) in columns.iter().zip(&counts).zip(&weights) {
        for &(i, a) in &c.coverage {
            cover[i] += a * f64::from(n);
        }
        value += w * f64::from(n);
    }
    value += penalty
        * requirement
            .iter()
            .zip(&cover)
            .map(|(r, c)| (r - c).max(0.0))
            .sum::<f64>();
    let on_lattice = match (lattice, best_bound) {
        (Some(l), Some(bound)) => value - bound < l.step * (1.0 - 1e-6),
        _ => false,
    };
    let optimal = proven || on_lattice;
    let gap = match (optimal, best_bound) {
        (true, _) => 0.0,
        (false, Some(bound)) if value > 0.0 => ((value - bound) / value).max(0.0),
        _ => solver_gap,
    };
    Ok(Solved {
        counts,
        optimal,
        gap,
        seconds: began.elapsed().as_secs_f64(),
    })
}
