//! Pagination: each page's next link (the `Link` header's `rel="next"`, per RFC 8288, or a URL
//! or cursor in the body) is followed as the server gave it, one page at a time, so that memory
//! stays bounded by one page. A page already visited, or one past the page limit, ends it with
//! an error.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use super::client::{RequestOptions, Transport};
use super::error::Error;
use super::request::Request;
use super::response::RateLimit;
use super::BoxFuture;

/// Where a paginated operation finds its next page: generated code names one per operation.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum PageStyle {
    /// The `Link` header's `rel="next"` URL; the body is the array of items.
    Link,
    /// A next-page URL in the body, at the JSON pointer `next`; the items at `items`.
    NextUrl { items: &'static str, next: &'static str },
    /// A cursor in the body, at the JSON pointer `cursor`, sent back as the query parameter
    /// `param` of the same request; the items at `items`.
    Cursor { items: &'static str, cursor: &'static str, param: &'static str },
}

/// The `first`, `prev`, `next` and `last` links of a page, resolved against its URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Links {
    first: Option<Url>,
    prev: Option<Url>,
    next: Option<Url>,
    last: Option<Url>,
}

/// One page of a list: its items, the response's status, headers and rate-limit figures, its
/// links, and [`next_page`](Page::next_page) to fetch the page after it.
///
/// Awaiting a list operation (or its `.send()`) gives its first page; `.pages()` gives every
/// page as a stream, `.stream()` every item. A page derefs to a slice of its items, so
/// `page.len()`, `page[0]`, `page.iter()` and `for item in &page` work as on a `Vec`;
/// [`into_items`](Page::into_items) takes them.
///
/// The links are those the server sent: from the `Link` header (RFC 8288), or for lists that
/// page by a URL in the body, the body's next URL (and its `first`, `prev` and `last`
/// siblings when the body has them). A list paged by a cursor has no next URL, but
/// [`has_next`](Page::has_next) and `next_page` still work.
#[derive(Clone)]
pub struct Page<T> {
    items: Vec<T>,
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The rate-limit figures of every family the API declares and the response carries.
    pub rate_limits: Vec<RateLimit>,
    links: Links,
    next: Option<Cursor>,
}

impl<T> std::fmt::Debug for Page<T>
where
    T: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Page")
            .field("items", &self.items)
            .field("status", &self.status)
            .field("first", &self.links.first.as_ref().map(Url::as_str))
            .field("prev", &self.links.prev.as_ref().map(Url::as_str))
            .field("next", &self.links.next.as_ref().map(Url::as_str))
            .field("last", &self.links.last.as_ref().map(Url::as_str))
            .field("has_next", &self.has_next())
            .finish_non_exhaustive()
    }
}

impl<T> Page<T> {
    /// The items of this page.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The items of this page, taken.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// The link to the first page, if the server gave one.
    pub fn first_url(&self) -> Option<&Url> {
        self.links.first.as_ref()
    }

    /// The link to the previous page, if the server gave one.
    pub fn prev_url(&self) -> Option<&Url> {
        self.links.prev.as_ref()
    }

    /// The link to the next page, if the server gave one (a list paged by a cursor has none:
    /// see [`has_next`](Self::has_next)).
    pub fn next_url(&self) -> Option<&Url> {
        self.links.next.as_ref()
    }

    /// The link to the last page, if the server gave one.
    pub fn last_url(&self) -> Option<&Url> {
        self.links.last.as_ref()
    }

    /// Whether there is a page after this one.
    pub fn has_next(&self) -> bool {
        self.next.is_some()
    }

    /// The rate-limit figures of one family (e.g. `organization`).
    pub fn rate_limit(&self, scope: &str) -> Option<&RateLimit> {
        self.rate_limits.iter().find(|r| r.scope == scope)
    }
}

