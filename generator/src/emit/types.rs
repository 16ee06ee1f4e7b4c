//! Models: `src/types.rs`, one item per IR type: structs, open enums, unions, aliases.

use std::collections::BTreeSet;
use std::ops::Range;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::error::Error;
use crate::features::Features;
use crate::ident::needs_raw;
use crate::ir::{derives_default, Api, Field, FieldAccess, Prim, SharedField, TypeDef, TypeKind, TypeRef};
use crate::rust::{into_arg, ty, Scope};

use super::docs;

/// An identifier for a snake-case name, raw when it is a keyword.
pub fn snake_ident(name: &str) -> Ident {
    if needs_raw(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// An identifier for a type or variant name.
pub fn type_ident(name: &str) -> Ident {
    format_ident!("{}", name)
}

/// Whether values of the type implement `Eq` (no floats, no JSON values inside).
fn is_eq(ty: &TypeRef, api: &Api, depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    match ty {
        TypeRef::Prim(Prim::F32 | Prim::F64) | TypeRef::Json => false,
        TypeRef::Prim(_) => true,
        TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Option(t) | TypeRef::Boxed(t) => is_eq(t, api, depth + 1),
        TypeRef::Named(n) => {
            matches!(api.types.get(n).map(|d| &d.kind), Some(TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. }))
        }
    }
}

/// The start of `types.rs`: its header and inner doc. The models follow, formatted a run at a
/// time by [`models`] (see [`super::format_piece`]).
pub fn head(header: &str) -> Result<String, Error> {
    super::format_rust(
        header,
        FILE,
        quote! {
            #![doc = " The models of the API: every schema of the spec, inline ones included."]
        },
    )
}

/// The models of `api.types` at `range` (in the IR's order), formatted one at a time. Each
/// model's items (the type and every impl block beside it) carry the model's `cfg` of
/// [`Features`], so they compile only with the groups that use them; `sent` are the models a
/// request sends.
pub fn models(api: &Api, features: &Features, sent: &BTreeSet<String>, range: Range<usize>) -> Result<String, Error> {
    let mut text = String::new();
    for def in api.types.values().skip(range.start).take(range.len()) {
        let mut model = super::parse_file(FILE, item(def, api, sent.contains(&def.name)))?;
        if let Some(cfg) = features.type_cfg(&def.name) {
            gate(&mut model.items, cfg)?;
        }
        text.push_str(&prettyplease::unparse(&model));
    }
    Ok(text)
}

/// The models' file, for errors.
pub(super) const FILE: &str = "src/types.rs";

/// Puts `cfg` on every item.
fn gate(items: &mut [syn::Item], cfg: TokenStream) -> Result<(), Error> {
    let err = |message: String| Error::Emit { file: FILE.to_string(), message };
    for item in items {
        // `syn` is built without `Clone` for its syntax tree: each item gets its own parse.
        let attrs =
            syn::parse::Parser::parse2(syn::Attribute::parse_outer, cfg.clone()).map_err(|e| err(e.to_string()))?;
        let existing =
            item_attrs(item).ok_or_else(|| err("a model's item that cannot carry its feature's `cfg`".to_string()))?;
        existing.splice(0..0, attrs);
    }
    Ok(())
}

/// The attributes of an item (of those generated files hold).
pub(crate) fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Struct(i) => Some(&mut i.attrs),
        syn::Item::Enum(i) => Some(&mut i.attrs),
        syn::Item::Impl(i) => Some(&mut i.attrs),
        syn::Item::Type(i) => Some(&mut i.attrs),
        syn::Item::Mod(i) => Some(&mut i.attrs),
        syn::Item::Fn(i) => Some(&mut i.attrs),
        syn::Item::Const(i) => Some(&mut i.attrs),
        syn::Item::Static(i) => Some(&mut i.attrs),
        syn::Item::Trait(i) => Some(&mut i.attrs),
        syn::Item::Use(i) => Some(&mut i.attrs),
        syn::Item::Macro(i) => Some(&mut i.attrs),
        _ => None,
    }
}

