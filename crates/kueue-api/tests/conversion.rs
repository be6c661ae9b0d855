//! The v1beta1 to v1beta2 conversions, checked on v1beta1 objects read from YAML.

use kueue_api::config;
use kueue_api::{v1beta1, v1beta2};
use serde::de::DeserializeOwned;
use serde_json::json;

fn parse<T: DeserializeOwned>(yaml: &str) -> T {
    serde_saphyr::from_str(yaml).expect("the test YAML parses")
}

fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).expect("the value serializes")
}

#[test]
fn cluster_queue_cohort_becomes_cohort_name() {
    let cluster_queue: v1beta1::ClusterQueue = parse(
        "
apiVersion: kueue.x-k8s.io/v1beta1
kind: ClusterQueue
metadata:
  name: team-a
spec:
  cohort: research
  queueingStrategy: StrictFIFO
  resourceGroups:
  - coveredResources: [cpu]
    flavors:
    - name: default
      resources:
      - name: cpu
        nominalQuota: 10
        borrowingLimit: 5
",
    );

    let converted = v1beta2::ClusterQueue::from(cluster_queue);

    assert_eq!(converted.metadata.name.as_deref(), Some("team-a"));
    assert_eq!(converted.spec.cohort_name.as_deref(), Some("research"));
    assert_eq!(
        converted.spec.queueing_strategy,
        Some(v1beta2::QueueingStrategy::StrictFifo)
    );
    let quota = &converted.spec.resource_groups[0].flavors[0].resources[0];
    assert_eq!(quota.nominal_quota.0, "10");
    assert_eq!(
        quota.borrowing_limit.as_ref().map(|limit| limit.0.as_str()),
        Some("5")
    );
    assert_eq!(to_json(&converted.spec)["cohortName"], "research");
}

#[test]
fn cluster_queue_admission_checks_become_strategy() {
    let cluster_queue: v1beta1::ClusterQueue = parse(
        "
apiVersion: kueue.x-k8s.io/v1beta1
kind: ClusterQueue
metadata:
  name: checked
spec:
  admissionChecks: [provisioning, multikueue]
  admissionChecksStrategy:
    admissionChecks:
    - name: replaced
      onFlavors: [spot]
",
    );

    let converted = v1beta2::ClusterQueue::from(cluster_queue);

    assert_eq!(
        to_json(&converted.spec.admission_checks_strategy),
        json!({"admissionChecks": [{"name": "provisioning"}, {"name": "multikueue"}]})
    );
}

#[test]
fn cluster_queue_without_admission_checks_keeps_strategy() {
    let cluster_queue: v1beta1::ClusterQueue = parse(
        "
apiVersion: kueue.x-k8s.io/v1beta1
kind: ClusterQueue
metadata:
  name: checked
spec:
  admissionChecksStrategy:
    admissionChecks:
    - name: provisioning
      onFlavors: [spot]
",
    );

    let converted = v1beta2::ClusterQueue::from(cluster_queue);

    assert_eq!(
        to_json(&converted.spec.admission_checks_strategy),
        json!({"admissionChecks": [{"name": "provisioning", "onFlavors": ["spot"]}]})
    );
}

#[test]
fn deprecated_fungibility_policies_become_may_stop_search() {
    let cases = [
        ("Borrow", "Preempt", "MayStopSearch", "MayStopSearch"),
        ("TryNextFlavor", "Preempt", "TryNextFlavor", "MayStopSearch"),
        ("Borrow", "TryNextFlavor", "MayStopSearch", "TryNextFlavor"),
        (
            "MayStopSearch",
            "MayStopSearch",
            "MayStopSearch",
            "MayStopSearch",
        ),
    ];

    for (borrow, preempt, expected_borrow, expected_preempt) in cases {
        let fungibility: v1beta1::FlavorFungibility = parse(&format!(
            "{{whenCanBorrow: {borrow}, whenCanPreempt: {preempt}}}"
        ));

        let converted = v1beta2::FlavorFungibility::from(fungibility);

        assert_eq!(
            to_json(&converted),
            json!({"whenCanBorrow": expected_borrow, "whenCanPreempt": expected_preempt}),
            "whenCanBorrow {borrow}, whenCanPreempt {preempt}"
        );
    }
}

