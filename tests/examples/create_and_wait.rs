//! A build created, then awaited until it finishes, polling with a growing interval.
//!
//! `BUILDKITE_API_TOKEN=... cargo run -p tests --example create_and_wait -- ORG PIPELINE [BRANCH]`

use std::time::Duration;

use buildkite_api::types::{BuildState, CreateBuildRequest};

/// The states a build does not leave.
fn finished(state: &BuildState) -> bool {
    matches!(
        state,
        BuildState::Passed | BuildState::Failed | BuildState::Canceled | BuildState::Skipped | BuildState::NotRun
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (org, pipeline) = (args.next().ok_or("ORG")?, args.next().ok_or("PIPELINE")?);
    let branch = args.next().unwrap_or_else(|| "main".to_string());
    let client = buildkite_api::Client::from_env()?;

    let request = CreateBuildRequest::new("HEAD", &branch).message("Started by the create_and_wait example");
    let build = client.builds().create(&org, &pipeline, request).await?;
    println!("created #{} ({})", build.number, build.web_url);

    let mut wait = Duration::from_secs(2);
    let build = loop {
        // `exclude_jobs` keeps each poll small.
        let build = client.builds().get(&org, &pipeline, build.number).exclude_jobs(true).await?;
        if finished(&build.state) {
            break build;
        }
        println!("#{} is {}; next look in {wait:?}", build.number, build.state);
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(30));
    };
    println!("#{} finished: {}", build.number, build.state);
    Ok(())
}
