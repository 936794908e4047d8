//! Ripeness: the size of the zone of agreement against the balance of power and against each
//! party's cost of conflict.

use impasse_analysis::prepared::Prepared;
use impasse_analysis::ripeness::{CostLever, Lever, Ripeness, zone_by_balance};
use impasse_analysis::{Analysis, AnalysisConfig};
use impasse_core::{Reservation, Scenario};

use crate::canvas::{
    self, Anchor, Axis, HEADING_HEIGHT, Legend, LegendItem, Mapper, Marker, Root, Shape, Swatch,
    count, fill, join_names, palette, rgb, short, stroke,
};
use crate::eval::{Evaluator, scan};
use crate::labels::{self, Rect, Request};
use crate::text::measure;
use crate::{Figure, PlotError};

/// Grid points of the balance axis (`k / BALANCE_STEPS`).
const BALANCE_STEPS: usize = 1000;
/// Grid points of the cost axis.
const COST_STEPS: usize = 1000;
/// Half a tie unit of the scenario: values this close to a war value count as accepting it, as
/// tie keys do.
fn tolerance(prepared: &Prepared<'_>) -> f64 {
    0.5 * prepared.scenario.ties().resolution()
}

const CURVE: u32 = 0x0072B2;
const OPEN: u32 = 0x009E73;
const TODAY: u32 = 0x333333;

/// What a party's reservation does as the balance and its cost move.
#[derive(Clone, Copy)]
enum PartyModel {
    /// A fixed reservation value.
    Fixed(f64),
    /// `W = b·u(victory_a) + (1 − b)·u(victory_b) − c`: the utilities of the two victories (the
    /// cost is the lever's variable).
    War { victory_a: f64, victory_b: f64 },
}

/// Zone sizes on the balance grid and, per cost lever, on the cost grid.
struct Curves {
    balance: Vec<u128>,
    costs: Vec<Vec<u128>>,
}

/// The balance curve is [`impasse_analysis::ripeness::zone_by_balance`] on the grid; the cost
/// curves are streamed here.
fn curves(
    prepared: &Prepared<'_>,
    models: &[PartyModel],
    reservation: &[f64],
    balance_today: f64,
    levers: &[usize],
    cost_max: f64,
) -> Curves {
    let grid: Vec<f64> = (0..=BALANCE_STEPS).map(|k| k as f64 / BALANCE_STEPS as f64).collect();
    let balance = zone_by_balance(prepared, &grid).unwrap_or_else(|| vec![0; BALANCE_STEPS + 1]);
    let evaluator = Evaluator::new(prepared);
    let tolerance = tolerance(prepared);
    let n = models.len();
    let init = || (vec![vec![0i128; COST_STEPS + 2]; levers.len()], Vec::with_capacity(n));
    let (cost_diffs, _) = scan(
        prepared,
        init,
        |(cost_diffs, net), outcome| {
            if !evaluator.hard_feasible(outcome) {
                return;
            }
            evaluator.net(outcome, net);
            let weight = evaluator.weight(outcome) as i128;
            // Each lever: the package counts from the smallest cost at which its party accepts
            // it, when every other party accepts it today.
            for (l, &party) in levers.iter().enumerate() {
                let others = net
                    .iter()
                    .zip(reservation)
                    .enumerate()
                    .all(|(q, (&v, &r))| q == party || evaluator.accepts(v, r));
                if !others {
                    continue;
                }
                let threshold = match models[party] {
                    PartyModel::War { victory_a, victory_b } => {
                        let war = balance_today * victory_a + (1.0 - balance_today) * victory_b;
                        (war - net[party] - tolerance).max(0.0)
                    }
                    PartyModel::Fixed(r) => {
                        if evaluator.accepts(net[party], r) {
                            0.0
                        } else {
                            continue;
                        }
                    }
                };
                let k = (threshold / cost_max * COST_STEPS as f64).ceil();
                if k <= COST_STEPS as f64 {
                    cost_diffs[l][k as usize] += weight;
                }
            }
        },
        |(mut b, net), (d, _)| {
            for (xs, ys) in b.iter_mut().zip(d) {
                for (x, y) in xs.iter_mut().zip(ys) {
                    *x += y;
                }
            }
            (b, net)
        },
    );
    let cumulate = |diff: &[i128], steps: usize| -> Vec<u128> {
        let mut total = 0i128;
        diff[..=steps]
            .iter()
            .map(|d| {
                total += d;
                total.max(0) as u128
            })
            .collect()
    };
    Curves { balance, costs: cost_diffs.iter().map(|diff| cumulate(diff, COST_STEPS)).collect() }
}

