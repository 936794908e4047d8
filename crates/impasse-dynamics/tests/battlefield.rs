//! M5 oracles: gambler's ruin, beliefs, the convergence rule and its simulation (§2.6, §6.4).

use impasse_dynamics::battlefield::{
    Battlefield, Beta, Convergence, LearningWar, posterior_odds, posterior_probability, t_star,
};

fn never_settles() -> Convergence {
    // Equal strength, B more optimistic, no costs: the gap 1/(3 + t) stays positive.
    Convergence::new(Beta::new(1.0, 2.0).unwrap(), Beta::new(2.0, 1.0).unwrap(), 0.0, 0.0).unwrap()
}

#[test]
fn gamblers_ruin_matches_the_reference_values() {
    let field = Battlefield::new(8, 3, 0.45).unwrap();
    assert!(
        (field.closed_form_p_b_wins() - 0.20750).abs() < 1e-4,
        "{}",
        field.closed_form_p_b_wins()
    );
    assert!((field.closed_form_expected_battles() - 13.3999).abs() < 1e-4);
    let exact = field.solve();
    assert!((exact.p_b_wins[3] - field.closed_form_p_b_wins()).abs() < 1e-12);
    assert!((exact.expected_battles[3] - field.closed_form_expected_battles()).abs() < 1e-12);
    assert_eq!(field.p_b_wins(), field.closed_form_p_b_wins());
}

#[test]
fn gamblers_ruin_monte_carlo_is_within_four_standard_errors() {
    let field = Battlefield::new(8, 3, 0.45).unwrap();
    let war = LearningWar::new(field, never_settles(), 0.0, 0.0, 10_000).unwrap();
    let runs = 100_000;
    let s = war.simulate(runs, 17);
    assert_eq!(s.settled + s.ongoing, 0);
    let p = field.p_b_wins();
    let p_hat = s.decided_b as f64 / runs as f64;
    let se = (p * (1.0 - p) / runs as f64).sqrt();
    assert!((p_hat - p).abs() < 4.0 * se, "{p_hat} vs {p}");
    let e = field.expected_battles();
    assert!((s.duration.mean() - e).abs() < 4.0 * s.duration.se(), "{} vs {e}", s.duration.mean());
}

#[test]
fn closed_forms_agree_with_the_linear_solver() {
    let mut qs: Vec<f64> =
        (1..20).map(|i| f64::from(i) * 0.05).filter(|q| (q - 0.5).abs() > 1e-9).collect();
    qs.extend([0.0, 1.0, 0.5, 0.3, 0.7, 0.49, 0.51]);
    for n in [2u32, 3, 8, 15, 20] {
        for &q in &qs {
            let exact = Battlefield::new(n, 1, q).unwrap().solve();
            for k in 1..n {
                let f = Battlefield::new(n, k, q).unwrap();
                let (p, e) = (f.closed_form_p_b_wins(), f.closed_form_expected_battles());
                assert!((p - exact.p_b_wins[k as usize]).abs() < 1e-9, "P n={n} k={k} q={q}");
                assert!(
                    (e - exact.expected_battles[k as usize]).abs() < 1e-9,
                    "E n={n} k={k} q={q}"
                );
            }
        }
    }
    // At exactly ½: k/N and k(N − k).
    let f = Battlefield::new(10, 4, 0.5).unwrap();
    assert_eq!(f.closed_form_p_b_wins(), 0.4);
    assert_eq!(f.closed_form_expected_battles(), 24.0);
    assert!((f.solve().expected_battles[4] - 24.0).abs() < 1e-9);
}

#[test]
fn near_one_half_the_solver_is_used_and_stays_accurate() {
    for eps in [-1e-4, 1e-5, 1e-7, 1e-9] {
        let f = Battlefield::new(40, 13, 0.5 + eps).unwrap();
        assert_eq!(f.expected_battles(), f.solve().expected_battles[13]);
        // Reference: E[τ] = Σ_t Pr(τ > t), by propagating the transient distribution.
        let q = f.q();
        let mut mass = vec![0.0; 41];
        mass[13] = 1.0;
        let mut total = 0.0;
        for _ in 0..40_000 {
            total += mass.iter().sum::<f64>();
            let mut next = vec![0.0; 41];
            for j in 1..40 {
                next[j + 1] += mass[j] * q;
                next[j - 1] += mass[j] * (1.0 - q);
            }
            next[0] = 0.0;
            next[40] = 0.0;
            mass = next;
        }
        let e = f.expected_battles();
        assert!((e - total).abs() < 1e-9 * total, "eps={eps}: {e} vs {total}");
        assert!((f.p_b_wins() - f.closed_form_p_b_wins()).abs() < 1e-9);
        assert!((e - 13.0 * 27.0).abs() < 0.5);
    }
}

