//! The mock server of the `mock` feature, for users' own tests: a loopback HTTP server
//! (wiremock) that answers the API's operations with typed values and checks that the expected
//! calls happened. The typed, per-operation side is generated in `crate::mock`; this file is
//! what every operation shares: matching, responses, pages, verification.
//!
//! An expectation matches a request when its method and path are the operation's, with the
//! path parameters encoded exactly as the client encodes them; every query parameter it names
//! is present with that value (others may be there too); and its body, when it names one, is
//! that JSON (`body`) or contains it (`body_partial`). The first expectation mounted that
//! matches answers; a request no expectation matches gets a 404 with a JSON `message` and is
//! listed by [`MockServer::verify`].

use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::error::Error;
use super::request::{QueryStyle, Request};

/// The query parameter that numbers the pages of a `Link`-header or next-URL list.
const PAGE_PARAM: &str = "mock_page";
/// How much of a request body a failure message shows.
const EXCERPT: usize = 200;

/// A mock of the API on a loopback port: mount typed expectations on it, point a client at it
/// with [`client`](Self::client), then [`verify`](Self::verify) that the expected calls happened.
///
/// Dropped without [`verify`](Self::verify) or [`check`](Self::check) having been called, it
/// verifies then, panicking with the same message on a failure (unless the thread is already
/// panicking).
pub struct MockServer {
    server: Arc<wiremock::MockServer>,
    state: Arc<State>,
    /// What [`client`](Self::client) clones; it also writes expectations' URLs as the client does.
    client: crate::Client,
}

#[derive(Default)]
struct State {
    expectations: Mutex<Vec<Arc<Registered>>>,
    unmatched: Mutex<Vec<String>>,
    checked: AtomicBool,
}

/// An expectation once mounted: what it matches and how often it was matched.
struct Registered {
    description: String,
    times: Times,
    hits: AtomicU64,
}

/// How many requests an expectation must match.
#[derive(Debug, Clone, Copy)]
enum Times {
    Exactly(u64),
    AtLeast(u64),
}

impl fmt::Display for Times {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: u64| if n == 1 { "" } else { "s" };
        match *self {
            Times::Exactly(n) => write!(f, "exactly {n} request{}", plural(n)),
            Times::AtLeast(n) => write!(f, "at least {n} request{}", plural(n)),
        }
    }
}

impl Times {
    fn holds(self, hits: u64) -> bool {
        match self {
            Times::Exactly(n) => hits == n,
            Times::AtLeast(n) => hits >= n,
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer").field("uri", &self.server.uri()).finish_non_exhaustive()
    }
}

/// What [`MockServer::check`] found wrong: expectations not met, requests nothing matched.
/// Its `Display` is the whole report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockError {
    /// One line per expectation: what it matches, how many requests it wanted and received.
    pub expectations: Vec<String>,
    /// The expectations not met, as in `expectations`.
    pub unmet: Vec<String>,
    /// The requests no expectation matched: method, path, query and a body excerpt.
    pub unmatched: Vec<String>,
}

