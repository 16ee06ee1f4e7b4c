//! Test Engine: suites, runs, failed executions, execution tags, tests, quarantine, flaky tests
//! and a build's tests (`/analytics/organizations/{org}/...`).

use super::*;

const SUITE_ID: &str = "0191c3f2-6a0e-7d1b-9c55-2f4e8a1b7c30";
const RUN_ID: &str = "0191d0a4-3c2b-7f18-a6e9-5b8c7d6e4f21";
const TEST_ID: &str = "c4a1f8e2-9b3d-8c7e-a6f5-4e3d2c1b0a98";
const BUILD_ID: &str = "0191d0a3-ff10-7b2c-9e8d-1a2b3c4d5e6f";
const TEAM_ID: &str = "0190f1e2-3a4b-7c5d-8e6f-7a8b9c0d1e2f";

#[tokio::test]
async fn list_test_suites() {
    let suites = Case::new("listTestSuites", "/analytics/organizations/acme/suites")
        .query(&[("show_api_token", "false"), ("page", "2"), ("per_page", "50")])
        .respond(200, fixture!("test_suites_list.json"))
        .run(|c| c.test_suites().list("acme").show_api_token(false).page(2).per_page(50))
        .await;
    assert_eq!(suites.len(), 2);
    assert_eq!(suites[0].id.to_string(), SUITE_ID);
    assert_eq!(suites[0].default_branch.as_deref(), Some("main"));
    assert_eq!(suites[1].application_name, None);
    assert!(suites[1].oidc_policy.is_none());
}

#[tokio::test]
async fn create_test_suite() {
    let team: uuid::Uuid = TEAM_ID.parse().expect("a UUID");
    let suite = Case::new("createTestSuite", "/analytics/organizations/acme/suites")
        .json(json!({
            "name": "RSpec",
            "default_branch": "main",
            "show_api_token": true,
            "team_ids": [TEAM_ID],
            "application_name": "Storefront",
            "color": "#A3E4D7",
            "emoji": ":ruby:"
        }))
        .respond(201, fixture!("test_suite_created.json"))
        .run(|c| {
            c.test_suites().create(
                "acme",
                types::CreateTestSuiteRequest::new("RSpec", "main")
                    .show_api_token(true)
                    .team_ids(vec![team])
                    .application_name("Storefront")
                    .color("#A3E4D7")
                    .emoji(":ruby:"),
            )
        })
        .await;
    assert_eq!(suite.slug, "rspec");
    assert_eq!(suite.api_token.as_deref(), Some("kT9rWq2vLx8ZpA4mN6cB1sDe"));
}

#[tokio::test]
async fn get_test_suite() {
    let suite = Case::new("getTestSuite", "/analytics/organizations/acme/suites/rspec")
        .query(&[("show_api_token", "true")])
        .respond(200, fixture!("test_suite.json"))
        .run(|c| c.test_suites().get("acme", "rspec").show_api_token(true))
        .await;
    assert_eq!(suite.name, "RSpec");
    assert_eq!(suite.web_url, "https://buildkite.com/organizations/acme/analytics/suites/rspec");
    assert_eq!(suite.api_token, None);
}

#[tokio::test]
async fn update_test_suite() {
    let suite = Case::new("updateTestSuite", "/analytics/organizations/acme/suites/rspec")
        .json(json!({"name": "RSpec", "default_branch": "trunk", "oidc_policy": null}))
        .respond(200, fixture!("test_suite.json"))
        .run(|c| {
            c.test_suites().update(
                "acme",
                "rspec",
                types::UpdateTestSuiteRequest::new().name("RSpec").default_branch("trunk").clear_oidc_policy(),
            )
        })
        .await;
    assert_eq!(suite.id.to_string(), SUITE_ID);
}

#[tokio::test]
async fn update_test_suite_with_a_yaml_oidc_policy() {
    let policy = "- iss: https://agent.buildkite.com\n  scopes:\n    - read_suites\n";
    let suite = Case::new("updateTestSuite", "/analytics/organizations/acme/suites/rspec")
        .json(json!({"oidc_policy": policy}))
        .respond(200, fixture!("test_suite.json"))
        .run(|c| {
            c.test_suites().update(
                "acme",
                "rspec",
                types::UpdateTestSuiteRequest::new()
                    .oidc_policy(types::TestSuiteOidcPolicy::String(policy.to_string())),
            )
        })
        .await;
    assert_eq!(suite.slug, "rspec");
}

