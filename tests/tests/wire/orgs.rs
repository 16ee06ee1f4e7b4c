//! The account side: current user, access token, meta, organizations with their rate-limit
//! status and members, emojis, pipeline templates and rules.

use super::*;

const USER_ID: &str = "3d3c3f3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f";
const MEMBER_ID: &str = "0190a7b2-5c3d-7e4f-9a1b-2c3d4e5f6a7b";
const TEMPLATE_ID: &str = "018e5a7a-1b2c-7d3e-8f40-5a6b7c8d9e0f";
const RULE_ID: &str = "018f0a0b-0c0d-7e0f-8a1b-2c3d4e5f6a7b";

// --- current user, access token, meta -------------------------------------------------

#[tokio::test]
async fn get_current_user() {
    let user =
        Case::new("getCurrentUser", "/user").respond(200, fixture!("user.json")).run(|c| c.user().get_current()).await;
    assert_eq!(user.id.to_string(), USER_ID);
    assert_eq!(user.name.as_deref(), Some("Jane Doe"));
    assert_eq!(user.created_at.map(|t| t.to_string()).as_deref(), Some("2023-11-02T08:15:00.123Z"));
}

#[tokio::test]
async fn get_access_token() {
    let token = Case::new("getAccessToken", "/access-token")
        .respond(200, fixture!("access_token.json"))
        .run(|c| c.access_token().get())
        .await;
    assert_eq!(token.uuid.to_string(), "b63254c0-3271-4a98-8270-7cfbd6c2f14e");
    assert_eq!(token.scopes, ["read_builds", "write_builds", "read_pipelines", "read_build_logs"]);
    // The legacy `YYYY-MM-DD HH:MM:SS UTC` form.
    assert_eq!(token.created_at.map(|t| t.to_string()).as_deref(), Some("2024-05-01T10:20:30Z"));
    assert_eq!(token.expires_at, None);
    assert_eq!(token.user.and_then(|u| u.email).as_deref(), Some("jane@example.com"));
}

#[tokio::test]
async fn get_access_token_with_only_uuid_and_scopes() {
    let token = Case::new("getAccessToken", "/access-token")
        .respond_json(200, json!({"uuid": "b63254c0-3271-4a98-8270-7cfbd6c2f14e", "scopes": ["read_user"]}))
        .run(|c| c.access_token().get())
        .await;
    assert_eq!(token.scopes, ["read_user"]);
    assert!(token.created_at.is_none() && token.user.is_none() && token.description.is_none());
}

#[tokio::test]
async fn revoke_access_token() {
    Case::new("revokeAccessToken", "/access-token").respond_empty(204).run(|c| c.access_token().revoke()).await;
}

#[tokio::test]
async fn get_meta() {
    let meta = Case::new("getMeta", "/meta").respond(200, fixture!("meta.json")).run(|c| c.meta().get()).await;
    assert_eq!(meta.webhook_ips, ["192.0.2.0/24", "198.51.100.12", "203.0.113.128/25"]);
}

// --- organizations ------------------------------------------------------------------------

#[tokio::test]
async fn list_organizations() {
    let orgs = Case::new("listOrganizations", "/organizations")
        .query(&[("page", "2"), ("per_page", "50")])
        .respond(200, fixture!("organizations_list.json"))
        .run(|c| c.organizations().list().page(2).per_page(50))
        .await;
    assert_eq!(orgs.len(), 2);
    assert_eq!(orgs[0].slug, "acme");
    assert_eq!(orgs[1].slug, "acme-oss");
}

#[tokio::test]
async fn get_organization() {
    let org = Case::new("getOrganization", "/organizations/acme")
        .respond(200, fixture!("organization.json"))
        .run(|c| c.organizations().get("acme"))
        .await;
    assert_eq!(org.id.to_string(), "7a1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d");
    assert_eq!(org.name.as_deref(), Some("ACME Inc."));
    assert_eq!(org.emojis_url.as_deref(), Some("https://api.buildkite.com/v2/organizations/acme/emojis"));
}

