//! `check-config` against live clusters: the fake apiserver of [`crate::fake_apiserver`]
//! serves the manager cluster, and for MultiKueue a second and third one serve the workers,
//! each a context of one generated kubeconfig.

use serde_json::{Value, json};

use crate::examples::assert_follows_contract;
use crate::fake_apiserver::{Cluster, FakeApiserver, Kubeconfig, run_live};
use crate::harness::{self, json};
use crate::live::{assert_only_reads, controller_deployment};

/// Reads every YAML document of a file in the repository, skipping comment-only ones.
fn documents(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(harness::repo_root().join(path)).expect("the file");
    text.split("\n---\n")
        .map(|document| serde_saphyr::from_str::<Value>(document).expect("the file is YAML"))
        .filter(|document| !document.is_null())
        .collect()
}

/// The time the fixtures' ConfigMaps were created, as the apiserver sets it on every object.
const CREATED: &str = "2026-11-20T09:00:00Z";

/// Reads the objects of one cluster in `testdata/multikueue`, with Kueue v0.19.2's controller.
fn multikueue_cluster(name: &str) -> Vec<Value> {
    let mut objects = documents(&format!("testdata/multikueue/{name}.yaml"));
    for object in &mut objects {
        if object["kind"] == "ConfigMap" {
            object["metadata"]["creationTimestamp"] = json!(CREATED);
        }
    }
    objects.push(controller_deployment(
        "registry.k8s.io/kueue/kueue:v0.19.2",
        &["--config=/controller_manager_config.yaml"],
    ));
    objects
}

/// Replaces Kueue's ConfigMap in `objects` with one that contains `configuration`.
fn with_configuration(mut objects: Vec<Value>, configuration: &str) -> Vec<Value> {
    objects.retain(|object| object["kind"] != "ConfigMap");
    objects.push(json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "namespace": "kueue-system",
            "name": "kueue-manager-config",
            "creationTimestamp": CREATED,
        },
        "data": {"controller_manager_config.yaml": configuration},
    }));
    objects
}

/// Removes the object of `kind` named `name` from `objects`.
fn without(mut objects: Vec<Value>, kind: &str, name: &str) -> Vec<Value> {
    objects.retain(|object| !(object["kind"] == kind && object["metadata"]["name"] == name));
    objects
}

/// Returns the findings with `code`.
fn findings_with(document: &Value, code: &str) -> Vec<Value> {
    document["findings"]
        .as_array()
        .expect("findings is a list")
        .iter()
        .filter(|finding| finding["code"] == code)
        .cloned()
        .collect()
}

fn codes(document: &Value) -> Vec<String> {
    document["findings"]
        .as_array()
        .expect("findings is a list")
        .iter()
        .map(|finding| finding["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Builds a manager Pod of Kueue's Deployment whose container started at `started`.
fn manager_pod(started: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"namespace": "kueue-system", "name": "kueue-controller-manager-6d9f8-x2k4q"},
        "status": {
            "startTime": started,
            "containerStatuses": [
                {"name": "manager", "state": {"running": {"startedAt": started}}},
            ],
        },
    })
}

/// Sets when Kueue's ConfigMap in `objects` was last written.
fn config_map_written(mut objects: Vec<Value>, written: &str) -> Vec<Value> {
    for object in &mut objects {
        if object["kind"] == "ConfigMap" {
            object["metadata"]["managedFields"] = json!([{"manager": "kubectl-client-side-apply", "operation": "Update", "time": written}]);
        }
    }
    objects
}

