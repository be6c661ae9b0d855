//! Reads a live cluster into a [`Loader`], the way the file loader reads manifests.
//!
//! The client is built the kubectl way: an explicit kubeconfig file, or else `KUBECONFIG` and
//! `~/.kube/config` merged by kube, with an optional context. Each kind is listed in pages,
//! all kinds at once, and every object goes through [`Loader::add_value`], so defaults,
//! v1beta1 conversion and warnings are the same as for files. The reader only lists and gets;
//! it never writes to the cluster.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::future::join_all;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};
use kube::{Client, Config};
use serde_json::Value;

use crate::controller::{ControllerLookup, KUEUE_DEPLOYMENT, ManagerContainer};
use crate::error::LoadError;
use crate::loader::{KUEUE_CONFIG_MAP, Loader};
use crate::origin::Origin;

pub mod facts;

/// The number of objects asked for per list request.
pub const DEFAULT_PAGE_SIZE: u32 = 500;

/// How many times a request that failed with 429 or a 5xx status is sent again.
const MAX_RETRIES: u32 = 3;

/// The wait before the first retry; it doubles before each further retry.
const FIRST_BACKOFF: Duration = Duration::from_millis(100);

/// The maximum wait taken from the apiserver's `Retry-After`. With `MAX_RETRIES`, it makes a
/// throttling or failing apiserver end the run within seconds.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(2);

/// How to reach a cluster: the kubectl flags that pick the kubeconfig, context and timeout.
#[derive(Clone, Debug, Default)]
pub struct ConnectOptions {
    /// `--kubeconfig`: the one kubeconfig file to read. Without it, `KUBECONFIG` (a list of
    /// files) or `~/.kube/config` is read, and in a Pod the service account is used.
    pub kubeconfig: Option<PathBuf>,
    /// `--context`: the kubeconfig context to use instead of the current one.
    pub context: Option<String>,
    /// `--request-timeout`: the limit on each request; `None` waits as long as the server
    /// takes.
    pub request_timeout: Option<Duration>,
    /// `--as`: the user to impersonate, sent in the `Impersonate-User` header.
    pub impersonate: Option<String>,
    /// `--as-group`: the groups to impersonate, sent in `Impersonate-Group` headers.
    pub impersonate_groups: Vec<String>,
}

/// The scope of a cluster read: namespaces, Kueue's namespace and page size.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// The namespace to list namespaced kinds in; `None` lists every namespace.
    pub namespace: Option<String>,
    /// The namespace of Kueue's `kueue-manager-config` ConfigMap, `kueue-system` by default.
    pub kueue_namespace: String,
    /// Whether to get Kueue's ConfigMap; false when the Configuration comes from elsewhere,
    /// such as the plugin's `--config`.
    pub read_configuration: bool,
    /// The `limit` of each list request.
    pub page_size: u32,
    /// Whether the kinds are listed at once or one after another.
    pub listing: Listing,
    /// The `labelSelector` of the Workload list, from the plugin's `-l`.
    pub workload_label_selector: Option<String>,
    /// The `fieldSelector` of the Workload list, such as `metadata.name=job-sample`.
    pub workload_field_selector: Option<String>,
}

/// The order of the requests of [`Cluster::read_into`]. Either order reads the same objects
/// with the same requests, so the results are the same.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Listing {
    /// Every kind, Kueue's ConfigMap and its controller Deployment are requested at once.
    /// The pages of one kind still follow each other, because each page needs the `continue`
    /// token of the one before.
    #[default]
    Concurrent,
    /// One kind after another in a fixed order, then the ConfigMap, then the Deployment, so
    /// that only one request is in flight at a time. Benchmarks compare it with
    /// [`Listing::Concurrent`].
    Sequential,
}

/// A connected cluster: the client, and the context and server it talks to, for messages.
#[derive(Clone)]
pub struct Cluster {
    client: Client,
    context: String,
    server: String,
    namespace: String,
    request_timeout: Option<Duration>,
}

