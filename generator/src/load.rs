//! Load: read YAML or JSON (JSON as JSON) into a `serde_json::Value`, refuse versions other than
//! OpenAPI 3.0, 3.1 and 3.2, bundle the files it refers to, apply overlays, bring a 3.1 or 3.2
//! document to the 3.0 shape (the private module `upgrade`), then deserialize into `openapiv3::OpenAPI`.

use std::path::PathBuf;

use serde_json::Value;

pub use crate::bundle::Options;
use crate::error::{Error, Pointer};
use crate::ir::{Fate, LeftOut};
use crate::overlay;
use crate::Warning;

/// A document and the name it is reported under (usually its path).
#[derive(Debug, Clone)]
pub struct Source {
    /// Shown in error messages.
    pub name: String,
    /// The document's text, YAML or JSON.
    pub text: String,
    /// The file it was read from: its directory is where relative `$ref`s to other files are
    /// looked up. A document without one may refer only within itself.
    pub path: Option<PathBuf>,
    /// Which other files its `$ref`s may reach, and how many.
    pub options: Options,
}

impl Source {
    /// A document from text in memory.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source { name: name.into(), text: text.into(), path: None, options: Options::default() }
    }

    /// Reads a document from disk.
    pub fn read(path: &std::path::Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        Ok(Source {
            name: path.display().to_string(),
            text,
            path: Some(path.to_path_buf()),
            options: Options::default(),
        })
    }

    /// The same document, its references confined by `options`.
    pub fn with_options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }
}

/// Parses YAML or JSON into a JSON value; non-string keys such as `200:` become strings, as they
/// are in JSON. A document that nests deeper than [`MAX_NESTING`] is refused with a pointer to
/// the first place that does, however deep it goes, in time linear in its size. JSON (a `.json`
/// file, or text that starts with `{`) is read as JSON: YAML's reader refuses the surrogate
/// pairs (`"\ud83d\udcd8"`) that JSON writes for characters outside the basic plane.
pub fn parse_document(source: &Source) -> Result<Value, Error> {
    let json_file = source.path.as_ref().is_some_and(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")));
    parse_text(&source.name, &source.text, json_file)
}

/// [`parse_document`] of text named `name`; `json_file` when its name says it is JSON.
pub(crate) fn parse_text(name: &str, text: &str, json_file: bool) -> Result<Value, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if json_file || text.trim_start().starts_with('{') {
        match read_json(text) {
            Ok(value) => return Ok(value),
            Err(Refusal::Reading(failure)) => return Err(failure.error(name)),
            // A YAML flow mapping starts with `{` too: only a `.json` file must be JSON.
            Err(syntax) if json_file => return Err(syntax.error(name)),
            Err(_) => {}
        }
    }
    parse_yaml(name, text)
}

fn parse_yaml(name: &str, text: &str) -> Result<Value, Error> {
    // libyaml's scanner takes time that grows with the square of the nesting of flow
    // collections (`{a: {a: ...}}`, all of JSON): 25 s for 100,000 levels. Where the document
    // may nest that deep, read it only up to a point well past the limit: if the limit is
    // passed there, that is the answer, found quickly. The estimate can be too high (brackets
    // in block scalars, say), never too low for well-formed text, so when the limit is not
    // passed the whole document is read as usual.
    // (A failure found in that first part is the whole document's first failure too; only a
    // syntax error may be the cut's doing.)
    if let Some(end) = flow_nesting_passes(text, 2 * MAX_NESTING) {
        if let Err(Refusal::Reading(failure)) = read(&text[..end]) {
            return Err(failure.error(name));
        }
    }
    read(text).map_err(|refusal| refusal.error(name))
}

/// Why reading a document stopped.
enum Refusal {
    /// The text is not YAML (or not JSON): where, and what the parser said.
    Syntax { line: usize, column: usize, message: String },
    /// The YAML has no JSON form, or nests too deep.
    Reading(Failure),
}

impl Refusal {
    fn syntax(line: usize, column: usize, message: String) -> Self {
        // Both parsers append " at line X column Y" themselves; the location is in our fields.
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        Refusal::Syntax { line, column, message }
    }

