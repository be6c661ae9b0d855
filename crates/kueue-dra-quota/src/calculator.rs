//! The quota calculator: what Kueue charges a Workload, DRA devices included.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{LimitRange, PodSpec};
use k8s_openapi::api::node::v1::RuntimeClass;
use k8s_openapi::api::resource::v1::{ResourceClaimTemplate, ResourceSlice};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kueue_api::config::Configuration;
use kueue_api::v1beta2::{Admission, Workload};
use kueue_dra_index::DeviceClassIndex;

use crate::adjust::{adjust_resources, admissibility_message};
use crate::claims::{ClaimTemplates, DraContext, DraError, PodSetDra, resolve_claim_templates};
use crate::explanation::{Explanation, PodSetCharge, Status};
use crate::extended::{requests_backed_extended_resource, resolve_extended_resources};
use crate::field::{aggregate_message, has_internal_error};
use crate::gates::{ConfigurationError, FeatureGates};
use crate::limit_range::LimitRangeSummary;
use crate::quantity::{ResourceFormatter, resource_value};
use crate::release::Release;
use crate::requests::{PodResources, add_list, apply_transformations, drop_excluded, parse_list};
use crate::rules::{Rules, ValueClamp};
use crate::sources::{SourceKind, charge_sources};

/// Kueue's limit on a condition message, in bytes; a longer message is cut and ends in ` ...`.
const MAX_CONDITION_MESSAGE_BYTES: usize = 32 * 1024;

/// The message Kueue writes when DRA is off and such Workloads are rejected.
const DRA_DISABLED_MESSAGE: &str =
    "Workload uses DRA resources but the KueueDRAIntegration feature gate is not enabled";

/// Computes what a Kueue release charges ClusterQueue quota for a Workload.
///
/// The calculator reproduces Kueue v0.19.2's accounting: container requests as Kubernetes'
/// `PodRequests` sums them, `excludeResourcePrefixes`, `transformations`, devices requested
/// through ResourceClaimTemplates, extended resources that DeviceClasses back, and the
/// counter and capacity sources computed from ResourceSlices
/// ([`Calculator::with_resource_slices`]).
/// Before it sums requests it adjusts each pod template as Kueue's `AdjustResources` does:
/// RuntimeClass overhead ([`Calculator::with_runtime_classes`]), the defaults of the
/// namespace's LimitRanges ([`Calculator::with_limit_ranges`]), then limits copied into
/// missing requests. It does no I/O: every object it reads is passed in.
///
/// Objects are read as Kueue reads them from the API server, so API defaults must already be
/// applied. A template request without `allocationMode` is read as the empty mode, which
/// Kueue rejects, and one without `count` counts zero devices. The loader applies
/// `allocationMode: ExactCount` and `count: 1` before templates reach the calculator.
///
/// ```
/// use kueue_api::config::Configuration;
/// use kueue_api::v1beta2::Workload;
/// use kueue_dra_index::DeviceClassIndex;
/// use kueue_dra_quota::{Calculator, Status};
///
/// let workload: Workload = serde_json::from_value(serde_json::json!({
///     "apiVersion": "kueue.x-k8s.io/v1beta2",
///     "kind": "Workload",
///     "metadata": {"name": "job-sample", "namespace": "default"},
///     "spec": {"podSets": [{
///         "name": "main",
///         "count": 3,
///         "template": {"spec": {"containers": [
///             {"name": "main", "resources": {"requests": {"cpu": "500m"}}}
///         ]}}
///     }]}
/// }))
/// .unwrap();
///
/// let config = Configuration::default();
/// let index = DeviceClassIndex::new(&[], &[]);
/// let explanation = Calculator::new(&config, &index, &[]).explain(&workload);
///
/// assert_eq!(explanation.status, Status::Charged);
/// assert_eq!(explanation.pod_sets[0].total["cpu"], "1500m");
/// ```
#[derive(Debug, Clone)]
pub struct Calculator<'a> {
    config: &'a Configuration,
    index: &'a DeviceClassIndex,
    templates: ClaimTemplates<'a>,
    limit_ranges: &'a [LimitRange],
    /// `None` until the caller sets RuntimeClasses, so that a note can tell whether a class
    /// is missing or none were given.
    runtime_classes: Option<&'a [RuntimeClass]>,
    /// `None` until the caller sets ResourceSlices, so that notes can name the checks and
    /// charges that need them.
    resource_slices: Option<&'a [ResourceSlice]>,
    release: Release,
    gates: FeatureGates,
    formatter: ResourceFormatter,
}

