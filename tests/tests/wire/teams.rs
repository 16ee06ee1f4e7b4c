//! Teams, and their members, pipelines and suites (spec/overlays/teams.yaml,
//! team-members.yaml, team-pipelines.yaml, team-suites.yaml).

use super::*;

const TEAM: &str = "9e8d7c6b-5a49-4382-a716-a5b4c3d2e1f0";
const USER: &str = "0a7f6e5d-4c3b-4a29-8817-f6e5d4c3b2a1";
const PIPELINE: &str = "018c5ad7-28f1-45d4-867e-b59fa04511b2";
const SUITE: &str = "19f3973d-1e0b-43f1-b490-22be52abd99a";

// Teams

#[tokio::test]
async fn list_teams() {
    let teams = Case::new("listTeams", "/organizations/acme/teams")
        .query(&[("user_id", USER), ("page", "2"), ("per_page", "50")])
        .respond(200, fixture!("teams.json"))
        .run(|c| c.teams().list("acme").user_id(USER.parse::<uuid::Uuid>().expect("a UUID")).page(2).per_page(50))
        .await;
    assert_eq!(teams.len(), 2);
    assert_eq!(teams[0].slug.as_deref(), Some("platform"));
    assert_eq!(teams[1].privacy, Some(types::TeamPrivacy::Secret));
    assert_eq!(teams[1].created_by, None);
}

#[tokio::test]
async fn create_team() {
    let body = types::CreateTeamRequest::new(
        "Backend",
        "Backend engineers at Acme",
        types::TeamPrivacy::Secret,
        false,
        types::TeamMemberRole::Member,
        true,
        true,
        true,
        false,
        false,
    );
    // The docs' answer echoes the request: no id, slug or created_at.
    let team = Case::new("createTeam", "/organizations/acme/teams")
        .json(json!({
            "name": "Backend",
            "description": "Backend engineers at Acme",
            "privacy": "secret",
            "is_default_team": false,
            "default_member_role": "member",
            "members_can_create_pipelines": true,
            "members_can_create_suites": true,
            "members_can_create_registries": true,
            "members_can_destroy_registries": false,
            "members_can_destroy_packages": false
        }))
        .respond(201, fixture!("team_created.json"))
        .run(|c| c.teams().create("acme", body))
        .await;
    assert_eq!(team.name, "Backend");
    assert_eq!(team.id, None);
    assert_eq!(team.default_member_role, Some(types::TeamMemberRole::Member));
    assert_eq!(team.members_can_destroy_packages, Some(false));
}

#[tokio::test]
async fn create_team_rejected() {
    let body = types::CreateTeamRequest::new(
        "Backend",
        "",
        types::TeamPrivacy::Visible,
        false,
        types::TeamMemberRole::Member,
        false,
        false,
        false,
        false,
        false,
    );
    let error = Case::new("createTeam", "/organizations/acme/teams")
        .json(json!({
            "name": "Backend",
            "description": "",
            "privacy": "visible",
            "is_default_team": false,
            "default_member_role": "member",
            "members_can_create_pipelines": false,
            "members_can_create_suites": false,
            "members_can_create_registries": false,
            "members_can_destroy_registries": false,
            "members_can_destroy_packages": false
        }))
        .respond_json(422, json!({ "message": "Validation failed: Name has already been taken" }))
        .run_err(|c| c.teams().create("acme", body))
        .await;
    match buildkite_api::operations::teams::CreateTeamError::from_error(&error) {
        Some(buildkite_api::operations::teams::CreateTeamError::UnprocessableEntity(body)) => {
            assert_eq!(body.message, "Validation failed: Name has already been taken");
        }
        other => panic!("expected a 422 body, got {other:?}"),
    }
}

#[tokio::test]
async fn enable_teams() {
    Case::new("enableTeams", "/organizations/acme/teams/enable")
        .respond_empty(204)
        .run(|c| c.teams().enable("acme"))
        .await;
}

#[tokio::test]
async fn get_team() {
    let team = Case::new("getTeam", format!("/organizations/acme/teams/{TEAM}"))
        .respond(200, fixture!("team.json"))
        .run(|c| c.teams().get("acme", TEAM))
        .await;
    assert_eq!(team.id.map(|id| id.to_string()).as_deref(), Some(TEAM));
    assert_eq!(team.default, Some(true));
    assert_eq!(team.description.as_deref(), Some(""));
    assert_eq!(team.created_by.expect("created_by").name.as_deref(), Some("Jane Doe"));
}

