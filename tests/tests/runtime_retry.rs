//! Retries (which statuses and failures, which methods, how long to wait, how many times, how
//! long in all) and the rate-limit figures of every response, against loopback servers.

mod runtime_support;

use std::time::{Duration, Instant, SystemTime};

use buildkite_api::types::{CreateBuildRequest, UpdatePipelineRequest};
use buildkite_api::{Error, RequestOptions, RetryPolicy};
use runtime_support::*;

/// A server that answers `status` with these headers to every request.
async fn always(status: u16, headers: &'static [(&'static str, &'static str)]) -> RawServer {
    RawServer::start(move |_, _| Reply::Send(response(status, headers, r#"{"message": "try later"}"#))).await
}

/// A server that answers `status` with these headers first, then a build.
async fn once_then_build(status: u16, headers: Vec<(String, String)>) -> RawServer {
    RawServer::start(move |i, _| {
        if i == 0 {
            let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            Reply::Send(response(status, &headers, r#"{"message": "try later"}"#))
        } else {
            Reply::Send(response(200, &[("Content-Type", "application/json")], &build_json(42).to_string()))
        }
    })
    .await
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
}

/// The wait the server asked for when a GET got `status` and `headers` first: past the test
/// policy's 20 ms the call fails at once and its error says how long (`Error::retry_after`);
/// within it, the client waits that long and retries.
async fn requested_wait(status: u16, pairs: &[(&str, &str)]) -> Option<Duration> {
    let server = once_then_build(status, headers(pairs)).await;
    let log = RetryLog::default();
    let client = log.attach(builder(&server.url())).build().unwrap();
    match client.builds().get("acme", "app", 42).await {
        Ok(_) => {
            let events = log.events();
            assert_eq!(events.len(), 1);
            assert_eq!(events[0].status, Some(status));
            assert_eq!(Some(events[0].wait), events[0].requested, "the wait is taken whole");
            events[0].requested
        }
        Err(error) => {
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
            assert_eq!(server.requests().len(), 1, "a wait longer than the client takes: no retry");
            assert!(log.events().is_empty());
            error.retry_after()
        }
    }
}

#[tokio::test]
async fn rate_limit_reset_of_the_exhausted_family_is_the_wait() {
    // Only the per-user limit is spent: its reset, not the longer organization one, is the wait.
    let user = requested_wait(
        429,
        &[
            ("RateLimit-Remaining", "150"),
            ("RateLimit-Reset", "50"),
            ("RateLimit-User-Remaining", "0"),
            ("RateLimit-User-Reset", "7"),
        ],
    )
    .await;
    assert_eq!(user, Some(Duration::from_secs(7)));

    let organization = requested_wait(
        429,
        &[
            ("RateLimit-Remaining", "0"),
            ("RateLimit-Reset", "13"),
            ("RateLimit-User-Remaining", "20"),
            ("RateLimit-User-Reset", "2"),
        ],
    )
    .await;
    assert_eq!(organization, Some(Duration::from_secs(13)));

    // A 429 that says nothing of which family is spent: the longest reset.
    let unknown = requested_wait(429, &[("RateLimit-Reset", "4"), ("RateLimit-User-Reset", "9")]).await;
    assert_eq!(unknown, Some(Duration::from_secs(9)));

    // A 503 while a family is exhausted waits for its reset.
    let unavailable = requested_wait(503, &[("RateLimit-Remaining", "0"), ("RateLimit-Reset", "5")]).await;
    assert_eq!(unavailable, Some(Duration::from_secs(5)));
}

#[tokio::test]
async fn retry_after_in_seconds_comes_first() {
    let wait =
        requested_wait(503, &[("Retry-After", "3"), ("RateLimit-Remaining", "0"), ("RateLimit-Reset", "9")]).await;
    assert_eq!(wait, Some(Duration::from_secs(3)));
    let wait = requested_wait(429, &[("Retry-After", "2")]).await;
    assert_eq!(wait, Some(Duration::from_secs(2)));
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` for a time.
fn http_date(at: SystemTime) -> String {
    let seconds = at.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() as i64;
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let month =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][month as usize - 1];
    format!("{weekday}, {day:02} {month} {year} {:02}:{:02}:{:02} GMT", rest / 3600, rest / 60 % 60, rest % 60)
}

#[tokio::test]
async fn retry_after_as_an_http_date() {
    assert_eq!(http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777)), "Sun, 06 Nov 1994 08:49:37 GMT");
    let date = http_date(SystemTime::now() + Duration::from_secs(4));
    let wait = requested_wait(503, &[("Retry-After", &date)]).await.expect("a wait from the date");
    assert!(wait > Duration::from_secs(2) && wait <= Duration::from_secs(5), "{wait:?} for {date}");

    // A date in the past: retry at once.
    let past = http_date(SystemTime::now() - Duration::from_secs(60));
    assert_eq!(requested_wait(503, &[("Retry-After", &past)]).await, Some(Duration::ZERO));
}

#[tokio::test]
async fn without_server_figures_the_wait_is_a_jittered_capped_backoff() {
    let server = always(503, &[]).await;
    let log = RetryLog::default();
    let policy = RetryPolicy::default()
        .with_max_attempts(8)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(4))
        .with_max_server_wait(Duration::from_millis(20));
    let client = log.attach(builder(&server.url()).retry(policy)).build().unwrap();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    let events = log.events();
    assert_eq!(events.len(), 7);
    for event in &events {
        let ceiling = Duration::from_millis(1 << (event.attempt - 1)).min(Duration::from_millis(4));
        assert_eq!(event.requested, None);
        assert!(event.wait <= ceiling, "attempt {}: {:?} > {ceiling:?}", event.attempt, event.wait);
    }
}

#[tokio::test]
async fn default_policy_makes_four_attempts() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.max_attempts, 4);
    assert_eq!(policy.max_total_wait, Duration::from_secs(30));
    assert_eq!(policy.max_server_wait, Duration::from_secs(30));
    assert!(!policy.retry_non_idempotent);
    // `Retry-After: 0` keeps the default policy's waits at zero.
    let server = always(503, &[("Retry-After", "0")]).await;
    let client =
        buildkite_api::Client::builder().base_url(server.url()).allow_http(true).bearer_token(TOKEN).build().unwrap();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn attempts_are_configurable_on_the_client_and_per_request() {
    let server = always(503, &[("Retry-After", "0")]).await;
    let client = builder(&server.url()).retry(fast_retry().with_max_attempts(2)).build().unwrap();
    client.builds().get("acme", "app", 42).await.unwrap_err();
    assert_eq!(server.requests().len(), 2);

    let server = always(503, &[("Retry-After", "0")]).await;
    let client = client_for(&server);
    let once = RequestOptions::new().retry(RetryPolicy::none());
    client.builds().get("acme", "app", 42).options(once).await.unwrap_err();
    assert_eq!(server.requests().len(), 1, "the request's policy replaces the client's");
}

fn client_for(server: &RawServer) -> buildkite_api::Client {
    client(&server.url())
}

#[tokio::test]
async fn total_wait_is_capped() {
    // A server wait past the total allowed ends the call at once, without sleeping.
    let server = always(503, &[("Retry-After", "2")]).await;
    let log = RetryLog::default();
    let policy = RetryPolicy::default().with_max_total_wait(Duration::from_secs(1));
    let client = log.attach(builder(&server.url()).retry(policy)).build().unwrap();
    let started = Instant::now();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests().len(), 1);
    assert!(log.events().is_empty());
    assert!(started.elapsed() < Duration::from_millis(900), "no sleep: {:?}", started.elapsed());

    // 1 s per wait, 1.5 s in all: one wait fits, the second would not.
    let server = always(503, &[("Retry-After", "1")]).await;
    let log = RetryLog::default();
    let policy = fast_retry()
        .with_max_attempts(10)
        .with_max_server_wait(Duration::from_secs(5))
        .with_max_total_wait(Duration::from_millis(1500));
    let client = log.attach(builder(&server.url()).retry(policy)).build().unwrap();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    assert_eq!(server.requests().len(), 2);
    assert_eq!(log.events().iter().map(|e| e.wait).collect::<Vec<_>>(), [Duration::from_secs(1)]);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
}

#[tokio::test]
async fn a_post_answered_429_is_retried() {
    let server = RawServer::start(|i, _| match i {
        0 => Reply::Send(response(429, &[("Retry-After", "0")], r#"{"message": "slow down"}"#)),
        _ => Reply::Send(response(201, &[("Content-Type", "application/json")], &build_json(7).to_string())),
    })
    .await;
    let log = RetryLog::default();
    let client = log.attach(builder(&server.url())).build().unwrap();

    let build = client.builds().create("acme", "app", CreateBuildRequest::new("HEAD", "main")).await.expect("retried");

    assert_eq!(build.number, 7);
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "the server did not act on the first: it is sent again");
    assert!(requests.iter().all(|r| r.method == "POST"));
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(log.events()[0].status, Some(429));
}

#[tokio::test]
async fn a_wait_longer_than_the_client_takes_fails_at_once_and_says_how_long() {
    // The default policy, a day asked for: no sleep, no retry, the answer and its wait at once.
    for (status, headers) in [
        (429, &[("Retry-After", "86400")][..]),
        (503, &[("Retry-After", "86400")][..]),
        (429, &[("RateLimit-Remaining", "0"), ("RateLimit-Reset", "86400")][..]),
    ] {
        let server = always(status, headers).await;
        let client = buildkite_api::Client::builder()
            .base_url(server.url())
            .allow_http(true)
            .bearer_token(TOKEN)
            .build()
            .unwrap();
        let started = Instant::now();

        let error = client.builds().get("acme", "app", 42).await.unwrap_err();

        assert!(started.elapsed() < Duration::from_secs(2), "{status}: slept {:?}", started.elapsed());
        assert_eq!(server.requests().len(), 1, "{status} {headers:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        let wait = error.retry_after().expect("the wait asked for");
        assert!(wait > Duration::from_secs(86_390) && wait <= Duration::from_secs(86_400), "{wait:?}");
        assert_eq!(error.as_api().unwrap().retry_after(), error.retry_after());
    }
    // A POST too, although a 429 would be retried.
    let server = always(429, &[("Retry-After", "3600")]).await;
    let error =
        client_for(&server).builds().create("acme", "app", CreateBuildRequest::new("HEAD", "main")).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn idempotent_methods_are_retried() {
    // PUT
    let server = once_then_build(503, headers(&[("Retry-After", "0")])).await;
    let build = client_for(&server).builds().cancel("acme", "app", 42).await.expect("PUT is retried");
    assert_eq!(build.number, 42);
    assert_eq!(server.requests().iter().map(|r| r.method.as_str()).collect::<Vec<_>>(), ["PUT", "PUT"]);

    // DELETE
    let server = RawServer::start(|i, _| match i {
        0 => Reply::Send(response(502, &[], "")),
        _ => Reply::Send(response(204, &[], "")),
    })
    .await;
    client_for(&server).pipelines().delete("acme", "app").await.expect("DELETE is retried");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn other_failure_statuses_are_not_retried() {
    for status in [400, 401, 403, 404, 422, 500, 501] {
        let server = always(status, &[("Retry-After", "0")]).await;
        let error = client_for(&server).builds().get("acme", "app", 42).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert!(!error.is_retryable());
        assert_eq!(server.requests().len(), 1, "status {status}");
    }
}

#[tokio::test]
async fn post_is_retried_only_when_the_request_opts_in() {
    let created = || Reply::Send(response(201, &[("Content-Type", "application/json")], &build_json(7).to_string()));
    let body = CreateBuildRequest::new("HEAD", "main").message("Nightly");

    // The client-wide policy cannot opt every POST in.
    let server = always(503, &[("Retry-After", "0")]).await;
    let everything = RetryPolicy { retry_non_idempotent: true, ..fast_retry() };
    let client = builder(&server.url()).retry(everything).build().unwrap();
    client.builds().create("acme", "app", body.clone()).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);

    // One request opts in, under the client's policy (2 attempts here, not the default 4).
    let server = always(503, &[("Retry-After", "0")]).await;
    let client = builder(&server.url()).retry(fast_retry().with_max_attempts(2)).build().unwrap();
    let opt_in = RequestOptions::new().retry_non_idempotent();
    client.builds().create("acme", "app", body.clone()).options(opt_in.clone()).await.unwrap_err();
    assert_eq!(server.requests().len(), 2);

    // And its body is sent again, byte for byte.
    let server = RawServer::start(move |i, _| match i {
        0 => Reply::Send(response(503, &[("Retry-After", "0")], "")),
        _ => created(),
    })
    .await;
    let build = client_for(&server).builds().create("acme", "app", body).options(opt_in).await.expect("retried");
    assert_eq!(build.number, 7);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.method == "POST"));
    assert_eq!(requests[0].body, requests[1].body);
    let sent: serde_json::Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(sent["message"], "Nightly");
}

#[tokio::test]
async fn patch_is_retried_with_a_request_policy_that_allows_it() {
    let pipeline = serde_json::json!({"id": "0190a1b2-c3d4-7e5f-8a9b-000000000001", "name": "Renamed", "slug": "app"});
    let server_502_then_ok = || {
        let pipeline = pipeline.to_string();
        RawServer::start(move |i, _| match i {
            0 => Reply::Send(response(502, &[], "")),
            _ => Reply::Send(response(200, &[("Content-Type", "application/json")], &pipeline)),
        })
    };
    let body = UpdatePipelineRequest::new().name("Renamed");

    let server = server_502_then_ok().await;
    let error = client_for(&server).pipelines().update("acme", "app", body.clone()).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(server.requests().len(), 1, "PATCH is not retried by default");

    let server = server_502_then_ok().await;
    let policy = RetryPolicy { retry_non_idempotent: true, ..fast_retry() };
    let options = RequestOptions::new().retry(policy);
    let updated = client_for(&server).pipelines().update("acme", "app", body).options(options).await.expect("retried");
    assert_eq!(updated.name.as_deref(), Some("Renamed"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.method == "PATCH"));
    assert_eq!(requests[0].body, requests[1].body, "the body is replayed");
    assert_eq!(requests[1].body, br#"{"name":"Renamed"}"#);
}

#[tokio::test]
async fn connection_refused_is_retried_until_the_attempts_are_spent() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let log = RetryLog::default();
    let client = log.attach(builder(&format!("http://127.0.0.1:{port}"))).build().unwrap();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    let Error::Transport { source, .. } = &error else { panic!("expected a transport error, got {error:?}") };
    assert!(source.is_connect());
    assert!(error.is_retryable());
    let events = log.events();
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(|e| e.status.is_none() && e.operation == "getBuild" && e.method.as_str() == "GET"));
    assert!(events.iter().all(|e| e.path == "/organizations/{org}/pipelines/{pipeline}/builds/{number}"));
    eprintln!("connection refused: {error}");
}

const RATE_HEADERS: &[(&str, &str)] = &[
    ("Content-Type", "application/json"),
    ("RateLimit-Scope", "rest"),
    ("RateLimit-Limit", "200"),
    ("RateLimit-Remaining", "187"),
    ("RateLimit-Reset", "41"),
    ("RateLimit-User-Scope", "rest_user"),
    ("RateLimit-User-Limit", "50"),
    ("RateLimit-User-Remaining", "3"),
    ("RateLimit-User-Reset", "17"),
];

#[tokio::test]
async fn every_response_carries_its_rate_limit_figures() {
    let server = RawServer::start(|_, _| Reply::Send(response(200, RATE_HEADERS, &build_json(42).to_string()))).await;

    let answer = client_for(&server).builds().get("acme", "app", 42).send_with_response().await.unwrap();

    assert_eq!(answer.status.as_u16(), 200);
    assert_eq!(answer.value.number, 42);
    let organization = answer.rate_limit("organization").expect("organization figures");
    assert_eq!((organization.limit, organization.remaining, organization.reset), (Some(200), Some(187), Some(41)));
    assert_eq!(organization.reset_after(), Some(Duration::from_secs(41)));
    let user = answer.rate_limit("user").expect("user figures");
    assert_eq!((user.scope, user.limit, user.remaining, user.reset), ("user", Some(50), Some(3), Some(17)));
    assert_eq!(answer.rate_limits.len(), 2);
    assert_eq!(answer.headers.get("RateLimit-Scope").unwrap(), "rest");
    assert_eq!(organization.server_scope.as_deref(), Some("rest"));
    assert_eq!(user.server_scope.as_deref(), Some("rest_user"));

    // Only the families present are listed.
    let server = RawServer::start(|_, _| {
        Reply::Send(response(200, &[("RateLimit-Remaining", "9")], &build_json(42).to_string()))
    })
    .await;
    let answer = client_for(&server).builds().get("acme", "app", 42).send_with_response().await.unwrap();
    assert_eq!(answer.rate_limits.len(), 1);
    assert_eq!(answer.rate_limit("organization").unwrap().remaining, Some(9));
    assert_eq!(answer.rate_limit("user"), None);
}

#[tokio::test]
async fn a_failure_keeps_its_rate_limit_figures() {
    let mut exhausted: Vec<(&str, &str)> = RATE_HEADERS.to_vec();
    exhausted.retain(|(n, _)| *n != "RateLimit-User-Remaining");
    exhausted.push(("RateLimit-User-Remaining", "0"));
    let server = RawServer::start(move |_, _| {
        Reply::Send(response(
            429,
            &exhausted,
            r#"{"message":"Too many","scope":"rest_user","limit":50,"current":51,"reset":17}"#,
        ))
    })
    .await;
    let client = builder(&server.url()).retry(RetryPolicy::none()).build().unwrap();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    let api = error.as_api().expect("an API error");
    assert_eq!(api.status.as_u16(), 429);
    assert_eq!(api.rate_limit("user").unwrap().remaining, Some(0));
    assert_eq!(api.rate_limit("organization").unwrap().remaining, Some(187));
    assert_eq!(api.message.as_deref(), Some("Too many"));
}

// Waiters (`x-waiters`): an operation sent again until a field of its response says done.

/// A server that answers getBuild with a build in each of `states` in turn, the last one for
/// every request after.
async fn build_states(states: &'static [&'static str]) -> RawServer {
    RawServer::start(move |i, _| {
        let mut build = build_json(42);
        build["state"] = states[i.min(states.len() - 1)].into();
        Reply::Send(response(200, &[("Content-Type", "application/json")], &build.to_string()))
    })
    .await
}

#[tokio::test]
async fn a_waiter_polls_until_the_field_says_done_and_returns_that_response() {
    let server = build_states(&["scheduled", "running", "running", "passed"]).await;
    let started = Instant::now();
    let build = client(&server.url())
        .builds()
        .get("acme", "app", 42)
        .exclude_jobs(true)
        .wait_until_finished()
        .delay(Duration::from_millis(5))
        .await
        .expect("the build finishes");
    assert_eq!(build.state.as_str(), "passed");
    let requests = server.requests();
    assert_eq!(requests.len(), 4, "one request per state until a finished one");
    for request in &requests {
        // The same request each time, credentials and options included.
        assert_eq!(request.target, "/organizations/acme/pipelines/app/builds/42?exclude_jobs=true");
        assert_eq!(request.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    }
    // Waits of 5, 10 and 20 ms at most (each at least half that): doubling, with jitter.
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(17), "{took:?}");
    // A finished build that failed is still finished: `finished` lists every end state.
    let server = build_states(&["running", "failed"]).await;
    let build =
        client(&server.url()).builds().get("acme", "app", 42).wait_until_finished().delay(Duration::from_millis(1));
    assert_eq!(build.await.expect("finished").state.as_str(), "failed");
}

#[tokio::test]
async fn a_waiter_fails_at_a_failure_value_with_the_last_response() {
    let server = build_states(&["scheduled", "skipped"]).await;
    let waiter =
        client(&server.url()).builds().get("acme", "app", 42).wait_until_started().delay(Duration::from_millis(1));
    let error = waiter.await.expect_err("a skipped build never starts");
    let buildkite_api::WaitError::Failed(waited) = &error else { panic!("not Failed: {error:?}") };
    assert_eq!((waited.waiter, waited.field, waited.value.as_deref()), ("started", "/state", Some("skipped")));
    assert_eq!(waited.polls, 2);
    assert_eq!(waited.last.number, 42);
    assert_eq!(
        error.to_string(),
        format!("waiting until started failed: /state is `skipped` after 2 polls in {:.1?}", waited.elapsed)
    );
    // Debug is one short line, without the (large) last response.
    let debug = format!("{error:?}");
    assert!(
        debug.starts_with("Failed { waiter: \"started\", field: \"/state\", value: Some(\"skipped\"), polls: 2"),
        "{debug}"
    );
    assert!(!debug.contains("abc123"), "{debug}");
    assert_eq!(error.into_last().map(|b| b.number), Some(42));
}

#[tokio::test]
async fn a_waiter_stops_at_its_budget_after_a_last_poll() {
    let server = build_states(&["running"]).await;
    let started = Instant::now();
    let error = client(&server.url())
        .builds()
        .get("acme", "app", 42)
        .wait_until_finished()
        .delay(Duration::from_millis(10))
        .budget(Duration::from_millis(60))
        .await
        .expect_err("a build that never finishes");
    let took = started.elapsed();
    let buildkite_api::WaitError::TimedOut(waited) = &error else { panic!("not TimedOut: {error:?}") };
    assert_eq!(waited.value.as_deref(), Some("running"));
    assert!(waited.elapsed >= Duration::from_millis(60), "the last poll is made when the budget runs out");
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert_eq!(server.requests().len() as u32, waited.polls);
    assert!(waited.polls >= 3, "{}", waited.polls);
}

#[tokio::test]
async fn a_waiter_ends_at_a_failed_request_and_reads_fields_through_unions() {
    // A request that fails (after the client's own retries) ends the wait with its error.
    let server = RawServer::start(|_, _| {
        Reply::Send(response(404, &[("Content-Type", "application/json")], r#"{"message": "Not Found"}"#))
    })
    .await;
    let error = client(&server.url()).builds().get("acme", "app", 42).wait_until_finished().await.expect_err("404");
    let buildkite_api::WaitError::Request(Error::Api(api)) = &error else { panic!("not an API error: {error:?}") };
    assert_eq!(api.status.as_u16(), 404);
    assert!(std::error::Error::source(&error).is_some());

    // A job is a union of four kinds; the waiter reads `state` whatever the kind.
    let server = RawServer::start(|i, _| {
        let state = if i == 0 { "running" } else { "timed_out" };
        let job = serde_json::json!({"id": "0190a1b2-c3d4-7e5f-8a9b-000000000001", "type": "script", "state": state});
        Reply::Send(response(200, &[("Content-Type", "application/json")], &job.to_string()))
    })
    .await;
    let job = client(&server.url())
        .jobs()
        .get("acme", "app", 42, "0190a1b2-c3d4-7e5f-8a9b-000000000001")
        .wait_until_finished()
        .delay(Duration::from_millis(1))
        .await
        .expect("a timed-out job is finished");
    assert!(matches!(job, buildkite_api::types::Job::Script(_)));
    assert_eq!(server.requests().len(), 2);
}
