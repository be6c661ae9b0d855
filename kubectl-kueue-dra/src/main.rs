//! `kubectl kueue-dra`: explains how Kueue charges Dynamic Resource Allocation devices against
//! ClusterQueue quota.

mod check_config;
mod complete;
mod describe;
mod detect;
mod diagnostics;
mod explain;
mod filter;
mod input;
mod output;
mod progress;
mod report;
mod selector;
mod startup;
mod table;
mod validate;

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{CommandFactory, Parser};
use kubectl_kueue_dra::cli;
use kueue_dra_quota::Release;

use crate::cli::{Cli, Command};

/// mimalloc rather than glibc's allocator: explaining a snapshot of 100,000 Workloads spent
/// a third of its time in glibc's `malloc`, whose free lists grow with the many small
/// allocations that stay live while loading (see docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The exit code for usage errors, unreadable input and an unreachable cluster.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    // kubectl's plugin completion passes the words being typed, flags included, so they are
    // read before clap could take them for the plugin's own flags.
    let mut args = std::env::args_os().skip(1);
    if args
        .next()
        .is_some_and(|first| first == complete::SUBCOMMAND)
    {
        let words: Vec<String> = args
            .map(|word| word.to_string_lossy().into_owned())
            .collect();
        return match complete::run(&words) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
            Err(error) => {
                diagnostics::error(format_args!("{error:#}"));
                ExitCode::from(EXIT_ERROR)
            }
        };
    }

    let cli = Cli::parse();
    diagnostics::set_color(cli.color);
    diagnostics::start_logging(cli.verbosity);
    let result = match cli.command {
        Command::Explain(args) => explain::run(&args),
        Command::CheckConfig(args) => check_config::run(&args),
        Command::Completion { shell } => print_completion(shell),
        Command::Version => print_version(),
    };

    match result {
        Ok(code) => code,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        // Ctrl-C while reading a cluster: stop with no output and no message.
        Err(error) if is_interrupted(&error) => ExitCode::from(progress::Interrupted::EXIT_CODE),
        Err(error) => {
            // Flush what was printed before the error, then report the whole chain once.
            let _ = io::stdout().flush();
            diagnostics::error(format_args!("{error:#}"));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Prints the completion script for `shell` to standard output.
fn print_completion(shell: clap_complete::Shell) -> anyhow::Result<ExitCode> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "kubectl-kueue_dra", &mut script);
    write_stdout(&script)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the plugin's version and the Kueue releases it reproduces.
fn print_version() -> anyhow::Result<ExitCode> {
    let releases = Release::all();
    let oldest = releases
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    let newest_tag = releases
        .iter()
        .rev()
        .find(|release| **release != Release::Main)
        .map(ToString::to_string)
        .unwrap_or_default();
    let text = format!(
        "kubectl-kueue_dra {}\nreproduces Kueue {oldest} to {newest_tag} and main at commit {} \
         (default {})\n",
        env!("CARGO_PKG_VERSION"),
        kueue_dra_quota::MAIN_COMMIT,
        cli::DEFAULT_VERSION
    );
    write_stdout(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` to standard output and flushes it.
///
/// ANSI codes in `bytes` are kept with `--color=always`, and with `auto` on a terminal where
/// `NO_COLOR` is unset and `TERM` is not `dumb`. Everywhere else they are removed.
pub(crate) fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut stdout = anstream::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context("cannot write to standard output")
}

/// Returns whether the error is a closed standard output, as when piping into `head`, which
/// is not worth a message.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|error| error.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Returns whether the error is a read stopped by Ctrl-C.
fn is_interrupted(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|cause| cause.downcast_ref::<progress::Interrupted>().is_some())
}
