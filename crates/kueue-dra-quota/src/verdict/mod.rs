//! The ClusterQueue verdict: whether Kueue's scheduler would reserve quota for a Workload in
//! the ClusterQueue its LocalQueue points at, in which flavors, and Kueue's message when it
//! would not.
//!
//! The rules are those of the flavor assigner (`pkg/scheduler/flavorassigner`) and the
//! scheduler cache's quota tree (`pkg/cache/scheduler/resource_node.go`). Preemption,
//! Topology-Aware Scheduling, fair sharing and admission checks are out of scope, and the
//! verdict's notes name the cases where they could change it.

mod amount;
mod assign;
mod tree;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, LabelSelector};
use kueue_api::config::Configuration;
use kueue_api::config::v1beta2::QuotaCheckStrategy;
use kueue_api::v1beta2::{
    ClusterQueue, Cohort, FlavorUsage, LocalQueue, ResourceFlavor, StopPolicy, Workload,
};
use serde::Serialize;

use crate::calculator::has_quota_reservation;
use crate::explanation::{Explanation, Status};
use crate::gates::FeatureGates;
use crate::quantity::{Quantity, ResourceFormatter, resource_value};
use crate::release::Release;
use crate::rules::SchedulerRules;
use amount::Amount;
use assign::{Assigner, PodSetRequests};
use tree::{FlavorResource, QuotaTree, TreeError};

/// Whether and how Kueue would reserve quota for a Workload in its ClusterQueue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// The result.
    pub outcome: Outcome,
    /// The ClusterQueue the verdict was computed against; empty when the LocalQueue is
    /// missing.
    pub cluster_queue: String,
    /// Kueue's QuotaReserved message when the outcome is `DoesNotFit` or `QueueBlocked`, and
    /// the one it writes when it finds nothing to preempt for `NeedsPreemption`. Empty
    /// otherwise.
    pub message: String,
    /// One entry per pod set that the flavor assigner reached, in the Workload's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pod_sets: Vec<PodSetVerdict>,
    /// Plain sentences about what the verdict could not take into account.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The result of a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// Every resource fits in its flavor's unused nominal quota.
    Fits,
    /// Every resource fits, and at least one borrows unused quota from the Cohort.
    FitsByBorrowing,
    /// Some resource fits only if Kueue preempts other Workloads, which is not computed:
    /// Kueue preempts if it finds candidates, and otherwise writes `message`.
    NeedsPreemption,
    /// Some resource cannot be assigned a flavor; `message` is Kueue's.
    DoesNotFit,
    /// The LocalQueue or ClusterQueue is missing, stopped or inactive; `message` is Kueue's.
    QueueBlocked,
    /// No verdict: the Workload has no charge to check or names no LocalQueue, or the input
    /// has no queues at all.
    NotComputed,
}

/// The flavor assignment of one pod set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSetVerdict {
    /// The pod set's name.
    pub name: String,
    /// One entry per requested resource, sorted by name.
    pub resources: Vec<ResourceVerdict>,
}

/// The check of one requested resource of a pod set against the ClusterQueue's quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceVerdict {
    /// The quota resource.
    pub resource: String,
    /// The pod set's request, all pods included, as Kueue writes the quantity.
    pub request: String,
    /// Whether a resource group of the ClusterQueue covers the resource.
    pub covered: bool,
    /// The flavor the flavor assigner picks; absent when none is assigned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flavor: Option<String>,
    /// The flavors tried, in the resource group's order, up to the one picked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flavors: Vec<FlavorCheck>,
}

/// The quota figures of one flavor for one resource, and the request's result against them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FlavorCheck {
    /// The ResourceFlavor's name.
    pub flavor: String,
    /// The request's result in this flavor.
    pub mode: FlavorMode,
    /// The ClusterQueue's nominal quota.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nominal: Option<String>,
    /// The ClusterQueue's borrowing limit, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub borrowing_limit: Option<String>,
    /// The ClusterQueue's lending limit, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lending_limit: Option<String>,
    /// The ClusterQueue's reserved usage from `status.flavorsReservation`, the Workload's
    /// own reservation excluded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<String>,
    /// The unused quota the ClusterQueue can take now, its own and borrowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available: Option<String>,
    /// The maximum the ClusterQueue could reserve with no usage anywhere in the Cohort tree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_capacity: Option<String>,
    /// Kueue's reasons against this flavor, as the flavor assigner writes them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

