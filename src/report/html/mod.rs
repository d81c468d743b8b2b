//! The self-contained HTML report (`--report`): one page per command, readable offline in any browser and
//! printable, with no external asset (styles inline, charts inlined as SVG, no script).
//!
//! A command builds a [`Page`]: what was simulated ([`About`]), the headline sentences, warnings, and sections
//! of text, tables and charts, all already worded (the same cells as the terminal tables). [`write`] renders it
//! to `report.html` and keeps the page itself as the manifest `report.json`, so `callsim report DIR` can render
//! the page again from the folder ([`rebuild`]). A chart block names an SVG file the command wrote beside it;
//! rendering inlines that very file (one drawing serves the file and the page). This module owns the page's
//! shape and wording of the sections; it does not simulate, and it writes only through [`super::output`].
//!
//! Builders: [`run`] (`callsim run`), [`sweep`] (`sweep` and `compare`), [`staff`], [`schedule`].

mod describe;
mod render;
pub mod run;
pub mod schedule;
pub mod staff;
mod svg;
pub mod sweep;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub use render::render;

/// The page's file name.
pub const PAGE: &str = "report.html";
/// The manifest's file name: the [`Page`] as JSON, from which `callsim report DIR` renders the page again.
pub const MANIFEST: &str = "report.json";
/// The manifest format this version writes and reads.
pub const FORMAT: u32 = 1;

/// What was simulated and how: the page's "about" table and the scenario text, folded away.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct About {
    /// The exact command line, quoted as a shell would take it back.
    pub command: String,
    /// When the command ran (UTC, RFC 3339).
    pub date: String,
    /// callsim's version.
    pub version: String,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario file's path as given.
    pub scenario_file: String,
    /// The scenario file's text.
    pub scenario_text: String,
    /// The base random seed (none for a command that does not simulate).
    pub seed: Option<u64>,
    /// Replications (days) per point (none for a command that does not simulate).
    pub replications: Option<u32>,
    /// Further facts as (name, value), e.g. the method or the swept axes.
    pub facts: Vec<(String, String)>,
}

/// One report page, ready to render; `report.json` is this, serialized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// The manifest format ([`FORMAT`]).
    pub format: u32,
    /// The command that wrote it: `run`, `sweep`, `compare`, `staff` or `schedule`.
    pub command: String,
    /// The page title.
    pub title: String,
    /// What was simulated.
    pub about: About,
    /// The answer in words, first on the page.
    pub headline: Vec<String>,
    /// Warnings, in a box at the top.
    pub warnings: Vec<String>,
    /// The sections, in order.
    pub sections: Vec<Section>,
}

/// A titled part of the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Anchor id (letters, digits and `-`).
    pub id: String,
    /// Heading.
    pub title: String,
    /// Content in order.
    pub blocks: Vec<Block>,
}

/// A piece of a section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph.
    Text {
        /// Its text.
        text: String,
    },
    /// A smaller note (how to read what is above or below).
    Note {
        /// Its text.
        text: String,
    },
    /// A table.
    Table(Table),
    /// A chart: an SVG file beside the page, inlined.
    Chart(Chart),
}

/// A table of text cells: the first row is the header; the first column heads its row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// What the table shows (its caption).
    pub caption: String,
    /// Header first, then the rows.
    pub cells: Vec<Vec<String>>,
}

/// A chart drawn to an SVG file in the output folder, inlined with a title and a text alternative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// The SVG file's name in the output folder, e.g. `intraday.svg`.
    pub file: String,
    /// The chart's title (also its caption).
    pub title: String,
    /// The text alternative: what the chart shows in words, for a screen reader and for print.
    pub description: String,
}

impl Section {
    /// A section with no blocks yet.
    pub fn new(id: &str, title: &str) -> Section {
        Section {
            id: id.to_string(),
            title: title.to_string(),
            blocks: Vec::new(),
        }
    }

    /// Adds a paragraph.
    pub fn text(mut self, text: impl Into<String>) -> Section {
        self.blocks.push(Block::Text { text: text.into() });
        self
    }

    /// Adds a note.
    pub fn note(mut self, text: impl Into<String>) -> Section {
        self.blocks.push(Block::Note { text: text.into() });
        self
    }

    /// Adds a table (header first); a table with no rows below its header is left out.
    pub fn table(mut self, caption: impl Into<String>, cells: Vec<Vec<String>>) -> Section {
        if cells.len() > 1 {
            self.blocks.push(Block::Table(Table {
                caption: caption.into(),
                cells,
            }));
        }
        self
    }

    /// Adds a chart when its SVG file is among `drawn` (the files the command wrote); left out otherwise (e.g.
    /// `--no-plots`).
    pub fn chart(
        mut self,
        drawn: &[String],
        file: &str,
        title: impl Into<String>,
        description: impl Into<String>,
    ) -> Section {
        if drawn.iter().any(|f| f == file) {
            self.blocks.push(Block::Chart(Chart {
                file: file.to_string(),
                title: title.into(),
                description: description.into(),
            }));
        }
        self
    }
}

