//! The real binary's `erlang` and `check` commands: zero traffic, limits, flags per model, messages, warnings.

use crate::common::callsim;

fn json(args: &[&str]) -> serde_json::Value {
    let output = callsim(args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON object")
}

/// Runs a command that must fail with exit status 2 and returns its stderr.
fn error(args: &[&str]) -> String {
    let output = callsim(args);
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn zero_calls_need_zero_agents_in_every_model() {
    let c = json(&[
        "erlang",
        "c",
        "--calls",
        "0",
        "--aht",
        "3m",
        "--target-sl",
        "0.8",
        "--json",
    ]);
    let a = json(&[
        "erlang",
        "a",
        "--calls",
        "0",
        "--aht",
        "3m",
        "--patience",
        "2m",
        "--target-sl",
        "0.8",
        "--json",
    ]);
    for value in [&c, &a] {
        assert_eq!(value["agents"], 0);
        assert_eq!(value["service_level"], 1.0);
        assert_eq!(value["asa_s"], 0.0);
        assert_eq!(value["occupancy"], 0.0);
    }
    let b = json(&[
        "erlang",
        "b",
        "--calls",
        "0",
        "--aht",
        "3m",
        "--target-blocking",
        "0.01",
        "--json",
    ]);
    assert_eq!((b["lines"].as_u64(), b["blocking"].as_f64()), (Some(0), Some(0.0)));
    let evaluated = json(&["erlang", "c", "--calls", "0", "--aht", "3m", "--agents", "0", "--json"]);
    assert_eq!(evaluated["service_level"], 1.0);
    let output = callsim(&["erlang", "c", "--calls", "0", "--aht", "3m", "--target-sl", "0.8"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success() && text.contains("1.0000"), "{text}");
    assert!(error(&["erlang", "c", "--calls", "5", "--aht", "3m", "--agents", "0"]).contains("--agents"));
}

#[test]
fn each_model_lists_only_the_flags_it_takes() {
    let help = |model: &str| String::from_utf8(callsim(&["erlang", model, "--help"]).stdout).unwrap();
    let (c, a) = (help("c"), help("a"));
    assert!(
        !c.contains("--patience") && !c.contains("--max-abandon") && c.contains("--lines"),
        "{c}"
    );
    assert!(
        a.contains("--patience") && a.contains("--max-abandon") && !a.contains("--lines"),
        "{a}"
    );
}

#[test]
fn share_flags_state_their_whole_range_in_one_message() {
    let one = error(&["erlang", "c", "--calls", "10", "--aht", "3m", "--target-sl", "1"]);
    let more = error(&["erlang", "c", "--calls", "10", "--aht", "3m", "--target-sl", "1.5"]);
    for message in [&one, &more] {
        assert!(
            message.contains("--target-sl: must be a share above 0 and below 1"),
            "{message}"
        );
    }
}

#[test]
fn negative_durations_are_values_not_flags() {
    let message = error(&[
        "erlang", "c", "--calls", "10", "--per", "-30m", "--aht", "3m", "--agents", "3",
    ]);
    assert!(message.contains("-30m") && message.contains("negative"), "{message}");
    assert!(!message.contains("unexpected argument"), "{message}");
}

#[test]
fn agents_and_loads_beyond_the_limits_are_refused_and_allowed_loads_are_staffed() {
    let message = error(&["erlang", "c", "--calls", "10", "--aht", "3m", "--agents", "100000000"]);
    assert!(
        message.contains("--agents") && message.contains("at most 1000000"),
        "{message}"
    );
    // 500,000 erlangs is an allowed load, so its staffing is found rather than declared impossible.
    let big = json(&[
        "erlang",
        "c",
        "--calls",
        "10000000",
        "--aht",
        "180s",
        "--target-sl",
        "0.8",
        "--json",
    ]);
    assert!(big["agents"].as_u64().unwrap() > 500_000);
}

#[test]
fn extreme_erlang_a_inputs_answer_promptly() {
    let started = std::time::Instant::now();
    let hasty = json(&[
        "erlang",
        "a",
        "--calls",
        "10",
        "--aht",
        "3m",
        "--patience",
        "0.00001ms",
        "--target-sl",
        "0.8",
        "--json",
    ]);
    assert!(hasty["agents"].as_u64().unwrap() >= 1);
    let endless = json(&[
        "erlang",
        "a",
        "--calls",
        "100",
        "--aht",
        "3m",
        "--patience",
        "2m",
        "--answer-within",
        "100000h",
        "--agents",
        "5",
        "--json",
    ]);
    let sl = endless["service_level"].as_f64().unwrap();
    let answered = 1.0 - endless["p_abandon"].as_f64().unwrap();
    assert!((sl - answered).abs() < 1e-9, "{sl} vs {answered}");
    let message = error(&[
        "erlang",
        "a",
        "--calls",
        "100",
        "--aht",
        "3m",
        "--patience",
        "1000000000s",
        "--agents",
        "2",
    ]);
    assert!(message.contains("not computed"), "{message}");
    assert!(started.elapsed().as_secs_f64() < 20.0);
}

use crate::scenario_warnings::NINE_TO_TEN;

#[test]
fn check_prints_warnings_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nine.toml");
    std::fs::write(&path, NINE_TO_TEN).unwrap();
    let output = callsim(&["check", path.to_str().unwrap()]);
    assert!(output.status.success());
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(
        stderr.contains("warning: ") && stderr.contains("warmup = \"20m\""),
        "{stderr}"
    );
    assert!(!stdout.contains("warning"), "{stdout}");
}

#[test]
fn check_and_sweep_refuse_a_bad_sweep_list_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad_sweep.toml");
    let text = NINE_TO_TEN.replace("duration = \"1h\"", "duration = \"1h\"\nwarmup = \"20m\"")
        + "[sweep]\nvary = [\"agent_groups.agents.count=40:45:0.5\"]\n";
    std::fs::write(&path, text).unwrap();
    let file = path.to_str().unwrap();
    for command in ["check", "sweep"] {
        let mut args = vec![command, file];
        let out = dir.path().join("out");
        if command == "sweep" {
            args.extend(["--out", out.to_str().unwrap()]);
        }
        let message = error(&args);
        assert!(
            message.contains("bad_sweep.toml") && message.contains("sweep.vary[0]") && message.contains("whole number"),
            "{command}: {message}"
        );
    }
}

/// Every bundled file in `scenarios/` passes `check` (the shift-templates file too, described as templates), so a
/// file added there can never ship broken.
#[test]
fn every_bundled_scenario_file_passes_check() {
    let mut checked = 0;
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let output = callsim(&["check", path.to_str().unwrap()]);
            assert!(
                output.status.success(),
                "{}: {}",
                path.display(),
                String::from_utf8_lossy(&output.stderr)
            );
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} files checked");
    let output = callsim(&["check", "scenarios/shift_templates.toml"]);
    assert!(String::from_utf8_lossy(&output.stdout).contains("shift templates"));
}

