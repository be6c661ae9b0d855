//! The v1beta1 fair sharing status, which also carries the admission fair sharing state.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::v1beta2;

/// The fair sharing state Kueue records for a ClusterQueue, Cohort or LocalQueue.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FairSharingStatus {
    /// The weighted share: the largest ratio, over all resources, of usage above nominal quota
    /// to the quota the cohort can lend, divided by the weight.
    pub weighted_share: i64,

    /// The state used by admission fair sharing. Only LocalQueues have it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission_fair_sharing_status: Option<AdmissionFairSharingStatus>,
}

/// The decayed resource usage that admission fair sharing keeps for a LocalQueue.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionFairSharingStatus {
    /// The resource usage over time, with the configured decay applied.
    pub consumed_resources: BTreeMap<String, Quantity>,

    /// When the share and the consumed resources were last updated.
    pub last_update: Time,
}

impl From<FairSharingStatus> for v1beta2::FairSharingStatus {
    /// Keeps the weighted share, because v1beta2 has no admission fair sharing state here.
    fn from(status: FairSharingStatus) -> Self {
        Self {
            weighted_share: status.weighted_share,
        }
    }
}

impl From<FairSharingStatus> for v1beta2::LocalQueueFairSharingStatus {
    fn from(status: FairSharingStatus) -> Self {
        Self {
            weighted_share: status.weighted_share,
            admission_fair_sharing_status: status.admission_fair_sharing_status.map(Into::into),
        }
    }
}

impl From<AdmissionFairSharingStatus> for v1beta2::LocalQueueAdmissionFairSharingStatus {
    fn from(status: AdmissionFairSharingStatus) -> Self {
        Self {
            consumed_resources: status.consumed_resources,
            last_update: status.last_update,
        }
    }
}
