//! The `Workload` custom resource, `kueue.x-k8s.io/v1beta2`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{PodTemplateSpec, Toleration};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::optional_spec::optional_spec_serde;

/// The desired state of a Workload: a unit of admission made of pod sets.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(remote = "Self")]
#[kube(
    group = "kueue.x-k8s.io",
    version = "v1beta2",
    kind = "Workload",
    namespaced,
    status = "WorkloadStatus",
    derive = "PartialEq",
    derive = "Default",
    shortname = "kwl",
    shortname = "kueueworkload",
    shortname = "kueueworkloads",
    doc = "The unit Kueue queues and admits: the pod sets of one job together with their \
           admission state.",
    selectable = ".status.admission.clusterQueue",
    validation = ::kube::core::Rule::new(
        "has(self.status) && has(self.status.conditions) && self.status.conditions.exists(c, c.type == 'QuotaReserved' && c.status == 'True') && has(self.status.admission) ? size(self.spec.podSets) == size(self.status.admission.podSetAssignments) : true"
    ).message("podSetAssignments must have the same number of podSets as the spec"),
    validation = ::kube::core::Rule::new(
        "(has(oldSelf.status) && has(oldSelf.status.conditions) && oldSelf.status.conditions.exists(c, c.type == 'QuotaReserved' && c.status == 'True')) ? (!has(oldSelf.spec.priorityClassRef) && !has(self.spec.priorityClassRef)) || (has(oldSelf.spec.priorityClassRef) && has(self.spec.priorityClassRef)) : true"
    ).message("priorityClassRef is immutable while workload quota reserved"),
    validation = ::kube::core::Rule::new(
        "(has(oldSelf.status) && has(oldSelf.status.conditions) && oldSelf.status.conditions.exists(c, c.type == 'QuotaReserved' && c.status == 'True') && has(oldSelf.spec.priorityClassRef) && has(self.spec.priorityClassRef)) ? oldSelf.spec.priorityClassRef.group == self.spec.priorityClassRef.group : true"
    ).message("priorityClassRef.group is immutable while workload quota reserved"),
    validation = ::kube::core::Rule::new(
        "(has(oldSelf.status) && has(oldSelf.status.conditions) && oldSelf.status.conditions.exists(c, c.type == 'QuotaReserved' && c.status == 'True') && has(oldSelf.spec.priorityClassRef) && has(self.spec.priorityClassRef)) ? oldSelf.spec.priorityClassRef.kind == self.spec.priorityClassRef.kind : true"
    ).message("priorityClassRef.kind is immutable while workload quota reserved"),
    validation = ::kube::core::Rule::new(
        "(has(oldSelf.status) && has(oldSelf.status.conditions) && oldSelf.status.conditions.exists(c, c.type == 'QuotaReserved' && c.status == 'True') && has(oldSelf.spec.priorityClassRef) && has(self.spec.priorityClassRef) && self.spec.priorityClassRef.group == 'scheduling.k8s.io' && self.spec.priorityClassRef.kind == 'PriorityClass') ? oldSelf.spec.priorityClassRef.name == self.spec.priorityClassRef.name : true"
    ).message("priorityClassRef.name is immutable for scheduling.k8s.io/priorityclass while workload quota reserved"),
    validation = ::kube::core::Rule::new(
        "((has(oldSelf.status) && has(oldSelf.status.conditions) && oldSelf.status.conditions.exists(c, c.type == 'QuotaReserved' && c.status == 'True')) && (has(self.status) && has(self.status.conditions) && self.status.conditions.exists(c, c.type == 'QuotaReserved' && c.status == 'True'))) ? ((has(oldSelf.spec.queueName) == has(self.spec.queueName)) && (!has(oldSelf.spec.queueName) || oldSelf.spec.queueName == self.spec.queueName)) : true"
    ).message("queueName is immutable while workload quota reserved"),
    validation = ::kube::core::Rule::new(
        "((has(oldSelf.status) && has(oldSelf.status.conditions) && oldSelf.status.conditions.exists(c, c.type == 'Admitted' && c.status == 'True')) && (has(self.status) && has(self.status.conditions) && self.status.conditions.exists(c, c.type == 'Admitted' && c.status == 'True')))?((has(oldSelf.spec.maximumExecutionTimeSeconds)?oldSelf.spec.maximumExecutionTimeSeconds:0) ==  (has(self.spec.maximumExecutionTimeSeconds)?self.spec.maximumExecutionTimeSeconds:0)):true"
    ).message("maximumExecutionTimeSeconds is immutable while workload quota reserved"),
    printcolumn = r#"{"name":"Queue","type":"string","jsonPath":".spec.queueName","description":"Name of the queue this workload was submitted to"}"#,
    printcolumn = r#"{"name":"Reserved in","type":"string","jsonPath":".status.admission.clusterQueue","description":"Name of the ClusterQueue where the workload is reserving quota"}"#,
    printcolumn = r#"{"name":"Admitted","type":"string","jsonPath":".status.conditions[?(@.type=='Admitted')].status","description":"Admission status"}"#,
    printcolumn = r#"{"name":"Finished","type":"string","jsonPath":".status.conditions[?(@.type=='Finished')].status","description":"Workload finished"}"#,
    printcolumn = r#"{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp","description":"Time this workload was created"}"#
)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [{
    "rule": "!has(self.priorityClassRef) || has(self.priority)",
    "message": "priority should not be nil when priorityClassRef is set",
}]))]
pub struct WorkloadSpec {
    /// The pod sets of the workload, each a group of identical pods.
    ///
    /// Between 1 and 18 pod sets with unique names. They cannot be changed.
    #[serde(default)]
    #[schemars(
        transform = crate::schema::remove_default,
        length(min = 1, max = 18),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub pod_sets: Vec<PodSet>,

