//! The one error type of the client. No variant holds the credential, and `Display` is one line.
//!
//! Every error of a sent request names its operation, method and the path actually called
//! (`/organizations/acme/pipelines/app/builds/42`, relative to the base URL, never with its
//! query, which may hold an API key), beside the path template; errors that came with a
//! response also keep its status and headers.

use std::fmt;

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
#[derive(Debug, Clone)]
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
/// id, its rate-limit figures). It keeps an excerpt of the body, never the body.
#[derive(Debug)]
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
#[derive(Debug)]
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
