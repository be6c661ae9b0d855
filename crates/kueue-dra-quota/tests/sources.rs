//! Counter and capacity charges computed from ResourceSlices, and the CEL check of template
//! requests against the cluster's devices, per release.

mod common;

use common::{device_classes, documents, templates};
use k8s_openapi::api::resource::v1::{ResourceClaimTemplate, ResourceSlice};
use kueue_api::config::Configuration;
use kueue_api::v1beta2::Workload;
use kueue_dra_index::DeviceClassIndex;
use kueue_dra_quota::{Calculator, ChargePath, Explanation, Release, Status};

const MIG_PARTITIONS: &str = include_str!("../../../testdata/resource-slices/mig-partitions.yaml");
const SHARED_GPU_CAPACITY: &str =
    include_str!("../../../testdata/resource-slices/shared-gpu-capacity.yaml");
const PARTITIONABLE_SLICES: &str =
    include_str!("../../../testdata/real-manifests/k8s-docs-partitionable-resourceslices.yaml");
const CONSUMABLE_CAPACITY: &str =
    include_str!("../../../testdata/real-manifests/k8s-docs-consumable-capacity.yaml");

/// The objects of one fixture.
struct Fixture {
    config: Configuration,
    yaml: String,
    templates: Vec<ResourceClaimTemplate>,
    slices: Vec<ResourceSlice>,
}

impl Fixture {
    fn new(yaml: &str) -> Self {
        Self {
            config: configuration_in(yaml),
            yaml: yaml.to_owned(),
            templates: templates(yaml),
            slices: documents(yaml, "ResourceSlice"),
        }
    }

    /// Replaces the ResourceSlices.
    fn with_slices(mut self, slices: Vec<ResourceSlice>) -> Self {
        self.slices = slices;
        self
    }

    /// Explains a Workload of `count` pods whose one claim uses `template`, at `release`.
    fn explain(&self, release: &str, template: &str, count: i32) -> Explanation {
        self.explain_with(release, template, count, true)
    }

    fn explain_with(&self, release: &str, template: &str, count: i32, slices: bool) -> Explanation {
        let mappings = self
            .config
            .resources
            .clone()
            .unwrap_or_default()
            .device_class_mappings;
        let classes = device_classes(&self.yaml);
        let index = DeviceClassIndex::new(&mappings, &classes);
        let release = Release::parse(release).expect("a supported release");
        let calculator = Calculator::try_new(&self.config, &index, &self.templates, release)
            .expect("valid feature gates");
        let calculator = if slices {
            calculator.with_resource_slices(&self.slices)
        } else {
            calculator
        };
        calculator.explain(&workload(template, count))
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

fn workload(template: &str, count: i32) -> Workload {
    serde_json::from_value(serde_json::json!({
        "apiVersion": "kueue.x-k8s.io/v1beta2",
        "kind": "Workload",
        "metadata": {"name": "wl", "namespace": "default"},
        "spec": {"podSets": [{
            "name": "main",
            "count": count,
            "template": {"spec": {
                "containers": [{"name": "main", "resources": {"claims": [{"name": "gpu"}]}}],
                "resourceClaims": [{"name": "gpu", "resourceClaimTemplateName": template}]
            }}
        }]}
    }))
    .expect("a valid Workload")
}

fn per_pod(explanation: &Explanation, resource: &str) -> Option<String> {
    explanation.pod_sets[0].per_pod.get(resource).cloned()
}

fn total(explanation: &Explanation, resource: &str) -> Option<String> {
    explanation.pod_sets[0].total.get(resource).cloned()
}

#[test]
fn counter_charges_matching_partition() {
    let explanation = Fixture::new(MIG_PARTITIONS).explain("v0.19.2", "mig-1g5gb", 1);

    assert_eq!(explanation.status, Status::Charged, "{explanation:?}");
    assert_eq!(
        per_pod(&explanation, "gpu.memory").as_deref(),
        Some("4864Mi")
    );
    let charges = &explanation.pod_sets[0].charges;
    assert_eq!(charges.len(), 1);
    assert_eq!(charges[0].path, ChargePath::Counter);
    assert_eq!(charges[0].source.as_deref(), Some("memory"));
    assert_eq!(charges[0].per_pod, "4864Mi");
    assert!(explanation.notes.is_empty(), "{:?}", explanation.notes);
}

#[test]
fn counter_charge_multiplies_by_count() {
    let explanation = Fixture::new(MIG_PARTITIONS).explain("v0.19.2", "mig-count2", 3);

    assert_eq!(
        per_pod(&explanation, "gpu.memory").as_deref(),
        Some("9728Mi")
    );
    assert_eq!(
        total(&explanation, "gpu.memory").as_deref(),
        Some("29184Mi")
    );
}

#[test]
fn counter_charges_largest_matching_device() {
    let explanation = Fixture::new(MIG_PARTITIONS).explain("v0.19.2", "mig-any", 1);

    // Every MIG partition matches; the 7g.40gb one consumes the most.
    assert_eq!(
        per_pod(&explanation, "gpu.memory").as_deref(),
        Some("40320Mi")
    );
}

#[test]
fn counter_without_slices_is_noted() {
    let explanation = Fixture::new(MIG_PARTITIONS).explain_with("v0.19.2", "mig-1g5gb", 1, false);

    assert_eq!(explanation.status, Status::Charged);
    assert_eq!(per_pod(&explanation, "gpu.memory"), None);
    assert!(
        explanation.notes.iter().any(|note| note
            == "DeviceClass mig.example.com has counter sources, so Kueue charges their counter values from ResourceSlices instead of a device count; that charge was not computed because the input holds no ResourceSlices."),
        "{:?}",
        explanation.notes
    );
    assert!(
        explanation.notes.iter().any(|note| note.starts_with(
            "ResourceClaimTemplate mig-1g5gb has CEL selectors, which were not checked"
        )),
        "{:?}",
        explanation.notes
    );
}

#[test]
fn cel_shortage_is_retried_with_kueue_message() {
    let explanation = Fixture::new(MIG_PARTITIONS).explain("v0.19.2", "mig-nonexistent-obs", 1);

    assert_eq!(explanation.status, Status::Inadmissible);
    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0].exactly.selectors: Internal error: ResourceClaimTemplate mig-nonexistent-obs: insufficient matching devices for CEL selector in DeviceClass mig.example.com: 0 device(s) match in the cluster but 1 requested"
    );
    assert!(explanation.retried);
}

