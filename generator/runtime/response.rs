//! Responses: the raw status, headers and body, the decoded value, and the rate-limit figures.

use reqwest::header::{AsHeaderName, HeaderMap, HeaderName};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::client::RateLimitSpec;
use super::error::{Call, DecodeError, Error};

/// A decoded response with its status, headers and rate-limit figures. Its `Debug` shows the
/// values of credential headers (`Set-Cookie`, the spec's API key headers...) as `<redacted>`.
#[derive(Clone)]
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

impl<T: std::fmt::Debug> std::fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &super::error::RedactedHeaders(&self.headers))
            .field("rate_limits", &self.rate_limits)
            .field("value", &self.value)
            .finish()
    }
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

pub(crate) fn header_u64(headers: &HeaderMap, name: impl AsHeaderName) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// The header names of one rate-limit family, parsed once when the client is built rather than
/// for each response. A name that is not a valid header name is `None`: no response has it.
#[derive(Debug)]
pub(crate) struct RateLimitHeaders {
    scope: &'static str,
    limit: Option<HeaderName>,
    remaining: Option<HeaderName>,
    reset: Option<HeaderName>,
    scope_header: Option<HeaderName>,
}

impl RateLimitHeaders {
    pub(crate) fn new(spec: &RateLimitSpec) -> Self {
        let name = |name: &str| HeaderName::from_bytes(name.as_bytes()).ok();
        RateLimitHeaders {
            scope: spec.scope,
            limit: name(spec.limit),
            remaining: name(spec.remaining),
            reset: name(spec.reset),
            scope_header: spec.scope_header.and_then(name),
        }
    }
}

/// The most rate-limit families found in one pass over a response's headers; an API with more
/// has each of their headers looked up by name.
const FAMILIES_IN_ONE_PASS: usize = 4;

