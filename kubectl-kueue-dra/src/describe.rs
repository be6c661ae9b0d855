//! `explain NAME`: a detailed view of one workload, laid out as `kubectl describe` lays out
//! an object. Each pod set lists its DRA charges, from the claim or extended resource
//! through the DeviceClass and path to the quota key and the units charged per pod.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use kueue_dra_quota::{Charge, ChargePath, FlavorCheck, FlavorMode, PodSetCharge, Verdict};

use crate::report::{Report, WorkloadReport};
use crate::table::{outcome_name, status_name};

/// Renders the detailed view of `workload`, explained for `report`'s release.
pub(crate) fn render(report: &Report, workload: &WorkloadReport) -> String {
    let explanation = &workload.explanation;
    let source = format!("{} {}", workload.source.api_version, workload.source.kind);
    let mut header = vec![
        ("Name", workload.name.as_str()),
        ("Namespace", workload.namespace.as_str()),
        ("Source", source.as_str()),
        ("Local Queue", or_none(&workload.local_queue)),
        ("Cluster Queue", or_none(&workload.cluster_queue)),
        ("Kueue Version", report.kueue_version.as_str()),
        ("Status", status_name(explanation.status)),
    ];
    if !explanation.reason.is_empty() {
        header.push(("Reason", explanation.reason.as_str()));
    }
    if !explanation.message.is_empty() {
        header.push(("Message", explanation.message.as_str()));
    }

    let mut text = String::new();
    write_fields(&mut text, 0, &header);
    if explanation.pod_sets.is_empty() {
        text.push_str("Pod Sets:  <none>\n");
    } else {
        text.push_str("Pod Sets:\n");
    }
    for pod_set in &explanation.pod_sets {
        write_pod_set(&mut text, pod_set);
    }

    write_verdict(&mut text, &workload.verdict);
    write_drift(&mut text, workload);

    if explanation.notes.is_empty() {
        text.push_str("Notes:  <none>\n");
    } else {
        text.push_str("Notes:\n");
        for note in &explanation.notes {
            let _ = writeln!(text, "  - {note}");
        }
    }
    text
}

/// Writes the ClusterQueue verdict: the outcome and Kueue's message, then per pod set and
/// resource the flavors the flavor assigner tried, with the quota figures it compared.
fn write_verdict(text: &mut String, verdict: &Verdict) {
    text.push_str("Verdict:\n");
    let mut fields = vec![
        ("Outcome", outcome_name(verdict.outcome)),
        ("Cluster Queue", or_none(&verdict.cluster_queue)),
    ];
    if !verdict.message.is_empty() {
        fields.push(("Message", verdict.message.as_str()));
    }
    write_fields(text, 2, &fields);
    for pod_set in &verdict.pod_sets {
        let _ = writeln!(text, "  {}:", pod_set.name);
        for resource in &pod_set.resources {
            let covered = if resource.covered { "yes" } else { "no" };
            let _ = writeln!(text, "    {}:", resource.resource);
            write_fields(
                text,
                6,
                &[
                    ("Request", resource.request.as_str()),
                    ("Covered", covered),
                    ("Flavor", resource.flavor.as_deref().unwrap_or("<none>")),
                ],
            );
            if !resource.flavors.is_empty() {
                text.push_str("      Flavors Tried:\n");
            }
            for check in &resource.flavors {
                write_flavor_check(text, check);
            }
        }
    }
    for note in &verdict.notes {
        let _ = writeln!(text, "  Note:  {note}");
    }
}

/// Writes one flavor the assigner tried as a list item with the figures it compared.
fn write_flavor_check(text: &mut String, check: &FlavorCheck) {
    let figure = |value: &Option<String>| value.as_deref().unwrap_or("<none>").to_owned();
    let reasons = check.reasons.join(", ");
    let fields = [
        ("Flavor", check.flavor.clone()),
        ("Mode", mode_name(check.mode).to_owned()),
        ("Nominal", figure(&check.nominal)),
        ("Borrowing Limit", figure(&check.borrowing_limit)),
        ("Lending Limit", figure(&check.lending_limit)),
        ("Usage", figure(&check.usage)),
        ("Available", figure(&check.available)),
        ("Maximum Capacity", figure(&check.maximum_capacity)),
        ("Reasons", reasons),
    ];
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(key, value)| (*key, or_none(value)))
        .collect();
    let mut item = String::new();
    write_fields(&mut item, 8, &fields);
    // The first field takes the list marker in place of its indent.
    item.replace_range(6..8, "- ");
    text.push_str(&item[..]);
}

