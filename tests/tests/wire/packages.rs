//! Package Registries: registries, registry tokens and packages (spec/overlays/registries.yaml,
//! registry-tokens.yaml, packages.yaml).

use super::*;

const TOKEN_ID: &str = "0191b6a2-aa51-70d0-8a5f-aabce115b0fd";
const PACKAGE: &str = "0191e23a-4bc8-7683-bfa4-5f73bc9b7c44";

// Registries

#[tokio::test]
async fn list_registries() {
    let registries = Case::new("listRegistries", "/packages/organizations/acme/registries")
        .respond(200, fixture!("registries.json"))
        .run(|c| c.registries().list("acme"))
        .await;
    assert_eq!(registries.len(), 2);
    assert_eq!(registries[0].ecosystem.as_deref(), Some("ruby"));
    assert_eq!(registries[1].emoji.as_deref(), Some(":debian:"));
    assert_eq!(registries[0].oidc_policy, None);
}

#[tokio::test]
async fn create_registry() {
    let body = types::CreateRegistryRequest::new("gems", "ruby")
        .description("Internal Ruby gems")
        .team_ids(vec!["9e8d7c6b-5a49-4382-a716-a5b4c3d2e1f0".to_string()])
        .oidc_policy(json!([{
            "iss": "https://agent.buildkite.com",
            "scopes": ["read_packages"],
            "claims": { "organization_slug": "acme", "pipeline_slug": { "in": ["app", "gems"] } }
        }]));
    let registry = Case::new("createRegistry", "/packages/organizations/acme/registries")
        .json(json!({
            "name": "gems",
            "ecosystem": "ruby",
            "description": "Internal Ruby gems",
            "team_ids": ["9e8d7c6b-5a49-4382-a716-a5b4c3d2e1f0"],
            "oidc_policy": [{
                "iss": "https://agent.buildkite.com",
                "scopes": ["read_packages"],
                "claims": { "organization_slug": "acme", "pipeline_slug": { "in": ["app", "gems"] } }
            }]
        }))
        .respond(200, fixture!("registry.json"))
        .run(|c| c.registries().create("acme", body))
        .await;
    assert_eq!(registry.slug, "gems");
    assert_eq!(registry.public, Some(false));
}

#[tokio::test]
async fn get_registry() {
    let registry = Case::new("getRegistry", "/packages/organizations/acme/registries/gems")
        .respond(200, fixture!("registry.json"))
        .run(|c| c.registries().get("acme", "gems"))
        .await;
    assert_eq!(registry.id.to_string(), "0191df84-85e4-77aa-83ba-6579084728eb");
    assert_eq!(registry.team_ids.as_deref(), Some(&["9e8d7c6b-5a49-4382-a716-a5b4c3d2e1f0".to_string()][..]));
}

#[tokio::test]
async fn update_registry() {
    // Sent as PATCH (go-buildkite; the docs page shows POST), with only the changed fields.
    let body = types::UpdateRegistryRequest::new().description("Ruby gems for every team").color("#f0ccff");
    let registry = Case::new("updateRegistry", "/packages/organizations/acme/registries/gems")
        .json(json!({ "description": "Ruby gems for every team", "color": "#f0ccff" }))
        .respond(200, fixture!("registry.json"))
        .run(|c| c.registries().update("acme", "gems", body))
        .await;
    assert_eq!(registry.name.as_deref(), Some("gems"));
}

#[tokio::test]
async fn delete_registry() {
    Case::new("deleteRegistry", "/packages/organizations/acme/registries/gems")
        .respond_empty(200)
        .run(|c| c.registries().delete("acme", "gems"))
        .await;
}

// Registry tokens

#[tokio::test]
async fn list_registry_tokens() {
    let tokens = Case::new("listRegistryTokens", "/packages/organizations/acme/registries/gems/tokens")
        .respond(200, fixture!("registry_tokens.json"))
        .run(|c| c.registry_tokens().list("acme", "gems"))
        .await;
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].description.as_deref(), Some("CI installs"));
    // The embedded user has a null avatar_url; the organization and registry are reduced.
    assert_eq!(tokens[0].created_by.as_ref().expect("created_by").avatar_url, None);
    assert_eq!(tokens[0].organization.as_ref().expect("organization").slug, "acme");
    assert_eq!(tokens[0].registry.as_ref().expect("registry").slug, "gems");
}

#[tokio::test]
async fn create_registry_token() {
    let token = Case::new("createRegistryToken", "/packages/organizations/acme/registries/gems/tokens")
        .json(json!({ "description": "CI installs" }))
        .respond(200, fixture!("registry_token.json"))
        .run(|c| c.registry_tokens().create("acme", "gems", types::CreateRegistryTokenRequest::new("CI installs")))
        .await;
    assert_eq!(token.id.to_string(), TOKEN_ID);
    assert_eq!(token.token, None);
}

#[tokio::test]
async fn get_registry_token() {
    let token =
        Case::new("getRegistryToken", format!("/packages/organizations/acme/registries/gems/tokens/{TOKEN_ID}"))
            .respond(200, fixture!("registry_token.json"))
            .run(|c| c.registry_tokens().get("acme", "gems", TOKEN_ID))
            .await;
    assert_eq!(token.created_at.expect("created_at").to_string(), "2024-09-03T06:46:39.441Z");
}

