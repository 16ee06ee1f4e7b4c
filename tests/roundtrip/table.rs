//! The harness side of the round-trip suite (issue 22): for one spec, the table the `round-trip`
//! crate checks, as a data file (the document's component schemas in JSON Schema 2020-12, and
//! per checked type its schema and its union alternatives' schemas) and the Rust source that
//! names the generated types. Included by `tests/tests/generated_crates.rs`.

use std::collections::BTreeMap;

use generator::ir::{Api, Prim, TypeKind, TypeRef};
use serde_json::{json, Map, Value};

/// At most this many types of one spec are checked (unions first, then evenly spread over the
/// rest): the corpus has specs with a thousand schemas, and each checked type costs compile time.
pub const MAX_TYPES: usize = 40;

/// One spec's part of the suite.
pub struct Table {
    /// The data file, `data/<crate>.json`.
    pub data: Value,
    /// The test function, for `tests/round_trip.rs`.
    pub test: String,
}

/// The table of the crate `krate` (its package name) generated from `document` into `api`.
pub fn table(krate: &str, document: &Value, api: &Api, max_types: usize) -> Table {
    let schemas = document.pointer("/components/schemas").and_then(Value::as_object);
    let converted: Map<String, Value> =
        schemas.map(|s| s.iter().map(|(k, v)| (k.clone(), to_json_schema(v))).collect()).unwrap_or_default();
    // Named models made from a component schema itself (not from a property or an alternative
    // inside one), which the crate exports under that schema's Rust name.
    let mut candidates: Vec<(&String, &generator::ir::TypeDef)> = api
        .types
        .iter()
        .filter(|(name, t)| {
            t.origin.strip_prefix("#/components/schemas/").is_some_and(|rest| !rest.contains('/'))
                && name.as_str() != "Self"
        })
        .collect();
    candidates.sort_by(|a, b| a.0.cmp(b.0));
    let (unions, rest): (Vec<_>, Vec<_>) =
        candidates.into_iter().partition(|(_, t)| matches!(t.kind, TypeKind::Union { .. }));
    let mut chosen: Vec<_> = unions.into_iter().take(max_types / 2).collect();
    let room = max_types - chosen.len();
    if rest.len() <= room {
        chosen.extend(rest);
    } else {
        chosen.extend((0..room).map(|i| rest[i * rest.len() / room]));
    }
    chosen.sort_by(|a, b| a.0.cmp(b.0));
    let module = krate.replace('-', "_");
    let mut types = Vec::new();
    let mut calls = String::new();
    for (name, def) in chosen {
        let path = format!("{module}::types::{name}");
        let variants: Option<Vec<Value>> = match &def.kind {
            TypeKind::Union { variants, .. } => {
                Some(variants.iter().map(|v| schema_of(&v.ty, api, 0).unwrap_or(Value::Null)).collect())
            }
            _ => None,
        };
        let which = match &def.kind {
            TypeKind::Union { variants, .. } => {
                let arms: String =
                    variants.iter().enumerate().map(|(i, v)| format!("{path}::{}(_) => Some({i}), ", v.name)).collect();
                // A tagged union is `non_exhaustive`, and its `Unknown` is no alternative.
                format!("Some(&|v: &{path}| match v {{ {arms}#[allow(unreachable_patterns)] _ => None }})")
            }
            _ => "None".to_string(),
        };
        calls.push_str(&format!("    spec.check::<{path}>({name:?}, {which});\n"));
        types.push(json!({
            "name": name,
            "schema": { "$ref": fragment(&def.origin) },
            "variants": variants,
        }));
    }
    let test = format!(
        "#[test]\nfn {module}() {{\n    // Every model's test value decodes (it panics at one that does not).\n    {module}::mock::decode_every_example();\n    let mut spec = round_trip::Spec::load({krate:?});\n{calls}    spec.finish();\n}}\n"
    );
    let data = json!({
        "spec": krate,
        "root": { "components": { "schemas": Value::Object(converted) } },
        "types": types,
    });
    Table { data, test }
}

