//! Findings: what `check-config` reports, in the JSON shape scripts rely on.

use serde::Serialize;

/// The seriousness of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) enum Severity {
    /// Kueue does not start, or workloads are charged wrongly or never admitted.
    Error,
    /// A setup that works but surprises: a quota bucket that is never used, a choice Kueue
    /// makes silently.
    Warning,
    /// Something the check could not verify, and why.
    Info,
}

impl Severity {
    /// Returns the name the table prints.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Error => "Error",
            Self::Warning => "Warning",
            Self::Info => "Info",
        }
    }
}

/// One problem found in the Configuration or in how it meets the cluster's objects.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Finding {
    pub(crate) severity: Severity,
    /// `KUEUE-VALIDATION` for Kueue's own checks, or one of the codes in [`Code`].
    pub(crate) code: String,
    /// The Configuration field, for Kueue's own checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) path: Option<String>,
    /// The Kubernetes field error type, for Kueue's own checks.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub(crate) error_type: Option<String>,
    pub(crate) message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) objects: Vec<ObjectReference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) fix: Option<String>,
    /// The kubeconfig context of the MultiKueue worker cluster a finding is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cluster: Option<String>,
}

/// An object a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct ObjectReference {
    pub(crate) kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) namespace: Option<String>,
    pub(crate) name: String,
}

impl ObjectReference {
    /// Refers to a cluster-scoped object.
    pub(crate) fn cluster(kind: &str, name: &str) -> Self {
        Self {
            kind: kind.to_owned(),
            namespace: None,
            name: name.to_owned(),
        }
    }

    /// Refers to a namespaced object.
    pub(crate) fn namespaced(kind: &str, namespace: &str, name: &str) -> Self {
        Self {
            kind: kind.to_owned(),
            namespace: Some(namespace.to_owned()),
            name: name.to_owned(),
        }
    }
}

/// The codes of the checks Kueue itself does not make. They are stable: scripts match on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Code {
    /// Kueue does not start: the Configuration has a field it does not know.
    ConfigurationDecoding,
    /// A mapping names a DeviceClass that does not exist.
    MappedDeviceClassMissing,
    /// A workload requests devices of a DeviceClass that no mapping covers.
    DeviceClassUnmapped,
    /// A DRA quota key that no ClusterQueue covers.
    KeyNotCovered,
    /// A DRA quota key that ClusterQueues cover with no quota at all.
    KeyWithoutQuota,
    /// A DeviceClass both mapped and declaring an extended resource name.
    DeviceClassInBothPaths,
    /// Several DeviceClasses declare one extended resource name.
    ExtendedResourceShared,
    /// An extended resource backed by a DeviceClass with counter or capacity sources.
    ExtendedResourceWithSources,
    /// Kueue does not start with the Configuration's `featureGates`.
    FeatureGates,
    /// A workload requests the implicit `deviceclass.resource.kubernetes.io/<class>` name.
    ImplicitExtendedResource,
    /// DRA is in use without `waitForPodsReady`.
    WaitForPodsReadyDisabled,
    /// A transformation that charges a DRA device a second time.
    TransformationDoubleCharge,
    /// A mapping name that workloads also request as an ordinary resource.
    MappingNameCollision,
    /// A DeviceClass or ResourceClaimTemplate CEL selector that does not compile.
    CelDoesNotCompile,
    /// A counter or capacity source whose name no ResourceSlice of its driver publishes.
    SourceNameUnpublished,
    /// The apiserver does not serve the `resource.k8s.io` version the Kueue release reads.
    DraApiNotServed,
    /// A Kueue DRA feature in use needs a Kubernetes feature gate the cluster does not have.
    KubernetesFeatureUnavailable,
    /// Kueue's ConfigMap changed after the manager container started.
    ConfigMapChangedAfterStart,
    /// A MultiKueue worker lacks a DeviceClass that pending workloads need.
    WorkerDeviceClassMissing,
    /// A MultiKueue worker lacks a ResourceClaimTemplate that pending workloads use.
    WorkerTemplateMissing,
    /// A MultiKueue worker's ResourceClaimTemplate requests other devices than the manager's.
    WorkerTemplateDiffers,
    /// A MultiKueue worker's `deviceClassMappings` differ from the manager's.
    WorkerMappingsDiffer,
    /// No ClusterQueue of a MultiKueue worker covers a DRA quota key the manager covers.
    WorkerKeyNotCovered,
    /// The input has no objects of a kind a check needs.
    NotVerifiable,
}

