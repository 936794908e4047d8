//! The ripeness part of the report.

use std::fmt::Write;

use impasse_analysis::Ripeness;
use impasse_core::Scenario;
use serde::Serialize;

use crate::model::AnalysisReport;

/// Ripeness: where the balance of power and the costs of conflict must lie for a zone to exist.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct RipenessReport {
    /// The balance of power today: the probability that side A prevails.
    pub balance_today: f64,
}

impl RipenessReport {
    /// Builds the ripeness report.
    pub fn new(scenario: &Scenario, ripeness: &Ripeness) -> RipenessReport {
        let _ = scenario;
        RipenessReport { balance_today: ripeness.balance_today }
    }
}

pub(crate) fn write_text(
    out: &mut String,
    ripeness: &RipenessReport,
    report: &AnalysisReport,
) -> std::fmt::Result {
    let _ = report;
    writeln!(out, "Ripeness")?;
    writeln!(out, "  balance of power today: {:.3}", ripeness.balance_today)
}
