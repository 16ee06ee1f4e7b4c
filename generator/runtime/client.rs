//! Client configuration: base URL, credentials, timeouts, retries. Shared by every clone of the
//! client behind one `Arc`.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};

use super::error::Error;

/// How one security scheme of the spec sends its credential.
#[derive(Debug, Clone, Copy)]
pub enum AuthKindSpec {
    /// `Authorization: Bearer`.
    Bearer,
    /// `Authorization: Basic`.
    Basic,
    /// A header named so.
    ApiKeyHeader(&'static str),
    /// A query parameter named so.
    ApiKeyQuery(&'static str),
    /// A cookie named so.
    ApiKeyCookie(&'static str),
}

/// A security scheme of the spec.
#[derive(Debug, Clone, Copy)]
pub struct AuthSpec {
    /// Its name in the spec.
    pub name: &'static str,
    /// How it is sent.
    pub kind: AuthKindSpec,
}

/// The header names of one rate-limit family.
#[derive(Debug, Clone, Copy)]
pub struct RateLimitSpec {
    /// The family's name.
    pub scope: &'static str,
    /// The limit header.
    pub limit: &'static str,
    /// The remaining header.
    pub remaining: &'static str,
    /// The reset header (seconds).
    pub reset: &'static str,
    /// The header naming the server's own scope for the family (e.g. `rest`), if any.
    pub scope_header: Option<&'static str>,
}

/// What the generator knows of the API: its security schemes and rate-limit headers.
#[derive(Debug)]
pub struct ApiSpec {
    /// Security schemes.
    pub auth: &'static [AuthSpec],
    /// Rate-limit header families.
    pub rate_limits: &'static [RateLimitSpec],
    /// The `User-Agent` sent.
    pub user_agent: &'static str,
}

/// The page limit of a client built without [`ClientBuilder::max_pages`].
const DEFAULT_MAX_PAGES: u64 = 1000;

/// A credential, never printed.
#[derive(Clone)]
pub(crate) enum Secret {
    Token(String),
    Basic(String, String),
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// When and how long to retry.
///
/// - A **429** is tried again whatever the method, POST and PATCH included: the server did not
///   act on the request.
/// - A **502, 503 or 504**, and a connection error or a timeout that happened before any
///   response arrived, are tried again for idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS,
///   TRACE) only, unless one request's options opt in
///   ([`RequestOptions::retry_non_idempotent`]): the server may have acted on it.
/// - The wait is what the server asked for (`Retry-After`, or the reset of an exhausted
///   rate-limit family), taken whole; otherwise an exponential backoff with full jitter, cut to
///   [`max_backoff`](Self::max_backoff).
/// - The waits of one call add up to at most [`max_total_wait`](Self::max_total_wait), 30 s by
///   default: a command-line user waits that long for a rate limit to pass, not for minutes.
///   When the server asks for more than the client will wait (more than `max_server_wait`, or
///   more than is left of `max_total_wait`), the call fails at once with the 429 or 503, whose
///   [`Error::retry_after`] says how long the server asked for, rather than sleeping and
///   retrying too early.
///
/// Every field takes any `Duration`, `Duration::MAX` included.
#[derive(Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 turns retries off).
    pub max_attempts: u32,
    /// The first backoff; each next one doubles, with full jitter.
    pub initial_backoff: Duration,
    /// The largest single backoff.
    pub max_backoff: Duration,
    /// The longest single wait taken on the server's word (`Retry-After`, a rate-limit reset);
    /// a server that asks for longer gets no retry: the call fails at once with its answer.
    pub max_server_wait: Duration,
    /// The most time spent waiting between attempts, over the whole call; a wait that would go
    /// past it ends the call with the last error instead, at once.
    pub max_total_wait: Duration,
    /// Retry POST and PATCH after a 5xx or a connection failure too (a 429 is retried for every
    /// method anyway). They may not be safe to repeat, so this is honoured only in the
    /// options of one request ([`RequestOptions::retry`],
    /// [`RequestOptions::retry_non_idempotent`]); the client-wide policy never retries them.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_server_wait: Duration::from_secs(30),
            max_total_wait: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..Self::default() }
    }

    /// The same policy with `max_attempts` set.
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The same policy with the backoff's first and largest wait set.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// The same policy with `max_server_wait` set.
    pub fn with_max_server_wait(mut self, wait: Duration) -> Self {
        self.max_server_wait = wait;
        self
    }

    /// The same policy with `max_total_wait` set.
    pub fn with_max_total_wait(mut self, wait: Duration) -> Self {
        self.max_total_wait = wait;
        self
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_attempts", &self.max_attempts)
            .field("initial_backoff", &self.initial_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("max_server_wait", &self.max_server_wait)
            .field("max_total_wait", &self.max_total_wait)
            .field("retry_non_idempotent", &self.retry_non_idempotent)
            .finish()
    }
}

/// A retry about to happen, given to the callback set with [`ClientBuilder::on_retry`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RetryEvent {
    /// The operation's id.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: reqwest::Method,
    /// The path template.
    pub path: &'static str,
    /// The attempt that failed (1 for the first).
    pub attempt: u32,
    /// The status that caused the retry; `None` for a connection error or a timeout.
    pub status: Option<u16>,
    /// The wait the server asked for (`Retry-After` or a rate-limit reset), which the client
    /// takes whole; `None` when the wait is a backoff.
    pub requested: Option<Duration>,
    /// How long the client waits before the next attempt.
    pub wait: Duration,
}

type RetryCallback = Arc<dyn Fn(&RetryEvent) + Send + Sync>;

/// Options for one request: timeouts, extra headers, a retry policy.
#[derive(Clone, Default)]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) retry_non_idempotent: bool,
    pub(crate) max_pages: Option<u64>,
    pub(crate) max_body_size: Option<u64>,
    pub(crate) read_timeout: Option<Duration>,
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may be credentials: only their names are shown.
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("headers", &names)
            .field("retry", &self.retry)
            .field("retry_non_idempotent", &self.retry_non_idempotent)
            .field("max_pages", &self.max_pages)
            .field("max_body_size", &self.max_body_size)
            .field("read_timeout", &self.read_timeout)
            .finish()
    }
}

