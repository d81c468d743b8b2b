//! The real `callsim` binary: determinism, JSON contract, exit codes, errors.

use std::path::Path;
use std::process::Command;

use crate::common::{callsim, json, stdout};

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

/// Files and folders whose names start with `.callsim` (staging folders, temporary files) inside `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".callsim") || n.contains(".partial"))
                .collect()
        })
        .unwrap_or_default()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn an_unwritable_output_folder_fails_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain_file");
    std::fs::write(&file, "not a folder").unwrap();
    let out = file.join("out");
    // 100,000 replications take minutes; the error must come at once.
    for command in [
        vec!["run", "scenarios/erlang_c_textbook.toml", "-r", "100000"],
        vec![
            "sweep",
            "scenarios/erlang_c_textbook.toml",
            "--vary",
            "agent_groups.agents.count=12:13",
            "-r",
            "100000",
        ],
        vec![
            "compare",
            "scenarios/erlang_c_textbook.toml",
            "--vary",
            "agent_groups.agents.count=12:13",
            "-r",
            "100000",
        ],
    ] {
        let started = std::time::Instant::now();
        let mut args = command.clone();
        args.extend(["--out", out.to_str().unwrap()]);
        let output = callsim(&args);
        assert_eq!(output.status.code(), Some(2), "{command:?}");
        assert!(started.elapsed().as_secs_f64() < 5.0, "{command:?} simulated first");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("plain_file"), "{command:?}: {stderr}");
    }
}

#[test]
fn a_sweep_replaces_the_earlier_sweep_files_and_keeps_others() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    std::fs::write(dir.path().join("summary.csv"), "a run's file").unwrap();
    let sweep = |scenario: &str, vary: &str, metric: &str| {
        stdout(&callsim(&[
            "sweep", scenario, "--vary", vary, "-r", "2", "--metric", metric, "--out", out,
        ]))
    };
    sweep(
        "scenarios/vip_priority.toml",
        "agent_groups.operators.count=14:15",
        "service_level",
    );
    assert!(dir.path().join("sweep_abandonment.svg").exists());
    assert!(dir.path().join("sweep_service_level_by_call_type.png").exists());
    // Another scenario without patience, another metric: none of the first sweep's charts may stay.
    let text = sweep(
        "scenarios/erlang_c_textbook.toml",
        "agent_groups.agents.count=12:13",
        "asa_s",
    );
    let mut expected = vec!["notes.txt".to_string(), "summary.csv".into(), "sweep.csv".into()];
    for chart in [
        "sweep_asa",
        "sweep_asa_s_by_call_type",
        "sweep_service_level",
        "sweep_wait_percentiles",
    ] {
        expected.push(format!("{chart}.png"));
        expected.push(format!("{chart}.svg"));
    }
    expected.sort();
    assert_eq!(names_in(dir.path()), expected, "no abandonment chart without patience");
    let csv = std::fs::read_to_string(dir.path().join("sweep.csv")).unwrap();
    assert!(csv.starts_with("agent_groups.agents.count,"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("summary.csv")).unwrap(),
        "a run's file"
    );
    for file in expected.iter().filter(|n| n.starts_with("sweep")) {
        assert!(
            text.contains(&format!("wrote {}", dir.path().join(file).display())),
            "{text}"
        );
    }
}

/// The files `run` publishes for a scenario without busyness or absenteeism, sorted.
const RUN_FILES: [&str; 6] = [
    "groups.csv",
    "intervals.csv",
    "intraday.png",
    "intraday.svg",
    "replications.csv",
    "summary.csv",
];

