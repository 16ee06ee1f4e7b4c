//! The change report: what a new IR changes for users of the crate generated from an old one.
//! Operations are matched by operationId, parameters by location and wire name, types by Rust
//! name, fields by wire name, enum values by value; each change is classified for semver
//! ([`Level`]), and together they call for a version bump ([`Bump`]).
//!
//! The rules, for a crate whose items are all public:
//! - breaking: anything removed or renamed; a type, parameter, body or result whose type changed;
//!   a new required parameter or request body; a parameter made required or optional (it moves
//!   between the positional arguments and the setters); a new required field in a type sent in
//!   requests (its constructor takes it); a new alternative of an untagged union (it has no
//!   `Unknown`); a struct that no longer derives `Default`;
//! - compatible: anything added otherwise (an operation, an optional parameter or body, a field of
//!   a response type, an optional field of a request type, an enum value, which open enums absorb
//!   into `Unknown`, an alternative of a tagged union); deprecations;
//! - patch: what leaves the API's shape alone: documentation, paths and methods, content types,
//!   query styles, security, the base URL.
//!
//! Before 1.0.0, Cargo treats the leftmost non-zero number as the major one: at `0.y.z` a
//! breaking change bumps `y` and any other change `z`; at `0.0.z` every change bumps `z`.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::Error;
use crate::ir::{
    derives_default, Api, AuthKind, Docs, EnumVariant, Extra, Field, Group, IntVariant, Operation, Output, Param,
    ParamLocation, TypeDef, TypeKind, TypeRef, UnionVariant,
};
use crate::rust::{body_text, constructor, output_text, signature, type_text};

/// What a change means to code using the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Code that compiled against the old crate may not compile against the new one.
    Breaking,
    /// Additions and deprecations: code that compiled still does.
    Compatible,
    /// The API's shape is unchanged (documentation, wire details).
    Patch,
}

/// What happened to the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// It is new.
    Added,
    /// It is gone.
    Removed,
    /// It is there in both, differently.
    Changed,
}

/// What kind of item changed; changes are listed in this order within a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// The client: base URL, credentials, group accessors.
    Client,
    /// An operation.
    Operation,
    /// A parameter of an operation.
    Parameter,
    /// An operation's request body.
    RequestBody,
    /// What an operation returns.
    Response,
    /// A type.
    Type,
    /// A field of a struct.
    Field,
    /// A value of an enum, or an alternative of a union.
    Variant,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Its classification.
    pub level: Level,
    /// What kind of item it touches.
    pub subject: Subject,
    /// The item: an operationId, `operationId.parameter`, a type, `Type.field`, `Type::Variant`.
    pub item: String,
    /// Added, removed or changed.
    pub kind: Kind,
    /// One line for a reviewer, Markdown.
    pub text: String,
}

/// The version bump a set of changes calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Only patch-level changes.
    Patch,
    /// Compatible changes.
    Minor,
    /// Breaking changes.
    Major,
}

impl Bump {
    /// `none`, `patch`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// The version after this bump, under Cargo's rules for versions before 1.0.0: at `0.y.z` a
    /// major bump increments `y` and a minor one `z`; at `0.0.z` every bump increments `z`.
    pub fn apply(self, version: &str) -> Result<String, Error> {
        let (major, minor, patch) = parse_version(version)?;
        let (major, minor, patch) = match (self, major, minor) {
            (Bump::None, ..) => (major, minor, patch),
            (_, 0, 0) | (Bump::Patch, ..) => (major, minor, patch + 1),
            (Bump::Major, 0, _) => (0, minor + 1, 0),
            (Bump::Minor, 0, _) => (0, minor, patch + 1),
            (Bump::Major, ..) => (major + 1, 0, 0),
            (Bump::Minor, ..) => (major, minor + 1, 0),
        };
        Ok(format!("{major}.{minor}.{patch}"))
    }
}

