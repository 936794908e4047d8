//! Agreement-space analysis: is there a deal, if not why not, and what would change it.
//!
//! [`analyze`] streams over a scenario's outcome space (with interchangeable values merged, see
//! [`prepared`]) and reports:
//! - the zone of possible agreement: packages acceptable to every party (utility minus the
//!   penalties of crossed finite red lines at least the reservation value, no absolute red line
//!   crossed, every precondition met), its size and the verdict;
//! - the Pareto frontier of the whole space and of the zone, and the Nash, Kalai–Smorodinsky,
//!   egalitarian and utilitarian solutions over the zone (disagreement point: the reservation
//!   values);
//! - every proposal scored for every party, with what it violates;
//! - when the zone is empty, every minimal set of clashing constraints and the packages closest to
//!   agreement;
//! - ripeness: where the balance of power and each party's conflict cost must lie for a zone to
//!   exist, the smallest shift that opens one, and the commitment-problem check.
//!
//! [`tabulated_frontier`] applies the same frontier, tie rule and Nash solution to a table of
//! utilities that a caller computed itself (the negotiation metrics use it).
//!
//! Utilities are compared through the scenario's tie rule ([`impasse_core::Scenario::ties`],
//! [`impasse_core::Ties::key`]): values equal at a resolution of `1e-9` relative to the scenario's
//! utility scale are ties (`1e-9` itself for utilities within `[1e-3, 1e3]`, as in every shipped
//! scenario and GENIUS domain).
//! Results are the same for the same input on any number of threads.

mod analyze;
pub mod clash;
mod closest;
mod frontier;
mod kernel;
pub mod perceived;
pub mod prepared;
pub mod proposals;
pub mod ripeness;
pub mod solutions;
pub mod tabulated;

pub use analyze::{analyze, pareto_frontier};
pub use clash::{ClashReport, ConstraintKind, ConstraintRef};
pub use ripeness::Ripeness;
pub use tabulated::{TabulatedFrontier, tabulated_frontier};

/// Limits and options of an analysis.
#[derive(Clone, Debug)]
pub struct AnalysisConfig {
    /// The largest number of (class) outcomes analysed exactly; larger spaces are refused.
    pub max_outcomes: u64,
    /// The most minimal clash sets reported.
    pub max_clashes: usize,
    /// How many closest packages are reported when the zone is empty.
    pub max_closest: usize,
    /// The most frontier points reported per frontier (the count is always exact).
    pub max_frontier: usize,
}

impl Default for AnalysisConfig {
    fn default() -> AnalysisConfig {
        AnalysisConfig {
            max_outcomes: 100_000_000,
            max_clashes: 64,
            max_closest: 5,
            max_frontier: 10_000,
        }
    }
}

/// Why an analysis could not run.
#[derive(Clone, PartialEq, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnalysisError {
    /// The outcome space is above the configured limit ([`AnalysisConfig::max_outcomes`]). The
    /// message names the model's limit; front ends add how their users set it.
    #[error(
        "the outcome space has {outcomes:.3e} packages ({classes:.3e} after merging interchangeable values), above the outcome limit for exact analysis (max_outcomes = {limit}); raise the limit or coarsen the issues"
    )]
    TooLarge {
        /// Packages in the scenario's space.
        outcomes: f64,
        /// Class outcomes after merging interchangeable values.
        classes: f64,
        /// The configured limit.
        limit: u64,
    },
    /// The scenario has no conflict model, which the perceived zone needs.
    #[error("the scenario has no [conflict] section")]
    NoConflict,
    /// Too many packages are acceptable at some perceived balances.
    #[error(
        "more than {limit} packages are acceptable at some perceived balances of power; coarsen the issues"
    )]
    TooManyRectangles {
        /// The limit ([`crate::perceived::MAX_RECTANGLES`]).
        limit: usize,
    },
}

/// The verdict: is there a package every party accepts?
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Verdict {
    /// The zone of agreement is empty.
    Impasse,
    /// At least one package is acceptable to every party.
    AgreementPossible,
}

/// A package with every party's utility.
///
/// Both the utilities before red-line penalties and after them are given: the whole-space frontier
/// compares the former, the zone frontier, the bargaining solutions and the closest packages the
/// latter (what each party actually gets if it signs).
#[derive(Clone, PartialEq, Debug)]
pub struct Point {
    /// The package, as value indices of the scenario's issues (the representative of its class).
    pub outcome: Vec<u32>,
    /// How many packages share these utilities and constraints (the size of its class).
    pub count: u128,
    /// Per party, the utility (before red-line penalties).
    pub utilities: Vec<f64>,
    /// Per party, the utility after the penalties of the finite red lines it holds that the package
    /// crosses (equal to `utilities` when it crosses none).
    pub net_utilities: Vec<f64>,
}

