//! Where the client sends what: bodies never replayed to another origin on a 307 or 308, plain
//! HTTP only to loopback unless explicitly allowed, a caller's own `reqwest::Client` and extra
//! root certificates.

mod runtime_support;

use buildkite_api::types::CreateBuildRequest;
use buildkite_api::{Client, Error};
use runtime_support::*;

const BUILDS: &str = "/organizations/acme/pipelines/app/builds";

fn created() -> Reply {
    Reply::Send(response(201, &[("Content-Type", "application/json")], &build_json(7).to_string()))
}

#[tokio::test]
async fn a_307_or_308_to_another_origin_does_not_replay_the_body() {
    for status in [307, 308] {
        let elsewhere = RawServer::start(|_, _| created()).await;
        let location = format!("{}/collect", elsewhere.url());
        let server =
            RawServer::start(move |_, _| Reply::Send(response(status, &[("Location", location.as_str())], ""))).await;

        let error = client(&server.url())
            .builds()
            .create("acme", "app", CreateBuildRequest::new("HEAD", "main").message("secret plans"))
            .await
            .unwrap_err();

        assert!(matches!(error, Error::InvalidRequest(_)), "{status}: {error:?}");
        let text = error.to_string();
        assert!(text.contains("refusing to send the body") && text.contains("another origin"), "{text}");
        assert!(text.contains(&status.to_string()), "{text}");
        assert!(elsewhere.requests().is_empty(), "{status}: nothing went to the other origin");
        assert_eq!(server.requests().len(), 1, "not retried either");
    }
}

#[tokio::test]
async fn a_307_within_the_origin_replays_the_body_with_the_token() {
    let server = RawServer::start(|i, _| match i {
        0 => Reply::Send(response(307, &[("Location", "/organizations/acme/pipelines/app/builds-v2")], "")),
        _ => created(),
    })
    .await;

    let build =
        client(&server.url()).builds().create("acme", "app", CreateBuildRequest::new("HEAD", "main")).await.unwrap();

    assert_eq!(build.number, 7);
    let requests = server.requests();
    assert_eq!(
        (requests[0].target.as_str(), requests[1].target.as_str()),
        (BUILDS, "/organizations/acme/pipelines/app/builds-v2")
    );
    assert_eq!(requests[1].method, "POST");
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(requests[1].header("Authorization"), Some(format!("Bearer {TOKEN}").as_str()));
}

#[test]
fn allow_http_covers_loopback_only_unless_explicitly_widened() {
    let build = |url: &str| Client::builder().base_url(url).allow_http(true).bearer_token(TOKEN).build();
    for loopback in
        ["http://127.0.0.1:8080", "http://127.9.8.7", "http://[::1]:3000/v2", "http://localhost:1", "http://LOCALHOST"]
    {
        assert!(build(loopback).is_ok(), "{loopback}");
    }
    for remote in ["http://10.0.0.7:8080", "http://api.example.com/v2", "http://127.0.0.1.example.com", "http://[::2]"]
    {
        let error = build(remote).unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{remote}");
        let text = error.to_string();
        assert!(text.contains("not loopback") && text.contains("danger_allow_http_to_any_host"), "{text}");
        assert!(!text.contains(TOKEN));
        let widened = Client::builder().base_url(remote).danger_allow_http_to_any_host(true).build();
        assert!(widened.is_ok(), "{remote}");
    }
    let error = Client::builder().base_url("http://api.example.com").build().unwrap_err();
    assert!(error.to_string().contains("allow_http(true)"), "{error}");
}

#[tokio::test]
async fn a_callers_http_client_is_used() {
    let server = RawServer::start(|_, _| Reply::Send(response(200, &[], &build_json(42).to_string()))).await;
    let http = buildkite_api::reqwest::Client::builder()
        .user_agent("my-tool/1.0")
        .redirect(buildkite_api::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = builder(&server.url()).http_client(http).build().unwrap();

    assert_eq!(client.builds().get("acme", "app", 42).await.unwrap().number, 42);

    let request = &server.requests()[0];
    assert_eq!(request.header("User-Agent"), Some("my-tool/1.0"));
    assert_eq!(request.header("Authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert!(format!("{:?}", builder(&server.url())).contains("http_client: false"));
}

#[tokio::test]
async fn a_callers_http_client_that_follows_redirects_itself_is_caught() {
    let server = RawServer::start(|i, _| match i {
        0 => Reply::Send(response(302, &[("Location", "/elsewhere")], "")),
        _ => Reply::Send(response(200, &[], &build_json(42).to_string())),
    })
    .await;
    // reqwest's default policy follows up to 10 redirects.
    let http = buildkite_api::reqwest::Client::new();
    let client = builder(&server.url()).http_client(http).build().unwrap();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(error.to_string().contains("redirect::Policy::none()"), "{error}");
}

#[test]
fn extra_root_certificates_in_pem_or_der_and_clear_errors_for_anything_else() {
    let pem = include_bytes!("fixtures/tls/test-ca.pem");
    let der = include_bytes!("fixtures/tls/test-ca.der");
    let base = "https://buildkite.example.com/v2";
    assert!(Client::builder().base_url(base).add_root_certificate(pem).build().is_ok());
    assert!(Client::builder().base_url(base).add_root_certificate(der).add_root_certificate(pem).build().is_ok());
    // Two certificates in one PEM bundle.
    let bundle = [pem.as_slice(), pem.as_slice()].concat();
    assert!(Client::builder().base_url(base).add_root_certificate(bundle).build().is_ok());

    for (input, expected) in [
        (b"hello, world".to_vec(), "neither PEM nor DER"),
        (b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".to_vec(), "PEM without a CERTIFICATE block"),
        (Vec::new(), "neither PEM nor DER"),
    ] {
        let error = Client::builder().base_url(base).add_root_certificate(&input).build().unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        let text = error.to_string();
        assert!(text.contains("root certificate 1") && text.contains(expected), "{text}");
    }
    // A DER-looking sequence that is no certificate fails when the client is built, and says so.
    let error = Client::builder().base_url(base).add_root_certificate([0x30, 0x03, 0x02, 0x01, 0x01]).build();
    if let Err(error) = error {
        assert!(error.to_string().contains("cannot build the HTTP client"), "{error}");
    }
}
