//! The deprecated `Workload` custom resource, `kueue.x-k8s.io/v1beta1`, and its conversion
//! to v1beta2.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::optional_spec::optional_spec_serde;

use super::topology::TopologyAssignment;
use crate::v1beta2::{
    self, AdmissionCheckState, DelayedTopologyRequestState, PodSetRequest, PriorityClassRef,
    ReclaimablePod, RequeueState, SchedulingStats, UnhealthyNode,
};

/// The `priorityClassSource` of a workload whose priority comes from a
/// WorkloadPriorityClass.
pub const WORKLOAD_PRIORITY_CLASS_SOURCE: &str = "kueue.x-k8s.io/workloadpriorityclass";

/// The `priorityClassSource` of a workload whose priority comes from a pod PriorityClass.
pub const POD_PRIORITY_CLASS_SOURCE: &str = "scheduling.k8s.io/priorityclass";

/// The desired state of a Workload in the deprecated v1beta1 form.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(remote = "Self")]
#[kube(
    group = "kueue.x-k8s.io",
    version = "v1beta1",
    kind = "Workload",
    namespaced,
    status = "WorkloadStatus",
    derive = "PartialEq",
    derive = "Default",
    shortname = "kwl",
    shortname = "kueueworkload",
    shortname = "kueueworkloads",
    storage = false,
    deprecated = "This version is deprecated. Use v1beta2 instead.",
    doc = "The unit Kueue queues and admits: the pod sets of one job together with their \
           admission state.",
    validation = ::kube::core::Rule::new(
        "has(self.status) && has(self.status.conditions) && self.status.conditions.exists(c, c.type == 'QuotaReserved' && c.status == 'True') && has(self.status.admission) ? size(self.spec.podSets) == size(self.status.admission.podSetAssignments) : true"
    ).message("podSetAssignments must have the same number of podSets as the spec"),
    validation = ::kube::core::Rule::new(
        "(has(oldSelf.status) && has(oldSelf.status.conditions) && oldSelf.status.conditions.exists(c, c.type == 'QuotaReserved' && c.status == 'True') && has(oldSelf.spec.priorityClassSource) && has(self.spec.priorityClassSource)) ? (oldSelf.spec.priorityClassSource == self.spec.priorityClassSource) : true"
    ).message("priorityClassSource is immutable while workload quota reserved"),
    validation = ::kube::core::Rule::new(
        "(has(oldSelf.status) && has(oldSelf.status.conditions) && oldSelf.status.conditions.exists(c, c.type == 'QuotaReserved' && c.status == 'True') && has(oldSelf.spec.priorityClassSource) && has(self.spec.priorityClassSource) && (self.spec.priorityClassSource != 'kueue.x-k8s.io/workloadpriorityclass') && has(oldSelf.spec.priorityClassName) && has(self.spec.priorityClassName)) ? (oldSelf.spec.priorityClassName == self.spec.priorityClassName) : true"
    ).message("priorityClassName is immutable while workload quota reserved and priorityClassSource is not equal to kueue.x-k8s.io/workloadpriorityclass"),
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
    "rule": "has(self.priorityClassName) ? has(self.priority) : true",
    "message": "priority should not be nil when priorityClassName is set",
}]))]
pub struct WorkloadSpec {
    /// The pod sets of the workload, between 1 and 18 with unique names. They cannot be
    /// changed.
    #[schemars(
        length(min = 1, max = 18),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub pod_sets: Vec<PodSet>,

    /// The LocalQueue the workload was submitted to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN))]
    pub queue_name: Option<String>,

    /// The name of the class that sets the workload's priority, whose kind
    /// `priorityClassSource` names. v1beta2 replaces both with `priorityClassRef`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN))]
    pub priority_class_name: Option<String>,

    /// The priority of the workload in its ClusterQueue. Higher values are admitted first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,

    /// The kind of class named by `priorityClassName`:
    /// `kueue.x-k8s.io/workloadpriorityclass`, `scheduling.k8s.io/priorityclass`, or empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend(
        "default" = "",
        "enum" = ["kueue.x-k8s.io/workloadpriorityclass", "scheduling.k8s.io/priorityclass", ""]
    ))]
    pub priority_class_source: Option<String>,

    /// Whether the workload may be admitted. Defaults to true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = true))]
    pub active: Option<bool>,

    /// The maximum time, in seconds, the workload may stay admitted before Kueue deactivates
    /// it. At least 1, and no limit when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub maximum_execution_time_seconds: Option<i32>,
}

