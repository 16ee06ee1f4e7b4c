//! Clusters and what belongs to them: queues, agent tokens, secrets and maintainers
//! (spec/overlays/clusters.yaml, queues.yaml, agent-tokens.yaml, cluster-secrets.yaml,
//! cluster-maintainers.yaml).

use super::*;

const CLUSTER: &str = "42f1a7da-812d-4430-93d8-1cc7c33a6bcf";
const QUEUE: &str = "5ff7d4e2-6a1b-4c3d-9e8f-7a6b5c4d3e2f";
const HOSTED_QUEUE: &str = "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d";
const TOKEN_ID: &str = "b6001416-0e1e-41c6-9dbe-3d96766f451a";
const SECRET: &str = "9bf7650d-52ba-40e6-a18e-7a34a109f8bc";
const USER: &str = "3d3c3f3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f";
const TEAM: &str = "9e8d7c6b-5a49-4382-a716-a5b4c3d2e1f0";
const TEAM_MAINTAINER: &str = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

// Clusters

#[tokio::test]
async fn list_clusters() {
    let clusters = Case::new("listClusters", "/organizations/acme/clusters")
        .query(&[("page", "2"), ("per_page", "10")])
        .respond(200, fixture!("clusters.json"))
        .run(|c| c.clusters().list("acme").page(2).per_page(10))
        .await;
    assert_eq!(clusters.len(), 2);
    assert_eq!(clusters[0].name, "Primary cluster");
    assert_eq!(clusters[1].default_queue_id, None, "null default queue");
}

#[tokio::test]
async fn create_cluster() {
    let user: uuid::Uuid = USER.parse().expect("a UUID");
    let team: uuid::Uuid = TEAM.parse().expect("a UUID");
    let body = types::CreateClusterRequest::new("Open Source")
        .description("Untrusted builds of our public repositories")
        .emoji(":technologist:")
        .color("#FFE0F1")
        .maintainers(vec![
            types::ClusterMaintainerTarget::new().user(user),
            types::ClusterMaintainerTarget::new().team(team),
        ]);
    let cluster = Case::new("createCluster", "/organizations/acme/clusters")
        .json(json!({
            "name": "Open Source",
            "description": "Untrusted builds of our public repositories",
            "emoji": ":technologist:",
            "color": "#FFE0F1",
            "maintainers": [{ "user": USER }, { "team": TEAM }]
        }))
        .respond(201, fixture!("cluster_created.json"))
        .run(|c| c.clusters().create("acme", body))
        .await;
    assert_eq!(cluster.name, "Open Source");
    assert_eq!(cluster.default_queue_id, None, "a new cluster has no default queue");
    assert_eq!(cluster.default_queue_url, None);
    assert_eq!(cluster.hosted_git_mirror_enabled, None, "absent without manage permission");
}

#[tokio::test]
async fn create_cluster_validation_failure_is_422() {
    let error = Case::new("createCluster", "/organizations/acme/clusters")
        .json(json!({ "name": "" }))
        .respond_json(422, json!({ "message": "Validation failed: Name can't be blank" }))
        .run_err(|c| c.clusters().create("acme", types::CreateClusterRequest::new("")))
        .await;
    match buildkite_api::operations::clusters::CreateClusterError::from_error(&error) {
        Some(buildkite_api::operations::clusters::CreateClusterError::UnprocessableEntity(body)) => {
            assert_eq!(body.message, "Validation failed: Name can't be blank")
        }
        other => panic!("expected the documented 422, got {other:?}"),
    }
}

