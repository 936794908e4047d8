//! Reading scenarios into the impasse model, and writing them as GENIUS domains.
//!
//! Three kinds of input are understood:
//! - impasse's native scenario files, in TOML or JSON (`docs/scenario-format.md`);
//! - GENIUS negotiation domains: a folder with one domain XML and one profile XML per party, read
//!   with GENIUS's semantics or, on request, NegMAS's ([`GeniusSemantics`]);
//! - GeniusWeb negotiation domains: a folder with one domain JSON and one profile JSON per party.
//!
//! Every problem in an input is reported at once, each as a [`Diagnostic`] with file, line,
//! column, what was expected and what was found. Nothing here panics on bad input.
//!
//! [`to_genius`] and [`write_genius_folder`] write a scenario back out as a GENIUS domain folder,
//! up to a documented positive affine map of each party's utilities.

pub mod diag;
mod export;
mod expr;
mod genius;
mod geniusweb;
mod json;
mod load;
mod native;
mod negmas;
mod overrides;
mod tree;

pub use diag::{Diagnostic, Diagnostics, LineIndex};
pub use export::{
    AffineMap, ExportError, GeniusExport, GeniusFile, to_genius, write_genius_folder,
};
pub use genius::{
    GeniusSemantics, load_genius_folder, load_genius_folder_with, parse_genius, parse_genius_files,
    parse_genius_with,
};
pub use geniusweb::{load_geniusweb_folder, parse_geniusweb, parse_geniusweb_files};
pub use load::{InputKind, MAX_FILE_BYTES, load_path, load_path_with, read_bounded};
pub use native::{NativeSyntax, parse_native};
pub use overrides::Override;
