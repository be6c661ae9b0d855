//! Loads the objects that decide Kueue's DRA charges: Workloads (or the Jobs and Pods Kueue
//! would turn into Workloads), the Kueue `Configuration`, DeviceClasses, ResourceClaimTemplates,
//! queues and the rest.
//!
//! This is the only crate of the workspace that does I/O. It reads files (the plugin's `-f`
//! input) and, with the `client` feature, a live cluster through kube's client ([`live`]). Objects are normalized the way the
//! apiserver would store them before Kueue reads them: DRA request defaults are applied, Pod
//! limits are copied into missing requests, and v1beta1 Kueue objects are converted to v1beta2.
//!
//! ```
//! use kueue_dra_cluster::Loader;
//!
//! let yaml = r#"
//! apiVersion: batch/v1
//! kind: Job
//! metadata:
//!   name: sample
//!   labels:
//!     kueue.x-k8s.io/queue-name: user-queue
//! spec:
//!   parallelism: 3
//!   template:
//!     spec:
//!       containers:
//!       - name: main
//!         image: busybox
//! "#;
//! let mut loader = Loader::new("default");
//! loader.add_bytes("job.yaml", yaml.as_bytes()).unwrap();
//! let snapshot = loader.finish().unwrap();
//!
//! let workload = snapshot.workloads[0].workload().unwrap();
//! assert_eq!(workload.metadata.name.as_deref(), Some("job-sample"));
//! assert_eq!(workload.spec.pod_sets[0].count, 3);
//! ```

#![deny(missing_docs)]

mod apiserver;
pub mod controller;
mod documents;
mod error;
mod header;
#[cfg(feature = "client")]
pub mod live;
mod loader;
mod origin;
mod workloads;

pub use documents::{MAX_FILE_BYTES, MAX_YAML_BYTES};
pub use error::LoadError;
pub use loader::{LoadedConfiguration, LoadedWorkload, Loader, Snapshot, WorkloadCheck};
pub use origin::{ObjectRef, Origin};
