//! The `explain` report: one explanation per workload, in the JSON shape scripts rely on.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use kueue_api::config::Configuration;
use kueue_api::v1beta2::Workload;
use kueue_dra_cluster::{LoadedWorkload, Snapshot};
use kueue_dra_index::DeviceClassIndex;
use kueue_dra_quota::{
    Calculator, DriftChange, Explanation, QueueIndex, Queues, Release, Status, Verdict,
    VerdictSettings, drift, without_admission,
};
use serde::ser::{Error as _, SerializeSeq as _, SerializeStruct as _};
use serde::{Serialize, Serializer};

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
    /// Explains the workloads of `snapshot` in `namespace`, or in every namespace, and keeps
    /// every explanation.
    pub(crate) fn build(
        snapshot: &Snapshot,
        release: Release,
        namespace: Option<&str>,
    ) -> anyhow::Result<Self> {
        let mut workloads = Vec::new();
        explain_each(snapshot, release, namespace, &mut |workload| {
            workloads.push(workload);
            Ok(())
        })?;
        Ok(Self {
            kueue_version: release.to_string(),
            workloads,
            dra_resource_names: dra_resource_names(snapshot),
        })
    }

    /// Returns whether any workload is inadmissible.
    pub(crate) fn has_inadmissible(&self) -> bool {
        self.workloads.iter().any(WorkloadReport::is_inadmissible)
    }
}

impl WorkloadReport {
    /// Returns whether Kueue would reject the workload before checking quota.
    pub(crate) fn is_inadmissible(&self) -> bool {
        self.explanation.status == Status::Inadmissible
    }
}

/// Explains the workloads of `snapshot` in `namespace`, or in every namespace, sorted by
/// namespace, then name, and passes each explanation to `visit` as soon as it is made, so
/// that one is held at a time. Stops at the first error of `visit`.
///
/// The loader has already checked every workload (see [`crate::validate::invalid_field`]), so
/// decoding a workload kept as text again does not fail in practice.
pub(crate) fn explain_each(
    snapshot: &Snapshot,
    release: Release,
    namespace: Option<&str>,
    visit: &mut dyn FnMut(WorkloadReport) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let configuration = configuration(snapshot);
    let mappings = configuration
        .resources
        .as_ref()
        .map_or(&[][..], |resources| &resources.device_class_mappings[..]);
    let index = DeviceClassIndex::new(mappings, &snapshot.device_classes);
    let mut calculator = Calculator::new(configuration, &index, &snapshot.resource_claim_templates)
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
    let explainer = Explainer {
        calculator,
        queues: QueueIndex::new(queues, &settings),
        local_queues: cluster_queues_by_local_queue(snapshot),
    };

    let mut selected: Vec<&LoadedWorkload> = snapshot
        .workloads
        .iter()
        .filter(|loaded| namespace.is_none_or(|namespace| loaded.namespace() == namespace))
        .collect();
    selected.sort_by(|a, b| (a.namespace(), a.name()).cmp(&(b.namespace(), b.name())));
    for loaded in selected {
        // A Workload kept as text is decoded here and dropped after its explanation.
        let workload = loaded.workload()?;
        visit(explainer.explain(loaded, &workload))?;
    }
    Ok(())
}

/// The Configuration of `snapshot`, or Kueue's default one.
fn configuration(snapshot: &Snapshot) -> &Configuration {
    static DEFAULT: LazyLock<Configuration> = LazyLock::new(Configuration::default);
    snapshot
        .configuration
        .as_ref()
        .map_or(&DEFAULT, |loaded| &loaded.configuration)
}

/// The document `explain -o json` prints, with each workload explained while it is written,
/// so that the explanations are never all in memory.
pub(crate) struct StreamedReport<'a> {
    snapshot: &'a Snapshot,
    release: Release,
    namespace: Option<&'a str>,
    keep: &'a dyn Fn(&WorkloadReport) -> bool,
    tally: RefCell<Tally>,
}