    /// The LocalQueue the workload was submitted to.
    ///
    /// It cannot be changed while the workload reserves quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN))]
    pub queue_name: Option<String>,

    /// The PriorityClass or WorkloadPriorityClass that sets the workload's priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_class_ref: Option<PriorityClassRef>,

    /// The priority of the workload in its ClusterQueue. Higher values are admitted first.
    ///
    /// Kueue copies it from the class in `priorityClassRef`, and it must be set when
    /// `priorityClassRef` is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,

    /// Whether the workload may be admitted. Defaults to true.
    ///
    /// Setting it to false evicts the workload if it is running and keeps it from being
    /// admitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = true))]
    pub active: Option<bool>,

    /// The maximum time, in seconds, the workload may stay admitted before Kueue deactivates
    /// it. At least 1, and no limit when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub maximum_execution_time_seconds: Option<i32>,

    /// Gates that must open before the workload may trigger preemptions, at most 8. Gates
    /// start closed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 8),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub preemption_gates: Vec<PreemptionGate>,
}

optional_spec_serde!(WorkloadSpec);

/// A reference to the object that sets a workload's priority.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [
    {
        "rule": "(self.group == 'scheduling.k8s.io') ? self.kind == 'PriorityClass' : true",
        "message": "only the PriorityClass kind is allowed for the scheduling.k8s.io group",
    },
    {
        "rule": "(self.group == 'kueue.x-k8s.io') ? self.kind == 'WorkloadPriorityClass' : true",
        "message": "only the WorkloadPriorityClass kind is allowed for the kueue.x-k8s.io group",
    },
]))]
pub struct PriorityClassRef {
    /// The API group of the class: `scheduling.k8s.io` for a pod PriorityClass,
    /// `kueue.x-k8s.io` for a WorkloadPriorityClass.
    pub group: PriorityClassGroup,

    /// The kind of the class: `PriorityClass` or `WorkloadPriorityClass`.
    pub kind: PriorityClassKind,

    /// The name of the class.
    #[schemars(
        length(min = 1, max = 253),
        regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN)
    )]
    pub name: String,
}

impl PriorityClassRef {
    /// Builds a reference to the WorkloadPriorityClass `name`.
    #[must_use]
    pub fn workload_priority_class(name: impl Into<String>) -> Self {
        Self {
            group: PriorityClassGroup::Kueue,
            kind: PriorityClassKind::WorkloadPriorityClass,
            name: name.into(),
        }
    }

    /// Builds a reference to the pod PriorityClass `name`.
    #[must_use]
    pub fn pod_priority_class(name: impl Into<String>) -> Self {
        Self {
            group: PriorityClassGroup::Scheduling,
            kind: PriorityClassKind::PriorityClass,
            name: name.into(),
        }
    }
}

