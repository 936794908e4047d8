//! Powell's commitment check (re-exported from the analysis crate) against the §6.4 oracle, its
//! boundary, its patient limit and both directions of the shift.

use impasse_dynamics::commitment::{Side, commitment_step};

/// B's probability of prevailing moves from `p0` to `p1` (the reference's notation); the analysis
/// crate takes A's.
fn check(
    p0: f64,
    p1: f64,
    delta: f64,
    c_a: f64,
    c_b: f64,
) -> impasse_dynamics::commitment::CommitmentStep {
    commitment_step(1.0 - p0, 1.0 - p1, delta, c_a, c_b)
}

#[test]
fn the_oracle_is_a_war() {
    let step = check(0.3, 0.6, 0.9, 0.05, 0.05);
    assert_eq!(step.rising, Some(Side::B));
    assert!((step.lhs - 0.27).abs() < 1e-12, "{}", step.lhs);
    assert!((step.rhs - 0.125).abs() < 1e-12, "{}", step.rhs);
    assert!(step.problem);
}

#[test]
fn equality_is_not_a_war() {
    // δ = ½, p_0 = 0, p_1 = ½, c = (⅛, ¼): both sides are exactly ¼ in binary.
    let step = check(0.0, 0.5, 0.5, 0.125, 0.25);
    assert_eq!(step.lhs, step.rhs);
    assert!(!step.problem);
}

#[test]
fn the_patient_limit_is_shift_against_total_cost() {
    for (p0, p1, c_a, c_b) in [
        (0.3, 0.6, 0.05, 0.05),
        (0.3, 0.4, 0.05, 0.1),
        (0.5, 0.5, 0.0, 0.0),
        (0.6, 0.2, 0.1, 0.1),
        (0.6, 0.5, 0.1, 0.1),
    ] {
        let step = check(p0, p1, 0.999_999, c_a, c_b);
        let shift: f64 = p1 - p0;
        assert!((step.lhs - 0.999_999 * shift.abs()).abs() < 1e-12);
        assert!((step.rhs - (c_a + c_b)).abs() < 1e-5, "{p0} {p1}: {}", step.rhs);
        assert_eq!(step.problem, shift.abs() > c_a + c_b, "{p0} {p1} {c_a} {c_b}");
    }
    // Impatience makes the problem milder: the oracle shift is no war at δ = 0.3.
    assert!(!check(0.3, 0.6, 0.3, 0.05, 0.05).problem);
}

#[test]
fn a_rising_a_is_checked_from_bs_side() {
    // A's chance rises from 0.4 to 0.8: B fights iff δ·0.4 > (1 − δ)·0.4 + c_B + δ·c_A.
    let step = check(0.6, 0.2, 0.9, 0.05, 0.1);
    assert_eq!(step.rising, Some(Side::A));
    assert!((step.lhs - 0.36).abs() < 1e-12);
    assert!((step.rhs - (0.1 * 0.4 + 0.1 + 0.9 * 0.05)).abs() < 1e-12);
    assert!(step.problem);
}