#[test]
fn cel_shortage_is_invalid_in_v0_18_0() {
    let explanation = Fixture::new(MIG_PARTITIONS).explain("v0.18.0", "mig-nonexistent-obs", 1);

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0].exactly.selectors: Invalid value: null: ResourceClaimTemplate mig-nonexistent-obs: insufficient matching devices for CEL selector in DeviceClass mig.example.com: 0 device(s) match in the cluster but 1 requested"
    );
}

#[test]
fn cel_check_is_per_claim_not_per_pod() {
    // Ten pods each ask for a 1g.5gb partition, and only two exist: Kueue checks one claim.
    let explanation = Fixture::new(MIG_PARTITIONS).explain("v0.19.2", "mig-1g5gb", 10);

    assert_eq!(explanation.status, Status::Charged);
    assert_eq!(
        total(&explanation, "gpu.memory").as_deref(),
        Some("48640Mi")
    );
}

#[test]
fn counter_shortage_message() {
    // Three partitions of 1g.5gb are asked for; the CEL check finds two, so it fails first.
    let fixture = Fixture::new(&MIG_PARTITIONS.replace("count: 2", "count: 3"));

    let explanation = fixture.explain("v0.19.2", "mig-count2", 1);

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0].exactly.selectors: Internal error: ResourceClaimTemplate mig-count2: insufficient matching devices for CEL selector in DeviceClass mig.example.com: 2 device(s) match in the cluster but 3 requested"
    );
}

#[test]
fn incomplete_pool_is_skipped() {
    // The pool declares two slices and only one is published: the counter pass skips its
    // devices, while the CEL check, which reads every slice, still finds them.
    let fixture =
        Fixture::new(&MIG_PARTITIONS.replace("resourceSliceCount: 1", "resourceSliceCount: 2"));

    let explanation = fixture.explain("v0.19.2", "mig-1g5gb", 1);

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0]: Internal error: insufficient matching devices for counter driver: 0 device(s) match but 1 requested"
    );
    assert!(explanation.retried);
}