#[test]
fn cluster_queue_status_drops_deprecated_fields() {
    let status: v1beta1::ClusterQueueStatus = parse(
        "
flavorsReservation:
- name: default
  resources:
  - {name: cpu, total: '3', borrowed: '1'}
flavorsUsage:
- name: default
  resources:
  - {name: cpu, total: '2'}
pendingWorkloads: 4
reservingWorkloads: 3
admittedWorkloads: 2
pendingWorkloadsStatus:
  clusterQueuePendingWorkload:
  - {name: job-a, namespace: team-a}
  lastChangeTime: '2026-01-01T00:00:00Z'
fairSharing:
  weightedShare: 7
  admissionFairSharingStatus:
    consumedResources: {cpu: '1'}
    lastUpdate: '2026-01-01T00:00:00Z'
",
    );

    let converted = v1beta2::ClusterQueueStatus::from(status);

    assert_eq!(
        to_json(&converted),
        json!({
            "flavorsReservation": [
                {"name": "default", "resources": [{"name": "cpu", "total": "3", "borrowed": "1"}]},
            ],
            "flavorsUsage": [
                {"name": "default", "resources": [{"name": "cpu", "total": "2"}]},
            ],
            "pendingWorkloads": 4,
            "reservingWorkloads": 3,
            "admittedWorkloads": 2,
            "fairSharing": {"weightedShare": 7},
        })
    );
}

#[test]
fn local_queue_flavor_usage_becomes_flavors_usage() {
    let local_queue: v1beta1::LocalQueue = parse(
        "
apiVersion: kueue.x-k8s.io/v1beta1
kind: LocalQueue
metadata:
  namespace: team-a
  name: user-queue
spec:
  clusterQueue: cluster-queue
status:
  pendingWorkloads: 1
  admittedWorkloads: 2
  flavorsReservation:
  - name: default
    resources: [{name: example.com/gpu, total: '3'}]
  flavorUsage:
  - name: default
    resources: [{name: example.com/gpu, total: '2'}]
  flavors:
  - name: default
    resources: [example.com/gpu]
    nodeLabels: {pool: gpu}
  fairSharing:
    weightedShare: 5
    admissionFairSharingStatus:
      consumedResources: {example.com/gpu: '4'}
      lastUpdate: '2026-01-01T00:00:00Z'
",
    );

    let converted = v1beta2::LocalQueue::from(local_queue);

    assert_eq!(
        converted.spec.cluster_queue.as_deref(),
        Some("cluster-queue")
    );
    assert_eq!(
        to_json(&converted.status),
        json!({
            "pendingWorkloads": 1,
            "reservingWorkloads": 0,
            "admittedWorkloads": 2,
            "flavorsReservation": [
                {"name": "default", "resources": [{"name": "example.com/gpu", "total": "3"}]},
            ],
            "flavorsUsage": [
                {"name": "default", "resources": [{"name": "example.com/gpu", "total": "2"}]},
            ],
            "fairSharing": {
                "weightedShare": 5,
                "admissionFairSharingStatus": {
                    "consumedResources": {"example.com/gpu": "4"},
                    "lastUpdate": "2026-01-01T00:00:00Z",
                },
            },
        })
    );
}

#[test]
fn resource_flavor_keeps_every_field() {
    let flavor: v1beta1::ResourceFlavor = parse(
        "
apiVersion: kueue.x-k8s.io/v1beta1
kind: ResourceFlavor
metadata:
  name: a100
spec:
  nodeLabels: {gpu.example.com/model: a100}
  nodeTaints:
  - {key: gpu, value: 'true', effect: NoSchedule}
  tolerations:
  - {key: gpu, operator: Exists, effect: NoSchedule}
  topologyName: default
",
    );

    let converted = v1beta2::ResourceFlavor::from(flavor);

    assert_eq!(
        to_json(&converted.spec),
        json!({
            "nodeLabels": {"gpu.example.com/model": "a100"},
            "nodeTaints": [{"key": "gpu", "value": "true", "effect": "NoSchedule"}],
            "tolerations": [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}],
            "topologyName": "default",
        })
    );
}

#[test]
fn cohort_status_drops_admission_fair_sharing() {
    let cohort: v1beta1::Cohort = parse(
        "
apiVersion: kueue.x-k8s.io/v1beta1
kind: Cohort
metadata:
  name: research
spec:
  parentName: all
  resourceGroups:
  - coveredResources: [example.com/gpu]
    flavors:
    - name: default
      resources:
      - {name: example.com/gpu, nominalQuota: 4, lendingLimit: 2}
status:
  fairSharing:
    weightedShare: 3
    admissionFairSharingStatus:
      consumedResources: {example.com/gpu: '1'}
      lastUpdate: '2026-01-01T00:00:00Z'
",
    );

    let converted = v1beta2::Cohort::from(cohort);

    assert_eq!(converted.spec.parent_name.as_deref(), Some("all"));
    assert_eq!(
        converted.spec.resource_groups[0].flavors[0].resources[0]
            .lending_limit
            .as_ref()
            .map(|limit| limit.0.as_str()),
        Some("2")
    );
    assert_eq!(
        to_json(&converted.status),
        json!({"fairSharing": {"weightedShare": 3}})
    );
}

