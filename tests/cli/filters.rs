//! The workload filters of `explain` on files: NAME, `--for`, `-l`, the queues and
//! `--status`, and the `wide` and detailed views they come with.

use crate::harness::{json, run};

const CLUSTER: &str = "testdata/gpu-cluster";

/// Runs `explain -f testdata/gpu-cluster -o json` with `args` and returns the workload names.
fn selected(args: &[&str]) -> Vec<String> {
    selected_from(CLUSTER, args)
}

/// Runs `explain -f PATH -o json` with `args` and returns the workload names.
fn selected_from(path: &str, args: &[&str]) -> Vec<String> {
    let mut command = vec!["explain", "-f", path, "-o", "json"];
    command.extend_from_slice(args);
    let output = run(&command);
    assert_eq!(output.code, Some(0), "{args:?}: stderr: {}", output.stderr);
    json(&output)["workloads"]
        .as_array()
        .expect("workloads is a list")
        .iter()
        .map(|workload| workload["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn name_selects_one_workload() {
    assert_eq!(
        selected(&["job-video-encode-7a1e4"]),
        ["job-video-encode-7a1e4"]
    );
}

#[test]
fn for_follows_owner_references() {
    let cases: [(&str, &[&str]); 5] = [
        ("job/llm-finetune", &["job-llm-finetune-5d2c8"]),
        ("jobs.batch/llm-finetune", &["job-llm-finetune-5d2c8"]),
        ("Job/llm-finetune", &["job-llm-finetune-5d2c8"]),
        ("pod/notebook-0", &["pod-notebook-0-8e2d1"]),
        ("jobs.jobset.x-k8s.io/llm-finetune", &[]),
    ];
    for (owner, expected) in cases {
        assert_eq!(selected(&["--for", owner]), expected, "--for {owner}");
    }
}

#[test]
fn for_matches_jobs_read_as_files() {
    let names = selected_from(
        "examples/resource-claim-template",
        &["--for", "job/sample-dra-rct-job"],
    );

    assert_eq!(names, ["job-sample-dra-rct-job"]);
}

#[test]
fn selector_matches_labels() {
    let cases: [(&str, &[&str]); 4] = [
        (
            "team=b",
            &["job-allreduce-bench-3c9f0", "pod-notebook-0-8e2d1"],
        ),
        (
            "team in (a),kueue.x-k8s.io/job-uid",
            &["job-llm-finetune-5d2c8"],
        ),
        ("!team", &[]),
        ("team!=a,team!=b", &[]),
    ];
    for (selector, expected) in cases {
        assert_eq!(selected(&["-l", selector]), expected, "-l {selector}");
    }
}

#[test]
fn selector_on_job_labels() {
    let names = selected_from(
        "examples/resource-claim-template",
        &["-l", "kueue.x-k8s.io/queue-name=user-queue"],
    );

    assert_eq!(names, ["job-sample-dra-rct-job"]);
}

#[test]
fn invalid_selector_is_usage_error() {
    let output = run(&["explain", "-f", CLUSTER, "-l", "team in a"]);

    assert_eq!(output.code, Some(2));
    assert_eq!(output.stdout, "");
    assert!(
        output.stderr.contains("invalid label selector `team in a`"),
        "{}",
        output.stderr
    );
}

#[test]
fn queue_filters_select_workloads() {
    assert_eq!(
        selected(&["--local-queue", "research"]),
        ["job-allreduce-bench-3c9f0", "pod-notebook-0-8e2d1"]
    );
    assert_eq!(selected(&["--cluster-queue", "gpu-queue"]).len(), 5);
    assert_eq!(selected(&["--cluster-queue", "cpu-queue"]).len(), 0);
}

#[test]
fn status_filter_selects_workloads() {
    assert_eq!(
        selected(&["--status", "admitted"]),
        ["job-inference-canary-1b7d3"]
    );
    assert_eq!(
        selected(&["--status", "charged"]),
        ["job-llm-finetune-5d2c8", "job-video-encode-7a1e4"]
    );
    assert_eq!(
        selected(&["--status", "inadmissible", "-n", "team-b"]),
        ["job-allreduce-bench-3c9f0", "pod-notebook-0-8e2d1"]
    );
}

#[test]
fn missing_name_is_an_error() {
    let output = run(&["explain", "no-such-workload", "-f", CLUSTER, "-n", "team-a"]);

    assert_eq!(output.code, Some(2));
    assert_eq!(output.stdout, "");
    assert!(
        output
            .stderr
            .contains("workload `no-such-workload` not found in namespace `team-a`"),
        "{}",
        output.stderr
    );
}

#[test]
fn name_prints_detailed_view() {
    let output = run(&["explain", "job-llm-finetune-5d2c8", "-f", CLUSTER]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn detailed_view_of_extended_resource() {
    let output = run(&["explain", "job-video-encode-7a1e4", "-f", CLUSTER]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn wide_prints_pod_set_rows() {
    let output = run(&["explain", "-f", CLUSTER, "-o", "wide"]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    insta::assert_snapshot!(output.stdout);
}
