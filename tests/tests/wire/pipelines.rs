//! Pipelines: list, create, get, update, delete, archive and unarchive, the GitHub webhook
//! endpoints, and pipeline schedules.

use super::*;

const PIPELINE_ID: &str = "018f2b5e-7c1a-7d3e-9b2f-4a5c6d7e8f90";
const CLUSTER_ID: &str = "42f1a7da-812d-4430-93d8-1cc7c33a6bcf";
const TEAM_ID: &str = "14e9501c-69fe-4cda-ae07-daea9ca3afd3";
const SCHEDULE_ID: &str = "0190c4d2-8e1f-7a3b-9c5d-6e7f8a9b0c1d";

// --- pipelines ----------------------------------------------------------------------------

#[tokio::test]
async fn list_pipelines() {
    let pipelines = Case::new("listPipelines", "/organizations/acme/pipelines")
        .query(&[("name", "app"), ("repository", "github.com/acme"), ("page", "2"), ("per_page", "25")])
        .respond(200, fixture!("pipelines_list.json"))
        .run(|c| c.pipelines().list("acme").name("app").repository("github.com/acme").page(2).per_page(25))
        .await;
    assert_eq!(pipelines.len(), 2);
    assert_eq!(pipelines[0].id.to_string(), PIPELINE_ID);
    assert_eq!(pipelines[1].slug, "app-legacy");
    assert_eq!(pipelines[1].archived_at.as_ref().map(|t| t.to_string()).as_deref(), Some("2024-01-31T23:59:59Z"));
}

#[tokio::test]
async fn create_pipeline() {
    let cluster: uuid::Uuid = CLUSTER_ID.parse().expect("a UUID");
    let pipeline = Case::new("createPipeline", "/organizations/acme/pipelines")
        .json(json!({
            "name": "Payments",
            "repository": "git@github.com:acme/payments.git",
            "cluster_id": CLUSTER_ID,
            "configuration": "steps:\n  - command: make test\n",
            "default_branch": "main",
            "skip_queued_branch_builds": true,
            "provider_settings": {"build_pull_requests": true, "trigger_mode": "code"},
            "tags": ["ci"],
            "teams": {(TEAM_ID): "manage_build_and_read"},
            "visibility": "private"
        }))
        .respond(201, fixture!("pipeline_created.json"))
        .run(|c| {
            c.pipelines().create(
                "acme",
                types::CreatePipelineRequest::new("Payments", "git@github.com:acme/payments.git", cluster)
                    .configuration("steps:\n  - command: make test\n")
                    .default_branch("main")
                    .skip_queued_branch_builds(true)
                    .provider_settings(
                        types::ProviderSettings::new()
                            .build_pull_requests(true)
                            .trigger_mode(types::ProviderTriggerMode::Code),
                    )
                    .tags(vec!["ci".to_string()])
                    .teams(std::collections::BTreeMap::from([(
                        TEAM_ID.to_string(),
                        types::PipelineTeamAccessLevel::ManageBuildAndRead,
                    )]))
                    .visibility(types::PipelineVisibility::Private),
            )
        })
        .await;
    assert_eq!(pipeline.slug, "payments");
    assert_eq!(pipeline.cluster_id.map(|u| u.to_string()).as_deref(), Some(CLUSTER_ID));
    assert_eq!(pipeline.created_at.map(|t| t.to_string()).as_deref(), Some("2024-05-05T14:15:16Z"));
}

#[tokio::test]
async fn create_pipeline_validation_error() {
    let cluster: uuid::Uuid = CLUSTER_ID.parse().expect("a UUID");
    let error = Case::new("createPipeline", "/organizations/acme/pipelines")
        .json(json!({"name": "Payments", "repository": "git@github.com:acme/payments.git", "cluster_id": CLUSTER_ID}))
        .respond_json(
            422,
            json!({"message": "Validation Failed", "errors": [{"field": "configuration", "code": "Step configuration is missing"}]}),
        )
        .run_err(|c| {
            c.pipelines().create("acme", types::CreatePipelineRequest::new("Payments", "git@github.com:acme/payments.git", cluster))
        })
        .await;
    match buildkite_api::operations::pipelines::CreatePipelineError::from_error(&error) {
        Some(buildkite_api::operations::pipelines::CreatePipelineError::UnprocessableEntity(body)) => {
            let errors = body.errors.expect("field errors");
            assert_eq!(errors[0].field.as_deref(), Some("configuration"));
        }
        other => panic!("expected a 422 body, got {other:?}"),
    }
}