#[test]
fn live_cluster_without_problems_passes() {
    let server = FakeApiserver::start(Cluster::with(multikueue_cluster("manager")));
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["check-config", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(output.stderr, "");
    let document = json(&output);
    assert_eq!(document["kueueVersion"], "v0.19.2");
    assert_eq!(codes(&document), Vec::<String>::new(), "{document:#}");
    assert_eq!(server.requests_for("version").len(), 1);
    assert_eq!(server.requests_for("apis").len(), 1);
    assert_eq!(server.requests_for("pods").len(), 1);
    assert_only_reads(&server);
}

#[test]
fn config_flag_is_checked_against_cluster() {
    let server = FakeApiserver::start(Cluster::with(multikueue_cluster("manager")));
    let kubeconfig = Kubeconfig::new(&server.url);
    let directory = tempfile::tempdir().expect("a temporary directory");
    let config = directory.path().join("kueue-config.yaml");
    std::fs::write(
        &config,
        "\
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
waitForPodsReady:
  timeout: 10m
resources:
  deviceClassMappings:
  - name: gpu
    deviceClassNames:
    - gpu.example.com
    - a100.example.com
",
    )
    .expect("the Configuration is written");
    let config = config.display().to_string();

    let output = run_live(
        &kubeconfig,
        &["check-config", "--config", &config, "-o", "json"],
    );

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let document = json(&output);
    let missing = findings_with(&document, "MAPPED-DEVICECLASS-MISSING");
    assert_eq!(missing.len(), 1, "{document:#}");
    assert_eq!(missing[0]["objects"][0]["name"], "a100.example.com");
    // The live ConfigMap is neither read nor compared with the Pods' start.
    assert!(server.requests_for("kueue-manager-config").is_empty());
    assert!(server.requests_for("pods").is_empty());
    assert_only_reads(&server);
}

#[test]
fn unserved_dra_api_is_an_error() {
    let mut cluster = Cluster::with(multikueue_cluster("manager"));
    cluster.missing_groups.insert("resource.k8s.io".to_owned());
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["check-config", "-o", "json"]);

    assert_eq!(output.code, Some(1), "stderr: {}", output.stderr);
    let document = json(&output);
    let unserved = findings_with(&document, "DRA-API-NOT-SERVED");
    assert_eq!(unserved.len(), 1, "{document:#}");
    assert_eq!(unserved[0]["severity"], "Error");
    let message = unserved[0]["message"].as_str().expect("a message");
    assert!(message.contains("resource.k8s.io/v1"), "{message}");
    assert!(
        message.contains("no version of resource.k8s.io"),
        "{message}"
    );
}

#[test]
fn v1beta2_release_needs_v1beta2_api() {
    // Kueue v0.14 charges DRA devices only with its DynamicResourceAllocation gate on.
    let objects = with_configuration(
        multikueue_cluster("manager"),
        "\
apiVersion: config.kueue.x-k8s.io/v1beta1
kind: Configuration
featureGates:
  DynamicResourceAllocation: true
waitForPodsReady:
  enable: true
resources:
  deviceClassMappings:
  - name: gpu
    deviceClassNames:
    - gpu.example.com
",
    );
    let server = FakeApiserver::start(Cluster::with(objects));
    let kubeconfig = Kubeconfig::new(&server.url);

    let v14 = run_live(
        &kubeconfig,
        &["check-config", "--kueue-version", "v0.14.0", "-o", "json"],
    );

    // The fake apiserver serves only resource.k8s.io/v1, which Kueue v0.14 does not read.
    let document = json(&v14);
    assert_eq!(
        document["kueueVersion"], "v0.14.0",
        "the flag overrides the image's tag"
    );
    assert_eq!(
        document["kueueVersion"], "v0.14.0",
        "the flag overrides the image's tag"
    );
    let unserved = findings_with(&document, "DRA-API-NOT-SERVED");
    assert_eq!(unserved.len(), 1, "{document:#}");
    let message = unserved[0]["message"].as_str().expect("a message");
    assert!(message.contains("resource.k8s.io/v1beta2"), "{message}");
    assert!(message.contains("only resource.k8s.io/v1"), "{message}");
}

/// Checks the partitionable-devices example's Configuration on a cluster of `version`.
fn check_counter_sources_on(version: &str) -> Value {
    let configuration = std::fs::read_to_string(
        harness::repo_root().join("examples/partitionable-devices/configuration.yaml"),
    )
    .expect("the example Configuration");
    let objects = with_configuration(multikueue_cluster("manager"), &configuration);
    let mut cluster = Cluster::with(objects);
    cluster.kubernetes_version = Some(version.to_owned());
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["check-config", "-o", "json"]);
    assert_only_reads(&server);
    json(&output)
}

#[test]
fn old_kubernetes_lacks_counter_gate() {
    let document = check_counter_sources_on("v1.32.4");

    let unavailable = findings_with(&document, "KUBERNETES-FEATURE-UNAVAILABLE");
    let gates: Vec<(&str, &str)> = unavailable
        .iter()
        .map(|finding| {
            let message = finding["message"].as_str().expect("a message");
            let gate = if message.contains("DRAPartitionableDevices") {
                "DRAPartitionableDevices"
            } else if message.contains("DRAExtendedResource") {
                "DRAExtendedResource"
            } else {
                "other"
            };
            (gate, finding["severity"].as_str().expect("a severity"))
        })
        .collect();
    // No DeviceClass declares an extended resource name, so only the counter gate matters.
    assert_eq!(
        gates,
        [("DRAPartitionableDevices", "Error")],
        "{document:#}"
    );
}

