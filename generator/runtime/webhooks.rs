//! Webhook verification and decoding: checks a request's shared token or its signature (HMAC,
//! compared in constant time, within a replay window) and reads its event header. Written out
//! verbatim by the generator into crates whose spec describes webhooks; the event enum beside
//! it says which headers and which scheme the API uses.

// @signed {
use std::time::{SystemTime, UNIX_EPOCH};
// @signed }
// @unsigned {
use std::time::SystemTime;
// @unsigned }

use hmac::{Hmac, Mac};
use reqwest::header::HeaderMap;
use sha2::Sha256;

/// Why a webhook request was refused. Every failure names what was wrong, never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// A header the request must carry is absent.
    MissingHeader(&'static str),
    /// A header that must appear once appears more than once.
    DuplicateHeader(&'static str),
    /// A header's value is not visible ASCII text.
    HeaderNotText(&'static str),
    /// Neither the token header nor the signature header is present.
    MissingCredential {
        /// The token header, when the API sends one.
        token_header: Option<&'static str>,
        /// The signature header, when the API signs requests.
        signature_header: Option<&'static str>,
    },
    /// The signature header is not of the documented form.
    MalformedSignature(String),
    /// The signature does not match the body and timestamp under this secret.
    BadSignature,
    /// The timestamp is older than the replay window allows.
    StaleTimestamp {
        /// The request's timestamp, Unix seconds.
        timestamp: i64,
        /// The receiver's clock, Unix seconds.
        now: i64,
        /// The window, in seconds.
        tolerance_secs: u64,
    },
    /// The timestamp lies further in the future than the replay window allows.
    FutureTimestamp {
        /// The request's timestamp, Unix seconds.
        timestamp: i64,
        /// The receiver's clock, Unix seconds.
        now: i64,
        /// The window, in seconds.
        tolerance_secs: u64,
    },
    /// The token header does not hold the secret.
    WrongToken,
    /// The secret given to verify with is empty (an unset environment variable read as empty,
    /// say): an empty token and a signature made with the empty key are what anyone can send,
    /// so nothing is verified against it.
    EmptySecret,
    /// The body is not the JSON the event's payload type describes.
    Body {
        /// The event named by the event header.
        event: String,
        /// Where in the body decoding failed (a JSON path; `.` for the root).
        path: String,
        /// What was wrong there.
        message: String,
    },
}

impl std::fmt::Display for WebhookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebhookError::MissingHeader(name) => write!(f, "webhook request has no `{name}` header"),
            WebhookError::DuplicateHeader(name) => write!(f, "webhook request has more than one `{name}` header"),
            WebhookError::HeaderNotText(name) => write!(f, "webhook header `{name}` is not visible ASCII text"),
            WebhookError::MissingCredential { token_header, signature_header } => {
                let names: Vec<String> =
                    token_header.iter().chain(signature_header.iter()).map(|n| format!("`{n}`")).collect();
                write!(f, "webhook request has no {} header", names.join(" or "))
            }
            WebhookError::MalformedSignature(why) => write!(f, "malformed webhook signature header: {why}"),
            WebhookError::BadSignature => f.write_str("webhook signature does not match the body under this secret"),
            WebhookError::StaleTimestamp { timestamp, now, tolerance_secs } => write!(
                f,
                "webhook timestamp {timestamp} is {}s old, more than the {tolerance_secs}s window allows",
                i128::from(*now) - i128::from(*timestamp)
            ),
            WebhookError::FutureTimestamp { timestamp, now, tolerance_secs } => write!(
                f,
                "webhook timestamp {timestamp} is {}s in the future, more than the {tolerance_secs}s window allows",
                i128::from(*timestamp) - i128::from(*now)
            ),
            WebhookError::WrongToken => f.write_str("webhook token does not match the secret"),
            WebhookError::EmptySecret => f.write_str(
                "the webhook secret is empty, and anyone can sign with an empty key; give the secret the webhook was created with (is its environment variable set?)",
            ),
            WebhookError::Body { event, path, message } => {
                write!(f, "webhook body is not a `{event}` payload at {path}: {message}")
            }
        }
    }
}

impl std::error::Error for WebhookError {}

/// How a request proved where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verified {
    /// The token header held the secret. A token proves nothing about when the request was
    /// made: a captured request can be replayed.
    Token,
    /// The signature matched, with a timestamp (Unix seconds) inside the replay window.
    Signature {
        /// The request's timestamp.
        timestamp: i64,
    },
}