impl fmt::Display for MockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "mock server verification failed: {} expectation(s) not met, {} request(s) unmatched",
            self.unmet.len(),
            self.unmatched.len()
        )?;
        writeln!(f, "expectations:")?;
        if self.expectations.is_empty() {
            writeln!(f, "  (none)")?;
        }
        for line in &self.expectations {
            writeln!(f, "  - {line}")?;
        }
        writeln!(f, "unmatched requests:")?;
        if self.unmatched.is_empty() {
            writeln!(f, "  (none)")?;
        }
        for line in &self.unmatched {
            writeln!(f, "  - {line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for MockError {}

impl MockServer {
    /// Starts a mock server on a loopback port, with no expectations: every request gets a
    /// 404 until one is mounted.
    ///
    /// # Panics
    /// When no client can be built for it (no TLS backend could be set up, say).
    pub async fn start() -> Self {
        let server = wiremock::MockServer::start().await;
        let state = Arc::new(State::default());
        let record = Arc::clone(&state);
        // The catch-all, tried after every expectation: it records the request for `verify`.
        wiremock::Mock::given(AnyRequest)
            .respond_with(move |request: &wiremock::Request| {
                let described = describe(request);
                let body = serde_json::json!({
                    "message": format!("no expectation of the mock server matches {described}"),
                });
                lock(&record.unmatched).push(described);
                wiremock::ResponseTemplate::new(404).set_body_raw(body.to_string().into_bytes(), "application/json")
            })
            .with_priority(u8::MAX)
            .mount(&server)
            .await;
        let client = match client_builder(&server.uri()).build() {
            Ok(client) => client,
            Err(e) => panic!("a client for the mock server at {}: {e}", server.uri()),
        };
        MockServer { server: Arc::new(server), state, client }
    }

    /// The server's base URL, `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A builder for a client of this server: its base URL, plain HTTP allowed, a placeholder
    /// bearer token, and the retries of a real client (the same attempts and rules, so that code
    /// under test meets a 503 or a 429 as it would in production) with backoff waits of a few
    /// milliseconds; a `Retry-After` the mock answers is waited as sent. Set timeouts or another
    /// retry policy on it: `.retry(RetryPolicy::none())` sends every request once.
    pub fn client_builder(&self) -> crate::ClientBuilder {
        client_builder(&self.uri())
    }

    /// A client of this server, as [`client_builder`](Self::client_builder) makes it. Clones
    /// share one connection pool.
    pub fn client(&self) -> crate::Client {
        self.client.clone()
    }

    /// Checks every expectation mounted (each matched as often as it expects: by default at
    /// least once) and that no request went unmatched.
    pub fn check(&self) -> Result<(), MockError> {
        self.state.checked.store(true, Ordering::SeqCst);
        let expectations = lock(&self.state.expectations);
        let mut lines = Vec::new();
        let mut unmet = Vec::new();
        for e in expectations.iter() {
            let hits = e.hits.load(Ordering::SeqCst);
            let ok = e.times.holds(hits);
            let line = format!(
                "{}: expected {}, received {hits}{}",
                e.description,
                e.times,
                if ok { "" } else { "  <-- not met" }
            );
            if !ok {
                unmet.push(line.clone());
            }
            lines.push(line);
        }
        let unmatched = lock(&self.state.unmatched).clone();
        if unmet.is_empty() && unmatched.is_empty() {
            Ok(())
        } else {
            Err(MockError { expectations: lines, unmet, unmatched })
        }
    }

    /// Like [`check`](Self::check), panicking with its report on a failure: every expectation,
    /// how many requests it received, and every request no expectation matched.
    ///
    /// # Panics
    /// When an expectation is not met or a request went unmatched.
    pub async fn verify(&self) {
        if let Err(e) = self.check() {
            panic!("{e}");
        }
    }

    /// The requests no expectation matched so far, described as in the verification report.
    pub fn unmatched_requests(&self) -> Vec<String> {
        lock(&self.state.unmatched).clone()
    }

    /// A new expectation for `request` once `path` has written its path (method, path and
    /// query), answered with `success` and no body until a response is set.
    #[allow(dead_code)] // Used by the operations a spec has: none, for some.
    pub(crate) fn expectation<O>(
        &self,
        mut request: Request,
        path: impl FnOnce(&mut Request) -> Result<(), Error>,
        success: u16,
    ) -> Mock<O> {
        let request = path(&mut request).map(|()| request);
        let (matcher, error) = match request.and_then(|r| Matcher::new(&self.client, &r)) {
            Ok(m) => (Some(m), None),
            Err(e) => (None, Some(e.to_string())),
        };
        Mock {
            inner: Expectation {
                server: Arc::clone(&self.server),
                state: Arc::clone(&self.state),
                matcher,
                error,
                reply: Reply::default(),
                success,
                times: Times::AtLeast(1),
                limit: None,
            },
            operation: PhantomData,
        }
    }
}

/// A client builder for the mock server at `uri`.
fn client_builder(uri: &str) -> crate::ClientBuilder {
    let retry = super::RetryPolicy::default()
        .with_backoff(std::time::Duration::from_millis(1), std::time::Duration::from_millis(20));
    crate::Client::builder().base_url(uri).allow_http(true).bearer_token("mock-token").retry(retry)
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if std::thread::panicking() || self.state.checked.load(Ordering::SeqCst) {
            return;
        }
        if let Err(e) = self.check() {
            panic!("{e}");
        }
    }
}

/// An expectation on one operation, named by its request builder type `O` (the typed setters
/// and responses of each operation are generated in `crate::mock`). It does nothing until it is
/// mounted with `.await` (or [`mount`](Self::mount)); by default it expects at least one request
/// and answers the operation's success status with no body.
#[must_use = "an expectation does nothing until it is mounted with `.await`"]
pub struct Mock<O> {
    pub(crate) inner: Expectation,
    operation: PhantomData<fn() -> O>,
}

impl<O> fmt::Debug for Mock<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = self.inner.matcher.as_ref().map(Matcher::describe);
        f.debug_struct("Mock").field("matches", &what).field("times", &self.inner.times).finish_non_exhaustive()
    }
}

