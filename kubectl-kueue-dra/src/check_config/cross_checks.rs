//! The checks Kueue never makes: how the Configuration meets the DeviceClasses, queues and
//! workloads of the cluster.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::api::resource::v1::DeviceSelector;
use kueue_api::config::v1beta2::QuotaCheckStrategy;
use kueue_api::config::{Configuration, DeviceClassMapping};
use kueue_api::v1beta2::Workload;
use kueue_dra_cluster::{LoadError, LoadedWorkload, Snapshot};
use kueue_dra_index::DeviceClassIndex;
use kueue_dra_quota::dra_cel::{self, Features};
use kueue_dra_quota::{FeatureGates, Quantity, Release};

use super::findings::{Code, Finding, ObjectReference, Severity, finding};

/// The prefix of the extended resource name Kubernetes gives every DeviceClass implicitly.
const IMPLICIT_PREFIX: &str = "deviceclass.resource.kubernetes.io/";

/// The chosen release and the feature gates it resolves from the Configuration.
pub(crate) struct ReleaseContext {
    pub(crate) release: Release,
    pub(crate) gates: FeatureGates,
    /// Whether the `QuotaCheckStrategy` gate is on, without which Kueue ignores
    /// `quotaCheckStrategy`.
    pub(crate) quota_check_strategy: bool,
}

/// Runs every cross-check and returns the findings in a fixed order.
pub(crate) fn run(
    snapshot: &Snapshot,
    configuration: &Configuration,
    index: &DeviceClassIndex,
    context: &ReleaseContext,
) -> anyhow::Result<Vec<Finding>> {
    if !context.gates.dra_integration {
        return Ok(vec![finding(
            Severity::Info,
            Code::NotVerifiable,
            format!(
                "DRA processing is off in Kueue {} with this Configuration's feature gates, so \
                 Kueue charges no DRA quota and the DRA checks did not run",
                context.release
            ),
            Vec::new(),
            "turn on the DRA feature gate of this release if DRA quota is intended",
        )]);
    }

    let usage = Usage::collect(snapshot)?;
    let extended = ExtendedResources::resolve(snapshot, index, context);
    let keys = dra_keys(configuration, &extended);

    let mut findings = Vec::new();
    findings.extend(mapped_classes_missing(configuration, snapshot));
    findings.extend(classes_unmapped(&usage, index));
    findings.extend(keys_not_covered(configuration, snapshot, &keys, context));
    findings.extend(keys_without_quota(snapshot, &keys));
    findings.extend(classes_in_both_paths(&extended));
    findings.extend(shared_extended_resources(&extended, context.release));
    findings.extend(extended_resources_with_sources(&extended, index));
    findings.extend(implicit_extended_resources(&usage));
    findings.extend(transformations_double_charging(configuration, &extended));
    findings.extend(mapping_name_collisions(configuration, &usage, &extended));
    findings.extend(selectors_not_compiling(snapshot, context));
    findings.extend(source_names_unpublished(configuration, snapshot));
    findings.extend(wait_for_pods_ready(configuration, &keys));
    Ok(findings)
}

/// The DeviceClasses that the input's workloads use through templates, and the resource names
/// their containers request.
#[derive(Default)]
struct Usage {
    /// DeviceClass name → the ResourceClaimTemplates that request it.
    classes: BTreeMap<String, BTreeSet<ObjectReference>>,
    /// Resource name → the workloads whose containers request it (or set it as a limit).
    resources: BTreeMap<String, BTreeSet<ObjectReference>>,
}

impl Usage {
    fn collect(snapshot: &Snapshot) -> anyhow::Result<Self> {
        let mut usage = Self::default();
        for loaded in &snapshot.workloads {
            let (namespace, reference, workload) = pod_specs(loaded)?;
            let specs = template_specs(&workload);
            for spec in specs {
                usage.add_resources(spec, &reference);
                usage.add_classes(spec, &namespace, snapshot);
            }
        }
        Ok(usage)
    }