fn workload_with_priority(source: Option<&str>) -> v1beta1::Workload {
    let source_line = source
        .map(|source| format!("  priorityClassSource: {source}\n"))
        .unwrap_or_default();
    parse(&format!(
        "
apiVersion: kueue.x-k8s.io/v1beta1
kind: Workload
metadata:
  namespace: team-a
  name: job-a
spec:
  queueName: user-queue
  priorityClassName: high
  priority: 1000
{source_line}  podSets:
  - name: main
    count: 2
    template:
      spec:
        containers:
        - name: main
          image: busybox
"
    ))
}

#[test]
fn workload_priority_class_becomes_reference() {
    let cases = [
        (
            Some("kueue.x-k8s.io/workloadpriorityclass"),
            json!({"group": "kueue.x-k8s.io", "kind": "WorkloadPriorityClass", "name": "high"}),
        ),
        (
            Some("scheduling.k8s.io/priorityclass"),
            json!({"group": "scheduling.k8s.io", "kind": "PriorityClass", "name": "high"}),
        ),
        (Some("''"), serde_json::Value::Null),
        (None, serde_json::Value::Null),
    ];

    for (source, expected) in cases {
        let converted = v1beta2::Workload::from(workload_with_priority(source));

        assert_eq!(
            to_json(&converted.spec.priority_class_ref),
            expected,
            "priorityClassSource {source:?}"
        );
        assert_eq!(converted.spec.priority, Some(1000));
    }
}

#[test]
fn workload_pod_sets_keep_counts() {
    let converted = v1beta2::Workload::from(workload_with_priority(None));

    let pod_set = &converted.spec.pod_sets[0];
    assert_eq!(pod_set.name, "main");
    assert_eq!(pod_set.count, 2);
    assert_eq!(converted.spec.queue_name.as_deref(), Some("user-queue"));
}

#[test]
fn workload_misspelled_execution_time_is_renamed() {
    let status: v1beta1::WorkloadStatus =
        parse("accumulatedPastExexcutionTimeSeconds: 120\nclusterName: worker-1\n");

    let converted = v1beta2::WorkloadStatus::from(status);

    assert_eq!(converted.accumulated_past_execution_time_seconds, Some(120));
    assert_eq!(
        to_json(&converted),
        json!({"accumulatedPastExecutionTimeSeconds": 120, "clusterName": "worker-1"})
    );
}

#[test]
fn workload_admission_keeps_usage_and_encodes_topology() {
    let status: v1beta1::WorkloadStatus = parse(
        "
admission:
  clusterQueue: cluster-queue
  podSetAssignments:
  - name: main
    count: 2
    flavors: {example.com/gpu: default}
    resourceUsage: {example.com/gpu: '4'}
    topologyAssignment:
      levels: [cloud.example.com/block, kubernetes.io/hostname]
      domains:
      - {values: [block-1, node-1], count: 1}
      - {values: [block-1, node-2], count: 1}
",
    );

    let converted = v1beta2::WorkloadStatus::from(status);

    let admission = converted.admission.expect("the admission is kept");
    let assignment = &admission.pod_set_assignments[0];
    assert_eq!(admission.cluster_queue, "cluster-queue");
    assert_eq!(assignment.resource_usage["example.com/gpu"].0, "4");
    assert_eq!(
        to_json(&assignment.topology_assignment),
        json!({
            "levels": ["cloud.example.com/block", "kubernetes.io/hostname"],
            "slices": [{
                "domainCount": 2,
                "valuesPerLevel": [
                    {"universal": "block-1"},
                    {"individual": {"prefix": "node-", "roots": ["1", "2"]}},
                ],
                "podCounts": {"universal": 1},
            }],
        })
    );
}