#[test]
fn older_generation_is_ignored() {
    let fixture = Fixture::new(MIG_PARTITIONS);
    let mut stale = fixture.slices[0].clone();
    stale.metadata.name = Some("pd-test-slice-stale".to_owned());
    stale.spec.pool.generation = 0;
    for device in stale.spec.devices.iter_mut().flatten() {
        device.name = format!("{}-stale", device.name);
    }
    let mut slices = fixture.slices.clone();
    slices.push(stale);
    let fixture = fixture.with_slices(slices);

    let explanation = fixture.explain("v0.19.2", "mig-any", 1);

    assert_eq!(
        per_pod(&explanation, "gpu.memory").as_deref(),
        Some("40320Mi")
    );
}

#[test]
fn missing_counter_entry_message() {
    let fixture = Fixture::new(&MIG_PARTITIONS.replace(
        "        name: memory\n        driver",
        "        name: multiprocessors\n        driver",
    ));

    let explanation = fixture.explain("v0.19.2", "mig-1g5gb", 1);

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0]: Internal error: matched devices have no consumesCounters entry for counter \"multiprocessors\""
    );
}

#[test]
fn two_counters_on_one_class() {
    let yaml = MIG_PARTITIONS
        .replace(
            "          value: 4864Mi",
            "          value: 4864Mi\n        multiprocessors:\n          value: \"14\"",
        )
        .replace(
            "  - name: gpu.memory\n",
            "  - name: gpu.multiprocessors\n    deviceClassNames:\n    - mig.example.com\n    sources:\n    - counter:\n        name: multiprocessors\n        driver: gpu.example.com\n        deviceSelector:\n          cel:\n            expression: \"device.driver == 'gpu.example.com'\"\n  - name: gpu.memory\n",
        );
    let fixture = Fixture::new(&yaml);

    let explanation = fixture.explain("v0.19.2", "mig-1g5gb", 2);

    assert_eq!(
        explanation.status,
        Status::Charged,
        "{}",
        explanation.message
    );
    assert_eq!(
        per_pod(&explanation, "gpu.memory").as_deref(),
        Some("4864Mi")
    );
    assert_eq!(
        per_pod(&explanation, "gpu.multiprocessors").as_deref(),
        Some("14")
    );
    assert_eq!(
        total(&explanation, "gpu.multiprocessors").as_deref(),
        Some("28")
    );
}

#[test]
fn counter_formats_decimal_before_v0_18_4() {
    let explanation = Fixture::new(MIG_PARTITIONS).explain("v0.18.3", "mig-1g5gb", 1);

    // 4864Mi is 5100273664 bytes, which releases before v0.18.4 print as a plain number.
    assert_eq!(
        per_pod(&explanation, "gpu.memory").as_deref(),
        Some("5100273664")
    );
}

#[test]
fn negative_counter_is_charged_zero() {
    let fixture = Fixture::new(&MIG_PARTITIONS.replace("value: 4864Mi", "value: \"-4864Mi\""));

    let explanation = fixture.explain("v0.19.2", "mig-1g5gb", 1);

    assert_eq!(per_pod(&explanation, "gpu.memory").as_deref(), Some("0"));
}

#[test]
fn partitionable_docs_slices_charge_6gi() {
    let config = "apiVersion: config.kueue.x-k8s.io/v1beta2
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
";
    let fixture = Fixture::new(&format!("{config}---\n{PARTITIONABLE_SLICES}"));

    let explanation = fixture.explain("v0.19.2", "one-partition", 2);

    assert_eq!(per_pod(&explanation, "gpu.memory").as_deref(), Some("6Gi"));
    assert_eq!(total(&explanation, "gpu.memory").as_deref(), Some("12Gi"));
}

#[test]
fn capacity_rounds_request_by_policies() {
    let explanation = Fixture::new(SHARED_GPU_CAPACITY).explain("v0.19.2", "gpu-share-3500mi", 2);

    assert_eq!(
        explanation.status,
        Status::Charged,
        "{}",
        explanation.message
    );
    assert_eq!(per_pod(&explanation, "gpu.memory").as_deref(), Some("10Gi"));
    assert_eq!(total(&explanation, "gpu.memory").as_deref(), Some("20Gi"));
    let charges = &explanation.pod_sets[0].charges;
    assert_eq!(charges.len(), 1);
    assert_eq!(charges[0].path, ChargePath::Capacity);
}

