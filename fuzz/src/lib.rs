//! Shared input splitting and invariant checks for the fuzz targets in `fuzz_targets/`.
//!
//! Every check panics (which libFuzzer reports as a crash) when the parser breaks a promise that
//! `impasse-format` documents: errors are never empty and point inside the file they name,
//! successes are valid scenarios that the model can evaluate, TOML and JSON read alike, and
//! parsing is deterministic. The `tournament_config` target holds `impasse-app`'s
//! `TournamentConfig::parse` to the same kind of promise: its errors have one of the documented
//! forms and name a position inside the text, and what it accepts is usable.

use std::borrow::Cow;

use impasse_core::Scenario;
use impasse_format::{Diagnostics, NativeSyntax, Override};
use impasse_app::AppError;
use impasse_app::tournament::TournamentConfig;

/// Inputs larger than this are skipped (libFuzzer is also run with `-max_len=65536`).
pub const MAX_INPUT: usize = 1 << 16;

/// Separates the parts of an input: the scenario text and its overrides (native targets), or the
/// domain and profile files (genius and geniusweb targets). XML, JSON and TOML text never contain
/// a NUL byte.
pub const SEPARATOR: u8 = 0;

/// The most overrides or profiles taken from one input.
const MAX_EXTRA_PARTS: usize = 4;

/// The file name the native targets report diagnostics under.
pub const NATIVE_FILE: &str = "fuzz-input";

fn text(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// Splits a native-target input: the scenario text, then (after the first NUL byte) up to four
/// `PATH=VALUE` override lines. Lines that are not `PATH=VALUE` are skipped.
pub fn split_native(data: &[u8]) -> (Cow<'_, str>, Vec<Override>) {
    let mut parts = data.splitn(2, |&byte| byte == SEPARATOR);
    let scenario = text(parts.next().unwrap_or_default());
    let overrides = parts
        .next()
        .map(|rest| {
            text(rest)
                .lines()
                .filter_map(|line| line.parse::<Override>().ok())
                .take(MAX_EXTRA_PARTS)
                .collect()
        })
        .unwrap_or_default();
    (scenario, overrides)
}

/// Fuzzes `parse_native` with one input (see [`split_native`]) and checks its invariants.
pub fn fuzz_native(data: &[u8], syntax: NativeSyntax) {
    if data.len() > MAX_INPUT {
        return;
    }
    let (scenario_text, overrides) = split_native(data);
    let first = impasse_format::parse_native(&scenario_text, NATIVE_FILE, syntax, &overrides);
    let files = [(NATIVE_FILE, &*scenario_text)];
    match &first {
        Ok(scenario) => {
            check_scenario(scenario);
            if syntax == NativeSyntax::Toml {
                check_json_twin(&scenario_text, &overrides, scenario);
            }
            check_export_round_trip(scenario, data);
        }
        Err(diagnostics) => check_diagnostics(diagnostics, &files, !overrides.is_empty()),
    }
    if recheck(data) {
        let second = impasse_format::parse_native(&scenario_text, NATIVE_FILE, syntax, &overrides);
        check_deterministic(&first, &second);
    }
}

/// TOML and JSON scenarios are "the same tree" (docs/scenario-format.md): a TOML scenario that
/// parses, rewritten as JSON, parses to the same scenario, with the same overrides. Skipped when the
/// TOML holds values JSON cannot (infinities and NaN, dates and times).
pub fn check_json_twin(toml_text: &str, overrides: &[Override], scenario: &Scenario) {
    let Ok(tree) = toml::from_str::<serde_json::Value>(toml_text) else { return };
    if !json_safe(&tree) {
        return;
    }
    let json = serde_json::to_string_pretty(&tree).expect("a JSON value serialises");
    match impasse_format::parse_native(&json, NATIVE_FILE, NativeSyntax::Json, overrides) {
        Ok(twin) => {
            if &twin != scenario {
                assert_eq!(
                    format!("{twin:?}"),
                    format!("{scenario:?}"),
                    "the JSON twin of a TOML scenario parses to another scenario; JSON:\n{json}"
                );
            }
        }
        Err(diagnostics) => {
            panic!(
                "a TOML scenario parses but its JSON twin does not:\n{diagnostics}\nJSON:\n{json}"
            )
        }
    }
}

/// Whether a tree read from TOML has a faithful JSON form: no null (what serde_json makes of an
/// infinity or NaN) and no TOML date or time (which serde reads as a private one-key table).
fn json_safe(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => false,
        serde_json::Value::Array(items) => items.iter().all(json_safe),
        serde_json::Value::Object(map) => {
            map.keys().all(|key| !key.starts_with("$__toml_private")) && map.values().all(json_safe)
        }
        _ => true,
    }
}

