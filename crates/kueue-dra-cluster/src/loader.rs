//! Loads objects from files into a [`Snapshot`], the way `kubectl apply -f` would see them.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{ConfigMap, LimitRange, Pod};
use k8s_openapi::api::node::v1::RuntimeClass;
use k8s_openapi::api::resource::v1::{
    DeviceClass, ResourceClaim, ResourceClaimTemplate, ResourceSlice,
};
use kueue_api::config::{self, Configuration};
use kueue_api::v1beta1;
use kueue_api::v1beta2::{ClusterQueue, Cohort, LocalQueue, ResourceFlavor, Workload};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::apiserver;
use crate::documents::{self, Document, yaml_error_detail};
use crate::error::LoadError;
use crate::header::{Header, Items};
use crate::origin::{ObjectRef, Origin};
use crate::workloads;

/// The name of the ConfigMap that contains Kueue's Configuration in a real installation.
pub(crate) const KUEUE_CONFIG_MAP: &str = "kueue-manager-config";

/// The ConfigMap key whose value is the Configuration document.
const KUEUE_CONFIG_KEY: &str = "controller_manager_config.yaml";

/// The Kueue integration that manages `batch/v1` Jobs.
const JOB_FRAMEWORK: &str = "batch/job";

/// The Kueue integration that manages plain Pods.
const POD_FRAMEWORK: &str = "pod";

/// The integrations Kueue enables when the Configuration lists none.
const DEFAULT_FRAMEWORKS: [&str; 1] = [JOB_FRAMEWORK];

/// The name standard input has in messages.
const STDIN: &str = "<stdin>";

/// A Workload to explain, with the object it was read from.
#[derive(Clone, Debug)]
pub struct LoadedWorkload {
    /// The Workload as read, or as Kueue would create it for a Job or Pod.
    workload: WorkloadSource,
    /// The Workload's namespace, with the loader's default applied.
    namespace: String,
    /// The Workload's name; empty when it has only `generateName`.
    name: String,
    /// The apiVersion of the object read.
    pub source_api_version: String,
    /// The kind of the object read: `Workload`, `Job` or `Pod`.
    pub source_kind: String,
    /// The object read, by kind, namespace and name.
    pub object: ObjectRef,
    /// The file and document the object was read from.
    pub origin: Origin,
    /// Plain sentences about how Kueue would treat the object, such as a missing queue label.
    pub notes: Vec<String>,
    /// The labels of the Job or Pod read. For a Workload it is `None`: its labels are read from
    /// the Workload when requested, so that a Workload kept as text does not store them twice.
    owner_labels: Option<BTreeMap<String, String>>,
}

/// The storage of a [`LoadedWorkload`]'s Workload: decoded, or as JSON text.
#[derive(Clone, Debug)]
enum WorkloadSource {
    /// Decoded: a Workload from YAML or from a cluster, or one made from a Job or Pod.
    Decoded(Box<Workload>),
    /// The JSON text of a Workload in a file the loader read. The Workload was decoded and
    /// checked once while loading, then dropped: a decoded Workload takes several times the
    /// memory of its JSON text, which the loader keeps anyway.
    Json {
        file: Arc<String>,
        range: Range<usize>,
    },
}

impl LoadedWorkload {
    /// Returns the Workload, decoding it again from its JSON text when the loader kept only
    /// the text. Call it once per use and drop the result: each call on such a Workload
    /// decodes it anew.
    ///
    /// # Errors
    ///
    /// None in practice: the text was decoded without error while loading. An error names the
    /// object and field all the same.
    pub fn workload(&self) -> Result<Cow<'_, Workload>, LoadError> {
        let (file, range) = match &self.workload {
            WorkloadSource::Decoded(workload) => return Ok(Cow::Borrowed(workload)),
            WorkloadSource::Json { file, range } => (file, range),
        };
        let text = &file[range.clone()];
        let mut workload: Workload = serde_json::from_str(text).map_err(|_| {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            let error = serde_path_to_error::deserialize::<_, Workload>(&mut deserializer)
                .err()
                .map(|error| (error.path().to_string(), without_position(error.inner())));
            let (field, detail) = error.unwrap_or_default();
            LoadError::Field {
                origin: self.origin.clone(),
                object: self.object.to_string(),
                field,
                detail,
            }
        })?;
        if workload.metadata.namespace.is_none() {
            workload.metadata.namespace = Some(self.namespace.clone());
        }
        Ok(Cow::Owned(workload))
    }

    /// Returns the Workload's namespace, with the loader's default applied.
    #[must_use]
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Returns the Workload's name; empty when it has only `generateName`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the labels of the object read: the Workload's own, or those of the Job or Pod.
    ///
    /// # Errors
    ///
    /// As [`LoadedWorkload::workload`], whose labels they are for a Workload kept as text.
    pub fn labels(&self) -> Result<Cow<'_, BTreeMap<String, String>>, LoadError> {
        if let Some(labels) = &self.owner_labels {
            return Ok(Cow::Borrowed(labels));
        }
        Ok(match self.workload()? {
            Cow::Borrowed(workload) => workload
                .metadata
                .labels
                .as_ref()
                .map_or_else(Cow::default, Cow::Borrowed),
            Cow::Owned(workload) => Cow::Owned(workload.metadata.labels.unwrap_or_default()),
        })
    }

    /// Returns the Workload when it is kept decoded.
    fn decoded(&self) -> Option<&Workload> {
        match &self.workload {
            WorkloadSource::Decoded(workload) => Some(workload),
            WorkloadSource::Json { .. } => None,
        }
    }
}