const ERLANG_X: [&str; 20] = [
    "erlang",
    "x",
    "--calls",
    "240",
    "--per",
    "1h",
    "--aht",
    "3m",
    "--patience",
    "1m",
    "--lines",
    "100",
    "--agents",
    "14",
    "--redial",
    "0.5",
    "--redial-delay",
    "10m",
    "--answer-within",
    "20s",
];

/// The example through the real binary: the library's figures, both service levels named, and the
/// truncation reported.
#[test]
fn erlang_x_prints_the_library_figures_and_both_service_levels() {
    let mut args = ERLANG_X.to_vec();
    args.push("--json");
    let value = json(&args);
    let x = callsim::erlang::x::erlang_x(14, 100, 240.0 / 3600.0, 180.0, Some(60.0), 0.5, 600.0).unwrap();
    assert_eq!(value["model"], "erlang_x");
    for (key, expected) in [
        ("service_level", x.service_level(20.0)),
        ("service_level_virtual", x.service_level_virtual(20.0)),
        ("blocking_rate", x.blocking_rate),
        ("abandonment_rate", x.abandonment_rate),
        ("asa_s", x.asa_s),
        ("occupancy", x.occupancy),
        ("attempts_per_caller", x.attempts_per_caller),
        ("lost_share", x.lost_share),
        ("mean_orbit", x.mean_orbit),
    ] {
        // JSON text round-trips a float to within an ulp or so.
        let got = value[key].as_f64().unwrap();
        assert!(
            (got - expected).abs() <= 1e-14 * expected.abs(),
            "{key}: {got} vs {expected}"
        );
    }
    assert!(value["truncation"]["tail_mass"].as_f64().unwrap() <= 1e-9);
    assert!(value["truncation"]["orbit_levels"].as_u64().unwrap() > 0);
    let text = String::from_utf8(callsim(&ERLANG_X).stdout).unwrap();
    for words in [
        "answered / accepted",
        "virtual wait",
        "orbit truncated at",
        "attempts per fresh caller",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
}

/// Solving for targets gives the fewest agents on the given lines: one fewer misses a target.
#[test]
fn erlang_x_staffing_is_the_fewest_meeting_the_targets() {
    let value = json(&[
        "erlang",
        "x",
        "--calls",
        "240",
        "--aht",
        "3m",
        "--patience",
        "1m",
        "--lines",
        "30",
        "--redial",
        "0.5",
        "--redial-delay",
        "10m",
        "--target-sl",
        "0.8",
        "--max-abandon",
        "0.05",
        "--shrinkage",
        "0.3",
        "--json",
    ]);
    let agents = value["agents"].as_u64().unwrap() as u32;
    assert!(value["service_level"].as_f64().unwrap() >= 0.8);
    assert!(value["abandonment_rate"].as_f64().unwrap() <= 0.05);
    let fewer = callsim::erlang::x::erlang_x(agents - 1, 30, 240.0 / 3600.0, 180.0, Some(60.0), 0.5, 600.0).unwrap();
    assert!(fewer.service_level(20.0) < 0.8 || fewer.abandonment_rate > 0.05);
    assert_eq!(
        value["scheduled_agents"].as_u64(),
        Some(((agents as f64) / 0.7).ceil() as u64)
    );
    let table = json(&[
        "erlang",
        "x",
        "--calls",
        "240",
        "--aht",
        "3m",
        "--patience",
        "inf",
        "--lines",
        "20",
        "--json",
    ]);
    let rows = table["table"].as_array().unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|row| row["agents"].as_u64().unwrap() <= 20));
}