/// An export to GENIUS either is refused with a reason or reads back as the same negotiation:
/// the same issues and parties, every party's utility the export's affine image of the original
/// (`map.apply(u)`) on a few outcomes (as in `check_finite_utilities`) and on its reservation
/// value, within `1e-9` relative.
pub fn check_export_round_trip(scenario: &Scenario, data: &[u8]) {
    let export = match impasse_format::to_genius(scenario) {
        Ok(export) => export,
        Err(error) => {
            assert!(!error.to_string().trim().is_empty(), "an export refused without a reason");
            return;
        }
    };
    let profiles: Vec<(&str, &str)> =
        export.profiles.iter().map(|file| (file.name.as_str(), file.text.as_str())).collect();
    let back = match impasse_format::parse_genius((&export.domain.name, &export.domain.text), &profiles) {
        Ok(back) => back,
        Err(diagnostics) => panic!(
            "an export does not read back:\n{diagnostics}\ndomain:\n{}",
            export.domain.text
        ),
    };
    assert_eq!(back.parties().len(), scenario.parties().len(), "the export lost parties");
    let close = |got: f64, expected: f64| (got - expected).abs() <= 1e-9 * expected.abs().max(1.0);
    for (idx, (reservation, again)) in
        scenario.reservation_values().iter().zip(back.reservation_values()).enumerate()
    {
        let expected = export.maps[idx].apply(*reservation);
        assert!(close(again, expected), "party {idx}: reservation {again} read back, {expected} expected");
    }
    let space = scenario.space();
    let (Some(size), Some(back_size)) = (space.size(), back.space().size()) else { return };
    assert_eq!(size, back_size, "the export changed the outcome space");
    let sum =
        data.iter().fold(0u64, |sum, &byte| sum.wrapping_mul(131).wrapping_add(u64::from(byte)));
    let mut outcome = vec![0u32; space.n_issues()];
    for index in [0, size - 1, size / 2, sum % size] {
        space.decode(index, &mut outcome);
        for (idx, (party, again)) in scenario.parties().iter().zip(back.parties()).enumerate() {
            let expected = export.maps[idx].apply(party.utility.eval(&outcome));
            let got = again.utility.eval(&outcome);
            assert!(
                close(got, expected),
                "party '{}' on outcome {outcome:?}: {got} read back, {expected} expected",
                party.id
            );
        }
    }
}

/// The file names the genius target gives its parts: the domain, then the profiles.
pub const GENIUS_NAMES: [&str; 1 + MAX_EXTRA_PARTS] =
    ["domain.xml", "profile1.xml", "profile2.xml", "profile3.xml", "profile4.xml"];

/// Splits a genius-target input at NUL bytes: the domain XML, then one profile XML per part (at
/// most four; the seeds have two). Returns `(file name, text)` pairs, the domain first.
pub fn split_genius(data: &[u8]) -> Vec<(&'static str, Cow<'_, str>)> {
    data.split(|&byte| byte == SEPARATOR)
        .take(GENIUS_NAMES.len())
        .zip(GENIUS_NAMES)
        .map(|(part, name)| (name, text(part)))
        .collect()
}

/// Fuzzes `parse_genius` with one input (see [`split_genius`]) and checks its invariants.
pub fn fuzz_genius(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let parts = split_genius(data);
    let files: Vec<(&str, &str)> = parts.iter().map(|(name, text)| (*name, &**text)).collect();
    let (domain, profiles) = (files[0], &files[1..]);
    let first = impasse_format::parse_genius(domain, profiles);
    match &first {
        Ok(scenario) => {
            check_scenario(scenario);
            assert_eq!(
                scenario.parties().len(),
                profiles.len(),
                "a GENIUS scenario has one party per profile file"
            );
        }
        Err(diagnostics) => check_diagnostics(diagnostics, &files, false),
    }
    if recheck(data) {
        let second = impasse_format::parse_genius(domain, profiles);
        check_deterministic(&first, &second);
    }
}

