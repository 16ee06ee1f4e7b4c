//! Test values: each model's `example()` under the `mock` feature, a JSON value the generator
//! makes from the IR (the spec's property examples where they fit the type, else a plausible
//! value of the type) and the model decodes at run time. A JSON text costs the crate one
//! string and one call, where a Rust expression per model would cost a constructor call per
//! field.

use serde_json::{json, Map, Value};

use crate::ir::{Api, Field, Prim, TypeKind, TypeRef};

/// How deep models may nest in an example before the branch is given up (a model that can
/// only be built from itself has no example).
const MAX_DEPTH: usize = 24;

/// The example of the model `name`, if it has one: every required property set, optional ones
/// left out.
pub fn model_example(api: &Api, name: &str) -> Option<Value> {
    named(api, name, &mut Vec::new())
}

fn named<'a>(api: &'a Api, name: &'a str, stack: &mut Vec<&'a str>) -> Option<Value> {
    if stack.contains(&name) || stack.len() > MAX_DEPTH {
        return None;
    }
    let def = api.types.get(name)?;
    stack.push(name);
    let value = match &def.kind {
        TypeKind::Struct { fields, .. } => object(api, fields, stack),
        TypeKind::StringEnum { variants } => {
            Some(Value::String(variants.first().map_or_else(|| "example".to_string(), |v| v.wire.clone())))
        }
        TypeKind::IntEnum { variants, .. } => variants.first().map(|v| json!(v.value)),
        TypeKind::Union { variants, tag, .. } => variants.iter().find_map(|variant| {
            let mut value = of(api, &variant.ty, None, "", stack)?;
            if let Value::Object(object) = &mut value {
                // The tag, or the constants, that select this alternative.
                if let (Some(tag), Some(first)) = (tag, variant.tags.first()) {
                    object.insert(tag.clone(), constant_value(api, &variant.ty, tag, first));
                }
                for (key, constant) in &variant.constants {
                    object.insert(key.clone(), constant_value(api, &variant.ty, key, constant));
                }
            }
            Some(value)
        }),
        TypeKind::Alias { target, .. } => of(api, target, None, name, stack),
    };
    stack.pop();
    value
}

/// A tag or constant of an alternative (kept as text in the IR) as the JSON its property's type reads:
/// `"false"` of a boolean property is `false`, `"3"` of a number `3`.
fn constant_value(api: &Api, ty: &TypeRef, key: &str, constant: &str) -> Value {
    let mut ty = ty;
    let mut field_ty = None;
    for _ in 0..MAX_DEPTH {
        match ty {
            TypeRef::Option(inner) | TypeRef::Boxed(inner) => ty = inner,
            TypeRef::Named(name) => match api.types.get(name).map(|d| &d.kind) {
                Some(TypeKind::Struct { fields, .. }) => {
                    field_ty = fields.iter().find(|f| f.wire_name == key).map(|f| &f.ty);
                    break;
                }
                Some(TypeKind::Alias { target, .. }) => ty = target,
                _ => break,
            },
            _ => break,
        }
    }
    while let Some(TypeRef::Option(inner) | TypeRef::Boxed(inner)) = field_ty {
        field_ty = Some(inner);
    }
    let parsed = match field_ty {
        Some(TypeRef::Prim(Prim::Bool)) => constant.parse::<bool>().ok().map(Value::Bool),
        Some(TypeRef::Prim(Prim::String | Prim::Uuid | Prim::Date | Prim::DateTime | Prim::Bytes | Prim::File)) => None,
        Some(TypeRef::Prim(_)) => serde_json::from_str::<Value>(constant).ok().filter(Value::is_number),
        Some(TypeRef::Named(n)) if matches!(api.types.get(n).map(|d| &d.kind), Some(TypeKind::IntEnum { .. })) => {
            serde_json::from_str::<Value>(constant).ok().filter(Value::is_number)
        }
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(constant.to_string()))
}

fn object<'a>(api: &'a Api, fields: &'a [Field], stack: &mut Vec<&'a str>) -> Option<Value> {
    let mut object = Map::new();
    for field in fields.iter().filter(|f| f.in_constructor()) {
        object.insert(field.wire_name.clone(), of(api, &field.ty, field.example.as_ref(), &field.wire_name, stack)?);
    }
    Some(Value::Object(object))
}