impl std::fmt::Display for Bump {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn parse_version(version: &str) -> Result<(u64, u64, u64), Error> {
    let parts: Vec<Option<u64>> = version.trim().split('.').map(|p| p.parse().ok()).collect();
    match parts.as_slice() {
        [Some(major), Some(minor), Some(patch)] => Ok((*major, *minor, *patch)),
        _ => Err(Error::Version { version: version.to_string() }),
    }
}

/// The version to set, if any: `baseline` (the version the old IR was generated with) bumped as
/// `bump` says, unless `current` is already at or past it (bumped by hand, or by an earlier run).
pub fn next_version(baseline: &str, current: &str, bump: Bump) -> Result<Option<String>, Error> {
    let target = bump.apply(baseline)?;
    Ok((parse_version(current)? < parse_version(&target)?).then_some(target))
}

/// A generation manifest's text with its top-level `crate_version` set (added when missing);
/// every other line, comments included, is kept.
pub fn set_manifest_version(text: &str, version: &str) -> String {
    let line = format!("crate_version: {version}");
    let mut found = false;
    let mut lines: Vec<&str> = text
        .lines()
        .map(|l| {
            if l.starts_with("crate_version:") && !found {
                found = true;
                line.as_str()
            } else {
                l
            }
        })
        .collect();
    if !found {
        lines.push(&line);
    }
    lines.join("\n") + "\n"
}

/// The changes from one IR to another.
#[derive(Debug, Clone)]
pub struct Report {
    /// The old spec's title and version.
    pub old: String,
    /// The new spec's title and version.
    pub new: String,
    /// Every change, most severe first, then by subject and item.
    pub changes: Vec<Change>,
    /// The crate's version before the change, when known: the report then names the next one.
    pub crate_version: Option<String>,
}

/// Compares two IRs.
pub fn compare(old: &Api, new: &Api) -> Report {
    let mut out = Changes::default();
    client(old, new, &mut out);
    operations(old, new, &mut out);
    types(old, new, &mut out);
    let mut changes = out.0;
    changes.sort();
    changes.dedup();
    Report { old: label(old), new: label(new), changes, crate_version: None }
}

impl Report {
    /// The same report, naming the version the crate moves to from `version`.
    pub fn with_crate_version(mut self, version: impl Into<String>) -> Self {
        self.crate_version = Some(version.into());
        self
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The bump the most severe change calls for.
    pub fn bump(&self) -> Bump {
        match self.changes.iter().map(|c| c.level).min() {
            None => Bump::None,
            Some(Level::Breaking) => Bump::Major,
            Some(Level::Compatible) => Bump::Minor,
            Some(Level::Patch) => Bump::Patch,
        }
    }

    fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.level == level).count()
    }

    fn at(&self, level: Level) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.level == level)
    }

    fn summary(&self) -> String {
        let spec = if self.old == self.new { self.new.clone() } else { format!("{} → {}", self.old, self.new) };
        format!(
            "{spec}: {} breaking, {} compatible, {} patch-level",
            self.count(Level::Breaking),
            self.count(Level::Compatible),
            self.count(Level::Patch)
        )
    }

    fn verdict(&self) -> String {
        let why = match self.bump() {
            Bump::None => "no API changes",
            Bump::Patch => "no change to the API's shape",
            Bump::Minor => "compatible changes only",
            Bump::Major => "breaking changes",
        };
        let mut text = format!("semver: {} ({why})", self.bump());
        if let Some(version) = &self.crate_version {
            text.push_str(&match self.bump().apply(version) {
                Ok(next) if next == *version => format!("; version stays {version}"),
                Ok(next) => {
                    let rule = match (self.bump(), version.starts_with("0.0.")) {
                        (Bump::Major | Bump::Minor, true) => " (at 0.0.z, every change bumps z)",
                        (Bump::Major, false) if version.starts_with("0.") => {
                            " (before 1.0.0, a breaking change bumps the minor number)"
                        }
                        (Bump::Minor, false) if version.starts_with("0.") => {
                            " (before 1.0.0, a compatible change bumps the patch number)"
                        }
                        _ => "",
                    };
                    format!("; version {version} → {next}{rule}")
                }
                Err(e) => format!("; {e}"),
            });
        }
        text
    }

    /// Plain text for a terminal.
    pub fn to_text(&self) -> String {
        if self.is_empty() {
            return format!("no API changes ({})\n{}\n", self.new, self.verdict());
        }
        let mut out = format!("API changes, {}\n", self.summary());
        for (level, title) in LEVELS {
            if self.count(level) == 0 {
                continue;
            }
            out.push_str(&format!("{title}:\n"));
            for change in self.at(level) {
                out.push_str(&format!("  - {}\n", change.text));
            }
        }
        out.push_str(&self.verdict());
        out.push('\n');
        out
    }

    /// Markdown, for a pull request's description.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("## API changes: {}\n\n", self.bump());
        if self.is_empty() {
            out.push_str(&format!("No API changes ({}).\n\n{}.\n", self.new, capitalise(&self.verdict())));
            return out;
        }
        out.push_str(&format!("{}.\n", self.summary()));
        for (level, title) in LEVELS {
            let count = self.count(level);
            if count == 0 {
                continue;
            }
            let items: String = self.at(level).map(|c| format!("- {}\n", c.text)).collect();
            if level == Level::Patch {
                out.push_str(&format!(
                    "\n<details><summary>{title} ({count}): the API's shape is unchanged</summary>\n\n{items}\n</details>\n"
                ));
            } else {
                out.push_str(&format!("\n### {title} ({count})\n\n{items}"));
            }
        }
        out.push_str(&format!("\n{}.\n", capitalise(&self.verdict())));
        out
    }
}

