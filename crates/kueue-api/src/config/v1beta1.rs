//! The deprecated Kueue manager `Configuration`, `config.kueue.x-k8s.io/v1beta1`, and its
//! conversion to v1beta2.
//!
//! Field names and JSON names follow Kueue v0.19.2 (`apis/config/v1beta1`). Nested types
//! whose JSON is the same in both versions are the v1beta2 types, re-exported here. The
//! conversion follows `configuration_conversion.go`. Kueue applies its defaults afterwards,
//! which this module does not do.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::duration::Duration;
use super::go_json::null_as_default;
use super::v1beta2;
pub use super::v1beta2::{
    AdmissionFairSharing, ClientConnection, ControllerConfigurationSpec, ControllerHealth,
    ControllerWebhook, InternalCertManagement, LeaderElectionConfiguration, LocalQueueMetrics,
    MultiKueueExternalFramework, ObjectRetentionPolicies, PreemptionStrategy, RequeuingStrategy,
    RequeuingTimestamp, ResourceTransformation, TlsOptions, WorkloadRetentionPolicy,
};

/// The API version of v1beta2 Configuration documents.
const V1BETA2_API_VERSION: &str = "config.kueue.x-k8s.io/v1beta2";

/// How long an admitted workload may take to become ready when v1beta1 turns the check on
/// without a timeout: five minutes, written as Go writes it.
const DEFAULT_PODS_READY_TIMEOUT: &str = "5m0s";

/// The configuration file of the Kueue controller manager, in the deprecated v1beta1 form.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Configuration {
    /// The API version of the document, `config.kueue.x-k8s.io/v1beta1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,

    /// The kind of the document, `Configuration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,

    /// The namespace Kueue runs in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,

    /// The webhook server of the manager.
    #[serde(default, deserialize_with = "null_as_default")]
    pub webhook: ControllerWebhook,

    /// Leader election of the manager replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader_election: Option<LeaderElectionConfiguration>,

    /// The metrics endpoint of the manager.
    #[serde(default, deserialize_with = "null_as_default")]
    pub metrics: ControllerMetrics,

    /// The health probe endpoint of the manager.
    #[serde(default, deserialize_with = "null_as_default")]
    pub health: ControllerHealth,

    /// The TCP address that serves pprof. `""` or `"0"` turns it off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pprof_bind_address: Option<String>,

    /// Settings shared by the controllers of the manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<ControllerConfigurationSpec>,

    /// TLS settings of the webhook, metrics and visibility servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsOptions>,

    /// Whether Kueue manages jobs that carry no `kueue.x-k8s.io/queue-name` label.
    #[serde(default, deserialize_with = "null_as_default")]
    pub manage_jobs_without_queue_name: bool,

    /// The namespaces whose jobs Kueue may manage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_jobs_namespace_selector: Option<LabelSelector>,

    /// Whether Kueue creates and rotates the certificates of its servers itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_cert_management: Option<InternalCertManagement>,

    /// All-or-nothing scheduling, which is off unless `enable` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_for_pods_ready: Option<WaitForPodsReady>,

    /// Rate limits of the manager's Kubernetes API client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_connection: Option<ClientConnection>,

    /// The job frameworks Kueue integrates with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrations: Option<Integrations>,

    /// The pending workloads shown in ClusterQueue status. Deprecated and dropped by
    /// v1beta2, which has the on-demand visibility API instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_visibility: Option<QueueVisibility>,

    /// Settings of the MultiKueue admission check controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_kueue: Option<MultiKueue>,

    /// Fair sharing between ClusterQueues and Cohorts, which is off unless `enable` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair_sharing: Option<FairSharing>,

    /// Admission fair sharing between the LocalQueues of a ClusterQueue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission_fair_sharing: Option<AdmissionFairSharing>,

    /// The resource accounting settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,

    /// Kueue feature gates, by name.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub feature_gates: BTreeMap<String, bool>,

    /// The deletion policies for the objects Kueue manages. When unset, Kueue keeps them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_retention_policies: Option<ObjectRetentionPolicies>,
}

/// The metrics endpoint of the manager, in the v1beta1 form.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ControllerMetrics {
    /// The TCP address that serves Prometheus metrics. `"0"` turns them off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind_address: Option<String>,

    /// Whether Kueue reports the quota and usage of each ClusterQueue.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub enable_cluster_queue_resources: bool,

    /// Labels or annotations that Kueue adds to ClusterQueue, LocalQueue and Cohort metrics,
    /// at most 8. Needs the CustomMetricLabels feature gate.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub custom_labels: Vec<ControllerMetricsCustomLabel>,

    /// The LocalQueues that get metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_queue_metrics: Option<LocalQueueMetrics>,
}

