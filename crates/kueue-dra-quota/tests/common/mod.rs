//! Builders for the integration tests: objects from YAML, with API defaults applied.

#![allow(dead_code)]

use k8s_openapi::api::core::v1::LimitRange;
use k8s_openapi::api::node::v1::RuntimeClass;
use k8s_openapi::api::resource::v1::{DeviceClass, ResourceClaimTemplate};
use kueue_api::config::Configuration;
use kueue_api::v1beta2::Workload;
use kueue_dra_index::DeviceClassIndex;
use kueue_dra_quota::{Calculator, Explanation};

/// Reads every YAML document in `yaml` whose `kind` is `kind`.
pub fn documents<T: serde::de::DeserializeOwned>(yaml: &str, kind: &str) -> Vec<T> {
    let values: Vec<serde_json::Value> = serde_saphyr::from_multiple(yaml).expect("valid YAML");
    values
        .into_iter()
        .filter(|value| value.get("kind").and_then(serde_json::Value::as_str) == Some(kind))
        .map(|value| serde_json::from_value(value).expect("a valid object"))
        .collect()
}

/// Reads the ResourceClaimTemplates in `yaml` and applies the API server's defaults, as the
/// loader does: `allocationMode: ExactCount` and, for ExactCount, `count: 1`.
pub fn templates(yaml: &str) -> Vec<ResourceClaimTemplate> {
    let mut templates: Vec<ResourceClaimTemplate> = documents(yaml, "ResourceClaimTemplate");
    for template in &mut templates {
        let requests = template
            .spec
            .spec
            .devices
            .iter_mut()
            .flat_map(|devices| devices.requests.iter_mut().flatten());
        for request in requests {
            if let Some(exactly) = &mut request.exactly {
                let mode = exactly
                    .allocation_mode
                    .get_or_insert_with(|| "ExactCount".to_owned());
                if mode == "ExactCount" && exactly.count.unwrap_or(0) == 0 {
                    exactly.count = Some(1);
                }
            }
        }
    }
    templates
}

/// Reads the ResourceClaimTemplates in `yaml` as written, without API defaults.
pub fn raw_templates(yaml: &str) -> Vec<ResourceClaimTemplate> {
    documents(yaml, "ResourceClaimTemplate")
}

pub fn device_classes(yaml: &str) -> Vec<DeviceClass> {
    documents(yaml, "DeviceClass")
}

pub fn limit_ranges(yaml: &str) -> Vec<LimitRange> {
    documents(yaml, "LimitRange")
}

pub fn runtime_classes(yaml: &str) -> Vec<RuntimeClass> {
    documents(yaml, "RuntimeClass")
}

pub fn workload(yaml: &str) -> Workload {
    documents(yaml, "Workload").pop().expect("one Workload")
}

/// Reads a Configuration document, dropping `apiVersion` and `kind`.
pub fn configuration(yaml: &str) -> Configuration {
    let mut value: serde_json::Value = serde_saphyr::from_str(yaml).expect("valid YAML");
    if let Some(object) = value.as_object_mut() {
        object.remove("apiVersion");
        object.remove("kind");
    }
    serde_json::from_value(value).expect("a Configuration")
}

/// Explains `workload` against `config`, `classes` and `templates`.
pub fn explain(
    config: &Configuration,
    classes: &[DeviceClass],
    templates: &[ResourceClaimTemplate],
    workload: &Workload,
) -> Explanation {
    let mappings = config
        .resources
        .clone()
        .unwrap_or_default()
        .device_class_mappings;
    let index = DeviceClassIndex::new(&mappings, classes);
    Calculator::new(config, &index, templates).explain(workload)
}

/// The cluster objects besides the Workload that a test explains against.
#[derive(Default)]
pub struct Cluster {
    pub classes: Vec<DeviceClass>,
    pub templates: Vec<ResourceClaimTemplate>,
    pub limit_ranges: Vec<LimitRange>,
    /// `None` leaves the calculator without RuntimeClasses.
    pub runtime_classes: Option<Vec<RuntimeClass>>,
}

/// Explains `workload` against `config` and every object in `cluster`.
pub fn explain_in(config: &Configuration, cluster: &Cluster, workload: &Workload) -> Explanation {
    let mappings = config
        .resources
        .clone()
        .unwrap_or_default()
        .device_class_mappings;
    let index = DeviceClassIndex::new(&mappings, &cluster.classes);
    let mut calculator = Calculator::new(config, &index, &cluster.templates)
        .with_limit_ranges(&cluster.limit_ranges);
    if let Some(runtime_classes) = &cluster.runtime_classes {
        calculator = calculator.with_runtime_classes(runtime_classes);
    }
    calculator.explain(workload)
}

/// A Configuration that maps `gpu.example.com` to `example.com/gpu`.
pub const GPU_MAPPING: &str = "
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
resources:
  deviceClassMappings:
  - name: example.com/gpu
    deviceClassNames: [gpu.example.com]
";
