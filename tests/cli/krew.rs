//! The krew plugin manifest `plugins/kueue-dra.yaml`, checked against the rules krew applies
//! that need no download.
//!
//! The rules come from the kubernetes-sigs/krew repository: `ValidatePlugin`,
//! `validatePlatform` and `validateSelector` in `internal/index/validation/validate.go`
//! (commit 65de93c), the line-length limits and the overlapping-selector check of
//! `cmd/validate-krew-manifest/main.go` (commit 284085e), which krew-index's CI runs on every
//! changed manifest, and the page "Writing Krew plugin manifests"
//! (<https://krew.sigs.k8s.io/docs/developer-guide/plugin-manifest/>). The installation
//! check of `validate-krew-manifest`, which downloads every archive, is not reproduced.

use std::collections::BTreeSet;
use std::fs;

use serde_json::Value;

use crate::harness::{binary, repo_root};

/// The plugin name, which krew requires to be the manifest's file name too.
const PLUGIN_NAME: &str = "kueue-dra";

/// The binary that Cargo builds and every platform installs.
const BINARY_NAME: &str = "kubectl-kueue_dra";

/// `validate-krew-manifest` warns when a `shortDescription` line is longer than this.
const SHORT_DESCRIPTION_MAX_LEN: usize = 70;

/// `validate-krew-manifest` warns when a `description` or `caveats` line is longer than this.
const TEXT_LINE_MAX_LEN: usize = 80;

fn manifest() -> Value {
    let path = repo_root()
        .join("plugins")
        .join(format!("{PLUGIN_NAME}.yaml"));
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read `{}`: {error}", path.display()));
    serde_saphyr::from_str(&text)
        .unwrap_or_else(|error| panic!("`{}` is not valid YAML: {error}", path.display()))
}

/// Returns the string at `pointer`, failing the test when it is missing or not a string.
fn string_at<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("`{pointer}` is missing or not a string"))
}

fn platforms(manifest: &Value) -> &[Value] {
    manifest
        .pointer("/spec/platforms")
        .and_then(Value::as_array)
        .expect("`spec.platforms` is a list")
}

/// Returns the lines of `text` that `validate-krew-manifest` would warn about: longer than
/// `max_len` and with a space in them (one long word is allowed).
fn overlong_lines(text: &str, max_len: usize) -> Vec<&str> {
    text.lines()
        .filter(|line| line.chars().count() > max_len && line.trim().contains(' '))
        .collect()
}

#[test]
fn manifest_kind_and_name() {
    let manifest = manifest();

    assert_eq!(
        string_at(&manifest, "/apiVersion"),
        "krew.googlecontainertools.github.com/v1alpha2"
    );
    assert_eq!(string_at(&manifest, "/kind"), "Plugin");
    assert_eq!(string_at(&manifest, "/metadata/name"), PLUGIN_NAME);
}

#[test]
fn plugin_name_is_safe() {
    // krew accepts names matching `^[\w-]+$`, except Windows device names.
    let is_safe = PLUGIN_NAME
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');

    assert!(is_safe, "`{PLUGIN_NAME}` has characters krew rejects");
}

#[test]
fn version_is_the_crate_version() {
    let manifest = manifest();

    assert_eq!(
        string_at(&manifest, "/spec/version"),
        format!("v{}", env!("CARGO_PKG_VERSION")),
        "update `spec.version` and the platform URIs in plugins/{PLUGIN_NAME}.yaml"
    );
}

#[test]
fn homepage_is_the_repository() {
    let manifest = manifest();

    assert_eq!(
        string_at(&manifest, "/spec/homepage"),
        env!("CARGO_PKG_REPOSITORY")
    );
}

#[test]
fn short_description_fits_krew_search() {
    let manifest = manifest();
    let short_description = string_at(&manifest, "/spec/shortDescription");

    assert!(!short_description.trim().is_empty());
    assert!(
        !short_description.contains(['\r', '\n']),
        "`shortDescription` has a line break"
    );
    assert!(
        short_description.chars().count() <= SHORT_DESCRIPTION_MAX_LEN,
        "`shortDescription` is longer than {SHORT_DESCRIPTION_MAX_LEN} characters: \
         `{short_description}`"
    );
}

