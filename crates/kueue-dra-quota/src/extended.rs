//! The extended-resource path: container requests for an extended resource that a DeviceClass
//! backs are charged as DRA devices, as each release's `pkg/dra/extended_resources.go`
//! (v0.17.0 and later).

use std::collections::BTreeSet;

use crate::claims::{DraContext, PodSetDra, has_capacity_sources, has_counter_sources};
use crate::explanation::{Charge, ChargePath};
use crate::field::{BadValue, FieldError};
use crate::quantity::{Format, Quantity};
use crate::requests::{ContainerResources, PodResources, ResourceList, add_list, merge_keep_max};
use crate::rules::ClassChoice;

/// The extended-resource charge of one pod set and the resource names it replaces.
#[derive(Debug, Clone, Default)]
pub(crate) struct PodSetExtended {
    pub dra: PodSetDra,
    /// Names removed from the pod's requests, so that the device is charged once.
    pub replaced: BTreeSet<String>,
}

/// One container's positive extended-resource requests and the field path of the container.
struct ContainerEntry<'a> {
    path: String,
    name: &'a str,
    resources: ResourceList,
}

/// Returns whether `name` is an extended resource by Kueue's rule: it contains `/`, does not
/// start with `kubernetes.io/`, and is not a `hugepages-` resource.
#[must_use]
pub fn is_extended_resource_name(name: &str) -> bool {
    name.contains('/') && !name.starts_with("kubernetes.io/") && !name.starts_with("hugepages-")
}

/// Returns whether any container requests, in its raw spec, a non-zero amount of an
/// extended resource that a DeviceClass backs. This is Kueue's trigger for DRA processing of
/// a Workload without claims; it reads requests before limits are copied into them.
pub(crate) fn requests_backed_extended_resource(
    pods: &[&PodResources],
    context: &DraContext<'_>,
) -> bool {
    pods.iter()
        .flat_map(|pod| pod.init_containers.iter().chain(pod.containers.iter()))
        .flat_map(|container| container.requests.iter())
        .any(|(name, quantity)| {
            !quantity.is_zero()
                && is_extended_resource_name(name)
                && (context.rules.trigger_on_any_extended_resource
                    || !context.index.classes_for_extended_resource(name).is_empty())
        })
}

/// Converts the DeviceClass-backed extended-resource requests of every pod set into DRA
/// charges, as Kueue's `ResolveExtendedResourceQuota`.
///
/// Per pod set and per resource name, the charge is the larger of the init-container maximum
/// and the sum over containers. Errors are collected over all names and pod sets and
/// returned together, as in Kueue.
pub(crate) fn resolve_extended_resources(
    pods: &[&PodResources],
    context: &DraContext<'_>,
) -> Result<Vec<PodSetExtended>, Vec<FieldError>> {
    if !context.rules.extended_per_name {
        return resolve_per_container(pods, context);
    }
    let mut result = Vec::with_capacity(pods.len());
    let mut errors = Vec::new();

    for (pod_set_index, pod) in pods.iter().enumerate() {
        let pod_path = format!("spec.podSets[{pod_set_index}].template.spec");
        let init_entries =
            collect_entries(&pod.init_containers, &format!("{pod_path}.initContainers"));
        let regular_entries = collect_entries(&pod.containers, &format!("{pod_path}.containers"));
        let entries = || init_entries.iter().chain(regular_entries.iter());

        let mut init_max = ResourceList::new();
        for entry in &init_entries {
            merge_keep_max(&mut init_max, &entry.resources);
        }
        let mut regular_sum = ResourceList::new();
        for entry in &regular_entries {
            add_list(&mut regular_sum, &entry.resources);
        }
        let mut pod_requests = init_max;
        merge_keep_max(&mut pod_requests, &regular_sum);

        // NOTE: Kueue walks these names in Go map order, so the order of several errors in
        // its message can vary between runs. This walks them in name order.
        let mut pod_set = PodSetExtended::default();
        for (name, quantity) in &pod_requests {
            let Some(selected) = context.index.selected_class_for_extended_resource(name) else {
                continue;
            };
            let class = selected.metadata.name.clone().unwrap_or_default();
            let first_path = entries()
                .find(|entry| entry.resources.contains_key(name))
                .map(|entry| entry.path.clone())
                .unwrap_or_default();

            let quota_key = match quota_key(name, &class, &first_path, context) {
                Ok(quota_key) => quota_key,
                Err(error) => {
                    errors.push(error);
                    continue;
                }
            };

            // The name is DRA-backed, so each container's amount must be an integer. Checking
            // per container keeps two fractional requests from summing to a whole one.
            let integer_errors = integer_errors(entries(), name);
            if !integer_errors.is_empty() {
                errors.extend(integer_errors);
                continue;
            }

            let Some(total) = quantity.as_int64() else {
                errors.push(FieldError::invalid(
                    format!("{first_path}.resources.requests.{name}"),
                    BadValue::String(quantity.to_string()),
                    "total extended resource quantity overflows int64",
                ));
                continue;
            };

            pod_set.replaced.insert(name.clone());
            let amount = ResourceList::from([(
                quota_key.clone(),
                Quantity::from_int(total, Format::DecimalSI),
            )]);
            add_list(&mut pod_set.dra.resources, &amount);
            pod_set.dra.charges.push(Charge {
                path: ChargePath::ExtendedResource,
                claim: None,
                template: None,
                request: None,
                resource: Some(name.clone()),
                source: None,
                containers: entries()
                    .filter(|entry| entry.resources.contains_key(name))
                    .map(|entry| entry.name.to_owned())
                    .collect(),
                device_class: class,
                per_pod: context.formatter.format(&quota_key, total),
                quota_key,
            });
        }
        result.push(pod_set);
    }

    if errors.is_empty() {
        Ok(result)
    } else {
        Err(errors)
    }
}

