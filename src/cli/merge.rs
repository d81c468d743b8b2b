//! `callsim merge`: the shards of a sweep or comparison combined into the files one run writes.

use std::io::Write;
use std::path::PathBuf;

use callsim::report::output::Staging;

/// Combine the shards in DIR/shards/ into exactly the files one run writes.
///
/// A sweep or comparison too big for one machine runs in N shards, anywhere and in any order:
///   callsim sweep SCENARIO --vary ... --out DIR --shard 0/4     (and 1/4, 2/4, 3/4)
///   callsim merge DIR
/// Each shard runs a contiguous share of the (point, replication) jobs and keeps every
/// replication's complete figures (metrics, caller counts, wait histograms) in
/// DIR/shards/<command>-shard-K-of-N-<fingerprint>.shard. merge reduces them in the order one
/// run does, so sweep.csv / compare.csv, the charts and the table or JSON are the same, byte for
/// byte, as those of the same command run on one machine (with --out DIR), whatever the machines
/// and thread counts. The fingerprint covers the scenario's text, the axes, seed, replications,
/// output options and callsim's version: merge refuses, naming the files, shards of another
/// run, a shard present twice, and missing shards. Running it again rewrites the same files.
///
/// `sweep --emit slurm` and `--emit k8s` write the job array or Indexed Job that runs the
/// shards and then this merge.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct MergeArgs {
    /// The output folder of the sharded run (the --out of its shards); holds shards/.
    dir: PathBuf,
}

/// Merges the shards of `DIR` and writes and prints what the unsharded command would have.
pub fn execute(args: MergeArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let set = callsim::shard::discover(&args.dir)?;
    let grid = callsim::shard::merge_grid(&set)?;
    let staging = Staging::new(&args.dir, super::sweep::file_set(set.plan.command))?;
    let bar = super::progress::bar(grid.points.len() as u64, "merging");
    let results = callsim::shard::gather(&set, &grid, &|| bar.inc(1))?;
    bar.finish_and_clear();
    super::sweep::report(&set.plan, &grid, &results, Some(staging), out)
}
