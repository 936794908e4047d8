//! Drawing helpers shared by the plots: styles, the palette,
//! markers, dashed lines, legends, titles, axes and number formats.

use std::ops::Range;

use plotters::backend::SVGBackend;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::labels::Rect;
use crate::text::{FAMILY, measure};
use crate::{Figure, PlotError};

/// plotters divides a font size by 1.24 when it writes SVG; sizes here are in SVG pixels.
const PLOTTERS_FONT_SCALE: f64 = 1.24;

/// The whole figure's drawing area.
pub(crate) type Root<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// A chart with two real axes.
pub(crate) type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Turns any drawing error into [`PlotError::Render`].
pub(crate) fn render_err<E: std::fmt::Display>(err: E) -> PlotError {
    PlotError::Render(err.to_string())
}

/// Draws a figure of `width × height` pixels with `draw` on a white background and returns it.
pub(crate) fn figure(
    width: u32,
    height: u32,
    draw: impl FnOnce(&Root<'_>) -> Result<(), PlotError>,
) -> Result<Figure, PlotError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(render_err)?;
        draw(&root)?;
        root.present().map_err(render_err)?;
    }
    Ok(Figure::new(svg, width, height))
}

/// A colour.
pub(crate) fn rgb(hex: u32) -> RGBColor {
    RGBColor((hex >> 16) as u8, (hex >> 8) as u8, hex as u8)
}

/// Okabe–Ito, readable by colour-blind readers, then a few more.
pub(crate) const PALETTE: [u32; 10] = [
    0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9, 0x000000, 0x8C564B, 0x7F7F7F,
    0xBCBD22,
];

/// The `k`-th colour of the palette (cycling).
pub(crate) fn palette(k: usize) -> RGBColor {
    rgb(PALETTE[k % PALETTE.len()])
}

/// Dark text.
pub(crate) const INK: u32 = 0x1A1A1A;
/// Secondary text.
pub(crate) const MUTED: u32 = 0x555555;

/// A text style of `px` SVG pixels.
pub(crate) fn font(px: f64, color: u32, bold: bool) -> TextStyle<'static> {
    let style = if bold { FontStyle::Bold } else { FontStyle::Normal };
    FontDesc::new(FontFamily::Name(FAMILY), px * PLOTTERS_FONT_SCALE, style).color(&rgb(color))
}

/// How a text is anchored at its position.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Anchor {
    /// Top-left corner.
    TopLeft,
    /// Top centre.
    TopCenter,
    /// Middle of the left edge.
    Left,
    /// Middle of the right edge.
    Right,
    /// Centre.
    Center,
}

/// Draws `text` at `(x, y)` (absolute pixels).
pub(crate) fn text(
    root: &Root<'_>,
    text: &str,
    (x, y): (f64, f64),
    px: f64,
    color: u32,
    bold: bool,
    anchor: Anchor,
) -> Result<(), PlotError> {
    if text.is_empty() {
        return Ok(());
    }
    // plotters' SVG anchors: top = "dy 0.76em" (the cap height below y), centre = "0.5ex" below;
    // the boxes here are the font's ascent + descent, so shift to match them.
    let (w, h) = measure(text, px, bold);
    let _ = w;
    let (h_pos, top) = match anchor {
        Anchor::TopLeft => (HPos::Left, y),
        Anchor::TopCenter => (HPos::Center, y),
        Anchor::Left => (HPos::Left, y - h / 2.0),
        Anchor::Right => (HPos::Right, y - h / 2.0),
        Anchor::Center => (HPos::Center, y - h / 2.0),
    };
    // Baseline at top + ascent (0.928 em for DejaVu Sans); "top" in plotters puts the baseline at
    // y + 0.76 em.
    let y_plotters = top + (0.928 - 0.76) * px;
    let style = font(px, color, bold).pos(Pos::new(h_pos, VPos::Top));
    root.draw_text(text, &style, (x.round() as i32, y_plotters.round() as i32)).map_err(render_err)
}