/// The API group of a priority class.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[schemars(transform = crate::schema::remove_description)]
pub enum PriorityClassGroup {
    /// `kueue.x-k8s.io`, the group of WorkloadPriorityClass.
    #[serde(rename = "kueue.x-k8s.io")]
    Kueue,
    /// `scheduling.k8s.io`, the group of the pod PriorityClass.
    #[serde(rename = "scheduling.k8s.io")]
    Scheduling,
}

/// The kind of a priority class.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[schemars(transform = crate::schema::remove_description)]
pub enum PriorityClassKind {
    /// Kueue's WorkloadPriorityClass.
    WorkloadPriorityClass,
    /// The pod PriorityClass of `scheduling.k8s.io`.
    PriorityClass,
}

/// A group of identical pods within a Workload.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(
    transform = crate::schema::require_template,
    extend("x-kubernetes-validations" = [{
        "rule": "has(self.minCount) ? self.minCount <= self.count : true",
        "message": "minCount should be positive and less or equal to count",
    }])
)]
pub struct PodSet {
    /// The pod set's name, unique within the Workload; `main` when not set.
    #[serde(default = "default_pod_set_name")]
    #[schemars(length(max = 63), regex(pattern = crate::schema::DNS_LABEL_PATTERN))]
    pub name: String,

    /// The template of the pods in this pod set.
    ///
    /// Kueue charges quota for the containers' and init containers' requests, the pod
    /// overhead, and the devices of the pod-level `resourceClaims`.
    #[serde(default)]
    #[schemars(transform = crate::schema::remove_default)]
    pub template: PodTemplateSpec,

    /// The number of pods in this pod set, not negative. Defaults to 1.
    #[serde(default = "default_pod_count")]
    #[schemars(range(min = 0))]
    pub count: i32,

    /// The minimum number of pods that can be admitted with partial admission.
    ///
    /// At least 1 and at most `count`. Only used when the PartialAdmission feature is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub min_count: Option<i32>,

    /// The requested placement of the pods in the topology, for topology-aware scheduling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology_request: Option<PodSetTopologyRequest>,
}

fn default_pod_set_name() -> String {
    "main".to_owned()
}

fn default_pod_count() -> i32 {
    1
}

/// The topology request of a pod set, which Kueue copies from the pod set's
/// `kueue.x-k8s.io/podset-*-topology` annotations.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodSetTopologyRequest {
    /// The topology level that all pods must share, at most 63 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 63))]
    pub required: Option<String>,

    /// The topology level the pods should share if possible, at most 63 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 63))]
    pub preferred: Option<String>,

    /// Whether Kueue may place the pods anywhere in the available capacity, without keeping
    /// them close together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unconstrained: Option<bool>,

    /// The label whose value is each pod's index, such as
    /// `kubernetes.io/job-completion-index`, at most 317 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 317))]
    pub pod_index_label: Option<String>,

    /// The label whose value is the index of each replicated job in the pod set, such as
    /// `jobset.sigs.k8s.io/job-index`, at most 317 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 317))]
    pub sub_group_index_label: Option<String>,

    /// The number of replicated jobs in the pod set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_group_count: Option<i32>,

    /// The group of pod sets that must get the same ResourceFlavor, at most 256 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 256))]
    pub pod_set_group_name: Option<String>,

    /// The topology level that each slice of the pod set must share, at most 63 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 63))]
    pub pod_set_slice_required_topology: Option<String>,

    /// The number of pods in each slice placed in one `podSetSliceRequiredTopology` domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_set_slice_size: Option<i32>,

    /// Slice constraints for several topology levels, from the coarsest level to the finest,
    /// at most 3.
    ///
    /// Cannot be combined with `podSetSliceRequiredTopology` and `podSetSliceSize`. Needs the
    /// alpha TASMultiLayerTopology feature gate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 3), extend("x-kubernetes-list-type" = "atomic"))]
    pub podset_slice_required_topology_constraints: Vec<PodsetSliceRequiredTopologyConstraint>,
}

/// One level of slice constraints in a topology request.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodsetSliceRequiredTopologyConstraint {
    /// The topology level each slice at this layer must share.
    #[schemars(length(min = 1, max = 63))]
    pub topology: String,

    /// The number of pods in each slice at this layer, at least 1.
    #[schemars(range(min = 1))]
    pub size: i32,
}

