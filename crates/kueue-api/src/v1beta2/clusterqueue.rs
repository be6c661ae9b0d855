//! The `ClusterQueue` custom resource, `kueue.x-k8s.io/v1beta2`.

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, LabelSelector};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::optional_spec::optional_spec_serde;

use super::fairsharing::{AdmissionScope, FairSharing, FairSharingStatus};

/// The desired state of a ClusterQueue: the quota it offers and how it admits workloads.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(remote = "Self")]
#[kube(
    group = "kueue.x-k8s.io",
    version = "v1beta2",
    kind = "ClusterQueue",
    status = "ClusterQueueStatus",
    derive = "PartialEq",
    derive = "Default",
    shortname = "cq",
    doc = "A cluster-wide pool of quota, split into resource groups and flavors, that admits \
           workloads submitted through LocalQueues.",
    printcolumn = r#"{"name":"Cohort","type":"string","jsonPath":".spec.cohortName","description":"Cohort that this ClusterQueue belongs to"}"#,
    printcolumn = r#"{"name":"Strategy","type":"string","jsonPath":".spec.queueingStrategy","description":"The queueing strategy used to prioritize workloads","priority":1}"#,
    printcolumn = r#"{"name":"Pending Workloads","type":"integer","jsonPath":".status.pendingWorkloads","description":"Number of pending workloads"}"#,
    printcolumn = r#"{"name":"Admitted Workloads","type":"integer","jsonPath":".status.admittedWorkloads","description":"Number of admitted workloads that haven't finished yet","priority":1}"#
)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [{
    "rule": "!has(self.cohortName) && has(self.resourceGroups) ? self.resourceGroups.all(rg, rg.flavors.all(f, f.resources.all(r, !has(r.borrowingLimit)))) : true",
    "message": "borrowingLimit must be nil when cohort is empty",
}]))]
pub struct ClusterQueueSpec {
    /// The resource groups of this ClusterQueue, at most 16.
    ///
    /// Each group lists the resources it covers and the flavors that provide quota for them.
    /// A resource or a flavor may appear in only one group, and a ClusterQueue may have at most
    /// 256 flavors over all groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 16), extend("x-kubernetes-list-type" = "atomic"))]
    pub resource_groups: Vec<ResourceGroup>,

    /// The cohort this ClusterQueue belongs to.
    ///
    /// ClusterQueues in the same cohort can borrow each other's unused quota for the
    /// resource and flavor pairs they list. Without a cohort, this ClusterQueue neither
    /// borrows nor lends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN))]
    pub cohort_name: Option<String>,

    /// The order of pending workloads of the same priority: `StrictFIFO` lets an older
    /// workload that does not fit block newer ones, `BestEffortFIFO` (the default) lets newer
    /// workloads that fit go first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "BestEffortFIFO"))]
    pub queueing_strategy: Option<QueueingStrategy>,

    /// The namespaces whose workloads may use this ClusterQueue.
    ///
    /// When unset, no namespace is eligible. An empty selector `{}` makes every namespace
    /// eligible.
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

    /// The admission checks a workload must pass, and the flavors each check applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission_checks_strategy: Option<AdmissionChecksStrategy>,

    /// Stops the ClusterQueue when set to a value other than `None` (the default).
    ///
    /// `Hold` makes no new reservations, cancels pending reservations and lets admitted
    /// workloads run to completion. `HoldAndDrain` also evicts the admitted workloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "None"))]
    pub stop_policy: Option<StopPolicy>,

    /// The weight of this ClusterQueue when fair sharing is enabled in the Kueue configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair_sharing: Option<FairSharing>,

    /// Whether this ClusterQueue uses admission fair sharing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission_scope: Option<AdmissionScope>,

    /// Lets a workload pursue several flavors at once and move to a preferred flavor after
    /// admission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrent_admission_policy: Option<ConcurrentAdmissionPolicy>,
}

optional_spec_serde!(ClusterQueueSpec);

