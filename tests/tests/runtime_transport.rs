//! Timeouts and per-request options, the error type, and the security rules: the token never
//! printed and never sent to another origin, path parameters that cannot change the path,
//! header values without line breaks, HTTPS unless plain HTTP is allowed.

mod runtime_support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use buildkite_api::{Client, Error, RequestOptions, RetryPolicy};
use runtime_support::*;

const BUILD_TEMPLATE: &str = "/organizations/{org}/pipelines/{pipeline}/builds/{number}";

fn ok_build() -> Reply {
    Reply::Send(response(200, &[("Content-Type", "application/json")], &build_json(42).to_string()))
}

// ---------------------------------------------------------------------------------------------
// Timeouts and per-request options

#[test]
fn timeouts_have_sane_defaults() {
    let client = Client::new(TOKEN).unwrap();
    let debug = format!("{client:?}");
    assert!(debug.contains("connect_timeout: 10s"), "{debug}");
    assert!(debug.contains("timeout: 60s"), "{debug}");
    assert_eq!(client.base_url(), "https://api.buildkite.com/v2");
}

#[tokio::test]
async fn the_whole_request_timeout_covers_a_slow_body() {
    let server = RawServer::start(|_, _| {
        let body = build_json(42).to_string();
        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
        let (first, rest) = body.split_at(10);
        Reply::SendSlowly(
            [head.as_bytes(), first.as_bytes()].concat(),
            Duration::from_secs(3),
            rest.as_bytes().to_vec(),
        )
    })
    .await;
    let client = builder(&server.url()).timeout(Duration::from_millis(150)).build().unwrap();
    let started = Instant::now();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.requests().len(), 1, "the response had begun: not retried");
}

#[tokio::test]
async fn a_request_timeout_overrides_the_client_one() {
    let slow = || Reply::Delay(Duration::from_millis(300), Box::new(ok_build()));
    let server = RawServer::start(move |_, _| slow()).await;

    // A short client timeout, lengthened for one request.
    let client = builder(&server.url()).timeout(Duration::from_millis(50)).retry(RetryPolicy::none()).build().unwrap();
    let longer = RequestOptions::new().timeout(Duration::from_secs(5));
    assert_eq!(client.builds().get("acme", "app", 42).options(longer).await.unwrap().number, 42);
    assert!(matches!(client.builds().get("acme", "app", 42).await, Err(Error::Timeout { .. })));

    // The default client timeout, shortened for one request.
    let client = builder(&server.url()).retry(RetryPolicy::none()).build().unwrap();
    let shorter = RequestOptions::new().timeout(Duration::from_millis(50));
    let started = Instant::now();
    assert!(matches!(client.builds().get("acme", "app", 42).options(shorter).await, Err(Error::Timeout { .. })));
    assert!(started.elapsed() < Duration::from_millis(250));
}

#[tokio::test]
async fn any_duration_is_accepted_without_a_panic() {
    let server = RawServer::start(|_, _| ok_build()).await;
    let client = builder(&server.url())
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .retry(
            RetryPolicy::default()
                .with_backoff(Duration::MAX, Duration::MAX)
                .with_max_server_wait(Duration::MAX)
                .with_max_total_wait(Duration::MAX),
        )
        .build()
        .unwrap();
    assert_eq!(client.builds().get("acme", "app", 42).await.unwrap().number, 42);
    let forever = RequestOptions::new().timeout(Duration::MAX).connect_timeout(Duration::MAX);
    assert_eq!(client.builds().get("acme", "app", 42).options(forever).await.unwrap().number, 42);
}

#[test]
fn a_base_url_with_a_password_is_refused_without_echoing_it() {
    let error =
        Client::builder().base_url("https://user:hunter2@api.example.com/v2").bearer_token("t").build().unwrap_err();
    let text = error.to_string();
    assert!(text.contains("user name or password") && text.contains("api.example.com"), "{text}");
    assert!(!text.contains("hunter2") && !text.contains("user:"), "the password is not repeated: {text}");
    assert!(
        Client::builder().base_url("https://api.example.com/v2/@scope").build().is_ok(),
        "an @ in the path is fine"
    );
}

