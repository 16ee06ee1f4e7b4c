//! Webhooks of the generated client: every documented event decodes into its typed payload from
//! a signed request, and verification accepts exactly the correctly signed requests within the
//! replay window, with one error per failure and no panic on any input.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use buildkite_api::webhooks::{self, Event, Verified, WebhookError};
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{json, Value};

const SECRET: &[u8] = b"309c9c842g8565adecpd7469x6005989";
const NOW: i64 = 1_700_000_000;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW as u64)
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/operations/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("fixture JSON")
}

fn sender() -> Value {
    json!({"id": "8a7693f8-dbae-4783-9137-84090fce9045", "name": "Some Person"})
}

/// A request as Buildkite sends it: the event header and a signature made at `timestamp`.
fn signed(event: &str, body: &[u8], secret: &[u8], timestamp: i64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(webhooks::EVENT_HEADER, HeaderValue::from_str(event).expect("event name"));
    let signature = webhooks::sign(body, secret, timestamp);
    headers.insert(webhooks::SIGNATURE_HEADER, HeaderValue::from_str(&signature).expect("signature"));
    headers
}

fn body(event: &str, fields: Value) -> Vec<u8> {
    let mut value = json!({"event": event, "sender": sender()});
    if let (Some(out), Value::Object(fields)) = (value.as_object_mut(), fields) {
        out.extend(fields);
    }
    serde_json::to_vec(&value).expect("body")
}

fn build_payload() -> Value {
    let mut build = fixture("build_get");
    // Webhook builds carry no jobs.
    build.as_object_mut().expect("build").remove("jobs");
    json!({"build": build, "pipeline": fixture("pipeline_get")})
}

type Check = fn(&Event) -> bool;

/// Every event the spec documents, its body, and what it must decode into.
fn events() -> Vec<(&'static str, Value, Check)> {
    let build = build_payload;
    let job = || {
        let mut fields = build_payload();
        fields["job"] = fixture("job_script");
        fields
    };
    let agent = || json!({"agent": fixture("agent_get")});
    vec![
        (
            "agent.blocked",
            json!({"agent": fixture("agent_get"), "blocked_ip": "202.188.43.20", "cluster_token": fixture("agent_token")}),
            |e| matches!(e, Event::AgentBlocked(p) if p.blocked_ip.as_deref() == Some("202.188.43.20") && p.cluster_token.is_some()),
        ),
        ("agent.connected", agent(), |e| matches!(e, Event::AgentConnected(p) if p.agent.name.is_some())),
        ("agent.disconnected", agent(), |e| matches!(e, Event::AgentDisconnected(_))),
        ("agent.lost", agent(), |e| matches!(e, Event::AgentLost(_))),
        ("agent.stopped", agent(), |e| matches!(e, Event::AgentStopped(_))),
        ("agent.stopping", agent(), |e| matches!(e, Event::AgentStopping(_))),
        ("build.failing", build(), |e| matches!(e, Event::BuildFailing(p) if p.build.number == 42)),
        (
            "build.finished",
            build(),
            |e| matches!(e, Event::BuildFinished(p) if p.build.number == 42 && p.pipeline.is_some()),
        ),
        ("build.running", build(), |e| matches!(e, Event::BuildRunning(_))),
        (
            "build.scheduled",
            build(),
            |e| matches!(e, Event::BuildScheduled(p) if p.sender.as_ref().is_some_and(|s| s.name.as_deref() == Some("Some Person"))),
        ),
        ("build.skipped", build(), |e| matches!(e, Event::BuildSkipped(_))),
        (
            "cluster_token.registration_blocked",
            json!({"blocked_ip": "202.188.43.20", "cluster_token": fixture("agent_token")}),
            |e| matches!(e, Event::ClusterTokenRegistrationBlocked(p) if p.cluster_token.as_ref().is_some_and(|t| t.description == "Elastic stack (prod)")),
        ),
        ("job.activated", job(), |e| matches!(e, Event::JobActivated(_))),
        (
            "job.finished",
            job(),
            |e| matches!(e, Event::JobFinished(p) if matches!(p.job, buildkite_api::types::Job::Script(_)) && p.build.is_some()),
        ),
        ("job.scheduled", job(), |e| matches!(e, Event::JobScheduled(_))),
        ("job.started", job(), |e| matches!(e, Event::JobStarted(_))),
        (
            "ping",
            json!({"service": {"id": "49801950-1df0-474f-bb56-ad6a930c5cb9", "provider": "webhook", "settings": {"url": "https://server.com/webhook"}}, "organization": fixture("organization")}),
            |e| matches!(e, Event::Ping(p) if p.service.as_ref().is_some_and(|s| s.provider.as_deref() == Some("webhook")) && p.organization.is_some()),
        ),
    ]
}

