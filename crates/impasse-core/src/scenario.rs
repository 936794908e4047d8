//! The scenario: parties, issues, preferences, red lines, preconditions, proposals and the conflict
//! model, validated on construction.

use std::collections::BTreeSet;
use std::fmt;

use crate::expr::Expr;
use crate::space::OutcomeSpace;
use crate::tie::Ties;
use crate::utility::Utility;

/// One value of an issue, as shown to users.
#[derive(Clone, PartialEq, Debug)]
pub enum Value {
    /// A named value of a categorical or ordinal issue.
    Label(String),
    /// A value of an integer issue.
    Int(i64),
    /// A grid point of a discretised real interval.
    Real(f64),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Label(label) => f.write_str(label),
            Value::Int(value) => write!(f, "{value}"),
            Value::Real(value) => write!(f, "{value}"),
        }
    }
}

/// What kind of values an issue takes.
#[derive(Clone, PartialEq, Debug)]
pub enum IssueKind {
    /// Named values with no order.
    Categorical {
        /// The values, in the order they were declared.
        values: Vec<String>,
    },
    /// Named values in a declared order, from first to last; `<` compares positions.
    Ordinal {
        /// The values, in order.
        values: Vec<String>,
    },
    /// The integers `min..=max`.
    Integer {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
    /// The real interval `[min, max]`, discretised for analysis into `steps` evenly spaced points
    /// (both ends included).
    Real {
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
        /// Number of grid points, at least 2.
        steps: u32,
    },
}

/// An issue under negotiation.
#[derive(Clone, PartialEq, Debug)]
pub struct Issue {
    /// The key that expressions, packages and reports use for the issue, exactly as the user wrote
    /// it: a native file's key, or a GENIUS or GeniusWeb issue's name (which may hold spaces and
    /// punctuation, e.g. `Duration (weeks)`), never rewritten into an identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// The values it takes.
    pub kind: IssueKind,
}

impl Issue {
    /// An issue with an empty description.
    pub fn new(id: &str, name: &str, kind: IssueKind) -> Issue {
        Issue { id: id.to_owned(), name: name.to_owned(), description: String::new(), kind }
    }

    /// The number of values (grid points for real intervals). Saturates at `u32::MAX`.
    pub fn cardinality(&self) -> u32 {
        match &self.kind {
            IssueKind::Categorical { values } | IssueKind::Ordinal { values } => {
                u32::try_from(values.len()).unwrap_or(u32::MAX)
            }
            IssueKind::Integer { min, max } => {
                u32::try_from(max.saturating_sub(*min).saturating_add(1).max(0)).unwrap_or(u32::MAX)
            }
            IssueKind::Real { steps, .. } => *steps,
        }
    }

    /// The value with index `idx` (which must be below the cardinality).
    pub fn value(&self, idx: u32) -> Value {
        match &self.kind {
            IssueKind::Categorical { values } | IssueKind::Ordinal { values } => {
                Value::Label(values[idx as usize].clone())
            }
            IssueKind::Integer { min, .. } => Value::Int(min + i64::from(idx)),
            IssueKind::Real { .. } => Value::Real(self.numeric(idx).unwrap_or(f64::NAN)),
        }
    }

    /// The numeric value of index `idx` for integer and real issues, `None` for named values.
    pub fn numeric(&self, idx: u32) -> Option<f64> {
        match &self.kind {
            IssueKind::Categorical { .. } | IssueKind::Ordinal { .. } => None,
            IssueKind::Integer { min, .. } => Some((min + i64::from(idx)) as f64),
            IssueKind::Real { min, max, steps } => {
                let last = f64::from(steps.saturating_sub(1).max(1));
                Some(min + (max - min) * f64::from(idx) / last)
            }
        }
    }

    /// The index of the named value `label`, for categorical and ordinal issues.
    pub fn label_index(&self, label: &str) -> Option<u32> {
        match &self.kind {
            IssueKind::Categorical { values } | IssueKind::Ordinal { values } => {
                values.iter().position(|value| value == label).map(|idx| idx as u32)
            }
            _ => None,
        }
    }

