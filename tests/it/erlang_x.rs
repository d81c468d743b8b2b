//! Erlang X (`callsim::erlang::x`) against its exact reductions (Erlang A, M/M/c/K, Erlang B), flow-balance
//! identities, an independently built and densely solved generator, and its own truncation.
//!
//! Every comparison is between two exact computations in floating point, so tolerances are round-off sized
//! (1e-9 to 1e-12) unless the doc of a test says otherwise; the truncation bound is [`TOLERANCE`] = 1e-9.

use callsim::erlang::x::{ErlangX, ErlangXError, ErlangXInput, TOLERANCE, erlang_x};
use callsim::erlang::{erlang_a, erlang_b, mmck};

fn close(what: &str, got: f64, expected: f64, tolerance: f64) {
    assert!(
        (got - expected).abs() <= tolerance,
        "{what}: got {got}, expected {expected} ± {tolerance}"
    );
}

/// The issue's example: 240 calls an hour, AHT 3 min, patience 1 min, 100 lines, 14 agents, half the failed
/// attempts redial after 10 min on average.
fn issue_example() -> ErlangXInput {
    ErlangXInput {
        agents: 14,
        lines: 100,
        calls_per_second: 240.0 / 3600.0,
        aht: 180.0,
        patience: Some(60.0),
        redial_probability: 0.5,
        redial_delay: 600.0,
    }
}

/// Without redials and with lines far beyond any queue that occurs (mass beyond them < 1e-100), Erlang X is
/// Erlang A. Tolerance 1e-9: both are exact; the difference is accumulated round-off over ~100 terms.
#[test]
fn without_redials_and_with_ample_lines_it_is_erlang_a() {
    for (agents, per_hour, aht, patience) in [
        (14, 240.0, 180.0, 60.0),
        (13, 200.0, 180.0, 300.0),
        (5, 100.0, 240.0, 30.0),
        (3, 200.0, 60.0, 600.0),
        (20, 700.0, 120.0, 60.0),
    ] {
        let lambda = per_hour / 3600.0;
        let x = erlang_x(agents, agents + 400, lambda, aht, Some(patience), 0.0, 600.0).unwrap();
        let a = erlang_a(agents, lambda, aht, patience);
        let case = format!("{agents} agents, {per_hour}/h, aht {aht}, patience {patience}");
        close(&format!("{case}: blocking"), x.blocking_rate, 0.0, 1e-12);
        close(&format!("{case}: abandonment"), x.abandonment_rate, a.p_abandon, 1e-9);
        close(&format!("{case}: p_wait"), x.p_wait, a.p_wait, 1e-9);
        close(&format!("{case}: asa"), x.asa_s, a.asa, 1e-9 * a.asa.max(1.0));
        close(
            &format!("{case}: mean wait"),
            x.mean_wait_s,
            a.mean_wait,
            1e-9 * a.mean_wait.max(1.0),
        );
        close(&format!("{case}: occupancy"), x.occupancy, a.occupancy, 1e-9);
        for t in [0.0, 20.0, 60.0, 600.0] {
            close(
                &format!("{case}: SL({t})"),
                x.service_level(t),
                a.service_level(t),
                1e-9,
            );
        }
        close(&format!("{case}: attempts"), x.attempts_per_caller, 1.0, 1e-12);
        close(&format!("{case}: lost"), x.lost_share, a.p_abandon, 1e-9);
        assert_eq!(x.truncation.levels, 0, "{case}: no orbit without redials");
    }
}

