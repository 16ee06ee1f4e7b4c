//! Raw requests: any endpoint, modelled or not, through the client's transport, so that it gets
//! the same credentials, retries, rate-limit figures, limits, tracing and redaction as the
//! generated operations.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::body::ByteStream;
use super::client::RequestOptions;
use super::error::Error;
use super::pagination::{Pages, Paginated};
use super::request::{QueryStyle, RawBody, Request};
use super::response::{RawResponse, Response, UntypedBody};
use super::BoxFuture;

/// The operation id of raw requests, in errors and `tracing` spans.
pub(crate) const RAW_OPERATION: &str = "raw";

/// A raw request has no path template: errors name the path called instead.
const RAW_TEMPLATE: &str = "(raw request)";

impl crate::Client {
    /// A request to any endpoint of the API, modelled or not, with the client's credentials,
    /// retries, limits and tracing: `client.request(Method::GET, "/organizations/acme/things")`.
    ///
    /// `path` is relative to the base URL (`/organizations/acme` under
    /// `https://api.example.com/v2` is `https://api.example.com/v2/organizations/acme`), and may
    /// carry a query (`?page=2`); its characters must be valid in a URL path: anything else
    /// (a space, a quote, non-ASCII text) must be percent-encoded, and `.` and `..` segments are
    /// refused. An absolute URL (an API `url` field, say) is accepted only on the base URL's
    /// origin: the credentials are never sent anywhere else. A refused path fails when the
    /// request is sent, with [`Error::InvalidRequest`].
    ///
    /// Retries follow the method, as for generated operations (POST and PATCH only with
    /// [`RequestOptions::retry_non_idempotent`]). Errors name the operation `raw` and the path
    /// called.
    pub fn request(&self, method: reqwest::Method, path: &str) -> RawRequest {
        let request = raw_request(self.transport().base_url(), method, path);
        RawRequest { client: self.clone(), request, options: RequestOptions::default() }
    }
}

/// Characters a path may hold as they are (RFC 3986 `pchar`, `/`, and `?` to start a query).
fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?%".contains(c)
}

fn raw_request(base: &reqwest::Url, method: reqwest::Method, path: &str) -> Result<Request, Error> {
    let invalid = |why: String| Error::InvalidRequest(format!("raw request path `{}`: {why}", path.escape_debug()));
    let mut request = Request::new(RAW_OPERATION, method, RAW_TEMPLATE, &[]);
    request.any_auth = true;
    if path.contains("://") {
        let url = reqwest::Url::parse(path).map_err(|e| invalid(e.to_string()))?;
        if !super::execute::same_origin(&url, base) {
            return Err(invalid(format!(
                "{} is not the origin of the base URL ({}); requests there would carry the client's credentials",
                url.origin().ascii_serialization(),
                base.origin().ascii_serialization()
            )));
        }
        if url.fragment().is_some() {
            return Err(invalid("a fragment is never sent; remove it".into()));
        }
        check_segments(url.path()).map_err(invalid)?;
        request.url = Some(Box::new(url));
        return Ok(request);
    }
    if let Some((at, c)) = path.char_indices().find(|(_, c)| !allowed(*c)) {
        return Err(invalid(format!("{c:?} at byte {at} must be percent-encoded")));
    }
    let bytes = path.as_bytes();
    for (i, _) in path.match_indices('%') {
        if !(i + 2 < bytes.len() && bytes[i + 1].is_ascii_hexdigit() && bytes[i + 2].is_ascii_hexdigit()) {
            return Err(invalid(format!("`%` at byte {i} does not start a percent-encoded byte (`%2F`)")));
        }
    }
    let only_path = path.split('?').next().unwrap_or_default();
    check_segments(only_path).map_err(invalid)?;
    if !path.starts_with('/') {
        request.path("/");
    }
    request.path(path);
    Ok(request)
}

/// `.` and `..` segments (encoded or not) would leave the base URL's path.
fn check_segments(path: &str) -> Result<(), String> {
    let dots = path.split('/').any(|s| {
        let s = s.to_ascii_lowercase().replace("%2e", ".");
        s == "." || s == ".."
    });
    if dots {
        return Err("`.` and `..` segments are refused".into());
    }
    Ok(())
}

/// A raw request: set its query, headers, body and options, then send it and read the answer
/// as JSON, bytes, text, a stream or pages.
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest {
    client: crate::Client,
    request: Result<Request, Error>,
    options: RequestOptions,
}

impl std::fmt::Debug for RawRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Header values may be credentials: only the method and path are shown.
        let mut out = f.debug_struct("RawRequest");
        if let Ok(request) = &self.request {
            out.field("method", &request.method).field("path", &request.call(self.client.transport().base_url()).path);
        }
        out.field("options", &self.options).finish()
    }
}

