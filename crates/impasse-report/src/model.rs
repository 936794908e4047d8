//! The serializable report types and their construction from an analysis.

use impasse_analysis::{
    Analysis, ClashReport, Closest, ConstraintKind, ConstraintRef, Point, ProposalScore, Verdict,
};
use impasse_core::{CrossingCost, IssueKind, Scenario, Value};
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::FORMAT_VERSION;

/// A map that keeps the order its entries were inserted in (parties and issues in scenario order).
#[derive(Clone, PartialEq, Debug, Default)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<V: schemars::JsonSchema> schemars::JsonSchema for OrderedMap<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Map_of_{}", V::schema_name()).into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "additionalProperties": generator.subschema_for::<V>(),
        })
    }
}

impl<V> OrderedMap<V> {
    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(name, _)| name == key).map(|(_, value)| value)
    }
}

/// A value of an issue in a package: a label or a number.
#[derive(Clone, PartialEq, Debug, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum ValueReport {
    /// A named value.
    Label(String),
    /// An integer value.
    Int(i64),
    /// A real value.
    Real(f64),
}

impl From<Value> for ValueReport {
    fn from(value: Value) -> ValueReport {
        match value {
            Value::Label(label) => ValueReport::Label(label),
            Value::Int(value) => ValueReport::Int(value),
            Value::Real(value) => ValueReport::Real(value),
        }
    }
}

/// A package with every party's utility.
#[derive(Clone, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct PointReport {
    /// The package: issue id → value.
    pub outcome: OrderedMap<ValueReport>,
    /// Party id → utility.
    pub utilities: OrderedMap<f64>,
    /// How many packages share this package's utilities and constraints (1 unless values were
    /// merged as interchangeable).
    pub count: u128,
}

/// A party in the report.
#[derive(Clone, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct PartyReport {
    /// Identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Reservation value used.
    pub reservation: f64,
    /// Where the reservation value comes from: `"given"` or `"conflict"`.
    pub reservation_source: &'static str,
}

/// An issue in the report.
#[derive(Clone, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct IssueReport {
    /// Identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `categorical`, `ordinal`, `integer` or `real`.
    pub kind: &'static str,
    /// Number of values analysed (grid points for real intervals).
    pub values: u32,
}

/// The scenario summary.
#[derive(Clone, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct ScenarioReport {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Parties, in scenario order.
    pub parties: Vec<PartyReport>,
    /// Issues, in scenario order.
    pub issues: Vec<IssueReport>,
    /// Number of preconditions to talks.
    pub preconditions: usize,
    /// Packages in the outcome space.
    pub outcomes: u128,
    /// Class outcomes streamed after merging interchangeable values.
    pub analysed_classes: u64,
}

/// The zone of possible agreement.
#[derive(Clone, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct ZoneReport {
    /// Packages acceptable to every party.
    pub size: u128,
    /// Share of the outcome space.
    pub share: f64,
    /// Packages that cross no absolute red line and meet every precondition.
    pub hard_feasible: u128,
    /// Whether the preconditions can be met without crossing an absolute red line.
    pub preconditions_compatible: bool,
}

/// The four bargaining solutions (null when the zone is empty).
#[derive(Clone, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct SolutionsReport {
    /// Nash bargaining solution (utilities after red-line penalties, as in the zone).
    pub nash: Option<PointReport>,
    /// Kalai–Smorodinsky solution.
    pub kalai_smorodinsky: Option<PointReport>,
    /// Egalitarian solution.
    pub egalitarian: Option<PointReport>,
    /// Utilitarian (maximum welfare) solution.
    pub utilitarian: Option<PointReport>,
}

/// A party's utility range over a proposal's completions.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct Range {
    /// Lowest.
    pub min: f64,
    /// Highest.
    pub max: f64,
}

