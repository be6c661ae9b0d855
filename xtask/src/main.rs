//! Project tasks, run as `cargo xtask <task>` through the alias in `.cargo/config.toml`.
//!
//! Each task is a function that returns the process exit code: 0 on success, 1 when a
//! check finds something to fix, 2 when the task itself fails. To add a task, add a line to
//! [`USAGE`] and an arm to the `match` in [`run`].

mod docs;
mod fuzz;
mod generated;
mod markdown;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use kueue_api::{CRD_DIRECTORY, GENERATED_HEADER};

use crate::generated::{GeneratedFile, Mode, Outputs};

/// The help text, printed for `cargo xtask help` and after a usage error.
const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  codegen            write the generated files: docs/crds/*.yaml from crates/kueue-api
  codegen --check    list generated files that are stale or missing, and exit 1 if any
  docs               write the command reference: docs/reference/*.md and docs/man/*.1
                     from kubectl-kueue-dra/src/cli.rs
  docs --check       list reference pages that are stale or missing, and exit 1 if any
  fuzz --seconds N [--runs N] [TARGET...]
                     run each fuzz target in fuzz/ (all when none is named) for at most
                     N seconds and N executions, one after the other; needs a nightly
                     toolchain and cargo-fuzz, and exits 1 if a target finds a crash
  help               print this help
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs the task named by the first argument.
fn run(args: &[String]) -> Result<ExitCode> {
    let Some((task, options)) = args.split_first() else {
        bail!("missing task\n\n{USAGE}");
    };

    match task.as_str() {
        "codegen" => codegen(Mode::from_options(task, options, USAGE)?),
        "docs" => docs(Mode::from_options(task, options, USAGE)?),
        "fuzz" => {
            let options = fuzz::FuzzOptions::parse(options)
                .map_err(|error| anyhow::anyhow!("{error:#}\n\n{USAGE}"))?;
            fuzz::run(&repository_root()?, &options)
        }
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => bail!("unknown task `{other}`\n\n{USAGE}"),
    }
}

/// Brings the CRD files up to date, or with [`Mode::Check`] lists the ones that are not.
///
/// A CRD file that no type produces any more is stale too. It is recognized by
/// [`GENERATED_HEADER`], so that hand-written files in the same directory are left alone.
fn codegen(mode: Mode) -> Result<ExitCode> {
    let root = repository_root()?;
    let files: Vec<GeneratedFile> = kueue_api::crd_files()
        .context("failed to generate the CRD files")?
        .into_iter()
        .map(|file| GeneratedFile {
            path: file.path,
            contents: file.contents,
        })
        .collect();
    let outputs = Outputs {
        task: "codegen",
        files: &files,
        directories: &[CRD_DIRECTORY],
        is_generated: |contents| contents.starts_with(GENERATED_HEADER),
    };
    generated::sync(&root, &outputs, mode)
}

/// Brings the command reference (Markdown pages and man pages) up to date, or with
/// [`Mode::Check`] lists the pages that are not.
fn docs(mode: Mode) -> Result<ExitCode> {
    let root = repository_root()?;
    let files = docs::files().context("failed to render the command reference")?;
    generated::sync(&root, &docs::outputs(&files), mode)
}

/// Returns the workspace root, the parent of this crate's directory.
fn repository_root() -> Result<PathBuf> {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .with_context(|| format!("`{}` has no parent directory", manifest_dir.display()))
}