#[doc(hidden)]
#[derive(Debug)]
pub struct Scheme {
    pub event_header: &'static str,
    pub token_header: Option<&'static str>,
    // @signed {
    pub signature: Option<SignatureScheme>,
    // @signed }
}

// @signed {
#[doc(hidden)]
#[derive(Debug)]
pub struct SignatureScheme {
    pub header: &'static str,
    pub timestamp_key: &'static str,
    pub signature_key: &'static str,
    pub signed: &'static [SignedPart],
    pub tolerance_secs: u64,
}

#[doc(hidden)]
#[derive(Debug)]
pub enum SignedPart {
    Timestamp,
    Body,
    Literal(&'static str),
}
// @signed }

/// The one value of `name`: absent, repeated or non-text values are errors.
fn single<'h>(headers: &'h HeaderMap, name: &'static str) -> Result<Option<&'h str>, WebhookError> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else { return Ok(None) };
    if values.next().is_some() {
        return Err(WebhookError::DuplicateHeader(name));
    }
    first.to_str().map(Some).map_err(|_| WebhookError::HeaderNotText(name))
}

#[doc(hidden)]
pub fn event_name<'h>(headers: &'h HeaderMap, scheme: &Scheme) -> Result<&'h str, WebhookError> {
    single(headers, scheme.event_header)?.ok_or(WebhookError::MissingHeader(scheme.event_header))
}

// @signed {
/// Unix seconds, negative before 1970; never panics.
fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map(|s| -s).unwrap_or(i64::MIN),
    }
}
// @signed }

fn mac(secret: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length: longer keys are hashed, shorter ones padded.
    match <Hmac<Sha256> as Mac>::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => unreachable_key(),
    }
}

#[cold]
fn unreachable_key() -> Hmac<Sha256> {
    // `new_from_slice` only fails for MACs with a fixed key size; HMAC has none. Keyed with the
    // empty key rather than panicking, and then no signature made with a real secret matches.
    <Hmac<Sha256> as hmac::digest::KeyInit>::new(&Default::default())
}

#[doc(hidden)]
pub fn verify(
    headers: &HeaderMap,
    body: &[u8],
    secret: &[u8],
    now: SystemTime,
    scheme: &Scheme,
) -> Result<Verified, WebhookError> {
    // Before any header is read: a receiver configured with no secret fails on every request,
    // forged or not, rather than accepting what anyone can sign.
    non_empty(secret)?;
    // @signed {
    if let Some(signature) = &scheme.signature {
        if let Some(value) = single(headers, signature.header)? {
            return verify_signature(value, body, secret, now, signature);
        }
    }
    // @signed }
    // @unsigned {
    // A token says nothing of the body or the time; the parameters stay for the day the API
    // signs its requests too.
    let _ = (body, now);
    // @unsigned }
    if let Some(token_header) = scheme.token_header {
        if let Some(value) = single(headers, token_header)? {
            return verify_token(value, secret);
        }
    }
    Err(WebhookError::MissingCredential {
        token_header: scheme.token_header,
        // @signed {
        signature_header: scheme.signature.as_ref().map(|s| s.header),
        // @signed }
        // @unsigned {
        signature_header: None,
        // @unsigned }
    })
}

/// The secret, refused when empty: the empty key is everyone's.
fn non_empty(secret: &[u8]) -> Result<&[u8], WebhookError> {
    if secret.is_empty() {
        return Err(WebhookError::EmptySecret);
    }
    Ok(secret)
}

#[doc(hidden)]
pub fn verify_token(token: &str, secret: &[u8]) -> Result<Verified, WebhookError> {
    non_empty(secret)?;
    // Both sides through the same MAC: equal-length tags compared in constant time, so neither
    // the token's bytes nor its length leak through timing.
    let expected = {
        let mut m = mac(secret);
        m.update(secret);
        m.finalize().into_bytes()
    };
    let mut m = mac(secret);
    m.update(token.as_bytes());
    m.verify_slice(&expected).map(|()| Verified::Token).map_err(|_| WebhookError::WrongToken)
}

