//! `explain` on the bundled examples, the first thing a new user runs.

use serde_json::Value;

use crate::harness::{self, json, run};

/// Validates `document` against the JSON Schema of the output contract.
pub(crate) fn assert_follows_contract(document: &Value) {
    let schema_text =
        std::fs::read_to_string(harness::repo_root().join("docs/contract.schema.json"))
            .expect("the contract schema is in docs/");
    let schema: Value = serde_json::from_str(&schema_text).expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "output breaks the contract:\n{}",
        errors.join("\n")
    );
}

fn only_pod_set(document: &Value) -> &Value {
    let workloads = document["workloads"]
        .as_array()
        .expect("workloads is a list");
    assert_eq!(workloads.len(), 1, "one workload expected: {document:#}");
    let pod_sets = workloads[0]["podSets"]
        .as_array()
        .expect("podSets is a list");
    assert_eq!(pod_sets.len(), 1, "one pod set expected: {document:#}");
    &pod_sets[0]
}

#[test]
fn template_example_charges_one_gpu_per_pod() {
    let output = run(&[
        "explain",
        "-f",
        "examples/resource-claim-template",
        "-o",
        "json",
    ]);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let document = json(&output);
    let pod_set = only_pod_set(&document);

    assert_eq!(pod_set["count"], 3);
    assert_eq!(pod_set["perPod"]["example.com/gpu"], "1");
    assert_eq!(pod_set["total"]["example.com/gpu"], "3");
    let charges = pod_set["charges"].as_array().expect("charges is a list");
    assert_eq!(charges.len(), 1, "{charges:#?}");
    assert_eq!(charges[0]["path"], "ResourceClaimTemplate");
    assert_eq!(charges[0]["template"], "single-gpu");
    assert_eq!(charges[0]["deviceClass"], "gpu.example.com");
}

#[test]
fn extended_resource_example_charges_the_device_once() {
    let output = run(&["explain", "-f", "examples/extended-resource", "-o", "json"]);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let document = json(&output);
    let pod_set = only_pod_set(&document);

    assert_eq!(pod_set["perPod"]["example.com/gpu"], "1");
    assert_eq!(pod_set["total"]["example.com/gpu"], "3");
    let charges = pod_set["charges"].as_array().expect("charges is a list");
    assert_eq!(charges.len(), 1, "{charges:#?}");
    assert_eq!(charges[0]["path"], "ExtendedResource");
    assert_eq!(charges[0]["resource"], "example.com/gpu");
    assert_eq!(charges[0]["quotaKey"], "example.com/gpu");
}

#[test]
fn template_example_json() {
    let output = run(&[
        "explain",
        "-f",
        "examples/resource-claim-template",
        "-o",
        "json",
    ]);
    assert_follows_contract(&json(&output));
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn extended_resource_example_json() {
    let output = run(&["explain", "-f", "examples/extended-resource", "-o", "json"]);
    assert_follows_contract(&json(&output));
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn template_example_table() {
    let output = run(&["explain", "-f", "examples/resource-claim-template"]);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn partitionable_example_charges_counter() {
    let output = run(&[
        "explain",
        "-f",
        "examples/partitionable-devices",
        "-o",
        "json",
    ]);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let document = json(&output);
    assert_follows_contract(&document);
    let pod_set = only_pod_set(&document);

    assert_eq!(pod_set["perPod"]["gpu.memory"], "4864Mi");
    assert_eq!(pod_set["total"]["gpu.memory"], "9728Mi");
    assert_eq!(pod_set["charges"][0]["path"], "Counter");
    assert_eq!(document["workloads"][0]["notes"], serde_json::json!([]));
}

#[test]
fn examples_together_conflict() {
    // Each example carries its own Configuration, so reading both at once is the error a user
    // meets when two Configurations disagree.
    let output = run(&["explain", "-f", "examples/"]);
    assert_eq!(output.code, Some(2));
    assert!(
        output
            .stderr
            .starts_with("error: two different Kueue Configurations in the input: "),
        "stderr: {}",
        output.stderr
    );
}

#[test]
fn yaml_output_matches_json() {
    let json_output = run(&["explain", "-f", "examples/extended-resource", "-o", "json"]);
    let yaml_output = run(&["explain", "-f", "examples/extended-resource", "-o", "yaml"]);
    assert_eq!(yaml_output.code, Some(0), "stderr: {}", yaml_output.stderr);

    let from_yaml: Value = serde_saphyr::from_str(&yaml_output.stdout).expect("stdout is YAML");
    assert_eq!(from_yaml, json(&json_output));
}
