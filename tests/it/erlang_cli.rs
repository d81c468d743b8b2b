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
