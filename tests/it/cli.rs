//! The real `callsim` binary: determinism, JSON contract, exit codes, errors.

use std::path::Path;
use std::process::{Command, Output};

fn callsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(output)).expect("stdout is one JSON object")
}

#[test]
fn run_json_has_the_contracted_keys() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let value = json(&callsim(&[
        "run",
        "scenarios/vip_priority.toml",
        "-r",
        "3",
        "--json",
        "--out",
        out,
    ]));
    assert_eq!(value["scenario"], "VIP priority");
    assert_eq!(value["replications"], 3);
    for key in [
        "offered",
        "answered",
        "abandoned",
        "service_level",
        "p_wait",
        "asa_s",
        "mean_wait_s",
        "abandonment_rate",
        "wait_p50_s",
        "wait_p90_s",
        "wait_p99_s",
        "mean_queue_length",
        "occupancy",
    ] {
        assert!(value["total"][key]["mean"].is_number(), "total.{key}");
        assert!(value["total"][key]["ci95"].is_number(), "total.{key}.ci95");
        assert!(value["call_types"]["vip"][key]["mean"].is_number(), "vip.{key}");
    }
    assert!(value["agent_groups"]["operators"]["occupancy"]["mean"].is_number());
    assert!(value["agent_groups"]["operators"]["calls_handled"]["ci95"].is_number());
    let csv = std::fs::read_to_string(Path::new(out).join("summary.csv")).unwrap();
    assert!(csv.starts_with("call_type,offered,offered_ci95,"));
    assert_eq!(csv.lines().count(), 4, "vip, regular, total plus header");
}

#[test]
fn same_seed_same_bytes_whatever_the_threads_and_another_seed_differs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let run = |seed: &str, threads: &str| {
        stdout(&callsim(&[
            "run",
            "scenarios/multi_skill.toml",
            "-r",
            "6",
            "--json",
            "--out",
            out,
            "--seed",
            seed,
            "--threads",
            threads,
        ]))
    };
    let one = run("4", "1");
    assert_eq!(one, run("4", "2"));
    assert_eq!(one, run("4", "1"));
    assert_ne!(one, run("5", "2"));
}

#[test]
fn table_shows_theory_beside_simulation() {
    let dir = tempfile::tempdir().unwrap();
    let text = stdout(&callsim(&[
        "run",
        "scenarios/erlang_c_textbook.toml",
        "-r",
        "2",
        "--out",
        dir.path().to_str().unwrap(),
    ]));
    assert!(text.contains("Erlang C (M/M/c)") && text.contains("44.9%"), "{text}");
    let value = json(&callsim(&[
        "run",
        "scenarios/abandonment.toml",
        "-r",
        "2",
        "--json",
        "--out",
        dir.path().to_str().unwrap(),
    ]));
    assert_eq!(value["theory"]["model"], "Erlang A (M/M/c+M)");
}

#[test]
fn bad_scenario_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "name = \"x\"\nreplications = 0\n[horizon]\nduration = \"1h\"\n[[call_types]]\nname=\"a\"\narrivals={per_hour=1}\nservice={distribution=\"exponential\",mean=\"1m\"}\n[[agent_groups]]\nname=\"g\"\ncount=1\nskills=[\"a\"]\n").unwrap();
    let output = callsim(&["run", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("bad.toml") && stderr.contains("replications"),
        "{stderr}"
    );
    assert!(!dir.path().join("summary.csv").exists());
}

#[test]
fn erlang_c_solves_the_published_example() {
    let value = json(&callsim(&[
        "erlang",
        "c",
        "--calls",
        "100",
        "--per",
        "30m",
        "--aht",
        "180s",
        "--answer-within",
        "20s",
        "--target-sl",
        "0.8",
        "--shrinkage",
        "0.3",
        "--json",
    ]));
    assert_eq!(value["model"], "erlang_c");
    assert_eq!(value["agents"], 14);
    assert_eq!(value["scheduled_agents"], 20);
    assert!((value["p_wait"].as_f64().unwrap() - 0.1741).abs() < 1e-4);
    assert!((value["service_level"].as_f64().unwrap() - 0.8884).abs() < 1e-4);
    assert!((value["asa_s"].as_f64().unwrap() - 7.83).abs() < 0.01);
    assert!((value["occupancy"].as_f64().unwrap() - 0.714).abs() < 1e-3);
    for key in ["load_erlangs", "mean_queue_length"] {
        assert!(value[key].is_number(), "{key}");
    }
}

