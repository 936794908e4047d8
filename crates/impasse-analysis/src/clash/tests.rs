//! Tests of the impasse diagnosis against brute force over every subset of constraints, planted
//! contradictions and Fearon's one-issue case.

use impasse_core::{CrossingCost, Expr, Issue, IssueKind, Reservation, Scenario, ScenarioParts};
use impasse_core::{Ties, Utility};

use super::testutil::{
    atom, fearon, packages, party, precondition, prepare, random_scenario, red_line,
};
use super::*;

/// The constraints in the diagnosis's canonical order.
fn all_refs(scenario: &Scenario) -> Vec<ConstraintRef> {
    let lines = scenario
        .red_lines()
        .iter()
        .enumerate()
        .map(|(idx, line)| ConstraintRef { party: line.party, kind: ConstraintKind::RedLine(idx) });
    let pres = scenario.preconditions().iter().enumerate().map(|(idx, pre)| ConstraintRef {
        party: pre.party,
        kind: ConstraintKind::Precondition(idx),
    });
    let res = (0..scenario.parties().len())
        .map(|party| ConstraintRef { party, kind: ConstraintKind::Reservation(party) });
    lines.chain(pres).chain(res).collect()
}

/// Whether `outcome` meets every constraint of `active` (bits in canonical order), straight from
/// the definition.
fn acceptable_under(
    scenario: &Scenario,
    reservation: &[f64],
    active: u32,
    outcome: &[u32],
) -> bool {
    let n_lines = scenario.red_lines().len();
    let n_pres = scenario.preconditions().len();
    let on = |bit: usize| (active >> bit) & 1 == 1;
    for (idx, line) in scenario.red_lines().iter().enumerate() {
        if on(idx) && line.cost == CrossingCost::Absolute && !line.requires.eval(outcome) {
            return false;
        }
    }
    for (idx, pre) in scenario.preconditions().iter().enumerate() {
        if on(n_lines + idx) && !pre.requires.eval(outcome) {
            return false;
        }
    }
    for (party, party_data) in scenario.parties().iter().enumerate() {
        if !on(n_lines + n_pres + party) {
            continue;
        }
        let mut penalty = 0.0;
        for (idx, line) in scenario.red_lines().iter().enumerate() {
            if let CrossingCost::Penalty(amount) = line.cost
                && on(idx)
                && line.party == party
                && !line.requires.eval(outcome)
            {
                penalty += amount;
            }
        }
        let ties = scenario.ties();
        if ties.key(party_data.utility.eval(outcome) - penalty) < ties.key(reservation[party]) {
            return false;
        }
    }
    true
}

/// Every minimal clashing set, by brute force over all subsets.
fn brute_force(scenario: &Scenario, reservation: &[f64]) -> Vec<Vec<ConstraintRef>> {
    let refs = all_refs(scenario);
    let n = refs.len();
    assert!(n <= 16, "brute force over {n} constraints");
    let pkgs = packages(scenario);
    let clashes: Vec<bool> = (0..1u32 << n)
        .map(|mask| {
            !pkgs.iter().any(|outcome| acceptable_under(scenario, reservation, mask, outcome))
        })
        .collect();
    let mut minimal: Vec<u32> = (0..1u32 << n)
        .filter(|&mask| {
            clashes[mask as usize]
                && (0..n)
                    .filter(|bit| (mask >> bit) & 1 == 1)
                    .all(|bit| !clashes[(mask & !(1 << bit)) as usize])
        })
        .collect();
    let members = |mask: u32| (0..n).filter(move |bit| (mask >> bit) & 1 == 1);
    minimal.sort_by(|&a, &b| {
        a.count_ones().cmp(&b.count_ones()).then_with(|| members(a).cmp(members(b)))
    });
    minimal.iter().map(|&mask| members(mask).map(|bit| refs[bit]).collect()).collect()
}

fn config(max_clashes: usize) -> AnalysisConfig {
    AnalysisConfig { max_clashes, ..AnalysisConfig::default() }
}

