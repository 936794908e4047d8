//! M5: the battlefield with learning (reference §2.6, §6.3 M5, §6.4, §6.4a).
//!
//! # Battlefield (a Markov chain: exact)
//!
//! The front is at `k ∈ {0, …, N}`. Each battle moves it `+1` (B advances) with probability `q`
//! and `−1` otherwise; `0` (A has won) and `N` (B has won) are absorbing. With `ρ = (1 − q)/q`,
//!
//! ```text
//! Pr(B reaches N before 0 | k) = (1 − ρ^k)/(1 − ρ^N)                          (q ≠ ½),  k/N      (q = ½)
//! E[battles | k]               = k/(1 − 2q) − (N/(1 − 2q))·(1 − ρ^k)/(1 − ρ^N)   (q ≠ ½),  k(N − k) (q = ½)
//! ```
//!
//! The closed forms are in [`Battlefield::closed_form_p_b_wins`] and
//! [`Battlefield::closed_form_expected_battles`]; [`Battlefield::solve`] solves the first-step
//! linear system exactly (tridiagonal elimination) and is used by [`Battlefield::p_b_wins`] and
//! [`Battlefield::expected_battles`] within [`NEAR_HALF`] of `q = ½`, where the expected-duration
//! formula cancels catastrophically (§6.4a point 4). [`Battlefield::survival`] gives
//! `Pr(τ > t | k)` from the `t`-th power of the transient transition matrix.
//!
//! # Beliefs (Bayes' rule: exact)
//!
//! - Two types (`q_H` against `q_L`): after `w` battles won by B and `l` lost, the posterior odds
//!   on `H` are `O_t = O_0 (q_H/q_L)^w ((1 − q_H)/(1 − q_L))^l` ([`posterior_odds`]).
//! - A [`Beta`]`(α, β)` prior on B's per-battle chance `q` has posterior mean
//!   `(α + w)/(α + β + t)` after `w` wins in `t` battles.
//!
//! # The convergence settlement rule (a **behavioural approximation**, not an equilibrium)
//!
//! The reduced form of Slantchev's principle of convergence and of Smith & Stam. Each side holds
//! its own Beta prior on `q`, both observe every battle, and each side values war at its own
//! posterior estimate of B's chance, `p̂_A,t` and `p̂_B,t`. They settle in the first round `t`
//! (after `t` battles; round 0 is before any fighting) where
//!
//! ```text
//! p̂_B,t − p̂_A,t ≤ c_A + c_B
//! ```
//!
//! Here `c_A`, `c_B` are the costs of war as shares of the prize (Fearon's bargaining range). With
//! priors of equal strength `n = α + β` the gap `(α_B − α_A)/(n + t)` does not depend on the
//! battles, and
//!
//! ```text
//! t* = max(0, ⌈(α_B − α_A)/(c_A + c_B) − n⌉)
//! ```
//!
//! ([`t_star`]; the ceiling is guarded against float noise at exact ties, §6.4a point 3). The war
//! then ends at `min(t*, τ)` with `τ` the absorption time, and `Pr(settle) = Pr(τ > t*)`
//! ([`Convergence::settlement_probability`]). A battle that absorbs at round `t*` ends the war by
//! decision. The rule compares the gap with the cost sum up to an absolute [`TIE_TOLERANCE`], so the
//! simulated rule and the guarded closed form agree at exact ties.
//!
//! # The simulated war ([`LearningWar`])
//!
//! Battles are fought until the rule settles, the front is absorbed, or the horizon is reached.
//! Conventions (choices of this crate, not of the literature):
//!
//! - **Terms**: B's share at settlement is the average of the two posterior estimates,
//!   `(p̂_A,t + p̂_B,t)/2`: the midpoint of the two sides' valuations of war, which lies in the
//!   bargaining range whenever the rule settles (the range is `[p̂_B − c_B, p̂_A + c_A]`).
//! - **Payoffs**: the prize is normalised to 1. B receives its share (1 on a decision for B, 0 on a
//!   decision for A, the terms on a settlement, nothing while the war is still going at the
//!   horizon) and A the rest; each battle fought costs side `i` its `battle_cost_i`. No discounting.
//!   The per-battle costs are separate from the costs `c_i` in the rule, which price the whole war.
//!
//! [`LearningWar::exact`] computes the settlement/decision split and the settlement-time
//! distribution exactly for any Beta priors by propagating the distribution of the front (the
//! number of wins after `t` battles is fixed by the front), which is the oracle for the simulation.

