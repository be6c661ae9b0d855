//! The ResourceClaimTemplate path: device requests counted per DeviceClass and charged under
//! the class's `deviceClassMappings` name, as each release's `pkg/dra/claims.go`.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::api::resource::v1::{ResourceClaimSpec, ResourceClaimTemplate, ResourceSlice};
use kueue_dra_index::DeviceClassIndex;

use crate::device_check::check_claim_devices;
use crate::devices::compile_selectors;
use crate::explanation::{Charge, ChargePath};
use crate::field::{BadValue, FieldError, aggregate_message};
use crate::gates::FeatureGates;
use crate::quantity::{Format, Quantity, ResourceFormatter};
use crate::requests::{ResourceList, add_list};
use crate::rules::{AdminAccess, Rules};
use crate::sources::{SourceKind, has_sources};

/// The objects and settings the DRA passes read besides the Workload.
pub(crate) struct DraContext<'a> {
    pub index: &'a DeviceClassIndex,
    pub gates: FeatureGates,
    pub formatter: &'a ResourceFormatter,
    pub templates: &'a ClaimTemplates<'a>,
    pub namespace: &'a str,
    pub workload_name: &'a str,
    pub rules: Rules,
    /// The cluster's ResourceSlices, or `None` when the input contains none. The checks and
    /// charges that read them are then reported as not computed.
    pub slices: Option<&'a [ResourceSlice]>,
}

/// The reason a DRA pass rejected a Workload.
#[derive(Debug)]
pub(crate) enum DraError {
    /// Field errors, aggregated into the condition message (v0.15.0 and later).
    Fields(Vec<FieldError>),
    /// A plain Go error message, always retried (v0.14).
    Plain(String),
    /// Kueue dereferences a missing `exactly` and its reconciler panics; the message names
    /// the request.
    Panic(String),
}

/// The DRA charge of one pod set: per-pod amounts by quota resource and the charges
/// behind them.
#[derive(Debug, Clone, Default)]
pub(crate) struct PodSetDra {
    pub resources: ResourceList,
    pub charges: Vec<Charge>,
}

/// A claim's device counts per DeviceClass, in Kueue's order, and each request's count.
type ClaimCounts = (Vec<(String, i64)>, Vec<RequestCount>);

/// One device request's contribution, kept to report it as a charge.
struct RequestCount {
    request: String,
    class: String,
    count: i64,
    /// Whether Kueue skips the request, as it does an adminAccess request on main.
    skipped: bool,
}

