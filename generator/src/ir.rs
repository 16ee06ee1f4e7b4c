//! The intermediate representation: the spec fully resolved (no `$ref` left), sorted, and with
//! every Rust name final and collision-free beside its wire name. Lowering makes every decision;
//! emission walks this and decides nothing. Serializable so that a snapshot shows reviewers what
//! a spec change means before any code is read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

mod webhooks;

pub use webhooks::{SignatureAlgorithm, SignatureScheme, SignedPart, WebhookEvent, WebhookScheme, Webhooks};

/// The whole API.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub docs: Docs,
    /// The first server's URL with its variables at their defaults; empty when the spec has none.
    pub base_url: String,
    /// Every server the spec lists, for documentation.
    pub servers: Vec<Server>,
    /// Security schemes, sorted by wire name.
    pub auth: Vec<AuthScheme>,
    /// Rate-limit header families the spec declares (`x-rate-limit`), in spec order.
    pub rate_limits: Vec<RateLimitHeaders>,
    /// Operation groups (one per tag), sorted by Rust name.
    pub groups: Vec<Group>,
    /// Every model, keyed and sorted by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// The events the API sends to receivers (`x-webhooks`), when the spec describes any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<Webhooks>,
    /// What the spec describes but the crate does not have, because that place of the spec could
    /// not be generated (the generator's warnings say why); sorted by pointer. Always empty for a
    /// crate generated with `strict`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<LeftOut>,
}

/// A place of the spec that the crate leaves out or reads loosely.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LeftOut {
    /// The JSON pointer of the place, e.g. `#/paths/~1pets/get`.
    pub pointer: String,
    /// What became of it.
    pub fate: Fate,
}

/// What became of a place that could not be generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// An operation the client has no method for.
    OperationLeftOut,
    /// A schema (or one property) read as a free-form `serde_json::Value`.
    SchemaAsJson,
    /// A security requirement the client does not offer.
    SecurityIgnored,
    /// A component (a parameter, a response...) that references to it cannot reach.
    ComponentLeftOut,
    /// A webhook event or an extension that was ignored.
    Ignored,
}

impl Fate {
    /// The generator's own words for it, for the README and API.md.
    pub fn describe(self) -> &'static str {
        match self {
            Fate::OperationLeftOut => "operation left out",
            Fate::SchemaAsJson => "read as a free-form `serde_json::Value`",
            Fate::SecurityIgnored => "security requirement not offered",
            Fate::ComponentLeftOut => "component left out",
            Fate::Ignored => "ignored",
        }
    }
}

/// A server entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Server {
    /// The URL with variables at their defaults.
    pub url: String,
    /// Its description.
    pub description: Option<String>,
}

/// Documentation carried from the spec.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Docs {
    /// A one-line summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Longer text, Markdown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// How a security scheme sends its credential.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthScheme {
    /// The scheme's key in `components.securitySchemes`.
    pub wire_name: String,
    /// What it sends.
    pub kind: AuthKind,
}

/// The kinds of credential the runtime can send.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuthKind {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// A key in a header, the query or a cookie.
    ApiKey {
        /// `header`, `query` or `cookie`.
        location: ParamLocation,
        /// The header, query or cookie name.
        name: String,
    },
}

/// The header names of one rate-limit family.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RateLimitHeaders {
    /// The family's name, e.g. `organization`.
    pub scope: String,
    /// Header with the window's limit.
    pub limit: String,
    /// Header with the requests left.
    pub remaining: String,
    /// Header with the seconds until the window resets.
    pub reset: String,
    /// Header with the server's name for the scope, if the spec names one (`scope-header`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_header: Option<String>,
}

/// The operations of one tag: `client.<name>()`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Group {
    /// Module and accessor name, snake case.
    pub name: String,
    /// The group handle's type name.
    pub type_name: String,
    /// The tag.
    pub wire_tag: String,
    /// The tag's description.
    pub docs: Docs,
    /// The tag's parent tag (OpenAPI 3.2's `parent`, `x-parent` after the upgrade), when it has
    /// one: the group follows its parent's in the order of groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Operations, sorted by method name.
    pub operations: Vec<Operation>,
}

