//! Input the plugin must reject with exit code 2 and a message naming the file, the document,
//! the object and the field, never with a panic.

use crate::harness::{run, run_with_stdin};

#[track_caller]
fn assert_rejected(input: &str, expected_stderr: &str) {
    let output = run_with_stdin(&["explain", "-f", "-"], Some(input));
    assert_eq!(
        output.code,
        Some(2),
        "stdout: {}\nstderr: {}",
        output.stdout,
        output.stderr
    );
    assert_eq!(output.stderr, expected_stderr);
    assert_eq!(output.stdout, "");
}

#[test]
fn malformed_yaml_names_the_file() {
    let output = run_with_stdin(&["explain", "-f", "-"], Some("kind: Job\n  bad: [indent\n"));
    assert_eq!(output.code, Some(2));
    assert!(
        output
            .stderr
            .starts_with("error: `<stdin>` is not valid YAML: "),
        "stderr: {}",
        output.stderr
    );
}

#[test]
fn missing_kind_names_the_document() {
    assert_rejected(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\napiVersion: v1\nmetadata: {}\n",
        "error: <stdin>, document 2: missing or invalid `kind`: every Kubernetes object needs \
         `apiVersion` and `kind`\n",
    );
}

#[test]
fn wrong_field_type_names_object_and_field() {
    assert_rejected(
        "\
apiVersion: batch/v1
kind: Job
metadata:
  name: sample
spec:
  parallelism: three
  template: {}
",
        "error: <stdin>, document 1: Job default/sample: field `spec.parallelism`: invalid type: \
         string \"three\", expected i32\n",
    );
}

#[test]
fn old_dra_api_version_is_rejected() {
    assert_rejected(
        "\
apiVersion: resource.k8s.io/v1alpha3
kind: DeviceClass
metadata:
  name: gpu.example.com
",
        "error: <stdin>, document 1: DeviceClass gpu.example.com: apiVersion \
         `resource.k8s.io/v1alpha3` is not supported for DeviceClass: use `resource.k8s.io/v1` \
         or `resource.k8s.io/v1beta2`\n",
    );
}

#[test]
fn unknown_kueue_version_is_a_usage_error() {
    let output = run(&["explain", "-f", "examples/", "--kueue-version", "v0.13.0"]);
    assert_eq!(output.code, Some(2));
    assert!(
        output.stderr.starts_with(
            "error: invalid --kueue-version: unknown Kueue release `v0.13.0`: expected one of \
             v0.14.0 to v0.14.8,"
        ),
        "stderr: {}",
        output.stderr
    );
}

#[test]
fn missing_file_is_named() {
    let output = run(&["explain", "-f", "no-such-file.yaml"]);
    assert_eq!(output.code, Some(2));
    assert!(
        output
            .stderr
            .starts_with("error: cannot read `no-such-file.yaml`: "),
        "stderr: {}",
        output.stderr
    );
}

#[test]
fn missing_kubeconfig_is_reported() {
    // Without -f, explain reads the cluster. The named kubeconfig does not exist, and the
    // plugin then stops without reading any other kubeconfig or contacting any server.
    let directory = tempfile::tempdir().expect("a temporary directory");
    let kubeconfig = directory.path().join("no-such-kubeconfig");
    let kubeconfig = kubeconfig.to_str().expect("a UTF-8 path");

    let output = run(&["explain", "--kubeconfig", kubeconfig]);

    assert_eq!(output.code, Some(2));
    assert_eq!(output.stdout, "");
    assert!(
        output.stderr.starts_with(&format!(
            "error: cannot load the kubeconfig `{kubeconfig}`: "
        )),
        "stderr: {}",
        output.stderr
    );
}

#[test]
fn invalid_utf8_is_rejected() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let file = directory.path().join("binary.yaml");
    std::fs::write(&file, b"kind: \xFF\xFE\n").expect("the file is written");

    let output = run(&["explain", "-f", file.to_str().expect("UTF-8 path")]);
    assert_eq!(output.code, Some(2));
    assert!(
        output
            .stderr
            .ends_with("binary.yaml` is not UTF-8 text: invalid byte at offset 6\n"),
        "stderr: {}",
        output.stderr
    );
}

#[test]
fn malformed_quantity_names_the_field() {
    assert_rejected(
        "\
apiVersion: batch/v1
kind: Job
metadata:
  name: sample
  namespace: team-a
spec:
  template:
    spec:
      containers:
      - name: main
        resources:
          requests:
            memory: 1.5.3Gi
",
        "error: <stdin>, document 1: Job team-a/sample: field \
         `spec.template.spec.containers[0].resources.requests.memory`: invalid quantity \
         `1.5.3Gi`: expected a Kubernetes quantity such as `500m` or `2Gi`\n",
    );
}

