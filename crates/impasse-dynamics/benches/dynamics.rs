//! Monte Carlo throughput of the dynamics models: `cargo bench -p impasse-dynamics`.
//! The goal: at least 10^6 replications of M4 or M5 a second on two cores.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use impasse_dynamics::assess::{AssessConfig, Models, assess};
use impasse_dynamics::battlefield::{Battlefield, Beta, Convergence, LearningWar};
use impasse_dynamics::screening::{Screening, ScreeningParams};

const RUNS: u64 = 1_000_000;

fn models(c: &mut Criterion) {
    let mut group = c.benchmark_group("Monte Carlo, 10^6 replications");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(RUNS));
    for mu0 in [0.3, 0.02] {
        let m4 = Screening::new(ScreeningParams {
            p: 0.5,
            r: 0.1,
            delta: 0.95,
            c_a: 0.02,
            c_r: 0.01,
            c_i: 0.05,
            mu0,
        })
        .unwrap();
        group.bench_function(format!("M4 screening, mu0 = {mu0}"), |b| {
            b.iter(|| black_box(m4.simulate(RUNS, 1, 200)))
        });
    }
    let rule =
        Convergence::new(Beta::new(3.0, 7.0).unwrap(), Beta::new(7.0, 3.0).unwrap(), 0.05, 0.05)
            .unwrap();
    let m5 =
        LearningWar::new(Battlefield::new(12, 6, 0.5).unwrap(), rule, 0.01, 0.01, 200).unwrap();
    group.bench_function("M5 battlefield learning, N = 12, t* = 30", |b| {
        b.iter(|| black_box(m5.simulate(RUNS, 1)))
    });
    group.finish();
}

/// The seed scenario's way-out war: building the perceived zone and the state table, the exact
/// path and the deals, then 10^6 replications; and the same with 10^4 (a sweep point).
fn seed(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/negotiation-impasse-2023.toml");
    let scenario = impasse_format::load_path(&path, &[]).unwrap();
    let mut group = c.benchmark_group("seed scenario, way-out war");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    for runs in [RUNS, 10_000] {
        let config = AssessConfig {
            models: Models { way_out: true, ..Models::NONE },
            ..AssessConfig::new(runs, 1)
        };
        group.throughput(Throughput::Elements(runs));
        group.bench_function(format!("{runs} replications"), |b| {
            b.iter(|| black_box(assess(&scenario, &config).unwrap()))
        });
    }
    let config = AssessConfig::new(10_000, 1);
    group.throughput(Throughput::Elements(1));
    group.bench_function("every model, 10^4 replications each (one sweep point)", |b| {
        b.iter(|| black_box(assess(&scenario, &config).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, models, seed);
criterion_main!(benches);
