//! The IR of the Buildkite spec (with its overlays), as YAML: what a spec change means for the
//! client, readable before any code is. And the floor of its coverage: every REST endpoint the
//! official Go client calls (`fixtures/go-buildkite-v5.14-endpoints.txt`, one `METHOD /path` per
//! line with parameters written `{}`; a line offering `A | B` is met by either).

use std::collections::BTreeSet;
use std::path::Path;

use generator::{generate, Manifest};

#[test]
fn buildkite_ir() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let (spec, overlays, config) = Manifest::load(&root.join("spec/client.yaml")).expect("manifest loads");
    let generated = generate(&spec, &overlays, &config).expect("spec generates");

    let ours: BTreeSet<String> = generated
        .api
        .groups
        .iter()
        .flat_map(|g| &g.operations)
        .map(|op| {
            let mut path = String::new();
            let mut in_param = false;
            for c in op.path.chars() {
                match c {
                    '{' => {
                        in_param = true;
                        path.push_str("{}");
                    }
                    '}' => in_param = false,
                    c if !in_param => path.push(c),
                    _ => {}
                }
            }
            format!("{} {path}", op.http_method)
        })
        .collect();
    assert!(ours.len() >= 144, "{} distinct endpoints", ours.len());
    let missing: Vec<&str> = include_str!("fixtures/go-buildkite-v5.14-endpoints.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.split('|').any(|alt| ours.contains(alt.trim())))
        .collect();
    assert!(missing.is_empty(), "endpoints the Go client calls that the client lacks: {missing:?}");

    insta::assert_yaml_snapshot!(generated.api);
}

/// Every model, field, parameter and operation of the Buildkite client is documented by its
/// overlay (no generator filler such as "The `x` property."), and every operation links to its
/// page in Buildkite's documentation.
#[test]
fn buildkite_docs_are_complete() {
    use generator::ir::{Docs, TypeKind};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let (spec, overlays, config) = Manifest::load(&root.join("spec/client.yaml")).expect("manifest loads");
    let api = generate(&spec, &overlays, &config).expect("spec generates").api;
    let empty = |d: &Docs| d.summary.is_none() && d.description.is_none();
    let mut missing = Vec::new();
    for (name, def) in &api.types {
        if empty(&def.docs) {
            missing.push(format!("type {name}"));
        }
        if let TypeKind::Struct { fields, .. } = &def.kind {
            missing.extend(fields.iter().filter(|f| empty(&f.docs)).map(|f| format!("field {name}.{}", f.wire_name)));
        }
    }
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        if op.docs.summary.is_none() || op.docs.description.is_none() {
            missing.push(format!("summary or description of {}", op.wire_id));
        }
        if !op.docs_url.as_deref().is_some_and(|u| u.starts_with("https://buildkite.com/docs/")) {
            missing.push(format!("documentation link of {}", op.wire_id));
        }
        missing.extend(
            op.params.iter().filter(|p| empty(&p.docs)).map(|p| format!("parameter {}.{}", op.wire_id, p.wire_name)),
        );
    }
    assert!(missing.is_empty(), "{} undocumented: {missing:#?}", missing.len());
}
