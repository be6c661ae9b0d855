//! `cargo xtask gen-snapshot`: writes a cluster snapshot of the size a large GPU cluster
//! reaches, as one `kind: List` JSON document with the keys in the order
//! `kubectl get -A -o json` writes them.
//!
//! The output depends only on the Workload count: every name, count and quantity is derived
//! from object indexes, so two runs with the same count write the same bytes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{Value, json};

/// Namespaces that hold Workloads, LocalQueues and ResourceClaimTemplates.
pub(crate) const NAMESPACES: usize = 50;
/// ResourceClaimTemplates, spread evenly over the namespaces: template `t` lives in namespace
/// `t % NAMESPACES`.
pub(crate) const CLAIM_TEMPLATES: usize = 1_000;
const TEMPLATES_PER_NAMESPACE: usize = CLAIM_TEMPLATES / NAMESPACES;
/// DeviceClasses; the last [`EXTENDED_CLASSES`] of them set `extendedResourceName`.
pub(crate) const DEVICE_CLASSES: usize = 40;
/// DeviceClasses that Workloads reach through an extended resource name.
pub(crate) const EXTENDED_CLASSES: usize = 8;
/// ClusterQueues; each namespace has one LocalQueue per ClusterQueue of its share.
pub(crate) const CLUSTER_QUEUES: usize = 200;
const _: () = assert!(CLUSTER_QUEUES.is_multiple_of(NAMESPACES));
/// Nodes, each published as one ResourceSlice of [`DEVICES_PER_NODE`] devices.
pub(crate) const NODES: usize = 1_000;
/// Devices per node, each consuming from a per-node counter set.
pub(crate) const DEVICES_PER_NODE: usize = 8;
/// One Workload in this many has been admitted; the others are pending.
const ADMITTED_EVERY: usize = 3;
/// The `deviceClassMappings` of the Configuration: mapped class `i` belongs to mapping
/// `i % MAPPINGS`.
const MAPPINGS: usize = 8;

/// The counts of each kind of object written.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) workloads: usize,
    pub(crate) admitted: usize,
    pub(crate) objects: usize,
}

/// Writes a snapshot with `workloads` Workloads to `path`, and returns what it contains.
pub(crate) fn write_file(path: &Path, workloads: usize) -> Result<Counts> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
    }
    let file =
        File::create(path).with_context(|| format!("failed to create `{}`", path.display()))?;
    let mut output = BufWriter::with_capacity(1 << 20, file);
    let counts = write(&mut output, workloads)
        .and_then(|counts| output.flush().map(|()| counts))
        .with_context(|| format!("failed to write `{}`", path.display()))?;
    Ok(counts)
}

/// Writes the snapshot to `output` one item at a time, so that memory does not grow with the
/// Workload count.
///
/// The top-level keys come in the order kubectl writes them: `items` before `kind`, so a
/// reader learns that the document is a List only after its items.
pub(crate) fn write(output: &mut impl Write, workloads: usize) -> std::io::Result<Counts> {
    let mut counts = Counts::default();
    output.write_all(b"{\"apiVersion\":\"v1\",\"items\":[")?;

    let mut items = ItemWriter {
        output,
        first: true,
        objects: 0,
    };
    items.write(&config_map())?;
    for class in 0..DEVICE_CLASSES {
        items.write(&device_class(class))?;
    }
    for template in 0..CLAIM_TEMPLATES {
        items.write(&claim_template(template))?;
    }
    items.write(&resource_flavor())?;
    for queue in 0..CLUSTER_QUEUES {
        items.write(&cluster_queue(queue))?;
    }
    for queue in 0..CLUSTER_QUEUES {
        items.write(&local_queue(queue))?;
    }
    for node in 0..NODES {
        items.write(&resource_slice(node))?;
    }
    for index in 0..workloads {
        let workload = workload(index);
        if is_admitted(index) {
            counts.admitted += 1;
        }
        items.write(&workload)?;
    }
    counts.workloads = workloads;
    counts.objects = items.objects;

    output.write_all(b"\n],\"kind\":\"List\",\"metadata\":{\"resourceVersion\":\"\"}}\n")?;
    Ok(counts)
}

/// Writes the items of the List in compact JSON, one per line, as the apiserver writes a
/// list response without the line breaks.
struct ItemWriter<'a, W> {
    output: &'a mut W,
    first: bool,
    objects: usize,
}

impl<W: Write> ItemWriter<'_, W> {
    fn write(&mut self, item: &Value) -> std::io::Result<()> {
        let separator: &[u8] = if self.first { b"\n" } else { b",\n" };
        self.output.write_all(separator)?;
        serde_json::to_writer(&mut *self.output, item)?;
        self.first = false;
        self.objects += 1;
        Ok(())
    }
}