    fn add_resources(&mut self, spec: &PodSpec, workload: &ObjectReference) {
        let containers = spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten());
        let lists = containers
            .filter_map(|container| container.resources.as_ref())
            .flat_map(|resources| resources.requests.iter().chain(resources.limits.iter()));
        for list in lists {
            for name in list.keys() {
                self.resources
                    .entry(name.clone())
                    .or_default()
                    .insert(workload.clone());
            }
        }
    }

    fn add_classes(&mut self, spec: &PodSpec, namespace: &str, snapshot: &Snapshot) {
        let template_names = spec
            .resource_claims
            .iter()
            .flatten()
            .filter_map(|claim| claim.resource_claim_template_name.as_deref());
        for template_name in template_names {
            let template = snapshot.resource_claim_templates.iter().find(|template| {
                template.metadata.namespace.as_deref() == Some(namespace)
                    && template.metadata.name.as_deref() == Some(template_name)
            });
            let Some(template) = template else {
                continue;
            };
            let reference =
                ObjectReference::namespaced("ResourceClaimTemplate", namespace, template_name);
            let requests = template
                .spec
                .spec
                .devices
                .iter()
                .flat_map(|devices| devices.requests.iter().flatten());
            for request in requests {
                // Kueue rejects `firstAvailable` requests before it looks at their classes, so
                // only `exactly` requests need a mapping.
                let exact = request
                    .exactly
                    .iter()
                    .map(|exactly| &exactly.device_class_name);
                for class in exact.filter(|class| !class.is_empty()) {
                    self.classes
                        .entry(class.clone())
                        .or_default()
                        .insert(reference.clone());
                }
            }
        }
    }
}

/// Returns a workload's namespace, a reference to the object it was read from, and the
/// Workload itself, decoded when the loader kept it as text.
pub(super) fn pod_specs(
    loaded: &LoadedWorkload,
) -> Result<(String, ObjectReference, Cow<'_, Workload>), LoadError> {
    let workload = loaded.workload()?;
    let namespace = loaded.namespace().to_owned();
    let reference =
        ObjectReference::namespaced(&loaded.object.kind, &namespace, &loaded.object.name);
    Ok((namespace, reference, workload))
}

/// Returns the specs of a Workload's pod templates.
pub(super) fn template_specs(workload: &Workload) -> impl Iterator<Item = &PodSpec> {
    workload
        .spec
        .pod_sets
        .iter()
        .filter_map(|pod_set| pod_set.template.spec.as_ref())
}

/// The resolution of each extended resource name that a DeviceClass declares: the DeviceClass
/// Kueue charges its requests as, and the quota key. Empty when the release's
/// extended-resource gate is off.
struct ExtendedResources {
    resolved: BTreeMap<String, ResolvedName>,
}

struct ResolvedName {
    /// Every DeviceClass that declares the name, in name order.
    classes: Vec<String>,
    /// The DeviceClass Kueue charges requests as.
    class: String,
    /// The mapping name, when that DeviceClass is mapped.
    mapping: Option<String>,
}

impl ResolvedName {
    fn quota_key<'a>(&'a self, name: &'a str) -> &'a str {
        self.mapping.as_deref().unwrap_or(name)
    }
}

