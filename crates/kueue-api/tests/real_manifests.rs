//! Parses every Kueue object in `testdata/real-manifests/*.yaml` into the typed structs.
//!
//! The files are copies of real-world manifests. Each YAML document is dispatched on its
//! `apiVersion` and `kind`. Documents of other APIs, such as Jobs and DRA objects, are
//! skipped, and the Configuration embedded in the `kueue-manager-config` ConfigMap is read.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kueue_api::{config, v1beta1, v1beta2};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The name of the ConfigMap that contains Kueue's Configuration in an installation.
const MANAGER_CONFIG_MAP: &str = "kueue-manager-config";

/// The key of that ConfigMap whose value is the Configuration document.
const MANAGER_CONFIG_KEY: &str = "controller_manager_config.yaml";

/// A Kueue object read from a manifest, converted to v1beta2.
#[derive(Debug)]
enum KueueObject {
    Configuration(Box<config::v1beta2::Configuration>),
    ClusterQueue(Box<v1beta2::ClusterQueue>),
    LocalQueue(Box<v1beta2::LocalQueue>),
    ResourceFlavor(Box<v1beta2::ResourceFlavor>),
    Workload(Box<v1beta2::Workload>),
    Cohort(Box<v1beta2::Cohort>),
}

impl KueueObject {
    /// Returns the kind, with the object's name when it has one, such as
    /// `ClusterQueue/cluster-queue`.
    fn describe(&self) -> String {
        let (kind, name) = match self {
            KueueObject::Configuration(_) => ("Configuration", None),
            KueueObject::ClusterQueue(object) => ("ClusterQueue", object.metadata.name.as_deref()),
            KueueObject::LocalQueue(object) => ("LocalQueue", object.metadata.name.as_deref()),
            KueueObject::ResourceFlavor(object) => {
                ("ResourceFlavor", object.metadata.name.as_deref())
            }
            KueueObject::Workload(object) => ("Workload", object.metadata.name.as_deref()),
            KueueObject::Cohort(object) => ("Cohort", object.metadata.name.as_deref()),
        };
        match name {
            Some(name) => format!("{kind}/{name}"),
            None => kind.to_owned(),
        }
    }
}

/// The Kueue objects in each manifest file, in file order, ConfigMap-embedded
/// Configurations included.
const EXPECTED_OBJECTS: &[(&str, &[&str])] = &[
    ("dra-example-driver-admin-access.yaml", &[]),
    ("dra-example-driver-count-and-multi-request.yaml", &[]),
    ("dra-example-driver-deviceclass.yaml", &[]),
    ("dra-example-driver-extended-resource-request.yaml", &[]),
    ("dra-example-driver-shared-resourceclaims.yaml", &[]),
    ("k8s-docs-consumable-capacity.yaml", &[]),
    ("k8s-docs-extended-resource-deviceclass.yaml", &[]),
    ("k8s-docs-partitionable-resourceslices.yaml", &[]),
    ("k8s-docs-prioritized-list-rct.yaml", &[]),
    ("kueue-capacity-config-and-job.yaml", &["Configuration"]),
    ("kueue-config-device-count-mapping.yaml", &["Configuration"]),
    (
        "kueue-counter-config-and-queues.yaml",
        &[
            "Configuration",
            "ResourceFlavor/default-flavor",
            "ClusterQueue/cluster-queue",
        ],
    ),
    (
        "kueue-kep-admitted-workload-status.yaml",
        &["Workload/job-job0-6f46e"],
    ),
    (
        "kueue-kep-invalid-duplicate-mapping.yaml",
        &["Configuration"],
    ),
    (
        "kueue-kep-same-hardware-both-paths.yaml",
        &["Configuration", "ClusterQueue/gpu-queue"],
    ),
    ("kueue-multikueue-rct-drift.yaml", &[]),
    ("kueue-sample-dra-extended-resource-job.yaml", &[]),
    (
        "kueue-sample-dra-queues.yaml",
        &[
            "ResourceFlavor/default-flavor",
            "ClusterQueue/cluster-queue",
            "LocalQueue/user-queue",
        ],
    ),
    ("kueue-sample-dra-rct-job.yaml", &[]),
];

fn manifest_directory() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/real-manifests")
}

