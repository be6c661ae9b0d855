//! The checks that need a live cluster's view of itself: the Kubernetes version, the DRA API
//! versions the apiserver serves, and when Kueue's ConfigMap changed.

use kueue_api::config::Configuration;
use kueue_dra_cluster::Snapshot;
use kueue_dra_cluster::live::facts::{ConfigurationTimes, KubernetesVersion, ServerFacts};
use kueue_dra_quota::Release;

use super::cross_checks::ReleaseContext;
use super::findings::{Code, Finding, ObjectReference, Severity, finding};

/// A Kubernetes feature gate that a Kueue feature needs, with the Kubernetes releases that
/// introduced it (alpha, off by default) and turned it on by default (beta).
struct KubernetesGate {
    name: &'static str,
    alpha_minor: u32,
    beta_minor: u32,
}

// From `pkg/features/kube_features.go` of Kubernetes v1.36.0, the release Kueue v0.19.2
// vendors: all three are alpha and off by default until 1.36, where they turn beta and on.
const EXTENDED_RESOURCE: KubernetesGate = KubernetesGate {
    name: "DRAExtendedResource",
    alpha_minor: 34,
    beta_minor: 36,
};
const PARTITIONABLE_DEVICES: KubernetesGate = KubernetesGate {
    name: "DRAPartitionableDevices",
    alpha_minor: 33,
    beta_minor: 36,
};
const CONSUMABLE_CAPACITY: KubernetesGate = KubernetesGate {
    name: "DRAConsumableCapacity",
    alpha_minor: 34,
    beta_minor: 36,
};

/// The kubeconfig context and what was read about its cluster.
pub(crate) struct LiveContext<'a> {
    pub(crate) context: &'a str,
    pub(crate) kueue_namespace: &'a str,
    pub(crate) facts: &'a ServerFacts,
}

/// Runs every check that needs the live cluster, in a fixed order.
pub(crate) fn run(
    live: &LiveContext<'_>,
    snapshot: &Snapshot,
    configuration: &Configuration,
    context: &ReleaseContext,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if context.gates.dra_integration {
        findings.extend(dra_api_served(live, context.release));
        findings.extend(kubernetes_features(live, snapshot, configuration, context));
    }
    if let Some(times) = &live.facts.configuration_times {
        findings.extend(config_map_changed(live, times.as_ref()));
    }
    findings
}

/// Returns the `resource.k8s.io` version a release reads: `v1beta2` in v0.14, `v1` from
/// v0.15 (`pkg/dra` of each tag).
fn dra_api_version(release: Release) -> &'static str {
    match release {
        Release::Tagged { minor: 14, .. } => "v1beta2",
        _ => "v1",
    }
}

fn dra_api_served(live: &LiveContext<'_>, release: Release) -> Vec<Finding> {
    let needed = dra_api_version(release);
    let served = match &live.facts.dra_versions {
        Ok(served) => served,
        Err(reason) => {
            return vec![finding(
                Severity::Info,
                Code::NotVerifiable,
                format!(
                    "the API versions the apiserver serves could not be read, so whether it \
                     serves resource.k8s.io/{needed} was not checked: {reason}"
                ),
                Vec::new(),
                "grant the credentials access to the discovery endpoint /apis, or run `kubectl \
                 api-versions` by hand",
            )];
        }
    };
    if served.iter().any(|version| version == needed) {
        return Vec::new();
    }

    let served = if served.is_empty() {
        "no version of resource.k8s.io".to_owned()
    } else {
        format!("only resource.k8s.io/{}", served.join(", "))
    };
    vec![finding(
        Severity::Error,
        Code::DraApiNotServed,
        format!(
            "Kueue {release} reads DeviceClasses and ResourceClaimTemplates through \
             resource.k8s.io/{needed}, but the apiserver of context `{}` serves {served}, so \
             Kueue cannot charge DRA devices",
            live.context
        ),
        Vec::new(),
        "upgrade Kubernetes to a release that serves that API version (resource.k8s.io/v1 from \
         1.34), or run a Kueue release that reads the version the cluster serves",
    )]
}

