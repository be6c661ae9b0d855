//! The ClusterQueue quota Kueue charges for a Workload's Dynamic Resource Allocation (DRA)
//! devices, reproduced offline with Kueue's own numbers and condition messages.
//!
//! [`Calculator`] takes a Kueue Configuration, a [`DeviceClassIndex`] and the cluster's
//! ResourceClaimTemplates, and [`Calculator::explain`] returns an [`Explanation`] for one
//! Workload: the per-pod and total charge of each pod set with the DRA charges behind it, or
//! the exact message Kueue writes when it marks the Workload inadmissible. The behaviour is
//! that of Kueue v0.19.2 by default, with the namespace's LimitRange defaults and
//! RuntimeClass overhead applied when [`Calculator::with_limit_ranges`] and
//! [`Calculator::with_runtime_classes`] supply them. CEL selectors are compiled with the DRA
//! environment ([`dra_cel`]). Counter and capacity charges and the check of CEL requests
//! against devices need [`Calculator::with_resource_slices`]; without it, the explanation's
//! notes name each one that was skipped.
//!
//! [`Queues::verdict`] then checks a charge against the ClusterQueue that the Workload's
//! LocalQueue points at, as Kueue's flavor assigner does, and [`drift`] compares an admitted
//! Workload's recorded usage with the charge the current objects give.
//!
//! The crate is pure: no I/O and no Kubernetes client. Quantities are computed exactly, as
//! apimachinery does, with integers and arbitrary-precision decimals ([`Quantity`]).
//!
//! The example below builds its objects in code. `examples/charge_from_yaml.rs` loads them from
//! manifests with the `kueue-dra-cluster` crate instead:
//! `cargo run -p kueue-dra-quota --example charge_from_yaml -- examples/resource-claim-template`.
//!
//! ```
//! use kueue_api::config::{Configuration, DeviceClassMapping, Resources};
//! use kueue_api::v1beta2::Workload;
//! use k8s_openapi::api::resource::v1::ResourceClaimTemplate;
//! use kueue_dra_index::DeviceClassIndex;
//! use kueue_dra_quota::{Calculator, Status};
//!
//! let template: ResourceClaimTemplate = serde_json::from_value(serde_json::json!({
//!     "metadata": {"name": "single-gpu", "namespace": "default"},
//!     "spec": {"spec": {"devices": {"requests": [{
//!         "name": "gpu",
//!         "exactly": {"deviceClassName": "gpu.example.com", "allocationMode": "ExactCount", "count": 1}
//!     }]}}}
//! }))
//! .unwrap();
//! let workload: Workload = serde_json::from_value(serde_json::json!({
//!     "apiVersion": "kueue.x-k8s.io/v1beta2",
//!     "kind": "Workload",
//!     "metadata": {"name": "job-sample", "namespace": "default"},
//!     "spec": {"podSets": [{
//!         "name": "main",
//!         "count": 3,
//!         "template": {"spec": {
//!             "containers": [{"name": "main"}],
//!             "resourceClaims": [{"name": "gpu", "resourceClaimTemplateName": "single-gpu"}]
//!         }}
//!     }]}
//! }))
//! .unwrap();
//! let mapping = DeviceClassMapping {
//!     name: "example.com/gpu".to_owned(),
//!     device_class_names: vec!["gpu.example.com".to_owned()],
//!     ..Default::default()
//! };
//! let config = Configuration {
//!     resources: Some(Resources { device_class_mappings: vec![mapping.clone()], ..Default::default() }),
//!     ..Default::default()
//! };
//! let index = DeviceClassIndex::new(&[mapping], &[]);
//!
//! let templates = [template];
//! let explanation = Calculator::new(&config, &index, &templates).explain(&workload);
//!
//! assert_eq!(explanation.status, Status::Charged);
//! assert_eq!(explanation.pod_sets[0].per_pod["example.com/gpu"], "1");
//! assert_eq!(explanation.pod_sets[0].total["example.com/gpu"], "3");
//! ```

#![deny(missing_docs)]

mod adjust;
mod calculator;
mod claims;
mod config_fields;
mod device_check;
mod devices;
pub mod dra_cel;
mod drift;
mod error;
mod explanation;
mod extended;
pub mod field;
mod gates;
mod limit_range;
pub mod quantity;
mod release;
mod requests;
mod rules;
mod sources;
pub mod validation;
mod verdict;

pub use calculator::Calculator;
pub use config_fields::{UnregisteredVersion, unknown_configuration_fields};
pub use drift::{DriftChange, drift, without_admission};
pub use error::Error;
pub use explanation::{Charge, ChargePath, Explanation, PodSetCharge, Status};
pub use extended::is_extended_resource_name;
pub use field::{BadValue, ErrorType, FieldError};
pub use gates::{ConfigurationError, FeatureGates, GateSpec, Stage, known_gates};
pub use kueue_dra_index::DeviceClassIndex;
pub use quantity::{Format, Quantity, ResourceFormatter, resource_value};
pub use release::{MAIN_COMMIT, Release, UnknownRelease};
pub use validation::{ValidationProfile, validate_configuration};
pub use verdict::{
    FlavorCheck, FlavorMode, Outcome, PodSetVerdict, QueueIndex, Queues, ResourceVerdict, Verdict,
    VerdictSettings,
};
