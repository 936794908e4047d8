//! Export a scenario to GENIUS XML (a domain file and one profile per party).

use std::path::Path;

use impasse_core::Scenario;
use impasse_report::{ExportReport, OrderedMap};

use crate::AppError;

/// The GENIUS files of `scenario`, in memory, with what GENIUS XML cannot express.
///
/// # Errors
///
/// [`AppError::Unprocessable`] (`cannot_export`) when the scenario has no GENIUS form.
pub fn export(scenario: &Scenario) -> Result<ExportReport, AppError> {
    let export = impasse_format::to_genius(scenario).map_err(|err| {
        AppError::unprocessable("cannot_export", format!("cannot export to GENIUS: {err}"))
    })?;
    Ok(ExportReport {
        format_version: impasse_report::FORMAT_VERSION,
        name: scenario.name().to_owned(),
        format: "genius",
        files: OrderedMap(export.files().map(|f| (f.name.clone(), f.text.clone())).collect()),
        dropped: export.dropped,
        notes: export.notes,
    })
}

/// Writes an export's files into `dir` (created if needed); returns the paths written.
///
/// # Errors
///
/// [`AppError::Io`].
pub fn write(report: &ExportReport, dir: &Path) -> Result<Vec<std::path::PathBuf>, AppError> {
    AppError::create_folder(dir)?;
    let mut written = Vec::new();
    for (name, text) in &report.files.0 {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(AppError::io("write", &path))?;
        written.push(path);
    }
    Ok(written)
}