fn item(def: &TypeDef, api: &Api, sent: bool) -> TokenStream {
    let doc = docs::attrs(&def.docs, &format!("The `{}` model.", def.name));
    // `Serialize` where a request sends the model; elsewhere only with the `serialize` feature
    // (on with `mock`, whose responses are models). `for_serialize` puts an attribute that
    // `Serialize` needs (its derive, its serde attributes) behind the same condition.
    let for_serialize = |attr: TokenStream| {
        if sent {
            quote!(#[#attr])
        } else {
            quote!(#[cfg_attr(feature = "serialize", #attr)])
        }
    };
    let serialize = sent.then(|| quote!(serde::Serialize,));
    let serialize_mock = (!sent).then(|| for_serialize(quote!(derive(serde::Serialize))));
    let serialize_impl_cfg = (!sent).then(|| quote!(#[cfg(feature = "serialize")]));
    let deprecated = def.deprecated.then(|| docs::deprecated(&def.docs));
    let name = type_ident(&def.name);
    let body = match &def.kind {
        TypeKind::Struct { fields, additional } => {
            let derive_default = derives_default(fields);
            let default = derive_default.then(|| quote!(Default,));
            // The fields' serde attributes serve `Serialize` only (`Deserialize` is written out
            // below): without it, they go too.
            let serde_attr = |attr: TokenStream| for_serialize(quote!(serde(#attr)));
            let field_items = fields.iter().map(|f| field(f, &serde_attr));
            let extra = additional.as_ref().map(|extra| {
                let ident = snake_ident(&extra.name);
                let value = ty(&extra.ty, Scope::Types);
                let flatten = serde_attr(quote!(flatten));
                quote! {
                    /// Keys beyond the documented properties, kept as sent.
                    #flatten
                    pub #ident: std::collections::BTreeMap<String, #value>,
                }
            });
            let deserialize = struct_deserialize(&name, fields, additional.as_ref(), api);
            let builder = constructor(def, fields, additional.as_ref().map(|e| e.name.as_str()));
            quote! {
                #doc
                #deprecated
                ///
                /// Non-exhaustive, so that a field added to the spec is not a breaking change: build
                /// one with `new` (the required properties) and a setter per optional property.
                #[non_exhaustive]
                #[derive(Debug, Clone, PartialEq, #default #serialize)]
                #serialize_mock
                pub struct #name {
                    #(#field_items)*
                    #extra
                }
                #deserialize
                #builder
            }
        }
        TypeKind::StringEnum { variants } => {
            let idents: Vec<Ident> = variants.iter().map(|v| type_ident(&v.name)).collect();
            let wires: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
            let variant_docs = variants.iter().map(|v| {
                let code = docs::code(&v.wire);
                match &v.docs {
                    Some(d) => {
                        let mut lines = vec![code, String::new()];
                        lines.extend(docs::lines(d, ""));
                        docs::text_attrs(&lines)
                    }
                    None => docs::text_attrs(&[code]),
                }
            });
            quote! {
                #doc
                #deprecated
                ///
                /// Open: a value this client does not know decodes into `Unknown`, keeping it; and
                /// non-exhaustive, so that a value added to the spec is not a breaking change.
                #[non_exhaustive]
                #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
                pub enum #name {
                    #( #variant_docs #idents, )*
                    /// A value this version of the client does not know, as sent.
                    Unknown(crate::runtime::UnknownValue),
                }
                impl #name {
                    /// The value on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #( Self::#idents => #wires, )*
                            Self::Unknown(value) => value.as_str(),
                        }
                    }
                }
                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        match value {
                            #( #wires => Self::#idents, )*
                            other => Self::Unknown(crate::runtime::UnknownValue::new(other)),
                        }
                    }
                }
                impl std::str::FromStr for #name {
                    type Err = std::convert::Infallible;
                    fn from_str(value: &str) -> Result<Self, Self::Err> {
                        Ok(Self::from(value))
                    }
                }
                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }
                #serialize_impl_cfg
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                        crate::runtime::deserialize_str_enum(deserializer)
                    }
                }
            }
        }
        TypeKind::IntEnum { variants, unsigned } => {
            let idents: Vec<Ident> = variants.iter().map(|v| type_ident(&v.name)).collect();
            // Lowering keeps every value within the enum's integer type.
            let values: Vec<Literal> = variants
                .iter()
                .map(|v| {
                    if *unsigned {
                        Literal::u64_suffixed(u64::try_from(v.value).unwrap_or_default())
                    } else {
                        Literal::i64_suffixed(i64::try_from(v.value).unwrap_or_default())
                    }
                })
                .collect();
            let int = if *unsigned { quote!(u64) } else { quote!(i64) };
            let serialize = if *unsigned { quote!(serialize_u64) } else { quote!(serialize_i64) };
            let variant_docs = variants.iter().map(|v| format!(" `{}`", v.value));
            quote! {
                #doc
                #deprecated
                ///
                /// Open: a value this client does not know decodes into `Unknown`, keeping it; and
                /// non-exhaustive, so that a value added to the spec is not a breaking change.
                #[non_exhaustive]
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
                pub enum #name {
                    #( #[doc = #variant_docs] #idents, )*
                    /// A value this version of the client does not know, as sent.
                    Unknown(crate::runtime::UnknownInteger<#int>),
                }
                impl #name {
                    /// The value on the wire.
                    pub fn value(&self) -> #int {
                        match self {
                            #( Self::#idents => #values, )*
                            Self::Unknown(value) => value.get(),
                        }
                    }
                }
                impl From<#int> for #name {
                    fn from(value: #int) -> Self {
                        match value {
                            #( #values => Self::#idents, )*
                            other => Self::Unknown(crate::runtime::UnknownInteger::new(other)),
                        }
                    }
                }
                #serialize_impl_cfg
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.#serialize(self.value())
                    }
                }
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                        crate::runtime::deserialize_int_enum::<__D, #int, Self>(deserializer)
                    }
                }
            }
        }
        TypeKind::Union { variants, tag: None, shared }
            if variants.iter().any(|v| !v.constants.is_empty())
                || variants.iter().filter(|v| object_keys(&v.ty, api).is_some()).count() > 1 =>
        {
            // Open when its alternatives are told apart by constants (a tag in all but name): a
            // value with none of them has a tag this client does not know.
            let open = variants.iter().any(|v| !v.constants.is_empty());
            let eq = (!open && variants.iter().all(|v| is_eq(&v.ty, api, 0))).then(|| quote!(Eq,));
            let items = variants.iter().map(union_variant);
            let accessors = shared_accessors(&name, variants, shared, open);
            let alternatives = variants.iter().map(|v| {
                let ident = type_ident(&v.name);
                let (keys, values): (Vec<&String>, Vec<&String>) = v.constants.iter().unzip();
                let (declared, enums) = match object_keys(&v.ty, api) {
                    Some((declared, enums)) => (quote!(Some(&[#(#declared),*])), enums),
                    None => (quote!(None), Vec::new()),
                };
                let enums = enums.iter().map(|(key, listed)| quote!((#key, &[#(#listed),*])));
                quote! {
                    crate::runtime::Alternative {
                        constants: &[#((#keys, #values)),*],
                        keys: #declared,
                        enums: &[#(#enums),*],
                        read: |v| serde::Deserialize::deserialize(v).map(#name::#ident),
                    },
                }
            });
            let type_name = name.to_string();
            let (unknown_item, unknown, non_exhaustive, doc_open) = if open {
                (
                    quote! {
                        /// A value with none of the alternatives' constants (a tag this version of the
                        /// client does not know), as sent.
                        Unknown(serde_json::Value),
                    },
                    quote!(Some(#name::Unknown)),
                    quote!(#[non_exhaustive]),
                    quote! {
                        ///
                        /// Untagged: an alternative that requires constant properties is tried only on a
                        /// value that has them, so that none takes a value meant for another; a value with
                        /// none of them decodes into `Unknown`.
                    },
                )
            } else {
                (
                    TokenStream::new(),
                    quote!(None),
                    TokenStream::new(),
                    quote! {
                        ///
                        /// Untagged: the alternative that declares the most of a value's properties is
                        /// tried first, so that one whose properties are all optional does not take a value
                        /// meant for another.
                    },
                )
            };
            // Its only `serde` attribute serves `Serialize` (`Deserialize` is written out below).
            let untagged_serde = for_serialize(quote!(serde(untagged)));
            quote! {
                #doc
                #deprecated
                #doc_open
                #non_exhaustive
                #[derive(Debug, Clone, PartialEq, #eq #serialize)]
                #serialize_mock
                #untagged_serde
                pub enum #name {
                    #(#items)*
                    #unknown_item
                }
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                        const ALTERNATIVES: &[crate::runtime::Alternative<#name>] = &[#(#alternatives)*];
                        crate::runtime::deserialize_untagged(deserializer, ALTERNATIVES, #unknown, #type_name)
                    }
                }
                #accessors
            }
        }
        TypeKind::Union { variants, tag: None, shared } => {
            let eq = variants.iter().all(|v| is_eq(&v.ty, api, 0)).then(|| quote!(Eq,));
            let items = variants.iter().map(union_variant);
            let accessors = shared_accessors(&name, variants, shared, false);
            quote! {
                #doc
                #deprecated
                #[derive(Debug, Clone, PartialEq, #eq #serialize serde::Deserialize)]
                #serialize_mock
                #[serde(untagged)]
                pub enum #name {
                    #(#items)*
                }
                #accessors
            }
        }
        TypeKind::Union { variants, tag: Some(tag), shared } => {
            let items = variants.iter().map(union_variant);
            let accessors = shared_accessors(&name, variants, shared, true);
            let arms = variants.iter().map(|v| {
                let ident = type_ident(&v.name);
                let tags = &v.tags;
                quote! {
                    #( Some(#tags) )|* => serde::Deserialize::deserialize(object.into_deserializer()).map(Self::#ident),
                }
            });
            let expecting = format!("a {name} object");
            // Its only `serde` attribute serves `Serialize` (`Deserialize` is written out below).
            let tagged_serde = for_serialize(quote!(serde(untagged)));
            let tag_doc = format!(
                " Tagged by its {} property; a tag this client does not know decodes into `Unknown`.",
                docs::code(tag)
            );
            quote! {
                #doc
                #deprecated
                ///
                #[doc = #tag_doc]
                #[non_exhaustive]
                #[derive(Debug, Clone, PartialEq, #serialize)]
                #serialize_mock
                #tagged_serde
                pub enum #name {
                    #(#items)*
                    /// A value whose tag this version of the client does not know, as sent.
                    Unknown(serde_json::Value),
                }
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                        crate::runtime::deserialize_tagged(deserializer)
                    }
                }
                impl crate::runtime::TaggedUnion for #name {
                    const TAG: &'static str = #tag;
                    const EXPECTING: &'static str = #expecting;
                    fn variant<'de, __M: serde::de::MapAccess<'de>>(
                        tag: Option<&str>,
                        object: crate::runtime::Tagged<'de, __M>,
                    ) -> Result<Self, __M::Error> {
                        match tag {
                            #(#arms)*
                            _ => serde::Deserialize::deserialize(object.into_deserializer()).map(Self::Unknown),
                        }
                    }
                    fn unknown(value: serde_json::Value) -> Self {
                        Self::Unknown(value)
                    }
                }
                #accessors
            }
        }
        TypeKind::Alias { target, newtype: false } => {
            let target = ty(target, Scope::Types);
            quote! {
                #doc
                pub type #name = #target;
            }
        }
        TypeKind::Alias { target, newtype: true } => {
            let target = ty(target, Scope::Types);
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, Default, #serialize serde::Deserialize)]
                #serialize_mock
                #[serde(transparent)]
                pub struct #name(pub #target);
            }
        }
    };
    let example = test_value(def, api);
    quote!(#body #example)
}

/// The name of a model's test value: `example`, unless a property's setter has that name.
pub(super) fn example_method(def: &TypeDef) -> Option<String> {
    let taken = |name: &str| match &def.kind {
        TypeKind::Struct { fields, .. } => fields.iter().any(|f| f.name == name),
        _ => false,
    };
    ["example", "example_value", "test_example"].into_iter().find(|n| !taken(n)).map(str::to_string)
}

/// Under `mock`: the model's `example()`, a value made from the spec's examples and its types
/// (see [`super::examples`]), and for a struct a `with_<name>` setter per required property,
/// so that a test writes `Build::example().with_state(..)`.
fn test_value(def: &TypeDef, api: &Api) -> Option<TokenStream> {
    if !matches!(def.kind, TypeKind::Struct { .. } | TypeKind::Union { .. }) {
        return None;
    }
    let json = super::examples::model_example(api, &def.name)?.to_string();
    let method = snake_ident(&example_method(def)?);
    let name = type_ident(&def.name);
    let setters = match &def.kind {
        TypeKind::Struct { fields, .. } => fields
            .iter()
            .filter(|f| f.in_constructor())
            .filter(|f| !fields.iter().any(|g| g.name == format!("with_{}", f.name)))
            .map(|f| {
                let ident = format_ident!("with_{}", f.name);
                let field = snake_ident(&f.name);
                let t = ty(&f.ty, Scope::Types);
                let doc = setter_doc(f);
                quote! {
                    #[doc = #doc]
                    pub fn #ident(mut self, value: impl Into<#t>) -> Self {
                        self.#field = value.into();
                        self
                    }
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    Some(quote! {
        #[cfg(feature = "mock")]
        impl #name {
            /// A value for tests (feature `mock`): the required properties set from the spec's
            /// examples, or plausible values of their types; the optional ones empty. Change
            /// what a test needs with the setters.
            pub fn #method() -> Self {
                crate::runtime::mock::example(#json)
            }
            #(#setters)*
        }
    })
}

/// A property whose value is a string enum, and the values the spec lists.
type EnumProperty<'a> = (&'a str, Vec<&'a str>);

/// The properties an alternative of an untagged union declares, when it is an object without a
/// map for other keys, and those of its properties that are string enums with their values: what
/// its `Deserialize` ranks the alternatives by.
fn object_keys<'a>(ty: &TypeRef, api: &'a Api) -> Option<(Vec<&'a str>, Vec<EnumProperty<'a>>)> {
    object_keys_at(ty, api, 0)
}

/// [`object_keys`], `depth` unions deep. A union of objects (a `oneOf` inside a `oneOf`)
/// declares what any of its alternatives declares, and lists, for a property every alternative
/// holds as an enum (or its tag), the values any of them lists: so that, as an alternative of
/// another union, it is not tried first on a value meant for a sibling and read as its own
/// `Unknown`.
fn object_keys_at<'a>(ty: &TypeRef, api: &'a Api, depth: usize) -> Option<(Vec<&'a str>, Vec<EnumProperty<'a>>)> {
    let name = match ty {
        TypeRef::Named(n) => n,
        TypeRef::Boxed(inner) => match &**inner {
            TypeRef::Named(n) => n,
            _ => return None,
        },
        _ => return None,
    };
    let fields = match &api.types.get(name)?.kind {
        TypeKind::Struct { fields, additional: None } => fields,
        TypeKind::Union { variants, tag, .. } if depth < 4 && !variants.is_empty() => {
            let parts: Vec<_> =
                variants.iter().map(|v| object_keys_at(&v.ty, api, depth + 1)).collect::<Option<_>>()?;
            let mut keys: Vec<&str> = Vec::new();
            for (part_keys, _) in &parts {
                for key in part_keys {
                    if !keys.contains(key) {
                        keys.push(key);
                    }
                }
            }
            let mut enums: Vec<EnumProperty<'a>> = Vec::new();
            if let Some(tag) = tag {
                enums.push((tag.as_str(), variants.iter().flat_map(|v| v.tags.iter().map(String::as_str)).collect()));
            }
            for (key, _) in &parts[0].1 {
                if enums.iter().any(|(k, _)| k == key) {
                    continue;
                }
                let per_part: Option<Vec<&Vec<&str>>> = parts
                    .iter()
                    .map(|(_, part_enums)| part_enums.iter().find(|(k, _)| k == key).map(|(_, values)| values))
                    .collect();
                let Some(per_part) = per_part else { continue };
                let mut listed: Vec<&str> = Vec::new();
                for value in per_part.into_iter().flatten() {
                    if !listed.contains(value) {
                        listed.push(value);
                    }
                }
                enums.push((key, listed));
            }
            return Some((keys, enums));
        }
        _ => return None,
    };
    let keys = fields.iter().map(|f| f.wire_name.as_str()).collect();
    let enums = fields
        .iter()
        .filter_map(|f| {
            let mut t = &f.ty;
            while let TypeRef::Option(inner) | TypeRef::Boxed(inner) = t {
                t = inner;
            }
            match t {
                TypeRef::Named(n) => match &api.types.get(n)?.kind {
                    TypeKind::StringEnum { variants } => {
                        Some((f.wire_name.as_str(), variants.iter().map(|v| v.wire.as_str()).collect()))
                    }
                    _ => None,
                },
                _ => None,
            }
        })
        .collect();
    Some((keys, enums))
}

/// Accessors for the fields every alternative of a union has; `open` unions also hold values of
/// unknown alternatives, which read as `None`.
fn shared_accessors(
    name: &Ident,
    variants: &[crate::ir::UnionVariant],
    shared: &[SharedField],
    open: bool,
) -> TokenStream {
    if shared.is_empty() {
        return TokenStream::new();
    }
    let methods = shared.iter().map(|f| {
        let method = snake_ident(&f.method);
        let field = snake_ident(&f.field);
        let t = ty(&f.ty, Scope::Types);
        let doc = format!(
            " The {} property, whichever alternative this is; `None` when it is absent{}.",
            docs::code(&f.wire_name),
            if open { " or the alternative is one this client does not know" } else { "" }
        );
        let arms = variants.iter().zip(&f.access).map(|(v, access)| {
            let variant = type_ident(&v.name);
            let read = match access {
                FieldAccess::Plain | FieldAccess::Boxed => quote!(Some(&v.#field)),
                FieldAccess::Optional => quote!(v.#field.as_ref()),
                FieldAccess::OptionalBoxed => quote!(v.#field.as_deref()),
            };
            quote!(Self::#variant(v) => #read,)
        });
        let rest = open.then(|| quote!(Self::Unknown(_) => None,));
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> Option<&#t> {
                match self {
                    #(#arms)*
                    #rest
                }
            }
        }
    });
    quote! {
        impl #name {
            #(#methods)*
        }
    }
}

fn union_variant(v: &crate::ir::UnionVariant) -> TokenStream {
    let ident = type_ident(&v.name);
    let inner = ty(&v.ty, Scope::Types);
    let doc = match v.tags.as_slice() {
        [] => format!(" The `{}` alternative.", v.name),
        tags => {
            format!(" The alternative tagged {}.", tags.iter().map(|t| docs::code(t)).collect::<Vec<_>>().join(", "))
        }
    };
    quote!(#[doc = #doc] #ident(#inner),)
}

fn field(f: &Field, serde_attr: &dyn Fn(TokenStream) -> TokenStream) -> TokenStream {
    let doc = docs::attrs(&f.docs, &format!("The {} property.", docs::code(&f.wire_name)));
    let deprecated = f.deprecated.then(|| docs::deprecated(&f.docs));
    let ident = snake_ident(&f.name);
    let wire = &f.wire_name;
    let rename = (f.name != f.wire_name).then(|| serde_attr(quote!(rename = #wire)));
    // What `Serialize` needs: `Deserialize` is written out by `struct_deserialize`.
    // A read-only field is left out of request bodies (the runtime says when one is being
    // written), and kept when a model is serialized otherwise (the `serialize` feature, mocks).
    let skip = match f.read_only {
        true => "crate::runtime::skip_read_only",
        false => "Option::is_none",
    };
    let serde_attr = match (&f.ty, f.required) {
        (TypeRef::Option(inner), false) if matches!(**inner, TypeRef::Option(_)) => Some(serde_attr(quote!(
            skip_serializing_if = #skip,
            serialize_with = "crate::runtime::nullable::serialize"
        ))),
        (TypeRef::Option(_), false) => Some(serde_attr(quote!(skip_serializing_if = #skip))),
        _ => None,
    };
    let field_ty = ty(&f.ty, Scope::Types);
    quote! {
        #doc
        #deprecated
        #rename
        #serde_attr
        pub #ident: #field_ty,
    }
}

/// Whether `ty` is a struct model with at least one required property (so `{}` is never one).
fn requires_properties(ty: &TypeRef, api: &Api) -> bool {
    let name = match ty {
        TypeRef::Named(n) => n,
        TypeRef::Boxed(inner) => match &**inner {
            TypeRef::Named(n) => n,
            _ => return false,
        },
        _ => return false,
    };
    matches!(api.types.get(name).map(|d| &d.kind), Some(TypeKind::Struct { fields, .. }) if fields.iter().any(|f| f.required))
}

/// A struct's `Deserialize`: one visitor of a JSON object, as serde's derive would make it
/// (a missing required property is an error, a missing optional one `None`, `null` for a
/// property that may be cleared `Some(None)`, unknown properties skipped or kept in the map of
/// extra properties), without the sequence visitor and field enum the derive adds. A property
/// sent twice keeps its last value.
fn struct_deserialize(name: &Ident, fields: &[Field], extra: Option<&crate::ir::Extra>, api: &Api) -> TokenStream {
    let expecting = format!("struct {name}");
    let vars: Vec<Ident> = (0..fields.len()).map(|i| format_ident!("f{i}")).collect();
    let decls = fields.iter().zip(&vars).map(|(f, var)| {
        let t = ty(&f.ty, Scope::Types);
        match f.ty {
            TypeRef::Option(_) => quote!(let mut #var: #t = None;),
            _ => quote!(let mut #var: Option<#t> = None;),
        }
    });
    let arms = fields.iter().zip(&vars).map(|(f, var)| {
        let wire = &f.wire_name;
        let read = match (&f.ty, f.required) {
            // Present: `null` is `Some(None)`, a value `Some(Some(value))`.
            (TypeRef::Option(inner), false) if matches!(**inner, TypeRef::Option(_)) => {
                quote!(Some(map.next_value()?))
            }
            // `{}` cannot be an object with required properties: servers send it for "none",
            // so an optional one reads it as absent rather than failing the whole body.
            (TypeRef::Option(inner), false) if requires_properties(inner, api) => {
                let t = ty(inner, Scope::Types);
                quote!(map.next_value::<crate::runtime::OrEmpty<#t>>()?.0)
            }
            (TypeRef::Option(_), _) => quote!(map.next_value()?),
            _ => quote!(Some(map.next_value()?)),
        };
        quote!(#wire => #var = #read,)
    });
    let inits = fields.iter().zip(&vars).map(|(f, var)| {
        let ident = snake_ident(&f.name);
        let wire = &f.wire_name;
        match f.ty {
            TypeRef::Option(_) => quote!(#ident: #var,),
            _ => quote! {
                #ident: match #var {
                    Some(value) => value,
                    None => return Err(serde::de::Error::missing_field(#wire)),
                },
            },
        }
    });
    let (extra_decl, extra_init, unknown) = match extra {
        Some(extra) => {
            let ident = snake_ident(&extra.name);
            let value = ty(&extra.ty, Scope::Types);
            (
                quote!(let mut __extra: std::collections::BTreeMap<String, #value> = std::collections::BTreeMap::new();),
                quote!(#ident: __extra,),
                quote!({
                    __extra.insert(key.into_string(), map.next_value()?);
                }),
            )
        }
        None => (
            TokenStream::new(),
            TokenStream::new(),
            quote!({
                map.next_value::<serde::de::IgnoredAny>()?;
            }),
        ),
    };
    let walk = if fields.is_empty() && extra.is_none() {
        quote! {
            while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
    } else if fields.is_empty() {
        quote! {
            while let Some(key) = map.next_key::<crate::runtime::Key<'de>>()? #unknown
        }
    } else {
        quote! {
            while let Some(key) = map.next_key::<crate::runtime::Key<'de>>()? {
                match key.as_str() {
                    #(#arms)*
                    _ => #unknown
                }
            }
        }
    };
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                // Double underscores (here and in the generic parameters): no model is named so.
                struct __Visitor;
                impl<'de> serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<__A: serde::de::MapAccess<'de>>(self, mut map: __A) -> Result<#name, __A::Error> {
                        #(#decls)*
                        #extra_decl
                        #walk
                        Ok(#name { #(#inits)* #extra_init })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}

/// A setter's doc: the field's name and the first paragraph of its description.
fn setter_doc(f: &Field) -> String {
    let paragraph = docs::first_paragraph(&f.docs);
    if paragraph.is_empty() {
        format!(" Sets {}.", docs::code(&f.wire_name))
    } else {
        format!(" Sets {}: {paragraph}", docs::code(&f.wire_name))
    }
}

/// `new(required...)` and a setter per optional field, for every struct: request bodies are
/// built with them, and so are response values in users' tests (the structs are
/// `#[non_exhaustive]`). A map setter takes any iterable of pairs; the constructor takes its
/// maps as `impl Into<BTreeMap<..>>`, so that an empty `BTreeMap::new()` needs no annotation. A field whose setter would shadow a method every model has (`new`,
/// `clone`, `default`, ...) has none: it is public, set it directly.
fn constructor(def: &TypeDef, fields: &[Field], extra: Option<&str>) -> TokenStream {
    let name = type_ident(&def.name);
    let required: Vec<&Field> = fields.iter().filter(|f| f.in_constructor()).collect();
    let params = required.iter().map(|f| {
        let ident = snake_ident(&f.name);
        let t = ty(&f.ty, Scope::Types);
        quote!(#ident: impl Into<#t>)
    });
    let inits = fields.iter().map(|f| {
        let ident = snake_ident(&f.name);
        if matches!(f.ty, TypeRef::Option(_)) {
            quote!(#ident: None)
        } else {
            quote!(#ident: #ident.into())
        }
    });
    let extra_init = extra.map(|e| {
        let ident = snake_ident(e);
        quote!(#ident: std::collections::BTreeMap::new(),)
    });
    let setters = fields.iter().filter_map(|f| {
        let TypeRef::Option(inner) = &f.ty else { return None };
        if !f.has_setter() {
            return None;
        }
        let ident = snake_ident(&f.name);
        let deprecated = f.deprecated.then(|| docs::deprecated(&f.docs));
        let doc = setter_doc(f);
        Some(match (&**inner, &f.clear_setter) {
            // `Option<Option<T>>`: a value, or `null` through the clear setter.
            (TypeRef::Option(value), Some(clear)) => {
                let (param, convert) = into_arg(value, Scope::Types, &snake_ident("value"));
                let clear = snake_ident(clear);
                let clear_doc = format!(" Sends {} as `null`, clearing it.", docs::code(&f.wire_name));
                quote! {
                    #[doc = #doc]
                    #deprecated
                    pub fn #ident(mut self, value: #param) -> Self {
                        self.#ident = Some(Some(#convert));
                        self
                    }
                    #[doc = #clear_doc]
                    #deprecated
                    pub fn #clear(mut self) -> Self {
                        self.#ident = Some(None);
                        self
                    }
                }
            }
            _ => {
                let (param, convert) = into_arg(inner, Scope::Types, &snake_ident("value"));
                quote! {
                    #[doc = #doc]
                    #deprecated
                    pub fn #ident(mut self, value: #param) -> Self {
                        self.#ident = Some(#convert);
                        self
                    }
                }
            }
        })
    });
    quote! {
        impl #name {
            /// A value with the required properties set and the others empty.
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* #extra_init }
            }
            #(#setters)*
        }
    }
}