fn namespace(index: usize) -> String {
    format!("team-{:02}", index % NAMESPACES)
}

/// Returns a UID that is stable for a kind and index, in the UUID form the apiserver uses.
fn uid(kind: u32, index: usize) -> String {
    let index = index as u64;
    format!(
        "{kind:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        (index >> 32) & 0xffff,
        (index >> 20) & 0xfff,
        (index >> 8) & 0xfff,
        index.wrapping_mul(0x9e37_79b9_7f4a_7c15) & 0xffff_ffff_ffff
    )
}

fn timestamp(index: usize) -> String {
    let minutes = index % (24 * 60);
    format!(
        "2026-12-04T{:02}:{:02}:{:02}Z",
        minutes / 60,
        minutes % 60,
        index % 60
    )
}

fn metadata(kind: u32, index: usize, name: &str, namespace: Option<&str>) -> Value {
    let mut metadata = json!({
        "name": name,
        "uid": uid(kind, index),
        "resourceVersion": (1_000_000 + index).to_string(),
        "generation": 1,
        "creationTimestamp": timestamp(index),
    });
    if let Some(namespace) = namespace {
        metadata["namespace"] = json!(namespace);
    }
    metadata
}

/// Returns the managedFields of an object that `manager` wrote: the bulk of many objects
/// read from a cluster, and a part that no charge depends on.
fn managed_fields(manager: &str, index: usize, fields: &Value) -> Value {
    json!([{
        "apiVersion": "kueue.x-k8s.io/v1beta2",
        "fieldsType": "FieldsV1",
        "fieldsV1": fields,
        "manager": manager,
        "operation": "Update",
        "time": timestamp(index),
    }])
}

fn config_map() -> Value {
    let mappings: Vec<String> = (0..MAPPINGS)
        .map(|mapping| {
            let classes: Vec<String> = (0..DEVICE_CLASSES - EXTENDED_CLASSES)
                .filter(|class| class % MAPPINGS == mapping)
                .map(|class| format!("      - {}", class_name(class)))
                .collect();
            format!(
                "    - name: {}\n      deviceClassNames:\n{}",
                mapping_name(mapping),
                classes.join("\n")
            )
        })
        .collect();
    let configuration = format!(
        "apiVersion: config.kueue.x-k8s.io/v1beta2\nkind: Configuration\nintegrations:\n  frameworks:\n  - batch/job\n  - pod\nresources:\n  deviceClassMappings:\n{}\n",
        mappings.join("\n")
    );
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(1, 0, "kueue-manager-config", Some("kueue-system")),
        "data": {"controller_manager_config.yaml": configuration},
    })
}

fn class_name(class: usize) -> String {
    format!("gpu-{class:02}.example.com")
}

fn mapping_name(mapping: usize) -> String {
    format!("example.com/gpu-{mapping}")
}

fn extended_resource_name(class: usize) -> String {
    format!("example.com/ext-gpu-{class:02}")
}

fn device_class(class: usize) -> Value {
    let name = class_name(class);
    let mut spec = json!({
        "selectors": [{"cel": {"expression": format!("device.driver == '{name}'")}}],
    });
    if class >= DEVICE_CLASSES - EXTENDED_CLASSES {
        spec["extendedResourceName"] = json!(extended_resource_name(class));
    }
    json!({
        "apiVersion": "resource.k8s.io/v1",
        "kind": "DeviceClass",
        "metadata": metadata(2, class, &name, None),
        "spec": spec,
    })
}

/// Returns the name of the `slot`th ResourceClaimTemplate of a namespace.
fn template_name(slot: usize) -> String {
    format!("gpus-{slot:02}")
}

fn claim_template(template: usize) -> Value {
    let slot = template / NAMESPACES;
    let class = template % (DEVICE_CLASSES - EXTENDED_CLASSES);
    let mut requests = vec![json!({
        "name": "gpu",
        "exactly": {"deviceClassName": class_name(class), "count": 1 + slot % 4},
    })];
    if slot % 5 == 4 {
        requests.push(json!({
            "name": "nic",
            "exactly": {"deviceClassName": class_name((class + 1) % (DEVICE_CLASSES - EXTENDED_CLASSES)), "allocationMode": "ExactCount", "count": 1},
        }));
    }
    json!({
        "apiVersion": "resource.k8s.io/v1",
        "kind": "ResourceClaimTemplate",
        "metadata": metadata(3, template, &template_name(slot), Some(&namespace(template))),
        "spec": {"spec": {"devices": {"requests": requests}}},
    })
}