/// What the written workloads had in common, for the messages and the exit code after them.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// How many workloads were written.
    pub(crate) written: usize,
    /// Whether any written workload is inadmissible.
    pub(crate) inadmissible: bool,
    /// The error that stopped the explanations, if any.
    pub(crate) error: Option<anyhow::Error>,
}

impl<'a> StreamedReport<'a> {
    /// Prepares the report of the workloads of `snapshot` in `namespace`, or in every
    /// namespace, that `keep` selects once explained.
    pub(crate) fn new(
        snapshot: &'a Snapshot,
        release: Release,
        namespace: Option<&'a str>,
        keep: &'a dyn Fn(&WorkloadReport) -> bool,
    ) -> Self {
        Self {
            snapshot,
            release,
            namespace,
            keep,
            tally: RefCell::default(),
        }
    }

    /// Returns what was written; call it after serializing.
    pub(crate) fn into_tally(self) -> Tally {
        self.tally.into_inner()
    }
}

impl Serialize for StreamedReport<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut report = serializer.serialize_struct("Report", 2)?;
        report.serialize_field("kueueVersion", &self.release.to_string())?;
        report.serialize_field("workloads", &StreamedWorkloads(self))?;
        report.end()
    }
}

/// The `workloads` array of a [`StreamedReport`].
struct StreamedWorkloads<'r, 'a>(&'r StreamedReport<'a>);

impl Serialize for StreamedWorkloads<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let mut sequence = serializer.serialize_seq(None)?;
        let mut write_error = None;
        let explained = explain_each(
            report.snapshot,
            report.release,
            report.namespace,
            &mut |workload| {
                if !(report.keep)(&workload) {
                    return Ok(());
                }
                let mut tally = report.tally.borrow_mut();
                tally.written += 1;
                tally.inadmissible |= workload.is_inadmissible();
                sequence.serialize_element(&workload).map_err(|error| {
                    write_error = Some(error);
                    anyhow::anyhow!("the JSON document could not be written")
                })
            },
        );
        if let Some(error) = write_error {
            return Err(error);
        }
        if let Err(error) = explained {
            // The caller reports the error itself rather than as a failed write.
            report.tally.borrow_mut().error = Some(error);
            return Err(S::Error::custom("the explanations stopped"));
        }
        sequence.end()
    }
}

/// What explaining each workload of one snapshot needs, built once.
struct Explainer<'a> {
    calculator: Calculator<'a>,
    queues: QueueIndex<'a>,
    local_queues: LocalQueueTargets<'a>,
}

impl Explainer<'_> {
    /// Explains `workload`, read as `loaded`: its charge, its verdict, and for an admitted
    /// workload, how its record differs from what the current objects would charge.
    fn explain(&self, loaded: &LoadedWorkload, workload: &Workload) -> WorkloadReport {
        let namespace = loaded.namespace().to_owned();
        let local_queue = workload.spec.queue_name.clone().unwrap_or_default();

        let admitted_to = workload
            .status
            .as_ref()
            .and_then(|status| status.admission.as_ref())
            .map(|admission| admission.cluster_queue.clone());
        let cluster_queue = admitted_to
            .or_else(|| {
                self.local_queues
                    .get(&(namespace.as_str(), local_queue.as_str()))
                    .map(|queue| (*queue).to_owned())
            })
            .unwrap_or_default();

        let mut explanation = self.calculator.explain(workload);
        explanation.notes.splice(0..0, loaded.notes.iter().cloned());

        // An admitted workload's charge is Kueue's record; the verdict and the drift check
        // use the charge the current objects give.
        let recomputed = (explanation.status == Status::Admitted)
            .then(|| self.calculator.explain(&without_admission(workload)));
        let pending = recomputed.as_ref().unwrap_or(&explanation);
        let verdict = self.queues.verdict(workload, pending);
        let drift = match &recomputed {
            Some(recomputed) => drift(
                workload,
                recomputed,
                self.queues.cluster_queue(&cluster_queue),
                self.queues.settings(),
            ),
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
fn dra_resource_names(snapshot: &Snapshot) -> BTreeSet<String> {
    let mapping_names = configuration(snapshot)
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
