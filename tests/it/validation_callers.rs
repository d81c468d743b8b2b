//! Validation of caller behaviour (issue 10) against exact theory, and the limits in which a behaviour switched off
//! is the model without it, byte for byte.
//!
//! As in `validation_queues`, each exact test is a function of the seed returning its [`Checks`] (Bonferroni over
//! its assertions at a family-wise false-alarm rate of 0.1%), sized so that a 2% bias fails it; the sizing is in
//! each test's doc and the ignored `calibration` harness runs them over many seeds.

use callsim::erlang::mmck;
use callsim::run::simulate_replication;
use callsim::stats::Metric;

use crate::common::{Checks, run_with_seed as run, scenario, total};

/// One exponential call type on `agents` agents, FIFO, after a 2 h warm-up: `per_hour` calls with handle time
/// `aht`, `extra` keys in the call type and `top` keys at the top level.
fn one_queue(agents: u32, per_hour: f64, aht: &str, extra: &str, top: &str, replications: u32, hours: u32) -> String {
    format!(
        r#"
name = "callers"
seed = 2024
replications = {replications}
{top}
[horizon]
duration = "{duration}h"
warmup = "2h"
[service_level]
answer_within = "20s"
[[call_types]]
name = "only"
arrivals = {{ per_hour = {per_hour} }}
service = {{ distribution = "exponential", mean = "{aht}" }}
{extra}
[[agent_groups]]
name = "agents"
count = {agents}
skills = ["only"]
[routing]
queue = "fifo"
"#,
        duration = hours + 2
    )
}

/// A queue capacity of 3 behind 5 agents is M/M/5/8: 5 erlangs, the same exact values as 8 trunk lines.
pub(crate) fn queue_capacity_case(seed: u64) -> Checks {
    let runs = run(&one_queue(5, 300.0, "1m", "", "queue_capacity = 3", 200, 50), seed);
    let exact = mmck(5, 8, 300.0 / 3600.0, 60.0);
    let mut checks = Checks::new();
    checks
        .mean("blocking", total(&runs, Metric::BlockingRate), exact.blocking)
        .mean("p_wait", total(&runs, Metric::PWait), exact.p_wait)
        .mean("mean wait", total(&runs, Metric::MeanWaitS), exact.mean_wait)
        .mean(
            "service level",
            total(&runs, Metric::ServiceLevel),
            exact.service_level(20.0),
        );
    checks
}

/// `queue_capacity = 3` on 5 agents against M/M/c/K with K = c + 3: blocking, P(wait), mean wait and service level.
///
/// Sizing: 200 replications of 50 h (as the trunk-line test). False-alarm rate <= 0.1% (Bonferroni over k = 4).
/// Detects a bias of 2% in each: half-widths about 1.0% (blocking), 0.5% (P(wait)), 0.8% (mean wait), 0.3%
/// (service level).
#[test]
fn a_queue_capacity_is_mmck() {
    queue_capacity_case(2024).assert_all();
}

/// The exact M/M/c queue whose callers are disconnected after waiting `limit` seconds (M/M/c+D): the virtual
/// wait `V` (what an infinitely patient arrival would wait) has an atom of `sum_{n<c} pi_n` at 0, with `pi_n =
/// pi_0 a^n / n!`, and density `g(x) = lambda pi_{c-1} e^{-(c mu - lambda) x}` up to `limit`, then `g(limit)
/// e^{-c mu (x - limit)}` (level crossing: a caller joins and adds an Exp(c mu) to the virtual wait only if `V <=
/// limit`). By PASTA an arrival is disconnected with probability `P(V > limit) = g(limit) / (c mu)`, answered
/// within `t <= limit` with probability `P(V <= t)`.
struct DeterministicLimit {
    p_wait: f64,
    disconnected: f64,
    service_level: f64,
    asa: f64,
}

