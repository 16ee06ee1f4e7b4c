//! A unit test of user code with the typed mock server (cargo feature `mock`): no token, no
//! network, no JSON. `cargo test -p tests --example mock_unit_test` runs it (and so does
//! `cargo test --workspace`).

use buildkite_api::types::BuildState;
use buildkite_api::Client;

/// The user code under test: the web URL of the latest build of a branch, if it failed.
pub async fn latest_failure(client: &Client, org: &str, pipeline: &str, branch: &str) -> Option<String> {
    let page = client.builds().list(org, pipeline).branch([branch]).per_page(1).await.ok()?;
    let build = page.items().first()?;
    (build.state == BuildState::Failed).then(|| build.web_url.clone())
}

fn main() {
    println!("run with `cargo test -p tests --example mock_unit_test`");
}

/// A build of the shape the test needs, built in code.
#[cfg(test)]
fn build(number: i64, state: BuildState) -> buildkite_api::types::Build {
    let id = buildkite_api::uuid::Uuid::from_u128(number as u128);
    let created: buildkite_api::runtime::Timestamp = "2024-05-01T10:20:30Z".parse().expect("a timestamp");
    let web_url = format!("https://buildkite.com/acme/app/builds/{number}");
    buildkite_api::types::Build::new(
        id,
        "https://api.buildkite.com/v2/x",
        web_url,
        number,
        state,
        "abc123",
        "main",
        created,
    )
}

#[cfg(test)]
#[tokio::test]
async fn reports_the_latest_failure() {
    let mock = buildkite_api::mock::MockServer::start().await;
    let failed = build(42, BuildState::Failed);
    mock.builds().list("acme", "app").branch(["main"]).respond_with(vec![failed]).expect(1).await;
    let url = latest_failure(&mock.client(), "acme", "app", "main").await;
    assert_eq!(url.as_deref(), Some("https://buildkite.com/acme/app/builds/42"));
    mock.verify().await;
}
