//! Pareto frontiers over tie keys, built per chunk and merged.
//!
//! Points are compared on their tie keys ([`impasse_core::tie_key`]): `a` dominates `b` when
//! `key(a_i) >= key(b_i)` for every party and `>` for some. Points with equal keys on every party
//! are ties: they are all on the frontier or all off it, and are kept together as one [`Group`]
//! (its lowest class outcome index, up to a cap of further indices, the number of class outcomes
//! and the number of packages they stand for).
//!
//! Algorithms:
//! - while streaming, a point dominated by one of a few strong points of the chunk so far (large
//!   key sums) is dropped at once; the rest are buffered (at most one chunk);
//! - two parties: sort by the first key (descending) and sweep keeping the best second key,
//!   `O(n log n)`; two frontiers merge in linear time;
//! - three or more parties: sort by key sum (descending) and check each point only against kept
//!   points of strictly larger sum (a dominating point always has a larger sum), block-nested-loop
//!   style; when merging two frontiers only points of different origins are compared.
//!
//! A frontier's groups are kept in lexicographically descending key order (party 0's key first),
//! which is also the order reported. The merged result is the same whatever the merge order, so
//! frontiers do not depend on the number of threads.

use std::cmp::Ordering;

/// Points sharing the same keys on every party.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Group {
    /// The lowest class outcome index.
    pub(crate) first: u64,
    /// Further class outcome indices, ascending, at most the cap.
    pub(crate) more: Vec<u64>,
    /// The number of class outcomes in the group.
    pub(crate) classes: u64,
    /// The number of packages they stand for.
    pub(crate) count: u128,
}

impl Group {
    fn single(index: u64, weight: u128) -> Group {
        Group { first: index, more: Vec::new(), classes: 1, count: weight }
    }

    /// Absorbs a group with the same keys.
    fn absorb(&mut self, other: Group, cap: usize) {
        self.classes += other.classes;
        self.count = self.count.saturating_add(other.count);
        if other.more.is_empty() {
            self.insert(other.first, cap);
            return;
        }
        // Merge two sorted index lists, keeping the lowest `cap + 1`.
        let mut all =
            Vec::with_capacity((2 + self.more.len() + other.more.len()).min(cap.saturating_add(1)));
        let mine: Vec<u64> = self.indices().collect();
        let mut left = mine.into_iter().peekable();
        let mut right = other.indices().peekable();
        while all.len() <= cap {
            let next = match (left.peek(), right.peek()) {
                (Some(&x), Some(&y)) => {
                    if x <= y {
                        left.next();
                        x
                    } else {
                        right.next();
                        y
                    }
                }
                (Some(&x), None) => {
                    left.next();
                    x
                }
                (None, Some(&y)) => {
                    right.next();
                    y
                }
                (None, None) => break,
            };
            all.push(next);
        }
        self.first = all[0];
        all.remove(0);
        self.more = all;
    }

    /// Adds one class outcome index, keeping the lowest `cap` besides the first.
    fn insert(&mut self, mut index: u64, cap: usize) {
        if index < self.first {
            std::mem::swap(&mut index, &mut self.first);
        }
        if self.more.len() >= cap {
            match self.more.last() {
                Some(&last) if index < last => {
                    self.more.pop();
                }
                _ => return,
            }
        }
        let position = self.more.partition_point(|&existing| existing < index);
        self.more.insert(position, index);
    }

    /// Every listed class outcome index, ascending.
    pub(crate) fn indices(&self) -> impl Iterator<Item = u64> + '_ {
        std::iter::once(self.first).chain(self.more.iter().copied())
    }
}

/// A Pareto frontier: groups with their keys, in lexicographically descending key order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Front {
    dims: usize,
    /// `keys[g * dims .. (g + 1) * dims]` are the keys of group `g`.
    keys: Vec<i64>,
    groups: Vec<Group>,
}

fn lex_desc(a: &[i64], b: &[i64]) -> Ordering {
    b.cmp(a)
}

fn key_sum(keys: &[i64]) -> i128 {
    keys.iter().map(|&key| i128::from(key)).sum()
}

/// Whether `a` dominates `b` (at least as good for everyone, better for someone).
#[inline]
fn dominates(a: &[i64], b: &[i64]) -> bool {
    let mut strictly = false;
    for (&x, &y) in a.iter().zip(b) {
        if x < y {
            return false;
        }
        if x > y {
            strictly = true;
        }
    }
    strictly
}

impl Front {
    /// The empty frontier over `dims` parties.
    pub(crate) fn empty(dims: usize) -> Front {
        Front { dims, keys: Vec::new(), groups: Vec::new() }
    }

