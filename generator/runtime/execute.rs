//! Sending: credentials, redirects followed by hand (credentials never cross origins), retries
//! with backoff that honour `Retry-After` and rate-limit reset headers, timeouts, tracing.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use tracing::Instrument;

use super::body::{read_limited, ByteStream, Wait};
use super::client::{AuthKindSpec, RateLimitSpec, RequestOptions, RetryEvent, RetryPolicy, Secret, Transport};
use super::error::{ApiError, Call, Error};
use super::request::Request;
use super::response::{header_u64, rate_limits, RawResponse, Response};

/// How many redirects a request follows.
const MAX_REDIRECTS: usize = 10;

/// Statuses worth another attempt.
pub(crate) fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// The idempotent methods of RFC 9110, and QUERY (safe and idempotent, as its draft defines it).
fn idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE)
        || method.as_str() == "QUERY"
}

/// A random number without a dependency: std's hasher keys are random per process and per call.
pub(crate) fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_nanos());
    hasher.finish()
}

/// The largest backoff after `attempt` failed attempts: `initial * 2^(attempt-1)`, at most `max`.
fn backoff_ceiling(policy: &RetryPolicy, attempt: u32) -> Duration {
    policy.initial_backoff.saturating_mul(1u32 << attempt.saturating_sub(1).min(20)).min(policy.max_backoff)
}

/// Exponential backoff with full jitter: a random wait in `[0, backoff_ceiling]`.
fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let micros = u64::try_from(backoff_ceiling(policy, attempt).as_micros()).unwrap_or(u64::MAX);
    if micros == 0 {
        return Duration::ZERO;
    }
    Duration::from_micros(random_u64() % micros.saturating_add(1))
}

/// An HTTP date (RFC 9110 §5.6.7): the IMF-fixdate form, and the obsolete RFC 850 and asctime
/// forms recipients must accept. Returns seconds since the Unix epoch.
fn http_date(value: &str) -> Option<i64> {
    if let Ok(date) = chrono::DateTime::parse_from_rfc2822(value) {
        return Some(date.timestamp());
    }
    ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"]
        .iter()
        .find_map(|format| chrono::NaiveDateTime::parse_from_str(value, format).ok())
        .map(|naive| naive.and_utc().timestamp())
}

/// The wait `Retry-After` asks for, seconds or an HTTP date (a date in the past is no wait).
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = u64::try_from(http_date(value)?).unwrap_or(0);
    let now = now.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    Some(Duration::from_secs(at).saturating_sub(now))
}

/// The wait the rate-limit headers ask for: the longest reset among the exhausted families
/// (remaining 0); on a 429 that names no exhausted family, the longest reset of any.
fn rate_limit_wait(headers: &HeaderMap, status: StatusCode, specs: &[RateLimitSpec]) -> Option<Duration> {
    let families: Vec<(Option<u64>, u64)> =
        specs.iter().filter_map(|s| Some((header_u64(headers, s.remaining), header_u64(headers, s.reset)?))).collect();
    let exhausted = families.iter().filter(|(remaining, _)| *remaining == Some(0)).map(|(_, reset)| *reset).max();
    let any = || families.iter().map(|(_, reset)| *reset).max().filter(|_| status == StatusCode::TOO_MANY_REQUESTS);
    exhausted.or_else(any).map(Duration::from_secs)
}

/// The wait a retryable response asks for: `Retry-After`, else the rate-limit reset.
fn server_wait(headers: &HeaderMap, status: StatusCode, specs: &[RateLimitSpec]) -> Option<Duration> {
    retry_after(headers, SystemTime::now()).or_else(|| rate_limit_wait(headers, status, specs))
}

impl ApiError {
    /// How long the server asked the client to wait before trying again, from now: its
    /// `Retry-After` (seconds, or an HTTP date), else the reset of an exhausted rate-limit
    /// family (remaining 0), else, on a 429, the longest reset of any family; `None` when the
    /// response says nothing of it. A call fails with this still to wait when the server asks
    /// for more than its [`RetryPolicy`] takes (`max_server_wait`, `max_total_wait`).
    pub fn retry_after(&self) -> Option<Duration> {
        if let Some(wait) = retry_after(&self.headers, SystemTime::now()) {
            return Some(wait);
        }
        let resets = |exhausted: bool| {
            self.rate_limits.iter().filter(move |r| !exhausted || r.remaining == Some(0)).filter_map(|r| r.reset).max()
        };
        resets(true)
            .or_else(|| resets(false).filter(|_| self.status == StatusCode::TOO_MANY_REQUESTS))
            .map(Duration::from_secs)
    }
}

impl Error {
    /// For an API error, how long the server asked to wait before trying again
    /// ([`ApiError::retry_after`]); `None` for any other error.
    pub fn retry_after(&self) -> Option<Duration> {
        self.as_api().and_then(ApiError::retry_after)
    }
}

/// Scheme, host and port all equal.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}


/// Drops from a URL bound for another origin every query parameter that an API-key scheme of
/// the API sends its key in, whoever put it there (a pagination link may carry it).
fn strip_query_keys(url: &mut Url, spec: &super::client::ApiSpec) {
    let names: Vec<&str> = spec
        .auth
        .iter()
        .filter_map(|s| match s.kind {
            AuthKindSpec::ApiKeyQuery(name) => Some(name),
            _ => None,
        })
        .collect();
    let Some(query) = url.query().filter(|_| !names.is_empty()) else { return };
    // The other pairs keep their bytes as given: a signed storage URL must not be re-encoded.
    let is_key = |pair: &str| {
        let name = pair.split('=').next().unwrap_or_default();
        let name = name.replace('+', " ");
        let name = percent_encoding::percent_decode_str(&name).decode_utf8_lossy();
        names.contains(&name.as_ref())
    };
    if !query.split('&').any(is_key) {
        return;
    }
    let kept: Vec<&str> = query.split('&').filter(|pair| !is_key(pair)).collect();
    let kept = kept.join("&");
    url.set_query(if kept.is_empty() { None } else { Some(&kept) });
}

