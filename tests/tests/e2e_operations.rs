//! End-to-end tests of every operation of the generated Buildkite client against a loopback
//! wiremock server.
//!
//! Each test serves a realistic body (shaped as `shared/BUILDKITE.md` documents it, fixtures in
//! `fixtures/operations/`) for ANY request, then inspects the one request that arrived: method,
//! exact path, credentials, raw query string and JSON body. Serving every request (instead of
//! matching strictly) means a wrong path or query shows up as a precise assertion failure rather
//! than as an opaque 404 from the mock server.

use std::collections::BTreeMap;

use buildkite_api::runtime::Timestamp;
use buildkite_api::types;
use buildkite_api::{Client, Error};
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "test-token";

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("fixtures/operations/", $name))
    };
}

/// A `uuid::Uuid` from its text. The tests crate has no direct `uuid` dependency, so the type is
/// inferred from a UUID field of a generated model.
macro_rules! uuid {
    ($text:expr) => {
        serde_json::from_value::<types::User>(json!({ "id": $text, "name": "uuid holder" })).expect("a valid UUID").id
    };
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A loopback server answering every request with `response`, and a client pointed at it.
async fn serve(response: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(response).mount(&server).await;
    let client = Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .bearer_token(TOKEN)
        .build()
        .expect("the client builds");
    (server, client)
}

fn json_response(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body, "application/json; charset=utf-8")
}

fn no_content() -> ResponseTemplate {
    ResponseTemplate::new(204)
}

/// The one request the server received (fails if there were zero or several).
async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("request recording is on");
    let seen: Vec<String> = requests.iter().map(|r| format!("{} {}", r.method, r.url)).collect();
    assert_eq!(requests.len(), 1, "expected exactly one request, got {seen:?}");
    requests.remove(0)
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().expect("an ASCII header value"))
}

fn assert_route(request: &Request, method: &str, path: &str) {
    assert_eq!(request.method.as_str(), method, "HTTP method of {}", request.url);
    assert_eq!(request.url.path(), path, "path of the request");
}

fn assert_bearer(request: &Request) {
    let values: Vec<_> = request.headers.get_all("authorization").iter().collect();
    assert_eq!(values.len(), 1, "exactly one Authorization header, got {values:?}");
    assert_eq!(header(request, "authorization"), Some("Bearer test-token"));
}

fn assert_accepts_json(request: &Request) {
    assert_eq!(header(request, "accept"), Some("application/json"), "Accept header");
}

fn assert_no_query(request: &Request) {
    assert_eq!(request.url.query().unwrap_or(""), "", "no query string expected on {}", request.url);
}

fn assert_no_body(request: &Request) {
    assert!(request.body.is_empty(), "no request body expected, got {:?}", String::from_utf8_lossy(&request.body));
    assert_eq!(header(request, "content-type"), None, "no Content-Type without a body");
}

fn assert_json_body(request: &Request, expected: Value) {
    let content_type = header(request, "content-type").expect("a Content-Type header");
    assert!(content_type.starts_with("application/json"), "Content-Type is {content_type}");
    let sent: Value = serde_json::from_slice(&request.body).expect("the request body is JSON");
    assert_eq!(sent, expected, "request body");
}

/// Decodes `application/x-www-form-urlencoded` text: `%XX` escapes, and `+` as a space (as Rails
/// reads query strings).
fn form_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII");
                out.push(u8::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("bad escape %{hex} in {raw}")));
                i += 3;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("UTF-8 after decoding")
}

/// The query as `(raw name, decoded value)` pairs, in order. Names are NOT decoded: Rails-style
/// names such as `state[]` and `meta_data[release]` must arrive with literal brackets.
fn query_pairs(request: &Request) -> Vec<(String, String)> {
    let Some(query) = request.url.query() else { return Vec::new() };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (name.to_string(), form_decode(value)),
            None => (pair.to_string(), String::new()),
        })
        .collect()
}

/// The query, grouped by raw name; values of one name keep their order.
fn query_map(request: &Request) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in query_pairs(request) {
        map.entry(name).or_default().push(value);
    }
    map
}

fn expected_query(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in pairs {
        map.entry(name.to_string()).or_default().push(value.to_string());
    }
    map
}

fn assert_query(request: &Request, pairs: &[(&str, &str)]) {
    assert_eq!(query_map(request), expected_query(pairs), "query of {}", request.url);
}

/// RFC 3339 text of a decoded timestamp (UTC, `Z`, fraction only when non-zero).
fn rfc3339(t: &Timestamp) -> String {
    t.to_string()
}

fn opt_rfc3339(t: &Option<Timestamp>) -> Option<String> {
    t.as_ref().map(rfc3339)
}

