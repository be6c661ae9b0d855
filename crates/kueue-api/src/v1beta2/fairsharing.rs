//! Fair sharing settings and status shared by ClusterQueues, Cohorts and LocalQueues.

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The fair sharing weight of a ClusterQueue, Cohort or LocalQueue.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FairSharing {
    /// The relative weight of this queue or cohort when unused quota is shared.
    ///
    /// Kueue divides the usage above nominal quota by this weight to compute the share, then
    /// admits workloads from the lowest share first and preempts from the highest share first.
    /// A weight of 0 means an infinite share, so this queue always loses to the others. A weight
    /// other than 0 must be greater than 10^-9. Defaults to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 1))]
    pub weight: Option<Quantity>,
}

/// The fair sharing state Kueue records for a ClusterQueue or Cohort.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FairSharingStatus {
    /// The weighted share: the largest ratio, over all resources, of usage above nominal quota
    /// to the quota the cohort can lend, divided by the weight.
    ///
    /// 0 means the usage is within nominal quota. A borrowing node with weight 0 reports
    /// 9223372036854775807, the largest possible share.
    pub weighted_share: i64,
}

/// Whether a ClusterQueue orders its workloads by the historical usage of their LocalQueues.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionScope {
    /// The admission fair sharing mode: `UsageBasedAdmissionFairSharing` orders workloads by
    /// the decayed usage of their LocalQueues, `NoAdmissionFairSharing` turns it off.
    pub admission_mode: AdmissionMode,
}

/// The admission fair sharing mode of a ClusterQueue.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[schemars(transform = crate::schema::remove_description)]
pub enum AdmissionMode {
    /// Workloads are ordered by the decayed resource usage of their LocalQueues, then by the
    /// ClusterQueue's queueing strategy.
    UsageBasedAdmissionFairSharing,
    /// Admission fair sharing is off for this ClusterQueue.
    NoAdmissionFairSharing,
}
