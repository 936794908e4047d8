//! The utility space: every package at the utilities it gives two parties.

use impasse_analysis::prepared::Prepared;
use impasse_analysis::{Analysis, AnalysisConfig, Verdict};
use impasse_core::Scenario;
use impasse_negotiate::{NegotiationResult, Setting};

use crate::canvas::{
    self, Anchor, Axis, HEADING_HEIGHT, Legend, LegendItem, Mapper, Marker, Root, Shape, Swatch,
    count, fill, rgb, stroke,
};
use crate::eval::{Evaluator, scan};
use crate::labels::{self, Rect, Request};
use crate::text::measure;
use crate::{Figure, PlotError};

/// Above this many class outcomes (packages with interchangeable values merged), the utility
/// space is drawn as a density grid rather than one mark per package.
pub const MAX_POINTS: u64 = 20_000;

/// The most party pairs drawn as panels when a scenario has three or more parties and no pair is
/// chosen.
pub const MAX_TWO_PARTY_PANELS: usize = 6;

/// Cells per axis of a density grid.
const GRID: usize = 90;

/// What to draw on a utility space besides the packages and the analysis.
#[derive(Clone, Copy, Debug, Default)]
pub struct SpaceOptions<'a> {
    /// The two parties on the axes (x, y), as indices into the scenario's parties. `None`: the two
    /// parties of a bilateral scenario, or pairwise panels for three or more parties (pairs
    /// across the conflict's sides first, at most [`MAX_TWO_PARTY_PANELS`]).
    pub parties: Option<(usize, usize)>,
    /// A negotiation over the scenario, whose offers are drawn as one path per proposer (its
    /// trace must have been recorded) and its agreement marked.
    pub negotiation: Option<&'a NegotiationResult>,
    /// The setting the negotiation ran on, which maps its outcome indices to utilities. Without
    /// it the outcome indices are read in the scenario's outcome space (as
    /// [`Setting::from_scenario`] numbers them) and valued after red-line penalties.
    pub setting: Option<&'a Setting>,
}

const ZONE: u32 = 0x009E73;
const FEASIBLE: u32 = 0x5B8DB8;
const INFEASIBLE: u32 = 0xBDBDBD;
const FRONTIER: u32 = 0x222222;
const RESERVATION: u32 = 0x444444;
const PROPOSAL: u32 = 0xE69F00;
const SOLUTION: u32 = 0xB2182B;
const TRACE: [u32; 6] = [0xD55E00, 0x7B3294, 0x1B7837, 0x8C510A, 0x01665E, 0xC51B7D];

/// Category of a package, in drawing order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Crosses an absolute red line or misses a precondition.
    Infeasible = 0,
    /// Hard-feasible, outside the zone.
    Feasible = 1,
    /// In the zone of agreement.
    Zone = 2,
}

const KINDS: [Kind; 3] = [Kind::Infeasible, Kind::Feasible, Kind::Zone];

fn kind_color(kind: Kind) -> u32 {
    match kind {
        Kind::Infeasible => INFEASIBLE,
        Kind::Feasible => FEASIBLE,
        Kind::Zone => ZONE,
    }
}

/// The packages, either one by one or binned per pair.
enum Cloud {
    /// Every class outcome: its parties' utilities (stride = parties) and kind.
    Points { values: Vec<f64>, kinds: Vec<Kind> },
    /// Per pair, `GRID × GRID` cells of package counts per kind, over the parties' bounds.
    Density { grids: Vec<Vec<[u128; 3]>> },
}

/// Everything computed from the space.
struct Space {
    cloud: Cloud,
    /// Per party, the lowest and highest utility after penalties.
    bounds: Vec<(f64, f64)>,
    /// Per pair, the Pareto frontier (ascending x) of the hard-feasible packages, or of all when
    /// none is hard-feasible.
    frontiers: Vec<Vec<(f64, f64)>>,
    frontier_of_feasible: bool,
    /// Packages per kind.
    counts: [u128; 3],
}

/// A 2-D Pareto frontier: the points no other point weakly beats on both coordinates, ascending x.
fn frontier(mut points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    points.retain(|p| p.0.is_finite() && p.1.is_finite());
    points.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)));
    let mut out: Vec<(f64, f64)> = Vec::new();
    let mut best_y = f64::NEG_INFINITY;
    for p in points {
        if p.1 > best_y {
            best_y = p.1;
            out.push(p);
        }
    }
    out.reverse();
    out
}

/// Per pair, frontier candidates of the hard-feasible packages and of all packages.
#[derive(Clone, Default)]
struct Fronts {
    feasible: Vec<Vec<(f64, f64)>>,
    all: Vec<Vec<(f64, f64)>>,
}

impl Fronts {
    fn new(pairs: usize) -> Fronts {
        Fronts { feasible: vec![Vec::new(); pairs], all: vec![Vec::new(); pairs] }
    }

