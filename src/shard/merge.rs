//! Finding a run's shards and gathering them into the points' results.
//!
//! [`discover`] reads every shard file's header in `DIR/shards/` and refuses, naming the files, shards of more
//! than one run (different fingerprints: another scenario text, axes, seed, replications, options or callsim
//! version), shards of one run split into different counts, two files of the same shard, and missing shards.
//! [`gather`] then reads the jobs in order and reduces each point with [`crate::sweep::Point::reduce`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::file::{ShardHeader, ShardReader, read_header};
use super::{Jobs, Plan, SHARDS_FOLDER, ShardId, job_range};
use crate::error::{Error, Result};
use crate::stats::ReplicationMetrics;
use crate::sweep::{Grid, PointResult};

/// A complete set of one run's shards.
#[derive(Debug, Clone)]
pub struct ShardSet {
    /// The folder of the shard files.
    pub dir: PathBuf,
    /// What was run.
    pub plan: Plan,
    /// The plan's fingerprint, 64 hexadecimal digits.
    pub fingerprint: String,
    /// The shard files in shard order (`files[K]` holds shard `K`).
    pub files: Vec<PathBuf>,
}

/// File names for a message: the first few, then how many more.
fn names(paths: &[&PathBuf]) -> String {
    const SHOWN: usize = 4;
    let mut shown: Vec<String> = paths
        .iter()
        .take(SHOWN)
        .map(|p| {
            p.file_name()
                .map_or(p.display().to_string(), |n| n.to_string_lossy().into_owned())
        })
        .collect();
    if paths.len() > SHOWN {
        shown.push(format!("and {} more", paths.len() - SHOWN));
    }
    shown.join(", ")
}

/// Shard numbers for a message, runs collapsed (`1, 3-7`).
fn numbers(indices: &[u32]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let mut j = i;
        while j + 1 < indices.len() && indices[j + 1] == indices[j] + 1 {
            j += 1;
        }
        parts.push(if i == j {
            indices[i].to_string()
        } else {
            format!("{}-{}", indices[i], indices[j])
        });
        i = j + 1;
    }
    parts.join(", ")
}

/// What differs between the runs of two shards, in the words of the command line.
fn differences(a: &ShardHeader, b: &ShardHeader) -> Vec<&'static str> {
    let (p, q) = (&a.plan, &b.plan);
    let mut differ = Vec::new();
    for (name, different) in [
        ("command", p.command != q.command),
        ("scenario file", p.scenario_label != q.scenario_label),
        ("scenario text", p.scenario_text != q.scenario_text),
        ("--vary axes", p.vary != q.vary),
        ("--replications", p.replications != q.replications),
        ("--seed", p.seed != q.seed),
        ("output options", p.presentation != q.presentation),
        ("forecast files", p.inputs != q.inputs),
        ("callsim versions", a.version != b.version),
    ] {
        if different {
            differ.push(name);
        }
    }
    if differ.is_empty() {
        differ.push("shard formats");
    }
    differ
}

