//! How the plugin reaches a live cluster: bearer tokens and client certificates, the least
//! privilege of docs/rbac.yaml, bounded and logged retries, credentials kept out of every
//! log, and real kubectl running the plugin against the fake apiserver.

use std::collections::VecDeque;
use std::process::{Command, Stdio};

use axum::http::Method;
use serde_json::Value;

use crate::fake_apiserver::{Cluster, FakeApiserver, Fault, Kubeconfig, Rule, TOKEN, run_live};
use crate::harness::{self, json};
use crate::live::gpu_cluster_objects;

/// Reads the rules of the `ClusterRole` in `docs/rbac.yaml`, one [`Rule`] per API group.
fn documented_rules() -> Vec<Rule> {
    let text = std::fs::read_to_string(harness::repo_root().join("docs/rbac.yaml"))
        .expect("docs/rbac.yaml exists");
    let role: Value = serde_saphyr::from_str(&text).expect("docs/rbac.yaml is YAML");
    assert_eq!(role["kind"], "ClusterRole");
    let strings = |value: &Value| -> Vec<String> {
        value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };

    let mut rules = Vec::new();
    for rule in role["rules"].as_array().expect("rules is a list") {
        for group in strings(&rule["apiGroups"]) {
            rules.push(Rule {
                group,
                resources: strings(&rule["resources"]),
                verbs: strings(&rule["verbs"]),
                resource_names: strings(&rule["resourceNames"]),
            });
        }
    }
    rules
}

/// Returns the GPU cluster, served only to the token of [`Kubeconfig::new`] and with `rules`.
fn guarded_cluster(rules: Vec<Rule>) -> Cluster {
    Cluster {
        token: Some(TOKEN.to_owned()),
        rules: Some(rules),
        ..Cluster::with(gpu_cluster_objects())
    }
}

#[test]
fn documented_role_reads_everything() {
    let rules = documented_rules();
    let server = FakeApiserver::start(guarded_cluster(rules.clone()));
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-A", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(output.stderr, "", "a complete result has no warning");
    let document = json(&output);
    assert_eq!(document["kueueVersion"], "v0.19.2");
    assert_eq!(document["workloads"].as_array().map(Vec::len), Some(5));
    for workload in document["workloads"].as_array().into_iter().flatten() {
        assert_eq!(workload["notes"], serde_json::json!([]), "{workload}");
    }

    // The role has no rule the plugin leaves unused.
    let requests = server.requests();
    for rule in &rules {
        for resource in &rule.resources {
            let used = requests
                .iter()
                .any(|request| request.path.contains(&format!("/{resource}")));
            assert!(
                used,
                "the rule for {resource} in `{}` is unused",
                rule.group
            );
        }
    }
    for request in &requests {
        assert_eq!(request.method, Method::GET, "{request:?}");
        assert!(!request.path.contains("secrets"), "{request:?}");
    }
}

#[test]
fn missing_rule_leaves_result_partial() {
    let rules: Vec<Rule> = documented_rules()
        .into_iter()
        .filter(|rule| rule.group != "resource.k8s.io")
        .collect();
    let server = FakeApiserver::start(guarded_cluster(rules));
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-A", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert!(
        output
            .stderr
            .contains("`get,list` on `deviceclasses.resource.k8s.io`"),
        "{}",
        output.stderr
    );
    let notes = json(&output)["workloads"][0]["notes"].to_string();
    assert!(notes.contains("may be partial"), "{notes}");
}

