//! Bodies, limits, raw requests and error context, against servers on loopback: raw requests to
//! endpoints the client does not model; bodies over the limit (declared, chunked, endless) that
//! fail without growing memory; decode errors on large bodies that keep an excerpt and the
//! headers; artifact downloads that follow the storage redirect without credentials and stream
//! to a file; job logs read as they arrive; errors that name the path called.

mod runtime_support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use buildkite_api::runtime::UntypedBody;
use buildkite_api::{Error, Method, RequestOptions, RetryPolicy, StatusCode};
use futures_util::TryStreamExt;
use runtime_support::*;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

const MIB: u64 = 1024 * 1024;
const JOB: &str = "0190ad3c-52c2-4b0b-9b5e-3a5d1a8a1f0e";
const ARTIFACT: &str = "76365070-34d5-4104-8b91-952780f8029f";

/// The byte at `i` of a generated body: a pattern that does not repeat within a chunk, so that
/// a misplaced or lost chunk shows.
fn pattern(i: u64) -> u8 {
    (i.wrapping_mul(2_654_435_761) >> 13) as u8
}

/// How a [`Flood`] frames its body.
#[derive(Clone, Copy)]
enum Framing {
    /// `Content-Length` of the whole, then the bytes.
    Length(u64),
    /// Chunked, `Some(total)` bytes then the last chunk, or without end.
    Chunked(Option<u64>),
}

/// A server that answers every request `200` with a generated body, counting the bytes it
/// manages to write (a client that stops reading stops it, once the socket buffers are full).
struct Flood {
    url: String,
    written: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Flood {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn flood(framing: Framing, content_type: &'static str) -> Flood {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let written = Arc::new(AtomicU64::new(0));
    let counter = written.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut head).await;
                let framing_header = match framing {
                    Framing::Length(n) => format!("Content-Length: {n}"),
                    Framing::Chunked(_) => "Transfer-Encoding: chunked".to_string(),
                };
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n{framing_header}\r\nX-Request-Id: flood-1\r\n\r\n"
                );
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let total = match framing {
                    Framing::Length(n) => Some(n),
                    Framing::Chunked(total) => total,
                };
                let mut sent = 0u64;
                let mut chunk = vec![0u8; 64 * 1024];
                while total.is_none_or(|t| sent < t) {
                    let n = total.map_or(chunk.len() as u64, |t| (t - sent).min(chunk.len() as u64)) as usize;
                    for (k, b) in chunk[..n].iter_mut().enumerate() {
                        *b = pattern(sent + k as u64);
                    }
                    let ok = match framing {
                        Framing::Length(_) => stream.write_all(&chunk[..n]).await.is_ok(),
                        Framing::Chunked(_) => {
                            stream.write_all(format!("{n:x}\r\n").as_bytes()).await.is_ok()
                                && stream.write_all(&chunk[..n]).await.is_ok()
                                && stream.write_all(b"\r\n").await.is_ok()
                        }
                    };
                    if !ok {
                        return;
                    }
                    sent += n as u64;
                    counter.store(sent, Ordering::SeqCst);
                }
                if matches!(framing, Framing::Chunked(_)) {
                    let _ = stream.write_all(b"0\r\n\r\n").await;
                }
                let _ = stream.shutdown().await;
            });
        }
    });
    Flood { url, written, task }
}

