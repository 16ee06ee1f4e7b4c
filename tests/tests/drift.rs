//! The checked-in `generated-client` is exactly what the generator makes from `spec/` now.

use std::path::Path;

use generator::write::{sync, Mode};
use generator::{generate, Manifest};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root")
}

#[test]
fn generated_client_is_up_to_date() {
    let (spec, overlays, mut config) = Manifest::load(&root().join("spec/client.yaml")).expect("manifest loads");
    // As `cargo xtask regen` sets it (`GENERATED_BY` in xtask/src/main.rs).
    config.generated_by = "`cargo xtask regen`".to_string();
    let generated = generate(&spec, &overlays, &config).expect("spec generates");
    let report = sync(&root().join("generated-client"), &generated.files, Mode::Check).expect("compare");
    assert!(
        report.is_empty(),
        "generated-client is stale: run `cargo xtask regen` and commit the result\n{}",
        report.diff
    );
}

#[test]
fn upstream_spec_is_untouched() {
    // The upstream file is kept byte for byte; every correction lives in the overlay. Its
    // length and a checksum pin it (CI has no copy of the original to compare with).
    let bytes = std::fs::read(root().join("spec/buildkite-rest-api-openapi.yml")).expect("spec");
    let sum = bytes.iter().fold(0u64, |acc, b| acc.wrapping_mul(1_099_511_628_211).wrapping_add(u64::from(*b)));
    assert_eq!((bytes.len(), sum), (15425, UPSTREAM_SUM), "spec/buildkite-rest-api-openapi.yml was edited");
}

const UPSTREAM_SUM: u64 = 10446191147051064777;

#[test]
fn the_readme_counts_the_operations_the_client_has() {
    // The project README states the client's size; the generated README computes it.
    let api: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("generated-client/api.json")).expect("api.json"))
            .expect("api.json parses");
    let groups = api["api"]["groups"].as_array().expect("groups");
    let operations: usize = groups.iter().map(|g| g["operations"].as_array().map_or(0, Vec::len)).sum();
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let stated = format!("({operations} operations in {} groups", groups.len());
    assert!(readme.contains(&stated), "README.md should say `{stated}`: the client has that many");
}
