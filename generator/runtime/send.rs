//! The one way every operation is sent: the operation builds its request (its own code, not
//! generic), one boxed future shared by all operations sends it, and a plain function chosen per
//! operation decodes the response. An operation compiles no state machine of its own, only its
//! request building and the small `poll` below for its response type.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::body::ByteStream;
use super::client::{RequestOptions, Transport};
use super::error::Error;
use super::request::Request;
use super::response::{RawResponse, Response};
use super::BoxFuture;

/// How an operation turns its success response into its value.
pub type Decode<T> = fn(RawResponse) -> Result<Response<T>, Error>;

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
    Box::pin(async move { transport.execute(request?, &options).await })
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

impl<T> Future for ResponseFuture<T> {
    type Output = Result<Response<T>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let output = match &mut this.state {
            State::Read(future, decode) => match future.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(raw) => raw.and_then(*decode),
            },
            State::Streamed(future) => match future.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(response) => response,
            },
            State::Done => Err(Error::InvalidRequest("a request's future was polled after it completed".into())),
        };
        this.state = State::Done;
        Poll::Ready(output)
    }
}

/// The future of an operation's `send()` and `.await`: the decoded value.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct SendFuture<T> {
    inner: ResponseFuture<T>,
}

impl<T> SendFuture<T> {
    /// The value of `inner`'s response.
    #[doc(hidden)]
    pub fn new(inner: ResponseFuture<T>) -> Self {
        SendFuture { inner }
    }
}

impl<T> Future for SendFuture<T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match Pin::new(&mut self.inner).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(result) => Poll::Ready(result.map(Response::into_inner)),
        }
    }
}
