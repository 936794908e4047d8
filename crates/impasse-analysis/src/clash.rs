//! Impasse diagnosis: minimal sets of clashing constraints.
//!
//! The constraints are every red line (absolute or finite), every precondition and every party's
//! reservation constraint `R_i` ("the package is worth at least the reservation value to party
//! `i`"). A set `S` of constraints *clashes* when, with only `S` active, no package satisfies all of
//! them. "Only `S` active" means: a red line outside `S` has no effect at all (neither prohibition
//! nor penalty), a precondition outside `S` is ignored, and a party whose `R_i` is outside `S` accepts
//! anything its absolute red lines in `S` allow. A finite red line in `S` counts only through the
//! reservation constraint of its holder: it lowers the holder's utility by its penalty.
//!
//! Clashing is monotone in `S`, so the answer is the family of *minimal* clashing sets (irreducible
//! infeasible subsets): removing any member of one opens a zone.
//!
//! # Algorithm
//!
//! For each class outcome `o` the *blocking sets* are the minimal sets of constraints that, once
//! active, exclude `o`:
//! - `{a}` for each absolute red line or precondition `a` that `o` violates;
//! - for each party `i`, `{R_i} ∪ T` for each minimal set `T` of finite red lines of `i` crossed by
//!   `o` such that `key(u_i(o) − Σ_{k∈T} pen_k) < key(r_i)` (the scenario's tie keys,
//!   [`impasse_core::Scenario::ties`]; `T = ∅` when `o` already falls
//!   short of `r_i`). Penalties are summed in red-line order, as for the zone.
//!
//! `S` clashes exactly when every outcome has a blocking set inside `S`. The distinct *families* of
//! blocking sets (one per outcome, as bit masks over the constraints) are collected in one parallel
//! pass; families implied by a stronger one are dropped; and the minimal sets hitting every family
//! (some block of each family is inside the set) are enumerated by a depth-first search that
//! branches on the blocks of an unsatisfied family, by increasing size, keeping the minimal leaves.
//!
//! # Order and limits
//!
//! Constraints are ordered red lines (scenario order), then preconditions, then reservation
//! constraints (party order); a set lists its members in that order, and sets are listed by size,
//! then lexicographically. At most [`AnalysisConfig::max_clashes`] sets are reported
//! (`truncated` says when more exist). Scenarios with more than [`MAX_CONSTRAINTS`] constraints, and
//! pathological ones whose blocking families or search exceed fixed budgets, are refused with a
//! note rather than answered partly.

use std::collections::BTreeSet;

use impasse_core::{CrossingCost, Ties};

use crate::AnalysisConfig;
use crate::prepared::Prepared;

mod hitting;
#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) mod testutil;

/// The most constraints (red lines, preconditions and reservation constraints together) the
/// diagnosis handles; each is one bit of a `u128`.
pub const MAX_CONSTRAINTS: usize = 128;

/// The most distinct blocking families kept (after dropping implied ones) before the diagnosis
/// gives up.
const MAX_FAMILIES: usize = 1 << 16;

/// The most blocking sets one party may contribute for one outcome before the diagnosis gives up
/// (only reached with very many finite red lines of similar penalties).
const MAX_PARTY_BLOCKS: usize = 4096;

/// The most search steps of the minimal-set enumeration (one step examines every family once).
const SEARCH_BUDGET: u64 = 200_000_000;

/// What kind of constraint a clash member is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum ConstraintKind {
    /// A red line (index into the scenario's red lines).
    RedLine(usize),
    /// A precondition (index into the scenario's preconditions).
    Precondition(usize),
    /// A party's reservation value (index of the party).
    Reservation(usize),
}

/// A constraint and the party that holds it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct ConstraintRef {
    /// The holding party.
    pub party: usize,
    /// The constraint.
    pub kind: ConstraintKind,
}

/// The minimal clashing sets found.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct ClashReport {
    /// Each set clashes (no package satisfies all its members) and removing any member opens a
    /// zone. Members are listed red lines first, then preconditions, then reservation constraints
    /// (each in scenario order); sets by size, then lexicographically.
    pub sets: Vec<Vec<ConstraintRef>>,
    /// Whether more minimal sets exist than are reported (the configured cap was reached, or the
    /// search budget ran out).
    pub truncated: bool,
    /// Why the diagnosis is missing or incomplete, when it is (too many constraints, a search
    /// budget exhausted, a zone that is in fact not empty).
    pub notes: Vec<String>,
}

