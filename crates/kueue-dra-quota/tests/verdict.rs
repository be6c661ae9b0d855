//! The ClusterQueue verdict: flavor assignment, borrowing in the Cohort tree and Kueue's
//! messages, per release where they differ.

mod common;

use common::{GPU_MAPPING, configuration, documents, templates, workload};
use kueue_api::v1beta2::{ClusterQueue, Cohort, LocalQueue, ResourceFlavor, Workload};
use kueue_dra_index::DeviceClassIndex;
use kueue_dra_quota::{
    Calculator, FlavorMode, Outcome, Queues, Release, Verdict, VerdictSettings, drift,
    without_admission,
};

const RCT_JOB: &str =
    include_str!("../../../testdata/real-manifests/kueue-sample-dra-rct-job.yaml");
const SAMPLE_QUEUES: &str =
    include_str!("../../../testdata/real-manifests/kueue-sample-dra-queues.yaml");
const ADMITTED_WORKLOAD: &str =
    include_str!("../../../testdata/real-manifests/kueue-kep-admitted-workload-status.yaml");

/// Two ClusterQueues in one Cohort, each with 5 GPUs in flavor `gpu-a100`. The LocalQueue
/// points at `team-a`.
const COHORT_OF_TWO: &str = "
apiVersion: kueue.x-k8s.io/v1beta2
kind: ResourceFlavor
metadata: {name: gpu-a100}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: team-a}
spec:
  namespaceSelector: {}
  cohortName: research
  resourceGroups:
  - coveredResources: [example.com/gpu]
    flavors:
    - name: gpu-a100
      resources:
      - {name: example.com/gpu, nominalQuota: 5}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: team-b}
spec:
  namespaceSelector: {}
  cohortName: research
  resourceGroups:
  - coveredResources: [example.com/gpu]
    flavors:
    - name: gpu-a100
      resources:
      - {name: example.com/gpu, nominalQuota: 5}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: user-queue, namespace: default}
spec: {clusterQueue: team-a}
";

/// One ClusterQueue, not in a Cohort, with two GPU flavors of 4 devices each.
const TWO_FLAVORS: &str = "
apiVersion: kueue.x-k8s.io/v1beta2
kind: ResourceFlavor
metadata: {name: gpu-a100}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ResourceFlavor
metadata: {name: gpu-h100}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: team-a}
spec:
  namespaceSelector: {}
  resourceGroups:
  - coveredResources: [example.com/gpu]
    flavors:
    - name: gpu-a100
      resources:
      - {name: example.com/gpu, nominalQuota: 4}
    - name: gpu-h100
      resources:
      - {name: example.com/gpu, nominalQuota: 4}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: user-queue, namespace: default}
spec: {clusterQueue: team-a}
";

/// One ClusterQueue that covers only `cpu`, 8 cores in flavor `default-flavor`.
const CPU_QUEUES: &str = "
apiVersion: kueue.x-k8s.io/v1beta2
kind: ResourceFlavor
metadata: {name: default-flavor}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: team-a}
spec:
  namespaceSelector: {}
  resourceGroups:
  - coveredResources: [cpu]
    flavors:
    - name: default-flavor
      resources:
      - {name: cpu, nominalQuota: 8}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: user-queue, namespace: default}
spec: {clusterQueue: team-a}
";

/// Returns the YAML of a Workload with `count` pods whose one container has `requests`, a
/// YAML flow mapping, and no resource claims.
fn cpu_workload(count: i32, requests: &str) -> String {
    format!(
        "
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata: {{name: job-sleep, namespace: default}}
spec:
  queueName: user-queue
  podSets:
  - name: main
    count: {count}
    template:
      spec:
        restartPolicy: Never
        containers:
        - name: sleeper
          image: registry.k8s.io/e2e-test-images/agnhost:2.53
          resources:
            requests: {requests}
"
    )
}

/// Builds the Workload of a Job with `count` pods, each with one `single-gpu` claim.
fn gpu_workload(count: i32) -> Workload {
    workload(&format!(
        "
apiVersion: kueue.x-k8s.io/v1beta2
kind: Workload
metadata: {{name: job-train, namespace: default}}
spec:
  queueName: user-queue
  podSets:
  - name: main
    count: {count}
    template:
      spec:
        restartPolicy: Never
        containers:
        - name: trainer
          resources:
            claims: [{{name: gpu}}]
        resourceClaims:
        - {{name: gpu, resourceClaimTemplateName: single-gpu}}
"
    ))
}

/// The queueing objects of one test, owned.
struct QueueObjects {
    cluster_queues: Vec<ClusterQueue>,
    cohorts: Vec<Cohort>,
    local_queues: Vec<LocalQueue>,
    resource_flavors: Vec<ResourceFlavor>,
}

impl QueueObjects {
    fn from_yaml(yaml: &str) -> Self {
        Self {
            cluster_queues: documents(yaml, "ClusterQueue"),
            cohorts: documents(yaml, "Cohort"),
            local_queues: documents(yaml, "LocalQueue"),
            resource_flavors: documents(yaml, "ResourceFlavor"),
        }
    }

    fn queues(&self) -> Queues<'_> {
        Queues {
            cluster_queues: &self.cluster_queues,
            cohorts: &self.cohorts,
            local_queues: &self.local_queues,
            resource_flavors: &self.resource_flavors,
        }
    }
}

/// Computes the verdict for `workload` against the queues in `queues_yaml`, with the
/// GPU mapping and the sample template, under `release`.
fn verdict_in(
    release: Release,
    config_yaml: &str,
    queues_yaml: &str,
    workload: &Workload,
) -> Verdict {
    let config = configuration(config_yaml);
    let mappings = config
        .resources
        .clone()
        .unwrap_or_default()
        .device_class_mappings;
    let index = DeviceClassIndex::new(&mappings, &[]);
    let templates = templates(RCT_JOB);
    let calculator = Calculator::new(&config, &index, &templates).with_release(release);
    let pending = calculator.explain(&without_admission(workload));
    let settings = VerdictSettings::new(release, calculator.feature_gates(), &config);

    let objects = QueueObjects::from_yaml(queues_yaml);
    objects.queues().verdict(workload, &pending, &settings)
}

fn verdict(queues_yaml: &str, workload: &Workload) -> Verdict {
    verdict_in(Release::default(), GPU_MAPPING, queues_yaml, workload)
}