#[test]
fn erlang_a_and_b_answer_in_json() {
    let a = json(&callsim(&[
        "erlang",
        "a",
        "--calls",
        "100",
        "--per",
        "30m",
        "--aht",
        "180s",
        "--patience",
        "5m",
        "--agents",
        "13",
        "--json",
    ]));
    assert!((a["p_abandon"].as_f64().unwrap() - 0.025).abs() < 1e-3);
    assert!(a["mean_wait_s"].is_number());
    let b = json(&callsim(&[
        "erlang",
        "b",
        "--calls",
        "17",
        "--per",
        "1h",
        "--aht",
        "1h",
        "--target-blocking",
        "0.01",
        "--json",
    ]));
    assert_eq!(b["lines"], 27);
    assert!(b["blocking"].as_f64().unwrap() <= 0.01);
}

#[test]
fn erlang_without_target_prints_the_classic_table() {
    let text = stdout(&callsim(&[
        "erlang", "c", "--calls", "100", "--per", "30m", "--aht", "180s",
    ]));
    assert!(
        text.contains("agents") && text.contains("service level") && text.lines().count() > 10,
        "{text}"
    );
}

#[test]
fn erlang_bad_flags_exit_2_naming_the_flag() {
    for (args, flag) in [
        (
            vec!["erlang", "c", "--calls", "-5", "--aht", "3m", "--agents", "3"],
            "--calls",
        ),
        (
            vec!["erlang", "c", "--calls", "5", "--aht", "0s", "--agents", "3"],
            "--aht",
        ),
        (
            vec!["erlang", "c", "--calls", "100", "--aht", "3m", "--target-sl", "1.2"],
            "--target-sl",
        ),
        (
            vec!["erlang", "c", "--calls", "100", "--aht", "3m", "--target-sl", "1.0"],
            "--target-sl",
        ),
        (
            vec![
                "erlang",
                "c",
                "--calls",
                "100",
                "--aht",
                "3m",
                "--max-occupancy",
                "0.000001",
            ],
            "cannot be met",
        ),
        (
            vec!["erlang", "a", "--calls", "100", "--aht", "3m", "--agents", "3"],
            "--patience",
        ),
    ] {
        let output = callsim(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
    }
}

#[test]
fn sweep_writes_a_tidy_csv_and_charts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let text = stdout(&callsim(&[
        "sweep",
        "scenarios/vip_priority.toml",
        "--vary",
        "agent_groups.operators.count=14:16",
        "--vary",
        "routing.queue=fifo,priority",
        "-r",
        "3",
        "--out",
        out,
    ]));
    assert!(text.contains("6 points"), "{text}");
    let csv = std::fs::read_to_string(dir.path().join("sweep.csv")).unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("agent_groups.operators.count,routing.queue,call_type,offered,offered_ci95,"),
        "{header}"
    );
    assert_eq!(lines.count(), 6 * 3, "six points times vip, regular, total");
    for chart in [
        "sweep_service_level",
        "sweep_asa",
        "sweep_abandonment",
        "sweep_wait_percentiles",
    ] {
        for ext in ["svg", "png"] {
            assert!(
                dir.path().join(format!("{chart}.{ext}")).metadata().unwrap().len() > 2000,
                "{chart}.{ext}"
            );
        }
    }
}

