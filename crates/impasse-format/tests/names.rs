//! Names as the user wrote them (see: #10): for every GENIUS domain of the shared collection and of
//! the fixtures, the loaded scenario's issue keys and names, value names and party keys and names
//! equal those in its XML files.
//!
//! The oracle is [`impasse_testkit::genius::names_in`], an independent scan of the XML text.

use std::path::Path;

use impasse_core::{IssueKind, Scenario};
use impasse_format::load_genius_folder;
use impasse_testkit::genius::{GeniusNames, domain_folders, names_in};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/genius");
const QUIRKS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/genius-quirks");

/// The names as the scenario holds them: keys and display names must agree.
fn names_of(scenario: &Scenario) -> GeniusNames {
    let issues = scenario
        .issues()
        .iter()
        .map(|issue| {
            assert_eq!(issue.id, issue.name, "an imported issue's key is its name");
            let values = match &issue.kind {
                IssueKind::Categorical { values } | IssueKind::Ordinal { values } => values.clone(),
                _ => Vec::new(),
            };
            (issue.id.clone(), values)
        })
        .collect();
    let parties = scenario
        .parties()
        .iter()
        .map(|party| {
            assert_eq!(party.id, party.name, "an imported party's key is its name");
            party.id.clone()
        })
        .collect();
    GeniusNames { issues, parties }
}

#[track_caller]
fn check(root: &Path, at_least: usize) {
    assert!(root.is_dir(), "{} is missing: the names test needs it", root.display());
    let folders = domain_folders(root);
    assert!(folders.len() >= at_least, "only {} domains under {}", folders.len(), root.display());
    for folder in folders {
        let scenario = load_genius_folder(&folder)
            .unwrap_or_else(|diags| panic!("{}: {diags}", folder.display()));
        assert_eq!(names_of(&scenario), names_in(&folder), "{}", folder.display());
    }
}

#[test]
fn every_shared_domain_keeps_its_names_as_written() {
    // The collection's README lists the ANAC 2010–2013 domains, one 2014 and one 2015 domain.
    let root = impasse_testkit::genius::shared_domains()
        .expect("the shared GENIUS collection (../shared/genius-domains) is missing: the names test needs it");
    check(&root, 100);
}

#[test]
fn every_fixture_keeps_its_names_as_written() {
    check(Path::new(DATA), 7);
    check(Path::new(QUIRKS), 2);
}