/// Compares the Kueue features in use with the Kubernetes gates they need.
fn kubernetes_features(
    live: &LiveContext<'_>,
    snapshot: &Snapshot,
    configuration: &Configuration,
    context: &ReleaseContext,
) -> Vec<Finding> {
    let mappings = configuration
        .resources
        .as_ref()
        .map_or(&[][..], |resources| &resources.device_class_mappings[..]);
    let with_counters = mappings.iter().any(|mapping| {
        mapping
            .sources
            .iter()
            .any(|source| source.counter.is_some())
    });
    let with_capacity = mappings.iter().any(|mapping| {
        mapping
            .sources
            .iter()
            .any(|source| source.capacity.is_some())
    });

    let with_extended_resources = snapshot.device_classes.iter().any(|class| {
        class
            .spec
            .extended_resource_name
            .as_ref()
            .is_some_and(|name| !name.is_empty())
    });

    // Without its gate, the extended-resource path stays unused, which is a warning. Configured
    // sources without theirs charge devices the cluster cannot allocate, which is an error.
    let features = [
        FeatureUse {
            in_use: context.gates.extended_resource && with_extended_resources,
            feature: "Kueue's extended-resource path",
            gate: &EXTENDED_RESOURCE,
            severity: Severity::Warning,
            apiserver_evidence: extended_resource_evidence(snapshot),
        },
        FeatureUse {
            in_use: context.gates.partitionable_devices && with_counters,
            feature: "Charging by counter sources",
            gate: &PARTITIONABLE_DEVICES,
            severity: Severity::Error,
            apiserver_evidence: counter_evidence(snapshot),
        },
        FeatureUse {
            in_use: context.gates.consumable_capacity && with_capacity,
            feature: "Charging by capacity sources",
            gate: &CONSUMABLE_CAPACITY,
            severity: Severity::Error,
            apiserver_evidence: capacity_evidence(snapshot),
        },
    ];
    let in_use: Vec<FeatureUse> = features.into_iter().filter(|usage| usage.in_use).collect();
    if in_use.is_empty() {
        return Vec::new();
    }

    let version = match &live.facts.version {
        Ok(version) => version,
        Err(reason) => {
            return vec![finding(
                Severity::Info,
                Code::NotVerifiable,
                format!(
                    "the Kubernetes version could not be read, so the Kubernetes feature gates \
                     that Kueue's DRA features need were not checked: {reason}"
                ),
                Vec::new(),
                "grant the credentials access to /version, or run `kubectl version` by hand",
            )];
        }
    };
    in_use
        .iter()
        .filter_map(|usage| gate_finding(live.context, version, usage))
        .collect()
}

/// A Kueue DRA feature, whether the Configuration and objects use it, and what the cluster's
/// objects show about the Kubernetes gate it needs.
struct FeatureUse {
    in_use: bool,
    feature: &'static str,
    gate: &'static KubernetesGate,
    /// The severity when the Kubernetes release lacks the gate.
    severity: Severity,
    /// An object that kube-apiserver keeps only with the gate on, named in a sentence.
    apiserver_evidence: Option<String>,
}

// kube-apiserver drops the fields of a disabled DRA feature when it stores an object
// (`dropDisabledFields` in Kubernetes' `pkg/registry/resource/*/strategy.go`), so an object
// that has them was written while the gate was on.
fn extended_resource_evidence(snapshot: &Snapshot) -> Option<String> {
    let class = snapshot.device_classes.iter().find(|class| {
        class
            .spec
            .extended_resource_name
            .as_ref()
            .is_some_and(|name| !name.is_empty())
    })?;
    let name = class.metadata.name.as_deref()?;
    Some(format!("DeviceClass {name} has an extendedResourceName"))
}

fn counter_evidence(snapshot: &Snapshot) -> Option<String> {
    let slice = snapshot.resource_slices.iter().find(|slice| {
        let shares = slice
            .spec
            .shared_counters
            .as_ref()
            .is_some_and(|sets| !sets.is_empty());
        let consumes = slice.spec.devices.iter().flatten().any(|device| {
            device
                .consumes_counters
                .as_ref()
                .is_some_and(|entries| !entries.is_empty())
        });
        shares || consumes
    })?;
    let name = slice.metadata.name.as_deref()?;
    Some(format!("ResourceSlice {name} publishes counters"))
}

