//! `kubectl-kueue_dra __complete WORD...`: completion candidates for kubectl's plugin
//! completion.
//!
//! From kubectl 1.26, `kubectl kueue-dra <TAB>` runs the executable `kubectl_complete-kueue_dra`
//! found on `PATH` with the words typed after `kueue-dra`; the last word is the one to
//! complete. kubectl reads the output in cobra's protocol: one candidate per line, optionally
//! followed by a tab and a description, then a last line `:<directive>`. The script in
//! `plugins/kubectl_complete-kueue_dra` runs this hidden command.
//!
//! Subcommands, flags and flag values come from the clap definition. Namespaces and the
//! Workload names of `explain NAME` come from the cluster and contexts from the kubeconfig,
//! best effort: any failure or a cluster slower than [`CLUSTER_TIMEOUT`] gives no candidates,
//! quietly.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Arg, ArgAction, CommandFactory};
use kubectl_kueue_dra::cli::Cli;
use kueue_dra_cluster::live::{self, Cluster, ConnectOptions};
use kueue_dra_quota::Release;

/// The hidden subcommand that prints completion candidates.
pub(crate) const SUBCOMMAND: &str = "__complete";

/// How long completion waits for the cluster, connection and request together.
const CLUSTER_TIMEOUT: Duration = Duration::from_secs(2);

/// cobra's `ShellCompDirectiveNoFileComp`: offer no file names when nothing matches.
const NO_FILE_COMPLETION: u8 = 4;

/// cobra's `ShellCompDirectiveFilterFileExt`: the candidates are file extensions to complete.
const FILTER_FILE_EXTENSIONS: u8 = 8;

/// cobra's `ShellCompDirectiveDefault`: let the shell complete file names.
const DEFAULT_COMPLETION: u8 = 0;

/// The extensions `-f` reads in a directory, offered as kubectl offers them for its own `-f`.
const MANIFEST_EXTENSIONS: [&str; 3] = ["json", "yaml", "yml"];

/// Completion candidates, and the cobra directive that selects what the shell does with them.
#[derive(Debug, PartialEq, Eq)]
struct Completion {
    /// `candidate` or `candidate\tdescription`.
    candidates: Vec<String>,
    directive: u8,
}

/// The state selected by the words before the one being completed.
#[derive(Debug, Default)]
struct Parsed {
    /// The subcommand, once typed.
    subcommand: Option<String>,
    /// The flag typed last, still waiting for its value.
    pending_flag: Option<Arg>,
    /// The positional arguments typed after the subcommand.
    positionals: usize,
    /// `--kubeconfig` and `--context`, so that cluster candidates come from the cluster the
    /// command would read.
    kubeconfig: Option<PathBuf>,
    context: Option<String>,
    /// `-n`, so that Workload names come from the namespace the command would read.
    namespace: Option<String>,
}

/// Prints the candidates for `words`, the arguments after `__complete`.
pub(crate) fn run(words: &[String]) -> anyhow::Result<()> {
    let completion = complete(words, &ClusterLookup);
    let mut text = String::new();
    for candidate in &completion.candidates {
        text.push_str(candidate);
        text.push('\n');
    }
    text.push(':');
    text.push_str(&completion.directive.to_string());
    text.push('\n');

    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// The names that come from outside the command line.
trait Lookup {
    fn namespaces(&self, parsed: &Parsed) -> Vec<String>;

    fn workloads(&self, parsed: &Parsed) -> Vec<String>;
    fn contexts(&self, parsed: &Parsed) -> Vec<String>;
}

/// Reads namespaces from the cluster and contexts from the kubeconfig.
struct ClusterLookup;

impl Lookup for ClusterLookup {
    fn namespaces(&self, parsed: &Parsed) -> Vec<String> {
        from_cluster(parsed, async |cluster| cluster.namespace_names().await)
    }

    fn workloads(&self, parsed: &Parsed) -> Vec<String> {
        from_cluster(parsed, async |cluster| {
            cluster.workload_names(parsed.namespace.as_deref()).await
        })
    }

    fn contexts(&self, parsed: &Parsed) -> Vec<String> {
        live::context_names(parsed.kubeconfig.as_deref()).unwrap_or_default()
    }
}

/// Connects to the cluster the typed flags name and runs `lookup`, within
/// [`CLUSTER_TIMEOUT`]; any failure gives no names.
fn from_cluster(
    parsed: &Parsed,
    lookup: impl AsyncFnOnce(&Cluster) -> Result<Vec<String>, live::LiveError>,
) -> Vec<String> {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return Vec::new();
    };
    let options = ConnectOptions {
        kubeconfig: parsed.kubeconfig.clone(),
        context: parsed.context.clone(),
        request_timeout: Some(CLUSTER_TIMEOUT),
        // NOTE: `--as` and `--as-group` typed before the word being completed are not
        // read, so the lookup runs as the context's own user.
        impersonate: None,
        impersonate_groups: Vec::new(),
    };
    let names = runtime.block_on(async {
        let names = async {
            let cluster = Cluster::connect(&options).await?;
            lookup(&cluster).await
        };
        tokio::time::timeout(CLUSTER_TIMEOUT, names).await
    });
    match names {
        Ok(Ok(names)) => names,
        Ok(Err(_)) | Err(_) => Vec::new(),
    }
}