/// Draws ripeness: (a) the number of packages in the zone of agreement against the balance of
/// power (the probability that side A prevails, every cost at today's value), with today's balance
/// marked and the balances at which a zone exists shaded; (b) the number of packages in the zone
/// against each conflict-cost party's cost (the balance and the other costs at today's values),
/// one line per party, with today's costs and the thresholds at which a zone opens marked.
///
/// # Errors
///
/// [`PlotError::NotApplicable`] when the scenario has no conflict model (or the analysis no
/// ripeness), [`PlotError::Input`] for an analysis of another scenario, [`PlotError::Analysis`]
/// when the space is too large to enumerate, and [`PlotError::Render`] when drawing fails.
pub fn ripeness(scenario: &Scenario, analysis: &Analysis) -> Result<Figure, PlotError> {
    let Some(conflict) = scenario.conflict() else {
        return Err(PlotError::NotApplicable(format!(
            "scenario '{}' has no conflict model ([conflict] section), so it has no ripeness to plot",
            scenario.name()
        )));
    };
    let n = scenario.parties().len();
    if analysis.reservation.len() != n {
        return Err(PlotError::Input(format!(
            "the analysis has {} parties, the scenario {n}: it belongs to another scenario",
            analysis.reservation.len()
        )));
    }
    let Some(ripe) = analysis.ripeness.as_ref() else {
        return Err(PlotError::NotApplicable(
            "the analysis holds no ripeness (it was made without the conflict model)".to_owned(),
        ));
    };
    let models = party_models(scenario, conflict);
    let levers: Vec<CostLever> = ripe.costs.iter().filter(|l| l.party < n).copied().collect();
    let lever_parties: Vec<usize> = levers.iter().map(|l| l.party).collect();
    let cost_max = {
        let top = levers
            .iter()
            .flat_map(|l| [Some(l.today), l.threshold])
            .flatten()
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::max);
        if top > 0.0 { top * 1.35 } else { 0.5 }
    };
    let defaults = AnalysisConfig::default();
    let config =
        AnalysisConfig { max_outcomes: defaults.max_outcomes.max(analysis.classes), ..defaults };
    let prepared = Prepared::new(scenario, &config)?;
    let curves = curves(
        &prepared,
        &models,
        &analysis.reservation,
        ripe.balance_today,
        &lever_parties,
        cost_max,
    );
    draw(scenario, analysis, ripe, &curves, &levers, cost_max)
}

fn side_names(scenario: &Scenario, side: &[usize]) -> (String, bool) {
    let names: Vec<&str> = side
        .iter()
        .filter_map(|&p| scenario.parties().get(p).map(|party| party.name.as_str()))
        .collect();
    (join_names(&names), names.len() > 1)
}

