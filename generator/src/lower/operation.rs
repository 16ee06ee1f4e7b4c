//! Paths and operations to groups of operations: parameters, bodies, results, names.

use std::collections::BTreeMap;

use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};

use crate::error::{Error, Pointer};
use crate::ident::{item_type_name, snake_name, type_name, Namespace, HANDLE_METHODS};
use crate::ir::{
    AuthScheme, Body, BodyEncoding, ErrorOutput, Fate, FormEncoding, FormPart, Framing, Group, Operation, Output,
    Pagination, PaginationStyle, Param, ParamLocation, PathPart, Prim, QueryStyle, RequestBody, StatusMatch,
    StatusVariant, TypeKind, TypeRef, Waiter,
};

use super::schema::{append_note, docs, Types};
use super::{group_names, refs};
use crate::upgrade::ADDITIONAL_OPERATIONS;

/// Methods in the order they are visited; the order only matters for error messages.
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The group of operations without a tag.
const UNTAGGED: &str = "api";

/// Names the generated `Client` already uses; a group accessor never takes one.
/// Also the mock server's own methods (feature `mock`), where each group has the same accessor.
const CLIENT_METHODS: &[&str] = &[
    "new",
    "builder",
    "from_env",
    "from_transport",
    "transport",
    "clone",
    "fmt",
    "base_url",
    "start",
    "uri",
    "client",
    "client_builder",
    "check",
    "verify",
    "unmatched_requests",
    "expectation",
    "drop",
    "request",
];

/// Names a request builder already uses; a parameter setter never takes one.
const BUILDER_METHODS: &[&str] = &[
    "new",
    "send",
    "send_with_response",
    "send_streamed",
    "into_future",
    "stream",
    "pages",
    "options",
    "request",
    "client",
    "clone",
    "fmt",
    "decode",
    "header",
    "timeout",
    "retry",
    // The mock server's expectation (feature `mock`), where each query parameter is a setter too.
    "respond_with",
    "respond_error",
    "respond_pages",
    "respond_status",
    "respond_json",
    "respond_body",
    "with_header",
    "with_delay",
    "body_partial",
    "expect",
    "expect_at_least",
    "up_to_n_times",
    "mount",
];

/// Unresolved operation: where it is and what it says.
struct RawOp<'s> {
    path: &'s str,
    method: &'s str,
    op: &'s openapiv3::Operation,
    path_params: &'s [ReferenceOr<Parameter>],
    path_servers: &'s [openapiv3::Server],
    at: Pointer,
    wire_id: String,
}

pub fn lower_operations(
    spec: &openapiv3::OpenAPI,
    types: &mut Types<'_>,
    auth: &[AuthScheme],
) -> Result<Vec<Group>, Error> {
    let mut paths: Vec<(&String, &ReferenceOr<openapiv3::PathItem>)> = spec.paths.paths.iter().collect();
    paths.sort_by(|a, b| a.0.cmp(b.0));
    let additional =
        paths.iter().map(|(path, item)| additional_operations(path, item)).collect::<Result<Vec<_>, _>>()?;
    let mut raw: Vec<RawOp<'_>> = Vec::new();
    let mut ids: BTreeMap<String, Pointer> = BTreeMap::new();
    for ((path, item), additional) in paths.into_iter().zip(&additional) {
        let path_at = Pointer::root().push("paths").push(path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                // `load` copies path items in place of their references: only a document typed
                // some other way gets here.
                return Err(Error::unsupported(
                    &path_at,
                    "a $ref path item; read the document with load::load, which inlines it",
                ));
            }
        };
        let ops: BTreeMap<&str, &openapiv3::Operation> = item.iter().collect();
        let standard = METHODS.iter().filter_map(|m| ops.get(m).map(|op| (*m, *op, path_at.push(m))));
        let more = additional.iter().map(|(m, op, at)| (m.as_str(), op, at.clone()));
        for (method, op, at) in standard.chain(more) {
            let wire_id = match &op.operation_id {
                Some(id) if !id.trim().is_empty() => id.clone(),
                _ => synthesized_id(&method.to_ascii_lowercase(), path),
            };
            if let Some(first) = ids.get(&wire_id) {
                let duplicate = Err(Error::DuplicateOperationId {
                    pointer: at.push("operationId").to_string(),
                    first: first.push("operationId").to_string(),
                    id: wire_id,
                });
                types.recover(duplicate, &at, Fate::OperationLeftOut, || ())?;
                continue;
            }
            ids.insert(wire_id.clone(), at.clone());
            raw.push(RawOp {
                path,
                method,
                op,
                path_params: &item.parameters,
                path_servers: &item.servers,
                at,
                wire_id,
            });
        }
    }

    // Group by first navigation tag (see `tags`), in sorted order of tags; operations by id
    // within a group.
    let tree = super::tags::Tags::new(&spec.tags, &mut |at, message| types.warn(at, message));
    let mut by_tag: BTreeMap<String, Vec<RawOp<'_>>> = BTreeMap::new();
    for op in raw {
        let tag = tree.group_tag(&op.op.tags).cloned().unwrap_or_else(|| UNTAGGED.to_string());
        by_tag.entry(tag).or_default().push(op);
    }
    // A group's module name is also its cargo feature's: never one the crate's manifest uses.
    let mut modules = Namespace::with_reserved(CLIENT_METHODS.iter().chain(crate::features::RESERVED).copied());
    let mut groups = Vec::with_capacity(by_tag.len());
    for (tag, mut ops) in by_tag {
        ops.sort_by(|a, b| a.wire_id.cmp(&b.wire_id));
        let (module, group_type) = group_names(&tag, &mut modules);
        let tag_docs =
            spec.tags.iter().find(|t| t.name == tag).map(|t| docs(None, t.description.as_deref())).unwrap_or_default();
        let mut methods = Namespace::with_reserved(HANDLE_METHODS.iter().copied());
        let mut type_names = Namespace::with_reserved([group_type.as_str()]);
        let mut operations = Vec::new();
        for op in &ops {
            let method_name = methods.claim(&method_name(&op.wire_id, &tag));
            let builder_name = type_names.claim(&item_type_name(&op.wire_id));
            let lowered =
                lower_operation(spec, types, auth, op, method_name, builder_name, &mut methods, &mut type_names);
            operations.extend(types.recover(lowered, &op.at, Fate::OperationLeftOut, Vec::new)?);
        }
        operations.sort_by(|a, b| a.method_name.cmp(&b.method_name));
        let parent = tree.parent(&tag).cloned();
        groups.push(Group { name: module, type_name: group_type, wire_tag: tag, docs: tag_docs, parent, operations });
    }
    // Module names are claimed in the order of tags above whatever the order of groups, so that
    // a parent added to a tag moves its group without renaming any.
    if tree.is_tree() {
        groups.sort_by(|a, b| (tree.rank(&a.wire_tag), &a.name).cmp(&(tree.rank(&b.wire_tag), &b.name)));
    } else {
        groups.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(groups)
}

