//! End-to-end explanations of Workloads built from YAML, checked against Kueue v0.19.2.

mod common;

use common::{
    GPU_MAPPING, configuration, device_classes, explain, raw_templates, templates, workload,
};
use kueue_api::config::Configuration;
use kueue_dra_quota::{ChargePath, Status};

const RCT_JOB: &str =
    include_str!("../../../testdata/real-manifests/kueue-sample-dra-rct-job.yaml");
const EXTENDED_RESOURCE_CLASS: &str =
    include_str!("../../../testdata/real-manifests/k8s-docs-extended-resource-deviceclass.yaml");
const COUNT_AND_MULTI_REQUEST: &str = include_str!(
    "../../../testdata/real-manifests/dra-example-driver-count-and-multi-request.yaml"
);
const PRIORITIZED_LIST: &str =
    include_str!("../../../testdata/real-manifests/k8s-docs-prioritized-list-rct.yaml");
const ADMIN_ACCESS: &str =
    include_str!("../../../testdata/real-manifests/dra-example-driver-admin-access.yaml");

/// The Workload Kueue creates for the sample RCT Job run with parallelism 3.
const RCT_WORKLOAD: &str = "
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata: {name: job-sample-dra-rct-job, namespace: default}
spec:
  queueName: user-queue
  podSets:
  - name: main
    count: 3
    template:
      spec:
        restartPolicy: Never
        containers:
        - name: dummy-job
          resources:
            claims: [{name: gpu}]
            requests: {cpu: '1', memory: 200Mi}
        resourceClaims:
        - {name: gpu, resourceClaimTemplateName: single-gpu}
";

/// The Workload for the sample extended-resource Job run with parallelism 3.
const EXTENDED_WORKLOAD: &str = "
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata: {name: job-sample-dra-extended-job, namespace: default}
spec:
  podSets:
  - name: main
    count: 3
    template:
      spec:
        containers:
        - name: dummy-job
          resources:
            requests: {cpu: '1', memory: 200Mi, example.com/gpu: '1'}
            limits: {example.com/gpu: '1'}
";

/// Builds a Workload of one pod set whose only claim uses template `template`.
fn claim_workload(template: &str, namespace: &str) -> String {
    format!(
        "
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata: {{name: wl, namespace: {namespace}}}
spec:
  podSets:
  - name: main
    count: 2
    template:
      spec:
        containers: [{{name: main}}]
        resourceClaims:
        - {{name: devices, resourceClaimTemplateName: {template}}}
"
    )
}

/// Builds a template of one `exactly` request from YAML lines that go under `exactly:`.
fn template_yaml(name: &str, exactly: &str) -> String {
    format!(
        "
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata: {{name: {name}, namespace: default}}
spec:
  spec:
    devices:
      requests:
      - name: req
        exactly:
{exactly}
"
    )
}

#[test]
fn rct_job_charges_one_gpu_per_pod() {
    let config = configuration(GPU_MAPPING);

    let explanation = explain(&config, &[], &templates(RCT_JOB), &workload(RCT_WORKLOAD));

    assert_eq!(explanation.status, Status::Charged);
    let pod_set = &explanation.pod_sets[0];
    assert_eq!(pod_set.count, 3);
    assert_eq!(pod_set.per_pod["example.com/gpu"], "1");
    assert_eq!(pod_set.total["example.com/gpu"], "3");
    assert_eq!(pod_set.total["cpu"], "3");
    assert_eq!(pod_set.total["memory"], "600Mi");
    assert_eq!(pod_set.per_pod["memory"], "200Mi");
    assert!(
        explanation.notes.is_empty(),
        "notes: {:?}",
        explanation.notes
    );
}

