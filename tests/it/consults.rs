//! Supervisor consults (issue 11): the limits in which they vanish, the exact handle-time arithmetic, and the
//! seniors as an exact Erlang C queue.

use callsim::erlang::erlang_c;
use callsim::run::simulate_replication;
use callsim::stats::{Metric, ReplicationMetrics};

use crate::common::{Checks, callsim, run_with_seed as run, scenario, stdout};

/// Support calls (150 an hour, exponential `aht`) on `operators`, with `consult` keys, and a consult-only group of
/// `seniors` holding `concurrency` consults each.
fn support(operators: u32, consult: &str, seniors: u32, concurrency: u32, replications: u32, hours: u32) -> String {
    format!(
        r#"
name = "support"
seed = 5
replications = {replications}
[horizon]
duration = "{duration}h"
warmup = "2h"
[[call_types]]
name = "support"
arrivals = {{ per_hour = 150 }}
service = {{ distribution = "exponential", mean = "4m" }}
{consult}
[[agent_groups]]
name = "operators"
count = {operators}
skills = ["support"]
[[agent_groups]]
name = "seniors"
count = {seniors}
skills = []
concurrency = {concurrency}
"#,
        duration = hours + 2
    )
}

/// Consults with probability 0 give every output file of the scenario without the key, byte for byte.
#[test]
fn consults_that_never_happen_change_nothing() {
    let dir = std::env::temp_dir().join(format!("callsim-consults-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let files = |tag: &str, consult: &str| {
        let path = dir.join(format!("{tag}.toml"));
        // Without consults nobody names the seniors, so they need a skill of their own to be valid; both variants
        // give them the same one.
        let text = support(12, consult, 2, 1, 10, 6).replace("skills = []", "skills = [\"support\"]");
        std::fs::write(&path, text).unwrap();
        let out = dir.join(tag);
        stdout(&callsim(&[
            "run",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]));
        ["summary.csv", "groups.csv", "intervals.csv", "replications.csv"]
            .map(|name| std::fs::read(out.join(name)).unwrap())
    };
    let plain = files("plain", "");
    let never = files(
        "never",
        r#"consult = { probability = 0, group = "seniors", duration = { distribution = "exponential", mean = "3m" } }"#,
    );
    assert!(plain == never, "probability 0 differs from no consult");
    let always = files(
        "always",
        r#"consult = { probability = 1, group = "seniors", duration = { distribution = "exponential", mean = "3m" } }"#,
    );
    assert!(plain[0] != always[0], "consults that happen change the results");
    let _ = std::fs::remove_dir_all(&dir);
}

/// With operators and seniors to spare (nobody ever waits), a consult of exactly one minute on every call makes
/// every call exactly one minute longer: the handle time grows by the consult's duration, replication by
/// replication, and the same calls are answered at once.
#[test]
fn with_seniors_to_spare_each_call_grows_by_the_consult() {
    let plain = scenario(&support(60, "", 40, 1, 8, 4).replace("skills = []", "skills = [\"support\"]"));
    let consulting = scenario(&support(
        60,
        r#"consult = { probability = 1, group = "seniors", duration = { distribution = "constant", mean = "1m" }, at = 0.3 }"#,
        40,
        1,
        8,
        4,
    ));
    for r in 0..plain.replications {
        let (a, b) = (simulate_replication(&plain, r), simulate_replication(&consulting, r));
        let value = |m: &ReplicationMetrics, metric: Metric| m.total[metric.index()];
        assert_eq!(value(&a, Metric::Answered), value(&b, Metric::Answered));
        assert_eq!(value(&b, Metric::PWait), 0.0, "nobody waits");
        assert_eq!(value(&b, Metric::ConsultWaitS), 0.0, "no consult waits");
        let grown = value(&b, Metric::HandleTimeS) - value(&a, Metric::HandleTimeS);
        assert!(
            (grown - 60.0).abs() < 1e-6,
            "replication {r}: handle time grew by {grown} s"
        );
    }
}

/// Seniors as an exact queue: with operators to spare, consult requests are a Poisson process (the calls' Poisson
/// arrivals, thinned by the probability and each shifted by an independent delay, stay Poisson), so 3 seniors
/// holding one exponential consult each are an M/M/3 queue of 150 x 0.2 = 30 consults an hour of 3 minutes.
pub(crate) fn seniors_case(seed: u64) -> Checks {
    let runs = run(
        &support(
            40,
            r#"consult = { probability = 0.2, group = "seniors", duration = { distribution = "exponential", mean = "3m" } }"#,
            2,
            1,
            400,
            330,
        ),
        seed,
    );
    let exact = erlang_c(2, 30.0 / 3600.0, 180.0).unwrap();
    let mut checks = Checks::new();
    checks
        .mean(
            "senior occupancy (consult load / seniors)",
            runs.iter().map(|m| m.groups[1].occupancy),
            exact.occupancy(),
        )
        .mean(
            "consult wait (Erlang C ASA)",
            runs.iter().map(|m| m.total[Metric::ConsultWaitS.index()]),
            exact.asa(),
        );
    checks
}

/// The seniors' occupancy equals the consult load per senior, and the consults wait as Erlang C says.
///
/// Sizing: 400 replications of 330 h (20 M calls, 4 M consults). False-alarm rate <= 0.1% (Bonferroni over k = 2).
/// Detects a bias of 2% in each: half-widths about 0.25% (occupancy 0.375) and 1.8% (consult wait, 24 s).
#[test]
fn seniors_are_an_erlang_c_queue_of_consults() {
    seniors_case(2024).assert_all();
}

/// Several consults at once: with `concurrency = 2` one senior is two servers for consults (an M/M/2 queue), and
/// its occupancy counts each consult as half the senior.
///
/// A coarser check than the sized one above (100 replications of 30 h, 1/44 of its data): false-alarm rate still
/// <= 0.1% (Bonferroni over k = 2), half-widths about 1.7% (occupancy) and 12% (consult wait), so it tells one
/// senior of concurrency 2 from one of concurrency 1 (whose wait is many times longer), not a 2% bias.
#[test]
fn a_senior_holding_two_consults_is_two_servers() {
    let runs = run(
        &support(
            40,
            r#"consult = { probability = 0.2, group = "seniors", duration = { distribution = "exponential", mean = "3m" } }"#,
            1,
            2,
            100,
            30,
        ),
        7,
    );
    let exact = erlang_c(2, 30.0 / 3600.0, 180.0).unwrap();
    let mut checks = Checks::new();
    checks
        .mean(
            "senior occupancy",
            runs.iter().map(|m| m.groups[1].occupancy),
            exact.occupancy(),
        )
        .mean(
            "consult wait",
            runs.iter().map(|m| m.total[Metric::ConsultWaitS.index()]),
            exact.asa(),
        );
    checks.assert_all();
}

#[test]
fn bad_consult_keys_are_named() {
    let base = support(
        12,
        r#"consult = { probability = 0.2, group = "seniors", duration = { distribution = "exponential", mean = "3m" } }"#,
        2,
        1,
        5,
        4,
    );
    for (bad, parts) in [
        (
            base.replace("probability = 0.2", "probability = 1.2"),
            &["consult.probability", "from 0 to 1"][..],
        ),
        (
            base.replace("group = \"seniors\"", "group = \"bosses\"")
                .replace("skills = []", "skills = [\"support\"]"),
            &["consult.group", "bosses", "seniors"][..],
        ),
        (
            base.replace("concurrency = 1", "concurrency = 0"),
            &["agent_groups[seniors].concurrency", "from 1"][..],
        ),
        (
            base.replace("consult = {", "consult = { at = 1.5,"),
            &["consult.at", "from 0 (at once) to 1"][..],
        ),
    ] {
        let message = callsim::scenario::Scenario::from_toml_str(&bad, "bad.toml")
            .unwrap_err()
            .to_string();
        for part in parts {
            assert!(message.contains(part), "{message:?} lacks {part:?}");
        }
    }
    let unnamed = base.replace("group = \"seniors\"", "group = \"operators\"");
    let message = callsim::scenario::Scenario::from_toml_str(&unnamed, "bad.toml")
        .unwrap_err()
        .to_string();
    assert!(message.contains("agent_groups[seniors].skills"), "{message}");
}

/// Two single-skill queues: `front` answers `general` (`c1` agents), `billing team` answers `billing` (`c2`
/// agents, its own `billing_per_hour` calls of 4 minutes); a share `p` of general calls is transferred to
/// billing after an exponential 3 minutes, the general handle time being exponential 3 minutes too, so the first
/// leg lasts Exp(3 min) whether transferred or not.
fn two_queues(c1: u32, c2: u32, billing_per_hour: f64, p: f64, kind: &str, replications: u32, hours: u32) -> String {
    format!(
        r#"
name = "transfers"
seed = 9
replications = {replications}
[horizon]
duration = "{duration}h"
warmup = "2h"
[[call_types]]
name = "general"
arrivals = {{ per_hour = 120 }}
service = {{ distribution = "exponential", mean = "3m" }}
transfer = {{ probability = {p}, to = "billing", after = {{ distribution = "exponential", mean = "3m" }}, kind = "{kind}" }}
[[call_types]]
name = "billing"
{billing_arrivals}
service = {{ distribution = "exponential", mean = "4m" }}
[[agent_groups]]
name = "front"
count = {c1}
skills = ["general"]
[[agent_groups]]
name = "billing team"
count = {c2}
skills = ["billing"]
[routing]
queue = "fifo"
"#,
        duration = hours + 2,
        billing_arrivals = if billing_per_hour > 0.0 {
            format!("arrivals = {{ per_hour = {billing_per_hour} }}")
        } else {
            String::new()
        }
    )
}

/// Cold transfers between two exponential single-skill queues form a Jackson network: the first queue is M/M/8
/// with 120 calls an hour of 3 minutes, the second M/M/5 with its own 30 calls an hour plus the 25% transferred
/// (Burke: the first queue's departures are Poisson), 60 an hour of 4 minutes.
pub(crate) fn jackson_case(seed: u64) -> Checks {
    let runs = run(&two_queues(8, 5, 30.0, 0.25, "cold", 600, 280), seed);
    let first = erlang_c(8, 120.0 / 3600.0, 180.0).unwrap();
    let second = erlang_c(5, 60.0 / 3600.0, 240.0).unwrap();
    let of = |t: usize, metric: Metric| runs.iter().map(move |m| m.call_types[t][metric.index()]);
    let mut checks = Checks::new();
    checks
        .mean("general ASA", of(0, Metric::AsaS), first.asa())
        .mean(
            "general service level",
            of(0, Metric::ServiceLevel),
            first.service_level(20.0),
        )
        .mean("billing ASA (both legs)", of(1, Metric::AsaS), second.asa())
        .mean(
            "billing service level (both legs)",
            of(1, Metric::ServiceLevel),
            second.service_level(20.0),
        )
        .mean("transfer rate", of(0, Metric::TransferRate), 0.25);
    checks
}

/// Cold transfers against the exact Jackson network (two Erlang C queues, the second fed by the first).
///
/// Sizing: 600 replications of 280 h (20 M general calls). False-alarm rate <= 0.1% (Bonferroni over k = 5).
/// Detects a bias of 2% in each: half-widths about 1.3% (general ASA), 0.3% (general service level), 0.6% (billing
/// service level), 0.15% (transfer rate); billing's ASA (half-width 1.8%, the heavier queue at 80% load) fails
/// alone on a 2% bias for about 6 seeds in 10 (calibrated over 10 seeds) and on a 3% bias always.
#[test]
fn cold_transfers_are_a_jackson_network() {
    jackson_case(2024).assert_all();
}

/// Warm transfers keep the first agent on the line until billing answers. With front agents to spare nobody
/// waits for them, so transfer requests are Poisson (30 an hour) and billing, with no calls of its own, is M/M/3;
/// each transferred call then holds its front agent for the first leg plus billing's wait, so the front's
/// occupancy is 120/h x (3 min + 0.25 x W) / 30 agents with W billing's Erlang C wait; cold, it is 120/h x 3 min /
/// 30.
pub(crate) fn warm_case(seed: u64) -> Checks {
    let warm = run(&two_queues(30, 3, 0.0, 0.25, "warm", 400, 300), seed);
    let cold = run(&two_queues(30, 3, 0.0, 0.25, "cold", 200, 40), seed);
    let billing = erlang_c(3, 30.0 / 3600.0, 240.0).unwrap();
    let occupancy = |runs: &[ReplicationMetrics]| runs.iter().map(|m| m.groups[0].occupancy).collect::<Vec<_>>();
    let mut checks = Checks::new();
    checks
        .mean(
            "front occupancy, warm",
            occupancy(&warm),
            120.0 / 3600.0 * (180.0 + 0.25 * billing.asa()) / 30.0,
        )
        .mean("front occupancy, cold", occupancy(&cold), 120.0 / 3600.0 * 180.0 / 30.0)
        .mean(
            "billing ASA, warm",
            warm.iter().map(|m| m.call_types[1][Metric::AsaS.index()]),
            billing.asa(),
        );
    checks
}

/// Warm transfers hold the first agent until the second answers, cold ones do not, checked by the first group's
/// occupancy against its exact value.
///
/// Sizing: 400 replications of 300 h warm (200 of 40 h cold). False-alarm rate <= 0.1% (Bonferroni over k = 3).
/// Detects a bias of 2% in each occupancy: half-widths about 0.3% (warm, 0.23) and 0.5% (cold, 0.2); billing's
/// ASA (half-width 1.9%) fails alone on a 2% bias for about half the seeds and on a 3% bias always. The warm hold
/// adds 15% to the front's occupancy, far beyond the intervals.
#[test]
fn warm_transfers_hold_the_first_agent_until_the_second_answers() {
    warm_case(2024).assert_all();
}

#[test]
fn bad_transfer_keys_are_named() {
    let base = two_queues(8, 5, 30.0, 0.25, "cold", 2, 2);
    for (bad, parts) in [
        (
            base.replace("probability = 0.25", "probability = -1"),
            &["transfer.probability", "from 0 to 1"][..],
        ),
        (
            base.replace("to = \"billing\"", "to = \"sales\""),
            &["transfer.to", "sales", "billing"][..],
        ),
        (
            base.replace("to = \"billing\"", "to = \"general\""),
            &["transfer.to", "another call type"][..],
        ),
        (
            base.replace("kind = \"cold\"", "kind = \"hot\""),
            &["transfer.kind", "hot", "warm"][..],
        ),
    ] {
        let message = callsim::scenario::Scenario::from_toml_str(&bad, "bad.toml")
            .unwrap_err()
            .to_string();
        for part in parts {
            assert!(message.contains(part), "{message:?} lacks {part:?}");
        }
    }
}

#[test]
fn transfers_that_always_go_round_in_a_circle_are_refused() {
    let text = two_queues(8, 5, 30.0, 1.0, "cold", 2, 2).replace(
        "service = { distribution = \"exponential\", mean = \"4m\" }",
        "service = { distribution = \"exponential\", mean = \"4m\" }\ntransfer = { probability = 1, to = \"general\", after = { distribution = \"constant\", mean = \"1m\" } }",
    );
    let message = callsim::scenario::Scenario::from_toml_str(&text, "bad.toml")
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("never ends") && message.contains("general -> billing -> general"),
        "{message}"
    );
}