    fn error(self, file: &str) -> Error {
        match self {
            Refusal::Reading(failure) => failure.error(file),
            Refusal::Syntax { line, column, message } => {
                Error::Syntax { file: file.to_string(), line, column, message }
            }
        }
    }
}

/// What made a document unreadable, and where: the path is gathered as the failure travels out
/// of the nested readers (innermost segment first), so reading costs nothing for it.
struct Failure {
    problem: Problem,
    path: Vec<String>,
}

enum Problem {
    /// A value at the nesting limit.
    TooDeep,
    /// A number JSON cannot hold (infinite, or not a number).
    NotJson(f64),
    /// A mapping key that is a list, a mapping or tagged.
    Key,
}

impl Failure {
    fn error(self, file: &str) -> Error {
        let pointer = self.path.iter().rev().fold(Pointer::root(), |at, segment| at.push(segment)).to_string();
        match self.problem {
            Problem::TooDeep => Error::Unsupported { pointer, what: too_deep_message() },
            Problem::NotJson(f) => Error::Schema {
                file: file.to_string(),
                pointer,
                message: format!("the number {f} cannot be represented in JSON"),
            },
            Problem::Key => Error::Schema {
                file: file.to_string(),
                pointer,
                message: "a mapping key must be a string, number or boolean".into(),
            },
        }
    }
}

fn too_deep_message() -> String {
    format!("the document nests more than {MAX_NESTING} levels deep here; flatten it with named components")
}

/// Reads YAML text straight into a JSON value, refusing at the nesting limit.
fn read(text: &str) -> Result<Value, Refusal> {
    let reader = Reader { failure: std::cell::RefCell::new(None) };
    let result = serde::de::DeserializeSeed::deserialize(
        Node { reader: &reader, depth: 0 },
        serde_yaml::Deserializer::from_str(text),
    );
    match (reader.failure.into_inner(), result) {
        (Some(failure), _) => Err(Refusal::Reading(failure)),
        (None, result) => result.map_err(|e| {
            let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
            Refusal::syntax(line, column, e.to_string())
        }),
    }
}

/// Reads JSON text into a JSON value with the same limits and messages as [`read`].
fn read_json(text: &str) -> Result<Value, Refusal> {
    let reader = Reader { failure: std::cell::RefCell::new(None) };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let result = serde::de::DeserializeSeed::deserialize(Node { reader: &reader, depth: 0 }, &mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    match (reader.failure.into_inner(), result) {
        (Some(failure), _) => Err(Refusal::Reading(failure)),
        (None, result) => result.map_err(|e| Refusal::syntax(e.line(), e.column(), e.to_string())),
    }
}

/// Shared by the readers of one document: the failure, once there is one.
struct Reader {
    failure: std::cell::RefCell<Option<Failure>>,
}

impl Reader {
    fn fail<E: serde::de::Error>(&self, problem: Problem) -> E {
        *self.failure.borrow_mut() = Some(Failure { problem, path: Vec::new() });
        E::custom("refused")
    }

    /// Adds the place a failure passes through on its way out.
    fn through(&self, segment: impl FnOnce() -> String) {
        if let Some(failure) = self.failure.borrow_mut().as_mut() {
            failure.path.push(segment());
        }
    }
}

/// Reads one value at `depth` (its path's length).
struct Node<'r> {
    reader: &'r Reader,
    depth: usize,
}

impl<'de> serde::de::DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        if self.depth >= MAX_NESTING {
            return Err(self.reader.fail(Problem::TooDeep));
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    /// An integer beyond 64 bits (an example, a default) becomes the nearest double, as
    /// serde_json reads one.
    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Value, E> {
        self.visit_f64(v as f64)
    }

    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Value, E> {
        self.visit_f64(v as f64)
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v).map(Value::Number).ok_or_else(|| self.reader.fail(Problem::NotJson(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            match seq.next_element_seed(Node { reader: self.reader, depth: self.depth + 1 }) {
                Ok(Some(item)) => items.push(item),
                Ok(None) => return Ok(Value::Array(items)),
                Err(e) => {
                    let index = items.len();
                    self.reader.through(|| index.to_string());
                    return Err(e);
                }
            }
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key_seed(KeyReader { reader: self.reader })? {
            if out.contains_key(&key.text) {
                return Err(serde::de::Error::custom(key.duplicate()));
            }
            match map.next_value_seed(Node { reader: self.reader, depth: self.depth + 1 }) {
                Ok(value) => {
                    out.insert(key.text, value);
                }
                Err(e) => {
                    self.reader.through(|| key.text);
                    return Err(e);
                }
            }
        }
        Ok(Value::Object(out))
    }

    /// A tagged value (`!name value`) is its value.
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        use serde::de::VariantAccess;
        let (_tag, value): (serde::de::IgnoredAny, _) = data.variant()?;
        value.newtype_variant_seed(self)
    }
}