#[test]
fn matches_brute_force_on_random_scenarios() {
    let mut impasses = 0;
    let mut multi = 0;
    for seed in 0..600u64 {
        let scenario = random_scenario(seed, seed % 2 == 1);
        let reservation = scenario.reservation_values();
        let prepared = prepare(&scenario);
        let report = diagnose(&prepared, &reservation, &config(10_000));
        let expected = brute_force(&scenario, &reservation);
        assert_eq!(report.sets, expected, "seed {seed}: {report:?}");
        assert!(!report.truncated, "seed {seed}");
        if !expected.is_empty() {
            impasses += 1;
            assert!(report.notes.is_empty(), "seed {seed}: {:?}", report.notes);
            if expected.len() > 1 {
                multi += 1;
            }
        } else {
            assert_eq!(report.notes.len(), 1, "seed {seed}: an open zone is noted");
        }
        // The hard-constraint diagnosis agrees with brute force restricted to absolute red lines
        // and preconditions.
        let hard = hard_clash_sets(&prepared, &config(10_000));
        let expected_hard: Vec<Vec<ConstraintRef>> =
            brute_force(&scenario, &vec![f64::NEG_INFINITY; reservation.len()])
                .into_iter()
                .filter(|set| {
                    set.iter().all(|member| match member.kind {
                        ConstraintKind::RedLine(idx) => {
                            scenario.red_lines()[idx].cost == CrossingCost::Absolute
                        }
                        ConstraintKind::Precondition(_) => true,
                        ConstraintKind::Reservation(_) => false,
                    })
                })
                .collect();
        assert_eq!(hard.sets, expected_hard, "seed {seed} (hard constraints)");
    }
    // The generator must exercise the interesting cases.
    assert!(impasses > 150, "{impasses} impasses");
    assert!(multi > 40, "{multi} impasses with several minimal sets");
}

#[test]
fn cap_keeps_the_first_sets_in_order() {
    let mut checked = 0;
    for seed in 0..400u64 {
        let scenario = random_scenario(seed, false);
        let reservation = scenario.reservation_values();
        let prepared = prepare(&scenario);
        let expected = brute_force(&scenario, &reservation);
        if expected.len() < 3 {
            continue;
        }
        checked += 1;
        for cap in [0, 1, 2, expected.len() - 1, expected.len()] {
            let report = diagnose(&prepared, &reservation, &config(cap));
            assert_eq!(report.sets, expected[..cap], "seed {seed}, cap {cap}");
            assert_eq!(report.truncated, cap < expected.len(), "seed {seed}, cap {cap}");
        }
    }
    assert!(checked > 5, "{checked} scenarios with three or more minimal sets");
}

/// Two categorical issues; parties with flat utilities and very low reservation values, so that
/// only the planted red lines and preconditions can clash.
fn planted(
    red_lines: Vec<impasse_core::RedLine>,
    preconditions: Vec<impasse_core::Precondition>,
) -> Scenario {
    let kind = || IssueKind::Categorical { values: vec!["x".into(), "y".into(), "z".into()] };
    let flat = || Utility::new(vec![1.0, 1.0], vec![vec![0.5; 3], vec![0.5; 3]]);
    Scenario::new(ScenarioParts {
        name: "planted".into(),
        issues: vec![Issue::new("i", "i", kind()), Issue::new("j", "j", kind())],
        parties: vec![
            party("a", flat(), Reservation::Value(0.0)),
            party("b", flat(), Reservation::Value(0.0)),
            party("c", flat(), Reservation::Value(0.0)),
        ],
        red_lines,
        preconditions,
        ..ScenarioParts::default()
    })
    .expect("valid planted scenario")
}

fn refs_of(scenario: &Scenario, set: &[ConstraintRef]) -> Vec<String> {
    set.iter()
        .map(|member| match member.kind {
            ConstraintKind::RedLine(idx) => scenario.red_lines()[idx].id.clone(),
            ConstraintKind::Precondition(idx) => scenario.preconditions()[idx].id.clone(),
            ConstraintKind::Reservation(party) => format!("R_{}", scenario.parties()[party].id),
        })
        .collect()
}

