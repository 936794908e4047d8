//! The agent interface every strategy implements, built-in or the user's own.

/// What an agent sees when asked to act.
#[derive(Clone, Copy, Debug)]
pub struct State {
    /// The current step (0-based): one step is one turn of every party.
    pub step: u32,
    /// Relative time in `[0, 1]`: `(step + 1)/(n_steps + 1)` under a step deadline (NegMAS's
    /// convention), the elapsed share of the time limit under a time deadline, the larger of both
    /// when both are set.
    pub time: f64,
    /// The step deadline, if any.
    pub n_steps: Option<u32>,
    /// The offer on the table, if any.
    pub offer: Option<u32>,
    /// Who made it.
    pub proposer: Option<usize>,
    /// The acting agent's party index.
    pub me: usize,
}

/// An answer to the offer on the table.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Response {
    /// Accept it.
    Accept,
    /// Reject it (the agent is then asked for a counter-offer).
    Reject,
    /// Walk away: the negotiation ends without agreement.
    End,
}

/// A negotiation strategy.
///
/// Under the alternating-offers protocol the mechanism calls, for each party in turn, `respond`
/// when an offer is on the table and then, unless it accepted, `propose`; returning `None` from
/// `propose` ends the negotiation (as in NegMAS). Every offer made by anyone is also passed to
/// [`Agent::observe`] of the other agents. Under the single-text protocol only [`Agent::vote`] is
/// used.
///
/// Outcomes are indices into the setting's outcome space (see
/// [`Setting::decode`](crate::Setting::decode)).
pub trait Agent: Send {
    /// Answers the offer on the table (`state.offer`, never `None` here).
    fn respond(&mut self, state: &State, offer: u32) -> Response;

    /// Makes an offer, or `None` to end the negotiation.
    fn propose(&mut self, state: &State) -> Option<u32>;

    /// Sees an offer made by another party (called before that party's offer is answered).
    fn observe(&mut self, _state: &State, _proposer: usize, _offer: u32) {}

    /// Under a mediated single-text protocol: whether to move from the current text to the
    /// mediator's proposal. The default accepts a proposal at least as good as the current text.
    fn vote(&mut self, state: &State, current: u32, proposal: u32) -> bool;
}