/// The zone of possible agreement.
#[derive(Clone, PartialEq, Debug)]
pub struct ZoneSummary {
    /// Packages in the zone.
    pub size: u128,
    /// Packages in the whole space.
    pub space_size: u128,
    /// Packages that cross no absolute red line and meet every precondition (whatever the
    /// reservation values).
    pub hard_feasible: u128,
    /// Whether the preconditions can all be met without crossing an absolute red line: whether
    /// talks can start.
    pub preconditions_compatible: bool,
}

/// The four bargaining solutions over the zone; `None` when the zone is empty.
///
/// They compare utilities after red-line penalties, with the reservation values as the
/// disagreement point, through tie keys; ties go to the lexicographically best utilities (party 0
/// first), then to the first package. See [`solutions`] for the exact definitions.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Solutions {
    /// Maximises the product of gains over the reservation values.
    pub nash: Option<Point>,
    /// Maximises the smallest gain as a share of the party's ideal gain within the zone.
    pub kalai_smorodinsky: Option<Point>,
    /// Maximises the smallest absolute gain.
    pub egalitarian: Option<Point>,
    /// Maximises the sum of utilities.
    pub utilitarian: Option<Point>,
}

/// How a proposal fares.
#[derive(Clone, PartialEq, Debug)]
pub struct ProposalScore {
    /// Index of the proposal in the scenario.
    pub proposal: usize,
    /// Per party, the lowest and highest utility over the proposal's completions (equal for a
    /// complete package), after red-line penalties.
    pub utilities: Vec<(f64, f64)>,
    /// Per party, whether it accepts every completion (`Some(true)`), none (`Some(false)`) or some
    /// (`None`): a party accepts a package that reaches its reservation value after penalties,
    /// crosses none of its absolute red lines and meets its preconditions.
    pub acceptable: Vec<Option<bool>>,
    /// Red lines the proposal crosses in every completion (indices into the scenario's red lines).
    pub red_lines_crossed: Vec<usize>,
    /// Red lines crossed by some completions only.
    pub red_lines_maybe_crossed: Vec<usize>,
    /// Preconditions violated in every completion.
    pub preconditions_violated: Vec<usize>,
    /// Preconditions violated by some completions only.
    pub preconditions_maybe_violated: Vec<usize>,
    /// Whether some completion lies in the zone of agreement.
    pub in_zone: bool,
    /// How many completions it has.
    pub completions: u128,
}

/// A package close to agreement: the worst shortfall below a reservation value is small.
#[derive(Clone, PartialEq, Debug)]
pub struct Closest {
    /// The package and its utilities.
    pub point: Point,
    /// Per party, how far the package (after penalties) falls below its reservation value (0 when
    /// it reaches it).
    pub shortfalls: Vec<f64>,
    /// The constraints it violates that no utility can fix: absolute red lines and preconditions.
    pub hard_violations: Vec<ConstraintRef>,
}

/// The whole answer for one scenario.
#[derive(Clone, PartialEq, Debug)]
pub struct Analysis {
    /// Per party, the reservation value used.
    pub reservation: Vec<f64>,
    /// The verdict.
    pub verdict: Verdict,
    /// The zone.
    pub zone: ZoneSummary,
    /// Class outcomes streamed (the size of the analysed space).
    pub classes: u64,
    /// Pareto frontier of the whole space, comparing every party's utility before penalties: the
    /// efficient packages whatever the red lines. Ordered by utility of party 0 (descending), then
    /// of the next parties, then by package; packages tied for every party are all listed, and the
    /// list stops at [`AnalysisConfig::max_frontier`] points.
    pub frontier: Vec<Point>,
    /// Number of frontier packages (may exceed `frontier.len()` when truncated).
    pub frontier_size: u128,
    /// Pareto frontier of the zone, comparing utilities after red-line penalties (what the parties
    /// actually get), in the same order and with the same limit as `frontier`.
    pub zone_frontier: Vec<Point>,
    /// Number of zone frontier packages.
    pub zone_frontier_size: u128,
    /// The bargaining solutions.
    pub solutions: Solutions,
    /// Every proposal, in scenario order.
    pub proposals: Vec<ProposalScore>,
    /// Minimal clashing constraint sets (empty unless the verdict is impasse).
    pub clashes: ClashReport,
    /// Packages closest to agreement (empty unless the verdict is impasse).
    pub closest: Vec<Closest>,
    /// Ripeness, when the scenario has a conflict model.
    pub ripeness: Option<Ripeness>,
    /// Remarks on how the analysis was done (discretised issues, notes from loading).
    pub notes: Vec<String>,
}
