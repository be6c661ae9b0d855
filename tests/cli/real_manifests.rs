//! `explain` on real-world manifests (Kueue's samples, the DRA example driver, the Kubernetes
//! docs), each with the outcome Kueue v0.19.2 gives it.

use serde_json::Value;

use crate::harness::{json, run_with_stdin};

const FIXTURES: &str = "testdata/real-manifests";

/// A Configuration that maps the example driver's DeviceClass to `example.com/gpu`.
const GPU_MAPPING: &str = "\
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
resources:
  deviceClassMappings:
  - name: example.com/gpu
    deviceClassNames: [gpu.example.com]
";

/// Explains the named fixtures plus the documents in `stdin`, and returns the JSON output.
fn explain(fixtures: &[&str], stdin: &str) -> Value {
    let paths: Vec<String> = fixtures
        .iter()
        .map(|fixture| format!("{FIXTURES}/{fixture}"))
        .collect();
    let mut args = vec!["explain", "-o", "json", "-f", "-"];
    for path in &paths {
        args.extend(["-f", path.as_str()]);
    }

    let output = run_with_stdin(&args, Some(stdin));
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    json(&output)
}

/// Returns the workload named `name` in an `explain -o json` document.
pub(crate) fn workload<'a>(document: &'a Value, name: &str) -> &'a Value {
    document["workloads"]
        .as_array()
        .expect("workloads is a list")
        .iter()
        .find(|workload| workload["name"] == name)
        .unwrap_or_else(|| panic!("no workload {name} in {document:#}"))
}

#[test]
fn kueue_sample_template_job() {
    let document = explain(&["kueue-sample-dra-rct-job.yaml"], GPU_MAPPING);
    let pod_set = &workload(&document, "job-sample-dra-rct-job")["podSets"][0];

    assert_eq!(pod_set["count"], 1);
    assert_eq!(pod_set["total"]["example.com/gpu"], "1");
    assert_eq!(pod_set["total"]["cpu"], "1");
    assert_eq!(pod_set["total"]["memory"], "200Mi");
}

#[test]
fn kueue_sample_extended_resource_job() {
    let document = explain(
        &[
            "kueue-sample-dra-extended-resource-job.yaml",
            "k8s-docs-extended-resource-deviceclass.yaml",
        ],
        "",
    );
    let pod_set = &workload(&document, "job-sample-dra-extended-job")["podSets"][0];

    assert_eq!(pod_set["total"]["example.com/gpu"], "1");
    assert_eq!(pod_set["charges"][0]["path"], "ExtendedResource");
    assert_eq!(pod_set["charges"][0]["deviceClass"], "gpu.example.com");
}

#[test]
fn admin_access_is_rejected() {
    let document = explain(&["dra-example-driver-admin-access.yaml"], GPU_MAPPING);
    let pod = workload(&document, "pod-pod0");

    assert_eq!(pod["status"], "Inadmissible");
    assert_eq!(pod["reason"], "Inadmissible");
    assert_eq!(pod["retried"], false);
    assert_eq!(
        pod["message"],
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0].exactly.adminAccess: \
         Invalid value: null: ResourceClaimTemplate multiple-gpus-admin: AdminAccess is not \
         supported"
    );
}

#[test]
fn resource_claim_reference_is_rejected() {
    let document = explain(
        &["dra-example-driver-shared-resourceclaims.yaml"],
        GPU_MAPPING,
    );
    let pod = workload(&document, "pod-pod0");

    assert_eq!(pod["status"], "Inadmissible");
    assert_eq!(
        pod["message"],
        "KueueDRAIntegration feature does not support use of resource claims"
    );
}

#[test]
fn prioritized_list_is_rejected() {
    let pod = "\
apiVersion: v1
kind: Pod
metadata:
  name: prioritized
spec:
  containers:
  - name: main
  resourceClaims:
  - name: devices
    resourceClaimTemplateName: prioritized-list-claim-template
";
    let document = explain(&["k8s-docs-prioritized-list-rct.yaml"], pod);
    let pod = workload(&document, "pod-prioritized");

    assert_eq!(pod["status"], "Inadmissible");
    assert_eq!(
        pod["message"],
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0]: Invalid value: \
         null: ResourceClaimTemplate prioritized-list-claim-template: FirstAvailable device \
         selection is not supported"
    );
}

#[test]
fn implicit_device_class_name_stays_raw() {
    let document = explain(
        &[
            "dra-example-driver-extended-resource-request.yaml",
            "dra-example-driver-deviceclass.yaml",
        ],
        "",
    );

    // Kueue indexes only explicit extendedResourceNames, so the implicit name is charged as
    // an ordinary extended resource.
    let implicit = &workload(&document, "pod-pod0")["podSets"][0];
    assert_eq!(
        implicit["total"]["deviceclass.resource.kubernetes.io/gpu.example.com"],
        "1"
    );
    assert_eq!(implicit["charges"], serde_json::json!([]));

    // The explicit name reaches the DeviceClass through the limits the apiserver copies into
    // the Pod's requests.
    let explicit = &workload(&document, "pod-pod1")["podSets"][0];
    assert_eq!(explicit["total"]["example.com/gpu"], "1");
    assert_eq!(explicit["charges"][0]["path"], "ExtendedResource");
}

