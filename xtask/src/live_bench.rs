//! `cargo xtask bench --live`: times `Cluster::read_into` of kueue-dra-cluster against the
//! local apiserver of [`crate::live_apiserver`] serving a snapshot of 10,000 Workloads, with
//! concurrent and with sequential listing, and writes the figures to docs/BENCHMARKS.md.
//!
//! The reader runs in this process on a current-thread runtime, as the plugin runs it. The
//! server runs on its own threads. Wall time is measured around `read_into` alone: the lists,
//! the gets, and adding every object to the loader. The server counts requests and returned
//! objects.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use kueue_dra_cluster::controller::ControllerLookup;
use kueue_dra_cluster::live::{Cluster, ConnectOptions, Listing, ReadOptions};
use kueue_dra_cluster::{Loader, Snapshot};
use serde_json::{Value, json};

use crate::bench::{self, BENCHMARKS_PAGE};
use crate::live_apiserver::{Counters, LiveApiserver, Store};
use crate::snapshot;

/// The markers around the part of [`BENCHMARKS_PAGE`] that `--live` replaces.
pub(crate) const START_MARKER: &str = "<!-- cargo xtask bench live: start -->";
pub(crate) const END_MARKER: &str = "<!-- cargo xtask bench live: end -->";

/// The Workloads of the served snapshot.
const WORKLOADS: usize = 10_000;

/// The `limit` of each list: kubectl's default, and a smaller one that needs five times the
/// requests.
const PAGE_SIZES: [u32; 2] = [500, 100];

/// The wait before each response. 0 ms shows the reader's own cost. 2 ms is an estimate of
/// the round trip and apiserver work for a list page of a cluster in the same data centre.
const LATENCIES: [Duration; 2] = [Duration::ZERO, Duration::from_millis(2)];

/// The kubeconfig that points at the local apiserver, relative to the repository root.
const KUBECONFIG: &str = "target/bench/live-kubeconfig.yaml";

/// The namespace of the served ConfigMap and Deployment.
const KUEUE_NAMESPACE: &str = "kueue-system";

/// The image of the served controller Deployment's `manager` container.
const KUEUE_IMAGE: &str = "registry.k8s.io/kueue/kueue:v0.17.8";

/// The measurements of a whole run.
struct Run {
    measurements: Vec<Measurement>,
    /// The objects of the served snapshot, without the controller Deployment.
    snapshot_objects: usize,
    /// The load averages before and after the timed reads.
    load: [String; 2],
}

/// One combination of server latency, page size and listing order.
#[derive(Clone, Copy, Debug)]
struct Case {
    latency: Duration,
    page_size: u32,
    listing: Listing,
}

/// The runs of one [`Case`].
struct Measurement {
    case: Case,
    /// The requests of one read; every run sends the same number.
    requests: u64,
    /// The objects the server returned in one read.
    objects: u64,
    /// The wall time of each run, sorted.
    times: Vec<Duration>,
}

impl Measurement {
    fn median(&self) -> Duration {
        self.times[self.times.len() / 2]
    }
}

/// Measures every case and writes its section of [`BENCHMARKS_PAGE`]. A debug build of xtask
/// builds and runs the release build instead, so that the reader is measured optimized.
pub(crate) fn run(root: &Path, repeats: usize) -> Result<ExitCode> {
    if cfg!(debug_assertions) {
        return run_release_build(root, repeats);
    }

    let run = measure_all(root, repeats)?;
    let section = render(&run, repeats)?;
    let page = root.join(BENCHMARKS_PAGE);
    let existing = fs::read_to_string(&page).unwrap_or_default();
    fs::write(
        &page,
        bench::replace_section(&existing, &section, START_MARKER, END_MARKER),
    )
    .with_context(|| format!("failed to write `{}`", page.display()))?;
    eprintln!("bench: wrote the live section of {BENCHMARKS_PAGE}");
    Ok(ExitCode::SUCCESS)
}

