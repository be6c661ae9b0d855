//! Checks that the CRD files committed under `docs/crds/` match what the types generate.

use std::fs;
use std::path::{Path, PathBuf};

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn committed_crd_files_match_types() {
    let root = repository_root();
    let files = kueue_api::crd_files().expect("the CRDs render as YAML");

    let stale: Vec<&str> = files
        .iter()
        .filter(|file| {
            let committed = fs::read_to_string(root.join(&file.path)).ok();
            committed.as_deref() != Some(file.contents.as_str())
        })
        .map(|file| file.path.as_str())
        .collect();

    assert!(
        stale.is_empty(),
        "stale or missing generated files: {}\nrun `cargo xtask codegen` to update them",
        stale.join(", ")
    );
}

#[test]
fn crd_files_cover_every_kind() {
    let files = kueue_api::crd_files().expect("the CRDs render as YAML");

    let paths: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();

    assert_eq!(
        paths,
        [
            "docs/crds/kueue.x-k8s.io_clusterqueues.yaml",
            "docs/crds/kueue.x-k8s.io_cohorts.yaml",
            "docs/crds/kueue.x-k8s.io_localqueues.yaml",
            "docs/crds/kueue.x-k8s.io_resourceflavors.yaml",
            "docs/crds/kueue.x-k8s.io_workloads.yaml",
        ]
    );
}

#[test]
fn crd_files_start_with_generated_header() {
    let files = kueue_api::crd_files().expect("the CRDs render as YAML");

    for file in &files {
        assert!(
            file.contents.starts_with(kueue_api::GENERATED_HEADER),
            "{} does not start with the generated-file header",
            file.path
        );
    }
}
