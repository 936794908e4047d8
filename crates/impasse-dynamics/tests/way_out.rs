//! M5 with the multi-issue way out: perceived balances against a Pólya-urn simulation, a fine
//! quadrature and the closed form; the exact path against Monte Carlo, against gambler's ruin on a
//! shortened field and against the battlefield's survival; the ripeness windows against the
//! battlefield's closed forms.

use impasse_dynamics::battlefield::{Battlefield, Beta};
use impasse_dynamics::mc;
use impasse_dynamics::way_out::{Deal, Values, WayOut, WayOutWar, perceived_balance};
use rand::Rng as _;

/// `Pr(B reaches n before 0 | j)`, written out (not the crate's function).
fn ruin(n: u32, j: u32, q: f64) -> f64 {
    if (q - 0.5).abs() < 1e-12 {
        return f64::from(j) / f64::from(n);
    }
    let rho = (1.0 - q) / q;
    (1.0 - rho.powi(j as i32)) / (1.0 - rho.powi(n as i32))
}

/// A zone open when A is pessimistic enough and B pessimistic enough about themselves.
struct Thresholds {
    a_at_most: f64,
    b_at_least: f64,
}

impl WayOut for Thresholds {
    fn open(&self, x_a: f64, x_b: f64) -> bool {
        x_a <= self.a_at_most && x_b >= self.b_at_least
    }
    fn deal(&self, x_a: f64, x_b: f64) -> Option<Deal> {
        self.open(x_a, x_b).then_some(Deal { package: 7, value_a: x_a, value_b: 1.0 - x_b })
    }
}

const VALUES: Values = Values {
    a_if_a_wins: 1.0,
    a_if_b_wins: 0.0,
    b_if_a_wins: 0.0,
    b_if_b_wins: 1.0,
    cost_a: 0.01,
    cost_b: 0.02,
};

#[test]
fn perceived_balance_matches_a_fine_quadrature() {
    // Simpson's rule with 200,000 intervals on the Beta density, normalised numerically.
    for &(n, j, alpha, beta) in
        &[(8u32, 3u32, 1.0, 1.0), (12, 6, 3.0, 7.0), (10, 2, 30.0, 20.0), (6, 5, 2.0, 2.0)]
    {
        let m = 200_000;
        let h = 1.0 / f64::from(m);
        let (mut num, mut den) = (0.0, 0.0);
        for i in 1..m {
            let q = f64::from(i) * h;
            let w = if i % 2 == 1 { 4.0 } else { 2.0 };
            let density = q.powf(alpha - 1.0) * (1.0 - q).powf(beta - 1.0);
            num += w * density * (1.0 - ruin(n, j, q));
            den += w * density;
        }
        let expected = num / den;
        let actual = perceived_balance(n, j, alpha, beta);
        assert!((actual - expected).abs() < 1e-6, "{n} {j} {alpha} {beta}: {actual} vs {expected}");
    }
}

#[test]
fn perceived_balance_is_the_closed_form_for_a_sure_belief() {
    for &(n, j, q) in &[(8u32, 3u32, 0.45), (12, 6, 0.5), (10, 9, 0.3)] {
        let strength = 1e8;
        let actual = perceived_balance(n, j, q * strength, (1.0 - q) * strength);
        assert!((actual - (1.0 - ruin(n, j, q))).abs() < 1e-6, "{actual}");
    }
}

#[test]
fn perceived_balance_matches_a_polya_urn_walk() {
    // The posterior predictive walk: B advances with probability (α + w)/(α + β + t).
    let (n, j0, alpha, beta) = (8u32, 3u32, 2.0, 3.0);
    let runs = 200_000u64;
    let a_wins: u64 = (0..runs)
        .map(|r| {
            let mut rng = mc::stream(42, r);
            let (mut j, mut w, mut t) = (j0, 0.0, 0.0);
            while j > 0 && j < n {
                if rng.random::<f64>() < (alpha + w) / (alpha + beta + t) {
                    j += 1;
                    w += 1.0;
                } else {
                    j -= 1;
                }
                t += 1.0;
            }
            u64::from(j == 0)
        })
        .sum();
    let p = a_wins as f64 / runs as f64;
    let expected = perceived_balance(n, j0, alpha, beta);
    let se = (expected * (1.0 - expected) / runs as f64).sqrt();
    assert!((p - expected).abs() < 4.0 * se, "{p} vs {expected} (se {se})");
}

