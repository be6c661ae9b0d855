//! Kueue's validation of `resources` in its Configuration: one case per rule with the exact
//! path, type and message, the order of several errors, and the differences by release.
//!
//! The names and values follow the cases of Kueue's `pkg/config/validation_test.go` at
//! v0.19.2, which checks only paths and types. The messages come from the code at each tag.

#![allow(
    clippy::too_many_lines,
    reason = "a table of cases, one per rule, reads best as one test"
)]

use k8s_openapi::api::resource::v1::{CELDeviceSelector, DeviceSelector};
use kueue_api::config::v1beta2::{
    DeviceClassCapacitySource, DeviceClassCounterSource, DeviceClassSourceConfig,
    QuotaCheckStrategy, ResourceTransformation,
};
use kueue_api::config::{Configuration, DeviceClassMapping, Resources};
use kueue_dra_quota::validation::{
    NameMessages, SourceChecks, ValidationProfile, error_type_name, validate_configuration,
};
use kueue_dra_quota::{ErrorType, FieldError};

const DUPLICATE_MAPPING_FIXTURE: &str =
    include_str!("../../../testdata/real-manifests/kueue-kep-invalid-duplicate-mapping.yaml");

/// The rule of a label key's name part, with the two spaces before each `or`.
const NAME_RULE: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const SUBDOMAIN_RULE: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const DNS_LABEL_RULE: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

const C_IDENTIFIER_RULE: &str = "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')";

const SELECTOR: &str = "device.driver == 'gpu.nvidia.com'";

/// One expected error: its field path, its type as check-config names it, and its message.
#[derive(Debug, PartialEq, Eq)]
struct Expected {
    path: String,
    type_name: &'static str,
    message: String,
}

/// Builds an expected error whose message is `<path>: <body>`, as `field.Error.Error()`
/// renders it.
fn error(path: &str, type_name: &'static str, body: &str) -> Expected {
    Expected {
        path: path.to_owned(),
        type_name,
        message: format!("{path}: {body}"),
    }
}

fn actual(errors: &[FieldError]) -> Vec<Expected> {
    errors
        .iter()
        .map(|error| Expected {
            path: error.field.clone(),
            type_name: error_type_name(error.error_type),
            message: error.to_string(),
        })
        .collect()
}

fn mapping(name: &str, classes: &[&str]) -> DeviceClassMapping {
    DeviceClassMapping {
        name: name.to_owned(),
        device_class_names: classes.iter().map(|&class| class.to_owned()).collect(),
        sources: Vec::new(),
    }
}

fn with_sources(
    mut mapping: DeviceClassMapping,
    sources: Vec<DeviceClassSourceConfig>,
) -> DeviceClassMapping {
    mapping.sources = sources;
    mapping
}

fn selector(expression: &str) -> DeviceSelector {
    DeviceSelector {
        cel: Some(CELDeviceSelector {
            expression: expression.to_owned(),
        }),
    }
}

fn counter(name: &str, driver: &str) -> DeviceClassSourceConfig {
    DeviceClassSourceConfig {
        counter: Some(DeviceClassCounterSource {
            name: name.to_owned(),
            driver: driver.to_owned(),
            device_selector: selector(SELECTOR),
        }),
        capacity: None,
    }
}

fn capacity(name: &str, driver: &str) -> DeviceClassSourceConfig {
    DeviceClassSourceConfig {
        counter: None,
        capacity: Some(DeviceClassCapacitySource {
            name: name.to_owned(),
            driver: driver.to_owned(),
            device_selector: selector(SELECTOR),
        }),
    }
}

/// Builds a mapping `gpu.memory` of `mig.nvidia.com` with the given sources.
fn sourced(sources: Vec<DeviceClassSourceConfig>) -> DeviceClassMapping {
    with_sources(mapping("gpu.memory", &["mig.nvidia.com"]), sources)
}