#[tokio::test]
async fn get_cluster() {
    let cluster = Case::new("getCluster", format!("/organizations/acme/clusters/{CLUSTER}"))
        .respond(200, fixture!("cluster.json"))
        .run(|c| c.clusters().get("acme", CLUSTER))
        .await;
    assert_eq!(cluster.id.to_string(), CLUSTER);
    assert_eq!(cluster.hosted_git_mirror_enabled, Some(true));
    let maintainers = cluster.maintainers.expect("maintainers");
    let users = maintainers.users.expect("user maintainers");
    assert_eq!(users[0].actor.r#type, Some(types::ClusterMaintainerActorType::User));
    assert_eq!(users[0].actor.email.as_deref(), Some("jane@example.com"));
    let teams = maintainers.teams.expect("team maintainers");
    assert_eq!(teams[0].actor.slug.as_deref(), Some("platform"));
    assert_eq!(teams[0].actor.r#type, None, "the get-cluster example has no type on teams");
}

#[tokio::test]
async fn update_cluster() {
    let queue: uuid::Uuid = QUEUE.parse().expect("a UUID");
    let body = types::UpdateClusterRequest::new()
        .name("Primary cluster")
        .default_queue_id(queue)
        .hosted_git_mirror_enabled(true)
        .hosted_container_cache_enabled(false);
    let cluster = Case::new("updateCluster", format!("/organizations/acme/clusters/{CLUSTER}"))
        .json(json!({
            "name": "Primary cluster",
            "default_queue_id": QUEUE,
            "hosted_git_mirror_enabled": true,
            "hosted_container_cache_enabled": false
        }))
        .respond(200, fixture!("cluster.json"))
        .run(|c| c.clusters().update("acme", CLUSTER, body))
        .await;
    assert_eq!(cluster.default_queue_id.map(|id| id.to_string()).as_deref(), Some(QUEUE));
    assert_eq!(cluster.hosted_container_cache_enabled, Some(false));
}

#[tokio::test]
async fn update_cluster_hosted_mirror_unavailable_is_503() {
    let error = Case::new("updateCluster", format!("/organizations/acme/clusters/{CLUSTER}"))
        .json(json!({ "hosted_git_mirror_enabled": true }))
        .respond_json(503, json!({ "message": "Could not update the hosted git mirror" }))
        .run_err(|c| {
            c.clusters()
                .update("acme", CLUSTER, types::UpdateClusterRequest::new().hosted_git_mirror_enabled(true))
                .options(buildkite_api::RequestOptions::new().retry(buildkite_api::RetryPolicy::none()))
        })
        .await;
    match buildkite_api::operations::clusters::UpdateClusterError::from_error(&error) {
        Some(buildkite_api::operations::clusters::UpdateClusterError::ServiceUnavailable(body)) => {
            assert_eq!(body.message, "Could not update the hosted git mirror")
        }
        other => panic!("expected the documented 503, got {other:?}"),
    }
}

#[tokio::test]
async fn delete_cluster() {
    let () = Case::new("deleteCluster", format!("/organizations/acme/clusters/{CLUSTER}"))
        .respond_empty(204)
        .run(|c| c.clusters().delete("acme", CLUSTER))
        .await;
}

// Queues

#[tokio::test]
async fn list_queues() {
    let queues = Case::new("listQueues", format!("/organizations/acme/clusters/{CLUSTER}/queues"))
        .query(&[("page", "1"), ("per_page", "100")])
        .respond(200, fixture!("queues.json"))
        .run(|c| c.queues().list("acme", CLUSTER).page(1).per_page(100))
        .await;
    assert_eq!(queues.len(), 2);
    assert_eq!(queues[0].key, "default");
    assert_eq!(queues[1].retry_agent_affinity, Some(types::QueueRetryAgentAffinity::PreferDifferent));
}

#[tokio::test]
async fn create_queue() {
    let body = types::CreateQueueRequest::new("default")
        .description("General purpose Linux agents")
        .retry_agent_affinity(types::QueueRetryAgentAffinity::PreferWarmest);
    let queue = Case::new("createQueue", format!("/organizations/acme/clusters/{CLUSTER}/queues"))
        .json(json!({
            "key": "default",
            "description": "General purpose Linux agents",
            "retry_agent_affinity": "prefer-warmest"
        }))
        .respond(201, fixture!("queue.json"))
        .run(|c| c.queues().create("acme", CLUSTER, body))
        .await;
    assert_eq!(queue.id.to_string(), QUEUE);
    assert_eq!(queue.hosted, None, "self-hosted queues carry no hosted flag");
}

/// Hosted-agent request keys are camelCase, response keys snake_case (trap 34).
#[tokio::test]
async fn create_hosted_queue() {
    let body = types::CreateQueueRequest::new("hosted-linux")
        .description("Buildkite hosted Linux agents")
        .hosted_agents(types::HostedAgentsRequest::new(types::HostedAgentInstanceShapeName::LinuxAmd642x4));
    let queue = Case::new("createQueue", format!("/organizations/acme/clusters/{CLUSTER}/queues"))
        .json(json!({
            "key": "hosted-linux",
            "description": "Buildkite hosted Linux agents",
            "hostedAgents": { "instanceShape": "LINUX_AMD64_2X4" }
        }))
        .respond(201, fixture!("queue_hosted.json"))
        .run(|c| c.queues().create("acme", CLUSTER, body))
        .await;
    assert_eq!(queue.hosted, Some(true));
    assert_eq!(queue.retry_agent_affinity, None, "absent on the hosted example");
    let hosted = queue.hosted_agents.expect("hosted agent settings");
    let shape = hosted.instance_shape.expect("instance shape");
    assert_eq!(shape.name.as_deref(), Some("LINUX_AMD64_2X4"));
    assert_eq!(shape.cpu, Some(2));
    assert_eq!(shape.memory, Some(4));
    let linux = hosted.platform_settings.and_then(|p| p.linux).expect("linux settings");
    assert_eq!(linux.agent_image_ref, None, "default image");
}

#[tokio::test]
async fn get_queue() {
    let queue = Case::new("getQueue", format!("/organizations/acme/clusters/{CLUSTER}/queues/{QUEUE}"))
        .respond(200, fixture!("queue.json"))
        .run(|c| c.queues().get("acme", CLUSTER, QUEUE))
        .await;
    assert_eq!(queue.key, "default");
    assert_eq!(queue.dispatch_paused, Some(false));
    assert_eq!(queue.dispatch_paused_by, None);
}

#[tokio::test]
async fn update_queue() {
    let body = types::UpdateQueueRequest::new().description("Buildkite hosted Linux agents").hosted_agents(
        types::HostedAgentsRequest::new(types::HostedAgentInstanceShapeName::LinuxAmd642x4)
            .agent_image_ref("registry.example.com/acme/buildkite:v3"),
    );
    let queue = Case::new("updateQueue", format!("/organizations/acme/clusters/{CLUSTER}/queues/{HOSTED_QUEUE}"))
        .json(json!({
            "description": "Buildkite hosted Linux agents",
            "hostedAgents": { "instanceShape": "LINUX_AMD64_2X4", "agentImageRef": "registry.example.com/acme/buildkite:v3" }
        }))
        .respond(200, fixture!("queue_hosted.json"))
        .run(|c| c.queues().update("acme", CLUSTER, HOSTED_QUEUE, body))
        .await;
    assert_eq!(queue.id.to_string(), HOSTED_QUEUE);
}

#[tokio::test]
async fn delete_queue() {
    let () = Case::new("deleteQueue", format!("/organizations/acme/clusters/{CLUSTER}/queues/{QUEUE}"))
        .respond_empty(204)
        .run(|c| c.queues().delete("acme", CLUSTER, QUEUE))
        .await;
}

/// The note is sent as `dispatch_paused_note` (trap 33).
#[tokio::test]
async fn pause_queue_dispatch() {
    let path = format!("/organizations/acme/clusters/{CLUSTER}/queues/{QUEUE}/pause_dispatch");
    let queue = Case::new("pauseQueueDispatch", path)
        .json(json!({ "dispatch_paused_note": "Paused while we rotate credentials" }))
        .respond(200, fixture!("queue_paused.json"))
        .run(|c| {
            c.queues().pause_dispatch("acme", CLUSTER, QUEUE).body(
                types::PauseQueueDispatchRequest::new().dispatch_paused_note("Paused while we rotate credentials"),
            )
        })
        .await;
    assert_eq!(queue.dispatch_paused, Some(true));
    assert_eq!(queue.dispatch_paused_note.as_deref(), Some("Paused while we rotate credentials"));
    assert_eq!(queue.dispatch_paused_by.and_then(|u| u.name).as_deref(), Some("Jane Doe"));
}

#[tokio::test]
async fn pause_queue_dispatch_already_paused_is_422() {
    let path = format!("/organizations/acme/clusters/{CLUSTER}/queues/{QUEUE}/pause_dispatch");
    let error = Case::new("pauseQueueDispatch", path)
        .respond_json(422, json!({ "message": "Cluster queue is already paused" }))
        .run_err(|c| c.queues().pause_dispatch("acme", CLUSTER, QUEUE))
        .await;
    match buildkite_api::operations::queues::PauseQueueDispatchError::from_error(&error) {
        Some(buildkite_api::operations::queues::PauseQueueDispatchError::UnprocessableEntity(body)) => {
            assert_eq!(body.message, "Cluster queue is already paused")
        }
        other => panic!("expected the documented 422, got {other:?}"),
    }
}

#[tokio::test]
async fn resume_queue_dispatch() {
    let path = format!("/organizations/acme/clusters/{CLUSTER}/queues/{QUEUE}/resume_dispatch");
    let queue = Case::new("resumeQueueDispatch", path)
        .respond(200, fixture!("queue.json"))
        .run(|c| c.queues().resume_dispatch("acme", CLUSTER, QUEUE))
        .await;
    assert_eq!(queue.dispatch_paused, Some(false));
    assert_eq!(queue.dispatch_paused_note, None);
}

// Agent tokens

#[tokio::test]
async fn list_agent_tokens() {
    let tokens = Case::new("listAgentTokens", format!("/organizations/acme/clusters/{CLUSTER}/tokens"))
        .query(&[("per_page", "20")])
        .respond(200, fixture!("agent_tokens.json"))
        .run(|c| c.agent_tokens().list("acme", CLUSTER).per_page(20))
        .await;
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0].allowed_ip_addresses.as_deref(), Some("192.0.2.0/24 198.51.100.12/32"));
    assert_eq!(tokens[1].expires_at, None, "never expires");
    assert!(tokens.iter().all(|t| t.token.is_none()), "lists never carry the secret");
}

