//! Comparison of an analysis with the brute-force oracle, shared by the property tests and the
//! multi-chunk tests.

use std::collections::BTreeMap;

use impasse_analysis::prepared::Prepared;
use impasse_analysis::{Analysis, AnalysisConfig, Point, Verdict, analyze};
use impasse_core::{Scenario, Ties};
use impasse_testkit::oracle::Oracle;

/// Every reported frontier point's class representative, with its count; and the same built from
/// the oracle's list of frontier packages (each mapped to its class).
fn compare_frontier(
    prepared: &Prepared<'_>,
    oracle: &Oracle,
    expected: &[u64],
    reported: &[Point],
    reported_size: u128,
    net: bool,
    what: &str,
) -> Result<(), String> {
    let ties = prepared.scenario.ties();
    let mut want: BTreeMap<Vec<u32>, u128> = BTreeMap::new();
    for &index in expected {
        let package = &oracle.packages[index as usize];
        let representative = prepared.representative(&prepared.class_of(&package.outcome));
        *want.entry(representative).or_default() += 1;
    }
    let mut got: BTreeMap<Vec<u32>, u128> = BTreeMap::new();
    for point in reported {
        if got.insert(point.outcome.clone(), point.count).is_some() {
            return Err(format!("{what}: {:?} listed twice", point.outcome));
        }
        // The reported utilities are the package's own.
        let package = oracle
            .packages
            .iter()
            .find(|p| p.outcome == point.outcome)
            .ok_or_else(|| format!("{what}: unknown package {:?}", point.outcome))?;
        if package.utilities != point.utilities
            || package.net_keys != keys(ties, &point.net_utilities)
        {
            return Err(format!("{what}: utilities of {:?} differ", point.outcome));
        }
    }
    if want != got {
        return Err(format!("{what}: expected {want:?}, got {got:?}"));
    }
    if reported_size != expected.len() as u128 {
        return Err(format!("{what}: size {reported_size}, expected {}", expected.len()));
    }
    // Report order: keys descending (party 0 first), then package.
    for pair in reported.windows(2) {
        let key = |p: &Point| keys(ties, if net { &p.net_utilities } else { &p.utilities });
        let (a, b) = (key(&pair[0]), key(&pair[1]));
        if a < b || (a == b && pair[0].outcome > pair[1].outcome) {
            return Err(format!("{what}: out of order: {:?} before {:?}", pair[0], pair[1]));
        }
    }
    Ok(())
}

fn keys(ties: Ties, values: &[f64]) -> Vec<i64> {
    values.iter().map(|&u| ties.key(u)).collect()
}