/// Writes what changed since admission, for an admitted workload whose charge drifted.
fn write_drift(text: &mut String, workload: &WorkloadReport) {
    if workload.drift.is_empty() && workload.rejected_since_admission.is_none() {
        return;
    }
    text.push_str("Drift Since Admission:\n");
    if let Some(rejection) = &workload.rejected_since_admission {
        let _ = writeln!(text, "  - Kueue would now reject the workload: {rejection}");
    }
    for change in &workload.drift {
        let _ = writeln!(text, "  - {}", change.describe());
    }
}

fn mode_name(mode: FlavorMode) -> &'static str {
    match mode {
        FlavorMode::NoFit => "NoFit",
        FlavorMode::Preempt => "Preempt",
        FlavorMode::Borrow => "Borrow",
        FlavorMode::Fit => "Fit",
    }
}

fn write_pod_set(text: &mut String, pod_set: &PodSetCharge) {
    let _ = writeln!(text, "  {}:", pod_set.name);
    let count = pod_set.count.to_string();
    write_fields(text, 4, &[("Count", count.as_str())]);

    if pod_set.charges.is_empty() {
        text.push_str("    DRA Charges:  <none>\n");
    } else {
        text.push_str("    DRA Charges:\n");
    }
    for charge in &pod_set.charges {
        write_charge(text, charge);
    }

    write_quantities(text, "Per Pod", &pod_set.per_pod);
    write_quantities(text, "Total", &pod_set.total);
}

/// Writes one charge as a list item, its fields in the order Kueue follows them: the claim or
/// extended resource, the DeviceClass, the path, the quota key and the units.
fn write_charge(text: &mut String, charge: &Charge) {
    let containers = charge.containers.join(",");
    let mut fields = Vec::new();
    match charge.path {
        ChargePath::ResourceClaimTemplate => {
            fields.push(("Claim", charge.claim.as_deref().unwrap_or_default()));
            fields.push(("Template", charge.template.as_deref().unwrap_or_default()));
            fields.push(("Request", charge.request.as_deref().unwrap_or_default()));
        }
        ChargePath::ExtendedResource => {
            fields.push(("Resource", charge.resource.as_deref().unwrap_or_default()));
            fields.push(("Containers", containers.as_str()));
        }
        ChargePath::Counter | ChargePath::Capacity => {
            fields.push(("Claim", charge.claim.as_deref().unwrap_or_default()));
            fields.push(("Template", charge.template.as_deref().unwrap_or_default()));
            fields.push(("Request", charge.request.as_deref().unwrap_or_default()));
            fields.push(("Source", charge.source.as_deref().unwrap_or_default()));
        }
    }
    fields.push(("Device Class", or_none(&charge.device_class)));
    fields.push(("Path", path_name(charge.path)));
    fields.push(("Quota Key", or_none(&charge.quota_key)));
    fields.push(("Per Pod", charge.per_pod.as_str()));

    let fields: Vec<(&str, &str)> = fields
        .into_iter()
        .map(|(key, value)| (key, or_none(value)))
        .collect();
    let mut item = String::new();
    write_fields(&mut item, 8, &fields);
    // The first field takes the list marker in place of its indent.
    item.replace_range(4..8, "  - ");
    text.push_str(&item[..]);
}

fn write_quantities(text: &mut String, title: &str, quantities: &BTreeMap<String, String>) {
    if quantities.is_empty() {
        let _ = writeln!(text, "    {title}:  <none>");
        return;
    }
    let _ = writeln!(text, "    {title}:");
    let fields: Vec<(&str, &str)> = quantities
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    write_fields(text, 6, &fields);
}

/// Writes `key:  value` lines at `indent`, with the values aligned two spaces after the
/// longest key, as `kubectl describe` aligns them.
fn write_fields(text: &mut String, indent: usize, fields: &[(&str, &str)]) {
    let width = fields.iter().map(|(key, _)| key.len()).max().unwrap_or(0);
    for (key, value) in fields {
        let label = format!("{key}:");
        let _ = writeln!(text, "{:indent$}{label:<pad$}{value}", "", pad = width + 3);
    }
}

fn path_name(path: ChargePath) -> &'static str {
    match path {
        ChargePath::ResourceClaimTemplate => "ResourceClaimTemplate",
        ChargePath::ExtendedResource => "ExtendedResource",
        ChargePath::Counter => "Counter",
        ChargePath::Capacity => "Capacity",
    }
}

fn or_none(text: &str) -> &str {
    if text.is_empty() { "<none>" } else { text }
}
