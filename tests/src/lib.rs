//! End-to-end tests of the `kubectl-kueue_dra` binary live under `tests/`.
