//! A sharded sweep on a real Slurm cluster: `--emit slurm` writes the array and merge scripts, `submit.sh`
//! submits them, and the merged files equal a run on one machine byte for byte.
//!
//! The cluster is the one `.ci/slurm/start.sh` starts (CI does so in `.ci/run`); the test finds it through
//! `SLURM_CONF`, else the start script's default folder. With `CI` set the test fails when there is no cluster;
//! elsewhere it says on stderr that it skipped.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::callsim;
use crate::shards::assert_same_files;

/// The configuration of a running Slurm cluster, or why there is none.
fn cluster() -> Result<PathBuf, String> {
    let conf = std::env::var_os("SLURM_CONF")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/callsim-slurm/slurm.conf"));
    if !conf.exists() {
        return Err(format!(
            "no Slurm configuration at {} (start a cluster with .ci/slurm/start.sh)",
            conf.display()
        ));
    }
    let state = Command::new("sinfo")
        .args(["-h", "-N", "-o", "%T"])
        .env("SLURM_CONF", &conf)
        .output()
        .map_err(|e| format!("sinfo cannot run ({e}): install slurm-wlm and munge"))?;
    let nodes = String::from_utf8_lossy(&state.stdout);
    if !state.status.success() || !nodes.lines().any(|s| s.starts_with("idle") || s.starts_with("mix")) {
        return Err(format!(
            "no idle Slurm node (sinfo: {} {})",
            nodes.trim(),
            String::from_utf8_lossy(&state.stderr).trim()
        ));
    }
    Ok(conf)
}

/// Runs a Slurm client command against the test's cluster.
fn slurm(conf: &Path, program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .env("SLURM_CONF", conf)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"))
}

#[test]
fn a_sweep_runs_as_a_slurm_array_and_merges_to_the_bytes_of_one_run() {
    let conf = match cluster() {
        Ok(conf) => conf,
        Err(why) if std::env::var_os("CI").is_some() => panic!("CI must run the Slurm test: {why}"),
        Err(why) => {
            // Straight to stderr, past the test harness's capture, so that the skip is seen.
            let _ = writeln!(
                std::io::stderr(),
                "skipped a_sweep_runs_as_a_slurm_array_and_merges_to_the_bytes_of_one_run: {why}"
            );
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let (local, sharded) = (dir.path().join("local"), dir.path().join("slurm"));
    let sweep = [
        "sweep",
        "scenarios/vip_priority.toml",
        "--vary",
        "agent_groups.operators.count=13:15",
        "--vary",
        "routing.queue=fifo,priority",
        "-r",
        "5",
    ];
    let mut args = sweep.to_vec();
    args.extend(["--out", local.to_str().unwrap()]);
    assert!(callsim(&args).status.success());
    let mut args = sweep.to_vec();
    args.extend([
        "--out",
        sharded.to_str().unwrap(),
        "--emit",
        "slurm",
        "--shards",
        "4",
        "--time-limit",
        "10m",
        "--memory",
        "256M",
    ]);
    let emitted = callsim(&args);
    assert!(emitted.status.success(), "{}", String::from_utf8_lossy(&emitted.stderr));
    let submit = slurm(&conf, "sh", &[sharded.join("slurm/submit.sh").to_str().unwrap()]);
    assert!(
        submit.status.success(),
        "submit.sh: {}",
        String::from_utf8_lossy(&submit.stderr)
    );
    let ids: Vec<String> = String::from_utf8(submit.stdout)
        .unwrap()
        .split_whitespace()
        .map(String::from)
        .collect();
    assert_eq!(
        ids.len(),
        2,
        "submit.sh prints the array's and the merge's job ids: {ids:?}"
    );
    // Wait until neither job is known to squeue any more (an error: purged, so done).
    let started = Instant::now();
    loop {
        let queue = slurm(&conf, "squeue", &["-h", "-j", &ids.join(",")]);
        if !queue.status.success() || queue.stdout.iter().all(u8::is_ascii_whitespace) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the jobs did not finish in 5 minutes:\n{}",
            String::from_utf8_lossy(&queue.stdout)
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let states = |id: &str| -> String {
        String::from_utf8_lossy(&slurm(&conf, "scontrol", &["-o", "show", "job", id]).stdout).into_owned()
    };
    let (array, merge) = (states(&ids[0]), states(&ids[1]));
    let log = |name: &str| std::fs::read_to_string(sharded.join("slurm").join(name)).unwrap_or_default();
    assert_eq!(
        array.matches("JobState=COMPLETED").count(),
        4,
        "every array task completes:\n{array}\n{}",
        log("shard-0.log")
    );
    assert!(
        merge.contains("JobState=COMPLETED"),
        "the merge completes:\n{merge}\n{}",
        log("merge.log")
    );
    assert!(log("merge.log").contains("wrote"), "{}", log("merge.log"));
    assert_same_files(&local, &sharded);
}
