//! `impasse tournament CONFIG`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use impasse_negotiate::tournament::{
    Entry, GeniusMode, Output, Summary, Tournament, TournamentConfig,
};
use impasse_negotiate::{NegotiateError, Setting};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::args::TournamentArgs;

pub(crate) fn run(args: &TournamentArgs) -> anyhow::Result<ExitCode> {
    let mut stderr = std::io::stderr();
    let text = match std::fs::read_to_string(&args.config) {
        Ok(text) => text,
        Err(err) => {
            writeln!(stderr, "error: cannot read {}: {err}", args.config.display())?;
            return Ok(ExitCode::from(2));
        }
    };
    let file = args.config.display().to_string();
    let config = match TournamentConfig::parse(&text, &file) {
        Ok(config) => config,
        Err(err) => {
            writeln!(stderr, "error: {err}")?;
            return Ok(ExitCode::from(2));
        }
    };
    let base = args.config.parent().unwrap_or(Path::new(".")).to_owned();
    let specs = config.specs()?;
    let semantics = match config.genius_semantics {
        GeniusMode::Genius => impasse_format::GeniusSemantics::Genius,
        GeniusMode::Negmas => impasse_format::GeniusSemantics::Negmas,
    };
    // Find the scenarios.
    let mut found = Vec::new();
    for scenario in &config.scenarios {
        let path = base.join(scenario);
        if !path.exists() {
            writeln!(
                stderr,
                "error: {file}: scenario path '{scenario}' ({}) does not exist",
                path.display()
            )?;
            return Ok(ExitCode::from(2));
        }
        collect(&path, &path, &mut found);
    }
    // Load and prepare them in parallel; report the ones that cannot be negotiated over.
    let loaded: Vec<(String, Result<Arc<Setting>, String>)> =
        super::with_threads(args.threads, || {
            found
                .par_iter()
                .map(|(name, path)| {
                    let setting = impasse_format::load_path_with(path, &[], semantics)
                        .map_err(|diags| {
                            format!(
                                "{} problem(s), first: {}",
                                diags.len(),
                                diags.0.first().map(ToString::to_string).unwrap_or_default()
                            )
                        })
                        .and_then(|scenario| {
                            Setting::from_scenario(Arc::new(scenario)).map_err(|e| e.to_string())
                        });
                    (name.clone(), setting.map(Arc::new))
                })
                .collect()
        })?;
    let mut entries = Vec::new();
    for (name, setting) in loaded {
        match setting {
            Ok(setting) => entries.push((name, setting)),
            Err(err) => writeln!(stderr, "skipped {name}: {err}")?,
        }
    }
    if entries.is_empty() {
        writeln!(stderr, "error: {file}: no scenario could be loaded")?;
        return Ok(ExitCode::from(2));
    }
    let entries: Vec<Entry> = super::with_threads(args.threads, || {
        entries.into_par_iter().map(|(name, setting)| Entry::new(name, setting)).collect()
    })?;
    let tournament = match Tournament::new(
        entries,
        specs,
        config.repetitions,
        config.steps,
        config.seed,
        config.protocol,
    ) {
        Ok(t) => t,
        Err(err) => {
            writeln!(stderr, "error: {file}: {err}")?;
            return Ok(ExitCode::from(2));
        }
    };
    let output_dir = base.join(&config.output);
    let mut output = match Output::open(&output_dir, &tournament, args.fresh) {
        Ok(output) => output,
        Err(err @ NegotiateError::Config(_)) => {
            writeln!(stderr, "error: {err}")?;
            return Ok(ExitCode::from(2));
        }
        Err(err) => return Err(err.into()),
    };
    let total = tournament.len();
    writeln!(
        stderr,
        "{} scenarios × {} agents: {total} negotiations{}",
        tournament.entries.len(),
        tournament.agents.len(),
        if output.resumed > 0 {
            format!(" ({} already done, resuming)", output.resumed)
        } else {
            String::new()
        }
    )?;
    let bar = if args.quiet {
        ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden())
    } else {
        ProgressBar::new(total)
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} negotiations  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_position(output.resumed);
    let start = Instant::now();
    let from = output.resumed;
    let ran = super::with_threads(args.threads, || {
        tournament.run(from, |rows| {
            output.write(rows)?;
            bar.inc(rows.len() as u64);
            Ok::<_, NegotiateError>(())
        })
    })??;
    bar.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    let jsonl = output.folder().join("rows.jsonl");
    let summary = Summary::from_jsonl(&jsonl)?;
    let standings = summary.standings();
    let summary_path = output.folder().join("summary.json");
    let summary_json = serde_json::json!({
        "negotiations": summary.negotiations,
        "agreements": summary.agreements,
        "scenarios": tournament.entries.iter().map(|e| e.name.clone()).collect::<Vec<_>>(),
        "standings": standings,
        "run": { "negotiations": ran, "seconds": seconds },
    });
    std::fs::write(&summary_path, format!("{summary_json:#}\n"))
        .with_context(|| format!("cannot write {}", summary_path.display()))?;
    if let Some(path) = &args.plot {
        // The matrix needs every row; they are read back from rows.jsonl.
        let text = std::fs::read_to_string(&jsonl)
            .with_context(|| format!("cannot read {}", jsonl.display()))?;
        let rows: Vec<impasse_negotiate::tournament::Row> = text
            .lines()
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()
            .with_context(|| format!("malformed row in {}", jsonl.display()))?;
        let matrix = impasse_plot::AgentMatrix::from_rows(&rows);
        if let Some(code) = super::save_plot(impasse_plot::tournament(&standings, &matrix), path)? {
            return Ok(code);
        }
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "{} negotiations ({} agreements) over {} scenarios; ran {ran} in {seconds:.2} s ({:.0}/s)\n",
        summary.negotiations,
        summary.agreements,
        tournament.entries.len(),
        ran as f64 / seconds.max(1e-9)
    )?;
    stdout.write_all(summary.table().as_bytes())?;
    writeln!(
        stdout,
        "\nrows: {}/rows.csv and rows.jsonl; summary: {}",
        output.folder().display(),
        summary_path.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Scenario files and folders under `path`: a file is a scenario; a folder holding `.xml` or
/// `.json` files is one (GENIUS or GeniusWeb); any other folder is searched, in sorted order.
fn collect(root: &Path, path: &Path, found: &mut Vec<(String, PathBuf)>) {
    let name = |p: &Path| {
        let rel = p.strip_prefix(root.parent().unwrap_or(root)).unwrap_or(p);
        rel.display().to_string()
    };
    if path.is_file() {
        found.push((name(path), path.to_owned()));
        return;
    }
    let Ok(read) = std::fs::read_dir(path) else { return };
    let mut children: Vec<PathBuf> = read.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    let is_domain = children
        .iter()
        .any(|c| c.is_file() && c.extension().is_some_and(|e| e == "xml" || e == "json"));
    if is_domain {
        found.push((name(path), path.to_owned()));
        return;
    }
    for child in children {
        if child.is_dir() {
            collect(root, &child, found);
        } else if child.extension().is_some_and(|e| e == "toml") {
            found.push((name(&child), child));
        }
    }
}