fn clash_names(scenario: &Scenario) -> Vec<Vec<String>> {
    let prepared = prepare(scenario);
    let report = diagnose(&prepared, &scenario.reservation_values(), &config(64));
    report.sets.iter().map(|set| refs_of(scenario, set)).collect()
}

#[test]
fn planted_contradiction_is_found_exactly() {
    // i == x (a), j == x (b), not (i == x and j == x) (c): the three together clash, no two do.
    // Harmless extras: a line every package meets and a precondition compatible with all.
    let both = Expr::And(vec![atom(0, 3, &[0]), atom(1, 3, &[0])]);
    let scenario = planted(
        vec![
            red_line("ix", 0, atom(0, 3, &[0]), CrossingCost::Absolute),
            red_line("always", 1, Expr::True, CrossingCost::Absolute),
            red_line("jx", 1, atom(1, 3, &[0]), CrossingCost::Absolute),
            red_line("not_both", 2, Expr::Not(Box::new(both)), CrossingCost::Absolute),
        ],
        vec![precondition("i_not_z", 2, atom(0, 3, &[0, 1]))],
    );
    assert_eq!(clash_names(&scenario), vec![vec!["ix", "jx", "not_both"]]);
}

#[test]
fn planted_precondition_clash_and_penalty_clash() {
    // A precondition against an absolute line; separately, two finite lines of party a that
    // together, and only together, take it below its reservation value.
    let mut scenario = planted(
        vec![
            red_line("b_wants_iy", 1, atom(0, 3, &[1]), CrossingCost::Absolute),
            red_line("a_wants_jx", 0, atom(1, 3, &[0]), CrossingCost::Penalty(0.6)),
            red_line("a_wants_jy", 0, atom(1, 3, &[1]), CrossingCost::Penalty(0.6)),
        ],
        vec![precondition("c_wants_ix", 2, atom(0, 3, &[0]))],
    );
    assert_eq!(clash_names(&scenario), vec![vec!["b_wants_iy", "c_wants_ix"]]);
    let mut parts = scenario.parts().clone();
    parts.preconditions.clear();
    parts.parties[0].reservation = Reservation::Value(0.5);
    scenario = Scenario::new(parts).expect("valid");
    // Utility 1.0; every package crosses at least one of a's lines (0.6 each): 0.4 < 0.5.
    assert_eq!(clash_names(&scenario), vec![vec!["a_wants_jx", "a_wants_jy", "R_a"]]);
    let mut parts = scenario.parts().clone();
    parts.parties[0].reservation = Reservation::Value(0.4);
    scenario = Scenario::new(parts).expect("valid");
    // A tie with the reservation value is acceptable: no clash left.
    assert_eq!(clash_names(&scenario), Vec::<Vec<String>>::new());
}

#[test]
fn fearon_clashing_red_lines() {
    // A: x <= 0.4, B: x >= 0.6; p = 0.5 and c = 0.2 each: the range [0.3, 0.7] meets each line
    // alone, so the lines are the only clash.
    let scenario = fearon(11, 0.4, 0.6, CrossingCost::Absolute, 0.5, 0.2, 0.2);
    assert_eq!(clash_names(&scenario), vec![vec!["line_a", "line_b"]]);
    // With p + c_A = 0.45 < L_B = 0.6, B's line also clashes with A's war value, and with
    // p − c_B = 0.25 < U_A = 0.4 A's line does not clash with B's.
    let scenario = fearon(11, 0.4, 0.6, CrossingCost::Absolute, 0.35, 0.1, 0.1);
    assert_eq!(clash_names(&scenario), vec![vec!["line_a", "line_b"], vec!["line_b", "R_a"]]);
    // Compatible lines, but the range [p − c_B, p + c_A] = [0.75, 0.85] lies above U_A = 0.7.
    let scenario = fearon(11, 0.7, 0.3, CrossingCost::Absolute, 0.8, 0.05, 0.05);
    assert_eq!(clash_names(&scenario), vec![vec!["line_a", "R_b"]]);
}