/// A pod set after parsing, with the count Kueue charges.
struct PodSetInput<'w> {
    name: &'w str,
    count: i32,
    spec: &'w PodSpec,
    /// Resources as written in the Workload, before limits fill in missing requests.
    raw: PodResources,
}

/// The DRA amounts of each pod set and the extended-resource names they replace.
type DraResult = (Vec<PodSetDra>, Vec<BTreeSet<String>>);

/// Why the DRA passes stopped: Kueue's condition message and whether it retries.
struct Rejection {
    message: String,
    retried: bool,
}

impl<'a> Calculator<'a> {
    /// Creates a calculator for Kueue v0.19.2 with `config`'s feature gates and resource
    /// settings.
    ///
    /// The start-up checks on `featureGates` are skipped: entries the release does not know,
    /// and locked gates set to the other value, are ignored. [`Calculator::try_new`] reports
    /// them as Kueue does.
    ///
    /// `templates` are all the ResourceClaimTemplates known, in any namespace; a Workload's
    /// claims are looked up in its own namespace (`default` when it has none). Until
    /// [`Calculator::with_limit_ranges`] and [`Calculator::with_runtime_classes`] are called,
    /// no namespace has LimitRanges and RuntimeClass overhead is not charged.
    #[must_use]
    pub fn new(
        config: &'a Configuration,
        index: &'a DeviceClassIndex,
        templates: &'a [ResourceClaimTemplate],
    ) -> Self {
        let release = Release::default();
        Self {
            config,
            index,
            templates: ClaimTemplates::new(templates),
            limit_ranges: &[],
            runtime_classes: None,
            resource_slices: None,
            release,
            gates: FeatureGates::resolve_lenient(release, &config.feature_gates),
            formatter: ResourceFormatter::default(),
        }
        .with_source_formatting()
    }

    /// Creates a calculator for `release` with `config`'s feature gates and resource
    /// settings, or returns the error with which that release refuses to start on
    /// `config.featureGates`.
    ///
    /// `templates` are looked up as in [`Calculator::new`].
    pub fn try_new(
        config: &'a Configuration,
        index: &'a DeviceClassIndex,
        templates: &'a [ResourceClaimTemplate],
        release: Release,
    ) -> Result<Self, ConfigurationError> {
        let gates = FeatureGates::resolve(release, &config.feature_gates)?;
        Ok(Self {
            config,
            index,
            templates: ClaimTemplates::new(templates),
            limit_ranges: &[],
            runtime_classes: None,
            resource_slices: None,
            release,
            gates,
            formatter: ResourceFormatter::default(),
        }
        .with_source_formatting())
    }

    /// Switches the calculator to `release`, with `config`'s feature gates applied to that
    /// release's defaults.
    ///
    /// Like [`Calculator::new`], this skips the start-up checks on `featureGates`: entries
    /// the release does not know, and locked gates set to the other value, are ignored.
    /// [`Calculator::try_new`] reports them as Kueue does.
    #[must_use]
    pub fn with_release(mut self, release: Release) -> Self {
        self.release = release;
        self.gates = FeatureGates::resolve_lenient(release, &self.config.feature_gates);
        self.with_source_formatting()
    }

    /// Registers the quota resources of counter and capacity sources as byte-valued, so they
    /// print in BinarySI, as Kueue does from v0.18.4 and v0.19.0 when DRA is on.
    fn with_source_formatting(mut self) -> Self {
        self.formatter = ResourceFormatter::default();
        let rules = Rules::of(self.release);
        if !(rules.binary_source_resources && self.gates.dra_integration) {
            return self;
        }
        for mapping in self.index.mappings() {
            let has_source = if rules.all_counter_sources {
                mapping
                    .sources
                    .iter()
                    .any(|source| source.counter.is_some() || source.capacity.is_some())
            } else {
                mapping
                    .sources
                    .first()
                    .is_some_and(|source| source.counter.is_some())
            };
            if has_source {
                self.formatter.register_binary_resource(&mapping.name);
            }
        }
        self
    }

