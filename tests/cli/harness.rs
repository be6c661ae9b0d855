//! Runs the plugin binary and captures what it prints.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{OnceLock, mpsc};
use std::time::Duration;

/// How long one run may take before it counts as a hang. Generous: this guards against
/// hangs, it does not measure speed.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Returns the repository root, where `examples/` and `testdata/` are.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the repository root")
        .to_path_buf()
}

/// Returns the path of the plugin binary, building it once per test run.
pub fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        escargot::CargoBuild::new()
            .manifest_path(repo_root().join("Cargo.toml"))
            .package("kubectl-kueue-dra")
            .bin("kubectl-kueue_dra")
            .current_release()
            .run()
            .expect("the plugin builds")
            .path()
            .to_path_buf()
    })
}

/// What one run printed, and how it ended.
#[derive(Debug)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: Option<i32>,
}

/// Runs the plugin with `args` from the repository root, with colour off.
pub fn run(args: &[&str]) -> Output {
    run_with_stdin(args, None)
}

/// Runs the plugin with `args`, writing `stdin` to its standard input.
pub fn run_with_stdin(args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = Command::new(binary());
    command
        .args(args)
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    wait(command, stdin)
}

/// Runs `command`, feeding it `stdin`, and kills it if it outlives [`TIMEOUT`].
pub fn wait(mut command: Command, stdin: Option<&str>) -> Output {
    let mut child = command.spawn().expect("the binary starts");
    if let Some(stdin) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let stdin = stdin.to_owned();
        // A separate thread writes, so a child that prints before reading cannot deadlock.
        std::thread::spawn(move || pipe.write_all(stdin.as_bytes()));
    }

    finish(child)
}

/// Waits for a started child, killing it if it outlives [`TIMEOUT`], and collects what it
/// prints on the streams still piped to this process.
pub fn finish(child: Child) -> Output {
    let pid = child.id();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || sender.send(child.wait_with_output()));
    let Ok(output) = receiver.recv_timeout(TIMEOUT) else {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        panic!("the plugin hung for {TIMEOUT:?}");
    };
    let output = output.expect("the output can be read");
    Output {
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        code: output.status.code(),
    }
}

/// Parses standard output as JSON, failing with what was printed if it is not.
pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_str(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "stdout is not JSON ({error}):\n{}\nstderr:\n{}",
            output.stdout, output.stderr
        )
    })
}

/// Returns the path of `program` in a directory of `PATH`, if it is installed.
pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|directory| directory.join(program))
        .find(|candidate| candidate.is_file())
}
