//! Per-pod requests as Kueue computes them before DRA: limits copied into missing requests,
//! Kubernetes' `PodRequests`, excluded prefixes and resource transformations.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, PodSpec, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as ApiQuantity;
use kueue_api::config::v1beta2::ResourceTransformation;

use crate::quantity::{Format, Quantity, resource_value};

/// Resource names to parsed quantities, in name order.
pub(crate) type ResourceList = BTreeMap<String, Quantity>;

/// A container's parsed resources.
#[derive(Debug, Clone, Default)]
pub(crate) struct ContainerResources {
    pub name: String,
    pub requests: ResourceList,
    pub limits: ResourceList,
    /// `restartPolicy: Always` on an init container: a sidecar.
    pub restartable: bool,
}

/// The parts of a pod spec that decide its requests.
#[derive(Debug, Clone, Default)]
pub(crate) struct PodResources {
    pub init_containers: Vec<ContainerResources>,
    pub containers: Vec<ContainerResources>,
    pub overhead: Option<ResourceList>,
    /// Pod-level `resources`, when the spec sets the field.
    pub pod_level: Option<(ResourceList, ResourceList)>,
}

impl PodResources {
    /// Parses the resources of `spec`. Each quantity that does not parse is left out and
    /// described in `notes`, because the API server rejects such an object.
    pub(crate) fn parse(spec: &PodSpec, pod_set: &str, notes: &mut Vec<String>) -> Self {
        let parse_containers = |containers: Option<&Vec<Container>>, notes: &mut Vec<String>| {
            containers
                .into_iter()
                .flatten()
                .map(|container| parse_container(container, pod_set, notes))
                .collect()
        };
        let init_containers = parse_containers(spec.init_containers.as_ref(), notes);
        let containers = parse_containers(Some(&spec.containers), notes);
        let overhead = spec.overhead.as_ref().map(|overhead| {
            parse_list(
                overhead,
                &format!("the overhead of pod set `{pod_set}`"),
                notes,
            )
        });
        let pod_level = spec.resources.as_ref().map(|resources| {
            let place = format!("the pod-level resources of pod set `{pod_set}`");
            parse_requirements(resources, &place, notes)
        });
        Self {
            init_containers,
            containers,
            overhead,
            pod_level,
        }
    }

    /// Copies each limit into a missing request, for init containers, containers and
    /// pod-level resources, as Kueue's `AdjustResources` does last.
    pub(crate) fn use_limits_as_missing_requests(&mut self) {
        for container in self
            .init_containers
            .iter_mut()
            .chain(self.containers.iter_mut())
        {
            merge_keep_first(&mut container.requests, &container.limits);
        }
        if let Some((requests, limits)) = &mut self.pod_level {
            merge_keep_first(requests, limits);
        }
    }

    /// Returns the requests of one pod as Kubernetes' `PodRequests` computes them with
    /// default options: the larger of the init-container peak and the sum of containers and
    /// sidecars, pod-level requests where set, plus overhead.
    pub(crate) fn pod_requests(&self) -> ResourceList {
        let mut requests = ResourceList::new();
        for container in &self.containers {
            add_list(&mut requests, &container.requests);
        }

        // An init container runs beside the sidecars started before it, so its use is its
        // own requests plus theirs. Sidecars also run beside the regular containers.
        let mut sidecars = ResourceList::new();
        let mut init_peak = ResourceList::new();
        for container in &self.init_containers {
            let in_use = if container.restartable {
                add_list(&mut requests, &container.requests);
                add_list(&mut sidecars, &container.requests);
                sidecars.clone()
            } else {
                let mut in_use = ResourceList::new();
                add_list(&mut in_use, &container.requests);
                add_list(&mut in_use, &sidecars);
                in_use
            };
            max_list(&mut init_peak, &in_use);
        }
        max_list(&mut requests, &init_peak);

        if let Some((pod_requests, _)) = &self.pod_level {
            let supported =
                |name: &str| name == "cpu" || name == "memory" || name.starts_with("hugepages-");
            if pod_requests.keys().any(|name| supported(name)) {
                for (name, quantity) in pod_requests {
                    if supported(name) {
                        requests.insert(name.clone(), quantity.clone());
                    }
                }
            }
        }

        if let Some(overhead) = &self.overhead {
            add_list(&mut requests, overhead);
        }
        requests
    }
}