pub(crate) fn rate_limits(headers: &HeaderMap, families: &[RateLimitHeaders]) -> Vec<RateLimit> {
    // Each family's limit, remaining, reset and scope header, the first value of each as
    // `HeaderMap::get` gives it. A response has a handful of headers: comparing their names with
    // the families' costs less than hashing every family's names to look them up.
    let mut found = [[None::<&reqwest::header::HeaderValue>; 4]; FAMILIES_IN_ONE_PASS];
    let one_pass = families.len() <= FAMILIES_IN_ONE_PASS;
    if one_pass {
        for (name, value) in headers {
            for (family, slots) in families.iter().zip(found.iter_mut()) {
                let names = [&family.limit, &family.remaining, &family.reset, &family.scope_header];
                for (wanted, slot) in names.into_iter().zip(slots.iter_mut()) {
                    if slot.is_none() && wanted.as_ref() == Some(name) {
                        *slot = Some(value);
                    }
                }
            }
        }
    }
    let number = |value: Option<&reqwest::header::HeaderValue>| value?.to_str().ok()?.trim().parse().ok();
    families
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let [limit, remaining, reset, scope] = match found.get(i).filter(|_| one_pass) {
                Some(slots) => *slots,
                None => [&f.limit, &f.remaining, &f.reset, &f.scope_header]
                    .map(|name| name.as_ref().and_then(|name| headers.get(name))),
            };
            RateLimit {
                scope: f.scope,
                limit: number(limit),
                remaining: number(remaining),
                reset: number(reset),
                server_scope: scope.and_then(|v| v.to_str().ok()).map(|v| v.trim().to_string()),
            }
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
pub struct RawResponse {
    /// The operation, method and path called, for errors.
    pub(crate) call: Call,
    /// The URL that answered (after redirects): the context of its `Link` header.
    pub(crate) url: reqwest::Url,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: bytes::Bytes,
    /// The client's rate-limit families, read from the headers only when the response is kept
    /// whole ([`into_response`](Self::into_response)) or fails to decode: `send()` returns the
    /// value alone and never reads them.
    pub(crate) rate_limit_headers: std::sync::Arc<[RateLimitHeaders]>,
}

/// How an operation turns its success response into its value: the body is taken from the
/// response, whose status and headers stay for [`RawResponse::into_response`] or an error.
pub type Decode<T> = fn(&mut RawResponse) -> Result<T, Error>;

impl std::fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawResponse")
            .field("operation", &self.call.operation)
            .field("status", &self.status)
            .field("headers", &super::error::RedactedHeaders(&self.headers))
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl RawResponse {
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The rate-limit figures of the response's headers.
    pub(crate) fn rate_limits(&self) -> Vec<RateLimit> {
        rate_limits(&self.headers, &self.rate_limit_headers)
    }

    /// The response with its decoded value: status, headers and rate-limit figures.
    pub fn into_response<T>(self, value: T) -> Response<T> {
        let rate_limits = self.rate_limits();
        Response { status: self.status, headers: self.headers, rate_limits, value }
    }

    /// The value `decode` reads, with the status, headers and rate-limit figures.
    pub(crate) fn decoded<T>(mut self, decode: Decode<T>) -> Result<Response<T>, Error> {
        let value = decode(&mut self)?;
        Ok(self.into_response(value))
    }

    /// A decode error at a 1-based line and column of the body (0: unknown, the start).
    fn decode_error(&self, json_path: String, message: String, line: usize, column: usize) -> Error {
        self.decode_error_at(json_path, message, offset(&self.body, line, column))
    }

    /// A decode error at a byte offset of the body, keeping an excerpt around it and the
    /// response's headers; the body itself is dropped.
    fn decode_error_at(&self, json_path: String, message: String, at: usize) -> Error {
        let response = (self.status, self.headers.clone(), self.rate_limits());
        DecodeError::of(&self.call, response, json_path, message, excerpt_at(&self.body, at))
    }

    /// The body as text: it must be UTF-8.
    fn text_body(&self) -> Result<&str, Error> {
        std::str::from_utf8(&self.body).map_err(|e| {
            let message = format!("the body is not UTF-8: {e}");
            self.decode_error_at(".".into(), message, e.valid_up_to())
        })
    }

    /// Decodes a JSON body.
    pub fn json<T: DeserializeOwned>(&mut self) -> Result<T, Error> {
        // The body is checked to be UTF-8 once, then read as text: reading bytes, serde_json
        // checks each string (and each key) on its own, which costs more than one pass over the
        // whole body.
        let text = json_text(&self.body);
        // Where a failure happened comes from the text at the error's position (`locate`), not
        // from decoding again with path tracking, which would compile every model twice.
        let error = match serde_json::from_str::<T>(&text) {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let (line, column) = (error.line(), error.column());
        let path = super::locate::path_at(text.as_bytes(), line, column);
        Err(self.decode_error(path, error.to_string(), line, column))
    }

    /// Decodes one page of a list whose body is an object: the array at the JSON pointer `items`
    /// (absent or `null`: no items), and the string at `next` (a next-page URL or a cursor; absent,
    /// `null` or empty: the last page), and the strings at the pointers `also` (other links).
    ///
    /// The body is not parsed into a `serde_json::Value` (several times its size): the parts at
    /// the pointers are found as slices of the body, and the items decoded from theirs.
    #[allow(clippy::type_complexity)]
    pub(crate) fn json_page<T: DeserializeOwned>(
        &self,
        items: &str,
        next: &str,
        also: Option<&[String; 3]>,
    ) -> Result<(Vec<T>, Option<String>, [Option<String>; 3]), Error> {
        let text = self.text_body()?;
        let root: &RawValue = match serde_json::from_str(text) {
            Ok(root) => root,
            Err(e) => return Err(self.decode_error(".".into(), e.to_string(), e.line(), e.column())),
        };
        let string_at = |at: &str| {
            pointer(root, at)
                .and_then(|raw| serde_json::from_str::<Option<String>>(raw.get()).ok().flatten())
                .filter(|s| !s.is_empty())
        };
        let next = string_at(next);
        let also = also.map(|also| also.each_ref().map(|at| string_at(at))).unwrap_or_default();
        let Some(list) = pointer(root, items).filter(|raw| raw.get() != "null") else {
            return Ok((Vec::new(), next, also));
        };
        // As in `json`: the path from the text at the error's position (`locate`), so the
        // items' `Deserialize` is compiled once, for this one deserializer.
        match serde_json::from_str::<Vec<T>>(list.get()) {
            Ok(value) => Ok((value, next, also)),
            Err(error) => {
                let (line, column) = (error.line(), error.column());
                let inner = super::locate::path_at(list.get().as_bytes(), line, column);
                let at = items.trim_start_matches('/').replace('/', ".");
                let path = if inner == "." { at } else { format!("{at}{inner}") };
                // The slice's place in the body, plus the failure's place in the slice.
                let start = (list.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
                let within = offset(list.get().as_bytes(), line, column);
                Err(self.decode_error_at(path, error.to_string(), start + within))
            }
        }
    }

    /// The value at the JSON pointer `at` of a JSON body, as text: a string as it is, a number
    /// or a boolean as written; `None` when it is absent or `null` (or the body is not JSON).
    pub(crate) fn text_at(&self, at: &str) -> Option<String> {
        let root: &RawValue = serde_json::from_str(std::str::from_utf8(&self.body).ok()?).ok()?;
        let raw = pointer(root, at)?.get().trim();
        match raw.as_bytes().first() {
            Some(b'"') => serde_json::from_str(raw).ok(),
            Some(b'n') | None => None,
            Some(_) => Some(raw.to_string()),
        }
    }

    /// Decodes a text body; it must be UTF-8. The bytes become the string without a copy.
    pub fn text(&mut self) -> Result<String, Error> {
        self.text_body()?;
        let body = std::mem::take(&mut self.body);
        Ok(String::from_utf8(Vec::from(body)).unwrap_or_default())
    }

    /// Returns the body as bytes.
    pub fn bytes(&mut self) -> Result<bytes::Bytes, Error> {
        Ok(std::mem::take(&mut self.body))
    }

    /// Drops an expected empty body (any bytes the server sent anyway are ignored).
    pub fn empty(&mut self) -> Result<(), Error> {
        Ok(())
    }

    /// Keeps a body the spec does not describe, typed by its `Content-Type`.
    pub fn untyped(&mut self) -> Result<UntypedBody, Error> {
        if self.body.is_empty() {
            return Ok(UntypedBody::Empty);
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
                return Ok(UntypedBody::Json(value));
            }
        }
        let body = std::mem::take(&mut self.body);
        if (media.starts_with("text/") || media.is_empty() || media.ends_with("json"))
            && std::str::from_utf8(&body).is_ok()
        {
            return Ok(UntypedBody::Text(String::from_utf8(Vec::from(body)).unwrap_or_default()));
        }
        Ok(UntypedBody::Bytes(body))
    }
}

/// A JSON body as text. Bytes that are not UTF-8 become U+FFFD: read as bytes, serde_json
/// skipped them in a value it ignores and failed on them in one it decodes; a decoded string now
/// keeps the rest of its text instead of failing the whole response.
pub(crate) fn json_text(body: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(body)
}

/// The part of a JSON document at a JSON pointer (RFC 6901), as a slice of it: object members
/// by name, array elements by index; `None` when there is nothing there.
fn pointer<'a>(root: &'a RawValue, pointer: &str) -> Option<&'a RawValue> {
    let mut here = root;
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        here = match here.get().trim_start().as_bytes().first() {
            Some(b'{') => {
                // The last of repeated names wins, as in a parsed object. (`get`, not `remove`:
                // the map's removal code is a lot to compile for this.)
                let members: std::collections::BTreeMap<String, &RawValue> = serde_json::from_str(here.get()).ok()?;
                members.get(&segment).copied()?
            }
            Some(b'[') => {
                let index: usize = segment.parse().ok()?;
                serde_json::from_str::<Vec<&RawValue>>(here.get()).ok()?.into_iter().nth(index)?
            }
            _ => return None,
        };
    }
    Some(here)
}

