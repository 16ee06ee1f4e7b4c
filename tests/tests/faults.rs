//! Faults injected by real HTTP servers on loopback (wiremock, or a raw TCP server for what
//! wiremock cannot do): the client recovers, or returns the right error, and never retries a
//! POST on its own except after a 429. Waits are milliseconds where they can be; the wait the
//! server asked for is checked through the `on_retry` callback.

mod runtime_support;

use std::time::{Duration, Instant};

use buildkite_api::types::CreateBuildRequest;
use buildkite_api::{Error, RetryPolicy};
use futures_util::TryStreamExt;
use runtime_support::*;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const BUILD_PATH: &str = "/organizations/acme/pipelines/app/builds/42";

#[tokio::test]
async fn rate_limited_then_ok_waits_the_reset() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(BUILD_PATH))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("RateLimit-Scope", "rest")
                .insert_header("RateLimit-Limit", "200")
                .insert_header("RateLimit-Remaining", "0")
                .insert_header("RateLimit-Reset", "1")
                .insert_header("RateLimit-User-Limit", "50")
                .insert_header("RateLimit-User-Remaining", "12")
                .insert_header("RateLimit-User-Reset", "1")
                .set_body_json(serde_json::json!({"message": "rate limited", "scope": "rest", "reset": 1})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(BUILD_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(build_json(42)))
        .mount(&server)
        .await;
    let log = RetryLog::default();
    let policy = fast_retry().with_max_server_wait(Duration::from_secs(2));
    let client = log.attach(builder(&server.uri()).retry(policy)).build().unwrap();

    let started = Instant::now();
    let build = client.builds().get("acme", "app", 42).await.expect("the retry succeeds");

    assert_eq!(build.number, 42);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    let events = log.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].status, Some(429));
    assert_eq!(events[0].requested, Some(Duration::from_secs(1)), "the wait is the RateLimit-Reset");
    assert_eq!(events[0].wait, Duration::from_secs(1), "the whole wait the server asked for");
    assert!(started.elapsed() >= Duration::from_secs(1), "the client slept before retrying");
    eprintln!(
        "429 then 200: Ok(build #{}) after waiting {:?} (asked {:?})",
        build.number, events[0].wait, events[0].requested
    );
}

#[tokio::test]
async fn run_of_503s_spends_the_attempts_and_keeps_the_last_status() {
    let server = RawServer::start(|i, _| {
        let body = format!(r#"{{"message": "unavailable (answer {})"}}"#, i + 1);
        Reply::Send(response(503, &[("Content-Type", "application/json")], &body))
    })
    .await;
    let log = RetryLog::default();
    let client = log.attach(builder(&server.url())).build().unwrap();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    assert_eq!(server.requests().len(), 4, "the default policy makes 4 attempts");
    assert_eq!(log.events().iter().map(|e| e.attempt).collect::<Vec<_>>(), [1, 2, 3]);
    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!(api.status.as_u16(), 503);
    assert_eq!(api.message.as_deref(), Some("unavailable (answer 4)"), "the error is the last answer");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable());
    eprintln!("503 x4: {error}");
}

#[tokio::test]
async fn post_answered_503_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/organizations/acme/pipelines/app/builds"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("Retry-After", "0")
                .set_body_json(serde_json::json!({"message": "busy"})),
        )
        .mount(&server)
        .await;
    let log = RetryLog::default();
    let client = log.attach(builder(&server.uri())).build().unwrap();

    let error = client.builds().create("acme", "app", CreateBuildRequest::new("HEAD", "main")).await.unwrap_err();

    assert_eq!(server.received_requests().await.unwrap().len(), 1, "a POST is sent once");
    assert!(log.events().is_empty());
    let api = error.as_api().expect("an API error");
    assert_eq!(api.status.as_u16(), 503);
    assert_eq!(api.method.as_str(), "POST");
    assert_eq!(api.path, "/organizations/acme/pipelines/app/builds");
    assert_eq!(api.path_template, "/organizations/{org}/pipelines/{pipeline}/builds");
    eprintln!("POST 503: {error}");
}

