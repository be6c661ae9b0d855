//! A fake Kubernetes apiserver for the live-cluster tests: served in-process on 127.0.0.1
//! over HTTP, or over HTTPS with client-certificate authentication, and reached by the real
//! binary through a kubeconfig in a temporary directory.
//!
//! It serves what the plugin reads the way the apiserver does: `/version`, lists with
//! `limit`, `continue`, `labelSelector` and `fieldSelector`, gets, `resourceVersion`s, and
//! `Status` errors. Tests inject faults per resource, require a bearer token, enforce RBAC
//! rules, and read back the log of every request.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair,
};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::harness::{self, Output};

/// The bearer token of the kubeconfig [`Kubeconfig::new`] writes.
pub const TOKEN: &str = "kdra-test-token-5f0c2b9e";

/// A failure the fake apiserver returns for one resource, once.
#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// The next request for the resource gets this status.
    Status(u16),
    /// The next request gets 429 with `retryAfterSeconds` in the `Status` details and the
    /// `Retry-After` header, as the apiserver's priority and fairness filter sends it.
    Throttle { retry_after_seconds: u32 },
    /// The next request with a `continue` token gets 410 Gone, as when the token expired.
    GoneOnContinue,
    /// The next request gets no response for a minute.
    Hang,
    /// The next request gets its normal response after this many milliseconds.
    Slow(u64),
}

/// One request the fake apiserver received.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: Method,
    pub path: String,
    pub query: HashMap<String, String>,
    /// The values of each header, by lower-case name.
    pub headers: HashMap<String, Vec<String>>,
}

/// An RBAC rule of the fake apiserver's one user: verbs on resources of an API group.
#[derive(Clone, Debug)]
pub struct Rule {
    pub group: String,
    pub resources: Vec<String>,
    pub verbs: Vec<String>,
    /// The object names the rule is limited to; empty for every object.
    pub resource_names: Vec<String>,
}

/// What the fake apiserver serves, and what it was asked.
#[derive(Default)]
pub struct Cluster {
    pub objects: Vec<Value>,
    /// Resources (plurals) that always return 403 Forbidden.
    pub forbidden: HashSet<String>,
    /// Faults per resource (plural), returned in order.
    pub faults: HashMap<String, VecDeque<Fault>>,
    /// API groups the apiserver does not serve, such as `kueue.x-k8s.io` before Kueue is
    /// installed.
    pub missing_groups: HashSet<String>,
    /// The maximum number of items in one page, whatever the client's `limit`, because an
    /// apiserver may return fewer items than requested.
    pub max_page: usize,
    /// The bearer token every request must carry; `None` accepts any request, as when TLS
    /// client certificates authenticate.
    pub token: Option<String>,
    /// The RBAC rules of the user; `None` allows everything, and otherwise a request no rule
    /// allows gets 403 Forbidden.
    pub rules: Option<Vec<Rule>>,
    /// The log of every request received, in order.
    pub requests: Vec<Request>,
    /// The `gitVersion` `/version` reports, such as `v1.33.5`; `None` reports `v1.34.2`.
    pub kubernetes_version: Option<String>,
}

impl Cluster {
    /// Serves `objects` in pages of any size, to any client.
    pub fn with(objects: Vec<Value>) -> Self {
        Self {
            objects,
            max_page: usize::MAX,
            ..Self::default()
        }
    }
}

type Shared = Arc<Mutex<Cluster>>;

/// The certificates of an HTTPS fake apiserver, in PEM.
pub struct Certificates {
    pub certificate_authority: String,
    pub client_certificate: String,
    pub client_key: String,
}

/// A fake apiserver listening on 127.0.0.1, stopped when dropped.
pub struct FakeApiserver {
    cluster: Shared,
    pub url: String,
    /// The certificates of an HTTPS server; `None` for plain HTTP.
    pub certificates: Option<Certificates>,
    /// Keeps the server's threads alive.
    _runtime: tokio::runtime::Runtime,
}

impl FakeApiserver {
    /// Starts a plain HTTP server.
    pub fn start(cluster: Cluster) -> Self {
        Self::start_with(cluster, false)
    }

    /// Starts an HTTPS server that requires a client certificate signed by its own CA.
    pub fn start_tls(cluster: Cluster) -> Self {
        Self::start_with(cluster, true)
    }

