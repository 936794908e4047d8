//! Conflict dynamics: the chance of a deal by each round, how long the war lasts and how it ends.

use impasse_core::Scenario;
use impasse_dynamics::assess::{Assessment, Run};
use impasse_dynamics::mc::Summary;

use crate::canvas::{
    self, Anchor, Axis, HEADING_HEIGHT, Legend, LegendItem, Mapper, Root, Swatch, fill, join_names,
    percent, rgb, short, stroke,
};
use crate::labels::Rect;
use crate::text::measure;
use crate::{Figure, PlotError};

const SETTLED: u32 = 0x009E73;
const FOR_A: u32 = 0xD55E00;
const FOR_B: u32 = 0x0072B2;
const ONGOING: u32 = 0xBBBBBB;
const MODEL_COLORS: [u32; 4] = [0x0072B2, 0xCC79A7, 0xE69F00, 0x555555];

/// One model that ran, reduced to what the plot shows.
struct Model {
    /// Short name for the bars.
    short: String,
    /// Name with how its figures were obtained, for the legend.
    long: String,
    /// P(settled by round t), t = 0 … horizon (for attrition: P(a side has conceded by t)).
    curve: Vec<f64>,
    /// Whether the curve counts concessions rather than settlements.
    concession: bool,
    /// Shares: settled, decided for A, decided for B, still going at the horizon.
    ends: [f64; 4],
    /// The simulated runs, for the duration histogram.
    simulated: Summary,
}

fn shares(summary: &Summary) -> Option<[f64; 4]> {
    if summary.runs == 0 {
        return None;
    }
    let runs = summary.runs as f64;
    Some([
        summary.settled as f64 / runs,
        summary.decided_a as f64 / runs,
        summary.decided_b as f64 / runs,
        summary.ongoing as f64 / runs,
    ])
}

fn cumulative(values: &[f64]) -> Vec<f64> {
    let mut total = 0.0;
    values
        .iter()
        .map(|v| {
            total += v;
            total
        })
        .collect()
}

fn models(assessment: &Assessment) -> (Vec<Model>, Vec<(String, String)>) {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    let runs = |s: &Summary| format!("{} simulated runs", s.runs);
    match &assessment.way_out {
        Run::Ran(w) => out.push(Model {
            short: "multi-issue way out (M5)".to_owned(),
            long: "multi-issue way out: learning war settled when the perceived zone opens (M5, exact)".to_owned(),
            curve: cumulative(&w.exact.settled_at),
            concession: false,
            ends: [w.exact.settled, w.exact.decided_a, w.exact.decided_b, w.exact.ongoing],
            simulated: w.simulated.clone(),
        }),
        Run::Skipped(why) => skipped.push(("the multi-issue way out".to_owned(), why.clone())),
    }
    match &assessment.learning {
        Run::Ran(l) => out.push(Model {
            short: "one-prize learning (M5)".to_owned(),
            long: "one-prize learning war with the convergence rule (M5, exact)".to_owned(),
            curve: cumulative(&l.exact.settled_at),
            concession: false,
            ends: [l.exact.settled, l.exact.decided_a, l.exact.decided_b, l.exact.ongoing],
            simulated: l.simulated.clone(),
        }),
        Run::Skipped(why) => skipped.push(("the one-prize learning war".to_owned(), why.clone())),
    }
    match &assessment.screening {
        Run::Ran(s) => {
            if let Some(ends) = shares(&s.simulated) {
                out.push(Model {
                    short: "screening (M4)".to_owned(),
                    long: format!("screening while fighting (M4, {})", runs(&s.simulated)),
                    curve: s.simulated.settled_curve(),
                    concession: false,
                    ends,
                    simulated: s.simulated.clone(),
                });
            }
        }
        Run::Skipped(why) => skipped.push(("screening".to_owned(), why.clone())),
    }
    match &assessment.attrition {
        Run::Ran(a) => {
            if let Some(ends) = shares(&a.simulated) {
                let s = &a.simulated;
                let runs_f = s.runs as f64;
                let last = s.histogram.len().saturating_sub(1);
                let mut curve = cumulative(
                    &s.histogram.iter().map(|&n| n as f64 / runs_f).collect::<Vec<f64>>(),
                );
                if let Some(end) = curve.get_mut(last) {
                    *end = (s.runs - s.ongoing.min(s.runs)) as f64 / runs_f;
                }
                out.push(Model {
                    short: "war of attrition (M6)".to_owned(),
                    long: format!("war of attrition (M6, {}): a side has conceded", runs(s)),
                    curve,
                    concession: true,
                    ends,
                    simulated: s.clone(),
                });
            }
        }
        Run::Skipped(why) => skipped.push(("the war of attrition".to_owned(), why.clone())),
    }
    (out, skipped)
}

