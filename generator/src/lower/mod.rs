//! Lowering: `openapiv3::OpenAPI` to the IR. Every decision (names, types, groups, which response
//! is the result) is made here; emission only walks the result.

mod operation;
mod refs;
mod schema;
mod tags;
mod webhooks;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

pub use schema::Warning;

use crate::error::{Error, Pointer};
use crate::ident::{item_type_name, snake_name, Namespace, TRAIT_METHODS};
use crate::ir::{Api, AuthKind, AuthScheme, Fate, Group, ParamLocation, RateLimitHeaders, Server, TypeKind, TypeRef};

/// Lowers a loaded spec into the IR, with the fallbacks taken on the way. With `strict`, a place
/// that cannot be generated refuses the spec; otherwise it is left out (an operation, a webhook
/// event, a security requirement) or read as a free-form value (a schema, a property), with a
/// warning naming it, and listed in [`Api::left_out`].
pub fn lower(spec: &openapiv3::OpenAPI, strict: bool) -> Result<(Api, Vec<Warning>), Error> {
    let mut types = schema::Types::new(spec, &[]);
    types.strict = strict;
    types.lower_components()?;

    let auth = security_schemes(spec, &mut types)?;
    let groups = operation::lower_operations(spec, &mut types, &auth)?;
    let webhooks = webhooks::lower(spec, &mut types);
    let webhooks = types.recover(webhooks, &Pointer::root().push("x-webhooks"), Fate::Ignored, || None)?;
    let rate_limits = rate_limits(spec);
    let rate_limits = types.recover(rate_limits, &Pointer::root().push("x-rate-limit"), Fate::Ignored, Vec::new)?;

    let mut defs = std::mem::take(&mut types.defs);
    mark_inputs(&mut defs, &groups);
    box_recursion(&mut defs);
    newtype_recursive_aliases(&mut defs);
    box_large(&mut defs);
    shared_fields(&mut defs);

    let servers: Vec<Server> =
        spec.servers.iter().map(|s| Server { url: server_url(s), description: s.description.clone() }).collect();
    let api = Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        docs: schema::docs(None, spec.info.description.as_deref()),
        base_url: servers.first().map(|s| s.url.trim_end_matches('/').to_string()).unwrap_or_default(),
        servers,
        auth,
        rate_limits,
        groups,
        types: defs,
        webhooks,
        left_out: std::mem::take(&mut types.left_out).into_iter().collect(),
    };
    Ok((api, types.warnings.into_iter().collect()))
}

/// A server URL with each `{variable}` at its default.
pub(crate) fn server_url(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    if let Some(vars) = &server.variables {
        for (name, var) in vars {
            url = url.replace(&format!("{{{name}}}"), &var.default);
        }
    }
    url
}

/// The security schemes the client can send. An HTTP scheme other than bearer and basic
/// (`negotiate`, `digest`, ...) is left out with a warning: the requirements that name it are
/// alternatives the client does not offer (see `operation::lower_security`).
fn security_schemes(spec: &openapiv3::OpenAPI, types: &mut schema::Types<'_>) -> Result<Vec<AuthScheme>, Error> {
    let Some(components) = &spec.components else { return Ok(Vec::new()) };
    let base = Pointer::root().push("components").push("securitySchemes");
    let mut out = Vec::new();
    for (name, scheme) in &components.security_schemes {
        let at = base.push(name);
        let resolved = refs::resolve(scheme, Some(&components.security_schemes), "securitySchemes", &at).map(Some);
        let Some((scheme, _)) = types.recover(resolved, &at, Fate::SecurityIgnored, || None)? else { continue };
        let kind = match scheme {
            openapiv3::SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => AuthKind::Bearer,
            openapiv3::SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => AuthKind::Basic,
            openapiv3::SecurityScheme::HTTP { scheme, .. } => {
                types.warnings.insert(Warning {
                    pointer: at.to_string(),
                    message: format!(
                        "HTTP authentication scheme `{scheme}` is not supported (bearer and basic are): \
                         the requirements that name it are left out"
                    ),
                });
                continue;
            }
            openapiv3::SecurityScheme::APIKey { location, name, .. } => AuthKind::ApiKey {
                location: match location {
                    openapiv3::APIKeyLocation::Header => ParamLocation::Header,
                    openapiv3::APIKeyLocation::Query => ParamLocation::Query,
                    openapiv3::APIKeyLocation::Cookie => ParamLocation::Cookie,
                },
                name: name.clone(),
            },
            // OAuth2 and OpenID Connect end in a bearer token; obtaining it is the caller's job.
            openapiv3::SecurityScheme::OAuth2 { .. } | openapiv3::SecurityScheme::OpenIDConnect { .. } => {
                AuthKind::Bearer
            }
        };
        out.push(AuthScheme { wire_name: name.clone(), kind });
    }
    out.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
    Ok(out)
}

