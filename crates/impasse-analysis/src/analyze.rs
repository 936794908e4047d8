//! The analysis driver: one streaming pass over the class space, then the reports built from its
//! bounded results.
//!
//! The pass cuts the class space into chunks of [`CHUNK`] outcomes, evaluates every class outcome
//! with the compiled [`Kernel`] (utilities, utilities after penalties, hard constraints, class
//! size) and keeps per chunk only bounded results: the zone and hard-feasible counts, the Pareto
//! frontiers of the whole space and of the zone ([`crate::frontier`]), and two top-k lists of the
//! packages closest to agreement ([`crate::closest`]). Chunk results are combined in a balanced
//! binary tree of merges run with `rayon::join` (rather than [`Prepared::par_fold`]'s sequential
//! merge, which would merge a large frontier once per chunk): every merge is associative and
//! commutative with a unique result (integer sums, canonical frontiers, totally ordered top-k), so
//! the analysis is the same on any number of threads, and memory holds only `O(log chunks)` chunk
//! results per thread at a time.

use impasse_core::{IssueKind, Scenario};

use crate::closest::{Near, TopK};
use crate::frontier::{Front, FrontBuilder};
use crate::kernel::{Kernel, Scanner, key};
use crate::prepared::{CHUNK, Prepared};
use crate::{
    Analysis, AnalysisConfig, AnalysisError, ClashReport, Closest, Point, Solutions, Verdict,
    ZoneSummary,
};

/// What one chunk (or a merge of chunks) of the pass found.
#[derive(Debug)]
struct PassResult {
    zone: u128,
    hard: u128,
    frontier: Front,
    zone_frontier: Front,
    closest_hard: TopK,
    closest_all: TopK,
}

impl PassResult {
    fn empty(parties: usize, closest: usize) -> PassResult {
        PassResult {
            zone: 0,
            hard: 0,
            frontier: Front::empty(parties),
            zone_frontier: Front::empty(parties),
            closest_hard: TopK::new(closest),
            closest_all: TopK::new(closest),
        }
    }

    fn merge(self, other: PassResult, cap: usize) -> PassResult {
        PassResult {
            zone: self.zone.saturating_add(other.zone),
            hard: self.hard.saturating_add(other.hard),
            frontier: self.frontier.merge(other.frontier, cap),
            zone_frontier: self.zone_frontier.merge(other.zone_frontier, cap),
            closest_hard: self.closest_hard.merge(other.closest_hard),
            closest_all: self.closest_all.merge(other.closest_all),
        }
    }
}

/// Streams over class outcomes `start..end`.
fn run_chunk(
    kernel: &Kernel,
    reservation: &[i64],
    config: &AnalysisConfig,
    start: u64,
    end: u64,
) -> PassResult {
    let parties = kernel.n_parties();
    let cap = config.max_frontier.saturating_sub(1);
    let penalties = kernel.has_penalties();
    let mut frontier = FrontBuilder::new(parties, cap);
    let mut zone_frontier = FrontBuilder::new(parties, cap);
    let mut closest_hard = TopK::new(config.max_closest);
    let mut closest_all = TopK::new(config.max_closest);
    let mut keys = vec![0i64; parties];
    let mut net_keys = vec![0i64; parties];
    let mut zone = 0u128;
    let mut hard = 0u128;
    let ties = kernel.ties();
    let mut scanner = Scanner::new(kernel);
    scanner.scan(start, end, |index, outcome| {
        for (slot, &utility) in keys.iter_mut().zip(outcome.utilities()) {
            *slot = key(ties, utility);
        }
        let weight = outcome.weight();
        frontier.push(&keys, index, weight);
        let net_keys: &[i64] = if penalties {
            for (slot, &utility) in net_keys.iter_mut().zip(outcome.net()) {
                *slot = key(ties, utility);
            }
            &net_keys
        } else {
            &keys
        };
        let acceptable = net_keys.iter().zip(reservation).all(|(&value, &floor)| value >= floor);
        let hard_ok = outcome.hard_ok();
        if hard_ok {
            hard = hard.saturating_add(weight);
            if acceptable {
                zone = zone.saturating_add(weight);
                zone_frontier.push(net_keys, index, weight);
                return;
            }
        }
        if config.max_closest > 0 {
            let near = Near::new(net_keys, reservation, index);
            if hard_ok && closest_hard.wants(near.worst) {
                closest_hard.offer(near);
            }
            if closest_all.wants(near.worst) {
                closest_all.offer(near);
            }
        }
    });
    PassResult {
        zone,
        hard,
        frontier: frontier.finish(),
        zone_frontier: zone_frontier.finish(),
        closest_hard,
        closest_all,
    }
}

