//! Constraints over packages: boolean formulas whose atoms restrict one issue to a set of values.
//!
//! The scenario language (`crimea == "ukraine" and sanctions < "lifted"`) is parsed by
//! `impasse-format`; every comparison of an issue with a literal becomes an [`Expr::Atom`] holding
//! the set of value indices for which the comparison is true. Evaluation is therefore a bit test per
//! atom, and analyses can reason about which issues a constraint touches.

use std::collections::BTreeSet;

/// A set of value indices of one issue, stored as a bit set.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct ValueSet {
    len: u32,
    words: Vec<u64>,
}

impl ValueSet {
    /// The empty set over an issue with `len` values.
    pub fn empty(len: u32) -> ValueSet {
        ValueSet { len, words: vec![0; (len as usize).div_ceil(64)] }
    }

    /// The set of all `len` values.
    pub fn full(len: u32) -> ValueSet {
        let mut set = ValueSet::empty(len);
        for idx in 0..len {
            set.insert(idx);
        }
        set
    }

    /// The set holding the given indices; indices `>= len` are ignored.
    pub fn from_indices(len: u32, indices: impl IntoIterator<Item = u32>) -> ValueSet {
        let mut set = ValueSet::empty(len);
        for idx in indices {
            if idx < len {
                set.insert(idx);
            }
        }
        set
    }

    /// The set of indices `idx < len` for which `pred(idx)` holds.
    pub fn from_predicate(len: u32, mut pred: impl FnMut(u32) -> bool) -> ValueSet {
        ValueSet::from_indices(len, (0..len).filter(|&idx| pred(idx)))
    }

    /// The number of values of the issue this set ranges over.
    pub fn universe(&self) -> u32 {
        self.len
    }

    /// Adds `idx` (which must be below the universe size).
    pub fn insert(&mut self, idx: u32) {
        assert!(idx < self.len, "value index {idx} out of range 0..{}", self.len);
        self.words[(idx / 64) as usize] |= 1 << (idx % 64);
    }

    /// Whether `idx` is in the set; indices outside the universe are never members.
    #[inline]
    pub fn contains(&self, idx: u32) -> bool {
        idx < self.len && (self.words[(idx / 64) as usize] >> (idx % 64)) & 1 == 1
    }

    /// The number of members.
    pub fn count(&self) -> u32 {
        self.words.iter().map(|word| word.count_ones()).sum()
    }

    /// The members in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len).filter(|&idx| self.contains(idx))
    }

    /// The complement within the universe.
    pub fn complement(&self) -> ValueSet {
        ValueSet::from_predicate(self.len, |idx| !self.contains(idx))
    }
}

/// A boolean formula over packages.
#[derive(Clone, PartialEq, Debug)]
pub enum Expr {
    /// Always true.
    True,
    /// Always false.
    False,
    /// True when the value of issue `issue` is in `allowed`.
    Atom {
        /// Index of the issue in the scenario.
        issue: usize,
        /// The values for which the atom holds.
        allowed: ValueSet,
    },
    /// Negation.
    Not(Box<Expr>),
    /// Conjunction; true when empty.
    And(Vec<Expr>),
    /// Disjunction; false when empty.
    Or(Vec<Expr>),
}

impl Expr {
    /// Evaluates the formula on a complete package (one value index per issue).
    pub fn eval(&self, outcome: &[u32]) -> bool {
        match self {
            Expr::True => true,
            Expr::False => false,
            Expr::Atom { issue, allowed } => allowed.contains(outcome[*issue]),
            Expr::Not(inner) => !inner.eval(outcome),
            Expr::And(parts) => parts.iter().all(|part| part.eval(outcome)),
            Expr::Or(parts) => parts.iter().any(|part| part.eval(outcome)),
        }
    }

