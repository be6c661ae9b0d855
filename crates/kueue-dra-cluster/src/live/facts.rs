//! The facts `check-config` reads about a live cluster beyond its objects: the Kubernetes version,
//! the versions of the DRA API group the apiserver serves, when Kueue's ConfigMap last
//! changed and when Kueue's manager containers started.
//!
//! None of these reads is required: a read that fails or is forbidden is returned as the
//! reason it failed, and the caller reports the check it needed as not verifiable.

use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DynamicObject, ListParams};
use serde_json::Value;

use super::{ApiKind, CONFIG_MAP, Cluster, DRA_GROUP, Fetched, LiveError, object_value};
use crate::controller::KUEUE_DEPLOYMENT;
use crate::loader::KUEUE_CONFIG_MAP;

const POD: ApiKind = ApiKind::new("", "v1", "Pod", "pods", true);

/// The apiserver's `/version` and `/apis` endpoints, named for messages and logs.
const VERSION: ApiKind = ApiKind::new("", "", "Version", "/version", false);
const DISCOVERY: ApiKind = ApiKind::new("", "", "APIGroupList", "/apis", false);

/// A Kubernetes release as the apiserver's `/version` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubernetesVersion {
    /// The major version, 1 for every release so far.
    pub major: u32,
    /// The minor version, such as 34.
    pub minor: u32,
    /// The full version, such as `v1.34.2` or `v1.34.2-gke.1000`.
    pub git_version: String,
}

impl KubernetesVersion {
    /// Parses the `major` and `minor` fields of `/version`. Managed clusters report a minor
    /// such as `34+`, so trailing non-digits are ignored.
    #[must_use]
    pub fn parse(major: &str, minor: &str, git_version: &str) -> Option<Self> {
        let number = |text: &str| -> Option<u32> {
            let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        };
        Some(Self {
            major: number(major)?,
            minor: number(minor)?,
            git_version: git_version.to_owned(),
        })
    }

    /// Returns whether this release is `major.minor` or newer.
    #[must_use]
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

/// When one of Kueue's manager containers started.
#[derive(Clone, Debug)]
pub struct ManagerStart {
    /// The Pod's name.
    pub pod: String,
    /// When the `manager` container last started, or else when the Pod started.
    pub started: Timestamp,
}

/// When Kueue's ConfigMap last changed, and when the manager containers that read it started.
#[derive(Clone, Debug)]
pub struct ConfigurationTimes {
    /// The newest `managedFields` time of the ConfigMap, or else its `creationTimestamp`.
    pub config_map_changed: Timestamp,
    /// The running manager containers; empty when no Pod of the Deployment runs.
    pub managers: Vec<ManagerStart>,
}

/// The facts a cluster shows about itself, each with the reason it could not be read.
#[derive(Clone, Debug)]
pub struct ServerFacts {
    /// The apiserver's Kubernetes version.
    pub version: Result<KubernetesVersion, String>,
    /// The versions of `resource.k8s.io` the apiserver serves, such as `v1` and `v1beta2`;
    /// empty when it serves none.
    pub dra_versions: Result<Vec<String>, String>,
    /// When Kueue's ConfigMap changed and its manager containers started; `None` when the
    /// ConfigMap was not read because the Configuration came from elsewhere.
    pub configuration_times: Option<Result<ConfigurationTimes, String>>,
}

impl Cluster {
    /// Reads the Kubernetes version, the DRA API versions served and, when
    /// `read_configuration` is set, the times of Kueue's ConfigMap and manager Pods in
    /// `kueue_namespace`. Only an unreachable apiserver is an error.
    pub async fn read_facts(
        &self,
        kueue_namespace: &str,
        read_configuration: bool,
    ) -> Result<ServerFacts, LiveError> {
        let version = self.read_version();
        let dra_versions = self.read_dra_versions();
        let times = async {
            if read_configuration {
                Some(self.read_configuration_times(kueue_namespace).await)
            } else {
                None
            }
        };
        let (version, dra_versions, times) = futures::join!(version, dra_versions, times);
        Ok(ServerFacts {
            version: version?,
            dra_versions: dra_versions?,
            configuration_times: times.transpose()?,
        })
    }

    async fn read_version(&self) -> Result<Result<KubernetesVersion, String>, LiveError> {
        let fetched = self
            .send(&VERSION, || self.client.apiserver_version())
            .await;
        let info = match optional(fetched, &VERSION, &self.context)? {
            Ok(info) => info,
            Err(reason) => return Ok(Err(reason)),
        };
        Ok(
            KubernetesVersion::parse(&info.major, &info.minor, &info.git_version).ok_or_else(
                || {
                    format!(
                        "the apiserver reports an unknown version: major `{}`, minor `{}`",
                        info.major, info.minor
                    )
                },
            ),
        )
    }

    async fn read_dra_versions(&self) -> Result<Result<Vec<String>, String>, LiveError> {
        let fetched = self
            .send(&DISCOVERY, || self.client.list_api_groups())
            .await;
        Ok(optional(fetched, &DISCOVERY, &self.context)?.map(|groups| {
            groups
                .groups
                .into_iter()
                .filter(|group| group.name == DRA_GROUP)
                .flat_map(|group| group.versions)
                .map(|version| version.version)
                .collect()
        }))
    }

