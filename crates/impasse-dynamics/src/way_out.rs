//! M5 with the multi-issue way out: the battlefield with learning, settled when the zone of
//! agreement *as the sides perceive it* opens (bargaining-models §2.6 and §3.1).
//!
//! # The war
//!
//! The front moves as in [`crate::battlefield`]: at `j ∈ {0, …, N}`, B advances with probability
//! `q` per battle; `0` is a decision for A and `N` one for B. Each side holds a Beta prior on `q`,
//! both observe every battle, and each values the war at its **perceived balance**: the
//! probability that A prevails, averaged over its posterior,
//!
//! ```text
//! x_i(t, j) = E_{q ~ Beta(α_i + w, β_i + l)} [ 1 − R(N, j, q) ],   R(N, j, q) = (1 − ρ^j)/(1 − ρ^N),  ρ = (1 − q)/q
//! ```
//!
//! after `w` battles won by B and `l` lost (`w − l = j − k`, `w + l = t`). This is the posterior
//! predictive probability of prevailing from the current front (the battles are exchangeable given
//! `q`). It is computed by quadrature ([`Perception`]); the tests check it against a Pólya-urn
//! simulation of the predictive walk and against the closed form for a concentrated belief.
//!
//! # The settlement rule (a **behavioural approximation**, not an equilibrium)
//!
//! The war ends by agreement in the first round in which the zone of agreement at the perceived
//! balances is open (a [`WayOut`]): for a scenario, side A's parties value the war at `x_A`, side
//! B's at `x_B`, every red line and precondition holds (see `impasse_analysis::perceived`). It
//! ends by decision when the front is absorbed first, and is still going at the horizon otherwise.
//! This replaces the one-prize convergence rule (`p̂_B − p̂_A ≤ c_A + c_B`) when the prize is a
//! package of issues with red lines: beliefs may converge and still leave no package both sides
//! accept.
//!
//! # Payoffs
//!
//! Utilities are per-round values and costs per-round flows, discounted by `δ` per round and
//! normalised by `1 − δ` (so that a package held forever is worth its utility): ending at round
//! `t` with package `x` is worth `−c_i (1 − δ^t) + δ^t u_i(x)` to side `i` (its mean utility over
//! its parties). A war still going at the horizon `H` is worth `−c_i (1 − δ^H) + δ^H W_i`, with
//! `W_i = P·u_i(victory_A) + (1 − P)·u_i(victory_B) − c_i` at the true odds `P` of A prevailing
//! from the front (Fearon's war value, which is what the static analysis uses).
//!
//! The state `(t, j)` fixes both beliefs, so the whole distribution of the end is computed exactly
//! by propagating the front's distribution ([`WayOutWar::exact`]); the Monte Carlo run
//! ([`WayOutWar::simulate`]) is the same walk sampled.
//!
//! # Ripeness (Zartman; §3.1's formalisation)
//!
//! At a state and for a window of `W` rounds, side `i`:
//!
//! - is in a **stalemate** when `Pr_i(i prevails within W rounds) < ε`;
//! - is **hurting** when fighting on for `W` rounds costs more than it expects to gain by it:
//!   `c_i · E_i[1 − δ^min(τ, W)] > S_i · E_i[δ^τ (1{i prevails by W} − 1{i loses by W})]`, with
//!   `c_i` its per-round cost, `S_i` its stake (utility units, [`crate::conflict`]) and `δ` the
//!   per-round discount factor (both sides normalised as below);
//!
//! each by its own beliefs. There is a **way out** when the perceived zone is open. The conflict
//! is ripe when both sides are in a hurting stalemate and there is a way out ([`Ripeness`]).

use rand::Rng as _;
use rayon::prelude::*;

use crate::ParamError;
use crate::battlefield::{Battlefield, Beta, ExactPath, battle, ruin_closed_form, settling_path};
use crate::mc::{self, End, Outcome, Summary};

/// Quadrature nodes per perceived balance.
pub const NODES: usize = 512;