optional_spec_serde!(WorkloadSpec);

/// A group of identical pods within a Workload.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(
    transform = crate::schema::require_template_and_count,
    extend("x-kubernetes-validations" = [{
        "rule": "has(self.minCount) ? self.minCount <= self.count : true",
        "message": "minCount should be positive and less or equal to count",
    }])
)]
pub struct PodSet {
    /// The pod set's name, unique within the Workload, and `main` when not set.
    #[serde(default = "default_pod_set_name")]
    #[schemars(length(max = 63), regex(pattern = crate::schema::DNS_LABEL_PATTERN))]
    pub name: String,

    /// The template of the pods in this pod set.
    pub template: PodTemplateSpec,

    /// The number of pods in this pod set, not negative. Defaults to 1.
    #[serde(default = "default_pod_count")]
    #[schemars(range(min = 0))]
    pub count: i32,

    /// The minimum number of pods that can be admitted with partial admission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub min_count: Option<i32>,

    /// The requested placement of the pods in the topology.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology_request: Option<PodSetTopologyRequest>,
}

fn default_pod_set_name() -> String {
    "main".to_owned()
}

fn default_pod_count() -> i32 {
    1
}

/// The topology request of a pod set in the v1beta1 form, which lacks the multi-layer slice
/// constraints.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodSetTopologyRequest {
    /// The topology level that all pods must share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<String>,

    /// The topology level the pods should share if possible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred: Option<String>,

    /// Whether Kueue may place the pods anywhere in the available capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unconstrained: Option<bool>,

    /// The label whose value is each pod's index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_index_label: Option<String>,

    /// The label whose value is the index of each replicated job in the pod set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_group_index_label: Option<String>,

    /// The number of replicated jobs in the pod set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_group_count: Option<i32>,

    /// The group of pod sets that must get the same ResourceFlavor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_set_group_name: Option<String>,

    /// The topology level that each slice of the pod set must share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_set_slice_required_topology: Option<String>,

    /// The number of pods in each slice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_set_slice_size: Option<i32>,
}

/// The observed state of a Workload in the deprecated v1beta1 form.
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
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"]))]
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        length(max = 18),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub resource_requests: Vec<PodSetRequest>,

    /// The seconds the workload spent admitted in earlier admissions.
    ///
    /// The JSON name keeps Kueue's v1beta1 misspelling, `accumulatedPastExexcutionTimeSeconds`;
    /// v1beta2 spells it `accumulatedPastExecutionTimeSeconds`.
    #[serde(
        default,
        rename = "accumulatedPastExexcutionTimeSeconds",
        skip_serializing_if = "Option::is_none"
    )]
    pub accumulated_past_exexcution_time_seconds: Option<i32>,

    /// Statistics about the workload's scheduling, such as its evictions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduling_stats: Option<SchedulingStats>,

    /// The MultiKueue worker clusters considered for the workload, at most 20.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 20), extend("x-kubernetes-list-type" = "atomic"))]
    pub nominated_cluster_names: Vec<String>,

    /// The MultiKueue worker cluster that admitted the workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,

    /// The nodes the workload's pods must move away from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unhealthy_nodes: Vec<UnhealthyNode>,
}

/// The ClusterQueue and flavors in which a Workload reserved quota, in the v1beta1 form.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Admission {
    /// The ClusterQueue that reserved the quota.
    #[schemars(length(max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN))]
    pub cluster_queue: String,

    /// One assignment per pod set, at most 18.
    #[schemars(
        length(max = 18),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub pod_set_assignments: Vec<PodSetAssignment>,
}

/// The flavors and resource usage assigned to one pod set at admission, in the v1beta1 form.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodSetAssignment {
    /// The pod set this assignment is for.
    #[schemars(
        length(max = 63),
        regex(pattern = crate::schema::DNS_LABEL_PATTERN),
        extend("default" = "main")
    )]
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
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resource_usage: BTreeMap<String, Quantity>,

    /// The number of pods admitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub count: Option<i32>,

    /// The topology domains the pods are assigned to, one entry per domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology_assignment: Option<TopologyAssignment>,

    /// The state of a topology request that Kueue computes after quota is reserved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delayed_topology_request: Option<DelayedTopologyRequestState>,
}

