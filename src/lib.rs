//! callsim: a discrete-event call-center simulator with exact queueing theory beside it.
//!
//! The flow: a TOML scenario ([`scenario`]) is validated into a [`scenario::Scenario`]; the [`engine`] runs
//! replications, asking the sans-IO [`routing`] module (the production ACD logic) what to do with each call and
//! reporting to [`stats`] collectors; [`run`] and [`sweep`] combine replications in parallel; [`erlang`] holds the
//! exact formulas and staffing solvers; [`report`] and [`plot`] turn results into tables, CSV, JSON and charts.
//!
//! The library never prints and never exits; the `callsim` binary does.

#![warn(missing_docs)]

pub mod day;
pub mod distribution;
pub mod engine;
pub mod erlang;
pub mod error;
pub mod fit;
pub mod limits;
pub mod logs;
pub mod plot;
pub mod replay;
pub mod report;
pub mod run;
pub mod scenario;
pub mod schedule;
pub mod shard;
pub mod staffing;
pub mod stats;
pub mod submit;
pub mod sweep;
pub mod theory;
pub mod time;

pub use error::{Error, Result};

/// The sans-IO automatic call distributor, re-exported from the `callsim-router` crate (which a production switch
/// can depend on alone): `callsim::routing::Router` is `callsim_router::Router`.
pub use callsim_router as routing;
