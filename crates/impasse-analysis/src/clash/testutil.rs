//! Test helpers shared by the clash and ripeness tests: scenario builders, a small seeded random
//! generator and brute-force oracles computed from the definitions on the scenario's own space
//! (no value classes, no streaming).

use impasse_core::{
    ConflictModel, CrossingCost, Expr, Issue, IssueKind, Party, Precondition, RedLine, Reservation,
    Scenario, ScenarioParts, Term, Utility, ValueSet,
};

use crate::AnalysisConfig;
use crate::prepared::Prepared;

/// SplitMix64: a tiny deterministic generator for random scenarios.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next_u64() % u64::from(hi - lo + 1)) as u32
    }

    /// `true` with probability `percent`%.
    pub(crate) fn chance(&mut self, percent: u32) -> bool {
        self.range(0, 99) < percent
    }

    /// A multiple of `step` in `[0, max_steps·step]`.
    pub(crate) fn grid(&mut self, max_steps: u32, step: f64) -> f64 {
        f64::from(self.range(0, max_steps)) * step
    }
}

pub(crate) fn party(id: &str, utility: Utility, reservation: Reservation) -> Party {
    Party {
        id: id.into(),
        name: id.into(),
        description: String::new(),
        power: 1.0,
        utility,
        reservation,
        discount: None,
    }
}

pub(crate) fn red_line(id: &str, party: usize, requires: Expr, cost: CrossingCost) -> RedLine {
    RedLine { id: id.into(), party, description: String::new(), source: id.into(), requires, cost }
}

pub(crate) fn precondition(id: &str, party: usize, requires: Expr) -> Precondition {
    Precondition { id: id.into(), party, description: String::new(), source: id.into(), requires }
}

pub(crate) fn atom(issue: usize, len: u32, values: &[u32]) -> Expr {
    Expr::Atom { issue, allowed: ValueSet::from_indices(len, values.iter().copied()) }
}

/// A conflict model with the given sides, balance and costs; victory packages as given.
pub(crate) fn conflict(
    side_a: Vec<usize>,
    side_b: Vec<usize>,
    balance: f64,
    victory_a: Vec<u32>,
    victory_b: Vec<u32>,
    costs: Vec<Option<f64>>,
) -> ConflictModel {
    let n = costs.len();
    ConflictModel {
        description: String::new(),
        side_a,
        side_b,
        balance: Some(balance),
        victory_a,
        victory_b,
        costs,
        mobilisation: vec![None; n],
        trajectory: Vec::new(),
        discount: 0.9,
        dynamics: impasse_core::DynamicsAssumptions::default(),
    }
}

/// Fearon's one-issue case: `x` is B's share on a grid of `steps` points of `[0, 1]`; party 0 is A
/// (utility `1 − x`), party 1 is B (utility `x`), both with conflict-derived reservations. Party B
/// is the conflict's side A, so the balance `p` is B's probability of winning (Fearon's `p`):
/// `W_A = 1 − p − c_A`, `W_B = p − c_B`. A holds `x ≤ upper_a`, B holds `x ≥ lower_b`, with crossing
/// cost `cost`.
pub(crate) fn fearon(
    steps: u32,
    upper_a: f64,
    lower_b: f64,
    cost: CrossingCost,
    p: f64,
    c_a: f64,
    c_b: f64,
) -> Scenario {
    let issue = Issue::new("x", "B's share", IssueKind::Real { min: 0.0, max: 1.0, steps });
    let grid: Vec<f64> = (0..steps).map(|idx| issue.numeric(idx).unwrap_or(0.0)).collect();
    let tolerance = 1e-12;
    let a_line = Expr::Atom {
        issue: 0,
        allowed: ValueSet::from_predicate(steps, |idx| grid[idx as usize] <= upper_a + tolerance),
    };
    let b_line = Expr::Atom {
        issue: 0,
        allowed: ValueSet::from_predicate(steps, |idx| grid[idx as usize] >= lower_b - tolerance),
    };
    Scenario::new(ScenarioParts {
        name: "fearon".into(),
        issues: vec![issue],
        parties: vec![
            party(
                "a",
                Utility::new(vec![1.0], vec![grid.iter().map(|x| 1.0 - x).collect()]),
                Reservation::Conflict,
            ),
            party("b", Utility::new(vec![1.0], vec![grid.clone()]), Reservation::Conflict),
        ],
        red_lines: vec![red_line("line_a", 0, a_line, cost), red_line("line_b", 1, b_line, cost)],
        conflict: Some(conflict(
            vec![1],
            vec![0],
            p,
            vec![steps - 1],
            vec![0],
            vec![Some(c_a), Some(c_b)],
        )),
        ..ScenarioParts::default()
    })
    .expect("valid Fearon scenario")
}

fn random_expr(rng: &mut Rng, radices: &[u32], depth: u32) -> Expr {
    let choice = rng.range(0, 9);
    if depth == 0 || choice < 6 {
        let issue = rng.range(0, radices.len() as u32 - 1) as usize;
        let len = radices[issue];
        let allowed = ValueSet::from_predicate(len, |_| rng.chance(55));
        return Expr::Atom { issue, allowed };
    }
    let left = random_expr(rng, radices, depth - 1);
    match choice {
        6 => Expr::Not(Box::new(left)),
        7 => Expr::And(vec![left, random_expr(rng, radices, depth - 1)]),
        _ => Expr::Or(vec![left, random_expr(rng, radices, depth - 1)]),
    }
}

