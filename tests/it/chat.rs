//! Chat (issue 12): the simulator against the exact chain of least-loaded routing (`callsim::erlang::chat`),
//! `concurrency = 1` against voice byte for byte, the bundled `scenarios/chat.toml`, and the chat keys' errors.
//!
//! As in `validation_queues`, the exact test is a function of the seed returning its [`Checks`] (Bonferroni over
//! its assertions at a family-wise false-alarm rate of 0.1%), and the ignored `calibration` harness runs it over
//! many seeds.

use callsim::erlang::chat::{ChatModel, chat_exact};
use callsim::scenario::Scenario;
use callsim::stats::Metric;

use crate::common::{Checks, callsim, run_with_seed as run, stdout, total};

/// One chat type on one group of `agents` agents holding up to 3 chats (3, 3.5 and 4 minutes while holding 1, 2
/// and 3), `per_hour` chats with exponential patience of mean 2 minutes, FIFO, after a 4 h warm-up.
fn chat_team(agents: u32, per_hour: f64, replications: u32, hours: u32) -> String {
    format!(
        r#"
name = "chat team"
seed = 12
replications = {replications}
[horizon]
duration = "{duration}h"
warmup = "4h"
[service_level]
answer_within = "20s"
[[call_types]]
name = "chat"
channel = "chat"
arrivals = {{ per_hour = {per_hour} }}
service = {{ distribution = "exponential", mean = "3m" }}
handle_time_by_concurrency = ["3m", "3.5m", "4m"]
patience = {{ distribution = "exponential", mean = "2m" }}
[[agent_groups]]
name = "team"
count = {agents}
skills = ["chat"]
concurrency = 3
[routing]
queue = "fifo"
"#,
        duration = hours + 4
    )
}

/// 4 agents of concurrency 3, 160 chats an hour: the exact chain gives P(wait) 0.39, mean wait 14.6 s, service
/// level in 20 s 0.77, abandonment 0.10, occupancy (share of chat slots in use) 0.78.
///
/// Sizing (calibration over seeds, and the mutation of every exact value by 2% either way): 120 replications of
/// 48 h give simultaneous half-widths (Bonferroni over k = 5 at 0.1% family-wise) of about 1.4% (P(wait)), 2.4%
/// (mean wait), 0.6% (service level), 3.3% (abandonment) and 0.3% (occupancy); so a correct simulator fails for
/// about 1 seed in 1000, and a 2% bias in P(wait), the service level or the occupancy fails it.
pub(crate) fn chat_team_case(seed: u64) -> Checks {
    let runs = run(&chat_team(4, 160.0, 120, 48), seed);
    let exact = chat_exact(&ChatModel {
        agents: 4,
        chats_per_second: 160.0 / 3600.0,
        handle_times: vec![180.0, 210.0, 240.0],
        patience: 120.0,
    })
    .unwrap();
    let mut checks = Checks::new();
    checks
        .mean("p_wait", total(&runs, Metric::PWait), exact.p_wait)
        .mean("mean wait", total(&runs, Metric::MeanWaitS), exact.mean_wait)
        .mean(
            "service level",
            total(&runs, Metric::ServiceLevel),
            exact.service_level(20.0),
        )
        .mean(
            "abandonment",
            total(&runs, Metric::AbandonmentRate),
            exact.p_abandon,
        )
        .mean("occupancy", total(&runs, Metric::Occupancy), exact.occupancy);
    checks
}

#[test]
fn a_chat_team_is_the_exact_least_loaded_chain() {
    chat_team_case(2026).assert_all();
}

/// A voice scenario (patience, a count that changes through the day so agents log off while busy, two call types
/// on two groups, fewest-calls selection) and the same with one type a chat whose agents hold one at a time: the
/// output files and the JSON are the same, byte for byte.
#[test]
fn chat_with_concurrency_one_is_voice_byte_for_byte() {
    let voice = r#"
name = "one at a time"
seed = 5
replications = 6
[horizon]
duration = "8h"
interval = "1h"
[[call_types]]
name = "web"
arrivals = { per_hour = [40, 60, 80, 60, 40, 60, 80, 50] }
service = { distribution = "gamma", mean = "4m", cv = 0.8 }
patience = { distribution = "exponential", mean = "2m" }
[[call_types]]
name = "phone"
arrivals = { per_hour = 30 }
service = { distribution = "exponential", mean = "5m" }
patience = { distribution = "exponential", mean = "3m" }
[[agent_groups]]
name = "web team"
count = [3, 4, 5, 4, 3, 4, 5, 3]
skills = ["web", "phone"]
[[agent_groups]]
name = "phones"
count = 2
skills = ["phone"]
[routing]
queue = "fifo"
agent = "fewest-calls"
"#;
    let chat = voice.replace(
        "service = { distribution = \"gamma\", mean = \"4m\", cv = 0.8 }",
        "service = { distribution = \"gamma\", mean = \"4m\", cv = 0.8 }\nchannel = \"chat\"\nhandle_time_by_concurrency = [\"4m\"]",
    );
    assert_ne!(voice, chat);
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for (name, text) in [("voice", voice), ("chat", chat.as_str())] {
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, text).unwrap();
        let out = dir.path().join(name);
        let json = stdout(&callsim(&[
            "run",
            path.to_str().unwrap(),
            "--json",
            "--out",
            out.to_str().unwrap(),
        ]));
        let summary = std::fs::read(out.join("summary.csv")).unwrap();
        let groups = std::fs::read(out.join("groups.csv")).unwrap();
        outputs.push((json, summary, groups));
    }
    assert_eq!(outputs[0].0, outputs[1].0, "the JSON differs");
    assert_eq!(outputs[0].1, outputs[1].1, "summary.csv differs");
    assert_eq!(outputs[0].2, outputs[1].2, "groups.csv differs");
}

