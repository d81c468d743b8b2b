//! Calibration of the validation tests (ignored: minutes of CPU). Runs every validation test over many seeds and
//! reports, per test, the share of seeds that pass (should be about 999 in 1,000), the share that still pass when
//! every exact value is multiplied by 1.02 or 0.98 (should be small: the power to see a 2% bias), and per
//! assertion how often it alone fails under each mutation.
//!
//! `CALLSIM_SEEDS=200 CALLSIM_CASES=erlang_c cargo test --release --test it calibration -- --ignored --nocapture`
//! (seeds 1 to 200; `CALLSIM_FIRST_SEED` moves the range).

use std::time::Instant;

use crate::common::Checks;
use crate::validation_queues as v;

/// A validation test as a function of its seed: its name and the checks it would assert.
type Case = (&'static str, fn(u64) -> Checks);

/// Every validation test as a function of its seed.
const CASES: &[Case] = &[
    (
        "blending_matches_the_threshold_policy_chain",
        crate::outbound::blending_case,
    ),
    ("blending_asa_without_abandonment", crate::outbound::blending_asa_case),
    (
        "progressive_dialing_of_endless_work",
        crate::outbound::endless_work_case,
    ),
    ("erlang_c_without_abandonment", v::erlang_c_case),
    ("erlang_c_tail_percentiles_over_many_short_days", v::erlang_c_tail_case),
    ("erlang_a_with_exponential_patience", v::erlang_a_case),
    ("erlang_a_when_overloaded", v::erlang_a_overloaded_case),
    ("mmck_trunk_lines_block_arrivals", v::mmck_case),
    ("two_priority_classes_follow_cobham", v::two_priority_classes_case),
    ("three_priority_classes_follow_cobham", v::three_priority_classes_case),
    ("littles_law_holds_for_the_agents", v::littles_law_case),
    ("several_groups_serving_one_type_pool_like_one_group", |seed| {
        v::pooled_groups_case(seed).0
    }),
    (
        "erlang_a_service_level_at_other_thresholds",
        v::erlang_a_thresholds_case,
    ),
    ("occupancy_counts_after_call_work", v::after_call_work_case),
    (
        "disjoint_groups_are_independent_erlang_c_queues",
        v::disjoint_groups_case,
    ),
    (
        "each_long_interval_converges_to_its_erlang_c",
        crate::day_engine::step_case,
    ),
    ("balking_always_is_erlang_b", crate::day_engine::erlang_b_case),
    (
        "a_chat_team_is_the_exact_least_loaded_chain",
        crate::chat::chat_team_case,
    ),
    (
        "a_queue_capacity_is_mmck",
        crate::validation_callers::queue_capacity_case,
    ),
    (
        "a_deterministic_wait_limit_is_the_exact_mmc_plus_d_queue",
        crate::validation_callers::wait_limit_case,
    ),
    (
        "repeat_calls_come_back_at_the_configured_rate",
        crate::validation_callers::repeat_calls_case,
    ),
    (
        "redials_on_a_trunk_are_erlang_x",
        crate::validation_callers::erlang_x_case,
    ),
    (
        "seniors_are_an_erlang_c_queue_of_consults",
        crate::consults::seniors_case,
    ),
    ("cold_transfers_are_a_jackson_network", crate::consults::jackson_case),
    (
        "warm_transfers_hold_the_first_agent_until_the_second_answers",
        crate::consults::warm_case,
    ),
    (
        "a_trunk_reservation_is_the_exact_birth_death_chain",
        crate::validation_routing::reservation_case,
    ),
];

/// Pass rate over seeds, and power under a 2% mutation of the exact values, for every validation test; prints
/// the figures and fails if a test passes for under 97% of the seeds tried (a correct test passes for 99.9%).
#[test]
#[ignore = "calibration: minutes of CPU; run by hand when a validation test changes"]
fn validation_tests_over_many_seeds() {
    let seeds: u64 = std::env::var("CALLSIM_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let first: u64 = std::env::var("CALLSIM_FIRST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let filter = std::env::var("CALLSIM_CASES").unwrap_or_default();
    let mut worst: f64 = 1.0;
    for (name, case) in CASES.iter().filter(|(name, _)| name.contains(&filter)) {
        let started = Instant::now();
        let mut passed = 0;
        let mut passed_up = 0;
        let mut passed_down = 0;
        let mut single_fail_up: Vec<u32> = Vec::new();
        let mut single_fail_down: Vec<u32> = Vec::new();
        let mut outside_95: Vec<u32> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let mut half_widths: Vec<f64> = Vec::new();
        let mut relative_errors: Vec<f64> = Vec::new();
        for seed in first..first + seeds {
            let checks = case(seed);
            if seed == first {
                println!("{name}, seed {seed}:\n{}", checks.describe());
            }
            let base = checks.outcomes(1.0);
            let up = checks.outcomes(1.02);
            let down = checks.outcomes(0.98);
            if names.is_empty() {
                names = base.iter().map(|o| o.what.clone()).collect();
                single_fail_up = vec![0; names.len()];
                single_fail_down = vec![0; names.len()];
                outside_95 = vec![0; names.len()];
                half_widths = vec![0.0; names.len()];
                relative_errors = vec![0.0; names.len()];
            }
            passed += base.iter().all(|o| o.passes()) as u32;
            passed_up += up.iter().all(|o| o.passes()) as u32;
            passed_down += down.iter().all(|o| o.passes()) as u32;
            for (i, o) in base.iter().enumerate() {
                outside_95[i] += (o.t.abs() > 1.96) as u32;
                half_widths[i] += o.relative_half_width / seeds as f64;
                relative_errors[i] += (o.estimate / o.target - 1.0) / seeds as f64;
                single_fail_up[i] += !up[i].passes() as u32;
                single_fail_down[i] += !down[i].passes() as u32;
            }
        }
        let seconds = started.elapsed().as_secs_f64() / seeds as f64;
        println!(
            "{name}: {passed}/{seeds} seeds pass; with exact x1.02 {passed_up} pass, x0.98 {passed_down} pass; \
             {seconds:.2} s per seed"
        );
        for (i, what) in names.iter().enumerate() {
            println!(
                "  {what}: mean half-width {:.2}%, mean relative error {:+.3}%; fails alone at x1.02 for {}/{seeds}, at x0.98 for {}/{seeds}; \
                 |t| > 1.96 for {}/{seeds}",
                100.0 * half_widths[i],
                100.0 * relative_errors[i],
                single_fail_up[i],
                single_fail_down[i],
                outside_95[i]
            );
        }
        worst = worst.min(passed as f64 / seeds as f64);
    }
    assert!(
        worst >= 0.97,
        "a validation test passes for only {:.1}% of seeds",
        100.0 * worst
    );
}
