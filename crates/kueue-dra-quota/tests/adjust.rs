//! How LimitRange defaults and RuntimeClass overhead change what Kueue v0.19.2 charges, and
//! the scheduler's verdict on requests outside their limits or a LimitRange's bounds.

mod common;

use common::{
    Cluster, configuration, device_classes, explain_in, limit_ranges, runtime_classes, templates,
    workload,
};
use kueue_api::config::Configuration;
use kueue_dra_quota::Status;

const EXTENDED_RESOURCE_CLASS: &str =
    include_str!("../../../testdata/real-manifests/k8s-docs-extended-resource-deviceclass.yaml");
const RCT_JOB: &str =
    include_str!("../../../testdata/real-manifests/kueue-sample-dra-rct-job.yaml");

/// A Configuration that maps `gpu.example.com` to a name other than the class's extended
/// resource, so that a translated request is distinguished from a raw one.
const GPU_CLAIMS_MAPPING: &str = "
resources:
  deviceClassMappings:
  - name: gpu-claims
    deviceClassNames: [gpu.example.com]
";

/// Builds a Workload in namespace `team-a` with one pod set of `count` pods whose spec is
/// the YAML in `spec`, indented to sit under `spec:`.
fn job_workload(count: i32, spec: &str) -> String {
    format!(
        "
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata: {{name: job-sample, namespace: team-a}}
spec:
  podSets:
  - name: main
    count: {count}
    template:
      spec:
{spec}
"
    )
}

/// Builds a LimitRange in `namespace` with one item, written as YAML flow mappings.
fn limit_range(namespace: &str, item: &str) -> String {
    format!(
        "
apiVersion: v1
kind: LimitRange
metadata: {{name: limits, namespace: {namespace}}}
spec:
  limits:
  - {item}
"
    )
}

/// A RuntimeClass `kata` with a fixed pod overhead of 250m cpu and 120Mi memory.
const KATA: &str = "
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: kata}
handler: kata
overhead:
  podFixed: {cpu: 250m, memory: 120Mi}
";

fn with_limit_range(yaml: &str) -> Cluster {
    Cluster {
        limit_ranges: limit_ranges(yaml),
        ..Cluster::default()
    }
}

fn with_runtime_classes(yaml: &str) -> Cluster {
    Cluster {
        runtime_classes: Some(runtime_classes(yaml)),
        ..Cluster::default()
    }
}

#[test]
fn default_request_is_charged() {
    let cluster = with_limit_range(&limit_range(
        "team-a",
        "{type: Container, defaultRequest: {cpu: 500m, memory: 256Mi}}",
    ));
    let wl = workload(&job_workload(3, "        containers: [{name: main}]"));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    assert_eq!(explanation.status, Status::Charged);
    let pod_set = &explanation.pod_sets[0];
    assert_eq!(pod_set.per_pod["cpu"], "500m");
    assert_eq!(pod_set.per_pod["memory"], "256Mi");
    assert_eq!(pod_set.total["cpu"], "1500m");
    assert_eq!(pod_set.total["memory"], "768Mi");
    assert!(
        explanation.notes.is_empty(),
        "notes: {:?}",
        explanation.notes
    );
}

#[test]
fn default_limit_becomes_request() {
    let cluster = with_limit_range(&limit_range(
        "team-a",
        "{type: Container, default: {cpu: '1', memory: 512Mi}}",
    ));
    let wl = workload(&job_workload(2, "        containers: [{name: main}]"));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    let pod_set = &explanation.pod_sets[0];
    assert_eq!(pod_set.per_pod["cpu"], "1");
    assert_eq!(pod_set.per_pod["memory"], "512Mi");
    assert_eq!(pod_set.total["cpu"], "2");
    assert_eq!(pod_set.total["memory"], "1Gi");
}

#[test]
fn defaulted_request_beats_own_limit() {
    // The API server copies a `Container` `default` into a missing `defaultRequest`, so a
    // container with only a limit gets the LimitRange's request, not its own limit.
    let cluster = with_limit_range(&limit_range(
        "team-a",
        "{type: Container, default: {cpu: '1'}}",
    ));
    let wl = workload(&job_workload(
        1,
        "        containers: [{name: main, resources: {limits: {cpu: '2'}}}]",
    ));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    assert_eq!(explanation.status, Status::Charged);
    assert_eq!(explanation.pod_sets[0].per_pod["cpu"], "1");
}

#[test]
fn other_namespace_is_ignored() {
    let cluster = with_limit_range(&limit_range(
        "team-b",
        "{type: Container, defaultRequest: {cpu: 500m, memory: 256Mi}}",
    ));
    let wl = workload(&job_workload(3, "        containers: [{name: main}]"));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    let per_pod = &explanation.pod_sets[0].per_pod;
    assert!(!per_pod.contains_key("cpu"), "per pod: {per_pod:?}");
    assert!(!per_pod.contains_key("memory"), "per pod: {per_pod:?}");
}

