//! Protocol semantics, metrics, tournaments: checked against hand-worked cases and brute force.

use std::sync::Arc;

use impasse_analysis::solutions::RELATIVE_TOLERANCE;
use impasse_analysis::{AnalysisConfig, analyze};
use impasse_core::Ties;
use impasse_core::{
    CrossingCost, Expr, Issue, IssueKind, Party, RedLine, Reservation, Scenario, ScenarioParts,
    Utility, ValueSet,
};
use impasse_negotiate::Profile;
use impasse_negotiate::tournament::{Entry, Protocol, Tournament};
use impasse_negotiate::{
    Agent, AgentSpec, EndReason, MediatedConfig, Reference, Response, SaoConfig, Setting, State,
    run_mediated, run_sao,
};
use proptest::prelude::*;

fn party(id: &str, weights: Vec<f64>, values: Vec<Vec<f64>>, reserved: f64) -> Party {
    Party {
        id: id.into(),
        name: id.into(),
        description: String::new(),
        power: 1.0,
        utility: Utility::new(weights, values),
        reservation: Reservation::Value(reserved),
        discount: None,
    }
}

/// Two issues of three values; parties with opposed preferences on the first issue.
fn scenario(parties: usize, red_line: bool) -> Arc<Scenario> {
    let issues = vec![
        Issue::new("x", "x", IssueKind::Integer { min: 0, max: 2 }),
        Issue::new("y", "y", IssueKind::Integer { min: 0, max: 2 }),
    ];
    let mut ps = vec![
        party("a", vec![0.7, 0.3], vec![vec![0.0, 0.5, 1.0], vec![0.0, 0.5, 1.0]], 0.2),
        party("b", vec![0.6, 0.4], vec![vec![1.0, 0.5, 0.0], vec![0.0, 1.0, 0.2]], 0.2),
        party("c", vec![0.5, 0.5], vec![vec![0.5, 1.0, 0.5], vec![1.0, 0.5, 0.0]], 0.1),
    ];
    ps.truncate(parties);
    let red_lines = if red_line {
        // b never accepts x = 2.
        vec![RedLine {
            id: "no_x2".into(),
            party: 1,
            description: String::new(),
            source: String::new(),
            requires: Expr::Atom { issue: 0, allowed: ValueSet::from_indices(3, [0, 1]) },
            cost: CrossingCost::Absolute,
        }]
    } else {
        Vec::new()
    };
    Arc::new(
        Scenario::new(ScenarioParts {
            name: "toy".into(),
            issues,
            parties: ps,
            red_lines,
            ..ScenarioParts::default()
        })
        .unwrap(),
    )
}

/// Proposes a fixed outcome and accepts whatever it is offered.
struct Yes(u32);

impl Agent for Yes {
    fn respond(&mut self, _: &State, _: u32) -> Response {
        Response::Accept
    }
    fn propose(&mut self, _: &State) -> Option<u32> {
        Some(self.0)
    }
    fn vote(&mut self, _: &State, _: u32, _: u32) -> bool {
        true
    }
}

/// Proposes a fixed outcome and accepts only that one.
struct Only(u32);

impl Agent for Only {
    fn respond(&mut self, _: &State, offer: u32) -> Response {
        if offer == self.0 { Response::Accept } else { Response::Reject }
    }
    fn propose(&mut self, _: &State) -> Option<u32> {
        Some(self.0)
    }
    fn vote(&mut self, _: &State, _: u32, proposal: u32) -> bool {
        proposal == self.0
    }
}

#[test]
fn a_party_never_accepts_across_its_absolute_red_line() {
    let setting = Setting::from_scenario(scenario(2, true)).unwrap();
    // Outcome 7 is x = 2, y = 1: across b's red line.
    assert!(setting.profiles()[1].is_forbidden(7));
    let mut agents: Vec<Box<dyn Agent>> = vec![Box::new(Only(7)), Box::new(Yes(7))];
    let result =
        run_sao(&setting, &mut agents, &SaoConfig { n_steps: Some(10), ..SaoConfig::default() });
    assert_eq!(result.agreement, None);
    assert_eq!(result.end, EndReason::Deadline);
    assert_eq!(result.vetoes, 10, "b's acceptance is vetoed at every step");
    // Without the red line b's acceptance stands at step 0.
    let setting = Setting::from_scenario(scenario(2, false)).unwrap();
    let mut agents: Vec<Box<dyn Agent>> = vec![Box::new(Only(7)), Box::new(Yes(7))];
    let result = run_sao(&setting, &mut agents, &SaoConfig::default());
    assert_eq!((result.agreement, result.steps, result.offers), (Some(7), 1, 1));
}