#[test]
fn alpha_kubernetes_gate_not_verifiable() {
    let document = check_counter_sources_on("v1.34.2");

    assert!(findings_with(&document, "KUBERNETES-FEATURE-UNAVAILABLE").is_empty());
    let messages: Vec<String> = findings_with(&document, "NOT-VERIFIABLE")
        .iter()
        .map(|finding| finding["message"].as_str().unwrap_or_default().to_owned())
        .collect();
    let gate_messages: Vec<&String> = messages
        .iter()
        .filter(|message| message.contains("off by default"))
        .collect();
    assert_eq!(gate_messages.len(), 1, "{messages:?}");
    assert!(
        gate_messages[0].contains("DRAPartitionableDevices"),
        "{messages:?}"
    );
    let fixes: Vec<String> = findings_with(&document, "NOT-VERIFIABLE")
        .iter()
        .filter(|finding| {
            finding["message"]
                .as_str()
                .unwrap_or_default()
                .contains("DRAPartitionableDevices")
        })
        .map(|finding| finding["fix"].as_str().unwrap_or_default().to_owned())
        .collect();
    // No ResourceSlice shows the apiserver's gate, so both components are checked by hand.
    assert!(
        fixes[0].contains("kubernetes_feature_enabled{name=\"DRAPartitionableDevices\""),
        "{fixes:?}"
    );
    assert!(fixes[0].contains("kube-scheduler"), "{fixes:?}");
}

#[test]
fn beta_kubernetes_gate_is_quiet() {
    let document = check_counter_sources_on("v1.36.0");

    assert!(findings_with(&document, "KUBERNETES-FEATURE-UNAVAILABLE").is_empty());
    let gate_messages: Vec<Value> = findings_with(&document, "NOT-VERIFIABLE")
        .into_iter()
        .filter(|finding| {
            finding["message"]
                .as_str()
                .unwrap_or_default()
                .contains("feature gate")
        })
        .collect();
    assert_eq!(gate_messages, Vec::<Value>::new());
}

