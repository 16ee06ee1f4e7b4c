//! Pagination by the `Link` header: links followed exactly as given, lazily, one page held at a
//! time, ending with the last `next`; links to other origins followed without credentials, links
//! back to a page already fetched and pages past the limit refused; awaiting a list gives a `Page`.

mod runtime_support;

use std::time::Duration;

use buildkite_api::{Client, Error, RequestOptions};
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
        assert_eq!(page.len(), 2);
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
async fn a_next_link_to_another_origin_is_followed_without_any_credential() {
    let elsewhere =
        RawServer::start(|_, _| Reply::Send(response(200, &[], &serde_json::to_string(&[build_json(2)]).unwrap())))
            .await;
    // Another port on loopback: another origin.
    let link = format!("<{}{LIST}?page=2>; rel=\"next\"", elsewhere.url());
    let server = RawServer::start(move |_, _| {
        Reply::Send(response(200, &[("Link", &link)], &serde_json::to_string(&[build_json(1)]).unwrap()))
    })
    .await;
    let options = RequestOptions::new().header("X-Api-Key", "caller-key-2c9d").header("Cookie", "session=s-77");

    let numbers: Vec<i64> = client(&server.url())
        .builds()
        .list("acme", "app")
        .options(options)
        .stream()
        .map_ok(|b| b.number)
        .try_collect()
        .await
        .unwrap();

    assert_eq!(numbers, [1, 2]);
    let first = &server.requests()[0];
    assert_eq!(first.header("Authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(first.header("X-Api-Key"), Some("caller-key-2c9d"));
    let other = elsewhere.requests();
    assert_eq!(other.len(), 1);
    assert_eq!(other[0].target, format!("{LIST}?page=2"));
    let seen = format!("{:?}", other[0]);
    for secret in [TOKEN, "caller-key-2c9d", "s-77"] {
        assert!(!seen.contains(secret), "{secret} reached the other origin: {seen}");
    }
    assert_eq!(other[0].header("Authorization"), None);
    assert_eq!(other[0].header("Cookie"), None);
}

/// A list that never ends: every page links to a new one.
async fn endless_pages() -> RawServer {
    RawServer::start(|i, request| {
        let host = request.header("Host").unwrap_or_default().to_string();
        let link = format!("<http://{host}{LIST}?page={}>; rel=\"next\"", i + 2);
        let body = serde_json::to_string(&[build_json(i as i64 + 1)]).unwrap();
        Reply::Send(response(200, &[("Link", &link)], &body))
    })
    .await
}

#[tokio::test]
async fn pagination_stops_at_the_page_limit_with_an_error() {
    let server = endless_pages().await;
    let client = builder(&server.url()).max_pages(3).build().unwrap();

    let mut stream = client.builds().list("acme", "app").stream();
    let mut numbers = Vec::new();
    let error = loop {
        match stream.try_next().await {
            Ok(Some(build)) => numbers.push(build.number),
            Ok(None) => panic!("an endless list ended"),
            Err(e) => break e,
        }
    };

    assert_eq!(numbers, [1, 2, 3]);
    assert_eq!(server.requests().len(), 3, "the page past the limit is not requested");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(error.to_string().contains("stopped after 3 pages"), "{error}");
    assert!(error.to_string().contains("max_pages"), "{error}");
    assert!(stream.next().await.is_none());

    // One request's options set their own limit.
    let server = endless_pages().await;
    let options = RequestOptions::new().max_pages(1);
    let pages: Vec<Result<_, Error>> =
        runtime_support::client(&server.url()).builds().list("acme", "app").options(options).pages().collect().await;
    assert_eq!(pages.len(), 2);
    assert!(pages[0].is_ok());
    assert!(pages[1].as_ref().unwrap_err().to_string().contains("stopped after 1 pages"));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn the_default_page_limit_is_a_thousand() {
    let server = endless_pages().await;
    let started = std::time::Instant::now();

    let error = client(&server.url()).builds().list("acme", "app").stream().try_collect::<Vec<_>>().await.unwrap_err();

    assert!(error.to_string().contains("stopped after 1000 pages"), "{error}");
    assert_eq!(server.requests().len(), 1000);
    eprintln!("1000 pages in {:?}", started.elapsed());
}

#[tokio::test]
async fn awaiting_a_list_gives_its_first_page_with_links_and_the_way_on() {
    let server = three_small_pages().await;
    let client = client(&server.url());

    let page = client.builds().list("acme", "app").per_page(2).await.unwrap();

    assert_eq!(server.requests().len(), 1, "awaiting fetches one page");
    assert_eq!(page.iter().map(|b| b.number).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(page.len(), 2);
    assert_eq!(page[1].number, 2);
    assert_eq!(page.status.as_u16(), 200);
    assert_eq!(page.rate_limit("organization").unwrap().remaining, Some(99));
    let next = page.next_url().expect("a next link").as_str();
    assert!(next.ends_with("?api_key=legacy&page=2&per_page=2&cursor=a%2Cb%3D"), "{next}");
    assert!(page.last_url().expect("a last link").as_str().ends_with("?page=3&per_page=2"));
    assert_eq!(page.first_url(), None);
    assert!(page.has_next());

    let second = page.next_page().await.unwrap().expect("a second page");
    assert_eq!(second.items().iter().map(|b| b.number).collect::<Vec<_>>(), [3, 4]);
    assert!(second.first_url().unwrap().as_str().ends_with("?page=1&per_page=2"));
    assert!(second.next_url().unwrap().as_str().ends_with("?per_page=2&page=3"), "resolved against page 2");
    let third = second.next_page().await.unwrap().expect("a third page");
    assert!(third.prev_url().is_some());
    assert!(!third.has_next());
    assert!(third.next_page().await.unwrap().is_none());
    let numbers: Vec<i64> = third.into_items().into_iter().map(|b| b.number).collect();
    assert_eq!(numbers, [5, 6]);
    assert!(server.requests().iter().all(|r| r.header("Authorization") == Some(&format!("Bearer {TOKEN}"))));
    // `.send()` is the same as awaiting.
    let page = client.builds().list("acme", "app").per_page(2).send().await.unwrap();
    assert_eq!((&page).into_iter().count(), 2);
}

#[tokio::test]
async fn next_page_keeps_the_request_options_and_catches_cycles() {
    // Page 1 links to page 2, which links back to page 1.
    let server = RawServer::start(|_, request| {
        let host = request.header("Host").unwrap_or_default().to_string();
        let page = if request.target.contains("page=2") { 1 } else { 2 };
        let link = format!("<http://{host}{LIST}?page={page}>; rel=\"next\"");
        Reply::Send(response(200, &[("Link", &link)], &serde_json::to_string(&[build_json(1)]).unwrap()))
    })
    .await;
    let options = RequestOptions::new().header("X-Trace", "t-1");

    let first = client(&server.url()).builds().list("acme", "app").page(1).options(options).await.unwrap();
    let second = first.next_page().await.unwrap().expect("page 2");
    let error = second.next_page().await.unwrap_err();

    assert!(error.to_string().contains("already fetched"), "{error}");
    assert_eq!(server.requests().len(), 2);
    assert!(server.requests().iter().all(|r| r.header("X-Trace") == Some("t-1")));
    // The first page can still be asked for its next one again.
    assert!(first.next_page().await.unwrap().is_some());
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

#[tokio::test]
async fn a_url_inside_another_links_quoted_parameter_is_never_followed() {
    let server = RawServer::start(|_, request| {
        let host = request.header("Host").unwrap_or_default().to_string();
        // The only link is `first`; its title holds text that looks like a next link.
        let link = format!(
            "<http://{host}{LIST}?page=1>; title=\"see <http://{host}/decoy>; rel=\\\"next\\\", really\"; rel=first"
        );
        Reply::Send(response(200, &[("Link", &link)], &serde_json::to_string(&[build_json(1)]).unwrap()))
    })
    .await;

    let page = client(&server.url()).builds().list("acme", "app").await.unwrap();

    assert!(!page.has_next(), "{page:?}");
    assert!(page.first_url().is_some_and(|u| u.as_str().ends_with("?page=1")));
    let all: Vec<_> = client(&server.url()).builds().list("acme", "app").stream().try_collect().await.unwrap();
    assert_eq!(all.len(), 1);
    assert!(server.requests().iter().all(|r| !r.target.contains("decoy")));
}
