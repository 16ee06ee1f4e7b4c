//! Bodies read as they arrive: the byte stream of downloads and logs, and the bounded reading
//! of every body the client holds in memory.

use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_core::Stream;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::error::{Call, DecodeError, Error};
use super::BoxFuture;

/// How long reading a body may wait.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Wait {
    /// Until this instant, for the whole body (a buffered body: the whole-request timeout).
    Deadline(Instant),
    /// At most this long for each next chunk (a streamed body: the read timeout).
    Idle(Duration),
}

/// Any duration is accepted: one too long to add to the clock (`Duration::MAX`) is a year.
fn capped(wait: Duration) -> Duration {
    wait.min(Duration::from_secs(365 * 24 * 3600))
}

/// The next chunk of a body, `None` at its end.
/// Not an `async fn`, whose future would hold its arguments twice (as arguments and as locals),
/// nor is `read_limited`: these futures are part of every request's.
#[allow(clippy::manual_async_fn)]
fn next_chunk<'a>(
    response: &'a mut reqwest::Response,
    wait: Wait,
    call: &'a Call,
) -> impl std::future::Future<Output = Result<Option<Bytes>, Error>> + 'a {
    async move {
        let mut read = std::pin::pin!(response.chunk());
        // A chunk that has already arrived (most bodies come with their headers) needs no timer:
        // the read is tried once first, as the timeout would, and only a read that waits gets one.
        let first_try = std::future::poll_fn(|cx| Poll::Ready(std::future::Future::poll(read.as_mut(), cx)));
        let outcome = match first_try.await {
            Poll::Ready(result) => Ok(result),
            Poll::Pending => match wait {
                Wait::Deadline(deadline) => {
                    tokio::time::timeout_at(tokio::time::Instant::from_std(deadline), read).await
                }
                Wait::Idle(idle) => tokio::time::timeout(capped(idle), read).await,
            },
        };
        match outcome {
            Err(_) => Err(call.timeout()),
            Ok(result) => result.map_err(|e| call.transport(e)),
        }
    }
}

/// Reads a body up to `limit` bytes: the bytes, and whether the body went on past the limit (it
/// is then read no further, and what is returned is its first `limit` bytes). Memory never
/// grows past the limit: the buffer is sized from `Content-Length` only up to it.
#[allow(clippy::manual_async_fn)]
pub(crate) fn read_limited<'a>(
    response: &'a mut reqwest::Response,
    limit: u64,
    content_length: Option<u64>,
    wait: Wait,
    call: &'a Call,
) -> impl std::future::Future<Output = Result<(Bytes, bool), Error>> + 'a {
    async move {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let expected = content_length.and_then(|n| usize::try_from(n).ok()).unwrap_or(0).min(limit);
        let mut first: Option<Bytes> = None;
        let mut buffer: Vec<u8> = Vec::new();
        while let Some(chunk) = next_chunk(response, wait, call).await? {
            let held = first.as_ref().map_or(buffer.len(), Bytes::len);
            if held.saturating_add(chunk.len()) > limit {
                let mut out = match first.take() {
                    Some(first) => Vec::from(first),
                    None => buffer,
                };
                out.extend_from_slice(&chunk[..limit - held]);
                return Ok((Bytes::from(out), true));
            }
            // A body that comes in one chunk (most JSON bodies) is kept as it came, without a copy.
            match first.take() {
                None if buffer.is_empty() => first = Some(chunk),
                None => buffer.extend_from_slice(&chunk),
                Some(previous) => {
                    buffer.reserve_exact(expected.max(previous.len() + chunk.len()));
                    buffer.extend_from_slice(&previous);
                    buffer.extend_from_slice(&chunk);
                }
            }
        }
        Ok((first.unwrap_or_else(|| Bytes::from(buffer)), false))
    }
}

type ChunkFuture = BoxFuture<(reqwest::Response, Result<Option<Bytes>, Error>)>;

