//! Builds and their step uploads (spec/overlays/builds.yaml).

use super::*;

const BUILDS: &str = "/organizations/acme/pipelines/app/builds";
const CREATOR: &str = "3d3c3f3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f";
const UPLOAD: &str = "0198f2f4-1c33-4e0a-9d5e-3a4a5b6c7d8e";
const SOURCE_JOB: &str = "0198f2f3-64a2-4a8e-8b78-0d9157a0e35f";

fn timestamp(text: &str) -> buildkite_api::runtime::Timestamp {
    buildkite_api::runtime::Timestamp::parse(text).expect("a valid timestamp")
}

/// The filters every build list takes, set on each list below, as they must arrive.
const FILTER_QUERY: &[(&str, &str)] = &[
    ("state[]", "running"),
    ("state[]", "failing"),
    ("branch[]", "main"),
    ("branch[]", "release/*"),
    ("commit", "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b"),
    ("created_from", "2024-05-01T00:00:00Z"),
    ("created_to", "2024-06-01T00:00:00Z"),
    ("finished_from", "2024-05-02T00:00:00Z"),
    ("creator", CREATOR),
    ("meta_data[release]", "2.4.0"),
    ("include_retried_jobs", "true"),
    ("exclude_jobs", "false"),
    ("exclude_pipeline", "true"),
    ("include_paused", "false"),
    ("page", "2"),
    ("per_page", "50"),
];

/// Sets every filter of FILTER_QUERY on any of the three build lists (they share their setters).
macro_rules! with_filters {
    ($builder:expr) => {
        $builder
            .state([types::BuildStateFilter::Running, types::BuildStateFilter::Failing])
            .branch(["main", "release/*"])
            .commit("9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b")
            .created_from(timestamp("2024-05-01T00:00:00Z"))
            .created_to(timestamp("2024-06-01T00:00:00Z"))
            .finished_from(timestamp("2024-05-02T00:00:00Z"))
            .creator(CREATOR.parse::<uuid::Uuid>().expect("a UUID"))
            .meta_data(std::collections::BTreeMap::from([("release".to_string(), "2.4.0".to_string())]))
            .include_retried_jobs(true)
            .exclude_jobs(false)
            .exclude_pipeline(true)
            .include_paused(false)
            .page(2)
            .per_page(50)
    };
}

#[tokio::test]
async fn list_builds() {
    let builds = Case::new("listBuilds", BUILDS)
        .query(FILTER_QUERY)
        .respond(200, fixture!("builds_list.json"))
        .run(|c| with_filters!(c.builds().list("acme", "app")))
        .await;
    assert_eq!(builds.len(), 2);
    assert_eq!(builds[0].number, 44);
    // A state this client does not know decodes instead of failing the page.
    assert_eq!(builds[0].state.as_str(), "some_future_state");
    assert_eq!(builds[0].author, Some(types::BuildAuthor::String("jane@example.com".into())));
}

#[tokio::test]
async fn list_all_builds() {
    let builds = Case::new("listAllBuilds", "/builds")
        .query(FILTER_QUERY)
        .respond(200, fixture!("build_mixed_jobs.json"))
        .run(|c| with_filters!(c.builds().list_all()))
        .await;
    assert_eq!(builds.iter().map(|b| b.number).collect::<Vec<_>>(), [57, 58]);
}

#[tokio::test]
async fn list_builds_for_organization() {
    let builds = Case::new("listBuildsForOrganization", "/organizations/acme/builds")
        .query(FILTER_QUERY)
        .respond(200, fixture!("builds_list.json"))
        .run(|c| with_filters!(c.builds().list_for_organization("acme")))
        .await;
    assert_eq!(builds[1].state, types::BuildState::Passed);
    assert_eq!(builds[1].branch, "main");
}

/// Deep paging answers 400 with a message (trap 28), decoded by the operation's error enum.
#[tokio::test]
async fn list_builds_for_organization_too_deep() {
    let message = "Listing builds this deep is not supported. Please narrow your query using filters such as branch or created_from.";
    let error = Case::new("listBuildsForOrganization", "/organizations/acme/builds")
        .query(&[("page", "500")])
        .respond_json(400, json!({ "message": message }))
        .run_err(|c| c.builds().list_for_organization("acme").page(500))
        .await;
    match buildkite_api::operations::builds::ListBuildsForOrganizationError::from_error(&error) {
        Some(buildkite_api::operations::builds::ListBuildsForOrganizationError::BadRequest(body)) => {
            assert_eq!(body.message, message)
        }
        other => panic!("expected the documented 400, got {other:?}"),
    }
}

