//! `impasse negotiate PATH --agents A,B[,C…]`.

use std::fmt::Write as _;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use impasse_analysis::{AnalysisConfig, Verdict, analyze};
use impasse_core::Scenario;
use impasse_negotiate::{
    AGENT_NAMES, AgentSpec, Discounting, MediatedConfig, Metrics, NegotiationResult, Reference,
    SaoConfig, Setting, run_mediated, run_sao,
};
use impasse_report::{AnalysisReport, ValueReport};
use rayon::prelude::*;
use serde_json::{Map, Value, json};

use crate::args::{DiscountMode, NegotiateArgs, OutputFormat, ProtocolArg};

const DESCRIPTIONS: &[(&str, &str)] = impasse_negotiate::AGENT_DESCRIPTIONS;

pub(crate) fn run(args: &NegotiateArgs) -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    if args.list_agents {
        debug_assert_eq!(DESCRIPTIONS.len(), AGENT_NAMES.len());
        for (name, what) in DESCRIPTIONS {
            writeln!(stdout, "{name:<20} {what}")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let specs =
        match args.agents.iter().map(|a| a.parse::<AgentSpec>()).collect::<Result<Vec<_>, _>>() {
            Ok(specs) => specs,
            Err(err) => {
                writeln!(std::io::stderr(), "error: {err}")?;
                return Ok(ExitCode::from(2));
            }
        };
    let Some(path) = &args.path else {
        anyhow::bail!("a scenario path is needed");
    };
    let scenario = match super::load(path, &args.overrides, args.genius_semantics.library())? {
        Ok(scenario) => Arc::new(scenario),
        Err(code) => return Ok(code),
    };
    let parties: Vec<&str> = scenario.parties().iter().map(|p| p.id.as_str()).collect();
    if specs.len() != parties.len() {
        writeln!(
            std::io::stderr(),
            "error: {} agent{} given for {} parties ({}); give one agent per party, in that order",
            specs.len(),
            if specs.len() == 1 { "" } else { "s" },
            parties.len(),
            parties.join(", ")
        )?;
        return Ok(ExitCode::from(2));
    }
    if args.steps == 0 || args.repetitions == 0 {
        writeln!(std::io::stderr(), "error: --steps and --repetitions must be at least 1")?;
        return Ok(ExitCode::from(2));
    }
    let time_limit = match args.time_limit {
        Some(secs) if !(secs.is_finite() && secs > 0.0) => {
            writeln!(
                std::io::stderr(),
                "error: --time-limit must be a positive number of seconds"
            )?;
            return Ok(ExitCode::from(2));
        }
        other => other.map(Duration::from_secs_f64),
    };
    let discounting = match (args.discount, args.discount_mode) {
        (None, _) => Discounting::None,
        (Some(d), _) if !(d > 0.0 && d <= 1.0) => {
            writeln!(std::io::stderr(), "error: --discount must be in (0, 1]")?;
            return Ok(ExitCode::from(2));
        }
        (Some(d), DiscountMode::Genius) => Discounting::RelativeTime(d),
        (Some(d), DiscountMode::Negmas) => Discounting::PerStep(d),
    };
    let setting = Setting::from_scenario(scenario.clone())
        .with_context(|| format!("cannot negotiate over {}", path.display()))?;
    let one = |seed: u64, record: bool| -> NegotiationResult {
        let mut agents: Vec<_> = specs
            .iter()
            .enumerate()
            .map(|(me, spec)| spec.build(&setting, me, seed.wrapping_add(me as u64 * 0x9E37_79B9)))
            .collect();
        match args.protocol {
            ProtocolArg::Sao => {
                let config = SaoConfig {
                    n_steps: Some(args.steps),
                    time_limit,
                    discounting,
                    record_trace: record,
                };
                run_sao(&setting, &mut agents, &config)
            }
            ProtocolArg::Mediated => {
                let config = MediatedConfig { n_steps: args.steps, seed, record_trace: record };
                run_mediated(&setting, &mut agents, &config)
            }
        }
    };
    let result = one(args.seed, true);
    let mut throughput = None;
    if args.repetitions > 1 {
        let start = Instant::now();
        let n_parties = parties.len();
        // Fixed chunks of runs, each summed in order, chunk sums added in order: the figures do
        // not depend on the thread count, and no per-run result is kept.
        const CHUNK: u64 = 1024;
        let total = u64::from(args.repetitions);
        let chunks = super::with_threads(args.threads, || {
            (0..total.div_ceil(CHUNK))
                .into_par_iter()
                .map(|chunk| {
                    let mut acc = (0u64, 0u64, 0u64, vec![0.0; n_parties]);
                    for k in chunk * CHUNK..((chunk + 1) * CHUNK).min(total) {
                        let r = one(args.seed.wrapping_add(k), false);
                        acc.0 += 1;
                        acc.1 += u64::from(r.agreement.is_some());
                        acc.2 += u64::from(r.steps);
                        for (sum, u) in acc.3.iter_mut().zip(&r.utilities) {
                            *sum += u;
                        }
                    }
                    acc
                })
                .collect::<Vec<_>>()
        })?;
        let (mut runs, mut agreements, mut steps, mut sums) =
            (0u64, 0u64, 0u64, vec![0.0; n_parties]);
        for (r, a, s, u) in chunks {
            runs += r;
            agreements += a;
            steps += s;
            for (x, y) in sums.iter_mut().zip(&u) {
                *x += y;
            }
        }
        let seconds = start.elapsed().as_secs_f64();
        throughput = Some(json!({
            "repetitions": runs,
            "seconds": seconds,
            "negotiations_per_second": runs as f64 / seconds,
            "steps_per_second": steps as f64 / seconds,
            "mean_steps": steps as f64 / runs as f64,
            "agreement_rate": agreements as f64 / runs as f64,
            "mean_utilities": sums.iter().map(|s| s / runs as f64).collect::<Vec<_>>(),
        }));
    }
    let reference = Reference::new(&setting);
    let metrics = Metrics::new(&result, &reference);
    let why = if result.agreement.is_none() { Some(why_not(&scenario)?) } else { None };
    let report = report(&scenario, &setting, &specs, &result, &metrics, why, throughput, args);
    if let Some(path) = &args.trace {
        write_trace(path, &report).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(path) = &args.plot {
        let analysis = analyze(&scenario, &AnalysisConfig::default())
            .with_context(|| format!("cannot analyse {} to draw it", path.display()))?;
        let options = impasse_plot::SpaceOptions {
            parties: None,
            negotiation: Some(&result),
            setting: Some(&setting),
        };
        if let Some(code) =
            super::save_plot(impasse_plot::utility_space(&scenario, &analysis, &options), path)?
        {
            return Ok(code);
        }
    }
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut stdout, &report)?;
            writeln!(stdout)?;
        }
        OutputFormat::Text => stdout.write_all(text(&report).as_bytes())?,
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Why no agreement was possible: the analysis verdict and its minimal clash sets.
fn why_not(scenario: &Scenario) -> anyhow::Result<Value> {
    let config = AnalysisConfig { max_clashes: 8, ..AnalysisConfig::default() };
    let analysis = match analyze(scenario, &config) {
        Ok(analysis) => analysis,
        Err(err) => return Ok(json!({ "analysis": err.to_string() })),
    };
    if analysis.verdict == Verdict::AgreementPossible {
        return Ok(json!({
            "zone_of_agreement": "non-empty",
            "zone_size": analysis.zone.size.to_string(),
            "explanation": "a zone of agreement existed; the agents did not reach it before the deadline",
        }));
    }
    let report = AnalysisReport::new(scenario, &analysis);
    Ok(json!({
        "zone_of_agreement": "empty",
        "explanation": "no package satisfies every party: each clash below is a minimal set of \
                        constraints that cannot all hold, and dropping any one of them opens a zone",
        "clashes": report.clashes,
        "ripeness": report.ripeness,
    }))
}

fn outcome_map(scenario: &Scenario, setting: &Setting, outcome: u32) -> Value {
    let mut map = Map::new();
    for (issue, value) in scenario.describe(&setting.decode(outcome)) {
        map.insert(issue, serde_json::to_value(ValueReport::from(value)).unwrap_or(Value::Null));
    }
    Value::Object(map)
}

fn per_party(setting: &Setting, values: &[f64]) -> Value {
    let mut map = Map::new();
    for (party, &v) in setting.parties().iter().zip(values) {
        map.insert(party.id.clone(), json!(v));
    }
    Value::Object(map)
}

#[allow(clippy::too_many_arguments)]
fn report(
    scenario: &Scenario,
    setting: &Setting,
    specs: &[AgentSpec],
    result: &NegotiationResult,
    metrics: &Metrics,
    why: Option<Value>,
    throughput: Option<Value>,
    args: &NegotiateArgs,
) -> Value {
    let parties = setting.parties();
    let mediator = parties.len();
    let trace: Vec<Value> = result
        .trace
        .iter()
        .map(|offer| {
            json!({
                "step": offer.step,
                "time": offer.time,
                "proposer": if offer.proposer == mediator { "mediator".to_owned() } else { parties[offer.proposer].id.clone() },
                "outcome": outcome_map(scenario, setting, offer.outcome),
                "outcome_index": offer.outcome,
                "utilities": per_party(setting, &setting.utilities(offer.outcome)),
            })
        })
        .collect();
    let agents: Map<String, Value> =
        parties.iter().zip(specs).map(|(p, s)| (p.id.clone(), json!(s.to_string()))).collect();
    let end_party = match result.end {
        impasse_negotiate::EndReason::Ended { party }
        | impasse_negotiate::EndReason::InvalidOffer { party, .. } => {
            Some(parties[party].id.clone())
        }
        _ => None,
    };
    json!({
        "scenario": scenario.name(),
        "protocol": match args.protocol { ProtocolArg::Sao => "sao", ProtocolArg::Mediated => "mediated" },
        "agents": agents,
        "n_steps": args.steps,
        "seed": args.seed,
        "agreement": result.agreement.map(|o| outcome_map(scenario, setting, o)),
        "agreement_index": result.agreement,
        "end": result.end.label(),
        "ended_by": end_party,
        "steps": result.steps,
        "offers": result.offers,
        "vetoes": result.vetoes,
        "utilities": per_party(setting, &result.utilities),
        "reservation": per_party(setting, &setting.reservation()),
        "welfare": metrics.welfare,
        "pareto_distance": metrics.pareto_distance,
        "nash_distance": metrics.nash_distance,
        "why_no_agreement": why,
        "throughput": throughput,
        "trace": trace,
    })
}

fn text(report: &Value) -> String {
    let mut out = String::new();
    let agents: Vec<String> = report["agents"]
        .as_object()
        .map(|m| m.iter().map(|(p, a)| format!("{p}={}", a.as_str().unwrap_or("?"))).collect())
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "Negotiation on {} ({})",
        report["scenario"].as_str().unwrap_or(""),
        report["protocol"].as_str().unwrap_or("")
    );
    let _ = writeln!(out, "  agents: {}", agents.join(", "));
    let steps = report["steps"].as_u64().unwrap_or(0);
    let n_steps = report["n_steps"].as_u64().unwrap_or(0);
    match report["end"].as_str() {
        Some("agreement") => {
            let _ = writeln!(
                out,
                "\nAgreement after {steps} of {n_steps} steps ({} offers):",
                report["offers"]
            );
            if let Some(map) = report["agreement"].as_object() {
                for (issue, value) in map {
                    let _ = writeln!(out, "  {issue} = {}", display(value));
                }
            }
        }
        Some(end) => {
            let how = match end {
                "deadline" => format!("the deadline passed after {steps} steps"),
                "ended" => format!(
                    "{} walked away at step {steps}",
                    report["ended_by"].as_str().unwrap_or("a party")
                ),
                "not-ratified" => "the final text was not ratified by every party".to_owned(),
                other => other.to_owned(),
            };
            let _ = writeln!(
                out,
                "\nNo agreement: {how} ({} offers, {} vetoed acceptances).",
                report["offers"], report["vetoes"]
            );
        }
        None => {}
    }
    let _ = writeln!(out, "\nUtilities (reservation value):");
    if let (Some(u), Some(r)) = (report["utilities"].as_object(), report["reservation"].as_object())
    {
        for (party, value) in u {
            let _ = writeln!(
                out,
                "  {party:<24} {:>9.4}  ({:.4})",
                value.as_f64().unwrap_or(f64::NAN),
                r[party].as_f64().unwrap_or(f64::NAN)
            );
        }
    }
    let _ = writeln!(
        out,
        "  welfare {:.4}, distance to Pareto frontier {:.4}, to Nash point {}",
        report["welfare"].as_f64().unwrap_or(f64::NAN),
        report["pareto_distance"].as_f64().unwrap_or(f64::NAN),
        report["nash_distance"].as_f64().map_or("- (no zone)".to_owned(), |d| format!("{d:.4}"))
    );
    if let Some(why) = report["why_no_agreement"].as_object() {
        let _ = writeln!(out, "\nWhy no agreement:");
        let _ = writeln!(out, "  {}", why.get("explanation").and_then(Value::as_str).unwrap_or(""));
        if let Some(clashes) = why.get("clashes").and_then(Value::as_array) {
            for (k, clash) in clashes.iter().enumerate() {
                let _ = writeln!(out, "  clash {}:", k + 1);
                for c in clash.as_array().into_iter().flatten() {
                    let _ = writeln!(
                        out,
                        "    - {} ({}, {}): {}",
                        c["constraint"].as_str().unwrap_or(""),
                        c["party"].as_str().unwrap_or(""),
                        c["kind"].as_str().unwrap_or(""),
                        c["description"].as_str().unwrap_or("")
                    );
                }
            }
        }
    }
    if let Some(t) = report["throughput"].as_object() {
        let _ = writeln!(
            out,
            "\n{} repetitions in {:.3} s: {:.0} negotiations per second, agreement rate {:.3}",
            t["repetitions"],
            t["seconds"].as_f64().unwrap_or(0.0),
            t["negotiations_per_second"].as_f64().unwrap_or(0.0),
            t["agreement_rate"].as_f64().unwrap_or(0.0)
        );
    }
    out
}

