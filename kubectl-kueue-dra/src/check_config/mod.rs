//! `kubectl kueue-dra check-config`: Kueue's own Configuration checks, and the checks Kueue
//! never makes against the cluster's DeviceClasses, queues and workloads.

mod cluster_checks;
mod cross_checks;
mod findings;
mod multikueue;

use cluster_checks::LiveContext;
use cross_checks::ReleaseContext;

use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use kueue_api::config::Configuration;
use kueue_dra_cluster::Snapshot;
use kueue_dra_index::DeviceClassIndex;
use kueue_dra_quota::validation::error_type_name;
use kueue_dra_quota::{FeatureGates, Release, known_gates};
use serde::Serialize;

use crate::cli::{CheckConfigArgs, ClusterArgs, Output};
use crate::explain::cluster_release;
use crate::input::{self, NamespaceScope, WorkloadSelectors};
use crate::output;
use crate::startup;

pub(crate) use findings::Code;
use findings::{Finding, ObjectReference, Severity, finding};

/// The code of findings that repeat Kueue's own Configuration validation.
const KUEUE_VALIDATION: &str = "KUEUE-VALIDATION";

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
    let flag_version = args
        .kueue_version
        .as_deref()
        .map(input::kueue_version)
        .transpose()?;

    let (version, findings) = if args.files.is_empty() {
        check_cluster(args, flag_version)?
    } else {
        let snapshot = input::load(&args.files, args.config.as_deref(), "default", None)?;
        let version = flag_version.unwrap_or_default();
        (version, check(&snapshot, version, None)?)
    };

    let report = Report {
        kueue_version: version.to_string(),
        findings,
    };
    let rendered = match args.output {
        Output::Table => render_table(&report.findings, !args.no_headers),
        Output::Json => output::json(&report)?,
        Output::Yaml => output::yaml(&report)?,
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

/// Reads the live cluster, and each `--worker-context`, and checks them. The Configuration is
/// `--config` if given, or else the cluster's ConfigMap.
fn check_cluster(
    args: &CheckConfigArgs,
    flag_version: Option<Release>,
) -> anyhow::Result<(Release, Vec<Finding>)> {
    let read_configuration = args.config.is_none();
    let kueue_namespace = args.cluster.kueue_namespace.clone();
    let read_facts = |cluster: kueue_dra_cluster::live::Cluster| async move {
        Ok(cluster
            .read_facts(&kueue_namespace, read_configuration)
            .await?)
    };
    let (mut manager, facts) = input::load_cluster_and(
        &args.cluster,
        args.config.as_deref(),
        &NamespaceScope::All,
        &WorkloadSelectors::default(),
        None,
        read_facts,
    )?;
    let version = cluster_release(&mut manager, flag_version)?;
    let live = LiveContext {
        context: &manager.context,
        kueue_namespace: &args.cluster.kueue_namespace,
        facts: &facts,
    };
    let mut findings = check(&manager.snapshot, version, Some(&live))?;

    let default_configuration = Configuration::default();
    let manager_configuration = manager
        .snapshot
        .configuration
        .as_ref()
        .map_or(&default_configuration, |loaded| &loaded.configuration);
    for context in &args.worker_contexts {
        let worker_args = ClusterArgs {
            context: Some(context.clone()),
            ..args.cluster.clone()
        };
        // A worker runs its own Kueue with its own ConfigMap, so `--config` is not applied.
        let mut worker = input::load_cluster(
            &worker_args,
            None,
            &NamespaceScope::All,
            &WorkloadSelectors::default(),
            None,
        )?;
        cluster_release(&mut worker, flag_version)?;
        let worker_configuration = worker
            .snapshot
            .configuration
            .as_ref()
            .map_or(&default_configuration, |loaded| &loaded.configuration);
        let compared = multikueue::Worker {
            context,
            snapshot: &worker.snapshot,
            configuration: worker_configuration,
        };
        findings.extend(multikueue::compare(
            &manager.snapshot,
            manager_configuration,
            &compared,
        )?);
    }
    Ok((version, findings))
}

/// Runs Kueue's own start-up checks first, in Kueue's order, then the cross-checks, then the
/// checks that need the live cluster when it was read.
///
/// Kueue stops at the first start-up check that fails. All three run here, so that one pass
/// shows every problem; when the feature gates fail, validation uses the release's defaults.
fn check(
    snapshot: &Snapshot,
    release: Release,
    live: Option<&LiveContext<'_>>,
) -> anyhow::Result<Vec<Finding>> {
    let default_configuration = Configuration::default();
    let mut findings = Vec::new();
    let configuration = if let Some(loaded) = &snapshot.configuration {
        match startup::unknown_fields(loaded, release) {
            Ok(fields) => findings.extend(decoding_findings(&fields, release)),
            Err(failure) => findings.push(Finding {
                severity: Severity::Error,
                code: Code::ConfigurationDecoding.as_str().to_owned(),
                path: Some("apiVersion".to_owned()),
                error_type: None,
                message: format!("Kueue {release} does not start: {}", failure.message()),
                objects: Vec::new(),
                fix: Some(failure.fix().to_owned()),
                cluster: None,
            }),
        }
        findings.extend(startup_findings(&loaded.configuration, release));
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
    let context = ReleaseContext {
        release,
        gates: FeatureGates::resolve(release, &configuration.feature_gates)
            .unwrap_or_else(|_| FeatureGates::defaults(release)),
        quota_check_strategy: quota_check_strategy_gate(release, configuration),
    };
    findings.extend(cross_checks::run(
        snapshot,
        configuration,
        &index,
        &context,
    )?);
    if let Some(live) = live {
        findings.extend(cluster_checks::run(live, snapshot, configuration, &context));
    }
    Ok(findings)
}

/// Returns whether the `QuotaCheckStrategy` gate is on: the Configuration's value, or the
/// release's default.
fn quota_check_strategy_gate(release: Release, configuration: &Configuration) -> bool {
    const GATE: &str = "QuotaCheckStrategy";
    configuration
        .feature_gates
        .get(GATE)
        .copied()
        .unwrap_or_else(|| {
            known_gates(release)
                .iter()
                .find(|gate| gate.name == GATE)
                .is_some_and(|gate| gate.default)
        })
}

fn decoding_findings(unknown_fields: &[String], release: Release) -> Vec<Finding> {
    unknown_fields
        .iter()
        .map(|field| Finding {
            severity: Severity::Error,
            code: Code::ConfigurationDecoding.as_str().to_owned(),
            path: Some(field.clone()),
            error_type: None,
            message: format!(
                "Kueue {release} does not start: Unable to load the configuration: strict \
                 decoding error: unknown field {field:?}"
            ),
            objects: Vec::new(),
            fix: Some("remove the field or correct its name".to_owned()),
            cluster: None,
        })
        .collect()
}

/// Returns the feature gate error and Kueue's validation errors.
fn startup_findings(configuration: &Configuration, release: Release) -> Vec<Finding> {
    let mut findings = Vec::new();
    let gates = match FeatureGates::resolve(release, &configuration.feature_gates) {
        Ok(gates) => gates,
        Err(error) => {
            findings.push(Finding {
                severity: Severity::Error,
                code: Code::FeatureGates.as_str().to_owned(),
                path: Some("featureGates".to_owned()),
                error_type: None,
                message: format!("Kueue {release} does not start: {error}"),
                objects: Vec::new(),
                fix: Some("use the gate names and values of the Kueue release you run".to_owned()),
                cluster: None,
            });
            FeatureGates::defaults(release)
        }
    };

    let errors = startup::validate(configuration, release, gates);
    findings.extend(errors.iter().map(|error| Finding {
        severity: Severity::Error,
        code: KUEUE_VALIDATION.to_owned(),
        path: Some(error.field.clone()),
        error_type: Some(error_type_name(error.error_type).to_owned()),
        message: error.to_string(),
        objects: Vec::new(),
        fix: None,
        cluster: None,
    }));
    findings
}

/// Renders findings grouped by severity, errors first, in kubectl's table style. Errors are red
/// and warnings yellow where colour is on.
fn render_table(findings: &[Finding], with_headers: bool) -> String {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|finding| finding.severity);

    let styles: Vec<Style> = sorted
        .iter()
        .map(|finding| match finding.severity {
            Severity::Error => AnsiColor::Red.on_default(),
            Severity::Warning => AnsiColor::Yellow.on_default(),
            Severity::Info => Style::new(),
        })
        .collect();
    let rows = sorted
        .into_iter()
        .map(|finding| {
            let objects: Vec<String> = finding.objects.iter().map(object_name).collect();
            let objects = if objects.is_empty() {
                finding.path.clone().unwrap_or_else(|| "-".to_owned())
            } else {
                objects.join(",")
            };
            vec![
                finding.severity.name().to_owned(),
                finding.code.clone(),
                objects,
                finding.message.clone(),
            ]
        })
        .collect();
    let headers: &[&str] = &["SEVERITY", "CODE", "OBJECTS", "MESSAGE"];
    let table = output::kubectl_table(with_headers.then_some(headers), rows);
    output::style_rows(&table, with_headers, &styles)
}

/// Names an object in the table: `kind/name`, or `kind/namespace/name` when namespaced.
fn object_name(object: &ObjectReference) -> String {
    let kind = object.kind.to_lowercase();
    match &object.namespace {
        Some(namespace) => format!("{kind}/{namespace}/{}", object.name),
        None => format!("{kind}/{}", object.name),
    }
}
