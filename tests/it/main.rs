//! Integration tests: one binary, modules by subject.
//!
//! `validation_*` modules compare the simulator with exact theory inside confidence intervals; `golden` pins
//! seeded output; the rest test behaviour and errors.

mod allocations;
mod calibration;
mod cli;
mod common;
mod distributions;
mod erlang_formulas;
mod golden;
mod policies;
mod router_fuzz;
mod scenario_errors;
mod sweeps;
mod validation_queues;
