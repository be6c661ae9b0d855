//! `kubectl kueue-dra explain`: what Kueue charges each workload for its DRA devices.

use std::io;
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
use crate::report::{self, Report, WorkloadReport};
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
        let mut cluster = input::load_cluster(
            &args.cluster,
            args.config.as_deref(),
            &scope,
            &selectors,
            Some(validate::invalid_field),
        )?;
        let version = cluster_release(&mut cluster, flag_version)?;
        (cluster.snapshot, cluster.namespace, version)
    } else {
        let default_namespace = args.namespace.as_deref().unwrap_or("default");
        let snapshot = input::load(
            &args.files,
            args.config.as_deref(),
            default_namespace,
            Some(validate::invalid_field),
        )?;
        let namespace = args.namespace.clone().filter(|_| !args.all_namespaces);
        (snapshot, namespace, flag_version.unwrap_or_default())
    };
    filters.retain_objects(&mut snapshot)?;
    validate::check_configuration(&snapshot, version)?;

    let namespace = namespace.as_deref();
    let any_selected = snapshot
        .workloads
        .iter()
        .any(|loaded| namespace.is_none_or(|namespace| loaded.namespace() == namespace));
    if let (Some(name), false) = (filters.name(), any_selected) {
        match namespace {
            Some(namespace) => bail!("workload `{name}` not found in namespace `{namespace}`"),
            None => bail!("workload `{name}` not found in any namespace"),
        }
    }

    // The JSON document is written as each workload is explained, so that a cluster of many
    // workloads never has all its explanations in memory.
    let (written, inadmissible) = if args.output == ExplainOutput::Json {
        let keep = |workload: &WorkloadReport| filters.keeps(workload);
        let mut stdout = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
        let tally = report::write_json(&snapshot, version, namespace, &keep, &mut stdout)?;
        (tally.written, tally.inadmissible)
    } else {
        let mut report = Report::build(&snapshot, version, namespace)?;
        filters.retain_explained(&mut report);
        write_report(&report, args, filters.name().is_some(), namespace.is_none())?;
        (report.workloads.len(), report.has_inadmissible())
    };
    if written == 0 {
        match namespace {
            Some(namespace) => {
                diagnostics::notice(format_args!("No workloads found in namespace {namespace}."));
            }
            None => diagnostics::notice("No workloads found in the input."),
        }
    }

    if args.fail_on_inadmissible && inadmissible {
        return Ok(ExitCode::from(EXIT_INADMISSIBLE));
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `report` as a table, a description per workload (for `explain NAME`) or YAML.
fn write_report(
    report: &Report,
    args: &ExplainArgs,
    by_name: bool,
    with_namespace: bool,
) -> anyhow::Result<()> {
    let rendered = match args.output {
        ExplainOutput::Table | ExplainOutput::Wide if report.workloads.is_empty() => String::new(),
        ExplainOutput::Table if by_name => report
            .workloads
            .iter()
            .map(|workload| describe::render(report, workload))
            .collect::<Vec<_>>()
            .join("\n"),
        ExplainOutput::Table => table::render(report, !args.no_headers, with_namespace),
        ExplainOutput::Wide => table::render_wide(report, !args.no_headers, with_namespace),
        ExplainOutput::Json => output::json(report)?,
        ExplainOutput::Yaml => output::yaml(report)?,
    };
    crate::write_stdout(rendered.as_bytes())
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
