//! The input every command reads: the `-f` files or the live cluster, the `--config` file and
//! the Kueue release.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use kubectl_kueue_dra::cli::ClusterArgs;
use kueue_dra_cluster::controller::ControllerLookup;
use kueue_dra_cluster::live::{Cluster, ConnectOptions, DEFAULT_PAGE_SIZE, Listing, ReadOptions};
use kueue_dra_cluster::{Loader, Snapshot, WorkloadCheck};

use crate::diagnostics;
use crate::progress;
use kueue_dra_quota::Release;

/// Returns the Kueue release `--kueue-version` names.
pub(crate) fn kueue_version(flag: &str) -> anyhow::Result<Release> {
    Release::parse(flag).context("invalid --kueue-version")
}

/// Loads the `-f` paths and the `--config` file, runs `workload_check` on every Workload, and
/// prints the loader's warnings.
pub(crate) fn load(
    files: &[PathBuf],
    config: Option<&Path>,
    default_namespace: &str,
    workload_check: Option<WorkloadCheck>,
) -> anyhow::Result<Snapshot> {
    let mut loader = Loader::new(default_namespace);
    if let Some(check) = workload_check {
        loader.check_workloads_with(check);
    }
    if let Some(config) = config {
        loader.set_configuration_file(config)?;
    }
    for path in files {
        loader.add_path(path)?;
    }
    finish(loader)
}

/// The namespaces to read from the live cluster.
pub(crate) enum NamespaceScope<'a> {
    /// `-A`: every namespace.
    All,
    /// `-n`: this one.
    Named(&'a str),
    /// Neither: the context's namespace, as kubectl does.
    Context,
}

/// The selectors the apiserver applies to the Workload list.
#[derive(Default)]
pub(crate) struct WorkloadSelectors {
    /// `labelSelector`, from `-l`.
    pub(crate) label: Option<String>,
    /// `fieldSelector`, such as `metadata.name=NAME` for `explain NAME`.
    pub(crate) field: Option<String>,
}

/// The objects and facts read from a live cluster.
pub(crate) struct ClusterInput {
    pub(crate) snapshot: Snapshot,
    /// The namespace read, `None` for every namespace.
    pub(crate) namespace: Option<String>,
    /// The kubeconfig context, for messages.
    pub(crate) context: String,
    /// Kueue's controller Deployment, for the release and the feature gates.
    pub(crate) controller: ControllerLookup,
}

/// Reads the live cluster and the `--config` file, and runs `workload_check` on every
/// Workload.
pub(crate) fn load_cluster(
    args: &ClusterArgs,
    config: Option<&Path>,
    scope: &NamespaceScope<'_>,
    selectors: &WorkloadSelectors,
    workload_check: Option<WorkloadCheck>,
) -> anyhow::Result<ClusterInput> {
    let no_more = |_: Cluster| async { Ok(()) };
    let (input, ()) = load_cluster_and(args, config, scope, selectors, workload_check, no_more)?;
    Ok(input)
}

/// Reads the live cluster and the `--config` file as [`load_cluster`] does, then runs
/// `read_more` with the same connection, for requests only one command needs.
pub(crate) fn load_cluster_and<T, F, Fut>(
    args: &ClusterArgs,
    config: Option<&Path>,
    scope: &NamespaceScope<'_>,
    selectors: &WorkloadSelectors,
    workload_check: Option<WorkloadCheck>,
    read_more: F,
) -> anyhow::Result<(ClusterInput, T)>
where
    F: FnOnce(Cluster) -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime for the cluster client")?;
    let connect = ConnectOptions {
        kubeconfig: args.kubeconfig.clone(),
        context: args.context.clone(),
        request_timeout: Some(args.request_timeout).filter(|timeout| !timeout.is_zero()),
        impersonate: args.impersonate.clone(),
        impersonate_groups: args.impersonate_groups.clone(),
    };

    let read = async {
        let cluster = Cluster::connect(&connect).await?;
        let namespace = match scope {
            NamespaceScope::All => None,
            NamespaceScope::Named(namespace) => Some((*namespace).to_owned()),
            NamespaceScope::Context => Some(cluster.namespace().to_owned()),
        };

        let mut loader = Loader::new(namespace.as_deref().unwrap_or("default"));
        if let Some(check) = workload_check {
            loader.check_workloads_with(check);
        }
        if let Some(config) = config {
            loader.set_configuration_file(config)?;
        }
        let read = ReadOptions {
            namespace: namespace.clone(),
            kueue_namespace: args.kueue_namespace.clone(),
            read_configuration: config.is_none(),
            page_size: DEFAULT_PAGE_SIZE,
            listing: Listing::Concurrent,
            workload_label_selector: selectors.label.clone(),
            workload_field_selector: selectors.field.clone(),
        };
        let controller = cluster.read_into(&mut loader, &read).await?;
        let input = ClusterInput {
            snapshot: finish(loader)?,
            namespace,
            context: cluster.context().to_owned(),
            controller,
        };
        let more = read_more(cluster).await?;
        Ok((input, more))
    };
    runtime.block_on(progress::interruptible(read))
}

/// Finishes loading and prints the loader's warnings.
fn finish(loader: Loader) -> anyhow::Result<Snapshot> {
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
