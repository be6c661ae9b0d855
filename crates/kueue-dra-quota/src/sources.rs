//! Counter and capacity sources: the quota Kueue charges for a template device request whose
//! DeviceClass has them, computed from the ResourceSlices (`pkg/dra/counters.go` and
//! `pkg/dra/capacity.go`).

use std::cmp::Ordering;

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::api::resource::v1::{
    CapacityRequestPolicy, CapacityRequestPolicyRange, DeviceSelector, ExactDeviceRequest,
};
use kueue_api::config::DeviceClassMapping;
use kueue_api::config::v1beta2::{DeviceClassCapacitySource, DeviceClassCounterSource};

use crate::claims::{DraContext, PodSetDra};
use crate::devices::{SliceDevice, compile_selectors, complete_pool_devices, matches_all};
use crate::dra_cel::Selector;
use crate::explanation::{Charge, ChargePath};
use crate::field::{BadValue, FieldError, go_quote};
use crate::quantity::Quantity;
use crate::rules::{AdminAccess, SourceClassPath};

/// The kind of source a pass charges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SourceKind {
    Counter,
    Capacity,
}

impl SourceKind {
    fn word(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Capacity => "capacity",
        }
    }
}

/// One configured source of a DeviceClass: the driver whose slices it reads, its device
/// selector, the counter or capacity name, and the quota resource it charges.
struct SourceConfig<'a> {
    driver: &'a str,
    selector: &'a DeviceSelector,
    name: &'a str,
    quota_resource: &'a str,
}

/// Returns the counter sources Kueue's mapper holds for `class`.
fn counter_configs<'a>(context: &DraContext<'a>, class: &str) -> Vec<SourceConfig<'a>> {
    let mut configs = Vec::new();
    for mapping in mappings_listing(context, class) {
        let sources: Vec<&DeviceClassCounterSource> = if context.rules.all_counter_sources {
            mapping
                .sources
                .iter()
                .filter_map(|source| source.counter.as_ref())
                .collect()
        } else {
            // v0.18 reads only a mapping's first source, and only when it is a counter.
            mapping
                .sources
                .first()
                .and_then(|source| source.counter.as_ref())
                .into_iter()
                .collect()
        };
        for counter in sources {
            configs.push(SourceConfig {
                driver: &counter.driver,
                selector: &counter.device_selector,
                name: &counter.name,
                quota_resource: &mapping.name,
            });
        }
        if !context.rules.all_counter_sources {
            break;
        }
    }
    configs
}

/// Returns the mappings that list `class`, in Configuration order.
fn mappings_listing<'a>(context: &DraContext<'a>, class: &str) -> Vec<&'a DeviceClassMapping> {
    context
        .index
        .mappings()
        .iter()
        .filter(|mapping| mapping.device_class_names.iter().any(|name| name == class))
        .collect()
}

/// Returns the capacity sources Kueue's mapper holds for `class`; all charge the name of the
/// first mapping that lists the class.
fn capacity_configs<'a>(context: &DraContext<'a>, class: &str) -> Vec<SourceConfig<'a>> {
    let Some(first) = context.index.mapping_for_class(class) else {
        return Vec::new();
    };
    mappings_listing(context, class)
        .into_iter()
        .flat_map(|mapping| mapping.sources.iter())
        .filter_map(|source| source.capacity.as_ref())
        .map(|capacity: &DeviceClassCapacitySource| SourceConfig {
            driver: &capacity.driver,
            selector: &capacity.device_selector,
            name: &capacity.name,
            quota_resource: &first.name,
        })
        .collect()
}

/// Returns whether a request of `class` is charged by `kind` sources in this release.
pub(crate) fn has_sources(context: &DraContext<'_>, class: &str, kind: SourceKind) -> bool {
    match kind {
        SourceKind::Counter => !counter_configs(context, class).is_empty(),
        SourceKind::Capacity => !capacity_configs(context, class).is_empty(),
    }
}

/// Returns the drivers of `class`'s counter sources, then of its capacity sources.
pub(crate) fn source_drivers(context: &DraContext<'_>, class: &str) -> Vec<String> {
    counter_configs(context, class)
        .iter()
        .chain(capacity_configs(context, class).iter())
        .map(|config| config.driver.to_owned())
        .collect()
}

