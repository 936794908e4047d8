//! Heat maps: two-way what-if sweeps, and the cells of the tournament matrix.

use std::ops::Range;

use plotters::style::RGBColor;

use crate::canvas::{self, Anchor, Axis, Mapper, Root, fill, rgb, short, stroke};
use crate::labels::Rect;
use crate::text::measure;
use crate::{Figure, PlotError};

/// The viridis colour map at `t` in `[0, 1]` (perceptually uniform, readable in grey and by
/// colour-blind readers).
pub(crate) fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 144, 141),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let at = t * (STOPS.len() - 1) as f64;
    let k = (at.floor() as usize).min(STOPS.len() - 2);
    let f = at - k as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (STOPS[k], STOPS[k + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Dark or light text, whichever reads on `color`.
pub(crate) fn text_on(color: RGBColor) -> u32 {
    let luminance =
        0.299 * f64::from(color.0) + 0.587 * f64::from(color.1) + 0.114 * f64::from(color.2);
    if luminance > 140.0 { 0x111111 } else { 0xFFFFFF }
}

/// The colour scale of a heat map: the range of the finite values (widened when they are all
/// equal).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scale {
    pub(crate) min: f64,
    pub(crate) max: f64,
}

impl Scale {
    pub(crate) fn of(values: impl IntoIterator<Item = f64>) -> Scale {
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.into_iter().filter(|v| v.is_finite()) {
            min = min.min(v);
            max = max.max(v);
        }
        if !(min.is_finite() && max.is_finite()) {
            return Scale { min: 0.0, max: 1.0 };
        }
        if max - min < 1e-12 {
            let half = if min.abs() > 1e-12 { min.abs() * 0.05 } else { 0.5 };
            return Scale { min: min - half, max: max + half };
        }
        Scale { min, max }
    }

    pub(crate) fn color(&self, v: f64) -> RGBColor {
        viridis((v - self.min) / (self.max - self.min))
    }

    /// A format with as many decimals as the range needs.
    pub(crate) fn format(&self) -> impl Fn(f64) -> String + use<> {
        let span = (self.max - self.min).abs().max(f64::MIN_POSITIVE);
        let decimals = (2.0 - span.log10().floor()).clamp(0.0, 6.0) as usize;
        move |v: f64| {
            if !v.is_finite() {
                return "n/a".to_owned();
            }
            let text = format!("{v:.decimals$}");
            if text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.') {
                text[1..].to_owned()
            } else {
                text.replace('-', "−")
            }
        }
    }
}

/// Cells of a heat map: `cell(ix, iy)` is the value (`None`: missing), drawn over the data
/// rectangle `bounds(ix, iy)`.
pub(crate) struct Cells<'c> {
    pub(crate) nx: usize,
    pub(crate) ny: usize,
    pub(crate) value: &'c dyn Fn(usize, usize) -> Option<f64>,
    pub(crate) bounds: &'c dyn Fn(usize, usize) -> (Range<f64>, Range<f64>),
}

/// Draws a heat map's cells in a chart with axes `x` and `y` filling `frame`, with the values
/// written in the cells when they fit.
pub(crate) fn cells_panel(
    root: &Root<'_>,
    frame: Rect,
    x: &Axis<'_>,
    y: &Axis<'_>,
    cells: &Cells<'_>,
    scale: Scale,
) -> Result<Rect, PlotError> {
    let area = canvas::sub_area(root, frame);
    let chart = canvas::chart(&area, x, y)?;
    let map = Mapper::new(&chart, &x.range, &y.range);
    let format = scale.format();
    // Write values when every one fits its cell.
    let mut fits = cells.nx * cells.ny <= 900;
    let mut boxes = Vec::with_capacity(cells.nx * cells.ny);
    for iy in 0..cells.ny {
        for ix in 0..cells.nx {
            let (xs, ys) = (cells.bounds)(ix, iy);
            let a = map.at(xs.start, ys.start);
            let b = map.at(xs.end, ys.end);
            let r = Rect::new(a.0, a.1, b.0, b.1);
            let label = (cells.value)(ix, iy).map_or_else(|| "n/a".to_owned(), &format);
            let (w, h) = measure(&label, 12.0, false);
            if w + 4.0 > r.width() || h + 1.0 > r.height() {
                fits = false;
            }
            boxes.push((r, label));
        }
    }
    for (k, (r, label)) in boxes.iter().enumerate() {
        let (ix, iy) = (k % cells.nx, k / cells.nx);
        let value = (cells.value)(ix, iy);
        let color = value.map_or(rgb(0xEEEEEE), |v| scale.color(v));
        // Overlap neighbours by half a pixel so no seams show.
        canvas::rect(root, r.grow(0.5), fill(color, 1.0))?;
        if fits {
            let ink = if value.is_some() { text_on(color) } else { 0x777777 };
            canvas::text(
                root,
                label,
                ((r.x0 + r.x1) / 2.0, (r.y0 + r.y1) / 2.0),
                12.0,
                ink,
                false,
                Anchor::Center,
            )?;
        }
    }
    let plot = map.rect();
    canvas::rect(root, plot, stroke(rgb(0x888888), 1))?;
    Ok(plot)
}

