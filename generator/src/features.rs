//! Cargo features per group of operations: which groups reach each model, so that a crate built
//! with some groups compiles only those groups' operations and the models they use.
//!
//! Every group is a feature named as its module (`src/operations/<group>.rs`); so are the
//! webhooks (`src/webhooks`, feature `webhooks`, which also brings the HMAC dependencies) when
//! the spec has them; `full`, the default, turns them all on. A model is compiled under
//! `#[cfg(any(feature = "a", ...))]` of the features that reach it: the group's operations
//! (parameters, request bodies, responses, error bodies, pagination items) or the webhook events'
//! payloads, transitively through fields, extra properties, union variants and aliases. A model
//! stays unconditional when every feature reaches it, or when none does (a schema only the
//! spec's components name) or an unconditional model does.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, Body, Operation, Output, TypeKind, TypeRef};

/// Cargo's own feature names and the crate's other features: a group module never takes one
/// (lowering reserves them).
pub const RESERVED: &[&str] = &["default", "full", "mock", "serialize", "webhooks"];

/// The webhooks' feature.
pub const WEBHOOKS: &str = "webhooks";

/// Which groups each model is compiled for.
#[derive(Debug, Clone)]
pub struct Features {
    /// Feature names: the groups in the IR's order, then `webhooks` if the spec has them.
    groups: Vec<String>,
    /// How many of `groups` are groups of operations.
    operation_groups: usize,
    /// The groups (indices into `groups`) of each model compiled conditionally; a model absent
    /// here is unconditional.
    gated: BTreeMap<String, BTreeSet<usize>>,
}

impl Features {
    /// The features of `api`.
    pub fn new(api: &Api) -> Self {
        let mut groups: Vec<String> = api.groups.iter().map(|g| g.name.clone()).collect();
        let operation_groups = groups.len();
        let mut roots_of: Vec<Vec<&TypeRef>> =
            api.groups.iter().map(|g| g.operations.iter().flat_map(roots).collect()).collect();
        if let Some(hooks) = &api.webhooks {
            groups.push(WEBHOOKS.to_string());
            roots_of.push(hooks.events.iter().map(|e| &e.payload).collect());
        }
        let mut reached: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for (index, roots) in roots_of.into_iter().enumerate() {
            let mut seen = BTreeSet::new();
            for root in roots {
                walk(api, root, &mut seen);
            }
            for name in seen {
                reached.entry(name).or_default().insert(index);
            }
        }
        // Unconditional roots: models no feature reaches.
        let mut always = BTreeSet::new();
        for name in api.types.keys() {
            if !reached.contains_key(name) {
                walk(api, &TypeRef::Named(name.clone()), &mut always);
            }
        }
        let gated =
            reached.into_iter().filter(|(name, set)| set.len() < groups.len() && !always.contains(name)).collect();
        Features { groups, operation_groups, gated }
    }

    /// The groups that compile `type_name`, by name; `None` when it is unconditional.
    pub fn type_groups(&self, type_name: &str) -> Option<Vec<&str>> {
        self.gated.get(type_name).map(|set| set.iter().map(|&i| self.groups[i].as_str()).collect())
    }

    /// The attribute that compiles the model `type_name` only for the groups that reach it.
    pub fn type_cfg(&self, type_name: &str) -> Option<TokenStream> {
        self.type_groups(type_name).map(|groups| cfg_any(&groups))
    }