#[test]
fn hard_violations_lists_absolute_lines_and_preconditions() {
    let scenario = planted(
        vec![
            red_line("soft", 0, atom(0, 3, &[1]), CrossingCost::Penalty(0.1)),
            red_line("hard", 1, atom(0, 3, &[1]), CrossingCost::Absolute),
        ],
        vec![precondition("pre", 2, atom(1, 3, &[2]))],
    );
    let prepared = prepare(&scenario);
    let class = prepared.class_of(&[0, 0]);
    assert_eq!(
        hard_violations(&prepared, &class),
        vec![
            ConstraintRef { party: 1, kind: ConstraintKind::RedLine(1) },
            ConstraintRef { party: 2, kind: ConstraintKind::Precondition(0) },
        ]
    );
    let class = prepared.class_of(&[1, 2]);
    assert!(hard_violations(&prepared, &class).is_empty());
    assert!(hard_violations(&prepared, &[]).is_empty(), "a malformed outcome violates nothing");
}

#[test]
fn too_many_constraints_are_refused() {
    let lines: Vec<_> = (0..130)
        .map(|idx| red_line(&format!("l{idx}"), idx % 3, atom(0, 3, &[0]), CrossingCost::Absolute))
        .collect();
    let scenario = planted(lines, vec![]);
    let prepared = prepare(&scenario);
    let report = diagnose(&prepared, &scenario.reservation_values(), &config(64));
    assert!(report.sets.is_empty());
    assert!(report.notes[0].contains("above the limit of 128"), "{:?}", report.notes);
    let report = diagnose(&prepared, &[0.0], &config(64));
    assert!(report.notes[0].contains("reservation values"), "{:?}", report.notes);
}

#[test]
fn many_interchangeable_lines_give_every_pair() {
    // Sixteen absolute lines, each wanting a different value of one issue: every pair clashes.
    let kind = IssueKind::Integer { min: 0, max: 15 };
    let scenario = Scenario::new(ScenarioParts {
        name: "pairs".into(),
        issues: vec![Issue::new("i", "i", kind)],
        parties: vec![
            party("a", Utility::new(vec![1.0], vec![vec![0.0; 16]]), Reservation::Value(0.0)),
            party("b", Utility::new(vec![1.0], vec![vec![0.0; 16]]), Reservation::Value(0.0)),
        ],
        red_lines: (0..16)
            .map(|v| {
                red_line(
                    &format!("l{v}"),
                    v as usize % 2,
                    atom(0, 16, &[v]),
                    CrossingCost::Absolute,
                )
            })
            .collect(),
        ..ScenarioParts::default()
    })
    .expect("valid");
    let prepared = prepare(&scenario);
    let report = diagnose(&prepared, &scenario.reservation_values(), &config(1000));
    assert_eq!(report.sets.len(), 120);
    assert!(!report.truncated);
    assert_eq!(refs_of(&scenario, &report.sets[0]), vec!["l0", "l1"]);
    assert_eq!(refs_of(&scenario, &report.sets[119]), vec!["l14", "l15"]);
    let report = diagnose(&prepared, &scenario.reservation_values(), &config(64));
    assert_eq!(report.sets.len(), 64);
    assert!(report.truncated);
}

#[test]
fn same_result_on_one_and_two_threads() {
    // A space larger than one chunk, so that merging across chunks is exercised.
    let mut rng = super::testutil::Rng::new(7);
    let n = 12u32;
    let issues: Vec<Issue> = (0..4)
        .map(|idx| {
            Issue::new(
                &format!("i{idx}"),
                "i",
                IssueKind::Integer { min: 0, max: i64::from(n) - 1 },
            )
        })
        .collect();
    let parties = (0..3)
        .map(|idx| {
            let values = (0..4).map(|_| (0..n).map(|_| rng.grid(10, 0.1)).collect()).collect();
            party(&format!("p{idx}"), Utility::new(vec![1.0; 4], values), Reservation::Value(2.6))
        })
        .collect();
    let red_lines = (0..6)
        .map(|idx| {
            let issue = idx % 4;
            let allowed: Vec<u32> = (0..n).filter(|_| rng.chance(60)).collect();
            let cost =
                if idx % 2 == 0 { CrossingCost::Absolute } else { CrossingCost::Penalty(0.3) };
            red_line(&format!("l{idx}"), idx % 3, atom(issue, n, &allowed), cost)
        })
        .collect();
    let scenario = Scenario::new(ScenarioParts {
        name: "big".into(),
        issues,
        parties,
        red_lines,
        ..ScenarioParts::default()
    })
    .expect("valid");
    let prepared = prepare(&scenario);
    assert!(prepared.size() > crate::prepared::CHUNK);
    let reservation = scenario.reservation_values();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        pool.install(|| diagnose(&prepared, &reservation, &config(64)))
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(4));
}