#[tokio::test]
async fn get_organization_rate_limit() {
    let limits = Case::new("getOrganizationRateLimit", "/organizations/acme/rate_limit")
        .respond(200, fixture!("organization_rate_limit.json"))
        .run(|c| c.organizations().get_rate_limit("acme"))
        .await;
    let rest = limits.scopes.rest.expect("the rest window");
    assert_eq!((rest.limit, rest.current, rest.reset, rest.enforced), (200, 17, 42, true));
    assert_eq!(rest.reset_at.to_string(), "2024-05-01T10:21:00Z");
    let graphql = limits.scopes.graphql.expect("the graphql window");
    assert_eq!(graphql.limit, 50_000);
    assert!(!graphql.enforced);
}

// --- organization members -----------------------------------------------------------------

#[tokio::test]
async fn list_organization_members() {
    let members = Case::new("listOrganizationMembers", "/organizations/acme/members")
        .query(&[("page", "1"), ("per_page", "100")])
        .respond(200, fixture!("organization_members.json"))
        .run(|c| c.organization_members().list("acme").page(1).per_page(100))
        .await;
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].role, Some(types::OrganizationMemberRole::Admin));
    assert_eq!(members[0].sso_mode, Some(types::OrganizationMemberSsoMode::Required));
    // Only admins (or the member) see `sso_mode`.
    assert_eq!(members[1].id.to_string(), MEMBER_ID);
    assert_eq!(members[1].sso_mode, None);
}

#[tokio::test]
async fn get_organization_member() {
    let member = Case::new("getOrganizationMember", format!("/organizations/acme/members/{MEMBER_ID}"))
        .respond(200, fixture!("organization_member.json"))
        .run(|c| c.organization_members().get("acme", MEMBER_ID))
        .await;
    assert_eq!(member.email.as_deref(), Some("sam@example.com"));
    assert_eq!(member.role, Some(types::OrganizationMemberRole::Member));
}

#[tokio::test]
async fn update_organization_member() {
    let member = Case::new("updateOrganizationMember", format!("/organizations/acme/members/{MEMBER_ID}"))
        .json(json!({"role": "admin", "sso_mode": "optional"}))
        .respond(200, fixture!("organization_member_updated.json"))
        .run(|c| {
            c.organization_members().update(
                "acme",
                MEMBER_ID,
                types::UpdateOrganizationMemberRequest::new()
                    .role(types::OrganizationMemberRole::Admin)
                    .sso_mode(types::OrganizationMemberSsoMode::Optional),
            )
        })
        .await;
    assert_eq!(member.role, Some(types::OrganizationMemberRole::Admin));
    assert_eq!(member.sso_mode, Some(types::OrganizationMemberSsoMode::Optional));
}

#[tokio::test]
async fn update_organization_member_without_fields_is_422() {
    let error = Case::new("updateOrganizationMember", format!("/organizations/acme/members/{MEMBER_ID}"))
        .json(json!({}))
        .respond_json(422, json!({"message": "Either role or sso_mode must be provided"}))
        .run_err(|c| c.organization_members().update("acme", MEMBER_ID, types::UpdateOrganizationMemberRequest::new()))
        .await;
    match buildkite_api::operations::organization_members::UpdateOrganizationMemberError::from_error(&error) {
        Some(buildkite_api::operations::organization_members::UpdateOrganizationMemberError::UnprocessableEntity(
            body,
        )) => {
            assert_eq!(body.message, "Either role or sso_mode must be provided")
        }
        other => panic!("expected a 422 body, got {other:?}"),
    }
}

#[tokio::test]
async fn remove_organization_member() {
    Case::new("removeOrganizationMember", format!("/organizations/acme/members/{MEMBER_ID}"))
        .respond_empty(204)
        .run(|c| c.organization_members().remove("acme", MEMBER_ID))
        .await;
}

// --- emojis -------------------------------------------------------------------------------

#[tokio::test]
async fn list_emojis() {
    let emojis = Case::new("listEmojis", "/organizations/acme/emojis")
        .respond(200, fixture!("emojis.json"))
        .run(|c| c.emojis().list("acme"))
        .await;
    assert_eq!(emojis.len(), 3);
    assert_eq!(emojis[0].name, "rocket");
    assert_eq!(emojis[0].aliases, None, "aliases are left out when there are none");
    assert_eq!(emojis[1].aliases.as_deref(), Some(&["thumbsup".to_string()][..]));
}

// --- pipeline templates -------------------------------------------------------------------