#[test]
fn a_run_publishes_both_files_or_neither_and_still_prints_its_table() {
    let dir = tempfile::tempdir().unwrap();
    // groups.csv cannot be replaced: a folder holds its name.
    std::fs::create_dir(dir.path().join("groups.csv")).unwrap();
    let output = callsim(&[
        "run",
        "scenarios/erlang_c_textbook.toml",
        "-r",
        "2",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("groups.csv"), "{stderr}");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Erlang C (M/M/c)"), "the results are printed: {text}");
    assert!(!text.contains("wrote"), "{text}");
    assert!(
        !dir.path().join("summary.csv").exists(),
        "summary.csv without groups.csv"
    );
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    // Once the obstacle is gone, both appear and the table names both.
    std::fs::remove_dir(dir.path().join("groups.csv")).unwrap();
    let text = stdout(&callsim(&[
        "run",
        "scenarios/erlang_c_textbook.toml",
        "-r",
        "2",
        "--out",
        dir.path().to_str().unwrap(),
    ]));
    assert!(text.contains("summary.csv") && text.contains("groups.csv"), "{text}");
    assert_eq!(names_in(dir.path()), RUN_FILES);
}

#[test]
fn concurrent_commands_into_one_folder_never_mix_their_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let spawn = |args: Vec<String>| {
        Command::new(env!("CARGO_BIN_EXE_callsim"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let runs: Vec<_> = (1..=6)
        .map(|seed| {
            let args = [
                "run",
                "scenarios/multi_skill.toml",
                "-r",
                "2",
                "--json",
                "--out",
                out,
                "-s",
            ];
            let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            args.push(seed.to_string());
            spawn(args)
        })
        .collect();
    let sweeps: Vec<_> = (1..=4)
        .map(|seed| {
            let args = [
                "sweep",
                "scenarios/abandonment.toml",
                "--vary",
                "agent_groups.agents.count=12:13",
                "-r",
                "2",
                "--out",
                out,
                "-s",
            ];
            let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            args.push(seed.to_string());
            spawn(args)
        })
        .collect();
    let reports: Vec<serde_json::Value> = runs.into_iter().map(|c| json(&c.wait_with_output().unwrap())).collect();
    for sweep in sweeps {
        stdout(&sweep.wait_with_output().unwrap());
    }
    // summary.csv and groups.csv come from the same run: find it by its total offered calls.
    let number = |text: &str, row: &str, column: usize| -> f64 {
        let line = text.lines().find(|l| l.starts_with(row)).unwrap();
        line.split(',').nth(column).unwrap().parse().unwrap()
    };
    let summary = std::fs::read_to_string(dir.path().join("summary.csv")).unwrap();
    let groups = std::fs::read_to_string(dir.path().join("groups.csv")).unwrap();
    let offered = number(&summary, "total,", 1);
    let run = reports
        .iter()
        .find(|r| r["total"]["offered"]["mean"].as_f64() == Some(offered))
        .expect("summary.csv is one run's");
    let (name, group) = run["agent_groups"].as_object().unwrap().iter().next().unwrap();
    assert_eq!(
        number(&groups, &format!("{name},"), 2),
        group["occupancy"]["mean"].as_f64().unwrap(),
        "groups.csv is from the same run as summary.csv"
    );
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    let charts = names_in(dir.path()).iter().filter(|n| n.starts_with("sweep_")).count();
    assert_eq!(charts, 10, "one sweep's five charts, SVG and PNG");
}

#[test]
fn an_interrupted_sweep_leaves_no_temporary_files() {
    for signal in ["-INT", "-TERM"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let mut child = Command::new(env!("CARGO_BIN_EXE_callsim"))
            .args([
                "sweep",
                "scenarios/vip_priority.toml",
                "--vary",
                "agent_groups.operators.count=10:30",
                "-r",
                "5000",
                "--out",
                out.to_str().unwrap(),
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while leftovers(&out).is_empty() && started.elapsed().as_secs() < 20 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(
            !leftovers(&out).is_empty(),
            "the sweep stages its files in the output folder"
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
        let killed = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "{signal}: {status:?}");
        assert_eq!(names_in(&out), Vec::<String>::new(), "{signal}: nothing survives");
    }
}

#[test]
fn staging_folders_of_killed_processes_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    // No process has this id (Linux allows at most 4194304).
    let abandoned = dir.path().join(".callsim-staging-999999999-x1y2z3");
    std::fs::create_dir(&abandoned).unwrap();
    std::fs::write(abandoned.join("sweep.csv"), "half").unwrap();
    stdout(&callsim(&[
        "run",
        "scenarios/erlang_c_textbook.toml",
        "-r",
        "2",
        "--out",
        dir.path().to_str().unwrap(),
    ]));
    assert_eq!(names_in(dir.path()), RUN_FILES);
}

#[test]
fn files_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let script = format!(
        "umask 027 && {bin} run scenarios/erlang_c_textbook.toml -r 2 --out {out} >/dev/null && \
         {bin} sweep scenarios/erlang_c_textbook.toml --vary agent_groups.agents.count=12:13 -r 2 --out {out} >/dev/null",
        bin = env!("CARGO_BIN_EXE_callsim")
    );
    let status = Command::new("sh")
        .args(["-c", &script])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success());
    for name in [
        "summary.csv",
        "groups.csv",
        "sweep.csv",
        "sweep_asa.svg",
        "sweep_asa.png",
    ] {
        let mode = std::fs::metadata(dir.path().join(name)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640, "{name}: {mode:o}");
    }
}

#[test]
fn json_writes_files_only_when_out_is_given() {
    let cwd = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let scenario = format!("{root}/scenarios/vip_priority.toml");
    for args in [
        vec!["run", &scenario, "-r", "2", "--json"],
        vec![
            "compare",
            &scenario,
            "--vary",
            "routing.queue=fifo,priority",
            "-r",
            "2",
            "--json",
        ],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_callsim"))
            .args(&args)
            .current_dir(cwd.path())
            .output()
            .unwrap();
        json(&output);
        assert_eq!(names_in(cwd.path()), Vec::<String>::new(), "{args:?} wrote files");
    }
}

#[test]
fn threads_and_replications_name_their_real_limits() {
    for args in [
        vec!["run", "scenarios/erlang_c_textbook.toml", "-r", "99999999999"],
        vec![
            "sweep",
            "scenarios/erlang_c_textbook.toml",
            "--vary",
            "routing.queue=fifo",
            "-r",
            "99999999999",
        ],
        vec![
            "compare",
            "scenarios/erlang_c_textbook.toml",
            "--vary",
            "routing.queue=fifo,priority",
            "-r",
            "0",
        ],
        vec!["run", "scenarios/erlang_c_textbook.toml", "--threads", "100000"],
        vec![
            "sweep",
            "scenarios/erlang_c_textbook.toml",
            "--vary",
            "routing.queue=fifo",
            "--threads",
            "0",
        ],
    ] {
        let started = std::time::Instant::now();
        let output = callsim(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(started.elapsed().as_secs_f64() < 5.0, "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let limit = if args.contains(&"--threads") {
            "from 1 to 256"
        } else {
            "from 1 to 100000"
        };
        assert!(stderr.contains(limit), "{args:?}: {stderr}");
        assert!(!stderr.contains("4294967295"), "{args:?}: {stderr}");
    }
}

#[test]
fn warnings_go_to_stderr_once_per_kind() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let text = std::fs::read_to_string("scenarios/erlang_c_textbook.toml").unwrap();
    let overloaded = dir.path().join("overloaded.toml");
    std::fs::write(&overloaded, text.replace("count = 12", "count = 9")).unwrap();
    let output = callsim(&[
        "run",
        overloaded.to_str().unwrap(),
        "-r",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!stdout(&output).contains("warning"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning") && stderr.contains("offered load"),
        "{stderr}"
    );
    let value = json(&callsim(&["run", overloaded.to_str().unwrap(), "-r", "2", "--json"]));
    assert_eq!(
        value["warnings"].as_array().unwrap().len(),
        1,
        "the JSON keeps its warnings"
    );
    let output = callsim(&[
        "sweep",
        "scenarios/erlang_c_textbook.toml",
        "--vary",
        "agent_groups.agents.count=8:12",
        "-r",
        "2",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!stdout(&output).contains("warning"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("warning") && l.contains("offered load"))
        .collect();
    assert_eq!(lines.len(), 1, "one line per kind: {stderr}");
    assert!(
        lines[0].contains("3 points") && lines[0].contains("count=8") && lines[0].contains("count=10"),
        "{stderr}"
    );
    assert!(!lines[0].contains("count=11"), "{stderr}");
}

#[test]
fn a_broken_pipe_exits_quietly() {
    // Output far beyond a pipe's buffer, read by nobody: every write after the first 64 KiB meets EPIPE.
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_callsim"))
        .args([
            "sweep",
            "scenarios/abandonment.toml",
            "--vary",
            "call_types.general.arrivals.per_hour=1:3000",
            "-r",
            "1",
            "--no-plots",
            "--out",
            dir.path().to_str().unwrap(),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn a_large_sweep_runs_in_bounded_memory() {
    // 5,000 points x 20 replications with three wait histograms each (about 10 KiB apiece): holding them all
    // until the end needs about 3 GB; reducing each point as it completes needs about 100 MB. The run gets 1 GB
    // of address space.
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("tiny.toml");
    std::fs::write(
        &scenario,
        r#"
name = "tiny"
[horizon]
duration = "30m"
[[call_types]]
name = "a"
arrivals = { per_hour = 100 }
service = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "2m" }
[[call_types]]
name = "b"
arrivals = { per_hour = 60 }
service = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "2m" }
[[agent_groups]]
name = "g"
count = 8
skills = ["a", "b"]
"#,
    )
    .unwrap();
    let script = format!(
        "ulimit -v 1000000 && {bin} sweep {scenario} --vary agent_groups.g.count=1:50 \
         --vary call_types.b.arrivals.per_hour=1:100 -r 20 --no-plots --threads 2 --out {out} >/dev/null",
        bin = env!("CARGO_BIN_EXE_callsim"),
        scenario = scenario.display(),
        out = dir.path().join("out").display(),
    );
    let output = Command::new("sh").args(["-c", &script]).output().unwrap();
    assert!(
        output.status.success(),
        "{:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let csv = std::fs::read_to_string(dir.path().join("out/sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 5000 * 3);
}