/// Draws a vertical colour bar in `column` (top to bottom: the label, then the bar beside
/// `plot`'s height), with tick labels.
pub(crate) fn colorbar(
    root: &Root<'_>,
    column: Rect,
    scale: Scale,
    label: &str,
) -> Result<(), PlotError> {
    let lines = canvas::wrap(label, 13.0, false, column.width());
    let mut y = column.y0;
    for line in &lines {
        canvas::text(root, line, (column.x0, y), 13.0, 0x1A1A1A, false, Anchor::TopLeft)?;
        y += 17.0;
    }
    let bar = Rect::new(column.x0, y + 8.0, column.x0 + 18.0, column.y1);
    if bar.height() < 20.0 {
        return Ok(());
    }
    let steps = 120;
    for k in 0..steps {
        let t0 = k as f64 / steps as f64;
        let t1 = (k + 1) as f64 / steps as f64;
        let slice =
            Rect::new(bar.x0, bar.y1 - t1 * bar.height(), bar.x1, bar.y1 - t0 * bar.height() + 0.5);
        canvas::rect(root, slice, fill(viridis((t0 + t1) / 2.0), 1.0))?;
    }
    canvas::rect(root, bar, stroke(rgb(0x888888), 1))?;
    let format = canvas::tick_format(&(scale.min..scale.max), 6);
    for v in canvas::tick_values(&(scale.min..scale.max), 6) {
        let ty = bar.y1 - (v - scale.min) / (scale.max - scale.min) * bar.height();
        canvas::line(root, &[(bar.x1, ty), (bar.x1 + 4.0, ty)], stroke(rgb(0x555555), 1))?;
        canvas::text(root, &format(v), (bar.x1 + 7.0, ty), 12.0, 0x333333, false, Anchor::Left)?;
    }
    Ok(())
}

/// The width a colour bar column needs.
pub(crate) fn colorbar_width(scale: Scale) -> f64 {
    let format = canvas::tick_format(&(scale.min..scale.max), 6);
    let widest = canvas::tick_values(&(scale.min..scale.max), 6)
        .into_iter()
        .map(|v| measure(&format(v), 12.0, false).0)
        .fold(0.0, f64::max);
    (18.0 + 7.0 + widest + 8.0).max(150.0)
}

/// Cell edges of a sweep axis: midpoints between increasing values.
fn edges(values: &[f64]) -> Vec<f64> {
    let n = values.len();
    if n == 1 {
        let v = values[0];
        let half = if v.abs() > 1e-12 { v.abs() * 0.1 } else { 0.5 };
        return vec![v - half, v + half];
    }
    let mut out = Vec::with_capacity(n + 1);
    out.push(values[0] - (values[1] - values[0]) / 2.0);
    for w in values.windows(2) {
        out.push((w[0] + w[1]) / 2.0);
    }
    out.push(values[n - 1] + (values[n - 1] - values[n - 2]) / 2.0);
    out
}

/// How a sweep axis is drawn: numeric with cell edges, or one labelled category per value.
enum SweepAxis {
    Numeric(Vec<f64>),
    Categories(Vec<String>),
}

fn sweep_axis(values: &[f64]) -> SweepAxis {
    let increasing = values.iter().all(|v| v.is_finite()) && values.windows(2).all(|w| w[0] < w[1]);
    if increasing && values.len() > 20 {
        SweepAxis::Numeric(edges(values))
    } else {
        SweepAxis::Categories(values.iter().map(|&v| short(v)).collect())
    }
}

