//! `kubectl kueue-dra check-config`: Kueue's own Configuration checks, and the checks Kueue
//! never makes against the cluster's DeviceClasses, queues and workloads.

mod cross_checks;
mod findings;

use std::process::ExitCode;

use anyhow::Context as _;
use comfy_table::{ContentArrangement, Table};
use kueue_api::config::Configuration;
use kueue_dra_cluster::Snapshot;
use kueue_dra_index::DeviceClassIndex;
use serde::Serialize;

use crate::cli::{CheckConfigArgs, Output};
use crate::input;
use crate::validate::RENAMED_GATES;

pub(crate) use findings::Code;
use findings::{Finding, ObjectReference, Severity, finding};

/// The exit code when a finding fails the check.
const EXIT_FINDINGS: u8 = 1;

/// The document `check-config -o json` prints.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    kueue_version: String,
    findings: Vec<Finding>,
}

/// Loads the input, runs every check and prints the findings.
pub(crate) fn run(args: &CheckConfigArgs) -> anyhow::Result<ExitCode> {
    let version = input::kueue_version(&args.kueue_version)?;
    let snapshot = input::load(&args.files, args.config.as_deref(), "default")?;

    let report = Report {
        kueue_version: version.clone(),
        findings: check(&snapshot, &version),
    };
    let rendered = match args.output {
        Output::Table => render_table(&report.findings, !args.no_headers),
        Output::Json => {
            let mut json = serde_json::to_string_pretty(&report).context("cannot render JSON")?;
            json.push('\n');
            json
        }
        Output::Yaml => serde_saphyr::to_string(&report).context("cannot render YAML")?,
    };
    crate::write_stdout(rendered.as_bytes())?;

    let fails = |finding: &Finding| match finding.severity {
        Severity::Error => true,
        Severity::Warning => args.strict,
        Severity::Info => false,
    };
    if report.findings.iter().any(fails) {
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs Kueue's own checks first, in Kueue's order, then the cross-checks.
fn check(snapshot: &Snapshot, version: &str) -> Vec<Finding> {
    let default_configuration = Configuration::default();
    let mut findings = Vec::new();
    let configuration = if let Some(loaded) = &snapshot.configuration {
        findings.extend(decoding_findings(&loaded.unknown_fields, version));
        findings.extend(renamed_gate_findings(&loaded.configuration, version));
        &loaded.configuration
    } else {
        findings.push(finding(
            Severity::Info,
            Code::NotVerifiable,
            "the input has no Kueue Configuration, so Kueue's defaults were checked: no \
             deviceClassMappings and the release's default feature gates"
                .to_owned(),
            Vec::new(),
            "pass the Configuration, or the kueue-manager-config ConfigMap, with --config",
        ));
        &default_configuration
    };

    let mappings = configuration
        .resources
        .as_ref()
        .map_or(&[][..], |resources| &resources.device_class_mappings[..]);
    let index = DeviceClassIndex::new(mappings, &snapshot.device_classes);
    findings.extend(cross_checks::run(snapshot, configuration, &index));
    findings
}

fn decoding_findings(unknown_fields: &[String], version: &str) -> Vec<Finding> {
    unknown_fields
        .iter()
        .map(|field| Finding {
            severity: Severity::Error,
            code: Code::ConfigurationDecoding.as_str().to_owned(),
            path: Some(field.clone()),
            error_type: None,
            message: format!(
                "Kueue {version} does not start: Unable to load the configuration: strict \
                 decoding error: unknown field {field:?}"
            ),
            objects: Vec::new(),
            fix: Some("remove the field or correct its name".to_owned()),
        })
        .collect()
}

// TODO: report every gate error of the chosen release as Kueue prints it at start-up
// (unknown, locked and dependent gates), not only the two renamed DRA gates.
fn renamed_gate_findings(configuration: &Configuration, version: &str) -> Vec<Finding> {
    RENAMED_GATES
        .iter()
        .filter(|(old, _)| configuration.feature_gates.contains_key(*old))
        .map(|(old, new)| Finding {
            severity: Severity::Error,
            code: Code::FeatureGateRenamed.as_str().to_owned(),
            path: Some(format!("featureGates.{old}")),
            error_type: None,
            message: format!(
                "Kueue {version} does not start: it does not know the feature gate `{old}`, \
                 which Kueue v0.18 renamed to `{new}`"
            ),
            objects: Vec::new(),
            fix: Some(format!("set `{new}` instead of `{old}`")),
        })
        .collect()
}

/// Renders findings grouped by severity, errors first, in kubectl's table style.
fn render_table(findings: &[Finding], with_headers: bool) -> String {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|finding| finding.severity);

    let mut table = Table::new();
    table
        .load_style(comfy_table::presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled);
    if with_headers {
        table.set_header(["SEVERITY", "CODE", "OBJECTS", "MESSAGE"]);
    }
    for finding in sorted {
        let objects: Vec<String> = finding.objects.iter().map(object_name).collect();
        let objects = if objects.is_empty() {
            finding.path.clone().unwrap_or_else(|| "-".to_owned())
        } else {
            objects.join(",")
        };
        table.add_row([
            finding.severity.name().to_owned(),
            finding.code.clone(),
            objects,
            finding.message.clone(),
        ]);
    }

    let last = 3;
    for (index, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, if index == last { 0 } else { 3 }));
    }
    let mut rendered = table
        .lines()
        .map(|line| line.trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    rendered.push('\n');
    rendered
}

/// Names an object as kubectl does: `kind/name`, or `kind/namespace/name` when namespaced.
fn object_name(object: &ObjectReference) -> String {
    let kind = object.kind.to_lowercase();
    match &object.namespace {
        Some(namespace) => format!("{kind}/{namespace}/{}", object.name),
        None => format!("{kind}/{}", object.name),
    }
}
