//! Two-type learning on the battlefield: how many battles until a side is sure of the other's
//! strength (bargaining-models §2.6, "a first-passage problem with an exact Markov-chain answer").
//!
//! B is one of two types: strong, advancing with probability `q_H` per battle, or weak (`q_L <
//! q_H`). A starts from the prior `π_0 = P(strong)` and updates on every battle by Bayes' rule
//! ([`crate::battlefield::posterior_probability`]); after `w` advances and `l` retreats the
//! posterior odds are `O_0 (q_H/q_L)^w ((1 − q_H)/(1 − q_L))^l`, a random walk in log-odds. The
//! battles themselves are drawn with B's true chance `q` (the battlefield's).
//!
//! A is **sure** once its posterior leaves the open interval `(low, high)`: at or above `high` it
//! is sure B is strong, at or below `low` that B is weak. The front moves as in
//! [`crate::battlefield::Battlefield`]; a battle that absorbs the front ends the war by decision
//! before A updates. [`TwoTypeLearning::exact`] propagates the distribution of the front battle by
//! battle (the front fixes `w` and `l`), so the chance of becoming sure of each type, of a decision
//! first, and of neither within the horizon are exact.
//!
//! This is Bayes' rule on a Markov chain: exact, and not an equilibrium of anything.

use crate::ParamError;
use crate::battlefield::{Battle, Battlefield, battle, posterior_probability};

/// A's learning about B's type on a battlefield.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct TwoTypeLearning {
    battlefield: Battlefield,
    q_h: f64,
    q_l: f64,
    prior: f64,
    low: f64,
    high: f64,
}

/// The exact distribution of when and how A becomes sure (see [`TwoTypeLearning::exact`]).
#[derive(Clone, PartialEq, Debug)]
pub struct Passage {
    /// `sure_strong_at[t]`: Pr(A first becomes sure that B is strong after exactly `t` battles).
    pub sure_strong_at: Vec<f64>,
    /// `sure_weak_at[t]`: Pr(A first becomes sure that B is weak after exactly `t` battles).
    pub sure_weak_at: Vec<f64>,
    /// Pr(the war is decided for A before A is sure).
    pub decided_a: f64,
    /// Pr(the war is decided for B before A is sure).
    pub decided_b: f64,
    /// Pr(neither sure nor decided at the horizon).
    pub unsure: f64,
    /// E[battles until A is sure, the war is decided, or the horizon].
    pub expected_battles: f64,
}

impl Passage {
    /// Pr(A becomes sure that B is strong within the horizon).
    pub fn sure_strong(&self) -> f64 {
        self.sure_strong_at.iter().sum()
    }

    /// Pr(A becomes sure that B is weak within the horizon).
    pub fn sure_weak(&self) -> f64 {
        self.sure_weak_at.iter().sum()
    }
}

impl TwoTypeLearning {
    /// Learning on `battlefield` (whose `q` is B's true chance) between a strong type `q_h` and a
    /// weak type `q_l`, from the prior `prior = P(strong)`, until the posterior leaves
    /// `(low, high)`.
    ///
    /// # Errors
    ///
    /// Unless `0 < q_l < q_h < 1` and `0 ≤ low < prior < high ≤ 1`.
    pub fn new(
        battlefield: Battlefield,
        q_h: f64,
        q_l: f64,
        prior: f64,
        low: f64,
        high: f64,
    ) -> Result<TwoTypeLearning, ParamError> {
        if !(q_l > 0.0 && q_l < q_h && q_h < 1.0) {
            return Err(ParamError::new("q_L", q_l, "0 < q_L < q_H < 1"));
        }
        let prior = crate::probability("prior", prior)?;
        let low = crate::probability("low", low)?;
        let high = crate::probability("high", high)?;
        if !(low < prior && prior < high) {
            return Err(ParamError::new("prior", prior, "strictly between low and high"));
        }
        Ok(TwoTypeLearning { battlefield, q_h, q_l, prior, low, high })
    }

    /// A's posterior `P(strong)` after `wins` advances of B and `losses` retreats.
    pub fn posterior(&self, wins: u32, losses: u32) -> f64 {
        // The parameters were checked in `new`, so this cannot fail.
        posterior_probability(self.prior, self.q_h, self.q_l, wins, losses).unwrap_or(f64::NAN)
    }

    /// The exact distribution of the first passage, up to `horizon` battles; `O(N · horizon)`.
    pub fn exact(&self, horizon: u32) -> Passage {
        let (n, k0, q) =
            (self.battlefield.n() as usize, self.battlefield.k() as usize, self.battlefield.q());
        let slots = horizon as usize + 1;
        let mut passage = Passage {
            sure_strong_at: vec![0.0; slots],
            sure_weak_at: vec![0.0; slots],
            decided_a: 0.0,
            decided_b: 0.0,
            unsure: 0.0,
            expected_battles: 0.0,
        };
        let mut mass = vec![0.0; n + 1];
        mass[k0] = 1.0;
        for t in 0..horizon as usize {
            let Battle { mass: mut next, decided_a, decided_b } = battle(&mass, q);
            let battles = (t + 1) as f64;
            passage.decided_a += decided_a;
            passage.decided_b += decided_b;
            passage.expected_battles += (decided_a + decided_b) * battles;
            for (j, m) in next.iter_mut().enumerate().take(n).skip(1) {
                if *m == 0.0 {
                    continue;
                }
                // After t + 1 battles from k0, a front at j means (t + 1 + j − k0)/2 advances.
                let wins = (t + 1 + j - k0) / 2;
                let losses = t + 1 - wins;
                let p = self.posterior(wins as u32, losses as u32);
                if p >= self.high {
                    passage.sure_strong_at[t + 1] += *m;
                } else if p <= self.low {
                    passage.sure_weak_at[t + 1] += *m;
                } else {
                    continue;
                }
                passage.expected_battles += *m * battles;
                *m = 0.0;
            }
            mass = next;
        }
        passage.unsure = mass.iter().sum();
        passage.expected_battles += passage.unsure * f64::from(horizon);
        passage
    }
}
