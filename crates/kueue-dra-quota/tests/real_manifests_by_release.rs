//! The real manifests under `testdata/real-manifests` that use the ResourceClaimTemplate or
//! extended-resource path, explained at v0.19.2 and at each release whose outcome differs.

mod common;

use common::{GPU_MAPPING, configuration, device_classes, documents, templates, workload};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Pod, PodSpec};
use k8s_openapi::api::resource::v1::{DeviceClass, ResourceClaimTemplate};
use kueue_api::config::Configuration;
use kueue_api::v1beta2::Workload;
use kueue_dra_index::DeviceClassIndex;
use kueue_dra_quota::{Calculator, ChargePath, Explanation, Release, Status};

const ADMIN_ACCESS: &str =
    include_str!("../../../testdata/real-manifests/dra-example-driver-admin-access.yaml");
const COUNT_AND_MULTI_REQUEST: &str = include_str!(
    "../../../testdata/real-manifests/dra-example-driver-count-and-multi-request.yaml"
);
const EXTENDED_RESOURCE_REQUEST: &str = include_str!(
    "../../../testdata/real-manifests/dra-example-driver-extended-resource-request.yaml"
);
const SHARED_RESOURCE_CLAIMS: &str =
    include_str!("../../../testdata/real-manifests/dra-example-driver-shared-resourceclaims.yaml");
const EXTENDED_RESOURCE_CLASS: &str =
    include_str!("../../../testdata/real-manifests/k8s-docs-extended-resource-deviceclass.yaml");
const PRIORITIZED_LIST: &str =
    include_str!("../../../testdata/real-manifests/k8s-docs-prioritized-list-rct.yaml");
const ADMITTED_WORKLOAD: &str =
    include_str!("../../../testdata/real-manifests/kueue-kep-admitted-workload-status.yaml");
const SAME_HARDWARE: &str =
    include_str!("../../../testdata/real-manifests/kueue-kep-same-hardware-both-paths.yaml");
const EXTENDED_RESOURCE_JOB: &str =
    include_str!("../../../testdata/real-manifests/kueue-sample-dra-extended-resource-job.yaml");
const RCT_JOB: &str =
    include_str!("../../../testdata/real-manifests/kueue-sample-dra-rct-job.yaml");

/// The objects one explanation reads besides the Workload.
struct Cluster {
    config: Configuration,
    classes: Vec<DeviceClass>,
    templates: Vec<ResourceClaimTemplate>,
}

impl Cluster {
    /// Returns a cluster that maps `gpu.example.com` to `example.com/gpu`, with the
    /// DeviceClasses and ResourceClaimTemplates of `yaml`.
    fn with_gpu_mapping(yaml: &str) -> Self {
        Self {
            config: configuration(GPU_MAPPING),
            classes: device_classes(yaml),
            templates: templates(yaml),
        }
    }

    /// Explains `workload` as `text` does, with `gates` set on top of the Configuration's.
    fn explain(&self, text: &str, gates: &[(&str, bool)], workload: &Workload) -> Explanation {
        let mut config = self.config.clone();
        for (name, value) in gates {
            config.feature_gates.insert((*name).to_owned(), *value);
        }
        let mappings = config
            .resources
            .clone()
            .unwrap_or_default()
            .device_class_mappings;
        let index = DeviceClassIndex::new(&mappings, &self.classes);
        let release = Release::parse(text).expect("a supported release");
        Calculator::try_new(&config, &index, &self.templates, release)
            .expect("valid feature gates")
            .explain(workload)
    }
}

/// Returns the gates that turn on the template path (off by default before v0.18) and the
/// extended-resource path (off by default before v0.19) in `text`.
fn dra_on(text: &str) -> Vec<(&'static str, bool)> {
    match Release::parse(text).expect("a supported release") {
        Release::Tagged { minor: 14..=16, .. } => vec![("DynamicResourceAllocation", true)],
        Release::Tagged { minor: 17, .. } => vec![
            ("DynamicResourceAllocation", true),
            ("DRAExtendedResources", true),
        ],
        Release::Tagged { minor: 18, .. } => vec![("KueueDRAIntegrationExtendedResource", true)],
        _ => vec![],
    }
}

/// Reads the only Configuration document in `yaml`, dropping `apiVersion` and `kind`.
fn configuration_in(yaml: &str) -> Configuration {
    let mut value: serde_json::Value = documents(yaml, "Configuration")
        .pop()
        .expect("one Configuration");
    if let Some(object) = value.as_object_mut() {
        object.remove("apiVersion");
        object.remove("kind");
    }
    serde_json::from_value(value).expect("a Configuration")
}

