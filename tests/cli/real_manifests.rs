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
