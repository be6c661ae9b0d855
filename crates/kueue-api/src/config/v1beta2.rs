//! The Kueue manager `Configuration`, `config.kueue.x-k8s.io/v1beta2`.
//!
//! Field names and JSON names follow Kueue v0.19.2 (`apis/config/v1beta2`). Go embeds the
//! controller-manager settings through an inline `ControllerManager` struct. Here they are
//! plain fields of [`Configuration`], so that `serde_ignored` can report every unknown key,
//! which `#[serde(flatten)]` would hide.

use std::collections::BTreeMap;

use k8s_openapi::api::resource::v1::DeviceSelector;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::duration::Duration;
use super::go_json::null_as_default;

/// The configuration file of the Kueue controller manager.
///
/// Kueue reads it once at start-up from the `controller_manager_config.yaml` key of the
/// `kueue-manager-config` ConfigMap.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Configuration {
    /// The API version of the document, `config.kueue.x-k8s.io/v1beta2`.
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
    ///
    /// Pod-based integrations (pods, Deployments, StatefulSets, ...) outside these namespaces
    /// are never managed. For the other integrations it only limits
    /// `manageJobsWithoutQueueName`: a job with a queue label is always managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_jobs_namespace_selector: Option<LabelSelector>,

    /// Whether Kueue creates and rotates the certificates of its servers itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_cert_management: Option<InternalCertManagement>,

    /// All-or-nothing scheduling: an admitted workload whose pods are not ready in time is
    /// evicted and requeued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_for_pods_ready: Option<WaitForPodsReady>,

    /// Rate limits of the manager's Kubernetes API client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_connection: Option<ClientConnection>,

    /// The job frameworks Kueue integrates with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrations: Option<Integrations>,

    /// Settings of the MultiKueue admission check controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_kueue: Option<MultiKueue>,

    /// Fair sharing between ClusterQueues and Cohorts. Unset turns it off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair_sharing: Option<FairSharing>,

    /// Admission fair sharing between the LocalQueues of a ClusterQueue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission_fair_sharing: Option<AdmissionFairSharing>,

    /// The settings of how Kueue counts resources for quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,

    /// Kueue feature gates, by name.
    ///
    /// Cannot be combined with the `--feature-gates` flag of the manager.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub feature_gates: BTreeMap<String, bool>,

    /// The deletion policies for the objects Kueue manages. When unset, Kueue keeps them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_retention_policies: Option<ObjectRetentionPolicies>,

    /// The address of the visibility server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility_server: Option<VisibilityServerConfiguration>,
}

/// The webhook server of the manager.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ControllerWebhook {
    /// The port the webhook server listens on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,

    /// The host name the webhook server binds to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,

    /// The directory with the server's `tls.key` and `tls.crt`.
    ///
    /// When unset, the server looks in `{TempDir}/k8s-webhook-server/serving-certs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_dir: Option<String>,
}

/// Leader election settings, `k8s.io/component-base/config/v1alpha1`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LeaderElectionConfiguration {
    /// Whether the manager elects a leader before it runs its controllers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader_elect: Option<bool>,

    /// How long a non-leader waits after the last renewal before it may take over.
    #[serde(default)]
    pub lease_duration: Duration,

    /// How long the leader keeps trying to renew before it gives up leadership.
    #[serde(default)]
    pub renew_deadline: Duration,

    /// How long candidates wait between attempts to acquire or renew leadership.
    #[serde(default)]
    pub retry_period: Duration,

    /// The kind of object that holds the lock, such as `leases`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub resource_lock: String,

    /// The name of the lock object.
    #[serde(default, deserialize_with = "null_as_default")]
    pub resource_name: String,

    /// The namespace of the lock object.
    #[serde(default, deserialize_with = "null_as_default")]
    pub resource_namespace: String,
}

/// The metrics endpoint of the manager.
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

    /// Labels or annotations that Kueue adds to metrics as `custom_<name>` labels.
    ///
    /// At most 6 per source kind (2 for Workloads) and 20 in total.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub custom_labels: Vec<ControllerMetricsCustomLabel>,

    /// The selector of the LocalQueues that get metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_queue_metrics: Option<LocalQueueMetrics>,
}