/// What a Rust type holds, as JSON Schema: what the decoded alternative of a union promises.
/// `None` when a model is not a component schema's (its schema is not in the data file).
fn schema_of(ty: &TypeRef, api: &Api, depth: usize) -> Option<Value> {
    if depth > 16 {
        return None;
    }
    Some(match ty {
        TypeRef::Named(name) => {
            let def = api.types.get(name)?;
            if !def.origin.starts_with("#/components/schemas/") {
                return None;
            }
            json!({ "$ref": fragment(&def.origin) })
        }
        TypeRef::Prim(p) => match p {
            Prim::String | Prim::DateTime | Prim::Date | Prim::Uuid | Prim::Bytes => json!({"type": "string"}),
            Prim::Bool => json!({"type": "boolean"}),
            Prim::F32 | Prim::F64 => json!({"type": "number"}),
            _ => json!({"type": "integer"}),
        },
        TypeRef::Vec(t) => json!({"type": "array", "items": schema_of(t, api, depth + 1)?}),
        TypeRef::Map(t) => json!({"type": "object", "additionalProperties": schema_of(t, api, depth + 1)?}),
        TypeRef::Option(t) => json!({"anyOf": [schema_of(t, api, depth + 1)?, {"type": "null"}]}),
        TypeRef::Boxed(t) => schema_of(t, api, depth + 1)?,
        TypeRef::Json => json!(true),
    })
}

/// A JSON pointer as a URI fragment: what `$ref` takes.
fn fragment(pointer: &str) -> String {
    let mut out = String::new();
    for byte in pointer.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b'#' | b':' | b'@' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// An OpenAPI 3.0 schema as JSON Schema 2020-12: `nullable` becomes a `null` type (or an
/// `anyOf` with `null`), boolean `exclusiveMinimum`/`exclusiveMaximum` the numeric ones, a
/// `$ref` loses its siblings (3.0 ignores them; `nullable` beside it is honoured, as the
/// generator does), what is only OpenAPI's (`xml`, `example`, extensions) goes, and a
/// `discriminator` becomes `x-rt-discriminator` (which validators ignore).
pub fn to_json_schema(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    let nullable = object.get("nullable") == Some(&Value::Bool(true));
    if let Some(reference) = object.get("$ref") {
        let reference = json!({ "$ref": reference });
        return if nullable { json!({"anyOf": [reference, {"type": "null"}]}) } else { reference };
    }
    let mut out = Map::new();
    for (key, value) in object {
        let converted = match key.as_str() {
            // A discriminator picks the alternative: for the instance generator, and the
            // alternatives then need not exclude each other (`oneOf` reads as `anyOf`).
            "discriminator" => {
                out.insert("x-rt-discriminator".into(), value.clone());
                continue;
            }
            "oneOf" if object.contains_key("discriminator") => {
                out.insert(
                    "anyOf".into(),
                    value.as_array().map_or(Value::Null, |p| p.iter().map(to_json_schema).collect()),
                );
                continue;
            }
            "xml" | "example" | "externalDocs" | "nullable" | "exclusiveMinimum" | "exclusiveMaximum"
            | "deprecated" => continue,
            k if k.starts_with("x-") => continue,
            "properties" => match value.as_object() {
                Some(properties) => {
                    Value::Object(properties.iter().map(|(k, v)| (k.clone(), to_json_schema(v))).collect())
                }
                None => value.clone(),
            },
            "items" | "additionalProperties" | "not" => to_json_schema(value),
            "allOf" | "oneOf" | "anyOf" => match value.as_array() {
                Some(parts) => Value::Array(parts.iter().map(to_json_schema).collect()),
                None => value.clone(),
            },
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    for (flag, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if object.get(flag) == Some(&Value::Bool(true)) {
            if let Some(value) = out.remove(bound) {
                out.insert(flag.to_string(), value);
            }
        }
    }
    if nullable {
        match out.get("type").cloned() {
            Some(Value::String(t)) => {
                out.insert("type".into(), json!([t, "null"]));
                if let Some(Value::Array(values)) = out.get_mut("enum") {
                    if !values.contains(&Value::Null) {
                        values.push(Value::Null);
                    }
                }
            }
            _ => return json!({"anyOf": [Value::Object(out), {"type": "null"}]}),
        }
    }
    Value::Object(out)
}

/// The whole `round-trip` crate's generated parts, from every spec's table.
pub fn tests_source(tables: &BTreeMap<String, Table>) -> String {
    let mut out = String::from(
        "//! Generated by tests/tests/generated_crates.rs from tests/roundtrip/table.rs: one test per spec.\n\n// Deprecated models are checked too; a spec with no checked model has nothing to mutate.\n#![allow(deprecated, unused_mut)]\n\n",
    );
    for table in tables.values() {
        out.push_str(&table.test);
        out.push('\n');
    }
    out
}
