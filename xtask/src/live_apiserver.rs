//! The local apiserver of the live-mode benchmark: serves the objects of a generated snapshot
//! over plain HTTP on 127.0.0.1, at a port the operating system picks.
//!
//! It handles the requests that `Cluster::read_into` of kueue-dra-cluster sends: lists with
//! `limit` and `continue` (cluster-wide or in one namespace) and gets of one object. It also
//! serves the discovery documents of its kinds. Every request waits a configurable latency first, and
//! the server counts requests and the objects it returns. List items are serialized once at
//! start, so a page costs the server little more than copying bytes.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use axum::Router;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// A resource the server serves: the kinds `Cluster::read_into` lists, and the ConfigMap and
/// Deployment it gets.
#[derive(Clone, Copy, Debug)]
struct Resource {
    /// `v1` for the core group, otherwise `<group>/<version>`.
    api_version: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
}

impl Resource {
    const fn new(
        api_version: &'static str,
        kind: &'static str,
        plural: &'static str,
        namespaced: bool,
    ) -> Self {
        Self {
            api_version,
            kind,
            plural,
            namespaced,
        }
    }
}

/// Every resource the server serves. A kind the snapshot has no objects of is listed empty,
/// as an apiserver that serves the kind does.
const RESOURCES: [Resource; 13] = [
    Resource::new(
        "kueue.x-k8s.io/v1beta2",
        "ResourceFlavor",
        "resourceflavors",
        false,
    ),
    Resource::new("kueue.x-k8s.io/v1beta2", "Cohort", "cohorts", false),
    Resource::new(
        "kueue.x-k8s.io/v1beta2",
        "ClusterQueue",
        "clusterqueues",
        false,
    ),
    Resource::new("kueue.x-k8s.io/v1beta2", "LocalQueue", "localqueues", true),
    Resource::new("kueue.x-k8s.io/v1beta2", "Workload", "workloads", true),
    Resource::new("resource.k8s.io/v1", "DeviceClass", "deviceclasses", false),
    Resource::new(
        "resource.k8s.io/v1",
        "ResourceClaimTemplate",
        "resourceclaimtemplates",
        true,
    ),
    Resource::new(
        "resource.k8s.io/v1",
        "ResourceClaim",
        "resourceclaims",
        true,
    ),
    Resource::new(
        "resource.k8s.io/v1",
        "ResourceSlice",
        "resourceslices",
        false,
    ),
    Resource::new("v1", "LimitRange", "limitranges", true),
    Resource::new("node.k8s.io/v1", "RuntimeClass", "runtimeclasses", false),
    Resource::new("v1", "ConfigMap", "configmaps", true),
    Resource::new("apps/v1", "Deployment", "deployments", true),
];

/// The `resourceVersion` of every list: the store never changes while the server runs.
const RESOURCE_VERSION: &str = "1000";

/// One stored object, serialized without `apiVersion` and `kind`, as list items are.
#[derive(Debug)]
struct StoredObject {
    namespace: Option<String>,
    name: String,
    item: String,
}

/// The objects of each resource, by index into [`RESOURCES`], in the order they were added.
#[derive(Debug)]
pub(crate) struct Store {
    objects: Vec<Vec<StoredObject>>,
}

impl Store {
    /// Sorts `objects` into their resources. An object of a kind the server does not serve is
    /// an error, as is one without `metadata.name`.
    pub(crate) fn new(objects: Vec<Value>) -> Result<Self> {
        let mut store = Self {
            objects: RESOURCES.iter().map(|_| Vec::new()).collect(),
        };
        for (position, mut object) in objects.into_iter().enumerate() {
            let api_version = object["apiVersion"].as_str().unwrap_or_default();
            let kind = object["kind"].as_str().unwrap_or_default();
            let Some(index) = RESOURCES
                .iter()
                .position(|resource| resource.api_version == api_version && resource.kind == kind)
            else {
                bail!(
                    "object {position}: the benchmark apiserver does not serve `{api_version}` `{kind}`"
                );
            };
            let name = object["metadata"]["name"]
                .as_str()
                .with_context(|| format!("object {position} (`{kind}`): missing metadata.name"))?
                .to_owned();
            let namespace = object["metadata"]["namespace"].as_str().map(str::to_owned);
            if let Some(fields) = object.as_object_mut() {
                fields.remove("apiVersion");
                fields.remove("kind");
            }
            store.objects[index].push(StoredObject {
                namespace,
                name,
                item: object.to_string(),
            });
        }
        Ok(store)
    }

