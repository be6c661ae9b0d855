//! The cohort tree of quotas and usage that Kueue's scheduler cache keeps, reduced to what the
//! flavor assigner reads: nominal quota, borrowing and lending limits, the subtree quota and
//! the usage of every ClusterQueue and Cohort (`pkg/cache/scheduler/resource_node.go`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use kueue_api::v1beta2::{ClusterQueue, Cohort, ResourceGroup};

use super::amount::Amount;
use crate::quantity::{Format, Quantity, resource_value};

/// A flavor and a resource, the unit in which Kueue counts quota.
pub(crate) type FlavorResource = (String, String);

/// The quota one node declares for a flavor and resource.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NodeQuota {
    pub(crate) nominal: Amount,
    pub(crate) borrowing_limit: Option<Amount>,
    pub(crate) lending_limit: Option<Amount>,
}

#[derive(Debug, Default, Clone)]
struct Node {
    parent: Option<usize>,
    child_cohorts: Vec<usize>,
    child_cluster_queues: Vec<usize>,
    quotas: BTreeMap<FlavorResource, NodeQuota>,
    /// The node's nominal quota plus what its children lend it.
    subtree_quota: BTreeMap<FlavorResource, Amount>,
    /// For a ClusterQueue its reserved usage; for a Cohort the children's usage beyond
    /// their local quota.
    usage: BTreeMap<FlavorResource, Amount>,
}

/// The quota tree that contains one ClusterQueue.
#[derive(Debug, Clone)]
pub(crate) struct QuotaTree {
    /// The nodes, shared by the trees that differ only in usage.
    nodes: Arc<Vec<Node>>,
    /// The index of the ClusterQueue whose verdict is computed.
    target: usize,
    /// The index of the root Cohort, or `None` when the ClusterQueue is in no Cohort.
    root: Option<usize>,
    /// Usage that replaces the nodes' own, by node index: set for the target ClusterQueue
    /// and its Cohorts by [`QuotaTree::with_target_usage`].
    usage_overrides: BTreeMap<usize, BTreeMap<FlavorResource, Amount>>,
}

/// The reason the tree could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TreeError {
    /// The Cohorts above the ClusterQueue form a cycle through this Cohort.
    CohortCycle(String),
}

impl QuotaTree {
    /// Builds the tree that contains `target`, with usage read by `usage_of` for every
    /// ClusterQueue in it.
    ///
    /// A Cohort that a ClusterQueue or another Cohort names but the input lacks is taken as
    /// Kueue takes it: an implicit Cohort with no quota and no parent.
    /// `unlimited_amounts` selects Kueue's `AmountFromQuantity` for quotas (v0.18.0 and later).
    pub(crate) fn build(
        target: &ClusterQueue,
        cluster_queues: &[ClusterQueue],
        cohorts: &[Cohort],
        usage_of: &dyn Fn(&ClusterQueue) -> BTreeMap<FlavorResource, i64>,
        unlimited_amounts: bool,
    ) -> Result<Self, TreeError> {
        let quotas_of = |groups: &[ResourceGroup]| quotas_of(groups, unlimited_amounts);
        let mut nodes = vec![Node::default()];
        let target_index = 0;
        nodes[target_index].quotas = quotas_of(&target.spec.resource_groups);
        nodes[target_index].usage = to_amounts(usage_of(target));

        let Some(cohort_name) = target
            .spec
            .cohort_name
            .as_deref()
            .filter(|name| !name.is_empty())
        else {
            let mut tree = Self {
                nodes: Arc::new(nodes),
                target: target_index,
                root: None,
                usage_overrides: BTreeMap::new(),
            };
            tree.compute();
            return Ok(tree);
        };

        // Walk up from the ClusterQueue's Cohort to the root, stopping at a cycle.
        let mut chain = vec![cohort_name.to_owned()];
        let mut seen = BTreeSet::from([cohort_name.to_owned()]);
        while let Some(parent) = parent_of(cohorts, chain.last().map_or("", String::as_str)) {
            if !seen.insert(parent.clone()) {
                return Err(TreeError::CohortCycle(parent));
            }
            chain.push(parent);
        }

        // Collect every Cohort below the root, then every ClusterQueue under those Cohorts.
        let root = chain.last().cloned().unwrap_or_default();
        let mut cohort_index: BTreeMap<String, usize> = BTreeMap::new();
        let mut pending = vec![(root, None::<usize>)];
        while let Some((name, parent)) = pending.pop() {
            if cohort_index.contains_key(&name) {
                continue;
            }
            let index = nodes.len();
            let object = cohorts
                .iter()
                .find(|cohort| cohort.metadata.name.as_deref() == Some(name.as_str()));
            nodes.push(Node {
                parent,
                quotas: object.map_or_else(BTreeMap::new, |cohort| {
                    quotas_of(&cohort.spec.resource_groups)
                }),
                ..Node::default()
            });
            if let Some(parent) = parent {
                nodes[parent].child_cohorts.push(index);
            }
            cohort_index.insert(name.clone(), index);
            for child in cohorts {
                if child.spec.parent_name.as_deref() == Some(name.as_str())
                    && let Some(child_name) = child.metadata.name.clone()
                {
                    pending.push((child_name, Some(index)));
                }
            }
        }

        for cluster_queue in cluster_queues {
            let Some(parent) = cluster_queue
                .spec
                .cohort_name
                .as_ref()
                .and_then(|name| cohort_index.get(name))
                .copied()
            else {
                continue;
            };
            let is_target = cluster_queue.metadata.name == target.metadata.name;
            let index = if is_target {
                target_index
            } else {
                nodes.push(Node {
                    quotas: quotas_of(&cluster_queue.spec.resource_groups),
                    usage: to_amounts(usage_of(cluster_queue)),
                    ..Node::default()
                });
                nodes.len() - 1
            };
            nodes[index].parent = Some(parent);
            nodes[parent].child_cluster_queues.push(index);
        }
        // The target is in the input list too in practice, but a caller may pass it alone.
        if nodes[target_index].parent.is_none() {
            let parent = cohort_index[cohort_name];
            nodes[target_index].parent = Some(parent);
            nodes[parent].child_cluster_queues.push(target_index);
        }

        let root_index = cohort_index[chain.last().map_or("", String::as_str)];
        let mut tree = Self {
            nodes: Arc::new(nodes),
            target: target_index,
            root: Some(root_index),
            usage_overrides: BTreeMap::new(),
        };
        tree.compute();
        Ok(tree)
    }

