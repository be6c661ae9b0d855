//! Project tasks, run as `cargo xtask <task>` through the alias in `.cargo/config.toml`.
//!
//! Each task is a function that returns the process exit code: 0 on success, 1 when a
//! check finds something to fix, 2 when the task itself fails. To add a task, add a line to
//! [`USAGE`] and an arm to the `match` in [`run`].

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use kueue_api::{CRD_DIRECTORY, CrdFile, GENERATED_HEADER};

/// The help text, printed for `cargo xtask help` and after a usage error.
const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  codegen            write the generated files: docs/crds/*.yaml from crates/kueue-api
  codegen --check    list generated files that are stale or missing, and exit 1 if any
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
        "codegen" => codegen(CodegenMode::from_options(options)?),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => bail!("unknown task `{other}`\n\n{USAGE}"),
    }
}

/// Whether `codegen` writes the files or only compares them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CodegenMode {
    Write,
    Check,
}

impl CodegenMode {
    fn from_options(options: &[String]) -> Result<Self> {
        match options {
            [] => Ok(Self::Write),
            [flag] if flag == "--check" => Ok(Self::Check),
            _ => bail!(
                "invalid options for `codegen`: `{}`: expected none or `--check`\n\n{USAGE}",
                options.join(" ")
            ),
        }
    }
}

/// Brings the generated files up to date, or with [`CodegenMode::Check`] lists the ones
/// that are not.
///
/// A generated file that no type produces any more is stale too. It is recognized by
/// [`GENERATED_HEADER`], so that hand-written files in the same directory are left alone.
fn codegen(mode: CodegenMode) -> Result<ExitCode> {
    let root = repository_root()?;
    let files = kueue_api::crd_files().context("failed to generate the CRD files")?;
    let stale = stale_files(&root, &files)?;

    if mode == CodegenMode::Check {
        if stale.is_empty() {
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("stale generated files:");
        for file in &stale {
            eprintln!("  {}", file.describe());
        }
        eprintln!("run `cargo xtask codegen` to update them");
        return Ok(ExitCode::from(1));
    }

    for file in &stale {
        let path = root.join(file.path());
        match file {
            StaleFile::Missing(generated) | StaleFile::Outdated(generated) => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)
                        .with_context(|| format!("failed to create `{}`", parent.display()))?;
                }
                fs::write(&path, &generated.contents)
                    .with_context(|| format!("failed to write `{}`", path.display()))?;
            }
            StaleFile::Orphaned(_) => {
                fs::remove_file(&path)
                    .with_context(|| format!("failed to remove `{}`", path.display()))?;
            }
        }
        println!("{}", file.describe());
    }
    Ok(ExitCode::SUCCESS)
}

/// A generated file that differs from what the types produce.
enum StaleFile<'a> {
    /// The file does not exist.
    Missing(&'a CrdFile),
    /// The file's contents differ.
    Outdated(&'a CrdFile),
    /// The file carries the generated header, but no type produces it any more. The path is
    /// relative to the repository root.
    Orphaned(String),
}

impl StaleFile<'_> {
    fn path(&self) -> &str {
        match self {
            StaleFile::Missing(file) | StaleFile::Outdated(file) => &file.path,
            StaleFile::Orphaned(path) => path,
        }
    }

    fn describe(&self) -> String {
        match self {
            StaleFile::Missing(file) => format!("{} (missing)", file.path),
            StaleFile::Outdated(file) => format!("{} (outdated)", file.path),
            StaleFile::Orphaned(path) => format!("{path} (no longer generated)"),
        }
    }
}

/// Compares the generated files with the ones under `root`.
fn stale_files<'a>(root: &Path, files: &'a [CrdFile]) -> Result<Vec<StaleFile<'a>>> {
    let mut stale = Vec::new();
    for file in files {
        let path = root.join(&file.path);
        if !path.exists() {
            stale.push(StaleFile::Missing(file));
            continue;
        }
        let current = fs::read_to_string(&path)
            .with_context(|| format!("failed to read `{}`", path.display()))?;
        if current != file.contents {
            stale.push(StaleFile::Outdated(file));
        }
    }

    let directory = root.join(CRD_DIRECTORY);
    if !directory.exists() {
        return Ok(stale);
    }
    let entries = fs::read_dir(&directory)
        .with_context(|| format!("failed to list `{}`", directory.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("failed to list `{}`", directory.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = format!("{CRD_DIRECTORY}/{name}");
        let is_generated_here = files.iter().any(|file| file.path == relative);
        if is_generated_here || !is_generated_file(&entry.path()) {
            continue;
        }
        stale.push(StaleFile::Orphaned(relative));
    }
    Ok(stale)
}

/// Returns whether the file at `path` starts with [`GENERATED_HEADER`].
fn is_generated_file(path: &Path) -> bool {
    fs::read_to_string(path).is_ok_and(|contents| contents.starts_with(GENERATED_HEADER))
}

/// Returns the workspace root, the parent of this crate's directory.
fn repository_root() -> Result<PathBuf> {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .with_context(|| format!("`{}` has no parent directory", manifest_dir.display()))
}
