//! `impasse robustness PATH --vary PATH=LOW:HIGH …`: decode the flags, call
//! [`impasse_app::robustness::robustness`], encode the report (JSON or text).

use std::io::Write;
use std::process::ExitCode;

use impasse_app::robustness::{RobustnessRequest, Vary, robustness};
use impasse_format::{GeniusSemantics, Override};
use impasse_report::robustness::render_robustness_text;

use crate::args::{OutputFormat, RobustnessArgs};

pub(crate) fn run(args: &RobustnessArgs) -> anyhow::Result<ExitCode> {
    let vary = match args.vary.iter().map(|v| v.parse::<Vary>()).collect::<Result<Vec<_>, _>>() {
        Ok(vary) => vary,
        Err(err) => return super::fail(err),
    };
    let request = RobustnessRequest {
        samples: args.samples,
        seed: args.seed,
        vary,
        overrides: args.overrides.clone(),
        ..RobustnessRequest::default()
    };
    let (token, bar) =
        super::progress(args.samples < 200, "{bar:40} {pos}/{len} samples  eta {eta}");
    let load =
        |overrides: &[Override]| impasse_app::load(&args.path, overrides, GeniusSemantics::Genius);
    let source = args.path.display().to_string();
    let outcome =
        super::with_threads(args.threads, || robustness(&load, &source, &request, &token))?;
    bar.finish_and_clear();
    let report = match outcome {
        Ok(report) => report,
        Err(err) => return super::fail(err),
    };
    let mut stdout = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut stdout, &report)?;
            writeln!(stdout)?;
        }
        OutputFormat::Text => stdout.write_all(render_robustness_text(&report).as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
