//! Annotations on builds and on jobs, the job ones on both routes
//! (spec/overlays/annotations.yaml).

use super::*;

const BUILD: &str = "/organizations/acme/pipelines/app/builds/42";
const JOB: &str = "0190ad3c-52c2-4b0b-9b5e-3a5d1a8a1f0e";
const ANNOTATION: &str = "018b8d10-6b5b-4df2-b0ff-dfa2af566050";
const JOB_ANNOTATION: &str = "a7c5b1d2-4f3e-4a1b-9c8d-6e2f1a3b4c5d";

/// The body both create calls send, and its JSON.
fn create_request() -> (types::CreateAnnotationRequest, Value) {
    let request = types::CreateAnnotationRequest::new("Test results: 412 passed")
        .style(types::AnnotationStyle::Success)
        .priority(3)
        .context("test-results")
        .append(false);
    let json = json!({
        "body": "Test results: 412 passed",
        "style": "success",
        "priority": 3,
        "context": "test-results",
        "append": false
    });
    (request, json)
}

#[tokio::test]
async fn list_annotations() {
    let annotations = Case::new("listAnnotations", format!("{BUILD}/annotations"))
        .query(&[("scope", "all"), ("omit_body", "true"), ("page", "1"), ("per_page", "100")])
        .respond(200, fixture!("annotations.json"))
        .run(|c| {
            c.annotations()
                .list("acme", "app", 42)
                .scope(types::ListAnnotationsScope::All)
                .omit_body(true)
                .page(1)
                .per_page(100)
        })
        .await;
    assert_eq!(annotations.len(), 2);
    // `omit_body=true` leaves `body_html` out.
    assert!(annotations.iter().all(|a| a.body_html.is_none()));
    assert_eq!(annotations[1].scope, Some(types::AnnotationScope::Job));
    assert_eq!(annotations[1].priority, Some(10));
}

#[tokio::test]
async fn create_annotation() {
    let request = types::CreateAnnotationRequest::new("Coverage fell to **81%**")
        .style(types::AnnotationStyle::Warning)
        .priority(5)
        .context("coverage");
    let annotation = Case::new("createAnnotation", format!("{BUILD}/annotations"))
        .json(json!({ "body": "Coverage fell to **81%**", "style": "warning", "priority": 5, "context": "coverage" }))
        .respond(201, fixture!("annotation.json"))
        .run(|c| c.annotations().create("acme", "app", 42, request))
        .await;
    assert_eq!(annotation.id.to_string(), ANNOTATION);
    assert_eq!(annotation.style, types::AnnotationStyle::Warning);
    assert_eq!(annotation.job_id, None);
}

#[tokio::test]
async fn delete_annotation() {
    Case::new("deleteAnnotation", format!("{BUILD}/annotations/{ANNOTATION}"))
        .respond_empty(204)
        .run(|c| c.annotations().delete("acme", "app", 42, ANNOTATION))
        .await;
}

#[tokio::test]
async fn list_annotations_for_job() {
    let annotations = Case::new("listAnnotationsForJob", format!("{BUILD}/jobs/{JOB}/annotations"))
        .query(&[("page", "2"), ("per_page", "10")])
        .respond(200, fixture!("annotations_job.json"))
        .run(|c| c.annotations().list_for_job("acme", "app", 42, JOB).page(2).per_page(10))
        .await;
    assert_eq!(annotations[0].job_id.map(|j| j.to_string()).as_deref(), Some(JOB));
    assert_eq!(annotations[0].scope, Some(types::AnnotationScope::Job));
}

#[tokio::test]
async fn create_annotation_for_job() {
    let (request, body) = create_request();
    let annotation = Case::new("createAnnotationForJob", format!("{BUILD}/jobs/{JOB}/annotations"))
        .json(body)
        .respond(201, fixture!("annotation_job_created.json"))
        .run(|c| c.annotations().create_for_job("acme", "app", 42, JOB, request))
        .await;
    assert_eq!(annotation.context, "test-results");
    assert_eq!(annotation.scope, Some(types::AnnotationScope::Job));
}

#[tokio::test]
async fn delete_annotation_for_job() {
    Case::new("deleteAnnotationForJob", format!("{BUILD}/jobs/{JOB}/annotations/{JOB_ANNOTATION}"))
        .respond_empty(204)
        .run(|c| c.annotations().delete_for_job("acme", "app", 42, JOB, JOB_ANNOTATION))
        .await;
}

#[tokio::test]
async fn list_annotations_for_job_in_organization() {
    let annotations =
        Case::new("listAnnotationsForJobInOrganization", format!("/organizations/acme/jobs/{JOB}/annotations"))
            .query(&[("per_page", "30")])
            .respond(200, fixture!("annotations_job.json"))
            .run(|c| c.annotations().list_for_job_in_organization("acme", JOB).per_page(30))
            .await;
    assert_eq!(annotations[0].body_html.as_deref(), Some("<p>All 412 tests passed</p>\n"));
}

#[tokio::test]
async fn create_annotation_for_job_in_organization() {
    let (request, body) = create_request();
    let annotation =
        Case::new("createAnnotationForJobInOrganization", format!("/organizations/acme/jobs/{JOB}/annotations"))
            .json(body)
            .respond(201, fixture!("annotation_job_created.json"))
            .run(|c| c.annotations().create_for_job_in_organization("acme", JOB, request))
            .await;
    assert_eq!(annotation.id.to_string(), JOB_ANNOTATION);
}

#[tokio::test]
async fn delete_annotation_for_job_in_organization() {
    let path = format!("/organizations/acme/jobs/{JOB}/annotations/{JOB_ANNOTATION}");
    Case::new("deleteAnnotationForJobInOrganization", path)
        .respond_empty(204)
        .run(|c| c.annotations().delete_for_job_in_organization("acme", JOB, JOB_ANNOTATION))
        .await;
}
