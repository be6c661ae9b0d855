//! The `explain` report: one explanation per workload, in the JSON shape scripts rely on.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};
use std::sync::LazyLock;

use kueue_api::config::Configuration;
use kueue_api::v1beta2::Workload;
use kueue_dra_cluster::{LoadedWorkload, Snapshot};
use kueue_dra_index::DeviceClassIndex;
use kueue_dra_quota::{
    Calculator, DriftChange, Explanation, QueueIndex, Queues, Release, Status, Verdict,
    VerdictSettings, drift, without_admission,
};
use rayon::prelude::*;
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
        explain_each(
            snapshot,
            release,
            namespace,
            &|workload| workload,
            &mut |workload| {
                workloads.push(workload);
                Ok(())
            },
        )?;
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

/// How many workloads are explained together, in parallel, before they are passed on in
/// order: enough to keep every core busy, few enough that they take little memory.
const BATCH: usize = 256;

/// Explains the workloads of `snapshot` in `namespace`, or in every namespace, sorted by
/// namespace, then name. Each explanation is turned into a `T` by `finish` on the thread that
/// made it, and the results are passed to `visit` in order, a batch at a time, so that few are
/// held at once. Stops at the first error of `visit`.
///
/// The loader has already checked every workload (see [`crate::validate::invalid_field`]), so
/// decoding a workload kept as text again does not fail in practice.
pub(crate) fn explain_each<T: Send>(
    snapshot: &Snapshot,
    release: Release,
    namespace: Option<&str>,
    finish: &(dyn Fn(WorkloadReport) -> T + Sync),
    visit: &mut dyn FnMut(T) -> anyhow::Result<()>,
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
    for batch in selected.chunks(BATCH) {
        let finished: Vec<anyhow::Result<T>> = batch
            .par_iter()
            .map(|loaded| {
                // A Workload kept as text is decoded here and dropped after its explanation.
                let workload = loaded.workload()?;
                Ok(finish(explainer.explain(loaded, &workload)))
            })
            .collect();
        for result in finished {
            visit(result?)?;
        }
    }
    Ok(())
}

/// Returns the Configuration of `snapshot`, or Kueue's default one.
fn configuration(snapshot: &Snapshot) -> &Configuration {
    static DEFAULT: LazyLock<Configuration> = LazyLock::new(Configuration::default);
    snapshot
        .configuration
        .as_ref()
        .map_or(&DEFAULT, |loaded| &loaded.configuration)
}

/// The counts of one [`write_json`] run, for the messages and the exit code after the document.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// How many workloads were written.
    pub(crate) written: usize,
    /// Whether any written workload is inadmissible.
    pub(crate) inadmissible: bool,
}

/// Writes the document `explain -o json` prints, the bytes `serde_json::to_writer_pretty`
/// writes for a [`Report`] and a final newline, while the workloads are explained: those of
/// `snapshot` in `namespace`, or in every namespace, that `keep` selects. Each workload is
/// serialized on the thread that explained it, so that no more than a batch of explanations
/// is ever in memory.
pub(crate) fn write_json(
    snapshot: &Snapshot,
    release: Release,
    namespace: Option<&str>,
    keep: &(dyn Fn(&WorkloadReport) -> bool + Sync),
    out: &mut dyn Write,
) -> anyhow::Result<Tally> {
    let write_error = |error| anyhow::Error::new(error).context("cannot write to standard output");
    let version = serde_json::to_string(&release.to_string())?;
    write!(
        out,
        "{{\n  \"kueueVersion\": {version},\n  \"workloads\": ["
    )
    .map_err(write_error)?;

    let mut tally = Tally::default();
    let finish = |workload: WorkloadReport| {
        keep(&workload).then(|| (workload.is_inadmissible(), indented_json(&workload)))
    };
    explain_each(snapshot, release, namespace, &finish, &mut |finished| {
        let Some((inadmissible, json)) = finished else {
            return Ok(());
        };
        let separator: &[u8] = if tally.written == 0 { b"\n" } else { b",\n" };
        out.write_all(separator)
            .and_then(|()| out.write_all(&json?))
            .map_err(write_error)?;
        tally.written += 1;
        tally.inadmissible |= inadmissible;
        Ok(())
    })?;

    let close: &[u8] = if tally.written == 0 {
        b"]\n}\n"
    } else {
        b"\n  ]\n}\n"
    };
    out.write_all(close)
        .and_then(|()| out.flush())
        .map_err(write_error)?;
    Ok(tally)
}

