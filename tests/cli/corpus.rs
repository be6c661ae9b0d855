//! Hostile and malformed input: each case states what the plugin must do with it (explain
//! it, or exit 2 with a message naming the file), and none may panic or hang.

use std::fmt::Write as _;
use std::path::Path;

use crate::harness::{Output, run};

/// Writes `bytes` to `name` in a fresh directory and runs `explain -o json` on it.
fn explain_file(name: &str, bytes: &[u8]) -> Output {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join(name);
    std::fs::write(&path, bytes).expect("the input is written");
    run(&["explain", "-o", "json", "-f", path_text(&path)])
}

fn path_text(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

#[track_caller]
fn assert_rejected(output: &Output, expected_start: &str) {
    assert_eq!(
        output.code,
        Some(2),
        "stdout: {}\nstderr: {}",
        output.stdout,
        output.stderr
    );
    let message = output.stderr.split_once(": ").map_or("", |(_, rest)| rest);
    assert!(
        message.contains(expected_start),
        "expected `{expected_start}` in: {}",
        output.stderr
    );
    assert!(!output.stderr.contains("panicked"), "{}", output.stderr);
}

#[track_caller]
fn assert_explained(output: &Output) {
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert!(!output.stderr.contains("panicked"), "{}", output.stderr);
}

fn pod(name: &str, resources: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: main\n    \
         resources:\n      requests:\n{resources}"
    )
}

#[test]
fn empty_file_has_no_workloads() {
    let output = explain_file("empty.yaml", b"");
    assert_explained(&output);
    assert_eq!(output.stderr, "No workloads found in the input.\n");
}

#[test]
fn binary_garbage_is_not_text() {
    let garbage: Vec<u8> = (0..4096_u32)
        .map(|index| (index * 7919 % 251) as u8)
        .collect();
    assert_rejected(&explain_file("garbage.yaml", &garbage), "is not UTF-8 text");
}

#[test]
fn alias_bomb_is_stopped() {
    let mut yaml =
        String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (previous, name) = (pair[0], pair[1]);
        let references = vec![format!("*{previous}"); 8].join(",");
        writeln!(yaml, "{name}: &{name} [{references}]").expect("a String accepts writes");
    }
    assert_rejected(
        &explain_file("bomb.yaml", yaml.as_bytes()),
        "budget breached",
    );
}

#[test]
fn deep_yaml_nesting_is_stopped() {
    let yaml = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    assert_rejected(
        &explain_file("deep.yaml", yaml.as_bytes()),
        "recursion limit exceeded",
    );
}

#[test]
fn deep_json_nesting_is_stopped() {
    let json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_rejected(
        &explain_file("deep.json", json.as_bytes()),
        "recursion limit exceeded",
    );
}

#[test]
fn scalar_document_is_not_an_object() {
    assert_rejected(
        &explain_file("scalar.yaml", b"just a string\n"),
        "missing or invalid `apiVersion`",
    );
}

#[test]
fn duplicate_key_is_rejected() {
    let yaml = b"apiVersion: v1\nkind: Pod\nkind: Job\n";
    assert_rejected(
        &explain_file("dup.yaml", yaml),
        "duplicate mapping key: kind",
    );
}

#[test]
fn crlf_line_ends_are_read() {
    let yaml = pod("crlf", "        cpu: 500m\n").replace('\n', "\r\n");
    let output = explain_file("crlf.yaml", yaml.as_bytes());
    assert_explained(&output);
    assert!(
        output.stdout.contains("\"cpu\": \"500m\""),
        "{}",
        output.stdout
    );
}

#[test]
fn unknown_version_of_a_used_kind_is_rejected() {
    let yaml = b"apiVersion: batch/v2\nkind: Job\nmetadata:\n  name: future\n";
    assert_rejected(
        &explain_file("future.yaml", yaml),
        "apiVersion `batch/v2` is not supported",
    );
}

#[test]
fn count_beyond_int32_is_rejected() {
    let yaml = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: huge\nspec:\n  parallelism: \
                9223372036854775808\n  template: {}\n";
    assert_rejected(
        &explain_file("huge.yaml", yaml.as_bytes()),
        "field `spec.parallelism`",
    );
}