#[test]
fn malformed_quantity_in_admission_names_the_field() {
    assert_rejected(
        "\
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata:
  name: admitted
spec:
  podSets:
  - name: main
    count: 1
    template:
      spec:
        containers:
        - name: main
status:
  admission:
    clusterQueue: cluster-queue
    podSetAssignments:
    - name: main
      resourceUsage:
        example.com/gpu: 5Gx
",
        "error: <stdin>, document 1: Workload default/admitted: field \
         `status.admission.podSetAssignments[0].resourceUsage.example.com/gpu`: invalid \
         quantity `5Gx`: expected a Kubernetes quantity such as `500m` or `2Gi`\n",
    );
}

#[test]
fn negative_pod_count_names_the_field() {
    assert_rejected(
        "\
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata:
  name: negative
spec:
  podSets:
  - name: main
    count: -2
    template:
      spec:
        containers:
        - name: main
",
        "error: <stdin>, document 1: Workload default/negative: field `spec.podSets[0].count`: \
         invalid value -2: must be 0 or more\n",
    );
}

#[test]
fn count_beyond_int32_names_the_field() {
    assert_rejected(
        "\
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata:
  name: huge
spec:
  podSets:
  - name: main
    count: 2147483648
    template: {}
",
        "error: <stdin>, document 1: Workload default/huge: field `spec.podSets[0].count`: \
         invalid value: integer `2147483648`, expected i32\n",
    );
}

#[test]
fn negative_request_names_the_field() {
    assert_rejected(
        "\
apiVersion: v1
kind: Pod
metadata:
  name: negative
spec:
  containers:
  - name: main
    resources:
      requests:
        cpu: -1
",
        "error: <stdin>, document 1: Pod default/negative: field \
         `spec.containers[0].resources.requests.cpu`: invalid value `-1`: must be greater than \
         or equal to 0\n",
    );
}

#[test]
fn negative_completions_names_the_field() {
    assert_rejected(
        "\
apiVersion: batch/v1
kind: Job
metadata:
  name: sample
spec:
  parallelism: 2
  completions: -1
  template: {}
",
        "error: <stdin>, document 1: Job default/sample: field `spec.completions`: invalid \
         value -1: must be 0 or more\n",
    );
}

#[test]
fn negative_device_count_names_the_field() {
    assert_rejected(
        "\
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
          deviceClassName: gpu.example.com
          count: -3
",
        "error: <stdin>, document 1: ResourceClaimTemplate default/gpus: field \
         `spec.spec.devices.requests[0].exactly.count`: invalid value -3: must be greater than \
         zero\n",
    );
}

#[test]
fn list_items_must_be_a_list() {
    assert_rejected(
        "apiVersion: v1\nkind: List\nitems: {}\n",
        "error: <stdin>, document 1: List: field `items`: expected a list of objects\n",
    );
}

#[test]
fn configuration_in_config_map_with_old_version() {
    assert_rejected(
        "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: kueue-manager-config
  namespace: kueue-system
data:
  controller_manager_config.yaml: |
    apiVersion: config.kueue.x-k8s.io/v1alpha1
    kind: Configuration
",
        "error: <stdin>, document 1: ConfigMap kueue-system/kueue-manager-config: field \
         `data[controller_manager_config.yaml]`: expected a document with `kind: Configuration` \
         and `apiVersion: config.kueue.x-k8s.io/v1beta2` (or `v1beta1`)\n",
    );
}

#[test]
fn unknown_configuration_field_stops_kueue() {
    assert_rejected(
        "\
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
resources:
  deviceClassMappings:
  - name: example.com/gpu
    deviceClassNames: [gpu.example.com]
    deviceClasses: [typo]
",
        "error: <stdin>, document 1: Configuration: Kueue v0.19.2 does not start with this \
         Configuration: Unable to load the configuration: strict decoding error: unknown field \
         \"resources.deviceClassMappings[0].deviceClasses\"; remove the field or correct its \
         name\n",
    );
}

#[test]
fn unknown_field_in_config_map_names_the_key() {
    assert_rejected(
        "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: kueue-manager-config
  namespace: kueue-system
data:
  controller_manager_config.yaml: |
    apiVersion: config.kueue.x-k8s.io/v1beta2
    kind: Configuration
    featureGate:
      KueueDRAIntegration: true
",
        "error: <stdin>, document 1: ConfigMap kueue-system/kueue-manager-config: field \
         `data[controller_manager_config.yaml]`: Kueue v0.19.2 does not start with this \
         Configuration: Unable to load the configuration: strict decoding error: unknown field \
         \"featureGate\"; remove the field or correct its name\n",
    );
}