/// Counts the devices of every ResourceClaimTemplate the pod sets reference and maps them to
/// quota resources, as Kueue's `GetResourceRequestsForResourceClaimTemplates`.
///
/// The first error ends the pass, as in Kueue. Pod-level `resourceClaimName` entries are
/// skipped here because the caller rejects them first.
// Each release's checks sit in the order Kueue runs them, which one function shows best.
#[allow(clippy::too_many_lines)]
pub(crate) fn resolve_claim_templates(
    pod_sets: &[(&str, &PodSpec)],
    context: &DraContext<'_>,
    notes: &mut Vec<String>,
) -> Result<Vec<PodSetDra>, DraError> {
    let mut result = Vec::with_capacity(pod_sets.len());
    for (pod_set_index, (pod_set_name, spec)) in pod_sets.iter().enumerate() {
        let mut pod_set = PodSetDra::default();
        for (claim_index, claim) in spec.resource_claims.iter().flatten().enumerate() {
            let Some(template_name) = claim.resource_claim_template_name.as_deref() else {
                continue;
            };
            let claim_path = format!(
                "spec.podSets[{pod_set_index}].template.spec.resourceClaims[{claim_index}]"
            );

            let Some(template) = context.templates.find(context.namespace, template_name) else {
                if context.rules.plain_errors {
                    return Err(DraError::Plain(format!(
                        "failed to get claim spec for ResourceClaimTemplate {template_name} in workload {} podset {pod_set_name}: failed to get claim spec: resourceclaimtemplates.resource.k8s.io \"{template_name}\" not found",
                        context.workload_name
                    )));
                }
                return Err(DraError::Fields(vec![FieldError::internal(
                    claim_path,
                    format!(
                        "failed to get claim spec for ResourceClaimTemplate {template_name} in podset {pod_set_name}: resourceclaimtemplates.resource.k8s.io \"{template_name}\" not found"
                    ),
                )]));
            };
            let claim_spec = &template.spec.spec;

            let counted = if context.rules.plain_errors {
                Ok(count_devices_without_checks(claim_spec))
            } else {
                count_devices_per_class(claim_spec, &context.rules)
            };
            let (totals, requests) = counted.map_err(|error| match error {
                CountError::Fields(errors) => DraError::Fields(
                    errors
                        .into_iter()
                        .map(|error| FieldError {
                            detail: format!(
                                "ResourceClaimTemplate {template_name}: {}",
                                error.detail
                            ),
                            ..error.with_field_prefix(&claim_path)
                        })
                        .collect(),
                ),
                CountError::MissingExactly(request) => DraError::Panic(format!(
                    "{claim_path}.devices.requests[{request}] of ResourceClaimTemplate {template_name}"
                )),
            })?;

            if context.rules.cel_device_check && has_cel_selectors(claim_spec) {
                match context.slices {
                    Some(slices) => {
                        let errors = check_claim_devices(claim_spec, &claim_path, slices, context);
                        if !errors.is_empty() {
                            return Err(DraError::Fields(
                                errors
                                    .into_iter()
                                    .map(|error| FieldError {
                                        detail: format!(
                                            "ResourceClaimTemplate {template_name}: {}",
                                            error.detail
                                        ),
                                        ..error
                                    })
                                    .collect(),
                            ));
                        }
                    }
                    None => notes.push(format!(
                        "ResourceClaimTemplate {template_name} has CEL selectors, which were not checked against ResourceSlices because the input holds none; Kueue rejects the Workload when fewer devices match than a request asks for."
                    )),
                }
            }

            let mut claim_quota_keys = BTreeMap::new();
            let mut source_classes = std::collections::BTreeSet::new();
            for (class, count) in totals {
                let Some(mapping) = context.index.mapping_for_class(&class) else {
                    if context.rules.plain_errors {
                        return Err(DraError::Plain(format!(
                            "DeviceClass {class} is not mapped in DRA configuration for workload {} podset {pod_set_name}: DeviceClass is not mapped in DRA configuration",
                            context.workload_name
                        )));
                    }
                    return Err(DraError::Fields(vec![FieldError::not_found(
                        format!("{claim_path}.resourceClaimTemplateName"),
                        format!(
                            "DeviceClass {class} is not mapped in DRA configuration for podset {pod_set_name}"
                        ),
                    )]));
                };
                let charged_by = [
                    (SourceKind::Counter, context.gates.partitionable_devices),
                    (SourceKind::Capacity, context.gates.consumable_capacity),
                ]
                .into_iter()
                .find(|&(kind, enabled)| enabled && has_sources(context, &class, kind));
                if let Some((kind, _)) = charged_by {
                    // Kueue charges the class's counters or capacity instead of a device count.
                    if context.slices.is_none() {
                        let word = if kind == SourceKind::Counter {
                            "counter"
                        } else {
                            "capacity"
                        };
                        notes.push(format!(
                            "DeviceClass {class} has {word} sources, so Kueue charges their {word} values from ResourceSlices instead of a device count; that charge was not computed because the input holds no ResourceSlices."
                        ));
                    }
                    source_classes.insert(class);
                    continue;
                }
                claim_quota_keys.insert(class, mapping.name.clone());
                let amount =
                    ResourceList::from([(mapping.name.clone(), device_count_quantity(count))]);
                add_list(&mut pod_set.resources, &amount);
            }

            for request in requests {
                // The counter and capacity passes report these requests' charges. A request
                // Kueue skips keeps its zero charge line.
                if source_classes.contains(&request.class) && !request.skipped {
                    continue;
                }
                // A skipped request still names the key its class maps to, so the charge line
                // shows what Kueue leaves uncharged.
                let skipped_key = || {
                    context
                        .index
                        .mapping_for_class(&request.class)
                        .map(|mapping| mapping.name.clone())
                };
                let quota_key = match claim_quota_keys.get(&request.class) {
                    _ if request.skipped => skipped_key().unwrap_or_default(),
                    Some(key) => key.clone(),
                    None => String::new(),
                };
                let per_pod = if quota_key.is_empty() || request.skipped {
                    "0".to_owned()
                } else {
                    context.formatter.format(&quota_key, request.count)
                };
                pod_set.charges.push(Charge {
                    path: ChargePath::ResourceClaimTemplate,
                    claim: Some(claim.name.clone()),
                    template: Some(template_name.to_owned()),
                    request: Some(request.request),
                    resource: None,
                    source: None,
                    containers: Vec::new(),
                    device_class: request.class,
                    quota_key,
                    per_pod,
                });
            }
        }
        result.push(pod_set);
    }
    Ok(result)
}