fn resource_flavor() -> Value {
    json!({
        "apiVersion": "kueue.x-k8s.io/v1beta2",
        "kind": "ResourceFlavor",
        "metadata": metadata(4, 0, "gpu-flavor", None),
        "spec": {"nodeLabels": {"node.kubernetes.io/instance-type": "gpu-8x"}},
    })
}

fn cluster_queue_name(queue: usize) -> String {
    format!("cq-{queue:03}")
}

fn cluster_queue(queue: usize) -> Value {
    let mut resources = vec![
        json!({"name": "cpu", "nominalQuota": "512"}),
        json!({"name": "memory", "nominalQuota": "4Ti"}),
    ];
    let mut covered = vec![json!("cpu"), json!("memory")];
    for mapping in 0..MAPPINGS {
        covered.push(json!(mapping_name(mapping)));
        resources.push(json!({"name": mapping_name(mapping), "nominalQuota": "64"}));
    }
    for class in DEVICE_CLASSES - EXTENDED_CLASSES..DEVICE_CLASSES {
        covered.push(json!(extended_resource_name(class)));
        resources.push(json!({"name": extended_resource_name(class), "nominalQuota": "16"}));
    }
    json!({
        "apiVersion": "kueue.x-k8s.io/v1beta2",
        "kind": "ClusterQueue",
        "metadata": metadata(5, queue, &cluster_queue_name(queue), None),
        "spec": {
            "cohortName": format!("cohort-{}", queue % 10),
            "namespaceSelector": {},
            "queueingStrategy": "BestEffortFIFO",
            "resourceGroups": [{
                "coveredResources": covered,
                "flavors": [{"name": "gpu-flavor", "resources": resources}],
            }],
        },
    })
}

/// Returns the name of LocalQueue `queue`, which lives in namespace `queue % NAMESPACES` and
/// points at ClusterQueue `queue`.
fn local_queue_name(queue: usize) -> String {
    format!("lq-{}", queue / NAMESPACES)
}

fn local_queue(queue: usize) -> Value {
    json!({
        "apiVersion": "kueue.x-k8s.io/v1beta2",
        "kind": "LocalQueue",
        "metadata": metadata(6, queue, &local_queue_name(queue), Some(&namespace(queue))),
        "spec": {"clusterQueue": cluster_queue_name(queue)},
    })
}

fn resource_slice(node: usize) -> Value {
    let node_name = format!("gpu-node-{node:04}");
    let class = node % (DEVICE_CLASSES - EXTENDED_CLASSES);
    let devices: Vec<Value> = (0..DEVICES_PER_NODE)
        .map(|device| {
            json!({
                "name": format!("gpu-{device}"),
                "attributes": {
                    "index": {"int": device},
                    "model": {"string": "LATEST-GPU-MODEL"},
                    "uuid": {"string": uid(7, node * DEVICES_PER_NODE + device)},
                },
                "capacity": {"memory": {"value": "80Gi"}},
                "consumesCounters": [{
                    "counterSet": "gpu-counters",
                    "counters": {"memory": {"value": "80Gi"}, "multiprocessors": {"value": "132"}},
                }],
            })
        })
        .collect();
    json!({
        "apiVersion": "resource.k8s.io/v1",
        "kind": "ResourceSlice",
        "metadata": metadata(7, node, &format!("{node_name}-{}", class_name(class)), None),
        "spec": {
            "driver": class_name(class),
            "nodeName": node_name,
            "pool": {"name": node_name, "generation": 1, "resourceSliceCount": 1},
            "sharedCounters": [{
                "name": "gpu-counters",
                "counters": {
                    "memory": {"value": format!("{}Gi", 80 * DEVICES_PER_NODE)},
                    "multiprocessors": {"value": (132 * DEVICES_PER_NODE).to_string()},
                },
            }],
            "devices": devices,
        },
    })
}

fn is_admitted(index: usize) -> bool {
    index.is_multiple_of(ADMITTED_EVERY)
}

