//! Whole-CRD expectations, so that any change to a generated schema shows up in review.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;

fn crd(kind: &str) -> CustomResourceDefinition {
    kueue_api::crds()
        .expect("the CRDs build")
        .into_iter()
        .find(|crd| crd.spec.names.kind == kind)
        .unwrap_or_else(|| panic!("no CRD for kind {kind}"))
}

#[test]
fn resource_flavor_crd_matches_snapshot() {
    insta::assert_json_snapshot!("resource_flavor_crd", crd("ResourceFlavor"));
}

/// The scope, short names, versions and printer columns of every kind, as Kueue v0.19.2
/// declares them in its kubebuilder markers.
#[test]
fn crd_names_versions_and_columns_match_kueue() {
    let summary: Vec<serde_json::Value> = kueue_api::crds()
        .expect("the CRDs build")
        .iter()
        .map(|crd| {
            let versions: Vec<serde_json::Value> = crd
                .spec
                .versions
                .iter()
                .map(|version| {
                    let columns: Vec<String> = version
                        .additional_printer_columns
                        .iter()
                        .flatten()
                        .map(|column| {
                            let priority = column.priority.unwrap_or(0);
                            format!("{} {} {} p{priority}", column.name, column.type_, column.json_path)
                        })
                        .collect();
                    serde_json::json!({
                        "name": version.name,
                        "served": version.served,
                        "storage": version.storage,
                        "deprecated": version.deprecated.unwrap_or(false),
                        "status": version.subresources.as_ref().and_then(|s| s.status.as_ref()).is_some(),
                        "columns": columns,
                    })
                })
                .collect();
            serde_json::json!({
                "name": crd.metadata.name,
                "scope": crd.spec.scope,
                "shortNames": crd.spec.names.short_names,
                "versions": versions,
            })
        })
        .collect();

    insta::assert_json_snapshot!("crd_names_versions_and_columns", summary);
}
