//! An agent that offers and accepts at random.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::agent::{Agent, Response, State};
use crate::setting::Profile;

/// Offers a uniformly random acceptable outcome (one reaching its reservation value and crossing
/// none of its red lines; any outcome when none is) and accepts an acceptable offer with
/// probability one half. Seeded: the same seed gives the same run.
#[derive(Clone, Debug)]
pub struct RandomAgent<'a> {
    profile: &'a Profile,
    rng: ChaCha8Rng,
}

impl<'a> RandomAgent<'a> {
    /// A random agent with its own seeded stream.
    pub fn new(profile: &'a Profile, seed: u64) -> RandomAgent<'a> {
        RandomAgent { profile, rng: ChaCha8Rng::seed_from_u64(seed) }
    }
}

impl Agent for RandomAgent<'_> {
    fn respond(&mut self, _state: &State, offer: u32) -> Response {
        if self.profile.is_acceptable(offer) && self.rng.random_bool(0.5) {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn propose(&mut self, _state: &State) -> Option<u32> {
        let sorted = self.profile.sorted_acceptable();
        let n = sorted.n_rational();
        if n == 0 {
            let all = self.profile.utilities().len();
            return Some(self.rng.random_range(0..all) as u32);
        }
        Some(sorted.outcomes()[self.rng.random_range(0..n)])
    }

    fn vote(&mut self, _state: &State, _current: u32, proposal: u32) -> bool {
        self.profile.is_acceptable(proposal) && self.rng.random_bool(0.5)
    }
}
