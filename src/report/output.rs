//! Writing result files safely: each file is written to a temporary file in the same directory and renamed into
//! place, so a failed or interrupted run never leaves a half-written file. This is the only module that writes.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Creates `dir` and its parents.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, format!("cannot create directory: {e}")))
}

/// Writes `path` atomically with whatever `fill` writes.
pub fn write_atomically(path: &Path, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    ensure_dir(dir)?;
    let mut temporary = tempfile::Builder::new()
        .prefix(".callsim-")
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

/// Writes CSV rows atomically: `header`, then each row.
pub fn write_csv(path: &Path, header: &[String], rows: &[Vec<String>]) -> Result<()> {
    write_atomically(path, |out| {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(header)?;
        for row in rows {
            writer.write_record(row)?;
        }
        writer.flush()
    })
}

/// Formats a number for CSV: full precision, empty when undefined (spreadsheets read an empty cell as missing).
pub fn csv_number(value: f64) -> String {
    if value.is_finite() {
        format!("{value}")
    } else {
        String::new()
    }
}
