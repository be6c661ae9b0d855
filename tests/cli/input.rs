//! How `-f` input is read: files, directories, standard input, namespaces, names and
//! duplicates.

use crate::harness::{json, run, run_with_stdin};

const MAPPING_CONFIGURATION: &str = "\
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
resources:
  deviceClassMappings:
  - name: example.com/gpu
    deviceClassNames: [gpu.example.com]
";

const TWO_GPU_TEMPLATE: &str = "\
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata:
  name: two-gpus
spec:
  spec:
    devices:
      requests:
      - name: gpu
        exactly:
          deviceClassName: gpu.example.com
          count: 2
";

fn pod(name_field: &str) -> String {
    format!(
        "\
apiVersion: v1
kind: Pod
metadata:
  {name_field}
  labels:
    kueue.x-k8s.io/queue-name: user-queue
spec:
  containers:
  - name: trainer
    image: busybox
    resources:
      limits:
        cpu: 500m
  resourceClaims:
  - name: gpus
    resourceClaimTemplateName: two-gpus
"
    )
}

fn stdin_input(documents: &[&str]) -> String {
    documents.join("---\n")
}

#[test]
fn standard_input_is_read_with_dash() {
    let input = stdin_input(&[
        MAPPING_CONFIGURATION,
        TWO_GPU_TEMPLATE,
        &pod("name: trainer-0"),
    ]);
    let output = run_with_stdin(&["explain", "-f", "-", "-o", "json"], Some(&input));
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);

    let document = json(&output);
    let workload = &document["workloads"][0];
    assert_eq!(workload["name"], "pod-trainer-0");
    assert_eq!(workload["namespace"], "default");
    assert_eq!(workload["source"]["kind"], "Pod");
    assert_eq!(workload["source"]["apiVersion"], "v1");
    assert_eq!(workload["podSets"][0]["perPod"]["example.com/gpu"], "2");
}

#[test]
fn pod_limits_reach_the_extended_resource_path() {
    // Kueue takes the extended-resource path only for requests, and the apiserver copies a
    // Pod's limits into its requests, so a limits-only Pod is charged through its DeviceClass.
    let device_class = "\
apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata:
  name: gpu.example.com
spec:
  extendedResourceName: example.com/gpu
";
    let pod = "\
apiVersion: v1
kind: Pod
metadata:
  name: limits-only
spec:
  containers:
  - name: main
    resources:
      limits:
        example.com/gpu: 2
";
    let output = run_with_stdin(
        &["explain", "-f", "-", "-o", "json"],
        Some(&stdin_input(&[device_class, pod])),
    );
    let pod_set = &json(&output)["workloads"][0]["podSets"][0];
    assert_eq!(pod_set["charges"][0]["path"], "ExtendedResource");
    assert_eq!(pod_set["total"]["example.com/gpu"], "2");
}

#[test]
fn generated_names_never_collide() {
    let input = stdin_input(&[
        MAPPING_CONFIGURATION,
        TWO_GPU_TEMPLATE,
        &pod("generateName: trainer-"),
        &pod("generateName: trainer-"),
    ]);
    let output = run_with_stdin(&["explain", "-f", "-", "-o", "json"], Some(&input));
    assert_eq!(output.stderr, "");
    assert_eq!(json(&output)["workloads"].as_array().map(Vec::len), Some(2));
}

#[test]
fn generate_name_prefix_names_the_workload() {
    let input = stdin_input(&[
        MAPPING_CONFIGURATION,
        TWO_GPU_TEMPLATE,
        &pod("generateName: trainer-"),
    ]);
    let output = run_with_stdin(&["explain", "-f", "-", "-o", "json"], Some(&input));
    let document = json(&output);
    assert_eq!(document["workloads"][0]["name"], "pod-trainer");
}

#[test]
fn namespace_flag_places_objects_without_one() {
    let input = stdin_input(&[
        MAPPING_CONFIGURATION,
        TWO_GPU_TEMPLATE,
        &pod("name: trainer-0"),
    ]);
    let output = run_with_stdin(
        &["explain", "-f", "-", "-n", "team-a", "-o", "json"],
        Some(&input),
    );
    let document = json(&output);
    assert_eq!(document["workloads"][0]["namespace"], "team-a");
    assert_eq!(document["workloads"][0]["status"], "Charged");
}

#[test]
fn namespace_flag_filters_workloads() {
    let output = run(&[
        "explain",
        "-f",
        "examples/extended-resource",
        "-n",
        "elsewhere",
        "-o",
        "json",
    ]);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(json(&output)["workloads"], serde_json::json!([]));
    assert_eq!(
        output.stderr,
        "No workloads found in namespace elsewhere.\n"
    );
}