/// The Kueue Configuration read from the input.
#[derive(Clone, Debug)]
pub struct LoadedConfiguration {
    /// The Configuration, converted to v1beta2.
    pub configuration: Configuration,
    /// The file and document it was read from.
    pub origin: Origin,
    /// The object it was read from: the Configuration itself or its ConfigMap.
    pub object: ObjectRef,
    /// The path of the Configuration inside its object, such as
    /// `data[controller_manager_config.yaml]` for a ConfigMap; `None` for a Configuration
    /// document.
    pub field_prefix: Option<String>,
    /// The fields the Configuration type does not have, as paths such as
    /// `resources.deviceClassMappings[0].deviceClasses`, in the order they were read. Kueue
    /// decodes its Configuration strictly, so it does not start with any of them.
    pub unknown_fields: Vec<String>,
    /// The Configuration document as read, before decoding, for checks that depend on the
    /// Kueue release.
    pub document: Value,
    /// The document's `apiVersion`, such as `config.kueue.x-k8s.io/v1beta1`.
    pub api_version: String,
}

/// A check of each Workload as it is loaded. It is given the Workload and the kind of the
/// object it was read from (`Workload`, `Job` or `Pod`, which decides the field paths), and
/// returns the path and the problem of the first field it rejects.
pub type WorkloadCheck = fn(&Workload, &str) -> Option<(String, String)>;

/// Everything read from the input, with duplicates resolved and defaults applied.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// The Kueue Configuration, if the input has one, with where it was read.
    pub configuration: Option<LoadedConfiguration>,
    /// The Workloads to explain, in input order.
    pub workloads: Vec<LoadedWorkload>,
    /// DeviceClasses.
    pub device_classes: Vec<DeviceClass>,
    /// ResourceClaimTemplates, with the apiserver's request defaults applied.
    pub resource_claim_templates: Vec<ResourceClaimTemplate>,
    /// ResourceClaims, with the apiserver's request defaults applied.
    pub resource_claims: Vec<ResourceClaim>,
    /// ResourceSlices.
    pub resource_slices: Vec<ResourceSlice>,
    /// ClusterQueues.
    pub cluster_queues: Vec<ClusterQueue>,
    /// LocalQueues.
    pub local_queues: Vec<LocalQueue>,
    /// ResourceFlavors.
    pub resource_flavors: Vec<ResourceFlavor>,
    /// Cohorts.
    pub cohorts: Vec<Cohort>,
    /// LimitRanges.
    pub limit_ranges: Vec<LimitRange>,
    /// RuntimeClasses.
    pub runtime_classes: Vec<RuntimeClass>,
    /// Messages for the user about input that was skipped, replaced or partly ignored.
    pub warnings: Vec<String>,
}

/// Reads files, directories and standard input into a [`Snapshot`].
///
/// Add inputs with [`Loader::add_path`], [`Loader::add_reader`] or [`Loader::add_bytes`], and
/// call [`Loader::finish`] once. Loading stops at the first input that cannot be read or that
/// the apiserver would reject.
#[derive(Debug)]
pub struct Loader {
    default_namespace: String,
    /// Set while reading the `--config` file, where only the Configuration is used.
    configuration_only: bool,
    explicit_configuration: Option<LoadedConfiguration>,
    configurations: Vec<LoadedConfiguration>,
    workloads: Collection<LoadedWorkload>,
    device_classes: Collection<DeviceClass>,
    resource_claim_templates: Collection<ResourceClaimTemplate>,
    resource_claims: Collection<ResourceClaim>,
    resource_slices: Collection<ResourceSlice>,
    cluster_queues: Collection<ClusterQueue>,
    local_queues: Collection<LocalQueue>,
    resource_flavors: Collection<ResourceFlavor>,
    cohorts: Collection<Cohort>,
    limit_ranges: Collection<LimitRange>,
    runtime_classes: Collection<RuntimeClass>,
    warnings: Vec<String>,
    /// Notes added to every Workload, such as a kind that could not be read.
    workload_notes: Vec<String>,
    /// The text of the file being read, while the loader owns it, so that Workloads can be
    /// kept as JSON text.
    file_text: Option<Arc<String>>,
    /// The check run on every Workload while it is still decoded.
    workload_check: Option<WorkloadCheck>,
}

impl Loader {
    /// Creates a loader that puts objects without a namespace in `default_namespace`.
    #[must_use]
    pub fn new(default_namespace: &str) -> Self {
        Self {
            default_namespace: default_namespace.to_owned(),
            configuration_only: false,
            explicit_configuration: None,
            configurations: Vec::new(),
            workloads: Collection::default(),
            device_classes: Collection::default(),
            resource_claim_templates: Collection::default(),
            resource_claims: Collection::default(),
            resource_slices: Collection::default(),
            cluster_queues: Collection::default(),
            local_queues: Collection::default(),
            resource_flavors: Collection::default(),
            cohorts: Collection::default(),
            limit_ranges: Collection::default(),
            runtime_classes: Collection::default(),
            warnings: Vec::new(),
            workload_notes: Vec::new(),
            file_text: None,
            workload_check: None,
        }
    }

    /// Runs `check` on every Workload added from now on, and stops loading at the first it
    /// rejects, with an error that names the field. Checking while loading reports an invalid
    /// Workload in input order, and needs no separate pass that would decode each Workload
    /// kept as text once more.
    pub fn check_workloads_with(&mut self, check: WorkloadCheck) {
        self.workload_check = Some(check);
    }

    /// Reads a file, every YAML and JSON file below a directory, or standard input for `-`.
    ///
    /// A file or standard input larger than [`crate::MAX_FILE_BYTES`] is rejected.
    pub fn add_path(&mut self, path: &Path) -> Result<(), LoadError> {
        if path == Path::new("-") {
            return self.add_reader(STDIN, std::io::stdin().lock());
        }
        for file in documents::expand(path)? {
            let bytes = documents::read_file(&file)?;
            self.add_owned(&file.display().to_string(), bytes)?;
        }
        Ok(())
    }

    /// Reads every document from `reader`; `name` stands for it in messages.
    pub fn add_reader(&mut self, name: &str, reader: impl Read) -> Result<(), LoadError> {
        let bytes = read_all(name, reader)?;
        self.add_owned(name, bytes)
    }

    /// Reads every document in `bytes`; `file` names them in messages.
    pub fn add_bytes(&mut self, file: &str, bytes: &[u8]) -> Result<(), LoadError> {
        let text = documents::text(file, bytes)?;
        self.add_text(file, text)
    }