/// The reason counting a claim's devices failed.
enum CountError {
    /// Field errors relative to the claim.
    Fields(Vec<FieldError>),
    /// The request at this index has neither `firstAvailable` nor `exactly`, which the
    /// release dereferences.
    MissingExactly(usize),
}

/// Counts devices per DeviceClass in one claim spec, as `countDevicesPerClass` from v0.15.0
/// on, with the checks `rules` enables. The classes come back in Kueue's iteration order.
///
/// Errors carry paths relative to the claim (`devices.requests[k]...`) and bare details; the
/// caller adds the claim path and template name.
#[allow(clippy::too_many_lines)]
fn count_devices_per_class(
    spec: &ResourceClaimSpec,
    rules: &Rules,
) -> Result<ClaimCounts, CountError> {
    let reject = |field: String, value: BadValue, detail: &str| {
        Err(CountError::Fields(vec![FieldError::invalid(
            field, value, detail,
        )]))
    };
    let mut totals: Vec<(String, i64)> = Vec::new();
    let mut requests = Vec::new();
    let devices = spec.devices.as_ref();
    let device_requests = devices
        .and_then(|devices| devices.requests.as_deref())
        .unwrap_or_default();

    if rules.reject_constraints_and_config {
        let has_constraints = devices
            .and_then(|devices| devices.constraints.as_ref())
            .is_some_and(|constraints| !constraints.is_empty());
        if has_constraints {
            return reject(
                "devices.constraints".to_owned(),
                BadValue::Null,
                "device constraints (MatchAttribute) are not supported",
            );
        }
        let has_config = devices
            .and_then(|devices| devices.config.as_ref())
            .is_some_and(|config| !config.is_empty());
        if has_config {
            return reject(
                "devices.config".to_owned(),
                BadValue::Null,
                "device config is not supported",
            );
        }
    }

    for (request_index, request) in device_requests.iter().enumerate() {
        let request_path = format!("devices.requests[{request_index}]");
        if request.first_available.is_some() {
            return reject(
                request_path,
                BadValue::Null,
                "FirstAvailable device selection is not supported",
            );
        }
        let Some(exactly) = &request.exactly else {
            if rules.reject_missing_exactly {
                return reject(
                    request_path,
                    BadValue::Null,
                    "Exactly must be set if FirstAvailable is nil",
                );
            }
            return Err(CountError::MissingExactly(request_index));
        };

        let has_selectors = exactly
            .selectors
            .as_ref()
            .is_some_and(|selectors| !selectors.is_empty());
        if rules.reject_selectors && has_selectors {
            return reject(
                format!("{request_path}.exactly.selectors"),
                BadValue::Null,
                "CEL selectors are not supported",
            );
        }
        if rules.cel_device_check && has_selectors {
            let selectors_path = format!("{request_path}.exactly.selectors");
            let selectors = exactly.selectors.as_deref().unwrap_or_default();
            let (_, errors) =
                compile_selectors(selectors, &selectors_path, "CEL compilation failed");
            if !errors.is_empty() {
                return reject(selectors_path, BadValue::Null, &aggregate_message(&errors));
            }
        }

        if exactly.admin_access == Some(true) {
            match rules.admin_access {
                AdminAccess::Reject => {
                    return reject(
                        format!("{request_path}.exactly.adminAccess"),
                        BadValue::Null,
                        "AdminAccess is not supported",
                    );
                }
                AdminAccess::Skip => {
                    requests.push(RequestCount {
                        request: request.name.clone(),
                        class: exactly.device_class_name.clone(),
                        count: 0,
                        skipped: true,
                    });
                    continue;
                }
                AdminAccess::Count => {}
            }
        }

        // The API server defaults allocationMode to ExactCount; an unset mode is read as the
        // empty string, as Kueue would read an object that skipped defaulting.
        let mode = exactly.allocation_mode.as_deref().unwrap_or_default();
        match mode {
            "All" => {
                return reject(
                    format!("{request_path}.exactly.allocationMode"),
                    BadValue::TypedString("All".to_owned()),
                    "AllocationMode 'All' is not supported",
                );
            }
            "ExactCount" => {}
            _ => {
                return reject(
                    format!("{request_path}.exactly.allocationMode"),
                    BadValue::TypedString(mode.to_owned()),
                    &format!("unsupported allocation mode: {mode}"),
                );
            }
        }

        let class = exactly.device_class_name.clone();
        let count = exactly.count.unwrap_or(0);
        requests.push(RequestCount {
            request: request.name.clone(),
            class: class.clone(),
            count,
            skipped: false,
        });
        if class.is_empty() {
            continue;
        }

        add_count(&mut totals, class, count, rules.saturating_device_counts);
    }

    sort_classes(&mut totals);
    Ok((totals, requests))
}