/// An error reading a live cluster.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The kubeconfig could not be read, or names no usable context.
    #[error("cannot load the kubeconfig {source_name}")]
    Kubeconfig {
        /// The file, or `from KUBECONFIG or ~/.kube/config`.
        source_name: String,
        /// kube's error.
        #[source]
        source: KubeconfigError,
    },

    /// No kubeconfig was found and the program does not run in a Pod.
    #[error(
        "no cluster configured: set KUBECONFIG, pass --kubeconfig, or explain manifests with -f"
    )]
    NoConfiguration {
        /// kube's error.
        #[source]
        source: kube::config::InferConfigError,
    },

    /// The client could not be built from the configuration.
    #[error("cannot build a client for context `{context}`")]
    Client {
        /// The kubeconfig context.
        context: String,
        /// kube's error.
        #[source]
        source: kube::Error,
    },

    /// No response arrived: connection refused, a DNS failure or a connection timeout.
    #[error(
        "cannot reach the apiserver of context `{context}` at {server}: check that the cluster \
         is running and that --context names the right one"
    )]
    Unreachable {
        /// The kubeconfig context.
        context: String,
        /// The server URL of the context.
        server: String,
        /// kube's error.
        #[source]
        source: kube::Error,
    },

    /// The apiserver does not serve Kueue's API group.
    #[error(
        "Kueue's CRDs are not installed in the cluster of context `{context}`: the apiserver \
         does not serve `kueue.x-k8s.io/v1beta2` {resource}; install Kueue, or explain manifests \
         offline with -f"
    )]
    KueueNotInstalled {
        /// The kubeconfig context.
        context: String,
        /// The resource that was not found, such as `workloads`.
        resource: String,
    },

    /// The apiserver rejected a list or get with a status other than 403 and 404, after any
    /// retries.
    #[error(
        "cannot read {resource} from the cluster of context `{context}`: the apiserver returned \
         {code} {reason}: {message}{hint}",
        hint = status_hint(*code)
    )]
    Status {
        /// The kubeconfig context.
        context: String,
        /// The resource, as `<plural>.<group>`.
        resource: String,
        /// The HTTP status code.
        code: u16,
        /// The `reason` of the apiserver's `Status`, such as `Unauthorized`.
        reason: String,
        /// The `message` of the apiserver's `Status`.
        message: String,
    },

    /// A request did not finish within `--request-timeout`.
    #[error(
        "reading {resource} from the cluster of context `{context}` at {server} timed out \
         after {timeout:?}: raise --request-timeout"
    )]
    TimedOut {
        /// The kubeconfig context.
        context: String,
        /// The server URL of the context.
        server: String,
        /// The resource, as `<plural>.<group>`.
        resource: String,
        /// The timeout.
        timeout: Duration,
    },

    /// An object from the cluster is one the apiserver should have rejected.
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// A kind the reader lists.
#[derive(Clone, Copy, Debug)]
struct ApiKind {
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
}

impl ApiKind {
    const fn new(
        group: &'static str,
        version: &'static str,
        kind: &'static str,
        plural: &'static str,
        namespaced: bool,
    ) -> Self {
        Self {
            group,
            version,
            kind,
            plural,
            namespaced,
        }
    }

    /// Returns the resource as RBAC rules and kubectl name it: `workloads.kueue.x-k8s.io`, or
    /// `limitranges` for the core group.
    fn resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_owned()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_owned()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    fn api_resource(&self) -> ApiResource {
        ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk(self.group, self.version, self.kind),
            self.plural,
        )
    }
}

const KUEUE_GROUP: &str = "kueue.x-k8s.io";
const DRA_GROUP: &str = "resource.k8s.io";

