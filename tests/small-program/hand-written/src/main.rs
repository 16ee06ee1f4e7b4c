//! The small program written by hand: an organization's latest builds across pages (following
//! the `Link: <...>; rel="next"` header), then the log of the first script job found in them.
//! What a user of reqwest and serde would write without a generated client.
//!
//! `BUILDKITE_API_TOKEN=... small-program-hand-written ORG [MAX_BUILDS]`

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION, LINK, USER_AGENT};
use serde::Deserialize;
use uuid::Uuid;

const API: &str = "https://api.buildkite.com/v2";

#[derive(Debug, Deserialize)]
struct Build {
    id: Uuid,
    number: u64,
    state: String,
    created_at: DateTime<Utc>,
    web_url: String,
    #[serde(default)]
    message: Option<String>,
    branch: String,
    commit: String,
    #[serde(default)]
    pipeline: Option<PipelineRef>,
    #[serde(default)]
    jobs: Vec<Job>,
}

#[derive(Debug, Deserialize)]
struct PipelineRef {
    slug: String,
}

#[derive(Debug, Deserialize)]
struct Job {
    id: Uuid,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    web_url: Option<String>,
    #[serde(default)]
    started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    finished_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
struct JobLog {
    content: String,
    size: u64,
}

#[derive(Debug, Deserialize)]
struct ApiError {
    message: String,
}

/// The URL of the `rel="next"` link of a `Link` header, if any.
fn next_link(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(LINK)?.to_str().ok()?;
    value.split(',').find_map(|link| {
        let (url, params) = link.split_once(';')?;
        let is_next = params.split(';').any(|p| matches!(p.trim(), "rel=\"next\"" | "rel=next"));
        is_next.then(|| url.trim().trim_start_matches('<').trim_end_matches('>').to_string())
    })
}

/// GET `url` and decode its JSON body, with the API's error message on a failure status.
async fn get<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    token: &str,
    url: &str,
) -> Result<(T, HeaderMap), Box<dyn std::error::Error>> {
    let response = http
        .get(url)
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .header(ACCEPT, "application/json")
        .send()
        .await?;
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await?;
    if !status.is_success() {
        let message = serde_json::from_str::<ApiError>(&text).map(|e| e.message).unwrap_or(text);
        return Err(format!("GET {url}: {status}: {message}").into());
    }
    let value = serde_json::from_str(&text).map_err(|e| format!("GET {url}: cannot decode the body: {e}"))?;
    Ok((value, headers))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let org = args.next().ok_or("usage: small-program-hand-written ORG [MAX_BUILDS]")?;
    let max: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(250);
    let token = std::env::var("BUILDKITE_API_TOKEN").map_err(|_| "set BUILDKITE_API_TOKEN")?;
    let http = reqwest::Client::builder()
        .default_headers(HeaderMap::from_iter([(USER_AGENT, "small-program".parse()?)]))
        .build()?;

    let mut url = Some(format!("{API}/organizations/{org}/builds?per_page=100"));
    let mut seen = 0;
    let mut first_job = None;
    'pages: while let Some(current) = url.take() {
        let (builds, headers): (Vec<Build>, _) = get(&http, &token, &current).await?;
        for build in &builds {
            println!(
                "#{} {} {} ({} jobs) {} [{} {} {}] {}",
                build.number,
                build.state,
                build.created_at.to_rfc3339(),
                build.jobs.len(),
                build.web_url,
                build.branch,
                &build.commit[..build.commit.len().min(7)],
                build.message.as_deref().unwrap_or("").lines().next().unwrap_or(""),
                build.id
            );
            if first_job.is_none() {
                let script = build.jobs.iter().find(|job| job.kind == "script");
                if let (Some(pipeline), Some(job)) = (&build.pipeline, script) {
                    let took = job.started_at.zip(job.finished_at).map(|(s, f)| (f - s).num_seconds());
                    println!("  first script job {} took {took:?} s: {}", job.id, job.web_url.as_deref().unwrap_or(""));
                    let name = job.name.clone().unwrap_or_default();
                    first_job = Some((
                        pipeline.slug.clone(),
                        build.number,
                        job.id,
                        name,
                        job.state.clone().unwrap_or_default(),
                    ));
                }
            }
            seen += 1;
            if seen >= max {
                break 'pages;
            }
        }
        url = next_link(&headers);
    }
    println!("{seen} build(s)");

    let Some((pipeline, number, job, name, state)) = first_job else {
        println!("no script job");
        return Ok(());
    };
    let log_url = format!("{API}/organizations/{org}/pipelines/{pipeline}/builds/{number}/jobs/{job}/log");
    let (log, _): (JobLog, _) = get(&http, &token, &log_url).await?;
    println!("log of {name} ({state}, {job}): {} bytes", log.size);
    for line in log.content.lines().take(20) {
        println!("  {line}");
    }
    Ok(())
}
