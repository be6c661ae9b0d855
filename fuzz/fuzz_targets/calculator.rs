//! The calculator over arbitrary Workloads.
//!
//! The input is read by the loader like `explain -f`: Jobs and Pods become the Workloads
//! Kueue would create, next to the Configuration, DeviceClasses, ResourceClaimTemplates,
//! LimitRanges and RuntimeClasses it contains. Every Workload is then explained for every
//! release, as `explain` does. The calculator must not panic on any Workload that loads.

#![no_main]

use kueue_api::config::Configuration;
use kueue_dra_index::DeviceClassIndex;
use kueue_dra_quota::{Calculator, Release};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(snapshot) = kueue_dra_fuzz::load(data) else {
        return;
    };
    if snapshot.workloads.is_empty() {
        return;
    }

    let default_configuration = Configuration::default();
    let configuration = snapshot
        .configuration
        .as_ref()
        .map_or(&default_configuration, |loaded| &loaded.configuration);
    let mappings = configuration
        .resources
        .as_ref()
        .map_or(&[][..], |resources| &resources.device_class_mappings[..]);
    let index = DeviceClassIndex::new(mappings, &snapshot.device_classes);

    for release in Release::all() {
        let calculator = Calculator::new(configuration, &index, &snapshot.resource_claim_templates)
            .with_limit_ranges(&snapshot.limit_ranges)
            .with_runtime_classes(&snapshot.runtime_classes)
            .with_release(release);
        for loaded in &snapshot.workloads {
            // The loader decoded every Workload once already, so a second decoding must work.
            let workload = loaded
                .workload()
                .unwrap_or_else(|error| panic!("a loaded Workload does not decode again: {error}"));
            let explanation = calculator.explain(&workload);
            // `explain -o json` prints every explanation, so each must serialize.
            if let Err(error) = serde_json::to_string(&explanation) {
                panic!("the explanation does not serialize: {error}");
            }
        }
    }
});
