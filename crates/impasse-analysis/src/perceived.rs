//! The zone of agreement when the two sides of a conflict perceive the balance of power
//! differently: the "way out" of Zartman's ripeness (bargaining-models §3.1).
//!
//! A party whose reservation value derives from the conflict values continuing it at
//! `W_i(x) = x·u_i(victory_a) + (1 − x)·u_i(victory_b) − c_i`, where `x` is the probability that
//! side A prevails *as that party perceives it*. Here side A's parties use side A's perceived
//! balance `x_A` and side B's parties side B's `x_B`; a party on neither side keeps today's stated
//! balance (it is an observer that does not learn from the fighting). Fixed reservation values do
//! not move. A package is acceptable to a party exactly as for the zone
//! (`key(u_i − penalties) >= key(W_i)` at the scenario's tie rule), and must cross no absolute red line and meet every
//! precondition.
//!
//! For one package, the perceived balances at which every party accepts it form a rectangle
//! `[a_lo, a_hi] × [b_lo, b_hi]` (each party's acceptance is an interval of its own side's
//! balance, located on the floats as [`crate::ripeness`] does; within [`EDGE`] of an edge, where
//! the rounding of `W_i` can make acceptance flicker over a few floats, packages are tested
//! exactly). The perceived zone at
//! `(x_A, x_B)` is the set of packages whose rectangle contains the point; it is open when that set
//! is non-empty. With `x_A = x_B = b` it is the zone at balance `b`, so
//! [`PerceivedZone::is_open`]`(b, b)` holds exactly on [`crate::Ripeness::balance_intervals`].
//!
//! [`PerceivedZone::agreement`] returns the Nash solution of the perceived zone (the zone's
//! conventions, [`crate::solutions`], with the perceived war values as the disagreement point).

use impasse_core::{Reservation, Ties};

use crate::clash::falls_short;
use crate::frontier::FrontBuilder;
use crate::prepared::Prepared;
use crate::ripeness::{Model, war};
use crate::{AnalysisConfig, AnalysisError};

/// The most packages with a non-empty rectangle a perceived zone holds.
pub const MAX_RECTANGLES: usize = 1 << 21;

/// How far inside a rectangle a point must lie to be decided by the rectangle alone; closer to an
/// edge, the packages are tested exactly.
pub const EDGE: f64 = 1e-6;

/// Which perceived balance a party's reservation value follows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Follows {
    /// A fixed reservation value, or a conflict-derived one of a party on neither side (today's
    /// balance): the package was checked once, when the zone was built.
    Nothing,
    /// Side A's perceived balance.
    A,
    /// Side B's perceived balance.
    B,
}

#[derive(Clone, Debug)]
struct PartyModel {
    follows: Follows,
    victory_a: f64,
    victory_b: f64,
    cost: f64,
    /// The reservation value when it does not follow a perceived balance.
    fixed: f64,
}

/// A package and the perceived balances at which every party accepts it.
#[derive(Clone, PartialEq, Debug)]
pub struct Rectangle {
    /// The class outcome's index in the prepared space.
    pub index: u64,
    /// Side A's perceived balances at which A's parties accept it (closed interval).
    pub a: (f64, f64),
    /// Side B's perceived balances at which B's parties accept it (closed interval).
    pub b: (f64, f64),
}

impl Rectangle {
    /// Whether the rectangle contains `(x_a, x_b)`.
    #[inline]
    pub fn contains(&self, x_a: f64, x_b: f64) -> bool {
        self.a.0 <= x_a && x_a <= self.a.1 && self.b.0 <= x_b && x_b <= self.b.1
    }

    /// Whether the rectangle shrunk by `margin` on every side (widened when negative) contains the
    /// point.
    #[inline]
    fn contains_inside(&self, x_a: f64, x_b: f64, margin: f64) -> bool {
        self.a.0 + margin <= x_a
            && x_a <= self.a.1 - margin
            && self.b.0 + margin <= x_b
            && x_b <= self.b.1 - margin
    }

    fn within(&self, other: &Rectangle) -> bool {
        other.a.0 <= self.a.0
            && self.a.1 <= other.a.1
            && other.b.0 <= self.b.0
            && self.b.1 <= other.b.1
    }
}

/// The agreement of a perceived zone: its Nash solution.
#[derive(Clone, PartialEq, Debug)]
pub struct PerceivedAgreement {
    /// The class outcome's index.
    pub index: u64,
    /// Its representative package (value indices of the scenario's issues).
    pub package: Vec<u32>,
    /// Every party's utility after red-line penalties.
    pub utilities: Vec<f64>,
    /// Every party's reservation value at the perceived balances.
    pub reservations: Vec<f64>,
    /// How many packages of the original space the perceived zone holds.
    pub zone_size: u128,
}

