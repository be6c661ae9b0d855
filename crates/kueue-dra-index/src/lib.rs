//! An index of DeviceClasses and Kueue `deviceClassMappings` for DRA quota accounting.
//!
//! Kueue charges a DRA device under a quota resource found in one of two ways: the
//! DeviceClass is listed in the Configuration's `resources.deviceClassMappings`, or a
//! container requests the extended resource named by a DeviceClass's
//! `spec.extendedResourceName`. [`DeviceClassIndex`] performs both lookups the way Kueue
//! v0.19.2 does. It is pure: it reads the objects it is given and does no I/O.
//!
//! ```
//! use k8s_openapi::api::resource::v1::{DeviceClass, DeviceClassSpec};
//! use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
//! use kueue_api::config::DeviceClassMapping;
//! use kueue_dra_index::DeviceClassIndex;
//!
//! let mapping = DeviceClassMapping {
//!     name: "example.com/gpu".to_owned(),
//!     device_class_names: vec!["gpu.example.com".to_owned()],
//!     ..Default::default()
//! };
//! let class = DeviceClass {
//!     metadata: ObjectMeta { name: Some("gpu.example.com".to_owned()), ..Default::default() },
//!     spec: DeviceClassSpec {
//!         extended_resource_name: Some("example.com/gpu".to_owned()),
//!         ..Default::default()
//!     },
//! };
//!
//! let index = DeviceClassIndex::new(&[mapping], &[class]);
//! assert_eq!(index.mapping_for_class("gpu.example.com").map(|m| m.name.as_str()), Some("example.com/gpu"));
//! let selected = index.selected_class_for_extended_resource("example.com/gpu");
//! assert_eq!(selected.and_then(|c| c.metadata.name.as_deref()), Some("gpu.example.com"));
//! ```

#![deny(missing_docs)]

mod index;

pub use index::DeviceClassIndex;
