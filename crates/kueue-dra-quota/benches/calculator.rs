//! Micro-benchmarks of the calculator: the cost of explaining one Workload, for each way a
//! Workload can be charged, against a cluster of the size `cargo xtask gen-snapshot` writes
//! (40 DeviceClasses, 1,000 ResourceClaimTemplates over 50 namespaces).
//!
//! Run with `cargo bench -p kueue-dra-quota --bench calculator`.

use divan::Bencher;
use k8s_openapi::api::resource::v1::{DeviceClass, ResourceClaimTemplate};
use kueue_api::config::Configuration;
use kueue_api::v1beta2::Workload;
use kueue_dra_index::DeviceClassIndex;
use kueue_dra_quota::Calculator;
use serde_json::{Value, json};

const NAMESPACES: usize = 50;
const TEMPLATES_PER_NAMESPACE: usize = 20;
const MAPPED_CLASSES: usize = 32;
const EXTENDED_CLASSES: usize = 8;

fn main() {
    divan::main();
}

/// The objects a calculator reads, built once per benchmark.
struct Cluster {
    configuration: Configuration,
    index: DeviceClassIndex,
    templates: Vec<ResourceClaimTemplate>,
}

impl Cluster {
    fn new() -> Self {
        let mappings: Vec<Value> = (0..8)
            .map(|mapping| {
                let classes: Vec<String> = (0..MAPPED_CLASSES)
                    .filter(|class| class % 8 == mapping)
                    .map(class_name)
                    .collect();
                json!({"name": format!("example.com/gpu-{mapping}"), "deviceClassNames": classes})
            })
            .collect();
        let configuration: Configuration =
            serde_json::from_value(json!({"resources": {"deviceClassMappings": mappings}}))
                .expect("a valid Configuration");

        let classes: Vec<DeviceClass> = (0..MAPPED_CLASSES + EXTENDED_CLASSES)
            .map(|class| {
                let mut spec = json!({"selectors": [{"cel": {"expression": "true"}}]});
                if class >= MAPPED_CLASSES {
                    spec["extendedResourceName"] = json!(format!("example.com/ext-gpu-{class}"));
                }
                serde_json::from_value(
                    json!({"metadata": {"name": class_name(class)}, "spec": spec}),
                )
                .expect("a valid DeviceClass")
            })
            .collect();

        let templates: Vec<ResourceClaimTemplate> = (0..NAMESPACES * TEMPLATES_PER_NAMESPACE)
            .map(|template| {
                let request = json!({
                    "name": "gpu",
                    "exactly": {
                        "deviceClassName": class_name(template % MAPPED_CLASSES),
                        "allocationMode": "ExactCount",
                        "count": 1 + template % 4,
                    },
                });
                serde_json::from_value(json!({
                    "metadata": {
                        "namespace": format!("team-{:02}", template % NAMESPACES),
                        "name": format!("gpus-{:02}", template / NAMESPACES),
                    },
                    "spec": {"spec": {"devices": {"requests": [request]}}},
                }))
                .expect("a valid ResourceClaimTemplate")
            })
            .collect();

        let mappings = configuration
            .resources
            .as_ref()
            .map_or(&[][..], |resources| &resources.device_class_mappings[..]);
        let index = DeviceClassIndex::new(mappings, &classes);
        Self {
            configuration,
            index,
            templates,
        }
    }

    fn calculator(&self) -> Calculator<'_> {
        Calculator::new(&self.configuration, &self.index, &self.templates)
    }
}

fn class_name(class: usize) -> String {
    format!("gpu-{class:02}.example.com")
}

/// Returns a Workload of 3 containers and an init container in namespace `team-49`, whose
/// templates come last in the list the calculator searches.
fn workload(claims: &[&str], extended: Option<&str>, admission: Option<Value>) -> Workload {
    let containers: Vec<Value> = (0..3)
        .map(|container| {
            let mut requests = json!({"cpu": "500m", "memory": "1Gi"});
            let mut resources = json!({});
            if container == 0 {
                let claim_names: Vec<Value> =
                    claims.iter().map(|claim| json!({"name": claim})).collect();
                resources["claims"] = json!(claim_names);
                if let Some(extended) = extended {
                    requests[extended] = json!("1");
                    resources["limits"] = json!({extended: "1"});
                }
            }
            resources["requests"] = requests;
            json!({"name": format!("c{container}"), "resources": resources})
        })
        .collect();
    let resource_claims: Vec<Value> = claims
        .iter()
        .enumerate()
        .map(|(index, claim)| json!({"name": claim, "resourceClaimTemplateName": format!("gpus-{index:02}")}))
        .collect();
    let mut workload = json!({
        "metadata": {"namespace": "team-49", "name": "job-train"},
        "spec": {
            "queueName": "lq-0",
            "podSets": [{
                "name": "main",
                "count": 4,
                "template": {"spec": {
                    "initContainers": [{"name": "init", "resources": {"requests": {"cpu": "100m"}}}],
                    "containers": containers,
                    "resourceClaims": resource_claims,
                }},
            }],
        },
    });
    if let Some(admission) = admission {
        workload["status"] = json!({
            "admission": admission,
            "conditions": [{"type": "QuotaReserved", "status": "True", "reason": "QuotaReserved", "message": "", "lastTransitionTime": "2026-12-04T00:00:00Z"}],
        });
    }
    serde_json::from_value(workload).expect("a valid Workload")
}

/// Explains a pending Workload with two claims from ResourceClaimTemplates.
#[divan::bench]
fn pending_claim_templates(bencher: Bencher<'_, '_>) {
    let cluster = Cluster::new();
    let calculator = cluster.calculator();
    let workload = workload(&["gpus", "scratch"], None, None);
    bencher.bench_local(|| calculator.explain(divan::black_box(&workload)));
}

/// Explains a pending Workload that requests a DeviceClass's extended resource.
#[divan::bench]
fn pending_extended_resource(bencher: Bencher<'_, '_>) {
    let cluster = Cluster::new();
    let calculator = cluster.calculator();
    let workload = workload(&[], Some("example.com/ext-gpu-39"), None);
    bencher.bench_local(|| calculator.explain(divan::black_box(&workload)));
}

/// Explains an admitted Workload, whose charge is the usage recorded in `status.admission`.
#[divan::bench]
fn admitted(bencher: Bencher<'_, '_>) {
    let cluster = Cluster::new();
    let calculator = cluster.calculator();
    let admission = json!({
        "clusterQueue": "cq-000",
        "podSetAssignments": [{
            "name": "main",
            "count": 4,
            "flavors": {"cpu": "gpu-flavor", "memory": "gpu-flavor", "example.com/gpu-0": "gpu-flavor"},
            "resourceUsage": {"cpu": "6400m", "memory": "12Gi", "example.com/gpu-0": "4"},
        }],
    });
    let workload = workload(&["gpus"], None, Some(admission));
    bencher.bench_local(|| calculator.explain(divan::black_box(&workload)));
}
