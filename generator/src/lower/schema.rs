//! Schemas to types: every component schema and every inline schema becomes a `TypeRef`, with a
//! named `TypeDef` where Rust needs a name (objects, enums, unions), named after where it stands.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use crate::error::{Error, Pointer};
use crate::ident::{item_type_name, snake_name, type_name, Namespace};
use crate::ir::{
    Docs, EnumVariant, Extra, Fate, Field, IntVariant, LeftOut, Prim, TypeDef, TypeKind, TypeRef, UnionVariant,
};

use super::refs;

/// How deep inline schemas may nest before the spec is refused: a guard against pathological
/// input, far beyond what any real spec uses.
const MAX_DEPTH: usize = 64;

/// A warning: something the generator handled with a documented fallback.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// Where.
    pub pointer: String,
    /// What was done.
    pub message: String,
}

/// The type space: component names, the types made so far, and the name space they share.
pub struct Types<'a> {
    schemas: Option<&'a indexmap::IndexMap<String, ReferenceOr<Schema>>>,
    /// Component schema key to Rust name.
    component_names: BTreeMap<String, String>,
    names: Namespace,
    /// Types made so far, by Rust name. A component schema is lowered once, into the type
    /// named after it, and `allOf` reads its fields from there.
    pub defs: BTreeMap<String, TypeDef>,
    /// The component schemas being lowered, innermost last (an `allOf` part that refers to one
    /// of them would contain itself).
    lowering: Vec<String>,
    /// Fallbacks taken.
    pub warnings: BTreeSet<Warning>,
    /// While lowering a multipart body: `format: binary` strings are file parts.
    pub binary_as_bytes: bool,
    /// The named types made from inline schemas, by the schema's JSON (and `binary_as_bytes`,
    /// the one piece of context lowering reads): an inline schema written again, word for word,
    /// elsewhere is the same type, not a copy. Large specs repeat inline schemas by the
    /// thousand (GitHub's repeats 3,700 of its 5,300), and each copy costs its users compile
    /// time.
    inline: BTreeMap<(bool, String), String>,
    /// Whether a place that cannot be generated refuses the document (see [`Types::recover`]).
    pub strict: bool,
    /// The places left out or read loosely, for the crate's README and API.md.
    pub left_out: BTreeSet<LeftOut>,
}

impl<'a> Types<'a> {
    /// Names every component schema (in sorted key order, so names do not depend on the order of
    /// the document) before anything is lowered, so references can be named before their
    /// targets are made.
    pub fn new(spec: &'a openapiv3::OpenAPI, reserved: &[&str]) -> Self {
        let schemas = spec.components.as_ref().map(|c| &c.schemas);
        let mut names = Namespace::with_reserved(reserved.iter().copied());
        let mut keys: Vec<&String> = schemas.map(|s| s.keys().collect()).unwrap_or_default();
        keys.sort();
        let component_names = keys.into_iter().map(|k| (k.clone(), names.claim(&item_type_name(k)))).collect();
        Types {
            schemas,
            component_names,
            names,
            defs: BTreeMap::new(),
            lowering: Vec::new(),
            warnings: BTreeSet::new(),
            binary_as_bytes: false,
            inline: BTreeMap::new(),
            strict: false,
            left_out: BTreeSet::new(),
        }
    }

    /// The policy for a spec wrong in one place: with `strict`, the error refuses the document;
    /// otherwise the place named by the error (or `at`, when the error names none) becomes
    /// `fallback`, with a warning that says why and an entry in the crate's list of what it left
    /// out.
    pub fn recover<T>(
        &mut self,
        result: Result<T, Error>,
        at: &Pointer,
        fate: Fate,
        fallback: impl FnOnce() -> T,
    ) -> Result<T, Error> {
        match result {
            Ok(value) => Ok(value),
            Err(e) if self.strict || e.pointer().is_none() => Err(e),
            Err(e) => {
                let place = e.pointer().unwrap_or_default();
                let message = if place == at.to_string() {
                    format!("{}: {}", fate.describe(), e.reason())
                } else {
                    format!("{} ({place}: {})", fate.describe(), e.reason())
                };
                self.warn(at, message);
                self.left_out.insert(LeftOut { pointer: at.to_string(), fate });
                Ok(fallback())
            }
        }
    }

    /// Lowers every component schema into a named type.
    pub fn lower_components(&mut self) -> Result<(), Error> {
        let Some(schemas) = self.schemas else { return Ok(()) };
        let mut keys: Vec<&String> = schemas.keys().collect();
        keys.sort();
        for key in keys {
            self.component(key, &Pointer::root().push("components").push("schemas").push(key))?;
        }
        Ok(())
    }

    /// Lowers the component schema `key` into the type named after it, unless that is done
    /// already: each component is lowered once, however many references lead to it. `from` is
    /// where the need arose, for the errors.
    fn component(&mut self, key: &str, from: &Pointer) -> Result<(), Error> {
        let Some(schemas) = self.schemas else { return Ok(()) };
        let Some(name) = self.component_names.get(key).cloned() else { return Ok(()) };
        if self.defs.contains_key(&name) {
            return Ok(());
        }
        if let Some(start) = self.lowering.iter().position(|k| k == key) {
            let cycle = self.lowering[start..].iter().chain([&key.to_string()]).cloned().collect::<Vec<_>>();
            return Err(Error::unsupported(
                from,
                format!(
                    "`allOf` parts include each other ({}); a schema cannot be one of its own parts",
                    cycle.join(" includes ")
                ),
            ));
        }
        if self.lowering.len() > MAX_DEPTH {
            return Err(Error::unsupported(from, format!("schemas nested more than {MAX_DEPTH} deep")));
        }
        let at = Pointer::root().push("components").push("schemas").push(key);
        self.lowering.push(key.to_string());
        let lowered = match &schemas[key] {
            // A component that is only a reference to another is an alias of it.
            ReferenceOr::Reference { reference } => refs::resolve(&schemas[key], Some(schemas), "schemas", &at)
                .and_then(|(schema, _)| {
                    Ok(self.def(
                        &name,
                        &at,
                        schema,
                        TypeKind::Alias { target: self.reference(reference, &at)?, newtype: false },
                    ))
                }),
            ReferenceOr::Item(schema) => self.lower_named(&name, schema, &at, 0),
        };
        self.lowering.pop();
        let def = self.recover(lowered, &at, Fate::SchemaAsJson, || TypeDef {
            name: name.clone(),
            origin: at.to_string(),
            docs: Docs::default(),
            input: false,
            deprecated: false,
            kind: TypeKind::Alias { target: TypeRef::Json, newtype: false },
        })?;
        self.defs.insert(name, def);
        Ok(())
    }

    /// What the component schema a reference leads to was lowered into (following references
    /// to references), lowering it first if need be.
    fn component_kind(&mut self, part: &ReferenceOr<Schema>, at: &Pointer) -> Result<TypeKind, Error> {
        let (_, key) = refs::resolve(part, self.schemas, "schemas", at)?;
        let Some(key) = key else { return Err(Error::unsupported(at, "an `allOf` part that is not a reference")) };
        let key = key.to_string();
        self.component(&key, at)?;
        let name = &self.component_names[&key];
        Ok(self.defs[name].kind.clone())
    }

