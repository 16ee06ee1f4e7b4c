//! Bundle: one document from the root file and every local file its `$ref`s name, with every
//! reference rewritten into what lowering follows: a reference to a component, or a copy.
//!
//! A reference may name another file (`models/pet.yaml`, `../shared.yaml#/Thing`) or any place
//! (a JSON pointer such as `#/components/schemas/Tag/allOf/0`). What it becomes depends on the
//! kind of object standing where it is, read from the structure of OpenAPI 3.0:
//! - a schema elsewhere than `#/components/schemas/<name>` becomes a component (a copy, under
//!   a name from where it was: the component's own name in another file, the file's stem, or
//!   the place, `TagAllOf0`);
//! - a parameter, response, request body, header, example, link, callback or security scheme of
//!   another file becomes a component of its section the same way; one elsewhere in the root
//!   document (a path's parameter, a request body used as a response) is copied in place;
//! - a path item is copied in place, and a `description: {$ref: intro.md}` becomes the text.
//!
//! A component that is only a reference to another file (`Pet: {$ref: models/pet.yaml}`)
//! takes the content in its place, so that the file's schema keeps the author's name.
//!
//! The document is untrusted: files are read only inside the root file's directory tree (or a
//! directory the caller allows), never from the network, and within [`Options`]' limits;
//! copies are bounded, and a chain of references that never reaches a value is refused.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{Error, Pointer};
use crate::load::Source;

/// Which files a document's references may reach, and how much may be read.
#[derive(Debug, Clone)]
pub struct Options {
    /// Directories besides the root file's own tree that referenced files may be in.
    pub allowed_dirs: Vec<PathBuf>,
    /// The most files read besides the root.
    pub max_files: usize,
    /// The most bytes read from them, in all.
    pub max_bytes: u64,
    /// The most values copying (path items, parameters, responses) may create, in all: copies
    /// of copies grow exponentially (a billion laughs) without a bound.
    pub max_copied: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { allowed_dirs: Vec::new(), max_files: 10_000, max_bytes: 256 << 20, max_copied: 1_000_000 }
    }
}

/// How many references in a row are followed before the chain is called a loop.
const MAX_CHAIN: usize = 64;

/// How deep copies may nest in each other.
const MAX_COPY_DEPTH: usize = 32;

/// Bundles `root` (the parsed `source`). A document that refers only to its own components,
/// in the `#/components/<section>/<name>` form, is returned as it is.
pub fn bundle(root: Value, source: &Source) -> Result<Value, Error> {
    if !needs(&root, Kind::Document) {
        return Ok(root);
    }
    let mut bundler = Bundler::new(&root, source);
    let mut out = root;
    bundler.register_slots(&out)?;
    bundler.walk(&mut out, Kind::Document, 0, &mut Vec::new())?;
    while let Some(home) = bundler.pending.pop_front() {
        let mut value = bundler.copy(&home.place, home.place.doc, &home.place.ptr.clone())?;
        let mut at = home.place.ptr.clone();
        bundler.walk(&mut value, home.kind, home.place.doc, &mut at)?;
        fix(&mut value, home.kind);
        let Value::Object(doc) = &mut out else { break };
        let components = doc.entry("components").or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(components) = components {
            let section = components.entry(home.section).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(section) = section {
                section.insert(home.name, value);
            }
        }
    }
    Ok(out)
}

/// The kind of object a place holds, as far as references are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Document,
    Components,
    /// Info, a tag, a server: only its description may be a reference.
    Plain,
    PathItem,
    Operation,
    Parameter,
    Header,
    RequestBody,
    Response,
    MediaType,
    Encoding,
    Schema,
    Discriminator,
    Example,
    Link,
    Callback,
    SecurityScheme,
    /// A description or summary: a reference stands for text.
    Text,
}