    /// The index of the numeric value `value` for integer issues (exact) and real issues (the
    /// nearest grid point, if within half a grid step of it).
    pub fn numeric_index(&self, value: f64) -> Option<u32> {
        match &self.kind {
            IssueKind::Integer { min, max } => {
                let rounded = value.round();
                (rounded == value && rounded >= *min as f64 && rounded <= *max as f64)
                    .then(|| (rounded as i64 - min) as u32)
            }
            IssueKind::Real { min, max, steps } => {
                if !(value >= *min && value <= *max) {
                    return None;
                }
                let last = f64::from(steps.saturating_sub(1).max(1));
                let position = if max > min { (value - min) / (max - min) * last } else { 0.0 };
                Some(position.round() as u32)
            }
            _ => None,
        }
    }

    /// Whether analyses see a discretisation of this issue rather than all its values.
    pub fn is_discretised(&self) -> bool {
        matches!(self.kind, IssueKind::Real { .. })
    }

    /// Whether the values are ordered (`<` and friends are meaningful).
    pub fn is_ordered(&self) -> bool {
        !matches!(self.kind, IssueKind::Categorical { .. })
    }
}

/// Where a party's no-deal (reservation) value comes from.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Reservation {
    /// Given directly, in the party's utility units.
    Value(f64),
    /// Derived from the conflict model: `p·u(victory of side A) + (1 − p)·u(victory of side B) −
    /// cost`, where `p` is the balance of power.
    Conflict,
}

/// A party to the negotiation.
#[derive(Clone, PartialEq, Debug)]
pub struct Party {
    /// The key that expressions, overrides and reports use for the party, exactly as the user wrote
    /// it: a native file's key, or the file stem of a GENIUS or GeniusWeb profile (e.g.
    /// `IntegerDomain-prof1`), never rewritten into an identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Capability (power), a non-negative number; sides' capabilities give the balance of power
    /// when the conflict model does not state it.
    pub power: f64,
    /// The party's preferences.
    pub utility: Utility,
    /// Its no-deal value.
    pub reservation: Reservation,
    /// A discount factor noted from the source (GENIUS), not applied by the static analyses.
    pub discount: Option<f64>,
}

/// What crossing a red line costs the party that holds it.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum CrossingCost {
    /// The party never accepts a package across it.
    Absolute,
    /// The party may accept, but the package is worth this much less to it ("conceding looks like
    /// defeat"; an audience cost).
    Penalty(f64),
}

/// A red line: a condition a party requires of any deal.
#[derive(Clone, PartialEq, Debug)]
pub struct RedLine {
    /// Identifier.
    pub id: String,
    /// Index of the party that holds it.
    pub party: usize,
    /// Free text.
    pub description: String,
    /// The condition as written in the scenario.
    pub source: String,
    /// The condition a package must meet not to cross the line.
    pub requires: Expr,
    /// What crossing costs.
    pub cost: CrossingCost,
}

/// A precondition to talks: a condition a party demands before it negotiates at all. Any deal it
/// signs must meet it, so analyses treat it as an absolute constraint of that party, reported as a
/// precondition.
#[derive(Clone, PartialEq, Debug)]
pub struct Precondition {
    /// Identifier.
    pub id: String,
    /// Index of the party that demands it.
    pub party: usize,
    /// Free text.
    pub description: String,
    /// The condition as written in the scenario.
    pub source: String,
    /// The condition.
    pub requires: Expr,
}

/// A named proposal: a full or partial package.
#[derive(Clone, PartialEq, Debug)]
pub struct Proposal {
    /// Identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Index of the party that put it forward, if any.
    pub by: Option<usize>,
    /// Free text.
    pub description: String,
    /// One entry per issue; `None` where the proposal is silent.
    pub package: Vec<Option<u32>>,
}

impl Proposal {
    /// Whether every issue is specified.
    pub fn is_complete(&self) -> bool {
        self.package.iter().all(Option::is_some)
    }
}

/// The conflict that continues if no deal is made (Fearon's costly lottery).
#[derive(Clone, PartialEq, Debug)]
pub struct ConflictModel {
    /// Free text.
    pub description: String,
    /// Parties on side A.
    pub side_a: Vec<usize>,
    /// Parties on side B.
    pub side_b: Vec<usize>,
    /// Probability that side A prevails; when `None`, the share of side A in the two sides' summed
    /// capabilities.
    pub balance: Option<f64>,
    /// The package imposed if side A prevails.
    pub victory_a: Vec<u32>,
    /// The package imposed if side B prevails.
    pub victory_b: Vec<u32>,
    /// Per party (indexed like the scenario's parties), the cost of continuing the conflict in its
    /// utility units; `None` for parties that bear none.
    pub costs: Vec<Option<f64>>,
    /// Per party, the share of its resources mobilised (0–1), if stated; informs dynamics models.
    pub mobilisation: Vec<Option<f64>>,
    /// The balance of power in future periods, if it is expected to shift (for the commitment
    /// check). Empty when no shift is stated.
    pub trajectory: Vec<f64>,
    /// Per-period discount factor used by the commitment check.
    pub discount: f64,
    /// What the dynamics models assume beyond the above (beliefs, the front, private resolve).
    pub dynamics: DynamicsAssumptions,
}