    /// The number of groups (distinct key vectors).
    pub(crate) fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether there is no point.
    pub(crate) fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The keys of group `g`.
    pub(crate) fn keys(&self, g: usize) -> &[i64] {
        &self.keys[g * self.dims..(g + 1) * self.dims]
    }

    /// The groups, in lexicographically descending key order.
    pub(crate) fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The number of packages on the frontier.
    pub(crate) fn count(&self) -> u128 {
        self.groups.iter().fold(0u128, |acc, group| acc.saturating_add(group.count))
    }

    /// The frontier of a set of points with the given keys and groups (any order; groups may
    /// share keys).
    fn from_points(dims: usize, keys: Vec<i64>, groups: Vec<Group>, cap: usize) -> Front {
        let origins = vec![0u8; groups.len()];
        skyline(dims, keys, groups, origins, cap, false)
    }

    /// The frontier of the union of two frontiers.
    pub(crate) fn merge(self, other: Front, cap: usize) -> Front {
        if other.groups.is_empty() {
            return self;
        }
        if self.groups.is_empty() {
            return other;
        }
        let dims = self.dims;
        if dims == 2 {
            return merge2(self, other, cap);
        }
        let mut origins = vec![0u8; self.groups.len()];
        origins.resize(self.groups.len() + other.groups.len(), 1);
        let mut keys = self.keys;
        keys.extend(other.keys);
        let mut groups = self.groups;
        groups.extend(other.groups);
        skyline(dims, keys, groups, origins, cap, true)
    }
}

/// Merges two two-party frontiers (each sorted, key 0 descending) in linear time.
fn merge2(a: Front, b: Front, cap: usize) -> Front {
    let mut keys = Vec::with_capacity(a.keys.len() + b.keys.len());
    let mut groups = Vec::with_capacity(a.groups.len() + b.groups.len());
    let mut best: Option<i64> = None;
    let mut ia = a.groups.into_iter().enumerate().peekable();
    let mut ib = b.groups.into_iter().enumerate().peekable();
    let ka = |g: usize| (a.keys[2 * g], a.keys[2 * g + 1]);
    let kb = |g: usize| (b.keys[2 * g], b.keys[2 * g + 1]);
    loop {
        // The next run of equal first keys from either side: at most one group from each side.
        let next_a = ia.peek().map(|(g, _)| ka(*g));
        let next_b = ib.peek().map(|(g, _)| kb(*g));
        let first = match (next_a, next_b) {
            (None, None) => break,
            (Some(x), None) => x.0,
            (None, Some(y)) => y.0,
            (Some(x), Some(y)) => x.0.max(y.0),
        };
        let take_a = next_a.is_some_and(|x| x.0 == first);
        let take_b = next_b.is_some_and(|y| y.0 == first);
        let ga = if take_a { ia.next() } else { None };
        let gb = if take_b { ib.next() } else { None };
        let second_a = ga.as_ref().map(|(g, _)| ka(*g).1);
        let second_b = gb.as_ref().map(|(g, _)| kb(*g).1);
        let top = second_a.into_iter().chain(second_b).max().unwrap_or(i64::MIN);
        if best.is_some_and(|best| best >= top) {
            continue;
        }
        best = Some(top);
        let mut kept: Option<Group> = None;
        for (second, group) in [(second_a, ga), (second_b, gb)] {
            if let (Some(second), Some((_, group))) = (second, group)
                && second == top
            {
                match kept.as_mut() {
                    Some(existing) => existing.absorb(group, cap),
                    None => kept = Some(group),
                }
            }
        }
        if let Some(group) = kept {
            keys.push(first);
            keys.push(top);
            groups.push(group);
        }
    }
    Front { dims: 2, keys, groups }
}