    /// Returns the number of stored objects.
    pub(crate) fn len(&self) -> usize {
        self.objects.iter().map(Vec::len).sum()
    }
}

/// A parsed request path: `/api/v1/...` or `/apis/<group>/<version>/...`.
#[derive(Debug, PartialEq, Eq)]
struct Target<'a> {
    api_version: String,
    namespace: Option<&'a str>,
    plural: &'a str,
    name: Option<&'a str>,
}

impl<'a> Target<'a> {
    fn parse(path: &'a str) -> Option<Self> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let (api_version, rest) = match segments.as_slice() {
            ["api", version, rest @ ..] => ((*version).to_owned(), rest),
            ["apis", group, version, rest @ ..] => (format!("{group}/{version}"), rest),
            _ => return None,
        };
        let (namespace, rest) = match rest {
            ["namespaces", namespace, rest @ ..] if !rest.is_empty() => (Some(*namespace), rest),
            _ => (None, rest),
        };
        let (plural, name) = match rest {
            [plural] => (*plural, None),
            [plural, name] => (*plural, Some(*name)),
            _ => return None,
        };
        Some(Self {
            api_version,
            namespace,
            plural,
            name,
        })
    }
}

/// One page of a list: the serialized items and the token of the next page, if any.
#[derive(Debug, PartialEq, Eq)]
struct Page<'a> {
    items: Vec<&'a str>,
    continue_token: Option<String>,
}

/// Cuts one page out of `objects`, as the apiserver pages a list: at most `limit` items
/// (0 or none means all), starting where `continue_token` points. The token is the offset of
/// the next item. The apiserver's tokens are opaque, so clients only pass them back.
fn page<'a>(
    objects: &[&'a StoredObject],
    limit: Option<&str>,
    continue_token: Option<&str>,
) -> Result<Page<'a>, String> {
    let limit = match limit {
        None => 0,
        Some(text) => text
            .parse::<usize>()
            .map_err(|_| format!("invalid limit `{text}`: expected a whole number"))?,
    };
    let start = match continue_token {
        None | Some("") => 0,
        Some(token) => token
            .parse::<usize>()
            .ok()
            .filter(|offset| *offset > 0 && *offset < objects.len())
            .ok_or_else(|| format!("invalid continue token `{token}`"))?,
    };
    let end = if limit == 0 {
        objects.len()
    } else {
        objects.len().min(start.saturating_add(limit))
    };
    Ok(Page {
        items: objects[start..end]
            .iter()
            .map(|object| object.item.as_str())
            .collect(),
        continue_token: (end < objects.len()).then(|| end.to_string()),
    })
}

/// The state of the request handler: the store, the latency and the counters.
#[derive(Debug)]
struct Shared {
    store: Store,
    /// The wait before each response, in microseconds.
    latency_micros: AtomicU64,
    requests: AtomicU64,
    /// The objects returned, counting list items and gotten objects.
    objects_returned: AtomicU64,
}

/// The counters of a running server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counters {
    pub(crate) requests: u64,
    pub(crate) objects: u64,
}

/// A running benchmark apiserver, stopped when dropped.
pub(crate) struct LiveApiserver {
    shared: Arc<Shared>,
    address: SocketAddr,
    /// Runs the server on its own threads, apart from the client under measurement.
    _runtime: tokio::runtime::Runtime,
}