/// A small random scenario (at most 27 packages, at most 9 constraints). Scores and penalties are
/// multiples of 0.1 so that ties with reservation values are frequent. With `with_conflict`, it has
/// a conflict model and most parties derive their reservation from it.
pub(crate) fn random_scenario(seed: u64, with_conflict: bool) -> Scenario {
    let mut rng = Rng::new(seed);
    let n_parties = rng.range(2, 3) as usize;
    let n_issues = rng.range(1, 3) as usize;
    let issues: Vec<Issue> = (0..n_issues)
        .map(|idx| {
            let n = rng.range(2, 3);
            let kind = IssueKind::Ordinal { values: (0..n).map(|v| format!("v{v}")).collect() };
            Issue::new(&format!("i{idx}"), &format!("issue {idx}"), kind)
        })
        .collect();
    let radices: Vec<u32> = issues.iter().map(Issue::cardinality).collect();
    let parties = (0..n_parties)
        .map(|idx| {
            let values: Vec<Vec<f64>> =
                radices.iter().map(|&n| (0..n).map(|_| rng.grid(10, 0.1)).collect()).collect();
            let mut utility = Utility::new(vec![1.0; n_issues], values);
            if rng.chance(25) {
                let condition = random_expr(&mut rng, &radices, 1);
                let value = rng.grid(6, 0.1) - 0.3;
                utility = utility.with_terms(vec![Term { label: "t".into(), condition, value }]);
            }
            let reservation = if with_conflict && rng.chance(80) {
                Reservation::Conflict
            } else {
                Reservation::Value(rng.grid(20, 0.1) * f64::from(n_issues as u32) / 2.0)
            };
            party(&format!("p{idx}"), utility, reservation)
        })
        .collect();
    let n_lines = rng.range(0, 4);
    let red_lines = (0..n_lines)
        .map(|idx| {
            let holder = rng.range(0, n_parties as u32 - 1) as usize;
            let requires = random_expr(&mut rng, &radices, 2);
            let cost = if rng.chance(35) {
                CrossingCost::Absolute
            } else {
                CrossingCost::Penalty(rng.grid(6, 0.1))
            };
            red_line(&format!("l{idx}"), holder, requires, cost)
        })
        .collect();
    let n_pres = rng.range(0, 2);
    let preconditions = (0..n_pres)
        .map(|idx| {
            let holder = rng.range(0, n_parties as u32 - 1) as usize;
            precondition(&format!("c{idx}"), holder, random_expr(&mut rng, &radices, 1))
        })
        .collect();
    let conflict = with_conflict.then(|| {
        let split = rng.range(1, n_parties as u32 - 1) as usize;
        let pick = |rng: &mut Rng| radices.iter().map(|&n| rng.range(0, n - 1)).collect();
        let victory_a = pick(&mut rng);
        let victory_b = pick(&mut rng);
        let costs = (0..n_parties).map(|_| rng.chance(85).then(|| rng.grid(5, 0.1))).collect();
        let balance = rng.grid(20, 0.05);
        let mut model = conflict(
            (0..split).collect(),
            (split..n_parties).collect(),
            balance,
            victory_a,
            victory_b,
            costs,
        );
        if rng.chance(20) {
            model.balance = None;
        }
        model
    });
    Scenario::new(ScenarioParts {
        name: format!("random {seed}"),
        issues,
        parties,
        red_lines,
        preconditions,
        conflict,
        ..ScenarioParts::default()
    })
    .expect("valid random scenario")
}

/// The prepared form of a scenario, with the default configuration.
pub(crate) fn prepare(scenario: &Scenario) -> Prepared<'_> {
    Prepared::new(scenario, &AnalysisConfig::default()).expect("small scenario")
}

/// Every package of the scenario's own space.
pub(crate) fn packages(scenario: &Scenario) -> Vec<Vec<u32>> {
    let space = scenario.space();
    let size = space.size().expect("small space");
    let mut out = Vec::new();
    let mut outcomes = space.range(0, size);
    while let Some((_, outcome)) = outcomes.next_outcome() {
        out.push(outcome.to_vec());
    }
    out
}

/// Whether some package is acceptable to every party with reservation values `reservation`, every
/// constraint active: the zone's definition.
pub(crate) fn zone_nonempty(scenario: &Scenario, reservation: &[f64]) -> bool {
    packages(scenario).iter().any(|outcome| {
        scenario.respects_hard_constraints(outcome)
            && (0..scenario.parties().len()).all(|party| {
                let value = scenario.parties()[party].utility.eval(outcome)
                    - scenario.penalty(party, outcome);
                scenario.ties().key(value) >= scenario.ties().key(reservation[party])
            })
    })
}

/// Every party's reservation value at `balance` with costs `costs`.
pub(crate) fn reservations_at(scenario: &Scenario, balance: f64, costs: &[f64]) -> Vec<f64> {
    (0..scenario.parties().len())
        .map(|party| scenario.reservation_at(party, balance, costs[party]))
        .collect()
}

/// Every party's conflict cost today.
pub(crate) fn costs_today(scenario: &Scenario) -> Vec<f64> {
    (0..scenario.parties().len()).map(|party| scenario.conflict_cost(party)).collect()
}