enum State {
    /// Between chunks.
    Idle(reqwest::Response),
    /// Waiting for the next chunk.
    Reading(ChunkFuture),
    /// At the end, or after an error.
    Done,
}

/// A response body read as it arrives, chunk by chunk: what operations with a binary body
/// (artifact downloads, `application/octet-stream`, `*/*`) return, and what `send_streamed()`
/// gives for any text or binary body. Memory stays at one chunk, whatever the body's size.
///
/// It is a [`Stream`] of `Result<Bytes, Error>`, and has helpers to hold it whole under a limit
/// ([`bytes`](Self::bytes), [`collect`](Self::collect), [`text`](Self::text)), to copy it into
/// any [`AsyncWrite`] ([`copy_to`](Self::copy_to)), or to save it to a file
/// ([`save`](Self::save)).
///
/// Timeouts: the whole-request timeout ends when the response's headers arrive; after that,
/// each chunk must come within the read timeout
/// ([`ClientBuilder::read_timeout`](crate::ClientBuilder::read_timeout), 30 s by default, or
/// [`RequestOptions::read_timeout`](crate::RequestOptions::read_timeout)), so a long download
/// runs as long as it progresses and a stalled one ends with [`Error::Timeout`]. A body is not
/// retried once its headers have arrived: a failure while reading it is the caller's to retry.
///
/// Dropping the stream before its end closes the connection.
pub struct ByteStream {
    call: Arc<Call>,
    status: StatusCode,
    headers: HeaderMap,
    content_length: Option<u64>,
    read_timeout: Duration,
    limit: u64,
    received: u64,
    state: State,
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .field("content_length", &self.content_length)
            .field("received", &self.received)
            .field("done", &matches!(self.state, State::Done))
            .finish()
    }
}

impl ByteStream {
    pub(crate) fn new(
        call: Call,
        status: StatusCode,
        headers: HeaderMap,
        response: reqwest::Response,
        read_timeout: Duration,
        limit: u64,
    ) -> Self {
        let content_length = super::execute::content_length(&headers);
        ByteStream {
            call: Arc::new(call),
            status,
            headers,
            content_length,
            read_timeout,
            limit,
            received: 0,
            state: State::Idle(response),
        }
    }

    /// The response's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Who made the request, and its body limit: what an [`ItemStream`](super::ItemStream)
    /// over this body names in its errors and holds an item to.
    pub(crate) fn call_and_limit(&self) -> (Arc<Call>, u64) {
        (self.call.clone(), self.limit)
    }

