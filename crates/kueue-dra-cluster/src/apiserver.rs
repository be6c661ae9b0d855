//! The defaults and checks the apiserver applies before Kueue reads an object, so that objects
//! read from files look as they would in a cluster, and objects a cluster would reject are
//! rejected here too.

use k8s_openapi::api::core::v1::{Container, PodSpec};
use k8s_openapi::api::resource::v1::{DeviceSubRequest, ExactDeviceRequest, ResourceClaimSpec};

/// The allocation mode the apiserver sets when a request leaves it empty.
const EXACT_COUNT: &str = "ExactCount";

/// Applies the `resource.k8s.io/v1` defaults to every request of a claim spec: an empty
/// `allocationMode` becomes `ExactCount`, and `ExactCount` without a positive `count` gets
/// `count: 1`.
pub(crate) fn default_claim_spec(spec: &mut ResourceClaimSpec) {
    let Some(devices) = spec.devices.as_mut() else {
        return;
    };
    for request in devices.requests.iter_mut().flatten() {
        if let Some(exactly) = request.exactly.as_mut() {
            default_exact_request(exactly);
        }
        for sub_request in request.first_available.iter_mut().flatten() {
            default_sub_request(sub_request);
        }
    }
}

fn default_exact_request(request: &mut ExactDeviceRequest) {
    let (mode, count) = defaulted_mode_and_count(request.allocation_mode.take(), request.count);
    request.allocation_mode = Some(mode);
    request.count = count;
}

fn default_sub_request(request: &mut DeviceSubRequest) {
    let (mode, count) = defaulted_mode_and_count(request.allocation_mode.take(), request.count);
    request.allocation_mode = Some(mode);
    request.count = count;
}

fn defaulted_mode_and_count(mode: Option<String>, count: Option<i64>) -> (String, Option<i64>) {
    let mode = mode
        .filter(|mode| !mode.is_empty())
        .unwrap_or_else(|| EXACT_COUNT.to_owned());
    let count = if mode == EXACT_COUNT && count.unwrap_or(0) == 0 {
        Some(1)
    } else {
        count
    };
    (mode, count)
}

/// Returns the field and problem of the first device request in `spec` that the apiserver
/// would reject: an `ExactCount` request whose count is not positive, or a request without a
/// DeviceClass. `prefix` is the path of `spec` in its object.
pub(crate) fn invalid_claim_spec(
    spec: &ResourceClaimSpec,
    prefix: &str,
) -> Option<(String, String)> {
    let requests = spec.devices.as_ref()?.requests.as_ref()?;
    for (index, request) in requests.iter().enumerate() {
        let Some(exactly) = request.exactly.as_ref() else {
            continue;
        };
        let path = format!("{prefix}.devices.requests[{index}].exactly");
        if exactly.device_class_name.is_empty() {
            return Some((
                format!("{path}.deviceClassName"),
                "required value".to_owned(),
            ));
        }
        let count = exactly.count.unwrap_or(0);
        if exactly.allocation_mode.as_deref() == Some(EXACT_COUNT) && count <= 0 {
            return Some((
                format!("{path}.count"),
                format!("invalid value {count}: must be greater than zero"),
            ));
        }
    }
    None
}

/// Copies each container's limits into the requests it leaves unset, as the apiserver does
/// for Pods (but not for pod templates).
pub(crate) fn default_pod_requests(spec: &mut PodSpec) {
    let init_containers = spec.init_containers.iter_mut().flatten();
    for container in spec.containers.iter_mut().chain(init_containers) {
        default_container_requests(container);
    }
}

fn default_container_requests(container: &mut Container) {
    let Some(resources) = container.resources.as_mut() else {
        return;
    };
    let Some(limits) = resources.limits.as_ref() else {
        return;
    };
    let requests = resources.requests.get_or_insert_with(Default::default);
    for (name, quantity) in limits {
        requests
            .entry(name.clone())
            .or_insert_with(|| quantity.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_mode_becomes_exact_count_of_one() {
        assert_eq!(
            defaulted_mode_and_count(None, None),
            ("ExactCount".to_owned(), Some(1))
        );
    }

    #[test]
    fn zero_count_becomes_one() {
        assert_eq!(
            defaulted_mode_and_count(Some("ExactCount".to_owned()), Some(0)),
            ("ExactCount".to_owned(), Some(1))
        );
    }

    #[test]
    fn explicit_count_is_kept() {
        assert_eq!(
            defaulted_mode_and_count(None, Some(2)),
            ("ExactCount".to_owned(), Some(2))
        );
    }

    #[test]
    fn all_mode_gets_no_count() {
        assert_eq!(
            defaulted_mode_and_count(Some("All".to_owned()), None),
            ("All".to_owned(), None)
        );
    }

    fn claim_spec(request: &serde_json::Value) -> ResourceClaimSpec {
        let mut spec: ResourceClaimSpec =
            serde_json::from_value(serde_json::json!({"devices": {"requests": [request]}}))
                .expect("valid claim spec");
        default_claim_spec(&mut spec);
        spec
    }

    #[test]
    fn negative_device_count_is_invalid() {
        let spec = claim_spec(&serde_json::json!({
            "name": "gpu",
            "exactly": {"deviceClassName": "gpu.example.com", "count": -3}
        }));
        assert_eq!(
            invalid_claim_spec(&spec, "spec"),
            Some((
                "spec.devices.requests[0].exactly.count".to_owned(),
                "invalid value -3: must be greater than zero".to_owned()
            ))
        );
    }

    #[test]
    fn missing_device_class_is_invalid() {
        let spec = claim_spec(&serde_json::json!({
            "name": "gpu",
            "exactly": {"deviceClassName": ""}
        }));
        assert_eq!(
            invalid_claim_spec(&spec, "spec"),
            Some((
                "spec.devices.requests[0].exactly.deviceClassName".to_owned(),
                "required value".to_owned()
            ))
        );
    }

    #[test]
    fn defaulted_request_is_valid() {
        let spec = claim_spec(&serde_json::json!({
            "name": "gpu",
            "exactly": {"deviceClassName": "gpu.example.com"}
        }));
        assert_eq!(invalid_claim_spec(&spec, "spec"), None);
    }

    #[test]
    fn pod_limits_fill_missing_requests_only() {
        let mut spec: PodSpec = serde_json::from_value(serde_json::json!({
            "containers": [{
                "name": "main",
                "resources": {
                    "requests": {"cpu": "500m"},
                    "limits": {"cpu": "1", "example.com/gpu": "2"}
                }
            }]
        }))
        .expect("valid pod spec");

        default_pod_requests(&mut spec);

        let requests = spec.containers[0]
            .resources
            .as_ref()
            .and_then(|resources| resources.requests.as_ref())
            .expect("requests are set");
        assert_eq!(requests["cpu"].0, "500m");
        assert_eq!(requests["example.com/gpu"].0, "2");
    }
}