#[tokio::test]
async fn list_pipeline_templates() {
    let templates = Case::new("listPipelineTemplates", "/organizations/acme/pipeline-templates")
        .query(&[("page", "1"), ("per_page", "10")])
        .respond(200, fixture!("pipeline_templates.json"))
        .run(|c| c.pipeline_templates().list("acme").page(1).per_page(10))
        .await;
    assert_eq!(templates.len(), 1);
    assert_eq!(templates[0].uuid.to_string(), TEMPLATE_ID);
    assert_eq!(templates[0].updated_by, None);
}

#[tokio::test]
async fn create_pipeline_template() {
    let template = Case::new("createPipelineTemplate", "/organizations/acme/pipeline-templates")
        .json(json!({
            "name": "Standard upload",
            "configuration": "steps:\n  - label: \":pipeline:\"\n    command: buildkite-agent pipeline upload\n",
            "description": "Uploads .buildkite/pipeline.yml",
            "available": true
        }))
        .respond(201, fixture!("pipeline_template.json"))
        .run(|c| {
            c.pipeline_templates().create(
                "acme",
                types::CreatePipelineTemplateRequest::new(
                    "Standard upload",
                    "steps:\n  - label: \":pipeline:\"\n    command: buildkite-agent pipeline upload\n",
                )
                .description("Uploads .buildkite/pipeline.yml")
                .available(true),
            )
        })
        .await;
    assert_eq!(template.uuid.to_string(), TEMPLATE_ID);
    assert_eq!(template.available, Some(true));
}

#[tokio::test]
async fn get_pipeline_template() {
    let template = Case::new("getPipelineTemplate", format!("/organizations/acme/pipeline-templates/{TEMPLATE_ID}"))
        .respond(200, fixture!("pipeline_template.json"))
        .run(|c| c.pipeline_templates().get("acme", TEMPLATE_ID))
        .await;
    assert_eq!(template.name, "Standard upload");
    assert_eq!(template.created_by.and_then(|u| u.name).as_deref(), Some("Jane Doe"));
    assert_eq!(template.updated_at.map(|t| t.to_string()).as_deref(), Some("2024-04-20T16:45:10Z"));
}

#[tokio::test]
async fn update_pipeline_template() {
    let template = Case::new("updatePipelineTemplate", format!("/organizations/acme/pipeline-templates/{TEMPLATE_ID}"))
        .json(json!({"available": true}))
        .respond(200, fixture!("pipeline_template.json"))
        .run(|c| {
            c.pipeline_templates().update(
                "acme",
                TEMPLATE_ID,
                types::UpdatePipelineTemplateRequest::new().available(true),
            )
        })
        .await;
    assert_eq!(template.available, Some(true));
}

#[tokio::test]
async fn delete_pipeline_template() {
    Case::new("deletePipelineTemplate", format!("/organizations/acme/pipeline-templates/{TEMPLATE_ID}"))
        .respond_empty(204)
        .run(|c| c.pipeline_templates().delete("acme", TEMPLATE_ID))
        .await;
}

// --- rules --------------------------------------------------------------------------------

#[tokio::test]
async fn list_rules() {
    let rules = Case::new("listRules", "/organizations/acme/rules")
        .query(&[("page", "3"), ("per_page", "20")])
        .respond(200, fixture!("rules.json"))
        .run(|c| c.rules().list("acme").page(3).per_page(20))
        .await;
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].uuid.to_string(), RULE_ID);
    assert_eq!(rules[1].r#type, types::RuleType::PipelineArtifactsReadPipeline);
}

#[tokio::test]
async fn create_rule() {
    let rule = Case::new("createRule", "/organizations/acme/rules")
        .json(json!({
            "type": "pipeline.artifacts_read.pipeline",
            "value": {
                "source_pipeline": "app",
                "target_pipeline": "018f2f00-1234-7567-89ab-cdef01234567",
                "conditions": ["source.build.branch == target.build.branch"]
            }
        }))
        .respond(201, fixture!("rule.json"))
        .run(|c| {
            c.rules().create(
                "acme",
                types::CreateRuleRequest::new(
                    types::RuleType::PipelineArtifactsReadPipeline,
                    types::RuleValue::new("app", "018f2f00-1234-7567-89ab-cdef01234567")
                        .conditions(vec!["source.build.branch == target.build.branch".to_string()]),
                ),
            )
        })
        .await;
    assert_eq!(rule.action, Some(types::RuleAction::ArtifactsRead));
    assert_eq!(rule.effect, Some(types::RuleEffect::Allow));
}