/// One callable operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Operation {
    /// The operationId (or the name made from method and path).
    pub wire_id: String,
    /// The method on the group handle.
    pub method_name: String,
    /// The request builder's type name.
    pub builder_name: String,
    /// Upper-case HTTP method.
    pub http_method: String,
    /// The path template as written in the spec.
    pub path: String,
    /// The path split into literals and parameters.
    pub path_parts: Vec<PathPart>,
    /// The operation's own server (its `servers`, or its path's), variables at their defaults:
    /// the request goes there instead of the client's base URL; a relative URL is resolved
    /// against the base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// Parameters: required ones first in path order, then the rest sorted by name.
    pub params: Vec<Param>,
    /// The request body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<RequestBody>,
    /// The media type asked for in `Accept`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept: Option<String>,
    /// What a success returns.
    pub output: Output,
    /// The status of a success as the spec documents it (its lowest success code; 200 when it
    /// lists none or only `2XX`): what a mock server answers with.
    #[serde(default = "status_ok", skip_serializing_if = "is_status_ok")]
    pub success_status: u16,
    /// Link-header pagination, when the spec marks the operation as paginated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// Polls until a field of the response says done (`x-waiters`), one method each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiters: Vec<Waiter>,
    /// The documented JSON error bodies, as an enum keyed by status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<ErrorOutput>,
    /// Acceptable security schemes (wire names), in preference order; empty: send no credential.
    pub security: Vec<String>,
    /// Summary and description.
    pub docs: Docs,
    /// The operation's documentation page (`externalDocs.url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs_url: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
}

fn status_ok() -> u16 {
    200
}

fn is_status_ok(status: &u16) -> bool {
    *status == 200
}

/// A piece of a path template.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathPart {
    /// Literal text, sent as is.
    Literal(String),
    /// A parameter (its Rust name), percent-encoded as one segment.
    Param(String),
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
    /// In the `Cookie` header.
    Cookie,
}

/// How a query parameter is written.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum QueryStyle {
    /// `name=a&name=b` (arrays), `key=value` per property (objects).
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

/// A parameter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Param {
    /// The name on the wire.
    pub wire_name: String,
    /// The Rust argument or setter name.
    pub rust_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Required parameters are positional; the others are setters.
    pub required: bool,
    /// Its type (not wrapped in `Option`).
    pub ty: TypeRef,
    /// How it is serialized, for query parameters.
    pub style: QueryStyle,
    /// Its description.
    pub docs: Docs,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// The whole query string (OpenAPI 3.2's `in: querystring`, form-encoded): a query
    /// parameter whose type is an object of scalars, each property a key of the query. Its
    /// model gets a constructor and setters, as a request body's does.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub whole_query: bool,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum BodyEncoding {
    /// `application/json` and `+json` types.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// `text/plain`.
    Text,
    /// Raw bytes (`application/octet-stream` and anything else).
    Bytes,
}

/// The request body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestBody {
    /// The `Content-Type` sent; for raw bodies, which take theirs from the caller, the media
    /// types the spec declares, comma-separated.
    pub content_type: String,
    /// How it is encoded.
    pub encoding: BodyEncoding,
    /// Its type.
    pub ty: TypeRef,
    /// Required bodies are positional; optional ones a setter.
    pub required: bool,
    /// Its description.
    pub docs: Docs,
    /// For `multipart/form-data`: one part per property of the body type, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<FormPart>,
    /// For `application/x-www-form-urlencoded`: the properties whose `encoding` differs from
    /// the default (style `form`, exploded), in spec order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub form: Vec<FormEncoding>,
}

