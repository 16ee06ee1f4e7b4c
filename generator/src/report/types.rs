//! Types, matched by Rust name: their kind, the fields of structs (matched by wire name), the
//! values of enums, the alternatives of unions.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{
    derives_default, Api, EnumVariant, Extra, Field, IntVariant, SharedField, TypeDef, TypeKind, TypeRef, UnionVariant,
};
use crate::rust::{constructor, type_text};

use super::change::{code, Changes, Kind, Level, Subject};

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "a struct",
        TypeKind::StringEnum { .. } => "a string enum",
        TypeKind::IntEnum { .. } => "an integer enum",
        TypeKind::Union { tag: Some(_), .. } => "a tagged union",
        TypeKind::Union { tag: None, .. } => "an untagged union",
        TypeKind::Alias { .. } => "an alias",
    }
}

pub(super) fn types(old: &Api, new: &Api, out: &mut Changes) {
    for (name, o) in &old.types {
        match new.types.get(name) {
            None => out.push(
                Level::Breaking,
                Subject::Type,
                Kind::Removed,
                name,
                format!("type `{name}` removed (was {})", kind_name(&o.kind)),
            ),
            Some(n) => type_def(o, n, out),
        }
    }
    for (name, n) in &new.types {
        if !old.types.contains_key(name) {
            out.push(
                Level::Compatible,
                Subject::Type,
                Kind::Added,
                name,
                format!("type `{name}` added ({})", kind_name(&n.kind)),
            );
        }
    }
}

fn type_def(o: &TypeDef, n: &TypeDef, out: &mut Changes) {
    let start = out.0.len();
    type_changes(o, n, out);
    out.unexplained(start, Subject::Type, &n.name, &format!("type `{}`", n.name), o, n);
}

fn type_changes(o: &TypeDef, n: &TypeDef, out: &mut Changes) {
    let name = n.name.as_str();
    let what = format!("type `{name}`");
    out.deprecation(Subject::Type, name, &what, o.deprecated, n.deprecated);
    out.docs(Subject::Type, name, &what, &o.docs, &n.docs);
    if kind_name(&o.kind) != kind_name(&n.kind) {
        out.push(
            Level::Breaking,
            Subject::Type,
            Kind::Changed,
            name,
            format!("{what} is now {} (was {})", kind_name(&n.kind), kind_name(&o.kind)),
        );
        return;
    }
    match (&o.kind, &n.kind) {
        (TypeKind::Struct { fields: a, additional: x }, TypeKind::Struct { fields: b, additional: y }) => {
            structure(o, a, x.as_ref(), n, b, y.as_ref(), out);
        }
        (TypeKind::StringEnum { variants: a }, TypeKind::StringEnum { variants: b }) => {
            let index = |vs: &[EnumVariant]| vs.iter().map(|v| (v.wire.clone(), v.name.clone())).collect();
            enum_values(name, index(a), index(b), |w| format!("{w:?}"), out);
        }
        (TypeKind::IntEnum { variants: a, unsigned: x }, TypeKind::IntEnum { variants: b, unsigned: y }) => {
            if x != y {
                let int = |unsigned: &bool| if *unsigned { "u64" } else { "i64" };
                out.push(
                    Level::Breaking,
                    Subject::Type,
                    Kind::Changed,
                    name,
                    format!("{what} now holds `{}` values (was `{}`)", int(y), int(x)),
                );
            }
            let index = |vs: &[IntVariant]| vs.iter().map(|v| (v.value, v.name.clone())).collect();
            enum_values(name, index(a), index(b), |v| v.to_string(), out);
        }
        (TypeKind::Union { variants: a, tag: s, shared: sa }, TypeKind::Union { variants: b, tag: t, shared: sb }) => {
            union(name, a, s.as_deref(), b, t.as_deref(), out);
            accessors(name, sa, sb, out);
        }
        (TypeKind::Alias { target: a, newtype: false }, TypeKind::Alias { target: b, newtype: true }) if a == b => out
            .push(
                Level::Breaking,
                Subject::Type,
                Kind::Changed,
                name,
                format!("{what} is now a newtype struct around `{}` (was an alias of it)", type_text(b)),
            ),
        (TypeKind::Alias { target: a, .. }, TypeKind::Alias { target: b, .. }) if a != b => out.push(
            Level::Breaking,
            Subject::Type,
            Kind::Changed,
            name,
            format!("{what} is now an alias of `{}` (was `{}`)", type_text(b), type_text(a)),
        ),
        _ => {}
    }
}

