//! The Kueue manager Configuration, `config.kueue.x-k8s.io`.
//!
//! The Configuration is a file, not a custom resource: Kueue reads it at start-up from the
//! `kueue-manager-config` ConfigMap. [`v1beta2`] is the current version. [`v1beta1`]
//! documents convert into it with `From`.

mod duration;
mod go_json;
pub mod v1beta1;
pub mod v1beta2;

pub use duration::Duration;
pub use v1beta2::{Configuration, DeviceClassMapping, Resources};
