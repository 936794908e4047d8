//! An export to GENIUS and a re-import leave the analysis unchanged (issue 11): the export maps
//! each party's utilities by a positive affine map (reservation values with them), which moves no
//! package into or out of the zone or off the frontier and leaves the Nash and Kalai–Smorodinsky
//! solutions where they were, at every utility scale.

use impasse_analysis::{Analysis, AnalysisConfig, Point, analyze};
use impasse_core::Scenario;
use impasse_format::{parse_genius, to_genius};
use impasse_testkit::build::grid_scenario;
use proptest::prelude::*;

fn config() -> AnalysisConfig {
    AnalysisConfig { max_frontier: usize::MAX, ..AnalysisConfig::default() }
}

/// What an affine map per party must not change.
#[derive(Debug, PartialEq)]
struct Answers {
    zone_size: u128,
    frontier: Vec<Vec<u32>>,
    zone_frontier: Vec<Vec<u32>>,
    nash: Option<Vec<u32>>,
    kalai_smorodinsky: Option<Vec<u32>>,
}

fn answers(analysis: &Analysis) -> Answers {
    let sorted = |points: &[Point]| {
        let mut list: Vec<Vec<u32>> = points.iter().map(|p| p.outcome.clone()).collect();
        list.sort();
        list
    };
    let chosen = |point: &Option<Point>| point.as_ref().map(|p| p.outcome.clone());
    Answers {
        zone_size: analysis.zone.size,
        frontier: sorted(&analysis.frontier),
        zone_frontier: sorted(&analysis.zone_frontier),
        nash: chosen(&analysis.solutions.nash),
        kalai_smorodinsky: chosen(&analysis.solutions.kalai_smorodinsky),
    }
}

fn reimport(scenario: &Scenario) -> Scenario {
    let export = to_genius(scenario).expect("an additive scenario exports");
    let profiles: Vec<(&str, &str)> =
        export.profiles.iter().map(|f| (f.name.as_str(), f.text.as_str())).collect();
    parse_genius((&export.domain.name, &export.domain.text), &profiles)
        .unwrap_or_else(|diagnostics| panic!("the export loads back:\n{diagnostics}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn an_export_and_reimport_leaves_the_analysis_unchanged(
        parties in 2usize..4,
        radices in proptest::collection::vec(2u32..5, 1..4),
        draws in proptest::collection::vec(any::<u64>(), 8..24),
        exponent in -12i32..=12,
    ) {
        let factor: f64 = format!("1e{exponent}").parse().unwrap();
        let scenario = grid_scenario(parties, &radices, &draws, false, factor);
        let back = reimport(&scenario);
        let before = answers(&analyze(&scenario, &config()).unwrap());
        let after = answers(&analyze(&back, &config()).unwrap());
        prop_assert_eq!(after, before, "scale 1e{}", exponent);
    }
}

#[test]
fn a_tiny_reservation_value_survives_the_round_trip() {
    // The defect: utilities on a scale of 1e-12 with a reservation of 1e-14 had a zone that the
    // export's rescaling to [0, 1] changed.
    let draws = [7, 11, 13, 17, 19, 23, 29, 31];
    let scenario = grid_scenario(2, &[4, 3], &draws, false, 1e-12);
    let before = answers(&analyze(&scenario, &config()).unwrap());
    let after = answers(&analyze(&reimport(&scenario), &config()).unwrap());
    assert_eq!(after, before);
}