/// The skyline of groups with the given keys. With `cross_only`, groups of the same origin are
/// known not to dominate each other (and not to share keys), so only groups of different origins
/// are compared.
fn skyline(
    dims: usize,
    keys: Vec<i64>,
    groups: Vec<Group>,
    origins: Vec<u8>,
    cap: usize,
    cross_only: bool,
) -> Front {
    let n = groups.len();
    let key = |g: usize| &keys[g * dims..(g + 1) * dims];
    let mut order: Vec<usize> = (0..n).collect();
    let mut slots: Vec<Option<Group>> = groups.into_iter().map(Some).collect();
    if dims == 2 {
        order.sort_unstable_by(|&x, &y| {
            lex_desc(key(x), key(y)).then_with(|| {
                let fx = slots[x].as_ref().map_or(0, |g| g.first);
                let fy = slots[y].as_ref().map_or(0, |g| g.first);
                fx.cmp(&fy)
            })
        });
        let mut out_keys = Vec::new();
        let mut out_groups: Vec<Group> = Vec::new();
        let mut best: Option<i64> = None;
        let mut start = 0;
        while start < n {
            let first = key(order[start])[0];
            let mut end = start;
            while end < n && key(order[end])[0] == first {
                end += 1;
            }
            // Sorted descending on the second key: the run's best second key comes first.
            let top = key(order[start])[1];
            if best.is_none_or(|best| top > best) {
                best = Some(top);
                let mut kept: Option<Group> = None;
                for &g in &order[start..end] {
                    if key(g)[1] != top {
                        break;
                    }
                    if let Some(group) = slots[g].take() {
                        match kept.as_mut() {
                            Some(existing) => existing.absorb(group, cap),
                            None => kept = Some(group),
                        }
                    }
                }
                if let Some(group) = kept {
                    out_keys.push(first);
                    out_keys.push(top);
                    out_groups.push(group);
                }
            }
            start = end;
        }
        return Front { dims, keys: out_keys, groups: out_groups };
    }
    let sums: Vec<i128> = (0..n).map(|g| key_sum(key(g))).collect();
    order.sort_unstable_by(|&x, &y| {
        sums[y].cmp(&sums[x]).then_with(|| lex_desc(key(x), key(y))).then_with(|| {
            let fx = slots[x].as_ref().map_or(0, |g| g.first);
            let fy = slots[y].as_ref().map_or(0, |g| g.first);
            fx.cmp(&fy)
        })
    });
    // Kept groups by origin (0, 1, and 2 for groups of mixed origins), each in order of
    // decreasing sum, with their keys stored contiguously for fast scanning.
    let mut lists: [Kept; 3] = [Kept::default(), Kept::default(), Kept::default()];
    let mut position = 0;
    while position < n {
        // A run of equal keys (adjacent after sorting) forms one group.
        let head = order[position];
        let mut end = position + 1;
        while end < n && key(order[end]) == key(head) {
            end += 1;
        }
        let sum = sums[head];
        let origin = origins[head];
        let mut mixed = false;
        for &g in &order[position + 1..end] {
            mixed |= origins[g] != origin;
        }
        let candidate = key(head);
        let dominated = lists.iter().enumerate().any(|(list, kept)| {
            // Groups of the same origin never dominate each other when merging two frontiers.
            !(cross_only && !mixed && list == usize::from(origin))
                && kept.dominates(dims, candidate, sum)
        });
        if !dominated {
            let mut merged: Option<Group> = None;
            for &g in &order[position..end] {
                if let Some(group) = slots[g].take() {
                    match merged.as_mut() {
                        Some(existing) => existing.absorb(group, cap),
                        None => merged = Some(group),
                    }
                }
            }
            if let Some(group) = merged {
                let list = if mixed { 2 } else { usize::from(origin.min(1)) };
                let kept = &mut lists[list];
                kept.keys.extend_from_slice(candidate);
                kept.sums.push(sum);
                kept.groups.push(group);
            }
        }
        position = end;
    }
    let mut all: Vec<(Vec<i64>, Group)> = Vec::new();
    for kept in lists {
        for (row, group) in kept.keys.chunks_exact(dims).zip(kept.groups) {
            all.push((row.to_vec(), group));
        }
    }
    all.sort_by(|x, y| lex_desc(&x.0, &y.0));
    let mut out_keys = Vec::with_capacity(all.len() * dims);
    let mut out_groups = Vec::with_capacity(all.len());
    for (row, group) in all {
        out_keys.extend_from_slice(&row);
        out_groups.push(group);
    }
    Front { dims, keys: out_keys, groups: out_groups }
}

/// Kept frontier groups of one origin, in order of decreasing key sum.
#[derive(Default)]
struct Kept {
    keys: Vec<i64>,
    sums: Vec<i128>,
    groups: Vec<Group>,
}

impl Kept {
    /// Whether a kept group dominates `candidate` (whose key sum is `sum`); only groups of larger
    /// sum can.
    fn dominates(&self, dims: usize, candidate: &[i64], sum: i128) -> bool {
        let larger = self.sums.partition_point(|&kept| kept > sum);
        let rows = &self.keys[..larger * dims];
        match dims {
            3 => rows.chunks_exact(3).any(|row| {
                row[0] >= candidate[0] && row[1] >= candidate[1] && row[2] >= candidate[2]
            }),
            4 => rows.chunks_exact(4).any(|row| {
                row[0] >= candidate[0]
                    && row[1] >= candidate[1]
                    && row[2] >= candidate[2]
                    && row[3] >= candidate[3]
            }),
            _ => rows.chunks_exact(dims).any(|row| row.iter().zip(candidate).all(|(a, b)| a >= b)),
        }
    }
}

/// How many strong points a [`FrontBuilder`] keeps to drop dominated points on arrival.
const FILTERS: usize = 8;