    /// Reads every document in `bytes` and keeps the text, so that Workloads in JSON are
    /// kept as text instead of decoded.
    fn add_owned(&mut self, file: &str, bytes: Vec<u8>) -> Result<(), LoadError> {
        let text = Arc::new(documents::into_text(file, bytes)?);
        let start = documents::text_start(&text);
        self.file_text = Some(Arc::clone(&text));
        let added = self.add_text(file, &text[start..]);
        self.file_text = None;
        added
    }

    fn add_text(&mut self, file: &str, text: &str) -> Result<(), LoadError> {
        // A file of one JSON object, as `kubectl get -o json` writes, is read in one pass: the
        // pass that checks it also finds its type and the text of its items. Any other file
        // is split into its documents first, which reads it once more.
        let trimmed = text.trim_matches([' ', '\t', '\n', '\r']);
        let within_limit = text.len() as u64 <= documents::MAX_FILE_BYTES;
        if within_limit
            && trimmed.starts_with('{')
            && let Some(header) = Header::parse(trimmed)
        {
            let origin = Origin {
                file: file.to_owned(),
                document: Some(1),
                item: None,
            };
            return self.add_with_header(Document::Json(trimmed), header, origin);
        }

        for (index, document) in documents::split(file, text)?.into_iter().enumerate() {
            let origin = Origin {
                file: file.to_owned(),
                document: Some(index + 1),
                item: None,
            };
            self.add_document(document, origin)?;
        }
        Ok(())
    }

    /// Adds one object, or a `List` of them, given as a JSON value: an object read from a
    /// cluster goes through the same decoding, defaults and checks as one read from a file.
    pub fn add_value(&mut self, origin: Origin, value: Value) -> Result<(), LoadError> {
        self.add_document(Document::Tree(value), origin)
    }

    /// Adds a message for the user to the snapshot's warnings, such as a kind that could not
    /// be read.
    pub fn add_warning(&mut self, warning: String) {
        self.warnings.push(warning);
    }

    /// Adds a note to every Workload's explanation, such as a kind that could not be read,
    /// which leaves each explanation partial.
    pub fn add_workload_note(&mut self, note: String) {
        self.workload_notes.push(note);
    }

    /// Reads the Configuration named by `--config`: a Configuration document or the
    /// `kueue-manager-config` ConfigMap. It takes the place of any Configuration in the other
    /// inputs.
    pub fn set_configuration_file(&mut self, path: &Path) -> Result<(), LoadError> {
        let (file, bytes) = if path == Path::new("-") {
            (STDIN.to_owned(), read_all(STDIN, std::io::stdin().lock())?)
        } else {
            (path.display().to_string(), documents::read_file(path)?)
        };

        let mut scratch = Loader::new(&self.default_namespace);
        scratch.configuration_only = true;
        scratch.add_bytes(&file, &bytes)?;
        let configuration = scratch
            .resolve_configuration()?
            .ok_or_else(|| LoadError::MissingConfiguration { path: file.clone() })?;
        self.warnings.extend(scratch.warnings);
        self.explicit_configuration = Some(configuration);
        Ok(())
    }

    /// Resolves the Configuration, adds how Kueue would treat each Job and Pod, and returns
    /// everything read.
    pub fn finish(mut self) -> Result<Snapshot, LoadError> {
        let configuration = self.resolve_configuration()?;
        let default_configuration = Configuration::default();
        let effective = configuration
            .as_ref()
            .map_or(&default_configuration, |loaded| &loaded.configuration);

        let mut workloads = self.workloads.into_items();
        for loaded in &mut workloads {
            loaded.notes.extend(management_notes(loaded, effective));
            loaded.notes.extend(self.workload_notes.iter().cloned());
        }

        Ok(Snapshot {
            configuration,
            workloads,
            device_classes: self.device_classes.into_items(),
            resource_claim_templates: self.resource_claim_templates.into_items(),
            resource_claims: self.resource_claims.into_items(),
            resource_slices: self.resource_slices.into_items(),
            cluster_queues: self.cluster_queues.into_items(),
            local_queues: self.local_queues.into_items(),
            resource_flavors: self.resource_flavors.into_items(),
            cohorts: self.cohorts.into_items(),
            limit_ranges: self.limit_ranges.into_items(),
            runtime_classes: self.runtime_classes.into_items(),
            warnings: self.warnings,
        })
    }

    fn resolve_configuration(&mut self) -> Result<Option<LoadedConfiguration>, LoadError> {
        if let Some(explicit) = self.explicit_configuration.take() {
            for ignored in &self.configurations {
                self.warnings.push(format!(
                    "{}: Configuration ignored: --config names {}",
                    ignored.origin, explicit.origin.file
                ));
            }
            return Ok(Some(explicit));
        }

        let mut configurations = std::mem::take(&mut self.configurations).into_iter();
        let Some(first) = configurations.next() else {
            return Ok(None);
        };
        for other in configurations {
            if other.configuration != first.configuration {
                return Err(LoadError::ConflictingConfigurations {
                    first: first.origin,
                    second: other.origin,
                });
            }
        }
        Ok(Some(first))
    }

    fn add_document(&mut self, document: Document<'_>, origin: Origin) -> Result<(), LoadError> {
        let header = match &document {
            Document::Tree(value) => Header::of_tree(value),
            Document::Json(text) => {
                // Input the header reader does not take, such as a top-level array or a
                // duplicate field, is read as a tree, which reports it as before.
                let Some(header) = Header::parse(text) else {
                    let tree = parse_checked_json(text, &origin)?;
                    return self.add_document(Document::Tree(tree), origin);
                };
                header
            }
        };
        self.add_with_header(document, header, origin)
    }