#[test]
fn configuration_fair_sharing_needs_enable() {
    let cases = [
        ("{enable: false}", serde_json::Value::Null),
        (
            "{enable: true}",
            json!({"preemptionStrategies": ["LessThanOrEqualToFinalShare", "LessThanInitialShare"]}),
        ),
        (
            "{enable: true, preemptionStrategies: [LessThanInitialShare]}",
            json!({"preemptionStrategies": ["LessThanInitialShare"]}),
        ),
    ];

    for (fair_sharing, expected) in cases {
        let configuration: config::v1beta1::Configuration =
            parse(&format!("fairSharing: {fair_sharing}\n"));

        let converted = config::v1beta2::Configuration::from(configuration);

        assert_eq!(
            to_json(&converted.fair_sharing),
            expected,
            "fairSharing {fair_sharing}"
        );
    }
}

#[test]
fn configuration_wait_for_pods_ready_needs_enable() {
    let cases = [
        ("{enable: false, timeout: 10m}", serde_json::Value::Null),
        (
            "{enable: true}",
            json!({"timeout": "5m0s", "blockAdmission": true}),
        ),
        (
            "{enable: true, timeout: 10m, blockAdmission: false, recoveryTimeout: 3m}",
            json!({"timeout": "10m", "blockAdmission": false, "recoveryTimeout": "3m"}),
        ),
    ];

    for (wait, expected) in cases {
        let configuration: config::v1beta1::Configuration =
            parse(&format!("waitForPodsReady: {wait}\n"));

        let converted = config::v1beta2::Configuration::from(configuration);

        assert_eq!(
            to_json(&converted.wait_for_pods_ready),
            expected,
            "waitForPodsReady {wait}"
        );
    }
}

#[test]
fn configuration_drops_removed_fields() {
    let configuration: config::v1beta1::Configuration = parse(
        "
apiVersion: config.kueue.x-k8s.io/v1beta1
kind: Configuration
namespace: kueue-system
queueVisibility:
  updateIntervalSeconds: 5
  clusterQueues: {maxCount: 10}
integrations:
  frameworks: [batch/job, pod]
  podOptions:
    namespaceSelector:
      matchExpressions:
      - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}
metrics:
  customLabels:
  - {name: team, sourceLabelKey: example.com/team}
resources:
  excludeResourcePrefixes: [example.com/ignored]
  deviceClassMappings:
  - name: whole-gpus
    deviceClassNames: [gpu.example.com]
featureGates:
  KueueDRAIntegration: true
",
    );

    let converted = config::v1beta2::Configuration::from(configuration);

    assert_eq!(
        to_json(&converted),
        json!({
            "apiVersion": "config.kueue.x-k8s.io/v1beta2",
            "kind": "Configuration",
            "namespace": "kueue-system",
            "webhook": {},
            "metrics": {"customLabels": [{"name": "team", "sourceLabelKey": "example.com/team"}]},
            "health": {},
            "manageJobsWithoutQueueName": false,
            "integrations": {"frameworks": ["batch/job", "pod"]},
            "resources": {
                "excludeResourcePrefixes": ["example.com/ignored"],
                "deviceClassMappings": [
                    {"name": "whole-gpus", "deviceClassNames": ["gpu.example.com"]},
                ],
            },
            "featureGates": {"KueueDRAIntegration": true},
        })
    );
}

#[test]
fn configuration_v1beta1_reports_v1beta2_only_fields() {
    let yaml = "
apiVersion: config.kueue.x-k8s.io/v1beta1
kind: Configuration
resources:
  quotaCheckStrategy: BlockUndeclared
  deviceClassMappings:
  - name: gpu.memory
    deviceClassNames: [gpu.example.com]
    sources:
    - counter: {name: memory, driver: gpu.example.com}
";
    let document: serde_json::Value = parse(yaml);
    let mut unknown_fields = Vec::new();

    let configuration: config::v1beta1::Configuration =
        serde_ignored::deserialize(document, |path| unknown_fields.push(path.to_string()))
            .expect("the v1beta1 Configuration parses");

    // serde_ignored writes a `?` segment for every value read through an `Option`, which
    // includes lists that accept `null`.
    let mut unknown_fields: Vec<String> = unknown_fields
        .iter()
        .map(|path| path.replace("?.", ""))
        .collect();
    unknown_fields.sort();
    assert_eq!(
        unknown_fields,
        [
            "resources.deviceClassMappings.0.sources",
            "resources.quotaCheckStrategy",
        ]
    );
    let resources = configuration
        .resources
        .expect("the Configuration has resources");
    assert_eq!(resources.device_class_mappings[0].name, "gpu.memory");
}