impl LiveApiserver {
    /// Starts serving `store` on 127.0.0.1 at a port the operating system picks.
    pub(crate) fn start(store: Store) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("bench-apiserver")
            .build()
            .context("failed to start the runtime of the benchmark apiserver")?;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .context("failed to bind the benchmark apiserver to 127.0.0.1")?;
        let address = listener
            .local_addr()
            .context("failed to read the address of the benchmark apiserver")?;
        let shared = Arc::new(Shared {
            store,
            latency_micros: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            objects_returned: AtomicU64::new(0),
        });
        let router = Router::new()
            .fallback(serve)
            .with_state(Arc::clone(&shared));
        runtime.spawn(async move {
            if let Err(error) = axum::serve(listener, router).await {
                eprintln!("bench: the benchmark apiserver stopped: {error}");
            }
        });
        Ok(Self {
            shared,
            address,
            _runtime: runtime,
        })
    }

    /// Returns the server's URL, such as `http://127.0.0.1:40123`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Sets the wait before each response from now on.
    pub(crate) fn set_latency(&self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.shared.latency_micros.store(micros, Ordering::Relaxed);
    }

    /// Returns the requests received and the objects returned since the server started.
    pub(crate) fn counters(&self) -> Counters {
        Counters {
            requests: self.shared.requests.load(Ordering::Relaxed),
            objects: self.shared.objects_returned.load(Ordering::Relaxed),
        }
    }

    /// Writes a kubeconfig whose only context, `bench`, points at this server without
    /// credentials.
    pub(crate) fn write_kubeconfig(&self, path: &Path) -> Result<()> {
        if let Some(directory) = path.parent() {
            std::fs::create_dir_all(directory)
                .with_context(|| format!("failed to create `{}`", directory.display()))?;
        }
        let text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: bench\n  cluster:\n    server: {}\n\
             contexts:\n- name: bench\n  context:\n    cluster: bench\n    user: bench\n\
             current-context: bench\nusers:\n- name: bench\n  user: {{}}\n",
            self.url()
        );
        std::fs::write(path, text).with_context(|| format!("failed to write `{}`", path.display()))
    }
}

/// Waits the configured latency, then responds to one request. Error responses are logged,
/// because the reader may skip a resource that fails rather than fail the run.
async fn serve(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    shared.requests.fetch_add(1, Ordering::Relaxed);
    let latency = shared.latency_micros.load(Ordering::Relaxed);
    if latency > 0 {
        tokio::time::sleep(Duration::from_micros(latency)).await;
    }
    if method != Method::GET {
        return status(
            405,
            "MethodNotAllowed",
            "the benchmark apiserver only reads",
        );
    }

    let query = parse_query(uri.query().unwrap_or_default());
    match respond(&shared.store, uri.path(), &query) {
        Ok((body, objects)) => {
            shared
                .objects_returned
                .fetch_add(objects, Ordering::Relaxed);
            ([(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        Err(response) => {
            eprintln!(
                "bench: the benchmark apiserver returned {} for GET {uri}",
                response.status()
            );
            response
        }
    }
}

/// Builds the body of a successful response and the number of objects in it, or the error
/// response.
fn respond(
    store: &Store,
    path: &str,
    query: &BTreeMap<&str, &str>,
) -> Result<(String, u64), Response> {
    if let Some(document) = discovery(path) {
        return Ok((document.to_string(), 0));
    }
    let not_found = || {
        status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
    };
    let target = Target::parse(path).ok_or_else(not_found)?;
    let index = RESOURCES
        .iter()
        .position(|resource| {
            resource.api_version == target.api_version && resource.plural == target.plural
        })
        .ok_or_else(not_found)?;
    let resource = RESOURCES[index];
    if target.namespace.is_some() && !resource.namespaced {
        return Err(not_found());
    }
    let in_scope: Vec<&StoredObject> = store.objects[index]
        .iter()
        .filter(|object| {
            target
                .namespace
                .is_none_or(|namespace| object.namespace.as_deref() == Some(namespace))
        })
        .collect();

    if let Some(name) = target.name {
        let object = in_scope
            .into_iter()
            .find(|object| object.name == name)
            .ok_or_else(|| {
                status(
                    404,
                    "NotFound",
                    &format!("{} \"{name}\" not found", resource.plural),
                )
            })?;
        return Ok((with_type(&resource, &object.item), 1));
    }

    let page = page(
        &in_scope,
        query.get("limit").copied(),
        query.get("continue").copied(),
    )
    .map_err(|message| status(400, "BadRequest", &message))?;
    let count = page.items.len() as u64;
    Ok((list_body(&resource, &page), count))
}

/// Returns the object with `apiVersion` and `kind` put back, as a get returns it.
fn with_type(resource: &Resource, item: &str) -> String {
    let fields = item.strip_prefix('{').unwrap_or(item);
    let separator = if fields.starts_with('}') { "" } else { "," };
    format!(
        "{{\"apiVersion\":\"{}\",\"kind\":\"{}\"{separator}{fields}",
        resource.api_version, resource.kind
    )
}

/// Writes a list response around the page's serialized items.
fn list_body(resource: &Resource, page: &Page<'_>) -> String {
    let mut body = format!(
        "{{\"apiVersion\":\"{}\",\"kind\":\"{}List\",\"metadata\":{{\"resourceVersion\":\"{RESOURCE_VERSION}\"",
        resource.api_version, resource.kind
    );
    body.reserve(page.items.iter().map(|item| item.len() + 1).sum::<usize>() + 100);
    if let Some(token) = &page.continue_token {
        body.push_str(",\"continue\":\"");
        body.push_str(token);
        body.push('"');
    }
    body.push_str("},\"items\":[");
    for (position, item) in page.items.iter().enumerate() {
        if position > 0 {
            body.push(',');
        }
        body.push_str(item);
    }
    body.push_str("]}");
    body
}

/// Returns the discovery document at `path`, if it is one: `/api`, `/apis`, or the
/// resource list of a group version the server serves.
fn discovery(path: &str) -> Option<Value> {
    let path = path.trim_end_matches('/');
    if path == "/api" {
        return Some(json!({"kind": "APIVersions", "versions": ["v1"]}));
    }
    if path == "/apis" {
        let mut group_versions: Vec<&str> = RESOURCES
            .iter()
            .map(|resource| resource.api_version)
            .filter(|api_version| api_version.contains('/'))
            .collect();
        group_versions.dedup();
        let groups: Vec<Value> = group_versions
            .iter()
            .filter_map(|group_version| {
                let (group, version) = group_version.split_once('/')?;
                let entry = json!({"groupVersion": group_version, "version": version});
                Some(json!({"name": group, "versions": [entry], "preferredVersion": entry}))
            })
            .collect();
        return Some(json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}));
    }

    let group_version = path
        .strip_prefix("/api/")
        .or_else(|| path.strip_prefix("/apis/"))?;
    let resources: Vec<Value> = RESOURCES
        .iter()
        .filter(|resource| resource.api_version == group_version)
        .map(|resource| {
            json!({
                "name": resource.plural,
                "singularName": resource.kind.to_lowercase(),
                "namespaced": resource.namespaced,
                "kind": resource.kind,
                "verbs": ["get", "list"],
            })
        })
        .collect();
    if resources.is_empty() {
        return None;
    }
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": resources,
    }))
}

