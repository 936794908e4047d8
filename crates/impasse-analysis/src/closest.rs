//! The packages closest to agreement: a bounded top-k by shortfall, kept per chunk and merged.
//!
//! A package's shortfall for party `i` is how far its utility after penalties falls below the
//! reservation value, measured in tie keys: `max(0, key(r_i) − key(u_i − pen_i))`. Packages are
//! ranked by their worst shortfall, then their total shortfall, then their index, so the top-k is
//! unique and does not depend on how the space was cut into chunks.

use std::collections::BinaryHeap;

/// A candidate: its rank and index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Near {
    /// The largest per-party shortfall, in tie keys.
    pub(crate) worst: i64,
    /// The sum of the shortfalls, in tie keys.
    pub(crate) total: i128,
    /// The class outcome index.
    pub(crate) index: u64,
}

impl Near {
    /// The rank of a package with per-party keys `net` (after penalties) against reservation keys.
    #[inline]
    pub(crate) fn new(net: &[i64], reservation: &[i64], index: u64) -> Near {
        let mut worst = 0i64;
        let mut total = 0i128;
        for (&value, &floor) in net.iter().zip(reservation) {
            let short = floor.saturating_sub(value).max(0);
            worst = worst.max(short);
            total += i128::from(short);
        }
        Near { worst, total, index }
    }
}

/// The `k` smallest candidates seen.
#[derive(Clone, Debug)]
pub(crate) struct TopK {
    k: usize,
    heap: BinaryHeap<Near>,
}

impl TopK {
    /// An empty top-`k`.
    pub(crate) fn new(k: usize) -> TopK {
        TopK { k, heap: BinaryHeap::new() }
    }

    /// Whether a package whose worst shortfall is `worst` could enter.
    #[inline]
    pub(crate) fn wants(&self, worst: i64) -> bool {
        self.k > 0
            && (self.heap.len() < self.k || self.heap.peek().is_none_or(|top| worst <= top.worst))
    }

    /// Offers a candidate.
    #[inline]
    pub(crate) fn offer(&mut self, near: Near) {
        if self.k == 0 {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(near);
        } else if self.heap.peek().is_some_and(|top| near < *top) {
            self.heap.pop();
            self.heap.push(near);
        }
    }

    /// Both top-k's merged.
    pub(crate) fn merge(mut self, other: TopK) -> TopK {
        for near in other.heap {
            self.offer(near);
        }
        self
    }

    /// The candidates, best first.
    pub(crate) fn into_sorted(self) -> Vec<Near> {
        self.heap.into_sorted_vec()
    }
}
