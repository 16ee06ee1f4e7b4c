//! Jobs on both routes, build-scoped and organization-scoped (spec/overlays/jobs.yaml), and the
//! job shapes the API sends: script, wait, block and trigger jobs mixed in one page of builds.

use super::*;

const JOB: &str = "0190ad3c-52c2-4b0b-9b5e-3a5d1a8a1f0e";
const BLOCK_JOB: &str = "018f2b60-5e6f-7071-c283-9d0e1f203142";
const UNBLOCKER: &str = "3d3c3f3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f";

fn build_job(rest: &str) -> String {
    format!("/organizations/acme/pipelines/app/builds/42/jobs/{JOB}{rest}")
}

fn org_job(rest: &str) -> String {
    format!("/organizations/acme/jobs/{JOB}{rest}")
}

/// The script job of `job_script.json`, whatever route returned it.
fn assert_failed_script_job(job: types::Job) {
    let types::Job::Script(job) = job else { panic!("expected a script job, got {job:?}") };
    assert_eq!(job.id.to_string(), JOB);
    assert_eq!(job.state, Some(types::JobState::Failed));
    assert_eq!(job.exit_status, Some(1));
    assert_eq!(job.signal_reason, Some(types::JobSignalReason::AgentStop));
    assert_eq!(job.concurrency_wait_time_ms, Some(1500));
    assert_eq!(job.matrix, Some(json!({ "os": "linux", "ruby": "3.3" })));
}

// --- the job shapes ------------------------------------------------------------------------