#[test]
fn multilateral_agreement_needs_every_party() {
    let setting = Setting::from_scenario(scenario(3, false)).unwrap();
    // a and b insist on 4, c accepts anything: a proposes 4 at step 0, b accepts, c accepts.
    let mut agents: Vec<Box<dyn Agent>> =
        vec![Box::new(Only(4)), Box::new(Only(4)), Box::new(Yes(0))];
    let result = run_sao(&setting, &mut agents, &SaoConfig::default());
    assert_eq!((result.agreement, result.steps), (Some(4), 1));
    // a and b insist on different outcomes: never.
    let mut agents: Vec<Box<dyn Agent>> =
        vec![Box::new(Only(4)), Box::new(Only(5)), Box::new(Yes(0))];
    let result =
        run_sao(&setting, &mut agents, &SaoConfig { n_steps: Some(7), ..SaoConfig::default() });
    assert_eq!((result.agreement, result.end, result.steps), (None, EndReason::Deadline, 7));
    // a and b counter-offer at every step; c accepts whatever stands (b's offer), so the
    // acceptances never reach three.
    assert_eq!(result.offers, 14);
    assert_eq!(result.trace.len() as u32, result.offers);
}

#[test]
fn proposing_nothing_breaks_the_negotiation() {
    struct Quit;
    impl Agent for Quit {
        fn respond(&mut self, _: &State, _: u32) -> Response {
            Response::Reject
        }
        fn propose(&mut self, _: &State) -> Option<u32> {
            None
        }
        fn vote(&mut self, _: &State, _: u32, _: u32) -> bool {
            false
        }
    }
    let setting = Setting::from_scenario(scenario(2, false)).unwrap();
    let mut agents: Vec<Box<dyn Agent>> = vec![Box::new(Only(3)), Box::new(Quit)];
    let result = run_sao(&setting, &mut agents, &SaoConfig::default());
    assert_eq!(
        (result.end, result.steps, result.agreement),
        (EndReason::Ended { party: 1 }, 1, None)
    );
    assert_eq!(result.utilities, vec![0.2, 0.2], "no agreement: reservation values");
}

#[test]
fn mediated_agreements_respect_red_lines_and_are_deterministic() {
    let setting = Setting::from_scenario(scenario(2, true)).unwrap();
    for seed in 0..50 {
        let run = || {
            let mut agents: Vec<_> =
                (0..2).map(|me| AgentSpec::TimeBased(1.0).build(&setting, me, seed)).collect();
            run_mediated(
                &setting,
                &mut agents,
                &MediatedConfig { n_steps: 30, seed, record_trace: true },
            )
        };
        let (a, b) = (run(), run());
        assert_eq!(a, b);
        if let Some(o) = a.agreement {
            assert!(!setting.profiles()[1].is_forbidden(o));
            assert!(setting.profiles().iter().all(|p| p.is_acceptable(o)));
        }
    }
}