fn mmc_with_wait_limit(agents: u32, per_second: f64, aht: f64, limit: f64, within: f64) -> DeterministicLimit {
    let (c, mu, lambda) = (agents as f64, 1.0 / aht, per_second);
    let a = lambda / mu;
    let beta = c * mu - lambda;
    let mut terms = vec![1.0];
    for n in 1..agents {
        terms.push(terms[n as usize - 1] * a / n as f64);
    }
    let below: f64 = terms.iter().sum();
    let last = *terms.last().unwrap();
    // Integral of e^{-beta x} from 0 to t, and of x e^{-beta x} (beta may be 0).
    let mass = |t: f64| {
        if beta.abs() < 1e-12 {
            t
        } else {
            (1.0 - (-beta * t).exp()) / beta
        }
    };
    let first_moment = |t: f64| {
        if beta.abs() < 1e-12 {
            t * t / 2.0
        } else {
            1.0 / (beta * beta) - (-beta * t).exp() * (t / beta + 1.0 / (beta * beta))
        }
    };
    let tail = (-beta * limit).exp() / (c * mu);
    let pi0 = 1.0 / (below + lambda * last * (mass(limit) + tail));
    let density_scale = lambda * last * pi0;
    let answered = pi0 * below + density_scale * mass(limit);
    DeterministicLimit {
        p_wait: 1.0 - pi0 * below,
        disconnected: density_scale * tail,
        service_level: pi0 * below + density_scale * mass(within),
        asa: density_scale * first_moment(limit) / answered,
    }
}

/// `max_wait = 30s` with `disconnect` on M/M/5 at 4.5 erlangs.
pub(crate) fn wait_limit_case(seed: u64) -> Checks {
    let runs = run(
        &one_queue(
            5,
            270.0,
            "1m",
            r#"max_wait = { after = "30s", action = "disconnect" }"#,
            "",
            400,
            50,
        ),
        seed,
    );
    let exact = mmc_with_wait_limit(5, 270.0 / 3600.0, 60.0, 30.0, 20.0);
    let disconnected_share = runs
        .iter()
        .map(|m| m.total[Metric::Disconnected.index()] / m.total[Metric::Offered.index()]);
    let mut checks = Checks::new();
    checks
        .mean("disconnected at the limit", disconnected_share, exact.disconnected)
        .mean("p_wait", total(&runs, Metric::PWait), exact.p_wait)
        .mean("service level", total(&runs, Metric::ServiceLevel), exact.service_level)
        .mean("ASA", total(&runs, Metric::AsaS), exact.asa);
    checks
}

/// `max_wait` with `disconnect` against the exact M/M/c+D queue (deterministic wait limit; see
/// [`mmc_with_wait_limit`]): the disconnected share, P(wait), service level at 20 s and ASA.
///
/// Sizing: 400 replications of 50 h (5.4 M calls). False-alarm rate <= 0.1% (Bonferroni over k = 4). Detects a
/// bias of 2% in each: half-widths about 0.8% (disconnected, 12.8% of calls), 0.3% (P(wait)), 0.2% (service
/// level), 0.5% (ASA).
#[test]
fn a_deterministic_wait_limit_is_the_exact_mmc_plus_d_queue() {
    let exact = mmc_with_wait_limit(5, 270.0 / 3600.0, 60.0, 30.0, 20.0);
    // The formula itself: with no limit to speak of it is Erlang C.
    let erlang_c = callsim::erlang::erlang_c(5, 270.0 / 3600.0, 60.0).unwrap();
    let unlimited = mmc_with_wait_limit(5, 270.0 / 3600.0, 60.0, 1e6, 20.0);
    assert!((unlimited.p_wait - erlang_c.p_wait).abs() < 1e-9);
    assert!((unlimited.service_level - erlang_c.service_level(20.0)).abs() < 1e-9);
    assert!((unlimited.asa - erlang_c.asa()).abs() < 1e-6);
    assert!(unlimited.disconnected < 1e-12);
    assert!(exact.disconnected > 0.05, "the limit matters at these figures");
    wait_limit_case(2024).assert_all();
}

/// Repeat calls: an answered call resolves the question with probability 0.7; the rest call back after a minute
/// as the same type. With agents to spare every call is answered, so in steady state the share of offered calls
/// that are repeats is 1 - 0.7 and the first-contact resolution is 0.7 (a binomial share).
pub(crate) fn repeat_calls_case(seed: u64) -> Checks {
    let runs = run(
        &one_queue(
            20,
            120.0,
            "2m",
            r#"resolution = { first_contact = 0.7, delay = { distribution = "constant", mean = "1m" } }"#,
            "",
            100,
            100,
        ),
        seed,
    );
    let mut checks = Checks::new();
    checks
        .mean(
            "first-contact resolution",
            total(&runs, Metric::FirstContactResolution),
            0.7,
        )
        .mean("repeat share", total(&runs, Metric::RepeatShare), 0.3);
    checks
}