/// Draws the dynamics of a conflict: (a) the probability that the war has ended in a deal by each
/// round, one line per model that ran (the war of attrition, which ends by concession, shows the
/// probability that a side has conceded); (b) the distribution of the war's duration in the
/// simulated runs of the way-out war (or of the first model that ran); (c) how the war ends within
/// the horizon — settlement, decision for either side or still going — as a stacked bar per model.
///
/// # Errors
///
/// [`PlotError::NotApplicable`] when no model ran (the reasons are given) and
/// [`PlotError::Render`] when drawing fails.
pub fn dynamics(scenario: &Scenario, assessment: &Assessment) -> Result<Figure, PlotError> {
    let (models, skipped) = models(assessment);
    if models.is_empty() {
        let reasons: Vec<String> =
            skipped.iter().map(|(model, why)| format!("{model}: {why}")).collect();
        return Err(PlotError::NotApplicable(format!(
            "no dynamics model ran for scenario '{}' ({})",
            scenario.name(),
            reasons.join("; ")
        )));
    }
    let side = |parties: &[usize]| {
        let names: Vec<&str> = parties
            .iter()
            .filter_map(|&p| scenario.parties().get(p).map(|party| party.name.as_str()))
            .collect();
        join_names(&names)
    };
    let side_a = side(&assessment.view.side_a);
    let side_b = side(&assessment.view.side_b);
    let horizon = assessment.horizon;
    let title = format!("{}: conflict dynamics", scenario.name());
    let deals: Vec<String> = models
        .iter()
        .filter(|m| !m.concession)
        .map(|m| format!("{} {}", m.short, percent(m.ends[0])))
        .collect();
    let mut subtitle = format!("Side A: {side_a}; side B: {side_b}. Horizon {horizon} rounds. ");
    if deals.is_empty() {
        subtitle.push_str("No model of a negotiated settlement ran.");
    } else {
        subtitle.push_str(&format!("Deal within the horizon: {}.", deals.join(", ")));
    }
    if let Run::Ran(w) = &assessment.way_out {
        let r = &w.ripeness_today;
        subtitle.push_str(&format!(
            " Perceived balances today: A gives itself {}, B gives A {}; ripe today: {}.",
            short(w.balances_today.0),
            short(w.balances_today.1),
            if r.ripe { "yes" } else { "no" }
        ));
    }
    // Models not run, grouped by reason.
    let mut reasons: Vec<(String, Vec<String>)> = Vec::new();
    for (model, why) in &skipped {
        if why.starts_with("not requested") {
            continue;
        }
        let why = why.strip_prefix("not run: ").unwrap_or(why).to_owned();
        match reasons.iter_mut().find(|(r, _)| *r == why) {
            Some((_, list)) => list.push(model.clone()),
            None => reasons.push((why, vec![model.clone()])),
        }
    }
    for (why, list) in &reasons {
        let list: Vec<&str> = list.iter().map(String::as_str).collect();
        subtitle.push_str(&format!(" Not run, {}: {why}.", join_names(&list)));
    }
    let curve_items: Vec<LegendItem> = models
        .iter()
        .enumerate()
        .map(|(k, m)| {
            LegendItem::new(
                Swatch::Line { color: rgb(MODEL_COLORS[k % 4]), width: 3, dashed: m.concession },
                m.long.clone(),
            )
        })
        .collect();
    let curve_legend = Legend::new(Some("model"), &curve_items, 260.0);
    let ends_legend = Legend::new(
        Some("how the war ends"),
        &[
            LegendItem::new(
                Swatch::Area { color: rgb(SETTLED), alpha: 1.0 },
                "settled by agreement",
            ),
            LegendItem::new(
                Swatch::Area { color: rgb(FOR_A), alpha: 1.0 },
                format!("decided for {side_a} (for attrition: the other side concedes)"),
            ),
            LegendItem::new(
                Swatch::Area { color: rgb(FOR_B), alpha: 1.0 },
                format!("decided for {side_b} (for attrition: the other side concedes)"),
            ),
            LegendItem::new(
                Swatch::Area { color: rgb(ONGOING), alpha: 1.0 },
                format!("still fighting at round {horizon}"),
            ),
        ],
        260.0,
    );
    let panel_w = 880.0;
    let heights =
        [400.0, 340.0, (110.0 + 46.0 * models.len() as f64).max(ends_legend.height() + 10.0)];
    let legend_w = curve_legend.width().max(ends_legend.width());
    let width = 16.0 + panel_w + 20.0 + legend_w + 16.0;
    let title_h = canvas::title_height(&title, &subtitle, width);
    let height = title_h + heights.iter().map(|h| h + HEADING_HEIGHT + 10.0).sum::<f64>() + 6.0;
    let (width, height) = (width.ceil() as u32, height.ceil() as u32);
    let histogram_model = &models[0];
    canvas::figure(width, height, |root| {
        canvas::title(root, &title, &subtitle, f64::from(width))?;
        let x0 = 16.0;
        let mut y = title_h;
        let legend_x = x0 + panel_w + 20.0;
        canvas::heading(root, "(a) P(settled by round t)", (x0 + 8.0, y), panel_w)?;
        let frame =
            Rect::new(x0, y + HEADING_HEIGHT, x0 + panel_w, y + HEADING_HEIGHT + heights[0]);
        curves_panel(root, frame, &models, horizon)?;
        curve_legend.draw(root, (legend_x, y + HEADING_HEIGHT))?;
        y += HEADING_HEIGHT + heights[0] + 10.0;
        let runs = histogram_model.simulated.runs;
        canvas::heading(
            root,
            &format!(
                "(b) how long the war lasts: {}, {runs} simulated runs",
                histogram_model.short
            ),
            (x0 + 8.0, y),
            panel_w,
        )?;
        let frame =
            Rect::new(x0, y + HEADING_HEIGHT, x0 + panel_w, y + HEADING_HEIGHT + heights[1]);
        duration_panel(root, frame, &histogram_model.simulated, horizon)?;
        y += HEADING_HEIGHT + heights[1] + 10.0;
        canvas::heading(
            root,
            &format!("(c) how the war ends within {horizon} rounds"),
            (x0 + 8.0, y),
            panel_w,
        )?;
        let frame =
            Rect::new(x0, y + HEADING_HEIGHT, x0 + panel_w, y + HEADING_HEIGHT + heights[2]);
        ends_panel(root, frame, &models)?;
        ends_legend.draw(root, (legend_x, y + HEADING_HEIGHT))
    })
}