/// Shortens `text` with an ellipsis until it fits `max_width` at `px`.
pub(crate) fn fit(text: &str, px: f64, bold: bool, max_width: f64) -> String {
    if measure(text, px, bold).0 <= max_width {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut keep = chars.len();
    while keep > 1 {
        keep -= 1;
        let candidate: String =
            chars[..keep].iter().collect::<String>().trim_end().to_owned() + "…";
        if measure(&candidate, px, bold).0 <= max_width {
            return candidate;
        }
    }
    "…".to_owned()
}

/// Splits `text` into lines of at most `max_width` at `px`, at spaces (a word longer than a line
/// is shortened).
pub(crate) fn wrap(text: &str, px: f64, bold: bool, max_width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if measure(&candidate, px, bold).0 <= max_width || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_owned();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.into_iter().map(|line| fit(&line, px, bold, max_width)).collect()
}

/// Draws a figure title (bold, wrapped to the width) and an optional subtitle; returns the
/// height used.
pub(crate) fn title(
    root: &Root<'_>,
    title_text: &str,
    subtitle: &str,
    width: f64,
) -> Result<f64, PlotError> {
    let margin = 16.0;
    let mut y = 12.0;
    for line in wrap(title_text, 19.0, true, width - 2.0 * margin) {
        text(root, &line, (margin, y), 19.0, INK, true, Anchor::TopLeft)?;
        y += 24.0;
    }
    for line in wrap(subtitle, 13.0, false, width - 2.0 * margin) {
        text(root, &line, (margin, y), 13.0, MUTED, false, Anchor::TopLeft)?;
        y += 17.0;
    }
    Ok(y + 6.0)
}

/// The lines a [`title`] takes, to size a figure before drawing.
pub(crate) fn title_height(title_text: &str, subtitle: &str, width: f64) -> f64 {
    let margin = 16.0;
    12.0 + 24.0 * wrap(title_text, 19.0, true, width - 2.0 * margin).len() as f64
        + 17.0 * wrap(subtitle, 13.0, false, width - 2.0 * margin).len() as f64
        + 6.0
}

/// A panel heading (bold, left-aligned at `x`), shortened to `max_width`.
pub(crate) fn heading(
    root: &Root<'_>,
    heading_text: &str,
    (x, y): (f64, f64),
    max_width: f64,
) -> Result<(), PlotError> {
    let line = fit(heading_text, 15.0, true, max_width);
    text(root, &line, (x, y), 15.0, INK, true, Anchor::TopLeft)
}

/// Height of a [`heading`] line.
pub(crate) const HEADING_HEIGHT: f64 = 24.0;

/// A stroke.
pub(crate) fn stroke(color: RGBColor, width: u32) -> ShapeStyle {
    ShapeStyle { color: color.to_rgba(), filled: false, stroke_width: width }
}

/// A fill.
pub(crate) fn fill(color: RGBColor, alpha: f64) -> ShapeStyle {
    ShapeStyle { color: color.mix(alpha), filled: true, stroke_width: 0 }
}

/// Draws a polyline (absolute pixels).
pub(crate) fn line(
    root: &Root<'_>,
    points: &[(f64, f64)],
    style: ShapeStyle,
) -> Result<(), PlotError> {
    if points.len() < 2 {
        return Ok(());
    }
    let pixels: Vec<(i32, i32)> = points.iter().map(|&(x, y)| px(x, y)).collect();
    root.draw(&PathElement::new(pixels, style)).map_err(render_err)
}

/// Draws a dashed segment (absolute pixels): dashes of `dash` pixels separated by `gap`.
pub(crate) fn dashed(
    root: &Root<'_>,
    from: (f64, f64),
    to: (f64, f64),
    dash: f64,
    gap: f64,
    style: ShapeStyle,
) -> Result<(), PlotError> {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let length = (dx * dx + dy * dy).sqrt();
    if !(length.is_finite() && length > 0.0) {
        return Ok(());
    }
    let (ux, uy) = (dx / length, dy / length);
    let mut at = 0.0;
    while at < length {
        let end = (at + dash).min(length);
        line(
            root,
            &[(from.0 + ux * at, from.1 + uy * at), (from.0 + ux * end, from.1 + uy * end)],
            style,
        )?;
        at = end + gap;
    }
    Ok(())
}

/// Draws a dashed polyline (absolute pixels), the dash pattern running on across vertices.
pub(crate) fn dashed_path(
    root: &Root<'_>,
    points: &[(f64, f64)],
    dash: f64,
    gap: f64,
    style: ShapeStyle,
) -> Result<(), PlotError> {
    if !(dash > 0.0 && gap >= 0.0) {
        return line(root, points, style);
    }
    let period = dash + gap;
    let mut phase = 0.0f64;
    let mut current: Vec<(f64, f64)> = Vec::new();
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let length = (dx * dx + dy * dy).sqrt();
        if !length.is_finite() || length == 0.0 {
            continue;
        }
        let mut at = 0.0;
        while at < length {
            let within = phase % period;
            let (on, left) =
                if within < dash { (true, dash - within) } else { (false, period - within) };
            let step = left.min(length - at);
            let p0 = (a.0 + dx * at / length, a.1 + dy * at / length);
            let p1 = (a.0 + dx * (at + step) / length, a.1 + dy * (at + step) / length);
            if on {
                if current.is_empty() {
                    current.push(p0);
                }
                current.push(p1);
            } else if !current.is_empty() {
                line(root, &std::mem::take(&mut current), style)?;
            }
            at += step;
            phase += step;
        }
    }
    line(root, &current, style)
}

