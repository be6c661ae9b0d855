//! The plugin as kubectl finds it: `kubectl kueue-dra` runs `kubectl-kueue_dra` from `PATH`.

use std::process::{Command, Stdio};

use crate::harness::{binary, repo_root, wait};

#[test]
fn kubectl_finds_the_plugin_by_its_dashed_name() {
    // Only the binary goes on PATH: cargo's `target/debug` also contains files kubectl would
    // list as broken plugins.
    let bin = tempfile::tempdir().expect("a temporary directory");
    std::fs::copy(binary(), bin.path().join("kubectl-kueue_dra")).expect("the binary is copied");
    let path = std::env::join_paths(std::iter::once(bin.path().to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH can be joined");

    let mut command = Command::new("kubectl");
    command
        .args([
            "kueue-dra",
            "explain",
            "-f",
            "examples/extended-resource",
            "-o",
            "json",
        ])
        .current_dir(repo_root())
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let output = wait(command, None);

    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert!(
        output.stdout.contains("\"kueueVersion\": \"v0.19.2\""),
        "stdout: {}",
        output.stdout
    );
}
