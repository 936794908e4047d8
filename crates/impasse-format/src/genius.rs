//! GENIUS domain import (XML).

use std::path::Path;

use impasse_core::Scenario;

use crate::diag::Diagnostics;

/// Loads a GENIUS domain folder: one domain XML and one profile XML per party.
pub fn load_genius_folder(path: &Path) -> Result<Scenario, Diagnostics> {
    let _ = path;
    Err(Diagnostics::default())
}

/// Builds a scenario from a GENIUS domain and its profiles, each given as `(file name, text)`.
pub fn parse_genius(domain: (&str, &str), profiles: &[(&str, &str)]) -> Result<Scenario, Diagnostics> {
    let _ = (domain, profiles);
    Err(Diagnostics::default())
}