impl<T: DeserializeOwned + Send + 'static> Page<T> {
    /// Fetches the page after this one, with the same credentials and request options; `None`
    /// on the last page. It fails as `.pages()` would: on a page already fetched on the way
    /// here (a cycle), past the page limit ([`ClientBuilder::max_pages`],
    /// [`RequestOptions::max_pages`]), or with the request's own error.
    ///
    /// [`ClientBuilder::max_pages`]: super::ClientBuilder::max_pages
    pub async fn next_page(&self) -> Result<Option<Page<T>>, Error> {
        match &self.next {
            None => Ok(None),
            Some(cursor) => cursor.clone().fetch().await.map(Some),
        }
    }

    /// The first page's future (not an `async fn`: each item type would compile a state machine
    /// of its own).
    #[doc(hidden)]
    pub fn first(
        transport: Transport,
        first: Result<Request, Error>,
        options: RequestOptions,
        style: PageStyle,
    ) -> BoxFuture<Result<Page<T>, Error>> {
        match first {
            Ok(request) => Cursor::first(transport, request, options, style).fetch(),
            Err(error) => Box::pin(std::future::ready(Err(error))),
        }
    }
}

impl<T> std::ops::Deref for Page<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Page<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// The pages fetched so far, newest first: shared between the pages of one walk, so that each
/// page knows its way back without a copy of the set.
struct Visited {
    key: String,
    before: Option<Arc<Visited>>,
}

impl Drop for Visited {
    // A long chain is freed in a loop, not by recursion that could overflow the stack.
    fn drop(&mut self) {
        let mut next = self.before.take();
        while let Some(node) = next {
            match Arc::try_unwrap(node) {
                Ok(mut node) => next = node.before.take(),
                Err(_) => break,
            }
        }
    }
}

/// What fetching one more page needs: the request, where the walk has been, and how far.
#[derive(Clone)]
struct Cursor {
    transport: Transport,
    options: RequestOptions,
    style: PageStyle,
    request: Request,
    visited: Option<Arc<Visited>>,
    /// The pages fetched before this one.
    fetched: u64,
    /// Whether the page whose link this is came over HTTPS: a link from there to plain HTTP is
    /// not followed, as a redirect from HTTPS to HTTP is not.
    from_https: bool,
}

/// Where the page after this one is: at a URL, or at this request with a cursor parameter.
enum NextPage {
    Url(Url),
    Cursor(&'static str, String),
}

/// What identifies a page: its URL without the fragment (an invalid URL fails when it is sent).
fn page_key(transport: &Transport, request: &Request) -> String {
    match transport.url(request) {
        Ok(mut url) => {
            url.set_fragment(None);
            url.to_string()
        }
        Err(_) => format!("{}?{}", request.path, request.query_string()),
    }
}

/// The links of a `Link` header, resolved against the URL that answered (RFC 8288 §3.2).
fn header_links(headers: &HeaderMap, here: &Url) -> Links {
    let mut links = Links::default();
    let values = headers.get_all(reqwest::header::LINK).iter().filter_map(|v| v.to_str().ok());
    for link in values.flat_map(super::links::parse) {
        let Ok(url) = here.join(&link.target) else { continue };
        let prev = link.has_rel("prev") || link.has_rel("previous");
        for (wanted, slot) in [
            (link.has_rel("first"), &mut links.first),
            (prev, &mut links.prev),
            (link.has_rel("next"), &mut links.next),
            (link.has_rel("last"), &mut links.last),
        ] {
            if wanted && slot.is_none() {
                *slot = Some(url.clone());
            }
        }
    }
    links
}

impl Cursor {
    fn first(transport: Transport, request: Request, options: RequestOptions, style: PageStyle) -> Self {
        Cursor { transport, options, style, request, visited: None, fetched: 0, from_https: false }
    }

    fn fetch<T: DeserializeOwned + Send + 'static>(self) -> BoxFuture<Result<Page<T>, Error>> {
        Box::pin(self.fetch_inner())
    }

