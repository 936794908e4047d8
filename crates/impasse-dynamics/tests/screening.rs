//! BWF-2 (M4) against the oracle values of `bargaining-models.md` §6.4 and §6.4a, by recursion,
//! closed form, property tests and Monte Carlo.

use impasse_dynamics::mc::End;
use impasse_dynamics::screening::{BType, Screening, ScreeningParams};
use proptest::prelude::*;

fn oracle(mu0: f64) -> Screening {
    Screening::new(ScreeningParams {
        p: 0.5,
        r: 0.1,
        delta: 0.95,
        c_a: 0.02,
        c_r: 0.01,
        c_i: 0.05,
        mu0,
    })
    .unwrap()
}

fn round_to(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

#[test]
fn the_first_threshold_matches_the_closed_form_and_the_oracle() {
    let model = oracle(0.3);
    let rungs = model.rungs(2);
    assert!((model.first_threshold() - 0.347826).abs() < 1e-6, "{}", model.first_threshold());
    assert!((rungs[1].cutoff - model.first_threshold()).abs() < 1e-12);
    // 8/23 exactly.
    assert!((model.first_threshold() - 8.0 / 23.0).abs() < 1e-12);
}

#[test]
fn cut_offs_and_ladder_match_the_printed_oracle() {
    let model = oracle(0.3);
    let rungs = model.rungs(6);
    let cutoffs = [1.0, 0.34783, 0.10893, 0.02943, 0.00676, 0.00131];
    for (rung, &m) in rungs.iter().zip(&cutoffs) {
        assert_eq!(round_to(rung.cutoff, 5), m, "{}", rung.cutoff);
    }
    let ladder = [0.27586, 0.23586, 0.20166, 0.17242];
    for (n, (rung, &x)) in rungs.iter().zip(&ladder).enumerate() {
        assert_eq!(round_to(rung.offer, 5), x, "{}", rung.offer);
        assert!((rung.offer - model.offer_closed_form(n)).abs() < 1e-12);
    }
    // The ladder falls toward V_I = 0.
    assert!(model.v(BType::Irresolute).abs() < 1e-15);
    let far = model.rungs(400);
    assert!(far[399].offer.abs() < 1e-12 && far.windows(2).all(|w| w[1].offer < w[0].offer));
    assert!((model.v(BType::Resolved) - 0.04 / 0.145).abs() < 1e-12);
    assert!((model.w_a() - 0.03 / 0.145).abs() < 1e-12);
}

#[test]
fn regions_durations_and_settlement_match_the_oracle() {
    for (mu0, region, ef, ps) in
        [(0.3, 1, 0.3000, 0.9700), (0.1, 2, 0.3775, 0.96225), (0.02, 3, 0.2515, 0.9748)]
    {
        let model = oracle(mu0);
        assert_eq!(model.region(), region, "mu0 = {mu0}");
        let ladder = model.ladder();
        assert!(ladder[region + 1].cutoff <= mu0 && mu0 < ladder[region].cutoff);
        assert!(
            (model.expected_fought_rounds() - ef).abs() < 1e-4,
            "{}",
            model.expected_fought_rounds()
        );
        assert!((model.p_settle() - ps).abs() < 1e-4, "{}", model.p_settle());
        assert!((model.p_settle() - (1.0 - 0.1 * model.expected_fought_rounds())).abs() < 1e-12);
    }
    // The §2.5 closed forms, N = 1: E[F] = μ_0, P(settle) = (1 − μ_0) + (1 − r) μ_0.
    let model = oracle(0.3);
    assert!((model.expected_fought_rounds() - 0.3).abs() < 1e-12);
    assert!((model.p_settle() - (0.7 + 0.9 * 0.3)).abs() < 1e-12);
}

#[test]
fn a_confident_prior_settles_at_once() {
    for mu0 in [1.0, 0.5, 8.0 / 23.0 + 1e-9] {
        let model = oracle(mu0);
        assert_eq!(model.region(), 0);
        assert_eq!(model.expected_fought_rounds(), 0.0);
        assert_eq!(model.p_settle(), 1.0);
        assert!((model.value_a() - (1.0 - model.v(BType::Resolved))).abs() < 1e-15);
        let s = model.simulate(1000, 3, 10);
        assert_eq!(s.settled, 1000);
        assert_eq!(s.duration.mean(), 0.0);
    }
}

#[test]
fn invalid_parameters_are_refused() {
    let base =
        ScreeningParams { p: 0.5, r: 0.1, delta: 0.95, c_a: 0.02, c_r: 0.01, c_i: 0.05, mu0: 0.3 };
    let bad = [
        ScreeningParams { p: 1.2, ..base },
        ScreeningParams { r: -0.1, ..base },
        ScreeningParams { delta: 1.0, ..base },
        ScreeningParams { c_a: -0.01, ..base },
        ScreeningParams { c_i: 0.01, ..base },
        ScreeningParams { mu0: 0.0, ..base },
        ScreeningParams { mu0: f64::NAN, ..base },
    ];
    for params in bad {
        assert!(Screening::new(params).is_err(), "{params:?}");
    }
    // No Coasian gap: fighting pays A more than settling with R (negative costs are refused, so
    // make fighting free and decisive in A's favour).
    let err =
        Screening::new(ScreeningParams { p: 0.0, r: 1.0, c_a: 0.0, c_r: 0.0, ..base }).unwrap_err();
    assert!(err.expected.contains("Coasian gap"), "{err}");
}

#[test]
fn monte_carlo_matches_the_closed_forms() {
    let runs = 100_000u64;
    for (seed, mu0) in [(11, 0.3), (12, 0.1), (13, 0.02)] {
        let model = oracle(mu0);
        let s = model.simulate(runs, seed, 200);
        assert_eq!(s.ongoing, 0);
        let p = model.p_settle();
        let se_p = (p * (1.0 - p) / runs as f64).sqrt();
        assert!((s.p_settled() - p).abs() < 4.0 * se_p, "mu0 {mu0}: {} vs {p}", s.p_settled());
        let ef = model.expected_fought_rounds();
        let se_f = model.fought_rounds_sd() / (runs as f64).sqrt();
        assert!(
            (s.duration.mean() - ef).abs() < 4.0 * se_f,
            "mu0 {mu0}: {} vs {ef}",
            s.duration.mean()
        );
        assert!((s.duration.sd() - model.fought_rounds_sd()).abs() < 0.02);
        // The duration distribution: Pr(F ≥ k).
        let survival = model.survival();
        for (k, &pk) in survival.iter().enumerate() {
            let observed = s.histogram[k + 1..].iter().sum::<u64>() as f64 / runs as f64;
            let se = (pk * (1.0 - pk) / runs as f64).sqrt();
            assert!((observed - pk).abs() < 4.0 * se, "Pr(F >= {}) {observed} vs {pk}", k + 1);
        }
        assert!(s.histogram[model.region() + 1..].iter().all(|&n| n == 0));
        assert!(
            (s.payoff_a.mean() - model.value_a()).abs() < 4.0 * s.payoff_a.se(),
            "{}",
            s.payoff_a.mean()
        );
        // Decisions for B in proportion p of all decisions.
        let decided = (s.decided_a + s.decided_b) as f64;
        let se_d = (0.25 / decided).sqrt();
        assert!((s.decided_b as f64 / decided - 0.5).abs() < 4.0 * se_d);
    }
}

#[test]
fn each_type_earns_its_equilibrium_value() {
    let model = oracle(0.02);
    let runs = 100_000;
    for (seed, ty) in [(21, BType::Resolved), (22, BType::Irresolute)] {
        let s = model.simulate_type(runs, seed, 200, ty);
        let v = model.value_b(ty);
        assert!(
            (s.payoff_b.mean() - v).abs() < 4.0 * s.payoff_b.se(),
            "{ty:?}: {} vs {v}",
            s.payoff_b.mean()
        );
    }
    // R never settles before the final offer V_R; I settles on the ladder and never fights after
    // the last screening offer.
    let r = model.simulate_type(10_000, 23, 200, BType::Resolved);
    assert!(r.terms.count() == 0 || (r.terms.mean() - model.v(BType::Resolved)).abs() < 1e-12);
    assert!(r.settled_by[..model.region()].iter().all(|&n| n == 0));
    assert!(r.settled_by[model.region()] > 0);
}

#[test]
fn the_horizon_leaves_replications_ongoing() {
    let model = oracle(0.02);
    let s = model.simulate(100_000, 31, 1);
    assert!(s.ongoing > 0);
    assert_eq!(s.ongoing + s.settled + s.decided_a + s.decided_b, s.runs);
    // Ongoing exactly when two fought rounds were needed and the first was not decisive:
    // Pr(F ≥ 2) / (1 − r) · (1 − r) = Pr(F ≥ 2).
    let p = model.survival()[1];
    let se = (p * (1.0 - p) / 1e5).sqrt();
    assert!((s.ongoing as f64 / 1e5 - p).abs() < 4.0 * se);
    let zero = model.simulate(1000, 32, 0);
    assert!(zero.duration.mean() == 0.0 && zero.settled + zero.ongoing == 1000);
    let _ = End::Ongoing;
}

fn params() -> impl Strategy<Value = ScreeningParams> {
    (
        0.05..0.95f64,
        0.02..0.6f64,
        0.5..0.99f64,
        0.0..0.1f64,
        0.0..0.1f64,
        0.005..0.2f64,
        1e-4..1.0f64,
    )
        .prop_map(|(p, r, delta, c_a, c_r, gap, mu0)| ScreeningParams {
            p,
            r,
            delta,
            c_a,
            c_r,
            c_i: c_r + gap,
            mu0,
        })
}

proptest! {
    #[test]
    fn cut_offs_strictly_decrease(params in params()) {
        let Ok(model) = Screening::new(params) else { return Ok(()) };
        let ladder = model.ladder();
        prop_assert!(ladder.windows(2).all(|w| w[1].cutoff < w[0].cutoff), "{:?}", ladder);
        prop_assert!(ladder[..ladder.len() - 1].iter().all(|r| r.cutoff > 0.0));
        let rungs = model.rungs(8);
        prop_assert!(rungs.windows(2).all(|w| w[1].cutoff < w[0].cutoff), "{:?}", rungs);
        prop_assert!((rungs[1].cutoff - model.first_threshold()).abs() < 1e-12);
        prop_assert!((model.p_settle() - (1.0 - params.r * model.expected_fought_rounds())).abs() < 1e-12);
    }

    #[test]
    fn the_region_line_is_the_upper_envelope(params in params()) {
        let Ok(model) = Screening::new(params) else { return Ok(()) };
        let n = model.region();
        let lines = model.rungs(n + 4);
        let (lo, hi) = (lines[n + 1].cutoff.max(0.0), lines[n].cutoff);
        for i in 0..500 {
            let mu = lo + (hi - lo) * f64::from(i) / 500.0;
            let best = lines[n].line(mu);
            for (j, line) in lines.iter().enumerate() {
                prop_assert!(line.line(mu) <= best + 1e-12, "line {} beats L_{} at {}", j, n, mu);
            }
        }
    }
}
