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
        &["call_types[general].service", "cv", "must be from", "constant"],
    );
    let text = GOOD.replace(
        r#"distribution = "exponential", mean = "3m""#,
        r#"distribution = "gamma", mean = "3m", cv = 50"#,
    );
    assert_mentions(&error_of(&text), &["cv", "must be from", "to 20", "got 50"]);
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
        &["[horizon]", "duration", "longer than"],
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

#[test]
fn a_call_type_named_total_is_refused() {
    // `total` names the rows that add up every call type; a call type of that name made two identical rows.
    for name in ["total", "Total", " total "] {
        let text = GOOD.replace("name = \"general\"", &format!("name = \"{name}\""));
        let text = text.replace("skills = [\"general\"]", &format!("skills = [\"{name}\"]"));
        assert_mentions(&error_of(&text), &[".name", "reserved", "rename"]);
    }
}

#[test]
fn infinite_or_missing_rates_say_what_is_allowed() {
    for value in ["inf", "nan", "0", "-5"] {
        let message = error_of(&GOOD.replace("per_hour = 200", &format!("per_hour = {value}")));
        assert_mentions(&message, &["arrivals.per_hour", "finite number", "greater than 0"]);
    }
    assert_mentions(
        &error_of(&GOOD.replace("per_hour = 200 }", "per_hour = 200 }\npriority = inf")),
        &["call_types[general].priority", "finite number", "inf"],
    );
}

#[test]
fn negative_and_endless_durations_say_so() {
    assert_mentions(
        &error_of(&GOOD.replace("mean = \"3m\"", "mean = \"-5m\"")),
        &["-5m", "negative", "0s or more"],
    );
    assert_mentions(
        &error_of(&GOOD.replace(
            "warmup = \"1h\"",
            "warmup = \"1h\"\n[service_level]\nanswer_within = \"1000000h\"",
        )),
        &["answer_within", "longer than", "1000000000s"],
    );
}

#[test]
fn lines_above_the_limit_are_refused() {
    use callsim::limits::MAX_LINES;
    for lines in [MAX_LINES as u64 + 1, 4_294_967_295] {
        let message = error_of(&GOOD.replace("name = \"ok\"", &format!("name = \"ok\"\nlines = {lines}")));
        assert_mentions(&message, &["lines", "at most", &MAX_LINES.to_string()]);
    }
    let at_limit = GOOD.replace("name = \"ok\"", &format!("name = \"ok\"\nlines = {MAX_LINES}"));
    assert!(Scenario::from_toml_str(&at_limit, "ok.toml").is_ok());
}

#[test]
fn agents_above_the_limit_are_refused() {
    use callsim::limits::MAX_AGENTS;
    assert_mentions(
        &error_of(&GOOD.replace("count = 12", "count = 100000000")),
        &["agent_groups[agents].count", "at most", &MAX_AGENTS.to_string()],
    );
    // Two groups within the limit each, over it together.
    let half = MAX_AGENTS / 2 + 1;
    let text = format!(
        "{}\n[[agent_groups]]\nname = \"more\"\ncount = {half}\nskills = [\"general\"]\n",
        GOOD.replace("count = 12", &format!("count = {half}"))
    );
    assert_mentions(&error_of(&text), &["agent_groups", "agents in all", "at most"]);
}

