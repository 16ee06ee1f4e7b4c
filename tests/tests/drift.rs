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
