//! The shard file: what one shard ran, and every job's complete record, with every `f64` kept bit for bit.
//!
//! Layout: the 16 bytes [`MAGIC`], the format number [`FORMAT`] (`u32`, little-endian), then frames, each a
//! `u32` little-endian length followed by that many bytes of [postcard](https://docs.rs/postcard) (which writes an
//! `f64` as its 8 bytes, NaN included): first the [`ShardHeader`], then one [`Frame::Job`] per job in job order,
//! then [`Frame::End`] with the number of jobs. A file without its end frame was cut short and is refused.
//! Histograms are stored sparse (non-empty buckets only).

use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Plan, ShardId};
use crate::error::{Error, Result};
use crate::stats::{CallerCounts, GroupValues, Metric, ReplicationMetrics, SparseWaitHistogram};

/// The first bytes of every shard file.
pub const MAGIC: &[u8; 16] = b"callsim shard\n\0\0";

/// The shard file format; a file of another format is refused with both numbers.
pub const FORMAT: u32 = 1;

/// The largest frame a reader accepts (a job's record is a few kilobytes; a plan holds the scenario text).
const MAX_FRAME: u32 = 256 << 20;

/// What a shard file holds before its jobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardHeader {
    /// callsim's version that wrote it.
    pub version: String,
    /// The plan's fingerprint, 64 hexadecimal digits.
    pub fingerprint: String,
    /// Which shard of how many.
    pub shard: ShardId,
    /// The first job of its block.
    pub first_job: u64,
    /// One past the last job of its block.
    pub end_job: u64,
    /// Jobs in the whole grid.
    pub total_jobs: u64,
    /// Points in the whole grid.
    pub points: u64,
    /// What was run.
    pub plan: Plan,
}

/// One frame after the header.
#[derive(Debug, Serialize, Deserialize)]
enum Frame {
    /// One job's record.
    Job(JobRecord),
    /// The end of the file: how many jobs it holds.
    End { jobs: u64 },
}

/// One `(point, replication)` job's complete [`ReplicationMetrics`].
#[derive(Debug, Serialize, Deserialize)]
struct JobRecord {
    point: u32,
    replication: u32,
    call_types: Vec<Vec<f64>>,
    total: Vec<f64>,
    groups: Vec<(f64, f64, f64)>,
    waits: Vec<SparseWaitHistogram>,
    disconnected: Vec<u64>,
    callers: Vec<CallerCounts>,
}

/// Encodes job `(point, replication)`'s record as one frame's bytes (for [`ShardWriter::write_job`]).
pub(super) fn encode_job(point: usize, replication: u32, m: &ReplicationMetrics) -> Vec<u8> {
    let record = JobRecord {
        point: point as u32,
        replication,
        call_types: m.call_types.iter().map(|v| v.to_vec()).collect(),
        total: m.total.to_vec(),
        groups: m
            .groups
            .iter()
            .map(|g| (g.occupancy, g.calls_handled, g.overtime_s))
            .collect(),
        waits: m.waits.iter().map(|h| h.to_sparse()).collect(),
        disconnected: m.disconnected.clone(),
        callers: m.callers.clone(),
    };
    postcard::to_stdvec(&Frame::Job(record)).expect("a job record serializes")
}

fn metric_values(values: Vec<f64>) -> Option<crate::stats::MetricValues> {
    <[f64; Metric::COUNT]>::try_from(values).ok()
}

impl JobRecord {
    fn into_metrics(self) -> Option<ReplicationMetrics> {
        Some(ReplicationMetrics {
            call_types: self
                .call_types
                .into_iter()
                .map(metric_values)
                .collect::<Option<Vec<_>>>()?,
            total: metric_values(self.total)?,
            groups: self
                .groups
                .into_iter()
                .map(|(occupancy, calls_handled, overtime_s)| GroupValues {
                    occupancy,
                    calls_handled,
                    overtime_s,
                })
                .collect(),
            waits: self.waits.iter().map(SparseWaitHistogram::to_dense).collect(),
            disconnected: self.disconnected,
            callers: self.callers,
        })
    }
}

fn write_frame(w: &mut dyn Write, bytes: &[u8]) -> std::io::Result<()> {
    w.write_all(&(bytes.len() as u32).to_le_bytes())?;
    w.write_all(bytes)
}