/// Builds the Workload Kueue creates for `spec` in `namespace`: one pod set `main` of
/// `count` pods.
fn workload_for(spec: &PodSpec, namespace: &str, count: i32) -> Workload {
    let value = serde_json::json!({
        "apiVersion": "kueue.x-k8s.io/v1beta2",
        "kind": "Workload",
        "metadata": {"name": "wl", "namespace": namespace},
        "spec": {"podSets": [{"name": "main", "count": count, "template": {"spec": spec}}]},
    });
    serde_json::from_value(value).expect("a valid Workload")
}

/// Builds the Workload of the Pod named `name` in `yaml`, with the API server's Pod
/// defaulting applied: a container limit without a request sets the request.
fn pod_workload(yaml: &str, name: &str) -> Workload {
    let pods: Vec<Pod> = documents(yaml, "Pod");
    let pod = pods
        .into_iter()
        .find(|pod| pod.metadata.name.as_deref() == Some(name))
        .expect("the Pod is in the manifest");
    let mut spec = pod.spec.expect("a Pod spec");
    for container in &mut spec.containers {
        let Some(resources) = &mut container.resources else {
            continue;
        };
        let limits = resources.limits.clone().unwrap_or_default();
        let requests = resources.requests.get_or_insert_with(Default::default);
        for (resource, quantity) in limits {
            requests.entry(resource).or_insert(quantity);
        }
    }
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    workload_for(&spec, namespace, 1)
}

/// Builds the Workload of the only Job in `yaml`, run with `count` pods.
fn job_workload(yaml: &str, count: i32) -> Workload {
    let job: Job = documents(yaml, "Job").pop().expect("one Job");
    let spec = job
        .spec
        .and_then(|spec| spec.template.spec)
        .expect("a pod template");
    let namespace = job.metadata.namespace.as_deref().unwrap_or("default");
    workload_for(&spec, namespace, count)
}

/// Builds a Workload of one pod that uses template `template` in `namespace`.
fn template_workload(template: &str, namespace: &str) -> Workload {
    workload(&format!(
        "
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata: {{name: wl, namespace: {namespace}}}
spec:
  podSets:
  - name: main
    count: 1
    template:
      spec:
        containers: [{{name: main}}]
        resourceClaims:
        - {{name: devices, resourceClaimTemplateName: {template}}}
"
    ))
}

fn per_pod(explanation: &Explanation, resource: &str) -> Option<String> {
    explanation.pod_sets[0].per_pod.get(resource).cloned()
}

fn charge_paths(explanation: &Explanation) -> Vec<ChargePath> {
    explanation.pod_sets[0]
        .charges
        .iter()
        .map(|charge| charge.path)
        .collect()
}

#[test]
fn admin_access_fixture_by_release() {
    let cluster = Cluster::with_gpu_mapping(ADMIN_ACCESS);
    let wl = pod_workload(ADMIN_ACCESS, "pod0");

    // v0.14 checks nothing: the request counts as any other, and `All` counts no devices.
    for text in ["v0.14.0", "v0.14.8"] {
        let explanation = cluster.explain(text, &dra_on(text), &wl);

        assert_eq!(explanation.status, Status::Charged, "{text}");
        assert_eq!(
            per_pod(&explanation, "example.com/gpu").as_deref(),
            Some("0"),
            "{text}"
        );
    }

    // v0.15.0 to v0.19.2 check adminAccess before allocationMode.
    for text in ["v0.15.0", "v0.17.8", "v0.18.6", "v0.19.2"] {
        let explanation = cluster.explain(text, &dra_on(text), &wl);

        assert_eq!(
            explanation.message,
            "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0].exactly.adminAccess: Invalid value: null: ResourceClaimTemplate multiple-gpus-admin: AdminAccess is not supported",
            "{text}"
        );
    }

    // main skips the request, so it charges nothing.
    let main = cluster.explain("main", &[], &wl);
    assert_eq!(main.status, Status::Charged);
    assert_eq!(per_pod(&main, "example.com/gpu"), None);
}