const LEVELS: [(Level, &str); 3] =
    [(Level::Breaking, "Breaking"), (Level::Compatible, "Compatible"), (Level::Patch, "Patch-level")];

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, level: Level, subject: Subject, kind: Kind, item: impl Into<String>, text: String) {
        self.0.push(Change { level, subject, item: item.into(), kind, text });
    }

    fn deprecation(&mut self, subject: Subject, item: &str, what: &str, old: bool, new: bool) {
        if old != new {
            let now = if new { "deprecated" } else { "no longer deprecated" };
            self.push(Level::Compatible, subject, Kind::Changed, item, format!("{what} is {now}"));
        }
    }

    fn docs(&mut self, subject: Subject, item: &str, what: &str, old: &Docs, new: &Docs) {
        if old != new {
            self.push(Level::Patch, subject, Kind::Changed, item, format!("{what}: documentation changed"));
        }
    }

    /// A catch-all: when nothing was found to differ since `start` but the IR items do (a detail
    /// of the wire format, an order), says so at patch level, so that no change goes unreported.
    fn unexplained<T: serde::Serialize>(
        &mut self,
        start: usize,
        subject: Subject,
        item: &str,
        what: &str,
        old: &T,
        new: &T,
    ) {
        if self.0.len() == start && serde_json::to_value(old).ok() != serde_json::to_value(new).ok() {
            self.push(
                Level::Patch,
                subject,
                Kind::Changed,
                item,
                format!("{what}: other details changed (see `api.json`)"),
            );
        }
    }

    fn breaking_since(&self, start: usize) -> bool {
        self.0[start.min(self.0.len())..].iter().any(|c| c.level == Level::Breaking)
    }
}

fn code(text: &str) -> String {
    format!("`{text}`")
}