/// A page of builds whose jobs mix command, wait, block and trigger steps decodes, each job
/// into its own shape (issue 10): the wait job arrives as `{id, graphql_id, type}` alone, and a
/// job type this client does not know is kept as sent.
#[tokio::test]
async fn builds_with_mixed_job_types_decode() {
    let builds = Case::new("listBuilds", "/organizations/acme/pipelines/app/builds")
        .respond(200, fixture!("build_mixed_jobs.json"))
        .run(|c| c.builds().list("acme", "app"))
        .await;
    assert_eq!(builds.len(), 2);
    let jobs = builds[0].jobs.as_deref().expect("jobs");
    assert_eq!(jobs.len(), 4);

    let types::Job::Script(script) = &jobs[0] else { panic!("jobs[0] is a script job: {:?}", jobs[0]) };
    assert_eq!(script.id.to_string(), "0190a1b2-d4e5-7f60-9b7c-8d9e0f1a2b3c");
    assert_eq!(script.r#type, types::JobType::Script);
    assert_eq!(script.state, Some(types::JobState::Passed));
    assert_eq!(script.group_key.as_deref(), Some("tests"));
    assert_eq!(script.command.as_deref(), Some("bundle exec rspec"));
    assert_eq!(script.priority.as_ref().and_then(|p| p.number), Some(0));
    assert_eq!(script.agent.as_ref().and_then(|a| a.name.clone()).as_deref(), Some("ci-linux-3"));
    let signature = script.step.as_ref().and_then(|s| s.signature.as_ref()).expect("a signed step");
    assert_eq!(signature.algorithm.as_deref(), Some("EdDSA"));
    assert_eq!(script.cluster_queue_id.map(|q| q.to_string()).as_deref(), Some("5ff7d4e2-6a1b-4c3d-9e8f-7a6b5c4d3e2f"));

    let types::Job::Waiter(waiter) = &jobs[1] else { panic!("jobs[1] is a wait job: {:?}", jobs[1]) };
    assert_eq!(waiter.id.to_string(), "0190a1b2-e5f6-7071-8c8d-9e0f1a2b3c4d");
    assert_eq!(waiter.graphql_id.as_deref(), Some("Sm9iLS0tMDE5MGExYjItZTVmNi03MDcxLThjOGQtOWUwZjFhMmIzYzRk"));
    assert_eq!(waiter.state, None, "the minimal wait job has no state");
    assert_eq!(waiter.created_at, None);

    let types::Job::Manual(block) = &jobs[2] else { panic!("jobs[2] is a block job: {:?}", jobs[2]) };
    assert_eq!(block.label.as_deref(), Some(":rocket: Release?"));
    assert_eq!(block.state, Some(types::JobState::Blocked));
    assert_eq!(block.unblockable, Some(true));
    assert_eq!(block.web_url, None);
    assert!(block.unblocked_by.is_none());

    let types::Job::Trigger(trigger) = &jobs[3] else { panic!("jobs[3] is a trigger job: {:?}", jobs[3]) };
    assert_eq!(trigger.name.as_deref(), Some("Deploy to production"));
    assert_eq!(trigger.r#async, Some(true));
    let triggered = trigger.triggered_build.as_ref().expect("the triggered build");
    assert_eq!(triggered.number, Some(311));
    assert_eq!(triggered.web_url.as_deref(), Some("https://buildkite.com/acme/deploy/builds/311"));

    // The second build: a waiting wait job with every shared field, and a job type added later.
    let jobs = builds[1].jobs.as_deref().expect("jobs");
    assert!(
        matches!(&jobs[0], types::Job::Waiter(w) if w.state == Some(types::JobState::Waiting) && w.step_key.is_none())
    );
    match &jobs[1] {
        types::Job::Unknown(value) => assert_eq!(value["type"], "pipeline_upload"),
        other => panic!("an unknown job type is kept as sent, got {other:?}"),
    }
}

// --- list and get ----------------------------------------------------------------------------

#[tokio::test]
async fn list_jobs() {
    let page = Case::new("listJobs", "/organizations/acme/pipelines/app/builds/42/jobs")
        .query(&[
            ("state[]", "failed"),
            ("state[]", "timed_out"),
            ("include_retried_jobs", "false"),
            ("step_key", "build"),
            ("group_key", "tests"),
            ("per_page", "2"),
            ("after", "eyJpZCI6MTIyfQ"),
        ])
        .respond(200, fixture!("jobs_page.json"))
        .run(|c| {
            c.jobs()
                .list("acme", "app", 42)
                .state([types::JobState::Failed, types::JobState::TimedOut])
                .include_retried_jobs(false)
                .step_key("build")
                .group_key("tests")
                .per_page(2)
                .after("eyJpZCI6MTIyfQ")
        })
        .await;
    assert_eq!(page.len(), 2);
    assert!(matches!(&page[0], types::Job::Script(s) if s.retried == Some(true)));
    assert!(matches!(&page[1], types::Job::Waiter(_)));
    // The body's `links.next`, resolved against the page's URL; there is no `prev` in the body.
    assert!(page.next_url().is_some_and(|next| next.as_str().contains("after=eyJpZCI6MTIzfQ")));
    assert!(page.has_next());
    assert_eq!(page.prev_url(), None);
}

#[tokio::test]
async fn list_jobs_before_cursor() {
    let page = Case::new("listJobs", "/organizations/acme/pipelines/app/builds/42/jobs")
        .query(&[("before", "eyJpZCI6MTIyfQ")])
        .respond_json(200, json!({ "items": [], "links": {} }))
        .run(|c| c.jobs().list("acme", "app", 42).before("eyJpZCI6MTIyfQ"))
        .await;
    assert!(page.is_empty());
}

#[tokio::test]
async fn get_job() {
    let job = Case::new("getJob", build_job(""))
        .respond(200, fixture!("job_script.json"))
        .run(|c| c.jobs().get("acme", "app", 42, JOB))
        .await;
    assert_failed_script_job(job);
}

#[tokio::test]
async fn get_job_not_found() {
    let error = Case::new("getJob", build_job(""))
        .respond_json(404, json!({ "message": "No job found" }))
        .run_err(|c| c.jobs().get("acme", "app", 42, JOB))
        .await;
    match buildkite_api::operations::jobs::GetJobError::from_error(&error) {
        Some(buildkite_api::operations::jobs::GetJobError::NotFound(body)) => assert_eq!(body.message, "No job found"),
        other => panic!("expected the documented 404, got {other:?}"),
    }
}

#[tokio::test]
async fn get_job_in_organization() {
    let job = Case::new("getJobInOrganization", org_job(""))
        .respond(200, fixture!("job_script.json"))
        .run(|c| c.jobs().get_in_organization("acme", JOB))
        .await;
    assert_failed_script_job(job);
}

// --- retry, reprioritize, unblock -----------------------------------------------------------

#[tokio::test]
async fn retry_job() {
    let job = Case::new("retryJob", build_job("/retry"))
        .respond(200, fixture!("job_retried.json"))
        .run(|c| c.jobs().retry("acme", "app", 42, JOB))
        .await;
    let types::Job::Script(job) = job else { panic!("a retried command job is a script job") };
    // The retry is a new job (trap 10).
    assert_eq!(job.id.to_string(), "018f2b61-9999-7aaa-8bbb-cccc00001111");
    assert_eq!(job.retry_type, Some(types::JobRetryType::Manual));
}

#[tokio::test]
async fn retry_job_not_retryable() {
    let error = Case::new("retryJob", build_job("/retry"))
        .respond_json(400, json!({ "message": "Only failed, timed out or canceled jobs can be retried" }))
        .run_err(|c| c.jobs().retry("acme", "app", 42, JOB))
        .await;
    assert!(matches!(
        buildkite_api::operations::jobs::RetryJobError::from_error(&error),
        Some(buildkite_api::operations::jobs::RetryJobError::BadRequest(_))
    ));
}

#[tokio::test]
async fn retry_job_in_organization() {
    let job = Case::new("retryJobInOrganization", org_job("/retry"))
        .respond(200, fixture!("job_retried.json"))
        .run(|c| c.jobs().retry_in_organization("acme", JOB))
        .await;
    assert!(matches!(job, types::Job::Script(s) if s.retries_count == Some(1)));
}

#[tokio::test]
async fn reprioritize_job() {
    let job = Case::new("reprioritizeJob", build_job("/reprioritize"))
        .json(json!({ "priority": 5 }))
        .respond(200, fixture!("job_reprioritized.json"))
        .run(|c| c.jobs().reprioritize("acme", "app", 42, JOB, types::ReprioritizeJobRequest::new(5)))
        .await;
    assert!(matches!(job, types::Job::Script(s) if s.priority.as_ref().and_then(|p| p.number) == Some(5)));
}

#[tokio::test]
async fn reprioritize_job_in_organization() {
    let job = Case::new("reprioritizeJobInOrganization", org_job("/reprioritize"))
        .json(json!({ "priority": 5 }))
        .respond(200, fixture!("job_reprioritized.json"))
        .run(|c| c.jobs().reprioritize_in_organization("acme", JOB, types::ReprioritizeJobRequest::new(5)))
        .await;
    assert!(matches!(job, types::Job::Script(s) if s.artifacts_url.as_deref() == Some("")));
}

#[tokio::test]
async fn unblock_job() {
    let unblocker: uuid::Uuid = UNBLOCKER.parse().expect("a UUID");
    let body = types::UnblockJobRequest::new().unblocker(unblocker).fields(std::collections::BTreeMap::from([
        ("release-name".to_string(), "Flying Dolphin".to_string()),
        ("environment".to_string(), "production".to_string()),
    ]));
    let job = Case::new("unblockJob", format!("/organizations/acme/pipelines/app/builds/42/jobs/{BLOCK_JOB}/unblock"))
        .json(json!({
            "unblocker": UNBLOCKER,
            "fields": { "release-name": "Flying Dolphin", "environment": "production" }
        }))
        .respond(200, fixture!("job_unblocked.json"))
        .run(|c| c.jobs().unblock("acme", "app", 42, BLOCK_JOB).body(body))
        .await;
    let types::Job::Manual(job) = job else { panic!("an unblocked job is a manual job") };
    assert_eq!(job.state, Some(types::JobState::Unblocked));
    assert_eq!(job.unblocked_by.map(|u| u.id.to_string()).as_deref(), Some(UNBLOCKER));
    assert_eq!(job.unblockable, Some(false));
}

#[tokio::test]
async fn unblock_job_of_another_type() {
    let error = Case::new("unblockJob", build_job("/unblock"))
        .respond_json(400, json!({ "message": "This job type cannot be unblocked" }))
        .run_err(|c| c.jobs().unblock("acme", "app", 42, JOB))
        .await;
    assert!(matches!(
        buildkite_api::operations::jobs::UnblockJobError::from_error(&error),
        Some(buildkite_api::operations::jobs::UnblockJobError::BadRequest(_))
    ));
}

#[tokio::test]
async fn unblock_job_in_organization() {
    let body = types::UnblockJobRequest::new()
        .fields(std::collections::BTreeMap::from([("release-name".to_string(), "Flying Dolphin".to_string())]));
    let job = Case::new("unblockJobInOrganization", format!("/organizations/acme/jobs/{BLOCK_JOB}/unblock"))
        .json(json!({ "fields": { "release-name": "Flying Dolphin" } }))
        .respond(200, fixture!("job_unblocked.json"))
        .run(|c| c.jobs().unblock_in_organization("acme", BLOCK_JOB).body(body))
        .await;
    assert!(matches!(job, types::Job::Manual(m) if m.label.as_deref() == Some(":rocket: Deploy?")));
}

// --- log ------------------------------------------------------------------------------------

/// A job id from a `&Uuid`, a build number from a `u32`.
#[tokio::test]
async fn retry_job_by_uuid() {
    let id: uuid::Uuid = JOB.parse().expect("a UUID");
    let id: &uuid::Uuid = &id;
    let job = Case::new("retryJob", build_job("/retry"))
        .respond(200, fixture!("job_retried.json"))
        .run(|c| c.jobs().retry("acme", "app", 42u32, id))
        .await;
    assert!(matches!(job, types::Job::Script(_)));
}

#[tokio::test]
async fn get_job_log() {
    let log = Case::new("getJobLog", build_job("/log"))
        .respond(200, fixture!("job_log.json"))
        .run(|c| c.jobs().get_log("acme", "app", 42, JOB))
        .await;
    assert_eq!(log.size, 153);
    // Nanosecond times above 2^53 keep every digit (trap 2).
    assert_eq!(log.header_times.as_deref().map(|t| t[1]), Some(1_563_337_899_999_999_999));
}

/// An older log without `header_times` decodes (issue 10).
#[tokio::test]
async fn get_job_log_without_header_times() {
    let log = Case::new("getJobLog", build_job("/log"))
        .respond_json(
            200,
            json!({
                "url": format!("https://api.buildkite.com/v2/organizations/acme/pipelines/app/builds/42/jobs/{JOB}/log"),
                "content": "hello\r\n",
                "size": 7
            }),
        )
        .run(|c| c.jobs().get_log("acme", "app", 42, JOB))
        .await;
    assert_eq!(log.content, "hello\r\n");
    assert_eq!(log.header_times, None);
}

#[tokio::test]
async fn get_job_log_text() {
    let text = Case::new("getJobLog", build_job("/log"))
        .respond_text(200, "~~~ Running tests\r\n\u{1b}[32mok\u{1b}[0m\r\n")
        .run(|c| c.jobs().get_log_text("acme", "app", 42, JOB))
        .await;
    assert!(text.starts_with("~~~ Running tests"));
}

#[tokio::test]
async fn get_job_log_in_organization() {
    let log = Case::new("getJobLogInOrganization", org_job("/log"))
        .respond(200, fixture!("job_log.json"))
        .run(|c| c.jobs().get_log_in_organization("acme", JOB))
        .await;
    assert!(log.content.contains("412 examples"));
}

#[tokio::test]
async fn get_job_log_in_organization_text() {
    let text = Case::new("getJobLogInOrganization", org_job("/log"))
        .respond_text(200, "--- :rspec: Running specs\r\n")
        .run(|c| c.jobs().get_log_in_organization_text("acme", JOB))
        .await;
    assert_eq!(text, "--- :rspec: Running specs\r\n");
}

/// The text log as a stream, read as it arrives, on both routes.
#[tokio::test]
async fn get_job_log_text_streamed() {
    let log = "~~~ Running tests\r\n\u{1b}[32mok\u{1b}[0m\r\n";
    let stream = Case::new("getJobLog", build_job("/log"))
        .respond_text(200, log)
        .run(|c| c.jobs().get_log_text("acme", "app", 42, JOB).send_streamed())
        .await;
    assert_eq!(stream.text().await.expect("the log"), log);
    let mut stream = Case::new("getJobLogInOrganization", org_job("/log"))
        .respond_text(200, log)
        .run(|c| c.jobs().get_log_in_organization_text("acme", JOB).send_streamed())
        .await;
    let mut copy = Vec::new();
    stream.copy_to(&mut copy).await.expect("copied");
    assert_eq!(copy, log.as_bytes());
}

#[tokio::test]
async fn check_job_log() {
    let response = Case::new("checkJobLog", build_job("/log"))
        .respond_empty(200)
        .run(|c| c.jobs().check_log("acme", "app", 42, JOB).send_with_response())
        .await;
    assert_eq!(response.status.as_u16(), 200);
}

#[tokio::test]
async fn check_job_log_in_organization() {
    let response = Case::new("checkJobLogInOrganization", org_job("/log"))
        .respond_empty(200)
        .run(|c| c.jobs().check_log_in_organization("acme", JOB).send_with_response())
        .await;
    assert_eq!(response.status.as_u16(), 200);
}

#[tokio::test]
async fn delete_job_log() {
    Case::new("deleteJobLog", build_job("/log"))
        .respond_empty(204)
        .run(|c| c.jobs().delete_log("acme", "app", 42, JOB))
        .await;
}

#[tokio::test]
async fn delete_job_log_in_organization() {
    Case::new("deleteJobLogInOrganization", org_job("/log"))
        .respond_empty(204)
        .run(|c| c.jobs().delete_log_in_organization("acme", JOB))
        .await;
}

// --- environment ----------------------------------------------------------------------------

#[tokio::test]
async fn get_job_env() {
    let env = Case::new("getJobEnv", build_job("/env"))
        .respond(200, fixture!("job_env.json"))
        .run(|c| c.jobs().get_env("acme", "app", 42, JOB))
        .await;
    assert_eq!(env.env.get("BUILDKITE_JOB_ID").map(String::as_str), Some(JOB));
    assert_eq!(env.env.get("BUILDKITE_TAG").map(String::as_str), Some(""));
}

#[tokio::test]
async fn get_job_env_text() {
    let text = Case::new("getJobEnv", build_job("/env"))
        .respond_text(200, "CI=true\nBUILDKITE=true\nBUILDKITE_BRANCH=main\n")
        .run(|c| c.jobs().get_env_text("acme", "app", 42, JOB))
        .await;
    assert!(text.lines().any(|l| l == "BUILDKITE_BRANCH=main"));
}

#[tokio::test]
async fn get_job_env_in_organization() {
    let env = Case::new("getJobEnvInOrganization", org_job("/env"))
        .respond(200, fixture!("job_env.json"))
        .run(|c| c.jobs().get_env_in_organization("acme", JOB))
        .await;
    assert_eq!(env.env.get("BUILDKITE_PIPELINE_SLUG").map(String::as_str), Some("app"));
}

#[tokio::test]
async fn get_job_env_in_organization_text() {
    let text = Case::new("getJobEnvInOrganization", org_job("/env"))
        .respond_text(200, "CI=true\n")
        .run(|c| c.jobs().get_env_in_organization_text("acme", JOB))
        .await;
    assert_eq!(text, "CI=true\n");
}

// --- remote sessions on hosted agents -------------------------------------------------------

#[tokio::test]
async fn create_job_vnc_session() {
    let session = Case::new("createJobVncSession", org_job("/vnc-session"))
        .respond_json(
            200,
            json!({
                "endpoint": "wss://remote-access.example.invalid",
                "access_token": "short-lived-token",
                "expires_at": "2026-08-19T04:30:00Z",
                "vnc": { "username": "runner", "password": "vnc-password" }
            }),
        )
        .run(|c| c.jobs().create_vnc_session("acme", JOB))
        .await;
    assert_eq!(session.endpoint.as_deref(), Some("wss://remote-access.example.invalid"));
    assert_eq!(session.vnc.and_then(|v| v.username).as_deref(), Some("runner"));
}

#[tokio::test]
async fn create_job_vnc_session_not_hosted() {
    let error = Case::new("createJobVncSession", org_job("/vnc-session"))
        .respond_json(422, json!({ "message": "Job is not running on a macOS hosted agent" }))
        .run_err(|c| c.jobs().create_vnc_session("acme", JOB))
        .await;
    assert!(matches!(
        buildkite_api::operations::jobs::CreateJobVncSessionError::from_error(&error),
        Some(buildkite_api::operations::jobs::CreateJobVncSessionError::UnprocessableEntity(_))
    ));
}

#[tokio::test]
async fn create_job_ssh_session() {
    let session = Case::new("createJobSshSession", org_job("/ssh-session"))
        .respond_json(
            200,
            json!({
                "endpoint": "wss://remote-access.example.invalid",
                "access_token": "short-lived-token",
                "expires_at": "2026-08-19T04:30:00Z",
                "transport": "namespace_ingress",
                "ssh": { "username": "runner", "private_key": "-----BEGIN OPENSSH PRIVATE KEY-----\n...\n-----END OPENSSH PRIVATE KEY-----\n" }
            }),
        )
        .run(|c| c.jobs().create_ssh_session("acme", JOB))
        .await;
    assert_eq!(session.transport.as_deref(), Some("namespace_ingress"));
    assert!(session.ssh.and_then(|s| s.private_key).is_some_and(|k| k.starts_with("-----BEGIN")));
    assert_eq!(session.expires_at.map(|t| t.to_string()).as_deref(), Some("2026-08-19T04:30:00Z"));
}

/// The jobs of a build page by cursor: `.stream()` follows `links.next` as the server gives it
/// (the cursor is opaque) until a page has none.
#[tokio::test]
async fn list_jobs_streams_every_page_by_links_next() {
    use futures_util::TryStreamExt;
    use wiremock::matchers::{method, path, query_param, query_param_is_missing};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let jobs_path = "/organizations/acme/pipelines/app/builds/42/jobs";
    let job = |id: &str| json!({"id": id, "type": "waiter"});
    let first = json!({
        "items": [job("0190ad3c-0000-4b0b-9b5e-3a5d1a8a1f01"), job("0190ad3c-0000-4b0b-9b5e-3a5d1a8a1f02")],
        "links": {"self": format!("{}{jobs_path}", server.uri()), "next": format!("{}{jobs_path}?after=opaque%3D%3D", server.uri())}
    });
    let second = json!({"items": [job("0190ad3c-0000-4b0b-9b5e-3a5d1a8a1f03")], "links": {}});
    Mock::given(method("GET"))
        .and(path(jobs_path))
        .and(query_param("after", "opaque=="))
        .respond_with(ResponseTemplate::new(200).set_body_json(second))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(jobs_path))
        .and(query_param_is_missing("after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .expect(1)
        .mount(&server)
        .await;
    let client =
        buildkite_api::Client::builder().base_url(server.uri()).allow_http(true).bearer_token("t").build().unwrap();
    let jobs: Vec<types::Job> = client.jobs().list("acme", "app", 42).stream().try_collect().await.expect("every page");
    let ids: Vec<String> = jobs.iter().filter_map(|j| j.id()).map(|id| id.to_string()).collect();
    assert_eq!(
        ids,
        [
            "0190ad3c-0000-4b0b-9b5e-3a5d1a8a1f01",
            "0190ad3c-0000-4b0b-9b5e-3a5d1a8a1f02",
            "0190ad3c-0000-4b0b-9b5e-3a5d1a8a1f03"
        ]
    );
}
