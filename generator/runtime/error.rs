//! The one error type of the client. No variant holds the credential, and `Display` is one line.
//!
//! Every error of a sent request names its operation, method and the path actually called
//! (`/organizations/acme/pipelines/app/builds/42`, relative to the base URL, never with its
//! query, which may hold an API key), beside the path template; errors that came with a
//! response also keep its status and headers. `Debug` is short (what `main() -> Result` and
//! `.unwrap()` print): the status, operation, path and message, never the headers or the body;
//! text from a response that could echo the request has the client's credentials written over.

use std::fmt;
use std::sync::Arc;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use super::response::RateLimit;

/// Everything a call can fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request never got a complete response: connection refused or dropped, TLS, a body cut short.
    Transport {
        /// The operation's id (`raw` for [`Client::request`](crate::Client::request)).
        operation: &'static str,
        /// The HTTP method.
        method: Method,
        /// The path called, relative to the base URL, without its query.
        path: String,
        /// The path template, e.g. `/organizations/{org}`.
        path_template: &'static str,
        /// What failed.
        source: reqwest::Error,
    },
    /// An attempt took longer than its whole-request or connect timeout (the last attempt,
    /// when there were retries), or a streamed body sent nothing for longer than the read
    /// timeout.
    Timeout {
        /// The operation's id.
        operation: &'static str,
        /// The HTTP method.
        method: Method,
        /// The path called, relative to the base URL, without its query.
        path: String,
        /// The path template.
        path_template: &'static str,
    },
    /// The server answered with a status that is not a success (after retries, the last one).
    Api(Box<ApiError>),
    /// A success response whose body does not match the expected type.
    Decode(Box<DecodeError>),
    /// A body to be held in memory is larger than the limit
    /// ([`ClientBuilder::max_body_size`](crate::ClientBuilder::max_body_size),
    /// [`RequestOptions::max_body_size`](crate::RequestOptions::max_body_size)): refused before
    /// reading when its `Content-Length` says so, else as soon as the bytes read pass it.
    BodyTooLarge(Box<BodyTooLarge>),
    /// Writing a streamed body failed ([`ByteStream::copy_to`](super::ByteStream::copy_to),
    /// [`ByteStream::save`](super::ByteStream::save)): the writer's or the file's error.
    Io {
        /// The operation's id.
        operation: &'static str,
        /// The HTTP method.
        method: Method,
        /// The path called, relative to the base URL, without its query.
        path: String,
        /// The path template.
        path_template: &'static str,
        /// What failed (for a file, its message names the file).
        source: std::io::Error,
    },
    /// The request could not be built: a header value with a line break, a path parameter that
    /// would change the path, a base URL that is not HTTPS, a missing credential.
    InvalidRequest(String),
}

/// A response with a status that is not a success.
///
/// Its body is read up to [`ApiError::BODY_LIMIT`] bytes (or the request's body limit, if
/// smaller): an error body is for people and for an error model, and a server that answers a
/// failure with a large body must not cost memory. Every credential the client holds is
/// written over in it (`[redacted]`), a server that echoes the request notwithstanding.
#[derive(Clone)]
pub struct ApiError {
    /// The operation's id.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path called, relative to the base URL, without its query.
    pub path: String,
    /// The path template.
    pub path_template: &'static str,
    /// The status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body as read, credentials redacted: whole, or its first [`ApiError::BODY_LIMIT`]
    /// bytes when [`body_truncated`](Self::body_truncated).
    pub body: bytes::Bytes,
    /// Whether the body was longer than what was read.
    pub body_truncated: bool,
    /// `message` from a JSON body `{"message": ...}`.
    pub message: Option<String>,
    /// `errors` from a JSON body `{"message": ..., "errors": [...]}`.
    pub errors: Option<serde_json::Value>,
    /// The rate-limit figures of every family the API declares and the response carries.
    pub rate_limits: Vec<RateLimit>,
}

impl ApiError {
    /// The most bytes of an error body read: 64 KiB, far more than any JSON error message.
    pub const BODY_LIMIT: u64 = 64 * 1024;

