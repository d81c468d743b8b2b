//! The analytic formulas against published worked examples, exact recomputation and their known properties.

use callsim::erlang::*;

const RATE: f64 = 100.0 / 1800.0; // 100 calls per 30 minutes
const AHT: f64 = 180.0;

fn close(what: &str, got: f64, expected: f64, tolerance: f64) {
    assert!(
        (got - expected).abs() <= tolerance,
        "{what}: got {got}, expected {expected} ± {tolerance}"
    );
}

#[test]
fn erlang_c_matches_the_published_example() {
    let c = erlang_c(14, RATE, AHT).unwrap();
    close("load", c.load, 10.0, 1e-12);
    close("p_wait", c.p_wait, 0.1741, 5e-5);
    close("service level", c.service_level(20.0), 0.8884, 5e-5);
    close("asa", c.asa(), 7.8346, 5e-3);
    close("occupancy", c.occupancy(), 0.714, 5e-4);
    let targets = Targets {
        service_level: Some((0.8, 20.0)),
        ..Default::default()
    };
    let required = required_agents(StaffingModel::ErlangC, RATE, AHT, &targets).unwrap();
    assert_eq!(required, 14);
    assert_eq!(scheduled_agents(required, 0.3), 20);
}

#[test]
fn erlang_c_equals_direct_summation_for_small_cases() {
    // C(c, A) = (A^c/c! * c/(c-A)) / (Σ_{k<c} A^k/k! + A^c/c! * c/(c-A))
    for (c, a) in [(1u32, 0.5f64), (2, 1.5), (5, 3.7), (10, 9.2)] {
        let mut term = 1.0;
        let mut sum = 0.0;
        for k in 0..c {
            sum += term;
            term *= a / (k + 1) as f64;
        }
        let top = term * c as f64 / (c as f64 - a);
        let exact = top / (sum + top);
        close(
            &format!("C({c}, {a})"),
            erlang_c(c, a, 1.0).unwrap().p_wait,
            exact,
            1e-12,
        );
    }
}

#[test]
fn erlang_c_reports_unstable_at_or_above_capacity() {
    assert!(erlang_c(10, RATE, AHT).is_err());
    assert!(erlang_c(9, RATE, AHT).is_err());
    let message = erlang_c(9, RATE, AHT).unwrap_err().to_string();
    assert!(message.contains("unstable"), "{message}");
}

#[test]
fn erlang_b_matches_the_table_and_direct_summation() {
    assert_eq!(lines_for_blocking(17.0, 0.01, 1000), Some(27));
    // B(N, A) = (A^N/N!) / Σ_{k<=N} A^k/k!
    let (n, a) = (8u32, 5.0f64);
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..=n {
        term *= a / k as f64;
        sum += term;
    }
    close("B(8, 5)", erlang_b(n, a), term / sum, 1e-14);
}

#[test]
fn erlang_a_matches_the_published_example() {
    let a = erlang_a(13, RATE, AHT, 300.0);
    close("p_abandon", a.p_abandon, 0.025, 1e-3);
    close("p_wait", a.p_wait, 0.226, 1e-3);
    close("service level", a.service_level(20.0), 0.858, 1e-3);
}

#[test]
fn erlang_a_occupancy_is_the_mean_number_of_busy_agents() {
    // Two independent routes to the carried load: the library's flow balance A (1 - P(abandon)) against the
    // mean number of busy agents Σ min(k, n) π_k of the naively summed chain.
    let (n, lambda, aht, patience) = (20usize, 0.12, 150.0, 120.0);
    let pi = naive_erlang_a_chain(n, lambda, 1.0 / aht, 1.0 / patience, 2_000);
    let busy: f64 = pi.iter().enumerate().map(|(k, p)| k.min(n) as f64 * p).sum();
    let a = erlang_a(n as u32, lambda, aht, patience);
    assert!(a.p_abandon > 0.0 && a.p_abandon < 1.0);
    close("occupancy", a.occupancy, busy / n as f64, 1e-12);
    // Answered callers wait no longer on average than the mean wait of all callers allows.
    assert!(a.asa <= a.mean_wait / (1.0 - a.p_abandon) + 1e-12);
}

/// Stationary probabilities of the M/M/n+M birth-death chain, summed naively over `states` states.
fn naive_erlang_a_chain(n: usize, lambda: f64, mu: f64, theta: f64, states: usize) -> Vec<f64> {
    let mut weights = vec![1.0f64];
    for k in 1..states {
        let death = if k <= n {
            k as f64 * mu
        } else {
            n as f64 * mu + (k - n) as f64 * theta
        };
        weights.push(weights[k - 1] * lambda / death);
    }
    let total: f64 = weights.iter().sum();
    weights.iter().map(|w| w / total).collect()
}

