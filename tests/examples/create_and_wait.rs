//! A build created, then awaited until it finishes with the generated waiter (a growing,
//! jittered delay and a time budget), and its result reported.
//!
//! `BUILDKITE_API_TOKEN=... cargo run -p tests --example create_and_wait -- ORG PIPELINE [BRANCH]`

use std::time::Duration;

use buildkite_api::types::{BuildState, CreateBuildRequest};
use buildkite_api::WaitError;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (org, pipeline) = (args.next().ok_or("ORG")?, args.next().ok_or("PIPELINE")?);
    let branch = args.next().unwrap_or_else(|| "main".to_string());
    let client = buildkite_api::Client::from_env()?;

    let request = CreateBuildRequest::new("HEAD", &branch).message("Started by the create_and_wait example");
    let build = client.builds().create(&org, &pipeline, request).await?;
    println!("created #{} ({})", build.number, build.web_url);

    // `exclude_jobs` keeps each poll small. The waiter polls at 2 s, then 4, 8... up to 30 s,
    // for at most half an hour.
    let waited = client
        .builds()
        .get(&org, &pipeline, build.number)
        .exclude_jobs(true)
        .wait_until_finished()
        .delay(Duration::from_secs(2))
        .max_delay(Duration::from_secs(30))
        .budget(Duration::from_secs(30 * 60))
        .await;
    match waited {
        Ok(build) if build.state == BuildState::Passed => println!("#{} passed", build.number),
        Ok(build) => {
            println!("#{} finished: {}", build.number, build.state);
            std::process::exit(1);
        }
        Err(WaitError::TimedOut(waited)) => {
            println!("#{} still {:?} after {:?}", waited.last.number, waited.value, waited.elapsed);
            std::process::exit(2);
        }
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