    /// Returns the same tree with `usage` as the target ClusterQueue's usage, and the usage
    /// of the Cohorts above it computed again, as [`QuotaTree::build`] would with that usage.
    /// The nodes are shared, not copied.
    pub(crate) fn with_target_usage(&self, usage: BTreeMap<FlavorResource, Amount>) -> Self {
        let mut tree = Self {
            nodes: Arc::clone(&self.nodes),
            target: self.target,
            root: self.root,
            usage_overrides: BTreeMap::from([(self.target, usage)]),
        };
        let mut child = tree.target;
        while let Some(parent) = tree.nodes[child].parent {
            // As `compute_cohort` does: the child Cohorts first, then the ClusterQueues.
            let node = &tree.nodes[parent];
            let mut parent_usage = BTreeMap::new();
            for &sibling in node.child_cohorts.iter().chain(&node.child_cluster_queues) {
                for (key, usage) in tree.node_usage(sibling) {
                    let beyond = usage.sub(tree.local_quota(sibling, key)).max(Amount::ZERO);
                    let entry: &mut Amount = parent_usage.entry(key.clone()).or_default();
                    *entry = entry.add(beyond);
                }
            }
            tree.usage_overrides.insert(parent, parent_usage);
            child = parent;
        }
        tree
    }

    /// Returns the usage of a node: its override, if any, or its own.
    fn node_usage(&self, index: usize) -> &BTreeMap<FlavorResource, Amount> {
        self.usage_overrides
            .get(&index)
            .unwrap_or(&self.nodes[index].usage)
    }

    /// Computes the subtree quota of every node, and the usage of every Cohort, from the
    /// root down.
    fn compute(&mut self) {
        match self.root {
            Some(root) => self.compute_cohort(root),
            None => self.compute_cluster_queue(self.target),
        }
    }

    /// Kueue's `updateClusterQueueResourceNode`: the subtree quota of a ClusterQueue is its
    /// nominal quota.
    fn compute_cluster_queue(&mut self, index: usize) {
        let node = &mut Arc::make_mut(&mut self.nodes)[index];
        node.subtree_quota = node
            .quotas
            .iter()
            .map(|(key, quota)| (key.clone(), quota.nominal))
            .collect();
    }

