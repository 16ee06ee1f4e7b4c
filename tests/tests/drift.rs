//! The checked-in `generated-client` is exactly what the generator makes from `spec/` now, and the
//! merged spec means under JSON Schema what the generator reads from it.

use std::collections::BTreeSet;
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

/// The values a schema admits for property `key`: `None` when nothing constrains it, else the
/// intersection of every `enum` that applies (the schema's own, its `allOf` parts', references
/// followed).
fn admitted(spec: &serde_json::Value, schema: &serde_json::Value, key: &str) -> Option<BTreeSet<String>> {
    fn resolve<'a>(spec: &'a serde_json::Value, schema: &'a serde_json::Value) -> &'a serde_json::Value {
        match schema.get("$ref").and_then(|r| r.as_str()).and_then(|r| r.strip_prefix('#')) {
            Some(pointer) => resolve(spec, spec.pointer(pointer).expect("reference resolves")),
            None => schema,
        }
    }
    fn values(spec: &serde_json::Value, schema: &serde_json::Value) -> Option<BTreeSet<String>> {
        let schema = resolve(spec, schema);
        let own = schema
            .get("enum")
            .and_then(|e| e.as_array())
            .map(|e| e.iter().filter_map(|v| v.as_str().map(String::from)).collect::<BTreeSet<_>>());
        let parts = schema.get("allOf").and_then(|a| a.as_array()).into_iter().flatten();
        parts.map(|part| values(spec, part)).chain([own]).flatten().reduce(|a, b| &a & &b)
    }
    let schema = resolve(spec, schema);
    let own = schema.get("properties").and_then(|p| p.get(key)).and_then(|p| values(spec, p));
    let parts = schema.get("allOf").and_then(|a| a.as_array()).into_iter().flatten();
    parts.map(|part| admitted(spec, part, key)).chain([own]).flatten().reduce(|a, b| &a & &b)
}

#[test]
fn discriminated_unions_are_exclusive_under_json_schema() {
    // A tool that validates with JSON Schema ignores `discriminator`: unless each branch
    // narrows the tag to its own values, a body matches several `oneOf` branches and is
    // invalid (issue 24 item 10: every Job matched more than one).
    let (spec, overlays, _) = Manifest::load(&root().join("spec/client.yaml")).expect("manifest loads");
    let merged = generator::load::merge(&spec, &overlays).expect("overlays apply");
    let schemas = merged.pointer("/components/schemas").and_then(|s| s.as_object()).expect("schemas");
    let mut checked = 0;
    for (name, schema) in schemas {
        let (Some(branches), Some(tag)) = (
            schema.get("oneOf").and_then(|o| o.as_array()),
            schema.pointer("/discriminator/propertyName").and_then(|p| p.as_str()),
        ) else {
            continue;
        };
        let sets: Vec<BTreeSet<String>> = branches
            .iter()
            .map(|b| {
                let set = admitted(&merged, b, tag);
                set.filter(|s| !s.is_empty()).unwrap_or_else(|| panic!("{name}: branch {b} leaves `{tag}` open"))
            })
            .collect();
        for (i, a) in sets.iter().enumerate() {
            for b in &sets[i + 1..] {
                assert!(a.is_disjoint(b), "{name}: two branches both admit `{tag}` in {:?}", a & b);
            }
        }
        let mapping = schema.pointer("/discriminator/mapping").and_then(|m| m.as_object());
        for (value, target) in mapping.into_iter().flatten() {
            let branch = branches.iter().position(|b| b.get("$ref") == Some(target)).expect("mapped branch");
            assert!(sets[branch].contains(value), "{name}: `{value}` maps to a branch that does not admit it");
        }
        checked += 1;
    }
    assert!(checked > 0, "no discriminated union found");
}