/// A label or annotation that Kueue adds to its metrics, in the v1beta1 form.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ControllerMetricsCustomLabel {
    /// The Prometheus label name after the `custom_` prefix.
    pub name: String,

    /// The label key to read the value from. Defaults to `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_label_key: Option<String>,

    /// The annotation key to read the value from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_annotation_key: Option<String>,
}

/// All-or-nothing scheduling settings, in the v1beta1 form.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaitForPodsReady {
    /// Whether the readiness check is on. v1beta2 has no such switch: the check is on when
    /// `waitForPodsReady` is set.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub enable: bool,

    /// How long an admitted workload may take to become ready. Defaults to five minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,

    /// Whether the ClusterQueue admits nothing else until the admitted workloads are ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_admission: Option<bool>,

    /// The requeue settings for evicted workloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requeuing_strategy: Option<RequeuingStrategy>,

    /// How long a running workload may stay not ready after a pod failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_timeout: Option<Duration>,
}

/// Settings of the MultiKueue admission check controller, in the v1beta1 form.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MultiKueue {
    /// The time between two garbage collections of remote objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gc_interval: Option<Duration>,

    /// The label value that marks the objects this manager creates in worker clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,

    /// How long a workload's MultiKueue check stays `Ready` after the connection to its
    /// worker cluster is lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_lost_timeout: Option<Duration>,

    /// The dispatcher that picks worker clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatcher_name: Option<String>,

    /// Job kinds, beyond the built-in ones, that the generic MultiKueue adapter handles.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub external_frameworks: Vec<MultiKueueExternalFramework>,
}

/// The job frameworks Kueue integrates with, in the v1beta1 form.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Integrations {
    /// The built-in integrations to enable, such as `batch/job` or `pod`.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub frameworks: Vec<String>,

    /// Kinds that other controllers manage for Kueue, as `Kind.version.group.com`.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub external_frameworks: Vec<String>,

    /// The pods that the pod integration manages. Deprecated and dropped by v1beta2, which uses
    /// `managedJobsNamespaceSelector` instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_options: Option<PodIntegrationOptions>,

    /// The job labels that Kueue copies to the Workload when it creates it.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub label_keys_to_copy: Vec<String>,
}

/// The pod selection of the deprecated pod integration settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodIntegrationOptions {
    /// The namespaces whose pods are managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<LabelSelector>,

    /// The pods that are managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_selector: Option<LabelSelector>,
}

/// The deprecated pending workloads summary in ClusterQueue status.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueueVisibility {
    /// The number of pending workloads each ClusterQueue shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_queues: Option<ClusterQueueVisibility>,

    /// The seconds between updates of the summary, at least 1. Defaults to 5.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "is_zero"
    )]
    pub update_interval_seconds: i32,
}

/// The number of pending workloads a ClusterQueue shows in its status.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterQueueVisibility {
    /// The number of pending workloads shown, at most 4000. 0 turns the summary off.
    /// Defaults to 10.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "is_zero"
    )]
    pub max_count: i32,
}

/// Resource accounting settings, in the v1beta1 form, which has no quota check strategy.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Resources {
    /// Resources whose names start with one of these prefixes are not charged.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub exclude_resource_prefixes: Vec<String>,

    /// Rewrites of requested resources into other resources before charging.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub transformations: Vec<ResourceTransformation>,

    /// Maps DeviceClasses to the quota resource their devices are charged under.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub device_class_mappings: Vec<DeviceClassMapping>,
}

/// Maps DeviceClasses to one quota resource, in the v1beta1 form, where each device counts
/// one unit.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceClassMapping {
    /// The quota resource name that ClusterQueues cover, such as `example.com/gpu`.
    pub name: String,

    /// The DeviceClasses whose devices are charged under `name`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub device_class_names: Vec<String>,
}

/// Fair sharing settings, in the v1beta1 form.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FairSharing {
    /// Whether fair sharing is on for all cohorts. Defaults to false. v1beta2 has no such
    /// switch: fair sharing is on when `fairSharing` is set.
    #[serde(default, deserialize_with = "null_as_default")]
    pub enable: bool,

    /// The conditions a fair sharing preemption must meet, tried in order. Defaults to
    /// `LessThanOrEqualToFinalShare`, then `LessThanInitialShare`.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub preemption_strategies: Vec<PreemptionStrategy>,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde passes the field by reference"
)]
fn is_zero(value: &i32) -> bool {
    *value == 0
}

