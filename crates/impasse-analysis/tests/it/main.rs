//! Integration tests of `impasse-analysis`: answers compared with brute-force oracles
//! (`impasse-testkit`), closed-form bargaining solutions, thread-count independence, hand-made
//! scenarios, and GENIUS domains with published frontiers.

mod basics;
mod check;
mod closed_form;
mod genius;
mod oracle;
mod scale;
mod threads;
