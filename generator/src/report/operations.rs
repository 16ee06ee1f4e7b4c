//! Operations, matched by operationId: where they are called, their parameters (matched by
//! location and wire name), request bodies, results and pagination.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, BodyEncoding, Group, Operation, Output, Param, ParamLocation};
use crate::rust::{body_text, output_text, request_body_text, signature, type_text};

use super::change::{code, Changes, Kind, Level, Subject};

fn operation_index(api: &Api) -> BTreeMap<&str, (&Group, &Operation)> {
    api.groups.iter().flat_map(|g| g.operations.iter().map(move |o| (o.wire_id.as_str(), (g, o)))).collect()
}

pub(super) fn operations(old: &Api, new: &Api, out: &mut Changes) {
    let (old_ops, new_ops) = (operation_index(old), operation_index(new));
    for (&id, &(g, o)) in &old_ops {
        match new_ops.get(id) {
            None => out.push(
                Level::Breaking,
                Subject::Operation,
                Kind::Removed,
                id,
                format!(
                    "operation `{id}` removed: `{} -> {}` (`{} {}`)",
                    signature(g, o),
                    output_text(o),
                    o.http_method,
                    o.path
                ),
            ),
            Some((ng, n)) => operation(g, o, ng, n, out),
        }
    }
    for (&id, &(g, o)) in &new_ops {
        if !old_ops.contains_key(id) {
            out.push(
                Level::Compatible,
                Subject::Operation,
                Kind::Added,
                id,
                format!(
                    "operation `{id}` added: `{} -> {}` (`{} {}`)",
                    signature(g, o),
                    output_text(o),
                    o.http_method,
                    o.path
                ),
            );
        }
    }
}

fn operation(og: &Group, o: &Operation, ng: &Group, n: &Operation, out: &mut Changes) {
    let start = out.0.len();
    operation_changes(og, o, ng, n, out);
    out.unexplained(start, Subject::Operation, &n.wire_id, &format!("operation `{}`", n.wire_id), o, n);
}

fn operation_changes(og: &Group, o: &Operation, ng: &Group, n: &Operation, out: &mut Changes) {
    let id = n.wire_id.as_str();
    let what = format!("operation `{id}`");
    if og.name != ng.name || o.method_name != n.method_name {
        out.push(
            Level::Breaking,
            Subject::Operation,
            Kind::Changed,
            id,
            format!(
                "{what} moved: `client.{}().{}(..)` is now `client.{}().{}(..)`",
                og.name, o.method_name, ng.name, n.method_name
            ),
        );
    } else if o.builder_name != n.builder_name {
        out.push(
            Level::Breaking,
            Subject::Operation,
            Kind::Changed,
            id,
            format!(
                "{what}: its request builder `operations::{}::{}` is now `{}`",
                og.name, o.builder_name, n.builder_name
            ),
        );
    }
    if o.http_method != n.http_method || o.path != n.path {
        out.push(
            Level::Patch,
            Subject::Operation,
            Kind::Changed,
            id,
            format!("{what} now sends `{} {}` (was `{} {}`)", n.http_method, n.path, o.http_method, o.path),
        );
    }
    if o.server != n.server {
        let shown = |s: &Option<String>| match s {
            Some(url) => format!("`{url}`"),
            None => "the client's base URL".to_string(),
        };
        out.push(
            Level::Patch,
            Subject::Operation,
            Kind::Changed,
            id,
            format!("{what} now goes to {} (was {})", shown(&n.server), shown(&o.server)),
        );
    }
    if o.success_status != n.success_status {
        out.push(
            Level::Patch,
            Subject::Operation,
            Kind::Changed,
            id,
            format!(
                "{what}: its documented success status is now {} (was {}; the mock server answers it)",
                n.success_status, o.success_status
            ),
        );
    }
    params(og, o, n, out);
    request_body(o, n, out);
    response(o, n, out);
    if o.accept != n.accept {
        out.push(
            Level::Patch,
            Subject::Response,
            Kind::Changed,
            id,
            format!(
                "{what} now accepts `{}` (was `{}`)",
                n.accept.as_deref().unwrap_or("-"),
                o.accept.as_deref().unwrap_or("-")
            ),
        );
    }
    if o.security != n.security {
        let list = |s: &[String]| {
            if s.is_empty() {
                "none".to_string()
            } else {
                s.iter().map(|x| code(x)).collect::<Vec<_>>().join(", ")
            }
        };
        out.push(
            Level::Patch,
            Subject::Operation,
            Kind::Changed,
            id,
            format!("{what}: credentials are now {} (were {})", list(&n.security), list(&o.security)),
        );
    }
    out.deprecation(Subject::Operation, id, &what, o.deprecated, n.deprecated);
    out.docs(Subject::Operation, id, &what, &o.docs, &n.docs);
}

