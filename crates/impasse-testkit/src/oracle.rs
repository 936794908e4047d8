//! Brute-force oracles: every answer computed by its definition over every package of the
//! ORIGINAL outcome space (no value classes, no chunks, no cleverness), quadratic where the
//! definition is. Only for small spaces.
//!
//! Definitions (as documented by `impasse-analysis`):
//! - a package's utility after penalties is `u_i − Σ` penalties of party `i`'s finite red lines it
//!   crosses; it is acceptable to `i` when `key(u_i − pen_i) >= key(r_i)`, with the scenario's
//!   tie keys ([`impasse_core::Scenario::ties`]);
//! - the zone: packages that respect every absolute red line and precondition and are acceptable
//!   to everyone;
//! - the frontier of the space compares tie keys of utilities before penalties, the zone frontier
//!   tie keys after penalties, among zone packages only; `a` dominates `b` when it is at least as
//!   good for everyone and better for someone;
//! - the solutions maximise over the zone, with gains `g_i = key(u_i − pen_i) − key(r_i)`: Nash
//!   `Π g_i`, as `Σ ln g_i` (so that many parties cannot overflow it) with values within `1e-12`
//!   of the maximum counted as maximal; Kalai–Smorodinsky `min g_i / G_i` (`G_i` the best gain of
//!   `i` in the zone; ratio 1 when `G_i = 0`) in floating point with values within `1e-12·|max|`
//!   of the maximum counted as maximal; egalitarian `min g_i` and utilitarian `Σ key(u_i − pen_i)` exactly; among
//!   maximisers, the lexicographically largest keys win, then the lowest package index;
//! - closest packages rank by worst shortfall `max_i max(0, key(r_i) − key(u_i − pen_i))`, then
//!   total shortfall, then index, among hard-feasible packages if there are any, else among all.

use impasse_core::{CrossingCost, OutcomeSpace, Scenario};

/// One package, evaluated.
#[derive(Clone, Debug, PartialEq)]
pub struct Package {
    /// Its index in the scenario's outcome space.
    pub index: u64,
    /// Its value indices.
    pub outcome: Vec<u32>,
    /// Per party, the utility before penalties.
    pub utilities: Vec<f64>,
    /// Per party, the utility after penalties.
    pub net: Vec<f64>,
    /// Tie keys of `utilities`.
    pub keys: Vec<i64>,
    /// Tie keys of `net`.
    pub net_keys: Vec<i64>,
    /// Respects every absolute red line and every precondition.
    pub hard_ok: bool,
    /// Acceptable to every party (ignoring hard constraints).
    pub acceptable: bool,
}

impl Package {
    /// In the zone of agreement.
    pub fn in_zone(&self) -> bool {
        self.hard_ok && self.acceptable
    }
}

/// The brute-force view of a scenario.
#[derive(Clone, Debug)]
pub struct Oracle {
    /// Every package, in index order.
    pub packages: Vec<Package>,
    /// Tie keys of the reservation values.
    pub reservation_keys: Vec<i64>,
}

fn dominates(a: &[i64], b: &[i64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x >= y) && a.iter().zip(b).any(|(x, y)| x > y)
}

/// The solutions' chosen package indices.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Chosen {
    /// Nash.
    pub nash: Option<u64>,
    /// Kalai–Smorodinsky.
    pub kalai_smorodinsky: Option<u64>,
    /// Egalitarian.
    pub egalitarian: Option<u64>,
    /// Utilitarian.
    pub utilitarian: Option<u64>,
}

/// A proposal's brute-force score.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposalOracle {
    /// Per party, lowest and highest utility after penalties over completions.
    pub utilities: Vec<(f64, f64)>,
    /// Per party: every completion acceptable, none, or some.
    pub acceptable: Vec<Option<bool>>,
    /// Red lines crossed by every completion.
    pub crossed_always: Vec<usize>,
    /// Red lines crossed by some but not all completions.
    pub crossed_sometimes: Vec<usize>,
    /// Preconditions violated by every completion.
    pub violated_always: Vec<usize>,
    /// Preconditions violated by some but not all completions.
    pub violated_sometimes: Vec<usize>,
    /// Some completion is in the zone.
    pub in_zone: bool,
    /// Number of completions.
    pub completions: u128,
}

