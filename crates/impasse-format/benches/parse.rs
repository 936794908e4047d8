//! Parsing time against input size: every format, one discrete issue of N values, N growing 10×
//! (5,000 → 50,000). Linear-time parsing shows as a time ratio of about 10 between the two sizes
//! (issue 11: GENIUS and GeniusWeb were quadratic, 5.5 s at 50,000 values).
//!
//! Run with `cargo bench -p impasse-format --bench parse`; the figures are in
//! `docs/performance.md`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use impasse_format::{NativeSyntax, parse_genius, parse_geniusweb, parse_native};

const SIZES: [usize; 2] = [5_000, 50_000];

/// A GENIUS domain and two profiles with one discrete issue of `n` values.
fn genius(n: usize) -> (String, [String; 2]) {
    let mut domain = String::from(
        "<negotiation_template><utility_space number_of_issues=\"1\">\
         <objective index=\"0\" name=\"root\" type=\"objective\" etype=\"objective\">\
         <issue index=\"1\" name=\"item\" type=\"discrete\" etype=\"discrete\" vtype=\"discrete\">\n",
    );
    for i in 0..n {
        writeln!(domain, "<item index=\"{}\" value=\"v{i}\"></item>", i + 1).unwrap();
    }
    domain.push_str("</issue></objective></utility_space></negotiation_template>\n");
    let profile = |flip: bool| {
        let mut text = String::from(
            "<utility_space><objective index=\"0\" name=\"root\" type=\"objective\" \
             etype=\"objective\"><issue index=\"1\" name=\"item\" type=\"discrete\" \
             etype=\"discrete\" vtype=\"discrete\">\n",
        );
        for i in 0..n {
            let eval = if flip { n - i } else { i + 1 };
            writeln!(
                text,
                "<item index=\"{}\" value=\"v{i}\" evaluation=\"{eval}\"></item>",
                i + 1
            )
            .unwrap();
        }
        text.push_str(
            "</issue><weight index=\"1\" value=\"1.0\"></weight></objective>\
             <reservation value=\"0.2\"/></utility_space>\n",
        );
        text
    };
    (domain, [profile(false), profile(true)])
}

/// A GeniusWeb domain and two profiles with one discrete issue of `n` values.
fn geniusweb(n: usize) -> (String, [String; 2]) {
    let values: Vec<String> = (0..n).map(|i| format!("\"v{i}\"")).collect();
    let domain_body = format!(
        r#"{{"name":"big","issuesValues":{{"item":{{"values":[{}]}}}}}}"#,
        values.join(",")
    );
    let profile = |name: &str, flip: bool| {
        let utilities: Vec<String> = (0..n)
            .map(|i| {
                let u = if flip { (n - 1 - i) as f64 } else { i as f64 } / (n - 1) as f64;
                format!("\"v{i}\":{u}")
            })
            .collect();
        format!(
            r#"{{"LinearAdditiveUtilitySpace":{{"name":"{name}","issueUtilities":{{"item":{{"discreteutils":{{"valueUtilities":{{{}}}}}}}}},"issueWeights":{{"item":1}},"domain":{domain_body}}}}}"#,
            utilities.join(",")
        )
    };
    (domain_body.clone(), [profile("a", false), profile("b", true)])
}

/// A native TOML scenario with one discrete issue of `n` values.
fn native(n: usize) -> String {
    let mut text = String::from(
        "format_version = 1\n[scenario]\nname = \"big\"\n[parties.a]\nname = \"A\"\n[parties.b]\nname = \"B\"\n",
    );
    text.push_str("[issues.item]\nname = \"Item\"\ntype = \"categorical\"\nvalues = [");
    for i in 0..n {
        write!(text, "\"v{i}\",").unwrap();
    }
    text.push_str("]\n");
    for (party, flip) in [("a", false), ("b", true)] {
        writeln!(text, "[preferences.{party}]\nreservation = 0.2\n[preferences.{party}.weights]\nitem = 1.0\n[preferences.{party}.values.item]").unwrap();
        for i in 0..n {
            let u = if flip { (n - 1 - i) as f64 } else { i as f64 } / (n - 1) as f64;
            writeln!(text, "v{i} = {u}").unwrap();
        }
    }
    text
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse one issue of N values");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    for n in SIZES {
        let (domain, profiles) = genius(n);
        let files = [("a.xml", profiles[0].as_str()), ("b.xml", profiles[1].as_str())];
        parse_genius(("big.xml", &domain), &files).expect("the generated GENIUS domain parses");
        group.bench_with_input(BenchmarkId::new("genius", n), &n, |b, _| {
            b.iter(|| parse_genius(black_box(("big.xml", &domain)), black_box(&files)))
        });

        let (domain, profiles) = geniusweb(n);
        let files = [("a.json", profiles[0].as_str()), ("b.json", profiles[1].as_str())];
        parse_geniusweb(("big.json", &domain), &files)
            .expect("the generated GeniusWeb domain parses");
        group.bench_with_input(BenchmarkId::new("geniusweb", n), &n, |b, _| {
            b.iter(|| parse_geniusweb(black_box(("big.json", &domain)), black_box(&files)))
        });

        let text = native(n);
        parse_native(&text, "big.toml", NativeSyntax::Toml, &[])
            .expect("the generated scenario parses");
        group.bench_with_input(BenchmarkId::new("native toml", n), &n, |b, _| {
            b.iter(|| parse_native(black_box(&text), "big.toml", NativeSyntax::Toml, &[]))
        });
    }
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
