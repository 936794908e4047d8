//! The Monte Carlo engine shared by every model.
//!
//! Replication `i` of a run seeded `seed` draws from its own ChaCha8 stream (key from `seed`,
//! stream `i`), so a replication's outcome depends only on `(seed, i)`. Replications are grouped in
//! fixed chunks of [`CHUNK`], summarised chunk by chunk (in parallel) and the chunk summaries
//! merged in chunk order: the summary is bit-identical on any number of threads.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Replications per chunk.
pub const CHUNK: u64 = 4096;

/// The random stream of one replication.
pub type Rng = ChaCha8Rng;

/// The stream of replication `replication` of a run seeded `seed`.
pub fn stream(seed: u64, replication: u64) -> Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(replication);
    rng
}

/// How one simulated conflict ended.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Outcome {
    /// Rounds fought before the end (0 when the first offer is accepted).
    pub rounds: u32,
    /// How it ended.
    pub end: End,
    /// B's share of the settlement (when settled).
    pub terms: Option<f64>,
    /// A's realised payoff (discounted and net of costs, as the model defines it).
    pub payoff_a: f64,
    /// B's realised payoff.
    pub payoff_b: f64,
}

/// How a simulated conflict ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum End {
    /// A negotiated settlement.
    Settled,
    /// A military decision for side A.
    DecidedA,
    /// A military decision for side B.
    DecidedB,
    /// Still going at the horizon.
    Ongoing,
}

/// A running mean with its standard error (Welford's algorithm, mergeable).
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct Mean {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Mean {
    /// Adds an observation.
    pub fn add(&mut self, x: f64) {
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Merges another running mean (Chan et al.).
    pub fn merge(&mut self, other: &Mean) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *other;
            return;
        }
        let n = self.n + other.n;
        let delta = other.mean - self.mean;
        self.mean += delta * other.n as f64 / n as f64;
        self.m2 += other.m2 + delta * delta * self.n as f64 * other.n as f64 / n as f64;
        self.n = n;
    }

    /// Observations.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// The mean (NaN without observations).
    pub fn mean(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.mean }
    }

    /// The sample standard deviation.
    pub fn sd(&self) -> f64 {
        if self.n < 2 { 0.0 } else { (self.m2 / (self.n - 1) as f64).sqrt() }
    }

    /// The standard error of the mean.
    pub fn se(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.sd() / (self.n as f64).sqrt() }
    }
}

/// The distribution of simulated outcomes.
#[derive(Clone, PartialEq, Debug)]
pub struct Summary {
    /// Replications.
    pub runs: u64,
    /// Rounds fought.
    pub duration: Mean,
    /// `histogram[t]`: replications that ended after exactly `t` rounds, for `t` below the
    /// horizon; the last slot counts the rest (ended later or still going).
    pub histogram: Vec<u64>,
    /// Ended by settlement.
    pub settled: u64,
    /// Ended by a decision for A.
    pub decided_a: u64,
    /// Ended by a decision for B.
    pub decided_b: u64,
    /// Still going at the horizon.
    pub ongoing: u64,
    /// B's share, over settled replications.
    pub terms: Mean,
    /// A's payoff.
    pub payoff_a: Mean,
    /// B's payoff.
    pub payoff_b: Mean,
    /// `settled_by[t]`: replications settled after at most `t` rounds (`t` up to the horizon).
    pub settled_by: Vec<u64>,
}

impl Summary {
    fn new(horizon: u32) -> Summary {
        let slots = horizon as usize + 1;
        Summary {
            runs: 0,
            duration: Mean::default(),
            histogram: vec![0; slots],
            settled: 0,
            decided_a: 0,
            decided_b: 0,
            ongoing: 0,
            terms: Mean::default(),
            payoff_a: Mean::default(),
            payoff_b: Mean::default(),
            settled_by: vec![0; slots],
        }
    }

    fn add(&mut self, outcome: &Outcome) {
        self.runs += 1;
        self.duration.add(f64::from(outcome.rounds));
        let last = self.histogram.len() - 1;
        self.histogram[(outcome.rounds as usize).min(last)] += 1;
        match outcome.end {
            End::Settled => {
                self.settled += 1;
                if let Some(x) = outcome.terms {
                    self.terms.add(x);
                }
                if (outcome.rounds as usize) <= last {
                    self.settled_by[outcome.rounds as usize] += 1;
                }
            }
            End::DecidedA => self.decided_a += 1,
            End::DecidedB => self.decided_b += 1,
            End::Ongoing => self.ongoing += 1,
        }
        self.payoff_a.add(outcome.payoff_a);
        self.payoff_b.add(outcome.payoff_b);
    }

