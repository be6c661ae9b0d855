//! MultiKueue: compares each worker cluster with the manager. MultiKueue copies Workloads and
//! Jobs to workers but no ResourceClaimTemplates, DeviceClasses or Configuration, so every
//! worker must have its own, and each Kueue charges quota from its own cluster's objects.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::resource::v1::ResourceClaimTemplate;
use kueue_api::config::{Configuration, DeviceClassMapping};
use kueue_api::v1beta2::Workload;
use kueue_dra_cluster::{LoadError, Snapshot};

use super::cross_checks::{pod_specs, template_specs};
use super::findings::{Code, Finding, ObjectReference, Severity, finding};

/// A worker cluster as read through its kubeconfig context.
pub(crate) struct Worker<'a> {
    pub(crate) context: &'a str,
    pub(crate) snapshot: &'a Snapshot,
    pub(crate) configuration: &'a Configuration,
}

/// The objects the manager's pending workloads need on every worker.
#[derive(Default)]
struct Needs {
    /// ResourceClaimTemplates by namespace and name → the workloads that use them.
    templates: BTreeMap<(String, String), BTreeSet<ObjectReference>>,
    /// DeviceClass names → the templates or workloads that request them.
    classes: BTreeMap<String, BTreeSet<ObjectReference>>,
}

/// Compares one worker with the manager and returns every difference, each with the worker's
/// context in `cluster`.
pub(crate) fn compare(
    manager: &Snapshot,
    manager_configuration: &Configuration,
    worker: &Worker<'_>,
) -> Result<Vec<Finding>, LoadError> {
    let needs = Needs::collect(manager)?;

    let mut findings = Vec::new();
    findings.extend(missing_classes(&needs, worker));
    findings.extend(template_differences(manager, &needs, worker));
    findings.extend(mapping_differences(manager_configuration, worker));
    findings.extend(keys_not_covered(manager, manager_configuration, worker));
    for finding in &mut findings {
        finding.cluster = Some(worker.context.to_owned());
    }
    Ok(findings)
}

impl Needs {
    fn collect(manager: &Snapshot) -> Result<Self, LoadError> {
        let extended: BTreeMap<&str, &str> = manager
            .device_classes
            .iter()
            .filter_map(|class| {
                let resource = class.spec.extended_resource_name.as_deref()?;
                Some((resource, class.metadata.name.as_deref()?))
            })
            .collect();

        let mut needs = Self::default();
        for loaded in &manager.workloads {
            let (namespace, reference, workload) = pod_specs(loaded)?;
            if !is_pending(&workload) {
                continue;
            }
            for spec in template_specs(&workload) {
                let template_names = spec
                    .resource_claims
                    .iter()
                    .flatten()
                    .filter_map(|claim| claim.resource_claim_template_name.clone());
                for name in template_names {
                    needs
                        .templates
                        .entry((namespace.clone(), name))
                        .or_default()
                        .insert(reference.clone());
                }

                // Extended resources backed by a DeviceClass need that class on the worker too.
                let requested = spec
                    .containers
                    .iter()
                    .chain(spec.init_containers.iter().flatten())
                    .filter_map(|container| container.resources.as_ref())
                    .flat_map(|resources| resources.requests.iter().flatten())
                    .filter_map(|(name, _)| extended.get(name.as_str()));
                for class in requested {
                    needs
                        .classes
                        .entry((*class).to_owned())
                        .or_default()
                        .insert(reference.clone());
                }
            }
        }

        for (namespace, name) in needs.templates.keys() {
            let Some(template) = find_template(manager, namespace, name) else {
                continue;
            };
            let reference = ObjectReference::namespaced("ResourceClaimTemplate", namespace, name);
            for request in requests(template) {
                for class in request.classes {
                    needs
                        .classes
                        .entry(class)
                        .or_default()
                        .insert(reference.clone());
                }
            }
        }
        Ok(needs)
    }
}

/// Returns whether a Workload still waits for quota: not admitted and not finished.
fn is_pending(workload: &Workload) -> bool {
    let Some(status) = &workload.status else {
        return true;
    };
    let finished = status
        .conditions
        .iter()
        .any(|condition| condition.type_ == "Finished" && condition.status == "True");
    status.admission.is_none() && !finished
}

