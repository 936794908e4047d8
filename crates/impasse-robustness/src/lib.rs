//! Robustness of an analysis to the numbers an analyst had to guess.
//!
//! Pure and small: the uncertain inputs' [`Marginal`] distributions, a counter-based sampling
//! design ([`Design`]: sample `j`'s points depend only on the seed and `j`, so results are the
//! same on any number of threads), the estimators of a probability with its standard error
//! ([`Proportion`]) and the variance-based sensitivity indices ([`indices`]: Saltelli 2010 first
//! order, Jansen 1999 total, from the two matrices A and B and the mixes A_B^(i)). What is
//! evaluated at each point (an analysis of the scenario with the sampled numbers) is the
//! application layer's (`impasse-app`). Methods and oracles: `../shared/reference/robustness.md`.

use rand::{Rng as _, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The distribution of one uncertain input.
#[derive(Clone, PartialEq, Debug)]
pub enum Marginal {
    /// Uniform on `[low, high]`.
    Uniform {
        /// The lower end.
        low: f64,
        /// The upper end.
        high: f64,
    },
    /// Triangular on `[low, high]` with its peak at `mode`.
    Triangular {
        /// The lower end.
        low: f64,
        /// The most likely value.
        mode: f64,
        /// The upper end.
        high: f64,
    },
}

impl Marginal {
    /// `LOW:HIGH` (uniform) or `LOW:MODE:HIGH` (triangular), finite, `LOW < HIGH` and `LOW ≤ MODE ≤
    /// HIGH`.
    ///
    /// # Errors
    ///
    /// What was expected, as a sentence.
    pub fn parse(text: &str) -> Result<Marginal, String> {
        let numbers: Result<Vec<f64>, _> =
            text.split(':').map(|p| p.trim().parse::<f64>()).collect();
        let expected =
            "LOW:HIGH (uniform) or LOW:MODE:HIGH (triangular), finite numbers with LOW < HIGH";
        let numbers = numbers.map_err(|_| format!("expected {expected}, got '{text}'"))?;
        let marginal = match numbers[..] {
            [low, high] => Marginal::Uniform { low, high },
            [low, mode, high] => Marginal::Triangular { low, mode, high },
            _ => return Err(format!("expected {expected}, got '{text}'")),
        };
        let (low, high) = (marginal.low(), marginal.high());
        let mode_ok = match marginal {
            Marginal::Triangular { mode, .. } => (low..=high).contains(&mode),
            Marginal::Uniform { .. } => true,
        };
        if !(low.is_finite() && high.is_finite() && low < high && mode_ok) {
            return Err(format!("expected {expected}, got '{text}'"));
        }
        Ok(marginal)
    }

    /// The lower end.
    pub fn low(&self) -> f64 {
        match *self {
            Marginal::Uniform { low, .. } | Marginal::Triangular { low, .. } => low,
        }
    }

    /// The upper end.
    pub fn high(&self) -> f64 {
        match *self {
            Marginal::Uniform { high, .. } | Marginal::Triangular { high, .. } => high,
        }
    }

    /// The central value the one-at-a-time swings hold the others at: the median.
    pub fn center(&self) -> f64 {
        self.quantile(0.5)
    }

    /// The inverse distribution function at `u ∈ [0, 1]`.
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        match *self {
            Marginal::Uniform { low, high } => low + (high - low) * u,
            Marginal::Triangular { low, mode, high } => {
                let width = high - low;
                let split = (mode - low) / width;
                if u < split {
                    low + (u * width * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - u) * width * (high - mode)).sqrt()
                }
            }
        }
    }

    /// The variance.
    pub fn variance(&self) -> f64 {
        match *self {
            Marginal::Uniform { low, high } => (high - low).powi(2) / 12.0,
            Marginal::Triangular { low, mode, high } => {
                (low * low + mode * mode + high * high - low * mode - low * high - mode * high)
                    / 18.0
            }
        }
    }
}

