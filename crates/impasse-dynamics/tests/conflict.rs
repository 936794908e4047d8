//! The two-sided view of a scenario's conflict model, on scenarios worked by hand.

use std::path::Path;

use impasse_dynamics::conflict::ConflictView;

fn load(name: &str) -> impasse_core::Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios").join(name);
    impasse_format::load_path(&path, &[]).unwrap()
}

#[test]
fn the_border_province_is_a_one_dimensional_prize() {
    // u_north = 1 − x, u_south = x, victory packages x = 0 and x = 1: both stakes are 1, so costs
    // are already shares of the prize, and P(South prevails) = 1 − 0.5.
    let view = ConflictView::from_scenario(&load("power-shift-ripeness.toml")).unwrap();
    assert_eq!((view.side_a.clone(), view.side_b.clone()), (vec![0], vec![1]));
    assert!((view.stake_a - 1.0).abs() < 1e-12 && (view.stake_b - 1.0).abs() < 1e-12);
    assert!((view.p_b - 0.5).abs() < 1e-12);
    let (lo, hi) = view.bargaining_range();
    assert!((lo - (0.5 - view.cost_b)).abs() < 1e-12 && (hi - (0.5 + view.cost_a)).abs() < 1e-12);
}

#[test]
fn the_seed_averages_its_sides() {
    let scenario = load("negotiation-impasse-2023.toml");
    let view = ConflictView::from_scenario(&scenario).unwrap();
    // Russia alone on side A (cost 0.10); the US, the EU and Ukraine on side B (0.02, 0.06, 0.15).
    assert_eq!(view.side_a.len(), 1);
    assert_eq!(view.side_b.len(), 3);
    assert!((view.cost_a - 0.10).abs() < 1e-12);
    assert!((view.cost_b - (0.02 + 0.06 + 0.15) / 3.0).abs() < 1e-12);
    assert!((view.p_b - 0.5).abs() < 1e-12);
    assert!(view.stake_a > 0.0 && view.stake_b > 0.0);
    // The war of attrition between the sides: hazards cross (λ_A = c_B/V_B).
    let war = view.attrition().unwrap();
    let (la, lb) = (view.cost_b / view.stake_b, view.cost_a / view.stake_a);
    assert!((war.expected_duration() - 1.0 / (la + lb)).abs() < 1e-12);
}

#[test]
fn scenarios_without_a_conflict_are_refused() {
    let err = ConflictView::from_scenario(&load("distributive-price.toml")).unwrap_err();
    assert!(err.to_string().contains("[conflict]"), "{err}");
}