    fn start_with(cluster: Cluster, tls: bool) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("the runtime starts");
        let cluster = Arc::new(Mutex::new(cluster));
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("a port on 127.0.0.1 is free");
        let address = listener.local_addr().expect("the listener has an address");
        let router = Router::new()
            .fallback(serve)
            .with_state(Arc::clone(&cluster));

        if !tls {
            runtime.spawn(async move { axum::serve(listener, router).await });
            return Self {
                cluster,
                url: format!("http://{address}"),
                certificates: None,
                _runtime: runtime,
            };
        }

        let (server_config, certificates) = tls_config();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server_config));
        runtime.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let acceptor = acceptor.clone();
                let router = router.clone();
                tokio::spawn(async move {
                    // A client without a valid certificate fails the handshake here.
                    let Ok(stream) = acceptor.accept(stream).await else {
                        return;
                    };
                    let service = hyper_util::service::TowerToHyperService::new(router);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            cluster,
            url: format!("https://{address}"),
            certificates: Some(certificates),
            _runtime: runtime,
        }
    }

    pub fn requests(&self) -> Vec<Request> {
        lock(&self.cluster).requests.clone()
    }

    /// Returns the requests for one resource, such as `workloads`, or for one object name.
    pub fn requests_for(&self, plural: &str) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|request| request.path.ends_with(&format!("/{plural}")))
            .collect()
    }
}

/// Builds a CA, a server certificate for 127.0.0.1 and a client certificate, and the rustls
/// configuration that serves the first and requires the second.
fn tls_config() -> (rustls::ServerConfig, Certificates) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "fake-apiserver-ca");
    let ca_key = KeyPair::generate().expect("a CA key");
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).expect("the CA certificate");

    let mut server_params =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .expect("server parameters");
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_key = KeyPair::generate().expect("a server key");
    let server_certificate = server_params
        .signed_by(&server_key, &ca)
        .expect("the server certificate");

    let mut client_params = CertificateParams::new(Vec::<String>::new()).expect("parameters");
    client_params
        .distinguished_name
        .push(DnType::CommonName, "kueue-dra-reader");
    client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client_key = KeyPair::generate().expect("a client key");
    let client_certificate = client_params
        .signed_by(&client_key, &ca)
        .expect("the client certificate");

    // kube's client in this workspace uses the same ring provider. rustls 0.23.48 deprecates
    // it because it has no post-quantum key exchange, which these tests do not need.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.der().clone()).expect("the CA is a valid root");
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        Arc::clone(&provider),
    )
    .build()
    .expect("the client verifier");
    let server_key_der =
        rustls::pki_types::PrivateKeyDer::try_from(server_key.serialize_der()).expect("a DER key");
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![server_certificate.der().clone()], server_key_der)
        .expect("the server certificate and key match");

    let certificates = Certificates {
        certificate_authority: ca.pem(),
        client_certificate: client_certificate.pem(),
        client_key: client_key.serialize_pem(),
    };
    (config, certificates)
}

fn lock(cluster: &Shared) -> std::sync::MutexGuard<'_, Cluster> {
    cluster.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Serves every request as an apiserver would: a list, one object, or a `Status`.
async fn serve(
    State(cluster): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    // The request is logged before any delay, so that a hanging request is in the log too.
    record(&cluster, &method, &uri, &headers);
    match take_delay(&cluster, &uri) {
        Some(Fault::Hang) => {
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            return status(504, "Timeout", "the fake apiserver hung");
        }
        Some(Fault::Slow(millis)) => {
            tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
        }
        _ => {}
    }
    respond(&cluster, &method, &uri, &headers)
}

/// Removes a [`Fault::Hang`] or [`Fault::Slow`] for the requested resource, if it is the
/// next fault, and returns it.
fn take_delay(cluster: &Shared, uri: &Uri) -> Option<Fault> {
    let target = Target::parse(uri.path())?;
    let mut cluster = lock(cluster);
    let faults = cluster.faults.get_mut(&target.plural)?;
    let fault = faults.front().copied()?;
    if matches!(fault, Fault::Hang | Fault::Slow(_)) {
        faults.pop_front();
        return Some(fault);
    }
    None
}

/// Adds a request to the log.
fn record(cluster: &Shared, method: &Method, uri: &Uri, headers: &HeaderMap) {
    let mut header_values: HashMap<String, Vec<String>> = HashMap::new();
    for (name, value) in headers {
        header_values
            .entry(name.as_str().to_owned())
            .or_default()
            .push(value.to_str().unwrap_or_default().to_owned());
    }
    lock(cluster).requests.push(Request {
        method: method.clone(),
        path: uri.path().to_owned(),
        query: parse_query(uri),
        headers: header_values,
    });
}

