//! The seeds pass every target's checks, and the valid ones (all but `errors*` and `*bad*`) parse.
//! Run with `cargo test --manifest-path fuzz/Cargo.toml` (no sanitizer or nightly flag needed).

use std::fs;
use std::path::Path;

use impasse_format::NativeSyntax;
use impasse_app::tournament::TournamentConfig;

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds").join(target);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_none_or(|ext| ext != "md"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
            (name, fs::read(&path).expect("a readable seed"))
        })
        .collect()
}

fn should_parse(name: &str) -> bool {
    !name.starts_with("errors") && !name.contains("bad")
}

#[test]
fn native_seeds() {
    for (target, syntax) in
        [("native_toml", NativeSyntax::Toml), ("native_json", NativeSyntax::Json)]
    {
        for (name, data) in seeds(target) {
            impasse_fuzz::fuzz_native(&data, syntax);
            let (text, overrides) = impasse_fuzz::split_native(&data);
            let result = impasse_format::parse_native(&text, "seed", syntax, &overrides);
            if should_parse(&name) {
                if let Err(diagnostics) = result {
                    panic!("{target}/{name} does not parse:\n{diagnostics}");
                }
            } else {
                assert!(result.is_err(), "{target}/{name} parses");
            }
        }
    }
}

#[test]
fn genius_seeds() {
    for (name, data) in seeds("genius") {
        impasse_fuzz::fuzz_genius(&data);
        let parts = impasse_fuzz::split_genius(&data);
        let files: Vec<(&str, &str)> = parts.iter().map(|(file, text)| (*file, &**text)).collect();
        if let Err(diagnostics) = impasse_format::parse_genius(files[0], &files[1..]) {
            panic!("genius/{name} does not parse:\n{diagnostics}");
        }
    }
}

#[test]
fn geniusweb_seeds() {
    for (name, data) in seeds("geniusweb") {
        impasse_fuzz::fuzz_geniusweb(&data);
        let parts = impasse_fuzz::split_geniusweb(&data);
        let files: Vec<(&str, &str)> = parts.iter().map(|(file, text)| (*file, &**text)).collect();
        let result = impasse_format::parse_geniusweb(files[0], &files[1..]);
        if should_parse(&name) {
            if let Err(diagnostics) = result {
                panic!("geniusweb/{name} does not parse:\n{diagnostics}");
            }
        } else {
            assert!(result.is_err(), "geniusweb/{name} parses");
        }
    }
}

#[test]
fn tournament_config_seeds() {
    for (name, data) in seeds("tournament_config") {
        impasse_fuzz::fuzz_tournament_config(&data);
        let text = String::from_utf8_lossy(&data);
        let result = TournamentConfig::parse(&text, impasse_fuzz::TOURNAMENT_FILE);
        if should_parse(&name) {
            if let Err(error) = result {
                panic!("tournament_config/{name} does not parse: {error}");
            }
        } else {
            assert!(result.is_err(), "tournament_config/{name} parses");
        }
    }
}
