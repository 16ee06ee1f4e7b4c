//! Snapshots of the code emitted for small fixture specs, one feature each. The same outputs are
//! compiled with warnings denied by `tests/tests/generated_crates.rs`.
//!
//! A fixture is `tests/fixtures/NAME.yaml`, or, for a document in several files, a directory
//! `tests/fixtures/NAME/` whose root document is `openapi.yaml` (or `openapi.json`).

use generator::{generate, Config, Source};

/// The emitted Rust of a fixture (the runtime is verbatim and left out), file by file.
fn emitted(name: &str) -> String {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let candidates = [
        fixtures.join(format!("{name}.yaml")),
        fixtures.join(name).join("openapi.yaml"),
        fixtures.join(name).join("openapi.json"),
    ];
    let path = candidates.iter().find(|p| p.is_file()).expect("the fixture exists");
    let spec = Source::read(path).expect("fixture is readable");
    let generated = generate(&spec, &[], &Config::new(format!("fixture-{name}"))).expect("fixture generates");
    let mut out = String::new();
    for (file, text) in &generated.files {
        if file.starts_with("src/runtime/") || !file.ends_with(".rs") {
            continue;
        }
        out.push_str(&format!("==> {file}\n{text}\n"));
    }
    for warning in &generated.warnings {
        out.push_str(&format!("warning: {}: {}\n", warning.pointer, warning.message));
    }
    out
}

macro_rules! fixture {
    ($name:ident) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), emitted(stringify!($name)));
        }
    };
}

fixture!(keywords);
fixture!(open_enums);
fixture!(nullable);
fixture!(nested_inline);
fixture!(no_schema_responses);
fixture!(composition);
fixture!(parameters);
fixture!(bodies);
fixture!(auth);
fixture!(hostile_docs);
fixture!(names);
fixture!(no_operations);
fixture!(pagination);
fixture!(shapes);
fixture!(servers_and_paths);
fixture!(form_and_raw_bodies);
fixture!(unsupported_auth);
fixture!(all_of_union);
fixture!(data_not_schema);
fixture!(decorations);
fixture!(openapi31_types);
fixture!(openapi31_keywords);
fixture!(openapi31_document);
fixture!(openapi32);
fixture!(undescribed_properties);

/// `nullable.yaml` written as 3.1 (type lists with "null", a `oneOf` with a null branch) lowers to
/// the same IR as the 3.0 original.
#[test]
fn nullable_in_31_lowers_as_in_30() {
    let path = format!("{}/tests/fixtures/nullable.yaml", env!("CARGO_MANIFEST_DIR"));
    let original = std::fs::read_to_string(&path).expect("fixture is readable");
    let converted = original
        .replace("openapi: 3.0.3", "openapi: 3.1.0")
        .replace("{type: string, nullable: true}", "{type: [string, 'null']}")
        .replace("{type: string, format: date-time, nullable: true}", "{type: [string, 'null'], format: date-time}")
        .replace(
            "          nullable: true\n          allOf: [{$ref: '#/components/schemas/Owner'}]",
            "          oneOf: [{$ref: '#/components/schemas/Owner'}, {type: 'null'}]",
        )
        .replace(
            "          type: object\n          nullable: true\n          allOf: [{$ref: '#/components/schemas/Keeper'}]",
            "          oneOf: [{$ref: '#/components/schemas/Keeper'}, {type: 'null'}]",
        )
        .replace(
            "          type: string\n          nullable: true\n          allOf: [{$ref: '#/components/schemas/Color'}]",
            "          oneOf: [{$ref: '#/components/schemas/Color'}, {type: 'null'}]",
        );
    assert!(!converted.contains("nullable: true"), "every nullable is converted:\n{converted}");
    let generate = |text: &str| {
        let generated = generate(&Source::new("nullable.yaml", text), &[], &Config::new("fixture-nullable"))
            .expect("fixture generates");
        (format!("{:#?}", generated.api), generated.files)
    };
    let (api_30, files_30) = generate(&original);
    let (api_31, files_31) = generate(&converted);
    assert_eq!(api_30, api_31);
    assert_eq!(files_30, files_31);
}
fixture!(multi_file);
fixture!(refs_anywhere);
fixture!(implicit_tags);
fixture!(wire_formats);
fixture!(webhooks);
fixture!(webhooks_token_only);
fixture!(waiters);
fixture!(querystring);

#[test]
fn output_is_deterministic() {
    for name in ["keywords", "nested_inline", "composition"] {
        assert_eq!(emitted(name), emitted(name), "{name} differs between two runs");
    }
}
