//! Integration tests: one binary, modules by subject.
//!
//! `validation_*` modules compare the simulator with exact theory inside confidence intervals; `golden` pins
//! seeded output; the rest test behaviour and errors.

mod common;
mod erlang_formulas;
mod validation_queues;
mod distributions;
mod scenario_errors;
mod cli;