/// The order of pending workloads of one priority in a ClusterQueue.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[schemars(transform = crate::schema::remove_description)]
pub enum QueueingStrategy {
    /// Oldest first. An older workload that does not fit blocks newer ones that would fit.
    #[serde(rename = "StrictFIFO")]
    StrictFifo,
    /// Oldest first, but newer workloads that fit may be admitted before an older one that
    /// does not.
    #[serde(rename = "BestEffortFIFO")]
    BestEffortFifo,
}

/// Whether a queue admits new workloads, and what happens to the ones it already admitted.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[schemars(transform = crate::schema::remove_description)]
pub enum StopPolicy {
    /// The queue admits workloads.
    None,
    /// No new admissions. Reservations are cancelled, admitted workloads run to completion.
    Hold,
    /// No new admissions. Reservations are cancelled and admitted workloads are evicted.
    HoldAndDrain,
}

/// The admission checks of a ClusterQueue.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionChecksStrategy {
    /// One rule per AdmissionCheck, between 1 and 64.
    #[schemars(
        length(min = 1, max = 64),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub admission_checks: Vec<AdmissionCheckStrategyRule>,
}

/// The flavors one AdmissionCheck applies to.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionCheckStrategyRule {
    /// The name of the AdmissionCheck.
    #[schemars(length(min = 1, max = 316))]
    pub name: String,

    /// The ResourceFlavors that need this check, at most 64. When empty, every workload
    /// admitted by the ClusterQueue needs it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 64),
        inner(length(max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN)),
        extend("x-kubernetes-list-type" = "set")
    )]
    pub on_flavors: Vec<String>,
}

/// Settings for the ConcurrentAdmission feature.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConcurrentAdmissionPolicy {
    /// The rules for moving an admitted workload to a preferred flavor.
    ///
    /// Kueue runs one variant of the workload per flavor. Once a variant is admitted the
    /// workload is admitted. Variants on preferred flavors keep trying and the workload
    /// migrates when one of them is admitted. Flavor preference follows the flavor order in
    /// the ClusterQueue.
    pub migration: ConcurrentAdmissionMigration,
}

/// The migration rules of the ConcurrentAdmission feature.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConcurrentAdmissionMigration {
    /// Whether an admitted workload keeps trying preferred flavors: `TryPreferredFlavors`
    /// (the default) or `RetainFirstAdmission`.
    #[schemars(extend("maxLength" = 253))]
    pub mode: ConcurrentAdmissionMigrationMode,

    /// Limits on which flavors a workload may migrate to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<ConcurrentAdmissionConstraints>,
}

/// Whether an admitted workload keeps trying preferred flavors.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, JsonSchema)]
#[schemars(transform = crate::schema::remove_description)]
pub enum ConcurrentAdmissionMigrationMode {
    /// The workload keeps trying more preferred flavors while it runs (the default).
    #[default]
    TryPreferredFlavors,
    /// The workload stays on the flavor it was first admitted to.
    RetainFirstAdmission,
}

/// Limits on flavor migration.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConcurrentAdmissionConstraints {
    /// The least preferred flavor, in ClusterQueue order, a workload may migrate to.
    ///
    /// Only valid with the `TryPreferredFlavors` mode. When unset, a workload may migrate to
    /// any flavor preferred over its current one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN))]
    pub last_acceptable_flavor_name: Option<String>,
}

/// A set of resources and the flavors that provide quota for them.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [{
    "rule": "self.flavors.all(x, size(x.resources) == size(self.coveredResources))",
    "message": "flavors must have the same number of resources as the coveredResources",
}]))]
pub struct ResourceGroup {
    /// The resources this group covers, such as `cpu`, `memory` or `example.com/gpu`, or the
    /// name of a DRA device class mapping. Between 1 and 64, and at most 256 over all groups.
    #[schemars(length(min = 1, max = 64), extend("x-kubernetes-list-type" = "atomic"))]
    pub covered_resources: Vec<String>,

    /// The flavors that provide quota for the covered resources, between 1 and 64.
    ///
    /// Each flavor lists quota for every covered resource, in the same order. Flavors usually
    /// stand for hardware models or pricing models, and the first flavor that fits is
    /// preferred.
    #[schemars(
        length(min = 1, max = 64),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub flavors: Vec<FlavorQuotas>,
}