#[test]
fn rct_charge_names_its_sources() {
    let config = configuration(GPU_MAPPING);

    let explanation = explain(&config, &[], &templates(RCT_JOB), &workload(RCT_WORKLOAD));

    let charges = &explanation.pod_sets[0].charges;
    assert_eq!(charges.len(), 1);
    assert_eq!(charges[0].path, ChargePath::ResourceClaimTemplate);
    assert_eq!(charges[0].claim.as_deref(), Some("gpu"));
    assert_eq!(charges[0].template.as_deref(), Some("single-gpu"));
    assert_eq!(charges[0].request.as_deref(), Some("gpu"));
    assert_eq!(charges[0].device_class, "gpu.example.com");
    assert_eq!(charges[0].quota_key, "example.com/gpu");
    assert_eq!(charges[0].per_pod, "1");
}

#[test]
fn extended_resource_is_charged_once() {
    let classes = device_classes(EXTENDED_RESOURCE_CLASS);

    let explanation = explain(
        &Configuration::default(),
        &classes,
        &[],
        &workload(EXTENDED_WORKLOAD),
    );

    assert_eq!(explanation.status, Status::Charged);
    let pod_set = &explanation.pod_sets[0];
    assert_eq!(pod_set.per_pod["example.com/gpu"], "1");
    assert_eq!(pod_set.total["example.com/gpu"], "3");
    assert_eq!(pod_set.total["cpu"], "3");
    assert_eq!(pod_set.charges.len(), 1);
}

#[test]
fn extended_resource_charge_names_its_sources() {
    let classes = device_classes(EXTENDED_RESOURCE_CLASS);

    let explanation = explain(
        &Configuration::default(),
        &classes,
        &[],
        &workload(EXTENDED_WORKLOAD),
    );

    let charge = &explanation.pod_sets[0].charges[0];
    assert_eq!(charge.path, ChargePath::ExtendedResource);
    assert_eq!(charge.resource.as_deref(), Some("example.com/gpu"));
    assert_eq!(charge.containers, ["dummy-job"]);
    assert_eq!(charge.device_class, "gpu.example.com");
    assert_eq!(charge.quota_key, "example.com/gpu");
    assert_eq!(charge.per_pod, "1");
}

#[test]
fn extended_resource_without_class_is_plain() {
    let explanation = explain(
        &Configuration::default(),
        &[],
        &[],
        &workload(EXTENDED_WORKLOAD),
    );

    assert_eq!(explanation.pod_sets[0].total["example.com/gpu"], "3");
    assert!(explanation.pod_sets[0].charges.is_empty());
}

#[test]
fn count_two_equals_two_requests() {
    let config = configuration(GPU_MAPPING);
    let templates = templates(COUNT_AND_MULTI_REQUEST);

    let counted = explain(
        &config,
        &[],
        &templates,
        &workload(&claim_workload("gpu-partitions", "partitionable-devices")),
    );
    let listed = explain(
        &config,
        &[],
        &templates,
        &workload(&claim_workload("multiple-gpus", "basic-multiple-requests")),
    );

    assert_eq!(counted.pod_sets[0].per_pod["example.com/gpu"], "2");
    assert_eq!(listed.pod_sets[0].per_pod["example.com/gpu"], "2");
    assert_eq!(counted.pod_sets[0].total["example.com/gpu"], "4");
    assert_eq!(listed.pod_sets[0].total["example.com/gpu"], "4");
    assert_eq!(counted.pod_sets[0].charges.len(), 1);
    assert_eq!(listed.pod_sets[0].charges.len(), 2);
}

#[test]
fn template_is_looked_up_in_workload_namespace() {
    let config = configuration(GPU_MAPPING);

    let explanation = explain(
        &config,
        &[],
        &templates(COUNT_AND_MULTI_REQUEST),
        &workload(&claim_workload("gpu-partitions", "default")),
    );

    assert_eq!(explanation.status, Status::Inadmissible);
    assert!(explanation.retried);
}

#[test]
fn limits_fill_missing_requests() {
    let wl = workload(
        "
kind: Workload
metadata: {name: wl, namespace: default}
spec:
  podSets:
  - name: main
    count: 2
    template:
      spec:
        containers:
        - name: main
          resources:
            requests: {cpu: 500m}
            limits: {cpu: '1', memory: 1Gi}
",
    );

    let explanation = explain(&Configuration::default(), &[], &[], &wl);

    let pod_set = &explanation.pod_sets[0];
    assert_eq!(pod_set.per_pod["cpu"], "500m");
    assert_eq!(pod_set.total["cpu"], "1");
    assert_eq!(pod_set.per_pod["memory"], "1Gi");
    assert_eq!(pod_set.total["memory"], "2Gi");
}

