//! The default output: a kubectl-style table with one row per workload.

use anstyle::{AnsiColor, Style};
use kueue_dra_quota::{Outcome, PodSetCharge, Status};

use crate::output;
use crate::report::{Report, WorkloadReport};

const HEADERS: [&str; 6] = [
    "NAMESPACE",
    "NAME",
    "STATUS",
    "DRA CHARGES",
    "VERDICT",
    "MESSAGE",
];

/// The style of an inadmissible workload's row: red, to draw the eye on a terminal.
const INADMISSIBLE: Style = AnsiColor::Red.on_default();

/// The style of a row whose charge the ClusterQueue cannot take now: yellow.
const BLOCKED: Style = AnsiColor::Yellow.on_default();

/// Renders the report as kubectl renders `get`: no borders, UPPERCASE headers, three spaces
/// between columns, no wrapping. The NAMESPACE column is left out when one namespace was
/// requested, as kubectl does. Where colour is on, inadmissible rows are red and rows whose
/// charge does not fit or whose queue blocks them are yellow.
pub(crate) fn render(report: &Report, with_headers: bool, with_namespace: bool) -> String {
    let skipped_columns = usize::from(!with_namespace);
    let rows = report
        .workloads
        .iter()
        .map(|workload| {
            let explanation = &workload.explanation;
            let row = [
                workload.namespace.clone(),
                workload.name.clone(),
                status_name(explanation.status).to_owned(),
                dra_charges(report, workload),
                outcome_name(workload.verdict.outcome).to_owned(),
                message(workload).replace('\n', " "),
            ];
            row[skipped_columns..].to_vec()
        })
        .collect();
    let headers = with_headers.then_some(&HEADERS[skipped_columns..]);
    let table = output::kubectl_table(headers, rows);

    let styles: Vec<Style> = report
        .workloads
        .iter()
        .map(
            |workload| match (workload.explanation.status, workload.verdict.outcome) {
                (Status::Inadmissible, _) => INADMISSIBLE,
                (_, Outcome::DoesNotFit | Outcome::QueueBlocked) => BLOCKED,
                _ => Style::new(),
            },
        )
        .collect();
    output::style_rows(&table, with_headers, &styles)
}

pub(crate) fn status_name(status: Status) -> &'static str {
    match status {
        Status::Charged => "Charged",
        Status::Inadmissible => "Inadmissible",
        Status::Admitted => "Admitted",
    }
}

/// Returns the verdict's outcome as the VERDICT column shows it.
pub(crate) fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Fits => "Fits",
        Outcome::FitsByBorrowing => "FitsByBorrowing",
        Outcome::NeedsPreemption => "NeedsPreemption",
        Outcome::DoesNotFit => "DoesNotFit",
        Outcome::QueueBlocked => "QueueBlocked",
        Outcome::NotComputed => "<none>",
    }
}

/// Picks the one message a row has room for: Kueue's rejection, else what drifted since
/// admission (a rejection Kueue would make now included), else the verdict's message.
fn message(workload: &WorkloadReport) -> String {
    if !workload.explanation.message.is_empty() {
        return workload.explanation.message.clone();
    }
    if let Some(rejection) = &workload.rejected_since_admission {
        return format!("drift since admission: Kueue would now reject the workload: {rejection}");
    }
    if !workload.drift.is_empty() {
        let changes: Vec<String> = workload
            .drift
            .iter()
            .map(kueue_dra_quota::DriftChange::describe)
            .collect();
        return format!("drift since admission: {}", changes.join("; "));
    }
    workload.verdict.message.clone()
}

/// Lists the DRA quota keys a workload is charged, as `key=total`, prefixed with the pod set
/// name when the workload has more than one.
fn dra_charges(report: &Report, workload: &WorkloadReport) -> String {
    let pod_sets = &workload.explanation.pod_sets;
    let mut charges = Vec::new();
    for pod_set in pod_sets {
        for (key, total) in dra_totals(report, workload, pod_set) {
            if pod_sets.len() > 1 {
                charges.push(format!("{}:{key}={total}", pod_set.name));
            } else {
                charges.push(format!("{key}={total}"));
            }
        }
    }
    if charges.is_empty() {
        NONE.to_owned()
    } else {
        charges.join(",")
    }
}

/// Returns the DRA quota keys of a pod set with their totals. A pending workload's DRA keys
/// are those of its charges. An admitted workload's charge is Kueue's record, which does not
/// say which keys came from devices, so the keys that a mapping or a DeviceClass names count
/// as DRA keys.
fn dra_totals<'a>(
    report: &Report,
    workload: &WorkloadReport,
    pod_set: &'a PodSetCharge,
) -> Vec<(&'a String, &'a String)> {
    let admitted = workload.explanation.status == Status::Admitted;
    pod_set
        .total
        .iter()
        .filter(|(key, _)| {
            if admitted {
                report.dra_resource_names.contains(*key)
            } else {
                pod_set
                    .charges
                    .iter()
                    .any(|charge| &charge.quota_key == *key)
            }
        })
        .collect()
}

/// The placeholder kubectl prints for an empty cell.
const NONE: &str = "<none>";

const WIDE_HEADERS: [&str; 11] = [
    "NAMESPACE",
    "NAME",
    "STATUS",
    "LOCAL QUEUE",
    "CLUSTER QUEUE",
    "POD SET",
    "COUNT",
    "QUOTA KEY",
    "PER POD",
    "TOTAL",
    "MESSAGE",
];

/// Renders `-o wide`: a row per pod set and DRA quota key, and one row for a pod set without
/// DRA keys or a workload without pod sets.
pub(crate) fn render_wide(report: &Report, with_headers: bool, with_namespace: bool) -> String {
    let skipped_columns = usize::from(!with_namespace);
    let mut rows = Vec::new();
    for workload in &report.workloads {
        let explanation = &workload.explanation;
        let row = |pod_set: &str, count: String, key: &str, per_pod: &str, total: &str| {
            let row = [
                workload.namespace.clone(),
                workload.name.clone(),
                status_name(explanation.status).to_owned(),
                or_none(&workload.local_queue),
                or_none(&workload.cluster_queue),
                pod_set.to_owned(),
                count,
                key.to_owned(),
                per_pod.to_owned(),
                total.to_owned(),
                explanation.message.replace('\n', " "),
            ];
            row[skipped_columns..].to_vec()
        };

        if explanation.pod_sets.is_empty() {
            rows.push(row(NONE, NONE.to_owned(), NONE, NONE, NONE));
        }
        for pod_set in &explanation.pod_sets {
            let count = pod_set.count.to_string();
            let totals = dra_totals(report, workload, pod_set);
            if totals.is_empty() {
                rows.push(row(&pod_set.name, count.clone(), NONE, NONE, NONE));
            }
            for (key, total) in totals {
                let per_pod = pod_set.per_pod.get(key).map_or(NONE, String::as_str);
                rows.push(row(&pod_set.name, count.clone(), key, per_pod, total));
            }
        }
    }
    let headers = with_headers.then_some(&WIDE_HEADERS[skipped_columns..]);
    output::kubectl_table(headers, rows)
}

fn or_none(text: &str) -> String {
    if text.is_empty() {
        NONE.to_owned()
    } else {
        text.to_owned()
    }
}