/// The most states `(horizon + 1)·(front_length + 1)` a war may have: each needs two quadratures.
pub const MAX_STATES: u64 = 1 << 20;

/// Whether a deal exists at given perceived balances, and which.
pub trait WayOut: Sync {
    /// Whether some package is acceptable to every party when side A perceives its chance of
    /// prevailing as `x_a` and side B perceives A's chance as `x_b`.
    fn open(&self, x_a: f64, x_b: f64) -> bool;

    /// The deal struck when the zone is open at `(x_a, x_b)`; `None` when it is closed.
    fn deal(&self, x_a: f64, x_b: f64) -> Option<Deal>;
}

/// A deal: the package chosen and what it is worth to each side.
#[derive(Clone, PartialEq, Debug)]
pub struct Deal {
    /// An identifier of the package (for a scenario: its class outcome index).
    pub package: u64,
    /// Side A's value of it (utility units).
    pub value_a: f64,
    /// Side B's value of it.
    pub value_b: f64,
}

/// What each side gets from each end, and pays per round, in utility units.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Values {
    /// Side A's value of its own victory package.
    pub a_if_a_wins: f64,
    /// Side A's value of B's victory package.
    pub a_if_b_wins: f64,
    /// Side B's value of A's victory package.
    pub b_if_a_wins: f64,
    /// Side B's value of its own victory package.
    pub b_if_b_wins: f64,
    /// Side A's cost per round fought.
    pub cost_a: f64,
    /// Side B's cost per round fought.
    pub cost_b: f64,
}

impl Values {
    /// Side A's stake: its own victory against B's.
    pub fn stake_a(&self) -> f64 {
        self.a_if_a_wins - self.a_if_b_wins
    }

    /// Side B's stake.
    pub fn stake_b(&self) -> f64 {
        self.b_if_b_wins - self.b_if_a_wins
    }
}

/// Expectations over a Beta belief by quadrature: [`NODES`] midpoints over the belief's bulk
/// (twelve standard deviations either side of the mean, within `(0, 1)`), weighted by the density.
#[derive(Clone, Debug)]
pub struct Perception {
    nodes: Vec<f64>,
    weights: Vec<f64>,
}

impl Perception {
    /// The quadrature of `Beta(alpha, beta)`.
    pub fn new(alpha: f64, beta: f64) -> Perception {
        let n = alpha + beta;
        let denominator = n * n * (n + 1.0);
        let (mean, sd) = if denominator.is_finite() {
            (alpha / n, (alpha * beta / denominator).sqrt())
        } else {
            // `α + β` (or its cube) overflows: the same moments without the overflowing products.
            let mean = impasse_core::share_of_first(&[alpha], &[beta]);
            (mean, (mean * (1.0 - mean) / (n + 1.0)).sqrt())
        };
        let low = (mean - 12.0 * sd).max(0.0);
        let high = (mean + 12.0 * sd).min(1.0);
        let width = (high - low) / NODES as f64;
        let nodes: Vec<f64> = (0..NODES)
            .map(|i| low + (i as f64 + 0.5) * width)
            .filter(|&q| q > 0.0 && q < 1.0)
            .collect();
        let logs: Vec<f64> =
            nodes.iter().map(|&q| (alpha - 1.0) * q.ln() + (beta - 1.0) * (1.0 - q).ln()).collect();
        let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut weights: Vec<f64> = logs.iter().map(|&l| (l - top).exp()).collect();
        let total: f64 = weights.iter().sum();
        weights.iter_mut().for_each(|w| *w /= total);
        Perception { nodes, weights }
    }

    /// `E[f(q)]`.
    pub fn expect(&self, f: impl Fn(f64) -> f64) -> f64 {
        self.nodes.iter().zip(&self.weights).map(|(&q, &w)| w * f(q)).sum()
    }
}

/// The probability that A prevails from front `j` of an `n`-step field, as a side with belief
/// `Beta(alpha, beta)` on `q` perceives it: `E[1 − R(n, j, q)]`.
pub fn perceived_balance(n: u32, j: u32, alpha: f64, beta: f64) -> f64 {
    Perception::new(alpha, beta).expect(|q| 1.0 - ruin_closed_form(n, j, q))
}