/// The `x-rate-limit` extension at the root: a list of header families.
fn rate_limits(spec: &openapiv3::OpenAPI) -> Result<Vec<RateLimitHeaders>, Error> {
    let Some(value) = spec.extensions.get("x-rate-limit") else { return Ok(Vec::new()) };
    let at = Pointer::root().push("x-rate-limit");
    let items = value
        .as_array()
        .ok_or_else(|| Error::invalid(&at, "x-rate-limit must be a list of {scope, limit, remaining, reset}"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let field = |key: &str| {
                item.get(key).and_then(Value::as_str).map(String::from).ok_or_else(|| {
                    Error::invalid(&at.push(i.to_string()), format!("x-rate-limit entries need a string `{key}`"))
                })
            };
            Ok(RateLimitHeaders {
                scope: field("scope")?,
                limit: field("limit")?,
                remaining: field("remaining")?,
                reset: field("reset")?,
                scope_header: item.get("scope-header").and_then(Value::as_str).map(String::from),
            })
        })
        .collect()
}

/// The names of every type reachable from `roots`.
fn reachable(defs: &BTreeMap<String, crate::ir::TypeDef>, roots: Vec<String>) -> BTreeSet<String> {
    let mut stack = roots;
    let mut seen = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if seen.insert(name.clone()) {
            if let Some(def) = defs.get(&name) {
                for ty in children(&def.kind) {
                    named_in(ty, &mut stack);
                }
            }
        }
    }
    seen
}

/// Marks every type reachable from a request body (or a whole query string) as an input, so it gets a constructor and
/// setters. In input types that never appear in a response, an optional nullable field becomes
/// `Option<Option<T>>`, so that a request can say "leave it" (absent) and "clear it" (`null`)
/// apart; types read from responses keep `Option<T>`, where the two mean the same to a reader.
fn mark_inputs(defs: &mut BTreeMap<String, crate::ir::TypeDef>, groups: &[Group]) {
    let operations: Vec<&crate::ir::Operation> = groups.iter().flat_map(|g| &g.operations).collect();
    let mut input_roots = Vec::new();
    let mut output_roots = Vec::new();
    for op in &operations {
        if let Some(body) = &op.body {
            named_in(&body.ty, &mut input_roots);
        }
        // A whole query string is built by the caller like a body.
        for param in op.params.iter().filter(|p| p.whole_query) {
            named_in(&param.ty, &mut input_roots);
        }
        let bodies: Vec<&crate::ir::Body> = match &op.output {
            crate::ir::Output::Single { body } => vec![body],
            crate::ir::Output::ByStatus { variants, .. } => variants.iter().map(|v| &v.body).collect(),
        };
        for body in bodies {
            if let crate::ir::Body::Json(ty) | crate::ir::Body::Items { item: ty, .. } = body {
                named_in(ty, &mut output_roots);
            }
        }
    }
    let inputs = reachable(defs, input_roots);
    let outputs = reachable(defs, output_roots);
    for name in &inputs {
        let Some(def) = defs.get_mut(name) else { continue };
        def.input = true;
        if outputs.contains(name) {
            continue;
        }
        if let TypeKind::Struct { fields, .. } = &mut def.kind {
            let mut setters = Namespace::with_reserved(fields.iter().map(|f| f.name.as_str()).chain(["new"]));
            for field in fields.iter_mut().filter(|f| f.nullable && !f.required) {
                field.ty = TypeRef::Option(Box::new(field.ty.clone()));
                field.clear_setter = Some(setters.claim(&format!("clear_{}", field.name)));
            }
        }
    }
}

fn named_in(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(n) => out.push(n.clone()),
        TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Option(t) | TypeRef::Boxed(t) => named_in(t, out),
        TypeRef::Prim(_) | TypeRef::Json => {}
    }
}

fn children(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct { fields, additional } => {
            fields.iter().map(|f| &f.ty).chain(additional.as_ref().map(|e| &e.ty)).collect()
        }
        TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias { target, .. } => vec![target],
        TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => Vec::new(),
    }
}