    /// The attribute that compiles a group's module and accessor only with its feature.
    pub fn group_cfg(group: &str) -> TokenStream {
        quote!(#[cfg(feature = #group)])
    }

    /// A condition that holds when no group of operations is on.
    pub fn when_none(&self) -> TokenStream {
        let names = &self.groups[..self.operation_groups];
        quote!(not(any(#(feature = #names),*)))
    }
}

/// The models a request can send (parameters and request bodies, transitively), and the models
/// no operation or webhook reaches (a user may build and send them as raw requests' bodies):
/// these implement `Serialize` always; the others only with the `serialize` feature (which
/// `mock`, whose responses serialize them, turns on). An unused `Serialize` costs compile time
/// even though it is never called.
pub fn sent_models(api: &Api) -> BTreeSet<String> {
    let mut sent = BTreeSet::new();
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        for ty in op.params.iter().map(|p| &p.ty).chain(op.body.iter().map(|b| &b.ty)) {
            walk(api, ty, &mut sent);
        }
    }
    let mut reached = BTreeSet::new();
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        for ty in roots(op) {
            walk(api, ty, &mut reached);
        }
    }
    for ty in api.webhooks.iter().flat_map(|h| h.events.iter().map(|e| &e.payload)) {
        walk(api, ty, &mut reached);
    }
    for name in api.types.keys() {
        if !reached.contains(name) {
            walk(api, &TypeRef::Named(name.clone()), &mut sent);
        }
    }
    sent
}

/// `#[cfg(any(feature = "a", feature = "b"))]`, or `#[cfg(feature = "a")]` for one.
fn cfg_any(groups: &[&str]) -> TokenStream {
    match groups {
        [one] => quote!(#[cfg(feature = #one)]),
        _ => quote!(#[cfg(any(#(feature = #groups),*))]),
    }
}

/// The types an operation names directly.
fn roots(op: &Operation) -> Vec<&TypeRef> {
    let mut out: Vec<&TypeRef> = op.params.iter().map(|p| &p.ty).collect();
    out.extend(op.body.iter().map(|b| &b.ty));
    let bodies: Vec<&Body> = match &op.output {
        Output::Single { body } => vec![body],
        Output::ByStatus { variants, .. } => variants.iter().map(|v| &v.body).collect(),
    };
    let errors = op.errors.iter().flat_map(|e| e.variants.iter().map(|v| &v.body));
    out.extend(bodies.into_iter().chain(errors).filter_map(|b| match b {
        Body::Json(t) | Body::Items { item: t, .. } => Some(t),
        _ => None,
    }));
    out.extend(op.pagination.iter().map(|p| &p.item));
    out
}

/// Adds every model `ty` reaches to `seen` (iteratively: a spec may nest deeply).
fn walk(api: &Api, ty: &TypeRef, seen: &mut BTreeSet<String>) {
    let mut stack = vec![ty];
    while let Some(ty) = stack.pop() {
        match ty {
            TypeRef::Named(name) => {
                if !seen.insert(name.clone()) {
                    continue;
                }
                let Some(def) = api.types.get(name) else { continue };
                match &def.kind {
                    TypeKind::Struct { fields, additional } => {
                        stack.extend(fields.iter().map(|f| &f.ty));
                        stack.extend(additional.iter().map(|e| &e.ty));
                    }
                    TypeKind::Union { variants, shared, .. } => {
                        stack.extend(variants.iter().map(|v| &v.ty));
                        stack.extend(shared.iter().map(|s| &s.ty));
                    }
                    TypeKind::Alias { target, .. } => stack.push(target),
                    TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => {}
                }
            }
            TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Option(t) | TypeRef::Boxed(t) => stack.push(t),
            TypeRef::Prim(_) | TypeRef::Json => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Features;
    use crate::{generate, Config, Source};

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Features, version: '1'}
paths:
  /a:
    get:
      operationId: getA
      tags: [alpha]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/OnlyA'}}}}
        '404': {description: no, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
  /b:
    post:
      operationId: postB
      tags: [beta]
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/InputB'}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Shared'}}}}
        '404': {description: no, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
  /c:
    get:
      operationId: getC
      tags: [default]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Shared'}}}}
        '404': {description: no, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
components:
  schemas:
    OnlyA:
      type: object
      properties:
        shared: {$ref: '#/components/schemas/Shared'}
        color: {$ref: '#/components/schemas/Color'}
        deep: {type: array, items: {$ref: '#/components/schemas/DeepA'}}
    DeepA:
      oneOf: [{$ref: '#/components/schemas/DeepLeaf'}, {type: string}]
    DeepLeaf: {type: string, enum: [x, y]}
    Color: {type: string, enum: [red, blue]}
    InputB: {type: object, properties: {state: {$ref: '#/components/schemas/State'}}}
    State: {type: string, enum: [on, off]}
    Shared: {type: object, properties: {state: {$ref: '#/components/schemas/State'}}}
    Problem: {type: object, properties: {message: {type: string}}}
    Orphan: {type: object, properties: {leaf: {$ref: '#/components/schemas/DeepLeaf'}}}
"##;

    #[test]
    fn models_compile_with_the_groups_that_reach_them() {
        let generated = generate(&Source::new("spec.yaml", SPEC), &[], &Config::new("features")).expect("generates");
        let api = &generated.api;
        let groups: Vec<&str> = api.groups.iter().map(|g| g.name.as_str()).collect();
        // `default` is Cargo's: the group takes another name.
        assert_eq!(groups.len(), 3);
        assert!(!groups.contains(&"default"), "{groups:?}");
        let other = groups.iter().find(|g| !["alpha", "beta"].contains(g)).expect("the `default` tag's group");
        let features = Features::new(api);
        assert_eq!(features.type_groups("OnlyA"), Some(vec!["alpha"]));
        // Through a field and an array of a union.
        assert_eq!(features.type_groups("DeepA"), Some(vec!["alpha"]));
        assert_eq!(features.type_groups("InputB"), Some(vec!["beta"]));
        // Reached by `alpha` through `OnlyA`, by the others directly.
        assert_eq!(features.type_groups("Shared"), None, "every group reaches it");
        assert_eq!(features.type_groups("State"), None);
        // Every group's error body.
        assert_eq!(features.type_groups("Problem"), None);
        // No group reaches `Orphan`: unconditional, and so is what it holds.
        assert_eq!(features.type_groups("Orphan"), None);
        assert_eq!(features.type_groups("DeepLeaf"), None);

        let types = &generated.files["src/types.rs"];
        let gated = |name: &str| {
            let at = types.find(&format!("pub struct {name} ")).or_else(|| types.find(&format!("pub enum {name} ")));
            let before = &types[..at.unwrap_or_else(|| panic!("{name} in types.rs"))];
            // The item's attributes and docs: the lines above it up to the previous item's end.
            let attrs = before.lines().rev().skip(1).take_while(|l| l.starts_with("#[") || l.starts_with("///"));
            attrs.into_iter().any(|l| l.starts_with("#[cfg("))
        };
        assert!(gated("OnlyA") && gated("DeepA") && gated("InputB"));
        assert!(!gated("Shared") && !gated("Orphan") && !gated("Problem"));
        // Every impl block of a gated model is gated too.
        assert_eq!(features.type_groups("Color"), Some(vec!["alpha"]));
        for item in ["impl Color {", "impl From<&str> for Color", "impl std::fmt::Display for Color"] {
            let at = types.find(item).unwrap_or_else(|| panic!("{item}"));
            assert!(types[..at].ends_with("#[cfg(feature = \"alpha\")]\n"), "{item} is not gated");
        }
        let manifest = &generated.files["Cargo.toml"];
        assert!(manifest.contains("default = [\"full\", \"rustls-tls\"]"), "{manifest}");
        assert!(manifest.contains(&format!("full = [\"alpha\", \"beta\", \"{other}\"]")), "{manifest}");
        let client = &generated.files["src/client.rs"];
        assert!(client.contains("#[cfg(feature = \"alpha\")]\n    pub fn alpha(&self)"), "{client}");
    }
}