    pub(crate) fn new(
        call: &Call,
        status: StatusCode,
        headers: HeaderMap,
        (body, body_truncated): (bytes::Bytes, bool),
        rate_limits: Vec<RateLimit>,
    ) -> Self {
        let parsed: Option<serde_json::Map<String, serde_json::Value>> = serde_json::from_slice(&body).ok();
        let message = parsed.as_ref().and_then(|m| m.get("message")).and_then(|m| m.as_str()).map(String::from);
        // `get` and a copy, not `remove`: the map's removal code would be compiled for this
        // error path alone.
        let errors = parsed.as_ref().and_then(|m| m.get("errors")).cloned();
        ApiError {
            operation: call.operation,
            method: call.method.clone(),
            path: call.path.clone(),
            path_template: call.path_template,
            status,
            headers,
            body,
            body_truncated,
            message,
            errors,
            rate_limits,
        }
    }

    /// The rate-limit figures of one family (e.g. `organization`).
    pub fn rate_limit(&self, scope: &str) -> Option<&RateLimit> {
        self.rate_limits.iter().find(|r| r.scope == scope)
    }

    /// The body as text (lossy for bytes that are not UTF-8).
    pub fn body_text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// Decodes the body as JSON into a type of the caller's choice, such as the spec's error model.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        // Read as text, as success bodies are (`RawResponse::json`), so that each model's
        // `Deserialize` is compiled for one reader only.
        serde_json::from_str(&super::response::json_text(&self.body))
    }
}

/// A body that did not decode, with where and why, and the response's headers (its request
/// id, its rate-limit figures). It keeps an excerpt of the body, never the body, and the
/// excerpt and message have the client's credentials written over (`[redacted]`).
pub struct DecodeError {
    /// The operation's id.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path called, relative to the base URL, without its query.
    pub path: String,
    /// The path template.
    pub path_template: &'static str,
    /// The response status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The rate-limit figures of every family the API declares and the response carries.
    pub rate_limits: Vec<RateLimit>,
    /// Where in the body decoding failed, e.g. `jobs[3].started_at` (`.` for the root).
    pub json_path: String,
    /// What was wrong there.
    pub message: String,
    /// At most about 300 characters of the body around the failure.
    pub excerpt: String,
}

impl DecodeError {
    /// The error of a call whose body did not decode: where, why, and an excerpt.
    pub(crate) fn of(
        call: &Call,
        (status, headers, rate_limits): (StatusCode, HeaderMap, Vec<RateLimit>),
        json_path: String,
        message: String,
        excerpt: String,
    ) -> Error {
        // Both may quote the body, and a server may echo the request's credential in it.
        let (message, excerpt) = (call.secrets.redact_text(&message), call.secrets.redact_text(&excerpt));
        Error::Decode(Box::new(DecodeError {
            operation: call.operation,
            method: call.method.clone(),
            path: call.path.clone(),
            path_template: call.path_template,
            status,
            headers,
            rate_limits,
            json_path,
            message,
            excerpt,
        }))
    }
}

/// A body over the limit of what the client holds in memory.
pub struct BodyTooLarge {
    /// The operation's id.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path called, relative to the base URL, without its query.
    pub path: String,
    /// The path template.
    pub path_template: &'static str,
    /// The response status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The limit, in bytes.
    pub limit: u64,
    /// The `Content-Length` the response declared, if any.
    pub content_length: Option<u64>,
}

/// Who made a request: what every error of it names. Built once per request.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) path_template: &'static str,
    /// The client's credentials, to write over in text quoted from a response.
    pub(crate) secrets: Secrets,
}

/// The texts of the client's credentials as a request carries them (a token, a password, a basic
/// `user:password` in base64), written over wherever a response quotes them. Values shorter
/// than 8 bytes are no real credential and are left alone, so that they cannot mangle a body.
/// Never printed.
#[derive(Clone, Default)]
pub(crate) struct Secrets(Option<Arc<[String]>>);

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// What stands in for a credential.
const REDACTED: &str = "[redacted]";

/// The shortest end of a credential that counts as one where text was cut.
const SHORTEST_CUT: usize = 4;

impl Secrets {
    pub(crate) fn new(secrets: impl IntoIterator<Item = String>) -> Self {
        let secrets: Vec<String> = secrets.into_iter().filter(|s| s.len() >= 8).collect();
        Secrets((!secrets.is_empty()).then(|| secrets.into()))
    }