impl Oracle {
    /// Evaluates every package of the scenario (whose space must be small).
    pub fn new(scenario: &Scenario) -> Oracle {
        let ties = scenario.ties();
        let reservation_keys: Vec<i64> =
            scenario.reservation_values().iter().map(|&r| ties.key(r)).collect();
        let space = scenario.space();
        let size = space.size().unwrap_or(0);
        let mut packages = Vec::new();
        let mut outcome = vec![0u32; space.n_issues()];
        for index in 0..size {
            space.decode(index, &mut outcome);
            let utilities: Vec<f64> =
                scenario.parties().iter().map(|party| party.utility.eval(&outcome)).collect();
            // The penalty, written out rather than through `Scenario::penalty`.
            let mut net = utilities.clone();
            for line in scenario.red_lines() {
                if let CrossingCost::Penalty(amount) = line.cost
                    && !line.requires.eval(&outcome)
                {
                    net[line.party] -= amount;
                }
            }
            let absolute_ok = scenario
                .red_lines()
                .iter()
                .all(|line| line.cost != CrossingCost::Absolute || line.requires.eval(&outcome));
            let preconditions_ok =
                scenario.preconditions().iter().all(|pre| pre.requires.eval(&outcome));
            let keys: Vec<i64> = utilities.iter().map(|&u| ties.key(u)).collect();
            let net_keys: Vec<i64> = net.iter().map(|&u| ties.key(u)).collect();
            let acceptable = net_keys.iter().zip(&reservation_keys).all(|(k, r)| k >= r);
            packages.push(Package {
                index,
                outcome: outcome.clone(),
                utilities,
                net,
                keys,
                net_keys,
                hard_ok: absolute_ok && preconditions_ok,
                acceptable,
            });
        }
        Oracle { packages, reservation_keys }
    }

    /// Packages in the zone.
    pub fn zone_size(&self) -> u128 {
        self.packages.iter().filter(|p| p.in_zone()).count() as u128
    }

    /// Packages respecting every absolute red line and precondition.
    pub fn hard_feasible(&self) -> u128 {
        self.packages.iter().filter(|p| p.hard_ok).count() as u128
    }

    /// Indices of the packages on the frontier of the whole space (keys before penalties), by the
    /// definition: those no package dominates. Quadratic.
    pub fn frontier(&self) -> Vec<u64> {
        self.packages
            .iter()
            .filter(|p| !self.packages.iter().any(|q| dominates(&q.keys, &p.keys)))
            .map(|p| p.index)
            .collect()
    }

    /// Indices of the packages on the zone's frontier (keys after penalties, zone packages only),
    /// by the definition. Quadratic.
    pub fn zone_frontier(&self) -> Vec<u64> {
        let zone: Vec<&Package> = self.packages.iter().filter(|p| p.in_zone()).collect();
        zone.iter()
            .filter(|p| !zone.iter().any(|q| dominates(&q.net_keys, &p.net_keys)))
            .map(|p| p.index)
            .collect()
    }

    /// [`Oracle::frontier`] for larger spaces, in `O(n·F)`: a dominated package is dominated by
    /// some frontier package (dominance is transitive and the space finite), and a dominating
    /// package has a larger key sum, so checking packages by decreasing key sum against the
    /// frontier packages found so far is enough. Ascending indices.
    pub fn frontier_by_sum(&self) -> Vec<u64> {
        by_sum(self.packages.iter().map(|p| (p.index, &p.keys)))
    }

    /// [`Oracle::zone_frontier`] in `O(n·F)`, as [`Oracle::frontier_by_sum`].
    pub fn zone_frontier_by_sum(&self) -> Vec<u64> {
        by_sum(self.packages.iter().filter(|p| p.in_zone()).map(|p| (p.index, &p.net_keys)))
    }

    fn gains(&self, package: &Package) -> Vec<i128> {
        package
            .net_keys
            .iter()
            .zip(&self.reservation_keys)
            .map(|(&k, &r)| i128::from(k) - i128::from(r))
            .collect()
    }

    /// Among zone packages with objective within `relative·|max| + absolute` of the maximum, the
    /// tie-break winner.
    fn argmax(
        &self,
        objective: &dyn Fn(&Package) -> f64,
        relative: f64,
        absolute: f64,
    ) -> Option<u64> {
        let zone: Vec<&Package> = self.packages.iter().filter(|p| p.in_zone()).collect();
        let best = zone.iter().map(|p| objective(p)).fold(f64::NEG_INFINITY, f64::max);
        let threshold =
            if best == f64::NEG_INFINITY { best } else { best - relative * best.abs() - absolute };
        let mut winners: Vec<&&Package> =
            zone.iter().filter(|p| objective(p) >= threshold).collect();
        // Largest keys first, then lowest index.
        winners.sort_by(|a, b| b.net_keys.cmp(&a.net_keys).then(a.index.cmp(&b.index)));
        winners.first().map(|p| p.index)
    }

    /// The four solutions, by definition over every zone package.
    pub fn solutions(&self) -> Chosen {
        let parties = self.reservation_keys.len();
        let zone: Vec<&Package> = self.packages.iter().filter(|p| p.in_zone()).collect();
        let best_gain: Vec<i128> = (0..parties)
            .map(|i| zone.iter().map(|p| self.gains(p)[i]).max().unwrap_or(0))
            .collect();
        let nash = |p: &Package| {
            self.gains(p)
                .iter()
                .map(|&g| if g > 0 { (g as f64).ln() } else { f64::NEG_INFINITY })
                .sum::<f64>()
        };
        let ks = |p: &Package| {
            self.gains(p)
                .iter()
                .zip(&best_gain)
                .map(|(&g, &top)| if top == 0 { 1.0 } else { g as f64 / top as f64 })
                .fold(f64::INFINITY, f64::min)
        };
        // Exact objectives on integers, converted for the shared argmax only after comparison
        // would lose nothing: keys are below 2^53 in tests.
        let egal = |p: &Package| self.gains(p).into_iter().min().unwrap_or(0) as f64;
        let util = |p: &Package| p.net_keys.iter().map(|&k| i128::from(k)).sum::<i128>() as f64;
        Chosen {
            nash: self.argmax(&nash, 0.0, 1e-12),
            kalai_smorodinsky: self.argmax(&ks, 1e-12, 0.0),
            egalitarian: self.argmax(&egal, 0.0, 0.0),
            utilitarian: self.argmax(&util, 0.0, 0.0),
        }
    }

