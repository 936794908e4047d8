//! The robustness analysis against a closed form (reference/robustness.md §5): two parties
//! dividing a good, reservation values uniform on ranges; P(impasse) is a one-dimensional
//! integral. And the same report on 1 and 2 threads.

use impasse_app::robustness::{RobustnessRequest, Vary, robustness};
use impasse_app::{AppError, Token};
use impasse_format::{GeniusSemantics, Override};

fn price() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/distributive-price.toml")
}

fn run(request: &RobustnessRequest, threads: usize) -> impasse_report::RobustnessReport {
    let path = price();
    let load =
        |overrides: &[Override]| impasse_app::load(&path, overrides, GeniusSemantics::Genius);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| robustness(&load, "price", request, &Token::new())).unwrap()
}

fn request(samples: u64) -> RobustnessRequest {
    RobustnessRequest {
        samples,
        seed: 5,
        vary: ["preferences.seller.reservation=0.2:0.8", "preferences.buyer.reservation=0.1:0.6"]
            .iter()
            .map(|v| v.parse::<Vary>().unwrap())
            .collect(),
        ..RobustnessRequest::default()
    }
}

/// The price runs over the integers 50..=100, u_seller = (p − 50)/50, u_buyer = (100 − p)/50: a
/// zone exists iff r_buyer ≤ 1 − ⌈50·r_seller⌉/50. Midpoint rule over r_seller.
fn exact_impasse(a: (f64, f64), b: (f64, f64)) -> f64 {
    let steps = 200_000;
    let mut sum = 0.0;
    for i in 0..steps {
        let r_a = a.0 + (a.1 - a.0) * (i as f64 + 0.5) / steps as f64;
        let threshold = 1.0 - (50.0 * r_a - 1e-9).ceil() / 50.0;
        sum += ((b.1 - threshold.max(b.0)) / (b.1 - b.0)).clamp(0.0, 1.0);
    }
    sum / steps as f64
}

#[test]
fn p_impasse_matches_the_closed_form_within_four_standard_errors() {
    let report = run(&request(1000), 2);
    let p = report.verdict_probability.impasse;
    let exact = exact_impasse((0.2, 0.8), (0.1, 0.6));
    assert!(
        (p.probability - exact).abs() <= 4.0 * p.standard_error,
        "P(impasse) {} ± {}, exact {exact}",
        p.probability,
        p.standard_error
    );
    assert!(p.standard_error > 0.0 && p.standard_error < 0.02);
    // The only clash is the two reservation values together, exactly when there is an impasse.
    assert_eq!(report.clash_probability.len(), 1);
    assert_eq!(report.clash_probability[0].probability, p);
    // Both inputs drive the verdict; the swings say how.
    assert_eq!(report.drivers.len(), 2);
    for driver in &report.drivers {
        assert!(driver.total.unwrap() > 0.1, "{driver:?}");
        assert_eq!((driver.low.verdict, driver.high.verdict), ("agreement_possible", "impasse"));
    }
}

#[test]
fn the_report_does_not_depend_on_the_thread_count() {
    assert_eq!(run(&request(150), 1), run(&request(150), 2));
}

#[test]
fn bad_requests_are_refused_before_any_analysis() {
    let path = price();
    let load =
        |overrides: &[Override]| impasse_app::load(&path, overrides, GeniusSemantics::Genius);
    let field =
        |request: RobustnessRequest| match robustness(&load, "price", &request, &Token::new()) {
            Err(AppError::Field { field, message }) => (field, message),
            other => panic!("{other:?}"),
        };
    assert_eq!(field(RobustnessRequest::default()).0, "vary");
    let mut twice = request(10);
    twice.vary.push(twice.vary[0].clone());
    assert!(field(twice).1.contains("varied twice"));
    assert_eq!(field(RobustnessRequest { samples: 10_000_000, ..request(1) }).0, "samples");
    assert!("x=1".parse::<Vary>().is_err() && "=0:1".parse::<Vary>().is_err());
    // A path that names nothing is the loader's located error, once, before sampling.
    let mut nowhere = request(10);
    nowhere.vary[0] = "preferences.nobody.reservation=0:1".parse().unwrap();
    assert!(matches!(
        robustness(&load, "price", &nowhere, &Token::new()),
        Err(AppError::Scenario { .. })
    ));
}