use rand::Rng as _;

use crate::mc::{self, End, Outcome, Summary};
use crate::{ParamError, cost, probability};

/// Within this distance of `q = ½` (in `|1 − 2q|`), [`Battlefield::p_b_wins`] and
/// [`Battlefield::expected_battles`] use the linear-system solver instead of the closed forms.
pub const NEAR_HALF: f64 = 1e-3;

/// The settlement rule holds when `p̂_B − p̂_A ≤ c_A + c_B + TIE_TOLERANCE`: an absolute slack that
/// absorbs float noise at exact ties (consistent with the guarded ceiling in [`t_star`]).
pub const TIE_TOLERANCE: f64 = 1e-9;

/// A gambler's-ruin battlefield: front `k` on `{0, …, N}`, B advances with probability `q`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Battlefield {
    n: u32,
    k: u32,
    q: f64,
}

/// Absorption probabilities and expected durations from every starting front.
#[derive(Clone, PartialEq, Debug)]
pub struct Absorption {
    /// `p_b_wins[k]`: Pr(B reaches `N` before `0` | start at `k`), for `k = 0 … N`.
    pub p_b_wins: Vec<f64>,
    /// `expected_battles[k]`: E[battles to absorption | start at `k`], for `k = 0 … N`.
    pub expected_battles: Vec<f64>,
}

impl Battlefield {
    /// A battlefield with `n` steps, starting at front `k`, where B wins each battle with
    /// probability `q`.
    ///
    /// # Errors
    ///
    /// Unless `n ≥ 2`, `0 < k < n` and `q ∈ [0, 1]`.
    pub fn new(n: u32, k: u32, q: f64) -> Result<Battlefield, ParamError> {
        if n < 2 {
            return Err(ParamError::new("N", f64::from(n), "at least 2"));
        }
        if k == 0 || k >= n {
            return Err(ParamError::new("k", f64::from(k), "strictly between 0 and N"));
        }
        let q = probability("q", q)?;
        Ok(Battlefield { n, k, q })
    }

    /// The number of steps `N` (the absorbing fronts are `0` and `N`).
    pub fn n(&self) -> u32 {
        self.n
    }

    /// The starting front `k`.
    pub fn k(&self) -> u32 {
        self.k
    }

    /// B's chance of winning each battle.
    pub fn q(&self) -> f64 {
        self.q
    }

    /// Pr(B reaches `N` before `0`) from the starting front: the closed form, or the linear solver
    /// within [`NEAR_HALF`] of `q = ½`.
    pub fn p_b_wins(&self) -> f64 {
        if (1.0 - 2.0 * self.q).abs() < NEAR_HALF {
            self.solve().p_b_wins[self.k as usize]
        } else {
            self.closed_form_p_b_wins()
        }
    }

    /// E[battles to absorption] from the starting front: the closed form, or the linear solver
    /// within [`NEAR_HALF`] of `q = ½` (§6.4a point 4).
    pub fn expected_battles(&self) -> f64 {
        if (1.0 - 2.0 * self.q).abs() < NEAR_HALF {
            self.solve().expected_battles[self.k as usize]
        } else {
            self.closed_form_expected_battles()
        }
    }

    /// The closed form `(1 − ρ^k)/(1 − ρ^N)` (`k/N` at `q = ½`), evaluated in log space so that
    /// neither power overflows.
    pub fn closed_form_p_b_wins(&self) -> f64 {
        ruin_closed_form(self.n, self.k, self.q)
    }

