//! The message of every generator error, pinned: each names the place in the spec and says what
//! is wrong. Every spec under `tests/bad/` must fail with a typed error under `strict`, never a
//! panic; without `strict`, a spec wrong in one place generates without that place, and the
//! crate lists what it left out.

use generator::{generate, Config, Source};

#[test]
fn error_messages() {
    let dir = format!("{}/tests/bad", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<_> = std::fs::read_dir(&dir).expect("bad specs").map(|e| e.expect("entry").path()).collect();
    names.sort();
    assert!(names.len() >= 8, "expected the bad specs in {dir}");
    let mut out = String::new();
    for path in names {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let text = std::fs::read_to_string(&path).expect("readable");
        let spec = Source::new(name.clone(), text);
        let strict = Config { strict: true, ..Config::new("bad") };
        match generate(&spec, &[], &strict) {
            Ok(_) => panic!("{name} generated, but it is a bad spec"),
            Err(e) => {
                let message = e.to_string();
                assert!(!message.contains('\n'), "{name}: the message is not one line: {message}");
                out.push_str(&format!("{name}\n  {message}\n"));
            }
        }
    }
    insta::assert_snapshot!(out);
}

/// The lenient policy on the same specs: each is refused whole (it is not a document, or not one
/// this generator reads) or generates with exactly the places its warnings name left out.
#[test]
fn lenient_generation_leaves_out_only_the_bad_place() {
    let dir = format!("{}/tests/bad", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<_> = std::fs::read_dir(&dir).expect("bad specs").map(|e| e.expect("entry").path()).collect();
    names.sort();
    let mut out = String::new();
    for path in names {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let text = std::fs::read_to_string(&path).expect("readable");
        match generate(&Source::new(name.clone(), text), &[], &Config::new("bad")) {
            Err(e) => out.push_str(&format!(
                "{name}
  refused: {e}\n"
            )),
            Ok(generated) => {
                out.push_str(&format!(
                    "{name}
"
                ));
                for place in &generated.api.left_out {
                    out.push_str(&format!(
                        "  left out: {} ({})
",
                        place.pointer,
                        place.fate.describe()
                    ));
                    // Every place left out has a warning that says why, and the README names it.
                    assert!(
                        generated.warnings.iter().any(|w| w.pointer == place.pointer),
                        "{name}: {} left out without a warning",
                        place.pointer
                    );
                    // An operation left out is not in the client.
                    if place.fate == generator::ir::Fate::OperationLeftOut {
                        let operations = generated.api.groups.iter().flat_map(|g| &g.operations);
                        let pointer = |op: &generator::ir::Operation| {
                            format!(
                                "#/paths/{}/{}",
                                op.path.replace('~', "~0").replace('/', "~1"),
                                op.http_method.to_lowercase()
                            )
                        };
                        let pointers: Vec<String> = operations.map(pointer).collect();
                        assert!(
                            !pointers.contains(&place.pointer),
                            "{name}: {} is left out but generated",
                            place.pointer
                        );
                    }
                    let readme = &generated.files["README.md"];
                    assert!(readme.contains("## What this crate leaves out"), "{name}: the README lists nothing");
                    assert!(generated.files["API.md"].contains("## Left out"), "{name}: API.md lists nothing");
                }
                for warning in &generated.warnings {
                    out.push_str(&format!("  warning: {}: {}\n", warning.pointer, warning.message));
                }
            }
        }
    }
    insta::assert_snapshot!(out);
}

/// Valid specs once refused: data read as schema, and numbers beyond 64 bits where they are data.
#[test]
fn data_is_never_read_as_schema() {
    let spec = |extra: &str, default: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: Data, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: getA\n      \
             responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              \
             schema: {{$ref: '#/components/schemas/A'}}\n{extra}components:\n  schemas:\n    A:\n      type: object\n      \
             properties:\n        n: {{type: integer, default: {default}}}\n"
        )
    };
    let example = "              examples: {one: {value: {links: {schema: \"https://x\"}}}}\n";
    let cases = [
        ("a `schema` key in an example value", example, "10"),
        ("an integer default beyond u64", "", "123456789012345678901234567890"),
    ];
    for (what, extra, default) in cases {
        let source = Source::new(format!("{what}.yaml"), spec(extra, default));
        if let Err(e) = generate(&source, &[], &Config::new("data")) {
            panic!("{what}: refused: {e}");
        }
    }
}

/// `x-pagination` takes `true`, `false` or a convention object; any other value (what a YAML
/// author may mean as false) leaves the operation unpaginated with a warning naming the place,
/// and strict generation refuses it.
#[test]
fn an_undocumented_x_pagination_value_is_warned_about_not_read_as_paginate() {
    let spec = |value: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: Pages, version: '1'}}\npaths:\n  /builds:\n    get:\n      \
             operationId: listBuilds\n      x-pagination: {value}\n      responses:\n        '200':\n          \
             description: ok\n          content:\n            application/json:\n              \
             schema: {{type: array, items: {{type: string}}}}\n"
        )
    };
    let pointer = "#/paths/~1builds/get/x-pagination";
    for value in ["\"false\"", "0", "null", "{}", "[]"] {
        let source = Source::new("pages.yaml", spec(value));
        let generated = generate(&source, &[], &Config::new("pages")).unwrap_or_else(|e| panic!("{value}: {e}"));
        let op = &generated.api.groups[0].operations[0];
        assert!(op.pagination.is_none(), "{value}: read as paginated");
        assert!(
            generated.warnings.iter().any(|w| w.pointer == pointer && w.message.contains("x-pagination is")),
            "{value}: no warning at {pointer}: {:?}",
            generated.warnings
        );
        let strict = Config { strict: true, ..Config::new("pages") };
        let error = generate(&Source::new("pages.yaml", spec(value)), &[], &strict).err().map(|e| e.to_string());
        assert!(error.as_deref().is_some_and(|e| e.contains(pointer)), "{value}: strictly {error:?}");
    }
    // The documented forms still page, or do not, without a word.
    for (value, paged) in [("true", true), ("false", false), ("{kind: link-header, per-page-param: per_page}", true)] {
        let generated = generate(&Source::new("pages.yaml", spec(value)), &[], &Config::new("pages")).unwrap();
        assert_eq!(generated.api.groups[0].operations[0].pagination.is_some(), paged, "{value}");
        assert!(generated.warnings.is_empty(), "{value}: {:?}", generated.warnings);
    }
}