    fn merge(&mut self, other: &Summary) {
        self.runs += other.runs;
        self.duration.merge(&other.duration);
        for (a, b) in self.histogram.iter_mut().zip(&other.histogram) {
            *a += b;
        }
        self.settled += other.settled;
        self.decided_a += other.decided_a;
        self.decided_b += other.decided_b;
        self.ongoing += other.ongoing;
        self.terms.merge(&other.terms);
        self.payoff_a.merge(&other.payoff_a);
        self.payoff_b.merge(&other.payoff_b);
        for (a, b) in self.settled_by.iter_mut().zip(&other.settled_by) {
            *a += b;
        }
    }

    /// Share of replications that ended by settlement.
    pub fn p_settled(&self) -> f64 {
        self.settled as f64 / self.runs as f64
    }

    /// P(settled within `t` rounds), for `t` = 0 … horizon.
    pub fn settled_curve(&self) -> Vec<f64> {
        let mut acc = 0u64;
        self.settled_by
            .iter()
            .map(|&n| {
                acc += n;
                acc as f64 / self.runs as f64
            })
            .collect()
    }
}

/// Runs `runs` replications of `model` (given its replication's stream) and summarises them.
/// `horizon` sizes the histogram and the settlement curve (models stop at their own horizon).
pub fn simulate<F>(runs: u64, seed: u64, horizon: u32, model: F) -> Summary
where
    F: Fn(&mut Rng) -> Outcome + Sync,
{
    simulate_observed(runs, seed, horizon, model, &|_| {})
}

/// As [`simulate`], calling `progress(replications)` as each chunk completes (from any thread, in
/// any order), for progress bars. The summary does not depend on it.
pub fn simulate_observed<F>(
    runs: u64,
    seed: u64,
    horizon: u32,
    model: F,
    progress: &(dyn Fn(u64) + Sync),
) -> Summary
where
    F: Fn(&mut Rng) -> Outcome + Sync,
{
    // Chunks are summarised in parallel a group at a time and merged in chunk order, so memory
    // does not grow with `runs` (a run of 10^15 replications needs no more than one of 10^6) and
    // the summary is the same as merging every chunk in order.
    const GROUP: u64 = 256;
    let n_chunks = runs.div_ceil(CHUNK);
    let mut total = Summary::new(horizon);
    let mut next = 0;
    while next < n_chunks {
        let last = (next + GROUP).min(n_chunks);
        let chunks: Vec<Summary> = (next..last)
            .into_par_iter()
            .map(|chunk| {
                let mut summary = Summary::new(horizon);
                let (start, end) = (chunk * CHUNK, ((chunk + 1) * CHUNK).min(runs));
                for replication in start..end {
                    let mut rng = stream(seed, replication);
                    summary.add(&model(&mut rng));
                }
                progress(end - start);
                summary
            })
            .collect();
        for chunk in &chunks {
            total.merge(chunk);
        }
        next = last;
    }
    total
}

#[cfg(test)]
mod tests {
    use rand::Rng as _;

    use super::*;

    fn coin(rng: &mut Rng) -> Outcome {
        let rounds = (0..20).take_while(|_| rng.random_bool(0.7)).count() as u32;
        let settled = rounds < 20;
        Outcome {
            rounds,
            end: if settled { End::Settled } else { End::Ongoing },
            terms: settled.then_some(0.5),
            payoff_a: f64::from(rounds),
            payoff_b: 0.0,
        }
    }

    #[test]
    fn summaries_do_not_depend_on_the_thread_count() {
        let on = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| simulate(50_000, 9, 20, coin))
        };
        assert_eq!(on(1), on(2));
        assert_ne!(simulate(50_000, 9, 20, coin), simulate(50_000, 10, 20, coin));
    }

    #[test]
    fn a_geometric_duration_matches_its_closed_form() {
        // Rounds ~ geometric (failures before the first 0.3 event), truncated at 20.
        let s = simulate(200_000, 1, 20, coin);
        let exact: f64 = (1..=20).map(|k| 0.7f64.powi(k)).sum();
        assert!((s.duration.mean() - exact).abs() < 4.0 * s.duration.se(), "{}", s.duration.mean());
        let p_ongoing = 0.7f64.powi(20);
        let se = (p_ongoing * (1.0 - p_ongoing) / 200_000.0).sqrt();
        assert!((s.ongoing as f64 / 2e5 - p_ongoing).abs() < 4.0 * se);
        let curve = s.settled_curve();
        assert!(curve.windows(2).all(|w| w[0] <= w[1]));
        assert!((curve[0] - 0.3).abs() < 0.01);
    }

    #[test]
    fn merged_means_equal_one_pass_means() {
        let xs: Vec<f64> = (0..1000).map(|k| f64::from(k).sin()).collect();
        let mut whole = Mean::default();
        xs.iter().for_each(|&x| whole.add(x));
        let (mut a, mut b) = (Mean::default(), Mean::default());
        xs[..300].iter().for_each(|&x| a.add(x));
        xs[300..].iter().for_each(|&x| b.add(x));
        a.merge(&b);
        assert!((a.mean() - whole.mean()).abs() < 1e-12 && (a.sd() - whole.sd()).abs() < 1e-12);
    }
}
