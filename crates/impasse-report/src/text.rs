//! The text report: what an analyst reads.

use crate::safe::one_line;
use std::fmt::Write;

use crate::model::{AnalysisReport, ConstraintReport, OrderedMap, PointReport, ValueReport};

/// Renders the report as text for a terminal.
pub fn render_text(report: &AnalysisReport) -> String {
    crate::safe::safe_owned(render_text_unescaped(report))
}

fn render_text_unescaped(report: &AnalysisReport) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_report(&mut out, report);
    out
}

fn write_report(out: &mut String, report: &AnalysisReport) -> std::fmt::Result {
    let scenario = &report.scenario;
    writeln!(out, "{}", one_line(&scenario.name))?;
    writeln!(
        out,
        "{} parties, {} issues, {} packages ({} analysed after merging interchangeable values)",
        scenario.parties.len(),
        scenario.issues.len(),
        group(scenario.outcomes),
        group(u128::from(scenario.analysed_classes)),
    )?;
    writeln!(out)?;
    let zone = &report.agreement_zone;
    if report.verdict == "impasse" {
        writeln!(out, "VERDICT: IMPASSE. No package is acceptable to every party.")?;
        if zone.hard_feasible == 0 {
            writeln!(
                out,
                "No package respects every absolute red line{}: no shift in power or costs can open a zone.",
                if scenario.preconditions > 0 { " and precondition" } else { "" }
            )?;
        }
        if scenario.preconditions > 0 && !zone.preconditions_compatible {
            writeln!(
                out,
                "Talks cannot even start: the preconditions cannot be met without crossing an absolute red line."
            )?;
        }
    } else {
        writeln!(
            out,
            "VERDICT: AGREEMENT POSSIBLE. {} of {} packages ({:.2}%) are acceptable to every party.",
            group(zone.size),
            group(scenario.outcomes),
            100.0 * zone.share
        )?;
    }
    writeln!(out)?;

    writeln!(out, "No-deal (reservation) values")?;
    for party in &scenario.parties {
        let source = if party.reservation_source == "conflict" {
            "  (value of continuing the conflict)"
        } else {
            ""
        };
        writeln!(out, "  {:<20} {:>8.3}{}", one_line(&party.name), party.reservation, source)?;
    }
    writeln!(out)?;

    if !report.clashes.is_empty() {
        writeln!(
            out,
            "Why: minimal sets of clashing constraints (together they leave no acceptable package; dropping any one member opens a zone)"
        )?;
        for (idx, set) in report.clashes.iter().enumerate() {
            for (member_idx, member) in set.iter().enumerate() {
                let lead =
                    if member_idx == 0 { format!("{:>3}.", idx + 1) } else { "   +".to_owned() };
                writeln!(out, "{lead} {}", constraint_line(member))?;
            }
        }
        if report.clashes_truncated {
            writeln!(out, "  (more clashing sets exist; the list was cut at the configured cap)")?;
        }
        writeln!(out)?;
    }

    if !report.proposals.is_empty() {
        writeln!(
            out,
            "Proposals (utility after red-line penalties; + acceptable, - not, ? depends)"
        )?;
        for proposal in &report.proposals {
            let by = proposal.by.as_deref().map(|by| format!(" (by {by})")).unwrap_or_default();
            let partial = if proposal.complete {
                String::new()
            } else {
                format!(", partial: {} completions", group(proposal.completions))
            };
            writeln!(out, "  {}{}{}", one_line(&proposal.name), by, partial)?;
            let mut scores = String::new();
            for (party, range) in &proposal.utilities.0 {
                let mark = match proposal.acceptable.get(party).copied() {
                    Some("yes") => '+',
                    Some("no") => '-',
                    _ => '?',
                };
                if (range.max - range.min).abs() < 1e-12 {
                    let _ = write!(scores, "  {party} {:.3}{mark}", range.min);
                } else {
                    let _ = write!(scores, "  {party} {:.3}..{:.3}{mark}", range.min, range.max);
                }
            }
            writeln!(out, "   {scores}")?;
            for line in &proposal.red_lines_crossed {
                writeln!(out, "     crosses {}", constraint_line(line))?;
            }
            for line in &proposal.red_lines_maybe_crossed {
                writeln!(out, "     may cross {}", constraint_line(line))?;
            }
            for pre in &proposal.preconditions_violated {
                writeln!(out, "     violates {}", constraint_line(pre))?;
            }
            for pre in &proposal.preconditions_maybe_violated {
                writeln!(out, "     may violate {}", constraint_line(pre))?;
            }
            if proposal.in_zone {
                writeln!(out, "     lies in the zone of agreement")?;
            }
        }
        writeln!(out)?;
    }

    if !report.closest.is_empty() {
        writeln!(
            out,
            "Packages closest to agreement (smallest worst shortfall below a reservation value)"
        )?;
        for (idx, closest) in report.closest.iter().enumerate() {
            writeln!(
                out,
                "{:>3}. worst shortfall {:.3}: {}",
                idx + 1,
                closest.worst_shortfall,
                package(&closest.outcome)
            )?;
            let shortfalls: Vec<String> = closest
                .shortfalls
                .0
                .iter()
                .filter(|(_, value)| *value > 0.0)
                .map(|(party, value)| format!("{party} {value:.3}"))
                .collect();
            if !shortfalls.is_empty() {
                writeln!(out, "     short: {}", shortfalls.join(", "))?;
            }
            for violation in &closest.hard_violations {
                writeln!(out, "     violates {}", constraint_line(violation))?;
            }
        }
        writeln!(out)?;
    }

    if let Some(ripeness) = &report.ripeness {
        crate::ripeness::write_text(out, ripeness, report)?;
        writeln!(out)?;
    }

    let solutions = [
        ("Nash", &report.solutions.nash),
        ("Kalai-Smorodinsky", &report.solutions.kalai_smorodinsky),
        ("Egalitarian", &report.solutions.egalitarian),
        ("Utilitarian", &report.solutions.utilitarian),
    ];
    if solutions.iter().any(|(_, point)| point.is_some()) {
        writeln!(
            out,
            "Bargaining solutions over the zone (disagreement point: the reservation values)"
        )?;
        for (name, point) in solutions {
            if let Some(point) = point {
                writeln!(out, "  {name:<18} {}", utilities(&point.utilities))?;
                writeln!(out, "  {:<18} {}", "", package(&point.outcome))?;
            }
        }
        writeln!(out)?;
    }

    writeln!(
        out,
        "Pareto frontier: {} packages in the whole space, {} in the zone",
        group(report.pareto_frontier_size),
        group(report.zone_pareto_frontier_size)
    )?;
    write_frontier(out, &report.pareto_frontier)?;

    if !report.notes.is_empty() {
        writeln!(out)?;
        writeln!(out, "Notes")?;
        for note in &report.notes {
            writeln!(out, "  - {note}")?;
        }
    }
    if !report.warnings.is_empty() {
        writeln!(out)?;
        writeln!(out, "Read with assumptions")?;
        for warning in &report.warnings {
            writeln!(out, "  - {warning}")?;
        }
    }
    Ok(())
}

