//! Validate: every schema object is checked keyword by keyword before the typed parse, so a
//! malformed schema gets a precise message naming its JSON pointer (the typed parser's untagged
//! enums would report "did not match any variant" at the top, after backtracking through every
//! level beneath).

use serde_json::{Map, Value};

use crate::error::{Error, Pointer};
use crate::ir::{Fate, LeftOut};
use crate::Warning;

const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];
const STRINGS: &[&str] = &["format", "pattern", "title", "description"];
const BOOLS: &[&str] =
    &["nullable", "readOnly", "writeOnly", "deprecated", "uniqueItems", "exclusiveMinimum", "exclusiveMaximum"];
const NUMBERS: &[&str] = &["minimum", "maximum", "multipleOf"];
const COUNTS: &[&str] = &["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"];

/// Checks every schema in the document: the values of `components.schemas` and every schema
/// where OpenAPI puts one (parameters, headers, media types), found by walking the document's
/// structure. Only that structure is walked: examples, defaults, links and extensions hold data,
/// and a key named `schema` in them is data too.
///
/// With `strict`, the first malformed schema refuses the document. Otherwise each is repaired
/// where it stands, with a warning naming it: a `string` enum's booleans and numbers become the
/// strings they spell (as other generators read them), and any other malformed schema becomes a
/// free-form value (`{}`), so that one bad schema costs that schema, not the document.
pub fn schemas(
    doc: &mut Value,
    file: &str,
    strict: bool,
    warnings: &mut Vec<Warning>,
    left_out: &mut Vec<LeftOut>,
) -> Result<(), Error> {
    let err =
        |at: &Pointer, message: String| Error::Schema { file: file.to_string(), pointer: at.to_string(), message };
    // Each repair removes one malformed place, so the passes are bounded by their number.
    loop {
        let Err(bad) = check(doc) else { return Ok(()) };
        let (at, free) = match bad.fix {
            Some(Fix::Stringify(at)) => (at, false),
            Some(Fix::Free(at)) if !strict => (at, true),
            _ => return Err(err(&bad.at, bad.message)),
        };
        let Some(target) = doc.pointer_mut(at.as_json_pointer()) else { return Err(err(&bad.at, bad.message)) };
        if free {
            warnings.push(Warning {
                pointer: at.to_string(),
                message: format!("read as a free-form `serde_json::Value` ({}: {})", bad.at, bad.message),
            });
            left_out.push(LeftOut { pointer: at.to_string(), fate: Fate::SchemaAsJson });
            // What documents the schema stays: only the shape is given up.
            let description = target.get("description").filter(|d| d.is_string()).cloned();
            *target = Value::Object(description.map(|d| ("description".to_string(), d)).into_iter().collect());
        } else {
            let text = match &*target {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            warnings.push(Warning {
                pointer: at.to_string(),
                message: format!("{}: read as the string \"{text}\"", bad.message),
            });
            *target = Value::String(text);
        }
    }
}

/// The first malformed place of the document.
fn check(doc: &Value) -> Found {
    if let Some(schemas) = doc.pointer("/components/schemas") {
        let at = Pointer::root().push("components").push("schemas");
        let map = schemas.as_object().ok_or_else(|| Bad {
            at: at.clone(),
            message: "`components.schemas` must be a mapping".into(),
            fix: None,
        })?;
        for (name, schema) in map {
            schema_at(schema, &at.push(name))?;
        }
    }
    document(doc)
}

/// A malformed place: where, what is wrong, and how a lenient generation repairs it.
struct Bad {
    at: Pointer,
    message: String,
    fix: Option<Fix>,
}

enum Fix {
    /// The value at this pointer (a string enum's boolean or number) becomes a string.
    Stringify(Pointer),
    /// The schema at this pointer becomes a free-form value.
    Free(Pointer),
}

type Found = Result<(), Bad>;

/// The entries of the mapping under `key` in `value`. Anything else (a missing key, a value of
/// the wrong type) has no entries: the typed parse reports wrong types.
fn entries<'v>(value: &'v Value, key: &str, at: &Pointer) -> Vec<(&'v String, &'v Value, Pointer)> {
    let Some(Value::Object(map)) = value.get(key) else { return Vec::new() };
    let at = at.push(key);
    map.iter().map(|(k, v)| (k, v, at.push(k))).collect()
}

