//! End-to-end tests: each runs the real `kubectl-kueue_dra` binary and checks its standard
//! output, standard error and exit code separately.

mod bad_input;
mod broken_pipe;
mod check_config;
mod check_config_live;
mod color;
mod commands;
mod corpus;
mod docs;
mod examples;
mod fake_apiserver;
mod filters;
mod harness;
mod input;
mod krew;
mod kubectl;
mod kubectl_completion;
mod live;
mod live_access;
mod live_listing;
mod real_manifests;
mod releases;
mod verdict;
