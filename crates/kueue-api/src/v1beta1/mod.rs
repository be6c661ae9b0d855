//! The deprecated `kueue.x-k8s.io/v1beta1` custom resources and their conversion to v1beta2.
//!
//! Kueue v0.19 still serves v1beta1 but stores v1beta2. Each kind converts with `From`,
//! following Kueue's conversion functions. Nested types whose JSON is the same in both
//! versions are the v1beta2 types, re-exported here so that this module names every type a
//! v1beta1 object uses.

mod clusterqueue;
mod cohort;
mod fairsharing;
mod localqueue;
mod resourceflavor;
mod topology;
mod workload;

pub use clusterqueue::{
    ClusterQueue, ClusterQueuePendingWorkload, ClusterQueuePendingWorkloadsStatus,
    ClusterQueueSpec, ClusterQueueStatus, FlavorFungibility, FlavorFungibilityPolicy,
};
pub use cohort::{Cohort, CohortSpec, CohortStatus};
pub use fairsharing::{AdmissionFairSharingStatus, FairSharingStatus};
pub use localqueue::{LocalQueue, LocalQueueFlavorStatus, LocalQueueSpec, LocalQueueStatus};
pub use resourceflavor::{ResourceFlavor, ResourceFlavorSpec};
pub use topology::{TopologyAssignment, TopologyDomainAssignment};
pub use workload::{
    Admission, POD_PRIORITY_CLASS_SOURCE, PodSet, PodSetAssignment, PodSetTopologyRequest,
    WORKLOAD_PRIORITY_CLASS_SOURCE, Workload, WorkloadSpec, WorkloadStatus,
};

pub use crate::v1beta2::{
    AdmissionCheckState, AdmissionCheckStrategyRule, AdmissionChecksStrategy, AdmissionMode,
    AdmissionScope, BorrowWithinCohort, BorrowWithinCohortPolicy, CheckState,
    ClusterQueuePreemption, DelayedTopologyRequestState, FairSharing, FlavorFungibilityPreference,
    FlavorQuotas, FlavorUsage, LocalQueueFlavorUsage, LocalQueueResourceUsage, PodSetRequest,
    PodSetUpdate, PreemptionPolicy, QueueingStrategy, ReclaimablePod, RequeueState, ResourceGroup,
    ResourceQuota, ResourceUsage, SchedulingStats, StopPolicy, TopologyInfo, UnhealthyNode,
    WorkloadSchedulingStatsEviction,
};