/// The query parameters added to a URL: a literal query of the path template
/// (`/search?mode=fast`) stays, before them.
fn with_query(mut url: Url, query: &str) -> Url {
    if !query.is_empty() {
        match url.query() {
            Some(literal) if !literal.is_empty() => {
                let query = format!("{literal}&{query}");
                url.set_query(Some(&query));
            }
            _ => url.set_query(Some(query)),
        }
    }
    url
}

/// The URL of `path` (and its query) under the base URL, without parsing the base URL's scheme
/// and host again: a copy of it with the path and query set, the same URL that parsing
/// `{base}{path}` gives. `None` for text a whole parse could read otherwise (a path that does
/// not start with `/`, a fragment, spaces or control characters, which parsing trims): such a
/// path is parsed whole.
fn url_under(base: &Url, path: &str, query: &str) -> Option<Url> {
    if !path.starts_with('/') || path.bytes().any(|b| b <= b' ' || b == b'#' || b == 0x7f) {
        return None;
    }
    let (path, literal) = match path.split_once('?') {
        Some((path, literal)) => (path, Some(literal)),
        None => (path, None),
    };
    let mut url = base.clone();
    match base.path().trim_end_matches('/') {
        "" => url.set_path(path),
        prefix => url.set_path(&format!("{prefix}{path}")),
    }
    url.set_query(literal);
    Some(with_query(url, query))
}

/// A failed attempt, and whether another one may help.
struct Failure {
    error: Error,
    /// Set for connection errors and timeouts that happened before any response.
    retryable: bool,
}

impl Failure {
    fn fatal(error: Error) -> Self {
        Failure { error, retryable: false }
    }
}

/// What one attempt got: the final response (after redirects), its URL, its body still
/// unread, and when the attempt's whole-request timeout ends.
struct Reply {
    url: Url,
    status: StatusCode,
    headers: HeaderMap,
    response: reqwest::Response,
    deadline: Instant,
}

/// A success response whose body is still to be read.
struct Answer {
    call: Call,
    url: Url,
    status: StatusCode,
    headers: HeaderMap,
    response: reqwest::Response,
    deadline: Instant,
}

/// A `Content-Length` header's value.
pub(crate) fn content_length(headers: &HeaderMap) -> Option<u64> {
    header_u64(headers, reqwest::header::CONTENT_LENGTH)
}

impl Transport {
    /// The URL of a request: base URL, path and query, or the URL of a pagination link.
    pub(crate) fn url(&self, request: &Request) -> Result<Url, Error> {
        if let Some(url) = &request.url {
            return Ok(Url::clone(url));
        }
        let query = request.query_string();
        if request.server.is_none() {
            if let Some(url) = url_under(&self.inner.base_url, &request.path, &query) {
                return Ok(url);
            }
        }
        let invalid = |e: String| Error::InvalidRequest(format!("URL for {}: {e}", request.path_template));
        let server = match request.server {
            // The operation's own server; a relative one is resolved against the base URL.
            Some(server) => self.inner.base_url.join(server).map_err(|e| invalid(e.to_string()))?,
            None => self.inner.base_url.clone(),
        };
        let base = server.as_str().trim_end_matches('/');
        let url = Url::parse(&format!("{base}{}", request.path)).map_err(|e| invalid(e.to_string()))?;
        Ok(with_query(url, &query))
    }