/// Sets `status.flavorsReservation` of ClusterQueue `name` in `yaml` to `gpus` devices of
/// flavor `gpu-a100`.
fn with_reservation(yaml: &str, name: &str, gpus: u32) -> String {
    let marker = format!("metadata: {{name: {name}}}\nspec:\n");
    let status = format!(
        "status:\n  flavorsReservation:\n  - name: gpu-a100\n    resources:\n    - {{name: example.com/gpu, total: '{gpus}'}}\n"
    );
    let start = yaml.find(&marker).expect("the ClusterQueue is in the YAML");
    let end = yaml[start..]
        .find("---")
        .map_or(yaml.len(), |offset| start + offset);
    format!("{}{status}{}", &yaml[..end], &yaml[end..])
}

#[test]
fn fits_in_sample_cluster_queue() {
    let result = verdict(SAMPLE_QUEUES, &gpu_workload(3));

    assert_eq!(result.outcome, Outcome::Fits);
    assert_eq!(result.cluster_queue, "cluster-queue");
    assert_eq!(result.message, "");
    let gpu = &result.pod_sets[0].resources[0];
    assert_eq!(gpu.resource, "example.com/gpu");
    assert_eq!(gpu.request, "3");
    assert_eq!(gpu.flavor.as_deref(), Some("default-flavor"));
    assert_eq!(gpu.flavors[0].nominal.as_deref(), Some("8"));
    assert_eq!(gpu.flavors[0].available.as_deref(), Some("8"));
}

#[test]
fn uncovered_key_blocks_by_default() {
    let queues = SAMPLE_QUEUES.replace("example.com/gpu", "example.com/tpu");

    let result = verdict(&queues, &gpu_workload(1));

    assert_eq!(result.outcome, Outcome::DoesNotFit);
    assert_eq!(
        result.message,
        "couldn't assign flavors to pod set main: resource example.com/gpu unavailable in ClusterQueue"
    );
    assert!(!result.pod_sets[0].resources[0].covered);
}

/// `IgnoreUndeclared` takes effect only with the `QuotaCheckStrategy` gate: alpha and off
/// in v0.18, beta and on from v0.19.0.
#[test]
fn ignore_undeclared_needs_gate() {
    let queues = SAMPLE_QUEUES.replace("example.com/gpu", "example.com/tpu");
    let ignore = format!("{GPU_MAPPING}  quotaCheckStrategy: IgnoreUndeclared\n");
    let gate_off = format!("{ignore}featureGates: {{QuotaCheckStrategy: false}}\n");
    let v0_18 = Release::parse("v0.18.6").expect("a release");

    let on_v0_19 = verdict_in(Release::default(), &ignore, &queues, &gpu_workload(1));
    let off_v0_19 = verdict_in(Release::default(), &gate_off, &queues, &gpu_workload(1));
    let on_v0_18 = verdict_in(v0_18, &ignore, &queues, &gpu_workload(1));

    assert_eq!(on_v0_19.outcome, Outcome::Fits);
    assert!(!on_v0_19.pod_sets[0].resources[0].covered);
    assert_eq!(on_v0_19.pod_sets[0].resources[0].flavor, None);
    assert_eq!(off_v0_19.outcome, Outcome::DoesNotFit);
    assert_eq!(on_v0_18.outcome, Outcome::DoesNotFit);
}

#[test]
fn fits_in_first_flavor() {
    let result = verdict(TWO_FLAVORS, &gpu_workload(4));

    assert_eq!(result.outcome, Outcome::Fits);
    let gpu = &result.pod_sets[0].resources[0];
    assert_eq!(gpu.flavor.as_deref(), Some("gpu-a100"));
    assert_eq!(gpu.flavors.len(), 1);
}

#[test]
fn falls_to_second_flavor_when_first_is_used() {
    let queues = with_reservation(TWO_FLAVORS, "team-a", 3);

    let result = verdict(&queues, &gpu_workload(2));

    assert_eq!(result.outcome, Outcome::Fits);
    let gpu = &result.pod_sets[0].resources[0];
    assert_eq!(gpu.flavor.as_deref(), Some("gpu-h100"));
    assert_eq!(gpu.flavors[0].mode, FlavorMode::Preempt);
    assert_eq!(gpu.flavors[0].usage.as_deref(), Some("3"));
    assert_eq!(
        gpu.flavors[0].reasons,
        ["insufficient unused quota for example.com/gpu in flavor gpu-a100, 1 more needed"]
    );
    assert_eq!(gpu.flavors[1].mode, FlavorMode::Fit);
}

#[test]
fn too_large_for_every_flavor() {
    let result = verdict(TWO_FLAVORS, &gpu_workload(5));

    assert_eq!(result.outcome, Outcome::DoesNotFit);
    assert_eq!(
        result.message,
        "couldn't assign flavors to pod set main: \
         insufficient quota for example.com/gpu in flavor gpu-a100, previously considered podsets requests (0) + current podset request (5) > maximum capacity (4), \
         insufficient quota for example.com/gpu in flavor gpu-h100, previously considered podsets requests (0) + current podset request (5) > maximum capacity (4)"
    );
}

/// v0.14.0 and v0.14.1 write the total against the maximum.
#[test]
fn capacity_message_before_v0_14_2() {
    let config = format!("{GPU_MAPPING}featureGates: {{DynamicResourceAllocation: true}}\n");
    let release = Release::parse("v0.14.1").expect("a release");

    let result = verdict_in(release, &config, TWO_FLAVORS, &gpu_workload(5));

    assert_eq!(
        result.message,
        "couldn't assign flavors to pod set main: \
         insufficient quota for example.com/gpu in flavor gpu-a100, request > maximum capacity (5 > 4), \
         insufficient quota for example.com/gpu in flavor gpu-h100, request > maximum capacity (5 > 4)"
    );
}

/// The integration test case: 7 pods with one device each, nominal quota 5 in a Cohort,
/// borrow 2 from the other ClusterQueue.
#[test]
fn borrows_within_cohort() {
    let result = verdict(COHORT_OF_TWO, &gpu_workload(7));

    assert_eq!(result.outcome, Outcome::FitsByBorrowing);
    let gpu = &result.pod_sets[0].resources[0];
    assert_eq!(gpu.request, "7");
    assert_eq!(gpu.flavor.as_deref(), Some("gpu-a100"));
    assert_eq!(gpu.flavors[0].mode, FlavorMode::Borrow);
    assert_eq!(gpu.flavors[0].nominal.as_deref(), Some("5"));
    assert_eq!(gpu.flavors[0].available.as_deref(), Some("10"));
    assert_eq!(gpu.flavors[0].maximum_capacity.as_deref(), Some("10"));
}