/// The quota one flavor provides for the resources of a resource group.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlavorQuotas {
    /// The name of a ResourceFlavor. While no ResourceFlavor has this name, the ClusterQueue
    /// is inactive.
    #[schemars(length(max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN))]
    pub name: String,

    /// The quota per resource, between 1 and 64, in the order of `coveredResources`.
    #[schemars(
        length(min = 1, max = 64),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub resources: Vec<ResourceQuota>,
}

/// The quota of one resource in one flavor.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceQuota {
    /// The resource name. It must equal the entry at the same position in `coveredResources`.
    pub name: String,

    /// The amount of this resource that workloads admitted by this ClusterQueue may use at a
    /// time, not negative.
    ///
    /// It should reflect the capacity available to jobs, after system components and pods
    /// that Kueue does not manage. In a cohort, the sum of the members' nominal quotas is the
    /// maximum that any one member can use.
    pub nominal_quota: Quantity,

    /// The maximum quota this ClusterQueue may borrow from unused quota in its cohort, not
    /// negative.
    ///
    /// Unset means no limit. Must be unset when the ClusterQueue has no cohort.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub borrowing_limit: Option<Quantity>,

    /// The maximum part of its unused nominal quota that this ClusterQueue lends to its
    /// cohort, not negative.
    ///
    /// The ClusterQueue keeps `nominalQuota - lendingLimit` for itself. Unset means all of it
    /// can be lent. Must be unset when the ClusterQueue has no cohort.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lending_limit: Option<Quantity>,
}

/// The observed state of a ClusterQueue.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterQueueStatus {
    /// The latest observations of the ClusterQueue's state, such as `Active`, at most 16.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 16),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"])
    )]
    pub conditions: Vec<Condition>,

    /// The quota reserved by workloads assigned to this ClusterQueue, per flavor, at most 64.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 64),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub flavors_reservation: Vec<FlavorUsage>,

    /// The quota used by workloads admitted by this ClusterQueue, per flavor, at most 64.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 64),
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

    /// The fair sharing state, recorded only when fair sharing is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair_sharing: Option<FairSharingStatus>,
}

/// The quota used in one flavor.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlavorUsage {
    /// The name of the ResourceFlavor.
    #[schemars(length(max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN))]
    pub name: String,

    /// The usage per resource, at most 64.
    #[schemars(
        length(max = 64),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub resources: Vec<ResourceUsage>,
}

/// The quota used of one resource.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceUsage {
    /// The resource name.
    pub name: String,

    /// The total quota in use, borrowed quota included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Quantity>,

    /// The part of `total` above the nominal quota, borrowed from the cohort.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub borrowed: Option<Quantity>,
}

/// Whether a workload tries the next flavor before borrowing or preempting in the current
/// one.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [{
    "rule": "!has(self.preference) || (self.whenCanBorrow == 'TryNextFlavor' && self.whenCanPreempt == 'TryNextFlavor')",
    "message": "preference can only be set when both whenCanBorrow and whenCanPreempt are TryNextFlavor",
}]))]
pub struct FlavorFungibility {
    /// The behavior when the workload fits in the current flavor only by borrowing:
    /// `MayStopSearch` (the default) takes this flavor, `TryNextFlavor` tries the next flavor
    /// first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "MayStopSearch"))]
    pub when_can_borrow: Option<FlavorFungibilityPolicy>,

    /// The behavior when the workload fits in the current flavor only by preempting:
    /// `MayStopSearch` takes this flavor, `TryNextFlavor` (the default) tries the next flavor
    /// first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "TryNextFlavor"))]
    pub when_can_preempt: Option<FlavorFungibilityPolicy>,