fn write_frontier(out: &mut String, frontier: &[PointReport]) -> std::fmt::Result {
    const SHOWN: usize = 8;
    for point in frontier.iter().take(SHOWN) {
        writeln!(out, "  {}  {}", utilities(&point.utilities), package(&point.outcome))?;
    }
    if frontier.len() > SHOWN {
        writeln!(out, "  ... {} more (use --format json for all)", frontier.len() - SHOWN)?;
    }
    Ok(())
}

pub(crate) fn constraint_line(constraint: &ConstraintReport) -> String {
    match constraint.kind {
        "reservation" => format!("{}'s reservation value", constraint.party),
        "precondition" => {
            format!(
                "{}'s precondition '{}': {}",
                constraint.party, constraint.constraint, constraint.description
            )
        }
        _ => format!(
            "{}'s red line '{}': {}",
            constraint.party, constraint.constraint, constraint.description
        ),
    }
}

pub(crate) fn package(outcome: &OrderedMap<ValueReport>) -> String {
    outcome
        .0
        .iter()
        .map(|(issue, value)| match value {
            ValueReport::Label(label) => format!("{issue}={label}"),
            ValueReport::Int(value) => format!("{issue}={value}"),
            ValueReport::Real(value) => format!("{issue}={value}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn utilities(values: &OrderedMap<f64>) -> String {
    values
        .0
        .iter()
        .map(|(party, value)| format!("{party} {value:.3}"))
        .collect::<Vec<_>>()
        .join("  ")
}

pub(crate) fn group(value: u128) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (idx, digit) in digits.chars().enumerate() {
        if idx > 0 && (digits.len() - idx).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_digits() {
        assert_eq!(group(0), "0");
        assert_eq!(group(1234), "1,234");
        assert_eq!(group(10_000_000_000), "10,000,000,000");
    }
}
