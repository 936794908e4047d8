//! Proptest strategies of small random scenarios.
//!
//! Spaces are small (at most 5^4 = 625 packages) so that the brute-force oracles, quadratic in
//! the number of packages, stay fast. Scores, weights, reservation values and penalties are drawn
//! from coarse decimal grids so that exact ties (between packages and against reservation values)
//! are frequent, which is where frontier, zone and tie-break bugs hide.

use impasse_core::{Expr, Issue, Scenario, ScenarioParts, Term, Utility, ValueSet};
use proptest::prelude::*;

use crate::build;

/// An issue kind: 0 categorical, 1 ordinal, 2 integer, 3 real (a single-valued issue is always
/// an integer range, as a real interval needs two points).
fn make_issue(idx: usize, kind: u8, values: u32) -> Issue {
    let id = format!("i{idx}");
    match (kind, values) {
        (_, 1) | (2, _) => build::integer(&id, 10, 10 + i64::from(values) - 1),
        (0, _) => build::categorical(&id, values),
        (1, _) => build::ordinal(&id, values),
        _ => build::real(&id, 0.0, 1.0, values),
    }
}

/// A random condition over issues with the given numbers of values: atoms (an issue restricted to
/// a random subset of its values) combined with `and`, `or` and `not`.
pub fn exprs(radices: Vec<u32>) -> impl Strategy<Value = Expr> {
    let n_issues = radices.len();
    let leaf = (0..n_issues, any::<u32>()).prop_map(move |(issue, mask)| {
        let len = radices[issue];
        Expr::Atom {
            issue,
            allowed: ValueSet::from_predicate(len, |value| (mask >> value) & 1 == 1),
        }
    });
    leaf.prop_recursive(2, 6, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|expr| Expr::Not(Box::new(expr))),
            prop::collection::vec(inner.clone(), 1..=3).prop_map(Expr::And),
            prop::collection::vec(inner, 1..=3).prop_map(Expr::Or),
        ]
    })
}

/// A decimal `k / 10` for `k` in `lo..=hi`.
fn tenths(lo: i32, hi: i32) -> impl Strategy<Value = f64> {
    (lo..=hi).prop_map(|k| f64::from(k) / 10.0)
}

/// Small random scenarios: 2–4 parties, 1–4 issues of 1–5 values (every kind of issue), scores in
/// tenths, weights in {0.25, 0.5, 1}, reservation values in tenths from 0 to 0.8, up to three red
/// lines (absolute or with a penalty in tenths up to 0.5), up to two preconditions, up to two
/// non-additive terms, sometimes a cap at 1, and up to three proposals (complete or partial).
pub fn scenarios() -> impl Strategy<Value = Scenario> {
    (2usize..=4, prop::collection::vec((1u32..=5, 0u8..4), 1..=4)).prop_flat_map(
        |(parties, issues)| {
            let radices: Vec<u32> = issues.iter().map(|&(values, _)| values).collect();
            let n_issues = radices.len();
            let utility = (
                prop::collection::vec(prop::sample::select(vec![0.25, 0.5, 1.0]), n_issues),
                radices
                    .iter()
                    .map(|&len| prop::collection::vec(tenths(0, 10), len as usize))
                    .collect::<Vec<_>>(),
                prop::option::weighted(0.2, Just(1.0)),
            );
            let term = (
                0..parties,
                exprs(radices.clone()),
                prop::sample::select(vec![-0.3, -0.1, 0.1, 0.2]),
            );
            let line =
                (0..parties, exprs(radices.clone()), prop::option::weighted(0.5, tenths(0, 5)));
            let pre = (0..parties, exprs(radices.clone()));
            let proposal =
                radices.iter().map(|&len| prop::option::weighted(0.6, 0..len)).collect::<Vec<_>>();
            (
                Just(issues),
                prop::collection::vec(utility, parties),
                prop::collection::vec(tenths(0, 8), parties),
                prop::collection::vec(term, 0..=2),
                prop::collection::vec(line, 0..=3),
                prop::collection::vec(pre, 0..=2),
                prop::collection::vec(proposal, 0..=3),
            )
                .prop_map(
                    |(issues, utilities, reservations, terms, lines, pres, proposals)| {
                        let issues: Vec<Issue> = issues
                            .iter()
                            .enumerate()
                            .map(|(idx, &(values, kind))| make_issue(idx, kind, values))
                            .collect();
                        let parties = utilities
                            .into_iter()
                            .zip(reservations)
                            .enumerate()
                            .map(|(p, ((weights, values, cap), reservation))| {
                                let party_terms = terms
                                    .iter()
                                    .enumerate()
                                    .filter(|(_, (holder, _, _))| *holder == p)
                                    .map(|(idx, (_, condition, value))| Term {
                                        label: format!("t{idx}"),
                                        condition: condition.clone(),
                                        value: *value,
                                    })
                                    .collect();
                                let utility = Utility::new(weights, values)
                                    .with_terms(party_terms)
                                    .with_cap(cap);
                                build::party(&format!("p{p}"), utility, reservation)
                            })
                            .collect();
                        let red_lines = lines
                            .into_iter()
                            .enumerate()
                            .map(|(idx, (holder, requires, cost))| {
                                build::red_line(&format!("r{idx}"), holder, requires, cost)
                            })
                            .collect();
                        let preconditions = pres
                            .into_iter()
                            .enumerate()
                            .map(|(idx, (holder, requires))| {
                                build::precondition(&format!("c{idx}"), holder, requires)
                            })
                            .collect();
                        let proposals = proposals
                            .into_iter()
                            .enumerate()
                            .map(|(idx, package)| build::proposal(&format!("q{idx}"), package))
                            .collect();
                        build::scenario(ScenarioParts {
                            name: "random".to_owned(),
                            issues,
                            parties,
                            red_lines,
                            preconditions,
                            proposals,
                            ..ScenarioParts::default()
                        })
                    },
                )
        },
    )
}