/// A side's outlook over a window of rounds, by its own beliefs (see the module docs).
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Outlook {
    /// The probability that A prevails eventually (the perceived balance).
    pub balance: f64,
    /// Pr(this side prevails within the window).
    pub wins_within: f64,
    /// Pr(this side loses within the window).
    pub loses_within: f64,
    /// E[rounds fought within the window], `E[min(τ, W)]`.
    pub rounds_within: f64,
    /// `E[δ^τ 1{this side prevails by W}]`.
    pub wins_discounted: f64,
    /// `E[δ^τ 1{this side loses by W}]`.
    pub loses_discounted: f64,
    /// `E[1 − δ^min(τ, W)]`: the normalised discounted weight of fighting on.
    pub fighting_weight: f64,
}

/// One side's half of the ripeness indicator.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct SideRipeness {
    /// The side's outlook by its own beliefs.
    pub outlook: Outlook,
    /// `Pr(prevails within W) < ε`.
    pub stalemate: bool,
    /// Its cost of fighting on for the window: `c_i · E_i[1 − δ^min(τ, W)]`.
    pub cost_of_fighting_on: f64,
    /// What it expects to gain by it: `S_i · E_i[δ^τ (1{win by W} − 1{lose by W})]`.
    pub expected_gain: f64,
    /// `cost_of_fighting_on > expected_gain`.
    pub hurting: bool,
}

/// Zartman's ripeness at a state, computed ex ante from the models.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Ripeness {
    /// The window `W` in rounds.
    pub window: u32,
    /// The stalemate threshold `ε`.
    pub epsilon: f64,
    /// Side A.
    pub a: SideRipeness,
    /// Side B.
    pub b: SideRipeness,
    /// Whether the perceived zone is open.
    pub way_out: bool,
    /// Mutually hurting stalemate: both sides stalemated and hurting.
    pub mutually_hurting_stalemate: bool,
    /// MHS and a way out.
    pub ripe: bool,
}

/// The battlefield with learning, settled when the perceived zone opens.
#[derive(Clone, Debug)]
pub struct WayOutWar<'z, Z: WayOut> {
    battlefield: Battlefield,
    belief_a: Beta,
    belief_b: Beta,
    values: Values,
    discount: f64,
    horizon: u32,
    zone: &'z Z,
    /// Per state `(t, j)` (index `t·(N+1) + j`), for reachable interior fronts: whether the zone
    /// is open, and the perceived balances.
    open: Vec<bool>,
    balances: Vec<(f64, f64)>,
}

/// The exact distribution of how a [`WayOutWar`] ends.
#[derive(Clone, PartialEq, Debug)]
pub struct WayOutPath {
    /// Settlement, decision and duration probabilities.
    pub path: ExactPath,
    /// Every state at which the war settles with positive probability: `(t, j, probability)`.
    pub settlements: Vec<(u32, u32, f64)>,
}

