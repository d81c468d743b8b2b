//! Sweep axes are part of the scenario language (the `[sweep] vary` key and `--vary`); they live in
//! [`crate::scenario::axis`] so that reading a scenario does not depend on the sweep runner.

pub use crate::scenario::axis::*;
