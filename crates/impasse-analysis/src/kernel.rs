//! Fast evaluation of class outcomes, for the streaming passes.
//!
//! [`Kernel`] compiles a [`Prepared`] scenario into flat per-issue tables: every party's weighted
//! contribution of every value class, and bit masks for every condition (utility term, red line,
//! precondition) that is a conjunction of per-issue restrictions (the usual shape: GENIUS
//! hyper-rectangles, `a == "x" and b < 3`). A condition holds when its bit survives the AND of the
//! masks of the outcome's values. Other conditions fall back to [`Expr::eval`].
//!
//! A [`Scanner`] walks a range of the class space like an odometer and keeps per-issue prefix sums
//! and prefix masks, so moving to the next outcome recomputes only the issues that changed; the
//! last issue, which changes fastest, runs in a tight inner loop. The sums are accumulated in the same order as
//! [`impasse_core::Utility::eval`] (offset, issues in order, terms in order, then the cap), so the
//! utilities are bit-for-bit those of the scenario's own evaluation.

use impasse_core::{CrossingCost, Expr, Ties, ValueSet};

use crate::prepared::Prepared;

/// A condition compiled for fast evaluation.
#[derive(Clone, Debug)]
enum Cond {
    /// Always true or always false.
    Const(bool),
    /// A conjunction of per-issue restrictions, evaluated as bit `n` of the prefix masks.
    Bit(u32),
    /// Anything else, evaluated on the class outcome.
    Expr(Expr),
}

/// The compiled scenario.
#[derive(Debug)]
pub(crate) struct Kernel {
    n_issues: usize,
    n_parties: usize,
    radices: Vec<u32>,
    /// `tab[tab_off[issue] + value * n_parties + party]`: the party's weighted contribution.
    tab: Vec<f64>,
    tab_off: Vec<usize>,
    offsets: Vec<f64>,
    caps: Vec<Option<f64>>,
    /// Number of 64-bit words of condition bits (0 when no condition compiled to a bit).
    words: usize,
    /// `masks[mask_off[issue] + value * words + word]`.
    masks: Vec<u64>,
    mask_off: Vec<usize>,
    /// Per issue, the size of each value class.
    class_sizes: Vec<Vec<u128>>,
    unit_weights: bool,
    /// Per party, its terms in order.
    terms: Vec<Vec<(Cond, f64)>>,
    /// Per party, when every term is a bit: the bit range, to iterate over set bits only.
    term_bits: Vec<Option<(u32, u32)>>,
    /// The value of each bit that stands for a utility term.
    bit_values: Vec<f64>,
    /// Per party, its finite red lines in scenario order with their cost.
    penalties: Vec<Vec<(Cond, f64)>>,
    /// Absolute red lines and preconditions.
    hard: Vec<Cond>,
    /// Whether some party holds a finite red line.
    has_penalties: bool,
    /// Whether utilities are the additive tables alone: no term, cap, red line or precondition.
    plain: bool,
    /// The scenario's tie rule.
    ties: Ties,
}

/// Per-issue restrictions whose conjunction a condition is, or a constant.
enum Conj {
    Const(bool),
    /// Sorted by issue, one set per issue, none full or empty.
    Atoms(Vec<(usize, ValueSet)>),
}

fn normalise(mut atoms: Vec<(usize, ValueSet)>) -> Conj {
    atoms.sort_by_key(|(issue, _)| *issue);
    let mut merged: Vec<(usize, ValueSet)> = Vec::with_capacity(atoms.len());
    for (issue, set) in atoms {
        match merged.last_mut() {
            Some((last, existing)) if *last == issue => {
                *existing = ValueSet::from_predicate(existing.universe(), |value| {
                    existing.contains(value) && set.contains(value)
                });
            }
            _ => merged.push((issue, set)),
        }
    }
    if merged.iter().any(|(_, set)| set.count() == 0) {
        return Conj::Const(false);
    }
    merged.retain(|(_, set)| set.count() != set.universe());
    if merged.is_empty() { Conj::Const(true) } else { Conj::Atoms(merged) }
}

