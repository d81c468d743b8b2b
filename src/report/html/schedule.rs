//! The page of `callsim schedule`.
