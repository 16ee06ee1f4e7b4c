//! Every operation of the generated Buildkite client on the wire, one short case each.
//!
//! A [`Case`] names the operation by its id, the concrete path it must request and what the
//! loopback server answers. [`Case::run`] sends the call, then checks the one request that
//! arrived against the operation in `generated-client/api.json` (its method, and the path against
//! its template) and against what the case declares (the exact path, query and body). The server
//! answers ANY request, so a wrong path or query fails as a precise assertion, not as an opaque
//! 404. `every_operation_has_a_case` keeps the table complete: an operation added to the API
//! without a case here fails the suite.
//!
//! A new endpoint costs one case of a few lines in `wire/<resource>.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::future::IntoFuture;
use std::sync::OnceLock;

use buildkite_api::{Client, Error};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[allow(unused_macros)]
macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/operations/", $name))
    };
}

/// Each resource's cases, one file each; a file starts with `use super::*;`.
#[path = "wire"]
mod cases {
    #[allow(unused_imports)]
    use super::{Case, Value};
    #[allow(unused_imports)]
    use buildkite_api::types;
    #[allow(unused_imports)]
    use serde_json::json;
    // One line per file of tests/tests/wire/:
    mod agents;
    mod annotations;
    mod artifacts;
    mod builds;
    mod clusters;
    mod jobs;
    mod orgs;
    mod packages;
    mod pipelines;
    mod shapes;
    mod teams;
    mod test_engine;
}

const TOKEN: &str = "test-token";
const API_JSON: &str = include_str!("../../generated-client/api.json");

/// One operation of `api.json`: method and path template.
struct Operation {
    method: String,
    path: String,
    /// Whether the operation sends the token (`security: []` says it needs none).
    secured: bool,
}

/// Every operation of the generated client, by id.
fn operations() -> &'static BTreeMap<String, Operation> {
    static OPS: OnceLock<BTreeMap<String, Operation>> = OnceLock::new();
    OPS.get_or_init(|| {
        let ir: Value = serde_json::from_str(API_JSON).expect("api.json is JSON");
        let mut ops = BTreeMap::new();
        for group in ir["api"]["groups"].as_array().expect("groups") {
            for op in group["operations"].as_array().expect("operations") {
                let id = op["wire_id"].as_str().expect("wire_id").to_string();
                let method = op["http_method"].as_str().expect("http_method").to_string();
                let path = op["path"].as_str().expect("path").to_string();
                let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
                ops.entry(id).or_insert(Operation { method, path, secured });
            }
        }
        ops
    })
}

/// Whether `path` is an instance of `template` (each `{param}` one non-empty segment).
fn matches_template(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter().zip(&p).all(|(t, p)| if t.starts_with('{') && t.ends_with('}') { !p.is_empty() } else { t == p })
}

/// What the server answers.
enum Answer {
    Json(u16, String),
    Empty(u16),
    Text(u16, String),
    Bytes(u16, Vec<u8>),
}

/// The body the request must carry.
enum Sent {
    Nothing,
    Json(Value),
    /// Content type prefix and raw bytes that must appear in the body (multipart, say).
    Contains(&'static str, Vec<u8>),
}

/// One operation called against a loopback server.
pub struct Case {
    id: &'static str,
    path: String,
    query: Vec<(String, String)>,
    sent: Sent,
    answer: Answer,
}

impl Case {
    /// The operation `id` must request exactly `path` (the part after the base URL).
    pub fn new(id: &'static str, path: impl Into<String>) -> Self {
        Case { id, path: path.into(), query: Vec::new(), sent: Sent::Nothing, answer: Answer::Empty(204) }
    }

    /// The exact query the request must carry, as decoded `(name, value)` pairs (order of
    /// distinct names does not matter; values of one name keep their order).
    pub fn query(mut self, pairs: &[(&str, &str)]) -> Self {
        self.query = pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        self
    }

