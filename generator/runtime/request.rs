//! One request, as the generated code describes it: path segments percent-encoded one by one,
//! query parameters in the styles OpenAPI defines, headers checked for line breaks.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use super::error::Error;
use super::model::sending;

/// Everything but the unreserved characters of RFC 3986 is encoded in a path segment or a value.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
/// Query names keep `[` and `]` readable (`state[]`, `meta_data[key]`).
const NAME: &AsciiSet = &STRICT.remove(b'[').remove(b']');

/// How a query parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `name=a&name=b`; objects as `key=value`.
    FormExploded,
    /// `name=a,b`.
    Form,
    /// `name=a%20b`.
    SpaceDelimited,
    /// `name=a|b`.
    PipeDelimited,
    /// `name[key]=value`.
    DeepObject,
}

/// How one property of a form body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    /// Spread over keys as a query parameter of this style would be.
    Styled(QueryStyle),
    /// As JSON text (`encoding.contentType: application/json`).
    Json,
}

/// A request, before it is sent.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    pub(crate) path: String,
    /// The operation's own server URL, when the spec gives it one (absolute, or relative to
    /// the client's base URL).
    pub(crate) server: Option<&'static str>,
    /// Names as given, values already percent-encoded (delimiters of list styles stay literal).
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) cookies: Vec<(String, String)>,
    pub(crate) body: Option<(std::borrow::Cow<'static, str>, bytes::Bytes)>,
    pub(crate) accept: Option<&'static str>,
    pub(crate) auth: &'static [&'static str],
    /// Every security scheme of the API may be used (a raw request), not only `auth`.
    pub(crate) any_auth: bool,
    /// Set when following a pagination link: the URL as the server gave it. Boxed: a request
    /// is part of the state of its future, copied whenever that is moved.
    pub(crate) url: Option<Box<reqwest::Url>>,
}

/// A query value, percent-encoded.
pub(crate) fn encode(value: &str) -> String {
    // Through `Cow`, not `Display`: text with nothing to encode is copied whole.
    std::borrow::Cow::from(utf8_percent_encode(value, STRICT)).into_owned()
}

/// List items encoded one by one and joined by a delimiter that is not encoded, so a comma
/// inside an item stays apart from the commas between items.
fn join(items: &[String], delimiter: &str) -> String {
    items.iter().map(|i| encode(i)).collect::<Vec<_>>().join(delimiter)
}

/// A parameter's value as a string, through its serde form.
fn scalar(value: &Value, name: &str) -> Result<Option<String>, Error> {
    Ok(match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(_) | Value::Object(_) => {
            return Err(Error::InvalidRequest(format!(
                "parameter `{name}` must be a scalar here, not a list or object"
            )))
        }
    })
}

/// A value in a style, as `(name, encoded value)` pairs: the query parameters it makes, or the
/// fields of a form body. A list or object nested inside another is refused, or for a form body
/// (`nested_as_json`) sent as JSON text.
fn styled(name: &str, style: QueryStyle, value: Value, nested_as_json: bool) -> Result<Vec<(String, String)>, Error> {
    let leaf = |v: &Value| -> Result<Option<String>, Error> {
        match v {
            Value::Array(_) | Value::Object(_) if nested_as_json => Ok(Some(v.to_string())),
            other => scalar(other, name),
        }
    };
    let mut out = Vec::new();
    match value {
        Value::Null => {}
        Value::Array(items) => {
            let items: Vec<String> =
                items.iter().map(leaf).collect::<Result<Vec<_>, _>>()?.into_iter().flatten().collect();
            match style {
                QueryStyle::FormExploded | QueryStyle::DeepObject => {
                    out.extend(items.iter().map(|v| (name.to_string(), encode(v))))
                }
                QueryStyle::Form => out.push((name.to_string(), join(&items, ","))),
                QueryStyle::SpaceDelimited => out.push((name.to_string(), join(&items, "%20"))),
                QueryStyle::PipeDelimited => out.push((name.to_string(), join(&items, "%7C"))),
            }
        }
        Value::Object(map) => match style {
            QueryStyle::DeepObject => {
                for (key, v) in map {
                    if let Some(v) = leaf(&v)? {
                        out.push((format!("{name}[{key}]"), encode(&v)));
                    }
                }
            }
            QueryStyle::FormExploded => {
                for (key, v) in map {
                    if let Some(v) = leaf(&v)? {
                        out.push((key, encode(&v)));
                    }
                }
            }
            _ => {
                let mut parts = Vec::new();
                for (key, v) in map {
                    if let Some(v) = leaf(&v)? {
                        parts.push(key);
                        parts.push(v);
                    }
                }
                out.push((name.to_string(), join(&parts, ",")));
            }
        },
        scalar_value => {
            if let Some(v) = scalar(&scalar_value, name)? {
                out.push((name.to_string(), encode(&v)));
            }
        }
    }
    Ok(out)
}

