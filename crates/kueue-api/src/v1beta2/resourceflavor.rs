//! The `ResourceFlavor` custom resource, `kueue.x-k8s.io/v1beta2`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Taint, Toleration};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::optional_spec::optional_spec_serde;

/// The desired state of a ResourceFlavor: the nodes a flavor of quota stands for.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(remote = "Self")]
#[kube(
    group = "kueue.x-k8s.io",
    version = "v1beta2",
    kind = "ResourceFlavor",
    derive = "PartialEq",
    derive = "Default",
    shortname = "flavor",
    shortname = "flavors",
    shortname = "rf",
    doc = "A variant of resources, such as a GPU model or spot capacity, identified by node \
           labels and taints; ClusterQueues give quota per flavor."
)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [
    {
        "rule": "!has(self.topologyName) || self.nodeLabels.size() >= 1",
        "message": "at least one nodeLabel is required when topology is set",
    },
    {
        "rule": "!has(oldSelf.topologyName) || (has(self.nodeLabels) == has(oldSelf.nodeLabels) && (!has(self.nodeLabels) || self.nodeLabels == oldSelf.nodeLabels))",
        "message": "nodeLabels are immutable when topologyName is set",
    },
    {
        "rule": "!has(oldSelf.topologyName) || (has(self.tolerations) == has(oldSelf.tolerations) && (!has(self.tolerations) || self.tolerations == oldSelf.tolerations))",
        "message": "tolerations are immutable when topologyName is set",
    },
    {
        "rule": "!has(oldSelf.topologyName) || (has(self.topologyName) && self.topologyName == oldSelf.topologyName)",
        "message": "topologyName is immutable when topologyName is set",
    },
]))]
pub struct ResourceFlavorSpec {
    /// Node labels that identify the nodes of this flavor, at most 8.
    ///
    /// A pod set can only be assigned a flavor whose labels agree with the pod set's node
    /// selector and node affinity. Once assigned, the integration adds these labels to the
    /// pods' node selector.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend("maxProperties" = 8, "x-kubernetes-map-type" = "atomic"))]
    pub node_labels: BTreeMap<String, String>,

    /// Taints that the nodes of this flavor carry, at most 8.
    ///
    /// A pod set gets this flavor only if it tolerates these taints, unless the flavor's own
    /// `tolerations` cover them. Only the `NoSchedule` and `NoExecute` effects count;
    /// `PreferNoSchedule` is ignored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 8),
        extend(
            "x-kubernetes-list-type" = "atomic",
            "x-kubernetes-validations" = [{
                "rule": "self.all(x, x.effect in ['NoSchedule', 'PreferNoSchedule', 'NoExecute'])",
                "message": "supported taint effect values: 'NoSchedule', 'PreferNoSchedule', 'NoExecute'",
            }]
        )
    )]
    pub node_taints: Vec<Taint>,

    /// Tolerations that Kueue adds to the pods admitted on this flavor, at most 8.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 8),
        extend(
            "x-kubernetes-list-type" = "atomic",
            "x-kubernetes-validations" = [
                {
                    "rule": "self.all(x, !has(x.key) ? x.operator == 'Exists' : true)",
                    "message": "operator must be Exists when 'key' is empty, which means 'match all values and all keys'",
                },
                {
                    "rule": "self.all(x, has(x.tolerationSeconds) ? x.effect == 'NoExecute' : true)",
                    "message": "effect must be 'NoExecute' when 'tolerationSeconds' is set",
                },
                {
                    "rule": "self.all(x, !has(x.operator) || x.operator in ['Equal', 'Exists'])",
                    "message": "supported toleration values: 'Equal'(default), 'Exists'",
                },
                {
                    "rule": "self.all(x, has(x.operator) && x.operator == 'Exists' ? !has(x.value) : true)",
                    "message": "a value must be empty when 'operator' is 'Exists'",
                },
                {
                    "rule": "self.all(x, !has(x.effect) || x.effect in ['NoSchedule', 'PreferNoSchedule', 'NoExecute'])",
                    "message": "supported taint effect values: 'NoSchedule', 'PreferNoSchedule', 'NoExecute'",
                },
            ]
        )
    )]
    pub tolerations: Vec<Toleration>,

    /// The Topology of this flavor, for topology-aware scheduling.
    ///
    /// When set, Kueue reads the topology of the nodes that match `nodeLabels`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN))]
    pub topology_name: Option<String>,
}

optional_spec_serde!(ResourceFlavorSpec);