#[test]
fn erlang_a_tends_to_erlang_c_as_patience_grows() {
    let c = erlang_c(14, RATE, AHT).unwrap();
    let a = erlang_a(14, RATE, AHT, 1e9);
    close("p_wait", a.p_wait, c.p_wait, 1e-5);
    close("asa", a.asa, c.asa(), 1e-3);
    close("service level", a.service_level(20.0), c.service_level(20.0), 1e-5);
    close("queue", a.mean_queue_length, c.mean_queue_length(), 1e-4);
}

#[test]
fn mmck_is_erlang_b_at_k_equals_c_and_tends_to_erlang_c() {
    let small = mmck(10, 10, RATE, AHT);
    close(
        "blocking",
        small.blocking,
        erlang_b(10, 10.0 * RATE * AHT / 10.0),
        1e-12,
    );
    let c = erlang_c(14, RATE, AHT).unwrap();
    let big = mmck(14, 400, RATE, AHT);
    close("blocking", big.blocking, 0.0, 1e-12);
    close("p_wait", big.p_wait, c.p_wait, 1e-9);
    close("mean wait", big.mean_wait, c.asa(), 1e-6);
    close("service level", big.service_level(20.0), c.service_level(20.0), 1e-9);
}

#[test]
fn erlang_c_is_at_least_erlang_b_and_both_fall_with_agents() {
    let load = 42.0;
    let mut last_b = 1.0;
    let mut last_c = 1.0;
    for n in 43..80 {
        let b = erlang_b(n, load);
        let c = erlang_c(n, load, 1.0).unwrap().p_wait;
        assert!(c >= b, "C < B at {n}");
        assert!(b < last_b && c < last_c, "not decreasing at {n}");
        last_b = b;
        last_c = c;
    }
}

#[test]
fn huge_cases_are_finite_and_consistent() {
    // 9,000 erlangs on 9,200 agents, and a 10,000-agent Erlang A.
    let c = erlang_c(9_200, 50.0, 180.0).unwrap();
    assert!(c.p_wait.is_finite() && c.p_wait > 0.0 && c.p_wait < 1.0);
    assert!(c.service_level(20.0) > 0.0 && c.service_level(20.0) <= 1.0);
    let a = erlang_a(10_000, 50.0, 180.0, 300.0);
    assert!(a.p_wait.is_finite() && a.p_abandon.is_finite() && a.asa.is_finite());
    let sl = a.service_level(20.0);
    assert!(sl.is_finite() && sl > 0.9 && sl <= 1.0, "{sl}");
    // Overloaded Erlang A: half the staff needed; abandonment takes the excess.
    let over = erlang_a(4_500, 50.0, 180.0, 300.0);
    close("overload abandons the excess", over.p_abandon, 0.5, 0.02);
    let targets = Targets {
        service_level: Some((0.8, 20.0)),
        ..Default::default()
    };
    let n = required_agents(StaffingModel::ErlangC, 50.0, 180.0, &targets).unwrap();
    assert!(n > 9_000 && n < 9_200, "{n}");
}

#[test]
fn erlang_a_staffing_is_the_fewest_meeting_the_target_even_when_overloaded() {
    // 9,000 erlangs, patience 5 min: abandonment lets fewer agents than the load reach 80/20.
    let targets = Targets {
        service_level: Some((0.8, 20.0)),
        ..Default::default()
    };
    let model = StaffingModel::ErlangA { patience: 300.0 };
    let n = required_agents(model, 50.0, 180.0, &targets).unwrap();
    let at = |n| evaluate(model, n, 50.0, 180.0, 20.0).unwrap();
    assert!(at(n).service_level >= 0.8, "{:?}", at(n));
    assert!(at(n - 1).service_level < 0.8, "{:?}", at(n - 1));
    assert!(n < 9_000, "{n}");
    // Several targets at once: the answer meets all of them and one fewer misses one.
    let targets = Targets {
        service_level: Some((0.8, 20.0)),
        asa: Some(10.0),
        max_abandon: Some(0.03),
        max_occupancy: Some(0.9),
    };
    let n = required_agents(model, 100.0 / 1800.0, 180.0, &targets).unwrap();
    let ok = |l: StaffLevel| l.service_level >= 0.8 && l.asa <= 10.0 && l.p_abandon <= 0.03 && l.occupancy <= 0.9;
    assert!(ok(evaluate(model, n, 100.0 / 1800.0, 180.0, 20.0).unwrap()));
    assert!(!ok(evaluate(model, n - 1, 100.0 / 1800.0, 180.0, 20.0).unwrap()));
}