/// The whole pass.
fn run_pass(
    kernel: &Kernel,
    size: u64,
    reservation: &[i64],
    config: &AnalysisConfig,
) -> PassResult {
    let parties = kernel.n_parties();
    let cap = config.max_frontier.saturating_sub(1);
    tree_reduce(
        0,
        size.div_ceil(CHUNK),
        &|chunk| {
            run_chunk(kernel, reservation, config, chunk * CHUNK, ((chunk + 1) * CHUNK).min(size))
        },
        &|a: PassResult, b| a.merge(b, cap),
    )
    .unwrap_or_else(|| PassResult::empty(parties, config.max_closest))
}

/// Computes `leaf` for every chunk in `lo..hi` and merges the results pairwise in a balanced tree,
/// in parallel. Balanced, so that large results (frontiers) are merged `O(log n)` times rather than
/// once per chunk; `None` for an empty range.
pub(crate) fn tree_reduce<T: Send>(
    lo: u64,
    hi: u64,
    leaf: &(impl Fn(u64) -> T + Sync),
    merge: &(impl Fn(T, T) -> T + Sync),
) -> Option<T> {
    match hi.saturating_sub(lo) {
        0 => None,
        1 => Some(leaf(lo)),
        len => {
            let mid = lo + len / 2;
            let (left, right) = rayon::join(
                || tree_reduce(lo, mid, leaf, merge),
                || tree_reduce(mid, hi, leaf, merge),
            );
            match (left, right) {
                (Some(left), Some(right)) => Some(merge(left, right)),
                (left, right) => left.or(right),
            }
        }
    }
}

/// The Pareto frontiers of a scenario only (of the whole space, utilities before penalties), as
/// [`Point`]s in report order, with the exact number of frontier packages; used by benchmarks and
/// by callers that need nothing else.
pub fn pareto_frontier(
    scenario: &Scenario,
    config: &AnalysisConfig,
) -> Result<(Vec<Point>, u128), AnalysisError> {
    let prepared = Prepared::new(scenario, config)?;
    let kernel = Kernel::new(&prepared);
    let size = prepared.space.size().unwrap_or(0);
    let parties = kernel.n_parties();
    let cap = config.max_frontier.saturating_sub(1);
    let front = tree_reduce(
        0,
        size.div_ceil(CHUNK),
        &|chunk| {
            let (start, end) = (chunk * CHUNK, ((chunk + 1) * CHUNK).min(size));
            let mut builder = FrontBuilder::new(parties, cap);
            let mut keys = vec![0i64; parties];
            let ties = kernel.ties();
            Scanner::new(&kernel).scan(start, end, |index, outcome| {
                for (slot, &utility) in keys.iter_mut().zip(outcome.utilities()) {
                    *slot = key(ties, utility);
                }
                builder.push(&keys, index, outcome.weight());
            });
            builder.finish()
        },
        &|a: Front, b| a.merge(b, cap),
    )
    .unwrap_or_else(|| Front::empty(parties));
    Ok((points(&prepared, &front, config.max_frontier), front.count()))
}

