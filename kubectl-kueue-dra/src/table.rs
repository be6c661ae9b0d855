//! The default output: a kubectl-style table with one row per workload.

use comfy_table::{ContentArrangement, Table};

use crate::report::Report;

const HEADERS: [&str; 5] = ["NAMESPACE", "NAME", "STATUS", "DRA CHARGES", "MESSAGE"];

/// Renders the report as kubectl renders `get`: no borders, UPPERCASE headers, three spaces
/// between columns, no wrapping.
pub(crate) fn render(report: &Report, with_headers: bool) -> String {
    let mut table = Table::new();
    table
        .load_style(comfy_table::presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled);
    if with_headers {
        table.set_header(HEADERS);
    }

    for workload in &report.workloads {
        let explanation = &workload.explanation;
        table.add_row(vec![
            workload.namespace.clone(),
            workload.name.clone(),
            format!("{:?}", explanation.status),
            dra_charges(report, workload),
            explanation.message.replace('\n', " "),
        ]);
    }

    let last = HEADERS.len() - 1;
    for (index, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, if index == last { 0 } else { 3 }));
    }
    let mut rendered: String = table
        .lines()
        .map(|line| line.trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    rendered.push('\n');
    rendered
}

/// Lists the DRA quota keys a workload is charged, as `key=total`, prefixed with the pod set
/// name when the workload has more than one.
fn dra_charges(report: &Report, workload: &crate::report::WorkloadReport) -> String {
    let pod_sets = &workload.explanation.pod_sets;
    let mut charges = Vec::new();
    for pod_set in pod_sets {
        for (key, total) in &pod_set.total {
            if !report.dra_keys.contains(key) {
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