    fn add_with_header(
        &mut self,
        document: Document<'_>,
        header: Header<'_>,
        origin: Origin,
    ) -> Result<(), LoadError> {
        let api_version = type_field(header.api_version.as_ref(), "apiVersion", &origin)?;
        let kind = type_field(header.kind.as_ref(), "kind", &origin)?;

        if kind.ends_with("List") {
            match document {
                Document::Tree(Value::Object(mut fields)) if fields.contains_key("items") => {
                    let Some(Value::Array(items)) = fields.remove("items") else {
                        return Err(not_a_list(kind, origin));
                    };
                    return self.add_list_items(items, &api_version, &kind, &origin);
                }
                Document::Json(_) if header.items.is_some() => {
                    let Some(Items::Array(items)) = header.items else {
                        return Err(not_a_list(kind, origin));
                    };
                    return self.add_json_list_items(&items, &api_version, &kind, &origin);
                }
                document => return self.add_object(document, &header, &api_version, &kind, origin),
            }
        }
        self.add_object(document, &header, &api_version, &kind, origin)
    }

    fn add_object(
        &mut self,
        document: Document<'_>,
        header: &Header<'_>,
        api_version: &str,
        kind: &str,
        origin: Origin,
    ) -> Result<(), LoadError> {
        let (group, version) = split_api_version(api_version);
        let context = Context {
            object: self.object_ref(header, kind, group),
            generated_name: header.name.is_none() && header.generate_name.is_some(),
            origin,
            api_version: api_version.to_owned(),
        };
        let is_configuration =
            (group, kind) == (CONFIG_GROUP, "Configuration") || (group, kind) == ("", "ConfigMap");
        if self.configuration_only && !is_configuration {
            self.warnings.push(format!(
                "{}: skipped {}: the --config file is read only for the Kueue Configuration; \
                 pass other objects with -f",
                context.origin, context.object
            ));
            return Ok(());
        }

        let used = match group {
            KUEUE_GROUP => self.add_kueue_object(document, &context, version)?,
            RESOURCE_GROUP => self.add_dra_object(document, &context, version)?,
            _ => self.add_core_object(document, &context, group, version)?,
        };
        if !used {
            self.warnings.push(format!(
                "{}: skipped {} ({api_version}): kueue-dra does not use this kind",
                context.origin, context.object
            ));
        }
        Ok(())
    }