/// The Saltelli design over `k` inputs: per sample `j`, two independent points `A_j` and `B_j` of
/// the unit cube, each from its own ChaCha8 stream keyed by the seed (streams `2j` and `2j + 1`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Design {
    /// The seed.
    pub seed: u64,
    /// The number of inputs.
    pub inputs: usize,
}

impl Design {
    /// `A_j` and `B_j`, in the unit cube.
    pub fn unit_points(&self, j: u64) -> (Vec<f64>, Vec<f64>) {
        let draw = |stream: u64| {
            let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
            rng.set_stream(stream);
            (0..self.inputs).map(|_| rng.random::<f64>()).collect::<Vec<f64>>()
        };
        (draw(2 * j), draw(2 * j + 1))
    }

    /// `A_j`, `B_j` and every `A_B^(i)` (`A_j` with input `i` from `B_j`), mapped to the marginals.
    pub fn points(&self, j: u64, marginals: &[Marginal]) -> Points {
        let (a, b) = self.unit_points(j);
        let map = |unit: &[f64]| -> Vec<f64> {
            unit.iter().zip(marginals).map(|(&u, m)| m.quantile(u)).collect()
        };
        let (a, b) = (map(&a), map(&b));
        let mixes = (0..a.len())
            .map(|i| {
                let mut mix = a.clone();
                mix[i] = b[i];
                mix
            })
            .collect();
        Points { a, b, mixes }
    }
}

/// The points of one sample of a [`Design`].
#[derive(Clone, PartialEq, Debug)]
pub struct Points {
    /// `A_j`.
    pub a: Vec<f64>,
    /// `B_j`.
    pub b: Vec<f64>,
    /// `A_B^(i)` for every input `i`.
    pub mixes: Vec<Vec<f64>>,
}

/// A probability estimated from independent draws.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Proportion {
    /// Draws where the event happened.
    pub hits: u64,
    /// Draws.
    pub draws: u64,
}

impl Proportion {
    /// Counts one draw.
    pub fn add(&mut self, hit: bool) {
        self.hits += u64::from(hit);
        self.draws += 1;
    }

    /// The estimate `hits / draws` (0 with no draw).
    pub fn estimate(&self) -> f64 {
        if self.draws == 0 { 0.0 } else { self.hits as f64 / self.draws as f64 }
    }

    /// Its Monte Carlo standard error, `sqrt(p(1 − p)/N)`.
    pub fn standard_error(&self) -> f64 {
        if self.draws == 0 {
            return 0.0;
        }
        let p = self.estimate();
        (p * (1.0 - p) / self.draws as f64).sqrt()
    }
}

/// One input's variance-based sensitivity indices.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Index {
    /// First order `S_i`: the share of the output's variance due to the input alone.
    pub first: f64,
    /// Total `S_Ti`: its share including every interaction.
    pub total: f64,
}