fn structure(
    o: &TypeDef,
    old_fields: &[Field],
    old_extra: Option<&Extra>,
    n: &TypeDef,
    new_fields: &[Field],
    new_extra: Option<&Extra>,
    out: &mut Changes,
) {
    let name = n.name.as_str();
    let what = format!("type `{name}`");
    let start = out.0.len();
    // Every struct is `#[non_exhaustive]` with `new` and setters, sent in requests or not: that
    // role changes no Rust item (its nullable fields may change type, reported with them).
    match (o.input, n.input) {
        (false, true) => {
            out.push(Level::Patch, Subject::Type, Kind::Changed, name, format!("{what} is now also sent in requests"))
        }
        (true, false) => {
            out.push(Level::Patch, Subject::Type, Kind::Changed, name, format!("{what} is no longer sent in requests"))
        }
        _ => {}
    }
    let index = |fs: &[Field]| fs.iter().map(|f| (f.wire_name.clone(), f.clone())).collect::<BTreeMap<_, _>>();
    let (a, b) = (index(old_fields), index(new_fields));
    let field = |f: &Field| format!("{name}.{}: {}", f.name, type_text(&f.ty));
    for (wire, f) in &a {
        let item = format!("{name}.{}", f.name);
        let Some(g) = b.get(wire) else {
            out.push(Level::Breaking, Subject::Field, Kind::Removed, &item, format!("field `{}` removed", field(f)));
            continue;
        };
        let what = format!("field `{item}`");
        if f.name != g.name {
            out.push(
                Level::Breaking,
                Subject::Field,
                Kind::Changed,
                &item,
                format!("{what} renamed to `{name}.{}` (wire name `{wire}`)", g.name),
            );
        }
        if f.ty != g.ty {
            let (from, to) = (type_text(&f.ty), type_text(&g.ty));
            let text = match (&f.ty, &g.ty) {
                (TypeRef::Option(inner), t) if **inner == *t => format!("{what} is now required: `{from}` → `{to}`"),
                (t, TypeRef::Option(inner)) if **inner == *t => format!("{what} is now optional: `{from}` → `{to}`"),
                _ => format!("{what} type changed: `{from}` → `{to}`"),
            };
            out.push(Level::Breaking, Subject::Field, Kind::Changed, &item, text);
        } else if f.required != g.required || f.nullable != g.nullable {
            out.push(
                Level::Patch,
                Subject::Field,
                Kind::Changed,
                &item,
                format!(
                    "{what}: the schema now has it {}, {} (its type stays `{}`)",
                    if g.required { "required" } else { "optional" },
                    if g.nullable { "nullable" } else { "not nullable" },
                    type_text(&g.ty)
                ),
            );
        }
        match (&f.clear_setter, &g.clear_setter) {
            (None, Some(c)) => out.push(
                Level::Compatible,
                Subject::Field,
                Kind::Changed,
                &item,
                format!("{what}: the setter `{name}::{c}()` (sends `null`) added"),
            ),
            (Some(c), None) => out.push(
                Level::Breaking,
                Subject::Field,
                Kind::Changed,
                &item,
                format!("{what}: the setter `{name}::{c}()` removed"),
            ),
            (Some(c), Some(d)) if c != d => out.push(
                Level::Breaking,
                Subject::Field,
                Kind::Changed,
                &item,
                format!("{what}: the setter `{name}::{c}()` is now `{d}()`"),
            ),
            _ => {}
        }
        out.deprecation(Subject::Field, &item, &what, f.deprecated, g.deprecated);
        out.docs(Subject::Field, &item, &what, &f.docs, &g.docs);
    }
    for (wire, g) in &b {
        if a.contains_key(wire) {
            continue;
        }
        let item = format!("{name}.{}", g.name);
        // Structs are `#[non_exhaustive]`: an optional field is new to readers and gets a
        // setter; a required one is an argument of `new`.
        let (level, text) = if g.in_constructor() {
            (Level::Breaking, format!("required field `{}` added: `{name}::new` takes it", field(g)))
        } else {
            (Level::Compatible, format!("field `{}` added", field(g)))
        };
        out.push(level, Subject::Field, Kind::Added, &item, text);
    }
    match (old_extra, new_extra) {
        (None, Some(e)) => out.push(
            Level::Compatible,
            Subject::Field,
            Kind::Added,
            format!("{name}.{}", e.name),
            format!("field `{name}.{}` (keys beyond the properties) added", e.name),
        ),
        (Some(e), None) => out.push(
            Level::Breaking,
            Subject::Field,
            Kind::Removed,
            format!("{name}.{}", e.name),
            format!("field `{name}.{}` (keys beyond the properties) removed", e.name),
        ),
        (Some(e), Some(f)) if e.name != f.name || e.ty != f.ty => out.push(
            Level::Breaking,
            Subject::Field,
            Kind::Changed,
            format!("{name}.{}", e.name),
            format!(
                "field `{name}.{}` (keys beyond the properties) is now `{name}.{}` of `{}` (was `{}`)",
                e.name,
                f.name,
                type_text(&f.ty),
                type_text(&e.ty)
            ),
        ),
        _ => {}
    }
    match (derives_default(old_fields), derives_default(new_fields)) {
        (true, false) => out.push(
            Level::Breaking,
            Subject::Type,
            Kind::Changed,
            name,
            format!("{what} no longer implements `Default` (it has a required field)"),
        ),
        (false, true) => {
            out.push(Level::Compatible, Subject::Type, Kind::Changed, name, format!("{what} now implements `Default`"))
        }
        _ => {}
    }
    // The constructor changed with no breaking field change to explain it (arguments reordered).
    let (old_new, new_new) = (constructor(name, old_fields), constructor(name, new_fields));
    if old_new != new_new && !out.breaking_since(start) {
        out.push(
            Level::Breaking,
            Subject::Type,
            Kind::Changed,
            name,
            format!("`{name}::new` changed: `{old_new}` → `{new_new}`"),
        );
    }
}