#[test]
fn borrowing_limit_caps_capacity() {
    let queues = COHORT_OF_TWO.replacen(
        "{name: example.com/gpu, nominalQuota: 5}",
        "{name: example.com/gpu, nominalQuota: 5, borrowingLimit: 1}",
        1,
    );

    let result = verdict(&queues, &gpu_workload(7));

    assert_eq!(result.outcome, Outcome::DoesNotFit);
    assert_eq!(
        result.message,
        "couldn't assign flavors to pod set main: insufficient quota for example.com/gpu in flavor gpu-a100, previously considered podsets requests (0) + current podset request (7) > maximum capacity (6)"
    );
    assert_eq!(
        result.pod_sets[0].resources[0].flavors[0]
            .borrowing_limit
            .as_deref(),
        Some("1")
    );
}

/// A lending limit of 1 on `team-b` keeps 4 of its 5 devices from the Cohort.
#[test]
fn lending_limit_of_lender() {
    let last = COHORT_OF_TWO
        .rfind("{name: example.com/gpu, nominalQuota: 5}")
        .expect("team-b's quota");
    let queues = format!(
        "{}{{name: example.com/gpu, nominalQuota: 5, lendingLimit: 1}}{}",
        &COHORT_OF_TWO[..last],
        &COHORT_OF_TWO[last + "{name: example.com/gpu, nominalQuota: 5}".len()..]
    );

    let fitting = verdict(&queues, &gpu_workload(6));
    let too_large = verdict(&queues, &gpu_workload(7));

    assert_eq!(fitting.outcome, Outcome::FitsByBorrowing);
    assert_eq!(
        fitting.pod_sets[0].resources[0].flavors[0]
            .maximum_capacity
            .as_deref(),
        Some("6")
    );
    assert_eq!(too_large.outcome, Outcome::DoesNotFit);
}

/// Usage in `status.flavorsReservation` leaves 6 of the Cohort's 10 devices. Borrowing 2
/// more than the nominal quota of 5 could only come from preempting while borrowing, which
/// the ClusterQueue does not allow, so Kueue reports no fit.
#[test]
fn usage_from_status_leaves_too_little() {
    let queues = with_reservation(COHORT_OF_TWO, "team-a", 4);

    let result = verdict(&queues, &gpu_workload(7));

    assert_eq!(result.outcome, Outcome::DoesNotFit);
    assert_eq!(
        result.message,
        "couldn't assign flavors to pod set main: insufficient unused quota for example.com/gpu in flavor gpu-a100, 1 more needed"
    );
    let check = &result.pod_sets[0].resources[0].flavors[0];
    assert_eq!(check.usage.as_deref(), Some("4"));
    assert_eq!(check.available.as_deref(), Some("6"));
}

/// With `borrowWithinCohort`, the same request may fit by preempting, which is not computed.
#[test]
fn borrow_within_cohort_needs_preemption() {
    let queues = with_reservation(COHORT_OF_TWO, "team-a", 4).replacen(
        "cohortName: research\n",
        "cohortName: research\n  preemption:\n    borrowWithinCohort: {policy: LowerPriority}\n",
        1,
    );

    let result = verdict(&queues, &gpu_workload(7));

    assert_eq!(result.outcome, Outcome::NeedsPreemption);
    assert_eq!(
        result.message,
        "couldn't assign flavors to pod set main: insufficient unused quota for example.com/gpu in flavor gpu-a100, 1 more needed"
    );
    assert!(
        result
            .notes
            .iter()
            .any(|note| note.contains("not computed"))
    );
}

/// A sibling's usage beyond its nominal quota is borrowed from the Cohort.
#[test]
fn sibling_usage_counts_in_cohort() {
    let queues = with_reservation(COHORT_OF_TWO, "team-b", 8);

    let result = verdict(&queues, &gpu_workload(3));

    assert_eq!(result.outcome, Outcome::NeedsPreemption);
    assert_eq!(
        result.pod_sets[0].resources[0].flavors[0]
            .available
            .as_deref(),
        Some("2")
    );
}

/// `team-a` (2 devices) sits in Cohort `vision` under Cohort `research`, which has 4
/// devices of its own.
#[test]
fn cohort_tree_of_two_levels() {
    let queues = "
apiVersion: kueue.x-k8s.io/v1beta2
kind: ResourceFlavor
metadata: {name: gpu-a100}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: Cohort
metadata: {name: research}
spec:
  resourceGroups:
  - coveredResources: [example.com/gpu]
    flavors:
    - name: gpu-a100
      resources:
      - {name: example.com/gpu, nominalQuota: 4}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: Cohort
metadata: {name: vision}
spec: {parentName: research}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: team-a}
spec:
  namespaceSelector: {}
  cohortName: vision
  resourceGroups:
  - coveredResources: [example.com/gpu]
    flavors:
    - name: gpu-a100
      resources:
      - {name: example.com/gpu, nominalQuota: 2}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: user-queue, namespace: default}
spec: {clusterQueue: team-a}
";

    let fitting = verdict(queues, &gpu_workload(6));
    let too_large = verdict(queues, &gpu_workload(7));

    assert_eq!(fitting.outcome, Outcome::FitsByBorrowing);
    assert_eq!(
        fitting.pod_sets[0].resources[0].flavors[0]
            .maximum_capacity
            .as_deref(),
        Some("6")
    );
    assert_eq!(too_large.outcome, Outcome::DoesNotFit);
    assert!(too_large.message.ends_with("> maximum capacity (6)"));
}

#[test]
fn cohort_cycle_makes_queue_inactive() {
    let queues = format!(
        "{COHORT_OF_TWO}---
apiVersion: kueue.x-k8s.io/v1beta2
kind: Cohort
metadata: {{name: research}}
spec: {{parentName: labs}}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: Cohort
metadata: {{name: labs}}
spec: {{parentName: research}}
"
    );

    let result = verdict(&queues, &gpu_workload(1));

    assert_eq!(result.outcome, Outcome::QueueBlocked);
    assert_eq!(result.message, "ClusterQueue team-a is inactive");
}

#[test]
fn missing_local_queue() {
    let queues = SAMPLE_QUEUES.replace("name: user-queue", "name: other-queue");

    let result = verdict(&queues, &gpu_workload(1));

    assert_eq!(result.outcome, Outcome::QueueBlocked);
    assert_eq!(result.message, "LocalQueue user-queue doesn't exist");
}