/// Builds xtask in release mode and runs its `bench --live`.
fn run_release_build(root: &Path, repeats: usize) -> Result<ExitCode> {
    eprintln!("bench: building xtask in release mode for the live measurement");
    bench::cargo(
        root,
        &["build", "--release", "--package", "xtask", "--bin", "xtask"],
    )?;
    let program = root.join("target/release/xtask");
    let status = Command::new(&program)
        .args(["bench", "--live", "--repeats", &repeats.to_string()])
        .current_dir(root)
        .status()
        .with_context(|| format!("failed to run `{}`", program.display()))?;
    if !status.success() {
        bail!("`{} bench --live` failed: {status}", program.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Serves the snapshot and measures every case: one untimed read each, then `repeats` rounds
/// of one timed read each. Returns the measurements and the number of objects in the
/// snapshot.
fn measure_all(root: &Path, repeats: usize) -> Result<Run> {
    let mut bytes = Vec::new();
    let counts = snapshot::write(&mut bytes, WORKLOADS).context("failed to generate a snapshot")?;
    let mut document: Value =
        serde_json::from_slice(&bytes).context("the generated snapshot is not JSON")?;
    drop(bytes);
    let Value::Array(mut objects) = document["items"].take() else {
        bail!("the generated snapshot has no `items` list");
    };
    objects.push(controller_deployment());
    let store = Store::new(objects)?;
    let object_count = store.len();
    let server = LiveApiserver::start(store)?;
    let kubeconfig = root.join(KUBECONFIG);
    server.write_kubeconfig(&kubeconfig)?;
    eprintln!(
        "bench: serving {object_count} objects of a {WORKLOADS}-Workload snapshot at {}",
        server.url()
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("failed to start the runtime of the reader")?;
    let connect = ConnectOptions {
        kubeconfig: Some(kubeconfig),
        ..ConnectOptions::default()
    };
    let cluster = runtime
        .block_on(Cluster::connect(&connect))
        .context("failed to connect to the benchmark apiserver")?;

    let load_before = load_average();
    let reader = Reader {
        runtime: &runtime,
        cluster: &cluster,
        server: &server,
        expected_objects: counts.objects,
    };
    let mut measurements = Vec::new();
    for case in cases() {
        let (_, counters) = reader.read(case)?;
        measurements.push(Measurement {
            case,
            requests: counters.requests,
            objects: counters.objects,
            times: Vec::with_capacity(repeats),
        });
    }

    // Each round reads every case once, so that a change in the load of the shared machine
    // during the run affects all cases alike.
    for round in 1..=repeats {
        eprintln!("bench: round {round} of {repeats}");
        for measurement in &mut measurements {
            let (time, counters) = reader.read(measurement.case)?;
            if counters.requests != measurement.requests || counters.objects != measurement.objects
            {
                bail!(
                    "{:?}: a read sent {} requests for {} objects, an earlier one {} for {}",
                    measurement.case,
                    counters.requests,
                    counters.objects,
                    measurement.requests,
                    measurement.objects
                );
            }
            measurement.times.push(time);
        }
    }

    for measurement in &mut measurements {
        measurement.times.sort();
        let case = measurement.case;
        eprintln!(
            "bench: {} listing, page size {}, latency {} ms: {} requests, {:.0} ms",
            listing_name(case.listing),
            case.page_size,
            case.latency.as_millis(),
            measurement.requests,
            as_millis(measurement.median())
        );
    }
    Ok(Run {
        measurements,
        snapshot_objects: counts.objects,
        load: [load_before, load_average()],
    })
}

/// Returns the 1-, 5- and 15-minute load averages of the machine, from `/proc/loadavg`.
fn load_average() -> String {
    let text = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let averages: Vec<&str> = text.split_whitespace().take(3).collect();
    if averages.is_empty() {
        "unknown".to_owned()
    } else {
        averages.join(", ")
    }
}

/// Returns every combination of latency, page size and listing order, with the concurrent
/// case of each pair first.
fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for latency in LATENCIES {
        for page_size in PAGE_SIZES {
            for listing in [Listing::Concurrent, Listing::Sequential] {
                cases.push(Case {
                    latency,
                    page_size,
                    listing,
                });
            }
        }
    }
    cases
}

/// The client side of the timed reads, and the server whose latency they set and whose
/// counters they read.
struct Reader<'a> {
    runtime: &'a tokio::runtime::Runtime,
    cluster: &'a Cluster,
    server: &'a LiveApiserver,
    /// The objects of the snapshot, which every read must load.
    expected_objects: usize,
}

impl Reader<'_> {
    /// Reads the cluster once as `case` sets, and checks what was loaded. Returns the wall
    /// time of `read_into` and what the server counted during it.
    fn read(&self, case: Case) -> Result<(Duration, Counters)> {
        self.server.set_latency(case.latency);
        let options = ReadOptions {
            namespace: None,
            kueue_namespace: KUEUE_NAMESPACE.to_owned(),
            read_configuration: true,
            page_size: case.page_size,
            listing: case.listing,
            workload_label_selector: None,
            workload_field_selector: None,
        };
        let mut loader = Loader::new("default");
        let before = self.server.counters();
        let started = Instant::now();
        let controller = self
            .runtime
            .block_on(self.cluster.read_into(&mut loader, &options))
            .context("failed to read the benchmark apiserver")?;
        let elapsed = started.elapsed();
        let after = self.server.counters();

        if !matches!(controller, ControllerLookup::Found { .. }) {
            bail!("the controller Deployment was not read: {controller:?}");
        }
        let snapshot = loader
            .finish()
            .context("failed to load the objects of the benchmark apiserver")?;
        let loaded_count = loaded_objects(&snapshot);
        if loaded_count != self.expected_objects {
            bail!(
                "a read loaded {loaded_count} objects, but the snapshot has {}",
                self.expected_objects
            );
        }
        let counters = Counters {
            requests: after.requests - before.requests,
            objects: after.objects - before.objects,
        };
        Ok((elapsed, counters))
    }
}

/// Returns the number of objects in `snapshot`, counting the Configuration's ConfigMap.
fn loaded_objects(snapshot: &Snapshot) -> usize {
    usize::from(snapshot.configuration.is_some())
        + snapshot.workloads.len()
        + snapshot.device_classes.len()
        + snapshot.resource_claim_templates.len()
        + snapshot.resource_claims.len()
        + snapshot.resource_slices.len()
        + snapshot.cluster_queues.len()
        + snapshot.local_queues.len()
        + snapshot.resource_flavors.len()
        + snapshot.cohorts.len()
        + snapshot.limit_ranges.len()
        + snapshot.runtime_classes.len()
}

/// Returns a Kueue v0.17.8 controller Deployment, reduced to its labels, selector and the
/// `manager` container that the reader looks for.
fn controller_deployment() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "kueue-controller-manager",
            "namespace": KUEUE_NAMESPACE,
            "uid": "0000000d-0000-4000-8000-000000000000",
            "resourceVersion": "1000",
            "labels": {"control-plane": "controller-manager"},
        },
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"control-plane": "controller-manager"}},
            "template": {
                "metadata": {"labels": {"control-plane": "controller-manager"}},
                "spec": {
                    "containers": [{
                        "name": "manager",
                        "image": KUEUE_IMAGE,
                        "args": [
                            "--config=/controller_manager_config.yaml",
                            "--zap-log-level=2",
                        ],
                    }],
                },
            },
        },
    })
}

