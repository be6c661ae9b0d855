//! The `Workload` custom resource, `kueue.x-k8s.io/v1beta2`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The desired state of a Workload: a unit of admission made of pod sets.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "kueue.x-k8s.io",
    version = "v1beta2",
    kind = "Workload",
    namespaced,
    status = "WorkloadStatus",
    shortname = "kwl",
    shortname = "kueueworkload",
    shortname = "kueueworkloads"
)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadSpec {
    /// The pod sets of the workload, each a group of identical pods.
    pub pod_sets: Vec<PodSet>,

    /// The LocalQueue the workload was submitted to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<String>,
}

/// A group of identical pods within a Workload.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodSet {
    /// The pod set's name, unique within the Workload; `main` when not set.
    #[serde(default = "default_pod_set_name")]
    pub name: String,

    /// The template of the pods in this pod set.
    #[serde(default)]
    pub template: PodTemplateSpec,

    /// The number of pods in this pod set.
    pub count: i32,

    /// The minimum number of pods that can be admitted with partial admission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_count: Option<i32>,
}

fn default_pod_set_name() -> String {
    "main".to_owned()
}

/// The observed state of a Workload.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadStatus {
    /// The latest observations of the Workload's state (`QuotaReserved`, `Admitted`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,

    /// The ClusterQueue and flavors the Workload reserved quota in, once it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission: Option<Admission>,
}

/// Where and how a Workload reserved quota.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Admission {
    /// The ClusterQueue that reserved the quota.
    pub cluster_queue: String,

    /// One assignment per pod set.
    pub pod_set_assignments: Vec<PodSetAssignment>,
}

/// The flavors and resource usage assigned to one pod set at admission.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodSetAssignment {
    /// The pod set this assignment is for.
    pub name: String,

    /// The ResourceFlavor assigned to each resource.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub flavors: BTreeMap<String, String>,

    /// The quota charged for the whole pod set, `count` pods included.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resource_usage: BTreeMap<String, Quantity>,

    /// The number of pods admitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i32>,
}
