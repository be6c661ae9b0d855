//! Kueue's feature gates: the gates each release recognises, how a Configuration's `featureGates`
//! are applied at start-up, and the errors that stop Kueue from starting.

mod tables;

use std::collections::BTreeMap;
use std::fmt;

use crate::field::{BadValue, FieldError, aggregate_message, aggregate_strings};
use crate::release::Release;

/// One feature gate a release recognises, with its spec at the release's emulation version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GateSpec {
    /// The gate's name, such as `KueueDRAIntegration`.
    pub name: &'static str,
    /// The gate's maturity.
    pub stage: Stage,
    /// Whether the gate is on when the Configuration does not set it.
    pub default: bool,
    /// Whether the gate is locked to its default, so that setting the other value stops
    /// Kueue from starting.
    pub locked: bool,
}

/// The maturity of a feature gate, as component-base's `prerelease`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// `ALPHA`.
    Alpha,
    /// `BETA`.
    Beta,
    /// General availability, written as the empty string in component-base.
    Ga,
    /// `DEPRECATED`.
    Deprecated,
}

/// Returns every feature gate `release` accepts in `featureGates`, sorted by name.
///
/// These are Kueue's own gates, the gates of the vendored packages linked into Kueue's
/// binary that register in the same registry (such as `k8s.io/apiserver`, and from v0.19.0
/// `k8s.io/kubernetes`), and component-base's `AllAlpha` and `AllBeta`.
#[must_use]
pub fn known_gates(release: Release) -> &'static [GateSpec] {
    tables::tables(release).0
}

/// The error Kueue logs when its `featureGates` stop it from starting.
///
/// Kueue logs `message` as the log line's message and `error` as its `error` field, then
/// exits with status 1. [`fmt::Display`] joins them with `: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigurationError {
    /// The message of Kueue's start-up log line, such as `conflicting feature gates detected`.
    pub message: &'static str,
    /// The error Kueue logs with it, as Kueue and component-base write it.
    pub error: String,
}

impl fmt::Display for ConfigurationError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}: {}", self.message, self.error)
    }
}

impl std::error::Error for ConfigurationError {}

/// The feature gates that change DRA accounting, resolved for one release and one
/// Configuration. A gate the release does not have is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// Each field is one named gate, so a bool per gate is the natural shape.
#[allow(clippy::struct_excessive_bools)]
pub struct FeatureGates {
    /// All DRA processing: `KueueDRAIntegration` from v0.18.0, `DynamicResourceAllocation`
    /// before.
    pub dra_integration: bool,
    /// The extended-resource path: `KueueDRAIntegrationExtendedResource` from v0.18.0,
    /// `DRAExtendedResources` in v0.17.
    pub extended_resource: bool,
    /// `KueueDRARejectWorkloadsWhenDRADisabled` (v0.18.0 and later): reject DRA workloads
    /// while DRA is off.
    pub reject_when_dra_disabled: bool,
    /// `KueueDRAIntegrationPartitionableDevices` (v0.18.0 and later): counter sources
    /// replace device counts.
    pub partitionable_devices: bool,
    /// `KueueDRAIntegrationConsumableCapacity` (v0.19.0 and later): capacity sources replace
    /// device counts.
    pub consumable_capacity: bool,
    /// `UnadmittedWorkloadsObservability`: the QuotaReserved reason is `Misconfigured`
    /// instead of `Inadmissible`, in the releases whose code reads it.
    pub unadmitted_workloads_observability: bool,
    /// `AdmissionGatedBy`: a Workload with a non-empty `kueue.x-k8s.io/admission-gated-by`
    /// annotation is kept out of the queues.
    pub admission_gated_by: bool,
    /// Whether `status.reclaimablePods` lowers a pod set's count: the `ReclaimablePods` gate
    /// from v0.14.4, and always before, when Kueue's code did not read the gate
    /// (`pkg/workload/workload.go`, `podSetsCountsAfterReclaim`).
    pub reclaimable_pods: bool,
    /// `QuotaCheckStrategy` (v0.18.0 and later): the Configuration's
    /// `resources.quotaCheckStrategy` is read, so `IgnoreUndeclared` can skip resources a
    /// ClusterQueue does not cover.
    pub quota_check_strategy: bool,
    /// `FlavorFungibility`: the ClusterQueue's `flavorFungibility` decides whether the flavor
    /// assigner tries the next flavor.
    pub flavor_fungibility: bool,
    /// `VectorizedResourceRequests` (v0.18.4 and later): request lists are sorted by the
    /// FNV-1a hash of the resource name, then the name, instead of being Go maps.
    pub vectorized_resource_requests: bool,
    /// `FlavorFungibilityImplicitPreferenceDefault` (v0.14.x, v0.15.x and v0.16.4 to
    /// v0.16.9, off by default): without a declared preference, `whenCanBorrow:
    /// TryNextFlavor` prefers preemption over borrowing.
    pub implicit_preference_default: bool,
}