#[test]
fn erlang_x_bad_input_names_the_flag_and_what_is_allowed() {
    let with = |replace: &[(&str, &str)], drop: &[&str]| -> String {
        let mut args: Vec<&str> = Vec::new();
        let mut i = 0;
        while i < ERLANG_X.len() {
            let flag = ERLANG_X[i];
            if flag.starts_with("--") && i + 1 < ERLANG_X.len() {
                let value = replace
                    .iter()
                    .find(|(f, _)| *f == flag)
                    .map_or(ERLANG_X[i + 1], |(_, v)| *v);
                if !drop.contains(&flag) {
                    args.extend([flag, value]);
                }
                i += 2;
            } else {
                args.push(flag);
                i += 1;
            }
        }
        error(&args)
    };
    for (replace, drop, expected) in [
        (
            vec![("--redial", "1.5")],
            vec![],
            "--redial: must be a probability from 0 to 1",
        ),
        (
            vec![("--redial", "-0.1")],
            vec![],
            "--redial: must be a probability from 0 to 1",
        ),
        (
            vec![("--lines", "10")],
            vec![],
            "--lines: must be at least --agents (14), got 10",
        ),
        (vec![("--lines", "0")], vec![], "--lines: must be from 1 to"),
        (vec![], vec!["--lines"], "--lines: Erlang X needs the number of lines"),
        (vec![("--redial-delay", "-10m")], vec![], "negative"),
        (
            vec![("--redial-delay", "0s")],
            vec![],
            "--redial-delay: must be a duration longer than 0s",
        ),
        (vec![], vec!["--redial-delay"], "--redial-delay: give the mean delay"),
        (
            vec![("--patience", "0s")],
            vec![],
            "--patience: must be a duration longer than 0s, or inf",
        ),
        (vec![("--aht", "-3m")], vec![], "negative"),
        (
            vec![("--redial", "1"), ("--agents", "11")],
            vec![],
            "--redial: with redial probability 1 nobody is lost",
        ),
    ] {
        let message = with(&replace, &drop);
        assert!(message.contains(expected), "{replace:?} {drop:?}: {message}");
        assert!(!message.contains("panicked"), "{message}");
        // Our own checks print one line; clap's parse errors (negative durations) add its usual hint.
        assert!(message.lines().next().unwrap().contains(expected), "{message}");
        if message.starts_with("callsim: error") {
            assert_eq!(message.trim_end().lines().count(), 1, "one line: {message}");
        }
    }
    let help = String::from_utf8(callsim(&["erlang", "x", "--help"]).stdout).unwrap();
    for flag in [
        "--patience",
        "--lines",
        "--redial",
        "--redial-delay",
        "--max-abandon",
        "virtual",
        "Examples",
    ] {
        assert!(help.contains(flag), "{flag}: {help}");
    }
}