impl RequestOptions {
    /// Default options.
    pub fn new() -> Self {
        Self::default()
    }

    /// The whole-request timeout for this request: each attempt, from connecting to the end of
    /// the body, redirects included. For a streamed body ([`ByteStream`](super::ByteStream)), it
    /// ends when the response's headers arrive; the body then has the
    /// [`read_timeout`](Self::read_timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The connect timeout for this request.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// An extra header. A value with CR or LF makes the request fail as invalid. Like every
    /// credential, it is not sent on to another origin (after a redirect, or on a pagination
    /// link): it may be an API key by any name.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The retry policy for this request, in place of the client's. Its
    /// `retry_non_idempotent` is honoured.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The most bytes of this request's body held in memory, in place of the client's
    /// [`max_body_size`](ClientBuilder::max_body_size).
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.max_body_size = Some(bytes);
        self
    }

    /// The longest wait for the next bytes of this request's streamed body, in place of the
    /// client's [`read_timeout`](ClientBuilder::read_timeout).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// Allows retrying this request even if it is a POST or PATCH, under the client's retry
    /// policy (or the one given with [`retry`](Self::retry)): say so only when the operation is
    /// safe to repeat.
    pub fn retry_non_idempotent(mut self) -> Self {
        self.retry_non_idempotent = true;
        self
    }

    /// The most pages `.pages()`, `.stream()` and `Page::next_page` fetch for this list, the
    /// first included, in place of the client's [`ClientBuilder::max_pages`]; the page past it
    /// ends the walk with an error.
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = Some(pages);
        self
    }
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: reqwest::Url,
    pub(crate) credentials: Vec<(&'static str, Secret)>,
    /// The texts of `credentials` as requests carry them, written over in errors' quotes of a
    /// response.
    pub(crate) secrets: super::error::Secrets,
    /// For each of `credentials` sent as a header, that header, made once.
    pub(crate) credential_headers: Vec<Option<(HeaderName, HeaderValue)>>,
    pub(crate) spec: &'static ApiSpec,
    /// The spec's rate-limit header names, parsed once.
    pub(crate) rate_limit_headers: Arc<[super::response::RateLimitHeaders]>,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) on_retry: Option<RetryCallback>,
    pub(crate) max_pages: u64,
    /// How HTTP clients are made for another connect timeout; `None` for a client given with
    /// [`ClientBuilder::http_client`], which is used as it is.
    http_settings: Option<HttpSettings>,
    pub(crate) max_body_size: u64,
    pub(crate) read_timeout: Duration,
    /// HTTP clients for per-request connect timeouts: reqwest sets that timeout per client.
    other_http: Mutex<Vec<(Duration, reqwest::Client)>>,
}