/// How a proposal fares.
#[derive(Clone, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct ProposalReport {
    /// Identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The party that put it forward.
    pub by: Option<String>,
    /// Whether it names a value for every issue.
    pub complete: bool,
    /// The values it names.
    pub package: OrderedMap<ValueReport>,
    /// Party id → utility range after red-line penalties.
    pub utilities: OrderedMap<Range>,
    /// Party id → `"yes"`, `"no"` or `"depends"` (on how the open issues are settled).
    pub acceptable: OrderedMap<&'static str>,
    /// Red lines it crosses (in every completion).
    pub red_lines_crossed: Vec<ConstraintReport>,
    /// Red lines some completions cross.
    pub red_lines_maybe_crossed: Vec<ConstraintReport>,
    /// Preconditions it violates (in every completion).
    pub preconditions_violated: Vec<ConstraintReport>,
    /// Preconditions some completions violate.
    pub preconditions_maybe_violated: Vec<ConstraintReport>,
    /// Whether some completion lies in the zone of agreement.
    pub in_zone: bool,
    /// Number of completions.
    pub completions: u128,
}

/// A constraint: a red line, a precondition or a reservation value, and its holder.
#[derive(Clone, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct ConstraintReport {
    /// The party that holds it.
    pub party: String,
    /// The constraint's identifier (`reservation` for a reservation value).
    pub constraint: String,
    /// `red_line`, `precondition` or `reservation`.
    pub kind: &'static str,
    /// A one-line description.
    pub description: String,
}

/// A package close to agreement.
#[derive(Clone, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct ClosestReport {
    /// The package and its utilities (before penalties).
    pub outcome: OrderedMap<ValueReport>,
    /// Party id → utility before penalties.
    pub utilities: OrderedMap<f64>,
    /// Party id → shortfall below the reservation value after penalties (0 when reached).
    pub shortfalls: OrderedMap<f64>,
    /// The largest shortfall.
    pub worst_shortfall: f64,
    /// Absolute red lines and preconditions it violates.
    pub hard_violations: Vec<ConstraintReport>,
}

/// The whole analysis report (schema version [`FORMAT_VERSION`]).
#[derive(Clone, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct AnalysisReport {
    /// Schema version.
    pub format_version: u32,
    /// The tool and its version.
    pub tool: String,
    /// The scenario.
    pub scenario: ScenarioReport,
    /// `"impasse"` or `"agreement_possible"`.
    pub verdict: &'static str,
    /// The zone of possible agreement.
    pub agreement_zone: ZoneReport,
    /// Pareto frontier of the whole space (utilities before penalties).
    pub pareto_frontier: Vec<PointReport>,
    /// Number of frontier packages.
    pub pareto_frontier_size: u128,
    /// Pareto frontier of the zone (utilities after penalties).
    pub zone_pareto_frontier: Vec<PointReport>,
    /// Number of zone frontier packages.
    pub zone_pareto_frontier_size: u128,
    /// Bargaining solutions over the zone.
    pub solutions: SolutionsReport,
    /// Every proposal.
    pub proposals: Vec<ProposalReport>,
    /// Minimal sets of clashing constraints: each list clashes, and dropping any member opens a
    /// zone.
    pub clashes: Vec<Vec<ConstraintReport>>,
    /// Whether the list of clashes was cut at the configured cap.
    pub clashes_truncated: bool,
    /// Packages closest to agreement.
    pub closest: Vec<ClosestReport>,
    /// Ripeness (null without a conflict model).
    pub ripeness: Option<crate::RipenessReport>,
    /// How the analysis was done.
    pub notes: Vec<String>,
    /// What was assumed while reading the scenario (quirks of a GENIUS file tolerated as GENIUS
    /// tolerates them), located (`file:line:column: …`).
    pub warnings: Vec<String>,
}