    fn reference(&self, reference: &str, at: &Pointer) -> Result<TypeRef, Error> {
        let key = refs::component_name(reference, "schemas", at)?;
        self.component_names.get(key).map(|n| TypeRef::Named(n.clone())).ok_or_else(|| Error::UnresolvedRef {
            pointer: at.to_string(),
            reference: reference.to_string(),
            reason: format!("there is no components.schemas.{key}"),
        })
    }

    /// Follows a schema reference to the schema itself.
    pub fn resolve<'s>(&'s self, schema: &'s ReferenceOr<Schema>, at: &Pointer) -> Result<&'s Schema, Error>
    where
        'a: 's,
    {
        refs::resolve(schema, self.schemas, "schemas", at).map(|(s, _)| s)
    }

    fn def(&self, name: &str, at: &Pointer, schema: &Schema, kind: TypeKind) -> TypeDef {
        TypeDef {
            name: name.to_string(),
            origin: at.to_string(),
            docs: docs(schema.schema_data.title.as_deref(), schema.schema_data.description.as_deref()),
            input: false,
            deprecated: schema.schema_data.deprecated,
            kind,
        }
    }

    /// Claims a fresh name for an inline type.
    fn claim(&mut self, suggestion: &str) -> String {
        self.names.claim(&item_type_name(suggestion))
    }