    async fn read_configuration_times(
        &self,
        namespace: &str,
    ) -> Result<Result<ConfigurationTimes, String>, LiveError> {
        let config_maps: Api<DynamicObject> =
            Api::namespaced_with(self.client.clone(), namespace, &CONFIG_MAP.api_resource());
        let fetched = self
            .send(&CONFIG_MAP, || config_maps.get(KUEUE_CONFIG_MAP))
            .await;
        let config_map = match optional(fetched, &CONFIG_MAP, &self.context)? {
            Ok(object) => object_value(&CONFIG_MAP, &object),
            Err(reason) => return Ok(Err(reason)),
        };
        let Some(config_map_changed) = last_change(&config_map) else {
            return Ok(Err(format!(
                "ConfigMap {namespace}/{KUEUE_CONFIG_MAP} has no creationTimestamp"
            )));
        };

        let pods: Api<DynamicObject> =
            Api::namespaced_with(self.client.clone(), namespace, &POD.api_resource());
        let params = ListParams::default();
        let fetched = self.send(&POD, || pods.list(&params)).await;
        let pods = match optional(fetched, &POD, &self.context)? {
            Ok(list) => list.items,
            Err(reason) => return Ok(Err(reason)),
        };
        // NOTE: Pods are matched by the name prefix the Deployment's ReplicaSets give them,
        // not by the Deployment's label selector.
        let prefix = format!("{KUEUE_DEPLOYMENT}-");
        let managers = pods
            .iter()
            .map(|pod| object_value(&POD, pod))
            .filter(|pod| {
                pod["metadata"]["name"]
                    .as_str()
                    .is_some_and(|name| name.starts_with(&prefix))
            })
            .filter_map(|pod| manager_start(&pod))
            .collect();
        Ok(Ok(ConfigurationTimes {
            config_map_changed,
            managers,
        }))
    }
}

/// Sorts the outcome of an optional read: the value, the reason it is missing, or an
/// unreachable apiserver, which ends the run.
fn optional<T>(
    fetched: Result<Fetched<T>, LiveError>,
    kind: &ApiKind,
    context: &str,
) -> Result<Result<T, String>, LiveError> {
    match fetched {
        Ok(Fetched::Objects(value)) => Ok(Ok(value)),
        Ok(Fetched::Forbidden) => Ok(Err(format!(
            "context `{context}`: cannot read {}: 403 Forbidden",
            kind.resource()
        ))),
        Ok(Fetched::NotFound) => Ok(Err(format!(
            "context `{context}`: {} not found",
            kind.resource()
        ))),
        Err(error @ LiveError::Unreachable { .. }) => Err(error),
        Err(error) => Ok(Err(error_chain(&error))),
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Returns the newest time the ConfigMap was written: its newest `managedFields` entry, or
/// its `creationTimestamp` when it has none.
fn last_change(config_map: &Value) -> Option<Timestamp> {
    let metadata = &config_map["metadata"];
    let created = timestamp(&metadata["creationTimestamp"]);
    let written = metadata["managedFields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| timestamp(&entry["time"]))
        .max();
    created.into_iter().chain(written).max()
}

/// Returns when the Pod's `manager` container last started, or else when the Pod started;
/// `None` for a Pod that has not started.
fn manager_start(pod: &Value) -> Option<ManagerStart> {
    let status = &pod["status"];
    let container = status["containerStatuses"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|container| container["name"] == "manager");
    let started = container
        .and_then(|container| timestamp(&container["state"]["running"]["startedAt"]))
        .or_else(|| timestamp(&status["startTime"]))?;
    Some(ManagerStart {
        pod: pod["metadata"]["name"].as_str()?.to_owned(),
        started,
    })
}

fn timestamp(value: &Value) -> Option<Timestamp> {
    value.as_str()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn version_ignores_managed_suffix() {
        let version = KubernetesVersion::parse("1", "34+", "v1.34.2-gke.1000").expect("valid");

        assert_eq!(version.minor, 34);
        assert!(version.at_least(1, 34));
        assert!(!version.at_least(1, 35));
    }

    #[test]
    fn last_change_takes_newest_write() {
        let config_map = json!({"metadata": {
            "creationTimestamp": "2026-12-01T10:00:00Z",
            "managedFields": [
                {"manager": "kubectl", "time": "2026-12-03T08:00:00Z"},
                {"manager": "helm", "time": "2026-12-02T08:00:00Z"},
            ],
        }});

        let changed = last_change(&config_map).expect("a time");

        assert_eq!(changed.to_string(), "2026-12-03T08:00:00Z");
    }

    #[test]
    fn manager_start_prefers_container_start() {
        let pod = json!({
            "metadata": {"name": "kueue-controller-manager-6d9f-abcde"},
            "status": {
                "startTime": "2026-12-01T10:00:00Z",
                "containerStatuses": [
                    {"name": "manager", "state": {"running": {"startedAt": "2026-12-02T10:00:00Z"}}},
                ],
            },
        });

        let start = manager_start(&pod).expect("started");

        assert_eq!(start.started.to_string(), "2026-12-02T10:00:00Z");
    }
}
