use std::collections::BTreeMap;

use k8s_openapi::api::resource::v1::{DeviceAttribute, DeviceCapacity};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as KubeQuantity;

use super::*;

fn compile_error(expression: &str) -> String {
    match compile(expression, Features::default()) {
        Ok(_) => panic!("{expression:?} compiled"),
        Err(error) => error.detail,
    }
}

fn string_attribute(value: &str) -> DeviceAttribute {
    DeviceAttribute {
        string: Some(value.to_owned()),
        ..Default::default()
    }
}

fn capacity(value: &str) -> DeviceCapacity {
    DeviceCapacity {
        value: KubeQuantity(value.to_owned()),
        request_policy: None,
    }
}

/// Returns the attributes of a MIG partition as the NVIDIA driver publishes them.
fn mig_attributes() -> BTreeMap<String, DeviceAttribute> {
    BTreeMap::from([
        ("type".to_owned(), string_attribute("mig")),
        ("profile".to_owned(), string_attribute("1g.10gb")),
        (
            "driverVersion".to_owned(),
            DeviceAttribute {
                version: Some("550.54.15".to_owned()),
                ..Default::default()
            },
        ),
        (
            "index".to_owned(),
            DeviceAttribute {
                int: Some(3),
                ..Default::default()
            },
        ),
        (
            "resource.kubernetes.io/pcieRoot".to_owned(),
            string_attribute("pci0000:00"),
        ),
    ])
}

fn mig_capacity() -> BTreeMap<String, DeviceCapacity> {
    BTreeMap::from([("memory".to_owned(), capacity("9728Mi"))])
}

fn evaluate(expression: &str) -> Result<bool, String> {
    let attributes = mig_attributes();
    let capacity = mig_capacity();
    let device = CelDevice {
        driver: "gpu.nvidia.com",
        attributes: Some(&attributes),
        capacity: Some(&capacity),
        allow_multiple_allocations: None,
    };
    let selector = compile(expression, Features::default())
        .unwrap_or_else(|error| panic!("{expression:?}: {error}"));
    selector.matches(&device)
}

#[test]
fn syntax_error_has_cel_go_layout() {
    assert_eq!(
        compile_error("device.driver =="),
        "compilation failed: ERROR: <input>:1:17: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}\n | device.driver ==\n | ................^"
    );
}

#[test]
fn undeclared_variable_is_rejected() {
    assert_eq!(
        compile_error("gpu.driver == 'x'"),
        "compilation failed: ERROR: <input>:1:1: undeclared reference to 'gpu' (in container '')\n | gpu.driver == 'x'\n | ^"
    );
}

#[test]
fn undeclared_function_is_rejected() {
    assert_eq!(
        compile_error("isGpu(device)"),
        "compilation failed: ERROR: <input>:1:6: undeclared reference to 'isGpu' (in container '')\n | isGpu(device)\n | .....^"
    );
}

#[test]
fn unknown_device_field_is_rejected() {
    assert_eq!(
        compile_error("device.model == 'a100'"),
        "compilation failed: ERROR: <input>:1:7: undefined field 'model'\n | device.model == 'a100'\n | ......^"
    );
}

#[test]
fn allow_multiple_allocations_needs_consumable_capacity() {
    let expression = "device.allowMultipleAllocations";

    assert_eq!(
        compile_error(expression),
        "compilation failed: ERROR: <input>:1:7: undefined field 'allowMultipleAllocations'\n | device.allowMultipleAllocations\n | ......^"
    );
    let features = Features {
        consumable_capacity: true,
    };
    assert!(compile(expression, features).is_ok());
}

#[test]
fn non_bool_result_is_rejected() {
    assert_eq!(
        compile_error("device.driver"),
        "must evaluate to bool or the unknown type, not string"
    );
    assert_eq!(
        compile_error("1"),
        "must evaluate to bool or the unknown type, not int"
    );
}

#[test]
fn attribute_of_unknown_type_compiles() {
    assert!(
        compile(
            "device.attributes['gpu.nvidia.com'].mig",
            Features::default()
        )
        .is_ok()
    );
}

#[test]
fn driver_is_compared() {
    assert_eq!(evaluate("device.driver == 'gpu.nvidia.com'"), Ok(true));
    assert_eq!(evaluate("device.driver == 'gpu.example.com'"), Ok(false));
}

#[test]
fn attribute_without_domain_gets_driver_domain() {
    assert_eq!(
        evaluate("device.attributes['gpu.nvidia.com'].profile == '1g.10gb'"),
        Ok(true)
    );
    assert_eq!(
        evaluate("device.attributes['gpu.nvidia.com'].index == 3"),
        Ok(true)
    );
}

#[test]
fn attribute_with_domain_keeps_it() {
    assert_eq!(
        evaluate("device.attributes['resource.kubernetes.io'].pcieRoot == 'pci0000:00'"),
        Ok(true)
    );
}