#[test]
fn first_default_wins() {
    let yaml = format!(
        "{}---{}",
        limit_range("team-a", "{type: Container, defaultRequest: {cpu: 500m}}"),
        limit_range("team-a", "{type: Container, defaultRequest: {cpu: '3'}}"),
    );
    let cluster = with_limit_range(&yaml);
    let wl = workload(&job_workload(1, "        containers: [{name: main}]"));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    assert_eq!(explanation.pod_sets[0].per_pod["cpu"], "500m");
}

#[test]
fn lowest_max_wins() {
    let yaml = format!(
        "{}---{}",
        limit_range("team-a", "{type: Container, max: {cpu: '4'}}"),
        limit_range("team-a", "{type: Container, max: {cpu: '2'}}"),
    );
    let cluster = with_limit_range(&yaml);
    let wl = workload(&job_workload(
        1,
        "        containers: [{name: main, resources: {requests: {cpu: 500m}, limits: {cpu: '3'}}}]",
    ));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    assert_eq!(
        explanation.message,
        "resources didn't satisfy LimitRange constraints: spec.podSets[0].template.spec.containers[0]: Invalid value: [\"cpu\"]: requests must not be above the limitRange max"
    );
}

#[test]
fn init_containers_get_defaults() {
    // Without the default, the init container would request no cpu and the pod 100m.
    let cluster = with_limit_range(&limit_range(
        "team-a",
        "{type: Container, defaultRequest: {cpu: '2'}}",
    ));
    let wl = workload(&job_workload(
        1,
        "        initContainers: [{name: setup, resources: {requests: {memory: 64Mi}}}]
        containers: [{name: main, resources: {requests: {cpu: 100m}}}]",
    ));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    assert_eq!(explanation.pod_sets[0].per_pod["cpu"], "2");
}

#[test]
fn runtime_class_overhead_is_charged() {
    let cluster = with_runtime_classes(KATA);
    let wl = workload(&job_workload(
        2,
        "        runtimeClassName: kata
        containers: [{name: main, resources: {requests: {cpu: '1', memory: 1Gi}}}]",
    ));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    let pod_set = &explanation.pod_sets[0];
    assert_eq!(pod_set.per_pod["cpu"], "1250m");
    assert_eq!(pod_set.per_pod["memory"], "1144Mi");
    assert_eq!(pod_set.total["cpu"], "2500m");
    assert_eq!(pod_set.total["memory"], "2288Mi");
    assert!(
        explanation.notes.is_empty(),
        "notes: {:?}",
        explanation.notes
    );
}

#[test]
fn explicit_overhead_is_kept() {
    let cluster = with_runtime_classes(KATA);
    let wl = workload(&job_workload(
        1,
        "        runtimeClassName: kata
        overhead: {cpu: 100m}
        containers: [{name: main, resources: {requests: {cpu: '1', memory: 1Gi}}}]",
    ));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    let per_pod = &explanation.pod_sets[0].per_pod;
    assert_eq!(per_pod["cpu"], "1100m");
    assert_eq!(per_pod["memory"], "1Gi");
}

#[test]
fn missing_runtime_class_adds_no_overhead() {
    let cluster = with_runtime_classes("");
    let wl = workload(&job_workload(
        1,
        "        runtimeClassName: kata
        containers: [{name: main, resources: {requests: {cpu: '1'}}}]",
    ));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    assert_eq!(explanation.pod_sets[0].per_pod["cpu"], "1");
    assert_eq!(
        explanation.notes,
        [
            "RuntimeClass `kata` of pod set `main` was not found, so Kueue charges no pod overhead for it."
        ]
    );
}

#[test]
fn runtime_classes_not_given_add_a_note() {
    let wl = workload(&job_workload(
        1,
        "        runtimeClassName: kata
        containers: [{name: main, resources: {requests: {cpu: '1'}}}]",
    ));

    let explanation = explain_in(&Configuration::default(), &Cluster::default(), &wl);

    assert_eq!(explanation.pod_sets[0].per_pod["cpu"], "1");
    assert_eq!(
        explanation.notes,
        [
            "Pod set `main` uses RuntimeClass `kata`, but no RuntimeClasses were given, so its pod overhead is not charged."
        ]
    );
}

#[test]
fn overhead_adds_to_defaults() {
    let cluster = Cluster {
        limit_ranges: limit_ranges(&limit_range(
            "team-a",
            "{type: Container, defaultRequest: {cpu: 500m}}",
        )),
        runtime_classes: Some(runtime_classes(KATA)),
        ..Cluster::default()
    };
    let wl = workload(&job_workload(
        1,
        "        runtimeClassName: kata
        containers: [{name: main}]",
    ));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    assert_eq!(explanation.pod_sets[0].per_pod["cpu"], "750m");
}

