//! The IR of webhooks: the events an API sends to its users' receivers, each with its payload
//! type, and how a receiver tells a genuine request from a forged one.

use serde::{Deserialize, Serialize};

use super::{Docs, TypeRef};

/// The webhooks of an API (`x-webhooks` and `x-webhook-signature` at the spec's root).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Webhooks {
    /// Every event, sorted by wire name.
    pub events: Vec<WebhookEvent>,
    /// How requests name their event and prove where they come from.
    pub scheme: WebhookScheme,
}

/// One event.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WebhookEvent {
    /// The event's name on the wire, e.g. `build.finished`.
    pub wire_name: String,
    /// The event enum's variant, e.g. `BuildFinished`.
    pub variant: String,
    /// The type the request body decodes to.
    pub payload: TypeRef,
    /// Summary and description of the event.
    pub docs: Docs,
    /// `deprecated: true`.
    pub deprecated: bool,
}

/// The headers and the verification a webhook request carries.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WebhookScheme {
    /// The header that names the event.
    pub event_header: String,
    /// The header that carries the shared token as is, when the API can send one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_header: Option<String>,
    /// The signature, when the API can sign its requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureScheme>,
}

/// A signature header of the form `<timestamp key>=<unix seconds>,<signature key>=<hex MAC>`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SignatureScheme {
    /// The header's name.
    pub header: String,
    /// The MAC.
    pub algorithm: SignatureAlgorithm,
    /// The key of the timestamp in the header.
    pub timestamp_key: String,
    /// The key of the hex-encoded MAC in the header.
    pub signature_key: String,
    /// What the MAC is computed over, in order.
    pub signed: Vec<SignedPart>,
    /// How far the timestamp may be from the receiver's clock, either way, in seconds.
    pub tolerance_secs: u64,
}

/// The MAC algorithms a signature can use.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureAlgorithm {
    /// HMAC with SHA-256, keyed with the shared secret.
    HmacSha256,
}

/// A piece of the signed message.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SignedPart {
    /// The timestamp as sent in the header.
    Timestamp,
    /// The request body, byte for byte.
    Body,
    /// Literal text.
    Literal(String),
}