/// Rounds a point to the backend's integer pixels.
pub(crate) fn px(x: f64, y: f64) -> (i32, i32) {
    let clamp = |v: f64| v.round().clamp(-1.0e6, 1.0e6) as i32;
    (clamp(x), clamp(y))
}

/// Fills a rectangle (absolute pixels).
pub(crate) fn rect(root: &Root<'_>, r: Rect, style: ShapeStyle) -> Result<(), PlotError> {
    root.draw(&Rectangle::new([px(r.x0, r.y0), px(r.x1, r.y1)], style)).map_err(render_err)
}

/// Marker shapes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Shape {
    /// A disc.
    Circle,
    /// A square.
    Square,
    /// A diamond.
    Diamond,
    /// A triangle pointing up.
    Triangle,
    /// A five-pointed star.
    Star,
    /// An ×.
    Cross,
}

/// A marker: shape, colour, radius in pixels, filled or outlined.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) struct Marker {
    pub(crate) shape: Shape,
    pub(crate) color: RGBColor,
    pub(crate) radius: f64,
    pub(crate) filled: bool,
    /// Opacity of the fill.
    pub(crate) alpha: f64,
}

impl Marker {
    pub(crate) fn new(shape: Shape, color: RGBColor, radius: f64) -> Marker {
        Marker { shape, color, radius, filled: true, alpha: 1.0 }
    }

    pub(crate) fn hollow(mut self) -> Marker {
        self.filled = false;
        self
    }
}

/// Draws a marker centred at `(x, y)` (absolute pixels), with a white halo when filled so that it
/// stands out on other marks.
pub(crate) fn marker(root: &Root<'_>, (x, y): (f64, f64), m: Marker) -> Result<(), PlotError> {
    let r = m.radius;
    let outline = |points: Vec<(f64, f64)>| -> Result<(), PlotError> {
        let pixels: Vec<(i32, i32)> = points.iter().map(|&(a, b)| px(a, b)).collect();
        if m.filled {
            root.draw(&Polygon::new(pixels.clone(), fill(m.color, m.alpha))).map_err(render_err)?;
            if m.alpha >= 1.0 && r >= 4.0 {
                let mut closed = pixels;
                closed.push(closed[0]);
                root.draw(&PathElement::new(closed, stroke(WHITE, 1))).map_err(render_err)?;
            }
            Ok(())
        } else {
            let mut closed = pixels;
            closed.push(closed[0]);
            root.draw(&PathElement::new(closed, stroke(m.color, 2))).map_err(render_err)
        }
    };
    match m.shape {
        Shape::Circle => {
            let radius = r.round().max(1.0) as u32;
            if m.filled {
                root.draw(&Circle::new(px(x, y), radius, fill(m.color, m.alpha)))
                    .map_err(render_err)?;
                if m.alpha >= 1.0 && r >= 4.0 {
                    root.draw(&Circle::new(px(x, y), radius, stroke(WHITE, 1)))
                        .map_err(render_err)?;
                }
                Ok(())
            } else {
                root.draw(&Circle::new(px(x, y), radius, stroke(m.color, 2))).map_err(render_err)
            }
        }
        Shape::Square => {
            let s = r * 0.85;
            outline(vec![(x - s, y - s), (x + s, y - s), (x + s, y + s), (x - s, y + s)])
        }
        Shape::Diamond => outline(vec![(x, y - r * 1.2), (x + r, y), (x, y + r * 1.2), (x - r, y)]),
        Shape::Triangle => outline(vec![
            (x, y - r * 1.15),
            (x + r * 1.05, y + r * 0.75),
            (x - r * 1.05, y + r * 0.75),
        ]),
        Shape::Star => {
            let points = (0..10)
                .map(|k| {
                    let angle =
                        std::f64::consts::PI * (k as f64) / 5.0 - std::f64::consts::FRAC_PI_2;
                    let radius = if k % 2 == 0 { r * 1.35 } else { r * 0.55 };
                    (x + radius * angle.cos(), y + radius * angle.sin())
                })
                .collect();
            outline(points)
        }
        Shape::Cross => {
            let s = r * 0.8;
            let width = if m.filled { 2 } else { 1 };
            line(root, &[(x - s, y - s), (x + s, y + s)], stroke(m.color, width))?;
            line(root, &[(x - s, y + s), (x + s, y - s)], stroke(m.color, width))
        }
    }
}