fn parse_query(uri: &Uri) -> HashMap<String, String> {
    uri.query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| (key.to_owned(), percent_decode(value)))
        .collect()
}

/// Builds the response to a request.
fn respond(cluster: &Shared, method: &Method, uri: &Uri, headers: &HeaderMap) -> Response {
    let query = parse_query(uri);
    let mut cluster = lock(cluster);
    let is_get = *method == Method::GET;

    if let Some(token) = &cluster.token {
        let expected = format!("Bearer {token}");
        let authorization = headers
            .get("authorization")
            .and_then(|value| value.to_str().ok());
        if authorization != Some(expected.as_str()) {
            return status(401, "Unauthorized", "Unauthorized");
        }
    }
    if !is_get {
        return status(405, "MethodNotAllowed", "the fake apiserver only reads");
    }
    if uri.path() == "/version" {
        return Json(version_info(cluster.kubernetes_version.as_deref())).into_response();
    }
    if uri.path() == "/apis" {
        return Json(api_groups(&cluster.missing_groups)).into_response();
    }

    let Some(target) = Target::parse(uri.path()) else {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
    };
    let group = target
        .group_version
        .rsplit_once('/')
        .map_or("", |(group, _)| group);
    if cluster.missing_groups.contains(group) {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
    }
    let verb = if target.name.is_some() { "get" } else { "list" };
    let allowed = cluster
        .rules
        .as_ref()
        .is_none_or(|rules| rules.iter().any(|rule| rule.allows(verb, group, &target)));
    if cluster.forbidden.contains(&target.plural) || !allowed {
        let message = format!(
            "{}: User \"kueue-dra-reader\" cannot {verb} resource \"{}\" in API group \"{group}\"",
            target.plural, target.plural
        );
        return status(403, "Forbidden", &message);
    }

    let has_continue = query.contains_key("continue");
    if let Some(response) = take_fault(&mut cluster, &target.plural, has_continue) {
        return response;
    }
    serve_objects(&cluster, &target, &query)
}

/// Builds the `/version` document for a `gitVersion` such as `v1.33.5`.
fn version_info(git_version: Option<&str>) -> Value {
    let git_version = git_version.unwrap_or("v1.34.2");
    let mut numbers = git_version.trim_start_matches('v').split('.');
    let major = numbers.next().unwrap_or_default();
    let minor = numbers.next().unwrap_or_default();
    json!({"major": major, "minor": minor, "gitVersion": git_version})
}

