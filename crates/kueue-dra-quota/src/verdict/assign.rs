//! Kueue's flavor assigner (`pkg/scheduler/flavorassigner/flavorassigner.go`): per pod set
//! and resource group, the first flavor that fits under the ClusterQueue's flavor
//! fungibility, and the reasons Kueue writes against the others.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{PodSpec, Taint, Toleration};
use kueue_api::v1beta2::{
    BorrowWithinCohortPolicy, ClusterQueue, FlavorFungibilityPolicy, FlavorFungibilityPreference,
    ResourceFlavor, ResourceGroup,
};

use super::amount::Amount;
use super::tree::{FlavorResource, QuotaTree};
use super::{FlavorCheck, FlavorMode, Outcome, PodSetVerdict, ResourceVerdict, VerdictSettings};
use crate::claims::fnv1a;
use crate::field::{BadValue, ErrorType, FieldError, aggregate_message};
use crate::rules::{CapacityMessage, NodeLabelKeys, SchedulerRules};
use crate::validation::label_key_messages;

/// The int64 requests of one pod set, all pods included, by resource.
pub(crate) struct PodSetRequests<'w> {
    pub(crate) name: String,
    pub(crate) values: BTreeMap<String, i64>,
    pub(crate) pod_spec: Option<&'w PodSpec>,
}

/// The flavor assigner for one ClusterQueue.
pub(crate) struct Assigner<'a> {
    pub(crate) cluster_queue: &'a ClusterQueue,
    pub(crate) tree: &'a QuotaTree,
    pub(crate) resource_flavors: &'a [ResourceFlavor],
    pub(crate) rules: SchedulerRules,
    pub(crate) settings: &'a VerdictSettings,
}

/// The result of assigning flavors to every pod set.
pub(crate) struct Assignment {
    pub(crate) outcome: Outcome,
    pub(crate) message: String,
    pub(crate) pod_sets: Vec<PodSetVerdict>,
}

/// Kueue's `granularMode`: the preemption mode and how far up the Cohort tree the quota
/// comes from (0 is the ClusterQueue itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct GranularMode {
    fit: FitMode,
    borrowing_level: u32,
}

/// Kueue's `preemptionMode`, with its preemption outcomes merged because the simulation is
/// not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum FitMode {
    NoFit,
    Preempt,
    Fit,
}

const BEST: GranularMode = GranularMode {
    fit: FitMode::Fit,
    borrowing_level: 0,
};
const WORST: GranularMode = GranularMode {
    fit: FitMode::NoFit,
    borrowing_level: u32::MAX,
};

/// The flavor picked for one resource.
#[derive(Debug, Clone)]
struct Picked {
    flavor: String,
    mode: GranularMode,
}

/// The flavors picked for the resources of one group, and the reasons Kueue keeps.
struct GroupResult {
    picked: BTreeMap<String, Picked>,
    reasons: Vec<String>,
    checks: BTreeMap<String, Vec<FlavorCheck>>,
    /// Kueue's `status.err`: the error that stopped the search, which replaces the reasons.
    error: Option<String>,
}