/// How a legend entry is drawn.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Swatch {
    /// A line segment.
    Line { color: RGBColor, width: u32, dashed: bool },
    /// A marker.
    Marker(Marker),
    /// A filled box.
    Area { color: RGBColor, alpha: f64 },
}

/// One legend entry.
#[derive(Clone, PartialEq, Debug)]
pub(crate) struct LegendItem {
    pub(crate) swatch: Swatch,
    pub(crate) label: String,
}

impl LegendItem {
    pub(crate) fn new(swatch: Swatch, label: impl Into<String>) -> LegendItem {
        LegendItem { swatch, label: label.into() }
    }
}

const LEGEND_PX: f64 = 13.0;
const LEGEND_ROW: f64 = 20.0;
const LEGEND_SWATCH: f64 = 30.0;
const LEGEND_PAD: f64 = 8.0;

/// A legend's layout: entries wrapped to a maximum text width.
pub(crate) struct Legend {
    title: Option<String>,
    rows: Vec<(Option<Swatch>, String)>,
    width: f64,
}

impl Legend {
    /// Lays out `items` under an optional title, wrapping labels wider than `max_text_width`.
    pub(crate) fn new(title: Option<&str>, items: &[LegendItem], max_text_width: f64) -> Legend {
        let mut rows = Vec::new();
        let mut text_width: f64 = 0.0;
        for item in items {
            for (k, line) in
                wrap(&item.label, LEGEND_PX, false, max_text_width).into_iter().enumerate()
            {
                text_width = text_width.max(measure(&line, LEGEND_PX, false).0);
                rows.push(((k == 0).then_some(item.swatch), line));
            }
        }
        let title = title.map(|t| fit(t, LEGEND_PX, true, max_text_width + LEGEND_SWATCH));
        let title_width = title.as_ref().map_or(0.0, |t| measure(t, LEGEND_PX, true).0);
        let width = (LEGEND_SWATCH + text_width).max(title_width) + 2.0 * LEGEND_PAD;
        Legend { title, rows, width }
    }

    /// Its width in pixels.
    pub(crate) fn width(&self) -> f64 {
        self.width
    }

    /// Its height in pixels.
    pub(crate) fn height(&self) -> f64 {
        let title = if self.title.is_some() { LEGEND_ROW + 2.0 } else { 0.0 };
        title + LEGEND_ROW * self.rows.len() as f64 + 2.0 * LEGEND_PAD - 4.0
    }