#[test]
fn prioritized_list_fixture_by_release() {
    let mut cluster = Cluster::with_gpu_mapping(PRIORITIZED_LIST);
    cluster.config = configuration(
        "
resources:
  deviceClassMappings:
  - name: example.com/resource
    deviceClassNames: [resource.example.com]
",
    );
    let wl = template_workload("prioritized-list-claim-template", "default");

    // v0.14 reads only `exactly`, so the request names no class and is skipped.
    let v0_14 = cluster.explain("v0.14.0", &dra_on("v0.14.0"), &wl);
    assert_eq!(v0_14.status, Status::Charged);
    assert_eq!(per_pod(&v0_14, "example.com/resource"), None);

    for text in ["v0.15.0", "v0.18.6", "v0.19.2", "main"] {
        let explanation = cluster.explain(text, &dra_on(text), &wl);

        assert_eq!(
            explanation.message,
            "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0]: Invalid value: null: ResourceClaimTemplate prioritized-list-claim-template: FirstAvailable device selection is not supported",
            "{text}"
        );
    }
}

#[test]
fn rct_job_fixture_by_release() {
    let cluster = Cluster::with_gpu_mapping(RCT_JOB);
    let wl = job_workload(RCT_JOB, 1);

    for text in ["v0.14.0", "v0.17.8", "v0.18.0", "v0.19.2", "main"] {
        let explanation = cluster.explain(text, &dra_on(text), &wl);

        assert_eq!(
            explanation.pod_sets[0]
                .total
                .get("example.com/gpu")
                .map(String::as_str),
            Some("1"),
            "{text}"
        );
    }

    // Before v0.18 DRA is off by default and the claim is not charged.
    let v0_17 = cluster.explain("v0.17.8", &[], &wl);
    assert_eq!(v0_17.status, Status::Charged);
    assert_eq!(per_pod(&v0_17, "example.com/gpu"), None);
}

#[test]
fn count_and_multi_request_fixture() {
    let cluster = Cluster::with_gpu_mapping(COUNT_AND_MULTI_REQUEST);
    let cases = [
        ("gpu-partitions", "partitionable-devices"),
        ("multiple-gpus", "basic-multiple-requests"),
    ];

    for (template, namespace) in cases {
        let wl = template_workload(template, namespace);
        for text in ["v0.14.0", "v0.17.8", "v0.19.2", "main"] {
            let explanation = cluster.explain(text, &dra_on(text), &wl);

            assert_eq!(
                per_pod(&explanation, "example.com/gpu").as_deref(),
                Some("2"),
                "{template}: {text}"
            );
        }
    }
}

#[test]
fn shared_resource_claims_fixture_by_release() {
    let cluster = Cluster::with_gpu_mapping(SHARED_RESOURCE_CLAIMS);
    let wl = pod_workload(SHARED_RESOURCE_CLAIMS, "pod0");
    let cases = [
        ("v0.14.0", "DynamicResourceAllocation"),
        ("v0.17.8", "DynamicResourceAllocation"),
        ("v0.18.0", "KueueDRAIntegration"),
        ("v0.19.2", "KueueDRAIntegration"),
        ("main", "KueueDRAIntegration"),
    ];

    for (text, gate) in cases {
        let explanation = cluster.explain(text, &dra_on(text), &wl);

        assert_eq!(
            explanation.message,
            format!("{gate} feature does not support use of resource claims"),
            "{text}"
        );
    }
}

#[test]
fn extended_resource_job_fixture_by_release() {
    let cluster = Cluster::with_gpu_mapping(EXTENDED_RESOURCE_CLASS);
    let wl = job_workload(EXTENDED_RESOURCE_JOB, 1);

    // Charged once, through the DeviceClass, where the extended-resource path is on.
    for text in ["v0.17.0", "v0.18.6", "v0.19.2", "main"] {
        let explanation = cluster.explain(text, &dra_on(text), &wl);

        assert_eq!(
            per_pod(&explanation, "example.com/gpu").as_deref(),
            Some("1"),
            "{text}"
        );
        assert_eq!(
            charge_paths(&explanation),
            [ChargePath::ExtendedResource],
            "{text}"
        );
    }

    // Without the path (before v0.17, or v0.18 with its defaults) it is an ordinary
    // extended resource of the same name.
    for (text, gates) in [("v0.16.9", dra_on("v0.16.9")), ("v0.18.6", vec![])] {
        let explanation = cluster.explain(text, &gates, &wl);

        assert_eq!(
            per_pod(&explanation, "example.com/gpu").as_deref(),
            Some("1"),
            "{text}"
        );
        assert!(charge_paths(&explanation).is_empty(), "{text}");
    }
}

