//! Reading a scenario from a path: a native file, a GENIUS folder or a GeniusWeb folder.

use std::path::Path;

use impasse_core::Scenario;

use crate::diag::{Diagnostic, Diagnostics};
use crate::genius::{GeniusSemantics, load_genius_folder_with};
use crate::geniusweb::{is_geniusweb_folder, load_geniusweb_folder};
use crate::native::{NativeSyntax, parse_native};
use crate::overrides::Override;

/// What kind of input a path holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InputKind {
    /// A native scenario file.
    Native(NativeSyntax),
    /// A GENIUS domain folder (XML).
    GeniusFolder,
    /// A GeniusWeb domain folder (JSON).
    GeniusWebFolder,
}

impl InputKind {
    /// Decides from the path: a folder is a GeniusWeb domain when it holds `.json` files and either
    /// no `.xml` file or a `.json` domain (an object with `issuesValues`), otherwise a GENIUS
    /// domain; `.json` files are native JSON, anything else native TOML.
    pub fn of(path: &Path) -> InputKind {
        if path.is_dir() {
            if is_geniusweb_folder(path) {
                InputKind::GeniusWebFolder
            } else {
                InputKind::GeniusFolder
            }
        } else if path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("json")) {
            InputKind::Native(NativeSyntax::Json)
        } else {
            InputKind::Native(NativeSyntax::Toml)
        }
    }
}

/// The largest scenario file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads at most [`MAX_FILE_BYTES`] of `path`, regular file or not (a pipe, `/dev/zero`):
/// `Ok(None)` when there is more, so no input is read past the limit whatever its size claims.
///
/// # Errors
///
/// The OS's, opening or reading.
pub fn read_bounded(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FILE_BYTES).then_some(bytes))
}

/// Loads the scenario at `path` (a native file, a GENIUS folder or a GeniusWeb folder), applying
/// `overrides` to native files; GENIUS folders are read with GENIUS's semantics.
///
/// # Errors
///
/// Every problem found, located; overrides given for a folder are refused (they apply to native
/// files only).
pub fn load_path(path: &Path, overrides: &[Override]) -> Result<Scenario, Diagnostics> {
    load_path_with(path, overrides, GeniusSemantics::Genius)
}

/// [`load_path`] with a choice of semantics for GENIUS folders ([`GeniusSemantics::Negmas`] reads
/// them as NegMAS does).
///
/// # Errors
///
/// As [`load_path`].
pub fn load_path_with(
    path: &Path,
    overrides: &[Override],
    semantics: GeniusSemantics,
) -> Result<Scenario, Diagnostics> {
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
    let kind = InputKind::of(path);
    if !overrides.is_empty() && !matches!(kind, InputKind::Native(_)) {
        return Err(whole_file(format!(
            "--set overrides apply to native scenario files only; {} is a folder (GENIUS or \
             GeniusWeb), read as it is",
            path.display()
        )));
    }
    match kind {
        InputKind::GeniusFolder => load_genius_folder_with(path, semantics),
        InputKind::GeniusWebFolder => load_geniusweb_folder(path),
        InputKind::Native(syntax) => {
            let meta =
                std::fs::metadata(path).map_err(|err| whole_file(format!("cannot read: {err}")))?;
            if meta.len() > MAX_FILE_BYTES {
                return Err(whole_file(format!(
                    "file is {} bytes, above the limit of {MAX_FILE_BYTES} bytes",
                    meta.len()
                )));
            }
            let bytes = read_bounded(path)
                .map_err(|err| whole_file(format!("cannot read: {err}")))?
                .ok_or_else(|| {
                    whole_file(format!(
                        "more than {MAX_FILE_BYTES} bytes, above the limit (read up to the limit: \
                         a stream or a device has no size to check first)"
                    ))
                })?;
            let text = String::from_utf8(bytes).map_err(|err| {
                whole_file(format!("not valid UTF-8 (at byte {})", err.utf8_error().valid_up_to()))
            })?;
            parse_native(&text, &file, syntax, overrides)
        }
    }
}