/// Reads the headers of every shard file in `out/shards/` and checks that they make one complete run.
pub fn discover(out: &Path) -> Result<ShardSet> {
    let dir = out.join(SHARDS_FOLDER);
    if !dir.exists() && out.file_name().is_some_and(|n| n == SHARDS_FOLDER) {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        return Err(Error::at(
            out,
            format!(
                "this is the shards folder; merge the output folder that holds it: callsim merge {}",
                parent.display()
            ),
        ));
    }
    let entries = std::fs::read_dir(&dir).map_err(|e| {
        Error::at(
            &dir,
            format!(
                "cannot list the shards ({e}): run `callsim sweep` or `compare` with --shard K/N --out {} first",
                out.display()
            ),
        )
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::at(&dir, format!("cannot list the shards: {e}")))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // Hidden files are temporary files of shards still being written.
        if name.ends_with(".shard") && !name.starts_with('.') {
            files.push(entry.path());
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(Error::at(
            &dir,
            format!(
                "no shard files (*.shard) here: run `callsim sweep` or `compare` with --shard K/N --out {} first",
                out.display()
            ),
        ));
    }
    let mut headers: Vec<(PathBuf, ShardHeader)> = Vec::with_capacity(files.len());
    for path in files {
        let header = read_header(&path)?;
        headers.push((path, header));
    }
    // One run only.
    let mut runs: BTreeMap<&str, Vec<&PathBuf>> = BTreeMap::new();
    for (path, header) in &headers {
        runs.entry(header.fingerprint.as_str()).or_default().push(path);
    }
    if runs.len() > 1 {
        let listed: Vec<String> = runs
            .iter()
            .map(|(fingerprint, paths)| format!("{} ({})", &fingerprint[..16], names(paths)))
            .collect();
        let first = |fingerprint: &&str| {
            headers
                .iter()
                .find(|(_, h)| h.fingerprint == *fingerprint)
                .map(|(_, h)| h)
        };
        let mut fingerprints = runs.keys();
        let differ = match (fingerprints.next().and_then(first), fingerprints.next().and_then(first)) {
            (Some(a), Some(b)) => differences(a, b).join(", "),
            _ => String::new(),
        };
        return Err(Error::at(
            &dir,
            format!(
                "shards of {} different runs (they differ in {differ}): {}; keep one run's shards here and move the \
                 others to a folder of their own",
                runs.len(),
                listed.join("; ")
            ),
        ));
    }
    // One shard count.
    let mut counts: BTreeMap<u32, Vec<&PathBuf>> = BTreeMap::new();
    for (path, header) in &headers {
        counts.entry(header.shard.count).or_default().push(path);
    }
    if counts.len() > 1 {
        let listed: Vec<String> = counts
            .iter()
            .map(|(count, paths)| format!("of {count}: {}", names(paths)))
            .collect();
        return Err(Error::at(
            &dir,
            format!(
                "shards of one run split in different ways ({}); keep the shards of one split only",
                listed.join("; ")
            ),
        ));
    }
    let count = headers[0].1.shard.count;
    // Each shard once.
    let mut by_index: BTreeMap<u32, Vec<&PathBuf>> = BTreeMap::new();
    for (path, header) in &headers {
        by_index.entry(header.shard.index).or_default().push(path);
    }
    let duplicates: Vec<String> = by_index
        .iter()
        .filter(|(_, paths)| paths.len() > 1)
        .map(|(index, paths)| format!("shard {index}/{count} in {}", names(paths)))
        .collect();
    if !duplicates.is_empty() {
        return Err(Error::at(
            &dir,
            format!("duplicate shards: {}; keep one file of each", duplicates.join("; ")),
        ));
    }
    let missing: Vec<u32> = (0..count).filter(|k| !by_index.contains_key(k)).collect();
    if !missing.is_empty() {
        let example = ShardId {
            index: missing[0],
            count,
        };
        return Err(Error::at(
            &dir,
            format!(
                "missing {} of {count} shards: {} (run them with --shard K/{count}, e.g. --shard {example})",
                missing.len(),
                numbers(&missing)
            ),
        ));
    }
    let files: Vec<PathBuf> = by_index.values().map(|paths| paths[0].clone()).collect();
    let (_, first) = headers.swap_remove(0);
    Ok(ShardSet {
        dir,
        plan: first.plan,
        fingerprint: first.fingerprint,
        files,
    })
}

/// Rebuilds the grid of `set` (reading its forecast files again) and checks that those files are the ones the
/// shards were run with; the error names a file that is missing or changed.
pub fn merge_grid(set: &ShardSet) -> Result<Grid> {
    let grid = set.plan.grid()?;
    let now = Plan::inputs_of(&grid)?;
    for input in &set.plan.inputs {
        if !now.contains(input) {
            return Err(Error::at(
                Path::new(&input.path),
                "changed since the shards were run (their results come from the earlier file): restore it, or run \
                 the shards again",
            ));
        }
    }
    Ok(grid)
}

/// Reads every job of `set` in order and reduces each point as soon as its replications are all read, exactly
/// as [`Grid::run`] does; `grid` is `set.plan.grid()`. `on_point` is called once per reduced point. Errors name
/// the shard file that does not fit (a record out of order, a block that is not its shard's).
pub fn gather(set: &ShardSet, grid: &Grid, on_point: &dyn Fn()) -> Result<Vec<PointResult>> {
    let jobs = Jobs::of(grid);
    let count = set.files.len() as u32;
    let mut results = Vec::with_capacity(grid.points.len());
    let mut current: Vec<ReplicationMetrics> = Vec::new();
    let mut next = 0usize;
    for (index, path) in set.files.iter().enumerate() {
        let mut reader = ShardReader::open(path)?;
        let shard = ShardId {
            index: index as u32,
            count,
        };
        let expected = job_range(jobs.len(), shard);
        let header = &reader.header;
        if header.total_jobs != jobs.len() as u64
            || header.points != grid.points.len() as u64
            || header.first_job != expected.start as u64
            || header.end_job != expected.end as u64
        {
            return Err(Error::at(
                path,
                format!(
                    "holds jobs {}-{} of {}, but shard {shard} of this grid is jobs {}-{} of {}",
                    header.first_job,
                    header.end_job,
                    header.total_jobs,
                    expected.start,
                    expected.end,
                    jobs.len()
                ),
            ));
        }
        while let Some((point, replication, metrics)) = reader.next_job()? {
            if next >= expected.end || jobs.at(next) != (point, replication) {
                return Err(Error::at(
                    path,
                    format!("the shard file is damaged (job of point {point}, replication {replication} out of order)"),
                ));
            }
            next += 1;
            current.push(metrics);
            let p = &grid.points[point];
            if current.len() == p.scenario.replications as usize {
                results.push(p.reduce(std::mem::take(&mut current)));
                on_point();
            }
        }
        if next != expected.end {
            return Err(Error::at(
                path,
                format!("holds {} of its {} jobs", next - expected.start, expected.len()),
            ));
        }
    }
    Ok(results)
}
