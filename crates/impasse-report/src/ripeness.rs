//! The ripeness part of the report: what would have to change for a zone of agreement to open.

use std::fmt::Write;

use impasse_analysis::ripeness::{Lever, Ripeness, Side};
use impasse_core::Scenario;
use serde::Serialize;

use crate::model::{AnalysisReport, ConstraintReport, Names};
use crate::text::constraint_line;

/// A closed interval of balances of power.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct IntervalReport {
    /// Lowest balance.
    pub low: f64,
    /// Highest balance.
    pub high: f64,
}

/// A move of the balance of power.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct ShiftReport {
    /// The balance after the move.
    pub target: f64,
    /// `target − today` (positive: side A must gain).
    pub shift: f64,
}

/// The costs of one party at which a zone exists.
#[derive(Clone, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct CostReport {
    /// The party.
    pub party: String,
    /// Its cost of conflict today.
    pub today: f64,
    /// The smallest cost at which a zone exists (null: no cost opens one).
    pub threshold: Option<f64>,
    /// The increase needed (null: no cost opens one).
    pub increase: Option<f64>,
    /// Whether the party's reservation value derives from the conflict.
    pub moves_reservation: bool,
}

/// The lever needing the smallest move.
#[derive(Clone, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct LeverReport {
    /// `"balance"` or `"cost"`.
    pub lever: &'static str,
    /// For a cost lever, the party whose cost must rise.
    pub party: Option<String>,
    /// The size of the move (a probability for the balance, utility units for a cost).
    pub amount: f64,
    /// For the balance, the target balance.
    pub target: Option<f64>,
}

/// One step of the power trajectory.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct StepReport {
    /// Balance at the start.
    pub from: f64,
    /// Balance at the end.
    pub to: f64,
    /// `"a"`, `"b"` or null: the side whose chance of prevailing rises.
    pub rising: Option<&'static str>,
    /// What the rising side cannot promise away.
    pub lhs: f64,
    /// What the declining side gives up by fighting now.
    pub rhs: f64,
    /// Whether the declining side prefers to fight now.
    pub problem: bool,
    /// The largest rise of side A's chance compatible with peace.
    pub max_shift_toward_a: f64,
    /// The largest rise of side B's chance compatible with peace.
    pub max_shift_toward_b: f64,
}

/// The commitment-problem check.
#[derive(Clone, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct CommitmentReport {
    /// Per-period discount factor.
    pub discount: f64,
    /// Side A's per-period cost (mean over its parties).
    pub cost_a: f64,
    /// Side B's per-period cost.
    pub cost_b: f64,
    /// Whether some step poses a commitment problem.
    pub problem: bool,
    /// The steps.
    pub steps: Vec<StepReport>,
}

/// Ripeness: where the balance of power and the costs of conflict must lie for a zone to exist.
#[derive(Clone, PartialEq, Debug, Serialize, schemars::JsonSchema)]
pub struct RipenessReport {
    /// The parties of side A.
    pub side_a: Vec<String>,
    /// The parties of side B.
    pub side_b: Vec<String>,
    /// The balance of power today: the probability that side A prevails.
    pub balance_today: f64,
    /// Whether a zone exists today.
    pub zone_today: bool,
    /// Whether some package crosses no absolute red line and meets every precondition.
    pub hard_feasible: bool,
    /// Balances at which a zone exists (costs as today).
    pub balance_intervals: Vec<IntervalReport>,
    /// The smallest shift of the balance that opens a zone (null: none does).
    pub balance_shift: Option<ShiftReport>,
    /// Per party with a conflict cost, the costs at which a zone exists.
    pub costs: Vec<CostReport>,
    /// The lever needing the smallest move (null when a zone exists today or none opens one).
    pub cheapest_lever: Option<LeverReport>,
    /// When nothing is hard-feasible: the absolute red lines and preconditions that forbid any zone
    /// whatever the balance and costs.
    pub blocked_by: Vec<Vec<ConstraintReport>>,
    /// Whether `blocked_by` was cut at the cap.
    pub blocked_by_truncated: bool,
    /// The commitment-problem check (null without a trajectory).
    pub commitment: Option<CommitmentReport>,
    /// How to read the results.
    pub notes: Vec<String>,
}