fn summary(scenario: &Scenario, analysis: &Analysis, ripe: &Ripeness) -> String {
    let name = |p: usize| scenario.parties().get(p).map_or("?", |party| party.name.as_str());
    let today = if ripe.zone_today {
        format!("a zone exists today ({} packages)", count(analysis.zone.size as f64))
    } else {
        "no zone today".to_owned()
    };
    let intervals: Vec<String> = ripe
        .balance_intervals
        .iter()
        .map(|i| format!("[{}, {}]", short(i.low), short(i.high)))
        .collect();
    let balances = if intervals.is_empty() {
        "no balance of power opens one".to_owned()
    } else {
        format!("a zone exists at balances {}", intervals.join(", "))
    };
    let lever = match ripe.cheapest_lever {
        Some(Lever::Balance(shift)) => {
            format!(
                "; the cheapest lever: move the balance by {} to {}",
                short(shift.shift),
                short(shift.target)
            )
        }
        Some(Lever::Cost { party, increase }) => {
            format!("; the cheapest lever: raise {}'s cost by {}", name(party), short(increase))
        }
        None => String::new(),
    };
    let blocked = if ripe.hard_feasible {
        String::new()
    } else {
        ". Every package crosses an absolute red line or misses a precondition: no balance or cost opens a zone".to_owned()
    };
    format!(
        "Balance of power today {}: {today}; {balances}{lever}{blocked}.",
        short(ripe.balance_today)
    )
}

const PANEL_W: f64 = 780.0;
const PANEL_H: f64 = 440.0;

fn draw(
    scenario: &Scenario,
    analysis: &Analysis,
    ripe: &Ripeness,
    curves: &Curves,
    levers: &[CostLever],
    cost_max: f64,
) -> Result<Figure, PlotError> {
    let conflict_a = scenario.conflict().map(|c| c.side_a.clone()).unwrap_or_default();
    let (side_a, plural) = side_names(scenario, &conflict_a);
    let title = format!("{}: ripeness", scenario.name());
    let subtitle = summary(scenario, analysis, ripe);
    let balance_legend = Legend::new(
        None,
        &[
            LegendItem::new(
                Swatch::Line { color: rgb(CURVE), width: 3, dashed: false },
                "packages in the zone at that balance (costs as today)",
            ),
            LegendItem::new(
                Swatch::Area { color: rgb(OPEN), alpha: 0.18 },
                "balances at which a zone exists",
            ),
            LegendItem::new(
                Swatch::Line { color: rgb(TODAY), width: 2, dashed: true },
                "today's balance",
            ),
        ],
        240.0,
    );
    let mut cost_items = Vec::new();
    for (l, lever) in levers.iter().enumerate() {
        let name = &scenario.parties()[lever.party].name;
        let detail = match (lever.moves_reservation, lever.threshold) {
            (false, _) => "its cost does not move its reservation value".to_owned(),
            (true, Some(t)) => format!("today {}, a zone from {}", short(lever.today), short(t)),
            (true, None) => format!("today {}, no cost opens a zone", short(lever.today)),
        };
        cost_items.push(LegendItem::new(
            Swatch::Line { color: palette(l), width: 3, dashed: false },
            format!("{name}: {detail}"),
        ));
    }
    cost_items.push(LegendItem::new(
        Swatch::Marker(Marker::new(Shape::Circle, rgb(TODAY), 5.0).hollow()),
        "today's cost",
    ));
    if levers.iter().any(|l| l.threshold.is_some() && l.moves_reservation) {
        cost_items.push(LegendItem::new(
            Swatch::Line { color: rgb(TODAY), width: 1, dashed: true },
            "threshold: the smallest cost at which a zone exists",
        ));
    }
    let cost_legend = Legend::new(None, &cost_items, 240.0);
    let legend_w = balance_legend.width().max(cost_legend.width());
    let width = 16.0 + PANEL_W + 20.0 + legend_w + 16.0;
    let title_h = canvas::title_height(&title, &subtitle, width);
    let row_h = HEADING_HEIGHT + PANEL_H.max(cost_legend.height()) + 10.0;
    let height = title_h + 2.0 * row_h + 10.0;
    let (width, height) = (width.ceil() as u32, height.ceil() as u32);
    canvas::figure(width, height, |root| {
        canvas::title(root, &title, &subtitle, f64::from(width))?;
        let x0 = 16.0;
        let y0 = title_h;
        canvas::heading(
            root,
            "(a) the zone of agreement against the balance of power",
            (x0 + 8.0, y0),
            PANEL_W,
        )?;
        let frame = Rect::new(x0, y0 + HEADING_HEIGHT, x0 + PANEL_W, y0 + HEADING_HEIGHT + PANEL_H);
        let verb = if plural { "prevail" } else { "prevails" };
        balance_panel(
            root,
            frame,
            ripe,
            curves,
            &format!("balance of power: probability that {side_a} {verb}"),
        )?;
        balance_legend.draw(root, (x0 + PANEL_W + 20.0, y0 + HEADING_HEIGHT))?;
        let y1 = y0 + row_h;
        canvas::heading(
            root,
            "(b) the zone of agreement against each party's cost of conflict",
            (x0 + 8.0, y1),
            PANEL_W,
        )?;
        let frame = Rect::new(x0, y1 + HEADING_HEIGHT, x0 + PANEL_W, y1 + HEADING_HEIGHT + PANEL_H);
        cost_panel(root, frame, curves, levers, cost_max)?;
        cost_legend.draw(root, (x0 + PANEL_W + 20.0, y1 + HEADING_HEIGHT))
    })
}