/// Assumptions of the conflict-dynamics models (`impasse dynamics`), all optional: a model whose
/// inputs are missing is not run, and the report says which assumption it lacks.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct DynamicsAssumptions {
    /// Per fought round, the probability that the war ends in a military decision (screening
    /// model, `r`).
    pub decisive: Option<f64>,
    /// Side B's resolve is private: the prior probability that it is resolved (screening, `μ0`).
    pub resolve_prior: Option<f64>,
    /// Side B's per-round cost if resolved, as a share of its stake (screening, `c_R`).
    pub resolved_cost: Option<f64>,
    /// Side B's per-round cost if irresolute, as a share of its stake (screening, `c_I`).
    pub irresolute_cost: Option<f64>,
    /// The front (battlefield model): side A has won at 0, side B at `front_length`.
    pub front_length: Option<u32>,
    /// Today's position of the front, strictly between 0 and `front_length`.
    pub front_position: Option<u32>,
    /// Per battle, the probability that side B advances.
    pub advance: Option<f64>,
    /// Side A's Beta(α, β) prior on `advance`.
    pub belief_a: Option<(f64, f64)>,
    /// Side B's Beta(α, β) prior on `advance`.
    pub belief_b: Option<(f64, f64)>,
    /// The most rounds simulated.
    pub horizon: Option<u32>,
    /// What-if: the share of its resources side A mobilises, against today's (the mean stated
    /// `mobilisation` of its parties). Side A's fighting strength scales with the ratio: the odds
    /// of B's advance and of B prevailing are divided by it.
    pub mobilised_a: Option<f64>,
    /// What-if: the share of its resources side B mobilises; the odds of B's advance and of B
    /// prevailing are multiplied by the ratio to today's.
    pub mobilised_b: Option<f64>,
}

/// Everything a scenario is made of, before validation.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct ScenarioParts {
    /// Scenario name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// The issues.
    pub issues: Vec<Issue>,
    /// The parties.
    pub parties: Vec<Party>,
    /// Red lines.
    pub red_lines: Vec<RedLine>,
    /// Preconditions to talks.
    pub preconditions: Vec<Precondition>,
    /// Proposals.
    pub proposals: Vec<Proposal>,
    /// The conflict model, if any.
    pub conflict: Option<ConflictModel>,
    /// Notes from loading (for example a GENIUS discount factor that is noted but not applied).
    pub notes: Vec<String>,
    /// Warnings from loading: each says what the reader assumed about an input it could read only
    /// by an assumption (for example a GENIUS profile whose issues sit directly under
    /// `<utility_space>`), with the file, line and column it concerns (`file:line:column: text`).
    pub warnings: Vec<String>,
}

/// A scenario violates an invariant of the model.
#[derive(Clone, PartialEq, Debug, thiserror::Error)]
#[error("{0}")]
pub struct ModelError(pub String);

/// A validated scenario.
#[derive(Clone, PartialEq, Debug)]
pub struct Scenario {
    parts: ScenarioParts,
    space: OutcomeSpace,
    magnitude: f64,
    ties: Ties,
}

impl Scenario {
    /// Validates the parts and builds the scenario, or returns every problem found.
    pub fn new(parts: ScenarioParts) -> Result<Scenario, Vec<ModelError>> {
        let errors = validate(&parts);
        if !errors.is_empty() {
            return Err(errors);
        }
        let space = OutcomeSpace::new(parts.issues.iter().map(Issue::cardinality).collect());
        let mut scenario = Scenario { parts, space, magnitude: 0.0, ties: Ties::UNIT };
        scenario.magnitude = scenario.compute_magnitude();
        scenario.ties = Ties::for_magnitude(scenario.magnitude);
        Ok(scenario)
    }

