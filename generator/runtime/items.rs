//! Sequential media types (OpenAPI 3.2's `itemSchema`): a streamed body split into items as it
//! arrives (JSON Lines, JSON text sequences, server-sent events), each decoded on its own.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::body::ByteStream;
use super::error::{Call, DecodeError, Error};

/// How a body is cut into items.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// JSON Lines / NDJSON: one item a line (`\n` or `\r\n`); blank lines are skipped.
    Lines,
    /// JSON text sequences (RFC 7464): each item follows a record separator (0x1E).
    JsonSeq,
    /// Server-sent events: an item is the `data:` lines of one event, joined with `\n`.
    EventStream,
}

/// The frames of a body, fed chunk by chunk. Holds at most one unfinished frame, and refuses
/// one larger than `limit` (memory stays bounded whatever the body's length).
#[derive(Debug)]
struct Splitter {
    framing: Framing,
    limit: usize,
    /// The bytes after the last separator.
    pending: Vec<u8>,
    /// Server-sent events: the data of the event being read, if it has a `data` field.
    data: Option<Vec<u8>>,
}

/// A frame larger than the limit.
#[derive(Debug, PartialEq, Eq)]
struct TooLarge;

impl Splitter {
    fn new(framing: Framing, limit: u64) -> Self {
        Splitter { framing, limit: usize::try_from(limit).unwrap_or(usize::MAX), pending: Vec::new(), data: None }
    }

    fn separator(&self) -> u8 {
        match self.framing {
            Framing::JsonSeq => 0x1e,
            Framing::Lines | Framing::EventStream => b'\n',
        }
    }

    /// Takes `chunk`, pushing every frame it completes onto `out`.
    fn feed(&mut self, chunk: &[u8], out: &mut VecDeque<Vec<u8>>) -> Result<(), TooLarge> {
        let separator = self.separator();
        let mut rest = chunk;
        while let Some(at) = rest.iter().position(|b| *b == separator) {
            if self.pending.len().saturating_add(at) > self.limit {
                return Err(TooLarge);
            }
            self.pending.extend_from_slice(&rest[..at]);
            let piece = std::mem::take(&mut self.pending);
            self.piece(&piece, out)?;
            rest = &rest[at + 1..];
        }
        if self.pending.len().saturating_add(rest.len()) > self.limit {
            return Err(TooLarge);
        }
        self.pending.extend_from_slice(rest);
        Ok(())
    }

    /// The end of the body: a last line or record without its separator is an item; an event
    /// not ended by a blank line is dropped, as the SSE standard says.
    fn end(&mut self, out: &mut VecDeque<Vec<u8>>) -> Result<(), TooLarge> {
        let piece = std::mem::take(&mut self.pending);
        match self.framing {
            Framing::EventStream => {
                self.data = None;
                Ok(())
            }
            _ => self.piece(&piece, out),
        }
    }

    /// One piece between separators.
    fn piece(&mut self, piece: &[u8], out: &mut VecDeque<Vec<u8>>) -> Result<(), TooLarge> {
        match self.framing {
            Framing::Lines | Framing::JsonSeq => {
                if !piece.iter().all(u8::is_ascii_whitespace) {
                    out.push_back(piece.to_vec());
                }
            }
            Framing::EventStream => {
                let line = piece.strip_suffix(b"\r").unwrap_or(piece);
                if line.is_empty() {
                    if let Some(data) = self.data.take() {
                        out.push_back(data);
                    }
                    return Ok(());
                }
                if line.starts_with(b":") {
                    return Ok(());
                }
                let (field, value) = match line.iter().position(|b| *b == b':') {
                    Some(at) => (&line[..at], &line[at + 1..]),
                    None => (line, &[][..]),
                };
                if field != b"data" {
                    return Ok(());
                }
                let value = value.strip_prefix(b" ").unwrap_or(value);
                let held = self.data.as_ref().map_or(0, |d| d.len() + 1);
                if held.saturating_add(value.len()) > self.limit {
                    return Err(TooLarge);
                }
                match &mut self.data {
                    Some(data) => {
                        data.push(b'\n');
                        data.extend_from_slice(value);
                    }
                    None => self.data = Some(value.to_vec()),
                }
            }
        }
        Ok(())
    }
}

