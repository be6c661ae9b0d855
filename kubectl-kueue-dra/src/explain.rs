//! `kubectl kueue-dra explain`: what Kueue charges each workload for its DRA devices.

use std::process::ExitCode;

use anyhow::bail;
use kueue_dra_quota::Release;

use crate::cli::{ExplainArgs, ExplainOutput};
use crate::describe;
use crate::detect;
use crate::diagnostics;
use crate::filter::Filters;
use crate::input::{self, ClusterInput, NamespaceScope, WorkloadSelectors};
use crate::output;
use crate::report::Report;
use crate::table;
use crate::validate;

/// The exit code when `--fail-on-inadmissible` is set and a workload is inadmissible.
const EXIT_INADMISSIBLE: u8 = 1;

/// Loads the input, explains every workload and prints the result.
pub(crate) fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let flag_version = args
        .kueue_version
        .as_deref()
        .map(input::kueue_version)
        .transpose()?;
    let filters = Filters::new(args)?;
    let (mut snapshot, namespace, version) = if args.files.is_empty() {
        let scope = match (&args.namespace, args.all_namespaces) {
            (_, true) => NamespaceScope::All,
            (Some(namespace), false) => NamespaceScope::Named(namespace),
            (None, false) => NamespaceScope::Context,
        };
        let selectors = WorkloadSelectors {
            label: args.selector.clone(),
            field: args
                .name
                .as_ref()
                .map(|name| format!("metadata.name={name}")),
        };
        let mut cluster =
            input::load_cluster(&args.cluster, args.config.as_deref(), &scope, &selectors)?;
        let version = cluster_release(&mut cluster, flag_version)?;
        (cluster.snapshot, cluster.namespace, version)
    } else {
        let default_namespace = args.namespace.as_deref().unwrap_or("default");
        let snapshot = input::load(&args.files, args.config.as_deref(), default_namespace)?;
        let namespace = args.namespace.clone().filter(|_| !args.all_namespaces);
        (snapshot, namespace, flag_version.unwrap_or_default())
    };
    filters.retain_objects(&mut snapshot)?;
    validate::check_configuration(&snapshot, version)?;

    let namespace = namespace.as_deref();
    let mut report = Report::build(&snapshot, version, namespace)?;
    if let (Some(name), true) = (filters.name(), report.workloads.is_empty()) {
        match namespace {
            Some(namespace) => bail!("workload `{name}` not found in namespace `{namespace}`"),
            None => bail!("workload `{name}` not found in any namespace"),
        }
    }
    filters.retain_explained(&mut report);
    if report.workloads.is_empty() {
        match namespace {
            Some(namespace) => {
                diagnostics::notice(format_args!("No workloads found in namespace {namespace}."));
            }
            None => diagnostics::notice("No workloads found in the input."),
        }
    }

    let with_namespace = namespace.is_none();
    let rendered = match args.output {
        ExplainOutput::Table | ExplainOutput::Wide if report.workloads.is_empty() => String::new(),
        ExplainOutput::Table if filters.name().is_some() => report
            .workloads
            .iter()
            .map(|workload| describe::render(&report, workload))
            .collect::<Vec<_>>()
            .join("\n"),
        ExplainOutput::Table => table::render(&report, !args.no_headers, with_namespace),
        ExplainOutput::Wide => table::render_wide(&report, !args.no_headers, with_namespace),
        // The JSON document of many workloads is written as it is rendered, not held whole.
        ExplainOutput::Json => {
            output::write_json(&report)?;
            String::new()
        }
        ExplainOutput::Yaml => output::yaml(&report)?,
    };
    crate::write_stdout(rendered.as_bytes())?;

    if args.fail_on_inadmissible && report.has_inadmissible() {
        return Ok(ExitCode::from(EXIT_INADMISSIBLE));
    }
    Ok(ExitCode::SUCCESS)
}

/// Returns the release to reproduce for a live cluster: `--kueue-version`, or else the tag of
/// Kueue's controller image, or else the default release with a warning and a note on every
/// workload. Applies the controller's `--feature-gates` argument to the Configuration.
pub(crate) fn cluster_release(
    cluster: &mut ClusterInput,
    flag: Option<Release>,
) -> anyhow::Result<Release> {
    let release = match flag {
        Some(release) => release,
        None => match detect::release(&cluster.controller) {
            Ok(release) => release,
            Err(reason) => {
                let release = Release::default();
                let note = format!(
                    "the Kueue release could not be detected because {reason}, so {release} \
                     is reproduced; pass --kueue-version to choose the release"
                );
                diagnostics::warning(format_args!("context `{}`: {note}", cluster.context));
                for loaded in &mut cluster.snapshot.workloads {
                    loaded.notes.push(note.clone());
                }
                release
            }
        },
    };

    let warnings = detect::apply_feature_gates(
        &mut cluster.snapshot,
        &cluster.controller,
        release,
        &cluster.context,
    )?;
    for warning in warnings {
        diagnostics::warning(warning);
    }
    Ok(release)
}