/// A gate that controls whether a workload may trigger preemptions.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreemptionGate {
    /// The name of the gate.
    #[schemars(length(min = 1, max = 63))]
    pub name: String,
}

/// The observed state of a Workload.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [
    {
        "rule": "!has(oldSelf.clusterName) || !has(self.clusterName) || oldSelf.clusterName == self.clusterName",
        "message": "clusterName is immutable once set",
    },
    {
        "rule": "!has(self.clusterName) || (!has(self.nominatedClusterNames) || (has(self.nominatedClusterNames) && size(self.nominatedClusterNames) == 0))",
        "message": "clusterName and nominatedClusterNames are mutually exclusive",
    },
]))]
pub struct WorkloadStatus {
    /// The latest observations of the Workload's state (`QuotaReserved`, `Admitted`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 16),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"])
    )]
    pub conditions: Vec<Condition>,

    /// The ClusterQueue and flavors the Workload reserved quota in, once it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission: Option<Admission>,

    /// The number of times the workload was requeued after eviction, and when it may be
    /// queued again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requeue_state: Option<RequeueState>,

    /// The pods of each pod set that finished and whose quota can be released, at most 18.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 18),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub reclaimable_pods: Vec<ReclaimablePod>,

    /// The state of the admission checks the workload needs, at most 8.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 8),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub admission_checks: Vec<AdmissionCheckState>,

    /// The total resources each pod set requests, for all its pods, at most 18.
    ///
    /// Kueue writes it while the workload is not admitted. The totals include LimitRange
    /// defaults, RuntimeClass overheads and the quota resources that DRA devices map to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 18),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub resource_requests: Vec<PodSetRequest>,

    /// The seconds the workload spent admitted in earlier admissions, counted against
    /// `maximumExecutionTimeSeconds`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accumulated_past_execution_time_seconds: Option<i32>,

    /// Statistics about the workload's scheduling, such as its evictions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduling_stats: Option<SchedulingStats>,

    /// The MultiKueue worker clusters considered for the workload, at most 20. Unset once
    /// `clusterName` is set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 20),
        inner(length(max = 256)),
        extend("x-kubernetes-list-type" = "atomic")
    )]
    pub nominated_cluster_names: Vec<String>,

    /// The MultiKueue worker cluster that admitted the workload. It cannot change once set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 256))]
    pub cluster_name: Option<String>,

    /// The nodes, failed or unreachable, that the workload's pods ran on and that Kueue must
    /// replace, at most 8.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 8),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub unhealthy_nodes: Vec<UnhealthyNode>,

    /// The positions of the workload's preemption gates, at most 8.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 8),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub preemption_gates: Vec<PreemptionGateState>,
}

/// The ClusterQueue and per-pod-set assignments of a Workload's quota reservation.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Admission {
    /// The ClusterQueue that reserved the quota.
    #[serde(default)]
    #[schemars(
        transform = crate::schema::remove_default,
        length(max = 253),
        regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN)
    )]
    pub cluster_queue: String,

    /// One assignment per pod set.
    #[serde(default)]
    #[schemars(
        transform = crate::schema::remove_default,
        length(max = 18),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub pod_set_assignments: Vec<PodSetAssignment>,
}

/// The flavors and resource usage assigned to one pod set at admission.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodSetAssignment {
    /// The pod set this assignment is for.
    #[serde(default = "default_pod_set_name")]
    #[schemars(length(max = 63), regex(pattern = crate::schema::DNS_LABEL_PATTERN))]
    pub name: String,

    /// The ResourceFlavor assigned to each resource.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend("additionalProperties" = {
        "type": "string",
        "maxLength": 253,
        "pattern": crate::schema::DNS_SUBDOMAIN_PATTERN,
    }))]
    pub flavors: BTreeMap<String, String>,

    /// The quota charged for the whole pod set, `count` pods included.
    ///
    /// Besides the pod templates, Kueue counts the LimitRange defaults and RuntimeClass
    /// overheads in force at admission. The value does not change when quota is reclaimed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resource_usage: BTreeMap<String, Quantity>,

    /// The number of pods admitted.
    ///
    /// Workloads created before Kueue recorded this field lack it. The pod set's `count`
    /// applies to them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub count: Option<i32>,

    /// The topology domains, at the lowest topology level, that the pods are assigned to,
    /// with the number of pods per domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology_assignment: Option<TopologyAssignment>,

    /// The state of a topology request that Kueue computes after quota is reserved, such as
    /// one that waits for a ProvisioningRequest: `Pending` or `Ready`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("maxLength" = 7))]
    pub delayed_topology_request: Option<DelayedTopologyRequestState>,
}