fn y_axis_for(max: u128) -> (std::ops::Range<f64>, usize) {
    let top = (max as f64).max(1.0);
    let ticks = if top < 6.0 { top as usize + 1 } else { 6 };
    (0.0..top * 1.08, ticks)
}

fn balance_panel(
    root: &Root<'_>,
    frame: Rect,
    ripe: &Ripeness,
    curves: &Curves,
    x_desc: &str,
) -> Result<(), PlotError> {
    let max = curves.balance.iter().copied().max().unwrap_or(0);
    let (y_range, y_ticks) = y_axis_for(max);
    let x_range = 0.0..1.0;
    let x_format = canvas::tick_format(&x_range, 11);
    let y_format = |v: f64| count(v);
    let x_axis = Axis::numeric(x_range.clone(), x_desc, 11, &x_format);
    let y_axis =
        Axis::numeric(y_range.clone(), "packages in the zone of agreement", y_ticks, &y_format);
    let area = canvas::sub_area(root, frame);
    let chart = canvas::chart(&area, &x_axis, &y_axis)?;
    let map = Mapper::new(&chart, &x_range, &y_range);
    let plot = map.rect();
    for interval in &ripe.balance_intervals {
        let (a, b) = (map.at(interval.low, 0.0), map.at(interval.high, 0.0));
        let r = Rect::new(a.0, plot.y0, b.0.max(a.0 + 2.0), plot.y1);
        canvas::rect(root, r, fill(rgb(OPEN), 0.18))?;
    }
    let mut points = Vec::with_capacity(2 * curves.balance.len());
    for (k, &z) in curves.balance.iter().enumerate() {
        let b0 = k as f64 / BALANCE_STEPS as f64;
        let b1 = ((k + 1) as f64 / BALANCE_STEPS as f64).min(1.0);
        points.push(map.at(b0, z as f64));
        points.push(map.at(b1, z as f64));
    }
    let mut under = points.clone();
    under.push(map.at(1.0, 0.0));
    under.push(map.at(0.0, 0.0));
    let pixels: Vec<(i32, i32)> = under.iter().map(|&(x, y)| canvas::px(x, y)).collect();
    root.draw(&plotters::element::Polygon::new(pixels, fill(rgb(CURVE), 0.25)))
        .map_err(canvas::render_err)?;
    canvas::line(root, &points, stroke(rgb(CURVE), 2))?;
    // Today, and the nearest balance with a zone.
    let today = map.at(ripe.balance_today.clamp(0.0, 1.0), 0.0);
    canvas::dashed(root, (today.0, plot.y0), (today.0, plot.y1), 7.0, 4.0, stroke(rgb(TODAY), 2))?;
    let mut obstacles = vec![Rect::new(today.0 - 2.0, plot.y0, today.0 + 2.0, plot.y1)];
    let mut requests =
        vec![(format!("today: {}", short(ripe.balance_today)), (today.0, plot.y0 + 12.0))];
    if let Some(shift) = ripe.balance_shift
        && shift.shift != 0.0
    {
        let target = map.at(shift.target.clamp(0.0, 1.0), 0.0);
        canvas::dashed(
            root,
            (target.0, plot.y0),
            (target.0, plot.y1),
            2.0,
            3.0,
            stroke(rgb(OPEN), 2),
        )?;
        obstacles.push(Rect::new(target.0 - 2.0, plot.y0, target.0 + 2.0, plot.y1));
        requests.push((
            format!("nearest balance with a zone: {}", short(shift.target)),
            (target.0, plot.y0 + 34.0),
        ));
    }
    if max == 0 {
        empty_note(root, plot, "no balance of power opens a zone")?;
    }
    annotate(root, plot, &requests, &obstacles)
}