/// The named types a type holds inline (not behind a `Vec` or map, which already allocate).
fn direct_names(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(n) => Some(n),
        TypeRef::Option(inner) => direct_names(inner),
        _ => None,
    }
}

/// Marks every alias that reaches itself through other aliases only (`A` a map of `A`s, or `A`
/// a list of `B` and `B` a list of `A`s) as a newtype: Rust has no recursive type aliases.
fn newtype_recursive_aliases(defs: &mut BTreeMap<String, crate::ir::TypeDef>) {
    let alias_edges: BTreeMap<&str, Vec<String>> = defs
        .iter()
        .filter_map(|(name, def)| match &def.kind {
            TypeKind::Alias { target, .. } => {
                let mut out = Vec::new();
                named_in(target, &mut out);
                out.retain(|n| matches!(defs.get(n).map(|d| &d.kind), Some(TypeKind::Alias { .. })));
                Some((name.as_str(), out))
            }
            _ => None,
        })
        .collect();
    let on_cycle: Vec<String> = alias_edges
        .keys()
        .filter(|start| {
            let mut stack: Vec<&str> = alias_edges[*start].iter().map(String::as_str).collect();
            let mut seen = BTreeSet::new();
            while let Some(n) = stack.pop() {
                if n == **start {
                    return true;
                }
                if seen.insert(n) {
                    stack.extend(alias_edges.get(n).into_iter().flatten().map(String::as_str));
                }
            }
            false
        })
        .map(|n| n.to_string())
        .collect();
    for name in on_cycle {
        if let Some(TypeKind::Alias { newtype, .. }) = defs.get_mut(&name).map(|d| &mut d.kind) {
            *newtype = true;
        }
    }
}

/// Boxes every inline edge that closes a cycle, so that recursive types have a size. An edge
/// closes a cycle exactly when its two ends are in the same strongly connected component (a
/// type that holds itself directly is a component of one with an edge to itself), so one pass
/// over the components decides every edge: linear in the number of types and edges.
fn box_recursion(defs: &mut BTreeMap<String, crate::ir::TypeDef>) {
    let names: Vec<&String> = defs.keys().collect();
    let index: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();
    let edges: Vec<Vec<usize>> = defs
        .values()
        .map(|def| {
            children(&def.kind).into_iter().filter_map(direct_names).filter_map(|n| index.get(n).copied()).collect()
        })
        .collect();
    let component = strongly_connected(&edges);
    let mut to_box: BTreeSet<(String, String)> = BTreeSet::new();
    for (from, targets) in edges.iter().enumerate() {
        for &to in targets {
            if component[from] == component[to] {
                to_box.insert((names[from].clone(), names[to].clone()));
            }
        }
    }
    for (from, to) in to_box {
        if let Some(def) = defs.get_mut(&from) {
            let rebox = |ty: &mut TypeRef| box_named(ty, &to);
            match &mut def.kind {
                TypeKind::Struct { fields, .. } => fields.iter_mut().for_each(|f| rebox(&mut f.ty)),
                TypeKind::Union { variants, .. } => variants.iter_mut().for_each(|v| rebox(&mut v.ty)),
                TypeKind::Alias { target, .. } => rebox(target),
                TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => {}
            }
        }
    }
}