    /// The closed form `k/(1 − 2q) − (N/(1 − 2q))·Pr(B wins)` (`k(N − k)` at `q = ½`). Loses
    /// precision near `q = ½`; see [`Battlefield::expected_battles`].
    pub fn closed_form_expected_battles(&self) -> f64 {
        let (n, k, q) = (f64::from(self.n), f64::from(self.k), self.q);
        if q == 0.5 { k * (n - k) } else { (k - n * self.closed_form_p_b_wins()) / (1.0 - 2.0 * q) }
    }

    /// Solves the first-step equations `h(k) = q h(k+1) + (1 − q) h(k−1)` (with `h(0) = 0`,
    /// `h(N) = 1`) and `e(k) = 1 + q e(k+1) + (1 − q) e(k−1)` (with `e(0) = e(N) = 0`) exactly, by
    /// tridiagonal elimination, for every starting front.
    pub fn solve(&self) -> Absorption {
        let interior = self.n as usize - 1;
        let mut rhs_p = vec![0.0; interior];
        rhs_p[interior - 1] = self.q;
        let mut p_b_wins = vec![0.0];
        p_b_wins.extend(tridiagonal(self.q, &rhs_p));
        p_b_wins.push(1.0);
        let mut expected_battles = vec![0.0];
        expected_battles.extend(tridiagonal(self.q, &vec![1.0; interior]));
        expected_battles.push(0.0);
        Absorption { p_b_wins, expected_battles }
    }

    /// The transient transition matrix `Q` over the fronts `1 … N−1` (row and column `i` is front
    /// `i + 1`): `Q[i][i+1] = q`, `Q[i][i−1] = 1 − q`.
    pub fn transient_matrix(&self) -> Vec<Vec<f64>> {
        let m = self.n as usize - 1;
        let mut q = vec![vec![0.0; m]; m];
        for (i, row) in q.iter_mut().enumerate() {
            if i + 1 < m {
                row[i + 1] = self.q;
            }
            if i > 0 {
                row[i - 1] = 1.0 - self.q;
            }
        }
        q
    }

    /// `Pr(τ > t)` from the starting front, where `τ` is the absorption time: the row sum of the
    /// `t`-th power of the transient transition matrix (by repeated squaring).
    pub fn survival(&self, t: u32) -> f64 {
        matrix_power(&self.transient_matrix(), t)[self.k as usize - 1].iter().sum()
    }
}

/// `(1 − ρ^k)/(1 − ρ^N)` with `ρ = (1 − q)/q`, in log space.
pub(crate) fn ruin_closed_form(n: u32, k: u32, q: f64) -> f64 {
    let (n, k) = (f64::from(n), f64::from(k));
    if q == 0.0 {
        return 0.0;
    }
    if q == 0.5 {
        return k / n;
    }
    // ln ρ = ln(1 + (1 − 2q)/q), accurate near q = ½.
    let ln_rho = ((1.0 - 2.0 * q) / q).ln_1p();
    if ln_rho > 0.0 {
        // ρ > 1: divide through by ρ^N.
        (-(n - k) * ln_rho).exp() * (-k * ln_rho).exp_m1() / (-n * ln_rho).exp_m1()
    } else {
        (k * ln_rho).exp_m1() / (n * ln_rho).exp_m1()
    }
}

/// One battle of the gambler's-ruin front, applied to a distribution of the front over
/// `{0, …, N}` (`mass.len() = N + 1`, nothing at the ends): the mass at each interior front moves up
/// with probability `q` (B advances) and down otherwise.
///
/// This is the one propagation step of the crate: [`LearningWar::exact`], the way-out war's exact
/// path, its finite-window outlooks and the two-type learning's first passage all use it.
pub(crate) struct Battle {
    /// The distribution after the battle, the absorbed mass removed from both ends.
    pub(crate) mass: Vec<f64>,
    /// The mass absorbed at 0 (A prevails) in this battle.
    pub(crate) decided_a: f64,
    /// The mass absorbed at `N` (B prevails) in this battle.
    pub(crate) decided_b: f64,
}

