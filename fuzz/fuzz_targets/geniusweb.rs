//! `parse_geniusweb`: a domain JSON and its profile JSONs, separated by NUL bytes (domain first, at
//! most four profiles). Checks the invariants in `impasse_fuzz` (src/lib.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| impasse_fuzz::fuzz_geniusweb(data));
