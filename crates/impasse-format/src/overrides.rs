//! `--set PATH=VALUE` overrides.

use std::str::FromStr;

/// One override of a scenario parameter: a dotted path and a value written as TOML.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Override {
    /// The dotted path, e.g. `conflict.balance`.
    pub path: String,
    /// The value as written, e.g. `0.6`.
    pub value: String,
}

impl FromStr for Override {
    type Err = String;

    fn from_str(text: &str) -> Result<Override, String> {
        match text.split_once('=') {
            Some((path, value)) if !path.trim().is_empty() && !value.trim().is_empty() => {
                Ok(Override { path: path.trim().to_owned(), value: value.trim().to_owned() })
            }
            _ => Err(format!("expected PATH=VALUE (for example conflict.balance=0.6), found '{text}'")),
        }
    }
}