#[test]
fn exact_path_matches_monte_carlo() {
    let field = Battlefield::new(10, 5, 0.5).unwrap();
    let zone = Thresholds { a_at_most: 0.6, b_at_least: 0.25 };
    let war = WayOutWar::new(
        field,
        Beta::new(4.0, 6.0).unwrap(),
        Beta::new(6.0, 4.0).unwrap(),
        VALUES,
        0.9,
        60,
        &zone,
    )
    .unwrap();
    let exact = war.exact();
    assert!(exact.path.settled > 0.05 && exact.path.decided_a > 0.05, "{exact:?}");
    let total =
        exact.path.settled + exact.path.decided_a + exact.path.decided_b + exact.path.ongoing;
    assert!((total - 1.0).abs() < 1e-12);
    let runs = 200_000u64;
    let s = war.simulate(runs, 5);
    for (count, p) in [
        (s.settled, exact.path.settled),
        (s.decided_a, exact.path.decided_a),
        (s.decided_b, exact.path.decided_b),
        (s.ongoing, exact.path.ongoing),
    ] {
        let se = (p * (1.0 - p) / runs as f64).sqrt().max(1e-9);
        assert!((count as f64 / runs as f64 - p).abs() < 4.0 * se, "{count} vs {p}");
    }
    let curve = s.settled_curve();
    let mut acc = 0.0;
    for (t, &p) in exact.path.settled_at.iter().enumerate() {
        acc += p;
        let se = (acc * (1.0 - acc) / runs as f64).sqrt().max(1e-9);
        assert!((curve[t] - acc).abs() < 4.0 * se + 1e-12, "t = {t}");
    }
    assert!((s.duration.mean() - exact.path.expected_rounds).abs() < 4.0 * s.duration.se());
    // Settlement terms are B's value of the deal: 1 − x_B at the settlement states.
    let deals = war.deals(&exact.settlements);
    let expected_terms: f64 = exact
        .settlements
        .iter()
        .zip(&deals)
        .map(|(&(_, _, p), deal)| p * deal.as_ref().unwrap().value_b)
        .sum::<f64>()
        / exact.path.settled;
    assert!((s.terms.mean() - expected_terms).abs() < 4.0 * s.terms.se());
    // Thread-count independence.
    let on = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| war.simulate(20_000, 9))
    };
    assert_eq!(on(1), on(2));
}

#[test]
fn sure_beliefs_settle_by_gamblers_ruin_on_a_shorter_field() {
    // Beliefs so strong that battles do not move them: A's perceived chance at front j is
    // 1 − R(N, j, q̂), decreasing in j, so the zone {x_B ≥ θ} with x_A unconstrained opens exactly
    // once the front has come down to the first j* with 1 − R(N, j*, q̂) ≥ θ... i.e. A advancing.
    let (n, k, q) = (12u32, 8u32, 0.47);
    let strength = 1e12;
    let belief = Beta::new(q * strength, (1.0 - q) * strength).unwrap();
    let theta = 0.6;
    let zone = Thresholds { a_at_most: 1.0, b_at_least: theta };
    // The largest front at which A's perceived chance reaches θ.
    let j_star = (1..n).rev().find(|&j| 1.0 - ruin(n, j, q) >= theta).unwrap();
    assert!(j_star < k);
    let war = WayOutWar::new(
        Battlefield::new(n, k, q).unwrap(),
        belief,
        belief,
        VALUES,
        0.9,
        2_000,
        &zone,
    )
    .unwrap();
    let exact = war.exact();
    // Settle iff the front reaches j* before N: on the field {j*, …, N} starting at k, that is
    // "A wins" there.
    let settle = 1.0 - ruin(n - j_star, k - j_star, q);
    assert!((exact.path.settled - settle).abs() < 1e-9, "{} vs {settle}", exact.path.settled);
    assert!((exact.path.decided_b - (1.0 - settle)).abs() < 1e-9);
    assert_eq!(exact.path.decided_a, 0.0);
    assert!(exact.settlements.iter().all(|&(_, j, _)| j == j_star));
}