/// The file names the geniusweb target gives its parts: the domain, then the profiles (the
/// parties are named after the profiles' stems).
pub const GENIUSWEB_NAMES: [&str; 1 + MAX_EXTRA_PARTS] =
    ["domain.json", "profile1.json", "profile2.json", "profile3.json", "profile4.json"];

/// Splits a geniusweb-target input at NUL bytes: the domain JSON, then one profile JSON per part
/// (at most four). Returns `(file name, text)` pairs, the domain first.
pub fn split_geniusweb(data: &[u8]) -> Vec<(&'static str, Cow<'_, str>)> {
    data.split(|&byte| byte == SEPARATOR)
        .take(GENIUSWEB_NAMES.len())
        .zip(GENIUSWEB_NAMES)
        .map(|(part, name)| (name, text(part)))
        .collect()
}

/// Fuzzes `parse_geniusweb` with one input (see [`split_geniusweb`]) and checks its invariants.
pub fn fuzz_geniusweb(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let parts = split_geniusweb(data);
    let files: Vec<(&str, &str)> = parts.iter().map(|(name, text)| (*name, &**text)).collect();
    let (domain, profiles) = (files[0], &files[1..]);
    let first = impasse_format::parse_geniusweb(domain, profiles);
    match &first {
        Ok(scenario) => {
            check_scenario(scenario);
            assert_eq!(
                scenario.parties().len(),
                profiles.len(),
                "a GeniusWeb scenario has one party per profile file"
            );
            check_finite_utilities(scenario, data);
        }
        Err(diagnostics) => check_diagnostics(diagnostics, &files, false),
    }
    if recheck(data) {
        let second = impasse_format::parse_geniusweb(domain, profiles);
        check_deterministic(&first, &second);
    }
}

/// Every party's reservation value is finite, and so is its utility on a few outcomes decoded from
/// their indices: the first, the last, the middle one, and one chosen by a checksum of the input
/// (only when the outcome space's size fits in a `u64`: otherwise indices cannot be decoded).
pub fn check_finite_utilities(scenario: &Scenario, data: &[u8]) {
    for (party, reservation) in scenario.parties().iter().zip(scenario.reservation_values()) {
        assert!(
            reservation.is_finite(),
            "party '{}' has a non-finite reservation value {reservation}",
            party.id
        );
    }
    let space = scenario.space();
    let Some(size) = space.size() else { return };
    assert!(size >= 1, "an outcome space with no outcome was accepted");
    let sum =
        data.iter().fold(0u64, |sum, &byte| sum.wrapping_mul(131).wrapping_add(u64::from(byte)));
    let mut outcome = vec![0u32; space.n_issues()];
    for index in [0, size - 1, size / 2, sum % size] {
        space.decode(index, &mut outcome);
        assert_eq!(space.encode(&outcome), index, "decode and encode disagree on outcome {index}");
        for party in scenario.parties() {
            let utility = party.utility.eval(&outcome);
            assert!(
                utility.is_finite(),
                "party '{}' has utility {utility} on outcome {index} ({outcome:?})",
                party.id
            );
        }
    }
}

/// The file name the tournament_config target parses its input under.
pub const TOURNAMENT_FILE: &str = "fuzz.toml";

/// Fuzzes `TournamentConfig::parse` with one input (the whole input is the configuration text)
/// and checks its invariants.
pub fn fuzz_tournament_config(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let config_text = text(data);
    let first = TournamentConfig::parse(&config_text, TOURNAMENT_FILE);
    match &first {
        Ok(config) => check_tournament_config(config),
        Err(error) => check_tournament_error(error, &config_text),
    }
    if recheck(data) {
        let second = TournamentConfig::parse(&config_text, TOURNAMENT_FILE);
        // `AppError` has no `PartialEq` (it may hold an `io::Error`): compare the texts.
        assert_eq!(
            format!("{first:?}"),
            format!("{second:?}"),
            "parsing the same configuration twice gave different results"
        );
    }
}

