//! `kubectl kueue-dra explain`: what Kueue charges each workload for its DRA devices.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use kueue_dra_cluster::Loader;

use crate::cli::{ExplainArgs, Output};
use crate::diagnostics;
use crate::kueue_version::{DEFAULT_VERSION, KueueVersion};
use crate::report::Report;
use crate::table;
use crate::validate;

/// The exit code when `--fail-on-inadmissible` is set and a workload is inadmissible.
const EXIT_INADMISSIBLE: u8 = 1;

/// Loads the input, explains every workload and prints the result.
pub(crate) fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let version = KueueVersion::parse(&args.kueue_version).context("invalid --kueue-version")?;
    // NOTE: the calculator reproduces one release so far. Other releases are recognised, so
    // that a typo and a release not modelled yet get different messages, but they are
    // rejected rather than explained with another release's rules.
    if version.to_string() != DEFAULT_VERSION {
        bail!(
            "invalid --kueue-version: Kueue {version} is not reproduced yet; this build \
             reproduces {DEFAULT_VERSION} only, so pass `--kueue-version {DEFAULT_VERSION}` or \
             leave the flag out"
        );
    }

    let default_namespace = args.namespace.as_deref().unwrap_or("default");
    let mut loader = Loader::new(default_namespace);
    if let Some(config) = &args.config {
        loader.set_configuration_file(config)?;
    }
    for path in &args.files {
        loader.add_path(path)?;
    }
    let snapshot = loader.finish()?;
    for warning in &snapshot.warnings {
        diagnostics::warning(warning);
    }
    validate::check_configuration(&snapshot, &version.to_string())?;
    for loaded in &snapshot.workloads {
        validate::check(loaded)?;
    }
    for warning in validate::removed_feature_gates(&snapshot) {
        diagnostics::warning(warning);
    }

    let namespace = if args.all_namespaces {
        None
    } else {
        args.namespace.as_deref()
    };
    let report = Report::build(&snapshot, version.to_string(), namespace);
    if report.workloads.is_empty() {
        match namespace {
            Some(namespace) => {
                diagnostics::notice(format_args!("No workloads found in namespace {namespace}."));
            }
            None => diagnostics::notice("No workloads found in the input."),
        }
    }

    let rendered = match args.output {
        Output::Table if report.workloads.is_empty() => String::new(),
        Output::Table => table::render(&report, !args.no_headers, namespace.is_none()),
        Output::Json => {
            let mut json = serde_json::to_string_pretty(&report).context("cannot render JSON")?;
            json.push('\n');
            json
        }
        Output::Yaml => serde_saphyr::to_string(&report).context("cannot render YAML")?,
    };
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(rendered.as_bytes())
        .and_then(|()| stdout.flush())
        .context("cannot write to standard output")?;

    if args.fail_on_inadmissible && report.has_inadmissible() {
        return Ok(ExitCode::from(EXIT_INADMISSIBLE));
    }
    Ok(ExitCode::SUCCESS)
}