#[tokio::test]
async fn slow_response_hits_the_timeout() {
    let server =
        RawServer::start(|_, _| Reply::Delay(Duration::from_secs(5), Box::new(Reply::Send(response(200, &[], "{}")))))
            .await;
    let client = builder(&server.url()).timeout(Duration::from_millis(100)).retry(RetryPolicy::none()).build().unwrap();

    let started = Instant::now();
    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    assert!(matches!(error, Error::Timeout { .. }), "expected a timeout, got {error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "the timeout fired at {:?}", started.elapsed());
    assert!(error.is_retryable());
    assert_eq!(error.to_string(), "GET /organizations/acme/pipelines/app/builds/42 (getBuild) timed out");
    eprintln!("slow response: {error} after {:?}", started.elapsed());
}

#[tokio::test]
async fn slow_first_answer_times_out_and_the_retry_succeeds() {
    let build = build_json(42).to_string();
    let server = RawServer::start(move |i, _| {
        let ok = Reply::Send(response(200, &[("Content-Type", "application/json")], &build));
        if i == 0 {
            Reply::Delay(Duration::from_secs(5), Box::new(ok))
        } else {
            ok
        }
    })
    .await;
    let log = RetryLog::default();
    let client = log.attach(builder(&server.url()).timeout(Duration::from_millis(100))).build().unwrap();

    let build = client.builds().get("acme", "app", 42).await.expect("the second attempt succeeds");

    assert_eq!(build.number, 42);
    let events = log.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].status, None, "a timeout before a response has no status");
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_the_path() {
    let mut wrong_type = build_json(42);
    wrong_type["created_at"] = serde_json::json!(17);
    let server = MockServer::start().await;
    Mock::given(path(BUILD_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_raw(wrong_type.to_string(), "application/json"))
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    let Error::Decode(decode) = &error else { panic!("expected a decode error, got {error:?}") };
    assert_eq!(decode.json_path, "created_at");
    assert_eq!(decode.status.as_u16(), 200);
    assert_eq!(decode.path, "/organizations/acme/pipelines/app/builds/42");
    assert_eq!(decode.path_template, "/organizations/{org}/pipelines/{pipeline}/builds/{number}");
    assert!(decode.excerpt.contains("\"created_at\":17"), "excerpt: {}", decode.excerpt);
    assert!(!error.is_retryable());
    assert!(!error.to_string().contains('\n'));
    eprintln!("wrong type: {error}");

    // Broken syntax inside the second item of a list.
    let body = format!("[{}, {{\"id\": \"0190a1b2-c3d4-7e5f-8a9b-000000000002\", \"number\": 2,, }}]", build_json(1));
    let server = MockServer::start().await;
    Mock::given(path("/organizations/acme/pipelines/app/builds"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;

    let error = self::client(&server.uri()).builds().list("acme", "app").await.unwrap_err();

    let Error::Decode(decode) = &error else { panic!("expected a decode error, got {error:?}") };
    assert_eq!(decode.json_path, "[1]", "inside the second item");
    assert!(decode.excerpt.contains("\"number\": 2,,"), "excerpt: {}", decode.excerpt);
    eprintln!("bad syntax: {error}");
}

#[tokio::test]
async fn bytes_that_are_not_utf8_fail_nothing() {
    // One bad byte in a property the model does not know, one in a string it decodes.
    let text = build_json(42).to_string();
    assert!(text.contains("\"branch\":\"main\""), "the build has a branch: {text}");
    let mut body = text
        .replacen("\"branch\":\"main\"", "\"branch\":\"ma\u{1}n\"", 1)
        .replacen('{', "{\"unknown\":\"\u{2}\",", 1)
        .into_bytes();
    for (from, to) in [(1u8, 0xffu8), (2, 0xfe)] {
        let at = body.iter().position(|&b| b == from).expect("the marker is in the body");
        body[at] = to;
    }
    assert!(std::str::from_utf8(&body).is_err());
    let server = MockServer::start().await;
    Mock::given(path(BUILD_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;

    let build = client(&server.uri()).builds().get("acme", "app", 42).await.unwrap();

    assert_eq!(build.number, 42);
    assert_eq!(build.branch, "ma\u{fffd}n");
}

#[tokio::test]
async fn truncated_body_is_a_transport_error_and_is_not_retried() {
    // Content-Length promises more than arrives before the server closes.
    let server = RawServer::start(|_, _| {
        let mut bytes =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\nConnection: close\r\n\r\n"
                .to_vec();
        bytes.extend_from_slice(br#"{"id": "0190a1b2-c3d4-7e5f-8a9b-000000000042", "number": 4"#);
        Reply::Send(bytes)
    })
    .await;
    let log = RetryLog::default();
    let client = log.attach(builder(&server.url())).build().unwrap();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    assert!(matches!(error, Error::Transport { .. }), "expected a transport error, got {error:?}");
    assert_eq!(server.requests().len(), 1, "a response had begun: not retried");
    assert!(log.events().is_empty());
    assert!(error.to_string().contains("failed while reading the response body"), "{error}");
    assert!(!error.to_string().contains(TOKEN));
    eprintln!("truncated (Content-Length): {error}");
}

#[tokio::test]
async fn truncated_body_without_length_is_a_decode_error_at_the_cut() {
    // No Content-Length: the body ends where the connection closes, mid-document.
    let server = RawServer::start(|_, _| {
        let mut bytes = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n".to_vec();
        let whole = serde_json::to_string(&vec![build_json(1), build_json(2)]).unwrap();
        bytes.extend_from_slice(&whole.as_bytes()[..whole.len() - 40]);
        Reply::Send(bytes)
    })
    .await;

    let error = client(&server.url()).builds().list("acme", "app").await.unwrap_err();

    let Error::Decode(decode) = &error else { panic!("expected a decode error, got {error:?}") };
    assert!(decode.json_path.starts_with("[1]"), "path: {}", decode.json_path);
    assert!(decode.message.contains("EOF"), "message: {}", decode.message);
    eprintln!("truncated (close-delimited): {error}");
}

#[tokio::test]
async fn connection_dropped_mid_response_is_a_transport_error() {
    let server = RawServer::start(|_, _| {
        let mut bytes =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        bytes.extend_from_slice(b"10\r\n{\"id\": \"0190a1b2\r\n");
        Reply::SendThenReset(bytes)
    })
    .await;
    let log = RetryLog::default();
    let client = log.attach(builder(&server.url())).build().unwrap();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    let Error::Transport { source, method, path, path_template, .. } = &error else {
        panic!("expected a transport error, got {error:?}")
    };
    assert!(source.is_body() || source.is_decode() || source.is_request(), "{source:?}");
    assert_eq!(method.as_str(), "GET");
    assert_eq!(path, "/organizations/acme/pipelines/app/builds/42");
    assert_eq!(*path_template, "/organizations/{org}/pipelines/{pipeline}/builds/{number}");
    assert_eq!(server.requests().len(), 1, "a response had begun: not retried");
    assert!(log.events().is_empty());
    eprintln!("dropped mid-response: {error}");
}

#[tokio::test]
async fn connection_dropped_before_a_response_is_retried() {
    let build = build_json(42).to_string();
    let server = RawServer::start(move |i, _| match i {
        0 => Reply::Close,
        _ => Reply::Send(response(200, &[("Content-Type", "application/json")], &build)),
    })
    .await;
    let log = RetryLog::default();
    let client = log.attach(builder(&server.url())).build().unwrap();

    let build = client.builds().get("acme", "app", 42).await.expect("the retry succeeds");

    assert_eq!(build.number, 42);
    assert_eq!(server.requests().len(), 2);
    let events = log.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].status, None);
    assert_eq!(events[0].requested, None);
    assert!(events[0].wait <= Duration::from_millis(1), "the first backoff is at most initial_backoff");
}

/// Serves 250 builds, `per_page` at a time, with RFC 8288 `Link` headers.
struct Pager {
    base: String,
}

impl Respond for Pager {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let query =
            |name: &str| request.url.query_pairs().find(|(n, _)| n == name).map(|(_, v)| v.parse::<i64>().unwrap());
        let page = query("page").unwrap_or(1);
        let per_page = query("per_page").unwrap_or(30);
        let (first, total) = ((page - 1) * per_page + 1, 250);
        let items: Vec<_> = (first..=(first + per_page - 1).min(total)).map(build_json).collect();
        let last = (total + per_page - 1) / per_page;
        let link =
            |p: i64| format!("{}/organizations/acme/pipelines/app/builds?page={p}&per_page={per_page}", self.base);
        let mut links = vec![format!("<{}>; rel=\"first\"", link(1)), format!("<{}>; rel=\"last\"", link(last))];
        if page < last {
            links.insert(0, format!("<{}>; rel=\"next\"", link(page + 1)));
        }
        if page > 1 {
            links.push(format!("<{}>; rel=\"prev\"", link(page - 1)));
        }
        ResponseTemplate::new(200)
            .insert_header("Link", links.join(", ").as_str())
            .insert_header("RateLimit-Remaining", (200 - page).to_string().as_str())
            .insert_header("RateLimit-Limit", "200")
            .insert_header("RateLimit-Reset", "42")
            .set_body_json(items)
    }
}

#[tokio::test]
async fn three_pages_of_250_items_through_link_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/organizations/acme/pipelines/app/builds"))
        .and(query_param("per_page", "100"))
        .respond_with(Pager { base: server.uri() })
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let builds: Vec<_> = client.builds().list("acme", "app").per_page(100).stream().try_collect().await.unwrap();

    assert_eq!(builds.iter().map(|b| b.number).collect::<Vec<_>>(), (1..=250).collect::<Vec<_>>());
    let queries: Vec<String> =
        server.received_requests().await.unwrap().iter().map(|r| r.url.query().unwrap_or("").to_string()).collect();
    assert_eq!(queries, ["per_page=100", "page=2&per_page=100", "page=3&per_page=100"]);

    let pages: Vec<_> = client.builds().list("acme", "app").per_page(100).pages().try_collect().await.unwrap();
    assert_eq!(pages.iter().map(|p| p.len()).collect::<Vec<_>>(), [100, 100, 50]);
    assert_eq!(
        pages.iter().map(|p| p.rate_limit("organization").unwrap().remaining).collect::<Vec<_>>(),
        [Some(199), Some(198), Some(197)]
    );
    eprintln!("3 pages: Ok({} builds), pages of {:?}", builds.len(), pages.iter().map(|p| p.len()).collect::<Vec<_>>());
}

#[tokio::test]
async fn redirect_to_another_port_does_not_carry_the_token() {
    let storage = RawServer::start(|_, _| {
        Reply::Send(response(200, &[("Content-Type", "application/json")], &build_json(42).to_string()))
    })
    .await;
    let target = format!("{}/bucket/build-42.json?X-Amz-Signature=abc", storage.url());
    let api = RawServer::start(move |_, _| Reply::Send(response(302, &[("Location", &target)], ""))).await;
    let client = client(&api.url());

    let build = client.builds().get("acme", "app", 42).await.expect("the redirect is followed");

    assert_eq!(build.number, 42);
    let first = &api.requests()[0];
    assert_eq!(first.header("Authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    let followed = &storage.requests()[0];
    assert_eq!(followed.target, "/bucket/build-42.json?X-Amz-Signature=abc");
    assert_eq!(followed.header("Authorization"), None, "the token stays with the API's origin");
    eprintln!("redirect to port {}: Ok(build #{}), no Authorization sent there", storage.addr.port(), build.number);
}