fn manifest_file_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(manifest_directory())
        .expect("testdata/real-manifests is readable")
        .map(|entry| {
            entry
                .expect("a directory entry is readable")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| Path::new(name).extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    names.sort();
    names
}

/// Parses every Kueue object of one manifest file, panicking with the file and document
/// number on the first one that does not parse.
fn parse_file(file_name: &str) -> Vec<KueueObject> {
    let path = manifest_directory().join(file_name);
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let documents: Vec<Value> = serde_saphyr::from_str_multiple::<Value, Vec<Value>>(&text)
        .unwrap_or_else(|error| panic!("{file_name} is not valid YAML: {error}"));

    documents
        .into_iter()
        .enumerate()
        .filter_map(|(index, document)| {
            let location = format!("{file_name}, document {}", index + 1);
            parse_document(document, &location)
        })
        .collect()
}

/// Returns the Kueue object in `document`, or `None` when it belongs to another API.
fn parse_document(document: Value, location: &str) -> Option<KueueObject> {
    let api_version = document["apiVersion"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let kind = document["kind"].as_str().unwrap_or_default().to_owned();

    let object = match (api_version.as_str(), kind.as_str()) {
        ("kueue.x-k8s.io/v1beta2", "ClusterQueue") => KueueObject::ClusterQueue(Box::new(
            decode::<v1beta2::ClusterQueue>(document, location),
        )),
        ("kueue.x-k8s.io/v1beta1", "ClusterQueue") => KueueObject::ClusterQueue(Box::new(
            decode::<v1beta1::ClusterQueue>(document, location).into(),
        )),
        ("kueue.x-k8s.io/v1beta2", "LocalQueue") => {
            KueueObject::LocalQueue(Box::new(decode::<v1beta2::LocalQueue>(document, location)))
        }
        ("kueue.x-k8s.io/v1beta1", "LocalQueue") => KueueObject::LocalQueue(Box::new(
            decode::<v1beta1::LocalQueue>(document, location).into(),
        )),
        ("kueue.x-k8s.io/v1beta2", "ResourceFlavor") => KueueObject::ResourceFlavor(Box::new(
            decode::<v1beta2::ResourceFlavor>(document, location),
        )),
        ("kueue.x-k8s.io/v1beta1", "ResourceFlavor") => KueueObject::ResourceFlavor(Box::new(
            decode::<v1beta1::ResourceFlavor>(document, location).into(),
        )),
        ("kueue.x-k8s.io/v1beta2", "Workload") => {
            KueueObject::Workload(Box::new(decode::<v1beta2::Workload>(document, location)))
        }
        ("kueue.x-k8s.io/v1beta1", "Workload") => KueueObject::Workload(Box::new(
            decode::<v1beta1::Workload>(document, location).into(),
        )),
        ("kueue.x-k8s.io/v1beta2", "Cohort") => {
            KueueObject::Cohort(Box::new(decode::<v1beta2::Cohort>(document, location)))
        }
        ("kueue.x-k8s.io/v1beta1", "Cohort") => KueueObject::Cohort(Box::new(
            decode::<v1beta1::Cohort>(document, location).into(),
        )),
        ("config.kueue.x-k8s.io/v1beta2" | "config.kueue.x-k8s.io/v1beta1", "Configuration") => {
            KueueObject::Configuration(Box::new(decode_configuration(document, location)))
        }
        ("v1", "ConfigMap") if document["metadata"]["name"] == MANAGER_CONFIG_MAP => {
            let embedded = document["data"][MANAGER_CONFIG_KEY]
                .as_str()
                .unwrap_or_else(|| panic!("{location}: the ConfigMap has no {MANAGER_CONFIG_KEY}"));
            let embedded: Value = serde_saphyr::from_str(embedded)
                .unwrap_or_else(|error| panic!("{location}: invalid embedded YAML: {error}"));
            KueueObject::Configuration(Box::new(decode_configuration(embedded, location)))
        }
        (api_version, _) if api_version.starts_with("kueue.x-k8s.io/") => {
            panic!("{location}: unexpected Kueue object {api_version} {kind}")
        }
        _ => return None,
    };
    Some(object)
}

fn decode<T: DeserializeOwned>(document: Value, location: &str) -> T {
    let type_name = std::any::type_name::<T>();
    serde_json::from_value(document)
        .unwrap_or_else(|error| panic!("{location}: does not parse as {type_name}: {error}"))
}

/// Decodes a Configuration of either version, failing on any unknown field so that a
/// missing field in the types shows up here.
fn decode_configuration(document: Value, location: &str) -> config::v1beta2::Configuration {
    let version = document["apiVersion"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut unknown_fields = Vec::new();
    let record_unknown = |path: serde_ignored::Path<'_>| unknown_fields.push(path.to_string());
    let configuration: Result<config::v1beta2::Configuration, _> = match version.as_str() {
        "config.kueue.x-k8s.io/v1beta1" => serde_ignored::deserialize::<
            _,
            _,
            config::v1beta1::Configuration,
        >(document, record_unknown)
        .map(Into::into),
        _ => serde_ignored::deserialize(document, record_unknown),
    };
    let configuration = configuration
        .unwrap_or_else(|error| panic!("{location}: does not parse as a Configuration: {error}"));

    assert!(
        unknown_fields.is_empty(),
        "{location}: unknown Configuration fields {unknown_fields:?}"
    );
    configuration
}

fn objects_of(file_name: &str) -> Vec<KueueObject> {
    parse_file(file_name)
}

fn only_configuration(file_name: &str) -> config::v1beta2::Configuration {
    let configurations: Vec<_> = objects_of(file_name)
        .into_iter()
        .filter_map(|object| match object {
            KueueObject::Configuration(configuration) => Some(*configuration),
            _ => None,
        })
        .collect();
    let [configuration] = <[_; 1]>::try_from(configurations).unwrap_or_else(|found| {
        panic!(
            "{file_name}: expected 1 Configuration, found {}",
            found.len()
        )
    });
    configuration
}

fn only_cluster_queue(file_name: &str) -> v1beta2::ClusterQueue {
    let cluster_queues: Vec<_> = objects_of(file_name)
        .into_iter()
        .filter_map(|object| match object {
            KueueObject::ClusterQueue(cluster_queue) => Some(*cluster_queue),
            _ => None,
        })
        .collect();
    let [cluster_queue] = <[_; 1]>::try_from(cluster_queues).unwrap_or_else(|found| {
        panic!(
            "{file_name}: expected 1 ClusterQueue, found {}",
            found.len()
        )
    });
    cluster_queue
}

/// Returns the nominal quota of each covered resource of the first flavor, keyed by resource
/// name.
fn first_flavor_quotas(cluster_queue: &v1beta2::ClusterQueue) -> BTreeMap<String, String> {
    cluster_queue.spec.resource_groups[0].flavors[0]
        .resources
        .iter()
        .map(|quota| (quota.name.clone(), quota.nominal_quota.0.clone()))
        .collect()
}

#[test]
fn every_manifest_file_is_listed() {
    let listed: Vec<&str> = EXPECTED_OBJECTS.iter().map(|(name, _)| *name).collect();

    let unlisted: Vec<String> = manifest_file_names()
        .into_iter()
        .filter(|name| !listed.contains(&name.as_str()))
        .collect();

    assert!(
        unlisted.is_empty(),
        "add these files to EXPECTED_OBJECTS: {unlisted:?}"
    );
}

#[test]
fn kueue_objects_parse_in_every_manifest() {
    for (file_name, expected) in EXPECTED_OBJECTS {
        let objects: Vec<String> = objects_of(file_name)
            .iter()
            .map(KueueObject::describe)
            .collect();

        assert_eq!(
            objects.len(),
            expected.len(),
            "{file_name}: expected {} Kueue objects, parsed {objects:?}",
            expected.len()
        );
        assert_eq!(objects, *expected, "{file_name}: unexpected Kueue objects");
    }
}

#[test]
fn device_count_mapping_lists_both_device_classes() {
    let configuration = only_configuration("kueue-config-device-count-mapping.yaml");

    let resources = configuration
        .resources
        .expect("the Configuration has resources");
    let mapping = &resources.device_class_mappings[0];
    assert_eq!(mapping.name, "example.com/gpu");
    assert_eq!(
        mapping.device_class_names,
        ["gpu-a100.example.com", "gpu-h100.example.com"]
    );
    assert!(mapping.sources.is_empty());
}

#[test]
fn counter_mapping_reads_counter_source() {
    let configuration = only_configuration("kueue-counter-config-and-queues.yaml");

    let resources = configuration
        .resources
        .expect("the Configuration has resources");
    let mapping = &resources.device_class_mappings[0];
    let counter = mapping.sources[0]
        .counter
        .as_ref()
        .expect("the first source is a counter");
    assert_eq!(mapping.name, "gpu.memory");
    assert_eq!(counter.name, "memory");
    assert_eq!(counter.driver, "gpu.example.com");
    assert_eq!(
        counter
            .device_selector
            .cel
            .as_ref()
            .map(|cel| cel.expression.as_str()),
        Some("device.driver == 'gpu.example.com'")
    );
    assert_eq!(
        configuration
            .feature_gates
            .get("KueueDRAIntegrationPartitionableDevices"),
        Some(&true)
    );
}

#[test]
fn capacity_mapping_reads_capacity_source() {
    let configuration = only_configuration("kueue-capacity-config-and-job.yaml");

    let resources = configuration
        .resources
        .expect("the Configuration has resources");
    let capacity = resources.device_class_mappings[0].sources[0]
        .capacity
        .as_ref()
        .expect("the first source is a capacity");
    assert_eq!(capacity.name, "gpu.example.com/memory");
}

#[test]
fn config_map_embeds_configuration() {
    let configuration = only_configuration("kueue-kep-invalid-duplicate-mapping.yaml");

    let resources = configuration
        .resources
        .expect("the Configuration has resources");
    let names: Vec<&str> = resources
        .device_class_mappings
        .iter()
        .map(|mapping| mapping.name.as_str())
        .collect();
    assert_eq!(names, ["whole-gpus", "fast-gpus"]);
}

#[test]
fn counter_queue_quota_is_in_counter_units() {
    let cluster_queue = only_cluster_queue("kueue-counter-config-and-queues.yaml");

    let quotas = first_flavor_quotas(&cluster_queue);
    assert_eq!(quotas["cpu"], "40");
    assert_eq!(quotas["gpu.memory"], "800Gi");
}

#[test]
fn sample_queues_cover_gpu_resource() {
    let cluster_queue = only_cluster_queue("kueue-sample-dra-queues.yaml");

    let group = &cluster_queue.spec.resource_groups[0];
    assert_eq!(
        group.covered_resources,
        ["cpu", "memory", "example.com/gpu"]
    );
    assert_eq!(group.flavors[0].name, "default-flavor");
    assert_eq!(first_flavor_quotas(&cluster_queue)["example.com/gpu"], "8");
    assert_eq!(
        cluster_queue.spec.namespace_selector,
        Some(LabelSelector::default())
    );
}

#[test]
fn sample_local_queue_points_at_cluster_queue() {
    let local_queue = objects_of("kueue-sample-dra-queues.yaml")
        .into_iter()
        .find_map(|object| match object {
            KueueObject::LocalQueue(local_queue) => Some(local_queue),
            _ => None,
        })
        .expect("the file has a LocalQueue");

    assert_eq!(local_queue.metadata.namespace.as_deref(), Some("default"));
    assert_eq!(
        local_queue.spec.cluster_queue.as_deref(),
        Some("cluster-queue")
    );
}

#[test]
fn flavor_without_spec_parses() {
    let flavor = objects_of("kueue-sample-dra-queues.yaml")
        .into_iter()
        .find_map(|object| match object {
            KueueObject::ResourceFlavor(flavor) => Some(flavor),
            _ => None,
        })
        .expect("the file has a ResourceFlavor");

    assert_eq!(flavor.metadata.name.as_deref(), Some("default-flavor"));
    assert_eq!(flavor.spec, v1beta2::ResourceFlavorSpec::default());
}

#[test]
fn admitted_workload_charges_mapped_resource() {
    let workload = objects_of("kueue-kep-admitted-workload-status.yaml")
        .into_iter()
        .find_map(|object| match object {
            KueueObject::Workload(workload) => Some(workload),
            _ => None,
        })
        .expect("the file has a Workload");

    let admission = workload
        .status
        .as_ref()
        .and_then(|status| status.admission.as_ref())
        .expect("the Workload is admitted");
    let assignment = &admission.pod_set_assignments[0];
    assert_eq!(admission.cluster_queue, "gpus-cluster-queue");
    assert_eq!(assignment.count, Some(1));
    assert_eq!(assignment.flavors["whole-gpus"], "default-gpu-flavor");
    assert_eq!(assignment.resource_usage["whole-gpus"].0, "1");
    assert_eq!(assignment.resource_usage["memory"].0, "200Mi");
    assert_eq!(workload.spec.pod_sets[0].count, 1);
    assert_eq!(workload.spec.queue_name.as_deref(), Some("user-queue"));
}