#[test]
fn survival_from_the_matrix_power_sums_to_the_expected_duration() {
    let f = Battlefield::new(8, 3, 0.45).unwrap();
    assert_eq!(f.survival(0), 1.0);
    assert!((f.survival(1) - 1.0).abs() < 1e-15);
    // E[τ] = Σ_t Pr(τ > t); Pr(τ ≥ 3) = 1 from k = 3, Pr(τ = 3) = 0.55³.
    assert!((f.survival(3) - (1.0 - 0.55f64.powi(3))).abs() < 1e-15);
    let total: f64 = (0..1500).map(|t| f.survival(t)).sum();
    assert!((total - f.expected_battles()).abs() < 1e-9, "{total}");
}

#[test]
fn posterior_odds_follow_the_likelihood_ratio() {
    let o = posterior_odds(0.5, 0.6, 0.4, 7, 3).unwrap();
    let direct = 0.5 * (0.6f64 / 0.4).powi(7) * (0.4f64 / 0.6).powi(3);
    assert!((o - direct).abs() < 1e-12 * direct);
    assert_eq!(posterior_odds(2.0, 0.6, 0.4, 0, 0).unwrap(), 2.0);
    // Equal wins and losses with symmetric types leave the odds unchanged.
    assert!((posterior_odds(1.5, 0.7, 0.3, 5, 5).unwrap() - 1.5).abs() < 1e-12);
    // A win is impossible under q_L = 0.
    assert_eq!(posterior_odds(1.0, 0.5, 0.0, 1, 4).unwrap(), f64::INFINITY);
    assert_eq!(posterior_probability(0.2, 0.5, 0.0, 1, 0).unwrap(), 1.0);
    let p = posterior_probability(0.25, 0.6, 0.4, 2, 0).unwrap();
    let odds = (1.0 / 3.0) * 2.25;
    assert!((p - odds / (1.0 + odds)).abs() < 1e-12);
    assert!(posterior_odds(1.0, 1.2, 0.4, 1, 1).is_err());
    assert!(posterior_odds(-1.0, 0.6, 0.4, 1, 1).is_err());
}

#[test]
fn beta_posterior_mean() {
    let b = Beta::new(3.0, 7.0).unwrap();
    assert_eq!(b.posterior_mean(0, 0), 0.3);
    assert!((b.posterior_mean(5, 5) - 8.0 / 20.0).abs() < 1e-15);
    assert!(Beta::new(0.0, 1.0).is_err());
    assert!(Beta::new(1.0, f64::NAN).is_err());
}

#[test]
fn t_star_matches_the_reference_and_the_rule() {
    let rule =
        Convergence::new(Beta::new(3.0, 7.0).unwrap(), Beta::new(7.0, 3.0).unwrap(), 0.05, 0.05)
            .unwrap();
    assert_eq!(rule.t_star().unwrap(), Some(30));
    assert!(!rule.settles(0, 29) && !rule.settles(29, 0) && rule.settles(12, 18));
    // The float-noise guard (§6.4a point 3).
    assert_eq!(t_star(0.9, 0.03, 2.0), Some(28));
    assert_eq!(t_star(-1.0, 0.1, 5.0), Some(0));
    assert_eq!(t_star(1.0, 0.0, 5.0), None);
    assert_eq!(t_star(0.1, 0.5, 2.0), Some(0));
    // The closed form is the first round the rule settles, ties included.
    for (aa, ab, n, ca, cb) in
        [(1.1, 2.0, 3.0, 0.015, 0.015), (3.0, 7.0, 10.0, 0.05, 0.05), (0.5, 1.4, 2.0, 0.01, 0.02)]
    {
        let rule = Convergence::new(
            Beta::new(aa, n - aa).unwrap(),
            Beta::new(ab, n - ab).unwrap(),
            ca,
            cb,
        )
        .unwrap();
        let first = (0u32..).find(|&t| rule.settles(t / 2, t - t / 2)).unwrap();
        assert_eq!(rule.t_star().unwrap(), Some(first), "{aa} {ab} {n}");
    }
    let unequal =
        Convergence::new(Beta::new(1.0, 1.0).unwrap(), Beta::new(2.0, 1.0).unwrap(), 0.1, 0.1)
            .unwrap();
    assert!(unequal.t_star().is_err());
    assert!(
        Convergence::new(Beta::new(1.0, 1.0).unwrap(), Beta::new(1.0, 1.0).unwrap(), -0.1, 0.0)
            .is_err()
    );
}