fn enum_values<K: Ord + Clone>(
    name: &str,
    old: BTreeMap<K, String>,
    new: BTreeMap<K, String>,
    show: impl Fn(&K) -> String,
    out: &mut Changes,
) {
    for (value, variant) in &old {
        let item = format!("{name}::{variant}");
        match new.get(value) {
            None => out.push(
                Level::Breaking,
                Subject::Variant,
                Kind::Removed,
                &item,
                format!("value `{}` (`{item}`) removed: it now decodes as `{name}::Unknown`", show(value)),
            ),
            Some(renamed) if renamed != variant => out.push(
                Level::Breaking,
                Subject::Variant,
                Kind::Changed,
                &item,
                format!("value `{}`: `{item}` is now `{name}::{renamed}`", show(value)),
            ),
            Some(_) => {}
        }
    }
    for (value, variant) in &new {
        if !old.contains_key(value) {
            let item = format!("{name}::{variant}");
            out.push(
                Level::Compatible,
                Subject::Variant,
                Kind::Added,
                &item,
                format!(
                    "value `{}` (`{item}`) added: the enum is open, older clients decode it as `{name}::Unknown`",
                    show(value)
                ),
            );
        }
    }
}

/// The accessors of a union's shared fields: one removed or retyped breaks callers, one added
/// does not.
fn accessors(name: &str, old: &[SharedField], new: &[SharedField], out: &mut Changes) {
    for f in old {
        let item = format!("{name}.{}()", f.method);
        match new.iter().find(|g| g.method == f.method) {
            None => {
                out.push(Level::Breaking, Subject::Type, Kind::Removed, &item, format!("accessor `{item}` removed"))
            }
            Some(g) if g.ty != f.ty => out.push(
                Level::Breaking,
                Subject::Type,
                Kind::Changed,
                &item,
                format!(
                    "accessor `{item}` now returns `Option<&{}>` (was `Option<&{}>`)",
                    type_text(&g.ty),
                    type_text(&f.ty)
                ),
            ),
            Some(_) => {}
        }
    }
    for g in new.iter().filter(|g| !old.iter().any(|f| f.method == g.method)) {
        let item = format!("{name}.{}()", g.method);
        out.push(
            Level::Compatible,
            Subject::Type,
            Kind::Added,
            &item,
            format!("accessor `{item} -> Option<&{}>` added", type_text(&g.ty)),
        );
    }
}