impl ExtendedResources {
    fn resolve(snapshot: &Snapshot, index: &DeviceClassIndex, context: &ReleaseContext) -> Self {
        if !context.gates.extended_resource {
            return Self {
                resolved: BTreeMap::new(),
            };
        }
        let newest_wins = newest_class_wins(context.release);
        let resolved = extended_resource_names(snapshot)
            .into_iter()
            .filter_map(|name| {
                let classes: Vec<String> = index
                    .classes_for_extended_resource(&name)
                    .iter()
                    .filter_map(|class| class.metadata.name.clone())
                    .collect();
                let mapping_of = |class: &str| {
                    index
                        .mapping_for_class(class)
                        .map(|mapping| mapping.name.clone())
                };
                // NOTE: before the newest-class rule, Kueue takes the first mapped class in
                // Go's map order; this takes the first mapped class by name.
                let class = if newest_wins {
                    index
                        .selected_class_for_extended_resource(&name)
                        .and_then(|class| class.metadata.name.clone())?
                } else {
                    classes
                        .iter()
                        .find(|class| mapping_of(class).is_some())
                        .or_else(|| classes.first())
                        .cloned()?
                };
                let mapping = mapping_of(&class);
                Some((
                    name,
                    ResolvedName {
                        classes,
                        class,
                        mapping,
                    },
                ))
            })
            .collect();
        Self { resolved }
    }
}

/// Returns whether `release` charges an extended resource as the most recently created
/// DeviceClass that declares it (v0.18.5, v0.19.1 and later), rather than as the first mapped
/// one.
fn newest_class_wins(release: Release) -> bool {
    match release {
        Release::Tagged { minor, patch } => match minor {
            18 => patch >= 5,
            19 => patch >= 1,
            _ => minor > 19,
        },
        Release::Main => true,
    }
}

/// Collects the quota keys DRA devices are charged under: every mapping name, and the quota
/// key each extended resource name resolves to.
fn dra_keys(configuration: &Configuration, extended: &ExtendedResources) -> BTreeSet<String> {
    let mapping_names = mappings(configuration)
        .iter()
        .map(|mapping| mapping.name.clone());
    let extended_keys = extended
        .resolved
        .iter()
        .map(|(name, resolved)| resolved.quota_key(name).to_owned());
    mapping_names.chain(extended_keys).collect()
}

fn mappings(configuration: &Configuration) -> &[DeviceClassMapping] {
    configuration
        .resources
        .as_ref()
        .map_or(&[][..], |resources| &resources.device_class_mappings[..])
}

fn extended_resource_names(snapshot: &Snapshot) -> BTreeSet<String> {
    snapshot
        .device_classes
        .iter()
        .filter_map(|class| class.spec.extended_resource_name.clone())
        .filter(|name| !name.is_empty())
        .collect()
}

fn device_class_ref(name: &str) -> ObjectReference {
    ObjectReference::cluster("DeviceClass", name)
}

fn not_verifiable(kind: &str, check: &str) -> Finding {
    finding(
        Severity::Info,
        Code::NotVerifiable,
        format!("the input has no {kind}, so {check} was not checked"),
        Vec::new(),
        &format!("pass the cluster's {kind} with -f to check it"),
    )
}

fn mapped_classes_missing(configuration: &Configuration, snapshot: &Snapshot) -> Vec<Finding> {
    let mapped: Vec<(&str, &str)> = mappings(configuration)
        .iter()
        .flat_map(|mapping| {
            mapping
                .device_class_names
                .iter()
                .map(move |class| (mapping.name.as_str(), class.as_str()))
        })
        .collect();
    if mapped.is_empty() {
        return Vec::new();
    }
    if snapshot.device_classes.is_empty() {
        return vec![not_verifiable(
            "DeviceClasses",
            "whether the mapped DeviceClasses exist",
        )];
    }

    let existing: BTreeSet<&str> = snapshot
        .device_classes
        .iter()
        .filter_map(|class| class.metadata.name.as_deref())
        .collect();
    mapped
        .into_iter()
        .filter(|(_, class)| !existing.contains(class))
        .map(|(mapping, class)| {
            finding(
                Severity::Warning,
                Code::MappedDeviceClassMissing,
                format!(
                    "deviceClassMappings entry `{mapping}` lists DeviceClass `{class}`, which \
                     does not exist"
                ),
                vec![device_class_ref(class)],
                "correct the DeviceClass name in the mapping, or create the DeviceClass",
            )
        })
        .collect()
}