#[test]
fn stopped_local_queue() {
    let queues = SAMPLE_QUEUES.replace(
        "clusterQueue: cluster-queue",
        "clusterQueue: cluster-queue\n  stopPolicy: Hold",
    );

    let result = verdict(&queues, &gpu_workload(1));

    assert_eq!(result.outcome, Outcome::QueueBlocked);
    assert_eq!(result.message, "LocalQueue user-queue is inactive");
}

#[test]
fn missing_cluster_queue() {
    let queues = SAMPLE_QUEUES.replace("clusterQueue: cluster-queue", "clusterQueue: gpus");

    let result = verdict(&queues, &gpu_workload(1));

    assert_eq!(result.outcome, Outcome::QueueBlocked);
    assert_eq!(result.message, "ClusterQueue gpus doesn't exist");
}

#[test]
fn stopped_cluster_queue() {
    let queues = SAMPLE_QUEUES.replace(
        "namespaceSelector: {}",
        "namespaceSelector: {}\n  stopPolicy: HoldAndDrain",
    );

    let result = verdict(&queues, &gpu_workload(1));

    assert_eq!(result.outcome, Outcome::QueueBlocked);
    assert_eq!(result.message, "ClusterQueue cluster-queue is inactive");
}

#[test]
fn missing_flavor_makes_queue_inactive() {
    let queues = SAMPLE_QUEUES.replace("name: default-flavor\n---", "name: spare-flavor\n---");

    let result = verdict(&queues, &gpu_workload(1));

    assert_eq!(result.outcome, Outcome::QueueBlocked);
    assert_eq!(result.message, "ClusterQueue cluster-queue is inactive");
    assert!(result.notes[0].contains("default-flavor"));
}

#[test]
fn untolerated_taint_skips_flavor() {
    let queues = TWO_FLAVORS.replacen(
        "metadata: {name: gpu-a100}",
        "metadata: {name: gpu-a100}\nspec:\n  nodeTaints:\n  - {key: reserved, value: batch, effect: NoSchedule}",
        1,
    );

    let result = verdict(&queues, &gpu_workload(1));

    let gpu = &result.pod_sets[0].resources[0];
    assert_eq!(gpu.flavor.as_deref(), Some("gpu-h100"));
    assert_eq!(
        gpu.flavors[0].reasons,
        ["untolerated taint reserved=batch:NoSchedule in flavor gpu-a100"]
    );
}

/// `whenCanBorrow: TryNextFlavor` prefers a later flavor that fits without borrowing.
#[test]
fn try_next_flavor_before_borrowing() {
    let queues = "
apiVersion: kueue.x-k8s.io/v1beta2
kind: ResourceFlavor
metadata: {name: gpu-a100}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ResourceFlavor
metadata: {name: gpu-h100}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: team-a}
spec:
  namespaceSelector: {}
  cohortName: research
  flavorFungibility: {whenCanBorrow: WHEN}
  resourceGroups:
  - coveredResources: [example.com/gpu]
    flavors:
    - name: gpu-a100
      resources:
      - {name: example.com/gpu, nominalQuota: 1}
    - name: gpu-h100
      resources:
      - {name: example.com/gpu, nominalQuota: 4}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: team-b}
spec:
  namespaceSelector: {}
  cohortName: research
  resourceGroups:
  - coveredResources: [example.com/gpu]
    flavors:
    - name: gpu-a100
      resources:
      - {name: example.com/gpu, nominalQuota: 8}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: user-queue, namespace: default}
spec: {clusterQueue: team-a}
";

    let stop = verdict(&queues.replace("WHEN", "MayStopSearch"), &gpu_workload(3));
    let try_next = verdict(&queues.replace("WHEN", "TryNextFlavor"), &gpu_workload(3));

    assert_eq!(stop.outcome, Outcome::FitsByBorrowing);
    assert_eq!(
        stop.pod_sets[0].resources[0].flavor.as_deref(),
        Some("gpu-a100")
    );
    assert_eq!(try_next.outcome, Outcome::Fits);
    assert_eq!(
        try_next.pod_sets[0].resources[0].flavor.as_deref(),
        Some("gpu-h100")
    );
}

/// v0.15 reports a zero request for an uncovered resource, and v0.16 and later skip it.
#[test]
fn zero_uncovered_request_by_release() {
    let queues = SAMPLE_QUEUES.replace("example.com/gpu", "example.com/tpu");
    let mut workload = gpu_workload(1);
    let pod_set = &mut workload.spec.pod_sets[0];
    let spec = pod_set.template.spec.as_mut().expect("a pod spec");
    spec.resource_claims = None;
    spec.containers[0].resources = Some(
        serde_json::from_value(serde_json::json!({"requests": {"example.com/fpga": "0"}}))
            .expect("requirements"),
    );
    let v0_15 = Release::parse("v0.15.8").expect("a release");
    let v0_16 = Release::parse("v0.16.0").expect("a release");

    let before = verdict_in(v0_15, GPU_MAPPING, &queues, &workload);
    let after = verdict_in(v0_16, GPU_MAPPING, &queues, &workload);

    assert_eq!(
        before.message,
        "couldn't assign flavors to pod set main: resource example.com/fpga unavailable in ClusterQueue"
    );
    assert_eq!(after.outcome, Outcome::Fits);
}

/// An admitted Workload's own reservation is not counted against it.
#[test]
fn admitted_workload_excludes_own_usage() {
    let queues = with_reservation(COHORT_OF_TWO, "team-a", 7);
    let mut admitted = gpu_workload(7);
    admitted.status = Some(
        serde_json::from_value(serde_json::json!({
            "admission": {
                "clusterQueue": "team-a",
                "podSetAssignments": [{
                    "name": "main",
                    "count": 7,
                    "flavors": {"example.com/gpu": "gpu-a100"},
                    "resourceUsage": {"example.com/gpu": "7"}
                }]
            },
            "conditions": [{
                "type": "QuotaReserved", "status": "True", "reason": "QuotaReserved",
                "message": "Quota reserved in ClusterQueue team-a",
                "lastTransitionTime": "2026-12-01T10:00:00Z"
            }]
        }))
        .expect("a Workload status"),
    );

    let result = verdict(&queues, &admitted);

    assert_eq!(result.outcome, Outcome::FitsByBorrowing);
    assert_eq!(
        result.pod_sets[0].resources[0].flavors[0].usage.as_deref(),
        Some("0")
    );
}