    /// Adds a `kueue.x-k8s.io` object, converted to v1beta2; returns false for a kind this
    /// tool does not use.
    fn add_kueue_object(
        &mut self,
        document: Document<'_>,
        context: &Context,
        version: &str,
    ) -> Result<bool, LoadError> {
        let context = context.clone();
        if !matches!(version, "v1beta2" | "v1beta1") {
            let used = matches!(
                context.object.kind.as_str(),
                "Workload" | "ClusterQueue" | "LocalQueue" | "ResourceFlavor" | "Cohort"
            );
            return if used {
                Err(context.unsupported(KUEUE_VERSIONS))
            } else {
                Ok(false)
            };
        }
        let v1beta1 = version == "v1beta1";

        match context.object.kind.as_str() {
            "Workload" => {
                let kept_text = match &document {
                    Document::Json(text) if !v1beta1 => self.file_range(text),
                    _ => None,
                };
                let workload: Workload = if v1beta1 {
                    context
                        .decode::<v1beta1::Workload>(document, &mut self.warnings)?
                        .into()
                } else {
                    context.decode(document, &mut self.warnings)?
                };
                match kept_text {
                    Some((file, range)) => {
                        self.add_workload_text(&workload, file, range, context)?;
                    }
                    None => self.add_workload(workload, None, context)?,
                }
            }
            "ClusterQueue" => {
                let queue: ClusterQueue = if v1beta1 {
                    context
                        .decode::<v1beta1::ClusterQueue>(document, &mut self.warnings)?
                        .into()
                } else {
                    context.decode(document, &mut self.warnings)?
                };
                self.cluster_queues
                    .insert(queue, context, &mut self.warnings);
            }
            "LocalQueue" => {
                let mut queue: LocalQueue = if v1beta1 {
                    context
                        .decode::<v1beta1::LocalQueue>(document, &mut self.warnings)?
                        .into()
                } else {
                    context.decode(document, &mut self.warnings)?
                };
                queue
                    .metadata
                    .namespace
                    .clone_from(&context.object.namespace);
                self.local_queues.insert(queue, context, &mut self.warnings);
            }
            "ResourceFlavor" => {
                let flavor: ResourceFlavor = if v1beta1 {
                    context
                        .decode::<v1beta1::ResourceFlavor>(document, &mut self.warnings)?
                        .into()
                } else {
                    context.decode(document, &mut self.warnings)?
                };
                self.resource_flavors
                    .insert(flavor, context, &mut self.warnings);
            }
            "Cohort" => {
                let cohort: Cohort = if v1beta1 {
                    context
                        .decode::<v1beta1::Cohort>(document, &mut self.warnings)?
                        .into()
                } else {
                    context.decode(document, &mut self.warnings)?
                };
                self.cohorts.insert(cohort, context, &mut self.warnings);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Adds a `resource.k8s.io` object with the apiserver's defaults; returns false for a
    /// kind this tool does not use.
    fn add_dra_object(
        &mut self,
        document: Document<'_>,
        context: &Context,
        version: &str,
    ) -> Result<bool, LoadError> {
        let context = context.clone();
        let kind = context.object.kind.as_str();
        if !matches!(
            kind,
            "DeviceClass" | "ResourceClaimTemplate" | "ResourceClaim" | "ResourceSlice"
        ) {
            return Ok(false);
        }
        // The v1beta2 DRA objects have the same fields as v1, so both decode into v1 types.
        if !matches!(version, "v1" | "v1beta2") {
            return Err(context.unsupported(RESOURCE_VERSIONS));
        }
        // The v1 types accept only their own apiVersion.
        let document = if version == "v1beta2" {
            let mut tree = document
                .into_tree()
                .map_err(|error| context.field_error("", &without_position(&error)))?;
            tree["apiVersion"] = Value::from("resource.k8s.io/v1");
            Document::Tree(tree)
        } else {
            document
        };

        match kind {
            "DeviceClass" => {
                let class: DeviceClass = context.decode(document, &mut self.warnings)?;
                self.device_classes
                    .insert(class, context, &mut self.warnings);
            }
            "ResourceClaimTemplate" => {
                let mut template: ResourceClaimTemplate =
                    context.decode(document, &mut self.warnings)?;
                template
                    .metadata
                    .namespace
                    .clone_from(&context.object.namespace);
                apiserver::default_claim_spec(&mut template.spec.spec);
                if let Some((field, detail)) =
                    apiserver::invalid_claim_spec(&template.spec.spec, "spec.spec")
                {
                    return Err(context.field_error(&field, &detail));
                }
                self.resource_claim_templates
                    .insert(template, context, &mut self.warnings);
            }
            "ResourceClaim" => {
                let mut claim: ResourceClaim = context.decode(document, &mut self.warnings)?;
                claim
                    .metadata
                    .namespace
                    .clone_from(&context.object.namespace);
                apiserver::default_claim_spec(&mut claim.spec);
                if let Some((field, detail)) = apiserver::invalid_claim_spec(&claim.spec, "spec") {
                    return Err(context.field_error(&field, &detail));
                }
                self.resource_claims
                    .insert(claim, context, &mut self.warnings);
            }
            _ => {
                let slice: ResourceSlice = context.decode(document, &mut self.warnings)?;
                self.resource_slices
                    .insert(slice, context, &mut self.warnings);
            }
        }
        Ok(true)
    }

    /// Adds a Kueue Configuration or a built-in Kubernetes object; returns false for a kind
    /// this tool does not use.
    fn add_core_object(
        &mut self,
        document: Document<'_>,
        context: &Context,
        group: &str,
        version: &str,
    ) -> Result<bool, LoadError> {
        let context = context.clone();
        match (group, context.object.kind.as_str()) {
            (CONFIG_GROUP, "Configuration") => {
                let configuration = decode_configuration(document, &context, version)?;
                self.configurations.push(configuration);
            }
            ("", "ConfigMap") if version == "v1" => self.add_config_map(document, context)?,
            ("batch", "Job") => {
                if version != "v1" {
                    return Err(context.unsupported("`batch/v1`"));
                }
                let job: Job = context.decode(document, &mut self.warnings)?;
                let spec = job.spec.as_ref();
                let counts = [
                    ("spec.parallelism", spec.and_then(|spec| spec.parallelism)),
                    ("spec.completions", spec.and_then(|spec| spec.completions)),
                ];
                for (field, count) in counts {
                    if let Some(count) = count.filter(|count| *count < 0) {
                        let detail = format!("invalid value {count}: must be 0 or more");
                        return Err(context.field_error(field, &detail));
                    }
                }
                let labels = Some(job.metadata.labels.clone().unwrap_or_default());
                let workload = workloads::from_job(job, &context.namespace());
                self.add_workload(workload, labels, context)?;
            }
            ("", "Pod") => {
                let mut pod: Pod = context.decode(document, &mut self.warnings)?;
                if let Some(spec) = pod.spec.as_mut() {
                    apiserver::default_pod_requests(spec);
                }
                let labels = Some(pod.metadata.labels.clone().unwrap_or_default());
                let workload = workloads::from_pod(pod, &context.namespace());
                self.add_workload(workload, labels, context)?;
            }
            ("", "LimitRange") if version == "v1" => {
                let mut range: LimitRange = context.decode(document, &mut self.warnings)?;
                range
                    .metadata
                    .namespace
                    .clone_from(&context.object.namespace);
                self.limit_ranges.insert(range, context, &mut self.warnings);
            }
            ("node.k8s.io", "RuntimeClass") if version == "v1" => {
                let class: RuntimeClass = context.decode(document, &mut self.warnings)?;
                self.runtime_classes
                    .insert(class, context, &mut self.warnings);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn add_list_items(
        &mut self,
        items: Vec<Value>,
        api_version: &str,
        kind: &str,
        origin: &Origin,
    ) -> Result<(), LoadError> {
        let item_kind = list_item_kind(kind);
        for (index, mut item) in items.into_iter().enumerate() {
            if let (Some(item_kind), Some(fields)) = (item_kind, item.as_object_mut()) {
                add_type_defaults(fields, api_version, item_kind);
            }
            let item_origin = Origin {
                item: Some(index),
                ..origin.clone()
            };
            self.add_document(Document::Tree(item), item_origin)?;
        }
        Ok(())
    }

    /// Adds the items of a JSON `List` one by one, from their text, so that no tree of the
    /// whole list is built.
    fn add_json_list_items(
        &mut self,
        items: &[&str],
        api_version: &str,
        kind: &str,
        origin: &Origin,
    ) -> Result<(), LoadError> {
        let item_kind = list_item_kind(kind);
        for (index, text) in items.iter().enumerate() {
            let item_origin = Origin {
                item: Some(index),
                ..origin.clone()
            };
            let header = Header::parse(text)
                .filter(|header| header.api_version.is_some() && header.kind.is_some());
            if let Some(header) = header {
                self.add_with_header(Document::Json(text), header, item_origin)?;
                continue;
            }

            // An item without its type, or one the header reader does not take, is read as
            // a tree, where the list's type can be filled in.
            let mut item = parse_checked_json(text, &item_origin)?;
            if let (Some(item_kind), Some(fields)) = (item_kind, item.as_object_mut()) {
                add_type_defaults(fields, api_version, item_kind);
            }
            self.add_document(Document::Tree(item), item_origin)?;
        }
        Ok(())
    }

    /// Returns the shared text of the file being read and the range of `text` in it, when
    /// `text` is part of that file.
    fn file_range(&self, text: &str) -> Option<(Arc<String>, Range<usize>)> {
        let file = self.file_text.as_ref()?;
        let start = text.as_ptr().addr().checked_sub(file.as_ptr().addr())?;
        let end = start + text.len();
        (end <= file.len()).then(|| (Arc::clone(file), start..end))
    }

    /// Adds a Workload decoded from `range` of `file`, keeping only that range of text.
    fn add_workload_text(
        &mut self,
        workload: &Workload,
        file: Arc<String>,
        range: Range<usize>,
        context: Context,
    ) -> Result<(), LoadError> {
        self.check_workload(workload, &context)?;
        let namespace = workload
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| context.namespace());
        let name = workload.metadata.name.clone().unwrap_or_default();
        let source = WorkloadSource::Json { file, range };
        self.insert_workload(source, namespace, name, None, context);
        Ok(())
    }

    /// Adds a Workload kept decoded. `owner_labels` are the labels of the Job or Pod it was
    /// made for.
    fn add_workload(
        &mut self,
        mut workload: Workload,
        owner_labels: Option<BTreeMap<String, String>>,
        context: Context,
    ) -> Result<(), LoadError> {
        self.check_workload(&workload, &context)?;
        let namespace = workload
            .metadata
            .namespace
            .get_or_insert_with(|| context.namespace())
            .clone();
        let name = workload.metadata.name.clone().unwrap_or_default();
        let source = WorkloadSource::Decoded(Box::new(workload));
        self.insert_workload(source, namespace, name, owner_labels, context);
        Ok(())
    }

    /// Runs the check set by [`Loader::check_workloads_with`], if any.
    fn check_workload(&self, workload: &Workload, context: &Context) -> Result<(), LoadError> {
        let Some(check) = self.workload_check else {
            return Ok(());
        };
        match check(workload, &context.object.kind) {
            Some((field, detail)) => Err(context.field_error(&field, &detail)),
            None => Ok(()),
        }
    }

    fn insert_workload(
        &mut self,
        workload: WorkloadSource,
        namespace: String,
        name: String,
        owner_labels: Option<BTreeMap<String, String>>,
        context: Context,
    ) {
        let loaded = LoadedWorkload {
            workload,
            namespace,
            name,
            source_api_version: context.api_version.clone(),
            source_kind: context.object.kind.clone(),
            object: context.object.clone(),
            origin: context.origin.clone(),
            notes: Vec::new(),
            owner_labels,
        };
        self.workloads.insert(loaded, context, &mut self.warnings);
    }

    fn add_config_map(
        &mut self,
        document: Document<'_>,
        context: Context,
    ) -> Result<(), LoadError> {
        if context.object.name != KUEUE_CONFIG_MAP {
            self.warnings.push(format!(
                "{}: skipped {}: only the ConfigMap `{KUEUE_CONFIG_MAP}` is used",
                context.origin, context.object
            ));
            return Ok(());
        }

        let config_map: ConfigMap = context.decode(document, &mut self.warnings)?;
        let field = format!("data[{KUEUE_CONFIG_KEY}]");
        let Some(text) = config_map
            .data
            .as_ref()
            .and_then(|data| data.get(KUEUE_CONFIG_KEY))
        else {
            return Err(context.field_error(
                &field,
                "missing: put the Kueue Configuration document under this key",
            ));
        };

        let embedded: Value = serde_saphyr::from_str(text).map_err(|error| {
            context.field_error(
                &field,
                &format!("invalid YAML: {}", yaml_error_detail(&error)),
            )
        })?;
        let api_version = embedded
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let (group, version) = split_api_version(&api_version);
        let is_configuration = group == CONFIG_GROUP
            && matches!(version, "v1beta2" | "v1beta1")
            && embedded.get("kind").and_then(Value::as_str) == Some("Configuration");
        if !is_configuration {
            return Err(context.field_error(
                &field,
                "expected a document with `kind: Configuration` and `apiVersion: \
                 config.kueue.x-k8s.io/v1beta2` (or `v1beta1`)",
            ));
        }

        let embedded_context = Context {
            api_version: api_version.clone(),
            ..context
        };
        let mut configuration =
            decode_configuration(Document::Tree(embedded), &embedded_context, version)
                .map_err(|error| prefix_field(error, &field))?;
        configuration.field_prefix = Some(field);
        self.configurations.push(configuration);
        Ok(())
    }

    fn object_ref(&self, header: &Header<'_>, kind: &str, group: &str) -> ObjectRef {
        let name = header
            .name
            .clone()
            .or_else(|| {
                header
                    .generate_name
                    .as_deref()
                    .map(|prefix| prefix.trim_end_matches('-').to_owned())
            })
            .unwrap_or_default();
        let namespace = is_namespaced(group, kind).then(|| {
            header
                .namespace
                .clone()
                .unwrap_or_else(|| self.default_namespace.clone())
        });
        ObjectRef {
            kind: kind.to_owned(),
            namespace,
            name,
        }
    }
}

const KUEUE_GROUP: &str = "kueue.x-k8s.io";
const CONFIG_GROUP: &str = "config.kueue.x-k8s.io";
const RESOURCE_GROUP: &str = "resource.k8s.io";
const KUEUE_VERSIONS: &str = "`kueue.x-k8s.io/v1beta2` or `kueue.x-k8s.io/v1beta1`";
const CONFIG_VERSIONS: &str = "`config.kueue.x-k8s.io/v1beta2` or `config.kueue.x-k8s.io/v1beta1`";
const RESOURCE_VERSIONS: &str = "`resource.k8s.io/v1` or `resource.k8s.io/v1beta2`";

/// Returns the kind of the items of a typed list such as `DeviceClassList`; `None` for `List`.
fn list_item_kind(kind: &str) -> Option<&str> {
    kind.strip_suffix("List").filter(|kind| !kind.is_empty())
}

/// Fills in the type of an item of a typed list: API list responses leave it out, and the
/// items take it from the list.
fn add_type_defaults(
    fields: &mut serde_json::Map<String, Value>,
    api_version: &str,
    item_kind: &str,
) {
    fields
        .entry("apiVersion")
        .or_insert_with(|| Value::from(api_version));
    fields
        .entry("kind")
        .or_insert_with(|| Value::from(item_kind));
}

fn not_a_list(kind: String, origin: Origin) -> LoadError {
    LoadError::Field {
        object: kind,
        field: "items".to_owned(),
        detail: "expected a list of objects".to_owned(),
        origin,
    }
}

/// Parses JSON text that [`documents::split`] already checked into a tree.
fn parse_checked_json(text: &str, origin: &Origin) -> Result<Value, LoadError> {
    serde_json::from_str(text).map_err(|error| LoadError::Syntax {
        path: origin.file.clone(),
        format: "JSON",
        detail: error.to_string(),
    })
}

/// Returns `serde_json`'s message without the ` at line L column C` it adds when it reads text,
/// so that a message does not depend on whether the object was read as text or as a tree.
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    message
        .strip_suffix(&position)
        .map_or_else(|| message.clone(), str::to_owned)
}

fn read_all(name: &str, reader: impl Read) -> Result<Vec<u8>, LoadError> {
    documents::read_limited(name, reader, documents::MAX_FILE_BYTES)
}

/// Decodes a Configuration document of `config.kueue.x-k8s.io/<version>` into the v1beta2
/// type, keeping the fields that the type does not have.
fn decode_configuration(
    document: Document<'_>,
    context: &Context,
    version: &str,
) -> Result<LoadedConfiguration, LoadError> {
    let mut unknown_fields = Vec::new();
    let document = document
        .into_tree()
        .map_err(|error| context.field_error("", &without_position(&error)))?;
    let raw_document = document.clone();
    let configuration = match version {
        "v1beta2" => context
            .decode_lenient::<Configuration>(Document::Tree(document), &mut unknown_fields)?,
        "v1beta1" => context
            .decode_lenient::<config::v1beta1::Configuration>(
                Document::Tree(document),
                &mut unknown_fields,
            )?
            .into(),
        _ => return Err(context.unsupported(CONFIG_VERSIONS)),
    };
    Ok(LoadedConfiguration {
        configuration,
        origin: context.origin.clone(),
        object: context.object.clone(),
        field_prefix: None,
        unknown_fields,
        document: raw_document,
        api_version: context.api_version.clone(),
    })
}

/// Returns whether objects of a kind live in a namespace. Kinds this tool does not read are
/// treated as namespaced, which only changes how a skipped object is named.
fn is_namespaced(group: &str, kind: &str) -> bool {
    !matches!(
        (group, kind),
        (KUEUE_GROUP, "ClusterQueue" | "ResourceFlavor" | "Cohort")
            | (CONFIG_GROUP, "Configuration")
            | (RESOURCE_GROUP, "DeviceClass" | "ResourceSlice")
            | ("node.k8s.io", "RuntimeClass")
            | ("", "Namespace" | "Node" | "PersistentVolume")
    )
}

fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.split_once('/').unwrap_or(("", api_version))
}

fn type_field(
    value: Option<&String>,
    field: &'static str,
    origin: &Origin,
) -> Result<String, LoadError> {
    value.cloned().ok_or_else(|| LoadError::MissingTypeMeta {
        origin: origin.clone(),
        field,
    })
}

/// Rewrites a path from `serde_ignored`, such as `resources.?.deviceClassMappings.?.0.sources`,
/// in the form Kubernetes messages use: `resources.deviceClassMappings[0].sources`. The `?`
/// segments stand for values read through an `Option`.
fn field_path(ignored_path: &str) -> String {
    let mut path = String::new();
    for segment in ignored_path.split('.').filter(|segment| *segment != "?") {
        if segment.bytes().all(|byte| byte.is_ascii_digit()) {
            path.push('[');
            path.push_str(segment);
            path.push(']');
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(segment);
        }
    }
    path
}

/// Adds a field prefix to the path of a field error, for documents embedded in another.
fn prefix_field(error: LoadError, prefix: &str) -> LoadError {
    match error {
        LoadError::Field {
            origin,
            object,
            field,
            detail,
        } => LoadError::Field {
            origin,
            object,
            field: format!("{prefix}.{field}"),
            detail,
        },
        other => other,
    }
}

/// Returns notes on why Kueue would not manage a Job or Pod in its current form.
fn management_notes(loaded: &LoadedWorkload, configuration: &Configuration) -> Vec<String> {
    let framework = match loaded.source_kind.as_str() {
        "Job" => JOB_FRAMEWORK,
        "Pod" => POD_FRAMEWORK,
        _ => return Vec::new(),
    };
    let object = &loaded.object;

    let Some(workload) = loaded.decoded() else {
        return Vec::new();
    };
    let mut notes = Vec::new();
    if workload.spec.queue_name.is_none() && !configuration.manage_jobs_without_queue_name {
        notes.push(format!(
            "Kueue would not manage {object} as it stands: it has no `{}` label",
            workloads::QUEUE_NAME_LABEL
        ));
    }

    let frameworks: Vec<&str> = configuration
        .integrations
        .as_ref()
        .map(|integrations| integrations.frameworks.iter().map(String::as_str).collect())
        .filter(|frameworks: &Vec<&str>| !frameworks.is_empty())
        .unwrap_or_else(|| DEFAULT_FRAMEWORKS.to_vec());
    if !frameworks.contains(&framework) {
        notes.push(format!(
            "Kueue would not manage {object} as it stands: the Configuration does not enable \
             the `{framework}` integration in `integrations.frameworks`"
        ));
    }
    notes
}

/// The document being decoded, for error messages.
#[derive(Clone, Debug)]
struct Context {
    origin: Origin,
    object: ObjectRef,
    /// Whether the object has only `generateName`, so that the apiserver would give it a
    /// unique name and it can replace no other object.
    generated_name: bool,
    api_version: String,
}

impl Context {
    fn namespace(&self) -> String {
        self.object.namespace.clone().unwrap_or_default()
    }

    /// Decodes `document` as `T`, adding a warning for each field `T` does not have outside
    /// `status`: a typo such as `resouces` would otherwise vanish without a trace, while a
    /// newer cluster's status fields are no concern of this tool.
    fn decode<T: DeserializeOwned>(
        &self,
        document: Document<'_>,
        warnings: &mut Vec<String>,
    ) -> Result<T, LoadError> {
        let mut unknown_fields = Vec::new();
        let decoded = self.decode_lenient(document, &mut unknown_fields)?;
        // Types derived with kube's `CustomResource` read `apiVersion` and `kind` without
        // keeping them, which serde_ignored reports as ignored.
        let reported = unknown_fields.into_iter().filter(|field| {
            let in_status = field == "status" || field.starts_with("status.");
            !in_status && field != "apiVersion" && field != "kind"
        });
        for field in reported {
            warnings.push(self.unknown_field_warning(&field));
        }
        Ok(decoded)
    }

    /// Decodes `document` as `T`, and lists the fields `T` does not have instead of failing
    /// on them.
    fn decode_lenient<T: DeserializeOwned>(
        &self,
        document: Document<'_>,
        unknown_fields: &mut Vec<String>,
    ) -> Result<T, LoadError> {
        let mut record =
            |path: serde_ignored::Path<'_>| unknown_fields.push(field_path(&path.to_string()));
        let text = match document {
            Document::Tree(value) => {
                let ignored = serde_ignored::Deserializer::new(value, &mut record);
                return serde_path_to_error::deserialize(ignored).map_err(|error| {
                    let field = error.path().to_string();
                    self.field_error(&field, &without_position(error.inner()))
                });
            }
            Document::Json(text) => text,
        };

        // Tracking the path of every field costs an allocation per field, so text is decoded
        // without it first and decoded again with it only to name the field of an error.
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let decoded = T::deserialize(serde_ignored::Deserializer::new(
            &mut deserializer,
            &mut record,
        ));
        decoded.or_else(|_| {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
                let field = error.path().to_string();
                self.field_error(&field, &without_position(error.inner()))
            })
        })
    }

    fn unknown_field_warning(&self, field: &str) -> String {
        format!(
            "{}: {}: unknown field `{field}` ignored",
            self.origin, self.object
        )
    }

    fn field_error(&self, field: &str, detail: &str) -> LoadError {
        LoadError::Field {
            origin: self.origin.clone(),
            object: self.object.to_string(),
            field: field.to_owned(),
            detail: detail.to_owned(),
        }
    }

    fn unsupported(&self, supported: &str) -> LoadError {
        LoadError::UnsupportedVersion {
            origin: self.origin.clone(),
            object: self.object.to_string(),
            kind: self.object.kind.clone(),
            api_version: self.api_version.clone(),
            supported: supported.to_owned(),
        }
    }
}

/// Objects of one kind in input order, where a later object with the same kind, namespace
/// and name replaces the earlier one.
#[derive(Debug)]
struct Collection<T> {
    items: Vec<T>,
    positions: HashMap<ObjectRef, (usize, Origin)>,
}

impl<T> Default for Collection<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            positions: HashMap::new(),
        }
    }
}

