//! Fonts: the embedded DejaVu Sans, text measurement and rasterisation through resvg.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use resvg::tiny_skia;
use resvg::usvg::{self, fontdb};

use crate::PlotError;

/// The font family every text is set in.
pub(crate) const FAMILY: &str = "DejaVu Sans";

/// The font database: DejaVu Sans (regular, bold, oblique, bold oblique), also answering for the
/// generic families, so that no system font is needed.
pub(crate) fn fontdb() -> Arc<fontdb::Database> {
    static DB: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        for data in [
            dejavu::sans::regular(),
            dejavu::sans::bold(),
            dejavu::sans::oblique(),
            dejavu::sans::bold_oblique(),
        ] {
            db.load_font_source(fontdb::Source::Binary(Arc::new(data)));
        }
        db.set_sans_serif_family(FAMILY);
        db.set_serif_family(FAMILY);
        db.set_monospace_family(FAMILY);
        db.set_cursive_family(FAMILY);
        db.set_fantasy_family(FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// Parsing options with the embedded fonts.
pub(crate) fn options() -> usvg::Options<'static> {
    usvg::Options { font_family: FAMILY.to_owned(), fontdb: fontdb(), ..usvg::Options::default() }
}

/// Parses an SVG document with the embedded fonts.
pub(crate) fn parse(svg: &str) -> Result<usvg::Tree, PlotError> {
    usvg::Tree::from_str(svg, &options()).map_err(|err| PlotError::Render(err.to_string()))
}

/// Rasterises an SVG document to `width × height` pixels on a white background.
pub(crate) fn rasterise(
    svg: &str,
    width: u32,
    height: u32,
) -> Result<tiny_skia::Pixmap, PlotError> {
    let tree = parse(svg)?;
    let mut pixmap = tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| PlotError::Render(format!("cannot allocate a {width}×{height} image")))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let size = tree.size();
    let transform = tiny_skia::Transform::from_scale(
        width as f32 / size.width().max(1.0),
        height as f32 / size.height().max(1.0),
    );
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    Ok(pixmap)
}

/// Escapes text for SVG character data and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

type Cache = Mutex<HashMap<(String, u32, bool), (f64, f64)>>;

/// The width and height in pixels of `text` set in DejaVu Sans at `px` pixels (the advance width
/// of the line and the font's ascent plus descent), as resvg lays it out.
pub(crate) fn measure(text: &str, px: f64, bold: bool) -> (f64, f64) {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let px = if px.is_finite() && px > 0.0 { px } else { 12.0 };
    let key = (text.to_owned(), (px * 64.0).round() as u32, bold);
    let cache = CACHE.get_or_init(Cache::default);
    if let Some(&size) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return size;
    }
    let size = layout(text, px, bold).unwrap_or_else(|| {
        // Should not happen with the embedded font; a generous estimate keeps labels apart.
        (0.62 * px * text.chars().count() as f64, 1.17 * px)
    });
    cache.lock().unwrap_or_else(|e| e.into_inner()).insert(key, size);
    size
}

fn layout(text: &str, px: f64, bold: bool) -> Option<(f64, f64)> {
    let height = 1.164 * px;
    if text.trim().is_empty() {
        return Some((0.3 * px * text.chars().count() as f64, height));
    }
    let weight = if bold { " font-weight=\"bold\"" } else { "" };
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"100\">\
         <text x=\"0\" y=\"50\" font-family=\"{FAMILY}\" font-size=\"{px}\"{weight} \
         xml:space=\"preserve\">{}</text></svg>",
        escape(text)
    );
    let tree = usvg::Tree::from_str(&svg, &options()).ok()?;
    find_text(tree.root()).map(|bbox| (f64::from(bbox.width()), height))
}

fn find_text(group: &usvg::Group) -> Option<usvg::Rect> {
    group.children().iter().find_map(|node| match node {
        usvg::Node::Text(text) => Some(text.bounding_box()),
        usvg::Node::Group(group) => find_text(group),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_with_the_embedded_font() {
        let (w, h) = measure("Kalai–Smorodinsky", 14.0, false);
        assert!(w > 100.0 && w < 160.0, "{w}");
        assert!((h - 16.3).abs() < 0.1);
        let (bold, _) = measure("Kalai–Smorodinsky", 14.0, true);
        assert!(bold > w);
        let (wide, _) = measure("WWWW", 14.0, false);
        let (narrow, _) = measure("iiii", 14.0, false);
        assert!(wide > 2.0 * narrow);
        assert!(measure("", 14.0, false).0.abs() < 1e-9);
        assert!(measure("a <b> & 'c'", 14.0, false).0 > 0.0);
    }
}
