//! Test helpers for impasse: scenario builders, proptest strategies and brute-force oracles.
//!
//! - [`build`]: small helpers to write scenarios in tests ([`build::categorical`],
//!   [`build::party`], …) and seeded generators of large random scenarios for benchmarks and
//!   multi-chunk checks ([`build::random_additive`], [`build::random_constrained`]);
//! - [`strategies`]: proptest strategies of small random scenarios (2–4 parties, 1–4 issues of 1–5
//!   values, scores with exact ties, absolute and finite red lines, preconditions, non-additive
//!   terms, caps, proposals);
//! - [`oracle`]: brute-force answers computed naively over the original outcome space, written
//!   independently of `impasse-analysis`, to compare its answers against;
//! - [`genius`]: an independent reading of the names in GENIUS XML files;
//! - [`rng`]: a tiny seeded generator (SplitMix64), so nothing depends on a global RNG.

pub mod build;
pub mod genius;
pub mod oracle;
pub mod rng;
pub mod strategies;