fn client(old: &Api, new: &Api, out: &mut Changes) {
    let item = "Client";
    if old.title != new.title || old.version != new.version {
        out.push(
            Level::Patch,
            Subject::Client,
            Kind::Changed,
            item,
            format!("the spec is now {} (was {})", label(new), label(old)),
        );
    }
    out.docs(Subject::Client, item, "the crate", &old.docs, &new.docs);
    let servers = |api: &Api| api.servers.iter().map(|s| (s.url.clone(), s.description.clone())).collect::<Vec<_>>();
    if servers(old) != servers(new) {
        out.push(Level::Patch, Subject::Client, Kind::Changed, item, "the list of servers changed".to_string());
    }
    if old.base_url != new.base_url {
        out.push(
            Level::Patch,
            Subject::Client,
            Kind::Changed,
            item,
            format!("`Client::DEFAULT_BASE_URL` is now `{}` (was `{}`)", new.base_url, old.base_url),
        );
    }
    let bearer = |api: &Api| api.auth.iter().any(|a| matches!(a.kind, AuthKind::Bearer));
    match (bearer(old), bearer(new)) {
        (false, true) => out.push(
            Level::Breaking,
            Subject::Client,
            Kind::Changed,
            item,
            "`Client::new` now takes a bearer token".to_string(),
        ),
        (true, false) => out.push(
            Level::Breaking,
            Subject::Client,
            Kind::Changed,
            item,
            "`Client::new` no longer takes a bearer token".to_string(),
        ),
        _ => {}
    }
    let schemes = |api: &Api| api.auth.iter().map(|a| format!("{}: {:?}", a.wire_name, a.kind)).collect::<Vec<_>>();
    if schemes(old) != schemes(new) {
        let names = |api: &Api| api.auth.iter().map(|a| code(&a.wire_name)).collect::<Vec<_>>().join(", ");
        out.push(
            Level::Patch,
            Subject::Client,
            Kind::Changed,
            item,
            format!("security schemes are now [{}] (were [{}])", names(new), names(old)),
        );
    }
    let limits = |api: &Api| api.rate_limits.iter().map(|r| format!("{r:?}")).collect::<Vec<_>>();
    if limits(old) != limits(new) {
        out.push(Level::Patch, Subject::Client, Kind::Changed, item, "rate-limit headers changed".to_string());
    }
    let (old_groups, new_groups) = (groups(old), groups(new));
    for (name, g) in &old_groups {
        let accessor = format!("client.{name}()");
        match new_groups.get(name) {
            None => out.push(
                Level::Breaking,
                Subject::Client,
                Kind::Removed,
                &accessor,
                format!("accessor `{accessor}` removed (operations tagged `{}`)", g.wire_tag),
            ),
            Some(n) => {
                if g.type_name != n.type_name {
                    out.push(
                        Level::Breaking,
                        Subject::Client,
                        Kind::Changed,
                        &accessor,
                        format!(
                            "`{accessor}` now returns `operations::{name}::{}` (was `operations::{name}::{}`)",
                            n.type_name, g.type_name
                        ),
                    );
                }
                out.docs(Subject::Client, &accessor, &format!("`{accessor}`"), &g.docs, &n.docs);
                if g.wire_tag != n.wire_tag {
                    out.push(
                        Level::Patch,
                        Subject::Client,
                        Kind::Changed,
                        &accessor,
                        format!("`{accessor}`: the tag is now `{}` (was `{}`)", n.wire_tag, g.wire_tag),
                    );
                }
            }
        }
    }
    for (name, g) in &new_groups {
        if !old_groups.contains_key(name) {
            let accessor = format!("client.{name}()");
            out.push(
                Level::Compatible,
                Subject::Client,
                Kind::Added,
                &accessor,
                format!("accessor `{accessor}` added (operations tagged `{}`)", g.wire_tag),
            );
        }
    }
}

/// A spec's title and version.
fn label(api: &Api) -> String {
    format!("{} {}", api.title, api.version)
}

fn groups(api: &Api) -> BTreeMap<&str, &Group> {
    api.groups.iter().map(|g| (g.name.as_str(), g)).collect()
}

fn operation_index(api: &Api) -> BTreeMap<&str, (&Group, &Operation)> {
    api.groups.iter().flat_map(|g| g.operations.iter().map(move |o| (o.wire_id.as_str(), (g, o)))).collect()
}