/// Splits a query into its parameters. The values the client sends here (numbers and the
/// server's own tokens) need no percent-decoding.
fn parse_query(query: &str) -> BTreeMap<&str, &str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .collect()
}

/// Builds a Kubernetes `Status` error response.
fn status(code: u16, reason: &str, message: &str) -> Response {
    let body = json!({
        "apiVersion": "v1",
        "kind": "Status",
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    });
    let code = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workload(namespace: &str, name: &str) -> Value {
        json!({
            "apiVersion": "kueue.x-k8s.io/v1beta2",
            "kind": "Workload",
            "metadata": {"namespace": namespace, "name": name},
            "spec": {"queueName": "user-queue"},
        })
    }

    fn store() -> Store {
        let mut objects: Vec<Value> = (0..5)
            .map(|index| workload("team-a", &format!("job-{index}")))
            .collect();
        objects.push(workload("team-b", "job-5"));
        objects.push(json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"namespace": "kueue-system", "name": "kueue-manager-config"},
            "data": {},
        }));
        Store::new(objects).expect("the objects are served")
    }

    fn query(pairs: &[(&'static str, &'static str)]) -> BTreeMap<&'static str, &'static str> {
        pairs.iter().copied().collect()
    }

    fn names(body: &str) -> Vec<String> {
        let list: Value = serde_json::from_str(body).expect("the body is JSON");
        list["items"]
            .as_array()
            .expect("items is a list")
            .iter()
            .map(|item| {
                item["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    }

    const WORKLOADS: &str = "/apis/kueue.x-k8s.io/v1beta2/workloads";

    #[test]
    fn pages_follow_continue_tokens() {
        let store = store();

        let (first, count) =
            respond(&store, WORKLOADS, &query(&[("limit", "4")])).expect("the first page");
        let list: Value = serde_json::from_str(&first).expect("JSON");
        let token = list["metadata"]["continue"].as_str().expect("a token");
        let (second, _) = respond(
            &store,
            WORKLOADS,
            &[("limit", "4"), ("continue", token)].into_iter().collect(),
        )
        .expect("the second page");

        assert_eq!(count, 4);
        assert_eq!(names(&first), ["job-0", "job-1", "job-2", "job-3"]);
        assert_eq!(list["kind"], "WorkloadList");
        assert_eq!(list["apiVersion"], "kueue.x-k8s.io/v1beta2");
        assert_eq!(names(&second), ["job-4", "job-5"]);
        let second: Value = serde_json::from_str(&second).expect("JSON");
        assert!(second["metadata"]["continue"].is_null(), "{second}");
    }

    #[test]
    fn list_without_limit_is_whole() {
        let (body, count) = respond(&store(), WORKLOADS, &query(&[])).expect("the list");
        assert_eq!(count, 6);
        assert_eq!(names(&body).len(), 6);
    }

    #[test]
    fn list_items_have_no_type() {
        let (body, _) = respond(&store(), WORKLOADS, &query(&[])).expect("the list");
        let list: Value = serde_json::from_str(&body).expect("JSON");
        assert!(list["items"][0]["kind"].is_null(), "{body}");
        assert!(list["items"][0]["apiVersion"].is_null(), "{body}");
    }

    #[test]
    fn namespaced_list_filters() {
        let path = "/apis/kueue.x-k8s.io/v1beta2/namespaces/team-b/workloads";
        let (body, _) = respond(&store(), path, &query(&[("limit", "500")])).expect("the list");
        assert_eq!(names(&body), ["job-5"]);
    }

    #[test]
    fn invalid_continue_token_is_bad_request() {
        for token in ["x", "0", "6", "-1"] {
            let response = respond(
                &store(),
                WORKLOADS,
                &[("limit", "2"), ("continue", token)].into_iter().collect(),
            )
            .expect_err("an invalid token");
            assert_eq!(
                response.status(),
                StatusCode::BAD_REQUEST,
                "token `{token}`"
            );
        }
    }

    #[test]
    fn invalid_limit_is_bad_request() {
        let response = respond(&store(), WORKLOADS, &query(&[("limit", "many")]))
            .expect_err("an invalid limit");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn get_returns_typed_object() {
        let path = "/api/v1/namespaces/kueue-system/configmaps/kueue-manager-config";
        let (body, count) = respond(&store(), path, &query(&[])).expect("the ConfigMap");
        let object: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(count, 1);
        assert_eq!(object["kind"], "ConfigMap");
        assert_eq!(object["apiVersion"], "v1");
        assert_eq!(object["metadata"]["name"], "kueue-manager-config");
    }

    #[test]
    fn get_in_other_namespace_is_not_found() {
        let path = "/api/v1/namespaces/default/configmaps/kueue-manager-config";
        let response = respond(&store(), path, &query(&[])).expect_err("no such object");
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn empty_kind_lists_empty() {
        let path = "/apis/kueue.x-k8s.io/v1beta2/cohorts";
        let (body, count) = respond(&store(), path, &query(&[("limit", "500")])).expect("a list");
        assert_eq!(count, 0);
        assert_eq!(names(&body), Vec::<String>::new());
    }

    #[test]
    fn unknown_resource_is_not_found() {
        let path = "/apis/batch/v1/jobs";
        let response = respond(&store(), path, &query(&[])).expect_err("not served");
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn discovery_lists_served_groups() {
        let groups = discovery("/apis").expect("the group list");
        let names: Vec<&str> = groups["groups"]
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|group| group["name"].as_str())
            .collect();
        assert_eq!(
            names,
            ["kueue.x-k8s.io", "resource.k8s.io", "node.k8s.io", "apps"]
        );
        let resources = discovery("/apis/resource.k8s.io/v1").expect("the resource list");
        assert_eq!(resources["resources"].as_array().map(Vec::len), Some(4));
        assert!(discovery("/apis/batch/v1").is_none());
    }

    #[test]
    fn unserved_kind_is_rejected() {
        let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "a"}});
        let error = Store::new(vec![job]).expect_err("a Job is not served");
        assert_eq!(
            error.to_string(),
            "object 0: the benchmark apiserver does not serve `batch/v1` `Job`"
        );
    }
}