    /// The response's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body's length, when the response declares it (`Content-Length`).
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// How many bytes of the body have been read so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// The next chunk, `None` at the end of the body.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await.transpose()
    }

    /// The whole body, if it is at most `max` bytes; else [`Error::BodyTooLarge`], before
    /// reading anything when `Content-Length` says so, else as soon as the bytes read pass
    /// `max` (memory never grows past it).
    pub async fn collect(mut self, max: u64) -> Result<Bytes, Error> {
        if self.content_length.is_some_and(|length| length > max) {
            return Err(self.too_large(max));
        }
        let State::Idle(mut response) = std::mem::replace(&mut self.state, State::Done) else {
            // Partly read already: what is left is gathered chunk by chunk.
            let mut out = Vec::new();
            while let Some(chunk) = self.chunk().await? {
                if (out.len() + chunk.len()) as u64 > max {
                    return Err(self.too_large(max));
                }
                out.extend_from_slice(&chunk);
            }
            return Ok(Bytes::from(out));
        };
        let wait = Wait::Idle(self.read_timeout);
        let (body, over) = read_limited(&mut response, max, self.content_length, wait, &self.call).await?;
        if over {
            return Err(self.too_large(max));
        }
        Ok(body)
    }

    /// The whole body, under the request's body limit
    /// ([`ClientBuilder::max_body_size`](crate::ClientBuilder::max_body_size), 64 MiB by default).
    pub async fn bytes(self) -> Result<Bytes, Error> {
        let limit = self.limit;
        self.collect(limit).await
    }

    /// The whole body as UTF-8 text, under the request's body limit; a body that is not UTF-8
    /// is a [`Error::Decode`] with an excerpt.
    pub async fn text(self) -> Result<String, Error> {
        let (call, status, headers) = (self.call.clone(), self.status, self.headers.clone());
        let limit = self.limit;
        let bytes = self.collect(limit).await?;
        String::from_utf8(Vec::from(bytes)).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let excerpt = super::response::excerpt_at(e.as_bytes(), at);
            let message = format!("the body is not UTF-8: {}", e.utf8_error());
            DecodeError::of(&call, (status, headers, Vec::new()), ".".into(), message, excerpt)
        })
    }

    /// Copies the rest of the body into `writer`, one chunk at a time, then flushes it; returns
    /// the bytes written. A failure of the writer is [`Error::Io`].
    pub async fn copy_to<W: AsyncWrite + Unpin + ?Sized>(&mut self, writer: &mut W) -> Result<u64, Error> {
        let mut written = 0u64;
        while let Some(chunk) = self.chunk().await? {
            writer.write_all(&chunk).await.map_err(|e| self.call.io(e))?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(|e| self.call.io(e))?;
        Ok(written)
    }

    /// Saves the body to the file `path`, replacing it; returns the bytes written.
    ///
    /// The body is written to a new temporary file beside `path` (`.<name>.<random>.part`),
    /// synced, and renamed to `path` only once the whole body has arrived: a download that fails
    /// (the connection drops, a timeout, a full disk) leaves no truncated file, and removes its
    /// temporary one.
    pub async fn save(mut self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let Some(name) = path.file_name() else {
            return Err(Error::InvalidRequest(format!("cannot save a body to `{}`: it names no file", path.display())));
        };
        let temporary = path.with_file_name(format!(".{}.{:016x}.part", name.to_string_lossy(), super::execute::random_u64()));
        let call = self.call.clone();
        let io = |what: &str, file: &Path, e: std::io::Error| {
            call.io(std::io::Error::new(e.kind(), format!("{what} `{}`: {e}", file.display())))
        };
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
            .await
            .map_err(|e| io("creating", &temporary, e))?;
        let written = async {
            let written = self.copy_to(&mut file).await?;
            file.sync_all().await.map_err(|e| io("syncing", &temporary, e))?;
            Ok(written)
        }
        .await;
        drop(file);
        let renamed = match written {
            Ok(written) => {
                tokio::fs::rename(&temporary, path).await.map(|()| written).map_err(|e| io("renaming to", path, e))
            }
            Err(e) => Err(e),
        };
        if renamed.is_err() {
            let _ = tokio::fs::remove_file(&temporary).await;
        }
        renamed
    }

    fn too_large(&self, limit: u64) -> Error {
        self.call.too_large(self.status, &self.headers, limit, self.content_length)
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Idle(mut response) => {
                    let (call, idle) = (this.call.clone(), this.read_timeout);
                    this.state = State::Reading(Box::pin(async move {
                        let chunk = next_chunk(&mut response, Wait::Idle(idle), &call).await;
                        (response, chunk)
                    }));
                }
                State::Reading(mut future) => match future.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Reading(future);
                        return Poll::Pending;
                    }
                    Poll::Ready((_, Ok(None))) => return Poll::Ready(None),
                    Poll::Ready((_, Err(e))) => return Poll::Ready(Some(Err(e))),
                    Poll::Ready((response, Ok(Some(chunk)))) => {
                        this.state = State::Idle(response);
                        if chunk.is_empty() {
                            continue;
                        }
                        this.received += chunk.len() as u64;
                        return Poll::Ready(Some(Ok(chunk)));
                    }
                },
            }
        }
    }
}
