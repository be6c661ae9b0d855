//! The v1beta1 topology assignment and its conversion to the compact v1beta2 encoding.
//!
//! v1beta1 lists every assigned topology domain with its values and pod count. v1beta2
//! groups domains into slices and shares common value prefixes and suffixes. The
//! conversion follows Kueue v0.19.2 (`pkg/util/tas/tas_assignment.go`, `V1Beta2From`) with
//! the `TASAssignmentsEncodingByHostnamePrefix` feature gate on, its default since v0.19.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::v1beta2;

/// The node label of the hostname topology level.
const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";

/// The maximum number of domains in one v1beta2 slice (the `roots` and `individual` limit).
const MAX_DOMAINS_PER_SLICE: usize = 100_000;

/// The maximum number of slices in one v1beta2 topology assignment.
const MAX_SLICES: usize = 1_000;

/// The topology domains assigned to the pods of a pod set, one entry per domain.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopologyAssignment {
    /// The node label keys of the topology levels, from the top level down, between 1 and
    /// 16.
    #[schemars(length(min = 1, max = 16), extend("x-kubernetes-list-type" = "atomic"))]
    pub levels: Vec<String>,

    /// The assigned domains at the lowest level, with the number of pods in each.
    pub domains: Vec<TopologyDomainAssignment>,
}

/// One topology domain and the number of pods assigned to it.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopologyDomainAssignment {
    /// The node label values of the domain, one per level of the assignment.
    #[schemars(length(min = 1, max = 16), extend("x-kubernetes-list-type" = "atomic"))]
    pub values: Vec<String>,

    /// The number of pods assigned to the domain, at least 1.
    #[schemars(range(min = 1))]
    pub count: i32,
}

impl From<TopologyAssignment> for v1beta2::TopologyAssignment {
    /// Encodes the domains as Kueue does: runs of hostnames that share a `-` delimited
    /// prefix become separate slices, unless one slice for all domains serializes smaller.
    fn from(assignment: TopologyAssignment) -> Self {
        let TopologyAssignment { levels, domains } = assignment;

        let prefix_encoded = encode_with_hostname_prefix_runs(&levels, &domains);
        if prefix_encoded.slices.len() <= 1 || domains.len() > MAX_DOMAINS_PER_SLICE {
            return prefix_encoded;
        }

        // Kueue compares the JSON sizes of both encodings and keeps the hostname-prefix
        // encoding on a tie or when either cannot be serialized.
        let single_encoded = encode_as_single_slice(&levels, &domains);
        match (json_len(&single_encoded), json_len(&prefix_encoded)) {
            (Some(single_len), Some(prefix_len)) if single_len < prefix_len => single_encoded,
            _ => prefix_encoded,
        }
    }
}

/// Returns the length of the JSON form of `assignment`.
///
/// NOTE: Kueue measures the length with Go's encoding/json, which escapes `<`, `>`, `&`,
/// U+2028 and U+2029 where serde_json does not. Topology values are node label values
/// (letters, digits, `-`, `_` and `.`), for which both produce the same bytes.
fn json_len(assignment: &v1beta2::TopologyAssignment) -> Option<usize> {
    serde_json::to_string(assignment)
        .ok()
        .map(|json| json.len())
}

/// Encodes every domain in one slice, or no slice when there are no domains.
fn encode_as_single_slice(
    levels: &[String],
    domains: &[TopologyDomainAssignment],
) -> v1beta2::TopologyAssignment {
    let slices = if domains.is_empty() {
        Vec::new()
    } else {
        vec![encode_slice(levels, domains)]
    };
    v1beta2::TopologyAssignment {
        levels: levels.to_vec(),
        slices,
    }
}

/// Splits the domains into runs of hostnames with a shared reusable prefix and encodes each
/// run, cut into chunks of at most [`MAX_DOMAINS_PER_SLICE`], as a slice.
///
/// Without a hostname level, or when no prefix depth keeps the slice count within
/// [`MAX_SLICES`], all domains form one run.
fn encode_with_hostname_prefix_runs(
    levels: &[String],
    domains: &[TopologyDomainAssignment],
) -> v1beta2::TopologyAssignment {
    let lowest_level_is_hostname = levels.last().is_some_and(|level| level == HOSTNAME_LABEL);
    let prefix_keys = if domains.len() > 1 && lowest_level_is_hostname {
        select_hostname_prefix_keys(levels.len() - 1, domains)
    } else {
        None
    };

    let slices = split_into_runs(domains, prefix_keys.as_deref())
        .into_iter()
        .flat_map(|run| run.chunks(MAX_DOMAINS_PER_SLICE))
        .map(|chunk| encode_slice(levels, chunk))
        .collect();
    v1beta2::TopologyAssignment {
        levels: levels.to_vec(),
        slices,
    }
}