/// The chunks of a body: a [`ByteStream`], or in tests any stream.
type Body = Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>;

/// The items of a streamed body of a sequential media type (JSON Lines, NDJSON, JSON text
/// sequences, server-sent events), each decoded as it arrives: a [`Stream`] of
/// `Result<T, Error>`, like [`Paginated`](super::Paginated).
///
/// Memory stays at one chunk and one item: an item larger than the request's body limit
/// ([`ClientBuilder::max_body_size`](crate::ClientBuilder::max_body_size)) is
/// [`Error::BodyTooLarge`]. An item that does not decode is [`Error::Decode`] whose
/// `json_path` names its index (`[3]`, from 0); the stream ends after the first error, since
/// what follows a broken item cannot be trusted to be framed as the sender meant. Blank lines
/// are skipped; of server-sent events only the `data` lines are read (comments, `event`, `id`
/// and `retry` are ignored, and an event without data is no item).
pub struct ItemStream<T> {
    body: Option<Body>,
    splitter: Splitter,
    ready: VecDeque<Vec<u8>>,
    /// An error to give once the items before it are given.
    failed: Option<Error>,
    index: usize,
    call: Arc<Call>,
    status: StatusCode,
    headers: HeaderMap,
    item: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream")
            .field("status", &self.status)
            .field("items", &self.index)
            .field("done", &self.body.is_none())
            .finish()
    }
}

impl<T> ItemStream<T> {
    /// The items of `body`, cut by `framing`.
    #[doc(hidden)]
    pub fn new(body: ByteStream, framing: Framing) -> Self {
        let (call, limit) = body.call_and_limit();
        let (status, headers) = (body.status(), body.headers().clone());
        Self::over(Box::pin(body), framing, limit, call, status, headers)
    }

    fn over(
        body: Body,
        framing: Framing,
        limit: u64,
        call: Arc<Call>,
        status: StatusCode,
        headers: HeaderMap,
    ) -> Self {
        ItemStream {
            body: Some(body),
            splitter: Splitter::new(framing, limit),
            ready: VecDeque::new(),
            failed: None,
            index: 0,
            call,
            status,
            headers,
            item: PhantomData,
        }
    }

    /// The response's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    fn too_large(&self) -> Error {
        self.call.too_large(self.status, &self.headers, self.splitter.limit as u64, None)
    }
}

