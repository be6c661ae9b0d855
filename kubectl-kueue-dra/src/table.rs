//! The default output: a kubectl-style table with one row per workload.

use anstyle::{AnsiColor, Style};
use kueue_dra_quota::Status;

use crate::output;
use crate::report::{Report, WorkloadReport};

const HEADERS: [&str; 5] = ["NAMESPACE", "NAME", "STATUS", "DRA CHARGES", "MESSAGE"];

/// The style of an inadmissible workload's row: red, to draw the eye on a terminal.
const INADMISSIBLE: Style = AnsiColor::Red.on_default();

/// Renders the report as kubectl renders `get`: no borders, UPPERCASE headers, three spaces
/// between columns, no wrapping. The NAMESPACE column is left out when one namespace was
/// requested, as kubectl does. Inadmissible rows are red where colour is on.
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
                explanation.message.replace('\n', " "),
            ];
            row[skipped_columns..].to_vec()
        })
        .collect();
    let headers = with_headers.then_some(&HEADERS[skipped_columns..]);
    let table = output::kubectl_table(headers, rows);

    let styles: Vec<Style> = report
        .workloads
        .iter()
        .map(|workload| match workload.explanation.status {
            Status::Inadmissible => INADMISSIBLE,
            Status::Charged | Status::Admitted => Style::new(),
        })
        .collect();
    output::style_rows(&table, with_headers, &styles)
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Charged => "Charged",
        Status::Inadmissible => "Inadmissible",
        Status::Admitted => "Admitted",
    }
}

/// Lists the DRA quota keys a workload is charged, as `key=total`, prefixed with the pod set
/// name when the workload has more than one. A pending workload's DRA keys are those of its
/// charges. An admitted workload's charge is Kueue's record, which does not say which keys
/// came from devices, so the keys that a mapping or a DeviceClass names count as DRA keys.
fn dra_charges(report: &Report, workload: &WorkloadReport) -> String {
    let pod_sets = &workload.explanation.pod_sets;
    let admitted = workload.explanation.status == Status::Admitted;
    let mut charges = Vec::new();
    for pod_set in pod_sets {
        for (key, total) in &pod_set.total {
            let is_dra_key = if admitted {
                report.dra_resource_names.contains(key)
            } else {
                pod_set
                    .charges
                    .iter()
                    .any(|charge| &charge.quota_key == key)
            };
            if !is_dra_key {
                continue;
            }
            if pod_sets.len() > 1 {
                charges.push(format!("{}:{key}={total}", pod_set.name));
            } else {
                charges.push(format!("{key}={total}"));
            }
        }
    }
    if charges.is_empty() {
        "<none>".to_owned()
    } else {
        charges.join(",")
    }
}
