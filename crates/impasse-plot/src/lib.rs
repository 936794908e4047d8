//! Plots of impasse's results, as SVG (and PNG rendered from it).
//!
//! Every function returns a [`Figure`]: SVG text drawn with [plotters] and its SVG backend, which
//! [`Figure::png`] rasterises with [resvg]. Text is set in DejaVu Sans, embedded in the binary
//! (the `dejavu` crate), so a PNG looks the same on any machine and needs no system fonts; the
//! layout measures every label with that font, so labels are placed where they fit and do not
//! overlap.
//!
//! - [`utility_space`]: every package at the utilities it gives two parties, the Pareto frontier,
//!   the reservation values, the zone of agreement, the proposals, the bargaining solutions and a
//!   negotiation's offers (pairwise panels for three or more parties);
//! - [`ripeness`]: the size of the zone against the balance of power and against each party's
//!   cost of conflict;
//! - [`dynamics`]: the chance of a deal by each round, how long the war lasts and how it ends, for
//!   each dynamics model that ran;
//! - [`sweep_heatmap`]: a two-way what-if sweep as a heat map;
//! - [`tournament`]: a tournament's ranking and its agent-against-agent matrix.
//!
//! `docs/plots.md` describes each plot and how to read it.

mod canvas;
mod dynamics;
mod eval;
mod heatmap;
mod labels;
mod ripeness;
mod space;
mod text;
mod tournament;

use std::path::Path;

pub use dynamics::dynamics;
pub use heatmap::sweep_heatmap;
pub use ripeness::ripeness;
pub use space::{MAX_POINTS, MAX_TWO_PARTY_PANELS, SpaceOptions, utility_space};
pub use tournament::{AgentMatrix, tournament};

/// Why a plot could not be made or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// Reading or writing a file.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// Drawing the SVG or rasterising it failed.
    #[error("cannot render the plot: {0}")]
    Render(String),
    /// [`Figure::save`] was given a path whose extension is neither `.svg` nor `.png`.
    #[error("cannot tell the image format from '{0}': use a .svg or .png extension")]
    Extension(String),
    /// The plot does not apply to the input (for example ripeness without a conflict model).
    #[error("{0}")]
    NotApplicable(String),
    /// The arguments are inconsistent (for example a party index out of range, or a heat map
    /// whose values do not match its axes).
    #[error("{0}")]
    Input(String),
    /// The analysis behind the plot could not run (the outcome space is too large).
    #[error(transparent)]
    Analysis(#[from] impasse_analysis::AnalysisError),
}

/// A finished plot: SVG text and its size in pixels.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Figure {
    svg: String,
    width: u32,
    height: u32,
}

impl Figure {
    pub(crate) fn new(svg: String, width: u32, height: u32) -> Figure {
        Figure { svg, width, height }
    }

    /// The SVG document.
    pub fn svg(&self) -> &str {
        &self.svg
    }

    /// The width in pixels (of the SVG, and of the PNG).
    pub fn width(&self) -> u32 {
        self.width
    }

    /// The height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The figure as a PNG image of [`Figure::width`] × [`Figure::height`] pixels: the SVG
    /// rasterised by resvg, with the embedded DejaVu fonts.
    ///
    /// # Errors
    ///
    /// [`PlotError::Render`] when the SVG cannot be parsed or the image cannot be encoded.
    pub fn png(&self) -> Result<Vec<u8>, PlotError> {
        let pixmap = text::rasterise(&self.svg, self.width, self.height)?;
        pixmap.encode_png().map_err(|err| PlotError::Render(err.to_string()))
    }

    /// Writes the figure to `path`, as SVG or PNG according to the extension (`.svg` or `.png`,
    /// in any case).
    ///
    /// # Errors
    ///
    /// [`PlotError::Extension`] for any other extension, [`PlotError::Io`] when the file cannot be
    /// written, and [`Figure::png`]'s errors.
    pub fn save(&self, path: &Path) -> Result<(), PlotError> {
        let extension = path
            .extension()
            .and_then(|ext| ext.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let bytes = match extension.as_str() {
            "svg" => self.svg.as_bytes().to_vec(),
            "png" => self.png()?,
            _ => return Err(PlotError::Extension(path.display().to_string())),
        };
        std::fs::write(path, bytes)
            .map_err(|source| PlotError::Io { path: path.display().to_string(), source })
    }
}