#[test]
fn capacity_uses_policy_default() {
    let explanation = Fixture::new(SHARED_GPU_CAPACITY).explain("v0.19.2", "gpu-share-default", 1);

    assert_eq!(per_pod(&explanation, "gpu.memory").as_deref(), Some("20Gi"));
}

#[test]
fn capacity_multiplies_by_count() {
    let explanation = Fixture::new(SHARED_GPU_CAPACITY).explain("v0.19.2", "gpu-share-count2", 1);

    assert_eq!(per_pod(&explanation, "gpu.memory").as_deref(), Some("20Gi"));
}

#[test]
fn capacity_beyond_every_policy_is_rejected() {
    let explanation = Fixture::new(SHARED_GPU_CAPACITY).explain("v0.19.2", "gpu-share-100gi", 1);

    assert_eq!(explanation.status, Status::Inadmissible);
    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0]: Invalid value: null: capacity request cannot be satisfied by any matched device's RequestPolicy for dimension \"memory\""
    );
    assert!(!explanation.retried);
}

#[test]
fn capacity_without_policy_charges_device_value() {
    let yaml = SHARED_GPU_CAPACITY.replace("        requestPolicy:\n          default: 20Gi\n          validValues:\n          - 10Gi\n          - 20Gi\n          - 40Gi\n          - 80Gi\n", "");
    let explanation = Fixture::new(&yaml).explain("v0.19.2", "gpu-share-default", 1);

    // gpu-1 has no policy, so its whole 80Gi is the charge; gpu-0 defaults to 4Gi.
    assert_eq!(per_pod(&explanation, "gpu.memory").as_deref(), Some("80Gi"));
}

#[test]
fn capacity_missing_dimension_message() {
    let yaml = SHARED_GPU_CAPACITY.replace("        name: memory\n", "        name: bandwidth\n");
    let explanation = Fixture::new(&yaml).explain("v0.19.2", "gpu-share-default", 1);

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0]: Internal error: matched devices have no capacity dimension \"bandwidth\""
    );
}

#[test]
fn two_capacity_sources_are_summed() {
    let yaml = SHARED_GPU_CAPACITY.replace(
        "    sources:\n    - capacity:\n        name: memory\n",
        "    sources:\n    - capacity:\n        name: memory\n        driver: gpu.example.com\n        deviceSelector:\n          cel:\n            expression: \"device.attributes['gpu.example.com'].model == 'a100-40gb'\"\n    - capacity:\n        name: memory\n",
    );
    let explanation = Fixture::new(&yaml).explain("v0.19.2", "gpu-share-default", 1);

    // The first source matches gpu-0 only (4Gi), the second both GPUs (20Gi).
    assert_eq!(per_pod(&explanation, "gpu.memory").as_deref(), Some("24Gi"));
}

#[test]
fn capacity_gate_off_counts_devices() {
    let yaml = SHARED_GPU_CAPACITY.replace(
        "KueueDRAIntegrationConsumableCapacity: true",
        "KueueDRAIntegrationConsumableCapacity: false",
    );
    // With the gate off, Kueue rejects the configuration's capacity source at start-up,
    // so this test builds the calculator with lenient gates.
    let fixture = Fixture::new(&yaml);
    let mappings = fixture
        .config
        .resources
        .clone()
        .unwrap_or_default()
        .device_class_mappings;
    let classes = device_classes(&yaml);
    let index = DeviceClassIndex::new(&mappings, &classes);
    let explanation = Calculator::new(&fixture.config, &index, &fixture.templates)
        .with_resource_slices(&fixture.slices)
        .explain(&workload("gpu-share-default", 1));

    assert_eq!(per_pod(&explanation, "gpu.memory").as_deref(), Some("1"));
}

#[test]
fn consumable_docs_bandwidth_charge() {
    let config = "apiVersion: config.kueue.x-k8s.io/v1beta2
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
";
    let manifests = CONSUMABLE_CAPACITY.replace(
        "  name: bandwidth-claim-template\n",
        "  name: bandwidth-claim-template\n  namespace: default\n",
    );
    let fixture = Fixture::new(&format!("{config}---\n{manifests}"));

    let explanation = fixture.explain("v0.19.2", "bandwidth-claim-template", 1);

    // 1G lies on the 8-byte steps above the 1M minimum, so it is charged as requested.
    assert_eq!(
        per_pod(&explanation, "network.bandwidth").as_deref(),
        Some("1G")
    );
}