/// Computes the counter or capacity charges of every pod set, as Kueue's
/// `GetCounterResourcesForWorkload` and `DetermineCapacityResourcesForWorkload`.
///
/// The first error ends the pass. Without `context.slices`, no device matches.
pub(crate) fn charge_sources(
    pod_sets: &[(&str, &PodSpec)],
    context: &DraContext<'_>,
    kind: SourceKind,
    notes: &mut Vec<String>,
) -> Result<Vec<PodSetDra>, Vec<FieldError>> {
    let mut result = Vec::with_capacity(pod_sets.len());
    for (pod_set_index, (_, spec)) in pod_sets.iter().enumerate() {
        let mut pod_set = PodSetDra::default();
        for (claim_index, claim) in spec.resource_claims.iter().flatten().enumerate() {
            let Some(template_name) = claim.resource_claim_template_name.as_deref() else {
                continue;
            };
            let claim_path = format!(
                "spec.podSets[{pod_set_index}].template.spec.resourceClaims[{claim_index}]"
            );
            let Some(template) = context.templates.find(context.namespace, template_name) else {
                return Err(vec![FieldError::internal(
                    claim_path,
                    format!(
                        "failed to get claim spec for ResourceClaimTemplate {template_name}: resourceclaimtemplates.resource.k8s.io \"{template_name}\" not found"
                    ),
                )]);
            };
            let requests = template
                .spec
                .spec
                .devices
                .as_ref()
                .and_then(|devices| devices.requests.as_deref())
                .unwrap_or_default();
            for (request_index, request) in requests.iter().enumerate() {
                let Some(exactly) = &request.exactly else {
                    continue;
                };
                let skips_admin = context.rules.admin_access == AdminAccess::Skip;
                if skips_admin && exactly.admin_access == Some(true) {
                    continue;
                }
                let charged = charge_request(
                    &RequestInput {
                        claim_path: &claim_path,
                        request_index,
                        exactly,
                    },
                    context,
                    kind,
                    notes,
                )?;
                for (quota_resource, source, quantity) in charged {
                    let per_pod = context.formatter.format(
                        &quota_resource,
                        crate::quantity::resource_value(&quota_resource, &quantity),
                    );
                    match pod_set.resources.get_mut(&quota_resource) {
                        Some(existing) => existing.add(&quantity),
                        None => {
                            pod_set.resources.insert(quota_resource.clone(), quantity);
                        }
                    }
                    pod_set.charges.push(Charge {
                        path: match kind {
                            SourceKind::Counter => ChargePath::Counter,
                            SourceKind::Capacity => ChargePath::Capacity,
                        },
                        claim: Some(claim.name.clone()),
                        template: Some(template_name.to_owned()),
                        request: Some(request.name.clone()),
                        resource: None,
                        source: Some(source),
                        containers: Vec::new(),
                        device_class: exactly.device_class_name.clone(),
                        quota_key: quota_resource,
                        per_pod,
                    });
                }
            }
        }
        result.push(pod_set);
    }
    Ok(result)
}

/// A template request and where it sits.
struct RequestInput<'a> {
    claim_path: &'a str,
    request_index: usize,
    exactly: &'a ExactDeviceRequest,
}

/// A charge: the quota resource, the counter or capacity name, and the per-pod quantity.
type SourceCharge = (String, String, Quantity);