impl RipenessReport {
    /// Builds the ripeness report.
    pub fn new(scenario: &Scenario, ripeness: &Ripeness) -> RipenessReport {
        let names = Names { scenario };
        let (side_a, side_b) = scenario.conflict().map_or_else(Default::default, |conflict| {
            (
                conflict.side_a.iter().map(|&party| names.party(party)).collect(),
                conflict.side_b.iter().map(|&party| names.party(party)).collect(),
            )
        });
        RipenessReport {
            side_a,
            side_b,
            balance_today: ripeness.balance_today,
            zone_today: ripeness.zone_today,
            hard_feasible: ripeness.hard_feasible,
            balance_intervals: ripeness
                .balance_intervals
                .iter()
                .map(|interval| IntervalReport { low: interval.low, high: interval.high })
                .collect(),
            balance_shift: ripeness
                .balance_shift
                .map(|shift| ShiftReport { target: shift.target, shift: shift.shift }),
            costs: ripeness
                .costs
                .iter()
                .map(|cost| CostReport {
                    party: names.party(cost.party),
                    today: cost.today,
                    threshold: cost.threshold,
                    increase: cost.increase,
                    moves_reservation: cost.moves_reservation,
                })
                .collect(),
            cheapest_lever: ripeness.cheapest_lever.map(|lever| match lever {
                Lever::Balance(shift) => LeverReport {
                    lever: "balance",
                    party: None,
                    amount: shift.shift,
                    target: Some(shift.target),
                },
                Lever::Cost { party, increase } => LeverReport {
                    lever: "cost",
                    party: Some(names.party(party)),
                    amount: increase,
                    target: None,
                },
            }),
            blocked_by: ripeness
                .blocked_by
                .iter()
                .map(|set| set.iter().map(|constraint| names.constraint(constraint)).collect())
                .collect(),
            blocked_by_truncated: ripeness.blocked_by_truncated,
            commitment: ripeness.commitment.as_ref().map(|commitment| CommitmentReport {
                discount: commitment.discount,
                cost_a: commitment.cost_a,
                cost_b: commitment.cost_b,
                problem: commitment.problem,
                steps: commitment
                    .steps
                    .iter()
                    .map(|step| StepReport {
                        from: step.from,
                        to: step.to,
                        rising: step.rising.map(|side| match side {
                            Side::A => "a",
                            Side::B => "b",
                        }),
                        lhs: step.lhs,
                        rhs: step.rhs,
                        problem: step.problem,
                        max_shift_toward_a: step.max_shift_toward_a,
                        max_shift_toward_b: step.max_shift_toward_b,
                    })
                    .collect(),
            }),
            notes: ripeness.notes.clone(),
        }
    }
}