/// An accepted configuration: its agents expand to a non-empty list, it has at least one scenario,
/// one repetition and one step, and writing it back as TOML and parsing that gives it again.
pub fn check_tournament_config(config: &TournamentConfig) {
    match config.specs() {
        Ok(specs) => assert!(!specs.is_empty(), "an accepted configuration with no agent"),
        Err(error) => panic!("an accepted configuration whose agents do not parse: {error}"),
    }
    assert!(!config.scenarios.is_empty(), "an accepted configuration with no scenario");
    assert!(config.repetitions >= 1, "an accepted configuration with 0 repetitions");
    assert!(config.steps >= 1, "an accepted configuration with 0 steps");
    let written = match toml::to_string(config) {
        Ok(written) => written,
        Err(error) => panic!("an accepted configuration cannot be written as TOML: {error}"),
    };
    match TournamentConfig::parse(&written, TOURNAMENT_FILE) {
        Ok(reread) => assert_eq!(
            &reread, config,
            "an accepted configuration, written as TOML and parsed again, changed:\n{written}"
        ),
        Err(error) => {
            panic!("an accepted configuration, written as TOML, does not parse: {error}\n{written}")
        }
    }
}

/// A refused configuration: the error is one of those `TournamentConfig::parse` documents, for
/// the file `fuzz.toml`:
///
/// - TOML syntax or schema: `fuzz.toml:LINE:COLUMN: MESSAGE; expected keys: …`, where `0:0` means
///   no position, and otherwise 1 ≤ LINE ≤ the text's line count and 1 ≤ COLUMN ≤ the line's
///   length in characters + 1 (lines split at `\n`, as `line_col` counts them);
/// - a count past its bound: `fuzz.toml:LINE:COLUMN: `steps`: N steps is above the limit of …`
///   (or `repetitions`), at the value;
/// - `fuzz.toml: `scenarios` is empty` or `fuzz.toml: `repetitions` and `steps` must be at
///   least 1`;
/// - from `specs()`, without the file name: an unknown agent (`unknown agent '…'…; valid agents:
///   …`) or no agent (``agents` is empty; valid agents: all, …`).
///
/// Rendering the error (`Display`) does not panic and gives a non-empty message.
pub fn check_tournament_error(error: &AppError, text: &str) {
    let message = error.to_string();
    assert!(!message.trim().is_empty(), "an error with an empty message: {error:?}");
    match error {
        AppError::Invalid(message) if message.starts_with("unknown agent '") => {
            assert!(message.contains("; valid agents: "), "an unknown agent's message: {message}");
        }
        AppError::Invalid(message) => {
            if message.starts_with("`agents` is empty; valid agents: all, ")
                || message == &format!("{TOURNAMENT_FILE}: `scenarios` is empty")
                || message
                    == &format!("{TOURNAMENT_FILE}: `repetitions` and `steps` must be at least 1")
            {
                return;
            }
            let Some(rest) = message.strip_prefix(&format!("{TOURNAMENT_FILE}:")) else {
                panic!("a configuration error that does not name {TOURNAMENT_FILE}: {message}");
            };
            // A count past its bound (impasse_app::limits) points at the value; any other error
            // is TOML's, with the list of keys.
            let past_a_limit = [" `steps`: ", " `repetitions`: "].iter().any(|key| {
                rest.splitn(3, ':').nth(2).is_some_and(|tail| tail.starts_with(key))
            }) && message.contains("is above the limit of");
            assert!(
                past_a_limit || message.contains("; expected keys: "),
                "a TOML error without the list of keys: {message}"
            );
            let mut fields = rest.splitn(3, ':');
            let (Some(line), Some(column)) = (fields.next(), fields.next()) else {
                panic!("a TOML error without line and column: {message}");
            };
            let (Ok(line), Ok(column)) = (line.parse::<usize>(), column.parse::<usize>()) else {
                panic!("a TOML error whose line or column is not a number: {message}");
            };
            if line == 0 {
                assert_eq!(column, 0, "a TOML error at line 0 with a column: {message}");
                return;
            }
            let lines: Vec<&str> = text.split('\n').collect();
            assert!(
                line <= lines.len(),
                "a TOML error at line {line}, but the text has {} lines: {message}",
                lines.len()
            );
            let width = lines[line - 1].chars().count();
            assert!(
                (1..=width + 1).contains(&column),
                "a TOML error at column {column}, but line {line} has {width} characters: {message}"
            );
        }
        other => panic!("TournamentConfig::parse returned an unexpected error: {other:?}"),
    }
}

