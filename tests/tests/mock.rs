//! The generated mock server (feature `mock`) tested as users use it: expectations matched by
//! path, query and body; typed answers, typed errors decoded by the client, pages followed by
//! `.stream()`, delays against a client timeout; verification that passes, fails with a report
//! of what was expected and what arrived, and unmatched requests.

use std::time::Duration;

use buildkite_api::mock::MockServer;
use buildkite_api::operations::builds::{CreateBuildError, GetBuildError};
use buildkite_api::runtime::Timestamp;
use buildkite_api::types::{
    AuditEvent, AuditEventsPage, Build, BuildState, BuildStateFilter, CreateBuildRequest, ErrorType,
};
use buildkite_api::Error;
use futures_util::TryStreamExt;

fn build(number: i64) -> Build {
    let created: Timestamp = "2024-05-01T10:20:30Z".parse().unwrap();
    Build::new(
        uuid::Uuid::from_u128(number as u128),
        format!("https://api.buildkite.com/v2/organizations/acme/pipelines/app/builds/{number}"),
        format!("https://buildkite.com/acme/app/builds/{number}"),
        number,
        BuildState::Passed,
        "abc123",
        "main",
        created,
    )
    .message("Nightly")
}

/// The shape the issue asks for: ten lines or fewer, no JSON.
#[tokio::test]
async fn a_unit_test_of_user_code_is_short_and_has_no_json() {
    let mock = MockServer::start().await;
    mock.builds().get("acme", "app", 42).respond_with(build(42)).expect(1).await;
    let client = mock.client();
    let got = client.builds().get("acme", "app", 42).await.unwrap();
    assert_eq!(got, build(42));
    mock.verify().await;
}

#[tokio::test]
async fn path_parameters_select_the_expectation_and_are_encoded_as_the_client_sends_them() {
    let mock = MockServer::start().await;
    mock.builds().get("acme", "a b/c", 1).respond_with(build(1)).await;
    mock.builds().get("acme", "a b/c", 2).respond_with(build(2)).await;
    let client = mock.client();
    assert_eq!(client.builds().get("acme", "a b/c", 2).await.unwrap().number, 2);
    assert_eq!(client.builds().get("acme", "a b/c", 1).await.unwrap().number, 1);
    mock.verify().await;
}

#[tokio::test]
async fn query_matchers_require_their_values_and_allow_others() {
    let mock = MockServer::start().await;
    mock.builds()
        .list("acme", "app")
        .branch(["main"])
        .state([BuildStateFilter::Failed])
        .meta_data([("release", "1.2")])
        .respond_with(vec![build(7)])
        .expect(1)
        .await;
    let client = mock.client();
    // Another branch: no expectation matches, the mock answers 404 and records it.
    let other = client.builds().list("acme", "app").branch(["dev"]).state([BuildStateFilter::Failed]).await;
    assert_eq!(other.unwrap_err().status().map(|s| s.as_u16()), Some(404));
    // The values asked for, and one more parameter the expectation does not name.
    let page = client
        .builds()
        .list("acme", "app")
        .branch(["main"])
        .state([BuildStateFilter::Failed])
        .meta_data(std::collections::HashMap::from([("release", "1.2")]))
        .per_page(100)
        .await
        .unwrap();
    assert_eq!(page.into_iter().map(|b| b.number).collect::<Vec<_>>(), [7]);
    let report = mock.check().unwrap_err();
    assert!(report.unmet.is_empty(), "{report}");
    assert_eq!(report.unmatched.len(), 1, "{report}");
    assert!(report.unmatched[0].contains("branch[]=dev"), "{report}");
}

#[tokio::test]
async fn bodies_match_exactly_or_in_part() {
    let mock = MockServer::start().await;
    let exact = CreateBuildRequest::new("HEAD", "main").message("Nightly");
    mock.builds().create("acme", "app").body(exact.clone()).respond_with(build(1)).expect(1).await;
    mock.builds()
        .create("acme", "app")
        .body_partial(&serde_json::json!({"branch": "release"}))
        .respond_with(build(2))
        .expect(1)
        .await;
    let client = mock.client();
    assert_eq!(client.builds().create("acme", "app", exact).await.unwrap().number, 1);
    let partial = CreateBuildRequest::new("abc", "release").message("Cut");
    assert_eq!(client.builds().create("acme", "app", partial).await.unwrap().number, 2);
    // Neither the exact body nor the branch: unmatched, with an excerpt of its body.
    let neither = client.builds().create("acme", "app", CreateBuildRequest::new("HEAD", "dev")).await;
    assert!(neither.is_err());
    let report = mock.check().unwrap_err().to_string();
    assert!(report.contains("POST /organizations/acme/pipelines/app/builds with body {"), "{report}");
    assert!(report.contains("\"branch\":\"dev\""), "{report}");
}

