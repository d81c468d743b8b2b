//! Outbound campaigns, dialers and blending (issue 12): the blending threshold against its exact Markov chain, the
//! progressive dialer as M/M/c with an endless queue of work, the predictive dialer's abandon cap in every window,
//! the limits in which outbound work switched off is the inbound model byte for byte, and bad input.
//!
//! Exact tests are functions of the seed returning their [`Checks`] (Bonferroni over the assertions at a
//! family-wise false-alarm rate of 0.1%), sized so that a 2% bias fails them; the ignored `calibration` harness
//! runs them over many seeds.

use callsim::erlang::blend::{BlendInput, blend};
use callsim::stats::Metric;

use crate::common::{Checks, replications, run_with_seed as run, scenario, total};

/// One inbound type on one group of `agents` that also works `campaign` (a `[[campaigns]]` body), with
/// `keep_idle`; `hours` of measurement after a 2 h warm-up.
fn blended(agents: u32, keep_idle: u32, campaign: &str, replications: u32, hours: u32, patience: &str) -> String {
    format!(
        r#"
name = "blended"
seed = 12
replications = {replications}
[horizon]
duration = "{duration}h"
warmup = "2h"
[service_level]
answer_within = "20s"
[[call_types]]
name = "inbound"
arrivals = {{ per_hour = 120 }}
service = {{ distribution = "exponential", mean = "4m" }}
{patience}
[[agent_groups]]
name = "team"
count = {agents}
skills = ["inbound"]
outbound = {{ campaign = "list", keep_idle = {keep_idle} }}
[[campaigns]]
name = "list"
kind = "informing"
{campaign}
"#,
        duration = hours + 2
    )
}

/// Every dial answered at once by a person who talks 3 minutes on average: outbound work is an endless queue of
/// exponential jobs.
const ENDLESS_WORK: &str = r#"records = "unlimited"
dialing = { mode = "progressive" }
ring = { distribution = "constant", mean = "0s" }
outcomes = { answer = 1.0 }
talk = { distribution = "exponential", mean = "3m" }"#;

/// 10 agents, 8 erlangs of inbound with 5-minute patience, `keep_idle = 2`, outbound handle time 3 minutes, against
/// the exact chain of the threshold policy ([`callsim::erlang::blend`]).
pub(crate) fn blending_case(seed: u64) -> Checks {
    let text = blended(
        10,
        2,
        ENDLESS_WORK,
        600,
        40,
        r#"patience = { distribution = "exponential", mean = "5m" }"#,
    );
    let runs = run(&text, seed);
    let exact = blend(&BlendInput {
        agents: 10,
        arrival_rate: 120.0 / 3600.0,
        inbound_handle_s: 240.0,
        outbound_handle_s: 180.0,
        keep_idle: 2,
        patience_s: Some(300.0),
    })
    .expect("a valid chain");
    let mut checks = Checks::new();
    checks
        .mean(
            "inbound service level",
            total(&runs, Metric::ServiceLevel),
            exact.service_level(20.0),
        )
        .mean("inbound P(wait)", total(&runs, Metric::PWait), exact.p_wait)
        .mean("inbound mean wait", total(&runs, Metric::MeanWaitS), exact.mean_wait_s)
        .mean("occupancy", total(&runs, Metric::Occupancy), exact.occupancy)
        .mean(
            "outbound calls per minute",
            total(&runs, Metric::ContactsPerHour).map(|h| h / 60.0),
            exact.outbound_per_minute,
        );
    checks
}

/// Blending with a threshold against the exact chain: inbound service level, P(wait), mean wait, occupancy and
/// outbound calls per minute.
///
/// Sizing: 600 replications of 40 h. False-alarm rate <= 0.1% (Bonferroni over k = 5); detects a 2% bias in each:
/// the simultaneous half-widths (calibration harness, 10 seeds) are 0.48% for the service level, 0.59% P(wait),
/// 1.24% mean wait, 0.05% occupancy and 0.88% outbound calls per minute, and every one fails at x1.02 and x0.98 for
/// every seed. Mean relative errors: at most 0.11%.
#[test]
fn blending_matches_the_threshold_policy_chain() {
    blending_case(12).assert_all();
}

