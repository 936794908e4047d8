//! Scoring the proposals on the table.
//!
//! A complete package is evaluated directly on the scenario. A partial package is scored over all
//! its completions: the completions of the original space are enumerated when there are at most
//! [`ENUMERATION_LIMIT`] of them; otherwise the completions are streamed over the class space (the
//! classes of the named values, every class of the free issues), which gives the same answers
//! because the packages of a class share their utilities and constraints.

use impasse_core::{CrossingCost, Expr, OutcomeSpace, Ties, Utility};
use rayon::prelude::*;

use crate::prepared::{CHUNK, Prepared};
use crate::{AnalysisConfig, AnalysisError, ProposalScore};

/// The most completions of a partial proposal enumerated in the original space.
pub const ENUMERATION_LIMIT: u128 = 1_000_000;

/// What is needed to evaluate a complete package: the scenario's own objects, or their projection
/// onto value classes.
struct Evaluator<'a> {
    utilities: Vec<&'a Utility>,
    /// Red lines: condition, holder, cost.
    red_lines: Vec<(&'a Expr, usize, CrossingCost)>,
    preconditions: Vec<&'a Expr>,
    /// The party demanding each precondition.
    precondition_holders: Vec<usize>,
    /// Reservation keys, at the scenario's tie rule `ties`.
    reservation: &'a [i64],
    ties: Ties,
}

/// What the completions seen so far have in common.
#[derive(Clone, Debug)]
struct Tally {
    seen: bool,
    min: Vec<f64>,
    max: Vec<f64>,
    accept_all: Vec<bool>,
    accept_any: Vec<bool>,
    cross_all: Vec<bool>,
    cross_any: Vec<bool>,
    violate_all: Vec<bool>,
    violate_any: Vec<bool>,
    in_zone: bool,
}

impl Tally {
    fn new(parties: usize, lines: usize, preconditions: usize) -> Tally {
        Tally {
            seen: false,
            min: vec![f64::INFINITY; parties],
            max: vec![f64::NEG_INFINITY; parties],
            accept_all: vec![true; parties],
            accept_any: vec![false; parties],
            cross_all: vec![true; lines],
            cross_any: vec![false; lines],
            violate_all: vec![true; preconditions],
            violate_any: vec![false; preconditions],
            in_zone: false,
        }
    }

    fn merge(mut self, other: Tally) -> Tally {
        fn and(left: &mut [bool], right: &[bool]) {
            left.iter_mut().zip(right).for_each(|(l, &r)| *l &= r);
        }
        fn or(left: &mut [bool], right: &[bool]) {
            left.iter_mut().zip(right).for_each(|(l, &r)| *l |= r);
        }
        self.seen |= other.seen;
        self.min.iter_mut().zip(&other.min).for_each(|(l, &r)| *l = l.min(r));
        self.max.iter_mut().zip(&other.max).for_each(|(l, &r)| *l = l.max(r));
        and(&mut self.accept_all, &other.accept_all);
        or(&mut self.accept_any, &other.accept_any);
        and(&mut self.cross_all, &other.cross_all);
        or(&mut self.cross_any, &other.cross_any);
        and(&mut self.violate_all, &other.violate_all);
        or(&mut self.violate_any, &other.violate_any);
        self.in_zone |= other.in_zone;
        self
    }
}