/// The operations a path item carries in [`ADDITIONAL_OPERATIONS`] (methods it has no field for,
/// such as `QUERY`), by method as sent, each with its place in the document as written.
fn additional_operations(
    path: &str,
    item: &ReferenceOr<openapiv3::PathItem>,
) -> Result<Vec<(String, openapiv3::Operation, Pointer)>, Error> {
    let ReferenceOr::Item(item) = item else { return Ok(Vec::new()) };
    let path_at = Pointer::root().push("paths").push(path);
    let Some(value) = item.extensions.get(ADDITIONAL_OPERATIONS) else { return Ok(Vec::new()) };
    let map = value
        .as_object()
        .ok_or_else(|| Error::invalid(&path_at.push(ADDITIONAL_OPERATIONS), "must map HTTP methods to operations"))?;
    let mut out = Vec::with_capacity(map.len());
    for (method, op) in map {
        let at =
            if method == "QUERY" { path_at.push("query") } else { path_at.push("additionalOperations").push(method) };
        let token =
            !method.is_empty() && method.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !token || METHODS.contains(&method.to_ascii_lowercase().as_str()) {
            return Err(Error::invalid(&at, format!("`{method}` is not an HTTP method a path item lacks a field for")));
        }
        let op =
            serde_json::from_value(op.clone()).map_err(|e| Error::invalid(&at, format!("not an operation: {e}")))?;
        out.push((method.clone(), op, at));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// `get /pets/{id}/toys` becomes `get_pets_by_id_toys`.
fn synthesized_id(method: &str, path: &str) -> String {
    let mut out = method.to_string();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        out.push('_');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                out.push_str("by_");
                out.push_str(param);
            }
            None => out.push_str(segment),
        }
    }
    out
}

fn singular(word: &str) -> String {
    if word.len() > 4 && word.ends_with("ies") {
        format!("{}y", &word[..word.len() - 3])
    } else if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

/// The method name on the group handle: the operation id without the words of its tag, so
/// `getBuild` under `Builds` is `get` and `listArtifactsForBuild` under `Artifacts` is
/// `list_for_build`. Falls back to the whole id when nothing would be left.
pub fn method_name(wire_id: &str, tag: &str) -> String {
    let full = snake_name(wire_id);
    let words: Vec<&str> = full.split('_').collect();
    let tag_snake = snake_name(tag);
    let tag_words: Vec<String> = tag_snake.split('_').map(singular).collect();
    let k = tag_words.len();
    if k == 0 || k >= words.len() {
        return full;
    }
    for start in 0..=(words.len() - k) {
        if words[start..start + k].iter().zip(&tag_words).all(|(w, t)| singular(w) == *t) {
            let rest: Vec<&str> = words[..start].iter().chain(&words[start + k..]).copied().collect();
            return snake_name(&rest.join("_"));
        }
    }
    full
}

#[allow(clippy::too_many_arguments)]
fn lower_operation(
    spec: &openapiv3::OpenAPI,
    types: &mut Types<'_>,
    auth: &[AuthScheme],
    raw: &RawOp<'_>,
    method_name: String,
    builder_name: String,
    methods: &mut Namespace,
    type_names: &mut Namespace,
) -> Result<Vec<Operation>, Error> {
    let op = raw.op;
    let at = &raw.at;
    let type_base = type_name(&raw.wire_id);
    // A parameter named `body` would collide with the request body's argument and field.
    let body_name = op.request_body.as_ref().map(|_| "body");
    let mut names = Namespace::with_reserved(BUILDER_METHODS.iter().copied().chain(body_name));
    let params = lower_params(spec, types, raw, &type_base, &mut names)?;
    let path_parts = parse_path(raw.path, &params, at)?;
    // The first server listed, as for the whole API; an operation's own list wins over its path's.
    let server = raw.op.servers.first().or(raw.path_servers.first()).map(|s| super::server_url(s).trim().to_string());
    let body = match &op.request_body {
        Some(body) => Some(lower_body(spec, types, body, &type_base, &at.push("requestBody"))?),
        None => None,
    };

    let head = raw.method == "head";
    let (output, alternates, success_status) =
        lower_responses(spec, types, op, head, &type_base, &builder_name, at, type_names)?;
    let errors = lower_errors(spec, types, op, &type_base, &builder_name, at, type_names)?;
    let (success_media, error_media) = response_media(spec, op, at)?;
    let accept = accept_for(&output, &success_media, &error_media);
    let pagination = lower_pagination(spec, types, op, &output, at)?;
    let waiters = lower_waiters(types, op, &output, at, &mut names)?;
    let security = match &op.security {
        Some(own) => lower_security(spec, types, own, auth, &at.push("security"))?,
        None => lower_security(
            spec,
            types,
            spec.security.as_deref().unwrap_or_default(),
            auth,
            &Pointer::root().push("security"),
        )?,
    };
    let base = Operation {
        wire_id: raw.wire_id.clone(),
        method_name,
        builder_name,
        http_method: raw.method.to_ascii_uppercase(),
        path: raw.path.to_string(),
        path_parts,
        server,
        params,
        body,
        accept,
        output,
        success_status,
        pagination,
        waiters,
        errors,
        security,
        docs: docs(op.summary.as_deref(), op.description.as_deref()),
        docs_url: op.external_docs.as_ref().map(|d| d.url.trim().to_string()).filter(|u| !u.is_empty()),
        deprecated: op.deprecated,
    };
    let mut out = Vec::with_capacity(1 + alternates.len());
    for (suffix, media, body) in alternates {
        out.push(Operation {
            method_name: methods.claim(&format!("{}_{}", base.method_name, snake_name(suffix))),
            builder_name: type_names.claim(&format!("{}{}", base.builder_name, type_name(suffix))),
            accept: accept_for(&Output::Single { body: body.clone() }, &[media], &error_media),
            output: Output::Single { body },
            pagination: None,
            waiters: Vec::new(),
            errors: base.errors.clone().map(|e| ErrorOutput { defined_here: false, ..e }),
            ..base.clone()
        });
    }
    out.insert(0, base);
    Ok(out)
}

/// The media types of the documented success responses and of the error ones (`4XX`, `5XX`,
/// `default`), each in document order, without repeats. Only those that can stand in an
/// `Accept` header as they are: visible ASCII, no list separator.
fn response_media(
    spec: &openapiv3::OpenAPI,
    op: &openapiv3::Operation,
    at: &Pointer,
) -> Result<(Vec<String>, Vec<String>), Error> {
    let components = spec.components.as_ref().map(|c| &c.responses);
    let mut success: Vec<String> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    let responses = op
        .responses
        .responses
        .iter()
        .map(|(code, r)| (Some(code), r))
        .chain(op.responses.default.iter().map(|r| (None, r)));
    for (code, response) in responses {
        let is_success = match code {
            Some(StatusCode::Code(c)) => (200..300).contains(c),
            Some(StatusCode::Range(r)) => *r == 2,
            None => false,
        };
        let is_error = match code {
            Some(StatusCode::Code(c)) => *c >= 400,
            Some(StatusCode::Range(r)) => *r >= 4,
            None => true,
        };
        let key = code.map(|c| c.to_string()).unwrap_or_else(|| "default".to_string());
        let (response, _) = refs::resolve(response, components, "responses", &at.push("responses").push(key))?;
        let list = match (is_success, is_error) {
            (true, _) => &mut success,
            (_, true) => &mut errors,
            _ => continue,
        };
        for media in response.content.keys() {
            let media = media.trim();
            let sendable = !media.is_empty() && media.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b',');
            if sendable && !list.iter().any(|m| m.eq_ignore_ascii_case(media)) {
                list.push(media.to_string());
            }
        }
    }
    Ok((success, errors))
}

