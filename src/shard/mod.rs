//! A sweep or comparison split into shards that run anywhere, then merged into exactly the results of one run.
//!
//! A sweep is a list of jobs `(point, replication)`, points in grid order and each point's replications in order
//! (the order [`crate::sweep::Grid::run`] reduces them in). Shard `K` of `N` ([`ShardId`]) runs the contiguous block
//! of that list from job `floor(J K / N)` to `floor(J (K + 1) / N)` ([`job_range`]), so the shards share the work
//! evenly whatever the grid's shape (a comparison of two variants with 1,000 replications splits as well as a
//! sweep of 1,000 points), and writes each job's complete per-replication record (every metric, the caller counts
//! and the wait histograms the pooled percentiles need) to `DIR/shards/` ([`file`]). Every random stream is
//! seeded from (seed, replication, stream), so a job gives the same record on any machine at any thread count.
//!
//! [`merge`] reads the shards in order, hands each point's replications, complete and in order, to
//! [`crate::sweep::Point::reduce`] (the very reduction of a run on one machine) and so returns the same
//! [`PointResult`](crate::sweep::PointResult)s bit for bit; the caller writes them through the same code as a
//! local run. Only the points cut by a shard boundary are split across files; merge memory holds one point's
//! histograms at a time.
//!
//! What a shard was run from is its [`Plan`] (command, scenario text and label, axes, replications, seed, and
//! the options that shape the output), stored in every shard file; its SHA-256 [`Fingerprint`] (with the file
//! format and callsim's version) names the file and lets merge refuse shards of another run.
//!
//! This module does not print, choose output folders or write result files: the binary does, through
//! [`crate::report::output`].

mod file;
mod merge;

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use file::{FORMAT, ShardHeader, ShardReader, read_header};
pub use merge::{ShardSet, discover, gather, merge_grid};

use crate::error::{Error, Result};
use crate::limits::MAX_SHARDS;
use crate::run::simulate_replication;
use crate::sweep::Grid;

/// The folder inside the output folder that holds the shard files.
pub const SHARDS_FOLDER: &str = "shards";

/// The command whose jobs are sharded: it decides which files the merge writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// `callsim sweep`: `sweep.csv` and the sweep charts.
    Sweep,
    /// `callsim compare`: `compare.csv`, the chart, and the table or JSON of paired differences.
    Compare,
}

impl Command {
    /// The command's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Command::Sweep => "sweep",
            Command::Compare => "compare",
        }
    }
}

/// The options of `sweep` and `compare` that shape what is written and printed, not what is simulated. They
/// travel in the plan so that a merge writes what the unsharded command would have written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presentation {
    /// `sweep --metric`: the metric of the per-call-type chart.
    pub metric: String,
    /// `sweep --x`: the axis drawn along x.
    pub x: Option<String>,
    /// `--no-plots`: CSV only.
    pub no_plots: bool,
    /// `compare --json`: one JSON object instead of the table.
    pub json: bool,
    /// `--report`: the HTML page beside the other files.
    pub report: bool,
}

/// Everything the results of a sweep or comparison depend on. Two shards belong to one run exactly when their
/// plans (and callsim's version) are equal, which their [`Fingerprint`]s tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Sweep or compare.
    pub command: Command,
    /// The scenario file as named on the command line (it names the scenario in error messages).
    pub scenario_label: String,
    /// The scenario file's text.
    pub scenario_text: String,
    /// The `--vary` axes as given (none: the file's `[sweep] vary`).
    pub vary: Vec<String>,
    /// `--replications`, when given.
    pub replications: Option<u32>,
    /// `--seed`, when given.
    pub seed: Option<u64>,
    /// The output options.
    pub presentation: Presentation,
    /// The files the scenario reads besides itself (forecasts), with a SHA-256 of their contents: see
    /// [`Plan::inputs_of`].
    pub inputs: Vec<InputFile>,
}

/// A file a scenario reads (a forecast), as resolved from the scenario file's path, and its contents' SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// The path as the scenario resolves it.
    pub path: String,
    /// SHA-256 of the file's bytes, 64 hexadecimal digits.
    pub sha256: String,
}

impl Plan {
    /// Reads the scenario file and makes the plan; the error names the file when it cannot be read.
    pub fn from_file(command: Command, scenario: &Path) -> Result<Plan> {
        let label = scenario.display().to_string();
        let text =
            std::fs::read_to_string(scenario).map_err(|e| Error::scenario(&label, format!("cannot read: {e}")))?;
        Ok(Plan {
            command,
            scenario_label: label,
            scenario_text: text,
            vary: Vec::new(),
            replications: None,
            seed: None,
            presentation: Presentation::default(),
            inputs: Vec::new(),
        })
    }