#[test]
fn config_map_changed_after_start_warns() {
    let mut objects = config_map_written(multikueue_cluster("manager"), "2026-12-03T15:30:00Z");
    objects.push(manager_pod("2026-12-01T08:00:00Z"));
    let server = FakeApiserver::start(Cluster::with(objects));
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["check-config", "-o", "json"]);
    let strict = run_live(&kubeconfig, &["check-config", "--strict", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(strict.code, Some(1), "stderr: {}", strict.stderr);
    let document = json(&output);
    let changed = findings_with(&document, "CONFIGMAP-CHANGED-AFTER-START");
    assert_eq!(changed.len(), 1, "{document:#}");
    assert_eq!(changed[0]["severity"], "Warning");
    assert_eq!(
        changed[0]["objects"][1]["name"],
        "kueue-controller-manager-6d9f8-x2k4q"
    );
    let message = changed[0]["message"].as_str().expect("a message");
    assert!(message.contains("2026-12-03T15:30:00Z"), "{message}");
    assert!(message.contains("2026-12-01T08:00:00Z"), "{message}");
    assert_only_reads(&server);
}

#[test]
fn config_map_older_than_manager_is_quiet() {
    let mut objects = config_map_written(multikueue_cluster("manager"), "2026-11-30T15:30:00Z");
    objects.push(manager_pod("2026-12-01T08:00:00Z"));
    let server = FakeApiserver::start(Cluster::with(objects));
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["check-config", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let document = json(&output);
    assert_eq!(codes(&document), Vec::<String>::new());
}

#[test]
fn forbidden_pods_are_not_verifiable() {
    let mut cluster = Cluster::with(multikueue_cluster("manager"));
    cluster.forbidden.insert("pods".to_owned());
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["check-config", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let document = json(&output);
    let unverifiable = findings_with(&document, "NOT-VERIFIABLE");
    assert_eq!(unverifiable.len(), 1, "{document:#}");
    let message = unverifiable[0]["message"].as_str().expect("a message");
    assert!(
        message.contains("cannot read pods: 403 Forbidden"),
        "{message}"
    );
    assert!(
        unverifiable[0]["fix"]
            .as_str()
            .unwrap_or_default()
            .contains("`pods` in namespace `kueue-system`")
    );
}

/// Serves the manager and the workers, and runs `check-config` with a `--worker-context` for
/// each worker.
fn check_workers(
    manager: Vec<Value>,
    workers: &[(&str, Vec<Value>)],
    extra: &[&str],
) -> (harness::Output, Vec<FakeApiserver>) {
    let mut servers = vec![FakeApiserver::start(Cluster::with(manager))];
    for (_, objects) in workers {
        servers.push(FakeApiserver::start(Cluster::with(objects.clone())));
    }
    let mut contexts = vec![("manager", servers[0].url.as_str())];
    for ((name, _), server) in workers.iter().zip(&servers[1..]) {
        contexts.push((name, server.url.as_str()));
    }
    let kubeconfig = Kubeconfig::with_contexts(&contexts);

    let mut args = vec!["check-config", "-o", "json"];
    for (name, _) in workers {
        args.push("--worker-context");
        args.push(name);
    }
    args.extend_from_slice(extra);
    let output = run_live(&kubeconfig, &args);
    (output, servers)
}

#[test]
fn identical_worker_matches_manager() {
    let (output, servers) = check_workers(
        multikueue_cluster("manager"),
        &[("worker-1", multikueue_cluster("manager"))],
        &[],
    );

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let document = json(&output);
    assert_eq!(codes(&document), Vec::<String>::new());
    // The worker was read: its DeviceClasses, templates and ClusterQueues.
    assert_eq!(servers[1].requests_for("deviceclasses").len(), 1);
    assert_eq!(servers[1].requests_for("resourceclaimtemplates").len(), 1);
    assert_eq!(servers[1].requests_for("clusterqueues").len(), 1);
    for server in &servers {
        assert_only_reads(server);
    }
}

#[test]
fn template_drift_is_reported_per_worker() {
    let workers = vec![
        ("worker-1", multikueue_cluster("worker-1")),
        ("worker-2", multikueue_cluster("worker-2")),
    ];
    let (output, servers) = check_workers(multikueue_cluster("manager"), &workers, &[]);
    let (strict, _) = check_workers(multikueue_cluster("manager"), &workers, &["--strict"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(strict.code, Some(1), "stderr: {}", strict.stderr);
    let document = json(&output);
    let drift = findings_with(&document, "WORKER-TEMPLATE-DIFFERS");
    let clusters: Vec<&str> = drift
        .iter()
        .map(|finding| finding["cluster"].as_str().expect("a cluster"))
        .collect();
    assert_eq!(clusters, ["worker-1", "worker-2"], "{document:#}");
    let message = drift[1]["message"].as_str().expect("a message");
    assert!(
        message.contains("ExactCount 3 of gpu.example.com"),
        "{message}"
    );
    assert!(
        message.contains("ExactCount 1 of gpu.example.com"),
        "{message}"
    );
    assert_eq!(drift[0]["objects"][0]["name"], "gpu-template");
    assert_eq!(drift[0]["objects"][1]["name"], "job-dra-job-8c3f1");
    assert_eq!(codes(&document).len(), 2, "{document:#}");
    assert_follows_contract(&document);
    for server in &servers {
        assert_only_reads(server);
    }
}

#[test]
fn worker_missing_objects_are_errors() {
    let worker = without(
        without(
            multikueue_cluster("manager"),
            "DeviceClass",
            "gpu.example.com",
        ),
        "ResourceClaimTemplate",
        "gpu-template",
    );
    let worker = with_configuration(
        worker,
        "\
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
waitForPodsReady:
  timeout: 10m
resources:
  deviceClassMappings:
  - name: accelerator
    deviceClassNames:
    - gpu.example.com
",
    );
    let worker: Vec<Value> = worker
        .into_iter()
        .map(|mut object| {
            if object["kind"] == "ClusterQueue" {
                object["spec"]["resourceGroups"][0]["coveredResources"] = json!(["cpu"]);
                object["spec"]["resourceGroups"][0]["flavors"][0]["resources"] =
                    json!([{"name": "cpu", "nominalQuota": "8"}]);
            }
            object
        })
        .collect();

    let (output, _servers) =
        check_workers(multikueue_cluster("manager"), &[("worker-1", worker)], &[]);

    assert_eq!(output.code, Some(1), "stderr: {}", output.stderr);
    let document = json(&output);
    let worker_codes: Vec<String> = codes(&document)
        .into_iter()
        .filter(|code| code.starts_with("WORKER-"))
        .collect();
    assert_eq!(
        worker_codes,
        [
            "WORKER-DEVICECLASS-MISSING",
            "WORKER-TEMPLATE-MISSING",
            "WORKER-MAPPINGS-DIFFER",
            "WORKER-MAPPINGS-DIFFER",
            "WORKER-KEY-NOT-COVERED",
        ],
        "{document:#}"
    );
    for finding in findings_with(&document, "WORKER-MAPPINGS-DIFFER") {
        assert_eq!(finding["cluster"], "worker-1");
    }
    let key = findings_with(&document, "WORKER-KEY-NOT-COVERED");
    assert!(
        key[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("key gpu")
    );
}

#[test]
fn worker_context_needs_live_manager() {
    let output = harness::run(&[
        "check-config",
        "-f",
        "testdata/multikueue/manager.yaml",
        "--worker-context",
        "worker-1",
    ]);

    assert_eq!(output.code, Some(2));
    assert!(
        output.stderr.contains("--worker-context"),
        "{}",
        output.stderr
    );
    assert_eq!(output.stdout, "");
}

#[test]
fn unreachable_worker_names_context() {
    let manager = FakeApiserver::start(Cluster::with(multikueue_cluster("manager")));
    // A port that was bound and closed on 127.0.0.1: connecting to it is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let url = format!("http://{}", closed.local_addr().expect("an address"));
    drop(closed);
    let kubeconfig =
        Kubeconfig::with_contexts(&[("manager", manager.url.as_str()), ("worker-1", &url)]);

    let output = run_live(
        &kubeconfig,
        &["check-config", "--worker-context", "worker-1"],
    );

    assert_eq!(output.code, Some(2), "stderr: {}", output.stderr);
    assert_eq!(output.stdout, "");
    assert!(
        output.stderr.contains("context `worker-1`"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains(&url), "{}", output.stderr);
}

#[test]
fn stored_extended_resource_shows_apiserver_gate() {
    let objects: Vec<Value> = multikueue_cluster("manager")
        .into_iter()
        .map(|mut object| {
            if object["kind"] == "DeviceClass" {
                object["spec"]["extendedResourceName"] = json!("example.com/gpu");
            }
            object
        })
        .collect();
    let mut cluster = Cluster::with(objects);
    cluster.kubernetes_version = Some("v1.35.1".to_owned());
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["check-config", "-o", "json"]);

    let document = json(&output);
    let gate_findings: Vec<Value> = findings_with(&document, "NOT-VERIFIABLE")
        .into_iter()
        .filter(|finding| {
            finding["message"]
                .as_str()
                .unwrap_or_default()
                .contains("DRAExtendedResource")
        })
        .collect();
    assert_eq!(gate_findings.len(), 1, "{document:#}");
    let message = gate_findings[0]["message"].as_str().expect("a message");
    assert!(
        message.contains("DeviceClass gpu.example.com has an extendedResourceName"),
        "{message}"
    );
    let fix = gate_findings[0]["fix"].as_str().expect("a fix");
    assert!(fix.contains("kube-scheduler"), "{fix}");
    assert!(!fix.contains("/metrics"), "{fix}");
}

#[test]
fn finished_workloads_need_nothing_on_workers() {
    let manager: Vec<Value> = multikueue_cluster("manager")
        .into_iter()
        .map(|mut object| {
            if object["kind"] == "Workload" {
                object["status"] = json!({"conditions": [{
                    "type": "Finished",
                    "status": "True",
                    "reason": "Succeeded",
                    "message": "Job finished successfully",
                    "lastTransitionTime": "2026-12-02T11:00:00Z",
                }]});
            }
            object
        })
        .collect();
    let worker = without(
        multikueue_cluster("manager"),
        "ResourceClaimTemplate",
        "gpu-template",
    );

    let (output, _servers) = check_workers(manager, &[("worker-1", worker)], &[]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let document = json(&output);
    assert_eq!(codes(&document), Vec::<String>::new(), "{document:#}");
}
