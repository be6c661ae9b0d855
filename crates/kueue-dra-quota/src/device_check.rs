//! The check that a claim's CEL requests can be satisfied by the cluster's devices, as
//! Kueue's `validateCELSelectorsAgainstDevices` (`pkg/dra/claims.go`, v0.18.0 and later).

use std::collections::BTreeSet;

use k8s_openapi::api::resource::v1::{DeviceSelector, ResourceClaimSpec, ResourceSlice};

use crate::claims::DraContext;
use crate::devices::{SliceDevice, all_devices, compile_selectors, matches_all, slices_of_driver};
use crate::field::{BadValue, FieldError};
use crate::sources::{SourceKind, resolve_class_selectors};

/// A request with at least one CEL selector.
struct CelRequest<'a> {
    index: usize,
    count: i64,
    class: &'a str,
    selectors: &'a [DeviceSelector],
}

/// Checks every CEL request of one claim against the devices in `slices`, and returns the
/// errors of all of them, as Kueue collects them.
///
/// Fields are absolute (under `claim_path`); details do not yet carry the
/// `ResourceClaimTemplate <name>: ` prefix that the caller adds.
pub(crate) fn check_claim_devices(
    spec: &ResourceClaimSpec,
    claim_path: &str,
    slices: &[ResourceSlice],
    context: &DraContext<'_>,
) -> Vec<FieldError> {
    let requests = cel_requests(spec);
    if requests.is_empty() {
        return Vec::new();
    }

    let universe = all_devices(&device_universe(&requests, slices, context));
    let mut matched = BTreeSet::new();
    let mut errors = Vec::new();

    for request in &requests {
        let request_path = format!("{claim_path}.devices.requests[{}]", request.index);
        let class_selectors = match resolve_class_selectors(context, request.class, &request_path) {
            Ok(selectors) => selectors,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        let selectors_path = format!("{request_path}.exactly.selectors");
        let (request_selectors, compile_errors) =
            compile_selectors(request.selectors, &selectors_path, "CEL compilation failed");
        if !compile_errors.is_empty() {
            errors.extend(compile_errors);
            continue;
        }
        if request_selectors.is_empty() {
            continue;
        }

        let mut found: i64 = 0;
        let mut evaluation_error = None;
        for (position, device) in universe.iter().enumerate() {
            if matched.contains(&position) {
                continue;
            }
            match device_matches(device, &class_selectors, &request_selectors) {
                Ok(false) => {}
                Ok(true) => {
                    matched.insert(position);
                    found += 1;
                    if found >= request.count {
                        break;
                    }
                }
                Err(error) => {
                    evaluation_error = Some(error);
                    break;
                }
            }
        }

        if let Some(error) = evaluation_error {
            errors.push(FieldError::invalid(
                selectors_path,
                BadValue::Null,
                format!(
                    "CEL evaluation failed for DeviceClass {}: {error}",
                    request.class
                ),
            ));
            continue;
        }
        if found < request.count {
            let message = format!(
                "insufficient matching devices for CEL selector in DeviceClass {}: {found} device(s) match in the cluster but {} requested",
                request.class, request.count
            );
            errors.push(if context.rules.shortage_internal {
                FieldError::internal(selectors_path, message)
            } else {
                FieldError::invalid(selectors_path, BadValue::Null, message)
            });
        }
    }
    errors
}

/// Returns whether a device passes the class selectors and then the request's selectors.
fn device_matches(
    device: &SliceDevice<'_>,
    class_selectors: &[crate::dra_cel::Selector],
    request_selectors: &[crate::dra_cel::Selector],
) -> Result<bool, String> {
    Ok(matches_all(class_selectors, device)? && matches_all(request_selectors, device)?)
}

/// Returns the requests that have `exactly` with at least one CEL selector, admin-access
/// requests included.
fn cel_requests(spec: &ResourceClaimSpec) -> Vec<CelRequest<'_>> {
    let requests = spec
        .devices
        .as_ref()
        .and_then(|devices| devices.requests.as_deref())
        .unwrap_or_default();
    requests
        .iter()
        .enumerate()
        .filter_map(|(index, request)| {
            let exactly = request.exactly.as_ref()?;
            let selectors = exactly.selectors.as_deref().unwrap_or_default();
            selectors
                .iter()
                .any(|selector| selector.cel.is_some())
                .then_some(CelRequest {
                    index,
                    count: exactly.count.unwrap_or(0),
                    class: &exactly.device_class_name,
                    selectors,
                })
        })
        .collect()
}

/// Returns the slices whose devices the check searches. Before v0.19.0, and whenever some
/// CEL request's class has neither counter nor capacity sources, that is every slice, with
/// no pool or generation filter. Otherwise it is the slices of those sources' drivers,
/// each driver once, in the order the sources name them.
fn device_universe<'a>(
    requests: &[CelRequest<'_>],
    slices: &'a [ResourceSlice],
    context: &DraContext<'_>,
) -> Vec<&'a ResourceSlice> {
    let needs_all = !context.rules.universe_by_driver
        || requests.iter().any(|request| {
            !crate::sources::has_sources(context, request.class, SourceKind::Counter)
                && !crate::sources::has_sources(context, request.class, SourceKind::Capacity)
        });
    if needs_all {
        return slices.iter().collect();
    }

    let mut drivers: Vec<String> = Vec::new();
    for request in requests {
        for driver in crate::sources::source_drivers(context, request.class) {
            if !drivers.contains(&driver) {
                drivers.push(driver);
            }
        }
    }
    drivers
        .iter()
        .flat_map(|driver| slices_of_driver(slices, driver))
        .collect()
}