/// Recognises conjunctions of per-issue restrictions (through `and`, `not` of an atom, De Morgan,
/// and `or` of restrictions of one issue). `None` for anything else.
fn conjunction(expr: &Expr) -> Option<Conj> {
    match expr {
        Expr::True => Some(Conj::Const(true)),
        Expr::False => Some(Conj::Const(false)),
        Expr::Atom { issue, allowed } => Some(normalise(vec![(*issue, allowed.clone())])),
        Expr::And(parts) => {
            let mut atoms = Vec::new();
            for part in parts {
                match conjunction(part)? {
                    Conj::Const(true) => {}
                    Conj::Const(false) => return Some(Conj::Const(false)),
                    Conj::Atoms(more) => atoms.extend(more),
                }
            }
            Some(normalise(atoms))
        }
        Expr::Not(inner) => match inner.as_ref() {
            Expr::True => Some(Conj::Const(false)),
            Expr::False => Some(Conj::Const(true)),
            Expr::Atom { issue, allowed } => Some(normalise(vec![(*issue, allowed.complement())])),
            Expr::Not(twice) => conjunction(twice),
            Expr::Or(parts) => conjunction(&Expr::And(
                parts.iter().map(|part| Expr::Not(Box::new(part.clone()))).collect(),
            )),
            Expr::And(_) => match conjunction(inner)? {
                Conj::Const(value) => Some(Conj::Const(!value)),
                Conj::Atoms(atoms) if atoms.len() == 1 => {
                    let (issue, set) = &atoms[0];
                    Some(normalise(vec![(*issue, set.complement())]))
                }
                Conj::Atoms(_) => None,
            },
        },
        Expr::Or(parts) => {
            let mut union: Option<(usize, ValueSet)> = None;
            for part in parts {
                match conjunction(part)? {
                    Conj::Const(true) => return Some(Conj::Const(true)),
                    Conj::Const(false) => {}
                    Conj::Atoms(atoms) => {
                        if atoms.len() != 1 {
                            return None;
                        }
                        let (issue, set) = &atoms[0];
                        union = match union {
                            None => Some((*issue, set.clone())),
                            Some((existing, acc)) if existing == *issue => Some((
                                existing,
                                ValueSet::from_predicate(acc.universe(), |value| {
                                    acc.contains(value) || set.contains(value)
                                }),
                            )),
                            Some(_) => return None,
                        };
                    }
                }
            }
            match union {
                None => Some(Conj::Const(false)),
                Some(atom) => Some(normalise(vec![atom])),
            }
        }
    }
}

/// Collects conditions while the kernel is built, handing out bits.
struct Compiler {
    radices: Vec<u32>,
    /// Per bit, its per-issue restrictions.
    bits: Vec<Vec<(usize, ValueSet)>>,
}

impl Compiler {
    fn compile(&mut self, expr: &Expr) -> Cond {
        match conjunction(expr) {
            Some(Conj::Const(value)) => Cond::Const(value),
            Some(Conj::Atoms(atoms))
                if atoms.iter().all(|(issue, set)| {
                    *issue < self.radices.len() && set.universe() == self.radices[*issue]
                }) =>
            {
                self.bits.push(atoms);
                Cond::Bit((self.bits.len() - 1) as u32)
            }
            _ => Cond::Expr(expr.clone()),
        }
    }
}