#[tokio::test]
async fn delete_test_suite() {
    Case::new("deleteTestSuite", "/analytics/organizations/acme/suites/rspec")
        .respond_empty(204)
        .run(|c| c.test_suites().delete("acme", "rspec"))
        .await;
}

#[tokio::test]
async fn list_test_runs() {
    let runs = Case::new("listTestRuns", "/analytics/organizations/acme/suites/rspec/runs")
        .query(&[("build_id", BUILD_ID), ("per_page", "10")])
        .respond(200, fixture!("test_runs_list.json"))
        .run(|c| c.test_runs().list("acme", "rspec").build_id(BUILD_ID).per_page(10))
        .await;
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].result, types::TestRunResult::Failed);
    assert_eq!(runs[0].build_id.map(|b| b.to_string()).as_deref(), Some(BUILD_ID));
    assert_eq!(runs[1].state, types::TestRunState::Running);
    assert_eq!(runs[1].build_id, None);
    assert_eq!(runs[1].branch, None);
}

#[tokio::test]
async fn get_test_run() {
    let path = format!("/analytics/organizations/acme/suites/rspec/runs/{RUN_ID}");
    let run = Case::new("getTestRun", path)
        .respond(200, fixture!("test_run.json"))
        .run(|c| c.test_runs().get("acme", "rspec", RUN_ID))
        .await;
    assert_eq!(run.id.to_string(), RUN_ID);
    assert_eq!(run.state, types::TestRunState::Finished);
    assert_eq!(run.result, types::TestRunResult::Passed);
    assert_eq!(run.commit_sha.as_deref(), Some("9f1c2b7e4a3d5c6b8e0f1a2b3c4d5e6f7a8b9c0d"));
}

#[tokio::test]
async fn list_test_run_failed_executions() {
    let path = format!("/analytics/organizations/acme/suites/rspec/runs/{RUN_ID}/failed_executions");
    let failed = Case::new("listTestRunFailedExecutions", path)
        .query(&[("include_failure_expanded", "true"), ("page", "1")])
        .respond(200, fixture!("failed_executions.json"))
        .run(|c| c.test_runs().list_failed_executions("acme", "rspec", RUN_ID).include_failure_expanded(true).page(1))
        .await;
    assert_eq!(failed.len(), 1);
    let execution = &failed[0];
    assert_eq!(execution.test_id.to_string(), TEST_ID);
    assert_eq!(execution.failure_reason.as_deref(), Some("expected 3 line items, got 2"));
    assert_eq!(execution.duration, Some(0.48213));
    let tags = execution.tags.as_ref().expect("tags");
    assert_eq!(tags.get("language.version").map(String::as_str), Some("3.3.4"));
    let expanded = execution.failure_expanded.as_ref().expect("failure_expanded");
    assert_eq!(expanded[0].expanded.as_ref().map(Vec::len), Some(2));
}

#[tokio::test]
async fn update_execution_tags() {
    let execution = "7b2e4c1a-5d3f-8e6a-b9c0-1d2e3f4a5b6c";
    let tags: std::collections::BTreeMap<String, String> =
        [("mut.classification".to_string(), "infrastructure".to_string())].into_iter().collect();
    let body = Case::new("updateExecutionTags", "/analytics/organizations/acme/suites/rspec/execution-tags")
        .json(json!({
            "executions": [
                {"id": execution, "tags": {"mut.classification": "infrastructure"}},
                {"id": TEST_ID, "tags": {}}
            ]
        }))
        .respond_empty(200)
        .run(|c| {
            c.test_runs().update_execution_tags(
                "acme",
                "rspec",
                types::UpdateExecutionTagsRequest::new(vec![
                    types::ExecutionTagsUpdate::new(execution, tags),
                    types::ExecutionTagsUpdate::new(TEST_ID, std::collections::BTreeMap::new()),
                ]),
            )
        })
        .await;
    // The docs show no response body: whatever comes back is kept untyped.
    assert_eq!(body, buildkite_api::runtime::UntypedBody::Empty);
}