/// Without redials and with infinitely patient callers, Erlang X is M/M/c/K (`K` = lines); at `K = c` its
/// blocking is Erlang B. Tolerance 1e-9 (exact against exact; the loads below make the queue states span ~30
/// orders of magnitude, summed in different orders).
#[test]
fn without_redials_or_abandonment_it_is_mmck_and_erlang_b() {
    for (agents, lines, per_hour, aht) in [
        (14, 100, 240.0, 180.0),
        (10, 15, 400.0, 180.0),
        (3, 5, 200.0, 60.0),
        (8, 30, 300.0, 120.0),
        (20, 22, 600.0, 150.0),
    ] {
        let lambda = per_hour / 3600.0;
        let x = erlang_x(agents, lines, lambda, aht, None, 0.0, 1.0).unwrap();
        let infinite = erlang_x(agents, lines, lambda, aht, Some(f64::INFINITY), 0.0, 1.0).unwrap();
        let m = mmck(agents, lines, lambda, aht);
        let case = format!("{agents} agents, {lines} lines, {per_hour}/h, aht {aht}");
        close(&format!("{case}: blocking"), x.blocking_rate, m.blocking, 1e-9);
        close(&format!("{case}: p_wait"), x.p_wait, m.p_wait, 1e-9);
        close(
            &format!("{case}: asa"),
            x.asa_s,
            m.mean_wait,
            1e-9 * m.mean_wait.max(1.0),
        );
        close(
            &format!("{case}: queue"),
            x.mean_queue_length,
            m.mean_queue_length,
            1e-9 * m.mean_queue_length.max(1.0),
        );
        close(&format!("{case}: occupancy"), x.occupancy, m.occupancy, 1e-9);
        close(&format!("{case}: abandonment"), x.abandonment_rate, 0.0, 0.0);
        for t in [0.0, 20.0, 120.0] {
            close(
                &format!("{case}: SL({t})"),
                x.service_level(t),
                m.service_level(t),
                1e-9,
            );
            // Nobody hangs up, so the virtual wait is the wait.
            close(
                &format!("{case}: virtual SL({t})"),
                x.service_level_virtual(t),
                m.service_level(t),
                1e-9,
            );
        }
        // Patience `None` and infinity are the same model.
        assert_eq!((x.blocking_rate, x.asa_s), (infinite.blocking_rate, infinite.asa_s));
        assert_eq!(x.service_level(20.0), infinite.service_level(20.0));
        let loss = erlang_x(agents, agents, lambda, aht, None, 0.0, 1.0).unwrap();
        close(
            &format!("{case}: Erlang B"),
            loss.blocking_rate,
            erlang_b(agents, lambda * aht),
            1e-12,
        );
    }
}

fn identities(what: &str, x: &ErlangX) {
    let input = x.input;
    let lambda = input.calls_per_second;
    let r = input.redial_probability;
    let served = x.occupancy * input.agents as f64 / input.aht;
    // Fresh calls are either served once or finally lost.
    close(
        &format!("{what}: λ = served + lost"),
        served + x.lost_share * lambda,
        lambda,
        1e-9 * lambda,
    );
    // Attempts = fresh + redials, and redials = r × failed attempts.
    let failed = x.attempt_rate * (x.blocking_rate + (1.0 - x.blocking_rate) * x.abandonment_rate);
    close(
        &format!("{what}: attempts"),
        x.attempt_rate,
        lambda + r * failed,
        1e-9 * lambda,
    );
    close(
        &format!("{what}: redials"),
        x.redial_rate,
        x.attempt_rate - lambda,
        1e-12 * lambda,
    );
    close(
        &format!("{what}: attempts per caller"),
        x.attempts_per_caller,
        x.attempt_rate / lambda,
        1e-12,
    );
    // Abandonment from Little's law (θ E[queue]) equals the positions' answered probabilities: SL(∞).
    close(
        &format!("{what}: answered"),
        x.service_level(1e12),
        1.0 - x.abandonment_rate,
        1e-9,
    );
    close(
        &format!("{what}: virtual SL(∞)"),
        x.service_level_virtual(1e12),
        1.0,
        1e-9,
    );
    for t in [5.0, 20.0, 60.0] {
        assert!(
            x.service_level(t) <= x.service_level_virtual(t) + 1e-12,
            "{what}: SL({t}) above virtual"
        );
    }
    assert!(
        x.truncation.tail_mass <= TOLERANCE && x.truncation.change <= TOLERANCE,
        "{what}: {:?}",
        x.truncation
    );
}

/// Flow balance in several regimes (light load, overload, tight lines, redials near certain, no patience).
/// Tolerance 1e-9 relative to λ: the identities hold exactly in the untruncated chain and to the truncation
/// tolerance in the solved one.
#[test]
fn flows_balance() {
    let base = issue_example();
    let cases = [
        ("issue example", base),
        ("overloaded", ErlangXInput { agents: 8, ..base }),
        (
            "tight lines",
            ErlangXInput {
                agents: 10,
                lines: 12,
                ..base
            },
        ),
        (
            "redials near certain",
            ErlangXInput {
                agents: 10,
                lines: 14,
                redial_probability: 0.95,
                ..base
            },
        ),
        (
            "patient, redials of blocked",
            ErlangXInput {
                agents: 12,
                lines: 16,
                patience: None,
                ..base
            },
        ),
        (
            "everyone redials",
            ErlangXInput {
                agents: 13,
                lines: 20,
                redial_probability: 1.0,
                ..base
            },
        ),
        (
            "fast redials",
            ErlangXInput {
                agents: 11,
                lines: 15,
                redial_delay: 5.0,
                ..base
            },
        ),
    ];
    for (what, input) in cases {
        let x = input.solve().unwrap();
        identities(what, &x);
    }
    let all = ErlangXInput {
        agents: 13,
        lines: 20,
        redial_probability: 1.0,
        ..base
    }
    .solve()
    .unwrap();
    close("r = 1: nobody lost", all.lost_share, 0.0, 1e-12);
    close("r = 1: occupancy is the load", all.occupancy, 12.0 / 13.0, 1e-9);
}