/// The untyped side of a [`Mock`], which generated code fills in.
pub(crate) struct Expectation {
    server: Arc<wiremock::MockServer>,
    state: Arc<State>,
    matcher: Option<Matcher>,
    /// The first mistake in setting the expectation up, reported when it is mounted.
    error: Option<String>,
    reply: Reply,
    /// The operation's success status, answered when no response was set.
    success: u16,
    times: Times,
    limit: Option<u64>,
}

// Generated code uses what its spec needs: some specs, none of these.
#[allow(dead_code)]
impl Expectation {
    fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }

    /// Matches requests whose query has `name` with `value`, written in `style`.
    pub(crate) fn query(&mut self, name: &str, style: QueryStyle, value: &impl Serialize) {
        let mut scratch = Request::new("", super::Method::GET, "", &[]);
        match scratch.query(name, style, value) {
            Ok(()) => {
                if let Some(m) = &mut self.matcher {
                    m.query.extend(scratch.query.iter().map(|(n, v)| (n.clone(), decode(v))));
                }
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// Matches requests whose JSON body is `value` (`partial`: holds `value`).
    pub(crate) fn body(&mut self, value: &impl Serialize, partial: bool) {
        match serde_json::to_value(value) {
            Ok(value) => {
                if let Some(m) = &mut self.matcher {
                    m.body = Some((value, partial));
                }
            }
            Err(e) => self.fail(format!("the body to match does not serialize: {e}")),
        }
    }

    /// Answers `status` with `value` as JSON.
    pub(crate) fn json(&mut self, status: u16, value: &impl Serialize) {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.raw(status, "application/json", bytes),
            Err(e) => self.fail(format!("the response body does not serialize: {e}")),
        }
    }

    /// Answers `status` with `items` framed as a sequential media type (`content_type`).
    pub(crate) fn items<T: Serialize>(
        &mut self,
        status: u16,
        content_type: &str,
        items: impl IntoIterator<Item = T>,
        framing: super::Framing,
    ) {
        let mut body = Vec::new();
        for item in items {
            // Compact JSON has no line break: one line, one record, one `data` line.
            let json = match serde_json::to_vec(&item) {
                Ok(json) => json,
                Err(e) => return self.fail(format!("a response item does not serialize: {e}")),
            };
            match framing {
                super::Framing::Lines => {}
                super::Framing::JsonSeq => body.push(0x1e),
                super::Framing::EventStream => body.extend_from_slice(b"data: "),
            }
            body.extend_from_slice(&json);
            body.extend_from_slice(if framing == super::Framing::EventStream { b"\n\n" } else { b"\n" });
        }
        self.raw(status, content_type, body);
    }

    /// Answers `status` with `body` as `content_type`.
    pub(crate) fn raw(&mut self, status: u16, content_type: &str, body: Vec<u8>) {
        self.reply.status = Some(status);
        self.reply.body = Body::Fixed(content_type.to_string(), body);
    }

    /// Answers the pages in turn, each pointing at the next as `paging` says.
    pub(crate) fn pages<T: Serialize>(&mut self, status: u16, pages: impl IntoIterator<Item = T>, paging: Paging) {
        match pages.into_iter().map(|p| serde_json::to_value(&p)).collect::<Result<Vec<_>, _>>() {
            Ok(pages) if pages.is_empty() => self.fail("`respond_pages` needs at least one page".into()),
            Ok(pages) => {
                self.reply.status = Some(status);
                self.reply.body = Body::Pages(Arc::new(pages), paging);
            }
            Err(e) => self.fail(format!("a page does not serialize: {e}")),
        }
    }

    /// Answers `status` with no body.
    pub(crate) fn status(&mut self, status: u16) {
        self.reply.status = Some(status);
        self.reply.body = Body::None;
    }
}

/// How a paginated operation's pages point at the next one (generated per operation).
#[derive(Debug, Clone, Copy)]
#[allow(dead_code)] // A spec uses the styles it has.
pub(crate) enum Paging {
    /// A `Link: <url>; rel="next"` header; the body is the page's array.
    Link,
    /// The next page's URL at this JSON pointer of the body.
    NextUrl(&'static str),
    /// A cursor at the JSON pointer `cursor`, which the client sends back as the query
    /// parameter `param`.
    Cursor { cursor: &'static str, param: &'static str },
}

#[derive(Default, Clone)]
struct Reply {
    /// `None`: the operation's success status.
    status: Option<u16>,
    headers: Vec<(String, String)>,
    delay: Option<Duration>,
    body: Body,
}

#[derive(Default, Clone)]
enum Body {
    #[default]
    None,
    Fixed(String, Vec<u8>),
    Pages(Arc<Vec<Value>>, Paging),
}

impl<O> Mock<O> {
    /// Answers with `status` and no body.
    pub fn respond_status(mut self, status: u16) -> Self {
        self.inner.status(status);
        self
    }

    /// Answers with `status` and `body` as JSON: an error model, or any value.
    pub fn respond_json(mut self, status: u16, body: &impl Serialize) -> Self {
        self.inner.json(status, body);
        self
    }

    /// Answers with `status` and `body` as it is, sent as `content_type`.
    pub fn respond_body(mut self, status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.inner.raw(status, content_type, body.into());
        self
    }

    /// Adds a header to the response (to every page of a paged one).
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        let valid_name =
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !valid_name || value.contains(['\r', '\n', '\0']) {
            self.inner.fail(format!("`{name}: {value:?}` is not a valid response header"));
        } else {
            self.inner.reply.headers.push((name.to_string(), value.to_string()));
        }
        self
    }

    /// Waits this long before answering, to test timeouts.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.inner.reply.delay = Some(delay);
        self
    }

    /// Matches requests whose JSON body holds `body`: every property it has, recursively, with
    /// the same value (arrays equal as a whole). Build it as the typed request body with only
    /// the properties to check set, or as any serializable value.
    pub fn body_partial(mut self, body: &impl Serialize) -> Self {
        self.inner.body(body, true);
        self
    }

    /// Expects exactly `n` matching requests (each page of a paged answer is one); checked by
    /// [`MockServer::verify`]. The default is at least one.
    pub fn expect(mut self, n: u64) -> Self {
        self.inner.times = Times::Exactly(n);
        self
    }

    /// Expects at least `n` matching requests; `0` makes the expectation optional.
    pub fn expect_at_least(mut self, n: u64) -> Self {
        self.inner.times = Times::AtLeast(n);
        self
    }

    /// Matches at most `n` requests; later ones fall through to the expectations mounted after
    /// it (a first answer, then another), or go unmatched.
    pub fn up_to_n_times(mut self, n: u64) -> Self {
        self.inner.limit = Some(n);
        self
    }

    /// Mounts the expectation: from now on it answers the requests it matches.
    ///
    /// # Panics
    /// When the expectation was set up with a value the client could not send either (an
    /// empty path parameter, a query value that is not a scalar or a list, a header with a
    /// line break, a body that does not serialize): the message says which.
    pub async fn mount(self) {
        let Expectation { server, state, matcher, error, reply, success, times, limit } = self.inner;
        let matcher = match (matcher, error) {
            (Some(m), None) => m,
            (_, error) => panic!("mock expectation not mounted: {}", error.unwrap_or_default()),
        };
        let registered = Arc::new(Registered { description: matcher.describe(), times, hits: AtomicU64::new(0) });
        lock(&state.expectations).push(Arc::clone(&registered));
        let status = reply.status.unwrap_or(success);
        let responder = Responder { registered, reply, status, base: server.uri() };
        let mut mock = wiremock::Mock::given(matcher).respond_with(responder);
        if let Some(n) = limit {
            mock = mock.up_to_n_times(n);
        }
        mock.mount(&server).await;
    }
}

