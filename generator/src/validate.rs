//! Validate: every schema object is checked keyword by keyword before the typed parse, so a
//! malformed schema gets a precise message naming its JSON pointer (the typed parser's untagged
//! enums would report "did not match any variant" at the top, after backtracking through every
//! level beneath).

use serde_json::{Map, Value};

use crate::error::{Error, Pointer};

const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];
const STRINGS: &[&str] = &["format", "pattern", "title", "description"];
const BOOLS: &[&str] =
    &["nullable", "readOnly", "writeOnly", "deprecated", "uniqueItems", "exclusiveMinimum", "exclusiveMaximum"];
const NUMBERS: &[&str] = &["minimum", "maximum", "multipleOf"];
const COUNTS: &[&str] = &["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"];

/// Checks every schema in the document: the values of `components.schemas` and of every
/// `schema` key (parameters, media types, headers).
pub fn schemas(doc: &Value, file: &str) -> Result<(), Error> {
    let err =
        |at: &Pointer, message: String| Error::Schema { file: file.to_string(), pointer: at.to_string(), message };
    if let Some(schemas) = doc.pointer("/components/schemas") {
        let at = Pointer::root().push("components").push("schemas");
        let map = schemas.as_object().ok_or_else(|| err(&at, "`components.schemas` must be a mapping".into()))?;
        for (name, schema) in map {
            schema_at(schema, &at.push(name)).map_err(|(at, m)| err(&at, m))?;
        }
    }
    find_schema_keys(doc, &Pointer::root()).map_err(|(at, m)| err(&at, m))
}

type Found = Result<(), (Pointer, String)>;

/// Walks the document outside schemas, validating the value of every `schema` key.
fn find_schema_keys(value: &Value, at: &Pointer) -> Found {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_at = at.push(key);
                if key == "schema" {
                    schema_at(child, &child_at)?;
                } else {
                    // Component schemas are checked as schemas already; extensions are free-form.
                    let component_schemas = key == "schemas" && at.as_json_pointer() == "/components";
                    if !component_schemas && !key.starts_with("x-") {
                        find_schema_keys(child, &child_at)?;
                    }
                }
            }
            Ok(())
        }
        Value::Array(items) => {
            items.iter().enumerate().try_for_each(|(i, item)| find_schema_keys(item, &at.push(i.to_string())))
        }
        _ => Ok(()),
    }
}

fn expect<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    at: &Pointer,
    what: &str,
    ok: fn(&Value) -> bool,
) -> Result<Option<&'a Value>, (Pointer, String)> {
    match map.get(key) {
        Some(v) if !ok(v) => Err((at.push(key), format!("`{key}` must be {what}, found {}", kind(v)))),
        other => Ok(other),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Validates one schema and the schemas inside it.
fn schema_at(value: &Value, at: &Pointer) -> Found {
    let Value::Object(map) = value else {
        return Err((at.clone(), format!("a schema must be a mapping, found {}", kind(value))));
    };
    if let Some(reference) = map.get("$ref") {
        return match reference {
            Value::String(_) => Ok(()),
            other => Err((at.push("$ref"), format!("`$ref` must be a string, found {}", kind(other)))),
        };
    }
    let ty = expect(map, "type", at, "a string", Value::is_string)?.and_then(Value::as_str);
    if let Some(ty) = ty {
        if !TYPES.contains(&ty) {
            return Err((at.push("type"), format!("unknown type `{ty}`; expected one of {}", TYPES.join(", "))));
        }
    }
    for key in STRINGS {
        expect(map, key, at, "a string", Value::is_string)?;
    }
    for key in BOOLS {
        expect(map, key, at, "a boolean", Value::is_boolean)?;
    }
    for key in NUMBERS {
        expect(map, key, at, "a number", Value::is_number)?;
    }
    for key in COUNTS {
        expect(map, key, at, "a non-negative integer", Value::is_u64)?;
    }
    if let Some(values) = expect(map, "enum", at, "a list", Value::is_array)?.and_then(Value::as_array) {
        let fits: fn(&Value) -> bool = match ty {
            Some("string") => |v| v.is_string() || v.is_null(),
            Some("integer") => |v| v.is_i64() || v.is_u64() || v.is_null(),
            Some("number") => |v| v.is_number() || v.is_null(),
            Some("boolean") => |v| v.is_boolean() || v.is_null(),
            _ => |_| true,
        };
        if let Some((i, v)) = values.iter().enumerate().find(|(_, v)| !fits(v)) {
            return Err((
                at.push("enum").push(i.to_string()),
                format!("a `{}` enum cannot hold {}", ty.unwrap_or("?"), kind(v)),
            ));
        }
    }
    if let Some(required) = expect(map, "required", at, "a list", Value::is_array)?.and_then(Value::as_array) {
        if let Some(i) = required.iter().position(|v| !v.is_string()) {
            return Err((at.push("required").push(i.to_string()), "`required` lists property names (strings)".into()));
        }
    }
    if let Some(properties) = expect(map, "properties", at, "a mapping", Value::is_object)?.and_then(Value::as_object) {
        for (name, schema) in properties {
            schema_at(schema, &at.push("properties").push(name))?;
        }
    }
    if let Some(items) = map.get("items") {
        schema_at(items, &at.push("items"))?;
    }
    if let Some(not) = map.get("not") {
        schema_at(not, &at.push("not"))?;
    }
    match map.get("additionalProperties") {
        None | Some(Value::Bool(_)) => {}
        Some(schema) => schema_at(schema, &at.push("additionalProperties"))?,
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = expect(map, key, at, "a list of schemas", Value::is_array)?.and_then(Value::as_array) {
            for (i, part) in parts.iter().enumerate() {
                schema_at(part, &at.push(key).push(i.to_string()))?;
            }
        }
    }
    if let Some(d) = expect(map, "discriminator", at, "a mapping", Value::is_object)?.and_then(Value::as_object) {
        let d_at = at.push("discriminator");
        if !d.get("propertyName").is_some_and(Value::is_string) {
            return Err((d_at.push("propertyName"), "a discriminator needs a `propertyName` string".into()));
        }
        if let Some(mapping) = expect(d, "mapping", &d_at, "a mapping", Value::is_object)?.and_then(Value::as_object) {
            if let Some((k, _)) = mapping.iter().find(|(_, v)| !v.is_string()) {
                return Err((d_at.push("mapping").push(k), "discriminator mappings are references (strings)".into()));
            }
        }
    }
    Ok(())
}