/// Computes the candidates for the last of `words`.
fn complete(words: &[String], lookup: &dyn Lookup) -> Completion {
    let (current, typed) = match words.split_last() {
        Some((current, typed)) => (current.as_str(), typed),
        None => ("", &[][..]),
    };
    let mut command = Cli::command();
    // Building propagates the global flags, such as `--color`, into every subcommand.
    command.build();
    let parsed = parse(&command, typed);

    if let Some(flag) = &parsed.pending_flag {
        return complete_value(flag, current, &parsed, lookup);
    }

    let subcommand = parsed
        .subcommand
        .as_deref()
        .and_then(|name| command.find_subcommand(name));
    let scope = subcommand.unwrap_or(&command);

    if current.starts_with('-') {
        return only_matching(flag_candidates(scope), current);
    }
    let Some(subcommand) = subcommand else {
        let names = command
            .get_subcommands()
            .filter(|subcommand| !subcommand.is_hide_set() && subcommand.get_name() != "help")
            .map(|subcommand| with_description(subcommand.get_name(), subcommand.get_about()))
            .collect();
        return only_matching(names, current);
    };

    let positional = subcommand.get_positionals().nth(parsed.positionals);
    let candidates = match positional {
        Some(arg) if subcommand.get_name() == "explain" && arg.get_id() == "name" => {
            lookup.workloads(&parsed)
        }
        Some(arg) => possible_values(arg),
        None => Vec::new(),
    };
    only_matching(candidates, current)
}

/// Walks the typed words: the subcommand, the flags and whether the last flag awaits a value.
fn parse(command: &clap::Command, typed: &[String]) -> Parsed {
    let mut parsed = Parsed::default();
    for word in typed {
        if let Some(flag) = parsed.pending_flag.take() {
            remember_value(&mut parsed, &flag, word);
            continue;
        }

        let scope = parsed
            .subcommand
            .as_deref()
            .and_then(|name| command.find_subcommand(name))
            .unwrap_or(command);
        if let Some(long) = word.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (long, None),
            };
            let flag = scope
                .get_arguments()
                .find(|arg| arg.get_long() == Some(name));
            match (flag, value) {
                (Some(flag), Some(value)) => remember_value(&mut parsed, flag, value),
                (Some(flag), None) if takes_value(flag) => parsed.pending_flag = Some(flag.clone()),
                _ => {}
            }
        } else if let Some(shorts) = word.strip_prefix('-').filter(|shorts| !shorts.is_empty()) {
            // In `-oyaml` or `-An`, the first flag that takes a value takes the rest of the word.
            for (index, short) in shorts.char_indices() {
                let Some(flag) = scope
                    .get_arguments()
                    .find(|arg| arg.get_short() == Some(short))
                else {
                    continue;
                };
                if takes_value(flag) {
                    let rest = &shorts[index + short.len_utf8()..];
                    if rest.is_empty() {
                        parsed.pending_flag = Some(flag.clone());
                    } else {
                        remember_value(&mut parsed, flag, rest);
                    }
                    break;
                }
            }
        } else if parsed.subcommand.is_none() {
            parsed.subcommand = Some(word.clone());
        } else {
            parsed.positionals += 1;
        }
    }
    parsed
}