impl FeatureGates {
    /// Applies a Configuration's `featureGates` to `release`'s defaults as Kueue does at
    /// start-up, and returns the gates that change DRA accounting.
    ///
    /// Fails where Kueue would refuse to start: an unknown gate name, a locked gate set to
    /// the other value, or gates that depend on a disabled gate. The error carries Kueue's
    /// log message and error text for that release.
    ///
    /// NOTE: component-base walks the `featureGates` map in Go's random order and stops at
    /// the first unknown name, so with several bad entries Kueue's message can list a
    /// different subset in a different order from run to run. This walks them by name.
    pub fn resolve(
        release: Release,
        overrides: &BTreeMap<String, bool>,
    ) -> Result<Self, ConfigurationError> {
        let enabled = startup(release, overrides)?;
        Ok(Self::from_enabled(release, &enabled))
    }

    /// Applies the known, unlocked entries of `featureGates` and ignores the rest, where
    /// Kueue would refuse to start.
    pub(crate) fn resolve_lenient(release: Release, overrides: &BTreeMap<String, bool>) -> Self {
        let mut enabled = GateState::new(release);
        for (name, &value) in overrides {
            if let Some(spec) = enabled.spec(name)
                && !(spec.locked && spec.default != value)
            {
                enabled.set(name, value);
            }
        }
        Self::from_enabled(release, &enabled)
    }

    /// Returns `release`'s default gates.
    #[must_use]
    pub fn defaults(release: Release) -> Self {
        Self::from_enabled(release, &GateState::new(release))
    }

    fn from_enabled(release: Release, state: &GateState) -> Self {
        let before_v0_18 = release.minor().is_some_and(|minor| minor < 18);
        let (dra_gate, extended_gate) = if before_v0_18 {
            ("DynamicResourceAllocation", "DRAExtendedResources")
        } else {
            ("KueueDRAIntegration", "KueueDRAIntegrationExtendedResource")
        };
        // Only the code of these releases reads UnadmittedWorkloadsObservability for the
        // QuotaReserved reason (`pkg/controller/core/workload_controller.go`).
        let reads_observability = release.since(&[(18, 5), (19, 0)]);
        Self {
            dra_integration: state.enabled(dra_gate),
            extended_resource: state.enabled(extended_gate),
            reject_when_dra_disabled: !before_v0_18
                && state.enabled("KueueDRARejectWorkloadsWhenDRADisabled"),
            partitionable_devices: !before_v0_18
                && state.enabled("KueueDRAIntegrationPartitionableDevices"),
            consumable_capacity: state.enabled("KueueDRAIntegrationConsumableCapacity"),
            unadmitted_workloads_observability: reads_observability
                && state.enabled("UnadmittedWorkloadsObservability"),
            admission_gated_by: state.enabled("AdmissionGatedBy"),
            reclaimable_pods: !release.since(&[(14, 4)]) || state.enabled("ReclaimablePods"),
            quota_check_strategy: state.enabled("QuotaCheckStrategy"),
            flavor_fungibility: state.enabled("FlavorFungibility"),
            vectorized_resource_requests: state.enabled("VectorizedResourceRequests"),
            implicit_preference_default: state
                .enabled("FlavorFungibilityImplicitPreferenceDefault"),
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

/// The gates of one release with the values set so far, as component-base's `enabled` map
/// over its `known` specs.
struct GateState {
    known: &'static [GateSpec],
    dependencies: &'static [(&'static str, &'static [&'static str])],
    set: BTreeMap<&'static str, bool>,
}

impl GateState {
    fn new(release: Release) -> Self {
        let (known, dependencies) = tables::tables(release);
        Self {
            known,
            dependencies,
            set: BTreeMap::new(),
        }
    }

