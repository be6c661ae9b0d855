//! The command line, in kubectl's conventions.

use std::path::PathBuf;

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

    /// When to colour `error:` and `warning:` on standard error. `auto` colours them on a
    /// terminal unless `NO_COLOR` is set or `TERM` is `dumb`.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what Kueue charges each workload for its DRA devices, request by request.
    #[command(after_help = EXPLAIN_EXAMPLES)]
    Explain(ExplainArgs),

    /// Check the Kueue Configuration as Kueue does at start-up, and against the cluster's
    /// DeviceClasses, ClusterQueues and workloads, which Kueue never does.
    #[command(after_help = CHECK_CONFIG_EXAMPLES)]
    CheckConfig(CheckConfigArgs),

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
  kubectl kueue-dra check-config --config kueue-config.yaml -f manifests/ --strict -o json";

#[derive(Debug, Args)]
pub struct CheckConfigArgs {
    /// Files or directories of manifests to read, or `-` for standard input: DeviceClasses,
    /// ClusterQueues, ResourceClaimTemplates and workloads to check the Configuration against.
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub files: Vec<PathBuf>,

    /// The Kueue Configuration to check: a Configuration document or the
    /// `kueue-manager-config` ConfigMap. It takes the place of any Configuration in `-f`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = Output::Table)]
    pub output: Output,

    /// Don't print the table's header row.
    #[arg(long)]
    pub no_headers: bool,

    /// The Kueue release whose checks to reproduce: `v0.14.0` to `v0.19.2`, or `main`.
    /// A minor version such as `v0.18` means its newest patch.
    #[arg(long, value_name = "VERSION", default_value = DEFAULT_VERSION)]
    pub kueue_version: String,

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
  cat job.yaml | kubectl kueue-dra explain -f - --config kueue-config.yaml";

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Files or directories of manifests to read, or `-` for standard input. Directories are
    /// read recursively (`.yaml`, `.yml`, `.json`).
    #[arg(short = 'f', long = "filename", value_name = "PATH", required = true)]
    pub files: Vec<PathBuf>,

    /// The Kueue Configuration to use: a Configuration document or the
    /// `kueue-manager-config` ConfigMap. It takes the place of any Configuration in `-f`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Show only workloads in this namespace; objects without a namespace are put in it.
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// Show workloads in every namespace (the default for files).
    #[arg(short = 'A', long, conflicts_with = "namespace")]
    pub all_namespaces: bool,

    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = Output::Table)]
    pub output: Output,

    /// Don't print the table's header row.
    #[arg(long)]
    pub no_headers: bool,

    /// The Kueue release whose behaviour to reproduce: `v0.14.0` to `v0.19.2`, or `main`.
    /// A minor version such as `v0.18` means its newest patch.
    #[arg(long, value_name = "VERSION", default_value = DEFAULT_VERSION)]
    pub kueue_version: String,

    /// Exit with code 1 when at least one workload is inadmissible.
    #[arg(long)]
    pub fail_on_inadmissible: bool,
}

/// When to colour diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// When standard error is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`.
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
}
