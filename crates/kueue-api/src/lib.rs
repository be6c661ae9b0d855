//! Rust types for the API of [Kueue](https://kueue.sigs.k8s.io) v0.19.2, the Kubernetes job
//! queueing system, as far as quota accounting needs them.
//!
//! - [`config`] contains the manager's `Configuration` file (`config.kueue.x-k8s.io`), which maps
//!   DRA DeviceClasses to quota resources in `resources.deviceClassMappings`.
//! - [`v1beta2`] contains the custom resources Kueue stores: ClusterQueue, Cohort,
//!   LocalQueue, ResourceFlavor and Workload. [`v1beta1`] contains their deprecated forms,
//!   which convert to v1beta2 with `From` as Kueue converts them.
//! - [`crds`] and [`crd_files`] build the CustomResourceDefinitions from the types;
//!   `cargo xtask codegen` writes them to `docs/crds/`.
//!
//! The crate does no I/O. Unknown fields are ignored when reading, so objects written for a
//! newer Kueue still load. Wrap the deserializer in `serde_ignored` to list them.
//!
//! # Example
//!
//! ```
//! use kueue_api::ClusterQueue;
//!
//! let yaml = r#"
//! apiVersion: kueue.x-k8s.io/v1beta2
//! kind: ClusterQueue
//! metadata:
//!   name: cluster-queue
//! spec:
//!   resourceGroups:
//!   - coveredResources: ["cpu", "example.com/gpu"]
//!     flavors:
//!     - name: default-flavor
//!       resources:
//!       - name: cpu
//!         nominalQuota: 40
//!       - name: example.com/gpu
//!         nominalQuota: "8"
//! "#;
//!
//! let cluster_queue: ClusterQueue = serde_saphyr::from_str(yaml)?;
//!
//! let quotas = &cluster_queue.spec.resource_groups[0].flavors[0].resources;
//! assert_eq!(quotas[1].name, "example.com/gpu");
//! assert_eq!(quotas[1].nominal_quota.0, "8");
//! # Ok::<(), serde_saphyr::Error>(())
//! ```
#![deny(missing_docs)]
#![allow(
    clippy::doc_markdown,
    reason = "Kubernetes kind names such as ClusterQueue are prose in CRD descriptions, \
              where backticks would show up verbatim"
)]

pub mod config;
mod crdgen;
mod optional_spec;
mod schema;
pub mod v1beta1;
pub mod v1beta2;

pub use config::Configuration;
pub use crdgen::{CRD_DIRECTORY, CrdError, CrdFile, GENERATED_HEADER, crd_files, crds};
pub use v1beta2::{
    ClusterQueue, ClusterQueueSpec, ClusterQueueStatus, Cohort, CohortSpec, CohortStatus,
    LocalQueue, LocalQueueSpec, LocalQueueStatus, ResourceFlavor, ResourceFlavorSpec, Workload,
    WorkloadSpec, WorkloadStatus,
};
