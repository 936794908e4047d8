//! The web app's analysis view: the analysis report with what its plots need.

use schemars::JsonSchema;
use serde::Serialize;

use crate::AnalysisReport;

/// The most package points sent for the plot.
pub const MAX_PLOT_POINTS: u64 = 5000;

/// The web app's analysis view (`GET /api/scenarios/{name}/analysis`): the analysis report, the
/// utility space's points for the plot, and the zone's size by balance of power.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
#[schemars(rename = "Analysis")]
pub struct AnalysisView {
    /// The report `impasse analyze --format json` prints.
    pub report: AnalysisReport,
    /// The points of the utility space, for the plot.
    pub plot: Plot,
    /// The zone's size as a function of the balance of power (null without a conflict model).
    pub ripeness_curve: Option<Vec<CurvePoint>>,
    /// Why there is no curve, when there is none.
    pub ripeness_curve_note: Option<String>,
}

#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
/// The utility space for the plot.
pub struct Plot {
    /// Party names, in scenario order.
    pub parties: Vec<String>,
    /// Party identifiers, in the same order.
    pub party_ids: Vec<String>,
    /// Packages in the space.
    pub space_size: f64,
    /// Whether `points` is a sample of the space (every `stride`-th package).
    pub sampled: bool,
    /// The packages drawn.
    pub points: Vec<PlotPoint>,
    /// The whole space's Pareto frontier (utilities before red-line penalties).
    pub frontier: Vec<Vec<f64>>,
    /// The zone's Pareto frontier (utilities after penalties).
    pub zone_frontier: Vec<Vec<f64>>,
    /// Every party's reservation value, in party order.
    pub reservation: Vec<f64>,
    /// The bargaining solutions, marked.
    pub solutions: Vec<Marked>,
    /// The proposals, as utility ranges.
    pub proposals: Vec<ProposalMark>,
}

#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
/// One package drawn.
pub struct PlotPoint {
    /// Every party's utility after the penalties of crossed finite red lines.
    pub u: Vec<f64>,
    /// Whether the package is in the zone of agreement.
    pub zone: bool,
    /// `issue=value, …`.
    pub package: String,
}

#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
/// A bargaining solution, marked.
pub struct Marked {
    /// The solution's name (`nash`, `kalai-smorodinsky`, …).
    pub name: &'static str,
    /// Its utilities, in party order.
    pub u: Vec<f64>,
    /// `issue=value, …`.
    pub package: String,
}

#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
/// A proposal, as utility ranges.
pub struct ProposalMark {
    /// The proposal's identifier.
    pub id: String,
    /// Its name as the scenario writes it.
    pub name: String,
    /// Whether it settles every issue.
    pub complete: bool,
    /// Whether it is (or can be completed) in the zone of agreement.
    pub in_zone: bool,
    /// Per party, the lowest utility over its completions.
    pub min: Vec<f64>,
    /// Per party, the highest.
    pub max: Vec<f64>,
}

#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
/// One point of the zone-by-balance curve.
pub struct CurvePoint {
    /// Side A's probability of prevailing.
    pub balance: f64,
    /// Packages in the zone of agreement at that balance.
    pub zone_size: u128,
}