/// The kinds the file loader uses, in the order they are added to the loader.
const KINDS: [ApiKind; 11] = [
    ApiKind::new(
        KUEUE_GROUP,
        "v1beta2",
        "ResourceFlavor",
        "resourceflavors",
        false,
    ),
    ApiKind::new(KUEUE_GROUP, "v1beta2", "Cohort", "cohorts", false),
    ApiKind::new(
        KUEUE_GROUP,
        "v1beta2",
        "ClusterQueue",
        "clusterqueues",
        false,
    ),
    ApiKind::new(KUEUE_GROUP, "v1beta2", "LocalQueue", "localqueues", true),
    ApiKind::new(KUEUE_GROUP, "v1beta2", "Workload", "workloads", true),
    ApiKind::new(DRA_GROUP, "v1", "DeviceClass", "deviceclasses", false),
    ApiKind::new(
        DRA_GROUP,
        "v1",
        "ResourceClaimTemplate",
        "resourceclaimtemplates",
        true,
    ),
    ApiKind::new(DRA_GROUP, "v1", "ResourceClaim", "resourceclaims", true),
    ApiKind::new(DRA_GROUP, "v1", "ResourceSlice", "resourceslices", false),
    ApiKind::new("", "v1", "LimitRange", "limitranges", true),
    ApiKind::new("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", false),
];

const CONFIG_MAP: ApiKind = ApiKind::new("", "v1", "ConfigMap", "configmaps", true);

const DEPLOYMENT: ApiKind = ApiKind::new("apps", "v1", "Deployment", "deployments", true);

/// Namespaces, listed only for shell completion.
const NAMESPACE: ApiKind = ApiKind::new("", "v1", "Namespace", "namespaces", false);

/// Kueue's Workloads, listed on their own for shell completion.
const WORKLOAD: ApiKind = KINDS[4];

/// The outcome of one list or get, after retries.
enum Fetched<T> {
    Objects(T),
    /// 403: the credentials may not read the resource.
    Forbidden,
    /// 404: the apiserver does not serve the resource, or the object does not exist.
    NotFound,
}

impl Cluster {
    /// Builds a client from the kubeconfig and context, as kubectl does. Nothing is sent to
    /// the cluster yet.
    pub async fn connect(options: &ConnectOptions) -> Result<Self, LiveError> {
        let kube_options = KubeConfigOptions {
            context: options.context.clone(),
            ..KubeConfigOptions::default()
        };
        let (mut config, context) = match &options.kubeconfig {
            Some(path) => load_kubeconfig_file(path, &kube_options).await?,
            None => load_default_config(&kube_options).await?,
        };

        // kube 5's default policy retries 429, 503 and 504 up to 15 times, with backoffs of up
        // to 1000 s. This reader retries on its own instead, at most `MAX_RETRIES` times.
        config.default_retry = false;
        // Each whole request is bounded in `send`, which reports a timeout as such. Only the
        // connection gets its own limit, so that an unanswered dial fails as unreachable.
        if let Some(timeout) = options.request_timeout {
            config.connect_timeout = Some(timeout);
        }
        if options.impersonate.is_some() {
            config
                .auth_info
                .impersonate
                .clone_from(&options.impersonate);
        }
        if !options.impersonate_groups.is_empty() {
            config.auth_info.impersonate_groups = Some(options.impersonate_groups.clone());
        }

        let server = config.cluster_url.to_string();
        let namespace = config.default_namespace.clone();
        let client = Client::try_from(config).map_err(|source| LiveError::Client {
            context: context.clone(),
            source,
        })?;
        Ok(Self {
            client,
            context,
            server: server.trim_end_matches('/').to_owned(),
            namespace,
            request_timeout: options.request_timeout,
        })
    }

    /// Returns the kubeconfig context in use.
    #[must_use]
    pub fn context(&self) -> &str {
        &self.context
    }

    /// Returns the server URL of the context.
    #[must_use]
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Returns the context's namespace, or `default` when the context sets none, as kubectl
    /// uses it without `-n`.
    #[must_use]
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Lists the names of the cluster's namespaces, sorted, from one page of at most
    /// [`DEFAULT_PAGE_SIZE`]. Shell completion offers them for `-n`.
    ///
    /// Credentials that may not list namespaces give an empty list rather than an error.
    pub async fn namespace_names(&self) -> Result<Vec<String>, LiveError> {
        let api: Api<DynamicObject> = Api::all_with(self.client.clone(), &NAMESPACE.api_resource());
        self.names(&NAMESPACE, &api).await
    }

