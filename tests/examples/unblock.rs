//! The block steps of a build that can be unblocked, unblocked with values for their fields.
//!
//! `BUILDKITE_API_TOKEN=... cargo run -p tests --example unblock -- ORG PIPELINE NUMBER [KEY=VALUE]...`

use std::collections::BTreeMap;

use buildkite_api::types::{Job, UnblockJobRequest};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (org, pipeline) = (args.next().ok_or("ORG")?, args.next().ok_or("PIPELINE")?);
    let number: i64 = args.next().ok_or("NUMBER")?.parse()?;
    let fields: BTreeMap<String, String> =
        args.filter_map(|pair| pair.split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))).collect();
    let client = buildkite_api::Client::from_env()?;

    let build = client.builds().get(&org, &pipeline, number).await?;
    let blocked = build.jobs.iter().flatten().filter_map(|job| match job {
        Job::Manual(block) if block.unblockable == Some(true) => Some(block),
        _ => None,
    });
    for block in blocked {
        let job = client
            .jobs()
            .unblock(&org, &pipeline, number, block.id)
            .body(UnblockJobRequest::new().fields(fields.clone()))
            .await?;
        println!("unblocked {:?} ({:?}): now {:?}", block.label, job.id(), job.state());
    }
    Ok(())
}