/// Counts devices per DeviceClass as v0.14's `countDevicesPerClass`: no request is
/// rejected. A request without `exactly`, such as a `firstAvailable` list, names no class
/// and is skipped. A mode other than ExactCount counts zero devices but still names its
/// class, which must then be mapped.
fn count_devices_without_checks(spec: &ResourceClaimSpec) -> ClaimCounts {
    let mut totals: Vec<(String, i64)> = Vec::new();
    let mut requests = Vec::new();
    let device_requests = spec
        .devices
        .as_ref()
        .and_then(|devices| devices.requests.as_deref())
        .unwrap_or_default();
    for request in device_requests {
        let Some(exactly) = &request.exactly else {
            continue;
        };
        let count = if exactly.allocation_mode.as_deref() == Some("ExactCount") {
            exactly.count.unwrap_or(0)
        } else {
            0
        };
        let class = exactly.device_class_name.clone();
        requests.push(RequestCount {
            request: request.name.clone(),
            class: class.clone(),
            count,
            skipped: false,
        });
        if class.is_empty() {
            continue;
        }
        add_count(&mut totals, class, count, false);
    }
    sort_classes(&mut totals);
    (totals, requests)
}

/// Adds `count` to `class`'s total: saturating at the int64 bounds as Kueue's
/// `SaturatingAdd`, or wrapping as Go's `+=` in releases before it.
///
/// A total that wraps to the int64 minimum is charged 0, as in Kueue: the quantity parsed
/// from its digits has a `Value()` of 0 (see [`Quantity::value`]).
fn add_count(totals: &mut Vec<(String, i64)>, class: String, count: i64, saturating: bool) {
    match totals.iter_mut().find(|(existing, _)| *existing == class) {
        Some((_, total)) if saturating => *total = total.saturating_add(count),
        Some((_, total)) => *total = total.wrapping_add(count),
        None => totals.push((class, count)),
    }
}

/// Puts the per-class counts in the order Kueue walks them.
// NOTE: v0.18.6, v0.19.2 and main walk the counts in the order of their sorted request
// vector (FNV-1a hash of the class name, then the name) while VectorizedResourceRequests is
// on. The other releases, and these with the gate off, walk a Go map, whose random order
// decides which of several unmapped classes an error names. This order is used for all.
fn sort_classes(totals: &mut [(String, i64)]) {
    totals.sort_by(|(left, _), (right, _)| (fnv1a(left), left).cmp(&(fnv1a(right), right)));
}