/// Returns Workload `index`: a Job's Workload with 2 to 4 containers, an init container and
/// claims from its namespace's templates. One in [`ADMITTED_EVERY`] has been admitted.
fn workload(index: usize) -> Value {
    let namespace = namespace(index);
    // LocalQueue `q` lives in namespace `q % NAMESPACES`, the Workload's own namespace,
    // because CLUSTER_QUEUES is a multiple of NAMESPACES.
    let queue = index % CLUSTER_QUEUES;
    let job_name = format!("train-{index:06}");
    let name = format!("job-{job_name}-{:05x}", (index * 7919) % 0x10_0000);
    let count = 1 + index % 8;
    let containers_count = 2 + index % 3;
    let extended = index % 10 == 9;

    let template_slot = index % TEMPLATES_PER_NAMESPACE;
    let mut claims =
        vec![json!({"name": "gpus", "resourceClaimTemplateName": template_name(template_slot)})];
    if index.is_multiple_of(4) {
        claims.push(json!({"name": "scratch", "resourceClaimTemplateName": template_name((template_slot + 1) % TEMPLATES_PER_NAMESPACE)}));
    }

    let containers: Vec<Value> = (0..containers_count)
        .map(|container| {
            let mut requests = json!({"cpu": format!("{}m", 250 * (1 + container)), "memory": format!("{}Mi", 512 * (1 + container % 2))});
            let mut limits = json!({"memory": format!("{}Mi", 1024 * (1 + container % 2))});
            let mut container_claims = Vec::new();
            if container == 0 {
                container_claims.push(json!({"name": "gpus"}));
                if extended {
                    let class = DEVICE_CLASSES - EXTENDED_CLASSES + index % EXTENDED_CLASSES;
                    requests[extended_resource_name(class)] = json!("1");
                    limits[extended_resource_name(class)] = json!("1");
                }
            }
            if container == 1 && claims.len() > 1 {
                container_claims.push(json!({"name": "scratch"}));
            }
            let mut resources = json!({"requests": requests, "limits": limits});
            if !container_claims.is_empty() {
                resources["claims"] = json!(container_claims);
            }
            json!({
                "name": if container == 0 { "trainer".to_owned() } else { format!("sidecar-{container}") },
                "image": "registry.example.com/ml/trainer:2026.12",
                "args": [format!("--shard={index}")],
                "resources": resources,
            })
        })
        .collect();

    let pod_spec = json!({
        "restartPolicy": "Never",
        "initContainers": [{
            "name": "fetch-data",
            "image": "registry.example.com/ml/fetch:1.4",
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
        }],
        "containers": containers,
        "resourceClaims": claims,
    });

    let mut metadata = metadata(8, index, &name, Some(&namespace));
    metadata["labels"] = json!({
        "kueue.x-k8s.io/job-uid": uid(9, index),
        "team": namespace,
    });
    metadata["ownerReferences"] = json!([{
        "apiVersion": "batch/v1",
        "kind": "Job",
        "name": job_name,
        "uid": uid(9, index),
        "controller": true,
        "blockOwnerDeletion": true,
    }]);
    metadata["finalizers"] = json!(["kueue.x-k8s.io/resource-in-use"]);
    metadata["managedFields"] = managed_fields(
        "kueue",
        index,
        &json!({"f:metadata": {"f:labels": {".": {}, "f:kueue.x-k8s.io/job-uid": {}}, "f:ownerReferences": {".": {}, format!("k:{{\"uid\":\"{}\"}}", uid(9, index)): {}}}, "f:spec": {".": {}, "f:active": {}, "f:podSets": {}, "f:priority": {}, "f:queueName": {}}}),
    );

    let status = if is_admitted(index) {
        admitted_status(index, queue, count, containers_count, extended)
    } else {
        json!({"conditions": [{
            "type": "QuotaReserved",
            "status": "False",
            "reason": "Pending",
            "message": format!("couldn't assign flavors to pod set main: insufficient quota for {} in flavor gpu-flavor, request > maximum capacity (24 > 16)", mapping_name(index % MAPPINGS)),
            "lastTransitionTime": timestamp(index + 7),
            "observedGeneration": 1,
        }]})
    };

    json!({
        "apiVersion": "kueue.x-k8s.io/v1beta2",
        "kind": "Workload",
        "metadata": metadata,
        "spec": {
            "active": true,
            "priority": 0,
            "queueName": local_queue_name(queue),
            "podSets": [{"name": "main", "count": count, "template": {"metadata": {"labels": {"app": "trainer"}}, "spec": pod_spec}}],
        },
        "status": status,
    })
}