#[test]
fn pod_without_pod_integration_gets_a_note() {
    let input = stdin_input(&[
        MAPPING_CONFIGURATION,
        TWO_GPU_TEMPLATE,
        &pod("name: trainer-0"),
    ]);
    let output = run_with_stdin(&["explain", "-f", "-", "-o", "json"], Some(&input));
    let notes = &json(&output)["workloads"][0]["notes"];
    assert_eq!(
        notes[0],
        "Kueue would not manage Pod default/trainer-0 as it stands: the Configuration does not \
         enable the `pod` integration in `integrations.frameworks`"
    );
}

#[test]
fn job_without_queue_label_gets_a_note() {
    let job = "\
apiVersion: batch/v1
kind: Job
metadata:
  name: unlabelled
spec:
  template:
    spec:
      containers:
      - name: main
        image: busybox
";
    let output = run_with_stdin(&["explain", "-f", "-", "-o", "json"], Some(job));
    let workload = &json(&output)["workloads"][0];
    assert_eq!(workload["name"], "job-unlabelled");
    assert_eq!(
        workload["notes"][0],
        "Kueue would not manage Job default/unlabelled as it stands: it has no \
         `kueue.x-k8s.io/queue-name` label"
    );
}

#[test]
fn local_queue_leads_to_its_cluster_queue() {
    let output = run(&[
        "explain",
        "-f",
        "examples/resource-claim-template",
        "-o",
        "json",
    ]);
    let workload = &json(&output)["workloads"][0];
    assert_eq!(workload["localQueue"], "user-queue");
    assert_eq!(workload["clusterQueue"], "cluster-queue");
}

#[test]
fn unused_kind_is_skipped_with_a_note() {
    let input = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
";
    let output = run_with_stdin(&["explain", "-f", "-", "-o", "json"], Some(input));
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(
        output.stderr,
        "warning: <stdin>, document 1: skipped Deployment default/web (apps/v1): kueue-dra does \
         not use this kind\nNo workloads found in the input.\n"
    );
}

#[test]
fn duplicate_object_replaces_the_first_with_a_warning() {
    let one_gpu = TWO_GPU_TEMPLATE.replace("count: 2", "count: 1");
    let input = stdin_input(&[
        MAPPING_CONFIGURATION,
        TWO_GPU_TEMPLATE,
        &one_gpu,
        &pod("name: trainer-0"),
    ]);
    let output = run_with_stdin(&["explain", "-f", "-", "-o", "json"], Some(&input));
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert!(
        output.stderr.contains(
            "warning: ResourceClaimTemplate default/two-gpus is defined twice, in <stdin>, \
             document 2 and in <stdin>, document 3: the second one is used"
        ),
        "stderr: {}",
        output.stderr
    );
    assert_eq!(
        json(&output)["workloads"][0]["podSets"][0]["perPod"]["example.com/gpu"],
        "1"
    );
}

#[test]
fn two_different_configurations_name_both_places() {
    let other = MAPPING_CONFIGURATION.replace("example.com/gpu", "gpus");
    let input = stdin_input(&[MAPPING_CONFIGURATION, &other]);
    let output = run_with_stdin(&["explain", "-f", "-"], Some(&input));
    assert_eq!(output.code, Some(2));
    assert_eq!(
        output.stderr,
        "error: two different Kueue Configurations in the input: <stdin>, document 1 and \
         <stdin>, document 2; remove one, or name the one to use with --config\n"
    );
}

#[test]
fn config_flag_takes_the_place_of_input_configurations() {
    let unmapped = "apiVersion: config.kueue.x-k8s.io/v1beta2\nkind: Configuration\n";
    let output = run_with_stdin(
        &[
            "explain",
            "-f",
            "examples/resource-claim-template/job.yaml",
            "-f",
            "-",
            "--config",
            "examples/resource-claim-template/configuration.yaml",
            "-o",
            "json",
        ],
        Some(unmapped),
    );
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(
        output.stderr,
        "warning: <stdin>, document 1: Configuration ignored: --config names \
         examples/resource-claim-template/configuration.yaml\n"
    );
    let pod_set = &json(&output)["workloads"][0]["podSets"][0];
    assert_eq!(pod_set["total"]["example.com/gpu"], "3");
}

#[test]
fn config_flag_reads_standard_input() {
    let output = run_with_stdin(
        &[
            "explain",
            "-f",
            "examples/resource-claim-template/job.yaml",
            "--config",
            "-",
            "-o",
            "json",
        ],
        Some(MAPPING_CONFIGURATION),
    );
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let pod_set = &json(&output)["workloads"][0]["podSets"][0];
    assert_eq!(pod_set["total"]["example.com/gpu"], "3");
}