#[test]
fn init_containers_and_sidecars() {
    let wl = workload(
        "
kind: Workload
metadata: {name: wl, namespace: default}
spec:
  podSets:
  - name: main
    count: 1
    template:
      spec:
        initContainers:
        - {name: sidecar, restartPolicy: Always, resources: {requests: {cpu: '1'}}}
        - {name: setup, resources: {requests: {cpu: '3', memory: 4Gi}}}
        containers:
        - {name: main, resources: {requests: {cpu: '2', memory: 1Gi}}}
",
    );

    let explanation = explain(&Configuration::default(), &[], &[], &wl);

    let pod_set = &explanation.pod_sets[0];
    // The setup container runs beside the sidecar: 3 + 1 = 4 beats 2 + 1 = 3.
    assert_eq!(pod_set.per_pod["cpu"], "4");
    assert_eq!(pod_set.per_pod["memory"], "4Gi");
}

#[test]
fn excluded_prefix_is_not_charged() {
    let config = configuration(
        "
resources:
  excludeResourcePrefixes: [networking.example.com/]
",
    );
    let wl = workload(
        "
kind: Workload
metadata: {name: wl, namespace: default}
spec:
  podSets:
  - name: main
    count: 1
    template:
      spec:
        containers:
        - {name: main, resources: {requests: {cpu: '1', networking.example.com/vpc: '1'}}}
",
    );

    let explanation = explain(&config, &[], &[], &wl);

    assert!(
        !explanation.pod_sets[0]
            .total
            .contains_key("networking.example.com/vpc")
    );
    assert_eq!(explanation.pod_sets[0].total["cpu"], "1");
}

#[test]
fn resource_claim_is_rejected() {
    let wl = workload(
        "
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
        - {name: shared, resourceClaimName: shared-gpu}
",
    );

    let explanation = explain(&configuration(GPU_MAPPING), &[], &[], &wl);

    assert_eq!(explanation.status, Status::Inadmissible);
    assert_eq!(explanation.reason, "Inadmissible");
    assert_eq!(
        explanation.message,
        "KueueDRAIntegration feature does not support use of resource claims"
    );
    assert!(!explanation.retried);
    assert!(explanation.pod_sets[0].total.is_empty());
}

#[test]
fn missing_template_is_retried() {
    let wl = workload(&claim_workload("missing-template", "default"));

    let explanation = explain(&configuration(GPU_MAPPING), &[], &[], &wl);

    assert_eq!(explanation.status, Status::Inadmissible);
    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0]: Internal error: failed to get claim spec for ResourceClaimTemplate missing-template in podset main: resourceclaimtemplates.resource.k8s.io \"missing-template\" not found"
    );
    assert!(explanation.retried);
}

#[test]
fn unmapped_class_is_not_found() {
    let templates = templates(&template_yaml(
        "unmapped",
        "          deviceClassName: unmapped.example.com",
    ));

    let explanation = explain(
        &configuration(GPU_MAPPING),
        &[],
        &templates,
        &workload(&claim_workload("unmapped", "default")),
    );

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].resourceClaimTemplateName: Not found: \"DeviceClass unmapped.example.com is not mapped in DRA configuration for podset main\""
    );
    assert!(!explanation.retried);
}

#[test]
fn first_available_is_rejected() {
    let mut templates = templates(PRIORITIZED_LIST);
    templates[0].metadata.namespace = Some("default".to_owned());
    let wl = workload(&claim_workload(
        "prioritized-list-claim-template",
        "default",
    ));

    let explanation = explain(&configuration(GPU_MAPPING), &[], &templates, &wl);

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0]: Invalid value: null: ResourceClaimTemplate prioritized-list-claim-template: FirstAvailable device selection is not supported"
    );
}

