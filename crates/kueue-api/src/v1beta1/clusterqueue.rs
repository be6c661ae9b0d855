//! The deprecated `ClusterQueue` custom resource, `kueue.x-k8s.io/v1beta1`, and its
//! conversion to v1beta2.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, LabelSelector, Time};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::optional_spec::optional_spec_serde;

use super::fairsharing::FairSharingStatus;
use crate::v1beta2::{
    self, AdmissionChecksStrategy, AdmissionScope, ClusterQueuePreemption, FairSharing,
    FlavorFungibilityPreference, FlavorUsage, QueueingStrategy, ResourceGroup, StopPolicy,
};

/// The desired state of a ClusterQueue in the deprecated v1beta1 form.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(remote = "Self")]
#[kube(
    group = "kueue.x-k8s.io",
    version = "v1beta1",
    kind = "ClusterQueue",
    status = "ClusterQueueStatus",
    derive = "PartialEq",
    derive = "Default",
    shortname = "cq",
    storage = false,
    deprecated = "This version is deprecated. Use v1beta2 instead.",
    doc = "A cluster-wide pool of quota, split into resource groups and flavors, that admits \
           workloads submitted through LocalQueues.",
    printcolumn = r#"{"name":"Cohort","type":"string","jsonPath":".spec.cohort","description":"Cohort that this ClusterQueue belongs to"}"#,
    printcolumn = r#"{"name":"Strategy","type":"string","jsonPath":".spec.queueingStrategy","description":"The queueing strategy used to prioritize workloads","priority":1}"#,
    printcolumn = r#"{"name":"Pending Workloads","type":"integer","jsonPath":".status.pendingWorkloads","description":"Number of pending workloads"}"#,
    printcolumn = r#"{"name":"Admitted Workloads","type":"integer","jsonPath":".status.admittedWorkloads","description":"Number of admitted workloads that haven't finished yet","priority":1}"#
)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [{
    "rule": "!has(self.cohort) && has(self.resourceGroups) ? self.resourceGroups.all(rg, rg.flavors.all(f, f.resources.all(r, !has(r.borrowingLimit)))) : true",
    "message": "borrowingLimit must be nil when cohort is empty",
}]))]
pub struct ClusterQueueSpec {
    /// The resource groups of this ClusterQueue, at most 16.
    ///
    /// Each group lists the resources it covers and the flavors that provide quota for them.
    /// A resource or a flavor may appear in only one group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 16), extend("x-kubernetes-list-type" = "atomic"))]
    pub resource_groups: Vec<ResourceGroup>,

    /// The cohort this ClusterQueue belongs to, which v1beta2 calls `cohortName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN))]
    pub cohort: Option<String>,

    /// The order of pending workloads of the same priority: `StrictFIFO` or
    /// `BestEffortFIFO` (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "BestEffortFIFO"))]
    pub queueing_strategy: Option<QueueingStrategy>,

    /// The namespaces whose workloads may use this ClusterQueue. When unset, no namespace
    /// is eligible. `{}` makes every namespace eligible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-map-type" = "atomic"))]
    pub namespace_selector: Option<LabelSelector>,

    /// Whether a workload tries the next flavor before borrowing or preempting in the flavor
    /// under evaluation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = {}))]
    pub flavor_fungibility: Option<FlavorFungibility>,

    /// The conditions under which workloads admitted by this ClusterQueue or its cohort may
    /// be preempted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = {}))]
    pub preemption: Option<ClusterQueuePreemption>,

    /// The AdmissionChecks every workload of this ClusterQueue must pass, on all flavors.
    ///
    /// v1beta2 has only `admissionChecksStrategy`. The conversion turns this list into it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(length(max = 316)))]
    pub admission_checks: Vec<String>,

    /// The admission checks a workload must pass, and the flavors each check applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission_checks_strategy: Option<AdmissionChecksStrategy>,