/// Builds the quantity Kueue makes from a device count: `MustParse` of its decimal digits.
fn device_count_quantity(count: i64) -> Quantity {
    Quantity::parse(&count.to_string())
        .unwrap_or_else(|_| Quantity::from_int(count, Format::DecimalSI))
}

/// ResourceClaimTemplates by namespace and name, where a template without a namespace is in
/// `default`. Of several templates with the same namespace and name, the last one counts.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClaimTemplates<'a> {
    by_name: HashMap<(&'a str, &'a str), &'a ResourceClaimTemplate>,
}

impl<'a> ClaimTemplates<'a> {
    /// Indexes `templates`.
    pub(crate) fn new(templates: &'a [ResourceClaimTemplate]) -> Self {
        let mut by_name = HashMap::with_capacity(templates.len());
        for template in templates {
            if let Some(name) = template.metadata.name.as_deref() {
                let namespace = template.metadata.namespace.as_deref().unwrap_or("default");
                by_name.insert((namespace, name), template);
            }
        }
        Self { by_name }
    }

    /// Returns the template `name` in `namespace`.
    pub(crate) fn find(&self, namespace: &str, name: &str) -> Option<&'a ResourceClaimTemplate> {
        self.by_name.get(&(namespace, name)).copied()
    }
}

fn has_cel_selectors(spec: &ResourceClaimSpec) -> bool {
    let requests = spec
        .devices
        .as_ref()
        .and_then(|devices| devices.requests.as_deref())
        .unwrap_or_default();
    requests
        .iter()
        .filter_map(|request| request.exactly.as_ref())
        .any(|exactly| {
            exactly
                .selectors
                .iter()
                .flatten()
                .any(|selector| selector.cel.is_some())
        })
}

/// Returns whether any mapping that lists `class` has a counter source.
pub(crate) fn has_counter_sources(index: &DeviceClassIndex, class: &str) -> bool {
    index.mappings_listing_class(class).any(|mapping| {
        mapping
            .sources
            .iter()
            .any(|source| source.counter.is_some())
    })
}

/// Returns whether any mapping that lists `class` has a capacity source.
pub(crate) fn has_capacity_sources(index: &DeviceClassIndex, class: &str) -> bool {
    index.mappings_listing_class(class).any(|mapping| {
        mapping
            .sources
            .iter()
            .any(|source| source.capacity.is_some())
    })
}

/// Hashes `text` with 64-bit FNV-1a, the hash Kueue sorts resource names by.
pub(crate) fn fnv1a(text: &str) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    text.bytes().fold(OFFSET_BASIS, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_reference_values() {
        // Reference values of the 64-bit FNV-1a hash.
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a("foobar"), 0x8594_4171_f739_67e8);
    }

    fn template(namespace: Option<&str>, name: &str, uid: &str) -> ResourceClaimTemplate {
        let mut template = ResourceClaimTemplate::default();
        template.metadata.namespace = namespace.map(str::to_owned);
        template.metadata.name = Some(name.to_owned());
        template.metadata.uid = Some(uid.to_owned());
        template
    }

    #[test]
    fn claim_template_last_duplicate_counts() {
        let templates = [
            template(Some("team-a"), "gpu", "first"),
            template(Some("team-a"), "gpu", "second"),
        ];
        let found = ClaimTemplates::new(&templates).find("team-a", "gpu");
        let uid = found.and_then(|template| template.metadata.uid.as_deref());
        assert_eq!(uid, Some("second"));
    }

    #[test]
    fn claim_template_without_namespace_is_in_default() {
        let templates = [template(None, "gpu", "only")];
        let index = ClaimTemplates::new(&templates);
        assert!(index.find("default", "gpu").is_some());
        assert!(index.find("team-a", "gpu").is_none());
    }
}