#[test]
fn missing_attribute_fails_to_evaluate() {
    assert_eq!(
        evaluate("device.attributes['gpu.nvidia.com'].model == 'a100'"),
        Err("no such key: model".to_owned())
    );
}

#[test]
fn missing_domain_reads_as_empty_map() {
    assert_eq!(
        evaluate("has(device.attributes['dra.example.com'].model)"),
        Ok(false)
    );
    assert_eq!(
        evaluate("device.attributes['dra.example.com'].model == 'x'"),
        Err("no such key: model".to_owned())
    );
}

#[test]
fn capacity_compares_as_quantity() {
    assert_eq!(
        evaluate("device.capacity['gpu.nvidia.com'].memory.isGreaterThan(quantity('9Gi'))"),
        Ok(true)
    );
    assert_eq!(
        evaluate("device.capacity['gpu.nvidia.com'].memory.isLessThan(quantity('9Gi'))"),
        Ok(false)
    );
    assert_eq!(
        evaluate("device.capacity['gpu.nvidia.com'].memory.compareTo(quantity('9728Mi')) == 0"),
        Ok(true)
    );
    assert_eq!(
        evaluate("device.capacity['gpu.nvidia.com'].memory == quantity('9.5Gi')"),
        Ok(true)
    );
}

#[test]
fn quantity_arithmetic_is_exact() {
    assert_eq!(
        evaluate("quantity('1Gi').add(quantity('512Mi')).compareTo(quantity('1536Mi')) == 0"),
        Ok(true)
    );
    assert_eq!(
        evaluate("quantity('1Gi').sub(1).asInteger() == 1073741823"),
        Ok(true)
    );
    assert_eq!(evaluate("quantity('500m').isInteger()"), Ok(false));
    assert_eq!(evaluate("quantity('-2').sign() == -1"), Ok(true));
    assert_eq!(
        evaluate("isQuantity('1Gi') && !isQuantity('1 Gi')"),
        Ok(true)
    );
}

#[test]
fn quantity_asinteger_rejects_fraction() {
    assert_eq!(
        evaluate("quantity('1.5').asInteger() == 1"),
        Err("cannot convert value to integer".to_owned())
    );
}

#[test]
fn semver_compares_versions() {
    assert_eq!(
        evaluate(
            "device.attributes['gpu.nvidia.com'].driverVersion.isGreaterThan(semver('550.0.0'))"
        ),
        Ok(true)
    );
    assert_eq!(
        evaluate(
            "device.attributes['gpu.nvidia.com'].driverVersion.compareTo(semver('560.1.0')) < 0"
        ),
        Ok(true)
    );
    assert_eq!(
        evaluate("semver('1.2.3').major() == 1 && semver('1.2.3').patch() == 3"),
        Ok(true)
    );
    assert_eq!(evaluate("semver('v1.2', true).minor() == 2"), Ok(true));
    assert_eq!(evaluate("isSemver('1.2.3') && !isSemver('1.2')"), Ok(true));
}

#[test]
fn bind_names_a_domain() {
    assert_eq!(
        evaluate(
            "cel.bind(gpu, device.attributes['gpu.nvidia.com'], gpu.type == 'mig' && gpu.index > 1)"
        ),
        Ok(true)
    );
}

#[test]
fn non_bool_value_fails_to_evaluate() {
    assert_eq!(
        evaluate("device.attributes['gpu.nvidia.com'].profile"),
        Err("CEL result of type string could not be converted to bool: type conversion error from 'string' to 'bool'".to_owned())
    );
}

#[test]
fn attribute_without_value_fails_to_evaluate() {
    let attributes = BTreeMap::from([("empty".to_owned(), DeviceAttribute::default())]);
    let device = CelDevice {
        driver: "gpu.nvidia.com",
        attributes: Some(&attributes),
        capacity: None,
        allow_multiple_allocations: None,
    };
    let selector = compile("device.driver != ''", Features::default()).expect("a valid selector");

    assert_eq!(
        selector.matches(&device),
        Err("attribute empty: unsupported attribute value".to_owned())
    );
}

#[test]
fn syntax_errors_match_cel_go() {
    // cel-go's own tests expect these two messages for these inputs, byte for byte.
    assert_eq!(
        compile_error("-"),
        "compilation failed: ERROR: <input>:1:2: Syntax error: no viable alternative at input '-'\n | -\n | .^\nERROR: <input>:1:2: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}\n | -\n | .^"
    );
    assert_eq!(
        compile_error("ExampleType{}.in"),
        "compilation failed: ERROR: <input>:1:15: Syntax error: no viable alternative at input '.in'\n | ExampleType{}.in\n | ..............^\nERROR: <input>:1:17: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}\n | ExampleType{}.in\n | ................^"
    );
}