    /// Kueue's `updateCohortResourceNode`: a Cohort's subtree quota and usage are its own
    /// nominal quota plus each child's quota and usage beyond its local quota.
    fn compute_cohort(&mut self, index: usize) {
        let own: BTreeMap<FlavorResource, Amount> = self.nodes[index]
            .quotas
            .iter()
            .map(|(key, quota)| (key.clone(), quota.nominal))
            .collect();
        let node = &mut Arc::make_mut(&mut self.nodes)[index];
        node.subtree_quota = own;
        node.usage = BTreeMap::new();

        let child_cohorts = self.nodes[index].child_cohorts.clone();
        for child in child_cohorts {
            self.compute_cohort(child);
            self.accumulate_from_child(index, child);
        }
        let child_cluster_queues = self.nodes[index].child_cluster_queues.clone();
        for child in child_cluster_queues {
            self.compute_cluster_queue(child);
            self.accumulate_from_child(index, child);
        }
    }

    fn accumulate_from_child(&mut self, parent: usize, child: usize) {
        let mut lent = Vec::new();
        for (key, quota) in &self.nodes[child].subtree_quota {
            lent.push((key.clone(), quota.sub(self.local_quota(child, key))));
        }
        let mut used = Vec::new();
        for (key, usage) in &self.nodes[child].usage {
            let beyond = usage.sub(self.local_quota(child, key)).max(Amount::ZERO);
            used.push((key.clone(), beyond));
        }
        let parent = &mut Arc::make_mut(&mut self.nodes)[parent];
        for (key, delta) in lent {
            let entry = parent.subtree_quota.entry(key).or_default();
            *entry = entry.add(delta);
        }
        for (key, delta) in used {
            let entry = parent.usage.entry(key).or_default();
            *entry = entry.add(delta);
        }
    }

    /// Kueue's `localQuota`: the part of the subtree quota that the lending limit keeps
    /// from the parent Cohort.
    fn local_quota(&self, index: usize, key: &FlavorResource) -> Amount {
        let node = &self.nodes[index];
        match node.quotas.get(key).and_then(|quota| quota.lending_limit) {
            Some(lending_limit) => self
                .subtree(index, key)
                .sub(lending_limit)
                .max(Amount::ZERO),
            None => Amount::ZERO,
        }
    }

    fn subtree(&self, index: usize, key: &FlavorResource) -> Amount {
        self.nodes[index]
            .subtree_quota
            .get(key)
            .copied()
            .unwrap_or_default()
    }

    fn usage_at(&self, index: usize, key: &FlavorResource) -> Amount {
        self.node_usage(index).get(key).copied().unwrap_or_default()
    }

    fn local_available(&self, index: usize, key: &FlavorResource) -> Amount {
        self.local_quota(index, key)
            .sub(self.usage_at(index, key))
            .max(Amount::ZERO)
    }

    /// Kueue's `available`: the capacity left for the node, its own and what it may still
    /// borrow from its ancestors.
    fn available_at(&self, index: usize, key: &FlavorResource) -> Amount {
        let node = &self.nodes[index];
        let Some(parent) = node.parent else {
            return self.subtree(index, key).sub(self.usage_at(index, key));
        };
        let mut parent_available = self.available_at(parent, key);
        if let Some(borrowing_limit) = node.quotas.get(key).and_then(|quota| quota.borrowing_limit)
        {
            let local = self.local_quota(index, key);
            let stored_in_parent = self.subtree(index, key).sub(local);
            let used_in_parent = self.usage_at(index, key).sub(local).max(Amount::ZERO);
            let with_max_from_parent = stored_in_parent.sub(used_in_parent).add(borrowing_limit);
            parent_available = with_max_from_parent.min(parent_available);
        }
        self.local_available(index, key).add(parent_available)
    }

    /// Kueue's `potentialAvailable`: the largest amount the node could hold with no usage
    /// anywhere, within its borrowing limits.
    fn potential_available_at(&self, index: usize, key: &FlavorResource) -> Amount {
        let node = &self.nodes[index];
        let Some(parent) = node.parent else {
            return self.subtree(index, key);
        };
        let mut potential = self
            .local_quota(index, key)
            .add(self.potential_available_at(parent, key));
        if let Some(borrowing_limit) = node.quotas.get(key).and_then(|quota| quota.borrowing_limit)
        {
            potential = self.subtree(index, key).add(borrowing_limit).min(potential);
        }
        potential
    }

    /// Returns the target ClusterQueue's quota for `key`; zero when it declares none.
    pub(crate) fn quota(&self, key: &FlavorResource) -> NodeQuota {
        self.nodes[self.target]
            .quotas
            .get(key)
            .copied()
            .unwrap_or_default()
    }

