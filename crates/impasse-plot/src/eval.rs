//! Streaming over a scenario's class outcomes: every party's utility after red-line penalties,
//! the hard constraints and the zone test, in parallel over contiguous ranges.

use impasse_analysis::prepared::Prepared;
use impasse_core::{CrossingCost, Ties};

/// What the plots need to know about one class outcome.
pub(crate) struct Evaluator<'p, 's> {
    prepared: &'p Prepared<'s>,
    /// The scenario's tie rule.
    ties: Ties,
    /// Indices of the absolute red lines.
    absolute: Vec<usize>,
    /// Per party, its finite red lines: (index, penalty).
    finite: Vec<Vec<(usize, f64)>>,
}

impl<'p, 's> Evaluator<'p, 's> {
    pub(crate) fn new(prepared: &'p Prepared<'s>) -> Evaluator<'p, 's> {
        let scenario = prepared.scenario;
        let mut absolute = Vec::new();
        let mut finite = vec![Vec::new(); scenario.parties().len()];
        for (idx, line) in scenario.red_lines().iter().enumerate() {
            match line.cost {
                CrossingCost::Absolute => absolute.push(idx),
                CrossingCost::Penalty(amount) => {
                    if let Some(party) = finite.get_mut(line.party) {
                        party.push((idx, amount));
                    }
                }
            }
        }
        Evaluator { prepared, ties: scenario.ties(), absolute, finite }
    }

    /// The number of parties.
    pub(crate) fn parties(&self) -> usize {
        self.finite.len()
    }

    /// Whether the class outcome crosses no absolute red line and meets every precondition.
    pub(crate) fn hard_feasible(&self, outcome: &[u32]) -> bool {
        self.absolute.iter().all(|&line| self.prepared.red_lines[line].eval(outcome))
            && self.prepared.preconditions.iter().all(|pre| pre.eval(outcome))
    }

    /// Every party's utility of the class outcome after the penalties of the finite red lines it
    /// crosses.
    pub(crate) fn net(&self, outcome: &[u32], out: &mut Vec<f64>) {
        out.clear();
        for (party, lines) in self.finite.iter().enumerate() {
            let mut value = self.prepared.utilities[party].eval(outcome);
            for &(line, amount) in lines {
                if !self.prepared.red_lines[line].eval(outcome) {
                    value -= amount;
                }
            }
            out.push(value);
        }
    }

    /// How many original packages the class outcome stands for.
    pub(crate) fn weight(&self, outcome: &[u32]) -> u128 {
        self.prepared.weight(outcome)
    }

    /// Whether a party accepts a value against a reservation value, exactly as the zone does (at
    /// the scenario's tie rule).
    pub(crate) fn accepts(&self, value: f64, reservation: f64) -> bool {
        self.ties.key(value) >= self.ties.key(reservation)
    }
}

/// Folds over every class outcome on a few threads, each over a contiguous range, and merges the
/// per-thread results in range order. Results do not depend on the number of threads as long as
/// `merge` is associative and insensitive to where the ranges are cut (sums, extrema, sets).
pub(crate) fn scan<T: Send>(
    prepared: &Prepared<'_>,
    init: impl Fn() -> T + Sync,
    fold: impl Fn(&mut T, &[u32]) + Sync,
    merge: impl Fn(T, T) -> T,
) -> T {
    let size = prepared.space.size().unwrap_or(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let threads = if size < 16_384 { 1 } else { threads };
    scan_with(prepared, threads, init, fold, merge)
}

/// [`scan`] on a given number of threads.
pub(crate) fn scan_with<T: Send>(
    prepared: &Prepared<'_>,
    threads: usize,
    init: impl Fn() -> T + Sync,
    fold: impl Fn(&mut T, &[u32]) + Sync,
    merge: impl Fn(T, T) -> T,
) -> T {
    let size = prepared.space.size().unwrap_or(0);
    let threads = threads.max(1) as u64;
    let bounds: Vec<(u64, u64)> =
        (0..threads).map(|k| (size * k / threads, size * (k + 1) / threads)).collect();
    let run = |(start, end): (u64, u64)| {
        let mut acc = init();
        let mut outcomes = prepared.space.range(start, end);
        while let Some((_, outcome)) = outcomes.next_outcome() {
            fold(&mut acc, outcome);
        }
        acc
    };
    let parts: Vec<T> = if threads == 1 {
        vec![run((0, size))]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> =
                bounds.iter().map(|&range| scope.spawn(move || run(range))).collect();
            handles
                .into_iter()
                .map(|handle| {
                    handle.join().unwrap_or_else(|payload| std::panic::resume_unwind(payload))
                })
                .collect()
        })
    };
    let mut parts = parts.into_iter();
    let first = parts.next().unwrap_or_else(&init);
    parts.fold(first, merge)
}

#[cfg(test)]
mod tests {
    use impasse_analysis::AnalysisConfig;

    use super::*;

    #[test]
    fn every_outcome_is_visited_once_on_any_number_of_threads() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios/negotiation-impasse-2023.toml");
        let scenario = impasse_format::load_path(&path, &[]).unwrap();
        let prepared = Prepared::new(&scenario, &AnalysisConfig::default()).unwrap();
        let evaluator = Evaluator::new(&prepared);
        let run = |threads: usize| {
            scan_with(
                &prepared,
                threads,
                || (0u128, 0u128, 0.0f64),
                |acc, outcome| {
                    let weight = evaluator.weight(outcome);
                    acc.0 += weight;
                    if evaluator.hard_feasible(outcome) {
                        acc.1 += weight;
                    }
                    let mut net = Vec::new();
                    evaluator.net(outcome, &mut net);
                    acc.2 = acc.2.max(net[0]);
                },
                |a, b| (a.0 + b.0, a.1 + b.1, a.2.max(b.2)),
            )
        };
        let one = run(1);
        assert_eq!(one.0, scenario.space().size().unwrap() as u128);
        assert_eq!(one.1, 432);
        for threads in [2, 3, 7] {
            assert_eq!(run(threads), one);
        }
    }
}
