//! `src/webhooks/mod.rs`: the event enum of the API's webhooks, dispatched on the event header,
//! with an `Unknown` alternative for events added later, and the verification functions bound
//! to the spec's scheme. `src/webhooks/verify.rs` is the runtime's verbatim part.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{SignedPart, Webhooks};
use crate::rust::{ty, Scope};

use super::docs;
use super::types::type_ident;

/// The verbatim part: verification, decoding and errors. Lines between `// @signed {` and
/// `// @signed }` serve a signature scheme, those between `// @unsigned {` and `// @unsigned }`
/// stand in for them when there is none: see [`verify_source`].
const VERIFY: &str = include_str!("../../runtime/webhooks.rs");

/// `src/webhooks/verify.rs` for a scheme with or without a signature: the regions of the other
/// case left out and the marker lines dropped, so that a crate whose API only sends a token
/// holds no signature code, which would be dead (and `-D warnings` refuses dead code).
pub fn verify_source(signed: bool) -> String {
    let (keep, drop) = if signed { ("signed", "unsigned") } else { ("unsigned", "signed") };
    let mut out = String::with_capacity(VERIFY.len());
    let mut dropping = false;
    let mut blank_before = false;
    for line in VERIFY.lines() {
        let marker = line.trim();
        if marker == format!("// @{keep} {{") || marker == format!("// @{keep} }}") {
            continue;
        }
        if marker == format!("// @{drop} {{") || marker == format!("// @{drop} }}") {
            dropping = marker.ends_with('{');
            continue;
        }
        // A dropped item leaves the blank lines on both sides of it: one is enough.
        let blank = line.is_empty();
        if dropping || (blank && blank_before) {
            continue;
        }
        blank_before = blank;
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `src/webhooks/mod.rs`.
pub fn file(webhooks: &Webhooks) -> TokenStream {
    let scheme = &webhooks.scheme;
    let event_header = &scheme.event_header;
    let token_header = match &scheme.token_header {
        Some(name) => quote!(Some(#name)),
        None => quote!(None),
    };
    let signed = scheme.signature.is_some();
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
                signature: Some(verify::SignatureScheme {
                    header: #header,
                    timestamp_key: #timestamp_key,
                    signature_key: #signature_key,
                    signed: &[#(#parts),*],
                    tolerance_secs: #tolerance,
                }),
            }
        }
        // The runtime's `Scheme` has no signature field then (see `verify_source`).
        None => quote!(),
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
        let deprecated = e.deprecated.then(|| docs::deprecated(&e.docs));
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

    let head = if signed {
        quote! {
            //! Webhooks: the events the API sends to a receiver, each decoded into its payload type,
            //! and the checks that tell a genuine request from a forged or replayed one.
            //!
            //! A receiver passes the request's headers, its body (the exact bytes received), the
            //! shared secret and the current time to [`Event::verify_and_parse`]. The signature is
            //! an HMAC-SHA256 compared in constant time, and its timestamp must lie within
            //! [`TOLERANCE_SECS`] of the clock, either way; a token is compared in constant time too.
        }
    } else {
        quote! {
            //! Webhooks: the events the API sends to a receiver, each decoded into its payload type,
            //! and the check that tells a genuine request from a forged one.
            //!
            //! A receiver passes the request's headers, its body (the exact bytes received), the
            //! shared secret and the current time to [`Event::verify_and_parse`]. The API signs
            //! nothing: the token header must hold the secret, compared in constant time. A token
            //! does not date the request, so a captured request can be replayed.
        }
    };
    let verify_doc = if signed {
        quote! {
            /// Checks that the request comes from the API: its signature, when it carries one (the
            /// HMAC of the signed message under `secret`, with a timestamp within the replay window
            /// of `now`), or else its token (equal to `secret`). Headers that must appear once and
            /// appear twice are refused. An empty `secret` is refused before the request is read
            /// ([`WebhookError::EmptySecret`]): the empty key is one anyone can sign with.
        }
    } else {
        quote! {
            /// Checks that the request comes from the API: its token header holds `secret`. The
            /// body and `now` are not read, as the API signs nothing; they are taken so that a
            /// receiver's code stays the same if it starts to. A repeated token header is refused.
            /// An empty `secret` is refused before the request is read
            /// ([`WebhookError::EmptySecret`]).
        }
    };

    quote! {
        #head

        mod verify;

        pub use verify::{Verified, WebhookError};

        #(#constants)*

        const SCHEME: verify::Scheme = verify::Scheme {
            event_header: #event_header,
            token_header: #token_header,
            #signature
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

        #verify_doc
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

#[cfg(test)]
mod tests {
    use super::{verify_source, VERIFY};

    #[test]
    fn the_markers_pair_up() {
        let mut open: Option<&str> = None;
        for line in VERIFY.lines().map(str::trim).filter(|l| l.starts_with("// @")) {
            match (open, line) {
                (None, "// @signed {") => open = Some("signed"),
                (None, "// @unsigned {") => open = Some("unsigned"),
                (Some("signed"), "// @signed }") | (Some("unsigned"), "// @unsigned }") => open = None,
                _ => panic!("unpaired marker `{line}` (open: {open:?})"),
            }
        }
        assert_eq!(open, None);
    }

    #[test]
    fn a_signed_scheme_keeps_the_signature_code_and_an_unsigned_one_drops_it() {
        let signed = verify_source(true);
        let unsigned = verify_source(false);
        for source in [&signed, &unsigned] {
            assert!(!source.contains("// @"), "a marker is left");
            assert!(!source.contains("\n\n\n"), "two blank lines in a row");
            assert!(source.contains("pub fn verify_token("));
        }
        for item in ["pub struct SignatureScheme", "pub fn verify_signature(", "pub fn sign(", "UNIX_EPOCH"] {
            assert!(signed.contains(item), "{item}");
            assert!(!unsigned.contains(item), "{item}");
        }
        assert!(unsigned.contains("signature_header: None,"));
        assert!(!signed.contains("signature_header: None,"));
    }
}
