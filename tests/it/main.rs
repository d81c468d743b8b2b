//! Integration tests: one binary, modules by subject.
//!
//! `validation_*` modules compare the simulator with exact theory inside confidence intervals; `golden` pins
//! seeded output; the rest test behaviour and errors.

mod allocations;
mod calibration;
mod callers_cli;
mod chat;
mod cli;
mod common;
mod consults;
mod day_arrivals;
mod day_engine;
mod day_results;
mod day_roster;
mod day_scenario;
mod distributions;
mod erlang_cli;
mod erlang_formulas;
mod erlang_x;
mod golden;
mod logs;
mod outbound;
mod policies;
mod queue_log_fuzz;
mod report;
mod router_fuzz;
mod scenario_errors;
mod scenario_fuzz;
mod scenario_warnings;
mod schedule;
mod schedule_loop;
mod shards;
mod sl_targets;
mod slurm;
mod staff;
mod statistics_presentation;
mod sweep_axes;
mod sweeps;
mod validation_callers;
mod validation_queues;
mod validation_routing;
