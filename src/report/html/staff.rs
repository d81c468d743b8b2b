//! The page of `callsim staff`.