    /// See [`Scenario::magnitude`].
    fn compute_magnitude(&self) -> f64 {
        let bounds = self.parties().iter().flat_map(|party| {
            let (low, high) = party.utility.bounds();
            [low, high]
        });
        let penalties = self.red_lines().iter().filter_map(|line| match line.cost {
            CrossingCost::Penalty(amount) => Some(amount),
            CrossingCost::Absolute => None,
        });
        let costs =
            self.conflict().into_iter().flat_map(|conflict| conflict.costs.iter().flatten());
        let fixed = self.parties().iter().filter_map(|party| match party.reservation {
            Reservation::Value(value) => Some(value),
            Reservation::Conflict => None,
        });
        bounds
            .chain(fixed)
            .chain(penalties)
            .chain(costs.copied())
            .filter(|value| value.is_finite())
            .fold(0.0f64, |acc, value| acc.max(value.abs()))
    }

    /// The scenario's utility magnitude `M`, from which its tie rule ([`Scenario::ties`]) is
    /// derived: the largest absolute value among the lowest and highest utility each party can
    /// attain (bounds, see [`Utility::bounds`]), the reservation values given directly, the finite
    /// crossing costs of red lines and the costs of conflict — every number compared as a utility.
    /// A reservation value derived from the conflict, `p·u(victory_a) + (1 − p)·u(victory_b) − c`,
    /// is bounded by the utilities and the cost already counted, so it is left out: the scale does
    /// not move with the balance of power. Non-finite values are ignored; 0 when nothing is finite.
    pub fn magnitude(&self) -> f64 {
        self.magnitude
    }

    /// The scenario's tie rule: the resolution at which every analysis compares its utilities,
    /// `1e-9` for utility magnitudes ([`Scenario::magnitude`]) in `[1, 10)` and between `1e-10` and
    /// `1e-9` of the magnitude otherwise ([`Ties::for_magnitude`]; [`Ties`] states the rule and
    /// why). Computed once, when the scenario is built.
    pub fn ties(&self) -> Ties {
        self.ties
    }

    /// The parts the scenario was built from (for editing and rebuilding).
    pub fn parts(&self) -> &ScenarioParts {
        &self.parts
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.parts.name
    }

    /// Its description.
    pub fn description(&self) -> &str {
        &self.parts.description
    }

    /// The issues.
    pub fn issues(&self) -> &[Issue] {
        &self.parts.issues
    }

    /// The parties.
    pub fn parties(&self) -> &[Party] {
        &self.parts.parties
    }

    /// The red lines.
    pub fn red_lines(&self) -> &[RedLine] {
        &self.parts.red_lines
    }

    /// The preconditions.
    pub fn preconditions(&self) -> &[Precondition] {
        &self.parts.preconditions
    }

    /// The proposals.
    pub fn proposals(&self) -> &[Proposal] {
        &self.parts.proposals
    }

    /// The conflict model.
    pub fn conflict(&self) -> Option<&ConflictModel> {
        self.parts.conflict.as_ref()
    }

    /// Loading notes.
    pub fn notes(&self) -> &[String] {
        &self.parts.notes
    }

    /// Loading warnings: what the reader assumed to read the input (see
    /// [`ScenarioParts::warnings`]). Front ends show them; analyses ignore them.
    pub fn warnings(&self) -> &[String] {
        &self.parts.warnings
    }

    /// The outcome space.
    pub fn space(&self) -> &OutcomeSpace {
        &self.space
    }

    /// The index of the party with identifier `id`.
    pub fn party_index(&self, id: &str) -> Option<usize> {
        self.parts.parties.iter().position(|party| party.id == id)
    }

    /// The index of the issue with identifier `id`.
    pub fn issue_index(&self, id: &str) -> Option<usize> {
        self.parts.issues.iter().position(|issue| issue.id == id)
    }

    /// The balance of power today: the probability that side A prevails.
    pub fn balance(&self) -> Option<f64> {
        let conflict = self.conflict()?;
        Some(conflict.balance.unwrap_or_else(|| self.capability_balance(conflict)))
    }