    /// Lists the names of the Workloads in `namespace`, or in the context's namespace, sorted,
    /// from one page of at most [`DEFAULT_PAGE_SIZE`]. Shell completion offers them for
    /// `explain NAME`.
    ///
    /// Credentials that may not list Workloads give an empty list rather than an error.
    pub async fn workload_names(&self, namespace: Option<&str>) -> Result<Vec<String>, LiveError> {
        let namespace = namespace.unwrap_or(&self.namespace);
        let api: Api<DynamicObject> =
            Api::namespaced_with(self.client.clone(), namespace, &WORKLOAD.api_resource());
        self.names(&WORKLOAD, &api).await
    }

    /// Lists the names of one page of `kind`, sorted; a forbidden or missing kind gives none.
    async fn names(
        &self,
        kind: &ApiKind,
        api: &Api<DynamicObject>,
    ) -> Result<Vec<String>, LiveError> {
        let params = ListParams::default().limit(DEFAULT_PAGE_SIZE);
        let Fetched::Objects(list) = self.send(kind, || api.list_metadata(&params)).await? else {
            return Ok(Vec::new());
        };

        let mut names: Vec<String> = list
            .items
            .into_iter()
            .filter_map(|object| object.metadata.name)
            .collect();
        names.sort();
        Ok(names)
    }

    /// Lists every kind the loader uses and gets Kueue's ConfigMap, at once or one after
    /// another as `options.listing` sets, and adds them to `loader`. Gets Kueue's controller
    /// Deployment too and returns its manager container, from which the caller reads the
    /// Kueue release and feature gates.
    ///
    /// A kind the credentials may not read is skipped with a warning that names the RBAC rule
    /// that would allow it. Kueue's API group not being served is an error, as is any other
    /// failed request once its retries are spent.
    pub async fn read_into(
        &self,
        loader: &mut Loader,
        options: &ReadOptions,
    ) -> Result<ControllerLookup, LiveError> {
        let config_map = async {
            if options.read_configuration {
                self.get_config_map(&options.kueue_namespace)
                    .await
                    .map(Some)
            } else {
                Ok(None)
            }
        };
        let deployment = self.get_controller(&options.kueue_namespace);
        let (lists, config_map, deployment) = match options.listing {
            Listing::Concurrent => {
                let lists = join_all(KINDS.iter().map(|kind| self.list_all(kind, options)));
                futures::join!(lists, config_map, deployment)
            }
            Listing::Sequential => {
                let mut lists = Vec::with_capacity(KINDS.len());
                for kind in &KINDS {
                    lists.push(self.list_all(kind, options).await);
                }
                (lists, config_map.await, deployment.await)
            }
        };

        // Report an unreachable server first: every request fails the same way then.
        let mut results: Vec<_> = KINDS.iter().zip(lists).collect();
        let unreachable = results
            .iter()
            .position(|(_, result)| matches!(result, Err(LiveError::Unreachable { .. })));
        if let Some(index) = unreachable {
            results.swap_remove(index).1?;
        }

        for (kind, result) in results {
            match result? {
                Fetched::Objects(items) => self.add_items(loader, kind, items)?,
                Fetched::Forbidden => {
                    loader.add_warning(self.forbidden_warning(kind));
                    loader.add_workload_note(format!(
                        "the credentials may not list {} in context `{}`, so this explanation \
                         may be partial",
                        kind.resource(),
                        self.context
                    ));
                }
                Fetched::NotFound if kind.group == KUEUE_GROUP => {
                    return Err(LiveError::KueueNotInstalled {
                        context: self.context.clone(),
                        resource: kind.plural.to_owned(),
                    });
                }
                Fetched::NotFound => loader.add_warning(format!(
                    "context `{}`: skipped {}: the apiserver does not serve `{}`",
                    self.context,
                    kind.resource(),
                    kind.api_version()
                )),
            }
        }

        match config_map? {
            None => {}
            Some(Fetched::Objects(object)) => {
                let origin = self.origin(&CONFIG_MAP, None);
                loader.add_value(origin, object)?;
            }
            Some(Fetched::Forbidden) => loader.add_warning(format!(
                "context `{}`: cannot get ConfigMap {}/{KUEUE_CONFIG_MAP}: 403 Forbidden; \
                 Kueue's default Configuration is used; grant the credentials an RBAC rule with \
                 verb `get` on `configmaps` in namespace `{}`, or pass --config",
                self.context, options.kueue_namespace, options.kueue_namespace
            )),
            Some(Fetched::NotFound) => loader.add_warning(format!(
                "context `{}`: ConfigMap {}/{KUEUE_CONFIG_MAP} not found: Kueue's default \
                 Configuration is used; pass --kueue-namespace if Kueue is installed elsewhere",
                self.context, options.kueue_namespace
            )),
        }
        deployment
    }