    /// Lowers a schema that may be a reference; inline schemas that need a name get one made
    /// from `suggestion`.
    pub fn lower(
        &mut self,
        schema: &ReferenceOr<Schema>,
        suggestion: &str,
        at: &Pointer,
        depth: usize,
    ) -> Result<TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { .. } if self.binary_as_bytes && self.is_binary(schema) => {
                Ok(TypeRef::Prim(Prim::File))
            }
            ReferenceOr::Reference { reference } => self.reference(reference, at),
            ReferenceOr::Item(schema) => self.lower_inline(schema, suggestion, at, depth),
        }
    }

    /// Whether a schema, references followed, is a `format: binary` string: in a multipart body
    /// it is a file part, however it is reached.
    fn is_binary(&self, schema: &ReferenceOr<Schema>) -> bool {
        matches!(
            self.resolve(schema, &Pointer::root()).map(|s| &s.schema_kind),
            Ok(SchemaKind::Type(Type::String(s))) if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
        )
    }

    /// Whether an object schema has a `format: binary` property, directly or through its
    /// `allOf` parts and references: as a multipart body, it has file parts.
    pub fn has_binary_property(&self, schema: &ReferenceOr<Schema>) -> bool {
        let Ok(schema) = self.resolve(schema, &Pointer::root()) else { return false };
        let mut properties = Vec::new();
        self.gather(schema, &mut properties, &mut BTreeSet::new(), 0);
        properties.iter().any(|(_, p)| {
            matches!(&p.schema_kind, SchemaKind::Type(Type::String(s)) if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary))
        })
    }

    fn lower_boxed(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        suggestion: &str,
        at: &Pointer,
        depth: usize,
    ) -> Result<TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { reference } => {
                self.lower(&ReferenceOr::Reference { reference: reference.clone() }, suggestion, at, depth)
            }
            ReferenceOr::Item(schema) => self.lower_inline(schema, suggestion, at, depth),
        }
    }

    /// Whether a schema may be null: it says `nullable: true`, or one of its `allOf` parts does
    /// (`allOf: [{$ref: Thing}, {nullable: true}]`, how 3.0 documents make a reference nullable).
    fn nullable(&self, schema: &Schema) -> bool {
        schema.schema_data.nullable
            || match &schema.schema_kind {
                SchemaKind::AllOf { all_of } => all_of.iter().any(|part| match part {
                    ReferenceOr::Item(s) => s.schema_data.nullable,
                    reference => self.resolve(reference, &Pointer::root()).is_ok_and(|s| s.schema_data.nullable),
                }),
                _ => false,
            }
    }

    /// Whether a (possibly referenced) schema says `nullable: true`.
    pub fn is_nullable(&self, schema: &ReferenceOr<Schema>, at: &Pointer) -> Result<bool, Error> {
        Ok(self.nullable(self.resolve(schema, at)?))
    }

    fn is_nullable_boxed(&self, schema: &ReferenceOr<Box<Schema>>, at: &Pointer) -> Result<bool, Error> {
        match schema {
            ReferenceOr::Reference { reference } => {
                self.is_nullable(&ReferenceOr::Reference { reference: reference.clone() }, at)
            }
            ReferenceOr::Item(s) => Ok(self.nullable(s)),
        }
    }

    /// An inline schema: scalars and containers stay anonymous; objects, enums and unions are
    /// named and defined.
    fn lower_inline(
        &mut self,
        schema: &Schema,
        suggestion: &str,
        at: &Pointer,
        depth: usize,
    ) -> Result<TypeRef, Error> {
        if depth > MAX_DEPTH {
            return Err(Error::unsupported(at, format!("schemas nested more than {MAX_DEPTH} deep")));
        }
        if let Some(anonymous) = self.anonymous(schema, suggestion, at, depth)? {
            return Ok(anonymous);
        }
        // The same schema met before is the type made then, named where it was first met.
        let key = serde_json::to_string(schema).ok().map(|json| (self.binary_as_bytes, json));
        if let Some(name) = key.as_ref().and_then(|key| self.inline.get(key)) {
            return Ok(TypeRef::Named(name.clone()));
        }
        let name = self.claim(suggestion);
        let def = self.lower_named(&name, schema, at, depth)?;
        self.defs.insert(name.clone(), def);
        if let Some(key) = key {
            self.inline.insert(key, name.clone());
        }
        Ok(TypeRef::Named(name))
    }

    /// The type of a schema that needs no name of its own, or `None` when it does.
    fn anonymous(
        &mut self,
        schema: &Schema,
        suggestion: &str,
        at: &Pointer,
        depth: usize,
    ) -> Result<Option<TypeRef>, Error> {
        Ok(Some(match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if s.enumeration.iter().all(Option::is_none) => {
                TypeRef::Prim(self.string_format(&s.format, at))
            }
            SchemaKind::Type(Type::Integer(i)) if i.enumeration.iter().all(Option::is_none) => {
                TypeRef::Prim(self.integer_format(&i.format, at))
            }
            SchemaKind::Type(Type::Number(n)) => TypeRef::Prim(match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Prim::F32,
                VariantOrUnknownOrEmpty::Item(NumberFormat::Double) | VariantOrUnknownOrEmpty::Empty => Prim::F64,
                VariantOrUnknownOrEmpty::Unknown(f) => {
                    self.warn(at, format!("unknown number format `{f}`: using f64"));
                    Prim::F64
                }
            }),
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Prim(Prim::Bool),
            SchemaKind::Type(Type::Array(a)) => {
                let items = match &a.items {
                    Some(items) => {
                        let item_at = at.push("items");
                        let ty = self.lower_boxed(items, &format!("{suggestion}Item"), &item_at, depth + 1)?;
                        if self.is_nullable_boxed(items, &item_at)? {
                            TypeRef::Option(Box::new(ty))
                        } else {
                            ty
                        }
                    }
                    None => TypeRef::Json,
                };
                TypeRef::Vec(Box::new(items))
            }
            SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => {
                self.map_of(o.additional_properties.as_ref(), suggestion, at, depth)?
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                let inner_at = at.push("allOf").push("0");
                return self.lower(&all_of[0], suggestion, &inner_at, depth + 1).map(Some);
            }
            // A decorated primitive, enum or union is that type, as anonymous as it is.
            SchemaKind::AllOf { all_of } => match self.decorated(all_of, at)? {
                Some(Some(i)) => {
                    let inner_at = at.push("allOf").push(i.to_string());
                    return self.lower(&all_of[i], suggestion, &inner_at, depth + 1).map(Some);
                }
                Some(None) => TypeRef::Json,
                None => return Ok(None),
            },
            SchemaKind::OneOf { one_of: alts } | SchemaKind::AnyOf { any_of: alts } if alts.len() == 1 => {
                let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                return self.lower(&alts[0], suggestion, &at.push(key).push("0"), depth + 1).map(Some);
            }
            SchemaKind::Any(any) => return self.anonymous_any(any, suggestion, at, depth),
            _ => return Ok(None),
        }))
    }

    /// `AnySchema` is what openapiv3 gives for schemas it cannot classify: no `type` with
    /// properties, `type` with composition keywords, or nothing at all (any JSON value).
    fn anonymous_any(
        &mut self,
        any: &openapiv3::AnySchema,
        suggestion: &str,
        at: &Pointer,
        depth: usize,
    ) -> Result<Option<TypeRef>, Error> {
        let composed = !any.one_of.is_empty() || !any.all_of.is_empty() || !any.any_of.is_empty();
        // `enum: [null]` says "always null": there are no values to name.
        let only_null = !any.enumeration.is_empty() && any.enumeration.iter().all(|v| v.is_null());
        if only_null && !composed && any.properties.is_empty() {
            return Ok(Some(TypeRef::Json));
        }
        // `type` beside a lone `allOf` part only restates the part's type: OpenAPI 3.0's
        // `nullable` takes effect only beside `type`, so `{type: object, nullable: true, allOf:
        // [$ref]}` is how a valid 3.0 document makes a reference nullable, and it means the part.
        let restated = any.all_of.len() == 1
            && any.one_of.is_empty()
            && any.any_of.is_empty()
            && any.properties.is_empty()
            && any.enumeration.is_empty()
            && any.items.is_none()
            && any.additional_properties.is_none()
            && any.not.is_none();
        if restated {
            return self.lower(&any.all_of[0], suggestion, &at.push("allOf").push("0"), depth + 1).map(Some);
        }
        if !any.properties.is_empty() || composed || !any.enumeration.is_empty() {
            return Ok(None);
        }
        if any.not.is_some() {
            return Err(Error::unsupported(at, "`not` schemas have no Rust type; describe the allowed shape instead"));
        }
        Ok(Some(match any.typ.as_deref() {
            // `items` without `type: array` still says what the elements are.
            Some("array") | None if any.items.is_some() || any.typ.is_some() => {
                let items = match &any.items {
                    Some(items) => {
                        let item_at = at.push("items");
                        let ty = self.lower_boxed(items, &format!("{suggestion}Item"), &item_at, depth + 1)?;
                        if self.is_nullable_boxed(items, &item_at)? {
                            TypeRef::Option(Box::new(ty))
                        } else {
                            ty
                        }
                    }
                    None => TypeRef::Json,
                };
                TypeRef::Vec(Box::new(items))
            }
            Some("object") | None if any.additional_properties.is_some() => {
                self.map_of(any.additional_properties.as_ref(), suggestion, at, depth)?
            }
            Some("string") => TypeRef::Prim(Prim::String),
            Some("integer") => TypeRef::Prim(Prim::I64),
            Some("number") => TypeRef::Prim(Prim::F64),
            Some("boolean") => TypeRef::Prim(Prim::Bool),
            _ => TypeRef::Json,
        }))
    }

    fn map_of(
        &mut self,
        additional: Option<&AdditionalProperties>,
        suggestion: &str,
        at: &Pointer,
        depth: usize,
    ) -> Result<TypeRef, Error> {
        Ok(match additional {
            Some(AdditionalProperties::Schema(value)) => {
                let value_at = at.push("additionalProperties");
                let ty = self.lower(value, &format!("{suggestion}Value"), &value_at, depth + 1)?;
                let ty = if self.is_nullable(value, &value_at)? { TypeRef::Option(Box::new(ty)) } else { ty };
                TypeRef::Map(Box::new(ty))
            }
            _ => TypeRef::Map(Box::new(TypeRef::Json)),
        })
    }

    pub(super) fn warn(&mut self, at: &Pointer, message: String) {
        self.warnings.insert(Warning { pointer: at.to_string(), message });
    }

    fn string_format(&mut self, format: &VariantOrUnknownOrEmpty<StringFormat>, at: &Pointer) -> Prim {
        match format {
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Prim::DateTime,
            VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Prim::Date,
            VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => Prim::Uuid,
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary) if self.binary_as_bytes => Prim::File,
            // `binary` strings only exist as raw bodies and multipart parts; in JSON they are text.
            VariantOrUnknownOrEmpty::Item(_) | VariantOrUnknownOrEmpty::Empty => Prim::String,
            VariantOrUnknownOrEmpty::Unknown(f) => {
                const TEXT_FORMATS: &[&str] = &[
                    "uri",
                    "url",
                    "email",
                    "hostname",
                    "ipv4",
                    "ipv6",
                    "ip",
                    "uri-reference",
                    "uri-template",
                    "regex",
                    "idn-email",
                    "idn-hostname",
                    "iri",
                    "iri-reference",
                    "json-pointer",
                    "time",
                    "duration",
                    "int64",
                    "int32",
                ];
                if !TEXT_FORMATS.contains(&f.as_str()) {
                    self.warn(at, format!("unknown string format `{f}`: using String"));
                }
                Prim::String
            }
        }
    }

    fn integer_format(&mut self, format: &VariantOrUnknownOrEmpty<IntegerFormat>, at: &Pointer) -> Prim {
        match format {
            VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Prim::I32,
            VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) | VariantOrUnknownOrEmpty::Empty => Prim::I64,
            VariantOrUnknownOrEmpty::Unknown(f) => match f.as_str() {
                "int8" => Prim::I8,
                "int16" => Prim::I16,
                "uint8" => Prim::U8,
                "uint16" => Prim::U16,
                "uint32" => Prim::U32,
                "uint64" | "uint" => Prim::U64,
                _ => {
                    self.warn(at, format!("unknown integer format `{f}`: using i64"));
                    Prim::I64
                }
            },
        }
    }

    /// Lowers a schema into a named type definition (an alias when it needs no name).
    fn lower_named(&mut self, name: &str, schema: &Schema, at: &Pointer, depth: usize) -> Result<TypeDef, Error> {
        if depth > MAX_DEPTH {
            return Err(Error::unsupported(at, format!("schemas nested more than {MAX_DEPTH} deep")));
        }
        let kind = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if s.enumeration.iter().any(Option::is_some) => {
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                self.string_enum(&values)
            }
            SchemaKind::Type(Type::Integer(i)) if i.enumeration.iter().any(Option::is_some) => {
                let unsigned = self.integer_format(&i.format, at) == Prim::U64;
                let values: Vec<i128> = i.enumeration.iter().flatten().map(|v| i128::from(*v)).collect();
                int_enum(&values, unsigned)
            }
            SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => {
                self.object(name, &o.properties, &o.required, o.additional_properties.as_ref(), at, depth)?
            }
            SchemaKind::OneOf { one_of } => self.union(name, one_of, "oneOf", schema, at, depth)?,
            SchemaKind::AnyOf { any_of } => self.union(name, any_of, "anyOf", schema, at, depth)?,
            SchemaKind::AllOf { all_of } => self.all_of(name, all_of, schema, at, depth)?,
            SchemaKind::Not { .. } => {
                return Err(Error::unsupported(
                    at,
                    "`not` schemas have no Rust type; describe the allowed shape instead",
                ))
            }
            SchemaKind::Any(any) => self.any_named(name, any, schema, at, depth)?,
            _ => {
                let target = self
                    .anonymous(schema, name, at, depth)?
                    .ok_or_else(|| Error::unsupported(at, "a schema the generator cannot classify"))?;
                TypeKind::Alias { target, newtype: false }
            }
        };
        Ok(self.def(name, at, schema, kind))
    }

    fn any_named(
        &mut self,
        name: &str,
        any: &openapiv3::AnySchema,
        schema: &Schema,
        at: &Pointer,
        depth: usize,
    ) -> Result<TypeKind, Error> {
        if let Some(kind) = self.object_with_required_alternatives(name, any, at, depth)? {
            return Ok(kind);
        }
        if !any.one_of.is_empty() {
            return self.union(name, &any.one_of, "oneOf", schema, at, depth);
        }
        if !any.any_of.is_empty() {
            return self.union(name, &any.any_of, "anyOf", schema, at, depth);
        }
        if !any.all_of.is_empty() {
            // `allOf` beside its own properties: the properties are one more part.
            if !any.properties.is_empty() {
                let mut parts = any.all_of.clone();
                parts.push(ReferenceOr::Item(Schema {
                    schema_data: Default::default(),
                    schema_kind: SchemaKind::Type(Type::Object(openapiv3::ObjectType {
                        properties: any.properties.clone(),
                        required: any.required.clone(),
                        additional_properties: any.additional_properties.clone(),
                        ..Default::default()
                    })),
                }));
                if let Some(kind) = self.distribute(name, &parts, schema, at, depth)? {
                    return Ok(kind);
                }
            }
            let kind = self.all_of(name, &any.all_of, schema, at, depth)?;
            if let TypeKind::Struct { mut fields, additional } = kind {
                // The schema's own `additionalProperties` counts as much as a part's: dropping it
                // lost every property the parts do not describe.
                let mut additional = additional.map(|e| e.ty);
                if let TypeKind::Struct { fields: own, additional: own_extra } =
                    self.object(name, &any.properties, &any.required, any.additional_properties.as_ref(), at, depth)?
                {
                    merge_fields(&mut fields, own);
                    additional = additional.or(own_extra.map(|e| e.ty));
                }
                return Ok(finish_struct(fields, additional));
            }
            return Ok(kind);
        }
        if let Some(kind) = self.any_int_enum(any, at) {
            return Ok(kind);
        }
        if !any.enumeration.is_empty() {
            let strings: Option<Vec<String>> =
                any.enumeration.iter().filter(|v| !v.is_null()).map(|v| v.as_str().map(String::from)).collect();
            return match strings {
                Some(values) => Ok(self.string_enum(&values)),
                None => Ok(TypeKind::Alias { target: TypeRef::Json, newtype: false }),
            };
        }
        if !any.properties.is_empty() {
            return self.object(name, &any.properties, &any.required, any.additional_properties.as_ref(), at, depth);
        }
        let target = self.anonymous_any(any, name, at, depth)?.unwrap_or(TypeRef::Json);
        Ok(TypeKind::Alias { target, newtype: false })
    }

    /// Properties beside `anyOf` or `oneOf` alternatives that only add `required` lists
    /// (`anyOf: [{required: [email]}, {required: [phone]}]`): one struct with those properties.
    /// What every alternative requires is required; what only some do is optional, and its
    /// documentation says which alternatives ask for it.
    fn object_with_required_alternatives(
        &mut self,
        name: &str,
        any: &openapiv3::AnySchema,
        at: &Pointer,
        depth: usize,
    ) -> Result<Option<TypeKind>, Error> {
        let (key, alternatives) = match (any.one_of.is_empty(), any.any_of.is_empty()) {
            (false, true) => ("oneOf", &any.one_of),
            (true, false) => ("anyOf", &any.any_of),
            _ => return Ok(None),
        };
        if any.properties.is_empty() || !any.all_of.is_empty() {
            return Ok(None);
        }
        let Some(lists) = self.required_lists(key, alternatives, at)? else { return Ok(None) };
        let mut required = any.required.clone();
        let always = lists[0].iter().filter(|p| lists.iter().all(|l| l.contains(p)));
        required.extend(always.cloned());
        let kind = self.object(name, &any.properties, &required, any.additional_properties.as_ref(), at, depth)?;
        let TypeKind::Struct { mut fields, additional } = kind else { return Ok(Some(kind)) };
        note_required_alternatives(&mut fields, key, &lists);
        Ok(Some(TypeKind::Struct { fields, additional }))
    }

    /// An integer enum that openapiv3 could not read as one: a value beyond `i64`
    /// (`format: uint64`) leaves the schema untyped, with the values as JSON numbers.
    fn any_int_enum(&mut self, any: &openapiv3::AnySchema, at: &Pointer) -> Option<TypeKind> {
        if !matches!(any.typ.as_deref(), Some("integer") | None) || any.enumeration.iter().all(|v| v.is_null()) {
            return None;
        }
        let values: Option<Vec<i128>> = any
            .enumeration
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| v.as_i64().map(i128::from).or_else(|| v.as_u64().map(i128::from)))
            .collect();
        let values = values?;
        let format = match any.format.as_deref() {
            None => VariantOrUnknownOrEmpty::Empty,
            Some("int32") => VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32),
            Some("int64") => VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64),
            Some(f) => VariantOrUnknownOrEmpty::Unknown(f.to_string()),
        };
        let declared_unsigned = self.integer_format(&format, at) == Prim::U64;
        let beyond_i64 = values.iter().any(|v| *v > i128::from(i64::MAX));
        if beyond_i64 && values.iter().any(|v| *v < 0) {
            // No one Rust integer holds them all.
            return None;
        }
        Some(int_enum(&values, declared_unsigned || beyond_i64))
    }

    fn string_enum(&mut self, values: &[String]) -> TypeKind {
        documented_enum(values.iter().map(|v| (v.clone(), None)))
    }

    fn object(
        &mut self,
        name: &str,
        properties: &Properties,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        at: &Pointer,
        depth: usize,
    ) -> Result<TypeKind, Error> {
        let mut ns = Namespace::with_reserved(["new"]);
        let mut fields = Vec::with_capacity(properties.len());
        for (wire, prop) in properties {
            let prop_at = at.push("properties").push(wire);
            let lowered = self.lower_boxed(prop, &format!("{name}{}", type_name(wire)), &prop_at, depth + 1);
            let ty = self.recover(lowered, &prop_at, Fate::SchemaAsJson, || TypeRef::Json)?;
            let (mut docs, deprecated, is_nullable, read_only, write_only, default, example) = match prop {
                ReferenceOr::Item(s) => (
                    docs(s.schema_data.title.as_deref(), s.schema_data.description.as_deref()),
                    s.schema_data.deprecated,
                    self.nullable(s),
                    s.schema_data.read_only,
                    s.schema_data.write_only,
                    s.schema_data.default.clone(),
                    s.schema_data.example.clone(),
                ),
                ReferenceOr::Reference { .. } => {
                    // A reference that cannot be followed was warned about above (strictly, refused).
                    let nullable = self.is_nullable_boxed(prop, &prop_at).unwrap_or(true);
                    (Docs::default(), false, nullable, false, false, None, None)
                }
            };
            // A read-only property is never sent and a write-only one never received, so
            // neither can be required in both directions.
            let is_required = required.iter().any(|r| r == wire) && !read_only && !write_only;
            let mut notes = Vec::new();
            if read_only {
                notes.push("Read-only: set by the server, left out of request bodies.".to_string());
            }
            if write_only {
                notes.push("Write-only: sent in requests, never returned.".to_string());
            }
            if let Some(default) = default {
                notes.push(format!("Default: `{default}`."));
            }
            if !notes.is_empty() {
                append_note(&mut docs, &notes.join(" "));
            }
            let ty = if is_required && !is_nullable { ty } else { TypeRef::Option(Box::new(ty)) };
            fields.push(Field {
                name: ns.claim(&snake_name(wire)),
                wire_name: wire.clone(),
                ty,
                required: is_required,
                nullable: is_nullable,
                clear_setter: None,
                docs,
                deprecated,
                read_only,
                undescribed: false,
                example,
            });
        }
        // A property that `required` names but `properties` does not describe would otherwise be
        // dropped on decoding (no field, no extra map). It becomes an optional `serde_json::Value`:
        // optional so that decoding stays lenient towards servers that leave it out. With an extra
        // map the map keeps it, so `finish_struct` drops these again.
        let mut seen = BTreeSet::new();
        for wire in required.iter().filter(|r| !properties.contains_key(*r) && seen.insert(r.as_str())) {
            fields.push(Field {
                name: ns.claim(&snake_name(wire)),
                wire_name: wire.clone(),
                ty: TypeRef::Option(Box::new(TypeRef::Json)),
                required: false,
                nullable: false,
                clear_setter: None,
                docs: docs(
                    None,
                    Some("Required by the schema, which does not describe it: any JSON value, optional here."),
                ),
                deprecated: false,
                read_only: false,
                undescribed: true,
                example: None,
            });
        }
        let additional = match additional {
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            Some(AdditionalProperties::Schema(schema)) => {
                Some(self.lower(schema, &format!("{name}Extra"), &at.push("additionalProperties"), depth + 1)?)
            }
            _ => None,
        };
        Ok(finish_struct(fields, additional))
    }

    /// `allOf`: the properties of every part, merged into one object. Parts that are not objects
    /// (a lone `$ref` to an enum, say) make the whole an alias of that part when it is the only one.
    /// One part a union of objects makes the whole a union (see `distribute`).
    fn all_of(
        &mut self,
        name: &str,
        parts: &[ReferenceOr<Schema>],
        schema: &Schema,
        at: &Pointer,
        depth: usize,
    ) -> Result<TypeKind, Error> {
        if let Some(kind) = self.distribute(name, parts, schema, at, depth)? {
            return Ok(kind);
        }
        if let Some(core) = self.decorated(parts, at)? {
            let Some(i) = core else { return Ok(TypeKind::Alias { target: TypeRef::Json, newtype: false }) };
            let part_at = at.push("allOf").push(i.to_string());
            return Ok(match &parts[i] {
                ReferenceOr::Item(schema) => self.lower_named(name, schema, &part_at, depth + 1)?.kind,
                reference => {
                    TypeKind::Alias { target: self.lower(reference, name, &part_at, depth + 1)?, newtype: false }
                }
            });
        }
        let mut fields: Vec<Field> = Vec::new();
        let mut additional: Option<TypeRef> = None;
        let mut requirements = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let part_at = at.push("allOf").push(i.to_string());
            // A part that only asks for some properties (`anyOf: [{required: [a]}, {required: [b]}]`)
            // adds no field: the fields' documentation says what it asks.
            if let Some(found) = self.required_alternatives(self.resolve(part, &part_at)?, &part_at)? {
                requirements.push(found);
                continue;
            }
            // A referenced part is the component's type, lowered once and shared by every
            // schema that includes it; an inline part is lowered here, named after the whole.
            let kind = match part {
                ReferenceOr::Reference { .. } => self.component_kind(part, &part_at)?,
                ReferenceOr::Item(schema) => self.lower_named(name, schema, &part_at, depth + 1)?.kind,
            };
            match kind {
                TypeKind::Struct { fields: more, additional: extra } => {
                    merge_fields(&mut fields, more);
                    additional = additional.or(extra.map(|e| e.ty));
                }
                TypeKind::Alias { target: TypeRef::Map(value), .. } => additional = additional.or(Some(*value)),
                TypeKind::Alias { target: TypeRef::Json, .. } => {}
                _ if parts.len() == 1 => {
                    return Ok(TypeKind::Alias { target: self.lower(part, name, &part_at, depth + 1)?, newtype: false })
                }
                _ => {
                    return Err(Error::unsupported(
                        &part_at,
                        "an allOf part that is not an object (an enum, a union, a list or a primitive) cannot be \
                         merged with the object parts beside it into a struct",
                    ))
                }
            }
        }
        for (key, lists) in requirements {
            note_required_alternatives(&mut fields, key, &lists);
        }
        Ok(finish_struct(fields, additional))
    }

    /// An `allOf` that decorates one part that is not an object (a primitive, an enum, a union,
    /// a list) with parts that only annotate it (`nullable`, a description, constraints,
    /// extensions, `required` lists): `Some(Some(i))` names that part, the one a `$ref` or an
    /// enum before a plain type; `Some(None)` says every part only annotates (any value). `None`
    /// when a part is an object, whose fields the parts merge into.
    fn decorated(&self, parts: &[ReferenceOr<Schema>], at: &Pointer) -> Result<Option<Option<usize>>, Error> {
        let mut cores = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let part_at = at.push("allOf").push(i.to_string());
            let resolved = self.resolve(part, &part_at)?;
            if object_like(resolved) {
                return Ok(None);
            }
            if annotation_only(resolved) || self.required_alternatives(resolved, &part_at)?.is_some() {
                continue;
            }
            let rank = match (part, &resolved.schema_kind) {
                (ReferenceOr::Reference { .. }, _) => 0,
                (_, SchemaKind::Type(Type::String(t))) if !t.enumeration.is_empty() => 1,
                (_, SchemaKind::Type(Type::Integer(t))) if !t.enumeration.is_empty() => 1,
                (_, SchemaKind::Any(a)) if !a.enumeration.is_empty() => 1,
                _ => 2,
            };
            cores.push((rank, i));
        }
        Ok(Some(cores.into_iter().min().map(|(_, i)| i)))
    }

    /// The `required` lists of a `oneOf` or `anyOf` whose alternatives only add requirements,
    /// with its keyword.
    fn required_alternatives(&self, schema: &Schema, at: &Pointer) -> Result<Option<RequiredAlternatives>, Error> {
        let (key, alternatives) = match &schema.schema_kind {
            SchemaKind::OneOf { one_of } => ("oneOf", one_of),
            SchemaKind::AnyOf { any_of } => ("anyOf", any_of),
            SchemaKind::Any(a) if a.properties.is_empty() && a.all_of.is_empty() && a.any_of.is_empty() => {
                ("oneOf", &a.one_of)
            }
            SchemaKind::Any(a) if a.properties.is_empty() && a.all_of.is_empty() && a.one_of.is_empty() => {
                ("anyOf", &a.any_of)
            }
            _ => return Ok(None),
        };
        Ok(self.required_lists(key, alternatives, at)?.map(|lists| (key, lists)))
    }

    /// The `required` list of each of `alternatives` (under `key` at `at`), when each says
    /// nothing else; `None` when one does, or there are none.
    fn required_lists(
        &self,
        key: &str,
        alternatives: &[ReferenceOr<Schema>],
        at: &Pointer,
    ) -> Result<Option<Vec<Vec<String>>>, Error> {
        if alternatives.is_empty() {
            return Ok(None);
        }
        let mut lists = Vec::with_capacity(alternatives.len());
        for (i, alt) in alternatives.iter().enumerate() {
            match required_only(self.resolve(alt, &at.push(key).push(i.to_string()))?) {
                Some(required) => lists.push(required.to_vec()),
                None => return Ok(None),
            }
        }
        Ok(Some(lists))
    }

    /// `allOf: [Base, {oneOf: [A, B]}]`, a base and one of several shapes, is
    /// `oneOf: [{allOf: [Base, A]}, {allOf: [Base, B]}]`: a union whose alternatives each have
    /// every field. Only when exactly one part is a union, and each of its alternatives an
    /// object; the discriminator is the whole's, or else the union part's.
    fn distribute(
        &mut self,
        name: &str,
        parts: &[ReferenceOr<Schema>],
        schema: &Schema,
        at: &Pointer,
        depth: usize,
    ) -> Result<Option<TypeKind>, Error> {
        if parts.len() < 2 {
            return Ok(None);
        }
        let mut found = None;
        for (i, part) in parts.iter().enumerate() {
            let part_at = at.push("allOf").push(i.to_string());
            let resolved = self.resolve(part, &part_at)?;
            let (key, alternatives) = match &resolved.schema_kind {
                SchemaKind::OneOf { one_of } => ("oneOf", one_of),
                SchemaKind::AnyOf { any_of } => ("anyOf", any_of),
                SchemaKind::Any(any) if any.properties.is_empty() && !any.one_of.is_empty() => ("oneOf", &any.one_of),
                SchemaKind::Any(any) if any.properties.is_empty() && !any.any_of.is_empty() => ("anyOf", &any.any_of),
                _ => continue,
            };
            if found.is_some() {
                return Ok(None);
            }
            found = Some((i, key, alternatives.clone(), resolved.schema_data.discriminator.clone(), part_at));
        }
        let Some((index, key, alternatives, discriminator, part_at)) = found else { return Ok(None) };
        if alternatives.len() < 2 {
            return Ok(None);
        }
        for (j, alt) in alternatives.iter().enumerate() {
            if !object_like(self.resolve(alt, &part_at.push(key).push(j.to_string()))?) {
                return Ok(None);
            }
        }
        let distributed: Vec<ReferenceOr<Schema>> = alternatives
            .into_iter()
            .map(|alt| {
                let mut all_of = parts.to_vec();
                all_of[index] = alt;
                ReferenceOr::Item(Schema { schema_data: Default::default(), schema_kind: SchemaKind::AllOf { all_of } })
            })
            .collect();
        let whole = Schema {
            schema_data: openapiv3::SchemaData {
                discriminator: schema.schema_data.discriminator.clone().or(discriminator),
                ..Default::default()
            },
            schema_kind: SchemaKind::OneOf { one_of: distributed.clone() },
        };
        self.union(name, &distributed, key, &whole, &part_at, depth).map(Some)
    }

    fn union(
        &mut self,
        name: &str,
        alternatives: &[ReferenceOr<Schema>],
        key: &str,
        schema: &Schema,
        at: &Pointer,
        depth: usize,
    ) -> Result<TypeKind, Error> {
        if alternatives.is_empty() {
            return Ok(TypeKind::Alias { target: TypeRef::Json, newtype: false });
        }
        let mut resolved = Vec::with_capacity(alternatives.len());
        for (i, alt) in alternatives.iter().enumerate() {
            let alt_at = at.push(key).push(i.to_string());
            resolved.push((alt, self.resolve(alt, &alt_at)?.clone(), alt_at));
        }
        // Alternatives that are all string enums (a `oneOf` of one-value enums, each with its
        // description, is how some specs document an enum's values) are one enum: as a union,
        // the first alternative, open, would take every string.
        if schema.schema_data.discriminator.is_none() {
            let values: Option<Vec<Vec<String>>> = resolved.iter().map(|(_, s, _)| string_values(s)).collect();
            if let Some(values) = values {
                let documented = resolved.iter().zip(values).flat_map(|((_, s, _), values)| {
                    let one = values.len() == 1;
                    let docs = one
                        .then(|| docs(s.schema_data.title.as_deref(), s.schema_data.description.as_deref()))
                        .filter(|d| d.summary.is_some() || d.description.is_some());
                    values.into_iter().map(move |v| (v, docs.clone()))
                });
                return Ok(documented_enum(documented));
            }
        }
        // The properties each alternative requires with one constant value, found directly or
        // through `allOf` parts and references.
        let constants: Vec<BTreeMap<String, String>> =
            resolved.iter().map(|(_, schema, _)| self.constants(schema)).collect();
        // The tag: the spec's discriminator, or else a property every alternative requires with
        // one distinct constant value each (`type: {enum: [circle]}`), which is a discriminator
        // in all but name.
        let (tag, tag_values): (Option<String>, Vec<Vec<String>>) = match &schema.schema_data.discriminator {
            Some(d) => {
                let values = resolved
                    .iter()
                    .map(|(alt, schema, _)| self.discriminator_values(d, alt, schema))
                    .collect::<Vec<_>>();
                (Some(d.property_name.clone()), values)
            }
            None => match implicit_tag(&resolved, &constants) {
                Some((property, values)) => (Some(property), values.into_iter().map(|v| vec![v]).collect()),
                None => (None, vec![Vec::new(); resolved.len()]),
            },
        };
        // Untagged alternatives are tried in order. Those with constants are tried first, in the
        // spec's order, each only when the value has its constants (so that an open enum never
        // takes another alternative's tag); then the rest, the most specific first.
        let mut order: Vec<usize> = (0..resolved.len()).collect();
        if tag.is_none() {
            order.sort_by_key(|&i| match constants[i].is_empty() {
                false => (false, (0, 0, 0)),
                true => (true, specificity(&resolved[i].1)),
            });
        }
        let mut ns = Namespace::with_reserved(["Unknown"]);
        let mut variants = Vec::with_capacity(alternatives.len());
        let mut seen = BTreeSet::new();
        for i in order {
            let (alt, alt_schema, alt_at) = &resolved[i];
            let tags = tag_values[i].clone();
            let word = match tags.first() {
                Some(value) => type_name(value),
                None => kind_word(alt_schema).to_string(),
            };
            let ty = self.lower(alt, &format!("{name}{word}"), alt_at, depth + 1)?;
            if !seen.insert(ty.clone()) {
                continue;
            }
            let label = match (&ty, alt) {
                _ if !tags.is_empty() => word,
                (_, ReferenceOr::Item(s)) if s.schema_data.title.is_some() => {
                    type_name(s.schema_data.title.as_deref().unwrap_or_default())
                }
                (TypeRef::Named(n), ReferenceOr::Reference { .. }) => n.clone(),
                _ => word,
            };
            let constants = match ty {
                TypeRef::Named(_) => constants[i].clone(),
                _ => BTreeMap::new(),
            };
            variants.push(UnionVariant { name: ns.claim(&label), tags, ty, constants });
        }
        // A tag only helps when every alternative has a value for it.
        let tag = tag.filter(|_| variants.iter().all(|v| !v.tags.is_empty() && matches!(v.ty, TypeRef::Named(_))));
        if tag.is_none() {
            variants.iter_mut().for_each(|v| v.tags.clear());
        } else {
            variants.iter_mut().for_each(|v| v.constants.clear());
        }
        Ok(TypeKind::Union { variants, tag, shared: Vec::new() })
    }

    /// The tag values that select an alternative: the discriminator's mapping, or else the
    /// schema's component name.
    fn discriminator_values(
        &self,
        d: &openapiv3::Discriminator,
        alt: &ReferenceOr<Schema>,
        schema: &Schema,
    ) -> Vec<String> {
        let reference = match (alt, &schema.schema_kind) {
            (ReferenceOr::Reference { reference }, _) => reference,
            // An inline `allOf` (as `distribute` makes): the mapping of one of its parts.
            (ReferenceOr::Item(_), SchemaKind::AllOf { all_of }) => {
                let mapped = all_of.iter().rev().find_map(|part| match part {
                    ReferenceOr::Reference { reference } if d.mapping.values().any(|t| t == reference) => {
                        Some(reference)
                    }
                    _ => None,
                });
                match mapped {
                    Some(reference) => reference,
                    None => return Vec::new(),
                }
            }
            _ => return constant_of(schema, &d.property_name).into_iter().collect(),
        };
        let mapped: Vec<String> =
            d.mapping.iter().filter(|(_, target)| *target == reference).map(|(value, _)| value.clone()).collect();
        if !mapped.is_empty() {
            return mapped;
        }
        reference.rsplit('/').next().map(|k| vec![k.to_string()]).unwrap_or_default()
    }

    /// The properties a schema requires with one constant string value each, found directly or
    /// through its `allOf` parts (a shared base holding the tag) and references.
    fn constants(&self, schema: &Schema) -> BTreeMap<String, String> {
        let mut properties = Vec::new();
        let mut required = BTreeSet::new();
        self.gather(schema, &mut properties, &mut required, 0);
        let mut out = BTreeMap::new();
        for (name, property) in properties {
            if !required.contains(&name) {
                continue;
            }
            // A later part restates a property: the last word counts, and a non-constant one
            // means there is no constant.
            match single_string(&property) {
                Some(value) => out.insert(name, value),
                None => out.remove(&name),
            };
        }
        out
    }

    /// The properties (references followed) and required names of a schema and its `allOf`
    /// parts, in order.
    fn gather(
        &self,
        schema: &Schema,
        properties: &mut Vec<(String, Schema)>,
        required: &mut BTreeSet<String>,
        depth: usize,
    ) {
        // `allOf` references may loop: a real base is a level or two deep.
        if depth > 8 {
            return;
        }
        let (props, req, parts): (Option<&Properties>, &[String], &[ReferenceOr<Schema>]) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (Some(&o.properties), &o.required, &[]),
            SchemaKind::Any(a) => (Some(&a.properties), &a.required, &a.all_of),
            SchemaKind::AllOf { all_of } => (None, &[], all_of),
            _ => return,
        };
        required.extend(req.iter().cloned());
        for (name, property) in props.into_iter().flatten() {
            let resolved = match property {
                ReferenceOr::Item(s) => Some((**s).clone()),
                ReferenceOr::Reference { reference } => {
                    let r = ReferenceOr::Reference { reference: reference.clone() };
                    self.resolve(&r, &Pointer::root()).ok().cloned()
                }
            };
            if let Some(resolved) = resolved {
                properties.push((name.clone(), resolved));
            }
        }
        for part in parts {
            if let Ok(part) = self.resolve(part, &Pointer::root()) {
                self.gather(part, properties, required, depth + 1);
            }
        }
    }
}

