//! Writing result files: one command's files appear together or not at all, never beside an earlier command's
//! files of the same kind, and no temporary file outlives the command. This is the only module that writes.
//!
//! A command first opens a [`Staging`] folder: a fresh hidden directory inside the output folder, created before
//! any simulation (so an unwritable folder is reported at once). Every file is written there. [`Staging::publish`]
//! then takes an exclusive lock on the output folder, removes the earlier files of the command's [`FileSet`],
//! renames the new ones in and removes the staging folder. Two commands writing into one folder therefore leave
//! the complete set of whichever published last. A staging folder that is dropped unpublished (an error) is
//! removed; the binary's interrupt handler calls [`remove_staging_folders`] so that none survives a Ctrl-C or a
//! SIGTERM, and the next command into the folder removes those of processes that were killed outright.
//! Files are created with mode 0666 before the umask, like any file a shell command creates.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::error::{Error, Result};

/// The report page's file name (see [`crate::report::html`]).
const REPORT_PAGE: &str = "report.html";
/// The report manifest's file name.
const REPORT_MANIFEST: &str = "report.json";

/// Name prefix of staging folders (hidden; followed by the process id and a unique suffix).
pub const STAGING_PREFIX: &str = ".callsim-staging-";

/// Staging folders not yet published or removed, for [`remove_staging_folders`].
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn staging_registry() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic while holding the lock leaves a valid list; keep using it.
    STAGING.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Removes every staging folder of this process, waiting for a publication in progress to finish first. For an
/// interrupt handler; the registry stays locked afterwards, so call it only just before exiting.
pub fn remove_staging_folders() {
    let registry = staging_registry();
    for dir in registry.iter() {
        let _ = std::fs::remove_dir_all(dir);
    }
    // Keep the lock until the process exits: no publication may start after the clean-up.
    std::mem::forget(registry);
}

/// The files a command owns in its output folder: exact names, and charts `<prefix>*.svg` / `<prefix>*.png`.
/// Publishing removes the earlier files of the set, so results of two runs are never mixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileSet {
    /// Exact file names.
    pub names: &'static [&'static str],
    /// Chart name prefixes (SVG and PNG files starting with one of them).
    pub chart_prefixes: &'static [&'static str],
    /// The command that owns the set. An earlier report (`report.html` and its manifest `report.json`) in the
    /// folder is replaced when the command stages a new one, and removed when that command wrote it, as it
    /// would describe results no longer there; a report another command wrote into a shared folder stays.
    pub command: &'static str,
}

impl FileSet {
    /// `callsim run`: summary.csv, groups.csv, intervals.csv, replications.csv, the intraday chart and the
    /// histogram of daily service level.
    pub const RUN: FileSet = FileSet {
        names: &["summary.csv", "groups.csv", "intervals.csv", "replications.csv"],
        chart_prefixes: &["intraday", "daily_service_level"],
        command: "run",
    };
    /// `callsim sweep`: sweep.csv and the sweep_* charts.
    pub const SWEEP: FileSet = FileSet {
        names: &["sweep.csv"],
        chart_prefixes: &["sweep_"],
        command: "sweep",
    };
    /// `callsim compare`: compare.csv and the compare* charts.
    pub const COMPARE: FileSet = FileSet {
        names: &["compare.csv"],
        chart_prefixes: &["compare"],
        command: "compare",
    };
    /// `callsim schedule`: roster.csv, roster.toml, coverage.csv and the coverage chart; with `--simulate`,
    /// roster_simulated.csv and its chart (removed by a plain `schedule`, as they would describe another roster).
    pub const SCHEDULE: FileSet = FileSet {
        names: &["roster.csv", "roster.toml", "coverage.csv", "roster_simulated.csv"],
        chart_prefixes: &["coverage", "roster_simulated"],
        command: "schedule",
    };

    /// `--emit slurm`: the job array's scripts, in `<out>/slurm/`.
    pub const SLURM: FileSet = FileSet {
        names: &["shards.sbatch", "merge.sbatch", "submit.sh"],
        chart_prefixes: &[],
        command: "emit slurm",
    };

    /// `--emit k8s`: the Indexed Job, the merge Job and their script, in `<out>/k8s/`.
    pub const KUBERNETES: FileSet = FileSet {
        names: &["shards-job.yaml", "merge-job.yaml", "submit.sh"],
        chart_prefixes: &[],
        command: "emit k8s",
    };

    /// `callsim staff`: staffing.csv, staffing_counts.toml and the staffing chart.
    pub const STAFF: FileSet = FileSet {
        names: &["staffing.csv", "staffing_counts.toml"],
        chart_prefixes: &["staffing"],
        command: "staff",
    };

    /// `callsim report DIR`: the page `report.html` alone, rendered again from the folder's manifest.
    pub const REPORT: FileSet = FileSet {
        names: &[REPORT_PAGE],
        chart_prefixes: &[],
        command: "report",
    };

    /// `callsim fit`: the fitted scenario and forecast, the report's CSV files and the fit_* charts.
    pub const FIT: FileSet = FileSet {
        names: &[
            "scenario.toml",
            "forecast.csv",
            "arrivals.csv",
            "fit.csv",
            "patience.csv",
        ],
        chart_prefixes: &["fit_"],
        command: "fit",
    };

