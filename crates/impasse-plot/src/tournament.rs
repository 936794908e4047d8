//! Tournaments: the ranking and the agent-against-agent matrix.

use std::collections::BTreeMap;
use std::ops::Range;

use impasse_negotiate::tournament::{Row, Standing};

use crate::canvas::{self, Anchor, Axis, HEADING_HEIGHT, Mapper, fill, percent, rgb, short};
use crate::heatmap::{Cells, Scale, cells_panel, colorbar, colorbar_width};
use crate::labels::Rect;
use crate::text::measure;
use crate::{Figure, PlotError};

/// The mean utility each agent obtained against each opponent.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct AgentMatrix {
    /// The agents, in row (and column) order.
    pub agents: Vec<String>,
    /// `mean_utility[row][column]`: the mean utility the row agent obtained in negotiations where
    /// the column agent played another party; `None` when they never met.
    pub mean_utility: Vec<Vec<Option<f64>>>,
}

impl AgentMatrix {
    /// Aggregates tournament rows: in each negotiation, every party's utility counts once for its
    /// agent against each agent playing another party (an agent meeting itself lands on the
    /// diagonal). Agents are in name order; rows whose agents and utilities differ in length
    /// count only the parties both give, and non-finite utilities are skipped.
    pub fn from_rows(rows: &[Row]) -> AgentMatrix {
        let mut sums: BTreeMap<(&str, &str), (f64, u64)> = BTreeMap::new();
        let mut names: BTreeMap<&str, ()> = BTreeMap::new();
        for row in rows {
            let n = row.agents.len().min(row.utilities.len());
            for agent in &row.agents {
                names.insert(agent.as_str(), ());
            }
            for i in 0..n {
                let utility = row.utilities[i];
                if !utility.is_finite() {
                    continue;
                }
                for j in 0..n {
                    if i != j {
                        let entry = sums
                            .entry((row.agents[i].as_str(), row.agents[j].as_str()))
                            .or_default();
                        entry.0 += utility;
                        entry.1 += 1;
                    }
                }
            }
        }
        let agents: Vec<String> = names.keys().map(|&name| name.to_owned()).collect();
        let mean_utility = agents
            .iter()
            .map(|row| {
                agents
                    .iter()
                    .map(|column| {
                        sums.get(&(row.as_str(), column.as_str()))
                            .filter(|(_, count)| *count > 0)
                            .map(|(sum, count)| sum / *count as f64)
                    })
                    .collect()
            })
            .collect();
        AgentMatrix { agents, mean_utility }
    }

    /// The matrix with its agents reordered as `order` lists them (agents missing from `order`
    /// keep their relative order after the listed ones).
    fn reordered(&self, order: &[&str]) -> AgentMatrix {
        let mut index: Vec<usize> =
            order.iter().filter_map(|name| self.agents.iter().position(|a| a == name)).collect();
        for k in 0..self.agents.len() {
            if !index.contains(&k) {
                index.push(k);
            }
        }
        AgentMatrix {
            agents: index.iter().map(|&k| self.agents[k].clone()).collect(),
            mean_utility: index
                .iter()
                .map(|&r| index.iter().map(|&c| self.mean_utility[r][c]).collect())
                .collect(),
        }
    }
}

const BAR: u32 = 0x0072B2;

