//! Offer-for-offer parity with NegMAS 0.16.0.
//!
//! The fixtures in `tests/data/negmas-parity/` were produced by `bench/negmas_parity.py`: for 14
//! bilateral GENIUS domains, every ordered pair of {Boulware, Linear, Conceder, NaiveTitForTat} for
//! 100 and 20 steps, and for a three-party domain every ordered triple for 100 steps (stacked
//! alternating offers), NegMAS's offers, agreement and `state.step`, with the utility functions exactly as
//! NegMAS used them and the order NegMAS's inverter sorted the outcomes in (numpy's `argsort` is
//! not stable, so the order among tied outcomes is NegMAS's own, platform-dependent choice). The
//! test replays every negotiation and compares it offer for offer.

use std::path::Path;
use std::sync::Arc;

use impasse_core::{Issue, IssueKind, Party, Reservation, Scenario, ScenarioParts, Utility};
use impasse_negotiate::{AgentSpec, EndReason, Profile, SaoConfig, Setting, run_sao};
use serde_json::Value;

fn floats(value: &Value) -> Vec<f64> {
    value.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()
}

fn indices(value: &Value) -> Vec<u32> {
    value.as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect()
}

struct Fixture {
    name: String,
    setting: Setting,
    runs: Vec<Value>,
}

fn load(path: &Path, with_negmas_order: bool) -> Fixture {
    let data: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let issues: Vec<Issue> = data["issues"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(k, issue)| {
            let values = issue["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect();
            Issue::new(
                &format!("i{k}"),
                issue["name"].as_str().unwrap(),
                IssueKind::Categorical { values },
            )
        })
        .collect();
    let parties: Vec<Party> = data["parties"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let values = p["values"].as_array().unwrap().iter().map(floats).collect();
            Party {
                id: format!("p{k}"),
                name: format!("party {k}"),
                description: String::new(),
                power: 1.0,
                utility: Utility::new(floats(&p["weights"]), values)
                    .with_offset(p["bias"].as_f64().unwrap()),
                reservation: Reservation::Value(p["reserved"].as_f64().unwrap()),
                discount: None,
            }
        })
        .collect();
    let scenario = Scenario::new(ScenarioParts {
        name: data["domain"].as_str().unwrap().to_owned(),
        issues,
        parties,
        ..ScenarioParts::default()
    })
    .unwrap();
    let scenario = Arc::new(scenario);
    let plain = Setting::from_scenario(scenario.clone()).unwrap();
    let setting = if with_negmas_order {
        let profiles = data["parties"]
            .as_array()
            .unwrap()
            .iter()
            .zip(plain.profiles())
            .map(|(p, profile)| {
                Profile::with_orders(
                    profile.utilities().to_vec(),
                    profile.reserved(),
                    Vec::new(),
                    indices(&p["order_all"]),
                    p.get("order_rational").map(indices),
                )
                .unwrap()
            })
            .collect();
        Setting::with_profiles(scenario, profiles).unwrap()
    } else {
        plain
    };
    Fixture {
        name: data["domain"].as_str().unwrap().to_owned(),
        setting,
        runs: data["runs"].as_array().unwrap().clone(),
    }
}

fn fixtures(with_negmas_order: bool) -> Vec<Fixture> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/negmas-parity");
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    paths.iter().map(|p| load(p, with_negmas_order)).collect()
}

/// Replays a fixture run; `Err` describes the first difference.
fn replay(fixture: &Fixture, run: &Value) -> Result<(), String> {
    let agents: Vec<AgentSpec> = run["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().parse().unwrap())
        .collect();
    let n_steps = run["n_steps"].as_u64().unwrap() as u32;
    let mut boxed: Vec<_> =
        agents.iter().enumerate().map(|(me, a)| a.build(&fixture.setting, me, 0)).collect();
    let config = SaoConfig { n_steps: Some(n_steps), ..SaoConfig::default() };
    let result = run_sao(&fixture.setting, &mut boxed, &config);
    let label = format!("{} {:?} {n_steps} steps", fixture.name, run["agents"]);
    let expected: Vec<(usize, u32, Option<u32>)> = run["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o[0].as_u64().unwrap() as usize,
                o[1].as_u64().unwrap() as u32,
                o[2].as_u64().map(|v| v as u32),
            )
        })
        .collect();
    let actual: Vec<(usize, u32, Option<u32>)> =
        result.trace.iter().map(|o| (o.proposer, o.step, Some(o.outcome))).collect();
    // NegMAS records a `None` proposal in its trace before breaking; impasse ends without one.
    let expected_offers: Vec<_> = expected.iter().filter(|o| o.2.is_some()).copied().collect();
    if let Some(k) = (0..expected_offers.len().max(actual.len()))
        .find(|&k| expected_offers.get(k) != actual.get(k))
    {
        return Err(format!(
            "{label}: offer {k} differs: NegMAS {:?}, impasse {:?}",
            expected_offers.get(k),
            actual.get(k)
        ));
    }
    let agreement = run["agreement"].as_u64().map(|v| v as u32);
    if agreement != result.agreement {
        return Err(format!(
            "{label}: agreement NegMAS {agreement:?}, impasse {:?}",
            result.agreement
        ));
    }
    let step = run["step"].as_u64().unwrap() as u32;
    if step != result.steps {
        return Err(format!("{label}: state.step NegMAS {step}, impasse {}", result.steps));
    }
    let broken = run["broken"].as_bool().unwrap();
    if broken != matches!(result.end, EndReason::Ended { .. }) {
        return Err(format!("{label}: broken NegMAS {broken}, impasse {:?}", result.end));
    }
    let timedout = run["timedout"].as_bool().unwrap();
    if timedout != (result.end == EndReason::Deadline) {
        return Err(format!("{label}: timed out NegMAS {timedout}, impasse {:?}", result.end));
    }
    Ok(())
}