/// Groups consecutive domains with equal keys. No keys means a single run.
fn split_into_runs<'a>(
    domains: &'a [TopologyDomainAssignment],
    keys: Option<&[&[u8]]>,
) -> Vec<&'a [TopologyDomainAssignment]> {
    if domains.is_empty() {
        return Vec::new();
    }
    let Some(keys) = keys else {
        return vec![domains];
    };

    let mut runs = Vec::new();
    let mut start = 0;
    for index in 1..domains.len() {
        if keys[index] != keys[start] {
            runs.push(&domains[start..index]);
            start = index;
        }
    }
    runs.push(&domains[start..]);
    runs
}

/// The `-` delimited prefixes of every hostname, with how often each prefix occurs.
struct HostnamePrefixIndex<'a> {
    /// The prefixes of domain `i` are `prefix_ends[offsets[i]..offsets[i + 1]]`.
    offsets: Vec<usize>,
    /// The end of each prefix in its hostname, just past a `-`.
    prefix_ends: Vec<usize>,
    /// How many hostnames have each prefix, counted up to 2.
    counts: HashMap<&'a [u8], u8>,
    /// The largest number of prefixes of one hostname.
    max_depth: usize,
}

/// Returns the hostname of a domain: its value at `level_index`, or empty when missing.
fn hostname(domain: &TopologyDomainAssignment, level_index: usize) -> &[u8] {
    domain
        .values
        .get(level_index)
        .map_or(&[][..], |value| value.as_bytes())
}

/// Indexes every `-` delimited prefix of the hostnames. A `-` at the very end of a
/// hostname does not end a prefix.
fn index_hostname_prefixes(
    level_index: usize,
    domains: &[TopologyDomainAssignment],
) -> HostnamePrefixIndex<'_> {
    let mut offsets = vec![0; domains.len() + 1];
    let mut prefix_ends = Vec::with_capacity(domains.len() * 4);
    let mut counts: HashMap<&[u8], u8> = HashMap::with_capacity(domains.len());
    let mut max_depth = 0;

    for (index, domain) in domains.iter().enumerate() {
        let hostname = hostname(domain, level_index);
        for end in 0..hostname.len().saturating_sub(1) {
            if hostname[end] != b'-' {
                continue;
            }
            prefix_ends.push(end + 1);
            let count = counts.entry(&hostname[..=end]).or_insert(0);
            *count = (*count + 1).min(2);
        }
        offsets[index + 1] = prefix_ends.len();
        max_depth = max_depth.max(offsets[index + 1] - offsets[index]);
    }

    HostnamePrefixIndex {
        offsets,
        prefix_ends,
        counts,
        max_depth,
    }
}

/// Picks a reusable hostname prefix for each domain, trying the longest prefixes first and
/// shorter ones while the runs would need more than [`MAX_SLICES`] slices.
///
/// A prefix is reusable when at least two hostnames have it. A domain without one gets an
/// empty key. Returns `None` when no depth keeps the slice count within the limit.
fn select_hostname_prefix_keys(
    level_index: usize,
    domains: &[TopologyDomainAssignment],
) -> Option<Vec<&[u8]>> {
    let index = index_hostname_prefixes(level_index, domains);
    let mut keys: Vec<&[u8]> = vec![&[]; domains.len()];

    for depth in (1..=index.max_depth).rev() {
        for (domain_index, domain) in domains.iter().enumerate() {
            let hostname = hostname(domain, level_index);
            let start = index.offsets[domain_index];
            let prefix_count = index.offsets[domain_index + 1] - start;

            keys[domain_index] = (0..prefix_count.min(depth))
                .rev()
                .map(|prefix_index| &hostname[..index.prefix_ends[start + prefix_index]])
                .find(|prefix| index.counts.get(prefix).copied().unwrap_or(0) >= 2)
                .unwrap_or(&[]);
        }

        let slice_count: usize = split_into_runs(domains, Some(&keys))
            .iter()
            .map(|run| run.len().div_ceil(MAX_DOMAINS_PER_SLICE))
            .sum();
        if slice_count <= MAX_SLICES {
            return Some(keys);
        }
    }
    None
}