fn operations(old: &Api, new: &Api, out: &mut Changes) {
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
                (Level::Breaking, format!("a new argument `body: {}`", type_text(&b.ty)))
            } else {
                (Level::Compatible, format!("the setter `.body({})`", type_text(&b.ty)))
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
            format!("request body of operation `{id}` removed (was `{}`)", type_text(&b.ty)),
        ),
        (Some(a), Some(b)) => {
            let what = format!("request body of operation `{id}`");
            if a.ty != b.ty {
                out.push(
                    Level::Breaking,
                    Subject::RequestBody,
                    Kind::Changed,
                    id,
                    format!("{what} type changed: `{}` → `{}`", type_text(&a.ty), type_text(&b.ty)),
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
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "a struct",
        TypeKind::StringEnum { .. } => "a string enum",
        TypeKind::IntEnum { .. } => "an integer enum",
        TypeKind::Union { tag: Some(_), .. } => "a tagged union",
        TypeKind::Union { tag: None, .. } => "an untagged union",
        TypeKind::Alias { .. } => "an alias",
    }
}

fn types(old: &Api, new: &Api, out: &mut Changes) {
    for (name, o) in &old.types {
        match new.types.get(name) {
            None => out.push(
                Level::Breaking,
                Subject::Type,
                Kind::Removed,
                name,
                format!("type `{name}` removed (was {})", kind_name(&o.kind)),
            ),
            Some(n) => type_def(o, n, out),
        }
    }
    for (name, n) in &new.types {
        if !old.types.contains_key(name) {
            out.push(
                Level::Compatible,
                Subject::Type,
                Kind::Added,
                name,
                format!("type `{name}` added ({})", kind_name(&n.kind)),
            );
        }
    }
}

fn type_def(o: &TypeDef, n: &TypeDef, out: &mut Changes) {
    let start = out.0.len();
    type_changes(o, n, out);
    out.unexplained(start, Subject::Type, &n.name, &format!("type `{}`", n.name), o, n);
}

fn type_changes(o: &TypeDef, n: &TypeDef, out: &mut Changes) {
    let name = n.name.as_str();
    let what = format!("type `{name}`");
    out.deprecation(Subject::Type, name, &what, o.deprecated, n.deprecated);
    out.docs(Subject::Type, name, &what, &o.docs, &n.docs);
    if kind_name(&o.kind) != kind_name(&n.kind) {
        out.push(
            Level::Breaking,
            Subject::Type,
            Kind::Changed,
            name,
            format!("{what} is now {} (was {})", kind_name(&n.kind), kind_name(&o.kind)),
        );
        return;
    }
    match (&o.kind, &n.kind) {
        (TypeKind::Struct { fields: a, additional: x }, TypeKind::Struct { fields: b, additional: y }) => {
            structure(o, a, x.as_ref(), n, b, y.as_ref(), out);
        }
        (TypeKind::StringEnum { variants: a }, TypeKind::StringEnum { variants: b }) => {
            let index = |vs: &[EnumVariant]| vs.iter().map(|v| (v.wire.clone(), v.name.clone())).collect();
            enum_values(name, index(a), index(b), |w| format!("{w:?}"), out);
        }
        (TypeKind::IntEnum { variants: a }, TypeKind::IntEnum { variants: b }) => {
            let index = |vs: &[IntVariant]| vs.iter().map(|v| (v.value, v.name.clone())).collect();
            enum_values(name, index(a), index(b), |v| v.to_string(), out);
        }
        (TypeKind::Union { variants: a, tag: s, .. }, TypeKind::Union { variants: b, tag: t, .. }) => {
            union(name, a, s.as_deref(), b, t.as_deref(), out);
        }
        (TypeKind::Alias { target: a }, TypeKind::Alias { target: b }) if a != b => out.push(
            Level::Breaking,
            Subject::Type,
            Kind::Changed,
            name,
            format!("{what} is now an alias of `{}` (was `{}`)", type_text(b), type_text(a)),
        ),
        _ => {}
    }
}

fn structure(
    o: &TypeDef,
    old_fields: &[Field],
    old_extra: Option<&Extra>,
    n: &TypeDef,
    new_fields: &[Field],
    new_extra: Option<&Extra>,
    out: &mut Changes,
) {
    let name = n.name.as_str();
    let what = format!("type `{name}`");
    let start = out.0.len();
    match (o.input, n.input) {
        (false, true) => out.push(
            Level::Compatible,
            Subject::Type,
            Kind::Changed,
            name,
            format!("{what} is now sent in requests: it gains `{}` and setters", constructor(name, new_fields)),
        ),
        (true, false) => out.push(
            Level::Breaking,
            Subject::Type,
            Kind::Changed,
            name,
            format!("{what} is no longer sent in requests: `{name}::new` and its setters are gone"),
        ),
        _ => {}
    }
    let request = o.input && n.input;
    let index = |fs: &[Field]| fs.iter().map(|f| (f.wire_name.clone(), f.clone())).collect::<BTreeMap<_, _>>();
    let (a, b) = (index(old_fields), index(new_fields));
    let field = |f: &Field| format!("{name}.{}: {}", f.name, type_text(&f.ty));
    for (wire, f) in &a {
        let item = format!("{name}.{}", f.name);
        let Some(g) = b.get(wire) else {
            out.push(Level::Breaking, Subject::Field, Kind::Removed, &item, format!("field `{}` removed", field(f)));
            continue;
        };
        let what = format!("field `{item}`");
        if f.name != g.name {
            out.push(
                Level::Breaking,
                Subject::Field,
                Kind::Changed,
                &item,
                format!("{what} renamed to `{name}.{}` (wire name `{wire}`)", g.name),
            );
        }
        if f.ty != g.ty {
            let (from, to) = (type_text(&f.ty), type_text(&g.ty));
            let text = match (&f.ty, &g.ty) {
                (TypeRef::Option(inner), t) if **inner == *t => format!("{what} is now required: `{from}` → `{to}`"),
                (t, TypeRef::Option(inner)) if **inner == *t => format!("{what} is now optional: `{from}` → `{to}`"),
                _ => format!("{what} type changed: `{from}` → `{to}`"),
            };
            out.push(Level::Breaking, Subject::Field, Kind::Changed, &item, text);
        } else if f.required != g.required || f.nullable != g.nullable {
            out.push(
                Level::Patch,
                Subject::Field,
                Kind::Changed,
                &item,
                format!(
                    "{what}: the schema now has it {}, {} (its type stays `{}`)",
                    if g.required { "required" } else { "optional" },
                    if g.nullable { "nullable" } else { "not nullable" },
                    type_text(&g.ty)
                ),
            );
        }
        match (&f.clear_setter, &g.clear_setter) {
            (None, Some(c)) => out.push(
                Level::Compatible,
                Subject::Field,
                Kind::Changed,
                &item,
                format!("{what}: the setter `{name}::{c}()` (sends `null`) added"),
            ),
            (Some(c), None) => out.push(
                Level::Breaking,
                Subject::Field,
                Kind::Changed,
                &item,
                format!("{what}: the setter `{name}::{c}()` removed"),
            ),
            (Some(c), Some(d)) if c != d => out.push(
                Level::Breaking,
                Subject::Field,
                Kind::Changed,
                &item,
                format!("{what}: the setter `{name}::{c}()` is now `{d}()`"),
            ),
            _ => {}
        }
        out.deprecation(Subject::Field, &item, &what, f.deprecated, g.deprecated);
        out.docs(Subject::Field, &item, &what, &f.docs, &g.docs);
    }
    for (wire, g) in &b {
        if a.contains_key(wire) {
            continue;
        }
        let item = format!("{name}.{}", g.name);
        let (level, text) = if request && g.in_constructor() {
            (Level::Breaking, format!("required field `{}` added to a request type: `{name}::new` takes it", field(g)))
        } else {
            (Level::Compatible, format!("field `{}` added", field(g)))
        };
        out.push(level, Subject::Field, Kind::Added, &item, text);
    }
    match (old_extra, new_extra) {
        (None, Some(e)) => out.push(
            Level::Compatible,
            Subject::Field,
            Kind::Added,
            format!("{name}.{}", e.name),
            format!("field `{name}.{}` (keys beyond the properties) added", e.name),
        ),
        (Some(e), None) => out.push(
            Level::Breaking,
            Subject::Field,
            Kind::Removed,
            format!("{name}.{}", e.name),
            format!("field `{name}.{}` (keys beyond the properties) removed", e.name),
        ),
        (Some(e), Some(f)) if e.name != f.name || e.ty != f.ty => out.push(
            Level::Breaking,
            Subject::Field,
            Kind::Changed,
            format!("{name}.{}", e.name),
            format!(
                "field `{name}.{}` (keys beyond the properties) is now `{name}.{}` of `{}` (was `{}`)",
                e.name,
                f.name,
                type_text(&f.ty),
                type_text(&e.ty)
            ),
        ),
        _ => {}
    }
    match (derives_default(old_fields), derives_default(new_fields)) {
        (true, false) => out.push(
            Level::Breaking,
            Subject::Type,
            Kind::Changed,
            name,
            format!("{what} no longer implements `Default` (it has a required field)"),
        ),
        (false, true) => {
            out.push(Level::Compatible, Subject::Type, Kind::Changed, name, format!("{what} now implements `Default`"))
        }
        _ => {}
    }
    // The constructor changed with no breaking field change to explain it (arguments reordered).
    let (old_new, new_new) = (constructor(name, old_fields), constructor(name, new_fields));
    if request && old_new != new_new && !out.breaking_since(start) {
        out.push(
            Level::Breaking,
            Subject::Type,
            Kind::Changed,
            name,
            format!("`{name}::new` changed: `{old_new}` → `{new_new}`"),
        );
    }
}

fn enum_values<K: Ord + Clone>(
    name: &str,
    old: BTreeMap<K, String>,
    new: BTreeMap<K, String>,
    show: impl Fn(&K) -> String,
    out: &mut Changes,
) {
    for (value, variant) in &old {
        let item = format!("{name}::{variant}");
        match new.get(value) {
            None => out.push(
                Level::Breaking,
                Subject::Variant,
                Kind::Removed,
                &item,
                format!("value `{}` (`{item}`) removed: it now decodes as `{name}::Unknown`", show(value)),
            ),
            Some(renamed) if renamed != variant => out.push(
                Level::Breaking,
                Subject::Variant,
                Kind::Changed,
                &item,
                format!("value `{}`: `{item}` is now `{name}::{renamed}`", show(value)),
            ),
            Some(_) => {}
        }
    }
    for (value, variant) in &new {
        if !old.contains_key(value) {
            let item = format!("{name}::{variant}");
            out.push(
                Level::Compatible,
                Subject::Variant,
                Kind::Added,
                &item,
                format!(
                    "value `{}` (`{item}`) added: the enum is open, older clients decode it as `{name}::Unknown`",
                    show(value)
                ),
            );
        }
    }
}

fn union(name: &str, a: &[UnionVariant], s: Option<&str>, b: &[UnionVariant], t: Option<&str>, out: &mut Changes) {
    if let (Some(s), Some(t)) = (s, t) {
        if s != t {
            out.push(
                Level::Breaking,
                Subject::Type,
                Kind::Changed,
                name,
                format!("type `{name}` is now tagged by `{t}` (was `{s}`)"),
            );
        }
    }
    let index = |vs: &[UnionVariant]| vs.iter().map(|v| (v.name.clone(), v.clone())).collect::<BTreeMap<_, _>>();
    let (old, new) = (index(a), index(b));
    for (variant, v) in &old {
        let item = format!("{name}::{variant}");
        let Some(w) = new.get(variant) else {
            out.push(
                Level::Breaking,
                Subject::Variant,
                Kind::Removed,
                &item,
                format!("alternative `{item}({})` removed", type_text(&v.ty)),
            );
            continue;
        };
        if v.ty != w.ty {
            out.push(
                Level::Breaking,
                Subject::Variant,
                Kind::Changed,
                &item,
                format!("alternative `{item}` now holds `{}` (was `{}`)", type_text(&w.ty), type_text(&v.ty)),
            );
        }
        let (old_tags, new_tags): (BTreeSet<_>, BTreeSet<_>) = (v.tags.iter().collect(), w.tags.iter().collect());
        let tags = |set: Vec<&&String>| set.iter().map(|t| code(t)).collect::<Vec<_>>().join(", ");
        let lost: Vec<_> = old_tags.difference(&new_tags).collect();
        let gained: Vec<_> = new_tags.difference(&old_tags).collect();
        if !lost.is_empty() {
            out.push(
                Level::Breaking,
                Subject::Variant,
                Kind::Changed,
                &item,
                format!("alternative `{item}` no longer selected by the tags {}", tags(lost)),
            );
        }
        if !gained.is_empty() {
            out.push(
                Level::Compatible,
                Subject::Variant,
                Kind::Changed,
                &item,
                format!("alternative `{item}` now also selected by the tags {}", tags(gained)),
            );
        }
    }
    for (variant, w) in &new {
        if old.contains_key(variant) {
            continue;
        }
        let item = format!("{name}::{variant}");
        let (level, why) = if t.is_some() {
            (Level::Compatible, format!("older clients decode it as `{name}::Unknown`"))
        } else {
            (Level::Breaking, "the union is untagged, with no `Unknown`: exhaustive matches break".to_string())
        };
        out.push(
            level,
            Subject::Variant,
            Kind::Added,
            &item,
            format!("alternative `{item}({})` added: {why}", type_text(&w.ty)),
        );
    }
    // An untagged union tries its alternatives in order: the same ones in another order decode
    // differently.
    let order = |vs: &[UnionVariant]| {
        vs.iter().map(|v| v.name.clone()).filter(|n| old.contains_key(n) && new.contains_key(n)).collect::<Vec<_>>()
    };
    if t.is_none() && s.is_none() && order(a) != order(b) {
        out.push(
            Level::Patch,
            Subject::Type,
            Kind::Changed,
            name,
            format!("type `{name}`: alternatives reordered (decoding tries them in the new order)"),
        );
    }
}
