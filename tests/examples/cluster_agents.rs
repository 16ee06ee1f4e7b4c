//! The agents of a cluster, queue by queue.
//!
//! `BUILDKITE_API_TOKEN=... cargo run -p tests --example cluster_agents -- ORG CLUSTER_ID`

use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (org, cluster) = (args.next().ok_or("ORG")?, args.next().ok_or("CLUSTER_ID")?);
    let client = buildkite_api::Client::from_env()?;

    let cluster = client.clusters().get(&org, &cluster).await?;
    println!("cluster {} ({})", cluster.name, cluster.id);
    let mut queues = client.queues().list(&org, cluster.id).stream();
    while let Some(queue) = queues.try_next().await? {
        println!("queue {}", queue.key);
        let mut agents = client.agents().list(&org).cluster_queue_id(queue.id).per_page(100).stream();
        while let Some(agent) = agents.try_next().await? {
            println!(
                "  {} {:?} {:?}",
                agent.name.as_deref().unwrap_or("(unnamed)"),
                agent.connection_state,
                agent.version
            );
        }
    }
    Ok(())
}
