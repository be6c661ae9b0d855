//! `kubectl kueue-dra`: explains how Kueue charges Dynamic Resource Allocation devices against
//! ClusterQueue quota.

mod check_config;
mod cli;
mod diagnostics;
mod explain;
mod input;
mod kueue_version;
mod report;
mod table;
mod validate;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

/// The exit code for usage errors, unreadable input and an unreachable cluster.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    diagnostics::set_color(cli.color);
    let result = match cli.command {
        Command::Explain(args) => explain::run(&args),
        Command::CheckConfig(args) => check_config::run(&args),
    };

    match result {
        Ok(code) => code,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            // Flush what was printed before the error, then report the whole chain once.
            let _ = io::stdout().flush();
            diagnostics::error(format_args!("{error:#}"));
            ExitCode::from(EXIT_ERROR)
        }
    }
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
