//! The deprecated `kueue.x-k8s.io/v1beta1` custom resources and their conversion to v1beta2.
//!
//! Kueue v0.19 still serves v1beta1 but stores v1beta2. Each kind converts with `From`,
//! following Kueue's conversion functions. Nested types whose JSON is the same in both
//! versions are the v1beta2 types, re-exported here.
mod clusterqueue;
mod cohort;
mod fairsharing;
mod localqueue;
mod resourceflavor;
mod topology;
mod workload;

pub use clusterqueue::*;
pub use cohort::*;
pub use fairsharing::*;
pub use localqueue::*;
pub use resourceflavor::*;
pub use topology::*;
pub use workload::*;