/// A mapping key as JSON has it (a string), and how YAML wrote it.
struct Key {
    text: String,
    kind: KeyKind,
}

enum KeyKind {
    String,
    Number,
    Bool,
    Null,
}

impl Key {
    /// The message serde_yaml gives for a key written twice.
    fn duplicate(&self) -> String {
        match self.kind {
            KeyKind::String => format!("duplicate entry with key {:?}", self.text),
            KeyKind::Number => format!("duplicate entry with key {}", self.text),
            KeyKind::Bool => format!("duplicate entry with key `{}`", self.text),
            KeyKind::Null => "duplicate entry with null key".into(),
        }
    }
}

struct KeyReader<'r> {
    reader: &'r Reader,
}

impl<'de> serde::de::DeserializeSeed<'de> for KeyReader<'_> {
    type Value = Key;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for KeyReader<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string, number or boolean")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Key, E> {
        Ok(Key { text: v.to_string(), kind: KeyKind::Bool })
    }

    fn visit_i64<E>(self, v: i64) -> Result<Key, E> {
        Ok(Key { text: v.to_string(), kind: KeyKind::Number })
    }

    fn visit_u64<E>(self, v: u64) -> Result<Key, E> {
        Ok(Key { text: v.to_string(), kind: KeyKind::Number })
    }

    fn visit_i128<E>(self, v: i128) -> Result<Key, E> {
        Ok(Key { text: v.to_string(), kind: KeyKind::Number })
    }

    fn visit_u128<E>(self, v: u128) -> Result<Key, E> {
        Ok(Key { text: v.to_string(), kind: KeyKind::Number })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Key, E> {
        Ok(Key { text: serde_yaml::Number::from(v).to_string(), kind: KeyKind::Number })
    }

    fn visit_str<E>(self, v: &str) -> Result<Key, E> {
        Ok(Key { text: v.to_string(), kind: KeyKind::String })
    }

    fn visit_string<E>(self, v: String) -> Result<Key, E> {
        Ok(Key { text: v, kind: KeyKind::String })
    }

    fn visit_unit<E>(self) -> Result<Key, E> {
        Ok(Key { text: "null".into(), kind: KeyKind::Null })
    }

    fn visit_none<E>(self) -> Result<Key, E> {
        Ok(Key { text: "null".into(), kind: KeyKind::Null })
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Key, A::Error> {
        Err(self.reader.fail(Problem::Key))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<Key, A::Error> {
        Err(self.reader.fail(Problem::Key))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, _: A) -> Result<Key, A::Error> {
        Err(self.reader.fail(Problem::Key))
    }
}

/// Where the flow collections of YAML text (`[...]`, `{...}`; all of JSON) first nest `limit`
/// deep: the offset just past the bracket that opens the `limit`th, or `None` when they never
/// do. One pass over the bytes. Brackets inside quoted scalars and comments do not count; in
/// block context a bracket counts where a node can start (after `key:`, `-`, `?`, an anchor or
/// a tag, or first on its line), so the estimate errs high (a block scalar's `[` may count), and
/// for well-formed text never low.
fn flow_nesting_passes(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    // The last byte that is not a space, or `\n` at the start of a line in block context.
    let mut last = b'\n';
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let node_start = if depth == 0 {
            matches!(last, b':' | b'-' | b'?' | b'\n')
        } else {
            matches!(last, b'[' | b'{' | b',' | b':' | b'?')
        };
        match b {
            b'\n' => {
                if depth == 0 {
                    last = b'\n';
                }
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' if node_start => {
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' if b == b'"' => i += 2,
                        q if q == b => {
                            // `''` is a quote inside a single-quoted scalar.
                            if b == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                                i += 2;
                            } else {
                                break;
                            }
                        }
                        _ => i += 1,
                    }
                }
                i += 1;
                last = b;
                continue;
            }
            // An anchor or a tag before a node: the node starts after it.
            b'&' | b'!' if node_start && depth == 0 => {
                while i < bytes.len() && !matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
                    i += 1;
                }
                continue;
            }
            // A block scalar: skip the lines indented past the node's own.
            b'|' | b'>' if node_start && depth == 0 => {
                let line_start = bytes[..i].iter().rposition(|&c| c == b'\n').map_or(0, |p| p + 1);
                let mut indent = line_start;
                while indent < i && matches!(bytes[indent], b' ' | b'-' | b'?') {
                    indent += 1;
                }
                let indent = indent - line_start;
                i = bytes[i..].iter().position(|&c| c == b'\n').map_or(bytes.len(), |p| i + p);
                while i < bytes.len() {
                    let next = i + 1;
                    let spaces = bytes[next..].iter().take_while(|&&c| c == b' ').count();
                    let rest = next + spaces;
                    let blank = rest >= bytes.len() || matches!(bytes[rest], b'\n' | b'\r');
                    if !blank && spaces <= indent {
                        break;
                    }
                    i = bytes[next..].iter().position(|&c| c == b'\n').map_or(bytes.len(), |p| next + p);
                }
                continue;
            }
            b'[' | b'{' if depth > 0 || node_start => {
                depth += 1;
                if depth >= limit {
                    return Some(i + 1);
                }
            }
            b']' | b'}' if depth > 0 => depth -= 1,
            _ => {}
        }
        last = b;
        i += 1;
    }
    None
}

