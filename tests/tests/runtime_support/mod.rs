//! Shared by the runtime and fault tests: a client for a loopback server, a raw HTTP/1.1 server
//! for the faults wiremock cannot make (a body cut short, a connection dropped mid-response, a
//! slow body), and JSON fixtures.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use buildkite_api::runtime::RetryEvent;
use buildkite_api::{Client, ClientBuilder, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The token every test client sends; no output may ever show it.
pub const TOKEN: &str = "bk-secret-token-8f3a61";

/// Retries that wait milliseconds: backoff of 1-4 ms, server-requested waits cut to 20 ms.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .with_backoff(Duration::from_millis(1), Duration::from_millis(4))
        .with_max_server_wait(Duration::from_millis(20))
}

/// A client builder for a plain-HTTP loopback server, with the test token and fast retries.
pub fn builder(base: &str) -> ClientBuilder {
    Client::builder().base_url(base).allow_http(true).bearer_token(TOKEN).retry(fast_retry())
}

/// A client for a loopback server, with the test token and fast retries.
pub fn client(base: &str) -> Client {
    builder(base).build().expect("client")
}

/// The retries a client announces, in order.
#[derive(Clone, Default)]
pub struct RetryLog(Arc<Mutex<Vec<RetryEvent>>>);

impl RetryLog {
    /// The builder with this log as its `on_retry` callback.
    pub fn attach(&self, builder: ClientBuilder) -> ClientBuilder {
        let log = self.0.clone();
        builder.on_retry(move |event| log.lock().unwrap().push(event.clone()))
    }

    pub fn events(&self) -> Vec<RetryEvent> {
        self.0.lock().unwrap().clone()
    }
}

/// A build as the API returns it, with the fields the model requires.
pub fn build_json(number: i64) -> serde_json::Value {
    serde_json::json!({
        "id": format!("0190a1b2-c3d4-7e5f-8a9b-{number:012}"),
        "url": format!("https://api.buildkite.com/v2/organizations/acme/pipelines/app/builds/{number}"),
        "web_url": format!("https://buildkite.com/acme/app/builds/{number}"),
        "number": number,
        "state": "passed",
        "commit": "abc123",
        "branch": "main",
        "created_at": "2024-05-01T10:20:30.123Z"
    })
}

/// A request as the raw server read it.
#[derive(Debug, Clone)]
pub struct RawRequest {
    pub method: String,
    /// The request target exactly as sent, e.g. `/organizations/a%2Fb?x=1`.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What the raw server does with one request.
pub enum Reply {
    /// Writes these bytes, then closes the connection.
    Send(Vec<u8>),
    /// Writes the first bytes, waits, writes the rest, then closes.
    SendSlowly(Vec<u8>, Duration, Vec<u8>),
    /// Writes these bytes, then resets the connection (RST, not an orderly close).
    SendThenReset(Vec<u8>),
    /// Waits, then does the rest.
    Delay(Duration, Box<Reply>),
    /// Closes the connection without answering.
    Close,
}

/// A whole HTTP/1.1 response that closes the connection.
pub fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} Status\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}

type Handler = dyn Fn(usize, &RawRequest) -> Reply + Send + Sync;

/// An HTTP/1.1 server on loopback that answers each request as its handler says; the handler
/// gets the index of the request (0 for the first) and the request.
pub struct RawServer {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<RawRequest>>>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    pub async fn start(handler: impl Fn(usize, &RawRequest) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let count = Arc::new(AtomicUsize::new(0));
        let task = {
            let requests = requests.clone();
            tokio::spawn(async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else { return };
                    let (requests, handler, count) = (requests.clone(), handler.clone(), count.clone());
                    tokio::spawn(async move {
                        let mut stream = stream;
                        let Some(request) = read_request(&mut stream).await else { return };
                        let index = count.fetch_add(1, Ordering::SeqCst);
                        requests.lock().unwrap().push(request.clone());
                        let reply = handler(index, &request);
                        play(stream, reply).await;
                    });
                }
            })
        };
        RawServer { addr, requests, task }
    }

    /// `http://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request read so far.
    pub fn requests(&self) -> Vec<RawRequest> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<RawRequest> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.trim().to_string())).collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(RawRequest { method, target, headers, body })
}

async fn play(mut stream: TcpStream, reply: Reply) {
    let mut reply = reply;
    loop {
        match reply {
            Reply::Delay(wait, next) => {
                tokio::time::sleep(wait).await;
                reply = *next;
            }
            Reply::Send(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
                return;
            }
            Reply::SendSlowly(first, wait, rest) => {
                let _ = stream.write_all(&first).await;
                let _ = stream.flush().await;
                tokio::time::sleep(wait).await;
                let _ = stream.write_all(&rest).await;
                let _ = stream.shutdown().await;
                return;
            }
            Reply::SendThenReset(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.flush().await;
                // Let the bytes reach the client before the reset discards the send buffer.
                tokio::time::sleep(Duration::from_millis(20)).await;
                let _ = stream.set_zero_linger();
                drop(stream);
                return;
            }
            Reply::Close => return,
        }
    }
}