    /// Sets the cluster's ResourceSlices, which Kueue reads to check CEL requests against
    /// devices and to compute counter and capacity charges. Until this is called, those
    /// checks are skipped and those charges left out, each with a note.
    #[must_use]
    pub fn with_resource_slices(mut self, resource_slices: &'a [ResourceSlice]) -> Self {
        self.resource_slices = Some(resource_slices);
        self
    }

    /// Returns the Kueue release the calculator reproduces.
    #[must_use]
    pub fn release(&self) -> Release {
        self.release
    }

    /// Sets the LimitRanges known, in any namespace. A Workload is adjusted by those of its
    /// own namespace (`default` when it has none), as Kueue does.
    ///
    /// LimitRanges are read as the API server stores them. The calculator fills a missing
    /// `Container` `default` from `max`, then a missing `defaultRequest` from `default` and
    /// then `min`. Objects read from files therefore give the same charge as objects read
    /// from a cluster.
    #[must_use]
    pub fn with_limit_ranges(mut self, limit_ranges: &'a [LimitRange]) -> Self {
        self.limit_ranges = limit_ranges;
        self
    }

    /// Sets the RuntimeClasses known. A pod template that names a RuntimeClass and sets no
    /// `overhead` is charged the class's `overhead.podFixed` per pod, as Kueue does. A class
    /// missing from `runtime_classes` adds nothing to the charge and gets a note.
    #[must_use]
    pub fn with_runtime_classes(mut self, runtime_classes: &'a [RuntimeClass]) -> Self {
        self.runtime_classes = Some(runtime_classes);
        self
    }

    /// Returns the feature gates the calculator applies.
    #[must_use]
    pub fn feature_gates(&self) -> FeatureGates {
        self.gates
    }

    /// Explains what Kueue charges for `workload`.
    ///
    /// A Workload with `status.admission` reports the usage recorded there, scaled down to
    /// the pods left after `status.reclaimablePods`. Any other is computed as Kueue would
    /// compute it, with reclaimable pods left out of each count, or reported `Inadmissible`
    /// with Kueue's exact condition message. Quantities that do not parse are left out and
    /// named in `notes`.
    ///
    /// A Workload with `status.admission` but no quota reservation is pending to Kueue. It is
    /// checked as any pending Workload, and when Kueue would reject it, the rejection is
    /// reported, because Kueue then clears `status.admission`. Otherwise it reports the
    /// admitted usage with status `Charged`.
    ///
    /// Inadmissible comes from one of two places in Kueue. DRA processing rejects the
    /// Workload before it is queued, and then no pod set carries a charge. Otherwise the
    /// scheduler rejects a queued Workload whose requests exceed their limits or fall
    /// outside a LimitRange's `min` and `max`. Then the pod sets carry the requests Kueue
    /// computed, because it also writes them to `status.resourceRequests`. That verdict
    /// assumes the ClusterQueue exists, is active and selects the Workload's namespace,
    /// which Kueue checks first.
    #[must_use]
    pub fn explain(&self, workload: &Workload) -> Explanation {
        let mut notes = Vec::new();
        let Some((admission, reserved)) = admission(workload, &mut notes) else {
            return self.explain_pending(workload, notes);
        };
        if reserved {
            return self.explain_admitted(workload, admission, true, notes);
        }

        // Every rejection of a pending Workload goes through Kueue's
        // `UnsetQuotaReservationWithCondition`, which clears `status.admission`.
        let pending = self.explain_pending(workload, notes);
        if pending.status == Status::Inadmissible {
            return pending;
        }
        self.explain_admitted(workload, admission, false, pending.notes)
    }