#[tokio::test]
async fn typed_errors_come_back_as_the_operations_error_enum() {
    let mock = MockServer::start().await;
    let not_found = GetBuildError::NotFound(ErrorType::new("No build found"));
    mock.builds().get("acme", "app", 9).respond_error(not_found.clone()).await;
    let invalid = ErrorType::new("Validation Failed");
    mock.builds().create("acme", "app").respond_json(422, &invalid).await;
    let client = mock.client();

    let error = client.builds().get("acme", "app", 9).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(GetBuildError::from_error(&error), Some(not_found));

    let error = client.builds().create("acme", "app", CreateBuildRequest::new("HEAD", "main")).await.unwrap_err();
    assert_eq!(CreateBuildError::from_error(&error), Some(CreateBuildError::UnprocessableEntity(invalid)));
    mock.verify().await;
}

#[tokio::test]
async fn status_and_headers_reach_the_client() {
    let mock = MockServer::start().await;
    mock.builds()
        .get("acme", "app", 3)
        .respond_with(build(3))
        .with_header("RateLimit-Remaining", "17")
        .with_header("RateLimit-Limit", "200")
        .with_header("RateLimit-Reset", "30")
        .await;
    mock.builds().cancel("acme", "app", 3).respond_status(202).await;
    let client = mock.client();
    let response = client.builds().get("acme", "app", 3).send_with_response().await.unwrap();
    assert_eq!(response.rate_limit("organization").and_then(|l| l.remaining), Some(17));
    let error = client.builds().cancel("acme", "app", 3).await.unwrap_err();
    // 202 with no body where the spec documents a build: the client says it could not decode.
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    mock.verify().await;
}

#[tokio::test]
async fn link_header_pages_are_followed_by_stream() {
    let mock = MockServer::start().await;
    mock.builds()
        .list("acme", "app")
        .branch(["main"])
        .respond_pages(vec![vec![build(1), build(2)], vec![build(3)], vec![build(4)]])
        .expect(3)
        .await;
    let client = mock.client();
    let numbers: Vec<i64> =
        client.builds().list("acme", "app").branch(["main"]).stream().map_ok(|b| b.number).try_collect().await.unwrap();
    assert_eq!(numbers, [1, 2, 3, 4]);
    mock.verify().await;
}

#[tokio::test]
async fn next_url_pages_in_the_body_are_followed_by_stream() {
    let event = |n: u128| {
        AuditEvent::new(
            uuid::Uuid::from_u128(n),
            "ORGANIZATION_UPDATED",
            "2024-05-01T10:20:30Z".parse::<Timestamp>().unwrap(),
        )
    };
    let mock = MockServer::start().await;
    mock.audit_events()
        .list("acme")
        .respond_pages([AuditEventsPage::new(vec![event(1), event(2)]), AuditEventsPage::new(vec![event(3)])])
        .expect(2)
        .await;
    let client = mock.client();
    let events: Vec<AuditEvent> = client.audit_events().list("acme").stream().try_collect().await.unwrap();
    assert_eq!(events, [event(1), event(2), event(3)]);
    mock.verify().await;
}

#[tokio::test]
async fn a_delay_longer_than_the_client_timeout_times_out() {
    let mock = MockServer::start().await;
    mock.builds().get("acme", "app", 5).respond_with(build(5)).with_delay(Duration::from_millis(400)).expect(2).await;
    // Sent once: a timed-out GET is retried otherwise, as a real client would.
    let client = mock
        .client_builder()
        .timeout(Duration::from_millis(100))
        .retry(buildkite_api::RetryPolicy::none())
        .build()
        .unwrap();
    let error = client.builds().get("acme", "app", 5).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    let patient = mock.client_builder().timeout(Duration::from_secs(5)).build().unwrap();
    assert_eq!(patient.builds().get("acme", "app", 5).await.unwrap().number, 5);
    mock.verify().await;
}

#[tokio::test]
async fn verification_lists_what_was_expected_and_the_unmatched_requests() {
    let mock = MockServer::start().await;
    mock.builds().get("acme", "app", 1).respond_with(build(1)).expect(2).await;
    mock.builds().list("acme", "app").branch(["main"]).respond_with(vec![]).await;
    let client = mock.client();
    client.builds().get("acme", "app", 1).await.unwrap();
    let _ = client.builds().get("acme", "app", 2).await;
    let report = mock.check().unwrap_err();
    let text = report.to_string();
    assert_eq!(report.unmet.len(), 2, "{text}");
    assert!(
        text.contains("GET /organizations/acme/pipelines/app/builds/1: expected exactly 2 requests, received 1"),
        "{text}"
    );
    assert!(
        text.contains("GET /organizations/acme/pipelines/app/builds with query branch[]=main: expected at least 1 request, received 0"),
        "{text}"
    );
    assert_eq!(report.unmatched, ["GET /organizations/acme/pipelines/app/builds/2"], "{text}");
    assert_eq!(mock.unmatched_requests(), report.unmatched);
}

