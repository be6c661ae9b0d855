//! Builds the index from the real manifests under `testdata/real-manifests`.

use k8s_openapi::api::resource::v1::DeviceClass;
use kueue_api::config::Configuration;
use kueue_dra_index::DeviceClassIndex;

const EXTENDED_RESOURCE_CLASS: &str =
    include_str!("../../../testdata/real-manifests/k8s-docs-extended-resource-deviceclass.yaml");
const DEVICE_COUNT_CONFIG: &str =
    include_str!("../../../testdata/real-manifests/kueue-config-device-count-mapping.yaml");

/// Reads the Configuration document, dropping the `apiVersion` and `kind` fields the
/// Rust type does not carry.
fn configuration(yaml: &str) -> Configuration {
    let mut value: serde_json::Value = serde_saphyr::from_str(yaml).expect("valid YAML");
    if let Some(object) = value.as_object_mut() {
        object.remove("apiVersion");
        object.remove("kind");
    }
    serde_json::from_value(value).expect("a Configuration")
}

#[test]
fn docs_device_class_backs_extended_resource() {
    let class: DeviceClass =
        serde_saphyr::from_str(EXTENDED_RESOURCE_CLASS).expect("a DeviceClass");

    let index = DeviceClassIndex::new(&[], &[class]);

    let selected = index.selected_class_for_extended_resource("example.com/gpu");
    assert_eq!(
        selected.and_then(|c| c.metadata.name.as_deref()),
        Some("gpu.example.com")
    );
    assert!(index.mapping_for_class("gpu.example.com").is_none());
}

#[test]
fn two_classes_share_one_mapping() {
    let config = configuration(DEVICE_COUNT_CONFIG);
    let mappings = config.resources.unwrap_or_default().device_class_mappings;

    let index = DeviceClassIndex::new(&mappings, &[]);

    let a100 = index
        .mapping_for_class("gpu-a100.example.com")
        .map(|m| m.name.as_str());
    let h100 = index
        .mapping_for_class("gpu-h100.example.com")
        .map(|m| m.name.as_str());
    assert_eq!(a100, Some("example.com/gpu"));
    assert_eq!(h100, Some("example.com/gpu"));
}
