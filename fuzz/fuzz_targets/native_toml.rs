//! `parse_native` on Toml: the scenario text, optionally followed by a NUL byte and
//! `PATH=VALUE` override lines. Checks the invariants in `impasse_fuzz` (src/lib.rs).
#![no_main]

use impasse_format::NativeSyntax;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| impasse_fuzz::fuzz_native(data, NativeSyntax::Toml));