impl<O: 'static> std::future::IntoFuture for Mock<O> {
    type Output = ();
    type IntoFuture = super::BoxFuture<()>;

    /// Mounts the expectation, as [`mount`](Mock::mount) does.
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.mount())
    }
}

/// What an expectation matches.
struct Matcher {
    method: String,
    /// The path as the client sends it (percent-encoded).
    path: String,
    /// Query pairs that must be there, decoded; the operation's literal query included.
    query: Vec<(String, String)>,
    /// The JSON body, exactly or partially.
    body: Option<(Value, bool)>,
}

impl Matcher {
    fn new(client: &crate::Client, request: &Request) -> Result<Self, Error> {
        let url = client.transport().url(request)?;
        let query = url.query_pairs().map(|(n, v)| (n.into_owned(), v.into_owned())).collect();
        Ok(Matcher { method: request.method.as_str().to_string(), path: url.path().to_string(), query, body: None })
    }

    fn describe(&self) -> String {
        let mut out = format!("{} {}", self.method, self.path);
        if !self.query.is_empty() {
            let pairs: Vec<String> = self.query.iter().map(|(n, v)| format!("{n}={v}")).collect();
            out.push_str(&format!(" with query {}", pairs.join("&")));
        }
        if let Some((body, partial)) = &self.body {
            let how = if *partial { "holding" } else { "equal to" };
            out.push_str(&format!(" and a body {how} {}", excerpt(body.to_string().as_bytes())));
        }
        out
    }
}

