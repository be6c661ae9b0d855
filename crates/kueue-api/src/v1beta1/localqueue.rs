//! The deprecated `LocalQueue` custom resource, `kueue.x-k8s.io/v1beta1`, and its
//! conversion to v1beta2.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Taint;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::optional_spec::optional_spec_serde;

use super::fairsharing::FairSharingStatus;
use crate::v1beta2::{self, FairSharing, LocalQueueFlavorUsage, StopPolicy, TopologyInfo};

/// The desired state of a LocalQueue in the deprecated v1beta1 form.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(remote = "Self")]
#[kube(
    group = "kueue.x-k8s.io",
    version = "v1beta1",
    kind = "LocalQueue",
    namespaced,
    status = "LocalQueueStatus",
    derive = "PartialEq",
    derive = "Default",
    shortname = "queue",
    shortname = "queues",
    shortname = "lq",
    storage = false,
    deprecated = "This version is deprecated. Use v1beta2 instead.",
    doc = "A namespaced queue that users submit workloads to; it forwards them to one \
           ClusterQueue.",
    printcolumn = r#"{"name":"ClusterQueue","type":"string","jsonPath":".spec.clusterQueue","description":"Backing ClusterQueue"}"#,
    printcolumn = r#"{"name":"Pending Workloads","type":"integer","jsonPath":".status.pendingWorkloads","description":"Number of pending workloads"}"#,
    printcolumn = r#"{"name":"Admitted Workloads","type":"integer","jsonPath":".status.admittedWorkloads","description":"Number of admitted workloads that haven't finished yet."}"#
)]
#[serde(rename_all = "camelCase")]
pub struct LocalQueueSpec {
    /// The ClusterQueue that admits the workloads of this LocalQueue. It cannot be changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        length(max = 253),
        regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN),
        extend("x-kubernetes-validations" = [{
            "rule": "self == oldSelf",
            "message": "field is immutable",
        }])
    )]
    pub cluster_queue: Option<String>,

    /// Stops the LocalQueue when set to `Hold` or `HoldAndDrain`. Defaults to `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "None"))]
    pub stop_policy: Option<StopPolicy>,

    /// The weight of this LocalQueue when admission fair sharing is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair_sharing: Option<FairSharing>,
}

optional_spec_serde!(LocalQueueSpec);

/// The observed state of a LocalQueue in the deprecated v1beta1 form.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocalQueueStatus {
    /// The latest observations of the LocalQueue's state, such as `Active`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"]))]
    pub conditions: Vec<Condition>,

    /// The number of workloads in this LocalQueue that are not admitted yet.
    #[serde(default)]
    #[schemars(transform = crate::schema::remove_default)]
    pub pending_workloads: i32,

    /// The number of unfinished workloads of this LocalQueue that reserve quota.
    #[serde(default)]
    #[schemars(transform = crate::schema::remove_default)]
    pub reserving_workloads: i32,

    /// The number of unfinished workloads of this LocalQueue that are admitted.
    #[serde(default)]
    #[schemars(transform = crate::schema::remove_default)]
    pub admitted_workloads: i32,

    /// The quota reserved by this LocalQueue's workloads, per flavor, at most 64.
    #[serde(default)]
    #[schemars(
        length(max = 64),
        transform = crate::schema::remove_default,
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub flavors_reservation: Vec<LocalQueueFlavorUsage>,

    /// The quota used by this LocalQueue's admitted workloads, per flavor, at most 64;
    /// v1beta2 calls it `flavorsUsage`.
    #[serde(default)]
    #[schemars(
        length(max = 64),
        transform = crate::schema::remove_default,
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub flavor_usage: Vec<LocalQueueFlavorUsage>,

    /// The flavors of the backing ClusterQueue that this LocalQueue can use, at most 64.
    /// Deprecated, and v1beta2 drops it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 64),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub flavors: Vec<LocalQueueFlavorStatus>,

    /// The fair sharing state of this LocalQueue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair_sharing: Option<FairSharingStatus>,
}

/// A flavor that a LocalQueue can use, with its node labels and taints.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocalQueueFlavorStatus {
    /// The name of the ResourceFlavor.
    #[schemars(length(max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN))]
    pub name: String,

    /// The resources the flavor provides quota for, at most 64.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 64), extend("x-kubernetes-list-type" = "set"))]
    pub resources: Vec<String>,

    /// The node labels of the flavor, at most 8.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend("maxProperties" = 8, "x-kubernetes-map-type" = "atomic"))]
    pub node_labels: BTreeMap<String, String>,

    /// The node taints of the flavor, at most 8.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 8), extend("x-kubernetes-list-type" = "atomic"))]
    pub node_taints: Vec<Taint>,

    /// The topology of the flavor, for topology-aware scheduling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology: Option<TopologyInfo>,
}

impl From<LocalQueue> for v1beta2::LocalQueue {
    fn from(local_queue: LocalQueue) -> Self {
        Self {
            metadata: local_queue.metadata,
            spec: local_queue.spec.into(),
            status: local_queue.status.map(Into::into),
        }
    }
}

impl From<LocalQueueSpec> for v1beta2::LocalQueueSpec {
    fn from(spec: LocalQueueSpec) -> Self {
        Self {
            cluster_queue: spec.cluster_queue,
            stop_policy: spec.stop_policy,
            fair_sharing: spec.fair_sharing,
        }
    }
}

impl From<LocalQueueStatus> for v1beta2::LocalQueueStatus {
    /// Renames `flavorUsage` to `flavorsUsage` and drops the deprecated `flavors`.
    fn from(status: LocalQueueStatus) -> Self {
        Self {
            conditions: status.conditions,
            pending_workloads: status.pending_workloads,
            reserving_workloads: status.reserving_workloads,
            admitted_workloads: status.admitted_workloads,
            flavors_reservation: status.flavors_reservation,
            flavors_usage: status.flavor_usage,
            fair_sharing: status.fair_sharing.map(Into::into),
        }
    }
}