fn classes_unmapped(usage: &Usage, index: &DeviceClassIndex) -> Vec<Finding> {
    usage
        .classes
        .iter()
        .filter(|(class, _)| index.mapping_for_class(class).is_none())
        .map(|(class, templates)| {
            let mut objects = vec![device_class_ref(class)];
            objects.extend(templates.iter().cloned());
            finding(
                Severity::Error,
                Code::DeviceClassUnmapped,
                format!(
                    "ResourceClaimTemplates request devices of DeviceClass `{class}`, which no \
                     deviceClassMappings entry lists: Kueue marks their workloads inadmissible \
                     (`DeviceClass {class} is not mapped in DRA configuration`)"
                ),
                objects,
                "add the DeviceClass to a deviceClassMappings entry and restart Kueue",
            )
        })
        .collect()
}

fn keys_not_covered(
    configuration: &Configuration,
    snapshot: &Snapshot,
    keys: &BTreeSet<String>,
    context: &ReleaseContext,
) -> Vec<Finding> {
    if keys.is_empty() {
        return Vec::new();
    }
    if snapshot.cluster_queues.is_empty() {
        return vec![not_verifiable(
            "ClusterQueues",
            "whether a ClusterQueue covers the DRA quota keys",
        )];
    }

    let covered: BTreeSet<&str> = snapshot
        .cluster_queues
        .iter()
        .flat_map(|queue| &queue.spec.resource_groups)
        .flat_map(|group| &group.covered_resources)
        .map(String::as_str)
        .collect();
    // Kueue reads quotaCheckStrategy only with the QuotaCheckStrategy gate on.
    let ignore_undeclared = context.quota_check_strategy
        && configuration
            .resources
            .as_ref()
            .and_then(|resources| resources.quota_check_strategy)
            == Some(QuotaCheckStrategy::IgnoreUndeclared);

    keys.iter()
        .filter(|key| !covered.contains(key.as_str()))
        .map(|key| {
            let (severity, effect) = if ignore_undeclared {
                (
                    Severity::Warning,
                    "with `quotaCheckStrategy: IgnoreUndeclared` Kueue charges no quota for it, \
                     so its devices are not limited",
                )
            } else {
                (
                    Severity::Error,
                    "Kueue cannot admit a workload that requests it (`resource unavailable in \
                     ClusterQueue`)",
                )
            };
            finding(
                severity,
                Code::KeyNotCovered,
                format!("no ClusterQueue covers the DRA quota key `{key}`: {effect}"),
                Vec::new(),
                &format!("add `{key}` to the coveredResources of the ClusterQueues that admit DRA workloads"),
            )
        })
        .collect()
}

fn keys_without_quota(snapshot: &Snapshot, keys: &BTreeSet<String>) -> Vec<Finding> {
    let mut quotas: BTreeMap<&str, Vec<(&str, bool)>> = BTreeMap::new();
    for queue in &snapshot.cluster_queues {
        let queue_name = queue.metadata.name.as_deref().unwrap_or_default();
        let resources = queue
            .spec
            .resource_groups
            .iter()
            .flat_map(|group| &group.flavors)
            .flat_map(|flavor| &flavor.resources);
        for resource in resources {
            let has_quota =
                Quantity::parse(&resource.nominal_quota.0).is_ok_and(|quota| !quota.is_zero());
            quotas
                .entry(resource.name.as_str())
                .or_default()
                .push((queue_name, has_quota));
        }
    }

    keys.iter()
        .filter_map(|key| {
            let entries = quotas.get(key.as_str())?;
            if entries.iter().any(|(_, has_quota)| *has_quota) {
                return None;
            }
            let queues: BTreeSet<&str> = entries.iter().map(|(queue, _)| *queue).collect();
            Some(finding(
                Severity::Warning,
                Code::KeyWithoutQuota,
                format!(
                    "the DRA quota key `{key}` is covered with a nominal quota of 0 in every \
                     flavor, so only borrowing can admit a workload that requests it"
                ),
                queues
                    .into_iter()
                    .map(|queue| ObjectReference::cluster("ClusterQueue", queue))
                    .collect(),
                &format!("set a nominalQuota for `{key}`"),
            ))
        })
        .collect()
}

