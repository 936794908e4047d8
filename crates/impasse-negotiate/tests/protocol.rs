//! Protocol semantics, metrics, tournaments: checked against hand-worked cases and brute force.

use std::sync::Arc;

use impasse_core::{
    CrossingCost, Expr, Issue, IssueKind, Party, RedLine, Reservation, Scenario, ScenarioParts,
    Utility, ValueSet,
};
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

fn brute_frontier(utils: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = utils[0].len();
    let vec_of = |o: usize| utils.iter().map(|u| u[o]).collect::<Vec<f64>>();
    let mut out: Vec<Vec<f64>> = (0..n)
        .map(vec_of)
        .filter(|u| {
            !(0..n).map(vec_of).any(|v| {
                v.iter().zip(u).all(|(a, b)| a >= b) && v.iter().zip(u).any(|(a, b)| a > b)
            })
        })
        .collect();
    out.sort_by(|a, b| a.partial_cmp(b).unwrap());
    out.dedup();
    out
}

proptest! {
    #[test]
    fn reference_frontier_and_nash_match_brute_force(
        parties in 2usize..4,
        radices in proptest::collection::vec(1u32..5, 1..4),
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
        let scenario = Arc::new(Scenario::new(ScenarioParts { name: "p".into(), issues, parties: ps, ..ScenarioParts::default() }).unwrap());
        let setting = Setting::from_scenario(scenario).unwrap();
        let reference = Reference::new(&setting);
        let utils: Vec<Vec<f64>> = setting.profiles().iter().map(|p| p.utilities().to_vec()).collect();
        let mut ours = reference.frontier.clone();
        ours.sort_by(|a, b| a.partial_cmp(b).unwrap());
        prop_assert_eq!(ours, brute_frontier(&utils));
        // Nash: the largest product of gains over outcomes acceptable to all.
        let n = utils[0].len();
        let best = (0..n)
            .filter(|&o| setting.profiles().iter().all(|p| p.is_acceptable(o as u32)))
            .map(|o| setting.profiles().iter().map(|p| p.utility(o as u32) - p.reserved()).product::<f64>())
            .fold(None, |acc: Option<f64>, x| Some(acc.map_or(x, |a| a.max(x))));
        let got = reference.nash.as_ref().map(|u| u.iter().zip(setting.profiles()).map(|(u, p)| u - p.reserved()).product::<f64>());
        prop_assert_eq!(got, best);
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