    /// Evaluates the formula on a partial package (`None` for an unspecified issue), in three-valued
    /// logic: `Some(b)` when every completion gives `b`, `None` when it depends on the completion.
    ///
    /// The answer is exact for formulas in which each issue appears in at most one atom; otherwise
    /// `None` may be returned where every completion in fact agrees.
    pub fn eval_partial(&self, package: &[Option<u32>]) -> Option<bool> {
        match self {
            Expr::True => Some(true),
            Expr::False => Some(false),
            Expr::Atom { issue, allowed } => match package[*issue] {
                Some(value) => Some(allowed.contains(value)),
                None if allowed.count() == 0 => Some(false),
                None if allowed.count() == allowed.universe() => Some(true),
                None => None,
            },
            Expr::Not(inner) => inner.eval_partial(package).map(|value| !value),
            Expr::And(parts) => {
                let mut unknown = false;
                for part in parts {
                    match part.eval_partial(package) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                if unknown { None } else { Some(true) }
            }
            Expr::Or(parts) => {
                let mut unknown = false;
                for part in parts {
                    match part.eval_partial(package) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                if unknown { None } else { Some(false) }
            }
        }
    }

    /// The indices of the issues the formula mentions.
    pub fn issues(&self) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        self.collect_issues(&mut out);
        out
    }

    fn collect_issues(&self, out: &mut BTreeSet<usize>) {
        match self {
            Expr::True | Expr::False => {}
            Expr::Atom { issue, .. } => {
                out.insert(*issue);
            }
            Expr::Not(inner) => inner.collect_issues(out),
            Expr::And(parts) | Expr::Or(parts) => {
                parts.iter().for_each(|part| part.collect_issues(out))
            }
        }
    }

    /// Visits every atom as `(issue, allowed)`.
    pub fn for_each_atom(&self, visit: &mut dyn FnMut(usize, &ValueSet)) {
        match self {
            Expr::True | Expr::False => {}
            Expr::Atom { issue, allowed } => visit(*issue, allowed),
            Expr::Not(inner) => inner.for_each_atom(visit),
            Expr::And(parts) | Expr::Or(parts) => {
                parts.iter().for_each(|part| part.for_each_atom(visit))
            }
        }
    }

    /// Rewrites every atom's value set with `map(issue, allowed)`; used to project a formula onto
    /// merged value classes.
    pub fn map_atoms(&self, map: &mut dyn FnMut(usize, &ValueSet) -> ValueSet) -> Expr {
        match self {
            Expr::True => Expr::True,
            Expr::False => Expr::False,
            Expr::Atom { issue, allowed } => {
                Expr::Atom { issue: *issue, allowed: map(*issue, allowed) }
            }
            Expr::Not(inner) => Expr::Not(Box::new(inner.map_atoms(map))),
            Expr::And(parts) => Expr::And(parts.iter().map(|part| part.map_atoms(map)).collect()),
            Expr::Or(parts) => Expr::Or(parts.iter().map(|part| part.map_atoms(map)).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(issue: usize, len: u32, values: &[u32]) -> Expr {
        Expr::Atom { issue, allowed: ValueSet::from_indices(len, values.iter().copied()) }
    }

    #[test]
    fn value_set_basics() {
        let set = ValueSet::from_indices(70, [0, 3, 69, 80]);
        assert_eq!(set.count(), 3);
        assert!(set.contains(69) && !set.contains(68) && !set.contains(80));
        assert_eq!(set.complement().count(), 67);
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![0, 3, 69]);
    }

    #[test]
    fn partial_evaluation_is_three_valued() {
        let expr = Expr::And(vec![atom(0, 3, &[0]), Expr::Not(Box::new(atom(1, 2, &[1])))]);
        assert_eq!(expr.eval_partial(&[Some(0), None]), None);
        assert_eq!(expr.eval_partial(&[Some(1), None]), Some(false));
        assert_eq!(expr.eval_partial(&[Some(0), Some(0)]), Some(true));
        assert!(expr.eval(&[0, 0]));
        assert_eq!(expr.issues().into_iter().collect::<Vec<_>>(), vec![0, 1]);
    }
}