#[test]
fn request_cel_compile_error_message() {
    let yaml = MIG_PARTITIONS.replace(
        "expression: \"device.attributes['gpu.example.com'].profile == '1g.5gb'\"",
        "expression: \"device.attributes['gpu.example.com'].profile ==\"",
    );
    let explanation = Fixture::new(&yaml).explain("v0.19.2", "mig-1g5gb", 1);

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0].exactly.selectors: Invalid value: null: ResourceClaimTemplate mig-1g5gb: devices.requests[0].exactly.selectors[0].cel.expression: Invalid value: \"device.attributes['gpu.example.com'].profile ==\": CEL compilation failed: compilation failed: ERROR: <input>:1:48: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}\n | device.attributes['gpu.example.com'].profile ==\n | ...............................................^"
    );
    assert!(!explanation.retried);
}

#[test]
fn class_cel_compile_error_message() {
    let yaml = MIG_PARTITIONS.replace(
        "expression: \"device.attributes['gpu.example.com'].type == 'mig'\"",
        "expression: \"device.kind == 'mig'\"",
    );
    let explanation = Fixture::new(&yaml).explain("v0.19.2", "mig-1g5gb", 1);

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0][0].cel.expression: Invalid value: \"device.kind == 'mig'\": ResourceClaimTemplate mig-1g5gb: DeviceClass mig.example.com has invalid CEL selector: compilation failed: ERROR: <input>:1:7: undefined field 'kind'\n | device.kind == 'mig'\n | ......^"
    );
}

#[test]
fn missing_class_is_retried() {
    let yaml = MIG_PARTITIONS.replace(
        "  name: mig.example.com\nspec:",
        "  name: other.example.com\nspec:",
    );
    let explanation = Fixture::new(&yaml).explain("v0.19.2", "mig-1g5gb", 1);

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0]: Internal error: ResourceClaimTemplate mig-1g5gb: failed to get DeviceClass mig.example.com: deviceclasses.resource.k8s.io \"mig.example.com\" not found"
    );
    assert!(explanation.retried);
}

#[test]
fn cel_evaluation_error_message() {
    let yaml = MIG_PARTITIONS.replace(
        "expression: \"device.attributes['gpu.example.com'].profile == '1g.5gb'\"",
        "expression: \"device.attributes['gpu.example.com'].memory == '5gb'\"",
    );
    let explanation = Fixture::new(&yaml).explain("v0.19.2", "mig-1g5gb", 1);

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0].exactly.selectors: Invalid value: null: ResourceClaimTemplate mig-1g5gb: CEL evaluation failed for DeviceClass mig.example.com: no such key: memory"
    );
}

#[test]
fn v0_17_rejects_selectors_without_check() {
    let fixture = Fixture::new(MIG_PARTITIONS);
    let mut config = fixture.config.clone();
    config.feature_gates.clear();
    config
        .feature_gates
        .insert("DynamicResourceAllocation".to_owned(), true);
    let fixture = Fixture { config, ..fixture };

    let explanation = fixture.explain("v0.17.8", "mig-1g5gb", 1);

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0].exactly.selectors: Invalid value: null: ResourceClaimTemplate mig-1g5gb: CEL selectors are not supported"
    );
}

#[test]
fn devices_are_not_shared_within_claim() {
    let template = "
---
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata:
  name: two-full-gpus
  namespace: default
spec:
  spec:
    devices:
      requests:
      - name: first
        exactly:
          deviceClassName: mig.example.com
          selectors:
          - cel:
              expression: \"device.attributes['gpu.example.com'].profile == '7g.40gb'\"
      - name: second
        exactly:
          deviceClassName: mig.example.com
          selectors:
          - cel:
              expression: \"device.attributes['gpu.example.com'].profile == '7g.40gb'\"
";
    let fixture = Fixture::new(&format!("{MIG_PARTITIONS}{template}"));

    let explanation = fixture.explain("v0.19.2", "two-full-gpus", 1);

    // The one 7g.40gb partition is taken by the first request.
    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[1].exactly.selectors: Internal error: ResourceClaimTemplate two-full-gpus: insufficient matching devices for CEL selector in DeviceClass mig.example.com: 0 device(s) match in the cluster but 1 requested"
    );
}