    /// The flavor choice when every candidate needs borrowing, preemption or both.
    ///
    /// `BorrowingOverPreemption`, the behavior when unset, picks the flavor that borrows
    /// from the nearest cohort. `PreemptionOverBorrowing` picks the flavor with the better
    /// preemption mode, reclaiming before preempting within the ClusterQueue. Only valid when
    /// both `whenCanBorrow` and `whenCanPreempt` are `TryNextFlavor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preference: Option<FlavorFungibilityPreference>,
}

/// Whether the flavor search stops at a flavor that needs borrowing or preemption.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[schemars(transform = crate::schema::remove_description)]
pub enum FlavorFungibilityPolicy {
    /// Stop at this flavor if the workload fits, or fits by borrowing or preempting.
    MayStopSearch,
    /// Try the next flavor before borrowing or preempting in this one.
    TryNextFlavor,
}

/// The flavor choice when every candidate needs borrowing, preemption or both.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[schemars(transform = crate::schema::remove_description)]
pub enum FlavorFungibilityPreference {
    /// Prefer the flavor that borrows least far up the cohort tree, then the better
    /// preemption mode.
    BorrowingOverPreemption,
    /// Prefer the better preemption mode (reclaiming over preempting within the
    /// ClusterQueue), then the shorter borrowing distance.
    PreemptionOverBorrowing,
}

/// When a pending workload may preempt admitted workloads.
///
/// Preemption can reclaim nominal quota that other ClusterQueues in the cohort borrowed,
/// make room within the ClusterQueue by evicting lower priority workloads, let a borrowing
/// workload preempt in the cohort, or keep fair sharing balanced. Kueue looks for the
/// smallest set of workloads to preempt, lowest priority first.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [{
    "rule": "!(self.reclaimWithinCohort == 'Never' && has(self.borrowWithinCohort) &&  self.borrowWithinCohort.policy != 'Never')",
    "message": "reclaimWithinCohort=Never and borrowWithinCohort.Policy!=Never",
}]))]
pub struct ClusterQueuePreemption {
    /// Whether a pending workload may preempt workloads of other ClusterQueues in the cohort
    /// that use more than their nominal quota: `Never` (the default), `LowerPriority` or
    /// `Any`.
    ///
    /// With fair sharing, candidates must also satisfy the configured preemption strategies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        extend("default" = "Never"),
        transform = crate::schema::reclaim_within_cohort_values
    )]
    pub reclaim_within_cohort: Option<PreemptionPolicy>,

    /// Whether a workload that needs to borrow may preempt workloads of other ClusterQueues
    /// in the cohort. Only for classic preemption, not fair sharing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = {}))]
    pub borrow_within_cohort: Option<BorrowWithinCohort>,

    /// Whether a workload that does not fit in the nominal quota may preempt workloads in
    /// this ClusterQueue: `Never` (the default), `LowerPriority` or
    /// `LowerOrNewerEqualPriority`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        extend("default" = "Never"),
        transform = crate::schema::within_cluster_queue_values
    )]
    pub within_cluster_queue: Option<PreemptionPolicy>,
}

/// The workloads that a pending workload may preempt.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[schemars(transform = crate::schema::remove_description)]
pub enum PreemptionPolicy {
    /// No preemption.
    Never,
    /// Any workload, regardless of priority.
    Any,
    /// Only workloads with a lower priority.
    LowerPriority,
    /// Workloads with a lower priority, or with the same priority that are newer.
    LowerOrNewerEqualPriority,
}

/// Preemption in the cohort by a workload that needs to borrow.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BorrowWithinCohort {
    /// Whether a borrowing workload may preempt in other ClusterQueues of the cohort:
    /// `Never` (the default) or `LowerPriority`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "Never"))]
    pub policy: Option<BorrowWithinCohortPolicy>,

    /// The highest priority a borrowing workload may preempt. When unset, any workload the
    /// policy allows may be preempted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_priority_threshold: Option<i32>,
}

/// Whether a borrowing workload may preempt in other ClusterQueues of the cohort.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[schemars(transform = crate::schema::remove_description)]
pub enum BorrowWithinCohortPolicy {
    /// No preemption while borrowing.
    Never,
    /// Preemption of lower priority workloads while borrowing.
    LowerPriority,
}