    /// Sends a request, retrying and following redirects as configured, and returns the success
    /// response with its body read (up to the body limit), or the error.
    ///
    /// Everything happens inside a `request` span (operation, method, path template, then
    /// status, attempt and elapsed time); neither the credential nor any body is recorded.
    pub fn execute<'a>(
        &'a self,
        request: &'a Request,
        options: &'a RequestOptions,
    ) -> impl std::future::Future<Output = Result<RawResponse, Error>> + 'a {
        let span = request_span(request, &self.inner.base_url);
        // The span is passed, not looked up with `Span::current()`, which needs a subscriber
        // that tracks the current span.
        self.execute_buffered(request, options, span.clone()).instrument(span)
    }

    /// [`execute`](Self::execute) of a request (or of the error that stopped it being built)
    /// that the future owns, with the transport and options: the future of every operation's
    /// `send()`, boxed once, with no layer around it.
    #[allow(clippy::manual_async_fn)] // an `async fn` would hold its arguments twice
    pub(crate) fn execute_owned(
        self,
        request: Result<Request, Error>,
        options: RequestOptions,
    ) -> impl std::future::Future<Output = Result<RawResponse, Error>> + Send + 'static {
        // The request is lent, not moved, to the futures below: each byte of a future's state
        // is copied whenever it is moved, and each level that awaits another moves it.
        async move { self.execute(&request?, &options).await }
    }

    async fn execute_buffered(
        &self,
        request: &Request,
        options: &RequestOptions,
        span: tracing::Span,
    ) -> Result<RawResponse, Error> {
        let limit = options.max_body_size.unwrap_or(self.inner.max_body_size);
        let mut answer = self.execute_inner(request, options, &span).await?;
        let length = content_length(&answer.headers);
        if length.is_some_and(|length| length > limit) {
            return Err(answer.call.too_large(answer.status, &answer.headers, limit, length));
        }
        let wait = Wait::Deadline(answer.deadline);
        let (body, over) = read_limited(&mut answer.response, limit, length, wait, &answer.call).await?;
        if over {
            return Err(answer.call.too_large(answer.status, &answer.headers, limit, length));
        }
        Ok(RawResponse {
            call: answer.call,
            url: answer.url,
            status: answer.status,
            headers: answer.headers,
            body,
            rate_limit_headers: Arc::clone(&self.inner.rate_limit_headers),
        })
    }

    /// Sends a request like [`execute`](Self::execute), but returns as soon as a success
    /// response's headers arrive, its body unread: a [`ByteStream`] with the request's read
    /// timeout and body limit (for its `bytes()`).
    #[allow(clippy::manual_async_fn)] // an `async fn` would hold its arguments twice
    pub fn execute_streamed<'a>(
        &'a self,
        request: Request,
        options: &'a RequestOptions,
    ) -> impl std::future::Future<Output = Result<Response<ByteStream>, Error>> + 'a {
        async move {
            let inner = &self.inner;
            let limit = options.max_body_size.unwrap_or(inner.max_body_size);
            let read_timeout = options.read_timeout.unwrap_or(inner.read_timeout);
            let span = request_span(&request, &inner.base_url);
            let answer = self.execute_inner(&request, options, &span).instrument(span.clone()).await?;
            let stream = ByteStream::new(
                answer.call,
                answer.status,
                answer.headers.clone(),
                answer.response,
                read_timeout,
                limit,
            );
            Ok(Response {
                status: answer.status,
                rate_limits: rate_limits(&answer.headers, &inner.rate_limit_headers),
                headers: answer.headers,
                value: stream,
            })
        }
    }

    async fn execute_inner(
        &self,
        request: &Request,
        options: &RequestOptions,
        span: &tracing::Span,
    ) -> Result<Answer, Error> {
        Request::check_headers(&options.headers)?;
        let inner = &self.inner;
        let mut call = request.call(&inner.base_url);
        call.secrets = inner.secrets.clone();
        let limit = options.max_body_size.unwrap_or(inner.max_body_size);
        let policy = options.retry.as_ref().unwrap_or(&inner.retry);
        // Only the request's own options may opt a POST or PATCH in.
        let opted_in = options.retry_non_idempotent || options.retry.as_ref().is_some_and(|p| p.retry_non_idempotent);
        let may_retry = idempotent(&request.method) || opted_in;
        let started = Instant::now();
        let mut waited = Duration::ZERO;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            // The reply lives in this block only: were it alive across the awaits below, the
            // future of every request would carry its room.
            let failed = {
                let outcome = self.send_following_redirects(request, &call, options).await;
                let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                span.record("elapsed_ms", elapsed_ms);
                match outcome {
                    Ok(reply) => {
                        let status = reply.status;
                        span.record("status", status.as_u16());
                        tracing::debug!(status = status.as_u16(), attempt, elapsed_ms, "response");
                        if status.is_success() {
                            return Ok(Answer {
                                call,
                                url: reply.url,
                                status,
                                headers: reply.headers,
                                response: reply.response,
                                deadline: reply.deadline,
                            });
                        }
                        // Boxed, as is the retry's sleep, for the same reason.
                        Ok((status, Box::pin(self.failed(reply, &call, limit))))
                    }
                    Err(Failure { error, retryable }) => {
                        span.record("error", error.kind());
                        tracing::debug!(attempt, elapsed_ms, error = error.kind(), "no response");
                        if !retryable {
                            return Err(error);
                        }
                        Err(error)
                    }
                }
            };
            let (requested, status, error) = match failed {
                Ok((status, failed)) => {
                    let (requested, error) = failed.await;
                    if !retryable_status(status) {
                        return Err(error);
                    }
                    (requested, Some(status.as_u16()), error)
                }
                Err(error) => (None, None, error),
            };
            // A 429 means the server did not act on the request: any method may be sent again.
            if !(may_retry || status == Some(429)) || attempt >= policy.max_attempts {
                return Err(error);
            }
            // A wait the server asks for is taken whole or not at all: retrying sooner than
            // asked would only be refused again. Past what the client will wait, the call fails
            // at once and the error tells the caller how long the server asked for
            // (`Error::retry_after`).
            let wait = match requested {
                Some(requested) if requested > policy.max_server_wait => {
                    tracing::debug!(
                        requested_ms = u64::try_from(requested.as_millis()).unwrap_or(u64::MAX),
                        "the server asks for a longer wait than the client takes; giving up"
                    );
                    return Err(error);
                }
                Some(requested) => requested,
                None => backoff(policy, attempt),
            };
            if waited.saturating_add(wait) > policy.max_total_wait {
                tracing::debug!(
                    wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    waited_ms = u64::try_from(waited.as_millis()).unwrap_or(u64::MAX),
                    "the retry wait would pass the total wait allowed; giving up"
                );
                return Err(error);
            }
            waited = waited.saturating_add(wait);
            // The error's text is not logged: it may quote the response body.
            tracing::warn!(
                attempt,
                status,
                error = error.kind(),
                requested_ms = requested.map(|r| u64::try_from(r.as_millis()).unwrap_or(u64::MAX)),
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "retrying"
            );
            if let Some(callback) = &inner.on_retry {
                let event = RetryEvent {
                    operation: request.operation,
                    method: request.method.clone(),
                    path: request.path_template,
                    attempt,
                    status,
                    requested,
                    wait,
                };
                callback(&event);
            }
            Box::pin(tokio::time::sleep(wait)).await;
        }
    }

    /// The error of a response that is not a success, and the wait it asks for before another
    /// attempt. An error body is read up to a small limit and kept, truncated, past it; a body
    /// cut short keeps what came: the status is what matters.
    async fn failed(&self, mut reply: Reply, call: &Call, limit: u64) -> (Option<Duration>, Error) {
        let inner = &self.inner;
        let rate_limits = rate_limits(&reply.headers, &inner.rate_limit_headers);
        let requested = server_wait(&reply.headers, reply.status, inner.spec.rate_limits);
        let error_limit = ApiError::BODY_LIMIT.min(limit);
        let length = content_length(&reply.headers);
        let wait = Wait::Deadline(reply.deadline);
        let (body, truncated) =
            read_limited(&mut reply.response, error_limit, length, wait, call).await.unwrap_or_default();
        let body = inner.secrets.redact(body, truncated);
        let error =
            Error::Api(Box::new(ApiError::new(call, reply.status, reply.headers, (body, truncated), rate_limits)));
        (requested, error)
    }

    /// One attempt, following redirects, within one whole-request timeout that ends when the
    /// final response's headers arrive (the body's reading has the deadline of the reply).
    async fn send_following_redirects(
        &self,
        request: &Request,
        call: &Call,
        options: &RequestOptions,
    ) -> Result<Reply, Failure> {
        let inner = &self.inner;
        let http = inner.http(options.connect_timeout).map_err(Failure::fatal)?;
        let mut url = self.url(request).map_err(Failure::fatal)?;
        // The origins credentials may go to: the base URL's, and the operation's own server's.
        // A pagination link or a redirect elsewhere gets none.
        let operation_server = match request.server {
            Some(server) => Some(Box::new(inner.base_url.join(server).map_err(|e| {
                Failure::fatal(Error::InvalidRequest(format!("server `{server}` of {}: {e}", request.path_template)))
            })?)),
            None => None,
        };
        let mut method = request.method.clone();
        // Bodies are held as bytes, so each attempt and each 307/308 redirect replays them whole.
        let mut body = request.body.clone();
        // Any duration is accepted: one too far to add to the clock (`Duration::MAX`) is a year.
        let timeout = options.timeout.unwrap_or(inner.timeout).min(super::client::LONGEST);
        let deadline = Instant::now() + timeout;
        let timed_out = || call.timeout();
        // The query of a URL may hold a credential (an API key scheme) or a signature (a storage
        // redirect): the error keeps the URL without it.
        let transport_error = |source: reqwest::Error| call.transport(source);
        for _ in 0..=MAX_REDIRECTS {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(Failure::fatal(timed_out()));
            }
            // Credentials go only to the origin of the base URL, or of the server the spec gives
            // the operation; never on across a redirect to another origin.
            let trusted =
                same_origin(&url, &inner.base_url) || operation_server.as_ref().is_some_and(|s| same_origin(&url, s));
            // Made by a function of its own, so that what it borrows on the way is not part of
            // this future's state.
            let (outgoing, given_client_check) =
                self.outgoing(request, options, &url, &method, body.as_ref(), trusted).map_err(Failure::fatal)?;
            let sent = tokio::time::timeout(remaining, http.execute(outgoing)).await;
            let mut response = match sent {
                Err(_) => return Err(Failure { error: timed_out(), retryable: true }),
                Ok(Ok(response)) => response,
                // A request that could not even be built will not build the next time either.
                Ok(Err(e)) if e.is_builder() => return Err(Failure::fatal(transport_error(e))),
                Ok(Err(e)) => return Err(Failure { error: transport_error(e), retryable: true }),
            };
            if given_client_check.is_some_and(|url_sent| response.url() != &*url_sent) {
                return Err(Failure::fatal(Error::InvalidRequest(format!(
                    "the HTTP client given to `http_client` followed a redirect from {} {} itself; build it with `.redirect(reqwest::redirect::Policy::none())` so that the runtime follows redirects and keeps credentials from other origins",
                    request.method, request.path_template
                ))));
            }
            let status = response.status();
            let location = response.headers().get(reqwest::header::LOCATION).and_then(|l| l.to_str().ok());
            if let (true, Some(location)) = (status.is_redirection(), location) {
                let next = url
                    .join(location)
                    .map_err(|e| Failure::fatal(Error::InvalidRequest(format!("redirect to `{location}`: {e}"))))?;
                if url.scheme() == "https" && next.scheme() != "https" {
                    let shown = format!("{}://{}{}", next.scheme(), next.host_str().unwrap_or(""), next.path());
                    return Err(Failure::fatal(Error::InvalidRequest(format!(
                        "refusing a redirect from HTTPS to `{shown}`"
                    ))));
                }
                tracing::debug!(
                    status = status.as_u16(),
                    to_host = next.host_str().unwrap_or(""),
                    same_origin = same_origin(&next, &inner.base_url),
                    "following redirect"
                );
                // A 307 or 308 asks for the same method and body again: a body is never replayed
                // to another origin, where it could carry what was meant for the API only.
                if matches!(status, StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT)
                    && body.is_some()
                    && !same_origin(&next, &url)
                {
                    let shown = format!("{}://{}{}", next.scheme(), next.host_str().unwrap_or(""), next.path());
                    return Err(Failure::fatal(Error::InvalidRequest(format!(
                        "refusing to send the body of {} {} again to another origin on a {} redirect to `{shown}`",
                        request.method,
                        request.path_template,
                        status.as_u16()
                    ))));
                }
                if (status == StatusCode::SEE_OTHER && method != Method::HEAD)
                    || (matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND) && method == Method::POST)
                {
                    method = Method::GET;
                    body = None;
                }
                url = next;
                continue;
            }
            let headers = std::mem::take(response.headers_mut());
            return Ok(Reply { url, status, headers, response, deadline });
        }
        Err(Failure::fatal(Error::InvalidRequest(format!(
            "more than {MAX_REDIRECTS} redirects from {} {}",
            request.method, request.path_template
        ))))
    }

    /// The request of one attempt to `url`: its headers, credentials and body when the origin is
    /// `trusted`, none of them otherwise. With a client given to `http_client`, also the URL sent,
    /// to check that the client did not follow a redirect itself.
    #[allow(clippy::type_complexity)]
    fn outgoing(
        &self,
        request: &Request,
        options: &RequestOptions,
        url: &Url,
        method: &Method,
        body: Option<&(std::borrow::Cow<'static, str>, bytes::Bytes)>,
        trusted: bool,
    ) -> Result<(reqwest::Request, Option<Box<Url>>), Error> {
        let inner = &self.inner;
        let mut headers = HeaderMap::new();
        if let Some(accept) = request.accept {
            headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static(accept));
        }
        for (name, value) in request.headers.iter().chain(&options.headers) {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| Error::InvalidRequest(format!("header `{name}`: {e}")))?;
            // Another origin gets none of the request's own headers: a header parameter or
            // one the caller added in `RequestOptions` may be a credential of any name.
            if !trusted {
                continue;
            }
            let value =
                HeaderValue::from_str(value).map_err(|e| Error::InvalidRequest(format!("header `{name}`: {e}")))?;
            headers.append(name, value);
        }
        let mut cookies: Vec<String> = Vec::new();
        let mut url_sent = url.clone();
        if !trusted {
            strip_query_keys(&mut url_sent, inner.spec);
        }
        if trusted {
            cookies.extend(request.cookies.iter().map(|(n, v)| format!("{n}={v}")));
            self.authorize(request, &mut headers, &mut url_sent, &mut cookies)?;
        }
        if !cookies.is_empty() {
            let mut value = HeaderValue::from_str(&cookies.join("; "))
                .map_err(|e| Error::InvalidRequest(format!("cookie: {e}")))?;
            value.set_sensitive(true);
            headers.insert(reqwest::header::COOKIE, value);
        }
        // The request is made whole here, not through a `RequestBuilder` that would copy the
        // headers into a map of its own.
        let given_client_check = inner.given_http_client().then(|| Box::new(url_sent.clone()));
        let mut outgoing = reqwest::Request::new(method.clone(), url_sent);
        if let Some((content_type, bytes)) = body {
            let value = HeaderValue::from_str(content_type)
                .map_err(|e| Error::InvalidRequest(format!("content type `{content_type}`: {e}")))?;
            headers.insert(reqwest::header::CONTENT_TYPE, value);
            *outgoing.body_mut() = Some(bytes.clone().into());
        }
        *outgoing.headers_mut() = headers;
        Ok((outgoing, given_client_check))
    }

    /// Adds the first configured credential among the schemes the operation accepts.
    fn authorize(
        &self,
        request: &Request,
        headers: &mut HeaderMap,
        url: &mut Url,
        cookies: &mut Vec<String>,
    ) -> Result<(), Error> {
        let inner = &self.inner;
        // A raw request may use any scheme of the API: the first one configured.
        let any: Vec<&'static str> =
            if request.any_auth { inner.spec.auth.iter().map(|s| s.name).collect() } else { Vec::new() };
        let schemes: &[&'static str] = if request.any_auth { &any } else { request.auth };
        for scheme in schemes {
            let Some(index) = inner.credentials.iter().position(|(n, _)| n == scheme) else { continue };
            let secret = &inner.credentials[index].1;
            let Some(spec) = inner.spec.auth.iter().find(|s| s.name == *scheme) else { continue };
            // A header credential is made once, when the client is built.
            if let Some((name, value)) = &inner.credential_headers[index] {
                headers.insert(name.clone(), value.clone());
                return Ok(());
            }
            let invalid = |what: &str| Error::InvalidRequest(format!("the credential for `{scheme}` {what}"));
            match (spec.kind, secret) {
                (AuthKindSpec::Bearer, Secret::Token(token)) => {
                    let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
                        .map_err(|_| invalid("is not a valid header value"))?;
                    value.set_sensitive(true);
                    headers.insert(reqwest::header::AUTHORIZATION, value);
                }
                (AuthKindSpec::Basic, Secret::Basic(user, password)) => {
                    let encoded = base64(format!("{user}:{password}").as_bytes());
                    let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
                        .map_err(|_| invalid("is not a valid header value"))?;
                    value.set_sensitive(true);
                    headers.insert(reqwest::header::AUTHORIZATION, value);
                }
                (AuthKindSpec::ApiKeyHeader(name), Secret::Token(key)) => {
                    let name =
                        HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("has an invalid header name"))?;
                    let mut value = HeaderValue::from_str(key).map_err(|_| invalid("is not a valid header value"))?;
                    value.set_sensitive(true);
                    headers.insert(name, value);
                }
                (AuthKindSpec::ApiKeyQuery(name), Secret::Token(key)) => {
                    // A pagination link may already carry the key; it is followed as given.
                    if !url.query_pairs().any(|(n, _)| n == name) {
                        url.query_pairs_mut().append_pair(name, key);
                    }
                }
                (AuthKindSpec::ApiKeyCookie(name), Secret::Token(key)) => cookies.push(format!("{name}={key}")),
                _ => return Err(invalid("is of the wrong kind")),
            }
            return Ok(());
        }
        Ok(())
    }
}