/// Writes a shard file: the header, then job frames in order, then the end frame.
pub(super) struct ShardWriter<'a> {
    w: &'a mut dyn Write,
    jobs: u64,
}

impl<'a> ShardWriter<'a> {
    /// Writes the magic bytes, the format and the header.
    pub(super) fn new(w: &'a mut dyn Write, header: &ShardHeader) -> std::io::Result<ShardWriter<'a>> {
        w.write_all(MAGIC)?;
        w.write_all(&FORMAT.to_le_bytes())?;
        write_frame(w, &postcard::to_stdvec(header).expect("a header serializes"))?;
        Ok(ShardWriter { w, jobs: 0 })
    }

    /// Writes one frame made by [`encode_job`].
    pub(super) fn write_job(&mut self, frame: &[u8]) -> std::io::Result<()> {
        self.jobs += 1;
        write_frame(self.w, frame)
    }

    /// Writes the end frame.
    pub(super) fn finish(self) -> std::io::Result<()> {
        let end = postcard::to_stdvec(&Frame::End { jobs: self.jobs }).expect("the end frame serializes");
        write_frame(self.w, &end)
    }
}

/// Reads a shard file: its header at once, then its jobs one by one.
#[derive(Debug)]
pub struct ShardReader {
    path: PathBuf,
    input: BufReader<std::fs::File>,
    /// The file's header.
    pub header: ShardHeader,
    jobs: u64,
    ended: bool,
}

fn damaged(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::at(path, format!("the shard file is damaged ({e})"))
}

/// The next frame's bytes, or `None` at a clean end of file.
fn read_frame(input: &mut impl Read, path: &Path) -> Result<Option<Vec<u8>>> {
    let mut length = [0u8; 4];
    match input.read(&mut length[..1]) {
        Ok(0) => return Ok(None),
        Ok(_) => {}
        Err(e) => return Err(Error::io(path, e)),
    }
    input
        .read_exact(&mut length[1..])
        .map_err(|_| Error::at(path, "the shard file is cut short"))?;
    let length = u32::from_le_bytes(length);
    if length > MAX_FRAME {
        return Err(damaged(path, format!("a frame of {length} bytes")));
    }
    let mut bytes = vec![0; length as usize];
    input
        .read_exact(&mut bytes)
        .map_err(|_| Error::at(path, "the shard file is cut short"))?;
    Ok(Some(bytes))
}

/// Reads only the header of the shard file `path` (merge checks every header before reading any job).
pub fn read_header(path: &Path) -> Result<ShardHeader> {
    Ok(ShardReader::open(path)?.header)
}

impl ShardReader {
    /// Opens `path` and reads its header; the error names the file and what is wrong with it.
    pub fn open(path: &Path) -> Result<ShardReader> {
        let file = std::fs::File::open(path).map_err(|e| Error::at(path, format!("cannot read the shard: {e}")))?;
        let mut input = BufReader::new(file);
        let mut magic = [0u8; 16];
        input
            .read_exact(&mut magic)
            .ok()
            .filter(|_| &magic == MAGIC)
            .ok_or_else(|| Error::at(path, "not a callsim shard file"))?;
        let mut format = [0u8; 4];
        input
            .read_exact(&mut format)
            .map_err(|_| Error::at(path, "the shard file is cut short"))?;
        let format = u32::from_le_bytes(format);
        if format != FORMAT {
            return Err(Error::at(
                path,
                format!(
                    "shard file format {format}, but this callsim ({}) reads format {FORMAT}: run the shards and the \
                     merge with the same callsim",
                    env!("CARGO_PKG_VERSION")
                ),
            ));
        }
        let bytes = read_frame(&mut input, path)?.ok_or_else(|| Error::at(path, "the shard file is cut short"))?;
        let header = postcard::from_bytes(&bytes).map_err(|e| damaged(path, e))?;
        Ok(ShardReader {
            path: path.to_path_buf(),
            input,
            header,
            jobs: 0,
            ended: false,
        })
    }

    fn damaged(&self, e: impl std::fmt::Display) -> Error {
        damaged(&self.path, e)
    }

    fn frame(&mut self) -> Result<Option<Vec<u8>>> {
        read_frame(&mut self.input, &self.path)
    }