/// A label or annotation that Kueue adds to its metrics as a Prometheus label.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ControllerMetricsCustomLabel {
    /// The Prometheus label name after the `custom_` prefix: letters, digits and `_`,
    /// starting with a letter.
    pub name: String,

    /// The label key to read the value from. Defaults to `name`. Cannot be combined with
    /// `sourceAnnotationKey`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_label_key: Option<String>,

    /// The annotation key to read the value from. Cannot be combined with
    /// `sourceLabelKey`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_annotation_key: Option<String>,

    /// The kind of object to read the value from. Defaults to `ClusterQueue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_kind: Option<SourceKind>,

    /// The values reported as they are. Others are reported as
    /// `kueue.x-k8s.io/_UNTRACKED_VALUE_`.
    ///
    /// Workloads need between 1 and 12 values. Other kinds allow up to 16, and an empty
    /// list allows every value.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tracked_values: Vec<String>,
}

/// The kind of object a custom metric label is read from.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum SourceKind {
    /// A Cohort.
    Cohort,
    /// A LocalQueue.
    LocalQueue,
    /// A ClusterQueue.
    ClusterQueue,
    /// A Workload.
    Workload,
}

/// The selector of the LocalQueues that get metrics.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocalQueueMetrics {
    /// Whether LocalQueue metrics are on.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub enable: bool,

    /// The LocalQueues that get metrics, all of them when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_queue_selector: Option<LabelSelector>,
}

/// The health probe endpoint of the manager.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ControllerHealth {
    /// The TCP address that serves health probes. `""` or `"0"` turns them off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_probe_bind_address: Option<String>,

    /// The path of the readiness probe. Kueue uses `readyz` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness_endpoint_name: Option<String>,

    /// The path of the liveness probe. Kueue uses `healthz` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness_endpoint_name: Option<String>,
}

/// Settings shared by the controllers of the manager.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ControllerConfigurationSpec {
    /// The number of concurrent reconciles per controller, keyed by `Kind.group` such as
    /// `Job.batch`.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub group_kind_concurrency: BTreeMap<String, i32>,

    /// How long the manager waits for its caches to sync, in nanoseconds. Kueue uses two
    /// minutes when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_sync_timeout: Option<i64>,
}

/// All-or-nothing scheduling settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaitForPodsReady {
    /// How long an admitted workload may take to get the `PodsReady` condition before it is
    /// evicted and requeued.
    #[serde(default)]
    pub timeout: Duration,

    /// Whether the ClusterQueue admits nothing else until the admitted workloads are ready.
    /// Defaults to false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_admission: Option<bool>,

    /// The requeueing policy for evicted workloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requeuing_strategy: Option<RequeuingStrategy>,

    /// How long a running workload may stay not ready after a pod failed before it is
    /// suspended and requeued. Defaults to `timeout`. `"0s"` turns the check off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_timeout: Option<Duration>,
}

/// The requeueing policy for workloads evicted by the readiness timeout.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequeuingStrategy {
    /// The timestamp that orders a requeued workload: `Eviction` (the default) or `Creation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<RequeuingTimestamp>,

    /// The number of requeues after which Kueue deactivates a workload, with no limit when
    /// unset.
    ///
    /// The n-th requeue waits about `backoffBaseSeconds * 2^(n-1)` seconds plus jitter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff_limit_count: Option<i32>,

    /// The base of the exponential requeue backoff, in seconds. Defaults to 60.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff_base_seconds: Option<i32>,

    /// The maximum requeue backoff, in seconds. Defaults to 3600.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff_max_seconds: Option<i32>,
}

/// The time that orders a requeued workload.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum RequeuingTimestamp {
    /// The workload's `metadata.creationTimestamp`.
    Creation,
    /// The time of the workload's `Evicted` condition with the `PodsReadyTimeout` reason.
    Eviction,
}

/// Settings of the MultiKueue admission check controller.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MultiKueue {
    /// The time between two garbage collections of remote objects. Defaults to one minute;
    /// 0 turns garbage collection off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gc_interval: Option<Duration>,

    /// The label value that marks the objects this manager creates in worker clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,

    /// How long a workload's MultiKueue check stays `Ready` after the connection to its
    /// worker cluster is lost. Defaults to 15 minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_lost_timeout: Option<Duration>,

    /// The dispatcher that picks worker clusters. Kueue uses
    /// `kueue.x-k8s.io/multikueue-dispatcher-all-at-once` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatcher_name: Option<String>,

    /// Job kinds, beyond the built-in ones, that the generic MultiKueue adapter handles.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub external_frameworks: Vec<MultiKueueExternalFramework>,

    /// Access to worker clusters through the ClusterProfile API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_profile: Option<ClusterProfile>,

    /// Settings of the incremental dispatcher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incremental_dispatcher_config: Option<IncrementalDispatcherConfig>,
}