fn parse_container(
    container: &Container,
    pod_set: &str,
    notes: &mut Vec<String>,
) -> ContainerResources {
    let place = format!("container `{}` of pod set `{pod_set}`", container.name);
    let (requests, limits) = container
        .resources
        .as_ref()
        .map(|resources| parse_requirements(resources, &place, notes))
        .unwrap_or_default();
    ContainerResources {
        name: container.name.clone(),
        requests,
        limits,
        restartable: container.restart_policy.as_deref() == Some("Always"),
    }
}

fn parse_requirements(
    resources: &ResourceRequirements,
    place: &str,
    notes: &mut Vec<String>,
) -> (ResourceList, ResourceList) {
    let requests = resources
        .requests
        .as_ref()
        .map(|list| parse_list(list, &format!("the requests of {place}"), notes))
        .unwrap_or_default();
    let limits = resources
        .limits
        .as_ref()
        .map(|list| parse_list(list, &format!("the limits of {place}"), notes))
        .unwrap_or_default();
    (requests, limits)
}

/// Parses a Kubernetes resource list; `place` names it in the note for a bad quantity.
pub(crate) fn parse_list(
    list: &BTreeMap<String, ApiQuantity>,
    place: &str,
    notes: &mut Vec<String>,
) -> ResourceList {
    let mut parsed = ResourceList::new();
    for (name, quantity) in list {
        match Quantity::parse(&quantity.0) {
            Ok(value) => {
                parsed.insert(name.clone(), value);
            }
            Err(error) => notes.push(format!(
                "Resource `{name}` in {place} was left out of the charge because of an {error}; the API server rejects such an object."
            )),
        }
    }
    parsed
}

/// Adds `other` into `list` name by name, as Kubernetes' `addResourceList`.
pub(crate) fn add_list(list: &mut ResourceList, other: &ResourceList) {
    for (name, quantity) in other {
        match list.get_mut(name) {
            Some(existing) => existing.add(quantity),
            None => {
                list.insert(name.clone(), quantity.clone());
            }
        }
    }
}

/// Keeps the larger value per name, as Kubernetes' `maxResourceList`.
fn max_list(list: &mut ResourceList, other: &ResourceList) {
    for (name, quantity) in other {
        let larger = list
            .get(name)
            .is_none_or(|existing| quantity.cmp_value(existing) == Ordering::Greater);
        if larger {
            list.insert(name.clone(), quantity.clone());
        }
    }
}

/// Adds the names of `other` missing from `list`, as Kueue's `MergeResourceListKeepFirst`.
pub(crate) fn merge_keep_first(list: &mut ResourceList, other: &ResourceList) {
    for (name, quantity) in other {
        list.entry(name.clone()).or_insert_with(|| quantity.clone());
    }
}

/// Keeps the smaller value per name, the first on a tie, as Kueue's
/// `MergeResourceListKeepMin`.
pub(crate) fn merge_keep_min(list: &mut ResourceList, other: &ResourceList) {
    for (name, quantity) in other {
        match list.get_mut(name) {
            Some(existing) if existing.cmp_value(quantity) == Ordering::Greater => {
                *existing = quantity.clone();
            }
            Some(_) => {}
            None => {
                list.insert(name.clone(), quantity.clone());
            }
        }
    }
}