// @signed {
#[doc(hidden)]
pub fn verify_signature(
    value: &str,
    body: &[u8],
    secret: &[u8],
    now: SystemTime,
    scheme: &SignatureScheme,
) -> Result<Verified, WebhookError> {
    non_empty(secret)?;
    let (timestamp_text, signature_hex) = parse_signature(value, scheme)?;
    let timestamp = parse_timestamp(timestamp_text)?;
    let tag = decode_hex(signature_hex)?;
    let mut m = mac(secret);
    for part in scheme.signed {
        match part {
            SignedPart::Timestamp => m.update(timestamp_text.as_bytes()),
            SignedPart::Body => m.update(body),
            SignedPart::Literal(text) => m.update(text.as_bytes()),
        }
    }
    // The signature first: an attacker learns nothing about the window from a forged request.
    m.verify_slice(&tag).map_err(|_| WebhookError::BadSignature)?;
    let now = unix_seconds(now);
    let tolerance = i128::from(scheme.tolerance_secs);
    let age = i128::from(now) - i128::from(timestamp);
    if age > tolerance {
        return Err(WebhookError::StaleTimestamp { timestamp, now, tolerance_secs: scheme.tolerance_secs });
    }
    if -age > tolerance {
        return Err(WebhookError::FutureTimestamp { timestamp, now, tolerance_secs: scheme.tolerance_secs });
    }
    Ok(Verified::Signature { timestamp })
}

/// The timestamp and signature of `<key>=<value>,<key>=<value>`, each key exactly once.
fn parse_signature<'v>(value: &'v str, scheme: &SignatureScheme) -> Result<(&'v str, &'v str), WebhookError> {
    let malformed = |why: String| WebhookError::MalformedSignature(why);
    let mut timestamp = None;
    let mut signature = None;
    for pair in value.split(',') {
        let (key, item) = pair
            .trim()
            .split_once('=')
            .ok_or_else(|| malformed(format!("`{}` is not of the form key=value", excerpt(pair))))?;
        let slot = if key == scheme.timestamp_key {
            &mut timestamp
        } else if key == scheme.signature_key {
            &mut signature
        } else {
            return Err(malformed(format!("unknown key `{}`", excerpt(key))));
        };
        if slot.replace(item).is_some() {
            return Err(malformed(format!("`{key}` appears more than once")));
        }
    }
    let timestamp = timestamp.ok_or_else(|| malformed(format!("no `{}`", scheme.timestamp_key)))?;
    let signature = signature.ok_or_else(|| malformed(format!("no `{}`", scheme.signature_key)))?;
    Ok((timestamp, signature))
}

fn parse_timestamp(text: &str) -> Result<i64, WebhookError> {
    let digits = !text.is_empty() && text.len() <= 18 && text.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| text.parse::<i64>().ok())
        .flatten()
        .ok_or_else(|| WebhookError::MalformedSignature(format!("timestamp `{}` is not Unix seconds", excerpt(text))))
}

fn decode_hex(text: &str) -> Result<Vec<u8>, WebhookError> {
    let malformed = || WebhookError::MalformedSignature("the signature is not hexadecimal".into());
    if text.is_empty() || !text.len().is_multiple_of(2) || text.len() > 256 {
        return Err(malformed());
    }
    let nibble = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    };
    text.as_bytes().chunks(2).map(|pair| Some(nibble(pair[0])? << 4 | nibble(pair[1])?)).collect::<Option<_>>().ok_or_else(malformed)
}

/// At most 40 characters of text from a request, for an error message.
fn excerpt(text: &str) -> String {
    text.chars().take(40).collect()
}
// @signed }

#[doc(hidden)]
pub fn decode<T: serde::de::DeserializeOwned>(event: &str, body: &[u8]) -> Result<T, WebhookError> {
    // The path from the text at the error's position, as for responses: the payload's
    // `Deserialize` is compiled once, for this one deserializer.
    serde_json::from_slice(body).map_err(|e| WebhookError::Body {
        event: event.to_string(),
        path: crate::runtime::locate::path_at(body, e.line(), e.column()),
        message: e.to_string(),
    })
}

// @signed {
/// The signature header value the API would send for `body` at `timestamp` (Unix seconds):
/// for tests of a receiver, and for replaying a captured request against one.
#[doc(hidden)]
pub fn sign(body: &[u8], secret: &[u8], timestamp: i64, scheme: &SignatureScheme) -> String {
    let timestamp_text = timestamp.to_string();
    let mut m = mac(secret);
    for part in scheme.signed {
        match part {
            SignedPart::Timestamp => m.update(timestamp_text.as_bytes()),
            SignedPart::Body => m.update(body),
            SignedPart::Literal(text) => m.update(text.as_bytes()),
        }
    }
    let hex: String = m.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("{}={timestamp_text},{}={hex}", scheme.timestamp_key, scheme.signature_key)
}
// @signed }