    fn spec(&self, name: &str) -> Option<&'static GateSpec> {
        self.known
            .binary_search_by(|spec| spec.name.cmp(name))
            .ok()
            .map(|index| &self.known[index])
    }

    fn set(&mut self, name: &str, value: bool) {
        let Some(spec) = self.spec(name) else {
            return;
        };
        // `AllAlpha` and `AllBeta` set every gate of their stage not set yet.
        let special = match spec.name {
            "AllAlpha" => Some(Stage::Alpha),
            "AllBeta" => Some(Stage::Beta),
            _ => None,
        };
        if let Some(stage) = special {
            for gate in self.known {
                if gate.stage == stage && !matches!(gate.name, "AllAlpha" | "AllBeta") {
                    self.set.entry(gate.name).or_insert(value);
                }
            }
        }
        self.set.insert(spec.name, value);
    }

    /// Returns whether `name` is on: its set value, else its default. A gate the release
    /// does not know is off.
    fn enabled(&self, name: &str) -> bool {
        if let Some(&value) = self.set.get(name) {
            return value;
        }
        self.spec(name).is_some_and(|spec| spec.default)
    }
}

/// The way a release applies `featureGates` at start-up (`cmd/kueue/main.go`,
/// `pkg/config/validation.go`).
enum Startup {
    /// Kueue's own gate checks run on the defaults before the gates are set, so they cannot
    /// fail. `SetFromMap` errors are logged as `Unable to set flag gates for known features`.
    SetOnly,
    /// `LoadAndValidateFeatureGates` returns plain errors and stops at the first failed
    /// check (v0.16.9).
    PlainChecks,
    /// `LoadAndValidateFeatureGates` returns field errors at `featureGates` and collects
    /// every failed check, in this order of (gate, required gate) pairs.
    FieldChecks(&'static [(&'static str, &'static str)]),
}

const TAS: &str = "TopologyAwareScheduling";
const NODE_REPLACEMENT: &str = "TASFailedNodeReplacement";

/// The dependency checks of v0.17.4 to v0.17.7.
const CHECKS_V0_17_4: &[(&str, &str)] = &[
    ("TASHandleOverlappingFlavors", TAS),
    (NODE_REPLACEMENT, TAS),
    ("TASFailedNodeReplacementFailFast", TAS),
    ("TASFailedNodeReplacementFailFast", NODE_REPLACEMENT),
    ("TASReplaceNodeOnPodTermination", TAS),
    ("TASReplaceNodeOnPodTermination", NODE_REPLACEMENT),
    ("TASBalancedPlacement", TAS),
    ("TASReplaceNodeOnNodeTaints", TAS),
    ("TASMultiLayerTopology", TAS),
    (
        "ElasticJobsViaWorkloadSlicesWithTAS",
        "ElasticJobsViaWorkloadSlices",
    ),
    ("ElasticJobsViaWorkloadSlicesWithTAS", TAS),
    ("DRAExtendedResources", "DynamicResourceAllocation"),
];

/// The dependency checks of v0.17.8.
const CHECKS_V0_17_8: &[(&str, &str)] = &[
    ("TASHandleOverlappingFlavors", TAS),
    (NODE_REPLACEMENT, TAS),
    ("TASFailedNodeReplacementFailFast", TAS),
    ("TASFailedNodeReplacementFailFast", NODE_REPLACEMENT),
    ("TASReplaceNodeOnPodTermination", TAS),
    ("TASReplaceNodeOnPodTermination", NODE_REPLACEMENT),
    ("TASReplaceNodeDueToNotReadyOverFixedTime", TAS),
    ("TASReplaceNodeDueToNotReadyOverFixedTime", NODE_REPLACEMENT),
    ("TASBalancedPlacement", TAS),
    ("TASReplaceNodeOnNodeTaints", TAS),
    ("TASMultiLayerTopology", TAS),
    (
        "ElasticJobsViaWorkloadSlicesWithTAS",
        "ElasticJobsViaWorkloadSlices",
    ),
    ("ElasticJobsViaWorkloadSlicesWithTAS", TAS),
    ("DRAExtendedResources", "DynamicResourceAllocation"),
];

/// The dependency checks of v0.18.0 to v0.18.3.
const CHECKS_V0_18_0: &[(&str, &str)] = &[
    ("TASHandleOverlappingFlavors", TAS),
    (NODE_REPLACEMENT, TAS),
    ("TASFailedNodeReplacementFailFast", TAS),
    ("TASFailedNodeReplacementFailFast", NODE_REPLACEMENT),
    ("TASReplaceNodeOnPodTermination", TAS),
    ("TASReplaceNodeOnPodTermination", NODE_REPLACEMENT),
    ("TASBalancedPlacement", TAS),
    ("TASReplaceNodeOnNodeTaints", TAS),
    ("TASMultiLayerTopology", TAS),
    ("TASRespectNodeAffinityPreferred", TAS),
    (
        "ElasticJobsViaWorkloadSlicesWithTAS",
        "ElasticJobsViaWorkloadSlices",
    ),
    ("ElasticJobsViaWorkloadSlicesWithTAS", TAS),
    ("KueueDRAIntegrationExtendedResource", "KueueDRAIntegration"),
    (
        "KueueDRAIntegrationPartitionableDevices",
        "KueueDRAIntegration",
    ),
];

/// The dependency checks of v0.18.4.
const CHECKS_V0_18_4: &[(&str, &str)] = &[
    ("TASHandleOverlappingFlavors", TAS),
    (NODE_REPLACEMENT, TAS),
    ("TASFailedNodeReplacementFailFast", TAS),
    ("TASFailedNodeReplacementFailFast", NODE_REPLACEMENT),
    ("TASReplaceNodeOnPodTermination", TAS),
    ("TASReplaceNodeOnPodTermination", NODE_REPLACEMENT),
    ("TASReplaceNodeDueToNotReadyOverFixedTime", TAS),
    ("TASReplaceNodeDueToNotReadyOverFixedTime", NODE_REPLACEMENT),
    ("TASBalancedPlacement", TAS),
    ("TASReplaceNodeOnNodeTaints", TAS),
    ("TASMultiLayerTopology", TAS),
    ("TASRespectNodeAffinityPreferred", TAS),
    (
        "ElasticJobsViaWorkloadSlicesWithTAS",
        "ElasticJobsViaWorkloadSlices",
    ),
    ("ElasticJobsViaWorkloadSlicesWithTAS", TAS),
    ("KueueDRAIntegrationExtendedResource", "KueueDRAIntegration"),
    (
        "KueueDRAIntegrationPartitionableDevices",
        "KueueDRAIntegration",
    ),
];

/// The dependency checks of v0.18.5 and v0.18.6.
const CHECKS_V0_18_5: &[(&str, &str)] = &[
    ("TASHandleOverlappingFlavors", TAS),
    (NODE_REPLACEMENT, TAS),
    ("TASFailedNodeReplacementFailFast", TAS),
    ("TASFailedNodeReplacementFailFast", NODE_REPLACEMENT),
    ("TASReplaceNodeOnPodTermination", TAS),
    ("TASReplaceNodeOnPodTermination", NODE_REPLACEMENT),
    ("TASReplaceNodeDueToNotReadyOverFixedTime", TAS),
    ("TASReplaceNodeDueToNotReadyOverFixedTime", NODE_REPLACEMENT),
    ("TASBalancedPlacement", TAS),
    ("TASReplaceNodeOnNodeTaints", TAS),
    ("TASMultiLayerTopology", TAS),
    ("TASRespectNodeAffinityPreferred", TAS),
    ("TASRecomputeAssignmentWithinSchedulingCycle", TAS),
    (
        "UnadmittedWorkloadsExplicitStatus",
        "UnadmittedWorkloadsObservability",
    ),
    (
        "ElasticJobsViaWorkloadSlicesWithTAS",
        "ElasticJobsViaWorkloadSlices",
    ),
    ("ElasticJobsViaWorkloadSlicesWithTAS", TAS),
    ("KueueDRAIntegrationExtendedResource", "KueueDRAIntegration"),
    (
        "KueueDRAIntegrationPartitionableDevices",
        "KueueDRAIntegration",
    ),
];

/// The dependency checks of v0.19.0.
const CHECKS_V0_19_0: &[(&str, &str)] = &[
    ("TASHandleOverlappingFlavors", TAS),
    (NODE_REPLACEMENT, TAS),
    ("TASFailedNodeReplacementFailFast", TAS),
    ("TASFailedNodeReplacementFailFast", NODE_REPLACEMENT),
    ("TASReplaceNodeOnPodTermination", TAS),
    ("TASReplaceNodeOnPodTermination", NODE_REPLACEMENT),
    ("TASReplaceNodeDueToNotReadyOverFixedTime", TAS),
    ("TASReplaceNodeDueToNotReadyOverFixedTime", NODE_REPLACEMENT),
    ("TASBalancedPlacement", TAS),
    ("TASReplaceNodeOnNodeTaints", TAS),
    ("TASMultiLayerTopology", TAS),
    ("TASRespectNodeAffinityPreferred", TAS),
    (
        "UnadmittedWorkloadsExplicitStatus",
        "UnadmittedWorkloadsObservability",
    ),
    (
        "ElasticJobsViaWorkloadSlicesWithTAS",
        "ElasticJobsViaWorkloadSlices",
    ),
    ("ElasticJobsViaWorkloadSlicesWithTAS", TAS),
    ("KueueDRAIntegrationExtendedResource", "KueueDRAIntegration"),
    (
        "KueueDRAIntegrationPartitionableDevices",
        "KueueDRAIntegration",
    ),
    (
        "KueueDRAIntegrationConsumableCapacity",
        "KueueDRAIntegration",
    ),
];

/// The dependency checks of v0.19.1 and v0.19.2.
const CHECKS_V0_19_1: &[(&str, &str)] = &[
    ("TASHandleOverlappingFlavors", TAS),
    (NODE_REPLACEMENT, TAS),
    ("TASFailedNodeReplacementFailFast", TAS),
    ("TASFailedNodeReplacementFailFast", NODE_REPLACEMENT),
    ("TASReplaceNodeOnPodTermination", TAS),
    ("TASReplaceNodeOnPodTermination", NODE_REPLACEMENT),
    ("TASReplaceNodeDueToNotReadyOverFixedTime", TAS),
    ("TASReplaceNodeDueToNotReadyOverFixedTime", NODE_REPLACEMENT),
    ("TASBalancedPlacement", TAS),
    ("TASReplaceNodeOnNodeTaints", TAS),
    ("TASMultiLayerTopology", TAS),
    ("TASRespectNodeAffinityPreferred", TAS),
    ("TASRecomputeAssignmentWithinSchedulingCycle", TAS),
    (
        "UnadmittedWorkloadsExplicitStatus",
        "UnadmittedWorkloadsObservability",
    ),
    (
        "ElasticJobsViaWorkloadSlicesWithTAS",
        "ElasticJobsViaWorkloadSlices",
    ),
    ("ElasticJobsViaWorkloadSlicesWithTAS", TAS),
    ("KueueDRAIntegrationExtendedResource", "KueueDRAIntegration"),
    (
        "KueueDRAIntegrationPartitionableDevices",
        "KueueDRAIntegration",
    ),
    (
        "KueueDRAIntegrationConsumableCapacity",
        "KueueDRAIntegration",
    ),
];

/// The dependency checks of v0.16.9, each stopping at its first missing dependency.
const CHECKS_V0_16_9: &[(&str, &[&str])] = &[
    ("TASHandleOverlappingFlavors", &[TAS]),
    (NODE_REPLACEMENT, &[TAS]),
    ("TASFailedNodeReplacementFailFast", &[TAS, NODE_REPLACEMENT]),
    ("TASReplaceNodeOnPodTermination", &[TAS, NODE_REPLACEMENT]),
    ("TASBalancedPlacement", &[TAS]),
    ("TASReplaceNodeOnNodeTaints", &[TAS]),
];

fn startup_kind(release: Release) -> Startup {
    let Release::Tagged { minor, patch } = release else {
        return Startup::FieldChecks(&[]);
    };
    match (minor, patch) {
        (16, 9) => Startup::PlainChecks,
        (17, 4..=7) => Startup::FieldChecks(CHECKS_V0_17_4),
        (17, 8) => Startup::FieldChecks(CHECKS_V0_17_8),
        (18, 0..=3) => Startup::FieldChecks(CHECKS_V0_18_0),
        (18, 4) => Startup::FieldChecks(CHECKS_V0_18_4),
        (18, _) => Startup::FieldChecks(CHECKS_V0_18_5),
        (19, 0) => Startup::FieldChecks(CHECKS_V0_19_0),
        (19, _) => Startup::FieldChecks(CHECKS_V0_19_1),
        _ => Startup::SetOnly,
    }
}

const SET_FAILED: &str = "Unable to set flag gates for known features";
const CONFLICTING: &str = "conflicting feature gates detected";

/// Runs Kueue's start-up handling of `featureGates` for `release`.
fn startup(
    release: Release,
    overrides: &BTreeMap<String, bool>,
) -> Result<GateState, ConfigurationError> {
    let kind = startup_kind(release);
    let mut state = GateState::new(release);
    if let Err(error) = set_from_map(&mut state, overrides) {
        return Err(match kind {
            Startup::SetOnly => ConfigurationError {
                message: SET_FAILED,
                error,
            },
            Startup::PlainChecks => ConfigurationError {
                message: CONFLICTING,
                error,
            },
            Startup::FieldChecks(_) => ConfigurationError {
                message: CONFLICTING,
                error: FieldError::invalid(
                    "featureGates",
                    BadValue::BoolMap(overrides.clone()),
                    error,
                )
                .to_string(),
            },
        });
    }

    match kind {
        Startup::SetOnly => Ok(state),
        Startup::PlainChecks => match plain_checks(&state) {
            Some(error) => Err(ConfigurationError {
                message: CONFLICTING,
                error,
            }),
            None => Ok(state),
        },
        Startup::FieldChecks(checks) => {
            let errors = field_checks(&state, checks);
            if errors.is_empty() {
                Ok(state)
            } else {
                Err(ConfigurationError {
                    message: CONFLICTING,
                    error: aggregate_message(&errors),
                })
            }
        }
    }
}

/// Applies `overrides` as component-base's `SetFromMap`: an unknown name ends the walk, a
/// locked gate set to the other value is an error, and after a clean walk every registered
/// gate dependency is checked. Returns the aggregate error message.
fn set_from_map(state: &mut GateState, overrides: &BTreeMap<String, bool>) -> Result<(), String> {
    let mut errors = Vec::new();
    for (name, &value) in overrides {
        let Some(spec) = state.spec(name) else {
            errors.push(format!("unrecognized feature gate: {name}"));
            return Err(aggregate_strings(&errors));
        };
        if spec.locked && spec.default != value {
            errors.push(format!(
                "cannot set feature gate {name} to {value}, feature is locked to {}",
                spec.default
            ));
            continue;
        }
        state.set(name, value);
    }
    if !errors.is_empty() {
        return Err(aggregate_strings(&errors));
    }

    // NOTE: component-base walks its dependency map in Go's random order, so with several
    // failures the order in Kueue's message can vary. This walks them by gate name.
    for (feature, dependencies) in state.dependencies {
        if !state.enabled(feature) {
            continue;
        }
        let disabled: Vec<&str> = dependencies
            .iter()
            .copied()
            .filter(|dependency| !state.enabled(dependency))
            .collect();
        if !disabled.is_empty() {
            errors.push(format!(
                "{feature} is enabled, but depends on features that are disabled: [{}]",
                disabled.join(" ")
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(aggregate_strings(&errors))
    }
}

/// Runs v0.16.9's checks, which return the first failure as a plain error.
fn plain_checks(state: &GateState) -> Option<String> {
    let profiles = ["TASProfileMixed", "TASProfileLeastFreeCapacity"]
        .iter()
        .filter(|profile| state.enabled(profile))
        .count();
    if profiles > 1 {
        return Some("cannot use more than one TAS profiles".to_owned());
    }
    if !state.enabled(TAS) && profiles > 0 {
        return Some("cannot use a TAS profile with TAS disabled".to_owned());
    }
    for (gate, dependencies) in CHECKS_V0_16_9 {
        if !state.enabled(gate) {
            continue;
        }
        if let Some(missing) = dependencies
            .iter()
            .find(|dependency| !state.enabled(dependency))
        {
            return Some(format!("{gate} requires {missing} to be enabled"));
        }
    }
    None
}

/// Runs the field-error checks of v0.17.4 and later, collecting every failure.
fn field_checks(state: &GateState, checks: &[(&str, &str)]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !state.enabled(TAS) && state.enabled("TASProfileMixed") {
        errors.push(FieldError::invalid(
            "featureGates",
            BadValue::Int(1),
            "cannot use a TAS profile with TAS disabled",
        ));
    }
    for (gate, dependency) in checks {
        if state.enabled(gate) && !state.enabled(dependency) {
            errors.push(FieldError::invalid(
                "featureGates",
                BadValue::String((*gate).to_owned()),
                format!("{gate} requires {dependency} to be enabled"),
            ));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_for_v0_19_2() {
        let gates = FeatureGates::resolve(Release::default(), &BTreeMap::new()).expect("defaults");

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

        let gates = FeatureGates::resolve(Release::default(), &overrides).expect("valid gates");

        assert!(!gates.extended_resource);
        assert_eq!(gates.inadmissible_reason(), "Misconfigured");
        assert_eq!(gates.resource_validation_reason(), "Misconfigured");
    }

    #[test]
    fn every_release_has_gate_tables() {
        for release in Release::all() {
            let gates = known_gates(release);

            assert!(gates.len() > 30, "{release} knows {} gates", gates.len());
            assert!(
                gates.windows(2).all(|pair| pair[0].name < pair[1].name),
                "{release}: gates are not sorted"
            );
        }
    }
}