/// The strongly connected component of each node of a graph given as adjacency lists (Tarjan's
/// algorithm), with an explicit stack so that a chain of thousands of types cannot exhaust the
/// thread's.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    struct Walk {
        order: Vec<usize>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        /// The depth-first path: each node with the position of the next edge to follow.
        path: Vec<(usize, usize)>,
        next_order: usize,
    }
    impl Walk {
        fn enter(&mut self, node: usize) {
            self.order[node] = self.next_order;
            self.low[node] = self.next_order;
            self.next_order += 1;
            self.stack.push(node);
            self.on_stack[node] = true;
            self.path.push((node, 0));
        }
    }
    let n = edges.len();
    let mut walk = Walk {
        order: vec![UNSEEN; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        path: Vec::new(),
        next_order: 0,
    };
    let mut component = vec![UNSEEN; n];
    let mut next_component = 0;
    for root in 0..n {
        if walk.order[root] != UNSEEN {
            continue;
        }
        walk.enter(root);
        while let Some(&(node, position)) = walk.path.last() {
            if let Some(&next) = edges[node].get(position) {
                if let Some(top) = walk.path.last_mut() {
                    top.1 += 1;
                }
                if walk.order[next] == UNSEEN {
                    walk.enter(next);
                } else if walk.on_stack[next] {
                    walk.low[node] = walk.low[node].min(walk.order[next]);
                }
                continue;
            }
            walk.path.pop();
            if let Some(&(parent, _)) = walk.path.last() {
                walk.low[parent] = walk.low[parent].min(walk.low[node]);
            }
            if walk.low[node] == walk.order[node] {
                while let Some(member) = walk.stack.pop() {
                    walk.on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// An estimate of the size in bytes of every named type, close enough to tell small values
/// from large ones. A type's size is the sum of its fields' (a union's, its largest variant's);
/// boxed values, lists and maps are a pointer or three whatever they hold. Each type is sized
/// once, from the sizes of the types it holds inline, with an explicit stack: linear in the
/// number of types and fields however deep they nest. Run after [`box_recursion`], the types
/// held inline form no cycle; were one left, the type that closes it would count 8 bytes.
fn estimated_sizes(defs: &BTreeMap<String, crate::ir::TypeDef>) -> BTreeMap<&str, usize> {
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut open: BTreeSet<&str> = BTreeSet::new();
    for root in defs.keys() {
        let mut stack: Vec<&str> = vec![root];
        while let Some(&name) = stack.last() {
            if sizes.contains_key(name) {
                stack.pop();
                continue;
            }
            let Some(def) = defs.get(name) else {
                sizes.insert(name, 16);
                stack.pop();
                continue;
            };
            // The types this one holds inline that are not sized yet: size them first.
            let mut pending = Vec::new();
            for ty in sized_children(&def.kind) {
                inline_names(ty, &mut pending);
            }
            pending.retain(|n| !sizes.contains_key(n) && !open.contains(n));
            if open.insert(name) && !pending.is_empty() {
                stack.extend(pending);
                continue;
            }
            open.remove(name);
            let size = estimated_size(&def.kind, &sizes);
            sizes.insert(name, size);
            stack.pop();
        }
    }
    sizes
}

/// The types whose size counts towards a type's: its fields' and variants', its alias target.
fn sized_children(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
        TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias { target, .. } => vec![target],
        TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => Vec::new(),
    }
}

/// The named types a value of `ty` holds inline (not behind a box, a list or a map).
fn inline_names<'t>(ty: &'t TypeRef, out: &mut Vec<&'t str>) {
    match ty {
        TypeRef::Named(n) => out.push(n),
        TypeRef::Option(inner) => inline_names(inner, out),
        _ => {}
    }
}

/// The estimated size of a type, given the sizes of the named types it holds inline.
fn estimated_size(kind: &TypeKind, sizes: &BTreeMap<&str, usize>) -> usize {
    match kind {
        TypeKind::Struct { fields, additional } => {
            fields.iter().map(|f| ref_size(&f.ty, sizes)).sum::<usize>() + additional.as_ref().map_or(0, |_| 24)
        }
        TypeKind::Union { variants, .. } => 8 + variants.iter().map(|v| ref_size(&v.ty, sizes)).max().unwrap_or(0),
        TypeKind::Alias { target, .. } => ref_size(target, sizes),
        TypeKind::StringEnum { .. } => 24,
        TypeKind::IntEnum { .. } => 16,
    }
}

fn ref_size(ty: &TypeRef, sizes: &BTreeMap<&str, usize>) -> usize {
    use crate::ir::Prim;
    match ty {
        TypeRef::Prim(Prim::String) | TypeRef::Vec(_) | TypeRef::Map(_) => 24,
        TypeRef::Prim(Prim::Bytes) | TypeRef::Json => 32,
        TypeRef::Prim(Prim::File) => 80,
        TypeRef::Prim(Prim::DateTime | Prim::Uuid) => 16,
        TypeRef::Prim(_) | TypeRef::Boxed(_) => 8,
        TypeRef::Option(inner) => ref_size(inner, sizes),
        // Only a type that closes a cycle of inline types is unsized here.
        TypeRef::Named(name) => sizes.get(name.as_str()).copied().unwrap_or(8),
    }
}

/// Values larger than this are boxed where they are optional struct fields.
const BOX_ABOVE: usize = 256;

/// Boxes optional fields that hold a large struct: an absent value then costs a pointer, not
/// the whole struct, which keeps types that embed others (a build with its pipeline) small to
/// move and to decode in lists.
fn box_large(defs: &mut BTreeMap<String, crate::ir::TypeDef>) {
    let sizes = estimated_sizes(defs);
    let mut changes: Vec<(String, usize)> = Vec::new();
    for (name, def) in defs.iter() {
        let TypeKind::Struct { fields, .. } = &def.kind else { continue };
        for (i, field) in fields.iter().enumerate() {
            let TypeRef::Option(inner) = &field.ty else { continue };
            let TypeRef::Named(target) = &**inner else { continue };
            let is_struct = matches!(defs.get(target).map(|d| &d.kind), Some(TypeKind::Struct { .. }));
            if is_struct && sizes.get(target.as_str()).is_some_and(|&size| size > BOX_ABOVE) {
                changes.push((name.clone(), i));
            }
        }
    }
    for (name, i) in changes {
        if let Some(TypeKind::Struct { fields, .. }) = defs.get_mut(&name).map(|d| &mut d.kind) {
            if let Some(TypeRef::Option(inner)) = fields.get_mut(i).map(|f| &mut f.ty) {
                **inner = TypeRef::Boxed(inner.clone());
            }
        }
    }
}

fn box_named(ty: &mut TypeRef, name: &str) {
    match ty {
        TypeRef::Named(n) if n == name => *ty = TypeRef::Boxed(Box::new(ty.clone())),
        TypeRef::Option(inner) => box_named(inner, name),
        _ => {}
    }
}

/// For each union whose alternatives are all structs: the fields every alternative has, by the
/// same name and with the same type (optional or not, boxed or not), so that users read them
/// without a `match`.
fn shared_fields(defs: &mut BTreeMap<String, crate::ir::TypeDef>) {
    use crate::ir::{FieldAccess, SharedField};
    let mut found: Vec<(String, Vec<SharedField>)> = Vec::new();
    for (name, def) in defs.iter() {
        let TypeKind::Union { variants, .. } = &def.kind else { continue };
        let structs: Option<Vec<&Vec<crate::ir::Field>>> = variants
            .iter()
            .map(|v| {
                // A variant may be boxed (a job holds an agent that holds a job).
                let name = match &v.ty {
                    TypeRef::Boxed(inner) => match &**inner {
                        TypeRef::Named(n) => n,
                        _ => return None,
                    },
                    TypeRef::Named(n) => n,
                    _ => return None,
                };
                match defs.get(name).map(|d| &d.kind) {
                    Some(TypeKind::Struct { fields, .. }) => Some(fields),
                    _ => None,
                }
            })
            .collect();
        let Some(structs) = structs.filter(|s| !s.is_empty()) else { continue };
        let shared = structs[0]
            .iter()
            .filter(|f| !TRAIT_METHODS.contains(&f.name.as_str()))
            .filter_map(|first| {
                let (ty, _) = held(&first.ty)?;
                let access: Option<Vec<FieldAccess>> = structs
                    .iter()
                    .map(|fields| {
                        let f = fields.iter().find(|f| f.name == first.name && f.wire_name == first.wire_name)?;
                        held(&f.ty).filter(|(t, _)| *t == ty).map(|(_, access)| access)
                    })
                    .collect();
                Some(SharedField {
                    method: first.name.clone(),
                    field: first.name.clone(),
                    wire_name: first.wire_name.clone(),
                    ty: ty.clone(),
                    access: access?,
                })
            })
            .collect();
        found.push((name.clone(), shared));
    }
    for (name, fields) in found {
        if let Some(TypeKind::Union { shared, .. }) = defs.get_mut(&name).map(|d| &mut d.kind) {
            *shared = fields;
        }
    }
}

/// The value type a field holds and how: `None` for `Option<Option<T>>` (a request's
/// absent-or-null field), which has no single reading.
fn held(ty: &TypeRef) -> Option<(&TypeRef, crate::ir::FieldAccess)> {
    use crate::ir::FieldAccess;
    match ty {
        TypeRef::Option(inner) => match &**inner {
            TypeRef::Option(_) => None,
            TypeRef::Boxed(t) => Some((t, FieldAccess::OptionalBoxed)),
            t => Some((t, FieldAccess::Optional)),
        },
        TypeRef::Boxed(t) => Some((t, FieldAccess::Boxed)),
        t => Some((t, FieldAccess::Plain)),
    }
}

/// Names a group's module and handle type from its tag.
fn group_names(tag: &str, modules: &mut Namespace) -> (String, String) {
    let module = modules.claim(&snake_name(tag));
    (module.clone(), item_type_name(&module))
}