/// Fights one battle over the distribution `mass` of the front; see [`Battle`].
pub(crate) fn battle(mass: &[f64], q: f64) -> Battle {
    let n = mass.len() - 1;
    let mut next = vec![0.0; n + 1];
    for j in 1..n {
        next[j + 1] += mass[j] * q;
        next[j - 1] += mass[j] * (1.0 - q);
    }
    let (decided_a, decided_b) = (next[0], next[n]);
    next[0] = 0.0;
    next[n] = 0.0;
    Battle { mass: next, decided_a, decided_b }
}

/// The exact distribution of how a war on the gambler's-ruin front ends when it settles at the
/// interior states where `settles(t, j)` holds: the front starts at `k` on `{0, …, n}`, B advances
/// with probability `q`, and before each battle `t = 0 … horizon` the mass at every settling state
/// is removed. Returns the path and every settling state reached with positive probability,
/// `(t, j, probability)`, in order. `O(n · horizon)`.
pub(crate) fn settling_path(
    n: u32,
    k: u32,
    q: f64,
    horizon: u32,
    mut settles: impl FnMut(u32, u32) -> bool,
) -> (ExactPath, Vec<(u32, u32, f64)>) {
    let n = n as usize;
    let mut mass = vec![0.0; n + 1];
    mass[k as usize] = 1.0;
    let mut path = ExactPath {
        settled: 0.0,
        decided_a: 0.0,
        decided_b: 0.0,
        ongoing: 0.0,
        settled_at: vec![0.0; horizon as usize + 1],
        expected_rounds: 0.0,
    };
    let mut settlements = Vec::new();
    for t in 0..=horizon {
        for (j, m) in mass.iter_mut().enumerate().take(n).skip(1) {
            if *m > 0.0 && settles(t, j as u32) {
                path.settled += *m;
                path.settled_at[t as usize] += *m;
                path.expected_rounds += *m * f64::from(t);
                settlements.push((t, j as u32, *m));
                *m = 0.0;
            }
        }
        if t == horizon {
            let left: f64 = mass.iter().sum();
            path.ongoing = left;
            path.expected_rounds += left * f64::from(t);
            break;
        }
        let next = battle(&mass, q);
        let step = f64::from(t + 1);
        path.decided_a += next.decided_a;
        path.decided_b += next.decided_b;
        path.expected_rounds += (next.decided_a + next.decided_b) * step;
        mass = next.mass;
    }
    (path, settlements)
}

/// Solves `x_i − q x_{i+1} − (1 − q) x_{i−1} = d_i` for `i = 1 … m` with `x_0 = x_{m+1} = 0`
/// (Thomas algorithm; the pivots stay positive for `q ∈ [0, 1]`).
fn tridiagonal(q: f64, d: &[f64]) -> Vec<f64> {
    let m = d.len();
    let mut c = vec![0.0; m];
    let mut dd = vec![0.0; m];
    for i in 0..m {
        let (pivot, carried) =
            if i == 0 { (1.0, 0.0) } else { (1.0 + (1.0 - q) * c[i - 1], (1.0 - q) * dd[i - 1]) };
        c[i] = -q / pivot;
        dd[i] = (d[i] + carried) / pivot;
    }
    let mut x = vec![0.0; m];
    for i in (0..m).rev() {
        x[i] = dd[i] - if i + 1 < m { c[i] * x[i + 1] } else { 0.0 };
    }
    x
}

fn matrix_product(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let m = b.first().map_or(0, Vec::len);
    a.iter()
        .map(|row| {
            let mut out = vec![0.0; m];
            for (aik, bk) in row.iter().zip(b) {
                if *aik != 0.0 {
                    for (o, bkj) in out.iter_mut().zip(bk) {
                        *o += aik * bkj;
                    }
                }
            }
            out
        })
        .collect()
}

