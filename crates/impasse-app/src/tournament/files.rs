//! A tournament's output folder: `rows.csv`, `rows.jsonl`, `manifest.json` (the fingerprint
//! that makes resuming safe) and `summary.json`.

use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use impasse_negotiate::tournament::{Fingerprint, Row, Summary, Tournament};
use impasse_report::csv_field;

use crate::AppError;

/// A row as a CSV record (utilities and agents joined with `;`).
struct CsvRow<'a>(&'a Row);

impl CsvRow<'_> {
    const HEADER: &'static str = "id,scenario,repetition,agents,end,agreement,outcome,steps,\
                                      utilities,welfare,pareto_distance,nash_distance";

    fn write(&self, out: &mut String) {
        let row = self.0;
        let opt = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v}"));
        let utilities: Vec<String> = row.utilities.iter().map(|u| format!("{u}")).collect();
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            row.id,
            csv_field(&row.scenario),
            row.repetition,
            csv_field(&row.agents.join(";")),
            row.end,
            row.agreement,
            row.outcome.map_or(String::new(), |o| o.to_string()),
            row.steps,
            utilities.join(";"),
            row.welfare,
            row.pareto_distance,
            opt(row.nash_distance),
        );
    }
}

/// The files of a tournament's output folder.
#[derive(Debug)]
pub struct Output {
    folder: PathBuf,
    csv: BufWriter<File>,
    jsonl: BufWriter<File>,
    /// Rows already present when the output was opened (resumed).
    pub resumed: u64,
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> AppError + 'a {
    AppError::io(action, path)
}

/// Counts the complete lines of a file and truncates a partly written last line.
fn complete_lines(path: &Path) -> Result<u64, AppError> {
    if !path.exists() {
        return Ok(0);
    }
    let file = File::open(path).map_err(io("open", path))?;
    let mut reader = BufReader::new(file);
    let mut lines = 0u64;
    let mut good = 0u64;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(io("read", path))?;
        if n == 0 || buf.last() != Some(&b'\n') {
            break;
        }
        lines += 1;
        good += n as u64;
    }
    let file = OpenOptions::new().write(true).open(path).map_err(io("open", path))?;
    file.set_len(good).map_err(io("truncate", path))?;
    Ok(lines)
}

/// Keeps the first `lines` lines of a file.
fn truncate_lines(path: &Path, lines: u64) -> Result<(), AppError> {
    let file = File::open(path).map_err(io("open", path))?;
    let mut reader = BufReader::new(file);
    let mut kept = 0u64;
    let mut bytes = 0u64;
    let mut buf = Vec::new();
    while kept < lines {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(io("read", path))?;
        if n == 0 {
            break;
        }
        kept += 1;
        bytes += n as u64;
    }
    let file = OpenOptions::new().write(true).open(path).map_err(io("open", path))?;
    file.set_len(bytes).map_err(io("truncate", path))
}

impl Output {
    /// Opens (or creates) an output folder for a tournament. When it holds rows of the same
    /// tournament (same fingerprint), they are kept and counted in [`Output::resumed`]; rows of a
    /// different tournament are an error unless `fresh` is set, which starts over.
    ///
    /// # Errors
    ///
    /// File errors, or a folder holding another tournament.
    pub fn open(folder: &Path, tournament: &Tournament, fresh: bool) -> Result<Output, AppError> {
        AppError::create_folder(folder)?;
        let manifest = folder.join("manifest.json");
        let csv_path = folder.join("rows.csv");
        let jsonl_path = folder.join("rows.jsonl");
        let fingerprint = tournament.fingerprint();
        let mut resumed = 0;
        if manifest.exists() && !fresh {
            let text = std::fs::read_to_string(&manifest).map_err(io("read", &manifest))?;
            let old: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            let changes = match serde_json::from_value::<Fingerprint>(old["fingerprint"].clone()) {
                Ok(older) => fingerprint.changes_from(&older),
                Err(_) => vec!["the manifest (written by an older impasse, or damaged)".to_owned()],
            };
            if !changes.is_empty() {
                return Err(AppError::Invalid(format!(
                    "{} holds the rows of a different tournament (changed: {}); choose another \
                     output folder or start over (fresh)",
                    folder.display(),
                    changes.join("; ")
                )));
            }
            let csv_rows = complete_lines(&csv_path)?.saturating_sub(1);
            let jsonl_rows = complete_lines(&jsonl_path)?;
            resumed = csv_rows.min(jsonl_rows).min(tournament.len());
            truncate_lines(&csv_path, resumed + 1)?;
            truncate_lines(&jsonl_path, resumed)?;
        } else {
            let manifest_json = serde_json::json!({
                "fingerprint": fingerprint,
                "negotiations": tournament.len(),
                "format": 2,
            });
            std::fs::write(&manifest, format!("{manifest_json:#}\n"))
                .map_err(io("write", &manifest))?;
            std::fs::write(&csv_path, format!("{}\n", CsvRow::HEADER))
                .map_err(io("write", &csv_path))?;
            std::fs::write(&jsonl_path, "").map_err(io("write", &jsonl_path))?;
        }
        let append = |path: &Path| -> Result<BufWriter<File>, AppError> {
            Ok(BufWriter::new(
                OpenOptions::new().append(true).open(path).map_err(io("open", path))?,
            ))
        };
        Ok(Output {
            csv: append(&csv_path)?,
            jsonl: append(&jsonl_path)?,
            folder: folder.to_owned(),
            resumed,
        })
    }

    /// Appends rows to both files and flushes them.
    ///
    /// # Errors
    ///
    /// File errors.
    pub fn write(&mut self, rows: &[Row]) -> Result<(), AppError> {
        let mut csv = String::new();
        let mut jsonl = String::new();
        for row in rows {
            CsvRow(row).write(&mut csv);
            jsonl.push_str(&serde_json::to_string(row).unwrap_or_default());
            jsonl.push('\n');
        }
        let csv_path = self.folder.join("rows.csv");
        let jsonl_path = self.folder.join("rows.jsonl");
        // JSON Lines first: on a crash the CSV is never ahead of it.
        self.jsonl.write_all(jsonl.as_bytes()).map_err(io("write", &jsonl_path))?;
        self.jsonl.flush().map_err(io("write", &jsonl_path))?;
        self.csv.write_all(csv.as_bytes()).map_err(io("write", &csv_path))?;
        self.csv.flush().map_err(io("write", &csv_path))
    }

    /// The folder.
    pub fn folder(&self) -> &Path {
        &self.folder
    }
}

/// Reads every row of a `rows.jsonl` file, streaming.
///
/// # Errors
///
/// File errors or a malformed row.
pub fn summary_of(path: &Path) -> Result<Summary, AppError> {
    let file = File::open(path).map_err(io("open", path))?;
    let mut summary = Summary::default();
    for (k, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io("read", path))?;
        let row: Row = serde_json::from_str(&line).map_err(|err| {
            AppError::Invalid(format!("{}:{}: malformed row: {err}", path.display(), k + 1))
        })?;
        summary.add(&row);
    }
    Ok(summary)
}