fn union(name: &str, a: &[UnionVariant], s: Option<&str>, b: &[UnionVariant], t: Option<&str>, out: &mut Changes) {
    if let (Some(s), Some(t)) = (s, t) {
        if s != t {
            out.push(
                Level::Breaking,
                Subject::Type,
                Kind::Changed,
                name,
                format!("type `{name}` is now tagged by `{t}` (was `{s}`)"),
            );
        }
    }
    let index = |vs: &[UnionVariant]| vs.iter().map(|v| (v.name.clone(), v.clone())).collect::<BTreeMap<_, _>>();
    let (old, new) = (index(a), index(b));
    for (variant, v) in &old {
        let item = format!("{name}::{variant}");
        let Some(w) = new.get(variant) else {
            out.push(
                Level::Breaking,
                Subject::Variant,
                Kind::Removed,
                &item,
                format!("alternative `{item}({})` removed", type_text(&v.ty)),
            );
            continue;
        };
        if v.ty != w.ty {
            out.push(
                Level::Breaking,
                Subject::Variant,
                Kind::Changed,
                &item,
                format!("alternative `{item}` now holds `{}` (was `{}`)", type_text(&w.ty), type_text(&v.ty)),
            );
        }
        let (old_tags, new_tags): (BTreeSet<_>, BTreeSet<_>) = (v.tags.iter().collect(), w.tags.iter().collect());
        let tags = |set: Vec<&&String>| set.iter().map(|t| code(t)).collect::<Vec<_>>().join(", ");
        let lost: Vec<_> = old_tags.difference(&new_tags).collect();
        let gained: Vec<_> = new_tags.difference(&old_tags).collect();
        if !lost.is_empty() {
            out.push(
                Level::Breaking,
                Subject::Variant,
                Kind::Changed,
                &item,
                format!("alternative `{item}` no longer selected by the tags {}", tags(lost)),
            );
        }
        if !gained.is_empty() {
            out.push(
                Level::Compatible,
                Subject::Variant,
                Kind::Changed,
                &item,
                format!("alternative `{item}` now also selected by the tags {}", tags(gained)),
            );
        }
    }
    for (variant, w) in &new {
        if old.contains_key(variant) {
            continue;
        }
        let item = format!("{name}::{variant}");
        let (level, why) = if t.is_some() {
            (Level::Compatible, format!("older clients decode it as `{name}::Unknown`"))
        } else {
            (Level::Breaking, "the union is untagged, with no `Unknown`: exhaustive matches break".to_string())
        };
        out.push(
            level,
            Subject::Variant,
            Kind::Added,
            &item,
            format!("alternative `{item}({})` added: {why}", type_text(&w.ty)),
        );
    }
    // An untagged union tries its alternatives in order: the same ones in another order decode
    // differently.
    let order = |vs: &[UnionVariant]| {
        vs.iter().map(|v| v.name.clone()).filter(|n| old.contains_key(n) && new.contains_key(n)).collect::<Vec<_>>()
    };
    if t.is_none() && s.is_none() && order(a) != order(b) {
        out.push(
            Level::Patch,
            Subject::Type,
            Kind::Changed,
            name,
            format!("type `{name}`: alternatives reordered (decoding tries them in the new order)"),
        );
    }
}
