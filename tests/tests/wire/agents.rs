//! Agents (spec/overlays/agents.yaml).

use super::*;

const AGENT: &str = "018f2a00-7777-7888-8999-aaaabbbbcccc";
const QUEUE: &str = "5ff7d4e2-6a1b-4c3d-9e8f-7a6b5c4d3e2f";

#[tokio::test]
async fn list_agents() {
    let queue: uuid::Uuid = QUEUE.parse().expect("a UUID");
    let agents = Case::new("listAgents", "/organizations/acme/agents")
        .query(&[
            ("name", "ci-linux-1"),
            ("hostname", "ci-linux-1.internal"),
            ("version", "3.73.1"),
            ("cluster_queue_id", QUEUE),
            ("page", "2"),
            ("per_page", "50"),
        ])
        .respond(200, fixture!("agents_list.json"))
        .run(|c| {
            c.agents()
                .list("acme")
                .name("ci-linux-1")
                .hostname("ci-linux-1.internal")
                .version("3.73.1")
                .cluster_queue_id(queue)
                .page(2)
                .per_page(50)
        })
        .await;
    assert_eq!(agents.len(), 2);
    assert_eq!(agents[0].connection_state, Some(types::AgentConnectionState::Connected));
    assert_eq!(agents[1].priority, Some(10), "agent priority is an integer (trap 17)");
}

#[tokio::test]
async fn get_agent() {
    let agent = Case::new("getAgent", format!("/organizations/acme/agents/{AGENT}"))
        .respond(200, fixture!("agent_get.json"))
        .run(|c| c.agents().get("acme", AGENT))
        .await;
    assert_eq!(agent.id.to_string(), AGENT);
    assert_eq!(agent.paused, Some(false));
    let job = serde_json::to_value(agent.job.expect("the running job")).expect("a job serializes");
    assert_eq!(job["id"], "018f2b60-4d5e-7f60-b172-8c9d0e1f2031");
}

/// The cluster links the API sends on agents (issue 10) decode.
#[tokio::test]
async fn get_agent_with_cluster_links_and_pause_state() {
    let agent = Case::new("getAgent", format!("/organizations/acme/agents/{AGENT}"))
        .respond_json(
            200,
            json!({
                "id": AGENT,
                "name": "ci-docker-3",
                "connection_state": "connected",
                "cluster_url": "https://api.buildkite.com/v2/organizations/acme/clusters/42f1a7da-812d-4430-93d8-1cc7c33a6bcf",
                "cluster_queue_url": format!("https://api.buildkite.com/v2/organizations/acme/clusters/42f1a7da-812d-4430-93d8-1cc7c33a6bcf/queues/{QUEUE}"),
                "paused": true,
                "paused_at": "2024-05-01T09:00:00.000Z",
                "paused_by": { "id": "3d3c3f3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f", "name": "Jane Doe" },
                "paused_note": "Disk cleanup",
                "paused_timeout_in_minutes": 60
            }),
        )
        .run(|c| c.agents().get("acme", AGENT))
        .await;
    assert_eq!(
        agent.cluster_url.as_deref(),
        Some("https://api.buildkite.com/v2/organizations/acme/clusters/42f1a7da-812d-4430-93d8-1cc7c33a6bcf")
    );
    assert!(agent.cluster_queue_url.as_deref().is_some_and(|u| u.ends_with(QUEUE)));
    assert_eq!(agent.paused, Some(true));
    assert_eq!(agent.paused_note.as_deref(), Some("Disk cleanup"));
    assert_eq!(agent.paused_timeout_in_minutes, Some(60));
    assert_eq!(agent.paused_by.and_then(|u| u.name).as_deref(), Some("Jane Doe"));
}

#[tokio::test]
async fn stop_agent() {
    let () = Case::new("stopAgent", format!("/organizations/acme/agents/{AGENT}/stop"))
        .json(json!({ "force": false }))
        .respond_empty(204)
        .run(|c| c.agents().stop("acme", AGENT).body(types::StopAgentRequest::new().force(false)))
        .await;
}

#[tokio::test]
async fn stop_agent_not_connected_is_400() {
    let error = Case::new("stopAgent", format!("/organizations/acme/agents/{AGENT}/stop"))
        .json(json!({ "force": true }))
        .respond_json(400, json!({ "message": "Can only stop connected agents" }))
        .run_err(|c| c.agents().stop("acme", AGENT).body(types::StopAgentRequest::new().force(true)))
        .await;
    match buildkite_api::operations::agents::StopAgentError::from_error(&error) {
        Some(buildkite_api::operations::agents::StopAgentError::BadRequest(body)) => {
            assert_eq!(body.message, "Can only stop connected agents")
        }
        other => panic!("expected the documented 400, got {other:?}"),
    }
}

#[tokio::test]
async fn pause_agent() {
    let () = Case::new("pauseAgent", format!("/organizations/acme/agents/{AGENT}/pause"))
        .json(json!({ "note": "Disk cleanup", "timeout_in_minutes": 60 }))
        .respond_empty(204)
        .run(|c| {
            c.agents()
                .pause("acme", AGENT)
                .body(types::PauseAgentRequest::new().note("Disk cleanup").timeout_in_minutes(60))
        })
        .await;
}

#[tokio::test]
async fn pause_agent_already_paused_is_422() {
    let error = Case::new("pauseAgent", format!("/organizations/acme/agents/{AGENT}/pause"))
        .respond_json(422, json!({ "message": "Agent is already paused" }))
        .run_err(|c| c.agents().pause("acme", AGENT))
        .await;
    match buildkite_api::operations::agents::PauseAgentError::from_error(&error) {
        Some(buildkite_api::operations::agents::PauseAgentError::UnprocessableEntity(body)) => {
            assert_eq!(body.message, "Agent is already paused")
        }
        other => panic!("expected the documented 422, got {other:?}"),
    }
}

#[tokio::test]
async fn resume_agent() {
    let () = Case::new("resumeAgent", format!("/organizations/acme/agents/{AGENT}/resume"))
        .respond_empty(204)
        .run(|c| c.agents().resume("acme", AGENT))
        .await;
}

/// Legacy call, removed from the v2 docs but still in go-buildkite.
#[tokio::test]
#[allow(deprecated)]
async fn create_agent() {
    let agent = Case::new("createAgent", "/organizations/acme/agents")
        .json(json!({ "name": "legacy-builder" }))
        .respond(201, fixture!("agent_created.json"))
        .run(|c| c.agents().create("acme", types::CreateAgentRequest::new("legacy-builder")))
        .await;
    assert_eq!(agent.name.as_deref(), Some("legacy-builder"));
    assert_eq!(agent.connection_state, Some(types::AgentConnectionState::NeverConnected));
    assert_eq!(agent.access_token.as_deref(), Some("e8f7846d8b138f06d828068b623edfaa431c2782b1af709288"));
}

/// Legacy call, removed from the v2 docs but still in go-buildkite.
#[tokio::test]
#[allow(deprecated)]
async fn delete_agent() {
    let () = Case::new("deleteAgent", format!("/organizations/acme/agents/{AGENT}"))
        .respond_empty(204)
        .run(|c| c.agents().delete("acme", AGENT))
        .await;
}
