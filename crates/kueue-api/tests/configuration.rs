//! Reading v1beta2 Configuration files as Kueue's manager does.

use kueue_api::config::{self, Duration};
use serde_json::json;

/// A manager configuration in the shape Kueue v0.19 installs by default, with the DRA
/// settings and most optional sections filled in.
const MANAGER_CONFIGURATION: &str = "
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
namespace: kueue-system
health:
  healthProbeBindAddress: :8081
metrics:
  bindAddress: :8443
  enableClusterQueueResources: true
  customLabels:
  - name: team
    sourceLabelKey: example.com/team
    sourceKind: LocalQueue
    trackedValues: [ml, infra]
webhook:
  port: 9443
leaderElection:
  leaderElect: true
  resourceName: c1f6bfd2.kueue.x-k8s.io
controller:
  groupKindConcurrency:
    Job.batch: 5
    Workload.kueue.x-k8s.io: 10
  cacheSyncTimeout: 120000000000
clientConnection:
  qps: 300
  burst: 500
waitForPodsReady:
  timeout: 5m
  recoveryTimeout: 3m
  blockAdmission: false
  requeuingStrategy:
    timestamp: Eviction
    backoffLimitCount: null
    backoffBaseSeconds: 60
    backoffMaxSeconds: 3600
manageJobsWithoutQueueName: true
managedJobsNamespaceSelector:
  matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values: [kube-system, kueue-system]
internalCertManagement:
  enable: false
integrations:
  frameworks: [batch/job, pod, jobset.x-k8s.io/jobset]
  externalFrameworks: [Foo.v1.example.com]
multiKueue:
  gcInterval: 1m
  origin: multikueue
  clusterProfile:
    accessProviders:
    - name: google
      execConfig:
        command: /bin/gke-auth
        args: [--audience, kueue]
        env: [{name: MODE, value: workload}]
        provideClusterInfo: true
fairSharing:
  preemptionStrategies: [LessThanOrEqualToFinalShare, LessThanInitialShare]
admissionFairSharing:
  usageHalfLifeTime: 168h
  usageSamplingInterval: 5m
  resourceWeights: {cpu: 0, example.com/gpu: 100}
resources:
  quotaCheckStrategy: BlockUndeclared
  transformations:
  - input: nvidia.com/mig-4g.5gb
    strategy: Replace
    outputs: {example.com/accelerator-memory: 5Gi, example.com/accelerator-gpc: 4}
  deviceClassMappings:
  - name: whole-gpus
    deviceClassNames: [gpu.example.com]
featureGates:
  KueueDRAIntegration: true
objectRetentionPolicies:
  workloads:
    afterFinished: 1h
    afterDeactivatedByKueue: null
visibilityServer:
  bindPort: 8082
";

fn parse_reporting_unknown(yaml: &str) -> (config::v1beta2::Configuration, Vec<String>) {
    let document: serde_json::Value = serde_saphyr::from_str(yaml).expect("the test YAML parses");
    let mut unknown_fields = Vec::new();
    let configuration =
        serde_ignored::deserialize(document, |path| unknown_fields.push(path.to_string()))
            .expect("the Configuration parses");
    (configuration, unknown_fields)
}

#[test]
fn manager_configuration_has_no_unknown_fields() {
    let (_, unknown_fields) = parse_reporting_unknown(MANAGER_CONFIGURATION);

    assert!(
        unknown_fields.is_empty(),
        "unknown fields: {unknown_fields:?}"
    );
}