    fn push(&mut self, pair: usize, point: (f64, f64), feasible: bool) {
        let prune = |list: &mut Vec<(f64, f64)>| {
            if list.len() > 8192 {
                *list = frontier(std::mem::take(list));
            }
        };
        self.all[pair].push(point);
        prune(&mut self.all[pair]);
        if feasible {
            self.feasible[pair].push(point);
            prune(&mut self.feasible[pair]);
        }
    }

    fn merge(mut self, other: Fronts) -> Fronts {
        for (mine, theirs) in self.all.iter_mut().zip(other.all) {
            mine.extend(theirs);
            *mine = frontier(std::mem::take(mine));
        }
        for (mine, theirs) in self.feasible.iter_mut().zip(other.feasible) {
            mine.extend(theirs);
            *mine = frontier(std::mem::take(mine));
        }
        self
    }
}

fn kind_of(
    evaluator: &Evaluator<'_, '_>,
    outcome: &[u32],
    net: &[f64],
    reservation: &[f64],
) -> Kind {
    if !evaluator.hard_feasible(outcome) {
        Kind::Infeasible
    } else if net.iter().zip(reservation).all(|(&v, &r)| evaluator.accepts(v, r)) {
        Kind::Zone
    } else {
        Kind::Feasible
    }
}

fn compute_space(prepared: &Prepared<'_>, reservation: &[f64], pairs: &[(usize, usize)]) -> Space {
    let evaluator = Evaluator::new(prepared);
    let n = evaluator.parties();
    let classes = prepared.space.size().unwrap_or(0);
    if classes <= MAX_POINTS {
        let mut values = Vec::with_capacity(classes as usize * n);
        let mut kinds = Vec::with_capacity(classes as usize);
        let mut counts = [0u128; 3];
        let mut net = Vec::with_capacity(n);
        let mut outcomes = prepared.space.range(0, classes);
        while let Some((_, outcome)) = outcomes.next_outcome() {
            evaluator.net(outcome, &mut net);
            let kind = kind_of(&evaluator, outcome, &net, reservation);
            counts[kind as usize] += evaluator.weight(outcome);
            values.extend_from_slice(&net);
            kinds.push(kind);
        }
        let mut bounds = vec![(f64::INFINITY, f64::NEG_INFINITY); n];
        for row in values.chunks(n.max(1)) {
            for (b, &v) in bounds.iter_mut().zip(row) {
                *b = (b.0.min(v), b.1.max(v));
            }
        }
        let any_feasible = kinds.iter().any(|&k| k != Kind::Infeasible);
        let frontiers = pairs
            .iter()
            .map(|&(i, j)| {
                frontier(
                    values
                        .chunks(n.max(1))
                        .zip(&kinds)
                        .filter(|(_, k)| !any_feasible || **k != Kind::Infeasible)
                        .map(|(row, _)| (row[i], row[j]))
                        .collect(),
                )
            })
            .collect();
        return Space {
            cloud: Cloud::Points { values, kinds },
            bounds,
            frontiers,
            frontier_of_feasible: any_feasible,
            counts,
        };
    }
    // Large spaces: bounds first, then per pair a grid and the frontier candidates.
    let bounds = scan(
        prepared,
        || (vec![(f64::INFINITY, f64::NEG_INFINITY); n], Vec::with_capacity(n)),
        |(bounds, net), outcome| {
            evaluator.net(outcome, net);
            for (b, &v) in bounds.iter_mut().zip(net.iter()) {
                *b = (b.0.min(v), b.1.max(v));
            }
        },
        |(mut a, net), (b, _)| {
            for (x, y) in a.iter_mut().zip(b) {
                *x = (x.0.min(y.0), x.1.max(y.1));
            }
            (a, net)
        },
    )
    .0;
    let cell = |party: usize, v: f64| -> usize {
        let (lo, hi) = bounds[party];
        if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
            return 0;
        }
        (((v - lo) / (hi - lo) * GRID as f64) as usize).min(GRID - 1)
    };
    let (grids, fronts, counts, _) = scan(
        prepared,
        || {
            (
                vec![vec![[0u128; 3]; GRID * GRID]; pairs.len()],
                Fronts::new(pairs.len()),
                [0u128; 3],
                Vec::with_capacity(n),
            )
        },
        |(grids, fronts, counts, net), outcome| {
            evaluator.net(outcome, net);
            let kind = kind_of(&evaluator, outcome, net, reservation);
            let weight = evaluator.weight(outcome);
            counts[kind as usize] += weight;
            for (p, &(i, j)) in pairs.iter().enumerate() {
                let (x, y) = (net[i], net[j]);
                grids[p][cell(j, y) * GRID + cell(i, x)][kind as usize] += weight;
                fronts.push(p, (x, y), kind != Kind::Infeasible);
            }
        },
        |(mut grids, fronts, mut counts, net), (other_grids, other_fronts, other_counts, _)| {
            for (mine, theirs) in grids.iter_mut().zip(other_grids) {
                for (a, b) in mine.iter_mut().zip(theirs) {
                    for k in 0..3 {
                        a[k] += b[k];
                    }
                }
            }
            for k in 0..3 {
                counts[k] += other_counts[k];
            }
            (grids, fronts.merge(other_fronts), counts, net)
        },
    );
    let any_feasible = counts[1] + counts[2] > 0;
    let frontiers = if any_feasible { fronts.feasible } else { fronts.all };
    let frontiers = frontiers.into_iter().map(frontier).collect();
    Space {
        cloud: Cloud::Density { grids },
        bounds,
        frontiers,
        frontier_of_feasible: any_feasible,
        counts,
    }
}

