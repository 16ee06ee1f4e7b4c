//! The shapes captured from the real API that decoding once failed on (issue: one field the
//! server leaves out must never fail a page). Each decodes into the typed model, keeping what
//! it carries.

use super::*;
use buildkite_api::types::{AccessToken, Agent, Build, Job, JobLog, JobState, JobType, Pipeline};

const BUILD_ID: &str = "0190ab1c-58e9-4c0b-8f3a-5d6e7f8a9b0c";
const USER_ID: &str = "3d3c3f3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f";

/// A build as the list endpoints send it, with the jobs given.
fn build_with(jobs: Value, extra: Value) -> Value {
    let mut build = json!({
        "id": BUILD_ID, "url": "https://api.buildkite.com/v2/organizations/acme/pipelines/app/builds/7",
        "web_url": "https://buildkite.com/acme/app/builds/7", "number": 7, "state": "passed",
        "commit": "HEAD", "branch": "main", "jobs": jobs, "created_at": "2024-05-01T10:20:30.123Z"
    });
    for (k, v) in extra.as_object().expect("an object") {
        build[k] = v.clone();
    }
    build
}

#[test]
fn a_wait_step_job_of_three_keys_decodes_within_its_build() {
    let waiter = json!({"id": "0190ab1c-0000-4c0b-8f3a-5d6e7f8a9b01", "graphql_id": "Sm9iLS0t", "type": "waiter"});
    let builds: Vec<Build> = serde_json::from_value(json!([build_with(json!([waiter]), json!({}))])).expect("decodes");
    let job = &builds[0].jobs.as_ref().expect("jobs")[0];
    assert!(matches!(job, Job::Waiter(_)), "{job:?}");
    assert_eq!(job.id().map(|id| id.to_string()).as_deref(), Some("0190ab1c-0000-4c0b-8f3a-5d6e7f8a9b01"));
    assert_eq!(job.state(), None);
    assert_eq!(job.r#type(), Some(&JobType::Waiter));
}

#[test]
fn a_page_of_builds_with_every_kind_of_job_and_one_unknown_decodes() {
    let jobs = json!([
        {"id": "0190ab1c-0000-4c0b-8f3a-5d6e7f8a9b01", "type": "script", "state": "passed", "name": ":rust: test",
         "command": "cargo test", "exit_status": 0, "priority": {"number": 0}, "agent_query_rules": ["queue=default"]},
        {"id": "0190ab1c-0000-4c0b-8f3a-5d6e7f8a9b02", "graphql_id": "Sm9iLS0x", "type": "waiter"},
        {"id": "0190ab1c-0000-4c0b-8f3a-5d6e7f8a9b03", "type": "manual", "state": "blocked", "label": "Deploy?",
         "web_url": null, "unblockable": true, "unblocked_by": null},
        {"id": "0190ab1c-0000-4c0b-8f3a-5d6e7f8a9b04", "type": "trigger", "state": "passed", "name": "deploy",
         "async": false, "triggered_build": null},
        {"id": "0190ab1c-0000-4c0b-8f3a-5d6e7f8a9b05", "type": "pipeline_upload", "state": "passed"}
    ]);
    let page: Vec<Build> =
        serde_json::from_value(json!([build_with(jobs, json!({})), build_with(json!([]), json!({"number": 6}))]))
            .expect("the whole page decodes");
    let jobs = page[0].jobs.as_ref().expect("jobs");
    assert!(matches!(&jobs[0], Job::Script(j) if j.command.as_deref() == Some("cargo test")));
    assert!(matches!(&jobs[1], Job::Waiter(_)));
    assert!(matches!(&jobs[2], Job::Manual(j) if j.label.as_deref() == Some("Deploy?") && j.unblockable == Some(true)));
    assert!(matches!(&jobs[3], Job::Trigger(j) if j.r#async == Some(false)));
    // A job type added later is kept as sent, its shared fields still readable by name.
    assert!(matches!(&jobs[4], Job::Unknown(v) if v["type"] == "pipeline_upload"));
    let states: Vec<Option<&JobState>> = jobs.iter().map(Job::state).collect();
    assert_eq!(states, vec![Some(&JobState::Passed), None, Some(&JobState::Blocked), Some(&JobState::Passed), None]);
    assert_eq!(page[1].number, 6);
}

#[test]
fn an_access_token_of_uuid_and_scopes_decodes() {
    let token: AccessToken = serde_json::from_value(json!({
        "uuid": "b63254c0-3271-4a98-8270-7cfbd6c2f14e", "scopes": ["read_builds", "write_builds"]
    }))
    .expect("decodes");
    assert_eq!(token.scopes, ["read_builds", "write_builds"]);
    assert_eq!(token.created_at, None);
}

#[test]
fn an_older_job_log_without_header_times_decodes() {
    let log: JobLog = serde_json::from_value(json!({
        "url": "https://api.buildkite.com/v2/organizations/acme/pipelines/app/builds/7/jobs/x/log",
        "content": "--- :rust: test\nok\n", "size": 19
    }))
    .expect("decodes");
    assert_eq!((log.size, log.header_times), (19, None));
}

#[test]
fn a_minimal_creator_and_an_empty_provider_decode() {
    let pipeline: Pipeline = serde_json::from_value(json!({
        "id": "018f2b5e-7c1a-7d3e-9b2f-4a5c6d7e8f90", "slug": "app", "name": "App",
        "url": "https://api.buildkite.com/v2/organizations/acme/pipelines/app",
        "provider": {}, "created_by": {"id": USER_ID, "graphql_id": "VXNlci0tLQ=="},
        "cluster_url": "https://api.buildkite.com/v2/organizations/acme/clusters/42f1a7da-812d-4430-93d8-1cc7c33a6bcf"
    }))
    .expect("decodes");
    let provider = pipeline.provider.as_ref().expect("a provider");
    assert_eq!((provider.id.as_deref(), provider.webhook_url.as_deref()), (None, None));
    let creator = pipeline.created_by.as_ref().expect("a creator");
    assert_eq!((creator.id.to_string().as_str(), creator.name.as_deref()), (USER_ID, None));
    assert!(pipeline
        .cluster_url
        .as_deref()
        .is_some_and(|u| u.ends_with("/clusters/42f1a7da-812d-4430-93d8-1cc7c33a6bcf")));
    let build: Build = serde_json::from_value(build_with(
        json!([]),
        json!({"creator": {"id": USER_ID, "graphql_id": "VXNlci0tLQ=="}}),
    ))
    .expect("decodes");
    assert_eq!(build.creator.expect("a creator").id.to_string(), USER_ID);
}

#[test]
fn fields_the_api_sends_are_kept() {
    let build: Build = serde_json::from_value(build_with(
        json!([]),
        json!({"blocked_state": "", "cluster_id": "42f1a7da-812d-4430-93d8-1cc7c33a6bcf",
               "cluster_url": "https://api.buildkite.com/v2/organizations/acme/clusters/42f1a7da-812d-4430-93d8-1cc7c33a6bcf"}),
    ))
    .expect("decodes");
    assert_eq!(build.blocked_state.as_deref(), Some(""));
    assert_eq!(build.cluster_id.map(|id| id.to_string()).as_deref(), Some("42f1a7da-812d-4430-93d8-1cc7c33a6bcf"));
    assert!(build.cluster_url.is_some());
    let agent: Agent = serde_json::from_value(json!({
        "id": "0b461f65-e7be-4c80-888a-ef11d81fd971", "name": "builder-1", "connection_state": "connected",
        "cluster_url": "https://api.buildkite.com/v2/organizations/acme/clusters/c",
        "cluster_queue_url": "https://api.buildkite.com/v2/organizations/acme/clusters/c/queues/q"
    }))
    .expect("decodes");
    assert!(
        agent.cluster_url.is_some() && agent.cluster_queue_url.as_deref().is_some_and(|u| u.ends_with("/queues/q"))
    );
}

#[test]
fn a_job_reads_the_same_from_text_and_from_a_value_whatever_the_tag_order() {
    // The keys before the tag are kept and handed to the variant; an unknown, missing or
    // non-string tag, or a job that is not an object, keeps the whole value as sent.
    let cases = [
        json!({"id": "0190ab1c-0000-4c0b-8f3a-5d6e7f8a9b01", "name": "test", "command": "make", "type": "script", "state": "passed"}),
        json!({"type": "script", "command": "make", "id": "0190ab1c-0000-4c0b-8f3a-5d6e7f8a9b02"}),
        json!({"command": "make", "label": "x", "type": "manual", "unblockable": true, "id": "0190ab1c-0000-4c0b-8f3a-5d6e7f8a9b03"}),
        json!({"id": "0190ab1c-0000-4c0b-8f3a-5d6e7f8a9b05", "state": "passed", "type": "pipeline_upload", "extra": [1, {"a": null}]}),
        json!({"id": "0190ab1c-0000-4c0b-8f3a-5d6e7f8a9b06", "state": "passed"}),
        json!({"type": 7, "state": "passed"}),
        json!("a job as a string"),
        json!(null),
        json!([1, 2]),
    ];
    for case in cases {
        let from_text: Job = serde_json::from_str(&case.to_string()).expect("decodes from text");
        let from_value: Job = serde_json::from_value(case.clone()).expect("decodes from a value");
        assert_eq!(from_text, from_value, "{case}");
        let known = case.get("type").and_then(Value::as_str).is_some_and(|t| ["script", "manual"].contains(&t));
        match &from_text {
            Job::Unknown(kept) => {
                assert!(!known, "{case}");
                assert_eq!(kept, &case, "an unknown job is kept whole");
            }
            Job::Script(j) => assert_eq!(j.command.as_deref(), Some("make"), "{case}"),
            Job::Manual(j) => {
                assert_eq!((j.label.as_deref(), j.unblockable), (Some("x"), Some(true)), "{case}")
            }
            other => panic!("{case} read as {other:?}"),
        }
    }
    // A property of the wrong type inside a known variant fails, before or after the tag.
    let id = r#""id": "0190ab1c-0000-4c0b-8f3a-5d6e7f8a9b01""#;
    for bad in [
        format!(r#"{{"exit_status": "zero", "type": "script", {id}}}"#),
        format!(r#"{{{id}, "type": "script", "exit_status": "zero"}}"#),
    ] {
        let error = serde_json::from_str::<Job>(&bad).expect_err("a string is not an exit status");
        assert!(error.to_string().contains("invalid type"), "{bad}: {error}");
    }
}
