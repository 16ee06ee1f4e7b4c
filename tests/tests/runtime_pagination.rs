//! Pagination by the `Link` header: links followed exactly as given, lazily, one page held at a
//! time, ending with the last `next`; links to other origins or back to a page already fetched refused.

mod runtime_support;

use std::time::Duration;

use buildkite_api::{Client, Error};
use futures_util::{StreamExt, TryStreamExt};
use runtime_support::*;

const LIST: &str = "/organizations/acme/pipelines/app/builds";

/// Pages of two builds: page 1 links absolutely to page 2 with extra, encoded query parameters;
/// page 2 links to page 3 by a query-only reference, relative to page 2's own URL (RFC 8288
/// §3.2); page 3 has no `next`.
async fn three_small_pages() -> RawServer {
    RawServer::start(|_, request| {
        let (numbers, link) = match request.target.as_str() {
            "/organizations/acme/pipelines/app/builds?per_page=2" => {
                // The absolute URL is filled in below, once the port is known from the Host header.
                let host = request.header("Host").unwrap_or_default().to_string();
                let next = format!("http://{host}{LIST}?api_key=legacy&page=2&per_page=2&cursor=a%2Cb%3D");
                ([1, 2], format!("<{next}>; rel=\"next\", <http://{host}{LIST}?page=3&per_page=2>; rel=\"last\""))
            }
            "/organizations/acme/pipelines/app/builds?api_key=legacy&page=2&per_page=2&cursor=a%2Cb%3D" => {
                ([3, 4], format!("<{LIST}?page=1&per_page=2>; rel=\"first\", <?per_page=2&page=3>; rel=\"next\""))
            }
            "/organizations/acme/pipelines/app/builds?per_page=2&page=3" => {
                ([5, 6], format!("<{LIST}?page=2&per_page=2>; rel=\"prev\""))
            }
            other => return Reply::Send(response(404, &[], &format!(r#"{{"message": "no page {other}"}}"#))),
        };
        let body = serde_json::to_string(&numbers.map(build_json)).unwrap();
        Reply::Send(response(
            200,
            &[("Content-Type", "application/json"), ("Link", &link), ("RateLimit-Remaining", "99")],
            &body,
        ))
    })
    .await
}

#[tokio::test]
async fn links_are_followed_exactly_as_given_until_there_is_no_next() {
    let server = three_small_pages().await;

    let numbers: Vec<i64> = client(&server.url())
        .builds()
        .list("acme", "app")
        .per_page(2)
        .stream()
        .map_ok(|b| b.number)
        .try_collect()
        .await
        .unwrap();

    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
    let targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        [
            "/organizations/acme/pipelines/app/builds?per_page=2",
            "/organizations/acme/pipelines/app/builds?api_key=legacy&page=2&per_page=2&cursor=a%2Cb%3D",
            "/organizations/acme/pipelines/app/builds?per_page=2&page=3",
        ]
    );
    assert!(server.requests().iter().all(|r| r.header("Authorization") == Some(&format!("Bearer {TOKEN}"))));
}

#[tokio::test]
async fn items_are_fetched_lazily_one_page_at_a_time() {
    let server = three_small_pages().await;
    let mut stream = client(&server.url()).builds().list("acme", "app").per_page(2).stream();

    assert_eq!(server.requests().len(), 0, "nothing is sent before the first poll");
    assert_eq!(stream.next().await.unwrap().unwrap().number, 1);
    assert_eq!(server.requests().len(), 1);
    assert!(format!("{stream:?}").contains("buffered: 1"), "{stream:?}");
    assert_eq!(stream.next().await.unwrap().unwrap().number, 2);
    assert_eq!(server.requests().len(), 1, "the second page waits until the first is used up");
    assert_eq!(stream.next().await.unwrap().unwrap().number, 3);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn pages_come_with_their_metadata() {
    let server = three_small_pages().await;

    let pages: Vec<_> =
        client(&server.url()).builds().list("acme", "app").per_page(2).pages().try_collect().await.unwrap();

    assert_eq!(pages.len(), 3);
    for page in &pages {
        assert_eq!(page.status.as_u16(), 200);
        assert_eq!(page.value.len(), 2);
        assert!(page.headers.contains_key("Link"));
        assert_eq!(page.rate_limit("organization").unwrap().remaining, Some(99));
    }
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let server = RawServer::start(|i, request| {
        if i > 0 {
            return Reply::Send(response(404, &[], r#"{"message": "gone"}"#));
        }
        let host = request.header("Host").unwrap_or_default().to_string();
        let link = format!("<http://{host}{LIST}?page=2>; rel=\"next\"");
        Reply::Send(response(200, &[("Link", &link)], &serde_json::to_string(&[build_json(1)]).unwrap()))
    })
    .await;
    let mut stream = client(&server.url()).builds().list("acme", "app").stream();

    assert_eq!(stream.next().await.unwrap().unwrap().number, 1);
    let error = stream.next().await.unwrap().unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert!(stream.next().await.is_none());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_refused() {
    let elsewhere = RawServer::start(|_, _| Reply::Send(response(200, &[], "[]"))).await;
    let link = format!("<{}{LIST}?page=2>; rel=\"next\"", elsewhere.url());
    let server = RawServer::start(move |_, _| {
        Reply::Send(response(200, &[("Link", &link)], &serde_json::to_string(&[build_json(1)]).unwrap()))
    })
    .await;

    let result: Result<Vec<_>, Error> = client(&server.url()).builds().list("acme", "app").stream().try_collect().await;

    let error = result.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(error.to_string().contains("another origin"), "{error}");
    assert!(elsewhere.requests().is_empty(), "nothing, and no token, went to the other origin");
}

#[tokio::test]
async fn a_next_link_back_to_the_same_page_is_refused() {
    let server = RawServer::start(|_, request| {
        let host = request.header("Host").unwrap_or_default().to_string();
        let link = format!("<http://{host}{}>; rel=\"next\"", request.target);
        Reply::Send(response(200, &[("Link", &link)], &serde_json::to_string(&[build_json(1)]).unwrap()))
    })
    .await;

    let all = client(&server.url()).builds().list("acme", "app").stream().try_collect::<Vec<_>>();
    let result = tokio::time::timeout(Duration::from_secs(5), all).await.expect("the stream ends instead of looping");

    assert!(result.unwrap_err().to_string().contains("already fetched"));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_cycle_of_next_links_is_refused_whatever_the_fragment() {
    // Page 1 links to page 2, which links back to page 1 under another `#fragment`.
    let server = RawServer::start(|_, request| {
        let host = request.header("Host").unwrap_or_default().to_string();
        let path = request.target.split('?').next().unwrap_or_default().to_string();
        let link = if request.target.contains("page=2") {
            format!("<http://{host}{path}#again>; rel=\"next\"")
        } else {
            format!("<http://{host}{path}?page=2>; rel=\"next\"")
        };
        Reply::Send(response(200, &[("Link", &link)], &serde_json::to_string(&[build_json(1)]).unwrap()))
    })
    .await;

    let all = client(&server.url()).builds().list("acme", "app").stream().try_collect::<Vec<_>>();
    let result = tokio::time::timeout(Duration::from_secs(5), all).await.expect("the stream ends instead of looping");

    assert!(result.unwrap_err().to_string().contains("already fetched"));
    assert_eq!(server.requests().len(), 2);
}

/// Every list operation the spec marks as paginated has `.pages()` and `.stream()`; this only
/// needs to compile.
#[allow(dead_code)]
fn every_paginated_list_streams(client: &Client) {
    let _ = client.organizations().list().per_page(100).stream();
    let _ = client.pipelines().list("o").per_page(100).stream();
    let _ = client.builds().list("o", "p").per_page(100).stream();
    let _ = client.artifacts().list_for_build("o", "p", 1).per_page(100).stream();
    let _ = client.annotations().list("o", "p", 1).per_page(100).stream();
    let _ = client.agents().list("o").per_page(100).stream();
    let _ = client.clusters().list("o").per_page(100).stream();
    let _ = client.queues().list("o", "c").per_page(100).stream();
    let _ = client.agent_tokens().list("o", "c").per_page(100).stream();
    let _ = client.teams().list("o").per_page(100).stream();
    let _ = client.pipeline_templates().list("o").per_page(100).stream();
    let _ = client.rules().list("o").per_page(100).pages();
}