impl Kernel {
    /// Compiles the prepared scenario.
    pub(crate) fn new(prepared: &Prepared<'_>) -> Kernel {
        let scenario = prepared.scenario;
        let radices = prepared.space.radices().to_vec();
        let n_issues = radices.len();
        let n_parties = prepared.utilities.len();
        let mut tab = Vec::new();
        let mut tab_off = Vec::with_capacity(n_issues);
        for (issue, &radix) in radices.iter().enumerate() {
            tab_off.push(tab.len());
            for value in 0..radix as usize {
                for utility in &prepared.utilities {
                    tab.push(utility.tables()[issue][value]);
                }
            }
        }
        let mut compiler = Compiler { radices: radices.clone(), bits: Vec::new() };
        let mut terms = Vec::with_capacity(n_parties);
        let mut term_bits = Vec::with_capacity(n_parties);
        let mut bit_values = Vec::new();
        for utility in &prepared.utilities {
            let first_bit = compiler.bits.len() as u32;
            let conds: Vec<(Cond, f64)> = utility
                .terms()
                .iter()
                .map(|term| (compiler.compile(&term.condition), term.value))
                .collect();
            bit_values.resize(compiler.bits.len(), 0.0);
            for (cond, value) in &conds {
                if let Cond::Bit(bit) = cond {
                    bit_values[*bit as usize] = *value;
                }
            }
            let all_bits = conds.iter().all(|(cond, _)| matches!(cond, Cond::Bit(_)));
            term_bits.push(
                (all_bits && !conds.is_empty()).then_some((first_bit, compiler.bits.len() as u32)),
            );
            terms.push(conds);
        }
        let mut penalties = vec![Vec::new(); n_parties];
        let mut hard = Vec::new();
        for (line, expr) in scenario.red_lines().iter().zip(&prepared.red_lines) {
            match line.cost {
                CrossingCost::Absolute => hard.push(compiler.compile(expr)),
                CrossingCost::Penalty(amount) => {
                    if let Some(list) = penalties.get_mut(line.party) {
                        list.push((compiler.compile(expr), amount));
                    }
                }
            }
        }
        for expr in &prepared.preconditions {
            hard.push(compiler.compile(expr));
        }
        let n_bits = compiler.bits.len();
        let words = n_bits.div_ceil(64);
        let mut masks = Vec::new();
        let mut mask_off = Vec::with_capacity(n_issues);
        for (issue, &radix) in radices.iter().enumerate() {
            mask_off.push(masks.len());
            for value in 0..radix {
                let mut row = vec![0u64; words];
                for (bit, atoms) in compiler.bits.iter().enumerate() {
                    let allowed = atoms
                        .iter()
                        .find(|(atom_issue, _)| *atom_issue == issue)
                        .is_none_or(|(_, set)| set.contains(value));
                    if allowed {
                        row[bit / 64] |= 1 << (bit % 64);
                    }
                }
                masks.extend(row);
            }
        }
        let class_sizes: Vec<Vec<u128>> = prepared
            .members
            .iter()
            .map(|classes| classes.iter().map(|class| class.len() as u128).collect())
            .collect();
        let unit_weights = class_sizes.iter().flatten().all(|&size| size == 1);
        let has_penalties = penalties.iter().any(|list: &Vec<(Cond, f64)>| !list.is_empty());
        let plain = !has_penalties
            && hard.is_empty()
            && terms.iter().all(Vec::is_empty)
            && prepared.utilities.iter().all(|utility| utility.cap().is_none());
        Kernel {
            n_issues,
            n_parties,
            radices,
            tab,
            tab_off,
            offsets: prepared.utilities.iter().map(|utility| utility.offset()).collect(),
            caps: prepared.utilities.iter().map(|utility| utility.cap()).collect(),
            words,
            masks,
            mask_off,
            class_sizes,
            unit_weights,
            terms,
            term_bits,
            bit_values,
            penalties,
            hard,
            has_penalties,
            plain,
            ties: scenario.ties(),
        }
    }

    /// The scenario's tie rule ([`impasse_core::Scenario::ties`]).
    pub(crate) fn ties(&self) -> Ties {
        self.ties
    }

    /// The number of parties.
    pub(crate) fn n_parties(&self) -> usize {
        self.n_parties
    }

    /// Whether some party holds a finite red line (otherwise utilities after penalties equal the
    /// utilities).
    pub(crate) fn has_penalties(&self) -> bool {
        self.has_penalties
    }
}

/// A walk over a range of class outcomes, with the evaluation of the current one.
///
/// [`Scanner::scan`] visits the outcomes of an index range in order. The value of the last issue
/// varies fastest, so the scanner keeps prefix sums and masks of the other issues and runs a tight
/// loop over the last issue's values.
#[derive(Debug)]
pub(crate) struct Scanner<'k> {
    kernel: &'k Kernel,
    /// The current class outcome.
    digits: Vec<u32>,
    /// `n_issues × n_parties` prefix sums: level `l` holds the offset plus issues `0..l`.
    sums: Vec<f64>,
    /// `n_issues × words` prefix masks.
    bits: Vec<u64>,
    /// The final masks of the current outcome.
    final_bits: Vec<u64>,
    /// `n_issues` prefix products of class sizes.
    weights: Vec<u128>,
    /// The first level whose prefix state is stale.
    dirty: usize,
    /// Per party, the utility of the current outcome (before penalties).
    utilities: Vec<f64>,
    /// Per party, the utility after penalties (only kept when some party has a finite red line).
    net: Vec<f64>,
    /// Whether the outcome crosses no absolute red line and meets every precondition.
    hard_ok: bool,
    /// How many packages of the original space the class outcome stands for.
    weight: u128,
}