    fn list(&self) -> &[String] {
        self.0.as_deref().unwrap_or_default()
    }

    /// `body` with every credential written over. A `truncated` body also loses an end that
    /// starts a credential (the truncation may have cut one).
    pub(crate) fn redact(&self, body: bytes::Bytes, truncated: bool) -> bytes::Bytes {
        let secrets = self.list();
        let body = if truncated {
            let cut = secrets.iter().filter_map(|s| cut_prefix(&body, s.as_bytes())).max().unwrap_or(0);
            body.slice(..body.len() - cut)
        } else {
            body
        };
        let found = |body: &[u8]| secrets.iter().any(|s| body.windows(s.len()).any(|w| w == s.as_bytes()));
        if !found(&body) {
            return body;
        }
        bytes::Bytes::from(replace_all(body.to_vec(), secrets))
    }

    /// Text quoted from a response (an excerpt, a decoder's message) with every credential
    /// written over, and an end at either side that is part of one: an excerpt is a window
    /// that may have cut a credential in two.
    pub(crate) fn redact_text(&self, text: &str) -> String {
        let secrets = self.list();
        if secrets.is_empty() {
            return text.to_string();
        }
        let mut bytes = replace_all(text.as_bytes().to_vec(), secrets);
        if let Some(cut) = secrets.iter().filter_map(|s| cut_prefix(&bytes, s.as_bytes())).max() {
            bytes.truncate(bytes.len() - cut);
            bytes.extend_from_slice(REDACTED.as_bytes());
        }
        let cut_suffix = |s: &String| {
            (SHORTEST_CUT..s.len()).rev().find(|n| bytes.starts_with(&s.as_bytes()[s.len() - n..]))
        };
        if let Some(cut) = secrets.iter().filter_map(cut_suffix).max() {
            bytes.splice(..cut, REDACTED.bytes());
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// The length of the longest start of `secret` (at least [`SHORTEST_CUT`] bytes, shorter than
/// it whole) that `text` ends with.
fn cut_prefix(text: &[u8], secret: &[u8]) -> Option<usize> {
    (SHORTEST_CUT..secret.len()).rev().find(|n| text.ends_with(&secret[..*n]))
}

fn replace_all(mut out: Vec<u8>, secrets: &[String]) -> Vec<u8> {
    for secret in secrets {
        let secret = secret.as_bytes();
        if !out.windows(secret.len()).any(|w| w == secret) {
            continue;
        }
        let mut i = 0;
        let mut next = Vec::with_capacity(out.len());
        while i < out.len() {
            if out[i..].starts_with(secret) {
                next.extend_from_slice(REDACTED.as_bytes());
                i += secret.len();
            } else {
                next.push(out[i]);
                i += 1;
            }
        }
        out = next;
    }
    out
}

/// Whether a header's value is a credential, by its name: the usual ones, and those the spec's
/// API key schemes declare.
pub(crate) fn sensitive_header(name: &str) -> bool {
    sensitive_under(name, crate::client::API.auth)
}

/// Whether a header's value is a credential under these security schemes.
fn sensitive_under(name: &str, auth: &[super::client::AuthSpec]) -> bool {
    const ALWAYS: &[&str] = &["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"];
    ALWAYS.iter().any(|n| n.eq_ignore_ascii_case(name))
        || auth.iter().any(|scheme| match scheme.kind {
            super::client::AuthKindSpec::ApiKeyHeader(header) => header.eq_ignore_ascii_case(name),
            _ => false,
        })
}

/// A header map as `Debug` shows it: each name with its value, or `<redacted>` for a credential.
pub(crate) struct RedactedHeaders<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if sensitive_header(name.as_str()) {
                map.entry(&name.as_str(), &format_args!("<redacted>"));
            } else {
                map.entry(&name.as_str(), value);
            }
        }
        map.finish()
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("ApiError");
        out.field("status", &self.status.as_u16())
            .field("operation", &self.operation)
            .field("method", &format_args!("{}", self.method))
            .field("path", &self.path);
        match &self.message {
            Some(message) => out.field("message", &one_line(message, 300)),
            // A few hundred bytes are enough for 200 characters; the body is not copied whole.
            None if !self.body.is_empty() => out.field(
                "body",
                &one_line(&String::from_utf8_lossy(&self.body[..self.body.len().min(1024)]), 200),
            ),
            None => &mut out,
        };
        if let Some(errors) = &self.errors {
            out.field("errors", &one_line(&errors.to_string(), 200));
        }
        out.finish_non_exhaustive()
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status.as_u16())
            .field("operation", &self.operation)
            .field("method", &format_args!("{}", self.method))
            .field("path", &self.path)
            .field("json_path", &self.json_path)
            .field("message", &one_line(&self.message, 200))
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for BodyTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyTooLarge")
            .field("status", &self.status.as_u16())
            .field("operation", &self.operation)
            .field("method", &format_args!("{}", self.method))
            .field("path", &self.path)
            .field("limit", &self.limit)
            .field("content_length", &self.content_length)
            .finish_non_exhaustive()
    }
}