/// Draws labels next to anchors, placed clear of each other and of `obstacles`.
fn annotate(
    root: &Root<'_>,
    plot: Rect,
    labels_at: &[(String, (f64, f64))],
    obstacles: &[Rect],
) -> Result<(), PlotError> {
    let requests: Vec<Request> = labels_at
        .iter()
        .map(|(label, anchor)| {
            let (w, h) = measure(label, 12.0, false);
            Request { anchor: *anchor, clearance: 2.0, size: (w + 6.0, h + 2.0) }
        })
        .collect();
    let placements = labels::place(&requests, obstacles, plot.grow(-2.0));
    for ((label, anchor), placement) in labels_at.iter().zip(&placements) {
        let r = placement.rect;
        if placement.leader {
            canvas::line(root, &[*anchor, r.nearest(*anchor)], stroke(rgb(0x777777), 1))?;
        }
        canvas::rect(root, r, fill(plotters::style::WHITE, 0.85))?;
        canvas::text(
            root,
            label,
            ((r.x0 + r.x1) / 2.0, (r.y0 + r.y1) / 2.0),
            12.0,
            TODAY,
            false,
            Anchor::Center,
        )?;
    }
    Ok(())
}

fn cost_panel(
    root: &Root<'_>,
    frame: Rect,
    curves: &Curves,
    levers: &[CostLever],
    cost_max: f64,
) -> Result<(), PlotError> {
    let max = curves.costs.iter().flat_map(|c| c.iter().copied()).max().unwrap_or(0);
    let (y_range, y_ticks) = y_axis_for(max);
    let x_range = 0.0..cost_max;
    let x_format = canvas::tick_format(&x_range, 10);
    let y_format = |v: f64| count(v);
    let x_axis = Axis::numeric(
        x_range.clone(),
        "cost of conflict per round (the party's utility units)",
        10,
        &x_format,
    );
    let y_axis =
        Axis::numeric(y_range.clone(), "packages in the zone of agreement", y_ticks, &y_format);
    let area = canvas::sub_area(root, frame);
    let chart = canvas::chart(&area, &x_axis, &y_axis)?;
    let map = Mapper::new(&chart, &x_range, &y_range);
    let plot = map.rect();
    // Thresholds first, under the curves.
    for (l, lever) in levers.iter().enumerate() {
        if let (true, Some(t)) = (lever.moves_reservation, lever.threshold)
            && t <= cost_max
        {
            let x = map.at(t, 0.0).0;
            canvas::dashed(root, (x, plot.y0), (x, plot.y1), 4.0, 4.0, stroke(palette(l), 1))?;
        }
    }
    // Curves; one equal to an earlier one is dashed over it, so both show.
    for (l, curve) in curves.costs.iter().enumerate() {
        let repeats = curves.costs[..l].iter().filter(|earlier| *earlier == curve).count();
        let mut points = Vec::with_capacity(2 * curve.len());
        for (k, &z) in curve.iter().enumerate() {
            let c0 = k as f64 / COST_STEPS as f64 * cost_max;
            let c1 = ((k + 1) as f64 / COST_STEPS as f64 * cost_max).min(cost_max);
            points.push(map.at(c0, z as f64));
            points.push(map.at(c1, z as f64));
        }
        if repeats == 0 {
            canvas::line(root, &points, stroke(palette(l), 3))?;
        } else {
            let dash = 10.0 / (repeats + 1) as f64;
            canvas::dashed_path(root, &points, dash, 10.0 - dash, stroke(palette(l), 3))?;
        }
    }
    // Today's costs, on each curve.
    for (l, lever) in levers.iter().enumerate() {
        let k = ((lever.today / cost_max * COST_STEPS as f64).floor().max(0.0) as usize)
            .min(COST_STEPS);
        let z = curves.costs[l].get(k).copied().unwrap_or(0);
        let p = map.at(lever.today.clamp(0.0, cost_max), z as f64);
        canvas::marker(root, p, Marker::new(Shape::Circle, palette(l), 6.0).hollow())?;
    }
    if max == 0 {
        empty_note(root, plot, "no cost of conflict opens a zone (each moved alone)")?;
    }
    Ok(())
}

