//! `--kueue-version`: the same input explained as different Kueue releases charge it.

use crate::harness::{json, run, run_with_stdin};

/// Two DeviceClasses with their own extended resource names, mapped to one quota key. An init
/// container requests 2 of one, and the main container 3 of the other.
const TWO_NAMES_ONE_KEY: &str = "\
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
featureGates:
  KueueDRAIntegrationExtendedResource: true
resources:
  deviceClassMappings:
  - name: example.com/gpu
    deviceClassNames: [gpu-a, gpu-b]
---
apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata:
  name: gpu-a
spec:
  extendedResourceName: a.example.com/gpu
---
apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata:
  name: gpu-b
spec:
  extendedResourceName: b.example.com/gpu
---
apiVersion: batch/v1
kind: Job
metadata:
  name: mixed
  labels:
    kueue.x-k8s.io/queue-name: user-queue
spec:
  template:
    spec:
      initContainers:
      - name: init
        resources:
          requests:
            a.example.com/gpu: 2
      containers:
      - name: main
        resources:
          requests:
            b.example.com/gpu: 3
";

fn gpu_total(release: &str) -> serde_json::Value {
    let output = run_with_stdin(
        &[
            "explain",
            "-f",
            "-",
            "-o",
            "json",
            "--kueue-version",
            release,
        ],
        Some(TWO_NAMES_ONE_KEY),
    );
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    json(&output)["workloads"][0]["podSets"][0]["total"]["example.com/gpu"].clone()
}

#[test]
fn extended_resources_by_key_before_v0_18_6() {
    // max(init 2) against sum(containers 3) under the one key: the init container's devices
    // are not counted, which v0.18.6 fixed.
    assert_eq!(gpu_total("v0.18.5"), "3");
}

#[test]
fn extended_resources_by_name_from_v0_18_6() {
    assert_eq!(gpu_total("v0.18.6"), "5");
    assert_eq!(gpu_total("v0.19.2"), "5");
}

#[test]
fn admin_access_is_charged_nothing_on_main() {
    let template = "\
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
resources:
  deviceClassMappings:
  - name: example.com/gpu
    deviceClassNames: [gpu.example.com]
---
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata:
  name: admin
spec:
  spec:
    devices:
      requests:
      - name: gpu
        exactly:
          deviceClassName: gpu.example.com
          adminAccess: true
---
apiVersion: v1
kind: Pod
metadata:
  name: admin
spec:
  containers:
  - name: main
  resourceClaims:
  - name: gpu
    resourceClaimTemplateName: admin
";
    let main = run_with_stdin(
        &[
            "explain",
            "-f",
            "-",
            "-o",
            "json",
            "--kueue-version",
            "main",
        ],
        Some(template),
    );
    let workload = &json(&main)["workloads"][0];
    assert_eq!(workload["status"], "Charged");
    assert_eq!(workload["podSets"][0]["charges"][0]["perPod"], "0");

    let release = run_with_stdin(&["explain", "-f", "-", "-o", "json"], Some(template));
    assert_eq!(json(&release)["workloads"][0]["status"], "Inadmissible");
}

#[test]
fn seed_page_configuration_as_v0_17() {
    let output = run(&[
        "explain",
        "-f",
        "examples/seed-v0.17",
        "-o",
        "json",
        "--kueue-version",
        "v0.17",
    ]);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(json(&output)["kueueVersion"], "v0.17.8");
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn seed_page_gate_is_refused_by_v0_18() {
    // Kueue v0.18 locks its own DynamicResourceAllocation gate to false.
    let output = run(&[
        "explain",
        "-f",
        "examples/seed-v0.17",
        "--kueue-version",
        "v0.18.6",
    ]);
    assert_eq!(output.code, Some(2));
    assert!(
        output.stderr.contains(
            "cannot set feature gate DynamicResourceAllocation to true, feature is locked to false"
        ),
        "{}",
        output.stderr
    );
}

#[test]
fn v0_17_validates_while_loading() {
    let output = run(&[
        "explain",
        "-f",
        "testdata/real-manifests/kueue-kep-invalid-duplicate-mapping.yaml",
        "--kueue-version",
        "v0.17.8",
    ]);
    assert_eq!(output.code, Some(2));
    assert!(
        output.stderr.contains(
            "Kueue v0.17.8 does not start with this Configuration: Unable to load the \
             configuration: resources.deviceClassMappings[1].deviceClassNames[0]"
        ),
        "{}",
        output.stderr
    );
}

#[test]
fn visibility_server_is_unknown_before_v0_17() {
    // `visibilityServer` first appears in `apis/config/v1beta2/configuration_types.go` at
    // v0.17.0.
    let configuration = "\
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
visibilityServer:
  bindPort: 8082
";
    let run_as = |release: &str| {
        run_with_stdin(
            &["explain", "-f", "-", "--kueue-version", release],
            Some(configuration),
        )
    };

    let before = run_as("v0.16.9");
    let after = run_as("v0.17.0");

    assert_eq!(before.code, Some(2));
    assert!(
        before.stderr.contains(
            "Kueue v0.16.9 does not start with this Configuration: Unable to load the \
             configuration: strict decoding error: unknown field \"visibilityServer\""
        ),
        "{}",
        before.stderr
    );
    assert_eq!(after.code, Some(0), "stderr: {}", after.stderr);
}

#[test]
fn v1beta2_configuration_is_not_registered_at_v0_14() {
    let output = run(&[
        "explain",
        "-f",
        "examples/resource-claim-template",
        "--kueue-version",
        "v0.14.8",
    ]);
    assert_eq!(output.code, Some(2));
    assert!(
        output.stderr.contains(
            "Kueue v0.14.8 does not start with this Configuration: Unable to load the \
             configuration: no kind \"Configuration\" is registered for version \
             \"config.kueue.x-k8s.io/v1beta2\" in scheme \"/workspace/cmd/kueue/main.go:87\""
        ),
        "{}",
        output.stderr
    );
}
