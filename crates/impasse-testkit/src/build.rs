//! Builders: short ways to write scenarios in tests, and seeded random scenarios for benchmarks.

use impasse_core::{
    CrossingCost, Expr, Issue, IssueKind, Party, Precondition, Proposal, RedLine, Reservation,
    Scenario, ScenarioParts, Utility, ValueSet,
};

use crate::rng::SplitMix64;

/// A categorical issue with values `v0`, `v1`, … (`values` of them).
pub fn categorical(id: &str, values: u32) -> Issue {
    Issue::new(
        id,
        id,
        IssueKind::Categorical { values: (0..values).map(|v| format!("v{v}")).collect() },
    )
}

/// An ordinal issue with values `o0` < `o1` < … (`values` of them).
pub fn ordinal(id: &str, values: u32) -> Issue {
    Issue::new(
        id,
        id,
        IssueKind::Ordinal { values: (0..values).map(|v| format!("o{v}")).collect() },
    )
}

/// An integer issue `min..=max`.
pub fn integer(id: &str, min: i64, max: i64) -> Issue {
    Issue::new(id, id, IssueKind::Integer { min, max })
}

/// A real interval `[min, max]` analysed on `steps` points.
pub fn real(id: &str, min: f64, max: f64, steps: u32) -> Issue {
    Issue::new(id, id, IssueKind::Real { min, max, steps })
}

/// A party with the given utility and a fixed reservation value.
pub fn party(id: &str, utility: Utility, reservation: f64) -> Party {
    Party {
        id: id.to_owned(),
        name: id.to_owned(),
        description: String::new(),
        power: 1.0,
        utility,
        reservation: Reservation::Value(reservation),
        discount: None,
    }
}

/// The atom "issue `issue` (with `len` values) takes one of `values`".
pub fn atom(issue: usize, len: u32, values: &[u32]) -> Expr {
    Expr::Atom { issue, allowed: ValueSet::from_indices(len, values.iter().copied()) }
}

/// A red line of `party` requiring `requires`, absolute when `cost` is `None`.
pub fn red_line(id: &str, party: usize, requires: Expr, cost: Option<f64>) -> RedLine {
    RedLine {
        id: id.to_owned(),
        party,
        description: String::new(),
        source: String::new(),
        requires,
        cost: cost.map_or(CrossingCost::Absolute, CrossingCost::Penalty),
    }
}

/// A precondition of `party` requiring `requires`.
pub fn precondition(id: &str, party: usize, requires: Expr) -> Precondition {
    Precondition {
        id: id.to_owned(),
        party,
        description: String::new(),
        source: String::new(),
        requires,
    }
}

/// A proposal with the given package (`None` where it is silent).
pub fn proposal(id: &str, package: Vec<Option<u32>>) -> Proposal {
    Proposal {
        id: id.to_owned(),
        name: id.to_owned(),
        by: None,
        description: String::new(),
        package,
    }
}

/// Validates parts into a scenario, with every problem in the panic message (tests only).
pub fn scenario(parts: ScenarioParts) -> Scenario {
    match Scenario::new(parts) {
        Ok(scenario) => scenario,
        Err(errors) => panic!("invalid test scenario: {errors:?}"),
    }
}

/// A random linear-additive scenario over categorical issues with the given numbers of values:
/// per party, random weights (normalised to sum 1) and random scores in `[0, 1]` rounded to six
/// decimals, and the reservation value `reservation`. No red lines, preconditions or proposals.
///
/// The same `seed` gives the same scenario. Scores are distinct with high probability, so no
/// values merge into classes and the analysed space is the whole space.
pub fn random_additive(seed: u64, parties: usize, radices: &[u32], reservation: f64) -> Scenario {
    let mut rng = SplitMix64::new(seed);
    let round6 = |x: f64| (x * 1e6).round() / 1e6;
    let issues: Vec<Issue> =
        radices.iter().enumerate().map(|(idx, &n)| categorical(&format!("i{idx}"), n)).collect();
    let parties: Vec<Party> = (0..parties)
        .map(|p| {
            let raw: Vec<f64> = radices.iter().map(|_| 0.05 + rng.next_f64()).collect();
            let total: f64 = raw.iter().sum();
            let weights = raw.iter().map(|w| round6(w / total)).collect();
            let values =
                radices.iter().map(|&n| (0..n).map(|_| round6(rng.next_f64())).collect()).collect();
            party(&format!("p{p}"), Utility::new(weights, values), reservation)
        })
        .collect();
    scenario(ScenarioParts {
        name: format!("random additive (seed {seed})"),
        issues,
        parties,
        ..ScenarioParts::default()
    })
}

/// A two-party scenario over one real issue `x ∈ [min, max]` analysed on `steps` points, with
/// `u_1 = f1(x)`, `u_2 = f2(x)` and reservation values `d`: the discretised bargaining problems
/// of the closed-form oracles.
pub fn one_issue(
    min: f64,
    max: f64,
    steps: u32,
    f1: impl Fn(f64) -> f64,
    f2: impl Fn(f64) -> f64,
    d: (f64, f64),
) -> Scenario {
    let issue = real("x", min, max, steps);
    let grid: Vec<f64> = (0..steps).map(|idx| issue.numeric(idx).unwrap_or(f64::NAN)).collect();
    let a = Utility::new(vec![1.0], vec![grid.iter().map(|&x| f1(x)).collect()]);
    let b = Utility::new(vec![1.0], vec![grid.iter().map(|&x| f2(x)).collect()]);
    scenario(ScenarioParts {
        name: "one issue".to_owned(),
        issues: vec![issue],
        parties: vec![party("a", a, d.0), party("b", b, d.1)],
        ..ScenarioParts::default()
    })
}

