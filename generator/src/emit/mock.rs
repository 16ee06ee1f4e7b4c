//! The typed mock server: `src/mock.rs`, compiled with the crate's `mock` feature. Per group, a
//! handle reached from `MockServer` by the client's accessor name; per operation, a method with
//! the client's path parameters that returns a `Mock` of the operation, and on that `Mock` the
//! operation's query parameters as matchers, its request body (`body`), its success value
//! (`respond_with`), its error enum (`respond_error`) and its pages (`respond_pages`). The
//! generic side (matching, responses, verification) is the runtime's `mock.rs`.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{
    Api, Body, BodyEncoding, Framing, Group, Operation, Output, PaginationStyle, ParamLocation, PathPart, StatusMatch,
    TypeRef,
};
use crate::rust::{request_body_ty, ty, Scope};

use super::docs;
use super::types::{snake_ident, type_ident};
use crate::features::Features;

/// The start of `src/mock.rs`: the module's docs, its example and the server's accessors. Each
/// group's mocks ([`group`]) follow, formatted one at a time.
pub fn head(api: &Api, crate_ident: &str, features: &Features) -> TokenStream {
    let accessors = api.groups.iter().map(|g| {
        let method = snake_ident(&g.name);
        let handle = handle_ident(g);
        let doc = format!(" Expectations on the operations tagged {}.", docs::code(&g.wire_tag));
        let cfg = Features::group_cfg(&g.name);
        quote! {
            #[doc = #doc]
            #cfg
            pub fn #method(&self) -> #handle<'_> {
                #handle { server: self }
            }
        }
    });
    let example = example(api, crate_ident);
    let examples_test = examples_test(api, features);
    let head = quote! {
        //! A typed mock of the API for your own tests (cargo feature `mock`): a loopback server
        //! that answers each operation with the models of [`crate::types`], and checks that the
        //! expected calls happened.
        //!
        //! `MockServer::start().await` starts one; `mock.client()` is a client of it (no retries,
        //! a placeholder token). Each group of operations has the client's accessor on the
        //! server, and each operation the client's method with the same path parameters: it
        //! returns a [`Mock`], on which the operation's query parameters and body are matchers
        //! (a request must carry what is set; other query parameters may come too; header and
        //! cookie parameters are not matched, and bodies only as JSON), and
        //! `respond_with` (the success value, at the status the spec documents),
        //! `respond_error` (a variant of the operation's error enum, at its status),
        //! `respond_pages` (a list answered as pages, each pointing at the next as the API
        //! does), `respond_json` / `respond_status` / `respond_body`, `with_header`, `with_delay`,
        //! `expect(n)` set the answer and the count. `.await` mounts it.
        //! [`MockServer::verify`] checks every expectation (by default, at least one request
        //! each) and that no request went unmatched, and panics with a report that lists both;
        //! a server dropped unverified verifies itself.
        //!
        //! Built on `wiremock` (async, tokio-native, a small dependency that only this feature
        //! pulls in).
        #example

        pub use crate::runtime::mock::{Mock, MockError, MockServer};

        #examples_test

        impl MockServer {
            #(#accessors)*
        }
    };
    head
}

