//! Sharded sweeps and comparisons (`--shard K/N`, `callsim merge`): the merged files equal a run on one machine
//! byte for byte; merge refuses incomplete or mixed sets, naming the files; `--emit` writes submission files
//! whose fields the schedulers read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::callsim;

/// The published files of an output folder (not its shards/, slurm/ or k8s/ folders), by name.
pub fn published(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// Asserts that two folders publish the same files with the same bytes.
pub fn assert_same_files(local: &Path, merged: &Path) {
    let (a, b) = (published(local), published(merged));
    assert!(!a.is_empty());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs between the local run and the merge");
    }
}

fn run(args: &[&str]) -> std::process::Output {
    let output = callsim(args);
    assert!(
        output.status.success(),
        "callsim {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The stdout of a command with the folder names made equal (the table lists the files it wrote).
fn report(output: &std::process::Output, dir: &Path) -> String {
    String::from_utf8_lossy(&output.stdout).replace(path(dir), "DIR")
}

const SWEEP: [&str; 6] = [
    "sweep",
    "scenarios/vip_priority.toml",
    "--vary",
    "agent_groups.operators.count=13:15",
    "--vary",
    "routing.queue=fifo,priority",
];

/// Runs shards `order` of `n` of `command` (with `--out dir`), each at its own thread count.
fn run_shards(command: &[&str], dir: &Path, n: u32, order: &[u32]) {
    for &k in order {
        let shard = format!("{k}/{n}");
        let threads = (k % 2 + 1).to_string();
        let mut args = command.to_vec();
        args.extend(["--out", path(dir), "--shard", &shard, "--threads", &threads]);
        let out = String::from_utf8(run(&args).stdout).unwrap();
        assert!(
            out.contains(&format!("shard {k}/{n}")) && out.contains("callsim merge"),
            "{out}"
        );
    }
}

#[test]
fn a_sweep_in_shards_merges_to_the_bytes_of_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let (local, sharded) = (dir.path().join("local"), dir.path().join("sharded"));
    let mut args = SWEEP.to_vec();
    args.extend(["-r", "5", "--threads", "2", "--out", path(&local)]);
    let one = run(&args);
    // 6 points x 5 replications = 30 jobs in 4 shards of 7 or 8: every boundary cuts a point in two.
    let mut command = SWEEP.to_vec();
    command.extend(["-r", "5"]);
    run_shards(&command, &sharded, 4, &[3, 1, 0, 2]);
    let names: Vec<String> = std::fs::read_dir(sharded.join("shards"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 4);
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("sweep-shard-") && n.contains("-of-4-")),
        "{names:?}"
    );
    let merged = run(&["merge", path(&sharded)]);
    assert_same_files(&local, &sharded);
    assert_eq!(report(&one, &local), report(&merged, &sharded));
    // Idempotent: merging again publishes the same files and nothing else.
    let again = run(&["merge", path(&sharded)]);
    assert_same_files(&local, &sharded);
    assert_eq!(report(&again, &sharded), report(&merged, &sharded));
}

#[test]
fn more_shards_than_jobs_leave_some_empty_and_still_merge_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let (local, sharded) = (dir.path().join("local"), dir.path().join("sharded"));
    let base = [
        "sweep",
        "scenarios/erlang_c_textbook.toml",
        "--vary",
        "agent_groups.agents.count=11,12",
        "-r",
        "2",
        "--no-plots",
    ];
    let mut args = base.to_vec();
    args.extend(["--out", path(&local)]);
    run(&args);
    run_shards(&base, &sharded, 6, &[0, 1, 2, 3, 4, 5]);
    run(&["merge", path(&sharded)]);
    assert_same_files(&local, &sharded);
}

#[test]
fn a_comparison_in_shards_merges_to_the_same_json_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let (local, sharded) = (dir.path().join("local"), dir.path().join("sharded"));
    // Two variants, 9 paired replications each, in 4 shards: each variant's replications span several shards.
    let base = [
        "compare",
        "scenarios/vip_priority.toml",
        "--vary",
        "routing.queue=fifo,priority",
        "-r",
        "9",
        "--json",
    ];
    let mut args = base.to_vec();
    args.extend(["--out", path(&local)]);
    let one = run(&args);
    run_shards(&base, &sharded, 4, &[2, 0, 3, 1]);
    let merged = run(&["merge", path(&sharded)]);
    assert_eq!(one.stdout, merged.stdout, "the JSON differs");
    assert_same_files(&local, &sharded);
    assert!(published(&sharded).contains_key("compare.csv"));
}

