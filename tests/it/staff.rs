//! `callsim staff`: the Erlang method against `callsim erlang` interval by interval, the simulation method against
//! Erlang on long constant intervals, the group split, and bad input.

use callsim::erlang::Targets;
use callsim::staffing::{self, erlang, simulation, split};

use crate::common::{callsim, json, scenario};

/// A one-queue day in hourly intervals with `per_hour` calls, 100 s mean handle time and optional patience.
fn day_text(per_hour: &[u32], patience: Option<&str>) -> String {
    let list: Vec<String> = per_hour.iter().map(|n| n.to_string()).collect();
    let patience = patience.map_or(String::new(), |p| {
        format!("patience = {{ distribution = \"exponential\", mean = \"{p}\" }}\n")
    });
    format!(
        "name = \"staff test\"\nseed = 3\nreplications = 10\n\n[horizon]\nduration = \"{}h\"\ninterval = \"1h\"\n\
         opens_at = \"08:00\"\n\n[service_level]\nanswer_within = \"20s\"\ntarget = 0.8\n\n[[call_types]]\n\
         name = \"general\"\narrivals = {{ per_hour = [{}] }}\n\
         service = {{ distribution = \"exponential\", mean = \"100s\" }}\n{patience}\n\
         [[agent_groups]]\nname = \"agents\"\ncount = 10\nskills = [\"general\"]\n",
        per_hour.len(),
        list.join(", ")
    )
}

/// `staff --method erlang` asks, in every interval, exactly the agents `callsim erlang c|a` gives for that
/// interval's calls (real binary both sides), with and without patience; the zero-volume interval needs 0.
#[test]
fn erlang_method_equals_callsim_erlang_interval_by_interval() {
    let per_hour = [0, 60, 120, 200, 350, 90, 0, 500];
    for patience in [None, Some("300s")] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("day.toml");
        std::fs::write(&path, day_text(&per_hour, patience)).unwrap();
        let out = json(&callsim(&[
            "staff",
            path.to_str().unwrap(),
            "--json",
            "--target-sl",
            "0.85",
            "--answer-within",
            "15s",
        ]));
        assert_eq!(out["method"], "erlang");
        let rows = out["intervals"].as_array().unwrap();
        assert_eq!(rows.len(), per_hour.len());
        for (row, &calls) in rows.iter().zip(&per_hour) {
            let calls_arg = calls.to_string();
            let mut args = vec![
                "erlang",
                if patience.is_some() { "a" } else { "c" },
                "--calls",
                &calls_arg,
                "--per",
                "1h",
                "--aht",
                "100s",
                "--target-sl",
                "0.85",
                "--answer-within",
                "15s",
                "--json",
            ];
            if let Some(p) = patience {
                args.extend(["--patience", p]);
            }
            let expected = json(&callsim(&args))["agents"].as_u64().unwrap();
            assert_eq!(
                row["required"].as_u64().unwrap(),
                expected,
                "interval {} ({calls} calls, patience {patience:?})",
                row["interval_start"]
            );
            if calls == 0 {
                assert_eq!(expected, 0);
            }
        }
        assert_eq!(rows[0]["interval_start"], "08:00");
        assert_eq!(rows[3]["interval_start"], "11:00");
    }
}

/// Two constant 10-hour intervals (100 then 250 calls per hour, no patience): the simulation method agrees with
/// Erlang C within one agent in the first interval (far from any step) and, where demand steps up, asks for at
/// least Erlang's answer minus one. A zero-volume third interval needs 0 in both methods.
#[test]
fn simulation_agrees_with_erlang_on_long_constant_intervals() {
    let text = "name = \"steps\"\nseed = 11\nreplications = 20\n\n[horizon]\nduration = \"21h\"\ninterval = \"7h\"\n\
                opens_at = \"00:00\"\n\n[service_level]\nanswer_within = \"20s\"\ntarget = 0.8\n\n[[call_types]]\n\
                name = \"general\"\narrivals = { per_hour = [100, 250, 0] }\n\
                service = { distribution = \"exponential\", mean = \"100s\" }\n\n[[agent_groups]]\nname = \"a\"\n\
                count = 12\nskills = [\"general\"]\n";
    let s = scenario(text);
    let targets = Targets {
        service_level: Some((0.8, 20.0)),
        ..Targets::default()
    };
    let erlang_plan = erlang::plan(&s, &targets).unwrap();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let sim = pool.install(|| simulation::plan(&s, &targets, 0.5, 20, &erlang_plan, &|_| {}));
    let e: Vec<u32> = erlang_plan.intervals.iter().map(|i| i.total()).collect();
    let m: Vec<u32> = sim.intervals.iter().map(|i| i.total()).collect();
    assert!(
        e[0].abs_diff(m[0]) <= 1,
        "constant interval: erlang {} simulation {}",
        e[0],
        m[0]
    );
    assert!(m[1] + 1 >= e[1], "step up: erlang {} simulation {}", e[1], m[1]);
    assert!(
        m[1] <= e[1] + 1,
        "long interval after the step: erlang {} simulation {}",
        e[1],
        m[1]
    );
    assert_eq!((e[2], m[2]), (0, 0));
    assert!(sim.intervals.iter().all(|i| i.met));
}

/// The group split gives every agent to some serving group, in proportion, and nothing to a group without load.
#[test]
fn split_adds_up_and_follows_the_shares() {
    assert_eq!(split(10, &[0.5, 0.5]), vec![5, 5]);
    assert_eq!(split(7, &[0.7, 0.3, 0.0]), vec![5, 2, 0]);
    assert_eq!(split(0, &[0.0, 0.0]), vec![0, 0]);
    let parts = split(13, &[0.2, 0.45, 0.35]);
    assert_eq!(parts.iter().sum::<u32>(), 13);
}

/// Bad input is refused with the flag's name and what is allowed; no target at all is an error too.
#[test]
fn bad_targets_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("day.toml");
    std::fs::write(&path, day_text(&[100, 200], None)).unwrap();
    let p = path.to_str().unwrap();
    for (flag, value, words) in [
        (
            "--target-sl",
            "1.5",
            "--target-sl: must be a share above 0 and below 1, got 1.5",
        ),
        (
            "--target-sl",
            "0",
            "--target-sl: must be a share above 0 and below 1, got 0",
        ),
        (
            "--max-abandon",
            "1",
            "--max-abandon: must be a share above 0 and below 1",
        ),
        (
            "--max-occupancy",
            "0",
            "--max-occupancy: must be a share above 0 and at most 1",
        ),
        (
            "--confidence",
            "0",
            "--confidence: must be a share above 0 and at most 1",
        ),
        ("--shrinkage", "1", "--shrinkage: must be a share from 0 to below 1"),
    ] {
        let out = callsim(&["staff", p, "--json", flag, value]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}: {stderr}");
        assert!(stderr.contains(words), "{flag} {value}: {stderr}");
    }
    let err = staffing::check_targets(&Targets::default()).unwrap_err();
    assert!(err.contains("--target-sl") && err.contains("no target"), "{err}");
}