impl Evaluator<'_> {
    fn tally(&self) -> Tally {
        Tally::new(self.utilities.len(), self.red_lines.len(), self.preconditions.len())
    }

    /// Adds one complete package to the tally.
    fn add(&self, outcome: &[u32], tally: &mut Tally) {
        tally.seen = true;
        let mut hard_ok = true;
        let mut penalties = vec![0.0; self.utilities.len()];
        // A party accepts only packages that cross none of its absolute red lines and meet its
        // preconditions, whatever their utility.
        let mut party_hard_ok = vec![true; self.utilities.len()];
        for (line, &(requires, party, cost)) in self.red_lines.iter().enumerate() {
            let crossed = !requires.eval(outcome);
            tally.cross_all[line] &= crossed;
            tally.cross_any[line] |= crossed;
            if crossed {
                match cost {
                    CrossingCost::Absolute => {
                        hard_ok = false;
                        if let Some(slot) = party_hard_ok.get_mut(party) {
                            *slot = false;
                        }
                    }
                    CrossingCost::Penalty(amount) => {
                        if let Some(slot) = penalties.get_mut(party) {
                            *slot += amount;
                        }
                    }
                }
            }
        }
        for (pre, (requires, holder)) in
            self.preconditions.iter().zip(&self.precondition_holders).enumerate()
        {
            let violated = !requires.eval(outcome);
            if violated && let Some(slot) = party_hard_ok.get_mut(*holder) {
                *slot = false;
            }
            tally.violate_all[pre] &= violated;
            tally.violate_any[pre] |= violated;
            hard_ok &= !violated;
        }
        let mut everyone = true;
        for (party, utility) in self.utilities.iter().enumerate() {
            let net = utility.eval(outcome) - penalties[party];
            tally.min[party] = tally.min[party].min(net);
            tally.max[party] = tally.max[party].max(net);
            let accepts = party_hard_ok[party] && self.ties.key(net) >= self.reservation[party];
            tally.accept_all[party] &= accepts;
            tally.accept_any[party] |= accepts;
            everyone &= accepts;
        }
        tally.in_zone |= hard_ok && everyone;
    }
}

/// Scores every proposal of a scenario (as [`crate::analyze`] does), enumerating the completions
/// of a partial proposal in the original space when there are at most `limit` of them and
/// streaming over the class space otherwise. The answers are the same either way; the limit only
/// trades simplicity for speed (tests use it to exercise both paths).
///
/// # Errors
///
/// [`AnalysisError::TooLarge`] when the class space has more than `config.max_outcomes` outcomes.
pub fn score_with_limit(
    scenario: &impasse_core::Scenario,
    config: &AnalysisConfig,
    limit: u128,
) -> Result<Vec<ProposalScore>, AnalysisError> {
    let prepared = Prepared::new(scenario, config)?;
    let ties = scenario.ties();
    let reservation: Vec<i64> =
        scenario.reservation_values().iter().map(|&r| ties.key(r)).collect();
    Ok(score_limited(&prepared, &reservation, limit))
}

/// Scores every proposal of the scenario.
pub(crate) fn score(prepared: &Prepared<'_>, reservation: &[i64]) -> Vec<ProposalScore> {
    score_limited(prepared, reservation, ENUMERATION_LIMIT)
}

fn score_limited(prepared: &Prepared<'_>, reservation: &[i64], limit: u128) -> Vec<ProposalScore> {
    let scenario = prepared.scenario;
    let original = Evaluator {
        utilities: scenario.parties().iter().map(|party| &party.utility).collect(),
        red_lines: scenario
            .red_lines()
            .iter()
            .map(|line| (&line.requires, line.party, line.cost))
            .collect(),
        preconditions: scenario.preconditions().iter().map(|pre| &pre.requires).collect(),
        precondition_holders: scenario.preconditions().iter().map(|pre| pre.party).collect(),
        reservation,
        ties: scenario.ties(),
    };
    let classes = Evaluator {
        utilities: prepared.utilities.iter().collect(),
        red_lines: prepared
            .red_lines
            .iter()
            .zip(scenario.red_lines())
            .map(|(requires, line)| (requires, line.party, line.cost))
            .collect(),
        preconditions: prepared.preconditions.iter().collect(),
        precondition_holders: scenario.preconditions().iter().map(|pre| pre.party).collect(),
        reservation,
        ties: scenario.ties(),
    };
    scenario
        .proposals()
        .iter()
        .enumerate()
        .map(|(index, proposal)| {
            let radices = scenario.space().radices();
            let completions = proposal
                .package
                .iter()
                .zip(radices)
                .filter(|(value, _)| value.is_none())
                .fold(1u128, |acc, (_, &radix)| acc.saturating_mul(u128::from(radix)));
            let tally = if completions <= limit {
                enumerate(&original, &proposal.package, radices)
            } else {
                stream_classes(prepared, &classes, &proposal.package)
            };
            report(index, completions, tally)
        })
        .collect()
}

