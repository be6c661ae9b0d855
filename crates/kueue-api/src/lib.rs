//! Rust types for the Kueue API: the manager `Configuration` and the `kueue.x-k8s.io`
//! custom resources, with CRD schemas generated from the types.

pub mod config;
pub mod v1beta2;
