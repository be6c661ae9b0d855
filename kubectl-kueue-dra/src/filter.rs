//! The workload filters of `explain`: NAME, `--for`, `-l`, `--cluster-queue`,
//! `--local-queue` and `--status`.

use kube::core::{Selector, SelectorExt as _};
use kubectl_kueue_dra::cli::{ExplainArgs, Owner, StatusFilter};
use kueue_dra_cluster::{LoadError, LoadedWorkload, Snapshot};
use kueue_dra_quota::Status;

use crate::report::{Report, WorkloadReport};
use crate::selector;

/// The filters given on the command line, checked.
pub(crate) struct Filters<'a> {
    name: Option<&'a str>,
    owner: Option<&'a Owner>,
    selector: Option<Selector>,
    cluster_queue: Option<&'a str>,
    local_queue: Option<&'a str>,
    status: Option<StatusFilter>,
}

impl<'a> Filters<'a> {
    /// Reads the filters of `args`; fails on an invalid label selector.
    pub(crate) fn new(args: &'a ExplainArgs) -> anyhow::Result<Self> {
        let selector = args.selector.as_deref().map(selector::parse).transpose()?;
        Ok(Self {
            name: args.name.as_deref(),
            owner: args.owner.as_ref(),
            selector,
            cluster_queue: args.cluster_queue.as_deref(),
            local_queue: args.local_queue.as_deref(),
            status: args.status,
        })
    }

    /// Keeps the workloads that NAME, `--for` and `-l` select. Runs before the workloads are
    /// explained, on the objects as read. Fails when a Workload kept as text cannot be decoded
    /// to read its owner references or labels.
    pub(crate) fn retain_objects(&self, snapshot: &mut Snapshot) -> anyhow::Result<()> {
        let mut error = None;
        snapshot.workloads.retain(|loaded| {
            if error.is_some() {
                return false;
            }
            let name_matches = self
                .name
                .is_none_or(|name| !name.is_empty() && loaded.name() == name);
            let owner_matches = match self.owner {
                None => true,
                Some(owner) => is_owned_by(loaded, owner).unwrap_or_else(|cause| {
                    error = Some(cause);
                    false
                }),
            };
            let labels_match = match &self.selector {
                None => true,
                Some(selector) => match loaded.labels() {
                    Ok(labels) => selector.matches(&labels),
                    Err(cause) => {
                        error = Some(cause);
                        false
                    }
                },
            };
            name_matches && owner_matches && labels_match
        });
        error.map_or(Ok(()), |cause| Err(cause.into()))
    }

    /// Keeps the explained workloads that the queue and status filters select.
    pub(crate) fn retain_explained(&self, report: &mut Report) {
        report.workloads.retain(|workload| self.keeps(workload));
    }

    /// Returns whether the queue and status filters select an explained workload.
    pub(crate) fn keeps(&self, workload: &WorkloadReport) -> bool {
        let cluster_queue_matches = self
            .cluster_queue
            .is_none_or(|queue| workload.cluster_queue == queue);
        let local_queue_matches = self
            .local_queue
            .is_none_or(|queue| workload.local_queue == queue);
        let status_matches = self
            .status
            .is_none_or(|status| has_status(workload, status));
        cluster_queue_matches && local_queue_matches && status_matches
    }

    /// Returns the workload name given as NAME, if any.
    pub(crate) fn name(&self) -> Option<&str> {
        self.name
    }
}

/// Returns whether one of the workload's owner references names `owner`. The type matches a
/// reference's kind in any case, or its plural (the kind in lower case followed by `s`).
///
/// NOTE: kubectl also resolves short names such as `deploy` through discovery, but only
/// kinds and plurals are recognised here. Kueue's pod integration makes the Pods the owners of
/// a pod group's Workload (`pkg/controller/jobs/pod/pod_controller.go` at v0.19.2), so `--for`
/// with a `Deployment` or `StatefulSet` may find no Workload.
fn is_owned_by(loaded: &LoadedWorkload, owner: &Owner) -> Result<bool, LoadError> {
    let workload = loaded.workload()?;
    let references = workload.metadata.owner_references.iter().flatten();
    let is_owner = references.into_iter().any(|reference| {
        let kind = reference.kind.to_lowercase();
        let type_matches = owner.resource == kind || owner.resource == format!("{kind}s");
        let group = reference
            .api_version
            .rsplit_once('/')
            .map_or("", |(group, _)| group);
        let group_matches = owner.group.as_deref().is_none_or(|wanted| wanted == group);
        type_matches && group_matches && reference.name == owner.name
    });
    Ok(is_owner)
}

fn has_status(workload: &WorkloadReport, filter: StatusFilter) -> bool {
    let status = workload.explanation.status;
    match filter {
        StatusFilter::Charged => status == Status::Charged,
        StatusFilter::Admitted => status == Status::Admitted,
        StatusFilter::Inadmissible => status == Status::Inadmissible,
    }
}