#[tokio::test]
async fn update_team() {
    // Only the fields being changed are sent (every update field is optional).
    let body = types::UpdateTeamRequest::new()
        .name("Backend Guild")
        .privacy(types::TeamPrivacy::Visible)
        .default_member_role(types::TeamMemberRole::Maintainer);
    let team = Case::new("updateTeam", format!("/organizations/acme/teams/{TEAM}"))
        .json(json!({ "name": "Backend Guild", "privacy": "visible", "default_member_role": "maintainer" }))
        .respond(200, fixture!("team_updated.json"))
        .run(|c| c.teams().update("acme", TEAM, body))
        .await;
    assert_eq!(team.name, "Backend Guild");
    assert_eq!(team.privacy, Some(types::TeamPrivacy::Visible));
}

#[tokio::test]
async fn delete_team() {
    Case::new("deleteTeam", format!("/organizations/acme/teams/{TEAM}"))
        .respond_empty(204)
        .run(|c| c.teams().delete("acme", TEAM))
        .await;
}

// Team members

#[tokio::test]
async fn list_team_members() {
    let members = Case::new("listTeamMembers", format!("/organizations/acme/teams/{TEAM}/members"))
        .query(&[("page", "1"), ("per_page", "100")])
        .respond(200, fixture!("team_members.json"))
        .run(|c| c.team_members().list("acme", TEAM).page(1).per_page(100))
        .await;
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].role, types::TeamMemberRole::Maintainer);
    assert_eq!(members[1].user_name, "Sam Lee");
}

#[tokio::test]
async fn add_team_member() {
    let member = Case::new("addTeamMember", format!("/organizations/acme/teams/{TEAM}/members"))
        .json(json!({ "user_id": USER, "role": "member" }))
        .respond(201, fixture!("team_member.json"))
        .run(|c| {
            c.team_members().add("acme", TEAM, types::AddTeamMemberRequest::new(USER, types::TeamMemberRole::Member))
        })
        .await;
    assert_eq!(member.user_id, USER);
    assert_eq!(member.created_at.to_string(), "2023-12-15T00:23:23.823Z");
}

#[tokio::test]
async fn get_team_member() {
    let member = Case::new("getTeamMember", format!("/organizations/acme/teams/{TEAM}/members/{USER}"))
        .respond(200, fixture!("team_member.json"))
        .run(|c| c.team_members().get("acme", TEAM, USER))
        .await;
    assert_eq!(member.role, types::TeamMemberRole::Member);
}

#[tokio::test]
async fn update_team_member() {
    let member = Case::new("updateTeamMember", format!("/organizations/acme/teams/{TEAM}/members/{USER}"))
        .json(json!({ "role": "maintainer" }))
        .respond_json(
            200,
            json!({
                "role": "maintainer",
                "created_at": "2023-12-15T00:23:23.823Z",
                "user_id": USER,
                "user_name": "Sam Lee"
            }),
        )
        .run(|c| {
            c.team_members().update(
                "acme",
                TEAM,
                USER,
                types::UpdateTeamMemberRequest::new(types::TeamMemberRole::Maintainer),
            )
        })
        .await;
    assert_eq!(member.role, types::TeamMemberRole::Maintainer);
}

#[tokio::test]
async fn remove_team_member() {
    Case::new("removeTeamMember", format!("/organizations/acme/teams/{TEAM}/members/{USER}"))
        .respond_empty(204)
        .run(|c| c.team_members().remove("acme", TEAM, USER))
        .await;
}

// Team pipelines

#[tokio::test]
async fn list_team_pipelines() {
    let pipelines = Case::new("listTeamPipelines", format!("/organizations/acme/teams/{TEAM}/pipelines"))
        .query(&[("page", "3"), ("per_page", "10")])
        .respond(200, fixture!("team_pipelines.json"))
        .run(|c| c.team_pipelines().list("acme", TEAM).page(3).per_page(10))
        .await;
    assert_eq!(pipelines.len(), 2);
    assert_eq!(pipelines[0].access_level, types::PipelineTeamAccessLevel::ManageBuildAndRead);
    assert_eq!(pipelines[1].pipeline_url, "https://api.buildkite.com/v2/organizations/acme/pipelines/docs-site");
}

#[tokio::test]
async fn add_team_pipeline() {
    let access = Case::new("addTeamPipeline", format!("/organizations/acme/teams/{TEAM}/pipelines"))
        .json(json!({ "pipeline_id": PIPELINE, "access_level": "build_and_read" }))
        .respond(201, fixture!("team_pipeline.json"))
        .run(|c| {
            c.team_pipelines().add(
                "acme",
                TEAM,
                types::AddTeamPipelineRequest::new(PIPELINE, types::PipelineTeamAccessLevel::BuildAndRead),
            )
        })
        .await;
    assert_eq!(access.pipeline_id.to_string(), PIPELINE);
}

