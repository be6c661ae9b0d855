//! `explain` against a live cluster: the fake apiserver of [`crate::fake_apiserver`] serves
//! fixture objects, and the real binary reads them through a kubeconfig.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::TcpListener as StdTcpListener;
use std::path::Path;

use axum::http::Method;
use serde_json::{Value, json};

use crate::fake_apiserver::{Cluster, FakeApiserver, Fault, Kubeconfig, run_live};
use crate::harness::{self, json};

/// Reads every YAML document of a file in the repository.
fn example_documents(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(harness::repo_root().join(path)).expect("the file");
    text.split("\n---\n")
        .map(|document| serde_saphyr::from_str(document).expect("the example is YAML"))
        .collect()
}

/// The resource-claim-template example as a cluster stores it: the Configuration in Kueue's
/// ConfigMap, and the Job replaced by the Workload Kueue creates for it.
fn template_example_objects() -> Vec<Value> {
    let directory = Path::new("examples/resource-claim-template");
    let configuration =
        std::fs::read_to_string(harness::repo_root().join(directory.join("configuration.yaml")))
            .expect("the example Configuration");
    let mut objects = vec![json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"namespace": "kueue-system", "name": "kueue-manager-config"},
        "data": {"controller_manager_config.yaml": configuration},
    })];

    objects.push(controller_deployment(
        "registry.k8s.io/kueue/kueue:v0.19.2",
        &[
            "--config=/controller_manager_config.yaml",
            "--zap-log-level=2",
        ],
    ));

    for file in ["deviceclass.yaml", "job.yaml", "queues.yaml"] {
        for object in example_documents(&directory.join(file).display().to_string()) {
            if object["kind"] == "Job" {
                objects.push(workload_for_job(&object));
            } else {
                objects.push(object);
            }
        }
    }
    objects
}

/// Returns the objects of `testdata/gpu-cluster`, with Kueue v0.19.2's controller Deployment.
pub(crate) fn gpu_cluster_objects() -> Vec<Value> {
    let mut objects = example_documents("testdata/gpu-cluster/objects.yaml");
    objects.push(controller_deployment(
        "registry.k8s.io/kueue/kueue:v0.19.2",
        &[
            "--config=/controller_manager_config.yaml",
            "--zap-log-level=2",
        ],
    ));
    objects
}

/// Builds Kueue's controller Deployment, as its manifests install it, with the manager
/// container's image and arguments.
pub(crate) fn controller_deployment(image: &str, arguments: &[&str]) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"namespace": "kueue-system", "name": "kueue-controller-manager"},
        "spec": {"template": {"spec": {"containers": [{
            "name": "manager",
            "image": image,
            "command": ["/manager"],
            "args": arguments,
        }]}}},
    })
}

/// Replaces the controller Deployment of `objects` with one running `image` with `arguments`.
fn with_controller(mut objects: Vec<Value>, image: &str, arguments: &[&str]) -> Vec<Value> {
    objects.retain(|object| object["kind"] != "Deployment");
    objects.push(controller_deployment(image, arguments));
    objects
}

/// Builds the Workload that Kueue's Job integration creates for `job`, without the hash suffix.
fn workload_for_job(job: &Value) -> Value {
    let name = job["metadata"]["name"]
        .as_str()
        .expect("the Job has a name");
    json!({
        "apiVersion": "kueue.x-k8s.io/v1beta2",
        "kind": "Workload",
        "metadata": {"namespace": job["metadata"]["namespace"], "name": format!("job-{name}")},
        "spec": {
            "queueName": job["metadata"]["labels"]["kueue.x-k8s.io/queue-name"],
            "podSets": [{
                "name": "main",
                "count": job["spec"]["parallelism"],
                "template": job["spec"]["template"],
            }],
        },
    })
}