/// The zone of agreement as a function of the two sides' perceived balances of power.
#[derive(Clone, Debug)]
pub struct PerceivedZone {
    parties: Vec<PartyModel>,
    /// Every package with a non-empty rectangle, in index order, with its keys after penalties
    /// (`keys[r * n_parties..]`), its values and its weight.
    rectangles: Vec<Rectangle>,
    keys: Vec<i64>,
    values: Vec<f64>,
    weights: Vec<u128>,
    packages: Vec<Vec<u32>>,
    /// The rectangles not contained in another: enough to decide whether the zone is open.
    maximal: Vec<Rectangle>,
    hard_feasible: bool,
    cap: usize,
    /// The scenario's tie rule.
    ties: Ties,
}

struct Acc {
    rectangles: Vec<Rectangle>,
    keys: Vec<i64>,
    values: Vec<f64>,
    weights: Vec<u128>,
    packages: Vec<Vec<u32>>,
    hard_feasible: bool,
    overflow: bool,
}

impl PerceivedZone {
    /// Builds the perceived zone of a prepared scenario.
    ///
    /// # Errors
    ///
    /// [`AnalysisError::NoConflict`] without a conflict model, and
    /// [`AnalysisError::TooManyRectangles`] when more than [`MAX_RECTANGLES`] packages are
    /// acceptable at some perceived balances.
    pub fn new(
        prepared: &Prepared,
        config: &AnalysisConfig,
    ) -> Result<PerceivedZone, AnalysisError> {
        let scenario = prepared.scenario;
        let (Some(conflict), Some(balance)) = (scenario.conflict(), scenario.balance()) else {
            return Err(AnalysisError::NoConflict);
        };
        let model = Model::new(prepared, balance);
        let parties: Vec<PartyModel> = model
            .parties
            .iter()
            .enumerate()
            .map(|(idx, party)| {
                let follows = if !party.conflict {
                    Follows::Nothing
                } else if conflict.side_a.contains(&idx) {
                    Follows::A
                } else if conflict.side_b.contains(&idx) {
                    Follows::B
                } else {
                    Follows::Nothing
                };
                let fixed = match scenario.parties()[idx].reservation {
                    Reservation::Value(value) => value,
                    Reservation::Conflict => {
                        war(party.victory_a, party.victory_b, balance, party.cost)
                    }
                };
                PartyModel {
                    follows,
                    victory_a: party.victory_a,
                    victory_b: party.victory_b,
                    cost: party.cost,
                    fixed,
                }
            })
            .collect();
        let n = parties.len();
        let acc = prepared.par_fold(
            || Acc {
                rectangles: Vec::new(),
                keys: Vec::new(),
                values: Vec::new(),
                weights: Vec::new(),
                packages: Vec::new(),
                hard_feasible: false,
                overflow: false,
            },
            |acc, index, outcome| {
                if acc.overflow
                    || model.absolute.iter().any(|&line| !prepared.red_lines[line].eval(outcome))
                    || prepared.preconditions.iter().any(|pre| !pre.eval(outcome))
                {
                    return;
                }
                acc.hard_feasible = true;
                let mut a = (0.0f64, 1.0f64);
                let mut b = (0.0f64, 1.0f64);
                let start = acc.values.len();
                for (party, (party_model, follows)) in
                    model.parties.iter().zip(parties.iter().map(|p| p.follows)).enumerate()
                {
                    let mut penalty = 0.0;
                    for &(line, amount) in &party_model.finite {
                        if !prepared.red_lines[line].eval(outcome) {
                            penalty += amount;
                        }
                    }
                    let value = prepared.utilities[party].eval(outcome) - penalty;
                    acc.values.push(value);
                    let range = match follows {
                        Follows::Nothing => {
                            if falls_short(value, party_model.today_floor) {
                                None
                            } else {
                                Some((0.0, 1.0))
                            }
                        }
                        Follows::A | Follows::B => {
                            model.balance_range(party, model.ties.key(value))
                        }
                    };
                    let Some((low, high)) = range else {
                        acc.values.truncate(start);
                        return;
                    };
                    let side = if follows == Follows::B { &mut b } else { &mut a };
                    side.0 = side.0.max(low);
                    side.1 = side.1.min(high);
                    if side.0 > side.1 {
                        acc.values.truncate(start);
                        return;
                    }
                }
                if acc.rectangles.len() >= MAX_RECTANGLES {
                    acc.overflow = true;
                    return;
                }
                acc.keys.extend(acc.values[start..].iter().map(|&value| model.ties.key(value)));
                acc.weights.push(prepared.weight(outcome));
                acc.packages.push(prepared.representative(outcome));
                acc.rectangles.push(Rectangle { index, a, b });
            },
            |mut left, right| {
                left.hard_feasible |= right.hard_feasible;
                left.overflow |= right.overflow
                    || left.rectangles.len() + right.rectangles.len() > MAX_RECTANGLES;
                if !left.overflow {
                    left.rectangles.extend(right.rectangles);
                    left.keys.extend(right.keys);
                    left.values.extend(right.values);
                    left.weights.extend(right.weights);
                    left.packages.extend(right.packages);
                }
                left
            },
        );
        if acc.overflow {
            return Err(AnalysisError::TooManyRectangles { limit: MAX_RECTANGLES });
        }
        debug_assert_eq!(acc.keys.len(), acc.rectangles.len() * n);
        Ok(PerceivedZone {
            maximal: maximal(&acc.rectangles),
            parties,
            rectangles: acc.rectangles,
            keys: acc.keys,
            values: acc.values,
            weights: acc.weights,
            packages: acc.packages,
            hard_feasible: acc.hard_feasible,
            cap: config.max_frontier.saturating_sub(1),
            ties: model.ties,
        })
    }