/// A property every alternative requires, with one distinct constant string each (in the first
/// alternative's order of properties).
fn implicit_tag(
    alternatives: &[(&ReferenceOr<Schema>, Schema, Pointer)],
    constants: &[BTreeMap<String, String>],
) -> Option<(String, Vec<String>)> {
    if alternatives.len() < 2 {
        return None;
    }
    let first = &constants[0];
    let mut candidates: Vec<&String> = first.keys().collect();
    // The first alternative's own order, where it has one: the tag is usually listed first.
    if let Some((props, _)) = object_shape(&alternatives[0].1) {
        candidates.sort_by_key(|k| props.get_index_of(k.as_str()).unwrap_or(usize::MAX));
    }
    for candidate in candidates {
        let values: Option<Vec<String>> = constants.iter().map(|c| c.get(candidate).cloned()).collect();
        if let Some(values) = values {
            let distinct: BTreeSet<&String> = values.iter().collect();
            if distinct.len() == values.len() {
                return Some((candidate.clone(), values));
            }
        }
    }
    None
}

/// The `required` list of a schema that says nothing else about the shape (an alternative that
/// only adds requirements to the properties beside it).
fn required_only(schema: &Schema) -> Option<&[String]> {
    match &schema.schema_kind {
        SchemaKind::Any(a) if shapeless(a) && matches!(a.typ.as_deref(), None | Some("object")) => Some(&a.required),
        SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() && o.additional_properties.is_none() => {
            Some(&o.required)
        }
        _ => None,
    }
}