/// Returns, in name order, the resources in both lists whose int64 value in `list` is
/// greater than in `other`, as Kueue's `GreaterKeys`. Values are compared as
/// [`resource_value`] computes them, so cpu is compared in whole millicores and the rest in
/// whole units, each rounded up.
pub(crate) fn greater_keys(list: &ResourceList, other: &ResourceList) -> Vec<String> {
    list.iter()
        .filter(|(name, quantity)| {
            other
                .get(name.as_str())
                .is_some_and(|limit| resource_value(name, quantity) > resource_value(name, limit))
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// Keeps the larger value per name, the first on a tie, as Kueue's
/// `MergeResourceListKeepMax`.
pub(crate) fn merge_keep_max(list: &mut ResourceList, other: &ResourceList) {
    for (name, quantity) in other {
        match list.get_mut(name) {
            Some(existing) if existing.cmp_value(quantity) == Ordering::Less => {
                *existing = quantity.clone();
            }
            Some(_) => {}
            None => {
                list.insert(name.clone(), quantity.clone());
            }
        }
    }
}

/// Removes the resources whose names start with one of `prefixes`, as Kueue's
/// `excludeResourcePrefixes`.
pub(crate) fn drop_excluded(list: &mut ResourceList, prefixes: &[String]) {
    list.retain(|name, _| {
        !prefixes
            .iter()
            .any(|prefix| name.starts_with(prefix.as_str()))
    });
}

/// Applies Kueue v0.19.2's resource transformations to one pod's requests.
///
/// Each transformed input adds its outputs (input times factor, times the `multiplyBy`
/// resource when set), kept apart from the requests until the end. A negative generated
/// total becomes zero. `Retain`, the default, keeps the input; any other strategy drops it.
/// When two transformations name the same input, the later one applies, as Kueue's map does.
pub(crate) fn apply_transformations(
    input: &ResourceList,
    transformations: &[ResourceTransformation],
    notes: &mut Vec<String>,
) -> ResourceList {
    let mut by_input: BTreeMap<&str, &ResourceTransformation> = BTreeMap::new();
    for transformation in transformations {
        by_input.insert(transformation.input.as_str(), transformation);
    }
    if !input
        .keys()
        .any(|name| by_input.contains_key(name.as_str()))
    {
        return input.clone();
    }

    let mut retained = ResourceList::new();
    let mut generated = ResourceList::new();
    for (name, quantity) in input {
        let Some(transformation) = by_input.get(name.as_str()) else {
            retained.insert(name.clone(), quantity.clone());
            continue;
        };

        let mut base = quantity.clone();
        let multiplier_name = transformation
            .multiply_by
            .as_deref()
            .filter(|name| !name.is_empty());
        if let Some(multiplier) = multiplier_name.and_then(|name| input.get(name)) {
            base = quantity.multiply(multiplier);
        }

        let place = format!(
            "the outputs of the transformation of `{}`",
            transformation.input
        );
        let factors = parse_list(&transformation.outputs, &place, notes);
        let outputs: ResourceList = factors
            .iter()
            .map(|(output, factor)| (output.clone(), base.multiply(factor)))
            .collect();
        add_list(&mut generated, &outputs);

        if transformation.strategy.as_deref().unwrap_or("Retain") == "Retain" {
            retained.insert(name.clone(), quantity.clone());
        }
    }

    for quantity in generated.values_mut() {
        if quantity.sign() == Ordering::Less {
            *quantity = Quantity::from_int(0, Format::DecimalSI);
        }
    }
    add_list(&mut retained, &generated);
    retained
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn container(name: &str, requests: &[(&str, &str)], restartable: bool) -> ContainerResources {
        ContainerResources {
            name: name.to_owned(),
            requests: list(requests),
            limits: ResourceList::new(),
            restartable,
        }
    }

    fn milli(list: &ResourceList, name: &str) -> i64 {
        list.get(name).map_or(0, Quantity::safe_milli_value)
    }

    #[test]
    fn init_peak_wins_over_smaller_sum() {
        let pod = PodResources {
            init_containers: vec![container("init", &[("cpu", "4")], false)],
            containers: vec![
                container("a", &[("cpu", "1")], false),
                container("b", &[("cpu", "2")], false),
            ],
            ..Default::default()
        };

        assert_eq!(milli(&pod.pod_requests(), "cpu"), 4000);
    }

    #[test]
    fn sidecars_add_to_containers_and_later_inits() {
        // A sidecar of 1 runs beside the containers (sum 1 + 2 = 3) and beside the later init
        // container (1 + 3 = 4), so the peak is 4.
        let pod = PodResources {
            init_containers: vec![
                container("sidecar", &[("cpu", "1")], true),
                container("init", &[("cpu", "3")], false),
            ],
            containers: vec![container("main", &[("cpu", "2")], false)],
            ..Default::default()
        };

        assert_eq!(milli(&pod.pod_requests(), "cpu"), 4000);
    }

    #[test]
    fn overhead_is_added() {
        let pod = PodResources {
            containers: vec![container("main", &[("cpu", "1")], false)],
            overhead: Some(list(&[("cpu", "250m")])),
            ..Default::default()
        };

        assert_eq!(milli(&pod.pod_requests(), "cpu"), 1250);
    }

    #[test]
    fn pod_level_requests_replace_container_sum() {
        let pod = PodResources {
            containers: vec![container(
                "main",
                &[("cpu", "1"), ("example.com/gpu", "1")],
                false,
            )],
            pod_level: Some((
                list(&[("cpu", "3"), ("example.com/gpu", "5")]),
                ResourceList::new(),
            )),
            ..Default::default()
        };

        let requests = pod.pod_requests();

        assert_eq!(milli(&requests, "cpu"), 3000);
        assert_eq!(milli(&requests, "example.com/gpu"), 1000);
    }

    #[test]
    fn limits_fill_only_missing_requests() {
        let mut pod = PodResources {
            containers: vec![ContainerResources {
                name: "main".to_owned(),
                requests: list(&[("cpu", "1")]),
                limits: list(&[("cpu", "2"), ("memory", "1Gi")]),
                restartable: false,
            }],
            ..Default::default()
        };

        pod.use_limits_as_missing_requests();

        let requests = &pod.containers[0].requests;
        assert_eq!(milli(requests, "cpu"), 1000);
        assert_eq!(
            requests.get("memory").map(Quantity::safe_value),
            Some(1_073_741_824)
        );
    }

    #[test]
    fn excluded_prefixes_are_dropped() {
        let mut requests = list(&[("cpu", "1"), ("networking.example.com/vpc", "1")]);

        drop_excluded(&mut requests, &["networking.example.com/".to_owned()]);

        assert_eq!(requests.keys().collect::<Vec<_>>(), ["cpu"]);
    }

    #[test]
    fn transformation_replaces_input_with_outputs() {
        let transformation = ResourceTransformation {
            input: "nvidia.com/mig-1g.5gb".to_owned(),
            strategy: Some("Replace".to_owned()),
            multiply_by: None,
            outputs: BTreeMap::from([
                (
                    "example.com/gpu-memory".to_owned(),
                    ApiQuantity("5Gi".to_owned()),
                ),
                (
                    "example.com/credits".to_owned(),
                    ApiQuantity("-1".to_owned()),
                ),
            ]),
        };
        let mut notes = Vec::new();

        let result = apply_transformations(
            &list(&[("nvidia.com/mig-1g.5gb", "2")]),
            &[transformation],
            &mut notes,
        );

        assert!(!result.contains_key("nvidia.com/mig-1g.5gb"));
        assert_eq!(
            result
                .get("example.com/gpu-memory")
                .map(Quantity::safe_value),
            Some(10_737_418_240)
        );
        assert_eq!(
            result.get("example.com/credits").map(Quantity::safe_value),
            Some(0)
        );
        assert!(notes.is_empty());
    }

    #[test]
    fn transformation_multiplies_and_retains() {
        let transformation = ResourceTransformation {
            input: "example.com/gpu".to_owned(),
            strategy: None,
            multiply_by: Some("example.com/slices".to_owned()),
            outputs: BTreeMap::from([(
                "example.com/credits".to_owned(),
                ApiQuantity("1.5".to_owned()),
            )]),
        };
        let input = list(&[("example.com/gpu", "2"), ("example.com/slices", "3")]);
        let mut notes = Vec::new();

        let result = apply_transformations(&input, &[transformation], &mut notes);

        assert_eq!(
            result.get("example.com/gpu").map(Quantity::safe_value),
            Some(2)
        );
        assert_eq!(
            result.get("example.com/credits").map(Quantity::safe_value),
            Some(9)
        );
    }
}