/// How one property of an `application/x-www-form-urlencoded` body is written.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FormEncoding {
    /// The property's wire name.
    pub wire_name: String,
    /// How a list or an object is spread over keys, as for a query parameter.
    pub style: QueryStyle,
    /// `contentType: application/json`: the value goes as JSON text instead.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub json: bool,
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FormPart {
    /// The part's name: the property's wire name.
    pub wire_name: String,
    /// The body type's field that holds it.
    pub field: String,
    /// A file part (`format: binary`), sent as bytes; otherwise text.
    pub binary: bool,
    /// The media type the spec's `encoding` gives the part, when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Whether the field is an `Option`.
    pub optional: bool,
}

/// What a success response decodes to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", tag = "kind", content = "type")]
pub enum Body {
    /// No body: `()`.
    Empty,
    /// JSON decoded into a type.
    Json(TypeRef),
    /// Text: `String`.
    Text,
    /// Bytes.
    Bytes,
    /// A body the spec does not describe: kept whole, decoded by its content type at run time.
    Undocumented,
    /// A sequential media type (3.2's `itemSchema`): a stream of items, each decoded as it comes.
    Items {
        /// How the body is cut into items.
        framing: Framing,
        /// Each item's type.
        item: TypeRef,
    },
}

/// How a sequential media type cuts its body into items.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Framing {
    /// JSON Lines, NDJSON: one item a line.
    Lines,
    /// JSON text sequences (RFC 7464): each item after a record separator.
    JsonSeq,
    /// Server-sent events: each event's data.
    EventStream,
}

/// Which statuses a response stands for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum StatusMatch {
    /// One status.
    Code(u16),
    /// `2XX`: the hundreds digit.
    Range(u16),
    /// `default`.
    Default,
}

/// The operation's result type.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Output {
    /// Every success status has the same body type.
    Single {
        /// That body.
        body: Body,
    },
    /// Success statuses with different bodies: an enum keyed by status.
    ByStatus {
        /// The enum's name (in the operation's module).
        type_name: String,
        /// One variant per response.
        variants: Vec<StatusVariant>,
    },
}

/// One variant of a status-keyed result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusVariant {
    /// The variant's name.
    pub name: String,
    /// Statuses it stands for.
    pub status: StatusMatch,
    /// Its body.
    pub body: Body,
    /// The response's description.
    pub docs: Docs,
}

/// An operation's documented error bodies: `{Builder}Error::from_error(&error)` decodes them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorOutput {
    /// The enum's name (in the operation's module).
    pub type_name: String,
    /// Whether this operation defines the enum (an alternate form of an operation shares it).
    pub defined_here: bool,
    /// One variant per documented error status with a JSON body, codes first, `default` last.
    pub variants: Vec<StatusVariant>,
    /// Error statuses documented without a JSON body: they decode to nothing, not to `default`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub without_body: Vec<StatusMatch>,
}

/// How a list operation pages: the item type and where the next page is found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pagination {
    /// The element type of the page array.
    pub item: TypeRef,
    /// Where the next page is: the `Link` header (the default), or a URL or cursor in the body.
    #[serde(default, skip_serializing_if = "PaginationStyle::is_link")]
    pub style: PaginationStyle,
}

/// A waiter (`x-waiters`): the operation sent again and again until one field of its response
/// holds a value that means done (or failed), with a growing, jittered delay and a time budget.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Waiter {
    /// Its key in `x-waiters` (`finished`).
    pub name: String,
    /// The builder's method (`wait_until_finished`).
    pub method_name: String,
    /// The watched field, a JSON pointer into the response body (`/state`).
    pub field: String,
    /// The values that end the wait with the response.
    pub success: Vec<String>,
    /// The values that end the wait with an error.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failure: Vec<String>,
    /// The values that mean "keep waiting"; when listed, any value in none of the lists is an
    /// error. Empty: every other value (and an absent field) keeps waiting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<String>,
    /// The first wait between two polls, in milliseconds; each next one doubles.
    pub delay_ms: u64,
    /// The longest wait between two polls, in milliseconds.
    pub max_delay_ms: u64,
    /// How long the wait may last in all, in milliseconds.
    pub budget_ms: u64,
    /// What it waits for, in the spec's words.
    pub docs: Docs,
}

