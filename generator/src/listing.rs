//! The public API as text, checked in beside the generated crate for review: `API.md` lists every
//! public item, one line each in a stable order, so that a spec change shows as a short diff;
//! `api.json` is the IR the crate was made from, which the next regeneration compares its own IR
//! with (see [`report`](crate::report)). Types are written as emission writes them.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ir::{
    derives_default, Api, AuthKind, Field, Group, Operation, Output, ParamLocation, StatusMatch, TypeDef, TypeKind,
    TypeRef,
};
use crate::rust::{body_text, constructor, output_text, request_body_text, signature, type_text};
use crate::Config;

/// The listing's file name, relative to the crate root.
pub const LISTING_FILE: &str = "API.md";

/// The IR file's name, relative to the crate root.
pub const IR_FILE: &str = "api.json";

/// `api.json`: the IR a crate was generated from, with the crate's name and version. JSON has no
/// comments, so the generated marker is its first member (`write` looks for it on line two).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IrFile {
    /// The generated marker, [`Config::generated_marker`].
    pub generated: String,
    /// The crate's package name.
    pub crate_name: String,
    /// The crate's version when the file was written: what a version bump starts from.
    pub crate_version: String,
    /// The generator's version that wrote the file.
    #[serde(default)]
    pub generator_version: String,
    /// A digest of the client's own code, the same whatever the spec: the runtime, the
    /// templates and the emitters ([`crate::emit::client_code_digest`]). The IR does not show a
    /// change of them; this does. Empty in files written before it was recorded.
    #[serde(default)]
    pub client_code_digest: String,
    /// The IR.
    pub api: Api,
}

impl IrFile {
    /// The file for an API generated with a configuration.
    pub fn new(api: &Api, config: &Config) -> Self {
        IrFile {
            generated: config.generated_marker(),
            crate_name: config.crate_name.clone(),
            crate_version: config.crate_version.clone(),
            generator_version: env!("CARGO_PKG_VERSION").to_string(),
            client_code_digest: crate::emit::client_code_digest(),
            api: api.clone(),
        }
    }

    /// Pretty JSON, ending in a newline.
    pub fn to_json(&self) -> Result<String, Error> {
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Emit { file: IR_FILE.to_string(), message: e.to_string() })?;
        Ok(text + "\n")
    }

    /// Reads a file written by [`IrFile::to_json`]; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Self, Error> {
        serde_json::from_str(text).map_err(|e| Error::IrFile { file: file.to_string(), message: e.to_string() })
    }
}

/// `API.md`: the client's entry points, then every operation (with its setters) by group and
/// method name, then every type by name with its fields and variants.
pub fn markdown(api: &Api, config: &Config) -> String {
    let operations: usize = api.groups.iter().map(|g| g.operations.len()).sum();
    let mut lines = vec![
        format!("<!-- {} -->", config.generated_marker()),
        format!("# The public API of {} {}", config.crate_name, config.crate_version),
        String::new(),
        format!(
            "Generated from {}, version {}: {operations} operations, {} types. One line per public item, in a \
             stable order: when the spec changes, read this file's diff first.",
            api.title,
            api.version,
            api.types.len()
        ),
        String::new(),
        "## Client".to_string(),
        String::new(),
    ];
    client_lines(api, config, &mut lines);
    lines.extend([String::new(), "## Operations".to_string(), String::new()]);
    for group in &api.groups {
        for op in &group.operations {
            operation_lines(group, op, &mut lines);
        }
    }
    lines.extend([String::new(), "## Types".to_string(), String::new()]);
    for def in api.types.values() {
        type_lines(def, &mut lines);
    }
    if !api.left_out.is_empty() {
        lines.extend([String::new(), "## Left out".to_string(), String::new()]);
        for place in &api.left_out {
            lines.push(format!("- {}: {}", crate::emit::code(&place.pointer), place.fate.describe()));
        }
    }
    lines.push(String::new());
    lines.join("\n")
}

fn client_lines(api: &Api, config: &Config, lines: &mut Vec<String>) {
    lines.push(format!("- `Client::DEFAULT_BASE_URL`: `{}`", api.base_url));
    let bearer = api.auth.iter().any(|a| matches!(a.kind, AuthKind::Bearer));
    lines.push(if bearer {
        "- `Client::new(token: impl Into<String>)`: a bearer token".to_string()
    } else {
        "- `Client::new()`".to_string()
    });
    if let (Some(var), true) = (&config.token_env, bearer) {
        lines.push(format!("- `Client::from_env()`: the bearer token from `{var}`"));
    }
    for group in &api.groups {
        lines.push(format!(
            "- `client.{}()`: `operations::{}::{}`, operations tagged `{}`",
            group.name, group.name, group.type_name, group.wire_tag
        ));
    }
}

