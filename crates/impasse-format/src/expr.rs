//! The expression language of red lines, preconditions and terms.