/// How a member holds values of a kind.
enum Shape {
    One(Kind),
    Map(Kind),
    List(Kind),
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

impl Kind {
    /// The components section of a kind that has one.
    fn section(self) -> Option<&'static str> {
        Some(match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::Header => "headers",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Example => "examples",
            Kind::Link => "links",
            Kind::Callback => "callbacks",
            Kind::SecurityScheme => "securitySchemes",
            _ => return None,
        })
    }

    fn of_section(section: &str) -> Option<Kind> {
        Some(match section {
            "schemas" => Kind::Schema,
            "parameters" => Kind::Parameter,
            "headers" => Kind::Header,
            "requestBodies" => Kind::RequestBody,
            "responses" => Kind::Response,
            "examples" => Kind::Example,
            "links" => Kind::Link,
            "callbacks" => Kind::Callback,
            "securitySchemes" => Kind::SecurityScheme,
            "pathItems" => Kind::PathItem,
            _ => return None,
        })
    }

    /// Whether a `$ref` in this place is a reference (elsewhere it is data, as in an example).
    fn referable(self) -> bool {
        self.section().is_some() || matches!(self, Kind::PathItem | Kind::Text)
    }

    /// The kind of the values a member holds; `None` for members that hold no references.
    fn member(self, key: &str) -> Option<Shape> {
        use Kind::*;
        use Shape::*;
        if self == Callback {
            return (!key.starts_with("x-")).then_some(One(PathItem));
        }
        if key.starts_with("x-") {
            return (self == Document && key == "x-webhooks").then_some(Map(PathItem));
        }
        if key == "description" || (key == "summary" && matches!(self, PathItem | Operation | Example)) {
            return (self != Text).then_some(One(Text));
        }
        Some(match (self, key) {
            (Document, "paths" | "webhooks") => Map(PathItem),
            (Document, "components") => One(Components),
            (Document, "info" | "externalDocs") | (Operation | Schema, "externalDocs") => One(Plain),
            (Document | PathItem | Operation, "tags" | "servers") => List(Plain),
            (Components, section) => Map(Kind::of_section(section)?),
            (PathItem, method) if METHODS.contains(&method) => One(Operation),
            (PathItem | Operation, "parameters") => List(Parameter),
            (Operation, "requestBody") => One(RequestBody),
            (Operation, "responses") => Map(Response),
            (Operation, "callbacks") => Map(Callback),
            (Parameter | Header | MediaType, "schema") => One(Schema),
            (Parameter | Header | RequestBody | Response, "content") => Map(MediaType),
            (Parameter | Header | MediaType, "examples") => Map(Example),
            (Response | Encoding, "headers") => Map(Header),
            (Response, "links") => Map(Link),
            (MediaType, "encoding") => Map(Encoding),
            (Schema, "properties") => Map(Schema),
            (Schema, "items" | "additionalProperties" | "not") => One(Schema),
            (Schema, "allOf" | "oneOf" | "anyOf") => List(Schema),
            (Schema, "discriminator") => One(Discriminator),
            _ => return None,
        })
    }
}

/// Whether `value`, a `kind`, holds a reference that bundling would change.
fn needs(value: &Value, kind: Kind) -> bool {
    let Value::Object(map) = value else { return false };
    if kind.referable() {
        if let Some(Value::String(reference)) = map.get("$ref") {
            return !plain_component_ref(reference, kind);
        }
    }
    if kind == Kind::Discriminator {
        let mapping = map.get("mapping").and_then(Value::as_object);
        return mapping
            .into_iter()
            .flatten()
            .any(|(_, v)| v.as_str().is_some_and(|r| is_reference(r) && !plain_component_ref(r, Kind::Schema)));
    }
    map.iter().any(|(key, child)| match kind.member(key) {
        None => false,
        Some(Shape::One(k)) => needs(child, k),
        Some(Shape::Map(k)) => child.as_object().into_iter().flatten().any(|(_, v)| needs(v, k)),
        Some(Shape::List(k)) => child.as_array().into_iter().flatten().any(|v| needs(v, k)),
    })
}

/// `#/components/<section of kind>/<name>`, written plainly: what lowering follows as it is.
fn plain_component_ref(reference: &str, kind: Kind) -> bool {
    let Some(section) = kind.section() else { return false };
    let Some(rest) = reference.strip_prefix("#/components/").and_then(|r| r.strip_prefix(section)) else {
        return false;
    };
    rest.strip_prefix('/').is_some_and(|name| !name.is_empty() && !name.contains(['/', '~', '%']))
}

