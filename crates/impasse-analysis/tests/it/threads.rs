//! Results do not depend on the number of threads.

use impasse_analysis::{AnalysisConfig, analyze};
use impasse_testkit::build::{random_additive, random_constrained};

fn on_threads(threads: usize, scenario: &impasse_core::Scenario) -> String {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
    let config = AnalysisConfig { max_frontier: 500, ..AnalysisConfig::default() };
    // Debug formatting compares floats bit for bit (and NaN equal to itself).
    format!("{:?}", pool.install(|| analyze(scenario, &config)))
}

#[test]
fn one_and_two_threads_agree() {
    let scenarios = [
        random_constrained(11, 2, &[9, 9, 9, 9, 9]),
        random_constrained(12, 3, &[7, 7, 7, 7, 7, 2]),
        random_constrained(13, 4, &[6, 6, 6, 6, 6, 6]),
        random_additive(14, 3, &[10, 10, 10, 10, 10], 0.4),
    ];
    for scenario in &scenarios {
        assert_eq!(on_threads(1, scenario), on_threads(2, scenario), "{}", scenario.name());
        assert_eq!(on_threads(2, scenario), on_threads(3, scenario), "{}", scenario.name());
    }
}