#[tokio::test]
async fn create_agent_token() {
    let expires = buildkite_api::runtime::Timestamp::parse("2026-01-01T00:00:00Z").expect("valid timestamp");
    let body = types::CreateAgentTokenRequest::new("Elastic stack (prod)")
        .expires_at(expires)
        .allowed_ip_addresses("192.0.2.0/24 198.51.100.12/32");
    let token = Case::new("createAgentToken", format!("/organizations/acme/clusters/{CLUSTER}/tokens"))
        .json(json!({
            "description": "Elastic stack (prod)",
            "expires_at": "2026-01-01T00:00:00Z",
            "allowed_ip_addresses": "192.0.2.0/24 198.51.100.12/32"
        }))
        .respond(201, fixture!("agent_token_created.json"))
        .run(|c| c.agent_tokens().create("acme", CLUSTER, body))
        .await;
    assert_eq!(token.token.as_deref(), Some("igo6HEj5fxQbgBTDoDzNaZzT"), "only the create answer has the secret");
    assert_eq!(token.expires_at.map(|t| t.to_string()).as_deref(), Some("2026-01-01T00:00:00Z"));
}

#[tokio::test]
async fn get_agent_token() {
    let token = Case::new("getAgentToken", format!("/organizations/acme/clusters/{CLUSTER}/tokens/{TOKEN_ID}"))
        .respond(200, fixture!("agent_token.json"))
        .run(|c| c.agent_tokens().get("acme", CLUSTER, TOKEN_ID))
        .await;
    assert_eq!(token.id.to_string(), TOKEN_ID);
    assert_eq!(token.description, "Elastic stack (prod)");
    assert_eq!(token.token, None);
}