/// The same blended group with callers who never hang up: the chain's ASA (every inbound call is answered) and
/// service level.
pub(crate) fn blending_asa_case(seed: u64) -> Checks {
    let runs = run(&blended(10, 1, ENDLESS_WORK, 2400, 40, ""), seed);
    let exact = blend(&BlendInput {
        agents: 10,
        arrival_rate: 120.0 / 3600.0,
        inbound_handle_s: 240.0,
        outbound_handle_s: 180.0,
        keep_idle: 1,
        patience_s: None,
    })
    .expect("a valid chain");
    let mut checks = Checks::new();
    checks
        .mean("inbound ASA", total(&runs, Metric::AsaS), exact.mean_wait_s)
        .mean(
            "inbound service level",
            total(&runs, Metric::ServiceLevel),
            exact.service_level(20.0),
        )
        .mean(
            "outbound calls per minute",
            total(&runs, Metric::ContactsPerHour).map(|h| h / 60.0),
            exact.outbound_per_minute,
        );
    checks
}

/// Blending without abandonment against the exact chain: inbound ASA, service level, outbound calls per minute.
///
/// Sizing: 2,400 replications of 40 h (about 1 s). False-alarm rate <= 0.1% (Bonferroni over k = 3); detects a 2%
/// bias in each: simultaneous half-widths (calibration harness, 8 seeds) 1.28% ASA, 0.57% service level, 0.63%
/// outbound calls per minute, each failing alone at x1.02 and x0.98 for every seed; mean relative errors at most
/// 0.09%.
#[test]
fn blending_without_abandonment_matches_the_chain_asa() {
    blending_asa_case(12).assert_all();
}

/// Progressive dialing of an endless list with every dial answered at once is M/M/c with an endless queue: the
/// dialing agents are busy all the time and complete `c / talk` calls per unit of time.
///
/// Sizing: 40 replications of 20 h; k = 1; the contacts per agent-hour (exactly 20) have a half-width near 0.4%.
pub(crate) fn endless_work_case(seed: u64) -> Checks {
    let text = format!(
        r#"
name = "dialers"
seed = 3
replications = 40
[horizon]
duration = "22h"
warmup = "2h"
[[call_types]]
name = "rare"
arrivals = {{ per_hour = 1 }}
service = {{ distribution = "exponential", mean = "1m" }}
[[agent_groups]]
name = "desk"
count = 1
skills = ["rare"]
[[agent_groups]]
name = "dialers"
count = 6
skills = []
outbound = {{ campaign = "list" }}
[[campaigns]]
name = "list"
kind = "survey"
{ENDLESS_WORK}
"#
    );
    let runs = run(&text, seed);
    for r in &runs {
        assert!(
            (r.groups[1].occupancy - 1.0).abs() < 1e-9,
            "the dialing agents are busy all the time: {}",
            r.groups[1].occupancy
        );
        assert_eq!(
            r.total[Metric::OutboundAbandoned.index()],
            0.0,
            "progressive dialing abandons nothing"
        );
    }
    let mut checks = Checks::new();
    checks.mean(
        "contacts per agent-hour",
        total(&runs, Metric::ContactsPerAgentHour),
        20.0,
    );
    checks
}

#[test]
fn progressive_dialing_of_endless_work_keeps_agents_busy() {
    endless_work_case(3).assert_all();
}

/// A survey list dialled predictively by 16 blended agents (the bundled scenario's campaign).
fn predictive(max_abandon: f64, replications: u32) -> String {
    blended(
        16,
        1,
        &format!(
            r#"records = 20000
dialing = {{ mode = "predictive", max_abandon = {max_abandon}, window = "1h" }}
ring = {{ distribution = "uniform", min = "5s", max = "25s" }}
outcomes = {{ answer = 0.35, machine = 0.15, busy = 0.1 }}
talk = {{ distribution = "exponential", mean = "3m" }}
after_call_work = "30s"
retry = {{ no_answer = "2h", busy = "10m", machine = "4h", max_attempts = 4 }}"#
        ),
        replications,
        10,
        r#"patience = { distribution = "exponential", mean = "3m" }"#,
    )
}