/// Settings of the MultiKueue incremental dispatcher.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IncrementalDispatcherConfig {
    /// The number of worker clusters added to the candidates at each step, at least 1.
    /// Defaults to 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_size: Option<i32>,
}

/// A job kind that MultiKueue handles with its generic adapter.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MultiKueueExternalFramework {
    /// The kind, as `kind.version.group`.
    pub name: String,
}

/// Access to MultiKueue worker clusters through the ClusterProfile API.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterProfile {
    /// The providers that give access to worker clusters.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub access_providers: Vec<ClusterProfileAccessProvider>,

    /// The providers that give credentials for worker clusters. Deprecated in favor of
    /// `accessProviders`, and cannot be combined with it.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub credentials_providers: Vec<ClusterProfileAccessProvider>,
}

/// A provider of access to worker clusters in the ClusterProfile API.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterProfileAccessProvider {
    /// The name of the provider.
    pub name: String,

    /// The command that returns credentials.
    pub exec_config: ExecConfig,
}

/// A credential plugin command, as in a kubeconfig (`k8s.io/client-go/tools/clientcmd/api`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExecConfig {
    /// The command to run.
    #[serde(default, deserialize_with = "null_as_default")]
    pub command: String,

    /// The arguments of the command.
    #[serde(default, deserialize_with = "null_as_default")]
    pub args: Vec<String>,

    /// Environment variables added to the command's environment.
    #[serde(default, deserialize_with = "null_as_default")]
    pub env: Vec<ExecEnvVar>,

    /// The version of the `ExecCredential` the command returns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,

    /// The text shown when the command is not found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_hint: Option<String>,

    /// Whether the command receives the cluster information in `KUBERNETES_EXEC_INFO`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub provide_cluster_info: bool,

    /// Whether the command uses standard input: `Never`, `IfAvailable` or `Always`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactive_mode: Option<String>,
}

/// An environment variable of a credential plugin command.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExecEnvVar {
    /// The name of the variable.
    pub name: String,

    /// The value of the variable.
    pub value: String,
}

/// Whether Kueue manages the certificates of its servers.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InternalCertManagement {
    /// Whether Kueue generates and self-signs the certificates of its webhook, metrics and
    /// visibility servers.
    ///
    /// When off, the certificates come from elsewhere, mounted at
    /// `/tmp/k8s-webhook-server/serving-certs`, `/etc/kueue/metrics/certs` and `/visibility`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable: Option<bool>,

    /// The Service whose DNS name the certificates are for. Defaults to
    /// `kueue-webhook-service`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_service_name: Option<String>,

    /// The Secret that contains the CA and server certificates. Defaults to
    /// `kueue-webhook-server-cert`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_secret_name: Option<String>,
}

/// TLS settings of Kueue's servers.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TlsOptions {
    /// The lowest TLS version accepted, named as in Go's `crypto/tls`, with Go's default
    /// when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_version: Option<String>,

    /// The cipher suites accepted, named as in Go's `crypto/tls`. TLS 1.3 suites are fixed.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cipher_suites: Vec<String>,

    /// The key exchange groups accepted, as IANA TLS Supported Group IDs.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub curve_preferences: Vec<i32>,
}

/// Rate limits of the manager's Kubernetes API client.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientConnection {
    /// The queries per second the client may send. A negative value turns the limit off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qps: Option<f32>,

    /// The queries the client may send in a burst above `qps`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<i32>,
}

/// The job frameworks Kueue integrates with.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Integrations {
    /// The built-in integrations to enable, such as `batch/job`, `pod`,
    /// `jobset.x-k8s.io/jobset` or `kubeflow.org/pytorchjob`.
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

    /// The job labels that Kueue copies to the Workload when it creates it.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub label_keys_to_copy: Vec<String>,
}

/// Resource accounting settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Resources {
    /// The treatment of a requested resource that the ClusterQueue does not cover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_check_strategy: Option<QuotaCheckStrategy>,

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