fn capacity_evidence(snapshot: &Snapshot) -> Option<String> {
    let slice = snapshot.resource_slices.iter().find(|slice| {
        slice
            .spec
            .devices
            .iter()
            .flatten()
            .any(|device| device.allow_multiple_allocations == Some(true))
    })?;
    let name = slice.metadata.name.as_deref()?;
    Some(format!(
        "ResourceSlice {name} has a device that allows multiple allocations"
    ))
}

/// Returns the finding for one Kueue feature on this Kubernetes version. The gate may not
/// exist yet (an error or warning), be off by default (the steps to check by hand), or be on
/// by default (no finding).
fn gate_finding(context: &str, version: &KubernetesVersion, usage: &FeatureUse) -> Option<Finding> {
    let FeatureUse {
        feature,
        gate,
        severity,
        ..
    } = usage;
    let name = gate.name;
    let release = &version.git_version;
    if !version.at_least(1, gate.alpha_minor) {
        return Some(finding(
            *severity,
            Code::KubernetesFeatureUnavailable,
            format!(
                "{feature} needs the Kubernetes feature gate {name}, which Kubernetes \
                 {release} of context `{context}` does not have (it exists from 1.{}), so the \
                 cluster cannot allocate the devices Kueue charges this way",
                gate.alpha_minor
            ),
            Vec::new(),
            &format!(
                "upgrade Kubernetes to 1.{} or later and turn {name} on in kube-apiserver and \
                 kube-scheduler",
                gate.alpha_minor
            ),
        ));
    }
    if version.at_least(1, gate.beta_minor) {
        return None;
    }
    let scheduler_check = "the --feature-gates flag of kube-scheduler (on kubeadm clusters in \
                           /etc/kubernetes/manifests/kube-scheduler.yaml)";
    let (seen, fix) = match &usage.apiserver_evidence {
        Some(evidence) => (
            format!(
                "{evidence}, so kube-apiserver had the gate on when it was written, but a \
                 client cannot read kube-scheduler's flags"
            ),
            format!("check by hand: {scheduler_check}"),
        ),
        None => (
            "a client cannot read the components' flags".to_owned(),
            format!(
                "check by hand: `kubectl get --raw /metrics | grep \
                 'kubernetes_feature_enabled{{name=\"{name}\"'` for kube-apiserver, and \
                 {scheduler_check}"
            ),
        ),
    };
    Some(finding(
        Severity::Info,
        Code::NotVerifiable,
        format!(
            "{feature} needs the Kubernetes feature gate {name} on kube-apiserver and \
             kube-scheduler. Kubernetes {release} of context `{context}` has it off by default, \
             and {seen}"
        ),
        Vec::new(),
        &fix,
    ))
}

/// Kueue reads its Configuration only at start-up, so a ConfigMap written after the manager
/// container started is not in effect.
fn config_map_changed(
    live: &LiveContext<'_>,
    times: Result<&ConfigurationTimes, &String>,
) -> Vec<Finding> {
    let namespace = live.kueue_namespace;
    let config_map = ObjectReference::namespaced("ConfigMap", namespace, "kueue-manager-config");
    let times = match times {
        Ok(times) => times,
        Err(reason) => {
            return vec![finding(
                Severity::Info,
                Code::NotVerifiable,
                format!(
                    "whether Kueue runs with the current ConfigMap was not checked, because the \
                     ConfigMap or the manager Pods could not be read: {reason}"
                ),
                vec![config_map],
                &format!(
                    "grant the credentials an RBAC rule with verbs `get,list` on `configmaps` \
                     and `pods` in namespace `{namespace}`"
                ),
            )];
        }
    };

    let changed = times.config_map_changed;
    times
        .managers
        .iter()
        .filter(|manager| manager.started < changed)
        .map(|manager| {
            let mut objects = vec![config_map.clone()];
            objects.push(ObjectReference::namespaced("Pod", namespace, &manager.pod));
            finding(
                Severity::Warning,
                Code::ConfigMapChangedAfterStart,
                format!(
                    "ConfigMap {namespace}/kueue-manager-config changed at {changed}, after the \
                     manager container of Pod {} started at {}; Kueue reads deviceClassMappings \
                     only at start-up, so it still runs with the previous Configuration, which \
                     this check cannot see",
                    manager.pod, manager.started
                ),
                objects,
                &format!(
                    "restart Kueue: `kubectl -n {namespace} rollout restart deployment \
                     kueue-controller-manager`"
                ),
            )
        })
        .collect()
}