impl Call {
    pub(crate) fn timeout(&self) -> Error {
        Error::Timeout {
            operation: self.operation,
            method: self.method.clone(),
            path: self.path.clone(),
            path_template: self.path_template,
        }
    }

    /// A reqwest error: a timeout, or a transport failure whose URL loses its query (it may
    /// hold a credential, an API key scheme's, or a signature, a storage redirect's).
    pub(crate) fn transport(&self, mut source: reqwest::Error) -> Error {
        if source.is_timeout() {
            return self.timeout();
        }
        if let Some(url) = source.url_mut() {
            url.set_query(None);
        }
        Error::Transport {
            operation: self.operation,
            method: self.method.clone(),
            path: self.path.clone(),
            path_template: self.path_template,
            source,
        }
    }

    pub(crate) fn io(&self, source: std::io::Error) -> Error {
        Error::Io {
            operation: self.operation,
            method: self.method.clone(),
            path: self.path.clone(),
            path_template: self.path_template,
            source,
        }
    }

    pub(crate) fn too_large(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        limit: u64,
        content_length: Option<u64>,
    ) -> Error {
        Error::BodyTooLarge(Box::new(BodyTooLarge {
            operation: self.operation,
            method: self.method.clone(),
            path: self.path.clone(),
            path_template: self.path_template,
            status,
            headers: headers.clone(),
            limit,
            content_length,
        }))
    }
}

impl Error {
    /// The HTTP status, for API and decode errors.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::BodyTooLarge(e) => Some(e.status),
            _ => None,
        }
    }

    /// The path called, relative to the base URL and without its query, for every error of a
    /// sent request (`None` for an invalid request).
    pub fn path(&self) -> Option<&str> {
        match self {
            Error::Transport { path, .. } | Error::Timeout { path, .. } | Error::Io { path, .. } => Some(path),
            Error::Api(e) => Some(&e.path),
            Error::Decode(e) => Some(&e.path),
            Error::BodyTooLarge(e) => Some(&e.path),
            Error::InvalidRequest(_) => None,
        }
    }

    /// The response headers, when a response came (API, decode and body-size errors).
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(e) => Some(&e.headers),
            Error::Decode(e) => Some(&e.headers),
            Error::BodyTooLarge(e) => Some(&e.headers),
            _ => None,
        }
    }

    /// Whether trying again later could succeed: transport failures, timeouts, 429 and 502-504.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { source, .. } => !source.is_builder(),
            Error::Timeout { .. } => true,
            Error::Api(e) => super::execute::retryable_status(e.status),
            Error::Decode(_) | Error::BodyTooLarge(_) | Error::Io { .. } | Error::InvalidRequest(_) => false,
        }
    }

    /// The variant's name in snake case, for logs: `transport`, `timeout`, `api`, `decode`,
    /// `body_too_large`, `io`, `invalid_request`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Transport { .. } => "transport",
            Error::Timeout { .. } => "timeout",
            Error::Api(_) => "api",
            Error::Decode(_) => "decode",
            Error::BodyTooLarge(_) => "body_too_large",
            Error::Io { .. } => "io",
            Error::InvalidRequest(_) => "invalid_request",
        }
    }

    /// The API error, when the server answered with a failure status.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