#[test]
fn erlang_a_matches_direct_summation_of_the_birth_death_chain() {
    // n = 3 agents, λ = 1/60, μ = 1/120, θ = 1/90: sum the chain naively over 400 states.
    let (n, lambda, mu, theta) = (3usize, 1.0 / 60.0, 1.0 / 120.0, 1.0 / 90.0);
    let pi = naive_erlang_a_chain(n, lambda, mu, theta, 400);
    let p_wait: f64 = pi[n..].iter().sum();
    let queue: f64 = pi.iter().enumerate().skip(n).map(|(k, p)| (k - n) as f64 * p).sum();
    let a = erlang_a(n as u32, lambda, 1.0 / mu, 1.0 / theta);
    close("p_wait", a.p_wait, p_wait, 1e-12);
    close("queue", a.mean_queue_length, queue, 1e-12);
    close("p_abandon", a.p_abandon, theta * queue / lambda, 1e-12);
    // The tagged-caller route to the same number: Σ_j π_{n+j-1} jθ/(nμ + jθ).
    let tagged: f64 = (1..300)
        .map(|j| pi[n + j - 1] * j as f64 * theta / (n as f64 * mu + j as f64 * theta))
        .sum();
    close("p_abandon (tagged caller)", a.p_abandon, tagged, 1e-12);
}

#[test]
fn square_root_staffing_is_close_to_the_exact_answer() {
    let targets = Targets {
        service_level: Some((0.8, 20.0)),
        ..Default::default()
    };
    for load in [10.0, 100.0, 1000.0] {
        let rate = load / AHT;
        let exact = required_agents(StaffingModel::ErlangC, rate, AHT, &targets).unwrap();
        let (_, estimate) = square_root_staffing(load, AHT, &targets).unwrap();
        assert!(
            (estimate as i64 - exact as i64).abs() <= 2,
            "load {load}: exact {exact}, sqrt rule {estimate}"
        );
    }
}

#[test]
fn no_traffic_needs_no_agents_and_everyone_is_answered_at_once() {
    let c = erlang_c(0, 0.0, AHT).expect("no load is stable even with no agents");
    assert_eq!(
        (c.p_wait, c.service_level(20.0), c.asa(), c.occupancy()),
        (0.0, 1.0, 0.0, 0.0)
    );
    assert_eq!(c.mean_queue_length(), 0.0);
    let c5 = erlang_c(5, 0.0, AHT).unwrap();
    assert_eq!((c5.service_level(20.0), c5.asa(), c5.occupancy()), (1.0, 0.0, 0.0));
    let a = erlang_a(0, 0.0, AHT, 120.0);
    assert_eq!(
        (a.p_wait, a.p_abandon, a.service_level(20.0), a.asa, a.occupancy),
        (0.0, 0.0, 1.0, 0.0, 0.0)
    );
    assert_eq!((erlang_b(0, 0.0), erlang_b(3, 0.0)), (0.0, 0.0));
    assert_eq!(lines_for_blocking(0.0, 0.01, 100), Some(0));
    let m = mmck(3, 6, 0.0, AHT);
    assert_eq!(
        (m.blocking, m.p_wait, m.mean_wait, m.service_level(20.0)),
        (0.0, 0.0, 0.0, 1.0)
    );
    let targets = Targets {
        service_level: Some((0.8, 20.0)),
        asa: Some(10.0),
        max_abandon: Some(0.05),
        max_occupancy: Some(0.85),
    };
    assert_eq!(required_agents(StaffingModel::ErlangC, 0.0, AHT, &targets), Some(0));
    assert_eq!(
        required_agents(StaffingModel::ErlangA { patience: 120.0 }, 0.0, AHT, &targets),
        Some(0)
    );
}

/// The service level at an endless threshold is the share answered at all, `1 - P(abandon)`, an identity of the
/// chain independent of the method; and it costs the same whatever the threshold or the patience.
#[test]
fn erlang_a_service_level_is_exact_and_cheap_at_extreme_thresholds_and_patience() {
    let started = std::time::Instant::now();
    for (agents, per_hour, aht, patience) in [
        (43, 600.0, 240.0, 120.0),
        (5, 100.0, 180.0, 1e-8),
        (2, 30.0, 180.0, 1e9),
        (1000, 20_000.0, 180.0, 300.0),
        (10, 1000.0, 180.0, 60.0),
    ] {
        let a = erlang_a(agents, per_hour / 3600.0, aht, patience);
        let mut previous = a.service_level(0.0);
        close("SL(0)", previous, 1.0 - a.p_wait, 1e-15);
        for t in [1e-3, 20.0, 3600.0, 3.6e8, 1e9] {
            let sl = a.service_level(t);
            assert!(sl >= previous - 1e-12 && sl <= 1.0, "SL({t}) = {sl} after {previous}");
            previous = sl;
        }
        close("SL(endless)", a.service_level(1e9), 1.0 - a.p_abandon, 1e-9);
    }
    // Callers who hang up at once are answered only if an agent is free.
    let hasty = erlang_a(5, 100.0 / 3600.0, 180.0, 1e-8);
    close("hasty SL", hasty.service_level(20.0), 1.0 - hasty.p_wait, 1e-6);
    let seconds = started.elapsed().as_secs_f64();
    assert!(seconds < 5.0, "took {seconds:.1}s");
}