impl Inner {
    /// Whether requests go through a client given with [`ClientBuilder::http_client`].
    pub(crate) fn given_http_client(&self) -> bool {
        self.http_settings.is_none()
    }

    /// The HTTP client to send with, for a request's connect timeout.
    pub(crate) fn http(&self, connect_timeout: Option<Duration>) -> Result<reqwest::Client, Error> {
        let wanted = match (connect_timeout, &self.http_settings) {
            (Some(t), Some(_)) if t != self.connect_timeout => t,
            _ => return Ok(self.http.clone()),
        };
        let mut others = self.other_http.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, http)) = others.iter().find(|(t, _)| *t == wanted) {
            return Ok(http.clone());
        }
        let http = http_client(self.spec, wanted, self.http_settings.as_ref())?;
        // A handful of distinct timeouts is the norm; forget the oldest past that.
        if others.len() >= 8 {
            others.remove(0);
        }
        others.push((wanted, http.clone()));
        Ok(http)
    }
}

/// What an HTTP client the runtime makes is built with, beside the connect timeout: extra root
/// certificates, the `User-Agent`, proxies.
#[derive(Clone, Default)]
struct HttpSettings {
    #[cfg(any(feature = "rustls-tls", feature = "rustls-tls-native-roots", feature = "native-tls"))]
    roots: Vec<reqwest::Certificate>,
    /// Instead of the crate's name and version.
    user_agent: Option<String>,
    /// Proxies given with [`ClientBuilder::proxy`], in order.
    proxies: Vec<reqwest::Proxy>,
    /// [`ClientBuilder::no_proxy`]: no proxy at all, whatever the environment says.
    no_proxy: bool,
}

impl HttpSettings {
    /// Whether anything here differs from a client made with no settings.
    fn is_set(&self) -> bool {
        #[cfg(any(feature = "rustls-tls", feature = "rustls-tls-native-roots", feature = "native-tls"))]
        if !self.roots.is_empty() {
            return true;
        }
        self.user_agent.is_some() || !self.proxies.is_empty() || self.no_proxy
    }
}

/// The longest duration handed to reqwest and tokio: a year, so that no deadline overflows the
/// clock, whatever `Duration` the caller gave.
pub(crate) const LONGEST: Duration = Duration::from_secs(365 * 24 * 3600);

fn http_client(spec: &ApiSpec, connect_timeout: Duration, settings: Option<&HttpSettings>) -> Result<reqwest::Client, Error> {
    #[allow(unused_mut)]
    let user_agent = settings.and_then(|t| t.user_agent.as_deref()).unwrap_or(spec.user_agent);
    let mut builder = reqwest::Client::builder()
        .user_agent(user_agent)
        .connect_timeout(connect_timeout.min(LONGEST))
        // Redirects are followed by the client itself, so that credentials never follow one
        // to another origin.
        .redirect(reqwest::redirect::Policy::none());
    #[cfg(any(feature = "rustls-tls", feature = "rustls-tls-native-roots", feature = "native-tls"))]
    for root in settings.map(|t| t.roots.as_slice()).unwrap_or_default() {
        builder = builder.add_root_certificate(root.clone());
    }
    if let Some(settings) = settings {
        if settings.no_proxy {
            builder = builder.no_proxy();
        } else {
            for proxy in &settings.proxies {
                builder = builder.proxy(proxy.clone());
            }
        }
    }
    builder.build().map_err(|e| {
        let mut message = format!("cannot build the HTTP client: {e}");
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            message.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        Error::InvalidRequest(message)
    })
}

/// Whether a host is the loopback interface: `localhost`, 127.0.0.0/8 or `::1`.
fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    host.eq_ignore_ascii_case("localhost") || bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The shared state of a client.
#[derive(Clone)]
pub struct Transport {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schemes: Vec<&str> = self.inner.credentials.iter().map(|(n, _)| *n).collect();
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("credentials", &schemes)
            .field("token", &"<redacted>")
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

impl Transport {
    /// The base URL requests are made against.
    pub fn base_url(&self) -> &reqwest::Url {
        &self.inner.base_url
    }
}

/// Builds a client: base URL, credentials, timeouts, retries.
pub struct ClientBuilder {
    base_url: String,
    spec: &'static ApiSpec,
    credentials: Vec<(&'static str, Secret)>,
    allow_http: bool,
    allow_http_any_host: bool,
    http: Option<reqwest::Client>,
    http_settings: HttpSettings,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    on_retry: Option<RetryCallback>,
    max_pages: u64,
    max_body_size: u64,
    read_timeout: Duration,
    error: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &"<redacted>")
            .field("allow_http", &self.allow_http)
            .field("danger_allow_http_to_any_host", &self.allow_http_any_host)
            .field("http_client", &self.http.is_some())
            .field("user_agent", &self.http_settings.user_agent)
            .field("proxies", &self.http_settings.proxies.len())
            .field("no_proxy", &self.http_settings.no_proxy)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_body_size", &self.max_body_size)
            .field("read_timeout", &self.read_timeout)
            .finish()
    }
}