/// Stationary law of the generator built state by state from the model's description, solved densely
/// (Gaussian elimination with partial pivoting; the last balance equation replaced by Σ π = 1). The orbit is
/// capped at `cap` with the same convention as the solver (a caller who would join a full orbit gives up).
fn brute_force(input: &ErlangXInput, cap: usize) -> Vec<Vec<f64>> {
    let (c, big_n) = (input.agents as usize, input.lines as usize);
    let lambda = input.calls_per_second;
    let mu = 1.0 / input.aht;
    let theta = input.patience.map_or(0.0, |p| 1.0 / p);
    let r = input.redial_probability;
    let delta = 1.0 / input.redial_delay;
    let index = |n: usize, m: usize| m * (big_n + 1) + n;
    let size = (big_n + 1) * (cap + 1);
    let mut q = vec![vec![0.0; size]; size];
    let mut add = |from: usize, to: usize, rate: f64| {
        if from != to && rate > 0.0 {
            q[from][to] += rate;
            q[from][from] -= rate;
        }
    };
    for m in 0..=cap {
        for n in 0..=big_n {
            let here = index(n, m);
            let to_orbit = if m < cap { index(n, m + 1) } else { here };
            // A fresh call: a line, or blocked (redials with probability r).
            if n < big_n {
                add(here, index(n + 1, m), lambda);
            } else {
                add(here, to_orbit, r * lambda);
            }
            // A redial from the orbit: a line, or blocked again (stays in the orbit with probability r).
            if m > 0 {
                let rate = m as f64 * delta;
                if n < big_n {
                    add(here, index(n + 1, m - 1), rate);
                } else {
                    add(here, index(n, m - 1), (1.0 - r) * rate);
                }
            }
            if n > 0 {
                add(here, index(n - 1, m), n.min(c) as f64 * mu);
                let waiting = n.saturating_sub(c) as f64 * theta;
                let into_orbit = if m < cap { index(n - 1, m + 1) } else { index(n - 1, m) };
                add(here, into_orbit, r * waiting);
                add(here, index(n - 1, m), (1.0 - r) * waiting);
            }
        }
    }
    // π Q = 0, Σ π = 1: solve Q^T π = 0 with the last row replaced by ones.
    let mut a: Vec<Vec<f64>> = (0..size).map(|i| (0..size).map(|j| q[j][i]).collect()).collect();
    let mut b = vec![0.0; size];
    a[size - 1] = vec![1.0; size];
    b[size - 1] = 1.0;
    for p in 0..size {
        let pivot = (p..size)
            .max_by(|&i, &j| a[i][p].abs().total_cmp(&a[j][p].abs()))
            .unwrap();
        a.swap(p, pivot);
        b.swap(p, pivot);
        let (upper, lower) = a.split_at_mut(p + 1);
        let pivot_row = &upper[p];
        for (offset, row) in lower.iter_mut().enumerate() {
            let f = row[p] / pivot_row[p];
            if f != 0.0 {
                for (value, above) in row[p..].iter_mut().zip(&pivot_row[p..]) {
                    *value -= f * above;
                }
                b[p + 1 + offset] -= f * b[p];
            }
        }
    }
    let mut pi = vec![0.0; size];
    for i in (0..size).rev() {
        let s: f64 = (i + 1..size).map(|j| a[i][j] * pi[j]).sum();
        pi[i] = (b[i] - s) / a[i][i];
    }
    (0..=cap)
        .map(|m| (0..=big_n).map(|n| pi[index(n, m)]).collect())
        .collect()
}

