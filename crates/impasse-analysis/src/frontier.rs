//! Pareto frontiers over tie keys, built per chunk and merged.
//!
//! Points are compared on their tie keys ([`impasse_core::Ties::key`]): `a` dominates `b` when
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
//! - three parties: a sweep in decreasing order of the first key with a staircase of the other
//!   two (Kung, Luccio and Preparata), `O(n log n)`;
//! - four or more parties: divide and conquer over the lexicographically descending order, in
//!   which no point is dominated by a later one: the second half's frontier is filtered against
//!   the first half's through a k-d tree with per-node maxima; two frontiers merge by checking each
//!   side against a k-d tree of the other. Near `O(n log² n)` on the usual inputs, and still fast
//!   when every point is efficient (utilities summing to a constant), where a plain
//!   block-nested loop is quadratic.
//!
//! A frontier's groups are kept in lexicographically descending key order (party 0's key first),
//! which is also the order reported. The merged result is the same whatever the merge order, so
//! frontiers do not depend on the number of threads.

use std::cmp::Ordering;

/// Points sharing the same keys on every party.
///
/// Kept small (32 bytes): frontiers can hold millions of groups when every package is efficient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Group {
    /// The lowest class outcome index.
    first: u64,
    /// Further class outcome indices, ascending, at most the cap (`None` when there are none).
    #[allow(clippy::box_collection, reason = "8 bytes per group instead of 24 for a rare case")]
    more: Option<Box<Vec<u64>>>,
    /// The number of packages the group's class outcomes stand for.
    count: u128,
}

impl Group {
    fn single(index: u64, weight: u128) -> Group {
        Group { first: index, more: None, count: weight }
    }

    /// The lowest class outcome index.
    pub(crate) fn first(&self) -> u64 {
        self.first
    }

    /// The number of packages the group stands for.
    pub(crate) fn count(&self) -> u128 {
        self.count
    }

    fn more(&self) -> &[u64] {
        self.more.as_deref().map_or(&[], Vec::as_slice)
    }

    /// Absorbs a group with the same keys.
    fn absorb(&mut self, other: Group, cap: usize) {
        self.count = self.count.saturating_add(other.count);
        if other.more.is_none() {
            self.insert(other.first, cap);
            return;
        }
        // Merge two sorted index lists, keeping the lowest `cap + 1`.
        let mine: Vec<u64> = self.indices().collect();
        let theirs: Vec<u64> = other.indices().collect();
        let mut all = Vec::with_capacity((mine.len() + theirs.len()).min(cap.saturating_add(1)));
        let (mut left, mut right) = (0, 0);
        while all.len() <= cap {
            let next = match (mine.get(left), theirs.get(right)) {
                (Some(&x), Some(&y)) if x <= y => {
                    left += 1;
                    x
                }
                (_, Some(&y)) => {
                    right += 1;
                    y
                }
                (Some(&x), None) => {
                    left += 1;
                    x
                }
                (None, None) => break,
            };
            all.push(next);
        }
        self.first = all[0];
        all.remove(0);
        self.more = (!all.is_empty()).then(|| Box::new(all));
    }

    /// Adds one class outcome index, keeping the lowest `cap` besides the first.
    fn insert(&mut self, mut index: u64, cap: usize) {
        if index < self.first {
            std::mem::swap(&mut index, &mut self.first);
        }
        if cap == 0 {
            return;
        }
        let more = self.more.get_or_insert_with(|| Box::new(Vec::new()));
        if more.len() >= cap {
            match more.last() {
                Some(&last) if index < last => {
                    more.pop();
                }
                _ => return,
            }
        }
        let position = more.partition_point(|&existing| existing < index);
        more.insert(position, index);
    }