    /// `callsim replay`: replay.csv.
    pub const REPLAY: FileSet = FileSet {
        names: &["replay.csv"],
        chart_prefixes: &[],
        command: "replay",
    };

    /// True when a file of this name belongs to the set.
    pub fn contains(&self, name: &str) -> bool {
        self.names.contains(&name)
            || ((name.ends_with(".svg") || name.ends_with(".png"))
                && self.chart_prefixes.iter().any(|p| name.starts_with(p)))
    }
}

/// A hidden folder inside the output folder where one command's files are written before they are published.
/// Dropped without [`Staging::publish`], it is removed with everything in it.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    set: FileSet,
}

impl Staging {
    /// Creates the output folder `out` (and its parents) and a fresh staging folder inside it; errors name the
    /// folder when it cannot be created or written.
    pub fn new(out: &Path, set: FileSet) -> Result<Staging> {
        ensure_dir(out)?;
        remove_abandoned_staging(out);
        let prefix = format!("{STAGING_PREFIX}{}-", std::process::id());
        let dir = tempfile::Builder::new()
            .prefix(&prefix)
            .tempdir_in(out)
            .map_err(|e| Error::io(out, format!("cannot write in the output folder: {e}")))?
            .keep();
        staging_registry().push(dir.clone());
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            set,
        })
    }

    /// The staging folder: write the command's files here.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where to write the file `name` (it is published as `<out>/<name>`).
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The output folder.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Publishes every staged file under an exclusive lock on the output folder: removes the earlier files of
    /// this command's set, renames the new ones in (all or none: a failed rename takes back those already
    /// moved) and removes the staging folder. Returns the published files, sorted by name.
    pub fn publish(self) -> Result<Vec<PathBuf>> {
        // Holding the registry keeps an interrupt from removing files half-way through.
        let _registry = staging_registry();
        let _lock = lock_folder(&self.out)?;
        let mut staged: Vec<String> = read_names(&self.dir)?;
        staged.sort();
        let report_ours = staged.iter().any(|n| n == REPORT_MANIFEST) || report_command(&self.out) == self.set.command;
        for name in read_names(&self.out)? {
            let report = name == REPORT_PAGE || name == REPORT_MANIFEST;
            if self.set.contains(&name) || (report && report_ours) {
                let earlier = self.out.join(&name);
                std::fs::remove_file(&earlier)
                    .map_err(|e| Error::io(&earlier, format!("cannot replace the earlier file: {e}")))?;
            }
        }
        let mut published = Vec::with_capacity(staged.len());
        for name in &staged {
            let target = self.out.join(name);
            if let Err(e) = std::fs::rename(self.dir.join(name), &target) {
                for done in &published {
                    let _ = std::fs::remove_file(done);
                }
                return Err(Error::io(&target, format!("cannot move the new file into place: {e}")));
            }
            published.push(target);
        }
        Ok(published)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let mut registry = staging_registry();
        let _ = std::fs::remove_dir_all(&self.dir);
        registry.retain(|d| d != &self.dir);
    }
}

/// The command named in the folder's report manifest (`""` when there is none or it cannot be read).
fn report_command(out: &Path) -> String {
    std::fs::read_to_string(out.join(REPORT_MANIFEST))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|v| v["command"].as_str().map(String::from))
        .unwrap_or_default()
}

/// Removes staging folders in `out` whose process no longer runs (killed with SIGKILL, or a power cut): their
/// names carry the process id. Only where `/proc` lists processes (Linux); elsewhere they stay, hidden and never
/// published.
fn remove_abandoned_staging(out: &Path) {
    let processes = Path::new("/proc");
    if !processes.join("self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix(STAGING_PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        if let Some(pid) = pid
            && !processes.join(pid.to_string()).exists()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The names of the regular files directly inside `dir` that are not hidden.
fn read_names(dir: &Path) -> Result<Vec<String>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, format!("cannot list: {e}")))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, format!("cannot list: {e}")))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            names.push(name);
        }
    }
    Ok(names)
}

/// An exclusive lock on the output folder, released when the returned file is dropped. On Unix the folder itself
/// is locked (no lock file is left behind); elsewhere a hidden `.callsim.lock` file in it.
fn lock_folder(out: &Path) -> Result<std::fs::File> {
    #[cfg(unix)]
    let file = std::fs::File::open(out);
    #[cfg(not(unix))]
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out.join(".callsim.lock"));
    let file = file.map_err(|e| Error::io(out, format!("cannot lock the output folder: {e}")))?;
    file.lock()
        .map_err(|e| Error::io(out, format!("cannot lock the output folder: {e}")))?;
    Ok(file)
}

/// Creates `dir` and its parents.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, format!("cannot create directory: {e}")))
}

/// Writes `path` atomically with whatever `fill` writes (a temporary file beside it, renamed into place). The file
/// is created with mode 0666 before the umask.
pub fn write_atomically(path: &Path, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    ensure_dir(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".callsim-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The mode is passed to open(2), so the umask applies as for any new file.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temporary = builder
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, format!("cannot create a temporary file: {e}")))?;
    {
        let mut buffered = std::io::BufWriter::new(temporary.as_file_mut());
        fill(&mut buffered).map_err(|e| Error::io(path, e))?;
        buffered.flush().map_err(|e| Error::io(path, e))?;
    }
    temporary.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}