/// Encodes `domains` as one slice, sharing values and pod counts wherever they allow.
fn encode_slice(
    levels: &[String],
    domains: &[TopologyDomainAssignment],
) -> v1beta2::TopologyAssignmentSlice {
    let values_per_level = (0..levels.len())
        .map(|level_index| {
            let values: Vec<&[u8]> = domains
                .iter()
                .map(|domain| hostname(domain, level_index))
                .collect();
            encode_level_values(&values)
        })
        .collect();

    let pod_counts: Vec<i32> = domains.iter().map(|domain| domain.count).collect();
    let first_count = pod_counts.first().copied().unwrap_or_default();
    let pod_counts = if pod_counts.iter().all(|count| *count == first_count) {
        v1beta2::TopologyAssignmentSlicePodCounts {
            universal: Some(first_count),
            individual: Vec::new(),
        }
    } else {
        v1beta2::TopologyAssignmentSlicePodCounts {
            universal: None,
            individual: pod_counts,
        }
    };

    v1beta2::TopologyAssignmentSlice {
        // A slice contains at most MAX_DOMAINS_PER_SLICE domains, which fits in an i32.
        domain_count: i32::try_from(domains.len()).unwrap_or(i32::MAX),
        values_per_level,
        pod_counts,
    }
}

/// Encodes the values of one level: one universal value when all are equal, otherwise the
/// longest common prefix and suffix plus one root per value.
///
/// Kueue compares bytes, so a prefix may end inside a multi-byte character. Such bytes
/// become U+FFFD, as they do when Kueue writes the object as JSON.
fn encode_level_values(values: &[&[u8]]) -> v1beta2::TopologyAssignmentSliceLevelValues {
    let Some((first, rest)) = values.split_first() else {
        return v1beta2::TopologyAssignmentSliceLevelValues {
            universal: Some(String::new()),
            individual: None,
        };
    };

    let mut prefix: &[u8] = first;
    let mut suffix: &[u8] = first;
    let mut min_len = first.len();
    let mut max_len = first.len();
    for value in rest {
        min_len = min_len.min(value.len());
        max_len = max_len.max(value.len());
        prefix = &prefix[..common_prefix_len(prefix, value)];
        suffix = &suffix[suffix.len() - common_suffix_len(suffix, value)..];
    }

    // The prefix is as long as the longest value only when all values are equal.
    if prefix.len() == max_len {
        return v1beta2::TopologyAssignmentSliceLevelValues {
            universal: Some(lossy_string(prefix)),
            individual: None,
        };
    }

    // Keep prefix and suffix from overlapping in the shortest value ("ababa" and "aba").
    if prefix.len() + suffix.len() > min_len {
        prefix = &prefix[..min_len - suffix.len()];
    }

    let roots = values
        .iter()
        .map(|value| lossy_string(&value[prefix.len()..value.len() - suffix.len()]))
        .collect();
    v1beta2::TopologyAssignmentSliceLevelValues {
        universal: None,
        individual: Some(v1beta2::TopologyAssignmentSliceLevelIndividualValues {
            prefix: (!prefix.is_empty()).then(|| lossy_string(prefix)),
            suffix: (!suffix.is_empty()).then(|| lossy_string(suffix)),
            roots,
        }),
    }
}

fn common_prefix_len(left: &[u8], right: &[u8]) -> usize {
    left.iter()
        .zip(right)
        .take_while(|(left, right)| left == right)
        .count()
}

fn common_suffix_len(left: &[u8], right: &[u8]) -> usize {
    left.iter()
        .rev()
        .zip(right.iter().rev())
        .take_while(|(left, right)| left == right)
        .count()
}