/// Whether a discriminator mapping value is a reference rather than a schema name.
fn is_reference(value: &str) -> bool {
    value.contains(['#', '/']) || [".yaml", ".yml", ".json"].iter().any(|e| value.ends_with(e))
}

/// A place in one of the documents: its index and the pointer's tokens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Place {
    doc: usize,
    ptr: Vec<String>,
}

/// One file read.
struct Doc {
    /// Shown in messages.
    name: String,
    /// Where its relative references are looked up.
    dir: Option<PathBuf>,
    /// Its file name without extension: the name of a schema that is the whole file.
    stem: String,
    /// Its text, until parsed.
    text: String,
    /// Whether its name says JSON.
    json: bool,
    value: Option<Value>,
}

/// A component made from a place, waiting to be filled in.
struct Home {
    place: Place,
    kind: Kind,
    section: &'static str,
    name: String,
}

/// What a reference comes to.
enum Target {
    /// A component of the root document, in the reference's own section.
    Component(String),
    /// A value somewhere.
    Place(Place),
}

struct Bundler<'s> {
    source: &'s Source,
    /// The directories files may be read from (canonical): the root's tree and those allowed.
    roots: Vec<PathBuf>,
    docs: Vec<Doc>,
    by_path: HashMap<PathBuf, usize>,
    bytes: u64,
    /// The component each place already became, by section.
    homes: HashMap<(&'static str, Place), String>,
    /// The root components that take the content of the place their reference leads to.
    slots: HashMap<(&'static str, String), Place>,
    /// Component names taken, by section.
    names: HashMap<&'static str, BTreeSet<String>>,
    pending: VecDeque<Home>,
    /// The places being copied, innermost last: a place copied into itself is a cycle.
    copying: Vec<Place>,
    copied: usize,
}

impl<'s> Bundler<'s> {
    fn new(root: &Value, source: &'s Source) -> Self {
        let dir = source.path.as_ref().map(|p| p.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf));
        let dir = dir.map(|d| if d.as_os_str().is_empty() { PathBuf::from(".") } else { d });
        let mut roots: Vec<PathBuf> = dir.iter().filter_map(|d| d.canonicalize().ok()).collect();
        roots.extend(source.options.allowed_dirs.iter().filter_map(|d| d.canonicalize().ok()));
        let stem = source
            .path
            .as_ref()
            .and_then(|p| p.file_stem())
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        let canonical_dir = dir.and_then(|d| d.canonicalize().ok());
        let mut by_path = HashMap::new();
        if let Some(path) = source.path.as_ref().and_then(|p| p.canonicalize().ok()) {
            by_path.insert(path, 0);
        }
        let mut names: HashMap<&'static str, BTreeSet<String>> = HashMap::new();
        for section in [
            "schemas",
            "parameters",
            "headers",
            "requestBodies",
            "responses",
            "examples",
            "links",
            "callbacks",
            "securitySchemes",
        ] {
            let taken = root.pointer(&format!("/components/{section}")).and_then(Value::as_object);
            names.insert(section, taken.into_iter().flatten().map(|(k, _)| k.clone()).collect());
        }
        let doc = Doc {
            name: source.name.clone(),
            dir: canonical_dir,
            stem,
            text: String::new(),
            json: false,
            value: Some(root.clone()),
        };
        Bundler {
            source,
            roots,
            docs: vec![doc],
            by_path,
            bytes: source.text.len() as u64,
            homes: HashMap::new(),
            slots: HashMap::new(),
            names,
            pending: VecDeque::new(),
            copying: Vec::new(),
            copied: 0,
        }
    }

    /// Where a place is, for messages: a pointer, after the file's name outside the root.
    fn describe(&self, doc: usize, ptr: &[String]) -> String {
        let pointer = ptr.iter().fold(Pointer::root(), |p, t| p.push(t)).to_string();
        if doc == 0 {
            pointer
        } else {
            format!("{}{pointer}", self.docs[doc].name)
        }
    }

    fn refuse(&self, doc: usize, at: &[String], reference: &str, why: impl Into<String>) -> Error {
        Error::Reference {
            file: self.docs[doc].name.clone(),
            pointer: at.iter().fold(Pointer::root(), |p, t| p.push(t)).to_string(),
            reference: reference.to_string(),
            why: why.into(),
        }
    }

    fn unresolved(&self, doc: usize, at: &[String], reference: &str, reason: impl Into<String>) -> Error {
        Error::UnresolvedRef {
            pointer: self.describe(doc, at),
            reference: reference.to_string(),
            reason: reason.into(),
        }
    }

    /// Components of the root that are only a reference to a value elsewhere take that value
    /// in their place: the value is known by the component's name.
    fn register_slots(&mut self, root: &Value) -> Result<(), Error> {
        let Some(components) = root.get("components").and_then(Value::as_object) else { return Ok(()) };
        for (section, members) in components {
            let Some(kind) = Kind::of_section(section) else { continue };
            let Some(section) = kind.section() else { continue };
            let Some(members) = members.as_object() else { continue };
            for (name, value) in members {
                let Some(Value::String(reference)) = value.get("$ref") else { continue };
                if plain_component_ref(reference, kind) {
                    continue;
                }
                let at = vec!["components".to_string(), section.to_string(), name.clone()];
                if let Target::Place(place) = self.follow(0, &at, reference, kind)? {
                    self.homes.insert((section, place.clone()), name.clone());
                    self.slots.insert((section, name.clone()), place);
                }
            }
        }
        Ok(())
    }

    /// Rewrites the references in `value`, a `kind` read from `doc` at `at`.
    fn walk(&mut self, value: &mut Value, kind: Kind, doc: usize, at: &mut Vec<String>) -> Result<(), Error> {
        let Value::Object(map) = value else { return Ok(()) };
        if kind.referable() {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let reference = reference.clone();
                return self.reference(value, &reference, kind, doc, at);
            }
        }
        if kind == Kind::Discriminator {
            let Some(Value::Object(mapping)) = map.get_mut("mapping") else { return Ok(()) };
            at.push("mapping".into());
            for (key, target) in mapping.iter_mut() {
                let Value::String(reference) = target else { continue };
                if !is_reference(reference) {
                    continue;
                }
                at.push(key.clone());
                let reference = reference.clone();
                *target = Value::String(self.schema_ref(&reference, doc, at)?);
                at.pop();
            }
            at.pop();
            return Ok(());
        }
        for (key, child) in map.iter_mut() {
            let Some(shape) = kind.member(key) else { continue };
            at.push(key.clone());
            match shape {
                Shape::One(k) => self.walk(child, k, doc, at)?,
                Shape::Map(k) => {
                    if let Value::Object(members) = child {
                        for (name, member) in members.iter_mut() {
                            at.push(name.clone());
                            self.member(member, k, kind, doc, at)?;
                            at.pop();
                        }
                    }
                }
                Shape::List(k) => {
                    if let Value::Array(items) = child {
                        for (i, item) in items.iter_mut().enumerate() {
                            at.push(i.to_string());
                            self.walk(item, k, doc, at)?;
                            at.pop();
                        }
                    }
                }
            }
            at.pop();
        }
        Ok(())
    }

    /// A member of a map: a root component that takes the content of the place it refers to
    /// gets a copy of it; anything else is walked.
    fn member(
        &mut self,
        value: &mut Value,
        kind: Kind,
        parent: Kind,
        doc: usize,
        at: &mut Vec<String>,
    ) -> Result<(), Error> {
        if parent == Kind::Components && doc == 0 && at.len() == 3 {
            if let Some(section) = kind.section() {
                if let Some(place) = self.slots.get(&(section, at[2].clone())).cloned() {
                    let mut content = self.copy(&place, doc, at)?;
                    let mut from = place.ptr.clone();
                    self.walk(&mut content, kind, place.doc, &mut from)?;
                    fix(&mut content, kind);
                    *value = content;
                    return Ok(());
                }
            }
        }
        self.walk(value, kind, doc, at)
    }

    /// Replaces `value`, a reference of a `kind` standing in `doc` at `at`, with what lowering
    /// follows.
    fn reference(
        &mut self,
        value: &mut Value,
        reference: &str,
        kind: Kind,
        doc: usize,
        at: &[String],
    ) -> Result<(), Error> {
        if kind == Kind::Text {
            *value = Value::String(self.text(reference, doc, at)?);
            return Ok(());
        }
        let target = self.follow(doc, at, reference, kind)?;
        let place = match (target, kind.section()) {
            (Target::Component(name), Some(section)) => {
                set_ref(value, section, &name);
                return Ok(());
            }
            (Target::Component(_), None) => return Ok(()),
            (Target::Place(place), _) => place,
        };
        if let (Some(section), [components, other, _]) = (kind.section(), place.ptr.as_slice()) {
            // A component of another kind: only a request body serves as a response.
            let fits = matches!((kind, other.as_str()), (Kind::Response, "requestBodies"));
            if place.doc == 0 && components == "components" && !fits {
                return Err(self.unresolved(
                    doc,
                    at,
                    reference,
                    format!("expected a reference of the form #/components/{section}/<name>"),
                ));
            }
        }
        match kind.section() {
            // Another file's object becomes a component; so does any schema, so that it is
            // one type however many places use it.
            Some(section) if place.doc != 0 || kind == Kind::Schema => {
                let name = self.home(place, kind, section);
                set_ref(value, section, &name);
            }
            // A path item, or an object elsewhere in the root: copied in place.
            _ => {
                if self.copying.len() >= MAX_COPY_DEPTH || self.copying.contains(&place) {
                    return Err(self.unresolved(
                        doc,
                        at,
                        reference,
                        "a reference cycle: the value contains itself; make the repeated part a component",
                    ));
                }
                let mut content = self.copy(&place, doc, at)?;
                self.copying.push(place.clone());
                let mut from = place.ptr.clone();
                let walked = self.walk(&mut content, kind, place.doc, &mut from);
                self.copying.pop();
                walked?;
                fix(&mut content, kind);
                *value = content;
            }
        }
        Ok(())
    }

    /// A schema reference (in a discriminator mapping) as a reference to a root component.
    fn schema_ref(&mut self, reference: &str, doc: usize, at: &[String]) -> Result<String, Error> {
        let name = match self.follow(doc, at, reference, Kind::Schema)? {
            Target::Component(name) => name,
            Target::Place(place) => self.home(place, Kind::Schema, "schemas"),
        };
        Ok(Pointer::root().push("components").push("schemas").push(name).to_string())
    }

    /// The component a place becomes: the one it already became, or a new one.
    fn home(&mut self, place: Place, kind: Kind, section: &'static str) -> String {
        if let Some(name) = self.homes.get(&(section, place.clone())) {
            return name.clone();
        }
        let base = self.base_name(&place);
        let taken = self.names.entry(section).or_default();
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        taken.insert(name.clone());
        self.homes.insert((section, place.clone()), name.clone());
        self.pending.push_back(Home { place, kind, section, name: name.clone() });
        name
    }

    /// A name from where a value was: `TagAllOf0` for `#/components/schemas/Tag/allOf/0` of
    /// the root; in another file, the component's name (`#/components/schemas/Pet`), the file's
    /// stem (the whole file), the last token of a short pointer (`#/Pet`, `#/definitions/Pet`), or
    /// the stem and the place (`pet_PropertiesOwner`).
    fn base_name(&self, place: &Place) -> String {
        let ptr = &place.ptr;
        let name = if place.doc == 0 {
            let tokens = if ptr.len() >= 3 && ptr[0] == "components" { &ptr[2..] } else { &ptr[..] };
            tokens.iter().map(|t| pascal(t)).collect()
        } else {
            let stem = &self.docs[place.doc].stem;
            match ptr.as_slice() {
                [] => stem.clone(),
                [components, _, name] if components == "components" => name.clone(),
                [name] | [_, name] => name.clone(),
                tokens => format!("{stem}_{}", tokens.iter().map(|t| pascal(t)).collect::<String>()),
            }
        };
        let name: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
            .collect();
        if name.is_empty() {
            "Value".into()
        } else {
            name
        }
    }

    /// The text a description's reference stands for: a file's text, or a string in a document.
    fn text(&mut self, reference: &str, doc: usize, at: &[String]) -> Result<String, Error> {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if !file.is_empty() && fragment.is_empty() {
            let d = self.open(doc, at, reference, file)?;
            if !self.docs[d].json && !is_document(file) {
                return Ok(self.docs[d].text.clone());
            }
        }
        let target = self.follow(doc, at, reference, Kind::Text)?;
        let Target::Place(place) = target else { return Err(self.unresolved(doc, at, reference, "not a text")) };
        match self.value_at(&place) {
            Some(Value::String(text)) => Ok(text.clone()),
            _ => Err(self.unresolved(doc, at, reference, "a description must lead to a string or a text file")),
        }
    }

    /// Follows `reference` (standing in `doc` at `at`) and the references that stand where it
    /// leads, until a value or a component of the kind's section of the root.
    fn follow(&mut self, doc: usize, at: &[String], reference: &str, kind: Kind) -> Result<Target, Error> {
        if doc == 0 && plain_component_ref(reference, kind) {
            // As lowering follows it (and names it when it leads nowhere).
            let name = reference.rsplit('/').next().unwrap_or_default();
            return Ok(Target::Component(name.to_string()));
        }
        let (mut from, mut from_at, mut current) = (doc, at.to_vec(), reference.to_string());
        for _ in 0..MAX_CHAIN {
            let place = self.locate(from, &from_at, &current, 0)?;
            if let Some(section) = kind.section() {
                if place.doc == 0 && place.ptr.len() == 3 && place.ptr[0] == "components" && place.ptr[1] == section {
                    return Ok(Target::Component(place.ptr[2].clone()));
                }
                if let Some(name) = self.homes.get(&(section, place.clone())) {
                    return Ok(Target::Component(name.clone()));
                }
            }
            match self.value_at(&place).and_then(|v| v.get("$ref")) {
                Some(Value::String(next)) => {
                    current = next.clone();
                    from = place.doc;
                    from_at = place.ptr;
                }
                _ => return Ok(Target::Place(place)),
            }
        }
        Err(self.unresolved(doc, at, reference, "a reference cycle that never reaches a value"))
    }

    /// The place a reference names, following references it passes through on the way.
    fn locate(&mut self, doc: usize, at: &[String], reference: &str, depth: usize) -> Result<Place, Error> {
        if depth > MAX_CHAIN {
            return Err(self.unresolved(doc, at, reference, "a reference cycle that never reaches a value"));
        }
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let d = if file.is_empty() { doc } else { self.open(doc, at, reference, file)? };
        self.parse(d)?;
        let tokens = decode_fragment(fragment).ok_or_else(|| {
            self.unresolved(doc, at, reference, "the part after `#` must be a JSON pointer (`#/a/b`)")
        })?;
        let mut place = Place { doc: d, ptr: Vec::new() };
        for token in tokens {
            // A place on the way that is a reference stands for where it leads.
            let mut hops = 0;
            while let Some(Value::String(inner)) = self.value_at(&place).and_then(|v| v.get("$ref")) {
                hops += 1;
                if hops > MAX_CHAIN {
                    return Err(self.unresolved(doc, at, reference, "a reference cycle that never reaches a value"));
                }
                let inner = inner.clone();
                place = self.locate(place.doc, &place.ptr.clone(), &inner, depth + 1)?;
            }
            let child = match self.value_at(&place) {
                Some(Value::Object(map)) => map.contains_key(&token),
                Some(Value::Array(items)) => {
                    token.parse::<usize>().is_ok_and(|i| i < items.len() && i.to_string() == token)
                }
                _ => false,
            };
            if !child {
                let mut missing = place.ptr.clone();
                missing.push(token);
                let whose = if place.doc == 0 { String::new() } else { format!(" of {}", self.docs[place.doc].name) };
                return Err(self.unresolved(
                    doc,
                    at,
                    reference,
                    format!("there is nothing at {}{whose}", missing.iter().fold(Pointer::root(), |p, t| p.push(t))),
                ));
            }
            place.ptr.push(token);
        }
        Ok(place)
    }

    fn value_at(&self, place: &Place) -> Option<&Value> {
        let mut value = self.docs[place.doc].value.as_ref()?;
        for token in &place.ptr {
            value = match value {
                Value::Object(map) => map.get(token)?,
                Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(value)
    }

    /// A copy of the value at a place, counted against [`Options::max_copied`].
    fn copy(&mut self, place: &Place, doc: usize, at: &[String]) -> Result<Value, Error> {
        let value = self.value_at(place).cloned().unwrap_or(Value::Null);
        self.copied += count(&value);
        let max = self.source.options.max_copied;
        if self.copied > max {
            let reference = self.describe(place.doc, &place.ptr);
            return Err(self.refuse(
                doc,
                at,
                &reference,
                format!("copying the values references stand for would make more than {max}; make the repeated parts components (the limit is load::Options::max_copied)"),
            ));
        }
        Ok(value)
    }

    fn parse(&mut self, d: usize) -> Result<(), Error> {
        if self.docs[d].value.is_none() {
            let doc = &self.docs[d];
            let value = crate::load::parse_text(&doc.name, &doc.text, doc.json)?;
            self.docs[d].value = Some(value);
        }
        Ok(())
    }

    /// The index of the file `file` names (relative to the directory of `doc`, which asks for
    /// it at `at`), read if it was not yet: inside the allowed directories and the limits.
    fn open(&mut self, doc: usize, at: &[String], reference: &str, file: &str) -> Result<usize, Error> {
        let lower = file.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return Err(self.refuse(
                doc,
                at,
                reference,
                "a remote reference: download it first (no network at generation time) and refer to the local copy",
            ));
        }
        let scheme = file
            .split_once(':')
            .is_some_and(|(s, _)| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)));
        if scheme {
            return Err(self.refuse(doc, at, reference, "only relative file paths are followed"));
        }
        let Some(decoded) = percent_decode(file) else {
            return Err(self.unresolved(doc, at, reference, "the file name is not valid percent-encoded UTF-8"));
        };
        if decoded.starts_with(['/', '\\']) || Path::new(&decoded).is_absolute() {
            return Err(self.refuse(
                doc,
                at,
                reference,
                "an absolute path: write it relative to the file that refers to it",
            ));
        }
        let Some(dir) = self.docs[doc].dir.clone() else {
            return Err(self.refuse(
                doc,
                at,
                reference,
                "the document was not read from a file, so there is no directory to find other files in; read it from its file, or bundle it into one file first",
            ));
        };
        let joined = dir.join(&decoded);
        let path = joined
            .canonicalize()
            .map_err(|e| self.refuse(doc, at, reference, format!("cannot read {}: {e}", joined.display())))?;
        if !self.roots.iter().any(|root| path.starts_with(root)) {
            let tree = self.roots.first().map_or_else(|| "?".into(), |r| r.display().to_string());
            return Err(self.refuse(
                doc,
                at,
                reference,
                format!(
                    "{} is outside {tree}, the directory of the root document; move it there, or allow its directory (`--allow-dir DIR`, `allow_dirs` in the manifest)",
                    path.display()
                ),
            ));
        }
        if let Some(&d) = self.by_path.get(&path) {
            return Ok(d);
        }
        let options = &self.source.options;
        if self.docs.len() > options.max_files {
            let max = options.max_files;
            return Err(self.refuse(
                doc,
                at,
                reference,
                format!("more than {max} files are referenced; that is the limit (load::Options::max_files)"),
            ));
        }
        let max = options.max_bytes;
        let too_big = || {
            format!(
                "the referenced files are more than {max} bytes in all; that is the limit (load::Options::max_bytes)"
            )
        };
        let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
        // Only regular files: a device or a pipe could be endless, or never answer.
        let metadata = std::fs::metadata(&path).map_err(|e| self.refuse(doc, at, reference, cannot(e)))?;
        if !metadata.is_file() {
            return Err(self.refuse(doc, at, reference, format!("{} is not a regular file", path.display())));
        }
        if self.bytes.saturating_add(metadata.len()) > max {
            return Err(self.refuse(doc, at, reference, too_big()));
        }
        // The file may have grown since: read no more than the limit allows.
        let mut bytes = Vec::new();
        let file = std::fs::File::open(&path).map_err(|e| self.refuse(doc, at, reference, cannot(e)))?;
        std::io::Read::read_to_end(
            &mut std::io::Read::take(file, max.saturating_sub(self.bytes).saturating_add(1)),
            &mut bytes,
        )
        .map_err(|e| self.refuse(doc, at, reference, cannot(e)))?;
        if self.bytes + bytes.len() as u64 > max {
            return Err(self.refuse(doc, at, reference, too_big()));
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| self.refuse(doc, at, reference, format!("{} is not UTF-8 text", path.display())))?;
        self.bytes += text.len() as u64;
        // Named from the root's directory as the root was named, so that messages stay short.
        let root_dir = self.docs[0].dir.clone();
        let shown = match (root_dir.as_ref().and_then(|r| path.strip_prefix(r).ok()), self.source.path.as_ref()) {
            (Some(relative), Some(root)) => root.parent().unwrap_or(Path::new("")).join(relative).display().to_string(),
            _ => path.display().to_string(),
        };
        let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        self.docs.push(Doc {
            name: shown,
            dir: path.parent().map(Path::to_path_buf),
            stem: path.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
            text,
            json,
            value: None,
        });
        self.by_path.insert(path, self.docs.len() - 1);
        Ok(self.docs.len() - 1)
    }
}