/// A `oneOf` or `anyOf` of `required` lists: its keyword and the lists.
type RequiredAlternatives = (&'static str, Vec<Vec<String>>);

/// Notes on the optional fields that some alternatives of a `oneOf`/`anyOf` of `required` lists
/// ask for, saying which.
fn note_required_alternatives(fields: &mut [Field], key: &str, lists: &[Vec<String>]) {
    let choices: Vec<String> = lists
        .iter()
        .map(|l| {
            if l.is_empty() {
                "nothing more".to_string()
            } else {
                l.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(" and ")
            }
        })
        .collect();
    let quantity = if key == "oneOf" { "exactly one" } else { "at least one" };
    let note = format!("The schema's `{key}` asks for {quantity} of: {}.", choices.join("; "));
    for field in fields {
        if !field.required && lists.iter().any(|l| l.contains(&field.wire_name)) {
            append_note(&mut field.docs, &note);
        }
    }
}

/// A schema that says nothing of the shape of a value: only annotations (`nullable`, a
/// description, constraints such as `maxLength`, an example, extensions).
fn annotation_only(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(a) if shapeless(a) && a.typ.is_none() && a.required.is_empty())
}

/// An untyped schema with no keyword that shapes a value (`type` and `required` aside).
fn shapeless(a: &openapiv3::AnySchema) -> bool {
    a.enumeration.is_empty() && shapeless_but_values(a)
}