#[test]
fn sweep_axes_can_come_from_the_scenario_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("with_sweep.toml");
    let base = std::fs::read_to_string("scenarios/abandonment.toml").unwrap();
    std::fs::write(
        &path,
        format!("{base}\n[sweep]\nvary = [\"agent_groups.agents.count=12:13\"]\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    stdout(&callsim(&[
        "sweep",
        path.to_str().unwrap(),
        "-r",
        "2",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]));
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert!(csv.starts_with("agent_groups.agents.count,call_type,"));
    assert_eq!(csv.lines().count(), 1 + 2 * 2);
}

#[test]
fn compare_reports_paired_differences() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let value = json(&callsim(&[
        "compare",
        "scenarios/vip_priority.toml",
        "--vary",
        "routing.queue=fifo,priority",
        "-r",
        "10",
        "--json",
        "--out",
        out,
    ]));
    assert_eq!(value["baseline"], "fifo");
    let rows = value["rows"].as_array().unwrap();
    let vip_asa = rows
        .iter()
        .find(|r| r["call_type"] == "vip" && r["metric"] == "asa_s")
        .expect("a vip ASA row");
    assert!(
        vip_asa["difference"]["mean"].as_f64().unwrap() < 0.0,
        "priority must cut VIP waits"
    );
    assert_eq!(vip_asa["significant"], true);
    assert!(dir.path().join("compare.csv").exists() && dir.path().join("compare.png").exists());
}

#[test]
fn bad_vary_exits_2_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never");
    let output = callsim(&[
        "sweep",
        "scenarios/vip_priority.toml",
        "--vary",
        "agent_groups.operators.count=20:10",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--vary") && stderr.contains("empty"), "{stderr}");
    assert!(!out.exists(), "nothing may be written on bad input");
}

#[test]
fn erlang_c_with_lines_is_mmck() {
    let value = json(&callsim(&[
        "erlang", "c", "--calls", "300", "--per", "1h", "--aht", "1m", "--agents", "5", "--lines", "8", "--json",
    ]));
    let exact = callsim::erlang::mmck(5, 8, 300.0 / 3600.0, 60.0);
    assert_eq!(value["model"], "mmck");
    assert!((value["blocking"].as_f64().unwrap() - exact.blocking).abs() < 1e-12);
    assert!((value["asa_s"].as_f64().unwrap() - exact.mean_wait).abs() < 1e-9);
    let output = callsim(&[
        "erlang", "c", "--calls", "300", "--aht", "1m", "--agents", "5", "--lines", "4",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--lines"));
}

#[test]
fn check_describes_a_scenario_without_simulating() {
    let text = stdout(&callsim(&["check", "scenarios/multi_skill.toml"]));
    assert!(text.contains("offered load 17.00 erlangs on 19 agents"), "{text}");
    assert!(text.contains("technical, billing"), "{text}");
    let output = callsim(&["check", "tests/data/does_not_exist.toml"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn theory_is_marked_approximate_when_assumptions_break() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let value = json(&callsim(&[
        "run",
        "scenarios/lognormal_service.toml",
        "-r",
        "2",
        "--json",
        "--out",
        out,
    ]));
    assert_eq!(value["theory"]["exact"], false);
    assert!(value["theory"]["note"].as_str().unwrap().contains("lognormal"));
    let value = json(&callsim(&[
        "run",
        "scenarios/abandonment.toml",
        "-r",
        "2",
        "--json",
        "--out",
        out,
    ]));
    assert_eq!(value["theory"]["exact"], true);
}

#[test]
fn the_issue_example_scenario_runs_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let value = json(&callsim(&[
        "run",
        "tests/data/issue_example.toml",
        "--json",
        "--out",
        dir.path().to_str().unwrap(),
    ]));
    assert_eq!(value["scenario"], "Erlang C textbook case");
    assert_eq!(value["replications"], 10);
    assert_eq!(value["theory"]["model"], "Erlang A (M/M/c+M)");
    assert!(value["total"]["abandonment_rate"]["mean"].as_f64().unwrap() > 0.0);
    assert!(dir.path().join("summary.csv").exists());
}
