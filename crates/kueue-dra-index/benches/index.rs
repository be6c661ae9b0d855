//! Micro-benchmarks of the DeviceClass index: building it, and the two lookups the calculator
//! makes per request, on 40 DeviceClasses of which 8 set `extendedResourceName`.
//!
//! Run with `cargo bench -p kueue-dra-index --bench index`.

use divan::Bencher;
use k8s_openapi::api::resource::v1::{DeviceClass, DeviceClassSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kueue_api::config::DeviceClassMapping;
use kueue_dra_index::DeviceClassIndex;

const MAPPINGS: usize = 8;
const MAPPED_CLASSES: usize = 32;
const EXTENDED_CLASSES: usize = 8;

fn main() {
    divan::main();
}

fn class_name(class: usize) -> String {
    format!("gpu-{class:02}.example.com")
}

fn objects() -> (Vec<DeviceClassMapping>, Vec<DeviceClass>) {
    let mappings = (0..MAPPINGS)
        .map(|mapping| DeviceClassMapping {
            name: format!("example.com/gpu-{mapping}"),
            device_class_names: (0..MAPPED_CLASSES)
                .filter(|class| class % MAPPINGS == mapping)
                .map(class_name)
                .collect(),
            ..Default::default()
        })
        .collect();
    let classes = (0..MAPPED_CLASSES + EXTENDED_CLASSES)
        .map(|class| DeviceClass {
            metadata: ObjectMeta {
                name: Some(class_name(class)),
                ..Default::default()
            },
            spec: DeviceClassSpec {
                extended_resource_name: (class >= MAPPED_CLASSES)
                    .then(|| format!("example.com/ext-gpu-{class}")),
                ..Default::default()
            },
        })
        .collect();
    (mappings, classes)
}

#[divan::bench]
fn build(bencher: Bencher<'_, '_>) {
    let (mappings, classes) = objects();
    bencher.bench_local(|| DeviceClassIndex::new(divan::black_box(&mappings), &classes));
}

#[divan::bench]
fn mapping_for_class(bencher: Bencher<'_, '_>) {
    let (mappings, classes) = objects();
    let index = DeviceClassIndex::new(&mappings, &classes);
    let name = class_name(MAPPED_CLASSES - 1);
    bencher.bench_local(|| {
        index
            .mapping_for_class(divan::black_box(&name))
            .map(|mapping| mapping.name.len())
    });
}

#[divan::bench]
fn selected_class_for_extended_resource(bencher: Bencher<'_, '_>) {
    let (mappings, classes) = objects();
    let index = DeviceClassIndex::new(&mappings, &classes);
    let name = format!(
        "example.com/ext-gpu-{}",
        MAPPED_CLASSES + EXTENDED_CLASSES - 1
    );
    bencher.bench_local(|| {
        index
            .selected_class_for_extended_resource(divan::black_box(&name))
            .and_then(|class| class.metadata.name.as_ref().map(String::len))
    });
}
