//! The hand-written runtime every generated client carries: transport, retries, pagination,
//! errors, and the scalar types models use. Written out verbatim by the generator.

mod body;
mod client;
mod error;
mod execute;
mod items;
#[cfg(feature = "mock")]
pub mod mock;
pub(crate) mod locate;
mod links;
mod model;
mod pagination;
mod raw;
mod request;
mod response;
mod send;
mod values;
mod waiter;

pub use client::{ClientBuilder, RequestOptions, RetryEvent, RetryPolicy};
pub use body::ByteStream;
pub use client::DEFAULT_MAX_BODY_SIZE;
pub use error::{ApiError, BodyTooLarge, DecodeError, Error};
pub use items::ItemStream;
#[doc(hidden)]
pub use items::Framing;
pub use raw::RawRequest;
pub use pagination::{Page, Pages, Paginated};
#[doc(hidden)]
pub use pagination::PageStyle;
pub use request::{FilePart, RawBody};
pub use response::{RateLimit, Response, UntypedBody};
pub use send::{ResponseFuture, SendFuture};
pub use waiter::{WaitError, Waited, Waiter};
#[doc(hidden)]
pub use waiter::WaitRule;
pub use values::{Date, IntegerArg, TextArg, TimeArg, Timestamp, UnknownInteger, UnknownValue, UuidArg};

#[doc(hidden)]
pub use client::{ApiSpec, AuthKindSpec, AuthSpec, RateLimitSpec, Transport};
#[doc(hidden)]
pub use request::{FormField, Multipart, QueryStyle, Request};
#[doc(hidden)]
pub use reqwest::Method;
#[doc(hidden)]
pub use model::{
    deserialize_tagged, deserialize_untagged, skip_read_only, Alternative, Key, OrEmpty, Tagged, TaggedUnion,
};
#[doc(hidden)]
pub use response::RawResponse;
#[doc(hidden)]
pub use values::{deserialize_int_enum, deserialize_str_enum, nullable, Checked, Integer};

/// A boxed future, the type of `.await` on a request builder.
pub type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'static>>;