/// Computes one request's charges for its class's sources of `kind`.
fn charge_request(
    input: &RequestInput<'_>,
    context: &DraContext<'_>,
    kind: SourceKind,
    notes: &mut Vec<String>,
) -> Result<Vec<SourceCharge>, Vec<FieldError>> {
    let class = input.exactly.device_class_name.as_str();
    let configs = match kind {
        SourceKind::Counter => counter_configs(context, class),
        SourceKind::Capacity => capacity_configs(context, class),
    };
    if configs.is_empty() {
        return Ok(Vec::new());
    }
    let request_path = format!(
        "{}.devices.requests[{}]",
        input.claim_path, input.request_index
    );
    let count = input.exactly.count.unwrap_or(0);

    // v0.18 compiles its one counter source's selector before the class and request
    // selectors; later releases compile each source's selector after them.
    let early_source_selectors = if context.rules.source_selector_first {
        Some(compile_source_selector(configs[0].selector, &request_path)?)
    } else {
        None
    };
    let class_selectors = class_selectors(context, class, input, &request_path)?;
    let (request_selectors, errors) = compile_selectors(
        input.exactly.selectors.as_deref().unwrap_or_default(),
        &format!("{request_path}.exactly.selectors"),
        "CEL compilation failed",
    );
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut charges: Vec<SourceCharge> = Vec::new();
    for (position, config) in configs.iter().enumerate() {
        let source_selectors = match (&early_source_selectors, position) {
            (Some(_), 0) => None,
            _ => Some(compile_source_selector(config.selector, &request_path)?),
        };
        let source_selectors = source_selectors
            .as_deref()
            .or(early_source_selectors.as_deref())
            .unwrap_or_default();
        let matched = match_devices(
            context,
            config.driver,
            source_selectors,
            &class_selectors,
            &request_selectors,
            &request_path,
        )?;
        if i64::try_from(matched.len()).unwrap_or(i64::MAX) < count {
            let message = format!(
                "insufficient matching devices for {} driver: {} device(s) match but {count} requested",
                kind.word(),
                matched.len()
            );
            return Err(vec![shortage(context, &request_path, message)]);
        }

        let quantity = match kind {
            SourceKind::Counter => {
                counter_charge(context, config, &matched, count, &request_path, notes)?
            }
            SourceKind::Capacity => capacity_charge(
                context,
                config,
                input.exactly,
                &matched,
                count,
                &request_path,
                notes,
            )?,
        };
        match charges
            .iter_mut()
            .find(|(resource, _, _)| resource == config.quota_resource)
        {
            // Several capacity sources of one mapping add into one quantity, as Kueue's
            // `processCapacityCharge`.
            Some((_, names, total)) if kind == SourceKind::Capacity => {
                total.add(&quantity);
                names.push_str(", ");
                names.push_str(config.name);
            }
            _ => charges.push((
                config.quota_resource.to_owned(),
                config.name.to_owned(),
                quantity,
            )),
        }
    }
    Ok(charges)
}

fn compile_source_selector(
    selector: &DeviceSelector,
    request_path: &str,
) -> Result<Vec<Selector>, Vec<FieldError>> {
    let (compiled, errors) = compile_selectors(
        std::slice::from_ref(selector),
        request_path,
        "deviceSelector CEL compilation failed",
    );
    if errors.is_empty() {
        Ok(compiled)
    } else {
        Err(errors)
    }
}

/// Resolves and compiles the DeviceClass's selectors, as Kueue's
/// `resolveAndCompileDeviceClass` called from the counter and capacity passes.
fn class_selectors(
    context: &DraContext<'_>,
    class: &str,
    input: &RequestInput<'_>,
    request_path: &str,
) -> Result<Vec<Selector>, Vec<FieldError>> {
    let base = match context.rules.source_class_path {
        SourceClassPath::Request => format!(
            "{}.devices.requests[{}]",
            input.claim_path, input.request_index
        ),
        SourceClassPath::NestedFirstRequest => format!("{request_path}.devices.requests[0]"),
    };
    resolve_class_selectors(context, class, &base).map_err(|error| vec![error])
}

/// Looks `class` up and compiles its CEL selectors, reporting at `base`: a missing class as
/// an internal error, the first selector that does not compile as an invalid value.
pub(crate) fn resolve_class_selectors(
    context: &DraContext<'_>,
    class: &str,
    base: &str,
) -> Result<Vec<Selector>, FieldError> {
    if class.is_empty() {
        return Ok(Vec::new());
    }
    let Some(device_class) = context.index.device_class(class) else {
        return Err(FieldError::internal(
            base,
            format!(
                "failed to get DeviceClass {class}: deviceclasses.resource.k8s.io \"{class}\" not found"
            ),
        ));
    };
    let (compiled, errors) = compile_selectors(
        device_class.spec.selectors.as_deref().unwrap_or_default(),
        base,
        &format!("DeviceClass {class} has invalid CEL selector"),
    );
    match errors.into_iter().next() {
        Some(error) => Err(error),
        None => Ok(compiled),
    }
}