fn lossy_string(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(values: &[&str], count: i32) -> TopologyDomainAssignment {
        TopologyDomainAssignment {
            values: values.iter().map(|value| (*value).to_owned()).collect(),
            count,
        }
    }

    fn levels(levels: &[&str]) -> Vec<String> {
        levels.iter().map(|level| (*level).to_owned()).collect()
    }

    fn convert(levels: Vec<String>, domains: Vec<TopologyDomainAssignment>) -> serde_json::Value {
        let converted: v1beta2::TopologyAssignment = TopologyAssignment { levels, domains }.into();
        serde_json::to_value(converted).expect("a topology assignment serializes")
    }

    #[test]
    fn empty_assignment_has_no_slices() {
        let converted = convert(levels(&["cloud.com/block", HOSTNAME_LABEL]), Vec::new());

        assert_eq!(
            converted,
            serde_json::json!({"levels": ["cloud.com/block", HOSTNAME_LABEL], "slices": []})
        );
    }

    #[test]
    fn equal_values_and_counts_become_universal() {
        let converted = convert(
            levels(&["cloud.com/block"]),
            vec![domain(&["b1"], 2), domain(&["b1"], 2)],
        );

        assert_eq!(
            converted["slices"],
            serde_json::json!([{
                "domainCount": 2,
                "valuesPerLevel": [{"universal": "b1"}],
                "podCounts": {"universal": 2},
            }])
        );
    }

    #[test]
    fn values_share_prefix_and_suffix() {
        let converted = convert(
            levels(&["cloud.com/rack"]),
            vec![
                domain(&["rack-1-x"], 1),
                domain(&["rack-22-x"], 3),
                domain(&["rack-3-x"], 1),
            ],
        );

        assert_eq!(
            converted["slices"],
            serde_json::json!([{
                "domainCount": 3,
                "valuesPerLevel": [{
                    "individual": {"prefix": "rack-", "suffix": "-x", "roots": ["1", "22", "3"]},
                }],
                "podCounts": {"individual": [1, 3, 1]},
            }])
        );
    }

    #[test]
    fn overlapping_prefix_and_suffix_are_trimmed() {
        let converted = convert(
            levels(&["cloud.com/rack"]),
            vec![domain(&["ababa"], 1), domain(&["aba"], 1)],
        );

        assert_eq!(
            converted["slices"][0]["valuesPerLevel"],
            serde_json::json!([{"individual": {"suffix": "aba", "roots": ["ab", ""]}}])
        );
    }

    #[test]
    fn hostname_runs_become_separate_slices() {
        // Two long runs of hostnames: one slice per run is smaller than a single slice whose
        // roots repeat the differing pool names.
        let mut domains = Vec::new();
        for pool in ["pool-alpha-node-", "pool-bravo-node-"] {
            for node in 0..20 {
                domains.push(domain(&["block-1", &format!("{pool}{node}")], 1));
            }
        }

        let converted = convert(levels(&["cloud.com/block", HOSTNAME_LABEL]), domains);

        let slices = converted["slices"].as_array().expect("slices is an array");
        assert_eq!(slices.len(), 2);
        assert_eq!(
            slices[0]["valuesPerLevel"][1]["individual"]["prefix"],
            "pool-alpha-node-"
        );
        assert_eq!(
            slices[1]["valuesPerLevel"][1]["individual"]["prefix"],
            "pool-bravo-node-"
        );
        assert_eq!(slices[1]["domainCount"], 20);
    }

    #[test]
    fn single_slice_wins_when_smaller() {
        // Each run contains one hostname, so per-run slices repeat every field and one slice
        // is smaller.
        let converted = convert(
            levels(&[HOSTNAME_LABEL]),
            vec![
                domain(&["a-x-1"], 1),
                domain(&["b-x-1"], 1),
                domain(&["a-y-1"], 1),
                domain(&["b-y-1"], 1),
            ],
        );

        let slices = converted["slices"].as_array().expect("slices is an array");
        assert_eq!(slices.len(), 1);
        assert_eq!(slices[0]["domainCount"], 4);
    }

    #[test]
    fn non_hostname_levels_use_one_slice() {
        let converted = convert(
            levels(&["cloud.com/rack"]),
            vec![domain(&["pool-a-1"], 1), domain(&["pool-b-1"], 1)],
        );

        assert_eq!(converted["slices"].as_array().map(Vec::len), Some(1));
    }
}
