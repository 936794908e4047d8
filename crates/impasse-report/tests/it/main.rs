//! Integration tests of impasse-report, one binary.

/// Names as written in GENIUS files come out as written in the JSON and text reports.
mod names;
