//! Upgrade: an OpenAPI 3.1 or 3.2 document brought to the 3.0 shape that validation, the typed
//! parse and lowering read. What 3.0 can say is said its way (`type: [string, "null"]` becomes
//! `nullable: true`, `const` a one-value `enum`); what it cannot is carried in `x-` extensions
//! that lowering reads (`x-webhooks`, `x-additional-operations`, `x-parent` and `x-kind` on tags,
//! `x-querystring` on the query parameter an `in: querystring` one becomes), or dropped with a warning that
//! names the place and what the client does instead. Nothing here refuses a document.

use serde_json::{json, Map, Value};

use crate::error::Pointer;
use crate::lower::Warning;

/// The path-item extension that carries operations on methods 3.0 has no field for (`QUERY`, and
/// 3.2's `additionalOperations`): method as sent to operation.
pub(crate) const ADDITIONAL_OPERATIONS: &str = "x-additional-operations";

/// The tag extensions that carry 3.2's hierarchical tags (`parent`, `kind`), which lowering
/// reads to order and choose the groups of operations.
pub(crate) const TAG_PARENT: &str = "x-parent";
pub(crate) const TAG_KIND: &str = "x-kind";

/// The query-parameter extension that marks 3.2's `in: querystring` parameter (the whole query
/// string, one form-encoded object), once the upgrade has made it an exploded `form` query
/// parameter of the same schema.
pub(crate) const QUERY_STRING_EXT: &str = "x-querystring";

/// The methods a 3.0 path item has a field for.
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Keywords that describe a value without constraining its shape: they stay on the outside
/// when a schema is split or wrapped.
const ANNOTATIONS: &[&str] =
    &["title", "description", "default", "deprecated", "readOnly", "writeOnly", "example", "examples", "externalDocs"];

/// Keywords that only mean something for one JSON type, by type.
const STRING_KEYWORDS: &[&str] =
    &["pattern", "minLength", "maxLength", "contentMediaType", "contentEncoding", "contentSchema"];
const NUMBER_KEYWORDS: &[&str] = &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
const ARRAY_KEYWORDS: &[&str] =
    &["items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains", "minContains", "maxContains"];
const OBJECT_KEYWORDS: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "minProperties",
    "maxProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
];

/// Brings a 3.1 or 3.2 document to the 3.0 shape, in place; any other document is left as it is.
/// The fallbacks taken are added to `warnings`, each naming its place in the document as written.
pub(crate) fn upgrade(doc: &mut Value, warnings: &mut Vec<Warning>) {
    if !is_3_1_or_later(doc) {
        return;
    }
    let mut cx = Cx { warnings };
    local_references(doc);
    inline_path_items(doc, &mut cx);
    document(doc, &mut cx);
}

fn is_3_1_or_later(doc: &Value) -> bool {
    let version = doc.get("openapi").and_then(Value::as_str).unwrap_or_default();
    version.starts_with("3.1") || version.starts_with("3.2")
}

/// Makes every reference of a 3.1 or 3.2 document a JSON pointer into it: `$defs` hoisted to
/// components, references by `$id` or `$anchor` rewritten. Loading does this before bundling,
/// which would otherwise take `$ref: https://example.com/schemas/pet` (an `$id` of the
/// document's own) for a remote file; doing it again is harmless.
pub(crate) fn local_references(doc: &mut Value) {
    if !is_3_1_or_later(doc) {
        return;
    }
    let moves = hoist_defs(doc);
    rewrite_refs(doc, &|reference| moved(reference, &moves));
    resolve_ids(doc);
}

struct Cx<'w> {
    warnings: &'w mut Vec<Warning>,
}

impl Cx<'_> {
    fn warn(&mut self, at: &Pointer, message: impl Into<String>) {
        let warning = Warning { pointer: at.to_string(), message: message.into() };
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }
}

/// A pointer's `#/a/b` text as it appears in a `$ref` (no percent-encoding).
fn reference_text(at: &Pointer) -> String {
    format!("#{}", at.as_json_pointer())
}

/// Keys whose values are data, not document structure: nothing in them is a schema or a `$ref`.
fn is_data(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "const" | "enum" | "value" | "dataValue")
        || key.starts_with("x-")
}

/// Keys whose values map names to schemas: a key there is a name, never a keyword.
fn is_schema_map(key: &str) -> bool {
    matches!(key, "properties" | "patternProperties" | "dependentSchemas" | "$defs")
}

// ---------------------------------------------------------------------------------------------
// $defs, $id, $anchor

/// Moves every `$defs` entry to `components.schemas`, under its own name when that is free (else
/// the owner's name and its own, then a number), and returns the moves as (old reference prefix,
/// new reference), in the order made: a `$defs` inside a moved one is moved after it, so applying
/// the moves in order follows a reference through both.
fn hoist_defs(doc: &mut Value) -> Vec<(String, String)> {
    let mut moves = Vec::new();
    // Each round moves one `$defs`; the bound only guards against a document that somehow keeps
    // making more.
    for _ in 0..10_000 {
        let Some(at) = find_defs(doc, &Pointer::root(), None) else { break };
        let Some(holder) = doc.pointer_mut(at.as_json_pointer()).and_then(Value::as_object_mut) else { break };
        let Some(defs) = holder.shift_remove("$defs") else { break };
        let Value::Object(defs) = defs else { continue };
        let owner = at.as_json_pointer().rsplit('/').next().unwrap_or_default().replace("~1", "/").replace("~0", "~");
        let Some(schemas) = schemas_mut(doc) else { break };
        for (name, schema) in defs {
            let mut key = name.clone();
            if schemas.contains_key(&key) && !owner.is_empty() {
                key = format!("{owner}_{name}");
            }
            let base = key.clone();
            let mut n = 2;
            while schemas.contains_key(&key) {
                key = format!("{base}_{n}");
                n += 1;
            }
            moves.push((
                reference_text(&at.push("$defs").push(&name)),
                reference_text(&Pointer::root().push("components").push("schemas").push(&key)),
            ));
            schemas.insert(key, schema);
        }
    }
    moves
}

/// The first object holding a `$defs` mapping, outermost first. `parent` is the key the value
/// stands under.
fn find_defs(value: &Value, at: &Pointer, parent: Option<&str>) -> Option<Pointer> {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            return items.iter().enumerate().find_map(|(i, v)| find_defs(v, &at.push(i.to_string()), None));
        }
        return None;
    };
    if map.contains_key("$defs") && !parent.is_some_and(is_schema_map) {
        return Some(at.clone());
    }
    let in_map = parent.is_some_and(is_schema_map);
    map.iter().filter(|(k, _)| in_map || !is_data(k)).find_map(|(k, v)| {
        let child_parent = if in_map { None } else { Some(k.as_str()) };
        find_defs(v, &at.push(k), child_parent)
    })
}

/// A reference after the `$defs` moves, in order.
fn moved(reference: &str, moves: &[(String, String)]) -> Option<String> {
    let mut out = reference.to_string();
    for (old, new) in moves {
        if out == *old {
            out = new.clone();
        } else if let Some(rest) = out.strip_prefix(old.as_str()).filter(|r| r.starts_with('/')) {
            out = format!("{new}{rest}");
        }
    }
    (out != reference).then_some(out)
}

/// Rewrites every `$ref` (and discriminator mapping target) that `map` changes.
fn rewrite_refs(value: &mut Value, map: &dyn Fn(&str) -> Option<String>) {
    rewrite_refs_in(value, map, None);
}