/// First-contact resolution and the repeat share match their configured values.
///
/// Sizing: 100 replications of 100 h (1.7 M calls). False-alarm rate <= 0.1% (Bonferroni over k = 2). Detects a
/// bias of 2% in each: half-widths about 0.2% (resolution) and 0.6% (repeat share; calls ending in the last minute
/// of the day do not come back, an edge effect under 0.01%).
#[test]
fn repeat_calls_come_back_at_the_configured_rate() {
    repeat_calls_case(2024).assert_all();
}

/// Writes `text`'s outputs with `callsim run` into a fresh folder and returns the three CSV files' bytes.
fn outputs(text: &str, tag: &str) -> Vec<(String, Vec<u8>)> {
    crate::common::run_outputs(text, &format!("callers-{tag}"))
}

/// A busy day on which every behaviour matters: patience, lines, time-varying load.
fn busy_day(extra: &str) -> String {
    format!(
        r#"
name = "switched off"
seed = 77
lines = 16
[horizon]
duration = "4h"
interval = "1h"
[[call_types]]
name = "only"
arrivals = {{ per_hour = [150, 260, 240, 120] }}
service = {{ distribution = "exponential", mean = "3m" }}
patience = {{ distribution = "exponential", mean = "1m" }}
{extra}
[[agent_groups]]
name = "agents"
count = 10
skills = ["only"]
"#
    )
}

/// Redials with probability 0, announcements whose bands never make anyone hang up, and a queue capacity no queue
/// reaches give exactly the outputs of the scenario without them: every file, byte for byte.
#[test]
fn behaviours_switched_off_equal_the_model_without_them() {
    let plain = outputs(&busy_day(""), "plain");
    for (tag, extra) in [
        (
            "redial0",
            r#"redial = { probability = 0, delay = { distribution = "exponential", mean = "5m" } }"#,
        ),
        (
            "announce0",
            r#"announce_wait = { balk = [ { over = "0s", probability = 0 } ] }"#,
        ),
        ("capacity", "queue_capacity = 16"),
    ] {
        let switched_off = outputs(&busy_day(extra), tag);
        for ((name, a), (_, b)) in plain.iter().zip(&switched_off) {
            assert!(a == b, "{tag}: {name} differs from the scenario without the key");
        }
    }
}

