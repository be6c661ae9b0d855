//! A namespace's LimitRanges as Kueue v0.19.2 reads them (`pkg/util/limitrange`): one
//! summary per limit type, the defaults it fills into pod templates, and its min/max check.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{LimitRange, LimitRangeItem};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as ApiQuantity;

use crate::field::{BadValue, FieldError};
use crate::requests::{
    ContainerResources, PodResources, ResourceList, greater_keys, merge_keep_first, merge_keep_max,
    merge_keep_min, parse_list,
};

/// Kueue's detail for a request or limit above a LimitRange `max`.
const ABOVE_MAX_MESSAGE: &str = "requests must not be above the limitRange max";

/// Kueue's detail for a request or limit below a LimitRange `min`.
const BELOW_MIN_MESSAGE: &str = "requests must not be below the limitRange min";

/// The limits of one type merged over every LimitRange in a namespace.
#[derive(Debug, Clone, Default)]
struct LimitSummary {
    /// The lowest `max` per resource.
    max: ResourceList,
    /// The highest `min` per resource.
    min: ResourceList,
    /// The first `default` (a limit) found per resource.
    default: ResourceList,
    /// The first `defaultRequest` found per resource.
    default_request: ResourceList,
}

/// The LimitRanges of one namespace, summarized as Kueue's `limitrange.Summarize` does.
///
/// Only the `Pod` and `Container` types matter to Kueue. `maxLimitRequestRatio` is merged by
/// Kueue but never checked, so it is not kept.
#[derive(Debug, Clone, Default)]
pub(crate) struct LimitRangeSummary {
    pod: Option<LimitSummary>,
    container: Option<LimitSummary>,
}

impl LimitRangeSummary {
    /// Summarizes `ranges`, which must all belong to the Workload's namespace.
    ///
    /// Each `Container` item first gets the API server's defaults, because Kueue reads
    /// LimitRanges as stored: a missing `default` is taken from `max`, then a missing
    /// `defaultRequest` from `default` and then from `min`. These only fill missing names, so
    /// a LimitRange that already went through the API server is unchanged.
    // NOTE: Kueue lists LimitRanges from its informer cache, whose order follows Go map
    // iteration, so when two of them set a default for the same resource either may win.
    // This takes the first in `ranges`.
    pub(crate) fn summarize<'r>(
        ranges: impl IntoIterator<Item = &'r LimitRange>,
        notes: &mut Vec<String>,
    ) -> Self {
        let mut summary = Self::default();
        for range in ranges {
            let range_name = format!(
                "{}/{}",
                range.metadata.namespace.as_deref().unwrap_or("default"),
                range.metadata.name.as_deref().unwrap_or_default()
            );
            for item in range.spec.iter().flat_map(|spec| spec.limits.iter()) {
                let target = match item.type_.as_str() {
                    "Pod" => &mut summary.pod,
                    "Container" => &mut summary.container,
                    _ => continue,
                };
                let parsed = parse_item(item, &range_name, notes);
                merge_item(target.get_or_insert_with(LimitSummary::default), &parsed);
            }
        }
        summary
    }

    /// Fills missing limits and requests from the defaults, as Kueue's `handlePodLimitRange`:
    /// `Container` defaults for every init container and container, and `Pod` defaults for
    /// pod-level resources when the pod sets them.
    pub(crate) fn apply_defaults(&self, pod: &mut PodResources) {
        if let Some(container_limits) = &self.container {
            for container in pod
                .init_containers
                .iter_mut()
                .chain(pod.containers.iter_mut())
            {
                merge_keep_first(&mut container.limits, &container_limits.default);
                merge_keep_first(&mut container.requests, &container_limits.default_request);
            }
        }
        if let (Some((requests, limits)), Some(pod_limits)) = (&mut pod.pod_level, &self.pod) {
            merge_keep_first(limits, &pod_limits.default);
            merge_keep_first(requests, &pod_limits.default_request);
        }
    }

    /// Checks one pod set against the `min` and `max` limits, as Kueue's
    /// `Summary.ValidatePodSpec`. `path` is the field path of the pod set's `template.spec`.
    ///
    /// A container fails `max` when the larger of its request and limit is above it, and
    /// `min` when the smaller is below it. A pod fails when its total requests, as
    /// `PodRequests` computes them with overhead, are above `max` or below `min`. Errors come
    /// in Kueue's order: init containers, containers, then the pod, `max` before `min`.
    pub(crate) fn validate(&self, pod: &PodResources, path: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Some(container_limits) = &self.container {
            let groups = [
                ("initContainers", &pod.init_containers),
                ("containers", &pod.containers),
            ];
            for (field, containers) in groups {
                for (index, container) in containers.iter().enumerate() {
                    let container_path = format!("{path}.{field}[{index}]");
                    validate_container(container, container_limits, &container_path, &mut errors);
                }
            }
        }
        if let Some(pod_limits) = &self.pod {
            let total = pod.pod_requests();
            push_if_any(
                &mut errors,
                path,
                greater_keys(&total, &pod_limits.max),
                ABOVE_MAX_MESSAGE,
            );
            push_if_any(
                &mut errors,
                path,
                greater_keys(&pod_limits.min, &total),
                BELOW_MIN_MESSAGE,
            );
        }
        errors
    }
}

