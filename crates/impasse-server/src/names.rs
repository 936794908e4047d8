//! Scenario names: `^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$` without `..`.
//!
//! Names are keys in the database, never paths; the rule keeps them readable in URLs and file
//! names of exports, and refuses anything that looks like a path.

use crate::error::ApiError;

/// The longest name, in bytes.
pub(crate) const MAX_NAME: usize = 64;

/// Whether `name` is a valid scenario name.
pub(crate) fn is_valid(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_NAME
        && bytes[0].is_ascii_alphanumeric()
        && bytes.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        && !name.contains("..")
}

/// `Ok` for a valid name, else a 400 saying what a name may be.
pub(crate) fn check(name: &str) -> Result<(), ApiError> {
    if is_valid(name) {
        Ok(())
    } else {
        let shown: String = name.chars().take(80).collect();
        Err(ApiError::bad_request(format!(
            "invalid scenario name '{}': a name is 1 to {MAX_NAME} ASCII letters, digits, '_', \
             '.' and '-', starts with a letter or digit, and has no '..'",
            shown.escape_debug()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::is_valid;

    #[test]
    fn names() {
        for good in ["a", "seed-2023", "x.toml", "A_b-c.d", &"a".repeat(64)] {
            assert!(is_valid(good), "{good}");
        }
        for bad in [
            "",
            "../x",
            "a/b",
            "..",
            "a..b",
            ".hidden",
            "-x",
            "_x",
            "a b",
            "a\\b",
            "é",
            "a%2e",
            &"a".repeat(65),
            "a\0",
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