#[test]
fn same_hardware_fixture_by_release() {
    let cluster = Cluster {
        config: configuration_in(SAME_HARDWARE),
        classes: device_classes(SAME_HARDWARE),
        templates: Vec::new(),
    };
    let wl = job_workload(EXTENDED_RESOURCE_JOB, 1);

    // The mapped class turns the extended resource into the mapping's name.
    for text in ["v0.17.0", "v0.18.6", "v0.19.2", "main"] {
        let explanation = cluster.explain(text, &dra_on(text), &wl);

        assert_eq!(
            per_pod(&explanation, "gpu-claims").as_deref(),
            Some("1"),
            "{text}"
        );
        assert_eq!(per_pod(&explanation, "example.com/gpu"), None, "{text}");
    }

    // v0.18 leaves the extended-resource path off by default.
    let v0_18 = cluster.explain("v0.18.6", &[], &wl);
    assert_eq!(per_pod(&v0_18, "gpu-claims"), None);
    assert_eq!(per_pod(&v0_18, "example.com/gpu").as_deref(), Some("1"));
}

#[test]
fn extended_resource_request_fixture_by_release() {
    let cluster = Cluster::with_gpu_mapping(EXTENDED_RESOURCE_CLASS);
    let implicit = pod_workload(EXTENDED_RESOURCE_REQUEST, "pod0");
    let explicit = pod_workload(EXTENDED_RESOURCE_REQUEST, "pod1");

    for text in ["v0.17.0", "v0.18.6", "v0.19.2", "main"] {
        // No DeviceClass declares the implicit name, so it is charged under that name.
        let pod0 = cluster.explain(text, &dra_on(text), &implicit);
        assert_eq!(
            per_pod(&pod0, "deviceclass.resource.kubernetes.io/gpu.example.com").as_deref(),
            Some("1"),
            "{text}"
        );
        assert!(charge_paths(&pod0).is_empty(), "{text}");

        let pod1 = cluster.explain(text, &dra_on(text), &explicit);
        assert_eq!(
            charge_paths(&pod1),
            [ChargePath::ExtendedResource],
            "{text}"
        );
        assert_eq!(
            per_pod(&pod1, "example.com/gpu").as_deref(),
            Some("1"),
            "{text}"
        );
    }
}

/// The KEP's cluster for its admitted Workload: `single-gpu` in `gpu-test1`, with
/// `gpu.example.com` mapped to `whole-gpus`.
fn kep_cluster() -> Cluster {
    let yaml = "
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata: {name: single-gpu, namespace: gpu-test1}
spec:
  spec:
    devices:
      requests:
      - name: gpu
        exactly: {deviceClassName: gpu.example.com}
";
    Cluster {
        config: configuration(
            "
resources:
  deviceClassMappings:
  - name: whole-gpus
    deviceClassNames: [gpu.example.com]
",
        ),
        classes: Vec::new(),
        templates: templates(yaml),
    }
}

#[test]
fn admitted_workload_fixture_by_release() {
    // The Workload has status.admission but no conditions, so Kueue takes it as pending. Its
    // claims pass DRA processing, and every release then charges the admitted usage.
    let cluster = kep_cluster();
    let wl = workload(ADMITTED_WORKLOAD);

    for text in ["v0.14.0", "v0.17.8", "v0.18.4", "v0.19.2", "main"] {
        let explanation = cluster.explain(text, &dra_on(text), &wl);

        assert_eq!(explanation.status, Status::Charged, "{text}");
        assert_eq!(
            explanation.pod_sets[0]
                .total
                .get("whole-gpus")
                .map(String::as_str),
            Some("1"),
            "{text}"
        );
    }
}

#[test]
fn admitted_workload_fixture_without_template() {
    // Without its template, DRA processing rejects the pending Workload, which clears
    // status.admission. Before v0.18 DRA is off by default, so the admitted usage stays.
    let mut cluster = kep_cluster();
    cluster.templates.clear();
    let wl = workload(ADMITTED_WORKLOAD);

    let v0_19 = cluster.explain("v0.19.2", &[], &wl);
    assert_eq!(
        v0_19.message,
        "spec.podSets[0].template.spec.resourceClaims[0]: Internal error: failed to get claim spec for ResourceClaimTemplate single-gpu in podset main: resourceclaimtemplates.resource.k8s.io \"single-gpu\" not found"
    );
    assert!(v0_19.retried);

    let v0_17 = cluster.explain("v0.17.8", &[], &wl);
    assert_eq!(v0_17.status, Status::Charged);
    assert_eq!(
        v0_17.pod_sets[0]
            .total
            .get("whole-gpus")
            .map(String::as_str),
        Some("1")
    );
}
