//! Benchmarks of the analysis passes on large random additive scenarios.
//!
//! Run with `CARGO_TARGET_DIR=/tmp/target-analysis cargo bench -p impasse-analysis --bench analysis`.
//! The goals: the two-party Pareto frontier of 10^6 packages in under 200 ms on two cores, and
//! full analyses streaming over 10^7 packages for 2–4 parties in bounded memory.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use impasse_analysis::{AnalysisConfig, analyze, pareto_frontier};
use impasse_testkit::build::random_additive;

fn frontier(c: &mut Criterion) {
    let config = AnalysisConfig::default();
    let mut group = c.benchmark_group("frontier");
    group.sample_size(20).measurement_time(Duration::from_secs(10));
    let scenario = random_additive(1, 2, &[10; 6], 0.3);
    group.bench_function("2 parties, 1e6 packages", |b| {
        b.iter(|| pareto_frontier(black_box(&scenario), &config))
    });
    group.finish();
}

fn analyses(c: &mut Criterion) {
    let config = AnalysisConfig::default();
    let mut group = c.benchmark_group("analyze");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    for parties in 2..=4 {
        let scenario = random_additive(2, parties, &[10; 6], 0.3);
        group.bench_function(format!("{parties} parties, 1e6 packages"), |b| {
            b.iter(|| analyze(black_box(&scenario), &config))
        });
    }
    for parties in [2, 4] {
        let scenario = random_additive(3, parties, &[10; 7], 0.3);
        group.bench_function(format!("{parties} parties, 1e7 packages"), |b| {
            b.iter(|| analyze(black_box(&scenario), &config))
        });
    }
    group.finish();
}

criterion_group!(benches, frontier, analyses);
criterion_main!(benches);