/// Builds the `/apis` discovery document: the API groups the plugin reads, except those in
/// `missing`.
fn api_groups(missing: &HashSet<String>) -> Value {
    let served = [
        ("apps", "v1"),
        ("kueue.x-k8s.io", "v1beta2"),
        ("node.k8s.io", "v1"),
        ("resource.k8s.io", "v1"),
    ];
    let groups: Vec<Value> = served
        .iter()
        .filter(|(group, _)| !missing.contains(*group))
        .map(|(group, version)| {
            let group_version =
                json!({"groupVersion": format!("{group}/{version}"), "version": version});
            json!({"name": group, "versions": [group_version], "preferredVersion": group_version})
        })
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// Removes the next injected fault for `plural` and returns its response, if it applies.
fn take_fault(cluster: &mut Cluster, plural: &str, has_continue: bool) -> Option<Response> {
    let faults = cluster.faults.get_mut(plural)?;
    let response = match faults.front().copied()? {
        Fault::Status(code) => status(code, reason_of(code), "injected by the test"),
        Fault::Throttle {
            retry_after_seconds,
        } => throttled(retry_after_seconds),
        Fault::GoneOnContinue if has_continue => {
            status(410, "Expired", "the provided continue parameter is too old")
        }
        Fault::GoneOnContinue | Fault::Hang | Fault::Slow(_) => return None,
    };
    faults.pop_front();
    Some(response)
}

/// Serves one object or a page of a list, after the label and field selectors.
fn serve_objects(cluster: &Cluster, target: &Target, query: &HashMap<String, String>) -> Response {
    let selectors = match Selectors::parse(query) {
        Ok(selectors) => selectors,
        Err(message) => return status(400, "BadRequest", &message),
    };
    let matching: Vec<Value> = cluster
        .objects
        .iter()
        .enumerate()
        .filter(|(_, object)| target.matches(object))
        .filter(|(_, object)| selectors.matches(object))
        .map(|(index, object)| with_resource_version(object, index))
        .collect();
    if target.name.is_some() {
        return match matching.into_iter().next() {
            Some(object) => Json(object).into_response(),
            None => status(404, "NotFound", "not found"),
        };
    }

    let start: usize = query
        .get("continue")
        .map_or(0, |token| token.parse().expect("the token is ours"));
    let limit: usize = query.get("limit").map_or(usize::MAX, |limit| {
        limit.parse().expect("limit is a number")
    });
    let end = matching.len().min(start + limit.min(cluster.max_page));
    let continue_token = if end < matching.len() {
        end.to_string()
    } else {
        String::new()
    };
    let items: Vec<Value> = matching[start..end]
        .iter()
        .cloned()
        .map(strip_type)
        .collect();
    Json(json!({
        "apiVersion": target.group_version,
        "kind": "List",
        "metadata": {
            "resourceVersion": list_resource_version(cluster.objects.len()),
            "continue": continue_token,
        },
        "items": items,
    }))
    .into_response()
}

impl Rule {
    /// Returns whether the rule allows `verb` on the target, as RBAC matches rules: `*`
    /// matches any group, resource or verb.
    fn allows(&self, verb: &str, group: &str, target: &Target) -> bool {
        let any_or = |values: &[String], wanted: &str| {
            values.iter().any(|value| value == "*" || value == wanted)
        };
        let name_allowed = self.resource_names.is_empty()
            || target
                .name
                .as_ref()
                .is_some_and(|name| self.resource_names.contains(name));
        any_or(&self.verbs, verb)
            && (self.group == "*" || self.group == group)
            && any_or(&self.resources, &target.plural)
            && name_allowed
    }
}

/// The label and field selectors of a list request: `key=value`, `key==value`,
/// `key!=value`, `key in (a,b)`, `key notin (a,b)`, `key` and `!key` for labels, and
/// `metadata.name` and `metadata.namespace` with `=`, `==` and `!=` for fields.
#[derive(Default)]
struct Selectors {
    labels: Vec<(String, Operator)>,
    fields: Vec<(String, Operator)>,
}

enum Operator {
    Equals(String),
    NotEquals(String),
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    DoesNotExist,
}

impl Selectors {
    fn parse(query: &HashMap<String, String>) -> Result<Self, String> {
        let mut selectors = Self::default();
        if let Some(text) = query.get("labelSelector").filter(|text| !text.is_empty()) {
            selectors.labels = parse_requirements(text, true)?;
        }
        if let Some(text) = query.get("fieldSelector").filter(|text| !text.is_empty()) {
            selectors.fields = parse_requirements(text, false)?;
            for (field, _) in &selectors.fields {
                if field != "metadata.name" && field != "metadata.namespace" {
                    return Err(format!("field label not supported: {field}"));
                }
            }
        }
        Ok(selectors)
    }

    fn matches(&self, object: &Value) -> bool {
        let metadata = &object["metadata"];
        let labels: BTreeMap<String, String> =
            serde_json::from_value(metadata["labels"].clone()).unwrap_or_default();
        let labels_match = self
            .labels
            .iter()
            .all(|(key, operator)| operator.matches(labels.get(key).map(String::as_str)));
        let fields_match = self.fields.iter().all(|(field, operator)| {
            let value = match field.as_str() {
                "metadata.name" => metadata["name"].as_str(),
                _ => metadata["namespace"].as_str(),
            };
            // A field always exists; an empty namespace is a cluster-scoped object.
            operator.matches(Some(value.unwrap_or_default()))
        });
        labels_match && fields_match
    }
}

impl Operator {
    fn matches(&self, value: Option<&str>) -> bool {
        match self {
            Self::Equals(expected) => value == Some(expected.as_str()),
            Self::NotEquals(expected) => value != Some(expected.as_str()),
            Self::In(values) => value.is_some_and(|value| values.iter().any(|v| v == value)),
            Self::NotIn(values) => value.is_none_or(|value| values.iter().all(|v| v != value)),
            Self::Exists => value.is_some(),
            Self::DoesNotExist => value.is_none(),
        }
    }
}

fn parse_requirements(text: &str, labels: bool) -> Result<Vec<(String, Operator)>, String> {
    let mut requirements = Vec::new();
    for requirement in split_outside_parentheses(text) {
        let requirement = requirement.trim();
        let set = requirement
            .split_once(" in (")
            .map(|(key, values)| (key, values, true))
            .or_else(|| {
                requirement
                    .split_once(" notin (")
                    .map(|(key, values)| (key, values, false))
            })
            .filter(|_| labels);
        let parsed = if let Some((key, values, is_in)) = set {
            let values: Vec<String> = values
                .trim_end_matches(')')
                .split(',')
                .map(|value| value.trim().to_owned())
                .collect();
            (
                key,
                if is_in {
                    Operator::In(values)
                } else {
                    Operator::NotIn(values)
                },
            )
        } else if let Some((key, value)) = requirement.split_once("!=") {
            (key, Operator::NotEquals(value.trim().to_owned()))
        } else if let Some((key, value)) = requirement
            .split_once("==")
            .or_else(|| requirement.split_once('='))
        {
            (key, Operator::Equals(value.trim().to_owned()))
        } else if let Some(key) = requirement.strip_prefix('!').filter(|_| labels) {
            (key, Operator::DoesNotExist)
        } else if labels && !requirement.contains([' ', '(']) && !requirement.is_empty() {
            (requirement, Operator::Exists)
        } else {
            return Err(format!(
                "the fake apiserver does not support the selector `{requirement}`"
            ));
        };
        requirements.push((parsed.0.trim().to_owned(), parsed.1));
    }
    Ok(requirements)
}

/// Splits a selector at the commas between requirements, not those inside `in (a,b)`.
fn split_outside_parentheses(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0_u32;
    let mut start = 0;
    for (index, character) in text.char_indices() {
        match character {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Decodes a query value: `+` is a space and `%XX` a byte, as in a form-encoded query.
fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => decoded.push(b' '),
            b'%' if index + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        decoded.push(byte);
                        index += 2;
                    }
                    Err(_) => decoded.push(b'%'),
                }
            }
            byte => decoded.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// Returns the `reason` the apiserver writes with a status code.
fn reason_of(code: u16) -> &'static str {
    match code {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        410 => "Expired",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "InternalError",
    }
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
    let code = StatusCode::from_u16(code).expect("a valid status code");
    (code, Json(body)).into_response()
}

