//! A job's log streamed to a file, and every artifact of a build downloaded: each download
//! follows Buildkite's redirect to its storage (without the token) and is written to disk as it
//! arrives, never held in memory whole.
//!
//! `BUILDKITE_API_TOKEN=... cargo run -p tests --example download_log_and_artifacts -- ORG PIPELINE NUMBER [DIR]`

use std::path::PathBuf;

use buildkite_api::types::Job;
use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (org, pipeline) = (args.next().ok_or("ORG")?, args.next().ok_or("PIPELINE")?);
    let number: u64 = args.next().ok_or("NUMBER")?.parse()?;
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "downloads".to_string()));
    tokio::fs::create_dir_all(&dir).await?;
    let client = buildkite_api::Client::from_env()?;

    // The log of each script job, streamed into `<job id>.log`.
    let build = client.builds().get(&org, &pipeline, number).await?;
    for job in build.jobs.iter().flatten() {
        let Job::Script(job) = job else { continue };
        let path = dir.join(format!("{}.log", job.id));
        let log = client.jobs().get_log_text(&org, &pipeline, number, job.id).send_streamed().await?;
        let written = log.save(&path).await?;
        println!("{}: {written} bytes", path.display());
    }

    // Every artifact of the build, across pages, each saved under its file name.
    let mut artifacts = client.artifacts().list_for_build(&org, &pipeline, number).stream();
    while let Some(artifact) = artifacts.try_next().await? {
        let body = client.artifacts().download(&org, &pipeline, number, artifact.job_id, artifact.id).await?;
        let path = dir.join(&artifact.filename);
        let written = body.save(&path).await?;
        println!("{}: {written} bytes", path.display());
    }
    Ok(())
}