/// The `Accept` header: the documented success media types the result decodes (JSON ones for
/// a model, text ones for text, any for bytes), then the documented error ones at a lower
/// `q`, so that a server may answer an error in the form the spec gives it. None when the
/// result has no body to ask for.
fn accept_for(output: &Output, success: &[String], errors: &[String]) -> Option<String> {
    let bodies: Vec<&Body> = match output {
        Output::Single { body } => vec![body],
        Output::ByStatus { variants, .. } => variants.iter().map(|v| &v.body).collect(),
    };
    let decodes = |media: &str| {
        let lower = media.to_ascii_lowercase();
        bodies.iter().any(|b| match b {
            Body::Json(_) => is_json(&lower),
            Body::Text => lower.starts_with("text/"),
            Body::Bytes => true,
            Body::Items { framing, .. } => media_framing(&lower) == Some(*framing),
            Body::Empty | Body::Undocumented => false,
        })
    };
    let mut asked: Vec<String> = success.iter().filter(|m| decodes(m)).cloned().collect();
    if asked.is_empty() {
        // A body the spec types without naming a media type this form decodes.
        asked = match bodies.iter().find(|b| !matches!(b, Body::Empty | Body::Undocumented))? {
            Body::Json(_) => vec!["application/json".to_string()],
            Body::Text => vec!["text/plain".to_string()],
            _ => return None,
        };
    }
    let fallback: Vec<String> = errors
        .iter()
        .filter(|e| !asked.iter().any(|a| a.eq_ignore_ascii_case(e)))
        .map(|e| format!("{e};q=0.9"))
        .collect();
    asked.extend(fallback);
    Some(asked.join(", "))
}

fn lower_security(
    spec: &openapiv3::OpenAPI,
    types: &mut Types<'_>,
    requirements: &[openapiv3::SecurityRequirement],
    auth: &[AuthScheme],
    at: &Pointer,
) -> Result<Vec<String>, Error> {
    let defined = spec.components.as_ref().map(|c| &c.security_schemes);
    let mut out: Vec<String> = Vec::new();
    for (i, requirement) in requirements.iter().enumerate() {
        let mut usable = true;
        for name in requirement.keys() {
            if auth.iter().any(|a| &a.wire_name == name) {
                continue;
            }
            if !defined.is_some_and(|d| d.contains_key(name)) {
                // Leniently, the requirement is an alternative the client does not offer.
                let at = at.push(i.to_string());
                let undefined = Err(Error::invalid(
                    &at,
                    format!("security scheme `{name}` is not defined in components.securitySchemes"),
                ));
                types.recover(undefined, &at, Fate::SecurityIgnored, || ())?;
            }
            // Defined, but not one the client can send (warned where it is defined): a
            // requirement needs all its schemes, so this alternative is not offered.
            usable = false;
        }
        if !usable {
            continue;
        }
        for name in requirement.keys() {
            if !out.contains(name) {
                out.push(name.clone());
            }
        }
    }
    Ok(out)
}

