//! Generated files on disk: finding the stale ones, writing them, and listing them for
//! `--check`.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

/// A file that a task generates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GeneratedFile {
    /// The path relative to the repository root, with `/` separators.
    pub(crate) path: String,
    /// The full contents, starting with a header that marks the file as generated.
    pub(crate) contents: String,
}

/// Whether a task writes its files or only compares them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Write,
    Check,
}

impl Mode {
    /// Parses the options after the task name: none, or `--check`.
    pub(crate) fn from_options(task: &str, options: &[String], usage: &str) -> Result<Self> {
        match options {
            [] => Ok(Self::Write),
            [flag] if flag == "--check" => Ok(Self::Check),
            _ => bail!(
                "invalid options for `{task}`: `{}`: expected none or `--check`\n\n{usage}",
                options.join(" ")
            ),
        }
    }
}

/// The output of one task: its files, and how to recognize the files it wrote earlier.
pub(crate) struct Outputs<'a> {
    /// The task name, as in `cargo xtask <task>`.
    pub(crate) task: &'a str,
    /// The files the task generates now.
    pub(crate) files: &'a [GeneratedFile],
    /// The directories, relative to the repository root, that hold the task's files. A file
    /// there that [`Outputs::is_generated`] recognizes but the task no longer produces is
    /// removed.
    pub(crate) directories: &'a [&'a str],
    /// Returns whether a file's contents start with the task's generated-file header, so that
    /// hand-written files in the same directories are left alone.
    pub(crate) is_generated: fn(&str) -> bool,
}

/// Brings the files of `outputs` up to date under `root`, or with [`Mode::Check`] lists the
/// ones that are not and returns exit code 1.
pub(crate) fn sync(root: &Path, outputs: &Outputs<'_>, mode: Mode) -> Result<ExitCode> {
    let stale = stale_files(root, outputs)?;

    if mode == Mode::Check {
        if stale.is_empty() {
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("stale generated files:");
        for file in &stale {
            eprintln!("  {}", file.describe());
        }
        eprintln!("run `cargo xtask {}` to update them", outputs.task);
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

/// A generated file that differs from what the task produces.
pub(crate) enum StaleFile<'a> {
    /// The file does not exist.
    Missing(&'a GeneratedFile),
    /// The file's contents differ.
    Outdated(&'a GeneratedFile),
    /// The file carries the generated header, but the task no longer produces it. The path
    /// is relative to the repository root.
    Orphaned(String),
}

impl StaleFile<'_> {
    fn path(&self) -> &str {
        match self {
            StaleFile::Missing(file) | StaleFile::Outdated(file) => &file.path,
            StaleFile::Orphaned(path) => path,
        }
    }

    /// Returns the path followed by why the file is stale, as `--check` lists it.
    pub(crate) fn describe(&self) -> String {
        match self {
            StaleFile::Missing(file) => format!("{} (missing)", file.path),
            StaleFile::Outdated(file) => format!("{} (outdated)", file.path),
            StaleFile::Orphaned(path) => format!("{path} (no longer generated)"),
        }
    }
}

/// Compares the files of `outputs` with the ones under `root`.
pub(crate) fn stale_files<'a>(root: &Path, outputs: &Outputs<'a>) -> Result<Vec<StaleFile<'a>>> {
    let mut stale = Vec::new();
    for file in outputs.files {
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

    for directory in outputs.directories {
        let absolute = root.join(directory);
        if !absolute.exists() {
            continue;
        }
        let mut entries = fs::read_dir(&absolute)
            .and_then(Iterator::collect::<Result<Vec<_>, _>>)
            .with_context(|| format!("failed to list `{}`", absolute.display()))?;
        // Sorted, so that `--check` lists orphans in the same order on every file system.
        entries.sort_by_key(fs::DirEntry::file_name);

        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = format!("{directory}/{name}");
            let is_produced = outputs.files.iter().any(|file| file.path == relative);
            if is_produced || !is_generated_file(&entry.path(), outputs.is_generated) {
                continue;
            }
            stale.push(StaleFile::Orphaned(relative));
        }
    }
    Ok(stale)
}

/// Returns whether the file at `path` is readable text that `is_generated` recognizes.
fn is_generated_file(path: &Path, is_generated: fn(&str) -> bool) -> bool {
    fs::read_to_string(path).is_ok_and(|contents| is_generated(&contents))
}