/// An untyped schema with no keyword that shapes a value but perhaps `enum`.
fn shapeless_but_values(a: &openapiv3::AnySchema) -> bool {
    a.properties.is_empty()
        && a.one_of.is_empty()
        && a.all_of.is_empty()
        && a.any_of.is_empty()
        && a.not.is_none()
        && a.items.is_none()
        && a.additional_properties.is_none()
        && a.format.is_none()
}

/// An open integer enum of these values, duplicates dropped.
fn int_enum(values: &[i128], unsigned: bool) -> TypeKind {
    // A negative value in a `uint64` enum: the format is wrong, the values are what is sent.
    let unsigned = unsigned && values.iter().all(|v| *v >= 0);
    let mut ns = Namespace::with_reserved(["Unknown"]);
    let mut seen = BTreeSet::new();
    let variants = values
        .iter()
        .filter(|v| seen.insert(**v))
        .map(|v| IntVariant { name: ns.claim(&type_name(&format!("V{v}").replace('-', "Minus"))), value: *v })
        .collect();
    TypeKind::IntEnum { variants, unsigned }
}

/// Whether a schema describes an object: its fields can be merged into an `allOf`.
fn object_like(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => true,
        SchemaKind::Any(any) => !any.properties.is_empty() || !any.all_of.is_empty(),
        _ => false,
    }
}

