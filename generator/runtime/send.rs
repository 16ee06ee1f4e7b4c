//! The one way every operation is sent: the operation builds its request (its own code, not
//! generic), one boxed future shared by all operations sends it, and a plain function chosen per
//! operation decodes the response. An operation compiles no state machine of its own, only its
//! request building and the small `poll` below for its response type.
//!
//! `send()` of a body read whole decodes the value alone; only `send_with_response()` wraps it
//! with the status, headers and rate-limit figures, so such a call neither reads the rate-limit
//! headers nor moves its value through a `Response`. (A streamed body's `Response` is made as
//! its headers arrive, rate-limit figures included.)

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::body::ByteStream;
use super::client::{RequestOptions, Transport};
use super::error::Error;
use super::items::{Framing, ItemStream};
use super::request::Request;
use super::response::{Decode, RawResponse, Response};
use super::BoxFuture;

enum State<T> {
    /// The request on its way, its body read whole; then decoded.
    Read(BoxFuture<Result<RawResponse, Error>>, Decode<T>),
    /// A response whose body is left unread (streamed).
    Streamed(BoxFuture<Result<Response<T>, Error>>),
    /// The output was returned.
    Done,
}

/// The future of an operation's `send_with_response()`: the decoded value with the status,
/// headers and rate-limit figures of the response.
#[must_use = "a request does nothing until it is awaited"]
pub struct ResponseFuture<T> {
    state: State<T>,
}

/// The non-generic part: sends a request and reads its body.
fn read(
    transport: Transport,
    request: Result<Request, Error>,
    options: RequestOptions,
) -> BoxFuture<Result<RawResponse, Error>> {
    Box::pin(transport.execute_owned(request, options))
}

impl<T> ResponseFuture<T> {
    /// Sends `request` (or fails with its error) and decodes the response with `decode`.
    #[doc(hidden)]
    pub fn new(
        transport: &Transport,
        request: Result<Request, Error>,
        options: RequestOptions,
        decode: Decode<T>,
    ) -> Self {
        ResponseFuture { state: State::Read(read(transport.clone(), request, options), decode) }
    }
}

impl<T: 'static> ResponseFuture<ItemStream<T>> {
    /// Sends `request` (or fails with its error) and returns as soon as the headers arrive,
    /// the body left to be read item by item.
    #[doc(hidden)]
    pub fn items(transport: &Transport, request: Result<Request, Error>, options: RequestOptions, framing: Framing) -> Self {
        let transport = transport.clone();
        let future = Box::pin(async move {
            let response = transport.execute_streamed(request?, &options).await?;
            Ok(response.map(|body| ItemStream::new(body, framing)))
        });
        ResponseFuture { state: State::Streamed(future) }
    }
}

impl ResponseFuture<ByteStream> {
    /// Sends `request` (or fails with its error) and returns as soon as the headers arrive,
    /// the body unread.
    #[doc(hidden)]
    pub fn streamed(transport: &Transport, request: Result<Request, Error>, options: RequestOptions) -> Self {
        let transport = transport.clone();
        let future = Box::pin(async move { transport.execute_streamed(request?, &options).await });
        ResponseFuture { state: State::Streamed(future) }
    }
}

impl<T> std::fmt::Debug for ResponseFuture<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").field("done", &matches!(self.state, State::Done)).finish()
    }
}

impl<T> State<T> {
    /// Polls the request; once it is answered, `read` makes the output of a response read whole
    /// and `streamed` that of a streamed one.
    fn poll<O>(
        &mut self,
        cx: &mut Context<'_>,
        read: impl FnOnce(RawResponse, Decode<T>) -> Result<O, Error>,
        streamed: impl FnOnce(Response<T>) -> O,
    ) -> Poll<Result<O, Error>> {
        let output = match self {
            State::Read(future, decode) => match future.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(raw) => raw.and_then(|raw| read(raw, *decode)),
            },
            State::Streamed(future) => match future.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(response) => response.map(streamed),
            },
            State::Done => Err(Error::InvalidRequest("a request's future was polled after it completed".into())),
        };
        *self = State::Done;
        Poll::Ready(output)
    }
}

impl<T> Future for ResponseFuture<T> {
    type Output = Result<Response<T>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.state.poll(cx, RawResponse::decoded, |response| response)
    }
}

/// The future of an operation's `send()` and `.await`: the decoded value.
#[must_use = "a request does nothing until it is awaited"]
pub struct SendFuture<T> {
    state: State<T>,
}

impl<T> SendFuture<T> {
    /// The value alone of `inner`'s response (`inner` is not polled yet: its request is taken
    /// over, and its response never wrapped).
    #[doc(hidden)]
    pub fn new(inner: ResponseFuture<T>) -> Self {
        SendFuture { state: inner.state }
    }
}

impl<T> std::fmt::Debug for SendFuture<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendFuture").field("done", &matches!(self.state, State::Done)).finish()
    }
}

impl<T> Future for SendFuture<T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.state.poll(cx, |mut raw, decode| decode(&mut raw), Response::into_inner)
    }
}
