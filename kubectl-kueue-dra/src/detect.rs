//! The Kueue release and feature gates of a live cluster, read from the manager container of
//! Kueue's controller Deployment.

use std::collections::BTreeMap;

use kueue_api::config::Configuration;
use kueue_dra_cluster::controller::{ControllerLookup, KUEUE_DEPLOYMENT, ManagerContainer};
use kueue_dra_cluster::{LoadedConfiguration, ObjectRef, Origin, Snapshot};
use kueue_dra_quota::{FeatureGates, Release};
use serde_json::json;

/// The Configuration apiVersion that every supported release registers, used for the
/// Configuration built from the manager's `--feature-gates` when the cluster has none.
const CONFIGURATION_API_VERSION: &str = "config.kueue.x-k8s.io/v1beta1";

/// Returns the release the controller image is tagged with, or why none could be read.
pub(crate) fn release(lookup: &ControllerLookup) -> Result<Release, String> {
    let container = match lookup {
        ControllerLookup::Found { container, .. } => container,
        ControllerLookup::Unavailable(reason) => return Err(reason.clone()),
    };
    let image = &container.image;
    let Some(tag) = container.image_tag() else {
        return Err(format!(
            "the manager image `{image}` has no tag, so its Kueue release is unknown"
        ));
    };
    // `main` and other branch builds move with every commit, so they name no release.
    let is_release_tag = tag.starts_with('v') && tag.split('.').count() == 3;
    if !is_release_tag {
        return Err(format!(
            "the manager image tag `{tag}` is not a Kueue release such as `v0.19.2`"
        ));
    }
    Release::parse(tag).map_err(|_| {
        format!("the manager image tag `{tag}` is not a Kueue release this plugin reproduces")
    })
}

/// Applies the manager's `--feature-gates` argument to the snapshot's Configuration, as
/// `release` applies it at start-up, and returns the warnings for the user.
///
/// Every release from v0.14.0 exits at start-up when gates are set both in the argument and
/// in the Configuration's `featureGates` (`conflicting feature gates detected`, in
/// `cmd/kueue/main.go`). That case is a warning here, and the argument's gates are used,
/// because they are the ones v0.18.0 and later set before they stop.
///
/// NOTE: Kueue checks whether `featureGates` is present, even if empty, but the loaded
/// Configuration does not keep an empty map, so only a non-empty `featureGates` conflicts.
pub(crate) fn apply_feature_gates(
    snapshot: &mut Snapshot,
    lookup: &ControllerLookup,
    release: Release,
    context: &str,
) -> anyhow::Result<Vec<String>> {
    let ControllerLookup::Found {
        namespace,
        container,
    } = lookup
    else {
        return Ok(Vec::new());
    };
    let Some(argument) = container
        .feature_gates_argument()
        .filter(|text| !text.is_empty())
    else {
        return Ok(Vec::new());
    };
    let object = ObjectRef {
        kind: "Deployment".to_owned(),
        namespace: Some(namespace.clone()),
        name: KUEUE_DEPLOYMENT.to_owned(),
    };
    let does_not_start = |detail: &dyn std::fmt::Display| {
        anyhow::anyhow!(
            "context `{context}`: {object}: field `{}`: Kueue {release} does not start with \
             `--feature-gates={argument}`: {detail}; use the gate names and values of the Kueue \
             release you run",
            container.arguments_field()
        )
    };
    let gates = parse_feature_gates(argument).map_err(|detail| does_not_start(&detail))?;
    // The same start-up checks as for the Configuration's gates, reported at the argument.
    FeatureGates::resolve(release, &gates).map_err(|error| does_not_start(&error))?;

    let mut warnings = Vec::new();
    if let Some(loaded) = &mut snapshot.configuration {
        if !loaded.configuration.feature_gates.is_empty() {
            warnings.push(format!(
                "context `{context}`: Kueue {release} does not start when feature gates are set \
                 both in the --feature-gates argument of {object} and in the Configuration's \
                 featureGates (`conflicting feature gates detected`); the argument's gates are \
                 used here"
            ));
        }
        loaded.configuration.feature_gates = gates;
    } else {
        let loaded = gates_configuration(gates, object, container, context);
        snapshot.configuration = Some(loaded);
    }
    Ok(warnings)
}

/// Builds the Configuration Kueue runs with when only the manager's argument sets gates.
fn gates_configuration(
    gates: BTreeMap<String, bool>,
    object: ObjectRef,
    container: &ManagerContainer,
    context: &str,
) -> LoadedConfiguration {
    let document = json!({
        "apiVersion": CONFIGURATION_API_VERSION,
        "kind": "Configuration",
        "featureGates": gates,
    });
    LoadedConfiguration {
        configuration: Configuration {
            feature_gates: gates,
            ..Configuration::default()
        },
        origin: Origin {
            file: format!("context `{context}`, deployments.apps"),
            document: None,
            item: None,
        },
        object,
        field_prefix: Some(container.arguments_field()),
        unknown_fields: Vec::new(),
        document,
        api_version: CONFIGURATION_API_VERSION.to_owned(),
    }
}

/// Parses a `--feature-gates` value as component-base's `Set` does: comma-separated
/// `Name=bool` pairs, spaces around names and values trimmed, empty entries skipped, and the
/// booleans Go's `strconv.ParseBool` accepts.
fn parse_feature_gates(text: &str) -> Result<BTreeMap<String, bool>, String> {
    let mut gates = BTreeMap::new();
    for entry in text.split(',') {
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        let Some((name, value)) = entry.split_once('=') else {
            return Err(format!("missing bool value for {entry}"));
        };
        let (name, value) = (name.trim(), value.trim());
        let enabled = match value {
            "1" | "t" | "T" | "TRUE" | "true" | "True" => true,
            "0" | "f" | "F" | "FALSE" | "false" | "False" => false,
            _ => return Err(format!("invalid value of {name}={value}")),
        };
        gates.insert(name.to_owned(), enabled);
    }
    Ok(gates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(image: &str) -> ControllerLookup {
        ControllerLookup::Found {
            namespace: "kueue-system".to_owned(),
            container: ManagerContainer {
                index: 0,
                image: image.to_owned(),
                arguments: Vec::new(),
            },
        }
    }

    #[test]
    fn release_from_image_tag() {
        let release = release(&found("registry.k8s.io/kueue/kueue:v0.17.3"));

        assert_eq!(
            release,
            Ok(Release::Tagged {
                minor: 17,
                patch: 3
            })
        );
    }

    #[test]
    fn release_rejects_other_tags() {
        let images = [
            "registry.k8s.io/kueue/kueue:main",
            "registry.k8s.io/kueue/kueue@sha256:0123abcd",
            "registry.k8s.io/kueue/kueue:v0.19",
            "registry.k8s.io/kueue/kueue:v0.99.0",
            "registry.k8s.io/kueue/kueue:v20251204-v0.15.0-12-g1234567",
        ];
        for image in images {
            assert!(release(&found(image)).is_err(), "{image}");
        }
    }

    #[test]
    fn feature_gates_parse_like_component_base() {
        let gates = parse_feature_gates(" A=true, B = False ,,C=1").expect("valid gates");

        assert!(gates["A"]);
        assert!(!gates["B"]);
        assert!(gates["C"]);
        assert_eq!(gates.len(), 3);
    }

    #[test]
    fn feature_gates_reject_bad_entries() {
        assert_eq!(
            parse_feature_gates("A"),
            Err("missing bool value for A".to_owned())
        );
        assert_eq!(
            parse_feature_gates("A=yes"),
            Err("invalid value of A=yes".to_owned())
        );
    }
}
