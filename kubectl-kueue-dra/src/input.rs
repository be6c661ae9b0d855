//! The input every command reads: the `-f` files, the `--config` file and the Kueue release.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use kueue_dra_cluster::{Loader, Snapshot};

use crate::diagnostics;
use kueue_dra_quota::Release;

/// Returns the Kueue release to reproduce.
pub(crate) fn kueue_version(flag: &str) -> anyhow::Result<Release> {
    Release::parse(flag).context("invalid --kueue-version")
}

/// Loads the `-f` paths and the `--config` file, and prints the loader's warnings.
pub(crate) fn load(
    files: &[PathBuf],
    config: Option<&Path>,
    default_namespace: &str,
) -> anyhow::Result<Snapshot> {
    let mut loader = Loader::new(default_namespace);
    if let Some(config) = config {
        loader.set_configuration_file(config)?;
    }
    for path in files {
        loader.add_path(path)?;
    }
    let snapshot = loader.finish()?;
    for warning in &snapshot.warnings {
        diagnostics::warning(warning);
    }
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use kubectl_kueue_dra::cli::DEFAULT_VERSION;

    use super::*;

    #[test]
    fn default_version_is_the_default_release() {
        assert_eq!(DEFAULT_VERSION, Release::default().to_string());
    }
}
