//! A Kubernetes Indexed Job (`shards-job.yaml`: `completionMode: Indexed`, one pod per completion index, each
//! running `--shard $(JOB_COMPLETION_INDEX)/N`), a merge Job (`merge-job.yaml`), and `submit.sh`, which applies
//! the first, waits for its `Complete` condition and applies the second. Kubernetes has no dependencies between
//! Jobs; the wait stands in for Slurm's `afterok`.
//!
//! YAML is written by hand from a template; every string is written as a JSON string, which is a YAML
//! double-quoted scalar, so no value can break the document.

use super::{Submission, SubmissionFile, shell_word};
use crate::error::Result;

/// A YAML double-quoted scalar.
fn q(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

/// A Kubernetes object name (DNS-1123 label): lowercase letters, digits and `-`, starting and ending with a
/// letter or digit, at most `max` characters; `callsim` when nothing is left.
pub fn object_name(text: &str, max: usize) -> String {
    let mut name = String::new();
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let name: String = name.trim_matches('-').chars().take(max).collect();
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        "callsim".to_string()
    } else {
        name.to_string()
    }
}

/// The pod template's lines both Jobs share, after `containers:` begins: image, working folder, resources and
/// the volume.
fn container(s: &Submission, name: &str, args: &[String], cpus: u32) -> Vec<String> {
    let mut lines = vec![
        format!("        - name: {}", q(name)),
        format!("          image: {}", q(&s.image)),
        format!("          workingDir: {}", q(&s.workdir)),
        format!("          command: [{}]", q(&s.program)),
        "          args:".to_string(),
    ];
    lines.extend(args.iter().map(|a| format!("            - {}", q(a))));
    lines.extend([
        "          resources:".to_string(),
        "            requests:".to_string(),
        format!("              cpu: {}", q(&cpus.to_string())),
        format!("              memory: {}", q(&format!("{}Mi", s.memory_mib))),
        "            limits:".to_string(),
        format!("              cpu: {}", q(&cpus.to_string())),
        format!("              memory: {}", q(&format!("{}Mi", s.memory_mib))),
        "          volumeMounts:".to_string(),
        "            - name: data".to_string(),
        format!("              mountPath: {}", q(&s.workdir)),
        "      volumes:".to_string(),
        "        - name: data".to_string(),
        "          persistentVolumeClaim:".to_string(),
        format!("            claimName: {}", q(&s.volume_claim)),
    ]);
    lines
}

/// A Job's lines up to `containers:`.
fn job_head(s: &Submission, comment: &[String], name: &str, spec: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = comment.to_vec();
    lines.extend([
        "apiVersion: batch/v1".to_string(),
        "kind: Job".to_string(),
        "metadata:".to_string(),
        format!("  name: {}", q(name)),
        "  labels:".to_string(),
        "    app.kubernetes.io/name: \"callsim\"".to_string(),
        "spec:".to_string(),
    ]);
    lines.extend(spec.iter().map(|l| format!("  {l}")));
    lines.extend([
        "  template:".to_string(),
        "    spec:".to_string(),
        "      restartPolicy: Never".to_string(),
        format!("      activeDeadlineSeconds: {}", s.time_limit_s),
        "      containers:".to_string(),
    ]);
    lines
}

/// The three files of a Kubernetes submission, to be written into `<out>/k8s/`.
pub fn kubernetes(s: &Submission) -> Result<Vec<SubmissionFile>> {
    let n = s.shards;
    let base = object_name(&s.name, 48);
    let (shards_name, merge_name) = (format!("{base}-shards"), format!("{base}-merge"));
    let mut args = s.args.clone();
    args.extend(["--shard".to_string(), format!("$(JOB_COMPLETION_INDEX)/{n}")]);
    let mut shards = job_head(
        s,
        &[
            format!(
                "# {} as a Kubernetes Indexed Job of {n} shards; merge-job.yaml combines them.",
                s.name
            ),
            "# The scenario and the output folder live on the volume claim, mounted as the working folder.".to_string(),
            "# Apply both in order with: sh submit.sh (in this folder).".to_string(),
        ],
        &shards_name,
        &[
            "completionMode: Indexed".to_string(),
            format!("completions: {n}"),
            format!("parallelism: {n}"),
            format!("backoffLimit: {}", n.saturating_mul(2).max(2)),
        ],
    );
    shards.extend(container(s, "shard", &args, s.cpus));
    let mut merge = job_head(
        s,
        &[format!(
            "# Merges the {n} shards of {} into the files one run writes; apply it once {shards_name} is complete.",
            s.name
        )],
        &merge_name,
        &["completions: 1".to_string(), "backoffLimit: 0".to_string()],
    );
    merge.extend(container(s, "merge", &["merge".to_string(), s.out.clone()], 1));
    let submit = [
        "#!/bin/sh".to_string(),
        format!(
            "# Runs the {n} shards of {} as an Indexed Job, waits for it, then runs the merge Job.",
            s.name
        ),
        "set -eu".to_string(),
        "here=$(cd \"$(dirname \"$0\")\" && pwd)".to_string(),
        "kubectl apply -f \"$here/shards-job.yaml\"".to_string(),
        format!(
            "kubectl wait --for=condition=complete --timeout={}s job/{}",
            s.time_limit_s,
            shell_word(&shards_name)?
        ),
        "kubectl apply -f \"$here/merge-job.yaml\"".to_string(),
        format!(
            "kubectl wait --for=condition=complete --timeout={}s job/{}",
            s.time_limit_s,
            shell_word(&merge_name)?
        ),
    ];
    let text = |lines: Vec<String>| lines.join("\n") + "\n";
    Ok(vec![
        SubmissionFile {
            name: "shards-job.yaml",
            text: text(shards),
        },
        SubmissionFile {
            name: "merge-job.yaml",
            text: text(merge),
        },
        SubmissionFile {
            name: "submit.sh",
            text: text(submit.to_vec()),
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::object_name;

    #[test]
    fn object_names_are_dns_labels() {
        assert_eq!(object_name("vip_priority sweep", 48), "vip-priority-sweep");
        assert_eq!(object_name("__", 48), "callsim");
        assert_eq!(object_name("Day Inbound!", 48), "day-inbound");
        assert_eq!(object_name("abc-def", 4), "abc");
    }
}