/// An object schema's properties.
type Properties = indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>;

/// The properties and required list of an object schema.
fn object_shape(schema: &Schema) -> Option<(&Properties, &Vec<String>)> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Some((&o.properties, &o.required)),
        SchemaKind::Any(a) if !a.properties.is_empty() => Some((&a.properties, &a.required)),
        _ => None,
    }
}

/// A string enum of these values (the first of a repeated value counts), each with its docs.
fn documented_enum(values: impl IntoIterator<Item = (String, Option<Docs>)>) -> TypeKind {
    let mut ns = Namespace::with_reserved(["Unknown"]);
    let mut seen = BTreeSet::new();
    let variants = values
        .into_iter()
        .filter(|(v, _)| seen.insert(v.clone()))
        .map(|(wire, docs)| EnumVariant { name: ns.claim(&type_name(&wire)), wire, docs })
        .collect();
    TypeKind::StringEnum { variants }
}

/// The values of a string enum (`null` left out: it is the nullability, not a value); `None`
/// for any other schema.
fn string_values(schema: &Schema) -> Option<Vec<String>> {
    let values: Vec<String> = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().flatten().cloned().collect(),
        SchemaKind::Any(a) if a.typ.as_deref().is_none_or(|t| t == "string") && shapeless_but_values(a) => {
            let strings: Option<Vec<String>> =
                a.enumeration.iter().filter(|v| !v.is_null()).map(|v| v.as_str().map(String::from)).collect();
            strings?
        }
        _ => return None,
    };
    (!values.is_empty()).then_some(values)
}