#[test]
fn allocation_mode_all_is_rejected() {
    let templates = templates(&template_yaml(
        "all-gpus",
        "          deviceClassName: gpu.example.com\n          allocationMode: All",
    ));

    let explanation = explain(
        &configuration(GPU_MAPPING),
        &[],
        &templates,
        &workload(&claim_workload("all-gpus", "default")),
    );

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0].exactly.allocationMode: Invalid value: \"All\": ResourceClaimTemplate all-gpus: AllocationMode 'All' is not supported"
    );
}

#[test]
fn undefaulted_mode_is_unsupported() {
    // Without API defaulting the mode is empty, which Kueue reports as unsupported.
    let templates = raw_templates(&template_yaml(
        "no-mode",
        "          deviceClassName: gpu.example.com",
    ));

    let explanation = explain(
        &configuration(GPU_MAPPING),
        &[],
        &templates,
        &workload(&claim_workload("no-mode", "default")),
    );

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0].exactly.allocationMode: Invalid value: \"\": ResourceClaimTemplate no-mode: unsupported allocation mode: "
    );
}

#[test]
fn unknown_mode_is_unsupported() {
    let templates = templates(&template_yaml(
        "some-mode",
        "          deviceClassName: gpu.example.com\n          allocationMode: Some",
    ));

    let explanation = explain(
        &configuration(GPU_MAPPING),
        &[],
        &templates,
        &workload(&claim_workload("some-mode", "default")),
    );

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0].exactly.allocationMode: Invalid value: \"Some\": ResourceClaimTemplate some-mode: unsupported allocation mode: Some"
    );
}

#[test]
fn admin_access_is_rejected() {
    let wl = workload(&claim_workload("multiple-gpus-admin", "admin-access"));

    let explanation = explain(
        &configuration(GPU_MAPPING),
        &[],
        &templates(ADMIN_ACCESS),
        &wl,
    );

    // v0.19.2 checks adminAccess before allocationMode, so the All mode is not reported.
    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0].exactly.adminAccess: Invalid value: null: ResourceClaimTemplate multiple-gpus-admin: AdminAccess is not supported"
    );
}

#[test]
fn empty_class_is_charged_nothing() {
    let templates = templates(&template_yaml(
        "no-class",
        "          deviceClassName: ''\n          count: 4",
    ));

    let explanation = explain(
        &configuration(GPU_MAPPING),
        &[],
        &templates,
        &workload(&claim_workload("no-class", "default")),
    );

    assert_eq!(explanation.status, Status::Charged);
    let pod_set = &explanation.pod_sets[0];
    assert!(!pod_set.per_pod.contains_key("example.com/gpu"));
    assert_eq!(pod_set.charges.len(), 1);
    assert_eq!(pod_set.charges[0].per_pod, "0");
    assert_eq!(pod_set.charges[0].quota_key, "");
}

#[test]
fn cel_selector_adds_a_note() {
    let templates = templates(&template_yaml(
        "cel",
        "          deviceClassName: gpu.example.com\n          selectors:\n          - cel: {expression: \"device.driver == 'gpu.example.com'\"}",
    ));

    let explanation = explain(
        &configuration(GPU_MAPPING),
        &[],
        &templates,
        &workload(&claim_workload("cel", "default")),
    );

    assert_eq!(explanation.status, Status::Charged);
    assert_eq!(explanation.pod_sets[0].per_pod["example.com/gpu"], "1");
    assert_eq!(explanation.notes.len(), 1);
    assert!(
        explanation.notes[0].contains("CEL selectors"),
        "note: {}",
        explanation.notes[0]
    );
}

#[test]
fn device_counts_saturate() {
    let templates = templates(&template_yaml(
        "huge",
        "          deviceClassName: gpu.example.com\n          count: 9223372036854775807",
    ));

    let explanation = explain(
        &configuration(GPU_MAPPING),
        &[],
        &templates,
        &workload(&claim_workload("huge", "default")),
    );

    assert_eq!(
        explanation.pod_sets[0].per_pod["example.com/gpu"],
        "9223372036854775807"
    );
    assert_eq!(
        explanation.pod_sets[0].total["example.com/gpu"],
        "9223372036854775807"
    );
}

