//! The `kueue.x-k8s.io/v1beta2` custom resources.

mod workload;

pub use workload::{Admission, PodSet, PodSetAssignment, Workload, WorkloadSpec, WorkloadStatus};