/// The KEP's admitted Workload, with its mapping renamed since admission.
#[test]
fn drift_on_changed_mapping() {
    let admitted = workload(ADMITTED_WORKLOAD);
    let template = RCT_JOB.replace("namespace: default", "namespace: gpu-test1");
    let renamed = "
resources:
  deviceClassMappings:
  - name: gpus
    deviceClassNames: [gpu.example.com]
";

    let changes = drift_of(renamed, &template, &admitted, None);

    let described: Vec<String> = changes
        .iter()
        .map(kueue_dra_quota::DriftChange::describe)
        .collect();
    assert_eq!(
        described,
        [
            "pod set `main` resource `gpus`: recorded nothing, recomputed 1",
            "pod set `main` resource `whole-gpus`: recorded 1, recomputed nothing",
        ]
    );
}

/// The same Workload after its template was changed to request two devices per pod.
#[test]
fn drift_on_changed_template_count() {
    let admitted = workload(ADMITTED_WORKLOAD);
    let template = RCT_JOB
        .replace("namespace: default", "namespace: gpu-test1")
        .replace(
            "deviceClassName: gpu.example.com",
            "deviceClassName: gpu.example.com\n          count: 2",
        );
    let config = "
resources:
  deviceClassMappings:
  - name: whole-gpus
    deviceClassNames: [gpu.example.com]
";

    let changes = drift_of(config, &template, &admitted, None);
    let unchanged = drift_of(
        config,
        &RCT_JOB.replace("namespace: default", "namespace: gpu-test1"),
        &admitted,
        None,
    );

    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].resource, "whole-gpus");
    assert_eq!(changes[0].recorded.as_deref(), Some("1"));
    assert_eq!(changes[0].recomputed.as_deref(), Some("2"));
    assert!(unchanged.is_empty());
}

fn drift_of(
    config_yaml: &str,
    templates_yaml: &str,
    admitted: &Workload,
    cluster_queue: Option<&ClusterQueue>,
) -> Vec<kueue_dra_quota::DriftChange> {
    let config = configuration(config_yaml);
    let mappings = config
        .resources
        .clone()
        .unwrap_or_default()
        .device_class_mappings;
    let index = DeviceClassIndex::new(&mappings, &[]);
    let templates = templates(templates_yaml);
    let calculator = Calculator::new(&config, &index, &templates);
    let recomputed = calculator.explain(&without_admission(admitted));
    let settings = VerdictSettings::new(Release::default(), calculator.feature_gates(), &config);
    drift(admitted, &recomputed, cluster_queue, &settings)
}

/// Kueue records the usage of every resource that got a flavor, a zero request included, and
/// skips a zero request only for a resource that the ClusterQueue does not cover.
#[test]
fn drift_keeps_zero_covered_usage() {
    let queue: Vec<ClusterQueue> = documents(CPU_QUEUES, "ClusterQueue");
    let status = "
status:
  admission:
    clusterQueue: team-a
    podSetAssignments:
    - name: main
      count: 2
      flavors: {cpu: default-flavor}
      resourceUsage: {cpu: '0'}
";
    let admitted = workload(&format!(
        "{}{status}",
        cpu_workload(2, "{cpu: '0', example.com/fpga: '0'}")
    ));

    let changes = drift_of(GPU_MAPPING, "", &admitted, Some(&queue[0]));

    let described: Vec<String> = changes
        .iter()
        .map(kueue_dra_quota::DriftChange::describe)
        .collect();
    assert_eq!(described, Vec::<String>::new());
}

/// A Workload with `status.admission` but no QuotaReserved or Admitted condition has no
/// reservation, so the ClusterQueue's usage is taken as it is.
#[test]
fn unreserved_admission_keeps_usage() {
    let queues = with_reservation(COHORT_OF_TWO, "team-a", 7);
    let mut workload = gpu_workload(7);
    workload.status = Some(
        serde_json::from_value(serde_json::json!({
            "admission": {
                "clusterQueue": "team-a",
                "podSetAssignments": [{
                    "name": "main",
                    "count": 7,
                    "flavors": {"example.com/gpu": "gpu-a100"},
                    "resourceUsage": {"example.com/gpu": "7"}
                }]
            }
        }))
        .expect("a Workload status"),
    );

    let result = verdict(&queues, &workload);

    assert_eq!(
        result.pod_sets[0].resources[0].flavors[0].usage.as_deref(),
        Some("7")
    );
    assert_eq!(result.outcome, Outcome::DoesNotFit);
}

#[test]
fn inadmissible_charge_not_computed() {
    let unmapped = "
resources:
  deviceClassMappings:
  - name: example.com/gpu
    deviceClassNames: [other.example.com]
";

    let result = verdict_in(
        Release::default(),
        unmapped,
        SAMPLE_QUEUES,
        &gpu_workload(1),
    );

    assert_eq!(result.outcome, Outcome::NotComputed);
    assert_eq!(result.cluster_queue, "cluster-queue");
    assert!(result.pod_sets.is_empty());
}

#[test]
fn no_queue_name_not_computed() {
    let mut workload = gpu_workload(1);
    workload.spec.queue_name = None;

    let result = verdict(SAMPLE_QUEUES, &workload);

    assert_eq!(result.outcome, Outcome::NotComputed);
    assert_eq!(result.message, "");
}

#[test]
fn input_without_queues_not_computed() {
    let result = verdict("", &gpu_workload(1));

    assert_eq!(result.outcome, Outcome::NotComputed);
    assert_eq!(result.message, "");
    assert_eq!(
        result.notes,
        ["The input has no LocalQueues and no ClusterQueues, so the quota check is skipped."]
    );
}

/// A counter-based mapping's quota resource prints in BinarySI in Kueue's messages from
/// v0.18.4, and as a plain integer before.
#[test]
fn counter_resource_format_by_release() {
    let config = "
resources:
  deviceClassMappings:
  - name: example.com/gpu-memory
    deviceClassNames: [mig.example.com]
    sources:
    - counter:
        name: memory
        driver: gpu.example.com
        deviceSelector: {cel: {expression: 'true'}}
";
    let queues = "
apiVersion: kueue.x-k8s.io/v1beta2
kind: ResourceFlavor
metadata: {name: gpu-a100}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: team-a}
spec:
  namespaceSelector: {}
  resourceGroups:
  - coveredResources: [example.com/gpu-memory]
    flavors:
    - name: gpu-a100
      resources:
      - {name: example.com/gpu-memory, nominalQuota: 80Gi}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: user-queue, namespace: default}