/// The text of a scalar parameter, `None` for a null: what `scalar(&to_value(value))` gives,
/// written straight from the value's serde form instead of through a `serde_json::Value`.
fn text(value: &impl Serialize, name: &str) -> Result<Option<String>, Error> {
    match value.serialize(ScalarText) {
        Ok(text) => Ok(text),
        Err(Unwritten) => scalar(&to_value(value, name)?, name),
    }
}

/// A value [`ScalarText`] leaves to `serde_json`: a list, an object, a float, a 128-bit
/// integer, bytes, or a `Serialize` that failed; its text or its error comes from there.
#[derive(Debug)]
struct Unwritten;

impl std::fmt::Display for Unwritten {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a scalar written directly")
    }
}

impl std::error::Error for Unwritten {}

impl serde::ser::Error for Unwritten {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Unwritten
    }
}

/// Writes a string, a boolean, an integer, a unit variant (its name) or a null (`None`) as the
/// text `serde_json` gives it; leaves everything else to `serde_json` ([`Unwritten`]).
struct ScalarText;

type Compound = serde::ser::Impossible<Option<String>, Unwritten>;

impl serde::Serializer for ScalarText {
    type Ok = Option<String>;
    type Error = Unwritten;
    type SerializeSeq = Compound;
    type SerializeTuple = Compound;
    type SerializeTupleStruct = Compound;
    type SerializeTupleVariant = Compound;
    type SerializeMap = Compound;
    type SerializeStruct = Compound;
    type SerializeStructVariant = Compound;

