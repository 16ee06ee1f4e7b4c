//! Every failed build on a branch, across pages: first page by page with `Page<T>`, then the
//! same list as one lazy stream of builds.
//!
//! `BUILDKITE_API_TOKEN=... cargo run -p tests --example failed_builds -- ORG PIPELINE BRANCH`

use buildkite_api::types::BuildStateFilter;
use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (org, pipeline) = (args.next().ok_or("ORG")?, args.next().ok_or("PIPELINE")?);
    let branch = args.next().unwrap_or_else(|| "main".to_string());
    let client = buildkite_api::Client::from_env()?;

    // Page by page: awaiting a list gives its first page, with the links to the others.
    let mut page = client
        .builds()
        .list(&org, &pipeline)
        .branch([branch.as_str()])
        .state([BuildStateFilter::Failed])
        .per_page(100)
        .await?;
    let mut pages = 1;
    loop {
        for build in &page {
            println!("#{} {} {}", build.number, build.commit, build.web_url);
        }
        match page.next_page().await? {
            Some(next) => {
                page = next;
                pages += 1;
            }
            None => break,
        }
    }
    println!("{pages} page(s)");

    // The same list as a stream of builds: the next page is fetched when the items run out.
    let failed: Vec<_> = client
        .builds()
        .list(&org, &pipeline)
        .branch([branch.as_str()])
        .state([BuildStateFilter::Failed])
        .per_page(100)
        .stream()
        .try_collect()
        .await?;
    println!("{} failed build(s) on {branch}", failed.len());
    Ok(())
}
