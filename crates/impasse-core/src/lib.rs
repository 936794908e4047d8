//! The impasse scenario model.
//!
//! A [`Scenario`] holds the parties of a negotiation, the issues they negotiate over, each party's
//! [`Utility`] over packages of issue values, its reservation (no-deal) value, the red lines and
//! preconditions the parties hold, the named proposals on the table, and an optional
//! [`ConflictModel`] from which no-deal values can be derived (Fearon: `p·win − cost`).
//!
//! This crate is pure: no IO, no clocks, no randomness. Files are read by `impasse-format`; the
//! analyses live in `impasse-analysis`.
//!
//! Every issue is finite for analysis: categorical and ordinal issues list their values, integer
//! issues are ranges, and real intervals are discretised into a stated number of points. A package
//! (an *outcome*) is therefore a vector of value indices, one per issue, and the outcome space is
//! their Cartesian product ([`OutcomeSpace`]).
//!
//! ```
//! use impasse_core::{Expr, Issue, IssueKind, ValueSet};
//!
//! let issue = Issue::new("crimea", "Control of Crimea", IssueKind::Categorical {
//!     values: vec!["russia".into(), "ukraine".into()],
//! });
//! assert_eq!(issue.cardinality(), 2);
//! let russian = Expr::Atom { issue: 0, allowed: ValueSet::from_indices(2, [0]) };
//! assert!(russian.eval(&[0]));
//! assert!(!russian.eval(&[1]));
//! ```

mod expr;
mod scenario;
mod space;
mod tie;
mod utility;

pub use expr::{Expr, ValueSet};
pub use scenario::{
    ConflictModel, CrossingCost, DynamicsAssumptions, Issue, IssueKind, ModelError, Party,
    Precondition, Proposal, RedLine, Reservation, Scenario, ScenarioParts, Value, share_of_first,
};
pub use space::{OutcomeSpace, Outcomes};
pub use tie::{TIE_RESOLUTION, Ties, tie_key};
pub use utility::{Term, Utility};