impl<'z, Z: WayOut> WayOutWar<'z, Z> {
    /// The war on `battlefield`, with side A's and side B's priors on `q`, the sides' values and
    /// costs, the per-round discount factor, a horizon in rounds and the zone.
    ///
    /// # Errors
    ///
    /// When a cost is negative, the discount factor is outside `(0, 1]`, a side prefers the
    /// other's victory to its own (a stake of 0 or less), or the war has more than [`MAX_STATES`]
    /// states.
    pub fn new(
        battlefield: Battlefield,
        belief_a: Beta,
        belief_b: Beta,
        values: Values,
        discount: f64,
        horizon: u32,
        zone: &'z Z,
    ) -> Result<WayOutWar<'z, Z>, ParamError> {
        if !(discount > 0.0 && discount <= 1.0) {
            return Err(ParamError::new("discount", discount, "a discount factor in (0, 1]"));
        }
        let states = (u64::from(horizon) + 1) * (u64::from(battlefield.n()) + 1);
        if states > MAX_STATES {
            return Err(ParamError::new(
                "(horizon + 1)·(front_length + 1)",
                states as f64,
                "at most 1048576 states: shorten the horizon or the front",
            ));
        }
        crate::cost("side A's cost", values.cost_a)?;
        crate::cost("side B's cost", values.cost_b)?;
        for (name, stake) in
            [("side A's stake", values.stake_a()), ("side B's stake", values.stake_b())]
        {
            if !(stake.is_finite() && stake > 0.0) {
                return Err(ParamError::new(name, stake, "positive"));
            }
        }
        let n = battlefield.n();
        let k = battlefield.k();
        let width = n as usize + 1;
        let states = (horizon as usize + 1) * width;
        // Per state: perceived balances and whether the zone is open; in parallel by round.
        let rows: Vec<Vec<(f64, f64, bool)>> = (0..=horizon)
            .into_par_iter()
            .map(|t| {
                (0..=n)
                    .map(|j| {
                        let Some((wins, losses)) = battles(t, j, k, n) else {
                            return (f64::NAN, f64::NAN, false);
                        };
                        let (w, l) = (f64::from(wins), f64::from(losses));
                        let x_a =
                            perceived_balance(n, j, belief_a.alpha() + w, belief_a.beta() + l);
                        let x_b =
                            perceived_balance(n, j, belief_b.alpha() + w, belief_b.beta() + l);
                        (x_a, x_b, zone.open(x_a, x_b))
                    })
                    .collect()
            })
            .collect();
        let mut open = Vec::with_capacity(states);
        let mut balances = Vec::with_capacity(states);
        for (x_a, x_b, is_open) in rows.into_iter().flatten() {
            open.push(is_open);
            balances.push((x_a, x_b));
        }
        Ok(WayOutWar {
            battlefield,
            belief_a,
            belief_b,
            values,
            discount,
            horizon,
            zone,
            open,
            balances,
        })
    }

    fn state(&self, t: u32, j: u32) -> usize {
        t as usize * (self.battlefield.n() as usize + 1) + j as usize
    }

    /// The perceived balances `(x_A, x_B)` at round `t` with the front at `j` (NaN for a state
    /// the war cannot reach).
    pub fn balances(&self, t: u32, j: u32) -> (f64, f64) {
        self.balances[self.state(t, j)]
    }

    /// Whether the perceived zone is open at round `t` with the front at `j`.
    pub fn is_open(&self, t: u32, j: u32) -> bool {
        self.open[self.state(t, j)]
    }

    /// The horizon.
    pub fn horizon(&self) -> u32 {
        self.horizon
    }

    /// The exact distribution of the end, by propagating the front's distribution round by round.
    pub fn exact(&self) -> WayOutPath {
        let (n, k, q) = (self.battlefield.n(), self.battlefield.k(), self.battlefield.q());
        let (path, settlements) = settling_path(n, k, q, self.horizon, |t, j| self.is_open(t, j));
        WayOutPath { path, settlements }
    }

    /// The deals struck at the given settlement states (in parallel, in order).
    pub fn deals(&self, states: &[(u32, u32, f64)]) -> Vec<Option<Deal>> {
        states
            .par_iter()
            .map(|&(t, j, _)| {
                let (x_a, x_b) = self.balances(t, j);
                self.zone.deal(x_a, x_b)
            })
            .collect()
    }

    /// `runs` seeded replications. Settlements are valued with the deals of the exact path's
    /// settlement states (the only states at which a replication can settle).
    ///
    /// Payoffs are normalised and discounted (see the module docs). The terms are side B's value
    /// of the deal.
    pub fn simulate(&self, runs: u64, seed: u64) -> Summary {
        self.simulate_observed(runs, seed, &|_| {})
    }

    /// As [`WayOutWar::simulate`], reporting progress as [`mc::simulate_observed`] does.
    pub fn simulate_observed(
        &self,
        runs: u64,
        seed: u64,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Summary {
        let exact = self.exact();
        let deals = self.deals(&exact.settlements);
        let mut by_state = vec![None; self.open.len()];
        for (&(t, j, _), deal) in exact.settlements.iter().zip(deals) {
            by_state[self.state(t, j)] = deal;
        }
        let (n, q) = (self.battlefield.n(), self.battlefield.q());
        let v = self.values;
        let delta = self.discount;
        // Ending at round t with values (a, b): −c(1 − δ^t) + δ^t·value, per side.
        let end = |t: u32, end: End, terms: Option<f64>, a: f64, b: f64| {
            let d = delta.powi(t as i32);
            Outcome {
                rounds: t,
                end,
                terms,
                payoff_a: -v.cost_a * (1.0 - d) + d * a,
                payoff_b: -v.cost_b * (1.0 - d) + d * b,
            }
        };
        let replicate = |rng: &mut mc::Rng| {
            let mut front = self.battlefield.k();
            let mut t = 0u32;
            loop {
                if self.is_open(t, front) {
                    let deal = by_state[self.state(t, front)].as_ref();
                    let (va, vb) = deal.map_or((f64::NAN, f64::NAN), |d| (d.value_a, d.value_b));
                    return end(t, End::Settled, Some(vb), va, vb);
                }
                if t == self.horizon {
                    let p_a = 1.0 - ruin_closed_form(n, front, q);
                    let war_a = p_a * v.a_if_a_wins + (1.0 - p_a) * v.a_if_b_wins - v.cost_a;
                    let war_b = p_a * v.b_if_a_wins + (1.0 - p_a) * v.b_if_b_wins - v.cost_b;
                    return end(t, End::Ongoing, None, war_a, war_b);
                }
                t += 1;
                if rng.random::<f64>() < q {
                    front += 1;
                    if front == n {
                        return end(t, End::DecidedB, None, v.a_if_b_wins, v.b_if_b_wins);
                    }
                } else {
                    front -= 1;
                    if front == 0 {
                        return end(t, End::DecidedA, None, v.a_if_a_wins, v.b_if_a_wins);
                    }
                }
            }
        };
        mc::simulate_observed(runs, seed, self.horizon, replicate, progress)
    }

    /// The ripeness indicator at round `t` with the front at `j`, over a window of `window`
    /// rounds with stalemate threshold `epsilon`.
    ///
    /// # Errors
    ///
    /// When `epsilon` is not a probability or the state cannot be reached.
    pub fn ripeness(
        &self,
        t: u32,
        j: u32,
        window: u32,
        epsilon: f64,
    ) -> Result<Ripeness, ParamError> {
        let epsilon = crate::probability("stalemate threshold", epsilon)?;
        let (n, k) = (self.battlefield.n(), self.battlefield.k());
        let Some((wins, losses)) = battles(t, j, k, n).filter(|_| t <= self.horizon) else {
            return Err(ParamError::new("front", f64::from(j), "a front the war can reach"));
        };
        let (w, l) = (f64::from(wins), f64::from(losses));
        let outlook = |belief: Beta| {
            let perception = Perception::new(belief.alpha() + w, belief.beta() + l);
            let mut out = Outlook {
                balance: 0.0,
                wins_within: 0.0,
                loses_within: 0.0,
                rounds_within: 0.0,
                wins_discounted: 0.0,
                loses_discounted: 0.0,
                fighting_weight: 0.0,
            };
            for (&q, &weight) in perception.nodes.iter().zip(&perception.weights) {
                let window = Window::new(n, j, q, window, self.discount);
                out.balance += weight * (1.0 - ruin_closed_form(n, j, q));
                out.wins_within += weight * window.a_wins;
                out.loses_within += weight * window.b_wins;
                out.rounds_within += weight * window.rounds;
                out.wins_discounted += weight * window.a_discounted;
                out.loses_discounted += weight * window.b_discounted;
                out.fighting_weight += weight * window.fighting;
            }
            out
        };
        let outlook_a = outlook(self.belief_a);
        // For B, prevailing is the front reaching N: swap the two ends.
        let mut outlook_b = outlook(self.belief_b);
        std::mem::swap(&mut outlook_b.wins_within, &mut outlook_b.loses_within);
        std::mem::swap(&mut outlook_b.wins_discounted, &mut outlook_b.loses_discounted);
        let v = self.values;
        let side = |outlook: Outlook, cost: f64, stake: f64| {
            let cost_of_fighting_on = cost * outlook.fighting_weight;
            let expected_gain = stake * (outlook.wins_discounted - outlook.loses_discounted);
            SideRipeness {
                outlook,
                stalemate: outlook.wins_within < epsilon,
                cost_of_fighting_on,
                expected_gain,
                hurting: cost_of_fighting_on > expected_gain,
            }
        };
        let a = side(outlook_a, v.cost_a, v.stake_a());
        let b = side(outlook_b, v.cost_b, v.stake_b());
        let way_out = self.zone.open(outlook_a.balance, outlook_b.balance);
        let mutually_hurting_stalemate = a.stalemate && b.stalemate && a.hurting && b.hurting;
        Ok(Ripeness {
            window,
            epsilon,
            a,
            b,
            way_out,
            mutually_hurting_stalemate,
            ripe: mutually_hurting_stalemate && way_out,
        })
    }
}