fn classes_in_both_paths(extended: &ExtendedResources) -> Vec<Finding> {
    extended
        .resolved
        .iter()
        .filter_map(|(name, resolved)| {
            let mapping = resolved.mapping.as_deref()?;
            if mapping == name {
                return None;
            }
            let class = &resolved.class;
            Some(finding(
                Severity::Warning,
                Code::DeviceClassInBothPaths,
                format!(
                    "DeviceClass `{class}` is mapped to `{mapping}` and declares extended \
                     resource `{name}`: requests for `{name}` are charged under `{mapping}`, so \
                     quota for `{name}` is never used"
                ),
                vec![device_class_ref(class)],
                &format!(
                    "cover `{mapping}` in the ClusterQueues, or remove the DeviceClass from the \
                     mapping to charge `{name}`"
                ),
            ))
        })
        .collect()
}

fn shared_extended_resources(extended: &ExtendedResources, release: Release) -> Vec<Finding> {
    let rule = if newest_class_wins(release) {
        "the most recently created (on a tie, the first name in order), as the scheduler does"
    } else {
        "the first one with a deviceClassMappings entry, in an order that can change from run \
         to run"
    };
    extended
        .resolved
        .iter()
        .filter(|(_, resolved)| resolved.classes.len() > 1)
        .map(|(name, resolved)| {
            finding(
                Severity::Warning,
                Code::ExtendedResourceShared,
                format!(
                    "{} DeviceClasses declare extended resource `{name}`: Kueue {release} charges \
                     its requests as DeviceClass `{}`, {rule}",
                    resolved.classes.len(),
                    resolved.class
                ),
                resolved
                    .classes
                    .iter()
                    .map(|class| device_class_ref(class))
                    .collect(),
                "keep one DeviceClass per extended resource name",
            )
        })
        .collect()
}

fn extended_resources_with_sources(
    extended: &ExtendedResources,
    index: &DeviceClassIndex,
) -> Vec<Finding> {
    extended
        .resolved
        .iter()
        .filter_map(|(name, resolved)| {
            let class_name = resolved.class.as_str();
            let mapping = index.mapping_for_class(class_name)?;
            let kind = mapping.sources.iter().find_map(|source| {
                if source.counter.is_some() {
                    Some("counter")
                } else if source.capacity.is_some() {
                    Some("capacity")
                } else {
                    None
                }
            })?;
            Some(finding(
                Severity::Error,
                Code::ExtendedResourceWithSources,
                format!(
                    "extended resource `{name}` resolves to DeviceClass `{class_name}`, whose \
                     mapping `{}` has {kind} sources: Kueue marks workloads that request \
                     `{name}` inadmissible",
                    mapping.name
                ),
                vec![device_class_ref(class_name)],
                "request these devices through ResourceClaimTemplates instead of the extended \
                 resource",
            ))
        })
        .collect()
}

fn implicit_extended_resources(usage: &Usage) -> Vec<Finding> {
    usage
        .resources
        .iter()
        .filter(|(name, _)| name.starts_with(IMPLICIT_PREFIX))
        .map(|(name, workloads)| {
            let class = &name[IMPLICIT_PREFIX.len()..];
            finding(
                Severity::Warning,
                Code::ImplicitExtendedResource,
                format!(
                    "workloads request `{name}`: Kueue does not resolve this implicit name to \
                     DeviceClass `{class}` and charges it as an ordinary resource under that \
                     literal name"
                ),
                workloads.iter().cloned().collect(),
                &format!(
                    "set `extendedResourceName` on DeviceClass `{class}` and request that name, \
                     or cover `{name}` in the ClusterQueues"
                ),
            )
        })
        .collect()
}