#[tokio::test]
async fn get_rule() {
    let rule = Case::new("getRule", format!("/organizations/acme/rules/{RULE_ID}"))
        .respond(200, fixture!("rule.json"))
        .run(|c| c.rules().get("acme", RULE_ID))
        .await;
    assert_eq!(rule.source_uuid.map(|u| u.to_string()).as_deref(), Some("018f2b5e-7c1a-7d3e-9b2f-4a5c6d7e8f90"));
    // An embedded creator reduced to `{id, graphql_id}` still decodes.
    let creator = rule.created_by.expect("created_by");
    assert_eq!(creator.id.to_string(), USER_ID);
    assert_eq!(creator.name, None);
}

#[tokio::test]
async fn delete_rule() {
    Case::new("deleteRule", format!("/organizations/acme/rules/{RULE_ID}"))
        .respond_empty(204)
        .run(|c| c.rules().delete("acme", RULE_ID))
        .await;
}

// --- audit events -------------------------------------------------------------------------

const EVENT_ID: &str = "0193a1c4-5d6e-7f80-9a1b-2c3d4e5f6a7b";

#[tokio::test]
async fn list_audit_events() {
    let page = Case::new("listAuditEvents", "/organizations/acme/audit_events")
        .query(&[("per_page", "2"), ("after", "eyJvY2N1cnJlZF9hdCI6Ii4uLiJ9")])
        .respond(200, fixture!("audit_events.json"))
        .run(|c| c.audit_events().list("acme").per_page(2).after("eyJvY2N1cnJlZF9hdCI6Ii4uLiJ9"))
        .await;
    assert_eq!(page.len(), 2);
    assert_eq!(page[0].r#type, "PipelineUpdatedEvent");
    // A system event: no actor, no context.
    assert!(page[1].actor.is_none() && page[1].context.is_none());
    let next = page.next_url().map(|u| u.to_string()).expect("a next link");
    assert!(next.contains("after="), "{next}");
}

#[tokio::test]
async fn get_audit_event() {
    let event = Case::new("getAuditEvent", format!("/organizations/acme/audit_events/{EVENT_ID}"))
        .respond(200, fixture!("audit_event.json"))
        .run(|c| c.audit_events().get("acme", EVENT_ID))
        .await;
    assert_eq!(event.uuid.to_string(), EVENT_ID);
    assert_eq!(event.occurred_at.to_string(), "2024-11-12T09:15:04Z");
    assert_eq!(event.actor.and_then(|a| a.name).as_deref(), Some("Jane Doe"));
    let context = event.context.expect("context");
    assert_eq!(context.request_ip.as_deref(), Some("203.0.113.7"));
    // Context fields beyond the documented ones are kept.
    assert!(context.extra.contains_key("session_created_at"));
    assert_eq!(event.data.and_then(|d| d.get("default_branch").cloned()), Some(json!("main")));
}

// --- organization invitations -------------------------------------------------------------

const INVITATION_ID: &str = "0193b2c3-d4e5-7f60-8a7b-9c0d1e2f3a4b";

#[tokio::test]
async fn list_organization_invitations() {
    let page = Case::new("listOrganizationInvitations", "/organizations/acme/invitations")
        .query(&[("per_page", "30"), ("before", "MjAyNC0xMS0yMA")])
        .respond(200, fixture!("organization_invitations.json"))
        .run(|c| c.organization_invitations().list("acme").per_page(30).before("MjAyNC0xMS0yMA"))
        .await;
    assert_eq!(page.len(), 2);
    assert_eq!(page[0].state, Some(types::OrganizationInvitationState::Pending));
    assert_eq!(page[0].teams.as_ref().map(|t| t[0].slug.as_deref()), Some(Some("platform")));
    assert_eq!(page[1].role, Some(types::OrganizationMemberRole::Admin));
    assert_eq!(page.next_url().map(|u| u.to_string()), None, "the last page has no next link");
}

#[tokio::test]
async fn create_organization_invitations() {
    let team: uuid::Uuid = "14e9501c-69fe-4cda-ae07-daea9ca3afd3".parse().expect("a UUID");
    let invitations = Case::new("createOrganizationInvitations", "/organizations/acme/invitations")
        .json(json!({
            "emails": ["new.dev@example.com", "qa@example.com"],
            "role": "member",
            "sso_mode": "required",
            "teams": [{"id": "14e9501c-69fe-4cda-ae07-daea9ca3afd3", "role": "maintainer"}]
        }))
        .respond(201, fixture!("organization_invitations_created.json"))
        .run(|c| {
            c.organization_invitations().create(
                "acme",
                types::CreateOrganizationInvitationsRequest::new(vec![
                    "new.dev@example.com".to_string(),
                    "qa@example.com".to_string(),
                ])
                .role(types::OrganizationMemberRole::Member)
                .sso_mode(types::OrganizationMemberSsoMode::Required)
                .teams(vec![types::OrganizationInvitationTeamAssignment::new(team, types::TeamMemberRole::Maintainer)]),
            )
        })
        .await;
    assert_eq!(invitations.len(), 2);
    assert_eq!(invitations[1].email, "qa@example.com");
}

#[tokio::test]
async fn get_organization_invitation() {
    let invitation = Case::new("getOrganizationInvitation", format!("/organizations/acme/invitations/{INVITATION_ID}"))
        .respond(200, fixture!("organization_invitation.json"))
        .run(|c| c.organization_invitations().get("acme", INVITATION_ID))
        .await;
    assert_eq!(invitation.state, Some(types::OrganizationInvitationState::Accepted));
    assert_eq!(invitation.accepted_by.and_then(|u| u.name).as_deref(), Some("Sam Lee"));
    assert_eq!(invitation.revoked_at, None);
}

#[tokio::test]
async fn revoke_organization_invitation() {
    Case::new("revokeOrganizationInvitation", format!("/organizations/acme/invitations/{INVITATION_ID}"))
        .respond_empty(204)
        .run(|c| c.organization_invitations().revoke("acme", INVITATION_ID))
        .await;
}

// --- API settings -------------------------------------------------------------------------

#[tokio::test]
async fn get_api_settings() {
    let settings = Case::new("getApiSettings", "/organizations/acme/api-settings")
        .respond(200, fixture!("api_settings.json"))
        .run(|c| c.api_settings().get("acme"))
        .await;
    // One space-separated string, not a list.
    assert_eq!(settings.allowed_ip_addresses.as_deref(), Some("192.0.2.0/24 198.51.100.0/24"));
    assert_eq!(settings.revoke_inactive_tokens_after_days, Some(90));
    assert_eq!(settings.features.and_then(|f| f.inactive_api_token_revocation), Some(false));
}

#[tokio::test]
async fn update_api_settings() {
    let settings = Case::new("updateApiSettings", "/organizations/acme/api-settings")
        .json(json!({"allowed_ip_addresses": null, "revoke_inactive_tokens_after_days": 90, "restrict_user_api_token_creation": true}))
        .respond(200, fixture!("api_settings.json"))
        .run(|c| {
            c.api_settings().update(
                "acme",
                types::UpdateApiSettingsRequest::new()
                    .clear_allowed_ip_addresses()
                    .revoke_inactive_tokens_after_days(90)
                    .restrict_user_api_token_creation(true),
            )
        })
        .await;
    assert_eq!(settings.restrict_user_api_token_creation, Some(true));
}

// --- pipeline settings --------------------------------------------------------------------

#[tokio::test]
async fn get_pipeline_settings() {
    let settings = Case::new("getPipelineSettings", "/organizations/acme/pipeline-settings")
        .respond(200, fixture!("pipeline_settings.json"))
        .run(|c| c.pipeline_settings().get("acme"))
        .await;
    assert_eq!(
        settings.default_cluster_id.map(|u| u.to_string()).as_deref(),
        Some("42f1a7da-812d-4430-93d8-1cc7c33a6bcf")
    );
    assert_eq!(settings.scheduled_job_expiry_in_minutes, None);
    // `enabled_by` is a user reduced to `{id, name}`.
    let ssh = settings.hosted_agents_terminal_access.expect("remote access");
    assert_eq!(ssh.enabled_by.and_then(|u| u.name).as_deref(), Some("Jane Doe"));
    let public = settings.public_pipeline_creation.expect("public pipelines");
    assert_eq!((public.enabled, public.enabled_by), (Some(false), None));
}

#[tokio::test]
async fn update_pipeline_settings() {
    let settings = Case::new("updatePipelineSettings", "/organizations/acme/pipeline-settings")
        .json(json!({"default_branch": "main", "default_cluster_id": null, "default_timeout_in_minutes": 60}))
        .respond(200, fixture!("pipeline_settings.json"))
        .run(|c| {
            c.pipeline_settings().update(
                "acme",
                types::UpdatePipelineSettingsRequest::new()
                    .default_branch("main")
                    .clear_default_cluster_id()
                    .default_timeout_in_minutes(60),
            )
        })
        .await;
    assert_eq!(settings.default_timeout_in_minutes, Some(60));
}

#[tokio::test]
async fn enable_hosted_agents_remote_access() {
    let settings =
        Case::new("enableHostedAgentsRemoteAccess", "/organizations/acme/pipeline-settings/hosted-agents-ssh")
            .respond(200, fixture!("pipeline_settings.json"))
            .run(|c| c.pipeline_settings().enable_hosted_agents_remote_access("acme"))
            .await;
    assert_eq!(settings.hosted_agents_terminal_access.and_then(|t| t.enabled), Some(true));
}

#[tokio::test]
async fn disable_hosted_agents_remote_access() {
    let settings =
        Case::new("disableHostedAgentsRemoteAccess", "/organizations/acme/pipeline-settings/hosted-agents-ssh")
            .respond(200, fixture!("pipeline_settings.json"))
            .run(|c| c.pipeline_settings().disable_hosted_agents_remote_access("acme"))
            .await;
    assert!(settings.url.is_some());
}

#[tokio::test]
async fn enable_public_pipeline_creation() {
    let settings = Case::new("enablePublicPipelineCreation", "/organizations/acme/pipeline-settings/public-pipelines")
        .respond(200, fixture!("pipeline_settings.json"))
        .run(|c| c.pipeline_settings().enable_public_pipeline_creation("acme"))
        .await;
    assert!(settings.public_pipeline_creation.is_some());
}

#[tokio::test]
async fn disable_public_pipeline_creation() {
    let settings = Case::new("disablePublicPipelineCreation", "/organizations/acme/pipeline-settings/public-pipelines")
        .respond(200, fixture!("pipeline_settings.json"))
        .run(|c| c.pipeline_settings().disable_public_pipeline_creation("acme"))
        .await;
    assert_eq!(settings.public_pipeline_creation.and_then(|t| t.enabled), Some(false));
}

#[tokio::test]
async fn enable_advanced_queue_metrics() {
    let settings =
        Case::new("enableAdvancedQueueMetrics", "/organizations/acme/pipeline-settings/advanced-queue-metrics")
            .respond(200, fixture!("pipeline_settings.json"))
            .run(|c| c.pipeline_settings().enable_advanced_queue_metrics("acme"))
            .await;
    let metrics = settings.advanced_queue_metrics.expect("advanced queue metrics");
    assert_eq!((metrics.enabled, metrics.disable_supported), (Some(true), Some(false)));
}

#[tokio::test]
async fn configure_build_export() {
    let settings = Case::new("configureBuildExport", "/organizations/acme/pipeline-settings/build-export")
        .json(json!({"location": "acme-build-exports", "strategy_id": "s3"}))
        .respond(200, fixture!("pipeline_settings.json"))
        .run(|c| {
            c.pipeline_settings()
                .configure_build_export("acme", types::ConfigureBuildExportRequest::new("acme-build-exports", "s3"))
        })
        .await;
    let export = settings.build_exports.expect("build exports");
    assert_eq!(export.location.as_deref(), Some("acme-build-exports"));
    assert_eq!(export.supported_strategies.as_deref(), Some(&["s3".to_string(), "gcs".to_string()][..]));
}

#[tokio::test]
async fn disable_build_export() {
    let settings = Case::new("disableBuildExport", "/organizations/acme/pipeline-settings/build-export")
        .respond(200, fixture!("pipeline_settings.json"))
        .run(|c| c.pipeline_settings().disable_build_export("acme"))
        .await;
    assert_eq!(settings.build_exports.and_then(|b| b.available), Some(true));
}

// --- repository connections ---------------------------------------------------------------

const CONNECTION_ID: &str = "0192d3e4-f5a6-7b8c-9d0e-1f2a3b4c5d6e";

#[tokio::test]
async fn list_repository_connections() {
    let connections = Case::new("listRepositoryConnections", "/organizations/acme/repository_connections")
        .respond(200, fixture!("repository_connections.json"))
        .run(|c| c.repository_connections().list("acme"))
        .await;
    assert_eq!(connections.len(), 2);
    assert_eq!(connections[1].r#type, Some(types::RepositoryConnectionType::GitlabSelfManaged));
    assert!(connections[0].host.is_none(), "lists leave the get-only fields out");
}

#[tokio::test]
async fn get_repository_connection() {
    let connection =
        Case::new("getRepositoryConnection", format!("/organizations/acme/repository_connections/{CONNECTION_ID}"))
            .respond(200, fixture!("repository_connection.json"))
            .run(|c| c.repository_connections().get("acme", CONNECTION_ID))
            .await;
    assert_eq!(connection.service_account.and_then(|a| a.login).as_deref(), Some("acme"));
    assert_eq!(connection.host.and_then(|h| h.url).as_deref(), Some("https://github.com"));
    assert_eq!(connection.rate_limit.and_then(|r| r.remaining), Some(4958));
}

#[tokio::test]
async fn list_repository_connection_repositories() {
    let repositories = Case::new(
        "listRepositoryConnectionRepositories",
        format!("/organizations/acme/repository_connections/{CONNECTION_ID}/repositories"),
    )
    .query(&[("repository", "acme/app")])
    .respond(200, fixture!("connected_repositories.json"))
    .run(|c| c.repository_connections().list_repositories("acme", CONNECTION_ID).repository("acme/app"))
    .await;
    assert_eq!(repositories.len(), 1);
    assert_eq!(repositories[0].full_name, "acme/app");
    assert_eq!(repositories[0].clone_url.as_deref(), Some("https://github.com/acme/app.git"));
}

// --- notification services ----------------------------------------------------------------

const SERVICE_ID: &str = "0194c5d6-e7f8-7a9b-8c0d-1e2f3a4b5c6d";

#[tokio::test]
async fn list_notification_services() {
    let page = Case::new("listNotificationServices", "/organizations/acme/services")
        .query(&[("per_page", "2")])
        .respond(200, fixture!("notification_services.json"))
        .run(|c| c.notification_services().list("acme").per_page(2))
        .await;
    assert_eq!(page.len(), 2);
    assert_eq!(page[0].scope, Some(types::NotificationServiceScope::SomeProjects));
    // A service without a GraphQL id or a known creator.
    assert_eq!((page[1].graphql_id.as_deref(), page[1].created_by.as_ref()), (None, None));
    assert!(page.next_url().map(|u| u.to_string()).is_some());
}

#[tokio::test]
async fn create_notification_service() {
    let service = Case::new("createNotificationService", "/organizations/acme/services")
        .json(json!({
            "provider": "webhook",
            "description": "Deploy notifications",
            "build_states": {"build_failed": true, "build_fixed": true},
            "settings": {"url": "https://hooks.acme.test/buildkite", "events": ["build.finished"]}
        }))
        .respond(201, fixture!("notification_service.json"))
        .run(|c| {
            c.notification_services().create(
                "acme",
                types::CreateNotificationServiceRequest::new("webhook")
                    .description("Deploy notifications")
                    .build_states(std::collections::BTreeMap::from([
                        ("build_failed".to_string(), true),
                        ("build_fixed".to_string(), true),
                    ]))
                    .settings(std::collections::BTreeMap::from([
                        ("url".to_string(), json!("https://hooks.acme.test/buildkite")),
                        ("events".to_string(), json!(["build.finished"])),
                    ])),
            )
        })
        .await;
    assert_eq!(service.provider.and_then(|p| p.id).as_deref(), Some("webhook"));
    assert_eq!(service.build_states.and_then(|s| s.get("build_fixed").copied()), Some(true));
}

#[tokio::test]
async fn get_notification_service() {
    let service = Case::new("getNotificationService", format!("/organizations/acme/services/{SERVICE_ID}"))
        .respond(200, fixture!("notification_service.json"))
        .run(|c| c.notification_services().get("acme", SERVICE_ID))
        .await;
    assert_eq!(service.settings.and_then(|s| s.get("token_mode").cloned()), Some(json!("signature")));
}

#[tokio::test]
async fn update_notification_service() {
    let service = Case::new("updateNotificationService", format!("/organizations/acme/services/{SERVICE_ID}"))
        .json(json!({"scope": "some_projects", "scope_uuids": ["018f2b5e-7c1a-7d3e-9b2f-4a5c6d7e8f90"]}))
        .respond(200, fixture!("notification_service.json"))
        .run(|c| {
            c.notification_services().update(
                "acme",
                SERVICE_ID,
                types::UpdateNotificationServiceRequest::new()
                    .scope(types::NotificationServiceScope::SomeProjects)
                    .scope_uuids(vec!["018f2b5e-7c1a-7d3e-9b2f-4a5c6d7e8f90".to_string()]),
            )
        })
        .await;
    assert_eq!(service.scope_uuids.map(|u| u.len()), Some(1));
}

#[tokio::test]
async fn delete_notification_service() {
    Case::new("deleteNotificationService", format!("/organizations/acme/services/{SERVICE_ID}"))
        .respond_empty(204)
        .run(|c| c.notification_services().delete("acme", SERVICE_ID))
        .await;
}

#[tokio::test]
async fn enable_notification_service() {
    let service = Case::new("enableNotificationService", format!("/organizations/acme/services/{SERVICE_ID}/enable"))
        .respond(200, fixture!("notification_service.json"))
        .run(|c| c.notification_services().enable("acme", SERVICE_ID))
        .await;
    assert_eq!(service.enabled, Some(true));
}

#[tokio::test]
async fn disable_notification_service() {
    let service = Case::new("disableNotificationService", format!("/organizations/acme/services/{SERVICE_ID}/disable"))
        .respond_json(
            200,
            json!({"id": SERVICE_ID, "enabled": false, "provider": {"id": "webhook", "name": "Webhook"}}),
        )
        .run(|c| c.notification_services().disable("acme", SERVICE_ID))
        .await;
    assert_eq!(service.enabled, Some(false));
}

// --- portals ------------------------------------------------------------------------------

#[tokio::test]
async fn list_portals() {
    let portals = Case::new("listPortals", "/organizations/acme/portals")
        .query(&[("page", "1"), ("per_page", "50")])
        .respond(200, fixture!("portals.json"))
        .run(|c| c.portals().list("acme").page(1).per_page(50))
        .await;
    assert_eq!(portals.len(), 1);
    assert_eq!(portals[0].slug, "trigger-main-build");
    assert_eq!(portals[0].token, None, "only create returns the token");
}

#[tokio::test]
async fn create_portal() {
    let query = "mutation triggerBuild { buildCreate(input: { branch: \"main\", commit: \"HEAD\", pipelineID: \"UGlwZWxpbmUtLS0x\" }) { build { url } } }";
    let portal = Case::new("createPortal", "/organizations/acme/portals")
        .json(json!({"name": "Trigger main build", "query": query, "user_invokable": false}))
        .respond(201, fixture!("portal_created.json"))
        .run(|c| {
            c.portals()
                .create("acme", types::CreatePortalRequest::new("Trigger main build", query).user_invokable(false))
        })
        .await;
    assert_eq!(portal.token.as_deref(), Some("bkpt_3f9a7c1e5d"));
    assert_eq!(portal.allowed_ip_addresses, None);
}

#[tokio::test]
async fn get_portal() {
    let portal = Case::new("getPortal", "/organizations/acme/portals/trigger-main-build")
        .respond(200, fixture!("portal.json"))
        .run(|c| c.portals().get("acme", "trigger-main-build"))
        .await;
    assert_eq!(portal.uuid.to_string(), "0195d6e7-f8a9-7b0c-9d1e-2f3a4b5c6d7e");
    assert_eq!(portal.allowed_ip_addresses.as_deref(), Some("192.0.2.1/32 198.51.100.0/24"));
}

#[tokio::test]
async fn update_portal() {
    let portal = Case::new("updatePortal", "/organizations/acme/portals/trigger-main-build")
        .json(json!({"description": "Starts a build of main", "allowed_ip_addresses": "192.0.2.1/32 198.51.100.0/24"}))
        .respond(200, fixture!("portal.json"))
        .run(|c| {
            c.portals().update(
                "acme",
                "trigger-main-build",
                types::UpdatePortalRequest::new()
                    .description("Starts a build of main")
                    .allowed_ip_addresses("192.0.2.1/32 198.51.100.0/24"),
            )
        })
        .await;
    assert_eq!(portal.description.as_deref(), Some("Starts a build of main"));
}

#[tokio::test]
async fn delete_portal() {
    Case::new("deletePortal", "/organizations/acme/portals/trigger-main-build")
        .respond_empty(204)
        .run(|c| c.portals().delete("acme", "trigger-main-build"))
        .await;
}
