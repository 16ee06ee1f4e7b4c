//! Responses: the raw status, headers and body, the decoded value, and the rate-limit figures.

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::client::RateLimitSpec;
use super::error::{DecodeError, Error};

/// A decoded response with its status, headers and rate-limit figures.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The rate-limit figures of every family the API declares and the response carries.
    pub rate_limits: Vec<RateLimit>,
    /// The decoded body.
    pub value: T,
}

impl<T> Response<T> {
    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The same response with its value changed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, rate_limits: self.rate_limits, value: f(self.value) }
    }

    /// The rate-limit figures of one family (e.g. `organization`).
    pub fn rate_limit(&self, scope: &str) -> Option<&RateLimit> {
        self.rate_limits.iter().find(|r| r.scope == scope)
    }
}

/// Rate-limit figures from one family of headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    /// The family's name.
    pub scope: &'static str,
    /// Requests allowed in the window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// Seconds until the window resets.
    pub reset: Option<u64>,
    /// The server's name for the scope the figures count (e.g. `rest`), when it sends one.
    pub server_scope: Option<String>,
}

impl RateLimit {
    /// The time until the window resets.
    pub fn reset_after(&self) -> Option<std::time::Duration> {
        self.reset.map(std::time::Duration::from_secs)
    }
}

pub(crate) fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

pub(crate) fn rate_limits(headers: &HeaderMap, specs: &[RateLimitSpec]) -> Vec<RateLimit> {
    specs
        .iter()
        .map(|s| RateLimit {
            scope: s.scope,
            limit: header_u64(headers, s.limit),
            remaining: header_u64(headers, s.remaining),
            reset: header_u64(headers, s.reset),
            server_scope: s
                .scope_header
                .and_then(|name| headers.get(name))
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_string()),
        })
        .filter(|r| r.limit.is_some() || r.remaining.is_some() || r.reset.is_some())
        .collect()
}

/// A success body the spec does not describe, kept whole and typed by its `Content-Type`.
#[derive(Debug, Clone, PartialEq)]
pub enum UntypedBody {
    /// No body.
    Empty,
    /// A JSON body.
    Json(serde_json::Value),
    /// A text body.
    Text(String),
    /// Any other body.
    Bytes(bytes::Bytes),
}

/// A success response before decoding.
#[derive(Debug)]
pub struct RawResponse {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) path: &'static str,
    /// The URL that answered (after redirects): the context of its `Link` header.
    pub(crate) url: reqwest::Url,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: bytes::Bytes,
    pub(crate) rate_limits: Vec<RateLimit>,
}

impl RawResponse {
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    fn wrap<T>(self, value: T) -> Response<T> {
        Response { status: self.status, headers: self.headers, rate_limits: self.rate_limits, value }
    }

    fn decode_error(&self, json_path: String, message: String, line: usize, column: usize) -> Error {
        Error::Decode(Box::new(DecodeError {
            operation: self.operation,
            method: self.method.clone(),
            path: self.path,
            status: self.status,
            json_path,
            message,
            excerpt: excerpt(&self.body, line, column),
        }))
    }