/// The pairs of parties drawn: across the conflict's sides first, then in party order.
fn pairs_to_draw(scenario: &Scenario) -> (Vec<(usize, usize)>, usize) {
    let n = scenario.parties().len();
    let mut pairs = Vec::new();
    if let Some(conflict) = scenario.conflict() {
        for &a in &conflict.side_a {
            for &b in &conflict.side_b {
                if a < n && b < n && a != b {
                    pairs.push((a.min(b), a.max(b)));
                }
            }
        }
    }
    for i in 0..n {
        for j in i + 1..n {
            if !pairs.contains(&(i, j)) {
                pairs.push((i, j));
            }
        }
    }
    let total = pairs.len();
    pairs.truncate(MAX_TWO_PARTY_PANELS);
    (pairs, total)
}

/// A negotiation's offers: per proposer, the utilities (every party) of its offers in order, and
/// the agreement's.
struct Trace {
    paths: Vec<(usize, Vec<Vec<f64>>)>,
    agreement: Option<Vec<f64>>,
    skipped: usize,
}

fn trace(
    scenario: &Scenario,
    negotiation: &NegotiationResult,
    setting: Option<&Setting>,
) -> Result<Trace, PlotError> {
    let n = scenario.parties().len();
    if let Some(setting) = setting
        && setting.profiles().len() != n
    {
        return Err(PlotError::Input(format!(
            "the negotiation's setting has {} parties, the scenario {n}",
            setting.profiles().len()
        )));
    }
    let size = scenario.space().size().unwrap_or(u64::MAX);
    let mut values = vec![0u32; scenario.issues().len()];
    let mut utilities = |outcome: u32| -> Option<Vec<f64>> {
        match setting {
            Some(setting) => (outcome < setting.n_outcomes()).then(|| setting.utilities(outcome)),
            None => {
                if u64::from(outcome) >= size {
                    return None;
                }
                scenario.space().decode(u64::from(outcome), &mut values);
                Some(
                    (0..n)
                        .map(|p| {
                            scenario.parties()[p].utility.eval(&values)
                                - scenario.penalty(p, &values)
                        })
                        .collect(),
                )
            }
        }
    };
    let mut paths: Vec<(usize, Vec<Vec<f64>>)> = Vec::new();
    let mut skipped = 0;
    for offer in &negotiation.trace {
        let Some(u) = utilities(offer.outcome) else {
            skipped += 1;
            continue;
        };
        if offer.proposer >= n {
            skipped += 1;
            continue;
        }
        match paths.iter_mut().find(|(p, _)| *p == offer.proposer) {
            Some((_, path)) => {
                if path.last() != Some(&u) {
                    path.push(u);
                }
            }
            None => paths.push((offer.proposer, vec![u])),
        }
    }
    paths.sort_by_key(|(p, _)| *p);
    let agreement = negotiation.agreement.and_then(&mut utilities);
    Ok(Trace { paths, agreement, skipped })
}

/// A labelled point of interest: solutions, proposals, the agreement.
struct Mark {
    label: String,
    /// The full name (the label may be a number).
    name: String,
    /// Utilities of every party (a proposal's midpoint).
    at: Vec<f64>,
    /// A partial proposal's range per party.
    range: Option<Vec<(f64, f64)>>,
    marker: Marker,
}

