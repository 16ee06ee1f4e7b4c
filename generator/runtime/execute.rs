//! Sending: credentials, redirects followed by hand (credentials never cross origins), retries
//! with backoff that honour `Retry-After` and rate-limit reset headers, timeouts, tracing.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use tracing::Instrument;

use super::client::{AuthKindSpec, Inner, RequestOptions, RetryEvent, RetryPolicy, Secret, Transport};
use super::error::{ApiError, Error};
use super::request::Request;
use super::response::{header_u64, rate_limits, RawResponse};

/// How many redirects a request follows.
const MAX_REDIRECTS: usize = 10;

/// Statuses worth another attempt.
fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

fn idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE)
}

/// A random number without a dependency: std's hasher keys are random per process and per call.
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(Instant::now().elapsed().as_nanos());
    hasher.finish()
}

/// Exponential backoff with full jitter: a random wait in `[0, min(max, initial * 2^(attempt-1))]`.
fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let ceiling = policy.initial_backoff.saturating_mul(1u32 << (attempt.saturating_sub(1)).min(20)).min(policy.max_backoff);
    let millis = ceiling.as_millis() as u64;
    if millis == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(random_u64() % (millis + 1))
}

/// The wait a response asks for: `Retry-After` (seconds or an HTTP date), else the longest
/// reset of an exhausted rate-limit family (or of any family on a 429).
fn server_wait(headers: &HeaderMap, status: StatusCode, inner: &Inner) -> Option<Duration> {
    if let Some(value) = headers.get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()) {
        let value = value.trim();
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        if let Ok(date) = chrono::DateTime::parse_from_rfc2822(value) {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            let at = Duration::from_secs(u64::try_from(date.timestamp()).unwrap_or(0));
            return Some(at.saturating_sub(now));
        }
    }
    let exhausted = inner
        .spec
        .rate_limits
        .iter()
        .filter(|s| status == StatusCode::TOO_MANY_REQUESTS || header_u64(headers, s.remaining) == Some(0))
        .filter_map(|s| header_u64(headers, s.reset))
        .max()?;
    Some(Duration::from_secs(exhausted))
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

impl Transport {
    /// The URL of a request: base URL, path and query, or the URL of a pagination link.
    fn url(&self, request: &Request) -> Result<Url, Error> {
        if let Some(url) = &request.url {
            return Ok(url.clone());
        }
        let base = self.inner.base_url.as_str().trim_end_matches('/');
        let mut url = Url::parse(&format!("{base}{}", request.path))
            .map_err(|e| Error::InvalidRequest(format!("URL for {}: {e}", request.path_template)))?;
        let query = request.query_string();
        if !query.is_empty() {
            url.set_query(Some(&query));
        }
        Ok(url)
    }