/// Serializes one workload as indented JSON, each line indented by four more spaces: its
/// place in the `workloads` array of the document.
fn indented_json(workload: &WorkloadReport) -> Result<Vec<u8>, io::Error> {
    const INDENT: &[u8] = b"    ";
    let json = serde_json::to_vec_pretty(workload)?;
    // Room for the indentation of lines about 20 bytes long.
    let mut indented = Vec::with_capacity(json.len() + json.len() / 5);
    indented.extend_from_slice(INDENT);
    // serde_json escapes control characters in strings, so every newline ends a line.
    for line in json.split_inclusive(|byte| *byte == b'\n') {
        indented.extend_from_slice(line);
        if line.ends_with(b"\n") {
            indented.extend_from_slice(INDENT);
        }
    }
    Ok(indented)
}

/// The calculator and the queue lookups that explain the workloads of one snapshot, built once.
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use kueue_dra_cluster::Loader;

    use super::*;

    /// Loads the five Workloads of testdata/gpu-cluster, with their queues and DeviceClasses.
    fn gpu_cluster() -> Snapshot {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/gpu-cluster");
        let mut loader = Loader::new("default");
        loader.add_path(&path).expect("the fixture loads");
        loader.finish().expect("the fixture loads")
    }

    /// Returns what [`write_json`] writes, and its tally.
    fn streamed(
        snapshot: &Snapshot,
        namespace: Option<&str>,
        keep: &(dyn Fn(&WorkloadReport) -> bool + Sync),
    ) -> (String, Tally) {
        let mut out = Vec::new();
        let tally = write_json(snapshot, Release::default(), namespace, keep, &mut out)
            .expect("the fixture is explained");
        (String::from_utf8(out).expect("JSON is UTF-8"), tally)
    }

    /// Returns the document `serde_json` writes for the whole report, filtered by `keep`.
    fn collected(
        snapshot: &Snapshot,
        namespace: Option<&str>,
        keep: &dyn Fn(&WorkloadReport) -> bool,
    ) -> String {
        let mut report = Report::build(snapshot, Release::default(), namespace)
            .expect("the fixture is explained");
        report.workloads.retain(|workload| keep(workload));
        let mut json = serde_json::to_string_pretty(&report).expect("a report serializes");
        json.push('\n');
        json
    }

    #[test]
    fn streamed_document_is_the_serialized_report() {
        let snapshot = gpu_cluster();
        let (json, tally) = streamed(&snapshot, None, &|_| true);
        assert_eq!(json, collected(&snapshot, None, &|_| true));
        assert_eq!(tally.written, 5);
    }

    #[test]
    fn streamed_document_without_workloads_has_an_empty_array() {
        let snapshot = gpu_cluster();
        let (json, tally) = streamed(&snapshot, Some("no-such-namespace"), &|_| true);
        assert_eq!(
            json,
            collected(&snapshot, Some("no-such-namespace"), &|_| true)
        );
        assert!(json.contains("\"workloads\": []"), "{json}");
        assert_eq!(tally.written, 0);
    }

    #[test]
    fn streamed_document_leaves_out_what_keep_rejects() {
        let snapshot = gpu_cluster();
        let inadmissible = |workload: &WorkloadReport| workload.is_inadmissible();
        let (json, tally) = streamed(&snapshot, None, &inadmissible);
        assert_eq!(json, collected(&snapshot, None, &inadmissible));
        assert!(tally.written > 0, "{}", tally.written);
        assert!(tally.written < 5, "{}", tally.written);
        assert!(tally.inadmissible);
    }

    #[test]
    fn streamed_document_spans_several_batches() {
        let mut snapshot = gpu_cluster();
        let copies: Vec<LoadedWorkload> = (0..BATCH)
            .flat_map(|_| snapshot.workloads.iter().cloned())
            .collect();
        snapshot.workloads.extend(copies);
        let (json, tally) = streamed(&snapshot, None, &|_| true);
        assert_eq!(json, collected(&snapshot, None, &|_| true));
        assert_eq!(tally.written, 5 * (BATCH + 1));
    }
}