/// The header a credential is sent in (bearer, basic, or an API key in a header), made once when
/// the client is built; `None` for other kinds, and for a value that is not a valid header
/// (`authorize` then says why, on each request).
pub(crate) fn credential_header(
    spec: &super::client::ApiSpec,
    scheme: &str,
    secret: &Secret,
) -> Option<(HeaderName, HeaderValue)> {
    let kind = spec.auth.iter().find(|s| s.name == scheme)?.kind;
    let (name, text) = match (kind, secret) {
        (AuthKindSpec::Bearer, Secret::Token(token)) => (reqwest::header::AUTHORIZATION, format!("Bearer {token}")),
        (AuthKindSpec::Basic, Secret::Basic(user, password)) => {
            (reqwest::header::AUTHORIZATION, format!("Basic {}", base64(format!("{user}:{password}").as_bytes())))
        }
        (AuthKindSpec::ApiKeyHeader(name), Secret::Token(key)) => {
            (HeaderName::from_bytes(name.as_bytes()).ok()?, key.clone())
        }
        _ => return None,
    };
    let mut value = HeaderValue::try_from(text).ok()?;
    value.set_sensitive(true);
    Some((name, value))
}

/// The `request` span of one call. A raw request has no template: its span shows the path
/// called (its query never).
fn request_span(request: &Request, base: &Url) -> tracing::Span {
    let raw_path;
    let path = if request.operation == super::raw::RAW_OPERATION {
        raw_path = request.call(base).path;
        raw_path.as_str()
    } else {
        request.path_template
    };
    tracing::info_span!(
        "request",
        operation = request.operation,
        method = %request.method,
        path = path,
        status = tracing::field::Empty,
        attempt = tracing::field::Empty,
        elapsed_ms = tracing::field::Empty,
        error = tracing::field::Empty,
    )
}

