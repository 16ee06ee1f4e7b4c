//! Operations: `src/operations/<group>.rs`, a handle per tag with one method per operation,
//! each returning a request builder that sends on `.send()` or `.await`.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::ir::{
    Body, BodyEncoding, Framing, Group, Operation, Output, PaginationStyle, Param, ParamLocation, PathPart, Prim,
    QueryStyle, StatusMatch, TypeRef, Waiter,
};
use crate::rust::{body_ty, request_body_ty, send_ty, ty, Scope};

use super::docs;
use super::types::{snake_ident, type_ident};

/// The `RawResponse` method that decodes a body, as a path (`json::<T>`).
fn decode_path(body: &Body) -> TokenStream {
    match body {
        Body::Empty => quote!(empty),
        Body::Json(t) => {
            let t = ty(t, Scope::Crate);
            quote!(json::<#t>)
        }
        Body::Text => quote!(text),
        Body::Bytes => quote!(bytes),
        Body::Undocumented => quote!(untyped),
        // Never decoded from a body read whole: lowering keeps streams out of status enums, and
        // `send_with_response` reads them as they arrive.
        Body::Items { .. } => quote!(untyped),
    }
}

/// The `RawResponse` method that decodes a body, called.
fn decode(body: &Body) -> TokenStream {
    let path = decode_path(body);
    quote!(#path())
}

fn output_ty(op: &Operation) -> TokenStream {
    match &op.output {
        Output::Single { body } => send_ty(body, Scope::Crate),
        Output::ByStatus { type_name, .. } => {
            let ident = type_ident(type_name);
            quote!(#ident)
        }
    }
}

pub(super) fn query_style(style: QueryStyle) -> TokenStream {
    match style {
        QueryStyle::FormExploded => quote!(crate::runtime::QueryStyle::FormExploded),
        QueryStyle::Form => quote!(crate::runtime::QueryStyle::Form),
        QueryStyle::SpaceDelimited => quote!(crate::runtime::QueryStyle::SpaceDelimited),
        QueryStyle::PipeDelimited => quote!(crate::runtime::QueryStyle::PipeDelimited),
        QueryStyle::DeepObject => quote!(crate::runtime::QueryStyle::DeepObject),
    }
}

/// One group's file.
pub fn file(group: &Group, api: &crate::ir::Api, crate_ident: &str) -> TokenStream {
    let module_doc = format!(" {}.", docs::group_title(group));
    let handle = type_ident(&group.type_name);
    let handle_doc = docs::attrs(&group.docs, &format!("{}: `client.{}()`.", docs::group_title(group), group.name));
    let methods = group.operations.iter().map(|op| method(op, group, api, crate_ident));
    let builders = group.operations.iter().map(builder);
    quote! {
        #![doc = #module_doc]

        #handle_doc
        #[derive(Debug, Clone)]
        pub struct #handle {
            client: crate::Client,
        }

        impl #handle {
            pub(crate) fn new(client: crate::Client) -> Self {
                Self { client }
            }
            #(#methods)*
        }

        #(#builders)*
    }
}

/// What a scalar parameter accepts: integers of any type, UUIDs and times in the forms users
/// hold, path text from strings or UUIDs (runtime traits in `values.rs`), else `impl Into<T>`.
enum ArgKind {
    /// Any integer, checked against the parameter's type (the tokens) when the request is built.
    Integer(TokenStream),
    Uuid,
    Time,
    Text,
    Plain,
}

fn arg_kind(p: &Param) -> ArgKind {
    match &p.ty {
        TypeRef::Prim(Prim::I8 | Prim::I16 | Prim::I32 | Prim::I64 | Prim::U8 | Prim::U16 | Prim::U32 | Prim::U64) => {
            ArgKind::Integer(ty(&p.ty, Scope::Crate))
        }
        TypeRef::Prim(Prim::Uuid) => ArgKind::Uuid,
        TypeRef::Prim(Prim::DateTime) => ArgKind::Time,
        TypeRef::Prim(Prim::String) if p.location == ParamLocation::Path => ArgKind::Text,
        _ => ArgKind::Plain,
    }
}

/// One argument of an operation: its name, the builder field's type, the type the method or
/// setter takes, and how a value of that type becomes the field.
struct Arg {
    ident: proc_macro2::Ident,
    field: TokenStream,
    param: TokenStream,
    convert: fn(&proc_macro2::Ident) -> TokenStream,
}

fn param_arg(p: &Param) -> Arg {
    let ident = snake_ident(&p.rust_name);
    let t = ty(&p.ty, Scope::Crate);
    if let TypeRef::Map(_) = &p.ty {
        let (param, _) = crate::rust::into_arg(&p.ty, Scope::Crate, &ident);
        return Arg {
            ident,
            field: t,
            param,
            convert: |v| quote!(#v.into_iter().map(|(key, value)| (key.into(), value.into())).collect()),
        };
    }
    match arg_kind(p) {
        ArgKind::Integer(_) => Arg {
            ident,
            field: quote!(crate::runtime::Integer),
            param: quote!(impl crate::runtime::IntegerArg),
            convert: |v| quote!(#v.into_integer()),
        },
        ArgKind::Uuid => Arg {
            ident,
            field: quote!(crate::runtime::Checked<#t>),
            param: quote!(impl crate::runtime::UuidArg),
            convert: |v| quote!(#v.into_uuid()),
        },
        ArgKind::Time => Arg {
            ident,
            field: quote!(crate::runtime::Checked<#t>),
            param: quote!(impl crate::runtime::TimeArg),
            convert: |v| quote!(#v.into_time()),
        },
        ArgKind::Text => {
            Arg { ident, field: t, param: quote!(impl crate::runtime::TextArg), convert: |v| quote!(#v.into_text()) }
        }
        ArgKind::Plain => Arg { ident, field: t.clone(), param: quote!(impl Into<#t>), convert: |v| quote!(#v.into()) },
    }
}

/// The value of a parameter's field as sent: checked kinds are checked here, failing the
/// request with the parameter's name.
fn sent_value(p: &Param, field: TokenStream) -> TokenStream {
    let wire = &p.wire_name;
    match arg_kind(p) {
        ArgKind::Integer(t) => quote!(&#field.get::<#t>(#wire)?),
        ArgKind::Uuid | ArgKind::Time => quote!(&#field.get(#wire)?),
        ArgKind::Text | ArgKind::Plain => quote!(&#field),
    }
}

fn required_args(op: &Operation) -> Vec<Arg> {
    let mut args: Vec<_> = op.params.iter().filter(|p| p.required).map(param_arg).collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let t = request_body_ty(body, Scope::Crate);
        args.push(Arg {
            ident: snake_ident("body"),
            field: t.clone(),
            param: quote!(impl Into<#t>),
            convert: |v| quote!(#v.into()),
        });
    }
    args
}

/// A compiled example of the call (a doctest that is built, not run): the method with an
/// argument of each required parameter's type and, for a JSON or form body, the body decoded
/// from the test value the generator makes for its type. `None` where an argument cannot be
/// written (a multipart or raw body, a parameter of a structured type).
fn op_example(op: &Operation, group: &Group, api: &crate::ir::Api, crate_ident: &str) -> Option<Vec<String>> {
    let mut args = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        let text = match (&p.ty, arg_kind(p)) {
            (TypeRef::Map(_), _) => "[(\"key\", \"value\")]".to_string(),
            (_, ArgKind::Integer(_)) => "1".to_string(),
            (_, ArgKind::Uuid) => "\"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\"".to_string(),
            (_, ArgKind::Time) => format!("{crate_ident}::Timestamp::lenient(\"2024-01-02T03:04:05Z\")"),
            (_, ArgKind::Text) | (TypeRef::Prim(Prim::String), _) => {
                format!("\"{}\"", p.rust_name.replace('_', "-"))
            }
            (TypeRef::Prim(Prim::Bool), _) => "true".to_string(),
            (TypeRef::Prim(Prim::F32 | Prim::F64), _) => "1.5".to_string(),
            (TypeRef::Vec(_), _) => "Vec::new()".to_string(),
            (TypeRef::Named(name), _) => match api.types.get(name).map(|d| &d.kind) {
                Some(crate::ir::TypeKind::StringEnum { variants }) => {
                    let first = variants.first()?;
                    // Only a value that is plain text can stand in a string literal here.
                    if !first.wire.chars().all(|c| c.is_ascii_alphanumeric() || "-_. ".contains(c)) {
                        return None;
                    }
                    format!("\"{}\"", first.wire)
                }
                _ => return None,
            },
            _ => return None,
        };
        args.push(text);
    }
    let mut setup = Vec::new();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        if !matches!(body.encoding, BodyEncoding::Json | BodyEncoding::Form) {
            return None;
        }
        let TypeRef::Named(name) = &body.ty else { return None };
        let json = super::examples::model_example(api, name)?;
        if let Some(call) = constructor_call(api, name, &json, crate_ident) {
            setup.push(format!("let body = {call};"));
            args.push("body".to_string());
            return Some(example_lines(op, group, args, setup, crate_ident));
        }
        // The JSON as a raw string: its text is the generator's (names and values from the
        // spec's examples are in it only as string contents), and `"#` cannot end it early
        // when the delimiter has more hashes than any run in the text.
        let json = json.to_string();
        let hashes = "#".repeat((1..).find(|n| !json.contains(&format!("\"{}", "#".repeat(*n))))?);
        setup.push(format!(
            "let body: {crate_ident}::types::{name} = {crate_ident}::serde_json::from_str(r{hashes}\"{json}\"{hashes})?;"
        ));
        args.push("body".to_string());
    }
    Some(example_lines(op, group, args, setup, crate_ident))
}

/// `Type::new(..)` with the example's values, when every argument is a literal: a string, a
/// number, a boolean (strings written as Rust's escaped literals).
fn constructor_call(api: &crate::ir::Api, name: &str, json: &serde_json::Value, crate_ident: &str) -> Option<String> {
    let crate::ir::TypeKind::Struct { fields, .. } = &api.types.get(name)?.kind else { return None };
    let mut args = Vec::new();
    for field in fields.iter().filter(|f| f.in_constructor()) {
        // The suffix of a number's literal, so that it has the field's type.
        let suffix = match &field.ty {
            TypeRef::Prim(Prim::String | Prim::Bool) => "",
            TypeRef::Prim(Prim::I8) => "i8",
            TypeRef::Prim(Prim::I16) => "i16",
            TypeRef::Prim(Prim::I32) => "i32",
            TypeRef::Prim(Prim::I64) => "i64",
            TypeRef::Prim(Prim::U8) => "u8",
            TypeRef::Prim(Prim::U16) => "u16",
            TypeRef::Prim(Prim::U32) => "u32",
            TypeRef::Prim(Prim::U64) => "u64",
            TypeRef::Prim(Prim::F32) => "f32",
            TypeRef::Prim(Prim::F64) => "f64",
            TypeRef::Named(n)
                if matches!(api.types.get(n).map(|d| &d.kind), Some(crate::ir::TypeKind::StringEnum { .. })) =>
            {
                ""
            }
            _ => return None,
        };
        args.push(match json.get(&field.wire_name)? {
            serde_json::Value::String(text) if suffix.is_empty() && !matches!(field.ty, TypeRef::Prim(Prim::Bool)) => {
                format!("{text:?}")
            }
            serde_json::Value::Number(n) if !suffix.is_empty() => format!("{n}{suffix}"),
            serde_json::Value::Bool(b) if matches!(field.ty, TypeRef::Prim(Prim::Bool)) => b.to_string(),
            _ => return None,
        });
    }
    Some(format!("{crate_ident}::types::{name}::new({})", args.join(", ")))
}

fn example_lines(
    op: &Operation,
    group: &Group,
    args: Vec<String>,
    setup: Vec<String>,
    crate_ident: &str,
) -> Vec<String> {
    let call = format!(
        "client.{}().{}({})",
        crate::ident::snake_source(&group.name),
        crate::ident::snake_source(&op.method_name),
        args.join(", ")
    );
    let mut lines = vec![
        "```no_run".to_string(),
        format!("# async fn example(client: {crate_ident}::Client) -> Result<(), Box<dyn std::error::Error>> {{"),
    ];
    lines.extend(setup);
    let deprecated = if op.deprecated { "#[allow(deprecated)] " } else { "" };
    lines.push(format!("{deprecated}let response = {call}.await?;"));
    lines.extend(["# let _ = response;".to_string(), "# Ok(())".to_string(), "# }".to_string(), "```".to_string()]);
    lines
}

fn op_docs(op: &Operation, example: Option<Vec<String>>) -> TokenStream {
    let mut lines = docs::lines(&op.docs, &docs::code(&op.wire_id));
    if let Some(errors) = &op.errors {
        // A link to the error enum: its name is the generator's, an identifier.
        let name = &errors.type_name;
        lines.push(String::new());
        lines.push(format!("Documented error bodies: [`{name}::from_error`]`(&error)` decodes them."));
    }
    lines.push(String::new());
    lines.push(format!("{} ({})", docs::code(&format!("{} {}", op.http_method, op.path)), docs::code(&op.wire_id)));
    lines.extend(param_docs(op));
    if let Some(body) = op.body.as_ref().filter(|b| b.encoding == BodyEncoding::Bytes) {
        lines.push(String::new());
        lines.push(format!(
            "The body is sent as given, with the content type it carries (the spec declares {}).",
            docs::code(&body.content_type)
        ));
    }
    if let Some(server) = &op.server {
        lines.push(String::new());
        lines.push(format!(
            "Sent to the operation's server {} (a relative URL is resolved against the client's base URL).",
            docs::code(server)
        ));
    }
    if let Some(url) = &op.docs_url {
        lines.push(String::new());
        lines.push(format!("Documentation: {}", docs::link(url)));
    }
    if let Some(example) = example {
        lines.push(String::new());
        lines.extend(example);
    }
    docs::text_attrs(&lines)
}

/// The parameters of an operation's method docs: each argument with the first paragraph of its
/// description, then the setters of the optional ones.
fn param_docs(op: &Operation) -> Vec<String> {
    let mut lines = Vec::new();
    let required: Vec<_> = op.params.iter().filter(|p| p.required).collect();
    let body = op.body.as_ref().filter(|b| b.required);
    if !required.is_empty() || body.is_some() {
        lines.push(String::new());
        lines.push("Arguments:".to_string());
        for p in &required {
            let text = docs::first_paragraph(&p.docs);
            let sep = if text.is_empty() { "" } else { ": " };
            lines.push(format!("- {}{sep}{text}", docs::code(&p.rust_name)));
        }
        if body.is_some() {
            lines.push(format!("- {}: the request body.", docs::code("body")));
        }
    }
    let optional: Vec<String> =
        op.params.iter().filter(|p| !p.required).map(|p| docs::code(&format!(".{}(..)", p.rust_name))).collect();
    let optional_body = op.body.as_ref().is_some_and(|b| !b.required);
    if !optional.is_empty() || optional_body {
        let mut all = optional;
        if optional_body {
            all.push(docs::code(".body(..)"));
        }
        lines.push(String::new());
        lines.push(format!("Optional parameters, set on the returned builder: {}.", all.join(", ")));
    }
    lines
}

fn method(op: &Operation, group: &Group, api: &crate::ir::Api, crate_ident: &str) -> TokenStream {
    let example = op_example(op, group, api, crate_ident);
    let docs = op_docs(op, example);
    let name = snake_ident(&op.method_name);
    let builder = type_ident(&op.builder_name);
    let args = required_args(op);
    let params = args.iter().map(|a| {
        let (ident, param) = (&a.ident, &a.param);
        quote!(#ident: #param)
    });
    let values = args.iter().map(|a| (a.convert)(&a.ident));
    let deprecated = op.deprecated.then(|| docs::deprecated(&op.docs));
    quote! {
        #docs
        #deprecated
        pub fn #name(&self, #(#params),*) -> #builder {
            #builder::new(self.client.clone(), #(#values),*)
        }
    }
}

fn builder(op: &Operation) -> TokenStream {
    let name = type_ident(&op.builder_name);
    let doc =
        format!(" A {} request: set optional parameters, then `.send()` or `.await` it.", docs::code(&op.wire_id));
    let args = required_args(op);
    let arg_idents: Vec<_> = args.iter().map(|a| a.ident.clone()).collect();
    let arg_tys: Vec<_> = args.iter().map(|a| a.field.clone()).collect();

    let optional_params: Vec<_> = op.params.iter().filter(|p| !p.required).collect();
    let opt_args: Vec<Arg> = optional_params.iter().map(|p| param_arg(p)).collect();
    let opt_idents: Vec<_> = opt_args.iter().map(|a| a.ident.clone()).collect();
    let opt_tys: Vec<_> = opt_args.iter().map(|a| a.field.clone()).collect();
    let optional_body = op.body.as_ref().filter(|b| !b.required).map(|b| request_body_ty(b, Scope::Crate));

    let mut setters: Vec<TokenStream> = optional_params
        .iter()
        .zip(&opt_args)
        .map(|(p, a)| {
            let ident = &a.ident;
            let doc = docs::attrs(&p.docs, &format!("The {} parameter.", docs::code(&p.wire_name)));
            let deprecated = p.deprecated.then(|| docs::deprecated(&p.docs));
            // Lists take any iterable of anything that converts: `.state(["failed", "canceled"])`.
            let (arg, value) = match &p.ty {
                TypeRef::Vec(item) => {
                    let item = ty(item, Scope::Crate);
                    (
                        quote!(values: impl IntoIterator<Item = impl Into<#item>>),
                        quote!(values.into_iter().map(Into::into).collect()),
                    )
                }
                _ => {
                    let param = &a.param;
                    (quote!(value: #param), (a.convert)(&snake_ident("value")))
                }
            };
            quote! {
                #doc
                #deprecated
                pub fn #ident(mut self, #arg) -> Self {
                    self.#ident = Some(#value);
                    self
                }
            }
        })
        .collect();
    let body_field = optional_body.as_ref().map(|t| quote!(body: Option<#t>,));
    let body_init = optional_body.as_ref().map(|_| quote!(body: None,));
    if let Some(t) = &optional_body {
        setters.push(quote! {
            /// The request body.
            pub fn body(mut self, value: impl Into<#t>) -> Self {
                self.body = Some(value.into());
                self
            }
        });
    }

    let request = request_fn(op);
    let out = output_ty(op);
    let send_with_response = send_with_response(op);
    let send_streamed = send_streamed(op);
    let output_enum = output_enum(op);
    let error_enum = error_enum(op);
    // A list that pages: awaiting it gives its first page, with the way to the next.
    let page_style = op.pagination.as_ref().map(|p| match &p.style {
        PaginationStyle::Link => quote!(crate::runtime::PageStyle::Link),
        PaginationStyle::NextUrl { items, next } => {
            quote!(crate::runtime::PageStyle::NextUrl { items: #items, next: #next })
        }
        PaginationStyle::Cursor { items, cursor, param } => {
            quote!(crate::runtime::PageStyle::Cursor { items: #items, cursor: #cursor, param: #param })
        }
    });
    let pagination = op.pagination.as_ref().zip(page_style.as_ref()).map(|(p, style)| {
        let item = ty(&p.item, Scope::Crate);
        let doc = match &p.style {
            PaginationStyle::Link => {
                " Every page, one request at a time, following the `Link` header's `next` URL.".to_string()
            }
            PaginationStyle::NextUrl { items, next } => format!(
                " Every page, one request at a time, following the next-page URL at {} of each body (its items at {}).",
                docs::code(next),
                docs::code(items)
            ),
            PaginationStyle::Cursor { items, cursor, param } => format!(
                " Every page, one request at a time, sending the cursor at {} of each body back as {} (its items at {}).",
                docs::code(cursor),
                docs::code(param),
                docs::code(items)
            ),
        };
        quote! {
            #[doc = #doc]
            pub fn pages(self) -> crate::runtime::Pages<#item> {
                crate::runtime::Pages::with_style(self.client.transport().clone(), self.request(), self.options, #style)
            }

            /// Every item of every page, fetched lazily: at most one page is held at a time.
            pub fn stream(self) -> crate::runtime::Paginated<#item> {
                crate::runtime::Paginated::new(self.pages())
            }
        }
    });
    let waiters = op.waiters.iter().map(|w| waiter(op, w));
    // `send` returns a future of the runtime's (not an `async fn`): an operation compiles no
    // state machine of its own.
    let (send_out, send_future, send_body) = match op.pagination.as_ref().zip(page_style.as_ref()) {
        Some((p, style)) => {
            let item = ty(&p.item, Scope::Crate);
            let future = quote!(crate::runtime::BoxFuture<Result<crate::runtime::Page<#item>, crate::Error>>);
            (
                quote!(crate::runtime::Page<#item>),
                future.clone(),
                quote! {
                    /// Sends the request and returns the first page: its items, links, status,
                    /// headers and rate-limit figures, and `next_page()` for the page after it.
                    pub fn send(self) -> #future {
                        crate::runtime::Page::first(self.client.transport().clone(), self.request(), self.options, #style)
                    }
                },
            )
        }
        None => (
            out.clone(),
            quote!(crate::runtime::SendFuture<#out>),
            quote! {
                /// Sends the request and decodes the response: a future of `Result<T, Error>`.
                pub fn send(self) -> crate::runtime::SendFuture<#out> {
                    crate::runtime::SendFuture::new(self.send_with_response())
                }
            },
        ),
    };

    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent with `.send()` or `.await`"]
        pub struct #name {
            client: crate::Client,
            #( #arg_idents: #arg_tys, )*
            #( #opt_idents: Option<#opt_tys>, )*
            #body_field
            options: crate::runtime::RequestOptions,
        }

        impl #name {
            fn new(client: crate::Client, #( #arg_idents: #arg_tys ),*) -> Self {
                Self {
                    client,
                    #( #arg_idents, )*
                    #( #opt_idents: None, )*
                    #body_init
                    options: crate::runtime::RequestOptions::default(),
                }
            }

            #(#setters)*

            /// Options for this request: timeout, extra headers, retry policy.
            pub fn options(mut self, options: crate::runtime::RequestOptions) -> Self {
                self.options = options;
                self
            }

            #request

            #send_body

            #send_with_response

            #send_streamed

            #pagination

            #(#waiters)*
        }

        impl std::future::IntoFuture for #name {
            type Output = Result<#send_out, crate::Error>;
            type IntoFuture = #send_future;
            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }

        #output_enum
        #error_enum
    }
}

/// The HTTP method as an expression: the constant for a standard method, else the method made
/// from its name (lowering has checked that it is a token, so that cannot fail; the fallback
/// is never taken).
pub(super) fn method_expr(method: &str) -> TokenStream {
    const STANDARD: &[&str] = &["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "CONNECT"];
    if STANDARD.contains(&method) {
        let ident = type_ident(method);
        quote!(crate::runtime::Method::#ident)
    } else {
        let bytes = Literal::byte_string(method.as_bytes());
        quote!(crate::runtime::Method::from_bytes(#bytes).unwrap_or_default())
    }
}

fn request_fn(op: &Operation) -> TokenStream {
    let wire_id = &op.wire_id;
    let method = method_expr(&op.http_method);
    let path = &op.path;
    let auth = op.security.iter();
    let path_steps = op.path_parts.iter().map(|part| match part {
        PathPart::Literal(text) => quote!(request.path(#text);),
        PathPart::Param(rust) => {
            let ident = snake_ident(rust);
            match op.params.iter().find(|p| &p.rust_name == rust) {
                Some(p) => {
                    let wire = &p.wire_name;
                    let value = sent_value(p, quote!(self.#ident));
                    quote!(request.path_param(#wire, #value)?;)
                }
                None => quote!(request.path_param(#rust, &self.#ident)?;),
            }
        }
    });
    let other_params = op.params.iter().filter(|p| p.location != ParamLocation::Path).map(|p| {
        let ident = snake_ident(&p.rust_name);
        let wire = &p.wire_name;
        let call = match p.location {
            ParamLocation::Query => {
                let style = query_style(p.style);
                quote!(request.query(#wire, #style, value)?;)
            }
            ParamLocation::Header => quote!(request.header(#wire, value)?;),
            ParamLocation::Cookie | ParamLocation::Path => quote!(request.cookie(#wire, value)?;),
        };
        if p.required {
            let value = sent_value(p, quote!(self.#ident));
            quote! { { let value = #value; #call } }
        } else {
            match arg_kind(p) {
                ArgKind::Text | ArgKind::Plain => quote! { if let Some(value) = &self.#ident { #call } },
                _ => {
                    let value = sent_value(p, quote!(value));
                    quote! { if let Some(value) = &self.#ident { let value = #value; #call } }
                }
            }
        }
    });
    let server = op.server.as_ref().map(|url| quote!(request.server(#url);));
    let accept = op.accept.as_ref().map(|a| quote!(request.accept(#a);));
    let body = op.body.as_ref().map(|b| {
        let content_type = &b.content_type;
        let set = match b.encoding {
            BodyEncoding::Json => quote!(request.json_body(#content_type, body)?;),
            BodyEncoding::Form => {
                let fields = b.form.iter().map(|f| {
                    let name = &f.wire_name;
                    if f.json {
                        quote!((#name, crate::runtime::FormField::Json))
                    } else {
                        let style = query_style(f.style);
                        quote!((#name, crate::runtime::FormField::Styled(#style)))
                    }
                });
                quote!(request.form_body(#content_type, body, &[#(#fields),*])?;)
            }
            BodyEncoding::Multipart => {
                let parts = b.parts.iter().map(|part| {
                    let field = snake_ident(&part.field);
                    let name = &part.wire_name;
                    let content_type = match &part.content_type {
                        Some(t) => quote!(Some(#t)),
                        None => quote!(None),
                    };
                    match (part.binary, part.optional) {
                        (true, true) => {
                            quote!(if let Some(file) = &body.#field { form.file(#name, file, #content_type)?; })
                        }
                        (true, false) => quote!(form.file(#name, &body.#field, #content_type)?;),
                        (false, _) => quote!(form.text(#name, &body.#field)?;),
                    }
                });
                quote! {
                    let mut form = crate::runtime::Multipart::new();
                    #(#parts)*
                    request.multipart_body(form)?;
                }
            }
            BodyEncoding::Text => quote!(request.text_body(#content_type, body);),
            BodyEncoding::Bytes => quote!(request.raw_body(body)?;),
        };
        if b.required {
            quote! { { let body = &self.body; #set } }
        } else {
            quote! { if let Some(body) = &self.body { #set } }
        }
    });
    quote! {
        fn request(&self) -> Result<crate::runtime::Request, crate::Error> {
            let mut request = crate::runtime::Request::new(#wire_id, #method, #path, &[#(#auth),*]);
            #server
            #(#path_steps)*
            #(#other_params)*
            #accept
            #body
            Ok(request)
        }
    }
}

/// `send_streamed()`, for an operation whose one success body is text or binary: the body as a
/// stream, read as it arrives.
fn send_streamed(op: &Operation) -> Option<TokenStream> {
    let Output::Single { body: Body::Text | Body::Bytes } = &op.output else { return None };
    Some(quote! {
        /// Sends the request and returns the body as a stream, read as it arrives and never
        /// held whole: for a large body, copy it into a writer or save it to a file.
        pub fn send_streamed(self) -> crate::runtime::SendFuture<crate::ByteStream> {
            let request = self.request();
            crate::runtime::SendFuture::new(crate::runtime::ResponseFuture::streamed(self.client.transport(), request, self.options))
        }
    })
}

/// `.wait_until_<name>()`: the request and the waiter's rule, handed to the runtime's loop.
fn waiter(op: &Operation, waiter: &Waiter) -> TokenStream {
    let ident = snake_ident(&waiter.method_name);
    let out = output_ty(op);
    let list = |values: &[String]| {
        let mut words: Vec<String> = values.iter().map(|v| docs::code(v)).collect();
        let last = words.pop().unwrap_or_default();
        if words.is_empty() {
            last
        } else {
            format!("{} or {last}", words.join(", "))
        }
    };
    let field = docs::code(&waiter.field.trim_start_matches('/').replace('/', "."));
    let mut summary = format!("Sends this request until {field} is {}", list(&waiter.success));
    if !waiter.failure.is_empty() {
        summary.push_str(&format!(", failing at {}", list(&waiter.failure)));
    }
    summary.push('.');
    let others = if waiter.pending.is_empty() {
        "Any other value (or none) keeps it waiting.".to_string()
    } else {
        format!(
            "It keeps waiting at {} only: any other value ends it with [`WaitError::Unexpected`](crate::runtime::WaitError::Unexpected).",
            list(&waiter.pending)
        )
    };
    let mut lines = vec![summary];
    let described = docs::lines(&waiter.docs, "");
    if described.iter().any(|l| !l.is_empty()) {
        lines.push(String::new());
        lines.extend(described);
    }
    lines.extend([
        String::new(),
        others,
        format!(
            "It waits {} between the first polls, doubling up to {}, for at most {} in all:",
            duration(waiter.delay_ms),
            duration(waiter.max_delay_ms),
            duration(waiter.budget_ms)
        ),
        "the returned [`Waiter`](crate::runtime::Waiter) sets each. `.await` it for the response".to_string(),
        "that ended the wait, or a [`WaitError`](crate::runtime::WaitError) with the last one.".to_string(),
    ]);
    let doc = docs::text_attrs(&lines);
    let (operation, name, field) = (&op.wire_id, &waiter.name, &waiter.field);
    let (success, failure, pending) = (&waiter.success, &waiter.failure, &waiter.pending);
    let (delay, max_delay, budget) = (waiter.delay_ms, waiter.max_delay_ms, waiter.budget_ms);
    quote! {
        #doc
        pub fn #ident(self) -> crate::runtime::Waiter<#out> {
            static RULE: crate::runtime::WaitRule = crate::runtime::WaitRule {
                operation: #operation,
                name: #name,
                field: #field,
                success: &[#(#success),*],
                failure: &[#(#failure),*],
                pending: &[#(#pending),*],
                delay: std::time::Duration::from_millis(#delay),
                max_delay: std::time::Duration::from_millis(#max_delay),
                budget: std::time::Duration::from_millis(#budget),
            };
            crate::runtime::Waiter::new(self.client.transport(), self.request(), self.options, &RULE)
        }
    }
}

/// Milliseconds in the largest unit that says them exactly: `10 min`, `2.5 s`.
fn duration(ms: u64) -> String {
    match ms {
        ms if ms % 3_600_000 == 0 => format!("{} h", ms / 3_600_000),
        ms if ms % 60_000 == 0 => format!("{} min", ms / 60_000),
        ms if ms % 1000 == 0 => format!("{} s", ms / 1000),
        ms => format!("{} s", ms as f64 / 1000.0),
    }
}

fn send_with_response(op: &Operation) -> TokenStream {
    let out = output_ty(op);
    if let Output::Single { body: Body::Items { framing, .. } } = &op.output {
        let framing = match framing {
            Framing::Lines => quote!(crate::runtime::Framing::Lines),
            Framing::JsonSeq => quote!(crate::runtime::Framing::JsonSeq),
            Framing::EventStream => quote!(crate::runtime::Framing::EventStream),
        };
        // A stream of items is read as it arrives, never buffered.
        return quote! {
            /// Sends the request and returns the items as a stream, each decoded as it arrives,
            /// with the status, headers and rate-limit figures.
            pub fn send_with_response(self) -> crate::runtime::ResponseFuture<#out> {
                let request = self.request();
                crate::runtime::ResponseFuture::items(self.client.transport(), request, self.options, #framing)
            }
        };
    }
    if let Output::Single { body: Body::Bytes } = &op.output {
        // A binary body is streamed, never buffered by default.
        return quote! {
            /// Sends the request and returns the body as a stream, read as it arrives, with the
            /// status, headers and rate-limit figures.
            pub fn send_with_response(self) -> crate::runtime::ResponseFuture<#out> {
                let request = self.request();
                crate::runtime::ResponseFuture::streamed(self.client.transport(), request, self.options)
            }
        };
    }
    let decode_fn = match &op.output {
        Output::Single { body } => {
            let d = decode_path(body);
            quote!(crate::runtime::RawResponse::#d)
        }
        Output::ByStatus { type_name, variants } => {
            let enum_ident = type_ident(type_name);
            let arms = variants.iter().map(|v| {
                let pattern = status_pattern(&v.status);
                let variant = type_ident(&v.name);
                let d = decode(&v.body);
                let wrap = if v.body == Body::Empty {
                    quote!(|()| #enum_ident::#variant)
                } else {
                    quote!(#enum_ident::#variant)
                };
                quote!(#pattern => raw.#d.map(#wrap),)
            });
            let has_default = variants.iter().any(|v| v.status == StatusMatch::Default);
            let fallback = (!has_default).then(|| quote!(_ => raw.untyped().map(#enum_ident::Other),));
            quote! {
                |raw: &mut crate::runtime::RawResponse| match raw.status().as_u16() {
                    #(#arms)*
                    #fallback
                }
            }
        }
    };
    quote! {
        /// Sends the request and returns the decoded body with the status, headers and
        /// rate-limit figures: a future of `Result<Response<T>, Error>`.
        pub fn send_with_response(self) -> crate::runtime::ResponseFuture<#out> {
            let request = self.request();
            crate::runtime::ResponseFuture::new(self.client.transport(), request, self.options, #decode_fn)
        }
    }
}

fn output_enum(op: &Operation) -> Option<TokenStream> {
    let Output::ByStatus { type_name, variants } = &op.output else { return None };
    let ident = type_ident(type_name);
    let doc = format!(" What [`{}`] returns, by status.", op.builder_name);
    let items = variants.iter().map(|v| {
        let doc = docs::attrs(&v.docs, &format!("Status {:?}.", v.status));
        let name = type_ident(&v.name);
        match &v.body {
            Body::Empty => quote!(#doc #name,),
            body => {
                let t = body_ty(body, Scope::Crate);
                quote!(#doc #name(#t),)
            }
        }
    });
    let has_default = variants.iter().any(|v| v.status == StatusMatch::Default);
    let other = (!has_default).then(|| {
        quote! {
            /// A success status the spec does not list, with its body kept.
            Other(crate::runtime::UntypedBody),
        }
    });
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #ident {
            #(#items)*
            #other
        }
    })
}

/// The enum of an operation's documented error bodies, keyed by status.
fn error_enum(op: &Operation) -> Option<TokenStream> {
    let errors = op.errors.as_ref().filter(|e| e.defined_here)?;
    let ident = type_ident(&errors.type_name);
    let doc = format!(" The documented error bodies of {}, by status.", docs::code(&op.wire_id));
    let items = errors.variants.iter().map(|v| {
        let doc = docs::attrs(&v.docs, &format!("Status {:?}.", v.status));
        let name = type_ident(&v.name);
        let t = body_ty(&v.body, Scope::Crate);
        quote!(#doc #name(#t),)
    });
    // Exact statuses first (those documented without a body decode to nothing), then ranges,
    // then `default`.
    let mut arms: Vec<(u8, TokenStream)> = errors
        .variants
        .iter()
        .map(|v| {
            let name = type_ident(&v.name);
            let pattern = status_pattern(&v.status);
            (status_rank(&v.status), quote!(#pattern => api.decode().ok().map(Self::#name),))
        })
        .chain(errors.without_body.iter().map(|s| {
            let pattern = status_pattern(s);
            (status_rank(s), quote!(#pattern => None,))
        }))
        .collect();
    arms.sort_by_key(|(rank, _)| *rank);
    let arms = arms.into_iter().map(|(_, arm)| arm);
    let fallback = (!errors.variants.iter().any(|v| v.status == StatusMatch::Default)).then(|| quote!(_ => None,));
    let decode = match errors.variants.as_slice() {
        // A lone `default` needs no match on the status.
        [only] if only.status == StatusMatch::Default && errors.without_body.is_empty() => {
            let name = type_ident(&only.name);
            quote!(api.decode().ok().map(Self::#name))
        }
        _ => quote! {
            match api.status.as_u16() {
                #(#arms)*
                #fallback
            }
        },
    };
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #ident {
            #(#items)*
        }

        impl #ident {
            /// The documented body of an API error from this operation, decoded; `None` for
            /// other errors, statuses without a documented body, or a body that does not match.
            pub fn from_error(error: &crate::Error) -> Option<Self> {
                let api = error.as_api()?;
                #decode
            }
        }
    })
}

/// A `match` pattern on a status code.
fn status_pattern(status: &StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = Literal::u16_unsuffixed(*code);
            quote!(#code)
        }
        StatusMatch::Range(hundreds) => {
            let lo = Literal::u16_unsuffixed(hundreds * 100);
            let hi = Literal::u16_unsuffixed(hundreds * 100 + 99);
            quote!(#lo..=#hi)
        }
        StatusMatch::Default => quote!(_),
    }
}

/// Where a status arm goes in a `match`: exact codes, then ranges, then the catch-all.
fn status_rank(status: &StatusMatch) -> u8 {
    match status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    }
}