/// Holding several chats is faster than one at a time: the same chats on the same agents wait less with
/// `concurrency = 3`, and the agents hold more than one chat on average (occupancy times 3 above 1).
#[test]
fn several_chats_at_once_serve_more_than_one_at_a_time() {
    let three = chat_team(4, 60.0, 8, 8);
    let one = three
        .replace("concurrency = 3", "concurrency = 1")
        .replace("handle_time_by_concurrency = [\"3m\", \"3.5m\", \"4m\"]", "");
    let (many, single) = (run(&three, 3), run(&one, 3));
    let mean = |runs: &[callsim::stats::ReplicationMetrics], m: Metric| total(runs, m).sum::<f64>() / runs.len() as f64;
    assert!(mean(&many, Metric::MeanWaitS) < 0.5 * mean(&single, Metric::MeanWaitS));
    assert!(3.0 * mean(&many, Metric::Occupancy) < mean(&single, Metric::Occupancy));
    assert!(mean(&many, Metric::Occupancy) * 3.0 > 0.3);
}

/// The bundled chat team runs and reports its chat group.
#[test]
fn the_bundled_chat_scenario_runs() {
    let output = callsim(&["run", "scenarios/chat.toml", "--json", "--replications", "4"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let occupancy = json["agent_groups"]["chat desk"]["occupancy"]["mean"].as_f64().unwrap();
    assert!(occupancy > 0.2 && occupancy < 1.0, "{occupancy}");
    assert!(json["call_types"]["chat"]["answered"]["mean"].as_f64().unwrap() > 0.0);
}

#[test]
fn bad_chat_keys_are_named() {
    let base = chat_team(4, 60.0, 2, 2);
    let with_voice = base.replace(
        "[[agent_groups]]",
        "[[call_types]]\nname = \"phone\"\narrivals = { per_hour = 10 }\nservice = { distribution = \"exponential\", mean = \"3m\" }\n[[agent_groups]]",
    );
    for (bad, parts) in [
        (
            base.replace("concurrency = 3", "concurrency = 0"),
            &["agent_groups[team].concurrency", "from 1"][..],
        ),
        (
            base.replace("channel = \"chat\"", "channel = \"email\""),
            &["call_types[chat].channel", "\"voice\"", "\"chat\"", "email"][..],
        ),
        (
            base.replace("concurrency = 3", "concurrency = 4"),
            &["call_types[chat].handle_time_by_concurrency", "3 value(s)", "up to 4"][..],
        ),
        (
            base.replace("channel = \"chat\"", ""),
            &["handle_time_by_concurrency", "chat call types only"][..],
        ),
        (
            base.replace("\"3.5m\"", "\"0s\""),
            &["handle_time_by_concurrency", "value 2", "above 0"][..],
        ),
        (
            with_voice.replace("skills = [\"chat\"]", "skills = [\"chat\", \"phone\"]\nchannel = \"chat\""),
            &["agent_groups[team].skills", "\"phone\" is a voice call type", "chat-only"][..],
        ),
        (
            with_voice.replace("skills = [\"chat\"]\nconcurrency = 3", "skills = [\"phone\"]\nconcurrency = 3"),
            &["agent_groups[team].concurrency", "no chat and no consult"][..],
        ),
        (
            base.replace("channel = \"chat\"", "channel = \"chat\"\nafter_call_work = \"30s\""),
            &["call_types[chat].after_call_work", "fold it into handle_time_by_concurrency"][..],
        ),
        (
            base.replace("[[agent_groups]]", "max_wait = { after = \"1m\", action = \"callback\" }\n[[agent_groups]]"),
            &["call_types[chat].max_wait.action", "not called back"][..],
        ),
    ] {
        let message = Scenario::from_toml_str(&bad, "bad.toml").unwrap_err().to_string();
        assert!(message.starts_with("bad.toml"), "{message}");
        for part in parts {
            assert!(message.contains(part), "{message:?} lacks {part:?}");
        }
    }
}