fn curves_panel(
    root: &Root<'_>,
    frame: Rect,
    models: &[Model],
    horizon: u32,
) -> Result<(), PlotError> {
    // Long horizons: stop a little after every curve has levelled off.
    let settles = models
        .iter()
        .map(|m| {
            let last = m.curve.last().copied().unwrap_or(0.0);
            m.curve.iter().position(|&p| p >= last - 0.002).unwrap_or(0)
        })
        .max()
        .unwrap_or(0);
    let end = (((settles as f64) * 1.2).ceil() as u32 + 2).max(10).min(horizon.max(1));
    let x_range = 0.0..f64::from(end);
    let y_range = 0.0..1.05;
    let x_format = canvas::tick_format(&x_range, 12);
    let y_format = |v: f64| percent(v);
    let desc = if end < horizon {
        format!("round t (every curve is level from round {end} to the horizon, {horizon})")
    } else {
        "round t".to_owned()
    };
    let x_axis = Axis::numeric(x_range.clone(), desc, 12, &x_format);
    let y_axis = Axis::numeric(y_range.clone(), "probability by round t", 6, &y_format);
    let area = canvas::sub_area(root, frame);
    let chart = canvas::chart(&area, &x_axis, &y_axis)?;
    let map = Mapper::new(&chart, &x_range, &y_range);
    for (k, model) in models.iter().enumerate() {
        let color = rgb(MODEL_COLORS[k % 4]);
        // A step function: the value at round t holds until round t + 1.
        let mut points = Vec::with_capacity(2 * model.curve.len());
        for (t, &p) in model.curve.iter().enumerate() {
            if !p.is_finite() {
                continue;
            }
            if t as u32 > end {
                break;
            }
            let t = t as f64;
            points.push(map.at(t.min(x_range.end), p.clamp(0.0, 1.0)));
            points.push(map.at((t + 1.0).min(x_range.end), p.clamp(0.0, 1.0)));
        }
        // A curve equal to an earlier one is dashed over it, so both show.
        let repeats = models[..k]
            .iter()
            .filter(|earlier| {
                earlier.curve.len() == model.curve.len()
                    && earlier.curve.iter().zip(&model.curve).all(|(a, b)| (a - b).abs() < 1e-9)
            })
            .count();
        if repeats > 0 {
            let dash = 12.0 / (repeats + 1) as f64;
            canvas::dashed_path(root, &points, dash, 12.0 - dash, stroke(color, 3))?;
        } else if model.concession {
            canvas::dashed_path(root, &points, 8.0, 5.0, stroke(color, 3))?;
        } else {
            canvas::line(root, &points, stroke(color, 3))?;
        }
    }
    Ok(())
}

