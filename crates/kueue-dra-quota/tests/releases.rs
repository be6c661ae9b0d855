//! Release by release: how each Kueue release parses, applies its feature gates and charges
//! DRA devices, as its code at that tag does.

mod common;

use std::collections::BTreeMap;

use common::{configuration, device_classes, templates, workload};
use k8s_openapi::api::resource::v1::{DeviceClass, ResourceClaimTemplate};
use kueue_api::config::Configuration;
use kueue_api::v1beta2::Workload;
use kueue_dra_index::DeviceClassIndex;
use kueue_dra_quota::{Calculator, Explanation, FeatureGates, Release, Status, known_gates};

/// A release, the `featureGates` set, and Kueue's start-up error.
type GateCase = (&'static str, &'static [(&'static str, bool)], &'static str);

fn release(text: &str) -> Release {
    Release::parse(text).expect("a supported release")
}

/// Explains `wl` as `release` does, with `gates` set in the Configuration.
fn explain_at(
    text: &str,
    config: &Configuration,
    classes: &[DeviceClass],
    rcts: &[ResourceClaimTemplate],
    wl: &Workload,
) -> Explanation {
    let mappings = config
        .resources
        .clone()
        .unwrap_or_default()
        .device_class_mappings;
    let index = DeviceClassIndex::new(&mappings, classes);
    Calculator::try_new(config, &index, rcts, release(text))
        .expect("valid feature gates")
        .explain(wl)
}

/// A Configuration mapping `gpu.example.com` to `example.com/gpu`, with `gates`.
fn config_with(gates: &[(&str, bool)]) -> Configuration {
    let mut config = configuration(
        "
resources:
  deviceClassMappings:
  - name: example.com/gpu
    deviceClassNames: [gpu.example.com]
",
    );
    config.feature_gates = gates
        .iter()
        .map(|(name, value)| ((*name).to_owned(), *value))
        .collect();
    config
}

/// Returns the gates that turn DRA processing on in `text`, whose defaults leave the
/// template path off before v0.18 and the extended-resource path off before v0.19.
fn dra_on(text: &str) -> Vec<(&'static str, bool)> {
    match release(text).minor() {
        Some(14..=16) => vec![("DynamicResourceAllocation", true)],
        Some(17) => vec![
            ("DynamicResourceAllocation", true),
            ("DRAExtendedResources", true),
        ],
        Some(18) => vec![("KueueDRAIntegrationExtendedResource", true)],
        _ => vec![],
    }
}

trait ReleaseMinor {
    fn minor(self) -> Option<u32>;
}

impl ReleaseMinor for Release {
    fn minor(self) -> Option<u32> {
        match self {
            Release::Tagged { minor, .. } => Some(minor),
            Release::Main => None,
        }
    }
}

const CLAIM_WORKLOAD: &str = "
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata: {name: wl, namespace: default}
spec:
  podSets:
  - name: main
    count: 2
    template:
      spec:
        containers: [{name: main}]
        resourceClaims:
        - {name: devices, resourceClaimTemplateName: t}
";

/// A template named `t` whose `devices` are the given YAML, indented under `devices:`.
fn template(devices: &str) -> Vec<ResourceClaimTemplate> {
    templates(&format!(
        "
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata: {{name: t, namespace: default}}
spec:
  spec:
    devices:
{devices}
"
    ))
}

const ONE_GPU: &str = "      requests:
      - name: req
        exactly: {deviceClassName: gpu.example.com, count: 1}";

/// Explains the claim Workload against template `t` with `devices`, DRA on.
fn explain_template(text: &str, devices: &str) -> Explanation {
    explain_at(
        text,
        &config_with(&dra_on(text)),
        &[],
        &template(devices),
        &workload(CLAIM_WORKLOAD),
    )
}

fn per_pod(explanation: &Explanation, resource: &str) -> Option<String> {
    explanation.pod_sets[0].per_pod.get(resource).cloned()
}

const CLAIM_PATH: &str = "spec.podSets[0].template.spec.resourceClaims[0]";

#[test]
fn parse_accepts_supported_forms() {
    let cases = [
        ("v0.18.3", "v0.18.3"),
        ("0.18.6", "v0.18.6"),
        ("v0.19", "v0.19.2"),
        ("v0.14", "v0.14.8"),
        ("main", "main"),
        ("v0.19.2", "v0.19.2"),
    ];
    for (input, version) in cases {
        assert_eq!(release(input).version(), version, "{input}");
    }
    assert_eq!(Release::default().version(), "v0.19.2");
}

#[test]
fn parse_rejects_unknown_releases() {
    for input in ["v0.19.3", "latest", "v0.19.2.1", "v1.0.0", ""] {
        assert!(Release::parse(input).is_err(), "{input}");
    }
    let error = Release::parse("v0.13.0").expect_err("no DRA support before v0.14");
    assert_eq!(
        error.to_string(),
        "unknown Kueue release `v0.13.0`: expected one of v0.14.0 to v0.14.8, \
         v0.15.0 to v0.15.8, v0.16.0 to v0.16.9, v0.17.0 to v0.17.8, v0.18.0 to v0.18.6, \
         v0.19.0 to v0.19.2, or `main`"
    );
}

#[test]
fn gate_errors_by_release() {
    let cases: &[GateCase] = &[
        (
            "v0.14.0",
            &[("NoSuchGate", true)],
            "Unable to set flag gates for known features: unrecognized feature gate: NoSuchGate",
        ),
        (
            "v0.17.3",
            &[("KueueDRAIntegration", true)],
            "Unable to set flag gates for known features: unrecognized feature gate: KueueDRAIntegration",
        ),
        (
            "v0.16.9",
            &[("NoSuchGate", true)],
            "conflicting feature gates detected: unrecognized feature gate: NoSuchGate",
        ),
        (
            "v0.17.4",
            &[("DRAExtendedResources", true)],
            "conflicting feature gates detected: featureGates: Invalid value: \"DRAExtendedResources\": DRAExtendedResources requires DynamicResourceAllocation to be enabled",
        ),
        (
            "v0.18.0",
            &[("DynamicResourceAllocation", true)],
            "conflicting feature gates detected: featureGates: Invalid value: {\"DynamicResourceAllocation\":true}: cannot set feature gate DynamicResourceAllocation to true, feature is locked to false",
        ),
        (
            "v0.19.2",
            &[("KueueDRAIntegration", false)],
            "conflicting feature gates detected: [featureGates: Invalid value: \"KueueDRAIntegrationExtendedResource\": KueueDRAIntegrationExtendedResource requires KueueDRAIntegration to be enabled, featureGates: Invalid value: \"KueueDRAIntegrationPartitionableDevices\": KueueDRAIntegrationPartitionableDevices requires KueueDRAIntegration to be enabled]",
        ),
        (
            "v0.19.2",
            &[("DynamicResourceAllocation", false)],
            "conflicting feature gates detected: featureGates: Invalid value: {\"DynamicResourceAllocation\":false}: cannot set feature gate DynamicResourceAllocation to false, feature is locked to true",
        ),
        (
            "v0.19.0",
            &[("NoSuchGate", true)],
            "conflicting feature gates detected: featureGates: Invalid value: {\"NoSuchGate\":true}: unrecognized feature gate: NoSuchGate",
        ),
        (
            "main",
            &[("KueueDRAIntegration", false)],
            "conflicting feature gates detected: featureGates: Invalid value: {\"KueueDRAIntegration\":false}: [KueueDRAIntegrationExtendedResource is enabled, but depends on features that are disabled: [KueueDRAIntegration], KueueDRAIntegrationPartitionableDevices is enabled, but depends on features that are disabled: [KueueDRAIntegration]]",
        ),
    ];
    for (text, gates, message) in cases {
        let overrides: BTreeMap<String, bool> = gates
            .iter()
            .map(|(name, value)| ((*name).to_owned(), *value))
            .collect();

        let error = FeatureGates::resolve(release(text), &overrides).expect_err(text);

        assert_eq!(error.to_string(), *message, "{text}");
    }
}

#[test]
fn gates_accepted_by_release() {
    let cases: &[(&str, &[(&str, bool)])] = &[
        // Kueue v0.17.0 to v0.17.3 check gate dependencies on the defaults, before setting.
        ("v0.17.0", &[("DRAExtendedResources", true)]),
        ("v0.14.0", &[("APIResponseCompression", true)]),
        (
            "v0.18.6",
            &[("KueueDRAIntegrationPartitionableDevices", true)],
        ),
        // From v0.19.0 Kueue links k8s.io/kubernetes, whose gate of this name is locked on.
        ("v0.19.0", &[("DynamicResourceAllocation", true)]),
        ("v0.19.2", &[("AllAlpha", true)]),
        (
            "v0.19.2",
            &[
                ("KueueDRAIntegration", false),
                ("KueueDRAIntegrationExtendedResource", false),
                ("KueueDRAIntegrationPartitionableDevices", false),
            ],
        ),
    ];
    for (text, gates) in cases {
        let overrides: BTreeMap<String, bool> = gates
            .iter()
            .map(|(name, value)| ((*name).to_owned(), *value))
            .collect();

        assert!(
            FeatureGates::resolve(release(text), &overrides).is_ok(),
            "{text} {gates:?}"
        );
    }
}

#[test]
fn gate_names_follow_each_release() {
    let has = |text: &str, name: &str| {
        known_gates(release(text))
            .iter()
            .any(|gate| gate.name == name)
    };

    assert!(has("v0.14.0", "DynamicResourceAllocation"));
    assert!(!has("v0.14.0", "DRAExtendedResources"));
    assert!(has("v0.17.0", "DRAExtendedResources"));
    assert!(!has("v0.17.8", "KueueDRAIntegration"));
    assert!(has("v0.18.0", "KueueDRAIntegrationExtendedResource"));
    assert!(has("v0.18.0", "DRAExtendedResources"));
    assert!(!has("v0.19.0", "DRAExtendedResources"));
    assert!(has("v0.19.0", "KueueDRAIntegrationConsumableCapacity"));
}

#[test]
fn quota_reserved_reason_by_release() {
    let cases = [
        ("v0.18.4", "Inadmissible"),
        ("v0.19.2", "Inadmissible"),
        ("main", "Misconfigured"),
    ];
    for (text, reason) in cases {
        let explanation = explain_template(
            text,
            "      requests:
      - name: req
        exactly: {deviceClassName: unmapped.example.com, count: 1}",
        );

        assert_eq!(explanation.status, Status::Inadmissible, "{text}");
        assert_eq!(explanation.reason, reason, "{text}");
    }
}

#[test]
fn allocation_mode_all_by_release() {
    let devices = "      requests:
      - name: req
        exactly: {deviceClassName: gpu.example.com, allocationMode: All}";

    let v0_14 = explain_template("v0.14.8", devices);
    assert_eq!(v0_14.status, Status::Charged);
    assert_eq!(per_pod(&v0_14, "example.com/gpu").as_deref(), Some("0"));

    for text in ["v0.15.0", "v0.18.6", "main"] {
        let explanation = explain_template(text, devices);
        assert_eq!(
            explanation.message,
            format!(
                "{CLAIM_PATH}.devices.requests[0].exactly.allocationMode: Invalid value: \"All\": ResourceClaimTemplate t: AllocationMode 'All' is not supported"
            ),
            "{text}"
        );
    }
}

#[test]
fn first_available_by_release() {
    let devices = "      requests:
      - name: req
        firstAvailable:
        - {name: a, deviceClassName: gpu.example.com, allocationMode: ExactCount, count: 1}";

    let v0_14 = explain_template("v0.14.0", devices);
    assert_eq!(v0_14.status, Status::Charged);
    assert_eq!(per_pod(&v0_14, "example.com/gpu"), None);

    let v0_16 = explain_template("v0.16.9", devices);
    assert_eq!(
        v0_16.message,
        format!(
            "{CLAIM_PATH}.devices.requests[0]: Invalid value: null: ResourceClaimTemplate t: FirstAvailable device selection is not supported"
        )
    );
}

#[test]
fn selectors_by_release() {
    let devices = "      requests:
      - name: req
        exactly:
          deviceClassName: gpu.example.com
          count: 1
          selectors: [{cel: {expression: 'device.driver == \"gpu.example.com\"'}}]";
    let rejected = format!(
        "{CLAIM_PATH}.devices.requests[0].exactly.selectors: Invalid value: null: ResourceClaimTemplate t: CEL selectors are not supported"
    );

    for text in ["v0.15.0", "v0.16.9", "v0.17.8"] {
        assert_eq!(explain_template(text, devices).message, rejected, "{text}");
    }
    for text in ["v0.14.8", "v0.18.0", "v0.19.2", "main"] {
        let explanation = explain_template(text, devices);
        assert_eq!(explanation.status, Status::Charged, "{text}");
        assert_eq!(
            per_pod(&explanation, "example.com/gpu").as_deref(),
            Some("1")
        );
    }
}

#[test]
fn constraints_and_config_by_release() {
    let constraints =
        format!("{ONE_GPU}\n      constraints: [{{matchAttribute: example.com/model}}]");
    let config = format!(
        "{ONE_GPU}\n      config: [{{opaque: {{driver: gpu.example.com, parameters: {{}}}}}}]"
    );

    for text in ["v0.15.0", "v0.17.8", "v0.18.1"] {
        assert_eq!(
            explain_template(text, &constraints).message,
            format!(
                "{CLAIM_PATH}.devices.constraints: Invalid value: null: ResourceClaimTemplate t: device constraints (MatchAttribute) are not supported"
            ),
            "{text}"
        );
        assert_eq!(
            explain_template(text, &config).message,
            format!(
                "{CLAIM_PATH}.devices.config: Invalid value: null: ResourceClaimTemplate t: device config is not supported"
            ),
            "{text}"
        );
    }
    for text in ["v0.14.0", "v0.18.2", "v0.19.0", "main"] {
        for devices in [&constraints, &config] {
            let explanation = explain_template(text, devices);
            assert_eq!(explanation.status, Status::Charged, "{text}");
            assert_eq!(
                per_pod(&explanation, "example.com/gpu").as_deref(),
                Some("1")
            );
        }
    }
}

#[test]
fn admin_access_by_release() {
    let devices = "      requests:
      - name: req
        exactly: {deviceClassName: gpu.example.com, count: 1, adminAccess: true}";

    let v0_14 = explain_template("v0.14.0", devices);
    assert_eq!(per_pod(&v0_14, "example.com/gpu").as_deref(), Some("1"));

    for text in ["v0.15.0", "v0.19.2"] {
        assert_eq!(
            explain_template(text, devices).message,
            format!(
                "{CLAIM_PATH}.devices.requests[0].exactly.adminAccess: Invalid value: null: ResourceClaimTemplate t: AdminAccess is not supported"
            ),
            "{text}"
        );
    }

    let main = explain_template("main", devices);
    assert_eq!(main.status, Status::Charged);
    assert_eq!(per_pod(&main, "example.com/gpu"), None);
}

#[test]
fn unmapped_class_message_by_release() {
    let devices = "      requests:
      - name: req
        exactly: {deviceClassName: unmapped.example.com, count: 1}";

    let v0_14 = explain_template("v0.14.3", devices);
    assert_eq!(
        v0_14.message,
        "DeviceClass unmapped.example.com is not mapped in DRA configuration for workload wl podset main: DeviceClass is not mapped in DRA configuration"
    );
    assert!(v0_14.retried);

    let field_message = format!(
        "{CLAIM_PATH}.resourceClaimTemplateName: Not found: \"DeviceClass unmapped.example.com is not mapped in DRA configuration for podset main\""
    );
    // Every DRA error is retried before v0.17.5 and in v0.18.0.
    for (text, retried) in [
        ("v0.15.0", true),
        ("v0.17.4", true),
        ("v0.17.5", false),
        ("v0.18.0", true),
        ("v0.18.1", false),
    ] {
        let explanation = explain_template(text, devices);
        assert_eq!(explanation.message, field_message, "{text}");
        assert_eq!(explanation.retried, retried, "{text}");
    }
}

#[test]
fn missing_template_message_by_release() {
    let wl = workload(CLAIM_WORKLOAD);

    let v0_14 = explain_at("v0.14.0", &config_with(&dra_on("v0.14.0")), &[], &[], &wl);
    assert_eq!(
        v0_14.message,
        "failed to get claim spec for ResourceClaimTemplate t in workload wl podset main: failed to get claim spec: resourceclaimtemplates.resource.k8s.io \"t\" not found"
    );

    let v0_18 = explain_at("v0.18.0", &config_with(&[]), &[], &[], &wl);
    assert_eq!(
        v0_18.message,
        format!(
            "{CLAIM_PATH}: Internal error: failed to get claim spec for ResourceClaimTemplate t in podset main: resourceclaimtemplates.resource.k8s.io \"t\" not found"
        )
    );
    assert!(v0_18.retried);
}

#[test]
fn resource_claim_message_names_release_gate() {
    let wl = workload(
        "
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata: {name: wl, namespace: default}
spec:
  podSets:
  - name: main
    count: 1
    template:
      spec:
        containers: [{name: main}]
        resourceClaims: [{name: shared, resourceClaimName: shared-claim}]
",
    );
    for (text, gate) in [
        ("v0.14.0", "DynamicResourceAllocation"),
        ("v0.17.8", "DynamicResourceAllocation"),
        ("v0.18.0", "KueueDRAIntegration"),
        ("main", "KueueDRAIntegration"),
    ] {
        let explanation = explain_at(text, &config_with(&dra_on(text)), &[], &[], &wl);

        assert_eq!(
            explanation.message,
            format!("{gate} feature does not support use of resource claims"),
            "{text}"
        );
    }
}

#[test]
fn dra_gate_off_by_release() {
    let rcts = template(ONE_GPU);
    let wl = workload(CLAIM_WORKLOAD);

    // Before v0.18 the gate is off by default and claims are ignored.
    let v0_17 = explain_at("v0.17.8", &config_with(&[]), &[], &rcts, &wl);
    assert_eq!(v0_17.status, Status::Charged);
    assert_eq!(per_pod(&v0_17, "example.com/gpu"), None);

    let off = [
        ("KueueDRAIntegration", false),
        ("KueueDRAIntegrationExtendedResource", false),
        ("KueueDRAIntegrationPartitionableDevices", false),
    ];
    let v0_19 = explain_at("v0.19.2", &config_with(&off), &[], &rcts, &wl);
    assert_eq!(
        v0_19.message,
        "Workload uses DRA resources but the KueueDRAIntegration feature gate is not enabled"
    );
}

const TWO_CLASSES: &str = "
apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata: {name: gpu-a.example.com, creationTimestamp: '2025-01-01T00:00:00Z'}
spec: {extendedResourceName: example.com/a}
---
apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata: {name: gpu-b.example.com, creationTimestamp: '2025-01-01T00:00:00Z'}
spec: {extendedResourceName: example.com/b}
";

fn extended_config(text: &str) -> Configuration {
    let mut config = configuration(
        "
resources:
  deviceClassMappings:
  - name: example.com/gpu
    deviceClassNames: [gpu-a.example.com, gpu-b.example.com, gpu.example.com]
",
    );
    config.feature_gates = dra_on(text)
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
    config
}

fn extended_workload(init: &str, containers: &str) -> Workload {
    workload(&format!(
        "
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata: {{name: wl, namespace: default}}
spec:
  podSets:
  - name: main
    count: 1
    template:
      spec:
        initContainers: {init}
        containers: {containers}
"
    ))
}

#[test]
fn extended_trigger_by_release() {
    // The DRA-backed name is only in limits; an unbacked extended resource is requested.
    let classes = device_classes(TWO_CLASSES);
    let wl = extended_workload(
        "[]",
        "[{name: main, resources: {requests: {other.com/thing: '1'}, limits: {example.com/a: '1'}}}]",
    );

    let v0_17 = explain_at("v0.17.8", &extended_config("v0.17.8"), &classes, &[], &wl);
    assert_eq!(per_pod(&v0_17, "example.com/gpu").as_deref(), Some("1"));
    assert_eq!(per_pod(&v0_17, "example.com/a"), None);

    let v0_18 = explain_at("v0.18.6", &extended_config("v0.18.6"), &classes, &[], &wl);
    assert_eq!(per_pod(&v0_18, "example.com/gpu"), None);
    assert_eq!(per_pod(&v0_18, "example.com/a").as_deref(), Some("1"));
}

#[test]
fn extended_path_absent_before_v0_17() {
    let classes = device_classes(TWO_CLASSES);
    let wl = extended_workload(
        "[]",
        "[{name: main, resources: {requests: {example.com/a: '2'}}}]",
    );

    let explanation = explain_at("v0.16.9", &extended_config("v0.16.9"), &classes, &[], &wl);

    assert_eq!(per_pod(&explanation, "example.com/a").as_deref(), Some("2"));
    assert_eq!(per_pod(&explanation, "example.com/gpu"), None);
}

#[test]
fn every_release_charges_one_gpu() {
    for release in Release::all() {
        let text = release.version();

        let explanation = explain_template(&text, ONE_GPU);

        assert_eq!(explanation.status, Status::Charged, "{text}");
        assert_eq!(
            explanation.pod_sets[0].total["example.com/gpu"], "2",
            "{text}"
        );
    }
}

/// Two DeviceClasses that back `example.com/gpu`, the later one created second.
const ALPHA_AND_OMEGA: &str = "
apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata: {name: alpha.example.com, creationTimestamp: '2025-01-01T00:01:40Z'}
spec: {extendedResourceName: example.com/gpu}
---
apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata: {name: omega.example.com, creationTimestamp: '2025-01-01T00:03:20Z'}
spec: {extendedResourceName: example.com/gpu}
";

/// One extended-resource case: the pod's containers, and per release the per-pod charge of
/// one quota resource, `None` when that resource is not charged.
struct ExtendedCase {
    name: &'static str,
    init: &'static str,
    containers: &'static str,
    resource: &'static str,
    expected: &'static [(&'static str, Option<&'static str>)],
}

#[test]
fn extended_charges_by_release() {
    // Before v0.18.6 and v0.19.2 (`pkg/dra/extended_resources.go`,
    // `resolveContainerExtendedResources`) each container's requests are converted to quota
    // keys first, then init containers are merged by maximum and regular ones by sum, per
    // key. From those tags each name is aggregated on its own, negative amounts dropped,
    // and only then converted.
    let cases = [
        ExtendedCase {
            name: "two names under one key",
            init: "[{name: init, resources: {requests: {example.com/a: '2'}}}]",
            containers: "[{name: main, resources: {requests: {example.com/b: '3'}}}]",
            resource: "example.com/gpu",
            expected: &[
                ("v0.17.0", Some("3")),
                ("v0.17.8", Some("3")),
                ("v0.18.0", Some("3")),
                ("v0.18.5", Some("3")),
                ("v0.19.0", Some("3")),
                ("v0.19.1", Some("3")),
                ("v0.18.6", Some("5")),
                ("v0.19.2", Some("5")),
                ("main", Some("5")),
            ],
        },
        ExtendedCase {
            name: "negative name offsets another",
            init: "[]",
            containers: "[{name: main, resources: {requests: {example.com/a: '5', example.com/b: '-3'}}}]",
            resource: "example.com/gpu",
            expected: &[
                ("v0.17.0", Some("2")),
                ("v0.18.4", Some("2")),
                ("v0.18.5", Some("2")),
                ("v0.19.1", Some("2")),
                ("v0.18.6", Some("5")),
                ("v0.19.2", Some("5")),
                ("main", Some("5")),
            ],
        },
        ExtendedCase {
            // The negative amount is charged as is until v0.18.5 and v0.19.1 floor every
            // per-pod value at zero (`pkg/workload/workload.go`, `totalRequestsFromPodSets`).
            name: "negative name alone",
            init: "[]",
            containers: "[{name: main, resources: {requests: {example.com/a: '-3'}}}]",
            resource: "example.com/gpu",
            expected: &[
                ("v0.17.0", Some("-3")),
                ("v0.18.4", Some("-3")),
                ("v0.19.0", Some("-3")),
                ("v0.18.5", Some("0")),
                ("v0.19.1", Some("0")),
                ("v0.18.6", None),
                ("v0.19.2", None),
                ("main", None),
            ],
        },
        ExtendedCase {
            // A sidecar is an init container here, merged by maximum with the main one.
            name: "sidecar and main container",
            init: "[{name: sidecar, restartPolicy: Always, resources: {requests: {example.com/a: '1'}}}]",
            containers: "[{name: main, resources: {requests: {example.com/a: '1'}}}]",
            resource: "example.com/gpu",
            expected: &[
                ("v0.17.0", Some("1")),
                ("v0.18.5", Some("1")),
                ("v0.19.1", Some("1")),
                ("v0.18.6", Some("1")),
                ("v0.19.2", Some("1")),
                ("main", Some("1")),
            ],
        },
    ];
    let classes = device_classes(TWO_CLASSES);
    for case in cases {
        let wl = extended_workload(case.init, case.containers);
        for &(text, expected) in case.expected {
            let explanation = explain_at(text, &extended_config(text), &classes, &[], &wl);

            assert_eq!(
                per_pod(&explanation, case.resource).as_deref(),
                expected,
                "{}: {text}",
                case.name
            );
        }
    }
}

#[test]
fn extended_negative_stays_ordinary() {
    let classes = device_classes(TWO_CLASSES);
    let wl = extended_workload(
        "[]",
        "[{name: main, resources: {requests: {example.com/a: '-3'}}}]",
    );

    for text in ["v0.18.6", "v0.19.2", "main"] {
        let explanation = explain_at(text, &extended_config(text), &classes, &[], &wl);

        assert_eq!(
            per_pod(&explanation, "example.com/a").as_deref(),
            Some("0"),
            "{text}"
        );
    }
}

#[test]
fn extended_class_choice_by_release() {
    // Only the earlier class is mapped. Before v0.18.5 and v0.19.1 the first class with a
    // mapping decides the key; from them the class created last does, and it is unmapped.
    let classes = device_classes(ALPHA_AND_OMEGA);
    let mut config = configuration(
        "
resources:
  deviceClassMappings:
  - name: example.com/alpha-claims
    deviceClassNames: [alpha.example.com]
",
    );
    let wl = extended_workload(
        "[]",
        "[{name: main, resources: {requests: {example.com/gpu: '1'}}}]",
    );
    let cases = [
        ("v0.17.8", "example.com/alpha-claims"),
        ("v0.18.4", "example.com/alpha-claims"),
        ("v0.19.0", "example.com/alpha-claims"),
        ("v0.18.5", "example.com/gpu"),
        ("v0.19.1", "example.com/gpu"),
        ("v0.19.2", "example.com/gpu"),
        ("main", "example.com/gpu"),
    ];
    for (text, key) in cases {
        config.feature_gates = dra_on(text)
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();

        let explanation = explain_at(text, &config, &classes, &[], &wl);

        assert_eq!(
            explanation.pod_sets[0].per_pod.keys().collect::<Vec<_>>(),
            [key],
            "{text}"
        );
    }
}

#[test]
fn extended_fraction_message_by_release() {
    let classes = device_classes(TWO_CLASSES);
    let wl = extended_workload(
        "[]",
        "[{name: main, resources: {requests: {example.com/a: 500m}}}]",
    );

    for text in ["v0.17.0", "v0.18.5", "v0.18.6", "v0.19.2", "main"] {
        let explanation = explain_at(text, &extended_config(text), &classes, &[], &wl);

        assert_eq!(
            explanation.message,
            "spec.podSets[0].template.spec.containers[0].resources.requests.example.com/a: Invalid value: \"500m\": extended resource quantity must be an integer",
            "{text}"
        );
    }
}

#[test]
fn extended_error_retry_by_release() {
    // Kueue retries every extended-resource error before v0.17.5 and in v0.18.0, and only
    // internal errors otherwise.
    let classes = device_classes(TWO_CLASSES);
    let wl = extended_workload(
        "[]",
        "[{name: main, resources: {requests: {example.com/a: 500m}}}]",
    );
    let cases = [
        ("v0.17.0", true),
        ("v0.17.4", true),
        ("v0.17.5", false),
        ("v0.18.0", true),
        ("v0.18.1", false),
        ("v0.19.2", false),
        ("main", false),
    ];
    for (text, retried) in cases {
        let explanation = explain_at(text, &extended_config(text), &classes, &[], &wl);

        assert_eq!(explanation.retried, retried, "{text}");
    }
}

#[test]
fn extended_sum_overflow_rejected_from_v0_18_6() {
    let classes = device_classes(TWO_CLASSES);
    let wl = extended_workload(
        "[]",
        "[{name: a, resources: {requests: {example.com/a: '9e18'}}}, {name: b, resources: {requests: {example.com/a: '9e18'}}}]",
    );

    for text in ["v0.18.6", "v0.19.2", "main"] {
        let explanation = explain_at(text, &extended_config(text), &classes, &[], &wl);

        assert_eq!(
            explanation.message,
            "spec.podSets[0].template.spec.containers[0].resources.requests.example.com/a: Invalid value: \"18e18\": total extended resource quantity overflows int64",
            "{text}"
        );
    }
}

/// Builds a pending Workload of `count` pods with one cpu each, `reclaimable` of them
/// reclaimable.
fn reclaim_workload(count: i32, reclaimable: i32) -> Workload {
    workload(&format!(
        "
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata: {{name: wl, namespace: default}}
spec:
  podSets:
  - name: main
    count: {count}
    template:
      spec:
        containers: [{{name: main, resources: {{requests: {{cpu: '1'}}}}}}]
status:
  reclaimablePods: [{{name: main, count: {reclaimable}}}]
"
    ))
}

#[test]
fn reclaimable_pods_lower_pending_count() {
    let wl = reclaim_workload(4, 1);

    for text in ["v0.14.0", "v0.14.8", "v0.17.8", "v0.19.2", "main"] {
        let explanation = explain_at(text, &config_with(&[]), &[], &[], &wl);

        assert_eq!(explanation.pod_sets[0].count, 3, "{text}");
        assert_eq!(explanation.pod_sets[0].total["cpu"], "3", "{text}");
    }
}

#[test]
fn reclaimable_beyond_count_by_release() {
    // `podSetsCountsAfterReclaim` caps the reclaimable count at the pod set's count from
    // v0.17.7 and v0.18.3; before, the count after reclaim goes negative.
    let wl = reclaim_workload(2, 3);
    let cases = [
        ("v0.14.0", -1, "-1"),
        ("v0.17.6", -1, "-1"),
        ("v0.17.7", 0, "0"),
        ("v0.18.2", -1, "-1"),
        ("v0.18.3", 0, "0"),
        ("v0.19.0", 0, "0"),
        ("main", 0, "0"),
    ];
    for (text, count, total) in cases {
        let explanation = explain_at(text, &config_with(&[]), &[], &[], &wl);

        assert_eq!(explanation.pod_sets[0].count, count, "{text}");
        assert_eq!(explanation.pod_sets[0].total["cpu"], total, "{text}");
    }
}

#[test]
fn reclaimable_pods_gate_by_release() {
    // From v0.14.4 the ReclaimablePods gate decides whether reclaimable pods count.
    let wl = reclaim_workload(4, 1);
    let off = config_with(&[("ReclaimablePods", false)]);

    for text in ["v0.14.4", "v0.18.6", "v0.19.2"] {
        let explanation = explain_at(text, &off, &[], &[], &wl);

        assert_eq!(explanation.pod_sets[0].total["cpu"], "4", "{text}");
    }
}

/// Builds a Workload of 4 pods admitted with 4 cpu and 1 pod reclaimable, with `conditions`.
fn admitted_workload(conditions: &str) -> Workload {
    workload(&format!(
        "
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata: {{name: wl, namespace: default}}
spec:
  podSets:
  - name: main
    count: 4
    template:
      spec:
        containers: [{{name: main, resources: {{requests: {{cpu: '5'}}}}}}]
status:
  conditions: {conditions}
  admission:
    clusterQueue: cq
    podSetAssignments:
    - name: main
      count: 4
      flavors: {{cpu: default}}
      resourceUsage: {{cpu: '4'}}
  reclaimablePods: [{{name: main, count: 1}}]
"
    ))
}

const QUOTA_RESERVED: &str = "[{type: QuotaReserved, status: 'True', reason: QuotaReserved, message: '', lastTransitionTime: '2026-01-01T00:00:00Z'}]";

#[test]
fn reclaimable_pods_scale_admitted_usage() {
    let wl = admitted_workload(QUOTA_RESERVED);

    for text in ["v0.14.0", "v0.18.5", "v0.19.2", "main"] {
        let explanation = explain_at(text, &config_with(&[]), &[], &[], &wl);

        assert_eq!(explanation.status, Status::Admitted, "{text}");
        assert_eq!(explanation.pod_sets[0].count, 3, "{text}");
        assert_eq!(explanation.pod_sets[0].total["cpu"], "3", "{text}");
    }
}

#[test]
fn admission_without_reservation_by_release() {
    // Without a reservation the Workload is pending. Nothing rejects it, so every release
    // charges the usage in status.admission.
    let wl = admitted_workload("[]");

    for text in ["v0.14.0", "v0.17.8", "v0.18.5", "v0.19.2", "main"] {
        let explanation = explain_at(text, &config_with(&[]), &[], &[], &wl);

        assert_eq!(explanation.status, Status::Charged, "{text}");
        assert_eq!(explanation.pod_sets[0].total["cpu"], "3", "{text}");
        assert_eq!(explanation.notes.len(), 1, "{text}");
    }
}

#[test]
fn wrapped_device_count_by_release() {
    // Two counts in one class sum to the int64 minimum until v0.18.3 saturates them. Kueue
    // turns that sum into `MustParse("-9223372036854775808")`, whose `Value()` is 0: the
    // quantity is stored in nano-units and apimachinery's `scaledValue` truncates it to the
    // low 64 bits, which are all zero.
    let devices = "      requests:
      - name: a
        exactly: {deviceClassName: gpu.example.com, count: 9223372036854775807}
      - name: b
        exactly: {deviceClassName: gpu.example.com, count: 1}";
    let cases = [
        ("v0.14.0", "0"),
        ("v0.17.8", "0"),
        ("v0.18.2", "0"),
        ("v0.18.3", "9223372036854775807"),
        ("v0.19.2", "9223372036854775807"),
        ("main", "9223372036854775807"),
    ];
    for (text, expected) in cases {
        let explanation = explain_template(text, devices);

        assert_eq!(
            per_pod(&explanation, "example.com/gpu").as_deref(),
            Some(expected),
            "{text}"
        );
    }
}

#[test]
fn missing_exactly_by_release() {
    let devices = "      requests:
      - name: req";

    // v0.14 reads only `exactly`, so the request is skipped.
    let v0_14 = explain_template("v0.14.8", devices);
    assert_eq!(v0_14.status, Status::Charged);
    assert_eq!(per_pod(&v0_14, "example.com/gpu"), None);

    // From v0.15.0 until the check arrives, Kueue dereferences the missing `exactly`: the
    // reconciler panics, writes no condition and retries.
    for text in ["v0.15.0", "v0.17.8", "v0.18.3"] {
        let explanation = explain_template(text, devices);

        assert_eq!(explanation.message, "", "{text}");
        assert!(explanation.retried, "{text}");
    }

    for text in ["v0.18.4", "v0.19.0", "v0.19.2", "main"] {
        let explanation = explain_template(text, devices);

        assert_eq!(
            explanation.message,
            format!(
                "{CLAIM_PATH}.devices.requests[0]: Invalid value: null: ResourceClaimTemplate t: Exactly must be set if FirstAvailable is nil"
            ),
            "{text}"
        );
    }
}

#[test]
fn on_hold_by_release() {
    // From v0.17.7 and v0.18.3 a Workload on hold is not DRA-processed, so an unmapped
    // class does not reject it.
    let rcts = template(
        "      requests:
      - name: req
        exactly: {deviceClassName: unmapped.example.com, count: 1}",
    );
    let wl = workload(&format!(
        "{CLAIM_WORKLOAD}status:
  conditions:
  - {{type: QuotaReserved, status: 'False', reason: OnHold, message: '', lastTransitionTime: '2026-01-01T00:00:00Z'}}
"
    ));
    let cases = [
        ("v0.17.6", Status::Inadmissible),
        ("v0.17.7", Status::Charged),
        ("v0.18.2", Status::Inadmissible),
        ("v0.18.3", Status::Charged),
        ("v0.19.0", Status::Charged),
        ("main", Status::Charged),
    ];
    for (text, status) in cases {
        let explanation = explain_at(text, &config_with(&dra_on(text)), &[], &rcts, &wl);

        assert_eq!(explanation.status, status, "{text}");
    }
}

/// Builds a Configuration that maps `gpu-a.example.com` to `example.com/gpu` with one `source`.
fn sourced_config(source: &str, gates: &[(&str, bool)]) -> Configuration {
    let mut config = configuration(&format!(
        "
resources:
  deviceClassMappings:
  - name: example.com/gpu
    deviceClassNames: [gpu-a.example.com]
    sources:
    - {source}
"
    ));
    config.feature_gates = gates
        .iter()
        .map(|(name, value)| ((*name).to_owned(), *value))
        .collect();
    config
}

#[test]
fn extended_counter_source_by_release() {
    let classes = device_classes(TWO_CLASSES);
    let counter = "counter: {name: memory, driver: gpu.example.com, deviceSelector: {cel: {expression: 'true'}}}";
    let wl = extended_workload(
        "[]",
        "[{name: main, resources: {requests: {example.com/a: '1'}}}]",
    );
    let rejected = "spec.podSets[0].template.spec.containers[0]: Invalid value: \"example.com/a\": extended resource example.com/a resolves to DeviceClass gpu-a.example.com with counters configured; use ResourceClaimTemplates with CEL selectors for counter-based quota";
    let partitionable = [
        ("KueueDRAIntegrationExtendedResource", true),
        ("KueueDRAIntegrationPartitionableDevices", true),
    ];

    // The counter check arrives with KueueDRAIntegrationPartitionableDevices in v0.18.0,
    // on by default from v0.19.0.
    for (text, gates) in [
        ("v0.18.0", &partitionable[..]),
        ("v0.18.5", &partitionable[..]),
        ("v0.18.6", &partitionable[..]),
        ("v0.19.0", &[][..]),
        ("v0.19.2", &[][..]),
        ("main", &[][..]),
    ] {
        let explanation = explain_at(text, &sourced_config(counter, gates), &classes, &[], &wl);

        assert_eq!(explanation.message, rejected, "{text}");
    }

    // With the gate off the mapping is an ordinary device-count key.
    let off = [("KueueDRAIntegrationExtendedResource", true)];
    let v0_18 = explain_at(
        "v0.18.6",
        &sourced_config(counter, &off),
        &classes,
        &[],
        &wl,
    );
    assert_eq!(per_pod(&v0_18, "example.com/gpu").as_deref(), Some("1"));

    // v0.17 has no partitionable devices, so the source is ignored.
    let v0_17 = explain_at(
        "v0.17.8",
        &sourced_config(counter, &dra_on("v0.17.8")),
        &classes,
        &[],
        &wl,
    );
    assert_eq!(per_pod(&v0_17, "example.com/gpu").as_deref(), Some("1"));
}

#[test]
fn extended_capacity_source_by_release() {
    let classes = device_classes(TWO_CLASSES);
    let capacity = "capacity: {name: memory, driver: gpu.example.com, deviceSelector: {cel: {expression: 'true'}}}";
    let wl = extended_workload(
        "[]",
        "[{name: main, resources: {requests: {example.com/a: '1'}}}]",
    );
    let on = [("KueueDRAIntegrationConsumableCapacity", true)];

    for text in ["v0.19.0", "v0.19.1", "v0.19.2", "main"] {
        let explanation = explain_at(text, &sourced_config(capacity, &on), &classes, &[], &wl);

        assert_eq!(
            explanation.message,
            "spec.podSets[0].template.spec.containers[0]: Invalid value: \"example.com/a\": extended resource example.com/a resolves to DeviceClass gpu-a.example.com with capacity sources configured; use ResourceClaimTemplates with capacity.requests for capacity-based quota",
            "{text}"
        );
    }

    // KueueDRAIntegrationConsumableCapacity is off by default.
    let v0_19 = explain_at(
        "v0.19.2",
        &sourced_config(capacity, &[]),
        &classes,
        &[],
        &wl,
    );
    assert_eq!(per_pod(&v0_19, "example.com/gpu").as_deref(), Some("1"));
}

#[test]
fn pod_count_product_by_release() {
    // `Requests.Mul` wraps before v0.18.0 and saturates from it: 2^62 devices a pod times
    // two pods is 2^63.
    let devices = "      requests:
      - name: req
        exactly: {deviceClassName: gpu.example.com, count: 4611686018427387904}";
    let cases = [
        ("v0.14.0", "-9223372036854775808"),
        ("v0.17.8", "-9223372036854775808"),
        ("v0.18.0", "9223372036854775807"),
        ("v0.19.2", "9223372036854775807"),
        ("main", "9223372036854775807"),
    ];
    for (text, total) in cases {
        let explanation = explain_template(text, devices);

        assert_eq!(
            explanation.pod_sets[0].total["example.com/gpu"], total,
            "{text}"
        );
    }
}

#[test]
fn dra_amount_plus_request_by_release() {
    // A container also requests the mapped name. Before v0.18.5 and v0.19.1 the two int64
    // values add and wrap; from them the quantities add and the sum is clamped to int64.
    let wl = workload(
        "
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata: {name: wl, namespace: default}
spec:
  podSets:
  - name: main
    count: 2
    template:
      spec:
        containers: [{name: main, resources: {requests: {example.com/gpu: '1'}}}]
        resourceClaims:
        - {name: devices, resourceClaimTemplateName: t}
",
    );
    let rcts = template(
        "      requests:
      - name: req
        exactly: {deviceClassName: gpu.example.com, count: 9223372036854775807}",
    );
    let cases = [
        ("v0.17.8", "-9223372036854775808", "0"),
        ("v0.18.4", "-9223372036854775808", "-9223372036854775808"),
        ("v0.19.0", "-9223372036854775808", "-9223372036854775808"),
        ("v0.18.5", "9223372036854775807", "9223372036854775807"),
        ("v0.19.1", "9223372036854775807", "9223372036854775807"),
        ("main", "9223372036854775807", "9223372036854775807"),
    ];
    for (text, per_pod, total) in cases {
        let explanation = explain_at(text, &config_with(&dra_on(text)), &[], &rcts, &wl);

        assert_eq!(
            explanation.pod_sets[0].per_pod["example.com/gpu"], per_pod,
            "{text}"
        );
        assert_eq!(
            explanation.pod_sets[0].total["example.com/gpu"], total,
            "{text}"
        );
    }
}

#[test]
fn claims_count_once_per_pod_claim() {
    // A template is charged once per pod-level claim, however many containers use it.
    let rcts = templates(
        "
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata: {name: two, namespace: default}
spec:
  spec:
    devices:
      requests:
      - name: req
        exactly: {deviceClassName: gpu.example.com, count: 2}
---
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata: {name: other, namespace: default}
spec:
  spec:
    devices:
      requests:
      - name: req
        exactly: {deviceClassName: other.example.com, count: 1}
",
    );
    let mut config = configuration(
        "
resources:
  deviceClassMappings:
  - name: example.com/gpu
    deviceClassNames: [gpu.example.com]
  - name: example.com/other
    deviceClassNames: [other.example.com]
",
    );
    let pod_set = |spec: &str| {
        workload(&format!(
            "
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata: {{name: wl, namespace: default}}
spec:
  podSets:
  - name: main
    count: 1
    template:
      spec:
{spec}
"
        ))
    };
    let shared_by_containers = pod_set(
        "        containers:
        - {name: a, resources: {claims: [{name: first}]}}
        - {name: b, resources: {claims: [{name: first}]}}
        resourceClaims: [{name: first, resourceClaimTemplateName: two}]",
    );
    let shared_with_init = pod_set(
        "        initContainers: [{name: init, resources: {claims: [{name: first}]}}]
        containers: [{name: main, resources: {claims: [{name: first}]}}]
        resourceClaims: [{name: first, resourceClaimTemplateName: two}]",
    );
    let two_templates = pod_set(
        "        containers:
        - {name: a, resources: {claims: [{name: first}]}}
        - {name: b, resources: {claims: [{name: second}]}}
        resourceClaims:
        - {name: first, resourceClaimTemplateName: two}
        - {name: second, resourceClaimTemplateName: other}",
    );

    for text in ["v0.14.0", "v0.17.8", "v0.18.6", "v0.19.2", "main"] {
        config.feature_gates = dra_on(text)
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        let explain = |wl: &Workload| explain_at(text, &config, &[], &rcts, wl);

        let shared = explain(&shared_by_containers);
        assert_eq!(
            per_pod(&shared, "example.com/gpu").as_deref(),
            Some("2"),
            "{text}"
        );

        let init = explain(&shared_with_init);
        assert_eq!(
            per_pod(&init, "example.com/gpu").as_deref(),
            Some("2"),
            "{text}"
        );

        let both = explain(&two_templates);
        assert_eq!(
            per_pod(&both, "example.com/gpu").as_deref(),
            Some("2"),
            "{text}"
        );
        assert_eq!(
            per_pod(&both, "example.com/other").as_deref(),
            Some("1"),
            "{text}"
        );
    }
}

#[test]
fn same_template_twice_by_release() {
    // Each pod-level claim is charged, so two claims from one template charge it twice.
    let wl = workload(
        "
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata: {name: wl, namespace: default}
spec:
  podSets:
  - name: main
    count: 1
    template:
      spec:
        containers: [{name: main}]
        resourceClaims:
        - {name: first, resourceClaimTemplateName: t}
        - {name: second, resourceClaimTemplateName: t}
",
    );
    let rcts = template(ONE_GPU);

    for text in ["v0.14.0", "v0.17.8", "v0.18.6", "v0.19.2", "main"] {
        let explanation = explain_at(text, &config_with(&dra_on(text)), &[], &rcts, &wl);

        assert_eq!(
            per_pod(&explanation, "example.com/gpu").as_deref(),
            Some("2"),
            "{text}"
        );
    }
}