impl wiremock::Match for Matcher {
    fn matches(&self, request: &wiremock::Request) -> bool {
        if request.method.as_str() != self.method || request.url.path() != self.path {
            return false;
        }
        let mut sent: Vec<(String, String)> =
            request.url.query_pairs().map(|(n, v)| (n.into_owned(), v.into_owned())).collect();
        for pair in &self.query {
            match sent.iter().position(|p| p == pair) {
                Some(i) => {
                    sent.swap_remove(i);
                }
                None => return false,
            }
        }
        match &self.body {
            None => true,
            Some((expected, partial)) => match serde_json::from_slice::<Value>(&request.body) {
                Ok(body) if *partial => holds(&body, expected),
                Ok(body) => body == *expected,
                Err(_) => false,
            },
        }
    }
}

/// Whether `value` holds every property of `part`, recursively; other values must be equal.
fn holds(value: &Value, part: &Value) -> bool {
    match (value, part) {
        (Value::Object(have), Value::Object(want)) => {
            want.iter().all(|(k, w)| have.get(k).is_some_and(|h| holds(h, w)))
        }
        (have, want) => have == want,
    }
}

/// Matches every request: the catch-all that records unmatched ones.
struct AnyRequest;

impl wiremock::Match for AnyRequest {
    fn matches(&self, _: &wiremock::Request) -> bool {
        true
    }
}

/// Answers a mounted expectation's requests, counting them.
struct Responder {
    registered: Arc<Registered>,
    reply: Reply,
    status: u16,
    /// The server's URL, which next-page links point at (the request's own URL names the host
    /// as the server saw it, not as the client reaches it).
    base: String,
}

impl wiremock::Respond for Responder {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        self.registered.hits.fetch_add(1, Ordering::SeqCst);
        let mut template = wiremock::ResponseTemplate::new(self.status);
        for (name, value) in &self.reply.headers {
            template = template.append_header(name.as_str(), value.as_str());
        }
        if let Some(delay) = self.reply.delay {
            template = template.set_delay(delay);
        }
        match &self.reply.body {
            Body::None => template,
            Body::Fixed(content_type, bytes) => template.set_body_raw(bytes.clone(), content_type),
            Body::Pages(pages, paging) => page(template, request, &self.base, pages, *paging),
        }
    }
}