#[test]
fn a_closed_zone_leaves_the_battlefield_alone() {
    let field = Battlefield::new(9, 4, 0.45).unwrap();
    let zone = Thresholds { a_at_most: -1.0, b_at_least: 2.0 };
    let war = WayOutWar::new(
        field,
        Beta::new(2.0, 2.0).unwrap(),
        Beta::new(1.0, 3.0).unwrap(),
        VALUES,
        0.9,
        40,
        &zone,
    )
    .unwrap();
    let exact = war.exact();
    assert_eq!(exact.path.settled, 0.0);
    assert!((exact.path.ongoing - field.survival(40)).abs() < 1e-12);
    // An open zone settles at once.
    let open = Thresholds { a_at_most: 2.0, b_at_least: -1.0 };
    let war = WayOutWar::new(
        field,
        Beta::new(2.0, 2.0).unwrap(),
        Beta::new(1.0, 3.0).unwrap(),
        VALUES,
        0.9,
        40,
        &open,
    )
    .unwrap();
    assert_eq!(war.exact().path.settled_at[0], 1.0);
}

#[test]
fn ripeness_windows_match_the_battlefield() {
    let (n, k, q) = (10u32, 4u32, 0.45);
    let strength = 1e12;
    let belief = Beta::new(q * strength, (1.0 - q) * strength).unwrap();
    let zone = Thresholds { a_at_most: 0.5, b_at_least: 0.0 };
    let field = Battlefield::new(n, k, q).unwrap();
    let war = WayOutWar::new(field, belief, belief, VALUES, 0.9, 10, &zone).unwrap();
    // A long window: the whole war.
    let r = war.ripeness(0, k, 20_000, 0.1).unwrap();
    let p_b = field.p_b_wins();
    assert!((r.a.outlook.balance - (1.0 - p_b)).abs() < 1e-6);
    assert!((r.a.outlook.wins_within - (1.0 - p_b)).abs() < 1e-6);
    assert!((r.a.outlook.loses_within - p_b).abs() < 1e-6);
    assert!((r.a.outlook.rounds_within - field.expected_battles()).abs() < 1e-4);
    // A short window: Pr(B wins within 6 rounds from 4 on a field of 10) is q^6.
    let r = war.ripeness(0, k, 6, 0.1).unwrap();
    assert!((r.b.outlook.wins_within - q.powi(6)).abs() < 1e-9);
    let (a_within, b_within) = field_survival_split(n, k, q, 6);
    // Four straight A wins, or five of six with the B win among the first four.
    assert!((a_within - ((1.0 - q).powi(4) + 4.0 * q * (1.0 - q).powi(5))).abs() < 1e-12);
    assert!((r.a.outlook.wins_within - a_within).abs() < 1e-9);
    assert!((b_within - q.powi(6)).abs() < 1e-15);
    assert_eq!(r.way_out, 1.0 - p_b <= 0.5);
    assert_eq!(r.ripe, r.mutually_hurting_stalemate && r.way_out);
    assert_eq!(
        r.mutually_hurting_stalemate,
        r.a.stalemate && r.b.stalemate && r.a.hurting && r.b.hurting
    );
    assert_eq!(r.a.hurting, r.a.cost_of_fighting_on > r.a.expected_gain);
    assert!(war.ripeness(0, k + 1, 6, 0.1).is_err(), "unreachable state");
    assert!(war.ripeness(0, k, 6, 1.5).is_err(), "bad epsilon");
}