/// Draws a two-way sweep as a heat map: one cell per pair of parameter values, coloured by
/// `values[iy * x.len() + ix]` on the viridis scale (non-finite values are shown as missing),
/// the values written in the cells when they fit, axes labelled with the parameters' paths and a
/// colour bar labelled `value_label`.
///
/// # Errors
///
/// [`PlotError::Input`] when an axis has no values or `values` does not hold one value per
/// cell, and [`PlotError::Render`] when drawing fails.
pub fn sweep_heatmap(
    x: (&str, &[f64]),
    y: (&str, &[f64]),
    values: &[f64],
    title: &str,
    value_label: &str,
) -> Result<Figure, PlotError> {
    let (x_name, xs) = x;
    let (y_name, ys) = y;
    if xs.is_empty() || ys.is_empty() {
        return Err(PlotError::Input(format!(
            "a heat map needs values on both axes ({} on '{x_name}', {} on '{y_name}')",
            xs.len(),
            ys.len()
        )));
    }
    if xs.len().checked_mul(ys.len()) != Some(values.len()) {
        return Err(PlotError::Input(format!(
            "{} values for {} × {} cells ('{x_name}' × '{y_name}')",
            values.len(),
            xs.len(),
            ys.len()
        )));
    }
    let (nx, ny) = (xs.len(), ys.len());
    let scale = Scale::of(values.iter().copied());
    let x_axis_kind = sweep_axis(xs);
    let y_axis_kind = sweep_axis(ys);
    let (x_cats, x_range) = match &x_axis_kind {
        SweepAxis::Numeric(e) => (Vec::new(), e[0]..e[e.len() - 1]),
        SweepAxis::Categories(c) => (c.clone(), 0.0..nx as f64),
    };
    let (y_cats, y_range) = match &y_axis_kind {
        SweepAxis::Numeric(e) => (Vec::new(), e[0]..e[e.len() - 1]),
        SweepAxis::Categories(c) => (c.clone(), 0.0..ny as f64),
    };
    let x_ticks_format = canvas::tick_format(&x_range, 10);
    let y_ticks_format = canvas::tick_format(&y_range, 10);
    let x_axis = if x_cats.is_empty() {
        Axis::numeric(x_range.clone(), x_name, 10, &x_ticks_format)
    } else {
        Axis::categorical(&x_cats, x_name, &x_ticks_format)
    };
    let y_axis = if y_cats.is_empty() {
        Axis::numeric(y_range.clone(), y_name, 10, &y_ticks_format)
    } else {
        Axis::categorical(&y_cats, y_name, &y_ticks_format)
    };
    let bounds = |ix: usize, iy: usize| -> (Range<f64>, Range<f64>) {
        let xb = match &x_axis_kind {
            SweepAxis::Numeric(e) => e[ix]..e[ix + 1],
            SweepAxis::Categories(_) => ix as f64..(ix + 1) as f64,
        };
        let yb = match &y_axis_kind {
            SweepAxis::Numeric(e) => e[iy]..e[iy + 1],
            SweepAxis::Categories(_) => iy as f64..(iy + 1) as f64,
        };
        (xb, yb)
    };
    let value = |ix: usize, iy: usize| values.get(iy * nx + ix).copied().filter(|v| v.is_finite());
    let cells = Cells { nx, ny, value: &value, bounds: &bounds };
    let missing = values.iter().filter(|v| !v.is_finite()).count();
    let subtitle = if missing > 0 {
        format!("{nx} × {ny} parameter settings; {missing} without a value (n/a, grey).")
    } else {
        format!("{nx} × {ny} parameter settings.")
    };
    let bar_w = colorbar_width(scale);
    let plot_w = (nx as f64 * 60.0).clamp(560.0, 900.0);
    let plot_h = (ny as f64 * 40.0).clamp(420.0, 720.0);
    let width = 16.0 + plot_w + 24.0 + bar_w + 16.0;
    let title_h = canvas::title_height(title, &subtitle, width);
    let height = title_h + plot_h + 16.0;
    let (width, height) = (width.ceil() as u32, height.ceil() as u32);
    canvas::figure(width, height, |root| {
        canvas::title(root, title, &subtitle, f64::from(width))?;
        let frame = Rect::new(16.0, title_h, 16.0 + plot_w, title_h + plot_h);
        let plot = cells_panel(root, frame, &x_axis, &y_axis, &cells, scale)?;
        let column =
            Rect::new(16.0 + plot_w + 24.0, plot.y0, 16.0 + plot_w + 24.0 + bar_w, plot.y1);
        colorbar(root, column, scale, value_label)
    })
}