/// Refuses anything but OpenAPI 3.0.x, 3.1.x and 3.2.x, naming what was found.
fn check_version(doc: &Value, file: &str) -> Result<(), Error> {
    if let Some(swagger) = doc.get("swagger") {
        let found = format!("Swagger {}", swagger.as_str().unwrap_or("(unknown version)"));
        return Err(Error::UnsupportedVersion {
            file: file.to_string(),
            found,
            hint: " (convert it first, e.g. with swagger2openapi)",
        });
    }
    match doc.get("openapi") {
        Some(Value::String(v)) if ["3.0.", "3.1.", "3.2."].iter().any(|p| v.starts_with(p)) => Ok(()),
        Some(Value::String(v)) => {
            Err(Error::UnsupportedVersion { file: file.to_string(), found: format!("OpenAPI {v}"), hint: "" })
        }
        Some(other) => Err(Error::Schema {
            file: file.to_string(),
            pointer: "#/openapi".into(),
            message: format!("`openapi` must be a version string such as \"3.0.3\", found {other}"),
        }),
        None => Err(Error::Schema {
            file: file.to_string(),
            pointer: "#".into(),
            message: "missing the `openapi` version field; is this an OpenAPI document?".into(),
        }),
    }
}

/// How deep a document may nest. Real specs stay under 15 levels; the OpenAPI parser's
/// untagged enums backtrack exponentially in depth on malformed input, so a deeper document is
/// refused before it is parsed rather than left to run for minutes.
pub const MAX_NESTING: usize = 64;

/// The first place where `value` nests deeper than `limit`, as a path (innermost segment
/// first). One pass, bounded by the limit; the path is only built for a document refused.
fn too_deep(value: &Value, limit: usize) -> Option<Vec<String>> {
    if limit == 0 {
        return Some(Vec::new());
    }
    let through = |segment: String, mut path: Vec<String>| {
        path.push(segment);
        path
    };
    match value {
        Value::Object(map) => map.iter().find_map(|(k, v)| too_deep(v, limit - 1).map(|path| through(k.clone(), path))),
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, v)| too_deep(v, limit - 1).map(|path| through(i.to_string(), path)))
        }
        _ => None,
    }
}

