//! Identifiers: the one place where wire names become Rust names. Case conversion, keywords,
//! leading digits, characters Rust does not allow, and collisions are all decided here.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers even as raw identifiers (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Rust's strict and reserved keywords (2021 edition, plus `gen` reserved in 2024).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names a generated type never takes: the names of the standard prelude (types, traits
/// and variants a `use` of them would shadow, `From` and `Into` among them) and the ones the
/// generated code uses unqualified. Schemas, request builders, group handles and inline types
/// all go through [`item_type_name`]; enum variants do not (`Self::None` is fine).
const RESERVED_TYPES: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Client",
    "Clone",
    "Copy",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "Error",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Self",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// Method names a group handle's operation never takes: the handle's own and derived methods,
/// and trait methods whose signature a method with only `&self` could match (clippy's
/// `should_implement_trait`). Binary operators (`add`, `sub`, ...) take two values and an
/// operation never matches them, so `team_members().add(..)` stays.
pub const HANDLE_METHODS: &[&str] = &[
    "as_mut",
    "as_ref",
    "borrow",
    "borrow_mut",
    "client",
    "clone",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "drop",
    "eq",
    "fmt",
    "hash",
    "into",
    "into_iter",
    "neg",
    "new",
    "next",
    "not",
    "to_owned",
    "to_string",
    "type_id",
];

/// Method names of the traits generated types derive or that clippy expects to be trait
/// implementations: no generated method takes one.
pub const TRAIT_METHODS: &[&str] = &[
    "add",
    "as_mut",
    "as_ref",
    "borrow",
    "borrow_mut",
    "clone",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "deserialize",
    "div",
    "drop",
    "eq",
    "fmt",
    "from",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into",
    "into_iter",
    "mul",
    "ne",
    "neg",
    "next",
    "not",
    "partial_cmp",
    "rem",
    "serialize",
    "shl",
    "shr",
    "sub",
    "to_owned",
    "to_string",
    "type_id",
];

/// Replaces characters that cannot appear in an identifier with word breaks, and spells
/// non-ASCII letters as `uXXXX` so that the result is ASCII and deterministic.
fn ascii_words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_alphanumeric() {
            out.push_str(&format!(" u{:04x} ", c as u32));
        } else if c == '+' {
            out.push_str(" plus ");
        } else if c == '-' && out.trim().is_empty() {
            out.push_str(" minus ");
        } else {
            out.push(' ');
        }
    }
    out
}

/// `UpperCamelCase` for types, variants and builder structs. Never empty, never starts with
/// a digit.
pub fn type_name(raw: &str) -> String {
    let mut name = ascii_words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Unnamed".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'N');
    }
    if name == "Self" {
        name.push_str("Type");
    }
    name
}

/// The name of a generated type (a schema, a request builder, a group handle, an inline type):
/// like [`type_name`], and never a prelude name or one the generated code uses unqualified.
pub fn item_type_name(raw: &str) -> String {
    let name = type_name(raw);
    if RESERVED_TYPES.contains(&name.as_str()) {
        format!("{name}Type")
    } else {
        name
    }
}

/// `snake_case` for fields, parameters, methods and modules, without the raw-identifier
/// prefix. Never empty, never starts with a digit.
pub fn snake_name(raw: &str) -> String {
    let mut name = ascii_words(raw).to_snake_case();
    if name.is_empty() {
        name = "value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "n_");
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// Whether a snake name must be written `r#name`.
pub fn needs_raw(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// A snake name as Rust source writes it: `r#match` for a keyword.
pub fn snake_source(name: &str) -> String {
    if needs_raw(name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// A name space where every name is unique: a taken name gets the smallest free numeric
/// suffix (`name2`, `name3`, ...), so the result only depends on the order of requests.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// An empty name space.
    pub fn new() -> Self {
        Self::default()
    }

    /// A name space where `names` are already taken.
    pub fn with_reserved<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        Namespace { taken: names.into_iter().map(|n| n.to_ascii_lowercase()).collect() }
    }

    /// Claims `candidate`, or the first free `candidateN`. Names are compared without case,
    /// so two names never differ only in case (file names stay distinct on every file system).
    pub fn claim(&mut self, candidate: &str) -> String {
        if self.taken.insert(candidate.to_ascii_lowercase()) {
            return candidate.to_string();
        }
        let sep = if candidate.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" };
        (2..)
            .map(|n| format!("{candidate}{sep}{n}"))
            .find(|name| self.taken.insert(name.to_ascii_lowercase()))
            .unwrap_or_else(|| candidate.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types() {
        assert_eq!(type_name("build-state"), "BuildState");
        assert_eq!(type_name("2xx"), "N2xx");
        assert_eq!(type_name(""), "Unnamed");
        assert_eq!(type_name("café"), "CafU00e9");
        assert_eq!(item_type_name("string"), "StringType");
        assert_eq!(item_type_name("Option"), "OptionType");
        assert_eq!(type_name("+1"), "Plus1");
        assert_eq!(type_name("-1"), "Minus1");
        assert_eq!(type_name("self"), "SelfType");
        assert_eq!(item_type_name("from"), "FromType");
        assert_eq!(item_type_name("Into"), "IntoType");
        assert_eq!(item_type_name("result"), "ResultType");
        assert_eq!(type_name("none"), "None");
    }

    #[test]
    fn snakes() {
        assert_eq!(snake_name("type"), "type");
        assert!(needs_raw("type"));
        assert_eq!(snake_name("self"), "self_");
        assert_eq!(snake_name("Self"), "self_");
        assert_eq!(snake_name("state[]"), "state");
        assert_eq!(snake_name("meta_data[key]"), "meta_data_key");
        assert_eq!(snake_name("1st"), "n_1st");
        assert_eq!(snake_name("___"), "value");
        assert_eq!(snake_name("createdAt"), "created_at");
        assert!(!needs_raw("created_at"));
    }

    #[test]
    fn namespace_is_deterministic_and_case_blind() {
        let mut ns = Namespace::new();
        assert_eq!(ns.claim("Foo"), "Foo");
        assert_eq!(ns.claim("foo"), "foo2");
        assert_eq!(ns.claim("Foo"), "Foo3");
        assert_eq!(ns.claim("v1"), "v1");
        assert_eq!(ns.claim("v1"), "v1_2");
    }
}