impl From<Configuration> for v1beta2::Configuration {
    /// Converts as Kueue does.
    ///
    /// `waitForPodsReady` and `fairSharing` are dropped unless their `enable` is true.
    /// `queueVisibility` and `integrations.podOptions` have no v1beta2 form and are dropped.
    fn from(configuration: Configuration) -> Self {
        Self {
            api_version: configuration
                .api_version
                .map(|_| V1BETA2_API_VERSION.to_owned()),
            kind: configuration.kind,
            namespace: configuration.namespace,
            webhook: configuration.webhook,
            leader_election: configuration.leader_election,
            metrics: configuration.metrics.into(),
            health: configuration.health,
            pprof_bind_address: configuration.pprof_bind_address,
            controller: configuration.controller,
            tls: configuration.tls,
            manage_jobs_without_queue_name: configuration.manage_jobs_without_queue_name,
            managed_jobs_namespace_selector: configuration.managed_jobs_namespace_selector,
            internal_cert_management: configuration.internal_cert_management,
            wait_for_pods_ready: configuration
                .wait_for_pods_ready
                .filter(|wait| wait.enable)
                .map(Into::into),
            client_connection: configuration.client_connection,
            integrations: configuration.integrations.map(Into::into),
            multi_kueue: configuration.multi_kueue.map(Into::into),
            fair_sharing: configuration
                .fair_sharing
                .filter(|fair_sharing| fair_sharing.enable)
                .map(Into::into),
            admission_fair_sharing: configuration.admission_fair_sharing,
            resources: configuration.resources.map(Into::into),
            feature_gates: configuration.feature_gates,
            object_retention_policies: configuration.object_retention_policies,
            visibility_server: None,
        }
    }
}

impl From<ControllerMetrics> for v1beta2::ControllerMetrics {
    fn from(metrics: ControllerMetrics) -> Self {
        Self {
            bind_address: metrics.bind_address,
            enable_cluster_queue_resources: metrics.enable_cluster_queue_resources,
            custom_labels: metrics.custom_labels.into_iter().map(Into::into).collect(),
            local_queue_metrics: metrics.local_queue_metrics,
        }
    }
}

impl From<ControllerMetricsCustomLabel> for v1beta2::ControllerMetricsCustomLabel {
    fn from(label: ControllerMetricsCustomLabel) -> Self {
        Self {
            name: label.name,
            source_label_key: label.source_label_key,
            source_annotation_key: label.source_annotation_key,
            source_kind: None,
            tracked_values: Vec::new(),
        }
    }
}

impl From<WaitForPodsReady> for v1beta2::WaitForPodsReady {
    /// Fills in the five-minute timeout when the check is on without one, and turns an
    /// unset `blockAdmission` into true, as Kueue's conversion does.
    fn from(wait: WaitForPodsReady) -> Self {
        let timeout = match wait.timeout {
            Some(timeout) => timeout,
            None if wait.enable => Duration::from(DEFAULT_PODS_READY_TIMEOUT),
            None => Duration::default(),
        };
        Self {
            timeout,
            block_admission: Some(wait.block_admission.unwrap_or(true)),
            requeuing_strategy: wait.requeuing_strategy,
            recovery_timeout: wait.recovery_timeout,
        }
    }
}

impl From<MultiKueue> for v1beta2::MultiKueue {
    fn from(multi_kueue: MultiKueue) -> Self {
        Self {
            gc_interval: multi_kueue.gc_interval,
            origin: multi_kueue.origin,
            worker_lost_timeout: multi_kueue.worker_lost_timeout,
            dispatcher_name: multi_kueue.dispatcher_name,
            external_frameworks: multi_kueue.external_frameworks,
            cluster_profile: None,
            incremental_dispatcher_config: None,
        }
    }
}

impl From<Integrations> for v1beta2::Integrations {
    /// Drops the deprecated `podOptions`.
    fn from(integrations: Integrations) -> Self {
        Self {
            frameworks: integrations.frameworks,
            external_frameworks: integrations.external_frameworks,
            label_keys_to_copy: integrations.label_keys_to_copy,
        }
    }
}

impl From<Resources> for v1beta2::Resources {
    fn from(resources: Resources) -> Self {
        Self {
            quota_check_strategy: None,
            exclude_resource_prefixes: resources.exclude_resource_prefixes,
            transformations: resources.transformations,
            device_class_mappings: resources
                .device_class_mappings
                .into_iter()
                .map(Into::into)
                .collect(),
        }
    }
}

impl From<DeviceClassMapping> for v1beta2::DeviceClassMapping {
    fn from(mapping: DeviceClassMapping) -> Self {
        Self {
            name: mapping.name,
            device_class_names: mapping.device_class_names,
            sources: Vec::new(),
        }
    }
}

impl From<FairSharing> for v1beta2::FairSharing {
    /// Fills in both preemption strategies when fair sharing is on without any.
    fn from(fair_sharing: FairSharing) -> Self {
        let preemption_strategies =
            if fair_sharing.enable && fair_sharing.preemption_strategies.is_empty() {
                vec![
                    PreemptionStrategy::LessThanOrEqualToFinalShare,
                    PreemptionStrategy::LessThanInitialShare,
                ]
            } else {
                fair_sharing.preemption_strategies
            };
        Self {
            preemption_strategies,
        }
    }
}