/// Whether a file name says YAML or JSON (anything else is text when a description names it).
fn is_document(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    [".yaml", ".yml", ".json"].iter().any(|e| lower.ends_with(e))
}

/// `{$ref: ...}` pointing at a root component (other members kept, as lowering ignores them).
fn set_ref(value: &mut Value, section: &str, name: &str) {
    if let Value::Object(map) = value {
        map.insert(
            "$ref".into(),
            Value::String(Pointer::root().push("components").push(section).push(name).to_string()),
        );
    }
}

/// Makes a copied value fit the place it is copied to: a request body used as a response has
/// no `required` and needs a description.
fn fix(value: &mut Value, kind: Kind) {
    if kind == Kind::Response {
        if let Value::Object(map) = value {
            map.remove("required");
            map.entry("description").or_insert_with(|| Value::String(String::new()));
        }
    }
}

/// The number of values in a value, itself included.
fn count(value: &Value) -> usize {
    let mut n = 0;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        n += 1;
        match v {
            Value::Object(map) => stack.extend(map.values()),
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    n
}

/// `allOf` as `AllOf`, `application/json` as `ApplicationJson`.
fn pascal(token: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in token.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = true;
        }
    }
    out
}

/// The tokens of a URI fragment that is a JSON pointer: percent-decoded, then `~1` and `~0`
/// unescaped. `None` when it is not one.
fn decode_fragment(fragment: &str) -> Option<Vec<String>> {
    let fragment = percent_decode(fragment)?;
    if fragment.is_empty() {
        return Some(Vec::new());
    }
    let rest = fragment.strip_prefix('/')?;
    Some(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

/// `%20` as a space; `None` when the bytes are not UTF-8 or an escape is cut short.
fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_decode() {
        assert_eq!(decode_fragment(""), Some(vec![]));
        assert_eq!(decode_fragment("/paths/~1a~0b/get"), Some(vec!["paths".into(), "/a~b".into(), "get".into()]));
        assert_eq!(
            decode_fragment("/components/schemas/My%20Thing"),
            Some(vec!["components".into(), "schemas".into(), "My Thing".into()])
        );
        // `~01` is `~1` unescaped once, not `/`.
        assert_eq!(decode_fragment("/a~01"), Some(vec!["a~1".into()]));
        assert_eq!(decode_fragment("anchor"), None);
        assert_eq!(decode_fragment("/a%2"), None);
        assert_eq!(pascal("allOf"), "AllOf");
        assert_eq!(pascal("application/json"), "ApplicationJson");
    }
}