    /// Explains a Workload Kueue takes as pending: its charge computed from the pod sets, or
    /// the condition with which Kueue rejects it.
    fn explain_pending(&self, workload: &Workload, mut notes: Vec<String>) -> Explanation {
        let rules = Rules::of(self.release);
        let pod_sets: Vec<PodSetInput<'_>> = workload
            .spec
            .pod_sets
            .iter()
            .map(|pod_set| PodSetInput {
                name: &pod_set.name,
                count: self.count_after_reclaim(workload, &pod_set.name, &rules),
                spec: pod_set.template.spec.as_ref().unwrap_or(&EMPTY_POD_SPEC),
                raw: PodResources::parse(
                    pod_set.template.spec.as_ref().unwrap_or(&EMPTY_POD_SPEC),
                    &pod_set.name,
                    &mut notes,
                ),
            })
            .collect();

        let has_claim = pod_sets
            .iter()
            .any(|pod_set| claims(pod_set.spec).any(|claim| claim.resource_claim_name.is_some()));
        let has_template = pod_sets.iter().any(|pod_set| {
            claims(pod_set.spec).any(|claim| claim.resource_claim_template_name.is_some())
        });
        let has_dra = has_claim || has_template;

        if !self.gates.dra_integration && self.gates.reject_when_dra_disabled && has_dra {
            let rejection = Rejection {
                message: DRA_DISABLED_MESSAGE.to_owned(),
                retried: false,
            };
            return self.inadmissible(&pod_sets, &rejection, notes);
        }

        let namespace = workload.metadata.namespace.as_deref().unwrap_or("default");
        let context = DraContext {
            index: self.index,
            gates: self.gates,
            formatter: &self.formatter,
            templates: &self.templates,
            namespace,
            workload_name: workload.metadata.name.as_deref().unwrap_or_default(),
            rules,
            slices: self.resource_slices,
        };
        let on_hold = rules.on_hold && on_hold(workload);

        // Kueue decides on DRA processing from the spec as written, before limits are copied
        // into missing requests.
        let raw_pods: Vec<&PodResources> = pod_sets.iter().map(|pod_set| &pod_set.raw).collect();
        let needs_dra = self.gates.dra_integration
            && !on_hold
            && (has_dra
                || (self.gates.extended_resource
                    && requests_backed_extended_resource(&raw_pods, &context)));
        if on_hold {
            notes.push("The Workload is on hold (QuotaReserved is False with reason OnHold), so Kueue does not queue it.".to_owned());
        }

        // Kueue adjusts every pending Workload before it computes requests, on every path
        // that queues it, whether or not DRA processing runs.
        let namespace_ranges = self
            .limit_ranges
            .iter()
            .filter(|range| range.metadata.namespace.as_deref().unwrap_or("default") == namespace);
        let limit_ranges = LimitRangeSummary::summarize(namespace_ranges, &mut notes);
        let adjusted: Vec<PodResources> = pod_sets
            .iter()
            .map(|pod_set| {
                adjust_resources(
                    &pod_set.raw,
                    pod_set.spec,
                    pod_set.name,
                    self.runtime_classes,
                    &limit_ranges,
                    &mut notes,
                )
            })
            .collect();

        let mut dra: Option<DraResult> = None;
        if needs_dra {
            match self.resolve_dra(&pod_sets, &adjusted, has_claim, &context, &mut notes) {
                Ok(resolved) => dra = Some(resolved),
                Err(rejection) => return self.inadmissible(&pod_sets, &rejection, notes),
            }
        }

        let charges = self.pending_charges(&pod_sets, &adjusted, dra.as_ref(), &mut notes);
        deduplicate(&mut notes);

        // The scheduler checks only the Workloads it takes from a queue.
        // NOTE: with UnadmittedWorkloadsObservability on, Kueue's workload controller repeats
        // these checks on the Workload as written, without LimitRange defaults or limits
        // copied into requests unless DRA processing ran, so its condition can differ from
        // the scheduler's and the two can alternate. This reproduces the scheduler's.
        let rejection = admissibility_message(&adjusted, &limit_ranges);
        if let Some(message) = rejection.filter(|_| self.queueable(workload)) {
            return Explanation {
                status: Status::Inadmissible,
                reason: self.gates.resource_validation_reason().to_owned(),
                message: truncate_condition_message(&message),
                retried: false,
                notes,
                pod_sets: charges,
            };
        }

        Explanation {
            status: Status::Charged,
            reason: String::new(),
            message: String::new(),
            retried: false,
            notes,
            pod_sets: charges,
        }
    }