    /// Whether some package crosses no absolute red line and meets every precondition. When none
    /// does, no perceived balances open the zone.
    pub fn hard_feasible(&self) -> bool {
        self.hard_feasible
    }

    /// Every package acceptable at some perceived balances, with its rectangle, in index order.
    pub fn rectangles(&self) -> &[Rectangle] {
        &self.rectangles
    }

    /// The rectangles contained in no other, in decreasing order of area: their union is where the
    /// zone is open.
    pub fn maximal(&self) -> &[Rectangle] {
        &self.maximal
    }

    /// Whether the zone is open when side A perceives its chance of prevailing as `x_a` and side B
    /// perceives it (A's chance) as `x_b`.
    ///
    /// A point well inside a maximal rectangle is decided by it; near rectangle edges, where the
    /// rounding of `W_i` may make acceptance flicker over a few floats, every package whose
    /// rectangle comes within [`EDGE`] is tested exactly, as the zone does.
    pub fn is_open(&self, x_a: f64, x_b: f64) -> bool {
        if self.maximal.iter().any(|rect| rect.contains_inside(x_a, x_b, EDGE)) {
            return true;
        }
        let reservation_keys = self.reservation_keys(x_a, x_b);
        (0..self.rectangles.len()).any(|r| self.accepts(r, x_a, x_b, &reservation_keys))
    }

    fn reservation_keys(&self, x_a: f64, x_b: f64) -> Vec<i64> {
        self.reservations(x_a, x_b).iter().map(|&value| self.ties.key(value)).collect()
    }

    /// Whether every party accepts rectangle `r`'s package at the perceived balances (exactly).
    fn accepts(&self, r: usize, x_a: f64, x_b: f64, reservation_keys: &[i64]) -> bool {
        let n = self.parties.len();
        self.rectangles[r].contains_inside(x_a, x_b, -EDGE)
            && self.keys[r * n..(r + 1) * n]
                .iter()
                .zip(reservation_keys)
                .all(|(key, reservation)| key >= reservation)
    }

    /// Every party's reservation value at the perceived balances.
    pub fn reservations(&self, x_a: f64, x_b: f64) -> Vec<f64> {
        self.parties
            .iter()
            .map(|party| match party.follows {
                Follows::Nothing => party.fixed,
                Follows::A => war(party.victory_a, party.victory_b, x_a, party.cost),
                Follows::B => war(party.victory_a, party.victory_b, x_b, party.cost),
            })
            .collect()
    }

    /// The Nash solution of the perceived zone at `(x_a, x_b)`, or `None` when it is closed.
    pub fn agreement(&self, x_a: f64, x_b: f64) -> Option<PerceivedAgreement> {
        let n = self.parties.len();
        let reservations = self.reservations(x_a, x_b);
        let reservation_keys: Vec<i64> =
            reservations.iter().map(|&value| self.ties.key(value)).collect();
        let mut builder = FrontBuilder::new(n, self.cap);
        let mut zone_size = 0u128;
        let mut position = std::collections::HashMap::new();
        for (r, rect) in self.rectangles.iter().enumerate() {
            if self.accepts(r, x_a, x_b, &reservation_keys) {
                builder.push(&self.keys[r * n..(r + 1) * n], rect.index, self.weights[r]);
                zone_size += self.weights[r];
                position.insert(rect.index, r);
            }
        }
        if zone_size == 0 {
            return None;
        }
        let chosen = crate::solutions::solve(&builder.finish(), &reservation_keys);
        let index = chosen.nash?;
        let r = position[&index];
        Some(PerceivedAgreement {
            index,
            package: self.packages[r].clone(),
            utilities: self.values[r * n..(r + 1) * n].to_vec(),
            reservations,
            zone_size,
        })
    }
}

/// The rectangles contained in no other (the first of equal ones), largest first.
fn maximal(rectangles: &[Rectangle]) -> Vec<Rectangle> {
    let mut order: Vec<&Rectangle> = rectangles.iter().collect();
    let area = |rect: &Rectangle| (rect.a.1 - rect.a.0) * (rect.b.1 - rect.b.0);
    order.sort_by(|x, y| area(y).total_cmp(&area(x)).then(x.index.cmp(&y.index)));
    let mut kept: Vec<Rectangle> = Vec::new();
    for rect in order {
        if !kept.iter().any(|other| rect.within(other)) {
            kept.push(rect.clone());
        }
    }
    kept
}

#[cfg(test)]
mod tests;
