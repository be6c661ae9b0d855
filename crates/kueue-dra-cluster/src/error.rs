//! Errors that stop loading: input that cannot be read or that the apiserver would reject.

use std::io;

use crate::origin::Origin;

/// An input that cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file or directory could not be read.
    #[error("cannot read `{path}`")]
    Read {
        /// The path as given.
        path: String,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },

    /// A file or standard input is larger than the loader reads.
    #[error("`{path}` is larger than the maximum of {limit} bytes: split it into smaller files")]
    TooLarge {
        /// The path as given.
        path: String,
        /// The maximum size in bytes.
        limit: u64,
    },

    /// A YAML file is larger than the loader parses.
    #[error(
        "`{path}` is YAML larger than the maximum of {limit} bytes for YAML: export it as JSON \
         (`kubectl get -o json`) or split it into smaller files"
    )]
    YamlTooLarge {
        /// The path as given.
        path: String,
        /// The maximum size of YAML in bytes.
        limit: u64,
    },

    /// A file is not UTF-8 text.
    #[error("`{path}` is not UTF-8 text: {detail}")]
    NotText {
        /// The path as given.
        path: String,
        /// The offset of the first invalid byte.
        detail: String,
    },

    /// A file is not valid YAML or JSON.
    #[error("`{path}` is not valid {format}: {detail}")]
    Syntax {
        /// The path as given.
        path: String,
        /// `YAML` or `JSON`.
        format: &'static str,
        /// The parser's message, with its line and column.
        detail: String,
    },

    /// A document lacks `apiVersion` or `kind`, or has them of the wrong type.
    #[error(
        "{origin}: missing or invalid `{field}`: every Kubernetes object needs `apiVersion` and `kind`"
    )]
    MissingTypeMeta {
        /// The file and document.
        origin: Origin,
        /// `apiVersion` or `kind`.
        field: &'static str,
    },

    /// A field of a known kind has a value its type does not allow.
    #[error("{origin}: {object}: field `{field}`: {detail}")]
    Field {
        /// The file and document of the object.
        origin: Origin,
        /// The object, as `Kind namespace/name`.
        object: String,
        /// The field path, such as `spec.template.spec.containers[0].resources`.
        field: String,
        /// The problem with the value.
        detail: String,
    },

    /// A kind this tool uses, in an API version it cannot read.
    #[error(
        "{origin}: {object}: apiVersion `{api_version}` is not supported for {kind}: use {supported}"
    )]
    UnsupportedVersion {
        /// The file and document of the object.
        origin: Origin,
        /// The object, as `Kind namespace/name`.
        object: String,
        /// The object's kind.
        kind: String,
        /// The apiVersion found.
        api_version: String,
        /// The apiVersions that can be read, in backticks and separated by `or`.
        supported: String,
    },

    /// The file named by `--config` contains no Kueue Configuration.
    #[error(
        "`{path}` contains no Kueue Configuration: expected a `config.kueue.x-k8s.io` \
         Configuration document or the `kueue-manager-config` ConfigMap"
    )]
    MissingConfiguration {
        /// The path as given.
        path: String,
    },

    /// Two different Kueue Configurations were given.
    #[error(
        "two different Kueue Configurations in the input: {first} and {second}; \
         remove one, or name the one to use with --config"
    )]
    ConflictingConfigurations {
        /// The file and document of the first one.
        first: Origin,
        /// The file and document of the second one.
        second: Origin,
    },
}