/// The result of a request in one flavor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum FlavorMode {
    /// The flavor is rejected before quota is checked (missing, taint, node selector), or
    /// the request exceeds what the ClusterQueue could ever hold in it.
    NoFit,
    /// The request fits only after preempting, which is not computed.
    Preempt,
    /// The request fits by borrowing from the Cohort.
    Borrow,
    /// The request fits in the ClusterQueue's unused quota.
    Fit,
}

/// The queueing objects a verdict reads: every ClusterQueue (for Cohort usage), Cohort,
/// LocalQueue and ResourceFlavor known.
#[derive(Debug, Clone, Copy, Default)]
pub struct Queues<'a> {
    /// ClusterQueues with their status.
    pub cluster_queues: &'a [ClusterQueue],
    /// Cohorts (`kueue.x-k8s.io/v1beta2`).
    pub cohorts: &'a [Cohort],
    /// LocalQueues.
    pub local_queues: &'a [LocalQueue],
    /// ResourceFlavors.
    pub resource_flavors: &'a [ResourceFlavor],
}

/// The settings of one Kueue release and Configuration that a verdict depends on.
#[derive(Debug, Clone)]
pub struct VerdictSettings {
    release: Release,
    gates: FeatureGates,
    quota_check_strategy: Option<QuotaCheckStrategy>,
    formatter: ResourceFormatter,
}

impl VerdictSettings {
    /// Collects the settings of `release` with `gates` resolved from `config`.
    #[must_use]
    pub fn new(release: Release, gates: FeatureGates, config: &Configuration) -> Self {
        Self {
            release,
            gates,
            quota_check_strategy: config
                .resources
                .as_ref()
                .and_then(|resources| resources.quota_check_strategy),
            formatter: formatter_for(release, gates, config),
        }
    }

    /// Returns the formatter that writes quantities as this release does in its messages.
    pub(crate) fn formatter(&self) -> &ResourceFormatter {
        &self.formatter
    }

    /// Returns whether a resource the ClusterQueue does not cover is skipped, as
    /// `quotaCheckStrategy: IgnoreUndeclared` does when its feature gate is on.
    #[must_use]
    pub fn ignores_undeclared(&self) -> bool {
        self.gates.quota_check_strategy
            && self.quota_check_strategy == Some(QuotaCheckStrategy::IgnoreUndeclared)
    }
}

/// Builds Kueue's resource formatter. Besides memory, ephemeral-storage and hugepages, the
/// names of counter-based mappings print in BinarySI from v0.18.4, in v0.18 only when the
/// first source is a counter. From v0.19.0 capacity-based mappings do too
/// (`cmd/kueue/main.go` and `pkg/dra/mapper.go` at those tags).
fn formatter_for(
    release: Release,
    gates: FeatureGates,
    config: &Configuration,
) -> ResourceFormatter {
    let mut formatter = ResourceFormatter::default();
    if !gates.dra_integration || !release.since(&[(18, 4)]) {
        return formatter;
    }
    let since_v0_19 = release.since(&[(19, 0)]);
    let mappings = config
        .resources
        .iter()
        .flat_map(|resources| &resources.device_class_mappings);
    for mapping in mappings {
        let counter = if since_v0_19 {
            mapping
                .sources
                .iter()
                .any(|source| source.counter.is_some())
        } else {
            mapping
                .sources
                .first()
                .is_some_and(|source| source.counter.is_some())
        };
        let capacity = since_v0_19
            && mapping
                .sources
                .iter()
                .any(|source| source.capacity.is_some());
        if counter || capacity {
            formatter.register_binary_resource(&mapping.name);
        }
    }
    formatter
}

