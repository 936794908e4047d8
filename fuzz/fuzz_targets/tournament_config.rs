//! `TournamentConfig::parse`: the whole input is a tournament configuration (TOML), parsed as
//! `fuzz.toml`. Checks the invariants in `impasse_fuzz` (src/lib.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| impasse_fuzz::fuzz_tournament_config(data));
