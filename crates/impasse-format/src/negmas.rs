//! NegMAS 0.16's normalisation of a linear-additive utility function, operation for operation.
//!
//! `Scenario.normalize(common_range=False)` calls `LinearAdditiveUtilityFunction.normalize_for`
//! (`negmas/preferences/crisp/linear.py`) on each utility function. That method, with
//! `epsilon = 1e-6`:
//!
//! 1. makes every weight non-negative (a negative weight's value function is scaled by −1);
//! 2. shifts every value function so that its minimum is 0 (adding `min·w` to the bias), or, when
//!    its range is below `epsilon`, so that it is constantly 1 (adding `w·(min − 1)`);
//! 3. scales every value function by `beta = 1/max` and divides its weight by `beta` (skipped
//!    when `|max| < epsilon·1e-3` or `|beta − 1| < epsilon·0.01`);
//! 4. subtracts the bias from the reserved value and sets the bias to 0;
//! 5. divides the weights and the reserved value by the weights' sum (skipped when
//!    `|sum| <= epsilon·1e-3` or `|sum − 1| <= epsilon·0.1`).
//!
//! The value functions are NegMAS's `TableFun` (discrete issues), `LinearFun` and `AffineFun`
//! (integer issues), whose `shift_by`/`scale_by` build new functions; this module keeps the same
//! representation so that every floating-point operation happens in the same order, and the
//! results are bit-identical to NegMAS's.

/// A NegMAS single-issue value function.
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum ValueFun {
    /// `TableFun`: one number per value of a discrete issue, in the domain's order.
    Table(Vec<f64>),
    /// `LinearFun` (`bias: None`, `x·slope`) or `AffineFun` (`x·slope + bias`) over the integers
    /// `min..=max`.
    Line {
        /// The slope.
        slope: f64,
        /// The bias of an `AffineFun`; `None` for a `LinearFun`.
        bias: Option<f64>,
        /// The issue's smallest value.
        min: i64,
        /// The issue's largest value.
        max: i64,
    },
}

impl ValueFun {
    fn line_at(slope: f64, bias: Option<f64>, x: i64) -> f64 {
        // Python's `int * float` converts the integer to the nearest float first.
        let product = x as f64 * slope;
        match bias {
            None => product,
            Some(bias) => product + bias,
        }
    }

    /// `minmax(issue)`: `nonmonotonic_minmax` over the table, `monotonic_minmax` (the two ends)
    /// for lines.
    fn minmax(&self) -> (f64, f64) {
        match self {
            ValueFun::Table(values) => {
                let mut low: Option<f64> = None;
                let mut high: Option<f64> = None;
                for &value in values {
                    if low.is_none_or(|low| value < low) {
                        low = Some(value);
                    }
                    if high.is_none_or(|high| value > high) {
                        high = Some(value);
                    }
                }
                (low.unwrap_or(f64::NAN), high.unwrap_or(f64::NAN))
            }
            ValueFun::Line { slope, bias, min, max } => {
                let at_min = Self::line_at(*slope, *bias, *min);
                let at_max = Self::line_at(*slope, *bias, *max);
                if at_max < at_min { (at_max, at_min) } else { (at_min, at_max) }
            }
        }
    }

    /// `shift_by(offset)`.
    fn shift_by(self, offset: f64) -> ValueFun {
        match self {
            ValueFun::Table(values) => {
                ValueFun::Table(values.into_iter().map(|value| value + offset).collect())
            }
            ValueFun::Line { slope, bias, min, max } => ValueFun::Line {
                slope,
                // `LinearFun.shift_by` makes `AffineFun(bias=offset)`.
                bias: Some(bias.map_or(offset, |bias| bias + offset)),
                min,
                max,
            },
        }
    }

    /// `scale_by(scale)`.
    fn scale_by(self, scale: f64) -> ValueFun {
        match self {
            ValueFun::Table(values) => {
                ValueFun::Table(values.into_iter().map(|value| value * scale).collect())
            }
            ValueFun::Line { slope, bias, min, max } => ValueFun::Line {
                slope: slope * scale,
                bias: bias.map(|bias| bias * scale),
                min,
                max,
            },
        }
    }

    /// The function's value at every value of the issue, in order.
    fn table(&self) -> Vec<f64> {
        match self {
            ValueFun::Table(values) => values.clone(),
            ValueFun::Line { slope, bias, min, max } => {
                (*min..=*max).map(|x| Self::line_at(*slope, *bias, x)).collect()
            }
        }
    }
}

/// A normalised linear-additive utility function.
#[derive(Clone, PartialEq, Debug)]
pub(crate) struct Normalised {
    /// The weights.
    pub(crate) weights: Vec<f64>,
    /// Per issue, the value function at each of the issue's values.
    pub(crate) tables: Vec<Vec<f64>>,
    /// The constant term (always 0 after normalisation, as in NegMAS).
    pub(crate) bias: f64,
    /// The reserved value, through the same affine map as the utilities.
    pub(crate) reserved: f64,
}