/// The byte offset of a 1-based line and column (serde_json counts columns in bytes); 0 when
/// unknown. Scans for line breaks without copying the body.
fn offset(body: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let mut start = 0;
    for _ in 1..line {
        match body[start..].iter().position(|b| *b == b'\n') {
            Some(at) => start += at + 1,
            None => return body.len(),
        }
    }
    (start + column.saturating_sub(1)).min(body.len())
}

/// The bytes of an excerpt on either side of its point: with the point, at most about 300
/// characters, however large the body.
const EXCERPT_SIDE: usize = 150;

/// The text of the body around a byte offset: a window of the body, decoded (lossily) alone, so
/// that a large body is never copied or decoded whole.
pub(crate) fn excerpt_at(body: &[u8], at: usize) -> String {
    let at = at.min(body.len());
    let is_continuation = |i: usize| i < body.len() && body[i] & 0xC0 == 0x80;
    let mut start = at.saturating_sub(EXCERPT_SIDE);
    while start > 0 && start < at && is_continuation(start) {
        start += 1;
    }
    let mut end = at.saturating_add(EXCERPT_SIDE).min(body.len());
    while end > at && is_continuation(end) {
        end -= 1;
    }
    String::from_utf8_lossy(&body[start..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{excerpt_at, offset, pointer};
    use serde_json::value::RawValue;

    #[test]
    fn pointers_find_slices_of_the_document() {
        let doc: &RawValue = serde_json::from_str(
            r#"{"page": {"entries": [1, 2], "a/b": "x", "next": null}, "page": {"entries": [3]}, "l": [{"n": "y"}]}"#,
        )
        .unwrap();
        assert_eq!(pointer(doc, "/page/entries").map(RawValue::get), Some("[3]"), "the last repeated name wins");
        assert_eq!(pointer(doc, "/l/0/n").map(RawValue::get), Some(r#""y""#));
        assert!(pointer(doc, "/page/next").is_none());
        assert!(pointer(doc, "/missing/x").is_none());
        assert!(pointer(doc, "/l/x").is_none());
        let escaped: &RawValue = serde_json::from_str(r#"{"a/b": {"c~d": 1}}"#).unwrap();
        assert_eq!(pointer(escaped, "/a~1b/c~0d").map(RawValue::get), Some("1"));
        assert_eq!(pointer(escaped, "").map(RawValue::get), Some(escaped.get()));
    }

    #[test]
    fn rate_limits_found_in_one_pass_are_those_looked_up_by_name() {
        use super::{rate_limits, RateLimitHeaders, RateLimitSpec};
        use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
        let spec = |scope: &'static str, prefix: &'static str| RateLimitSpec {
            scope,
            limit: Box::leak(format!("{prefix}-Limit").into_boxed_str()),
            remaining: Box::leak(format!("{prefix}-Remaining").into_boxed_str()),
            reset: Box::leak(format!("{prefix}-Reset").into_boxed_str()),
            scope_header: Some(Box::leak(format!("{prefix}-Scope").into_boxed_str())),
        };
        let specs: Vec<RateLimitSpec> =
            ["A", "B", "C", "D", "E"].iter().map(|p| spec(Box::leak(p.to_lowercase().into_boxed_str()), p)).collect();
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("a-limit", "100"),
            ("a-remaining", " 7 "),
            ("a-remaining", "8"),
            ("content-type", "application/json"),
            ("b-reset", "30"),
            ("b-scope", " rest "),
            ("c-scope", "only a scope"),
            ("d-limit", "not a number"),
            ("e-limit", "5"),
            ("e-reset", "1"),
        ] {
            headers.append(HeaderName::from_static(name), HeaderValue::from_static(value));
        }
        // What `rate_limits` gave before: each name looked up.
        let by_name = |specs: &[RateLimitSpec]| -> Vec<super::RateLimit> {
            let number = |name: &str| super::header_u64(&headers, name);
            specs
                .iter()
                .map(|s| super::RateLimit {
                    scope: s.scope,
                    limit: number(s.limit),
                    remaining: number(s.remaining),
                    reset: number(s.reset),
                    server_scope: s
                        .scope_header
                        .and_then(|n| headers.get(n))
                        .and_then(|v| v.to_str().ok())
                        .map(|v| v.trim().to_string()),
                })
                .filter(|r| r.limit.is_some() || r.remaining.is_some() || r.reset.is_some())
                .collect()
        };
        for count in [0, 1, 2, 4, 5] {
            let families: Vec<RateLimitHeaders> = specs[..count].iter().map(RateLimitHeaders::new).collect();
            assert_eq!(rate_limits(&headers, &families), by_name(&specs[..count]), "{count} families");
        }
        let all: Vec<RateLimitHeaders> = specs.iter().map(RateLimitHeaders::new).collect();
        let found = rate_limits(&headers, &all);
        assert_eq!(found[0].remaining, Some(7), "the first value, trimmed");
        assert_eq!(found[1].server_scope.as_deref(), Some("rest"));
        assert_eq!(found.iter().map(|r| r.scope).collect::<Vec<_>>(), ["a", "b", "e"]);
    }

    #[test]
    fn excerpts_are_a_window_of_the_body() {
        let mut body = vec![b' '; 10_000_000];
        body.extend_from_slice(b"{\"broken\"");
        body.extend(std::iter::repeat_n(b'x', 10_000_000));
        let at = 10_000_000;
        let excerpt = excerpt_at(&body, at);
        assert!(excerpt.len() <= 2 * super::EXCERPT_SIDE, "{}", excerpt.len());
        assert!(excerpt.contains("{\"broken\"x"));
        assert_eq!(offset(b"ab\ncd\nef", 3, 2), 7);
        assert_eq!(offset(b"ab", 9, 1), 2);
        assert_eq!(offset(b"ab", 0, 0), 0);
        // A window that starts or ends inside a character keeps whole characters only.
        let text = "é".repeat(400);
        assert!(excerpt_at(text.as_bytes(), 401).chars().all(|c| c == 'é'));
    }
}