/// Converts extended resources as Kueue did before v0.18.6 and v0.19.2: each container's
/// non-zero requests (negative ones included) are converted on their own and summed by quota
/// key, then init containers are merged by maximum, regular containers by sum, and the two
/// by maximum, all by quota key. Errors are collected over every container.
fn resolve_per_container(
    pods: &[&PodResources],
    context: &DraContext<'_>,
) -> Result<Vec<PodSetExtended>, Vec<FieldError>> {
    let mut result = Vec::with_capacity(pods.len());
    let mut errors = Vec::new();
    for (pod_set_index, pod) in pods.iter().enumerate() {
        let pod_path = format!("spec.podSets[{pod_set_index}].template.spec");
        let mut pod_set = PodSetExtended::default();
        let mut init_max = ResourceList::new();
        let mut regular_sum = ResourceList::new();
        let groups = [
            (&pod.init_containers, "initContainers", true),
            (&pod.containers, "containers", false),
        ];
        for (containers, segment, init) in groups {
            for (index, container) in containers.iter().enumerate() {
                let path = format!("{pod_path}.{segment}[{index}]");
                let converted =
                    convert_container(container, &path, context, &mut pod_set, &mut errors);
                if init {
                    merge_keep_max(&mut init_max, &converted);
                } else {
                    add_list(&mut regular_sum, &converted);
                }
            }
        }
        merge_keep_max(&mut init_max, &regular_sum);
        pod_set.dra.resources = init_max;
        result.push(pod_set);
    }
    if errors.is_empty() {
        Ok(result)
    } else {
        Err(errors)
    }
}

/// Converts one container's DeviceClass-backed extended resources by quota key, as
/// `resolveContainerExtendedResources` before v0.18.6 and v0.19.2.
// NOTE: Kueue walks a container's requests in Go map order and lists the DeviceClasses of an
// extended resource from an informer index in Go map order too. This walks both by name, so
// the error order, and with several mapped classes the first-mapped class, can differ.
fn convert_container(
    container: &ContainerResources,
    path: &str,
    context: &DraContext<'_>,
    pod_set: &mut PodSetExtended,
    errors: &mut Vec<FieldError>,
) -> ResourceList {
    let mut converted = ResourceList::new();
    for (name, quantity) in &container.requests {
        if quantity.is_zero() || !is_extended_resource_name(name) {
            continue;
        }
        let classes = context.index.classes_for_extended_resource(name);
        if classes.is_empty() {
            continue;
        }
        let Some(amount) = quantity.as_int64() else {
            errors.push(FieldError::invalid(
                format!("{path}.resources.requests.{name}"),
                BadValue::String(quantity.to_string()),
                "extended resource quantity must be an integer",
            ));
            continue;
        };

        let mut quota_key = name.clone();
        let mut charged_class = classes
            .first()
            .and_then(|class| class.metadata.name.clone())
            .unwrap_or_default();
        let candidates: Vec<String> = match context.rules.class_choice {
            ClassChoice::FirstMapped => classes
                .iter()
                .filter_map(|class| class.metadata.name.clone())
                .collect(),
            ClassChoice::LatestCreated => context
                .index
                .selected_class_for_extended_resource(name)
                .and_then(|class| class.metadata.name.clone())
                .into_iter()
                .collect(),
        };
        if context.rules.class_choice == ClassChoice::LatestCreated
            && let Some(selected) = candidates.first()
        {
            charged_class.clone_from(selected);
        }
        for class in candidates {
            let Some(mapping) = context.index.mapping_for_class(&class) else {
                continue;
            };
            quota_key.clone_from(&mapping.name);
            charged_class.clone_from(&class);
            match quota_key_error(name, &class, path, context) {
                Some(error) => errors.push(error),
                None => break,
            }
        }

        pod_set.replaced.insert(name.clone());
        let amount = ResourceList::from([(
            quota_key.clone(),
            Quantity::from_int(amount, Format::DecimalSI),
        )]);
        add_list(&mut converted, &amount);
        pod_set.dra.charges.push(Charge {
            path: ChargePath::ExtendedResource,
            claim: None,
            template: None,
            request: None,
            resource: Some(name.clone()),
            source: None,
            containers: vec![container.name.clone()],
            device_class: charged_class,
            per_pod: quantity.to_string(),
            quota_key,
        });
    }
    converted
}

