//! CEL device selectors on arbitrary text.
//!
//! The input, if it is UTF-8, is compiled as a selector with and without consumable
//! capacity. A selector that compiles is evaluated against two devices: a MIG partition with
//! string, int, version and domain-qualified attributes and a memory capacity, and a device
//! with neither attributes nor capacity. Compilation and evaluation may fail but must not
//! panic, and every error message must render.

#![no_main]

use std::collections::BTreeMap;

use k8s_openapi::api::resource::v1::{DeviceAttribute, DeviceCapacity};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as KubeQuantity;
use kueue_dra_quota::dra_cel::{CelDevice, Features, compile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(expression) = std::str::from_utf8(data) else {
        return;
    };

    let attributes = mig_attributes();
    let capacity = BTreeMap::from([(
        "memory".to_owned(),
        DeviceCapacity {
            value: KubeQuantity("9728Mi".to_owned()),
            request_policy: None,
        },
    )]);
    let partition = CelDevice {
        driver: "gpu.nvidia.com",
        attributes: Some(&attributes),
        capacity: Some(&capacity),
        allow_multiple_allocations: Some(true),
    };
    let empty_device = CelDevice {
        driver: "dra.example.com",
        attributes: None,
        capacity: None,
        allow_multiple_allocations: None,
    };

    for consumable_capacity in [false, true] {
        let features = Features {
            consumable_capacity,
        };
        match compile(expression, features) {
            Ok(selector) => {
                for device in [&partition, &empty_device] {
                    if let Err(error) = selector.matches(device) {
                        let _ = error.to_string();
                    }
                }
            }
            Err(error) => {
                let _ = error.to_string();
            }
        }
    }
});

/// Returns the attributes of a MIG partition as the NVIDIA driver publishes them.
fn mig_attributes() -> BTreeMap<String, DeviceAttribute> {
    let string = |value: &str| DeviceAttribute {
        string: Some(value.to_owned()),
        ..Default::default()
    };
    BTreeMap::from([
        ("type".to_owned(), string("mig")),
        ("profile".to_owned(), string("1g.10gb")),
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
            "uuid".to_owned(),
            string("MIG-4f8a6c2e-1b7d-5e9f-a3c0-8d2b6e4f1a95"),
        ),
        (
            "resource.kubernetes.io/pcieRoot".to_owned(),
            string("pci0000:00"),
        ),
    ])
}
