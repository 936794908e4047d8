//! The analysed space: the scenario's outcome space with interchangeable values merged.
//!
//! Two values of an issue are interchangeable when every party's utility gives them the same
//! contribution and no term, red line or precondition tells them apart. Merging them into one
//! *value class* shrinks the space the analyses stream over without changing any answer: every
//! package of a class outcome has the same utilities and satisfies the same constraints. A class
//! outcome stands for `weight` packages of the original space, and is shown through its
//! representative package (each class's first value).
//!
//! GENIUS's non-linear `10issues` domain, 10^10 packages, has 2.5·10^7 class outcomes.

use impasse_core::{Expr, OutcomeSpace, Scenario, Utility};
use rayon::prelude::*;

use crate::{AnalysisConfig, AnalysisError};

/// Outcomes per work unit of a parallel pass. Fixed, so results never depend on the thread count.
pub const CHUNK: u64 = 1 << 14;

/// The scenario projected onto value classes, ready to stream.
#[derive(Debug)]
pub struct Prepared<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// The class space.
    pub space: OutcomeSpace,
    /// `members[issue][class]`: the original value indices in the class, first one the
    /// representative.
    pub members: Vec<Vec<Vec<u32>>>,
    /// Per party, the utility over class outcomes.
    pub utilities: Vec<Utility>,
    /// Per red line (scenario order), its condition over class outcomes.
    pub red_lines: Vec<Expr>,
    /// Per precondition (scenario order), its condition over class outcomes.
    pub preconditions: Vec<Expr>,
}

