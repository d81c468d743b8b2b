//! Checking a scenario's own `[sweep] vary` list when the file is read, so `check` and `run` refuse what
//! `sweep` would refuse, naming the file and `sweep.vary`.
//!
//! Each axis is applied alone to the base scenario, value by value; combinations of several axes are checked
//! by the sweep itself when it builds its grid.

use super::axis::{Axis, set_path, value_text};
use crate::error::{Error, Result};
use crate::limits::quote;

use super::{Build, ScenarioFile};

/// Every value of every axis in `specs` (already known to parse) gives a valid scenario from `base`, built by
/// `build` (the strict or the describing constructor, as the base scenario was).
pub(super) fn check_values(base: &toml::Table, specs: &[String], label: &str, build: Build) -> Result<()> {
    let mut base = base.clone();
    base.remove("sweep");
    for (index, spec) in specs.iter().enumerate() {
        let field = format!("sweep.vary[{index}] (\"{}\")", quote(spec));
        let fail = |value: &toml::Value, message: String| {
            Error::scenario(label, format!("{field} at {}: {message}", quote(&value_text(value))))
        };
        let axis = Axis::parse(spec).map_err(|m| Error::scenario(label, format!("{field}: {m}")))?;
        for value in &axis.values {
            let mut table = base.clone();
            set_path(&mut table, &axis.path, value.clone()).map_err(|m| fail(value, m))?;
            let raw = ScenarioFile::from_table(table).map_err(|m| fail(value, m))?;
            if let Err(error) = build(raw, label) {
                let message = match error {
                    Error::Scenario { message, .. } => message,
                    other => other.to_string(),
                };
                return Err(fail(value, message));
            }
        }
    }
    Ok(())
}
