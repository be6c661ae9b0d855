//! The `explain` report: one explanation per workload, in the JSON shape scripts rely on.

use std::collections::{BTreeSet, HashMap};

use kueue_api::config::Configuration;
use kueue_api::v1beta2::Workload;
use kueue_dra_cluster::{LoadedWorkload, Snapshot};
use kueue_dra_index::DeviceClassIndex;
use kueue_dra_quota::{
    Calculator, DriftChange, Explanation, Queues, Release, Status, Verdict, VerdictSettings, drift,
    without_admission,
};
use serde::Serialize;

use crate::validate;

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
    /// Whether the ClusterQueue would reserve quota for the workload now.
    pub(crate) verdict: Verdict,
    /// For an admitted workload, where `status.admission` differs from what the current
    /// objects would charge.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) drift: Vec<DriftChange>,
    /// For an admitted workload, the message with which Kueue would reject it now; the JSON
    /// output has it in `notes`.
    #[serde(skip)]
    pub(crate) rejected_since_admission: Option<String>,
}

/// The object a workload was read from.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Source {
    pub(crate) api_version: String,
    pub(crate) kind: String,
}

impl Report {
    /// Checks every workload of `snapshot` and explains those in `namespace`, or in every
    /// namespace. Fails on the first workload with an invalid quantity or count, in input
    /// order.
    pub(crate) fn build(
        snapshot: &Snapshot,
        release: Release,
        namespace: Option<&str>,
    ) -> anyhow::Result<Self> {
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
        let queues = Queues {
            cluster_queues: &snapshot.cluster_queues,
            cohorts: &snapshot.cohorts,
            local_queues: &snapshot.local_queues,
            resource_flavors: &snapshot.resource_flavors,
        };
        let settings = VerdictSettings::new(release, calculator.feature_gates(), configuration);
        let context = QueueContext {
            queues,
            settings: &settings,
        };

        let local_queues = cluster_queues_by_local_queue(snapshot);

        // Each Workload is decoded once here and dropped after its explanation, because the
        // loader may keep Workloads only as text.
        let mut workloads = Vec::new();
        for loaded in &snapshot.workloads {
            let workload = loaded.workload()?;
            validate::check(loaded, &workload)?;
            let selected = namespace.is_none_or(|namespace| loaded.namespace() == namespace);
            if selected {
                workloads.push(explain(
                    loaded,
                    &workload,
                    &calculator,
                    &context,
                    &local_queues,
                ));
            }
        }
        workloads.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));

        Ok(Self {
            kueue_version: release.to_string(),
            workloads,
            dra_resource_names: dra_resource_names(configuration, snapshot),
        })
    }

    /// Returns whether any workload is inadmissible.
    pub(crate) fn has_inadmissible(&self) -> bool {
        self.workloads
            .iter()
            .any(|workload| workload.explanation.status == Status::Inadmissible)
    }
}

/// The queueing objects and settings every workload's verdict is computed with.
struct QueueContext<'a> {
    queues: Queues<'a>,
    settings: &'a VerdictSettings,
}

fn explain(
    loaded: &LoadedWorkload,
    workload: &Workload,
    calculator: &Calculator<'_>,
    context: &QueueContext<'_>,
    local_queues: &LocalQueueTargets<'_>,
) -> WorkloadReport {
    let namespace = loaded.namespace().to_owned();
    let local_queue = workload.spec.queue_name.clone().unwrap_or_default();

    let admitted_to = workload
        .status
        .as_ref()
        .and_then(|status| status.admission.as_ref())
        .map(|admission| admission.cluster_queue.clone());
    let cluster_queue = admitted_to
        .or_else(|| {
            local_queues
                .get(&(namespace.as_str(), local_queue.as_str()))
                .map(|queue| (*queue).to_owned())
        })
        .unwrap_or_default();

    let mut explanation = calculator.explain(workload);
    explanation.notes.splice(0..0, loaded.notes.iter().cloned());

    // An admitted workload's charge is Kueue's record; the verdict and the drift check use
    // the charge the current objects give.
    let recomputed = (explanation.status == Status::Admitted)
        .then(|| calculator.explain(&without_admission(workload)));
    let pending = recomputed.as_ref().unwrap_or(&explanation);
    let verdict = context.queues.verdict(workload, pending, context.settings);
    let drift = match &recomputed {
        Some(recomputed) => drift_of(workload, recomputed, context, &cluster_queue),
        None => Vec::new(),
    };
    if let Some(recomputed) = &recomputed {
        explanation.notes.extend(drift_notes(recomputed, &drift));
    }
    let rejected_since_admission = recomputed
        .filter(|recomputed| recomputed.status == Status::Inadmissible)
        .map(|recomputed| recomputed.message);

    WorkloadReport {
        namespace,
        name: loaded.name().to_owned(),
        source: Source {
            api_version: loaded.source_api_version.clone(),
            kind: loaded.source_kind.clone(),
        },
        local_queue,
        cluster_queue,
        explanation,
        verdict,
        drift,
        rejected_since_admission,
    }
}

/// The ClusterQueue each LocalQueue of the input points at, by namespace and name.
type LocalQueueTargets<'a> = HashMap<(&'a str, &'a str), &'a str>;

/// Indexes the LocalQueues of `snapshot`; when two have the same namespace and name, the first
/// one counts.
fn cluster_queues_by_local_queue(snapshot: &Snapshot) -> LocalQueueTargets<'_> {
    let mut targets = HashMap::new();
    for queue in &snapshot.local_queues {
        let metadata = &queue.metadata;
        let (Some(namespace), Some(name)) = (&metadata.namespace, &metadata.name) else {
            continue;
        };
        if let Some(cluster_queue) = &queue.spec.cluster_queue {
            targets
                .entry((namespace.as_str(), name.as_str()))
                .or_insert(cluster_queue.as_str());
        }
    }
    targets
}

/// Compares an admitted workload's record with `recomputed`.
fn drift_of(
    workload: &Workload,
    recomputed: &Explanation,
    context: &QueueContext<'_>,
    cluster_queue: &str,
) -> Vec<DriftChange> {
    let cluster_queue = context
        .queues
        .cluster_queues
        .iter()
        .find(|queue| queue.metadata.name.as_deref() == Some(cluster_queue));
    drift(workload, recomputed, cluster_queue, context.settings)
}

/// States what changed since admission, or that Kueue would now reject the workload.
fn drift_notes(recomputed: &Explanation, drift: &[DriftChange]) -> Vec<String> {
    if recomputed.status == Status::Inadmissible {
        return vec![format!(
            "Drift: the current objects would make this admitted workload inadmissible: {}",
            recomputed.message
        )];
    }
    drift
        .iter()
        .map(|change| {
            format!(
                "Drift: the current objects would charge differently from status.admission, {}.",
                change.describe()
            )
        })
        .collect()
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