    async fn fetch_inner<T: DeserializeOwned + Send + 'static>(self) -> Result<Page<T>, Error> {
        let Cursor { transport, options, style, request, visited, fetched, from_https } = self;
        let limit = options.max_pages.unwrap_or(transport.inner.max_pages);
        if fetched >= limit {
            return Err(Error::InvalidRequest(format!(
                "pagination of {} {} stopped after {limit} pages, the limit; raise it with `max_pages` on the client builder or the request options",
                request.method, request.path_template
            )));
        }
        if let Some(url) = request.url.as_deref().filter(|url| from_https && url.scheme() != "https") {
            // Without its query, which may hold a signature.
            let shown = format!("{}://{}{}", url.scheme(), url.host_str().unwrap_or(""), url.path());
            return Err(Error::InvalidRequest(format!(
                "pagination of {} {} refuses a next-page link from HTTPS to `{shown}`",
                request.method, request.path_template
            )));
        }
        // A page's key is needed to compare it with the pages before it, and to be compared with
        // the pages after it: the first page of a list of one page never needs it.
        let key = visited.is_some().then(|| page_key(&transport, &request));
        let mut seen = visited.as_deref();
        while let (Some(node), Some(key)) = (seen, &key) {
            if node.key == *key {
                return Err(Error::InvalidRequest(format!(
                    "pagination of {} {} came back to a page it already fetched; stopping",
                    request.method, request.path_template
                )));
            }
            seen = node.before.as_deref();
        }
        let mut raw = transport.execute(&request, &options).await?;
        let here = raw.url.clone();
        let mut links = header_links(&raw.headers, &here);
        let (items, next) = match style {
            PageStyle::Link => (raw.json::<Vec<T>>()?, links.next.clone().map(NextPage::Url)),
            PageStyle::NextUrl { items, next } => {
                let siblings = next.strip_suffix("/next").map(|parent| {
                    ["first", "prev", "last"].map(|rel| format!("{parent}/{rel}"))
                });
                let (page, link, more) = raw.json_page::<T>(items, next, siblings.as_ref())?;
                if let Some(link) = link {
                    let url = here
                        .join(&link)
                        .map_err(|e| Error::InvalidRequest(format!("next-page link `{link}`: {e}")))?;
                    links.next = Some(url);
                }
                for (found, slot) in more.into_iter().zip([&mut links.first, &mut links.prev, &mut links.last]) {
                    if let Some(url) = found.and_then(|f| here.join(&f).ok()) {
                        *slot = Some(url);
                    }
                }
                (page, links.next.clone().map(NextPage::Url))
            }
            PageStyle::Cursor { items, cursor, param } => {
                let (page, cursor, _) = raw.json_page::<T>(items, cursor, None)?;
                (page, cursor.map(|cursor| NextPage::Cursor(param, cursor)))
            }
        };
        let next = next.map(|next| {
            let key = key.unwrap_or_else(|| page_key(&transport, &request));
            let request = match next {
                NextPage::Url(url) => Request { url: Some(Box::new(url)), query: Vec::new(), ..request },
                NextPage::Cursor(param, cursor) => {
                    let mut next = request;
                    next.query.retain(|(name, _)| name != param);
                    next.query.push((param.to_string(), super::request::encode(&cursor)));
                    next
                }
            };
            Cursor {
                transport,
                options,
                style,
                request,
                visited: Some(Arc::new(Visited { key, before: visited })),
                fetched: fetched.saturating_add(1),
                from_https: from_https || here.scheme() == "https",
            }
        });
        let response = raw.into_response(items);
        Ok(Page {
            items: response.value,
            status: response.status,
            headers: response.headers,
            rate_limits: response.rate_limits,
            links,
            next,
        })
    }
}

type PageFuture<T> = BoxFuture<Result<Page<T>, Error>>;

/// A stream of pages: the first request, then each next page. A page already visited ends the
/// stream with an error instead of looping (a cycle A, B, A; the same URL with another
/// `#fragment`; a cursor that comes back), and so does a page past the page limit.
pub struct Pages<T> {
    next: Option<Result<Cursor, Error>>,
    in_flight: Option<PageFuture<T>>,
}