impl Queues<'_> {
    /// Computes the verdict for `workload`, whose charge as a pending Workload is `pending`.
    ///
    /// For an admitted Workload, `pending` is the charge recomputed from the current
    /// objects, and the Workload's own reservation is taken out of its ClusterQueue's usage.
    ///
    /// Each call indexes the queues anew. [`QueueIndex`] indexes them once for many Workloads.
    #[must_use]
    pub fn verdict(
        &self,
        workload: &Workload,
        pending: &Explanation,
        settings: &VerdictSettings,
    ) -> Verdict {
        QueueIndex::new(*self, settings).verdict(workload, pending)
    }
}

/// [`Queues`] prepared for the verdicts of many Workloads: ClusterQueues and LocalQueues looked
/// up by name, and the quota tree of each ClusterQueue built once, when a verdict first needs
/// it.
#[derive(Debug)]
pub struct QueueIndex<'a> {
    queues: Queues<'a>,
    settings: &'a VerdictSettings,
    /// The first ClusterQueue of each name.
    cluster_queues: HashMap<&'a str, &'a ClusterQueue>,
    /// The first LocalQueue of each namespace and name, where one without a namespace is in
    /// `default`.
    local_queues: HashMap<(&'a str, &'a str), &'a LocalQueue>,
    /// The quota tree of each ClusterQueue with the usage its status records, by name.
    trees: HashMap<&'a str, OnceLock<Result<QuotaTree, TreeError>>>,
}

impl<'a> QueueIndex<'a> {
    /// Indexes `queues` for verdicts under `settings`.
    #[must_use]
    pub fn new(queues: Queues<'a>, settings: &'a VerdictSettings) -> Self {
        let mut cluster_queues = HashMap::new();
        for queue in queues.cluster_queues {
            if let Some(name) = queue.metadata.name.as_deref() {
                cluster_queues.entry(name).or_insert(queue);
            }
        }
        let mut local_queues = HashMap::new();
        for queue in queues.local_queues {
            if let Some(name) = queue.metadata.name.as_deref() {
                let namespace = queue.metadata.namespace.as_deref().unwrap_or("default");
                local_queues.entry((namespace, name)).or_insert(queue);
            }
        }
        let trees = cluster_queues
            .keys()
            .map(|name| (*name, OnceLock::new()))
            .collect();
        Self {
            queues,
            settings,
            cluster_queues,
            local_queues,
            trees,
        }
    }

