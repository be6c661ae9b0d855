//! The deprecated `Cohort` custom resource, `kueue.x-k8s.io/v1beta1`, and its conversion
//! to v1beta2.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::optional_spec::optional_spec_serde;

use super::fairsharing::FairSharingStatus;
use crate::v1beta2::{self, FairSharing, ResourceGroup};

/// The desired state of a Cohort in the deprecated v1beta1 form, which has the same fields
/// as v1beta2.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(remote = "Self")]
#[kube(
    group = "kueue.x-k8s.io",
    version = "v1beta1",
    kind = "Cohort",
    status = "CohortStatus",
    derive = "PartialEq",
    derive = "Default",
    shortname = "co",
    storage = false,
    deprecated = "This version is deprecated. Use v1beta2 instead.",
    doc = "A group of ClusterQueues and child Cohorts that share and borrow quota; cohorts \
           form a tree."
)]
#[serde(rename_all = "camelCase")]
pub struct CohortSpec {
    /// The parent Cohort. Unset makes this Cohort the root of its tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN))]
    pub parent_name: Option<String>,

    /// Quota that this Cohort adds on top of its members' quota, at most 16 groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 16), extend("x-kubernetes-list-type" = "atomic"))]
    pub resource_groups: Vec<ResourceGroup>,

    /// The weight of this Cohort when fair sharing is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair_sharing: Option<FairSharing>,
}

optional_spec_serde!(CohortSpec);

/// The observed state of a Cohort in the deprecated v1beta1 form.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CohortStatus {
    /// The fair sharing state, recorded only when fair sharing is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair_sharing: Option<FairSharingStatus>,
}

impl From<Cohort> for v1beta2::Cohort {
    fn from(cohort: Cohort) -> Self {
        let spec = cohort.spec;
        Self {
            metadata: cohort.metadata,
            spec: v1beta2::CohortSpec {
                parent_name: spec.parent_name,
                resource_groups: spec.resource_groups,
                fair_sharing: spec.fair_sharing,
            },
            status: cohort.status.map(|status| v1beta2::CohortStatus {
                fair_sharing: status.fair_sharing.map(Into::into),
            }),
        }
    }
}
