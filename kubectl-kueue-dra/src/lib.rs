//! The command line of `kubectl kueue-dra`, as a library so that `cargo xtask docs` can render
//! the reference pages and man pages from the same clap definition that the binary parses.
//!
//! Everything else lives in the binary `kubectl-kueue_dra`.

pub mod cli;
