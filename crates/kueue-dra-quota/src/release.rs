//! Kueue releases and the feature gates that decide how a release charges DRA devices.

use std::collections::BTreeMap;

/// A Kueue release whose DRA accounting this crate reproduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Release {
    /// Kueue v0.19.2, the default.
    #[default]
    V0_19_2,
}

impl Release {
    /// Returns the release's version string, such as `v0.19.2`.
    #[must_use]
    pub fn version(self) -> &'static str {
        match self {
            Self::V0_19_2 => "v0.19.2",
        }
    }
}

/// The feature gates that change DRA accounting, resolved for one release and one
/// Configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// Each field is one named gate, so a bool per gate is the natural shape.
#[allow(clippy::struct_excessive_bools)]
pub struct FeatureGates {
    /// `KueueDRAIntegration`: all DRA processing.
    pub dra_integration: bool,
    /// `KueueDRAIntegrationExtendedResource`: the extended-resource path.
    pub extended_resource: bool,
    /// `KueueDRARejectWorkloadsWhenDRADisabled`: reject DRA workloads while DRA is off.
    pub reject_when_dra_disabled: bool,
    /// `KueueDRAIntegrationPartitionableDevices`: counter sources replace device counts.
    pub partitionable_devices: bool,
    /// `KueueDRAIntegrationConsumableCapacity`: capacity sources replace device counts.
    pub consumable_capacity: bool,
    /// `UnadmittedWorkloadsObservability`: the QuotaReserved reason is `Misconfigured`
    /// instead of `Inadmissible`.
    pub unadmitted_workloads_observability: bool,
    /// `AdmissionGatedBy`: a Workload with a non-empty `kueue.x-k8s.io/admission-gated-by`
    /// annotation is kept out of the queues.
    pub admission_gated_by: bool,
}

impl FeatureGates {
    /// Returns the release's default gates with the Configuration's `featureGates` applied.
    // TODO: validate gate names and locked gates as the release does at start-up; unknown
    // names are ignored here.
    #[must_use]
    pub fn resolve(release: Release, overrides: &BTreeMap<String, bool>) -> Self {
        let defaults = match release {
            Release::V0_19_2 => Self {
                dra_integration: true,
                extended_resource: true,
                reject_when_dra_disabled: true,
                partitionable_devices: true,
                consumable_capacity: false,
                unadmitted_workloads_observability: false,
                admission_gated_by: true,
            },
        };
        let gate = |name: &str, default: bool| overrides.get(name).copied().unwrap_or(default);
        Self {
            dra_integration: gate("KueueDRAIntegration", defaults.dra_integration),
            extended_resource: gate(
                "KueueDRAIntegrationExtendedResource",
                defaults.extended_resource,
            ),
            reject_when_dra_disabled: gate(
                "KueueDRARejectWorkloadsWhenDRADisabled",
                defaults.reject_when_dra_disabled,
            ),
            partitionable_devices: gate(
                "KueueDRAIntegrationPartitionableDevices",
                defaults.partitionable_devices,
            ),
            consumable_capacity: gate(
                "KueueDRAIntegrationConsumableCapacity",
                defaults.consumable_capacity,
            ),
            unadmitted_workloads_observability: gate(
                "UnadmittedWorkloadsObservability",
                defaults.unadmitted_workloads_observability,
            ),
            admission_gated_by: gate("AdmissionGatedBy", defaults.admission_gated_by),
        }
    }

    /// Returns the QuotaReserved reason Kueue writes when it marks a Workload inadmissible.
    #[must_use]
    pub fn inadmissible_reason(self) -> &'static str {
        if self.unadmitted_workloads_observability {
            "Misconfigured"
        } else {
            "Inadmissible"
        }
    }

    /// Returns the QuotaReserved reason Kueue's scheduler writes when a Workload's requests
    /// exceed their limits or a LimitRange's bounds.
    #[must_use]
    pub fn resource_validation_reason(self) -> &'static str {
        if self.unadmitted_workloads_observability {
            "Misconfigured"
        } else {
            "Pending"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_for_v0_19_2() {
        let gates = FeatureGates::resolve(Release::V0_19_2, &BTreeMap::new());

        assert!(gates.dra_integration);
        assert!(gates.extended_resource);
        assert!(gates.reject_when_dra_disabled);
        assert!(gates.partitionable_devices);
        assert!(!gates.consumable_capacity);
        assert!(gates.admission_gated_by);
        assert_eq!(gates.inadmissible_reason(), "Inadmissible");
        assert_eq!(gates.resource_validation_reason(), "Pending");
    }

    #[test]
    fn configuration_overrides_defaults() {
        let overrides = BTreeMap::from([
            ("KueueDRAIntegrationExtendedResource".to_owned(), false),
            ("UnadmittedWorkloadsObservability".to_owned(), true),
        ]);

        let gates = FeatureGates::resolve(Release::V0_19_2, &overrides);

        assert!(!gates.extended_resource);
        assert_eq!(gates.inadmissible_reason(), "Misconfigured");
        assert_eq!(gates.resource_validation_reason(), "Misconfigured");
    }
}
