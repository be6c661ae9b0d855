//! The `Cohort` custom resource, `kueue.x-k8s.io/v1beta2`.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::optional_spec::optional_spec_serde;

use super::clusterqueue::ResourceGroup;
use super::fairsharing::{FairSharing, FairSharingStatus};

/// The desired state of a Cohort: its parent and the quota it adds to its members.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(remote = "Self")]
#[kube(
    group = "kueue.x-k8s.io",
    version = "v1beta2",
    kind = "Cohort",
    status = "CohortStatus",
    derive = "PartialEq",
    derive = "Default",
    shortname = "co",
    doc = "A group of ClusterQueues and child Cohorts that share and borrow quota; cohorts \
           form a tree."
)]
#[serde(rename_all = "camelCase")]
pub struct CohortSpec {
    /// The parent Cohort.
    ///
    /// Unset makes this Cohort the root of its tree. A name with no Cohort object behind it
    /// acts as a Cohort without limits. While the parents form a cycle, every member of the
    /// cycle, ClusterQueues included, stops admitting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN))]
    pub parent_name: Option<String>,

    /// Quota that this Cohort adds on top of its members' quota, at most 16 groups.
    ///
    /// The members share this quota, and it can be lent to the parent within `lendingLimit`.
    /// `borrowingLimit` bounds how much the subtree borrows from its parent. Both limits need
    /// a parent. Kueue rejects them on a root Cohort.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 16), extend("x-kubernetes-list-type" = "atomic"))]
    pub resource_groups: Vec<ResourceGroup>,

    /// The weight of this Cohort when fair sharing is enabled in the Kueue configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair_sharing: Option<FairSharing>,
}

optional_spec_serde!(CohortSpec);

/// The observed state of a Cohort.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CohortStatus {
    /// The fair sharing state, recorded only when fair sharing is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair_sharing: Option<FairSharingStatus>,
}