fn remember_value(parsed: &mut Parsed, flag: &Arg, value: &str) {
    match flag.get_id().as_str() {
        "kubeconfig" => parsed.kubeconfig = Some(PathBuf::from(value)),
        "context" => parsed.context = Some(value.to_owned()),
        "namespace" => parsed.namespace = Some(value.to_owned()),
        _ => {}
    }
}

fn takes_value(flag: &Arg) -> bool {
    matches!(flag.get_action(), ArgAction::Set | ArgAction::Append)
}

/// Returns the candidates for the value of `flag`.
fn complete_value(flag: &Arg, current: &str, parsed: &Parsed, lookup: &dyn Lookup) -> Completion {
    match flag.get_id().as_str() {
        "files" => Completion {
            candidates: MANIFEST_EXTENSIONS.map(str::to_owned).to_vec(),
            directive: FILTER_FILE_EXTENSIONS,
        },
        "config" | "kubeconfig" => Completion {
            candidates: Vec::new(),
            directive: DEFAULT_COMPLETION,
        },
        "namespace" | "kueue_namespace" => only_matching(lookup.namespaces(parsed), current),
        "context" => only_matching(lookup.contexts(parsed), current),
        "kueue_version" => {
            let releases = Release::all().iter().map(ToString::to_string).collect();
            only_matching(releases, current)
        }
        _ => only_matching(possible_values(flag), current),
    }
}

/// Returns the long and short forms of every visible flag of `command`, with its help.
fn flag_candidates(command: &clap::Command) -> Vec<String> {
    let mut candidates = Vec::new();
    for arg in command.get_arguments().filter(|arg| !arg.is_hide_set()) {
        let help = arg.get_help();
        if let Some(long) = arg.get_long() {
            candidates.push(with_description(&format!("--{long}"), help));
        }
        if let Some(short) = arg.get_short() {
            candidates.push(with_description(&format!("-{short}"), help));
        }
    }
    candidates
}

fn possible_values(arg: &Arg) -> Vec<String> {
    arg.get_possible_values()
        .iter()
        .filter(|value| !value.is_hide_set())
        .map(|value| with_description(value.get_name(), value.get_help()))
        .collect()
}

/// Returns `name`, followed by a tab and the first sentence of `help` when there is one.
fn with_description(name: &str, help: Option<&clap::builder::StyledStr>) -> String {
    let Some(help) = help else {
        return name.to_owned();
    };
    let help = help.to_string();
    let first_line = help.lines().next().unwrap_or_default();
    let sentence = first_line
        .split_once(". ")
        .map_or(first_line, |(sentence, _)| sentence);
    let sentence = sentence.trim_end_matches('.');
    if sentence.is_empty() {
        name.to_owned()
    } else {
        format!("{name}\t{sentence}")
    }
}

