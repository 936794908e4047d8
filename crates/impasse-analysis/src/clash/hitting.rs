//! Minimal generalised hitting sets: the smallest-first enumeration of the minimal sets `S` such that
//! every family has a block inside `S`.
//!
//! Each family is a list of blocks (bit masks). The search deepens by size `k = 1, 2, …`: a
//! depth-first search starts from the empty set, picks an unsatisfied family (the one with fewest
//! blocks), and branches on adding each of its blocks, never growing beyond `k` members. Every
//! minimal set `M` of size `k` is reached (each branch can stay inside `M`), and a leaf that
//! satisfies every family is kept when it has exactly `k` members and no member can be dropped.
//! Deepening stops once more sets than the cap are known, or when no branch was cut by the size
//! bound (nothing larger exists).

use std::collections::{BTreeSet, HashSet};

/// The most sets remembered as expanded per level (bounds memory; beyond it, sets may be expanded
/// twice, which costs time but never changes the answer).
const VISITED_CAP: usize = 1 << 22;

/// The outcome of the enumeration.
#[derive(Debug)]
pub(super) struct Found {
    /// The minimal sets, by size then lexicographically (by their members' bit indices), at most
    /// the cap.
    pub(super) sets: Vec<u128>,
    /// Whether more minimal sets exist than are listed (or might, when the budget ran out).
    pub(super) truncated: bool,
    /// Whether the search budget ran out.
    pub(super) exhausted: bool,
}

/// Every minimal set hitting all `families`, at most `cap` of them, within `budget` steps (a step
/// examines every family once).
pub(super) fn minimal_hitting_sets(families: &[Vec<u128>], cap: usize, budget: u64) -> Found {
    if families.iter().any(Vec::is_empty) {
        // A family nothing satisfies: no set hits it.
        return Found { sets: Vec::new(), truncated: false, exhausted: false };
    }
    if families.is_empty() {
        // The empty set already hits everything.
        let sets = if cap > 0 { vec![0] } else { Vec::new() };
        return Found { truncated: sets.is_empty(), sets, exhausted: false };
    }
    let mut search = Search {
        families,
        size: 0,
        found: BTreeSet::new(),
        visited: HashSet::new(),
        work: 0,
        budget,
        cut: false,
        exhausted: false,
        stop_at: usize::MAX,
    };
    for size in 1..=128 {
        search.size = size;
        search.cut = false;
        search.visited.clear();
        // Once `cap` sets are known, a larger level only has to show that one more exists.
        search.stop_at =
            if search.found.len() >= cap { search.found.len() + 1 } else { usize::MAX };
        search.dfs(0);
        if search.exhausted || search.found.len() > cap || !search.cut {
            break;
        }
    }
    let mut sets: Vec<u128> = search.found.into_iter().collect();
    sets.sort_by(|&a, &b| {
        a.count_ones().cmp(&b.count_ones()).then_with(|| super::bits(a).cmp(super::bits(b)))
    });
    let truncated = sets.len() > cap || search.exhausted;
    sets.truncate(cap);
    Found { sets, truncated, exhausted: search.exhausted }
}

struct Search<'a> {
    families: &'a [Vec<u128>],
    /// The size of the sets sought at this level.
    size: u32,
    found: BTreeSet<u128>,
    /// Sets already expanded at this level (only membership is used, so hashing order never
    /// reaches the output).
    visited: HashSet<u128>,
    work: u64,
    budget: u64,
    /// Whether the size bound cut a branch at this level.
    cut: bool,
    exhausted: bool,
    /// Stop the level once this many sets are known.
    stop_at: usize,
}

impl Search<'_> {
    fn hits(set: u128, family: &[u128]) -> bool {
        family.iter().any(|&block| block & !set == 0)
    }

    fn step(&mut self) -> bool {
        self.work += 1 + self.families.len() as u64;
        if self.work > self.budget {
            self.exhausted = true;
        }
        !self.exhausted
    }

    fn dfs(&mut self, set: u128) {
        if self.exhausted || self.found.len() >= self.stop_at || !self.step() {
            return;
        }
        if self.visited.contains(&set) {
            return;
        }
        if self.visited.len() < VISITED_CAP {
            self.visited.insert(set);
        }
        let families = self.families;
        let mut branch: Option<&Vec<u128>> = None;
        for family in families {
            if !Self::hits(set, family) && branch.is_none_or(|best| family.len() < best.len()) {
                branch = Some(family);
                if family.len() == 1 {
                    break;
                }
            }
        }
        let Some(family) = branch else {
            if set.count_ones() == self.size && self.is_minimal(set) {
                self.found.insert(set);
            }
            return;
        };
        for &block in family {
            let next = set | block;
            if next.count_ones() > self.size {
                self.cut = true;
                continue;
            }
            self.dfs(next);
        }
    }

    fn is_minimal(&mut self, set: u128) -> bool {
        let families = self.families;
        for bit in super::bits(set) {
            if !self.step() {
                return false;
            }
            let smaller = set & !(1u128 << bit);
            if families.iter().all(|family| Self::hits(smaller, family)) {
                return false;
            }
        }
        true
    }
}
