//! Kueue v0.19.2's `AdjustResources` (RuntimeClass overhead, LimitRange defaults, limits
//! copied into missing requests) and the request checks its scheduler runs before it
//! reserves quota, from `pkg/workload/resources.go`.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::api::node::v1::RuntimeClass;

use crate::field::{BadValue, FieldError, aggregate_message};
use crate::limit_range::LimitRangeSummary;
use crate::requests::{PodResources, ResourceList, greater_keys, parse_list};

/// Kueue's detail for a container whose request is above its own limit.
const REQUESTS_EXCEED_LIMITS_MESSAGE: &str = "requests must not exceed its limits";

/// Kueue's prefix for requests above limits.
const INVALID_RESOURCES_PREFIX: &str = "resources validation failed";

/// Kueue's prefix for requests outside a LimitRange's bounds.
const LIMIT_RANGE_PREFIX: &str = "resources didn't satisfy LimitRange constraints";

/// Returns one pod set's resources as Kueue's `AdjustResources` leaves them: RuntimeClass
/// overhead when the template names a RuntimeClass and sets no overhead, then the
/// LimitRange defaults, then each limit copied into a missing request.
///
/// `runtime_classes` is `None` when the caller gave none; a template that then needs one
/// gets a note instead of an overhead.
pub(crate) fn adjust_resources(
    raw: &PodResources,
    spec: &PodSpec,
    pod_set: &str,
    runtime_classes: Option<&[RuntimeClass]>,
    limit_ranges: &LimitRangeSummary,
    notes: &mut Vec<String>,
) -> PodResources {
    let mut pod = raw.clone();
    if let Some(overhead) = runtime_class_overhead(spec, pod_set, runtime_classes, notes) {
        pod.overhead = Some(overhead);
    }
    limit_ranges.apply_defaults(&mut pod);
    pod.use_limits_as_missing_requests();
    pod
}

/// Returns the overhead Kueue's `handlePodOverhead` sets on a template, or `None` when it
/// leaves the template as it is.
///
/// Kueue looks the RuntimeClass up only when the template names one and its `overhead` is
/// empty, and then copies `overhead.podFixed`. A RuntimeClass that does not exist is only
/// logged by Kueue, so the pod is charged no overhead.
fn runtime_class_overhead(
    spec: &PodSpec,
    pod_set: &str,
    runtime_classes: Option<&[RuntimeClass]>,
    notes: &mut Vec<String>,
) -> Option<ResourceList> {
    let class_name = spec.runtime_class_name.as_deref()?;
    let has_overhead = spec
        .overhead
        .as_ref()
        .is_some_and(|overhead| !overhead.is_empty());
    if has_overhead {
        return None;
    }

    let Some(runtime_classes) = runtime_classes else {
        notes.push(format!(
            "Pod set `{pod_set}` uses RuntimeClass `{class_name}`, but no RuntimeClasses were given, so its pod overhead is not charged."
        ));
        return None;
    };
    let Some(runtime_class) = runtime_classes
        .iter()
        .find(|runtime_class| runtime_class.metadata.name.as_deref() == Some(class_name))
    else {
        notes.push(format!(
            "RuntimeClass `{class_name}` of pod set `{pod_set}` was not found, so Kueue charges no pod overhead for it."
        ));
        return None;
    };

    let pod_fixed = runtime_class.overhead.as_ref()?.pod_fixed.as_ref()?;
    let place = format!("the overhead.podFixed of RuntimeClass `{class_name}`");
    Some(parse_list(pod_fixed, &place, notes))
}

/// Returns the QuotaReserved message Kueue's scheduler writes when the adjusted requests
/// fail its checks, or `None` when they pass.
///
/// The checks are Kueue's `ValidateResources` (no request above its own limit), then, only
/// when that passes, `ValidateLimitRange` (the namespace's `min` and `max`). `pods` contains
/// the adjusted resources of every pod set, in the Workload's order.
pub(crate) fn admissibility_message(
    pods: &[PodResources],
    limit_ranges: &LimitRangeSummary,
) -> Option<String> {
    let paths = (0..pods.len()).map(|index| format!("spec.podSets[{index}].template.spec"));

    let errors: Vec<FieldError> = pods
        .iter()
        .zip(paths.clone())
        .flat_map(|(pod, path)| requests_within_limits(pod, &path))
        .collect();
    if !errors.is_empty() {
        return Some(format!(
            "{INVALID_RESOURCES_PREFIX}: {}",
            aggregate_message(&errors)
        ));
    }

    let errors: Vec<FieldError> = pods
        .iter()
        .zip(paths)
        .flat_map(|(pod, path)| limit_ranges.validate(pod, &path))
        .collect();
    if !errors.is_empty() {
        return Some(format!(
            "{LIMIT_RANGE_PREFIX}: {}",
            aggregate_message(&errors)
        ));
    }
    None
}