#[test]
fn fractional_extended_resource_is_rejected() {
    let classes = device_classes(EXTENDED_RESOURCE_CLASS);
    let wl = workload(
        "
kind: Workload
metadata: {name: wl, namespace: default}
spec:
  podSets:
  - name: main
    count: 1
    template:
      spec:
        containers:
        - {name: main, resources: {requests: {example.com/gpu: 1500m}}}
",
    );

    let explanation = explain(&Configuration::default(), &classes, &[], &wl);

    assert_eq!(explanation.status, Status::Inadmissible);
    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.containers[0].resources.requests.example.com/gpu: Invalid value: \"1500m\": extended resource quantity must be an integer"
    );
    assert!(!explanation.retried);
}

#[test]
fn extended_resource_errors_accumulate() {
    let classes = device_classes(
        "
kind: DeviceClass
metadata: {name: a.example.com}
spec: {extendedResourceName: example.com/a}
---
kind: DeviceClass
metadata: {name: b.example.com}
spec: {extendedResourceName: example.com/b}
",
    );
    let wl = workload(
        "
kind: Workload
metadata: {name: wl, namespace: default}
spec:
  podSets:
  - name: main
    count: 1
    template:
      spec:
        containers:
        - {name: one, resources: {requests: {example.com/b: 500m, example.com/a: 1500m}}}
        - {name: two, resources: {requests: {example.com/b: 500m}}}
",
    );

    let explanation = explain(&Configuration::default(), &classes, &[], &wl);

    assert_eq!(
        explanation.message,
        "[spec.podSets[0].template.spec.containers[0].resources.requests.example.com/a: Invalid value: \"1500m\": extended resource quantity must be an integer, spec.podSets[0].template.spec.containers[0].resources.requests.example.com/b: Invalid value: \"500m\": extended resource quantity must be an integer, spec.podSets[0].template.spec.containers[1].resources.requests.example.com/b: Invalid value: \"500m\": extended resource quantity must be an integer]"
    );
}

#[test]
fn unmapped_later_class_keeps_raw_name() {
    let config = configuration(
        "
resources:
  deviceClassMappings:
  - name: gpus
    deviceClassNames: [old.example.com]
",
    );
    let classes = device_classes(
        "
kind: DeviceClass
metadata: {name: old.example.com, creationTimestamp: '2026-01-01T00:00:00Z'}
spec: {extendedResourceName: example.com/gpu}
---
kind: DeviceClass
metadata: {name: new.example.com, creationTimestamp: '2026-02-01T00:00:00Z'}
spec: {extendedResourceName: example.com/gpu}
",
    );

    let explanation = explain(&config, &classes, &[], &workload(EXTENDED_WORKLOAD));

    let pod_set = &explanation.pod_sets[0];
    assert_eq!(pod_set.total["example.com/gpu"], "3");
    assert!(!pod_set.total.contains_key("gpus"));
    assert_eq!(pod_set.charges[0].device_class, "new.example.com");
    assert_eq!(pod_set.charges[0].quota_key, "example.com/gpu");
}

#[test]
fn both_paths_sum_under_mapping() {
    let config = configuration(
        "
resources:
  deviceClassMappings:
  - name: gpus
    deviceClassNames: [gpu.example.com]
",
    );
    let classes = device_classes(EXTENDED_RESOURCE_CLASS);
    let wl = workload(
        "
kind: Workload
metadata: {name: wl, namespace: default}
spec:
  podSets:
  - name: main
    count: 2
    template:
      spec:
        containers:
        - {name: main, resources: {requests: {example.com/gpu: '2'}}}
        resourceClaims:
        - {name: gpu, resourceClaimTemplateName: single-gpu}
",
    );

    let explanation = explain(&config, &classes, &templates(RCT_JOB), &wl);

    let pod_set = &explanation.pod_sets[0];
    assert_eq!(pod_set.per_pod["gpus"], "3");
    assert_eq!(pod_set.total["gpus"], "6");
    assert!(!pod_set.per_pod.contains_key("example.com/gpu"));
    assert_eq!(pod_set.charges.len(), 2);
}