fn operation_lines(group: &Group, op: &Operation, lines: &mut Vec<String>) {
    let mut notes = Vec::new();
    if let Some(body) = &op.body {
        notes.push(format!("body `{}`", body.content_type));
    }
    if let Some(pagination) = &op.pagination {
        let item = type_text(&pagination.item);
        notes.push(format!("paginated (awaits as `Page<{item}>`, `.stream()` of `{item}`)"));
    }
    if matches!(op.output, crate::ir::Output::Single { body: crate::ir::Body::Text }) {
        notes.push("as a `ByteStream` by `.send_streamed()`".to_string());
    }
    if op.deprecated {
        notes.push("deprecated".to_string());
    }
    if let Some(server) = &op.server {
        notes.push(format!("server `{server}`"));
    }
    let notes: String = notes.iter().map(|n| format!(", {n}")).collect();
    lines.push(format!(
        "- `{} -> {}`: `{} {}` (`{}`){notes}",
        signature(group, op),
        output_text(op),
        op.http_method,
        op.path,
        op.wire_id
    ));
    // What the spec says the operation does, so that a changed description shows in review.
    if let Some(summary) = op.docs.summary.as_deref().or(op.docs.description.as_deref()) {
        lines.push(format!("  - {}", crate::emit::prose(summary)));
    }
    let call = format!("client.{}().{}(..)", group.name, op.method_name);
    for p in op.params.iter().filter(|p| !p.required) {
        let location = match p.location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        };
        let deprecated = if p.deprecated { ", deprecated" } else { "" };
        lines.push(format!(
            "  - `{call}.{}({})`: {location} parameter `{}`{deprecated}",
            p.rust_name,
            type_text(&p.ty),
            p.wire_name
        ));
    }
    if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
        lines.push(format!("  - `{call}.body({})`: the request body", request_body_text(body)));
    }
    let status_lines = |type_name: &str, variants: &[crate::ir::StatusVariant], what: &str, lines: &mut Vec<String>| {
        for v in variants {
            let status = match v.status {
                StatusMatch::Code(code) => format!("status {code}"),
                StatusMatch::Range(hundreds) => format!("status {hundreds}XX"),
                StatusMatch::Default => "any other status".to_string(),
            };
            let body = body_text(&v.body);
            let payload = if body == "()" { String::new() } else { format!("({body})") };
            lines.push(format!("  - `{type_name}::{}{payload}`: {what}{status}", v.name));
        }
    };
    if let Output::ByStatus { type_name, variants } = &op.output {
        status_lines(type_name, variants, "", lines);
    }
    if let Some(errors) = op.errors.as_ref().filter(|e| e.defined_here) {
        status_lines(&errors.type_name, &errors.variants, "error body, ", lines);
    }
}

fn type_lines(def: &TypeDef, lines: &mut Vec<String>) {
    let name = &def.name;
    let deprecated = if def.deprecated { ", deprecated" } else { "" };
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            let default = if derives_default(fields) { ", `Default`" } else { "" };
            let role = if def.input { ", sent in requests" } else { "" };
            lines.push(format!("- `struct {name}`{role}{default}{deprecated}"));
            lines.push(format!("  - `{}`", constructor(name, fields)));
            let mut sorted: Vec<&Field> = fields.iter().collect();
            sorted.sort_by(|a, b| a.name.cmp(&b.name));
            for f in sorted {
                lines.push(format!("  - {}", field_text(name, f)));
            }
            if let Some(extra) = additional {
                let map = type_text(&TypeRef::Map(Box::new(extra.ty.clone())));
                lines.push(format!("  - `{name}.{}: {map}`: keys beyond the properties", extra.name));
            }
        }
        TypeKind::StringEnum { variants } => {
            lines.push(format!("- `enum {name}`, open: `{name}::Unknown` keeps other values{deprecated}"));
            let mut sorted: Vec<_> = variants.iter().collect();
            sorted.sort_by(|a, b| a.name.cmp(&b.name));
            for v in sorted {
                lines.push(format!("  - `{name}::{}`: `{:?}`", v.name, v.wire));
            }
        }
        TypeKind::IntEnum { variants, .. } => {
            lines.push(format!("- `enum {name}`, open: `{name}::Unknown` keeps other values{deprecated}"));
            let mut sorted: Vec<_> = variants.iter().collect();
            sorted.sort_by(|a, b| a.name.cmp(&b.name));
            for v in sorted {
                lines.push(format!("  - `{name}::{}`: `{}`", v.name, v.value));
            }
        }
        TypeKind::Union { variants, tag, shared } => {
            // Alternatives stay in their order: an untagged union tries them in turn.
            match tag {
                Some(tag) => lines.push(format!(
                    "- `enum {name}`, tagged by `{tag}`: `{name}::Unknown` keeps other tags{deprecated}"
                )),
                None => {
                    lines.push(format!("- `enum {name}`, untagged: the first alternative that decodes{deprecated}"))
                }
            }
            for v in variants {
                let tags = if v.tags.is_empty() { String::new() } else { format!(": tag `{}`", v.tags.join("`, `")) };
                lines.push(format!("  - `{name}::{}({})`{tags}", v.name, type_text(&v.ty)));
            }
            for f in shared {
                lines.push(format!(
                    "  - `{name}.{}() -> Option<&{}>`: shared by every alternative",
                    f.method,
                    type_text(&f.ty)
                ));
            }
        }
        TypeKind::Alias { target, newtype: false } => {
            lines.push(format!("- `type {name} = {}`{deprecated}", type_text(target)))
        }
        TypeKind::Alias { target, newtype: true } => {
            lines.push(format!("- `struct {name}(pub {})`, transparent{deprecated}", type_text(target)))
        }
    }
}

/// A field as the listing and the report show it: `` `Type.name: T` ``, then its wire name when
/// that differs, its clear setter and deprecation.
pub(crate) fn field_text(type_name: &str, f: &Field) -> String {
    let mut text = format!("`{type_name}.{}: {}`", f.name, type_text(&f.ty));
    let mut notes = Vec::new();
    if f.name != f.wire_name {
        notes.push(format!("wire name `{}`", f.wire_name));
    }
    if let Some(clear) = &f.clear_setter {
        notes.push(format!("`.{clear}()` sends `null`"));
    }
    if f.deprecated {
        notes.push("deprecated".to_string());
    }
    if !notes.is_empty() {
        text.push_str(&format!(" ({})", notes.join(", ")));
    }
    text
}
