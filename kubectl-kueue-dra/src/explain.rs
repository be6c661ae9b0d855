//! `kubectl kueue-dra explain`: what Kueue charges each workload for its DRA devices.

use std::process::ExitCode;

use crate::cli::{ExplainArgs, Output};
use crate::diagnostics;
use crate::input::{self, NamespaceScope};
use crate::output;
use crate::report::Report;
use crate::table;
use crate::validate;

/// The exit code when `--fail-on-inadmissible` is set and a workload is inadmissible.
const EXIT_INADMISSIBLE: u8 = 1;

/// Loads the input, explains every workload and prints the result.
pub(crate) fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let version = input::kueue_version(&args.kueue_version)?;
    let (snapshot, namespace) = if args.files.is_empty() {
        let scope = match (&args.namespace, args.all_namespaces) {
            (_, true) => NamespaceScope::All,
            (Some(namespace), false) => NamespaceScope::Named(namespace),
            (None, false) => NamespaceScope::Context,
        };
        input::load_cluster(&args.cluster, args.config.as_deref(), &scope)?
    } else {
        let default_namespace = args.namespace.as_deref().unwrap_or("default");
        let snapshot = input::load(&args.files, args.config.as_deref(), default_namespace)?;
        let namespace = args.namespace.clone().filter(|_| !args.all_namespaces);
        (snapshot, namespace)
    };
    validate::check_configuration(&snapshot, version)?;

    let namespace = namespace.as_deref();
    let report = Report::build(&snapshot, version, namespace)?;
    if report.workloads.is_empty() {
        match namespace {
            Some(namespace) => {
                diagnostics::notice(format_args!("No workloads found in namespace {namespace}."));
            }
            None => diagnostics::notice("No workloads found in the input."),
        }
    }

    match args.output {
        Output::Table if report.workloads.is_empty() => {}
        Output::Table => {
            let table = table::render(&report, !args.no_headers, namespace.is_none());
            crate::write_stdout(table.as_bytes())?;
        }
        // The JSON document of many workloads is written as it is rendered, not held whole.
        Output::Json => output::write_json(&report)?,
        Output::Yaml => crate::write_stdout(output::yaml(&report)?.as_bytes())?,
    }

    if args.fail_on_inadmissible && report.has_inadmissible() {
        return Ok(ExitCode::from(EXIT_INADMISSIBLE));
    }
    Ok(ExitCode::SUCCESS)
}
