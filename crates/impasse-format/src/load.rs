//! Reading a scenario from a path: a native file or a GENIUS folder.

use std::path::Path;

use impasse_core::Scenario;

use crate::diag::{Diagnostic, Diagnostics};
use crate::genius::load_genius_folder;
use crate::native::{NativeSyntax, parse_native};
use crate::overrides::Override;

/// What kind of input a path holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InputKind {
    /// A native scenario file.
    Native(NativeSyntax),
    /// A GENIUS domain folder.
    GeniusFolder,
}

impl InputKind {
    /// Decides from the path: folders are GENIUS domains, `.json` files JSON, anything else TOML.
    pub fn of(path: &Path) -> InputKind {
        if path.is_dir() {
            InputKind::GeniusFolder
        } else if path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("json")) {
            InputKind::Native(NativeSyntax::Json)
        } else {
            InputKind::Native(NativeSyntax::Toml)
        }
    }
}

/// The largest scenario file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Loads the scenario at `path` (a native file or a GENIUS folder), applying `overrides`.
pub fn load_path(path: &Path, overrides: &[Override]) -> Result<Scenario, Diagnostics> {
    let file = path.display().to_string();
    let whole_file = |message: String| {
        Diagnostics(vec![Diagnostic {
            file: file.clone(),
            line: 0,
            column: 0,
            message,
            expected: String::new(),
            found: String::new(),
        }])
    };
    match InputKind::of(path) {
        InputKind::GeniusFolder => load_genius_folder(path),
        InputKind::Native(syntax) => {
            let meta =
                std::fs::metadata(path).map_err(|err| whole_file(format!("cannot read: {err}")))?;
            if meta.len() > MAX_FILE_BYTES {
                return Err(whole_file(format!(
                    "file is {} bytes, above the limit of {MAX_FILE_BYTES} bytes",
                    meta.len()
                )));
            }
            let bytes =
                std::fs::read(path).map_err(|err| whole_file(format!("cannot read: {err}")))?;
            let text = String::from_utf8(bytes).map_err(|err| {
                whole_file(format!("not valid UTF-8 (at byte {})", err.utf8_error().valid_up_to()))
            })?;
            parse_native(&text, &file, syntax, overrides)
        }
    }
}