/// Cuts text to at most `max` characters on a character boundary, on one line.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(max).collect();
    if text.chars().count() > max {
        format!("{flat}...")
    } else {
        flat
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Transport { operation, method, path, source, .. } => {
                // reqwest's message can name the URL; the runtime strips its query, which may
                // hold a credential.
                let mut cause = std::error::Error::source(source);
                if source.is_body() || source.is_decode() {
                    // reqwest calls a body cut short "error decoding response body".
                    write!(f, "{method} {path} ({operation}) failed while reading the response body")?;
                    if cause.is_none() {
                        write!(f, ": {}", one_line(&source.to_string(), 300))?;
                    }
                } else {
                    write!(f, "{method} {path} ({operation}) failed: {}", one_line(&source.to_string(), 300))?;
                }
                while let Some(c) = cause {
                    write!(f, ": {}", one_line(&c.to_string(), 200))?;
                    cause = c.source();
                }
                Ok(())
            }
            Error::Timeout { operation, method, path, .. } => write!(f, "{method} {path} ({operation}) timed out"),
            Error::Io { operation, method, path, source, .. } => {
                write!(
                    f,
                    "{method} {path} ({operation}): writing the body failed: {}",
                    one_line(&source.to_string(), 300)
                )
            }
            Error::BodyTooLarge(e) => {
                write!(f, "{} {} ({}) returned {} with a body ", e.method, e.path, e.operation, e.status)?;
                match e.content_length {
                    Some(length) if length > e.limit => write!(f, "of {length} bytes")?,
                    _ => f.write_str("that passed")?,
                }
                write!(
                    f,
                    ", over the limit of {} bytes held in memory; raise `max_body_size`, or read the body as a stream",
                    e.limit
                )
            }
            Error::Api(e) => e.fmt(f),
            Error::Decode(e) => write!(
                f,
                "{} {} ({}) returned {} with a body that does not decode at `{}`: {} (body: {})",
                e.method,
                e.path,
                e.operation,
                e.status,
                e.json_path,
                one_line(&e.message, 200),
                one_line(&e.excerpt, 200)
            ),
            Error::InvalidRequest(m) => write!(f, "invalid request: {m}"),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({}) returned {}", self.method, self.path, self.operation, self.status)?;
        match &self.message {
            Some(m) => write!(f, ": {}", one_line(m, 300)),
            None if self.body.is_empty() => Ok(()),
            // A few hundred bytes are enough for 200 characters; the body is not copied whole.
            None => write!(f, ": {}", one_line(&String::from_utf8_lossy(&self.body[..self.body.len().min(1024)]), 200)),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    //! Redaction of credentials in what errors quote, and the short `Debug` of errors.

    use reqwest::header::{HeaderName, HeaderValue};

    use super::*;

    const TOKEN: &str = "bk-secret-token-8f3a61";

    fn call() -> Call {
        Call {
            operation: "getBuild",
            method: Method::GET,
            path: "/organizations/acme/builds/1".into(),
            path_template: "/organizations/{org}/builds/{n}",
            secrets: Secrets::new([TOKEN.to_string(), "short".to_string()]),
        }
    }

    fn echoing_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("authorization", format!("Bearer {TOKEN}")),
            ("set-cookie", "session=s3ss10n-c00k1e; HttpOnly".to_string()),
            ("cookie", "session=s3ss10n-c00k1e".to_string()),
            ("x-api-key", "k3y-v4lu3-123".to_string()),
            ("x-request-id", "req-42".to_string()),
            ("content-security-policy", "default-src 'none'; ".repeat(20)),
        ] {
            headers.insert(HeaderName::from_static(name), HeaderValue::from_str(&value).unwrap());
        }
        headers
    }

    #[test]
    fn header_values_of_credentials_are_redacted_by_name() {
        let text = format!("{:?}", RedactedHeaders(&echoing_headers()));
        for secret in [TOKEN, "s3ss10n-c00k1e", "k3y-v4lu3-123"] {
            assert!(!text.contains(secret), "{secret} shown: {text}");
        }
        assert!(text.contains("\"x-request-id\": \"req-42\"") && text.contains("\"set-cookie\": <redacted>"), "{text}");
        assert!(sensitive_header("Proxy-Authorization") && sensitive_header("AUTHORIZATION"));
        assert!(!sensitive_header("x-request-id"));
    }

    #[test]
    fn the_header_an_api_key_scheme_declares_is_a_credential() {
        use super::super::client::{AuthKindSpec, AuthSpec};
        let auth = [
            AuthSpec { name: "key", kind: AuthKindSpec::ApiKeyHeader("X-Service-Key") },
            AuthSpec { name: "query", kind: AuthKindSpec::ApiKeyQuery("x-query-key") },
        ];
        assert!(sensitive_under("x-service-key", &auth) && sensitive_under("X-SERVICE-KEY", &auth));
        // A query parameter's name is no header's.
        assert!(!sensitive_under("x-query-key", &auth) && !sensitive_under("x-service-key", &[]));
    }

    #[test]
    fn credentials_are_written_over_whole_and_where_an_excerpt_cut_them() {
        let secrets = call().secrets;
        let whole = secrets.redact_text(&format!("{{\"echo\": \"Bearer {TOKEN}\", \"n\": \"x\"}}"));
        assert_eq!(whole, "{\"echo\": \"Bearer [redacted]\", \"n\": \"x\"}");
        // An excerpt's window that ends inside the token, or starts inside it.
        assert_eq!(secrets.redact_text(&format!("Bearer {}", &TOKEN[..10])), "Bearer [redacted]");
        assert_eq!(secrets.redact_text(&format!("{}\", \"n\": 1", &TOKEN[6..])), "[redacted]\", \"n\": 1");
        // Values too short to be a credential are left alone, and text without any is unchanged.
        assert_eq!(secrets.redact_text("short and sweet"), "short and sweet");
        assert_eq!(Secrets::default().redact_text(TOKEN), TOKEN);
        assert_eq!(format!("{secrets:?}"), "<redacted>");
    }

    #[test]
    fn a_decode_error_quotes_the_body_without_the_credential() {
        let body = format!("{{\"number\": \"Bearer {TOKEN}\"}}");
        let message = format!("invalid type: string \"Bearer {TOKEN}\", expected i64");
        let error = DecodeError::of(
            &call(),
            (StatusCode::OK, echoing_headers(), Vec::new()),
            "number".into(),
            message,
            body,
        );
        let (display, debug) = (error.to_string(), format!("{error:?}"));
        for text in [&display, &debug] {
            assert!(!text.contains(TOKEN) && !text.contains("s3ss10n") && !text.contains("k3y-v4lu3"), "{text}");
        }
        assert!(display.contains("Bearer [redacted]"), "{display}");
        assert!(debug.len() < 300 && !debug.contains('\n'), "{} characters: {debug}", debug.len());
        assert!(debug.contains("status: 200") && debug.contains("\"/organizations/acme/builds/1\""), "{debug}");
    }

    #[test]
    fn debug_of_an_api_error_is_one_short_line_with_what_matters() {
        let body = bytes::Bytes::from(format!("{{\"message\": \"No build found\", \"padding\": \"{}\"}}", "x".repeat(2000)));
        let api = ApiError::new(&call(), StatusCode::NOT_FOUND, echoing_headers(), (body, false), Vec::new());
        let debug = format!("{:?}", Error::Api(Box::new(api.clone())));
        assert!(debug.len() < 250 && !debug.contains('\n'), "{} characters: {debug}", debug.len());
        for wanted in ["status: 404", "\"getBuild\"", "method: GET", "\"/organizations/acme/builds/1\"", "\"No build found\""]
        {
            assert!(debug.contains(wanted), "no {wanted}: {debug}");
        }
        assert!(!debug.contains("s3ss10n") && !debug.contains("req-42") && !debug.contains("xxxx"), "{debug}");
        // The pretty form shows the same fields, one a line.
        assert!(format!("{api:#?}").lines().count() < 10);

        let too_large = Call::too_large(&call(), StatusCode::OK, &echoing_headers(), 10, Some(20));
        let debug = format!("{too_large:?}");
        assert!(debug.len() < 250 && !debug.contains("s3ss10n") && debug.contains("limit: 10"), "{debug}");
    }
}
