//! `impasse tournament CONFIG`: decode, call [`impasse_app::tournament`], encode.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use impasse_app::tournament::{configure, run as run_tournament};
use impasse_report::tournament::render_tournament_text;

use crate::args::TournamentArgs;

pub(crate) fn run(args: &TournamentArgs) -> anyhow::Result<ExitCode> {
    let mut stderr = std::io::stderr();
    let configured = match super::with_threads(args.threads, || configure(&args.config))? {
        Ok(configured) => configured,
        Err(err) => return super::fail(err),
    };
    for skipped in &configured.skipped {
        writeln!(
            stderr,
            "{}",
            impasse_report::safe::terminal_safe(&format!(
                "skipped {}: {}",
                skipped.scenario, skipped.reason
            ))
        )?;
    }
    let output = configured.output.clone();
    let file = args.config.display().to_string();
    let tournament = match super::with_threads(args.threads, || configured.request.prepare())? {
        Ok(tournament) => tournament,
        Err(err) => return super::fail(impasse_app::AppError::Invalid(format!("{file}: {err}"))),
    };
    writeln!(
        stderr,
        "{} scenarios × {} agents: {} negotiations",
        tournament.entries.len(),
        tournament.agents.len(),
        tournament.len()
    )?;
    let (token, bar) =
        super::progress(args.quiet, "{bar:40} {pos}/{len} negotiations  {per_sec}  eta {eta}");
    let report = match super::with_threads(args.threads, || {
        run_tournament(&tournament, &output, args.fresh, configured.skipped.clone(), &token)
    })? {
        Ok(report) => report,
        Err(impasse_app::AppError::Invalid(message)) => {
            bar.finish_and_clear();
            let message = message.replace("start over (fresh)", "start over with --fresh");
            return super::fail(impasse_app::AppError::Invalid(message));
        }
        Err(err) => {
            bar.finish_and_clear();
            return super::fail(err);
        }
    };
    bar.finish_and_clear();
    if report.run.resumed > 0 {
        writeln!(stderr, "{} negotiations were already done and were resumed", report.run.resumed)?;
    }
    if let Some(path) = &args.plot {
        // The matrix needs every row; they are read back from rows.jsonl.
        let jsonl = output.join("rows.jsonl");
        let text = std::fs::read_to_string(&jsonl)
            .with_context(|| format!("cannot read {}", jsonl.display()))?;
        let rows: Vec<impasse_negotiate::tournament::Row> = text
            .lines()
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()
            .with_context(|| format!("malformed row in {}", jsonl.display()))?;
        let matrix = impasse_plot::AgentMatrix::from_rows(&rows);
        if let Some(code) =
            super::save_plot(impasse_plot::tournament(&report.standings, &matrix), path)?
        {
            return Ok(code);
        }
    }
    std::io::stdout().lock().write_all(render_tournament_text(&report).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