fn matrix_power(a: &[Vec<f64>], mut t: u32) -> Vec<Vec<f64>> {
    let m = a.len();
    let mut result: Vec<Vec<f64>> =
        (0..m).map(|i| (0..m).map(|j| if i == j { 1.0 } else { 0.0 }).collect()).collect();
    let mut base = a.to_vec();
    while t > 0 {
        if t & 1 == 1 {
            result = matrix_product(&result, &base);
        }
        t >>= 1;
        if t > 0 {
            base = matrix_product(&base, &base);
        }
    }
    result
}

/// Posterior odds on type `H` (B wins each battle with probability `q_h`) against type `L`
/// (`q_l`) after B has won `wins` battles and lost `losses`:
/// `O_0 (q_H/q_L)^w ((1 − q_H)/(1 − q_L))^l`, computed from log-likelihoods. The result is `+∞`
/// when the record is impossible under `L` only, `0` when impossible under `H` only, and NaN when
/// impossible under both.
///
/// # Errors
///
/// Unless `q_h`, `q_l` are probabilities and `prior_odds` is finite and non-negative.
pub fn posterior_odds(
    prior_odds: f64,
    q_h: f64,
    q_l: f64,
    wins: u32,
    losses: u32,
) -> Result<f64, ParamError> {
    if !(prior_odds.is_finite() && prior_odds >= 0.0) {
        return Err(ParamError::new("prior odds", prior_odds, "finite and at least 0"));
    }
    let (q_h, q_l) = (probability("q_H", q_h)?, probability("q_L", q_l)?);
    let log_likelihood = |q: f64| {
        let term = |count: u32, p: f64| if count == 0 { 0.0 } else { f64::from(count) * p.ln() };
        term(wins, q) + term(losses, 1.0 - q)
    };
    let (lh, ll) = (log_likelihood(q_h), log_likelihood(q_l));
    if lh == f64::NEG_INFINITY && ll == f64::NEG_INFINITY {
        return Ok(f64::NAN);
    }
    Ok(prior_odds * (lh - ll).exp())
}

/// The posterior probability of type `H` from the prior probability `prior` (see
/// [`posterior_odds`]).
///
/// # Errors
///
/// As [`posterior_odds`], and unless `prior` is a probability.
pub fn posterior_probability(
    prior: f64,
    q_h: f64,
    q_l: f64,
    wins: u32,
    losses: u32,
) -> Result<f64, ParamError> {
    let prior = probability("prior", prior)?;
    if prior == 1.0 {
        probability("q_H", q_h)?;
        probability("q_L", q_l)?;
        return Ok(1.0);
    }
    let odds = posterior_odds(prior / (1.0 - prior), q_h, q_l, wins, losses)?;
    Ok(if odds.is_infinite() { 1.0 } else { odds / (1.0 + odds) })
}

/// A Beta(α, β) belief about B's per-battle chance `q` (α counts B's wins).
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Beta {
    alpha: f64,
    beta: f64,
}

impl Beta {
    /// A Beta(α, β) prior.
    ///
    /// # Errors
    ///
    /// Unless both parameters are finite and positive.
    pub fn new(alpha: f64, beta: f64) -> Result<Beta, ParamError> {
        for (name, value) in [("alpha", alpha), ("beta", beta)] {
            if !(value.is_finite() && value > 0.0) {
                return Err(ParamError::new(name, value, "finite and positive"));
            }
        }
        Ok(Beta { alpha, beta })
    }

    /// α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// β.
    pub fn beta(&self) -> f64 {
        self.beta
    }

    /// The prior strength `n = α + β`.
    pub fn strength(&self) -> f64 {
        self.alpha + self.beta
    }

