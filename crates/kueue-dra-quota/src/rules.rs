//! The DRA accounting rules that differ between Kueue releases, each with the file and the
//! tags where Kueue's code changed it.

use crate::release::Release;

/// The treatment of a device request with `adminAccess: true`
/// (`pkg/dra/claims.go`, `countDevicesPerClass`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AdminAccess {
    /// v0.14: no check, the request is counted like any other.
    Count,
    /// v0.15.0 to v0.19.2: rejected with `AdminAccess is not supported`.
    Reject,
    /// main: skipped, so it charges nothing.
    Skip,
}

/// The rule that picks the DeviceClass backing an extended resource that several classes declare
/// (`pkg/dra/extended_resources.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClassChoice {
    /// Before v0.18.5 and v0.19.1: the first class in the list that has a mapping.
    FirstMapped,
    /// From v0.18.5 and v0.19.1: the latest `creationTimestamp`, then the smallest name.
    LatestCreated,
}

/// The conversion of a quantity into the int64 Kueue charges (`pkg/resources`, `ResourceValue`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueClamp {
    /// Up to v0.17: `MilliValue` and `Value`, which wrap beyond int64.
    None,
    /// v0.18.0 to v0.18.4 and v0.19.0: `SafeMilliValue` for `cpu`, `Value` for the rest.
    CpuOnly,
    /// From v0.18.5 and v0.19.1: both clamp to the int64 range.
    All,
}

/// The field path at which the counter and capacity passes report a DeviceClass that is
/// missing or whose CEL does not compile (`pkg/dra/counters.go`, `resolveAndCompileDeviceClass`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SourceClassPath {
    /// v0.18.0 to v0.18.4 and v0.19.0: under the request's path, at request index 0
    /// (`...devices.requests[k].devices.requests[0]`).
    NestedFirstRequest,
    /// From v0.18.5 and v0.19.1: at the request (`...devices.requests[k]`).
    Request,
}

/// The rules of one release. Each field names the Kueue code behind it.
#[derive(Debug, Clone, Copy)]
// Each field is one rule that a release either has or lacks.
#[allow(clippy::struct_excessive_bools)]
pub(crate) struct Rules {
    /// v0.14: `GetResourceRequestsForResourceClaimTemplates` returns plain Go errors and
    /// counts every request without checks.
    pub plain_errors: bool,
    /// v0.15.0 to v0.18.1: `devices.constraints` and `devices.config` are rejected.
    pub reject_constraints_and_config: bool,
    /// From v0.18.4 and v0.19.0: a request with neither `firstAvailable` nor `exactly` is
    /// rejected. From v0.15.0 until then Kueue dereferences the missing `exactly`.
    pub reject_missing_exactly: bool,
    /// v0.15.0 to v0.17.8: any selector is rejected with `CEL selectors are not supported`.
    pub reject_selectors: bool,
    /// The treatment of `adminAccess: true`.
    pub admin_access: AdminAccess,
    /// From v0.18.3 and v0.19.0: device counts per class saturate at the int64 maximum;
    /// before, they wrap.
    pub saturating_device_counts: bool,
    /// The gate named in the message for a `resourceClaimName`:
    /// `DynamicResourceAllocation` before v0.18.0, `KueueDRAIntegration` after.
    pub resource_claim_gate: &'static str,
    /// From v0.17.5 and v0.18.1: only internal errors are retried; before (and in v0.18.0)
    /// every DRA error is returned to controller-runtime and retried with backoff.
    pub retry_only_internal: bool,
    /// From v0.17.7 and v0.18.3: a Workload on hold is not DRA-processed, and Kueue has the
    /// notion of a hold at all.
    pub on_hold: bool,
    /// v0.17: any non-zero extended resource in a container's requests triggers DRA
    /// processing; later only names that a DeviceClass declares.
    pub trigger_on_any_extended_resource: bool,
    /// The rule that picks the DeviceClass backing an extended resource.
    pub class_choice: ClassChoice,
    /// Whether extended resources are aggregated per original name with negative requests
    /// dropped, as from v0.18.6 and v0.19.2. Earlier releases aggregate per container and by
    /// quota key, negative requests included.
    pub extended_per_name: bool,
    /// Whether DRA amounts are added as quantities and every per-pod value is floored at zero,
    /// as from v0.18.5 and v0.19.1 (`pkg/workload/workload.go`, `totalRequestsFromPodSets`).
    /// Earlier releases add int64 values that wrap, with no floor.
    pub quantity_totals: bool,
    /// From v0.18.0: the per-pod values times the pod count saturate; before, they wrap.
    pub saturating_multiply: bool,
    /// The conversion of quantities into int64 values.
    pub value_clamp: ValueClamp,
    /// From v0.17.7 and v0.18.3 (`pkg/workload/workload.go`, `podSetsCountsAfterReclaim`):
    /// a pod set's reclaimable count is capped at its count; before, the count after reclaim
    /// can go negative.
    pub cap_reclaimable: bool,
    /// From v0.18.0 (`pkg/dra/claims.go`): a request's CEL selectors are compiled while
    /// devices are counted, and the ResourceSlices are searched for devices that satisfy them.
    pub cel_device_check: bool,
    /// From v0.18.1: a shortage of matching devices is an internal error, retried; in v0.18.0
    /// it is an invalid value.
    pub shortage_internal: bool,
    /// From v0.19.0 (`validateCELSelectorsAgainstDevices`): when every CEL request's class has
    /// counter or capacity sources, only the slices of those sources' drivers are searched.
    /// Before, every ResourceSlice is.
    pub universe_by_driver: bool,
    /// From v0.19.0 (`pkg/dra/mapper.go`): a class has every counter source of every mapping
    /// that lists it. Before, only a mapping's `sources[0]` counter counts.
    pub all_counter_sources: bool,
    /// v0.18 (`computeCounterCharges`): only the first `consumesCounters` entry that names
    /// the counter is read on each device; later, all of them.
    pub first_counter_consumption: bool,
    /// From v0.18.3 and v0.19.0 (`safeChargeValue`): a counter or capacity value is clamped to
    /// the int64 range, a negative one to zero, and the product with the count saturates.
    /// Before, `Value()` times the count wraps, and a count of one keeps the quantity itself.
    pub safe_charge_value: bool,
    /// v0.18: a counter source's `deviceSelector` is compiled before the class and request
    /// selectors; later, after them.
    pub source_selector_first: bool,
    /// The field path of a class error in the counter and capacity passes.
    pub source_class_path: SourceClassPath,
    /// From v0.18.4 and v0.19.0 (`cmd/kueue/main.go`): counter and capacity quota resources
    /// are formatted in BinarySI.
    pub binary_source_resources: bool,
}

