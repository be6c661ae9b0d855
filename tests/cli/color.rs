//! Colour on standard error: `--color` and the `NO_COLOR` and `CLICOLOR_FORCE` conventions.

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