    /// Gets Kueue's controller Deployment and finds its manager container. A Deployment
    /// that cannot be read is not an error: the caller falls back to the default release.
    async fn get_controller(&self, namespace: &str) -> Result<ControllerLookup, LiveError> {
        let api: Api<DynamicObject> =
            Api::namespaced_with(self.client.clone(), namespace, &DEPLOYMENT.api_resource());
        let name = format!("Deployment {namespace}/{KUEUE_DEPLOYMENT}");
        let fetched = self.send(&DEPLOYMENT, || api.get(KUEUE_DEPLOYMENT)).await?;
        let deployment = match fetched {
            Fetched::Objects(object) => object_value(&DEPLOYMENT, &object),
            Fetched::Forbidden => {
                return Ok(ControllerLookup::Unavailable(format!(
                    "cannot get {name}: 403 Forbidden; grant the credentials an RBAC rule with \
                     verb `get` on `deployments.apps` in namespace `{namespace}`"
                )));
            }
            Fetched::NotFound => {
                return Ok(ControllerLookup::Unavailable(format!(
                    "{name} not found; pass --kueue-namespace if Kueue is installed elsewhere"
                )));
            }
        };
        Ok(match ManagerContainer::from_deployment(&deployment) {
            Some(container) => ControllerLookup::Found {
                namespace: namespace.to_owned(),
                container,
            },
            None => {
                ControllerLookup::Unavailable(format!("{name} has no container named `manager`"))
            }
        })
    }

    /// Lists every page of `kind`, restarting once if the `continue` token expires.
    async fn list_all(
        &self,
        kind: &ApiKind,
        options: &ReadOptions,
    ) -> Result<Fetched<Vec<Value>>, LiveError> {
        let resource = kind.api_resource();
        let api: Api<DynamicObject> = match (&options.namespace, kind.namespaced) {
            (Some(namespace), true) => {
                Api::namespaced_with(self.client.clone(), namespace, &resource)
            }
            _ => Api::all_with(self.client.clone(), &resource),
        };

        let mut restarted = false;
        let mut items = Vec::new();
        let mut continue_token: Option<String> = None;
        loop {
            let mut params = ListParams {
                limit: Some(options.page_size),
                continue_token: continue_token.clone(),
                ..ListParams::default()
            };
            if kind.kind == "Workload" {
                params
                    .label_selector
                    .clone_from(&options.workload_label_selector);
                params
                    .field_selector
                    .clone_from(&options.workload_field_selector);
            }
            tracing::debug!(
                resource = %kind.resource(),
                namespace = options.namespace.as_deref().filter(|_| kind.namespaced),
                continue_token = continue_token.is_some(),
                "listing page"
            );
            // NOTE: the next page is requested only after this one is decoded, so with either
            // `Listing` the waits for the pages of one kind do not overlap the decoding.
            let page = match self.send(kind, || api.list(&params)).await {
                Ok(Fetched::Objects(page)) => page,
                Ok(Fetched::Forbidden) => return Ok(Fetched::Forbidden),
                Ok(Fetched::NotFound) => return Ok(Fetched::NotFound),
                // The token expired (410 Gone): the server no longer keeps that snapshot, so
                // start over once from the first page rather than mix two snapshots.
                Err(LiveError::Status { code: 410, .. })
                    if continue_token.is_some() && !restarted =>
                {
                    restarted = true;
                    items.clear();
                    continue_token = None;
                    continue;
                }
                Err(error) => return Err(error),
            };

            for object in page.items {
                items.push(object_value(kind, &object));
            }
            match page.metadata.continue_.filter(|token| !token.is_empty()) {
                Some(token) => continue_token = Some(token),
                None => return Ok(Fetched::Objects(items)),
            }
        }
    }