impl<T: DeserializeOwned> Stream for ItemStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(frame) = this.ready.pop_front() {
                let index = this.index;
                this.index += 1;
                return Poll::Ready(Some(serde_json::from_slice::<T>(&frame).map_err(|e| {
                    this.body = None;
                    this.ready.clear();
                    this.failed = None;
                    let at = frame.len().min(e.column().saturating_sub(1));
                    let excerpt = super::response::excerpt_at(&frame, at);
                    let message = format!("item {index} does not decode: {e}");
                    DecodeError::of(&this.call, (this.status, this.headers.clone(), Vec::new()), format!("[{index}]"), message, excerpt)
                })));
            }
            let Some(body) = this.body.as_mut() else {
                return Poll::Ready(this.failed.take().map(Err));
            };
            let fed = match body.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => this.splitter.feed(&chunk, &mut this.ready),
                Poll::Ready(Some(Err(e))) => {
                    this.body = None;
                    this.failed = Some(e);
                    Ok(())
                }
                Poll::Ready(None) => {
                    this.body = None;
                    this.splitter.end(&mut this.ready)
                }
            };
            if fed.is_err() {
                this.body = None;
                this.failed = Some(this.too_large());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(framing: Framing, body: &[u8], limit: u64) -> (Vec<String>, Result<(), TooLarge>) {
        let mut splitter = Splitter::new(framing, limit);
        let mut out = VecDeque::new();
        // Byte by byte: every frame must survive any cut between chunks.
        let mut result = Ok(());
        for b in body {
            result = splitter.feed(std::slice::from_ref(b), &mut out);
            if result.is_err() {
                break;
            }
        }
        if result.is_ok() {
            result = splitter.end(&mut out);
        }
        let frames = out.into_iter().map(|f| String::from_utf8(f).unwrap()).collect();
        (frames, result)
    }

    #[test]
    fn json_lines_split_on_newlines_skipping_blank_lines() {
        let (frames, result) = split(Framing::Lines, b"{\"a\":1}\r\n\n  \r\n{\"a\":2}\n{\"a\":3}", 1024);
        assert_eq!(result, Ok(()));
        assert_eq!(frames, ["{\"a\":1}\r", "{\"a\":2}", "{\"a\":3}"]);
    }

    #[test]
    fn json_seq_splits_on_record_separators() {
        let (frames, result) = split(Framing::JsonSeq, b"\x1e{\"a\":1}\n\x1e{\"a\":2}\n", 1024);
        assert_eq!(result, Ok(()));
        assert_eq!(frames, ["{\"a\":1}\n", "{\"a\":2}\n"]);
    }

    #[test]
    fn events_join_their_data_lines_and_ignore_the_rest() {
        let body = b": hello\r\nevent: hit\r\ndata: {\"a\":\r\ndata:1}\r\nid: 7\r\n\r\nretry: 5\n\ndata: 2\n\ndata: 3\n";
        let (frames, result) = split(Framing::EventStream, body, 1024);
        assert_eq!(result, Ok(()));
        // The last event has no blank line after it: it is not complete.
        assert_eq!(frames, ["{\"a\":\n1}", "2"]);
    }

    #[test]
    fn an_item_over_the_limit_is_refused_in_every_framing() {
        for framing in [Framing::Lines, Framing::JsonSeq, Framing::EventStream] {
            let (frames, result) = split(framing, b"data: 1\n\n\x1edata: 12345678901234567890\n\n", 16);
            assert_eq!(result, Err(TooLarge), "{framing:?}");
            assert!(frames.len() <= 1, "{framing:?}: {frames:?}");
        }
        let (_, result) = split(Framing::Lines, b"1234567890123456\n", 16);
        assert_eq!(result, Ok(()));
    }

    fn call() -> Arc<Call> {
        Arc::new(Call {
            operation: "op",
            method: reqwest::Method::GET,
            path: "/p".into(),
            path_template: "/p",
            secrets: Default::default(),
        })
    }

    fn items<T: DeserializeOwned>(chunks: &[&'static [u8]], framing: Framing, limit: u64) -> Vec<Result<T, Error>> {
        let chunks: Vec<Result<Bytes, Error>> = chunks.iter().map(|c| Ok(Bytes::from_static(c))).collect();
        struct Chunks(std::vec::IntoIter<Result<Bytes, Error>>);
        impl Stream for Chunks {
            type Item = Result<Bytes, Error>;
            fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
                Poll::Ready(self.0.next())
            }
        }
        let mut stream: ItemStream<T> = ItemStream::over(
            Box::pin(Chunks(chunks.into_iter())),
            framing,
            limit,
            call(),
            StatusCode::OK,
            HeaderMap::new(),
        );
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut out = Vec::new();
        while let Poll::Ready(Some(item)) = Pin::new(&mut stream).poll_next(&mut cx) {
            out.push(item);
        }
        out
    }

    #[test]
    fn items_decode_across_chunks_and_stop_at_the_first_bad_one() {
        let out = items::<u32>(&[b"1\n2", b"2\n", b"x\n", b"4\n"], Framing::Lines, 1024);
        assert_eq!(out.len(), 3, "{out:?}");
        assert_eq!(out[0].as_ref().ok(), Some(&1));
        assert_eq!(out[1].as_ref().ok(), Some(&22));
        match &out[2] {
            Err(Error::Decode(e)) => {
                assert_eq!(e.json_path, "[2]");
                assert!(e.message.starts_with("item 2 does not decode"), "{}", e.message);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_oversized_item_ends_the_stream_with_body_too_large() {
        let out = items::<u32>(&[b"1\n", b"123456789"], Framing::Lines, 4);
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[0].as_ref().ok(), Some(&1));
        assert!(matches!(&out[1], Err(Error::BodyTooLarge(e)) if e.limit == 4), "{out:?}");
    }
}