fn lower_params(
    spec: &openapiv3::OpenAPI,
    types: &mut Types<'_>,
    raw: &RawOp<'_>,
    type_base: &str,
    names: &mut Namespace,
) -> Result<Vec<Param>, Error> {
    let components = spec.components.as_ref().map(|c| &c.parameters);
    // Path-level parameters first; an operation's own parameter with the same name and
    // location replaces it.
    let mut merged: Vec<(Pointer, &Parameter)> = Vec::new();
    let path_at = Pointer::root().push("paths").push(raw.path).push("parameters");
    let op_at = raw.at.push("parameters");
    let sources = raw
        .path_params
        .iter()
        .enumerate()
        .map(|(i, p)| (path_at.push(i.to_string()), p))
        .chain(raw.op.parameters.iter().enumerate().map(|(i, p)| (op_at.push(i.to_string()), p)));
    for (at, param) in sources {
        let (param, _) = refs::resolve(param, components, "parameters", &at)?;
        let key = (location(param), &param.parameter_data_ref().name);
        match merged.iter_mut().find(|(_, p)| (location(p), &p.parameter_data_ref().name) == key) {
            Some(slot) => *slot = (at, param),
            None => merged.push((at, param)),
        }
    }
    // Path parameters in template order, then required ones by name, then the rest by name.
    let path_order = |name: &str| raw.path.find(&format!("{{{name}}}")).unwrap_or(usize::MAX);
    merged.sort_by(|(_, a), (_, b)| {
        let rank = |p: &Parameter| match (location(p), p.parameter_data_ref().required) {
            (ParamLocation::Path, _) => 0,
            (_, true) => 1,
            (_, false) => 2,
        };
        let (da, db) = (a.parameter_data_ref(), b.parameter_data_ref());
        (rank(a), path_order(&da.name), &da.name, location(a)).cmp(&(
            rank(b),
            path_order(&db.name),
            &db.name,
            location(b),
        ))
    });
    // A path parameter the template does not use would be taken and never sent.
    let template = template_of(raw.path);
    for (at, param) in &merged {
        let name = &param.parameter_data_ref().name;
        if location(param) == ParamLocation::Path && !template.contains(&format!("{{{name}}}")) {
            return Err(Error::invalid(
                at,
                format!("path parameter `{name}` is declared, but the path `{}` has no `{{{name}}}`", raw.path),
            ));
        }
    }
    let mut out = Vec::with_capacity(merged.len());
    for (at, param) in merged {
        let data = param.parameter_data_ref();
        let location = location(param);
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => schema,
            ParameterSchemaOrContent::Content(content) => match content.values().next().and_then(|m| m.schema.as_ref())
            {
                Some(schema) => schema,
                None => return Err(Error::unsupported(&at, "a parameter described by `content` without a schema")),
            },
        };
        let ty = types.lower(schema, &format!("{type_base}{}", type_name(&data.name)), &at.push("schema"), 0)?;
        let whole_query = location == ParamLocation::Query
            && data.extensions.get(crate::upgrade::QUERY_STRING_EXT) == Some(&serde_json::Value::Bool(true));
        if whole_query {
            // A query string the runtime could not write is left out here, not refused at send.
            let flat = flat_object(&types.defs, &ty, &at);
            if !types.recover(flat.map(|()| true), &at, Fate::Ignored, || false)? {
                continue;
            }
        }
        let style = match param {
            Parameter::Query { style, .. } => match (style, data.explode.unwrap_or(true)) {
                (openapiv3::QueryStyle::Form, true) => QueryStyle::FormExploded,
                (openapiv3::QueryStyle::Form, false) => QueryStyle::Form,
                (openapiv3::QueryStyle::SpaceDelimited, _) => QueryStyle::SpaceDelimited,
                (openapiv3::QueryStyle::PipeDelimited, _) => QueryStyle::PipeDelimited,
                (openapiv3::QueryStyle::DeepObject, _) => QueryStyle::DeepObject,
            },
            Parameter::Path { style, .. } if *style != openapiv3::PathStyle::Simple => {
                return Err(Error::unsupported(
                    &at,
                    "path parameters in `matrix` or `label` style; only `simple` is supported",
                ))
            }
            _ => QueryStyle::Form,
        };
        out.push(Param {
            wire_name: data.name.clone(),
            rust_name: names.claim(&snake_name(&data.name)),
            location,
            required: data.required || location == ParamLocation::Path,
            ty,
            style,
            docs: {
                let mut d = docs(None, data.description.as_deref());
                if whole_query {
                    append_note(&mut d, "The whole query string: each property is a key of the query, form-encoded.");
                }
                d
            },
            deprecated: data.deprecated.unwrap_or(false),
            whole_query,
        });
    }
    Ok(out)
}

/// Checks that a whole query string's type is an object whose values are scalars (optional ones
/// too: `None` writes nothing), which an exploded `form` query parameter writes as `key=value`
/// pairs. A list or object inside it has no form-encoding the runtime writes; free-form JSON
/// values are let through and checked when sent.
fn flat_object(defs: &BTreeMap<String, crate::ir::TypeDef>, ty: &TypeRef, at: &Pointer) -> Result<(), Error> {
    fn scalar(defs: &BTreeMap<String, crate::ir::TypeDef>, ty: &TypeRef, depth: usize) -> bool {
        match ty {
            TypeRef::Prim(_) | TypeRef::Json => true,
            TypeRef::Option(t) => scalar(defs, t, depth),
            TypeRef::Named(name) if depth < 16 => match defs.get(name).map(|d| &d.kind) {
                Some(TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. }) => true,
                Some(TypeKind::Alias { target, .. }) => scalar(defs, target, depth + 1),
                _ => false,
            },
            _ => false,
        }
    }
    let flat = match ty {
        TypeRef::Json => true,
        TypeRef::Map(value) => scalar(defs, value, 0),
        TypeRef::Named(name) => match defs.get(name).map(|d| &d.kind) {
            Some(TypeKind::Struct { fields, additional }) => {
                fields.iter().all(|f| scalar(defs, &f.ty, 0)) && additional.iter().all(|e| scalar(defs, &e.ty, 0))
            }
            _ => false,
        },
        _ => false,
    };
    if flat {
        Ok(())
    } else {
        Err(Error::unsupported(
            at,
            "an `in: querystring` parameter whose schema is not an object of scalar properties; \
             only such an object has a form-encoding",
        ))
    }
}

fn location(param: &Parameter) -> ParamLocation {
    match param {
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// The path template without a literal query (`/search?mode=fast`): parameters are only
/// substituted there.
fn template_of(path: &str) -> &str {
    path.split_once('?').map_or(path, |(template, _)| template)
}

/// Splits the template into literals and parameters; a literal query (`?mode=fast`) stays a
/// literal, and the runtime keeps it beside the query parameters.
fn parse_path(path: &str, params: &[Param], at: &Pointer) -> Result<Vec<PathPart>, Error> {
    let mut parts = Vec::new();
    let template = template_of(path);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or_else(|| Error::invalid(at, format!("path template `{path}` has an unclosed `{{`")))?;
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_string()));
        }
        let name = &rest[open + 1..close];
        let param =
            params.iter().find(|p| p.location == ParamLocation::Path && p.wire_name == name).ok_or_else(|| {
                Error::invalid(at, format!("path parameter `{name}` is used in `{path}` but not declared"))
            })?;
        parts.push(PathPart::Param(param.rust_name.clone()));
        rest = &rest[close + 1..];
    }
    let query = &path[template.len()..];
    if query.contains(['{', '}']) {
        return Err(Error::unsupported(
            at,
            format!("a parameter in the literal query of `{path}`; declare it as a query parameter"),
        ));
    }
    if !rest.is_empty() || !query.is_empty() {
        parts.push(PathPart::Literal(format!("{rest}{query}")));
    }
    Ok(parts)
}

/// The framing of a sequential media type, by its name.
fn media_framing(media: &str) -> Option<Framing> {
    match crate::upgrade::item_framing(media)? {
        "json-seq" => Some(Framing::JsonSeq),
        "sse" => Some(Framing::EventStream),
        _ => Some(Framing::Lines),
    }
}

/// The framing of a response's media type whose `schema` is that of each item of a stream
/// (upgrade marks 3.2's `itemSchema` so).
fn item_stream(media: &str, content: &openapiv3::MediaType) -> Option<Framing> {
    let marked = content.extensions.get(crate::upgrade::ITEM_STREAM)?.as_str()?;
    let framing = media_framing(media)?;
    (crate::upgrade::item_framing(media) == Some(marked)).then_some(framing)
}

fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or(media).trim().to_ascii_lowercase();
    media == "application/json" || media.ends_with("+json") || media == "*/*"
}

