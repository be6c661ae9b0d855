//! The `kueue.x-k8s.io/v1beta2` custom resources.

mod clusterqueue;
mod cohort;
mod fairsharing;
mod localqueue;
mod resourceflavor;
mod workload;

pub use clusterqueue::*;
pub use cohort::*;
pub use fairsharing::*;
pub use localqueue::*;
pub use resourceflavor::*;
pub use workload::*;