    /// Stops the ClusterQueue when set to `Hold` or `HoldAndDrain`. Defaults to `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "None"))]
    pub stop_policy: Option<StopPolicy>,

    /// The weight of this ClusterQueue when fair sharing is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair_sharing: Option<FairSharing>,

    /// Whether this ClusterQueue uses admission fair sharing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission_scope: Option<AdmissionScope>,
}

optional_spec_serde!(ClusterQueueSpec);

/// Whether a workload tries the next flavor before borrowing or preempting, in the v1beta1
/// form that also accepts the deprecated `Borrow` and `Preempt` values.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [{
    "rule": "!has(self.preference) || (self.whenCanBorrow == 'TryNextFlavor' && self.whenCanPreempt == 'TryNextFlavor')",
    "message": "preference can only be set when both whenCanBorrow and whenCanPreempt are TryNextFlavor",
}]))]
pub struct FlavorFungibility {
    /// The behavior when the workload fits in the current flavor only by borrowing:
    /// `MayStopSearch` (the default, formerly `Borrow`) or `TryNextFlavor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        extend("default" = "MayStopSearch"),
        transform = crate::schema::when_can_borrow_v1beta1_values
    )]
    pub when_can_borrow: Option<FlavorFungibilityPolicy>,

    /// The behavior when the workload fits in the current flavor only by preempting:
    /// `MayStopSearch` (formerly `Preempt`) or `TryNextFlavor` (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        extend("default" = "TryNextFlavor"),
        transform = crate::schema::when_can_preempt_v1beta1_values
    )]
    pub when_can_preempt: Option<FlavorFungibilityPolicy>,

    /// The flavor choice when every candidate needs borrowing, preemption or both. Only valid
    /// when both other fields are `TryNextFlavor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preference: Option<FlavorFungibilityPreference>,
}

/// The v1beta1 flavor fungibility policies, including the deprecated ones.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[schemars(transform = crate::schema::remove_description)]
pub enum FlavorFungibilityPolicy {
    /// Deprecated form of `MayStopSearch` for `whenCanBorrow`.
    Borrow,
    /// Deprecated form of `MayStopSearch` for `whenCanPreempt`.
    Preempt,
    /// Stop at this flavor if the workload fits, or fits by borrowing or preempting.
    MayStopSearch,
    /// Try the next flavor before borrowing or preempting in this one.
    TryNextFlavor,
}

/// The observed state of a ClusterQueue in the deprecated v1beta1 form.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterQueueStatus {
    /// The latest observations of the ClusterQueue's state, such as `Active`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"]))]
    pub conditions: Vec<Condition>,

    /// The quota reserved by workloads assigned to this ClusterQueue, per flavor, at most 64.
    #[serde(default)]
    #[schemars(
        length(max = 64),
        transform = crate::schema::remove_default,
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub flavors_reservation: Vec<FlavorUsage>,

    /// The quota used by workloads admitted by this ClusterQueue, per flavor, at most 64.
    #[serde(default)]
    #[schemars(
        length(max = 64),
        transform = crate::schema::remove_default,
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub flavors_usage: Vec<FlavorUsage>,

    /// The number of workloads waiting for admission.
    #[serde(default)]
    #[schemars(transform = crate::schema::remove_default)]
    pub pending_workloads: i32,

    /// The number of workloads that reserve quota in this ClusterQueue.
    #[serde(default)]
    #[schemars(transform = crate::schema::remove_default)]
    pub reserving_workloads: i32,

    /// The number of admitted workloads that have not finished.
    #[serde(default)]
    #[schemars(transform = crate::schema::remove_default)]
    pub admitted_workloads: i32,

    /// The head of the pending workloads. Deprecated. Kueue no longer fills it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_workloads_status: Option<ClusterQueuePendingWorkloadsStatus>,

    /// The fair sharing state, recorded only when fair sharing is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair_sharing: Option<FairSharingStatus>,
}

