//! The Kueue manager `Configuration`, `config.kueue.x-k8s.io/v1beta2`.

use std::collections::BTreeMap;

use k8s_openapi::api::resource::v1::DeviceSelector;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The configuration file of the Kueue controller manager.
///
/// Kueue reads it once at start-up from the `controller_manager_config.yaml` key of the
/// `kueue-manager-config` ConfigMap.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Configuration {
    /// The namespace Kueue runs in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,

    /// Whether Kueue manages jobs that carry no `kueue.x-k8s.io/queue-name` label.
    #[serde(default)]
    pub manage_jobs_without_queue_name: bool,

    /// How Kueue counts resources for quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,

    /// Kueue feature gates, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub feature_gates: BTreeMap<String, bool>,
}

/// Resource accounting settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Resources {
    /// What happens to a requested resource that the ClusterQueue does not cover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_check_strategy: Option<QuotaCheckStrategy>,

    /// Resources whose names start with one of these prefixes are not charged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_resource_prefixes: Vec<String>,

    /// Rewrites of requested resources into other resources before charging.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transformations: Vec<ResourceTransformation>,

    /// Maps DeviceClasses to the quota resource their devices are charged under.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub device_class_mappings: Vec<DeviceClassMapping>,
}

/// What happens to a requested resource that the ClusterQueue does not cover.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum QuotaCheckStrategy {
    /// The workload cannot be admitted.
    BlockUndeclared,
    /// The resource is not charged.
    IgnoreUndeclared,
}

/// A rewrite of one requested resource into other resources.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceTransformation {
    /// The requested resource to transform.
    pub input: String,

    /// Whether the input is kept (`Retain`, the default) or removed (`Replace`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,

    /// A resource whose requested amount multiplies the outputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiply_by: Option<String>,

    /// The resources charged per unit of input.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub outputs: BTreeMap<String, Quantity>,
}

/// Maps DeviceClasses to one quota resource.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceClassMapping {
    /// The quota resource name that ClusterQueues cover, such as `example.com/gpu`.
    pub name: String,

    /// The DeviceClasses whose devices are charged under `name`.
    #[serde(default)]
    pub device_class_names: Vec<String>,

    /// Counter or capacity sources; without any, each device counts one unit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<DeviceClassSourceConfig>,
}

/// One source of a mapping's charge; exactly one field is set.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceClassSourceConfig {
    /// Charge by a counter that matched devices consume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<DeviceClassCounterSource>,

    /// Charge by a capacity dimension of matched devices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<DeviceClassCapacitySource>,
}

/// Charges a mapping by the value of a counter in the devices' `consumesCounters`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceClassCounterSource {
    /// The counter name, a key of `consumesCounters[].counters`.
    pub name: String,

    /// The DRA driver that publishes the devices.
    pub driver: String,

    /// Selects the devices whose counters are read.
    pub device_selector: DeviceSelector,
}

/// Charges a mapping by a capacity dimension of the matched devices.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceClassCapacitySource {
    /// The capacity dimension, a key of the device's `capacity`.
    pub name: String,

    /// The DRA driver that publishes the devices.
    pub driver: String,

    /// Selects the devices whose capacity is read.
    pub device_selector: DeviceSelector,
}