#[test]
fn counter_entries_read_by_release() {
    // One partition consumes memory from two counter sets.
    let yaml = MIG_PARTITIONS.replacen(
        "          value: 4864Mi\n",
        "          value: 4864Mi\n    - counterSet: gpu-1-counter-set\n      counters:\n        memory:\n          value: 9728Mi\n",
        1,
    );
    let fixture = Fixture::new(&yaml);

    let v0_18 = fixture.explain("v0.18.6", "mig-1g5gb", 1);
    let v0_19 = fixture.explain("v0.19.2", "mig-1g5gb", 1);

    // v0.18 reads the first entry that names the counter; v0.19 takes the largest.
    assert_eq!(per_pod(&v0_18, "gpu.memory").as_deref(), Some("4864Mi"));
    assert_eq!(per_pod(&v0_19, "gpu.memory").as_deref(), Some("9728Mi"));
}

#[test]
fn semver_attribute_selects_devices() {
    let yaml = MIG_PARTITIONS
        .replace(
            "      type:\n        string: mig\n      profile:\n        string: 1g.5gb\n",
            "      type:\n        string: mig\n      profile:\n        string: 1g.5gb\n      driverVersion:\n        version: 550.54.15\n",
        )
        .replace(
            "expression: \"device.attributes['gpu.example.com'].profile == '1g.5gb'\"",
            "expression: \"has(device.attributes['gpu.example.com'].driverVersion) && device.attributes['gpu.example.com'].driverVersion.isGreaterThan(semver('550.0.0'))\"",
        );
    let explanation = Fixture::new(&yaml).explain("v0.19.2", "mig-1g5gb", 1);

    assert_eq!(
        explanation.status,
        Status::Charged,
        "{}",
        explanation.message
    );
    assert_eq!(
        per_pod(&explanation, "gpu.memory").as_deref(),
        Some("4864Mi")
    );
}

const CAPACITY_CONFIG_AND_JOB: &str =
    include_str!("../../../testdata/real-manifests/kueue-capacity-config-and-job.yaml");

#[test]
fn capacity_docs_config_without_slices() {
    let explanation =
        Fixture::new(CAPACITY_CONFIG_AND_JOB).explain_with("v0.19.2", "gpu-share", 1, false);

    assert_eq!(explanation.status, Status::Charged);
    assert_eq!(per_pod(&explanation, "gpu.memory"), None);
    assert_eq!(
        explanation.notes,
        [
            "DeviceClass gpu.example.com has capacity sources, so Kueue charges their capacity values from ResourceSlices instead of a device count; that charge was not computed because the input holds no ResourceSlices."
        ]
    );
}

#[test]
fn capacity_docs_dimension_name_mismatch() {
    // The docs name the dimension `gpu.example.com/memory`, while the driver publishes
    // `memory`; Kueue looks the name up as written.
    let class_and_slices: String = SHARED_GPU_CAPACITY
        .split("\n---\n")
        .filter(|document| {
            document.contains("kind: DeviceClass") || document.contains("kind: ResourceSlice")
        })
        .collect::<Vec<_>>()
        .join("\n---\n");
    let fixture = Fixture::new(&format!(
        "{CAPACITY_CONFIG_AND_JOB}\n---\n{class_and_slices}"
    ));

    let explanation = fixture.explain("v0.19.2", "gpu-share", 1);

    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0]: Internal error: matched devices have no capacity dimension \"gpu.example.com/memory\""
    );
    assert!(explanation.retried);
}

#[test]
fn cel_check_universe_by_release() {
    // Another driver publishes a device whose qualified attributes match the request.
    let foreign = "
---
apiVersion: resource.k8s.io/v1
kind: ResourceSlice
metadata:
  name: other-driver-slice
spec:
  driver: other.example.com
  nodeName: node2
  pool:
    name: node2
    generation: 1
    resourceSliceCount: 1
  devices:
  - name: look-alike
    attributes:
      gpu.example.com/type:
        string: mig
      gpu.example.com/profile:
        string: 3g.20gb
";
    let fixture = Fixture::new(&format!("{MIG_PARTITIONS}{foreign}"));

    let v0_18 = fixture.explain("v0.18.6", "mig-nonexistent-obs", 1);
    let v0_19 = fixture.explain("v0.19.2", "mig-nonexistent-obs", 1);

    // v0.18 searches every slice, so the CEL check passes and the counter pass, which reads
    // only the source's driver, finds nothing. v0.19 searches only the source's driver.
    assert_eq!(
        v0_18.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0]: Internal error: insufficient matching devices for counter driver: 0 device(s) match but 1 requested"
    );
    assert_eq!(
        v0_19.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0].exactly.selectors: Internal error: ResourceClaimTemplate mig-nonexistent-obs: insufficient matching devices for CEL selector in DeviceClass mig.example.com: 0 device(s) match in the cluster but 1 requested"
    );
}