    /// The files the points of `grid` read besides the scenario file (forecasts), each once, in path order, with
    /// their contents' SHA-256. A run records them in its plan, so that shards made from another forecast are
    /// another run, and merge, which reads them again to rebuild the grid, checks that they have not changed.
    pub fn inputs_of(grid: &Grid) -> Result<Vec<InputFile>> {
        let mut paths: Vec<&Path> = grid
            .points
            .iter()
            .flat_map(|p| &p.scenario.call_types)
            .filter_map(|c| match &c.arrival_source {
                crate::scenario::ArrivalSource::Forecast { path, .. } => Some(path.as_path()),
                _ => None,
            })
            .collect();
        paths.sort();
        paths.dedup();
        paths
            .into_iter()
            .map(|path| {
                let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
                Ok(InputFile {
                    path: path.display().to_string(),
                    sha256: Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect(),
                })
            })
            .collect()
    }

    /// Builds and validates the grid, with the seed override applied: the one way a grid is made from a plan,
    /// for a local run, a shard and a merge alike.
    pub fn grid(&self) -> Result<Grid> {
        let mut grid = Grid::build(&self.scenario_text, &self.scenario_label, &self.vary, self.replications)?;
        if let Some(seed) = self.seed {
            grid.points.iter_mut().for_each(|p| p.scenario.seed = seed);
        }
        Ok(grid)
    }

    /// SHA-256 of the shard format, callsim's version and the plan.
    pub fn fingerprint(&self) -> Fingerprint {
        let mut hash = Sha256::new();
        hash.update(b"callsim shard plan\0");
        hash.update(FORMAT.to_le_bytes());
        hash.update(env!("CARGO_PKG_VERSION").as_bytes());
        hash.update([0]);
        hash.update(postcard::to_stdvec(self).expect("a plan serializes"));
        Fingerprint(hash.finalize().into())
    }
}

/// The SHA-256 fingerprint of a [`Plan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// All 64 hexadecimal digits.
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The first 16 hexadecimal digits, as in file names.
    pub fn short(&self) -> String {
        self.hex()[..16].to_string()
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.short())
    }
}

/// Shard `index` of `count` (`K/N` on the command line, `K` counted from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ShardId {
    /// `K`, from 0 to `count - 1`.
    pub index: u32,
    /// `N`, from 1 to [`MAX_SHARDS`].
    pub count: u32,
}

impl fmt::Display for ShardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for ShardId {
    type Err = String;

    /// Parses `K/N`; the error says what is allowed.
    fn from_str(text: &str) -> std::result::Result<ShardId, String> {
        let allowed = format!("expected K/N with N from 1 to {MAX_SHARDS} and K from 0 to N-1, e.g. 0/4");
        let whole = |t: &str| -> Option<u32> {
            let t = t.trim();
            (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse().ok())
                .flatten()
        };
        let Some((k, n)) = text.split_once('/') else {
            return Err(format!("\"{}\": {allowed}", crate::limits::quote(text)));
        };
        match (whole(k), whole(n)) {
            (Some(index), Some(count)) if (1..=MAX_SHARDS).contains(&count) && index < count => {
                Ok(ShardId { index, count })
            }
            _ => Err(format!("\"{}\": {allowed}", crate::limits::quote(text))),
        }
    }
}

/// The block of the job list that shard `shard` runs, for `total` jobs: from `floor(total K / N)` to
/// `floor(total (K + 1) / N)`. The blocks of all `N` shards cover every job once, in order, and differ in size
/// by at most one job.
pub fn job_range(total: usize, shard: ShardId) -> Range<usize> {
    let at = |k: u32| (total as u128 * k as u128 / shard.count as u128) as usize;
    at(shard.index)..at(shard.index + 1)
}

/// The name of a shard's file: `<command>-shard-<K>-of-<N>-<fingerprint>.shard`.
pub fn file_name(command: Command, fingerprint: &Fingerprint, shard: ShardId) -> String {
    format!(
        "{}-shard-{}-of-{}-{}.shard",
        command.name(),
        shard.index,
        shard.count,
        fingerprint.short()
    )
}

/// The `(point, replication)` jobs of a grid in order: the first job of each point, and where the list ends.
#[derive(Debug, Clone)]
pub struct Jobs {
    starts: Vec<usize>,
}