/// Every minimal set of clashing constraints, for a scenario whose zone of agreement is empty.
///
/// `reservation` holds each party's reservation value (as used for the zone). When the zone is in
/// fact not empty nothing clashes, and the report says so in a note.
pub fn diagnose(prepared: &Prepared, reservation: &[f64], config: &AnalysisConfig) -> ClashReport {
    if reservation.len() != prepared.scenario.parties().len() {
        return refused(format!(
            "impasse diagnosis skipped: {} reservation values given for {} parties",
            reservation.len(),
            prepared.scenario.parties().len()
        ));
    }
    clash_sets(prepared, Some(reservation), config)
}

/// The absolute red lines and preconditions a class outcome violates: the constraints no change of
/// utility can satisfy. Red lines come first, then preconditions, each in scenario order.
///
/// `class_outcome` holds one value class per issue; an outcome of the wrong length violates
/// nothing.
pub fn hard_violations(prepared: &Prepared, class_outcome: &[u32]) -> Vec<ConstraintRef> {
    if class_outcome.len() != prepared.space.n_issues() {
        return Vec::new();
    }
    let scenario = prepared.scenario;
    let lines = scenario.red_lines().iter().zip(&prepared.red_lines).enumerate().filter_map(
        |(idx, (line, expr))| {
            (line.cost == CrossingCost::Absolute && !expr.eval(class_outcome))
                .then_some(ConstraintRef { party: line.party, kind: ConstraintKind::RedLine(idx) })
        },
    );
    let pres = scenario.preconditions().iter().zip(&prepared.preconditions).enumerate().filter_map(
        |(idx, (pre, expr))| {
            (!expr.eval(class_outcome)).then_some(ConstraintRef {
                party: pre.party,
                kind: ConstraintKind::Precondition(idx),
            })
        },
    );
    lines.chain(pres).collect()
}

/// The minimal clashing sets among the absolute red lines and preconditions alone (reservation
/// values and finite red lines ignored): why no package is hard-feasible.
pub(crate) fn hard_clash_sets(prepared: &Prepared, config: &AnalysisConfig) -> ClashReport {
    clash_sets(prepared, None, config)
}

fn refused(note: String) -> ClashReport {
    ClashReport { sets: Vec::new(), truncated: false, notes: vec![note] }
}

/// Minimal clashing sets; with `reservation` `None`, over the hard constraints only.
fn clash_sets(
    prepared: &Prepared,
    reservation: Option<&[f64]>,
    config: &AnalysisConfig,
) -> ClashReport {
    let layout = match Layout::new(prepared, reservation) {
        Ok(layout) => layout,
        Err(note) => return refused(note),
    };
    let collected = prepared.par_fold(
        FamilyAcc::new,
        |acc, _, outcome| acc.add_outcome(prepared, &layout, outcome),
        FamilyAcc::merge,
    );
    if let Some(note) = collected.overflow {
        return refused(note);
    }
    if collected.open {
        return refused(
            "a package meets every constraint, so nothing clashes (the zone is not empty)"
                .to_owned(),
        );
    }
    let mut families: Vec<Vec<u128>> = reduce(collected.families).into_iter().collect();
    families.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    let found = hitting::minimal_hitting_sets(&families, config.max_clashes, SEARCH_BUDGET);
    let mut notes = Vec::new();
    if found.exhausted {
        notes.push(format!(
            "the search for minimal clashing sets stopped after its budget of {SEARCH_BUDGET} steps; the sets listed are minimal, but others may exist"
        ));
    }
    let sets =
        found.sets.iter().map(|&mask| bits(mask).map(|bit| layout.refs[bit]).collect()).collect();
    ClashReport { sets, truncated: found.truncated, notes }
}

/// The indices of the set bits of `mask`, in increasing order.
pub(crate) fn bits(mask: u128) -> impl Iterator<Item = usize> {
    let mut rest = mask;
    std::iter::from_fn(move || {
        if rest == 0 {
            return None;
        }
        let bit = rest.trailing_zeros() as usize;
        rest &= rest - 1;
        Some(bit)
    })
}

