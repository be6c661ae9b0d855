//! Project tasks, run as `cargo xtask <task>` through the alias in `.cargo/config.toml`.
//!
//! Each task is a function that returns the process exit code: 0 on success, 1 when a
//! check finds something to fix, 2 when the task itself fails. To add a task, add a line to
//! [`USAGE`] and an arm to the `match` in [`run`].

mod bench;
mod docs;
mod fuzz;
mod generated;
mod live_apiserver;
mod live_bench;
mod markdown;
mod snapshot;

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
  gen-snapshot --workloads N [--output PATH]
                     write a cluster snapshot of N Workloads as one `kind: List` JSON file,
                     by default target/bench/snapshot-N.json
  bench [--repeats N] [--live]
                     build in release mode, time `explain -A` on snapshots of 10,000 and
                     100,000 Workloads against serde_json and jq (N runs each, default 3),
                     then time concurrent and sequential listing of a 10,000-Workload
                     snapshot served by a local apiserver on 127.0.0.1, and write the
                     figures to docs/BENCHMARKS.md; --live runs only the listing part
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
        "gen-snapshot" => gen_snapshot(options),
        "bench" => bench::run(&repository_root()?, &bench::Options::parse(options, USAGE)?),
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

/// Writes a snapshot for `--workloads N` to `--output`, by default under target/bench.
fn gen_snapshot(options: &[String]) -> Result<ExitCode> {
    let mut workloads = None;
    let mut output = None;
    let mut options = options.iter();
    while let Some(option) = options.next() {
        let value = options
            .next()
            .with_context(|| format!("missing value after `{option}`\n\n{USAGE}"))?;
        match option.as_str() {
            "--workloads" => {
                let count: usize = value.parse().with_context(|| {
                    format!("invalid --workloads `{value}`: expected a whole number")
                })?;
                workloads = Some(count);
            }
            "--output" => output = Some(PathBuf::from(value)),
            other => bail!("unknown option `{other}` for `gen-snapshot`\n\n{USAGE}"),
        }
    }
    let workloads =
        workloads.with_context(|| format!("missing --workloads for `gen-snapshot`\n\n{USAGE}"))?;
    let output = match output {
        Some(output) => output,
        None => repository_root()?.join(format!("target/bench/snapshot-{workloads}.json")),
    };

    let counts = snapshot::write_file(&output, workloads)?;
    println!(
        "{}: {} objects, {} Workloads ({} admitted)",
        output.display(),
        counts.objects,
        counts.workloads,
        counts.admitted
    );
    Ok(ExitCode::SUCCESS)
}

/// Returns the workspace root, the parent of this crate's directory.
fn repository_root() -> Result<PathBuf> {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .with_context(|| format!("`{}` has no parent directory", manifest_dir.display()))
}