impl Assigner<'_> {
    /// Assigns flavors pod set by pod set, as Kueue's `assignFlavors`, and builds the
    /// message of `Assignment.Message`.
    pub(crate) fn assign(
        &self,
        pod_sets: &[PodSetRequests<'_>],
        notes: &mut Vec<String>,
    ) -> Assignment {
        let mut usage: BTreeMap<FlavorResource, i64> = BTreeMap::new();
        let mut verdicts = Vec::new();
        let mut messages = Vec::new();
        let mut outcome = Outcome::Fits;
        let mut error_message = None;

        for pod_set in pod_sets {
            let (verdict, reasons, mode, error) = self.assign_pod_set(pod_set, &usage, notes);
            let failed = mode.fit == FitMode::NoFit;
            for resource in &verdict.resources {
                if let Some(flavor) = &resource.flavor {
                    let value = pod_set.values.get(&resource.resource).copied().unwrap_or(0);
                    let entry = usage
                        .entry((flavor.clone(), resource.resource.clone()))
                        .or_default();
                    *entry = entry.saturating_add(value);
                }
            }
            verdicts.push(verdict);

            // `Assignment.Message` reports only the first pod set with an error.
            if let Some(error) = error {
                error_message = Some(format!(
                    "failed to assign flavors to pod set {}: {error}",
                    pod_set.name
                ));
                outcome = Outcome::DoesNotFit;
                break;
            }
            if !reasons.is_empty() {
                let mut reasons = reasons;
                reasons.sort();
                messages.push(format!(
                    "couldn't assign flavors to pod set {}: {}",
                    pod_set.name,
                    reasons.join(", ")
                ));
            }
            outcome = worse(
                outcome,
                match mode.fit {
                    FitMode::NoFit => Outcome::DoesNotFit,
                    FitMode::Preempt => Outcome::NeedsPreemption,
                    FitMode::Fit if mode.borrowing_level > 0 => Outcome::FitsByBorrowing,
                    FitMode::Fit => Outcome::Fits,
                },
            );
            // Kueue stops at the first pod set that gets no flavor.
            if failed {
                break;
            }
        }

        let message = if let Some(error_message) = error_message {
            error_message
        } else if outcome == Outcome::Fits || outcome == Outcome::FitsByBorrowing {
            String::new()
        } else {
            messages.join("; ")
        };
        Assignment {
            outcome,
            message,
            pod_sets: verdicts,
        }
    }

    /// Assigns flavors to one pod set: each resource group once, stopping at the first
    /// resource that gets no flavor. Returns the reasons Kueue keeps, the pod set's worst
    /// mode and the error that stopped the search, if any.
    fn assign_pod_set(
        &self,
        pod_set: &PodSetRequests<'_>,
        usage: &BTreeMap<FlavorResource, i64>,
        notes: &mut Vec<String>,
    ) -> (PodSetVerdict, Vec<String>, GranularMode, Option<String>) {
        let mut picked: BTreeMap<String, Picked> = BTreeMap::new();
        let mut checks: BTreeMap<String, Vec<FlavorCheck>> = BTreeMap::new();
        let mut reasons = Vec::new();
        let mut failed = false;
        let mut failing_groups = 0;
        let mut error = None;

        let hash_ordered = self.hash_ordered_requests();
        let mut order: Vec<(&String, i64)> = pod_set
            .values
            .iter()
            .map(|(resource, &value)| (resource, value))
            .collect();
        if hash_ordered {
            order.sort_by_key(|(resource, _)| (fnv1a(resource), *resource));
        }
        // NOTE: without the hash order Kueue walks the requests in Go map order, so when two
        // resource groups both fail, its message names either one. This walks them by name.
        let mut checked_groups = BTreeSet::new();
        for (resource, value) in order {
            let Some((group_index, group)) = self.group_of(resource) else {
                if value == 0 && self.rules.skip_zero_uncovered {
                    continue;
                }
                if self.settings.ignores_undeclared() {
                    continue;
                }
                failing_groups += 1;
                if !failed {
                    reasons = vec![format!("resource {resource} unavailable in ClusterQueue")];
                    failed = true;
                }
                continue;
            };
            // One search assigns every resource of the group.
            if !checked_groups.insert(group_index) {
                continue;
            }

            let result = self.find_flavor(group, pod_set, usage);
            if failed {
                failing_groups += usize::from(result.picked.is_empty());
                continue;
            }
            checks.extend(result.checks);
            if result.picked.is_empty() {
                failing_groups += 1;
                reasons = result.reasons;
                error = result.error;
                failed = true;
                continue;
            }
            picked.extend(result.picked);
            reasons.extend(result.reasons);
        }
        if failing_groups > 1 && !hash_ordered {
            notes.push(format!(
                "More than one resource group of pod set `{}` gets no flavor. Kueue reports whichever it checks first, in Go map order, so its message may name another resource.",
                pod_set.name
            ));
        }

        let mut mode = BEST;
        for pick in picked.values() {
            mode = worst_of(mode, pick.mode);
        }
        if failed {
            mode = WORST;
        }

        let resources = pod_set
            .values
            .iter()
            .filter(|(resource, value)| {
                self.group_of(resource).is_some()
                    || !(**value == 0 && self.rules.skip_zero_uncovered)
            })
            .map(|(resource, &value)| ResourceVerdict {
                resource: resource.clone(),
                request: self.settings.formatter.format(resource, value),
                covered: self.group_of(resource).is_some(),
                flavor: if failed {
                    None
                } else {
                    picked.get(resource).map(|pick| pick.flavor.clone())
                },
                flavors: checks.remove(resource).unwrap_or_default(),
            })
            .collect();
        let verdict = PodSetVerdict {
            name: pod_set.name.clone(),
            resources,
        };
        (verdict, reasons, mode, error)
    }

    /// Kueue's `findFlavorForPodSets`: tries the group's flavors in order, and keeps the
    /// first one that fungibility lets it stop at, or the best one seen.
    fn find_flavor(
        &self,
        group: &ResourceGroup,
        pod_set: &PodSetRequests<'_>,
        usage: &BTreeMap<FlavorResource, i64>,
    ) -> GroupResult {
        let requests: Vec<(&String, i64)> = pod_set
            .values
            .iter()
            .filter(|(resource, _)| group.covered_resources.contains(resource))
            .map(|(resource, &value)| (resource, value))
            .collect();
        let fungibility = self.fungibility();
        let mut reasons = Vec::new();
        let mut checks: BTreeMap<String, Vec<FlavorCheck>> = BTreeMap::new();
        let mut best: BTreeMap<String, Picked> = BTreeMap::new();
        let mut best_mode = WORST;
        let group_label_keys = self.group_label_keys(group);

        for flavor in &group.flavors {
            let flavor_name = flavor.name.as_str();
            let (rejection, error) =
                match self.check_flavor(flavor_name, pod_set.pod_spec, &group_label_keys) {
                    Ok(reason) => (reason, None),
                    Err(error) => (Some(error.clone()), Some(error)),
                };
            if let Some(reason) = rejection {
                for (resource, _) in &requests {
                    checks
                        .entry((*resource).clone())
                        .or_default()
                        .push(rejected_check(flavor_name, &reason));
                }
                // Kueue's `status.err` stops the search at this flavor.
                if error.is_some() {
                    return GroupResult {
                        picked: BTreeMap::new(),
                        reasons: Vec::new(),
                        checks,
                        error,
                    };
                }
                reasons.push(reason);
                continue;
            }

            let mut representative = BEST;
            let mut assignments = BTreeMap::new();
            for (resource, value) in &requests {
                let key = (flavor_name.to_owned(), (*resource).clone());
                let assumed = usage.get(&key).copied().unwrap_or(0);
                let (fit, borrowing_level, reason) = self.fits_quota(&key, assumed, *value);
                let mode = GranularMode {
                    fit,
                    borrowing_level,
                };
                checks
                    .entry((*resource).clone())
                    .or_default()
                    .push(self.flavor_check(&key, mode, reason.clone()));
                reasons.extend(reason);
                if is_preferred(representative, mode, &fungibility) {
                    representative = mode;
                }
                if representative.fit == FitMode::NoFit {
                    continue;
                }
                assignments.insert(
                    (*resource).clone(),
                    Picked {
                        flavor: flavor_name.to_owned(),
                        mode,
                    },
                );
            }

            if self.settings.gates.flavor_fungibility {
                if !should_try_next_flavor(representative, &fungibility) {
                    best = assignments;
                    best_mode = representative;
                    break;
                }
                if is_preferred(representative, best_mode, &fungibility) {
                    best = assignments;
                    best_mode = representative;
                }
            } else if representative.fit > best_mode.fit {
                best = assignments;
                best_mode = representative;
                if best_mode.fit == FitMode::Fit {
                    break;
                }
            }
        }

        if best_mode.fit == FitMode::Fit {
            reasons.clear();
        }
        if best_mode.fit == FitMode::NoFit {
            best.clear();
        }
        GroupResult {
            picked: best,
            reasons,
            checks,
            error: None,
        }
    }

    /// Kueue's `fitsResourceQuota`: whether `value` more of `key`, after `assumed` from
    /// earlier pod sets, fits now, by borrowing, only by preempting, or never.
    fn fits_quota(
        &self,
        key: &FlavorResource,
        assumed: i64,
        value: i64,
    ) -> (FitMode, u32, Option<String>) {
        let (flavor, resource) = key;
        let available = self.tree.available(key);
        let maximum = self.tree.potential_available(key);
        let total = Amount::from_value(assumed).add(Amount::from_value(value));

        if total.cmp_amount(maximum).is_gt() {
            let reason = match self.rules.capacity_message {
                CapacityMessage::RequestOverMaximum => format!(
                    "insufficient quota for {resource} in flavor {flavor}, request > maximum capacity ({} > {})",
                    self.amount_text(resource, total),
                    self.amount_text(resource, maximum)
                ),
                CapacityMessage::PreviouslyConsidered => format!(
                    "insufficient quota for {resource} in flavor {flavor}, previously considered podsets requests ({}) + current podset request ({}) > maximum capacity ({})",
                    self.amount_text(resource, Amount::from_value(assumed)),
                    self.settings.formatter.format(resource, value),
                    self.amount_text(resource, maximum)
                ),
            };
            return (FitMode::NoFit, 0, Some(reason));
        }

        let (borrowing_level, may_reclaim) = self.tree.lowest_fitting_height(key, total);
        if total.cmp_amount(available).is_le() {
            return (FitMode::Fit, borrowing_level, None);
        }

        let reason = format!(
            "insufficient unused quota for {resource} in flavor {flavor}, {} more needed",
            self.amount_text(resource, total.sub(available))
        );
        let within_nominal = self.tree.quota(key).nominal.cmp_amount(total).is_ge();
        if within_nominal || may_reclaim || self.can_preempt_while_borrowing() {
            return (FitMode::Preempt, borrowing_level, Some(reason));
        }
        (FitMode::NoFit, borrowing_level, Some(reason))
    }

    /// Kueue's `canPreemptWhileBorrowing`, with fair sharing taken as disabled.
    fn can_preempt_while_borrowing(&self) -> bool {
        self.cluster_queue
            .spec
            .preemption
            .as_ref()
            .and_then(|preemption| preemption.borrow_within_cohort.as_ref())
            .and_then(|borrow| borrow.policy)
            .is_some_and(|policy| policy != BorrowWithinCohortPolicy::Never)
    }

    /// Returns the union of the node label keys of the group's flavors that exist, Kueue's
    /// `resourceGroup.LabelKeys`.
    fn group_label_keys(&self, group: &ResourceGroup) -> BTreeSet<String> {
        group
            .flavors
            .iter()
            .filter_map(|flavor| self.resource_flavor(&flavor.name))
            .flat_map(|flavor| flavor.spec.node_labels.keys().cloned())
            .collect()
    }

    fn resource_flavor(&self, name: &str) -> Option<&ResourceFlavor> {
        self.resource_flavors
            .iter()
            .find(|flavor| flavor.metadata.name.as_deref() == Some(name))
    }

    /// Kueue's `checkFlavorForPodSets`: a missing flavor, an untolerated taint or a node
    /// selector the flavor's labels do not match rule the flavor out, with the reason
    /// returned. The node selector is compared on `group_label_keys` where the release uses
    /// [`NodeLabelKeys::Group`]. An invalid node-affinity expression is an error, Kueue's
    /// `status.err`.
    fn check_flavor(
        &self,
        flavor_name: &str,
        pod_spec: Option<&PodSpec>,
        group_label_keys: &BTreeSet<String>,
    ) -> Result<Option<String>, String> {
        let Some(flavor) = self.resource_flavor(flavor_name) else {
            return Ok(Some(format!("flavor {flavor_name} not found")));
        };
        let spec = &flavor.spec;
        let empty = PodSpec::default();
        let pod_spec = pod_spec.unwrap_or(&empty);

        let mut tolerations: Vec<&Toleration> = pod_spec.tolerations.iter().flatten().collect();
        tolerations.extend(&spec.tolerations);
        let untolerated = spec.node_taints.iter().find(|taint| {
            (taint.effect == "NoSchedule" || taint.effect == "NoExecute")
                && !tolerations
                    .iter()
                    .any(|toleration| tolerates(toleration, taint, self.rules.numeric_tolerations))
        });
        if let Some(taint) = untolerated {
            return Ok(Some(format!(
                "untolerated taint {} in flavor {flavor_name}",
                taint_text(taint)
            )));
        }

        let own_label_keys: BTreeSet<String>;
        let label_keys = match self.rules.node_label_keys {
            NodeLabelKeys::Flavor => {
                own_label_keys = spec.node_labels.keys().cloned().collect();
                &own_label_keys
            }
            NodeLabelKeys::Group => group_label_keys,
        };
        // The apimachinery of Kueue on main words messages as v0.19's does.
        let minor = self.settings.release.minor().unwrap_or(19);
        let matches = node_selector_matches(pod_spec, label_keys, &spec.node_labels)
            && required_affinity_matches(pod_spec, label_keys, &spec.node_labels, minor)?;
        Ok((!matches).then(|| format!("flavor {flavor_name} doesn't match node affinity")))
    }

    fn flavor_check(
        &self,
        key: &FlavorResource,
        mode: GranularMode,
        reason: Option<String>,
    ) -> FlavorCheck {
        let (flavor, resource) = key;
        let quota = self.tree.quota(key);
        FlavorCheck {
            flavor: flavor.clone(),
            mode: match mode.fit {
                FitMode::NoFit => FlavorMode::NoFit,
                FitMode::Preempt => FlavorMode::Preempt,
                FitMode::Fit if mode.borrowing_level > 0 => FlavorMode::Borrow,
                FitMode::Fit => FlavorMode::Fit,
            },
            nominal: Some(self.amount_text(resource, quota.nominal)),
            borrowing_limit: quota
                .borrowing_limit
                .map(|limit| self.amount_text(resource, limit)),
            lending_limit: quota
                .lending_limit
                .map(|limit| self.amount_text(resource, limit)),
            usage: Some(self.amount_text(resource, self.tree.usage(key))),
            available: Some(self.amount_text(resource, self.tree.available(key))),
            maximum_capacity: Some(self.amount_text(resource, self.tree.potential_available(key))),
            reasons: reason.into_iter().collect(),
        }
    }

    /// Formats an amount as Kueue's `AmountQuantityString` from v0.18.0, and as a plain
    /// int64 quantity before.
    fn amount_text(&self, resource: &str, amount: Amount) -> String {
        if amount.is_unlimited() && self.rules.unlimited_amounts {
            return "<unlimited>".to_owned();
        }
        self.settings.formatter.format(resource, amount.value())
    }

    /// Returns whether Kueue walks a pod set's requests in FNV-1a hash order, then by name
    /// (`resources.SliceRequests`), rather than in Go map order.
    fn hash_ordered_requests(&self) -> bool {
        self.rules.hash_ordered_requests && self.settings.gates.vectorized_resource_requests
    }

    /// Kueue's `RGByResource`: the resource group that covers `resource`, with its index.
    fn group_of(&self, resource: &str) -> Option<(usize, &ResourceGroup)> {
        self.cluster_queue
            .spec
            .resource_groups
            .iter()
            .enumerate()
            .find(|(_, group)| group.covered_resources.iter().any(|name| name == resource))
    }

    /// Returns the ClusterQueue's flavor fungibility with the API defaults filled in, and
    /// the preference that Kueue's `isPreferred` applies in this release.
    fn fungibility(&self) -> Fungibility {
        let declared = self
            .cluster_queue
            .spec
            .flavor_fungibility
            .clone()
            .unwrap_or_default();
        let try_next = |policy: Option<FlavorFungibilityPolicy>, default: bool| {
            policy.map_or(default, |policy| {
                policy == FlavorFungibilityPolicy::TryNextFlavor
            })
        };
        let try_next_when_borrowing = try_next(declared.when_can_borrow, false);
        let preference = declared
            .preference
            .filter(|_| self.rules.fungibility_preference);
        let preemption_over_borrowing = match preference {
            Some(preference) => preference == FlavorFungibilityPreference::PreemptionOverBorrowing,
            None => self.settings.gates.implicit_preference_default && try_next_when_borrowing,
        };
        Fungibility {
            try_next_when_borrowing,
            try_next_when_preempting: try_next(declared.when_can_preempt, true),
            preemption_over_borrowing,
        }
    }
}

