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
    Expression, ProblemVariables, Solution as _, SolutionStatus, SolverModel, Variable, WithTimeLimit, variable,
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

/// Solves the program for `columns` of `templates` against `requirement` (one value per interval), stopping at
/// `time_limit` seconds with the best roster found. Deterministic: the same input gives the same roster.
pub fn solve(
    templates: &[Template],
    columns: &[Column],
    requirement: &[f64],
    objective: Objective,
    time_limit: f64,
) -> Result<Solved> {
    let began = Instant::now();
    let weight = |c: &Column| match objective {
        Objective::PaidHours => c.paid_hours,
        Objective::Cost => c.cost,
    };
    let dearest = columns.iter().map(weight).fold(1.0_f64, f64::max);
    let peak = requirement.iter().copied().fold(0.0_f64, f64::max);
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
            vars.add(variable().integer().min(0).max(bound))
        })
        .collect();
    let s: Vec<Variable> = requirement.iter().map(|_| vars.add(variable().min(0))).collect();
    let mut cost = Expression::from(0.0);
    for (c, &v) in columns.iter().zip(&x) {
        cost += weight(c) * v;
    }
    for &v in &s {
        cost += SHORTFALL_PENALTY * dearest * v;
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
    let solution = model.solve().map_err(|e| {
        Error::input(
            "--time-limit",
            format!("the solver found no roster: {e}; allow more time or use fewer columns"),
        )
    })?;
    let counts = x.iter().map(|&v| solution.value(v).round().max(0.0) as u32).collect();
    let optimal = matches!(solution.status(), SolutionStatus::Optimal);
    let gap = if optimal {
        0.0
    } else {
        solution.into_inner().gap().unwrap_or(f64::NAN)
    };
    Ok(Solved {
        counts,
        optimal,
        gap,
        seconds: began.elapsed().as_secs_f64(),
    })
}