/// Writes out the default of `explode` in every request body's `encoding` entry, which depends
/// on the style (true for `form`, the default style; false for the others): openapiv3 reads an
/// absent `explode` as false, which would turn the default (`tags=a&tags=b`) into `tags=a,b`.
fn default_encoding_explode(doc: &mut Value) {
    fn media_types(body: &mut Value) {
        let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else { return };
        for media in content.values_mut() {
            let Some(encoding) = media.get_mut("encoding").and_then(Value::as_object_mut) else { continue };
            for entry in encoding.values_mut() {
                let Some(entry) = entry.as_object_mut() else { continue };
                if !entry.contains_key("explode") {
                    let form = entry.get("style").is_none_or(|s| s == "form");
                    entry.insert("explode".into(), Value::Bool(form));
                }
            }
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for operation in item.values_mut() {
                if let Some(body) = operation.get_mut("requestBody") {
                    media_types(body);
                }
            }
        }
    }
    let bodies = doc.pointer_mut("/components/requestBodies").and_then(Value::as_object_mut);
    for body in bodies.into_iter().flat_map(|b| b.values_mut()) {
        media_types(body);
    }
}

/// Reads the spec, applies the overlays in order, and parses the result into the typed document,
/// strictly: the first malformed place refuses the document.
pub fn load(spec: &Source, overlays: &[Source]) -> Result<openapiv3::OpenAPI, Error> {
    load_with(spec, overlays, true).map(|loaded| loaded.document)
}

/// [`load`], with the policy for a document wrong in places. A 3.1 or 3.2 document is first
/// brought to the 3.0 shape (the private module `upgrade`). Then, with `strict`, the first malformed
/// place refuses it; otherwise each malformed schema is read as a free-form value and each
/// malformed operation or component is left out, with the warnings returned beside the document.
pub fn load_with(spec: &Source, overlays: &[Source], strict: bool) -> Result<Loaded, Error> {
    let mut raw = merge(spec, overlays)?;
    let mut warnings = Vec::new();
    if !is_3_0(&raw) {
        crate::upgrade::upgrade(&mut raw, &mut warnings);
    }
    let mut left_out = Vec::new();
    crate::validate::schemas(&mut raw, &spec.name, strict, &mut warnings, &mut left_out)?;
    if !strict {
        leave_out_untyped(&mut raw, &mut warnings, &mut left_out);
    }
    Ok(Loaded { document: typed(raw, &spec.name)?, warnings, left_out })
}

/// A document read leniently: the typed document, the warnings, and the places left out.
#[derive(Debug)]
pub struct Loaded {
    /// The typed document.
    pub document: openapiv3::OpenAPI,
    /// What was repaired or left out, and why.
    pub warnings: Vec<Warning>,
    /// The places left out (a schema read as a free-form value counts).
    pub left_out: Vec<LeftOut>,
}