    /// Draws the legend with its top-left corner at `(x, y)`.
    pub(crate) fn draw(&self, root: &Root<'_>, (x, y): (f64, f64)) -> Result<(), PlotError> {
        let frame = Rect::new(x, y, x + self.width, y + self.height());
        rect(root, frame, fill(WHITE, 0.92))?;
        rect(root, frame, stroke(rgb(0xBBBBBB), 1))?;
        let mut row_y = y + LEGEND_PAD - 2.0;
        if let Some(title_text) = &self.title {
            text(
                root,
                title_text,
                (x + LEGEND_PAD, row_y + 2.0),
                LEGEND_PX,
                INK,
                true,
                Anchor::TopLeft,
            )?;
            row_y += LEGEND_ROW + 2.0;
        }
        for (swatch, label) in &self.rows {
            let mid = row_y + LEGEND_ROW / 2.0;
            let sx = x + LEGEND_PAD;
            match swatch {
                Some(Swatch::Line { color, width, dashed: false }) => {
                    line(root, &[(sx, mid), (sx + 22.0, mid)], stroke(*color, *width))?;
                }
                Some(Swatch::Line { color, width, dashed: true }) => {
                    dashed(root, (sx, mid), (sx + 22.0, mid), 5.0, 3.0, stroke(*color, *width))?;
                }
                Some(Swatch::Marker(m)) => {
                    let mut m = *m;
                    m.radius = m.radius.min(7.0);
                    marker(root, (sx + 11.0, mid), m)?;
                }
                Some(Swatch::Area { color, alpha }) => {
                    let swatch_box = Rect::new(sx, mid - 6.0, sx + 22.0, mid + 6.0);
                    rect(root, swatch_box, fill(*color, *alpha))?;
                    rect(root, swatch_box, stroke(*color, 1))?;
                }
                None => {}
            }
            text(root, label, (sx + LEGEND_SWATCH, mid), LEGEND_PX, INK, false, Anchor::Left)?;
            row_y += LEGEND_ROW;
        }
        Ok(())
    }
}

/// An axis: range, description, tick count and tick format; or categories, the `k`-th centred on
/// `k + 0.5` (the range should then be `0..categories.len()`).
pub(crate) struct Axis<'f> {
    pub(crate) range: Range<f64>,
    pub(crate) desc: String,
    pub(crate) ticks: usize,
    pub(crate) format: &'f dyn Fn(f64) -> String,
    pub(crate) categories: &'f [String],
}

impl<'f> Axis<'f> {
    /// A numeric axis.
    pub(crate) fn numeric(
        range: Range<f64>,
        desc: impl Into<String>,
        ticks: usize,
        format: &'f dyn Fn(f64) -> String,
    ) -> Axis<'f> {
        Axis { range, desc: desc.into(), ticks, format, categories: &[] }
    }

    /// A categorical axis.
    pub(crate) fn categorical(
        categories: &'f [String],
        desc: impl Into<String>,
        format: &'f dyn Fn(f64) -> String,
    ) -> Axis<'f> {
        Axis {
            range: 0.0..categories.len().max(1) as f64,
            desc: desc.into(),
            ticks: 0,
            format,
            categories,
        }
    }
}

const TICK_PX: f64 = 12.0;
const DESC_PX: f64 = 14.0;

/// The tick values plotters draws for a range and a tick count.
pub(crate) fn tick_values(range: &Range<f64>, ticks: usize) -> Vec<f64> {
    let spec: RangedCoordf64 = range.clone().into();
    spec.key_points(ticks)
}