    /// Returns the settings the verdicts are computed under.
    #[must_use]
    pub fn settings(&self) -> &'a VerdictSettings {
        self.settings
    }

    /// Returns the first ClusterQueue named `name`.
    #[must_use]
    pub fn cluster_queue(&self, name: &str) -> Option<&'a ClusterQueue> {
        self.cluster_queues.get(name).copied()
    }

    /// Computes the verdict for `workload`, as [`Queues::verdict`] does.
    #[must_use]
    pub fn verdict(&self, workload: &Workload, pending: &Explanation) -> Verdict {
        let settings = self.settings;
        let mut notes = Vec::new();
        let cluster_queue = match self.cluster_queue_for(workload) {
            Ok(cluster_queue) => cluster_queue,
            Err(blocked) => return blocked,
        };
        let name = cluster_queue.metadata.name.clone().unwrap_or_default();
        let blocked = |message: String, notes: Vec<String>| Verdict {
            outcome: Outcome::QueueBlocked,
            cluster_queue: name.clone(),
            message,
            pod_sets: Vec::new(),
            notes,
        };

        // A pending Workload gets the same message whether the ClusterQueue is stopped or
        // inactive for another reason (`workload_controller.go`, the queue checks).
        if cluster_queue_stopped(cluster_queue) {
            notes.push(
                "The ClusterQueue's stopPolicy is set, so Kueue admits nothing through it."
                    .to_owned(),
            );
            return blocked(format!("ClusterQueue {name} is inactive"), notes);
        }
        if let Some(inactive_because) = self.inactive_reason(cluster_queue) {
            notes.push(inactive_because);
            return blocked(format!("ClusterQueue {name} is inactive"), notes);
        }
        if pending.status == Status::Inadmissible {
            return Verdict {
                outcome: Outcome::NotComputed,
                cluster_queue: name,
                message: String::new(),
                pod_sets: Vec::new(),
                notes: vec![
                    "The Workload is inadmissible before quota is checked, so no flavor is assigned.".to_owned(),
                ],
            };
        }

        let rules = SchedulerRules::of(settings.release);
        match cluster_queue.spec.namespace_selector.as_ref() {
            // Kueue reads a missing selector as `labels.Nothing()`.
            None => {
                notes.push(
                    "The ClusterQueue has no namespaceSelector, which selects no namespace; `{}` selects every namespace.".to_owned(),
                );
                return blocked(rules.namespace_mismatch.to_owned(), notes);
            }
            Some(selector) if !selects_everything(selector) => notes.push(
                "The ClusterQueue's namespaceSelector is not checked, because the input has no Namespace labels.".to_owned(),
            ),
            Some(_) => {}
        }

        let tree = match self.tree(cluster_queue, &name, workload) {
            Ok(tree) => tree,
            Err(TreeError::CohortCycle(cohort)) => {
                notes.push(format!(
                    "The Cohorts above this ClusterQueue form a cycle through Cohort {cohort}, so Kueue marks the ClusterQueue inactive."
                ));
                return blocked(format!("ClusterQueue {name} is inactive"), notes);
            }
        };
        if cluster_queue.status.is_none() {
            notes.push(format!(
                "ClusterQueue {name} has no status in the input, so its usage counts as zero."
            ));
        }

        let requests = pod_set_requests(workload, pending, cluster_queue, &mut notes);
        let assigner = Assigner {
            cluster_queue,
            tree: &tree,
            resource_flavors: self.queues.resource_flavors,
            rules,
            settings,
        };
        let assignment = assigner.assign(&requests, &mut notes);
        notes.extend(scope_notes(assignment.outcome));

        Verdict {
            outcome: assignment.outcome,
            cluster_queue: name,
            message: assignment.message,
            pod_sets: assignment.pod_sets,
            notes,
        }
    }

    /// Finds the ClusterQueue through the Workload's admission or its LocalQueue, or returns
    /// the verdict that Kueue blocks the Workload before the scheduler.
    fn cluster_queue_for(&self, workload: &Workload) -> Result<&ClusterQueue, Verdict> {
        let blocked =
            |outcome: Outcome, cluster_queue: &str, message: String, note: &str| Verdict {
                outcome,
                cluster_queue: cluster_queue.to_owned(),
                message,
                pod_sets: Vec::new(),
                notes: if note.is_empty() {
                    Vec::new()
                } else {
                    vec![note.to_owned()]
                },
            };

        // Input without any queue gives no evidence about the cluster's queues.
        if self.queues.local_queues.is_empty() && self.queues.cluster_queues.is_empty() {
            return Err(blocked(
                Outcome::NotComputed,
                "",
                String::new(),
                "The input has no LocalQueues and no ClusterQueues, so the quota check is skipped.",
            ));
        }

        let admitted_to = workload
            .status
            .as_ref()
            .and_then(|status| status.admission.as_ref())
            .map(|admission| admission.cluster_queue.clone());
        let queue_name = workload.spec.queue_name.clone().unwrap_or_default();
        let name = if let Some(admitted_to) = admitted_to {
            admitted_to
        } else {
            if queue_name.is_empty() {
                return Err(blocked(
                    Outcome::NotComputed,
                    "",
                    String::new(),
                    "The Workload names no LocalQueue (spec.queueName), so Kueue does not queue it.",
                ));
            }
            let namespace = workload.metadata.namespace.as_deref().unwrap_or("default");
            let Some(local_queue) = self.local_queues.get(&(namespace, queue_name.as_str())) else {
                return Err(blocked(
                    Outcome::QueueBlocked,
                    "",
                    format!("LocalQueue {queue_name} doesn't exist"),
                    "The input has no LocalQueue of this name in the Workload's namespace.",
                ));
            };
            if local_queue
                .spec
                .stop_policy
                .is_some_and(|policy| policy != StopPolicy::None)
            {
                let cluster_queue = local_queue.spec.cluster_queue.clone().unwrap_or_default();
                return Err(blocked(
                    Outcome::QueueBlocked,
                    &cluster_queue,
                    format!("LocalQueue {queue_name} is inactive"),
                    "The LocalQueue's stopPolicy is set, so Kueue queues nothing from it.",
                ));
            }
            local_queue.spec.cluster_queue.clone().unwrap_or_default()
        };

        self.cluster_queue(&name).ok_or_else(|| {
            blocked(
                Outcome::QueueBlocked,
                &name,
                format!("ClusterQueue {name} doesn't exist"),
                "The input has no ClusterQueue of this name.",
            )
        })
    }

    /// Returns the quota tree of `cluster_queue`, named `name`, with usage as Kueue's cache
    /// records it while the scheduler considers `workload`: an admitted Workload's own
    /// reservation is taken out of the ClusterQueue's usage, so that it does not count
    /// against itself.
    fn tree(
        &self,
        cluster_queue: &ClusterQueue,
        name: &str,
        workload: &Workload,
    ) -> Result<Cow<'_, QuotaTree>, TreeError> {
        let build = || {
            let rules = SchedulerRules::of(self.settings.release);
            QuotaTree::build(
                cluster_queue,
                self.queues.cluster_queues,
                self.queues.cohorts,
                &reserved_usage,
                rules.unlimited_amounts,
            )
        };
        let base = match self.trees.get(name) {
            Some(tree) => Cow::Borrowed(tree.get_or_init(build).as_ref().map_err(Clone::clone)?),
            None => Cow::Owned(build()?),
        };
        let admission = admission_usage(workload, name);
        if admission.is_empty() {
            return Ok(base);
        }
        let mut usage = reserved_usage(cluster_queue);
        for (key, value) in admission {
            let entry = usage.entry(key).or_default();
            *entry = entry.saturating_sub(value).max(0);
        }
        let usage = usage
            .into_iter()
            .map(|(key, value)| (key, Amount::from_value(value)))
            .collect();
        Ok(Cow::Owned(base.with_target_usage(usage)))
    }

    /// Returns why Kueue would keep the ClusterQueue inactive: a flavor it names is missing,
    /// or its Active condition is False.
    fn inactive_reason(&self, cluster_queue: &ClusterQueue) -> Option<String> {
        let missing: Vec<&str> = cluster_queue
            .spec
            .resource_groups
            .iter()
            .flat_map(|group| &group.flavors)
            .map(|flavor| flavor.name.as_str())
            .filter(|flavor| {
                !self
                    .queues
                    .resource_flavors
                    .iter()
                    .any(|known| known.metadata.name.as_deref() == Some(*flavor))
            })
            .collect();
        if !missing.is_empty() {
            return Some(format!(
                "The input has no ResourceFlavor {}, and Kueue keeps a ClusterQueue inactive until every flavor it names exists.",
                missing.join(", ")
            ));
        }

        let inactive = cluster_queue
            .status
            .as_ref()
            .and_then(|status| find_condition(&status.conditions, "Active"))
            .filter(|condition| condition.status == "False")?;
        Some(format!(
            "The ClusterQueue's Active condition is False: {}: {}",
            inactive.reason, inactive.message
        ))
    }
}

