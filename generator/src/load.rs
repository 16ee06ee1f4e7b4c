//! Load: read YAML or JSON into a `serde_json::Value`, refuse versions other than OpenAPI 3.0,
//! apply overlays, then deserialize into `openapiv3::OpenAPI`.

use serde_json::Value;

use crate::error::{Error, Pointer};
use crate::overlay;

/// A document and the name it is reported under (usually its path).
#[derive(Debug, Clone)]
pub struct Source {
    /// Shown in error messages.
    pub name: String,
    /// The document's text, YAML or JSON.
    pub text: String,
}

impl Source {
    /// A document from text in memory.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source { name: name.into(), text: text.into() }
    }

    /// Reads a document from disk.
    pub fn read(path: &std::path::Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        Ok(Source { name: path.display().to_string(), text })
    }
}

/// The spec after overlays: both the raw value (for extensions and pointers) and the typed form.
pub struct Loaded {
    /// The merged document.
    pub raw: Value,
    /// The typed document.
    pub spec: openapiv3::OpenAPI,
}

/// Parses YAML or JSON (JSON is YAML) into a JSON value; non-string keys such as `200:` become
/// strings, as they are in JSON.
pub fn parse_document(source: &Source) -> Result<Value, Error> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(&source.text).map_err(|e| {
        let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
        // serde_yaml appends " at line X column Y" itself; the location is already in our fields.
        let message = e.to_string();
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        Error::Syntax { file: source.name.clone(), line, column, message }
    })?;
    yaml_to_json(yaml, &Pointer::root(), &source.name)
}

fn yaml_to_json(value: serde_yaml::Value, at: &Pointer, file: &str) -> Result<Value, Error> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f).map(Value::Number).ok_or_else(|| Error::Schema {
                    file: file.to_string(),
                    pointer: at.to_string(),
                    message: format!("the number {f} cannot be represented in JSON"),
                })?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| yaml_to_json(v, &at.push(i.to_string()), file))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    _ => {
                        return Err(Error::Schema {
                            file: file.to_string(),
                            pointer: at.to_string(),
                            message: "a mapping key must be a string, number or boolean".into(),
                        })
                    }
                };
                let child = at.push(&key);
                out.insert(key, yaml_to_json(v, &child, file)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, at, file)?,
    })
}

/// Refuses anything but OpenAPI 3.0.x, naming what was found.
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
        Some(Value::String(v)) if v.starts_with("3.0") => Ok(()),
        Some(Value::String(v)) => Err(Error::UnsupportedVersion {
            file: file.to_string(),
            found: format!("OpenAPI {v}"),
            hint: if v.starts_with("3.") {
                " (3.1 changes nullable, exclusiveMinimum and type arrays; write the spec as 3.0.3)"
            } else {
                ""
            },
        }),
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

/// The first place where `value` nests deeper than `limit`.
fn too_deep(value: &Value, at: &Pointer, limit: usize) -> Option<Pointer> {
    if limit == 0 {
        return Some(at.clone());
    }
    match value {
        Value::Object(map) => map.iter().find_map(|(k, v)| too_deep(v, &at.push(k), limit - 1)),
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, v)| too_deep(v, &at.push(i.to_string()), limit - 1))
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

/// Reads the spec, applies the overlays in order, and parses the result.
pub fn load(spec: &Source, overlays: &[Source]) -> Result<Loaded, Error> {
    let mut raw = parse_document(spec)?;
    if !raw.is_object() {
        return Err(Error::Schema {
            file: spec.name.clone(),
            pointer: "#".into(),
            message: "the document must be a mapping at the top level".into(),
        });
    }
    check_version(&raw, &spec.name)?;
    for source in overlays {
        let overlay = parse_document(source)?;
        overlay::apply(&mut raw, &overlay, &source.name)?;
    }
    check_version(&raw, &spec.name)?;
    if let Some(at) = too_deep(&raw, &Pointer::root(), MAX_NESTING) {
        return Err(Error::Unsupported {
            pointer: at.to_string(),
            what: format!(
                "the document nests more than {MAX_NESTING} levels deep here; flatten it with named components"
            ),
        });
    }
    crate::validate::schemas(&raw, &spec.name)?;
    let mut spec_value = raw.clone();
    default_encoding_explode(&mut spec_value);
    let spec: openapiv3::OpenAPI = serde_path_to_error::deserialize(spec_value).map_err(|e| {
        let mut pointer = Pointer::root();
        for segment in e.path().iter() {
            use serde_path_to_error::Segment;
            pointer = match segment {
                Segment::Seq { index } => pointer.push(index.to_string()),
                Segment::Map { key } => pointer.push(key),
                Segment::Enum { variant } => pointer.push(variant),
                Segment::Unknown => pointer,
            };
        }
        Error::Schema { file: spec.name.clone(), pointer: pointer.to_string(), message: e.inner().to_string() }
    })?;
    Ok(Loaded { raw, spec })
}