    /// Gets Kueue's ConfigMap from its namespace.
    async fn get_config_map(&self, namespace: &str) -> Result<Fetched<Value>, LiveError> {
        let api: Api<DynamicObject> =
            Api::namespaced_with(self.client.clone(), namespace, &CONFIG_MAP.api_resource());
        let fetched = self.send(&CONFIG_MAP, || api.get(KUEUE_CONFIG_MAP)).await?;
        Ok(match fetched {
            Fetched::Objects(object) => Fetched::Objects(object_value(&CONFIG_MAP, &object)),
            Fetched::Forbidden => Fetched::Forbidden,
            Fetched::NotFound => Fetched::NotFound,
        })
    }

    /// Sends one request, retrying 429 and 5xx statuses with a short backoff, and sorts the
    /// outcome into objects, 403, 404 or an error.
    async fn send<T, F, Fut>(&self, kind: &ApiKind, request: F) -> Result<Fetched<T>, LiveError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, kube::Error>>,
    {
        let mut backoff = FIRST_BACKOFF;
        let mut retries = 0;
        loop {
            let result = match self.request_timeout {
                Some(timeout) => tokio::time::timeout(timeout, request())
                    .await
                    .map_err(|_| LiveError::TimedOut {
                        context: self.context.clone(),
                        server: self.server.clone(),
                        resource: kind.resource(),
                        timeout,
                    })?,
                None => request().await,
            };
            let error = match result {
                Ok(value) => return Ok(Fetched::Objects(value)),
                Err(error) => error,
            };

            match status_code(&error) {
                Some(403) => return Ok(Fetched::Forbidden),
                Some(404) => return Ok(Fetched::NotFound),
                Some(code) if (code == 429 || code >= 500) && retries < MAX_RETRIES => {
                    retries += 1;
                    let wait =
                        retry_after(&error).map_or(backoff, |wait| wait.min(MAX_RETRY_AFTER));
                    tracing::info!(
                        resource = %kind.resource(),
                        status = code,
                        retry = retries,
                        max_retries = MAX_RETRIES,
                        wait_ms = wait.as_millis(),
                        "retrying request"
                    );
                    tokio::time::sleep(wait).await;
                    backoff *= 2;
                }
                Some(code) => {
                    let kube::Error::Api(status) = error else {
                        unreachable!("only an API error has a status code");
                    };
                    return Err(LiveError::Status {
                        context: self.context.clone(),
                        resource: kind.resource(),
                        code,
                        reason: status.reason,
                        message: status.message,
                    });
                }
                None => {
                    return Err(LiveError::Unreachable {
                        context: self.context.clone(),
                        server: self.server.clone(),
                        source: error,
                    });
                }
            }
        }
    }

    fn add_items(
        &self,
        loader: &mut Loader,
        kind: &ApiKind,
        items: Vec<Value>,
    ) -> Result<(), LiveError> {
        for (index, item) in items.into_iter().enumerate() {
            loader.add_value(self.origin(kind, Some(index)), item)?;
        }
        Ok(())
    }

    fn origin(&self, kind: &ApiKind, item: Option<usize>) -> Origin {
        Origin {
            file: format!("context `{}`, {}", self.context, kind.resource()),
            document: None,
            item,
        }
    }

    fn forbidden_warning(&self, kind: &ApiKind) -> String {
        format!(
            "context `{}`: skipped every {}: 403 Forbidden; grant the credentials an RBAC rule \
             with verbs `get,list` on `{}` to include them",
            self.context,
            kind.kind,
            kind.resource()
        )
    }
}

/// Reads the one kubeconfig file given with `--kubeconfig`.
async fn load_kubeconfig_file(
    path: &Path,
    options: &KubeConfigOptions,
) -> Result<(Config, String), LiveError> {
    let source_name = format!("`{}`", path.display());
    let invalid = |source| LiveError::Kubeconfig {
        source_name: source_name.clone(),
        source,
    };
    let kubeconfig = Kubeconfig::read_from(path).map_err(invalid)?;
    let context = context_name(&kubeconfig, options);
    let config = Config::from_custom_kubeconfig(kubeconfig, options)
        .await
        .map_err(invalid)?;
    Ok((config, context))
}