fn lower_body(
    spec: &openapiv3::OpenAPI,
    types: &mut Types<'_>,
    body: &ReferenceOr<openapiv3::RequestBody>,
    type_base: &str,
    at: &Pointer,
) -> Result<RequestBody, Error> {
    let components = spec.components.as_ref().map(|c| &c.request_bodies);
    let (body, _) = refs::resolve(body, components, "requestBodies", at)?;
    let pick = |pred: &dyn Fn(&str) -> bool| body.content.iter().find(|(media, _)| pred(media));
    // A wildcard (`*/*`, `image/*`) names no one encoding: the caller sends bytes and says what
    // they are.
    let concrete = |media: &str| !media.contains('*');
    let (media, content, encoding) = if let Some((m, c)) = pick(&|m| concrete(m) && is_json(m)) {
        (m, c, BodyEncoding::Json)
    } else if let Some((m, c)) = pick(&|m| m.starts_with("application/x-www-form-urlencoded")) {
        (m, c, BodyEncoding::Form)
    } else if let Some((m, c)) = pick(&|m| m.starts_with("multipart/form-data")) {
        (m, c, BodyEncoding::Multipart)
    } else if let Some((m, c)) = pick(&|m| concrete(m) && m.starts_with("text/")) {
        (m, c, BodyEncoding::Text)
    } else if let Some((m, c)) = body.content.first() {
        (m, c, BodyEncoding::Bytes)
    } else {
        return Err(Error::invalid(at, "a request body with no content"));
    };
    let media_at = at.push("content").push(media);
    let ty = match (encoding, &content.schema) {
        (BodyEncoding::Text, _) => TypeRef::Prim(Prim::String),
        (BodyEncoding::Bytes, _) => TypeRef::Prim(Prim::Bytes),
        (BodyEncoding::Multipart, Some(schema)) => {
            // A component is lowered once, for JSON, where `binary` is text: a referenced body
            // with file parts gets a type of its own, so that its parts follow the schema.
            let own;
            let schema = match schema {
                ReferenceOr::Reference { .. } if types.has_binary_property(schema) => {
                    own = ReferenceOr::Item(types.resolve(schema, &media_at.push("schema"))?.clone());
                    &own
                }
                _ => schema,
            };
            types.binary_as_bytes = true;
            let lowered = types.lower(schema, &format!("{type_base}Request"), &media_at.push("schema"), 0);
            types.binary_as_bytes = false;
            lowered?
        }
        (BodyEncoding::Multipart, None) => {
            return Err(Error::unsupported(&media_at, "a multipart/form-data body without a schema"));
        }
        (_, Some(schema)) => types.lower(schema, &format!("{type_base}Request"), &media_at.push("schema"), 0)?,
        (_, None) => TypeRef::Json,
    };
    let parts = match encoding {
        BodyEncoding::Multipart => form_parts(types, &ty, &content.encoding, &media_at)?,
        _ => Vec::new(),
    };
    let form = match encoding {
        BodyEncoding::Form => form_encodings(&content.encoding),
        _ => Vec::new(),
    };
    let content_type = match encoding {
        // The caller names the media type sent; the IR keeps every one the spec declares.
        BodyEncoding::Bytes => body.content.keys().cloned().collect::<Vec<_>>().join(", "),
        _ => media.clone(),
    };
    Ok(RequestBody {
        content_type,
        encoding,
        ty,
        required: body.required,
        docs: docs(None, body.description.as_deref()),
        parts,
        form,
    })
}

/// How the properties of a form body are written, from the media type's `encoding`, for those
/// that differ from the default (style `form`, exploded: lists as repeated keys, objects as
/// their own keys). `explode` defaults by style when loading (see `load`).
fn form_encodings(encoding: &indexmap::IndexMap<String, openapiv3::Encoding>) -> Vec<FormEncoding> {
    encoding
        .iter()
        .map(|(property, e)| {
            let json = e
                .content_type
                .as_deref()
                .is_some_and(|t| t.split(',').map(str::trim).any(|t| !t.contains('*') && is_json(t)));
            let style = match (&e.style, e.explode) {
                (None | Some(openapiv3::QueryStyle::Form), true) => QueryStyle::FormExploded,
                (None | Some(openapiv3::QueryStyle::Form), false) => QueryStyle::Form,
                (Some(openapiv3::QueryStyle::SpaceDelimited), _) => QueryStyle::SpaceDelimited,
                (Some(openapiv3::QueryStyle::PipeDelimited), _) => QueryStyle::PipeDelimited,
                (Some(openapiv3::QueryStyle::DeepObject), _) => QueryStyle::DeepObject,
            };
            FormEncoding { wire_name: property.clone(), style, json }
        })
        .filter(|f| f.json || f.style != QueryStyle::FormExploded)
        .collect()
}

/// The parts of a multipart body: one per field of its (object) type.
fn form_parts(
    types: &Types<'_>,
    ty: &TypeRef,
    encoding: &indexmap::IndexMap<String, openapiv3::Encoding>,
    at: &Pointer,
) -> Result<Vec<FormPart>, Error> {
    let fields = match ty {
        TypeRef::Named(name) => match types.defs.get(name).map(|d| &d.kind) {
            Some(TypeKind::Struct { fields, additional: None }) => fields,
            _ => None.ok_or_else(|| {
                Error::unsupported(at, "a multipart/form-data body that is not an object with fixed properties")
            })?,
        },
        _ => {
            return Err(Error::unsupported(
                at,
                "a multipart/form-data body that is not an object with fixed properties",
            ))
        }
    };
    Ok(fields
        .iter()
        .map(|f| {
            let (inner, optional) = match &f.ty {
                TypeRef::Option(inner) => (&**inner, true),
                other => (other, false),
            };
            // The first concrete media type the encoding lists (`image/png, image/jpeg`); a
            // wildcard names none.
            let content_type = encoding
                .get(&f.wire_name)
                .and_then(|e| e.content_type.as_deref())
                .and_then(|t| t.split(',').map(str::trim).find(|t| !t.is_empty() && !t.contains('*')))
                .map(str::to_string);
            FormPart {
                wire_name: f.wire_name.clone(),
                field: f.name.clone(),
                binary: *inner == TypeRef::Prim(Prim::File),
                content_type,
                optional,
            }
        })
        .collect())
}