fn validate_container(
    container: &ContainerResources,
    limits: &LimitSummary,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    let mut smallest = container.requests.clone();
    merge_keep_min(&mut smallest, &container.limits);
    let mut largest = container.requests.clone();
    merge_keep_max(&mut largest, &container.limits);

    push_if_any(
        errors,
        path,
        greater_keys(&largest, &limits.max),
        ABOVE_MAX_MESSAGE,
    );
    push_if_any(
        errors,
        path,
        greater_keys(&limits.min, &smallest),
        BELOW_MIN_MESSAGE,
    );
}

fn push_if_any(errors: &mut Vec<FieldError>, path: &str, names: Vec<String>, detail: &str) {
    if !names.is_empty() {
        errors.push(FieldError::invalid(
            path,
            BadValue::ResourceNames(names),
            detail,
        ));
    }
}

/// Merges one item into the summary of its type, as Kueue's `addToSummary`.
fn merge_item(summary: &mut LimitSummary, item: &LimitSummary) {
    merge_keep_min(&mut summary.max, &item.max);
    merge_keep_max(&mut summary.min, &item.min);
    merge_keep_first(&mut summary.default, &item.default);
    merge_keep_first(&mut summary.default_request, &item.default_request);
}

/// Parses one item, with the API server's defaults for the `Container` type.
fn parse_item(item: &LimitRangeItem, range_name: &str, notes: &mut Vec<String>) -> LimitSummary {
    let mut parse = |list: Option<&BTreeMap<String, ApiQuantity>>, field: &str| {
        list.map(|list| {
            let place = format!("the `{field}` of LimitRange `{range_name}`");
            parse_list(list, &place, notes)
        })
        .unwrap_or_default()
    };
    let mut parsed = LimitSummary {
        max: parse(item.max.as_ref(), "max"),
        min: parse(item.min.as_ref(), "min"),
        default: parse(item.default.as_ref(), "default"),
        default_request: parse(item.default_request.as_ref(), "defaultRequest"),
    };

    if item.type_ == "Container" {
        merge_keep_first(&mut parsed.default, &parsed.max);
        merge_keep_first(&mut parsed.default_request, &parsed.default);
        merge_keep_first(&mut parsed.default_request, &parsed.min);
    }
    parsed
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::LimitRangeSpec;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    use super::*;
    use crate::quantity::Quantity;

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

    fn limit_range(items: Vec<LimitRangeItem>) -> LimitRange {
        LimitRange {
            metadata: ObjectMeta {
                name: Some("limits".to_owned()),
                namespace: Some("team-a".to_owned()),
                ..Default::default()
            },
            spec: Some(LimitRangeSpec { limits: items }),
        }
    }

    fn container_item() -> LimitRangeItem {
        LimitRangeItem {
            type_: "Container".to_owned(),
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

    fn text(list: &ResourceList, name: &str) -> Option<String> {
        list.get(name).map(ToString::to_string)
    }

    fn summarize(ranges: &[LimitRange]) -> LimitRangeSummary {
        let mut notes = Vec::new();
        let summary = LimitRangeSummary::summarize(ranges, &mut notes);
        assert!(notes.is_empty(), "notes: {notes:?}");
        summary
    }

    #[test]
    fn summary_keeps_tightest_bounds_and_first_defaults() {
        let first = limit_range(vec![LimitRangeItem {
            max: Some(api_list(&[("cpu", "4")])),
            min: Some(api_list(&[("cpu", "100m")])),
            default_request: Some(api_list(&[("cpu", "1")])),
            ..container_item()
        }]);
        let second = limit_range(vec![LimitRangeItem {
            max: Some(api_list(&[("cpu", "2")])),
            min: Some(api_list(&[("cpu", "200m")])),
            default_request: Some(api_list(&[("cpu", "3")])),
            ..container_item()
        }]);

        let summary = summarize(&[first, second]);

        let container = summary.container.expect("a Container summary");
        assert_eq!(text(&container.max, "cpu").as_deref(), Some("2"));
        assert_eq!(text(&container.min, "cpu").as_deref(), Some("200m"));
        assert_eq!(
            text(&container.default_request, "cpu").as_deref(),
            Some("1")
        );
    }

    #[test]
    fn container_defaults_follow_api_server() {
        let range = limit_range(vec![LimitRangeItem {
            max: Some(api_list(&[("cpu", "4")])),
            min: Some(api_list(&[("memory", "64Mi")])),
            ..container_item()
        }]);

        let summary = summarize(&[range]);

        let container = summary.container.expect("a Container summary");
        assert_eq!(text(&container.default, "cpu").as_deref(), Some("4"));
        assert_eq!(
            text(&container.default_request, "cpu").as_deref(),
            Some("4")
        );
        assert_eq!(
            text(&container.default_request, "memory").as_deref(),
            Some("64Mi")
        );
    }

    #[test]
    fn pod_items_get_no_api_defaults() {
        let range = limit_range(vec![LimitRangeItem {
            type_: "Pod".to_owned(),
            max: Some(api_list(&[("cpu", "4")])),
            ..Default::default()
        }]);

        let summary = summarize(&[range]);

        let pod = summary.pod.expect("a Pod summary");
        assert!(pod.default.is_empty());
        assert!(pod.default_request.is_empty());
    }

    #[test]
    fn defaults_fill_only_missing_values() {
        let range = limit_range(vec![LimitRangeItem {
            default: Some(api_list(&[("cpu", "2"), ("memory", "1Gi")])),
            default_request: Some(api_list(&[("cpu", "1"), ("memory", "512Mi")])),
            ..container_item()
        }]);
        let summary = summarize(&[range]);
        let mut pod = PodResources {
            containers: vec![container(&[("cpu", "250m")], &[("memory", "2Gi")])],
            ..Default::default()
        };

        summary.apply_defaults(&mut pod);

        let main = &pod.containers[0];
        assert_eq!(text(&main.requests, "cpu").as_deref(), Some("250m"));
        assert_eq!(text(&main.requests, "memory").as_deref(), Some("512Mi"));
        assert_eq!(text(&main.limits, "cpu").as_deref(), Some("2"));
        assert_eq!(text(&main.limits, "memory").as_deref(), Some("2Gi"));
    }

    #[test]
    fn pod_defaults_need_pod_level_resources() {
        let range = limit_range(vec![LimitRangeItem {
            type_: "Pod".to_owned(),
            default_request: Some(api_list(&[("cpu", "1")])),
            ..Default::default()
        }]);
        let summary = summarize(&[range]);
        let mut without = PodResources::default();
        let mut with = PodResources {
            pod_level: Some((ResourceList::new(), ResourceList::new())),
            ..Default::default()
        };

        summary.apply_defaults(&mut without);
        summary.apply_defaults(&mut with);

        assert!(without.pod_level.is_none());
        let (requests, _) = with.pod_level.expect("pod-level resources");
        assert_eq!(text(&requests, "cpu").as_deref(), Some("1"));
    }

    #[test]
    fn container_above_max_and_below_min() {
        let range = limit_range(vec![LimitRangeItem {
            max: Some(api_list(&[("cpu", "1")])),
            min: Some(api_list(&[("memory", "1Gi")])),
            ..container_item()
        }]);
        let summary = summarize(&[range]);
        let pod = PodResources {
            init_containers: vec![container(&[("cpu", "500m")], &[("cpu", "2")])],
            containers: vec![container(
                &[("memory", "512Mi")],
                &[("cpu", "1"), ("memory", "2Gi")],
            )],
            ..Default::default()
        };

        let errors = summary.validate(&pod, "spec.podSets[0].template.spec");

        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "spec.podSets[0].template.spec.initContainers[0]: Invalid value: [\"cpu\"]: requests must not be above the limitRange max",
                "spec.podSets[0].template.spec.containers[0]: Invalid value: [\"memory\"]: requests must not be below the limitRange min",
            ]
        );
    }

    #[test]
    fn pod_total_is_checked_with_overhead() {
        let range = limit_range(vec![LimitRangeItem {
            type_: "Pod".to_owned(),
            max: Some(api_list(&[("cpu", "1")])),
            ..Default::default()
        }]);
        let summary = summarize(&[range]);
        let pod = PodResources {
            containers: vec![container(&[("cpu", "1")], &[])],
            overhead: Some(list(&[("cpu", "1m")])),
            ..Default::default()
        };

        let errors = summary.validate(&pod, "spec.podSets[0].template.spec");

        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].to_string(),
            "spec.podSets[0].template.spec: Invalid value: [\"cpu\"]: requests must not be above the limitRange max"
        );
    }

    #[test]
    fn values_compare_rounded_up() {
        // Memory is compared in whole bytes, each side rounded up, so 1.5 and 1.2 bytes are
        // both 2 and neither is greater.
        let range = limit_range(vec![LimitRangeItem {
            max: Some(api_list(&[("memory", "1200m")])),
            ..container_item()
        }]);
        let summary = summarize(&[range]);
        let pod = PodResources {
            containers: vec![container(&[("memory", "1500m")], &[("memory", "1500m")])],
            ..Default::default()
        };

        assert!(summary.validate(&pod, "spec").is_empty());
    }

    #[test]
    fn other_types_are_ignored() {
        let range = limit_range(vec![LimitRangeItem {
            type_: "PersistentVolumeClaim".to_owned(),
            max: Some(api_list(&[("storage", "1Gi")])),
            ..Default::default()
        }]);

        let summary = summarize(&[range]);

        assert!(summary.pod.is_none());
        assert!(summary.container.is_none());
    }
}