/// A 200 with these headers and body bytes, closing the connection.
fn response_bytes(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = response(status, headers, "");
    let at = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    out.truncate(at);
    let mut head =
        String::from_utf8(out).unwrap().replace("Content-Length: 0", &format!("Content-Length: {}", body.len()));
    head.push_str("\r\n\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A path in the temporary directory, unique to this test and process.
fn temp_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("runtime-bodies-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("artifact.bin")
}

#[tokio::test]
async fn a_raw_request_reaches_an_unmodelled_endpoint_with_token_query_headers_and_json() {
    let server = RawServer::start(|_, _| {
        Reply::Send(response(
            201,
            &[("Content-Type", "application/json"), ("RateLimit-Remaining", "99"), ("RateLimit-Reset", "30")],
            r#"{"id":"t-1","tags":["a","b"]}"#,
        ))
    })
    .await;
    let client = client(&server.url());

    #[derive(serde::Deserialize)]
    struct Thing {
        id: String,
        tags: Vec<String>,
    }
    let response = client
        .request(Method::POST, "/organizations/acme/experimental/things")
        .query("tag", ["a b", "c&d"])
        .query("page", 2)
        .query("absent", None::<&str>)
        .header("X-Trace", "t-1")
        .json(&serde_json::json!({"name": "thing", "size": 3}))
        .send_with_response::<Thing>()
        .await
        .expect("decoded");

    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.value.id, "t-1");
    assert_eq!(response.value.tags, ["a", "b"]);
    assert_eq!(response.rate_limit("organization").and_then(|r| r.remaining), Some(99));
    let sent = &server.requests()[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.target, "/organizations/acme/experimental/things?tag=a%20b&tag=c%26d&page=2");
    assert_eq!(sent.header("Authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(sent.header("X-Trace"), Some("t-1"));
    assert_eq!(sent.header("Content-Type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body, serde_json::json!({"name": "thing", "size": 3}));

    // Awaited, the body is typed by its content type.
    let untyped = client.request(Method::GET, "/organizations/acme/experimental/things/t-1").await.unwrap();
    assert_eq!(untyped.value, UntypedBody::Json(serde_json::json!({"id": "t-1", "tags": ["a", "b"]})));
}

#[tokio::test]
async fn a_raw_request_is_retried_by_method_and_pages_by_link() {
    let server = RawServer::start(|i, request| match i {
        0 => Reply::Send(response(503, &[("Retry-After", "0")], "")),
        _ if request.target.contains("page=2") => Reply::Send(response(200, &[], "[3]")),
        _ => Reply::Send(response(200, &[("Link", "</organizations/acme/numbers?page=2>; rel=\"next\"")], "[1,2]")),
    })
    .await;
    let client = client(&server.url());

    let numbers: Vec<u32> =
        client.request(Method::GET, "/organizations/acme/numbers").items::<u32>().try_collect().await.unwrap();

    assert_eq!(numbers, [1, 2, 3]);
    let targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        ["/organizations/acme/numbers", "/organizations/acme/numbers", "/organizations/acme/numbers?page=2"]
    );
    assert!(server.requests().iter().all(|r| r.header("Authorization").is_some()));
}

#[tokio::test]
async fn a_raw_request_refuses_another_origin_and_unencoded_paths_before_sending() {
    let server = RawServer::start(|_, _| Reply::Send(response(200, &[], "{}"))).await;
    let client = client(&server.url());

    let error = client.request(Method::GET, "https://evil.example.com/steal").send().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(error.to_string().contains("is not the origin of the base URL"), "{error}");
    let error = client.request(Method::GET, "/organizations/a b").send().await.unwrap_err();
    assert!(error.to_string().contains("must be percent-encoded"), "{error}");
    let error = client.request(Method::GET, "/organizations/../admin").send().await.unwrap_err();
    assert!(error.to_string().contains("segments are refused"), "{error}");
    assert!(server.requests().is_empty(), "nothing was sent");

    // The base URL's own origin, written absolute (an API `url` field), is fine.
    let same = format!("{}/organizations/acme", server.url());
    client.request(Method::GET, &same).send().await.expect("same origin");
    assert_eq!(server.requests()[0].target, "/organizations/acme");
}

#[tokio::test]
async fn a_body_over_the_limit_fails_before_reading_when_its_length_says_so() {
    let server = flood(Framing::Length(3 * MIB), "application/json").await;
    let client = builder(&server.url).max_body_size(MIB).build().unwrap();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    let Error::BodyTooLarge(e) = &error else { panic!("expected BodyTooLarge, got {error:?}") };
    assert_eq!((e.limit, e.content_length), (MIB, Some(3 * MIB)));
    assert_eq!(e.status, StatusCode::OK);
    assert_eq!(e.path, "/organizations/acme/pipelines/app/builds/42");
    assert_eq!(e.headers.get("X-Request-Id").unwrap(), "flood-1");
    assert_eq!(
        error.to_string(),
        "GET /organizations/acme/pipelines/app/builds/42 (getBuild) returned 200 OK with a body of 3145728 bytes, \
         over the limit of 1048576 bytes held in memory; raise `max_body_size`, or read the body as a stream"
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_fails_as_soon_as_it_passes() {
    let server = flood(Framing::Chunked(Some(3 * MIB)), "application/json").await;
    let client = builder(&server.url).max_body_size(MIB).build().unwrap();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    let Error::BodyTooLarge(e) = &error else { panic!("expected BodyTooLarge, got {error:?}") };
    assert_eq!((e.limit, e.content_length), (MIB, None));
    assert!(error.to_string().contains("with a body that passed, over the limit of 1048576 bytes"), "{error}");
}

#[tokio::test]
async fn an_endless_chunked_body_stops_at_the_limit() {
    let server = flood(Framing::Chunked(None), "text/plain").await;
    let client = client(&server.url);

    let started = Instant::now();
    let error = client
        .jobs()
        .get_log_text("acme", "app", 42, JOB)
        .options(RequestOptions::new().max_body_size(MIB))
        .await
        .unwrap_err();

    assert!(matches!(error, Error::BodyTooLarge(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "stopped after {:?}", started.elapsed());
    // The client stopped reading at the limit: the server could write no more than that and
    // what the loopback socket buffers hold, never the endless rest.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let written = server.written.load(Ordering::SeqCst);
    assert!(written < 32 * MIB, "the server wrote {written} bytes");
    eprintln!("endless body: {error} after {:?}; the server wrote {} KiB", started.elapsed(), written / 1024);
}

#[tokio::test]
async fn a_decode_error_on_a_large_body_keeps_an_excerpt_and_the_headers() {
    // 8 MiB of builds, the last one with a number that is not a number.
    let mut body = String::from("[");
    let one = build_json(1).to_string();
    while body.len() < 8 * MIB as usize {
        body.push_str(&one);
        body.push(',');
    }
    body.push_str(&build_json(2).to_string().replace("\"number\":2", "\"number\":\"two\""));
    body.push(']');
    let reply = response(
        200,
        &[("Content-Type", "application/json"), ("X-Request-Id", "req-77"), ("RateLimit-Remaining", "5")],
        &body,
    );
    let server = RawServer::start(move |_, _| Reply::Send(reply.clone())).await;
    let client = client(&server.url());

    let error = client.builds().list("acme", "app").send().await.unwrap_err();

    let Error::Decode(e) = &error else { panic!("expected a decode error, got {error:?}") };
    assert!(e.json_path.ends_with(".number"), "{}", e.json_path);
    assert!(e.excerpt.chars().count() <= 300, "an excerpt of {} characters", e.excerpt.chars().count());
    assert!(e.excerpt.contains("\"two\""), "{}", e.excerpt);
    assert_eq!(e.headers.get("X-Request-Id").unwrap(), "req-77");
    assert_eq!(e.rate_limits[0].remaining, Some(5));
    assert_eq!(e.path, "/organizations/acme/pipelines/app/builds");
    let text = error.to_string();
    assert!(text.len() < 700 && !text.contains('\n'), "{text}");
}

#[tokio::test]
async fn an_artifact_download_follows_the_storage_redirect_without_credentials_and_saves_the_file() {
    let file: Vec<u8> = (0..3 * MIB).map(pattern).collect();
    let served = file.clone();
    let storage = RawServer::start(move |_, _| {
        Reply::Send(response_bytes(200, &[("Content-Type", "application/octet-stream")], &served))
    })
    .await;
    let target = format!("{}/bucket/artifact.bin?X-Amz-Signature=sig", storage.url());
    let api = RawServer::start(move |_, _| Reply::Send(response(302, &[("Location", &target)], ""))).await;
    let client = client(&api.url());
    let path = temp_path("download");

    let stream = client.artifacts().download("acme", "app", 42, JOB, ARTIFACT).await.expect("the download starts");
    assert_eq!(stream.content_length(), Some(3 * MIB));
    let written = stream.save(&path).await.expect("saved");

    assert_eq!(written, 3 * MIB);
    assert!(std::fs::read(&path).unwrap() == file, "the saved file differs");
    let leftovers: Vec<_> =
        std::fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, [std::ffi::OsString::from("artifact.bin")], "no temporary file is left");
    let asked = &api.requests()[0];
    assert_eq!(
        asked.target,
        format!("/organizations/acme/pipelines/app/builds/42/jobs/{JOB}/artifacts/{ARTIFACT}/download")
    );
    assert_eq!(asked.header("Authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    let fetched = &storage.requests()[0];
    assert_eq!(fetched.target, "/bucket/artifact.bin?X-Amz-Signature=sig");
    assert_eq!(fetched.header("Authorization"), None, "the token stays with the API");
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[tokio::test]
async fn a_download_cut_short_leaves_no_file() {
    let storage = RawServer::start(|_, _| {
        let mut head = response(200, &[("Content-Type", "application/octet-stream")], "");
        let text = String::from_utf8(head.clone()).unwrap().replace("Content-Length: 0", "Content-Length: 1048576");
        head = text.into_bytes();
        head.extend(std::iter::repeat_n(7u8, 100_000));
        Reply::SendThenReset(head)
    })
    .await;
    let client = client(&storage.url());
    let path = temp_path("cut");

    let error = client
        .artifacts()
        .download_in_organization("acme", JOB, ARTIFACT)
        .await
        .unwrap()
        .save(&path)
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 0, "neither the file nor a temporary one");
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    eprintln!("cut download: {error}");
}

#[tokio::test]
async fn a_job_log_streams_past_the_request_timeout_while_it_progresses() {
    let first =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nline 1\r\n".to_vec();
    let rest = b"7\r\n\nline 2\r\n0\r\n\r\n".to_vec();
    let server =
        RawServer::start(move |_, _| Reply::SendSlowly(first.clone(), Duration::from_millis(400), rest.clone())).await;
    // A whole-request timeout shorter than the log takes: it ends with the headers.
    let client = builder(&server.url()).timeout(Duration::from_millis(200)).build().unwrap();

    let mut log = client.jobs().get_log_text("acme", "app", 42, JOB).send_streamed().await.expect("headers");
    let started = Instant::now();
    assert_eq!(&log.chunk().await.unwrap().unwrap()[..], b"line 1", "the first line before the rest is sent");
    assert!(started.elapsed() < Duration::from_millis(300));
    let mut rest = Vec::new();
    log.copy_to(&mut rest).await.expect("the rest");
    assert_eq!(rest, b"\nline 2");
    assert_eq!(log.received(), 13);
}

#[tokio::test]
async fn a_stalled_stream_ends_with_the_read_timeout() {
    let first =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nline 1\r\n".to_vec();
    let server =
        RawServer::start(move |_, _| Reply::SendSlowly(first.clone(), Duration::from_secs(5), b"0\r\n\r\n".to_vec()))
            .await;
    let client = client(&server.url());

    let started = Instant::now();
    let stream = client
        .jobs()
        .get_log_in_organization_text("acme", JOB)
        .options(RequestOptions::new().read_timeout(Duration::from_millis(150)))
        .send_streamed()
        .await
        .unwrap();
    let error = stream.text().await.unwrap_err();

    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        error.to_string(),
        format!("GET /organizations/acme/jobs/{JOB}/log (getJobLogInOrganization) timed out")
    );
}

#[tokio::test]
async fn an_error_body_is_read_up_to_its_limit_with_no_credential_left() {
    // The token starts a few bytes before the cut at 64 KiB: the excerpt must not keep its start.
    let limit = buildkite_api::runtime::ApiError::BODY_LIMIT as usize;
    let mut body = "x".repeat(limit - 6);
    body.push_str(TOKEN);
    body.push_str(&"y".repeat(MIB as usize));
    let reply = response(500, &[("Content-Type", "text/plain")], &body);
    let server = RawServer::start(move |_, _| Reply::Send(reply.clone())).await;
    let client = builder(&server.url()).retry(RetryPolicy::none()).build().unwrap();

    let error = client.builds().get("acme", "app", 42).await.unwrap_err();

    let api = error.as_api().expect("an API error");
    assert!(api.body_truncated);
    assert!(api.body.len() <= limit && api.body.len() >= limit - 6, "{}", api.body.len());
    assert!(!api.body.ends_with(&TOKEN.as_bytes()[..6]), "a cut credential is not kept");
    assert!(!format!("{error} {error:?}").contains(&TOKEN[..6]));
}

#[tokio::test]
async fn errors_name_the_path_called_without_its_query() {
    let server = RawServer::start(|_, _| {
        Reply::Send(response(404, &[("Content-Type", "application/json")], r#"{"message":"Not Found"}"#))
    })
    .await;
    let client = client(&server.url());

    let error = client.builds().list("acme", "app").branch(["main"]).send().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "GET /organizations/acme/pipelines/app/builds (listBuilds) returned 404 Not Found: Not Found"
    );
    assert_eq!(error.path(), Some("/organizations/acme/pipelines/app/builds"));
    assert!(error.headers().is_some());
    assert_eq!(error.as_api().unwrap().path_template, "/organizations/{org}/pipelines/{pipeline}/builds");

    let error =
        client.request(Method::DELETE, "/organizations/acme/secret-thing?api_key=k-123").send().await.unwrap_err();
    assert_eq!(error.to_string(), "DELETE /organizations/acme/secret-thing (raw) returned 404 Not Found: Not Found");
    assert!(!format!("{error:?}").contains("k-123"));
}

#[tokio::test]
async fn a_page_with_items_in_an_object_is_decoded_from_its_slice_with_an_excerpt_at_the_failure() {
    // 4 MiB of audit events under `items`, the last one with a time that is not a time.
    let event = |i: usize, at: &str| {
        format!(r#"{{"uuid":"0190a1b2-c3d4-7e5f-8a9b-{i:012}","type":"ORGANIZATION_UPDATED","occurred_at":{at}}}"#)
    };
    let mut items: Vec<String> = Vec::new();
    let mut size = 0;
    while size < 4 * MIB as usize {
        items.push(event(items.len(), "\"2024-05-01T10:20:30Z\""));
        size += items.last().unwrap().len() + 1;
    }
    let bad = items.len();
    items.push(event(bad, "17"));
    let body = format!(r#"{{"links":{{"next":null}},"items":[{}]}}"#, items.join(","));
    let reply = response(200, &[("Content-Type", "application/json"), ("X-Request-Id", "page-9")], &body);
    let server = RawServer::start(move |_, _| Reply::Send(reply.clone())).await;
    let client = client(&server.url());

    let error = client.audit_events().list("acme").pages().try_next().await.unwrap_err();

    let Error::Decode(e) = &error else { panic!("expected a decode error, got {error:?}") };
    assert_eq!(e.json_path, format!("items[{bad}].occurred_at"));
    assert!(e.excerpt.contains(r#""occurred_at":17"#), "the excerpt is at the failure: {}", e.excerpt);
    assert!(e.excerpt.chars().count() <= 300);
    assert_eq!(e.headers.get("X-Request-Id").unwrap(), "page-9");
}