#[test]
fn every_fixture_negotiation_matches_negmas_offer_for_offer() {
    let fixtures = fixtures(true);
    assert!(fixtures.len() >= 10, "at least 10 domains");
    let mut failures = Vec::new();
    let mut total = 0;
    let mut offers = 0;
    for fixture in &fixtures {
        for run in &fixture.runs {
            total += 1;
            offers += run["offers"].as_array().unwrap().len();
            if let Err(err) = replay(fixture, run) {
                failures.push(err);
            }
        }
    }
    assert!(total >= 10 * 16 + 64, "every ordered pair on ten domains, every triple on one");
    assert!(fixtures.iter().any(|f| f.setting.parties().len() == 3), "a multilateral domain");
    assert!(
        failures.is_empty(),
        "{} of {total} negotiations ({offers} offers) differ from NegMAS:\n{}",
        failures.len(),
        failures.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn fixture_utilities_are_sorted_consistently_with_our_own_order() {
    // NegMAS's order differs from impasse's (stable) one only among exactly tied utilities.
    for fixture in fixtures(true) {
        let plain = fixtures(false).into_iter().find(|f| f.name == fixture.name).unwrap();
        for (ours, theirs) in plain.setting.profiles().iter().zip(fixture.setting.profiles()) {
            assert_eq!(ours.sorted_all().utils(), theirs.sorted_all().utils(), "{}", fixture.name);
        }
    }
}

#[test]
fn genius_folders_read_with_negmas_semantics_reproduce_the_fixtures_end_to_end() {
    // The GENIUS folders of five fixture domains ship with impasse-format's tests: reading them
    // with NegMAS's semantics must give NegMAS's utilities bit for bit, and the same negotiations.
    let genius = Path::new(env!("CARGO_MANIFEST_DIR")).join("../impasse-format/tests/data/genius");
    let mut checked = 0;
    for fixture in fixtures(true) {
        let folder = genius.join(&fixture.name);
        if !folder.exists() {
            continue;
        }
        let scenario = impasse_format::load_genius_folder_with(
            &folder,
            impasse_format::GeniusSemantics::Negmas,
        )
        .unwrap();
        let imported = Setting::from_scenario(Arc::new(scenario)).unwrap();
        let profiles: Vec<Profile> = imported
            .profiles()
            .iter()
            .zip(fixture.setting.profiles())
            .map(|(ours, theirs)| {
                assert_eq!(ours.utilities(), theirs.utilities(), "{}: utilities", fixture.name);
                assert_eq!(
                    ours.reserved().to_bits(),
                    theirs.reserved().to_bits(),
                    "{}",
                    fixture.name
                );
                let order = |s: &impasse_negotiate::Sorted| s.outcomes()[..s.n_rational()].to_vec();
                Profile::with_orders(
                    ours.utilities().to_vec(),
                    ours.reserved(),
                    Vec::new(),
                    order(theirs.sorted_all()),
                    Some(order(theirs.sorted_acceptable())),
                )
                .unwrap()
            })
            .collect();
        let scenario = imported.scenario().unwrap().clone();
        let end_to_end = Fixture {
            name: fixture.name.clone(),
            setting: Setting::with_profiles(scenario, profiles).unwrap(),
            runs: fixture.runs.clone(),
        };
        for run in &end_to_end.runs {
            replay(&end_to_end, run).unwrap();
        }
        checked += 1;
    }
    assert!(checked >= 5, "five fixture domains have their GENIUS folders in the repository");
}