    /// The exact JSON body the request must carry.
    pub fn json(mut self, body: Value) -> Self {
        self.sent = Sent::Json(body);
        self
    }

    /// The request's Content-Type must start with `content_type` and its body contain `needle`.
    pub fn body_contains(mut self, content_type: &'static str, needle: impl Into<Vec<u8>>) -> Self {
        self.sent = Sent::Contains(content_type, needle.into());
        self
    }

    /// The server answers `status` with this JSON text (a fixture, usually).
    pub fn respond(mut self, status: u16, body: &str) -> Self {
        self.answer = Answer::Json(status, body.to_string());
        self
    }

    /// The server answers `status` with this JSON value.
    pub fn respond_json(mut self, status: u16, body: Value) -> Self {
        self.answer = Answer::Json(status, body.to_string());
        self
    }

    /// The server answers `status` without a body.
    pub fn respond_empty(mut self, status: u16) -> Self {
        self.answer = Answer::Empty(status);
        self
    }

    /// The server answers `status` with `text/plain`.
    pub fn respond_text(mut self, status: u16, text: &str) -> Self {
        self.answer = Answer::Text(status, text.to_string());
        self
    }

    /// The server answers `status` with `application/octet-stream`.
    pub fn respond_bytes(mut self, status: u16, bytes: impl Into<Vec<u8>>) -> Self {
        self.answer = Answer::Bytes(status, bytes.into());
        self
    }

    /// Sends the call and checks the request; the decoded value.
    pub async fn run<F, R, T>(self, call: F) -> T
    where
        F: FnOnce(&Client) -> R,
        R: IntoFuture<Output = Result<T, Error>>,
    {
        let id = self.id;
        match self.exchange(call).await {
            Ok(value) => value,
            Err(e) => panic!("{id}: expected success, got {e:?}"),
        }
    }

    /// Sends the call and checks the request; the error it must end in.
    pub async fn run_err<F, R, T>(self, call: F) -> Error
    where
        F: FnOnce(&Client) -> R,
        R: IntoFuture<Output = Result<T, Error>>,
        T: std::fmt::Debug,
    {
        let id = self.id;
        match self.exchange(call).await {
            Ok(value) => panic!("{id}: expected an error, got {value:?}"),
            Err(e) => e,
        }
    }

    async fn exchange<F, R, T>(self, call: F) -> Result<T, Error>
    where
        F: FnOnce(&Client) -> R,
        R: IntoFuture<Output = Result<T, Error>>,
    {
        let op = operations().get(self.id).unwrap_or_else(|| panic!("no operation `{}` in api.json", self.id));
        assert!(
            matches_template(&op.path, &self.path),
            "{}: the case's path {} is not an instance of {}",
            self.id,
            self.path,
            op.path
        );
        let server = MockServer::start().await;
        let response = match &self.answer {
            Answer::Json(status, body) => {
                ResponseTemplate::new(*status).set_body_raw(body.as_bytes(), "application/json; charset=utf-8")
            }
            Answer::Empty(status) => ResponseTemplate::new(*status),
            Answer::Text(status, text) => ResponseTemplate::new(*status).set_body_raw(text.as_bytes(), "text/plain"),
            Answer::Bytes(status, bytes) => {
                ResponseTemplate::new(*status).set_body_raw(bytes.clone(), "application/octet-stream")
            }
        };
        Mock::given(any()).respond_with(response).mount(&server).await;
        let client = Client::builder()
            .base_url(server.uri())
            .allow_http(true)
            .bearer_token(TOKEN)
            .build()
            .expect("the client builds");

        let result = call(&client).await;

        let requests = server.received_requests().await.expect("request recording is on");
        let seen: Vec<String> = requests.iter().map(|r| format!("{} {}", r.method, r.url)).collect();
        assert_eq!(requests.len(), 1, "{}: expected exactly one request, got {seen:?}", self.id);
        self.check(op, &requests[0]);
        result
    }