/// Draws a tournament: (a) the ranking, one bar per agent of its mean utility (best first),
/// annotated with its agreement rate and number of negotiations; (b) the agent-against-agent
/// matrix as a heat map, the mean utility written in each cell (rows and columns in ranking
/// order).
///
/// # Errors
///
/// [`PlotError::Input`] when there are no standings or the matrix is not square, and
/// [`PlotError::Render`] when drawing fails.
pub fn tournament(standings: &[Standing], matrix: &AgentMatrix) -> Result<Figure, PlotError> {
    if standings.is_empty() {
        return Err(PlotError::Input("a tournament plot needs at least one standing".to_owned()));
    }
    let n = matrix.agents.len();
    if matrix.mean_utility.len() != n || matrix.mean_utility.iter().any(|row| row.len() != n) {
        return Err(PlotError::Input(format!(
            "the agent matrix is not square: {n} agents, {} rows of lengths {:?}",
            matrix.mean_utility.len(),
            matrix.mean_utility.iter().map(Vec::len).collect::<Vec<_>>()
        )));
    }
    let mut ranked: Vec<&Standing> = standings.iter().collect();
    ranked.sort_by_key(|s| s.rank);
    let order: Vec<&str> = ranked.iter().map(|s| s.agent.as_str()).collect();
    let matrix = matrix.reordered(&order);
    let negotiations: u64 = standings.iter().map(|s| s.negotiations).sum();
    let title = format!("Tournament: {} agents ranked by mean utility", standings.len());
    let subtitle = format!(
        "{negotiations} agent roles played in all. Utilities on each party's 0–1 scale, after red-line penalties; no deal gives the reservation value."
    );
    // (a) sizes.
    let bar_names: Vec<String> =
        ranked.iter().map(|s| format!("{}. {}", s.rank, s.agent)).collect();
    let bars_h = 90.0 + 30.0 * ranked.len() as f64;
    // (b) sizes.
    let values = matrix.mean_utility.iter().flatten().filter_map(|v| *v);
    let scale = Scale::of(values);
    let bar_w = colorbar_width(scale);
    let widest_name = matrix.agents.iter().map(|a| measure(a, 12.0, false).0).fold(0.0, f64::max);
    let cell = 64.0;
    let matrix_w = (n as f64 * cell + widest_name + 60.0).max(520.0);
    let matrix_h = n as f64 * 36.0 + widest_name.min(n as f64 * cell) + 80.0;
    let matrix_h = if n == 0 { 40.0 } else { matrix_h.max(260.0) };
    let body_w = matrix_w.max(820.0);
    let width = 16.0 + body_w + 24.0 + bar_w + 16.0;
    let title_h = canvas::title_height(&title, &subtitle, width);
    let height = title_h + HEADING_HEIGHT + bars_h + 10.0 + HEADING_HEIGHT + matrix_h + 16.0;
    let (width, height) = (width.ceil() as u32, height.ceil() as u32);
    canvas::figure(width, height, |root| {
        canvas::title(root, &title, &subtitle, f64::from(width))?;
        let x0 = 16.0;
        let mut y = title_h;
        canvas::heading(root, "(a) ranking: mean utility obtained", (x0 + 8.0, y), body_w)?;
        let frame = Rect::new(x0, y + HEADING_HEIGHT, x0 + body_w, y + HEADING_HEIGHT + bars_h);
        ranking_panel(root, frame, &ranked, &bar_names)?;
        y += HEADING_HEIGHT + bars_h + 10.0;
        canvas::heading(
            root,
            "(b) mean utility of each agent (row) against each opponent (column)",
            (x0 + 8.0, y),
            body_w,
        )?;
        if n == 0 {
            let note = "no negotiations between agents to show";
            return canvas::text(
                root,
                note,
                (x0 + 8.0, y + HEADING_HEIGHT + 20.0),
                13.0,
                0x555555,
                false,
                Anchor::TopLeft,
            );
        }
        let frame = Rect::new(x0, y + HEADING_HEIGHT, x0 + matrix_w, y + HEADING_HEIGHT + matrix_h);
        let value =
            |ix: usize, iy: usize| matrix.mean_utility[n - 1 - iy][ix].filter(|v| v.is_finite());
        let bounds = |ix: usize, iy: usize| -> (Range<f64>, Range<f64>) {
            (ix as f64..(ix + 1) as f64, iy as f64..(iy + 1) as f64)
        };
        let cells = Cells { nx: n, ny: n, value: &value, bounds: &bounds };
        // Rows top to bottom in ranking order: the y axis runs upwards.
        let rows: Vec<String> = matrix.agents.iter().rev().cloned().collect();
        let format = |v: f64| short(v);
        let x_axis = Axis::categorical(&matrix.agents, "opponent", &format);
        let y_axis = Axis::categorical(&rows, "agent", &format);
        let plot = cells_panel(root, frame, &x_axis, &y_axis, &cells, scale)?;
        let column = Rect::new(
            x0 + matrix_w + 24.0,
            plot.y0,
            x0 + matrix_w + 24.0 + bar_w,
            plot.y1.max(plot.y0 + 160.0),
        );
        colorbar(root, column, scale, "mean utility of the row agent")
    })
}

fn ranking_panel(
    root: &canvas::Root<'_>,
    frame: Rect,
    ranked: &[&Standing],
    names: &[String],
) -> Result<(), PlotError> {
    let utilities: Vec<f64> = ranked.iter().map(|s| s.mean_utility).collect();
    let lo = utilities.iter().copied().filter(|v| v.is_finite()).fold(0.0f64, f64::min);
    let hi = utilities.iter().copied().filter(|v| v.is_finite()).fold(1.0f64, f64::max);
    let x_range = lo..hi;
    let rows: Vec<String> = names.iter().rev().cloned().collect();
    let x_format = canvas::tick_format(&x_range, 12);
    let y_format = |v: f64| short(v);
    let x_axis = Axis::numeric(x_range.clone(), "mean utility obtained (0–1 scale)", 12, &x_format);
    let y_axis = Axis::categorical(&rows, "", &y_format);
    let y_range = y_axis.range.clone();
    let area = canvas::sub_area(root, frame);
    let chart = canvas::chart(&area, &x_axis, &y_axis)?;
    let map = Mapper::new(&chart, &x_range, &y_range);
    let plot = map.rect();
    let k_max = ranked.len();
    for (k, standing) in ranked.iter().enumerate() {
        let row = (k_max - 1 - k) as f64;
        let u = if standing.mean_utility.is_finite() { standing.mean_utility } else { 0.0 };
        let (a, b) = (map.at(0.0f64.max(x_range.start), row + 0.18), map.at(u, row + 0.82));
        let r = Rect::new(a.0, a.1, b.0, b.1);
        canvas::rect(root, r, fill(rgb(BAR), if k == 0 { 1.0 } else { 0.75 }))?;
        let label = format!(
            "{:.3} · agreement {} · {} negotiations",
            standing.mean_utility,
            percent(standing.agreement_rate),
            standing.negotiations
        );
        // Right of the bar, or inside its end when it does not fit there.
        let (w, _) = measure(&label, 12.0, false);
        let mid = (r.y0 + r.y1) / 2.0;
        if r.x1 + 6.0 + w <= plot.x1 - 2.0 || r.width() < w + 12.0 {
            let x = (r.x1 + 6.0).min(plot.x1 - w - 2.0);
            canvas::text(root, &label, (x, mid), 12.0, 0x222222, false, Anchor::Left)?;
        } else {
            canvas::text(root, &label, (r.x1 - 6.0, mid), 12.0, 0xFFFFFF, false, Anchor::Right)?;
        }
    }
    Ok(())
}