/// Leaves out each operation, path item and component that the typed parse would refuse (a
/// parameter without `in`, a response that is not a mapping...), with a warning naming it, so
/// that one malformed place does not refuse the document. A component schema becomes a
/// free-form value instead; references to another left-out component fail where they stand,
/// and lowering leaves out what holds them.
fn leave_out_untyped(doc: &mut Value, warnings: &mut Vec<Warning>, left_out: &mut Vec<LeftOut>) {
    use serde::de::DeserializeOwned;
    /// Where `value` fails to parse as `T`, relative to it, and why.
    /// (A reference is checked by the typed parse as a reference; only a value is parsed as `T`
    /// here, directly: through `ReferenceOr`, an untagged enum, the inner path would be lost.)
    fn failure<T: DeserializeOwned>(value: &Value) -> Option<(String, String)> {
        if value.get("$ref").is_some() {
            return None;
        }
        let e = serde_path_to_error::deserialize::<_, T>(value).err()?;
        Some((json_pointer(e.path()), e.inner().to_string()))
    }
    let mut gone = |at: Pointer, inner: String, message: String, fate: Fate| {
        let what = fate.describe();
        warnings.push(Warning { pointer: at.to_string(), message: format!("{what} (#{inner}: {message})") });
        left_out.push(LeftOut { pointer: at.to_string(), fate });
    };
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        let keys: Vec<String> = paths.keys().filter(|k| !k.starts_with("x-")).cloned().collect();
        for key in keys {
            let at = Pointer::root().push("paths").push(&key);
            let Some(item) = paths.get_mut(&key) else { continue };
            let Some((inner, message)) = failure::<openapiv3::PathItem>(item) else { continue };
            // The operation the failure is in, when it is in one; else the whole path item.
            let method = inner.split('/').nth(1).filter(|m| OPERATION_KEYS.contains(m)).map(String::from);
            match (method, item.as_object_mut()) {
                (Some(method), Some(map)) => {
                    map.remove(&method);
                    gone(at.push(&method), format!("{}{inner}", at.as_json_pointer()), message, Fate::OperationLeftOut);
                }
                _ => {
                    paths.remove(&key);
                    gone(at.clone(), format!("{}{inner}", at.as_json_pointer()), message, Fate::OperationLeftOut);
                }
            }
        }
    }
    let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) else { return };
    for (section, keys) in components.iter_mut().filter(|(k, _)| !k.starts_with("x-")) {
        let Some(entries) = keys.as_object_mut() else { continue };
        let names: Vec<String> = entries.keys().cloned().collect();
        for name in names {
            let Some(entry) = entries.get_mut(&name) else { continue };
            let at = Pointer::root().push("components").push(section).push(&name);
            let found = match section.as_str() {
                "schemas" => failure::<openapiv3::Schema>(entry),
                "responses" => failure::<openapiv3::Response>(entry),
                "parameters" => failure::<openapiv3::Parameter>(entry),
                "examples" => failure::<openapiv3::Example>(entry),
                "requestBodies" => failure::<openapiv3::RequestBody>(entry),
                "headers" => failure::<openapiv3::Header>(entry),
                "securitySchemes" => failure::<openapiv3::SecurityScheme>(entry),
                "links" => failure::<openapiv3::Link>(entry),
                "callbacks" => failure::<openapiv3::Callback>(entry),
                _ => None,
            };
            let Some((inner, message)) = found else { continue };
            let inner = format!("{}{inner}", at.as_json_pointer());
            if section == "schemas" {
                *entry = Value::Object(serde_json::Map::new());
                gone(at, inner, message, Fate::SchemaAsJson);
            } else {
                entries.remove(&name);
                gone(at, inner, message, Fate::ComponentLeftOut);
            }
        }
    }
}

/// The keys of a path item that hold operations.
const OPERATION_KEYS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// A serde_path_to_error path as a JSON pointer (without the `#`).
fn json_pointer(path: &serde_path_to_error::Path) -> String {
    let mut pointer = Pointer::root();
    for segment in path.iter() {
        use serde_path_to_error::Segment;
        pointer = match segment {
            Segment::Seq { index } => pointer.push(index.to_string()),
            Segment::Map { key } => pointer.push(key),
            Segment::Enum { variant } => pointer.push(variant),
            Segment::Unknown => pointer,
        };
    }
    pointer.as_json_pointer().to_string()
}

/// Reads the spec and applies the overlays in order: the merged document in its own OpenAPI
/// version, checked (version, nesting) and not yet typed; its schemas are checked by
/// [`load_with`], once a 3.1 or 3.2 document is brought to the 3.0 shape.
pub fn merge(spec: &Source, overlays: &[Source]) -> Result<Value, Error> {
    let mut raw = parse_document(spec)?;
    if !raw.is_object() {
        return Err(Error::Schema {
            file: spec.name.clone(),
            pointer: "#".into(),
            message: "the document must be a mapping at the top level".into(),
        });
    }
    check_version(&raw, &spec.name)?;
    crate::upgrade::local_references(&mut raw);
    raw = crate::bundle::bundle(raw, spec)?;
    for source in overlays {
        let overlay = parse_document(source).map_err(|e| match e {
            // The pointer is into the overlay, not the spec: say so.
            Error::Unsupported { pointer, what } => {
                Error::Unsupported { pointer, what: format!("in the overlay {}, {what}", source.name) }
            }
            other => other,
        })?;
        overlay::apply(&mut raw, &overlay, &source.name)?;
    }
    if !overlays.is_empty() {
        // What the overlays added refers the way the spec does: resolved the same way.
        raw = crate::bundle::bundle(raw, spec)?;
    }
    check_version(&raw, &spec.name)?;
    // Overlays can deepen what each document kept within the limit.
    if let Some(path) = too_deep(&raw, MAX_NESTING) {
        return Err(Failure { problem: Problem::TooDeep, path }.error(&spec.name));
    }
    Ok(raw)
}

