//! `src/webhooks/mod.rs`: the event enum of the API's webhooks, dispatched on the event header,
//! with an `Unknown` alternative for events added later, and the verification functions bound
//! to the spec's scheme. `src/webhooks/verify.rs` is the runtime's verbatim part.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{SignedPart, Webhooks};
use crate::rust::{ty, Scope};

use super::docs;
use super::types::type_ident;

/// The verbatim part: verification, decoding and errors.
pub const VERIFY: &str = include_str!("../../runtime/webhooks.rs");

/// `src/webhooks/mod.rs`.
pub fn file(webhooks: &Webhooks) -> TokenStream {
    let scheme = &webhooks.scheme;
    let event_header = &scheme.event_header;
    let token_header = match &scheme.token_header {
        Some(name) => quote!(Some(#name)),
        None => quote!(None),
    };
    let signature = match &scheme.signature {
        Some(s) => {
            let header = &s.header;
            let timestamp_key = &s.timestamp_key;
            let signature_key = &s.signature_key;
            let tolerance = proc_macro2::Literal::u64_unsuffixed(s.tolerance_secs);
            let parts = s.signed.iter().map(|p| match p {
                SignedPart::Timestamp => quote!(verify::SignedPart::Timestamp),
                SignedPart::Body => quote!(verify::SignedPart::Body),
                SignedPart::Literal(text) => quote!(verify::SignedPart::Literal(#text)),
            });
            quote! {
                Some(verify::SignatureScheme {
                    header: #header,
                    timestamp_key: #timestamp_key,
                    signature_key: #signature_key,
                    signed: &[#(#parts),*],
                    tolerance_secs: #tolerance,
                })
            }
        }
        None => quote!(None),
    };

    let mut constants = vec![{
        let doc = format!(" The header that names the event: {}.", docs::code(event_header));
        quote! { #[doc = #doc] pub const EVENT_HEADER: &str = #event_header; }
    }];
    if let Some(name) = &scheme.token_header {
        let doc = format!(" The header that carries the shared token as is: {}.", docs::code(name));
        constants.push(quote! { #[doc = #doc] pub const TOKEN_HEADER: &str = #name; });
    }
    let mut sign = quote!();
    if let Some(s) = &scheme.signature {
        let name = &s.header;
        let tolerance = proc_macro2::Literal::u64_unsuffixed(s.tolerance_secs);
        let doc = format!(" The header that carries the signature: {}.", docs::code(name));
        constants.push(quote! {
            #[doc = #doc]
            pub const SIGNATURE_HEADER: &str = #name;
            #[doc = " How far a signature's timestamp may be from the receiver's clock, either way, in seconds."]
            pub const TOLERANCE_SECS: u64 = #tolerance;
        });
        sign = quote! {
            /// The signature header value the API would send for `body` at `timestamp` (Unix
            /// seconds), signed with `secret`: for testing a receiver.
            pub fn sign(body: &[u8], secret: &[u8], timestamp: i64) -> String {
                match &SCHEME.signature {
                    Some(signature) => verify::sign(body, secret, timestamp, signature),
                    None => String::new(),
                }
            }
        };
    }

    let variants = webhooks.events.iter().map(|e| {
        let variant = type_ident(&e.variant);
        let payload = ty(&e.payload, Scope::Crate);
        let mut lines = vec![format!("{}.", docs::code(&e.wire_name))];
        let described = docs::lines(&e.docs, "");
        if !described.iter().all(String::is_empty) {
            lines.push(String::new());
            lines.extend(described);
        }
        let doc = docs::text_attrs(&lines);
        let deprecated = e.deprecated.then(|| quote!(#[deprecated]));
        quote! { #doc #deprecated #variant(#payload) }
    });
    let names = webhooks.events.iter().map(|e| {
        let variant = type_ident(&e.variant);
        let wire = &e.wire_name;
        quote! { Self::#variant(_) => #wire }
    });
    let decoders = webhooks.events.iter().map(|e| {
        let variant = type_ident(&e.variant);
        let wire = &e.wire_name;
        quote! { #wire => verify::decode(event, body).map(Self::#variant) }
    });
    let wires = webhooks.events.iter().map(|e| &e.wire_name);

    quote! {
        //! Webhooks: the events the API sends to a receiver, each decoded into its payload type,
        //! and the checks that tell a genuine request from a forged or replayed one.
        //!
        //! A receiver passes the request's headers, its body (the exact bytes received), the
        //! shared secret and the current time to [`Event::verify_and_parse`]. The signature is
        //! an HMAC-SHA256 compared in constant time, and its timestamp must lie within
        //! [`TOLERANCE_SECS`] of the clock, either way; a token is compared in constant time too.

        mod verify;

        pub use verify::{Verified, WebhookError};

        #(#constants)*

        const SCHEME: verify::Scheme = verify::Scheme {
            event_header: #event_header,
            token_header: #token_header,
            signature: #signature,
        };

        /// A webhook event, chosen by the event header and decoded from the body.
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum Event {
            #(#variants,)*
            /// An event this version does not know, with its payload as JSON.
            Unknown {
                /// The event's name, from the event header.
                event: String,
                /// The body.
                payload: serde_json::Value,
            },
        }

        impl Event {
            /// The name of every event this version decodes into a typed payload, sorted.
            pub const NAMES: &'static [&'static str] = &[#(#wires),*];

            /// The event's name on the wire.
            pub fn name(&self) -> &str {
                match self {
                    #(#names,)*
                    Self::Unknown { event, .. } => event,
                }
            }

            /// Decodes `body` as the payload of the event called `event`; an event this version
            /// does not know becomes [`Event::Unknown`].
            pub fn from_json(event: &str, body: &[u8]) -> Result<Self, WebhookError> {
                match event {
                    #(#decoders,)*
                    _ => verify::decode(event, body).map(|payload| Self::Unknown { event: event.to_string(), payload }),
                }
            }

            /// Verifies the request with [`verify`], then decodes it: what a receiver calls.
            pub fn verify_and_parse(
                headers: &reqwest::header::HeaderMap,
                body: &[u8],
                secret: &[u8],
                now: std::time::SystemTime,
            ) -> Result<Self, WebhookError> {
                verify(headers, body, secret, now)?;
                Self::parse_unverified(headers, body)
            }

            /// Decodes the request by its event header without checking where it came from:
            /// only for requests verified some other way.
            pub fn parse_unverified(headers: &reqwest::header::HeaderMap, body: &[u8]) -> Result<Self, WebhookError> {
                let event = verify::event_name(headers, &SCHEME)?;
                Self::from_json(event, body)
            }
        }

        /// Checks that the request comes from the API: its signature, when it carries one (the
        /// HMAC of the signed message under `secret`, with a timestamp within the replay window
        /// of `now`), or else its token (equal to `secret`). Headers that must appear once and
        /// appear twice are refused. An empty `secret` is refused before the request is read
        /// ([`WebhookError::EmptySecret`]): the empty key is one anyone can sign with.
        pub fn verify(
            headers: &reqwest::header::HeaderMap,
            body: &[u8],
            secret: &[u8],
            now: std::time::SystemTime,
        ) -> Result<Verified, WebhookError> {
            verify::verify(headers, body, secret, now, &SCHEME)
        }

        #sign
    }
}
