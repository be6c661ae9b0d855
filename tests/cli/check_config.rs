//! `check-config`: Kueue's own Configuration checks and the cross-checks, offline.

use serde_json::Value;

use crate::harness::{json, run, run_with_stdin};

/// Runs `check-config -o json` on the documents in `stdin` and returns the exit code and the
/// codes of the findings, in order.
fn codes(stdin: &str, extra_args: &[&str]) -> (Option<i32>, Vec<String>, Value) {
    let mut args = vec!["check-config", "-f", "-", "-o", "json"];
    args.extend_from_slice(extra_args);
    let output = run_with_stdin(&args, Some(stdin));
    let document = json(&output);
    let codes = document["findings"]
        .as_array()
        .expect("findings is a list")
        .iter()
        .map(|finding| finding["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    (output.code, codes, document)
}

const QUEUES: &str = "\
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata:
  name: cluster-queue
spec:
  resourceGroups:
  - coveredResources: [cpu, example.com/gpu]
    flavors:
    - name: default-flavor
      resources:
      - name: cpu
        nominalQuota: 40
      - name: example.com/gpu
        nominalQuota: 8
";

const GPU_CLASS: &str = "\
apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata:
  name: gpu.example.com
";

fn configuration(body: &str) -> String {
    format!(
        "apiVersion: config.kueue.x-k8s.io/v1beta2\nkind: Configuration\nwaitForPodsReady:\n  \
         timeout: 5m\n{body}"
    )
}

const GPU_MAPPING: &str = "\
resources:
  deviceClassMappings:
  - name: example.com/gpu
    deviceClassNames: [gpu.example.com]
";

#[test]
fn examples_pass() {
    for example in [
        "examples/resource-claim-template",
        "examples/extended-resource",
        "examples/partitionable-devices",
    ] {
        let output = run(&["check-config", "-f", example, "-o", "json"]);
        assert_eq!(output.code, Some(0), "{example}: {}", output.stdout);
    }
}

#[test]
fn clean_setup_has_no_findings() {
    let input = [configuration(GPU_MAPPING).as_str(), QUEUES, GPU_CLASS].join("---\n");
    let (code, codes, _) = codes(&input, &["--strict"]);
    assert_eq!(codes, Vec::<String>::new());
    assert_eq!(code, Some(0));
}

#[test]
fn missing_device_class_is_a_warning() {
    let other_class = GPU_CLASS.replace("gpu.example.com", "other.example.com");
    let input = [configuration(GPU_MAPPING).as_str(), QUEUES, &other_class].join("---\n");
    let (code, codes, document) = codes(&input, &[]);
    assert_eq!(codes, ["MAPPED-DEVICECLASS-MISSING"]);
    assert_eq!(document["findings"][0]["severity"], "Warning");
    assert_eq!(code, Some(0));
}

#[test]
fn strict_fails_on_warnings() {
    let other_class = GPU_CLASS.replace("gpu.example.com", "other.example.com");
    let input = [configuration(GPU_MAPPING).as_str(), QUEUES, &other_class].join("---\n");
    let (code, _, _) = codes(&input, &["--strict"]);
    assert_eq!(code, Some(1));
}

#[test]
fn uncovered_key_is_an_error() {
    let queues = QUEUES.replace("example.com/gpu", "other.example.com/gpu");
    let input = [configuration(GPU_MAPPING).as_str(), &queues, GPU_CLASS].join("---\n");
    let (code, codes, document) = codes(&input, &[]);
    assert_eq!(codes, ["KEY-NOT-COVERED"]);
    assert_eq!(
        document["findings"][0]["message"],
        "no ClusterQueue covers the DRA quota key `example.com/gpu`: Kueue cannot admit a \
         workload that requests it (`resource unavailable in ClusterQueue`)"
    );
    assert_eq!(code, Some(1));
}

#[test]
fn uncovered_key_is_a_warning_when_ignored() {
    let queues = QUEUES.replace("example.com/gpu", "other.example.com/gpu");
    let mapping = format!("{GPU_MAPPING}  quotaCheckStrategy: IgnoreUndeclared\n");
    let input = [configuration(&mapping).as_str(), &queues, GPU_CLASS].join("---\n");
    let (code, codes, document) = codes(&input, &[]);
    assert_eq!(codes, ["KEY-NOT-COVERED"]);
    assert_eq!(document["findings"][0]["severity"], "Warning");
    assert_eq!(code, Some(0));
}

#[test]
fn zero_quota_is_a_warning() {
    let queues = QUEUES.replace("nominalQuota: 8", "nominalQuota: 0");
    let input = [configuration(GPU_MAPPING).as_str(), &queues, GPU_CLASS].join("---\n");
    let (_, codes, _) = codes(&input, &[]);
    assert_eq!(codes, ["KEY-WITHOUT-QUOTA"]);
}

#[test]
fn class_in_both_paths_names_the_unused_bucket() {
    let class = format!("{GPU_CLASS}spec:\n  extendedResourceName: example.com/gpu\n");
    let mapping = GPU_MAPPING.replace("name: example.com/gpu", "name: gpu-claims");
    let queues = QUEUES
        .replace("[cpu, example.com/gpu]", "[cpu, gpu-claims]")
        .replace("      - name: example.com/gpu", "      - name: gpu-claims");
    let input = [configuration(&mapping).as_str(), &queues, &class].join("---\n");
    let (_, codes, document) = codes(&input, &[]);
    assert_eq!(codes, ["DEVICECLASS-IN-BOTH-PATHS"]);
    assert_eq!(
        document["findings"][0]["message"],
        "DeviceClass `gpu.example.com` is mapped to `gpu-claims` and declares extended resource \
         `example.com/gpu`: requests for `example.com/gpu` are charged under `gpu-claims`, so \
         quota for `example.com/gpu` is never used"
    );
}

#[test]
fn shared_extended_resource_names_the_chosen_class() {
    let newer = "\
apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata:
  name: b.example.com
  creationTimestamp: \"2026-02-01T00:00:00Z\"
spec:
  extendedResourceName: example.com/gpu
";
    let older = newer
        .replace("b.example.com", "a.example.com")
        .replace("2026-02-01", "2026-01-01");
    let input = [configuration("").as_str(), QUEUES, newer, &older].join("---\n");
    let (_, codes, document) = codes(&input, &[]);
    assert_eq!(codes, ["EXTENDED-RESOURCE-SHARED"]);
    let message = document["findings"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("as DeviceClass `b.example.com`"),
        "{message}"
    );
}

#[test]
fn unmapped_template_class_is_error() {
    let template = "\
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata:
  name: gpus
spec:
  spec:
    devices:
      requests:
      - name: gpu
        exactly:
          deviceClassName: unmapped.example.com
---
apiVersion: batch/v1
kind: Job
metadata:
  name: trainer
spec:
  template:
    spec:
      containers:
      - name: main
      resourceClaims:
      - name: gpus
        resourceClaimTemplateName: gpus
";
    let input = [
        configuration(GPU_MAPPING).as_str(),
        QUEUES,
        GPU_CLASS,
        template,
    ]
    .join("---\n");
    let (code, codes, document) = codes(&input, &[]);
    assert_eq!(codes, ["DEVICECLASS-UNMAPPED"]);
    assert_eq!(
        document["findings"][0]["objects"],
        serde_json::json!([
            {"kind": "DeviceClass", "name": "unmapped.example.com"},
            {"kind": "ResourceClaimTemplate", "namespace": "default", "name": "gpus"}
        ])
    );
    assert_eq!(code, Some(1));
}

#[test]
fn implicit_extended_resource_is_a_warning() {
    let pod = "\
apiVersion: v1
kind: Pod
metadata:
  name: implicit
spec:
  containers:
  - name: main
    resources:
      limits:
        deviceclass.resource.kubernetes.io/gpu.example.com: 1
";
    let input = [configuration(GPU_MAPPING).as_str(), QUEUES, GPU_CLASS, pod].join("---\n");
    let (_, codes, _) = codes(&input, &[]);
    assert_eq!(codes, ["IMPLICIT-EXTENDED-RESOURCE"]);
}

#[test]
fn transformation_output_on_mapping_name_is_a_warning() {
    let resources = format!(
        "{GPU_MAPPING}  transformations:\n  - input: nvidia.com/mig-1g.5gb\n    outputs:\n      \
         example.com/gpu: 1\n"
    );
    let input = [configuration(&resources).as_str(), QUEUES, GPU_CLASS].join("---\n");
    let (_, codes, _) = codes(&input, &[]);
    assert_eq!(codes, ["TRANSFORMATION-DOUBLE-CHARGE"]);
}

#[test]
fn missing_wait_for_pods_ready_is_a_warning() {
    let bare =
        format!("apiVersion: config.kueue.x-k8s.io/v1beta2\nkind: Configuration\n{GPU_MAPPING}");
    let input = [bare.as_str(), QUEUES, GPU_CLASS].join("---\n");
    let (_, codes, _) = codes(&input, &[]);
    assert_eq!(codes, ["WAIT-FOR-PODS-READY-DISABLED"]);
}

#[test]
fn removed_gate_stops_kueue() {
    let gates = format!("featureGates:\n  DRAExtendedResources: true\n{GPU_MAPPING}");
    let input = [configuration(&gates).as_str(), QUEUES, GPU_CLASS].join("---\n");
    let (code, codes, document) = codes(&input, &[]);
    assert_eq!(codes, ["FEATURE-GATES"]);
    assert_eq!(document["findings"][0]["path"], "featureGates");
    assert_eq!(
        document["findings"][0]["message"],
        "Kueue v0.19.2 does not start: conflicting feature gates detected: featureGates: Invalid \
         value: {\"DRAExtendedResources\":true}: unrecognized feature gate: DRAExtendedResources"
    );
    assert_eq!(code, Some(1));
}

#[test]
fn kueue_validation_keeps_kueue_path_type_and_message() {
    let output = run(&[
        "check-config",
        "-f",
        "testdata/real-manifests/kueue-kep-invalid-duplicate-mapping.yaml",
        "-o",
        "json",
    ]);
    assert_eq!(output.code, Some(1));
    let finding = &json(&output)["findings"][0];
    assert_eq!(finding["code"], "KUEUE-VALIDATION");
    assert_eq!(
        finding["path"],
        "resources.deviceClassMappings[1].deviceClassNames[0]"
    );
    assert_eq!(finding["type"], "Invalid");
    assert_eq!(
        finding["message"],
        "resources.deviceClassMappings[1].deviceClassNames[0]: Invalid value: \
         \"gpus.example.com\": device class already mapped to resource whole-gpus"
    );
}

#[test]
fn unknown_field_stops_kueue() {
    let typo = format!("{GPU_MAPPING}    deviceClasses: [gpu.example.com]\n");
    let input = [configuration(&typo).as_str(), QUEUES, GPU_CLASS].join("---\n");
    let (code, codes, document) = codes(&input, &[]);
    assert_eq!(codes, ["CONFIGURATION-DECODING"]);
    assert_eq!(
        document["findings"][0]["message"],
        "Kueue v0.19.2 does not start: Unable to load the configuration: strict decoding error: \
         unknown field \"resources.deviceClassMappings[0].deviceClasses\""
    );
    assert_eq!(code, Some(1));
}

#[test]
fn missing_inputs_are_not_verifiable() {
    let (_, codes, _) = codes(&configuration(GPU_MAPPING), &[]);
    assert_eq!(codes, ["NOT-VERIFIABLE", "NOT-VERIFIABLE"]);
}

#[test]
fn table_groups_errors_first() {
    let queues = QUEUES.replace("example.com/gpu", "other.example.com/gpu");
    let other_class = GPU_CLASS.replace("gpu.example.com", "other.example.com");
    let input = [configuration(GPU_MAPPING).as_str(), &queues, &other_class].join("---\n");
    let output = run_with_stdin(&["check-config", "-f", "-", "--no-headers"], Some(&input));
    let severities: Vec<&str> = output
        .stdout
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert_eq!(severities, ["Error", "Warning"]);
}

#[test]
fn extended_resource_checks_follow_the_release_gates() {
    // Kueue v0.18 keeps its extended-resource gate off by default, so a DeviceClass in both
    // paths changes nothing there.
    let class = format!("{GPU_CLASS}spec:\n  extendedResourceName: other.example.com/gpu\n");
    let input = [configuration(GPU_MAPPING).as_str(), QUEUES, &class].join("---\n");
    let (_, at_v0_19, _) = codes(&input, &[]);
    let (_, at_v0_18, _) = codes(&input, &["--kueue-version", "v0.18.6"]);
    assert_eq!(at_v0_19, ["DEVICECLASS-IN-BOTH-PATHS"]);
    assert_eq!(at_v0_18, Vec::<String>::new());
}

#[test]
fn same_name_mapping_no_collision() {
    let class = format!("{GPU_CLASS}spec:\n  extendedResourceName: example.com/gpu\n");
    let pod = "\
apiVersion: v1
kind: Pod
metadata:
  name: gpu
spec:
  containers:
  - name: main
    resources:
      requests:
        example.com/gpu: 1
";
    let input = [configuration(GPU_MAPPING).as_str(), QUEUES, &class, pod].join("---\n");
    let (code, codes, _) = codes(&input, &["--strict"]);
    assert_eq!(codes, Vec::<String>::new());
    assert_eq!(code, Some(0));
}

#[test]
fn first_available_classes_need_no_mapping() {
    let template = "\
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata:
  name: choice
spec:
  spec:
    devices:
      requests:
      - name: gpu
        firstAvailable:
        - name: big
          deviceClassName: unmapped.example.com
---
apiVersion: v1
kind: Pod
metadata:
  name: choice
spec:
  containers:
  - name: main
  resourceClaims:
  - name: gpu
    resourceClaimTemplateName: choice
";
    let input = [
        configuration(GPU_MAPPING).as_str(),
        QUEUES,
        GPU_CLASS,
        template,
    ]
    .join("---\n");
    let (_, codes, _) = codes(&input, &[]);
    assert_eq!(codes, Vec::<String>::new());
}

#[test]
fn ignore_undeclared_needs_its_gate() {
    // v0.18 reads quotaCheckStrategy only with the QuotaCheckStrategy gate, off by default.
    let queues = QUEUES.replace("example.com/gpu", "other.example.com/gpu");
    let mapping = format!("{GPU_MAPPING}  quotaCheckStrategy: IgnoreUndeclared\n");
    let input = [configuration(&mapping).as_str(), &queues, GPU_CLASS].join("---\n");
    let (code, codes, document) = codes(&input, &["--kueue-version", "v0.18.6"]);
    assert_eq!(codes, ["KEY-NOT-COVERED"]);
    assert_eq!(document["findings"][0]["severity"], "Error");
    assert_eq!(code, Some(1));
}

#[test]
fn sources_are_unknown_before_v0_18() {
    let mapping = "\
resources:
  deviceClassMappings:
  - name: example.com/gpu
    deviceClassNames: [gpu.example.com]
    sources:
    - counter:
        name: memory
        driver: gpu.example.com
        deviceSelector:
          cel:
            expression: device.driver == 'gpu.example.com'
";
    let gates = format!("featureGates:\n  DynamicResourceAllocation: true\n{mapping}");
    let input = [configuration(&gates).as_str(), QUEUES, GPU_CLASS].join("---\n");
    let (_, codes, document) = codes(&input, &["--kueue-version", "v0.17.8"]);
    assert_eq!(codes[0], "CONFIGURATION-DECODING");
    assert_eq!(
        document["findings"][0]["path"],
        "resources.deviceClassMappings[0].sources"
    );
}

#[test]
fn unregistered_api_version_stops_kueue() {
    let input = [configuration(GPU_MAPPING).as_str(), QUEUES, GPU_CLASS].join("---\n");
    let (code, codes, document) = codes(&input, &["--kueue-version", "v0.14.8"]);
    assert_eq!(codes[0], "CONFIGURATION-DECODING");
    assert_eq!(document["findings"][0]["path"], "apiVersion");
    let message = document["findings"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.starts_with(
            "Kueue v0.14.8 does not start: Unable to load the configuration: no kind \
             \"Configuration\" is registered for version \"config.kueue.x-k8s.io/v1beta2\""
        ),
        "{message}"
    );
    assert_eq!(code, Some(1));
}

#[test]
fn class_selector_that_does_not_compile_is_error() {
    let class = "\
apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata:
  name: gpu.example.com
spec:
  selectors:
  - cel:
      expression: device.vendor == 'example'
";
    let stdin = format!("{}---\n{QUEUES}---\n{class}", configuration(GPU_MAPPING));

    let (code, codes, document) = codes(&stdin, &[]);

    assert_eq!(code, Some(1));
    assert_eq!(codes, ["CEL-DOES-NOT-COMPILE"]);
    assert_eq!(
        document["findings"][0]["message"],
        "DeviceClass `gpu.example.com` selector 0 `device.vendor == 'example'` does not compile: compilation failed: ERROR: <input>:1:7: undefined field 'vendor'\n | device.vendor == 'example'\n | ......^"
    );
}

#[test]
fn unpublished_counter_name_is_a_warning() {
    let mapping = "\
resources:
  deviceClassMappings:
  - name: example.com/gpu
    deviceClassNames: [gpu.example.com]
    sources:
    - counter:
        name: gpu-memory
        driver: gpu.example.com
        deviceSelector:
          cel:
            expression: device.driver == 'gpu.example.com'
";
    let slice = "\
apiVersion: resource.k8s.io/v1
kind: ResourceSlice
metadata:
  name: node1-gpu
spec:
  driver: gpu.example.com
  nodeName: node1
  pool:
    name: node1
    generation: 1
    resourceSliceCount: 1
  devices:
  - name: gpu-0-mig-1g5gb-0
    consumesCounters:
    - counterSet: gpu-0-counter-set
      counters:
        memory:
          value: 4864Mi
";
    let stdin = format!(
        "{}---\n{QUEUES}---\n{GPU_CLASS}---\n{slice}",
        configuration(mapping)
    );

    let (_, codes, document) = codes(&stdin, &[]);

    assert_eq!(codes, ["SOURCE-NAME-UNPUBLISHED"]);
    assert_eq!(
        document["findings"][0]["message"],
        "deviceClassMappings entry `example.com/gpu` has a counter source `gpu-memory` of driver `gpu.example.com`, which no device in the ResourceSlices of that driver publishes"
    );
}