impl<'k> Scanner<'k> {
    /// A scanner over the kernel's class space.
    pub(crate) fn new(kernel: &'k Kernel) -> Scanner<'k> {
        let n = kernel.n_issues.max(1);
        let parties = kernel.n_parties;
        let mut sums = vec![0.0; n * parties];
        sums[..parties].copy_from_slice(&kernel.offsets);
        let mut bits = vec![0u64; n * kernel.words];
        bits[..kernel.words].fill(u64::MAX);
        Scanner {
            kernel,
            digits: vec![0; kernel.n_issues],
            sums,
            bits,
            final_bits: vec![u64::MAX; kernel.words],
            weights: vec![1u128; n],
            dirty: 0,
            utilities: vec![0.0; parties],
            net: vec![0.0; parties],
            hard_ok: true,
            weight: 1,
        }
    }

    /// Per party, the utility of the current outcome before penalties.
    #[inline]
    pub(crate) fn utilities(&self) -> &[f64] {
        &self.utilities
    }

    /// Per party, the utility of the current outcome after the penalties of the finite red lines
    /// it holds that the outcome crosses.
    #[inline]
    pub(crate) fn net(&self) -> &[f64] {
        if self.kernel.has_penalties { &self.net } else { &self.utilities }
    }

    /// Whether the current outcome crosses no absolute red line and meets every precondition.
    #[inline]
    pub(crate) fn hard_ok(&self) -> bool {
        self.hard_ok
    }

    /// How many packages of the original space the current class outcome stands for.
    #[inline]
    pub(crate) fn weight(&self) -> u128 {
        self.weight
    }

    /// Visits the class outcomes with indices `start..end` (within the space) in order, calling
    /// `visit` with each index and the scanner holding its evaluation.
    pub(crate) fn scan(&mut self, start: u64, end: u64, mut visit: impl FnMut(u64, &Scanner<'k>)) {
        let kernel = self.kernel;
        if start >= end {
            return;
        }
        let n = kernel.n_issues;
        if n == 0 {
            self.finish(None);
            visit(start, self);
            return;
        }
        let mut rest = start;
        for slot in (0..n).rev() {
            let radix = u64::from(kernel.radices[slot].max(1));
            self.digits[slot] = (rest % radix) as u32;
            rest /= radix;
        }
        self.dirty = 0;
        let last = n - 1;
        let parties = kernel.n_parties;
        let plain = kernel.plain;
        let mut index = start;
        loop {
            self.update_prefix(last);
            let from = self.digits[last];
            let count = u64::from(kernel.radices[last] - from).min(end - index) as u32;
            let prefix = last * parties;
            for value in from..from + count {
                self.digits[last] = value;
                if plain {
                    let row = kernel.tab_off[last] + value as usize * parties;
                    for ((slot, &sum), &add) in self
                        .utilities
                        .iter_mut()
                        .zip(&self.sums[prefix..prefix + parties])
                        .zip(&kernel.tab[row..row + parties])
                    {
                        *slot = sum + add;
                    }
                    if !kernel.unit_weights {
                        self.weight = self.weights[last]
                            .saturating_mul(kernel.class_sizes[last][value as usize]);
                    }
                } else {
                    self.finish(Some(value));
                }
                visit(index, self);
                index += 1;
            }
            if index >= end {
                return;
            }
            // Carry into the other issues.
            self.digits[last] = 0;
            let mut slot = last;
            loop {
                if slot == 0 {
                    self.dirty = 0;
                    break;
                }
                slot -= 1;
                self.digits[slot] += 1;
                if self.digits[slot] < kernel.radices[slot] {
                    self.dirty = slot;
                    break;
                }
                self.digits[slot] = 0;
            }
        }
    }

    /// Brings prefix levels `dirty + 1 ..= last` up to date.
    #[inline]
    fn update_prefix(&mut self, last: usize) {
        let kernel = self.kernel;
        let parties = kernel.n_parties;
        let words = kernel.words;
        for level in self.dirty..last {
            let value = self.digits[level] as usize;
            let row = kernel.tab_off[level] + value * parties;
            let (done, rest) = self.sums.split_at_mut((level + 1) * parties);
            let previous = &done[level * parties..];
            for ((next, &prev), &add) in
                rest[..parties].iter_mut().zip(previous).zip(&kernel.tab[row..row + parties])
            {
                *next = prev + add;
            }
            if words > 0 {
                let mask_row = kernel.mask_off[level] + value * words;
                let (done, rest) = self.bits.split_at_mut((level + 1) * words);
                let previous = &done[level * words..];
                for ((next, &prev), &mask) in rest[..words]
                    .iter_mut()
                    .zip(previous)
                    .zip(&kernel.masks[mask_row..mask_row + words])
                {
                    *next = prev & mask;
                }
            }
            if !kernel.unit_weights {
                self.weights[level + 1] =
                    self.weights[level].saturating_mul(kernel.class_sizes[level][value]);
            }
        }
        self.dirty = last;
    }

    /// Evaluates the current outcome, whose last issue takes `value` (`None` when there is no
    /// issue), from the prefix state.
    fn finish(&mut self, value: Option<u32>) {
        let kernel = self.kernel;
        let parties = kernel.n_parties;
        let words = kernel.words;
        let last = kernel.n_issues.saturating_sub(1);
        let prefix = last * parties;
        match value {
            Some(value) => {
                let value = value as usize;
                let row = kernel.tab_off[last] + value * parties;
                for party in 0..parties {
                    self.utilities[party] = self.sums[prefix + party] + kernel.tab[row + party];
                }
                let mask_row = kernel.mask_off[last] + value * words;
                for word in 0..words {
                    self.final_bits[word] =
                        self.bits[last * words + word] & kernel.masks[mask_row + word];
                }
                self.weight = if kernel.unit_weights {
                    1
                } else {
                    self.weights[last].saturating_mul(kernel.class_sizes[last][value])
                };
            }
            None => {
                self.utilities.copy_from_slice(&kernel.offsets);
                self.final_bits.fill(u64::MAX);
                self.weight = 1;
            }
        }
        let bits = &self.final_bits;
        let outcome = &self.digits;
        let holds = |cond: &Cond| match cond {
            Cond::Const(value) => *value,
            Cond::Bit(bit) => (bits[(*bit / 64) as usize] >> (bit % 64)) & 1 == 1,
            Cond::Expr(expr) => expr.eval(outcome),
        };
        for party in 0..parties {
            let mut total = self.utilities[party];
            match kernel.term_bits[party] {
                Some((start, end)) => {
                    let mut word = (start / 64) as usize;
                    while (word as u32) * 64 < end {
                        let lo = (word as u32) * 64;
                        let mut set = bits[word];
                        if start > lo {
                            set &= u64::MAX << (start - lo);
                        }
                        if end < lo + 64 {
                            set &= (1u64 << (end - lo)) - 1;
                        }
                        while set != 0 {
                            let bit = lo + set.trailing_zeros();
                            total += kernel.bit_values[bit as usize];
                            set &= set - 1;
                        }
                        word += 1;
                    }
                }
                None => {
                    for (cond, value) in &kernel.terms[party] {
                        if holds(cond) {
                            total += value;
                        }
                    }
                }
            }
            if let Some(cap) = kernel.caps[party]
                && total > cap
            {
                total = cap;
            }
            self.utilities[party] = total;
            let penalties = &kernel.penalties[party];
            if penalties.is_empty() {
                self.net[party] = total;
            } else {
                let mut penalty = 0.0;
                for (cond, amount) in penalties {
                    if !holds(cond) {
                        penalty += amount;
                    }
                }
                self.net[party] = total - penalty;
            }
        }
        self.hard_ok = kernel.hard.iter().all(holds);
    }
}

/// The tie key of a utility under the scenario's tie rule `ties`, exactly as [`Ties::key`]
/// computes it (`round(u / resolution)`).
///
/// At the unit scale (resolution `1e-9`, every scenario whose utilities lie within `[1e-3, 1e3]`
/// in magnitude) it is faster: through a multiplication, which is several times cheaper than the
/// division, and without a call to the C library's `round` (which the default x86-64 target does
/// not inline). Why that is exact: `u·1e9` and `u / fl(1e-9)` differ by at most three units in the
/// last place (`fl(1e-9)` is within a relative `2^-53` of `1e-9`, and each operation rounds once),
/// which is below `4·10^-4` when `|u·1e9| < 10^12`. When the fraction of `u·1e9` is more than
/// `10^-3` away from one half, no rounding boundary lies between the two, so both round to the same
/// integer. Otherwise (and for large or non-finite values) the division itself is used. At any
/// other scale the division is used. Checked against [`Ties::key`] in debug builds and by a test.
#[inline]
pub(crate) fn key(ties: Ties, utility: f64) -> i64 {
    if !ties.is_unit() {
        return ties.key(utility);
    }
    let scaled = utility * 1e9;
    let result = if scaled.abs() < 1.0e12 {
        let whole = scaled as i64;
        let fraction = (scaled - whole as f64).abs();
        if (fraction - 0.5).abs() > 1e-3 {
            if fraction < 0.5 {
                whole
            } else if scaled > 0.0 {
                whole + 1
            } else {
                whole - 1
            }
        } else {
            ties.key(utility)
        }
    } else {
        ties.key(utility)
    };
    debug_assert_eq!(result, ties.key(utility));
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(issue: usize, len: u32, values: &[u32]) -> Expr {
        Expr::Atom { issue, allowed: ValueSet::from_indices(len, values.iter().copied()) }
    }

    #[test]
    fn fast_keys_are_tie_keys() {
        let mut state = 0x1234_5678_u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            state
        };
        let specials = [
            0.0,
            -0.0,
            0.5e-9,
            -0.5e-9,
            1.5e-9,
            -1.5e-9,
            2.5e-9,
            0.3,
            0.1 + 0.2,
            1e6,
            -1e6,
            4.5e6,
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
            9.2e9,
            4.0e6,
            3.999_999_999_999_999_5e6,
        ];
        let unit = Ties::UNIT;
        for &x in &specials {
            assert_eq!(key(unit, x), impasse_core::tie_key(x), "{x}");
        }
        for _ in 0..200_000 {
            let bits = next();
            let x = f64::from_bits(bits);
            if x.is_finite() {
                assert_eq!(key(unit, x), impasse_core::tie_key(x), "{x}");
            }
            // Values near half-unit boundaries and decimals.
            let k = (next() % 2_000_000_000) as f64 - 1e9;
            for y in [(k + 0.5) * 1e-9, k * 1e-9, k / 1e9 + 1e-18, (k + 0.5) / 1e9] {
                assert_eq!(key(unit, y), impasse_core::tie_key(y), "{y}");
            }
        }
        // Other scales divide.
        for ties in [Ties::for_magnitude(1e-12), Ties::for_magnitude(1e12)] {
            for &x in &specials {
                let x = x * ties.scale();
                assert_eq!(key(ties, x), ties.key(x), "{x}");
                if !x.is_nan() {
                    assert_eq!(key(ties, x), (x / ties.resolution()).round() as i64, "{x}");
                }
            }
        }
    }

    #[test]
    fn conjunctions_are_recognised() {
        let expr = Expr::And(vec![atom(0, 3, &[0, 1]), Expr::Not(Box::new(atom(0, 3, &[1])))]);
        match conjunction(&expr) {
            Some(Conj::Atoms(atoms)) => {
                assert_eq!(atoms.len(), 1);
                assert_eq!(atoms[0].1.iter().collect::<Vec<_>>(), vec![0]);
            }
            _ => panic!("expected a conjunction"),
        }
        let or_same = Expr::Or(vec![atom(1, 4, &[0]), atom(1, 4, &[3])]);
        assert!(matches!(conjunction(&or_same), Some(Conj::Atoms(_))));
        let or_mixed = Expr::Or(vec![atom(0, 3, &[0]), atom(1, 4, &[3])]);
        assert!(conjunction(&or_mixed).is_none());
        let de_morgan = Expr::Not(Box::new(or_mixed));
        assert!(matches!(conjunction(&de_morgan), Some(Conj::Atoms(atoms)) if atoms.len() == 2));
        assert!(matches!(
            conjunction(&Expr::And(vec![atom(0, 3, &[0]), atom(0, 3, &[1])])),
            Some(Conj::Const(false))
        ));
        assert!(matches!(conjunction(&atom(0, 3, &[0, 1, 2])), Some(Conj::Const(true))));
    }
}