fn find_template<'a>(
    snapshot: &'a Snapshot,
    namespace: &str,
    name: &str,
) -> Option<&'a ResourceClaimTemplate> {
    snapshot.resource_claim_templates.iter().find(|template| {
        template.metadata.namespace.as_deref() == Some(namespace)
            && template.metadata.name.as_deref() == Some(name)
    })
}

/// One device request of a template, in the terms that decide its charge.
#[derive(PartialEq, Eq)]
struct RequestSummary {
    name: String,
    classes: Vec<String>,
    description: String,
}

/// Summarizes a template's device requests by name, DeviceClass, allocation mode, count and
/// `exactly` selectors.
///
/// NOTE: selectors of `firstAvailable` entries, tolerations, constraints and device config
/// are not compared, so templates that differ only there are reported as identical.
fn requests(template: &ResourceClaimTemplate) -> Vec<RequestSummary> {
    let requests = template
        .spec
        .spec
        .devices
        .iter()
        .flat_map(|devices| devices.requests.iter().flatten());
    requests
        .map(|request| {
            let mut classes = Vec::new();
            let mut parts = Vec::new();
            if let Some(exactly) = &request.exactly {
                classes.push(exactly.device_class_name.clone());
                parts.push(format!(
                    "{} {} of {}",
                    exactly.allocation_mode.as_deref().unwrap_or("ExactCount"),
                    exactly.count.unwrap_or(1),
                    exactly.device_class_name
                ));
                let selectors = serde_json::to_string(&exactly.selectors).unwrap_or_default();
                if selectors != "null" && selectors != "[]" {
                    parts.push(format!("selectors {selectors}"));
                }
            }
            for alternative in request.first_available.iter().flatten() {
                classes.push(alternative.device_class_name.clone());
                parts.push(format!(
                    "first available {} {} of {}",
                    alternative
                        .allocation_mode
                        .as_deref()
                        .unwrap_or("ExactCount"),
                    alternative.count.unwrap_or(1),
                    alternative.device_class_name
                ));
            }
            RequestSummary {
                name: request.name.clone(),
                classes,
                description: parts.join(", "),
            }
        })
        .collect()
}

fn missing_classes(needs: &Needs, worker: &Worker<'_>) -> Vec<Finding> {
    let present: BTreeSet<&str> = worker
        .snapshot
        .device_classes
        .iter()
        .filter_map(|class| class.metadata.name.as_deref())
        .collect();
    needs
        .classes
        .iter()
        .filter(|(class, _)| !present.contains(class.as_str()))
        .map(|(class, users)| {
            let mut objects = vec![ObjectReference::cluster("DeviceClass", class)];
            objects.extend(users.iter().cloned());
            finding(
                Severity::Error,
                Code::WorkerDeviceClassMissing,
                format!(
                    "worker `{}` has no DeviceClass {class}, which pending workloads of the \
                     manager request; MultiKueue does not copy DeviceClasses, so the worker \
                     cannot charge or allocate those devices",
                    worker.context
                ),
                objects,
                "create the DeviceClass on the worker, as on the manager",
            )
        })
        .collect()
}

fn template_differences(manager: &Snapshot, needs: &Needs, worker: &Worker<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for ((namespace, name), users) in &needs.templates {
        let reference = ObjectReference::namespaced("ResourceClaimTemplate", namespace, name);
        let mut objects = vec![reference];
        objects.extend(users.iter().cloned());

        let Some(theirs) = find_template(worker.snapshot, namespace, name) else {
            findings.push(finding(
                Severity::Error,
                Code::WorkerTemplateMissing,
                format!(
                    "worker `{}` has no ResourceClaimTemplate {namespace}/{name}, which pending \
                     workloads of the manager use; MultiKueue does not copy templates, so their \
                     pods cannot be created on the worker",
                    worker.context
                ),
                objects,
                "create the ResourceClaimTemplate in the same namespace on the worker",
            ));
            continue;
        };
        // A template missing on the manager is already a problem on the manager itself.
        let Some(ours) = find_template(manager, namespace, name) else {
            continue;
        };

        let ours = requests(ours);
        let theirs = requests(theirs);
        if ours == theirs {
            continue;
        }
        let describe = |requests: &[RequestSummary]| {
            requests
                .iter()
                .map(|request| format!("{}: {}", request.name, request.description))
                .collect::<Vec<_>>()
                .join("; ")
        };
        findings.push(finding(
            Severity::Warning,
            Code::WorkerTemplateDiffers,
            format!(
                "ResourceClaimTemplate {namespace}/{name} requests other devices on worker `{}` \
                 ({}) than on the manager ({}); the manager charges quota from its own template \
                 and the worker from its own, so the two charges differ",
                worker.context,
                describe(&theirs),
                describe(&ours)
            ),
            objects,
            "make the template identical in every cluster",
        ));
    }
    findings
}