#[tokio::test]
async fn list_tests() {
    let from = buildkite_api::runtime::Timestamp::parse("2026-07-01T00:00:00Z").expect("valid timestamp");
    let to = buildkite_api::runtime::Timestamp::parse("2026-07-23T00:00:00Z").expect("valid timestamp");
    let tests = Case::new("listTests", "/analytics/organizations/acme/suites/rspec/tests")
        .query(&[
            ("labels", "flaky,!slow"),
            ("branch", "main"),
            ("owners", "payments"),
            ("state", "enabled"),
            ("tags", "result:~failed"),
            ("sort_by", "reliability"),
            ("order", "asc"),
            ("min_timestamp", "2026-07-01T00:00:00Z"),
            ("max_timestamp", "2026-07-23T00:00:00Z"),
            ("per_page", "100"),
        ])
        .respond(200, fixture!("tests_list.json"))
        .run(|c| {
            c.tests()
                .list("acme", "rspec")
                .buildkite_version("2026-08-01")
                .labels("flaky,!slow")
                .branch("main")
                .owners("payments")
                .state(types::TestState::Enabled)
                .tags("result:~failed")
                .sort_by(types::TestSortField::Reliability)
                .order(types::TestSortDirection::Asc)
                .min_timestamp(from)
                .max_timestamp(to)
                .per_page(100)
        })
        .await;
    assert_eq!(tests.len(), 2);
    assert_eq!(tests[0].id.to_string(), TEST_ID);
    assert_eq!(tests[0].reliability, Some(0.875));
    assert_eq!(tests[0].executions_count, Some(40));
    let counts = tests[1].executions_count_by_result.as_ref().expect("counts");
    assert_eq!((counts.passed, counts.failed, counts.skipped), (0, 0, Some(2)));
    assert_eq!(tests[1].reliability, None);
}

#[tokio::test]
async fn list_tests_with_the_legacy_label_filter() {
    let tests = Case::new("listTests", "/analytics/organizations/acme/suites/rspec/tests")
        .query(&[("label", "flaky"), ("period", "28days")])
        .respond(200, &format!("[{}]", fixture!("test.json")))
        .run(|c| c.tests().list("acme", "rspec").label("flaky").period("28days"))
        .await;
    assert_eq!(tests[0].scope.as_deref(), Some("Cart#merge"));
    assert_eq!(tests[0].labels, None);
    assert_eq!(tests[0].executions_count_by_result, None);
}

#[tokio::test]
async fn get_test() {
    let path = format!("/analytics/organizations/acme/suites/rspec/tests/{TEST_ID}");
    let test = Case::new("getTest", path)
        .query(&[("period", "7days")])
        .respond(200, fixture!("test_with_metrics.json"))
        .run(|c| c.tests().get("acme", "rspec", TEST_ID).period("7days").buildkite_version("2026-08-01"))
        .await;
    assert_eq!(test.name, "keeps every line item after a merge");
    assert_eq!(test.duration_avg, None);
    assert_eq!(test.executions_count, Some(0));
}

#[tokio::test]
async fn find_test() {
    let test = Case::new("findTest", "/analytics/organizations/acme/suites/rspec/tests/find")
        .json(json!({"scope": "Cart#merge", "name": "keeps every line item after a merge"}))
        .respond(200, fixture!("test.json"))
        .run(|c| {
            c.tests().find(
                "acme",
                "rspec",
                types::FindTestRequest::new("Cart#merge", "keeps every line item after a merge"),
            )
        })
        .await;
    assert_eq!(test.id.to_string(), TEST_ID);
    assert_eq!(test.file_name.as_deref(), Some("./spec/models/cart_spec.rb"));
}