/// Sanity of the limit tests above: the same keys switched on change the outputs.
#[test]
fn behaviours_switched_on_change_the_outputs() {
    let plain = outputs(&busy_day(""), "plain-on");
    let redials = outputs(
        &busy_day(r#"redial = { probability = 0.8, delay = { distribution = "exponential", mean = "5m" } }"#),
        "redial-on",
    );
    assert_ne!(plain[0].1, redials[0].1, "redials add attempts");
}

/// Announcing the wait to every caller who must queue, with a band at 0 s and probability 1, is balking with
/// probability 1: the same calls balk, and every statistic but the stream they were drawn from is the same.
#[test]
fn announcing_every_wait_with_certain_balking_is_balk_one() {
    let announce = outputs(
        &busy_day(r#"announce_wait = { balk = [ { over = "0s", probability = 1 } ] }"#),
        "announce1",
    );
    let balk = outputs(&busy_day("balk = 1"), "balk1");
    for ((name, a), (_, b)) in announce.iter().zip(&balk) {
        assert!(a == b, "{name} differs between announce 1 and balk 1");
    }
}

/// Overflow after a minute into a type that only a second group serves (a type with no calls of its own): every
/// call the second group handles is an overflowed call, replication by replication; and overflowed calls count
/// under the type they were offered as.
#[test]
fn overflowed_calls_are_answered_by_the_overflow_group_and_counted_where_offered() {
    let s = scenario(
        r#"
name = "overflow"
replications = 30
[horizon]
duration = "8h"
[[call_types]]
name = "general"
arrivals = { per_hour = 200 }
service = { distribution = "exponential", mean = "3m" }
max_wait = { after = "1m", action = { overflow = "backup" } }
[[call_types]]
name = "backup"
service = { distribution = "exponential", mean = "3m" }
[[agent_groups]]
name = "front"
count = 9
skills = ["general"]
[[agent_groups]]
name = "back office"
count = 3
skills = ["backup"]
"#,
    );
    let mut overflowed_total = 0.0;
    for r in 0..s.replications {
        let m = simulate_replication(&s, r);
        let overflowed = m.call_types[0][Metric::Overflowed.index()];
        assert_eq!(m.groups[1].calls_handled, overflowed, "replication {r}");
        assert_eq!(
            m.call_types[1][Metric::Offered.index()],
            0.0,
            "nothing is offered as backup"
        );
        assert_eq!(
            m.call_types[0][Metric::Answered.index()],
            m.call_types[0][Metric::Offered.index()],
            "every general call is answered, by one group or the other"
        );
        overflowed_total += overflowed;
    }
    assert!(
        overflowed_total > 100.0,
        "the overflow is exercised: {overflowed_total}"
    );
}

/// Callbacks: a caller still on hold after 30 s hangs up and is called back; with agents on duty until every
/// callback is made, callbacks requested = callbacks made, and no callback holds a trunk line (a full trunk of 8
/// lines blocks only callers, so a day with callbacks blocks fewer than the same day without them).
#[test]
fn every_callback_requested_is_made_and_holds_no_line() {
    let text = |extra: &str| {
        format!(
            r#"
name = "callbacks"
replications = 20
lines = 8
[horizon]
duration = "6h"
[[call_types]]
name = "only"
arrivals = {{ per_hour = 170 }}
service = {{ distribution = "exponential", mean = "2m" }}
{extra}
[[agent_groups]]
name = "agents"
count = 6
skills = ["only"]
"#
        )
    };
    let with = scenario(&text(r#"max_wait = { after = "30s", action = "callback" }"#));
    let without = scenario(&text(""));
    let (mut blocked_with, mut blocked_without, mut callbacks) = (0.0, 0.0, 0.0);
    for r in 0..with.replications {
        let m = simulate_replication(&with, r);
        let value = |metric: Metric| m.total[metric.index()];
        assert_eq!(
            value(Metric::Callbacks),
            value(Metric::CallbacksMade),
            "replication {r}"
        );
        assert_eq!(
            value(Metric::Answered) + value(Metric::Callbacks),
            value(Metric::Offered),
            "an offered call is answered or called back"
        );
        let lost = value(Metric::CallersLost) * value(Metric::Callers);
        assert!(
            (lost - value(Metric::Blocked)).abs() < 1e-6,
            "the only callers lost are those who heard a busy tone"
        );
        callbacks += value(Metric::Callbacks);
        blocked_with += value(Metric::Blocked);
        blocked_without += simulate_replication(&without, r).total[Metric::Blocked.index()];
    }
    assert!(callbacks > 100.0, "callbacks are exercised: {callbacks}");
    assert!(
        blocked_with < blocked_without,
        "callbacks free lines: {blocked_with} blocked with them, {blocked_without} without"
    );
}

/// Redials: each failed attempt of a caller who redials is another attempt of the same caller, so across a day
/// attempts = callers x attempts per caller, and the callers who were served plus those lost are all callers.
/// With redial probability 1 and at most 3 attempts, no caller makes more than 3.
#[test]
fn redials_are_attempts_of_the_same_callers() {
    let s = scenario(
        r#"
name = "redials"
replications = 20
lines = 10
[horizon]
duration = "6h"
[[call_types]]
name = "only"
arrivals = { per_hour = 250 }
service = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "1m" }
redial = { probability = 1, delay = { distribution = "constant", mean = "2m" }, max_attempts = 3 }
[[agent_groups]]
name = "agents"
count = 8
skills = ["only"]
"#,
    );
    for r in 0..s.replications {
        let m = simulate_replication(&s, r);
        let value = |metric: Metric| m.total[metric.index()];
        let attempts = value(Metric::Offered) + value(Metric::Blocked);
        let by_callers = value(Metric::Callers) * value(Metric::AttemptsPerCaller);
        // Attempts are counted when made; callers when their journey ends (a caller whose next attempt would come
        // after closing ends there), so the two agree exactly.
        assert!(
            (attempts - by_callers).abs() < 1e-6,
            "replication {r}: {attempts} vs {by_callers}"
        );
        assert!(value(Metric::Redials) > 0.0);
        assert!(value(Metric::AttemptsPerCaller) <= 3.0);
        assert!((value(Metric::CallersAnswered) + value(Metric::CallersLost) - 1.0).abs() < 1e-12);
    }
}

/// The Erlang X scenario: 12 agents, 16 lines, 240 calls an hour of 3 minutes, patience 1 minute; half the
/// callers who abandon or hear a busy tone redial after 10 minutes on average, each time with a new patience.
fn erlang_x_scenario(replications: u32, hours: u32) -> String {
    one_queue(
        12,
        240.0,
        "3m",
        r#"patience = { distribution = "exponential", mean = "1m" }
redial = { probability = 0.5, delay = { distribution = "exponential", mean = "10m" }, after = ["abandon", "blocked"], max_attempts = 100, patience = "new" }"#,
        "lines = 16",
        replications,
        hours,
    )
}

pub(crate) fn erlang_x_case(seed: u64) -> Checks {
    let runs = run(&erlang_x_scenario(200, 50), seed);
    let exact = callsim::erlang::x::erlang_x(12, 16, 240.0 / 3600.0, 180.0, Some(60.0), 0.5, 600.0).unwrap();
    let mut checks = Checks::new();
    checks
        .mean("blocking", total(&runs, Metric::BlockingRate), exact.blocking_rate)
        .mean(
            "abandonment",
            total(&runs, Metric::AbandonmentRate),
            exact.abandonment_rate,
        )
        .mean("ASA", total(&runs, Metric::AsaS), exact.asa_s)
        .mean(
            "service level (answered within 20 s / offered)",
            total(&runs, Metric::ServiceLevel),
            exact.service_level(20.0),
        )
        .mean(
            "attempts per caller",
            total(&runs, Metric::AttemptsPerCaller),
            exact.attempts_per_caller,
        )
        .mean("callers lost", total(&runs, Metric::CallersLost), exact.lost_share);
    checks
}

/// Redials with exponential delays and a new patience per attempt, on a trunk of lines, against the exact Erlang X
/// chain: blocking, abandonment, ASA, service level, attempts per caller and the share of callers lost.
///
/// The virtual-wait service level Erlang X also reports is not measured by the simulator (it would need the wait
/// of a caller who did not hang up), so it is checked only in `erlang_x` against its own definitions.
///
/// Sizing: 200 replications of 50 h (2.4 M fresh calls). False-alarm rate <= 0.1% (Bonferroni over k = 6).
/// Detects a bias of 2% in each: half-widths about 0.9% (blocking), 0.7% (abandonment), 0.8% (ASA), 0.3%
/// (service level), 0.1% (attempts per caller), 1.1% (callers lost). Journeys cut short by closing (a redial that
/// would come after the horizon) bias the last two by under 0.3%.
#[test]
fn redials_on_a_trunk_are_erlang_x() {
    let scenario = crate::common::scenario(&erlang_x_scenario(1, 1));
    let theory = callsim::theory::theory_for(&scenario).expect("a single queue");
    assert_eq!(
        (theory.model.as_str(), theory.exact),
        ("Erlang X", true),
        "{}",
        theory.note
    );
    erlang_x_case(2024).assert_all();
}

/// A redialling caller who keeps their own patience (the default) is not Erlang X's memoryless caller: the theory
/// beside the simulation says so.
#[test]
fn the_theory_says_when_redialling_callers_keep_their_patience() {
    let text = erlang_x_scenario(1, 1).replace(r#", patience = "new""#, "");
    let theory = callsim::theory::theory_for(&crate::common::scenario(&text)).expect("a single queue");
    assert_eq!(theory.model, "Erlang X approx.");
    assert!(theory.note.contains("keeps their patience"), "{}", theory.note);
}
