//! `src/lib.rs` and `src/client.rs`: the crate root, the `Client` and its group accessors, and
//! what the runtime needs to know of the spec (security schemes, rate-limit headers).

use proc_macro2::TokenStream;
use quote::quote;

use crate::features::Features;
use crate::ir::{Api, AuthKind, ParamLocation};
use crate::Config;

use super::docs;
use super::types::{snake_ident, type_ident};

/// `src/lib.rs`.
pub fn lib_rs() -> TokenStream {
    quote! {
        #![doc = include_str!("../README.md")]
        // On docs.rs, each item shows the cargo feature it needs.
        #![cfg_attr(docsrs, feature(doc_cfg))]
        #![warn(missing_docs)]
        // Generated signatures follow the spec: many required parameters, large variants, and
        // method names such as `default` are the spec's to choose.
        #![allow(clippy::too_many_arguments, clippy::large_enum_variant, clippy::should_implement_trait)]
        // The spec's `deprecated` marks warn the crate's users; the crate itself must still use them.
        #![allow(deprecated)]

        mod client;
        pub mod operations;
        pub mod runtime;
        pub mod types;

        pub use client::Client;
        pub use runtime::{ClientBuilder, Date, Error, RequestOptions, Response, RetryPolicy, Timestamp};
        pub use runtime::{Page, WaitError, Waited, Waiter};
        // The crates whose types appear in the client's public signatures, at the versions it
        // was built with: `buildkite_api::uuid::Uuid` needs no dependency of its own.
        pub use bytes;
        pub use chrono;
        pub use reqwest;
        pub use serde_json;
        pub use uuid;

        // Streamed bodies, raw requests, and the HTTP types of their and the errors' signatures.
        pub use runtime::{ByteStream, RawRequest};
        pub use reqwest::header::{self, HeaderMap};
        pub use reqwest::{Method, StatusCode};
    }
}

/// `src/operations/mod.rs`.
pub fn operations_mod(api: &Api) -> TokenStream {
    let modules = api.groups.iter().map(|g| {
        let module = snake_ident(&g.name);
        let doc = format!(" {}.", docs::group_title(g));
        let handle = type_ident(&g.type_name);
        let cfg = Features::group_cfg(&g.name);
        quote! {
            #[doc = #doc]
            #cfg
            pub mod #module;
            #cfg
            pub use #module::#handle;
        }
    });
    quote! {
        #![doc = " Request builders, one module per tag of the spec."]
        #(#modules)*
    }
}

/// `src/client.rs`.
pub fn client_rs(api: &Api, config: &Config, features: &Features) -> TokenStream {
    let auth = api.auth.iter().map(|a| {
        let name = &a.wire_name;
        let kind = match &a.kind {
            AuthKind::Bearer => quote!(crate::runtime::AuthKindSpec::Bearer),
            AuthKind::Basic => quote!(crate::runtime::AuthKindSpec::Basic),
            AuthKind::ApiKey { location: ParamLocation::Query, name } => {
                quote!(crate::runtime::AuthKindSpec::ApiKeyQuery(#name))
            }
            AuthKind::ApiKey { location: ParamLocation::Cookie, name } => {
                quote!(crate::runtime::AuthKindSpec::ApiKeyCookie(#name))
            }
            AuthKind::ApiKey { name, .. } => quote!(crate::runtime::AuthKindSpec::ApiKeyHeader(#name)),
        };
        quote!(crate::runtime::AuthSpec { name: #name, kind: #kind })
    });
    let rate_limits = api.rate_limits.iter().map(|r| {
        let (scope, limit, remaining, reset) = (&r.scope, &r.limit, &r.remaining, &r.reset);
        let scope_header = match &r.scope_header {
            Some(name) => quote!(Some(#name)),
            None => quote!(None),
        };
        quote!(crate::runtime::RateLimitSpec {
            scope: #scope,
            limit: #limit,
            remaining: #remaining,
            reset: #reset,
            scope_header: #scope_header,
        })
    });
    let user_agent = format!("{}/{}", config.crate_name, config.crate_version);
    let base_url = &api.base_url;
    // Only operations call the transport: a spec without any, or a build without any group,
    // leaves it unused.
    let unused_transport = if api.groups.iter().all(|g| g.operations.is_empty()) {
        quote!(#[allow(dead_code)])
    } else {
        let none = features.when_none();
        quote!(#[cfg_attr(#none, allow(dead_code))])
    };
    let title_doc = format!(" A client for the {} (version {}).", docs::prose(&api.title), docs::prose(&api.version));
    let has_bearer = api.auth.iter().any(|a| matches!(a.kind, AuthKind::Bearer));
    let new_fn = if has_bearer {
        quote! {
            /// A client for the default server, sending `token` as the bearer credential.
            pub fn new(token: impl Into<String>) -> Result<Self, crate::Error> {
                Self::builder().bearer_token(token).build()
            }
        }
    } else {
        quote! {
            /// A client for the default server, without credentials (add them with
            /// [`Client::builder`]).
            pub fn new() -> Result<Self, crate::Error> {
                Self::builder().build()
            }
        }
    };
    let from_env = match (&config.token_env, has_bearer) {
        (Some(var), true) => {
            let doc = format!(
                " A client for the default server, with the bearer token from the {} environment variable.",
                docs::code(var)
            );
            Some(quote! {
                #[doc = #doc]
                pub fn from_env() -> Result<Self, crate::Error> {
                    Self::builder().bearer_token_from_env(#var)?.build()
                }
            })
        }
        _ => None,
    };
    let accessors = api.groups.iter().map(|g| {
        let name = snake_ident(&g.name);
        let module = snake_ident(&g.name);
        let handle = type_ident(&g.type_name);
        let doc = format!(" {}.", docs::group_title(g));
        let cfg = Features::group_cfg(&g.name);
        quote! {
            #[doc = #doc]
            #cfg
            pub fn #name(&self) -> crate::operations::#module::#handle {
                crate::operations::#module::#handle::new(self.clone())
            }
        }
    });
    quote! {
        #![doc = " The client: configuration, credentials, and one accessor per group of operations."]

        pub(crate) static API: crate::runtime::ApiSpec = crate::runtime::ApiSpec {
            auth: &[#(#auth),*],
            rate_limits: &[#(#rate_limits),*],
            user_agent: #user_agent,
        };

        #[doc = #title_doc]
        ///
        /// Cheap to clone: clones share one connection pool and configuration. The credential is
        /// never printed by `Debug`.
        #[derive(Debug, Clone)]
        pub struct Client {
            transport: crate::runtime::Transport,
        }

        impl Client {
            /// The URL of the spec's first server.
            pub const DEFAULT_BASE_URL: &'static str = #base_url;

            /// A builder for a client: base URL, credentials, timeouts, retries.
            pub fn builder() -> crate::ClientBuilder {
                crate::ClientBuilder::new(Self::DEFAULT_BASE_URL, &API)
            }

            #new_fn
            #from_env

            pub(crate) fn from_transport(transport: crate::runtime::Transport) -> Self {
                Self { transport }
            }

            #unused_transport
            pub(crate) fn transport(&self) -> &crate::runtime::Transport {
                &self.transport
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.transport.base_url().as_str()
            }

            #(#accessors)*
        }
    }
}
