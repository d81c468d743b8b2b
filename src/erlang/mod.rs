//! Exact queueing formulas and staffing solvers: Erlang B, Erlang C, Erlang A, M/M/c/K, Erlang X and chat
//! with several conversations per agent.
//!
//! Independent of the simulator; the simulator's validation tests and `callsim erlang` use them. Rates are per
//! second and durations in seconds throughout. Every formula is numerically stable from one agent to tens of
//! thousands and loads of thousands of erlangs: blocking comes from the Erlang B recursion, and state
//! probabilities are summed in log space.

mod a;
mod b;
pub mod blend;
mod c;
pub mod chat;
mod logsum;
mod mmck;
mod staffing;
pub mod x;

pub use a::{ErlangA, MAX_POSITIONS, erlang_a};
pub use b::{erlang_b, lines_for_blocking};
pub use c::{ErlangC, Unstable, erlang_c};
pub use mmck::{Mmck, mmck};
pub use staffing::{
    MAX_AGENTS, StaffLevel, StaffingModel, Targets, evaluate, halfin_whitt_p_wait, required_agents, scheduled_agents,
    square_root_staffing,
};