impl AnalysisReport {
    /// Builds the report of `analysis` of `scenario`.
    pub fn new(scenario: &Scenario, analysis: &Analysis) -> AnalysisReport {
        let names = Names { scenario };
        let parties = scenario
            .parties()
            .iter()
            .zip(&analysis.reservation)
            .map(|(party, &reservation)| PartyReport {
                id: party.id.clone(),
                name: party.name.clone(),
                reservation,
                reservation_source: match party.reservation {
                    impasse_core::Reservation::Value(_) => "given",
                    impasse_core::Reservation::Conflict => "conflict",
                },
            })
            .collect();
        let issues = scenario
            .issues()
            .iter()
            .map(|issue| IssueReport {
                id: issue.id.clone(),
                name: issue.name.clone(),
                kind: match issue.kind {
                    IssueKind::Categorical { .. } => "categorical",
                    IssueKind::Ordinal { .. } => "ordinal",
                    IssueKind::Integer { .. } => "integer",
                    IssueKind::Real { .. } => "real",
                },
                values: issue.cardinality(),
            })
            .collect();
        let zone = &analysis.zone;
        AnalysisReport {
            format_version: FORMAT_VERSION,
            tool: concat!("impasse ", env!("CARGO_PKG_VERSION")).to_owned(),
            scenario: ScenarioReport {
                name: scenario.name().to_owned(),
                description: scenario.description().to_owned(),
                parties,
                issues,
                preconditions: scenario.preconditions().len(),
                outcomes: zone.space_size,
                analysed_classes: analysis.classes,
            },
            verdict: match analysis.verdict {
                Verdict::Impasse => "impasse",
                Verdict::AgreementPossible => "agreement_possible",
            },
            agreement_zone: ZoneReport {
                size: zone.size,
                share: if zone.space_size > 0 {
                    zone.size as f64 / zone.space_size as f64
                } else {
                    0.0
                },
                hard_feasible: zone.hard_feasible,
                preconditions_compatible: zone.preconditions_compatible,
            },
            pareto_frontier: analysis.frontier.iter().map(|point| names.point(point)).collect(),
            pareto_frontier_size: analysis.frontier_size,
            zone_pareto_frontier: analysis
                .zone_frontier
                .iter()
                .map(|point| names.net_point(point))
                .collect(),
            zone_pareto_frontier_size: analysis.zone_frontier_size,
            solutions: SolutionsReport {
                nash: analysis.solutions.nash.as_ref().map(|point| names.net_point(point)),
                kalai_smorodinsky: analysis
                    .solutions
                    .kalai_smorodinsky
                    .as_ref()
                    .map(|point| names.net_point(point)),
                egalitarian: analysis
                    .solutions
                    .egalitarian
                    .as_ref()
                    .map(|point| names.net_point(point)),
                utilitarian: analysis
                    .solutions
                    .utilitarian
                    .as_ref()
                    .map(|point| names.net_point(point)),
            },
            proposals: analysis.proposals.iter().map(|score| names.proposal(score)).collect(),
            clashes: names.clashes(&analysis.clashes),
            clashes_truncated: analysis.clashes.truncated,
            closest: analysis.closest.iter().map(|closest| names.closest(closest)).collect(),
            ripeness: analysis
                .ripeness
                .as_ref()
                .map(|ripeness| crate::RipenessReport::new(scenario, ripeness)),
            notes: analysis.notes.iter().chain(&analysis.clashes.notes).cloned().collect(),
            warnings: scenario.warnings().to_vec(),
        }
    }
}

/// Turns indices into identifiers.
pub(crate) struct Names<'a> {
    pub(crate) scenario: &'a Scenario,
}