/// Returns whether a label selector has no requirements, so that it matches every set of
/// labels.
fn selects_everything(selector: &LabelSelector) -> bool {
    selector
        .match_labels
        .as_ref()
        .is_none_or(BTreeMap::is_empty)
        && selector
            .match_expressions
            .as_ref()
            .is_none_or(Vec::is_empty)
}

fn find_condition<'c>(conditions: &'c [Condition], kind: &str) -> Option<&'c Condition> {
    conditions.iter().find(|condition| condition.type_ == kind)
}

fn cluster_queue_stopped(cluster_queue: &ClusterQueue) -> bool {
    cluster_queue
        .spec
        .stop_policy
        .is_some_and(|policy| policy != StopPolicy::None)
}

/// Reads `status.flavorsReservation`: the quota the scheduler has reserved, which is what its
/// cache counts as usage.
fn reserved_usage(cluster_queue: &ClusterQueue) -> BTreeMap<FlavorResource, i64> {
    let reservation: &[FlavorUsage] = cluster_queue
        .status
        .as_ref()
        .map_or(&[], |status| &status.flavors_reservation);
    let mut usage = BTreeMap::new();
    for flavor in reservation {
        for resource in &flavor.resources {
            let Some(total) = resource.total.as_ref() else {
                continue;
            };
            if let Ok(quantity) = Quantity::parse(&total.0) {
                usage.insert(
                    (flavor.name.clone(), resource.name.clone()),
                    resource_value(&resource.name, &quantity),
                );
            }
        }
    }
    usage
}