/// (E[δ^τ 1{A wins by w}], E[δ^τ 1{B wins by w}], E[1 − δ^min(τ, w)]) by enumerating every path.
fn discounted_split(n: u32, k: u32, q: f64, w: u32, delta: f64) -> (f64, f64, f64) {
    #[allow(clippy::too_many_arguments)]
    fn walk(n: u32, j: u32, q: f64, s: u32, w: u32, p: f64, delta: f64, out: &mut (f64, f64, f64)) {
        let d = delta.powi(s as i32);
        if j == 0 || j == n || s == w {
            if j == 0 {
                out.0 += p * d;
            } else if j == n {
                out.1 += p * d;
            }
            out.2 += p * (1.0 - d);
            return;
        }
        walk(n, j + 1, q, s + 1, w, p * q, delta, out);
        walk(n, j - 1, q, s + 1, w, p * (1.0 - q), delta, out);
    }
    let mut out = (0.0, 0.0, 0.0);
    walk(n, k, q, 0, w, 1.0, delta, &mut out);
    out
}

/// (Pr(A wins within w), Pr(B wins within w)) by enumerating every path (oracle for short windows).
fn field_survival_split(n: u32, k: u32, q: f64, w: u32) -> (f64, f64) {
    fn walk(n: u32, j: u32, q: f64, left: u32, p: f64, out: &mut (f64, f64)) {
        if j == 0 {
            out.0 += p;
            return;
        }
        if j == n {
            out.1 += p;
            return;
        }
        if left == 0 {
            return;
        }
        walk(n, j + 1, q, left - 1, p * q, out);
        walk(n, j - 1, q, left - 1, p * (1.0 - q), out);
    }
    let mut out = (0.0, 0.0);
    walk(n, k, q, w, 1.0, &mut out);
    out
}

#[test]
fn ripeness_windows_match_path_enumeration() {
    let (n, k, q) = (7u32, 3u32, 0.4);
    let belief = Beta::new(q * 1e12, (1.0 - q) * 1e12).unwrap();
    let zone = Thresholds { a_at_most: 0.5, b_at_least: 0.0 };
    let war =
        WayOutWar::new(Battlefield::new(n, k, q).unwrap(), belief, belief, VALUES, 0.9, 10, &zone)
            .unwrap();
    for w in [1u32, 3, 5, 9, 12] {
        let (a, b) = field_survival_split(n, k, q, w);
        let r = war.ripeness(0, k, w, 0.1).unwrap();
        assert!((r.a.outlook.wins_within - a).abs() < 1e-6, "w = {w}");
        assert!((r.a.outlook.loses_within - b).abs() < 1e-6, "w = {w}");
        assert_eq!(r.a.stalemate, r.a.outlook.wins_within < 0.1);
        assert_eq!(r.b.stalemate, r.b.outlook.wins_within < 0.1);
        assert!((r.b.outlook.wins_within - b).abs() < 1e-6, "B's outlook is B's");
        let (a_disc, b_disc, fighting) = discounted_split(n, k, q, w, 0.9);
        assert!((r.a.outlook.wins_discounted - a_disc).abs() < 1e-6, "w = {w}");
        assert!((r.a.outlook.loses_discounted - b_disc).abs() < 1e-6, "w = {w}");
        assert!((r.b.outlook.wins_discounted - b_disc).abs() < 1e-6, "w = {w}");
        assert!((r.a.outlook.fighting_weight - fighting).abs() < 1e-6, "w = {w}");
        let gain_a = (VALUES.a_if_a_wins - VALUES.a_if_b_wins) * (a_disc - b_disc);
        assert!((r.a.expected_gain - gain_a).abs() < 1e-6);
        assert!((r.a.cost_of_fighting_on - VALUES.cost_a * fighting).abs() < 1e-8);
        assert_eq!(r.a.hurting, r.a.cost_of_fighting_on > r.a.expected_gain);
    }
}