impl Names<'_> {
    pub(crate) fn party(&self, party: usize) -> String {
        self.scenario.parties().get(party).map_or_else(|| format!("#{party}"), |p| p.id.clone())
    }

    pub(crate) fn outcome(&self, outcome: &[u32]) -> OrderedMap<ValueReport> {
        OrderedMap(
            self.scenario
                .describe(outcome)
                .into_iter()
                .map(|(issue, value)| (issue, value.into()))
                .collect(),
        )
    }

    pub(crate) fn utilities(&self, values: &[f64]) -> OrderedMap<f64> {
        OrderedMap(
            values.iter().enumerate().map(|(party, &value)| (self.party(party), value)).collect(),
        )
    }

    pub(crate) fn point(&self, point: &Point) -> PointReport {
        PointReport {
            outcome: self.outcome(&point.outcome),
            utilities: self.utilities(&point.utilities),
            count: point.count,
        }
    }

    /// A point of the zone, with the utilities the parties actually get (after red-line
    /// penalties).
    pub(crate) fn net_point(&self, point: &Point) -> PointReport {
        PointReport {
            outcome: self.outcome(&point.outcome),
            utilities: self.utilities(&point.net_utilities),
            count: point.count,
        }
    }

    pub(crate) fn constraint(&self, constraint: &ConstraintRef) -> ConstraintReport {
        let party = self.party(constraint.party);
        match constraint.kind {
            ConstraintKind::RedLine(idx) => {
                let line = &self.scenario.red_lines()[idx];
                let cost = match line.cost {
                    CrossingCost::Absolute => "absolute".to_owned(),
                    CrossingCost::Penalty(amount) => format!("crossing costs {amount}"),
                };
                ConstraintReport {
                    party,
                    constraint: line.id.clone(),
                    kind: "red_line",
                    description: format!("{} [{}; {}]", line.description, line.source, cost),
                }
            }
            ConstraintKind::Precondition(idx) => {
                let pre = &self.scenario.preconditions()[idx];
                ConstraintReport {
                    party,
                    constraint: pre.id.clone(),
                    kind: "precondition",
                    description: format!("{} [{}]", pre.description, pre.source),
                }
            }
            ConstraintKind::Reservation(_) => ConstraintReport {
                description: format!("{party} accepts nothing worth less to it than no deal"),
                party,
                constraint: "reservation".to_owned(),
                kind: "reservation",
            },
        }
    }

    fn clashes(&self, clashes: &ClashReport) -> Vec<Vec<ConstraintReport>> {
        clashes
            .sets
            .iter()
            .map(|set| set.iter().map(|constraint| self.constraint(constraint)).collect())
            .collect()
    }

    fn proposal(&self, score: &ProposalScore) -> ProposalReport {
        let proposal = &self.scenario.proposals()[score.proposal];
        let line = |idx: &usize| {
            self.constraint(&ConstraintRef {
                party: self.scenario.red_lines()[*idx].party,
                kind: ConstraintKind::RedLine(*idx),
            })
        };
        let pre = |idx: &usize| {
            self.constraint(&ConstraintRef {
                party: self.scenario.preconditions()[*idx].party,
                kind: ConstraintKind::Precondition(*idx),
            })
        };
        ProposalReport {
            id: proposal.id.clone(),
            name: proposal.name.clone(),
            by: proposal.by.map(|party| self.party(party)),
            complete: proposal.is_complete(),
            package: OrderedMap(
                self.scenario
                    .issues()
                    .iter()
                    .zip(&proposal.package)
                    .filter_map(|(issue, value)| {
                        value.map(|value| (issue.id.clone(), issue.value(value).into()))
                    })
                    .collect(),
            ),
            utilities: OrderedMap(
                score
                    .utilities
                    .iter()
                    .enumerate()
                    .map(|(party, &(min, max))| (self.party(party), Range { min, max }))
                    .collect(),
            ),
            acceptable: OrderedMap(
                score
                    .acceptable
                    .iter()
                    .enumerate()
                    .map(|(party, verdict)| {
                        let word = match verdict {
                            Some(true) => "yes",
                            Some(false) => "no",
                            None => "depends",
                        };
                        (self.party(party), word)
                    })
                    .collect(),
            ),
            red_lines_crossed: score.red_lines_crossed.iter().map(line).collect(),
            red_lines_maybe_crossed: score.red_lines_maybe_crossed.iter().map(line).collect(),
            preconditions_violated: score.preconditions_violated.iter().map(pre).collect(),
            preconditions_maybe_violated: score
                .preconditions_maybe_violated
                .iter()
                .map(pre)
                .collect(),
            in_zone: score.in_zone,
            completions: score.completions,
        }
    }

    fn closest(&self, closest: &Closest) -> ClosestReport {
        ClosestReport {
            outcome: self.outcome(&closest.point.outcome),
            utilities: self.utilities(&closest.point.utilities),
            shortfalls: self.utilities(&closest.shortfalls),
            worst_shortfall: closest.shortfalls.iter().copied().fold(0.0, f64::max),
            hard_violations: closest
                .hard_violations
                .iter()
                .map(|constraint| self.constraint(constraint))
                .collect(),
        }
    }
}