/// The smallest float `x` with `ties.key(x) >= key` (`-∞` for `i64::MIN`), so that for every
/// float `v`, `ties.key(v) >= key` exactly when `v >= key_floor(ties, key)` (the key is monotone).
/// Inner loops compare against it instead of rounding every value.
pub(crate) fn key_floor(ties: Ties, key: i64) -> f64 {
    if key == i64::MIN {
        return f64::NEG_INFINITY;
    }
    // Floats mapped to integers in the same order (NaN excluded), so that the search can bisect.
    fn ordered(x: f64) -> i64 {
        let bits = x.to_bits() as i64;
        if bits < 0 { bits ^ i64::MAX } else { bits }
    }
    fn float(ordered: i64) -> f64 {
        f64::from_bits((if ordered < 0 { ordered ^ i64::MAX } else { ordered }) as u64)
    }
    let accepted = |position: i64| ties.key(float(position)) >= key;
    let (bottom, top) = (ordered(f64::NEG_INFINITY), ordered(f64::INFINITY));
    // Start near the answer (exact to a few ulps for any key a finite utility has), gallop to a
    // bracket `(rejected, accepted]`, then bisect.
    let guess = (key as f64 - 0.5) * ties.resolution();
    let start = if guess.is_nan() { 0 } else { ordered(guess) };
    let (mut low, mut high);
    if accepted(start) {
        high = start;
        low = start;
        let mut step = 1i64;
        while low > bottom && accepted(low) {
            high = low;
            low = low.saturating_sub(step).max(bottom);
            step = step.saturating_mul(2);
        }
        if accepted(low) {
            return float(low); // -∞ itself is accepted: only for key = i64::MIN
        }
    } else {
        low = start;
        high = start;
        let mut step = 1i64;
        while high < top && !accepted(high) {
            low = high;
            high = high.saturating_add(step).min(top);
            step = step.saturating_mul(2);
        }
    }
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if accepted(middle) {
            high = middle;
        } else {
            low = middle;
        }
    }
    float(high)
}

/// Whether `value` is below `floor` (or NaN): with `floor = key_floor(ties, key)`, exactly
/// `ties.key(value) < key`.
#[inline]
pub(crate) fn falls_short(value: f64, floor: f64) -> bool {
    value.partial_cmp(&floor).is_none_or(std::cmp::Ordering::is_lt)
}

/// Which bit stands for which constraint, and what each outcome is checked against.
struct Layout {
    /// Bit index → constraint.
    refs: Vec<ConstraintRef>,
    /// Absolute red lines: (index, bit mask).
    absolute: Vec<(usize, u128)>,
    /// Preconditions: (index, bit mask).
    preconditions: Vec<(usize, u128)>,
    /// Reservation constraints, one per party; empty for the hard-constraint diagnosis.
    parties: Vec<PartyLayout>,
}

/// A party's reservation constraint and the finite red lines that weigh on it.
struct PartyLayout {
    /// The smallest value the party accepts: `v >= floor` exactly when
    /// `key(v) >= key(reservation)` at the scenario's tie rule (see [`key_floor`]).
    floor: f64,
    /// The bit of `R_i`.
    bit: u128,
    /// The party's finite red lines: (index, penalty, bit mask), in red-line order.
    finite: Vec<(usize, f64, u128)>,
}

impl Layout {
    fn new(prepared: &Prepared, reservation: Option<&[f64]>) -> Result<Layout, String> {
        let scenario = prepared.scenario;
        let ties = scenario.ties();
        let mut refs = Vec::new();
        let mut line_bits = vec![None; scenario.red_lines().len()];
        for (idx, line) in scenario.red_lines().iter().enumerate() {
            if reservation.is_some() || line.cost == CrossingCost::Absolute {
                line_bits[idx] = Some(refs.len());
                refs.push(ConstraintRef { party: line.party, kind: ConstraintKind::RedLine(idx) });
            }
        }
        let mut preconditions = Vec::new();
        for (idx, pre) in scenario.preconditions().iter().enumerate() {
            preconditions.push((idx, refs.len()));
            refs.push(ConstraintRef { party: pre.party, kind: ConstraintKind::Precondition(idx) });
        }
        let mut party_bits = Vec::new();
        if reservation.is_some() {
            for party in 0..scenario.parties().len() {
                party_bits.push(refs.len());
                refs.push(ConstraintRef { party, kind: ConstraintKind::Reservation(party) });
            }
        }
        if refs.len() > MAX_CONSTRAINTS {
            return Err(format!(
                "impasse diagnosis skipped: the scenario has {} constraints (red lines, preconditions and reservation values), above the limit of {MAX_CONSTRAINTS}",
                refs.len()
            ));
        }
        let mask = |bit: usize| 1u128 << bit;
        let mut absolute = Vec::new();
        let mut finite: Vec<Vec<(usize, f64, u128)>> = vec![Vec::new(); scenario.parties().len()];
        for (idx, line) in scenario.red_lines().iter().enumerate() {
            let Some(bit) = line_bits[idx] else { continue };
            match line.cost {
                CrossingCost::Absolute => absolute.push((idx, mask(bit))),
                CrossingCost::Penalty(amount) => {
                    if let Some(list) = finite.get_mut(line.party) {
                        list.push((idx, amount, mask(bit)));
                    }
                }
            }
        }
        let parties = match reservation {
            Some(values) => party_bits
                .iter()
                .zip(values)
                .zip(finite)
                .map(|((&bit, &value), finite)| PartyLayout {
                    floor: key_floor(ties, ties.key(value)),
                    bit: mask(bit),
                    finite,
                })
                .collect(),
            None => Vec::new(),
        };
        let preconditions = preconditions.into_iter().map(|(idx, bit)| (idx, mask(bit))).collect();
        Ok(Layout { refs, absolute, preconditions, parties })
    }
}

