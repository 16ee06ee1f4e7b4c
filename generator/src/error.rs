//! The generator's errors: one line each, naming the place in the spec (a JSON pointer) and,
//! where there is one, the fix.

use std::path::PathBuf;

/// Everything that can stop generation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec or overlay file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The document is not valid YAML or JSON.
    #[error("{file}: invalid YAML/JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// Which document.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// The document is OpenAPI, but not a version this generator reads.
    #[error("{file}: {found} is not supported: this generator reads OpenAPI 3.0.x, 3.1.x and 3.2.x documents{hint}")]
    UnsupportedVersion {
        /// Which document.
        file: String,
        /// The version found, e.g. `OpenAPI 3.1.0` or `Swagger 2.0`.
        found: String,
        /// How to get a 3.0 document.
        hint: &'static str,
    },
    /// The document does not match the OpenAPI 3.0 schema.
    #[error("{file}: not a valid OpenAPI 3.0 document at {pointer}: {}", one_line(.message))]
    Schema {
        /// Which document.
        file: String,
        /// Where in the document.
        pointer: String,
        /// What serde said.
        message: String,
    },
    /// An overlay action could not be applied.
    #[error("{file}: overlay action {index} ({}): {}", one_line(.target), one_line(.message))]
    Overlay {
        /// The overlay file.
        file: String,
        /// 0-based index of the action.
        index: usize,
        /// The action's target expression.
        target: String,
        /// What went wrong.
        message: String,
    },
    /// A `$ref` that points nowhere, or somewhere of the wrong kind.
    #[error("{pointer}: unresolvable $ref `{}`: {}", one_line(.reference), one_line(.reason))]
    UnresolvedRef {
        /// Where the reference stands.
        pointer: String,
        /// The reference text.
        reference: String,
        /// Why it could not be followed.
        reason: String,
    },
    /// A `$ref` to another file that is not followed: remote, outside the allowed directories,
    /// or past a limit.
    #[error("{file}: {pointer}: $ref `{}` not followed: {}", one_line(.reference), one_line(.why))]
    Reference {
        /// The file that holds the reference.
        file: String,
        /// Where in that file the reference stands.
        pointer: String,
        /// The reference text.
        reference: String,
        /// Why it is refused, and what to do instead.
        why: String,
    },
    /// Two operations share an operationId.
    #[error("{pointer}: duplicate operationId `{}` (also used at {first}); operationIds must be unique", one_line(.id))]
    DuplicateOperationId {
        /// The second use.
        pointer: String,
        /// The first use.
        first: String,
        /// The id.
        id: String,
    },
    /// A construct the generator does not turn into Rust.
    #[error("{pointer}: unsupported: {}", one_line(.what))]
    Unsupported {
        /// Where it stands.
        pointer: String,
        /// What it is, and the way around it when there is one.
        what: String,
    },
    /// The spec is well-formed but contradicts itself.
    #[error("{pointer}: invalid: {}", one_line(.what))]
    Invalid {
        /// Where it stands.
        pointer: String,
        /// What is wrong.
        what: String,
    },
    /// A template for a non-Rust file failed to render (a generator bug, reported not panicked).
    #[error("template {name}: {message}")]
    Template {
        /// The template.
        name: String,
        /// What minijinja said.
        message: String,
    },
    /// The emitted Rust did not parse (a generator bug, reported not panicked).
    #[error("emitted file {file} is not valid Rust: {message}")]
    Emit {
        /// The output file.
        file: String,
        /// What syn said.
        message: String,
    },
    /// A checked-in IR file (`api.json`) that cannot be read back.
    #[error("{file}: not an IR file this generator reads ({message}); regenerate to replace it")]
    IrFile {
        /// The file.
        file: String,
        /// What serde said.
        message: String,
    },
    /// A configuration value that cannot be used (a generated-by text that would end the comment
    /// it stands in, say).
    #[error("invalid configuration: {field}: {message}")]
    Config {
        /// The `Config` field.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A strict generation that met places it would otherwise leave out or read loosely.
    #[error("strict generation refused {count} warning(s); the first: {}: {}", one_line(.pointer), one_line(.message))]
    Strict {
        /// How many warnings there were.
        count: usize,
        /// Where the first is.
        pointer: String,
        /// What it says.
        message: String,
    },
    /// A crate version the change report cannot bump.
    #[error("crate version `{version}` is not of the form MAJOR.MINOR.PATCH: set it by hand")]
    Version {
        /// The version found.
        version: String,
    },
}

impl Error {
    pub(crate) fn unsupported(pointer: &Pointer, what: impl Into<String>) -> Self {
        Error::Unsupported { pointer: pointer.to_string(), what: what.into() }
    }

    pub(crate) fn invalid(pointer: &Pointer, what: impl Into<String>) -> Self {
        Error::Invalid { pointer: pointer.to_string(), what: what.into() }
    }

    /// The place in the spec an error is about, when it is about one place: what a lenient
    /// generation leaves out instead of refusing the document.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Error::Schema { pointer, .. }
            | Error::UnresolvedRef { pointer, .. }
            | Error::DuplicateOperationId { pointer, .. }
            | Error::Unsupported { pointer, .. }
            | Error::Invalid { pointer, .. } => Some(pointer),
            _ => None,
        }
    }

    /// What is wrong, without the place (the message a warning at [`Error::pointer`] carries).
    pub fn reason(&self) -> String {
        match self {
            Error::Schema { message, .. } => one_line(message),
            Error::UnresolvedRef { reference, reason, .. } => {
                format!("unresolvable $ref `{}`: {}", one_line(reference), one_line(reason))
            }
            Error::DuplicateOperationId { first, id, .. } => {
                format!("duplicate operationId `{}` (also used at {first})", one_line(id))
            }
            Error::Unsupported { what, .. } => format!("unsupported: {}", one_line(what)),
            Error::Invalid { what, .. } => format!("invalid: {}", one_line(what)),
            other => other.to_string(),
        }
    }
}

/// Text from a spec, on one line: control characters (a newline, say) written as escapes, so
/// that every message is one line whatever the spec holds.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// A JSON pointer into the spec, printed in the `#/paths/~1user/get` form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pointer(String);

impl Pointer {
    /// The document root.
    pub fn root() -> Self {
        Pointer(String::new())
    }

    /// Parses the `#/a/b` form of a local `$ref`.
    pub fn from_ref(reference: &str) -> Option<Self> {
        reference.strip_prefix('#').map(|rest| Pointer(rest.to_string()))
    }

    /// This pointer, one token deeper.
    pub fn push(&self, token: impl AsRef<str>) -> Self {
        let escaped = token.as_ref().replace('~', "~0").replace('/', "~1");
        Pointer(format!("{}/{}", self.0, escaped))
    }

    /// The pointer without the leading `#`, as `serde_json::Value::pointer` takes it.
    pub fn as_json_pointer(&self) -> &str {
        &self.0
    }
}

/// Control characters in a name are percent-encoded (as in a URI fragment), so that a message
/// naming a place always stays on one line.
impl std::fmt::Display for Pointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("#")?;
        for c in self.0.chars() {
            if c.is_control() {
                let mut buf = [0; 4];
                for byte in c.encode_utf8(&mut buf).bytes() {
                    write!(f, "%{byte:02X}")?;
                }
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}