#[tokio::test]
async fn update_agent_token() {
    let body = types::UpdateAgentTokenRequest::new()
        .description("Elastic stack (prod)")
        .allowed_ip_addresses("192.0.2.0/24 198.51.100.12/32");
    let token = Case::new("updateAgentToken", format!("/organizations/acme/clusters/{CLUSTER}/tokens/{TOKEN_ID}"))
        .json(json!({ "description": "Elastic stack (prod)", "allowed_ip_addresses": "192.0.2.0/24 198.51.100.12/32" }))
        .respond(200, fixture!("agent_token.json"))
        .run(|c| c.agent_tokens().update("acme", CLUSTER, TOKEN_ID, body))
        .await;
    assert_eq!(token.cluster_url.as_deref().map(|u| u.ends_with(CLUSTER)), Some(true));
}

#[tokio::test]
async fn revoke_agent_token() {
    let () = Case::new("revokeAgentToken", format!("/organizations/acme/clusters/{CLUSTER}/tokens/{TOKEN_ID}"))
        .respond_empty(204)
        .run(|c| c.agent_tokens().revoke("acme", CLUSTER, TOKEN_ID))
        .await;
}

// Secrets

#[tokio::test]
async fn list_cluster_secrets() {
    let secrets = Case::new("listClusterSecrets", format!("/organizations/acme/clusters/{CLUSTER}/secrets"))
        .query(&[("page", "3"), ("per_page", "25")])
        .respond(200, fixture!("cluster_secrets.json"))
        .run(|c| c.cluster_secrets().list("acme", CLUSTER).page(3).per_page(25))
        .await;
    assert_eq!(secrets.len(), 2);
    assert_eq!(secrets[0].key, "DEPLOY_KEY");
    assert_eq!(secrets[1].description, None);
    assert_eq!(secrets[1].last_read_at.as_ref().map(|t| t.to_string()).as_deref(), Some("2025-10-02T09:30:00Z"));
}

