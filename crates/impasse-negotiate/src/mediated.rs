//! A single-text mediated protocol: a mediator proposes changes to one text, the parties vote.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::agent::{Agent, Response, State};
use crate::result::{EndReason, NegotiationResult, Offer};
use crate::sao::SaoConfig;
use crate::setting::Setting;

/// Settings of a mediated single-text negotiation.
#[derive(Clone, Debug)]
pub struct MediatedConfig {
    /// Mediator proposals before the final vote.
    pub n_steps: u32,
    /// Seeds the mediator's starting text and proposals.
    pub seed: u64,
    /// Whether to record every adopted text in the trace.
    pub record_trace: bool,
}

/// Runs a single-text negotiation (as NegMAS's `VetoSTMechanism`): the mediator starts from a
/// random text and at each step proposes a variation of it (one issue changed to another value);
/// the text moves to the proposal when every party votes for it ([`Agent::vote`]). After the last
/// step each party answers the final text ([`Agent::respond`] at time 1); it is the agreement when
/// all accept and it crosses no party's absolute red lines or preconditions.
///
/// The trace lists the adopted texts, with the mediator as proposer (index = number of parties).
pub fn run_mediated(
    setting: &Setting,
    agents: &mut [Box<dyn Agent + '_>],
    config: &MediatedConfig,
) -> NegotiationResult {
    let n = agents.len();
    assert_eq!(n, setting.parties().len(), "one agent per party");
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let space = setting.space();
    let radices = space.radices().to_vec();
    let mut values = vec![0u32; radices.len()];
    let mut text = rng.random_range(0..setting.n_outcomes());
    let mut trace = Vec::new();
    let mut proposals = 0;
    let steps = config.n_steps.max(1);
    for step in 0..steps {
        let time = f64::from(step + 1) / f64::from(steps + 1);
        space.decode(u64::from(text), &mut values);
        let movable: Vec<usize> = (0..radices.len()).filter(|&i| radices[i] > 1).collect();
        if movable.is_empty() {
            break;
        }
        let issue = movable[rng.random_range(0..movable.len())];
        let shift = rng.random_range(1..radices[issue]);
        values[issue] = (values[issue] + shift) % radices[issue];
        let proposal = space.encode(&values) as u32;
        proposals += 1;
        let mut all = true;
        for (me, agent) in agents.iter_mut().enumerate() {
            let state = State {
                step,
                time,
                n_steps: Some(steps),
                offer: Some(proposal),
                proposer: Some(n),
                me,
            };
            all &= agent.vote(&state, text, proposal);
        }
        if all {
            text = proposal;
            if config.record_trace {
                trace.push(Offer { step, time, proposer: n, outcome: text });
            }
        }
    }
    let mut ratified = true;
    for (me, agent) in agents.iter_mut().enumerate() {
        let state = State {
            step: steps,
            time: 1.0,
            n_steps: Some(steps),
            offer: Some(text),
            proposer: Some(n),
            me,
        };
        ratified &= agent.respond(&state, text) == Response::Accept
            && !setting.profiles()[me].is_forbidden(text);
    }
    let (agreement, end) =
        if ratified { (Some(text), EndReason::Agreement) } else { (None, EndReason::NotRatified) };
    let sao = SaoConfig { n_steps: Some(steps), ..SaoConfig::default() };
    NegotiationResult::new(setting, agreement, end, steps, 1.0, proposals, 0, trace, &sao)
}