/// Builds the 429 response of the apiserver's priority and fairness filter.
fn throttled(retry_after_seconds: u32) -> Response {
    let body = json!({
        "apiVersion": "v1",
        "kind": "Status",
        "status": "Failure",
        "message": "Too many requests, please try again later.",
        "reason": "TooManyRequests",
        "details": {"retryAfterSeconds": retry_after_seconds},
        "code": 429,
    });
    (
        StatusCode::TOO_MANY_REQUESTS,
        [("retry-after", retry_after_seconds.to_string())],
        Json(body),
    )
        .into_response()
}

/// Gives an object without a `resourceVersion` one derived from its place in the store.
fn with_resource_version(object: &Value, index: usize) -> Value {
    let mut object = object.clone();
    if object["metadata"]["resourceVersion"].is_null()
        && let Some(metadata) = object["metadata"].as_object_mut()
    {
        metadata.insert(
            "resourceVersion".to_owned(),
            Value::from((1000 + index).to_string()),
        );
    }
    object
}

/// Returns the `resourceVersion` of a list: newer than every object's.
fn list_resource_version(object_count: usize) -> String {
    (1000 + object_count).to_string()
}

/// List items carry no `apiVersion` or `kind`, as in a real list response.
fn strip_type(mut object: Value) -> Value {
    if let Some(fields) = object.as_object_mut() {
        fields.remove("apiVersion");
        fields.remove("kind");
    }
    object
}

/// Returns the resource (a plural such as `workloads`) that a request path lists or gets, or
/// `None` for discovery and `/version`.
pub fn resource_of(path: &str) -> Option<String> {
    Target::parse(path).map(|target| target.plural)
}

/// The resource a request path names.
struct Target {
    group_version: String,
    namespace: Option<String>,
    plural: String,
    name: Option<String>,
}