pub(crate) fn write_text(
    out: &mut String,
    ripeness: &RipenessReport,
    report: &AnalysisReport,
) -> std::fmt::Result {
    let name = |id: &str| -> String {
        report
            .scenario
            .parties
            .iter()
            .find(|party| party.id == id)
            .map_or_else(|| id.to_owned(), |party| party.name.clone())
    };
    let side_a = ripeness.side_a.iter().map(|id| name(id)).collect::<Vec<_>>().join(", ");
    let side_b = ripeness.side_b.iter().map(|id| name(id)).collect::<Vec<_>>().join(", ");
    writeln!(out, "Ripeness: what would open a zone")?;
    writeln!(
        out,
        "  Balance of power today: P({side_a} prevails) = {:.3}; P({side_b} prevails) = {:.3}",
        ripeness.balance_today,
        1.0 - ripeness.balance_today
    )?;
    if !ripeness.hard_feasible {
        writeln!(
            out,
            "  No shift in the balance of power or in the costs of conflict can open a zone: every package crosses an absolute red line or a precondition. What forbids it:"
        )?;
        for (idx, set) in ripeness.blocked_by.iter().enumerate() {
            for (member_idx, member) in set.iter().enumerate() {
                let lead =
                    if member_idx == 0 { format!("{:>5}.", idx + 1) } else { "     +".to_owned() };
                writeln!(out, "{lead} {}", constraint_line(member))?;
            }
        }
        if ripeness.blocked_by_truncated {
            writeln!(out, "    (more sets exist)")?;
        }
    } else if ripeness.zone_today {
        writeln!(out, "  A zone exists today.")?;
    }
    if ripeness.hard_feasible {
        if ripeness.balance_intervals.is_empty() {
            writeln!(out, "  No balance of power opens a zone (costs as today).")?;
        } else {
            let intervals: Vec<String> = ripeness
                .balance_intervals
                .iter()
                .map(|interval| format!("[{:.3}, {:.3}]", interval.low, interval.high))
                .collect();
            writeln!(
                out,
                "  A zone exists when P({side_a} prevails) is in {} (costs as today).",
                intervals.join(" or ")
            )?;
        }
        let today = ripeness.balance_today;
        let helps_a = ripeness.balance_intervals.iter().any(|interval| interval.high > today);
        let helps_b = ripeness.balance_intervals.iter().any(|interval| interval.low < today);
        if !ripeness.zone_today && !ripeness.balance_intervals.is_empty() {
            if !helps_a {
                writeln!(out, "  No shift in favour of {side_a} opens a zone, however large.")?;
            }
            if !helps_b {
                writeln!(out, "  No shift in favour of {side_b} opens a zone, however large.")?;
            }
        }
        if let Some(shift) = ripeness.balance_shift
            && shift.shift != 0.0
        {
            let (who, amount) = if shift.shift > 0.0 {
                (side_a.as_str(), shift.shift)
            } else {
                (side_b.as_str(), -shift.shift)
            };
            writeln!(
                out,
                "  Smallest shift: {amount:.3} in favour of {who} (to a balance of {:.3}).",
                shift.target
            )?;
        }
        let costs: Vec<&crate::ripeness::CostReport> =
            ripeness.costs.iter().filter(|cost| cost.moves_reservation).collect();
        if !costs.is_empty() {
            writeln!(
                out,
                "  Costs of continuing the conflict, each moved alone (balance as today):"
            )?;
            for cost in costs {
                match (cost.threshold, cost.increase) {
                    (Some(threshold), Some(increase)) if increase > 0.0 => writeln!(
                        out,
                        "    {:<20} today {:.3}; a zone opens once it reaches {:.3} (+{:.3})",
                        name(&cost.party),
                        cost.today,
                        threshold,
                        increase
                    )?,
                    (Some(threshold), _) => writeln!(
                        out,
                        "    {:<20} today {:.3}; a zone exists for any cost from {:.3}",
                        name(&cost.party),
                        cost.today,
                        threshold
                    )?,
                    _ => writeln!(
                        out,
                        "    {:<20} today {:.3}; no cost of its own opens a zone",
                        name(&cost.party),
                        cost.today
                    )?,
                }
            }
        }
        if let Some(lever) = &ripeness.cheapest_lever {
            match lever.party.as_deref() {
                Some(party) => writeln!(
                    out,
                    "  Cheapest lever: raise {}'s cost of conflict by {:.3}.",
                    name(party),
                    lever.amount
                )?,
                None => writeln!(
                    out,
                    "  Cheapest lever: shift the balance of power by {:+.3} (to {:.3}).",
                    lever.amount,
                    lever.target.unwrap_or(f64::NAN)
                )?,
            }
        }
    }
    if let Some(commitment) = &ripeness.commitment {
        writeln!(
            out,
            "  Commitment problem (power trajectory, discount {}): {}",
            commitment.discount,
            if commitment.problem {
                "YES: the declining side prefers to fight now rather than accept terms the rising side cannot promise to keep"
            } else {
                "no: every step is small enough for a bargain to hold"
            }
        )?;
        for step in &commitment.steps {
            let rising = match step.rising {
                Some("a") => side_a.as_str(),
                Some(_) => side_b.as_str(),
                None => "nobody",
            };
            writeln!(
                out,
                "    {:.3} -> {:.3}: {rising} rises; {:.3} {} {:.3}{}",
                step.from,
                step.to,
                step.lhs,
                if step.problem { ">" } else { "<=" },
                step.rhs,
                if step.problem {
                    "  (commitment problem: learning will not end this war)"
                } else {
                    ""
                }
            )?;
        }
    }
    for note in &ripeness.notes {
        writeln!(out, "  Note: {note}")?;
    }
    Ok(())
}