fn transformations_double_charging(
    configuration: &Configuration,
    extended: &ExtendedResources,
) -> Vec<Finding> {
    let Some(resources) = configuration.resources.as_ref() else {
        return Vec::new();
    };
    let mapping_names: BTreeSet<&str> = resources
        .device_class_mappings
        .iter()
        .map(|mapping| mapping.name.as_str())
        .collect();

    let mut findings = Vec::new();
    for (position, transformation) in resources.transformations.iter().enumerate() {
        if extended.resolved.contains_key(&transformation.input) {
            findings.push(finding(
                Severity::Warning,
                Code::TransformationDoubleCharge,
                format!(
                    "resources.transformations[{position}] transforms `{}`, an extended \
                     resource backed by a DeviceClass: Kueue charges the device under its DRA \
                     quota key and charges the transformation's outputs as well",
                    transformation.input
                ),
                Vec::new(),
                "remove the transformation, or charge the device through one path only",
            ));
        }
        for output in transformation.outputs.keys() {
            if mapping_names.contains(output.as_str()) {
                findings.push(finding(
                    Severity::Warning,
                    Code::TransformationDoubleCharge,
                    format!(
                        "resources.transformations[{position}] outputs `{output}`, a \
                         deviceClassMappings name: the two charges add up in one bucket"
                    ),
                    Vec::new(),
                    "give the transformation's output another resource name",
                ));
            }
        }
    }
    findings
}

fn mapping_name_collisions(
    configuration: &Configuration,
    usage: &Usage,
    extended: &ExtendedResources,
) -> Vec<Finding> {
    mappings(configuration)
        .iter()
        .filter_map(|mapping| {
            // A request for an extended resource that the release resolves to a DeviceClass is
            // a DRA request, not an ordinary one.
            if extended.resolved.contains_key(&mapping.name) {
                return None;
            }
            let workloads = usage.resources.get(&mapping.name)?;
            Some(finding(
                Severity::Warning,
                Code::MappingNameCollision,
                format!(
                    "containers request `{}` as an ordinary resource, and a deviceClassMappings \
                     entry has the same name: Kueue adds both to one charge",
                    mapping.name
                ),
                workloads.iter().cloned().collect(),
                "give the mapping a name that no container requests",
            ))
        })
        .collect()
}

fn wait_for_pods_ready(configuration: &Configuration, keys: &BTreeSet<String>) -> Vec<Finding> {
    if keys.is_empty() || configuration.wait_for_pods_ready.is_some() {
        return Vec::new();
    }
    vec![finding(
        Severity::Warning,
        Code::WaitForPodsReadyDisabled,
        "DRA quota is configured but waitForPodsReady is not: a workload admitted on quota \
         whose devices the scheduler then cannot allocate keeps its quota without running"
            .to_owned(),
        Vec::new(),
        "set waitForPodsReady in the Kueue Configuration, so such workloads are evicted and \
         requeued after a timeout",
    )]
}