/// Checks that no request is above its limit, as Kueue's `ValidateResources`: per init
/// container, per container, then pod-level resources.
fn requests_within_limits(pod: &PodResources, path: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let groups = [
        ("initContainers", &pod.init_containers),
        ("containers", &pod.containers),
    ];
    for (field, containers) in groups {
        for (index, container) in containers.iter().enumerate() {
            let names = greater_keys(&container.requests, &container.limits);
            if !names.is_empty() {
                errors.push(FieldError::invalid(
                    format!("{path}.{field}[{index}]"),
                    BadValue::ResourceNames(names),
                    REQUESTS_EXCEED_LIMITS_MESSAGE,
                ));
            }
        }
    }
    if let Some((requests, limits)) = &pod.pod_level {
        let names = greater_keys(requests, limits);
        if !names.is_empty() {
            errors.push(FieldError::invalid(
                format!("{path}.resources"),
                BadValue::ResourceNames(names),
                REQUESTS_EXCEED_LIMITS_MESSAGE,
            ));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use k8s_openapi::api::node::v1::Overhead;
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity as ApiQuantity;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    use super::*;
    use crate::quantity::Quantity;
    use crate::requests::ContainerResources;

    fn api_list(entries: &[(&str, &str)]) -> BTreeMap<String, ApiQuantity> {
        entries
            .iter()
            .map(|(name, value)| ((*name).to_owned(), ApiQuantity((*value).to_owned())))
            .collect()
    }

    fn list(entries: &[(&str, &str)]) -> ResourceList {
        entries
            .iter()
            .map(|(name, value)| {
                (
                    (*name).to_owned(),
                    Quantity::parse(value).expect("valid quantity"),
                )
            })
            .collect()
    }

    fn runtime_class(name: &str, pod_fixed: Option<&[(&str, &str)]>) -> RuntimeClass {
        RuntimeClass {
            metadata: ObjectMeta {
                name: Some(name.to_owned()),
                ..Default::default()
            },
            handler: name.to_owned(),
            overhead: pod_fixed.map(|entries| Overhead {
                pod_fixed: Some(api_list(entries)),
            }),
            ..Default::default()
        }
    }

    fn spec_with_runtime_class(name: &str) -> PodSpec {
        PodSpec {
            runtime_class_name: Some(name.to_owned()),
            ..Default::default()
        }
    }

    fn container(requests: &[(&str, &str)], limits: &[(&str, &str)]) -> ContainerResources {
        ContainerResources {
            name: "main".to_owned(),
            requests: list(requests),
            limits: list(limits),
            restartable: false,
        }
    }

    #[test]
    fn runtime_class_overhead_is_copied() {
        let classes = [runtime_class("kata", Some(&[("cpu", "250m")]))];
        let mut notes = Vec::new();

        let overhead = runtime_class_overhead(
            &spec_with_runtime_class("kata"),
            "main",
            Some(&classes),
            &mut notes,
        );

        let overhead = overhead.expect("an overhead");
        assert_eq!(overhead["cpu"].to_string(), "250m");
        assert!(notes.is_empty());
    }

    #[test]
    fn empty_overhead_takes_runtime_class() {
        let classes = [runtime_class("kata", Some(&[("cpu", "250m")]))];
        let spec = PodSpec {
            overhead: Some(BTreeMap::new()),
            ..spec_with_runtime_class("kata")
        };
        let mut notes = Vec::new();

        let overhead = runtime_class_overhead(&spec, "main", Some(&classes), &mut notes);

        assert!(overhead.is_some());
    }

    #[test]
    fn runtime_class_without_overhead_adds_nothing() {
        let classes = [runtime_class("runc", None)];
        let mut notes = Vec::new();

        let overhead = runtime_class_overhead(
            &spec_with_runtime_class("runc"),
            "main",
            Some(&classes),
            &mut notes,
        );

        assert!(overhead.is_none());
        assert!(notes.is_empty());
    }

    #[test]
    fn missing_runtime_class_is_noted() {
        let mut notes = Vec::new();

        let overhead = runtime_class_overhead(
            &spec_with_runtime_class("kata"),
            "main",
            Some(&[]),
            &mut notes,
        );

        assert!(overhead.is_none());
        assert_eq!(
            notes,
            [
                "RuntimeClass `kata` of pod set `main` was not found, so Kueue charges no pod overhead for it."
            ]
        );
    }

    #[test]
    fn runtime_classes_not_given_are_noted() {
        let mut notes = Vec::new();

        let overhead =
            runtime_class_overhead(&spec_with_runtime_class("kata"), "main", None, &mut notes);

        assert!(overhead.is_none());
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn request_above_limit_fails_validation() {
        let pods = [PodResources {
            init_containers: vec![container(&[("memory", "2Gi")], &[("memory", "1Gi")])],
            containers: vec![container(
                &[("cpu", "2"), ("memory", "1Gi")],
                &[("cpu", "1"), ("memory", "1Gi")],
            )],
            ..Default::default()
        }];

        let message = admissibility_message(&pods, &LimitRangeSummary::default());

        assert_eq!(
            message.as_deref(),
            Some(
                "resources validation failed: [spec.podSets[0].template.spec.initContainers[0]: Invalid value: [\"memory\"]: requests must not exceed its limits, spec.podSets[0].template.spec.containers[0]: Invalid value: [\"cpu\"]: requests must not exceed its limits]"
            )
        );
    }

    #[test]
    fn pod_level_request_above_limit_fails_validation() {
        let pods = [
            PodResources::default(),
            PodResources {
                pod_level: Some((list(&[("cpu", "3")]), list(&[("cpu", "2")]))),
                ..Default::default()
            },
        ];

        let message = admissibility_message(&pods, &LimitRangeSummary::default());

        assert_eq!(
            message.as_deref(),
            Some(
                "resources validation failed: spec.podSets[1].template.spec.resources: Invalid value: [\"cpu\"]: requests must not exceed its limits"
            )
        );
    }

    #[test]
    fn requests_within_limits_pass() {
        let pods = [PodResources {
            containers: vec![container(
                &[("cpu", "1")],
                &[("cpu", "1"), ("memory", "1Gi")],
            )],
            ..Default::default()
        }];

        assert!(admissibility_message(&pods, &LimitRangeSummary::default()).is_none());
    }
}