#[tokio::test]
async fn create_build() {
    let body = types::CreateBuildRequest::new("HEAD", "main")
        .message("Nightly :moon:")
        .clean_checkout(true)
        .env(std::collections::BTreeMap::from([("DEPLOY".to_string(), "0".to_string())]))
        .meta_data(std::collections::BTreeMap::from([("release".to_string(), "2.4.0".to_string())]))
        .ignore_pipeline_branch_filters(true)
        .pull_request_id(42)
        .pull_request_labels(vec!["bug".to_string(), "ui".to_string()]);
    let build = Case::new("createBuild", BUILDS)
        .json(json!({
            "commit": "HEAD",
            "branch": "main",
            "message": "Nightly :moon:",
            "clean_checkout": true,
            "env": { "DEPLOY": "0" },
            "meta_data": { "release": "2.4.0" },
            "ignore_pipeline_branch_filters": true,
            "pull_request_id": 42,
            "pull_request_labels": ["bug", "ui"]
        }))
        .respond(201, fixture!("build_created.json"))
        .run(|c| c.builds().create("acme", "app", body))
        .await;
    assert_eq!(build.number, 45);
    assert_eq!(build.state, types::BuildState::Scheduled);
}

#[tokio::test]
async fn create_build_validation_failed() {
    let error = Case::new("createBuild", BUILDS)
        .json(json!({ "commit": "HEAD", "branch": "" }))
        .respond_json(
            422,
            json!({ "message": "Validation Failed", "errors": [{ "field": "branch", "code": "can't be blank" }] }),
        )
        .run_err(|c| c.builds().create("acme", "app", types::CreateBuildRequest::new("HEAD", "")))
        .await;
    match buildkite_api::operations::builds::CreateBuildError::from_error(&error) {
        Some(buildkite_api::operations::builds::CreateBuildError::UnprocessableEntity(body)) => {
            let errors = body.errors.expect("field errors");
            assert_eq!(errors[0].field.as_deref(), Some("branch"));
        }
        other => panic!("expected the documented 422, got {other:?}"),
    }
}

#[tokio::test]
async fn get_build_tag_and_empty_pipeline_creator() {
    // Captured builds carry `tag`, and a pipeline whose creator is gone answers `created_by: {}`:
    // that reads as no creator rather than failing the whole build (issue 24 item 11).
    let mut body: Value = serde_json::from_str(fixture!("build_get.json")).expect("fixture is JSON");
    body["tag"] = json!("v2.4.0");
    body["pipeline"]["created_by"] = json!({});
    let build = Case::new("getBuild", format!("{BUILDS}/42"))
        .respond_json(200, body)
        .run(|c| c.builds().get("acme", "app", 42))
        .await;
    assert_eq!(build.tag.as_deref(), Some("v2.4.0"));
    let pipeline = build.pipeline.expect("pipeline");
    assert_eq!(pipeline.created_by, None);
    assert_eq!(pipeline.name.as_deref(), Some("App"));
}

