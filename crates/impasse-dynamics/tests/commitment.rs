//! Powell's commitment check against the §6.4 oracle, its boundary and its patient limit.

use impasse_dynamics::commitment::Commitment;

#[test]
fn the_oracle_is_a_war() {
    let check = Commitment::new(0.3, 0.6, 0.9, 0.05, 0.05).unwrap().check();
    assert!((check.shift - 0.27).abs() < 1e-12, "{}", check.shift);
    assert!((check.offset - 0.125).abs() < 1e-12, "{}", check.offset);
    assert!(check.war);
}

#[test]
fn equality_is_not_a_war() {
    // δ = ½, p_0 = 0, p_1 = ½, c = (⅛, ¼): both sides are exactly ¼ in binary.
    let check = Commitment::new(0.0, 0.5, 0.5, 0.125, 0.25).unwrap().check();
    assert_eq!(check.shift, check.offset);
    assert!(!check.war);
    let patient = Commitment::new(0.25, 0.5, 0.5, 0.125, 0.125).unwrap().check_patient();
    assert_eq!(patient.shift, patient.offset);
    assert!(!patient.war);
}

#[test]
fn the_patient_limit_is_shift_against_total_cost() {
    for (p0, p1, c_a, c_b) in
        [(0.3, 0.6, 0.05, 0.05), (0.3, 0.4, 0.05, 0.1), (0.5, 0.5, 0.0, 0.0), (0.6, 0.2, 0.1, 0.1)]
    {
        let model = Commitment::new(p0, p1, 0.999_999, c_a, c_b).unwrap();
        let (near, limit) = (model.check(), model.check_patient());
        assert!(
            (near.shift - limit.shift).abs() < 1e-5 && (near.offset - limit.offset).abs() < 1e-5
        );
        assert_eq!(near.war, limit.war, "{p0} {p1} {c_a} {c_b}");
        assert_eq!(limit.war, p1 - p0 > c_a + c_b);
    }
    // Impatience makes the problem milder: the oracle shift is no war at δ = 0.3.
    assert!(!Commitment::new(0.3, 0.6, 0.3, 0.05, 0.05).unwrap().check().war);
}

#[test]
fn invalid_parameters_are_refused() {
    assert!(Commitment::new(-0.1, 0.6, 0.9, 0.05, 0.05).is_err());
    assert!(Commitment::new(0.3, 1.1, 0.9, 0.05, 0.05).is_err());
    assert!(Commitment::new(0.3, 0.6, 1.0, 0.05, 0.05).is_err());
    assert!(Commitment::new(0.3, 0.6, 0.9, -0.05, 0.05).is_err());
    assert!(Commitment::new(0.3, 0.6, 0.9, 0.05, f64::INFINITY).is_err());
}
