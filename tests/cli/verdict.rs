//! The ClusterQueue verdict and drift in `explain`'s table and JSON output.

use crate::examples::assert_follows_contract;
use crate::harness::{json, run};
use crate::real_manifests::workload;

const COHORT_EXAMPLE: &str = "examples/cohort-borrowing";
const ADMITTED_AFTER_CHANGE: &str = "testdata/verdict/admitted-after-template-change.yaml";

#[test]
fn cohort_example_table() {
    let output = run(&["explain", "-f", COHORT_EXAMPLE]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn cohort_example_outcomes() {
    let output = run(&["explain", "-f", COHORT_EXAMPLE, "-o", "json"]);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let document = json(&output);

    assert_follows_contract(&document);
    assert_eq!(
        workload(&document, "job-small-training")["verdict"]["outcome"],
        "Fits"
    );
    assert_eq!(
        workload(&document, "job-large-training")["verdict"]["outcome"],
        "FitsByBorrowing"
    );
    let huge = &workload(&document, "job-huge-training")["verdict"];
    assert_eq!(huge["outcome"], "DoesNotFit");
    assert_eq!(
        huge["message"],
        "couldn't assign flavors to pod set main: insufficient quota for example.com/gpu in flavor a100, previously considered podsets requests (0) + current podset request (10) > maximum capacity (8)"
    );
}

#[test]
fn borrowed_gpus_in_json() {
    let output = run(&["explain", "-f", COHORT_EXAMPLE, "-o", "json"]);
    let document = json(&output);

    let resources = workload(&document, "job-large-training")["verdict"]["podSets"][0]["resources"]
        .as_array()
        .expect("resources is a list");
    let gpu = resources
        .iter()
        .find(|resource| resource["resource"] == "example.com/gpu")
        .expect("the GPU resource");

    assert_eq!(gpu["request"], "6");
    assert_eq!(gpu["flavor"], "a100");
    assert_eq!(gpu["flavors"][0]["mode"], "Borrow");
    assert_eq!(gpu["flavors"][0]["nominal"], "4");
    assert_eq!(gpu["flavors"][0]["borrowingLimit"], "4");
    assert_eq!(gpu["flavors"][0]["available"], "6");
    assert_eq!(gpu["flavors"][0]["maximumCapacity"], "8");
}

#[test]
fn drift_after_template_change_json() {
    let output = run(&["explain", "-f", ADMITTED_AFTER_CHANGE, "-o", "json"]);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let document = json(&output);
    let admitted = workload(&document, "job-job0-6f46e");

    assert_follows_contract(&document);
    assert_eq!(admitted["status"], "Admitted");
    assert_eq!(
        admitted["drift"],
        serde_json::json!([
            {"podSet": "main", "resource": "whole-gpus", "recorded": "1", "recomputed": "2"}
        ])
    );
    let notes = admitted["notes"].as_array().expect("notes is a list");
    assert!(
        notes.iter().any(|note| note
            == "Drift: the current objects would charge differently from status.admission, pod set `main` resource `whole-gpus`: recorded 1, recomputed 2."),
        "{notes:#?}"
    );
}

#[test]
fn drift_after_template_change_table() {
    let output = run(&["explain", "-f", ADMITTED_AFTER_CHANGE]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn input_without_queues_skips_verdict() {
    let output = run(&[
        "explain",
        "-f",
        "examples/resource-claim-template/job.yaml",
        "-f",
        "examples/resource-claim-template/configuration.yaml",
        "-f",
        "examples/resource-claim-template/deviceclass.yaml",
        "-o",
        "json",
    ]);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let document = json(&output);
    let verdict = &workload(&document, "job-sample-dra-rct-job")["verdict"];

    assert_eq!(verdict["outcome"], "NotComputed");
    assert_eq!(verdict["message"], "");
}

#[test]
fn rejection_since_admission_table() {
    let output = run(&[
        "explain",
        "-f",
        "testdata/verdict/admitted-after-mapping-change.yaml",
    ]);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    insta::assert_snapshot!(output.stdout);
}
