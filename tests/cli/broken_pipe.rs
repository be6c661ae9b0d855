//! A reader that stops early, as `kubectl kueue-dra explain | head -1` does: the plugin exits
//! quietly with status 0, with no panic and no "Broken pipe" message.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::harness::{binary, finish, repo_root};

/// The number of Pods in the input: enough that every output is several times larger than a
/// pipe's 64 KiB buffer, so the plugin is still writing when the reader goes away.
const POD_COUNT: usize = 3_000;

/// Writes `POD_COUNT` Pods to `pods.yaml` in `directory`.
fn write_pods(directory: &Path) -> String {
    let mut yaml = String::new();
    for index in 0..POD_COUNT {
        write!(
            yaml,
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{index:05}\nspec:\n  \
             containers:\n  - name: main\n    resources:\n      requests:\n        cpu: 500m\n"
        )
        .expect("a String accepts writes");
    }
    let path = directory.join("pods.yaml");
    std::fs::write(&path, yaml).expect("the input is written");
    path.to_str().expect("temporary paths are UTF-8").to_owned()
}

/// Writes a Configuration with `POD_COUNT` fields Kueue does not know, so that `check-config`
/// reports one finding for each.
fn write_configuration(directory: &Path) -> String {
    let mut yaml = String::from("apiVersion: config.kueue.x-k8s.io/v1beta2\nkind: Configuration\n");
    for index in 0..POD_COUNT {
        writeln!(yaml, "unknownField{index:05}: 1").expect("a String accepts writes");
    }
    let path = directory.join("configuration.yaml");
    std::fs::write(&path, yaml).expect("the input is written");
    path.to_str().expect("temporary paths are UTF-8").to_owned()
}

/// What the plugin did after its reader went away.
struct Ending {
    first_line: String,
    stderr: String,
    code: Option<i32>,
}

/// Runs the plugin with `args`, reads the first line of its output, closes the pipe as
/// `head -1` does, and waits for the plugin to exit.
fn read_first_line(args: &[&str]) -> Ending {
    let mut child = Command::new(binary())
        .args(args)
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");

    let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut first_line = String::new();
    stdout
        .read_line(&mut first_line)
        .expect("the first line can be read");
    drop(stdout);

    let output = finish(child);
    Ending {
        first_line,
        stderr: output.stderr,
        code: output.code,
    }
}

#[track_caller]
fn assert_quiet_exit(ending: &Ending, expected_first_line: &str) {
    assert_eq!(ending.first_line, expected_first_line);
    assert_eq!(ending.stderr, "", "the plugin printed to standard error");
    assert_eq!(ending.code, Some(0), "stderr: {}", ending.stderr);
}

#[test]
fn explain_table_into_closed_pipe() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let pods = write_pods(directory.path());
    let ending = read_first_line(&["explain", "-f", &pods]);
    assert_quiet_exit(
        &ending,
        "NAMESPACE   NAME            STATUS    DRA CHARGES   VERDICT   MESSAGE\n",
    );
}

#[test]
fn explain_json_into_closed_pipe() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let pods = write_pods(directory.path());
    let ending = read_first_line(&["explain", "-o", "json", "-f", &pods]);
    assert_quiet_exit(&ending, "{\n");
}

#[test]
fn explain_yaml_into_closed_pipe() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let pods = write_pods(directory.path());
    let ending = read_first_line(&["explain", "-o", "yaml", "-f", &pods]);
    assert_quiet_exit(&ending, "kueueVersion: v0.19.2\n");
}

#[test]
fn check_config_into_closed_pipe() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let configuration = write_configuration(directory.path());
    let ending = read_first_line(&["check-config", "-f", &configuration]);
    // Each finding is an error, so a complete run would exit 1.
    assert_quiet_exit(
        &ending,
        "SEVERITY   CODE                     OBJECTS             MESSAGE\n",
    );
}

#[test]
fn error_into_closed_stderr_exits_2() {
    // The error message cannot be written, but the exit code still reports the failure.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let status = Command::new(binary())
        .args(["explain", "-f", "no-such-file.yaml"])
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(writer)
        .status()
        .expect("the binary runs");
    assert_eq!(status.code(), Some(2));
}