/// Returns a mapping's DeviceClasses and sources in a form that compares equal when they match.
fn mapping_summary(mapping: &DeviceClassMapping) -> (BTreeSet<&str>, String) {
    let classes = mapping
        .device_class_names
        .iter()
        .map(String::as_str)
        .collect();
    let sources = serde_json::to_string(&mapping.sources).unwrap_or_default();
    (classes, sources)
}

fn mappings(configuration: &Configuration) -> BTreeMap<&str, &DeviceClassMapping> {
    configuration
        .resources
        .iter()
        .flat_map(|resources| &resources.device_class_mappings)
        .map(|mapping| (mapping.name.as_str(), mapping))
        .collect()
}

fn mapping_differences(manager: &Configuration, worker: &Worker<'_>) -> Vec<Finding> {
    let ours = mappings(manager);
    let theirs = mappings(worker.configuration);
    let context = worker.context;
    let fix = "use the same deviceClassMappings in every cluster's Kueue Configuration and \
               restart Kueue where it changed";
    let names: BTreeSet<&str> = ours.keys().chain(theirs.keys()).copied().collect();

    let mut findings = Vec::new();
    for name in names {
        let message = match (ours.get(name), theirs.get(name)) {
            (Some(_), None) => format!(
                "the manager maps DeviceClasses to {name}, but worker `{context}` has no mapping \
                 named {name}, so the worker charges those devices under another key or not at all"
            ),
            (None, Some(_)) => format!(
                "worker `{context}` maps DeviceClasses to {name}, which the manager does not \
                 map, so the two clusters charge those devices differently"
            ),
            (Some(ours), Some(theirs)) => {
                let (our_classes, our_sources) = mapping_summary(ours);
                let (their_classes, their_sources) = mapping_summary(theirs);
                if our_classes != their_classes {
                    format!(
                        "mapping {name} lists DeviceClasses [{}] on worker `{context}` but [{}] on \
                         the manager",
                        join(&their_classes),
                        join(&our_classes)
                    )
                } else if our_sources != their_sources {
                    format!(
                        "mapping {name} has other sources on worker `{context}` ({their_sources}) \
                         than on the manager ({our_sources}), so the two clusters charge \
                         different amounts"
                    )
                } else {
                    continue;
                }
            }
            (None, None) => continue,
        };
        findings.push(finding(
            Severity::Warning,
            Code::WorkerMappingsDiffer,
            message,
            Vec::new(),
            fix,
        ));
    }
    findings
}

fn join(names: &BTreeSet<&str>) -> String {
    names.iter().copied().collect::<Vec<_>>().join(", ")
}

/// Returns the resource names that ClusterQueues cover.
fn covered(snapshot: &Snapshot) -> BTreeSet<&str> {
    snapshot
        .cluster_queues
        .iter()
        .flat_map(|queue| &queue.spec.resource_groups)
        .flat_map(|group| &group.covered_resources)
        .map(String::as_str)
        .collect()
}

fn keys_not_covered(
    manager: &Snapshot,
    manager_configuration: &Configuration,
    worker: &Worker<'_>,
) -> Vec<Finding> {
    let extended_names = manager
        .device_classes
        .iter()
        .filter_map(|class| class.spec.extended_resource_name.as_deref());
    let dra_keys: BTreeSet<&str> = mappings(manager_configuration)
        .into_keys()
        .chain(extended_names)
        .collect();
    let ours = covered(manager);
    let theirs = covered(worker.snapshot);

    dra_keys
        .into_iter()
        .filter(|key| ours.contains(key) && !theirs.contains(key))
        .map(|key| {
            finding(
                Severity::Error,
                Code::WorkerKeyNotCovered,
                format!(
                    "the manager's ClusterQueues cover the DRA quota key {key}, but no \
                     ClusterQueue of worker `{}` does, so the worker cannot admit workloads \
                     that request it",
                    worker.context
                ),
                Vec::new(),
                "add the key to the coveredResources of the worker's ClusterQueues",
            )
        })
        .collect()
}
