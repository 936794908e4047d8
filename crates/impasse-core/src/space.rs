//! The outcome space: the Cartesian product of the issues' values, indexed in mixed radix.
//!
//! Outcome `i` is decoded with the last issue varying fastest (the order of NegMAS's and
//! `itertools`' products), so `0` is the package of every issue's first value.

/// The shape of an outcome space: how many values each issue has.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OutcomeSpace {
    radices: Vec<u32>,
    strides: Vec<u64>,
    size: Option<u64>,
}

impl OutcomeSpace {
    /// The space of packages over issues with the given numbers of values.
    pub fn new(radices: Vec<u32>) -> OutcomeSpace {
        let mut strides = vec![0u64; radices.len()];
        let mut size: Option<u64> = Some(1);
        for (idx, &radix) in radices.iter().enumerate().rev() {
            strides[idx] = size.unwrap_or(0);
            size = size.and_then(|size| size.checked_mul(u64::from(radix)));
        }
        OutcomeSpace { radices, strides, size }
    }

    /// The number of values of each issue.
    pub fn radices(&self) -> &[u32] {
        &self.radices
    }

    /// The number of issues.
    pub fn n_issues(&self) -> usize {
        self.radices.len()
    }

    /// The number of outcomes, or `None` when it does not fit in a `u64`.
    pub fn size(&self) -> Option<u64> {
        self.size
    }

    /// The number of outcomes as a float (never overflows; for reporting huge spaces).
    pub fn size_f64(&self) -> f64 {
        self.radices.iter().map(|&radix| f64::from(radix)).product()
    }

    /// Writes the value indices of outcome `index` into `out` (`out.len()` must be the number of
    /// issues and `index` below [`OutcomeSpace::size`]).
    pub fn decode(&self, index: u64, out: &mut [u32]) {
        debug_assert_eq!(out.len(), self.radices.len());
        let mut rest = index;
        for (slot, &stride) in out.iter_mut().zip(&self.strides) {
            *slot = (rest / stride) as u32;
            rest %= stride;
        }
    }

    /// The index of a package (inverse of [`OutcomeSpace::decode`]).
    pub fn encode(&self, outcome: &[u32]) -> u64 {
        outcome.iter().zip(&self.strides).map(|(&value, &stride)| u64::from(value) * stride).sum()
    }

    /// Iterates over the outcomes with indices in `start..end`, in index order.
    pub fn range(&self, start: u64, end: u64) -> Outcomes {
        let mut current = vec![0; self.radices.len()];
        if start < end {
            self.decode(start, &mut current);
        }
        Outcomes { radices: self.radices.clone(), current, next_index: start, end, started: false }
    }
}

/// A streaming iterator over a range of outcomes, advancing like an odometer.
///
/// It does not implement [`Iterator`] because each item borrows the iterator's buffer; use
/// `while let Some((index, outcome)) = outcomes.next_outcome()`.
#[derive(Debug)]
pub struct Outcomes {
    radices: Vec<u32>,
    current: Vec<u32>,
    next_index: u64,
    end: u64,
    started: bool,
}

impl Outcomes {
    /// The next outcome and its index, or `None` at the end of the range.
    pub fn next_outcome(&mut self) -> Option<(u64, &[u32])> {
        if self.next_index >= self.end {
            return None;
        }
        if self.started {
            for slot in (0..self.current.len()).rev() {
                self.current[slot] += 1;
                if self.current[slot] < self.radices[slot] {
                    break;
                }
                self.current[slot] = 0;
            }
        }
        self.started = true;
        let index = self.next_index;
        self.next_index += 1;
        Some((index, &self.current))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odometer_matches_decode() {
        let space = OutcomeSpace::new(vec![3, 1, 4, 2]);
        assert_eq!(space.size(), Some(24));
        let mut outcomes = space.range(5, 24);
        let mut buf = vec![0; 4];
        let mut seen = 0;
        while let Some((index, outcome)) = outcomes.next_outcome() {
            space.decode(index, &mut buf);
            assert_eq!(outcome, &buf[..]);
            assert_eq!(space.encode(outcome), index);
            seen += 1;
        }
        assert_eq!(seen, 19);
        space.decode(0, &mut buf);
        assert_eq!(buf, vec![0, 0, 0, 0]);
        space.decode(1, &mut buf);
        assert_eq!(buf, vec![0, 0, 0, 1]);
    }

    #[test]
    fn overflowing_sizes_are_reported() {
        let space = OutcomeSpace::new(vec![1 << 20; 4]);
        assert_eq!(space.size(), None);
        assert!(space.size_f64() > 1e24);
    }
}