/// The deprecated list of the first pending workloads of a ClusterQueue.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterQueuePendingWorkloadsStatus {
    /// The first pending workloads, in queueing order.
    #[serde(default, rename = "clusterQueuePendingWorkload")]
    #[schemars(
        transform = crate::schema::remove_default,
        extend("x-kubernetes-list-type" = "atomic")
    )]
    pub head: Vec<ClusterQueuePendingWorkload>,

    /// When the list last changed.
    pub last_change_time: Time,
}

/// A pending workload in the deprecated pending workloads list.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterQueuePendingWorkload {
    /// The name of the workload.
    pub name: String,

    /// The namespace of the workload.
    pub namespace: String,
}

impl From<ClusterQueue> for v1beta2::ClusterQueue {
    fn from(cluster_queue: ClusterQueue) -> Self {
        Self {
            metadata: cluster_queue.metadata,
            spec: cluster_queue.spec.into(),
            status: cluster_queue.status.map(Into::into),
        }
    }
}

impl From<ClusterQueueSpec> for v1beta2::ClusterQueueSpec {
    /// Renames `cohort` to `cohortName`, turns `admissionChecks` into an
    /// `admissionChecksStrategy` that applies each check to every flavor (replacing any
    /// strategy already set), and maps the deprecated `Borrow` and `Preempt` fungibility
    /// policies to `MayStopSearch`.
    fn from(spec: ClusterQueueSpec) -> Self {
        let admission_checks_strategy = if spec.admission_checks.is_empty() {
            spec.admission_checks_strategy
        } else {
            let admission_checks = spec
                .admission_checks
                .into_iter()
                .map(|name| v1beta2::AdmissionCheckStrategyRule {
                    name,
                    on_flavors: Vec::new(),
                })
                .collect();
            Some(AdmissionChecksStrategy { admission_checks })
        };

        Self {
            resource_groups: spec.resource_groups,
            cohort_name: spec.cohort,
            queueing_strategy: spec.queueing_strategy,
            namespace_selector: spec.namespace_selector,
            flavor_fungibility: spec.flavor_fungibility.map(Into::into),
            preemption: spec.preemption,
            admission_checks_strategy,
            stop_policy: spec.stop_policy,
            fair_sharing: spec.fair_sharing,
            admission_scope: spec.admission_scope,
            concurrent_admission_policy: None,
        }
    }
}

impl From<FlavorFungibility> for v1beta2::FlavorFungibility {
    fn from(fungibility: FlavorFungibility) -> Self {
        Self {
            when_can_borrow: fungibility.when_can_borrow.map(Into::into),
            when_can_preempt: fungibility.when_can_preempt.map(Into::into),
            preference: fungibility.preference,
        }
    }
}

impl From<FlavorFungibilityPolicy> for v1beta2::FlavorFungibilityPolicy {
    /// Maps the deprecated `Borrow` and `Preempt` to `MayStopSearch`, as Kueue does.
    fn from(policy: FlavorFungibilityPolicy) -> Self {
        match policy {
            FlavorFungibilityPolicy::Borrow
            | FlavorFungibilityPolicy::Preempt
            | FlavorFungibilityPolicy::MayStopSearch => Self::MayStopSearch,
            FlavorFungibilityPolicy::TryNextFlavor => Self::TryNextFlavor,
        }
    }
}

impl From<ClusterQueueStatus> for v1beta2::ClusterQueueStatus {
    /// Drops the deprecated `pendingWorkloadsStatus` and the admission fair sharing state,
    /// which v1beta2 does not keep for ClusterQueues.
    fn from(status: ClusterQueueStatus) -> Self {
        Self {
            conditions: status.conditions,
            flavors_reservation: status.flavors_reservation,
            flavors_usage: status.flavors_usage,
            pending_workloads: status.pending_workloads,
            reserving_workloads: status.reserving_workloads,
            admitted_workloads: status.admitted_workloads,
            fair_sharing: status.fair_sharing.map(Into::into),
        }
    }
}