#[test]
fn manager_configuration_reads_controller_settings() {
    let (configuration, _) = parse_reporting_unknown(MANAGER_CONFIGURATION);

    assert_eq!(configuration.webhook.port, Some(9443));
    assert_eq!(
        configuration.health.health_probe_bind_address.as_deref(),
        Some(":8081")
    );
    assert!(configuration.metrics.enable_cluster_queue_resources);
    let leader_election = configuration
        .leader_election
        .expect("leader election is set");
    assert_eq!(leader_election.leader_elect, Some(true));
    assert_eq!(leader_election.resource_name, "c1f6bfd2.kueue.x-k8s.io");
    let controller = configuration.controller.expect("controller is set");
    assert_eq!(
        controller.group_kind_concurrency["Workload.kueue.x-k8s.io"],
        10
    );
    assert_eq!(controller.cache_sync_timeout, Some(120_000_000_000));
    let client_connection = configuration
        .client_connection
        .expect("client connection is set");
    assert_eq!(client_connection.qps, Some(300.0));
    assert_eq!(client_connection.burst, Some(500));
}

#[test]
fn durations_keep_their_text() {
    let (configuration, _) = parse_reporting_unknown(MANAGER_CONFIGURATION);

    let wait = configuration
        .wait_for_pods_ready
        .expect("waitForPodsReady is set");
    assert_eq!(wait.timeout, Duration::from("5m"));
    assert_eq!(wait.recovery_timeout, Some(Duration::from("3m")));
    let retention = configuration
        .object_retention_policies
        .and_then(|policies| policies.workloads)
        .expect("a workload retention policy is set");
    assert_eq!(retention.after_finished, Some(Duration::from("1h")));
    assert_eq!(retention.after_deactivated_by_kueue, None);
}

#[test]
fn manager_configuration_reads_resources() {
    let (configuration, _) = parse_reporting_unknown(MANAGER_CONFIGURATION);

    let resources = configuration.resources.expect("resources are set");
    assert_eq!(
        resources.quota_check_strategy,
        Some(config::v1beta2::QuotaCheckStrategy::BlockUndeclared)
    );
    let transformation = &resources.transformations[0];
    assert_eq!(transformation.strategy.as_deref(), Some("Replace"));
    assert_eq!(transformation.outputs["example.com/accelerator-gpc"].0, "4");
    assert_eq!(resources.device_class_mappings[0].name, "whole-gpus");
    assert!(configuration.feature_gates["KueueDRAIntegration"]);
}

#[test]
fn unknown_fields_are_reported_not_rejected() {
    let yaml = "
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
futureSetting: true
resources:
  deviceClassMapping:
  - name: typo
";

    let (configuration, unknown_fields) = parse_reporting_unknown(yaml);

    assert_eq!(
        unknown_fields,
        ["futureSetting", "resources.?.deviceClassMapping"]
    );
    assert_eq!(
        configuration.resources,
        Some(config::v1beta2::Resources::default())
    );
}

#[test]
fn null_lists_and_sections_read_as_empty() {
    let yaml = "
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
metrics:
featureGates:
resources:
  excludeResourcePrefixes:
  transformations:
  deviceClassMappings:
  - name: whole-gpus
    deviceClassNames:
";

    let (configuration, unknown_fields) = parse_reporting_unknown(yaml);

    assert!(
        unknown_fields.is_empty(),
        "unknown fields: {unknown_fields:?}"
    );
    let resources = configuration.resources.expect("resources are set");
    assert!(resources.exclude_resource_prefixes.is_empty());
    assert!(resources.transformations.is_empty());
    assert!(
        resources.device_class_mappings[0]
            .device_class_names
            .is_empty()
    );
    assert!(configuration.feature_gates.is_empty());
}

#[test]
fn serialization_omits_unset_fields() {
    let (configuration, _) = parse_reporting_unknown(
        "
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
resources:
  deviceClassMappings:
  - name: whole-gpus
    deviceClassNames: [gpu.example.com]
",
    );

    let json = serde_json::to_value(&configuration).expect("the Configuration serializes");

    assert_eq!(
        json,
        json!({
            "apiVersion": "config.kueue.x-k8s.io/v1beta2",
            "kind": "Configuration",
            "webhook": {},
            "metrics": {},
            "health": {},
            "manageJobsWithoutQueueName": false,
            "resources": {
                "deviceClassMappings": [
                    {"name": "whole-gpus", "deviceClassNames": ["gpu.example.com"]},
                ],
            },
        })
    );
}