fn listing_name(listing: Listing) -> &'static str {
    match listing {
        Listing::Concurrent => "concurrent",
        Listing::Sequential => "sequential",
    }
}

fn as_millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Writes the marked section: the machine, the figures, and the ratio of sequential to
/// concurrent wall time per latency and page size.
fn render(run: &Run, repeats: usize) -> Result<String> {
    let measurements = &run.measurements;
    let mut text = String::new();
    writeln!(text, "{START_MARKER}")?;
    writeln!(text, "### Machine\n")?;
    for line in bench::machine_description() {
        writeln!(text, "- {line}")?;
    }
    writeln!(
        text,
        "- load average (1, 5, 15 min): {} before the timed reads, {} after",
        run.load[0], run.load[1]
    )?;

    writeln!(
        text,
        "\n### Figures\n\n`read_into` of {} objects ({WORKLOADS} Workloads) and the controller \
         Deployment.\nEach case is read once untimed, then once in each of {repeats} rounds; the \
         median is shown\nwith the min and max in brackets. The server counts the requests and \
         objects of each read.\n",
        run.snapshot_objects
    )?;
    writeln!(
        text,
        "| listing | page size | latency per request | requests | objects | wall time (ms) |"
    )?;
    writeln!(text, "|---|---:|---:|---:|---:|---:|")?;
    for measurement in measurements {
        let case = measurement.case;
        writeln!(
            text,
            "| {} | {} | {} ms | {} | {} | {:.0} ({:.0}–{:.0}) |",
            listing_name(case.listing),
            case.page_size,
            case.latency.as_millis(),
            measurement.requests,
            measurement.objects,
            as_millis(measurement.median()),
            as_millis(measurement.times[0]),
            as_millis(measurement.times[measurement.times.len() - 1]),
        )?;
    }

    writeln!(text, "\n### Sequential / concurrent\n")?;
    writeln!(
        text,
        "| latency per request | page size | sequential / concurrent wall time |"
    )?;
    writeln!(text, "|---:|---:|---:|")?;
    for pair in measurements.chunks(2) {
        let [concurrent, sequential] = pair else {
            continue;
        };
        writeln!(
            text,
            "| {} ms | {} | {:.2} |",
            concurrent.case.latency.as_millis(),
            concurrent.case.page_size,
            sequential.median().as_secs_f64() / concurrent.median().as_secs_f64()
        )?;
    }
    writeln!(text, "{END_MARKER}")?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measurement(listing: Listing, milliseconds: &[u64]) -> Measurement {
        Measurement {
            case: Case {
                latency: Duration::from_millis(2),
                page_size: 500,
                listing,
            },
            requests: 37,
            objects: 12_442,
            times: milliseconds
                .iter()
                .map(|millis| Duration::from_millis(*millis))
                .collect(),
        }
    }

    #[test]
    fn render_writes_rows_and_ratio() {
        let run = Run {
            measurements: vec![
                measurement(Listing::Concurrent, &[90, 100, 120]),
                measurement(Listing::Sequential, &[140, 150, 170]),
            ],
            snapshot_objects: 12_442,
            load: ["1.00, 2.00, 3.00".to_owned(), "1.50, 2.00, 3.00".to_owned()],
        };

        let text = render(&run, 3).expect("the section renders");

        assert!(text.starts_with(START_MARKER), "{text}");
        assert!(text.ends_with(&format!("{END_MARKER}\n")), "{text}");
        assert!(
            text.contains("| concurrent | 500 | 2 ms | 37 | 12442 | 100 (90–120) |"),
            "{text}"
        );
        assert!(
            text.contains("| sequential | 500 | 2 ms | 37 | 12442 | 150 (140–170) |"),
            "{text}"
        );
        assert!(text.contains("| 2 ms | 500 | 1.50 |"), "{text}");
        assert!(text.contains("`read_into` of 12442 objects"), "{text}");
        assert!(
            text.contains("1.00, 2.00, 3.00 before the timed reads, 1.50, 2.00, 3.00 after"),
            "{text}"
        );
    }

    #[test]
    fn deployment_has_manager_container() {
        let deployment = controller_deployment();
        let container =
            kueue_dra_cluster::controller::ManagerContainer::from_deployment(&deployment)
                .expect("a manager container");
        assert_eq!(container.image, KUEUE_IMAGE);
    }
}