/// Draws the utility space of a scenario for two parties, or pairwise panels for three or more.
///
/// Shows every package at (utility of party x, utility of party y) after red-line penalties (one
/// mark per package up to [`MAX_POINTS`] class outcomes, a density grid above), coloured by
/// whether it crosses an absolute red line or precondition, lies in the zone of agreement, or
/// neither; the Pareto frontier of the packages crossing no absolute red line; each party's
/// reservation value as a dashed line and the region where both beat theirs shaded; the
/// proposals and the bargaining solutions as labelled markers; and, with
/// [`SpaceOptions::negotiation`], the offers as one path per proposer and the agreement.
///
/// # Errors
///
/// [`PlotError::NotApplicable`] for a scenario with fewer than two parties,
/// [`PlotError::Input`] for a party index out of range or an analysis or setting of another
/// scenario, [`PlotError::Analysis`] when the space is too large to enumerate, and
/// [`PlotError::Render`] when drawing fails.
pub fn utility_space(
    scenario: &Scenario,
    analysis: &Analysis,
    options: &SpaceOptions<'_>,
) -> Result<Figure, PlotError> {
    let n = scenario.parties().len();
    if n < 2 {
        return Err(PlotError::NotApplicable(format!(
            "scenario '{}' has {n} part{}; a utility space needs two",
            scenario.name(),
            if n == 1 { "y" } else { "ies" }
        )));
    }
    if analysis.reservation.len() != n {
        return Err(PlotError::Input(format!(
            "the analysis has {} parties, the scenario {n}: it belongs to another scenario",
            analysis.reservation.len()
        )));
    }
    let (pairs, total_pairs) = match options.parties {
        Some((i, j)) => {
            if i >= n || j >= n || i == j {
                return Err(PlotError::Input(format!(
                    "parties ({i}, {j}): need two different parties among 0..{n}"
                )));
            }
            (vec![(i, j)], 1)
        }
        None => pairs_to_draw(scenario),
    };
    let defaults = AnalysisConfig::default();
    let config =
        AnalysisConfig { max_outcomes: defaults.max_outcomes.max(analysis.classes), ..defaults };
    let prepared = Prepared::new(scenario, &config)?;
    let space = compute_space(&prepared, &analysis.reservation, &pairs);
    let trace = match options.negotiation {
        Some(negotiation) => Some(trace(scenario, negotiation, options.setting)?),
        None => None,
    };
    // Proposals are numbered (and named in the legend) on panels, or when a name is too long to
    // sit by its marker.
    let numbered = pairs.len() > 1
        || scenario
            .proposals()
            .iter()
            .any(|p| measure(&p.name, LABEL_PX, false).0 > MAX_LABEL_WIDTH);
    let marks = marks(scenario, analysis, trace.as_ref(), numbered);
    draw(scenario, analysis, &pairs, total_pairs, &space, trace.as_ref(), &marks)
}

fn marks(
    scenario: &Scenario,
    analysis: &Analysis,
    trace: Option<&Trace>,
    numbered: bool,
) -> Vec<Mark> {
    let mut out = Vec::new();
    // Solutions, merged when they coincide.
    let solutions = [
        ("Nash", &analysis.solutions.nash),
        ("Kalai–Smorodinsky", &analysis.solutions.kalai_smorodinsky),
        ("egalitarian", &analysis.solutions.egalitarian),
        ("utilitarian", &analysis.solutions.utilitarian),
    ];
    let mut groups: Vec<(Vec<&str>, Vec<f64>)> = Vec::new();
    for (name, point) in solutions {
        let Some(point) = point else { continue };
        if point.net_utilities.len() != scenario.parties().len() {
            continue;
        }
        match groups.iter_mut().find(|(_, at)| *at == point.net_utilities) {
            Some((names, _)) => names.push(name),
            None => groups.push((vec![name], point.net_utilities.clone())),
        }
    }
    for (names, at) in groups {
        out.push(Mark {
            label: names.join(" = "),
            name: names.join(" = "),
            at,
            range: None,
            marker: Marker::new(Shape::Diamond, rgb(SOLUTION), 7.0),
        });
    }
    if let Some(agreement) = trace.and_then(|t| t.agreement.as_ref()) {
        out.push(Mark {
            label: "agreement".to_owned(),
            name: "agreement".to_owned(),
            at: agreement.clone(),
            range: None,
            marker: Marker::new(Shape::Star, rgb(0x111111), 7.0),
        });
    }
    for (k, score) in analysis.proposals.iter().enumerate() {
        if score.utilities.len() != scenario.parties().len()
            || score.utilities.iter().any(|(lo, hi)| !lo.is_finite() || !hi.is_finite())
        {
            continue;
        }
        let name = scenario
            .proposals()
            .get(score.proposal)
            .map_or_else(|| format!("proposal {}", k + 1), |p| p.name.clone());
        let partial = score.utilities.iter().any(|(lo, hi)| hi > lo);
        let label = if numbered {
            format!("P{}", k + 1)
        } else {
            canvas::fit(&name, LABEL_PX, false, MAX_LABEL_WIDTH)
        };
        out.push(Mark {
            label,
            name,
            at: score.utilities.iter().map(|(lo, hi)| (lo + hi) / 2.0).collect(),
            range: partial.then(|| score.utilities.clone()),
            marker: Marker::new(Shape::Square, rgb(PROPOSAL), 8.0).hollow(),
        });
    }
    out
}

const LABEL_PX: f64 = 12.0;
/// The widest proposal name written by its marker.
const MAX_LABEL_WIDTH: f64 = 220.0;