/// Returns the status of an admitted Workload: the usage Kueue recorded in
/// `status.admission` and the conditions it set.
fn admitted_status(
    index: usize,
    queue: usize,
    count: usize,
    containers: usize,
    extended: bool,
) -> Value {
    // The containers request 250m, 500m, … of CPU, and 512Mi or 1Gi of memory each.
    let cpu_milli: usize = (0..containers).map(|container| 250 * (1 + container)).sum();
    let memory_mi: usize = (0..containers)
        .map(|container| 512 * (1 + container % 2))
        .sum();
    let mut usage = json!({
        "cpu": format!("{}m", cpu_milli * count),
        "memory": format!("{}Mi", memory_mi * count),
        mapping_name(index % MAPPINGS): (count * (1 + index % 4)).to_string(),
    });
    let mut flavors = json!({"cpu": "gpu-flavor", "memory": "gpu-flavor", mapping_name(index % MAPPINGS): "gpu-flavor"});
    if extended {
        let class = DEVICE_CLASSES - EXTENDED_CLASSES + index % EXTENDED_CLASSES;
        usage[extended_resource_name(class)] = json!(count.to_string());
        flavors[extended_resource_name(class)] = json!("gpu-flavor");
    }
    let condition = |kind: &str, reason: &str, message: String| {
        json!({
            "type": kind,
            "status": "True",
            "reason": reason,
            "message": message,
            "lastTransitionTime": timestamp(index + 11),
            "observedGeneration": 1,
        })
    };
    json!({
        "admission": {
            "clusterQueue": cluster_queue_name(queue),
            "podSetAssignments": [{"name": "main", "count": count, "flavors": flavors, "resourceUsage": usage}],
        },
        "conditions": [
            condition("QuotaReserved", "QuotaReserved", format!("Quota reserved in ClusterQueue {}", cluster_queue_name(queue))),
            condition("Admitted", "Admitted", "The workload is admitted".to_owned()),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate(workloads: usize) -> Vec<u8> {
        let mut bytes = Vec::new();
        write(&mut bytes, workloads).expect("writing to memory succeeds");
        bytes
    }

    #[test]
    fn snapshot_is_deterministic() {
        assert_eq!(generate(30), generate(30));
    }

    #[test]
    fn snapshot_has_the_requested_shape() {
        let document: Value =
            serde_json::from_slice(&generate(30)).expect("the snapshot is valid JSON");
        assert_eq!(document["kind"], "List");
        let items = document["items"].as_array().expect("a list of items");

        let count = |kind: &str| items.iter().filter(|item| item["kind"] == kind).count();
        assert_eq!(count("Workload"), 30);
        assert_eq!(count("DeviceClass"), DEVICE_CLASSES);
        assert_eq!(count("ResourceClaimTemplate"), CLAIM_TEMPLATES);
        assert_eq!(count("ClusterQueue"), CLUSTER_QUEUES);
        assert_eq!(count("LocalQueue"), CLUSTER_QUEUES);
        assert_eq!(count("ResourceSlice"), NODES);
        assert_eq!(count("ConfigMap"), 1);

        let admitted = items
            .iter()
            .filter(|item| item["kind"] == "Workload" && item["status"]["admission"].is_object())
            .count();
        assert_eq!(admitted, 10);
        let extended_classes = items
            .iter()
            .filter(|item| item["spec"]["extendedResourceName"].is_string())
            .count();
        assert_eq!(extended_classes, EXTENDED_CLASSES);
    }

    #[test]
    fn workload_claims_name_templates_of_its_namespace() {
        let document: Value = serde_json::from_slice(&generate(60)).expect("valid JSON");
        let items = document["items"].as_array().expect("a list of items");
        let templates: std::collections::HashSet<(String, String)> = items
            .iter()
            .filter(|item| item["kind"] == "ResourceClaimTemplate")
            .map(|item| {
                let metadata = &item["metadata"];
                (
                    metadata["namespace"].to_string(),
                    metadata["name"].to_string(),
                )
            })
            .collect();

        for workload in items.iter().filter(|item| item["kind"] == "Workload") {
            let namespace = workload["metadata"]["namespace"].to_string();
            let claims = workload["spec"]["podSets"][0]["template"]["spec"]["resourceClaims"]
                .as_array()
                .expect("claims");
            for claim in claims {
                let template = claim["resourceClaimTemplateName"].to_string();
                assert!(
                    templates.contains(&(namespace.clone(), template.clone())),
                    "{namespace}/{template} is not generated"
                );
            }
        }
    }

    #[test]
    fn workload_queue_is_in_its_namespace() {
        for index in 0..400 {
            let workload = workload(index);
            let queue_name = workload["spec"]["queueName"]
                .as_str()
                .expect("a queue name");
            let namespace = workload["metadata"]["namespace"]
                .as_str()
                .expect("a namespace");
            let queue = (0..CLUSTER_QUEUES).find(|queue| {
                local_queue_name(*queue) == queue_name && self::namespace(*queue) == namespace
            });
            assert!(queue.is_some(), "no LocalQueue {namespace}/{queue_name}");
        }
    }
}