#[test]
fn settlement_probability_matches_the_simulation() {
    let field = Battlefield::new(12, 6, 0.5).unwrap();
    let rule =
        Convergence::new(Beta::new(3.0, 7.0).unwrap(), Beta::new(7.0, 3.0).unwrap(), 0.05, 0.05)
            .unwrap();
    let p = rule.settlement_probability(&field).unwrap();
    assert!((p - field.survival(30)).abs() < 1e-15);
    assert!(p > 0.2 && p < 0.8, "{p}");
    let war = LearningWar::new(field, rule, 0.01, 0.02, 200).unwrap();
    let exact = war.exact();
    assert!((exact.settled - p).abs() < 1e-12);
    assert!((exact.settled_at[30] - p).abs() < 1e-12);
    assert!(
        (exact.settled + exact.decided_a + exact.decided_b + exact.ongoing - 1.0).abs() < 1e-12
    );
    let runs = 100_000;
    let s = war.simulate(runs, 5);
    let se = (p * (1.0 - p) / runs as f64).sqrt();
    assert!((s.p_settled() - p).abs() < 4.0 * se, "{} vs {p}", s.p_settled());
    assert_eq!(s.settled, s.settled_by[30]);
    assert!((s.duration.mean() - exact.expected_rounds).abs() < 4.0 * s.duration.se());
    // Terms: the midpoint of the two posterior means, which average to ½ here by symmetry.
    assert!(s.terms.mean() > 0.3 && s.terms.mean() < 0.7);
    assert!((s.terms.mean() - 0.5).abs() < 4.0 * s.terms.se());
}

#[test]
fn the_exact_path_handles_unequal_priors() {
    // B's prior is stronger, so the gap depends on the battles; compare with the simulation.
    let field = Battlefield::new(10, 4, 0.55).unwrap();
    let rule =
        Convergence::new(Beta::new(2.0, 3.0).unwrap(), Beta::new(12.0, 3.0).unwrap(), 0.04, 0.04)
            .unwrap();
    let war = LearningWar::new(field, rule, 0.0, 0.0, 60).unwrap();
    let exact = war.exact();
    let runs = 100_000;
    let s = war.simulate(runs, 11);
    for (count, p) in [
        (s.settled, exact.settled),
        (s.decided_a, exact.decided_a),
        (s.decided_b, exact.decided_b),
        (s.ongoing, exact.ongoing),
    ] {
        let se = (p * (1.0 - p) / runs as f64).sqrt().max(1e-6);
        assert!((count as f64 / runs as f64 - p).abs() < 4.0 * se, "{count} vs {p}");
    }
}

#[test]
fn payoffs_follow_the_documented_convention() {
    // Both sides agree at once: settle in round 0 at the common posterior mean.
    let field = Battlefield::new(4, 2, 0.5).unwrap();
    let rule =
        Convergence::new(Beta::new(2.0, 2.0).unwrap(), Beta::new(2.0, 2.0).unwrap(), 0.0, 0.0)
            .unwrap();
    let war = LearningWar::new(field, rule, 0.1, 0.1, 10).unwrap();
    let s = war.simulate(100, 1);
    assert_eq!(s.settled, 100);
    assert_eq!(s.duration.mean(), 0.0);
    assert_eq!((s.terms.mean(), s.payoff_a.mean(), s.payoff_b.mean()), (0.5, 0.5, 0.5));
    // Never settling: the prize goes to the winner, minus the per-battle costs.
    let war = LearningWar::new(Battlefield::new(2, 1, 1.0).unwrap(), never_settles(), 0.1, 0.2, 10)
        .unwrap();
    let s = war.simulate(10, 1);
    assert_eq!(s.decided_b, 10);
    assert!((s.payoff_b.mean() - 0.8).abs() < 1e-12 && (s.payoff_a.mean() + 0.1).abs() < 1e-12);
}

#[test]
fn parameters_are_validated() {
    assert!(Battlefield::new(1, 0, 0.5).is_err());
    assert!(Battlefield::new(5, 0, 0.5).is_err());
    assert!(Battlefield::new(5, 5, 0.5).is_err());
    assert!(Battlefield::new(5, 2, 1.5).is_err());
    assert!(Battlefield::new(5, 2, f64::NAN).is_err());
    let field = Battlefield::new(5, 2, 0.5).unwrap();
    assert!(LearningWar::new(field, never_settles(), -0.1, 0.0, 10).is_err());
}