fn duration_panel(
    root: &Root<'_>,
    frame: Rect,
    simulated: &Summary,
    horizon: u32,
) -> Result<(), PlotError> {
    let runs = simulated.runs.max(1) as f64;
    let shares: Vec<f64> = simulated.histogram.iter().map(|&n| n as f64 / runs).collect();
    let last = shares.len().saturating_sub(1);
    // Long horizons: show the rounds holding 99% of the runs, the rest in one bar.
    let mut shown = last;
    if shares.len() > 60 {
        let mut total = 0.0;
        for (t, s) in shares.iter().enumerate() {
            total += s;
            if total >= 0.99 {
                shown = t.max(20).min(last);
                break;
            }
        }
    }
    let rest: f64 = shares[shown.min(shares.len())..].iter().sum();
    let rest_label = if shown == last {
        format!("ended at round {horizon} or still fighting")
    } else {
        format!("round {shown} or later, or still fighting")
    };
    let top = shares[..shown.min(shares.len())].iter().copied().fold(rest, f64::max).max(0.01);
    let x_range = -0.5..(shown as f64 + 0.5);
    let y_range = 0.0..top * 1.18;
    let x_format = canvas::tick_format(&x_range, 12);
    let y_format = |v: f64| percent(v);
    let x_axis =
        Axis::numeric(x_range.clone(), "rounds fought before the war ended", 12, &x_format);
    let y_axis = Axis::numeric(y_range.clone(), "share of simulated runs", 6, &y_format);
    let area = canvas::sub_area(root, frame);
    let chart = canvas::chart(&area, &x_axis, &y_axis)?;
    let map = Mapper::new(&chart, &x_range, &y_range);
    for (t, &s) in shares.iter().enumerate().take(shown) {
        let (a, b) = (map.at(t as f64 - 0.4, 0.0), map.at(t as f64 + 0.4, s));
        canvas::rect(root, Rect::new(a.0, b.1, b.0.max(a.0 + 1.0), a.1), fill(rgb(0x56B4E9), 1.0))?;
    }
    let (a, b) = (map.at(shown as f64 - 0.4, 0.0), map.at(shown as f64 + 0.4, rest));
    canvas::rect(root, Rect::new(a.0, b.1, b.0.max(a.0 + 1.0), a.1), fill(rgb(ONGOING), 1.0))?;
    // Label the last bar, kept inside the plotting area.
    let plot = map.rect();
    let label = format!("{rest_label}: {}", percent(rest));
    let (w, _) = measure(&label, 12.0, false);
    let x = ((a.0 + b.0) / 2.0).min(plot.x1 - w / 2.0 - 4.0).max(plot.x0 + w / 2.0 + 4.0);
    canvas::text(root, &label, (x, b.1 - 12.0), 12.0, 0x333333, false, Anchor::Center)
}

fn ends_panel(root: &Root<'_>, frame: Rect, models: &[Model]) -> Result<(), PlotError> {
    // The first model on top.
    let names: Vec<String> = models.iter().rev().map(|m| m.short.clone()).collect();
    let x_range = 0.0..1.0;
    let x_format = |v: f64| percent(v);
    let y_format = |v: f64| short(v);
    let x_axis = Axis::numeric(x_range.clone(), "share of wars", 11, &x_format);
    let y_axis = Axis::categorical(&names, "", &y_format);
    let y_range = y_axis.range.clone();
    let area = canvas::sub_area(root, frame);
    let chart = canvas::chart(&area, &x_axis, &y_axis)?;
    let map = Mapper::new(&chart, &x_range, &y_range);
    let colors = [SETTLED, FOR_A, FOR_B, ONGOING];
    for (k, model) in models.iter().rev().enumerate() {
        let mut at = 0.0;
        let total: f64 = model.ends.iter().filter(|v| v.is_finite()).sum();
        let scale = if total > 0.0 { 1.0 / total.max(1.0) } else { 0.0 };
        for (e, &share) in model.ends.iter().enumerate() {
            if !(share.is_finite() && share > 0.0) {
                continue;
            }
            let share = share * scale;
            let (a, b) = (map.at(at, k as f64 + 0.2), map.at(at + share, k as f64 + 0.8));
            let r = Rect::new(a.0, b.1, b.0, a.1);
            canvas::rect(root, r, fill(rgb(colors[e]), 1.0))?;
            let label = percent(share);
            let (w, _) = measure(&label, 12.0, false);
            if r.width() > w + 6.0 {
                let color = if e == 3 { 0x222222 } else { 0xFFFFFF };
                canvas::text(
                    root,
                    &label,
                    ((r.x0 + r.x1) / 2.0, (r.y0 + r.y1) / 2.0),
                    12.0,
                    color,
                    false,
                    Anchor::Center,
                )?;
            }
            at += share;
        }
    }
    Ok(())
}