    /// Returns the target ClusterQueue's reserved usage of `key`.
    pub(crate) fn usage(&self, key: &FlavorResource) -> Amount {
        self.usage_at(self.target, key)
    }

    /// Kueue's `ClusterQueueSnapshot.Available`: the unused capacity the ClusterQueue can
    /// take now, never below zero.
    pub(crate) fn available(&self, key: &FlavorResource) -> Amount {
        self.available_at(self.target, key).max(Amount::ZERO)
    }

    /// Kueue's `ClusterQueueSnapshot.PotentialAvailable`, the maximum capacity.
    pub(crate) fn potential_available(&self, key: &FlavorResource) -> Amount {
        self.potential_available_at(self.target, key)
    }

    /// Returns whether the ClusterQueue belongs to a Cohort.
    pub(crate) fn has_parent(&self) -> bool {
        self.nodes[self.target].parent.is_some()
    }

    /// Kueue's `FindHeightOfLowestSubtreeThatFits`: the height of the lowest subtree that
    /// fits `value` more of `key` (0 when the ClusterQueue's own quota does), and whether
    /// that subtree is smaller than the whole tree.
    pub(crate) fn lowest_fitting_height(&self, key: &FlavorResource, value: Amount) -> (u32, bool) {
        let target = &self.nodes[self.target];
        let borrowing = self
            .quota(key)
            .nominal
            .cmp_amount(self.usage(key).add(value))
            .is_lt();
        let Some(mut tracking) = target.parent.filter(|_| borrowing) else {
            return (0, self.has_parent());
        };
        let mut remaining = value.sub(self.local_available(self.target, key));
        loop {
            let borrowing_here = self
                .subtree(tracking, key)
                .cmp_amount(self.usage_at(tracking, key).add(remaining))
                .is_lt();
            if !borrowing_here {
                return (self.height(tracking), self.nodes[tracking].parent.is_some());
            }
            remaining = remaining.sub(self.local_available(tracking, key));
            match self.nodes[tracking].parent {
                Some(parent) => tracking = parent,
                None => return (self.height(tracking), false),
            }
        }
    }

    /// Kueue's `getNodeHeight`: 1 for a Cohort with only ClusterQueues, one more per level
    /// of child Cohorts.
    fn height(&self, index: usize) -> u32 {
        let node = &self.nodes[index];
        let has_children = !node.child_cohorts.is_empty() || !node.child_cluster_queues.is_empty();
        let mut height = u32::from(has_children);
        for &child in &node.child_cohorts {
            height = height.max(self.height(child) + 1);
        }
        height
    }
}

/// Returns the `parentName` of the Cohort object named `name`, if the input has one.
fn parent_of(cohorts: &[Cohort], name: &str) -> Option<String> {
    cohorts
        .iter()
        .find(|cohort| cohort.metadata.name.as_deref() == Some(name))
        .and_then(|cohort| cohort.spec.parent_name.clone())
        .filter(|parent| !parent.is_empty())
}

/// Reads the quotas of resource groups, with Kueue's `AmountFromQuantity` when
/// `unlimited_amounts` is set.
pub(crate) fn quotas_of(
    groups: &[ResourceGroup],
    unlimited_amounts: bool,
) -> BTreeMap<FlavorResource, NodeQuota> {
    let mut quotas = BTreeMap::new();
    for group in groups {
        for flavor in &group.flavors {
            for resource in &flavor.resources {
                let amount =
                    |quantity: &k8s_openapi::apimachinery::pkg::api::resource::Quantity| {
                        quota_amount(&resource.name, &quantity.0, unlimited_amounts)
                    };
                quotas.insert(
                    (flavor.name.clone(), resource.name.clone()),
                    NodeQuota {
                        nominal: amount(&resource.nominal_quota),
                        borrowing_limit: resource.borrowing_limit.as_ref().map(amount),
                        lending_limit: resource.lending_limit.as_ref().map(amount),
                    },
                );
            }
        }
    }
    quotas
}

/// Converts a quota quantity to an amount. A quantity that does not parse counts as zero,
/// because the apiserver rejects such a ClusterQueue before Kueue reads it.
///
/// With `unlimited_amounts` (Kueue's `AmountFromQuantity`, v0.18.0 and later), a `cpu` quota
/// of `i64::MAX / 1000` cores or more is unlimited, although its milli-value may still fit.
/// Other quotas reach the int64 maximum, the unlimited value, only by clamping.
fn quota_amount(resource: &str, text: &str, unlimited_amounts: bool) -> Amount {
    let Ok(quantity) = Quantity::parse(text) else {
        return Amount::ZERO;
    };
    let max_cpu_cores = Quantity::from_int(i64::MAX / 1000, Format::DecimalSI);
    if unlimited_amounts && resource == "cpu" && quantity.cmp_value(&max_cpu_cores).is_ge() {
        return Amount::UNLIMITED;
    }
    Amount::from_value(resource_value(resource, &quantity))
}