#[test]
fn description_and_caveats_lines_fit() {
    let manifest = manifest();
    let description = string_at(&manifest, "/spec/description");
    let caveats = string_at(&manifest, "/spec/caveats");

    assert!(!description.trim().is_empty());
    assert_eq!(
        overlong_lines(description, TEXT_LINE_MAX_LEN),
        Vec::<&str>::new()
    );
    assert_eq!(
        overlong_lines(caveats, TEXT_LINE_MAX_LEN),
        Vec::<&str>::new()
    );
}

#[test]
fn caveats_list_the_rbac_for_a_live_cluster() {
    let manifest = manifest();
    let caveats = string_at(&manifest, "/spec/caveats");

    for expected in [
        "kueue.x-k8s.io",
        "workloads",
        "clusterqueues",
        "localqueues",
        "resourceflavors",
        "cohorts",
        "resource.k8s.io",
        "deviceclasses",
        "resourceclaimtemplates",
        "resourceclaims",
        "resourceslices",
        "runtimeclasses",
        "limitranges",
        "configmaps",
        "kueue-controller-manager",
        "get and list",
    ] {
        assert!(
            caveats.contains(expected),
            "`caveats` does not mention `{expected}`"
        );
    }
}

#[test]
fn every_platform_installs_the_binary() {
    let manifest = manifest();
    let release_prefix = format!(
        "{}/releases/download/v{}/",
        env!("CARGO_PKG_REPOSITORY"),
        env!("CARGO_PKG_VERSION")
    );
    let built = binary().file_stem().and_then(|name| name.to_str());
    assert_eq!(built, Some(BINARY_NAME), "Cargo builds another binary name");

    for (index, platform) in platforms(&manifest).iter().enumerate() {
        assert_eq!(string_at(platform, "/bin"), BINARY_NAME, "platform {index}");

        let uri = string_at(platform, "/uri");
        assert!(
            uri.starts_with(&release_prefix),
            "platform {index}: `{uri}`"
        );
        let lowercase_uri = uri.to_ascii_lowercase();
        let is_archive = [".tar.gz", ".zip"]
            .iter()
            .any(|suffix| lowercase_uri.ends_with(suffix));
        assert!(
            is_archive,
            "platform {index}: expected a `.tar.gz` or `.zip` archive, not `{uri}`"
        );

        let sha256 = string_at(platform, "/sha256");
        let is_sha256 = sha256.len() == 64
            && sha256
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
        assert!(
            is_sha256,
            "platform {index}: `{sha256}` is not 64 lowercase hex digits"
        );

        // krew extracts the whole archive when `files` is absent. A `files` list must not be
        // empty, and each entry needs `from` and `to`.
        if let Some(files) = platform.get("files") {
            let files = files
                .as_array()
                .unwrap_or_else(|| panic!("platform {index}: `files` is not a list"));
            assert!(!files.is_empty(), "platform {index}: `files` is empty");
            for file in files {
                string_at(file, "/from");
                string_at(file, "/to");
            }
        }
    }
}

#[test]
fn selectors_use_os_and_arch_only() {
    let manifest = manifest();

    for (index, platform) in platforms(&manifest).iter().enumerate() {
        let selector = platform
            .get("selector")
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("platform {index} has no selector"));
        assert_eq!(
            selector.keys().collect::<Vec<_>>(),
            ["matchLabels"],
            "platform {index}"
        );

        let labels = selector["matchLabels"]
            .as_object()
            .unwrap_or_else(|| panic!("platform {index}: `matchLabels` is not a map"));
        let keys: Vec<&str> = labels.keys().map(String::as_str).collect();
        assert_eq!(keys, ["arch", "os"], "platform {index}");
    }
}

#[test]
fn selectors_are_unique_and_cover_releases() {
    let manifest = manifest();
    let mut selected = BTreeSet::new();

    for (index, platform) in platforms(&manifest).iter().enumerate() {
        let os = string_at(platform, "/selector/matchLabels/os");
        let arch = string_at(platform, "/selector/matchLabels/arch");
        assert!(
            selected.insert((os, arch)),
            "platform {index} selects {os}/{arch} again"
        );
    }

    let expected = BTreeSet::from([
        ("darwin", "amd64"),
        ("darwin", "arm64"),
        ("linux", "amd64"),
        ("linux", "arm64"),
    ]);
    assert_eq!(selected, expected);
}