/// Returns the devices of `driver`'s complete pools that pass the source's, the class's and
/// the request's selectors, as Kueue's `matchDevicesWithSelectors`.
fn match_devices<'a>(
    context: &DraContext<'a>,
    driver: &str,
    source_selectors: &[Selector],
    class_selectors: &[Selector],
    request_selectors: &[Selector],
    request_path: &str,
) -> Result<Vec<SliceDevice<'a>>, Vec<FieldError>> {
    let slices = context.slices.unwrap_or_default();
    let mut matched = Vec::new();
    for device in complete_pool_devices(slices, driver) {
        let checks = [
            (source_selectors, "deviceSelector"),
            (class_selectors, "DeviceClass selector"),
            (request_selectors, "request selector"),
        ];
        let mut passes = true;
        for (selectors, what) in checks {
            match matches_all(selectors, &device) {
                Ok(true) => {}
                Ok(false) => {
                    passes = false;
                    break;
                }
                Err(error) => {
                    return Err(vec![FieldError::internal(
                        request_path,
                        format!(
                            "CEL evaluation error in {what} for device {}: {error}",
                            device.device.name
                        ),
                    )]);
                }
            }
        }
        if passes {
            matched.push(device);
        }
    }
    Ok(matched)
}

/// Builds the error for too few matching devices: internal from v0.18.1, invalid before.
fn shortage(context: &DraContext<'_>, field: &str, message: String) -> FieldError {
    if context.rules.shortage_internal {
        FieldError::internal(field, message)
    } else {
        FieldError::invalid(field, BadValue::Null, message)
    }
}

