//! `--emit slurm|k8s` on `sweep` and `compare`: the files that run a sweep's shards on a cluster and merge them.

use std::io::Write;
use std::path::Path;

use callsim::report::output::{FileSet, Staging};
use callsim::shard::ShardId;
use callsim::submit::{Submission, SubmissionFile, kubernetes, parse_memory, slurm};
use callsim::sweep::Grid;

/// The help heading of the submission options.
const HEADING: &str = "Running on a cluster (--emit)";

/// The scheduler to write submission files for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// A Slurm job array (sbatch scripts and submit.sh) in OUT/slurm/.
    Slurm,
    /// A Kubernetes Indexed Job and a merge Job (YAML and submit.sh) in OUT/k8s/.
    K8s,
}

/// Submission options (`--emit`), shared by `sweep` and `compare`.
#[derive(Debug, clap::Args)]
pub struct EmitArgs {
    /// Write the files that run this sweep's shards on a cluster and merge them, instead of
    /// running it: slurm (job array, merge with --dependency=afterok) or k8s (Indexed Job,
    /// then a merge Job). Submit with `sh OUT/slurm/submit.sh` or `sh OUT/k8s/submit.sh`.
    #[arg(long, help_heading = HEADING, value_enum)]
    pub emit: Option<Target>,
    /// Number of shards N for --emit (one array task or pod each), 1 to 100000.
    #[arg(long, help_heading = HEADING, value_name = "N", requires = "emit", value_parser = shards_arg)]
    pub shards: Option<u32>,
    /// Cores per shard (Slurm --cpus-per-task, Kubernetes cpu request; the shard's --threads).
    #[arg(long, help_heading = HEADING, value_name = "CPUS", default_value_t = 1, requires = "emit", value_parser = cpus_arg)]
    pub cpus_per_shard: u32,
    /// Memory per shard, e.g. 512M or 2G (binary units, as Slurm reads them).
    #[arg(long, help_heading = HEADING, default_value = "1G", requires = "emit", value_parser = parse_memory)]
    pub memory: u64,
    /// Time limit per shard and for the merge, e.g. 30m or 2h (Slurm --time, Kubernetes
    /// activeDeadlineSeconds).
    #[arg(long, help_heading = HEADING, value_name = "DURATION", default_value = "1h", requires = "emit", value_parser = time_limit_arg)]
    pub time_limit: f64,
    /// The callsim program the tasks run [default: slurm: this callsim's absolute path (on a
    /// shared file system); k8s: callsim, on the image's PATH].
    #[arg(long, help_heading = HEADING, value_name = "PATH", requires = "emit")]
    pub callsim_bin: Option<String>,
    /// Folder the tasks run in; relative scenario and --out paths are relative to it
    /// [default: slurm: the current folder; k8s: /data, where the volume claim is mounted].
    #[arg(long, help_heading = HEADING, value_name = "DIR", requires = "emit")]
    pub workdir: Option<String>,
    /// Slurm partition [default: the cluster's default].
    #[arg(long, help_heading = HEADING, requires = "emit")]
    pub partition: Option<String>,
    /// Slurm account to charge [default: yours].
    #[arg(long, help_heading = HEADING, requires = "emit")]
    pub account: Option<String>,
    /// Kubernetes: container image with callsim in it.
    #[arg(long, help_heading = HEADING, default_value = "callsim:latest", requires = "emit")]
    pub image: String,
    /// Kubernetes: PersistentVolumeClaim holding the scenario and the output folder (mounted
    /// at --workdir in every pod).
    #[arg(long, help_heading = HEADING, value_name = "CLAIM", default_value = "callsim-data", requires = "emit")]
    pub volume_claim: String,
}

/// Parses `--shards`: a whole number from 1 to the most shards allowed.
fn shards_arg(text: &str) -> Result<u32, String> {
    super::bounded_arg(text, callsim::limits::MAX_SHARDS as u64).map(|n| n as u32)
}

/// Parses `--cpus-per-shard`: a whole number from 1 to the most threads allowed.
fn cpus_arg(text: &str) -> Result<u32, String> {
    super::bounded_arg(text, callsim::limits::MAX_THREADS as u64).map(|n| n as u32)
}

/// The files of `--emit`, written into `<out>/slurm/` or `<out>/k8s/` together.
pub fn emit(
    target: Target,
    options: &EmitArgs,
    shard: Option<ShardId>,
    grid: &Grid,
    out_dir: &Path,
    args: Vec<String>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let shards = options
        .shards
        .or(shard.map(|s| s.count))
        .ok_or_else(|| anyhow::anyhow!("--emit: give the number of shards with --shards N, e.g. --shards 8"))?;
    let jobs = grid.job_count();
    if shards as usize > jobs {
        super::warn(format_args!(
            "--shards {shards}: the grid has only {jobs} jobs (points x replications); {} shards will be empty",
            shards as usize - jobs
        ));
    }
    if target == Target::Slurm && shards > 1001 {
        super::warn(format_args!(
            "--shards {shards}: Slurm's default MaxArraySize is 1001 (array indices 0-1000); ask your admins or use fewer shards"
        ));
    }
    let program = match (&options.callsim_bin, target) {
        (Some(program), _) => program.clone(),
        (None, Target::Slurm) => std::env::current_exe()?.display().to_string(),
        (None, Target::K8s) => "callsim".to_string(),
    };
    let workdir = match (&options.workdir, target) {
        (Some(dir), _) => dir.clone(),
        (None, Target::Slurm) => std::env::current_dir()?.display().to_string(),
        (None, Target::K8s) => "/data".to_string(),
    };
    let stem = args
        .get(1)
        .and_then(|s| Path::new(s).file_stem())
        .map_or("callsim".to_string(), |s| s.to_string_lossy().into_owned());
    let submission = Submission {
        program,
        name: format!("{stem}-{}", args[0]),
        args,
        shards,
        out: out_dir.display().to_string(),
        workdir,
        cpus: options.cpus_per_shard,
        memory_mib: options.memory,
        time_limit_s: options.time_limit.ceil().max(1.0) as u64,
        partition: options.partition.clone(),
        account: options.account.clone(),
        image: options.image.clone(),
        volume_claim: options.volume_claim.clone(),
    };
    let (folder, files, set): (&str, Vec<SubmissionFile>, FileSet) = match target {
        Target::Slurm => ("slurm", slurm(&submission)?, FileSet::SLURM),
        Target::K8s => ("k8s", kubernetes(&submission)?, FileSet::KUBERNETES),
    };
    let staging = Staging::new(&out_dir.join(folder), set)?;
    for file in &files {
        callsim::report::output::write_atomically(&staging.path(file.name), |w| w.write_all(file.text.as_bytes()))?;
    }
    let written = staging.publish()?;
    let replications = grid.points.first().map_or(0, |p| p.scenario.replications);
    writeln!(
        out,
        "{shards} shards of {jobs} jobs ({} points x {replications} replications); the merged files go to {}",
        grid.points.len(),
        out_dir.display()
    )?;
    for f in &written {
        writeln!(out, "wrote {}", f.display())?;
    }
    let submit = out_dir.join(folder).join("submit.sh");
    writeln!(out, "submit with: sh {}", submit.display())?;
    Ok(())
}

/// A time limit: a duration of at least one minute (a shorter limit would kill every task as it starts).
fn time_limit_arg(text: &str) -> Result<f64, String> {
    let seconds = super::duration_arg(text)?;
    if seconds < 60.0 {
        return Err(format!(
            "must be at least 1m (a shard runs within it), got {}",
            text.trim()
        ));
    }
    Ok(seconds)
}
