//! The web app's analysis view: the analysis report, the utility space's points for the plot, and
//! the zone's size as a function of the balance of power (from
//! [`impasse_analysis::ripeness::zone_by_balance`]).

use impasse_analysis::prepared::Prepared;
use impasse_analysis::ripeness::zone_by_balance;
use impasse_analysis::{Analysis, AnalysisConfig, AnalysisError, Point};
use impasse_core::Scenario;
use impasse_report::view::{
    AnalysisView, CurvePoint, MAX_PLOT_POINTS, Marked, Plot, PlotPoint, ProposalMark,
};

use crate::{AnalyzeRequest, AppError, Token};

/// Balances at which the ripeness curve is computed (0, 0.01, …, 1).
const CURVE_STEPS: u32 = 100;

fn package_text(scenario: &Scenario, outcome: &[u32]) -> String {
    scenario
        .describe(outcome)
        .into_iter()
        .map(|(issue, value)| format!("{issue}={value}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs the analysis and builds the web app's analysis view.
///
/// # Errors
///
/// As [`crate::analyze()`], and [`AppError::Cancelled`] when `token` stops it.
pub fn analysis_view(
    scenario: &Scenario,
    request: &AnalyzeRequest,
    token: &Token,
) -> Result<AnalysisView, AppError> {
    token.run(|| {
        let config =
            AnalysisConfig { max_outcomes: request.max_outcomes, ..AnalysisConfig::default() };
        let analyzed = crate::analyze(scenario, request)?;
        token.checkpoint();
        let plot = plot(scenario, &analyzed.analysis);
        let report = analyzed.report;
        token.checkpoint();
        let (ripeness_curve, ripeness_curve_note) = if scenario.conflict().is_some() {
            match ripeness_curve(scenario, &config) {
                Ok(curve) => (Some(curve), None),
                Err(err) => (None, Some(err)),
            }
        } else {
            (None, Some("the scenario has no [conflict] section".to_owned()))
        };
        Ok(AnalysisView { report, plot, ripeness_curve, ripeness_curve_note })
    })
}

fn plot(scenario: &Scenario, analysis: &Analysis) -> Plot {
    let parties = scenario.parties();
    let ties = scenario.ties();
    let reservation_keys: Vec<i64> = analysis.reservation.iter().map(|&r| ties.key(r)).collect();
    let space = scenario.space();
    let size = space.size();
    let mut outcome = vec![0u32; space.n_issues()];
    let mut points = Vec::new();
    let sampled = size.is_none_or(|n| n > MAX_PLOT_POINTS);
    if let Some(n) = size {
        let count = n.min(MAX_PLOT_POINTS);
        for k in 0..count {
            let index = if n > MAX_PLOT_POINTS {
                u64::try_from(u128::from(k) * u128::from(n) / u128::from(MAX_PLOT_POINTS))
                    .unwrap_or(0)
            } else {
                k
            };
            space.decode(index, &mut outcome);
            let u: Vec<f64> = (0..parties.len())
                .map(|p| parties[p].utility.eval(&outcome) - scenario.penalty(p, &outcome))
                .collect();
            let zone = scenario.respects_hard_constraints(&outcome)
                && u.iter().zip(&reservation_keys).all(|(&v, &r)| ties.key(v) >= r);
            points.push(PlotPoint { u, zone, package: package_text(scenario, &outcome) });
        }
    }
    let solutions = &analysis.solutions;
    let marked = |name: &'static str, point: &Option<Point>| {
        point.as_ref().map(|p| Marked {
            name,
            u: p.net_utilities.clone(),
            package: package_text(scenario, &p.outcome),
        })
    };
    let solutions = [
        marked("Nash", &solutions.nash),
        marked("Kalai–Smorodinsky", &solutions.kalai_smorodinsky),
        marked("egalitarian", &solutions.egalitarian),
        marked("utilitarian", &solutions.utilitarian),
    ]
    .into_iter()
    .flatten()
    .collect();
    let proposals = analysis
        .proposals
        .iter()
        .filter_map(|score| {
            let proposal = scenario.proposals().get(score.proposal)?;
            Some(ProposalMark {
                id: proposal.id.clone(),
                name: proposal.name.clone(),
                complete: proposal.is_complete(),
                in_zone: score.in_zone,
                min: score.utilities.iter().map(|r| r.0).collect(),
                max: score.utilities.iter().map(|r| r.1).collect(),
            })
        })
        .collect();
    Plot {
        parties: parties.iter().map(|p| p.name.clone()).collect(),
        party_ids: parties.iter().map(|p| p.id.clone()).collect(),
        space_size: space.size_f64(),
        sampled,
        points,
        frontier: analysis.frontier.iter().map(|p| p.utilities.clone()).collect(),
        zone_frontier: analysis.zone_frontier.iter().map(|p| p.net_utilities.clone()).collect(),
        reservation: analysis.reservation.clone(),
        solutions,
        proposals,
    }
}

/// The zone's size at balances 0, 0.01, …, 1, costs as today:
/// [`impasse_analysis::ripeness::zone_by_balance`], the curve the ripeness plot draws.
fn ripeness_curve(scenario: &Scenario, config: &AnalysisConfig) -> Result<Vec<CurvePoint>, String> {
    let prepared = Prepared::new(scenario, config).map_err(|e| e.to_string())?;
    let balances: Vec<f64> =
        (0..=CURVE_STEPS).map(|k| f64::from(k) / f64::from(CURVE_STEPS)).collect();
    let sizes = zone_by_balance(&prepared, &balances)
        .ok_or_else(|| AnalysisError::NoConflict.to_string())?;
    Ok(balances
        .into_iter()
        .zip(sizes)
        .map(|(balance, zone_size)| CurvePoint { balance, zone_size })
        .collect())
}

#[cfg(test)]
mod tests {
    use impasse_analysis::perceived::PerceivedZone;

    use super::*;

    #[test]
    fn the_curve_is_the_previous_one_on_the_shipped_scenarios() {
        // The curve used to be read off the perceived zone's rectangles at (b, b); where every
        // conflict-derived party sits on a side, the perceived zone's exact size there is the
        // zone's at balance b.
        for name in ["negotiation-impasse-2023", "power-shift-ripeness"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../../scenarios/{name}.toml"));
            let scenario = impasse_format::load_path(&path, &[]).unwrap();
            let config = AnalysisConfig::default();
            let curve = ripeness_curve(&scenario, &config).unwrap();
            assert_eq!(curve.len(), CURVE_STEPS as usize + 1);
            let prepared = Prepared::new(&scenario, &config).unwrap();
            let zone = PerceivedZone::new(&prepared, &config).unwrap();
            for point in &curve {
                let b = point.balance;
                let previous = zone.agreement(b, b).map_or(0, |deal| deal.zone_size);
                assert_eq!(point.zone_size, previous, "{name} at {b}");
            }
        }
    }
}
