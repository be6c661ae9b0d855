//! Computes what Kueue charges each workload in a directory or file of manifests.
//!
//! ```sh
//! cargo run -p kueue-dra-quota --example charge_from_yaml -- examples/resource-claim-template
//! ```
//!
//! The manifests are loaded with `kueue-dra-cluster`, which also turns Jobs and Pods into the
//! Workloads Kueue would create. The rest is this crate: an index of the DeviceClasses, then
//! one explanation per Workload.

use std::path::Path;

use kueue_api::config::Configuration;
use kueue_dra_cluster::Loader;
use kueue_dra_index::DeviceClassIndex;
use kueue_dra_quota::Calculator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "examples/resource-claim-template".to_owned());
    let mut loader = Loader::new("default");
    loader.add_path(Path::new(&path))?;
    let snapshot = loader.finish()?;

    let configuration: Configuration = snapshot
        .configuration
        .map(|loaded| loaded.configuration)
        .unwrap_or_default();
    let mappings = configuration
        .resources
        .as_ref()
        .map_or(&[][..], |resources| &resources.device_class_mappings[..]);
    let index = DeviceClassIndex::new(mappings, &snapshot.device_classes);
    let calculator = Calculator::new(&configuration, &index, &snapshot.resource_claim_templates);

    for loaded in &snapshot.workloads {
        let workload = loaded.workload()?;
        let explanation = calculator.explain(&workload);
        let name = loaded.name();
        if explanation.message.is_empty() {
            println!("{name}: {:?}", explanation.status);
        } else {
            println!("{name}: {:?}: {}", explanation.status, explanation.message);
        }
        for pod_set in &explanation.pod_sets {
            for (resource, total) in &pod_set.total {
                println!("  {}: {resource} = {total}", pod_set.name);
            }
        }
    }
    Ok(())
}