fn location(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn params(g: &Group, o: &Operation, n: &Operation, out: &mut Changes) {
    let id = n.wire_id.as_str();
    let call = format!("client.{}().{}(..)", g.name, o.method_name);
    let key = |p: &Param| (p.location, p.wire_name.clone());
    let index = |op: &Operation| op.params.iter().map(|p| (key(p), p.clone())).collect::<BTreeMap<_, _>>();
    let (old_params, new_params) = (index(o), index(n));
    let arg = |p: &Param| format!("{}: {}", p.rust_name, type_text(&p.ty));
    let setter = |p: &Param| format!(".{}({})", p.rust_name, type_text(&p.ty));
    for (k, p) in &old_params {
        let item = format!("{id}.{}", p.wire_name);
        let what = format!("{} parameter `{item}`", location(k.0));
        match new_params.get(k) {
            None => {
                let was = if p.required {
                    format!("the argument `{}`", arg(p))
                } else {
                    format!("the setter `{}`", setter(p))
                };
                out.push(
                    Level::Breaking,
                    Subject::Parameter,
                    Kind::Removed,
                    &item,
                    format!("{what} removed (was {was})"),
                );
            }
            Some(q) => {
                if p.required != q.required {
                    let text = if q.required {
                        format!(
                            "{what} is now required: `{call}` takes `{}` instead of the setter `.{}()`",
                            arg(q),
                            p.rust_name
                        )
                    } else {
                        format!(
                            "{what} is now optional: the setter `{}` instead of the argument `{}`",
                            setter(q),
                            arg(p)
                        )
                    };
                    out.push(Level::Breaking, Subject::Parameter, Kind::Changed, &item, text);
                }
                if p.ty != q.ty {
                    out.push(
                        Level::Breaking,
                        Subject::Parameter,
                        Kind::Changed,
                        &item,
                        format!("{what} type changed: `{}` → `{}`", type_text(&p.ty), type_text(&q.ty)),
                    );
                }
                if p.rust_name != q.rust_name {
                    let (level, role) =
                        if p.required && q.required { (Level::Patch, "argument") } else { (Level::Breaking, "setter") };
                    out.push(
                        level,
                        Subject::Parameter,
                        Kind::Changed,
                        &item,
                        format!("{what}: its {role} `{}` is now `{}`", p.rust_name, q.rust_name),
                    );
                }
                if p.style != q.style {
                    out.push(
                        Level::Patch,
                        Subject::Parameter,
                        Kind::Changed,
                        &item,
                        format!("{what} is now written {:?} (was {:?})", q.style, p.style),
                    );
                }
                out.deprecation(Subject::Parameter, &item, &what, p.deprecated, q.deprecated);
                out.docs(Subject::Parameter, &item, &what, &p.docs, &q.docs);
            }
        }
    }
    for (k, q) in &new_params {
        if old_params.contains_key(k) {
            continue;
        }
        let item = format!("{id}.{}", q.wire_name);
        let (level, text) = if q.required {
            (
                Level::Breaking,
                format!(
                    "required {} parameter `{item}` added: `{call}` takes a new argument `{}`",
                    location(k.0),
                    arg(q)
                ),
            )
        } else {
            (
                Level::Compatible,
                format!("optional {} parameter `{item}` added: the setter `{}`", location(k.0), setter(q)),
            )
        };
        out.push(level, Subject::Parameter, Kind::Added, &item, text);
    }
    // The same required parameters in another order: the positional arguments moved.
    let required = |op: &Operation| op.params.iter().filter(|p| p.required).map(key).collect::<Vec<_>>();
    let (old_required, new_required) = (required(o), required(n));
    if old_required != new_required
        && old_required.iter().collect::<BTreeSet<_>>() == new_required.iter().collect::<BTreeSet<_>>()
    {
        out.push(
            Level::Breaking,
            Subject::Operation,
            Kind::Changed,
            id,
            format!("operation `{id}`: positional arguments reordered: `{}`", signature(g, n)),
        );
    }
}

fn request_body(o: &Operation, n: &Operation, out: &mut Changes) {
    let id = n.wire_id.as_str();
    match (&o.body, &n.body) {
        (None, None) => {}
        (None, Some(b)) => {
            let (level, how) = if b.required {
                (Level::Breaking, format!("a new argument `body: {}`", request_body_text(b)))
            } else {
                (Level::Compatible, format!("the setter `.body({})`", request_body_text(b)))
            };
            let required = if b.required { "required" } else { "optional" };
            out.push(
                level,
                Subject::RequestBody,
                Kind::Added,
                id,
                format!("{required} request body added to operation `{id}`: {how}"),
            );
        }
        (Some(b), None) => out.push(
            Level::Breaking,
            Subject::RequestBody,
            Kind::Removed,
            id,
            format!("request body of operation `{id}` removed (was `{}`)", request_body_text(b)),
        ),
        (Some(a), Some(b)) => {
            let what = format!("request body of operation `{id}`");
            if a.ty != b.ty || (a.encoding == BodyEncoding::Bytes) != (b.encoding == BodyEncoding::Bytes) {
                out.push(
                    Level::Breaking,
                    Subject::RequestBody,
                    Kind::Changed,
                    id,
                    format!("{what} type changed: `{}` → `{}`", request_body_text(a), request_body_text(b)),
                );
            }
            if a.required != b.required {
                let now = if b.required { "required: a positional argument" } else { "optional: a setter" };
                out.push(Level::Breaking, Subject::RequestBody, Kind::Changed, id, format!("{what} is now {now}"));
            }
            if a.content_type != b.content_type || a.encoding != b.encoding {
                out.push(
                    Level::Patch,
                    Subject::RequestBody,
                    Kind::Changed,
                    id,
                    format!("{what} is now sent as `{}` (was `{}`)", b.content_type, a.content_type),
                );
            }
            if a.parts != b.parts {
                out.push(
                    Level::Patch,
                    Subject::RequestBody,
                    Kind::Changed,
                    id,
                    format!("{what}: its multipart form parts changed"),
                );
            }
            out.docs(Subject::RequestBody, id, &what, &a.docs, &b.docs);
        }
    }
}

fn response(o: &Operation, n: &Operation, out: &mut Changes) {
    let id = n.wire_id.as_str();
    let what = format!("operation `{id}`");
    let (old_out, new_out) = (output_text(o), output_text(n));
    if old_out != new_out {
        out.push(
            Level::Breaking,
            Subject::Response,
            Kind::Changed,
            id,
            format!("{what} now returns `{new_out}` (was `{old_out}`)"),
        );
    } else if let (Output::ByStatus { type_name, variants: a }, Output::ByStatus { variants: b, .. }) =
        (&o.output, &n.output)
    {
        let index = |vs: &[crate::ir::StatusVariant]| {
            vs.iter().map(|v| (v.name.clone(), v.clone())).collect::<BTreeMap<_, _>>()
        };
        let (old_vs, new_vs) = (index(a), index(b));
        for name in old_vs.keys().chain(new_vs.keys()).collect::<BTreeSet<_>>() {
            let item = format!("{type_name}::{name}");
            match (old_vs.get(name), new_vs.get(name)) {
                (Some(_), None) => out.push(
                    Level::Breaking,
                    Subject::Response,
                    Kind::Removed,
                    &item,
                    format!("response variant `{item}` of {what} removed"),
                ),
                (None, Some(v)) => out.push(
                    Level::Breaking,
                    Subject::Response,
                    Kind::Added,
                    &item,
                    format!("response variant `{item}({})` of {what} added", body_text(&v.body)),
                ),
                (Some(x), Some(y)) if x.body != y.body => out.push(
                    Level::Breaking,
                    Subject::Response,
                    Kind::Changed,
                    &item,
                    format!(
                        "response variant `{item}` now holds `{}` (was `{}`)",
                        body_text(&y.body),
                        body_text(&x.body)
                    ),
                ),
                (Some(x), Some(y)) if x.status != y.status => out.push(
                    Level::Patch,
                    Subject::Response,
                    Kind::Changed,
                    &item,
                    format!("response variant `{item}` now stands for {:?} (was {:?})", y.status, x.status),
                ),
                _ => {}
            }
        }
    }
    match (&o.pagination, &n.pagination) {
        (None, Some(p)) => out.push(
            Level::Compatible,
            Subject::Response,
            Kind::Added,
            id,
            format!("{what} is now paginated: `.pages()` and `.stream()` of `{}`", type_text(&p.item)),
        ),
        (Some(_), None) => out.push(
            Level::Breaking,
            Subject::Response,
            Kind::Removed,
            id,
            format!("{what} is no longer paginated: `.pages()` and `.stream()` removed"),
        ),
        (Some(a), Some(b)) if a.item != b.item => out.push(
            Level::Breaking,
            Subject::Response,
            Kind::Changed,
            id,
            format!("{what}: `.stream()` now yields `{}` (was `{}`)", type_text(&b.item), type_text(&a.item)),
        ),
        _ => {}
    }
    waiters(o, n, &what, out);
}

/// Waiters: a method gained is compatible, one lost breaking; new values or timing change what
/// a program waits for, not whether it compiles.
fn waiters(o: &Operation, n: &Operation, what: &str, out: &mut Changes) {
    let id = n.wire_id.as_str();
    for w in &n.waiters {
        match o.waiters.iter().find(|x| x.method_name == w.method_name) {
            None => out.push(
                Level::Compatible,
                Subject::Response,
                Kind::Added,
                id,
                format!("{what} gains the waiter `.{}()`", w.method_name),
            ),
            Some(x) if serde_json::to_value(x).ok() != serde_json::to_value(w).ok() => out.push(
                Level::Patch,
                Subject::Response,
                Kind::Changed,
                id,
                format!("{what}: the waiter `.{}()` watches other values or waits otherwise", w.method_name),
            ),
            Some(_) => {}
        }
    }
    for x in o.waiters.iter().filter(|x| !n.waiters.iter().any(|w| w.method_name == x.method_name)) {
        out.push(
            Level::Breaking,
            Subject::Response,
            Kind::Removed,
            id,
            format!("{what} loses the waiter `.{}()`", x.method_name),
        );
    }
}
