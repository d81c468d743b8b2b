//! The bundled hotline as a user meets it: `check` describes the callers, `run` reports people beside attempts in
//! every output, identically at any thread count.

use crate::common::{callsim, json, stdout};

#[test]
fn check_describes_what_the_callers_do() {
    let text = stdout(&callsim(&["check", "scenarios/hotline.toml"]));
    for part in [
        "queue: at most 8 callers on hold",
        "callers of general: after 3m00s on hold they leave a message",
        "60% redial after abandoning or a busy tone",
        "80% resolved at first contact, the rest call back as repeat",
        "told the expected wait, they hang up: 10% over 1m00s, 33% over 3m00s",
        "repeat     none of its own",
    ] {
        assert!(text.contains(part), "check does not say {part:?}:\n{text}");
    }
}

#[test]
fn the_hotline_reports_people_beside_attempts_everywhere() {
    let dir = std::env::temp_dir().join(format!("callsim-hotline-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = dir.to_str().unwrap();
    let report = json(&callsim(&[
        "run",
        "scenarios/hotline.toml",
        "-r",
        "20",
        "--json",
        "--out",
        out,
    ]));
    let total = &report["total"];
    for key in [
        "blocked",
        "messages",
        "disconnected",
        "balked",
        "redials",
        "repeats",
        "callers",
        "attempts_per_caller",
        "callers_answered",
        "callers_lost",
        "caller_wait_s",
        "first_contact_resolution",
        "repeat_share",
    ] {
        assert!(total[key]["mean"].is_number(), "total.{key}: {}", total[key]);
    }
    let mean = |key: &str| total[key]["mean"].as_f64().unwrap();
    assert!(mean("blocked") > 0.0 && mean("messages") > 0.0 && mean("balked") > 0.0);
    assert!(mean("redials") > 0.0 && mean("repeats") > 0.0);
    assert!(
        mean("callers") < mean("offered") + mean("blocked"),
        "fewer people than attempts"
    );
    assert!((mean("callers_answered") + mean("callers_lost") - 1.0).abs() < 1e-9);
    let interval = &report["intervals"][3]["total"];
    for key in [
        "blocked",
        "messages",
        "disconnected",
        "balked",
        "redials",
        "repeats",
        "callers",
    ] {
        assert!(interval[key]["mean"].is_number(), "intervals[3].total.{key}");
    }
    let day = &report["days"][0]["total"];
    for key in [
        "offered",
        "blocked",
        "messages",
        "redials",
        "repeats",
        "callers",
        "callers_served",
    ] {
        assert!(day[key].is_u64(), "days[0].total.{key}: {day}");
    }
    let replications = std::fs::read_to_string(dir.join("replications.csv")).unwrap();
    let header: Vec<&str> = replications.lines().next().unwrap().split(',').collect();
    for column in [
        "blocked",
        "messages",
        "disconnected",
        "balked",
        "redials",
        "repeats",
        "callers",
    ] {
        assert!(header.contains(&column), "replications.csv lacks {column}");
    }
    let intervals = std::fs::read_to_string(dir.join("intervals.csv")).unwrap();
    assert!(intervals.lines().next().unwrap().contains(",redials,"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_hotline_is_the_same_on_one_thread_and_on_two() {
    let run = |threads: &str| {
        stdout(&callsim(&[
            "run",
            "scenarios/hotline.toml",
            "-r",
            "12",
            "--json",
            "--threads",
            threads,
        ]))
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn tables_show_caller_behaviour_only_where_it_is_modelled() {
    let dir = std::env::temp_dir().join(format!("callsim-tables-{}", std::process::id()));
    let out = dir.to_str().unwrap();
    let hotline = stdout(&callsim(&["run", "scenarios/hotline.toml", "-r", "4", "--out", out]));
    assert!(hotline.contains("callers_answered"), "{hotline}");
    let textbook = stdout(&callsim(&[
        "run",
        "scenarios/erlang_c_textbook.toml",
        "-r",
        "4",
        "--json",
    ]));
    assert!(
        textbook.contains("\"callers_answered\""),
        "JSON always has every metric"
    );
    let table = stdout(&callsim(&[
        "run",
        "scenarios/erlang_c_textbook.toml",
        "-r",
        "4",
        "--out",
        out,
    ]));
    assert!(!table.contains("callers_answered"), "{table}");
    let _ = std::fs::remove_dir_all(&dir);
}
