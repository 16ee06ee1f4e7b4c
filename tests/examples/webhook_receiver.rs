//! A Buildkite webhook receiver on axum: verifies each request (signature or token) and acts on
//! the typed event. Run with `BUILDKITE_WEBHOOK_TOKEN=... cargo run -p tests --example
//! webhook_receiver`, then point a Buildkite webhook at `http://<host>:3000/buildkite`.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use buildkite_api::webhooks::{Event, WebhookError};

async fn receive(headers: HeaderMap, body: Bytes) -> StatusCode {
    let secret = std::env::var("BUILDKITE_WEBHOOK_TOKEN").unwrap_or_default();
    match Event::verify_and_parse(&headers, &body, secret.as_bytes(), std::time::SystemTime::now()) {
        Ok(Event::BuildFinished(payload)) => {
            println!("build #{} finished: {}", payload.build.number, payload.build.state);
            StatusCode::OK
        }
        Ok(Event::AgentLost(payload)) => {
            println!("agent lost: {:?}", payload.agent.name);
            StatusCode::OK
        }
        Ok(event) => {
            println!("{} received", event.name());
            StatusCode::OK
        }
        // A body that does not decode came from Buildkite all the same: accept it, so that
        // Buildkite does not retry, and log it.
        Err(error @ WebhookError::Body { .. }) => {
            eprintln!("{error}");
            StatusCode::OK
        }
        Err(error) => {
            eprintln!("refused: {error}");
            StatusCode::UNAUTHORIZED
        }
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let app = Router::new().route("/buildkite", post(receive));
    let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
    axum::serve(listener, app).await
}