    /// The posterior mean after B has won `wins` battles and lost `losses`:
    /// `(α + w)/(α + β + w + l)`.
    ///
    /// Without overflow: when `α + β` overflows (two parameters of `1e308`), the share is taken
    /// on scaled counts ([`impasse_core::share_of_first`]).
    pub fn posterior_mean(&self, wins: u32, losses: u32) -> f64 {
        let total = self.strength() + f64::from(wins) + f64::from(losses);
        if total.is_finite() {
            (self.alpha + f64::from(wins)) / total
        } else {
            impasse_core::share_of_first(
                &[self.alpha, f64::from(wins)],
                &[self.beta, f64::from(losses)],
            )
        }
    }
}

/// `t* = max(0, ⌈alpha_gap/cost_sum − strength⌉)`: the first round in which the convergence rule
/// settles, for equal-strength Beta priors (`alpha_gap = α_B − α_A`, `strength = α + β`,
/// `cost_sum = c_A + c_B`). The ceiling treats values within `1e-9` (relative) of an integer as
/// that integer, so exact ties are not pushed up a round by float noise (§6.4a point 3:
/// `(0.9, 0.03, 2)` gives 28, not 29). `None` when the rule never settles (`cost_sum = 0` with a
/// positive gap) or `t*` exceeds `u32::MAX`.
pub fn t_star(alpha_gap: f64, cost_sum: f64, strength: f64) -> Option<u32> {
    if alpha_gap <= 0.0 {
        return Some(0);
    }
    if cost_sum <= 0.0 {
        return None;
    }
    let x = alpha_gap / cost_sum - strength;
    let nearest = x.round();
    let ceiling =
        if (x - nearest).abs() <= 1e-9 * nearest.abs().max(1.0) { nearest } else { x.ceil() };
    let t = ceiling.max(0.0);
    (t <= f64::from(u32::MAX)).then_some(t as u32)
}

/// The convergence settlement rule: two Beta priors on B's per-battle chance (A's and B's) and the
/// costs of war `c_A`, `c_B` as shares of the prize. A behavioural rule, not an equilibrium.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Convergence {
    prior_a: Beta,
    prior_b: Beta,
    cost_a: f64,
    cost_b: f64,
}

impl Convergence {
    /// The rule for these priors and costs.
    ///
    /// # Errors
    ///
    /// Unless both costs are finite and non-negative.
    pub fn new(
        prior_a: Beta,
        prior_b: Beta,
        cost_a: f64,
        cost_b: f64,
    ) -> Result<Convergence, ParamError> {
        Ok(Convergence {
            prior_a,
            prior_b,
            cost_a: cost("c_A", cost_a)?,
            cost_b: cost("c_B", cost_b)?,
        })
    }

    /// A's prior.
    pub fn prior_a(&self) -> Beta {
        self.prior_a
    }

    /// B's prior.
    pub fn prior_b(&self) -> Beta {
        self.prior_b
    }

    /// `c_A + c_B`.
    pub fn cost_sum(&self) -> f64 {
        self.cost_a + self.cost_b
    }

    /// The belief gap `p̂_B − p̂_A` after B has won `wins` battles and lost `losses`.
    pub fn gap(&self, wins: u32, losses: u32) -> f64 {
        self.prior_b.posterior_mean(wins, losses) - self.prior_a.posterior_mean(wins, losses)
    }

    /// Whether the rule settles at this record: `p̂_B − p̂_A ≤ c_A + c_B` (up to [`TIE_TOLERANCE`]).
    pub fn settles(&self, wins: u32, losses: u32) -> bool {
        self.gap(wins, losses) <= self.cost_sum() + TIE_TOLERANCE
    }

    /// B's share at settlement: the average of the two posterior estimates.
    pub fn terms(&self, wins: u32, losses: u32) -> f64 {
        0.5 * (self.prior_a.posterior_mean(wins, losses)
            + self.prior_b.posterior_mean(wins, losses))
    }

