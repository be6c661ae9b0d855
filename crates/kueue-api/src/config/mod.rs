//! The Kueue manager Configuration, `config.kueue.x-k8s.io`.

pub mod v1beta2;

pub use v1beta2::{Configuration, DeviceClassMapping, Resources};