#[test]
fn any_allowed_load_can_be_staffed_within_the_agent_limit() {
    // 500,000 erlangs (the calculators allow up to 1,000,000) once said "cannot be met with up to 200000 agents".
    let targets = Targets {
        service_level: Some((0.8, 20.0)),
        ..Targets::default()
    };
    let agents = required_agents(StaffingModel::ErlangC, 500_000.0 / AHT, AHT, &targets).unwrap();
    assert!(agents > 500_000 && agents < 501_000, "{agents}");
    assert_eq!(MAX_AGENTS, callsim::limits::MAX_AGENTS);
    let c = erlang_c(agents, 500_000.0 / AHT, AHT).unwrap();
    assert!(c.service_level(20.0) >= 0.8);
    assert!(erlang_c(agents - 1, 500_000.0 / AHT, AHT).unwrap().service_level(20.0) < 0.8);
}

/// M/M/c/K against the naively summed birth-death chain, below, at and above `ρ = 1`.
#[test]
fn mmck_matches_direct_summation_of_the_chain() {
    for (c, k, load) in [
        (5u32, 8u32, 3.0f64),
        (5, 8, 5.0),
        (5, 8, 9.0),
        (10, 200, 9.5),
        (10, 200, 12.0),
        (3, 3, 2.0),
    ] {
        let aht = 60.0;
        let mut weights = vec![1.0f64];
        for n in 1..=k as usize {
            let served = n.min(c as usize) as f64;
            weights.push(weights[n - 1] * load / served);
        }
        let total: f64 = weights.iter().sum();
        let pi: Vec<f64> = weights.iter().map(|w| w / total).collect();
        let m = mmck(c, k, load / aht, aht);
        let what = format!("c {c}, K {k}, A {load}");
        close(&format!("{what} blocking"), m.blocking, pi[k as usize], 1e-12);
        let accepted = 1.0 - pi[k as usize];
        let waiting: f64 = pi[c as usize..k as usize].iter().sum();
        close(&format!("{what} p_wait"), m.p_wait, waiting / accepted, 1e-12);
        let queue: f64 = (c as usize..=k as usize).map(|n| (n - c as usize) as f64 * pi[n]).sum();
        close(&format!("{what} queue"), m.mean_queue_length, queue, 1e-10);
        for t in [0.0, 5.0, 60.0, 600.0] {
            // P(W <= t | finds n >= c) = P(Poisson(c t / aht) >= n - c + 1), summed directly.
            let mean = c as f64 * t / aht;
            let poisson_at_least = |m: usize| 1.0 - (0..m).map(|i| poisson(mean, i)).sum::<f64>();
            let within: f64 = pi[..c as usize].iter().sum::<f64>()
                + (c as usize..k as usize)
                    .map(|n| pi[n] * poisson_at_least(n - c as usize + 1))
                    .sum::<f64>();
            close(&format!("{what} SL({t})"), m.service_level(t), within / accepted, 1e-10);
        }
    }
}

fn poisson(mean: f64, i: usize) -> f64 {
    if mean == 0.0 {
        return if i == 0 { 1.0 } else { 0.0 };
    }
    (-mean + i as f64 * mean.ln() - (1..=i).map(|x| (x as f64).ln()).sum::<f64>()).exp()
}

#[test]
fn mmck_at_the_line_limit_is_cheap() {
    let started = std::time::Instant::now();
    let lines = callsim::limits::MAX_LINES;
    for load in [40.0, 43.0, 50.0] {
        let m = mmck(43, lines, load / 240.0, 240.0);
        let sl = m.service_level(20.0);
        assert!(
            m.blocking.is_finite() && m.p_wait.is_finite() && sl.is_finite(),
            "A {load}"
        );
        if load < 43.0 {
            // Ten million lines are as good as infinitely many: Erlang C.
            let c = erlang_c(43, load / 240.0, 240.0).unwrap();
            close("p_wait", m.p_wait, c.p_wait, 1e-9);
            close("SL", sl, c.service_level(20.0), 1e-9);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    assert!(seconds < 2.0, "took {seconds:.2}s");
}