#[test]
fn config_file_objects_are_skipped_with_a_note() {
    let input = stdin_input(&[MAPPING_CONFIGURATION, &pod("name: trainer-0")]);
    let output = run_with_stdin(
        &[
            "explain",
            "-f",
            "examples/resource-claim-template/job.yaml",
            "--config",
            "-",
        ],
        Some(&input),
    );
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(
        output.stderr,
        "warning: <stdin>, document 2: skipped Pod default/trainer-0: the --config file is read \
         only for the Kueue Configuration; pass other objects with -f\n"
    );
}

#[test]
fn config_file_with_two_configurations_is_rejected() {
    let other = MAPPING_CONFIGURATION.replace("example.com/gpu", "gpus");
    let input = stdin_input(&[MAPPING_CONFIGURATION, &other]);
    let output = run_with_stdin(
        &[
            "explain",
            "-f",
            "examples/resource-claim-template/job.yaml",
            "--config",
            "-",
        ],
        Some(&input),
    );
    assert_eq!(output.code, Some(2));
    assert!(
        output
            .stderr
            .starts_with("error: two different Kueue Configurations in the input: "),
        "stderr: {}",
        output.stderr
    );
}

#[test]
fn removed_gate_name_stops_kueue() {
    let configuration = "\
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
featureGates:
  DRAExtendedResources: true
";
    let output = run_with_stdin(&["explain", "-f", "-", "-o", "json"], Some(configuration));
    assert_eq!(output.code, Some(2));
    assert_eq!(
        output.stderr,
        "error: <stdin>, document 1: Configuration: Kueue v0.19.2 does not start with this \
         Configuration: conflicting feature gates detected: featureGates: Invalid value: \
         {\"DRAExtendedResources\":true}: unrecognized feature gate: DRAExtendedResources; use \
         the gate names and values of the Kueue release you run\n"
    );
}

#[test]
fn disabled_dra_gate_with_dependent_gates_stops_kueue() {
    let configuration = "\
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
featureGates:
  KueueDRAIntegration: false
";
    let output = run_with_stdin(&["explain", "-f", "-", "-o", "json"], Some(configuration));
    assert_eq!(output.code, Some(2));
    assert!(
        output.stderr.contains(
            "conflicting feature gates detected: [featureGates: Invalid value: \
             \"KueueDRAIntegrationExtendedResource\": KueueDRAIntegrationExtendedResource \
             requires KueueDRAIntegration to be enabled, "
        ),
        "{}",
        output.stderr
    );
}

#[test]
fn invalid_mapping_stops_kueue() {
    let output = run(&[
        "explain",
        "-f",
        "testdata/real-manifests/kueue-kep-invalid-duplicate-mapping.yaml",
    ]);
    assert_eq!(output.code, Some(2));
    assert!(
        output.stderr.ends_with(
            "field `data[controller_manager_config.yaml]`: Kueue v0.19.2 does not start with this \
             Configuration: Unable to validate the configuration: \
             resources.deviceClassMappings[1].deviceClassNames[0]: Invalid value: \
             \"gpus.example.com\": device class already mapped to resource whole-gpus; correct the \
             fields the message names\n"
        ),
        "{}",
        output.stderr
    );
}

#[test]
fn table_without_namespace_column_for_one_namespace() {
    let output = run(&[
        "explain",
        "-f",
        "examples/resource-claim-template",
        "-n",
        "default",
    ]);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(
        output.stdout.lines().next(),
        Some("NAME                     STATUS    DRA CHARGES         VERDICT   MESSAGE")
    );
}

#[test]
fn table_without_headers() {
    let output = run(&[
        "explain",
        "-f",
        "examples/resource-claim-template",
        "--no-headers",
    ]);
    assert_eq!(
        output.stdout,
        "default   job-sample-dra-rct-job   Charged   example.com/gpu=3   Fits\n"
    );
}

#[test]
fn flow_style_yaml_is_read() {
    let pod =
        "{apiVersion: v1, kind: Pod, metadata: {name: flow}, spec: {containers: [{name: c}]}}";
    let output = run_with_stdin(&["explain", "-f", "-", "-o", "json"], Some(pod));
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(json(&output)["workloads"][0]["name"], "pod-flow");
}

#[test]
fn config_map_wraps_the_configuration() {
    let config_map = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: kueue-manager-config
  namespace: kueue-system
data:
  controller_manager_config.yaml: |
    apiVersion: config.kueue.x-k8s.io/v1beta2
    kind: Configuration
    resources:
      deviceClassMappings:
      - name: example.com/gpu
        deviceClassNames: [gpu.example.com]
";
    let input = stdin_input(&[config_map, TWO_GPU_TEMPLATE, &pod("name: trainer-0")]);
    let output = run_with_stdin(&["explain", "-f", "-", "-o", "json"], Some(&input));
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(
        json(&output)["workloads"][0]["podSets"][0]["perPod"]["example.com/gpu"],
        "2"
    );
}

