//! The `explain` report: one explanation per workload, in the JSON shape scripts rely on.

use std::collections::BTreeSet;

use kueue_api::config::Configuration;
use kueue_dra_cluster::{LoadedWorkload, Snapshot};
use kueue_dra_index::DeviceClassIndex;
use kueue_dra_quota::{Calculator, Explanation, Release, Status};
use serde::Serialize;

/// The document `explain -o json` prints.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Report {
    /// The Kueue release whose behaviour was reproduced.
    pub(crate) kueue_version: String,
    /// One entry per workload, sorted by namespace, then name.
    pub(crate) workloads: Vec<WorkloadReport>,
    /// The mapping names and the DeviceClasses' extended resource names: the keys an
    /// admitted workload's DRA devices can be recorded under.
    #[serde(skip)]
    pub(crate) dra_resource_names: BTreeSet<String>,
}

/// The explanation of one workload: its charges and its verdict.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WorkloadReport {
    pub(crate) namespace: String,
    pub(crate) name: String,
    pub(crate) source: Source,
    pub(crate) local_queue: String,
    pub(crate) cluster_queue: String,
    #[serde(flatten)]
    pub(crate) explanation: Explanation,
}

/// The object a workload was read from.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Source {
    pub(crate) api_version: String,
    pub(crate) kind: String,
}

impl Report {
    /// Explains every workload of `snapshot` in `namespace`, or in every namespace.
    pub(crate) fn build(snapshot: &Snapshot, release: Release, namespace: Option<&str>) -> Self {
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
        let mut calculator =
            Calculator::new(configuration, &index, &snapshot.resource_claim_templates)
                .with_limit_ranges(&snapshot.limit_ranges)
                .with_runtime_classes(&snapshot.runtime_classes)
                .with_release(release);
        // An input without ResourceSlices is taken as one that left them out, so the
        // explanations note which checks and charges need them instead of showing zero.
        // NOTE: a cluster that publishes no ResourceSlices at all reads the same way, though
        // Kueue would then find no devices.
        if !snapshot.resource_slices.is_empty() {
            calculator = calculator.with_resource_slices(&snapshot.resource_slices);
        }

        let mut workloads: Vec<WorkloadReport> = snapshot
            .workloads
            .iter()
            .filter(|loaded| {
                namespace.is_none_or(|namespace| {
                    loaded.workload.metadata.namespace.as_deref() == Some(namespace)
                })
            })
            .map(|loaded| explain(loaded, &calculator, snapshot))
            .collect();
        workloads.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));

        Self {
            kueue_version: release.to_string(),
            workloads,
            dra_resource_names: dra_resource_names(configuration, snapshot),
        }
    }

    /// Returns whether any workload is inadmissible.
    pub(crate) fn has_inadmissible(&self) -> bool {
        self.workloads
            .iter()
            .any(|workload| workload.explanation.status == Status::Inadmissible)
    }
}

fn explain(
    loaded: &LoadedWorkload,
    calculator: &Calculator<'_>,
    snapshot: &Snapshot,
) -> WorkloadReport {
    let workload = &loaded.workload;
    let namespace = workload.metadata.namespace.clone().unwrap_or_default();
    let local_queue = workload.spec.queue_name.clone().unwrap_or_default();

    let admitted_to = workload
        .status
        .as_ref()
        .and_then(|status| status.admission.as_ref())
        .map(|admission| admission.cluster_queue.clone());
    let cluster_queue = admitted_to
        .or_else(|| cluster_queue_of(snapshot, &namespace, &local_queue))
        .unwrap_or_default();

    let mut explanation = calculator.explain(workload);
    explanation.notes.splice(0..0, loaded.notes.iter().cloned());

    WorkloadReport {
        namespace,
        name: workload.metadata.name.clone().unwrap_or_default(),
        source: Source {
            api_version: loaded.source_api_version.clone(),
            kind: loaded.source_kind.clone(),
        },
        local_queue,
        cluster_queue,
        explanation,
    }
}

/// Returns the ClusterQueue a LocalQueue points at, if the input has that LocalQueue.
fn cluster_queue_of(snapshot: &Snapshot, namespace: &str, local_queue: &str) -> Option<String> {
    snapshot
        .local_queues
        .iter()
        .find(|queue| {
            queue.metadata.namespace.as_deref() == Some(namespace)
                && queue.metadata.name.as_deref() == Some(local_queue)
        })
        .and_then(|queue| queue.spec.cluster_queue.clone())
}

/// Collects the mapping names and the extended resource names of DeviceClasses.
fn dra_resource_names(configuration: &Configuration, snapshot: &Snapshot) -> BTreeSet<String> {
    let mapping_names = configuration
        .resources
        .iter()
        .flat_map(|resources| &resources.device_class_mappings)
        .map(|mapping| mapping.name.clone());
    let extended_resource_names = snapshot
        .device_classes
        .iter()
        .filter_map(|class| class.spec.extended_resource_name.clone());
    mapping_names.chain(extended_resource_names).collect()
}
