//! Specs written to make the generator's cost explode, made by code (they are too large, or too
//! repetitive, to check in): a chain of 10,000 schemas, 40-level diamonds (each schema refers to
//! the next twice, directly and through `allOf`), and a document nested 100,000 deep. Each must
//! generate with the right types, or be refused with the nesting-limit error; their times, in
//! release mode, are in `tests/benches/generator.rs` and `tests/BENCHMARKS.md`. Before each
//! reference was resolved once, the diamonds took time exponential in their depth (over a
//! minute at 40 levels) and the chain and the deep document time quadratic in their size.

use generator::ir::{TypeKind, TypeRef};
use generator::{generate, Config, Error, Source};
use serde_json::{json, Map, Value};

fn schema_ref(i: usize) -> Value {
    json!({ "$ref": format!("#/components/schemas/S{i}") })
}

/// A document with the given component schemas and one operation answering `S0`.
fn spec(name: &str, schemas: Map<String, Value>) -> Source {
    let document = json!({
        "openapi": "3.0.3",
        "info": { "title": name, "version": "1" },
        "paths": { "/s": { "get": {
            "operationId": "getS",
            "responses": { "200": {
                "description": "ok",
                "content": { "application/json": { "schema": schema_ref(0) } }
            } }
        } } },
        "components": { "schemas": Value::Object(schemas) }
    });
    Source::new(format!("{name}.json"), document.to_string())
}

fn leaf() -> Value {
    json!({ "type": "object", "required": ["name"], "properties": { "name": { "type": "string" } } })
}

/// `S0` ... `S{n-1}`, each an object with a name and an optional `next`, the one after it.
fn chain(n: usize) -> Source {
    let mut schemas = Map::new();
    for i in 0..n {
        let schema =
            json!({ "type": "object", "properties": { "name": { "type": "string" }, "next": schema_ref(i + 1) } });
        schemas.insert(format!("S{i}"), schema);
    }
    schemas.insert(format!("S{n}"), leaf());
    spec("chain", schemas)
}

/// Each `S{i}` holds the next one twice, as a required `a` and an optional `b`.
fn diamond(levels: usize) -> Source {
    let mut schemas = Map::new();
    for i in 0..levels {
        let schema = json!({
            "type": "object",
            "required": ["a"],
            "properties": { "a": schema_ref(i + 1), "b": schema_ref(i + 1) }
        });
        schemas.insert(format!("S{i}"), schema);
    }
    schemas.insert(format!("S{levels}"), leaf());
    spec("diamond", schemas)
}

/// Each `S{i}` is the next one (through `allOf`) plus a property `p{i}` that holds it.
fn diamond_all_of(levels: usize) -> Source {
    let mut schemas = Map::new();
    for i in 0..levels {
        let own = json!({ "type": "object", "properties": { format!("p{i}"): schema_ref(i + 1) } });
        schemas.insert(format!("S{i}"), json!({ "allOf": [schema_ref(i + 1), own] }));
    }
    schemas.insert(format!("S{levels}"), leaf());
    spec("diamond-all-of", schemas)
}

/// Each `S{i}` is the next one twice over, through `allOf`, beside a property holding it.
fn diamond_all_of_twice(levels: usize) -> Source {
    let mut schemas = Map::new();
    for i in 0..levels {
        let schema = json!({
            "allOf": [schema_ref(i + 1), schema_ref(i + 1)],
            "properties": { format!("p{i}"): schema_ref(i + 1) }
        });
        schemas.insert(format!("S{i}"), schema);
    }
    schemas.insert(format!("S{levels}"), leaf());
    spec("diamond-all-of-twice", schemas)
}

/// The named type a field holds, through `Option` and `Box`.
fn named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        TypeRef::Option(inner) | TypeRef::Boxed(inner) => named(inner),
        _ => None,
    }
}

/// The fields of struct `name`: wire name and the named type it holds, if any.
fn fields<'a>(api: &'a generator::ir::Api, name: &str) -> Vec<(&'a str, Option<&'a str>)> {
    match &api.types.get(name).unwrap_or_else(|| panic!("no type {name}")).kind {
        TypeKind::Struct { fields, .. } => fields.iter().map(|f| (f.wire_name.as_str(), named(&f.ty))).collect(),
        other => panic!("{name} is not a struct: {other:?}"),
    }
}

fn generates(source: &Source) -> generator::Generated {
    generate(source, &[], &Config::new("scale")).unwrap_or_else(|e| panic!("{} does not generate: {e}", source.name))
}

#[test]
fn a_chain_of_ten_thousand_schemas_generates() {
    let n = 10_000;
    let generated = generates(&chain(n));
    assert_eq!(generated.api.types.len(), n + 1);
    for i in 0..n {
        let next = format!("S{}", i + 1);
        assert_eq!(fields(&generated.api, &format!("S{i}")), [("name", None), ("next", Some(next.as_str()))]);
    }
    // Each `next` holds the rest of the chain: once that is large, it is boxed.
    let first = &generated.files["src/types.rs"];
    assert!(first.contains("pub next: Option<Box<S1>>"), "S0.next is not boxed");
    assert!(first.contains(&format!("pub struct S{n} {{")));
}

#[test]
fn a_forty_level_diamond_generates() {
    let levels = 40;
    let generated = generates(&diamond(levels));
    assert_eq!(generated.api.types.len(), levels + 1);
    for i in 0..levels {
        let next = format!("S{}", i + 1);
        assert_eq!(fields(&generated.api, &format!("S{i}")), [("a", Some(next.as_str())), ("b", Some(next.as_str()))]);
    }
    assert_eq!(fields(&generated.api, &format!("S{levels}")), [("name", None)]);
}