/// Keeps the candidates that start with `prefix`, with the directive that turns off the
/// shell's fallback to file names.
fn only_matching(candidates: Vec<String>, prefix: &str) -> Completion {
    Completion {
        candidates: candidates
            .into_iter()
            .filter(|candidate| candidate.starts_with(prefix))
            .collect(),
        directive: NO_FILE_COMPLETION,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Offers fixed names: the namespaces depend on the typed `--context`.
    struct FixedLookup;

    impl Lookup for FixedLookup {
        fn namespaces(&self, parsed: &Parsed) -> Vec<String> {
            match parsed.context.as_deref() {
                Some("staging") => vec!["staging-team".to_owned()],
                _ => vec!["default".to_owned(), "team-a".to_owned()],
            }
        }

        fn workloads(&self, parsed: &Parsed) -> Vec<String> {
            match parsed.namespace.as_deref() {
                Some("team-a") => vec!["job-train-a1b2c".to_owned(), "job-tune-d3e4f".to_owned()],
                _ => vec!["job-sample-9z8y7".to_owned()],
            }
        }

        fn contexts(&self, _parsed: &Parsed) -> Vec<String> {
            vec!["production".to_owned(), "staging".to_owned()]
        }
    }

    fn complete_words(words: &[&str]) -> Completion {
        let words: Vec<String> = words.iter().map(|&word| word.to_owned()).collect();
        complete(&words, &FixedLookup)
    }

    /// Returns the candidates without their descriptions.
    fn names(completion: &Completion) -> Vec<&str> {
        completion
            .candidates
            .iter()
            .map(|candidate| candidate.split('\t').next().unwrap_or_default())
            .collect()
    }

    #[test]
    fn empty_word_offers_subcommands() {
        let completion = complete_words(&[""]);
        assert_eq!(
            names(&completion),
            ["explain", "check-config", "completion", "version"]
        );
        assert_eq!(completion.directive, NO_FILE_COMPLETION);
    }

    #[test]
    fn subcommand_has_its_description() {
        let completion = complete_words(&["ex"]);
        assert_eq!(
            completion.candidates,
            [
                "explain\tShow what Kueue charges each workload for its DRA devices, request by request"
            ]
        );
    }

    #[test]
    fn no_words_offer_subcommands() {
        let completion = complete(&[], &FixedLookup);
        assert!(names(&completion).contains(&"explain"));
    }

    #[test]
    fn dash_offers_the_subcommand_flags() {
        let completion = complete_words(&["explain", "--"]);
        let names = names(&completion);
        for flag in [
            "--filename",
            "--namespace",
            "--all-namespaces",
            "--context",
            "--color",
        ] {
            assert!(names.contains(&flag), "{flag} missing from {names:?}");
        }
        assert!(!names.contains(&"--strict"), "{names:?}");
    }

    #[test]
    fn flag_prefix_filters_flags() {
        let completion = complete_words(&["check-config", "--st"]);
        assert_eq!(names(&completion), ["--strict"]);
    }

    #[test]
    fn explain_name_offers_workloads_of_namespace() {
        let completion = complete_words(&["explain", "-n", "team-a", "job-t"]);
        assert_eq!(names(&completion), ["job-train-a1b2c", "job-tune-d3e4f"]);
    }

    #[test]
    fn explain_name_offers_workloads_of_context_namespace() {
        let completion = complete_words(&["explain", ""]);
        assert_eq!(names(&completion), ["job-sample-9z8y7"]);
    }

    #[test]
    fn second_positional_offers_nothing() {
        let completion = complete_words(&["explain", "job-sample-9z8y7", ""]);
        assert_eq!(names(&completion), Vec::<&str>::new());
    }

    #[test]
    fn output_offers_formats() {
        let completion = complete_words(&["explain", "-o", ""]);
        assert_eq!(names(&completion), ["table", "wide", "json", "yaml"]);
    }

    #[test]
    fn attached_short_value_is_not_pending() {
        let completion = complete_words(&["explain", "-ojson", "--no-h"]);
        assert_eq!(names(&completion), ["--no-headers"]);
    }

    #[test]
    fn color_offers_its_choices() {
        let completion = complete_words(&["explain", "--color", "a"]);
        assert_eq!(names(&completion), ["auto", "always"]);
    }

    #[test]
    fn kueue_version_offers_releases() {
        let completion = complete_words(&["explain", "--kueue-version", "v0.19"]);
        assert_eq!(names(&completion), ["v0.19.0", "v0.19.1", "v0.19.2"]);
    }

    #[test]
    fn filename_offers_manifest_extensions() {
        let completion = complete_words(&["explain", "-f", ""]);
        assert_eq!(completion.candidates, ["json", "yaml", "yml"]);
        assert_eq!(completion.directive, FILTER_FILE_EXTENSIONS);
    }

    #[test]
    fn kubeconfig_lets_the_shell_complete_files() {
        let completion = complete_words(&["explain", "--kubeconfig", ""]);
        assert!(completion.candidates.is_empty());
        assert_eq!(completion.directive, DEFAULT_COMPLETION);
    }

    #[test]
    fn namespace_comes_from_the_lookup() {
        let completion = complete_words(&["explain", "-n", "te"]);
        assert_eq!(names(&completion), ["team-a"]);
    }

    #[test]
    fn namespace_uses_the_typed_context() {
        let completion = complete_words(&["explain", "--context=staging", "-n", ""]);
        assert_eq!(names(&completion), ["staging-team"]);
    }

    #[test]
    fn context_comes_from_the_lookup() {
        let completion = complete_words(&["explain", "--context", "s"]);
        assert_eq!(names(&completion), ["staging"]);
    }

    #[test]
    fn completion_offers_shells() {
        let completion = complete_words(&["completion", "b"]);
        assert_eq!(names(&completion), ["bash"]);
    }

    #[test]
    fn version_takes_no_arguments() {
        let completion = complete_words(&["version", ""]);
        assert!(completion.candidates.is_empty());
        assert_eq!(completion.directive, NO_FILE_COMPLETION);
    }
}