#[test]
fn bad_values_are_refused() {
    let field = Battlefield::new(9, 4, 0.45).unwrap();
    let zone = Thresholds { a_at_most: 0.5, b_at_least: 0.5 };
    let b = Beta::new(1.0, 1.0).unwrap();
    let negative = Values { cost_a: -0.1, ..VALUES };
    assert!(WayOutWar::new(field, b, b, negative, 0.9, 10, &zone).is_err());
    let huge = Battlefield::new(5000, 2500, 0.5).unwrap();
    let Err(err) = WayOutWar::new(huge, b, b, VALUES, 0.9, 5000, &zone) else {
        panic!("a war of 25 million states is refused")
    };
    assert!(err.to_string().contains("states"), "{err}");
    let no_stake = Values { a_if_a_wins: 0.0, ..VALUES };
    assert!(WayOutWar::new(field, b, b, no_stake, 0.9, 10, &zone).is_err());
}

#[test]
fn payoffs_are_discounted_and_net_of_costs() {
    // A zone that opens once the front reaches 2 (A's perceived chance, with sure beliefs,
    // is then high enough): payoffs by propagating the front, written out, against Monte Carlo.
    let (n, k, q, delta, horizon) = (8u32, 4u32, 0.5, 0.9, 15u32);
    let belief = Beta::new(q * 1e12, (1.0 - q) * 1e12).unwrap();
    let zone = Thresholds { a_at_most: 2.0, b_at_least: 0.7 };
    let war = WayOutWar::new(
        Battlefield::new(n, k, q).unwrap(),
        belief,
        belief,
        VALUES,
        delta,
        horizon,
        &zone,
    )
    .unwrap();
    let value =
        |t: u32, cost: f64, v: f64| -cost * (1.0 - delta.powi(t as i32)) + delta.powi(t as i32) * v;
    let (mut pay_a, mut pay_b) = (0.0, 0.0);
    let mut mass = vec![0.0; n as usize + 1];
    mass[k as usize] = 1.0;
    for t in 0..=horizon {
        for (j, m) in mass.iter_mut().enumerate().take(n as usize).skip(1) {
            let x = 1.0 - ruin(n, j as u32, q);
            if *m > 0.0 && x >= 0.7 {
                // The Thresholds deal: A gets x_A, B gets 1 − x_B (both x here).
                pay_a += *m * value(t, VALUES.cost_a, x);
                pay_b += *m * value(t, VALUES.cost_b, 1.0 - x);
                *m = 0.0;
            }
        }
        if t == horizon {
            for (j, &m) in mass.iter().enumerate().take(n as usize).skip(1) {
                let p_a = 1.0 - ruin(n, j as u32, q);
                pay_a += m * value(t, VALUES.cost_a, p_a - VALUES.cost_a);
                pay_b += m * value(t, VALUES.cost_b, 1.0 - p_a - VALUES.cost_b);
            }
            break;
        }
        let mut next = vec![0.0; n as usize + 1];
        for j in 1..n as usize {
            next[j + 1] += mass[j] * q;
            next[j - 1] += mass[j] * (1.0 - q);
        }
        // Decisions at round t + 1: A wins at 0, B at n.
        pay_a += next[0] * value(t + 1, VALUES.cost_a, 1.0)
            + next[n as usize] * value(t + 1, VALUES.cost_a, 0.0);
        pay_b += next[0] * value(t + 1, VALUES.cost_b, 0.0)
            + next[n as usize] * value(t + 1, VALUES.cost_b, 1.0);
        next[0] = 0.0;
        next[n as usize] = 0.0;
        mass = next;
    }
    let s = war.simulate(200_000, 11);
    assert!(s.settled > 0 && s.decided_b > 0 && s.ongoing > 0, "{s:?}");
    assert!(
        (s.payoff_a.mean() - pay_a).abs() < 4.0 * s.payoff_a.se(),
        "{} vs {pay_a}",
        s.payoff_a.mean()
    );
    assert!(
        (s.payoff_b.mean() - pay_b).abs() < 4.0 * s.payoff_b.se(),
        "{} vs {pay_b}",
        s.payoff_b.mean()
    );
}