/// `decode_every_example()`: every model's `example()` built (each under its model's
/// features), which panics at the first that does not decode; the crate's own test calls it,
/// and so do the generator's round-trip suite and anyone who wants to check a crate.
fn examples_test(api: &Api, features: &Features) -> TokenStream {
    let calls: Vec<TokenStream> = api
        .types
        .values()
        .filter(|def| matches!(def.kind, crate::ir::TypeKind::Struct { .. } | crate::ir::TypeKind::Union { .. }))
        .filter(|def| super::examples::model_example(api, &def.name).is_some())
        .filter_map(|def| {
            let method = snake_ident(&super::types::example_method(def)?);
            let name = super::types::type_ident(&def.name);
            let cfg = features.type_cfg(&def.name);
            Some(quote! { #cfg let _ = crate::types::#name::#method(); })
        })
        .collect();
    quote! {
        /// Builds every model's `example()`: panics, naming the model, at one that does not
        /// decode (a generator bug).
        #[doc(hidden)]
        #[allow(deprecated)]
        pub fn decode_every_example() {
            #(#calls)*
        }

        #[cfg(test)]
        #[test]
        fn every_model_example_decodes() {
            decode_every_example();
        }
    }
}

/// A doctest with the first operation that takes only string and integer path parameters.
fn example(api: &Api, crate_ident: &str) -> Option<TokenStream> {
    let (group, op) = api.groups.iter().flat_map(|g| g.operations.iter().map(move |o| (g, o))).find(|(_, o)| {
        !o.deprecated
            && o.params.iter().filter(|p| p.required).all(|p| {
                p.location == ParamLocation::Path
                    && matches!(
                        p.ty,
                        TypeRef::Prim(crate::ir::Prim::String | crate::ir::Prim::I32 | crate::ir::Prim::I64)
                    )
            })
            && o.body.as_ref().is_none_or(|b| !b.required)
    })?;
    let args: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| match p.ty {
            TypeRef::Prim(crate::ir::Prim::String) => format!("\"{}\"", p.rust_name.replace('_', "-")),
            _ => "1".to_string(),
        })
        .collect();
    let (g, m, a) =
        (crate::ident::snake_source(&group.name), crate::ident::snake_source(&op.method_name), args.join(", "));
    let lines = [
        "".to_string(),
        "```no_run".to_string(),
        "# async fn example() {".to_string(),
        format!("let mock = {crate_ident}::mock::MockServer::start().await;"),
        format!("mock.{g}().{m}({a}).respond_status({}).expect(1).await;", op.success_status),
        "let client = mock.client();".to_string(),
        format!("let _ = client.{g}().{m}({a}).send().await;"),
        "mock.verify().await;".to_string(),
        "# }".to_string(),
        "```".to_string(),
    ];
    let lines = lines.iter().map(|l| format!(" {l}").trim_end().to_string());
    Some(quote!(#(#![doc = #lines])*))
}

fn handle_ident(group: &Group) -> proc_macro2::Ident {
    format_ident!("{}Mocks", group.type_name)
}

/// A group's mocks, in `src/mock.rs`.
pub fn group(group: &Group) -> TokenStream {
    let handle = handle_ident(group);
    let doc =
        format!(" Expectations on the operations tagged {}: `mock.{}()`.", docs::code(&group.wire_tag), group.name);
    let methods = group.operations.iter().map(|op| method(group, op));
    let impls = group.operations.iter().map(|op| typed(group, op)).filter(|t| !t.is_empty());
    // A group's mocks compile with its feature, as its operations do.
    let cfg = Features::group_cfg(&group.name);
    quote! {
        #[doc = #doc]
        #cfg
        #[derive(Debug, Clone, Copy)]
        pub struct #handle<'a> {
            server: &'a MockServer,
        }

        #cfg
        impl #handle<'_> {
            #(#methods)*
        }

        #(#cfg #impls)*
    }
}

fn builder_path(group: &Group, op: &Operation) -> TokenStream {
    let module = snake_ident(&group.name);
    let builder = type_ident(&op.builder_name);
    quote!(crate::operations::#module::#builder)
}

/// The expectation for an operation: its path parameters positional, as the client takes them.
fn method(group: &Group, op: &Operation) -> TokenStream {
    let name = snake_ident(&op.method_name);
    let path_params: Vec<_> = op.params.iter().filter(|p| p.location == ParamLocation::Path).collect();
    let args = path_params.iter().map(|p| {
        let ident = snake_ident(&p.rust_name);
        let t = ty(&p.ty, Scope::Crate);
        quote!(#ident: impl Into<#t>)
    });
    let converts = path_params.iter().map(|p| {
        let ident = snake_ident(&p.rust_name);
        let t = ty(&p.ty, Scope::Crate);
        quote!(let #ident: #t = #ident.into();)
    });
    let wire_id = &op.wire_id;
    let method = super::operations::method_expr(&op.http_method);
    let path = &op.path;
    let steps = op.path_parts.iter().map(|part| match part {
        PathPart::Literal(text) => quote!(request.path(#text);),
        PathPart::Param(rust) => {
            let ident = snake_ident(rust);
            let wire = op.params.iter().find(|p| &p.rust_name == rust).map(|p| p.wire_name.as_str()).unwrap_or(rust);
            quote!(request.path_param(#wire, &#ident)?;)
        }
    });
    let server = op.server.as_ref().map(|url| quote!(request.server(#url);));
    let steps: Vec<TokenStream> = server.into_iter().chain(steps).collect();
    let path_fn = if steps.is_empty() {
        quote!(|_| Ok(()))
    } else {
        quote!(|request: &mut crate::runtime::Request| {
            #(#steps)*
            Ok(())
        })
    };
    let status = Literal::u16_unsuffixed(op.success_status);
    let doc = format!(
        " Expects {} ({}); answers {} with no body until a response is set.",
        docs::code(&format!("{} {}", op.http_method, op.path)),
        docs::code(&op.wire_id),
        op.success_status
    );
    let deprecated = op.deprecated.then(|| docs::deprecated(&op.docs));
    let builder = builder_path(group, op);
    quote! {
        #[doc = #doc]
        #deprecated
        pub fn #name(&self, #(#args),*) -> Mock<#builder> {
            #(#converts)*
            self.server.expectation(
                crate::runtime::Request::new(#wire_id, #method, #path, &[]),
                #path_fn,
                #status,
            )
        }
    }
}

/// The status a response of this kind is answered with: a range by its first code, `default`
/// by 500 (use `respond_json` for another).
fn status_of(status: &StatusMatch) -> Literal {
    Literal::u16_unsuffixed(match status {
        StatusMatch::Code(code) => *code,
        StatusMatch::Range(hundreds) => hundreds * 100,
        StatusMatch::Default => 500,
    })
}

/// The operation's own methods on its `Mock`: query and body matchers, typed responses.
fn typed(group: &Group, op: &Operation) -> TokenStream {
    let builder = builder_path(group, op);
    let mut methods: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .map(|p| {
            let ident = snake_ident(&p.rust_name);
            let wire = &p.wire_name;
            let style = super::operations::query_style(p.style);
            let doc = if p.whole_query {
                format!(" Matches requests whose query string holds this value's keys ({}).", docs::code(wire))
            } else {
                format!(" Matches requests whose {} query parameter is this value.", docs::code(wire))
            };
            let (arg, value) = match &p.ty {
                TypeRef::Vec(item) => {
                    let item = ty(item, Scope::Crate);
                    (
                        quote!(values: impl IntoIterator<Item = impl Into<#item>>),
                        quote!(let value: Vec<#item> = values.into_iter().map(Into::into).collect();),
                    )
                }
                t => {
                    let (param, convert) = crate::rust::into_arg(t, Scope::Crate, &snake_ident("value"));
                    let t = ty(t, Scope::Crate);
                    (quote!(value: #param), quote!(let value: #t = #convert;))
                }
            };
            quote! {
                #[doc = #doc]
                pub fn #ident(mut self, #arg) -> Self {
                    #value
                    self.inner.query(#wire, #style, &value);
                    self
                }
            }
        })
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.encoding == BodyEncoding::Json) {
        let t = request_body_ty(body, Scope::Crate);
        methods.push(quote! {
            /// Matches requests whose JSON body is this value, as the client sends it
            /// (`body_partial` matches a part of it).
            pub fn body(mut self, value: impl Into<#t>) -> Self {
                let value: #t = value.into();
                self.inner.body(&value, false);
                self
            }
        });
    }
    let status = Literal::u16_unsuffixed(op.success_status);
    if let Output::Single { body } = &op.output {
        let respond = match body {
            Body::Json(t) => {
                let t = ty(t, Scope::Crate);
                Some(quote! {
                    /// Answers the operation's success status with this value as JSON.
                    pub fn respond_with(mut self, value: impl Into<#t>) -> Self {
                        let value: #t = value.into();
                        self.inner.json(#status, &value);
                        self
                    }
                })
            }
            Body::Text => Some(quote! {
                /// Answers the operation's success status with this text.
                pub fn respond_with(mut self, value: impl Into<String>) -> Self {
                    self.inner.raw(#status, "text/plain; charset=utf-8", value.into().into_bytes());
                    self
                }
            }),
            Body::Bytes => Some(quote! {
                /// Answers the operation's success status with these bytes.
                pub fn respond_with(mut self, value: impl Into<Vec<u8>>) -> Self {
                    self.inner.raw(#status, "application/octet-stream", value.into());
                    self
                }
            }),
            // No body: the default answer is already the success status; undocumented bodies
            // have no type to give.
            Body::Items { framing, item } => {
                let t = ty(item, Scope::Crate);
                let (content_type, doc) = match framing {
                    Framing::Lines => (
                        "application/jsonl",
                        " Answers the operation's success status with these items, one JSON value a line.",
                    ),
                    Framing::JsonSeq => (
                        "application/json-seq",
                        " Answers the operation's success status with these items as a JSON text sequence.",
                    ),
                    Framing::EventStream => (
                        "text/event-stream",
                        " Answers the operation's success status with these items, one server-sent event each.",
                    ),
                };
                let framing = match framing {
                    Framing::Lines => quote!(crate::runtime::Framing::Lines),
                    Framing::JsonSeq => quote!(crate::runtime::Framing::JsonSeq),
                    Framing::EventStream => quote!(crate::runtime::Framing::EventStream),
                };
                Some(quote! {
                    #[doc = #doc]
                    pub fn respond_with(mut self, items: impl IntoIterator<Item = #t>) -> Self {
                        self.inner.items(#status, #content_type, items, #framing);
                        self
                    }
                })
            }
            Body::Empty | Body::Undocumented => None,
        };
        methods.extend(respond);
    }
    if let Some(errors) = op.errors.as_ref().filter(|e| !e.variants.is_empty()) {
        if errors.variants.iter().all(|v| matches!(v.body, Body::Json(_))) {
            let module = snake_ident(&group.name);
            let enum_ident = type_ident(&errors.type_name);
            let arms = errors.variants.iter().map(|v| {
                let variant = type_ident(&v.name);
                let status = status_of(&v.status);
                quote!(crate::operations::#module::#enum_ident::#variant(body) => self.inner.json(#status, &body),)
            });
            let doc = format!(
                " Answers with a documented error: the variant's status (a range by its first code, `default` by 500) and its body as JSON; the client's `{}::from_error` decodes it back.",
                errors.type_name
            );
            methods.push(quote! {
                #[doc = #doc]
                pub fn respond_error(mut self, error: crate::operations::#module::#enum_ident) -> Self {
                    match error {
                        #(#arms)*
                    }
                    self
                }
            });
        }
    }
    if let (Some(pagination), Output::Single { body: Body::Json(page) }) = (&op.pagination, &op.output) {
        let page = ty(page, Scope::Crate);
        let (paging, how) = match &pagination.style {
            PaginationStyle::Link => {
                (quote!(crate::runtime::mock::Paging::Link), "a `Link` header with the next page's URL".to_string())
            }
            PaginationStyle::NextUrl { next, .. } => (
                quote!(crate::runtime::mock::Paging::NextUrl(#next)),
                format!("the next page's URL at {} of the body", docs::code(next)),
            ),
            PaginationStyle::Cursor { cursor, param, .. } => (
                quote!(crate::runtime::mock::Paging::Cursor { cursor: #cursor, param: #param }),
                format!("a cursor at {} of the body, sent back as {}", docs::code(cursor), docs::code(param)),
            ),
        };
        let doc = format!(
            " Answers the list as these pages, in order, each pointing at the next with {how} (on the mock server); the last points nowhere. Each page request counts as one for `expect`."
        );
        methods.push(quote! {
            #[doc = #doc]
            pub fn respond_pages(mut self, pages: impl IntoIterator<Item = #page>) -> Self {
                self.inner.pages(#status, pages, #paging);
                self
            }
        });
    }
    if methods.is_empty() {
        return TokenStream::new();
    }
    let doc = format!(" The matchers and answers of {}.", docs::code(&op.wire_id));
    quote! {
        #[doc = #doc]
        impl Mock<#builder> {
            #(#methods)*
        }
    }
}