    /// Sends a request, retrying and following redirects as configured, and returns the success
    /// response with its body read, or the error.
    pub async fn execute(&self, request: Request, options: &RequestOptions) -> Result<RawResponse, Error> {
        Request::check_headers(&options.headers)?;
        let span = tracing::info_span!(
            "request",
            operation = request.operation,
            method = %request.method,
            path = request.path_template,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        self.execute_inner(request, options).instrument(span).await
    }

    async fn execute_inner(&self, request: Request, options: &RequestOptions) -> Result<RawResponse, Error> {
        let inner = &self.inner;
        let policy = options.retry.as_ref().unwrap_or(&inner.retry);
        let may_retry = idempotent(&request.method) || policy.retry_non_idempotent;
        let started = Instant::now();
        let mut waited = Duration::ZERO;
        let mut attempt = 0u32;
        let span = tracing::Span::current();
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            let outcome = self.send_following_redirects(&request, options).await;
            span.record("elapsed_ms", started.elapsed().as_millis() as u64);
            let (wait, status, error) = match outcome {
                Ok((status, headers, body)) if status.is_success() => {
                    span.record("status", status.as_u16());
                    let rate_limits = rate_limits(&headers, inner.spec.rate_limits);
                    return Ok(RawResponse {
                        operation: request.operation,
                        method: request.method.clone(),
                        path: request.path_template,
                        status,
                        headers,
                        body,
                        rate_limits,
                    });
                }
                Ok((status, headers, body)) => {
                    span.record("status", status.as_u16());
                    let wait = retryable_status(status).then(|| server_wait(&headers, status, inner));
                    let error = Error::Api(Box::new(ApiError::new(
                        request.operation,
                        request.method.clone(),
                        request.path_template,
                        status,
                        headers,
                        body,
                    )));
                    match wait {
                        Some(server) => (server, Some(status.as_u16()), error),
                        None => return Err(error),
                    }
                }
                // Only failures before a response are retried: a body cut short may have had effects.
                Err((error, before_response)) if before_response => (None, None, error),
                Err((error, _)) => return Err(error),
            };
            if !may_retry || attempt >= policy.max_attempts {
                return Err(error);
            }
            let wait = wait.unwrap_or_else(|| backoff(policy, attempt));
            if waited + wait > policy.max_total_wait {
                tracing::debug!(?wait, ?waited, "retry wait would exceed the total wait allowed; giving up");
                return Err(error);
            }
            waited += wait;
            let event = RetryEvent { operation: request.operation, attempt, status, wait };
            tracing::warn!(attempt, ?status, wait_ms = wait.as_millis() as u64, error = %error, "retrying");
            if let Some(callback) = &inner.on_retry {
                callback(&event);
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt, following redirects. On failure, says whether it happened before any
    /// response arrived.
    async fn send_following_redirects(
        &self,
        request: &Request,
        options: &RequestOptions,
    ) -> Result<(StatusCode, HeaderMap, bytes::Bytes), (Error, bool)> {
        let inner = &self.inner;
        let first = self.url(request).map_err(|e| (e, false))?;
        let mut url = first.clone();
        let mut method = request.method.clone();
        let mut body = request.body.clone();
        let timeout = options.timeout.unwrap_or(inner.timeout);
        let transport_error = |source: reqwest::Error| {
            if source.is_timeout() {
                Error::Timeout { operation: request.operation, method: request.method.clone(), path: request.path_template }
            } else {
                Error::Transport { operation: request.operation, method: request.method.clone(), path: request.path_template, source }
            }
        };
        for _ in 0..=MAX_REDIRECTS {
            // Credentials go only to the origin of the base URL.
            let trusted = same_origin(&url, &inner.base_url);
            let mut builder = inner.http.request(method.clone(), url.clone()).timeout(timeout);
            let mut headers = HeaderMap::new();
            if let Some(accept) = request.accept {
                headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static(accept));
            }
            for (name, value) in request.headers.iter().chain(&options.headers) {
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|e| (Error::InvalidRequest(format!("header `{name}`: {e}")), false))?;
                let value = HeaderValue::from_str(value)
                    .map_err(|e| (Error::InvalidRequest(format!("header `{name}`: {e}")), false))?;
                headers.append(name, value);
            }
            let mut cookies: Vec<String> = request.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
            if trusted {
                self.authorize(request, &mut headers, &mut url, &mut cookies).map_err(|e| (e, false))?;
            }
            if !cookies.is_empty() {
                let value = HeaderValue::from_str(&cookies.join("; "))
                    .map_err(|e| (Error::InvalidRequest(format!("cookie: {e}")), false))?;
                headers.insert(reqwest::header::COOKIE, value);
            }
            if let Some((content_type, bytes)) = &body {
                headers.insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static(content_type));
                builder = builder.body(bytes.clone());
            }
            let response = builder.headers(headers).send().await.map_err(|e| (transport_error(e), true))?;
            let status = response.status();
            if status.is_redirection() {
                if let Some(location) = response.headers().get(reqwest::header::LOCATION).and_then(|l| l.to_str().ok()) {
                    let next = url
                        .join(location)
                        .map_err(|e| (Error::InvalidRequest(format!("redirect to `{location}`: {e}")), false))?;
                    if url.scheme() == "https" && next.scheme() != "https" {
                        return Err((Error::InvalidRequest(format!("refusing a redirect from HTTPS to `{next}`")), false));
                    }
                    tracing::debug!(from = %url.path(), to_host = ?next.host_str(), "following redirect");
                    if status == StatusCode::SEE_OTHER
                        || (matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND) && method == Method::POST)
                    {
                        method = Method::GET;
                        body = None;
                    }
                    url = next;
                    continue;
                }
            }
            let headers = response.headers().clone();
            let bytes = response.bytes().await.map_err(|e| (transport_error(e), false))?;
            return Ok((status, headers, bytes));
        }
        Err((Error::InvalidRequest(format!("more than {MAX_REDIRECTS} redirects from {first}")), false))
    }

    /// Adds the first configured credential among the schemes the operation accepts.
    fn authorize(&self, request: &Request, headers: &mut HeaderMap, url: &mut Url, cookies: &mut Vec<String>) -> Result<(), Error> {
        let inner = &self.inner;
        for scheme in request.auth {
            let Some((_, secret)) = inner.credentials.iter().find(|(n, _)| n == scheme) else { continue };
            let Some(spec) = inner.spec.auth.iter().find(|s| s.name == *scheme) else { continue };
            let invalid = |what: &str| Error::InvalidRequest(format!("the credential for `{scheme}` {what}"));
            match (spec.kind, secret) {
                (AuthKindSpec::Bearer, Secret::Token(token)) => {
                    let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| invalid("is not a valid header value"))?;
                    value.set_sensitive(true);
                    headers.insert(reqwest::header::AUTHORIZATION, value);
                }
                (AuthKindSpec::Basic, Secret::Basic(user, password)) => {
                    let encoded = base64(format!("{user}:{password}").as_bytes());
                    let mut value = HeaderValue::from_str(&format!("Basic {encoded}")).map_err(|_| invalid("is not a valid header value"))?;
                    value.set_sensitive(true);
                    headers.insert(reqwest::header::AUTHORIZATION, value);
                }
                (AuthKindSpec::ApiKeyHeader(name), Secret::Token(key)) => {
                    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("has an invalid header name"))?;
                    let mut value = HeaderValue::from_str(key).map_err(|_| invalid("is not a valid header value"))?;
                    value.set_sensitive(true);
                    headers.insert(name, value);
                }
                (AuthKindSpec::ApiKeyQuery(name), Secret::Token(key)) => {
                    url.query_pairs_mut().append_pair(name, key);
                }
                (AuthKindSpec::ApiKeyCookie(name), Secret::Token(key)) => cookies.push(format!("{name}={key}")),
                _ => return Err(invalid("is of the wrong kind")),
            }
            return Ok(());
        }
        Ok(())
    }
}

/// Standard base64 with padding, for basic auth.
fn base64(input: &[u8]) -> String {
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
