//! The native scenario format (TOML or JSON).

use impasse_core::Scenario;

use crate::diag::Diagnostics;
use crate::overrides::Override;

/// The concrete syntax of a native scenario file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NativeSyntax {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

/// Parses a native scenario, applying `overrides` before validation.
pub fn parse_native(
    text: &str,
    file: &str,
    syntax: NativeSyntax,
    overrides: &[Override],
) -> Result<Scenario, Diagnostics> {
    let _ = (text, file, syntax, overrides);
    Err(Diagnostics::default())
}