/// Reads `KUBECONFIG` or `~/.kube/config` as kube merges them, or else the Pod's service
/// account.
async fn load_default_config(options: &KubeConfigOptions) -> Result<(Config, String), LiveError> {
    let invalid = |source| LiveError::Kubeconfig {
        source_name: "from KUBECONFIG or ~/.kube/config".to_owned(),
        source,
    };
    match Kubeconfig::read() {
        Ok(kubeconfig) => {
            let context = context_name(&kubeconfig, options);
            let config = Config::from_custom_kubeconfig(kubeconfig, options)
                .await
                .map_err(invalid)?;
            Ok((config, context))
        }
        // With no kubeconfig at all, a Pod still has its service account, as kubectl uses it.
        Err(_) if options.context.is_none() => {
            let config = Config::infer()
                .await
                .map_err(|source| LiveError::NoConfiguration { source })?;
            Ok((config, "in-cluster".to_owned()))
        }
        Err(source) => Err(invalid(source)),
    }
}

/// Returns the context names of the kubeconfig that kubectl would read, sorted: `kubeconfig`,
/// or else `KUBECONFIG` (a list of files, merged) or `~/.kube/config`. Shell completion
/// offers them for `--context`.
pub fn context_names(kubeconfig: Option<&Path>) -> Result<Vec<String>, LiveError> {
    let (kubeconfig, source_name) = match kubeconfig {
        Some(path) => (Kubeconfig::read_from(path), format!("`{}`", path.display())),
        None => (
            Kubeconfig::read(),
            "from KUBECONFIG or ~/.kube/config".to_owned(),
        ),
    };
    let kubeconfig = kubeconfig.map_err(|source| LiveError::Kubeconfig {
        source_name,
        source,
    })?;

    let mut names: Vec<String> = kubeconfig
        .contexts
        .into_iter()
        .map(|context| context.name)
        .collect();
    names.sort();
    Ok(names)
}

/// Returns the context `options` selects: `--context`, or else the kubeconfig's current context.
fn context_name(kubeconfig: &Kubeconfig, options: &KubeConfigOptions) -> String {
    options
        .context
        .clone()
        .or_else(|| kubeconfig.current_context.clone())
        .unwrap_or_default()
}

/// Returns what to do about a status, as a clause to append to its message.
fn status_hint(code: u16) -> &'static str {
    match code {
        401 => {
            "; the credentials of the context were not accepted: log in again or renew the token"
        }
        429 | 500.. => "; the apiserver is overloaded or failing: retry later",
        _ => "",
    }
}

/// Returns the wait the apiserver asked for in its `Status` (`details.retryAfterSeconds`,
/// which it sets with the `Retry-After` header of a 429 or 503).
fn retry_after(error: &kube::Error) -> Option<Duration> {
    match error {
        kube::Error::Api(status) => status
            .details
            .as_ref()
            .map(|details| details.retry_after_seconds)
            .filter(|seconds| *seconds > 0)
            .map(|seconds| Duration::from_secs(u64::from(seconds))),
        _ => None,
    }
}

/// Returns the HTTP status of an error the apiserver returned; `None` when no response arrived.
fn status_code(error: &kube::Error) -> Option<u16> {
    match error {
        kube::Error::Api(status) => Some(status.code),
        _ => None,
    }
}

/// Turns a listed object into the JSON the file loader reads. List items carry no
/// `apiVersion` or `kind`, so they are set from the kind listed.
fn object_value(kind: &ApiKind, object: &DynamicObject) -> Value {
    let mut value = serde_json::to_value(object).unwrap_or(Value::Null);
    if let Some(fields) = value.as_object_mut() {
        fields.insert("apiVersion".to_owned(), Value::from(kind.api_version()));
        fields.insert("kind".to_owned(), Value::from(kind.kind));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_names_group_unless_core() {
        assert_eq!(KINDS[4].resource(), "workloads.kueue.x-k8s.io");
        assert_eq!(CONFIG_MAP.resource(), "configmaps");
        assert_eq!(CONFIG_MAP.api_version(), "v1");
    }
}