impl RawRequest {
    fn edit(mut self, change: impl FnOnce(&mut Request) -> Result<(), Error>) -> Self {
        if let Ok(request) = &mut self.request {
            if let Err(e) = change(request) {
                self.request = Err(e);
            }
        }
        self
    }

    /// Adds a query parameter, percent-encoded; a list repeats the name (`tag=a&tag=b`), `None`
    /// adds nothing.
    pub fn query(self, name: &str, value: impl Serialize) -> Self {
        self.edit(|r| r.query(name, QueryStyle::FormExploded, &value))
    }

    /// Adds a header. A value with CR, LF or NUL fails the request as invalid.
    pub fn header(self, name: &str, value: impl Serialize) -> Self {
        self.edit(|r| r.header(name, &value))
    }

    /// A JSON body (`Content-Type: application/json`).
    pub fn json(self, body: &impl Serialize) -> Self {
        self.edit(|r| r.json_body("application/json", body))
    }

    /// A body sent as it is, with its content type.
    pub fn body(self, content_type: impl Into<String>, bytes: impl Into<bytes::Bytes>) -> Self {
        let body = RawBody::new(content_type, bytes);
        self.edit(|r| r.raw_body(&body))
    }

    /// Options for this request: timeouts, extra headers, retry policy, body limit.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// Sends the request; the body held whole (under the body limit) and typed by its
    /// `Content-Type`, with the status, headers and rate-limit figures.
    pub async fn send(self) -> Result<Response<UntypedBody>, Error> {
        let raw = self.client.transport().execute(&self.request?, &self.options).await?;
        raw.decoded(RawResponse::untyped)
    }

    /// Sends the request and decodes its JSON body, with the status, headers and rate-limit
    /// figures.
    pub async fn send_with_response<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        let raw = self.client.transport().execute(&self.request?, &self.options).await?;
        raw.decoded(RawResponse::json)
    }

    /// Sends the request and decodes its JSON body.
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T, Error> {
        let mut raw = self.client.transport().execute(&self.request?, &self.options).await?;
        raw.json()
    }

    /// Sends the request; the body as bytes, under the body limit.
    pub async fn bytes(self) -> Result<bytes::Bytes, Error> {
        let mut raw = self.client.transport().execute(&self.request?, &self.options).await?;
        raw.bytes()
    }

    /// Sends the request; the body as UTF-8 text, under the body limit.
    pub async fn text(self) -> Result<String, Error> {
        let mut raw = self.client.transport().execute(&self.request?, &self.options).await?;
        raw.text()
    }

    /// Sends the request; the body as a stream, read as it arrives (no limit: it is never
    /// held whole).
    pub async fn send_streamed(self) -> Result<ByteStream, Error> {
        let response = self.client.transport().execute_streamed(self.request?, &self.options).await?;
        Ok(response.value)
    }

    /// Every page of a list that pages by the `Link` header's `next` URL, one request at a
    /// time; each page's body is a JSON array of `T`.
    pub fn pages<T: DeserializeOwned + Send + 'static>(self) -> Pages<T> {
        Pages::new(self.client.transport().clone(), self.request, self.options)
    }

    /// Every item of every page (as [`pages`](Self::pages)), fetched lazily.
    pub fn items<T: DeserializeOwned + Send + 'static>(self) -> Paginated<T> {
        Paginated::new(self.pages())
    }
}

impl std::future::IntoFuture for RawRequest {
    type Output = Result<Response<UntypedBody>, Error>;
    type IntoFuture = BoxFuture<Self::Output>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(path: &str) -> Result<String, String> {
        let base = reqwest::Url::parse("https://api.example.com/v2").unwrap();
        match raw_request(&base, reqwest::Method::GET, path) {
            Ok(r) => Ok(r.call(&base).path),
            Err(e) => Err(e.to_string()),
        }
    }

    #[test]
    fn raw_paths_are_checked() {
        assert_eq!(check("/organizations/acme/x?page=2").unwrap(), "/organizations/acme/x");
        assert_eq!(check("organizations/a%2Fb").unwrap(), "/organizations/a%2Fb");
        assert_eq!(check("https://api.example.com/v2/user").unwrap(), "/user");
        for (bad, says) in [
            ("/a b", "' ' at byte 2 must be percent-encoded"),
            ("/é", "must be percent-encoded"),
            ("/a%zz", "does not start a percent-encoded byte"),
            ("/a%2", "does not start a percent-encoded byte"),
            ("/a/../b", "segments are refused"),
            ("/a/%2E%2e/b", "segments are refused"),
            ("/a#frag", "'#' at byte 2"),
            ("https://evil.example.com/v2/user", "is not the origin of the base URL"),
            ("http://api.example.com/v2/user", "is not the origin of the base URL"),
        ] {
            let error = check(bad).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }
}