/// The same for an object that takes extensions (`paths`, `responses`): those left out.
fn extensible_entries<'v>(value: &'v Value, key: &str, at: &Pointer) -> Vec<(&'v String, &'v Value, Pointer)> {
    let mut found = entries(value, key, at);
    found.retain(|(k, _, _)| !k.starts_with("x-"));
    found
}

/// The items of the list under `key` in `value`.
fn items<'v>(value: &'v Value, key: &str, at: &Pointer) -> Vec<(&'v Value, Pointer)> {
    let Some(Value::Array(list)) = value.get(key) else { return Vec::new() };
    let at = at.push(key);
    list.iter().enumerate().map(|(i, v)| (v, at.push(i.to_string()))).collect()
}

/// Every place outside `components.schemas` where the document holds schemas.
fn document(doc: &Value) -> Found {
    let root = Pointer::root();
    for (_, item, at) in extensible_entries(doc, "paths", &root) {
        path_item(item, &at)?;
    }
    let Some(components) = doc.get("components") else { return Ok(()) };
    let at = root.push("components");
    for (_, response, at) in entries(components, "responses", &at) {
        self::response(response, &at)?;
    }
    for (_, parameter, at) in entries(components, "parameters", &at) {
        parameter_or_header(parameter, &at)?;
    }
    for (_, header, at) in entries(components, "headers", &at) {
        parameter_or_header(header, &at)?;
    }
    for (_, body, at) in entries(components, "requestBodies", &at) {
        content(body, &at)?;
    }
    for (_, callback, at) in entries(components, "callbacks", &at) {
        self::callback(callback, &at)?;
    }
    Ok(())
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn path_item(item: &Value, at: &Pointer) -> Found {
    for (parameter, at) in items(item, "parameters", at) {
        parameter_or_header(parameter, &at)?;
    }
    for method in METHODS {
        let Some(operation) = item.get(*method) else { continue };
        let at = at.push(method);
        for (parameter, at) in items(operation, "parameters", &at) {
            parameter_or_header(parameter, &at)?;
        }
        if let Some(body) = operation.get("requestBody") {
            content(body, &at.push("requestBody"))?;
        }
        for (_, response, at) in extensible_entries(operation, "responses", &at) {
            self::response(response, &at)?;
        }
        for (_, callback, at) in entries(operation, "callbacks", &at) {
            self::callback(callback, &at)?;
        }
    }
    Ok(())
}

/// A callback: path items by expression.
fn callback(callback: &Value, at: &Pointer) -> Found {
    let Value::Object(map) = callback else { return Ok(()) };
    for (expression, item) in map.iter().filter(|(k, _)| !k.starts_with("x-")) {
        path_item(item, &at.push(expression))?;
    }
    Ok(())
}

/// A parameter or a header: a `schema`, or a `content` map. (A `$ref` in its place has neither.)
fn parameter_or_header(value: &Value, at: &Pointer) -> Found {
    if let Some(schema) = value.get("schema") {
        schema_at(schema, &at.push("schema"))?;
    }
    content(value, at)
}

fn response(response: &Value, at: &Pointer) -> Found {
    for (_, header, at) in entries(response, "headers", at) {
        parameter_or_header(header, &at)?;
    }
    content(response, at)
}

/// The media types of the `content` map of a parameter, header, request body or response.
fn content(value: &Value, at: &Pointer) -> Found {
    for (_, media, at) in entries(value, "content", at) {
        if let Some(schema) = media.get("schema") {
            schema_at(schema, &at.push("schema"))?;
        }
        for (_, encoding, at) in entries(media, "encoding", &at) {
            for (_, header, at) in entries(encoding, "headers", &at) {
                parameter_or_header(header, &at)?;
            }
        }
    }
    Ok(())
}

fn expect<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    at: &Pointer,
    what: &str,
    ok: fn(&Value) -> bool,
) -> Result<Option<&'a Value>, (Pointer, String, bool)> {
    match map.get(key) {
        Some(v) if !ok(v) => Err((at.push(key), format!("`{key}` must be {what}, found {}", kind(v)), false)),
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

/// Validates one schema and the schemas inside it. A malformed schema is repaired whole
/// (becomes free-form), except a `string` enum's boolean or number, which becomes a string.
fn schema_at(value: &Value, at: &Pointer) -> Found {
    own(value, at).map_err(|(bad_at, message, stringify)| Bad {
        fix: Some(if stringify { Fix::Stringify(bad_at.clone()) } else { Fix::Free(at.clone()) }),
        at: bad_at,
        message,
    })?;
    let Value::Object(map) = value else { return Ok(()) };
    if map.contains_key("$ref") {
        return Ok(());
    }
    if let Some(Value::Object(properties)) = map.get("properties") {
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
        if let Some(Value::Array(parts)) = map.get(key) {
            for (i, part) in parts.iter().enumerate() {
                schema_at(part, &at.push(key).push(i.to_string()))?;
            }
        }
    }
    Ok(())
}

/// What is wrong with a schema's own keywords: where, what, and whether it is a `string` enum's
/// boolean or number (which a lenient reading takes as a string).
type Own = Result<(), (Pointer, String, bool)>;

fn own(value: &Value, at: &Pointer) -> Own {
    let Value::Object(map) = value else {
        return Err((at.clone(), format!("a schema must be a mapping, found {}", kind(value)), false));
    };
    if let Some(reference) = map.get("$ref") {
        return match reference {
            Value::String(_) => Ok(()),
            other => Err((at.push("$ref"), format!("`$ref` must be a string, found {}", kind(other)), false)),
        };
    }
    let ty = expect(map, "type", at, "a string", Value::is_string)?.and_then(Value::as_str);
    if let Some(ty) = ty {
        if !TYPES.contains(&ty) {
            return Err((at.push("type"), format!("unknown type `{ty}`; expected one of {}", TYPES.join(", ")), false));
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
            let at = at.push("enum").push(i.to_string());
            // An integer too large for 64 bits was read as the nearest double.
            // (Both bounds are powers of two, exact as doubles: 2^64 and -2^63.)
            let beyond_64_bits = |f: &f64| f.fract() == 0.0 && (*f >= u64::MAX as f64 || *f < i64::MIN as f64);
            if let Some(f) = v.as_f64().filter(beyond_64_bits).filter(|_| ty == Some("integer")) {
                return Err((
                    at,
                    format!("the integer {f:e} does not fit in 64 bits; an integer enum's values must be i64 or u64"),
                    false,
                ));
            }
            let stringify = ty == Some("string") && (v.is_boolean() || v.is_number());
            return Err((at, format!("a `{}` enum cannot hold {}", ty.unwrap_or("?"), kind(v)), stringify));
        }
    }
    if let Some(required) = expect(map, "required", at, "a list", Value::is_array)?.and_then(Value::as_array) {
        if let Some(i) = required.iter().position(|v| !v.is_string()) {
            return Err((
                at.push("required").push(i.to_string()),
                "`required` lists property names (strings)".into(),
                false,
            ));
        }
    }
    expect(map, "properties", at, "a mapping", Value::is_object)?;
    for key in ["allOf", "oneOf", "anyOf"] {
        expect(map, key, at, "a list of schemas", Value::is_array)?;
    }
    if let Some(d) = expect(map, "discriminator", at, "a mapping", Value::is_object)?.and_then(Value::as_object) {
        let d_at = at.push("discriminator");
        if !d.get("propertyName").is_some_and(Value::is_string) {
            return Err((d_at.push("propertyName"), "a discriminator needs a `propertyName` string".into(), false));
        }
        if let Some(mapping) = expect(d, "mapping", &d_at, "a mapping", Value::is_object)?.and_then(Value::as_object) {
            if let Some((k, _)) = mapping.iter().find(|(_, v)| !v.is_string()) {
                return Err((
                    d_at.push("mapping").push(k),
                    "discriminator mappings are references (strings)".into(),
                    false,
                ));
            }
        }
    }
    Ok(())
}
