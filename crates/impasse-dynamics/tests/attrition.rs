//! M6 oracles: the war of attrition (§3.2, §6.4).

use impasse_dynamics::attrition::{
    Attrition, Effect, Lever, Side, UNIFORM_EXPECTED_DURATION, UniformAttrition, levers,
    uniform_stopping_time,
};
use impasse_dynamics::mc::{self, End, Mean};

const RUNS: u64 = 100_000;

fn reference() -> Attrition {
    Attrition::new(1.0, 2.0, 0.1, 0.3).unwrap()
}

#[test]
fn complete_information_closed_forms() {
    let g = reference();
    assert!((g.hazard(Side::A) - 0.15).abs() < 1e-12);
    assert!((g.hazard(Side::B) - 0.1).abs() < 1e-12);
    assert!((g.expected_duration() - 4.0).abs() < 1e-12);
    assert!((g.p_concedes_first(Side::A) - 0.6).abs() < 1e-12);
    assert!((g.p_concedes_first(Side::B) - 0.4).abs() < 1e-12);
    assert_eq!(g.expected_payoffs(), (0.0, 0.0));
    // Symmetric case: E[T] = V/(2c).
    assert!((Attrition::new(3.0, 3.0, 0.5, 0.5).unwrap().expected_duration() - 3.0).abs() < 1e-12);
}

#[test]
fn complete_information_monte_carlo_in_continuous_time() {
    let g = reference();
    let (mut duration, mut a_first) = (Mean::default(), 0u64);
    for i in 0..RUNS {
        let (t, side) = g.sample(&mut mc::stream(3, i));
        duration.add(t);
        a_first += u64::from(side == Side::A);
    }
    assert!((duration.mean() - 4.0).abs() < 4.0 * duration.se(), "{}", duration.mean());
    let se = (0.6 * 0.4 / RUNS as f64).sqrt();
    assert!((a_first as f64 / RUNS as f64 - 0.6).abs() < 4.0 * se);
}

#[test]
fn complete_information_monte_carlo_in_rounds() {
    let g = reference();
    let (round_length, horizon) = (0.05, 2000);
    let s = g.simulate(RUNS, 8, round_length, horizon).unwrap();
    let exact = g.expected_rounds(round_length, horizon).unwrap();
    assert!((exact * round_length - 4.0).abs() < 0.05);
    assert!(
        (s.duration.mean() - exact).abs() < 4.0 * s.duration.se(),
        "{} vs {exact}",
        s.duration.mean()
    );
    // A concedes ⇒ the prize goes to B.
    let se = (0.6 * 0.4 / RUNS as f64).sqrt();
    assert!((s.decided_b as f64 / RUNS as f64 - 0.6).abs() < 4.0 * se);
    assert_eq!(s.settled, 0);
    // Full rent dissipation.
    assert!(s.payoff_a.mean().abs() < 4.0 * s.payoff_a.se(), "{}", s.payoff_a.mean());
    assert!(s.payoff_b.mean().abs() < 4.0 * s.payoff_b.se(), "{}", s.payoff_b.mean());
}

#[test]
fn the_horizon_truncates_the_geometric_rounds() {
    let g = reference();
    let (round_length, horizon) = (1.0, 5);
    let s = g.simulate(RUNS, 2, round_length, horizon).unwrap();
    let exact = g.expected_rounds(round_length, horizon).unwrap();
    assert!((s.duration.mean() - exact).abs() < 4.0 * s.duration.se());
    let p = g.survival(5.0);
    let se = (p * (1.0 - p) / RUNS as f64).sqrt();
    assert!((s.ongoing as f64 / RUNS as f64 - p).abs() < 4.0 * se);
    let o = g.replicate(&mut mc::stream(1, 1), 1e-9, 3);
    assert_eq!((o.end, o.rounds), (End::Ongoing, 3));
}

#[test]
fn incomplete_information_expected_duration_is_one_sixth() {
    assert_eq!(uniform_stopping_time(0.0).unwrap(), 0.0);
    assert!((uniform_stopping_time(0.5).unwrap() - (-0.5 + 2f64.ln())).abs() < 1e-15);
    assert_eq!(uniform_stopping_time(1.0).unwrap(), f64::INFINITY);
    assert!(uniform_stopping_time(1.5).is_err());
    let g = UniformAttrition::new(1.0).unwrap();
    assert_eq!(g.expected_duration(), UNIFORM_EXPECTED_DURATION);
    let mut duration = Mean::default();
    for i in 0..RUNS {
        let (t, loser, v_a, v_b) = g.sample(&mut mc::stream(4, i));
        assert_eq!(loser == Side::A, v_a <= v_b);
        duration.add(t);
    }
    assert!((duration.mean() - 1.0 / 6.0).abs() < 4.0 * duration.se(), "{}", duration.mean());
    // A higher cost scales the stopping times down.
    let dear = UniformAttrition::new(2.0).unwrap();
    assert!((dear.expected_duration() - 1.0 / 12.0).abs() < 1e-15);
    assert!((dear.stopping_time(0.5).unwrap() * 2.0 - g.stopping_time(0.5).unwrap()).abs() < 1e-15);
    let s = dear.simulate(20_000, 1, 1e-3, 1_000_000).unwrap();
    assert_eq!(s.ongoing + s.settled, 0);
}

#[test]
fn levers_act_crosswise_in_the_mixed_equilibrium() {
    let table = levers();
    let effect = |lever| table.iter().find(|e| e.lever == lever).unwrap();
    assert_eq!(effect(Lever::RivalCost).mixed_equilibrium, Effect::ConcedesFaster);
    assert_eq!(effect(Lever::RivalValue).mixed_equilibrium, Effect::ConcedesSlower);
    assert_eq!(effect(Lever::OwnCost).mixed_equilibrium, Effect::None);
    assert_eq!(effect(Lever::OwnCost).incomplete_information, Effect::ConcedesFaster);
    assert_eq!(effect(Lever::OwnValue).incomplete_information, Effect::ConcedesSlower);
    // The table agrees with the hazards: raising B's cost raises A's hazard, not B's.
    let g = reference();
    let dearer_b = Attrition::new(1.0, 2.0, 0.1, 0.4).unwrap();
    assert!(dearer_b.hazard(Side::A) > g.hazard(Side::A));
    assert_eq!(dearer_b.hazard(Side::B), g.hazard(Side::B));
    let richer_b = Attrition::new(1.0, 3.0, 0.1, 0.3).unwrap();
    assert!(richer_b.hazard(Side::A) < g.hazard(Side::A));
    let (dc, dv) = g.hazard_sensitivities(Side::A);
    assert!((dc - 0.5).abs() < 1e-15 && (dv + 0.075).abs() < 1e-15);
}

#[test]
fn parameters_are_validated() {
    assert!(Attrition::new(0.0, 1.0, 0.1, 0.1).is_err());
    assert!(Attrition::new(1.0, 1.0, 0.0, 0.1).is_err());
    assert!(Attrition::new(1.0, 1.0, 0.1, -0.1).is_err());
    assert!(Attrition::new(1.0, f64::INFINITY, 0.1, 0.1).is_err());
    assert!(reference().simulate(10, 1, 0.0, 10).is_err());
    assert!(reference().expected_rounds(-1.0, 10).is_err());
    assert!(UniformAttrition::new(0.0).is_err());
}