impl<'a> Prepared<'a> {
    /// Projects `scenario` onto value classes; refuses spaces with more class outcomes than
    /// `config.max_outcomes`.
    pub fn new(
        scenario: &'a Scenario,
        config: &AnalysisConfig,
    ) -> Result<Prepared<'a>, AnalysisError> {
        let n_issues = scenario.issues().len();
        let mut members = Vec::with_capacity(n_issues);
        let mut class_of: Vec<Vec<u32>> = Vec::with_capacity(n_issues);
        for (issue_idx, issue) in scenario.issues().iter().enumerate() {
            let n_values = issue.cardinality();
            let mut classes: Vec<Vec<u32>> = Vec::new();
            let mut assignment = vec![0u32; n_values as usize];
            // Values are compared with the representatives of the classes found so far. Issues with
            // many values and no interchangeable ones would make this quadratic, so a value that
            // differs in its first party's contribution from every class is found fast through a
            // sorted index of contributions.
            let mut by_signature: std::collections::BTreeMap<Vec<u64>, Vec<u32>> =
                std::collections::BTreeMap::new();
            for value in 0..n_values {
                let signature: Vec<u64> = scenario
                    .parties()
                    .iter()
                    .map(|party| party.utility.tables()[issue_idx][value as usize].to_bits())
                    .collect();
                let candidates = by_signature.entry(signature).or_default();
                let found = candidates.iter().copied().find(|&class| {
                    let representative = classes[class as usize][0];
                    interchangeable(scenario, issue_idx, representative, value)
                });
                match found {
                    Some(class) => {
                        classes[class as usize].push(value);
                        assignment[value as usize] = class;
                    }
                    None => {
                        let class = classes.len() as u32;
                        classes.push(vec![value]);
                        candidates.push(class);
                        assignment[value as usize] = class;
                    }
                }
            }
            members.push(classes);
            class_of.push(assignment);
        }
        let space = OutcomeSpace::new(members.iter().map(|classes| classes.len() as u32).collect());
        match space.size() {
            Some(size) if size <= config.max_outcomes => {}
            _ => {
                return Err(AnalysisError::TooLarge {
                    outcomes: scenario.space().size_f64(),
                    classes: space.size_f64(),
                    limit: config.max_outcomes,
                });
            }
        }
        let project = |issue: usize, allowed: &impasse_core::ValueSet| {
            impasse_core::ValueSet::from_predicate(members[issue].len() as u32, |class| {
                allowed.contains(members[issue][class as usize][0])
            })
        };
        let utilities = scenario
            .parties()
            .iter()
            .map(|party| {
                let utility = &party.utility;
                let values = utility
                    .values()
                    .iter()
                    .enumerate()
                    .map(|(issue, scores)| {
                        members[issue].iter().map(|class| scores[class[0] as usize]).collect()
                    })
                    .collect();
                let terms = utility
                    .terms()
                    .iter()
                    .map(|term| impasse_core::Term {
                        label: term.label.clone(),
                        condition: term
                            .condition
                            .map_atoms(&mut |issue, allowed| project(issue, allowed)),
                        value: term.value,
                    })
                    .collect();
                Utility::new(utility.weights().to_vec(), values)
                    .with_terms(terms)
                    .with_offset(utility.offset())
                    .with_cap(utility.cap())
            })
            .collect();
        let red_lines = scenario
            .red_lines()
            .iter()
            .map(|line| line.requires.map_atoms(&mut |issue, allowed| project(issue, allowed)))
            .collect();
        let preconditions = scenario
            .preconditions()
            .iter()
            .map(|pre| pre.requires.map_atoms(&mut |issue, allowed| project(issue, allowed)))
            .collect();
        let _ = class_of;
        Ok(Prepared { scenario, space, members, utilities, red_lines, preconditions })
    }

    /// The number of class outcomes.
    pub fn size(&self) -> u64 {
        self.space.size().expect("checked against the limit in Prepared::new")
    }

    /// How many packages of the original space the class outcome stands for.
    pub fn weight(&self, class_outcome: &[u32]) -> u128 {
        class_outcome
            .iter()
            .zip(&self.members)
            .map(|(&class, classes)| classes[class as usize].len() as u128)
            .product()
    }

    /// The representative package (original value indices) of a class outcome.
    pub fn representative(&self, class_outcome: &[u32]) -> Vec<u32> {
        class_outcome
            .iter()
            .zip(&self.members)
            .map(|(&class, classes)| classes[class as usize][0])
            .collect()
    }

    /// The class outcome containing an original package.
    pub fn class_of(&self, outcome: &[u32]) -> Vec<u32> {
        outcome
            .iter()
            .zip(&self.members)
            .map(|(&value, classes)| {
                classes.iter().position(|class| class.contains(&value)).unwrap_or(0) as u32
            })
            .collect()
    }

    /// Streams over every class outcome in parallel and folds deterministically.
    ///
    /// The space is cut into fixed chunks of [`CHUNK`] outcomes; `fold` runs on each chunk from a
    /// fresh `init()` (with the outcome's index and value classes), and the per-chunk results are
    /// merged in chunk order with `merge`. The result is therefore the same on any number of
    /// threads, provided `fold` is deterministic.
    pub fn par_fold<T: Send>(
        &self,
        init: impl Fn() -> T + Sync,
        fold: impl Fn(&mut T, u64, &[u32]) + Sync,
        merge: impl Fn(T, T) -> T,
    ) -> T {
        let size = self.size();
        let n_chunks = size.div_ceil(CHUNK);
        let parts: Vec<T> = (0..n_chunks)
            .into_par_iter()
            .map(|chunk| {
                let mut acc = init();
                let mut outcomes = self.space.range(chunk * CHUNK, ((chunk + 1) * CHUNK).min(size));
                while let Some((index, outcome)) = outcomes.next_outcome() {
                    fold(&mut acc, index, outcome);
                }
                acc
            })
            .collect();
        parts.into_iter().fold(init(), merge)
    }
}

fn interchangeable(scenario: &Scenario, issue: usize, a: u32, b: u32) -> bool {
    let atoms_agree = |expr: &Expr| {
        let mut same = true;
        expr.for_each_atom(&mut |atom_issue, allowed| {
            if atom_issue == issue && allowed.contains(a) != allowed.contains(b) {
                same = false;
            }
        });
        same
    };
    scenario.parties().iter().all(|party| party.utility.same_on(issue, a, b))
        && scenario.red_lines().iter().all(|line| atoms_agree(&line.requires))
        && scenario.preconditions().iter().all(|pre| atoms_agree(&pre.requires))
}
