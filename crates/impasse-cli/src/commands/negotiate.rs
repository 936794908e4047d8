//! `impasse negotiate PATH --agents A,B[,C…]`: decode the flags, call
//! [`impasse_app::negotiate::negotiate`], encode the report.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use impasse_app::negotiate::{NegotiateRequest, agents_by_name, negotiate};
use impasse_app::{AnalyzeRequest, AppError, Token};
use impasse_negotiate::tournament::Protocol;
use impasse_negotiate::{AGENT_DESCRIPTIONS, Discounting};
use impasse_report::negotiation::{render_negotiation_text, render_trace_csv};

use crate::args::{DiscountMode, NegotiateArgs, OutputFormat, ProtocolArg};

pub(crate) fn run(args: &NegotiateArgs) -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    if args.list_agents {
        for (name, what) in AGENT_DESCRIPTIONS {
            writeln!(stdout, "{name:<20} {what}")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let agents = match agents_by_name(&args.agents) {
        Ok(agents) => agents,
        Err(err) => return super::fail(err),
    };
    let Some(path) = &args.path else {
        anyhow::bail!("a scenario path is needed");
    };
    let time_limit = match args.time_limit {
        Some(secs) if !(secs.is_finite() && secs > 0.0) => {
            return super::fail(AppError::field(
                "time_limit",
                "must be a positive number of seconds",
            ));
        }
        other => other.map(Duration::from_secs_f64),
    };
    let discounting = match (args.discount, args.discount_mode) {
        (None, _) => Discounting::None,
        (Some(d), DiscountMode::Genius) => Discounting::RelativeTime(d),
        (Some(d), DiscountMode::Negmas) => Discounting::PerStep(d),
    };
    let scenario = match super::load(path, &args.overrides, args.genius_semantics.library())? {
        Ok(scenario) => Arc::new(scenario),
        Err(code) => return Ok(code),
    };
    let request = NegotiateRequest {
        agents,
        protocol: match args.protocol {
            ProtocolArg::Sao => Protocol::Sao,
            ProtocolArg::Mediated => Protocol::Mediated,
        },
        steps: args.steps,
        seed: args.seed,
        repetitions: args.repetitions,
        time_limit,
        discounting,
        max_outcomes: impasse_negotiate::MAX_NEGOTIATION_OUTCOMES,
        why_not: true,
    };
    let negotiation = match super::with_threads(args.threads, || {
        negotiate(scenario.clone(), &request, &Token::new())
    })? {
        Ok(negotiation) => negotiation,
        Err(err) => return super::fail(err),
    };
    let report = &negotiation.report;
    if let Some(path) = &args.trace {
        let text = if path.extension().is_some_and(|e| e == "json") {
            serde_json::to_string_pretty(&report.trace)? + "\n"
        } else {
            render_trace_csv(report)
        };
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(path) = &args.plot {
        let analysis = match impasse_app::analyze(&scenario, &AnalyzeRequest::default()) {
            Ok(analyzed) => analyzed.analysis,
            Err(err) => return super::fail(err),
        };
        let options = impasse_plot::SpaceOptions {
            parties: None,
            negotiation: Some(&negotiation.result),
            setting: Some(&negotiation.setting),
        };
        if let Some(code) =
            super::save_plot(impasse_plot::utility_space(&scenario, &analysis, &options), path)?
        {
            return Ok(code);
        }
    }
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut stdout, report)?;
            writeln!(stdout)?;
        }
        OutputFormat::Text => stdout.write_all(render_negotiation_text(report).as_bytes())?,
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}