/// The indices of every input from the outputs at `A_j` (`f_a`), `B_j` (`f_b`) and `A_B^(i)_j`
/// (`f_mix[j][i]`): Saltelli (2010) for the first order (with `f(B)` centred on the mean),
/// Jansen (1999) for the total, divided by the variance of the `A` and `B` outputs together. `None` when that variance is 0 (the output
/// does not move over the box: no input drives it).
pub fn indices(f_a: &[f64], f_b: &[f64], f_mix: &[Vec<f64>]) -> Option<Vec<Index>> {
    let n = f_a.len();
    if n == 0 || f_b.len() != n || f_mix.len() != n {
        return None;
    }
    let all = f_a.iter().chain(f_b);
    let mean = all.clone().sum::<f64>() / (2 * n) as f64;
    let variance = all.map(|y| (y - mean).powi(2)).sum::<f64>() / (2 * n - 1).max(1) as f64;
    if variance <= 0.0 {
        return None;
    }
    let inputs = f_mix.first().map_or(0, Vec::len);
    Some(
        (0..inputs)
            .map(|i| {
                let (mut first, mut total) = (0.0, 0.0);
                for j in 0..n {
                    let mix = f_mix[j][i];
                    // Centred: the same expectation, far less variance when the mean is large.
                    first += (f_b[j] - mean) * (mix - f_a[j]);
                    total += (f_a[j] - mix).powi(2);
                }
                Index {
                    first: first / n as f64 / variance,
                    total: total / (2 * n) as f64 / variance,
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimate(f: impl Fn(&[f64]) -> f64, marginals: &[Marginal], n: u64) -> Vec<Index> {
        let design = Design { seed: 7, inputs: marginals.len() };
        let (mut fa, mut fb, mut fm) = (Vec::new(), Vec::new(), Vec::new());
        for j in 0..n {
            let points = design.points(j, marginals);
            fa.push(f(&points.a));
            fb.push(f(&points.b));
            fm.push(points.mixes.iter().map(|x| f(x)).collect());
        }
        indices(&fa, &fb, &fm).unwrap()
    }

    #[test]
    fn the_ishigami_function_has_its_published_indices() {
        // Saltelli et al. 2008: S = (0.3139, 0.4424, 0), S_T = (0.5576, 0.4424, 0.2437).
        let pi = std::f64::consts::PI;
        let box_ = vec![Marginal::Uniform { low: -pi, high: pi }; 3];
        let ishigami =
            |x: &[f64]| x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin();
        let got = estimate(ishigami, &box_, 200_000);
        let expected = [(0.3139, 0.5576), (0.4424, 0.4424), (0.0, 0.2437)];
        for (index, (first, total)) in got.iter().zip(expected) {
            assert!((index.first - first).abs() < 0.02, "{got:?}");
            assert!((index.total - total).abs() < 0.02, "{got:?}");
        }
    }

    #[test]
    fn a_linear_model_has_closed_form_indices() {
        // f = Σ c_i x_i: S_i = S_Ti = c_i² Var(x_i) / Σ c_j² Var(x_j).
        let marginals = vec![
            Marginal::Uniform { low: 0.0, high: 1.0 },
            Marginal::Triangular { low: -1.0, mode: 0.5, high: 2.0 },
            Marginal::Uniform { low: 10.0, high: 10.5 },
        ];
        let c = [2.0, -1.0, 3.0];
        let shares: Vec<f64> = marginals.iter().zip(c).map(|(m, c)| c * c * m.variance()).collect();
        let sum: f64 = shares.iter().sum();
        let got = estimate(|x| x.iter().zip(c).map(|(x, c)| c * x).sum(), &marginals, 50_000);
        for (index, share) in got.iter().zip(&shares) {
            assert!((index.first - share / sum).abs() < 0.02, "{got:?}");
            assert!((index.total - share / sum).abs() < 0.02, "{got:?}");
        }
    }

    #[test]
    fn quantiles_follow_the_marginals() {
        let tri = Marginal::Triangular { low: 0.0, mode: 1.0, high: 4.0 };
        assert_eq!(tri.quantile(0.0), 0.0);
        assert_eq!(tri.quantile(1.0), 4.0);
        // P(X ≤ mode) = (mode − low)/(high − low) = 0.25.
        assert!((tri.quantile(0.25) - 1.0).abs() < 1e-12);
        let draws = 100_000;
        let design = Design { seed: 1, inputs: 1 };
        let mean = (0..draws).map(|j| tri.quantile(design.unit_points(j).0[0])).sum::<f64>()
            / draws as f64;
        assert!((mean - 5.0 / 3.0).abs() < 0.01, "{mean}");
        assert_eq!(Marginal::parse("0.2:0.4"), Ok(Marginal::Uniform { low: 0.2, high: 0.4 }));
        for bad in ["0.4:0.2", "1", "a:b", "0:2:1", "0:inf"] {
            assert!(Marginal::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_sample_depends_only_on_the_seed_and_its_index() {
        let design = Design { seed: 3, inputs: 4 };
        assert_eq!(design.unit_points(17), design.unit_points(17));
        assert_ne!(design.unit_points(17), design.unit_points(18));
        let (a, b) = design.unit_points(5);
        assert_ne!(a, b);
    }
}