/// Errors: at least one diagnostic; each names one of the input files, has a non-empty message,
/// and a position inside that file (line 0 only for whole-file problems, and then column 0).
/// With `overrides`, a diagnostic may instead concern an override: file `--set` or `--set PATH`,
/// at line 0.
pub fn check_diagnostics(diagnostics: &Diagnostics, files: &[(&str, &str)], overrides: bool) {
    assert!(!diagnostics.is_empty(), "parse failed with no diagnostic at all");
    // Each file's lines, split once.
    let lines_of: Vec<Vec<&str>> =
        files.iter().map(|(_, text)| text.split('\n').collect()).collect();
    for diagnostic in &diagnostics.0 {
        assert!(
            !diagnostic.message.trim().is_empty(),
            "diagnostic with an empty message: {diagnostic:?}"
        );
        if overrides && (diagnostic.file == "--set" || diagnostic.file.starts_with("--set ")) {
            assert_eq!(
                (diagnostic.line, diagnostic.column),
                (0, 0),
                "an override's diagnostic has a position: {diagnostic:?}"
            );
            continue;
        }
        let Some(file) = files.iter().position(|(name, _)| *name == diagnostic.file) else {
            panic!(
                "diagnostic names a file that was not given ({:?}): {diagnostic:?}",
                files.iter().map(|f| f.0).collect::<Vec<_>>()
            );
        };
        if diagnostic.line == 0 {
            assert_eq!(
                diagnostic.column, 0,
                "whole-file diagnostic (line 0) with a column: {diagnostic:?}"
            );
            continue;
        }
        let lines = &lines_of[file];
        let line = diagnostic.line as usize;
        assert!(
            line <= lines.len(),
            "diagnostic at line {line}, but the file has {} lines: {diagnostic:?}",
            lines.len()
        );
        // Columns count characters, 1-based; one past the end of the line is the end of line.
        let width = lines[line - 1].chars().count();
        assert!(
            diagnostic.column as usize <= width + 1,
            "diagnostic at column {}, but line {line} has {width} characters: {diagnostic:?}",
            diagnostic.column
        );
    }
    // Rendering must not panic either.
    let rendered = diagnostics.to_string();
    assert!(!rendered.is_empty());
}

/// Successes: a valid scenario with at least two parties and one issue, whose utilities,
/// reservation values and constraints can be evaluated on a few packages without panicking.
pub fn check_scenario(scenario: &Scenario) {
    let n_parties = scenario.parties().len();
    let n_issues = scenario.issues().len();
    assert!(n_parties >= 2, "scenario accepted with {n_parties} parties");
    assert!(n_issues >= 1, "scenario accepted with no issue");
    let space = scenario.space();
    assert_eq!(space.n_issues(), n_issues, "outcome space and issues disagree");
    assert!(space.radices().iter().all(|&radix| radix >= 1), "an issue with no value was accepted");
    for party in scenario.parties() {
        assert_eq!(
            party.utility.tables().len(),
            n_issues,
            "party '{}' has a table per issue",
            party.id
        );
    }
    let reservations = scenario.reservation_values();
    assert_eq!(reservations.len(), n_parties);
    let _ = scenario.balance();

    // The first package, the last one, and a mixed one.
    let first = vec![0u32; n_issues];
    let last: Vec<u32> = space.radices().iter().map(|&radix| radix - 1).collect();
    let mixed: Vec<u32> = space
        .radices()
        .iter()
        .enumerate()
        .map(|(idx, &radix)| if idx % 2 == 0 { radix - 1 } else { 0 })
        .collect();
    for outcome in [&first, &last, &mixed] {
        if let Some(size) = space.size() {
            assert!(space.encode(outcome) < size, "package index out of the outcome space");
        }
        for (idx, party) in scenario.parties().iter().enumerate() {
            let _ = party.utility.eval(outcome);
            let _ = scenario.penalty(idx, outcome);
        }
        let _ = scenario.respects_hard_constraints(outcome);
        assert_eq!(scenario.describe(outcome).len(), n_issues);
    }
}

/// Whether to parse this input a second time to check determinism: one input in four (decided
/// by a checksum of the input, so that a failure reproduces), to keep the fuzzers fast.
pub fn recheck(data: &[u8]) -> bool {
    let sum =
        data.iter().fold(0u32, |sum, &byte| sum.wrapping_mul(31).wrapping_add(u32::from(byte)));
    sum % 4 == 0
}

/// Parsing the same input twice gives the same result.
pub fn check_deterministic<T: PartialEq + std::fmt::Debug>(
    first: &Result<T, Diagnostics>,
    second: &Result<T, Diagnostics>,
) {
    // Scenarios hold floats: compare by their debug form when `==` fails on a NaN.
    if first != second {
        assert_eq!(
            format!("{first:?}"),
            format!("{second:?}"),
            "parsing the same input twice gave different results"
        );
    }
}