/// Returns the error for extended resource `name` resolving to a mapped `class` with counter
/// or capacity sources while their gate is on, reported at `path`.
fn quota_key_error(
    name: &str,
    class: &str,
    path: &str,
    context: &DraContext<'_>,
) -> Option<FieldError> {
    if context.gates.partitionable_devices && has_counter_sources(context.index, class) {
        return Some(FieldError::invalid(
            path,
            BadValue::TypedString(name.to_owned()),
            format!(
                "extended resource {name} resolves to DeviceClass {class} with counters configured; use ResourceClaimTemplates with CEL selectors for counter-based quota"
            ),
        ));
    }
    if context.gates.consumable_capacity && has_capacity_sources(context.index, class) {
        return Some(FieldError::invalid(
            path,
            BadValue::TypedString(name.to_owned()),
            format!(
                "extended resource {name} resolves to DeviceClass {class} with capacity sources configured; use ResourceClaimTemplates with capacity.requests for capacity-based quota"
            ),
        ));
    }
    None
}

/// Returns the quota resource for extended resource `name` backed by `class`: the class's
/// mapping name when it has one, otherwise `name`. A mapped class with counter or capacity
/// sources is an error, reported on the first container that requests `name`.
fn quota_key(
    name: &str,
    class: &str,
    first_path: &str,
    context: &DraContext<'_>,
) -> Result<String, FieldError> {
    let Some(mapping) = context.index.mapping_for_class(class) else {
        return Ok(name.to_owned());
    };
    if context.gates.partitionable_devices && has_counter_sources(context.index, class) {
        return Err(FieldError::invalid(
            first_path,
            BadValue::TypedString(name.to_owned()),
            format!(
                "extended resource {name} resolves to DeviceClass {class} with counters configured; use ResourceClaimTemplates with CEL selectors for counter-based quota"
            ),
        ));
    }
    if context.gates.consumable_capacity && has_capacity_sources(context.index, class) {
        return Err(FieldError::invalid(
            first_path,
            BadValue::TypedString(name.to_owned()),
            format!(
                "extended resource {name} resolves to DeviceClass {class} with capacity sources configured; use ResourceClaimTemplates with capacity.requests for capacity-based quota"
            ),
        ));
    }
    Ok(mapping.name.clone())
}

/// Returns one error per container whose request for `name` is not an int64 integer.
fn integer_errors<'e, 'c: 'e>(
    entries: impl Iterator<Item = &'e ContainerEntry<'c>>,
    name: &str,
) -> Vec<FieldError> {
    entries
        .filter_map(|entry| {
            let amount = entry.resources.get(name)?;
            amount.as_int64().is_none().then(|| {
                FieldError::invalid(
                    format!("{}.resources.requests.{name}", entry.path),
                    BadValue::String(amount.to_string()),
                    "extended resource quantity must be an integer",
                )
            })
        })
        .collect()
}

/// Collects each container's positive extended-resource requests. Zero and negative amounts
/// are dropped, so that they cannot offset another charge under the same quota key.
fn collect_entries<'a>(
    containers: &'a [ContainerResources],
    path: &str,
) -> Vec<ContainerEntry<'a>> {
    containers
        .iter()
        .enumerate()
        .filter_map(|(index, container)| {
            let resources: ResourceList = container
                .requests
                .iter()
                .filter(|(name, quantity)| {
                    quantity.sign() == std::cmp::Ordering::Greater
                        && is_extended_resource_name(name)
                })
                .map(|(name, quantity)| (name.clone(), quantity.clone()))
                .collect();
            (!resources.is_empty()).then(|| ContainerEntry {
                path: format!("{path}[{index}]"),
                name: &container.name,
                resources,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extended_resource_names_follow_kueue() {
        assert!(is_extended_resource_name("example.com/gpu"));
        assert!(is_extended_resource_name("requests.example.com/gpu"));
        assert!(is_extended_resource_name(
            "deviceclass.resource.kubernetes.io/gpu.example.com"
        ));
        assert!(!is_extended_resource_name("kubernetes.io/batch"));
        assert!(!is_extended_resource_name("cpu"));
        assert!(!is_extended_resource_name("hugepages-2Mi"));
    }
}