spec: {clusterQueue: team-a}
";
    let mut workload = gpu_workload(1);
    let spec = workload.spec.pod_sets[0]
        .template
        .spec
        .as_mut()
        .expect("a pod spec");
    spec.resource_claims = None;
    spec.containers[0].resources = Some(
        serde_json::from_value(
            serde_json::json!({"requests": {"example.com/gpu-memory": "100Gi"}}),
        )
        .expect("requirements"),
    );
    let v0_18_3 = Release::parse("v0.18.3").expect("a release");
    let v0_18_4 = Release::parse("v0.18.4").expect("a release");

    let before = verdict_in(v0_18_3, config, queues, &workload);
    let after = verdict_in(v0_18_4, config, queues, &workload);

    assert_eq!(
        before.message,
        "couldn't assign flavors to pod set main: insufficient quota for example.com/gpu-memory in flavor gpu-a100, previously considered podsets requests (0) + current podset request (107374182400) > maximum capacity (85899345920)"
    );
    assert_eq!(
        after.message,
        "couldn't assign flavors to pod set main: insufficient quota for example.com/gpu-memory in flavor gpu-a100, previously considered podsets requests (0) + current podset request (100Gi) > maximum capacity (80Gi)"
    );
}

/// Adds the fields of `fields`, a JSON object such as `{"nodeSelector": {...}}`, to the pod
/// spec of `workload`'s first pod set.
fn with_pod_fields(mut workload: Workload, fields: &serde_json::Value) -> Workload {
    let spec = workload.spec.pod_sets[0]
        .template
        .spec
        .as_mut()
        .expect("a pod spec");
    let mut value = serde_json::to_value(&*spec).expect("a pod spec as JSON");
    value
        .as_object_mut()
        .expect("an object")
        .extend(fields.as_object().expect("an object").clone());
    *spec = serde_json::from_value(value).expect("a pod spec");
    workload
}

/// The pod's `nodeSelector` and required node affinity are compared with each flavor's
/// labels, on the keys that flavor labels.
#[test]
fn node_affinity_picks_flavor() {
    let queues = TWO_FLAVORS
        .replacen(
            "metadata: {name: gpu-a100}",
            "metadata: {name: gpu-a100}\nspec:\n  nodeLabels: {gpu.example.com/model: a100}",
            1,
        )
        .replacen(
            "metadata: {name: gpu-h100}",
            "metadata: {name: gpu-h100}\nspec:\n  nodeLabels: {gpu.example.com/model: h100}",
            1,
        );
    let by_selector = with_pod_fields(
        gpu_workload(1),
        &serde_json::json!({
            "nodeSelector": {"gpu.example.com/model": "h100", "topology.kubernetes.io/zone": "a"}
        }),
    );
    let by_affinity = with_pod_fields(
        gpu_workload(1),
        &serde_json::json!({"affinity": {"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [
                    {"key": "gpu.example.com/model", "operator": "NotIn", "values": ["a100"]}
                ]}
            ]}
        }}}),
    );

    let selected = verdict(&queues, &by_selector);
    let affine = verdict(&queues, &by_affinity);

    let gpu = &selected.pod_sets[0].resources[0];
    assert_eq!(gpu.flavor.as_deref(), Some("gpu-h100"));
    assert_eq!(
        gpu.flavors[0].reasons,
        ["flavor gpu-a100 doesn't match node affinity"]
    );
    assert_eq!(
        affine.pod_sets[0].resources[0].flavor.as_deref(),
        Some("gpu-h100")
    );
}

/// A ClusterQueue without `namespaceSelector` selects no namespace. The message was
/// capitalised until v0.18.4.
#[test]
fn missing_namespace_selector_by_release() {
    let queues = SAMPLE_QUEUES.replace("  namespaceSelector: {}\n", "");
    let v0_18_4 = Release::parse("v0.18.4").expect("a release");
    let v0_18_5 = Release::parse("v0.18.5").expect("a release");

    let before = verdict_in(v0_18_4, GPU_MAPPING, &queues, &gpu_workload(1));
    let after = verdict_in(v0_18_5, GPU_MAPPING, &queues, &gpu_workload(1));

    assert_eq!(before.outcome, Outcome::QueueBlocked);
    assert_eq!(
        before.message,
        "Workload namespace doesn't match ClusterQueue selector"
    );
    assert_eq!(
        after.message,
        "workload namespace doesn't match ClusterQueue selector"
    );
}

#[test]
fn labelled_namespace_selector_noted() {
    let queues = SAMPLE_QUEUES.replace(
        "namespaceSelector: {}",
        "namespaceSelector: {matchLabels: {team: research}}",
    );

    let result = verdict(&queues, &gpu_workload(1));

    assert_eq!(result.outcome, Outcome::Fits);
    assert!(
        result
            .notes
            .iter()
            .any(|note| note.contains("namespaceSelector is not checked")),
        "{:?}",
        result.notes
    );
}

/// A later pod set is checked against the quota left after earlier pod sets in the same flavor.
#[test]
fn second_pod_set_counts_first() {
    let mut workload = gpu_workload(3);
    let mut worker = workload.spec.pod_sets[0].clone();
    worker.name = "worker".to_owned();
    workload.spec.pod_sets.push(worker);
    let one_flavor = TWO_FLAVORS.replace(
        "    - name: gpu-h100\n      resources:\n      - {name: example.com/gpu, nominalQuota: 4}\n",
        "",
    );

    let result = verdict(&one_flavor, &workload);

    assert_eq!(result.outcome, Outcome::DoesNotFit);
    assert_eq!(
        result.message,
        "couldn't assign flavors to pod set worker: insufficient quota for example.com/gpu in flavor gpu-a100, previously considered podsets requests (3) + current podset request (3) > maximum capacity (4)"
    );
    assert_eq!(result.pod_sets.len(), 2);
    assert_eq!(
        result.pod_sets[0].resources[0].flavor.as_deref(),
        Some("gpu-a100")
    );
    assert_eq!(result.pod_sets[1].resources[0].flavor, None);
}

/// Each pod set that does not fit gets its own message part, joined with `; `.
#[test]
fn pod_set_messages_joined() {
    let mut workload = gpu_workload(2);
    let mut worker = workload.spec.pod_sets[0].clone();
    worker.name = "worker".to_owned();
    workload.spec.pod_sets.push(worker);
    let queues = with_reservation(TWO_FLAVORS, "team-a", 3).replacen(
            "    - name: gpu-h100\n      resources:\n      - {name: example.com/gpu, nominalQuota: 4}\n",
            "",
            1,
        );

    let result = verdict(&queues, &workload);

    assert_eq!(result.outcome, Outcome::NeedsPreemption);
    assert_eq!(
        result.message,
        "couldn't assign flavors to pod set main: insufficient unused quota for example.com/gpu in flavor gpu-a100, 1 more needed; \
         couldn't assign flavors to pod set worker: insufficient unused quota for example.com/gpu in flavor gpu-a100, 3 more needed"
    );
}

