//! The ResourceClaimTemplate path: device requests counted per DeviceClass and charged under
//! the class's `deviceClassMappings` name, as Kueue v0.19.2's `pkg/dra/claims.go`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::api::resource::v1::{ResourceClaimSpec, ResourceClaimTemplate};
use kueue_dra_index::DeviceClassIndex;

use crate::explanation::{Charge, ChargePath};
use crate::field::{BadValue, FieldError};
use crate::gates::FeatureGates;
use crate::quantity::{Format, Quantity, ResourceFormatter};
use crate::requests::{ResourceList, add_list};

/// The objects and settings the DRA passes read besides the Workload.
pub(crate) struct DraContext<'a> {
    pub index: &'a DeviceClassIndex,
    pub gates: FeatureGates,
    pub formatter: &'a ResourceFormatter,
    pub templates: &'a [ResourceClaimTemplate],
    pub namespace: &'a str,
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
}

/// Counts the devices of every ResourceClaimTemplate the pod sets reference and maps them to
/// quota resources, as Kueue's `GetResourceRequestsForResourceClaimTemplates`.
///
/// The first error ends the pass, as in Kueue. Pod-level `resourceClaimName` entries are
/// skipped here because the caller rejects them first.
pub(crate) fn resolve_claim_templates(
    pod_sets: &[(&str, &PodSpec)],
    context: &DraContext<'_>,
    notes: &mut Vec<String>,
) -> Result<Vec<PodSetDra>, Vec<FieldError>> {
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

            let Some(template) = find_template(context.templates, context.namespace, template_name)
            else {
                return Err(vec![FieldError::internal(
                    claim_path,
                    format!(
                        "failed to get claim spec for ResourceClaimTemplate {template_name} in podset {pod_set_name}: resourceclaimtemplates.resource.k8s.io \"{template_name}\" not found"
                    ),
                )]);
            };
            let claim_spec = &template.spec.spec;

            let (totals, requests) = count_devices_per_class(claim_spec).map_err(|errors| {
                errors
                    .into_iter()
                    .map(|error| FieldError {
                        detail: format!("ResourceClaimTemplate {template_name}: {}", error.detail),
                        ..error.with_field_prefix(&claim_path)
                    })
                    .collect::<Vec<_>>()
            })?;

            if has_cel_selectors(claim_spec) {
                notes.push(format!(
                    "ResourceClaimTemplate {template_name} has CEL selectors, which were not compiled or checked against the cluster's ResourceSlices; Kueue rejects a Workload whose selectors do not compile or match too few devices."
                ));
            }

            let mut claim_quota_keys = BTreeMap::new();
            for (class, count) in totals {
                let Some(mapping) = context.index.mapping_for_class(&class) else {
                    return Err(vec![FieldError::not_found(
                        format!("{claim_path}.resourceClaimTemplateName"),
                        format!(
                            "DeviceClass {class} is not mapped in DRA configuration for podset {pod_set_name}"
                        ),
                    )]);
                };
                if context.gates.partitionable_devices && has_counter_sources(context.index, &class)
                {
                    // TODO: charge counter sources from ResourceSlices; Kueue skips the
                    // device count for such a class and charges its counters instead.
                    notes.push(format!(
                        "DeviceClass {class} has counter sources, so Kueue charges their counters instead of a device count; counter charges are not computed yet."
                    ));
                    continue;
                }
                if context.gates.consumable_capacity && has_capacity_sources(context.index, &class)
                {
                    notes.push(format!(
                        "DeviceClass {class} has capacity sources, so Kueue charges their capacity instead of a device count; capacity charges are not computed yet."
                    ));
                    continue;
                }
                claim_quota_keys.insert(class, mapping.name.clone());
                let amount =
                    ResourceList::from([(mapping.name.clone(), device_count_quantity(count))]);
                add_list(&mut pod_set.resources, &amount);
            }

            for request in requests {
                let quota_key = claim_quota_keys
                    .get(&request.class)
                    .cloned()
                    .unwrap_or_default();
                let per_pod = if quota_key.is_empty() {
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

/// Counts devices per DeviceClass in one claim spec, as Kueue v0.19.2's
/// `countDevicesPerClass`. The classes come back in Kueue's iteration order.
///
/// Errors carry paths relative to the claim (`devices.requests[k]...`) and bare details; the
/// caller adds the claim path and template name.
fn count_devices_per_class(spec: &ResourceClaimSpec) -> Result<ClaimCounts, Vec<FieldError>> {
    let mut totals: Vec<(String, i64)> = Vec::new();
    let mut requests = Vec::new();
    let device_requests = spec
        .devices
        .as_ref()
        .and_then(|devices| devices.requests.as_deref())
        .unwrap_or_default();

    for (request_index, request) in device_requests.iter().enumerate() {
        let request_path = format!("devices.requests[{request_index}]");
        if request.first_available.is_some() {
            return Err(vec![FieldError::invalid(
                request_path,
                BadValue::Null,
                "FirstAvailable device selection is not supported",
            )]);
        }
        let Some(exactly) = &request.exactly else {
            return Err(vec![FieldError::invalid(
                request_path,
                BadValue::Null,
                "Exactly must be set if FirstAvailable is nil",
            )]);
        };

        // Kueue compiles the request's CEL selectors here and rejects the Workload when one
        // does not compile. Without a CEL engine, compilation is taken to succeed, and the
        // caller notes that it was not checked.

        if exactly.admin_access == Some(true) {
            return Err(vec![FieldError::invalid(
                format!("{request_path}.exactly.adminAccess"),
                BadValue::Null,
                "AdminAccess is not supported",
            )]);
        }

        // The API server defaults allocationMode to ExactCount; an unset mode is read as the
        // empty string, as Kueue would read an object that skipped defaulting.
        let mode = exactly.allocation_mode.as_deref().unwrap_or_default();
        match mode {
            "All" => {
                return Err(vec![FieldError::invalid(
                    format!("{request_path}.exactly.allocationMode"),
                    BadValue::TypedString("All".to_owned()),
                    "AllocationMode 'All' is not supported",
                )]);
            }
            "ExactCount" => {}
            _ => {
                return Err(vec![FieldError::invalid(
                    format!("{request_path}.exactly.allocationMode"),
                    BadValue::TypedString(mode.to_owned()),
                    format!("unsupported allocation mode: {mode}"),
                )]);
            }
        }

        let class = exactly.device_class_name.clone();
        let count = exactly.count.unwrap_or(0);
        requests.push(RequestCount {
            request: request.name.clone(),
            class: class.clone(),
            count,
        });
        if class.is_empty() {
            continue;
        }

        // Device counts saturate at the largest int64, as Kueue's SaturatingAdd.
        match totals.iter_mut().find(|(existing, _)| *existing == class) {
            Some((_, total)) => *total = total.saturating_add(count),
            None => totals.push((class, count)),
        }
    }

    // NOTE: Kueue v0.19.2 iterates the per-class counts in the order of its sorted request
    // vector (FNV-1a hash of the class name, then the name), which decides the class an
    // unmapped-class error names. With VectorizedResourceRequests off, Go map order makes it
    // random; this order is used either way.
    totals.sort_by(|(left, _), (right, _)| (fnv1a(left), left).cmp(&(fnv1a(right), right)));
    Ok((totals, requests))
}

/// Builds the quantity Kueue makes from a device count: `MustParse` of its decimal digits.
fn device_count_quantity(count: i64) -> Quantity {
    Quantity::parse(&count.to_string())
        .unwrap_or_else(|_| Quantity::from_int(count, Format::DecimalSI))
}

fn find_template<'a>(
    templates: &'a [ResourceClaimTemplate],
    namespace: &str,
    name: &str,
) -> Option<&'a ResourceClaimTemplate> {
    templates.iter().rev().find(|template| {
        let template_namespace = template.metadata.namespace.as_deref().unwrap_or("default");
        template.metadata.name.as_deref() == Some(name) && template_namespace == namespace
    })
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
fn fnv1a(text: &str) -> u64 {
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
}
