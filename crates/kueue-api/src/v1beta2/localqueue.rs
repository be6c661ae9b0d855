//! The `LocalQueue` custom resource, `kueue.x-k8s.io/v1beta2`.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::optional_spec::optional_spec_serde;

use super::clusterqueue::StopPolicy;
use super::fairsharing::FairSharing;

/// The desired state of a LocalQueue: the ClusterQueue that admits its workloads.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(remote = "Self")]
#[kube(
    group = "kueue.x-k8s.io",
    version = "v1beta2",
    kind = "LocalQueue",
    namespaced,
    status = "LocalQueueStatus",
    derive = "PartialEq",
    derive = "Default",
    shortname = "queue",
    shortname = "queues",
    shortname = "lq",
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

    /// Stops the LocalQueue when set to a value other than `None` (the default).
    ///
    /// `Hold` makes no new reservations, cancels pending reservations and lets admitted
    /// workloads run to completion. `HoldAndDrain` also evicts the admitted workloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "None"))]
    pub stop_policy: Option<StopPolicy>,

    /// The weight of this LocalQueue when admission fair sharing is enabled in the Kueue
    /// configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair_sharing: Option<FairSharing>,
}

optional_spec_serde!(LocalQueueSpec);

/// The name and levels of a Topology.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopologyInfo {
    /// The name of the Topology.
    #[schemars(length(max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN))]
    pub name: String,

    /// The node label keys of the topology levels, from the top level down, between 1 and 16.
    #[schemars(
        length(min = 1, max = 16),
        inner(length(max = 317)),
        extend("x-kubernetes-list-type" = "atomic")
    )]
    pub levels: Vec<String>,
}

/// The observed state of a LocalQueue.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocalQueueStatus {
    /// The latest observations of the LocalQueue's state, such as `Active`, at most 16.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 16),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"])
    )]
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 64),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub flavors_reservation: Vec<LocalQueueFlavorUsage>,

    /// The quota used by this LocalQueue's admitted workloads, per flavor, at most 64.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 64),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub flavors_usage: Vec<LocalQueueFlavorUsage>,

    /// The fair sharing state of this LocalQueue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair_sharing: Option<LocalQueueFairSharingStatus>,
}

/// The fair sharing state Kueue records for a LocalQueue.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocalQueueFairSharingStatus {
    /// The weighted share, computed as for ClusterQueues and Cohorts.
    pub weighted_share: i64,

    /// The state used by admission fair sharing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission_fair_sharing_status: Option<LocalQueueAdmissionFairSharingStatus>,
}

/// The decayed resource usage that admission fair sharing keeps for a LocalQueue.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocalQueueAdmissionFairSharingStatus {
    /// The resource usage over time, with the configured decay applied.
    pub consumed_resources: BTreeMap<String, Quantity>,

    /// When the share and the consumed resources were last updated.
    pub last_update: Time,
}

/// The quota used in one flavor by a LocalQueue.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocalQueueFlavorUsage {
    /// The name of the ResourceFlavor.
    #[schemars(length(max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN))]
    pub name: String,

    /// The usage per resource, at most 64.
    #[schemars(
        length(max = 64),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub resources: Vec<LocalQueueResourceUsage>,
}

/// The quota used of one resource by a LocalQueue.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocalQueueResourceUsage {
    /// The resource name.
    pub name: String,

    /// The total quota in use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Quantity>,
}
