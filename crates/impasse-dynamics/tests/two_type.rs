//! Two-type learning: the first passage against gambler's ruin in log-odds (where the log-odds
//! walk is a simple walk) and against a direct simulation with the front in play.

use impasse_dynamics::battlefield::Battlefield;
use impasse_dynamics::mc;
use impasse_dynamics::two_type::TwoTypeLearning;
use rand::Rng as _;

/// Pr(a ±1 walk with up-probability q reaches n before 0 from k), and the expected steps.
fn ruin(n: f64, k: f64, q: f64) -> (f64, f64) {
    if (q - 0.5).abs() < 1e-15 {
        return (k / n, k * (n - k));
    }
    let rho = (1.0 - q) / q;
    let p = (1.0 - rho.powf(k)) / (1.0 - rho.powf(n));
    (p, k / (1.0 - 2.0 * q) - n / (1.0 - 2.0 * q) * p)
}

#[test]
fn symmetric_types_make_the_passage_a_gamblers_ruin_in_log_odds() {
    // q_H = 0.6 and q_L = 0.4: each advance multiplies the odds by 1.5, each retreat divides them.
    // From even odds, the posterior reaches 0.77 at three net advances (1.5³/(1 + 1.5³) = 0.7714)
    // and 0.23 at three net retreats; the front (20 steps from either end) cannot end the war
    // first. So A becomes sure B is strong with the chance that a walk on {0, …, 6} from 3 reaches
    // 6, after the expected duration of that walk.
    for q in [0.5, 0.55, 0.4] {
        let field = Battlefield::new(40, 20, q).unwrap();
        let learning = TwoTypeLearning::new(field, 0.6, 0.4, 0.5, 0.23, 0.77).unwrap();
        let passage = learning.exact(3000);
        let (p_strong, battles) = ruin(6.0, 3.0, q);
        assert!((passage.sure_strong() - p_strong).abs() < 1e-9, "{q}: {}", passage.sure_strong());
        assert!((passage.sure_weak() - (1.0 - p_strong)).abs() < 1e-9);
        assert!((passage.expected_battles - battles).abs() < 1e-6, "{}", passage.expected_battles);
        assert_eq!(passage.decided_a + passage.decided_b, 0.0);
        assert!(passage.unsure < 1e-12);
        // Passages happen only at 3, 5, 7, … battles (three net steps, plus pairs that cancel).
        assert!(passage.sure_strong_at.iter().enumerate().all(|(t, &p)| p == 0.0 || t % 2 == 1));
        assert!((passage.sure_strong_at[3] - q.powi(3)).abs() < 1e-15);
    }
}

#[test]
fn the_exact_passage_matches_a_direct_simulation() {
    // The front can end the war first: N = 8 from 3.
    let (n, k, q, q_h, q_l, prior, low, high, horizon) =
        (8u32, 3u32, 0.55, 0.7, 0.4, 0.3, 0.05, 0.75, 30u32);
    let learning =
        TwoTypeLearning::new(Battlefield::new(n, k, q).unwrap(), q_h, q_l, prior, low, high)
            .unwrap();
    let passage = learning.exact(horizon);
    let total = passage.sure_strong()
        + passage.sure_weak()
        + passage.decided_a
        + passage.decided_b
        + passage.unsure;
    assert!((total - 1.0).abs() < 1e-12);
    let runs = 200_000u64;
    // [sure strong, sure weak, decided A, decided B, unsure] and the battles, written out.
    let mut counts = [0u64; 5];
    let mut battles = 0.0;
    for r in 0..runs {
        let mut rng = mc::stream(17, r);
        let (mut front, mut odds) = (k, prior / (1.0 - prior));
        let mut t = 0;
        let end = loop {
            if t == horizon {
                break 4;
            }
            t += 1;
            if rng.random::<f64>() < q {
                front += 1;
                odds *= q_h / q_l;
            } else {
                front -= 1;
                odds *= (1.0 - q_h) / (1.0 - q_l);
            }
            if front == 0 {
                break 2;
            }
            if front == n {
                break 3;
            }
            let p = odds / (1.0 + odds);
            if p >= high {
                break 0;
            }
            if p <= low {
                break 1;
            }
        };
        counts[end] += 1;
        battles += f64::from(t);
    }
    let exact = [
        passage.sure_strong(),
        passage.sure_weak(),
        passage.decided_a,
        passage.decided_b,
        passage.unsure,
    ];
    for (count, p) in counts.iter().zip(exact) {
        let se = (p * (1.0 - p) / runs as f64).sqrt().max(1e-9);
        assert!((*count as f64 / runs as f64 - p).abs() < 4.0 * se, "{count} vs {p}");
    }
    assert!(exact.iter().all(|&p| p > 0.01), "every ending is possible here: {exact:?}");
    let mean = battles / runs as f64;
    assert!(
        (mean - passage.expected_battles).abs() < 0.05,
        "{mean} vs {}",
        passage.expected_battles
    );
}

#[test]
fn bad_parameters_are_refused() {
    let field = Battlefield::new(8, 3, 0.5).unwrap();
    assert!(TwoTypeLearning::new(field, 0.4, 0.6, 0.5, 0.1, 0.9).is_err(), "q_H ≤ q_L");
    assert!(TwoTypeLearning::new(field, 0.6, 0.4, 0.95, 0.1, 0.9).is_err(), "prior outside");
    assert!(TwoTypeLearning::new(field, 0.6, 0.4, 0.5, -0.1, 0.9).is_err(), "not a probability");
    assert!(TwoTypeLearning::new(field, 1.0, 0.4, 0.5, 0.1, 0.9).is_err(), "q_H = 1");
}