fn config(mappings: Vec<DeviceClassMapping>) -> Configuration {
    Configuration {
        resources: Some(Resources {
            device_class_mappings: mappings,
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Returns Kueue v0.19.2 with both source gates on, as Kueue runs
/// `TestValidateDeviceClassMappings`.
fn both_gates() -> ValidationProfile {
    ValidationProfile {
        partitionable_devices_enabled: true,
        consumable_capacity_enabled: true,
        ..ValidationProfile::for_tag(19, 2)
    }
}

fn validate(mappings: Vec<DeviceClassMapping>, profile: ValidationProfile) -> Vec<Expected> {
    actual(&validate_configuration(&config(mappings), profile))
}

/// Runs each case at `profile` and compares every error's path, type and message.
fn check_cases(
    profile: ValidationProfile,
    cases: Vec<(&str, Vec<DeviceClassMapping>, Vec<Expected>)>,
) {
    for (name, mappings, expected) in cases {
        assert_eq!(validate(mappings, profile), expected, "case: {name}");
    }
}

#[test]
fn mapping_name_rules() {
    let long_prefix = "a".repeat(240);
    let cases = vec![
        (
            "valid mapping of a prefixed class",
            vec![mapping("whole-foo", &["foo.com/device"])],
            vec![],
        ),
        (
            "name with an invalid first character",
            vec![mapping("@invalid-name", &["foo.com/device"])],
            vec![error(
                "resources.deviceClassMappings[0].name",
                "Invalid",
                &format!("Invalid value: \"@invalid-name\": name part {NAME_RULE}"),
            )],
        ),
        (
            "empty name gets both name part messages",
            vec![mapping("", &["foo.com/device"])],
            vec![error(
                "resources.deviceClassMappings[0].name",
                "Invalid",
                &format!("Invalid value: \"\": name part must be non-empty; name part {NAME_RULE}"),
            )],
        ),
        (
            "name with a space",
            vec![mapping("foo bar", &["foo.com/device"])],
            vec![error(
                "resources.deviceClassMappings[0].name",
                "Invalid",
                &format!("Invalid value: \"foo bar\": name part {NAME_RULE}"),
            )],
        ),
        (
            "empty prefix",
            vec![mapping("/gpu", &["foo.com/device"])],
            vec![error(
                "resources.deviceClassMappings[0].name",
                "Invalid",
                "Invalid value: \"/gpu\": prefix part must be non-empty",
            )],
        ),
        (
            "uppercase prefix",
            vec![mapping("Example.com/gpu", &["foo.com/device"])],
            vec![error(
                "resources.deviceClassMappings[0].name",
                "Invalid",
                &format!("Invalid value: \"Example.com/gpu\": prefix part {SUBDOMAIN_RULE}"),
            )],
        ),
        (
            "two slashes",
            vec![mapping("a/b/c", &["foo.com/device"])],
            vec![error(
                "resources.deviceClassMappings[0].name",
                "Invalid",
                &format!(
                    "Invalid value: \"a/b/c\": a valid label key {NAME_RULE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
                ),
            )],
        ),
        (
            "name part longer than 63 bytes",
            vec![mapping(
                &format!("example.com/{}", "n".repeat(64)),
                &["foo.com/device"],
            )],
            vec![error(
                "resources.deviceClassMappings[0].name",
                "Invalid",
                &format!(
                    "Invalid value: \"example.com/{}\": name part must be no more than 63 bytes",
                    "n".repeat(64)
                ),
            )],
        ),
        (
            "253 characters in all",
            vec![mapping(
                &format!("{long_prefix}/{}", "b".repeat(12)),
                &["foo.com/device"],
            )],
            vec![],
        ),
        (
            "255 characters in all fails only the length check",
            vec![mapping(
                &format!("{long_prefix}/{}", "b".repeat(14)),
                &["foo.com/device"],
            )],
            vec![error(
                "resources.deviceClassMappings[0].name",
                "Invalid",
                &format!(
                    "Invalid value: \"{long_prefix}/{}\": must not exceed 253 characters",
                    "b".repeat(14)
                ),
            )],
        ),
        (
            "prefix longer than 253 bytes",
            vec![mapping(
                &format!("{}/gpu", "a".repeat(254)),
                &["foo.com/device"],
            )],
            vec![
                error(
                    "resources.deviceClassMappings[0].name",
                    "Invalid",
                    &format!(
                        "Invalid value: \"{}/gpu\": prefix part must be no more than 253 bytes",
                        "a".repeat(254)
                    ),
                ),
                error(
                    "resources.deviceClassMappings[0].name",
                    "Invalid",
                    &format!(
                        "Invalid value: \"{}/gpu\": must not exceed 253 characters",
                        "a".repeat(254)
                    ),
                ),
            ],
        ),
        (
            "name is rendered as JSON, not with %q",
            vec![mapping("a<b", &["foo.com/device"])],
            vec![error(
                "resources.deviceClassMappings[0].name",
                "Invalid",
                &format!("Invalid value: \"a\\u003cb\": name part {NAME_RULE}"),
            )],
        ),
        (
            "duplicate name",
            vec![
                mapping("duplicate-name", &["foo.com/device"]),
                mapping("duplicate-name", &["bar.com/device"]),
            ],
            vec![error(
                "resources.deviceClassMappings[1].name",
                "Duplicate",
                "Duplicate value: \"duplicate-name\"",
            )],
        ),
    ];

    check_cases(ValidationProfile::for_tag(19, 2), cases);
}

#[test]
fn mapping_count_limit() {
    let mappings: Vec<DeviceClassMapping> = (0..17)
        .map(|index| mapping(&format!("resource-{index}"), &[&format!("class-{index}")]))
        .collect();

    let errors = validate(mappings, ValidationProfile::for_tag(19, 2));

    assert_eq!(
        errors,
        [error(
            "resources.deviceClassMappings",
            "TooMany",
            "Too many: 17: must have at most 16 items",
        )]
    );
}

#[test]
fn device_class_name_rules() {
    let nine_classes = [
        "c0.com/d", "c1.com/d", "c2.com/d", "c3.com/d", "c4.com/d", "c5.com/d", "c6.com/d",
        "c7.com/d", "c8.com/d",
    ];
    let long_class = format!("{}/{}", "x".repeat(240), "y".repeat(14));
    let cases = vec![
        (
            "no device class",
            vec![mapping("empty-devices", &[])],
            vec![error(
                "resources.deviceClassMappings[0].deviceClassNames",
                "Required",
                "Required value: at least one device class name is required",
            )],
        ),
        (
            "nine device classes",
            vec![mapping("many-devices", &nine_classes)],
            vec![error(
                "resources.deviceClassMappings[0].deviceClassNames",
                "TooMany",
                "Too many: 9: must have at most 8 items",
            )],
        ),
        (
            "invalid second class",
            vec![mapping(
                "valid-name",
                &["valid.com/device", "@invalid-device"],
            )],
            vec![error(
                "resources.deviceClassMappings[0].deviceClassNames[1]",
                "Invalid",
                &format!("Invalid value: \"@invalid-device\": name part {NAME_RULE}"),
            )],
        ),
        (
            "empty class",
            vec![mapping("valid-name", &[""])],
            vec![error(
                "resources.deviceClassMappings[0].deviceClassNames[0]",
                "Invalid",
                &format!("Invalid value: \"\": name part must be non-empty; name part {NAME_RULE}"),
            )],
        ),
        (
            "class with spaces",
            vec![mapping("valid-name", &["foo   bar"])],
            vec![error(
                "resources.deviceClassMappings[0].deviceClassNames[0]",
                "Invalid",
                &format!("Invalid value: \"foo   bar\": name part {NAME_RULE}"),
            )],
        ),
        (
            "class of 253 characters",
            vec![mapping(
                "valid-name",
                &[&format!("{}/{}", "x".repeat(240), "y".repeat(12))],
            )],
            vec![],
        ),
        (
            "class of 255 characters",
            vec![mapping("valid-name", &[&long_class])],
            vec![error(
                "resources.deviceClassMappings[0].deviceClassNames[0]",
                "Invalid",
                &format!("Invalid value: \"{long_class}\": must not exceed 253 characters"),
            )],
        ),
        (
            "class twice in one mapping",
            vec![mapping(
                "duplicate-devices",
                &["foo.com/device", "bar.com/device", "foo.com/device"],
            )],
            vec![error(
                "resources.deviceClassMappings[0].deviceClassNames[2]",
                "Duplicate",
                "Duplicate value: \"foo.com/device\"",
            )],
        ),
        (
            "class in two mappings",
            vec![
                mapping("first-resource", &["foo.com/device"]),
                mapping("second-resource", &["foo.com/device"]),
            ],
            vec![error(
                "resources.deviceClassMappings[1].deviceClassNames[0]",
                "Invalid",
                "Invalid value: \"foo.com/device\": device class already mapped to resource first-resource",
            )],
        ),
        (
            "class in two mappings of the same name is only a duplicate name",
            vec![
                mapping("same-resource", &["foo.com/device"]),
                mapping("same-resource", &["foo.com/device"]),
            ],
            vec![error(
                "resources.deviceClassMappings[1].name",
                "Duplicate",
                "Duplicate value: \"same-resource\"",
            )],
        ),
        (
            "conflict names the first mapping",
            vec![
                mapping("first-resource", &["foo.com/device"]),
                mapping("second-resource", &["foo.com/device"]),
                mapping("third-resource", &["foo.com/device"]),
            ],
            vec![
                error(
                    "resources.deviceClassMappings[1].deviceClassNames[0]",
                    "Invalid",
                    "Invalid value: \"foo.com/device\": device class already mapped to resource first-resource",
                ),
                error(
                    "resources.deviceClassMappings[2].deviceClassNames[0]",
                    "Invalid",
                    "Invalid value: \"foo.com/device\": device class already mapped to resource first-resource",
                ),
            ],
        ),
    ];

    check_cases(ValidationProfile::for_tag(19, 2), cases);
}

#[test]
fn shared_class_with_counter_sources() {
    let memory = || counter("memory", "gpu.nvidia.com");
    let cases = vec![
        (
            "different counters share a class",
            vec![
                with_sources(mapping("gpu.memory", &["mig.nvidia.com"]), vec![memory()]),
                with_sources(
                    mapping("gpu.compute", &["mig.nvidia.com"]),
                    vec![counter("multiprocessors", "gpu.nvidia.com")],
                ),
            ],
            vec![],
        ),
        (
            "same counter twice",
            vec![
                with_sources(mapping("gpu.memory", &["mig.nvidia.com"]), vec![memory()]),
                with_sources(mapping("gpu.memory2", &["mig.nvidia.com"]), vec![memory()]),
            ],
            vec![error(
                "resources.deviceClassMappings[1].deviceClassNames[0]",
                "Invalid",
                "Invalid value: \"mig.nvidia.com\": device class already has a counter source for counter \"memory\"",
            )],
        ),
        (
            "same counter after a different one",
            vec![
                with_sources(mapping("gpu.memory", &["mig.nvidia.com"]), vec![memory()]),
                with_sources(
                    mapping("gpu.compute", &["mig.nvidia.com"]),
                    vec![counter("multiprocessors", "gpu.nvidia.com")],
                ),
                with_sources(
                    mapping("gpu.compute2", &["mig.nvidia.com"]),
                    vec![counter("multiprocessors", "gpu.nvidia.com")],
                ),
            ],
            vec![error(
                "resources.deviceClassMappings[2].deviceClassNames[0]",
                "Invalid",
                "Invalid value: \"mig.nvidia.com\": device class already has a counter source for counter \"multiprocessors\"",
            )],
        ),
        (
            "whole devices, then a counter",
            vec![
                mapping("gpu", &["gpu.nvidia.com"]),
                with_sources(mapping("gpu.memory", &["gpu.nvidia.com"]), vec![memory()]),
            ],
            vec![error(
                "resources.deviceClassMappings[1].deviceClassNames[0]",
                "Invalid",
                "Invalid value: \"gpu.nvidia.com\": device class already mapped to resource gpu",
            )],
        ),
        (
            "a counter, then whole devices",
            vec![
                with_sources(mapping("gpu.memory", &["gpu.nvidia.com"]), vec![memory()]),
                mapping("gpu", &["gpu.nvidia.com"]),
            ],
            vec![error(
                "resources.deviceClassMappings[1].deviceClassNames[0]",
                "Invalid",
                "Invalid value: \"gpu.nvidia.com\": device class already mapped to resource gpu.memory",
            )],
        ),
        (
            "only the first source names the counter",
            vec![
                with_sources(mapping("gpu.memory", &["mig.nvidia.com"]), vec![memory()]),
                with_sources(
                    mapping("gpu.capacity", &["mig.nvidia.com"]),
                    vec![capacity("memory", "gpu.nvidia.com"), memory()],
                ),
            ],
            vec![
                error(
                    "resources.deviceClassMappings[1].deviceClassNames[0]",
                    "Invalid",
                    "Invalid value: \"mig.nvidia.com\": device class already mapped to resource gpu.memory",
                ),
                error(
                    "resources.deviceClassMappings[1].sources",
                    "Invalid",
                    "Invalid value: 2: cannot mix counter and capacity sources in the same mapping",
                ),
            ],
        ),
    ];

    check_cases(both_gates(), cases);
}

#[test]
fn source_entry_rules() {
    let both = DeviceClassSourceConfig {
        counter: counter("memory", "gpu.nvidia.com").counter,
        capacity: capacity("memory", "gpu.nvidia.com").capacity,
    };
    let cases = vec![
        (
            "valid counter",
            vec![sourced(vec![counter("memory", "gpu.nvidia.com")])],
            vec![],
        ),
        (
            "two counters",
            vec![sourced(vec![
                counter("memory", "gpu.nvidia.com"),
                counter("multiprocessors", "gpu.nvidia.com"),
            ])],
            vec![],
        ),
        (
            "entry with no source",
            vec![sourced(vec![DeviceClassSourceConfig::default()])],
            vec![error(
                "resources.deviceClassMappings[0].sources[0]",
                "Required",
                "Required value: exactly one source type must be set per entry",
            )],
        ),
        (
            "entry with both sources",
            vec![sourced(vec![both])],
            vec![error(
                "resources.deviceClassMappings[0].sources[0]",
                "Invalid",
                "Invalid value: \"counter+capacity\": exactly one source type must be set per entry",
            )],
        ),
        (
            "counter and capacity in one mapping",
            vec![sourced(vec![
                counter("memory", "gpu.nvidia.com"),
                capacity("cores", "gpu.nvidia.com"),
            ])],
            vec![error(
                "resources.deviceClassMappings[0].sources",
                "Invalid",
                "Invalid value: 2: cannot mix counter and capacity sources in the same mapping",
            )],
        ),
    ];

    check_cases(both_gates(), cases);
}

#[test]
fn source_gates() {
    let no_gates = ValidationProfile {
        partitionable_devices_enabled: false,
        consumable_capacity_enabled: false,
        ..ValidationProfile::for_tag(19, 2)
    };
    let cases = vec![
        (
            "counter with the partitionable devices gate off",
            vec![sourced(vec![counter("memory", "gpu.nvidia.com")])],
            vec![error(
                "resources.deviceClassMappings[0].sources[0].counter",
                "Invalid",
                "Invalid value: true: counter sources require KueueDRAIntegrationPartitionableDevices to be enabled",
            )],
        ),
        (
            "capacity with the consumable capacity gate off",
            vec![sourced(vec![capacity("memory", "gpu.example.com")])],
            vec![error(
                "resources.deviceClassMappings[0].sources[0].capacity",
                "Invalid",
                "Invalid value: true: capacity sources require KueueDRAIntegrationConsumableCapacity to be enabled",
            )],
        ),
        (
            "gate errors skip the source's own checks, but not the mix check",
            vec![sourced(vec![counter("", ""), capacity("", "")])],
            vec![
                error(
                    "resources.deviceClassMappings[0].sources[0].counter",
                    "Invalid",
                    "Invalid value: true: counter sources require KueueDRAIntegrationPartitionableDevices to be enabled",
                ),
                error(
                    "resources.deviceClassMappings[0].sources[1].capacity",
                    "Invalid",
                    "Invalid value: true: capacity sources require KueueDRAIntegrationConsumableCapacity to be enabled",
                ),
                error(
                    "resources.deviceClassMappings[0].sources",
                    "Invalid",
                    "Invalid value: 2: cannot mix counter and capacity sources in the same mapping",
                ),
            ],
        ),
    ];

    check_cases(no_gates, cases);
}

#[test]
fn counter_source_rules() {
    const COUNTER: &str = "resources.deviceClassMappings[0].sources[0].counter";
    let long_driver = "gpu-accelerator.nvidia-corporation.datacenter.example.com.internal";
    let no_selector = DeviceClassSourceConfig {
        counter: Some(DeviceClassCounterSource {
            name: "memory".to_owned(),
            driver: "gpu.nvidia.com".to_owned(),
            device_selector: DeviceSelector::default(),
        }),
        capacity: None,
    };
    let empty_expression = DeviceClassSourceConfig {
        counter: Some(DeviceClassCounterSource {
            name: "memory".to_owned(),
            driver: "gpu.nvidia.com".to_owned(),
            device_selector: selector(""),
        }),
        capacity: None,
    };
    let cases = vec![
        (
            "missing name",
            vec![sourced(vec![counter("", "gpu.nvidia.com")])],
            vec![error(
                &format!("{COUNTER}.name"),
                "Required",
                "Required value",
            )],
        ),
        (
            "name that is not a DNS label",
            vec![sourced(vec![counter("INVALID_NAME", "gpu.nvidia.com")])],
            vec![error(
                &format!("{COUNTER}.name"),
                "Invalid",
                &format!("Invalid value: \"INVALID_NAME\": {DNS_LABEL_RULE}"),
            )],
        ),
        (
            "name with dots",
            vec![sourced(vec![counter("gpu.memory", "gpu.nvidia.com")])],
            vec![error(
                &format!("{COUNTER}.name"),
                "Invalid",
                "Invalid value: \"gpu.memory\": must not contain dots",
            )],
        ),
        (
            "long uppercase name gets both messages joined by a comma",
            vec![sourced(vec![counter(&"A".repeat(64), "gpu.nvidia.com")])],
            vec![error(
                &format!("{COUNTER}.name"),
                "Invalid",
                &format!(
                    "Invalid value: \"{}\": must be no more than 63 characters,{DNS_LABEL_RULE}",
                    "A".repeat(64)
                ),
            )],
        ),
        (
            "name is rendered with %q",
            vec![sourced(vec![counter("a<b", "gpu.nvidia.com")])],
            vec![error(
                &format!("{COUNTER}.name"),
                "Invalid",
                &format!("Invalid value: \"a<b\": {DNS_LABEL_RULE}"),
            )],
        ),
        (
            "missing driver",
            vec![sourced(vec![counter("memory", "")])],
            vec![error(
                &format!("{COUNTER}.driver"),
                "Required",
                "Required value",
            )],
        ),
        (
            "driver that is not a DNS subdomain",
            vec![sourced(vec![counter("memory", "NOT_VALID!!")])],
            vec![error(
                &format!("{COUNTER}.driver"),
                "Invalid",
                &format!("Invalid value: \"NOT_VALID!!\": {SUBDOMAIN_RULE}"),
            )],
        ),
        (
            "driver longer than 63 characters",
            vec![sourced(vec![counter("memory", long_driver)])],
            vec![error(
                &format!("{COUNTER}.driver"),
                "Invalid",
                &format!("Invalid value: \"{long_driver}\": must not exceed 63 characters"),
            )],
        ),
        (
            "missing device selector",
            vec![sourced(vec![no_selector])],
            vec![error(
                &format!("{COUNTER}.deviceSelector.cel.expression"),
                "Required",
                "Required value",
            )],
        ),
        (
            "empty CEL expression",
            vec![sourced(vec![empty_expression])],
            vec![error(
                &format!("{COUNTER}.deviceSelector.cel.expression"),
                "Required",
                "Required value",
            )],
        ),
        (
            "every counter check in order",
            vec![sourced(vec![DeviceClassSourceConfig {
                counter: Some(DeviceClassCounterSource::default()),
                capacity: None,
            }])],
            vec![
                error(&format!("{COUNTER}.name"), "Required", "Required value"),
                error(&format!("{COUNTER}.driver"), "Required", "Required value"),
                error(
                    &format!("{COUNTER}.deviceSelector.cel.expression"),
                    "Required",
                    "Required value",
                ),
            ],
        ),
    ];

    check_cases(both_gates(), cases);
}

#[test]
fn capacity_source_rules() {
    const CAPACITY: &str = "resources.deviceClassMappings[0].sources[0].capacity";
    let capacity_mapping = |name: &str, driver: &str| {
        with_sources(
            mapping("gpu.memory", &["vgpu.example.com"]),
            vec![capacity(name, driver)],
        )
    };
    let long_domain = "a".repeat(64);
    let long_identifier = "a".repeat(33);
    let cases = vec![
        (
            "unqualified name",
            vec![capacity_mapping("memory", "gpu.example.com")],
            vec![],
        ),
        (
            "qualified name",
            vec![capacity_mapping(
                "gpu.example.com/memory",
                "gpu.example.com",
            )],
            vec![],
        ),
        (
            "C identifier with uppercase and underscore",
            vec![capacity_mapping(
                "gpu.example.com/Memory_Bytes",
                "gpu.example.com",
            )],
            vec![],
        ),
        (
            "uppercase domain is compared lowercased",
            vec![capacity_mapping(
                "GPU.example.com/memory",
                "gpu.example.com",
            )],
            vec![],
        ),
        (
            "more than one slash is accepted",
            vec![capacity_mapping("a/b/c", "gpu.example.com")],
            vec![],
        ),
        (
            "empty domain",
            vec![capacity_mapping("/memory", "gpu.example.com")],
            vec![error(
                &format!("{CAPACITY}.name"),
                "Invalid",
                "Invalid value: \"\": the domain must not be empty",
            )],
        ),
        (
            "empty identifier after the domain",
            vec![capacity_mapping("gpu.example.com/", "gpu.example.com")],
            vec![error(
                &format!("{CAPACITY}.name"),
                "Invalid",
                "Invalid value: \"\": the name must not be empty",
            )],
        ),
        (
            "empty name",
            vec![capacity_mapping("", "gpu.example.com")],
            vec![error(
                &format!("{CAPACITY}.name"),
                "Invalid",
                &format!("Invalid value: \"\": {C_IDENTIFIER_RULE}"),
            )],
        ),
        (
            "identifier with a dash",
            vec![capacity_mapping(
                "gpu.example.com/memory-bytes",
                "gpu.example.com",
            )],
            vec![error(
                &format!("{CAPACITY}.name"),
                "Invalid",
                &format!("Invalid value: \"memory-bytes\": {C_IDENTIFIER_RULE}"),
            )],
        ),
        (
            "invalid domain is shown as written",
            vec![capacity_mapping("GPU_X.com/memory", "gpu.example.com")],
            vec![error(
                &format!("{CAPACITY}.name"),
                "Invalid",
                &format!("Invalid value: \"GPU_X.com\": {SUBDOMAIN_RULE}"),
            )],
        ),
        (
            "domain longer than 63 bytes",
            vec![capacity_mapping(
                &format!("{long_domain}/memory"),
                "gpu.example.com",
            )],
            vec![error(
                &format!("{CAPACITY}.name"),
                "TooLong",
                "Too long: may not be more than 63 bytes",
            )],
        ),
        (
            "identifier longer than 32 bytes",
            vec![capacity_mapping(
                &format!("gpu.example.com/{long_identifier}"),
                "gpu.example.com",
            )],
            vec![error(
                &format!("{CAPACITY}.name"),
                "TooLong",
                "Too long: may not be more than 32 bytes",
            )],
        ),
        (
            "mixed-case driver",
            vec![capacity_mapping("memory", "Gpu.Example.Com")],
            vec![error(
                &format!("{CAPACITY}.driver"),
                "Invalid",
                &format!("Invalid value: \"Gpu.Example.Com\": {SUBDOMAIN_RULE}"),
            )],
        ),
        (
            "name errors come before driver errors",
            vec![capacity_mapping("/", "")],
            vec![
                error(
                    &format!("{CAPACITY}.name"),
                    "Invalid",
                    "Invalid value: \"\": the domain must not be empty",
                ),
                error(
                    &format!("{CAPACITY}.name"),
                    "Invalid",
                    "Invalid value: \"\": the name must not be empty",
                ),
                error(&format!("{CAPACITY}.driver"), "Required", "Required value"),
            ],
        ),
    ];

    check_cases(both_gates(), cases);
}

#[test]
fn transformation_rules() {
    let transformation = |input: &str, strategy: Option<&str>| ResourceTransformation {
        input: input.to_owned(),
        strategy: strategy.map(str::to_owned),
        ..Default::default()
    };
    let config = Configuration {
        resources: Some(Resources {
            transformations: vec![
                transformation("nvidia.com/mig-1g.5gb", None),
                transformation("nvidia.com/mig-2g.10gb", Some("")),
                transformation("nvidia.com/mig-3g.20gb", Some("Replace")),
                transformation("nvidia.com/mig-1g.5gb", Some("Drop")),
            ],
            ..Default::default()
        }),
        ..Default::default()
    };

    let errors = actual(&validate_configuration(
        &config,
        ValidationProfile::default(),
    ));

    assert_eq!(
        errors,
        [
            error(
                "resources.transformations[3].strategy",
                "NotSupported",
                "Unsupported value: \"Drop\": supported values: \"Retain\", \"Replace\"",
            ),
            error(
                "resources.transformations[3].input",
                "Duplicate",
                "Duplicate value: \"nvidia.com/mig-1g.5gb\"",
            ),
        ]
    );
}

#[test]
fn quota_check_strategy_rules() {
    let config = |strategy| Configuration {
        resources: Some(Resources {
            quota_check_strategy: Some(strategy),
            exclude_resource_prefixes: vec!["example.com/".to_owned()],
            ..Default::default()
        }),
        ..Default::default()
    };
    let ignore = config(QuotaCheckStrategy::IgnoreUndeclared);
    let block = config(QuotaCheckStrategy::BlockUndeclared);

    let gate_on = actual(&validate_configuration(
        &ignore,
        ValidationProfile::for_tag(19, 2),
    ));
    let gate_off = validate_configuration(&ignore, ValidationProfile::for_tag(18, 6));
    let block_undeclared = validate_configuration(&block, ValidationProfile::for_tag(19, 2));

    assert_eq!(
        gate_on,
        [error(
            "resources.quotaCheckStrategy",
            "Invalid",
            "Invalid value: \"IgnoreUndeclared\": excludeResourcePrefixes is not allowed when quotaCheckStrategy is IgnoreUndeclared",
        )]
    );
    assert!(gate_off.is_empty(), "{gate_off:?}");
    assert!(block_undeclared.is_empty(), "{block_undeclared:?}");
}

#[test]
fn errors_follow_kueue_order() {
    let mut config = config(vec![
        mapping("@invalid", &[]),
        mapping("valid-name", &["@invalid-device", "valid.com/device"]),
        with_sources(
            mapping("@invalid", &["valid.com/device", "valid.com/device"]),
            vec![
                DeviceClassSourceConfig::default(),
                counter("", "gpu.nvidia.com"),
            ],
        ),
    ]);
    let resources = config.resources.as_mut().expect("resources are set");
    resources.transformations = vec![ResourceTransformation {
        input: "cpu".to_owned(),
        strategy: Some("Drop".to_owned()),
        ..Default::default()
    }];
    resources.quota_check_strategy = Some(QuotaCheckStrategy::IgnoreUndeclared);
    resources.exclude_resource_prefixes = vec!["example.com/".to_owned()];

    let errors = actual(&validate_configuration(&config, both_gates()));

    let invalid_name = format!("Invalid value: \"@invalid\": name part {NAME_RULE}");
    assert_eq!(
        errors,
        [
            error(
                "resources.transformations[0].strategy",
                "NotSupported",
                "Unsupported value: \"Drop\": supported values: \"Retain\", \"Replace\"",
            ),
            error(
                "resources.deviceClassMappings[0].name",
                "Invalid",
                &invalid_name
            ),
            error(
                "resources.deviceClassMappings[0].deviceClassNames",
                "Required",
                "Required value: at least one device class name is required",
            ),
            error(
                "resources.deviceClassMappings[1].deviceClassNames[0]",
                "Invalid",
                &format!("Invalid value: \"@invalid-device\": name part {NAME_RULE}"),
            ),
            error(
                "resources.deviceClassMappings[2].name",
                "Invalid",
                &invalid_name
            ),
            error(
                "resources.deviceClassMappings[2].name",
                "Duplicate",
                "Duplicate value: \"@invalid\"",
            ),
            error(
                "resources.deviceClassMappings[2].deviceClassNames[0]",
                "Invalid",
                "Invalid value: \"valid.com/device\": device class already mapped to resource valid-name",
            ),
            error(
                "resources.deviceClassMappings[2].deviceClassNames[1]",
                "Duplicate",
                "Duplicate value: \"valid.com/device\"",
            ),
            error(
                "resources.deviceClassMappings[2].deviceClassNames[1]",
                "Invalid",
                "Invalid value: \"valid.com/device\": device class already mapped to resource valid-name",
            ),
            error(
                "resources.deviceClassMappings[2].sources[0]",
                "Required",
                "Required value: exactly one source type must be set per entry",
            ),
            error(
                "resources.deviceClassMappings[2].sources[1].counter.name",
                "Required",
                "Required value",
            ),
            error(
                "resources.quotaCheckStrategy",
                "Invalid",
                "Invalid value: \"IgnoreUndeclared\": excludeResourcePrefixes is not allowed when quotaCheckStrategy is IgnoreUndeclared",
            ),
        ]
    );
}

#[test]
fn release_profiles() {
    let v0_14 = ValidationProfile::for_tag(14, 0);
    let v0_16 = ValidationProfile::for_tag(16, 9);
    let v0_18_0 = ValidationProfile::for_tag(18, 0);
    let v0_18_1 = ValidationProfile::for_tag(18, 1);
    let v0_19 = ValidationProfile::for_tag(19, 0);

    assert_eq!(v0_14.name_messages, NameMessages::QualifiedName);
    assert_eq!(
        ValidationProfile::for_tag(15, 8).name_messages,
        NameMessages::QualifiedName
    );
    assert_eq!(v0_16.name_messages, NameMessages::LabelKey);
    assert_eq!(
        ValidationProfile::for_tag(17, 8).sources,
        SourceChecks::None
    );
    assert_eq!(v0_18_0.sources, SourceChecks::CounterWhenGated);
    assert_eq!(v0_18_1.sources, SourceChecks::Counter);
    assert_eq!(v0_19.sources, SourceChecks::CounterAndCapacity);
    assert!(!v0_18_1.partitionable_devices_enabled);
    assert!(!v0_18_1.quota_check_strategy_enabled);
    assert!(v0_19.partitionable_devices_enabled);
    assert!(!v0_19.consumable_capacity_enabled);
    assert!(v0_19.quota_check_strategy_enabled);
    assert_eq!(
        ValidationProfile::for_main(),
        ValidationProfile::for_tag(19, 2)
    );
    assert_eq!(
        ValidationProfile::default(),
        ValidationProfile::for_tag(19, 2)
    );
}

#[test]
fn qualified_name_wording_before_v0_16() {
    let mappings = || {
        vec![
            mapping("a/b/c", &["foo.com/device"]),
            mapping(
                &format!("example.com/{}", "n".repeat(64)),
                &[&format!("{}/d", "p".repeat(254))],
            ),
        ]
    };
    let long_name = format!("example.com/{}", "n".repeat(64));
    let long_class = format!("{}/d", "p".repeat(254));
    let expected = |noun: &str, unit: &str| {
        vec![
            error(
                "resources.deviceClassMappings[0].name",
                "Invalid",
                &format!(
                    "Invalid value: \"a/b/c\": {noun} {NAME_RULE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
                ),
            ),
            error(
                "resources.deviceClassMappings[1].name",
                "Invalid",
                &format!(
                    "Invalid value: \"{long_name}\": name part must be no more than 63 {unit}"
                ),
            ),
            error(
                "resources.deviceClassMappings[1].deviceClassNames[0]",
                "Invalid",
                &format!(
                    "Invalid value: \"{long_class}\": prefix part must be no more than 253 {unit}"
                ),
            ),
            error(
                "resources.deviceClassMappings[1].deviceClassNames[0]",
                "Invalid",
                &format!("Invalid value: \"{long_class}\": must not exceed 253 characters"),
            ),
        ]
    };

    for (minor, patch) in [(14, 0), (14, 8), (15, 8)] {
        let errors = validate(mappings(), ValidationProfile::for_tag(minor, patch));
        assert_eq!(
            errors,
            expected("a qualified name", "characters"),
            "v0.{minor}.{patch}"
        );
    }
    for (minor, patch) in [(16, 0), (17, 8), (18, 6), (19, 2)] {
        let errors = validate(mappings(), ValidationProfile::for_tag(minor, patch));
        assert_eq!(
            errors,
            expected("a valid label key", "bytes"),
            "v0.{minor}.{patch}"
        );
    }
}

#[test]
fn sources_ignored_before_v0_18() {
    let mappings = vec![
        sourced(vec![counter("INVALID_NAME", ""), capacity("", "")]),
        with_sources(
            mapping("gpu.compute", &["mig.nvidia.com"]),
            vec![counter("multiprocessors", "gpu.nvidia.com")],
        ),
    ];

    let errors = validate(mappings, ValidationProfile::for_tag(17, 8));

    // The shared class is an error: only v0.19 lets counter sources share a class.
    assert_eq!(
        errors,
        [error(
            "resources.deviceClassMappings[1].deviceClassNames[0]",
            "Invalid",
            "Invalid value: \"mig.nvidia.com\": device class already mapped to resource gpu.memory",
        )]
    );
}

#[test]
fn v0_18_counter_rules() {
    const SOURCES: &str = "resources.deviceClassMappings[0].sources";
    let gate_on = |patch| ValidationProfile {
        partitionable_devices_enabled: true,
        ..ValidationProfile::for_tag(18, patch)
    };
    let long_name = "m".repeat(64);
    let long_driver = format!("{}.com", "d".repeat(250));
    let mappings = || {
        vec![sourced(vec![
            counter(&long_name, &long_driver),
            capacity("memory", "gpu.nvidia.com"),
        ])]
    };
    let expected = vec![
        error(SOURCES, "TooMany", "Too many: 2: must have at most 1 item"),
        error(
            &format!("{SOURCES}[0].counter.name"),
            "Invalid",
            &format!("Invalid value: \"{long_name}\": must not exceed 63 characters"),
        ),
        error(
            &format!("{SOURCES}[0].counter.driver"),
            "Invalid",
            &format!("Invalid value: \"{long_driver}\": must not exceed 253 characters"),
        ),
        error(
            &format!("{SOURCES}[1].counter"),
            "Required",
            "Required value: exactly one source type must be set",
        ),
    ];

    for patch in [0, 1, 6] {
        let errors = validate(mappings(), gate_on(patch));
        assert_eq!(errors, expected, "v0.18.{patch} with the gate on");
    }

    // v0.18 checks only the lengths of the counter name and the driver.
    let formats = validate(
        vec![sourced(vec![counter("INVALID_NAME", "NOT_VALID!!")])],
        gate_on(6),
    );
    assert!(formats.is_empty(), "{formats:?}");
}

#[test]
fn v0_18_gate_off() {
    let mappings = || vec![sourced(vec![counter("", "")])];

    let v0_18_0 = validate(mappings(), ValidationProfile::for_tag(18, 0));
    let v0_18_1 = validate(mappings(), ValidationProfile::for_tag(18, 1));

    assert!(v0_18_0.is_empty(), "{v0_18_0:?}");
    assert_eq!(
        v0_18_1,
        [error(
            "resources.deviceClassMappings[0].sources",
            "Invalid",
            "Invalid value: 1: sources require KueueDRAIntegrationPartitionableDevices to be enabled",
        )]
    );
}

#[test]
fn v0_18_rejects_shared_counter_class() {
    let profile = ValidationProfile {
        partitionable_devices_enabled: true,
        ..ValidationProfile::for_tag(18, 6)
    };
    let mappings = vec![
        sourced(vec![counter("memory", "gpu.nvidia.com")]),
        with_sources(
            mapping("gpu.compute", &["mig.nvidia.com"]),
            vec![counter("multiprocessors", "gpu.nvidia.com")],
        ),
    ];

    let errors = validate(mappings, profile);

    assert_eq!(
        errors,
        [error(
            "resources.deviceClassMappings[1].deviceClassNames[0]",
            "Invalid",
            "Invalid value: \"mig.nvidia.com\": device class already mapped to resource gpu.memory",
        )]
    );
}

#[test]
fn main_matches_v0_19_2() {
    let mappings = || {
        vec![
            sourced(vec![counter("memory", "gpu.nvidia.com"), capacity("/", "")]),
            mapping("gpu.memory", &["mig.nvidia.com", ""]),
        ]
    };

    let main = validate(mappings(), ValidationProfile::for_main());
    let v0_19_2 = validate(mappings(), ValidationProfile::for_tag(19, 2));

    assert!(!main.is_empty());
    assert_eq!(main, v0_19_2);
}

#[test]
fn error_type_names() {
    let names = [
        (ErrorType::Invalid, "Invalid"),
        (ErrorType::Duplicate, "Duplicate"),
        (ErrorType::Required, "Required"),
        (ErrorType::TooMany, "TooMany"),
        (ErrorType::TooLong, "TooLong"),
        (ErrorType::NotSupported, "NotSupported"),
        (ErrorType::Forbidden, "Forbidden"),
    ];

    for (error_type, name) in names {
        assert_eq!(error_type_name(error_type), name);
    }
}

#[test]
fn duplicate_mapping_fixture() {
    let config_map: serde_json::Value =
        serde_saphyr::from_str(DUPLICATE_MAPPING_FIXTURE).expect("valid YAML");
    let embedded = config_map["data"]["controller_manager_config.yaml"]
        .as_str()
        .expect("the ConfigMap holds controller_manager_config.yaml");
    let config: Configuration = serde_saphyr::from_str(embedded).expect("a valid Configuration");

    let errors = validate_configuration(&config, ValidationProfile::default());

    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].field,
        "resources.deviceClassMappings[1].deviceClassNames[0]"
    );
    assert_eq!(error_type_name(errors[0].error_type), "Invalid");
    assert_eq!(
        errors[0].to_string(),
        "resources.deviceClassMappings[1].deviceClassNames[0]: Invalid value: \"gpus.example.com\": device class already mapped to resource whole-gpus"
    );
}

#[test]
fn source_selector_must_compile() {
    const COUNTER: &str = "resources.deviceClassMappings[0].sources[0].counter";
    let mut broken_counter = counter("memory", "gpu.nvidia.com");
    if let Some(source) = &mut broken_counter.counter {
        source.device_selector = selector("device.driver == ");
    }
    let mut broken_capacity = capacity("memory", "gpu.nvidia.com");
    if let Some(source) = &mut broken_capacity.capacity {
        source.device_selector = selector("device.vendor == 'nvidia'");
    }
    let cases = vec![
        (
            "counter selector with a syntax error",
            vec![sourced(vec![broken_counter])],
            vec![error(
                &format!("{COUNTER}.deviceSelector.cel.expression"),
                "Invalid",
                "Invalid value: \"device.driver == \": CEL compilation failed: compilation failed: ERROR: <input>:1:18: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}\n | device.driver == \n | .................^",
            )],
        ),
        (
            "capacity selector naming an unknown field",
            vec![sourced(vec![broken_capacity])],
            vec![error(
                "resources.deviceClassMappings[0].sources[0].capacity.deviceSelector.cel.expression",
                "Invalid",
                "Invalid value: \"device.vendor == 'nvidia'\": CEL compilation failed: compilation failed: ERROR: <input>:1:7: undefined field 'vendor'\n | device.vendor == 'nvidia'\n | ......^",
            )],
        ),
    ];

    check_cases(both_gates(), cases);
}