impl Code {
    /// Returns the code as findings print it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::ConfigurationDecoding => "CONFIGURATION-DECODING",
            Self::MappedDeviceClassMissing => "MAPPED-DEVICECLASS-MISSING",
            Self::DeviceClassUnmapped => "DEVICECLASS-UNMAPPED",
            Self::KeyNotCovered => "KEY-NOT-COVERED",
            Self::KeyWithoutQuota => "KEY-WITHOUT-QUOTA",
            Self::DeviceClassInBothPaths => "DEVICECLASS-IN-BOTH-PATHS",
            Self::ExtendedResourceShared => "EXTENDED-RESOURCE-SHARED",
            Self::ExtendedResourceWithSources => "EXTENDED-RESOURCE-WITH-SOURCES",
            Self::FeatureGates => "FEATURE-GATES",
            Self::ImplicitExtendedResource => "IMPLICIT-EXTENDED-RESOURCE",
            Self::WaitForPodsReadyDisabled => "WAIT-FOR-PODS-READY-DISABLED",
            Self::TransformationDoubleCharge => "TRANSFORMATION-DOUBLE-CHARGE",
            Self::MappingNameCollision => "MAPPING-NAME-COLLISION",
            Self::CelDoesNotCompile => "CEL-DOES-NOT-COMPILE",
            Self::SourceNameUnpublished => "SOURCE-NAME-UNPUBLISHED",
            Self::DraApiNotServed => "DRA-API-NOT-SERVED",
            Self::KubernetesFeatureUnavailable => "KUBERNETES-FEATURE-UNAVAILABLE",
            Self::ConfigMapChangedAfterStart => "CONFIGMAP-CHANGED-AFTER-START",
            Self::WorkerDeviceClassMissing => "WORKER-DEVICECLASS-MISSING",
            Self::WorkerTemplateMissing => "WORKER-TEMPLATE-MISSING",
            Self::WorkerTemplateDiffers => "WORKER-TEMPLATE-DIFFERS",
            Self::WorkerMappingsDiffer => "WORKER-MAPPINGS-DIFFER",
            Self::WorkerKeyNotCovered => "WORKER-KEY-NOT-COVERED",
            Self::NotVerifiable => "NOT-VERIFIABLE",
        }
    }

    /// Returns every code, in the order docs list them.
    #[cfg(test)]
    pub(crate) fn all() -> [Self; 24] {
        [
            Self::ConfigurationDecoding,
            Self::FeatureGates,
            Self::MappedDeviceClassMissing,
            Self::DeviceClassUnmapped,
            Self::KeyNotCovered,
            Self::KeyWithoutQuota,
            Self::DeviceClassInBothPaths,
            Self::ExtendedResourceShared,
            Self::ExtendedResourceWithSources,
            Self::ImplicitExtendedResource,
            Self::TransformationDoubleCharge,
            Self::MappingNameCollision,
            Self::CelDoesNotCompile,
            Self::SourceNameUnpublished,
            Self::WaitForPodsReadyDisabled,
            Self::DraApiNotServed,
            Self::KubernetesFeatureUnavailable,
            Self::ConfigMapChangedAfterStart,
            Self::WorkerDeviceClassMissing,
            Self::WorkerTemplateMissing,
            Self::WorkerTemplateDiffers,
            Self::WorkerMappingsDiffer,
            Self::WorkerKeyNotCovered,
            Self::NotVerifiable,
        ]
    }
}

/// Builds a finding of one of this tool's own checks.
pub(crate) fn finding(
    severity: Severity,
    code: Code,
    message: String,
    objects: Vec<ObjectReference>,
    fix: &str,
) -> Finding {
    Finding {
        severity,
        code: code.as_str().to_owned(),
        path: None,
        error_type: None,
        message,
        objects,
        fix: Some(fix.to_owned()),
        cluster: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_documented() {
        let catalogue = include_str!("../../../docs/check-codes.md");
        for code in Code::all() {
            let row = format!("| `{}` |", code.as_str());
            assert!(
                catalogue.contains(&row),
                "docs/check-codes.md lacks {}",
                code.as_str()
            );
        }
    }
}
