//! Drift: where an admitted Workload's recorded usage (`status.admission`) differs from what
//! Kueue would charge for it now, from the current Configuration and objects.
//!
//! Kueue never recomputes the usage of an admitted Workload: a changed mapping, template or
//! DeviceClass takes effect only when the Workload is admitted again.

use std::collections::{BTreeMap, BTreeSet};

use kueue_api::v1beta2::{ClusterQueue, Workload};
use serde::Serialize;

use crate::explanation::{Explanation, Status};
use crate::quantity::{Quantity, resource_value};
use crate::verdict::VerdictSettings;

/// One resource of one pod set whose recorded usage differs from the recomputed charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriftChange {
    /// The pod set's name.
    pub pod_set: String,
    /// The quota resource.
    pub resource: String,
    /// The usage in `status.admission`, all admitted pods included; absent when the
    /// admission records none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded: Option<String>,
    /// The charge computed now for the same number of pods; absent when nothing would be
    /// charged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recomputed: Option<String>,
}

impl DriftChange {
    /// Describes the change in one sentence, for notes and tables.
    #[must_use]
    pub fn describe(&self) -> String {
        let recorded = self.recorded.as_deref().unwrap_or("nothing");
        let recomputed = self.recomputed.as_deref().unwrap_or("nothing");
        format!(
            "pod set `{}` resource `{}`: recorded {recorded}, recomputed {recomputed}",
            self.pod_set, self.resource
        )
    }
}

/// Returns a copy of `workload` without `status.admission`, which the calculator then
/// explains as Kueue would charge it if it were pending now.
#[must_use]
pub fn without_admission(workload: &Workload) -> Workload {
    let mut pending = workload.clone();
    if let Some(status) = pending.status.as_mut() {
        status.admission = None;
    }
    pending
}

/// Compares the usage that `workload`'s admission records with `recomputed`, the charge
/// explained for [`without_admission`] of it.
///
/// A recomputed resource that the admission cannot record is not drift: a zero charge for a
/// resource that `cluster_queue` does not cover, and under `quotaCheckStrategy:
/// IgnoreUndeclared` any uncovered resource. Kueue records every covered resource, zero
/// included (v0.16.0 onwards `toAPI` records the resources that got a flavor, and before
/// it records every request). When
/// `cluster_queue` covers `pods` (or, without it, when the admission records `pods`), Kueue
/// records one per pod, and so does the comparison.
/// Returns nothing for a Workload without an admission, or when `recomputed` is inadmissible
/// (the caller reports that rejection instead).
#[must_use]
pub fn drift(
    workload: &Workload,
    recomputed: &Explanation,
    cluster_queue: Option<&ClusterQueue>,
    settings: &VerdictSettings,
) -> Vec<DriftChange> {
    let Some(admission) = workload
        .status
        .as_ref()
        .and_then(|status| status.admission.as_ref())
    else {
        return Vec::new();
    };
    if recomputed.status == Status::Inadmissible {
        return Vec::new();
    }

    let covered: Option<BTreeSet<&str>> = cluster_queue.map(|queue| {
        queue
            .spec
            .resource_groups
            .iter()
            .flat_map(|group| &group.covered_resources)
            .map(String::as_str)
            .collect()
    });
    let ignore_undeclared = settings.ignores_undeclared();
    let formatter = settings.formatter();
    let mut changes = Vec::new();

    for assignment in &admission.pod_set_assignments {
        let spec_count = workload
            .spec
            .pod_sets
            .iter()
            .find(|pod_set| pod_set.name == assignment.name)
            .map_or(0, |pod_set| pod_set.count);
        let count = i64::from(assignment.count.unwrap_or(spec_count));

        let recorded: BTreeMap<&str, i64> = assignment
            .resource_usage
            .iter()
            .filter_map(|(resource, quantity)| {
                let quantity = Quantity::parse(&quantity.0).ok()?;
                Some((resource.as_str(), resource_value(resource, &quantity)))
            })
            .collect();

        let mut now: BTreeMap<&str, i64> = BTreeMap::new();
        if let Some(pod_set) = recomputed
            .pod_sets
            .iter()
            .find(|pod_set| pod_set.name == assignment.name)
        {
            for (resource, per_pod) in &pod_set.per_pod {
                let Ok(quantity) = Quantity::parse(per_pod) else {
                    continue;
                };
                let total = resource_value(resource, &quantity).saturating_mul(count);
                let recordable = match &covered {
                    Some(covered) => {
                        covered.contains(resource.as_str()) || (total != 0 && !ignore_undeclared)
                    }
                    // Without the ClusterQueue, a zero charge counts as covered only when the
                    // admission records it.
                    None => total != 0 || recorded.contains_key(resource.as_str()),
                };
                if recordable {
                    now.insert(resource.as_str(), total);
                }
            }
        }
        let covers_pods = covered
            .as_ref()
            .map_or(recorded.contains_key("pods"), |covered| {
                covered.contains("pods")
            });
        if covers_pods {
            now.insert("pods", count);
        }

        let resources: BTreeSet<&str> = recorded.keys().chain(now.keys()).copied().collect();
        for resource in resources {
            let before = recorded.get(resource).copied();
            let after = now.get(resource).copied();
            if before == after {
                continue;
            }
            changes.push(DriftChange {
                pod_set: assignment.name.clone(),
                resource: resource.to_owned(),
                recorded: before.map(|value| formatter.format(resource, value)),
                recomputed: after.map(|value| formatter.format(resource, value)),
            });
        }
    }
    changes
}