/// The one value of a single-value string enum.
fn single_string(schema: &Schema) -> Option<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => match s.enumeration.as_slice() {
            [Some(v)] => Some(v.clone()),
            _ => None,
        },
        SchemaKind::Any(a) => match a.enumeration.as_slice() {
            [serde_json::Value::String(v)] => Some(v.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The constant value of an inline alternative's tag property.
fn constant_of(schema: &Schema, property: &str) -> Option<String> {
    let (props, _) = object_shape(schema)?;
    match props.get(property)? {
        ReferenceOr::Item(s) => single_string(s),
        ReferenceOr::Reference { .. } => None,
    }
}

/// How likely an untagged alternative is to match a value meant for another: objects with many
/// required properties are tried first, catch-alls (any string, any value) last.
fn specificity(schema: &Schema) -> (u8, isize, isize) {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => {
            (0, -(o.required.len() as isize), -(o.properties.len() as isize))
        }
        SchemaKind::Any(a) if !a.properties.is_empty() => {
            (0, -(a.required.len() as isize), -(a.properties.len() as isize))
        }
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::AllOf { .. } => (1, 0, 0),
        SchemaKind::Type(Type::Array(_)) | SchemaKind::Type(Type::Object(_)) => (2, 0, 0),
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => (7, 0, 0),
        SchemaKind::Type(Type::String(s)) => match &s.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime | StringFormat::Date) => (3, 0, 0),
            VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => (3, 0, 0),
            _ => (8, 0, 0),
        },
        SchemaKind::Type(Type::Integer(_)) => (4, 0, 0),
        SchemaKind::Type(Type::Number(_)) => (5, 0, 0),
        SchemaKind::Type(Type::Boolean(_)) => (6, 0, 0),
        _ => (9, 0, 0),
    }
}

/// A variant name for an alternative without a better one.
fn kind_word(schema: &Schema) -> &'static str {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => "Map",
        SchemaKind::Type(Type::Object(_)) => "Object",
        SchemaKind::Any(a) if !a.properties.is_empty() => "Object",
        SchemaKind::Type(Type::Array(_)) => "List",
        SchemaKind::Type(Type::String(_)) => "String",
        SchemaKind::Type(Type::Integer(_)) => "Integer",
        SchemaKind::Type(Type::Number(_)) => "Number",
        SchemaKind::Type(Type::Boolean(_)) => "Bool",
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => "Union",
        SchemaKind::AllOf { .. } => "Object",
        _ => "Value",
    }
}

/// A struct with field names made unique (merged parts may clash) and the extra-keys map named.
fn finish_struct(mut fields: Vec<Field>, additional: Option<TypeRef>) -> TypeKind {
    if additional.is_some() {
        // The extra map keeps a property no part describes, typed as the map's values say.
        fields.retain(|f| !f.undescribed);
    }
    let mut ns = Namespace::with_reserved(["new"]);
    for field in &mut fields {
        field.name = ns.claim(&field.name);
    }
    let additional = additional.map(|ty| Extra { name: ns.claim("extra"), ty });
    TypeKind::Struct { fields, additional }
}

/// Adds `more` to `fields`; a property named twice keeps the later definition, in the place of the first.
/// A placeholder for an undescribed property (`Field::undescribed`) never replaces a described
/// field, and a described one always replaces a placeholder.
fn merge_fields(fields: &mut Vec<Field>, more: Vec<Field>) {
    for field in more {
        match fields.iter_mut().find(|f| f.wire_name == field.wire_name) {
            Some(existing) if field.undescribed && !existing.undescribed => {}
            Some(existing) if existing.undescribed => *existing = field,
            Some(existing) => {
                let required = existing.required || field.required;
                let docs = if field.docs == Docs::default() { existing.docs.clone() } else { field.docs.clone() };
                *existing = Field { required, docs, ..field };
            }
            None => fields.push(field),
        }
    }
}

/// Adds a paragraph of the generator's own to a description.
pub fn append_note(docs: &mut Docs, note: &str) {
    docs.description = Some(match docs.description.take() {
        Some(d) => format!("{d}\n\n{note}"),
        None => note.to_string(),
    });
}

/// Docs from a title/summary and a description, dropping empty text.
pub fn docs(summary: Option<&str>, description: Option<&str>) -> Docs {
    let clean = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    Docs { summary: clean(summary), description: clean(description) }
}