/// The state of a delayed topology request.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[schemars(transform = crate::schema::remove_description)]
pub enum DelayedTopologyRequestState {
    /// The topology assignment is still to be computed.
    Pending,
    /// The topology assignment is computed.
    Ready,
}

/// The topology domains assigned to the pods of a pod set.
///
/// The domains are encoded compactly in slices. Each slice contains `domainCount` domains and,
/// for every level, either one value shared by all its domains or one value per domain
/// built from a common prefix, a root and a common suffix.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [{
    "rule": "self.slices.all(x, size(x.valuesPerLevel) == size(self.levels))",
    "message": "valuesPerLevel must have the same length as the number of levels in this TopologyAssignment",
}]))]
pub struct TopologyAssignment {
    /// The node label keys of the topology levels, from the top level down, between 1 and
    /// 16.
    #[schemars(
        length(min = 1, max = 16),
        inner(length(max = 317)),
        extend("x-kubernetes-list-type" = "atomic")
    )]
    pub levels: Vec<String>,

    /// The slices of assigned domains, at most 1000.
    #[schemars(length(max = 1000), extend("x-kubernetes-list-type" = "atomic"))]
    pub slices: Vec<TopologyAssignmentSlice>,
}

/// A group of topology domains encoded together.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [
    {
        "rule": "!has(self.podCounts.individual) || size(self.podCounts.individual) == self.domainCount",
        "message": "podCounts.individual must have length equal to domainCount",
    },
    {
        "rule": "self.valuesPerLevel.all(x, !has(x.individual) || size(x.individual.roots) == self.domainCount)",
        "message": "valuesPerLevel.individual, if set, must have roots of length equal to domainCount of this TopologyAssignmentSlice",
    },
]))]
pub struct TopologyAssignmentSlice {
    /// The number of domains in this slice, at least 1.
    #[schemars(range(min = 1))]
    pub domain_count: i32,

    /// The domain values for each level of the assignment, in level order.
    #[schemars(length(min = 1, max = 16), extend("x-kubernetes-list-type" = "atomic"))]
    pub values_per_level: Vec<TopologyAssignmentSliceLevelValues>,

    /// The number of pods in each domain of this slice.
    pub pod_counts: TopologyAssignmentSlicePodCounts,
}

/// The values of one topology level for the domains of a slice. Exactly one field is set.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [{
    "rule": "has(self.universal) != has(self.individual)",
    "message": "exactly one of the fields in [universal individual] must be set",
}]))]
pub struct TopologyAssignmentSliceLevelValues {
    /// The value shared by every domain of the slice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 63))]
    pub universal: Option<String>,

    /// One value per domain of the slice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub individual: Option<TopologyAssignmentSliceLevelIndividualValues>,
}

/// One value per domain, written as `prefix + root + suffix`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopologyAssignmentSliceLevelIndividualValues {
    /// The text that starts every value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 63))]
    pub prefix: Option<String>,

    /// The text that ends every value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 63))]
    pub suffix: Option<String>,

    /// The part of each value between prefix and suffix, one per domain.
    #[schemars(
        length(min = 1, max = 100_000),
        inner(length(max = 63)),
        extend("x-kubernetes-list-type" = "atomic")
    )]
    pub roots: Vec<String>,
}

/// The number of pods in each domain of a slice. Exactly one field is set.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [{
    "rule": "[has(self.universal),has(self.individual)].filter(x,x==true).size() == 1",
    "message": "exactly one of the fields in [universal individual] must be set",
}]))]
pub struct TopologyAssignmentSlicePodCounts {
    /// The number of pods in every domain of the slice, at least 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub universal: Option<i32>,

    /// The number of pods in each domain of the slice, each at least 1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(min = 1, max = 100_000),
        inner(range(min = 1)),
        extend("x-kubernetes-list-type" = "atomic")
    )]
    pub individual: Vec<i32>,
}