#[test]
fn unsampleable_distributions_are_refused_in_the_scenarios_words() {
    for cv in ["1e-155", "1e-300"] {
        let text = GOOD.replace(
            r#"distribution = "exponential", mean = "3m""#,
            &format!(r#"distribution = "gamma", mean = "3m", cv = {cv}"#),
        );
        assert_mentions(
            &error_of(&text),
            &["call_types[general].service", "cv must be from", "constant"],
        );
    }
}

#[test]
fn long_input_is_cut_when_quoted() {
    let huge = "x".repeat(1_000_000);
    for text in [
        GOOD.replace("count = 12", &format!("count = 12 {huge}")),
        GOOD.replace(r#"skills = ["general"]"#, &format!(r#"skills = ["{huge}"]"#)),
        GOOD.replace("mean = \"3m\"", &format!("mean = \"{huge}\"")),
        GOOD.replace("\"exponential\"", &format!("\"{huge}\"")),
    ] {
        let message = error_of(&text);
        assert!(message.len() < 1_000, "{} bytes: {}", message.len(), &message[..300]);
        assert!(message.contains('…'), "{message}");
    }
}

#[test]
fn the_files_own_sweep_list_is_checked_naming_sweep_vary() {
    for (vary, words) in [
        ("agent_groups.agents.count", &["sweep.vary[0]", "PATH=VALUES"][..]),
        ("agent_groups.nobody.count=1:3", &["sweep.vary[0]", "nobody"][..]),
        ("agent_groups.agents.count=0:inf", &["sweep.vary[0]", "finite"][..]),
        ("routing.queue=fifo,fifo", &["sweep.vary[0]", "fifo", "twice"][..]),
        ("routing.queue=fifo,lifo", &["sweep.vary[0]", "at lifo", "fifo"][..]),
        (
            "agent_groups.agents.count=10:12:0.5",
            &["sweep.vary[0]", "at 10.0", "whole number"][..],
        ),
        (
            "horizon.warmup=1h:9h:1h",
            &["sweep.vary[0]", "at 28800s", "horizon.warmup"][..],
        ),
    ] {
        let text = format!("{GOOD}\n[sweep]\nvary = [\"{vary}\"]\n");
        assert_mentions(&error_of(&text), words);
    }
    let twice =
        format!("{GOOD}\n[sweep]\nvary = [\"agent_groups.agents.count=10:12\", \"agent_groups.agents.count=13\"]\n");
    assert_mentions(&error_of(&twice), &["sweep.vary[1]", "already varied"]);
    let good =
        format!("{GOOD}\n[sweep]\nvary = [\"agent_groups.agents.count=11:14\", \"routing.queue=fifo,priority\"]\n");
    assert_eq!(Scenario::from_toml_str(&good, "ok.toml").unwrap().sweep.len(), 2);
}

/// The good scenario with `keys` added to its call type.
fn with_call_type_keys(keys: &str) -> String {
    GOOD.replace(
        "service = { distribution = \"exponential\", mean = \"3m\" }",
        &format!("service = {{ distribution = \"exponential\", mean = \"3m\" }}\n{keys}"),
    )
}

#[test]
fn caller_behaviour_keys_are_checked() {
    let cases: &[(&str, &[&str])] = &[
        (
            r#"redial = { probability = 1.5, delay = { distribution = "constant", mean = "5m" } }"#,
            &["call_types[general].redial.probability", "from 0 to 1", "1.5"],
        ),
        (
            r#"redial = { probability = -0.1, delay = { distribution = "constant", mean = "5m" } }"#,
            &["redial.probability", "-0.1"],
        ),
        (
            r#"redial = { probability = 0.5, delay = { distribution = "constant", mean = "5m" }, after = ["hangup"] }"#,
            &["redial.after", "hangup", "abandon", "blocked", "disconnect"],
        ),
        (
            r#"redial = { probability = 0.5, delay = { distribution = "constant", mean = "5m" }, max_attempts = 0 }"#,
            &["redial.max_attempts", "from 1"],
        ),
        (
            r#"redial = { probability = 0.5, delay = { distribution = "constant", mean = "5m" }, patience = "old" }"#,
            &["redial.patience", "\"same\"", "\"new\""],
        ),
        (
            r#"resolution = { first_contact = 0.8, delay = { distribution = "constant", mean = "1h" }, as = "ghost" }"#,
            &["resolution.as", "ghost", "call types are general"],
        ),
        (
            r#"resolution = { first_contact = 0, delay = { distribution = "constant", mean = "1h" } }"#,
            &["resolution.first_contact", "never ends", "general -> general"],
        ),
        (
            r#"max_wait = { after = "9h", action = "message" }"#,
            &["max_wait.after", "shorter than the day"],
        ),
        (
            r#"max_wait = { after = "2m", action = "voicemail" }"#,
            &["max_wait.action", "voicemail", "message", "callback", "overflow"],
        ),
        (
            r#"max_wait = { after = "2m", action = { overflow = "general" } }"#,
            &["max_wait.action.overflow", "another call type"],
        ),
        (
            r#"announce_wait = { balk = [ { over = "5m", probability = 0.4 }, { over = "1m", probability = 0.1 } ] }"#,
            &["announce_wait.balk[1].over", "increasing"],
        ),
        (
            r#"announce_wait = { balk = [ { over = "1m", probability = 2 } ] }"#,
            &["announce_wait.balk[0].probability", "from 0 to 1"],
        ),
    ];
    for (keys, parts) in cases {
        assert_mentions(&error_of(&with_call_type_keys(keys)), parts);
    }
}

#[test]
fn a_type_without_arrivals_must_be_one_that_callers_become() {
    let text = format!(
        "{GOOD}\n[[call_types]]\nname = \"orphan\"\nservice = {{ distribution = \"exponential\", mean = \"3m\" }}\n"
    )
    .replace("skills = [\"general\"]", "skills = [\"general\", \"orphan\"]");
    assert_mentions(&error_of(&text), &["call_types[orphan].arrivals", "resolution's `as`"]);
    let repeats = text.replace(
        "name = \"general\"\n",
        "name = \"general\"\nresolution = { first_contact = 0.8, delay = { distribution = \"constant\", mean = \"1h\" }, as = \"orphan\" }\n",
    );
    Scenario::from_toml_str(&repeats, "ok.toml").expect("a repeat-only type needs no arrivals");
}

#[test]
fn overflows_and_repeat_chains_that_never_end_are_refused() {
    let two = |general: &str, other: &str| {
        format!(
            "{GOOD}\n[[call_types]]\nname = \"other\"\narrivals = {{ per_hour = 10 }}\nservice = {{ distribution = \"exponential\", mean = \"3m\" }}\n{other}\n"
        )
        .replace("name = \"general\"\n", &format!("name = \"general\"\n{general}\n"))
        .replace("skills = [\"general\"]", "skills = [\"general\", \"other\"]")
    };
    assert_mentions(
        &error_of(&two(
            r#"max_wait = { after = "1m", action = { overflow = "other" } }"#,
            r#"max_wait = { after = "1m", action = { overflow = "general" } }"#,
        )),
        &["overflow", "circle", "general -> other -> general"],
    );
    assert_mentions(
        &error_of(&two(
            r#"resolution = { first_contact = 0, delay = { distribution = "constant", mean = "1h" }, as = "other" }"#,
            r#"resolution = { first_contact = 0, delay = { distribution = "constant", mean = "1h" }, as = "general" }"#,
        )),
        &["first_contact", "never ends"],
    );
    // A chain with a way out is fine.
    Scenario::from_toml_str(
        &two(
            r#"resolution = { first_contact = 0, delay = { distribution = "constant", mean = "1h" }, as = "other" }"#,
            r#"resolution = { first_contact = 0.5, delay = { distribution = "constant", mean = "1h" }, as = "general" }"#,
        ),
        "ok.toml",
    )
    .expect("every cycle resolves sometimes");
}