fn rewrite_refs_in(value: &mut Value, map: &dyn Fn(&str) -> Option<String>, parent: Option<&str>) {
    match value {
        Value::Object(object) => {
            let in_map = parent.is_some_and(is_schema_map);
            if !in_map {
                if let Some(Value::String(reference)) = object.get_mut("$ref") {
                    if let Some(new) = map(reference) {
                        *reference = new;
                    }
                }
                if let Some(Value::Object(mapping)) = object.get_mut("discriminator").and_then(|d| d.get_mut("mapping"))
                {
                    for target in mapping.values_mut() {
                        if let Some(new) = target.as_str().and_then(map) {
                            *target = Value::String(new);
                        }
                    }
                }
            }
            for (key, child) in object.iter_mut() {
                if in_map || !is_data(key) {
                    rewrite_refs_in(child, map, if in_map { None } else { Some(key.as_str()) });
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs_in(v, map, None)),
        _ => {}
    }
}

/// Identifiers found in the document: `$id` values, and `$anchor` / `$dynamicAnchor` names, each
/// with the place of its schema.
#[derive(Default)]
struct Ids {
    ids: Vec<(String, Pointer)>,
    anchors: Vec<(String, Pointer)>,
    dynamic: Vec<(String, Pointer)>,
}

fn collect_ids(value: &Value, at: &Pointer, parent: Option<&str>, out: &mut Ids) {
    match value {
        Value::Object(object) => {
            let in_map = parent.is_some_and(is_schema_map);
            if !in_map {
                for (key, list) in
                    [("$id", &mut out.ids), ("$anchor", &mut out.anchors), ("$dynamicAnchor", &mut out.dynamic)]
                {
                    if let Some(Value::String(name)) = object.get(key) {
                        list.push((name.clone(), at.clone()));
                    }
                }
            }
            for (key, child) in object {
                if in_map || !is_data(key) {
                    collect_ids(child, &at.push(key), if in_map { None } else { Some(key.as_str()) }, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_ids(v, &at.push(i.to_string()), None, out);
            }
        }
        _ => {}
    }
}

/// Rewrites references by `$id` (`https://example.com/schemas/pet`, or its last segments) and by
/// `$anchor` (`#pet`) to local pointers, and a `$dynamicRef` to a `$dynamicAnchor` into a `$ref`.
fn resolve_ids(doc: &mut Value) {
    let mut ids = Ids::default();
    collect_ids(doc, &Pointer::root(), None, &mut ids);
    if ids.ids.is_empty() && ids.anchors.is_empty() && ids.dynamic.is_empty() {
        return;
    }
    let find = |list: &[(String, Pointer)], name: &str| list.iter().find(|(n, _)| n == name).map(|(_, p)| p.clone());
    let resolve = |reference: &str| -> Option<String> {
        let (base, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let target = if base.is_empty() {
            if fragment.is_empty() || fragment.starts_with('/') {
                return None;
            }
            return find(&ids.anchors, fragment).or_else(|| find(&ids.dynamic, fragment)).map(|p| reference_text(&p));
        } else {
            let base = base.trim_end_matches('/');
            let exact = ids.ids.iter().find(|(id, _)| id.trim_end_matches('/') == base);
            let relative = || {
                ids.ids.iter().find(|(id, _)| {
                    !base.contains("://")
                        && id.trim_end_matches('/').ends_with(&format!("/{}", base.trim_start_matches("./")))
                })
            };
            exact.or_else(relative).map(|(_, p)| p.clone())?
        };
        if fragment.is_empty() {
            Some(reference_text(&target))
        } else if fragment.starts_with('/') {
            Some(format!("{}{fragment}", reference_text(&target)))
        } else {
            // An anchor inside the identified resource.
            let inside = ids
                .anchors
                .iter()
                .find(|(n, p)| n == fragment && p.as_json_pointer().starts_with(target.as_json_pointer()));
            inside.map(|(_, p)| reference_text(p))
        }
    };
    rewrite_refs(doc, &resolve);
    dynamic_refs(doc, &|name| find(&ids.dynamic, name).map(|p| reference_text(&p)), None);
    hoist_identified(doc, &ids);
}

/// Identified schemas that are referenced and stand where lowering cannot name them (inside
/// another schema, under a path) are moved to `components.schemas`, named after the anchor or
/// the `$id`'s last segment, a `$ref` left in their place.
fn hoist_identified(doc: &mut Value, ids: &Ids) {
    let mut referenced = Vec::new();
    collect_refs(doc, None, &mut referenced);
    let id_name =
        |id: &str| id.trim_end_matches('/').rsplit('/').next().unwrap_or(id).trim_end_matches(".json").to_string();
    let mut targets: Vec<(String, Pointer)> = ids
        .ids
        .iter()
        .map(|(id, p)| (id_name(id), p.clone()))
        .chain(ids.anchors.iter().cloned())
        .chain(ids.dynamic.iter().cloned())
        .filter(|(_, p)| {
            let text = reference_text(p);
            let component = p.as_json_pointer().strip_prefix("/components/schemas/").is_some_and(|k| !k.contains('/'));
            !component
                && referenced
                    .iter()
                    .any(|r| *r == text || r.strip_prefix(text.as_str()).is_some_and(|rest| rest.starts_with('/')))
        })
        .collect();
    // Innermost first, so that moving one never moves another's place.
    targets.sort_by_key(|(_, p)| std::cmp::Reverse(p.as_json_pointer().matches('/').count()));
    targets.dedup_by(|a, b| a.1 == b.1);
    let mut moves = Vec::new();
    for (name, at) in targets {
        let Some(value) = doc.pointer_mut(at.as_json_pointer()) else { continue };
        let schema = value.take();
        let Some(schemas) = schemas_mut(doc) else { return };
        let mut key = if name.is_empty() { "Schema".to_string() } else { name };
        let base = key.clone();
        let mut n = 2;
        while schemas.contains_key(&key) {
            key = format!("{base}_{n}");
            n += 1;
        }
        let new = reference_text(&Pointer::root().push("components").push("schemas").push(&key));
        schemas.insert(key, schema);
        if let Some(place) = doc.pointer_mut(at.as_json_pointer()) {
            *place = json!({ "$ref": new });
        }
        moves.push((reference_text(&at), new));
    }
    if !moves.is_empty() {
        rewrite_refs(doc, &|reference| moved(reference, &moves));
    }
}

/// `components.schemas`, made if need be.
fn schemas_mut(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    let components = doc.as_object_mut()?.entry("components").or_insert_with(|| json!({}));
    components.as_object_mut()?.entry("schemas").or_insert_with(|| json!({})).as_object_mut()
}

/// Every `$ref` in the document.
fn collect_refs(value: &Value, parent: Option<&str>, out: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            let in_map = parent.is_some_and(is_schema_map);
            if !in_map {
                if let Some(Value::String(reference)) = object.get("$ref") {
                    out.push(reference.clone());
                }
            }
            for (key, child) in object {
                if in_map || !is_data(key) {
                    collect_refs(child, if in_map { None } else { Some(key.as_str()) }, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, None, out)),
        _ => {}
    }
}

/// `$dynamicRef: '#name'` to the `$dynamicAnchor` of that name (the outermost scope's meaning is
/// not modelled: the document's own anchor is the one taken).
fn dynamic_refs(value: &mut Value, find: &dyn Fn(&str) -> Option<String>, parent: Option<&str>) {
    match value {
        Value::Object(object) => {
            let in_map = parent.is_some_and(is_schema_map);
            if !in_map && !object.contains_key("$ref") {
                let target =
                    object.get("$dynamicRef").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')).and_then(find);
                if let Some(target) = target {
                    object.shift_remove("$dynamicRef");
                    object.insert("$ref".into(), Value::String(target));
                }
            }
            for (key, child) in object.iter_mut() {
                if in_map || !is_data(key) {
                    dynamic_refs(child, find, if in_map { None } else { Some(key.as_str()) });
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| dynamic_refs(v, find, None)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// The document's structure

/// Path items that are `$ref`s into `components.pathItems` are replaced by copies of their
/// targets (the reference's own `summary` and `description` win); `components.pathItems` then
/// goes, since 3.0 has no such section.
fn inline_path_items(doc: &mut Value, cx: &mut Cx) {
    let Some(items) = doc.pointer_mut("/components/pathItems").map(Value::take) else { return };
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        components.shift_remove("pathItems");
    }
    let Value::Object(items) = items else { return };
    let lookup = |reference: &str| -> Option<Value> {
        let mut reference = reference.to_string();
        // References between path items, followed a few steps.
        for _ in 0..8 {
            let name = reference.strip_prefix("#/components/pathItems/")?.replace("~1", "/").replace("~0", "~");
            let item = items.get(&name)?;
            match item.get("$ref").and_then(Value::as_str) {
                Some(next) => reference = next.to_string(),
                None => return Some(item.clone()),
            }
        }
        None
    };
    let replace = |item: &mut Value, at: &Pointer, cx: &mut Cx| {
        let Some(reference) = item.get("$ref").and_then(Value::as_str).map(String::from) else { return };
        if !reference.starts_with("#/components/pathItems/") {
            return;
        }
        match lookup(&reference) {
            Some(Value::Object(mut target)) => {
                for key in ["summary", "description"] {
                    if let Some(own) = item.get(key) {
                        target.insert(key.into(), own.clone());
                    }
                }
                *item = Value::Object(target);
            }
            _ => cx.warn(at, format!("`{reference}` leads to no path item; the path is left out")),
        }
    };
    let mut unresolved = Vec::new();
    for section in ["paths", "webhooks"] {
        let at = Pointer::root().push(section);
        let Some(Value::Object(map)) = doc.get_mut(section) else { continue };
        for (key, item) in map.iter_mut().filter(|(k, _)| !k.starts_with("x-")) {
            replace(item, &at.push(key), cx);
            if item.get("$ref").and_then(Value::as_str).is_some_and(|r| r.starts_with("#/components/pathItems/")) {
                unresolved.push((section, key.clone()));
            }
        }
    }
    for (section, key) in unresolved {
        if let Some(map) = doc.get_mut(section).and_then(Value::as_object_mut) {
            map.shift_remove(&key);
        }
    }
    // Callbacks, wherever they are: expression to path item.
    callbacks_each(doc, &mut |item, at| replace(item, at, cx));
}

/// Calls `f` on every path item of every callback (operations' and `components.callbacks`).
fn callbacks_each(doc: &mut Value, f: &mut dyn FnMut(&mut Value, &Pointer)) {
    fn in_callback(callback: &mut Value, at: &Pointer, f: &mut dyn FnMut(&mut Value, &Pointer)) {
        let Some(map) = callback.as_object_mut() else { return };
        for (expression, item) in map.iter_mut().filter(|(k, _)| !k.starts_with("x-")) {
            f(item, &at.push(expression));
        }
    }
    fn in_item(item: &mut Value, at: &Pointer, f: &mut dyn FnMut(&mut Value, &Pointer)) {
        let Some(item) = item.as_object_mut() else { return };
        for (method, op) in item.iter_mut().filter(|(k, _)| METHODS.contains(&k.as_str()) || *k == "query") {
            let Some(callbacks) = op.get_mut("callbacks").and_then(Value::as_object_mut) else { continue };
            for (name, callback) in callbacks.iter_mut() {
                in_callback(callback, &at.push(method).push("callbacks").push(name), f);
            }
        }
    }
    for section in ["paths", "webhooks"] {
        let at = Pointer::root().push(section);
        let Some(Value::Object(map)) = doc.get_mut(section) else { continue };
        for (key, item) in map.iter_mut() {
            in_item(item, &at.push(key), f);
        }
    }
    let at = Pointer::root().push("components").push("callbacks");
    if let Some(Value::Object(map)) = doc.pointer_mut("/components/callbacks") {
        for (name, callback) in map.iter_mut() {
            in_callback(callback, &at.push(name), f);
        }
    }
}

/// Everything past the references: schemas everywhere, path items, webhooks, the root.
fn document(doc: &mut Value, cx: &mut Cx) {
    let Some(root) = doc.as_object_mut() else { return };
    let at = Pointer::root();
    if !root.get("paths").is_some_and(Value::is_object) {
        root.insert("paths".into(), json!({}));
    }
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for (path, item) in paths.iter_mut().filter(|(k, _)| !k.starts_with("x-")) {
            path_item(item, &at.push("paths").push(path), cx);
        }
    }
    if let Some(Value::Object(webhooks)) = root.get_mut("webhooks") {
        for (name, item) in webhooks.iter_mut() {
            path_item(item, &at.push("webhooks").push(name), cx);
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        components_section(components, &at.push("components"), cx);
    }
    webhooks(root, cx);
    tags(root);
}

/// 3.2's `parent` and `kind` of a tag become [`TAG_PARENT`] and [`TAG_KIND`] (the typed parse
/// keeps only `x-` keys); an extension already there wins. Lowering checks the parents.
fn tags(root: &mut Map<String, Value>) {
    let Some(Value::Array(tags)) = root.get_mut("tags") else { return };
    for tag in tags.iter_mut().filter_map(Value::as_object_mut) {
        for (key, extension) in [("parent", TAG_PARENT), ("kind", TAG_KIND)] {
            if let Some(value) = tag.shift_remove(key) {
                tag.entry(extension).or_insert(value);
            }
        }
    }
}

fn components_section(components: &mut Map<String, Value>, at: &Pointer, cx: &mut Cx) {
    if let Some(Value::Object(schemas)) = components.get_mut("schemas") {
        for (name, value) in schemas.iter_mut() {
            schema(value, &at.push("schemas").push(name), cx);
        }
    }
    for key in ["parameters", "headers"] {
        if let Some(Value::Object(map)) = components.get_mut(key) {
            for (name, value) in map.iter_mut() {
                parameter(value, &at.push(key).push(name), cx);
            }
        }
    }
    if let Some(Value::Object(map)) = components.get_mut("responses") {
        for (name, value) in map.iter_mut() {
            response(value, &at.push("responses").push(name), cx);
        }
    }
    if let Some(Value::Object(map)) = components.get_mut("requestBodies") {
        for (name, value) in map.iter_mut() {
            content(value, &at.push("requestBodies").push(name), false, cx);
        }
    }
    if let Some(Value::Object(map)) = components.get_mut("callbacks") {
        for (name, value) in map.iter_mut() {
            callback(value, &at.push("callbacks").push(name), cx);
        }
    }
    // `in: querystring` (3.2) parameters that cannot be sent are dropped, and references to
    // them with them.
    let mut query_strings = Vec::new();
    if let Some(Value::Object(map)) = components.get_mut("parameters") {
        map.retain(|name, value| match query_string(value) {
            Ok(()) => true,
            Err(why) => {
                query_strings.push((name.clone(), why));
                false
            }
        });
    }
    for (name, why) in query_strings {
        cx.warn(&at.push("parameters").push(&name), why);
    }
    if let Some(Value::Object(schemes)) = components.get_mut("securitySchemes") {
        for scheme in schemes.values_mut() {
            if scheme.get("type").and_then(Value::as_str) == Some("mutualTLS") {
                // An HTTP scheme the client cannot send: lowering warns, and leaves out the
                // requirements that name it.
                *scheme = json!({"type": "http", "scheme": "mutualTLS"});
            }
        }
    }
}

fn callback(value: &mut Value, at: &Pointer, cx: &mut Cx) {
    let Some(map) = value.as_object_mut() else { return };
    for (expression, item) in map.iter_mut().filter(|(k, _)| !k.starts_with("x-")) {
        path_item(item, &at.push(expression), cx);
    }
}

/// A path item: its operations, and 3.2's `query` and `additionalOperations` moved into
/// [`ADDITIONAL_OPERATIONS`].
fn path_item(value: &mut Value, at: &Pointer, cx: &mut Cx) {
    let Some(item) = value.as_object_mut() else { return };
    parameters(item, at, cx);
    for (method, op) in item.iter_mut() {
        if METHODS.contains(&method.as_str()) || method == "query" {
            operation(op, &at.push(method), cx);
        }
    }
    if let Some(Value::Object(more)) = item.get_mut("additionalOperations") {
        for (method, op) in more.iter_mut() {
            operation(op, &at.push("additionalOperations").push(method), cx);
        }
    }
    let mut additional = Map::new();
    if let Some(op) = item.shift_remove("query") {
        additional.insert("QUERY".into(), op);
    }
    if let Some(more) = item.shift_remove("additionalOperations") {
        for (method, op) in more.as_object().into_iter().flatten() {
            let method_at = at.push("additionalOperations").push(method);
            let token = !method.is_empty()
                && method.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !token {
                cx.warn(&method_at, format!("`{method}` is not an HTTP method name; the operation is left out"));
            } else if METHODS.contains(&method.to_ascii_lowercase().as_str()) || additional.contains_key(method) {
                cx.warn(&method_at, format!("`{method}` has a field of its own on the path item; left out here"));
            } else {
                additional.insert(method.clone(), op.clone());
            }
        }
    }
    if !additional.is_empty() {
        item.insert(ADDITIONAL_OPERATIONS.into(), Value::Object(additional));
    }
}

/// The `parameters` list of a path item or operation: each checked, `in: querystring` left out.
fn parameters(holder: &mut Map<String, Value>, at: &Pointer, cx: &mut Cx) {
    let Some(Value::Array(list)) = holder.get_mut("parameters") else { return };
    let at = at.push("parameters");
    let mut index = 0;
    list.retain_mut(|parameter| {
        let here = at.push(index.to_string());
        index += 1;
        if let Err(why) = query_string(parameter) {
            cx.warn(&here, why);
            return false;
        }
        self::parameter(parameter, &here, cx);
        true
    });
}

/// 3.2's `in: querystring` parameter (the whole query string, described by one schema under
/// `content`) as 3.0 says the same thing for a form-encoded object: an exploded `form` query
/// parameter of that schema (its properties become the query's keys), marked with
/// [`QUERY_STRING_EXT`] for lowering, which checks that the schema is such an object. Any other
/// parameter is left as it is. A query string of another media type (JSON text, say) has no
/// such form: the parameter is left out, with the reason.
fn query_string(parameter: &mut Value) -> Result<(), &'static str> {
    let Some(map) = parameter.as_object_mut() else { return Ok(()) };
    if map.get("in").and_then(Value::as_str) != Some("querystring") {
        return Ok(());
    }
    let form = match map.get("content") {
        Some(Value::Object(content)) if content.len() == 1 => content.iter().next().and_then(|(media, entry)| {
            let base = media.split(';').next().unwrap_or(media).trim();
            base.eq_ignore_ascii_case("application/x-www-form-urlencoded").then(|| entry.get("schema").cloned())?
        }),
        _ => None,
    };
    let Some(schema) = form else {
        return Err("an `in: querystring` parameter is only sent when its `content` is one \
                    `application/x-www-form-urlencoded` media type with a schema; left out");
    };
    map.shift_remove("content");
    map.insert("in".into(), json!("query"));
    map.insert("style".into(), json!("form"));
    map.insert("explode".into(), json!(true));
    map.insert("schema".into(), schema);
    map.insert(QUERY_STRING_EXT.into(), json!(true));
    Ok(())
}

fn operation(value: &mut Value, at: &Pointer, cx: &mut Cx) {
    let Some(op) = value.as_object_mut() else { return };
    parameters(op, at, cx);
    if let Some(body) = op.get_mut("requestBody") {
        content(body, &at.push("requestBody"), false, cx);
    }
    // 3.1 made `responses` optional.
    if !op.contains_key("responses") {
        op.insert("responses".into(), json!({}));
    }
    if let Some(Value::Object(responses)) = op.get_mut("responses") {
        for (code, r) in responses.iter_mut().filter(|(k, _)| !k.starts_with("x-")) {
            response(r, &at.push("responses").push(code), cx);
        }
    }
    if let Some(Value::Object(callbacks)) = op.get_mut("callbacks") {
        for (name, c) in callbacks.iter_mut() {
            callback(c, &at.push("callbacks").push(name), cx);
        }
    }
}

fn response(value: &mut Value, at: &Pointer, cx: &mut Cx) {
    let Some(map) = value.as_object_mut() else { return };
    // 3.2 made a response's `description` optional.
    if !map.contains_key("$ref") && !map.contains_key("description") {
        map.insert("description".into(), json!(""));
    }
    if let Some(Value::Object(headers)) = map.get_mut("headers") {
        for (name, header) in headers.iter_mut() {
            parameter(header, &at.push("headers").push(name), cx);
        }
    }
    content(value, at, true, cx);
}

/// A parameter or header: its `schema`, or its `content`.
fn parameter(value: &mut Value, at: &Pointer, cx: &mut Cx) {
    if let Some(s) = value.get_mut("schema") {
        schema(s, &at.push("schema"), cx);
    }
    content(value, at, false, cx);
}

/// The framing a sequential media type's name gives its items, as lowering reads it from
/// [`ITEM_STREAM`]: JSON Lines (and NDJSON), JSON text sequences, server-sent events.
pub(crate) fn item_framing(media: &str) -> Option<&'static str> {
    let media = media.split(';').next().unwrap_or(media).trim().to_ascii_lowercase();
    match media.as_str() {
        "application/jsonl"
        | "application/x-jsonl"
        | "application/jsonlines"
        | "application/x-jsonlines"
        | "application/x-ndjson"
        | "application/ndjson" => Some("jsonl"),
        "application/json-seq" => Some("json-seq"),
        "text/event-stream" => Some("sse"),
        _ => None,
    }
}

/// The extension a response's media type carries when its `schema` is that of each item of a
/// stream (3.2's `itemSchema`, moved there): its value is the framing.
pub(crate) const ITEM_STREAM: &str = "x-item-stream";

/// The media types of a `content` map; `response` when they are a response's, whose
/// sequential media types become streams of items.
fn content(value: &mut Value, at: &Pointer, response: bool, cx: &mut Cx) {
    let Some(Value::Object(content)) = value.get_mut("content") else { return };
    let at = at.push("content");
    for (media, entry) in content.iter_mut() {
        let at = at.push(media);
        let Some(entry) = entry.as_object_mut() else { continue };
        // 3.2's sequential media types (JSON Lines, server-sent events, ...) describe each item:
        // a response of a framing the runtime reads streams them; the rest is read whole.
        // (A user's own `x-item-stream` would be taken as this marker; it is dropped first.)
        entry.shift_remove(ITEM_STREAM);
        if let Some(item) = entry.shift_remove("itemSchema") {
            match item_framing(media).filter(|_| response && !entry.contains_key("schema")) {
                Some(framing) => {
                    entry.insert("schema".into(), item);
                    entry.insert(ITEM_STREAM.into(), Value::String(framing.into()));
                }
                None => cx.warn(
                    &at.push("itemSchema"),
                    format!(
                        "items of the `{media}` stream are not decoded one by one: the body is read whole, \
                         as text or bytes"
                    ),
                ),
            }
        }
        let schema_at = if entry.contains_key(ITEM_STREAM) { at.push("itemSchema") } else { at.push("schema") };
        if let Some(s) = entry.get_mut("schema") {
            schema(s, &schema_at, cx);
        }
        for key in ["prefixEncoding", "itemEncoding"] {
            entry.shift_remove(key);
        }
        if let Some(Value::Object(encoding)) = entry.get_mut("encoding") {
            for (name, e) in encoding.iter_mut() {
                if let Some(Value::Object(headers)) = e.get_mut("headers") {
                    for (header, h) in headers.iter_mut() {
                        parameter(h, &at.push("encoding").push(name).push("headers").push(header), cx);
                    }
                }
            }
        }
    }
}

/// 3.1's `webhooks` become the `x-webhooks` extension lowering reads, which needs
/// `x-webhook-signature` to tell events apart; without it they are left out with a warning.
fn webhooks(root: &mut Map<String, Value>, cx: &mut Cx) {
    let Some(webhooks) = root.shift_remove("webhooks") else { return };
    let at = Pointer::root().push("webhooks");
    let Value::Object(webhooks) = webhooks else { return };
    if webhooks.is_empty() {
        return;
    }
    if !root.contains_key("x-webhook-signature") {
        cx.warn(
            &at,
            "webhooks are left out: add `x-webhook-signature` at the root (with an overlay) naming the header \
             that carries the event name, and the token or signature header, to have them parsed",
        );
        return;
    }
    let events = root.entry("x-webhooks").or_insert_with(|| json!({}));
    let Some(events) = events.as_object_mut() else { return };
    for (name, item) in webhooks {
        if events.contains_key(&name) {
            cx.warn(&at.push(&name), "also in `x-webhooks`, which wins");
        } else {
            events.insert(name, item);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Schemas

/// A schema and every schema inside it, upgraded in place: the schema itself first, then what
/// it holds (so a branch made by splitting is visited too, already in 3.0 form).
fn schema(value: &mut Value, at: &Pointer, cx: &mut Cx) {
    if let Value::Bool(b) = value {
        if !*b {
            cx.warn(at, "a `false` schema (no value is valid) is read as any value");
        }
        *value = json!({});
        return;
    }
    let Value::Object(map) = value else { return };
    transform(map, at, cx);
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        // `name: false` forbids the property: there is no field to make.
        properties.retain(|_, v| v != &Value::Bool(false));
        for (name, property) in properties.iter_mut() {
            schema(property, &at.push("properties").push(name), cx);
        }
    }
    for key in ["items", "not"] {
        if let Some(child) = map.get_mut(key) {
            schema(child, &at.push(key), cx);
        }
    }
    if let Some(child) = map.get_mut("additionalProperties").filter(|v| v.is_object()) {
        schema(child, &at.push("additionalProperties"), cx);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = map.get_mut(key) {
            for (i, part) in parts.iter_mut().enumerate() {
                bare_ref(part);
                schema(part, &at.push(key).push(i.to_string()), cx);
            }
        }
    }
}

/// A part of a composition that is a `$ref` with only annotations beside it is the bare
/// reference: the part's docs show nowhere, and a union names and tags a referenced
/// alternative by its component, which a wrapped one would lose.
fn bare_ref(part: &mut Value) {
    let Value::Object(map) = part else { return };
    if !map.contains_key("$ref") || map.len() == 1 {
        return;
    }
    let annotation = |k: &str| {
        ANNOTATIONS.contains(&k) || k.starts_with("x-") || matches!(k, "summary" | "$comment" | "$id" | "$anchor")
    };
    if map.keys().all(|k| k == "$ref" || annotation(k)) {
        map.retain(|k, _| k == "$ref");
    }
}

/// One schema's own keywords, 3.1 to 3.0 (its subschemas are visited after).
fn transform(map: &mut Map<String, Value>, at: &Pointer, cx: &mut Cx) {
    for key in ["$schema", "$id", "$anchor", "$dynamicAnchor", "$comment", "$vocabulary", "$defs"] {
        map.shift_remove(key);
    }
    if map.shift_remove("$dynamicRef").is_some() {
        cx.warn(&at.push("$dynamicRef"), "a `$dynamicRef` with no `$dynamicAnchor` to match is read as any value");
    }
    null_branches(map);
    if map.contains_key("$ref") && map.len() > 1 {
        ref_siblings(map);
        // The annotations left outside are upgraded like any schema's.
    }
    if let Some(value) = map.shift_remove("const") {
        constant(map, value);
    }
    types(map, at, cx);
    scalar_all_of(map, at, cx);
    if let Some(Value::Array(examples)) = map.get("examples") {
        let first = examples.first().cloned();
        map.shift_remove("examples");
        if let Some(first) = first {
            map.entry("example").or_insert(first);
        }
    }
    for (exclusive, bound, stricter) in [
        ("exclusiveMinimum", "minimum", std::cmp::Ordering::Greater),
        ("exclusiveMaximum", "maximum", std::cmp::Ordering::Less),
    ] {
        let Some(n) = map.get(exclusive).filter(|v| v.is_number()).cloned() else { continue };
        map.shift_remove(exclusive);
        let inclusive = map.get(bound).and_then(Value::as_f64);
        let exclusive_value = n.as_f64().unwrap_or_default();
        match inclusive {
            // An inclusive bound past the exclusive one is the one that counts.
            Some(b) if b.partial_cmp(&exclusive_value) == Some(stricter) => {}
            _ => {
                map.insert(bound.into(), n);
                map.insert(exclusive.into(), Value::Bool(true));
            }
        }
    }
    content_encoding(map);
    items(map, at, cx);
    properties_keywords(map, at, cx);
    dropped(map, at, cx);
}

/// `allOf` of inline scalar schemas of one type (`[{type: string}, {minLength: 1}]`, as FastAPI
/// writes constraints) is one schema: lowering merges only objects. The parts' keywords join the
/// schema's own, the first to name one winning.
fn scalar_all_of(map: &mut Map<String, Value>, at: &Pointer, cx: &mut Cx) {
    let mut ty = map.get("type").and_then(Value::as_str).map(String::from);
    let Some(Value::Array(parts)) = map.get_mut("allOf") else { return };
    for (i, part) in parts.iter_mut().enumerate() {
        if let Value::Object(part) = part {
            transform(part, &at.push("allOf").push(i.to_string()), cx);
        }
    }
    const SHAPES: &[&str] =
        &["$ref", "properties", "items", "additionalProperties", "allOf", "oneOf", "anyOf", "discriminator"];
    for part in parts.iter() {
        let Value::Object(part) = part else { return };
        if part.keys().any(|k| SHAPES.contains(&k.as_str())) {
            return;
        }
        match (part.get("type").and_then(Value::as_str), &ty) {
            (Some(t), Some(seen)) if t != seen => return,
            (Some(t), None) => ty = Some(t.to_string()),
            _ => {}
        }
    }
    if !matches!(ty.as_deref(), Some("string" | "integer" | "number" | "boolean")) {
        return;
    }
    let Some(Value::Array(parts)) = map.shift_remove("allOf") else { return };
    for part in parts {
        let Value::Object(part) = part else { continue };
        for (k, v) in part {
            map.entry(k).or_insert(v);
        }
    }
}

/// Whether a schema says only "null".
fn is_null_schema(value: &Value) -> bool {
    let Value::Object(map) = value else { return false };
    let null = match (map.get("type"), map.get("enum"), map.get("const")) {
        (Some(Value::String(t)), None, None) => t == "null",
        (Some(Value::Array(t)), None, None) => t.len() == 1 && t[0] == "null",
        (None, Some(Value::Array(e)), None) => e.len() == 1 && e[0].is_null(),
        (None, None, Some(Value::Null)) => true,
        _ => false,
    };
    null && map.keys().all(|k| matches!(k.as_str(), "type" | "enum" | "const") || ANNOTATIONS.contains(&k.as_str()))
}

/// `oneOf`/`anyOf` with a `{type: "null"}` branch: the branch dropped and `nullable: true` set;
/// what is left alone stands in for the union (a `$ref` wrapped in a one-part `allOf`, which
/// lowers to the referenced type, as 3.0's nullable reference does).
fn null_branches(map: &mut Map<String, Value>) {
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(branches)) = map.get_mut(key) else { continue };
        if !branches.iter().any(is_null_schema) {
            continue;
        }
        branches.retain(|b| !is_null_schema(b));
        map.insert("nullable".into(), Value::Bool(true));
        let Some(Value::Array(branches)) = map.get(key) else { continue };
        match branches.as_slice() {
            [] => {
                map.shift_remove(key);
                map.insert("enum".into(), json!([null]));
            }
            [only] if only.get("$ref").is_some() && !map.contains_key("allOf") => {
                let only = only.clone();
                map.shift_remove(key);
                map.insert("allOf".into(), json!([only]));
            }
            [Value::Object(only)] if !only.contains_key("$ref") => {
                let only = only.clone();
                map.shift_remove(key);
                for (k, v) in only {
                    if k == "nullable" {
                        continue;
                    }
                    map.entry(k).or_insert(v);
                }
            }
            _ => {}
        }
    }
}

/// A `$ref` beside other keywords: in 3.1 both apply (in 3.0 the others are ignored). The
/// annotations stay outside a one-part `allOf` of the reference; constraints become a second part.
fn ref_siblings(map: &mut Map<String, Value>) {
    let Some(reference) = map.shift_remove("$ref") else { return };
    // A Reference Object's `summary` has no place in a schema.
    map.shift_remove("summary");
    if map.is_empty() {
        map.insert("$ref".into(), reference);
        return;
    }
    let mut outer = Map::new();
    let mut inner = Map::new();
    for (k, v) in std::mem::take(map) {
        if ANNOTATIONS.contains(&k.as_str()) || k == "nullable" || k.starts_with("x-") {
            outer.insert(k, v);
        } else {
            inner.insert(k, v);
        }
    }
    // `type: [..., "null"]` beside a reference only says it may be null.
    if let Some(t) = inner.get("type") {
        let only_null = match t {
            Value::String(s) => s == "null",
            Value::Array(a) => a.iter().all(|x| x == "null"),
            _ => false,
        };
        if only_null {
            inner.shift_remove("type");
            outer.insert("nullable".into(), Value::Bool(true));
        }
    }
    let mut parts = vec![json!({"$ref": reference})];
    if !inner.is_empty() {
        parts.push(Value::Object(inner));
    }
    outer.insert("allOf".into(), Value::Array(parts));
    *map = outer;
}

/// `type` as a list, and `type: "null"`.
fn types(map: &mut Map<String, Value>, at: &Pointer, cx: &mut Cx) {
    let listed: Vec<String> = match map.get("type") {
        Some(Value::String(t)) if t == "null" => vec!["null".into()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(String::from).collect(),
        _ => return,
    };
    let nullable = listed.iter().any(|t| t == "null");
    let mut others: Vec<String> = Vec::new();
    for t in listed.into_iter().filter(|t| t != "null") {
        if !others.contains(&t) {
            others.push(t);
        }
    }
    // Every integer is a number.
    if others.iter().any(|t| t == "number") {
        others.retain(|t| t != "integer");
    }
    if nullable {
        map.insert("nullable".into(), Value::Bool(true));
    }
    match others.as_slice() {
        [] => {
            map.shift_remove("type");
            if !map.contains_key("enum") && !map.contains_key("const") {
                map.insert("enum".into(), json!([null]));
            }
        }
        [one] => {
            map.insert("type".into(), Value::String(one.clone()));
        }
        _ if ["oneOf", "anyOf", "allOf"].iter().any(|k| map.contains_key(*k)) => {
            // The composition says what the value is; the list of types only narrows it.
            map.shift_remove("type");
        }
        _ => split_types(map, &others, at, cx),
    }
}

/// `type: [string, integer]`: a `oneOf` of one schema per type, each with the keywords that
/// apply to it (and the `enum` values of its type).
fn split_types(map: &mut Map<String, Value>, types: &[String], at: &Pointer, cx: &mut Cx) {
    let taken = std::mem::take(map);
    let mut outer = Map::new();
    let mut shared = Map::new();
    for (k, v) in taken {
        if ANNOTATIONS.contains(&k.as_str()) || k == "nullable" || k.starts_with("x-") {
            outer.insert(k, v);
        } else if k != "type" {
            shared.insert(k, v);
        }
    }
    let mut branches = Vec::new();
    for t in types {
        let mut branch = Map::new();
        branch.insert("type".into(), Value::String(t.clone()));
        let own: &[&str] = match t.as_str() {
            "string" => STRING_KEYWORDS,
            "number" | "integer" => NUMBER_KEYWORDS,
            "array" => ARRAY_KEYWORDS,
            "object" => OBJECT_KEYWORDS,
            _ => &[],
        };
        for (k, v) in &shared {
            if own.contains(&k.as_str()) {
                branch.insert(k.clone(), v.clone());
            }
        }
        if let Some(format) = shared.get("format").and_then(Value::as_str) {
            let numeric =
                matches!(format, "float" | "double") || format.starts_with("int") || format.starts_with("uint");
            if numeric == matches!(t.as_str(), "number" | "integer")
                && matches!(t.as_str(), "number" | "integer" | "string")
            {
                branch.insert("format".into(), json!(format));
            }
        }
        if let Some(Value::Array(values)) = shared.get("enum") {
            let fits = |v: &Value| match t.as_str() {
                "string" => v.is_string(),
                "integer" => v.is_i64() || v.is_u64(),
                "number" => v.is_number(),
                "boolean" => v.is_boolean(),
                "array" => v.is_array(),
                "object" => v.is_object(),
                _ => false,
            };
            let mine: Vec<Value> = values.iter().filter(|v| fits(v)).cloned().collect();
            if mine.is_empty() {
                continue;
            }
            branch.insert("enum".into(), Value::Array(mine));
        }
        branches.push(Value::Object(branch));
    }
    let unplaced: Vec<&String> = shared
        .keys()
        .filter(|k| {
            !["enum", "format"].contains(&k.as_str())
                && ![STRING_KEYWORDS, NUMBER_KEYWORDS, ARRAY_KEYWORDS, OBJECT_KEYWORDS]
                    .iter()
                    .any(|l| l.contains(&k.as_str()))
        })
        .collect();
    if !unplaced.is_empty() {
        let names: Vec<String> = unplaced.iter().map(|k| format!("`{k}`")).collect();
        cx.warn(at, format!("{} beside a list of types: not checked", names.join(", ")));
    }
    if branches.len() == 1 {
        let Some(Value::Object(only)) = branches.pop() else { return };
        outer.extend(only);
    } else {
        outer.insert("oneOf".into(), Value::Array(branches));
    }
    *map = outer;
}

/// `const` to a one-value `enum` (with the type of its value when none is given), as union tags
/// and enums read it.
fn constant(map: &mut Map<String, Value>, value: Value) {
    if !map.contains_key("type") {
        let t = match &value {
            Value::String(_) => Some("string"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            Value::Bool(_) => Some("boolean"),
            _ => None,
        };
        if let Some(t) = t {
            map.insert("type".into(), json!(t));
        }
    }
    map.insert("enum".into(), json!([value]));
}

/// The media types a `contentMediaType` without an encoding names as text: JSON, XML, forms and
/// everything under `text/`.
fn is_text_media(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or(media).trim().to_ascii_lowercase();
    media.starts_with("text/")
        || media.ends_with("+json")
        || media.ends_with("+xml")
        || matches!(
            media.as_str(),
            "application/json"
                | "application/xml"
                | "application/x-www-form-urlencoded"
                | "application/javascript"
                | "application/yaml"
                | "application/x-yaml"
        )
}

/// `contentEncoding: base64` is 3.0's `format: byte`; a binary `contentMediaType` without an
/// encoding is `format: binary`.
fn content_encoding(map: &mut Map<String, Value>) {
    let encoding = map.shift_remove("contentEncoding");
    let media = map.shift_remove("contentMediaType");
    map.shift_remove("contentSchema");
    if map.contains_key("format") {
        return;
    }
    let format = match (encoding.as_ref().and_then(Value::as_str), media.as_ref().and_then(Value::as_str)) {
        (Some(e), _) if e.eq_ignore_ascii_case("base64") || e.eq_ignore_ascii_case("base64url") => "byte",
        (None, Some(m)) if !is_text_media(m) => "binary",
        _ => return,
    };
    if !map.contains_key("type") {
        map.insert("type".into(), json!("string"));
    }
    map.insert("format".into(), json!(format));
}

/// `prefixItems` (a tuple) and `unevaluatedItems`: one element schema when they agree, else
/// free-form elements.
fn items(map: &mut Map<String, Value>, at: &Pointer, cx: &mut Cx) {
    if map.get("items") == Some(&Value::Bool(true)) {
        map.shift_remove("items");
    }
    let unevaluated = map.shift_remove("unevaluatedItems");
    if let Some(Value::Array(prefix)) = map.shift_remove("prefixItems") {
        let rest = match map.shift_remove("items") {
            Some(Value::Bool(false)) | None => None,
            Some(items) => Some(items),
        };
        let mut all: Vec<Value> = prefix;
        all.extend(rest);
        match all.first().cloned() {
            Some(first) if all.iter().all(|s| *s == first) => {
                map.insert("items".into(), first);
            }
            Some(_) => {
                cx.warn(
                    &at.push("prefixItems"),
                    "a tuple of different element schemas has no Rust type here: its elements are free-form values",
                );
            }
            None => {}
        }
        if !map.contains_key("type") {
            map.insert("type".into(), json!("array"));
        }
    } else if matches!(map.get("items"), Some(Value::Bool(false))) {
        map.shift_remove("items");
    }
    match unevaluated {
        Some(items @ Value::Object(_)) if !map.contains_key("items") => {
            map.insert("items".into(), items);
        }
        _ => {}
    }
}

/// `patternProperties` and `unevaluatedProperties` as `additionalProperties` where they say the
/// same of every extra key; `propertyNames` and `dependentRequired` as notes.
fn properties_keywords(map: &mut Map<String, Value>, at: &Pointer, cx: &mut Cx) {
    if let Some(patterns) = map.shift_remove("patternProperties") {
        let schemas: Vec<Value> = patterns.as_object().map(|p| p.values().cloned().collect()).unwrap_or_default();
        let agreed = schemas.first().filter(|first| schemas.iter().all(|s| s == *first)).cloned();
        match (agreed, map.get("additionalProperties")) {
            (Some(schema), None | Some(Value::Bool(false))) => {
                map.insert("additionalProperties".into(), schema);
            }
            (Some(schema), Some(existing)) if *existing == schema || *existing == Value::Bool(true) => {
                map.insert("additionalProperties".into(), schema);
            }
            (None, None) if schemas.is_empty() => {}
            _ => {
                cx.warn(
                    &at.push("patternProperties"),
                    "keys matching different patterns hold different schemas: the extra keys are free-form values",
                );
                map.insert("additionalProperties".into(), json!({}));
            }
        }
    }
    if let Some(unevaluated) = map.shift_remove("unevaluatedProperties") {
        if !map.contains_key("additionalProperties") && unevaluated != Value::Bool(true) {
            map.insert("additionalProperties".into(), unevaluated);
        }
    }
    let mut notes = Vec::new();
    if let Some(names) = map.shift_remove("propertyNames") {
        if let Some(pattern) = names.get("pattern").and_then(Value::as_str) {
            notes.push(format!("Keys match the pattern `{pattern}`."));
        }
    }
    if let Some(Value::Object(dependent)) = map.shift_remove("dependentRequired") {
        for (property, needs) in dependent {
            let needs: Vec<String> =
                needs.as_array().into_iter().flatten().filter_map(Value::as_str).map(|n| format!("`{n}`")).collect();
            if !needs.is_empty() {
                notes.push(format!("With `{property}`, {} must be set too.", needs.join(", ")));
            }
        }
    }
    if !notes.is_empty() {
        let note = notes.join(" ");
        let description = match map.get("description").and_then(Value::as_str) {
            Some(d) if !d.trim().is_empty() => format!("{d}\n\n{note}"),
            _ => note,
        };
        map.insert("description".into(), Value::String(description));
    }
}

/// Keywords with no Rust form: dropped, with a warning where dropping them changes what the
/// client accepts.
fn dropped(map: &mut Map<String, Value>, at: &Pointer, cx: &mut Cx) {
    for key in ["contains", "minContains", "maxContains"] {
        map.shift_remove(key);
    }
    if map.shift_remove("dependentSchemas").is_some() {
        cx.warn(
            &at.push("dependentSchemas"),
            "`dependentSchemas` is not modelled: properties described only there are not fields",
        );
    }
    let conditional: Vec<&str> = ["if", "then", "else"].into_iter().filter(|k| map.contains_key(*k)).collect();
    if !conditional.is_empty() {
        for key in &conditional {
            map.shift_remove(*key);
        }
        cx.warn(
            &at.push(conditional[0]),
            "`if`/`then`/`else` is not modelled: properties described only there are not fields",
        );
    }
    if map.contains_key("not") {
        map.shift_remove("not");
        let what = if map.keys().all(|k| ANNOTATIONS.contains(&k.as_str()) || k == "nullable") {
            "the schema is any value"
        } else {
            "the schema without it is used"
        };
        cx.warn(&at.push("not"), format!("`not` is not checked by the client: {what}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(mut doc: Value) -> (Value, Vec<Warning>) {
        let mut warnings = Vec::new();
        upgrade(&mut doc, &mut warnings);
        (doc, warnings)
    }

    fn doc_with(schemas: Value) -> Value {
        json!({"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "components": {"schemas": schemas}})
    }

    /// One component schema `S`, upgraded.
    fn schema(s: Value) -> (Value, Vec<Warning>) {
        let (doc, warnings) = run(doc_with(json!({ "S": s })));
        (doc["components"]["schemas"]["S"].clone(), warnings)
    }

    fn messages(warnings: &[Warning]) -> Vec<String> {
        warnings.iter().map(|w| format!("{}: {}", w.pointer, w.message)).collect()
    }

    #[test]
    fn a_3_0_document_is_left_alone() {
        let doc = json!({"openapi": "3.0.3", "components": {"schemas": {"S": {"type": ["string", "null"]}}}});
        assert_eq!(run(doc.clone()), (doc, vec![]));
    }

    #[test]
    fn type_lists_with_null_are_nullable() {
        assert_eq!(schema(json!({"type": ["string", "null"]})).0, json!({"type": "string", "nullable": true}));
        assert_eq!(schema(json!({"type": ["null", "integer"]})).0, json!({"type": "integer", "nullable": true}));
        assert_eq!(schema(json!({"type": ["string"]})).0, json!({"type": "string"}));
        assert_eq!(schema(json!({"type": "null"})).0, json!({"nullable": true, "enum": [null]}));
        assert_eq!(schema(json!({"type": ["null"]})).0, json!({"nullable": true, "enum": [null]}));
        // Every integer is a number.
        assert_eq!(schema(json!({"type": ["integer", "number"]})).0, json!({"type": "number"}));
    }

    #[test]
    fn mixed_type_lists_are_one_of_with_the_keywords_of_each_type() {
        let (out, warnings) = schema(json!({
            "type": ["string", "integer", "null"], "description": "d", "maxLength": 3, "minimum": 1,
            "enum": ["a", 1, null], "format": "int32"
        }));
        assert_eq!(
            out,
            json!({"description": "d", "nullable": true, "oneOf": [
                {"type": "string", "maxLength": 3, "enum": ["a"]},
                {"type": "integer", "minimum": 1, "format": "int32", "enum": [1]}
            ]})
        );
        assert!(warnings.is_empty());
        // A keyword of no type's: named in a warning.
        let (_, warnings) = schema(json!({"type": ["string", "boolean"], "readOnly": true, "unknownThing": 1}));
        assert_eq!(messages(&warnings), ["#/components/schemas/S: `unknownThing` beside a list of types: not checked"]);
    }

    #[test]
    fn null_branches_become_nullable() {
        let reference = json!({"$ref": "#/components/schemas/A"});
        assert_eq!(
            schema(json!({"oneOf": [reference, {"type": "null"}], "description": "d"})).0,
            json!({"description": "d", "nullable": true, "allOf": [reference]})
        );
        assert_eq!(
            schema(json!({"anyOf": [{"type": "string", "maxLength": 2}, {"type": "null"}]})).0,
            json!({"nullable": true, "type": "string", "maxLength": 2})
        );
        assert_eq!(
            schema(json!({"oneOf": [reference, {"type": "integer"}, {"const": null}]})).0,
            json!({"oneOf": [reference, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn all_of_scalar_parts_is_one_schema() {
        assert_eq!(
            schema(json!({"description": "d", "allOf": [{"type": "string"}, {"type": "string", "minLength": 1}]})).0,
            json!({"description": "d", "type": "string", "minLength": 1})
        );
        // Objects, references and disagreeing types are lowering's to merge, or refuse.
        for kept in [
            json!({"allOf": [{"type": "string"}, {"type": "integer"}]}),
            json!({"allOf": [{"$ref": "#/components/schemas/A"}, {"minLength": 1}]}),
            json!({"allOf": [{"type": "object", "properties": {"a": {}}}]}),
        ] {
            assert_eq!(schema(kept.clone()).0, kept);
        }
    }

    #[test]
    fn const_is_a_one_value_enum() {
        assert_eq!(schema(json!({"const": "circle"})).0, json!({"type": "string", "enum": ["circle"]}));
        assert_eq!(schema(json!({"const": 2})).0, json!({"type": "integer", "enum": [2]}));
        assert_eq!(schema(json!({"const": 2.5})).0, json!({"type": "number", "enum": [2.5]}));
        assert_eq!(schema(json!({"type": "string", "const": "x"})).0, json!({"type": "string", "enum": ["x"]}));
    }

    #[test]
    fn examples_bounds_and_content_keywords() {
        assert_eq!(schema(json!({"type": "integer", "examples": [3, 4]})).0, json!({"type": "integer", "example": 3}));
        assert_eq!(
            schema(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1})).0,
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1, "exclusiveMaximum": true})
        );
        // An inclusive bound stricter than the exclusive one wins.
        assert_eq!(
            schema(json!({"type": "number", "minimum": 5, "exclusiveMinimum": 0})).0,
            json!({"type": "number", "minimum": 5})
        );
        assert_eq!(
            schema(json!({"type": "string", "contentEncoding": "base64"})).0,
            json!({"type": "string", "format": "byte"})
        );
        assert_eq!(
            schema(json!({"type": "string", "contentMediaType": "image/png"})).0,
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(schema(json!({"contentMediaType": "text/plain"})).0, json!({}));
    }

    #[test]
    fn ref_siblings_wrap_the_ref_in_all_of() {
        let reference = json!({"$ref": "#/components/schemas/A"});
        assert_eq!(
            schema(json!({"$ref": "#/components/schemas/A", "description": "d", "readOnly": true})).0,
            json!({"description": "d", "readOnly": true, "allOf": [reference]})
        );
        assert_eq!(
            schema(json!({"$ref": "#/components/schemas/A", "required": ["x"]})).0,
            json!({"allOf": [reference, {"required": ["x"]}]})
        );
        assert_eq!(schema(json!({"$ref": "#/components/schemas/A", "$comment": "c"})).0, reference);
        // In a union, the bare reference: alternatives are named and tagged by their component.
        assert_eq!(
            schema(json!({"oneOf": [{"$ref": "#/components/schemas/A", "description": "an A"}]})).0,
            json!({"oneOf": [reference]})
        );
    }

    #[test]
    fn defs_are_hoisted_and_refs_follow() {
        let (doc, _) = run(json!({
            "openapi": "3.1.0",
            "$defs": {"A": {"type": "string"}},
            "components": {"schemas": {
                "A": {"type": "integer"},
                "S": {"type": "object", "properties": {
                    "a": {"$ref": "#/$defs/A"},
                    "b": {"$ref": "#/components/schemas/S/$defs/B"},
                    "c": {"$ref": "#/components/schemas/S/$defs/B/$defs/C"},
                    "$defs": {"type": "string"}
                }, "$defs": {"B": {"type": "object", "$defs": {"C": {"type": "boolean"}}}}}
            }}
        }));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["S"]["properties"]["a"], json!({"$ref": "#/components/schemas/A_2"}));
        assert_eq!(schemas["A_2"], json!({"type": "string"}));
        assert_eq!(schemas["S"]["properties"]["b"], json!({"$ref": "#/components/schemas/B"}));
        assert_eq!(schemas["S"]["properties"]["c"], json!({"$ref": "#/components/schemas/C"}));
        assert_eq!(schemas["C"], json!({"type": "boolean"}));
        // A property named `$defs` is a property.
        assert_eq!(schemas["S"]["properties"]["$defs"], json!({"type": "string"}));
        assert!(doc.get("$defs").is_none());
    }

    #[test]
    fn ids_and_anchors_become_local_refs() {
        let (doc, _) = run(doc_with(json!({
            "Pet": {"$id": "https://x.example/schemas/pet", "type": "object", "properties": {
                "tag": {"$anchor": "tag", "type": "object", "properties": {"name": {"type": "string"}}}
            }},
            "S": {"type": "object", "properties": {
                "pet": {"$ref": "https://x.example/schemas/pet"},
                "relative": {"$ref": "schemas/pet"},
                "tag": {"$ref": "#tag"},
                "unknown": {"$ref": "https://elsewhere.example/y"}
            }}
        })));
        let schemas = &doc["components"]["schemas"];
        let props = &schemas["S"]["properties"];
        assert_eq!(props["pet"], json!({"$ref": "#/components/schemas/Pet"}));
        assert_eq!(props["relative"], json!({"$ref": "#/components/schemas/Pet"}));
        // The anchored schema stood inside another: it is a component now.
        assert_eq!(props["tag"], json!({"$ref": "#/components/schemas/tag"}));
        assert_eq!(schemas["Pet"]["properties"]["tag"], json!({"$ref": "#/components/schemas/tag"}));
        assert_eq!(schemas["tag"]["properties"]["name"], json!({"type": "string"}));
        assert_eq!(props["unknown"], json!({"$ref": "https://elsewhere.example/y"}));
        assert!(schemas["Pet"].get("$id").is_none());
    }

    #[test]
    fn dynamic_refs_follow_dynamic_anchors_or_fall_back() {
        let (doc, warnings) = run(doc_with(json!({
            "Node": {"$dynamicAnchor": "node", "type": "object", "properties": {"next": {"$dynamicRef": "#node"}}},
            "S": {"$dynamicRef": "#nowhere"}
        })));
        assert_eq!(
            doc["components"]["schemas"]["Node"]["properties"]["next"],
            json!({"$ref": "#/components/schemas/Node"})
        );
        assert_eq!(doc["components"]["schemas"]["S"], json!({}));
        assert_eq!(
            messages(&warnings),
            ["#/components/schemas/S/$dynamicRef: a `$dynamicRef` with no `$dynamicAnchor` to match is read as any value"]
        );
    }

    #[test]
    fn tuples_patterns_and_unevaluated_keywords() {
        assert_eq!(
            schema(json!({"type": "array", "prefixItems": [{"type": "number"}, {"type": "number"}], "items": false})).0,
            json!({"type": "array", "items": {"type": "number"}})
        );
        let (out, warnings) = schema(json!({"prefixItems": [{"type": "string"}, {"type": "integer"}]}));
        assert_eq!(out, json!({"type": "array"}));
        assert_eq!(
            messages(&warnings),
            ["#/components/schemas/S/prefixItems: a tuple of different element schemas has no Rust type here: \
              its elements are free-form values"]
        );
        assert_eq!(
            schema(
                json!({"type": "object", "patternProperties": {"^a": {"type": "string"}, "^b": {"type": "string"}}})
            )
            .0,
            json!({"type": "object", "additionalProperties": {"type": "string"}})
        );
        let (out, warnings) = schema(
            json!({"type": "object", "patternProperties": {"^a": {"type": "string"}, "^b": {"type": "integer"}}}),
        );
        assert_eq!(out, json!({"type": "object", "additionalProperties": {}}));
        assert_eq!(warnings[0].pointer, "#/components/schemas/S/patternProperties");
        assert_eq!(
            schema(json!({"type": "object", "unevaluatedProperties": false})).0,
            json!({"type": "object", "additionalProperties": false})
        );
        assert_eq!(
            schema(json!({"type": "array", "unevaluatedItems": {"type": "string"}})).0,
            json!({"type": "array", "items": {"type": "string"}})
        );
    }

    #[test]
    fn dropped_keywords_leave_notes_or_warnings() {
        let (out, warnings) = schema(json!({
            "type": "object", "description": "An order.",
            "propertyNames": {"pattern": "^[a-z]+$"}, "dependentRequired": {"coupon": ["discount"]},
            "contains": {"type": "string"}
        }));
        assert_eq!(
            out,
            json!({"type": "object", "description": "An order.\n\nKeys match the pattern `^[a-z]+$`. \
                   With `coupon`, `discount` must be set too."})
        );
        assert!(warnings.is_empty());
        let (out, warnings) = schema(json!({
            "type": "object", "if": {}, "then": {}, "dependentSchemas": {"a": {}},
            "properties": {"x": {"not": {"type": "string"}}, "y": false, "z": {"type": "string", "not": {"const": ""}}}
        }));
        assert_eq!(out, json!({"type": "object", "properties": {"x": {}, "z": {"type": "string"}}}));
        assert_eq!(
            messages(&warnings),
            [
                "#/components/schemas/S/dependentSchemas: `dependentSchemas` is not modelled: properties described \
                 only there are not fields",
                "#/components/schemas/S/if: `if`/`then`/`else` is not modelled: properties described only there are \
                 not fields",
                "#/components/schemas/S/properties/x/not: `not` is not checked by the client: the schema is any value",
                "#/components/schemas/S/properties/z/not: `not` is not checked by the client: the schema without it \
                 is used",
            ]
        );
        let (out, warnings) = schema(json!({"type": "array", "items": false}));
        assert_eq!((out, warnings.len()), (json!({"type": "array"}), 0));
        let (out, warnings) = schema(json!({"type": "object", "properties": {"a": {"allOf": [false]}}}));
        assert_eq!(out["properties"]["a"], json!({"allOf": [{}]}));
        assert_eq!(
            messages(&warnings),
            ["#/components/schemas/S/properties/a/allOf/0: a `false` schema (no value is valid) is read as any value"]
        );
    }

    #[test]
    fn schemas_everywhere_are_upgraded() {
        let nullable = json!({"type": ["string", "null"]});
        let upgraded = json!({"type": "string", "nullable": true});
        let media = json!({"application/json": {"schema": nullable}});
        let (doc, _) = run(json!({
            "openapi": "3.1.0",
            "paths": {"/a": {
                "parameters": [{"name": "p", "in": "query", "schema": nullable}],
                "post": {
                    "requestBody": {"content": media},
                    "responses": {"200": {"description": "ok", "content": media,
                                          "headers": {"h": {"schema": nullable}}}},
                    "callbacks": {"cb": {"{$url}": {"post": {"requestBody": {"content": media}}}}}
                }
            }},
            "components": {
                "parameters": {"p": {"name": "p", "in": "query", "schema": nullable}},
                "headers": {"h": {"schema": nullable}},
                "requestBodies": {"b": {"content": media}},
                "responses": {"r": {"description": "ok", "content": media}}
            }
        }));
        let item = &doc["paths"]["/a"];
        assert_eq!(item["parameters"][0]["schema"], upgraded);
        assert_eq!(item["post"]["requestBody"]["content"]["application/json"]["schema"], upgraded);
        assert_eq!(item["post"]["responses"]["200"]["content"]["application/json"]["schema"], upgraded);
        assert_eq!(item["post"]["responses"]["200"]["headers"]["h"]["schema"], upgraded);
        let callback = &item["post"]["callbacks"]["cb"]["{$url}"]["post"];
        assert_eq!(callback["requestBody"]["content"]["application/json"]["schema"], upgraded);
        assert_eq!(callback["responses"], json!({}));
        let components = &doc["components"];
        assert_eq!(components["parameters"]["p"]["schema"], upgraded);
        assert_eq!(components["headers"]["h"]["schema"], upgraded);
        assert_eq!(components["requestBodies"]["b"]["content"]["application/json"]["schema"], upgraded);
        assert_eq!(components["responses"]["r"]["content"]["application/json"]["schema"], upgraded);
    }

    #[test]
    fn document_level_changes() {
        let (doc, warnings) = run(json!({
            "openapi": "3.1.0",
            "info": {"title": "T", "version": "1", "summary": "s", "license": {"name": "MIT", "identifier": "MIT"}},
            "components": {"pathItems": {"P": {"get": {"operationId": "p", "responses": {"200": {}}}}}},
            "webhooks": {"w": {"$ref": "#/components/pathItems/P"}}
        }));
        assert_eq!(doc["paths"], json!({}));
        assert!(doc["components"].get("pathItems").is_none());
        assert!(doc.get("webhooks").is_none() && doc.get("x-webhooks").is_none());
        assert_eq!(doc["info"]["license"]["identifier"], "MIT");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].pointer, "#/webhooks");
        assert!(warnings[0].message.contains("x-webhook-signature"), "{}", warnings[0].message);

        let (doc, warnings) = run(json!({
            "openapi": "3.1.0",
            "paths": {
                "/a": {"$ref": "#/components/pathItems/P", "summary": "mine"},
                "/b": {"$ref": "#/components/pathItems/Missing"}
            },
            "components": {"pathItems": {"P": {"summary": "theirs", "get": {"operationId": "p"}}}},
            "x-webhook-signature": {"event-header": "X-Event", "token-header": "X-Token"},
            "x-webhooks": {"old": {"post": {}}, "both": {"post": {"summary": "x"}}},
            "webhooks": {"new": {"post": {}}, "both": {"post": {"summary": "w"}}}
        }));
        assert_eq!(doc["paths"]["/a"], json!({"summary": "mine", "get": {"operationId": "p", "responses": {}}}));
        assert!(doc["paths"].get("/b").is_none());
        assert_eq!(doc["x-webhooks"]["both"]["post"]["summary"], "x");
        assert!(doc["x-webhooks"].get("old").is_some() && doc["x-webhooks"].get("new").is_some());
        assert_eq!(
            messages(&warnings),
            [
                "#/paths/~1b: `#/components/pathItems/Missing` leads to no path item; the path is left out",
                "#/webhooks/both: also in `x-webhooks`, which wins",
            ]
        );
    }

    #[test]
    fn form_encoded_query_strings_become_exploded_form_parameters() {
        let form = |schema: Value| json!({"application/x-www-form-urlencoded; charset=utf-8": {"schema": schema}});
        let (doc, warnings) = run(json!({
            "openapi": "3.2.0",
            "paths": {"/s": {"get": {"parameters": [
                {"name": "q", "in": "querystring", "required": true, "content": form(json!({"$ref": "#/components/schemas/F"}))},
                {"name": "j", "in": "querystring", "content": {"application/json": {"schema": {"type": "object"}}}}
            ]}}},
            "components": {"parameters": {
                "P": {"name": "p", "in": "querystring", "content": form(json!({"type": ["object", "null"]}))},
                "Two": {"name": "t", "in": "querystring", "content": {
                    "application/x-www-form-urlencoded": {"schema": {}}, "application/json": {"schema": {}}
                }}
            }}
        }));
        assert_eq!(
            doc["paths"]["/s"]["get"]["parameters"],
            json!([{"name": "q", "in": "query", "required": true, "style": "form", "explode": true,
                    "schema": {"$ref": "#/components/schemas/F"}, "x-querystring": true}])
        );
        // Upgraded like any other schema.
        assert_eq!(doc["components"]["parameters"]["P"]["schema"], json!({"type": "object", "nullable": true}));
        assert!(doc["components"]["parameters"].get("Two").is_none());
        assert_eq!(warnings.len(), 2, "{:?}", messages(&warnings));
        assert_eq!(warnings[0].pointer, "#/paths/~1s/get/parameters/1");
        assert_eq!(warnings[1].pointer, "#/components/parameters/Two");
    }

    #[test]
    fn tag_parent_and_kind_are_carried_in_extensions() {
        let (doc, _) = run(json!({
            "openapi": "3.2.0",
            "tags": [{"name": "a", "kind": "nav"}, {"name": "b", "parent": "a", "x-parent": "kept"}]
        }));
        assert_eq!(doc["tags"], json!([{"name": "a", "x-kind": "nav"}, {"name": "b", "x-parent": "kept"}]));
    }

    #[test]
    fn query_and_additional_operations_are_carried_in_an_extension() {
        let (doc, warnings) = run(json!({
            "openapi": "3.2.0",
            "paths": {"/s": {
                "query": {"operationId": "q", "parameters": [
                    {"name": "qs", "in": "querystring", "content": {}},
                    {"name": "n", "in": "query", "schema": {"type": ["integer", "null"]}}
                ]},
                "additionalOperations": {"PURGE": {"operationId": "p"}, "get": {}, "BAD METHOD": {}}
            }}
        }));
        let item = &doc["paths"]["/s"];
        assert!(item.get("query").is_none() && item.get("additionalOperations").is_none());
        let ops = &item[ADDITIONAL_OPERATIONS];
        assert_eq!(
            ops["QUERY"]["parameters"],
            json!([{"name": "n", "in": "query", "schema": {"type": "integer", "nullable": true}}])
        );
        assert_eq!(ops["PURGE"]["operationId"], "p");
        assert_eq!(ops.as_object().map(Map::len), Some(2));
        assert_eq!(
            messages(&warnings),
            [
                "#/paths/~1s/query/parameters/0: an `in: querystring` parameter is only sent when its `content` is \
                 one `application/x-www-form-urlencoded` media type with a schema; left out",
                "#/paths/~1s/additionalOperations/get: `get` has a field of its own on the path item; left out here",
                "#/paths/~1s/additionalOperations/BAD METHOD: `BAD METHOD` is not an HTTP method name; the operation \
                 is left out",
            ]
        );
    }

    #[test]
    fn item_schemas_and_response_descriptions() {
        let (doc, warnings) = run(json!({
            "openapi": "3.2.0",
            "paths": {"/e": {"post": {
                "requestBody": {"content": {"application/jsonl": {"itemSchema": {"type": "object"}}}},
                "responses": {"200": {
                    "content": {
                        "application/jsonl": {"itemSchema": {"type": "object"}},
                        "text/event-stream": {"itemSchema": {"type": "string"}, "x-item-stream": "jsonl"},
                        "multipart/mixed": {"itemSchema": {"type": "object"}}
                    }
                }}
            }}}
        }));
        let op = &doc["paths"]["/e"]["post"];
        // A response's item schema becomes its schema, marked with the framing (a spec's own
        // marker does not count); a request's, or one of a framing not read, is dropped.
        assert_eq!(
            op["responses"]["200"],
            json!({"content": {
                "application/jsonl": {"schema": {"type": "object"}, "x-item-stream": "jsonl"},
                "text/event-stream": {"schema": {"type": "string"}, "x-item-stream": "sse"},
                "multipart/mixed": {}
            }, "description": ""})
        );
        assert_eq!(op["requestBody"], json!({"content": {"application/jsonl": {}}}));
        let pointers: Vec<&str> = warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/paths/~1e/post/requestBody/content/application~1jsonl/itemSchema",
                "#/paths/~1e/post/responses/200/content/multipart~1mixed/itemSchema",
            ]
        );
    }
}