    /// The closed-form settlement round [`t_star`] (`Ok(None)`: never settles).
    ///
    /// # Errors
    ///
    /// When the priors differ in strength (`α + β`), so that the gap depends on the battles and
    /// the closed form does not apply (use [`LearningWar::exact`]).
    pub fn t_star(&self) -> Result<Option<u32>, ParamError> {
        let (na, nb) = (self.prior_a.strength(), self.prior_b.strength());
        if (na - nb).abs() > 1e-12 * na.max(nb) {
            return Err(ParamError::new(
                "prior strength gap",
                nb - na,
                "0 (equal-strength priors) for the closed form",
            ));
        }
        Ok(t_star(self.prior_b.alpha - self.prior_a.alpha, self.cost_sum(), na))
    }

    /// `Pr(settle) = Pr(τ > t*)` on `battlefield`, from the `t*`-th power of its transient
    /// transition matrix (0 when the rule never settles).
    ///
    /// # Errors
    ///
    /// As [`Convergence::t_star`].
    pub fn settlement_probability(&self, battlefield: &Battlefield) -> Result<f64, ParamError> {
        Ok(self.t_star()?.map_or(0.0, |t| battlefield.survival(t)))
    }
}

/// The battlefield, the convergence rule, per-battle costs and a horizon: the simulated M5 war.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct LearningWar {
    battlefield: Battlefield,
    rule: Convergence,
    battle_cost_a: f64,
    battle_cost_b: f64,
    horizon: u32,
}

/// The exact distribution of how a [`LearningWar`] ends (see [`LearningWar::exact`]).
#[derive(Clone, PartialEq, Debug)]
pub struct ExactPath {
    /// Pr(settled by the rule within the horizon).
    pub settled: f64,
    /// Pr(decided for A within the horizon).
    pub decided_a: f64,
    /// Pr(decided for B within the horizon).
    pub decided_b: f64,
    /// Pr(still going at the horizon).
    pub ongoing: f64,
    /// `settled_at[t]`: Pr(settled after exactly `t` battles), `t = 0 … horizon`.
    pub settled_at: Vec<f64>,
    /// E[rounds fought], counting the horizon for wars still going.
    pub expected_rounds: f64,
}

impl LearningWar {
    /// The war on `battlefield` under `rule`, where each battle costs A `battle_cost_a` and B
    /// `battle_cost_b` (shares of the prize), stopped at `horizon` battles.
    ///
    /// # Errors
    ///
    /// Unless the per-battle costs are finite and non-negative.
    pub fn new(
        battlefield: Battlefield,
        rule: Convergence,
        battle_cost_a: f64,
        battle_cost_b: f64,
        horizon: u32,
    ) -> Result<LearningWar, ParamError> {
        Ok(LearningWar {
            battlefield,
            rule,
            battle_cost_a: cost("battle cost A", battle_cost_a)?,
            battle_cost_b: cost("battle cost B", battle_cost_b)?,
            horizon,
        })
    }

    /// The battlefield.
    pub fn battlefield(&self) -> Battlefield {
        self.battlefield
    }

    /// The settlement rule.
    pub fn rule(&self) -> Convergence {
        self.rule
    }

    /// The horizon (battles).
    pub fn horizon(&self) -> u32 {
        self.horizon
    }

    fn outcome(&self, rounds: u32, end: End, terms: Option<f64>) -> Outcome {
        let share_b = match end {
            End::Settled => terms.unwrap_or(0.0),
            End::DecidedB => 1.0,
            End::DecidedA | End::Ongoing => 0.0,
        };
        let share_a = if end == End::Ongoing { 0.0 } else { 1.0 - share_b };
        let t = f64::from(rounds);
        Outcome {
            rounds,
            end,
            terms,
            payoff_a: share_a - self.battle_cost_a * t,
            payoff_b: share_b - self.battle_cost_b * t,
        }
    }