    /// Computes each pod set's charge as Kueue's `totalRequestsFromPodSets`: `PodRequests`,
    /// exclusions, transformations, then the DRA amounts in place of the replaced extended
    /// resources.
    fn pending_charges(
        &self,
        pod_sets: &[PodSetInput<'_>],
        adjusted: &[PodResources],
        dra: Option<&DraResult>,
        notes: &mut Vec<String>,
    ) -> Vec<PodSetCharge> {
        let resources = self.config.resources.clone().unwrap_or_default();
        let mut charges = Vec::with_capacity(pod_sets.len());
        for (position, (pod_set, pod)) in pod_sets.iter().zip(adjusted).enumerate() {
            let mut requests = pod.pod_requests();
            drop_excluded(&mut requests, &resources.exclude_resource_prefixes);
            let mut requests = apply_transformations(&requests, &resources.transformations, notes);

            let rules = Rules::of(self.release);
            let mut dra_charges = Vec::new();
            let mut dra_amounts = None;
            if let Some((pod_set_dra, replaced)) = dra {
                for name in &replaced[position] {
                    requests.remove(name);
                }
                let this = &pod_set_dra[position];
                dra_charges.clone_from(&this.charges);
                dra_amounts = Some(&this.resources);
            }

            // DRA amounts add to an ordinary request of the same name: as quantities from
            // v0.18.5 and v0.19.1, as wrapping int64 values before.
            let values: BTreeMap<String, i64> = if rules.quantity_totals {
                if let Some(amounts) = dra_amounts {
                    add_list(&mut requests, amounts);
                }
                requests
                    .iter()
                    .map(|(resource, quantity)| {
                        (resource.clone(), resource_value(resource, quantity).max(0))
                    })
                    .collect()
            } else {
                let mut values: BTreeMap<String, i64> = requests
                    .iter()
                    .map(|(resource, quantity)| {
                        (
                            resource.clone(),
                            value_of(rules.value_clamp, resource, quantity),
                        )
                    })
                    .collect();
                for (resource, quantity) in dra_amounts.into_iter().flatten() {
                    let value = values.entry(resource.clone()).or_insert(0);
                    *value = value.wrapping_add(value_of(rules.value_clamp, resource, quantity));
                }
                values
            };

            charges.push(self.charge(pod_set.name, pod_set.count, &values, dra_charges, &rules));
        }
        charges
    }

    /// Runs Kueue's DRA passes on a pending Workload that needs them: the direct-claim
    /// rejection, the template path, then the extended-resource path.
    fn resolve_dra(
        &self,
        pod_sets: &[PodSetInput<'_>],
        adjusted: &[PodResources],
        has_claim: bool,
        context: &DraContext<'_>,
        notes: &mut Vec<String>,
    ) -> Result<DraResult, Rejection> {
        if has_claim {
            return Err(Rejection {
                message: format!(
                    "{} feature does not support use of resource claims",
                    context.rules.resource_claim_gate
                ),
                retried: false,
            });
        }

        let specs: Vec<(&str, &PodSpec)> = pod_sets
            .iter()
            .map(|pod_set| (pod_set.name, pod_set.spec))
            .collect();
        let mut per_pod_set = resolve_claim_templates(&specs, context, notes)
            .map_err(|error| rejection_from(error, &context.rules, notes))?;
        let mut replaced = vec![BTreeSet::new(); pod_sets.len()];

        if self.gates.extended_resource {
            let pods: Vec<&PodResources> = adjusted.iter().collect();
            let extended = resolve_extended_resources(&pods, context).map_err(|errors| {
                rejection_from(DraError::Fields(errors), &context.rules, notes)
            })?;
            for ((pod_set, names), extended) in per_pod_set
                .iter_mut()
                .zip(replaced.iter_mut())
                .zip(extended)
            {
                add_list(&mut pod_set.resources, &extended.dra.resources);
                pod_set.charges.extend(extended.dra.charges);
                *names = extended.replaced;
            }
        }

        // Counter and capacity charges need the ResourceSlices. Without them, the template
        // pass has noted each class whose charge is missing.
        let passes = [
            (SourceKind::Counter, self.gates.partitionable_devices),
            (SourceKind::Capacity, self.gates.consumable_capacity),
        ];
        for (kind, enabled) in passes {
            if !enabled || context.slices.is_none() {
                continue;
            }
            let charged = charge_sources(&specs, context, kind, notes).map_err(|errors| {
                rejection_from(DraError::Fields(errors), &context.rules, notes)
            })?;
            for (pod_set, charged) in per_pod_set.iter_mut().zip(charged) {
                add_list(&mut pod_set.resources, &charged.resources);
                pod_set.charges.extend(charged.charges);
            }
        }
        Ok((per_pod_set, replaced))
    }

    /// Builds one pod set's charge from its per-pod int64 values, as Kueue's
    /// `totalRequestsFromPodSets`: times the count, saturating from v0.18.0 and wrapping
    /// before.
    fn charge(
        &self,
        name: &str,
        count: i32,
        values: &BTreeMap<String, i64>,
        charges: Vec<crate::Charge>,
        rules: &Rules,
    ) -> PodSetCharge {
        let mut per_pod = BTreeMap::new();
        let mut total = BTreeMap::new();
        for (resource, &value) in values {
            let pods = i64::from(count);
            let pod_set_value = if rules.saturating_multiply {
                value.saturating_mul(pods)
            } else {
                value.wrapping_mul(pods)
            };
            per_pod.insert(resource.clone(), self.formatter.format(resource, value));
            total.insert(
                resource.clone(),
                self.formatter.format(resource, pod_set_value),
            );
        }
        PodSetCharge {
            name: name.to_owned(),
            count,
            per_pod,
            total,
            charges,
        }
    }

    /// Returns the count of pod set `name` after its `status.reclaimablePods` entry is
    /// subtracted, as Kueue's `podSetsCountsAfterReclaim`: capped so the count stays at zero
    /// or more from v0.17.7 and v0.18.3, uncapped before.
    fn count_after_reclaim(&self, workload: &Workload, name: &str, rules: &Rules) -> i32 {
        // A repeated pod set name counts as the last pod set of that name, as Kueue's map.
        let count = workload
            .spec
            .pod_sets
            .iter()
            .rev()
            .find(|pod_set| pod_set.name == name)
            .map_or(0, |pod_set| pod_set.count);
        if !self.gates.reclaimable_pods {
            return count;
        }
        let Some(reclaimable) = workload.status.as_ref().and_then(|status| {
            status
                .reclaimable_pods
                .iter()
                .rev()
                .find(|pod| pod.name == name)
        }) else {
            return count;
        };
        let subtracted = if rules.cap_reclaimable {
            reclaimable.count.min(count)
        } else {
            reclaimable.count
        };
        // Go's int32 subtraction wraps.
        count.wrapping_sub(subtracted)
    }

    /// Returns whether Kueue's `IsAdmissible` lets a pending Workload into a queue: it is
    /// active, not finished, not on hold, not gated by an annotation, has no quota
    /// reservation and waits for no replacement pods.
    fn queueable(&self, workload: &Workload) -> bool {
        let conditions = workload
            .status
            .as_ref()
            .map_or(&[][..], |status| status.conditions.as_slice());
        let gated = self.gates.admission_gated_by
            && workload
                .metadata
                .annotations
                .as_ref()
                .and_then(|annotations| annotations.get("kueue.x-k8s.io/admission-gated-by"))
                .is_some_and(|gated_by| !gated_by.is_empty());

        workload.spec.active != Some(false)
            && !gated
            && !on_hold(workload)
            && !condition_is_true(conditions, "Finished")
            && !condition_is_true(conditions, "QuotaReserved")
            && !condition_is_true(conditions, "WaitingForReplacementPods")
    }

    fn inadmissible(
        &self,
        pod_sets: &[PodSetInput<'_>],
        rejection: &Rejection,
        notes: Vec<String>,
    ) -> Explanation {
        let mut notes = notes;
        deduplicate(&mut notes);
        Explanation {
            status: Status::Inadmissible,
            reason: self.gates.inadmissible_reason().to_owned(),
            message: truncate_condition_message(&rejection.message),
            retried: rejection.retried,
            notes,
            pod_sets: pod_sets
                .iter()
                .map(|pod_set| PodSetCharge {
                    name: pod_set.name.to_owned(),
                    count: pod_set.count,
                    per_pod: BTreeMap::new(),
                    total: BTreeMap::new(),
                    charges: Vec::new(),
                })
                .collect(),
        }
    }

    /// Reports the usage recorded at admission, as Kueue's `totalRequestsFromAdmission`:
    /// `Admitted` when the Workload has a quota reservation, `Charged` when it does not.
    fn explain_admitted(
        &self,
        workload: &Workload,
        admission: &Admission,
        reserved: bool,
        mut notes: Vec<String>,
    ) -> Explanation {
        let rules = Rules::of(self.release);
        let mut pod_sets = Vec::new();
        for assignment in &admission.pod_set_assignments {
            let spec_count = workload
                .spec
                .pod_sets
                .iter()
                .find(|pod_set| pod_set.name == assignment.name)
                .map_or(0, |pod_set| pod_set.count);
            let admitted_count = assignment.count.unwrap_or(spec_count);
            let after_reclaim = self.count_after_reclaim(workload, &assignment.name, &rules);
            // Reclaimed pods scale the admitted usage down: divided by the admitted count,
            // then multiplied by the count after reclaim.
            let scaled = after_reclaim < admitted_count;
            let count = if scaled {
                after_reclaim
            } else {
                admitted_count
            };

            let place = format!(
                "the admitted resource usage of pod set `{}`",
                assignment.name
            );
            let usage = parse_list(&assignment.resource_usage, &place, &mut notes);
            let mut per_pod = BTreeMap::new();
            let mut total = BTreeMap::new();
            for (resource, quantity) in &usage {
                let mut value = resource_value(resource, quantity);
                if scaled {
                    value = scale_usage(value, admitted_count, after_reclaim, &rules);
                }
                total.insert(resource.clone(), self.formatter.format(resource, value));
                if count != 0 {
                    per_pod.insert(
                        resource.clone(),
                        self.formatter
                            .format(resource, value.wrapping_div(i64::from(count))),
                    );
                }
            }
            if count == 0 && !usage.is_empty() {
                notes.push(format!(
                    "Pod set `{}` was admitted with count 0, so no per-pod charge can be derived from its usage.",
                    assignment.name
                ));
            }
            pod_sets.push(PodSetCharge {
                name: assignment.name.clone(),
                count,
                per_pod,
                total,
                charges: Vec::new(),
            });
        }

        Explanation {
            status: if reserved {
                Status::Admitted
            } else {
                Status::Charged
            },
            reason: String::new(),
            message: String::new(),
            retried: false,
            notes,
            pod_sets,
        }
    }
}

/// Returns the int64 Kueue charges for `quantity` of `resource` under `clamp`: milli-units
/// for `cpu`, whole units for the rest.
fn value_of(clamp: ValueClamp, resource: &str, quantity: &crate::Quantity) -> i64 {
    match (clamp, resource == "cpu") {
        (ValueClamp::All, _) => resource_value(resource, quantity),
        (ValueClamp::CpuOnly, true) => quantity.safe_milli_value(),
        (ValueClamp::None, true) => quantity.milli_value(),
        (ValueClamp::CpuOnly | ValueClamp::None, false) => quantity.value(),
    }
}

/// Scales an admitted usage `value` from `admitted` pods to `after_reclaim` pods, as Kueue's
/// `Requests.Divide` then `Requests.Mul`: integer division truncating toward zero, then a
/// product that saturates from v0.18.0 and wraps before.
fn scale_usage(value: i64, admitted: i32, after_reclaim: i32, rules: &Rules) -> i64 {
    // Go's int64 division wraps the int64 minimum divided by -1 to itself, and Kueue skips
    // a zero value divided by zero. A non-zero value divided by zero panics in Kueue; this
    // keeps the value.
    let per_pod = value.checked_div(i64::from(admitted)).unwrap_or(value);
    if rules.saturating_multiply {
        per_pod.saturating_mul(i64::from(after_reclaim))
    } else {
        per_pod.wrapping_mul(i64::from(after_reclaim))
    }
}

/// Removes repeated notes, keeping the first of each; pod sets that share a template
/// produce the same note.
fn deduplicate(notes: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    notes.retain(|note| seen.insert(note.clone()));
}

static EMPTY_POD_SPEC: std::sync::LazyLock<PodSpec> = std::sync::LazyLock::new(PodSpec::default);

fn claims(spec: &PodSpec) -> impl Iterator<Item = &k8s_openapi::api::core::v1::PodResourceClaim> {
    spec.resource_claims.iter().flatten()
}

/// Builds the rejection for a DRA error: the condition message, and whether Kueue retries,
/// which before v0.17.5 (and in v0.18.0) it does for every error.
fn rejection_from(error: DraError, rules: &Rules, notes: &mut Vec<String>) -> Rejection {
    match error {
        DraError::Fields(errors) => Rejection {
            message: aggregate_message(&errors),
            retried: !rules.retry_only_internal || has_internal_error(&errors),
        },
        DraError::Plain(message) => Rejection {
            message,
            retried: true,
        },
        DraError::Panic(request) => {
            notes.push(format!(
                "Device request {request} sets neither `exactly` nor `firstAvailable`; this Kueue release dereferences the missing `exactly` and its reconciler panics, so the Workload gets no condition and is retried."
            ));
            Rejection {
                message: String::new(),
                retried: true,
            }
        }
    }
}

/// Returns `status.admission` and whether the Workload has a quota reservation.
///
/// Every release takes a Workload's requests from `status.admission` whenever it is set,
/// with or without a reservation (`pkg/workload/workload.go`: `NewInfo` before v0.18.5 and
/// v0.19.0, `rebuildTotalRequests` from them).
fn admission<'w>(workload: &'w Workload, notes: &mut Vec<String>) -> Option<(&'w Admission, bool)> {
    let admission = workload.status.as_ref()?.admission.as_ref()?;
    let reserved = has_quota_reservation(workload);
    if !reserved {
        notes.push(
            "status.admission is set but neither QuotaReserved nor Admitted is True, so Kueue takes the Workload as pending. It charges the usage in status.admission unless it rejects the Workload, which clears status.admission.".to_owned(),
        );
    }
    Some((admission, reserved))
}

/// Returns whether Kueue's `workload.Status` reports a quota reservation: the
/// `QuotaReserved` or `Admitted` condition is True.
pub(crate) fn has_quota_reservation(workload: &Workload) -> bool {
    workload.status.as_ref().is_some_and(|status| {
        condition_is_true(&status.conditions, "QuotaReserved")
            || condition_is_true(&status.conditions, "Admitted")
    })
}

fn condition_is_true(conditions: &[Condition], condition_type: &str) -> bool {
    conditions
        .iter()
        .any(|condition| condition.type_ == condition_type && condition.status == "True")
}

/// Kueue's `IsOnHold`: QuotaReserved is False with reason `OnHold`.
fn on_hold(workload: &Workload) -> bool {
    workload.status.as_ref().is_some_and(|status| {
        status.conditions.iter().any(|condition| {
            condition.type_ == "QuotaReserved"
                && condition.status == "False"
                && condition.reason == "OnHold"
        })
    })
}

/// Cuts `message` to Kueue's condition limit: above 32768 bytes, the first 32764 bytes and
/// ` ...`.
// NOTE: Kueue cuts at a byte offset even inside a UTF-8 sequence. This cuts at the char
// boundary before it, so such a message can be up to three bytes shorter than Kueue's.
fn truncate_condition_message(message: &str) -> String {
    if message.len() <= MAX_CONDITION_MESSAGE_BYTES {
        return message.to_owned();
    }
    let suffix = " ...";
    let mut cut = MAX_CONDITION_MESSAGE_BYTES - suffix.len();
    while !message.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{suffix}", &message[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_message_is_truncated() {
        let message = "x".repeat(40_000);

        let truncated = truncate_condition_message(&message);

        assert_eq!(truncated.len(), 32_768);
        assert!(truncated.ends_with("x ..."));
    }

    #[test]
    fn short_message_is_kept() {
        assert_eq!(truncate_condition_message("short"), "short");
    }
}