/// The blocking families of a range of outcomes, plus scratch space for the per-outcome work.
struct FamilyAcc {
    /// Distinct families, each a sorted antichain of blocking sets.
    families: BTreeSet<Vec<u128>>,
    /// Reduce the families when there are this many.
    reduce_at: usize,
    /// Some outcome has no blocking set: it satisfies every constraint.
    open: bool,
    /// Why the diagnosis gave up, if it did.
    overflow: Option<String>,
    /// Scratch: the current outcome's blocking sets.
    blocks: Vec<u128>,
    /// Scratch: the finite red lines the current party crosses, (penalty, bit mask).
    crossed: Vec<(f64, u128)>,
    /// Scratch: positions into `crossed`, by decreasing penalty.
    order: Vec<usize>,
    /// Scratch: `suffix[j]` is the union of the local bits of `order[j..]`.
    suffix: Vec<u128>,
}

/// Families are reduced when the set reaches this size (and then twice the reduced size).
const REDUCE_FLOOR: usize = 1024;

impl FamilyAcc {
    fn new() -> FamilyAcc {
        FamilyAcc {
            families: BTreeSet::new(),
            reduce_at: REDUCE_FLOOR,
            open: false,
            overflow: None,
            blocks: Vec::new(),
            crossed: Vec::new(),
            order: Vec::new(),
            suffix: Vec::new(),
        }
    }

    fn add_outcome(&mut self, prepared: &Prepared, layout: &Layout, outcome: &[u32]) {
        if self.open || self.overflow.is_some() {
            return;
        }
        self.blocks.clear();
        for &(line, bit) in &layout.absolute {
            if !prepared.red_lines[line].eval(outcome) {
                self.blocks.push(bit);
            }
        }
        for &(pre, bit) in &layout.preconditions {
            if !prepared.preconditions[pre].eval(outcome) {
                self.blocks.push(bit);
            }
        }
        for (party, party_layout) in layout.parties.iter().enumerate() {
            let utility = prepared.utilities[party].eval(outcome);
            self.crossed.clear();
            for &(line, penalty, bit) in &party_layout.finite {
                if !prepared.red_lines[line].eval(outcome) {
                    self.crossed.push((penalty, bit));
                }
            }
            let within = party_blocks(
                utility,
                party_layout,
                &self.crossed,
                &mut self.order,
                &mut self.suffix,
                &mut self.blocks,
            );
            if !within {
                self.overflow = Some(format!(
                    "impasse diagnosis skipped: one package has more than {MAX_PARTY_BLOCKS} minimal combinations of finite red lines that exclude it for one party"
                ));
                return;
            }
        }
        if self.blocks.is_empty() {
            self.open = true;
            return;
        }
        self.blocks.sort_unstable();
        if !self.families.contains(self.blocks.as_slice()) {
            self.families.insert(self.blocks.clone());
            self.check_size();
        }
    }

    fn check_size(&mut self) {
        if self.families.len() < self.reduce_at {
            return;
        }
        self.families = reduce(std::mem::take(&mut self.families));
        self.reduce_at = (2 * self.families.len()).max(REDUCE_FLOOR);
        if self.families.len() > MAX_FAMILIES {
            self.overflow = Some(format!(
                "impasse diagnosis skipped: the packages are excluded in more than {MAX_FAMILIES} independent ways"
            ));
        }
    }

    fn merge(mut self, other: FamilyAcc) -> FamilyAcc {
        self.open |= other.open;
        if self.overflow.is_none() {
            self.overflow = other.overflow;
        }
        if self.open || self.overflow.is_some() {
            self.families.clear();
            return self;
        }
        let (mut big, small) = if self.families.len() >= other.families.len() {
            (self.families, other.families)
        } else {
            (other.families, self.families)
        };
        big.extend(small);
        self.families = big;
        self.check_size();
        self
    }
}