/// Scheduling statistics of a workload.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SchedulingStats {
    /// The number of evictions per reason and underlying cause, at most 256 entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 256),
        extend(
            "x-kubernetes-list-type" = "map",
            "x-kubernetes-list-map-keys" = ["reason", "underlyingCause"]
        )
    )]
    pub evictions: Vec<WorkloadSchedulingStatsEviction>,
}

/// The number of evictions of a workload for one reason.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadSchedulingStatsEviction {
    /// The reason of the evictions, such as `Preempted` or `PodsReadyTimeout`.
    #[schemars(length(max = 316))]
    pub reason: String,

    /// The cause behind the reason, such as `InCohortReclamation` for a preemption. Empty
    /// when there is none.
    #[schemars(length(max = 316))]
    pub underlying_cause: String,

    /// The number of evictions, not negative.
    #[schemars(range(min = 0))]
    pub count: i32,
}

/// A node that the workload's pods must move away from.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnhealthyNode {
    /// The name of the node.
    #[schemars(length(max = 63))]
    pub name: String,
}

/// The requeue history of an evicted workload.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequeueState {
    /// The number of times the workload was requeued after eviction, not negative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub count: Option<i32>,

    /// When the workload may be queued again. Kueue clears it once the backoff has passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requeue_at: Option<Time>,
}

/// The state of one admission check for a workload.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = crate::schema::require_last_transition_time)]
pub struct AdmissionCheckState {
    /// The name of the AdmissionCheck.
    #[schemars(length(min = 1, max = 316))]
    pub name: String,

    /// The state of the check: `Pending`, `Ready`, `Retry` or `Rejected`.
    pub state: CheckState,

    /// When the state last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,

    /// A human-readable explanation of the state, at most 32768 characters.
    #[schemars(length(max = 32768))]
    pub message: String,

    /// The seconds to wait after `lastTransitionTime` before the check is retried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub requeue_after_seconds: Option<i32>,

    /// The number of times the check was retried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub retry_count: Option<i32>,

    /// Changes to the pod sets that the check requests before the pods start, at most 18.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 18), extend("x-kubernetes-list-type" = "atomic"))]
    pub pod_set_updates: Vec<PodSetUpdate>,
}

/// The state of an admission check.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[schemars(transform = crate::schema::remove_description)]
pub enum CheckState {
    /// The check has not passed yet. Kueue evaluates it again after quota is reserved.
    Pending,
    /// The check passed.
    Ready,
    /// The check cannot pass now. The workload is evicted if admitted and retried later.
    Retry,
    /// The check will not pass. The workload is evicted if admitted and deactivated.
    Rejected,
}

/// Changes an admission check makes to the pods of one pod set.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodSetUpdate {
    /// The pod set to change.
    #[schemars(length(max = 63), regex(pattern = crate::schema::DNS_LABEL_PATTERN))]
    pub name: String,

    /// Labels to add to the pods.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,

    /// Annotations to add to the pods.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,

    /// Node selector entries to add to the pods.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,

    /// Tolerations to add to the pods, at most 8.
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
}

/// The number of finished pods of a pod set whose quota can be released.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReclaimablePod {
    /// The pod set.
    #[schemars(length(max = 63), regex(pattern = crate::schema::DNS_LABEL_PATTERN))]
    pub name: String,

    /// The number of pods whose quota can be released, not negative.
    #[schemars(range(min = 0))]
    pub count: i32,
}

/// The total resources one pod set requests.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodSetRequest {
    /// The pod set.
    #[schemars(length(max = 63), regex(pattern = crate::schema::DNS_LABEL_PATTERN))]
    pub name: String,

    /// The resources requested by all the pods of the pod set together.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resources: BTreeMap<String, Quantity>,
}

/// The position of one preemption gate.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = crate::schema::require_last_transition_time)]
pub struct PreemptionGateState {
    /// The name of the gate.
    #[schemars(length(min = 1, max = 63))]
    pub name: String,

    /// Whether the gate is `Closed` or `Open`.
    pub position: PreemptionGatePosition,

    /// When the position last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
}

/// The position of a preemption gate.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[schemars(transform = crate::schema::remove_description)]
pub enum PreemptionGatePosition {
    /// The workload may not trigger preemptions.
    Closed,
    /// The workload may trigger preemptions.
    Open,
}
