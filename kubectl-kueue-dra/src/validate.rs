//! Rejects workloads the apiserver would not have stored: quantities that do not parse,
//! negative requests and limits, and negative pod counts. Such objects never reach Kueue, so
//! there is no charge to explain.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use anyhow::bail;
use k8s_openapi::api::core::v1::{Container, PodSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use kueue_api::v1beta2::Workload;
use kueue_dra_cluster::Snapshot;
use kueue_dra_quota::Release;
use kueue_dra_quota::quantity;

use crate::startup;

/// Checks every quantity and count of `workload`, read from an object of `source_kind`, and
/// returns the path and problem of the first invalid field. It has the shape of
/// [`kueue_dra_cluster::WorkloadCheck`], so that the loader runs it on each Workload.
pub(crate) fn invalid_field(workload: &Workload, source_kind: &str) -> Option<(String, String)> {
    for (index, pod_set) in workload.spec.pod_sets.iter().enumerate() {
        // The loader rejects negative Job parallelism and completions, so a negative count
        // can only come from a Workload's own field.
        if pod_set.count < 0 {
            let field = format!("spec.podSets[{index}].count");
            return Some((field, negative_count(pod_set.count)));
        }
        let invalid = pod_set
            .template
            .spec
            .as_ref()
            .and_then(|spec| invalid_pod_quantity(spec, || pod_spec_path(source_kind, index)));
        if invalid.is_some() {
            return invalid;
        }
    }

    let assignments = workload
        .status
        .iter()
        .filter_map(|status| status.admission.as_ref())
        .flat_map(|admission| admission.pod_set_assignments.iter().enumerate());
    for (index, assignment) in assignments {
        let path = || format!("status.admission.podSetAssignments[{index}]");
        if let Some(count) = assignment.count.filter(|count| *count < 0) {
            return Some((format!("{}.count", path()), negative_count(count)));
        }
        if let Some((name, detail)) = invalid_quantity(&assignment.resource_usage) {
            return Some((format!("{}.resourceUsage.{name}", path()), detail));
        }
    }
    None
}

/// Rejects a Configuration that Kueue would not start with, with the message Kueue logs.
// NOTE: the field set is that of v0.19.2 for every release, and several unknown fields are
// listed in the order the YAML reader returns them (keys sorted), where Kueue lists them in
// document order.
pub(crate) fn check_configuration(snapshot: &Snapshot, release: Release) -> anyhow::Result<()> {
    let Some(loaded) = &snapshot.configuration else {
        return Ok(());
    };
    let Err(failure) = startup::check(loaded, release) else {
        return Ok(());
    };
    let location = loaded
        .field_prefix
        .as_ref()
        .map(|prefix| format!("field `{prefix}`: "))
        .unwrap_or_default();
    bail!(
        "{}: {}: {location}Kueue {release} does not start with this Configuration: {}; {}",
        loaded.origin,
        loaded.object,
        failure.message(),
        failure.fix()
    )
}

/// Returns the path of a pod set's pod spec in the object it was read from.
fn pod_spec_path(source_kind: &str, index: usize) -> String {
    match source_kind {
        "Job" => "spec.template.spec".to_owned(),
        "Pod" => "spec".to_owned(),
        _ => format!("spec.podSets[{index}].template.spec"),
    }
}

/// Returns the message for a negative pod count.
fn negative_count(count: i32) -> String {
    format!("invalid value {count}: must be 0 or more")
}

/// Returns the path and problem of the first invalid quantity of a pod spec, whose path is
/// built by `prefix` only when one is found: most Workloads have none.
fn invalid_pod_quantity(spec: &PodSpec, prefix: impl Fn() -> String) -> Option<(String, String)> {
    let containers = spec
        .init_containers
        .iter()
        .flatten()
        .enumerate()
        .map(|(index, container)| ("initContainers", index, container))
        .chain(
            spec.containers
                .iter()
                .enumerate()
                .map(|(index, container)| ("containers", index, container)),
        );
    for (list, index, container) in containers {
        if let Some((field, detail)) = invalid_container_quantity(container) {
            return Some((format!("{}.{list}[{index}].{field}", prefix()), detail));
        }
    }

    let overhead = spec.overhead.as_ref()?;
    let (name, detail) = invalid_quantity(overhead)?;
    Some((format!("{}.overhead.{name}", prefix()), detail))
}

/// Returns the path below the container and the problem of its first invalid request or
/// limit.
fn invalid_container_quantity(container: &Container) -> Option<(String, String)> {
    let resources = container.resources.as_ref()?;
    let lists = [
        ("requests", &resources.requests),
        ("limits", &resources.limits),
    ];
    lists.into_iter().find_map(|(list_name, list)| {
        let list = list.as_ref()?;
        let (name, detail) = invalid_quantity(list).or_else(|| negative_quantity(list))?;
        Some((format!("resources.{list_name}.{name}"), detail))
    })
}

/// Returns the name and message of the first negative quantity of a container's requests or
/// limits, which the apiserver rejects.
fn negative_quantity(list: &BTreeMap<String, Quantity>) -> Option<(String, String)> {
    list.iter().find_map(|(name, value)| {
        let parsed = quantity::Quantity::parse(&value.0).ok()?;
        let detail = format!(
            "invalid value `{}`: must be greater than or equal to 0",
            value.0
        );
        (parsed.sign() == Ordering::Less).then(|| (name.clone(), detail))
    })
}

/// Returns the name and message of the first quantity of `list` that does not parse.
fn invalid_quantity(list: &BTreeMap<String, Quantity>) -> Option<(String, String)> {
    list.iter().find_map(|(name, value)| {
        let error = quantity::Quantity::parse(&value.0).err()?;
        Some((name.clone(), error.to_string()))
    })
}