/// Collects one chunk's points and reduces them to the chunk's frontier.
#[derive(Debug)]
pub(crate) struct FrontBuilder {
    dims: usize,
    cap: usize,
    keys: Vec<i64>,
    groups: Vec<Group>,
    /// Up to [`FILTERS`] buffered points (keys, contiguous) with large key sums: anything one of
    /// them dominates is dropped at once.
    filters: Vec<i64>,
    filter_sums: Vec<i128>,
}

impl FrontBuilder {
    /// A builder over `dims` parties keeping at most `cap` extra indices per tie group.
    pub(crate) fn new(dims: usize, cap: usize) -> FrontBuilder {
        FrontBuilder {
            dims,
            cap,
            keys: Vec::new(),
            groups: Vec::new(),
            filters: Vec::with_capacity(FILTERS * dims),
            filter_sums: Vec::with_capacity(FILTERS),
        }
    }

    /// Offers a point.
    #[inline]
    pub(crate) fn push(&mut self, keys: &[i64], index: u64, weight: u128) {
        let dims = self.dims;
        if self.filters.chunks_exact(dims).any(|filter| dominates(filter, keys)) {
            return;
        }
        self.keys.extend_from_slice(keys);
        self.groups.push(Group::single(index, weight));
        let sum = key_sum(keys);
        // The new point replaces a filter it dominates, else fills a free slot, else replaces the
        // filter of smallest sum if its own sum is larger.
        let slot = match self.filters.chunks_exact(dims).position(|filter| dominates(keys, filter))
        {
            Some(slot) => Some(slot),
            None if self.filter_sums.len() < FILTERS => {
                self.filters.extend_from_slice(keys);
                self.filter_sums.push(sum);
                None
            }
            None => self
                .filter_sums
                .iter()
                .enumerate()
                .min_by_key(|&(_, &filter_sum)| filter_sum)
                .filter(|&(_, &filter_sum)| filter_sum < sum)
                .map(|(slot, _)| slot),
        };
        if let Some(slot) = slot {
            self.filters[slot * dims..(slot + 1) * dims].copy_from_slice(keys);
            self.filter_sums[slot] = sum;
        }
    }

    /// The frontier of the points offered.
    pub(crate) fn finish(self) -> Front {
        Front::from_points(self.dims, self.keys, self.groups, self.cap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(points: &[(Vec<i64>, u64)]) -> Vec<(Vec<i64>, Vec<u64>)> {
        let mut out: Vec<(Vec<i64>, Vec<u64>)> = Vec::new();
        for (keys, index) in points {
            if points.iter().any(|(other, _)| dominates(other, keys)) {
                continue;
            }
            match out.iter_mut().find(|(k, _)| k == keys) {
                Some((_, list)) => list.push(*index),
                None => out.push((keys.clone(), vec![*index])),
            }
        }
        for (_, list) in &mut out {
            list.sort_unstable();
        }
        out.sort_by(|x, y| y.0.cmp(&x.0));
        out
    }

    fn listed(front: &Front) -> Vec<(Vec<i64>, Vec<u64>)> {
        (0..front.len())
            .map(|g| (front.keys(g).to_vec(), front.groups()[g].indices().collect()))
            .collect()
    }

    fn lcg(state: &mut u64) -> u64 {
        *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        *state >> 33
    }

    #[test]
    fn chunked_frontiers_match_the_naive_one() {
        for dims in 2..=4 {
            for seed in 0..40u64 {
                let mut state = seed * 7 + dims as u64;
                let n = 1 + (lcg(&mut state) % 60) as usize;
                let range = 1 + lcg(&mut state) % 6;
                let points: Vec<(Vec<i64>, u64)> = (0..n)
                    .map(|i| {
                        ((0..dims).map(|_| (lcg(&mut state) % range) as i64).collect(), i as u64)
                    })
                    .collect();
                let expected = naive(&points);
                let split = (lcg(&mut state) as usize) % (n + 1);
                let build = |part: &[(Vec<i64>, u64)]| {
                    let mut builder = FrontBuilder::new(dims, usize::MAX);
                    for (keys, index) in part {
                        builder.push(keys, *index, 1);
                    }
                    builder.finish()
                };
                let left = build(&points[..split]);
                let right = build(&points[split..]);
                let merged = left.clone().merge(right.clone(), usize::MAX);
                let merged_other = right.merge(left, usize::MAX);
                assert_eq!(listed(&merged), expected, "dims {dims} seed {seed}");
                assert_eq!(merged, merged_other);
                assert_eq!(
                    merged.count() as usize,
                    expected.iter().map(|(_, l)| l.len()).sum::<usize>()
                );
            }
        }
    }
}
