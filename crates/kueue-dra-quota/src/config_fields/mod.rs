//! The fields Kueue's strict decoder accepts in a Configuration, release by release, and the
//! ones a document has that the release's Go types lack.

mod tables;

use serde_json::Value;

use crate::release::Release;

/// The API group of Kueue's Configuration.
const CONFIG_GROUP: &str = "config.kueue.x-k8s.io";

/// A Configuration `apiVersion` that the release's `runtime.Scheme` does not register, such
/// as `config.kueue.x-k8s.io/v1beta2` at v0.14.
///
/// The message is the one apimachinery's `notRegisteredErr` writes (vendored
/// `k8s.io/apimachinery/pkg/runtime/error.go` at v0.14.0).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no kind \"Configuration\" is registered for version {api_version:?} in scheme {scheme:?}")]
pub struct UnregisteredVersion {
    /// The document's `apiVersion`.
    pub api_version: String,
    /// The scheme's name, which apimachinery takes from the line that created the scheme.
    pub scheme: String,
}

/// Returns the fields of a Configuration `document` that `release` does not have, in Kueue's
/// notation such as `resources.deviceClassMappings[0].sources`.
///
/// The document is walked depth first, and a field whose value Kueue decodes as a whole (a
/// duration, a quantity, or a type from another package that decodes itself) is not walked
/// into. A value of the wrong JSON type, such as an object for a string, is not reported:
/// Kueue fails on it with a type error, which this function does not reproduce.
///
/// NOTE: Kueue reports unknown fields in the order they appear in the document, but a
/// `serde_json::Value` built without the `preserve_order` feature of `serde_json` keeps
/// object keys sorted, so the fields come in sorted key order within each object.
///
/// # Errors
///
/// Returns [`UnregisteredVersion`] when `api_version` is not a Configuration version that
/// `release` registers: `config.kueue.x-k8s.io/v1beta1` at every release, and `v1beta2` from
/// v0.15.0.
pub fn unknown_configuration_fields(
    release: Release,
    api_version: &str,
    document: &Value,
) -> Result<Vec<String>, UnregisteredVersion> {
    let version = api_version
        .strip_prefix(CONFIG_GROUP)
        .and_then(|rest| rest.strip_prefix('/'));
    let Some(fields) = version.and_then(|version| tables::fields(release, version)) else {
        return Err(UnregisteredVersion {
            api_version: api_version.to_owned(),
            scheme: scheme_name(release),
        });
    };

    let mut unknown = Vec::new();
    walk(&Known(fields), "", "", document, &mut unknown);
    Ok(unknown)
}

/// Returns the name Kueue's `runtime.Scheme` gets at `release`.
///
/// apimachinery names a scheme after the file and line of the `runtime.NewScheme()` call,
/// trimmed by `naming.GetNameFromCallsite` (vendored
/// `k8s.io/apimachinery/pkg/util/naming/from_stack.go`). Kueue's Dockerfile builds
/// `cmd/kueue` in `/workspace` without `-trimpath`, so the file is
/// `/workspace/cmd/kueue/main.go`. apimachinery writes `????` when it finds no caller.
// NOTE: a manager built elsewhere, or with `-trimpath`, prints another file path.
fn scheme_name(release: Release) -> String {
    match tables::scheme_line(release) {
        Some(line) => format!("/workspace/cmd/kueue/main.go:{line}"),
        None => "????".to_owned(),
    }
}

/// A release's sorted field paths, as `tools/config_fields.py` writes them.
struct Known(&'static [&'static str]);

impl Known {
    fn contains(&self, pattern: &str) -> bool {
        self.0.binary_search(&pattern).is_ok()
    }

    /// Returns whether any path lies below `pattern`. The root always has fields.
    fn has_fields_below(&self, pattern: &str) -> bool {
        if pattern.is_empty() {
            return true;
        }
        let prefix = format!("{pattern}.");
        let start = self.0.partition_point(|path| *path < prefix.as_str());
        self.0
            .get(start)
            .is_some_and(|path| path.starts_with(&prefix))
    }
}

/// Appends the unknown fields below `value` to `unknown`. `pattern` is the value's path in
/// the table's notation (`[]` for list elements, `*` for map keys) and `path` its path in
/// Kueue's notation.
fn walk(known: &Known, pattern: &str, path: &str, value: &Value, unknown: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if known.contains(&join(pattern, "**")) || !known.has_fields_below(pattern) {
                return;
            }
            let map_pattern = join(pattern, "*");
            let is_map = known.contains(&map_pattern);
            for (key, child) in object {
                let child_path = join(path, key);
                let child_pattern = if is_map {
                    map_pattern.clone()
                } else {
                    join(pattern, key)
                };
                if !is_map && !known.contains(&child_pattern) {
                    unknown.push(child_path);
                    continue;
                }
                walk(known, &child_pattern, &child_path, child, unknown);
            }
        }
        Value::Array(items) => {
            let item_pattern = format!("{pattern}[]");
            for (index, item) in items.iter().enumerate() {
                walk(
                    known,
                    &item_pattern,
                    &format!("{path}[{index}]"),
                    item,
                    unknown,
                );
            }
        }
        _ => {}
    }
}