#[test]
fn kubectl_list_items_are_read() {
    let list = serde_json::json!({
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            serde_saphyr::from_str::<serde_json::Value>(MAPPING_CONFIGURATION).expect("YAML"),
            serde_saphyr::from_str::<serde_json::Value>(TWO_GPU_TEMPLATE).expect("YAML"),
            serde_saphyr::from_str::<serde_json::Value>(&pod("name: trainer-0")).expect("YAML"),
        ]
    });
    let output = run_with_stdin(
        &["explain", "-f", "-", "-o", "json"],
        Some(&list.to_string()),
    );
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(
        json(&output)["workloads"][0]["podSets"][0]["perPod"]["example.com/gpu"],
        "2"
    );
}

#[test]
fn unmapped_device_class_fails_with_flag() {
    let unmapped = "apiVersion: config.kueue.x-k8s.io/v1beta2\nkind: Configuration\n";
    let input = stdin_input(&[unmapped, TWO_GPU_TEMPLATE, &pod("name: trainer-0")]);
    let output = run_with_stdin(
        &["explain", "-f", "-", "-o", "json", "--fail-on-inadmissible"],
        Some(&input),
    );
    assert_eq!(output.code, Some(1), "stderr: {}", output.stderr);
    let workload = &json(&output)["workloads"][0];
    assert_eq!(workload["status"], "Inadmissible");
    assert_eq!(workload["reason"], "Inadmissible");
    assert_eq!(
        workload["message"],
        "spec.podSets[0].template.spec.resourceClaims[0].resourceClaimTemplateName: Not found: \
         \"DeviceClass gpu.example.com is not mapped in DRA configuration for podset main\""
    );
}

#[test]
fn unmapped_device_class_exits_zero_without_flag() {
    let unmapped = "apiVersion: config.kueue.x-k8s.io/v1beta2\nkind: Configuration\n";
    let input = stdin_input(&[unmapped, TWO_GPU_TEMPLATE, &pod("name: trainer-0")]);
    let output = run_with_stdin(&["explain", "-f", "-", "-o", "json"], Some(&input));
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
}

#[test]
fn kueue_version_is_recorded() {
    let output = run(&[
        "explain",
        "-f",
        "examples/extended-resource",
        "-o",
        "json",
        "--kueue-version",
        "0.19",
    ]);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(json(&output)["kueueVersion"], "v0.19.2");
}

#[test]
fn older_kueue_release_is_recorded() {
    let output = run(&[
        "explain",
        "-f",
        "examples/extended-resource",
        "-o",
        "json",
        "--kueue-version",
        "v0.18.5",
    ]);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(json(&output)["kueueVersion"], "v0.18.5");
}

#[test]
fn default_kueue_version_is_the_newest_release() {
    let output = run(&["explain", "-f", "examples/extended-resource", "-o", "json"]);
    assert_eq!(json(&output)["kueueVersion"], "v0.19.2");
}

#[test]
fn misspelt_field_gets_a_warning() {
    let job = "\
apiVersion: batch/v1
kind: Job
metadata:
  name: typo
  labels:
    kueue.x-k8s.io/queue-name: user-queue
spec:
  template:
    spec:
      containers:
      - name: main
        resouces:
          requests:
            cpu: 1
status:
  fieldOfANewerRelease: 1
";
    let output = run_with_stdin(&["explain", "-f", "-", "-o", "json"], Some(job));
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(
        output.stderr,
        "warning: <stdin>, document 1: Job default/typo: unknown field \
         `spec.template.spec.containers[0].resouces` ignored\n"
    );
}

#[test]
fn limit_range_and_overhead_charged() {
    let input = "\
apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
  namespace: team-a
spec:
  limits:
  - type: Container
    defaultRequest:
      cpu: 500m
      memory: 256Mi
---
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata:
  name: kata
handler: kata
overhead:
  podFixed:
    cpu: 250m
    memory: 120Mi
---
apiVersion: batch/v1
kind: Job
metadata:
  name: defaulted
  namespace: team-a
  labels:
    kueue.x-k8s.io/queue-name: user-queue
spec:
  parallelism: 2
  template:
    spec:
      runtimeClassName: kata
      containers:
      - name: main
";
    let output = run_with_stdin(&["explain", "-f", "-", "-o", "json"], Some(input));
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let pod_set = &json(&output)["workloads"][0]["podSets"][0];
    assert_eq!(pod_set["perPod"]["cpu"], "750m");
    assert_eq!(pod_set["perPod"]["memory"], "376Mi");
    assert_eq!(pod_set["total"]["cpu"], "1500m");
    assert_eq!(pod_set["total"]["memory"], "752Mi");
}