impl Target {
    /// Parses `/api/v1/...` or `/apis/<group>/<version>/...`.
    fn parse(path: &str) -> Option<Self> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let (group_version, rest) = match segments.as_slice() {
            ["api", version, rest @ ..] => ((*version).to_owned(), rest),
            ["apis", group, version, rest @ ..] => (format!("{group}/{version}"), rest),
            _ => return None,
        };
        let (namespace, rest) = match rest {
            ["namespaces", namespace, rest @ ..] if !rest.is_empty() => {
                (Some((*namespace).to_owned()), rest)
            }
            _ => (None, rest),
        };
        let (plural, name) = match rest {
            [plural] => ((*plural).to_owned(), None),
            [plural, name] => ((*plural).to_owned(), Some((*name).to_owned())),
            _ => return None,
        };
        Some(Self {
            group_version,
            namespace,
            plural,
            name,
        })
    }

    fn matches(&self, object: &Value) -> bool {
        let metadata = &object["metadata"];
        object["apiVersion"] == self.group_version.as_str()
            && plural(object["kind"].as_str().unwrap_or_default()) == self.plural
            && self
                .namespace
                .as_ref()
                .is_none_or(|namespace| metadata["namespace"] == namespace.as_str())
            && self
                .name
                .as_ref()
                .is_none_or(|name| metadata["name"] == name.as_str())
    }
}

/// Returns the resource name of a kind, as the apiserver spells the kinds these tests serve.
fn plural(kind: &str) -> String {
    let lower = kind.to_lowercase();
    if lower.ends_with('s') {
        format!("{lower}es")
    } else {
        format!("{lower}s")
    }
}

/// A temporary directory with a kubeconfig whose context `fake` points at a fake apiserver.
pub struct Kubeconfig {
    pub dir: TempDir,
}

impl Kubeconfig {
    /// Writes a kubeconfig that authenticates with the bearer token [`TOKEN`].
    pub fn new(server: &str) -> Self {
        Self::write(
            &format!("    server: {server}\n"),
            &format!("    token: {TOKEN}\n"),
        )
    }

    /// Writes a kubeconfig that trusts the server's CA and authenticates with its client
    /// certificate.
    pub fn with_client_certificate(server: &FakeApiserver) -> Self {
        let certificates = server
            .certificates
            .as_ref()
            .expect("the server serves HTTPS");
        let encode = |pem: &str| BASE64.encode(pem.as_bytes());
        let cluster = format!(
            "    server: {}\n    certificate-authority-data: {}\n",
            server.url,
            encode(&certificates.certificate_authority)
        );
        let user = format!(
            "    client-certificate-data: {}\n    client-key-data: {}\n",
            encode(&certificates.client_certificate),
            encode(&certificates.client_key)
        );
        Self::write(&cluster, &user)
    }

    fn write(cluster: &str, user: &str) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let text = format!(
            "\
apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
{cluster}contexts:
- name: fake
  context:
    cluster: fake
    user: fake
    namespace: default
current-context: fake
users:
- name: fake
  user:
{user}"
        );
        std::fs::write(dir.path().join("config"), text).expect("the kubeconfig is written");
        Self { dir }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    /// Writes a kubeconfig with one context per `(name, server)`, each with its own cluster
    /// and the bearer token [`TOKEN`]; the first context is the current one.
    pub fn with_contexts(contexts: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut clusters = String::new();
        let mut context_entries = String::new();
        for (name, server) in contexts {
            let _ = write!(
                clusters,
                "- name: {name}\n  cluster:\n    server: {server}\n"
            );
            let _ = write!(
                context_entries,
                "- name: {name}\n  context:\n    cluster: {name}\n    user: fake\n    \
                 namespace: default\n"
            );
        }
        let current = contexts.first().map_or("", |(name, _)| name);
        let text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n{clusters}contexts:\n{context_entries}\
             current-context: {current}\nusers:\n- name: fake\n  user:\n    token: {TOKEN}\n"
        );
        std::fs::write(dir.path().join("config"), text).expect("the kubeconfig is written");
        Self { dir }
    }
}

/// Runs the plugin against `kubeconfig`, passed both as `--kubeconfig` and as `KUBECONFIG`,
/// with `HOME` in the temporary directory so that no other kubeconfig can be read.
pub fn run_live(kubeconfig: &Kubeconfig, args: &[&str]) -> Output {
    let path = kubeconfig.path();
    let mut command = Command::new(harness::binary());
    command
        .args(args)
        .arg("--kubeconfig")
        .arg(&path)
        .current_dir(harness::repo_root())
        .env("NO_COLOR", "1")
        .env("KUBECONFIG", &path)
        .env("HOME", kubeconfig.dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    harness::wait(command, None)
}
