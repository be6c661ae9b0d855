//! The `kueue.x-k8s.io/v1beta2` custom resources, the version Kueue v0.19 stores.
//!
//! Each kind is a `kube::CustomResource`: the `*Spec` struct derives the resource type
//! (`ClusterQueue` from `ClusterQueueSpec`), whose `crd()` returns its definition.

mod clusterqueue;
mod cohort;
mod fairsharing;
mod localqueue;
mod resourceflavor;
mod workload;

pub use clusterqueue::{
    AdmissionCheckStrategyRule, AdmissionChecksStrategy, BorrowWithinCohort,
    BorrowWithinCohortPolicy, ClusterQueue, ClusterQueuePreemption, ClusterQueueSpec,
    ClusterQueueStatus, ConcurrentAdmissionConstraints, ConcurrentAdmissionMigration,
    ConcurrentAdmissionMigrationMode, ConcurrentAdmissionPolicy, FlavorFungibility,
    FlavorFungibilityPolicy, FlavorFungibilityPreference, FlavorQuotas, FlavorUsage,
    PreemptionPolicy, QueueingStrategy, ResourceGroup, ResourceQuota, ResourceUsage, StopPolicy,
};
pub use cohort::{Cohort, CohortSpec, CohortStatus};
pub use fairsharing::{AdmissionMode, AdmissionScope, FairSharing, FairSharingStatus};
pub use localqueue::{
    LocalQueue, LocalQueueAdmissionFairSharingStatus, LocalQueueFairSharingStatus,
    LocalQueueFlavorUsage, LocalQueueResourceUsage, LocalQueueSpec, LocalQueueStatus, TopologyInfo,
};
pub use resourceflavor::{ResourceFlavor, ResourceFlavorSpec};
pub use workload::{
    Admission, AdmissionCheckState, CheckState, DelayedTopologyRequestState, PodSet,
    PodSetAssignment, PodSetRequest, PodSetTopologyRequest, PodSetUpdate,
    PodsetSliceRequiredTopologyConstraint, PreemptionGate, PreemptionGatePosition,
    PreemptionGateState, PriorityClassGroup, PriorityClassKind, PriorityClassRef, ReclaimablePod,
    RequeueState, SchedulingStats, TopologyAssignment, TopologyAssignmentSlice,
    TopologyAssignmentSliceLevelIndividualValues, TopologyAssignmentSliceLevelValues,
    TopologyAssignmentSlicePodCounts, UnhealthyNode, Workload, WorkloadSchedulingStatsEviction,
    WorkloadSpec, WorkloadStatus,
};
