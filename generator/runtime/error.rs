//! The one error type of the client. No variant holds the credential, and `Display` is one line.

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
        /// The operation's id.
        operation: &'static str,
        /// The HTTP method.
        method: Method,
        /// The path template, e.g. `/organizations/{org}`.
        path: &'static str,
        /// What failed.
        source: reqwest::Error,
    },
    /// An attempt took longer than its whole-request or connect timeout (the last attempt,
    /// when there were retries).
    Timeout {
        /// The operation's id.
        operation: &'static str,
        /// The HTTP method.
        method: Method,
        /// The path template.
        path: &'static str,
    },
    /// The server answered with a status that is not a success (after retries, the last one).
    Api(Box<ApiError>),
    /// A success response whose body does not match the expected type.
    Decode(Box<DecodeError>),
    /// The request could not be built: a header value with a line break, a path parameter that
    /// would change the path, a base URL that is not HTTPS, a missing credential.
    InvalidRequest(String),
}

/// A response with a status that is not a success, kept whole.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The operation's id.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template.
    pub path: &'static str,
    /// The status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: bytes::Bytes,
    /// `message` from a JSON body `{"message": ...}`.
    pub message: Option<String>,
    /// `errors` from a JSON body `{"message": ..., "errors": [...]}`.
    pub errors: Option<serde_json::Value>,
    /// The rate-limit figures of every family the API declares and the response carries.
    pub rate_limits: Vec<RateLimit>,
}

impl ApiError {
    pub(crate) fn new(
        operation: &'static str,
        method: Method,
        path: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: bytes::Bytes,
        rate_limits: Vec<RateLimit>,
    ) -> Self {
        let parsed: Option<serde_json::Map<String, serde_json::Value>> = serde_json::from_slice(&body).ok();
        let message = parsed.as_ref().and_then(|m| m.get("message")).and_then(|m| m.as_str()).map(String::from);
        let errors = parsed.and_then(|mut m| m.remove("errors"));
        ApiError { operation, method, path, status, headers, body, message, errors, rate_limits }
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
        serde_json::from_slice(&self.body)
    }
}

/// A body that did not decode, with where and why.
#[derive(Debug)]
pub struct DecodeError {
    /// The operation's id.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template.
    pub path: &'static str,
    /// The response status.
    pub status: StatusCode,
    /// Where in the body decoding failed, e.g. `jobs[3].started_at` (`.` for the root).
    pub json_path: String,
    /// What was wrong there.
    pub message: String,
    /// Up to 200 characters of the body around the failure.
    pub excerpt: String,
}

impl Error {
    /// The HTTP status, for API and decode errors.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// Whether trying again later could succeed: transport failures, timeouts, 429 and 502-504.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { source, .. } => !source.is_builder(),
            Error::Timeout { .. } => true,
            Error::Api(e) => super::execute::retryable_status(e.status),
            Error::Decode(_) | Error::InvalidRequest(_) => false,
        }
    }

    /// The variant's name in snake case, for logs: `transport`, `timeout`, `api`, `decode`,
    /// `invalid_request`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Transport { .. } => "transport",
            Error::Timeout { .. } => "timeout",
            Error::Api(_) => "api",
            Error::Decode(_) => "decode",
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
            Error::Transport { operation, method, path, source } => {
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
            Error::Timeout { operation, method, path } => write!(f, "{method} {path} ({operation}) timed out"),
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
            None => write!(f, ": {}", one_line(&self.body_text(), 200)),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}