impl<T> std::fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages").field("done", &(self.next.is_none() && self.in_flight.is_none())).finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> Pages<T> {
    #[doc(hidden)]
    pub fn new(transport: Transport, first: Result<Request, Error>, options: RequestOptions) -> Self {
        Self::with_style(transport, first, options, PageStyle::Link)
    }

    #[doc(hidden)]
    pub fn with_style(
        transport: Transport,
        first: Result<Request, Error>,
        options: RequestOptions,
        style: PageStyle,
    ) -> Self {
        let next = first.map(|request| Cursor::first(transport, request, options, style));
        Pages { next: Some(next), in_flight: None }
    }
}

impl<T: DeserializeOwned + Send + 'static> Stream for Pages<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(fut) = this.in_flight.as_mut() {
                let result = match fut.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(result) => result,
                };
                this.in_flight = None;
                if let Ok(page) = &result {
                    this.next = page.next.clone().map(Ok);
                }
                return Poll::Ready(Some(result));
            }
            match this.next.take() {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                Some(Ok(cursor)) => this.in_flight = Some(cursor.fetch()),
            }
        }
    }
}

impl<T> Unpin for Pages<T> {}

/// A stream of items across pages, fetched lazily: the next page is requested only when the
/// items of the current one are used up.
pub struct Paginated<T> {
    pages: Pages<T>,
    current: std::vec::IntoIter<T>,
}

impl<T> std::fmt::Debug for Paginated<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginated").field("buffered", &self.current.len()).finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> Paginated<T> {
    #[doc(hidden)]
    pub fn new(pages: Pages<T>) -> Self {
        Paginated { pages, current: Vec::new().into_iter() }
    }
}

impl<T: DeserializeOwned + Send + 'static> Stream for Paginated<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            // The page is used up: its buffer goes before the next page arrives, so that only
            // one page is ever held.
            this.current = Vec::new().into_iter();
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => this.current = page.items.into_iter(),
            }
        }
    }
}

impl<T> Unpin for Paginated<T> {}

#[cfg(test)]
mod tests {
    //! A next-page link that would leave HTTPS, refused before anything is sent.

    use super::super::client::{ApiSpec, ClientBuilder, RequestOptions};
    use super::*;

    static SPEC: ApiSpec = ApiSpec { auth: &[], rate_limits: &[], user_agent: "runtime-tests" };

    fn cursor(link: &str, from_https: bool) -> Cursor {
        let client = ClientBuilder::new("https://api.example.com/v1", &SPEC).build().unwrap();
        let mut request = Request::new("listThings", reqwest::Method::GET, "/things", &[]);
        request.url = Some(Box::new(Url::parse(link).unwrap()));
        Cursor {
            transport: client.transport().clone(),
            options: RequestOptions::default(),
            style: PageStyle::Link,
            request,
            visited: None,
            fetched: 1,
            from_https,
        }
    }

    #[tokio::test]
    async fn a_next_link_from_https_to_http_is_refused() {
        // Port 9 (discard) on a reserved domain: were the link followed, the error would be a
        // transport error, not this one.
        let error = cursor("http://api.example.com:9/v1/things?page=2&sig=abc", true).fetch::<u32>().await.unwrap_err();
        let text = error.to_string();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        assert!(text.contains("from HTTPS to `http://api.example.com/v1/things`"), "{text}");
        assert!(!text.contains("sig=abc"), "{text}");
    }

    #[tokio::test]
    async fn a_page_link_over_plain_http_is_followed_when_the_page_was_plain_http_too() {
        // Not refused for its scheme: it is sent (and fails to connect, port 9 of a reserved name).
        let error = cursor("http://127.0.0.1:9/v1/things?page=2", false).fetch::<u32>().await.unwrap_err();
        assert!(!error.to_string().contains("from HTTPS"), "{error}");
    }
}