fn is_3_0(doc: &Value) -> bool {
    doc.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.0"))
}

/// The typed form of a merged document (`file` names it in errors). The document is consumed:
/// each part is freed as it is read, so the two forms are never whole in memory together.
pub fn typed(mut raw: Value, file: &str) -> Result<openapiv3::OpenAPI, Error> {
    default_encoding_explode(&mut raw);
    serde_path_to_error::deserialize(raw).map_err(|e| Error::Schema {
        file: file.to_string(),
        pointer: format!("#{}", json_pointer(e.path())),
        message: e.inner().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::{flow_nesting_passes, parse_text, MAX_NESTING};
    use crate::error::Error;

    #[test]
    fn json_is_read_as_json() {
        // A surrogate pair (YAML's reader refuses each half) and a byte order mark.
        let text = "\u{feff}{\"title\": \"Books \\ud83d\\udcd8\", \"n\": 1}";
        let value = parse_text("a.json", text, true).expect("reads");
        assert_eq!(value["title"], "Books \u{1f4d8}");
        // Without the file name saying so, text that starts with `{` is tried as JSON first.
        assert_eq!(parse_text("a", text, false).expect("reads")["title"], "Books \u{1f4d8}");
        // A YAML flow mapping starts with `{` too, and is still YAML.
        assert_eq!(parse_text("a.yaml", "{openapi: 3.0.3, n: 0x10}", false).expect("reads")["n"], 16);
        // Syntax errors keep their place.
        match parse_text("a.json", "{\n  \"a\": 1,\n  \"b\": ]\n}", true) {
            Err(Error::Syntax { file, line, column, message }) => {
                assert_eq!((file.as_str(), line, column), ("a.json", 3, 8));
                assert_eq!(message, "expected value");
            }
            other => panic!("{other:?}"),
        }
        match parse_text("a.json", "{\"a\": 1, \"a\": 2}", true) {
            Err(Error::Syntax { message, .. }) => assert_eq!(message, "duplicate entry with key \"a\""),
            other => panic!("{other:?}"),
        }
        // The nesting limit holds, with the place named.
        let deep = format!("{}1{}", "{\"a\": ".repeat(MAX_NESTING + 5), "}".repeat(MAX_NESTING + 5));
        match parse_text("deep.json", &deep, true) {
            Err(Error::Unsupported { pointer, .. }) => assert_eq!(pointer, format!("#{}", "/a".repeat(MAX_NESTING))),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn flow_nesting_is_estimated_in_one_pass() {
        // JSON and YAML flow collections: the offset just past the bracket at the limit.
        assert_eq!(flow_nesting_passes(r#"{"a": {"b": [1]}}"#, 3), Some(13));
        assert_eq!(flow_nesting_passes(r#"{"a": {"b": [1]}}"#, 4), None);
        assert_eq!(flow_nesting_passes("a: {b: {c: 1}}\nd: [[x]]\n", 3), None);
        assert_eq!(flow_nesting_passes("a: {b: {c: 1}}\nd: [[x]]\n", 2), Some(8));
        // Brackets in quoted scalars, comments, plain text and block scalars do not count.
        assert_eq!(flow_nesting_passes(r#"{"a": "[[[", 'b': '{{''{'}"#, 2), None);
        assert_eq!(flow_nesting_passes("a: x # [[[\n- y[[[\n", 2), None);
        assert_eq!(flow_nesting_passes("a: don't [[[\nb: \"it's\"\n", 2), None);
        assert_eq!(flow_nesting_passes("a: |\n  [[[\n  {{{\nb: 1\n", 2), None);
        assert_eq!(flow_nesting_passes("- a: >-\n    [[[\n  b: [[x]]\n", 2), Some(23));
        // Anchors and tags before a collection.
        assert_eq!(flow_nesting_passes("a: &x [[1]]\nb: !t {c: {}}\n", 2), Some(8));
        // A bracket that opens a plain scalar's continuation line is counted: an estimate too
        // high, which costs a second reading, never a wrong answer.
        assert_eq!(flow_nesting_passes("a: x\n  [ y\n  [ z\n", 2), Some(14));
    }
}