fn display(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

fn write_trace(path: &std::path::Path, report: &Value) -> anyhow::Result<()> {
    let trace = report["trace"].as_array().cloned().unwrap_or_default();
    if path.extension().is_some_and(|e| e == "json") {
        std::fs::write(path, serde_json::to_string_pretty(&trace)? + "\n")?;
        return Ok(());
    }
    let mut out = String::new();
    let parties: Vec<String> =
        report["utilities"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
    let issues: Vec<String> = trace
        .first()
        .and_then(|t| t["outcome"].as_object())
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut header = vec![
        "step".to_owned(),
        "time".to_owned(),
        "proposer".to_owned(),
        "outcome_index".to_owned(),
    ];
    header.extend(issues.iter().cloned());
    header.extend(parties.iter().map(|p| format!("u_{p}")));
    let _ = writeln!(out, "{}", header.iter().map(|h| csv(h)).collect::<Vec<_>>().join(","));
    for t in &trace {
        let mut row = vec![
            t["step"].to_string(),
            t["time"].to_string(),
            csv(t["proposer"].as_str().unwrap_or("")),
            t["outcome_index"].to_string(),
        ];
        row.extend(issues.iter().map(|i| csv(&display(&t["outcome"][i]))));
        row.extend(parties.iter().map(|p| t["utilities"][p].to_string()));
        let _ = writeln!(out, "{}", row.join(","));
    }
    std::fs::write(path, out)?;
    Ok(())
}

fn csv(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}
