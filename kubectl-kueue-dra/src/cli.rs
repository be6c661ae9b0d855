//! The command line, in kubectl's conventions.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The release `--kueue-version` defaults to, as the help text shows it: Kueue's newest.
pub const DEFAULT_VERSION: &str = "v0.19.2";

/// Explains how Kueue charges Dynamic Resource Allocation (DRA) devices against ClusterQueue
/// quota, and why a workload is or is not admissible.
#[derive(Debug, Parser)]
#[command(name = "kubectl-kueue_dra", bin_name = "kubectl kueue-dra", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to colour `error:` and `warning:` on standard error, and in tables the rows of
    /// inadmissible workloads and of error and warning findings. `auto` colours each stream
    /// that is a terminal unless `NO_COLOR` is set or `TERM` is `dumb`. JSON and YAML are never
    /// coloured.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// How much to log on standard error while reading a live cluster, as kubectl's `-v=N`.
    /// 0 logs nothing and 1 to 3 log each retry. 4 and 5 add each request, 6 and 7 add the
    /// HTTP client's requests, and 8 or more log everything. Credentials are never logged.
    #[arg(
        short = 'v',
        long = "v",
        global = true,
        value_name = "LEVEL",
        default_value_t = 0
    )]
    pub verbosity: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what Kueue charges each workload for its DRA devices, request by request.
    #[command(after_help = EXPLAIN_EXAMPLES)]
    Explain(Box<ExplainArgs>),

    /// Check the Kueue Configuration as Kueue does at start-up, and against the cluster's
    /// DeviceClasses, ClusterQueues and workloads, which Kueue never does.
    #[command(after_help = CHECK_CONFIG_EXAMPLES)]
    CheckConfig(Box<CheckConfigArgs>),

    /// Print a shell completion script for `kubectl-kueue_dra`.
    #[command(after_help = COMPLETION_EXAMPLES)]
    Completion {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },

    /// Print the plugin's version and the Kueue releases it reproduces.
    Version,
}

const COMPLETION_EXAMPLES: &str = "\
Examples:
  # Complete kubectl-kueue_dra in bash sessions
  source <(kubectl-kueue_dra completion bash)";

const CHECK_CONFIG_EXAMPLES: &str = "\
Examples:
  # Check a Configuration before rolling it out, against manifests of the cluster's objects
  kubectl kueue-dra check-config --config kueue-config.yaml -f cluster-objects/

  # Fail a CI job on warnings too
  kubectl kueue-dra check-config --config kueue-config.yaml -f manifests/ --strict -o json

  # Check the live cluster of the current context as it runs
  kubectl kueue-dra check-config

  # Check a new Configuration against the live cluster before rolling it out
  kubectl kueue-dra check-config --config kueue-config.yaml --context production

  # Check a MultiKueue manager and the worker clusters of two other contexts
  kubectl kueue-dra check-config --context manager --worker-context worker-1 --worker-context worker-2";

#[derive(Debug, Args)]
pub struct CheckConfigArgs {
    /// Files or directories of manifests to read, or `-` for standard input: DeviceClasses,
    /// ClusterQueues, ResourceClaimTemplates and workloads to check the Configuration against.
    /// Without `-f`, the live cluster is read.
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub files: Vec<PathBuf>,

    /// The Kueue Configuration to check: a Configuration document or the
    /// `kueue-manager-config` ConfigMap. It takes the place of any Configuration in `-f`, or
    /// of the live cluster's ConfigMap.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(flatten)]
    pub cluster: ClusterArgs,

    /// A kubeconfig context of a MultiKueue worker cluster to compare with the manager
    /// cluster; repeat it for several workers. Each worker's DeviceClasses,
    /// ResourceClaimTemplates, Kueue ConfigMap and ClusterQueues are read.
    #[arg(long = "worker-context", value_name = "NAME", conflicts_with = "files")]
    pub worker_contexts: Vec<String>,

    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = Output::Table)]
    pub output: Output,

    /// Don't print the table's header row.
    #[arg(long)]
    pub no_headers: bool,

    /// The Kueue release whose checks to reproduce: `v0.14.0` to `v0.19.2`, or `main`.
    /// A minor version such as `v0.18` means its newest patch. The default is the release of
    /// the image of the live cluster's `kueue-controller-manager` Deployment, and `v0.19.2`
    /// for files or when the image tag names no release.
    #[arg(long, value_name = "VERSION")]
    pub kueue_version: Option<String>,

    /// Exit with code 1 on warnings too, not only on errors.
    #[arg(long)]
    pub strict: bool,
}