/// Appends party `layout`'s blocking sets for an outcome of utility `utility` crossing the finite
/// red lines `crossed` (in red-line order) to `out`. Returns `false` when there are more than
/// [`MAX_PARTY_BLOCKS`].
fn party_blocks(
    utility: f64,
    layout: &PartyLayout,
    crossed: &[(f64, u128)],
    order: &mut Vec<usize>,
    suffix: &mut Vec<u128>,
    out: &mut Vec<u128>,
) -> bool {
    let floor = layout.floor;
    if falls_short(utility, floor) {
        out.push(layout.bit);
        return true;
    }
    if crossed.is_empty() {
        return true;
    }
    let violates = |local: u128| {
        let mut penalty = 0.0;
        for (idx, &(amount, _)) in crossed.iter().enumerate() {
            if (local >> idx) & 1 == 1 {
                penalty += amount;
            }
        }
        falls_short(utility - penalty, floor)
    };
    let all = if crossed.len() >= 128 { u128::MAX } else { (1u128 << crossed.len()) - 1 };
    if !violates(all) {
        return true;
    }
    order.clear();
    order.extend(0..crossed.len());
    order.sort_by(|&a, &b| crossed[b].0.total_cmp(&crossed[a].0).then(a.cmp(&b)));
    suffix.clear();
    suffix.resize(order.len() + 1, 0);
    for j in (0..order.len()).rev() {
        suffix[j] = suffix[j + 1] | (1u128 << order[j]);
    }
    let mut search = PartySearch {
        violates: &violates,
        order,
        suffix,
        crossed,
        party_bit: layout.bit,
        out,
        produced: 0,
        steps: 0,
    };
    search.dfs(0, 0)
}

/// The enumeration of a party's minimal sets of crossed finite red lines whose penalties take it
/// below its reservation value.
struct PartySearch<'a, F: Fn(u128) -> bool> {
    violates: &'a F,
    order: &'a [usize],
    suffix: &'a [u128],
    crossed: &'a [(f64, u128)],
    party_bit: u128,
    out: &'a mut Vec<u128>,
    produced: usize,
    steps: usize,
}

impl<F: Fn(u128) -> bool> PartySearch<'_, F> {
    /// Extends the non-violating set `local` (bits are positions in `crossed`) with items
    /// `order[start..]`, taken by decreasing penalty; returns `false` over budget.
    fn dfs(&mut self, start: usize, local: u128) -> bool {
        for j in start..self.order.len() {
            self.steps += 1;
            if self.steps > 64 * MAX_PARTY_BLOCKS {
                return false;
            }
            // Nothing inside `local ∪ order[j..]` violates: no later branch can.
            if !(self.violates)(local | self.suffix[j]) {
                break;
            }
            let next = local | (1u128 << self.order[j]);
            if (self.violates)(next) {
                if self.is_minimal(next) {
                    self.produced += 1;
                    if self.produced > MAX_PARTY_BLOCKS {
                        return false;
                    }
                    let mut block = self.party_bit;
                    for idx in bits(next) {
                        block |= self.crossed[idx].1;
                    }
                    self.out.push(block);
                }
            } else if !self.dfs(j + 1, next) {
                return false;
            }
        }
        true
    }

    fn is_minimal(&self, local: u128) -> bool {
        bits(local).all(|idx| !(self.violates)(local & !(1u128 << idx)))
    }
}

/// Whether family `strong` implies family `weak`: every set satisfying `strong` (containing one of
/// its blocks) satisfies `weak`, that is, every block of `strong` contains a block of `weak`.
fn implies(strong: &[u128], weak: &[u128]) -> bool {
    strong.iter().all(|&block| weak.iter().any(|&other| other & !block == 0))
}

/// Drops every family implied by another one. The result does not depend on the order families
/// were found in: it is the set of families no other family implies.
fn reduce(families: BTreeSet<Vec<u128>>) -> BTreeSet<Vec<u128>> {
    let mut list: Vec<Vec<u128>> = families.into_iter().collect();
    // Families with few blocks tend to be the strong ones; try them first.
    list.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    let mut kept: Vec<Vec<u128>> = Vec::new();
    for family in list {
        if kept.iter().any(|strong| implies(strong, &family)) {
            continue;
        }
        kept.retain(|weak| !implies(&family, weak));
        kept.push(family);
    }
    kept.into_iter().collect()
}