/// The default of [`ClientBuilder::max_body_size`]: 64 MiB.
pub const DEFAULT_MAX_BODY_SIZE: u64 = 64 * 1024 * 1024;

impl ClientBuilder {
    #[doc(hidden)]
    pub fn new(base_url: &str, spec: &'static ApiSpec) -> Self {
        ClientBuilder {
            base_url: base_url.to_string(),
            spec,
            credentials: Vec::new(),
            allow_http: false,
            allow_http_any_host: false,
            http: None,
            http_settings: HttpSettings::default(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            on_retry: None,
            max_pages: DEFAULT_MAX_PAGES,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            read_timeout: Duration::from_secs(30),
            error: None,
        }
    }

    /// The base URL, e.g. for a proxy or a test server. It must be HTTPS, unless it is on
    /// loopback and [`allow_http`](Self::allow_http) is set, or
    /// [`danger_allow_http_to_any_host`](Self::danger_allow_http_to_any_host) is.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Allows a plain-HTTP base URL on the loopback interface (`localhost`, 127.0.0.0/8,
    /// `::1`): a test server, a local proxy. Any other host must be HTTPS, unless
    /// [`danger_allow_http_to_any_host`](Self::danger_allow_http_to_any_host) says otherwise.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Allows a plain-HTTP base URL on any host. The credential then travels unencrypted over
    /// the network, readable by anyone on the path: only for a network you trust entirely.
    pub fn danger_allow_http_to_any_host(mut self, allow: bool) -> Self {
        self.allow_http_any_host = allow;
        self
    }

    /// Sends every request through this HTTP client (its proxies, TLS settings, connection
    /// pool) instead of one the builder makes.
    ///
    /// Build it with `.redirect(reqwest::redirect::Policy::none())`: the runtime then follows
    /// redirects itself and its rules hold (no credential, header or body goes to another
    /// origin, no HTTPS-to-HTTP redirect). A client that follows redirects on its own is
    /// caught on the first redirect it follows, which fails the request with an error saying
    /// so; reqwest itself drops `Authorization` and `Cookie` on that redirect to another host,
    /// but not an API key sent in another header or in the query.
    ///
    /// What the runtime cannot set on a client it did not build: the `User-Agent`, proxies and
    /// root certificates (set them on it: [`user_agent`](Self::user_agent),
    /// [`proxy`](Self::proxy), [`no_proxy`](Self::no_proxy) and
    /// [`add_root_certificate`](Self::add_root_certificate) given beside it make
    /// [`build`](Self::build) fail), and [`connect_timeout`](Self::connect_timeout) and
    /// [`RequestOptions::connect_timeout`] (the client's own apply). The whole-request
    /// [`timeout`](Self::timeout) still applies.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Trusts one more root certificate (a company CA, a test CA) besides the default roots of
    /// the TLS feature: PEM (one or several `CERTIFICATE` blocks) or DER bytes. Input that is
    /// neither makes [`build`](Self::build) fail with an error saying so.
    #[cfg(any(feature = "rustls-tls", feature = "rustls-tls-native-roots", feature = "native-tls"))]
    pub fn add_root_certificate(mut self, certificate: impl AsRef<[u8]>) -> Self {
        let bytes = certificate.as_ref();
        let pem = bytes.windows(11).any(|w| w == b"-----BEGIN ");
        let parsed = if pem {
            match reqwest::Certificate::from_pem_bundle(bytes) {
                Ok(certs) if certs.is_empty() => Err("PEM without a CERTIFICATE block".to_string()),
                Ok(certs) => Ok(certs),
                Err(e) => Err(format!("PEM that does not parse: {e}")),
            }
        } else if bytes.first() == Some(&0x30) {
            // DER: an ASN.1 SEQUENCE; the TLS library checks the rest when the client is built.
            reqwest::Certificate::from_der(bytes).map(|c| vec![c]).map_err(|e| format!("DER that does not parse: {e}"))
        } else {
            Err("neither PEM nor DER".to_string())
        };
        match parsed {
            Ok(certs) => self.http_settings.roots.extend(certs),
            Err(e) => self.error = Some(format!("root certificate {}: {e}", self.http_settings.roots.len() + 1)),
        }
        self
    }

    /// The `User-Agent` header of every request, instead of this crate's name and version: name
    /// your program (`release-bot/2.1`), as API providers ask of automated callers.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.http_settings.user_agent = Some(user_agent.into());
        self
    }