    /// All candidates for "closest to agreement", ranked: `(worst, total, index)` in tie-key
    /// units, among hard-feasible packages if any, else among all.
    pub fn closest_ranking(&self) -> Vec<(i64, i128, u64)> {
        let any_hard = self.packages.iter().any(|p| p.hard_ok);
        let mut ranked: Vec<(i64, i128, u64)> = self
            .packages
            .iter()
            .filter(|p| p.hard_ok || !any_hard)
            .map(|p| {
                let shorts: Vec<i64> = p
                    .net_keys
                    .iter()
                    .zip(&self.reservation_keys)
                    .map(|(&k, &r)| r.saturating_sub(k).max(0))
                    .collect();
                let worst = shorts.iter().copied().max().unwrap_or(0);
                let total = shorts.iter().map(|&s| i128::from(s)).sum();
                (worst, total, p.index)
            })
            .collect();
        ranked.sort();
        ranked
    }

    /// Scores proposal `index` of the scenario by enumerating its completions.
    pub fn proposal(&self, scenario: &Scenario, index: usize) -> ProposalOracle {
        let proposal = &scenario.proposals()[index];
        let matches = |p: &&Package| {
            proposal
                .package
                .iter()
                .zip(&p.outcome)
                .all(|(want, &got)| want.is_none_or(|v| v == got))
        };
        let completions: Vec<&Package> = self.packages.iter().filter(matches).collect();
        let parties = self.reservation_keys.len();
        let utilities = (0..parties)
            .map(|i| {
                let values = completions.iter().map(|p| p.net[i]);
                (
                    values.clone().fold(f64::INFINITY, f64::min),
                    values.fold(f64::NEG_INFINITY, f64::max),
                )
            })
            .collect();
        let acceptable = (0..parties)
            .map(|i| {
                // Party i accepts a package that reaches its reservation value and crosses none of
                // its own absolute red lines or preconditions.
                let own_hard_ok = |p: &Package| {
                    scenario.red_lines().iter().all(|line| {
                        line.party != i
                            || line.cost != impasse_core::CrossingCost::Absolute
                            || line.requires.eval(&p.outcome)
                    }) && scenario
                        .preconditions()
                        .iter()
                        .all(|pre| pre.party != i || pre.requires.eval(&p.outcome))
                };
                let ok = completions
                    .iter()
                    .filter(|p| p.net_keys[i] >= self.reservation_keys[i] && own_hard_ok(p))
                    .count();
                if ok == completions.len() {
                    Some(true)
                } else if ok == 0 {
                    Some(false)
                } else {
                    None
                }
            })
            .collect();
        let split = |fails: &dyn Fn(&Package, usize) -> bool, n: usize| {
            let mut always = Vec::new();
            let mut sometimes = Vec::new();
            for idx in 0..n {
                let count = completions.iter().filter(|p| fails(p, idx)).count();
                if count == completions.len() && count > 0 {
                    always.push(idx);
                } else if count > 0 {
                    sometimes.push(idx);
                }
            }
            (always, sometimes)
        };
        let (crossed_always, crossed_sometimes) = split(
            &|p, idx| !scenario.red_lines()[idx].requires.eval(&p.outcome),
            scenario.red_lines().len(),
        );
        let (violated_always, violated_sometimes) = split(
            &|p, idx| !scenario.preconditions()[idx].requires.eval(&p.outcome),
            scenario.preconditions().len(),
        );
        ProposalOracle {
            utilities,
            acceptable,
            crossed_always,
            crossed_sometimes,
            violated_always,
            violated_sometimes,
            in_zone: completions.iter().any(|p| p.in_zone()),
            completions: completions.len() as u128,
        }
    }
}

fn by_sum<'a>(points: impl Iterator<Item = (u64, &'a Vec<i64>)>) -> Vec<u64> {
    let mut points: Vec<(i128, u64, &Vec<i64>)> = points
        .map(|(index, keys)| (keys.iter().map(|&k| i128::from(k)).sum(), index, keys))
        .collect();
    points.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut kept: Vec<(u64, &Vec<i64>)> = Vec::new();
    for (_, index, keys) in points {
        if !kept.iter().any(|(_, other)| dominates(other, keys)) {
            kept.push((index, keys));
        }
    }
    let mut indices: Vec<u64> = kept.into_iter().map(|(index, _)| index).collect();
    indices.sort_unstable();
    indices
}

/// The number of packages of a space (for checks on sizes), saturating.
pub fn space_size(space: &OutcomeSpace) -> u128 {
    space.radices().iter().fold(1u128, |acc, &r| acc.saturating_mul(u128::from(r)))
}