#[tokio::test]
async fn update_test_labels() {
    let path = format!("/analytics/organizations/acme/suites/rspec/tests/{TEST_ID}/labels");
    let test = Case::new("updateTestLabels", path)
        .json(json!({"operator": "add", "labels": ["flaky", "slow"]}))
        .respond(200, fixture!("test_labeled.json"))
        .run(|c| {
            c.tests().update_labels(
                "acme",
                "rspec",
                TEST_ID,
                types::UpdateTestLabelsRequest::new(
                    types::TestLabelsOperator::Add,
                    vec!["flaky".to_string(), "slow".to_string()],
                ),
            )
        })
        .await;
    assert_eq!(test.labels, Some(vec!["flaky".to_string(), "slow".to_string()]));
}

#[tokio::test]
async fn skip_test() {
    let path = format!("/analytics/organizations/acme/suites/rspec/tests/{TEST_ID}/skip");
    let test = Case::new("skipTest", path)
        .respond(200, fixture!("test.json"))
        .run(|c| c.tests().skip("acme", "rspec", TEST_ID))
        .await;
    assert_eq!(test.id.to_string(), TEST_ID);
}

#[tokio::test]
async fn mute_test() {
    let path = format!("/analytics/organizations/acme/suites/rspec/tests/{TEST_ID}/mute");
    let test = Case::new("muteTest", path)
        .respond(200, fixture!("test.json"))
        .run(|c| c.tests().mute("acme", "rspec", TEST_ID))
        .await;
    assert_eq!(test.location.as_deref(), Some("./spec/models/cart_spec.rb:52"));
}

#[tokio::test]
async fn enable_test() {
    let path = format!("/analytics/organizations/acme/suites/rspec/tests/{TEST_ID}/enable");
    let test = Case::new("enableTest", path)
        .respond(200, fixture!("test.json"))
        .run(|c| c.tests().enable("acme", "rspec", TEST_ID))
        .await;
    assert_eq!(
        test.web_url,
        format!("https://buildkite.com/organizations/acme/analytics/suites/rspec/tests/{TEST_ID}")
    );
}

#[tokio::test]
async fn list_muted_tests() {
    let tests = Case::new("listMutedTests", "/analytics/organizations/acme/suites/jest/tests/muted")
        .query(&[("per_page", "100")])
        .respond(200, fixture!("muted_tests.json"))
        .run(|c| c.tests().list_muted("acme", "jest").per_page(100))
        .await;
    assert_eq!(tests.len(), 1);
    assert_eq!(tests[0].file_name.as_deref(), Some("checkout.spec.js"));
}

#[tokio::test]
#[allow(deprecated)]
async fn list_flaky_tests() {
    let flaky = Case::new("listFlakyTests", "/analytics/organizations/acme/suites/rspec/flaky-tests")
        .query(&[("search", "Cart#"), ("branch", "main"), ("period", "28days")])
        .respond(200, fixture!("flaky_tests.json"))
        .run(|c| {
            c.tests().list_flaky("acme", "rspec").search("Cart#").branch("main").period(types::FlakyTestPeriod::N28days)
        })
        .await;
    assert_eq!(flaky[0].instances, Some(4));
    assert_eq!(flaky[0].last_resolved_at, None);
    assert!(flaky[0].latest_occurrence_at.is_some());
    assert_eq!(flaky[0].ownership_team_ids.as_ref().map(Vec::len), Some(1));
}

#[tokio::test]
async fn list_tests_for_build() {
    let path = format!("/analytics/organizations/acme/builds/{BUILD_ID}/tests");
    let tests = Case::new("listTestsForBuild", path)
        .query(&[
            ("labels", "flaky"),
            ("branch", "feature*"),
            ("owners", "!platform"),
            ("state", "muted"),
            ("tags", "result:^passed"),
            ("sort_by", "duration_max"),
            ("order", "desc"),
            ("page", "1"),
        ])
        .respond(200, fixture!("tests_list.json"))
        .run(|c| {
            c.tests()
                .list_for_build("acme", BUILD_ID)
                .labels("flaky")
                .branch("feature*")
                .owners("!platform")
                .state(types::TestState::Muted)
                .tags("result:^passed")
                .sort_by(types::TestSortField::DurationMax)
                .order(types::TestSortDirection::Desc)
                .page(1)
        })
        .await;
    assert_eq!(tests.len(), 2);
    assert_eq!(tests[0].duration_max, Some(1.307));
}
