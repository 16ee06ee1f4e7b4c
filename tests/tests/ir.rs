//! The IR of the Buildkite spec (with its overlay), as YAML: what a spec change means for the
//! client, readable before any code is.

use std::path::Path;

use generator::{generate, Manifest};

#[test]
fn buildkite_ir() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let (spec, overlays, config) = Manifest::load(&root.join("spec/client.yaml")).expect("manifest loads");
    let generated = generate(&spec, &overlays, &config).expect("spec generates");
    let operations: usize = generated.api.groups.iter().map(|g| g.operations.len()).sum();
    // 30 operations, plus the text form of the job log.
    assert_eq!(operations, 31);
    insta::assert_yaml_snapshot!(generated.api);
}