#[test]
fn hitting_sets_engine_orders_and_caps() {
    // Families {a} or {b}; {b} or {c}; {c, d}: the minimal sets are {a, c, d} and {b, c, d}, in
    // that (lexicographic) order.
    let (a, b, c, d) = (1u128, 2u128, 4u128, 8u128);
    let families = vec![vec![a, b], vec![b, c], vec![c | d]];
    let found = hitting::minimal_hitting_sets(&families, 10, 1_000_000);
    assert_eq!(found.sets, vec![a | c | d, b | c | d]);
    assert!(!found.truncated);
    let found = hitting::minimal_hitting_sets(&families, 1, 1_000_000);
    assert_eq!(found.sets, vec![a | c | d]);
    assert!(found.truncated);
    let found = hitting::minimal_hitting_sets(&[vec![a], vec![]], 10, 1_000_000);
    assert!(found.sets.is_empty());
    let found = hitting::minimal_hitting_sets(&families, 10, 3);
    assert!(found.exhausted && found.truncated);
}

#[test]
fn key_floor_is_the_exact_threshold() {
    let mut rng = super::testutil::Rng::new(1);
    let mut keys: Vec<i64> =
        vec![0, 1, -1, 300_000_000, -300_000_000, 1 << 53, -(1 << 53), i64::MAX, i64::MIN + 1];
    for _ in 0..2000 {
        keys.push((rng.next_u64() % 20_000_000_000) as i64 - 10_000_000_000);
    }
    for ties in [Ties::UNIT, Ties::for_magnitude(1e-12), Ties::for_magnitude(1e12)] {
        for &key in &keys {
            let floor = key_floor(ties, key);
            assert!(ties.key(floor) >= key, "key {key}: floor {floor}");
            assert!(
                ties.key(floor.next_down()) < key,
                "key {key}: floor {floor} is not the smallest"
            );
            for value in [floor, floor.next_up(), floor.next_down(), key as f64 * ties.resolution()]
            {
                assert_eq!(ties.key(value) >= key, value >= floor, "key {key}, value {value}");
            }
        }
        assert_eq!(key_floor(ties, i64::MIN), f64::NEG_INFINITY);
    }
    let unit = Ties::UNIT;
    let nan = f64::from_bits(0x7ff8_0000_0000_0001);
    assert!(falls_short(nan, key_floor(unit, 0)), "NaN is never accepted");
    assert!(falls_short(-1e-9, key_floor(unit, 0)) && !falls_short(-4e-10, key_floor(unit, 0)));
}

#[test]
fn shipped_scenarios() {
    // scenarios/README.md: the minimal clashing sets, finite red lines counted as members.
    let load = |name: &str| {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios").join(name);
        impasse_format::load_path(&path, &[]).expect("shipped scenario loads")
    };
    let scenario = load("negotiation-impasse-2023.toml");
    assert_eq!(
        clash_names(&scenario),
        vec![
            vec!["hold_new_territories", "withdrawal_first", "R_russia", "R_usa"],
            vec![
                "hold_new_territories",
                "us_no_recognition",
                "ukraine_no_concession",
                "R_russia",
                "R_usa",
                "R_ukraine",
            ],
        ]
    );
    let scenario = load("power-shift-ripeness.toml");
    assert_eq!(
        clash_names(&scenario),
        vec![vec!["north_public_line", "south_public_line", "R_north", "R_south"]]
    );
    for open in ["distributive-price.toml", "integrative-logrolling.toml"] {
        assert_eq!(clash_names(&load(open)), Vec::<Vec<String>>::new(), "{open}");
    }
}