#[test]
fn counter_class_rejects_extended_resource() {
    let config = configuration(
        "
resources:
  deviceClassMappings:
  - name: gpu-memory
    deviceClassNames: [gpu.example.com]
    sources:
    - counter:
        name: memory
        driver: gpu.example.com
        deviceSelector: {cel: {expression: 'true'}}
",
    );
    let classes = device_classes(EXTENDED_RESOURCE_CLASS);

    let explanation = explain(&config, &classes, &[], &workload(EXTENDED_WORKLOAD));

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.containers[0]: Invalid value: \"example.com/gpu\": extended resource example.com/gpu resolves to DeviceClass gpu.example.com with counters configured; use ResourceClaimTemplates with CEL selectors for counter-based quota"
    );
}

#[test]
fn dra_gate_off_rejects_claims() {
    let config = configuration(
        "
featureGates: {KueueDRAIntegration: false}
",
    );

    let explanation = explain(&config, &[], &templates(RCT_JOB), &workload(RCT_WORKLOAD));

    assert_eq!(explanation.status, Status::Inadmissible);
    assert_eq!(
        explanation.message,
        "Workload uses DRA resources but the KueueDRAIntegration feature gate is not enabled"
    );
    assert!(!explanation.retried);
}

#[test]
fn dra_gate_off_without_rejection_ignores_claims() {
    let config = configuration(
        "
featureGates: {KueueDRAIntegration: false, KueueDRARejectWorkloadsWhenDRADisabled: false}
",
    );

    let explanation = explain(&config, &[], &templates(RCT_JOB), &workload(RCT_WORKLOAD));

    assert_eq!(explanation.status, Status::Charged);
    assert!(
        !explanation.pod_sets[0]
            .total
            .contains_key("example.com/gpu")
    );
    assert_eq!(explanation.pod_sets[0].total["cpu"], "3");
}

#[test]
fn extended_gate_off_charges_raw_name() {
    let config = configuration(
        "
featureGates: {KueueDRAIntegrationExtendedResource: false}
",
    );
    let classes = device_classes(EXTENDED_RESOURCE_CLASS);

    let explanation = explain(&config, &classes, &[], &workload(EXTENDED_WORKLOAD));

    assert_eq!(explanation.pod_sets[0].total["example.com/gpu"], "3");
    assert!(explanation.pod_sets[0].charges.is_empty());
}

#[test]
fn limits_only_extended_resource_stays_raw() {
    // Kueue decides on DRA processing from requests as written, so a limit alone does not
    // trigger the translation, and the copied request is charged under the raw name.
    let classes = device_classes(EXTENDED_RESOURCE_CLASS);
    let wl = workload(
        "
kind: Workload
metadata: {name: wl, namespace: default}
spec:
  podSets:
  - name: main
    count: 2
    template:
      spec:
        containers:
        - {name: main, resources: {limits: {example.com/gpu: '1'}}}
",
    );

    let explanation = explain(&Configuration::default(), &classes, &[], &wl);

    assert_eq!(explanation.pod_sets[0].total["example.com/gpu"], "2");
    assert!(explanation.pod_sets[0].charges.is_empty());
}