/// Analyses a scenario: the zone of agreement, the frontiers, the bargaining solutions, the
/// proposals' scores, and when the zone is empty the clashing constraints and the closest packages;
/// ripeness when the scenario has a conflict model.
///
/// Memory is bounded by the size of the results (frontiers, top-k lists), not by the size of the
/// space; the result does not depend on the number of threads.
///
/// # Errors
///
/// [`AnalysisError::TooLarge`] when the class space has more than `config.max_outcomes` outcomes.
pub fn analyze(scenario: &Scenario, config: &AnalysisConfig) -> Result<Analysis, AnalysisError> {
    let prepared = Prepared::new(scenario, config)?;
    let reservation = scenario.reservation_values();
    let ties = scenario.ties();
    let reservation_keys: Vec<i64> = reservation.iter().map(|&value| ties.key(value)).collect();
    let kernel = Kernel::new(&prepared);
    let classes = prepared.space.size().unwrap_or(0);
    let pass = run_pass(&kernel, classes, &reservation_keys, config);
    let space_size = scenario
        .space()
        .radices()
        .iter()
        .fold(1u128, |acc, &radix| acc.saturating_mul(u128::from(radix)));
    let verdict = if pass.zone > 0 { Verdict::AgreementPossible } else { Verdict::Impasse };
    let zone = ZoneSummary {
        size: pass.zone,
        space_size,
        hard_feasible: pass.hard,
        preconditions_compatible: pass.hard > 0,
    };
    let chosen = crate::solutions::solve(&pass.zone_frontier, &reservation_keys);
    let solution = |index: Option<u64>| index.map(|index| point(&prepared, index));
    let solutions = Solutions {
        nash: solution(chosen.nash),
        kalai_smorodinsky: solution(chosen.kalai_smorodinsky),
        egalitarian: solution(chosen.egalitarian),
        utilitarian: solution(chosen.utilitarian),
    };
    let proposals = crate::proposals::score(&prepared, &reservation_keys);
    let (clashes, closest) = if verdict == Verdict::Impasse {
        let near = if pass.hard > 0 { pass.closest_hard } else { pass.closest_all };
        let closest = near
            .into_sorted()
            .into_iter()
            .map(|near| closest_package(&prepared, &reservation, &reservation_keys, near.index))
            .collect();
        (crate::clash::diagnose(&prepared, &reservation, config), closest)
    } else {
        (ClashReport::default(), Vec::new())
    };
    let ripeness = crate::ripeness::ripeness(&prepared, config);
    let frontier = points(&prepared, &pass.frontier, config.max_frontier);
    let frontier_size = pass.frontier.count();
    let zone_frontier = points(&prepared, &pass.zone_frontier, config.max_frontier);
    let zone_frontier_size = pass.zone_frontier.count();
    let mut notes = notes(scenario, classes, space_size);
    for (what, list, size) in [
        ("Pareto frontier", &frontier, frontier_size),
        ("zone's Pareto frontier", &zone_frontier, zone_frontier_size),
    ] {
        let listed = list.iter().fold(0u128, |acc, point| acc.saturating_add(point.count));
        if listed < size {
            notes.push(format!(
                "the {what} has {size} packages; only the first {} points are listed",
                list.len()
            ));
        }
    }
    Ok(Analysis {
        reservation,
        verdict,
        zone,
        classes,
        frontier,
        frontier_size,
        zone_frontier,
        zone_frontier_size,
        solutions,
        proposals,
        clashes,
        closest,
        ripeness,
        notes,
    })
}

/// The class outcome with index `index`.
fn class_outcome(prepared: &Prepared<'_>, index: u64) -> Vec<u32> {
    let mut outcome = vec![0; prepared.space.n_issues()];
    prepared.space.decode(index, &mut outcome);
    outcome
}

/// The reported point of a class outcome: its representative package, evaluated on the scenario.
fn point(prepared: &Prepared<'_>, index: u64) -> Point {
    let scenario = prepared.scenario;
    let classes = class_outcome(prepared, index);
    let outcome = prepared.representative(&classes);
    let utilities: Vec<f64> =
        scenario.parties().iter().map(|party| party.utility.eval(&outcome)).collect();
    let net_utilities = utilities
        .iter()
        .enumerate()
        .map(|(party, &utility)| utility - scenario.penalty(party, &outcome))
        .collect();
    Point { count: prepared.weight(&classes), outcome, utilities, net_utilities }
}

/// The frontier's points in report order (keys descending, party 0 first; then package index),
/// every class outcome of a tie group listed, at most `limit` of them.
fn points(prepared: &Prepared<'_>, front: &Front, limit: usize) -> Vec<Point> {
    front
        .groups()
        .iter()
        .flat_map(|group| group.indices())
        .take(limit)
        .map(|index| point(prepared, index))
        .collect()
}

fn closest_package(
    prepared: &Prepared<'_>,
    reservation: &[f64],
    reservation_keys: &[i64],
    index: u64,
) -> Closest {
    let ties = prepared.scenario.ties();
    let point = point(prepared, index);
    let shortfalls = point
        .net_utilities
        .iter()
        .zip(reservation.iter().zip(reservation_keys))
        .map(
            |(&net, (&floor, &floor_key))| {
                if ties.key(net) >= floor_key { 0.0 } else { (floor - net).max(0.0) }
            },
        )
        .collect();
    let hard_violations = crate::clash::hard_violations(prepared, &class_outcome(prepared, index));
    Closest { point, shortfalls, hard_violations }
}

fn notes(scenario: &Scenario, classes: u64, space_size: u128) -> Vec<String> {
    let mut notes: Vec<String> = scenario
        .issues()
        .iter()
        .filter_map(|issue| match issue.kind {
            IssueKind::Real { steps, .. } => {
                Some(format!("issue '{}' (real interval) is analysed on {steps} points", issue.id))
            }
            _ => None,
        })
        .collect();
    notes.extend(scenario.notes().iter().cloned());
    if u128::from(classes) < space_size {
        notes.push(format!(
            "{space_size} packages are analysed as {classes} class outcomes: values that no utility, term, red line or precondition tells apart are merged"
        ));
    }
    notes
}