#[test]
fn default_extended_resource_stays_raw() {
    // Kueue decides on DRA processing from the requests as written. A request that only a
    // LimitRange supplies does not trigger it, so the device is charged under its raw name.
    let cluster = Cluster {
        classes: device_classes(EXTENDED_RESOURCE_CLASS),
        limit_ranges: limit_ranges(&limit_range(
            "team-a",
            "{type: Container, default: {example.com/gpu: '1'}}",
        )),
        ..Cluster::default()
    };
    let wl = workload(&job_workload(2, "        containers: [{name: main}]"));

    let explanation = explain_in(&configuration(GPU_CLAIMS_MAPPING), &cluster, &wl);

    let pod_set = &explanation.pod_sets[0];
    assert_eq!(pod_set.per_pod["example.com/gpu"], "1");
    assert_eq!(pod_set.total["example.com/gpu"], "2");
    assert!(!pod_set.per_pod.contains_key("gpu-claims"));
    assert!(pod_set.charges.is_empty());
}

#[test]
fn default_extended_resource_translated_with_claim() {
    // A claim makes Kueue run DRA processing, which reads the requests after the LimitRange
    // defaults, so the defaulted request is charged as a device of `gpu-claims`.
    let rct_templates: Vec<_> = templates(RCT_JOB)
        .into_iter()
        .map(|mut template| {
            template.metadata.namespace = Some("team-a".to_owned());
            template
        })
        .collect();
    let cluster = Cluster {
        classes: device_classes(EXTENDED_RESOURCE_CLASS),
        templates: rct_templates,
        limit_ranges: limit_ranges(&limit_range(
            "team-a",
            "{type: Container, default: {example.com/gpu: '1'}}",
        )),
        ..Cluster::default()
    };
    let wl = workload(&job_workload(
        2,
        "        containers: [{name: main}]
        resourceClaims: [{name: gpu, resourceClaimTemplateName: single-gpu}]",
    ));

    let explanation = explain_in(&configuration(GPU_CLAIMS_MAPPING), &cluster, &wl);

    let pod_set = &explanation.pod_sets[0];
    assert_eq!(explanation.status, Status::Charged);
    assert_eq!(pod_set.per_pod["gpu-claims"], "2");
    assert!(!pod_set.per_pod.contains_key("example.com/gpu"));
    assert_eq!(pod_set.charges.len(), 2);
}

#[test]
fn request_above_default_limit_is_rejected() {
    let cluster = with_limit_range(&limit_range(
        "team-a",
        "{type: Container, default: {cpu: '1'}}",
    ));
    let wl = workload(&job_workload(
        1,
        "        containers: [{name: main, resources: {requests: {cpu: '2'}}}]",
    ));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    assert_eq!(explanation.status, Status::Inadmissible);
    assert_eq!(explanation.reason, "Pending");
    assert_eq!(
        explanation.message,
        "resources validation failed: spec.podSets[0].template.spec.containers[0]: Invalid value: [\"cpu\"]: requests must not exceed its limits"
    );
    assert!(!explanation.retried);
}

#[test]
fn rejected_workload_keeps_requests() {
    // Kueue's scheduler writes the computed requests to status.resourceRequests when it
    // rejects a Workload.
    let cluster = with_limit_range(&limit_range(
        "team-a",
        "{type: Container, default: {cpu: '1'}}",
    ));
    let wl = workload(&job_workload(
        3,
        "        containers: [{name: main, resources: {requests: {cpu: '2'}}}]",
    ));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    assert_eq!(explanation.pod_sets[0].per_pod["cpu"], "2");
    assert_eq!(explanation.pod_sets[0].total["cpu"], "6");
}

#[test]
fn request_above_own_limit_is_rejected() {
    let wl = workload(&job_workload(
        1,
        "        containers: [{name: main, resources: {requests: {cpu: '3'}, limits: {cpu: '2'}}}]",
    ));

    let explanation = explain_in(&Configuration::default(), &Cluster::default(), &wl);

    assert_eq!(
        explanation.message,
        "resources validation failed: spec.podSets[0].template.spec.containers[0]: Invalid value: [\"cpu\"]: requests must not exceed its limits"
    );
}

#[test]
fn container_above_max_is_rejected() {
    let cluster = with_limit_range(&limit_range("team-a", "{type: Container, max: {cpu: '1'}}"));
    let wl = workload(&job_workload(
        1,
        "        containers: [{name: main, resources: {requests: {cpu: '2'}, limits: {cpu: '3'}}}]",
    ));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    assert_eq!(explanation.status, Status::Inadmissible);
    assert_eq!(
        explanation.message,
        "resources didn't satisfy LimitRange constraints: spec.podSets[0].template.spec.containers[0]: Invalid value: [\"cpu\"]: requests must not be above the limitRange max"
    );
}