/// A quota beyond the int64 range is unlimited from v0.18.0 and prints as `<unlimited>`.
#[test]
fn unlimited_quota_prints_as_such() {
    let queues = SAMPLE_QUEUES.replace("nominalQuota: 8", "nominalQuota: 10E");

    let result = verdict(&queues, &gpu_workload(3));

    assert_eq!(result.outcome, Outcome::Fits);
    let check = &result.pod_sets[0].resources[0].flavors[0];
    assert_eq!(check.nominal.as_deref(), Some("<unlimited>"));
    assert_eq!(check.maximum_capacity.as_deref(), Some("<unlimited>"));
}

/// From v0.18.5 and v0.19.1, with `VectorizedResourceRequests` on, Kueue walks a pod set's
/// requests by the FNV-1a hash of the resource name and stops at the first that gets no
/// flavor. `nvidia.com/gpu` hashes below `cpu`, so it is named even though `cpu` also fails.
#[test]
fn failing_resource_by_hash_order() {
    let queues = CPU_QUEUES;
    let workload = workload(&cpu_workload(1, "{cpu: '16', nvidia.com/gpu: '1'}"));
    let gate_off = format!("{GPU_MAPPING}featureGates: {{VectorizedResourceRequests: false}}\n");
    let v0_19_0 = Release::parse("v0.19.0").expect("a release");
    let v0_18_4 = Release::parse("v0.18.4").expect("a release");
    let v0_18_5 = Release::parse("v0.18.5").expect("a release");
    let cpu_message = "couldn't assign flavors to pod set main: insufficient quota for cpu in flavor default-flavor, previously considered podsets requests (0) + current podset request (16) > maximum capacity (8)";
    let gpu_message = "couldn't assign flavors to pod set main: resource nvidia.com/gpu unavailable in ClusterQueue";

    let latest = verdict_in(Release::default(), GPU_MAPPING, queues, &workload);
    let latest_gate_off = verdict_in(Release::default(), &gate_off, queues, &workload);
    let before_hash_v0_19 = verdict_in(v0_19_0, GPU_MAPPING, queues, &workload);
    let before_hash_v0_18 = verdict_in(v0_18_4, GPU_MAPPING, queues, &workload);
    let hash_v0_18 = verdict_in(v0_18_5, GPU_MAPPING, queues, &workload);

    assert_eq!(latest.message, gpu_message);
    assert_eq!(hash_v0_18.message, gpu_message);
    assert_eq!(latest_gate_off.message, cpu_message);
    assert_eq!(before_hash_v0_19.message, cpu_message);
    assert_eq!(before_hash_v0_18.message, cpu_message);
}

/// Before v0.17.6, v0.18.2 and v0.19.0 Kueue compares the pod's node selector with a flavor
/// on the label keys of every flavor in the resource group, so a flavor without the key
/// still fails a `nodeSelector` or `In` expression on it.
#[test]
fn label_keys_of_group_by_release() {
    let queues = CPU_QUEUES
        .replacen(
            "metadata: {name: default-flavor}",
            "metadata: {name: zone-x}\nspec:\n  nodeLabels: {topology.kubernetes.io/zone: x}\n---\napiVersion: kueue.x-k8s.io/v1beta2\nkind: ResourceFlavor\nmetadata: {name: default-flavor}",
            1,
        )
        .replacen(
            "    flavors:\n",
            "    flavors:\n    - name: zone-x\n      resources:\n      - {name: cpu, nominalQuota: 8}\n",
            1,
        );
    let pod_set = workload(&cpu_workload(1, "{cpu: '1'}"));
    let by_selector = with_pod_fields(
        pod_set.clone(),
        &serde_json::json!({"nodeSelector": {"topology.kubernetes.io/zone": "y"}}),
    );
    let by_affinity = with_pod_fields(
        pod_set,
        &serde_json::json!({"affinity": {"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [
                    {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["y"]}
                ]}
            ]}
        }}}),
    );
    let union_releases = ["v0.16.4", "v0.17.5", "v0.18.1"];
    let per_flavor_releases = ["v0.17.6", "v0.18.2", "v0.19.0", "v0.19.2"];

    for name in union_releases {
        let release = Release::parse(name).expect("a release");
        for workload in [&by_selector, &by_affinity] {
            let result = verdict_in(release, GPU_MAPPING, &queues, workload);
            let gpu = &result.pod_sets[0].resources[0];
            assert_eq!(gpu.flavor, None, "{name}");
            assert_eq!(
                gpu.flavors[1].reasons,
                ["flavor default-flavor doesn't match node affinity"],
                "{name}"
            );
        }
    }
    for name in per_flavor_releases {
        let release = Release::parse(name).expect("a release");
        for workload in [&by_selector, &by_affinity] {
            let result = verdict_in(release, GPU_MAPPING, &queues, workload);
            let gpu = &result.pod_sets[0].resources[0];
            assert_eq!(gpu.flavor.as_deref(), Some("default-flavor"), "{name}");
        }
    }
}

/// From v0.18.0 `AmountFromQuantity` makes a `cpu` quota of `i64::MAX / 1000` cores or more
/// unlimited, even though its milli-value still fits in int64.
#[test]
fn cpu_quota_near_int64_is_unlimited() {
    let queues = CPU_QUEUES.replace("nominalQuota: 8", "nominalQuota: '9223372036854775'");
    let below = CPU_QUEUES.replace("nominalQuota: 8", "nominalQuota: '9223372036854774'");
    let workload = workload(&cpu_workload(1, "{cpu: '1'}"));
    let v0_17 = Release::parse("v0.17.8").expect("a release");

    let at_limit = verdict(&queues, &workload);
    let below_limit = verdict(&below, &workload);
    let before_amounts = verdict_in(v0_17, GPU_MAPPING, &queues, &workload);

    let nominal = |result: &Verdict| result.pod_sets[0].resources[0].flavors[0].nominal.clone();
    assert_eq!(nominal(&at_limit).as_deref(), Some("<unlimited>"));
    assert_eq!(nominal(&below_limit).as_deref(), Some("9223372036854774"));
    assert_eq!(
        nominal(&before_amounts).as_deref(),
        Some("9223372036854775")
    );
}

