//! Exact boundaries of monotone predicates over non-negative floats, and unions of closed
//! intervals of floats.
//!
//! Acceptability as a function of the balance (or of a cost) is a threshold: a party's reservation
//! value moves linearly, and the package is acceptable while `key(value) >= key(reservation)`.
//! Rather than solving for the threshold in real arithmetic, which could disagree with the zone's
//! own test by an ulp, the boundary is located on the floats themselves: an analytic guess, a
//! galloping bracket around it, then bisection on the bit patterns (non-negative floats are ordered
//! like their bits). The result is the last float at which the predicate holds.

/// The largest float `x` in `[lo, hi)` such that `holds(x)`, given `holds(lo)` and `!holds(hi)`
/// and that `holds` switches once between them; `guess` is a starting estimate (any value, even
/// NaN). `lo` and `hi` must be non-negative and finite.
pub(super) fn last_true(lo: f64, hi: f64, guess: f64, holds: impl Fn(f64) -> bool) -> f64 {
    let mut low = lo.to_bits();
    let mut high = hi.to_bits();
    if guess.is_finite() && guess > lo && guess < hi {
        let start = guess.to_bits();
        if low < start && start < high {
            if holds(guess) {
                low = start;
                let mut step = 1u64;
                while high - low > 1 {
                    let probe = low.saturating_add(step).min(high - 1);
                    if probe <= low {
                        break;
                    }
                    if holds(f64::from_bits(probe)) {
                        low = probe;
                        step = step.saturating_mul(2);
                    } else {
                        high = probe;
                        break;
                    }
                }
            } else {
                high = start;
                let mut step = 1u64;
                while high - low > 1 {
                    let probe = high.saturating_sub(step).max(low + 1);
                    if probe >= high {
                        break;
                    }
                    if holds(f64::from_bits(probe)) {
                        low = probe;
                        break;
                    }
                    high = probe;
                    step = step.saturating_mul(2);
                }
            }
        }
    }
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if holds(f64::from_bits(middle)) {
            low = middle;
        } else {
            high = middle;
        }
    }
    f64::from_bits(low)
}

/// The smallest float `x` in `(lo, hi]` such that `holds(x)`, given `!holds(lo)` and `holds(hi)`.
pub(super) fn first_true(lo: f64, hi: f64, guess: f64, holds: impl Fn(f64) -> bool) -> f64 {
    last_true(lo, hi, guess, |x| !holds(x)).next_up()
}

/// A union of closed intervals of floats, kept sorted and merged: no two intervals overlap or are
/// adjacent (no float lies between them).
#[derive(Clone, Default, Debug, PartialEq)]
pub(super) struct IntervalUnion {
    intervals: Vec<(f64, f64)>,
}

impl IntervalUnion {
    /// The intervals, in increasing order.
    pub(super) fn intervals(&self) -> &[(f64, f64)] {
        &self.intervals
    }

    /// Adds `[low, high]` (ignored when empty or NaN). Allocation-free when it is already covered.
    pub(super) fn insert(&mut self, low: f64, high: f64) {
        if low.is_nan() || high.is_nan() || low > high {
            return;
        }
        // The first interval that reaches `low` or touches it.
        let start = self.intervals.partition_point(|&(_, end)| end.next_up() < low);
        let mut new_low = low;
        let mut new_high = high;
        let mut end = start;
        while end < self.intervals.len() && self.intervals[end].0 <= new_high.next_up() {
            new_low = new_low.min(self.intervals[end].0);
            new_high = new_high.max(self.intervals[end].1);
            end += 1;
        }
        if end == start {
            self.intervals.insert(start, (new_low, new_high));
        } else {
            self.intervals[start] = (new_low, new_high);
            self.intervals.drain(start + 1..end);
        }
    }

    /// Whether `[low, high]` lies inside one interval of the union.
    pub(super) fn covers(&self, low: f64, high: f64) -> bool {
        let idx = self.intervals.partition_point(|&(start, _)| start <= low);
        idx > 0 && self.intervals[idx - 1].1 >= high
    }

    /// Adds every interval of `other`.
    pub(super) fn extend(&mut self, other: &IntervalUnion) {
        for &(low, high) in &other.intervals {
            self.insert(low, high);
        }
    }

    /// The point of the union nearest to `x` (the lower one on a tie), if the union is not empty.
    pub(super) fn nearest(&self, x: f64) -> Option<f64> {
        let mut best: Option<(f64, f64)> = None;
        for &(low, high) in &self.intervals {
            let (point, distance) = if x < low {
                (low, low - x)
            } else if x > high {
                (high, x - high)
            } else {
                (x, 0.0)
            };
            if best.is_none_or(|(_, best_distance)| distance < best_distance) {
                best = Some((point, distance));
            }
        }
        best.map(|(point, _)| point)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_are_exact_floats() {
        for threshold in
            [0.0, 1e-300, 0.3, 0.5, 0.7000000000000001, 0.999_999_999, 1.0f64.next_down()]
        {
            for guess in [f64::NAN, 0.0, threshold, 0.5, 2.0, threshold.next_up(), 1e-9] {
                let found = last_true(0.0, 1.0, guess, |x| x <= threshold);
                assert_eq!(found, threshold, "threshold {threshold}, guess {guess}");
                let found = first_true(0.0, 1.0, guess, |x| x > threshold);
                assert_eq!(found, threshold.next_up(), "threshold {threshold}, guess {guess}");
            }
        }
        assert_eq!(last_true(0.0, 1e300, 3.0, |x| x < 1e10), 1e10f64.next_down());
    }

    #[test]
    fn unions_merge_touching_intervals() {
        let mut union = IntervalUnion::default();
        union.insert(0.5, 0.6);
        union.insert(0.1, 0.2);
        union.insert(0.3, 0.3);
        union.insert(0.55, 0.58);
        assert_eq!(union.intervals(), &[(0.1, 0.2), (0.3, 0.3), (0.5, 0.6)]);
        union.insert(0.2f64.next_up(), 0.25);
        assert_eq!(union.intervals(), &[(0.1, 0.25), (0.3, 0.3), (0.5, 0.6)]);
        union.insert(0.25, 0.5);
        assert_eq!(union.intervals(), &[(0.1, 0.6)]);
        union.insert(f64::NAN, 1.0);
        union.insert(0.9, 0.8);
        assert_eq!(union.intervals(), &[(0.1, 0.6)]);
        assert!(union.covers(0.1, 0.6) && union.covers(0.3, 0.3));
        assert!(!union.covers(0.0, 0.2) && !union.covers(0.5, 0.7));
        assert_eq!(union.nearest(0.0), Some(0.1));
        assert_eq!(union.nearest(0.3), Some(0.3));
        assert_eq!(union.nearest(0.9), Some(0.6));
        let mut two = IntervalUnion::default();
        two.insert(0.0, 0.25);
        two.insert(0.75, 1.0);
        assert_eq!(two.nearest(0.5), Some(0.25), "ties go to the lower point");
        assert_eq!(IntervalUnion::default().nearest(0.4), None);
        let mut merged = union.clone();
        merged.extend(&two);
        assert_eq!(merged.intervals(), &[(0.0, 0.6), (0.75, 1.0)]);
    }
}