impl Rules {
    /// Returns the rules of `release`.
    pub(crate) fn of(release: Release) -> Self {
        let minor = release.minor();
        let is_minor = |line: u32| minor == Some(line);
        let before = |line: u32| minor.is_some_and(|minor| minor < line);

        let admin_access = if is_minor(14) {
            AdminAccess::Count
        } else if release == Release::Main {
            AdminAccess::Skip
        } else {
            AdminAccess::Reject
        };
        let value_clamp = if before(18) {
            ValueClamp::None
        } else if release.since(&[(18, 5), (19, 1)]) {
            ValueClamp::All
        } else {
            ValueClamp::CpuOnly
        };
        Self {
            plain_errors: is_minor(14),
            reject_constraints_and_config: !is_minor(14) && !release.since(&[(18, 2)]),
            reject_missing_exactly: release.since(&[(18, 4), (19, 0)]),
            reject_selectors: !is_minor(14) && before(18),
            admin_access,
            saturating_device_counts: release.since(&[(18, 3), (19, 0)]),
            resource_claim_gate: if before(18) {
                "DynamicResourceAllocation"
            } else {
                "KueueDRAIntegration"
            },
            retry_only_internal: release.since(&[(17, 5), (18, 1)]),
            on_hold: release.since(&[(17, 7), (18, 3)]),
            trigger_on_any_extended_resource: is_minor(17),
            class_choice: if release.since(&[(18, 5), (19, 1)]) {
                ClassChoice::LatestCreated
            } else {
                ClassChoice::FirstMapped
            },
            extended_per_name: release.since(&[(18, 6), (19, 2)]),
            quantity_totals: release.since(&[(18, 5), (19, 1)]),
            saturating_multiply: !before(18),
            value_clamp,
            cap_reclaimable: release.since(&[(17, 7), (18, 3)]),
            cel_device_check: !is_minor(14) && !before(18),
            shortage_internal: release.since(&[(18, 1)]),
            universe_by_driver: release.since(&[(19, 0)]),
            all_counter_sources: release.since(&[(19, 0)]),
            first_counter_consumption: is_minor(18),
            safe_charge_value: release.since(&[(18, 3), (19, 0)]),
            source_selector_first: is_minor(18),
            source_class_path: if release.since(&[(18, 5), (19, 1)]) {
                SourceClassPath::Request
            } else {
                SourceClassPath::NestedFirstRequest
            },
            binary_source_resources: release.since(&[(18, 4), (19, 0)]),
        }
    }
}