/// A template for `mig.example.com` without selectors, so only the counter pass reads the
/// DeviceClass.
const PLAIN_MIG_TEMPLATE: &str = "
---
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata:
  name: mig-plain
  namespace: default
spec:
  spec:
    devices:
      requests:
      - name: gpu
        exactly:
          deviceClassName: mig.example.com
";

#[test]
fn counter_pass_missing_class_path_by_release() {
    let yaml = format!("{MIG_PARTITIONS}{PLAIN_MIG_TEMPLATE}").replace(
        "  name: mig.example.com\nspec:",
        "  name: other.example.com\nspec:",
    );
    let fixture = Fixture::new(&yaml);

    let v0_19_0 = fixture.explain("v0.19.0", "mig-plain", 1);
    let v0_19_2 = fixture.explain("v0.19.2", "mig-plain", 1);

    assert_eq!(
        v0_19_0.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0].devices.requests[0]: Internal error: failed to get DeviceClass mig.example.com: deviceclasses.resource.k8s.io \"mig.example.com\" not found"
    );
    assert_eq!(
        v0_19_2.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0]: Internal error: failed to get DeviceClass mig.example.com: deviceclasses.resource.k8s.io \"mig.example.com\" not found"
    );
}

#[test]
fn counter_class_path_by_release() {
    let yaml = format!("{MIG_PARTITIONS}{PLAIN_MIG_TEMPLATE}").replace(
        "  name: mig.example.com\nspec:",
        "  name: other.example.com\nspec:",
    );
    let fixture = Fixture::new(&yaml);

    let v0_18_4 = fixture.explain("v0.18.4", "mig-plain", 1);
    let v0_18_5 = fixture.explain("v0.18.5", "mig-plain", 1);

    // v0.18.3 and v0.18.4 still pass the request path and index 0 in counters.go.
    assert_eq!(
        v0_18_4.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0].devices.requests[0]: Internal error: failed to get DeviceClass mig.example.com: deviceclasses.resource.k8s.io \"mig.example.com\" not found"
    );
    assert_eq!(
        v0_18_5.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0]: Internal error: failed to get DeviceClass mig.example.com: deviceclasses.resource.k8s.io \"mig.example.com\" not found"
    );
}

#[test]
fn device_selector_evaluation_error() {
    let yaml = format!("{MIG_PARTITIONS}{PLAIN_MIG_TEMPLATE}").replace(
        "expression: \"device.driver == 'gpu.example.com'\"",
        "expression: \"device.attributes['gpu.example.com'].profile != ''\"",
    );
    let explanation = Fixture::new(&yaml).explain("v0.19.2", "mig-plain", 1);

    // gpu-0, the whole GPU, has no profile attribute.
    assert_eq!(
        explanation.message,
        "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0]: Internal error: CEL evaluation error in deviceSelector for device gpu-0: no such key: profile"
    );
    assert!(explanation.retried);
}

#[test]
fn plain_request_charges_largest_partition() {
    // The whole GPU consumes more than any partition.
    let yaml = format!("{MIG_PARTITIONS}{PLAIN_MIG_TEMPLATE}").replace(
        "        string: gpu\n    consumesCounters:\n    - counterSet: gpu-0-counter-set\n      counters:\n        memory:\n          value: 40320Mi",
        "        string: gpu\n    consumesCounters:\n    - counterSet: gpu-0-counter-set\n      counters:\n        memory:\n          value: 40960Mi",
    );
    assert!(yaml.contains("40960Mi"));
    let fixture = Fixture::new(&yaml);

    let explanation = fixture.explain("v0.19.2", "mig-plain", 1);

    // The class selector keeps MIG partitions only, so the whole GPU's value is not read.
    assert_eq!(explanation.notes, Vec::<String>::new());
    assert_eq!(
        per_pod(&explanation, "gpu.memory").as_deref(),
        Some("40320Mi")
    );
}