/// Reason phrases for naming status variants.
fn status_variant_name(status: &StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => match code {
            200 => "Ok".into(),
            201 => "Created".into(),
            202 => "Accepted".into(),
            203 => "NonAuthoritative".into(),
            204 => "NoContent".into(),
            205 => "ResetContent".into(),
            206 => "PartialContent".into(),
            400 => "BadRequest".into(),
            401 => "Unauthorized".into(),
            403 => "Forbidden".into(),
            404 => "NotFound".into(),
            409 => "Conflict".into(),
            422 => "UnprocessableEntity".into(),
            429 => "TooManyRequests".into(),
            500 => "InternalServerError".into(),
            503 => "ServiceUnavailable".into(),
            other => format!("Status{other}"),
        },
        StatusMatch::Range(hundreds) => format!("Status{hundreds}xx"),
        StatusMatch::Default => "Default".into(),
    }
}

type Alternate = (&'static str, String, Body);

/// How an operation pages, if it does. `x-pagination: true` or a `Link` header declared on a
/// success response: the body is the array of items and the header's `next` URL the next page.
/// `x-pagination: {kind: next-url, items: a.b, next: links.next}`: the body is an object with the
/// items at `items` and the next page's URL at `next`; `{kind: cursor, items: data, cursor:
/// meta.next, param: after}`: a cursor at `cursor`, sent back as the query parameter `param`.
/// Positions are dot-separated names; `kind` may be left out. Any other value (`"false"`, `0`,
/// `null`, `{}`) leaves the operation unpaginated with a warning; strictly, it is refused.
fn lower_pagination(
    spec: &openapiv3::OpenAPI,
    types: &mut Types<'_>,
    op: &openapiv3::Operation,
    output: &Output,
    at: &Pointer,
) -> Result<Option<Pagination>, Error> {
    let at = at.push("x-pagination");
    let array_item = || match output {
        Output::Single { body: Body::Json(TypeRef::Vec(item)) } => Some((**item).clone()),
        _ => None,
    };
    let convention = match op.extensions.get("x-pagination") {
        None => {
            let components = spec.components.as_ref().map(|c| &c.responses);
            let declares_link = op.responses.responses.iter().any(|(code, response)| {
                matches!(code, StatusCode::Code(200..=299) | StatusCode::Range(2))
                    && refs::resolve(response, components, "responses", &at)
                        .is_ok_and(|(r, _)| r.headers.keys().any(|h| h.eq_ignore_ascii_case("link")))
            });
            return Ok(declares_link
                .then(array_item)
                .flatten()
                .map(|item| Pagination { item, style: Default::default() }));
        }
        Some(serde_json::Value::Bool(false)) => return Ok(None),
        Some(serde_json::Value::Object(convention))
            if convention.contains_key("items") || convention.get("kind").is_some_and(|k| k != "link-header") =>
        {
            convention
        }
        // `true`, or `{kind: link-header}`.
        Some(serde_json::Value::Bool(true)) => return link_header(array_item(), &at),
        Some(serde_json::Value::Object(convention)) if convention.get("kind").is_some_and(|k| k == "link-header") => {
            return link_header(array_item(), &at)
        }
        // `"false"`, `0`, `null`, `{}`...: read as "paginate" they would page what the author may
        // have meant not to; read as "do not" they would silently drop paging. Neither guess is
        // safe to make without a word.
        Some(other) => {
            let shown: String = other.to_string().chars().take(40).collect();
            let refused = Err(Error::invalid(
                &at,
                format!(
                    "x-pagination is `{shown}`; write true, false, {{kind: link-header}}, {{kind: next-url, items, next}} or {{kind: cursor, items, cursor, param}}"
                ),
            ));
            return types.recover(refused, &at, Fate::Ignored, || None);
        }
    };
    let text = |key: &str| -> Result<Option<&str>, Error> {
        match convention.get(key) {
            None => Ok(None),
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim())),
            Some(_) => Err(Error::invalid(&at.push(key), format!("`{key}` must be a non-empty string"))),
        }
    };
    let Some(items) = text("items")? else {
        return Err(Error::invalid(&at, "a body pagination convention needs `items`: where the page's array is"));
    };
    let style = match (text("kind")?, text("next")?, text("cursor")?, text("param")?) {
        (None | Some("next-url"), Some(next), None, None) => {
            PaginationStyle::NextUrl { items: pointer(items), next: pointer(next) }
        }
        (None | Some("cursor"), None, Some(cursor), Some(param)) => {
            PaginationStyle::Cursor { items: pointer(items), cursor: pointer(cursor), param: param.to_string() }
        }
        _ => {
            return Err(Error::invalid(
                &at,
                "a body pagination convention is either {kind: next-url, items, next} (a next-page URL) or {kind: cursor, items, cursor, param} (a cursor sent back as a query parameter)",
            ))
        }
    };
    let Output::Single { body: Body::Json(page) } = output else {
        return Err(Error::invalid(
            &at,
            "x-pagination with `items` marks an operation whose success body is not one JSON object",
        ));
    };
    // The item type: the array at `items`, through the page's (optional, boxed) struct fields.
    let mut ty = page;
    for name in items.split('.') {
        let field = match strip_option(ty) {
            TypeRef::Named(n) => match types.defs.get(n).map(|d| &d.kind) {
                Some(TypeKind::Struct { fields, .. }) => fields.iter().find(|f| f.wire_name == name),
                _ => None,
            },
            _ => None,
        };
        let Some(field) = field else {
            return Err(Error::invalid(
                &at.push("items"),
                format!("the page has no object property `{name}` on the way to `{items}`"),
            ));
        };
        ty = &field.ty;
    }
    match strip_option(ty) {
        TypeRef::Vec(item) => Ok(Some(Pagination { item: (**item).clone(), style })),
        _ => Err(Error::invalid(&at.push("items"), format!("`{items}` is not an array in the page"))),
    }
}

/// The defaults of a waiter that does not set its own: a first wait of 5 s, doubling to at most
/// a minute, for at most an hour.
const WAIT_DELAY_S: f64 = 5.0;
const WAIT_MAX_DELAY_S: f64 = 60.0;
const WAIT_BUDGET_S: f64 = 3600.0;

/// The operation's waiters: `x-waiters: {finished: {field: state, success: [passed], failure:
/// [failed], pending: [running], delay: 5, max_delay: 60, budget: 3600, description: ...}}`,
/// each a `.wait_until_<name>()` that sends the request until the field (a dot-separated
/// position in the success body) holds a `success` or `failure` value. Times are in seconds.
/// A waiter that cannot be generated is left out with a warning (strictly, refused).
fn lower_waiters(
    types: &mut Types<'_>,
    op: &openapiv3::Operation,
    output: &Output,
    at: &Pointer,
    names: &mut Namespace,
) -> Result<Vec<Waiter>, Error> {
    let Some(declared) = op.extensions.get("x-waiters") else { return Ok(Vec::new()) };
    let at = at.push("x-waiters");
    let serde_json::Value::Object(declared) = declared else {
        let refused = Err(Error::invalid(&at, "x-waiters must be a map from a waiter's name to what it watches"));
        return types.recover(refused, &at, Fate::Ignored, Vec::new);
    };
    let mut waiters = Vec::new();
    for (name, waiter) in declared {
        let here = at.push(name);
        let lowered = lower_waiter(types, name, waiter, output, &here).map(|mut waiter| {
            waiter.method_name = names.claim(&format!("wait_until_{}", snake_name(name)));
            waiter
        });
        if let Some(waiter) = types.recover(lowered.map(Some), &here, Fate::Ignored, || None)? {
            waiters.push(waiter);
        }
    }
    Ok(waiters)
}