#[tokio::test]
async fn get_build() {
    let build = Case::new("getBuild", format!("{BUILDS}/42"))
        .query(&[
            ("include_retried_jobs", "true"),
            ("exclude_jobs", "false"),
            ("exclude_pipeline", "false"),
            ("include_test_engine", "true"),
            ("job_states[]", "failed"),
            ("job_states[]", "blocked"),
        ])
        .respond(200, fixture!("build_get.json"))
        .run(|c| {
            c.builds()
                .get("acme", "app", 42)
                .include_retried_jobs(true)
                .exclude_jobs(false)
                .exclude_pipeline(false)
                .include_test_engine(true)
                .job_states([types::JobState::Failed, types::JobState::Blocked])
        })
        .await;
    assert_eq!(build.number, 42);
    let jobs = build.jobs.expect("jobs");
    assert_eq!(jobs.len(), 5);
    assert!(matches!(&jobs[1], types::Job::Waiter(w) if w.state == Some(types::JobState::Passed)));
    assert!(matches!(&jobs[3], types::Job::Manual(m) if m.unblockable == Some(true)));
    assert!(matches!(&jobs[4], types::Job::Trigger(t) if t.r#async == Some(false) && t.triggered_build.is_none()));
    assert!(build.job_state_counts.and_then(|c| c.total).is_some());
}

#[tokio::test]
async fn cancel_build() {
    let build = Case::new("cancelBuild", format!("{BUILDS}/42/cancel"))
        .respond(200, fixture!("build_canceled.json"))
        .run(|c| c.builds().cancel("acme", "app", 42))
        .await;
    assert_eq!(build.state, types::BuildState::Canceling);
}

#[tokio::test]
async fn cancel_finished_build_is_refused() {
    let error = Case::new("cancelBuild", format!("{BUILDS}/41/cancel"))
        .respond_json(422, json!({ "message": "Builds that have finished cannot be canceled" }))
        .run_err(|c| c.builds().cancel("acme", "app", 41))
        .await;
    assert!(matches!(
        buildkite_api::operations::builds::CancelBuildError::from_error(&error),
        Some(buildkite_api::operations::builds::CancelBuildError::UnprocessableEntity(_))
    ));
}

#[tokio::test]
async fn rebuild_build() {
    let build = Case::new("rebuildBuild", format!("{BUILDS}/42/rebuild"))
        .respond(200, fixture!("build_rebuilt.json"))
        .run(|c| c.builds().rebuild("acme", "app", 42))
        .await;
    // A rebuild is a new build (trap 9).
    assert_eq!(build.number, 46);
    assert_eq!(build.rebuilt_from.and_then(|r| r.number), Some(42));
}

#[tokio::test]
async fn retry_failed_jobs() {
    let build = Case::new("retryFailedJobs", format!("{BUILDS}/42/retry_failed_jobs"))
        .json(json!({ "states": "failed,soft_failed" }))
        .respond(202, fixture!("build_retried_failed_jobs.json"))
        .run(|c| {
            c.builds()
                .retry_failed_jobs("acme", "app", 42)
                .body(types::RetryFailedJobsRequest::new().states("failed,soft_failed"))
        })
        .await;
    assert_eq!(build.retried_jobs_count, Some(2));
    assert_eq!(build.blocked_state.as_deref(), Some(""));
}

#[tokio::test]
async fn retry_failed_jobs_without_a_body() {
    let build = Case::new("retryFailedJobs", format!("{BUILDS}/42/retry_failed_jobs"))
        .respond(202, fixture!("build_retried_failed_jobs.json"))
        .run(|c| c.builds().retry_failed_jobs("acme", "app", 42))
        .await;
    assert_eq!(build.number, 42);
}

/// The fields the API sends beyond the documented model (issue 10) decode: `blocked_state`
/// (often `""`), `cluster_id`, `cluster_url`.
#[tokio::test]
async fn build_cluster_and_blocked_state_fields_decode() {
    let builds = Case::new("listBuilds", BUILDS)
        .respond(200, fixture!("build_mixed_jobs.json"))
        .run(|c| c.builds().list("acme", "app"))
        .await;
    assert!(builds[0].blocked == Some(true));
    assert_eq!(builds[0].blocked_state.as_deref(), Some("passed"));
    assert_eq!(builds[0].cluster_id.as_deref(), Some("42f1a7da-812d-4430-93d8-1cc7c33a6bcf"));
    assert_eq!(
        builds[0].cluster_url.as_deref(),
        Some("https://api.buildkite.com/v2/organizations/acme/clusters/42f1a7da-812d-4430-93d8-1cc7c33a6bcf")
    );
    assert_eq!(builds[1].blocked_state.as_deref(), Some(""));
    assert_eq!(builds[1].cluster_id, None);
    // An embedded creator with only `{id, graphql_id}` decodes.
    assert_eq!(builds[1].creator.as_ref().map(|u| u.id.to_string()).as_deref(), Some(CREATOR));
}

// --- step uploads ----------------------------------------------------------------------------

#[tokio::test]
async fn list_step_uploads() {
    let page = Case::new("listStepUploads", format!("{BUILDS}/42/step-uploads"))
        .query(&[("filter[source_job_id]", SOURCE_JOB), ("per_page", "2"), ("after", "MDE5OGYyZjQ")])
        .respond(200, fixture!("step_uploads.json"))
        .run(|c| {
            c.step_uploads().list("acme", "app", 42).filter_source_job_id(SOURCE_JOB).per_page(2).after("MDE5OGYyZjQ")
        })
        .await;
    assert_eq!(page.len(), 2);
    assert_eq!(page[0].state, Some(types::StepUploadState::Applied));
    assert_eq!(page[0].created_jobs_count, Some(3));
    assert_eq!(page[1].rejection_type.as_deref(), Some("validation_error"));
    assert_eq!(page[1].created_jobs_count, None);
    assert!(page.next_url().map(|u| u.to_string()).is_some_and(|next| next.contains("after=")));
}

#[tokio::test]
async fn list_step_uploads_before_cursor() {
    let page = Case::new("listStepUploads", format!("{BUILDS}/42/step-uploads"))
        .query(&[("before", "MDE5OGYyZjI")])
        .respond_json(200, json!({ "items": [], "links": { "self": "https://api.buildkite.com/v2/organizations/acme/pipelines/app/builds/42/step-uploads" } }))
        .run(|c| c.step_uploads().list("acme", "app", 42).before("MDE5OGYyZjI"))
        .await;
    assert!(page.is_empty());
}

#[tokio::test]
async fn get_step_upload() {
    let upload = Case::new("getStepUpload", format!("{BUILDS}/42/step-uploads/{UPLOAD}"))
        .respond(200, fixture!("step_upload.json"))
        .run(|c| c.step_uploads().get("acme", "app", 42, UPLOAD))
        .await;
    assert_eq!(upload.uuid.to_string(), UPLOAD);
    assert_eq!(upload.definition_bytes, Some(61));
    assert!(upload.definition_yaml.is_some_and(|y| y.contains("dynamic-tests")));
}

#[tokio::test]
async fn get_step_upload_of_an_expired_build() {
    let error = Case::new("getStepUpload", format!("{BUILDS}/7/step-uploads/{UPLOAD}"))
        .respond_json(410, json!({ "message": "Gone" }))
        .run_err(|c| c.step_uploads().get("acme", "app", 7, UPLOAD))
        .await;
    assert!(matches!(
        buildkite_api::operations::step_uploads::GetStepUploadError::from_error(&error),
        Some(buildkite_api::operations::step_uploads::GetStepUploadError::Status410(_))
    ));
}

// --- arguments take what users hold ----------------------------------------------------------

/// A build number from a `u64` (or any integer type), a UUID filter from a `&Uuid`, a time
/// filter from a `SystemTime` and another from a `chrono` time with an offset.
#[tokio::test]
async fn arguments_from_other_integer_id_and_time_types() {
    let creator: uuid::Uuid = CREATOR.parse().expect("a UUID");
    // A reference, as one holds an id borrowed from a model.
    let creator: &uuid::Uuid = &creator;
    let from = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_714_521_600);
    let to = chrono::DateTime::parse_from_rfc3339("2024-06-01T02:00:00+02:00").expect("a time");
    let builds = Case::new("listBuilds", BUILDS)
        .query(&[
            ("creator", CREATOR),
            ("created_from", "2024-05-01T00:00:00Z"),
            ("created_to", "2024-06-01T00:00:00Z"),
        ])
        .respond(200, fixture!("builds_list.json"))
        .run(|c| c.builds().list("acme", "app").creator(creator).created_from(from).created_to(to))
        .await;
    assert_eq!(builds.len(), 2);

    let number: u64 = 42;
    let pipeline_slug = String::from("app");
    let pipeline: &String = &pipeline_slug;
    let build = Case::new("getBuild", format!("{BUILDS}/42"))
        .respond(200, fixture!("build_get.json"))
        .run(|c| c.builds().get(String::from("acme"), pipeline, number))
        .await;
    assert!(build.number > 0);
}

/// Values that do not fit fail the call before anything is sent, naming the parameter.
#[tokio::test]
async fn arguments_out_of_range_or_malformed_are_invalid_requests() {
    let client = buildkite_api::Client::builder()
        .base_url("https://api.buildkite.invalid/v2")
        .bearer_token("t")
        .build()
        .expect("a client");
    let error = client.builds().get("acme", "app", u64::MAX).await.unwrap_err();
    assert!(matches!(error, buildkite_api::Error::InvalidRequest(_)), "{error:?}");
    assert_eq!(error.to_string(), "invalid request: parameter `number`: 18446744073709551615 is out of range for i64");
    let error = client.builds().list("acme", "app").creator("not a uuid").await.unwrap_err();
    assert!(error.to_string().contains("parameter `creator`: not a UUID"), "{error}");
    let error = client.builds().list("acme", "app").per_page(-1i64).page(u64::MAX).await.unwrap_err();
    assert!(error.to_string().contains("parameter `page`"), "{error}");
}