/// Where the next page is. Positions in the body are JSON pointers (`/links/next`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PaginationStyle {
    /// The `Link` header's `rel="next"` URL; the body is the array of items.
    #[default]
    Link,
    /// A next-page URL in the body; the items in an array beside it.
    NextUrl { items: String, next: String },
    /// A cursor in the body, sent back as the query parameter `param`; the items beside it.
    Cursor { items: String, cursor: String, param: String },
}

impl PaginationStyle {
    /// Whether this is the default, `Link`-header pagination.
    pub fn is_link(&self) -> bool {
        matches!(self, PaginationStyle::Link)
    }
}

/// A reference to a type.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum TypeRef {
    /// A model in `types`.
    Named(String),
    /// A scalar.
    Prim(Prim),
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>`.
    Option(Box<TypeRef>),
    /// `Box<T>`, breaking a recursive type.
    Boxed(Box<TypeRef>),
    /// Any JSON value.
    Json,
}

/// Scalars.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Prim {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i8`.
    I8,
    /// `i16`.
    I16,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u8`.
    U8,
    /// `u16`.
    U16,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// A timestamp (`date-time`).
    DateTime,
    /// A calendar date (`date`).
    Date,
    /// A UUID.
    Uuid,
    /// Raw bytes (`binary`).
    Bytes,
    /// A file part of a multipart body (`format: binary`): its bytes, with the file name and
    /// media type the caller may set.
    File,
}

/// A model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypeDef {
    /// The Rust name.
    pub name: String,
    /// Where it was defined, as a JSON pointer.
    pub origin: String,
    /// Its description.
    pub docs: Docs,
    /// Whether a request body uses it (it then gets a constructor and setters).
    pub input: bool,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// What it is.
    pub kind: TypeKind,
}

/// The shapes of a model.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TypeKind {
    /// An object.
    Struct {
        /// Its properties, in spec order.
        fields: Vec<Field>,
        /// Keys beyond the properties, when `additionalProperties` allows them.
        #[serde(skip_serializing_if = "Option::is_none")]
        additional: Option<Extra>,
    },
    /// An open string enum: unknown values decode into `Unknown`.
    StringEnum {
        /// Known values.
        variants: Vec<EnumVariant>,
    },
    /// An open integer enum.
    IntEnum {
        /// Known values.
        variants: Vec<IntVariant>,
        /// Values are `u64` (`format: uint64`, or values beyond `i64`); otherwise `i64`.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        unsigned: bool,
    },
    /// `oneOf` / `anyOf`.
    Union {
        /// Alternatives, most specific first.
        variants: Vec<UnionVariant>,
        /// The discriminating property, when the spec names one.
        #[serde(skip_serializing_if = "Option::is_none")]
        tag: Option<String>,
        /// Properties every alternative has, with one type: each is read without a `match`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        shared: Vec<SharedField>,
    },
    /// Another name for a type.
    Alias {
        /// The aliased type.
        target: TypeRef,
        /// The alias refers to itself (`A` a map or list of `A`s): a type alias cannot, so it
        /// is a newtype struct around its target instead.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        newtype: bool,
    },
}

/// A property that every alternative of a union has, with the same type: the union gets an
/// accessor for it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SharedField {
    /// The accessor's name.
    pub method: String,
    /// The field's name in each alternative's struct.
    pub field: String,
    /// The property's wire name.
    pub wire_name: String,
    /// The value's type, without the `Option` or `Box` around it.
    pub ty: TypeRef,
    /// How each alternative holds it, in the order of the variants.
    pub access: Vec<FieldAccess>,
}

/// How a struct holds a field: plainly, boxed, optional, or optional and boxed.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FieldAccess {
    Plain,
    Boxed,
    Optional,
    OptionalBoxed,
}

/// A property of an object.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Field {
    /// The Rust name (snake case, without `r#`).
    pub name: String,
    /// The key on the wire.
    pub wire_name: String,
    /// Its type, `Option` included where the value may be absent or null.
    pub ty: TypeRef,
    /// In the schema's `required` list.
    pub required: bool,
    /// `nullable: true`. In a request type, an optional nullable field is
    /// `Option<Option<T>>`: absent, `null`, or a value.
    pub nullable: bool,
    /// For `Option<Option<T>>` fields: the name of the setter that sends `null`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clear_setter: Option<String>,
    /// Its description.
    pub docs: Docs,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `readOnly: true`: left out when a request body is serialized (the field is optional).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
    /// Named by `required` but not described by `properties`: a `serde_json::Value` kept so the
    /// property survives a round trip. An `allOf` part that describes it replaces it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub undescribed: bool,
    /// The property's `example` (or first `examples` entry), for the model's test value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<serde_json::Value>,
}