    /// Side A's share of the two sides' summed capabilities (0.5 when both are 0). Every power is
    /// divided by the largest first, so the sums cannot overflow (two sides of power `1e308` each
    /// give 0.5, not 0).
    fn capability_balance(&self, conflict: &ConflictModel) -> f64 {
        let powers = |side: &'_ [usize]| {
            side.iter().map(|&party| self.parties()[party].power).collect::<Vec<f64>>()
        };
        share_of_first(&powers(&conflict.side_a), &powers(&conflict.side_b))
    }

    /// A party's value of continuing the conflict at balance `balance` and cost `cost`:
    /// `balance·u(victory_a) + (1 − balance)·u(victory_b) − cost`. `None` without a conflict model.
    pub fn war_value(&self, party: usize, balance: f64, cost: f64) -> Option<f64> {
        let conflict = self.conflict()?;
        let utility = &self.parties()[party].utility;
        Some(
            balance * utility.eval(&conflict.victory_a)
                + (1.0 - balance) * utility.eval(&conflict.victory_b)
                - cost,
        )
    }

    /// A party's cost of continuing the conflict today (0 when none is stated).
    pub fn conflict_cost(&self, party: usize) -> f64 {
        self.conflict().and_then(|conflict| conflict.costs[party]).unwrap_or(0.0)
    }

    /// Every party's reservation value today.
    pub fn reservation_values(&self) -> Vec<f64> {
        let balance = self.balance().unwrap_or(0.5);
        (0..self.parties().len())
            .map(|party| self.reservation_at(party, balance, self.conflict_cost(party)))
            .collect()
    }

    /// A party's reservation value if the balance of power were `balance` and its conflict cost
    /// `cost` (only conflict-derived reservations depend on them).
    pub fn reservation_at(&self, party: usize, balance: f64, cost: f64) -> f64 {
        match self.parties()[party].reservation {
            Reservation::Value(value) => value,
            Reservation::Conflict => self.war_value(party, balance, cost).unwrap_or(f64::NAN),
        }
    }

    /// The total penalty of the finite red lines of `party` that `outcome` crosses.
    pub fn penalty(&self, party: usize, outcome: &[u32]) -> f64 {
        self.red_lines()
            .iter()
            .filter(|line| line.party == party && !line.requires.eval(outcome))
            .map(|line| match line.cost {
                CrossingCost::Penalty(amount) => amount,
                CrossingCost::Absolute => 0.0,
            })
            .sum()
    }

    /// Whether `outcome` respects every absolute red line and every precondition.
    pub fn respects_hard_constraints(&self, outcome: &[u32]) -> bool {
        self.red_lines()
            .iter()
            .filter(|line| line.cost == CrossingCost::Absolute)
            .all(|line| line.requires.eval(outcome))
            && self.preconditions().iter().all(|pre| pre.requires.eval(outcome))
    }

    /// The display form of a complete package: `(issue id, value)` pairs.
    pub fn describe(&self, outcome: &[u32]) -> Vec<(String, Value)> {
        self.issues()
            .iter()
            .zip(outcome)
            .map(|(issue, &value)| (issue.id.clone(), issue.value(value)))
            .collect()
    }
}

/// The share `Σa / (Σa + Σb)` of non-negative weights `a` against `b` (side A's share of the
/// two sides' capabilities, say), 0.5 when every weight is 0 or none is given.
///
/// Computed without overflow or underflow: when the plain sums are normal floats the result is
/// exactly `Σa / (Σa + Σb)`; otherwise (two weights of `1e308` overflow the sum, subnormal weights
/// lose precision) every weight is divided by the largest first, so the sums stay between 1 and the
/// number of weights. NaN when a weight is NaN or infinite.
pub fn share_of_first(a: &[f64], b: &[f64]) -> f64 {
    let (sum_a, sum_b): (f64, f64) = (a.iter().sum(), b.iter().sum());
    let total = sum_a + sum_b;
    if total.is_finite() && (total == 0.0 || total >= f64::MIN_POSITIVE) {
        return if total > 0.0 { sum_a / total } else { 0.5 };
    }
    let largest = a.iter().chain(b).copied().fold(0.0f64, f64::max);
    if !largest.is_finite() || a.iter().chain(b).any(|w| w.is_nan()) {
        return f64::NAN;
    }
    let scaled = |weights: &[f64]| weights.iter().map(|&w| w / largest).sum::<f64>();
    let (sum_a, sum_b) = (scaled(a), scaled(b));
    sum_a / (sum_a + sum_b)
}

