//! The client a build script generated works: a call, its decoded model, and a waiter, against
//! a loopback server.

use std::io::{Read, Write};

/// Answers each connection in turn with the next body, and hands back each request line.
fn serve(bodies: Vec<&'static str>) -> (String, std::sync::mpsc::Receiver<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for body in bodies {
            let (mut stream, _) = listener.accept().unwrap();
            let mut seen = Vec::new();
            let mut buf = [0u8; 1024];
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = stream.read(&mut buf).unwrap();
                seen.extend_from_slice(&buf[..n]);
            }
            let line = String::from_utf8_lossy(&seen).lines().next().unwrap_or_default().to_string();
            tx.send(line).unwrap();
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(answer.as_bytes()).unwrap();
        }
    });
    (url, rx)
}

#[tokio::test]
async fn the_generated_client_calls_decodes_and_waits() {
    let (url, rx) = serve(vec![
        r#"{"id": 7, "name": "Rex", "status": "available"}"#,
        r#"{"id": 7, "name": "Rex", "status": "available"}"#,
        r#"{"id": 7, "name": "Rex", "status": "adopted"}"#,
    ]);
    let client = build_script_client::Client::builder().base_url(&url).allow_http(true).build().unwrap();
    let pet: build_script_client::types::Pet = client.pets().get(7).await.unwrap();
    assert_eq!((pet.id, pet.name.as_str()), (7, "Rex"));
    assert_eq!(pet.status.as_ref().map(|s| s.as_str()), Some("available"));
    let adopted = client.pets().get(7).wait_until_adopted().await.unwrap();
    assert_eq!(adopted.status.map(|s| s.as_str().to_string()).as_deref(), Some("adopted"));
    let lines: Vec<String> = rx.try_iter().collect();
    assert_eq!(lines, ["GET /pets/7 HTTP/1.1"; 3]);
}
