//! Devices from ResourceSlices and the CEL selectors that match them, as Kueue's
//! `pkg/dra/claims.go` and `pkg/dra/counters.go` read them.

use std::collections::BTreeMap;

use k8s_openapi::api::resource::v1::{Device, DeviceSelector, ResourceSlice};

use crate::dra_cel::{self, CelDevice, Features, Selector};
use crate::field::{BadValue, FieldError};

/// Kueue compiles every selector with `dracel.Features{}`: no consumable-capacity field.
const KUEUE_FEATURES: Features = Features {
    consumable_capacity: false,
};

/// A device with the driver of the slice that publishes it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SliceDevice<'a> {
    pub driver: &'a str,
    pub device: &'a Device,
}

impl<'a> SliceDevice<'a> {
    /// Returns the device as a selector reads it. Kueue passes no `allowMultipleAllocations`.
    pub(crate) fn cel(&self) -> CelDevice<'a> {
        CelDevice {
            driver: self.driver,
            attributes: self.device.attributes.as_ref(),
            capacity: self.device.capacity.as_ref(),
            allow_multiple_allocations: None,
        }
    }
}

/// Compiles the CEL selectors among `selectors`, skipping the others, as Kueue's
/// `compileCELSelectors`. Errors are at `<path>[i].cel.expression` with the detail
/// `<context>: <compilation detail>`.
pub(crate) fn compile_selectors(
    selectors: &[DeviceSelector],
    path: &str,
    context: &str,
) -> (Vec<Selector>, Vec<FieldError>) {
    let mut compiled = Vec::new();
    let mut errors = Vec::new();
    for (index, selector) in selectors.iter().enumerate() {
        let Some(cel) = &selector.cel else {
            continue;
        };
        match dra_cel::compile(&cel.expression, KUEUE_FEATURES) {
            Ok(selector) => compiled.push(selector),
            Err(error) => errors.push(FieldError::invalid(
                format!("{path}[{index}].cel.expression"),
                BadValue::String(cel.expression.clone()),
                format!("{context}: {}", error.detail),
            )),
        }
    }
    (compiled, errors)
}

/// Returns whether every selector matches `device`, as Kueue's `evaluateSelectorsOnDevice`:
/// the first evaluation error or non-match ends the check.
pub(crate) fn matches_all(
    selectors: &[Selector],
    device: &SliceDevice<'_>,
) -> Result<bool, String> {
    let cel_device = device.cel();
    for selector in selectors {
        if !selector.matches(&cel_device)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Returns every device of every slice, in slice order, as Kueue's
/// `buildDeviceListFromSlices`: no pool or generation is checked.
pub(crate) fn all_devices<'a>(slices: &[&'a ResourceSlice]) -> Vec<SliceDevice<'a>> {
    slices
        .iter()
        .flat_map(|slice| {
            slice
                .spec
                .devices
                .iter()
                .flatten()
                .map(|device| SliceDevice {
                    driver: &slice.spec.driver,
                    device,
                })
        })
        .collect()
}

/// Returns the slices of `driver`, in input order, as a list by the `spec.driver` field.
pub(crate) fn slices_of_driver<'a>(
    slices: &'a [ResourceSlice],
    driver: &str,
) -> Vec<&'a ResourceSlice> {
    slices
        .iter()
        .filter(|slice| slice.spec.driver == driver)
        .collect()
}

/// Returns the devices of `driver`'s complete pools, as Kueue's `groupSlicesByPool` and
/// `isComplete`. Per pool, only the slices of the highest generation count, and a pool is
/// complete when their number equals its `resourceSliceCount`.
pub(crate) fn complete_pool_devices<'a>(
    slices: &'a [ResourceSlice],
    driver: &str,
) -> Vec<SliceDevice<'a>> {
    let mut pools: BTreeMap<&str, (i64, i64, Vec<&ResourceSlice>)> = BTreeMap::new();
    for slice in slices.iter().filter(|slice| slice.spec.driver == driver) {
        let pool = &slice.spec.pool;
        let generation = pool.generation;
        match pools.get_mut(pool.name.as_str()) {
            Some((highest, count, members)) if generation > *highest => {
                *highest = generation;
                *count = pool.resource_slice_count;
                *members = vec![slice];
            }
            Some((highest, _, members)) if generation == *highest => members.push(slice),
            Some(_) => {}
            None => {
                pools.insert(
                    &pool.name,
                    (generation, pool.resource_slice_count, vec![slice]),
                );
            }
        }
    }

    pools
        .into_values()
        .filter(|(_, count, members)| i64::try_from(members.len()).is_ok_and(|len| len == *count))
        .flat_map(|(_, _, members)| all_devices(&members))
        .collect()
}