impl<T> Collection<T> {
    fn insert(&mut self, item: T, context: Context, warnings: &mut Vec<String>) {
        if context.generated_name {
            self.items.push(item);
            return;
        }
        if let Some((position, first_origin)) = self.positions.get_mut(&context.object) {
            warnings.push(format!(
                "{} is defined twice, in {first_origin} and in {}: the second one is used",
                context.object, context.origin
            ));
            self.items[*position] = item;
            *first_origin = context.origin;
            return;
        }
        self.positions
            .insert(context.object, (self.items.len(), context.origin));
        self.items.push(item);
    }

    fn into_items(self) -> Vec<T> {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignored_path_drops_option_markers() {
        assert_eq!(
            field_path("resources.?.deviceClassMappings.?.0.source"),
            "resources.deviceClassMappings[0].source"
        );
    }

    #[test]
    fn unknown_configuration_field_is_kept() {
        let mut loader = Loader::new("default");
        let yaml = "\
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
resources:
  deviceClassMappings:
  - name: example.com/gpu
    deviceClassNames: [gpu.example.com]
    deviceClasses: [typo]
";
        loader
            .add_bytes("config.yaml", yaml.as_bytes())
            .expect("the Configuration loads");
        let snapshot = loader.finish().expect("the input is consistent");

        let configuration = snapshot.configuration.expect("a Configuration");
        assert_eq!(
            configuration.unknown_fields,
            ["resources.deviceClassMappings[0].deviceClasses"]
        );
        assert_eq!(snapshot.warnings, Vec::<String>::new());
    }

    #[test]
    fn v1beta2_device_class_loads_as_v1() {
        let mut loader = Loader::new("default");
        let yaml = "\
apiVersion: resource.k8s.io/v1beta2
kind: DeviceClass
metadata:
  name: gpu.example.com
spec:
  selectors:
  - cel:
      expression: device.driver == \"gpu.example.com\"
";
        loader
            .add_bytes("class.yaml", yaml.as_bytes())
            .expect("the v1beta2 DeviceClass loads");
        let snapshot = loader.finish().expect("the input is consistent");

        let names: Vec<_> = snapshot
            .device_classes
            .iter()
            .map(|class| class.metadata.name.as_deref())
            .collect();
        assert_eq!(names, [Some("gpu.example.com")]);
    }

    #[test]
    fn added_value_gets_request_defaults() {
        let mut loader = Loader::new("default");
        let template = serde_json::json!({
            "apiVersion": "resource.k8s.io/v1",
            "kind": "ResourceClaimTemplate",
            "metadata": {"namespace": "team-a", "name": "single-gpu"},
            "spec": {"spec": {"devices": {"requests": [
                {"name": "gpu", "exactly": {"deviceClassName": "gpu.example.com"}}
            ]}}},
        });
        let origin = Origin {
            file: "context `fake`, resourceclaimtemplates.resource.k8s.io".to_owned(),
            document: None,
            item: Some(0),
        };

        loader
            .add_value(origin, template)
            .expect("the template loads");
        let snapshot = loader.finish().expect("the input is consistent");

        let requests = snapshot.resource_claim_templates[0]
            .spec
            .spec
            .devices
            .as_ref()
            .and_then(|devices| devices.requests.as_ref())
            .expect("the template has requests");
        let exactly = requests[0].exactly.as_ref().expect("an exact request");
        assert_eq!(exactly.allocation_mode.as_deref(), Some("ExactCount"));
        assert_eq!(exactly.count, Some(1));
    }

    #[test]
    fn cluster_origin_names_no_document() {
        let origin = Origin {
            file: "context `fake`, workloads.kueue.x-k8s.io".to_owned(),
            document: None,
            item: Some(2),
        };
        assert_eq!(
            origin.to_string(),
            "context `fake`, workloads.kueue.x-k8s.io, items[2]"
        );
    }
}