fn lower_waiter(
    types: &Types<'_>,
    name: &str,
    waiter: &serde_json::Value,
    output: &Output,
    at: &Pointer,
) -> Result<Waiter, Error> {
    let serde_json::Value::Object(waiter) = waiter else {
        return Err(Error::invalid(at, "a waiter is a map with `field` and `success`"));
    };
    if snake_name(name).is_empty() {
        return Err(Error::invalid(at, "a waiter's name must have a letter or digit"));
    }
    const KEYS: &[&str] = &["field", "success", "failure", "pending", "delay", "max_delay", "budget", "description"];
    if let Some(key) = waiter.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(Error::invalid(
            &at.push(key),
            format!("a waiter has no `{key}`; it has field, success, failure, pending, delay, max_delay, budget and description"),
        ));
    }
    let Output::Single { body: Body::Json(body) } = output else {
        return Err(Error::invalid(
            at,
            "a waiter watches a field of a JSON success body, which this operation does not have",
        ));
    };
    let field = match waiter.get("field") {
        Some(serde_json::Value::String(f)) if !f.trim().is_empty() => f.trim(),
        _ => {
            return Err(Error::invalid(
                &at.push("field"),
                "`field` must be the watched field's position (`state`, `build.state`)",
            ))
        }
    };
    if !reaches(types, body, &field.split('.').collect::<Vec<_>>(), 0) {
        return Err(Error::invalid(&at.push("field"), format!("the success body has no field `{field}`")));
    }
    let values = |key: &str| -> Result<Vec<String>, Error> {
        let list = match waiter.get(key) {
            None => return Ok(Vec::new()),
            Some(serde_json::Value::Array(list)) => list,
            Some(_) => return Err(Error::invalid(&at.push(key), format!("`{key}` must be a list of values"))),
        };
        list.iter()
            .enumerate()
            .map(|(i, value)| match value {
                serde_json::Value::String(s) => Ok(s.clone()),
                serde_json::Value::Bool(_) | serde_json::Value::Number(_) => Ok(value.to_string()),
                _ => Err(Error::invalid(
                    &at.push(key).push(i.to_string()),
                    "a value must be a string, a number or a boolean",
                )),
            })
            .collect()
    };
    let (success, failure, pending) = (values("success")?, values("failure")?, values("pending")?);
    if success.is_empty() {
        return Err(Error::invalid(&at.push("success"), "a waiter needs `success`: the values that mean done"));
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(twice) = success.iter().chain(&failure).chain(&pending).find(|v| !seen.insert(v.as_str())) {
        return Err(Error::invalid(at, format!("`{twice}` is listed twice among success, failure and pending")));
    }
    let seconds = |key: &str, default: f64| -> Result<u64, Error> {
        let value = match waiter.get(key) {
            None => default,
            Some(serde_json::Value::Number(n)) => n.as_f64().unwrap_or(-1.0),
            Some(_) => -1.0,
        };
        // At most a year: a longer figure is a mistake, not a wait.
        if !(value > 0.0 && value <= 366.0 * 86400.0) {
            return Err(Error::invalid(&at.push(key), format!("`{key}` must be a number of seconds above 0")));
        }
        Ok((value * 1000.0).round().max(1.0) as u64)
    };
    let (delay_ms, max_delay_ms, budget_ms) = (
        seconds("delay", WAIT_DELAY_S)?,
        seconds("max_delay", WAIT_MAX_DELAY_S.max(WAIT_DELAY_S))?,
        seconds("budget", WAIT_BUDGET_S)?,
    );
    if delay_ms > max_delay_ms {
        return Err(Error::invalid(&at.push("delay"), "`delay` must not be longer than `max_delay`"));
    }
    let description = match waiter.get("description") {
        None => None,
        Some(serde_json::Value::String(d)) => Some(d.as_str()),
        Some(_) => return Err(Error::invalid(&at.push("description"), "`description` must be text")),
    };
    Ok(Waiter {
        name: name.to_string(),
        method_name: String::new(),
        field: pointer(field),
        success,
        failure,
        pending,
        delay_ms,
        max_delay_ms,
        budget_ms,
        docs: docs(None, description),
    })
}

/// Whether the position `path` may be in a value of `ty`: through struct fields (or a struct's
/// extra map) and any alternative of a union; a free-form value may hold anything.
/// `depth` bounds unions and aliases that lead back to themselves.
fn reaches(types: &Types<'_>, ty: &TypeRef, path: &[&str], depth: usize) -> bool {
    let Some((first, rest)) = path.split_first() else { return true };
    if depth > 32 {
        return false;
    }
    let depth = depth + 1;
    match strip_option(ty) {
        TypeRef::Json => true,
        TypeRef::Named(n) => match types.defs.get(n).map(|d| &d.kind) {
            Some(TypeKind::Struct { fields, additional, .. }) => match fields.iter().find(|f| f.wire_name == *first) {
                Some(field) => reaches(types, &field.ty, rest, depth),
                None => additional.is_some(),
            },
            Some(TypeKind::Union { variants, .. }) => variants.iter().any(|v| reaches(types, &v.ty, path, depth)),
            Some(TypeKind::Alias { target, .. }) => reaches(types, target, path, depth),
            _ => false,
        },
        TypeRef::Map(_) => true,
        _ => false,
    }
}

/// The pagination of `x-pagination: true` or `{kind: link-header}`: by the `Link` header, over
/// a body that is the array of items.
fn link_header(item: Option<TypeRef>, at: &Pointer) -> Result<Option<Pagination>, Error> {
    match item {
        Some(item) => Ok(Some(Pagination { item, style: Default::default() })),
        None => Err(Error::invalid(at, "x-pagination marks an operation whose success body is not a JSON array")),
    }
}

/// The type inside `Option` and `Box`.
fn strip_option(ty: &TypeRef) -> &TypeRef {
    match ty {
        TypeRef::Option(inner) | TypeRef::Boxed(inner) => strip_option(inner),
        ty => ty,
    }
}