#[tokio::test]
async fn create_cluster_secret() {
    let body = types::CreateClusterSecretRequest::new("DEPLOY_KEY")
        .value("-----BEGIN OPENSSH PRIVATE KEY-----")
        .description("SSH key for deploys")
        .policy("- pipeline_slug: deploy\n  build_branch: main");
    let secret = Case::new("createClusterSecret", format!("/organizations/acme/clusters/{CLUSTER}/secrets"))
        .json(json!({
            "key": "DEPLOY_KEY",
            "value": "-----BEGIN OPENSSH PRIVATE KEY-----",
            "description": "SSH key for deploys",
            "policy": "- pipeline_slug: deploy\n  build_branch: main"
        }))
        .respond(201, fixture!("cluster_secret.json"))
        .run(|c| c.cluster_secrets().create("acme", CLUSTER, body))
        .await;
    assert_eq!(secret.id.to_string(), SECRET);
    assert_eq!(secret.updated_by, None);
    assert_eq!(secret.organization.and_then(|o| o.slug).as_deref(), Some("acme"));
}

#[tokio::test]
async fn get_cluster_secret() {
    let secret = Case::new("getClusterSecret", format!("/organizations/acme/clusters/{CLUSTER}/secrets/{SECRET}"))
        .respond(200, fixture!("cluster_secret.json"))
        .run(|c| c.cluster_secrets().get("acme", CLUSTER, SECRET))
        .await;
    assert_eq!(secret.policy.as_deref(), Some("- pipeline_slug: deploy\n  build_branch: main"));
    let creator = secret.created_by.expect("creator");
    assert_eq!(creator.name.as_deref(), Some("Staff"));
    assert_eq!(creator.graphql_id, None, "secrets embed reduced users");
}

#[tokio::test]
async fn update_cluster_secret() {
    let body = types::UpdateClusterSecretRequest::new()
        .description("SSH key for production deploys")
        .policy("- pipeline_slug: deploy\n  build_branch: production");
    let secret = Case::new("updateClusterSecret", format!("/organizations/acme/clusters/{CLUSTER}/secrets/{SECRET}"))
        .json(json!({
            "description": "SSH key for production deploys",
            "policy": "- pipeline_slug: deploy\n  build_branch: production"
        }))
        .respond(200, fixture!("cluster_secret_updated.json"))
        .run(|c| c.cluster_secrets().update("acme", CLUSTER, SECRET, body))
        .await;
    assert_eq!(secret.description.as_deref(), Some("SSH key for production deploys"));
    assert_eq!(secret.updated_by.and_then(|u| u.email).as_deref(), Some("staff@example.com"));
}

#[tokio::test]
async fn update_cluster_secret_value() {
    let path = format!("/organizations/acme/clusters/{CLUSTER}/secrets/{SECRET}/value");
    let secret = Case::new("updateClusterSecretValue", path)
        .json(json!({ "value": "new-secret-value" }))
        .respond(200, fixture!("cluster_secret_updated.json"))
        .run(|c| {
            c.cluster_secrets().update_value(
                "acme",
                CLUSTER,
                SECRET,
                types::UpdateClusterSecretValueRequest::new("new-secret-value"),
            )
        })
        .await;
    assert_eq!(secret.key, "DEPLOY_KEY");
    assert_eq!(secret.updated_at.map(|t| t.to_string()).as_deref(), Some("2025-10-01T07:43:46.949Z"));
}

#[tokio::test]
async fn delete_cluster_secret() {
    let () = Case::new("deleteClusterSecret", format!("/organizations/acme/clusters/{CLUSTER}/secrets/{SECRET}"))
        .respond_empty(204)
        .run(|c| c.cluster_secrets().delete("acme", CLUSTER, SECRET))
        .await;
}

// Maintainers

