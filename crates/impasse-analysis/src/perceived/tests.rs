//! The perceived zone against brute force (every package, every party, at the perceived
//! reservation values), against ripeness's balance intervals on the diagonal, and against the
//! analysis's Nash solution at a common balance.

use impasse_core::Scenario;

use super::*;
use crate::clash::testutil::{costs_today, packages, prepare, random_scenario};

/// Reservation values when side A perceives `x_a` and side B `x_b` (today's balance otherwise),
/// written out from the scenario's own definitions.
fn perceived_reservations(scenario: &Scenario, x_a: f64, x_b: f64) -> Vec<f64> {
    let conflict = scenario.conflict().expect("conflict");
    let today = scenario.balance().expect("balance");
    let costs = costs_today(scenario);
    (0..scenario.parties().len())
        .map(|party| {
            let balance = if conflict.side_a.contains(&party) {
                x_a
            } else if conflict.side_b.contains(&party) {
                x_b
            } else {
                today
            };
            scenario.reservation_at(party, balance, costs[party])
        })
        .collect()
}

/// The packages of the scenario's space every party accepts at `reservation`.
fn brute_zone(scenario: &Scenario, reservation: &[f64]) -> usize {
    packages(scenario)
        .iter()
        .filter(|outcome| {
            scenario.respects_hard_constraints(outcome)
                && (0..scenario.parties().len()).all(|party| {
                    let value = scenario.parties()[party].utility.eval(outcome)
                        - scenario.penalty(party, outcome);
                    scenario.ties().key(value) >= scenario.ties().key(reservation[party])
                })
        })
        .count()
}

fn with_balance(scenario: &Scenario, balance: f64) -> Scenario {
    let mut parts = scenario.parts().clone();
    parts.conflict.as_mut().expect("conflict").balance = Some(balance);
    Scenario::new(parts).expect("valid")
}

/// Probe points: a grid plus every rectangle end and its float neighbours.
fn probes(zone: &PerceivedZone) -> Vec<f64> {
    let mut points: Vec<f64> = (0..=20).map(|i| f64::from(i) / 20.0).collect();
    for rect in zone.rectangles() {
        for end in [rect.a.0, rect.a.1, rect.b.0, rect.b.1] {
            points.push(end);
            points.push(f64::from_bits(end.to_bits() + 1).min(1.0));
            if end > 0.0 {
                points.push(f64::from_bits(end.to_bits() - 1));
            }
        }
    }
    points.sort_by(f64::total_cmp);
    points.dedup();
    points
}

#[test]
fn matches_brute_force_at_every_perceived_balance() {
    let mut opened = 0;
    let mut closed = 0;
    for seed in 0..250 {
        let scenario = random_scenario(seed, true);
        let prepared = prepare(&scenario);
        let zone = PerceivedZone::new(&prepared, &AnalysisConfig::default()).expect("conflict");
        let points = probes(&zone);
        // Thin the probes so that the quadratic pairing stays small.
        let step = (points.len() / 24).max(1);
        for &x_a in points.iter().step_by(step) {
            for &x_b in points.iter().step_by(step) {
                let reservation = perceived_reservations(&scenario, x_a, x_b);
                for (mine, theirs) in zone.reservations(x_a, x_b).iter().zip(&reservation) {
                    assert_eq!(mine.to_bits(), theirs.to_bits(), "seed {seed}");
                }
                let expected = brute_zone(&scenario, &reservation);
                assert_eq!(zone.is_open(x_a, x_b), expected > 0, "seed {seed} at ({x_a}, {x_b})");
                let agreement = zone.agreement(x_a, x_b);
                assert_eq!(
                    agreement.as_ref().map_or(0, |deal| deal.zone_size),
                    expected as u128,
                    "seed {seed} at ({x_a}, {x_b})"
                );
                if expected > 0 {
                    opened += 1;
                } else {
                    closed += 1;
                }
            }
        }
    }
    assert!(opened > 1000 && closed > 1000, "{opened} open, {closed} closed");
}

#[test]
fn diagonal_is_ripeness_and_agreement_is_the_nash_solution() {
    let mut compared = 0;
    for seed in 0..250 {
        let scenario = random_scenario(seed, true);
        let prepared = prepare(&scenario);
        let zone = PerceivedZone::new(&prepared, &AnalysisConfig::default()).expect("conflict");
        let ripeness =
            crate::ripeness::ripeness(&prepared, &AnalysisConfig::default()).expect("conflict");
        assert_eq!(zone.hard_feasible(), ripeness.hard_feasible);
        let in_intervals = |b: f64| {
            ripeness
                .balance_intervals
                .iter()
                .any(|interval| interval.low <= b && b <= interval.high)
        };
        // Away from the edges: at an edge's neighbouring floats, the rounding of the war value can
        // flicker, and the perceived zone then tests packages exactly (see the brute-force test).
        let points = probes(&zone);
        for pair in points.windows(2).filter(|pair| pair[1] - pair[0] > 4.0 * EDGE) {
            let b = 0.5 * (pair[0] + pair[1]);
            assert_eq!(zone.is_open(b, b), in_intervals(b), "seed {seed} at {b}");
        }
        for b in [0.0, 0.15, 0.4, 0.5, 0.75, 1.0] {
            let at = with_balance(&scenario, b);
            let analysis = crate::analyze(&at, &AnalysisConfig::default()).expect("small");
            let expected = analysis.solutions.nash.as_ref().map(|point| point.outcome.clone());
            let actual = zone.agreement(b, b).map(|deal| deal.package);
            assert_eq!(actual, expected, "seed {seed} at {b}");
            compared += usize::from(expected.is_some());
        }
    }
    assert!(compared > 100, "{compared}");
}

#[test]
fn seed_scenario_opens_only_where_ripeness_says() {
    let path =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/negotiation-impasse-2023.toml");
    let scenario = impasse_format::load_path(std::path::Path::new(path), &[]).expect("seed");
    let prepared = prepare(&scenario);
    let zone = PerceivedZone::new(&prepared, &AnalysisConfig::default()).expect("conflict");
    assert!(!zone.is_open(0.5, 0.5), "impasse today");
    let ripeness =
        crate::ripeness::ripeness(&prepared, &AnalysisConfig::default()).expect("conflict");
    let high = ripeness.balance_intervals.last().expect("a zone opens somewhere").high;
    assert!(zone.is_open(high, high) && !zone.is_open(f64::from_bits(high.to_bits() + 1), high));
    // Mutual optimism closes it: Russia more confident than the West thinks it should be.
    assert!(!zone.is_open(high + 0.1, high));
    // The West more pessimistic about its own chances keeps it open; more confident closes it.
    assert!(zone.is_open(high, high + 0.1));
    assert!(!zone.is_open(high, high - 0.1));
}
