//! Bad scenario input gives one clear line naming the file, the field and what is allowed.

use callsim::scenario::Scenario;

const GOOD: &str = r#"
name = "ok"
[horizon]
duration = "8h"
warmup = "1h"
[[call_types]]
name = "general"
arrivals = { per_hour = 200 }
service = { distribution = "exponential", mean = "3m" }
[[agent_groups]]
name = "agents"
count = 12
skills = ["general"]
"#;

fn error_of(text: &str) -> String {
    match Scenario::from_toml_str(text, "bad.toml") {
        Ok(_) => panic!("accepted invalid scenario:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn assert_mentions(message: &str, parts: &[&str]) {
    assert!(!message.contains('\n'), "message spans lines: {message}");
    assert!(message.starts_with("bad.toml: "), "no file name: {message}");
    for part in parts {
        assert!(message.contains(part), "{message:?} does not mention {part:?}");
    }
}

#[test]
fn the_good_scenario_is_accepted() {
    let s = Scenario::from_toml_str(GOOD, "good.toml").unwrap();
    assert_eq!(s.total_agents(), 12);
    assert!((s.offered_load() - 10.0).abs() < 1e-12);
    assert!(s.warnings().is_empty());
}

#[test]
fn unknown_key_is_named_with_its_line() {
    let text = GOOD.replace("count = 12", "count = 12\ncolour = \"red\"");
    assert_mentions(&error_of(&text), &["colour", "line 13"]);
}

#[test]
fn wrong_type_is_reported() {
    assert_mentions(
        &error_of(&GOOD.replace("count = 12", "count = \"twelve\"")),
        &["line", "count"],
    );
    assert_mentions(
        &error_of(&GOOD.replace("mean = \"3m\"", "mean = 180")),
        &["duration", "line"],
    );
}

#[test]
fn zero_or_negative_means_are_refused() {
    assert_mentions(
        &error_of(&GOOD.replace("mean = \"3m\"", "mean = \"0s\"")),
        &["service", "mean", "greater than 0"],
    );
    assert_mentions(
        &error_of(&GOOD.replace("mean = \"3m\"", "mean = \"-3m\"")),
        &["duration"],
    );
    assert_mentions(
        &error_of(&GOOD.replace("per_hour = 200", "per_hour = -5")),
        &["arrivals.per_hour", "greater than 0"],
    );
}

#[test]
fn cv_out_of_range_is_refused() {
    let text = GOOD.replace(
        r#"distribution = "exponential", mean = "3m""#,
        r#"distribution = "lognormal", mean = "3m", cv = 0"#,
    );
    assert_mentions(
        &error_of(&text),
        &["call_types[general].service", "cv", "greater than 0"],
    );
    let text = GOOD.replace(
        r#"distribution = "exponential", mean = "3m""#,
        r#"distribution = "gamma", mean = "3m", cv = 50"#,
    );
    assert_mentions(&error_of(&text), &["cv", "at most"]);
}

#[test]
fn parameters_of_another_family_are_refused() {
    let text = GOOD.replace(r#"mean = "3m" }"#, r#"mean = "3m", cv = 0.5 }"#);
    assert_mentions(&error_of(&text), &["exponential takes mean", "cv"]);
    let text = GOOD.replace("\"exponential\"", "\"poisson\"");
    assert_mentions(&error_of(&text), &["poisson", "lognormal"]);
}

#[test]
fn unknown_skill_is_refused() {
    assert_mentions(
        &error_of(&GOOD.replace(r#"skills = ["general"]"#, r#"skills = ["sales"]"#)),
        &["agent_groups[agents].skills", "sales", "general"],
    );
}

#[test]
fn call_type_nobody_serves_is_refused() {
    let text = GOOD.replace(
        "[[agent_groups]]",
        "[[call_types]]\nname = \"orphan\"\narrivals = { per_hour = 1 }\nservice = { distribution = \"constant\", mean = \"1m\" }\n[[agent_groups]]",
    );
    assert_mentions(&error_of(&text), &["orphan", "no agent"]);
}

#[test]
fn duplicate_names_are_refused() {
    let text = format!("{GOOD}\n[[agent_groups]]\nname = \"agents\"\ncount = 1\nskills = [\"general\"]\n");
    assert_mentions(&error_of(&text), &["duplicate", "agents"]);
}

#[test]
fn warmup_must_be_shorter_than_the_horizon() {
    assert_mentions(
        &error_of(&GOOD.replace("warmup = \"1h\"", "warmup = \"8h\"")),
        &["horizon.warmup", "shorter"],
    );
}

#[test]
fn bad_routing_values_are_refused() {
    assert_mentions(
        &error_of(&format!("{GOOD}\n[routing]\nqueue = \"lifo\"\n")),
        &["lifo", "fifo"],
    );
}

#[test]
fn absurd_volumes_are_refused_before_simulating() {
    assert_mentions(
        &error_of(&GOOD.replace("per_hour = 200", "per_hour = 1e12")),
        &["calls per replication", "at most"],
    );
    assert_mentions(
        &error_of(&GOOD.replace("duration = \"8h\"", "duration = \"99999999h\"")),
        &["horizon.duration"],
    );
}

#[test]
fn unreadable_file_is_reported() {
    let message = Scenario::from_path(std::path::Path::new("no/such/file.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("no/such/file.toml") && message.contains("cannot read"),
        "{message}"
    );
}

#[test]
fn overload_without_abandonment_is_a_warning_not_an_error() {
    let s = Scenario::from_toml_str(&GOOD.replace("count = 12", "count = 9"), "x").unwrap();
    let warnings = s.warnings();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].to_string().contains("10.0 erlangs"));
}