fn verdict_text(analysis: &Analysis) -> (String, String) {
    match analysis.verdict {
        Verdict::Impasse => (
            "impasse".to_owned(),
            format!(
                "No package is acceptable to every party: {} of {} packages cross no absolute red line and meet every precondition, none beats every reservation value.",
                count(analysis.zone.hard_feasible as f64),
                count(analysis.zone.space_size as f64)
            ),
        ),
        Verdict::AgreementPossible => (
            "agreement possible".to_owned(),
            format!(
                "{} of {} packages are in the zone of agreement (acceptable to every party).",
                count(analysis.zone.size as f64),
                count(analysis.zone.space_size as f64)
            ),
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn draw(
    scenario: &Scenario,
    analysis: &Analysis,
    pairs: &[(usize, usize)],
    total_pairs: usize,
    space: &Space,
    trace: Option<&Trace>,
    marks: &[Mark],
) -> Result<Figure, PlotError> {
    let name = |p: usize| scenario.parties()[p].name.as_str();
    let grid = pairs.len() > 1;
    let (verdict, verdict_detail) = verdict_text(analysis);
    let title = format!("{}: {verdict}", scenario.name());
    let mut subtitle = format!("{verdict_detail} Utilities after red-line penalties.");
    if grid {
        subtitle.push_str(&format!(
            " {} of {} party pairs shown{}.",
            pairs.len(),
            total_pairs,
            if scenario.conflict().is_some() {
                ", pairs across the conflict's sides first"
            } else {
                ""
            }
        ));
    }
    if let Some(trace) = trace
        && trace.skipped > 0
    {
        subtitle.push_str(&format!(" {} offers outside the space not drawn.", trace.skipped));
    }
    let legend = legend(scenario, space, trace, marks);
    let (panel_w, panel_h) = if grid { (540.0, 500.0) } else { (760.0, 640.0) };
    let cols = if grid { pairs.len().min(3) } else { 1 };
    let rows = pairs.len().div_ceil(cols);
    let heading = if grid { HEADING_HEIGHT } else { 0.0 };
    let body_w = cols as f64 * panel_w;
    let width = 16.0 + body_w + 20.0 + legend.width() + 16.0;
    let title_h = canvas::title_height(&title, &subtitle, width);
    let body_h = (rows as f64 * (panel_h + heading)).max(legend.height());
    let height = title_h + body_h + 16.0;
    let (width, height) = (width.ceil() as u32, height.ceil() as u32);
    canvas::figure(width, height, |root| {
        canvas::title(root, &title, &subtitle, f64::from(width))?;
        for (k, &(i, j)) in pairs.iter().enumerate() {
            let (row, col) = (k / cols, k % cols);
            let x0 = 16.0 + col as f64 * panel_w;
            let y0 = title_h + row as f64 * (panel_h + heading);
            if grid {
                canvas::heading(
                    root,
                    &format!("{} vs {}", name(i), name(j)),
                    (x0 + 8.0, y0 + 2.0),
                    panel_w - 16.0,
                )?;
            }
            let frame = Rect::new(x0, y0 + heading, x0 + panel_w - 8.0, y0 + heading + panel_h);
            panel(root, frame, scenario, analysis, space, k, (i, j), trace, marks)?;
        }
        legend.draw(root, (16.0 + body_w + 20.0, title_h))
    })
}

fn legend(scenario: &Scenario, space: &Space, trace: Option<&Trace>, marks: &[Mark]) -> Legend {
    let mut items = Vec::new();
    let density = matches!(space.cloud, Cloud::Density { .. });
    let swatch = |kind: Kind| {
        if density {
            Swatch::Area { color: rgb(kind_color(kind)), alpha: 0.8 }
        } else {
            Swatch::Marker(point_marker(kind))
        }
    };
    let suffix = if density { " (shade: number of packages, log scale)" } else { "" };
    items.push(LegendItem::new(
        Swatch::Area { color: rgb(ZONE), alpha: 0.12 },
        "both parties above their reservation values",
    ));
    if space.counts[Kind::Zone as usize] > 0 {
        items.push(LegendItem::new(
            swatch(Kind::Zone),
            format!("package in the zone of agreement (every party accepts){suffix}"),
        ));
    }
    if space.counts[Kind::Feasible as usize] > 0 {
        items.push(LegendItem::new(
            swatch(Kind::Feasible),
            format!(
                "package outside the zone, crossing no absolute red line or precondition{suffix}"
            ),
        ));
    }
    if space.counts[Kind::Infeasible as usize] > 0 {
        items.push(LegendItem::new(
            swatch(Kind::Infeasible),
            format!("package crossing an absolute red line or precondition{suffix}"),
        ));
    }
    items.push(LegendItem::new(
        Swatch::Line { color: rgb(FRONTIER), width: 2, dashed: false },
        if space.frontier_of_feasible {
            "Pareto frontier (packages crossing no absolute red line or precondition)"
        } else {
            "Pareto frontier (all packages)"
        },
    ));
    items.push(LegendItem::new(
        Swatch::Line { color: rgb(RESERVATION), width: 2, dashed: true },
        "reservation value (utility of no deal)",
    ));
    if marks.iter().any(|m| m.marker.shape == Shape::Diamond) {
        items.push(LegendItem::new(
            Swatch::Marker(Marker::new(Shape::Diamond, rgb(SOLUTION), 7.0)),
            "bargaining solution (over the zone)",
        ));
    }
    if marks.iter().any(|m| m.marker.shape == Shape::Square) {
        let ranges = marks.iter().any(|m| m.range.is_some());
        items.push(LegendItem::new(
            Swatch::Marker(Marker::new(Shape::Square, rgb(PROPOSAL), 7.0).hollow()),
            if ranges {
                "proposal (bars: range over the packages completing a partial one)"
            } else {
                "proposal"
            },
        ));
        if marks.iter().any(|m| m.label != m.name) {
            for m in marks.iter().filter(|m| m.marker.shape == Shape::Square) {
                items.push(LegendItem::new(
                    Swatch::Marker(Marker::new(Shape::Square, rgb(PROPOSAL), 5.0).hollow()),
                    format!("{}: {}", m.label, m.name),
                ));
            }
        }
    }
    if let Some(trace) = trace {
        for (proposer, _) in &trace.paths {
            let color = rgb(TRACE[*proposer % TRACE.len()]);
            items.push(LegendItem::new(
                Swatch::Line { color, width: 2, dashed: false },
                format!("offers by {}", scenario.parties()[*proposer].name),
            ));
        }
        if !trace.paths.is_empty() {
            items.push(LegendItem::new(
                Swatch::Marker(Marker::new(Shape::Triangle, rgb(0x555555), 5.0)),
                "first offer of each proposer",
            ));
        }
        if trace.agreement.is_some() {
            items.push(LegendItem::new(
                Swatch::Marker(Marker::new(Shape::Star, rgb(0x111111), 7.0)),
                "agreement reached",
            ));
        } else {
            items.push(LegendItem::new(
                Swatch::Marker(Marker::new(Shape::Cross, rgb(0x111111), 6.0)),
                "no agreement: a cross marks each proposer's last offer",
            ));
        }
    }
    Legend::new(Some("Legend"), &items, 250.0)
}

fn point_marker(kind: Kind) -> Marker {
    match kind {
        Kind::Infeasible => Marker::new(Shape::Circle, rgb(INFEASIBLE), 2.0),
        Kind::Feasible => Marker::new(Shape::Circle, rgb(FEASIBLE), 2.5),
        Kind::Zone => Marker::new(Shape::Circle, rgb(ZONE), 3.5),
    }
}

#[allow(clippy::too_many_arguments)]
fn panel(
    root: &Root<'_>,
    frame: Rect,
    scenario: &Scenario,
    analysis: &Analysis,
    space: &Space,
    pair_index: usize,
    (i, j): (usize, usize),
    trace: Option<&Trace>,
    marks: &[Mark],
) -> Result<(), PlotError> {
    let party_name = |p: usize| scenario.parties()[p].name.clone();
    let (ri, rj) = (analysis.reservation[i], analysis.reservation[j]);
    // Ranges cover the packages, the reservation values, the marks and the offers.
    let mut xs = vec![space.bounds[i].0, space.bounds[i].1, ri];
    let mut ys = vec![space.bounds[j].0, space.bounds[j].1, rj];
    for mark in marks {
        match &mark.range {
            Some(range) => {
                xs.extend([range[i].0, range[i].1]);
                ys.extend([range[j].0, range[j].1]);
            }
            None => {
                xs.push(mark.at[i]);
                ys.push(mark.at[j]);
            }
        }
    }
    if let Some(trace) = trace {
        for (_, path) in &trace.paths {
            xs.extend(path.iter().map(|u| u[i]));
            ys.extend(path.iter().map(|u| u[j]));
        }
    }
    let x_range = canvas::padded_range(xs, 0.05);
    let y_range = canvas::padded_range(ys, 0.05);
    let x_format = canvas::tick_format(&x_range, 8);
    let y_format = canvas::tick_format(&y_range, 8);
    let x_axis = Axis::numeric(
        x_range.clone(),
        format!("utility of {} (0–1 scale)", party_name(i)),
        8,
        &x_format,
    );
    let y_axis = Axis::numeric(
        y_range.clone(),
        format!("utility of {} (0–1 scale)", party_name(j)),
        8,
        &y_format,
    );
    let area = canvas::sub_area(root, frame);
    let chart = canvas::chart(&area, &x_axis, &y_axis)?;
    let map = Mapper::new(&chart, &x_range, &y_range);
    let plot = map.rect();
    // The region where both beat their reservation values.
    let corner = map.at(ri, rj);
    let zone_box = Rect::new(corner.0, plot.y0, plot.x1, corner.1);
    if zone_box.width() > 0.0 && zone_box.height() > 0.0 {
        canvas::rect(root, zone_box, fill(rgb(ZONE), 0.12))?;
    }
    // The packages.
    match &space.cloud {
        Cloud::Points { values, kinds } => {
            let n = space.bounds.len();
            let mut seen = std::collections::HashSet::new();
            for kind in KINDS {
                let m = point_marker(kind);
                for (row, _) in values.chunks(n).zip(kinds).filter(|(_, k)| **k == kind) {
                    let p = map.at(row[i], row[j]);
                    let key = ((p.0 / 2.0).round() as i64, (p.1 / 2.0).round() as i64, kind as u8);
                    if seen.insert(key) {
                        canvas::marker(root, p, m)?;
                    }
                }
            }
        }
        Cloud::Density { grids } => {
            let grid = &grids[pair_index];
            let max = grid.iter().flat_map(|c| c.iter()).copied().max().unwrap_or(1).max(1);
            let (lo_i, hi_i) = space.bounds[i];
            let (lo_j, hi_j) = space.bounds[j];
            let step_i = (hi_i - lo_i) / GRID as f64;
            let step_j = (hi_j - lo_j) / GRID as f64;
            for (c, cell) in grid.iter().enumerate() {
                let Some(kind) = KINDS.iter().rev().copied().find(|k| cell[*k as usize] > 0) else {
                    continue;
                };
                let total: u128 = cell.iter().sum();
                let shade = 0.25 + 0.75 * ((total as f64).ln_1p() / (max as f64).ln_1p());
                let (cx, cy) = (c % GRID, c / GRID);
                let a = map.at(lo_i + cx as f64 * step_i, lo_j + cy as f64 * step_j);
                let b = map.at(lo_i + (cx + 1) as f64 * step_i, lo_j + (cy + 1) as f64 * step_j);
                let r = Rect::new(a.0, a.1, b.0.max(a.0 + 1.0), b.1.min(a.1 - 1.0));
                canvas::rect(root, r, fill(rgb(kind_color(kind)), shade))?;
            }
        }
    }
    // The frontier.
    let front: Vec<(f64, f64)> =
        space.frontiers[pair_index].iter().map(|&(x, y)| map.at(x, y)).collect();
    if front.len() == 1 {
        canvas::marker(root, front[0], Marker::new(Shape::Circle, rgb(FRONTIER), 3.0))?;
    }
    canvas::line(root, &front, stroke(rgb(FRONTIER), 2))?;
    // Reservation values.
    let reservation_style = stroke(rgb(RESERVATION), 2);
    canvas::dashed(root, (corner.0, plot.y0), (corner.0, plot.y1), 7.0, 4.0, reservation_style)?;
    canvas::dashed(root, (plot.x0, corner.1), (plot.x1, corner.1), 7.0, 4.0, reservation_style)?;
    // Offers.
    let mut obstacles: Vec<Rect> = Vec::new();
    if let Some(trace) = trace {
        for (proposer, path) in &trace.paths {
            let color = rgb(TRACE[*proposer % TRACE.len()]);
            let pixels: Vec<(f64, f64)> = path.iter().map(|u| map.at(u[i], u[j])).collect();
            canvas::line(root, &pixels, stroke(color, 2))?;
            for &p in &pixels {
                canvas::marker(root, p, Marker::new(Shape::Circle, color, 2.5))?;
            }
            if let Some(&first) = pixels.first() {
                canvas::marker(root, first, Marker::new(Shape::Triangle, color, 5.0))?;
            }
            if trace.agreement.is_none()
                && let Some(&last) = pixels.last()
            {
                canvas::marker(root, last, Marker::new(Shape::Cross, rgb(0x111111), 6.0))?;
            }
        }
    }
    // Marks: proposals' ranges, then markers, then labels placed clear of each other.
    for mark in marks {
        if let Some(range) = &mark.range {
            let style = stroke(rgb(PROPOSAL), 2);
            let (a, b) = (map.at(range[i].0, mark.at[j]), map.at(range[i].1, mark.at[j]));
            canvas::line(root, &[a, b], style)?;
            let (c, d) = (map.at(mark.at[i], range[j].0), map.at(mark.at[i], range[j].1));
            canvas::line(root, &[c, d], style)?;
        }
    }
    for mark in marks.iter().filter(|m| m.marker.shape != Shape::Square) {
        canvas::marker(root, map.at(mark.at[i], mark.at[j]), mark.marker)?;
    }
    for mark in marks.iter().filter(|m| m.marker.shape == Shape::Square) {
        canvas::marker(root, map.at(mark.at[i], mark.at[j]), mark.marker)?;
    }
    let mut requests = Vec::new();
    for mark in marks {
        let p = map.at(mark.at[i], mark.at[j]);
        obstacles.push(Rect::around(p, mark.marker.radius + 1.0));
        let (w, h) = measure(&mark.label, LABEL_PX, false);
        requests.push(Request {
            anchor: p,
            clearance: mark.marker.radius + 1.0,
            size: (w + 6.0, h + 2.0),
        });
    }
    // Reservation labels, at the ends of the dashed lines.
    let res_labels = [
        (
            format!("{} reservation {}", possessive(&party_name(i)), canvas::short(ri)),
            (corner.0, plot.y0 + 4.0),
        ),
        (
            format!("{} reservation {}", possessive(&party_name(j)), canvas::short(rj)),
            (plot.x1 - 4.0, corner.1),
        ),
    ];
    for (label, anchor) in &res_labels {
        let (w, h) = measure(label, 11.0, false);
        requests.push(Request { anchor: *anchor, clearance: 1.0, size: (w + 6.0, h + 2.0) });
    }
    let placements = labels::place(&requests, &obstacles, plot.grow(-2.0));
    for (k, placement) in placements.iter().enumerate() {
        let (label, px_size, color, anchor) = if k < marks.len() {
            let mark = &marks[k];
            let color = if mark.marker.shape == Shape::Diamond { SOLUTION } else { 0x222222 };
            (mark.label.as_str(), LABEL_PX, color, requests[k].anchor)
        } else {
            let (label, anchor) = &res_labels[k - marks.len()];
            (label.as_str(), 11.0, RESERVATION, *anchor)
        };
        let r = placement.rect;
        if placement.leader {
            let end = r.nearest(anchor);
            canvas::line(root, &[anchor, end], stroke(rgb(0x777777), 1))?;
        }
        canvas::rect(root, r, fill(plotters::style::WHITE, 0.8))?;
        canvas::text(
            root,
            label,
            ((r.x0 + r.x1) / 2.0, (r.y0 + r.y1) / 2.0),
            px_size,
            color,
            false,
            Anchor::Center,
        )?;
    }
    Ok(())
}

fn possessive(name: &str) -> String {
    if name.ends_with('s') { format!("{name}’") } else { format!("{name}’s") }
}

#[cfg(test)]
mod tests {
    use impasse_analysis::analyze;

    use super::*;

    fn load(name: &str) -> Scenario {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../../scenarios/{name}.toml"));
        impasse_format::load_path(&path, &[]).unwrap()
    }

    #[test]
    fn the_zone_matches_the_analysis() {
        for (name, overrides) in [
            ("integrative-logrolling", None),
            ("distributive-price", None),
            ("negotiation-impasse-2023", Some("conflict.balance=0.2")),
        ] {
            let overrides: Vec<impasse_format::Override> =
                overrides.into_iter().map(|o| o.parse().unwrap()).collect();
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../../scenarios/{name}.toml"));
            let scenario = impasse_format::load_path(&path, &overrides).unwrap();
            let analysis = analyze(&scenario, &AnalysisConfig::default()).unwrap();
            let prepared = Prepared::new(&scenario, &AnalysisConfig::default()).unwrap();
            let space = compute_space(&prepared, &analysis.reservation, &[(0, 1)]);
            assert_eq!(space.counts[Kind::Zone as usize], analysis.zone.size, "{name}");
            assert_eq!(
                space.counts[Kind::Zone as usize] + space.counts[Kind::Feasible as usize],
                analysis.zone.hard_feasible,
                "{name}"
            );
        }
    }

    #[test]
    fn two_party_frontier_matches_the_analysis() {
        // Without red lines, the pair's frontier is the analysis's frontier.
        let scenario = load("integrative-logrolling");
        let analysis = analyze(&scenario, &AnalysisConfig::default()).unwrap();
        let prepared = Prepared::new(&scenario, &AnalysisConfig::default()).unwrap();
        let space = compute_space(&prepared, &analysis.reservation, &[(0, 1)]);
        let mut ours: Vec<(f64, f64)> = space.frontiers[0].clone();
        let mut theirs: Vec<(f64, f64)> =
            analysis.frontier.iter().map(|p| (p.utilities[0], p.utilities[1])).collect();
        theirs.dedup();
        ours.sort_by(|a, b| a.0.total_cmp(&b.0));
        theirs.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(ours.len(), theirs.len());
        for (a, b) in ours.iter().zip(&theirs) {
            assert!((a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9, "{a:?} {b:?}");
        }
    }

    #[test]
    fn frontier_keeps_the_efficient_points() {
        let f =
            frontier(vec![(0.0, 1.0), (0.5, 0.5), (0.4, 0.4), (1.0, 0.0), (0.5, 0.5), (1.0, -1.0)]);
        assert_eq!(f, vec![(0.0, 1.0), (0.5, 0.5), (1.0, 0.0)]);
    }
}