    /// The next job as `(point, replication, metrics)`, or `None` after the last one. A file that ends without its
    /// end frame, or whose end frame counts another number of jobs, is an error naming it.
    pub fn next_job(&mut self) -> Result<Option<(usize, u32, ReplicationMetrics)>> {
        if self.ended {
            return Ok(None);
        }
        let bytes = self.frame()?.ok_or_else(|| {
            Error::at(
                &self.path,
                "the shard file is cut short (no end mark): copy it again or run the shard again",
            )
        })?;
        match postcard::from_bytes::<Frame>(&bytes).map_err(|e| self.damaged(e))? {
            Frame::Job(record) => {
                self.jobs += 1;
                let (point, replication) = (record.point as usize, record.replication);
                let metrics = record
                    .into_metrics()
                    .ok_or_else(|| self.damaged("a record with the wrong number of metrics"))?;
                Ok(Some((point, replication, metrics)))
            }
            Frame::End { jobs } => {
                self.ended = true;
                if jobs != self.jobs {
                    return Err(self.damaged(format!("its end mark counts {jobs} jobs, it holds {}", self.jobs)));
                }
                if self.frame()?.is_some() {
                    return Err(self.damaged("data after the end mark"));
                }
                Ok(None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::shard::{Command, Presentation};

    const TEXT: &str = r#"
name = "two types"
seed = 3
replications = 2
[horizon]
duration = "2h"
[[call_types]]
name = "sales"
arrivals = { per_hour = 60 }
service = { distribution = "exponential", mean = "4m" }
patience = { distribution = "exponential", mean = "2m" }
[[call_types]]
name = "none"
arrivals = { per_hour = 0.001 }
service = { distribution = "exponential", mean = "4m" }
[[agent_groups]]
name = "agents"
count = 4
skills = ["sales", "none"]
"#;

    #[test]
    fn records_come_back_bit_for_bit_and_a_cut_file_is_refused() {
        let scenario = Scenario::from_toml_str(TEXT, "<test>").unwrap();
        let runs: Vec<ReplicationMetrics> = (0..2).map(|r| crate::run::simulate_replication(&scenario, r)).collect();
        // A call type without calls has undefined (NaN) metrics: they too must come back as they were.
        assert!(runs[0].call_types[1].iter().any(|v| v.is_nan()));
        let header = ShardHeader {
            version: "test".into(),
            fingerprint: "0".repeat(64),
            shard: ShardId { index: 0, count: 1 },
            first_job: 0,
            end_job: 2,
            total_jobs: 2,
            points: 1,
            plan: Plan {
                command: Command::Sweep,
                scenario_label: "<test>".into(),
                scenario_text: TEXT.into(),
                vary: vec!["agent_groups.agents.count=4".into()],
                replications: None,
                seed: None,
                presentation: Presentation::default(),
                inputs: Vec::new(),
            },
        };
        let mut bytes = Vec::new();
        let mut writer = ShardWriter::new(&mut bytes, &header).unwrap();
        for (r, m) in runs.iter().enumerate() {
            writer.write_job(&encode_job(0, r as u32, m)).unwrap();
        }
        writer.finish().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.shard");
        std::fs::write(&path, &bytes).unwrap();
        let mut reader = ShardReader::open(&path).unwrap();
        assert_eq!(reader.header, header);
        for (r, original) in runs.iter().enumerate() {
            let (point, replication, back) = reader.next_job().unwrap().unwrap();
            assert_eq!((point, replication), (0, r as u32));
            // Same bits everywhere (NaN included), same histograms.
            assert_eq!(encode_job(0, r as u32, &back), encode_job(0, r as u32, original));
            assert_eq!(back.waits, original.waits);
            assert!(back.waits.iter().any(|h| h.count() > 0));
        }
        assert!(reader.next_job().unwrap().is_none());
        // Cut anywhere after the header: refused, naming the file.
        for cut in [bytes.len() - 1, bytes.len() - 6, bytes.len() / 2] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            let mut reader = ShardReader::open(&path).unwrap();
            let error = loop {
                match reader.next_job() {
                    Ok(Some(_)) => continue,
                    Ok(None) => panic!("a file cut at {cut} of {} was read whole", bytes.len()),
                    Err(e) => break e.to_string(),
                }
            };
            assert!(
                error.contains("s.shard") && (error.contains("cut short") || error.contains("damaged")),
                "{error}"
            );
        }
        std::fs::write(&path, b"not a shard").unwrap();
        assert!(
            ShardReader::open(&path)
                .unwrap_err()
                .to_string()
                .contains("not a callsim shard file")
        );
    }
}