/// Expected wait until answered and probability of being answered from queue position `j`, by first-step
/// analysis of the tagged caller (not the telescoped closed form): `(P(answered), E[wait; answered])`.
fn tagged(j: usize, service: f64, theta: f64) -> (f64, f64) {
    // From position i: leave at rate service + i θ; to i - 1 (or answered at i = 1) with rate service + (i-1) θ.
    let (mut answered, mut wait_answered) = (1.0, 0.0); // "position 0": answered, no more wait
    for i in 1..=j {
        let total = service + i as f64 * theta;
        let up = (service + (i - 1) as f64 * theta) / total;
        // E[W 1{ans}] = P(up) (E[stay] P(ans from i-1) + E[W 1{ans} from i-1]).
        wait_answered = up * (answered / total + wait_answered);
        answered *= up;
    }
    (answered, wait_answered)
}

/// A tiny instance (1 or 2 agents, 3 lines) solved through the dense generator built independently above:
/// every figure to 1e-10. Same truncation convention at the same cap, so the two are the same finite chain and
/// differ only by round-off (a few hundred states).
#[test]
fn tiny_instances_match_a_dense_solve_of_the_generator() {
    for (agents, patience, r, delay) in [
        (1, Some(30.0), 0.6, 200.0),
        (2, Some(90.0), 0.3, 50.0),
        (2, None, 0.8, 120.0),
        (1, Some(10.0), 1.0 - 1e-3, 20.0),
    ] {
        let input = ErlangXInput {
            agents,
            lines: 3,
            calls_per_second: 1.5 / 60.0,
            aht: 60.0,
            patience,
            redial_probability: r,
            redial_delay: delay,
        };
        let x = input.solve().unwrap();
        let cap = x.truncation.levels;
        let pi = brute_force(&input, cap);
        let case = format!("{agents} agents, patience {patience:?}, r {r}, cap {cap}");
        let (c, big_n) = (agents as usize, 3usize);
        let lambda = input.calls_per_second;
        let delta = 1.0 / delay;
        let theta = patience.map_or(0.0, |p| 1.0 / p);
        let service = c as f64 / input.aht;
        let mut seen = [0.0; 4];
        let (mut orbit, mut queue, mut busy) = (0.0, 0.0, 0.0);
        for (m, level) in pi.iter().enumerate() {
            for (n, &p) in level.iter().enumerate() {
                seen[n] += p * (lambda + m as f64 * delta);
                orbit += m as f64 * p;
                queue += n.saturating_sub(c) as f64 * p;
                busy += n.min(c) as f64 * p;
            }
        }
        let attempts: f64 = seen.iter().sum();
        let accepted = attempts - seen[big_n];
        let (mut answered, mut answered_wait) = (seen[..c].iter().sum::<f64>() / accepted, 0.0);
        for (j, rate) in seen[c..big_n].iter().enumerate() {
            let (p_answer, wait) = tagged(j + 1, service, theta);
            answered += rate / accepted * p_answer;
            answered_wait += rate / accepted * wait;
        }
        close(
            &format!("{case}: attempt rate"),
            x.attempt_rate,
            attempts,
            1e-10 * attempts,
        );
        close(
            &format!("{case}: blocking"),
            x.blocking_rate,
            seen[big_n] / attempts,
            1e-10,
        );
        close(
            &format!("{case}: abandonment"),
            x.abandonment_rate,
            theta * queue / accepted,
            1e-10,
        );
        close(&format!("{case}: answered"), 1.0 - x.abandonment_rate, answered, 1e-10);
        close(
            &format!("{case}: asa"),
            x.asa_s,
            answered_wait / answered,
            1e-10 * input.aht,
        );
        close(
            &format!("{case}: p_wait"),
            x.p_wait,
            seen[c..big_n].iter().sum::<f64>() / accepted,
            1e-10,
        );
        close(&format!("{case}: orbit"), x.mean_orbit, orbit, 1e-10 * orbit.max(1.0));
        close(&format!("{case}: occupancy"), x.occupancy, busy / c as f64, 1e-10);
        identities(&case, &x);
    }
}

