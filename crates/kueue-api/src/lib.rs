//! Rust types for the Kueue API: the manager `Configuration` and the `kueue.x-k8s.io`
//! custom resources, with CRD schemas generated from the types.
#![allow(
    clippy::doc_markdown,
    reason = "Kubernetes kind names such as ClusterQueue are prose in CRD descriptions, \
              where backticks would show up verbatim"
)]

pub mod config;
mod schema;
pub mod v1beta1;
pub mod v1beta2;