    /// One replication: check the rule, fight a battle, repeat.
    pub fn replicate(&self, rng: &mut mc::Rng) -> Outcome {
        let (n, q) = (self.battlefield.n, self.battlefield.q);
        let mut front = self.battlefield.k;
        let (mut wins, mut losses) = (0u32, 0u32);
        let mut t = 0u32;
        loop {
            if self.rule.settles(wins, losses) {
                return self.outcome(t, End::Settled, Some(self.rule.terms(wins, losses)));
            }
            if t == self.horizon {
                return self.outcome(t, End::Ongoing, None);
            }
            t += 1;
            if rng.random::<f64>() < q {
                wins += 1;
                front += 1;
                if front == n {
                    return self.outcome(t, End::DecidedB, None);
                }
            } else {
                losses += 1;
                front -= 1;
                if front == 0 {
                    return self.outcome(t, End::DecidedA, None);
                }
            }
        }
    }

    /// `runs` seeded replications, summarised by [`mc::simulate`].
    pub fn simulate(&self, runs: u64, seed: u64) -> Summary {
        mc::simulate(runs, seed, self.horizon, |rng| self.replicate(rng))
    }

    /// The exact distribution of the end, for any Beta priors: propagates the distribution of the
    /// front battle by battle (after `t` battles from `k`, a front at `j` means `(t + j − k)/2`
    /// wins), removing the mass that settles or is absorbed. `O(N · horizon)`.
    pub fn exact(&self) -> ExactPath {
        let (n, k) = (self.battlefield.n, self.battlefield.k);
        settling_path(n, k, self.battlefield.q, self.horizon, |t, j| {
            // After `t` battles from `k`, a front at `j` means `(t + j − k)/2` wins.
            let wins = (t + j - k) / 2;
            self.rule.settles(wins, t - wins)
        })
        .0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_priors_do_not_overflow() {
        let even = Beta::new(1e308, 1e308).unwrap();
        assert_eq!(even.posterior_mean(0, 0), 0.5);
        assert_eq!(even.posterior_mean(3, 1), 0.5);
        let skewed = Beta::new(1e308, f64::MAX).unwrap();
        let mean = skewed.posterior_mean(0, 0);
        assert!((mean - 1.0 / (1.0 + f64::MAX / 1e308)).abs() < 1e-12, "{mean}");
        // Ordinary priors keep the plain formula.
        assert_eq!(Beta::new(2.0, 3.0).unwrap().posterior_mean(1, 1), 3.0 / 7.0);
    }

    #[test]
    fn battles_fought_to_the_end_give_the_ruin_probability_and_duration() {
        for (n, k, q) in [(6u32, 3u32, 0.5), (10, 2, 0.3), (7, 5, 0.8), (4, 1, 0.0), (5, 4, 1.0)] {
            let field = Battlefield::new(n, k, q).unwrap();
            let mut mass = vec![0.0; n as usize + 1];
            mass[k as usize] = 1.0;
            let (mut b_wins, mut battles) = (0.0, 0.0);
            for t in 1..=5000 {
                let next = battle(&mass, q);
                b_wins += next.decided_b;
                battles += f64::from(t) * (next.decided_a + next.decided_b);
                mass = next.mass;
            }
            assert!(mass.iter().sum::<f64>() < 1e-12);
            assert!((b_wins - ruin_closed_form(n, k, q)).abs() < 1e-12, "{n} {k} {q}");
            assert!((battles - field.closed_form_expected_battles()).abs() < 1e-9, "{n} {k} {q}");
        }
    }

    #[test]
    fn a_path_that_never_settles_is_absorbed_or_ongoing() {
        let (path, settlements) = settling_path(6, 3, 0.4, 20, |_, _| false);
        assert!(settlements.is_empty());
        assert_eq!(path.settled, 0.0);
        let total = path.decided_a + path.decided_b + path.ongoing;
        assert!((total - 1.0).abs() < 1e-12);
        // Settling everywhere settles everything at once.
        let (path, settlements) = settling_path(6, 3, 0.4, 20, |_, _| true);
        assert_eq!(settlements, vec![(0, 3, 1.0)]);
        assert_eq!((path.settled, path.expected_rounds), (1.0, 0.0));
    }
}