/// A dot-separated position in a body as a JSON pointer.
fn pointer(position: &str) -> String {
    position.split('.').map(|name| format!("/{}", name.replace('~', "~0").replace('/', "~1"))).collect()
}

#[allow(clippy::too_many_arguments)]
fn lower_responses(
    spec: &openapiv3::OpenAPI,
    types: &mut Types<'_>,
    op: &openapiv3::Operation,
    head: bool,
    type_base: &str,
    builder_name: &str,
    at: &Pointer,
    type_names: &mut Namespace,
) -> Result<(Output, Vec<Alternate>, u16), Error> {
    let components = spec.components.as_ref().map(|c| &c.responses);
    let mut successes: Vec<(StatusMatch, &ReferenceOr<openapiv3::Response>, Pointer)> = Vec::new();
    for (code, response) in &op.responses.responses {
        let status = match code {
            StatusCode::Code(c) if (200..300).contains(c) => StatusMatch::Code(*c),
            StatusCode::Range(2) => StatusMatch::Range(2),
            _ => continue,
        };
        successes.push((status, response, at.push("responses").push(code.to_string())));
    }
    let several = successes.len() > 1;
    let mut variant_names = Namespace::with_reserved(["Other"]);
    let mut variants: Vec<StatusVariant> = Vec::new();
    let mut alternates: Vec<Alternate> = Vec::new();
    for (status, response, response_at) in successes {
        let (response, _) = refs::resolve(response, components, "responses", &response_at)?;
        let suggestion = if several {
            format!("{type_base}Response{}", status_variant_name(&status))
        } else {
            format!("{type_base}Response")
        };
        let json = response.content.iter().find(|(m, _)| is_json(m));
        let text = response.content.iter().find(|(m, _)| m.starts_with("text/plain"));
        let items = response.content.iter().find_map(|(m, c)| Some((m, c, item_stream(m, c)?)));
        let body = if let (None, Some((media, content, framing))) = (json, items) {
            let item = match &content.schema {
                Some(schema) => types.lower(
                    schema,
                    &format!("{suggestion}Item"),
                    &response_at.push("content").push(media).push("itemSchema"),
                    0,
                )?,
                None => TypeRef::Json,
            };
            Body::Items { framing, item }
        } else if let Some((media, content)) = json {
            if let Some((text_media, _)) = text {
                alternates.push(("text", text_media.clone(), Body::Text));
            }
            match &content.schema {
                Some(schema) => Body::Json(types.lower(
                    schema,
                    &suggestion,
                    &response_at.push("content").push(media).push("schema"),
                    0,
                )?),
                None => Body::Json(TypeRef::Json),
            }
        } else if response.content.keys().any(|m| m.starts_with("text/")) {
            Body::Text
        } else if !response.content.is_empty() {
            Body::Bytes
        } else if head || matches!(status, StatusMatch::Code(204) | StatusMatch::Code(205)) {
            // A HEAD answer never has a body, whatever its status.
            Body::Empty
        } else {
            Body::Undocumented
        };
        variants.push(StatusVariant {
            name: variant_names.claim(&status_variant_name(&status)),
            status,
            body,
            docs: docs(None, Some(&response.description)),
        });
    }
    alternates.dedup_by(|a, b| a.1 == b.1);
    // The lowest documented success code; `2XX` alone, or no success response, stands for 200.
    let success_status = variants
        .iter()
        .filter_map(|v| match v.status {
            StatusMatch::Code(code) => Some(code),
            _ => None,
        })
        .min()
        .unwrap_or(200);
    let output = if variants.is_empty() {
        Output::Single { body: if head { Body::Empty } else { Body::Undocumented } }
    } else if variants.iter().all(|v| v.body == variants[0].body) {
        Output::Single { body: variants[0].body.clone() }
    } else {
        // A stream is the operation's one result or none: among several, it is read whole.
        for v in &mut variants {
            if let Body::Items { framing, .. } = v.body {
                v.body = if framing == Framing::EventStream { Body::Text } else { Body::Bytes };
            }
        }
        let type_name = type_names.claim(&format!("{builder_name}Response"));
        Output::ByStatus { type_name, variants }
    };
    Ok((output, alternates, success_status))
}

/// The documented error responses with a JSON body: an enum keyed by status.
fn lower_errors(
    spec: &openapiv3::OpenAPI,
    types: &mut Types<'_>,
    op: &openapiv3::Operation,
    type_base: &str,
    builder_name: &str,
    at: &Pointer,
    type_names: &mut Namespace,
) -> Result<Option<ErrorOutput>, Error> {
    let components = spec.components.as_ref().map(|c| &c.responses);
    let errors = op
        .responses
        .responses
        .iter()
        .filter_map(|(code, r)| match code {
            StatusCode::Code(200..=299) | StatusCode::Range(2) => None,
            StatusCode::Code(c) => Some((StatusMatch::Code(*c), code.to_string(), r)),
            StatusCode::Range(h) => Some((StatusMatch::Range(*h), code.to_string(), r)),
        })
        .chain(op.responses.default.iter().map(|r| (StatusMatch::Default, "default".to_string(), r)));
    let mut names = Namespace::new();
    let mut variants = Vec::new();
    let mut without_body = Vec::new();
    for (status, label, response) in errors {
        let response_at = at.push("responses").push(&label);
        let (response, _) = refs::resolve(response, components, "responses", &response_at)?;
        let schema = response.content.iter().find(|(m, _)| is_json(m)).and_then(|(m, c)| Some((m, c.schema.as_ref()?)));
        let Some((media, schema)) = schema else {
            without_body.push(status);
            continue;
        };
        let schema_at = response_at.push("content").push(media).push("schema");
        let name = names.claim(&status_variant_name(&status));
        let ty = types.lower(schema, &format!("{type_base}Error{name}"), &schema_at, 0)?;
        variants.push(StatusVariant {
            name,
            status,
            body: Body::Json(ty),
            docs: docs(None, Some(&response.description)),
        });
    }
    if variants.is_empty() {
        return Ok(None);
    }
    // Codes before ranges before `default`, as they are matched.
    variants.sort_by_key(|v| match v.status {
        StatusMatch::Code(c) => (0, c),
        StatusMatch::Range(h) => (1, h),
        StatusMatch::Default => (2, 0),
    });
    let type_name = type_names.claim(&format!("{builder_name}Error"));
    // A status documented without a body only matters where a range or `default` would take it.
    without_body.retain(|s| matches!(s, StatusMatch::Code(_)));
    Ok(Some(ErrorOutput { type_name, defined_here: true, variants, without_body }))
}