/// A listener whose accept queue is full, so that a new connection hangs in the handshake.
/// Returns its address and what must stay alive.
async fn unaccepting_listener() -> (SocketAddr, tokio::net::TcpListener, Vec<std::net::TcpStream>) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    for _ in 0..64 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
            Ok(stream) => queued.push(stream),
            Err(_) => return (addr, listener, queued),
        }
    }
    panic!("the accept queue never filled");
}

#[tokio::test]
async fn connect_timeouts_on_the_client_and_per_request() {
    let (addr, _listener, _queued) = unaccepting_listener().await;
    let base = format!("http://{addr}");

    let client = builder(&base).connect_timeout(Duration::from_millis(100)).retry(RetryPolicy::none()).build().unwrap();
    let started = Instant::now();
    let error = client.builds().get("acme", "app", 42).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());

    // A client that would wait 30 s to connect, and one request that waits 100 ms.
    let client = builder(&base)
        .connect_timeout(Duration::from_secs(30))
        .timeout(Duration::from_secs(30))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let options = RequestOptions::new().connect_timeout(Duration::from_millis(100));
    let call = client.builds().get("acme", "app", 42).options(options);
    let error =
        tokio::time::timeout(Duration::from_secs(5), call).await.expect("the request's connect timeout applies");
    assert!(matches!(error, Err(Error::Timeout { .. })), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[tokio::test]
async fn extra_headers_are_sent() {
    let server = RawServer::start(|_, _| ok_build()).await;
    let options = RequestOptions::new().header("X-Request-Id", "run-17").header("Accept-Language", "en");

    client(&server.url()).builds().get("acme", "app", 42).options(options).await.unwrap();

    let request = &server.requests()[0];
    assert_eq!(request.header("X-Request-Id"), Some("run-17"));
    assert_eq!(request.header("Accept-Language"), Some("en"));
    assert_eq!(request.header("Authorization"), Some(format!("Bearer {TOKEN}").as_str()));
}

#[tokio::test]
async fn header_values_with_line_breaks_are_refused() {
    let server = RawServer::start(|_, _| ok_build()).await;
    let client = client(&server.url());
    for value in ["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\0b"] {
        let options = RequestOptions::new().header("X-Note", value);
        let error = client.builds().get("acme", "app", 42).options(options).await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{value:?}: {error:?}");
        assert!(error.to_string().contains("X-Note"), "{error}");
    }
    let error = client.builds().get("acme", "app", 42).options(RequestOptions::new().header("Bad Name", "x")).await;
    assert!(matches!(error, Err(Error::InvalidRequest(_))));
    assert!(server.requests().is_empty(), "nothing was sent");
}

// ---------------------------------------------------------------------------------------------
// Errors

#[tokio::test]
async fn an_api_error_keeps_status_headers_body_and_the_parsed_message() {
    let body = r#"{"message":"Validation Failed","errors":[{"field":"branch","code":"can't be blank"}]}"#;
    let server = RawServer::start(move |_, _| {
        Reply::Send(response(422, &[("X-Request-Id", "r-1"), ("Content-Type", "application/json")], body))
    })
    .await;

    let error = client(&server.url()).builds().get("acme", "app", 42).await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    assert!(!error.is_retryable());
    let api = error.as_api().unwrap();
    assert_eq!(api.operation, "getBuild");
    assert_eq!(api.method.as_str(), "GET");
    assert_eq!(api.path, "/organizations/acme/pipelines/app/builds/42");
    assert_eq!(api.path_template, BUILD_TEMPLATE);
    assert_eq!(api.headers.get("X-Request-Id").unwrap(), "r-1");
    assert_eq!(api.body, body.as_bytes());
    assert_eq!(api.message.as_deref(), Some("Validation Failed"));
    assert_eq!(api.errors, Some(serde_json::json!([{"field": "branch", "code": "can't be blank"}])));
    assert_eq!(
        error.to_string(),
        "GET /organizations/acme/pipelines/app/builds/42 (getBuild) returned 422 Unprocessable Entity: Validation Failed"
    );
    assert_eq!(api.to_string(), error.to_string());
    assert!(!format!("{error:?}").contains(TOKEN));
}

#[tokio::test]
async fn an_error_without_json_is_still_one_line() {
    let page = "<html>\r\n<body>\n<h1>502 Bad Gateway</h1>\n</body>\n</html>\n";
    let server = RawServer::start(move |_, _| Reply::Send(response(502, &[("Content-Type", "text/html")], page))).await;
    let client = builder(&server.url()).retry(RetryPolicy::none()).build().unwrap();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    let text = error.to_string();
    assert!(!text.contains('\n') && !text.contains('\r'), "{text:?}");
    assert!(text.contains("returned 502 Bad Gateway") && text.contains("<h1>502 Bad Gateway</h1>"), "{text}");
    assert_eq!(error.as_api().unwrap().message, None);
    assert_eq!(error.as_api().unwrap().body_text(), page);
    assert!(error.is_retryable());
}

#[tokio::test]
async fn the_token_never_shows() {
    let builder = builder("http://127.0.0.1:9");
    assert!(!format!("{builder:?}").contains(TOKEN));
    let client = builder.build().unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains(TOKEN) && debug.contains("<redacted>"), "{debug}");
    let options = RequestOptions::new().header("X-Other-Token", TOKEN);
    assert!(!format!("{options:?}").contains(TOKEN));
    let request = client.builds().get("acme", "app", 42).options(options);
    assert!(!format!("{request:?}").contains(TOKEN));

    // A transport error (nothing listens on port 9), and an API error.
    let error = client.builds().get("acme", "app", 42).options(RequestOptions::new().retry(RetryPolicy::none())).await;
    let error = error.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(!format!("{error:?}").contains(TOKEN) && !error.to_string().contains(TOKEN));
    let server = RawServer::start(|_, _| Reply::Send(response(401, &[], r#"{"message":"Unauthorized"}"#))).await;
    let error = self::client(&server.url()).builds().get("acme", "app", 42).await.unwrap_err();
    assert!(!format!("{error:?}").contains(TOKEN) && !error.to_string().contains(TOKEN));
}

// ---------------------------------------------------------------------------------------------
// Redirects

#[tokio::test]
async fn a_redirect_within_the_origin_keeps_the_token() {
    let server = RawServer::start(|i, _| match i {
        0 => Reply::Send(response(301, &[("Location", "/organizations/acme/pipelines/app/builds/43")], "")),
        _ => ok_build(),
    })
    .await;

    client(&server.url()).builds().get("acme", "app", 42).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests[1].target, "/organizations/acme/pipelines/app/builds/43");
    assert_eq!(requests[1].header("Authorization"), Some(format!("Bearer {TOKEN}").as_str()));
}

#[tokio::test]
async fn a_redirect_to_another_host_drops_every_credential() {
    // Same port, another host name: `localhost` against a base URL of `127.0.0.1`.
    let server = RawServer::start(|i, request| {
        if i == 0 {
            let port = request.header("Host").unwrap().rsplit(':').next().unwrap().to_string();
            let location = format!("http://localhost:{port}/storage/42");
            return Reply::Send(response(307, &[("Location", &location)], ""));
        }
        ok_build()
    })
    .await;
    let options = RequestOptions::new()
        .header("Authorization", "Bearer extra")
        .header("Cookie", "session=1")
        .header("X-Request-Id", "run-17");

    client(&server.url()).builds().get("acme", "app", 42).options(options).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[0].header("Host").unwrap().starts_with("127.0.0.1:"));
    assert!(requests[1].header("Host").unwrap().starts_with("localhost:"));
    assert_eq!(requests[1].target, "/storage/42");
    assert_eq!(requests[1].header("Authorization"), None);
    assert_eq!(requests[1].header("Cookie"), None);
    // Any header the caller added may be a credential by another name: none crosses origins.
    assert_eq!(requests[1].header("X-Request-Id"), None);
}

#[tokio::test]
async fn one_timeout_covers_all_the_redirects_of_an_attempt() {
    // Each hop takes 80 ms, well within the 200 ms timeout, but four of them do not.
    let server = RawServer::start(|i, _| {
        let hop = if i < 3 {
            Reply::Send(response(302, &[("Location", &format!("/hop/{}", i + 1))], ""))
        } else {
            ok_build()
        };
        Reply::Delay(Duration::from_millis(80), Box::new(hop))
    })
    .await;
    let client = builder(&server.url()).timeout(Duration::from_millis(200)).retry(RetryPolicy::none()).build().unwrap();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(server.requests().len() <= 3);
}

#[tokio::test]
async fn a_transport_error_does_not_show_the_query_of_the_url() {
    let storage = RawServer::start(|_, _| Reply::Close).await;
    let location = format!("{}/bucket/42?X-Amz-Signature=s3cr3t", storage.url());
    let api = RawServer::start(move |_, _| Reply::Send(response(302, &[("Location", &location)], ""))).await;
    let client = builder(&api.url()).retry(RetryPolicy::none()).build().unwrap();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(!error.to_string().contains("s3cr3t"), "{error}");
    assert!(!format!("{error:?}").contains("s3cr3t"), "{error:?}");
    assert!(error.to_string().contains("/bucket/42"), "the URL without its query is kept: {error}");
}

#[tokio::test]
async fn redirect_loops_end() {
    let server = RawServer::start(|_, request| {
        let next = format!("{}x", request.target);
        Reply::Send(response(302, &[("Location", &next)], ""))
    })
    .await;

    let error = client(&server.url()).builds().get("acme", "app", 42).await.unwrap_err();

    assert!(matches!(error, Error::InvalidRequest(_)) && error.to_string().contains("redirects"), "{error}");
    assert_eq!(server.requests().len(), 11);
}

// ---------------------------------------------------------------------------------------------
// Path parameters

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn path_parameters_stay_one_segment_and_round_trip() {
    let server = RawServer::start(|_, _| Reply::Send(response(404, &[], r#"{"message":"No organization"}"#))).await;
    let client = client(&server.url());
    let values = ["a/b", "../admin", "a?b=c", "a#top", "a%2Fb", "%2e%2e", "...", "a b+c", "a;b=c", "ü@:$&"];
    for value in values {
        let _ = client.organizations().get(value).await;
    }

    let requests = server.requests();
    assert_eq!(requests.len(), values.len());
    for (value, request) in values.iter().zip(&requests) {
        let segment = request.target.strip_prefix("/organizations/").expect("one path under /organizations/");
        assert!(!segment.contains(['/', '?', '#']), "{value:?} was sent as {}", request.target);
        assert_eq!(percent_decode(segment), *value, "the segment decodes back to the value");
    }
    assert_eq!(requests[4].target, "/organizations/a%252Fb");
}

#[tokio::test]
async fn dot_segments_and_empty_path_parameters_are_refused() {
    let server = RawServer::start(|_, _| ok_build()).await;
    let client = client(&server.url());
    for value in ["..", ".", ""] {
        let error = client.organizations().get(value).await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{value:?}: {error:?}");
        assert!(error.to_string().contains("path parameter `org`"), "{error}");
        let error = client.builds().get("acme", value, 42).await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{value:?}: {error:?}");
    }
    assert!(server.requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// HTTPS

#[test]
fn the_base_url_must_be_https_unless_allowed() {
    let error = Client::builder().base_url("http://127.0.0.1:8080").bearer_token(TOKEN).build().unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)));
    assert!(error.to_string().contains("allow_http(true)"), "{error}");
    assert!(!error.to_string().contains(TOKEN));
    let error = Client::builder().base_url("ftp://example.com").allow_http(true).build().unwrap_err();
    assert!(error.to_string().contains("unsupported scheme"), "{error}");
    assert!(Client::builder().base_url("http://127.0.0.1:8080").allow_http(true).build().is_ok());
    assert!(Client::builder().base_url("https://buildkite.example.com/v2").build().is_ok());
}

#[tokio::test]
async fn a_token_echoed_into_an_error_body_is_redacted() {
    // The server quotes the request's headers back in its error, as some proxies do.
    let server = RawServer::start(|_, request| {
        let auth = request.header("Authorization").unwrap_or_default().to_string();
        let body = serde_json::json!({"message": format!("bad request with Authorization: {auth}")}).to_string();
        Reply::Send(response(400, &[("Content-Type", "application/json")], &body))
    })
    .await;
    let error = client(&server.url()).builds().get("acme", "app", 42).await.unwrap_err();
    let Error::Api(api) = &error else { panic!("an API error: {error:?}") };
    for text in
        [error.to_string(), format!("{error:?}"), api.body_text().to_string(), api.message.clone().unwrap_or_default()]
    {
        assert!(!text.contains(TOKEN), "the token leaked: {text}");
    }
    assert!(api.message.as_deref().is_some_and(|m| m.ends_with("Bearer [redacted]")), "{:?}", api.message);
}

#[tokio::test]
async fn errors_debug_in_one_short_line_without_credentials_or_headers() {
    // A success body that echoes the token where a number belongs, and a failure with a
    // session cookie and a large header, as a hostile or echoing server may send.
    let server = RawServer::start(|i, request| {
        let auth = request.header("Authorization").unwrap_or_default().to_string();
        let cookie = ("Set-Cookie", "session=s3ss10n-c00k1e; HttpOnly");
        let policy = "default-src 'none'; ".repeat(30);
        if i == 0 {
            let body = serde_json::json!({"number": auth}).to_string();
            Reply::Send(response(200, &[("Content-Type", "application/json"), cookie], &body))
        } else {
            let body = serde_json::json!({"message": "No build found"}).to_string();
            let headers = [("Content-Type", "application/json"), cookie, ("Content-Security-Policy", policy.as_str())];
            Reply::Send(response(404, &headers, &body))
        }
    })
    .await;
    let client = client(&server.url());
    let decode = client.builds().get("acme", "app", 42).await.unwrap_err();
    assert!(matches!(decode, Error::Decode(_)), "{decode:?}");
    let missing = client.builds().get("acme", "app", 43).await.unwrap_err();
    assert!(matches!(missing, Error::Api(_)), "{missing:?}");
    for error in [&decode, &missing] {
        let (display, debug) = (error.to_string(), format!("{error:?}"));
        for text in [&display, &debug] {
            assert!(!text.contains(TOKEN) && !text.contains("s3ss10n"), "a credential leaked: {text}");
        }
        assert!(debug.len() < 300 && !debug.contains('\n'), "{} characters: {debug}", debug.len());
        assert!(!debug.contains("default-src"), "headers in Debug: {debug}");
        assert!(debug.contains("/organizations/acme/pipelines/app/builds/4") && debug.contains("getBuild"), "{debug}");
    }
    assert!(decode.to_string().contains("Bearer [redacted]"), "{decode}");
    assert!(format!("{missing:?}").contains("status: 404") && format!("{missing:?}").contains("No build found"));
}

// ---------------------------------------------------------------------------------------------
// The HTTP client the builder makes: user agent, proxies, compression

#[tokio::test]
async fn the_user_agent_names_the_program_when_asked() {
    let server = RawServer::start(|_, _| ok_build()).await;
    client(&server.url()).builds().get("acme", "app", 42).await.unwrap();
    builder(&server.url())
        .user_agent("release-bot/2.1")
        .build()
        .unwrap()
        .builds()
        .get("acme", "app", 42)
        .await
        .unwrap();

    let requests = server.requests();
    let default = requests[0].header("User-Agent").unwrap_or_default();
    assert!(default.starts_with("buildkite-api/"), "{default}");
    assert_eq!(requests[1].header("User-Agent"), Some("release-bot/2.1"));
}

#[tokio::test]
async fn a_proxy_given_to_the_builder_carries_the_requests() {
    // The loopback server plays the proxy: a request for another host reaches it in absolute
    // form, which is what a plain-HTTP proxy is sent.
    let proxy = RawServer::start(|_, _| ok_build()).await;
    let client = Client::builder()
        .base_url("http://buildkite.example.invalid/v2")
        .danger_allow_http_to_any_host(true)
        .bearer_token(TOKEN)
        .proxy(reqwest::Proxy::http(proxy.url()).unwrap())
        .build()
        .unwrap();

    client.builds().get("acme", "app", 42).await.unwrap();

    let request = &proxy.requests()[0];
    assert_eq!(request.target, "http://buildkite.example.invalid/v2/organizations/acme/pipelines/app/builds/42");
    assert!(format!("{:?}", Client::builder().proxy(reqwest::Proxy::http(proxy.url()).unwrap())).contains("proxies: 1"));
}

#[test]
fn settings_for_a_client_the_builder_does_not_make_are_refused() {
    let given = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let error = Client::builder().http_client(given.clone()).user_agent("x/1").build().unwrap_err().to_string();
    assert!(error.contains("set them on that client"), "{error}");
    assert!(Client::builder().http_client(given.clone()).no_proxy().build().is_err());
    assert!(Client::builder().http_client(given).build().is_ok());
    assert!(Client::builder().no_proxy().build().is_ok());
}

#[tokio::test]
async fn a_gzip_body_is_decompressed_with_the_gzip_feature() {
    const GZIPPED: &[u8] = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\x5d\xcc\x4d\x6e\xc3\x20\x10\x05\xe0\xbb\xb0\x0e\xe6\xc7\x8e\xda\x70\x8e\xac\xb2\x89\x06\x98\x36\xa3\x1a\x8c\x00\x27\x52\xaa\xde\x3d\x13\x2f\x22\xa5\xec\x78\xf3\xbe\xf7\x2b\x28\x0a\x27\xb4\x39\x68\x30\xde\xca\x30\xc6\x49\x7e\xe0\xfe\x4b\x7e\xc2\xc1\x4b\xfd\x7a\x93\x15\x3b\xb1\xd6\x99\xcb\x97\xde\x4b\x73\x4a\x41\xa1\xc1\xaf\x34\xc7\x1f\xea\x38\x84\x25\xa9\xab\x55\x4b\xfd\x86\x4c\x77\xe8\xb4\xe4\xa6\x20\x24\x54\x85\x0a\xce\x94\x91\xbf\xa5\xa8\x4d\x34\xb5\xed\xdd\xd0\x9f\xdf\x37\xdf\xf7\x36\xfe\x1f\xe5\x35\x79\xac\xc2\x4d\x76\x27\x5a\x87\x8e\xcc\x0b\xb4\x86\x91\x8f\xac\x12\x75\x4e\xc0\x07\x63\x47\x4e\x7c\x85\x1c\x2e\x9c\x24\xa0\xfc\x6c\x54\x64\x13\xcf\xf0\x6c\x59\x6d\x27\xa9\xf7\x52\x9b\xa3\xd1\xce\x6a\x37\xea\x81\xd9\x49\xfc\x3d\x00\x34\xfa\xcc\x2a\x19\x01\x00\x00";
    let server = RawServer::start(|_, _| {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            GZIPPED.len()
        );
        Reply::Send([head.as_bytes(), GZIPPED].concat())
    })
    .await;

    let build = client(&server.url()).builds().get("acme", "app", 42).await.unwrap();

    assert_eq!(build.number, 42);
    let accepted = server.requests()[0].header("Accept-Encoding").unwrap_or_default().to_string();
    assert!(accepted.contains("gzip"), "{accepted}");
}