#[tokio::test]
async fn update_registry_token() {
    // A POST in both the docs and go-buildkite.
    let token =
        Case::new("updateRegistryToken", format!("/packages/organizations/acme/registries/gems/tokens/{TOKEN_ID}"))
            .json(json!({ "description": "CI installs" }))
            .respond(200, fixture!("registry_token.json"))
            .run(|c| {
                c.registry_tokens().update(
                    "acme",
                    "gems",
                    TOKEN_ID,
                    types::UpdateRegistryTokenRequest::new("CI installs"),
                )
            })
            .await;
    assert_eq!(token.url.as_deref().map(|u| u.ends_with(TOKEN_ID)), Some(true));
}

#[tokio::test]
async fn delete_registry_token() {
    Case::new("deleteRegistryToken", format!("/packages/organizations/acme/registries/gems/tokens/{TOKEN_ID}"))
        .respond_empty(200)
        .run(|c| c.registry_tokens().delete("acme", "gems", TOKEN_ID))
        .await;
}

// Packages

#[tokio::test]
async fn list_packages() {
    let page = Case::new("listPackages", "/packages/organizations/acme/registries/debs/packages")
        .query(&[("name", "banana"), ("per_page", "2"), ("after", "MDE5MTc4YzI")])
        .respond(200, fixture!("packages_list.json"))
        .run(|c| c.packages().list("acme", "debs").name("banana").per_page(2).after("MDE5MTc4YzI"))
        .await;
    assert_eq!(page.len(), 2);
    assert_eq!(page[0].version.as_deref(), Some("1.1-2"));
    assert_eq!(page[1].digests.as_ref().expect("digests").len(), 1);
    assert!(page[0].organization.is_none(), "list items carry no organization");
}

#[tokio::test]
async fn list_packages_before() {
    let page = Case::new("listPackages", "/packages/organizations/acme/registries/debs/packages")
        .query(&[("before", "MDE5MWUyM2E")])
        .respond_json(200, json!({ "items": [], "links": {} }))
        .run(|c| c.packages().list("acme", "debs").before("MDE5MWUyM2E"))
        .await;
    assert!(page.is_empty());
}

#[tokio::test]
async fn publish_package() {
    let file = b"!<arch>\ndebian-binary   1724307893  0     0     100644  4         `\n2.0\n".to_vec();
    let package = Case::new("publishPackage", "/packages/organizations/acme/registries/debs/packages")
        .body_contains("multipart/form-data", b"name=\"file\"".to_vec())
        .respond(200, fixture!("package.json"))
        .run(|c| c.packages().publish("acme", "debs", types::PublishPackageRequest::new(file)))
        .await;
    assert_eq!(package.name, "banana");
    assert_eq!(package.registry.as_ref().expect("registry").slug, "debs");
    assert_eq!(
        package.digests.as_ref().and_then(|d| d.get("sha256")).map(String::as_str),
        Some("d3e1515a82ece5ad1f63273aa259d91c88967f65d9ae75f880b5c93926586fdf")
    );
}

#[tokio::test]
async fn publish_package_sends_the_file_bytes() {
    Case::new("publishPackage", "/packages/organizations/acme/registries/debs/packages")
        .body_contains("multipart/form-data", b"2.0\nthe package bytes".to_vec())
        .respond(200, fixture!("package.json"))
        .run(|c| {
            c.packages().publish("acme", "debs", types::PublishPackageRequest::new(b"2.0\nthe package bytes".to_vec()))
        })
        .await;
}

#[tokio::test]
async fn request_package_upload() {
    let upload = Case::new("requestPackageUpload", "/packages/organizations/acme/registries/debs/packages/upload")
        .respond(200, fixture!("package_upload.json"))
        .run(|c| c.packages().request_upload("acme", "debs"))
        .await;
    let form = upload.form.expect("form");
    assert_eq!(form.file_input.as_deref(), Some("file"));
    assert_eq!(form.method.as_deref(), Some("POST"));
    assert!(form.data.expect("data")["key"].ends_with("${filename}"));
}

#[tokio::test]
async fn get_package() {
    let package = Case::new("getPackage", format!("/packages/organizations/acme/registries/debs/packages/{PACKAGE}"))
        .respond(200, fixture!("package.json"))
        .run(|c| c.packages().get("acme", "debs", PACKAGE))
        .await;
    assert_eq!(package.id.to_string(), PACKAGE);
    assert_eq!(package.organization.as_ref().expect("organization").slug, "acme");
}

#[tokio::test]
async fn copy_package() {
    let copy =
        Case::new("copyPackage", format!("/packages/organizations/acme/registries/debs/packages/{PACKAGE}/copy"))
            .query(&[("to", "debs-stable")])
            .respond(200, fixture!("package.json"))
            .run(|c| c.packages().copy("acme", "debs", PACKAGE, "debs-stable"))
            .await;
    assert_eq!(copy.name, "banana");
}

#[tokio::test]
async fn delete_package() {
    Case::new("deletePackage", format!("/packages/organizations/acme/registries/debs/packages/{PACKAGE}"))
        .respond_empty(200)
        .run(|c| c.packages().delete("acme", "debs", PACKAGE))
        .await;
}

#[tokio::test]
#[allow(deprecated)]
async fn update_registry_with_patch() {
    let registry = Case::new("updateRegistryWithPatch", "/packages/organizations/acme/registries/gems")
        .json(json!({ "color": "#f0ccff" }))
        .respond(200, fixture!("registry.json"))
        .run(|c| c.registries().update_with_patch("acme", "gems", types::UpdateRegistryRequest::new().color("#f0ccff")))
        .await;
    assert_eq!(registry.name.as_deref(), Some("gems"));
}