/// An invalid node-affinity expression is Kueue's `status.err`: the flavor search stops
/// with the selector's error, unless another term of the selector matches.
#[test]
fn invalid_node_affinity_is_error() {
    let queues = CPU_QUEUES.replacen(
        "metadata: {name: default-flavor}",
        "metadata: {name: default-flavor}\nspec:\n  nodeLabels: {topology.kubernetes.io/zone: x}",
        1,
    );
    let with_terms = |terms: serde_json::Value| {
        with_pod_fields(
            workload(&cpu_workload(1, "{cpu: '1'}")),
            &serde_json::json!({"affinity": {"nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}
            }}}),
        )
    };
    let zone = "topology.kubernetes.io/zone";
    let unsupported = with_terms(serde_json::json!([
        {"matchExpressions": [{"key": zone, "operator": "Equals", "values": ["x"]}]}
    ]));
    let not_integer = with_terms(serde_json::json!([
        {"matchExpressions": [{"key": zone, "operator": "Gt", "values": ["x", "1"]}]}
    ]));
    let other_term_matches = with_terms(serde_json::json!([
        {"matchExpressions": [{"key": zone, "operator": "Equals", "values": ["x"]}]},
        {"matchExpressions": [{"key": zone, "operator": "In", "values": ["x"]}]}
    ]));

    let unsupported = verdict(&queues, &unsupported);
    let not_integer = verdict(&queues, &not_integer);
    let other_term_matches = verdict(&queues, &other_term_matches);

    assert_eq!(unsupported.outcome, Outcome::DoesNotFit);
    assert_eq!(
        unsupported.message,
        r#"failed to assign flavors to pod set main: nodeSelectorTerms[0].matchExpressions[0].operator: Unsupported value: "Equals": supported values: "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt""#
    );
    assert_eq!(
        not_integer.message,
        r#"failed to assign flavors to pod set main: [nodeSelectorTerms[0].matchExpressions[0].values: Invalid value: ["x","1"]: for 'Gt', 'Lt' operators, exactly one value is required, nodeSelectorTerms[0].matchExpressions[0].values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer]"#
    );
    assert_eq!(other_term_matches.outcome, Outcome::Fits);
}

/// From v0.16.0 Kueue enables comparison operators in `FindMatchingUntoleratedTaint`: a `Gt`
/// or `Lt` toleration compares the taint's value as an integer. Before, it tolerates nothing.
#[test]
fn numeric_toleration_by_release() {
    let queues = CPU_QUEUES.replacen(
        "metadata: {name: default-flavor}",
        "metadata: {name: default-flavor}\nspec:\n  nodeTaints:\n  - {key: example.com/generation, value: '5', effect: NoSchedule}",
        1,
    );
    let tolerating = |operator: &str, value: &str| {
        with_pod_fields(
            workload(&cpu_workload(1, "{cpu: '1'}")),
            &serde_json::json!({"tolerations": [
                {"key": "example.com/generation", "operator": operator, "value": value, "effect": "NoSchedule"}
            ]}),
        )
    };
    let v0_15 = Release::parse("v0.15.8").expect("a release");
    let v0_16 = Release::parse("v0.16.0").expect("a release");
    let untolerated = "couldn't assign flavors to pod set main: untolerated taint example.com/generation=5:NoSchedule in flavor default-flavor";

    let taint_below = verdict_in(v0_16, GPU_MAPPING, &queues, &tolerating("Lt", "6"));
    let taint_equal = verdict_in(v0_16, GPU_MAPPING, &queues, &tolerating("Lt", "5"));
    let leading_zero = verdict_in(v0_16, GPU_MAPPING, &queues, &tolerating("Gt", "04"));
    let before = verdict_in(v0_15, GPU_MAPPING, &queues, &tolerating("Lt", "6"));

    assert_eq!(taint_below.outcome, Outcome::Fits);
    assert_eq!(taint_equal.message, untolerated);
    assert_eq!(leading_zero.message, untolerated);
    assert_eq!(before.message, untolerated);
}

/// With `FlavorFungibilityImplicitPreferenceDefault` on (v0.14.x, v0.15.x, v0.16.4 to
/// v0.16.9) and no declared preference, `whenCanBorrow: TryNextFlavor` prefers a flavor that
/// needs preemption over one that needs borrowing. Here `busy` needs its quota back from
/// team-b, and `small` fits by borrowing from team-b.
#[test]
fn implicit_preference_gate_prefers_preemption() {
    let queues = "
apiVersion: kueue.x-k8s.io/v1beta2
kind: ResourceFlavor
metadata: {name: small}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ResourceFlavor
metadata: {name: busy}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: team-a}
spec:
  namespaceSelector: {}
  cohortName: research
  flavorFungibility: {whenCanBorrow: TryNextFlavor PREFERENCE}
  resourceGroups:
  - coveredResources: [cpu]
    flavors:
    - name: small
      resources:
      - {name: cpu, nominalQuota: 1}
    - name: busy
      resources:
      - {name: cpu, nominalQuota: 4}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: team-b}
spec:
  namespaceSelector: {}
  cohortName: research
  resourceGroups:
  - coveredResources: [cpu]
    flavors:
    - name: small
      resources:
      - {name: cpu, nominalQuota: 8}
    - name: busy
      resources:
      - {name: cpu, nominalQuota: 0}
status:
  flavorsReservation:
  - name: busy
    resources:
    - {name: cpu, total: '3'}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: user-queue, namespace: default}
spec: {clusterQueue: team-a}
";
    let undeclared = queues.replace(" PREFERENCE", "");
    let declared = queues.replace(" PREFERENCE", ", preference: BorrowingOverPreemption");
    let gate_on = format!(
        "{GPU_MAPPING}featureGates: {{FlavorFungibilityImplicitPreferenceDefault: true}}\n"
    );
    let workload = workload(&cpu_workload(1, "{cpu: '3'}"));
    let v0_16_4 = Release::parse("v0.16.4").expect("a release");
    let flavor = |result: &Verdict| result.pod_sets[0].resources[0].flavor.clone();

    let preempting = verdict_in(v0_16_4, &gate_on, &undeclared, &workload);
    let borrowing = verdict_in(v0_16_4, GPU_MAPPING, &undeclared, &workload);
    let declared_wins = verdict_in(v0_16_4, &gate_on, &declared, &workload);

    assert_eq!(preempting.outcome, Outcome::NeedsPreemption);
    assert_eq!(flavor(&preempting).as_deref(), Some("busy"));
    assert_eq!(borrowing.outcome, Outcome::FitsByBorrowing);
    assert_eq!(flavor(&borrowing).as_deref(), Some("small"));
    assert_eq!(declared_wins.outcome, Outcome::FitsByBorrowing);
}