/// Builds a chart filling `area` (axes included), with light grid lines, tick labels (or
/// category labels, rotated when they do not fit side by side) and axis descriptions.
pub(crate) fn chart<'a, 'b>(
    area: &'a Root<'b>,
    x: &Axis<'_>,
    y: &Axis<'_>,
) -> Result<Chart<'a, 'b>, PlotError> {
    let (area_w, _) = area.dim_in_pixel();
    let widest_y = if y.categories.is_empty() {
        tick_values(&y.range, y.ticks)
            .into_iter()
            .map(|v| measure(&(y.format)(v), TICK_PX, false).0)
            .fold(0.0, f64::max)
    } else {
        y.categories.iter().map(|c| measure(c, TICK_PX, false).0).fold(0.0, f64::max)
    };
    let y_desc_h = if y.desc.is_empty() { 0.0 } else { measure(&y.desc, DESC_PX, false).1 + 10.0 };
    let left = (widest_y + 10.0 + y_desc_h + 4.0).ceil();
    let widest_x = x.categories.iter().map(|c| measure(c, TICK_PX, false).0).fold(0.0, f64::max);
    let cell = (f64::from(area_w) - left - 14.0) / x.categories.len().max(1) as f64;
    let x_rotated = !x.categories.is_empty() && widest_x > cell - 6.0;
    let tick_h = measure("0", TICK_PX, false).1;
    let x_labels_h = if x_rotated { widest_x } else { tick_h };
    let x_desc_h = if x.desc.is_empty() { 0.0 } else { measure(&x.desc, DESC_PX, false).1 + 8.0 };
    let bottom = (x_labels_h + 10.0 + x_desc_h + 2.0).ceil();
    let mut chart = ChartBuilder::on(area)
        .margin_top(6)
        .margin_right(14)
        .x_label_area_size(bottom as u32)
        .y_label_area_size(left as u32)
        .build_cartesian_2d(x.range.clone(), y.range.clone())
        .map_err(render_err)?;
    let x_format = |v: &f64| (x.format)(*v);
    let y_format = |v: &f64| (y.format)(*v);
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(if x.categories.is_empty() { x.ticks } else { 0 })
        .y_labels(if y.categories.is_empty() { y.ticks } else { 0 })
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .x_desc(x.desc.as_str())
        .y_desc(y.desc.as_str())
        .label_style(font(TICK_PX, 0x333333, false))
        .axis_desc_style(font(DESC_PX, INK, false))
        .bold_line_style(stroke(rgb(0xE4E4E4), 1))
        .light_line_style(stroke(rgb(0xF3F3F3), 1))
        .axis_style(stroke(rgb(0x888888), 1))
        .max_light_lines(1);
    if !x.categories.is_empty() {
        mesh.disable_x_mesh();
    }
    if !y.categories.is_empty() {
        mesh.disable_y_mesh();
    }
    mesh.draw().map_err(render_err)?;
    // Category labels, drawn here in the area's own coordinates.
    let map = Mapper::new(&chart, &x.range, &y.range);
    let plot = map.rect();
    let (bx, by) = area.get_base_pixel();
    let (bx, by) = (f64::from(bx), f64::from(by));
    for (k, label) in y.categories.iter().enumerate() {
        let (_, cy) = map.at(x.range.start, k as f64 + 0.5);
        text(area, label, (plot.x0 - 7.0 - bx, cy - by), TICK_PX, 0x333333, false, Anchor::Right)?;
    }
    for (k, label) in x.categories.iter().enumerate() {
        let (cx, _) = map.at(k as f64 + 0.5, y.range.start);
        if x_rotated {
            vertical_text(area, label, (cx - bx, plot.y1 + 6.0 - by), TICK_PX, 0x333333)?;
        } else {
            text(
                area,
                label,
                (cx - bx, plot.y1 + 6.0 - by),
                TICK_PX,
                0x333333,
                false,
                Anchor::TopCenter,
            )?;
        }
    }
    Ok(chart)
}

/// Draws `text` reading upwards, its end at `(x, y)` and its middle line on `x`.
pub(crate) fn vertical_text(
    root: &Root<'_>,
    text: &str,
    (x, y): (f64, f64),
    px: f64,
    color: u32,
) -> Result<(), PlotError> {
    let (w, h) = measure(text, px, false);
    // Rotated a quarter turn counter-clockwise about its start: the start at the bottom.
    let style = font(px, color, false)
        .pos(Pos::new(HPos::Left, VPos::Top))
        .transform(FontTransform::Rotate270);
    let start = (x - h / 2.0 + (0.928 - 0.76) * px, y + w);
    root.draw_text(text, &style, (start.0.round() as i32, start.1.round() as i32))
        .map_err(render_err)
}

/// The sub-area of `root` covering `frame`.
pub(crate) fn sub_area<'b>(root: &Root<'b>, frame: Rect) -> Root<'b> {
    root.clone().shrink(
        (frame.x0.round() as i32, frame.y0.round() as i32),
        (
            (frame.x1 - frame.x0).max(1.0).round() as u32,
            (frame.y1 - frame.y0).max(1.0).round() as u32,
        ),
    )
}

/// The plotting area of a chart, in absolute pixels.
pub(crate) fn plot_rect(chart: &Chart<'_, '_>) -> Rect {
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    Rect::new(f64::from(xs.start), f64::from(ys.start), f64::from(xs.end), f64::from(ys.end))
}

/// Maps data coordinates to absolute pixels of a chart (without rounding).
pub(crate) struct Mapper {
    x: Range<f64>,
    y: Range<f64>,
    rect: Rect,
}