/// A grey note in the middle of a panel whose curve is flat at zero.
fn empty_note(root: &Root<'_>, plot: Rect, note: &str) -> Result<(), PlotError> {
    canvas::text(
        root,
        note,
        ((plot.x0 + plot.x1) / 2.0, (plot.y0 + plot.y1) / 2.0),
        14.0,
        0x555555,
        false,
        Anchor::Center,
    )
}

/// Each party's reservation model: fixed, or its war value's parts.
fn party_models(scenario: &Scenario, conflict: &impasse_core::ConflictModel) -> Vec<PartyModel> {
    scenario
        .parties()
        .iter()
        .map(|party| match party.reservation {
            Reservation::Value(v) => PartyModel::Fixed(v),
            Reservation::Conflict => PartyModel::War {
                victory_a: party.utility.eval(&conflict.victory_a),
                victory_b: party.utility.eval(&conflict.victory_b),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use impasse_analysis::analyze;

    use super::*;

    /// The balance curve as this module computed it before `zone_by_balance` (a real-number
    /// interval per package, widened by half a tie unit), kept as a second oracle.
    fn previous_balance_curve(prepared: &Prepared<'_>, models: &[PartyModel]) -> Vec<u128> {
        let scenario = prepared.scenario;
        let costs: Vec<f64> =
            (0..models.len()).map(|party| scenario.conflict_cost(party)).collect();
        let evaluator = Evaluator::new(prepared);
        let tolerance = tolerance(prepared);
        let diff = scan(
            prepared,
            || (vec![0i128; BALANCE_STEPS + 2], Vec::new()),
            |(diff, net), outcome| {
                if !evaluator.hard_feasible(outcome) {
                    return;
                }
                evaluator.net(outcome, net);
                let (mut lo, mut hi) = (0.0f64, 1.0f64);
                for (party, (model, &value)) in models.iter().zip(net.iter()).enumerate() {
                    match *model {
                        PartyModel::Fixed(r) => {
                            if !evaluator.accepts(value, r) {
                                hi = -1.0;
                            }
                        }
                        PartyModel::War { victory_a, victory_b } => {
                            let rhs = value - victory_b + costs[party] + tolerance;
                            let d = victory_a - victory_b;
                            if d.abs() < 1e-12 {
                                if rhs < 0.0 {
                                    hi = -1.0;
                                }
                            } else if d > 0.0 {
                                hi = hi.min(rhs / d);
                            } else {
                                lo = lo.max(rhs / d);
                            }
                        }
                    }
                }
                if lo <= hi {
                    let first = (lo * BALANCE_STEPS as f64).ceil().max(0.0) as usize;
                    let last =
                        (hi * BALANCE_STEPS as f64).floor().min(BALANCE_STEPS as f64) as usize;
                    if first <= last {
                        let weight = evaluator.weight(outcome) as i128;
                        diff[first] += weight;
                        diff[last + 1] -= weight;
                    }
                }
            },
            |(mut a, net), (b, _)| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                (a, net)
            },
        )
        .0;
        let mut total = 0i128;
        diff[..=BALANCE_STEPS]
            .iter()
            .map(|d| {
                total += d;
                total as u128
            })
            .collect()
    }

    #[test]
    fn the_balance_curve_is_the_previous_one_on_the_shipped_scenarios() {
        for name in ["negotiation-impasse-2023", "power-shift-ripeness"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../../scenarios/{name}.toml"));
            let scenario = impasse_format::load_path(&path, &[]).unwrap();
            let prepared = Prepared::new(&scenario, &AnalysisConfig::default()).unwrap();
            let models = party_models(&scenario, scenario.conflict().unwrap());
            let curves = curves(&prepared, &models, &scenario.reservation_values(), 0.5, &[], 1.0);
            assert_eq!(curves.balance, previous_balance_curve(&prepared, &models), "{name}");
            assert!(curves.balance.iter().any(|&z| z > 0), "{name}: a zone somewhere");
        }
    }

    #[test]
    fn curves_agree_with_the_analysis() {
        for name in ["negotiation-impasse-2023", "power-shift-ripeness"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../../scenarios/{name}.toml"));
            let scenario = impasse_format::load_path(&path, &[]).unwrap();
            let analysis = analyze(&scenario, &AnalysisConfig::default()).unwrap();
            let ripe = analysis.ripeness.as_ref().unwrap();
            let conflict = scenario.conflict().unwrap();
            let models = party_models(&scenario, conflict);
            let levers: Vec<usize> = ripe.costs.iter().map(|l| l.party).collect();
            let cost_max = 0.5;
            let prepared = Prepared::new(&scenario, &AnalysisConfig::default()).unwrap();
            let curves = curves(
                &prepared,
                &models,
                &analysis.reservation,
                ripe.balance_today,
                &levers,
                cost_max,
            );
            // The balance curve: today's zone, and a zone exactly inside the intervals.
            let today = (ripe.balance_today * BALANCE_STEPS as f64).round() as usize;
            assert_eq!(curves.balance[today], analysis.zone.size, "{name}");
            for (k, &z) in curves.balance.iter().enumerate() {
                let b = k as f64 / BALANCE_STEPS as f64;
                let inside =
                    ripe.balance_intervals.iter().any(|i| i.low - 1e-6 <= b && b <= i.high + 1e-6);
                let deep_inside =
                    ripe.balance_intervals.iter().any(|i| i.low + 1e-6 < b && b < i.high - 1e-6);
                assert!(z == 0 || inside, "{name}: a zone at {b} outside the intervals");
                assert!(z > 0 || !deep_inside, "{name}: no zone at {b} inside the intervals");
            }
            // The cost curves: today's zone at today's cost, a zone from the threshold on.
            for (l, lever) in ripe.costs.iter().enumerate() {
                let k = (lever.today / cost_max * COST_STEPS as f64).floor() as usize;
                assert_eq!(curves.costs[l][k], analysis.zone.size, "{name}: lever {l}");
                if let Some(threshold) =
                    lever.threshold.filter(|t| *t > 0.01 && *t < cost_max * 0.99)
                {
                    let before = (threshold / cost_max * COST_STEPS as f64).floor() as usize - 1;
                    let after = (threshold / cost_max * COST_STEPS as f64).ceil() as usize + 1;
                    assert_eq!(curves.costs[l][before], 0, "{name}: lever {l} before");
                    assert!(curves.costs[l][after] > 0, "{name}: lever {l} after");
                }
            }
        }
    }
}