/// Returns the usage of the Workload's own admission in `cluster_queue`, by flavor and
/// resource, so that an admitted Workload is not counted against itself. A Workload without a
/// quota reservation has none.
fn admission_usage(workload: &Workload, cluster_queue: &str) -> BTreeMap<FlavorResource, i64> {
    let mut usage = BTreeMap::new();
    if !has_quota_reservation(workload) {
        return usage;
    }
    let Some(admission) = workload
        .status
        .as_ref()
        .and_then(|status| status.admission.as_ref())
        .filter(|admission| admission.cluster_queue == cluster_queue)
    else {
        return usage;
    };
    for assignment in &admission.pod_set_assignments {
        for (resource, quantity) in &assignment.resource_usage {
            let (Some(flavor), Ok(quantity)) = (
                assignment.flavors.get(resource),
                Quantity::parse(&quantity.0),
            ) else {
                continue;
            };
            let entry: &mut i64 = usage.entry((flavor.clone(), resource.clone())).or_default();
            *entry = entry.saturating_add(resource_value(resource, &quantity));
        }
    }
    usage
}

/// Turns each pod set's charge into the int64 requests Kueue's scheduler checks, with the
/// `pods` resource added when the ClusterQueue covers it.
fn pod_set_requests<'w>(
    workload: &'w Workload,
    pending: &Explanation,
    cluster_queue: &ClusterQueue,
    notes: &mut Vec<String>,
) -> Vec<PodSetRequests<'w>> {
    let covers_pods = cluster_queue
        .spec
        .resource_groups
        .iter()
        .any(|group| group.covered_resources.iter().any(|name| name == "pods"));
    let mut requests = Vec::new();
    for pod_set in &pending.pod_sets {
        let mut values = BTreeMap::new();
        for (resource, total) in &pod_set.total {
            match Quantity::parse(total) {
                Ok(quantity) => {
                    values.insert(resource.clone(), resource_value(resource, &quantity));
                }
                Err(_) => notes.push(format!(
                    "The total `{total}` of `{resource}` in pod set `{}` is not a quantity, so it is left out of the verdict.",
                    pod_set.name
                )),
            }
        }
        if covers_pods {
            values.insert("pods".to_owned(), i64::from(pod_set.count));
        }
        let spec = workload
            .spec
            .pod_sets
            .iter()
            .find(|spec| spec.name == pod_set.name)
            .and_then(|spec| spec.template.spec.as_ref());
        requests.push(PodSetRequests {
            name: pod_set.name.clone(),
            values,
            pod_spec: spec,
        });
    }
    requests
}

/// States what the verdict leaves out where it could change the outcome.
fn scope_notes(outcome: Outcome) -> Vec<String> {
    match outcome {
        Outcome::NeedsPreemption => vec![
            "Whether Kueue finds Workloads to preempt is not computed: it depends on the priorities and admission times of running Workloads. Without candidates Kueue tries the next flavor, or leaves the Workload pending with this message.".to_owned(),
        ],
        _ => Vec::new(),
    }
}