#[test]
fn admitted_workload_reports_usage() {
    let wl = workload(
        "
kind: Workload
metadata: {name: job-job0-6f46e, namespace: gpu-test1}
spec:
  podSets:
  - name: main
    count: 2
    template:
      spec:
        containers: [{name: ctr0}]
        resourceClaims:
        - {name: gpu, resourceClaimTemplateName: single-gpu}
status:
  conditions:
  - {type: QuotaReserved, status: 'True', reason: QuotaReserved, message: '', lastTransitionTime: '2026-01-01T00:00:00Z'}
  admission:
    clusterQueue: gpus-cluster-queue
    podSetAssignments:
    - name: main
      count: 2
      flavors: {cpu: default, whole-gpus: default}
      resourceUsage: {cpu: '2', memory: 400Mi, whole-gpus: '2'}
",
    );

    let explanation = explain(&Configuration::default(), &[], &[], &wl);

    assert_eq!(explanation.status, Status::Admitted);
    let pod_set = &explanation.pod_sets[0];
    assert_eq!(pod_set.total["whole-gpus"], "2");
    assert_eq!(pod_set.per_pod["whole-gpus"], "1");
    assert_eq!(pod_set.per_pod["memory"], "200Mi");
    assert_eq!(pod_set.per_pod["cpu"], "1");
    assert!(pod_set.charges.is_empty());
}

#[test]
fn admission_without_reservation_charges_usage() {
    let wl = workload(
        "
kind: Workload
metadata: {name: wl, namespace: default}
spec:
  podSets:
  - {name: main, count: 1, template: {spec: {containers: [{name: main, resources: {requests: {cpu: '1'}}}]}}}
status:
  admission:
    clusterQueue: cq
    podSetAssignments: [{name: main, resourceUsage: {cpu: '5'}}]
",
    );

    let explanation = explain(&Configuration::default(), &[], &[], &wl);

    // Kueue takes the requests from status.admission whenever it is set.
    assert_eq!(explanation.status, Status::Charged);
    assert_eq!(explanation.pod_sets[0].total["cpu"], "5");
    assert_eq!(explanation.notes.len(), 1);
}

#[test]
fn invalid_quantity_becomes_a_note() {
    let wl = workload(
        "
kind: Workload
metadata: {name: wl, namespace: default}
spec:
  podSets:
  - {name: main, count: 1, template: {spec: {containers: [{name: main, resources: {requests: {cpu: 5Gx, memory: 1Gi}}}]}}}
",
    );

    let explanation = explain(&Configuration::default(), &[], &[], &wl);

    assert_eq!(explanation.status, Status::Charged);
    assert!(!explanation.pod_sets[0].total.contains_key("cpu"));
    assert_eq!(explanation.pod_sets[0].total["memory"], "1Gi");
    assert_eq!(explanation.notes.len(), 1);
    assert!(
        explanation.notes[0].contains("`5Gx`"),
        "note: {}",
        explanation.notes[0]
    );
}

#[test]
fn json_uses_contract_field_names() {
    let config = configuration(GPU_MAPPING);
    let explanation = explain(&config, &[], &templates(RCT_JOB), &workload(RCT_WORKLOAD));

    let json = serde_json::to_value(&explanation).expect("serializable");

    assert_eq!(json["status"], "Charged");
    assert_eq!(json["retried"], false);
    assert_eq!(json["podSets"][0]["perPod"]["example.com/gpu"], "1");
    assert_eq!(
        json["podSets"][0]["charges"][0]["path"],
        "ResourceClaimTemplate"
    );
    assert_eq!(
        json["podSets"][0]["charges"][0]["quotaKey"],
        "example.com/gpu"
    );
    assert_eq!(
        json["podSets"][0]["charges"][0]["deviceClass"],
        "gpu.example.com"
    );
    assert!(json["podSets"][0]["charges"][0].get("containers").is_none());
    assert!(json["podSets"][0]["charges"][0].get("resource").is_none());
}

/// Builds a Workload of one pod set from `init` and `containers`, two YAML flow sequences.
fn extended_workload(init: &str, containers: &str) -> String {
    format!(
        "
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
    )
}

#[test]
fn extended_sum_overflow_is_rejected() {
    let classes = device_classes(EXTENDED_RESOURCE_CLASS);
    let wl = workload(&extended_workload(
        "[]",
        "[{name: a, resources: {requests: {example.com/gpu: '9e18'}}}, {name: b, resources: {requests: {example.com/gpu: '9e18'}}}]",
    ));

    let explanation = explain(&Configuration::default(), &classes, &[], &wl);

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.containers[0].resources.requests.example.com/gpu: Invalid value: \"18e18\": total extended resource quantity overflows int64"
    );
}