impl Field {
    /// Whether the field is an argument of its request type's `new` constructor: it is not
    /// optional.
    pub fn in_constructor(&self) -> bool {
        !matches!(self.ty, TypeRef::Option(_))
    }

    /// Whether an optional field gets a setter named after it on its struct: not when the name
    /// is the constructor's or a method of a trait every model implements or users call on it
    /// (an inherent method would shadow it); the field is public either way.
    pub fn has_setter(&self) -> bool {
        const TAKEN: &[&str] = &[
            "new",
            "clone",
            "clone_from",
            "eq",
            "ne",
            "fmt",
            "serialize",
            "deserialize",
            "into",
            "from",
            "default",
            "hash",
            "to_owned",
            "to_string",
            "borrow",
            "borrow_mut",
            "type_id",
            "try_into",
            "try_from",
        ];
        !TAKEN.contains(&self.name.as_str())
    }
}

/// Whether a struct with these fields derives `Default`: every field is optional.
pub fn derives_default(fields: &[Field]) -> bool {
    fields.iter().all(|f| matches!(f.ty, TypeRef::Option(_)))
}

/// The map of keys beyond an object's properties.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Extra {
    /// The Rust field name of the map.
    pub name: String,
    /// The type of each value.
    pub ty: TypeRef,
}

/// A string enum value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnumVariant {
    /// The Rust name.
    pub name: String,
    /// The value on the wire.
    pub wire: String,
    /// What the value means, where the spec says (an alternative of a `oneOf` of one-value
    /// enums, each with its description).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<Docs>,
}

/// An integer enum value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IntVariant {
    /// The Rust name.
    pub name: String,
    /// The value on the wire (an `i64` or, in an unsigned enum, a `u64`).
    #[serde(with = "wide_integer")]
    pub value: i128,
}

/// An integer enum value in the IR file: written as the JSON number it is, whether it fits
/// `i64` or only `u64` (serde's buffered formats have no `i128`).
mod wide_integer {
    use serde::{de, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &i128, serializer: S) -> Result<S::Ok, S::Error> {
        match (i64::try_from(*value), u64::try_from(*value)) {
            (Ok(v), _) => serializer.serialize_i64(v),
            (_, Ok(v)) => serializer.serialize_u64(v),
            _ => Err(serde::ser::Error::custom(format!("integer enum value {value} fits neither i64 nor u64"))),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i128, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = i128;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an integer within i64 or u64")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<i128, E> {
                Ok(v.into())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<i128, E> {
                Ok(v.into())
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// An alternative of a union.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnionVariant {
    /// The variant's name.
    pub name: String,
    /// With a discriminator: the tag values that select it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Its type.
    pub ty: TypeRef,
    /// In an untagged union: the properties this alternative requires with one constant value
    /// each (wire name to value). It is tried only on a value that has them all.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub constants: BTreeMap<String, String>,
}