#[test]
fn a_forty_level_diamond_through_all_of_generates() {
    let levels = 40;
    let generated = generates(&diamond_all_of(levels));
    assert_eq!(generated.api.types.len(), levels + 1);
    // `S{i}` has the leaf's name, then every `p` of the schemas it includes, deepest first.
    for i in 0..levels {
        let mut expected = vec![("name".to_string(), None)];
        expected.extend((i..levels).rev().map(|j| (format!("p{j}"), Some(format!("S{}", j + 1)))));
        let found: Vec<(String, Option<String>)> = fields(&generated.api, &format!("S{i}"))
            .into_iter()
            .map(|(w, t)| (w.to_string(), t.map(String::from)))
            .collect();
        assert_eq!(found, expected, "S{i}");
    }
}

#[test]
fn a_forty_level_diamond_through_all_of_twice_generates() {
    let levels = 40;
    let generated = generates(&diamond_all_of_twice(levels));
    assert_eq!(generated.api.types.len(), levels + 1);
    let s0 = fields(&generated.api, "S0");
    assert_eq!(s0.len(), levels + 1, "{s0:?}");
    assert_eq!(s0[0], ("name", None));
    assert_eq!(s0[levels], ("p0", Some("S1")));
}

/// An `allOf` part that is a reference is the referenced component's type, shared: its inline
/// types are the component's, not copies named after each schema that includes it.
#[test]
fn all_of_parts_share_the_component_types() {
    let mut schemas = Map::new();
    schemas.insert(
        "Base".into(),
        json!({ "type": "object", "properties": { "state": { "type": "string", "enum": ["on", "off"] } } }),
    );
    for name in ["A", "B"] {
        let own = json!({ "type": "object", "properties": { "extra": { "type": "string" } } });
        schemas.insert(name.into(), json!({ "allOf": [{ "$ref": "#/components/schemas/Base" }, own] }));
    }
    let (a, b) = (json!({ "$ref": "#/components/schemas/A" }), json!({ "$ref": "#/components/schemas/B" }));
    schemas.insert("S0".into(), json!({ "type": "object", "properties": { "a": a, "b": b } }));
    let generated = generates(&spec("shared", schemas));
    let names: Vec<&str> = generated.api.types.keys().map(String::as_str).collect();
    assert_eq!(names, ["A", "B", "Base", "BaseState", "S0"]);
    for name in ["A", "B", "Base"] {
        assert_eq!(fields(&generated.api, name)[0], ("state", Some("BaseState")), "{name}");
    }
}

/// A document nested 100,000 deep, written as JSON and as YAML flow collections: refused with
/// the nesting-limit error, naming the first place past the limit.
#[test]
fn a_document_nested_a_hundred_thousand_deep_is_refused_at_the_limit() {
    let depth = 100_000;
    let head = "openapi: 3.0.3\ninfo: {title: Deep, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Deep: ";
    let json_head = r#"{"openapi": "3.0.3", "info": {"title": "Deep", "version": "1"}, "paths": {}, "components": {"schemas": {"Deep": "#;
    let cases = [
        ("deep.yaml", format!("{head}{}1{}\n", "{a: ".repeat(depth), "}".repeat(depth))),
        ("deep-lists.yaml", format!("{head}{}1{}\n", "[".repeat(depth), "]".repeat(depth))),
        ("deep.json", format!("{json_head}{}1{}}}}}}}", r#"{"a": "#.repeat(depth), "}".repeat(depth))),
    ];
    for (name, text) in cases {
        let source = Source::new(name, text);
        let expected_tail = if name == "deep-lists.yaml" { "/0" } else { "/a" };
        let expected = format!("#/components/schemas/Deep{}", expected_tail.repeat(61));
        // Through `generate`, and straight on this thread (whose stack is the test harness's).
        for result in [
            generate(&source, &[], &Config::new("deep")).map(|_| ()),
            generator::load::parse_document(&source).map(|_| ()),
        ] {
            match result {
                Err(Error::Unsupported { pointer, what }) => {
                    assert_eq!(pointer, expected, "{name}");
                    assert!(what.contains("nests more than 64 levels deep"), "{name}: {what}");
                }
                other => panic!("{name}: expected the nesting-limit error, got {other:?}"),
            }
        }
    }
}

/// A document that is deep but within the limit still reads, brackets in its strings, comments
/// and block scalars included; and so does one whose brackets in plain text make the nesting
/// look deeper than it is.
#[test]
fn nesting_within_the_limit_reads() {
    let nested = format!("{}1{}", "{a: ".repeat(50), "}".repeat(50));
    let many = "[ ".repeat(200);
    let continued = "\n  [ more".repeat(200);
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: 'T [{{', version: \"1 ]\"}}\n# a comment with {many}\npaths: {{}}\n\
         x-notes: |\n  {many}\nx-deep: {nested}\nx-plain: words{continued}\nx-last: true\n"
    );
    let value = generator::load::parse_document(&Source::new("ok.yaml", text)).expect("reads");
    assert_eq!(value["info"]["title"], "T [{");
    assert_eq!(value["x-notes"], format!("{many}\n"));
    let mut at = &value["x-deep"];
    for _ in 0..50 {
        at = &at["a"];
    }
    assert_eq!(*at, json!(1));
    assert!(value["x-plain"].as_str().is_some_and(|s| s.starts_with("words [ more [ more")));
    assert_eq!(value["x-last"], json!(true));
}
