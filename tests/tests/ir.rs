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

/// The spec with every overlay applied (`cargo xtask spec`) is a spec of its own: generated
/// without overlays, it gives the same IR as the upstream spec with them.
#[test]
fn the_applied_spec_generates_the_same_client() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let (spec, overlays, config) = Manifest::load(&root.join("spec/client.yaml")).expect("manifest loads");
    let with_overlays = generate(&spec, &overlays, &config).expect("spec generates").api;
    let applied = generator::applied_spec(&spec, &overlays).expect("the overlays apply");
    let alone =
        generate(&generator::Source::new("applied.yaml", applied), &[], &config).expect("the applied spec generates");
    assert_eq!(
        serde_json::to_value(&alone.api).expect("IR serializes"),
        serde_json::to_value(&with_overlays).expect("IR serializes")
    );
}

/// The Buildkite client survives an upstream move to OpenAPI 3.1: the merged spec, rewritten
/// the way a 3.1 author writes it, lowers to the same IR.
#[test]
fn buildkite_spec_as_3_1_lowers_to_the_same_ir() {
    use serde_json::Value;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let (spec, overlays, config) = Manifest::load(&root.join("spec/client.yaml")).expect("manifest loads");
    let mut merged = generator::load::merge(&spec, &overlays).expect("spec merges");
    let mut changes = Changes::default();
    to_3_1(&mut merged, false, &mut changes);
    merged["openapi"] = Value::String("3.1.0".into());
    // The spec has nullable scalars and references (written `nullable` + `type` + `allOf`, so
    // counted with the scalars), and binary strings, to rewrite (no schema
    // examples, byte strings or exclusive bounds today: those rewrites are here for when it does).
    assert!(changes.nullable > 100 && changes.binary > 0, "{changes:?}");

    let converted = generator::Source::new("buildkite-3.1.json", merged.to_string());
    let as_3_0 = generate(&spec, &overlays, &config).expect("spec generates");
    let as_3_1 = generate(&converted, &[], &config).expect("3.1 spec generates");
    let ir = |api: &generator::ir::Api| serde_json::to_value(api).expect("IR serializes");
    assert!(ir(&as_3_0.api) == ir(&as_3_1.api), "the IRs differ");
    assert_eq!(as_3_0.warnings, as_3_1.warnings);
}

/// What the 3.1 rewrite changed, by kind.
#[derive(Debug, Default)]
struct Changes {
    nullable: usize,
    nullable_ref: usize,
    example: usize,
    binary: usize,
    byte: usize,
    exclusive: usize,
}

/// Rewrites a 3.0 document's schemas in 3.1's words: `nullable` as a type list with "null" (or a
/// `oneOf` with a null branch where there is no `type`), `example` as `examples`, `format: binary`
/// and `byte` as content keywords, boolean exclusive bounds as numbers; a `$ref`'s siblings,
/// which 3.0 ignores, are dropped.
fn to_3_1(value: &mut serde_json::Value, is_schema: bool, changes: &mut Changes) {
    use serde_json::{json, Value};
    const ANNOTATIONS: &[&str] = &["title", "description", "default", "deprecated", "readOnly", "writeOnly", "example"];
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            items.iter_mut().for_each(|v| to_3_1(v, false, changes));
        }
        return;
    };
    if is_schema {
        if map.contains_key("$ref") {
            map.retain(|k, _| k == "$ref");
            return;
        }
        if map.remove("nullable") == Some(Value::Bool(true)) {
            changes.nullable += 1;
            match map.get("type").and_then(Value::as_str).map(String::from) {
                Some(t) => {
                    map.insert("type".into(), json!([t, "null"]));
                    if let Some(Value::Array(values)) = map.get_mut("enum") {
                        if !values.contains(&Value::Null) {
                            values.push(Value::Null);
                        }
                    }
                }
                None => {
                    changes.nullable_ref += 1;
                    let rest: serde_json::Map<String, Value> = map
                        .iter()
                        .filter(|(k, _)| !ANNOTATIONS.contains(&k.as_str()))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    map.retain(|k, _| ANNOTATIONS.contains(&k.as_str()));
                    let branch = match rest.get("allOf").and_then(Value::as_array) {
                        Some(parts) if rest.len() == 1 && parts.len() == 1 => parts[0].clone(),
                        _ => Value::Object(rest),
                    };
                    map.insert("oneOf".into(), json!([branch, {"type": "null"}]));
                }
            }
        }
        if let Some(example) = map.remove("example") {
            changes.example += 1;
            map.insert("examples".into(), json!([example]));
        }
        match map.get("format").and_then(Value::as_str) {
            Some("binary") => {
                changes.binary += 1;
                map.remove("format");
                map.insert("contentMediaType".into(), json!("application/octet-stream"));
            }
            Some("byte") => {
                changes.byte += 1;
                map.remove("format");
                map.insert("contentEncoding".into(), json!("base64"));
            }
            _ => {}
        }
        for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
            match map.remove(exclusive) {
                Some(Value::Bool(true)) => {
                    changes.exclusive += 1;
                    if let Some(n) = map.remove(bound) {
                        map.insert(exclusive.into(), n);
                    }
                }
                Some(Value::Bool(false)) | None => {}
                Some(other) => {
                    map.insert(exclusive.into(), other);
                }
            }
        }
    }
    for (key, child) in map.iter_mut() {
        match key.as_str() {
            "example" | "examples" | "default" | "enum" => {}
            k if k.starts_with("x-") && k != "x-webhooks" => {}
            "schema" | "items" | "not" => to_3_1(child, true, changes),
            "additionalProperties" => to_3_1(child, child.is_object(), changes),
            "properties" if is_schema => {
                if let Value::Object(properties) = child {
                    properties.values_mut().for_each(|p| to_3_1(p, true, changes));
                }
            }
            "allOf" | "oneOf" | "anyOf" if is_schema => {
                if let Value::Array(parts) = child {
                    parts.iter_mut().for_each(|p| to_3_1(p, true, changes));
                }
            }
            "schemas" if !is_schema => {
                if let Value::Object(schemas) = child {
                    schemas.values_mut().for_each(|s| to_3_1(s, true, changes));
                }
            }
            _ => to_3_1(child, false, changes),
        }
    }
}