    /// Every listed class outcome index, ascending.
    pub(crate) fn indices(&self) -> impl Iterator<Item = u64> + '_ {
        std::iter::once(self.first).chain(self.more().iter().copied())
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
        self.groups.iter().fold(0u128, |acc, group| acc.saturating_add(group.count()))
    }

    /// The frontier of a set of points with the given keys and groups (any order; groups may
    /// share keys).
    fn from_points(dims: usize, keys: Vec<i64>, groups: Vec<Group>, cap: usize) -> Front {
        if dims >= 4 {
            return skyline_split(dims, keys, groups, cap);
        }
        skyline(dims, keys, groups, cap)
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
        if dims >= 4 {
            return merge_trees(self, other, cap);
        }
        let mut keys = self.keys;
        keys.extend(other.keys);
        let mut groups = self.groups;
        groups.extend(other.groups);
        skyline(dims, keys, groups, cap)
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

/// The skyline of groups with the given keys, for two or three parties (any order; groups may
/// share keys).
fn skyline(dims: usize, keys: Vec<i64>, groups: Vec<Group>, cap: usize) -> Front {
    let n = groups.len();
    let key = |g: usize| &keys[g * dims..(g + 1) * dims];
    let mut order: Vec<usize> = (0..n).collect();
    let mut slots: Vec<Option<Group>> = groups.into_iter().map(Some).collect();
    if dims == 2 {
        order.sort_unstable_by(|&x, &y| {
            lex_desc(key(x), key(y)).then_with(|| {
                let fx = slots[x].as_ref().map_or(0, |g| g.first());
                let fy = slots[y].as_ref().map_or(0, |g| g.first());
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
    skyline3(&keys, slots, cap)
}

/// The three-party skyline by a sweep, `O(n log n)` (Kung, Luccio and Preparata): points in
/// decreasing order of the first key; a point is dominated by an earlier point of strictly larger
/// first key exactly when the staircase (two-dimensional frontier) of those points' other two keys
/// covers it, and by a point of equal first key exactly when it is dominated within its run on the
/// other two keys.
fn skyline3(keys: &[i64], mut slots: Vec<Option<Group>>, cap: usize) -> Front {
    use std::collections::BTreeMap;
    let n = slots.len();
    let key = |g: usize| &keys[g * 3..g * 3 + 3];
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&x, &y| {
        lex_desc(key(x), key(y)).then_with(|| {
            let fx = slots[x].as_ref().map_or(0, |g| g.first());
            let fy = slots[y].as_ref().map_or(0, |g| g.first());
            fx.cmp(&fy)
        })
    });
    // The staircase of (key 1, key 2) over the points of larger first key: key 1 → key 2, with
    // key 2 strictly decreasing as key 1 increases.
    let mut stairs: BTreeMap<i64, i64> = BTreeMap::new();
    let covered = |stairs: &BTreeMap<i64, i64>, k1: i64, k2: i64| {
        stairs.range(k1..).next().is_some_and(|(_, &top)| top >= k2)
    };
    let mut out_keys = Vec::new();
    let mut out_groups = Vec::new();
    let mut run_start = 0;
    while run_start < n {
        let k0 = key(order[run_start])[0];
        let mut run_end = run_start;
        while run_end < n && key(order[run_end])[0] == k0 {
            run_end += 1;
        }
        // Within the run, sorted by key 1 then key 2 descending; equal keys are adjacent.
        let mut best_k2: Option<i64> = None; // over points of strictly larger key 1 in the run
        let mut position = run_start;
        let mut survivors: Vec<(i64, i64)> = Vec::new();
        while position < run_end {
            let k1 = key(order[position])[1];
            let mut sub_end = position;
            while sub_end < run_end && key(order[sub_end])[1] == k1 {
                sub_end += 1;
            }
            let top = key(order[position])[2];
            let dominated_in_run = best_k2.is_some_and(|best| best >= top);
            if !dominated_in_run && !covered(&stairs, k1, top) {
                let mut merged: Option<Group> = None;
                for &g in &order[position..sub_end] {
                    if key(g)[2] != top {
                        break;
                    }
                    if let Some(group) = slots[g].take() {
                        match merged.as_mut() {
                            Some(existing) => existing.absorb(group, cap),
                            None => merged = Some(group),
                        }
                    }
                }
                if let Some(group) = merged {
                    out_keys.extend_from_slice(&[k0, k1, top]);
                    out_groups.push(group);
                }
            }
            if !dominated_in_run {
                survivors.push((k1, top));
            }
            best_k2 = Some(best_k2.map_or(top, |best| best.max(top)));
            position = sub_end;
        }
        // Add the run's two-dimensional frontier to the staircase.
        for (k1, k2) in survivors {
            if covered(&stairs, k1, k2) {
                continue;
            }
            let redundant: Vec<i64> = stairs
                .range(..=k1)
                .rev()
                .take_while(|entry| *entry.1 <= k2)
                .map(|(&at, _)| at)
                .collect();
            for at in redundant {
                stairs.remove(&at);
            }
            stairs.insert(k1, k2);
        }
        run_start = run_end;
    }
    Front { dims: 3, keys: out_keys, groups: out_groups }
}

/// Sorts groups in lexicographically descending key order and combines groups with equal keys.
fn sorted_groups(
    dims: usize,
    keys: &[i64],
    groups: Vec<Group>,
    cap: usize,
) -> (Vec<i64>, Vec<Group>) {
    let n = groups.len();
    let key = |g: usize| &keys[g * dims..(g + 1) * dims];
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&x, &y| {
        lex_desc(key(x), key(y)).then_with(|| groups[x].first().cmp(&groups[y].first()))
    });
    let mut slots: Vec<Option<Group>> = groups.into_iter().map(Some).collect();
    let mut out_keys: Vec<i64> = Vec::with_capacity(keys.len());
    let mut out_groups: Vec<Group> = Vec::with_capacity(n);
    for g in order {
        let Some(group) = slots[g].take() else { continue };
        let same = !out_groups.is_empty() && out_keys[out_keys.len() - dims..] == *key(g);
        match out_groups.last_mut() {
            Some(last) if same => last.absorb(group, cap),
            _ => {
                out_keys.extend_from_slice(key(g));
                out_groups.push(group);
            }
        }
    }
    (out_keys, out_groups)
}

/// The skyline for four or more parties, by divide and conquer over the lexicographically
/// descending order: a point can only be dominated by a point before it in that order, so the
/// second half's frontier is filtered against the first half's with a k-d tree, and the first
/// half's frontier is kept whole.
fn skyline_split(dims: usize, keys: Vec<i64>, groups: Vec<Group>, cap: usize) -> Front {
    let (keys, groups) = sorted_groups(dims, &keys, groups, cap);
    let kept = split(dims, &keys, 0, groups.len());
    let mut keep = vec![false; groups.len()];
    for &g in &kept {
        keep[g] = true;
    }
    let mut out_keys = Vec::with_capacity(kept.len() * dims);
    let mut out_groups = Vec::with_capacity(kept.len());
    for (g, group) in groups.into_iter().enumerate() {
        if keep[g] {
            out_keys.extend_from_slice(&keys[g * dims..(g + 1) * dims]);
            out_groups.push(group);
        }
    }
    Front { dims, keys: out_keys, groups: out_groups }
}

/// The frontier of rows `lo..hi` (lexicographically descending, distinct), as row indices in order.
fn split(dims: usize, keys: &[i64], lo: usize, hi: usize) -> Vec<usize> {
    let row = |g: usize| &keys[g * dims..(g + 1) * dims];
    if hi - lo <= 64 {
        let mut kept: Vec<usize> = Vec::new();
        for g in lo..hi {
            if !kept.iter().any(|&k| dominates(row(k), row(g))) {
                kept.push(g);
            }
        }
        return kept;
    }
    let mid = lo + (hi - lo) / 2;
    let mut left = split(dims, keys, lo, mid);
    let right = split(dims, keys, mid, hi);
    let left_rows: Vec<i64> = left.iter().flat_map(|&g| row(g).iter().copied()).collect();
    let tree = KdTree::new(dims, &left_rows);
    left.extend(right.into_iter().filter(|&g| !tree.dominated(row(g))));
    left
}

/// Merges two frontiers of four or more parties: each side's groups are checked against a k-d
/// tree of the other side's, then the survivors are merged in order (groups with equal keys on
/// both sides are combined; neither side can dominate them).
fn merge_trees(a: Front, b: Front, cap: usize) -> Front {
    use rayon::prelude::*;
    let dims = a.dims;
    let survivors = |mine: &Front, theirs: &Front| -> Vec<bool> {
        let tree = KdTree::new(dims, &theirs.keys);
        let check = |g: usize| !tree.dominated(mine.keys(g));
        if mine.len() > 4096 {
            (0..mine.len()).into_par_iter().map(check).collect()
        } else {
            (0..mine.len()).map(check).collect()
        }
    };
    let keep_a = survivors(&a, &b);
    let keep_b = survivors(&b, &a);
    let mut keys = Vec::with_capacity(a.keys.len() + b.keys.len());
    let mut groups = Vec::with_capacity(a.groups.len() + b.groups.len());
    let a_keys = a.keys;
    let b_keys = b.keys;
    let mut ia = a.groups.into_iter().enumerate().filter(|(g, _)| keep_a[*g]).peekable();
    let mut ib = b.groups.into_iter().enumerate().filter(|(g, _)| keep_b[*g]).peekable();
    loop {
        let order = match (ia.peek(), ib.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((x, _)), Some((y, _))) => {
                lex_desc(&a_keys[x * dims..(x + 1) * dims], &b_keys[y * dims..(y + 1) * dims])
            }
        };
        match order {
            Ordering::Less => {
                if let Some((g, group)) = ia.next() {
                    keys.extend_from_slice(&a_keys[g * dims..(g + 1) * dims]);
                    groups.push(group);
                }
            }
            Ordering::Greater => {
                if let Some((g, group)) = ib.next() {
                    keys.extend_from_slice(&b_keys[g * dims..(g + 1) * dims]);
                    groups.push(group);
                }
            }
            Ordering::Equal => {
                if let (Some((g, mut group)), Some((_, other))) = (ia.next(), ib.next()) {
                    group.absorb(other, cap);
                    keys.extend_from_slice(&a_keys[g * dims..(g + 1) * dims]);
                    groups.push(group);
                }
            }
        }
    }
    Front { dims, keys, groups }
}

/// A static k-d tree over rows of keys, answering "does some row dominate this one?"; each node
/// keeps the largest key of its rows per party, and a subtree whose maxima fall short of the query
/// in some party is skipped.
struct KdTree<'a> {
    dims: usize,
    rows: &'a [i64],
    order: Vec<u32>,
    /// Per node: its range of `order`, and its children (`u32::MAX` for a leaf).
    nodes: Vec<(u32, u32, u32, u32)>,
    /// Per node, the maxima (`dims` keys).
    maxima: Vec<i64>,
}

/// The most rows in a k-d tree leaf.
const LEAF_ROWS: usize = 16;

impl<'a> KdTree<'a> {
    fn new(dims: usize, rows: &'a [i64]) -> KdTree<'a> {
        let n = rows.len() / dims.max(1);
        let mut tree = KdTree {
            dims,
            rows,
            order: (0..n as u32).collect(),
            nodes: Vec::new(),
            maxima: Vec::new(),
        };
        if n > 0 {
            tree.build(0, n, 0);
        }
        tree
    }

    fn build(&mut self, lo: usize, hi: usize, depth: usize) -> u32 {
        let dims = self.dims;
        let node = self.nodes.len();
        self.nodes.push((lo as u32, hi as u32, u32::MAX, u32::MAX));
        let start = self.maxima.len();
        self.maxima.extend(std::iter::repeat_n(i64::MIN, dims));
        for &row in &self.order[lo..hi] {
            let row = row as usize;
            for axis in 0..dims {
                let value = self.rows[row * dims + axis];
                if value > self.maxima[start + axis] {
                    self.maxima[start + axis] = value;
                }
            }
        }
        if hi - lo > LEAF_ROWS {
            let axis = depth % dims;
            let mid = lo + (hi - lo) / 2;
            let rows = self.rows;
            self.order[lo..hi]
                .select_nth_unstable_by_key(mid - lo, |&row| rows[row as usize * dims + axis]);
            let left = self.build(lo, mid, depth + 1);
            let right = self.build(mid, hi, depth + 1);
            self.nodes[node].2 = left;
            self.nodes[node].3 = right;
        }
        node as u32
    }

    /// Whether some row dominates `candidate`.
    fn dominated(&self, candidate: &[i64]) -> bool {
        if self.nodes.is_empty() {
            return false;
        }
        let dims = self.dims;
        let mut stack: Vec<u32> = Vec::with_capacity(64);
        stack.push(0);
        while let Some(node) = stack.pop() {
            let node = node as usize;
            let maxima = &self.maxima[node * dims..(node + 1) * dims];
            if maxima.iter().zip(candidate).any(|(top, want)| top < want) {
                continue;
            }
            let (lo, hi, left, right) = self.nodes[node];
            if left == u32::MAX {
                for &row in &self.order[lo as usize..hi as usize] {
                    let row = row as usize;
                    if dominates(&self.rows[row * dims..(row + 1) * dims], candidate) {
                        return true;
                    }
                }
            } else {
                stack.push(right);
                stack.push(left);
            }
        }
        false
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
        for dims in 2..=5 {
            for seed in 0..300u64 {
                let mut state = seed * 7 + dims as u64;
                // Small sets with many ties, larger ones (to reach the k-d tree paths), and sets
                // where every point is nearly efficient (keys summing to about a constant).
                let n = match seed % 3 {
                    0 => 1 + (lcg(&mut state) % 60) as usize,
                    _ => 100 + (lcg(&mut state) % 400) as usize,
                };
                let range = 1 + lcg(&mut state) % if seed % 3 == 0 { 6 } else { 40 };
                let simplex = seed % 5 == 4;
                let points: Vec<(Vec<i64>, u64)> = (0..n)
                    .map(|i| {
                        let mut keys: Vec<i64> =
                            (0..dims).map(|_| (lcg(&mut state) % range) as i64).collect();
                        if simplex {
                            let sum: i64 = keys[..dims - 1].iter().sum();
                            keys[dims - 1] = 40 * dims as i64 - sum + (lcg(&mut state) % 3) as i64;
                        }
                        (keys, i as u64)
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
                assert_eq!(listed(&build(&points)), expected, "dims {dims} seed {seed}");
            }
        }
    }
}
