//! Turns the objects Kueue's integrations manage (Jobs, Pods) into the Workloads Kueue would
//! create for them.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kueue_api::v1beta2::{PodSet, Workload, WorkloadSpec};

/// The label that names the LocalQueue a job is submitted to.
pub(crate) const QUEUE_NAME_LABEL: &str = "kueue.x-k8s.io/queue-name";

/// The annotation that lets a Job run with fewer pods than its parallelism.
const JOB_MIN_PARALLELISM_ANNOTATION: &str = "kueue.x-k8s.io/job-min-parallelism";

/// The pod set name Kueue gives single-pod-set integrations.
const MAIN_POD_SET: &str = "main";

/// Builds the Workload Kueue's Job integration would create for `job`: one pod set `main`
/// whose count is the parallelism (1 when unset), or the completions when those are fewer.
pub(crate) fn from_job(job: Job, namespace: &str) -> Workload {
    let spec = job.spec.unwrap_or_default();
    let parallelism = spec.parallelism.unwrap_or(1);
    let count = match spec.completions {
        Some(completions) if completions < parallelism => completions,
        _ => parallelism,
    };
    let min_count = job
        .metadata
        .annotations
        .as_ref()
        .and_then(|annotations| annotations.get(JOB_MIN_PARALLELISM_ANNOTATION))
        .and_then(|value| value.parse().ok());

    let pod_set = PodSet {
        name: MAIN_POD_SET.to_owned(),
        template: spec.template,
        count,
        min_count,
        ..PodSet::default()
    };
    workload_for(("batch/v1", "Job"), &job.metadata, namespace, pod_set)
}

/// Builds the Workload Kueue's Pod integration would create for a single `pod`: one pod set
/// `main` of one pod.
pub(crate) fn from_pod(pod: Pod, namespace: &str) -> Workload {
    let template = PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: pod.metadata.labels.clone(),
            annotations: pod.metadata.annotations.clone(),
            ..ObjectMeta::default()
        }),
        spec: pod.spec,
    };
    let pod_set = PodSet {
        name: MAIN_POD_SET.to_owned(),
        template,
        count: 1,
        ..PodSet::default()
    };
    workload_for(("v1", "Pod"), &pod.metadata, namespace, pod_set)
}

/// Builds the Workload for an object of `(apiVersion, kind)`, named `<kind in lower
/// case>-<object name>` and owned by the object through a controller reference, as Kueue's
/// integrations set it.
fn workload_for(
    (api_version, kind): (&str, &str),
    owner: &ObjectMeta,
    namespace: &str,
    pod_set: PodSet,
) -> Workload {
    let name = format!("{}-{}", kind.to_lowercase(), object_name(owner));
    let mut workload = Workload::new(
        &name,
        WorkloadSpec {
            pod_sets: vec![pod_set],
            queue_name: queue_name(owner),
            ..WorkloadSpec::default()
        },
    );
    workload.metadata.namespace = Some(namespace.to_owned());
    workload.metadata.owner_references = Some(vec![OwnerReference {
        api_version: api_version.to_owned(),
        kind: kind.to_owned(),
        name: object_name(owner),
        uid: owner.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }]);
    workload
}

/// Returns an object's name, or for an object with only `generateName`, that prefix without
/// its trailing dash.
pub(crate) fn object_name(metadata: &ObjectMeta) -> String {
    match (&metadata.name, &metadata.generate_name) {
        (Some(name), _) if !name.is_empty() => name.clone(),
        (_, Some(prefix)) => prefix.trim_end_matches('-').to_owned(),
        _ => String::new(),
    }
}

/// Returns the LocalQueue an object is submitted to: the `kueue.x-k8s.io/queue-name` label,
/// or the annotation of the same name that older Kueue releases read.
pub(crate) fn queue_name(metadata: &ObjectMeta) -> Option<String> {
    let find = |map: &Option<BTreeMap<String, String>>| {
        map.as_ref()
            .and_then(|map| map.get(QUEUE_NAME_LABEL))
            .filter(|value| !value.is_empty())
            .cloned()
    };
    find(&metadata.labels).or_else(|| find(&metadata.annotations))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(spec: &serde_json::Value) -> Job {
        serde_json::from_value(serde_json::json!({
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": "sample", "labels": {QUEUE_NAME_LABEL: "user-queue"}},
            "spec": spec,
        }))
        .expect("valid Job")
    }

    #[test]
    fn job_count_is_parallelism() {
        let workload = from_job(
            job(&serde_json::json!({"parallelism": 3, "template": {}})),
            "ns",
        );
        assert_eq!(workload.spec.pod_sets[0].count, 3);
    }

    #[test]
    fn job_count_is_fewer_completions() {
        let spec = serde_json::json!({"parallelism": 3, "completions": 2, "template": {}});
        let workload = from_job(job(&spec), "ns");
        assert_eq!(workload.spec.pod_sets[0].count, 2);
    }

    #[test]
    fn job_count_ignores_more_completions() {
        let spec = serde_json::json!({"parallelism": 3, "completions": 10, "template": {}});
        let workload = from_job(job(&spec), "ns");
        assert_eq!(workload.spec.pod_sets[0].count, 3);
    }

    #[test]
    fn job_without_parallelism_has_one_pod() {
        let workload = from_job(job(&serde_json::json!({"template": {}})), "ns");
        assert_eq!(workload.spec.pod_sets[0].count, 1);
    }

    #[test]
    fn job_workload_is_named_after_the_job() {
        let workload = from_job(job(&serde_json::json!({"template": {}})), "team-a");
        assert_eq!(workload.metadata.name.as_deref(), Some("job-sample"));
        assert_eq!(workload.metadata.namespace.as_deref(), Some("team-a"));
        assert_eq!(workload.spec.pod_sets[0].name, "main");
        assert_eq!(workload.spec.queue_name.as_deref(), Some("user-queue"));
    }

    #[test]
    fn generate_name_loses_its_trailing_dash() {
        let metadata = ObjectMeta {
            generate_name: Some("trainer-".to_owned()),
            ..ObjectMeta::default()
        };
        assert_eq!(object_name(&metadata), "trainer");
    }

    #[test]
    fn min_parallelism_annotation_sets_min_count() {
        let mut job = job(&serde_json::json!({"parallelism": 4, "template": {}}));
        job.metadata.annotations = Some(BTreeMap::from([(
            JOB_MIN_PARALLELISM_ANNOTATION.to_owned(),
            "2".to_owned(),
        )]));
        let workload = from_job(job, "ns");
        assert_eq!(workload.spec.pod_sets[0].min_count, Some(2));
    }
}
