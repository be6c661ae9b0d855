//! The small commands: `version`, `completion` and `--help`.

use crate::harness::run;

#[test]
fn version_names_the_reproduced_release() {
    let output = run(&["version"]);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert_eq!(
        output.stdout,
        format!(
            "kubectl-kueue_dra {}\nreproduces Kueue v0.14.0 to v0.19.2 and main at commit \
             ff69552 (default v0.19.2)\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn bash_completion_knows_the_subcommands() {
    let output = run(&["completion", "bash"]);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert!(output.stdout.contains("check-config"), "{}", output.stdout);
    assert!(
        output.stdout.contains("--kueue-version"),
        "{}",
        output.stdout
    );
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let output = run(&["completion", "tcsh"]);
    assert_eq!(output.code, Some(2));
    assert!(
        output.stderr.contains("invalid value 'tcsh'"),
        "{}",
        output.stderr
    );
}

#[test]
fn help_is_written_for_kubectl() {
    let output = run(&["explain", "--help"]);
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    assert!(
        output
            .stdout
            .contains("Usage: kubectl kueue-dra explain [OPTIONS]"),
        "{}",
        output.stdout
    );
}
