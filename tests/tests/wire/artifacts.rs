//! Artifacts per build and per job, the job ones on both routes (spec/overlays/artifacts.yaml).

use super::*;

const BUILD: &str = "/organizations/acme/pipelines/app/builds/42";
const JOB: &str = "0190ad3c-52c2-4b0b-9b5e-3a5d1a8a1f0e";
const ARTIFACT: &str = "76365070-34d5-4104-8b91-952780f8029f";

/// A gzip header and a few bytes that are not UTF-8: the download returns them untouched.
const FILE: &[u8] = &[0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x42];

#[tokio::test]
async fn list_artifacts_for_build() {
    let artifacts = Case::new("listArtifactsForBuild", format!("{BUILD}/artifacts"))
        .query(&[("state", "finished"), ("path", "logs/*"), ("page", "1"), ("per_page", "100")])
        .respond(200, fixture!("artifacts.json"))
        .run(|c| {
            c.artifacts()
                .list_for_build("acme", "app", 42)
                .state(types::ArtifactState::Finished)
                .path("logs/*")
                .page(1)
                .per_page(100)
        })
        .await;
    assert_eq!(artifacts[0].filename, "rspec.log");
    // Sizes beyond 32 bits (trap: file_size is int64).
    assert_eq!(artifacts[0].file_size, Some(5_368_709_120));
}

#[tokio::test]
async fn list_artifacts_for_build_unknown_state() {
    let error = Case::new("listArtifactsForBuild", format!("{BUILD}/artifacts"))
        .query(&[("state", "uploading")])
        .respond_json(422, json!({ "message": "Invalid state: uploading" }))
        .run_err(|c| c.artifacts().list_for_build("acme", "app", 42).state(types::ArtifactState::from("uploading")))
        .await;
    assert!(matches!(
        buildkite_api::operations::artifacts::ListArtifactsForBuildError::from_error(&error),
        Some(buildkite_api::operations::artifacts::ListArtifactsForBuildError::UnprocessableEntity(_))
    ));
}

#[tokio::test]
async fn list_artifacts_for_job() {
    let artifacts = Case::new("listArtifactsForJob", format!("{BUILD}/jobs/{JOB}/artifacts"))
        .query(&[("state", "new"), ("path", "tmp/screenshots/*"), ("per_page", "50")])
        .respond_json(200, json!([serde_json::from_str::<Value>(fixture!("artifact.json")).expect("JSON")]))
        .run(|c| {
            c.artifacts()
                .list_for_job("acme", "app", 42, JOB)
                .state(types::ArtifactState::New)
                .path("tmp/screenshots/*")
                .per_page(50)
        })
        .await;
    assert_eq!(artifacts.len(), 1);
    assert_eq!(artifacts[0].job_id.to_string(), JOB);
}

#[tokio::test]
async fn list_artifacts_for_job_in_organization() {
    let artifacts = Case::new("listArtifactsForJobInOrganization", format!("/organizations/acme/jobs/{JOB}/artifacts"))
        .query(&[("path", "dist/*"), ("page", "2")])
        .respond_json(200, json!([serde_json::from_str::<Value>(fixture!("artifact.json")).expect("JSON")]))
        .run(|c| c.artifacts().list_for_job_in_organization("acme", JOB).path("dist/*").page(2))
        .await;
    assert_eq!(artifacts[0].path, "dist/app.tar.gz");
}

#[tokio::test]
async fn get_artifact() {
    let artifact = Case::new("getArtifact", format!("{BUILD}/jobs/{JOB}/artifacts/{ARTIFACT}"))
        .respond(200, fixture!("artifact.json"))
        .run(|c| c.artifacts().get("acme", "app", 42, JOB, ARTIFACT))
        .await;
    assert_eq!(artifact.id.to_string(), ARTIFACT);
    assert_eq!(artifact.state, types::ArtifactState::Finished);
    assert_eq!(artifact.sha1sum.as_deref(), Some("884c4ad3f2545c85c69d0d0ef50c5d4f5266f0b7"));
    #[allow(deprecated)]
    let glob_path = artifact.glob_path;
    assert_eq!(glob_path, None);
}

#[tokio::test]
async fn get_artifact_in_organization() {
    let artifact =
        Case::new("getArtifactInOrganization", format!("/organizations/acme/jobs/{JOB}/artifacts/{ARTIFACT}"))
            .respond(200, fixture!("artifact.json"))
            .run(|c| c.artifacts().get_in_organization("acme", JOB, ARTIFACT))
            .await;
    assert_eq!(artifact.mime_type.as_deref(), Some("application/x-gzip"));
}

/// The download is a stream (the client has followed the API's 302 to the storage host; the
/// redirect itself is exercised in tests/tests/runtime_bodies.rs); its bytes come untouched.
#[tokio::test]
async fn download_artifact() {
    let stream = Case::new("downloadArtifact", format!("{BUILD}/jobs/{JOB}/artifacts/{ARTIFACT}/download"))
        .respond_bytes(200, FILE)
        .run(|c| c.artifacts().download("acme", "app", 42, JOB, ARTIFACT))
        .await;
    assert_eq!(stream.content_length(), Some(FILE.len() as u64));
    assert_eq!(&stream.bytes().await.expect("the body")[..], FILE);
}

#[tokio::test]
async fn download_artifact_in_organization() {
    let path = format!("/organizations/acme/jobs/{JOB}/artifacts/{ARTIFACT}/download");
    let mut stream = Case::new("downloadArtifactInOrganization", path)
        .respond_bytes(200, FILE)
        .run(|c| c.artifacts().download_in_organization("acme", JOB, ARTIFACT))
        .await;
    let mut copy = Vec::new();
    assert_eq!(stream.copy_to(&mut copy).await.expect("copied"), FILE.len() as u64);
    assert_eq!(copy, FILE);
}

#[tokio::test]
async fn delete_artifact() {
    Case::new("deleteArtifact", format!("{BUILD}/jobs/{JOB}/artifacts/{ARTIFACT}"))
        .respond_empty(204)
        .run(|c| c.artifacts().delete("acme", "app", 42, JOB, ARTIFACT))
        .await;
}

#[tokio::test]
async fn delete_artifact_in_organization() {
    Case::new("deleteArtifactInOrganization", format!("/organizations/acme/jobs/{JOB}/artifacts/{ARTIFACT}"))
        .respond_empty(204)
        .run(|c| c.artifacts().delete_in_organization("acme", JOB, ARTIFACT))
        .await;
}