/// Checks everything `analyze` reports against the oracle; `quadratic` selects the purely
/// definitional (quadratic) frontier oracle, otherwise the `O(n·F)` one.
pub(crate) fn against_oracle(scenario: &Scenario, quadratic: bool) -> Result<Analysis, String> {
    let config =
        AnalysisConfig { max_frontier: usize::MAX, max_closest: 7, ..AnalysisConfig::default() };
    let analysis = analyze(scenario, &config).map_err(|err| err.to_string())?;
    let prepared = Prepared::new(scenario, &config).map_err(|err| err.to_string())?;
    let oracle = Oracle::new(scenario);
    let expect_eq = |what: &str, got: String, want: String| {
        if got == want { Ok(()) } else { Err(format!("{what}: got {got}, expected {want}")) }
    };
    expect_eq("zone size", analysis.zone.size.to_string(), oracle.zone_size().to_string())?;
    expect_eq(
        "hard feasible",
        analysis.zone.hard_feasible.to_string(),
        oracle.hard_feasible().to_string(),
    )?;
    expect_eq(
        "space size",
        analysis.zone.space_size.to_string(),
        oracle.packages.len().to_string(),
    )?;
    expect_eq(
        "preconditions compatible",
        analysis.zone.preconditions_compatible.to_string(),
        (oracle.hard_feasible() > 0).to_string(),
    )?;
    let verdict =
        if oracle.zone_size() > 0 { Verdict::AgreementPossible } else { Verdict::Impasse };
    expect_eq("verdict", format!("{:?}", analysis.verdict), format!("{verdict:?}"))?;
    let (frontier, zone_frontier) = if quadratic {
        (oracle.frontier(), oracle.zone_frontier())
    } else {
        (oracle.frontier_by_sum(), oracle.zone_frontier_by_sum())
    };
    compare_frontier(
        &prepared,
        &oracle,
        &frontier,
        &analysis.frontier,
        analysis.frontier_size,
        false,
        "frontier",
    )?;
    compare_frontier(
        &prepared,
        &oracle,
        &zone_frontier,
        &analysis.zone_frontier,
        analysis.zone_frontier_size,
        true,
        "zone frontier",
    )?;
    // Solutions: the same package (the oracle's tie-break picks the lowest original index, which
    // is its class's representative).
    let chosen = oracle.solutions();
    let outcome = |index: Option<u64>| index.map(|i| oracle.packages[i as usize].outcome.clone());
    let reported = |point: &Option<Point>| point.as_ref().map(|p| p.outcome.clone());
    let solutions = &analysis.solutions;
    expect_eq(
        "nash",
        format!("{:?}", reported(&solutions.nash)),
        format!("{:?}", outcome(chosen.nash)),
    )?;
    expect_eq(
        "kalai-smorodinsky",
        format!("{:?}", reported(&solutions.kalai_smorodinsky)),
        format!("{:?}", outcome(chosen.kalai_smorodinsky)),
    )?;
    expect_eq(
        "egalitarian",
        format!("{:?}", reported(&solutions.egalitarian)),
        format!("{:?}", outcome(chosen.egalitarian)),
    )?;
    expect_eq(
        "utilitarian",
        format!("{:?}", reported(&solutions.utilitarian)),
        format!("{:?}", outcome(chosen.utilitarian)),
    )?;
    // Closest packages: the oracle's ranking with packages of the same class collapsed.
    if analysis.verdict == Verdict::Impasse {
        let mut seen = std::collections::BTreeSet::new();
        let want: Vec<(i64, Vec<u32>)> = oracle
            .closest_ranking()
            .into_iter()
            .filter_map(|(worst, _, index)| {
                let package = &oracle.packages[index as usize];
                let representative = prepared.representative(&prepared.class_of(&package.outcome));
                seen.insert(representative.clone()).then_some((worst, representative))
            })
            .take(config.max_closest)
            .collect();
        let reservation_keys = &oracle.reservation_keys;
        let got: Vec<(i64, Vec<u32>)> = analysis
            .closest
            .iter()
            .map(|closest| {
                let worst = keys(scenario.ties(), &closest.point.net_utilities)
                    .iter()
                    .zip(reservation_keys)
                    .map(|(&k, &r)| r.saturating_sub(k).max(0))
                    .max()
                    .unwrap_or(0);
                (worst, closest.point.outcome.clone())
            })
            .collect();
        expect_eq("closest", format!("{got:?}"), format!("{want:?}"))?;
        for (closest, (worst_key, _)) in analysis.closest.iter().zip(&got) {
            let worst = closest.shortfalls.iter().copied().fold(0.0, f64::max);
            let resolution = scenario.ties().resolution();
            if (worst - *worst_key as f64 * resolution).abs() > resolution {
                return Err(format!("closest shortfall {worst} vs {worst_key} units"));
            }
            let hard = oracle
                .packages
                .iter()
                .find(|p| p.outcome == closest.point.outcome)
                .is_some_and(|p| p.hard_ok);
            if hard != closest.hard_violations.is_empty() {
                return Err(format!(
                    "hard violations of {:?}: {:?}",
                    closest.point.outcome, closest.hard_violations
                ));
            }
        }
    } else if !analysis.closest.is_empty() {
        return Err("closest packages reported although the zone is not empty".to_owned());
    }
    // Proposals, through both evaluation paths.
    let class_path = impasse_analysis::proposals::score_with_limit(scenario, &config, 0)
        .map_err(|err| err.to_string())?;
    for (index, (score, by_classes)) in analysis.proposals.iter().zip(&class_path).enumerate() {
        let want = oracle.proposal(scenario, index);
        for candidate in [score, by_classes] {
            let close = candidate
                .utilities
                .iter()
                .zip(&want.utilities)
                .all(|(a, b)| (a.0 - b.0).abs() < 1e-12 && (a.1 - b.1).abs() < 1e-12);
            let same = close
                && candidate.proposal == index
                && candidate.acceptable == want.acceptable
                && candidate.red_lines_crossed == want.crossed_always
                && candidate.red_lines_maybe_crossed == want.crossed_sometimes
                && candidate.preconditions_violated == want.violated_always
                && candidate.preconditions_maybe_violated == want.violated_sometimes
                && candidate.in_zone == want.in_zone
                && candidate.completions == want.completions;
            if !same {
                return Err(format!("proposal {index}: got {candidate:?}, expected {want:?}"));
            }
        }
    }
    Ok(analysis)
}