#[test]
fn malformed_quantity_is_rejected() {
    let yaml = pod("bad", "        memory: 1.5.3Gi\n");
    assert_rejected(
        &explain_file("bad.yaml", yaml.as_bytes()),
        "invalid quantity `1.5.3Gi`",
    );
}

#[test]
fn negative_quantity_is_rejected() {
    let yaml = pod("negative", "        example.com/gpu: \"-1\"\n");
    assert_rejected(
        &explain_file("negative.yaml", yaml.as_bytes()),
        "must be greater than or equal to 0",
    );
}

#[test]
fn absurd_quantities_saturate() {
    // 2^70 and 1e400 parse as Kubernetes quantities; Kueue clamps each to the int64 range.
    let yaml = pod(
        "absurd",
        "        cpu: \"1e400\"\n        example.com/gpu: \"1180591620717411303424\"\n",
    );
    let output = explain_file("absurd.yaml", yaml.as_bytes());
    assert_explained(&output);
    let document: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    let total = &document["workloads"][0]["podSets"][0]["total"];
    assert_eq!(total["cpu"], "9223372036854775807m");
    assert_eq!(total["example.com/gpu"], "9223372036854775807");
}

#[test]
fn huge_name_is_explained() {
    let name = "a".repeat(100_000);
    let output = explain_file("name.yaml", pod(&name, "        cpu: 1\n").as_bytes());
    assert_explained(&output);
    assert!(output.stdout.contains(&format!("pod-{name}")));
}

#[test]
fn ten_thousand_containers_are_explained() {
    let mut containers = String::new();
    for index in 0..10_000 {
        write!(
            containers,
            "  - name: c{index}\n    resources:\n      requests:\n        cpu: 1m\n"
        )
        .expect("a String accepts writes");
    }
    let yaml = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: wide\nspec:\n  containers:\n{containers}"
    );
    let output = explain_file("wide.yaml", yaml.as_bytes());
    assert_explained(&output);
    assert!(
        output.stdout.contains("\"cpu\": \"10\""),
        "{}",
        &output.stdout[..500.min(output.stdout.len())]
    );
}

#[test]
fn five_megabyte_list_is_explained() {
    // NOTE: a 50 MB input is left to the benchmarks: in a debug build it takes about 30 s
    // here, too close to the hang guard, and every test run would pay for it.
    let items: Vec<String> = (0..30_000)
        .map(|index| {
            format!(
                "{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"name\":\"p{index}\"}},\
                 \"spec\":{{\"containers\":[{{\"name\":\"c\",\"resources\":{{\"requests\":\
                 {{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}}}}]}}}}"
            )
        })
        .collect();
    let list = format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{}]}}",
        items.join(",")
    );
    assert!(list.len() > 4_000_000, "the list is {} bytes", list.len());
    let output = explain_file("big.json", list.as_bytes());
    assert_explained(&output);
    let document: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    assert_eq!(document["workloads"].as_array().map(Vec::len), Some(30_000));
}

/// Creates a file of `len` NUL bytes named `name` in a new temporary directory, without
/// writing its data, and returns the directory (deleted when dropped) and the path.
fn sparse_file(name: &str, len: u64) -> (tempfile::TempDir, std::path::PathBuf) {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join(name);
    let file = std::fs::File::create(&path).expect("the input is created");
    file.set_len(len).expect("the input is extended");
    (directory, path)
}

#[test]
fn file_over_size_limit_is_rejected_unread() {
    // A sparse file one byte over 1 GiB, with no data written, so the test is cheap. The
    // loader must reject it from its size alone.
    let (_directory, path) = sparse_file("huge.json", 1024 * 1024 * 1024 + 1);
    let output = run(&["explain", "-f", path_text(&path)]);
    assert_rejected(
        &output,
        "is larger than the maximum of 1073741824 bytes: split it into smaller files",
    );
}

#[test]
fn yaml_over_size_limit_is_rejected_before_parsing() {
    // A sparse file of NUL bytes one byte over 64 MiB: text that does not start like JSON,
    // so it would be read as YAML.
    let (_directory, path) = sparse_file("huge.yaml", 64 * 1024 * 1024 + 1);
    let output = run(&["explain", "-f", path_text(&path)]);
    assert_rejected(
        &output,
        "is YAML larger than the maximum of 67108864 bytes for YAML: export it as JSON \
         (`kubectl get -o json`) or split it into smaller files",
    );
}