/// The flavor fungibility policies with the API defaults applied: `whenCanBorrow` stops at a
/// flavor that fits by borrowing, `whenCanPreempt` tries the next flavor.
struct Fungibility {
    try_next_when_borrowing: bool,
    try_next_when_preempting: bool,
    preemption_over_borrowing: bool,
}

/// Kueue's `isPreferred`: whether mode `a` is better than `b`, ranking the borrowing level
/// first when `fungibility` prefers preemption over borrowing.
fn is_preferred(a: GranularMode, b: GranularMode, fungibility: &Fungibility) -> bool {
    if a.fit == FitMode::NoFit {
        return false;
    }
    if b.fit == FitMode::NoFit {
        return true;
    }
    if fungibility.preemption_over_borrowing {
        if a.borrowing_level != b.borrowing_level {
            return a.borrowing_level < b.borrowing_level;
        }
        return a.fit > b.fit;
    }
    if a.fit != b.fit {
        return a.fit > b.fit;
    }
    a.borrowing_level < b.borrowing_level
}

/// Kueue's `shouldTryNextFlavor`.
fn should_try_next_flavor(mode: GranularMode, fungibility: &Fungibility) -> bool {
    if mode.fit == FitMode::NoFit {
        return true;
    }
    if mode.fit == FitMode::Preempt && fungibility.try_next_when_preempting {
        return true;
    }
    mode.borrowing_level > 0 && fungibility.try_next_when_borrowing
}