    /// Sends requests through this proxy (`reqwest::Proxy::https("http://proxy:3128")`,
    /// `reqwest::Proxy::all(..)`, with its own `basic_auth` and `no_proxy` exclusions if
    /// needed); given more than once, the first that matches a URL is used. Without one, the
    /// proxies of the `HTTPS_PROXY`, `HTTP_PROXY` and `ALL_PROXY` environment variables apply,
    /// except to hosts `NO_PROXY` lists (reqwest's reading of them); with one, those variables
    /// are ignored.
    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.http_settings.proxies.push(proxy);
        self
    }

    /// Connects directly, with no proxy: neither those given with [`proxy`](Self::proxy) nor
    /// those of the environment variables.
    pub fn no_proxy(mut self) -> Self {
        self.http_settings.no_proxy = true;
        self
    }

    /// The token for every bearer scheme of the API.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        let token = token.into();
        for scheme in self.spec.auth.iter().filter(|s| matches!(s.kind, AuthKindSpec::Bearer)) {
            self.credentials.push((scheme.name, Secret::Token(token.clone())));
        }
        self
    }

    /// A user name and password for every basic-auth scheme of the API.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        let (user, password) = (user.into(), password.into());
        for scheme in self.spec.auth.iter().filter(|s| matches!(s.kind, AuthKindSpec::Basic)) {
            self.credentials.push((scheme.name, Secret::Basic(user.clone(), password.clone())));
        }
        self
    }

    /// The key for the security scheme named `scheme` in the spec (any kind).
    pub fn credential(mut self, scheme: &str, key: impl Into<String>) -> Self {
        match self.spec.auth.iter().find(|s| s.name == scheme) {
            Some(s) => self.credentials.push((s.name, Secret::Token(key.into()))),
            None => self.error = Some(format!("the API has no security scheme named `{scheme}`")),
        }
        self
    }

    /// Reads the bearer token from the environment variable `name`.
    pub fn bearer_token_from_env(self, name: &str) -> Result<Self, Error> {
        match std::env::var(name) {
            Ok(token) if !token.trim().is_empty() => Ok(self.bearer_token(token.trim())),
            _ => Err(Error::InvalidRequest(format!("the environment variable {name} is not set"))),
        }
    }

    /// How long to wait for a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from connecting to the end of the body, redirects included
    /// (default 60 s). For a streamed body ([`ByteStream`](super::ByteStream)) it ends when the
    /// headers arrive; the body then has the [`read_timeout`](Self::read_timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The most bytes of a body the client holds in memory (default 64 MiB,
    /// [`DEFAULT_MAX_BODY_SIZE`]): a JSON or text body decoded whole, the bytes of
    /// [`ByteStream::bytes`](super::ByteStream::bytes). A body over it fails with
    /// [`Error::BodyTooLarge`] before it is read when its `Content-Length` says so, else as soon
    /// as the bytes read pass it; nothing grows past the limit. Streamed bodies
    /// ([`ByteStream`](super::ByteStream): downloads, logs) have no limit: they are never held
    /// whole. Error bodies are read up to [`ApiError::BODY_LIMIT`](super::ApiError::BODY_LIMIT).
    ///
    /// 64 MiB is far above any page or model of a JSON API (a page of 100 builds with their
    /// jobs is a few MiB), yet small enough that a broken or hostile server cannot take a
    /// process's memory; decoding a JSON body takes a few times its size again.
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// The longest wait for the next bytes of a streamed body (default 30 s). A streamed body
    /// is not under the whole-request [`timeout`](Self::timeout), which ends when the headers
    /// arrive, so that a long download is not cut while it progresses; a stalled one still ends
    /// with [`Error::Timeout`].
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// The retry policy for every request (per-request options override it). Its
    /// `retry_non_idempotent` is ignored: POST and PATCH are retried only when one request's
    /// options say so.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Called before each retry wait, beside the `tracing` event (level WARN, target of this
    /// module, message `retrying`).
    pub fn on_retry(mut self, callback: impl Fn(&RetryEvent) + Send + Sync + 'static) -> Self {
        self.on_retry = Some(Arc::new(callback));
        self
    }

    /// The most pages one walk of a list fetches (`.pages()`, `.stream()`, `Page::next_page`),
    /// the first included; default 1,000, that is 100,000 items at 100 a page. The page past it
    /// ends the walk with an error rather than following a server that never stops handing out
    /// new links. [`RequestOptions::max_pages`] sets it for one list.
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = pages;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<crate::Client, Error> {
        if let Some(e) = self.error {
            return Err(Error::InvalidRequest(e));
        }
        let text = self.base_url.trim_end_matches('/');
        // A user name or password in the URL would never be sent (credentials go through
        // `bearer_token` and the like) and would show in `Debug`: refuse it, without echoing it.
        if let Some((scheme, rest)) = text.split_once("://") {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
            if let Some((_, host)) = authority.rsplit_once('@') {
                return Err(Error::InvalidRequest(format!(
                    "base URL `{scheme}://…@{host}` holds a user name or password; give credentials with `bearer_token` or `basic_auth` instead"
                )));
            }
        }
        if text.is_empty() {
            return Err(Error::InvalidRequest(
                "no base URL: the spec names no server, so set one with `base_url`".into(),
            ));
        }
        let base_url =
            reqwest::Url::parse(text).map_err(|e| Error::InvalidRequest(format!("base URL `{text}`: {e}")))?;
        match base_url.scheme() {
            "https" => {}
            "http" if self.allow_http_any_host => {}
            "http" if self.allow_http && is_loopback(&base_url) => {}
            "http" if self.allow_http => {
                return Err(Error::InvalidRequest(format!(
                    "base URL `{text}` is plain HTTP to a host that is not loopback; `allow_http` covers only localhost, 127.0.0.0/8 and ::1 (`danger_allow_http_to_any_host` lifts that, sending the token unencrypted)"
                )))
            }
            "http" => {
                return Err(Error::InvalidRequest(format!(
                "base URL `{text}` is not HTTPS; call `allow_http(true)` to send requests (and the token) unencrypted to a loopback host"
            )))
            }
            other => return Err(Error::InvalidRequest(format!("base URL `{text}`: unsupported scheme `{other}`"))),
        }
        if base_url.query().is_some() || base_url.fragment().is_some() {
            return Err(Error::InvalidRequest(format!("base URL `{text}` must not have a query or fragment")));
        }
        #[cfg(not(any(feature = "rustls-tls", feature = "rustls-tls-native-roots", feature = "native-tls")))]
        if base_url.scheme() == "https" && self.http.is_none() {
            return Err(Error::InvalidRequest(format!(
                "base URL `{text}` is HTTPS, but this crate was built without a TLS feature (`rustls-tls`, `rustls-tls-native-roots` or `native-tls`)"
            )));
        }
        let (http, http_settings) = match self.http {
            Some(_) if self.http_settings.is_set() => {
                return Err(Error::InvalidRequest(
                    "`user_agent`, `proxy`, `no_proxy` or `add_root_certificate` was given with `http_client`, whose own settings are used as they are: set them on that client instead".into(),
                ))
            }
            Some(http) => (http, None),
            None => (http_client(self.spec, self.connect_timeout, Some(&self.http_settings))?, Some(self.http_settings)),
        };
        let credential_headers = self
            .credentials
            .iter()
            .map(|(scheme, secret)| super::execute::credential_header(self.spec, scheme, secret))
            .collect();
        let secrets = super::error::Secrets::new(self.credentials.iter().flat_map(|(_, secret)| match secret {
            Secret::Token(token) => vec![token.clone()],
            Secret::Basic(user, password) => {
                vec![password.clone(), super::execute::base64(format!("{user}:{password}").as_bytes())]
            }
        }));
        let inner = Inner {
            http,
            base_url,
            secrets,
            credentials: self.credentials,
            credential_headers,
            spec: self.spec,
            rate_limit_headers: self.spec.rate_limits.iter().map(super::response::RateLimitHeaders::new).collect(),
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            retry: self.retry,
            on_retry: self.on_retry,
            max_pages: self.max_pages,
            http_settings,
            max_body_size: self.max_body_size,
            read_timeout: self.read_timeout,
            other_http: Mutex::new(Vec::new()),
        };
        Ok(crate::Client::from_transport(Transport { inner: Arc::new(inner) }))
    }
}