#[tokio::test]
async fn get_team_pipeline() {
    let access = Case::new("getTeamPipeline", format!("/organizations/acme/teams/{TEAM}/pipelines/{PIPELINE}"))
        .respond(200, fixture!("team_pipeline.json"))
        .run(|c| c.team_pipelines().get("acme", TEAM, PIPELINE))
        .await;
    assert_eq!(access.access_level, types::PipelineTeamAccessLevel::BuildAndRead);
}

#[tokio::test]
async fn update_team_pipeline() {
    // The docs' example answers `read` where their table says `read_only`: both are named
    // levels, not `Unknown` (issue 24 item 11).
    let access = Case::new("updateTeamPipeline", format!("/organizations/acme/teams/{TEAM}/pipelines/{PIPELINE}"))
        .json(json!({ "access_level": "read_only" }))
        .respond_json(
            200,
            json!({
                "access_level": "read",
                "created_at": "2023-12-12T21:57:40.306Z",
                "pipeline_id": PIPELINE,
                "pipeline_url": "https://api.buildkite.com/v2/organizations/acme/pipelines/app"
            }),
        )
        .run(|c| {
            c.team_pipelines().update(
                "acme",
                TEAM,
                PIPELINE,
                types::UpdateTeamPipelineRequest::new(types::PipelineTeamAccessLevel::ReadOnly),
            )
        })
        .await;
    assert_eq!(access.access_level, types::PipelineTeamAccessLevel::Read);
    assert_eq!(access.pipeline_id.to_string(), PIPELINE);
}

#[tokio::test]
async fn remove_team_pipeline() {
    Case::new("removeTeamPipeline", format!("/organizations/acme/teams/{TEAM}/pipelines/{PIPELINE}"))
        .respond_empty(204)
        .run(|c| c.team_pipelines().remove("acme", TEAM, PIPELINE))
        .await;
}

// Team suites

#[tokio::test]
async fn list_team_suites() {
    let suites = Case::new("listTeamSuites", format!("/organizations/acme/teams/{TEAM}/suites"))
        .query(&[("page", "2"), ("per_page", "25")])
        .respond(200, fixture!("team_suites.json"))
        .run(|c| c.team_suites().list("acme", TEAM).page(2).per_page(25))
        .await;
    assert_eq!(suites.len(), 2);
    assert_eq!(suites[0].access_level, vec![types::TeamSuiteAccessLevel::Read]);
    assert_eq!(suites[1].access_level, vec![types::TeamSuiteAccessLevel::Read, types::TeamSuiteAccessLevel::Edit]);
}

#[tokio::test]
async fn add_team_suite() {
    // The docs' path (`/suites`), not go-buildkite's `/suite`.
    let access = Case::new("addTeamSuite", format!("/organizations/acme/teams/{TEAM}/suites"))
        .json(json!({ "suite_id": SUITE, "access_level": ["read", "edit"] }))
        .respond(201, fixture!("team_suite.json"))
        .run(|c| {
            c.team_suites().add(
                "acme",
                TEAM,
                types::AddTeamSuiteRequest::new(
                    SUITE,
                    vec![types::TeamSuiteAccessLevel::Read, types::TeamSuiteAccessLevel::Edit],
                ),
            )
        })
        .await;
    assert_eq!(access.suite_id, SUITE);
    assert_eq!(access.suite_url, "https://api.buildkite.com/v2/analytics/organizations/acme/suites/unit");
}

#[tokio::test]
async fn get_team_suite() {
    let access = Case::new("getTeamSuite", format!("/organizations/acme/teams/{TEAM}/suites/{SUITE}"))
        .respond(200, fixture!("team_suite.json"))
        .run(|c| c.team_suites().get("acme", TEAM, SUITE))
        .await;
    assert_eq!(access.access_level.len(), 2);
}

#[tokio::test]
async fn update_team_suite() {
    let access = Case::new("updateTeamSuite", format!("/organizations/acme/teams/{TEAM}/suites/{SUITE}"))
        .json(json!({ "access_level": ["read"] }))
        .respond_json(
            200,
            json!({
                "access_level": ["read"],
                "created_at": "2024-01-11T04:56:53.516Z",
                "suite_id": SUITE,
                "suite_url": "https://api.buildkite.com/v2/analytics/organizations/acme/suites/unit"
            }),
        )
        .run(|c| {
            c.team_suites().update(
                "acme",
                TEAM,
                SUITE,
                types::UpdateTeamSuiteRequest::new(vec![types::TeamSuiteAccessLevel::Read]),
            )
        })
        .await;
    assert_eq!(access.access_level, vec![types::TeamSuiteAccessLevel::Read]);
}

#[tokio::test]
async fn remove_team_suite() {
    Case::new("removeTeamSuite", format!("/organizations/acme/teams/{TEAM}/suites/{SUITE}"))
        .respond_empty(204)
        .run(|c| c.team_suites().remove("acme", TEAM, SUITE))
        .await;
}
