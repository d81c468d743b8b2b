//! Submission files for the schedulers users already have: a Slurm job array ([`slurm`]) and a Kubernetes
//! Indexed Job ([`kubernetes`]), each running the shards of one sweep and then `callsim merge`.
//!
//! Both are text made from a [`Submission`]: the shard command (without its `--shard`), the number of shards,
//! the output folder, and the resources. Each task runs `--shard K/N` with `K` from the scheduler (Slurm's
//! `SLURM_ARRAY_TASK_ID`, Kubernetes' `JOB_COMPLETION_INDEX`); the merge runs only once every shard succeeded
//! (Slurm: `--dependency=afterok` on the array; Kubernetes: `kubectl wait` for the Job's `Complete` condition).
//! This module only makes text; the binary writes the files through [`crate::report::output`].

mod kubernetes;
mod slurm;

pub use kubernetes::kubernetes;
pub use slurm::slurm;

use crate::error::{Error, Result};

/// One sharded run to submit.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// The callsim program as the tasks run it (a path on the cluster, or a name on its `PATH`).
    pub program: String,
    /// The shard command's arguments after the program, without `--shard` (e.g. `sweep s.toml --vary ...`).
    pub args: Vec<String>,
    /// The number of shards `N`.
    pub shards: u32,
    /// The output folder as the tasks see it: shards go to its `shards/`, the merged files into it.
    pub out: String,
    /// The folder the commands run in (relative paths in `args` and `out` are relative to it).
    pub workdir: String,
    /// A name for the jobs.
    pub name: String,
    /// Cores per shard (the shard's `--threads`).
    pub cpus: u32,
    /// Memory per shard, in MiB.
    pub memory_mib: u64,
    /// Time limit per shard and for the merge, in seconds.
    pub time_limit_s: u64,
    /// Slurm: the partition (none: the cluster's default).
    pub partition: Option<String>,
    /// Slurm: the account to charge (none: the user's default).
    pub account: Option<String>,
    /// Kubernetes: the container image holding `program`.
    pub image: String,
    /// Kubernetes: the PersistentVolumeClaim holding the scenario and the output folder.
    pub volume_claim: String,
}

/// A file to write: its name inside the submission folder and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionFile {
    /// File name.
    pub name: &'static str,
    /// Its text.
    pub text: String,
}

/// Parses a memory size such as `2G`, `512M`, `1.5G` or `4096` (MiB when there is no unit; `K`, `M`, `G`, `T`
/// are binary multiples, as Slurm reads them, with or without a trailing `i` or `B`) into MiB, at least 1.
pub fn parse_memory(text: &str) -> std::result::Result<u64, String> {
    let allowed = "expected a size such as 512M, 2G or 1.5G (K, M, G, T: binary units; no unit: MiB)";
    let t = text.trim();
    let t = t.strip_suffix(['B', 'b']).unwrap_or(t);
    let t = t.strip_suffix('i').unwrap_or(t);
    let (number, factor) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 1.0 / 1024.0),
        Some('M') => (&t[..t.len() - 1], 1.0),
        Some('G') => (&t[..t.len() - 1], 1024.0),
        Some('T') => (&t[..t.len() - 1], 1024.0 * 1024.0),
        _ => (t, 1.0),
    };
    let value: f64 = number
        .trim()
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v > 0.0)
        .ok_or_else(|| format!("\"{}\": {allowed}", crate::limits::quote(text)))?;
    let mib = (value * factor).ceil();
    if mib > 1e12 {
        return Err(format!("\"{}\": too large; {allowed}", crate::limits::quote(text)));
    }
    Ok((mib as u64).max(1))
}

/// A time limit in Slurm's form: `D-HH:MM:SS` (or `HH:MM:SS` under a day), rounded up to whole seconds.
pub fn slurm_time(seconds: u64) -> String {
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let clock = format!("{:02}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60);
    if days > 0 { format!("{days}-{clock}") } else { clock }
}

/// Quotes one word for a POSIX shell (unchanged when nothing needs quoting).
fn shell_word(word: &str) -> Result<String> {
    shlex::try_quote(word).map(|q| q.into_owned()).map_err(|_| {
        Error::input(
            "--emit",
            format!(
                "\"{}\" cannot be passed to a shell (a NUL byte)",
                crate::limits::quote(word)
            ),
        )
    })
}

/// Quotes every word for a POSIX shell and joins them with spaces.
fn shell_words<'a>(words: impl IntoIterator<Item = &'a str>) -> Result<String> {
    Ok(words.into_iter().map(shell_word).collect::<Result<Vec<_>>>()?.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_sizes_read_as_slurm_reads_them() {
        assert_eq!(parse_memory("2G"), Ok(2048));
        assert_eq!(parse_memory("2Gi"), Ok(2048));
        assert_eq!(parse_memory("512M"), Ok(512));
        assert_eq!(parse_memory("1.5G"), Ok(1536));
        assert_eq!(parse_memory("4096"), Ok(4096));
        assert_eq!(parse_memory("100K"), Ok(1));
        for bad in ["", "G", "-1G", "two", "0", "1e30T"] {
            assert!(parse_memory(bad).unwrap_err().contains("512M"), "{bad}");
        }
    }

    #[test]
    fn time_limits_take_slurms_form() {
        assert_eq!(slurm_time(59), "00:00:59");
        assert_eq!(slurm_time(5400), "01:30:00");
        assert_eq!(slurm_time(86_400 + 3661), "1-01:01:01");
    }
}