/// The predictive dialer's cap holds in every window of every replication, whatever the seed (it is a budget, not
/// a forecast), and it does over-dial: calls are abandoned, up to the cap.
#[test]
fn predictive_pacing_keeps_every_window_under_the_cap() {
    let mut abandoned = 0.0;
    for seed in 1..=4 {
        for r in run(&predictive(0.03, 8), seed) {
            let worst = r.total[Metric::MaxWindowAbandonRate.index()];
            assert!(worst <= 0.03, "seed {seed}: a window abandoned {worst}");
            assert!(r.total[Metric::OutboundAbandonRate.index()] <= 0.03);
            abandoned += r.total[Metric::OutboundAbandoned.index()];
        }
    }
    assert!(abandoned > 0.0, "the predictive dialer over-dials within its cap");
}

/// With a cap of 0 the predictive dialer abandons nothing, and still dials.
#[test]
fn a_cap_of_zero_abandons_nothing() {
    for r in run(&predictive(0.0, 6), 5) {
        assert_eq!(r.total[Metric::OutboundAbandoned.index()], 0.0);
        assert!(r.total[Metric::LiveContacts.index()] > 100.0);
    }
}

/// Progressive dialing reaches more people per agent-hour than preview on the same list: the preview time is spent
/// reading, not talking.
#[test]
fn progressive_beats_preview_on_contacts_per_agent_hour() {
    let text = predictive(0.03, 6);
    let rate = |mode: &str| {
        let t = text.replace(r#"mode = "predictive""#, mode);
        let runs = replications(&scenario(&t));
        total(&runs, Metric::ContactsPerAgentHour).sum::<f64>() / runs.len() as f64
    };
    let (progressive, preview) = (
        rate(r#"mode = "progressive""#),
        rate(r#"mode = "preview", preview = "20s""#),
    );
    assert!(progressive > 1.1 * preview, "{progressive} > 1.1 x {preview}");
}

/// `keep_idle` equal to the group's size never starts outbound work: every inbound figure equals the scenario
/// without the campaign, bit for bit.
#[test]
fn keep_idle_at_the_group_size_is_pure_inbound_bit_for_bit() {
    let with = blended(10, 10, ENDLESS_WORK, 4, 6, "");
    let without: String = with
        .lines()
        .filter(|l| !l.starts_with("outbound ="))
        .take_while(|l| !l.starts_with("[[campaigns]]"))
        .map(|l| format!("{l}\n"))
        .collect();
    let (a, b) = (replications(&scenario(&with)), replications(&scenario(&without)));
    for (x, y) in a.iter().zip(&b) {
        for metric in Metric::ALL.into_iter().filter(|m| !m.is_campaign()) {
            let (u, v) = (x.total[metric.index()], y.total[metric.index()]);
            assert!(
                u.to_bits() == v.to_bits() || (u.is_nan() && v.is_nan()),
                "{metric:?}: {u} vs {v}"
            );
        }
        assert_eq!(x.total[Metric::Dials.index()], 0.0);
    }
}

fn error_of(text: &str) -> String {
    match callsim::scenario::Scenario::from_toml_str(text, "bad.toml") {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// Bad input names the file, the field and what is allowed.
#[test]
fn bad_campaigns_get_clear_errors() {
    let good = blended(10, 2, ENDLESS_WORK, 2, 2, "");
    let cases = [
        (
            good.replace(
                "outcomes = { answer = 1.0 }",
                "outcomes = { answer = 0.6, machine = 0.3, busy = 0.2 }",
            )
            .replace(r#"mean = "0s""#, r#"mean = "5s""#),
            "campaigns[list].outcomes: answer + machine + busy must be at most 1",
        ),
        (
            good.replace("keep_idle = 2", "keep_idle = 11"),
            "agent_groups[team].outbound.keep_idle: must be at most",
        ),
        (
            good.replace(
                r#"kind = "informing""#,
                "kind = \"informing\"\nhours = { from = \"01:00\", to = \"09:00\" }",
            ),
            "campaigns[list].hours: 01:00 to 09:00 is outside the day",
        ),
        (
            good.replace(r#"campaign = "list""#, r#"campaign = "lists""#),
            "agent_groups[team].outbound.campaign: \"lists\" is not a campaign",
        ),
        (
            good.replace(r#"mode = "progressive""#, r#"mode = "turbo""#),
            "campaigns[list].dialing.mode: \"turbo\" is not a dialing mode",
        ),
        (
            good.replace("outcomes = { answer = 1.0 }", "outcomes = { answer = 0.5 }"),
            "campaigns[list].ring: a ring time of 0s is allowed only when every dial is answered",
        ),
        (
            good.replace(r#"kind = "informing""#, r#"kind = "sales""#),
            "campaigns[list].conversion: a sales campaign needs conversion",
        ),
        (
            good.replace(r#"outbound = { campaign = "list", keep_idle = 2 }"#, ""),
            "campaigns[list]: no agent group dials for this campaign",
        ),
        (
            good.replace(
                r#"kind = "informing""#,
                "kind = \"informing\"\nhours = { from = \"05:00\", to = \"06:00\" }",
            ),
            "campaigns[list].hours: 05:00 to 06:00 is outside the day",
        ),
        (
            good.replace("count = 10", "count = 10\nconcurrency = 2"),
            "agent_groups[team].concurrency",
        ),
    ];
    for (text, expected) in cases {
        let error = error_of(&text);
        assert!(error.contains("bad.toml"), "{error}");
        assert!(error.contains(expected), "expected {expected:?} in: {error}");
    }
}

/// Per interval, the dials, live contacts and abandoned calls (by the instant of the dial) add up to the day's
/// (the measured window is the whole day here), and no dial falls outside the campaign's hours.
#[test]
fn campaign_counts_per_interval_add_up_to_the_day() {
    use callsim::stats::IntervalMetric;
    let text = predictive(0.03, 3)
        .replace("warmup = \"2h\"", "warmup = \"0s\"")
        .replace(
            "kind = \"informing\"",
            "kind = \"informing\"\nhours = { from = \"02:00\", to = \"09:00\" }",
        );
    let s = scenario(&text);
    for replication in 0..3 {
        let (metrics, day) = callsim::run::simulate_day(&s, replication);
        let total =
            |m: IntervalMetric| -> f64 { day.intervals.iter().map(|i| i.scopes.last().unwrap()[m.index()]).sum() };
        assert_eq!(total(IntervalMetric::Dials), metrics.total[Metric::Dials.index()]);
        assert_eq!(
            total(IntervalMetric::LiveContacts),
            metrics.total[Metric::LiveContacts.index()]
        );
        assert_eq!(
            total(IntervalMetric::OutboundAbandoned),
            metrics.total[Metric::OutboundAbandoned.index()]
        );
        assert!(metrics.total[Metric::Dials.index()] > 0.0);
        for (index, interval) in day.intervals.iter().enumerate() {
            let dials = interval.scopes.last().unwrap()[IntervalMetric::Dials.index()];
            // Half-hour intervals (the default): dialing runs from 02:00 to 09:00 only.
            assert!(
                (4..18).contains(&index) || dials == 0.0,
                "interval {index}: {dials} dials"
            );
        }
    }
}

/// `callsim check` describes each campaign: its list, dialing mode and cap, hours and the groups that dial for it.
#[test]
fn check_describes_the_campaign() {
    let output = crate::common::callsim(&["check", "scenarios/outbound.toml"]);
    assert!(output.status.success());
    let text = crate::common::stdout(&output);
    assert!(
        text.contains("campaign survey: 5000 records, predictive (abandoned at most 3.0% of live answers per 1h00m)")
            && text.contains("10:00 to 20:00; dialled by team (while more than 2 of 16 idle)"),
        "{text}"
    );
}