/// The page a request asks for (by [`PAGE_PARAM`], or the cursor's parameter; the first when
/// neither is there), pointing at the next one.
fn page(
    template: wiremock::ResponseTemplate,
    request: &wiremock::Request,
    base: &str,
    pages: &[Value],
    paging: Paging,
) -> wiremock::ResponseTemplate {
    let param = match paging {
        Paging::Cursor { param, .. } => param,
        Paging::Link | Paging::NextUrl(_) => PAGE_PARAM,
    };
    let asked = request.url.query_pairs().find(|(n, _)| n == param).map(|(_, v)| v.parse::<usize>());
    let index = match asked {
        None => 1,
        Some(Ok(n)) if (1..=pages.len()).contains(&n) => n,
        Some(_) => {
            let body = serde_json::json!({
                "message": format!("the mock server has {} page(s); {} asked for another", pages.len(), describe(request)),
            });
            return wiremock::ResponseTemplate::new(404)
                .set_body_raw(body.to_string().into_bytes(), "application/json");
        }
    };
    let mut body = pages[index - 1].clone();
    let next = if index < pages.len() { next_url(request, base, index + 1) } else { None };
    let mut template = template;
    match paging {
        Paging::Link => {
            if let Some(next) = &next {
                template = template.append_header("Link", format!("<{next}>; rel=\"next\"").as_str());
            }
        }
        Paging::NextUrl(at) => set_pointer(&mut body, at, next.map_or(Value::Null, Value::String)),
        Paging::Cursor { cursor, .. } => {
            let value = if index < pages.len() { Value::String((index + 1).to_string()) } else { Value::Null };
            set_pointer(&mut body, cursor, value);
        }
    }
    template.set_body_raw(body.to_string().into_bytes(), "application/json")
}

/// The URL of page `number` on the server at `base`: the request's path and query, with
/// [`PAGE_PARAM`] set.
fn next_url(request: &wiremock::Request, base: &str, number: usize) -> Option<String> {
    let kept: Vec<(String, String)> = request
        .url
        .query_pairs()
        .filter(|(n, _)| n != PAGE_PARAM)
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    let mut next = reqwest::Url::parse(base).ok()?;
    next.set_path(request.url.path());
    next.query_pairs_mut().extend_pairs(kept).append_pair(PAGE_PARAM, &number.to_string());
    Some(next.to_string())
}

/// Sets the value at a JSON pointer, making the objects on the way.
fn set_pointer(body: &mut Value, pointer: &str, value: Value) {
    let mut here = body;
    let keys: Vec<String> = pointer.split('/').skip(1).map(|k| k.replace("~1", "/").replace("~0", "~")).collect();
    for key in &keys {
        if !here.is_object() {
            *here = Value::Object(serde_json::Map::new());
        }
        let Value::Object(map) = here else { return };
        here = map.entry(key.clone()).or_insert(Value::Null);
    }
    *here = value;
}

/// A percent-encoded query value, decoded.
fn decode(value: &str) -> String {
    percent_encoding::percent_decode_str(value).decode_utf8_lossy().into_owned()
}

/// The start of a body, as text.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT)]).into_owned();
    if body.len() > EXCERPT {
        format!("{text}… ({} bytes)", body.len())
    } else {
        text
    }
}

/// A request as failure messages show it: method, path, query and a body excerpt.
fn describe(request: &wiremock::Request) -> String {
    let mut out = format!("{} {}", request.method, request.url.path());
    if let Some(query) = request.url.query() {
        out.push('?');
        out.push_str(&decode(query));
    }
    if !request.body.is_empty() {
        out.push_str(&format!(" with body {}", excerpt(&request.body)));
    }
    out
}

/// A model's test value from the JSON the generator made for it. The generator makes only
/// JSON its models read, and each crate's tests decode every example: a failure here is a
/// generator bug, reported with the model's error.
#[doc(hidden)]
#[track_caller]
pub fn example<T: serde::de::DeserializeOwned>(json: &'static str) -> T {
    match serde_json::from_str(json) {
        Ok(value) => value,
        Err(e) => panic!("the generated example of `{}` does not decode ({e}): {json}", std::any::type_name::<T>()),
    }
}