/// Returns the counter charge: the largest value of the counter among the matched devices'
/// `consumesCounters`, times `count`, as Kueue's `computeCounterCharges`.
fn counter_charge(
    context: &DraContext<'_>,
    config: &SourceConfig<'_>,
    matched: &[SliceDevice<'_>],
    count: i64,
    request_path: &str,
    notes: &mut Vec<String>,
) -> Result<Quantity, Vec<FieldError>> {
    let mut largest: Option<Quantity> = None;
    for device in matched {
        for consumption in device.device.consumes_counters.iter().flatten() {
            let Some(counter) = consumption.counters.get(config.name) else {
                continue;
            };
            if let Some(value) = parse_slice_quantity(&counter.value.0, device, notes)
                && largest
                    .as_ref()
                    .is_none_or(|current| value.cmp_value(current) == Ordering::Greater)
            {
                largest = Some(value);
            }
            if context.rules.first_counter_consumption {
                break;
            }
        }
    }
    let Some(largest) = largest else {
        let message = format!(
            "matched devices have no consumesCounters entry for counter {}",
            go_quote(config.name)
        );
        let error = if context.rules.shortage_internal {
            FieldError::internal(request_path, message)
        } else {
            FieldError::invalid(request_path, BadValue::Null, message)
        };
        return Err(vec![error]);
    };
    Ok(charge_value(context, &largest, count, config, notes))
}

/// Multiplies a device value by the request's count, as Kueue's `safeChargeValue` (from
/// v0.18.3 and v0.19.0) or the wrapping `Value() * count` before.
fn charge_value(
    context: &DraContext<'_>,
    value: &Quantity,
    count: i64,
    config: &SourceConfig<'_>,
    notes: &mut Vec<String>,
) -> Quantity {
    if !context.rules.safe_charge_value {
        if count > 1 {
            return Quantity::from_int(value.value().wrapping_mul(count), value.format());
        }
        return value.clone();
    }
    let mut units = value.safe_value();
    if value.sign() == Ordering::Less {
        notes.push(format!(
            "Driver {} publishes a negative value {value} for {}; Kueue charges 0 for it.",
            config.driver, config.name
        ));
        units = 0;
    }
    if count > 1 {
        units = units.saturating_mul(count);
    }
    Quantity::from_int(units, value.format())
}

/// Returns the capacity charge, as Kueue's `computeCapacityCharge`. Each matched device with
/// the dimension gives the requested, defaulted or full capacity, rounded by its request
/// policy. The largest of those is multiplied by `count`.
fn capacity_charge(
    context: &DraContext<'_>,
    config: &SourceConfig<'_>,
    exactly: &ExactDeviceRequest,
    matched: &[SliceDevice<'_>],
    count: i64,
    request_path: &str,
    notes: &mut Vec<String>,
) -> Result<Quantity, Vec<FieldError>> {
    let explicit = exactly
        .capacity
        .as_ref()
        .and_then(|capacity| capacity.requests.as_ref())
        .and_then(|requests| requests.get(config.name))
        .and_then(|quantity| Quantity::parse(&quantity.0).ok());

    let mut has_dimension = false;
    let mut largest: Option<Quantity> = None;
    for device in matched {
        let Some(dimension) = device
            .device
            .capacity
            .as_ref()
            .and_then(|capacity| capacity.get(config.name))
        else {
            continue;
        };
        has_dimension = true;
        let Some(value) = parse_slice_quantity(&dimension.value.0, device, notes) else {
            continue;
        };
        let base = match (
            &explicit,
            dimension
                .request_policy
                .as_ref()
                .and_then(|policy| policy.default.as_ref()),
        ) {
            (Some(explicit), _) => explicit.clone(),
            (None, Some(default)) => match parse_slice_quantity(&default.0, device, notes) {
                Some(default) => default,
                None => continue,
            },
            (None, None) => value,
        };
        let Some(rounded) = round_to_policy(base, dimension.request_policy.as_ref()) else {
            continue;
        };
        if largest
            .as_ref()
            .is_none_or(|current| rounded.cmp_value(current) == Ordering::Greater)
        {
            largest = Some(rounded);
        }
    }

    if !has_dimension {
        return Err(vec![FieldError::internal(
            request_path,
            format!(
                "matched devices have no capacity dimension {}",
                go_quote(config.name)
            ),
        )]);
    }
    let Some(largest) = largest else {
        return Err(vec![FieldError::invalid(
            request_path,
            BadValue::Null,
            format!(
                "capacity request cannot be satisfied by any matched device's RequestPolicy for dimension {}",
                go_quote(config.name)
            ),
        )]);
    };
    Ok(charge_value(context, &largest, count, config, notes))
}

/// Rounds `base` by a device's request policy, as Kueue's `roundToPolicy`: `validValues`
/// first, else `validRange`. Returns `None` when the policy cannot satisfy the request.
fn round_to_policy(base: Quantity, policy: Option<&CapacityRequestPolicy>) -> Option<Quantity> {
    let Some(policy) = policy else {
        return Some(base);
    };
    if let Some(values) = policy
        .valid_values
        .as_ref()
        .filter(|values| !values.is_empty())
    {
        // The API requires ascending values; the first one at least `base` is taken.
        return values
            .iter()
            .filter_map(|value| Quantity::parse(&value.0).ok())
            .find(|value| value.cmp_value(&base) != Ordering::Less);
    }
    match &policy.valid_range {
        Some(range) => round_to_range(&base, range),
        None => Some(base),
    }
}

/// Clamps `base` to the range's minimum, aligns it up to `min + n * step`, and rejects it
/// above the maximum, in int64 values as Kueue's `roundToValidRange`.
fn round_to_range(base: &Quantity, range: &CapacityRequestPolicyRange) -> Option<Quantity> {
    let parse = |text: &str| {
        Quantity::parse(text)
            .ok()
            .map(|quantity| quantity.safe_value())
    };
    let mut value = base.safe_value();
    let min = parse(&range.min.0);
    if let Some(min) = min {
        value = value.max(min);
    }
    let step = range.step.as_ref().and_then(|step| parse(&step.0));
    if let (Some(step), Some(min)) = (step, min)
        && step > 0
    {
        let offset = value.saturating_sub(min);
        if offset % step != 0 {
            value = min.saturating_add((offset / step).saturating_add(1).saturating_mul(step));
        }
    }
    let max = range.max.as_ref().and_then(|max| parse(&max.0));
    if max.is_some_and(|max| value > max) {
        return None;
    }
    Some(Quantity::from_int(value, base.format()))
}

/// Parses a quantity a driver published. The API server validates these, so an invalid one
/// means hand-written input: it is skipped with a note.
fn parse_slice_quantity(
    text: &str,
    device: &SliceDevice<'_>,
    notes: &mut Vec<String>,
) -> Option<Quantity> {
    match Quantity::parse(text) {
        Ok(quantity) => Some(quantity),
        Err(error) => {
            notes.push(format!(
                "Device {} of driver {} has an invalid quantity `{text}`, which was skipped: {error}",
                device.device.name, device.driver
            ));
            None
        }
    }
}
