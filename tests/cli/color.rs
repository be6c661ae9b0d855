//! Colour on standard error and in tables: `--color` and the `NO_COLOR` and `CLICOLOR_FORCE`
//! conventions.

use std::process::{Command, Stdio};

use crate::harness::{binary, repo_root, wait};

/// Runs `explain` on a missing file, so that it prints one error, with `env` set.
fn error_output(color_flag: Option<&str>, env: &[(&str, &str)]) -> String {
    let mut command = Command::new(binary());
    command
        .args(["explain", "-f", "no-such-file.yaml"])
        .args(color_flag.map(|when| format!("--color={when}")))
        .current_dir(repo_root())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    wait(command, None).stderr
}

#[test]
fn always_colours_into_a_pipe() {
    let stderr = error_output(Some("always"), &[]);
    assert!(
        stderr.starts_with("\u{1b}[1m\u{1b}[31merror:\u{1b}[0m "),
        "{stderr:?}"
    );
}

#[test]
fn auto_is_plain_into_a_pipe() {
    let stderr = error_output(None, &[]);
    assert!(stderr.starts_with("error: cannot read"), "{stderr:?}");
}

#[test]
fn never_wins_over_clicolor_force() {
    let stderr = error_output(Some("never"), &[("CLICOLOR_FORCE", "1")]);
    assert!(stderr.starts_with("error: cannot read"), "{stderr:?}");
}

#[test]
fn no_color_wins_over_clicolor_force() {
    let stderr = error_output(None, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(stderr.starts_with("error: cannot read"), "{stderr:?}");
}

#[test]
fn clicolor_force_colours_auto() {
    let stderr = error_output(None, &[("CLICOLOR_FORCE", "1")]);
    assert!(
        stderr.starts_with("\u{1b}[1m\u{1b}[31merror:"),
        "{stderr:?}"
    );
}

/// Two Pods: `claims-directly` names a ResourceClaim, which Kueue rejects, and `plain`
/// requests only CPU.
const ONE_INADMISSIBLE_POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: claims-directly
spec:
  containers:
  - name: main
    image: busybox
    resources:
      claims:
      - name: gpu
  resourceClaims:
  - name: gpu
    resourceClaimName: shared-gpu
---
apiVersion: v1
kind: Pod
metadata:
  name: plain
spec:
  containers:
  - name: main
    image: busybox
    resources:
      requests:
        cpu: 500m
";

/// Runs `args` with `-f` naming a file that contains `manifests`, with `env` set, and returns
/// standard output.
fn table_output(args: &[&str], manifests: &str, env: &[(&str, &str)]) -> String {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join("pods.yaml");
    std::fs::write(&path, manifests).expect("the input is written");

    let mut command = Command::new(binary());
    command
        .args(args)
        .arg("-f")
        .arg(&path)
        .current_dir(repo_root())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let output = wait(command, None);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    output.stdout
}

#[test]
fn always_colours_inadmissible_row() {
    let stdout = table_output(&["explain", "--color=always"], ONE_INADMISSIBLE_POD, &[]);
    assert_eq!(
        stdout,
        "NAMESPACE   NAME                  STATUS         DRA CHARGES   VERDICT   MESSAGE\n\
         \u{1b}[31mdefault     pod-claims-directly   Inadmissible   <none>        <none>    \
         KueueDRAIntegration feature does not support use of resource claims\u{1b}[0m\n\
         default     pod-plain             Charged        <none>        <none>\n"
    );
}

#[test]
fn always_colours_row_that_does_not_fit() {
    let mut command = Command::new(binary());
    command
        .args([
            "explain",
            "--color=always",
            "-f",
            "examples/cohort-borrowing/",
        ])
        .current_dir(repo_root())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let output = wait(command, None);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);

    let row = |name: &str| {
        output
            .stdout
            .lines()
            .find(|line| line.contains(name))
            .unwrap_or_else(|| panic!("no row for {name} in {:?}", output.stdout))
            .to_owned()
    };
    let huge = row("job-huge-training");
    assert!(
        huge.starts_with("\u{1b}[33m") && huge.ends_with("\u{1b}[0m"),
        "{huge:?}"
    );
    let small = row("job-small-training");
    assert!(!small.contains('\u{1b}'), "{small:?}");
}

#[test]
fn auto_table_is_plain_into_a_pipe() {
    let stdout = table_output(&["explain"], ONE_INADMISSIBLE_POD, &[]);
    assert!(stdout.contains("Inadmissible"), "{stdout:?}");
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
}

#[test]
fn no_color_keeps_table_plain() {
    let stdout = table_output(
        &["explain"],
        ONE_INADMISSIBLE_POD,
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    );
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
}

#[test]
fn clicolor_force_colours_table() {
    let stdout = table_output(
        &["explain"],
        ONE_INADMISSIBLE_POD,
        &[("CLICOLOR_FORCE", "1")],
    );
    assert!(
        stdout.contains("\u{1b}[31mdefault     pod-claims-directly"),
        "{stdout:?}"
    );
}

#[test]
fn json_and_yaml_are_never_coloured() {
    for format in ["json", "yaml"] {
        let stdout = table_output(
            &["explain", "--color=always", "-o", format],
            ONE_INADMISSIBLE_POD,
            &[],
        );
        assert!(stdout.contains("Inadmissible"), "{format}: {stdout:?}");
        assert!(!stdout.contains('\u{1b}'), "{format}: {stdout:?}");
    }
}

#[test]
fn always_colours_findings_by_severity() {
    let configuration = std::fs::read_to_string(
        repo_root().join("testdata/real-manifests/kueue-kep-invalid-duplicate-mapping.yaml"),
    )
    .expect("the fixture is readable");
    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join("configuration.yaml");
    std::fs::write(&path, configuration).expect("the input is written");

    let mut command = Command::new(binary());
    command
        .args(["check-config", "--color=always", "-f"])
        .arg(&path)
        .current_dir(repo_root())
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let output = wait(command, None);
    assert_eq!(output.code, Some(1), "stderr: {}", output.stderr);

    let lines: Vec<&str> = output.stdout.lines().collect();
    let error = lines.iter().find(|line| line.contains("KUEUE-VALIDATION"));
    let warning = lines
        .iter()
        .find(|line| line.contains("WAIT-FOR-PODS-READY-DISABLED"));
    let info = lines.iter().find(|line| line.contains("NOT-VERIFIABLE"));
    assert!(
        error.is_some_and(|line| line.starts_with("\u{1b}[31mError")),
        "{lines:?}"
    );
    assert!(
        warning.is_some_and(|line| line.starts_with("\u{1b}[33mWarning")),
        "{lines:?}"
    );
    assert!(
        info.is_some_and(|line| line.starts_with("Info")),
        "{lines:?}"
    );
}
