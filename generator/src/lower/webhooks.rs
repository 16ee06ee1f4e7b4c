//! Webhooks: the root extensions `x-webhooks` (the shape of OpenAPI 3.1's `webhooks` map: event
//! name to a path item whose `post.requestBody` is the payload) and `x-webhook-signature` (the
//! headers and the signature scheme) lowered into [`Webhooks`]. Payload schemas are lowered like
//! any other, so they reuse the API's models by `$ref`.

use openapiv3::PathItem;
use serde_json::Value;

use crate::error::{Error, Pointer};
use crate::ident::{type_name, Namespace};
use crate::ir::{
    Fate, SignatureAlgorithm, SignatureScheme, SignedPart, TypeRef, WebhookEvent, WebhookScheme, Webhooks,
};

use super::{refs, schema};

/// The extension holding the events.
const EVENTS: &str = "x-webhooks";
/// The extension holding the headers and the signature scheme.
const SCHEME: &str = "x-webhook-signature";

/// The webhooks the spec describes; `None` when it has neither extension.
pub(super) fn lower(spec: &openapiv3::OpenAPI, types: &mut schema::Types) -> Result<Option<Webhooks>, Error> {
    let events = spec.extensions.get(EVENTS);
    let scheme = spec.extensions.get(SCHEME);
    let (events, scheme) = match (events, scheme) {
        (None, None) => return Ok(None),
        (Some(events), Some(scheme)) => (events, scheme),
        (Some(_), None) => {
            return Err(Error::invalid(
                &Pointer::root().push(EVENTS),
                format!("{EVENTS} needs {SCHEME} at the root, naming at least the event header"),
            ))
        }
        (None, Some(_)) => {
            return Err(Error::invalid(
                &Pointer::root().push(SCHEME),
                format!("{SCHEME} without {EVENTS}: describe the events, or remove the scheme"),
            ))
        }
    };
    let scheme = lower_scheme(scheme, &Pointer::root().push(SCHEME))?;
    let at = Pointer::root().push(EVENTS);
    let map = events
        .as_object()
        .ok_or_else(|| Error::invalid(&at, format!("{EVENTS} must map event names to path items")))?;
    let mut names: Vec<&String> = map.keys().collect();
    names.sort();
    let mut variants = Namespace::with_reserved(["Unknown"]);
    let mut out = Vec::new();
    for name in names {
        let event_at = at.push(name);
        let event = if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
            Err(Error::invalid(&event_at, "an event name must be printable ASCII without spaces"))
        } else {
            let variant = variants.claim(&type_name(name));
            lower_event(spec, types, name, variant, &map[name], &event_at).map(Some)
        };
        out.extend(types.recover(event, &event_at, Fate::Ignored, || None)?);
    }
    Ok(Some(Webhooks { events: out, scheme }))
}

fn lower_event(
    spec: &openapiv3::OpenAPI,
    types: &mut schema::Types,
    name: &str,
    variant: String,
    value: &Value,
    at: &Pointer,
) -> Result<WebhookEvent, Error> {
    let item: PathItem =
        serde_json::from_value(value.clone()).map_err(|e| Error::invalid(at, format!("not a path item: {e}")))?;
    let post_at = at.push("post");
    let post = item
        .post
        .as_ref()
        .ok_or_else(|| Error::invalid(&post_at, format!("event `{name}` has no `post` operation")))?;
    let body_at = post_at.push("requestBody");
    let body = post.request_body.as_ref().ok_or_else(|| {
        Error::invalid(&body_at, format!("event `{name}` has no request body: its payload schema goes there"))
    })?;
    let bodies = spec.components.as_ref().map(|c| &c.request_bodies);
    let (body, _) = refs::resolve(body, bodies, "requestBodies", &body_at)?;
    let json = body
        .content
        .iter()
        .find(|(media, _)| media.as_str() == "application/json" || media.ends_with("+json"))
        .ok_or_else(|| {
            Error::unsupported(
                &body_at.push("content"),
                format!("event `{name}` has no JSON payload; only JSON payloads are decoded"),
            )
        })?;
    let schema_at = body_at.push("content").push(json.0).push("schema");
    let payload = match &json.1.schema {
        Some(schema) => types.lower(schema, &format!("{variant}Webhook"), &schema_at, 0)?,
        None => TypeRef::Json,
    };
    Ok(WebhookEvent {
        wire_name: name.to_string(),
        variant,
        payload,
        docs: schema::docs(post.summary.as_deref(), post.description.as_deref()),
        deprecated: post.deprecated,
    })
}

fn lower_scheme(value: &Value, at: &Pointer) -> Result<WebhookScheme, Error> {
    let map = value.as_object().ok_or_else(|| Error::invalid(at, format!("{SCHEME} must be an object")))?;
    const KNOWN: &[&str] =
        &["event-header", "token-header", "signature-header", "signature-format", "algorithm", "signed", "tolerance"];
    if let Some(unknown) = map.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(Error::invalid(&at.push(unknown), format!("unknown key; {SCHEME} takes {}", KNOWN.join(", "))));
    }
    let text = |key: &str| -> Result<Option<String>, Error> {
        match map.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::invalid(&at.push(key), "must be a string")),
        }
    };
    let header = |key: &str| -> Result<Option<String>, Error> {
        let value = text(key)?;
        if let Some(name) = &value {
            if !is_header_name(name) {
                return Err(Error::invalid(&at.push(key), format!("`{name}` is not an HTTP header name")));
            }
        }
        Ok(value)
    };
    let event_header = header("event-header")?
        .ok_or_else(|| Error::invalid(&at.push("event-header"), "the header that names the event is required"))?;
    let token_header = header("token-header")?;
    let signature = match header("signature-header")? {
        None => {
            if let Some(key) =
                ["signature-format", "algorithm", "signed", "tolerance"].iter().find(|k| map.contains_key(**k))
            {
                return Err(Error::invalid(&at.push(key), "only meaningful with a signature-header"));
            }
            None
        }
        Some(header) => Some(lower_signature(header, map, at, &text)?),
    };
    if token_header.is_none() && signature.is_none() {
        return Err(Error::invalid(at, "name a token-header, a signature-header, or both"));
    }
    let mut names = vec![event_header.to_ascii_lowercase()];
    for name in token_header.iter().chain(signature.as_ref().map(|s| &s.header)) {
        if names.contains(&name.to_ascii_lowercase()) {
            return Err(Error::invalid(at, format!("header `{name}` is named twice")));
        }
        names.push(name.to_ascii_lowercase());
    }
    Ok(WebhookScheme { event_header, token_header, signature })
}