impl From<Workload> for v1beta2::Workload {
    fn from(workload: Workload) -> Self {
        Self {
            metadata: workload.metadata,
            spec: workload.spec.into(),
            status: workload.status.map(Into::into),
        }
    }
}

impl From<WorkloadSpec> for v1beta2::WorkloadSpec {
    /// Turns `priorityClassName` and `priorityClassSource` into `priorityClassRef`. A source
    /// other than the two known ones, or none, leaves `priorityClassRef` unset.
    fn from(spec: WorkloadSpec) -> Self {
        let class_name = spec.priority_class_name.unwrap_or_default();
        let priority_class_ref = match spec.priority_class_source.as_deref() {
            Some(WORKLOAD_PRIORITY_CLASS_SOURCE) => {
                Some(PriorityClassRef::workload_priority_class(class_name))
            }
            Some(POD_PRIORITY_CLASS_SOURCE) => {
                Some(PriorityClassRef::pod_priority_class(class_name))
            }
            _ => None,
        };

        Self {
            pod_sets: spec.pod_sets.into_iter().map(Into::into).collect(),
            queue_name: spec.queue_name,
            priority_class_ref,
            priority: spec.priority,
            active: spec.active,
            maximum_execution_time_seconds: spec.maximum_execution_time_seconds,
            preemption_gates: Vec::new(),
        }
    }
}

impl From<PodSet> for v1beta2::PodSet {
    fn from(pod_set: PodSet) -> Self {
        Self {
            name: pod_set.name,
            template: pod_set.template,
            count: pod_set.count,
            min_count: pod_set.min_count,
            topology_request: pod_set.topology_request.map(Into::into),
        }
    }
}

impl From<PodSetTopologyRequest> for v1beta2::PodSetTopologyRequest {
    fn from(request: PodSetTopologyRequest) -> Self {
        Self {
            required: request.required,
            preferred: request.preferred,
            unconstrained: request.unconstrained,
            pod_index_label: request.pod_index_label,
            sub_group_index_label: request.sub_group_index_label,
            sub_group_count: request.sub_group_count,
            pod_set_group_name: request.pod_set_group_name,
            pod_set_slice_required_topology: request.pod_set_slice_required_topology,
            pod_set_slice_size: request.pod_set_slice_size,
            podset_slice_required_topology_constraints: Vec::new(),
        }
    }
}

impl From<WorkloadStatus> for v1beta2::WorkloadStatus {
    /// Renames the misspelled `accumulatedPastExexcutionTimeSeconds` and converts each
    /// topology assignment to the compact v1beta2 encoding.
    fn from(status: WorkloadStatus) -> Self {
        Self {
            conditions: status.conditions,
            admission: status.admission.map(Into::into),
            requeue_state: status.requeue_state,
            reclaimable_pods: status.reclaimable_pods,
            admission_checks: status.admission_checks,
            resource_requests: status.resource_requests,
            accumulated_past_execution_time_seconds: status
                .accumulated_past_exexcution_time_seconds,
            scheduling_stats: status.scheduling_stats,
            nominated_cluster_names: status.nominated_cluster_names,
            cluster_name: status.cluster_name,
            unhealthy_nodes: status.unhealthy_nodes,
            preemption_gates: Vec::new(),
        }
    }
}

impl From<Admission> for v1beta2::Admission {
    fn from(admission: Admission) -> Self {
        Self {
            cluster_queue: admission.cluster_queue,
            pod_set_assignments: admission
                .pod_set_assignments
                .into_iter()
                .map(Into::into)
                .collect(),
        }
    }
}

impl From<PodSetAssignment> for v1beta2::PodSetAssignment {
    fn from(assignment: PodSetAssignment) -> Self {
        Self {
            name: assignment.name,
            flavors: assignment.flavors,
            resource_usage: assignment.resource_usage,
            count: assignment.count,
            topology_assignment: assignment.topology_assignment.map(Into::into),
            delayed_topology_request: assignment.delayed_topology_request,
        }
    }
}