/// The SVG files directly in `dir` (the charts a command has written there), sorted.
pub fn svg_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".svg") && !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Writes `report.json` (the page) and `report.html` (rendered, with the charts of `dir` inlined) into `dir`.
pub fn write(page: &Page, dir: &Path) -> Result<()> {
    let html = render(page, dir)?;
    let manifest = dir.join(MANIFEST);
    let json = serde_json::to_string_pretty(page)
        .map_err(|e| Error::io(&manifest, format!("cannot serialize the report: {e}")))?;
    super::output::write_atomically(&manifest, |out| out.write_all(json.as_bytes()))?;
    super::output::write_atomically(&dir.join(PAGE), |out| out.write_all(html.as_bytes()))
}

/// Reads the manifest `report.json` of a folder an earlier command wrote with `--report`, naming the folder and
/// what to do when it is missing or not a manifest this version reads.
pub fn read_manifest(dir: &Path) -> Result<Page> {
    let manifest = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&manifest).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::NotFound {
            "no report manifest here; `callsim report` reads a folder written by run, sweep, compare, staff or \
             schedule with --report"
                .to_string()
        } else {
            format!("cannot read: {e}")
        };
        Error::io(&manifest, why)
    })?;
    let page: Page =
        serde_json::from_str(&text).map_err(|e| Error::io(&manifest, format!("not a callsim report manifest: {e}")))?;
    if page.format != FORMAT {
        return Err(Error::io(
            &manifest,
            format!(
                "manifest format {} is not {FORMAT}, the one this callsim reads; run the command again",
                page.format
            ),
        ));
    }
    Ok(page)
}

/// Renders the page again from a folder an earlier command wrote with `--report`: its manifest and its charts.
pub fn rebuild(dir: &Path) -> Result<String> {
    let page = read_manifest(dir)?;
    render(&page, dir)
}

/// A share as a percentage for sentences: whole percents (`66%`), one decimal when `fine` (`0.8%`).
fn percent_with(share: f64, fine: bool) -> String {
    match (share.is_finite(), fine) {
        (false, _) => "-".into(),
        (true, true) => format!("{:.1}%", share * 100.0),
        (true, false) => format!("{:.0}%", share * 100.0),
    }
}

/// A share as a whole percentage for sentences, e.g. `66%` (one decimal below 10%: `0.6%`).
pub fn percent(share: f64) -> String {
    percent_with(share, share.abs() < 0.1 && share != 0.0)
}

/// A share with its 95% interval for sentences: `66% ± 6%` when symmetric, else `66% [58%, 71%]`; one decimal
/// when the interval is narrower than 5 points or the share is below 10%.
pub fn percent_estimate(estimate: &crate::stats::Estimate) -> String {
    let Some(mean) = estimate.mean else {
        return "-".into();
    };
    let width = estimate.high() - estimate.low();
    let fine = (width.is_finite() && width < 0.05) || mean.abs() < 0.1;
    let p = |v: f64| percent_with(v, fine);
    match estimate.ci95 {
        Some(half) if estimate.is_symmetric() => format!("{} ± {}", p(mean), p(half)),
        Some(_) => format!("{} [{}, {}]", p(mean), p(estimate.low()), p(estimate.high())),
        None => p(mean),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Estimate;

    #[test]
    fn shares_read_as_percentages_with_their_intervals() {
        assert_eq!(percent_estimate(&Estimate::symmetric(0.66, 0.06, 10)), "66% ± 6%");
        assert_eq!(percent_estimate(&Estimate::symmetric(0.899, 0.005, 10)), "89.9% ± 0.5%");
        assert_eq!(
            percent_estimate(&Estimate::between(0.62, 0.58, 0.71, 10)),
            "62% [58%, 71%]"
        );
        assert_eq!(percent_estimate(&Estimate::symmetric(0.006, 0.001, 10)), "0.6% ± 0.1%");
        assert_eq!(percent_estimate(&Estimate::default()), "-");
        assert_eq!(percent(0.8), "80%");
    }

    #[test]
    fn the_manifest_round_trips_and_a_foreign_format_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let page = Page {
            format: FORMAT,
            command: "staff".into(),
            title: "t".into(),
            about: About::default(),
            headline: vec!["h".into()],
            warnings: Vec::new(),
            sections: vec![
                Section::new("a", "A")
                    .text("x")
                    .table("c", vec![vec!["h".into()], vec!["v".into()]]),
            ],
        };
        write(&page, dir.path()).unwrap();
        assert_eq!(read_manifest(dir.path()).unwrap(), page);
        assert_eq!(
            rebuild(dir.path()).unwrap(),
            std::fs::read_to_string(dir.path().join(PAGE)).unwrap()
        );
        let text = std::fs::read_to_string(dir.path().join(MANIFEST)).unwrap();
        std::fs::write(
            dir.path().join(MANIFEST),
            text.replace("\"format\": 1", "\"format\": 99"),
        )
        .unwrap();
        let error = read_manifest(dir.path()).unwrap_err().to_string();
        assert!(error.contains("report.json") && error.contains("format 99"), "{error}");
    }
}
