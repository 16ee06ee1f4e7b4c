//! How the IR's types and calls are written in Rust, in one place for everything that writes
//! them: a [`TypeRef`] or a success [`Body`] as tokens, for [`emit`](crate::emit); the same tokens
//! printed as one line of text, and an operation's call or a request type's constructor as text,
//! for [`listing`](crate::listing) and [`report`](crate::report). The listing and the report so
//! show every type exactly as the generated code writes it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Body, BodyEncoding, Field, Group, Operation, Output, Prim, RequestBody, TypeRef};

/// Where a type is written: inside `types.rs` models are named bare, elsewhere by path.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// In `src/types.rs`.
    Types,
    /// Anywhere else in the crate.
    Crate,
}

/// The Rust type for a `TypeRef`.
pub(crate) fn ty(ty: &TypeRef, scope: Scope) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let ident = format_ident!("{}", name);
            match scope {
                Scope::Types => quote!(#ident),
                Scope::Crate => quote!(crate::types::#ident),
            }
        }
        TypeRef::Prim(p) => prim(*p),
        TypeRef::Vec(inner) => {
            let inner = self::ty(inner, scope);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = self::ty(inner, scope);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Option(inner) => {
            let inner = self::ty(inner, scope);
            quote!(Option<#inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = self::ty(inner, scope);
            quote!(Box<#inner>)
        }
        TypeRef::Json => quote!(serde_json::Value),
    }
}

fn prim(p: Prim) -> TokenStream {
    match p {
        Prim::String => quote!(String),
        Prim::Bool => quote!(bool),
        Prim::I8 => quote!(i8),
        Prim::I16 => quote!(i16),
        Prim::I32 => quote!(i32),
        Prim::I64 => quote!(i64),
        Prim::U8 => quote!(u8),
        Prim::U16 => quote!(u16),
        Prim::U32 => quote!(u32),
        Prim::U64 => quote!(u64),
        Prim::F32 => quote!(f32),
        Prim::F64 => quote!(f64),
        Prim::DateTime => quote!(crate::runtime::Timestamp),
        Prim::Date => quote!(crate::runtime::Date),
        Prim::Uuid => quote!(uuid::Uuid),
        Prim::Bytes => quote!(bytes::Bytes),
        Prim::File => quote!(crate::runtime::FilePart),
    }
}

/// The Rust type of a success body.
pub(crate) fn body_ty(body: &Body, scope: Scope) -> TokenStream {
    match body {
        Body::Empty => quote!(()),
        Body::Json(t) => ty(t, scope),
        Body::Text => quote!(String),
        Body::Bytes => quote!(bytes::Bytes),
        Body::Undocumented => quote!(crate::runtime::UntypedBody),
        Body::Items { item, .. } => {
            let item = ty(item, scope);
            match scope {
                Scope::Crate => quote!(crate::runtime::ItemStream<#item>),
                Scope::Types => quote!(runtime::ItemStream<#item>),
            }
        }
    }
}

/// The type `.send()` gives for an operation's one success body: a binary body is a stream,
/// never buffered by default.
pub(crate) fn send_ty(body: &Body, scope: Scope) -> TokenStream {
    match (body, scope) {
        (Body::Bytes, Scope::Crate) => quote!(crate::runtime::ByteStream),
        (Body::Bytes, Scope::Types) => quote!(runtime::ByteStream),
        _ => body_ty(body, scope),
    }
}

/// A type's tokens as text without the spaces `TokenStream::to_string` puts between tokens:
/// `Vec < crate :: runtime :: Timestamp >` becomes `Vec<crate::runtime::Timestamp>`. For type
/// paths only, where no two words stand side by side.
fn tokens_text(tokens: &TokenStream) -> String {
    tokens.to_string().split_whitespace().fold(String::new(), |mut out, token| {
        out.push_str(token);
        if token == "," {
            out.push(' ');
        }
        out
    })
}

/// The Rust type a request body is given as: its type, or for raw bodies (any media type the
/// generator does not encode itself) the bytes with the content type the caller chooses.
pub(crate) fn request_body_ty(body: &RequestBody, scope: Scope) -> TokenStream {
    match (body.encoding, scope) {
        (BodyEncoding::Bytes, Scope::Crate) => quote!(crate::runtime::RawBody),
        (BodyEncoding::Bytes, Scope::Types) => quote!(runtime::RawBody),
        _ => ty(&body.ty, scope),
    }
}

/// A request body's type as text, models by their bare names.
pub(crate) fn request_body_text(body: &RequestBody) -> String {
    tokens_text(&request_body_ty(body, Scope::Types))
}

/// A type as `types.rs` writes it (models by their bare names), as one line of text.
pub(crate) fn type_text(t: &TypeRef) -> String {
    tokens_text(&ty(t, Scope::Types))
}

/// A success body's type as text, models by their bare names.
pub(crate) fn body_text(body: &Body) -> String {
    tokens_text(&body_ty(body, Scope::Types))
}

/// What awaiting an operation's request builder gives, as text (models by their bare names).
pub(crate) fn output_text(op: &Operation) -> String {
    match &op.output {
        Output::Single { body } => tokens_text(&send_ty(body, Scope::Types)),
        Output::ByStatus { type_name, .. } => type_name.clone(),
    }
}

/// The call that makes an operation's request builder, with its positional arguments.
pub(crate) fn signature(group: &Group, op: &Operation) -> String {
    let mut args: Vec<String> =
        op.params.iter().filter(|p| p.required).map(|p| format!("{}: {}", p.rust_name, type_text(&p.ty))).collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        args.push(format!("body: {}", request_body_text(body)));
    }
    format!("client.{}().{}({})", group.name, op.method_name, args.join(", "))
}

/// A request type's constructor.
pub(crate) fn constructor(name: &str, fields: &[Field]) -> String {
    let args: Vec<String> =
        fields.iter().filter(|f| f.in_constructor()).map(|f| format!("{}: {}", f.name, type_text(&f.ty))).collect();
    format!("{name}::new({})", args.join(", "))
}

/// What an argument or setter of type `t` takes, and how its value `v` becomes a `t`: a map takes
/// any iterable of pairs that convert (`[("K", "V")]`, a `HashMap`, a `BTreeMap`), as lists of
/// a query parameter take any iterable of items; anything else takes `impl Into<t>`.
pub(crate) fn into_arg(t: &TypeRef, scope: Scope, v: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
    match t {
        TypeRef::Map(value) => {
            let value = ty(value, scope);
            (
                quote!(impl IntoIterator<Item = (impl Into<String>, impl Into<#value>)>),
                quote!(#v.into_iter().map(|(key, value)| (key.into(), value.into())).collect()),
            )
        }
        _ => {
            let t = ty(t, scope);
            (quote!(impl Into<#t>), quote!(#v.into()))
        }
    }
}