const EXPLAIN_EXAMPLES: &str = "\
Examples:
  # Explain the workloads in a directory of manifests, offline
  kubectl kueue-dra explain -f examples/resource-claim-template/

  # The same, as the JSON that scripts read
  kubectl kueue-dra explain -f examples/extended-resource/ -o json

  # Read manifests from standard input, with the Kueue Configuration from its own file
  cat job.yaml | kubectl kueue-dra explain -f - --config kueue-config.yaml

  # Explain the workloads of the current context's namespace in the live cluster
  kubectl kueue-dra explain

  # Every namespace of another context, with a Kueue installed in its own namespace
  kubectl kueue-dra explain -A --context staging --kueue-namespace kueue";

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The Workload to explain in detail, by its name. Offline, a Job or Pod goes by the name
    /// of the Workload Kueue would create for it, such as `job-sample`.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,

    /// Files or directories of manifests to read, or `-` for standard input. Directories are
    /// read recursively (`.yaml`, `.yml`, `.json`). Without `-f`, the live cluster is read.
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub files: Vec<PathBuf>,

    /// The Kueue Configuration to use: a Configuration document or the
    /// `kueue-manager-config` ConfigMap. It takes the place of any Configuration in `-f`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Show only workloads in this namespace; objects without a namespace are put in it.
    /// For a live cluster, the default is the context's namespace, as in kubectl.
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// Show workloads in every namespace (the default for files).
    #[arg(short = 'A', long, conflicts_with = "namespace")]
    pub all_namespaces: bool,

    /// Show only the workloads of this object, found through the Workloads' owner references,
    /// as `TYPE[.GROUP]/NAME`: `job/sample`, `jobsets.jobset.x-k8s.io/trainer` or `pod/p-0`.
    /// Offline, a Job or Pod read from the files also matches its own kind and name.
    #[arg(long = "for", value_name = "TYPE/NAME", value_parser = parse_owner)]
    pub owner: Option<Owner>,

    /// Show only workloads whose labels match this selector, such as `team=ml,tier!=batch`
    /// or `env in (prod,staging)`. It is sent to the apiserver as the Workload list's
    /// `labelSelector`; offline, it is matched against the labels of the objects read.
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// Show only workloads of this ClusterQueue: the one a workload is admitted to, or else
    /// the one its LocalQueue points at.
    #[arg(long, value_name = "NAME")]
    pub cluster_queue: Option<String>,

    /// Show only workloads submitted to this LocalQueue (`spec.queueName`).
    #[arg(long, value_name = "NAME")]
    pub local_queue: Option<String>,

    /// Show only workloads with this status.
    #[arg(long, value_enum, value_name = "STATUS")]
    pub status: Option<StatusFilter>,

    #[command(flatten)]
    pub cluster: ClusterArgs,

    /// Output format. `wide` prints a row per pod set and DRA quota key. With a NAME, `table`
    /// prints a detailed view of the one workload.
    #[arg(short = 'o', long, value_enum, default_value_t = ExplainOutput::Table)]
    pub output: ExplainOutput,

    /// Don't print the table's header row.
    #[arg(long)]
    pub no_headers: bool,

    /// The Kueue release whose behaviour to reproduce: `v0.14.0` to `v0.19.2`, or `main`.
    /// A minor version such as `v0.18` means its newest patch. The default is the release of
    /// the image of the live cluster's `kueue-controller-manager` Deployment, and `v0.19.2`
    /// for files or when the image tag names no release.
    #[arg(long, value_name = "VERSION")]
    pub kueue_version: Option<String>,

    /// Exit with code 1 when at least one workload is inadmissible.
    #[arg(long)]
    pub fail_on_inadmissible: bool,
}

/// The flags that pick the live cluster, read when `-f` is not given.
#[derive(Clone, Debug, Args)]
pub struct ClusterArgs {
    /// The kubeconfig file to read, instead of `KUBECONFIG` or `~/.kube/config`.
    #[arg(long, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,

    /// The kubeconfig context to use, instead of the current context.
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,

    /// The namespace of Kueue's `kueue-manager-config` ConfigMap, which contains its
    /// Configuration, and of its `kueue-controller-manager` Deployment.
    #[arg(long, value_name = "NAMESPACE", default_value = "kueue-system")]
    pub kueue_namespace: String,

    /// The user to impersonate for the requests to the apiserver, as `kubectl --as` does.
    #[arg(long = "as", value_name = "USER")]
    pub impersonate: Option<String>,

    /// A group to impersonate, as `kubectl --as-group` does; repeat it for several groups.
    /// It needs `--as`.
    #[arg(long = "as-group", value_name = "GROUP", requires = "impersonate")]
    pub impersonate_groups: Vec<String>,

    /// How long to wait for each request to the apiserver, as kubectl takes it: a number with
    /// a unit (`30s`, `1m`, `500ms`), a bare number of seconds, or `0` to wait without limit.
    #[arg(long, value_name = "DURATION", default_value = "0", value_parser = parse_request_timeout)]
    pub request_timeout: Duration,
}