fn join(path: &str, segment: &str) -> String {
    if path.is_empty() {
        segment.to_owned()
    } else {
        format!("{path}.{segment}")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const V1BETA1: &str = "config.kueue.x-k8s.io/v1beta1";
    const V1BETA2: &str = "config.kueue.x-k8s.io/v1beta2";

    fn tag(minor: u32, patch: u32) -> Release {
        Release::Tagged { minor, patch }
    }

    fn unknown(release: Release, api_version: &str, document: &Value) -> Vec<String> {
        unknown_configuration_fields(release, api_version, document)
            .expect("the release registers this Configuration version")
    }

    fn dra_document(api_version: &str) -> Value {
        json!({
            "apiVersion": api_version,
            "kind": "Configuration",
            "resources": {
                "quotaCheckStrategy": "BlockUndeclared",
                "deviceClassMappings": [{
                    "name": "example.com/gpu",
                    "deviceClassNames": ["gpu.example.com"],
                    "sources": [{"counter": {"driver": "gpu.example.com", "name": "memory"}}]
                }]
            }
        })
    }

    #[test]
    fn every_release_has_v1beta1() {
        for release in Release::all() {
            assert!(tables::fields(release, "v1beta1").is_some(), "{release}");
        }
    }

    #[test]
    fn every_release_after_v0_14_has_v1beta2() {
        for release in Release::all() {
            let has_v1beta2 = tables::fields(release, "v1beta2").is_some();
            assert_eq!(has_v1beta2, release.minor() != Some(14), "{release}");
        }
    }

    #[test]
    fn tables_are_sorted() {
        for release in Release::all() {
            for version in ["v1beta1", "v1beta2"] {
                let Some(fields) = tables::fields(release, version) else {
                    continue;
                };
                assert!(
                    fields.windows(2).all(|pair| pair[0] < pair[1]),
                    "{release} {version}"
                );
            }
        }
    }

    #[test]
    fn known_document_has_no_unknown_fields() {
        let document = json!({
            "apiVersion": V1BETA2,
            "kind": "Configuration",
            "namespace": "kueue-system",
            "leaderElection": {"leaderElect": true, "leaseDuration": "15s"},
            "featureGates": {"AnyGateName": true},
            "managedJobsNamespaceSelector": {
                "matchExpressions": [{"key": "a", "operator": "In", "values": ["b"]}]
            },
            "resources": {"transformations": [{"input": "x", "outputs": {"y": "2"}}]}
        });

        assert_eq!(
            unknown(Release::default(), V1BETA2, &document),
            Vec::<String>::new()
        );
    }

    #[test]
    fn misspelled_fields_use_index_notation() {
        let document = json!({
            "apiVersion": V1BETA2,
            "kind": "Configuration",
            "resources": {
                "deviceClassMappings": [
                    {"name": "a", "deviceClassNames": []},
                    {"name": "b", "deviceClasses": ["x"]}
                ]
            },
            "webhok": {}
        });

        assert_eq!(
            unknown(Release::default(), V1BETA2, &document),
            ["resources.deviceClassMappings[1].deviceClasses", "webhok"]
        );
    }

    #[test]
    fn label_selector_fields_are_checked() {
        let document = json!({
            "apiVersion": V1BETA2,
            "kind": "Configuration",
            "managedJobsNamespaceSelector": {"matchExpression": []}
        });

        assert_eq!(
            unknown(Release::default(), V1BETA2, &document),
            ["managedJobsNamespaceSelector.matchExpression"]
        );
    }

    #[test]
    fn dra_sources_are_unknown_before_v0_18() {
        let expected = [
            "resources.deviceClassMappings[0].sources",
            "resources.quotaCheckStrategy",
        ];

        assert_eq!(
            unknown(tag(17, 8), V1BETA2, &dra_document(V1BETA2)),
            expected
        );
        assert_eq!(
            unknown(tag(15, 0), V1BETA2, &dra_document(V1BETA2)),
            expected
        );
        assert_eq!(
            unknown(tag(14, 8), V1BETA1, &dra_document(V1BETA1)),
            expected
        );
        assert!(unknown(tag(18, 0), V1BETA2, &dra_document(V1BETA2)).is_empty());
        assert!(unknown(Release::Main, V1BETA2, &dra_document(V1BETA2)).is_empty());
    }

    #[test]
    fn fields_added_later_are_unknown_earlier() {
        // `apis/config/v1beta2/configuration_types.go` gained `visibilityServer` and
        // `metrics.customLabels` in v0.17.0.
        let document = json!({
            "apiVersion": V1BETA2,
            "kind": "Configuration",
            "metrics": {"customLabels": [{"name": "team"}]},
            "visibilityServer": {"bindPort": 8082}
        });

        assert_eq!(
            unknown(tag(16, 9), V1BETA2, &document),
            ["metrics.customLabels", "visibilityServer"]
        );
        assert!(unknown(tag(17, 0), V1BETA2, &document).is_empty());
    }

    #[test]
    fn v1beta2_is_not_registered_at_v0_14() {
        let error = unknown_configuration_fields(tag(14, 2), V1BETA2, &dra_document(V1BETA2))
            .expect_err("v0.14 registers only v1beta1");

        assert_eq!(
            error.to_string(),
            "no kind \"Configuration\" is registered for version \
             \"config.kueue.x-k8s.io/v1beta2\" in scheme \"/workspace/cmd/kueue/main.go:87\""
        );
    }

    #[test]
    fn other_versions_are_not_registered() {
        let result = unknown_configuration_fields(
            Release::default(),
            "config.kueue.x-k8s.io/v1",
            &json!({}),
        );

        assert!(result.is_err());
    }
}
