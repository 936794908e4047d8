//! The `impasse` command-line tool.
fn main() {}