#[test]
fn whole_milli_amount_is_not_integer() {
    // apimachinery keeps 1000m with a negative scale, so AsInt64 fails and the value prints
    // as its canonical form.
    let classes = device_classes(EXTENDED_RESOURCE_CLASS);
    let wl = workload(&extended_workload(
        "[]",
        "[{name: a, resources: {requests: {example.com/gpu: 1000m}}}]",
    ));

    let explanation = explain(&Configuration::default(), &classes, &[], &wl);

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.containers[0].resources.requests.example.com/gpu: Invalid value: \"1\": extended resource quantity must be an integer"
    );
}

#[test]
fn extended_init_max_beats_sum() {
    let classes = device_classes(EXTENDED_RESOURCE_CLASS);
    let wl = workload(&extended_workload(
        "[{name: setup, resources: {requests: {example.com/gpu: '3'}}}, {name: sidecar, restartPolicy: Always, resources: {requests: {example.com/gpu: '1'}}}]",
        "[{name: a, resources: {requests: {example.com/gpu: '1'}}}, {name: b, resources: {requests: {example.com/gpu: '1'}}}]",
    ));

    let explanation = explain(&Configuration::default(), &classes, &[], &wl);

    let pod_set = &explanation.pod_sets[0];
    assert_eq!(pod_set.per_pod["example.com/gpu"], "3");
    assert_eq!(
        pod_set.charges[0].containers,
        ["setup", "sidecar", "a", "b"]
    );
}

#[test]
fn extended_sidecar_counts_once() {
    // Kueue's extended-resource charge is max(init containers, sum of containers) = max(1, 1),
    // while PodRequests would add the sidecar to the container.
    let classes = device_classes(EXTENDED_RESOURCE_CLASS);
    let wl = workload(&extended_workload(
        "[{name: sidecar, restartPolicy: Always, resources: {requests: {example.com/gpu: '1'}}}]",
        "[{name: a, resources: {requests: {example.com/gpu: '1'}}}]",
    ));

    let explanation = explain(&Configuration::default(), &classes, &[], &wl);

    assert_eq!(explanation.pod_sets[0].per_pod["example.com/gpu"], "1");
}

#[test]
fn negative_extended_request_is_dropped() {
    let classes = device_classes(EXTENDED_RESOURCE_CLASS);
    let wl = workload(&extended_workload(
        "[]",
        "[{name: a, resources: {requests: {example.com/gpu: '2'}}}, {name: b, resources: {requests: {example.com/gpu: '-1'}}}]",
    ));

    let explanation = explain(&Configuration::default(), &classes, &[], &wl);

    assert_eq!(explanation.pod_sets[0].per_pod["example.com/gpu"], "2");
}

#[test]
fn second_unmapped_class_is_reported() {
    // Kueue v0.19.2 walks a claim's classes by the FNV-1a hash of their names, so the class
    // it reports does not depend on request order.
    let in_order = templates(
        "
kind: ResourceClaimTemplate
metadata: {name: two, namespace: default}
spec:
  spec:
    devices:
      requests:
      - {name: a, exactly: {deviceClassName: a.example.com}}
      - {name: b, exactly: {deviceClassName: b.example.com}}
",
    );
    let reversed = templates(
        "
kind: ResourceClaimTemplate
metadata: {name: two, namespace: default}
spec:
  spec:
    devices:
      requests:
      - {name: b, exactly: {deviceClassName: b.example.com}}
      - {name: a, exactly: {deviceClassName: a.example.com}}
",
    );
    let wl = workload(&claim_workload("two", "default"));

    let first = explain(&configuration(GPU_MAPPING), &[], &in_order, &wl);
    let second = explain(&configuration(GPU_MAPPING), &[], &reversed, &wl);

    assert_eq!(first.message, second.message);
    assert!(first.message.starts_with("spec.podSets[0].template.spec.resourceClaims[0].resourceClaimTemplateName: Not found: \"DeviceClass "));
}