/// The battles B has won and lost when the front is at interior `j` after `t` rounds from `k`;
/// `None` when no path gets there without being absorbed first... or at all.
fn battles(t: u32, j: u32, k: u32, n: u32) -> Option<(u32, u32)> {
    if j == 0 || j >= n {
        return None;
    }
    let (t, j, k) = (i64::from(t), i64::from(j), i64::from(k));
    let net = j - k;
    if net.abs() > t || (t + net) % 2 != 0 {
        return None;
    }
    Some((((t + net) / 2) as u32, ((t - net) / 2) as u32))
}

/// Finite-window absorption from a front for a known `q`, by propagating the front's
/// distribution: Pr(A wins by W), Pr(B wins by W), E[min(τ, W)], their discounted versions
/// `E[δ^τ 1{A wins by W}]`, `E[δ^τ 1{B wins by W}]`, and `E[1 − δ^min(τ, W)]`.
struct Window {
    a_wins: f64,
    b_wins: f64,
    rounds: f64,
    a_discounted: f64,
    b_discounted: f64,
    fighting: f64,
}

impl Window {
    fn new(n: u32, j: u32, q: f64, window: u32, delta: f64) -> Window {
        let n = n as usize;
        let mut mass = vec![0.0; n + 1];
        mass[j as usize] = 1.0;
        let mut out = Window {
            a_wins: 0.0,
            b_wins: 0.0,
            rounds: 0.0,
            a_discounted: 0.0,
            b_discounted: 0.0,
            fighting: 0.0,
        };
        let mut d = 1.0;
        for _ in 0..window {
            // Every interior mass fights one more round: it adds 1 to min(τ, W) and
            // (1 − δ)δ^s to 1 − δ^min(τ, W).
            let alive = mass[1..n].iter().sum::<f64>();
            out.rounds += alive;
            out.fighting += alive * (1.0 - delta) * d;
            d *= delta;
            let next = battle(&mass, q);
            out.a_wins += next.decided_a;
            out.b_wins += next.decided_b;
            out.a_discounted += next.decided_a * d;
            out.b_discounted += next.decided_b * d;
            mass = next.mass;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_beliefs_do_not_overflow() {
        // Beta(1e308, 1e308) is a point mass at one half.
        let point = Perception::new(1e308, 1e308);
        assert!((point.expect(|q| q) - 0.5).abs() < 1e-12);
        let wide = Perception::new(2.0, 2.0);
        assert!((wide.expect(|q| q) - 0.5).abs() < 1e-6);
        assert!((perceived_balance(4, 2, 1e308, 1e308) - 0.5).abs() < 1e-9);
    }
}
