//! Helpers shared by the integration tests.

#![allow(dead_code)]

use callsim::scenario::Scenario;

/// Parses scenario text, panicking with the error on failure (tests only).
pub fn scenario(text: &str) -> Scenario {
    Scenario::from_toml_str(text, "<test>").unwrap_or_else(|e| panic!("{e}"))
}

/// Asserts that `estimate ± half_width` covers `exact`, widened by `slack` (absolute) for bias such as the
/// histogram's resolution, and prints all three on failure.
pub fn assert_covers(what: &str, estimate: callsim::stats::Estimate, exact: f64, slack: f64) {
    let mean = estimate.mean.expect("metric defined");
    let half = estimate.ci95.expect("interval defined");
    assert!(
        (mean - exact).abs() <= half + slack,
        "{what}: estimate {mean:.5} ± {half:.5} does not cover the exact {exact:.5} (slack {slack})"
    );
}
