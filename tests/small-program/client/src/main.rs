//! The small program on the generated client: an organization's latest builds across pages,
//! then the log of the first script job found in them.
//!
//! `BUILDKITE_API_TOKEN=... small-program-client ORG [MAX_BUILDS]`

use buildkite_api::types::Job;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let org = args.next().ok_or("usage: small-program-client ORG [MAX_BUILDS]")?;
    let max: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(250);
    let token = std::env::var("BUILDKITE_API_TOKEN").map_err(|_| "set BUILDKITE_API_TOKEN")?;
    let client = buildkite_api::Client::new(token)?;

    // Awaiting the list gives its first page; `next_page` follows the `Link` header.
    let mut page = client.builds().list_for_organization(&org).per_page(100).await?;
    let mut seen = 0;
    let mut first_job = None;
    'pages: loop {
        for build in &page {
            let created = build.created_at.time().map(|t| t.to_rfc3339()).unwrap_or_else(|| build.created_at.text());
            let jobs = build.jobs.as_deref().unwrap_or_default();
            println!(
                "#{} {} {} ({} jobs) {} [{} {} {}] {}",
                build.number,
                build.state,
                created,
                jobs.len(),
                build.web_url,
                build.branch,
                &build.commit[..build.commit.len().min(7)],
                build.message.as_deref().unwrap_or("").lines().next().unwrap_or(""),
                build.id
            );
            if first_job.is_none() {
                let pipeline = build.pipeline.as_ref().map(|p| p.slug.clone());
                let script = jobs.iter().find_map(|job| match job {
                    Job::Script(job) => Some(job),
                    _ => None,
                });
                if let (Some(pipeline), Some(job)) = (pipeline, script) {
                    let time = |t: &Option<buildkite_api::runtime::Timestamp>| t.as_ref().and_then(|t| t.time());
                    let took = time(&job.started_at).zip(time(&job.finished_at)).map(|(s, f)| (f - s).num_seconds());
                    println!("  first script job {} took {took:?} s: {}", job.id, job.web_url.as_deref().unwrap_or(""));
                    let name = job.name.clone().unwrap_or_default();
                    let state = job.state.as_ref().map(|s| s.to_string()).unwrap_or_default();
                    first_job = Some((pipeline, build.number, job.id, name, state));
                }
            }
            seen += 1;
            if seen >= max {
                break 'pages;
            }
        }
        match page.next_page().await? {
            Some(next) => page = next,
            None => break,
        }
    }
    println!("{seen} build(s)");

    let Some((pipeline, number, job, name, state)) = first_job else {
        println!("no script job");
        return Ok(());
    };
    let log = client.jobs().get_log(&org, &pipeline, number, job).await?;
    println!("log of {name} ({state}, {job}): {} bytes", log.size);
    for line in log.content.lines().take(20) {
        println!("  {line}");
    }
    Ok(())
}
