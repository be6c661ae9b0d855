//! Rejects workloads the apiserver would not have stored: quantities that do not parse and
//! negative pod counts. Such objects never reach Kueue, so there is no charge to explain.

use std::collections::BTreeMap;

use anyhow::bail;
use k8s_openapi::api::core::v1::{Container, PodSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use kueue_dra_cluster::LoadedWorkload;
use kueue_dra_quota::quantity;

/// Checks every quantity and count of a workload, and names the file, document, object and
/// field of the first invalid one.
pub(crate) fn check(loaded: &LoadedWorkload) -> anyhow::Result<()> {
    let fail = |field: &str, detail: &str| -> anyhow::Result<()> {
        bail!(
            "{}: {}: field `{field}`: {detail}",
            loaded.origin,
            loaded.object
        )
    };

    for (index, pod_set) in loaded.workload.spec.pod_sets.iter().enumerate() {
        let prefix = pod_spec_path(&loaded.source_kind, index);
        if pod_set.count < 0 {
            let field = count_path(&loaded.source_kind, index);
            fail(
                &field,
                &format!("invalid value {}: must be 0 or more", pod_set.count),
            )?;
        }
        let invalid = pod_set
            .template
            .spec
            .as_ref()
            .and_then(|spec| invalid_pod_quantity(spec, &prefix));
        if let Some((field, detail)) = invalid {
            fail(&field, &detail)?;
        }
    }

    let assignments = loaded
        .workload
        .status
        .iter()
        .filter_map(|status| status.admission.as_ref())
        .flat_map(|admission| admission.pod_set_assignments.iter().enumerate());
    for (index, assignment) in assignments {
        let prefix = format!("status.admission.podSetAssignments[{index}].resourceUsage");
        if let Some((field, detail)) = invalid_quantity(&assignment.resource_usage, &prefix) {
            fail(&field, &detail)?;
        }
    }
    Ok(())
}

/// Returns the path of a pod set's pod spec in the object it was read from.
fn pod_spec_path(source_kind: &str, index: usize) -> String {
    match source_kind {
        "Job" => "spec.template.spec".to_owned(),
        "Pod" => "spec".to_owned(),
        _ => format!("spec.podSets[{index}].template.spec"),
    }
}

/// Returns the path of the field a pod set's count comes from.
fn count_path(source_kind: &str, index: usize) -> String {
    match source_kind {
        "Job" => "spec.parallelism".to_owned(),
        _ => format!("spec.podSets[{index}].count"),
    }
}

fn invalid_pod_quantity(spec: &PodSpec, prefix: &str) -> Option<(String, String)> {
    let containers = spec
        .init_containers
        .iter()
        .flatten()
        .enumerate()
        .map(|(index, container)| (format!("{prefix}.initContainers[{index}]"), container))
        .chain(
            spec.containers
                .iter()
                .enumerate()
                .map(|(index, container)| (format!("{prefix}.containers[{index}]"), container)),
        );
    for (path, container) in containers {
        if let Some(invalid) = invalid_container_quantity(container, &path) {
            return Some(invalid);
        }
    }

    let overhead = spec.overhead.as_ref()?;
    invalid_quantity(overhead, &format!("{prefix}.overhead"))
}

fn invalid_container_quantity(container: &Container, path: &str) -> Option<(String, String)> {
    let resources = container.resources.as_ref()?;
    let lists = [
        ("requests", &resources.requests),
        ("limits", &resources.limits),
    ];
    lists.into_iter().find_map(|(list_name, list)| {
        invalid_quantity(list.as_ref()?, &format!("{path}.resources.{list_name}"))
    })
}

/// Returns the path and message of the first quantity of `list` that does not parse.
fn invalid_quantity(list: &BTreeMap<String, Quantity>, prefix: &str) -> Option<(String, String)> {
    list.iter().find_map(|(name, value)| {
        let error = quantity::Quantity::parse(&value.0).err()?;
        Some((format!("{prefix}.{name}"), error.to_string()))
    })
}
