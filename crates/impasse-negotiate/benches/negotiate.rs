//! Benchmarks of single negotiations and of setting preparation on ANAC domains.
//!
//! Run with `cargo bench -p impasse-negotiate --bench negotiate`. NegMAS 0.16 runs 20–70 of these
//! negotiations a second on CameraB (3,600 outcomes); the goal is at least 1,000× that on one core.

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use impasse_negotiate::{AgentSpec, Reference, SaoConfig, Setting, run_sao};

fn setting(domain: &str) -> Setting {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../impasse-format/tests/data/genius")
        .join(domain);
    let scenario = impasse_format::load_genius_folder(&path).expect("fixture domain loads");
    Setting::from_scenario(Arc::new(scenario)).expect("negotiable")
}

fn negotiations(c: &mut Criterion) {
    let setting = setting("y2012/CameraB");
    let config = SaoConfig { n_steps: Some(100), record_trace: false, ..SaoConfig::default() };
    let mut group = c.benchmark_group("CameraB negotiation (100 steps)");
    group.sample_size(50).measurement_time(Duration::from_secs(5));
    let pairs = [
        ("boulware", "conceder"),
        ("conceder", "boulware"),
        ("linear", "linear"),
        ("boulware", "boulware"),
        ("naive-tit-for-tat", "conceder"),
        ("naive-tit-for-tat", "linear"),
        ("hardheaded", "opponent-model"),
        ("nash", "red-line-holder"),
    ];
    for (a, b) in pairs {
        let specs: [AgentSpec; 2] = [a.parse().unwrap(), b.parse().unwrap()];
        group.bench_function(format!("{a} vs {b}"), |bench| {
            bench.iter(|| {
                let mut agents: Vec<_> =
                    specs.iter().enumerate().map(|(me, s)| s.build(&setting, me, 0)).collect();
                black_box(run_sao(&setting, &mut agents, &config))
            })
        });
    }
    group.finish();
}

fn preparation(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../impasse-format/tests/data/genius/y2012/CameraB");
    let scenario = Arc::new(impasse_format::load_genius_folder(&path).expect("loads"));
    let mut group = c.benchmark_group("setting");
    group.sample_size(30).measurement_time(Duration::from_secs(5));
    group.bench_function("CameraB: tabulate and sort", |b| {
        b.iter(|| Setting::from_scenario(black_box(scenario.clone())))
    });
    // The reference points of the metrics (frontier and Nash, through the analysis crate).
    let prepared = Setting::from_scenario(scenario.clone()).expect("negotiable");
    group.bench_function("CameraB: reference frontier and Nash", |b| {
        b.iter(|| Reference::new(black_box(&prepared)))
    });
    let laptop = setting("y2012/LaptopC");
    group.bench_function("LaptopC: reference frontier and Nash", |b| {
        b.iter(|| Reference::new(black_box(&laptop)))
    });
    group.finish();
}

criterion_group!(benches, negotiations, preparation);
criterion_main!(benches);
