//! Reading scenarios into the impasse model.
//!
//! Two kinds of input are understood:
//! - impasse's native scenario files, in TOML or JSON (`docs/scenario-format.md`), and
//! - GENIUS negotiation domains: a folder with one domain XML and one profile XML per party.
//!
//! Every problem in an input is reported at once, each as a [`Diagnostic`] with file, line,
//! column, what was expected and what was found. Nothing here panics on bad input.

pub mod diag;
mod expr;
mod genius;
mod json;
mod load;
mod native;
mod overrides;
mod tree;

pub use diag::{Diagnostic, Diagnostics, LineIndex};
pub use genius::{load_genius_folder, parse_genius};
pub use load::{InputKind, MAX_FILE_BYTES, load_path};
pub use native::{NativeSyntax, parse_native};
pub use overrides::Override;