/// `LinearAdditiveUtilityFunction(values=funs, weights=weights, bias=bias,
/// reserved_value=reserved).normalize_for((0.0, 1.0))`.
pub(crate) fn normalize(
    weights: Vec<f64>,
    funs: Vec<ValueFun>,
    bias: f64,
    reserved: f64,
) -> Normalised {
    let epsilon: f64 = 1e-6;
    let mut weights = weights;
    let mut funs = funs;
    let mut bias = bias;
    let mut reserved = reserved;
    let mut ranges: Vec<(f64, f64)> = funs.iter().map(ValueFun::minmax).collect();

    // Step 1: make all weights positive.
    for ((fun, weight), range) in funs.iter_mut().zip(weights.iter_mut()).zip(ranges.iter_mut()) {
        if *weight >= 0.0 {
            continue;
        }
        *fun = std::mem::replace(fun, ValueFun::Table(Vec::new())).scale_by(-1.0);
        *weight = -*weight;
        *range = (-range.1, -range.0);
    }

    // Step 2: make all value functions non-negative, with minimum 0 (or constantly 1).
    for ((fun, &weight), range) in funs.iter_mut().zip(weights.iter()).zip(ranges.iter_mut()) {
        let (low, high) = *range;
        let taken = std::mem::replace(fun, ValueFun::Table(Vec::new()));
        if (high - low).abs() < epsilon {
            *fun = taken.shift_by(1.0 - low);
            bias += weight * (low - 1.0);
            *range = (1.0, 1.0);
            continue;
        }
        *fun = taken.shift_by(-low);
        bias += low * weight;
        *range = (0.0, high - low);
    }

    // Step 3: scale each value function to [0, 1], compensating in its weight.
    for ((fun, weight), range) in funs.iter_mut().zip(weights.iter_mut()).zip(ranges.iter_mut()) {
        let (low, high) = *range;
        if high.abs() < epsilon * 1e-3 {
            continue;
        }
        let beta = 1.0 / high;
        if (beta - 1.0).abs() < epsilon * 0.01 {
            continue;
        }
        *fun = std::mem::replace(fun, ValueFun::Table(Vec::new())).scale_by(beta);
        *weight /= beta;
        *range = (beta * low, beta * high);
    }

    // Step 4: move the bias into the reserved value.
    reserved -= bias;
    let bias = 0.0;

    // Step 5: weights summing to 1. (Python's `sum` starts from the integer 0.)
    let sum = weights.iter().fold(0.0, |total, weight| total + weight);
    if sum.abs() > epsilon * 1e-3 && (sum - 1.0).abs() > epsilon * 0.1 {
        for weight in &mut weights {
            *weight /= sum;
        }
        reserved /= sum;
    }

    Normalised { weights, tables: funs.iter().map(ValueFun::table).collect(), bias, reserved }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use impasse_core::Reservation;

    use super::*;
    use crate::genius::{GeniusSemantics, load_genius_folder_with};
    use crate::json::parse_json;
    use crate::tree::{Kind, Node};

    const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

    fn number(node: &Node) -> f64 {
        match node.kind {
            Kind::Float(value) => value,
            Kind::Integer(value) => value as f64,
            _ => panic!("a number, found {}", node.describe()),
        }
    }

    fn items(node: &Node) -> &[Node] {
        match &node.kind {
            Kind::Array(items) => items,
            _ => panic!("an array, found {}", node.describe()),
        }
    }

    /// Compares `got` with NegMAS's `expected`; returns (bit-identical, total).
    fn compare(what: &str, got: f64, expected: f64, worst: &mut f64) -> (usize, usize) {
        let diff = (got - expected).abs();
        assert!(diff <= 1e-12, "{what}: impasse {got:?}, NegMAS {expected:?}");
        *worst = worst.max(diff);
        (usize::from(got.to_bits() == expected.to_bits()), 1)
    }

    /// impasse's NegMAS semantics against the tables dumped by `bench/negmas_ufun_tables.py`.
    #[test]
    fn negmas_semantics_reproduce_negmas_tables() {
        let cases = [
            ("genius/y2012/CameraB", "CameraB"),
            ("genius/y2011/Laptop", "Laptop"),
            ("genius/y2012/GroceryA", "GroceryA"),
            ("genius/y2010/ItexvsCypress", "ItexvsCypress"),
            ("negmas-synthetic/Mixed", "Mixed"),
        ];
        let (mut identical, mut total, mut worst) = (0, 0, 0.0f64);
        for (folder, table) in cases {
            let path = Path::new(DATA).join(folder);
            let scenario = load_genius_folder_with(&path, GeniusSemantics::Negmas)
                .unwrap_or_else(|diags| panic!("{folder}:\n{diags}"));
            let text = std::fs::read_to_string(
                Path::new(DATA).join("negmas-tables").join(format!("{table}.json")),
            )
            .expect("fixture");
            let root = parse_json(&text).expect("fixture is JSON");
            let issues: Vec<&str> = items(root.get("issues").expect("issues"))
                .iter()
                .map(|node| node.as_str().expect("issue name"))
                .collect();
            let names: Vec<&str> =
                scenario.issues().iter().map(|issue| issue.name.as_str()).collect();
            assert_eq!(names, issues, "{folder}: issue order");
            let parties = items(root.get("parties").expect("parties"));
            assert_eq!(parties.len(), scenario.parties().len(), "{folder}");
            for (party, expected) in scenario.parties().iter().zip(parties) {
                let name = expected.get("name").and_then(Node::as_str).expect("name");
                assert_eq!(party.name, name, "{folder}: party order");
                let utility = &party.utility;
                assert_eq!(utility.cap(), None, "NegMAS does not clamp");
                assert!(utility.terms().is_empty());
                let mut tally = |what: String, got: f64, want: f64| {
                    let (same, count) = compare(&what, got, want, &mut worst);
                    identical += same;
                    total += count;
                };
                let weights = items(expected.get("weights").expect("weights"));
                assert_eq!(weights.len(), utility.weights().len());
                for (idx, (&got, want)) in utility.weights().iter().zip(weights).enumerate() {
                    tally(format!("{folder} {name} weight {idx}"), got, number(want));
                }
                let tables = items(expected.get("values").expect("values"));
                for (idx, (got, want)) in utility.values().iter().zip(tables).enumerate() {
                    let want = items(want);
                    assert_eq!(got.len(), want.len(), "{folder} {name} issue {idx}");
                    for (value, (&got, pair)) in got.iter().zip(want).enumerate() {
                        let pair = items(pair);
                        let label = pair[0].as_str().expect("label");
                        assert_eq!(
                            scenario.issues()[idx].value(value as u32).to_string(),
                            label,
                            "{folder}: value order"
                        );
                        tally(
                            format!("{folder} {name} issue {idx} value {label}"),
                            got,
                            number(&pair[1]),
                        );
                    }
                }
                tally(
                    format!("{folder} {name} bias"),
                    utility.offset(),
                    number(expected.get("bias").expect("bias")),
                );
                let Reservation::Value(reserved) = party.reservation else {
                    panic!("a reservation value")
                };
                tally(
                    format!("{folder} {name} reserved value"),
                    reserved,
                    number(expected.get("reserved_value").expect("reserved_value")),
                );
            }
        }
        eprintln!(
            "NegMAS semantics: {identical} of {total} numbers bit-identical to NegMAS 0.16.0, \
             largest difference {worst:e}"
        );
        assert!(total > 200, "only {total} numbers compared");
        assert_eq!(identical, total, "every number is bit-identical to NegMAS's");
    }

    #[test]
    fn camera_b_reservation_moves_below_zero() {
        let path = Path::new(DATA).join("genius/y2012/CameraB");
        let scenario = load_genius_folder_with(&path, GeniusSemantics::Negmas).expect("loads");
        let Reservation::Value(reserved) = scenario.parties()[0].reservation else {
            panic!("a reservation value")
        };
        assert!((reserved + 0.0447).abs() < 1e-4, "{reserved}");
        // Every issue's table spans [0, 1] and the weights sum to 1: utilities span [0, 1].
        for party in scenario.parties() {
            for table in party.utility.values() {
                let low = table.iter().copied().fold(f64::INFINITY, f64::min);
                let high = table.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                assert_eq!((low, high), (0.0, 1.0));
            }
            let sum: f64 = party.utility.weights().iter().sum();
            assert!((sum - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn a_singleton_issue_becomes_one_and_negative_weights_flip() {
        let out = normalize(
            vec![0.5, -0.25, 0.25],
            vec![
                ValueFun::Table(vec![2.0, 2.0]),
                ValueFun::Table(vec![0.0, 4.0]),
                ValueFun::Line { slope: 2.0, bias: None, min: 1, max: 3 },
            ],
            0.0,
            1.0,
        );
        assert_eq!(out.tables[0], [1.0, 1.0]);
        assert_eq!(out.tables[1], [1.0, 0.0], "a negative weight flips the value function");
        assert_eq!(out.tables[2], [0.0, 0.5, 1.0]);
        // Weights before step 5: 0.5, 0.25·4 = 1, 0.25·4 = 1; bias 0.5·(2 − 1) + (−4)·0.25 + 2·0.25.
        let sum = 2.5;
        assert_eq!(out.weights, [0.5 / sum, 1.0 / sum, 1.0 / sum]);
        assert_eq!(out.reserved, (1.0 - (0.5 - 1.0 + 0.5)) / sum);
        assert_eq!(out.bias, 0.0);
    }
}