#[tokio::test]
async fn get_pipeline() {
    let pipeline = Case::new("getPipeline", "/organizations/acme/pipelines/app")
        .respond(200, fixture!("pipeline_get.json"))
        .run(|c| c.pipelines().get("acme", "app"))
        .await;
    assert_eq!(pipeline.name.as_deref(), Some("App"));
    assert_eq!(pipeline.cluster_id, None);
    let settings = pipeline.provider.and_then(|p| p.settings).expect("provider settings");
    assert_eq!(settings.issue_comment_match_mode, Some(types::CommentMatchMode::Exact));
    assert_eq!(settings.repository.as_deref(), Some("acme/app"));
    assert_eq!(pipeline.steps.expect("steps")[0].r#type, types::JobType::Script);
}

#[tokio::test]
async fn update_pipeline() {
    let cluster: uuid::Uuid = CLUSTER_ID.parse().expect("a UUID");
    let pipeline = Case::new("updatePipeline", "/organizations/acme/pipelines/app")
        .json(json!({
            "name": "App v2",
            "slug": "app",
            "description": "Main application, v2 pipeline",
            "cluster_id": CLUSTER_ID,
            "branch_configuration": "main release/*",
            "pipeline_template_uuid": null
        }))
        .respond(200, fixture!("pipeline_updated.json"))
        .run(|c| {
            c.pipelines().update(
                "acme",
                "app",
                types::UpdatePipelineRequest::new()
                    .name("App v2")
                    .slug("app")
                    .description("Main application, v2 pipeline")
                    .cluster_id(cluster)
                    .branch_configuration("main release/*")
                    .clear_pipeline_template_uuid(),
            )
        })
        .await;
    assert_eq!(pipeline.name.as_deref(), Some("App v2"));
    assert_eq!(pipeline.branch_configuration.as_deref(), Some("main release/*"));
}

#[tokio::test]
async fn delete_pipeline() {
    Case::new("deletePipeline", "/organizations/acme/pipelines/app")
        .respond_empty(204)
        .run(|c| c.pipelines().delete("acme", "app"))
        .await;
}

#[tokio::test]
async fn archive_pipeline() {
    let pipeline = Case::new("archivePipeline", "/organizations/acme/pipelines/app/archive")
        .respond(200, fixture!("pipeline_archived.json"))
        .run(|c| c.pipelines().archive("acme", "app"))
        .await;
    assert_eq!(pipeline.archived_at.map(|t| t.to_string()).as_deref(), Some("2024-06-01T08:23:35Z"));
    assert_eq!(
        pipeline.cluster_url.as_deref(),
        Some("https://api.buildkite.com/v2/organizations/acme/clusters/42f1a7da-812d-4430-93d8-1cc7c33a6bcf")
    );
    // `provider: {}` and a creator reduced to `{id, graphql_id}` both decode.
    let provider = pipeline.provider.expect("provider");
    assert!(provider.id.is_none() && provider.settings.is_none());
    let creator = pipeline.created_by.expect("created_by");
    assert_eq!(creator.id.to_string(), "3d3c3f3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f");
    assert!(creator.name.is_none() && creator.email.is_none());
}

#[tokio::test]
async fn unarchive_pipeline() {
    let pipeline = Case::new("unarchivePipeline", "/organizations/acme/pipelines/app/unarchive")
        .respond(200, fixture!("pipeline_updated.json"))
        .run(|c| c.pipelines().unarchive("acme", "app"))
        .await;
    assert_eq!(pipeline.archived_at, None);
    assert_eq!(pipeline.slug, "app");
}

#[tokio::test]
async fn create_pipeline_webhook() {
    let body = Case::new("createPipelineWebhook", "/organizations/acme/pipelines/app/webhook")
        .respond_empty(201)
        .run(|c| c.pipelines().create_webhook("acme", "app"))
        .await;
    assert_eq!(body, buildkite_api::runtime::UntypedBody::Empty);
}

#[tokio::test]
async fn get_pipeline_github_webhook_processing() {
    let state = Case::new("getPipelineGithubWebhookProcessing", "/organizations/acme/pipelines/app/github-webhooks")
        .respond(200, fixture!("github_webhook_processing.json"))
        .run(|c| c.pipelines().get_github_webhook_processing("acme", "app"))
        .await;
    assert!(state.enabled);
    assert_eq!(state.disabled_by, None);
}

#[tokio::test]
async fn enable_pipeline_github_webhook_processing() {
    let state = Case::new("enablePipelineGithubWebhookProcessing", "/organizations/acme/pipelines/app/github-webhooks")
        .respond(200, fixture!("github_webhook_processing.json"))
        .run(|c| c.pipelines().enable_github_webhook_processing("acme", "app"))
        .await;
    assert!(state.enabled);
    assert_eq!(state.disabled_at, None);
}

#[tokio::test]
async fn disable_pipeline_github_webhook_processing() {
    // A DELETE that answers 200 with a body.
    let state =
        Case::new("disablePipelineGithubWebhookProcessing", "/organizations/acme/pipelines/app/github-webhooks")
            .respond(200, fixture!("github_webhook_processing_disabled.json"))
            .run(|c| c.pipelines().disable_github_webhook_processing("acme", "app"))
            .await;
    assert!(!state.enabled);
    assert_eq!(state.disabled_by.as_deref(), Some("Jane Doe"));
    assert_eq!(state.disabled_at.map(|t| t.to_string()).as_deref(), Some("2024-05-10T09:30:00Z"));
}

// --- pipeline schedules -------------------------------------------------------------------

#[tokio::test]
async fn list_pipeline_schedules() {
    let schedules = Case::new("listPipelineSchedules", "/organizations/acme/pipelines/app/schedules")
        .query(&[("page", "1"), ("per_page", "5")])
        .respond(200, fixture!("pipeline_schedules.json"))
        .run(|c| c.pipeline_schedules().list("acme", "app").page(1).per_page(5))
        .await;
    assert_eq!(schedules.len(), 2);
    assert_eq!(schedules[0].id.to_string(), SCHEDULE_ID);
    assert_eq!(schedules[1].cronline, "@hourly");
    assert_eq!(schedules[1].message, None);
    assert_eq!(schedules[1].failed_message.as_deref(), Some("Pipeline is archived"));
}

#[tokio::test]
async fn create_pipeline_schedule() {
    let schedule = Case::new("createPipelineSchedule", "/organizations/acme/pipelines/app/schedules")
        .json(json!({
            "cronline": "@daily",
            "label": "Nightly",
            "message": "Nightly build",
            "branch": "main",
            "env": {"DEPLOY_ENV": "staging"},
            "enabled": true
        }))
        .respond(201, fixture!("pipeline_schedule.json"))
        .run(|c| {
            c.pipeline_schedules().create(
                "acme",
                "app",
                types::CreatePipelineScheduleRequest::new("@daily")
                    .label("Nightly")
                    .message("Nightly build")
                    .branch("main")
                    .env(std::collections::BTreeMap::from([("DEPLOY_ENV".to_string(), "staging".to_string())]))
                    .enabled(true),
            )
        })
        .await;
    assert_eq!(schedule.id.to_string(), SCHEDULE_ID);
    assert_eq!(schedule.next_build_at.map(|t| t.to_string()).as_deref(), Some("2024-05-02T00:00:00Z"));
}

#[tokio::test]
async fn get_pipeline_schedule() {
    let schedule =
        Case::new("getPipelineSchedule", format!("/organizations/acme/pipelines/app/schedules/{SCHEDULE_ID}"))
            .respond(200, fixture!("pipeline_schedule.json"))
            .run(|c| c.pipeline_schedules().get("acme", "app", SCHEDULE_ID))
            .await;
    assert_eq!(schedule.label.as_deref(), Some("Nightly"));
    assert_eq!(schedule.env.and_then(|e| e.get("DEPLOY_ENV").cloned()).as_deref(), Some("staging"));
    // The embedded pipeline is reduced to `{id, slug, url}`.
    let pipeline = schedule.pipeline.expect("pipeline");
    assert_eq!(pipeline.slug, "app");
    assert_eq!(pipeline.name, None);
}

#[tokio::test]
async fn update_pipeline_schedule() {
    let schedule =
        Case::new("updatePipelineSchedule", format!("/organizations/acme/pipelines/app/schedules/{SCHEDULE_ID}"))
            .json(json!({"cronline": "0 3 * * 1-5", "enabled": false}))
            .respond(200, fixture!("pipeline_schedule_updated.json"))
            .run(|c| {
                c.pipeline_schedules().update(
                    "acme",
                    "app",
                    SCHEDULE_ID,
                    types::UpdatePipelineScheduleRequest::new().cronline("0 3 * * 1-5").enabled(false),
                )
            })
            .await;
    assert_eq!(schedule.enabled, Some(false));
    assert_eq!(schedule.next_build_at, None);
    assert_eq!(schedule.created_by.expect("created_by").name, None);
}

#[tokio::test]
async fn delete_pipeline_schedule() {
    Case::new("deletePipelineSchedule", format!("/organizations/acme/pipelines/app/schedules/{SCHEDULE_ID}"))
        .respond_empty(204)
        .run(|c| c.pipeline_schedules().delete("acme", "app", SCHEDULE_ID))
        .await;
}

#[tokio::test]
#[allow(deprecated)]
async fn update_pipeline_schedule_with_patch() {
    let schedule = Case::new(
        "updatePipelineScheduleWithPatch",
        format!("/organizations/acme/pipelines/app/schedules/{SCHEDULE_ID}"),
    )
    .json(json!({"enabled": false}))
    .respond(200, fixture!("pipeline_schedule_updated.json"))
    .run(|c| {
        c.pipeline_schedules().update_with_patch(
            "acme",
            "app",
            SCHEDULE_ID,
            types::UpdatePipelineScheduleRequest::new().enabled(false),
        )
    })
    .await;
    assert_eq!(schedule.enabled, Some(false));
}