/// The treatment of a requested resource that the ClusterQueue does not cover.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum QuotaCheckStrategy {
    /// The workload cannot be admitted.
    BlockUndeclared,
    /// The resource is not charged.
    IgnoreUndeclared,
}

/// A rewrite of one requested resource into other resources.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceTransformation {
    /// The requested resource to transform.
    pub input: String,

    /// Whether the input is kept (`Retain`, the default) or removed (`Replace`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,

    /// A resource whose requested amount multiplies the outputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiply_by: Option<String>,

    /// The resources charged per unit of input.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub outputs: BTreeMap<String, Quantity>,
}

/// Maps DeviceClasses to one quota resource.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceClassMapping {
    /// The quota resource name that ClusterQueues cover, such as `example.com/gpu`.
    pub name: String,

    /// The DeviceClasses whose devices are charged under `name`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub device_class_names: Vec<String>,

    /// Counter or capacity sources; without any, each device counts one unit.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub sources: Vec<DeviceClassSourceConfig>,
}

/// One source of a mapping's charge; exactly one field is set.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceClassSourceConfig {
    /// Charge by a counter that matched devices consume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<DeviceClassCounterSource>,

    /// Charge by a capacity dimension of matched devices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<DeviceClassCapacitySource>,
}

/// Charges a mapping by the value of a counter in the devices' `consumesCounters`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceClassCounterSource {
    /// The counter name, a key of `consumesCounters[].counters`.
    pub name: String,

    /// The DRA driver that publishes the devices.
    pub driver: String,

    /// Selects the devices whose counters are read.
    pub device_selector: DeviceSelector,
}

/// Charges a mapping by a capacity dimension of the matched devices.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceClassCapacitySource {
    /// The capacity dimension, a key of the device's `capacity`.
    pub name: String,

    /// The DRA driver that publishes the devices.
    pub driver: String,

    /// Selects the devices whose capacity is read.
    pub device_selector: DeviceSelector,
}

/// Fair sharing settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FairSharing {
    /// The conditions a fair sharing preemption must meet, tried in order: Kueue moves to
    /// the next strategy only when the incoming workload does not fit with the previous
    /// ones.
    #[serde(default, deserialize_with = "null_as_default")]
    pub preemption_strategies: Vec<PreemptionStrategy>,
}

/// A condition that a fair sharing preemption must meet.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum PreemptionStrategy {
    /// Preempt only if the preemptor's ClusterQueue, with the incoming workload, has a share
    /// no higher than the target's ClusterQueue without the preempted workload. Tends to
    /// preempt smaller workloads.
    LessThanOrEqualToFinalShare,
    /// Preempt only if the preemptor's ClusterQueue, with the incoming workload, has a share
    /// strictly lower than the target's ClusterQueue. Preempts the lowest priority and newest
    /// workloads first.
    LessThanInitialShare,
}

/// Admission fair sharing settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionFairSharing {
    /// The time after which the recorded usage of a LocalQueue decays by half. 0 resets it
    /// at once.
    #[serde(default)]
    pub usage_half_life_time: Duration,

    /// How often Kueue updates the consumed resources of LocalQueues. Defaults to 5
    /// minutes.
    #[serde(default)]
    pub usage_sampling_interval: Duration,

    /// The weight of each resource in a LocalQueue's usage. Defaults to 1.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub resource_weights: BTreeMap<String, f64>,
}

/// When Kueue deletes the objects it manages.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRetentionPolicies {
    /// The deletion policy for Workloads. When unset, Kueue keeps them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workloads: Option<WorkloadRetentionPolicy>,
}

/// When Kueue deletes Workloads.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadRetentionPolicy {
    /// How long after it finishes a Workload is deleted. 0 deletes it at once, unset keeps
    /// it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_finished: Option<Duration>,

    /// How long after Kueue deactivates a Workload it is deleted. 0 deletes it at once,
    /// unset keeps it.
    ///
    /// Deleting the Workload deletes its owner job, and garbage collection may delete
    /// objects that Kueue did not create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_deactivated_by_kueue: Option<Duration>,
}

/// The address of the visibility server.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VisibilityServerConfiguration {
    /// The IP address the server listens on. Defaults to `0.0.0.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind_address: Option<String>,

    /// The port the server listens on. Defaults to 8082.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind_port: Option<i32>,
}