fn api_error(result: Result<impl std::fmt::Debug, Error>) -> Box<buildkite_api::runtime::ApiError> {
    match result {
        Err(Error::Api(e)) => e,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// User, access token, meta, organizations
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_current_user() {
    let (server, client) = serve(json_response(200, fixture!("user.json"))).await;

    let user = client.user().get_current().await.expect("getCurrentUser succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/user");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_query(&request);
    assert_no_body(&request);

    assert_eq!(user.id.to_string(), "3d3c3f3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f");
    assert_eq!(user.graphql_id.as_deref(), Some("VXNlci0tLTNkM2MzZjNlLTFiMmEtNGM1ZC04ZTlmLTBhMWIyYzNkNGU1Zg=="));
    assert_eq!(user.name.as_deref(), Some("Jane Doe"));
    assert_eq!(user.email.as_deref(), Some("jane@example.com"));
    assert_eq!(user.avatar_url.as_deref(), Some("https://www.gravatar.com/avatar/6c3e1c7f0b1a4d2e9f8a7b6c5d4e3f2a"));
    let created = user.created_at.expect("created_at decoded");
    assert_eq!(rfc3339(&created), "2023-11-02T08:15:00.123Z");
    assert_eq!(created.time().expect("a date-time").timestamp_subsec_millis(), 123, "milliseconds kept");
}

#[tokio::test]
async fn get_access_token_with_legacy_timestamp_and_null_expiry() {
    let (server, client) = serve(json_response(200, fixture!("access_token.json"))).await;

    let token = client.access_token().get().await.expect("getAccessToken succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/access-token");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_query(&request);

    assert_eq!(token.uuid.to_string(), "b63254c0-3271-4a98-8270-7cfbd6c2f14e");
    assert_eq!(token.scopes, ["read_builds", "write_builds", "read_pipelines", "read_build_logs"]);
    assert_eq!(token.description.as_deref(), Some("CI automation"));
    // `2024-05-01 10:20:30 UTC` (BUILDKITE.md 1.7, trap 3).
    let created = token.created_at.expect("created_at decoded");
    assert_eq!(rfc3339(&created), "2024-05-01T10:20:30Z");
    assert_eq!(created.time().expect("a date-time").timestamp(), 1_714_558_830);
    assert_eq!(token.expires_at, None, "null expires_at");
    let user = token.user.expect("user decoded");
    assert_eq!(user.name.as_deref(), Some("Jane Doe"));
    assert_eq!(user.email.as_deref(), Some("jane@example.com"));
}

#[tokio::test]
async fn revoke_access_token_returns_unit_on_204() {
    let (server, client) = serve(no_content()).await;

    let response = client.access_token().revoke().send_with_response().await.expect("revokeAccessToken succeeds");
    let () = response.value;
    assert_eq!(response.status.as_u16(), 204);

    let request = only_request(&server).await;
    assert_route(&request, "DELETE", "/access-token");
    assert_bearer(&request);
    assert_no_query(&request);
    assert_no_body(&request);

    // The plain `.await` form also yields `()`.
    let (_server, client) = serve(no_content()).await;
    let () = client.access_token().revoke().await.expect("revokeAccessToken succeeds");
}

#[tokio::test]
async fn get_meta_sends_no_credentials() {
    let (server, client) = serve(json_response(200, fixture!("meta.json"))).await;

    let meta = client.meta().get().await.expect("getMeta succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/meta");
    // `security: []`: the configured token must not be sent.
    assert_eq!(header(&request, "authorization"), None, "getMeta must not send the bearer token");
    assert!(!request.url.as_str().contains(TOKEN), "the token must not leak into the URL");
    assert_accepts_json(&request);
    assert_no_query(&request);

    // Entries are CIDR ranges or bare addresses (BUILDKITE.md 3.3, trap 38).
    assert_eq!(meta.webhook_ips, ["192.0.2.0/24", "198.51.100.12", "203.0.113.128/25"]);
}

#[tokio::test]
async fn list_organizations_with_paging() {
    let (server, client) = serve(json_response(200, fixture!("organizations_list.json"))).await;

    let orgs = client.organizations().list().page(2).per_page(50).await.expect("listOrganizations succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_query(&request, &[("page", "2"), ("per_page", "50")]);

    assert_eq!(orgs.len(), 2);
    assert_eq!(orgs[0].id.to_string(), "7a1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d");
    assert_eq!(orgs[0].slug, "acme");
    assert_eq!(orgs[0].name.as_deref(), Some("ACME Inc."));
    assert_eq!(orgs[0].url, "https://api.buildkite.com/v2/organizations/acme");
    assert_eq!(orgs[0].web_url, "https://buildkite.com/acme");
    assert_eq!(orgs[0].pipelines_url.as_deref(), Some("https://api.buildkite.com/v2/organizations/acme/pipelines"));
    assert_eq!(orgs[0].agents_url.as_deref(), Some("https://api.buildkite.com/v2/organizations/acme/agents"));
    assert_eq!(orgs[0].emojis_url.as_deref(), Some("https://api.buildkite.com/v2/organizations/acme/emojis"));
    assert_eq!(orgs[0].repository, None);
    assert_eq!(opt_rfc3339(&orgs[0].created_at).as_deref(), Some("2015-04-01T12:00:00Z"));
    assert_eq!(orgs[1].slug, "acme-oss");
    assert_eq!(opt_rfc3339(&orgs[1].created_at).as_deref(), Some("2019-09-09T09:09:09.999Z"));
}

#[tokio::test]
async fn get_organization() {
    let (server, client) = serve(json_response(200, fixture!("organization.json"))).await;

    let org = client.organizations().get("acme").await.expect("getOrganization succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations/acme");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_query(&request);

    assert_eq!(org.id.to_string(), "7a1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d");
    assert_eq!(org.graphql_id.as_deref(), Some("T3JnYW5pemF0aW9uLS0tN2ExYzJkM2UtNGY1MC00YTZiLThjN2QtOWUwZjFhMmIzYzRk"));
    assert_eq!(org.slug, "acme");
    assert_eq!(org.name.as_deref(), Some("ACME Inc."));
    assert_eq!(opt_rfc3339(&org.created_at).as_deref(), Some("2015-04-01T12:00:00Z"));
}

// ---------------------------------------------------------------------------------------------
// Pipelines
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_pipelines_with_filters_steps_and_legacy_timestamps() {
    let (server, client) = serve(json_response(200, fixture!("pipelines_list.json"))).await;

    let pipelines = client
        .pipelines()
        .list("acme")
        .name("app")
        .repository("github.com/acme/app")
        .per_page(100)
        .await
        .expect("listPipelines succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations/acme/pipelines");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_query(&request, &[("name", "app"), ("repository", "github.com/acme/app"), ("per_page", "100")]);

    assert_eq!(pipelines.len(), 2);
    let visual = &pipelines[0];
    assert_eq!(visual.slug, "app");
    assert_eq!(visual.description.as_deref(), Some("Main application"));
    assert_eq!(visual.cluster_id.map(|id| id.to_string()).as_deref(), Some("42f1a7da-812d-4430-93d8-1cc7c33a6bcf"));
    assert_eq!(visual.branch_configuration.as_deref(), Some("main release/*"));
    assert_eq!(visual.skip_queued_branch_builds, Some(true));
    assert_eq!(visual.tags.as_deref(), Some(&[":ruby:".to_string(), "backend".to_string()][..]));
    assert_eq!(visual.visibility, Some(types::PipelineVisibility::Private));
    assert_eq!(opt_rfc3339(&visual.created_at).as_deref(), Some("2023-06-15T09:30:00Z"));
    assert_eq!(visual.archived_at, None);
    assert_eq!(visual.configuration, None, "visual-steps pipelines have no configuration");
    let provider = visual.provider.as_ref().expect("provider");
    assert_eq!(provider.id.as_deref(), Some("github"));
    assert_eq!(provider.webhook_url.as_deref(), Some(""), "empty string, not null (trap 4)");
    assert_eq!(provider.settings, Some(Box::default()), "`{{}}` settings");

    let steps = visual.steps.as_ref().expect("steps");
    assert_eq!(steps.len(), 4);
    assert_eq!(steps[0].r#type, types::JobType::Script);
    assert_eq!(steps[0].name.as_deref(), Some(":rspec: Unit tests"));
    assert_eq!(steps[0].command.as_deref(), Some("bundle exec rspec"));
    assert_eq!(steps[0].artifact_paths.as_deref(), Some("coverage/**/*"));
    assert_eq!(steps[0].timeout_in_minutes, Some(30));
    assert_eq!(steps[0].parallelism, Some(4));
    assert_eq!(steps[0].concurrency, None);
    assert_eq!(steps[0].agent_query_rules.as_deref(), Some(&["queue=default".to_string()][..]));
    assert_eq!(steps[0].env.as_ref().and_then(|e| e.get("RAILS_ENV")), Some(&json!("test")));
    assert_eq!(steps[1].r#type, types::JobType::Waiter);
    assert_eq!(steps[2].r#type, types::JobType::Manual);
    assert_eq!(steps[2].label.as_deref(), Some(":rocket: Release?"));
    assert_eq!(steps[3].r#type, types::JobType::Trigger);
    assert_eq!(steps[3].pipeline.as_deref(), Some("app-deploy"));
    assert_eq!(steps[3].r#async, Some(true));
    let trigger_build = steps[3].build.as_ref().expect("trigger build attributes");
    assert_eq!(trigger_build.message.as_deref(), Some("Deploy ${BUILDKITE_COMMIT}"));
    assert_eq!(trigger_build.branch.as_deref(), Some("main"));
    assert_eq!(trigger_build.commit, None);

    let yaml = &pipelines[1];
    assert_eq!(yaml.slug, "app-legacy");
    assert_eq!(yaml.id.to_string(), "018e9c41-2222-7333-8444-555566667777");
    assert_eq!(yaml.description, None);
    assert_eq!(yaml.cluster_id, None);
    assert_eq!(yaml.visibility, Some(types::PipelineVisibility::Public));
    assert_eq!(opt_rfc3339(&yaml.created_at).as_deref(), Some("2021-02-03T04:05:06Z"));
    assert_eq!(opt_rfc3339(&yaml.archived_at).as_deref(), Some("2024-01-31T23:59:59Z"));
    assert_eq!(yaml.configuration.as_deref(), Some("steps:\n  - command: make test\n"));
    assert_eq!(yaml.steps, None);
    assert_eq!(yaml.provider.as_ref().and_then(|p| p.settings.as_ref()), None, "absent settings");
}

#[tokio::test]
async fn create_pipeline_sends_body_and_decodes_201() {
    let (server, client) = serve(json_response(201, fixture!("pipeline_created.json"))).await;
    let team = "9e8d7c6b-5a49-4382-a716-a5b4c3d2e1f0";
    let cluster_id = uuid!("42f1a7da-812d-4430-93d8-1cc7c33a6bcf");
    let mut body = types::CreatePipelineRequest::new("Payments", "git@github.com:acme/payments.git", cluster_id)
        .configuration("steps:\n  - command: make test\n")
        .default_branch("main")
        .skip_queued_branch_builds(true)
        .tags(vec!["ci".to_string()])
        .teams(BTreeMap::from([(team.to_string(), types::PipelineTeamAccessLevel::BuildAndRead)]))
        .visibility(types::PipelineVisibility::Private)
        .provider_settings(
            types::ProviderSettings::new().build_pull_requests(true).trigger_mode(types::ProviderTriggerMode::Code),
        );
    // The required fields again, by name, so the test does not hinge on the constructor's
    // argument order (two of them are plain strings).
    body.name = "Payments".to_string();
    body.repository = "git@github.com:acme/payments.git".to_string();
    body.cluster_id = cluster_id;

    let response = client.pipelines().create("acme", body).send_with_response().await.expect("createPipeline succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "POST", "/organizations/acme/pipelines");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_query(&request);
    assert_json_body(
        &request,
        json!({
            "name": "Payments",
            "repository": "git@github.com:acme/payments.git",
            "cluster_id": "42f1a7da-812d-4430-93d8-1cc7c33a6bcf",
            "configuration": "steps:\n  - command: make test\n",
            "default_branch": "main",
            "skip_queued_branch_builds": true,
            "tags": ["ci"],
            "teams": { team: "build_and_read" },
            "visibility": "private",
            "provider_settings": { "build_pull_requests": true, "trigger_mode": "code" }
        }),
    );

    assert_eq!(response.status.as_u16(), 201);
    let pipeline = response.value;
    assert_eq!(pipeline.id.to_string(), "018f2f00-1234-7567-89ab-cdef01234567");
    assert_eq!(pipeline.slug, "payments");
    assert_eq!(pipeline.name.as_deref(), Some("Payments"));
    assert_eq!(pipeline.repository.as_deref(), Some("git@github.com:acme/payments.git"));
    assert_eq!(pipeline.pipeline_template_uuid, None);
    assert_eq!(pipeline.allow_rebuilds, Some(true));
    assert_eq!(opt_rfc3339(&pipeline.created_at).as_deref(), Some("2024-05-05T14:15:16Z"));
    assert_eq!(pipeline.created_by.as_ref().and_then(|u| u.name.as_deref()), Some("Jane Doe"));
    let settings = pipeline.provider.and_then(|p| p.settings).expect("provider settings");
    assert_eq!(settings.build_pull_requests, Some(true));
    assert_eq!(settings.trigger_mode, Some(types::ProviderTriggerMode::Code));
    assert_eq!(settings.repository.as_deref(), Some("acme/payments"));
    let steps = pipeline.steps.expect("steps");
    assert_eq!(steps[0].name, None, "null step name");
    assert_eq!(steps[0].command.as_deref(), Some("make test"));
}

#[tokio::test]
async fn get_pipeline_with_nulls_and_provider_settings() {
    let (server, client) = serve(json_response(200, fixture!("pipeline_get.json"))).await;

    let pipeline = client.pipelines().get("acme", "app").await.expect("getPipeline succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations/acme/pipelines/app");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_query(&request);

    assert_eq!(pipeline.id.to_string(), "018f2b5e-7c1a-7d3e-9b2f-4a5c6d7e8f90");
    assert_eq!(pipeline.name.as_deref(), Some("App"));
    assert_eq!(pipeline.web_url.as_deref(), Some("https://buildkite.com/acme/app"));
    assert_eq!(pipeline.description, None, "null description");
    assert_eq!(pipeline.cluster_id, None, "null cluster_id");
    assert_eq!(pipeline.clone_mirror_url, None);
    assert_eq!(pipeline.tags, None, "null tags");
    assert_eq!(pipeline.archived_at, None, "null archived_at");
    assert_eq!(pipeline.cancel_running_branch_builds, Some(true));
    assert_eq!(pipeline.cancel_running_branch_builds_filter.as_deref(), Some("!main"));
    assert_eq!(pipeline.running_builds_count, Some(1));
    assert_eq!(pipeline.scheduled_jobs_count, Some(2));
    assert_eq!(pipeline.waiting_jobs_count, Some(0));
    assert_eq!(pipeline.env, Some(BTreeMap::new()));
    // Legacy `YYYY-MM-DD HH:MM:SS UTC` (trap 3).
    let created = pipeline.created_at.expect("created_at");
    assert_eq!(rfc3339(&created), "2023-06-15T09:30:00Z");
    assert_eq!(created, Timestamp::parse("2023-06-15T09:30:00Z").expect("valid RFC 3339"));
    assert_eq!(
        pipeline.configuration.as_deref(),
        Some("steps:\n  - label: \":rspec: Unit tests\"\n    command: bundle exec rspec\n")
    );
    let creator = pipeline.created_by.expect("created_by");
    assert_eq!(creator.id.to_string(), "3d3c3f3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f");

    let provider = pipeline.provider.expect("provider");
    let settings = provider.settings.expect("settings");
    assert_eq!(settings.trigger_mode, Some(types::ProviderTriggerMode::Code));
    assert_eq!(settings.build_pull_requests, Some(true));
    assert_eq!(settings.pull_request_branch_filter_enabled, Some(false));
    assert_eq!(settings.skip_pull_request_builds_for_existing_commits, Some(true));
    assert_eq!(settings.prefix_pull_request_fork_branch_names, Some(true));
    assert_eq!(settings.publish_commit_status, Some(true));
    assert_eq!(settings.issue_comment_command_word.as_deref(), Some("/bk"));
    assert_eq!(settings.issue_comment_match_mode, Some(types::CommentMatchMode::Exact));
    assert_eq!(settings.repository.as_deref(), Some("acme/app"));
    assert_eq!(settings.build_pull_request_merge, None, "absent key");
}

#[tokio::test]
async fn update_pipeline_sends_patch_body() {
    let (server, client) = serve(json_response(200, fixture!("pipeline_updated.json"))).await;
    let body = types::UpdatePipelineRequest::new()
        .name("App v2")
        .slug("app")
        .description("Main application, v2 pipeline")
        .configuration("steps:\n  - command: bin/ci\n")
        .branch_configuration("main release/*")
        .cancel_running_branch_builds(true)
        .cancel_running_branch_builds_filter("!main")
        .provider_settings(types::ProviderSettings::new().build_tags(true));

    let pipeline = client.pipelines().update("acme", "app", body).await.expect("updatePipeline succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "PATCH", "/organizations/acme/pipelines/app");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_query(&request);
    assert_json_body(
        &request,
        json!({
            "name": "App v2",
            "slug": "app",
            "description": "Main application, v2 pipeline",
            "configuration": "steps:\n  - command: bin/ci\n",
            "branch_configuration": "main release/*",
            "cancel_running_branch_builds": true,
            "cancel_running_branch_builds_filter": "!main",
            "provider_settings": { "build_tags": true }
        }),
    );

    assert_eq!(pipeline.name.as_deref(), Some("App v2"));
    assert_eq!(pipeline.slug, "app", "re-read the slug from the response (trap 23)");
    assert_eq!(pipeline.description.as_deref(), Some("Main application, v2 pipeline"));
    assert_eq!(pipeline.branch_configuration.as_deref(), Some("main release/*"));
    assert_eq!(pipeline.configuration.as_deref(), Some("steps:\n  - command: bin/ci\n"));
    assert_eq!(pipeline.created_by, None, "absent in update responses");
    assert_eq!(opt_rfc3339(&pipeline.created_at).as_deref(), Some("2023-06-15T09:30:00Z"));
    assert_eq!(pipeline.provider.and_then(|p| p.settings).and_then(|s| s.build_tags), Some(true));
}

/// BUILDKITE.md 2.10: `cluster_id: null` removes the pipeline from its cluster and
/// `pipeline_template_uuid: null` removes its template; the overlay declares both `nullable`.
/// The request type must be able to send an explicit `null`, distinct from leaving the key out.
#[tokio::test]
async fn update_pipeline_can_send_null_to_clear_cluster_and_template() {
    let (server, client) = serve(json_response(200, fixture!("pipeline_get.json"))).await;
    // A clear setter sends `null`; a field never set is left out.
    let body = types::UpdatePipelineRequest::default().clear_cluster_id().clear_pipeline_template_uuid();
    // The same through decoding: a present null is kept apart from an absent key.
    let decoded: types::UpdatePipelineRequest =
        serde_json::from_value(json!({ "cluster_id": null, "pipeline_template_uuid": null }))
            .expect("the request type accepts nulls");
    assert_eq!(decoded, body);

    let pipeline = client.pipelines().update("acme", "app", body).await.expect("updatePipeline succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "PATCH", "/organizations/acme/pipelines/app");
    assert_json_body(&request, json!({ "cluster_id": null, "pipeline_template_uuid": null }));
    assert_eq!(pipeline.cluster_id, None);
}

#[tokio::test]
async fn delete_pipeline_returns_unit_on_204() {
    let (server, client) = serve(no_content()).await;

    let response =
        client.pipelines().delete("acme", "app").send_with_response().await.expect("deletePipeline succeeds");
    let () = response.value;
    assert_eq!(response.status.as_u16(), 204);

    let request = only_request(&server).await;
    assert_route(&request, "DELETE", "/organizations/acme/pipelines/app");
    assert_bearer(&request);
    assert_no_query(&request);
    assert_no_body(&request);
}

// ---------------------------------------------------------------------------------------------
// Builds
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_builds_encodes_rails_arrays_deep_object_and_dates() {
    let (server, client) = serve(json_response(200, fixture!("builds_list.json"))).await;

    let builds = client
        .builds()
        .list("acme", "app")
        .state(vec![types::BuildStateFilter::Scheduled, types::BuildStateFilter::Running])
        .branch(vec!["main".to_string(), "dev".to_string()])
        // A map argument takes pairs of anything that converts, as a list argument takes items.
        .meta_data([("release", "1.2")])
        .created_from(Timestamp::parse("2024-05-01T00:00:00Z").expect("valid timestamp"))
        .per_page(50)
        .page(3)
        .await
        .expect("listBuilds succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations/acme/pipelines/app/builds");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_body(&request);

    let raw = request.url.query().expect("a query string");
    // Brackets arrive literally (BUILDKITE.md 1.8), with one pair per value.
    assert!(!raw.contains("%5B") && !raw.contains("%5D"), "brackets must not be percent-encoded: {raw}");
    assert!(raw.contains("state[]=scheduled&state[]=running"), "state[] in raw query: {raw}");
    assert!(raw.contains("branch[]=main&branch[]=dev"), "branch[] in raw query: {raw}");
    assert!(raw.contains("meta_data[release]=1.2"), "deepObject meta_data in raw query: {raw}");
    assert_query(
        &request,
        &[
            ("state[]", "scheduled"),
            ("state[]", "running"),
            ("branch[]", "main"),
            ("branch[]", "dev"),
            ("meta_data[release]", "1.2"),
            ("created_from", "2024-05-01T00:00:00Z"),
            ("per_page", "50"),
            ("page", "3"),
        ],
    );

    assert_eq!(builds.len(), 2);

    // First build: author as a bare string, and a state this client does not know.
    let newest = &builds[0];
    assert_eq!(newest.number, 44);
    assert_eq!(newest.id.to_string(), "018f2c11-0a0b-7c0d-8e0f-101112131415");
    match &newest.state {
        types::BuildState::Unknown(value) => assert_eq!(value.as_str(), "some_future_state"),
        other => panic!("expected BuildState::Unknown, got {other:?}"),
    }
    assert_eq!(newest.state.as_str(), "some_future_state");
    assert_eq!(newest.state.to_string(), "some_future_state");
    assert_eq!(newest.author, Some(types::BuildAuthor::String("jane@example.com".to_string())));
    assert_eq!(newest.source, Some(types::BuildSource::Api));
    assert_eq!(newest.branch, "dev");
    assert_eq!(newest.started_at, None);
    assert_eq!(newest.meta_data.as_ref().and_then(|m| m.get("release")), Some(&json!("1.2")));
    let creator = newest.creator.as_ref().expect("creator");
    assert_eq!(creator.graphql_id, None, "embedded creator without graphql_id");
    assert_eq!(creator.name.as_deref(), Some("Jane Doe"));
    let types::Job::Script(job) = &newest.jobs.as_ref().expect("jobs")[0] else { panic!("a script job") };
    assert_eq!(job.state, Some(types::JobState::Scheduled));
    assert_eq!(job.agent, None, "null agent");
    let pipeline = newest.pipeline.as_ref().expect("embedded pipeline");
    assert_eq!(pipeline.slug, "app");
    assert_eq!(opt_rfc3339(&pipeline.created_at).as_deref(), Some("2023-06-15T09:30:00Z"));

    // Second build: author as an object, a known state that must not become Unknown.
    let older = &builds[1];
    assert_eq!(older.number, 41);
    assert_eq!(older.state, types::BuildState::Passed);
    assert!(!matches!(older.state, types::BuildState::Unknown(_)));
    match older.author.as_ref().expect("author") {
        types::BuildAuthor::Author(author) => {
            assert_eq!(author.username.as_deref(), Some("rsmith"));
            assert_eq!(author.name.as_deref(), Some("Rae Smith"));
            assert_eq!(author.email.as_deref(), Some("rae@example.com"));
        }
        other => panic!("expected an author object, got {other:?}"),
    }
    assert_eq!(older.creator, None, "null creator");
    assert_eq!(older.env.as_ref().and_then(|e| e.get("CI_FLAVOUR")), Some(&json!("full")));
    assert_eq!(opt_rfc3339(&older.finished_at).as_deref(), Some("2024-04-30T17:03:30.250Z"));
    let pr = older.pull_request.as_ref().expect("pull_request");
    assert_eq!(pr.id.as_deref(), Some("311"));
    assert_eq!(pr.base.as_deref(), Some("main"));
    assert_eq!(older.merge_queue.as_ref().and_then(|m| m.base_branch.as_deref()), Some("main"));
    let types::Job::Script(job) = &older.jobs.as_ref().expect("jobs")[0] else { panic!("a script job") };
    let stub = job.agent.as_ref().expect("agent stub");
    assert_eq!(stub.id.to_string(), "018f2a00-1111-7222-8333-444455556666");
    assert_eq!(stub.name.as_deref(), Some("ci-linux-1"));
    assert_eq!(stub.connection_state, None, "three-field agent stub");
}

#[tokio::test]
async fn list_builds_decodes_every_documented_build_state_as_known() {
    use types::BuildState as S;
    let documented = [
        ("creating", S::Creating),
        ("scheduled", S::Scheduled),
        ("running", S::Running),
        ("passed", S::Passed),
        ("failing", S::Failing),
        ("failed", S::Failed),
        ("blocked", S::Blocked),
        ("canceling", S::Canceling),
        ("canceled", S::Canceled),
        ("skipped", S::Skipped),
        ("not_run", S::NotRun),
        ("waiting", S::Waiting),
        ("waiting_failed", S::WaitingFailed),
    ];
    let template: Vec<Value> = serde_json::from_str(fixture!("builds_list.json")).expect("fixture is JSON");
    let body: Vec<Value> = documented
        .iter()
        .enumerate()
        .map(|(i, (state, _))| {
            let mut build = template[1].clone();
            build["state"] = json!(state);
            build["number"] = json!(100 + i);
            build
        })
        .collect();
    let (server, client) = serve(json_response(200, &Value::Array(body).to_string())).await;

    let builds = client.builds().list("acme", "app").await.expect("listBuilds succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations/acme/pipelines/app/builds");
    assert_no_query(&request);
    assert_eq!(builds.len(), documented.len());
    for (build, (text, variant)) in builds.iter().zip(&documented) {
        assert_eq!(&build.state, variant, "state {text}");
        assert_eq!(build.state.as_str(), *text);
        assert!(!matches!(build.state, S::Unknown(_)), "known state {text} decoded as Unknown");
    }
}

#[tokio::test]
async fn create_build_sends_body_and_decodes_201() {
    let (server, client) = serve(json_response(201, fixture!("build_created.json"))).await;
    let mut body = types::CreateBuildRequest::new("main", "HEAD")
        .message("Deploy :rocket:")
        .author(types::CreateBuildRequestAuthor::Author(
            types::Author::new().name("Jane Doe").email("jane@example.com"),
        ))
        .env([("DEPLOY_ENV", "staging")])
        // A map as before still fits.
        .meta_data(BTreeMap::from([("release".to_string(), "1.2".to_string())]))
        .ignore_pipeline_branch_filters(true);
    // Both required fields are strings: set them by name, whatever the constructor's order.
    body.branch = "main".to_string();
    body.commit = "HEAD".to_string();

    let response =
        client.builds().create("acme", "app", body).send_with_response().await.expect("createBuild succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "POST", "/organizations/acme/pipelines/app/builds");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_query(&request);
    assert_json_body(
        &request,
        json!({
            "commit": "HEAD",
            "branch": "main",
            "message": "Deploy :rocket:",
            "author": { "name": "Jane Doe", "email": "jane@example.com" },
            "env": { "DEPLOY_ENV": "staging" },
            "meta_data": { "release": "1.2" },
            "ignore_pipeline_branch_filters": true
        }),
    );

    assert_eq!(response.status.as_u16(), 201);
    let build = response.value;
    assert_eq!(build.number, 45);
    assert_eq!(build.state, types::BuildState::Scheduled);
    assert_eq!(build.commit, "HEAD", "the ref as created (not a SHA)");
    assert_eq!(build.message.as_deref(), Some("Deploy :rocket:"));
    assert_eq!(build.source, Some(types::BuildSource::Api));
    assert_eq!(
        build.author,
        Some(types::BuildAuthor::Author(types::Author::new().name("Jane Doe").email("jane@example.com")))
    );
    assert_eq!(build.env.as_ref().and_then(|e| e.get("DEPLOY_ENV")), Some(&json!("staging")));
    assert_eq!(build.pull_request, Some(types::BuildPullRequest::default()), "`{{}}` pull_request");
    assert_eq!(build.merge_queue, None);
    assert_eq!(build.job_state_counts, None, "only getBuild returns job_state_counts");
    let jobs = build.jobs.expect("jobs");
    assert_eq!(jobs.len(), 1);
    let types::Job::Script(job) = &jobs[0] else { panic!("a script job") };
    assert_eq!(job.command.as_deref(), Some("buildkite-agent pipeline upload"));
    assert_eq!(job.step_key, None);
}

#[tokio::test]
async fn get_build_decodes_full_build_with_jobs_creator_and_pipeline() {
    let (server, client) = serve(json_response(200, fixture!("build_get.json"))).await;

    let build = client
        .builds()
        .get("acme", "app", 42)
        .include_retried_jobs(true)
        .job_states(vec![
            types::JobState::Passed,
            types::JobState::Running,
            types::JobState::Blocked,
            types::JobState::Pending,
        ])
        .await
        .expect("getBuild succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations/acme/pipelines/app/builds/42");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_body(&request);
    let raw = request.url.query().expect("a query string");
    assert!(raw.contains("job_states[]=passed&job_states[]=running"), "job_states[] in raw query: {raw}");
    assert_query(
        &request,
        &[
            ("include_retried_jobs", "true"),
            ("job_states[]", "passed"),
            ("job_states[]", "running"),
            ("job_states[]", "blocked"),
            ("job_states[]", "pending"),
        ],
    );

    // The build itself.
    assert_eq!(build.id.to_string(), "018f2b60-1a2b-7c3d-8e4f-5a6b7c8d9e0f");
    assert_eq!(build.number, 42);
    assert_eq!(build.state, types::BuildState::Running);
    assert_eq!(build.blocked, Some(false));
    assert_eq!(build.cancel_reason, None);
    assert_eq!(build.commit, "1f7cbd1e3a0d95a8c4c1d2b1b0e6a7f9d3c2b1a0");
    assert_eq!(build.branch, "main");
    assert_eq!(build.source, Some(types::BuildSource::Webhook));
    assert_eq!(build.url, "https://api.buildkite.com/v2/organizations/acme/pipelines/app/builds/42");
    assert_eq!(build.web_url, "https://buildkite.com/acme/app/builds/42");
    assert_eq!(
        build.author,
        Some(types::BuildAuthor::Author(
            types::Author::new().username("jdoe").name("Jane Doe").email("jane@example.com")
        ))
    );
    assert_eq!(rfc3339(&build.created_at), "2024-05-01T10:20:30.123Z");
    assert_eq!(build.created_at.time().expect("a date-time").timestamp_millis(), 1_714_558_830_123);
    assert_eq!(opt_rfc3339(&build.scheduled_at).as_deref(), Some("2024-05-01T10:20:30.101Z"));
    assert_eq!(opt_rfc3339(&build.started_at).as_deref(), Some("2024-05-01T10:20:35.789Z"));
    assert_eq!(build.failing_at, None);
    assert_eq!(build.finished_at, None);
    assert_eq!(build.rebuilt_from, None);
    assert_eq!(build.merge_queue, None);
    assert_eq!(build.pull_request, Some(types::BuildPullRequest::default()));
    let meta = build.meta_data.as_ref().expect("meta_data");
    assert_eq!(meta.get("release"), Some(&json!("1.2")));
    assert_eq!(meta.get("deploy-target"), Some(&json!("staging")));

    let creator = build.creator.as_ref().expect("creator");
    assert_eq!(creator.id.to_string(), "3d3c3f3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f");
    assert_eq!(creator.email.as_deref(), Some("jane@example.com"));
    assert_eq!(opt_rfc3339(&creator.created_at).as_deref(), Some("2023-11-02T08:15:00Z"));

    let counts = build.job_state_counts.as_ref().expect("job_state_counts");
    assert_eq!(counts.total, Some(5));
    let states = counts.states.as_ref().expect("states");
    assert_eq!(states.get("passed"), Some(&2));
    assert_eq!(states.get("running"), Some(&1));
    assert_eq!(states.get("blocked"), Some(&1));
    assert_eq!(states.get("pending"), Some(&1));

    // Embedded, reduced pipeline with a legacy timestamp.
    let pipeline = build.pipeline.as_ref().expect("pipeline");
    assert_eq!(pipeline.id.to_string(), "018f2b5e-7c1a-7d3e-9b2f-4a5c6d7e8f90");
    assert_eq!(pipeline.slug, "app");
    assert_eq!(pipeline.web_url, None, "reduced pipeline has no web_url");
    assert_eq!(pipeline.description, None);
    assert_eq!(opt_rfc3339(&pipeline.created_at).as_deref(), Some("2023-06-15T09:30:00Z"));
    let provider = pipeline.provider.as_ref().expect("provider");
    assert_eq!(provider.webhook_url.as_deref(), Some("https://webhook.buildkite.com/deliver/5b3c9e0a7f2d1c4b8a6e"));
    assert_eq!(provider.settings, None, "settings absent when embedded");

    // Jobs of every type.
    let jobs = build.jobs.as_ref().expect("jobs");
    assert_eq!(jobs.len(), 5);
    let types::Job::Script(tests) = &jobs[0] else { panic!("jobs[0] is a script job, got {:?}", jobs[0]) };
    assert_eq!(tests.r#type, types::JobType::Script);
    assert_eq!(tests.state, Some(types::JobState::Passed));
    assert_eq!(tests.id.to_string(), "018f2b60-2b3c-7d4e-9f50-6a7b8c9d0e1f");
    assert_eq!(tests.name.as_deref(), Some(":rspec: Unit tests"));
    assert_eq!(tests.command.as_deref(), Some("bundle exec rspec"));
    assert_eq!(tests.exit_status, Some(0));
    assert_eq!(tests.soft_failed, Some(false));
    assert_eq!(tests.priority.as_ref().and_then(|p| p.number), Some(0));
    assert_eq!(tests.agent_query_rules.as_deref(), Some(&["queue=default".to_string()][..]));
    assert_eq!(tests.artifact_paths.as_deref(), Some(""));
    assert_eq!(tests.concurrency_wait_time_ms, Some(0));
    assert_eq!(tests.retried, Some(false));
    assert_eq!(tests.retries_count, None);
    assert_eq!(tests.retry_source, None);
    assert_eq!(tests.signal_reason, None);
    assert_eq!(tests.matrix, None);
    assert_eq!(tests.step.as_ref().and_then(|s| s.signature.as_ref()), None, "unsigned step");
    assert_eq!(
        tests.raw_log_url.as_deref(),
        Some(
            "https://api.buildkite.com/v2/organizations/acme/pipelines/app/builds/42/jobs/018f2b60-2b3c-7d4e-9f50-6a7b8c9d0e1f/log.txt"
        )
    );
    assert_eq!(opt_rfc3339(&tests.finished_at).as_deref(), Some("2024-05-01T10:24:01.002Z"));
    assert_eq!(
        tests.cluster_queue_id.map(|id| id.to_string()).as_deref(),
        Some("5ff7d4e2-6a1b-4c3d-9e8f-7a6b5c4d3e2f")
    );
    let agent = tests.agent.as_ref().expect("full agent");
    assert_eq!(agent.name.as_deref(), Some("ci-linux-1"));
    assert_eq!(agent.connection_state, Some(types::AgentConnectionState::Connected));
    assert_eq!(agent.meta_data.as_deref(), Some(&["queue=default".to_string(), "docker=true".to_string()][..]));
    assert_eq!(agent.priority, None);
    assert_eq!(agent.creator, None);

    // A waiter job carries no command: `WaiterJob` has no such field.
    let types::Job::Waiter(waiter) = &jobs[1] else { panic!("jobs[1] is a waiter job, got {:?}", jobs[1]) };
    assert_eq!(waiter.r#type, types::JobType::Waiter);
    assert_eq!(waiter.state, Some(types::JobState::Passed));
    assert_eq!(waiter.web_url, None);

    let types::Job::Script(image) = &jobs[2] else { panic!("jobs[2] is a script job, got {:?}", jobs[2]) };
    assert_eq!(image.state, Some(types::JobState::Running));
    assert_eq!(image.group_key.as_deref(), Some("release"));
    assert_eq!(image.exit_status, None, "null until finished");
    assert_eq!(image.artifact_paths, None);
    assert_eq!(image.artifacts_url.as_deref(), Some(""));
    assert_eq!(image.priority.as_ref().and_then(|p| p.number), Some(5));
    assert_eq!(image.parallel_group_index, Some(1));
    assert_eq!(image.parallel_group_total, Some(3));
    assert_eq!(image.matrix, Some(json!({ "os": "linux", "arch": "arm64" })));
    assert_eq!(image.cluster_queue_id, None);
    let signature = image.step.as_ref().and_then(|s| s.signature.as_ref()).expect("signature");
    assert_eq!(signature.algorithm.as_deref(), Some("EdDSA"));
    assert_eq!(signature.signed_fields.as_ref().map(Vec::len), Some(5));
    let stub = image.agent.as_ref().expect("agent stub");
    assert_eq!(stub.id.to_string(), "018f2a00-7777-7888-8999-aaaabbbbcccc");
    assert_eq!(stub.hostname, None);

    let types::Job::Manual(block) = &jobs[3] else { panic!("jobs[3] is a manual job, got {:?}", jobs[3]) };
    assert_eq!(block.r#type, types::JobType::Manual);
    assert_eq!(block.state, Some(types::JobState::Blocked));
    assert_eq!(block.label.as_deref(), Some(":rocket: Deploy?"));
    assert_eq!(block.web_url, None, "null web_url on manual jobs");
    assert_eq!(block.unblockable, Some(true));
    assert_eq!(block.unblocked_by, None);

    let types::Job::Trigger(trigger) = &jobs[4] else { panic!("jobs[4] is a trigger job, got {:?}", jobs[4]) };
    assert_eq!(trigger.r#type, types::JobType::Trigger);
    assert_eq!(trigger.state, Some(types::JobState::Pending));
    assert_eq!(trigger.r#async, Some(false));
    assert_eq!(trigger.triggered_build, None);
}

#[tokio::test]
async fn get_build_decodes_every_documented_job_state_as_known() {
    use types::JobState as J;
    let documented = [
        ("pending", J::Pending),
        ("waiting", J::Waiting),
        ("waiting_failed", J::WaitingFailed),
        ("blocked", J::Blocked),
        ("blocked_failed", J::BlockedFailed),
        ("unblocked", J::Unblocked),
        ("unblocked_failed", J::UnblockedFailed),
        ("scheduled", J::Scheduled),
        ("assigned", J::Assigned),
        ("accepted", J::Accepted),
        ("running", J::Running),
        ("passed", J::Passed),
        ("failed", J::Failed),
        ("timed_out", J::TimedOut),
        ("timing_out", J::TimingOut),
        ("canceled", J::Canceled),
        ("canceling", J::Canceling),
        ("skipped", J::Skipped),
        ("broken", J::Broken),
        ("expired", J::Expired),
        ("limited", J::Limited),
    ];
    let mut build: Value = serde_json::from_str(fixture!("build_get.json")).expect("fixture is JSON");
    let template = build["jobs"][0].clone();
    let mut jobs: Vec<Value> = documented
        .iter()
        .map(|(state, _)| {
            let mut job = template.clone();
            job["state"] = json!(state);
            job
        })
        .collect();
    let mut future = template.clone();
    future["state"] = json!("platform_limiting");
    future["signal_reason"] = json!("terminated");
    jobs.push(future);
    build["jobs"] = Value::Array(jobs);
    let (server, client) = serve(json_response(200, &build.to_string())).await;

    let build = client.builds().get("acme", "app", 42).await.expect("getBuild succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations/acme/pipelines/app/builds/42");
    assert_no_query(&request);
    let jobs = build.jobs.expect("jobs");
    assert_eq!(jobs.len(), documented.len() + 1);
    for (job, (text, variant)) in jobs.iter().zip(&documented) {
        let types::Job::Script(job) = job else { panic!("a script job, got {job:?}") };
        assert_eq!(job.state.as_ref(), Some(variant), "job state {text}");
        assert_eq!(job.state.as_ref().map(J::as_str), Some(*text));
    }
    let types::Job::Script(last) = jobs.last().expect("the job with a future state") else { panic!("a script job") };
    assert!(matches!(&last.state, Some(J::Unknown(v)) if v.as_str() == "platform_limiting"), "got {:?}", last.state);
    assert!(
        matches!(&last.signal_reason, Some(types::JobSignalReason::Unknown(v)) if v.as_str() == "terminated"),
        "got {:?}",
        last.signal_reason
    );
}

#[tokio::test]
async fn cancel_build() {
    let (server, client) = serve(json_response(200, fixture!("build_canceled.json"))).await;

    let build = client.builds().cancel("acme", "app", 42).await.expect("cancelBuild succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "PUT", "/organizations/acme/pipelines/app/builds/42/cancel");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_query(&request);
    assert_no_body(&request);

    assert_eq!(build.number, 42);
    assert_eq!(build.state, types::BuildState::Canceling);
    assert_eq!(build.cancel_reason.as_deref(), Some("Canceled by Jane Doe via the API"));
    assert_eq!(opt_rfc3339(&build.failing_at).as_deref(), Some("2024-05-01T10:25:00Z"));
    assert_eq!(build.author, None, "absent author");
    assert_eq!(build.jobs, Some(vec![]));
    assert_eq!(build.meta_data, Some(BTreeMap::new()));
}

#[tokio::test]
async fn rebuild_build_returns_the_new_build() {
    let (server, client) = serve(json_response(200, fixture!("build_rebuilt.json"))).await;

    let build = client.builds().rebuild("acme", "app", 42).await.expect("rebuildBuild succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "PUT", "/organizations/acme/pipelines/app/builds/42/rebuild");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_query(&request);
    assert_no_body(&request);

    // A new build (trap 9): new id and number, pointing back at the original.
    assert_eq!(build.number, 46);
    assert_eq!(build.id.to_string(), "018f2e00-aaaa-7bbb-8ccc-ddddeeeeffff");
    assert_eq!(build.state, types::BuildState::Scheduled);
    assert_eq!(build.source, Some(types::BuildSource::Ui));
    assert_eq!(build.author, Some(types::BuildAuthor::String("jane@example.com".to_string())));
    let from = build.rebuilt_from.expect("rebuilt_from");
    assert_eq!(from.number, Some(42));
    assert_eq!(from.id.as_deref(), Some("018f2b60-1a2b-7c3d-8e4f-5a6b7c8d9e0f"));
    assert_eq!(from.url.as_deref(), Some("https://api.buildkite.com/v2/organizations/acme/pipelines/app/builds/42"));
}

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

const JOB_ID: &str = "018f2b60-2b3c-7d4e-9f50-6a7b8c9d0e1f";

#[tokio::test]
async fn retry_job_returns_the_new_job() {
    let (server, client) = serve(json_response(200, fixture!("job_retried.json"))).await;

    let job = client.jobs().retry("acme", "app", 42, JOB_ID).await.expect("retryJob succeeds");
    let types::Job::Script(job) = job else { panic!("a script job, got {job:?}") };

    let request = only_request(&server).await;
    assert_route(&request, "PUT", &format!("/organizations/acme/pipelines/app/builds/42/jobs/{JOB_ID}/retry"));
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_query(&request);
    assert_no_body(&request);

    assert_eq!(job.id.to_string(), "018f2b61-9999-7aaa-8bbb-cccc00001111");
    assert_ne!(job.id.to_string(), JOB_ID, "a retry returns a new job (trap 10)");
    assert_eq!(job.r#type, types::JobType::Script);
    assert_eq!(job.state, Some(types::JobState::Scheduled));
    assert_eq!(job.retries_count, Some(1));
    assert_eq!(job.retry_type, Some(types::JobRetryType::Manual));
    let source = job.retry_source.expect("retry_source");
    assert_eq!(source.job_id.as_deref(), Some(JOB_ID));
    assert_eq!(source.retry_type, Some(types::JobRetryType::Manual));
    assert_eq!(job.retried_by.and_then(|u| u.name), Some("Jane Doe".to_string()));
    assert_eq!(job.build_url.as_deref(), Some("https://buildkite.com/acme/app/builds/42"), "web URL kept as is");
    assert_eq!(job.cluster_id, None);
}

#[tokio::test]
async fn get_job_log_json_keeps_nanosecond_header_times() {
    let (server, client) = serve(json_response(200, fixture!("job_log.json"))).await;

    let log = client.jobs().get_log("acme", "app", 42, JOB_ID).await.expect("getJobLog succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", &format!("/organizations/acme/pipelines/app/builds/42/jobs/{JOB_ID}/log"));
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_query(&request);

    assert_eq!(
        log.url,
        format!("https://api.buildkite.com/v2/organizations/acme/pipelines/app/builds/42/jobs/{JOB_ID}/log")
    );
    // int64 nanoseconds above 2^53: exact, never through f64 (trap 2).
    let header_times = log.header_times.as_deref().expect("header_times");
    assert_eq!(header_times, [1_563_337_899_810_051_000_i64, 1_563_337_899_999_999_999, 1_563_337_902_433_935_000]);
    assert_ne!(header_times[1], 1_563_337_900_000_000_000, "rounded through f64");
    assert!(log.content.starts_with("~~~ Preparing working directory\r\n"));
    assert!(log.content.contains("\u{1b}[32m412 examples, 0 failures\u{1b}[0m"), "ANSI escapes kept");
    assert_eq!(log.size, 153);
    assert_eq!(log.size as usize, log.content.len(), "size is the byte length of the content");
}

#[tokio::test]
async fn get_job_log_text_asks_for_text_plain() {
    let raw_log = "~~~ Preparing working directory\r\n\u{1b}[31mFAILED\u{1b}[0m spec/models/user_spec.rb:42\r\n";
    let (server, client) = serve(ResponseTemplate::new(200).set_body_raw(raw_log, "text/plain; charset=utf-8")).await;

    let text = client.jobs().get_log_text("acme", "app", 42, JOB_ID).await.expect("getJobLog (text) succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", &format!("/organizations/acme/pipelines/app/builds/42/jobs/{JOB_ID}/log"));
    assert_bearer(&request);
    // Text first; the documented JSON error body at a lower preference, so that a 404's JSON
    // is still acceptable to the server (issue 22).
    assert_eq!(
        header(&request, "accept"),
        Some("text/plain, application/json;q=0.9"),
        "text form asks for text/plain, then JSON errors"
    );
    assert_no_query(&request);
    assert_no_body(&request);
    assert_eq!(text, raw_log, "raw log text returned byte for byte");
}

// ---------------------------------------------------------------------------------------------
// Artifacts and annotations
// ---------------------------------------------------------------------------------------------

#[tokio::test]
#[allow(deprecated)] // reads the deprecated `glob_path` / `original_path`
async fn list_artifacts_for_build() {
    let (server, client) = serve(json_response(200, fixture!("artifacts.json"))).await;

    let artifacts = client
        .artifacts()
        .list_for_build("acme", "app", 42)
        .state(types::ArtifactState::Finished)
        .path("logs/*")
        .await
        .expect("listArtifactsForBuild succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations/acme/pipelines/app/builds/42/artifacts");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_query(&request, &[("state", "finished"), ("path", "logs/*")]);

    assert_eq!(artifacts.len(), 2);
    let log = &artifacts[0];
    assert_eq!(log.id.to_string(), "76365070-34d5-4569-8d2e-15ef9a2b2c3d");
    assert_eq!(log.job_id.to_string(), JOB_ID);
    assert_eq!(log.state, types::ArtifactState::Finished);
    assert_eq!(log.path, "logs/rspec.log");
    assert_eq!(log.dirname.as_deref(), Some("logs"));
    assert_eq!(log.filename, "rspec.log");
    assert_eq!(log.mime_type.as_deref(), Some("text/plain"));
    assert_eq!(log.file_size, Some(5_368_709_120), "sizes above 4 GiB");
    assert_eq!(log.sha1sum.as_deref(), Some("da39a3ee5e6b4b0d3255bfef95601890afd80709"));
    assert!(log.download_url.ends_with("/artifacts/76365070-34d5-4569-8d2e-15ef9a2b2c3d/download"));
    assert_eq!(log.glob_path, None);
    assert_eq!(log.original_path, None);
    assert!(
        matches!(&artifacts[1].state, types::ArtifactState::Unknown(v) if v.as_str() == "some_future_artifact_state"),
        "got {:?}",
        artifacts[1].state
    );
    assert_eq!(artifacts[1].file_size, Some(0));
}

#[tokio::test]
async fn list_annotations() {
    let (server, client) = serve(json_response(200, fixture!("annotations.json"))).await;

    let annotations = client
        .annotations()
        .list("acme", "app", 42)
        .scope(types::ListAnnotationsScope::All)
        .omit_body(true)
        .per_page(100)
        .await
        .expect("listAnnotations succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations/acme/pipelines/app/builds/42/annotations");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_query(&request, &[("scope", "all"), ("omit_body", "true"), ("per_page", "100")]);

    assert_eq!(annotations.len(), 2);
    let build_scoped = &annotations[0];
    assert_eq!(build_scoped.id.to_string(), "de0d4ab5-6360-467a-a34b-e5ef5db5320d");
    assert_eq!(build_scoped.context, "default");
    assert_eq!(build_scoped.style, types::AnnotationStyle::Info);
    assert_eq!(build_scoped.scope, Some(types::AnnotationScope::Build));
    assert_eq!(build_scoped.job_id, None, "null for build-scoped annotations");
    assert_eq!(build_scoped.priority, Some(3));
    assert_eq!(build_scoped.body_html, None, "absent with omit_body=true");
    assert_eq!(rfc3339(&build_scoped.updated_at), "2024-05-01T10:23:30.500Z");
    let job_scoped = &annotations[1];
    assert_eq!(job_scoped.style, types::AnnotationStyle::Error);
    assert_eq!(job_scoped.scope, Some(types::AnnotationScope::Job));
    assert_eq!(job_scoped.job_id.map(|id| id.to_string()).as_deref(), Some(JOB_ID));
    assert_eq!(job_scoped.priority, Some(10));
}

// ---------------------------------------------------------------------------------------------
// Agents
// ---------------------------------------------------------------------------------------------

const AGENT_ID: &str = "018f2a00-7777-7888-8999-aaaabbbbcccc";

#[tokio::test]
async fn list_agents_with_filters() {
    let (server, client) = serve(json_response(200, fixture!("agents_list.json"))).await;

    let agents = client
        .agents()
        .list("acme")
        .name("ci linux+1")
        .hostname("ci-linux-1.internal")
        .version("3.73.1")
        .per_page(25)
        .await
        .expect("listAgents succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations/acme/agents");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_body(&request);
    // The `+` in the name must survive (a raw `+` would be read as a space).
    assert_query(
        &request,
        &[("name", "ci linux+1"), ("hostname", "ci-linux-1.internal"), ("version", "3.73.1"), ("per_page", "25")],
    );

    assert_eq!(agents.len(), 2);
    let linux = &agents[0];
    assert_eq!(linux.id.to_string(), "018f2a00-1111-7222-8333-444455556666");
    assert_eq!(linux.name.as_deref(), Some("ci-linux-1"));
    assert_eq!(linux.connection_state, Some(types::AgentConnectionState::Connected));
    assert_eq!(linux.hostname.as_deref(), Some("ci-linux-1.internal"));
    assert_eq!(linux.ip_address.as_deref(), Some("192.0.2.10"));
    assert_eq!(linux.version.as_deref(), Some("3.73.1"));
    assert_eq!(linux.os_id.as_deref(), Some("linux"));
    assert_eq!(linux.arch.as_deref(), Some("amd64"));
    assert_eq!(linux.queue.as_deref(), Some("default"));
    assert_eq!(linux.creator, None);
    assert_eq!(linux.job, None, "null job when idle");
    assert_eq!(linux.priority, None);
    assert_eq!(opt_rfc3339(&linux.connected_at).as_deref(), Some("2024-04-30T22:00:01.250Z"));
    assert_eq!(linux.disconnected_at, None);
    assert_eq!(
        linux.meta_data.as_deref(),
        Some(&["queue=default".to_string(), "docker=true".to_string(), "os=linux".to_string()][..]),
        "agent meta_data is an array of key=value strings (trap 16)"
    );
    let docker = &agents[1];
    assert_eq!(docker.connection_state, Some(types::AgentConnectionState::Stopping));
    assert_eq!(docker.priority, Some(10), "agent priority is an integer (trap 17)");
    assert_eq!(docker.creator.as_ref().and_then(|u| u.name.as_deref()), Some("Jane Doe"));
    assert_eq!(docker.job, None, "absent job");
}

#[tokio::test]
async fn get_agent_with_running_job_and_unknown_connection_state() {
    let (server, client) = serve(json_response(200, fixture!("agent_get.json"))).await;

    let agent = client.agents().get("acme", AGENT_ID).await.expect("getAgent succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", &format!("/organizations/acme/agents/{AGENT_ID}"));
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_query(&request);

    assert_eq!(agent.id.to_string(), AGENT_ID);
    assert!(
        matches!(&agent.connection_state, Some(types::AgentConnectionState::Unknown(v)) if v.as_str() == "some_new_connection_state"),
        "got {:?}",
        agent.connection_state
    );
    assert_eq!(agent.paused, Some(false));
    assert_eq!(agent.meta_data.as_deref(), Some(&["queue=docker".to_string(), "arch=arm64".to_string()][..]));
    let types::Job::Script(job) = *agent.job.expect("current job") else { panic!("a script job") };
    assert_eq!(job.id.to_string(), "018f2b60-4d5e-7f60-b172-8c9d0e1f2031");
    assert_eq!(job.state, Some(types::JobState::Running));
    assert_eq!(job.script_path.as_deref(), Some("docker build -t acme/app:$BUILDKITE_COMMIT ."));
    assert_eq!(job.priority.and_then(|p| p.number), Some(5), "job priority is an object (trap 17)");
    assert_eq!(job.agent.map(|a| a.id.to_string()).as_deref(), Some(AGENT_ID));
}

#[tokio::test]
async fn stop_agent_sends_force_and_returns_unit() {
    let (server, client) = serve(no_content()).await;

    let response = client
        .agents()
        .stop("acme", AGENT_ID)
        .body(types::StopAgentRequest::new().force(false))
        .send_with_response()
        .await
        .expect("stopAgent succeeds");
    let () = response.value;
    assert_eq!(response.status.as_u16(), 204);

    let request = only_request(&server).await;
    assert_route(&request, "PUT", &format!("/organizations/acme/agents/{AGENT_ID}/stop"));
    assert_bearer(&request);
    assert_no_query(&request);
    assert_json_body(&request, json!({ "force": false }));

    let (server, client) = serve(no_content()).await;
    let () = client
        .agents()
        .stop("acme", AGENT_ID)
        .body(types::StopAgentRequest::new().force(true))
        .await
        .expect("stopAgent succeeds");
    assert_json_body(&only_request(&server).await, json!({ "force": true }));
}

// ---------------------------------------------------------------------------------------------
// Clusters, queues, agent tokens
// ---------------------------------------------------------------------------------------------

const CLUSTER_ID: &str = "42f1a7da-812d-4430-93d8-1cc7c33a6bcf";

#[tokio::test]
async fn list_clusters() {
    let (server, client) = serve(json_response(200, fixture!("clusters.json"))).await;

    let clusters = client.clusters().list("acme").page(1).await.expect("listClusters succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations/acme/clusters");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_query(&request, &[("page", "1")]);

    assert_eq!(clusters.len(), 2);
    let primary = &clusters[0];
    assert_eq!(primary.id.to_string(), CLUSTER_ID);
    assert_eq!(primary.name, "Primary cluster");
    assert_eq!(primary.emoji.as_deref(), Some(":toolbox:"));
    assert_eq!(primary.color.as_deref(), Some("#A9CCE3"));
    assert_eq!(
        primary.default_queue_id.map(|id| id.to_string()).as_deref(),
        Some("5ff7d4e2-6a1b-4c3d-9e8f-7a6b5c4d3e2f")
    );
    assert_eq!(primary.hosted_git_mirror_enabled, Some(true));
    assert_eq!(primary.hosted_container_cache_enabled, Some(false));
    assert_eq!(rfc3339(&primary.created_at), "2023-09-01T08:00:00Z");
    let maintainers = primary.maintainers.as_ref().expect("maintainers");
    let user = &maintainers.users.as_ref().expect("users")[0];
    let actor = &user.actor;
    assert_eq!(actor.email.as_deref(), Some("jane@example.com"));
    assert_eq!(actor.r#type, Some(types::ClusterMaintainerActorType::User));
    let team = &maintainers.teams.as_ref().expect("teams")[0].actor;
    assert_eq!(team.slug.as_deref(), Some("platform"));
    assert_eq!(team.r#type, None, "team entries carry no type in the docs");

    let sandbox = &clusters[1];
    assert_eq!(sandbox.default_queue_id, None, "null right after create");
    assert_eq!(sandbox.default_queue_url, None);
    assert_eq!(sandbox.description, None);
    assert_eq!(sandbox.color.as_deref(), Some("FF5733"));
    assert_eq!(sandbox.hosted_git_mirror_enabled, None, "absent without manage permission");
    assert_eq!(sandbox.maintainers.as_ref().and_then(|m| m.users.as_ref()).map(Vec::len), Some(0));
}

#[tokio::test]
async fn list_queues() {
    let (server, client) = serve(json_response(200, fixture!("queues.json"))).await;

    let queues = client.queues().list("acme", CLUSTER_ID).await.expect("listQueues succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", &format!("/organizations/acme/clusters/{CLUSTER_ID}/queues"));
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_query(&request);

    assert_eq!(queues.len(), 2);
    let default = &queues[0];
    assert_eq!(default.key, "default");
    assert_eq!(default.retry_agent_affinity, Some(types::QueueRetryAgentAffinity::PreferWarmest));
    assert_eq!(default.dispatch_paused, Some(false));
    assert_eq!(default.dispatch_paused_by, None);
    assert_eq!(default.dispatch_paused_at, None);
    assert_eq!(default.hosted, None);
    assert_eq!(default.hosted_agents, None);
    let hosted = &queues[1];
    assert_eq!(hosted.key, "hosted-linux");
    assert_eq!(hosted.description, None);
    assert_eq!(hosted.retry_agent_affinity, Some(types::QueueRetryAgentAffinity::PreferDifferent));
    assert_eq!(hosted.dispatch_paused, Some(true));
    assert_eq!(hosted.dispatch_paused_note.as_deref(), Some("Maintenance window"));
    assert_eq!(opt_rfc3339(&hosted.dispatch_paused_at).as_deref(), Some("2024-05-01T12:00:00Z"));
    assert_eq!(hosted.dispatch_paused_by.as_ref().and_then(|u| u.name.as_deref()), Some("Jane Doe"));
    assert_eq!(hosted.hosted, Some(true));
    let agents = hosted.hosted_agents.as_ref().expect("hosted_agents");
    let shape = agents.instance_shape.as_ref().expect("instance_shape");
    assert_eq!(shape.name.as_deref(), Some("LINUX_AMD64_2X4"));
    assert_eq!(shape.machine_type.as_deref(), Some("linux"));
    assert_eq!(shape.architecture.as_deref(), Some("amd64"));
    assert_eq!(shape.cpu, Some(2));
    assert_eq!(shape.memory, Some(4));
    let linux = agents.platform_settings.as_ref().and_then(|p| p.linux.as_ref()).expect("linux settings");
    assert_eq!(linux.agent_image_ref, None);
}

#[tokio::test]
async fn list_agent_tokens() {
    let (server, client) = serve(json_response(200, fixture!("agent_tokens.json"))).await;

    let tokens = client.agent_tokens().list("acme", CLUSTER_ID).per_page(10).await.expect("listAgentTokens succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", &format!("/organizations/acme/clusters/{CLUSTER_ID}/tokens"));
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_query(&request, &[("per_page", "10")]);

    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0].id.to_string(), "b6001416-0e1e-41c6-9dbe-3d96766f451a");
    assert_eq!(tokens[0].description, "Elastic stack (prod)");
    assert_eq!(
        tokens[0].allowed_ip_addresses.as_deref(),
        Some("192.0.2.0/24 198.51.100.12/32"),
        "one space-separated string (trap 18)"
    );
    // RFC 3339 without a fraction.
    assert_eq!(opt_rfc3339(&tokens[0].expires_at).as_deref(), Some("2026-01-01T00:00:00Z"));
    assert_eq!(tokens[0].token, None, "the secret is never listed");
    assert_eq!(tokens[0].created_by.as_ref().and_then(|u| u.name.as_deref()), Some("Jane Doe"));
    assert_eq!(tokens[1].allowed_ip_addresses, None);
    assert_eq!(tokens[1].expires_at, None);
    assert_eq!(rfc3339(&tokens[1].created_at), "2024-04-01T16:45:00Z");
}

// ---------------------------------------------------------------------------------------------
// Teams, pipeline templates, rules, emojis
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_teams_filtered_by_user() {
    let (server, client) = serve(json_response(200, fixture!("teams.json"))).await;

    let teams = client
        .teams()
        .list("acme")
        .user_id(uuid!("3d3c3f3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f"))
        .await
        .expect("listTeams succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations/acme/teams");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_query(&request, &[("user_id", "3d3c3f3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f")]);

    assert_eq!(teams.len(), 2);
    assert_eq!(teams[0].slug.as_deref(), Some("platform"));
    assert_eq!(teams[0].description.as_deref(), Some(""), "empty string, not null (trap 4)");
    assert_eq!(teams[0].privacy, Some(types::TeamPrivacy::Visible));
    assert_eq!(teams[0].default, Some(true));
    assert_eq!(opt_rfc3339(&teams[0].created_at).as_deref(), Some("2022-02-22T22:22:22.222Z"));
    assert_eq!(teams[1].privacy, Some(types::TeamPrivacy::Secret));
    assert_eq!(teams[1].default, Some(false));
    assert_eq!(teams[1].created_by, None);
}

#[tokio::test]
async fn list_pipeline_templates() {
    let (server, client) = serve(json_response(200, fixture!("pipeline_templates.json"))).await;

    let templates = client.pipeline_templates().list("acme").await.expect("listPipelineTemplates succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations/acme/pipeline-templates");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_query(&request);

    assert_eq!(templates.len(), 1);
    let template = &templates[0];
    assert_eq!(template.uuid.to_string(), "018e5a7a-1b2c-7d3e-8f40-5a6b7c8d9e0f", "keyed `uuid` (trap 29)");
    assert_eq!(template.name, "Standard upload");
    assert_eq!(template.available, Some(true));
    assert_eq!(
        template.configuration,
        "steps:\n  - label: \":pipeline:\"\n    command: buildkite-agent pipeline upload\n"
    );
    assert_eq!(opt_rfc3339(&template.updated_at).as_deref(), Some("2024-04-15T17:30:45.678Z"));
    assert_eq!(template.updated_by, None);
    assert_eq!(
        template.created_by.as_ref().map(|u| u.id.to_string()).as_deref(),
        Some("3d3c3f3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f")
    );
}

#[tokio::test]
async fn list_rules() {
    let (server, client) = serve(json_response(200, fixture!("rules.json"))).await;

    let rules = client.rules().list("acme").per_page(30).await.expect("listRules succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations/acme/rules");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_query(&request, &[("per_page", "30")]);

    assert_eq!(rules.len(), 2);
    let trigger = &rules[0];
    assert_eq!(trigger.uuid.to_string(), "018f0a0b-0c0d-7e0f-8a1b-2c3d4e5f6a7b");
    assert_eq!(trigger.r#type, types::RuleType::PipelineTriggerBuildPipeline);
    assert_eq!(trigger.r#type.as_str(), "pipeline.trigger_build.pipeline");
    assert_eq!(trigger.action, Some(types::RuleAction::TriggerBuild));
    assert_eq!(trigger.effect, Some(types::RuleEffect::Allow));
    assert_eq!(trigger.source_type, Some(types::RuleSourceType::Pipeline));
    assert_eq!(trigger.target_type, Some(types::RuleTargetType::Pipeline));
    assert_eq!(
        trigger.organization_uuid.map(|id| id.to_string()).as_deref(),
        Some("7a1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d")
    );
    assert_eq!(trigger.source_uuid.map(|id| id.to_string()).as_deref(), Some("018f2b5e-7c1a-7d3e-9b2f-4a5c6d7e8f90"));
    assert_eq!(trigger.target_uuid.map(|id| id.to_string()).as_deref(), Some("018f2f00-1234-7567-89ab-cdef01234567"));
    let read = &rules[1];
    assert_eq!(read.r#type, types::RuleType::PipelineArtifactsReadPipeline);
    assert_eq!(read.action, Some(types::RuleAction::ArtifactsRead));
    assert_eq!(rfc3339(&read.created_at), "2024-04-21T10:00:00Z");
}

#[tokio::test]
async fn list_emojis_is_not_paginated() {
    let (server, client) = serve(json_response(200, fixture!("emojis.json"))).await;

    let emojis = client.emojis().list("acme").await.expect("listEmojis succeeds");

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations/acme/emojis");
    assert_bearer(&request);
    assert_accepts_json(&request);
    assert_no_query(&request);

    assert_eq!(emojis.len(), 3);
    assert_eq!(emojis[0].name, "rocket");
    assert_eq!(emojis[0].url, "https://buildkiteassets.com/emojis/img-buildkite-64/rocket.png?v2");
    assert_eq!(emojis[0].aliases, None, "absent aliases");
    assert_eq!(emojis[1].name, "+1");
    assert_eq!(emojis[1].aliases.as_deref(), Some(&["thumbsup".to_string()][..]));
    assert_eq!(emojis[2].name, "acme-logo");
}

// ---------------------------------------------------------------------------------------------
// Error statuses
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn not_found_keeps_status_message_and_body() {
    let body = r#"{"message": "No build found"}"#;
    let (server, client) = serve(json_response(404, body)).await;

    let e = api_error(client.builds().get("acme", "app", 999).await);

    let request = only_request(&server).await;
    assert_route(&request, "GET", "/organizations/acme/pipelines/app/builds/999");
    assert_eq!(e.status.as_u16(), 404);
    assert_eq!(e.message.as_deref(), Some("No build found"));
    assert_eq!(e.errors, None);
    assert_eq!(&e.body[..], body.as_bytes(), "raw body kept");
    assert_eq!(e.operation, "getBuild");
    assert_eq!(e.method.as_str(), "GET");
    assert_eq!(e.path, "/organizations/acme/pipelines/app/builds/999");
    assert_eq!(e.path_template, "/organizations/{org}/pipelines/{pipeline}/builds/{number}");
    let model: types::ErrorType = e.decode().expect("the body decodes as the spec's error model");
    assert_eq!(model.message, "No build found");
    assert_eq!(model.errors, None);
    let error = Error::Api(e);
    // The operation's error enum decodes the documented body, by status: 404 is documented.
    match buildkite_api::operations::builds::GetBuildError::from_error(&error) {
        Some(buildkite_api::operations::builds::GetBuildError::NotFound(model)) => {
            assert_eq!(model.message, "No build found")
        }
        other => panic!("the documented error body decodes: {other:?}"),
    }
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("No build found"), "Display: {error}");
    assert!(!error.to_string().contains(TOKEN), "Display must not show the token");
}

#[tokio::test]
async fn server_error_with_html_body_is_kept_and_not_retried() {
    let html = "<!DOCTYPE html>\n<html><head><title>We're sorry, but something went wrong (500)</title></head>\
                <body><h1>We're sorry, but something went wrong.</h1></body></html>\n";
    let (server, client) = serve(ResponseTemplate::new(500).set_body_raw(html, "text/html; charset=utf-8")).await;

    let e = api_error(client.pipelines().list("acme").await);

    let request = only_request(&server).await; // 500 is not retried
    assert_route(&request, "GET", "/organizations/acme/pipelines");
    assert_eq!(e.status.as_u16(), 500);
    assert_eq!(e.message, None, "no JSON message in an HTML body");
    assert_eq!(e.errors, None);
    assert_eq!(e.body_text(), html);
    assert_eq!(&e.body[..], html.as_bytes());
    assert_eq!(e.operation, "listPipelines");
    assert!(e.decode::<types::ErrorType>().is_err(), "HTML is not the error model");
    assert_eq!(
        e.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("text/html; charset=utf-8"),
        "response headers kept"
    );
}

#[tokio::test]
async fn validation_failure_keeps_errors_and_decodes_the_error_model() {
    let body = r#"{
      "message": "Validation Failed",
      "errors": [
        {"field": "branch", "code": "Branch can't be blank"},
        {"field": "commit", "code": "Commit is not a valid ref", "value": ""}
      ]
    }"#;
    let (server, client) = serve(json_response(422, body)).await;

    let mut request_body = types::CreateBuildRequest::new("", "");
    request_body.branch = String::new();
    request_body.commit = "not a ref".to_string();
    let result = client.builds().create("acme", "app", request_body).await;
    let e = api_error(result);

    let request = only_request(&server).await; // a POST is never retried
    assert_route(&request, "POST", "/organizations/acme/pipelines/app/builds");
    assert_json_body(&request, json!({ "branch": "", "commit": "not a ref" }));
    assert_eq!(e.status.as_u16(), 422);
    assert_eq!(e.message.as_deref(), Some("Validation Failed"));
    assert_eq!(
        e.errors,
        Some(json!([
            {"field": "branch", "code": "Branch can't be blank"},
            {"field": "commit", "code": "Commit is not a valid ref", "value": ""}
        ]))
    );
    assert_eq!(&e.body[..], body.as_bytes());

    let model: types::ErrorType = e.decode().expect("the body decodes as the spec's error model");
    assert_eq!(model.message, "Validation Failed");
    let errors = model.errors.expect("errors");
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].field.as_deref(), Some("branch"));
    assert_eq!(errors[0].code.as_deref(), Some("Branch can't be blank"));
    assert_eq!(errors[1].field.as_deref(), Some("commit"));
    assert_eq!(errors[1].extra.get("value"), Some(&json!("")), "undocumented keys kept");

    // 422 has a documented body of its own, picked by status.
    use buildkite_api::operations::builds::CreateBuildError;
    let error = Error::Api(e);
    assert!(matches!(
        CreateBuildError::from_error(&error),
        Some(CreateBuildError::UnprocessableEntity(ref m)) if m.message == "Validation Failed"
    ));
    // Not an API error: nothing to decode.
    assert_eq!(CreateBuildError::from_error(&Error::InvalidRequest("x".into())), None);
}

#[tokio::test]
async fn bad_request_on_stop_agent_is_an_api_error() {
    let body = r#"{"message":"Can only stop connected agents"}"#;
    let (server, client) = serve(json_response(400, body)).await;

    let e = api_error(client.agents().stop("acme", AGENT_ID).body(types::StopAgentRequest::new().force(true)).await);

    let request = only_request(&server).await;
    assert_route(&request, "PUT", &format!("/organizations/acme/agents/{AGENT_ID}/stop"));
    assert_eq!(e.status.as_u16(), 400);
    assert_eq!(e.message.as_deref(), Some("Can only stop connected agents"));
    assert_eq!(e.operation, "stopAgent");
}