/// A random scenario for multi-chunk checks, prone to ties: `parties` parties over categorical
/// issues with the given numbers of values, scores in tenths, weights in {0.25, 0.5, 1},
/// reservation values in tenths from 0.2 to 0.6, one absolute and one finite red line and one
/// precondition (each an atom over a random issue), one bonus term, and a partial proposal.
pub fn random_constrained(seed: u64, parties: usize, radices: &[u32]) -> Scenario {
    let mut rng = SplitMix64::new(seed);
    let issues: Vec<Issue> =
        radices.iter().enumerate().map(|(idx, &n)| categorical(&format!("i{idx}"), n)).collect();
    let n_issues = radices.len();
    let random_atom = |rng: &mut SplitMix64| {
        let issue = rng.below(n_issues as u64) as usize;
        let len = radices[issue];
        let keep: Vec<u32> = (0..len).filter(|_| rng.below(4) != 0).collect();
        atom(issue, len, &keep)
    };
    let weights_grid = [0.25, 0.5, 1.0];
    let mut party_list = Vec::with_capacity(parties);
    for p in 0..parties {
        let weights = radices.iter().map(|_| weights_grid[rng.below(3) as usize]).collect();
        let values = radices
            .iter()
            .map(|&n| (0..n).map(|_| rng.below(11) as f64 / 10.0).collect())
            .collect();
        let bonus = impasse_core::Term {
            label: "bonus".to_owned(),
            condition: Expr::And(vec![random_atom(&mut rng), random_atom(&mut rng)]),
            value: 0.2,
        };
        let utility = Utility::new(weights, values).with_terms(vec![bonus]);
        let reservation = (2 + rng.below(5)) as f64 / 10.0 * n_issues as f64 * 0.5;
        party_list.push(party(&format!("p{p}"), utility, reservation));
    }
    let red_lines = vec![
        red_line("hard", rng.below(parties as u64) as usize, random_atom(&mut rng), None),
        red_line("soft", rng.below(parties as u64) as usize, random_atom(&mut rng), Some(0.3)),
    ];
    let preconditions =
        vec![precondition("pre", rng.below(parties as u64) as usize, random_atom(&mut rng))];
    let mut package: Vec<Option<u32>> = vec![None; n_issues];
    if let Some(first) = package.first_mut() {
        *first = Some(0);
    }
    scenario(ScenarioParts {
        name: format!("random constrained (seed {seed})"),
        issues,
        parties: party_list,
        red_lines,
        preconditions,
        proposals: vec![proposal("partial", package)],
        ..ScenarioParts::default()
    })
}

/// A small scenario on a coarse grid, drawn from `draws`: scores in 64ths, weights in
/// {0.25, 0.5, 1}, reservation values in 32nds and, `with_lines`, a finite red line with a penalty
/// in 16ths and an absolute one; every score, reservation value and penalty multiplied by
/// `factor`. The same draws give the same scenario at every factor, so tests can compare answers
/// across scales; grid values keep true differences far above any tie resolution.
pub fn grid_scenario(
    parties: usize,
    radices: &[u32],
    draws: &[u64],
    with_lines: bool,
    factor: f64,
) -> Scenario {
    let mut next = {
        let mut position = 0usize;
        move || {
            position += 1;
            draws[position % draws.len()].wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11
        }
    };
    let weights_grid = [0.25, 0.5, 1.0];
    let mut party_list = Vec::new();
    for p in 0..parties {
        // Scores are scaled, weights are not: the utility scales with the scores.
        let weights: Vec<f64> =
            radices.iter().map(|_| weights_grid[(next() % 3) as usize]).collect();
        let values: Vec<Vec<f64>> = radices
            .iter()
            .map(|&n| (0..n).map(|_| (next() % 65) as f64 / 64.0 * factor).collect())
            .collect();
        let reservation = (next() % 17) as f64 / 32.0 * factor;
        party_list.push(party(&format!("p{p}"), Utility::new(weights, values), reservation));
    }
    let mut red_lines = Vec::new();
    if with_lines {
        let issue = (next() % radices.len() as u64) as usize;
        let keep: Vec<u32> = (0..radices[issue]).filter(|_| next() % 3 != 0).collect();
        let holder = (next() % parties as u64) as usize;
        let penalty = (1 + next() % 8) as f64 / 16.0 * factor;
        red_lines.push(red_line("soft", holder, atom(issue, radices[issue], &keep), Some(penalty)));
        let issue = (next() % radices.len() as u64) as usize;
        let keep: Vec<u32> = (0..radices[issue]).filter(|_| next() % 4 != 0).collect();
        let holder = (next() % parties as u64) as usize;
        red_lines.push(red_line("hard", holder, atom(issue, radices[issue], &keep), None));
    }
    scenario(ScenarioParts {
        name: "grid".into(),
        issues: radices
            .iter()
            .enumerate()
            .map(|(idx, &n)| categorical(&format!("i{idx}"), n))
            .collect(),
        parties: party_list,
        red_lines,
        ..ScenarioParts::default()
    })
}