#[test]
fn both_paths_charge_the_mapped_name() {
    let job = "\
apiVersion: batch/v1
kind: Job
metadata:
  name: both-paths
  labels:
    kueue.x-k8s.io/queue-name: user-queue
spec:
  parallelism: 2
  template:
    spec:
      containers:
      - name: main
        resources:
          requests:
            example.com/gpu: 2
";
    let document = explain(&["kueue-kep-same-hardware-both-paths.yaml"], job);
    let pod_set = &workload(&document, "job-both-paths")["podSets"][0];

    assert_eq!(pod_set["total"]["gpu-claims"], "4");
    assert_eq!(pod_set["total"].get("example.com/gpu"), None);
    assert_eq!(pod_set["charges"][0]["quotaKey"], "gpu-claims");
}

/// A Configuration with a `memory` counter source for the docs' partitionable devices, their
/// DeviceClass, and a Job requesting one partition on each of its two pods.
const PARTITION_JOB: &str = "\
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
resources:
  deviceClassMappings:
  - name: gpu.memory
    deviceClassNames: [gpu.dra.example.com]
    sources:
    - counter:
        name: memory
        driver: dra.example.com
        deviceSelector:
          cel:
            expression: \"device.driver == 'dra.example.com'\"
---
apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata:
  name: gpu.dra.example.com
spec:
  selectors:
  - cel:
      expression: \"device.driver == 'dra.example.com'\"
---
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata:
  name: one-partition
  namespace: default
spec:
  spec:
    devices:
      requests:
      - name: gpu
        exactly:
          deviceClassName: gpu.dra.example.com
---
apiVersion: batch/v1
kind: Job
metadata:
  name: partition-job
  namespace: default
  labels:
    kueue.x-k8s.io/queue-name: user-queue
spec:
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        resources:
          claims:
          - name: gpu
      resourceClaims:
      - name: gpu
        resourceClaimTemplateName: one-partition
";

#[test]
fn partitionable_slices_charge_counter() {
    let document = explain(
        &["k8s-docs-partitionable-resourceslices.yaml"],
        PARTITION_JOB,
    );
    let explanation = workload(&document, "job-partition-job");
    let pod_set = &explanation["podSets"][0];

    assert_eq!(explanation["status"], "Charged");
    assert_eq!(pod_set["perPod"]["gpu.memory"], "6Gi");
    assert_eq!(pod_set["total"]["gpu.memory"], "12Gi");
    assert_eq!(pod_set["charges"][0]["path"], "Counter");
    assert_eq!(pod_set["charges"][0]["source"], "memory");
    assert_eq!(explanation["notes"], serde_json::json!([]));
    crate::examples::assert_follows_contract(&document);
}

#[test]
fn counter_without_slices_is_noted() {
    let document = explain(&[], PARTITION_JOB);
    let explanation = workload(&document, "job-partition-job");

    assert_eq!(explanation["podSets"][0]["total"].get("gpu.memory"), None);
    assert_eq!(
        explanation["notes"][0],
        "DeviceClass gpu.dra.example.com has counter sources, so Kueue charges their counter values from ResourceSlices instead of a device count; that charge was not computed because the input holds no ResourceSlices."
    );
}

#[test]
fn consumable_capacity_charges_bandwidth() {
    let config = "\
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
featureGates:
  KueueDRAIntegrationConsumableCapacity: true
resources:
  deviceClassMappings:
  - name: network.bandwidth
    deviceClassNames: [resource.example.com]
    sources:
    - capacity:
        name: bandwidth
        driver: dra.example.com
        deviceSelector:
          cel:
            expression: \"device.driver == 'dra.example.com'\"
---
apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata:
  name: resource.example.com
spec:
  selectors:
  - cel:
      expression: \"device.driver == 'dra.example.com'\"
---
apiVersion: v1
kind: Pod
metadata:
  name: net-pod
  namespace: default
  labels:
    kueue.x-k8s.io/queue-name: user-queue
spec:
  containers:
  - name: main
    image: registry.k8s.io/e2e-test-images/agnhost:2.53
  resourceClaims:
  - name: net
    resourceClaimTemplateName: bandwidth-claim-template
";
    let document = explain(&["k8s-docs-consumable-capacity.yaml"], config);
    let explanation = workload(&document, "pod-net-pod");

    assert_eq!(explanation["status"], "Charged", "{explanation:#}");
    assert_eq!(
        explanation["podSets"][0]["total"]["network.bandwidth"],
        "1G"
    );
    assert_eq!(explanation["podSets"][0]["charges"][0]["path"], "Capacity");
    crate::examples::assert_follows_contract(&document);
}
