//! Tournaments (in progress).