/// Returns the worse of two modes, as Kueue's representative mode.
fn worst_of(a: GranularMode, b: GranularMode) -> GranularMode {
    let fit = a.fit.min(b.fit);
    GranularMode {
        fit,
        borrowing_level: a.borrowing_level.max(b.borrowing_level),
    }
}

fn worse(a: Outcome, b: Outcome) -> Outcome {
    let rank = |outcome: Outcome| match outcome {
        Outcome::Fits => 0,
        Outcome::FitsByBorrowing => 1,
        Outcome::NeedsPreemption => 2,
        _ => 3,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// Checks whether `toleration` tolerates `taint`, as Kubernetes' `Toleration.ToleratesTaint`.
/// With `numeric`, a `Gt` or `Lt` toleration compares the taint's value with its own as
/// int64 integers, and either value not in canonical decimal form matches nothing.
fn tolerates(toleration: &Toleration, taint: &Taint, numeric: bool) -> bool {
    if toleration
        .effect
        .as_deref()
        .is_some_and(|effect| !effect.is_empty() && effect != taint.effect)
    {
        return false;
    }
    if toleration
        .key
        .as_deref()
        .is_some_and(|key| !key.is_empty() && key != taint.key)
    {
        return false;
    }
    match toleration.operator.as_deref().unwrap_or("Equal") {
        "Exists" => true,
        "Equal" | "" => {
            toleration.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or("")
        }
        operator @ ("Gt" | "Lt") if numeric => {
            let (Some(tolerated), Some(tainted)) = (
                canonical_int64(toleration.value.as_deref().unwrap_or("")),
                canonical_int64(taint.value.as_deref().unwrap_or("")),
            ) else {
                return false;
            };
            if operator == "Gt" {
                tainted > tolerated
            } else {
                tainted < tolerated
            }
        }
        _ => false,
    }
}

/// Parses `text` as an int64 in apimachinery's canonical decimal form
/// (`content.IsDecimalInteger`): `0`, or an optional `-` and digits without a leading zero.
fn canonical_int64(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let canonical = text == "0"
        || (!digits.is_empty()
            && !digits.starts_with('0')
            && digits.bytes().all(|byte| byte.is_ascii_digit()));
    if canonical { text.parse().ok() } else { None }
}

/// Builds the check of a flavor ruled out before its quota is read.
fn rejected_check(flavor_name: &str, reason: &str) -> FlavorCheck {
    FlavorCheck {
        flavor: flavor_name.to_owned(),
        mode: FlavorMode::NoFit,
        nominal: None,
        borrowing_limit: None,
        lending_limit: None,
        usage: None,
        available: None,
        maximum_capacity: None,
        reasons: vec![reason.to_owned()],
    }
}

/// Writes a taint as Kubernetes' `Taint.ToString`: `key=value:Effect`, or `key:Effect`.
fn taint_text(taint: &Taint) -> String {
    match taint.value.as_deref() {
        Some(value) if !value.is_empty() => format!("{}={value}:{}", taint.key, taint.effect),
        _ => format!("{}:{}", taint.key, taint.effect),
    }
}

/// Kueue's `flavorSelector` for `nodeSelector`: only the entries on `label_keys` are
/// compared, and each must equal the flavor's label.
fn node_selector_matches(
    pod_spec: &PodSpec,
    label_keys: &BTreeSet<String>,
    labels: &BTreeMap<String, String>,
) -> bool {
    pod_spec
        .node_selector
        .iter()
        .flatten()
        .filter(|(key, _)| label_keys.contains(*key))
        .all(|(key, value)| labels.get(key) == Some(value))
}

/// Kueue's `flavorSelector` for required node affinity: each term keeps only the expressions
/// on `label_keys`, a term left empty matches every flavor, and otherwise one term must
/// match the flavor's labels. `matchFields` are dropped.
///
/// As component-helpers' `LazyErrorNodeSelector.Match`, a term with an invalid expression
/// is skipped, and its errors are returned only when no other term matches. `minor` picks
/// the wording of label key errors.
fn required_affinity_matches(
    pod_spec: &PodSpec,
    label_keys: &BTreeSet<String>,
    labels: &BTreeMap<String, String>,
    minor: u32,
) -> Result<bool, String> {
    let Some(terms) = pod_spec
        .affinity
        .as_ref()
        .and_then(|affinity| affinity.node_affinity.as_ref())
        .and_then(|node_affinity| {
            node_affinity
                .required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .map(|selector| &selector.node_selector_terms)
    else {
        return Ok(true);
    };

    let mut kept_terms = Vec::new();
    for term in terms {
        let kept: Vec<_> = term
            .match_expressions
            .iter()
            .flatten()
            .filter(|expression| label_keys.contains(&expression.key))
            .collect();
        if kept.is_empty() {
            return Ok(true);
        }
        kept_terms.push(kept);
    }
    if kept_terms.is_empty() {
        return Ok(true);
    }

    let mut errors = Vec::new();
    for (term_index, expressions) in kept_terms.iter().enumerate() {
        let term_errors = term_parse_errors(term_index, expressions, minor);
        if !term_errors.is_empty() {
            errors.extend(term_errors);
            continue;
        }
        if expressions
            .iter()
            .all(|expression| expression_matches(expression, labels))
        {
            return Ok(true);
        }
    }
    if errors.is_empty() {
        Ok(false)
    } else {
        Err(aggregate_message(&errors))
    }
}

/// The operators component-helpers' `nodeSelectorRequirementsAsSelector` accepts, as its
/// `NotSupported` error lists them.
const NODE_SELECTOR_OPERATORS: &str =
    r#"supported values: "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt""#;

/// Returns the errors of component-helpers' `newNodeSelectorTerm` for the kept expressions
/// of term `term_index`, with apimachinery's `labels.NewRequirement` checks, at
/// `nodeSelectorTerms[i].matchExpressions[j]` of the filtered selector.
///
/// NOTE: the values are not checked as label values (`validation.IsValidLabelValue`), so a
/// value longer than 63 characters or with other characters than alphanumerics, `-`, `_`
/// and `.` matches or fails where Kueue reports an error.
fn term_parse_errors(
    term_index: usize,
    expressions: &[&k8s_openapi::api::core::v1::NodeSelectorRequirement],
    minor: u32,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (index, expression) in expressions.iter().enumerate() {
        let path = format!("nodeSelectorTerms[{term_index}].matchExpressions[{index}]");
        let operator = expression.operator.as_str();
        if !matches!(
            operator,
            "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt"
        ) {
            errors.push(FieldError {
                error_type: ErrorType::NotSupported,
                field: format!("{path}.operator"),
                bad_value: BadValue::TypedString(operator.to_owned()),
                detail: NODE_SELECTOR_OPERATORS.to_owned(),
            });
            continue;
        }

        let key_messages = label_key_messages(&expression.key, minor);
        if !key_messages.is_empty() {
            errors.push(FieldError::invalid(
                format!("{path}.key"),
                BadValue::String(expression.key.clone()),
                key_messages.join("; "),
            ));
        }
        let values_path = format!("{path}.values");
        let values = expression.values.as_deref().unwrap_or_default();
        // A Go `[]string` prints as JSON, `null` when the field is absent.
        let values_value = || {
            expression
                .values
                .clone()
                .map_or(BadValue::Null, BadValue::ResourceNames)
        };
        match operator {
            "In" | "NotIn" if values.is_empty() => errors.push(FieldError::invalid(
                &values_path,
                values_value(),
                "for 'in', 'notin' operators, values set can't be empty",
            )),
            "Exists" | "DoesNotExist" if !values.is_empty() => errors.push(FieldError::invalid(
                &values_path,
                values_value(),
                "values set must be empty for exists and does not exist",
            )),
            "Gt" | "Lt" => {
                if values.len() != 1 {
                    errors.push(FieldError::invalid(
                        &values_path,
                        values_value(),
                        "for 'Gt', 'Lt' operators, exactly one value is required",
                    ));
                }
                for (value_index, value) in values.iter().enumerate() {
                    if value.parse::<i64>().is_err() {
                        errors.push(FieldError::invalid(
                            format!("{values_path}[{value_index}]"),
                            BadValue::String(value.clone()),
                            "for 'Gt', 'Lt' operators, the value must be an integer",
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    errors
}

/// Evaluates one node selector requirement against the flavor's labels, as Kubernetes'
/// `nodeaffinity` package does. An unknown operator matches nothing.
fn expression_matches(
    expression: &k8s_openapi::api::core::v1::NodeSelectorRequirement,
    labels: &BTreeMap<String, String>,
) -> bool {
    let label = labels.get(&expression.key);
    let values = expression.values.as_deref().unwrap_or_default();
    let compare = |wanted: std::cmp::Ordering| {
        let (Some(label), [value]) = (label, values) else {
            return false;
        };
        match (label.parse::<i64>(), value.parse::<i64>()) {
            (Ok(label), Ok(value)) => label.cmp(&value) == wanted,
            _ => false,
        }
    };
    match expression.operator.as_str() {
        "In" => label.is_some_and(|label| values.contains(label)),
        "NotIn" => label.is_none_or(|label| !values.contains(label)),
        "Exists" => label.is_some(),
        "DoesNotExist" => label.is_none(),
        "Gt" => compare(std::cmp::Ordering::Greater),
        "Lt" => compare(std::cmp::Ordering::Less),
        _ => false,
    }
}