fn validate(parts: &ScenarioParts) -> Vec<ModelError> {
    let mut errors = Vec::new();
    let mut err = |message: String| errors.push(ModelError(message));
    if parts.parties.len() < 2 {
        err(format!("a scenario needs at least two parties, found {}", parts.parties.len()));
    }
    if parts.issues.is_empty() {
        err("a scenario needs at least one issue".to_owned());
    }
    check_unique("issue", parts.issues.iter().map(|issue| issue.id.as_str()), &mut err);
    check_unique("party", parts.parties.iter().map(|party| party.id.as_str()), &mut err);
    check_unique("red line", parts.red_lines.iter().map(|line| line.id.as_str()), &mut err);
    check_unique("precondition", parts.preconditions.iter().map(|pre| pre.id.as_str()), &mut err);
    check_unique("proposal", parts.proposals.iter().map(|prop| prop.id.as_str()), &mut err);
    let radices: Vec<u32> = parts.issues.iter().map(Issue::cardinality).collect();
    for (issue, &radix) in parts.issues.iter().zip(&radices) {
        match &issue.kind {
            IssueKind::Categorical { values } | IssueKind::Ordinal { values } => {
                if values.is_empty() {
                    err(format!("issue '{}' has no values", issue.id));
                }
                check_unique(
                    &format!("value of issue '{}'", issue.id),
                    values.iter().map(String::as_str),
                    &mut err,
                );
            }
            IssueKind::Integer { min, max } => {
                if min > max {
                    err(format!("issue '{}': min {min} is above max {max}", issue.id));
                } else if radix == u32::MAX {
                    err(format!("issue '{}': the range {min}..={max} is too large", issue.id));
                }
            }
            IssueKind::Real { min, max, steps } => {
                if !(min.is_finite() && max.is_finite() && min <= max) {
                    err(format!("issue '{}': the interval [{min}, {max}] is not valid", issue.id));
                }
                if *steps < 2 {
                    err(format!("issue '{}': a real interval needs at least 2 steps", issue.id));
                }
            }
        }
    }
    let n_issues = parts.issues.len();
    let n_parties = parts.parties.len();
    let check_outcome = |what: &str, outcome: &[u32], err: &mut dyn FnMut(String)| {
        if outcome.len() != n_issues {
            err(format!(
                "{what} has {} values, expected one per issue ({n_issues})",
                outcome.len()
            ));
            return;
        }
        for (idx, (&value, &radix)) in outcome.iter().zip(&radices).enumerate() {
            if value >= radix {
                err(format!(
                    "{what}: value index {value} out of range for issue '{}'",
                    parts.issues[idx].id
                ));
            }
        }
    };
    for party in &parts.parties {
        let utility = &party.utility;
        if !(party.power.is_finite() && party.power >= 0.0) {
            err(format!(
                "party '{}': power must be a non-negative number, found {}",
                party.id, party.power
            ));
        }
        if utility.tables().len() != n_issues {
            err(format!(
                "party '{}': utility has {} issue tables, expected {n_issues}",
                party.id,
                utility.tables().len()
            ));
        } else {
            for (idx, (table, &radix)) in utility.tables().iter().zip(&radices).enumerate() {
                if table.len() != radix as usize {
                    err(format!(
                        "party '{}': issue '{}' has {} scores, expected {radix}",
                        party.id,
                        parts.issues[idx].id,
                        table.len()
                    ));
                }
                if table.iter().any(|value| !value.is_finite()) {
                    err(format!(
                        "party '{}': issue '{}' has a non-finite score",
                        party.id, parts.issues[idx].id
                    ));
                }
            }
        }
        for term in utility.terms() {
            check_expr(
                &term.condition,
                &radices,
                &format!("party '{}' term '{}'", party.id, term.label),
                &mut err,
            );
            if !term.value.is_finite() {
                err(format!("party '{}' term '{}': value must be finite", party.id, term.label));
            }
        }
        match party.reservation {
            Reservation::Value(value) if !value.is_finite() => {
                err(format!("party '{}': reservation value must be finite", party.id))
            }
            Reservation::Conflict if parts.conflict.is_none() => err(format!(
                "party '{}': reservation derived from the conflict, but the scenario has no conflict model",
                party.id
            )),
            _ => {}
        }
        if let Some(discount) = party.discount
            && !(discount > 0.0 && discount <= 1.0)
        {
            err(format!(
                "party '{}': discount factor must be in (0, 1], found {discount}",
                party.id
            ));
        }
    }
    for line in &parts.red_lines {
        if line.party >= n_parties {
            err(format!("red line '{}': party index out of range", line.id));
        }
        check_expr(&line.requires, &radices, &format!("red line '{}'", line.id), &mut err);
        if let CrossingCost::Penalty(amount) = line.cost
            && !(amount.is_finite() && amount >= 0.0)
        {
            err(format!(
                "red line '{}': crossing cost must be a non-negative number, found {amount}",
                line.id
            ));
        }
    }
    for pre in &parts.preconditions {
        if pre.party >= n_parties {
            err(format!("precondition '{}': party index out of range", pre.id));
        }
        check_expr(&pre.requires, &radices, &format!("precondition '{}'", pre.id), &mut err);
    }
    for proposal in &parts.proposals {
        if proposal.by.is_some_and(|party| party >= n_parties) {
            err(format!("proposal '{}': party index out of range", proposal.id));
        }
        if proposal.package.len() != n_issues {
            err(format!(
                "proposal '{}' has {} entries, expected {n_issues}",
                proposal.id,
                proposal.package.len()
            ));
        } else {
            for (idx, (value, &radix)) in proposal.package.iter().zip(&radices).enumerate() {
                if value.is_some_and(|value| value >= radix) {
                    err(format!(
                        "proposal '{}': value out of range for issue '{}'",
                        proposal.id, parts.issues[idx].id
                    ));
                }
            }
        }
    }
    if let Some(conflict) = &parts.conflict {
        check_outcome("the victory package of side A", &conflict.victory_a, &mut err);
        check_outcome("the victory package of side B", &conflict.victory_b, &mut err);
        if conflict.side_a.is_empty() || conflict.side_b.is_empty() {
            err("the conflict model needs at least one party on each side".to_owned());
        }
        let mut seen = BTreeSet::new();
        for &party in conflict.side_a.iter().chain(&conflict.side_b) {
            if party >= n_parties {
                err("conflict side: party index out of range".to_owned());
            } else if !seen.insert(party) {
                err(format!(
                    "party '{}' is on both sides of the conflict",
                    parts.parties[party].id
                ));
            }
        }
        if let Some(balance) = conflict.balance
            && !(0.0..=1.0).contains(&balance)
        {
            err(format!("the balance of power is a probability in [0, 1], found {balance}"));
        }
        for &point in &conflict.trajectory {
            if !(0.0..=1.0).contains(&point) {
                err(format!("the power trajectory holds probabilities in [0, 1], found {point}"));
            }
        }
        if !(conflict.discount > 0.0 && conflict.discount < 1.0) {
            err(format!(
                "the conflict discount factor must be in (0, 1), found {}",
                conflict.discount
            ));
        }
        if conflict.costs.len() != n_parties || conflict.mobilisation.len() != n_parties {
            err("conflict costs and mobilisation need one entry per party".to_owned());
        }
        for (party, cost) in conflict.costs.iter().enumerate() {
            if cost.is_some_and(|cost| !(cost.is_finite() && cost >= 0.0)) {
                err(format!("party {party}: the cost of conflict must be a non-negative number"));
            }
        }
        for share in conflict.mobilisation.iter().flatten() {
            if !(0.0..=1.0).contains(share) {
                err(format!("mobilisation is a share in [0, 1], found {share}"));
            }
        }
    }
    errors
}

