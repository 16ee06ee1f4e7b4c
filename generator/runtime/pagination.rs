//! Pagination by the `Link` header (RFC 8288): each page's `rel="next"` URL is followed exactly
//! as the server gave it, one page at a time, so memory stays bounded by one page.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;

use super::client::{RequestOptions, Transport};
use super::error::Error;
use super::request::Request;
use super::response::Response;
use super::BoxFuture;

/// One page of a list, with the response's metadata.
pub type Page<T> = Response<Vec<T>>;

/// The `rel="next"` target of a `Link` header value, if any.
pub(crate) fn next_link(value: &str) -> Option<&str> {
    // Links are separated by commas outside `<...>`; URLs may themselves hold commas.
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let close = open + rest[open..].find('>')?;
        let target = &rest[open + 1..close];
        let after = &rest[close + 1..];
        let params_end = after.find('<').unwrap_or(after.len());
        let params = &after[..params_end];
        let is_next = params.split(';').any(|p| {
            let p = p.trim().trim_end_matches(',').trim();
            let Some((k, v)) = p.split_once('=') else { return false };
            k.trim().eq_ignore_ascii_case("rel")
                && v.trim().trim_matches('"').split_whitespace().any(|r| r.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(target);
        }
        rest = after;
    }
    None
}

type PageFuture<T> = BoxFuture<Result<(Page<T>, Option<Request>), Error>>;

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

/// A stream of pages: the first request, then each next page. A page already visited ends the
/// stream with an error instead of looping (a cycle A, B, A; the same URL with another
/// `#fragment`; a cursor that comes back).
pub struct Pages<T> {
    transport: Transport,
    options: RequestOptions,
    style: PageStyle,
    next: Option<Result<Request, Error>>,
    in_flight: Option<PageFuture<T>>,
    visited: std::collections::HashSet<String>,
}

impl<T> std::fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages").field("done", &(self.next.is_none() && self.in_flight.is_none())).finish()
    }
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

/// The request for a next-page URL, which must stay on the client's origin.
fn follow(transport: &Transport, request: Request, here: &reqwest::Url, link: &str) -> Result<Request, Error> {
    // A relative link is relative to the page that carried it (RFC 8288 §3.2).
    let url = here.join(link).map_err(|e| Error::InvalidRequest(format!("next-page link `{link}`: {e}")))?;
    let base = transport.base_url();
    if url.scheme() != base.scheme()
        || url.host_str() != base.host_str()
        || url.port_or_known_default() != base.port_or_known_default()
    {
        let origin = url.origin().ascii_serialization();
        return Err(Error::InvalidRequest(format!(
            "the next-page link points to another origin ({origin}); not following it with the client's credentials"
        )));
    }
    Ok(Request { url: Some(url), query: Vec::new(), ..request })
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
        Pages { transport, options, style, next: Some(first), in_flight: None, visited: Default::default() }
    }

    fn fetch(&self, request: Request) -> PageFuture<T> {
        let transport = self.transport.clone();
        let options = self.options.clone();
        let style = self.style;
        Box::pin(async move {
            let raw = transport.execute(request.clone(), &options).await?;
            let here = raw.url.clone();
            match style {
                PageStyle::Link => {
                    let link = raw
                        .headers
                        .get_all(reqwest::header::LINK)
                        .iter()
                        .filter_map(|v| v.to_str().ok())
                        .find_map(next_link)
                        .map(String::from);
                    let page = raw.json::<Vec<T>>()?;
                    let next = link.map(|link| follow(&transport, request, &here, &link)).transpose()?;
                    Ok((page, next))
                }
                PageStyle::NextUrl { items, next } => {
                    let (page, link) = raw.json_page::<T>(items, next)?;
                    let next = link.map(|link| follow(&transport, request, &here, &link)).transpose()?;
                    Ok((page, next))
                }
                PageStyle::Cursor { items, cursor, param } => {
                    let (page, cursor) = raw.json_page::<T>(items, cursor)?;
                    let next = cursor.map(|cursor| {
                        let mut next = request;
                        next.query.retain(|(name, _)| name != param);
                        next.query.push((param.to_string(), super::request::encode(&cursor)));
                        next
                    });
                    Ok((page, next))
                }
            }
        })
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
                return Poll::Ready(Some(match result {
                    Ok((page, next)) => {
                        this.next = next.map(Ok);
                        Ok(page)
                    }
                    Err(e) => Err(e),
                }));
            }
            match this.next.take() {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                Some(Ok(request)) => {
                    if !this.visited.insert(page_key(&this.transport, &request)) {
                        return Poll::Ready(Some(Err(Error::InvalidRequest(format!(
                            "pagination of {} {} came back to a page it already fetched; stopping",
                            request.method, request.path_template
                        )))));
                    }
                    this.in_flight = Some(this.fetch(request));
                }
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
                Poll::Ready(Some(Ok(page))) => this.current = page.value.into_iter(),
            }
        }
    }
}

impl<T> Unpin for Paginated<T> {}
