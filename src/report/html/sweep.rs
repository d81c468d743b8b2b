//! The pages of `callsim sweep` and `callsim compare`.