#[test]
fn every_event_decodes_from_a_signed_request_into_its_payload() {
    let table = events();
    let names: Vec<&str> = table.iter().map(|(name, _, _)| *name).collect();
    assert_eq!(names, Event::NAMES, "the table covers every event of the spec, in order");
    for (name, fields, check) in table {
        let body = body(name, fields);
        let headers = signed(name, &body, SECRET, NOW - 10);
        let event = Event::verify_and_parse(&headers, &body, SECRET, now()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(event.name(), name);
        assert!(check(&event), "{name} decoded into {event:?}");
    }
}

#[test]
fn the_signature_is_hmac_sha256_of_timestamp_dot_body_in_hex() {
    // Computed independently (Python's hmac module) over `1700000000.{"event":"ping"}`.
    assert_eq!(
        webhooks::sign(br#"{"event":"ping"}"#, b"Jefe", NOW),
        "timestamp=1700000000,signature=f3e097cde69e23471c620900c5a8a262f242b16162e03460edee4c1308bac639"
    );
}

fn ping() -> Vec<u8> {
    body("ping", json!({}))
}

#[test]
fn a_tampered_body_or_a_wrong_secret_is_a_bad_signature() {
    let body = ping();
    let headers = signed("ping", &body, SECRET, NOW);
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    assert_eq!(webhooks::verify(&headers, &tampered, SECRET, now()), Err(WebhookError::BadSignature));
    assert_eq!(webhooks::verify(&headers, &body, b"another secret", now()), Err(WebhookError::BadSignature));
    // The timestamp is signed too.
    let mut moved = headers.clone();
    let signature = webhooks::sign(&body, SECRET, NOW).replace("timestamp=1700000000", "timestamp=1700000001");
    moved.insert(webhooks::SIGNATURE_HEADER, HeaderValue::from_str(&signature).unwrap());
    assert_eq!(webhooks::verify(&moved, &body, SECRET, now()), Err(WebhookError::BadSignature));
    assert_eq!(webhooks::verify(&headers, &body, SECRET, now()), Ok(Verified::Signature { timestamp: NOW }));
}

#[test]
fn the_replay_window_refuses_stale_and_future_timestamps() {
    let body = ping();
    let window = webhooks::TOLERANCE_SECS as i64;
    let at = |timestamp: i64| webhooks::verify(&signed("ping", &body, SECRET, timestamp), &body, SECRET, now());
    assert_eq!(at(NOW - window), Ok(Verified::Signature { timestamp: NOW - window }));
    assert_eq!(at(NOW + window), Ok(Verified::Signature { timestamp: NOW + window }));
    assert!(
        matches!(at(NOW - window - 1), Err(WebhookError::StaleTimestamp { timestamp, .. }) if timestamp == NOW - window - 1)
    );
    assert!(matches!(at(NOW + window + 1), Err(WebhookError::FutureTimestamp { .. })));
    assert!(matches!(at(0), Err(WebhookError::StaleTimestamp { .. })));
    assert!(matches!(at(999_999_999_999_999_999), Err(WebhookError::FutureTimestamp { .. })));
    // A clock before 1970 does not panic.
    let headers = signed("ping", &body, SECRET, NOW);
    let early = UNIX_EPOCH - Duration::from_secs(10);
    assert!(matches!(webhooks::verify(&headers, &body, SECRET, early), Err(WebhookError::FutureTimestamp { .. })));
}

#[test]
fn missing_and_repeated_headers_are_refused() {
    let body = ping();
    let headers = signed("ping", &body, SECRET, NOW);

    let mut no_event = headers.clone();
    no_event.remove(webhooks::EVENT_HEADER);
    assert!(webhooks::verify(&no_event, &body, SECRET, now()).is_ok());
    assert_eq!(
        Event::verify_and_parse(&no_event, &body, SECRET, now()).unwrap_err(),
        WebhookError::MissingHeader(webhooks::EVENT_HEADER)
    );

    let mut no_credential = headers.clone();
    no_credential.remove(webhooks::SIGNATURE_HEADER);
    assert!(matches!(
        webhooks::verify(&no_credential, &body, SECRET, now()),
        Err(WebhookError::MissingCredential { token_header: Some(_), signature_header: Some(_) })
    ));

    let mut two_signatures = headers.clone();
    two_signatures
        .append(webhooks::SIGNATURE_HEADER, HeaderValue::from_str(&webhooks::sign(&body, SECRET, NOW)).unwrap());
    assert_eq!(
        webhooks::verify(&two_signatures, &body, SECRET, now()),
        Err(WebhookError::DuplicateHeader(webhooks::SIGNATURE_HEADER))
    );

    let mut two_events = headers.clone();
    two_events.append(webhooks::EVENT_HEADER, HeaderValue::from_static("build.finished"));
    assert_eq!(
        Event::verify_and_parse(&two_events, &body, SECRET, now()).unwrap_err(),
        WebhookError::DuplicateHeader(webhooks::EVENT_HEADER)
    );

    let mut two_tokens = HeaderMap::new();
    two_tokens.insert(webhooks::EVENT_HEADER, HeaderValue::from_static("ping"));
    two_tokens.append(webhooks::TOKEN_HEADER, HeaderValue::from_bytes(SECRET).unwrap());
    two_tokens.append(webhooks::TOKEN_HEADER, HeaderValue::from_bytes(SECRET).unwrap());
    assert_eq!(
        webhooks::verify(&two_tokens, &body, SECRET, now()),
        Err(WebhookError::DuplicateHeader(webhooks::TOKEN_HEADER))
    );

    let mut not_text = headers.clone();
    not_text.insert(webhooks::EVENT_HEADER, HeaderValue::from_bytes(b"ping\xff").unwrap());
    assert_eq!(
        Event::verify_and_parse(&not_text, &body, SECRET, now()).unwrap_err(),
        WebhookError::HeaderNotText(webhooks::EVENT_HEADER)
    );
}

#[test]
fn malformed_signature_headers_are_named_as_such() {
    let body = ping();
    let good = webhooks::sign(&body, SECRET, NOW);
    let hex = good.split("signature=").nth(1).unwrap().to_string();
    let cases = [
        String::new(),
        "timestamp=1700000000".to_string(),
        format!("signature={hex}"),
        format!("timestamp=1700000000;signature={hex}"),
        format!("timestamp=x,signature={hex}"),
        format!("timestamp=-1700000000,signature={hex}"),
        format!("timestamp=+1700000000,signature={hex}"),
        format!("timestamp=99999999999999999999,signature={hex}"),
        "timestamp=1700000000,signature=zz".to_string(),
        "timestamp=1700000000,signature=abc".to_string(),
        "timestamp=1700000000,signature=".to_string(),
        format!("timestamp=1700000000,timestamp=1700000000,signature={hex}"),
        format!("timestamp=1700000000,signature={hex},signature={hex}"),
        format!("timestamp=1700000000,signature={hex},v1={hex}"),
        format!("t=1700000000,v1={hex}"),
    ];
    for value in cases {
        let mut headers = signed("ping", &body, SECRET, NOW);
        headers.insert(webhooks::SIGNATURE_HEADER, HeaderValue::from_str(&value).unwrap());
        let result = webhooks::verify(&headers, &body, SECRET, now());
        assert!(matches!(result, Err(WebhookError::MalformedSignature(_))), "{value:?}: {result:?}");
    }
    // A well-formed signature of the wrong length is simply wrong.
    let mut headers = signed("ping", &body, SECRET, NOW);
    headers.insert(webhooks::SIGNATURE_HEADER, HeaderValue::from_static("timestamp=1700000000,signature=abcd"));
    assert_eq!(webhooks::verify(&headers, &body, SECRET, now()), Err(WebhookError::BadSignature));
}

#[test]
fn an_unknown_event_keeps_its_json() {
    let body = body("pipeline.created", json!({"pipeline": {"slug": "app"}}));
    let headers = signed("pipeline.created", &body, SECRET, NOW);
    match Event::verify_and_parse(&headers, &body, SECRET, now()).expect("verified") {
        Event::Unknown { event, payload } => {
            assert_eq!(event, "pipeline.created");
            assert_eq!(payload["pipeline"]["slug"], "app");
        }
        other => panic!("decoded {other:?}"),
    }
}

#[test]
fn a_token_request_is_verified_in_constant_time_and_a_wrong_one_refused() {
    let body = body("build.finished", build_payload());
    let mut headers = HeaderMap::new();
    headers.insert(webhooks::EVENT_HEADER, HeaderValue::from_static("build.finished"));
    headers.insert(webhooks::TOKEN_HEADER, HeaderValue::from_bytes(SECRET).unwrap());
    assert_eq!(webhooks::verify(&headers, &body, SECRET, now()), Ok(Verified::Token));
    assert!(matches!(Event::verify_and_parse(&headers, &body, SECRET, now()), Ok(Event::BuildFinished(_))));
    for wrong in [&b"309c9c842g8565adecpd7469x600598"[..], b"309c9c842g8565adecpd7469x60059890", b"x"] {
        assert_eq!(webhooks::verify(&headers, &body, wrong, now()), Err(WebhookError::WrongToken), "{wrong:?}");
    }
    // A signature, when present, is what is checked: a correct token does not rescue a bad one.
    headers.insert(webhooks::SIGNATURE_HEADER, HeaderValue::from_str(&webhooks::sign(b"other", SECRET, NOW)).unwrap());
    assert_eq!(webhooks::verify(&headers, &body, SECRET, now()), Err(WebhookError::BadSignature));
}

#[test]
fn a_body_that_is_not_the_event_payload_is_a_body_error() {
    for (event, body, path) in [
        ("build.finished", &b"not json"[..], "."),
        ("build.finished", br#"{"event":"build.finished"}"#, "."),
        ("build.finished", br#"{"event":"build.finished","build":{"number":"x"}}"#, "build.number"),
        ("ping", br#"{"event":"ping"} trailing"#, "."),
        // Cut short inside the root object: the failure is in the root.
        ("something.new", b"{", "."),
    ] {
        let headers = signed(event, body, SECRET, NOW);
        match Event::verify_and_parse(&headers, body, SECRET, now()) {
            Err(WebhookError::Body { event: e, path: p, message }) => {
                assert_eq!(e, event);
                assert_eq!(p, path, "{message}");
            }
            other => panic!("{event} {body:?}: {other:?}"),
        }
    }
}

#[test]
fn no_input_panics() {
    // A deterministic stream of hostile header values and bodies.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet = b"timestamp=signature,0123456789abcdefABCDEF-+ =,,{}\"";
    for _ in 0..5_000 {
        let len = (next() % 120) as usize;
        let value: Vec<u8> = (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
        let body: Vec<u8> = (0..(next() % 64)).map(|_| next() as u8).collect();
        let mut headers = HeaderMap::new();
        headers.insert(webhooks::EVENT_HEADER, HeaderValue::from_static("build.finished"));
        if let Ok(v) = HeaderValue::from_bytes(&value) {
            headers.insert(webhooks::SIGNATURE_HEADER, v.clone());
            headers.insert(webhooks::TOKEN_HEADER, v);
        }
        let when = UNIX_EPOCH + Duration::from_secs(next() % (u64::MAX >> 30));
        let result = Event::verify_and_parse(&headers, &body, &value, when);
        assert!(result.is_err(), "{value:?}");
        let _ = Event::from_json(std::str::from_utf8(&value).unwrap_or(""), &body);
    }
}

/// An empty secret (an unset environment variable read as empty) is refused before anything is
/// compared: otherwise an empty token, or a signature anyone makes with the empty key, passes.
#[test]
fn an_empty_secret_is_refused_whatever_the_request_carries() {
    let body = body("build.finished", build_payload());
    let mut empty_token = HeaderMap::new();
    empty_token.insert(webhooks::EVENT_HEADER, HeaderValue::from_static("build.finished"));
    empty_token.insert(webhooks::TOKEN_HEADER, HeaderValue::from_static(""));
    let forged = signed("build.finished", &body, b"", NOW);
    let genuine = signed("build.finished", &body, SECRET, NOW);
    for headers in [&empty_token, &forged, &genuine, &HeaderMap::new()] {
        assert_eq!(webhooks::verify(headers, &body, b"", now()), Err(WebhookError::EmptySecret), "{headers:?}");
        assert!(matches!(Event::verify_and_parse(headers, &body, b"", now()), Err(WebhookError::EmptySecret)));
    }
    let message = WebhookError::EmptySecret.to_string();
    assert!(message.contains("secret is empty") && !message.contains('\n'), "{message}");
    // A real secret still verifies the genuine request and refuses the forged ones.
    assert!(webhooks::verify(&genuine, &body, SECRET, now()).is_ok());
    assert_eq!(webhooks::verify(&forged, &body, SECRET, now()), Err(WebhookError::BadSignature));
    assert_eq!(webhooks::verify(&empty_token, &body, SECRET, now()), Err(WebhookError::WrongToken));
}

#[test]
fn every_error_reads_as_one_line_without_the_secret() {
    let errors = [
        WebhookError::MissingHeader(webhooks::EVENT_HEADER),
        WebhookError::DuplicateHeader(webhooks::SIGNATURE_HEADER),
        WebhookError::BadSignature,
        WebhookError::WrongToken,
        WebhookError::EmptySecret,
        WebhookError::MalformedSignature("no `timestamp`".into()),
        WebhookError::StaleTimestamp { timestamp: 1, now: 400, tolerance_secs: 300 },
        WebhookError::FutureTimestamp { timestamp: 800, now: 400, tolerance_secs: 300 },
    ];
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(text[0], "webhook request has no `X-Buildkite-Event` header");
    assert_eq!(text[6], "webhook timestamp 1 is 399s old, more than the 300s window allows");
    assert_eq!(text[7], "webhook timestamp 800 is 400s in the future, more than the 300s window allows");
    for line in text {
        assert!(!line.contains('\n') && !line.contains(std::str::from_utf8(SECRET).unwrap()), "{line}");
    }
}