impl Mapper {
    pub(crate) fn new(chart: &Chart<'_, '_>, x: &Range<f64>, y: &Range<f64>) -> Mapper {
        Mapper { x: x.clone(), y: y.clone(), rect: plot_rect(chart) }
    }

    /// The pixel of a data point.
    pub(crate) fn at(&self, x: f64, y: f64) -> (f64, f64) {
        let fx = (x - self.x.start) / (self.x.end - self.x.start);
        let fy = (y - self.y.start) / (self.y.end - self.y.start);
        (
            self.rect.x0 + fx * (self.rect.x1 - 1.0 - self.rect.x0),
            self.rect.y1 - 1.0 - fy * (self.rect.y1 - 1.0 - self.rect.y0),
        )
    }

    /// The plotting area.
    pub(crate) fn rect(&self) -> Rect {
        self.rect
    }
}

/// A range covering `values` with a margin, never empty.
pub(crate) fn padded_range(values: impl IntoIterator<Item = f64>, pad: f64) -> Range<f64> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !(lo.is_finite() && hi.is_finite()) {
        return 0.0..1.0;
    }
    if hi - lo < 1e-9 {
        let half = if lo.abs() > 1e-9 { lo.abs() * 0.1 } else { 0.5 };
        return (lo - half)..(hi + half);
    }
    let margin = (hi - lo) * pad;
    (lo - margin)..(hi + margin)
}

/// A tick label: as few decimals as the tick spacing needs.
pub(crate) fn tick_format(range: &Range<f64>, ticks: usize) -> impl Fn(f64) -> String + use<> {
    let values = tick_values(range, ticks);
    let step = values.windows(2).map(|w| (w[1] - w[0]).abs()).fold(f64::INFINITY, f64::min);
    let decimals = if step.is_finite() && step > 0.0 {
        (-step.log10().floor()).clamp(0.0, 6.0) as usize
    } else {
        2
    };
    move |v: f64| {
        let text = format!("{v:.decimals$}");
        if text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.') {
            text[1..].to_owned()
        } else {
            text.replace('-', "−")
        }
    }
}

/// A count with thousands separators (thin spaces), or in k/M/G above a million.
pub(crate) fn count(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_owned();
    }
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.3}G", v / 1e9).replace(".000G", "G")
    } else if a >= 1e6 {
        format!("{:.2}M", v / 1e6).replace(".00M", "M")
    } else {
        let n = v.round() as i64;
        let digits = n.unsigned_abs().to_string();
        let mut out = String::new();
        for (k, c) in digits.chars().enumerate() {
            if k > 0 && (digits.len() - k).is_multiple_of(3) {
                out.push('\u{2009}');
            }
            out.push(c);
        }
        if n < 0 { format!("−{out}") } else { out }
    }
}

/// A value with at most three decimals, trailing zeros dropped.
pub(crate) fn short(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_owned();
    }
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "-0" | "" => "0".to_owned(),
        t => t.replace('-', "−"),
    }
}

/// A probability or share as a percentage.
pub(crate) fn percent(v: f64) -> String {
    if !v.is_finite() {
        "–".to_owned()
    } else if v > 0.0 && v < 0.005 {
        "<1%".to_owned()
    } else {
        format!("{:.0}%", v * 100.0)
    }
}

/// Joins names: "A", "A and B", "A, B and C".
pub(crate) fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers() {
        assert_eq!(count(1234567.0), "1.23M");
        assert_eq!(count(12345.0), "12\u{2009}345");
        assert_eq!(count(999.0), "999");
        assert_eq!(percent(0.5), "50%");
        assert_eq!(percent(0.001), "<1%");
        let f = tick_format(&(0.0..1.0), 6);
        assert_eq!(f(0.2), "0.2");
        assert_eq!(f(-0.0), "0.0");
        assert_eq!(join_names(&["A", "B", "C"]), "A, B and C");
    }

    #[test]
    fn wraps_and_fits() {
        let lines = wrap("the quick brown fox jumps over the lazy dog", 13.0, false, 90.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| measure(l, 13.0, false).0 <= 90.0));
        assert!(fit("a very long label indeed", 13.0, false, 60.0).ends_with('…'));
    }
}
