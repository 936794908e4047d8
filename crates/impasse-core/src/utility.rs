//! A party's utility over packages: linear-additive terms plus non-additive bonuses and penalties.
//!
//! `u(x) = min(cap, offset + Σ_j w_j·v_j(x_j) + Σ_k b_k·[condition_k(x)])`
//!
//! The additive part covers Raiffa's scoring template and GENIUS's linear-additive profiles (whose
//! per-issue evaluations are divided by the issue maximum before they reach this type). The terms
//! cover combinations of values worth more or less than their parts, including GENIUS
//! hyper-rectangle profiles. The optional cap reproduces GENIUS's clamp of utilities to at most 1.

use crate::expr::Expr;

/// A bonus (positive) or penalty (negative) added when a condition on the package holds.
#[derive(Clone, PartialEq, Debug)]
pub struct Term {
    /// A human-readable label (the condition as written, or the GENIUS rectangle it came from).
    pub label: String,
    /// When the term applies.
    pub condition: Expr,
    /// The amount added to the utility when it applies.
    pub value: f64,
}

/// One party's utility function.
#[derive(Clone, PartialEq, Debug)]
pub struct Utility {
    weights: Vec<f64>,
    values: Vec<Vec<f64>>,
    tables: Vec<Vec<f64>>,
    terms: Vec<Term>,
    offset: f64,
    cap: Option<f64>,
}

impl Utility {
    /// A utility with per-issue `weights` and per-value scores `values[issue][value]`.
    ///
    /// `weights.len()` must equal `values.len()`; the scenario constructor checks that both match
    /// the issues.
    pub fn new(weights: Vec<f64>, values: Vec<Vec<f64>>) -> Utility {
        assert_eq!(weights.len(), values.len(), "one weight per issue value table");
        let tables = weights
            .iter()
            .zip(&values)
            .map(|(&weight, scores)| scores.iter().map(|&score| weight * score).collect())
            .collect();
        Utility { weights, values, tables, terms: Vec::new(), offset: 0.0, cap: None }
    }

    /// Adds non-additive terms.
    pub fn with_terms(mut self, terms: Vec<Term>) -> Utility {
        self.terms = terms;
        self
    }

    /// Adds a constant.
    pub fn with_offset(mut self, offset: f64) -> Utility {
        self.offset = offset;
        self
    }

    /// Caps the utility from above (GENIUS clamps at 1).
    pub fn with_cap(mut self, cap: Option<f64>) -> Utility {
        self.cap = cap;
        self
    }

    /// The issue weights.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The unweighted per-value scores, `values()[issue][value]`.
    pub fn values(&self) -> &[Vec<f64>] {
        &self.values
    }

    /// The weighted per-value contributions, `tables()[issue][value] = w·v`.
    pub fn tables(&self) -> &[Vec<f64>] {
        &self.tables
    }

    /// The non-additive terms.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The constant added to every package.
    pub fn offset(&self) -> f64 {
        self.offset
    }

    /// The cap, if any.
    pub fn cap(&self) -> Option<f64> {
        self.cap
    }

    /// Whether the utility is linear-additive (no terms, no cap).
    pub fn is_additive(&self) -> bool {
        self.terms.is_empty() && self.cap.is_none()
    }

    /// Bounds `(lowest, highest)` on the utility of any package: the offset plus every issue's
    /// smallest (largest) contribution plus every negative (positive) term, with the cap applied
    /// to both. Exact for linear-additive utilities; with terms, the bounds may be loose (not every
    /// combination of terms may be attainable). `(offset, offset)` with no issues.
    pub fn bounds(&self) -> (f64, f64) {
        let (mut low, mut high) = (self.offset, self.offset);
        for table in &self.tables {
            low += table.iter().copied().fold(f64::INFINITY, f64::min);
            high += table.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        }
        for term in &self.terms {
            if term.value < 0.0 {
                low += term.value;
            } else {
                high += term.value;
            }
        }
        match self.cap {
            Some(cap) => (low.min(cap), high.min(cap)),
            None => (low, high),
        }
    }

    /// The utility of a complete package.
    #[inline]
    pub fn eval(&self, outcome: &[u32]) -> f64 {
        let mut total = self.offset;
        for (table, &value) in self.tables.iter().zip(outcome) {
            total += table[value as usize];
        }
        for term in &self.terms {
            if term.condition.eval(outcome) {
                total += term.value;
            }
        }
        match self.cap {
            Some(cap) if total > cap => cap,
            _ => total,
        }
    }

    /// Whether two values of an issue are interchangeable for this utility: same contribution and
    /// no term distinguishes them.
    pub fn same_on(&self, issue: usize, a: u32, b: u32) -> bool {
        if self.tables[issue][a as usize].to_bits() != self.tables[issue][b as usize].to_bits() {
            return false;
        }
        let mut same = true;
        for term in &self.terms {
            term.condition.for_each_atom(&mut |atom_issue, allowed| {
                if atom_issue == issue && allowed.contains(a) != allowed.contains(b) {
                    same = false;
                }
            });
        }
        same
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::ValueSet;

    #[test]
    fn additive_terms_and_cap() {
        let utility = Utility::new(vec![0.6, 0.4], vec![vec![0.0, 1.0], vec![1.0, 0.5, 0.0]])
            .with_terms(vec![Term {
                label: "both".into(),
                condition: Expr::And(vec![
                    Expr::Atom { issue: 0, allowed: ValueSet::from_indices(2, [1]) },
                    Expr::Atom { issue: 1, allowed: ValueSet::from_indices(3, [0]) },
                ]),
                value: 0.5,
            }])
            .with_cap(Some(1.0));
        assert!((utility.eval(&[1, 1]) - 0.8).abs() < 1e-12);
        assert_eq!(utility.eval(&[1, 0]), 1.0);
        assert!((utility.eval(&[0, 0]) - 0.4).abs() < 1e-12);
        assert!(!utility.same_on(1, 0, 1));
        assert!(!utility.is_additive());
        assert_eq!(utility.bounds(), (0.0, 1.0));
        let plain =
            Utility::new(vec![2.0, 1.0], vec![vec![-1.0, 3.0], vec![0.5, 0.25]]).with_offset(1.0);
        assert_eq!(plain.bounds(), (1.0 - 2.0 + 0.25, 1.0 + 6.0 + 0.5));
    }
}