fn to_amounts(values: BTreeMap<FlavorResource, i64>) -> BTreeMap<FlavorResource, Amount> {
    values
        .into_iter()
        .map(|(key, value)| (key, Amount::from_value(value)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two levels of Cohorts, `root` above `left` and `right`, with lending and borrowing
    /// limits, and three ClusterQueues with usage. `target` is under `left`.
    const TREE: &str = r"
kind: Cohort
metadata: {name: root}
spec:
  resourceGroups:
  - coveredResources: [gpu]
    flavors:
    - name: a100
      resources: [{name: gpu, nominalQuota: 2}]
---
kind: Cohort
metadata: {name: left}
spec: {parentName: root}
---
kind: Cohort
metadata: {name: right}
spec: {parentName: root}
---
kind: ClusterQueue
metadata: {name: target}
spec:
  cohortName: left
  resourceGroups:
  - coveredResources: [gpu, cpu]
    flavors:
    - name: a100
      resources:
      - {name: gpu, nominalQuota: 4, lendingLimit: 1, borrowingLimit: 3}
      - {name: cpu, nominalQuota: 8}
---
kind: ClusterQueue
metadata: {name: neighbour}
spec:
  cohortName: left
  resourceGroups:
  - coveredResources: [gpu]
    flavors:
    - name: a100
      resources: [{name: gpu, nominalQuota: 2, lendingLimit: 2}]
---
kind: ClusterQueue
metadata: {name: far}
spec:
  cohortName: right
  resourceGroups:
  - coveredResources: [gpu]
    flavors:
    - name: a100
      resources: [{name: gpu, nominalQuota: 6, lendingLimit: 3}]
";

    fn objects<T: serde::de::DeserializeOwned>(kind: &str) -> Vec<T> {
        let documents: Vec<serde_json::Value> =
            serde_saphyr::from_multiple(TREE).expect("the test tree is YAML");
        documents
            .into_iter()
            .filter(|document| document["kind"] == kind)
            .map(|document| serde_json::from_value(document).expect("a valid object"))
            .collect()
    }

    fn key(resource: &str) -> FlavorResource {
        ("a100".to_owned(), resource.to_owned())
    }

    /// Builds the tree of `target` with `target_usage` of GPUs and CPUs for it, and fixed
    /// usage for the other ClusterQueues.
    fn tree_with(target_usage: (i64, i64)) -> QuotaTree {
        let cluster_queues: Vec<ClusterQueue> = objects("ClusterQueue");
        let cohorts: Vec<Cohort> = objects("Cohort");
        let usage_of = |queue: &ClusterQueue| match queue.metadata.name.as_deref() {
            Some("target") => {
                BTreeMap::from([(key("gpu"), target_usage.0), (key("cpu"), target_usage.1)])
            }
            Some("neighbour") => BTreeMap::from([(key("gpu"), 3)]),
            _ => BTreeMap::from([(key("gpu"), 5)]),
        };
        QuotaTree::build(
            &cluster_queues[0],
            &cluster_queues,
            &cohorts,
            &usage_of,
            true,
        )
        .expect("no cycle")
    }

    /// Everything the flavor assigner reads from a tree, for `key`.
    fn readings(tree: &QuotaTree, resource: &str) -> (Amount, Amount, Amount, (u32, bool)) {
        let key = key(resource);
        (
            tree.usage(&key),
            tree.available(&key),
            tree.potential_available(&key),
            tree.lowest_fitting_height(&key, Amount::from_value(2)),
        )
    }

    #[test]
    fn usage_override_matches_rebuilt_tree() {
        let base = tree_with((6, 4));
        for usage in [(0, 0), (1, 8), (4, 2), (7, 9)] {
            let changed = base.with_target_usage(BTreeMap::from([
                (key("gpu"), Amount::from_value(usage.0)),
                (key("cpu"), Amount::from_value(usage.1)),
            ]));
            let built = tree_with(usage);
            for resource in ["gpu", "cpu"] {
                assert_eq!(
                    readings(&changed, resource),
                    readings(&built, resource),
                    "{resource} with target usage {usage:?}"
                );
            }
        }
    }
}
