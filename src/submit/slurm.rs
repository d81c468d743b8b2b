//! A Slurm job array: `shards.sbatch` (one array task per shard), `merge.sbatch`, and `submit.sh`, which submits
//! the array, then the merge with `--dependency=afterok` on the array's job id (captured with `sbatch
//! --parsable`), so the merge starts only when every task has exited 0.

use super::{Submission, SubmissionFile, shell_word, shell_words, slurm_time};
use crate::error::Result;

/// The `#SBATCH` lines both scripts share: name, time limit, working folder, partition and account.
fn common(s: &Submission, name: &str) -> Result<Vec<String>> {
    let mut lines = vec![
        format!("#SBATCH --job-name={}", shell_word(name)?),
        format!("#SBATCH --time={}", slurm_time(s.time_limit_s)),
        format!("#SBATCH --chdir={}", shell_word(&s.workdir)?),
    ];
    if let Some(partition) = &s.partition {
        lines.push(format!("#SBATCH --partition={}", shell_word(partition)?));
    }
    if let Some(account) = &s.account {
        lines.push(format!("#SBATCH --account={}", shell_word(account)?));
    }
    Ok(lines)
}

/// The three files of a Slurm submission, to be written into `<out>/slurm/`.
pub fn slurm(s: &Submission) -> Result<Vec<SubmissionFile>> {
    let n = s.shards;
    let logs = format!("{}/slurm", s.out.trim_end_matches('/'));
    let command = shell_words(std::iter::once(s.program.as_str()).chain(s.args.iter().map(String::as_str)))?;
    let mut shards = vec![
        "#!/bin/bash".to_string(),
        format!(
            "# {} as a Slurm job array of {n} shards; merge.sbatch combines them.",
            s.name
        ),
        "# Submit both with: sh submit.sh (in this folder). Rerun a failed shard alone with".to_string(),
        "# sbatch --array=K shards.sbatch, then submit merge.sbatch.".to_string(),
    ];
    shards.extend(common(s, &format!("{}-shards", s.name))?);
    shards.extend([
        format!("#SBATCH --array=0-{}", n - 1),
        "#SBATCH --ntasks=1".to_string(),
        format!("#SBATCH --cpus-per-task={}", s.cpus),
        format!("#SBATCH --mem={}M", s.memory_mib),
        format!("#SBATCH --output={}/shard-%a.log", shell_word(&logs)?),
        "set -euo pipefail".to_string(),
        format!("exec {command} --shard \"${{SLURM_ARRAY_TASK_ID}}/{n}\""),
    ]);
    let mut merge = vec![
        "#!/bin/bash".to_string(),
        format!(
            "# Merges the {n} shards of {} into the files one run writes; submit.sh starts it after the array.",
            s.name
        ),
    ];
    merge.extend(common(s, &format!("{}-merge", s.name))?);
    merge.extend([
        "#SBATCH --ntasks=1".to_string(),
        "#SBATCH --cpus-per-task=1".to_string(),
        format!("#SBATCH --mem={}M", s.memory_mib),
        format!("#SBATCH --output={}/merge.log", shell_word(&logs)?),
        "set -euo pipefail".to_string(),
        format!("exec {} merge {}", shell_word(&s.program)?, shell_word(&s.out)?),
    ]);
    let submit = [
        "#!/bin/sh".to_string(),
        format!(
            "# Submits the {n} shards of {} as a job array, then the merge once all of them succeeded.",
            s.name
        ),
        "# Prints the two job ids (array, merge): follow them with squeue -j ID.".to_string(),
        "set -eu".to_string(),
        "here=$(cd \"$(dirname \"$0\")\" && pwd)".to_string(),
        "array=$(sbatch --parsable \"$here/shards.sbatch\")".to_string(),
        "array=${array%%;*}".to_string(),
        "merge=$(sbatch --parsable --dependency=afterok:\"$array\" --kill-on-invalid-dep=yes \"$here/merge.sbatch\")"
            .to_string(),
        "merge=${merge%%;*}".to_string(),
        "echo \"$array $merge\"".to_string(),
    ];
    let text = |lines: Vec<String>| lines.join("\n") + "\n";
    Ok(vec![
        SubmissionFile {
            name: "shards.sbatch",
            text: text(shards),
        },
        SubmissionFile {
            name: "merge.sbatch",
            text: text(merge),
        },
        SubmissionFile {
            name: "submit.sh",
            text: text(submit.to_vec()),
        },
    ])
}