/// The text Kueue writes when a request exceeds a flavor's maximum capacity
/// (`pkg/scheduler/flavorassigner/flavorassigner.go`, `fitsResourceQuota`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CapacityMessage {
    /// v0.14.0 and v0.14.1: `request > maximum capacity (<total> > <maximum>)`.
    RequestOverMaximum,
    /// From v0.14.2: `previously considered podsets requests (<earlier>) + current podset
    /// request (<request>) > maximum capacity (<maximum>)`.
    PreviouslyConsidered,
}

/// The label keys on which the flavor assigner keeps the pod's `nodeSelector` entries and
/// required node-affinity expressions before matching them with a flavor's labels
/// (`pkg/scheduler/flavorassigner/flavorassigner.go`, `flavorSelector`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeLabelKeys {
    /// Before v0.17.6, v0.18.2 and v0.19.0: the keys of every flavor in the resource group
    /// (`resourceGroup.LabelKeys`), so a flavor without a key still fails a selector on it.
    Group,
    /// From v0.17.6, v0.18.2 and v0.19.0: the keys of the flavor being tried.
    Flavor,
}

/// The scheduler rules behind the ClusterQueue verdict that differ between releases.
#[derive(Debug, Clone, Copy)]
// Each field is one rule that a release either has or lacks.
#[allow(clippy::struct_excessive_bools)]
pub(crate) struct SchedulerRules {
    /// The text of the maximum-capacity reason.
    pub capacity_message: CapacityMessage,
    /// From v0.16.0: a zero request for a resource the ClusterQueue does not cover is
    /// skipped; before, it is reported as unavailable.
    pub skip_zero_uncovered: bool,
    /// From v0.18.0: quotas are `resources.Amount` values, and an unlimited amount prints as
    /// `<unlimited>` in messages.
    pub unlimited_amounts: bool,
    /// From v0.18.5 and v0.19.1: the flavor assigner walks a pod set's requests through
    /// `requests.Iter()`, which follows the FNV-1a hash order while
    /// `VectorizedResourceRequests` is on. Before, it ranges over a Go map.
    pub hash_ordered_requests: bool,
    /// The label keys on which a flavor's node-affinity check compares the pod.
    pub node_label_keys: NodeLabelKeys,
    /// From v0.16.0: the flavor assigner calls `FindMatchingUntoleratedTaint` with
    /// comparison operators enabled, so `Gt` and `Lt` tolerations compare the values as
    /// integers. Before, such a toleration tolerates nothing.
    pub numeric_tolerations: bool,
    /// From v0.15.0: `isPreferred` reads the ClusterQueue's `flavorFungibility.preference`,
    /// which v0.14 does not have.
    pub fungibility_preference: bool,
    /// The message for a namespace outside the ClusterQueue's `namespaceSelector`: capitalised
    /// in the scheduler before v0.18.5 and v0.19.0, then `workload.ErrNamespaceMismatch`.
    pub namespace_mismatch: &'static str,
}

impl SchedulerRules {
    /// Returns the scheduler rules of `release`.
    pub(crate) fn of(release: Release) -> Self {
        Self {
            capacity_message: if release.since(&[(14, 2)]) {
                CapacityMessage::PreviouslyConsidered
            } else {
                CapacityMessage::RequestOverMaximum
            },
            skip_zero_uncovered: release.since(&[(16, 0)]),
            unlimited_amounts: release.since(&[(18, 0)]),
            hash_ordered_requests: release.since(&[(18, 5), (19, 1)]),
            numeric_tolerations: release.since(&[(16, 0)]),
            fungibility_preference: release.since(&[(15, 0)]),
            node_label_keys: if release.since(&[(17, 6), (18, 2), (19, 0)]) {
                NodeLabelKeys::Flavor
            } else {
                NodeLabelKeys::Group
            },
            namespace_mismatch: if release.since(&[(18, 5), (19, 0)]) {
                "workload namespace doesn't match ClusterQueue selector"
            } else {
                "Workload namespace doesn't match ClusterQueue selector"
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v0_14_counts_without_checks() {
        let rules = Rules::of(Release::Tagged {
            minor: 14,
            patch: 0,
        });

        assert!(rules.plain_errors);
        assert_eq!(rules.admin_access, AdminAccess::Count);
        assert!(!rules.reject_constraints_and_config);
    }

    #[test]
    fn v0_15_rejects_constraints() {
        let rules = Rules::of(Release::Tagged {
            minor: 15,
            patch: 0,
        });

        assert!(rules.reject_constraints_and_config);
        assert!(rules.reject_selectors);
    }
}