/// Doubling the orbit cap beyond the adaptive choice, with all the lines solved (the adaptive solve of the issue's
/// example keeps only 46 of its 100), changes no figure by more than the stated bound, and the stated tail mass is
/// below it. Tolerance: [`TOLERANCE`] itself, the documented bound.
#[test]
fn doubling_the_orbit_cap_changes_nothing_beyond_the_bound() {
    let base = issue_example();
    for input in [
        base,
        ErlangXInput {
            agents: 9,
            lines: 12,
            redial_probability: 0.9,
            redial_delay: 120.0,
            ..base
        },
        ErlangXInput {
            agents: 12,
            lines: 13,
            patience: None,
            redial_probability: 0.99,
            ..base
        },
    ] {
        let x = input.solve().unwrap();
        let levels = x.truncation.levels;
        let doubled = input.solve_capped(2 * levels).unwrap();
        let what = format!("{input:?} at {levels} levels");
        for (name, a, b) in [
            ("blocking", x.blocking_rate, doubled.blocking_rate),
            ("abandonment", x.abandonment_rate, doubled.abandonment_rate),
            ("lost", x.lost_share, doubled.lost_share),
            ("occupancy", x.occupancy, doubled.occupancy),
            ("SL", x.service_level(20.0), doubled.service_level(20.0)),
            (
                "virtual SL",
                x.service_level_virtual(20.0),
                doubled.service_level_virtual(20.0),
            ),
        ] {
            close(&format!("{what}: {name}"), a, b, TOLERANCE);
        }
        close(
            &format!("{what}: orbit"),
            x.mean_orbit,
            doubled.mean_orbit,
            TOLERANCE * x.mean_orbit.max(1.0),
        );
        close(
            &format!("{what}: asa"),
            x.asa_s,
            doubled.asa_s,
            TOLERANCE * x.asa_s.max(1.0),
        );
        assert!(x.truncation.tail_mass <= TOLERANCE, "{what}: {:?}", x.truncation);
        // A cap far too small is visibly wrong: the check has teeth.
        let short = input.solve_capped(1).unwrap();
        assert!(
            (short.mean_orbit - x.mean_orbit).abs() > 1e-6 || x.mean_orbit < 1e-6,
            "{what}"
        );
    }
}

#[test]
fn impossible_models_are_errors_not_panics() {
    let base = issue_example();
    let unstable = ErlangXInput {
        agents: 11,
        redial_probability: 1.0,
        ..base
    }
    .solve()
    .unwrap_err();
    assert!(matches!(unstable, ErlangXError::Unstable { agents: 11, .. }));
    assert!(unstable.to_string().contains("unstable"), "{unstable}");
    for (input, field) in [
        (
            ErlangXInput {
                redial_probability: 1.5,
                ..base
            },
            "redial_probability",
        ),
        (
            ErlangXInput {
                redial_probability: -0.1,
                ..base
            },
            "redial_probability",
        ),
        (ErlangXInput { lines: 10, ..base }, "lines"),
        (
            ErlangXInput {
                lines: 0,
                agents: 0,
                ..base
            },
            "agents",
        ),
        (
            ErlangXInput {
                redial_delay: 0.0,
                ..base
            },
            "redial_delay",
        ),
        (
            ErlangXInput {
                patience: Some(-1.0),
                ..base
            },
            "patience",
        ),
        (ErlangXInput { aht: f64::NAN, ..base }, "aht"),
        (
            ErlangXInput {
                calls_per_second: -1.0,
                ..base
            },
            "calls_per_second",
        ),
    ] {
        let message = input.solve().unwrap_err().to_string();
        assert!(message.starts_with(field), "{input:?}: {message}");
    }
    let idle = ErlangXInput {
        calls_per_second: 0.0,
        agents: 0,
        ..base
    }
    .solve()
    .unwrap();
    assert_eq!(
        (idle.service_level(20.0), idle.blocking_rate, idle.occupancy),
        (1.0, 0.0, 0.0)
    );
}

/// 100 lines and 400 orbit levels, the size the issue asks to be fast (its speed is measured by `cargo bench`,
/// `erlang_x_*`, never here): the heavy case really has an orbit, and the adaptive truncation agrees with the
/// fixed one of 400 levels.
#[test]
fn a_hundred_lines_and_hundreds_of_orbit_levels_agree_with_the_adaptive_truncation() {
    let heavy = ErlangXInput {
        agents: 10,
        redial_probability: 0.9,
        redial_delay: 300.0,
        ..issue_example()
    };
    let capped = heavy.solve_capped(400).unwrap();
    let adaptive = heavy.solve().unwrap();
    assert!(
        capped.mean_orbit > 10.0,
        "the heavy case really has an orbit: {}",
        capped.mean_orbit
    );
    assert!(
        (capped.service_level(20.0) - adaptive.service_level(20.0)).abs() < 1e-8,
        "{} vs {}",
        capped.service_level(20.0),
        adaptive.service_level(20.0)
    );
    assert!((capped.mean_orbit - adaptive.mean_orbit).abs() < 1e-6 * capped.mean_orbit);
}