#[test]
fn a_shard_is_the_same_bytes_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let shard_file = |threads: &str| -> Vec<u8> {
        let out = dir.path().join(format!("t{threads}"));
        let mut args = SWEEP.to_vec();
        args.extend(["-r", "3", "--out", path(&out), "--shard", "1/2", "--threads", threads]);
        run(&args);
        let file = std::fs::read_dir(out.join("shards"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        std::fs::read(file).unwrap()
    };
    assert_eq!(shard_file("1"), shard_file("2"));
}

/// Runs `merge dir` and returns its error message (it must fail with status 2).
fn merge_error(dir: &Path) -> String {
    let output = callsim(&["merge", path(dir)]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8(output.stderr).unwrap()
}

fn shard_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("shards"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn merge_refuses_missing_duplicate_foreign_and_damaged_shards_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let base = [
        "sweep",
        "scenarios/erlang_c_textbook.toml",
        "--vary",
        "agent_groups.agents.count=11,12",
        "-r",
        "3",
        "--no-plots",
    ];
    // Nothing to merge yet.
    let e = merge_error(&out);
    assert!(e.contains("shards") && e.contains("--shard K/N"), "{e}");
    run_shards(&base, &out, 3, &[0, 2]);
    // The shards folder itself is not the output folder.
    let e = merge_error(&out.join("shards"));
    assert!(e.contains(&format!("callsim merge {}", path(&out))), "{e}");
    let e = merge_error(&out);
    assert!(
        e.contains("missing 1 of 3 shards: 1") && e.contains("--shard 1/3"),
        "{e}"
    );
    assert!(
        !out.join("sweep.csv").exists(),
        "nothing is published from an incomplete set"
    );
    run_shards(&base, &out, 3, &[1]);
    // A copy of a shard under another name.
    let files = shard_files(&out);
    let copy = out.join("shards").join("copy-of-shard-1.shard");
    std::fs::copy(&files[1], &copy).unwrap();
    let e = merge_error(&out);
    assert!(
        e.contains("duplicate shards: shard 1/3") && e.contains("copy-of-shard-1.shard"),
        "{e}"
    );
    std::fs::remove_file(&copy).unwrap();
    // A shard of the same sweep with another seed: a foreign run.
    let foreign_dir = dir.path().join("foreign");
    let mut seeded = base.to_vec();
    seeded.extend(["--seed", "99"]);
    run_shards(&seeded, &foreign_dir, 3, &[2]);
    let foreign = shard_files(&foreign_dir).remove(0);
    let foreign_name = foreign.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::rename(&foreign, out.join("shards").join(&foreign_name)).unwrap();
    let e = merge_error(&out);
    assert!(
        e.contains("shards of 2 different runs") && e.contains(&foreign_name),
        "{e}"
    );
    std::fs::remove_file(out.join("shards").join(&foreign_name)).unwrap();
    // The same sweep split another way.
    run_shards(&base, &out, 2, &[0]);
    let e = merge_error(&out);
    assert!(e.contains("split in different ways") && e.contains("of 2:"), "{e}");
    for f in shard_files(&out) {
        if f.to_string_lossy().contains("-of-2-") {
            std::fs::remove_file(f).unwrap();
        }
    }
    // A shard cut short in copying.
    let files = shard_files(&out);
    let bytes = std::fs::read(&files[0]).unwrap();
    std::fs::write(&files[0], &bytes[..bytes.len() - 7]).unwrap();
    let e = merge_error(&out);
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        e.contains(&name) && (e.contains("cut short") || e.contains("damaged")),
        "{e}"
    );
    std::fs::write(&files[0], &bytes).unwrap();
    // Whole again: merges.
    run(&["merge", path(&out)]);
    assert!(out.join("sweep.csv").exists());
}

#[test]
fn bad_shard_flags_exit_2_naming_what_is_allowed() {
    for (args, expected) in [
        (vec!["--shard", "4/4"], "K/N"),
        (vec!["--shard", "x"], "K/N"),
        (vec!["--emit", "slurm"], "--shards N"),
        (vec!["--emit", "slurm", "--shards", "0"], "from 1 to 100000"),
        (vec!["--emit", "k8s", "--shards", "2", "--memory", "lots"], "512M"),
        (vec!["--shards", "2"], "--emit"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut full = SWEEP.to_vec();
        full.extend(["--out", path(dir.path())]);
        full.extend(args.iter().copied());
        let output = callsim(&full);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let e = String::from_utf8_lossy(&output.stderr);
        assert!(e.contains(expected), "{args:?}: {e}");
    }
}

#[test]
fn the_slurm_scripts_run_an_array_and_a_merge_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let mut args = SWEEP.to_vec();
    args.extend([
        "-r",
        "4",
        "--out",
        path(&out),
        "--emit",
        "slurm",
        "--shards",
        "4",
        "--cpus-per-shard",
        "2",
        "--memory",
        "2G",
        "--time-limit",
        "30m",
        "--partition",
        "batch",
    ]);
    let printed = String::from_utf8(run(&args).stdout).unwrap();
    assert!(printed.contains("submit.sh"), "{printed}");
    let read = |name: &str| std::fs::read_to_string(out.join("slurm").join(name)).unwrap();
    let shards = read("shards.sbatch");
    for line in [
        "#SBATCH --array=0-3",
        "#SBATCH --cpus-per-task=2",
        "#SBATCH --mem=2048M",
        "#SBATCH --time=00:30:00",
        "#SBATCH --partition=batch",
        "--shard \"${SLURM_ARRAY_TASK_ID}/4\"",
        "--threads 2",
        "--replications 4",
    ] {
        assert!(shards.contains(line), "{line} not in\n{shards}");
    }
    let merge = read("merge.sbatch");
    assert!(merge.contains(&format!("merge {}", path(&out))), "{merge}");
    let submit = read("submit.sh");
    assert!(
        submit.contains("sbatch --parsable") && submit.contains("--dependency=afterok:"),
        "{submit}"
    );
    assert!(!out.join("shards").exists(), "--emit runs nothing");
    // `--shard K/N` with --emit gives N.
    let mut args = SWEEP.to_vec();
    args.extend(["-r", "4", "--out", path(&out), "--emit", "slurm", "--shard", "0/6"]);
    run(&args);
    assert!(read("shards.sbatch").contains("#SBATCH --array=0-5"));
}

#[test]
fn the_kubernetes_manifests_are_an_indexed_job_and_a_merge_job() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = SWEEP.to_vec();
    args.extend([
        "-r",
        "4",
        "--out",
        "runs/vip",
        "--emit",
        "k8s",
        "--shards",
        "5",
        "--cpus-per-shard",
        "2",
        "--memory",
        "1.5G",
        "--time-limit",
        "2h",
        "--image",
        "registry.example/callsim:0.1",
        "--volume-claim",
        "sweeps",
    ]);
    // `--out runs/vip` is relative: the manifests go there from the repository root, so use a copy of it.
    let root = dir.path();
    std::fs::create_dir_all(root.join("scenarios")).unwrap();
    std::fs::copy("scenarios/vip_priority.toml", root.join("scenarios/vip_priority.toml")).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_callsim"))
        .args(&args)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let read = |name: &str| -> serde_norway::Value {
        let text = std::fs::read_to_string(root.join("runs/vip/k8s").join(name)).unwrap();
        serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"))
    };
    let job = read("shards-job.yaml");
    assert_eq!(job["apiVersion"].as_str(), Some("batch/v1"));
    assert_eq!(job["kind"].as_str(), Some("Job"));
    let spec = &job["spec"];
    assert_eq!(spec["completionMode"].as_str(), Some("Indexed"));
    assert_eq!(spec["completions"].as_u64(), Some(5));
    assert_eq!(spec["parallelism"].as_u64(), Some(5));
    let pod = &spec["template"]["spec"];
    assert_eq!(pod["restartPolicy"].as_str(), Some("Never"));
    assert_eq!(pod["activeDeadlineSeconds"].as_u64(), Some(7200));
    let container = &pod["containers"][0];
    assert_eq!(container["image"].as_str(), Some("registry.example/callsim:0.1"));
    assert_eq!(container["workingDir"].as_str(), Some("/data"));
    assert_eq!(container["command"][0].as_str(), Some("callsim"));
    let task: Vec<&str> = container["args"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(&task[..2], &["sweep", "scenarios/vip_priority.toml"]);
    assert_eq!(&task[task.len() - 2..], &["--shard", "$(JOB_COMPLETION_INDEX)/5"]);
    assert!(task.windows(2).any(|w| w == ["--out", "runs/vip"]), "{task:?}");
    assert!(task.windows(2).any(|w| w == ["--threads", "2"]), "{task:?}");
    assert_eq!(container["resources"]["requests"]["cpu"].as_str(), Some("2"));
    assert_eq!(container["resources"]["limits"]["memory"].as_str(), Some("1536Mi"));
    assert_eq!(container["volumeMounts"][0]["mountPath"].as_str(), Some("/data"));
    assert_eq!(
        pod["volumes"][0]["persistentVolumeClaim"]["claimName"].as_str(),
        Some("sweeps")
    );
    let merge = read("merge-job.yaml");
    assert_eq!(merge["kind"].as_str(), Some("Job"));
    let merge_container = &merge["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(merge_container["args"][0].as_str(), Some("merge"));
    assert_eq!(merge_container["args"][1].as_str(), Some("runs/vip"));
    let job_name = job["metadata"]["name"].as_str().unwrap();
    assert!(
        job_name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    );
    let submit = std::fs::read_to_string(root.join("runs/vip/k8s/submit.sh")).unwrap();
    assert!(
        submit.contains(&format!(
            "kubectl wait --for=condition=complete --timeout=7200s job/{job_name}"
        )),
        "{submit}"
    );
}

#[test]
fn a_day_from_a_forecast_merges_exactly_and_a_changed_forecast_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["day_shifts.toml", "day_forecast.csv"] {
        std::fs::copy(Path::new("scenarios").join(file), dir.path().join(file)).unwrap();
    }
    let scenario = dir.path().join("day_shifts.toml");
    let (local, sharded) = (dir.path().join("local"), dir.path().join("sharded"));
    let base = [
        "sweep",
        path(&scenario),
        "--vary",
        "call_types.general.arrivals.scale=0.9,1.1",
        "-r",
        "3",
    ];
    let mut args = base.to_vec();
    args.extend(["--out", path(&local)]);
    run(&args);
    run_shards(&base, &sharded, 4, &[1, 3, 0, 2]);
    run(&["merge", path(&sharded)]);
    assert_same_files(&local, &sharded);
    // The shards ran with this forecast: merge reads it again and refuses a changed one, naming it.
    let forecast = dir.path().join("day_forecast.csv");
    let mut text = std::fs::read_to_string(&forecast).unwrap();
    text.push('\n');
    std::fs::write(&forecast, text).unwrap();
    let e = merge_error(&sharded);
    assert!(
        e.contains("day_forecast.csv") && e.contains("changed since the shards were run"),
        "{e}"
    );
}

/// With `--report`, the merged page is the page of one run, byte for byte (the page names the command as one
/// machine runs it, and `SOURCE_DATE_EPOCH` fixes its date).
#[test]
fn a_sweep_in_shards_with_a_report_merges_to_the_same_page() {
    let dir = tempfile::tempdir().unwrap();
    let (local, sharded) = (dir.path().join("local"), dir.path().join("sharded"));
    let callsim = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_callsim"))
            .args(args)
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    };
    let mut args = SWEEP.to_vec();
    args.extend(["-r", "3", "--report", "--out", path(&local)]);
    callsim(&args);
    for k in 0..3 {
        let shard = format!("{k}/3");
        let mut args = SWEEP.to_vec();
        args.extend(["-r", "3", "--report", "--out", path(&sharded), "--shard", &shard]);
        callsim(&args);
    }
    callsim(&["merge", path(&sharded)]);
    assert!(local.join("report.html").is_file());
    assert_same_files(&local, &sharded);
}