#[test]
fn wrong_token_is_unauthorized() {
    let cluster = Cluster {
        token: Some("another-token".to_owned()),
        ..Cluster::with(gpu_cluster_objects())
    };
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-A"]);

    assert_eq!(output.code, Some(2), "stderr: {}", output.stderr);
    assert_eq!(output.stdout, "");
    assert!(
        output
            .stderr
            .contains("the apiserver returned 401 Unauthorized"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("renew the token"),
        "{}",
        output.stderr
    );
    assert!(!output.stderr.contains(TOKEN), "{}", output.stderr);
}

#[test]
fn client_certificate_authenticates() {
    let server = FakeApiserver::start_tls(Cluster::with(gpu_cluster_objects()));
    let kubeconfig = Kubeconfig::with_client_certificate(&server);

    let output = run_live(&kubeconfig, &["explain", "-A", "-o", "json"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(output.stderr, "");
    assert_eq!(json(&output)["workloads"].as_array().map(Vec::len), Some(5));
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
}

#[test]
fn credentials_absent_from_verbose_logs() {
    let token_server = FakeApiserver::start(guarded_cluster(documented_rules()));
    let token_kubeconfig = Kubeconfig::new(&token_server.url);
    let tls_server = FakeApiserver::start_tls(Cluster::with(gpu_cluster_objects()));
    let tls_kubeconfig = Kubeconfig::with_client_certificate(&tls_server);
    let key = &tls_server
        .certificates
        .as_ref()
        .expect("HTTPS certificates")
        .client_key;
    // A line of the key's base64 body, which any log of the key would contain.
    let key_line = key.lines().nth(1).expect("a PEM body line");

    for (kubeconfig, secret) in [(&token_kubeconfig, TOKEN), (&tls_kubeconfig, key_line)] {
        let output = run_live(kubeconfig, &["explain", "-A", "-v=9"]);

        assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
        assert!(
            output.stderr.contains("listing page"),
            "-v=9 logs the requests: {}",
            output.stderr
        );
        assert!(!output.stderr.contains(secret), "stderr has a credential");
        assert!(!output.stdout.contains(secret), "stdout has a credential");
    }
}

#[test]
fn throttled_retry_is_logged() {
    let cluster = Cluster {
        faults: [(
            "workloads".to_owned(),
            VecDeque::from([Fault::Throttle {
                retry_after_seconds: 1,
            }]),
        )]
        .into(),
        ..Cluster::with(gpu_cluster_objects())
    };
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-A", "-v", "2"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let retries: Vec<&str> = output
        .stderr
        .lines()
        .filter(|line| line.contains("retrying request"))
        .collect();
    assert_eq!(retries.len(), 1, "{}", output.stderr);
    assert!(retries[0].contains("status=429"), "{}", retries[0]);
    assert!(retries[0].contains("wait_ms=1000"), "{}", retries[0]);
    assert!(
        retries[0].contains("resource=workloads.kueue.x-k8s.io"),
        "{}",
        retries[0]
    );
}

#[test]
fn sick_apiserver_fails_after_retries() {
    let cluster = Cluster {
        faults: [(
            "clusterqueues".to_owned(),
            VecDeque::from([Fault::Status(503); 10]),
        )]
        .into(),
        ..Cluster::with(gpu_cluster_objects())
    };
    let server = FakeApiserver::start(cluster);
    let kubeconfig = Kubeconfig::new(&server.url);

    let output = run_live(&kubeconfig, &["explain", "-A", "--v=1"]);

    assert_eq!(output.code, Some(2), "stderr: {}", output.stderr);
    assert_eq!(output.stdout, "");
    let retries = output.stderr.matches("retrying request").count();
    assert_eq!(retries, 3, "{}", output.stderr);
    assert_eq!(server.requests_for("clusterqueues").len(), 4);
    assert!(
        output
            .stderr
            .contains("cannot read clusterqueues.kueue.x-k8s.io"),
        "{}",
        output.stderr
    );
}

#[test]
fn kubectl_runs_plugin_against_apiserver() {
    let Some(kubectl) = harness::find_on_path("kubectl") else {
        eprintln!("skipped: kubectl is not on PATH");
        return;
    };
    let server = FakeApiserver::start(guarded_cluster(documented_rules()));
    let kubeconfig = Kubeconfig::new(&server.url);
    // Only the binary goes on PATH: cargo's `target/debug` also contains files kubectl would
    // list as broken plugins.
    let bin = tempfile::tempdir().expect("a temporary directory");
    std::fs::copy(harness::binary(), bin.path().join("kubectl-kueue_dra"))
        .expect("the binary is copied");
    let path = std::env::join_paths(std::iter::once(bin.path().to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH can be joined");

    let mut command = Command::new(kubectl);
    command
        .args(["kueue-dra", "explain", "-A", "--status", "inadmissible"])
        .current_dir(harness::repo_root())
        .env("PATH", path)
        .env("KUBECONFIG", kubeconfig.path())
        .env("HOME", kubeconfig.dir.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let output = harness::wait(command, None);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(output.stderr, "");
    let lines: Vec<&str> = output.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", output.stdout);
    assert!(
        lines[1].contains("job-allreduce-bench-3c9f0"),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains("pod-notebook-0-8e2d1"), "{}", lines[2]);
    assert!(
        !server.requests().is_empty(),
        "the plugin read the fake apiserver"
    );
}
