//! The result of explaining one Workload, in the shape of the JSON output contract.

use std::collections::BTreeMap;

use serde::Serialize;

/// The ClusterQueue quota Kueue charges, or would charge, for one Workload, and the reasons.
///
/// The plugin adds the Workload's namespace, name, source and queues around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// Whether the charge was computed, rejected or read from the admission.
    pub status: Status,
    /// The QuotaReserved reason Kueue writes when `status` is `Inadmissible`; empty otherwise.
    pub reason: String,
    /// Kueue's exact QuotaReserved message when `status` is `Inadmissible`; empty otherwise.
    pub message: String,
    /// Whether Kueue retries the Workload with backoff, true only for internal errors.
    pub retried: bool,
    /// Plain sentences about what could not be computed or checked. An explanation with
    /// notes is partial.
    pub notes: Vec<String>,
    /// One entry per pod set, in the Workload's order.
    pub pod_sets: Vec<PodSetCharge>,
}

/// The state that decides where the charge comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    /// Kueue computes this charge for the pending Workload.
    Charged,
    /// Kueue sets QuotaReserved=False on the Workload. The pod sets carry no charge when DRA
    /// processing rejected it, and the computed requests when the scheduler's resource
    /// checks did.
    Inadmissible,
    /// The Workload has a quota reservation, so the charge is the one recorded at admission.
    Admitted,
}

/// The charge of one pod set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSetCharge {
    /// The pod set's name.
    pub name: String,
    /// The number of pods charged.
    pub count: i32,
    /// The charge for one pod, by resource, as Kubernetes quantity strings.
    pub per_pod: BTreeMap<String, String>,
    /// The charge for the whole pod set, `count` pods included.
    pub total: BTreeMap<String, String>,
    /// The DRA charges that make up part of `per_pod`, one per device request or extended
    /// resource.
    pub charges: Vec<Charge>,
}

/// One DRA charge: which DeviceClass, by which path, under which quota resource, how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Charge {
    /// The path by which Kueue found the device.
    pub path: ChargePath,
    /// The pod's `resourceClaims[].name` (template path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
    /// The ResourceClaimTemplate's name (template path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The request's name inside the template (template path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// The extended resource the containers request (extended-resource path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The counter or capacity dimension charged (counter and capacity paths).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The containers that request the extended resource, init containers first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<String>,
    /// The DeviceClass charged; empty when the request names none.
    pub device_class: String,
    /// The quota resource charged; empty when Kueue skips the request.
    pub quota_key: String,
    /// The units charged per pod, as a Kubernetes quantity string.
    pub per_pod: String,
}

/// The path by which Kueue found a DRA charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ChargePath {
    /// A device request in a ResourceClaimTemplate the pod references.
    ResourceClaimTemplate,
    /// A container's extended-resource request backed by a DeviceClass.
    ExtendedResource,
    /// A template device request whose class has counter sources: the largest counter value
    /// the matching devices consume, times the request's count.
    Counter,
    /// A template device request whose class has capacity sources: the capacity requested or
    /// defaulted, rounded by the device's request policy, times the request's count.
    Capacity,
}