/// A value of `ty` for the property `property`: `example` when it fits, else one made for the
/// type.
fn of<'a>(
    api: &'a Api,
    ty: &'a TypeRef,
    example: Option<&Value>,
    property: &str,
    stack: &mut Vec<&'a str>,
) -> Option<Value> {
    match ty {
        TypeRef::Option(inner) | TypeRef::Boxed(inner) => of(api, inner, example, property, stack),
        TypeRef::Vec(_) => Some(Value::Array(Vec::new())),
        TypeRef::Map(_) => Some(Value::Object(Map::new())),
        TypeRef::Json => Some(example.cloned().unwrap_or_else(|| Value::Object(Map::new()))),
        TypeRef::Named(name) => {
            let fits = |value: &Value| match api.types.get(name).map(|d| &d.kind) {
                Some(TypeKind::StringEnum { variants }) => {
                    variants.iter().any(|v| Some(v.wire.as_str()) == value.as_str())
                }
                _ => false,
            };
            match example.filter(|e| fits(e)) {
                Some(example) => Some(example.clone()),
                None => named(api, name, stack),
            }
        }
        TypeRef::Prim(prim) => Some(primitive(*prim, example, property)),
    }
}

/// A string for the property `property` when the spec gives none: a URL for a property named
/// as one, an address for an email, else the property's name, so that a test sees which
/// property a value came from.
fn string_for(property: &str) -> Value {
    let lower = property.to_ascii_lowercase();
    let slug: String = lower.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    if lower.ends_with("url") || lower.ends_with("uri") || lower.ends_with("href") {
        json!(format!("https://example.com/{slug}"))
    } else if lower.ends_with("email") {
        json!("someone@example.com")
    } else if slug.is_empty() {
        json!("example")
    } else {
        json!(slug)
    }
}

fn primitive(prim: Prim, example: Option<&Value>, property: &str) -> Value {
    let integer = |low: i64, high: u64| -> Value {
        match example {
            Some(Value::Number(n))
                if n.as_u64().is_some_and(|v| v <= high) || n.as_i64().is_some_and(|v| v < 0 && v >= low) =>
            {
                Value::Number(n.clone())
            }
            _ => json!(1),
        }
    };
    match prim {
        Prim::String => match example {
            Some(Value::String(s)) => Value::String(s.clone()),
            _ => string_for(property),
        },
        Prim::Bool => match example {
            Some(Value::Bool(b)) => Value::Bool(*b),
            _ => json!(false),
        },
        Prim::I8 => integer(i8::MIN.into(), 127),
        Prim::I16 => integer(i16::MIN.into(), 32767),
        Prim::I32 => integer(i32::MIN.into(), 2_147_483_647),
        Prim::I64 => integer(i64::MIN, i64::MAX as u64),
        Prim::U8 => integer(0, 255),
        Prim::U16 => integer(0, 65535),
        Prim::U32 => integer(0, u32::MAX.into()),
        Prim::U64 => integer(0, u64::MAX),
        Prim::F32 | Prim::F64 => match example {
            Some(Value::Number(n)) => Value::Number(n.clone()),
            _ => json!(1.5),
        },
        // A spec's example of these is kept only when it has the type's form.
        Prim::DateTime => match example.and_then(Value::as_str) {
            Some(s) if s.len() > 10 && s.get(..10).is_some_and(is_date) && s[10..].starts_with(['T', 't', ' ']) => {
                json!(s)
            }
            _ => json!("2024-01-02T03:04:05Z"),
        },
        Prim::Date => match example.and_then(Value::as_str) {
            Some(s) if is_date(s) => json!(s),
            _ => json!("2024-01-02"),
        },
        Prim::Uuid => match example.and_then(Value::as_str) {
            Some(s) if is_uuid(s) => json!(s),
            _ => json!("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),
        },
        Prim::Bytes | Prim::File => json!(""),
    }
}

/// `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 3
        && groups.iter().zip([4, 2, 2]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_digit()))
}

/// The hyphenated form `uuid::Uuid` reads: 8-4-4-4-12 hexadecimal digits.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}
