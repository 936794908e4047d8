//! M3, the risk–return trade-off, against the §6.4 oracle, a brute-force grid argmax and Monte
//! Carlo.

use impasse_dynamics::risk_return::{RiskReturn, RiskReturnCase};

fn grid_argmax(model: &RiskReturn) -> (f64, f64) {
    let steps = 200_000;
    let (lo, hi) = (-1.0, 1.0);
    let mut best = (lo, f64::NEG_INFINITY);
    for i in 0..=steps {
        let x = lo + (hi - lo) * f64::from(i) / f64::from(steps);
        let v = model.payoff_a(x);
        if v > best.1 {
            best = (x, v);
        }
    }
    best
}

#[test]
fn the_oracle_is_reproduced_in_closed_form_and_by_grid_search() {
    let model = RiskReturn::new(0.5, 0.05, 0.02, 0.30).unwrap();
    let s = model.solve();
    assert_eq!(s.case, RiskReturnCase::Interior);
    assert!((s.offer - 0.375).abs() < 1e-12, "{}", s.offer);
    assert!((s.p_war - 0.375).abs() < 1e-12, "{}", s.p_war);
    assert!((s.payoff_a - model.payoff_a(s.offer)).abs() < 1e-12);
    let (x, v) = grid_argmax(&model);
    assert!((x - 0.375).abs() < 1e-4, "{x}");
    assert!((1.0 - model.p_accept(x) - 0.375).abs() < 1e-3);
    assert!(v <= s.payoff_a + 1e-12);
}

#[test]
fn the_closed_form_agrees_with_brute_force_in_both_cases() {
    for (p, c_a, c_lo, c_hi) in [
        (0.5, 0.05, 0.02, 0.30),
        (0.5, 0.05, 0.10, 0.20), // corner: c_hi < 2 c_lo + c_A
        (0.3, 0.0, 0.0, 0.4),
        (0.7, 0.2, 0.05, 0.25), // corner
        (0.6, 0.1, 0.0, 0.9),
        (0.2, 0.05, 0.0, 0.6), // x* negative: outside the issue space, formulas still hold
    ] {
        let model = RiskReturn::new(p, c_a, c_lo, c_hi).unwrap();
        let s = model.solve();
        let expected =
            if c_hi > 2.0 * c_lo + c_a { RiskReturnCase::Interior } else { RiskReturnCase::Corner };
        assert_eq!(s.case, expected);
        let (x, v) = grid_argmax(&model);
        assert!((x - s.offer).abs() < 1e-4, "{p} {c_a} {c_lo} {c_hi}: grid {x} vs {}", s.offer);
        assert!((v - s.payoff_a).abs() < 1e-8);
        assert!(v <= s.payoff_a + 1e-12);
        assert!((1.0 - model.p_accept(s.offer) - s.p_war).abs() < 1e-12);
    }
}

#[test]
fn the_corner_buys_off_every_type() {
    let s = RiskReturn::new(0.5, 0.05, 0.10, 0.20).unwrap().solve();
    assert_eq!(s.case, RiskReturnCase::Corner);
    assert!((s.offer - 0.4).abs() < 1e-12);
    assert_eq!(s.p_war, 0.0);
    // At the boundary c_hi = 2 c_lo + c_A the cases coincide; reported as the corner.
    let edge = RiskReturn::new(0.5, 0.0, 0.125, 0.25).unwrap().solve();
    assert_eq!(edge.case, RiskReturnCase::Corner);
    assert_eq!(edge.offer, 0.375);
}

#[test]
fn monte_carlo_settlement_matches_the_closed_form() {
    let runs = 100_000u64;
    let model = RiskReturn::new(0.5, 0.05, 0.02, 0.30).unwrap();
    let s = model.simulate(runs, 7);
    let solution = model.solve();
    let p = 1.0 - solution.p_war;
    let se = (p * (1.0 - p) / runs as f64).sqrt();
    assert!((s.p_settled() - p).abs() < 4.0 * se, "{} vs {p}", s.p_settled());
    assert!((s.payoff_a.mean() - solution.payoff_a).abs() < 4.0 * s.payoff_a.se());
    assert!((s.terms.mean() - 0.375).abs() < 1e-12);
    let corner = RiskReturn::new(0.5, 0.05, 0.10, 0.20).unwrap().simulate(10_000, 8);
    assert_eq!(corner.settled, 10_000);
}