#[test]
fn container_below_min_is_rejected() {
    let cluster = with_limit_range(&limit_range("team-a", "{type: Container, min: {cpu: '3'}}"));
    let wl = workload(&job_workload(
        1,
        "        containers: [{name: main, resources: {requests: {cpu: '2'}, limits: {cpu: '3'}}}]",
    ));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    assert_eq!(
        explanation.message,
        "resources didn't satisfy LimitRange constraints: spec.podSets[0].template.spec.containers[0]: Invalid value: [\"cpu\"]: requests must not be below the limitRange min"
    );
}

#[test]
fn pod_above_max_is_rejected() {
    let cluster = with_limit_range(&limit_range("team-a", "{type: Pod, max: {cpu: '1'}}"));
    let wl = workload(&job_workload(
        1,
        "        containers: [{name: main, resources: {requests: {cpu: '2'}, limits: {cpu: '3'}}}]",
    ));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    assert_eq!(
        explanation.message,
        "resources didn't satisfy LimitRange constraints: spec.podSets[0].template.spec: Invalid value: [\"cpu\"]: requests must not be above the limitRange max"
    );
}

#[test]
fn requests_within_bounds_are_charged() {
    let cluster = with_limit_range(&limit_range(
        "team-a",
        "{type: Container, min: {cpu: '1'}, max: {cpu: '4'}}",
    ));
    let wl = workload(&job_workload(
        1,
        "        containers: [{name: main, resources: {requests: {cpu: '2'}, limits: {cpu: '3'}}}]",
    ));

    let explanation = explain_in(&Configuration::default(), &cluster, &wl);

    assert_eq!(explanation.status, Status::Charged);
}

#[test]
fn observability_gate_reports_misconfigured() {
    let config = configuration("featureGates: {UnadmittedWorkloadsObservability: true}");
    let wl = workload(&job_workload(
        1,
        "        containers: [{name: main, resources: {requests: {cpu: '3'}, limits: {cpu: '2'}}}]",
    ));

    let explanation = explain_in(&config, &Cluster::default(), &wl);

    assert_eq!(explanation.reason, "Misconfigured");
}

#[test]
fn dra_rejection_comes_first() {
    let wl = workload(&job_workload(
        1,
        "        containers: [{name: main, resources: {requests: {cpu: '3'}, limits: {cpu: '2'}}}]
        resourceClaims: [{name: gpu, resourceClaimName: shared-gpu}]",
    ));

    let explanation = explain_in(&Configuration::default(), &Cluster::default(), &wl);

    assert_eq!(
        explanation.message,
        "KueueDRAIntegration feature does not support use of resource claims"
    );
}

#[test]
fn on_hold_workload_is_not_rejected() {
    // A Workload on hold is never queued, so the scheduler never checks it.
    let mut wl = workload(&job_workload(
        1,
        "        containers: [{name: main, resources: {requests: {cpu: '3'}, limits: {cpu: '2'}}}]",
    ));
    wl.status = Some(
        serde_json::from_value(serde_json::json!({
            "conditions": [{
                "type": "QuotaReserved",
                "status": "False",
                "reason": "OnHold",
                "message": "held",
                "lastTransitionTime": "2026-01-01T00:00:00Z"
            }]
        }))
        .expect("a Workload status"),
    );

    let explanation = explain_in(&Configuration::default(), &Cluster::default(), &wl);

    assert_eq!(explanation.status, Status::Charged);
}

#[test]
fn inactive_workload_is_not_rejected() {
    let mut wl = workload(&job_workload(
        1,
        "        containers: [{name: main, resources: {requests: {cpu: '3'}, limits: {cpu: '2'}}}]",
    ));
    wl.spec.active = Some(false);

    let explanation = explain_in(&Configuration::default(), &Cluster::default(), &wl);

    assert_eq!(explanation.status, Status::Charged);
}

#[test]
fn admission_gated_workload_is_not_rejected() {
    let mut wl = workload(&job_workload(
        1,
        "        containers: [{name: main, resources: {requests: {cpu: '3'}, limits: {cpu: '2'}}}]",
    ));
    wl.metadata.annotations = Some(
        [(
            "kueue.x-k8s.io/admission-gated-by".to_owned(),
            "example.com/controller".to_owned(),
        )]
        .into(),
    );

    let explanation = explain_in(&Configuration::default(), &Cluster::default(), &wl);

    assert_eq!(explanation.status, Status::Charged);
}
