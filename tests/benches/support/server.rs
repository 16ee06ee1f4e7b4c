//! A minimal HTTP/1.1 server on loopback for the client benchmarks: keep-alive, a fixed
//! `Content-Length`, bodies prepared once and written straight from memory, on a thread and a
//! runtime of its own, so that the server is never what a benchmark measures.
//!
//! Routes (`GET /organizations/acme/pipelines/{pipeline}/builds`):
//! - `app`: the page it was started with;
//! - `empty`: `[]`;
//! - `app/builds/1` (`GET /organizations/acme/pipelines/app/builds/1`): the one build it was
//!   started with (see [`Server::start_with_build`]), a body of a few KB;
//! - `pagesN` (e.g. `pages100`): N pages of that same page, `?page=K` selecting one; each but the
//!   last links to the next with an absolute URL on the same host and port (`Link: <...>;
//!   rel="next"`).

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PREFIX: &str = "/organizations/acme/pipelines/";

/// A running server; it lives as long as the process.
pub struct Server {
    pub addr: SocketAddr,
}

impl Server {
    /// Starts a server answering with `page` (a JSON array of builds).
    pub fn start(page: Vec<u8>) -> Server {
        Server::start_with_build(page, b"{}".to_vec())
    }

    /// Starts a server answering with `page`, and with `build` for build 1 of `app`.
    pub fn start_with_build(page: Vec<u8>, build: Vec<u8>) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        let page: Arc<[u8]> = page.into();
        let build: Arc<[u8]> = build.into();
        std::thread::Builder::new()
            .name("bench-server".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_io().build().expect("runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    loop {
                        let Ok((stream, _)) = listener.accept().await else { continue };
                        let _ = stream.set_nodelay(true);
                        tokio::spawn(serve(stream, page.clone(), build.clone(), addr));
                    }
                })
            })
            .expect("server thread");
        Server { addr }
    }

    /// The base URL to give a client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Serves one connection: request heads in, responses out, until the client closes it.
async fn serve(mut stream: TcpStream, page: Arc<[u8]>, build: Arc<[u8]>, addr: SocketAddr) {
    let mut input: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = vec![0u8; 4096];
    let mut head: Vec<u8> = Vec::with_capacity(512);
    loop {
        // The benchmarks send GET requests only: a request is its head.
        let end = loop {
            if let Some(i) = find(&input, b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => input.extend_from_slice(&chunk[..n]),
            }
        };
        let line_end = find(&input, b"\r\n").unwrap_or(end);
        let line = std::str::from_utf8(&input[..line_end]).unwrap_or("");
        let target = line.split(' ').nth(1).unwrap_or("");
        head.clear();
        let body: &[u8] = respond(target, &page, &build, addr, &mut head);
        input.drain(..end);
        if stream.write_all(&head).await.is_err() || stream.write_all(body).await.is_err() {
            return;
        }
    }
}

/// Writes the response head for `target` into `head` and returns the body.
fn respond<'a>(target: &str, page: &'a [u8], build: &'a [u8], addr: SocketAddr, head: &mut Vec<u8>) -> &'a [u8] {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let pipeline = path.strip_prefix(PREFIX).and_then(|rest| rest.strip_suffix("/builds"));
    let single = path.strip_prefix(PREFIX) == Some("app/builds/1");
    let (body, link): (&[u8], Option<String>) = match pipeline {
        _ if single => (build, None),
        Some("app") => (page, None),
        Some("empty") => (b"[]", None),
        Some(name) if name.starts_with("pages") => {
            let pages: usize = name["pages".len()..].parse().unwrap_or(1);
            let number: usize =
                query.split('&').find_map(|pair| pair.strip_prefix("page=")).and_then(|n| n.parse().ok()).unwrap_or(1);
            let link = (number < pages).then(|| {
                format!("<http://{addr}{PREFIX}{name}/builds?page={}&per_page=100>; rel=\"next\"", number + 1)
            });
            (page, link)
        }
        _ => {
            let _ = write!(head, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            return b"";
        }
    };
    let _ = write!(
        head,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\
         RateLimit-Limit: 200\r\nRateLimit-Remaining: 199\r\nRateLimit-Reset: 42\r\n",
        body.len()
    );
    if let Some(link) = link {
        let _ = write!(head, "Link: {link}\r\n");
    }
    head.extend_from_slice(b"\r\n");
    body
}