/// Brute force under the analysis's tie rule: the tie-key vectors of the efficient outcomes
/// (distinct, descending), and the Nash outcome: the acceptable outcome (no party forbids it, every
/// key at least the reservation key) with the largest product of key gains, ties (within the
/// analysis's relative tolerance) to the lexicographically largest keys, then the lowest outcome.
fn brute_reference(setting: &Setting) -> (Vec<Vec<i64>>, Option<u32>) {
    let profiles = setting.profiles();
    let n = setting.n_outcomes();
    let ties = setting_ties(setting);
    let keys = |o: u32| profiles.iter().map(|p| ties.key(p.utility(o))).collect::<Vec<i64>>();
    let dominates = |a: &[i64], b: &[i64]| {
        a.iter().zip(b).all(|(x, y)| x >= y) && a.iter().zip(b).any(|(x, y)| x > y)
    };
    let mut frontier: Vec<Vec<i64>> =
        (0..n).map(keys).filter(|u| !(0..n).map(keys).any(|v| dominates(&v, u))).collect();
    frontier.sort_by(|a, b| b.cmp(a));
    frontier.dedup();
    let floors: Vec<i64> = profiles.iter().map(|p| ties.key(p.reserved())).collect();
    let acceptable: Vec<u32> = (0..n)
        .filter(|&o| {
            profiles.iter().all(|p| !p.is_forbidden(o))
                && keys(o).iter().zip(&floors).all(|(k, f)| k >= f)
        })
        .collect();
    let product = |o: u32| -> f64 {
        keys(o).iter().zip(&floors).map(|(&k, &f)| (i128::from(k) - i128::from(f)) as f64).product()
    };
    let best = acceptable.iter().map(|&o| product(o)).fold(f64::NEG_INFINITY, f64::max);
    let nash = acceptable
        .iter()
        .copied()
        .filter(|&o| product(o) >= best - RELATIVE_TOLERANCE * best.abs())
        .min_by(|&a, &b| keys(b).cmp(&keys(a)).then(a.cmp(&b)));
    (frontier, nash)
}

/// The tie rule of a setting's table: the scale of every utility and reservation value.
fn setting_ties(setting: &Setting) -> Ties {
    let profiles = setting.profiles();
    Ties::for_values(
        profiles.iter().flat_map(|p| p.utilities().iter().copied().chain([p.reserved()])),
    )
}

#[track_caller]
fn check_reference(setting: &Setting) {
    let reference = Reference::new(setting);
    let ties = setting_ties(setting);
    let ours: Vec<Vec<i64>> =
        reference.frontier.iter().map(|u| u.iter().map(|&x| ties.key(x)).collect()).collect();
    let (frontier, nash) = brute_reference(setting);
    assert_eq!(ours, frontier);
    assert_eq!(reference.nash_outcome, nash);
    assert_eq!(reference.nash, nash.map(|o| setting.utilities(o)));
}

proptest! {
    #[test]
    fn reference_frontier_and_nash_match_brute_force(
        parties in 2usize..4,
        radices in proptest::collection::vec(1u32..5, 1..4),
        red_line in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let mut state = seed;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) % 5) as f64 / 4.0
        };
        let issues: Vec<Issue> = radices.iter().enumerate()
            .map(|(k, &r)| Issue::new(&format!("i{k}"), "i", IssueKind::Integer { min: 0, max: i64::from(r) - 1 }))
            .collect();
        let ps: Vec<Party> = (0..parties).map(|p| {
            let values = radices.iter().map(|&r| (0..r).map(|_| next()).collect()).collect();
            party(&format!("p{p}"), vec![1.0; radices.len()], values, next())
        }).collect();
        // Party 1 never accepts the first issue's first value.
        let red_lines = if red_line && radices[0] > 1 {
            vec![RedLine {
                id: "line".into(),
                party: 1,
                description: String::new(),
                source: String::new(),
                requires: Expr::Atom { issue: 0, allowed: ValueSet::from_indices(radices[0], 1..radices[0]) },
                cost: CrossingCost::Absolute,
            }]
        } else {
            Vec::new()
        };
        let scenario = Arc::new(Scenario::new(ScenarioParts { name: "p".into(), issues, parties: ps, red_lines, ..ScenarioParts::default() }).unwrap());
        let setting = Setting::from_scenario(scenario).unwrap();
        check_reference(&setting);
    }
}