impl Jobs {
    /// The job list of `grid`.
    pub fn of(grid: &Grid) -> Jobs {
        let mut starts = Vec::with_capacity(grid.points.len() + 1);
        let mut at = 0;
        for point in &grid.points {
            starts.push(at);
            at += point.scenario.replications as usize;
        }
        starts.push(at);
        Jobs { starts }
    }

    /// The number of jobs.
    pub fn len(&self) -> usize {
        *self.starts.last().unwrap_or(&0)
    }

    /// True when there are no jobs.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Job `job` as `(point, replication)`.
    pub fn at(&self, job: usize) -> (usize, u32) {
        let point = self.starts.partition_point(|&s| s <= job) - 1;
        (point, (job - self.starts[point]) as u32)
    }

    /// The points a block of jobs touches.
    pub fn points(&self, jobs: &Range<usize>) -> Range<usize> {
        if jobs.is_empty() {
            return 0..0;
        }
        self.at(jobs.start).0..self.at(jobs.end - 1).0 + 1
    }
}

/// What a shard ran and where it wrote.
#[derive(Debug, Clone)]
pub struct ShardRun {
    /// The shard file.
    pub path: PathBuf,
    /// Its block of the job list.
    pub jobs: Range<usize>,
    /// The points of those jobs (the first and last may be shared with neighbouring shards).
    pub points: Range<usize>,
    /// Jobs in the whole grid.
    pub total_jobs: usize,
}

/// Runs shard `shard` of `plan` (whose grid is `grid`) on the current rayon pool and writes its file into
/// `out/shards/` whole (a temporary file renamed into place). Jobs run in parallel in batches and are written in
/// job order, so memory holds one batch of records. `on_done` is called once per finished job.
pub fn run_shard(
    plan: &Plan,
    grid: &Grid,
    shard: ShardId,
    out: &Path,
    on_done: &(dyn Fn() + Sync),
) -> Result<ShardRun> {
    let jobs = Jobs::of(grid);
    let range = job_range(jobs.len(), shard);
    let fingerprint = plan.fingerprint();
    let header = ShardHeader {
        version: env!("CARGO_PKG_VERSION").to_string(),
        fingerprint: fingerprint.hex(),
        shard,
        first_job: range.start as u64,
        end_job: range.end as u64,
        total_jobs: jobs.len() as u64,
        points: grid.points.len() as u64,
        plan: plan.clone(),
    };
    let dir = out.join(SHARDS_FOLDER);
    let path = dir.join(file_name(plan.command, &fingerprint, shard));
    // Enough jobs per batch to keep every thread busy; few enough that a batch's histograms stay small.
    let batch = 32 * rayon::current_num_threads().max(1);
    crate::report::output::write_atomically(&path, |w| {
        let mut writer = file::ShardWriter::new(w, &header)?;
        let mut start = range.start;
        while start < range.end {
            let end = (start + batch).min(range.end);
            let records: Vec<Vec<u8>> = (start..end)
                .into_par_iter()
                .map(|job| {
                    let (point, replication) = jobs.at(job);
                    let metrics = simulate_replication(&grid.points[point].scenario, replication);
                    let record = file::encode_job(point, replication, &metrics);
                    on_done();
                    record
                })
                .collect();
            for record in &records {
                writer.write_job(record)?;
            }
            start = end;
        }
        writer.finish()
    })?;
    Ok(ShardRun {
        path,
        points: jobs.points(&range),
        jobs: range,
        total_jobs: jobs.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_every_job_once_in_order() {
        for total in [0usize, 1, 5, 7, 100, 1001] {
            for count in [1u32, 2, 3, 4, 7, 200] {
                let mut next = 0;
                for index in 0..count {
                    let r = job_range(total, ShardId { index, count });
                    assert_eq!(r.start, next);
                    assert!(r.len() <= total / count as usize + 1);
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
    }

    #[test]
    fn shard_ids_parse_and_name_what_is_allowed() {
        assert_eq!("3/4".parse::<ShardId>(), Ok(ShardId { index: 3, count: 4 }));
        assert_eq!("0/1".parse::<ShardId>(), Ok(ShardId { index: 0, count: 1 }));
        for bad in ["4/4", "1", "-1/4", "0/0", "a/b", "1/100001", "1/4/5", ""] {
            let e = bad.parse::<ShardId>().unwrap_err();
            assert!(e.contains("K/N") && e.contains("0/4"), "{bad}: {e}");
        }
    }
}