    /// Decodes a JSON body.
    pub fn json<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        // Where a failure happened comes from the text at the error's position (`locate`), not
        // from decoding again with path tracking, which would compile every model twice.
        let error = match serde_json::from_slice::<T>(&self.body) {
            Ok(value) => return Ok(self.wrap(value)),
            Err(error) => error,
        };
        let (line, column) = (error.line(), error.column());
        let path = super::locate::path_at(&self.body, line, column);
        Err(self.decode_error(path, error.to_string(), line, column))
    }

    /// Decodes one page of a list whose body is an object: the array at the JSON pointer `items`
    /// (absent or `null`: no items), and the string at `next` (a next-page URL or a cursor; absent,
    /// `null` or empty: the last page), and the strings at the pointers `also` (other links).
    #[allow(clippy::type_complexity)]
    pub(crate) fn json_page<T: DeserializeOwned>(
        self,
        items: &str,
        next: &str,
        also: Option<&[String; 3]>,
    ) -> Result<(Response<Vec<T>>, Option<String>, [Option<String>; 3]), Error> {
        let mut body: serde_json::Value = match serde_json::from_slice(&self.body) {
            Ok(body) => body,
            Err(e) => return Err(self.decode_error(".".into(), e.to_string(), e.line(), e.column())),
        };
        let text = |at: &str| body.pointer(at).and_then(serde_json::Value::as_str).filter(|s| !s.is_empty()).map(String::from);
        let next = text(next);
        let also = also.map(|also| also.each_ref().map(|at| text(at))).unwrap_or_default();
        let list = match body.pointer_mut(items).map(serde_json::Value::take) {
            None | Some(serde_json::Value::Null) => serde_json::Value::Array(Vec::new()),
            Some(list) => list,
        };
        match serde_path_to_error::deserialize::<_, Vec<T>>(list) {
            Ok(value) => Ok((self.wrap(value), next, also)),
            Err(e) => {
                let inner = json_path(e.path());
                let at = items.trim_start_matches('/').replace('/', ".");
                let path = if inner == "." { at } else { format!("{at}{inner}") };
                Err(self.decode_error(path, e.into_inner().to_string(), 0, 0))
            }
        }
    }

    /// Decodes a text body; it must be UTF-8.
    pub fn text(self) -> Result<Response<String>, Error> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(text) => Ok(self.wrap(text)),
            Err(e) => {
                let message = format!("the body is not UTF-8: {e}");
                Err(self.decode_error(".".into(), message, 0, 0))
            }
        }
    }

    /// Returns the body as bytes.
    pub fn bytes(self) -> Result<Response<bytes::Bytes>, Error> {
        let body = self.body.clone();
        Ok(self.wrap(body))
    }

    /// Drops an expected empty body (any bytes the server sent anyway are ignored).
    pub fn empty(self) -> Result<Response<()>, Error> {
        Ok(self.wrap(()))
    }

    /// Keeps a body the spec does not describe, typed by its `Content-Type`.
    pub fn untyped(self) -> Result<Response<UntypedBody>, Error> {
        if self.body.is_empty() {
            return Ok(self.wrap(UntypedBody::Empty));
        }
        let media = self
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let media = media.split(';').next().unwrap_or("").trim().to_string();
        if media == "application/json" || media.ends_with("+json") {
            if let Ok(value) = serde_json::from_slice(&self.body) {
                return Ok(self.wrap(UntypedBody::Json(value)));
            }
        }
        if media.starts_with("text/") || media.is_empty() || media.ends_with("json") {
            if let Ok(text) = std::str::from_utf8(&self.body) {
                let text = text.to_string();
                return Ok(self.wrap(UntypedBody::Text(text)));
            }
        }
        let body = self.body.clone();
        Ok(self.wrap(UntypedBody::Bytes(body)))
    }
}

/// The path of a decoding failure, e.g. `jobs[3].started_at`; `.` for the root. A syntax error
/// between two keys leaves an unknown last segment (`[1].?`), which is dropped: the failure is
/// inside `[1]`.
fn json_path(path: &serde_path_to_error::Path) -> String {
    let text = path.to_string();
    match text.strip_suffix(".?").or_else(|| text.strip_suffix('?')) {
        Some("") => ".".to_string(),
        Some(parent) => parent.to_string(),
        None => text,
    }
}

/// Up to 200 characters of the body around a 1-based line and column (the start when unknown).
fn excerpt(body: &[u8], line: usize, column: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let offset = if line == 0 {
        0
    } else {
        let line_start: usize = text.split_inclusive('\n').take(line - 1).map(str::len).sum();
        line_start + column.saturating_sub(1)
    };
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let chars: Vec<char> = text.chars().collect();
    let at = text[..offset].chars().count();
    let start = at.saturating_sub(100);
    let end = (at + 100).min(chars.len());
    chars[start..end].iter().collect()
}