/// Enumerates the completions in the original space.
fn enumerate(evaluator: &Evaluator<'_>, package: &[Option<u32>], radices: &[u32]) -> Tally {
    let free: Vec<usize> = (0..package.len()).filter(|&issue| package[issue].is_none()).collect();
    let sub = OutcomeSpace::new(free.iter().map(|&issue| radices[issue]).collect());
    let mut outcome: Vec<u32> = package.iter().map(|value| value.unwrap_or(0)).collect();
    let mut tally = evaluator.tally();
    let mut completions = sub.range(0, sub.size().unwrap_or(0));
    while let Some((_, values)) = completions.next_outcome() {
        for (&issue, &value) in free.iter().zip(values) {
            outcome[issue] = value;
        }
        evaluator.add(&outcome, &mut tally);
    }
    tally
}

/// Streams the completions over the class space, in parallel.
fn stream_classes(
    prepared: &Prepared<'_>,
    evaluator: &Evaluator<'_>,
    package: &[Option<u32>],
) -> Tally {
    let mut fixed: Vec<Option<u32>> = Vec::with_capacity(package.len());
    for (issue, value) in package.iter().enumerate() {
        fixed.push(value.map(|value| {
            prepared.members[issue].iter().position(|class| class.contains(&value)).unwrap_or(0)
                as u32
        }));
    }
    let lens: Vec<u32> = fixed
        .iter()
        .zip(prepared.space.radices())
        .map(|(value, &radix)| if value.is_some() { 1 } else { radix })
        .collect();
    let size = lens.iter().fold(1u64, |acc, &len| acc.saturating_mul(u64::from(len)));
    let sub = OutcomeSpace::new(lens);
    (0..size.div_ceil(CHUNK))
        .into_par_iter()
        .map(|chunk| {
            let mut tally = evaluator.tally();
            let mut outcome: Vec<u32> = fixed.iter().map(|value| value.unwrap_or(0)).collect();
            let mut completions = sub.range(chunk * CHUNK, ((chunk + 1) * CHUNK).min(size));
            while let Some((_, values)) = completions.next_outcome() {
                for ((slot, fixed), &value) in outcome.iter_mut().zip(&fixed).zip(values) {
                    *slot = fixed.unwrap_or(value);
                }
                evaluator.add(&outcome, &mut tally);
            }
            tally
        })
        .reduce(|| evaluator.tally(), Tally::merge)
}

fn three_valued(all: bool, any: bool) -> Option<bool> {
    if all {
        Some(true)
    } else if any {
        None
    } else {
        Some(false)
    }
}

fn report(proposal: usize, completions: u128, tally: Tally) -> ProposalScore {
    let pick = |flags: &[bool], want: bool| -> Vec<usize> {
        flags.iter().enumerate().filter(|&(_, &flag)| flag == want).map(|(idx, _)| idx).collect()
    };
    let sometimes = |all: &[bool], any: &[bool]| -> Vec<usize> {
        all.iter()
            .zip(any)
            .enumerate()
            .filter(|&(_, (&all, &any))| any && !all)
            .map(|(idx, _)| idx)
            .collect()
    };
    let seen = tally.seen;
    ProposalScore {
        proposal,
        utilities: tally.min.iter().zip(&tally.max).map(|(&lo, &hi)| (lo, hi)).collect(),
        acceptable: tally
            .accept_all
            .iter()
            .zip(&tally.accept_any)
            .map(|(&all, &any)| three_valued(all && seen, any))
            .collect(),
        red_lines_crossed: if seen { pick(&tally.cross_all, true) } else { Vec::new() },
        red_lines_maybe_crossed: sometimes(&tally.cross_all, &tally.cross_any),
        preconditions_violated: if seen { pick(&tally.violate_all, true) } else { Vec::new() },
        preconditions_maybe_violated: sometimes(&tally.violate_all, &tally.violate_any),
        in_zone: tally.in_zone,
        completions,
    }
}