/// Parses `--request-timeout` the way kubectl does; zero means no limit.
fn parse_request_timeout(text: &str) -> Result<Duration, String> {
    let invalid = || {
        format!(
            "invalid duration `{text}`: expected a number with a unit such as `30s`, `1m` or \
             `500ms`, a number of seconds, or `0`"
        )
    };
    if text.is_empty() {
        return Err(invalid());
    }
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(Duration::from_secs(seconds));
    }

    // A Go duration: one or more numbers, each followed by `h`, `m`, `s`, `ms`, `us` or `ns`.
    // NOTE: Go also takes fractions such as `1.5s`; they are rejected here.
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(invalid)?;
        let number: u64 = rest[..digits].parse().map_err(|_| invalid())?;
        rest = &rest[digits..];
        let unit_length = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_length] {
            "h" => Duration::from_secs(3600),
            "m" => Duration::from_secs(60),
            "s" => Duration::from_secs(1),
            "ms" => Duration::from_millis(1),
            "us" | "µs" => Duration::from_micros(1),
            "ns" => Duration::from_nanos(1),
            _ => return Err(invalid()),
        };
        let number = u32::try_from(number).map_err(|_| invalid())?;
        total = unit
            .checked_mul(number)
            .and_then(|part| total.checked_add(part))
            .ok_or_else(invalid)?;
        rest = &rest[unit_length..];
    }
    Ok(total)
}

/// The object `--for` names: a resource type with an optional API group, and a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// The resource type in lower case, as given: a kind (`job`) or its plural (`jobs`).
    pub resource: String,
    /// The API group, such as `batch`; `None` when not given.
    pub group: Option<String>,
    /// The object's name.
    pub name: String,
}

/// Parses `--for TYPE[.GROUP]/NAME`.
fn parse_owner(text: &str) -> Result<Owner, String> {
    let invalid = || {
        format!(
            "invalid object `{text}`: expected TYPE[.GROUP]/NAME, such as `job/sample` or \
             `jobsets.jobset.x-k8s.io/trainer`"
        )
    };
    let (type_name, name) = text.split_once('/').ok_or_else(invalid)?;
    if type_name.is_empty() || name.is_empty() || name.contains('/') {
        return Err(invalid());
    }
    let (resource, group) = match type_name.split_once('.') {
        Some((resource, group)) if !resource.is_empty() && !group.is_empty() => {
            (resource, Some(group.to_owned()))
        }
        Some(_) => return Err(invalid()),
        None => (type_name, None),
    };
    Ok(Owner {
        resource: resource.to_lowercase(),
        group,
        name: name.to_owned(),
    })
}

/// The workload statuses `--status` selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatusFilter {
    /// Pending workloads whose charge Kueue computes.
    Charged,
    /// Workloads with a quota reservation.
    Admitted,
    /// Workloads Kueue marks inadmissible.
    Inadmissible,
}

/// The output formats of `explain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExplainOutput {
    /// A kubectl-style table with a row per workload, or a detailed view of one workload.
    Table,
    /// A table with a row per pod set and DRA quota key.
    Wide,
    /// The JSON document that scripts read.
    Json,
    /// The same document as YAML.
    Yaml,
}

/// When to colour diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, when `NO_COLOR` is unset and `TERM` is not `dumb`.
    #[default]
    Auto,
    /// Always, even into a pipe or a file.
    Always,
    /// Never.
    Never,
}

/// The output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// A kubectl-style table.
    Table,
    /// The JSON document that scripts read.
    Json,
    /// The same document as YAML.
    Yaml,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn request_timeout_takes_kubectl_durations() {
        let cases = [
            ("0", Duration::ZERO),
            ("30", Duration::from_secs(30)),
            ("30s", Duration::from_secs(30)),
            ("1m30s", Duration::from_secs(90)),
            ("2h", Duration::from_secs(7200)),
            ("500ms", Duration::from_millis(500)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_request_timeout(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn owner_takes_type_group_and_name() {
        let owner = parse_owner("JobSets.jobset.x-k8s.io/trainer").expect("a valid object");

        assert_eq!(owner.resource, "jobsets");
        assert_eq!(owner.group.as_deref(), Some("jobset.x-k8s.io"));
        assert_eq!(owner.name, "trainer");
        assert_eq!(parse_owner("job/sample").expect("valid").group, None);
    }

    #[test]
    fn owner_rejects_bad_forms() {
        for text in ["job", "job/", "/sample", "job/a/b", ".batch/a", "job./a"] {
            assert!(parse_owner(text).is_err(), "{text}");
        }
    }

    #[test]
    fn request_timeout_rejects_bad_durations() {
        for text in ["", "s", "30x", "1.5s", "-1s", "10 s"] {
            assert!(parse_request_timeout(text).is_err(), "{text}");
        }
    }
}