#[tokio::test]
#[should_panic(expected = "unmatched requests:\n  - GET /organizations/acme/pipelines/app/builds/8")]
async fn verify_panics_with_the_report() {
    let mock = MockServer::start().await;
    let _ = mock.client().builds().get("acme", "app", 8).await;
    mock.verify().await;
}

#[tokio::test]
#[should_panic(expected = "expected at least 1 request, received 0")]
async fn a_server_dropped_unverified_verifies_itself() {
    let mock = MockServer::start().await;
    mock.builds().get("acme", "app", 1).respond_with(build(1)).await;
    drop(mock);
}

#[tokio::test]
async fn unmatched_requests_get_a_404_that_says_so() {
    let mock = MockServer::start().await;
    let error = mock.client().builds().get("acme", "app", 77).await.unwrap_err();
    let api = error.as_api().unwrap();
    assert_eq!(api.status.as_u16(), 404);
    assert!(
        api.message
            .as_deref()
            .unwrap_or_default()
            .contains("no expectation of the mock server matches GET /organizations/acme/pipelines/app/builds/77"),
        "{api:?}"
    );
    assert_eq!(mock.unmatched_requests().len(), 1);
    assert!(mock.check().is_err());
}

#[tokio::test]
async fn up_to_n_times_then_the_next_expectation_answers() {
    let mock = MockServer::start().await;
    mock.builds()
        .get("acme", "app", 4)
        .respond_error(GetBuildError::NotFound(ErrorType::new("not yet")))
        .up_to_n_times(1)
        .await;
    mock.builds().get("acme", "app", 4).respond_with(build(4)).await;
    let client = mock.client();
    assert!(client.builds().get("acme", "app", 4).await.is_err());
    assert_eq!(client.builds().get("acme", "app", 4).await.unwrap().number, 4);
    mock.verify().await;
}

#[tokio::test]
async fn the_mock_client_retries_like_a_real_one_unless_told_not_to() {
    use buildkite_api::RetryPolicy;
    let mock = MockServer::start().await;
    mock.builds().get("acme", "app", 5).respond_status(503).up_to_n_times(1).await;
    mock.builds().get("acme", "app", 5).respond_with(build(5)).await;
    // A 503 on a GET is retried, after a wait of milliseconds.
    assert_eq!(mock.client().builds().get("acme", "app", 5).await.unwrap().number, 5);
    mock.verify().await;

    let mock = MockServer::start().await;
    mock.builds().get("acme", "app", 6).respond_status(503).expect(1).await;
    let once = mock.client_builder().retry(RetryPolicy::none()).build().unwrap();
    let error = once.builds().get("acme", "app", 6).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error}");
    mock.verify().await;
}

#[tokio::test]
#[should_panic(expected = "mock expectation not mounted: ")]
async fn an_expectation_the_client_could_not_send_is_refused_when_mounted() {
    let mock = MockServer::start().await;
    // An empty path parameter: the client refuses it too.
    mock.builds().get("acme", "", 1).respond_with(build(1)).await;
}

#[tokio::test]
async fn every_model_has_a_test_value_that_setters_adjust() {
    use buildkite_api::types::{Build, BuildState, Job};
    let mock = buildkite_api::mock::MockServer::start().await;
    let build = Build::example().with_number(7).with_state(BuildState::Failed).with_branch("main");
    mock.builds().get("acme", "app", 7).respond_with(build.clone()).expect(1).await;
    let got = mock.client().builds().get("acme", "app", 7).await.expect("the example is a valid build");
    assert_eq!(got, build);
    assert_eq!((got.number, got.state, got.message), (7, BuildState::Failed, None));
    // Plausible values by type and name: a URL for `url`, the property's name for a string.
    assert_eq!((got.url.as_str(), got.commit.as_str()), ("https://example.com/url", "commit"));
    assert!(got.created_at.is_valid());
    // A union's test value is its first alternative, with the tag that selects it.
    let job = Job::example();
    assert!(matches!(job, Job::Script(_)), "{job:?}");
    assert_eq!(serde_json::to_value(&job).unwrap()["type"], "script");
    mock.verify().await;
}
