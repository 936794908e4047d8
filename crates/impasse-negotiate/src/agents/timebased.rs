//! The time-based family (Boulware, Linear, Conceder, any exponent) with NegMAS's semantics.

use crate::agent::{Agent, Response, State};
use crate::setting::Profile;

/// The tolerance NegMAS's time-based negotiators add around their utility band.
pub const TB_EPS: f64 = 1e-4;

/// A time-based conceder: NegMAS's `TimeBasedConcedingNegotiator` with a `PolyAspiration` curve.
///
/// At relative time `t` the aspiration is `a(t) = 1 − t^e` (`e = 4` Boulware, `1` Linear, `0.25`
/// Conceder; larger exponents concede later). It is scaled to the party's utility range
/// `[u_lo, u_hi]`, where `u_lo = max(min utility, reservation value)`, giving the band
/// `[u_lo + (u_hi − u_lo)·a(t) − ε, u_hi + ε]` clamped to `[u_lo, u_hi]` (ε = 1e-4). The agent offers
/// the acceptable outcome with the lowest utility in the band (NegMAS's `worst_in`; its best
/// outcome when none) and accepts exactly the offers whose utility lies in the band.
#[derive(Clone, Debug)]
pub struct TimeBased<'a> {
    profile: &'a Profile,
    exponent: f64,
    eps: f64,
    lo: f64,
    hi: f64,
}

impl<'a> TimeBased<'a> {
    /// A time-based agent with aspiration exponent `exponent` (> 0).
    pub fn new(profile: &'a Profile, exponent: f64) -> TimeBased<'a> {
        let hi = profile.max();
        let mut lo = profile.min();
        if lo < profile.reserved() {
            lo = profile.reserved();
        }
        TimeBased { profile, exponent, eps: TB_EPS, lo, hi }
    }

    /// The aspiration `1 − t^e` at relative time `t`.
    pub fn aspiration(&self, t: f64) -> f64 {
        1.0 * (1.0 - t.powf(self.exponent))
    }

    /// The utility band at relative time `t` (NegMAS's `scale_utilities`).
    pub fn band(&self, t: f64) -> (f64, f64) {
        let d = self.hi - self.lo;
        let mut lo = d * self.aspiration(t) + self.lo;
        let mut hi = d * 1.0 + self.lo;
        lo -= self.eps;
        hi += self.eps;
        (self.lo.max(self.hi.min(lo)), self.lo.max(self.hi.min(hi)))
    }
}

impl Agent for TimeBased<'_> {
    fn respond(&mut self, state: &State, offer: u32) -> Response {
        let (lo, hi) = self.band(state.time);
        let u = self.profile.utility(offer);
        if lo <= u && u <= hi && !self.profile.is_forbidden(offer) {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn propose(&mut self, state: &State) -> Option<u32> {
        let (lo, hi) = self.band(state.time);
        let sorted = self.profile.sorted_acceptable();
        Some(sorted.worst_in(lo, hi).unwrap_or_else(|| self.profile.best()))
    }

    fn vote(&mut self, state: &State, current: u32, proposal: u32) -> bool {
        let (lo, _) = self.band(state.time);
        let u = self.profile.utility(proposal);
        !self.profile.is_forbidden(proposal) && (u >= self.profile.utility(current) || u >= lo)
    }
}