/// Builds a Workload in `default` with one pod set of one pod and nothing to charge.
fn small_workload(name: &str) -> Value {
    json!({
        "apiVersion": "kueue.x-k8s.io/v1beta2",
        "kind": "Workload",
        "metadata": {"namespace": "default", "name": name},
        "spec": {
            "queueName": "user-queue",
            "podSets": [{
                "name": "main",
                "count": 1,
                "template": {"spec": {"containers": [{"name": "main", "image": "busybox"}]}},
            }],
        },
    })
}

fn cluster_with(objects: Vec<Value>) -> Cluster {
    Cluster::with(objects)
}

fn workload_names(document: &Value) -> Vec<String> {
    document["workloads"]
        .as_array()
        .expect("workloads is a list")
        .iter()
        .map(|workload| workload["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

pub(crate) fn assert_only_reads(server: &FakeApiserver) {
    for request in server.requests() {
        assert_eq!(request.method, Method::GET, "{request:?}");
    }
}

#[test]
fn live_example_matches_files() {
    let server = FakeApiserver::start(cluster_with(template_example_objects()));
    let kubeconfig = Kubeconfig::new(&server.url);

    let live = run_live(&kubeconfig, &["explain", "-o", "json"]);
    let files = harness::run(&[
        "explain",
        "-f",
        "examples/resource-claim-template",
        "-o",
        "json",
    ]);

    assert_eq!(live.code, Some(0), "stderr: {}", live.stderr);
    assert_eq!(live.stderr, "");
    let mut live = json(&live);
    let mut files = json(&files);
    for document in [&mut live, &mut files] {
        for workload in document["workloads"].as_array_mut().expect("a list") {
            workload
                .as_object_mut()
                .expect("an object")
                .remove("source");
        }
    }
    assert_eq!(live, files);
    assert_only_reads(&server);
}

#[test]
fn lists_span_several_pages() {
    let names = ["a", "b", "c", "d", "e"];
    let cluster = Cluster {
        max_page: 2,
        ..cluster_with(names.iter().map(|name| small_workload(name)).collect())
    };
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(workload_names(&json(&output)), names);
    let pages = server.requests_for("workloads");
    let tokens: Vec<Option<&str>> = pages
        .iter()
        .map(|request| request.query.get("continue").map(String::as_str))
        .collect();
    assert_eq!(tokens, [None, Some("2"), Some("4")]);
    for page in &pages {
        assert_eq!(
            page.path,
            "/apis/kueue.x-k8s.io/v1beta2/namespaces/default/workloads"
        );
        assert_eq!(page.query.get("limit").map(String::as_str), Some("500"));
    }
    assert_only_reads(&server);
}

#[test]
fn all_namespaces_lists_cluster_wide() {
    let server = FakeApiserver::start(cluster_with(vec![small_workload("a")]));
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-A", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let pages = server.requests_for("workloads");
    assert_eq!(pages.len(), 1, "{pages:?}");
    assert_eq!(pages[0].path, "/apis/kueue.x-k8s.io/v1beta2/workloads");
}

#[test]
fn namespace_flag_limits_namespaced_lists() {
    let mut other = small_workload("b");
    other["metadata"]["namespace"] = json!("team-b");
    let server = FakeApiserver::start(cluster_with(vec![small_workload("a"), other]));
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-n", "team-b", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(workload_names(&json(&output)), ["b"]);
    let workloads = server.requests_for("workloads");
    assert_eq!(workloads.len(), 1, "{workloads:?}");
    assert_eq!(
        workloads[0].path,
        "/apis/kueue.x-k8s.io/v1beta2/namespaces/team-b/workloads"
    );
    let device_classes = server.requests_for("deviceclasses");
    assert_eq!(device_classes.len(), 1, "{device_classes:?}");
    assert_eq!(
        device_classes[0].path,
        "/apis/resource.k8s.io/v1/deviceclasses"
    );
}

#[test]
fn unserved_dra_group_is_a_warning() {
    let cluster = Cluster {
        missing_groups: HashSet::from(["resource.k8s.io".to_owned()]),
        ..cluster_with(vec![small_workload("a")])
    };
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(workload_names(&json(&output)), ["a"]);
    assert!(
        output
            .stderr
            .contains("skipped deviceclasses.resource.k8s.io"),
        "{}",
        output.stderr
    );
}

#[test]
fn config_flag_replaces_config_map() {
    let server = FakeApiserver::start(cluster_with(template_example_objects()));
    let kubeconfig = Kubeconfig::new(&server.url);
    let config = harness::repo_root().join("examples/resource-claim-template/configuration.yaml");
    let config = config.to_str().expect("a UTF-8 path");

    let output = run_live(&kubeconfig, &["explain", "--config", config]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(output.stderr, "");
    assert!(
        output.stdout.contains("example.com/gpu=3"),
        "{}",
        output.stdout
    );
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|request| request.path.contains("/configmaps/"))
            .count(),
        0
    );
}

#[test]
fn forbidden_config_map_is_a_warning() {
    let cluster = Cluster {
        forbidden: HashSet::from(["configmaps".to_owned()]),
        ..cluster_with(vec![small_workload("a")])
    };
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(workload_names(&json(&output)), ["a"]);
    assert!(
        output
            .stderr
            .contains("ConfigMap kueue-system/kueue-manager-config: 403 Forbidden"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("verb `get` on `configmaps`"),
        "{}",
        output.stderr
    );
}

#[test]
fn forbidden_kind_is_a_warning() {
    let cluster = Cluster {
        forbidden: HashSet::from(["resourceslices".to_owned()]),
        ..cluster_with(template_example_objects())
    };
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let document = json(&output);
    assert_eq!(workload_names(&document), ["job-sample-dra-rct-job"]);
    assert_eq!(
        document["workloads"][0]["notes"],
        json!([
            "the credentials may not list resourceslices.resource.k8s.io in context `fake`, \
             so this explanation may be partial"
        ])
    );
    assert!(output.stderr.contains("ResourceSlice"), "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("`get,list` on `resourceslices.resource.k8s.io`"),
        "{}",
        output.stderr
    );
}

#[test]
fn missing_kueue_is_an_error() {
    let cluster = Cluster {
        missing_groups: HashSet::from(["kueue.x-k8s.io".to_owned()]),
        ..cluster_with(Vec::new())
    };
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain"]);

    assert_eq!(output.code, Some(2), "stderr: {}", output.stderr);
    assert_eq!(output.stdout, "");
    assert!(
        output.stderr.contains("Kueue's CRDs are not installed"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("context `fake`"),
        "{}",
        output.stderr
    );
}

#[test]
fn unreachable_server_names_context() {
    // A port that was bound and closed on 127.0.0.1: connecting to it is refused.
    let closed = StdTcpListener::bind("127.0.0.1:0").expect("a free port");
    let url = format!("http://{}", closed.local_addr().expect("an address"));
    drop(closed);
    let kubeconfig = Kubeconfig::new(&url);

    let output = run_live(&kubeconfig, &["explain"]);

    assert_eq!(output.code, Some(2), "stderr: {}", output.stderr);
    assert_eq!(output.stdout, "");
    assert!(
        output.stderr.contains("context `fake`"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains(&url), "{}", output.stderr);
}

#[test]
fn expired_continue_restarts_list() {
    let names = ["a", "b", "c"];
    let cluster = Cluster {
        max_page: 2,
        faults: HashMap::from([(
            "workloads".to_owned(),
            VecDeque::from([Fault::GoneOnContinue]),
        )]),
        ..cluster_with(names.iter().map(|name| small_workload(name)).collect())
    };
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(workload_names(&json(&output)), names);
    let tokens: Vec<Option<String>> = server
        .requests_for("workloads")
        .into_iter()
        .map(|request| request.query.get("continue").cloned())
        .collect();
    let two = Some("2".to_owned());
    assert_eq!(tokens, [None, two.clone(), None, two]);
}

#[test]
fn throttled_list_is_retried() {
    let cluster = Cluster {
        faults: HashMap::from([(
            "workloads".to_owned(),
            VecDeque::from([Fault::Status(429), Fault::Status(503)]),
        )]),
        ..cluster_with(vec![small_workload("a")])
    };
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(workload_names(&json(&output)), ["a"]);
    assert_eq!(server.requests_for("workloads").len(), 3);
}

#[test]
fn slow_request_times_out() {
    let cluster = Cluster {
        faults: HashMap::from([("cohorts".to_owned(), VecDeque::from([Fault::Hang]))]),
        ..cluster_with(vec![small_workload("a")])
    };
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "--request-timeout", "300ms"]);

    assert_eq!(output.code, Some(2), "stderr: {}", output.stderr);
    assert!(
        output.stderr.contains("cohorts.kueue.x-k8s.io"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("timed out"), "{}", output.stderr);
}

#[test]
fn persistent_server_error_names_kind() {
    let cluster = Cluster {
        faults: HashMap::from([(
            "deviceclasses".to_owned(),
            VecDeque::from([Fault::Status(500); 4]),
        )]),
        ..cluster_with(vec![small_workload("a")])
    };
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain"]);

    assert_eq!(output.code, Some(2), "stderr: {}", output.stderr);
    assert!(
        output.stderr.contains("deviceclasses.resource.k8s.io"),
        "{}",
        output.stderr
    );
    // The first request and three retries.
    assert_eq!(server.requests_for("deviceclasses").len(), 4);
}

#[test]
fn release_detected_from_image_tag() {
    let objects = with_controller(
        template_example_objects(),
        "registry.k8s.io/kueue/kueue:v0.17.3",
        &[],
    );
    let server = FakeApiserver::start(cluster_with(objects));
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(output.stderr, "");
    assert_eq!(json(&output)["kueueVersion"], "v0.17.3");
    let gets = server.requests_for("kueue-controller-manager");
    assert_eq!(gets.len(), 1, "{gets:?}");
    assert_eq!(
        gets[0].path,
        "/apis/apps/v1/namespaces/kueue-system/deployments/kueue-controller-manager"
    );
}

#[test]
fn kueue_version_flag_overrides_image() {
    let objects = with_controller(
        template_example_objects(),
        "registry.k8s.io/kueue/kueue:v0.17.3",
        &[],
    );
    let server = FakeApiserver::start(cluster_with(objects));
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(
        &kubeconfig,
        &["explain", "-o", "json", "--kueue-version", "v0.18.2"],
    );

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(json(&output)["kueueVersion"], "v0.18.2");
}

#[test]
fn undetectable_release_uses_default() {
    let images = [
        (
            "registry.k8s.io/kueue/kueue:main",
            "`main` is not a Kueue release",
        ),
        ("registry.k8s.io/kueue/kueue@sha256:4a1c7e", "has no tag"),
    ];
    for (image, reason) in images {
        let objects = with_controller(template_example_objects(), image, &[]);
        let server = FakeApiserver::start(cluster_with(objects));
        let kubeconfig = Kubeconfig::new(&server.url);

        let output = run_live(&kubeconfig, &["explain", "-o", "json"]);

        assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
        assert!(output.stderr.contains(reason), "{image}: {}", output.stderr);
        assert!(
            output.stderr.contains("so v0.19.2 is reproduced"),
            "{image}: {}",
            output.stderr
        );
        let document = json(&output);
        assert_eq!(document["kueueVersion"], "v0.19.2", "{image}");
        let notes = document["workloads"][0]["notes"].to_string();
        assert!(notes.contains("could not be detected"), "{image}: {notes}");
    }
}

#[test]
fn missing_deployment_uses_default() {
    let mut objects = template_example_objects();
    objects.retain(|object| object["kind"] != "Deployment");
    let server = FakeApiserver::start(cluster_with(objects));
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert!(
        output
            .stderr
            .contains("Deployment kueue-system/kueue-controller-manager not found"),
        "{}",
        output.stderr
    );
    assert_eq!(json(&output)["kueueVersion"], "v0.19.2");
}

#[test]
fn forbidden_deployment_uses_default() {
    let cluster = Cluster {
        forbidden: HashSet::from(["deployments".to_owned()]),
        ..cluster_with(template_example_objects())
    };
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert!(
        output
            .stderr
            .contains("verb `get` on `deployments.apps` in namespace `kueue-system`"),
        "{}",
        output.stderr
    );
    assert_eq!(json(&output)["kueueVersion"], "v0.19.2");
}

/// Turns Kueue's DRA integration off in v0.19.2, with the gates that depend on it, which
/// Kueue requires to be off too.
const DRA_OFF_GATES: &str = "--feature-gates=KueueDRAIntegration=false,\
                             KueueDRAIntegrationExtendedResource=false,\
                             KueueDRAIntegrationPartitionableDevices=false";

#[test]
fn manager_feature_gates_apply() {
    let objects = with_controller(
        template_example_objects(),
        "registry.k8s.io/kueue/kueue:v0.19.2",
        &[DRA_OFF_GATES],
    );
    let configuration = objects
        .iter()
        .find(|object| object["kind"] == "ConfigMap")
        .expect("the ConfigMap")
        .clone();
    let enabled = FakeApiserver::start(cluster_with(template_example_objects()));
    let disabled = FakeApiserver::start(cluster_with(objects));

    let with_dra = run_live(&Kubeconfig::new(&enabled.url), &["explain", "-o", "json"]);
    let without_dra = run_live(&Kubeconfig::new(&disabled.url), &["explain", "-o", "json"]);

    let text = configuration["data"]["controller_manager_config.yaml"]
        .as_str()
        .expect("the Configuration");
    assert!(
        !text.lines().any(|line| line.starts_with("featureGates:")),
        "the example sets no gates in its Configuration"
    );
    assert_eq!(without_dra.code, Some(0), "stderr: {}", without_dra.stderr);
    assert_eq!(without_dra.stderr, "");
    let charged = &json(&with_dra)["workloads"][0]["podSets"][0]["total"];
    let uncharged = &json(&without_dra)["workloads"][0]["podSets"][0]["total"];
    assert_eq!(charged["example.com/gpu"], "3");
    assert_eq!(uncharged["example.com/gpu"], Value::Null, "{uncharged}");
}

#[test]
fn manager_gates_without_configuration() {
    let mut objects = with_controller(
        template_example_objects(),
        "registry.k8s.io/kueue/kueue:v0.19.2",
        &["--feature-gates=NoSuchGate=true"],
    );
    objects.retain(|object| object["kind"] != "ConfigMap");
    let server = FakeApiserver::start(cluster_with(objects));
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain"]);

    assert_eq!(output.code, Some(2), "stderr: {}", output.stderr);
    assert!(
        output
            .stderr
            .contains("Deployment kueue-system/kueue-controller-manager"),
        "{}",
        output.stderr
    );
    assert!(
        output
            .stderr
            .contains("field `spec.template.spec.containers[0].args`"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("NoSuchGate"), "{}", output.stderr);
}

#[test]
fn gates_in_both_places_warn() {
    let mut objects = with_controller(
        template_example_objects(),
        "registry.k8s.io/kueue/kueue:v0.19.2",
        &[DRA_OFF_GATES],
    );
    for object in &mut objects {
        if object["kind"] == "ConfigMap" {
            let key = "controller_manager_config.yaml";
            let text = object["data"][key].as_str().expect("the Configuration");
            let text = format!("{text}\nfeatureGates:\n  KueueDRAIntegration: true\n");
            object["data"][key] = json!(text);
        }
    }
    let server = FakeApiserver::start(cluster_with(objects));
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert!(
        output.stderr.contains("conflicting feature gates detected"),
        "{}",
        output.stderr
    );
    let total = &json(&output)["workloads"][0]["podSets"][0]["total"];
    assert_eq!(total["example.com/gpu"], Value::Null, "{total}");
}

#[test]
fn selector_and_name_go_to_apiserver() {
    let server = FakeApiserver::start(cluster_with(template_example_objects()));
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(
        &kubeconfig,
        &[
            "explain",
            "job-sample-dra-rct-job",
            "-l",
            "team notin (a,b)",
            "-o",
            "json",
        ],
    );

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let workloads = server.requests_for("workloads");
    assert_eq!(workloads.len(), 1, "{workloads:?}");
    let query = &workloads[0].query;
    assert_eq!(
        query.get("labelSelector").map(String::as_str),
        Some("team notin (a,b)")
    );
    assert_eq!(
        query.get("fieldSelector").map(String::as_str),
        Some("metadata.name=job-sample-dra-rct-job")
    );
    for request in server.requests_for("deviceclasses") {
        assert_eq!(request.query.get("labelSelector"), None, "{request:?}");
    }
}

#[test]
fn impersonation_headers_are_sent() {
    let server = FakeApiserver::start(cluster_with(template_example_objects()));
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(
        &kubeconfig,
        &[
            "explain",
            "--as",
            "jane",
            "--as-group",
            "ml-team",
            "--as-group",
            "auditors",
        ],
    );

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let requests = server.requests();
    assert!(!requests.is_empty());
    for request in requests {
        let user = request.headers.get("impersonate-user");
        let groups = request.headers.get("impersonate-group");
        assert_eq!(user, Some(&vec!["jane".to_owned()]), "{request:?}");
        assert_eq!(
            groups,
            Some(&vec!["ml-team".to_owned(), "auditors".to_owned()]),
            "{request:?}"
        );
    }
}

#[test]
fn as_group_needs_as() {
    let server = FakeApiserver::start(cluster_with(template_example_objects()));
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "--as-group", "ml-team"]);

    assert_eq!(output.code, Some(2), "stderr: {}", output.stderr);
    assert!(server.requests().is_empty());
    assert!(output.stderr.contains("--as <USER>"), "{}", output.stderr);
}

#[test]
fn slow_read_draws_nothing_on_pipe() {
    let cluster = Cluster {
        faults: HashMap::from([("workloads".to_owned(), VecDeque::from([Fault::Slow(1500)]))]),
        ..cluster_with(template_example_objects())
    };
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(output.stderr, "", "no spinner on a pipe");
    assert!(output.stdout.starts_with("NAME"), "{}", output.stdout);
}

#[test]
fn interrupt_stops_reading() {
    let cluster = Cluster {
        faults: HashMap::from([("cohorts".to_owned(), VecDeque::from([Fault::Hang]))]),
        ..cluster_with(template_example_objects())
    };
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);
    let path = kubeconfig.path();
    let mut child = std::process::Command::new(harness::binary())
        .args(["explain", "-A", "--kubeconfig"])
        .arg(&path)
        .env("HOME", kubeconfig.dir.path())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");

    // Wait until the hanging list has arrived, so the plugin is mid-read.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while server.requests_for("cohorts").is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the plugin never listed cohorts"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let pid = child.id().to_string();
    let signal = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(signal.success());
    let (sender, receiver) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().expect("stdout is piped");
    std::thread::spawn(move || sender.send((child.wait(), std::io::read_to_string(stdout))));
    let (status, stdout) = receiver
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the plugin stops after SIGINT");

    assert_eq!(status.expect("the plugin ran").code(), Some(130));
    assert_eq!(stdout.expect("stdout is readable"), "");
}

#[test]
fn slow_read_shows_spinner_on_terminal() {
    let Some(script) = harness::find_on_path("script") else {
        eprintln!(
            "skipped: util-linux `script`, which gives the plugin a terminal, is not on PATH"
        );
        return;
    };
    let cluster = Cluster {
        faults: HashMap::from([("workloads".to_owned(), VecDeque::from([Fault::Slow(2500)]))]),
        ..cluster_with(template_example_objects())
    };
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);
    let command_line = format!(
        "{} explain --kubeconfig {}",
        harness::binary().display(),
        kubeconfig.path().display()
    );

    // `script` runs the command on a pseudo-terminal and copies what it draws to stdout.
    let mut command = std::process::Command::new(script);
    command
        .args(["-q", "-e", "-c", &command_line, "/dev/null"])
        .env("HOME", kubeconfig.dir.path())
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let output = harness::wait(command, None);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert!(
        output.stdout.contains("reading the cluster"),
        "{:?}",
        output.stdout
    );
    assert!(
        output.stdout.contains("job-sample-dra-rct-job"),
        "{:?}",
        output.stdout
    );
}

/// Returns the GPU cluster with Kueue v0.18.6. That release charges extended resources only
/// with the `KueueDRAIntegrationExtendedResource` gate, which its Deployment turns on.
fn gpu_cluster_on_v0_18() -> Vec<Value> {
    with_controller(
        gpu_cluster_objects(),
        "registry.k8s.io/kueue/kueue:v0.18.6",
        &[
            "--config=/controller_manager_config.yaml",
            "--feature-gates=KueueDRAIntegrationExtendedResource=true",
        ],
    )
}

#[test]
fn gpu_cluster_all_namespaces() {
    let server = FakeApiserver::start(cluster_with(gpu_cluster_on_v0_18()));
    let kubeconfig = Kubeconfig::new(&server.url);

    let table = run_live(&kubeconfig, &["explain", "-A"]);
    let document = run_live(&kubeconfig, &["explain", "-A", "-o", "json"]);

    assert_eq!(table.code, Some(0), "stderr: {}", table.stderr);
    assert_eq!(table.stderr, "");
    insta::assert_snapshot!(table.stdout);
    assert_eq!(document.code, Some(0), "stderr: {}", document.stderr);
    assert_eq!(json(&document)["kueueVersion"], "v0.18.6");
    assert_only_reads(&server);
}

#[test]
fn gpu_cluster_without_gate_skips_fpga() {
    let objects = with_controller(
        gpu_cluster_objects(),
        "registry.k8s.io/kueue/kueue:v0.18.6",
        &["--config=/controller_manager_config.yaml"],
    );
    let server = FakeApiserver::start(cluster_with(objects));
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(
        &kubeconfig,
        &[
            "explain",
            "job-video-encode-7a1e4",
            "-n",
            "team-a",
            "-o",
            "json",
        ],
    );

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let pod_set = &json(&output)["workloads"][0]["podSets"][0];
    assert_eq!(pod_set["charges"], json!([]), "{pod_set}");
}

#[test]
fn for_and_selector_on_live_cluster() {
    let server = FakeApiserver::start(cluster_with(gpu_cluster_objects()));
    let kubeconfig = Kubeconfig::new(&server.url);

    let owned = run_live(
        &kubeconfig,
        &["explain", "-A", "--for", "job/llm-finetune", "-o", "json"],
    );
    let labelled = run_live(
        &kubeconfig,
        &["explain", "-A", "-l", "team=b", "-o", "json"],
    );

    assert_eq!(owned.code, Some(0), "stderr: {}", owned.stderr);
    assert_eq!(workload_names(&json(&owned)), ["job-llm-finetune-5d2c8"]);
    assert_eq!(labelled.code, Some(0), "stderr: {}", labelled.stderr);
    assert_eq!(
        workload_names(&json(&labelled)),
        ["job-allreduce-bench-3c9f0", "pod-notebook-0-8e2d1"]
    );
    let selectors: Vec<Option<String>> = server
        .requests_for("workloads")
        .into_iter()
        .map(|request| request.query.get("labelSelector").cloned())
        .collect();
    assert_eq!(selectors, [None, Some("team=b".to_owned())]);
}