/// Compiles the CEL selectors of DeviceClasses and ResourceClaimTemplates. From v0.18 Kueue
/// compiles them when it charges a workload and marks the workload inadmissible when one
/// does not compile. Earlier releases reject every selector, which this check leaves alone.
fn selectors_not_compiling(snapshot: &Snapshot, context: &ReleaseContext) -> Vec<Finding> {
    if matches!(context.release, Release::Tagged { minor, .. } if minor < 18) {
        return Vec::new();
    }

    let mut findings = Vec::new();
    let mut check = |selectors: &[DeviceSelector], owner: ObjectReference, place: String| {
        for (position, selector) in selectors.iter().enumerate() {
            let Some(cel) = &selector.cel else {
                continue;
            };
            if let Err(error) = dra_cel::compile(&cel.expression, Features::default()) {
                findings.push(finding(
                    Severity::Error,
                    Code::CelDoesNotCompile,
                    format!(
                        "{place} selector {position} `{}` does not compile: {}",
                        cel.expression, error.detail
                    ),
                    vec![owner.clone()],
                    "correct the CEL expression; Kueue marks workloads that use it inadmissible",
                ));
            }
        }
    };

    for class in &snapshot.device_classes {
        let name = class.metadata.name.clone().unwrap_or_default();
        let selectors = class.spec.selectors.as_deref().unwrap_or_default();
        check(
            selectors,
            device_class_ref(&name),
            format!("DeviceClass `{name}`"),
        );
    }
    for template in &snapshot.resource_claim_templates {
        let name = template.metadata.name.clone().unwrap_or_default();
        let namespace = template.metadata.namespace.clone().unwrap_or_default();
        let owner = ObjectReference::namespaced("ResourceClaimTemplate", &namespace, &name);
        let requests = template
            .spec
            .spec
            .devices
            .as_ref()
            .and_then(|devices| devices.requests.as_deref())
            .unwrap_or_default();
        for request in requests {
            let Some(exactly) = &request.exactly else {
                continue;
            };
            let selectors = exactly.selectors.as_deref().unwrap_or_default();
            let place = format!(
                "ResourceClaimTemplate `{namespace}/{name}` request `{}`",
                request.name
            );
            check(selectors, owner.clone(), place);
        }
    }
    findings
}

/// Finds counter and capacity sources whose counter or capacity name no ResourceSlice of the
/// source's driver publishes. Kueue then cannot charge such a request and retries the
/// workload with `matched devices have no consumesCounters entry for counter "<name>"` or
/// `matched devices have no capacity dimension "<name>"`.
fn source_names_unpublished(configuration: &Configuration, snapshot: &Snapshot) -> Vec<Finding> {
    let sources: Vec<(&str, &str, &str, &str)> = mappings(configuration)
        .iter()
        .flat_map(|mapping| {
            mapping.sources.iter().filter_map(|source| {
                if let Some(counter) = &source.counter {
                    Some((
                        mapping.name.as_str(),
                        "counter",
                        counter.name.as_str(),
                        counter.driver.as_str(),
                    ))
                } else {
                    source.capacity.as_ref().map(|capacity| {
                        (
                            mapping.name.as_str(),
                            "capacity",
                            capacity.name.as_str(),
                            capacity.driver.as_str(),
                        )
                    })
                }
            })
        })
        .collect();
    if sources.is_empty() {
        return Vec::new();
    }
    if snapshot.resource_slices.is_empty() {
        return vec![not_verifiable(
            "ResourceSlices",
            "whether drivers publish the counter and capacity names of the sources",
        )];
    }

    sources
        .into_iter()
        .filter(|&(_, kind, name, driver)| {
            let mut devices = snapshot
                .resource_slices
                .iter()
                .filter(|slice| slice.spec.driver == driver)
                .flat_map(|slice| slice.spec.devices.iter().flatten());
            let published = if kind == "counter" {
                devices.any(|device| {
                    device
                        .consumes_counters
                        .iter()
                        .flatten()
                        .any(|consumption| consumption.counters.contains_key(name))
                })
            } else {
                devices.any(|device| {
                    device
                        .capacity
                        .as_ref()
                        .is_some_and(|capacity| capacity.contains_key(name))
                })
            };
            !published
        })
        .map(|(mapping, kind, name, driver)| {
            finding(
                Severity::Warning,
                Code::SourceNameUnpublished,
                format!(
                    "deviceClassMappings entry `{mapping}` has a {kind} source `{name}` of driver \
                     `{driver}`, which no device in the ResourceSlices of that driver publishes"
                ),
                Vec::new(),
                "use the counter or capacity name exactly as the driver publishes it",
            )
        })
        .collect()
}
