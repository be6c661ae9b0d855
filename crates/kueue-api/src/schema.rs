//! Helpers that adjust the JSON schemas derived for the CRD types.
//!
//! The CRD types carry Kueue's validation markers as `#[schemars(...)]` attributes. The few
//! rules that schemars cannot express directly live here, next to the regular expressions
//! that several fields share.

use schemars::Schema;
use serde_json::Value;

/// The pattern Kubernetes uses for DNS subdomain names (RFC 1123), such as object names.
pub(crate) const DNS_SUBDOMAIN_PATTERN: &str =
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

/// The pattern Kubernetes uses for DNS labels (RFC 1123), such as pod set names.
pub(crate) const DNS_LABEL_PATTERN: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

/// Removes the `default` keyword that schemars derives from `#[serde(default)]`.
///
/// Kueue reads fields such as `status.pendingWorkloads` as zero when they are missing, so
/// the Rust types default them too. Kueue's CRDs declare no default for them, and a schema
/// default would make the API server write the zero value into stored objects.
pub(crate) fn remove_default(schema: &mut Schema) {
    schema.remove("default");
}

/// Removes the description of a string enum's own schema.
///
/// kube rewrites the schema of an `Option<Enum>` field by copying the enum's schema over
/// the field's, so the enum's description would replace the field's documentation. Every
/// enum used in a CRD applies this transform, and the fields document the values instead.
pub(crate) fn remove_description(schema: &mut Schema) {
    schema.remove("description");
}

/// Lists `template` as required in the schema of a pod set, as Kueue's CRD does, while the
/// Rust type still reads a pod set without one.
pub(crate) fn require_template(schema: &mut Schema) {
    require(schema, &["template"]);
}

/// Lists `template` and `count` as required in the schema of a v1beta1 pod set.
pub(crate) fn require_template_and_count(schema: &mut Schema) {
    require(schema, &["template", "count"]);
}

/// Lists `lastTransitionTime` as required, as Kueue's CRD does for admission check and
/// preemption gate states, while the Rust types still read a state without one.
pub(crate) fn require_last_transition_time(schema: &mut Schema) {
    require(schema, &["lastTransitionTime"]);
}

/// Adds `fields` to the `required` list of an object schema.
fn require(schema: &mut Schema, fields: &[&str]) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let required = object
        .entry("required")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Some(required) = required.as_array_mut() {
        for field in fields {
            if !required.iter().any(|existing| existing == field) {
                required.push(Value::from(*field));
            }
        }
    }
}

/// Limits `reclaimWithinCohort` to the policies Kueue accepts there.
pub(crate) fn reclaim_within_cohort_values(schema: &mut Schema) {
    restrict_enum(schema, &["Never", "LowerPriority", "Any"]);
}

/// Limits `withinClusterQueue` to the policies Kueue accepts there.
pub(crate) fn within_cluster_queue_values(schema: &mut Schema) {
    restrict_enum(
        schema,
        &["Never", "LowerPriority", "LowerOrNewerEqualPriority"],
    );
}

/// Limits the v1beta1 `whenCanBorrow` to the policies Kueue accepts there.
pub(crate) fn when_can_borrow_v1beta1_values(schema: &mut Schema) {
    restrict_enum(schema, &["MayStopSearch", "TryNextFlavor", "Borrow"]);
}

/// Limits the v1beta1 `whenCanPreempt` to the policies Kueue accepts there.
pub(crate) fn when_can_preempt_v1beta1_values(schema: &mut Schema) {
    restrict_enum(schema, &["MayStopSearch", "TryNextFlavor", "Preempt"]);
}

/// Keeps only the `allowed` values of the string enum in `schema`.
///
/// The enum sits either on the schema itself or, for an `Option` field, in the non-null
/// branch of its `anyOf`, which kube later merges into the field's schema. schemars writes
/// an enum whose variants have doc comments as a `oneOf` of one schema per value, which kube
/// then folds into a plain `enum`.
fn restrict_enum(schema: &mut Schema, allowed: &[&str]) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };

    if let Some(branches) = object.get_mut("anyOf").and_then(Value::as_array_mut) {
        for branch in branches {
            restrict_enum_values(branch, allowed);
        }
    }
    restrict_enum_values_in(object, allowed);
}

/// Applies [`restrict_enum`] to one `anyOf` branch.
fn restrict_enum_values(branch: &mut Value, allowed: &[&str]) {
    if let Some(object) = branch.as_object_mut() {
        restrict_enum_values_in(object, allowed);
    }
}

/// Drops the values outside `allowed` from the `enum` or `oneOf` keyword of `object`.
///
/// A `null` value, which marks the branch of an `Option`, is always kept.
fn restrict_enum_values_in(object: &mut serde_json::Map<String, Value>, allowed: &[&str]) {
    let is_allowed = |value: &Value| value.as_str().is_none_or(|value| allowed.contains(&value));

    if let Some(values) = object.get_mut("enum").and_then(Value::as_array_mut) {
        values.retain(is_allowed);
    }
    if let Some(variants) = object.get_mut("oneOf").and_then(Value::as_array_mut) {
        variants.retain(|variant| {
            let single_value = variant
                .get("const")
                .or_else(|| variant.pointer("/enum/0"))
                .unwrap_or(&Value::Null);
            is_allowed(single_value)
        });
    }
}