#[tokio::test]
async fn list_cluster_maintainers() {
    let maintainers =
        Case::new("listClusterMaintainers", format!("/organizations/acme/clusters/{CLUSTER}/maintainers"))
            .query(&[("page", "1"), ("per_page", "30")])
            .respond(200, fixture!("cluster_maintainers.json"))
            .run(|c| c.cluster_maintainers().list("acme", CLUSTER).page(1).per_page(30))
            .await;
    assert_eq!(maintainers.len(), 2);
    assert_eq!(maintainers[0].actor.r#type, Some(types::ClusterMaintainerActorType::User));
    assert_eq!(maintainers[0].actor.name.as_deref(), Some("Jane Doe"));
    assert_eq!(maintainers[1].actor.r#type, Some(types::ClusterMaintainerActorType::Team));
    assert_eq!(maintainers[1].actor.name, None, "the team example has only a slug");
}

#[tokio::test]
async fn add_cluster_maintainer() {
    let team: uuid::Uuid = TEAM.parse().expect("a UUID");
    let maintainer = Case::new("addClusterMaintainer", format!("/organizations/acme/clusters/{CLUSTER}/maintainers"))
        .json(json!({ "team": TEAM }))
        .respond(201, fixture!("cluster_maintainer.json"))
        .run(|c| c.cluster_maintainers().add("acme", CLUSTER, types::ClusterMaintainerTarget::new().team(team)))
        .await;
    assert_eq!(maintainer.id.to_string(), TEAM_MAINTAINER);
    assert_eq!(maintainer.actor.id.to_string(), TEAM);
}

#[tokio::test]
async fn get_cluster_maintainer() {
    let path = format!("/organizations/acme/clusters/{CLUSTER}/maintainers/{TEAM_MAINTAINER}");
    let maintainer = Case::new("getClusterMaintainer", path)
        .respond(200, fixture!("cluster_maintainer.json"))
        .run(|c| c.cluster_maintainers().get("acme", CLUSTER, TEAM_MAINTAINER))
        .await;
    assert_eq!(maintainer.actor.slug.as_deref(), Some("platform"));
}

#[tokio::test]
async fn remove_cluster_maintainer() {
    let path = format!("/organizations/acme/clusters/{CLUSTER}/maintainers/{TEAM_MAINTAINER}");
    let () = Case::new("removeClusterMaintainer", path)
        .respond_empty(204)
        .run(|c| c.cluster_maintainers().remove("acme", CLUSTER, TEAM_MAINTAINER))
        .await;
}

// Hosted agents: agent images, network ranges, cache volumes

const IMAGE: &str = "abc123def4567";

#[tokio::test]
async fn list_agent_images() {
    let images = Case::new("listAgentImages", format!("/organizations/acme/clusters/{CLUSTER}/agent-images"))
        .respond(200, fixture!("agent_images.json"))
        .run(|c| c.hosted_agents().list_agent_images("acme", CLUSTER))
        .await;
    assert_eq!(images.len(), 2);
    assert_eq!(images[0].status, Some(types::AgentImageStatus::Ready));
    assert_eq!(images[1].image_ref, None, "a failed build has no image");
    assert!(images[1].last_build_error.as_deref().is_some_and(|e| e.contains("exit code 101")));
}

#[tokio::test]
async fn create_agent_image() {
    let body = types::CreateAgentImageRequest::new("node-toolchain", "RUN apt-get update && apt-get install -y nodejs");
    let image = Case::new("createAgentImage", format!("/organizations/acme/clusters/{CLUSTER}/agent-images"))
        .json(json!({ "name": "node-toolchain", "dockerfile": "RUN apt-get update && apt-get install -y nodejs" }))
        .respond(201, fixture!("agent_image_building.json"))
        .run(|c| c.hosted_agents().create_agent_image("acme", CLUSTER, body))
        .await;
    assert_eq!(image.status, Some(types::AgentImageStatus::Building));
    assert_eq!(image.image_ref, None, "null while building");
    assert_eq!(image.version, Some(1));
}

#[tokio::test]
async fn create_agent_image_name_taken_is_409() {
    let message = "an agent image named \"node-toolchain\" already exists in this cluster";
    let error = Case::new("createAgentImage", format!("/organizations/acme/clusters/{CLUSTER}/agent-images"))
        .json(json!({ "name": "node-toolchain", "dockerfile": "" }))
        .respond_json(409, json!({ "message": message }))
        .run_err(|c| {
            c.hosted_agents().create_agent_image(
                "acme",
                CLUSTER,
                types::CreateAgentImageRequest::new("node-toolchain", ""),
            )
        })
        .await;
    match buildkite_api::operations::hosted_agents::CreateAgentImageError::from_error(&error) {
        Some(buildkite_api::operations::hosted_agents::CreateAgentImageError::Conflict(body)) => {
            assert_eq!(body.message, message)
        }
        other => panic!("expected the documented 409, got {other:?}"),
    }
}

#[tokio::test]
async fn get_agent_image() {
    let path = format!("/organizations/acme/clusters/{CLUSTER}/agent-images/{IMAGE}");
    let image = Case::new("getAgentImage", path)
        .respond(200, fixture!("agent_image_building.json"))
        .run(|c| c.hosted_agents().get_agent_image("acme", CLUSTER, IMAGE))
        .await;
    assert_eq!(image.id, IMAGE);
    assert!(image.composed_dockerfile.as_deref().is_some_and(|d| d.starts_with("FROM ")));
}

#[tokio::test]
async fn delete_agent_image() {
    let path = format!("/organizations/acme/clusters/{CLUSTER}/agent-images/{IMAGE}");
    let () = Case::new("deleteAgentImage", path)
        .respond_empty(204)
        .run(|c| c.hosted_agents().delete_agent_image("acme", CLUSTER, IMAGE))
        .await;
}

#[tokio::test]
async fn list_network_ranges() {
    let ranges = Case::new("listNetworkRanges", format!("/organizations/acme/clusters/{CLUSTER}/network_ranges"))
        .respond_json(200, json!([{ "cidr_range": "203.0.113.0/29", "kind": "NAMESPACE_MANAGED" }]))
        .run(|c| c.hosted_agents().list_network_ranges("acme", CLUSTER))
        .await;
    assert_eq!(ranges.len(), 1);
    assert_eq!(ranges[0].cidr_range.as_deref(), Some("203.0.113.0/29"));
    assert_eq!(ranges[0].kind.as_deref(), Some("NAMESPACE_MANAGED"));
}

#[tokio::test]
async fn list_cache_volumes() {
    let volumes = Case::new("listCacheVolumes", format!("/organizations/acme/clusters/{CLUSTER}/cache_volumes"))
        .respond(200, fixture!("cache_volumes.json"))
        .run(|c| c.hosted_agents().list_cache_volumes("acme", CLUSTER))
        .await;
    assert_eq!(volumes.len(), 1);
    assert_eq!(volumes[0].tag.as_deref(), Some("0190ad3c-52c2-4b0b-9b5e-3a5d1a8a1f0e/node-modules"));
    assert_eq!(volumes[0].size_mb, Some(20480));
    assert_eq!(volumes[0].cluster_id.map(|id| id.to_string()).as_deref(), Some(CLUSTER));
}

/// A DELETE with a JSON body: the tag can hold `/` and `;` (trap 37).
#[tokio::test]
async fn delete_cache_volume() {
    let tag = "0190ad3c-52c2-4b0b-9b5e-3a5d1a8a1f0e/node-modules;v2";
    let () = Case::new("deleteCacheVolume", format!("/organizations/acme/clusters/{CLUSTER}/cache_volumes"))
        .json(json!({ "tag": tag }))
        .respond_empty(204)
        .run(|c| c.hosted_agents().delete_cache_volume("acme", CLUSTER, types::DeleteCacheVolumeRequest::new(tag)))
        .await;
}

/// The PATCH twins send the same body to the same path; only the method differs (checked
/// against api.json by the harness).
#[tokio::test]
#[allow(deprecated)]
async fn update_cluster_and_queue_with_patch() {
    let cluster = Case::new("updateClusterWithPatch", format!("/organizations/acme/clusters/{CLUSTER}"))
        .json(json!({ "name": "Primary cluster" }))
        .respond(200, fixture!("cluster.json"))
        .run(|c| {
            c.clusters().update_with_patch("acme", CLUSTER, types::UpdateClusterRequest::new().name("Primary cluster"))
        })
        .await;
    assert_eq!(cluster.id.to_string(), CLUSTER);
    let queue = Case::new("updateQueueWithPatch", format!("/organizations/acme/clusters/{CLUSTER}/queues/{QUEUE}"))
        .json(json!({ "description": "Linux builds" }))
        .respond(200, fixture!("queue.json"))
        .run(|c| {
            c.queues().update_with_patch(
                "acme",
                CLUSTER,
                QUEUE,
                types::UpdateQueueRequest::new().description("Linux builds"),
            )
        })
        .await;
    assert_eq!(queue.id.to_string(), QUEUE);
}