    fn check(&self, op: &Operation, request: &Request) {
        let id = self.id;
        assert_eq!(request.method.as_str(), op.method, "{id}: HTTP method");
        assert_eq!(request.url.path(), self.path, "{id}: path");
        let auth: Vec<_> = request.headers.get_all("authorization").iter().collect();
        if op.secured {
            assert_eq!(auth.len(), 1, "{id}: exactly one Authorization header");
            assert_eq!(auth[0].to_str().ok(), Some("Bearer test-token"), "{id}: bearer token");
        } else {
            assert!(auth.is_empty(), "{id}: needs no token, so sends none");
        }
        assert_eq!(query_map(request), group(&self.query), "{id}: query of {}", request.url);
        let content_type = request.headers.get("content-type").and_then(|v| v.to_str().ok());
        match &self.sent {
            Sent::Nothing => {
                assert!(
                    request.body.is_empty(),
                    "{id}: no body expected, got {:?}",
                    String::from_utf8_lossy(&request.body)
                );
                assert_eq!(content_type, None, "{id}: no Content-Type without a body");
            }
            Sent::Json(expected) => {
                assert!(
                    content_type.is_some_and(|c| c.starts_with("application/json")),
                    "{id}: Content-Type is {content_type:?}"
                );
                let sent: Value = serde_json::from_slice(&request.body).expect("the request body is JSON");
                assert_eq!(&sent, expected, "{id}: request body");
            }
            Sent::Contains(prefix, needle) => {
                assert!(content_type.is_some_and(|c| c.starts_with(prefix)), "{id}: Content-Type is {content_type:?}");
                assert!(
                    request.body.windows(needle.len()).any(|w| w == needle.as_slice()),
                    "{id}: the body does not contain {:?}",
                    String::from_utf8_lossy(needle)
                );
            }
        }
    }
}

/// Decodes `application/x-www-form-urlencoded` text (`%XX`, and `+` as a space).
fn form_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII");
                out.push(u8::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("bad escape %{hex} in {raw}")));
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).expect("UTF-8 after decoding")
}

/// The query grouped by name (names decoded too: `state%5B%5D` and `state[]` read the same).
fn query_map(request: &Request) -> BTreeMap<String, Vec<String>> {
    let pairs: Vec<(String, String)> = request
        .url
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (form_decode(name), form_decode(value)),
            None => (form_decode(pair), String::new()),
        })
        .collect();
    group(&pairs)
}

fn group(pairs: &[(String, String)]) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in pairs {
        map.entry(name.clone()).or_default().push(value.clone());
    }
    map
}

/// Every operation of the client has a case: the ids named in `Case::new("…"` across
/// `wire/*.rs` cover every id of `api.json`.
#[test]
fn every_operation_has_a_case() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wire");
    let mut named = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("tests/wire exists") {
        let text = std::fs::read_to_string(entry.expect("a directory entry").path()).expect("a readable case file");
        for piece in text.split("Case::new(").skip(1) {
            if let Some(id) = piece.trim_start().strip_prefix('"') {
                named.insert(id.split('"').next().unwrap_or_default().to_string());
            }
        }
    }
    let missing: Vec<&String> = operations().keys().filter(|id| !named.contains(*id)).collect();
    assert!(missing.is_empty(), "{} operations have no wire case: {missing:?}", missing.len());
    let unknown: Vec<&String> = named.iter().filter(|id| !operations().contains_key(*id)).collect();
    assert!(unknown.is_empty(), "cases name operations that do not exist: {unknown:?}");
}

#[test]
fn templates_match_only_their_instances() {
    assert!(matches_template("/a/{x}/b", "/a/1/b"));
    assert!(!matches_template("/a/{x}/b", "/a/1/c"));
    assert!(!matches_template("/a/{x}/b", "/a//b"));
    assert!(!matches_template("/a/{x}", "/a/1/b"));
}