#[test]
fn reference_ties_follow_the_tie_key_rule() {
    // Outcomes 0 and 1 have utilities equal at the tie resolution (0.3 against 0.1 + 0.2): one
    // frontier point, and a Nash tie that goes to the first outcome. Raw float comparisons list
    // them as two points and pick outcome 1 for Nash (its product is larger in the last bit).
    let profile = |utils: Vec<f64>| Profile::new(utils, 0.0, Vec::new()).unwrap();
    let issues = vec![Issue::new("x", "x", IssueKind::Integer { min: 0, max: 3 })];
    let parties =
        (0..2).map(|p| party(&format!("p{p}"), vec![1.0], vec![vec![0.0; 4]], 0.0)).collect();
    let scenario = Arc::new(
        Scenario::new(ScenarioParts {
            name: "ties".into(),
            issues,
            parties,
            ..ScenarioParts::default()
        })
        .unwrap(),
    );
    let setting = Setting::with_profiles(
        scenario,
        vec![profile(vec![0.3, 0.1 + 0.2, 0.5, 0.2]), profile(vec![0.5, 0.5, 0.2, 0.5])],
    )
    .unwrap();
    let reference = Reference::new(&setting);
    assert_eq!(reference.frontier, vec![vec![0.5, 0.2], vec![0.3, 0.5]]);
    assert_eq!(reference.nash_outcome, Some(0));
    check_reference(&setting);
    // The distances use the tie group's first outcome.
    assert!(reference.distance_to_pareto(&[0.1 + 0.2, 0.5]) < 1e-15);
}

#[test]
fn reference_agrees_with_the_analysis() {
    // Without finite red lines the setting's utilities are the analysis's: the reference frontier
    // is the analysis's whole-space frontier (tie groups once each) and its Nash point the
    // analysis's Nash solution.
    for (parties, red_line) in [(2, false), (2, true), (3, false), (3, true)] {
        let scenario = scenario(parties, red_line);
        let ties = scenario.ties();
        let analysis = analyze(&scenario, &AnalysisConfig::default()).unwrap();
        let setting = Setting::from_scenario(scenario).unwrap();
        let reference = Reference::new(&setting);
        let keys = |u: &[f64]| u.iter().map(|&x| ties.key(x)).collect::<Vec<i64>>();
        let mut expected: Vec<Vec<i64>> =
            analysis.frontier.iter().map(|p| keys(&p.utilities)).collect();
        expected.dedup();
        let ours: Vec<Vec<i64>> = reference.frontier.iter().map(|u| keys(u)).collect();
        assert_eq!(ours, expected, "{parties} parties, red line {red_line}");
        assert_eq!(
            reference.nash.as_deref().map(keys),
            analysis.solutions.nash.as_ref().map(|p| keys(&p.net_utilities)),
            "{parties} parties, red line {red_line}"
        );
    }
}

fn toy_tournament(repetitions: u32) -> Tournament {
    let entries = vec![
        Entry::new("toy2".into(), Arc::new(Setting::from_scenario(scenario(2, true)).unwrap())),
        Entry::new("toy3".into(), Arc::new(Setting::from_scenario(scenario(3, false)).unwrap())),
    ];
    let agents = vec![
        AgentSpec::TimeBased(4.0),
        AgentSpec::Random,
        AgentSpec::NaiveTitForTat,
        AgentSpec::Nash,
    ];
    Tournament::new(entries, agents, repetitions, 30, 9, Protocol::Sao).unwrap()
}

#[test]
fn tournament_rows_do_not_depend_on_the_thread_count() {
    let tournament = toy_tournament(3);
    assert_eq!(tournament.len(), (16 + 64) * 3);
    let collect = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let mut rows = Vec::new();
        pool.install(|| {
            tournament.run(0, |batch| {
                rows.extend_from_slice(batch);
                Ok::<_, ()>(())
            })
        })
        .unwrap();
        rows
    };
    let one = collect(1);
    assert_eq!(one, collect(2));
    assert_eq!(one.len() as u64, tournament.len());
    assert!(one.iter().enumerate().all(|(k, row)| row.id == k as u64));
    // Random agents differ between repetitions, deterministic ones do not.
    let random: Vec<_> = one.iter().filter(|r| r.agents == ["random", "random"]).collect();
    assert!(
        random.windows(2).any(|w| w[0].utilities != w[1].utilities || w[0].steps != w[1].steps)
    );
}

#[test]
fn agent_names_get_clear_errors() {
    let err = "time-based".parse::<AgentSpec>().unwrap_err().to_string();
    assert!(err.contains("needs an exponent"), "{err}");
}