    fn serialize_bool(self, v: bool) -> Result<Self::Ok, Unwritten> {
        Ok(Some(if v { "true" } else { "false" }.to_string()))
    }
    fn serialize_i8(self, v: i8) -> Result<Self::Ok, Unwritten> {
        Ok(Some(v.to_string()))
    }
    fn serialize_i16(self, v: i16) -> Result<Self::Ok, Unwritten> {
        Ok(Some(v.to_string()))
    }
    fn serialize_i32(self, v: i32) -> Result<Self::Ok, Unwritten> {
        Ok(Some(v.to_string()))
    }
    fn serialize_i64(self, v: i64) -> Result<Self::Ok, Unwritten> {
        Ok(Some(v.to_string()))
    }
    fn serialize_u8(self, v: u8) -> Result<Self::Ok, Unwritten> {
        Ok(Some(v.to_string()))
    }
    fn serialize_u16(self, v: u16) -> Result<Self::Ok, Unwritten> {
        Ok(Some(v.to_string()))
    }
    fn serialize_u32(self, v: u32) -> Result<Self::Ok, Unwritten> {
        Ok(Some(v.to_string()))
    }
    fn serialize_u64(self, v: u64) -> Result<Self::Ok, Unwritten> {
        Ok(Some(v.to_string()))
    }
    fn serialize_i128(self, _: i128) -> Result<Self::Ok, Unwritten> {
        Err(Unwritten)
    }
    fn serialize_u128(self, _: u128) -> Result<Self::Ok, Unwritten> {
        Err(Unwritten)
    }
    fn serialize_f32(self, _: f32) -> Result<Self::Ok, Unwritten> {
        Err(Unwritten)
    }
    fn serialize_f64(self, _: f64) -> Result<Self::Ok, Unwritten> {
        Err(Unwritten)
    }
    fn serialize_char(self, v: char) -> Result<Self::Ok, Unwritten> {
        Ok(Some(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Self::Ok, Unwritten> {
        Ok(Some(v.to_string()))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, Unwritten> {
        Err(Unwritten)
    }
    fn serialize_none(self) -> Result<Self::Ok, Unwritten> {
        Ok(None)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<Self::Ok, Unwritten> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Self::Ok, Unwritten> {
        Ok(None)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, Unwritten> {
        Ok(None)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<Self::Ok, Unwritten> {
        Ok(Some(variant.to_string()))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Unwritten> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, Unwritten> {
        Err(Unwritten)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound, Unwritten> {
        Err(Unwritten)
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound, Unwritten> {
        Err(Unwritten)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound, Unwritten> {
        Err(Unwritten)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound, Unwritten> {
        Err(Unwritten)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound, Unwritten> {
        Err(Unwritten)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound, Unwritten> {
        Err(Unwritten)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound, Unwritten> {
        Err(Unwritten)
    }
}

/// What the client sends: read-only fields left out (see [`sending`]).
fn to_value(value: &impl Serialize, name: &str) -> Result<Value, Error> {
    sending(|| serde_json::to_value(value)).map_err(|e| Error::InvalidRequest(format!("parameter `{name}`: {e}")))
}

fn check_header_value(name: &str, value: &str) -> Result<(), Error> {
    if value.contains(['\r', '\n', '\0']) {
        return Err(Error::InvalidRequest(format!("the value of header `{name}` contains a line break or NUL")));
    }
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)) {
        return Err(Error::InvalidRequest(format!("`{name}` is not a valid header name")));
    }
    Ok(())
}

impl Request {
    /// A request for an operation.
    pub fn new(
        operation: &'static str,
        method: Method,
        path_template: &'static str,
        auth: &'static [&'static str],
    ) -> Self {
        Request {
            operation,
            method,
            path_template,
            // The template's length is about the path's: one allocation instead of one per segment.
            path: String::with_capacity(path_template.len() + 16),
            server: None,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            accept: None,
            auth,
            any_auth: false,
            url: None,
        }
    }

    /// What errors of this request name: its operation, method, and the path called relative
    /// to `base` (the client's base URL) without its query, beside the template.
    pub(crate) fn call(&self, base: &reqwest::Url) -> super::error::Call {
        let path = match &self.url {
            // A pagination link or an absolute raw URL: its path, less the base URL's own.
            Some(url) => {
                let prefix = base.path().trim_end_matches('/');
                match url.path().strip_prefix(prefix) {
                    Some(rest) if rest.starts_with('/') && super::execute::same_origin(url, base) => rest.to_string(),
                    _ => url.path().to_string(),
                }
            }
            None => {
                let end = self.path.bytes().position(|b| b == b'?' || b == b'#').unwrap_or(self.path.len());
                self.path[..end].to_string()
            }
        };
        super::error::Call {
            operation: self.operation,
            method: self.method.clone(),
            path,
            path_template: self.path_template,
            secrets: Default::default(),
        }
    }

    /// Sends the request to the operation's own server instead of the client's base URL.
    pub fn server(&mut self, url: &'static str) {
        self.server = Some(url);
    }

    /// Appends literal path text from the template.
    pub fn path(&mut self, literal: &str) {
        self.path.push_str(literal);
    }

    /// Appends one path parameter as one segment: every reserved character is encoded, so the
    /// value cannot add a segment, a query or a fragment.
    pub fn path_param(&mut self, name: &str, value: &impl Serialize) -> Result<(), Error> {
        let text = text(value, name)?.unwrap_or_default();
        if text.is_empty() || text == "." || text == ".." {
            return Err(Error::InvalidRequest(format!(
                "path parameter `{name}` cannot be `{text}`: it would change the path"
            )));
        }
        self.path.extend(utf8_percent_encode(&text, STRICT));
        Ok(())
    }

    /// Adds a query parameter in the given style; `None` adds nothing.
    pub fn query(&mut self, name: &str, style: QueryStyle, value: &impl Serialize) -> Result<(), Error> {
        // A scalar is one pair in every style.
        if let Ok(text) = value.serialize(ScalarText) {
            self.query.extend(text.map(|text| (name.to_string(), encode(&text))));
            return Ok(());
        }
        let value = to_value(value, name)?;
        self.query.extend(styled(name, style, value, false)?);
        Ok(())
    }

    /// Adds a header parameter; lists are comma-separated.
    pub fn header(&mut self, name: &str, value: &impl Serialize) -> Result<(), Error> {
        let text = match value.serialize(ScalarText) {
            Ok(text) => text,
            Err(Unwritten) => match to_value(value, name)? {
                Value::Array(items) => Some(
                    items
                        .iter()
                        .map(|v| scalar(v, name))
                        .collect::<Result<Vec<_>, _>>()?
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                other => scalar(&other, name)?,
            },
        };
        if let Some(text) = text {
            check_header_value(name, &text)?;
            self.headers.push((name.to_string(), text));
        }
        Ok(())
    }

    /// Adds a cookie parameter.
    pub fn cookie(&mut self, name: &str, value: &impl Serialize) -> Result<(), Error> {
        if let Some(text) = text(value, name)? {
            self.cookies.push((name.to_string(), utf8_percent_encode(&text, STRICT).to_string()));
        }
        Ok(())
    }

    /// The media type asked for.
    pub fn accept(&mut self, media: &'static str) {
        self.accept = Some(media);
    }

    /// A JSON body.
    pub fn json_body(&mut self, content_type: &'static str, body: &impl Serialize) -> Result<(), Error> {
        let bytes = sending(|| serde_json::to_vec(body)).map_err(|e| Error::InvalidRequest(format!("request body: {e}")))?;
        self.body = Some((content_type.into(), bytes.into()));
        Ok(())
    }

    /// A form-encoded body, from a value that serializes as an object. Each property is
    /// written in the style `fields` gives it, by default `form`, exploded: a list as repeated
    /// keys (`tags=a&tags=b`), an object as its own keys (`k=v`).
    pub fn form_body(
        &mut self,
        content_type: &'static str,
        body: &impl Serialize,
        fields: &[(&str, FormField)],
    ) -> Result<(), Error> {
        let Value::Object(map) = to_value(body, "body")? else {
            return Err(Error::InvalidRequest("a form body must be an object".into()));
        };
        let mut pairs = Vec::new();
        for (key, v) in map {
            let field = fields.iter().find(|(name, _)| *name == key).map(|(_, f)| *f);
            match field.unwrap_or(FormField::Styled(QueryStyle::FormExploded)) {
                FormField::Json if !v.is_null() => pairs.push((key, encode(&v.to_string()))),
                FormField::Json => {}
                FormField::Styled(style) => pairs.extend(styled(&key, style, v, true)?),
            }
        }
        let text: Vec<String> =
            pairs.iter().map(|(name, value)| format!("{}={value}", utf8_percent_encode(name, NAME))).collect();
        self.body = Some((content_type.into(), text.join("&").into_bytes().into()));
        Ok(())
    }

    /// A text body.
    pub fn text_body(&mut self, content_type: &'static str, body: &str) {
        self.body = Some((content_type.into(), body.to_string().into_bytes().into()));
    }

    /// A raw body, with the content type the caller gave it.
    pub fn raw_body(&mut self, body: &RawBody) -> Result<(), Error> {
        let content_type = body.content_type.trim();
        if content_type.is_empty() || content_type.contains('*') {
            return Err(Error::InvalidRequest(format!(
                "`{content_type}` is not a content type to send: name the body's media type"
            )));
        }
        check_header_value("content-type", content_type)?;
        self.body = Some((content_type.to_string().into(), body.bytes.clone()));
        Ok(())
    }

    /// A `multipart/form-data` body.
    pub fn multipart_body(&mut self, form: Multipart) -> Result<(), Error> {
        let (content_type, bytes) = form.encode()?;
        self.body = Some((content_type.into(), bytes));
        Ok(())
    }

    /// The query string, names and values encoded.
    pub(crate) fn query_string(&self) -> String {
        let mut out = String::new();
        for (name, value) in &self.query {
            if !out.is_empty() {
                out.push('&');
            }
            out.extend(utf8_percent_encode(name, NAME));
            out.push('=');
            out.push_str(value);
        }
        out
    }

    pub(crate) fn check_headers(extra: &[(String, String)]) -> Result<(), Error> {
        extra.iter().try_for_each(|(n, v)| check_header_value(n, v))
    }
}

/// A request body sent as it is, for operations whose spec takes media types the client does
/// not encode itself (`*/*`, `application/octet-stream`, `image/png`, ...): the bytes and the
/// `Content-Type` to send them with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBody {
    content_type: String,
    bytes: bytes::Bytes,
}

impl RawBody {
    /// The bytes to send and their media type, e.g. `RawBody::new("image/png", png)`.
    pub fn new(content_type: impl Into<String>, bytes: impl Into<bytes::Bytes>) -> Self {
        RawBody { content_type: content_type.into(), bytes: bytes.into() }
    }

    /// The media type sent as `Content-Type`.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The bytes sent.
    pub fn bytes(&self) -> &bytes::Bytes {
        &self.bytes
    }
}

/// The parts of a `multipart/form-data` body, in order.
#[derive(Debug, Default)]
pub struct Multipart {
    parts: Vec<(String, Part)>,
}

#[derive(Debug)]
enum Part {
    Text(String),
    /// The bytes, the file name, the media type.
    File(bytes::Bytes, String, String),
}

/// A file part of a `multipart/form-data` body: its bytes, and the file name and media type it
/// is sent with. Unset, the file name is the part's name and the media type the one the API's
/// spec gives the part (its `encoding`), or else `application/octet-stream`.
///
/// Made from bytes (`Bytes`, `Vec<u8>`, `&'static [u8]`, `String`), so that a field of this type
/// takes them as they are: `FilePart::new(bytes).filename("report.pdf")` names the file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct FilePart {
    /// The file's content.
    pub bytes: bytes::Bytes,
    /// The file name sent in the part's `Content-Disposition`.
    pub filename: Option<String>,
    /// The part's `Content-Type`.
    pub content_type: Option<String>,
}

impl FilePart {
    /// A file part of these bytes, with the default file name and media type.
    pub fn new(bytes: impl Into<bytes::Bytes>) -> Self {
        Self { bytes: bytes.into(), filename: None, content_type: None }
    }

    /// Sends the part with this file name.
    pub fn filename(mut self, filename: impl Into<String>) -> Self {
        self.filename = Some(filename.into());
        self
    }

    /// Sends the part with this media type.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl From<bytes::Bytes> for FilePart {
    fn from(bytes: bytes::Bytes) -> Self {
        Self::new(bytes)
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<&'static [u8]> for FilePart {
    fn from(bytes: &'static [u8]) -> Self {
        Self::new(bytes)
    }
}

impl From<String> for FilePart {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

/// As its bytes: the file name and media type travel in the part's headers, not in a model.
impl Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.bytes.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        bytes::Bytes::deserialize(deserializer).map(Self::new)
    }
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// A text part: scalars as their text, lists and objects as JSON; `None` adds nothing.
    pub fn text(&mut self, name: &str, value: &impl Serialize) -> Result<(), Error> {
        let text = match to_value(value, name)? {
            Value::Array(_) | Value::Object(_) => Some(sending(|| serde_json::to_string(value)).map_err(|e| Error::InvalidRequest(format!("part `{name}`: {e}")))?),
            other => scalar(&other, name)?,
        };
        if let Some(text) = text {
            self.parts.push((name.to_string(), Part::Text(text)));
        }
        Ok(())
    }

    /// A file part: named and typed as the caller set it, or else named after the part and
    /// typed as the spec says (`content_type`) or as `application/octet-stream`.
    pub fn file(&mut self, name: &str, file: &FilePart, content_type: Option<&str>) -> Result<(), Error> {
        let filename = file.filename.clone().unwrap_or_else(|| name.to_string());
        if filename.contains(['\r', '\n', '"']) {
            return Err(Error::InvalidRequest(format!("part `{name}`: file name `{filename}` contains a quote or line break")));
        }
        let content_type = file.content_type.as_deref().or(content_type).unwrap_or("application/octet-stream");
        check_header_value("content-type", content_type)?;
        self.parts.push((name.to_string(), Part::File(file.bytes.clone(), filename, content_type.to_string())));
        Ok(())
    }

    /// The content type (with its boundary) and the encoded body.
    fn encode(self) -> Result<(String, bytes::Bytes), Error> {
        use std::hash::{BuildHasher, Hasher};
        // A random boundary, checked against the content so that no part can end the body early.
        let boundary = loop {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_usize(self.parts.len());
            let candidate = format!("openapi-rust-gen-{:016x}{:016x}", hasher.finish(), hasher.finish().rotate_left(17));
            let clash = self.parts.iter().any(|(_, part)| match part {
                Part::Text(t) => t.contains(&candidate),
                Part::File(b, _, _) => b.windows(candidate.len()).any(|w| w == candidate.as_bytes()),
            });
            if !clash {
                break candidate;
            }
        };
        let mut out: Vec<u8> = Vec::new();
        for (name, part) in &self.parts {
            if name.contains(['\r', '\n', '"']) {
                return Err(Error::InvalidRequest(format!("multipart part name `{name}` contains a quote or line break")));
            }
            out.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes());
            match part {
                Part::Text(text) => {
                    out.extend_from_slice(b"\r\n\r\n");
                    out.extend_from_slice(text.as_bytes());
                }
                Part::File(bytes, filename, content_type) => {
                    out.extend_from_slice(format!("; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
                    out.extend_from_slice(bytes);
                }
            }
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Ok((format!("multipart/form-data; boundary={boundary}"), out.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a parameter's text was before [`ScalarText`]: through a `serde_json::Value`.
    fn through_value(value: &impl Serialize) -> Result<Option<String>, String> {
        to_value(value, "p").and_then(|v| scalar(&v, "p")).map_err(|e| e.to_string())
    }

    fn same(value: &impl Serialize) {
        let direct = text(value, "p").map_err(|e| e.to_string());
        assert_eq!(direct, through_value(value));
    }

    #[derive(serde::Serialize)]
    enum State {
        Passed,
        #[serde(rename = "not_run")]
        NotRun,
        Other(u8),
    }

    #[derive(serde::Serialize)]
    struct Slug(String);

    #[derive(serde::Serialize)]
    struct Unit;

    struct Failing;

    impl Serialize for Failing {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("cannot write this"))
        }
    }

    #[test]
    fn scalars_are_written_as_their_serde_json_text() {
        same(&"acme");
        same(&String::from("a b/c?d"));
        same(&"");
        same(&true);
        same(&false);
        same(&-7i8);
        same(&i16::MIN);
        same(&i32::MAX);
        same(&i64::MIN);
        same(&u8::MAX);
        same(&u16::MAX);
        same(&u32::MAX);
        same(&u64::MAX);
        same(&'é');
        same(&Option::<i64>::None);
        same(&Some(42i64));
        same(&Some(Some("x")));
        same(&());
        same(&Unit);
        same(&State::Passed);
        same(&State::NotRun);
        same(&Slug("slug".into()));
        // Left to serde_json: its text or its error.
        same(&1.0f64);
        same(&0.1f32);
        same(&f64::NAN);
        same(&1e300f64);
        same(&i128::MAX);
        same(&-5i128);
        same(&(u128::from(u64::MAX) + 1));
        same(&State::Other(3));
        same(&vec![1, 2]);
        same(&std::collections::BTreeMap::from([("a", 1)]));
        same(&Failing);
        same(&serde_bytes_like());
        assert_eq!(text(&"x", "p").unwrap(), Some("x".to_string()));
        assert!(text(&vec![1], "p").unwrap_err().to_string().contains("must be a scalar"));
        assert!(text(&Failing, "p").unwrap_err().to_string().contains("cannot write this"));
    }

    /// A value that serializes as bytes.
    fn serde_bytes_like() -> impl Serialize {
        struct Bytes;
        impl Serialize for Bytes {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(b"ab")
            }
        }
        Bytes
    }

    #[test]
    fn scalar_query_headers_and_cookies_are_what_they_were() {
        let mut request = Request::new("op", Method::GET, "/x", &[]);
        for style in [
            QueryStyle::FormExploded,
            QueryStyle::Form,
            QueryStyle::SpaceDelimited,
            QueryStyle::PipeDelimited,
            QueryStyle::DeepObject,
        ] {
            request.query("q", style, &"a b,c").unwrap();
            request.query("n", style, &Option::<u32>::None).unwrap();
            request.query("state[]", style, &State::NotRun).unwrap();
            let expected: Vec<(String, String)> = styled("q", style, serde_json::json!("a b,c"), false)
                .unwrap()
                .into_iter()
                .chain(styled("state[]", style, serde_json::json!("not_run"), false).unwrap())
                .collect();
            assert_eq!(request.query, expected, "{style:?}");
            request.query.clear();
        }
        request.header("X-Count", &3u32).unwrap();
        request.header("X-List", &["a", "b"]).unwrap();
        request.header("X-None", &Option::<String>::None).unwrap();
        assert_eq!(
            request.headers,
            [("X-Count".to_string(), "3".to_string()), ("X-List".to_string(), "a,b".to_string())]
        );
        assert!(request.header("X-Bad", &"a\r\nb").is_err());
        request.cookie("session", &"a b").unwrap();
        assert_eq!(request.cookies, [("session".to_string(), "a%20b".to_string())]);
        request.path_param("id", &7u64).unwrap();
        assert_eq!(request.path, "7");
        assert!(request.path_param("id", &"..").is_err());
        assert!(request.path_param("id", &Option::<u8>::None).is_err());
    }
}