/// Standard base64 with padding, for basic auth.
pub(crate) fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    //! Unit tests of the retry arithmetic and header parsing, and of what a request records in
    //! `tracing` (with a recording subscriber, as the crate has no subscriber dependency).

    use std::io::{Read, Write};
    use std::sync::{Arc, Mutex};

    use super::super::client::{ApiSpec, AuthKindSpec, AuthSpec, ClientBuilder};
    use super::*;

    static SPEC: ApiSpec = ApiSpec {
        auth: &[AuthSpec { name: "bearer", kind: AuthKindSpec::Bearer }],
        rate_limits: &[
            RateLimitSpec {
                scope: "org",
                limit: "X-Org-Limit",
                remaining: "X-Org-Remaining",
                reset: "X-Org-Reset",
                scope_header: None,
            },
            RateLimitSpec {
                scope: "user",
                limit: "X-User-Limit",
                remaining: "X-User-Remaining",
                reset: "X-User-Reset",
                scope_header: None,
            },
        ],
        user_agent: "runtime-tests",
    };

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(n, v)| (HeaderName::from_static(n), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn query_is_retried_like_get_and_post_is_not() {
        assert!(idempotent(&Method::from_bytes(b"QUERY").unwrap()));
        assert!(idempotent(&Method::GET));
        assert!(!idempotent(&Method::POST));
        assert!(!idempotent(&Method::from_bytes(b"PURGE").unwrap()));
    }

    #[test]
    fn http_dates_in_all_three_forms() {
        let expected = Some(784_111_777);
        assert_eq!(http_date("Sun, 06 Nov 1994 08:49:37 GMT"), expected);
        assert_eq!(http_date("Sunday, 06-Nov-94 08:49:37 GMT"), expected);
        assert_eq!(http_date("Sun Nov  6 08:49:37 1994"), expected);
        assert_eq!(http_date("soon"), None);
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_700);
        let map = headers(&[("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")]);
        assert_eq!(retry_after(&map, now), Some(Duration::from_secs(77)));
        assert_eq!(retry_after(&headers(&[("retry-after", "12")]), now), Some(Duration::from_secs(12)));
        assert_eq!(retry_after(&headers(&[("retry-after", "-1")]), now), None);
    }

    #[test]
    fn rate_limit_waits_follow_the_exhausted_family() {
        let spent_user = headers(&[
            ("x-org-remaining", "5"),
            ("x-org-reset", "50"),
            ("x-user-remaining", "0"),
            ("x-user-reset", "7"),
        ]);
        assert_eq!(
            rate_limit_wait(&spent_user, StatusCode::TOO_MANY_REQUESTS, SPEC.rate_limits),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            rate_limit_wait(&spent_user, StatusCode::SERVICE_UNAVAILABLE, SPEC.rate_limits),
            Some(Duration::from_secs(7))
        );
        let none_spent = headers(&[("x-org-remaining", "5"), ("x-org-reset", "50")]);
        assert_eq!(
            rate_limit_wait(&none_spent, StatusCode::TOO_MANY_REQUESTS, SPEC.rate_limits),
            Some(Duration::from_secs(50))
        );
        assert_eq!(rate_limit_wait(&none_spent, StatusCode::SERVICE_UNAVAILABLE, SPEC.rate_limits), None);
        assert_eq!(rate_limit_wait(&HeaderMap::new(), StatusCode::TOO_MANY_REQUESTS, SPEC.rate_limits), None);
    }

    #[test]
    fn backoff_is_exponential_with_full_jitter_and_capped() {
        let policy = RetryPolicy::default().with_backoff(Duration::from_millis(100), Duration::from_millis(1000));
        let ceilings: Vec<u128> = (1..=6).map(|a| backoff_ceiling(&policy, a).as_millis()).collect();
        assert_eq!(ceilings, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(backoff_ceiling(&policy, 200), Duration::from_millis(1000), "no overflow");
        for attempt in [1, 3, 6] {
            let ceiling = backoff_ceiling(&policy, attempt);
            let waits: Vec<Duration> = (0..2000).map(|_| backoff(&policy, attempt)).collect();
            assert!(waits.iter().all(|w| *w <= ceiling));
            // Full jitter: waits spread over the whole range, not clustered near the ceiling.
            assert!(waits.iter().any(|w| *w < ceiling / 10), "attempt {attempt}");
            assert!(waits.iter().any(|w| *w > ceiling * 9 / 10), "attempt {attempt}");
        }
        assert_eq!(backoff(&RetryPolicy::default().with_backoff(Duration::ZERO, Duration::ZERO), 3), Duration::ZERO);
    }

    #[test]
    fn origins_differ_by_scheme_host_or_port() {
        let base = Url::parse("https://api.example.com/v2").unwrap();
        assert!(same_origin(&base, &Url::parse("https://api.example.com:443/other?x=1").unwrap()));
        assert!(!same_origin(&base, &Url::parse("http://api.example.com/v2").unwrap()));
        assert!(!same_origin(&base, &Url::parse("https://api.example.com:8443/v2").unwrap()));
        assert!(!same_origin(&base, &Url::parse("https://storage.example.com/v2").unwrap()));
    }

    #[test]
    fn a_query_key_already_in_a_link_is_not_added_twice() {
        static QUERY_SPEC: ApiSpec = ApiSpec {
            auth: &[AuthSpec { name: "key", kind: AuthKindSpec::ApiKeyQuery("api_key") }],
            rate_limits: &[],
            user_agent: "t",
        };
        let client =
            ClientBuilder::new("https://api.example.com", &QUERY_SPEC).credential("key", "k-1").build().unwrap();
        let request = Request::new("listThings", Method::GET, "/things", &["key"]);
        let (mut headers, mut cookies) = (HeaderMap::new(), Vec::new());

        let mut first = Url::parse("https://api.example.com/things?page=1").unwrap();
        client.transport().authorize(&request, &mut headers, &mut first, &mut cookies).unwrap();
        assert_eq!(first.query(), Some("page=1&api_key=k-1"));

        let mut link = Url::parse("https://api.example.com/things?api_key=k-1&page=2").unwrap();
        client.transport().authorize(&request, &mut headers, &mut link, &mut cookies).unwrap();
        assert_eq!(link.query(), Some("api_key=k-1&page=2"), "followed as given");
    }

    /// Spans and events as recorded: (name or message, fields as text).
    #[derive(Default)]
    struct Recorded {
        spans: Vec<(String, Vec<(String, String)>)>,
        events: Vec<(tracing::Level, Vec<(String, String)>)>,
    }

    struct Recorder(Arc<Mutex<Recorded>>);

    struct Fields<'a>(&'a mut Vec<(String, String)>);

    impl tracing::field::Visit for Fields<'_> {
        fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
            self.0.push((field.name().to_string(), value.to_string()));
        }
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            self.0.push((field.name().to_string(), format!("{value:?}")));
        }
    }

    impl tracing::Subscriber for Recorder {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, attributes: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            let mut recorded = self.0.lock().unwrap();
            let mut fields = Vec::new();
            attributes.record(&mut Fields(&mut fields));
            recorded.spans.push((attributes.metadata().name().to_string(), fields));
            tracing::span::Id::from_u64(recorded.spans.len() as u64)
        }
        fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
            let mut recorded = self.0.lock().unwrap();
            let index = usize::try_from(span.into_u64()).unwrap() - 1;
            values.record(&mut Fields(&mut recorded.spans[index].1));
        }
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            let mut fields = Vec::new();
            event.record(&mut Fields(&mut fields));
            self.0.lock().unwrap().events.push((*event.metadata().level(), fields));
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    /// A server on loopback that answers a 503 (`Retry-After: 0`), then a 200, each with a body
    /// that must not reach the logs.
    fn serve_503_then_200() -> std::net::SocketAddr {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let answers = [
                "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\nContent-Length: 27\r\nConnection: close\r\n\r\n{\"message\":\"BODY-SECRET-1\"}",
                "HTTP/1.1 200 OK\r\nX-Org-Remaining: 9\r\nContent-Length: 21\r\nConnection: close\r\n\r\n{\"v\":\"BODY-SECRET-2\"}",
            ];
            for answer in answers {
                let Ok((mut stream, _)) = listener.accept() else { return };
                let mut request = Vec::new();
                let mut buffer = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        addr
    }

    /// A loopback server that gives each connection the next answer (`{port}` in an answer is
    /// replaced by `other`'s port) and keeps what each request sent, head and body.
    fn serve(answers: Vec<String>) -> (std::net::SocketAddr, Arc<Mutex<Vec<String>>>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for answer in answers {
                let Ok((mut stream, _)) = listener.accept() else { return };
                let _ = stream.set_read_timeout(Some(Duration::from_millis(300)));
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                // The head, then whatever body arrives before the short read timeout.
                loop {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                    if request.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
                log.lock().unwrap().push(String::from_utf8_lossy(&request).into_owned());
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        (addr, seen)
    }

    fn answer(status: &str, headers: &str, body: &str) -> String {
        format!("HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
    }

    static EVERY_KIND: ApiSpec = ApiSpec {
        auth: &[
            AuthSpec { name: "bearer", kind: AuthKindSpec::Bearer },
            AuthSpec { name: "basic", kind: AuthKindSpec::Basic },
            AuthSpec { name: "header", kind: AuthKindSpec::ApiKeyHeader("X-Api-Key") },
            AuthSpec { name: "query", kind: AuthKindSpec::ApiKeyQuery("api_key") },
            AuthSpec { name: "cookie", kind: AuthKindSpec::ApiKeyCookie("session") },
        ],
        rate_limits: &[],
        user_agent: "runtime-tests",
    };

    /// A client of `EVERY_KIND` with one credential configured, and the secret text it sends.
    fn with_credential(base: &str, scheme: &str) -> (ClientBuilder, &'static str) {
        let builder = ClientBuilder::new(base, &EVERY_KIND).allow_http(true);
        match scheme {
            "bearer" => (builder.bearer_token("tok-SECRET-bearer"), "SECRET"),
            // `user:pw-SECRET-basic` in base64 holds no plain `SECRET`: look for the encoding.
            "basic" => (builder.basic_auth("user", "pw-SECRET-basic"), "dXNlcjpwdy1TRUNSRVQtYmFzaWM="),
            other => (builder.credential(other, format!("key-SECRET-{other}")), "SECRET"),
        }
    }

    #[tokio::test]
    async fn no_credential_of_any_kind_follows_a_redirect_or_a_page_link_to_another_origin() {
        for scheme in ["bearer", "basic", "header", "query", "cookie"] {
            // A redirect to another origin, the key already in its query as a server might echo it.
            let (storage, storage_seen) = serve(vec![answer("200 OK", "", "{}")]);
            let location = format!("Location: http://{storage}/blob?sig=a%2Bb&api_key=key-SECRET-query\r\n");
            let (api, api_seen) = serve(vec![answer("302 Found", &location, "")]);
            let (builder, secret) = with_credential(&format!("http://{api}"), scheme);
            let client = builder.build().unwrap();
            let request = Request::new("getBlob", Method::GET, "/blob", &["bearer", "basic", "header", "query", "cookie"]);
            let options = RequestOptions::new().header("X-Caller-Key", "caller-SECRET");
            client.transport().execute(&request, &options).await.unwrap();
            let first = api_seen.lock().unwrap()[0].clone();
            assert!(first.contains(secret), "{scheme}: the API gets the credential: {first}");
            assert!(first.contains("caller-SECRET"), "{scheme}: and the caller's header");
            let other = storage_seen.lock().unwrap()[0].clone();
            assert!(!other.contains("SECRET"), "{scheme}: a credential crossed a redirect: {other}");
            assert!(other.starts_with("GET /blob?sig=a%2Bb HTTP/1.1"), "{scheme}: the rest as given: {other}");

            // A pagination link to another origin.
            let (elsewhere, elsewhere_seen) = serve(vec![answer("200 OK", "", "[]")]);
            let link = format!("Link: <http://{elsewhere}/things?page=2>; rel=\"next\"\r\n");
            let (api, api_seen) = serve(vec![answer("200 OK", &link, "[1]")]);
            let (builder, secret) = with_credential(&format!("http://{api}"), scheme);
            let client = builder.build().unwrap();
            let request = Request::new("listThings", Method::GET, "/things", &["bearer", "basic", "header", "query", "cookie"]);
            let first = super::super::pagination::Page::<u32>::first(
                client.transport().clone(),
                Ok(request),
                options.clone(),
                super::super::pagination::PageStyle::Link,
            )
            .await
            .unwrap();
            assert!(api_seen.lock().unwrap()[0].contains(secret), "{scheme}");
            let second = first.next_page().await.unwrap().expect("a second page");
            assert!(second.is_empty());
            let other = elsewhere_seen.lock().unwrap()[0].clone();
            assert!(!other.contains("SECRET"), "{scheme}: a credential followed a page link: {other}");
        }
    }

    #[test]
    fn a_path_set_on_the_base_url_gives_the_url_a_whole_parse_gives() {
        let bases =
            ["https://api.example.com", "https://api.example.com/", "http://127.0.0.1:8080/v2/", "https://h/a/b"];
        let paths = [
            "/things",
            "/",
            "/organizations/acme/pipelines/app/builds/1",
            "/a%2Fb/c%20d/%E2%82%AC",
            "/x/./y/../z",
            "/x/%2e%2E/y",
            "/back\\slash",
            "/ünïcode/€/\u{1F600}",
            "/search?mode=fast",
            "/search?",
            "/search?q=a+b&r=é&s=%20",
            "/a/{braces}/[brackets]/|pipe|/^caret`/\"quote\"/<lt>",
            "/trailing/",
            "//double//slashes",
            "/a;b=c,d",
        ];
        let queries = ["", "page=2", "q=a%20b&state[]=x"];
        for base in bases {
            let base = Url::parse(base.trim_end_matches('/')).unwrap();
            for path in paths {
                for query in queries {
                    let parsed = Url::parse(&format!("{}{path}", base.as_str().trim_end_matches('/'))).unwrap();
                    let expected = with_query(parsed, query);
                    let fast = url_under(&base, path, query).unwrap_or_else(|| panic!("{path} is taken the fast way"));
                    assert_eq!(fast.as_str(), expected.as_str(), "{base} {path} {query}");
                    assert_eq!(fast, expected, "{base} {path} {query}");
                }
            }
        }
        for path in ["relative", "/with#fragment", "/space at end ", "/tab\tinside"] {
            assert!(url_under(&Url::parse("https://h").unwrap(), path, "").is_none(), "{path}");
        }
    }

    #[test]
    fn operation_servers_resolve_against_the_base_url_and_literal_queries_stay() {
        let client = ClientBuilder::new("https://api.example.com/v1", &SPEC).build().unwrap();
        let url = |server: Option<&'static str>, path: &str, query: &[(&str, &str)]| {
            let mut request = Request::new("op", Method::GET, "/x", &[]);
            if let Some(server) = server {
                request.server(server);
            }
            request.path(path);
            for (name, value) in query {
                request.query(name, super::super::request::QueryStyle::FormExploded, value).unwrap();
            }
            client.transport().url(&request).unwrap().to_string()
        };
        assert_eq!(url(None, "/things", &[]), "https://api.example.com/v1/things");
        assert_eq!(url(Some("/storage"), "/things", &[]), "https://api.example.com/storage/things");
        assert_eq!(url(Some("https://mirror.example.com/"), "/things", &[]), "https://mirror.example.com/things");
        assert_eq!(url(None, "/search?mode=fast", &[]), "https://api.example.com/v1/search?mode=fast");
        assert_eq!(
            url(None, "/search?mode=fast", &[("q", "a b")]),
            "https://api.example.com/v1/search?mode=fast&q=a%20b"
        );
    }

    #[tokio::test]
    async fn a_request_span_has_the_operation_status_attempt_and_time_but_no_token_or_body() {
        const TOKEN: &str = "tok-SECRET-123";
        let recorded = Arc::new(Mutex::new(Recorded::default()));
        let _guard = tracing::subscriber::set_default(Recorder(recorded.clone()));
        let addr = serve_503_then_200();
        let client =
            ClientBuilder::new(&format!("http://{addr}"), &SPEC).allow_http(true).bearer_token(TOKEN).build().unwrap();
        let mut request = Request::new("getThing", Method::GET, "/things/{id}", &["bearer"]);
        request.path("/things/");
        request.path_param("id", &"t-1").unwrap();

        let response = client.transport().execute(&request, &RequestOptions::default()).await.unwrap();
        assert_eq!(response.status, StatusCode::OK);

        let recorded = recorded.lock().unwrap();
        let spans: Vec<_> = recorded.spans.iter().filter(|(name, _)| name == "request").collect();
        assert_eq!(spans.len(), 1);
        let field = |name: &str| spans[0].1.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        assert_eq!(field("operation"), Some("getThing"));
        assert_eq!(field("method"), Some("GET"));
        assert_eq!(field("path"), Some("/things/{id}"));
        assert_eq!(field("status"), Some("200"));
        assert_eq!(field("attempt"), Some("2"));
        assert!(field("elapsed_ms").is_some_and(|ms| ms.parse::<u64>().is_ok()));
        let retry = recorded.events.iter().find(|(_, f)| f.iter().any(|(n, v)| n == "message" && v == "retrying"));
        let (level, fields) = retry.expect("a retry event");
        assert_eq!(*level, tracing::Level::WARN);
        assert!(fields.iter().any(|(n, v)| n == "status" && v == "503"), "{fields:?}");
        assert!(fields.iter().any(|(n, v)| n == "wait_ms" && v == "0"), "{fields:?}");
        let everything = format!("{:?} {:?}", recorded.spans, recorded.events);
        assert!(!everything.contains("SECRET"), "a token or a body reached tracing: {everything}");
    }
}