fn check_unique<'a>(what: &str, ids: impl Iterator<Item = &'a str>, err: &mut dyn FnMut(String)) {
    let mut seen = BTreeSet::new();
    for id in ids {
        if id.is_empty() {
            err(format!("a {what} has an empty identifier"));
        } else if !seen.insert(id) {
            err(format!("duplicate {what} '{id}'"));
        }
    }
}

fn check_expr(expr: &Expr, radices: &[u32], what: &str, err: &mut dyn FnMut(String)) {
    expr.for_each_atom(&mut |issue, allowed| {
        if issue >= radices.len() {
            err(format!("{what}: issue index {issue} out of range"));
        } else if allowed.universe() != radices[issue] {
            err(format!("{what}: value set does not match issue '{issue}'"));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::ValueSet;

    fn share_scenario(balance: f64) -> Scenario {
        let issue = Issue::new("x", "B's share", IssueKind::Real { min: 0.0, max: 1.0, steps: 11 });
        let grid: Vec<f64> = (0..11).map(|idx| f64::from(idx) / 10.0).collect();
        let party = |id: &str, scores: Vec<f64>| Party {
            id: id.into(),
            name: id.into(),
            description: String::new(),
            power: 1.0,
            utility: Utility::new(vec![1.0], vec![scores]),
            reservation: Reservation::Conflict,
            discount: None,
        };
        Scenario::new(ScenarioParts {
            name: "share".into(),
            issues: vec![issue],
            parties: vec![
                party("a", grid.iter().map(|x| 1.0 - x).collect()),
                party("b", grid.clone()),
            ],
            red_lines: vec![RedLine {
                id: "floor".into(),
                party: 1,
                description: String::new(),
                source: "x >= 0.3".into(),
                requires: Expr::Atom {
                    issue: 0,
                    allowed: ValueSet::from_predicate(11, |idx| idx >= 3),
                },
                cost: CrossingCost::Penalty(0.25),
            }],
            conflict: Some(ConflictModel {
                description: String::new(),
                side_a: vec![1],
                side_b: vec![0],
                balance: Some(balance),
                victory_a: vec![10],
                victory_b: vec![0],
                costs: vec![Some(0.1), Some(0.05)],
                mobilisation: vec![None, None],
                trajectory: vec![],
                discount: 0.9,
                dynamics: DynamicsAssumptions::default(),
            }),
            ..ScenarioParts::default()
        })
        .expect("valid scenario")
    }

    #[test]
    fn fearon_war_values() {
        // Side A is party b (B's share x); p = P(b prevails).
        let scenario = share_scenario(0.4);
        let reservation = scenario.reservation_values();
        assert!((reservation[0] - (1.0 - 0.4 - 0.1)).abs() < 1e-12);
        assert!((reservation[1] - (0.4 - 0.05)).abs() < 1e-12);
        assert_eq!(scenario.penalty(1, &[2]), 0.25);
        assert_eq!(scenario.penalty(1, &[3]), 0.0);
        assert_eq!(scenario.space().size(), Some(11));
        assert_eq!(scenario.issues()[0].numeric_index(0.3), Some(3));
    }

    #[test]
    fn capability_balance_does_not_overflow() {
        let mut parts = share_scenario(0.4).parts().clone();
        parts.conflict.as_mut().unwrap().balance = None;
        for power in [1e308, f64::MAX, 1.0, 1e-300, 5e-324] {
            parts.parties[0].power = power;
            parts.parties[1].power = power;
            let scenario = Scenario::new(parts.clone()).expect("valid");
            assert_eq!(scenario.balance(), Some(0.5), "{power}");
        }
        parts.parties[0].power = 0.0;
        parts.parties[1].power = 0.0;
        assert_eq!(Scenario::new(parts.clone()).unwrap().balance(), Some(0.5));
        parts.parties[0].power = 1e308;
        parts.parties[1].power = f64::MAX;
        let p = Scenario::new(parts.clone()).unwrap().balance().unwrap();
        // Side A is party 1.
        assert!((p - 1.0 / (1.0 + 1e308 / f64::MAX)).abs() < 1e-12, "{p}");
        parts.parties[1].power = 3e307;
        let p = Scenario::new(parts).unwrap().balance().unwrap();
        assert!((p - 0.3 / 1.3).abs() < 1e-12, "{p}");
        assert_eq!(share_of_first(&[1e308, 1e308], &[1e308]), 2.0 / 3.0);
        assert_eq!(share_of_first(&[], &[]), 0.5);
        assert_eq!(share_of_first(&[3.0], &[2.0]), 3.0 / 5.0);
        assert!((share_of_first(&[1e-320], &[3e-320]) - 0.25).abs() < 1e-12);
        assert!(share_of_first(&[f64::INFINITY], &[1.0]).is_nan());
    }

    #[test]
    fn magnitude_and_ties() {
        let scenario = share_scenario(0.4);
        assert_eq!(scenario.magnitude(), 1.0);
        assert_eq!(scenario.ties(), Ties::UNIT);
        let mut parts = scenario.parts().clone();
        for party in &mut parts.parties {
            let scores = party.utility.values()[0].iter().map(|v| v * 1e-12).collect();
            party.utility = Utility::new(vec![1.0], vec![scores]);
        }
        parts.red_lines[0].cost = CrossingCost::Penalty(0.25e-12);
        let conflict = parts.conflict.as_mut().unwrap();
        conflict.costs = vec![Some(0.1e-12), Some(0.05e-12)];
        let tiny = Scenario::new(parts).unwrap();
        assert!((tiny.magnitude() - 1e-12).abs() < 1e-24);
        assert_eq!(tiny.ties().exponent(), -12);
        assert_eq!(tiny.ties().resolution(), 1e-21);
    }

    #[test]
    fn invalid_parts_report_every_problem() {
        let mut parts = share_scenario(0.4).parts().clone();
        parts.parties[1].id = "a".into();
        parts.conflict.as_mut().unwrap().balance = Some(1.5);
        parts.red_lines[0].cost = CrossingCost::Penalty(-1.0);
        let errors = Scenario::new(parts).unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
    }
}