fn lower_signature(
    header: String,
    map: &serde_json::Map<String, Value>,
    at: &Pointer,
    text: &dyn Fn(&str) -> Result<Option<String>, Error>,
) -> Result<SignatureScheme, Error> {
    let required =
        |key: &str| text(key)?.ok_or_else(|| Error::invalid(&at.push(key), "required with a signature-header"));
    let algorithm = match required("algorithm")?.as_str() {
        "hmac-sha256" => SignatureAlgorithm::HmacSha256,
        other => {
            return Err(Error::unsupported(
                &at.push("algorithm"),
                format!("algorithm `{other}`; hmac-sha256 is supported"),
            ))
        }
    };
    let format_at = at.push("signature-format");
    let format = required("signature-format")?;
    let (timestamp_key, signature_key) = signature_format(&format).ok_or_else(|| {
        Error::invalid(
            &format_at,
            format!("`{format}` is not of the form `<key>={{timestamp}},<key>={{signature}}` (in either order)"),
        )
    })?;
    let signed_at = at.push("signed");
    let signed = signed_parts(&required("signed")?).map_err(|what| Error::invalid(&signed_at, what))?;
    let tolerance_at = at.push("tolerance");
    let tolerance_secs = map
        .get("tolerance")
        .ok_or_else(|| Error::invalid(&tolerance_at, "required with a signature-header: the replay window in seconds"))?
        .as_u64()
        .filter(|t| *t > 0 && *t <= 86_400 * 365)
        .ok_or_else(|| Error::invalid(&tolerance_at, "must be a whole number of seconds, at least 1"))?;
    Ok(SignatureScheme { header, algorithm, timestamp_key, signature_key, signed, tolerance_secs })
}

/// The keys of `<key>={timestamp},<key>={signature}` (in either order).
fn signature_format(format: &str) -> Option<(String, String)> {
    let mut timestamp = None;
    let mut signature = None;
    let pairs: Vec<&str> = format.split(',').collect();
    if pairs.len() != 2 {
        return None;
    }
    for pair in pairs {
        let (key, value) = pair.split_once('=')?;
        let valid = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !valid {
            return None;
        }
        let slot = match value {
            "{timestamp}" => &mut timestamp,
            "{signature}" => &mut signature,
            _ => return None,
        };
        if slot.replace(key.to_string()).is_some() {
            return None;
        }
    }
    let (timestamp, signature) = (timestamp?, signature?);
    (timestamp != signature).then_some((timestamp, signature))
}

/// `{timestamp}.{body}` as parts; each placeholder exactly once, anything else literal.
fn signed_parts(text: &str) -> Result<Vec<SignedPart>, String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("{timestamp}") {
            parts.push(SignedPart::Timestamp);
            rest = after;
        } else if let Some(after) = rest.strip_prefix("{body}") {
            parts.push(SignedPart::Body);
            rest = after;
        } else if rest.starts_with('{') {
            return Err(format!("`{text}`: only {{timestamp}} and {{body}} are placeholders"));
        } else {
            let end = rest.find('{').unwrap_or(rest.len());
            parts.push(SignedPart::Literal(rest[..end].to_string()));
            rest = &rest[end..];
        }
    }
    for (part, name) in [(SignedPart::Timestamp, "{timestamp}"), (SignedPart::Body, "{body}")] {
        if parts.iter().filter(|p| **p == part).count() != 1 {
            return Err(format!("`{text}` must hold {name} exactly once"));
        }
    }
    Ok(parts)
}

/// An HTTP field name: one or more `tchar`s (RFC 9110 §5.6.2).
fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_formats() {
        assert_eq!(
            signature_format("timestamp={timestamp},signature={signature}"),
            Some(("timestamp".into(), "signature".into()))
        );
        assert_eq!(signature_format("v1={signature},t={timestamp}"), Some(("t".into(), "v1".into())));
        for bad in [
            "",
            "t={timestamp}",
            "t={timestamp},t={signature}",
            "t={timestamp},s={timestamp}",
            "={timestamp},s={signature}",
            "t={timestamp},s={signature},x=1",
        ] {
            assert_eq!(signature_format(bad), None, "{bad}");
        }
    }

    #[test]
    fn signed_messages() {
        assert_eq!(
            signed_parts("{timestamp}.{body}").unwrap(),
            vec![SignedPart::Timestamp, SignedPart::Literal(".".into()), SignedPart::Body]
        );
        assert!(signed_parts("{body}").is_err());
        assert!(signed_parts("{timestamp}{body}{body}").is_err());
        assert!(signed_parts("{timestamp}.{payload}").is_err());
    }
}
