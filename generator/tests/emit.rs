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

/// An inline schema written twice, word for word, is one type; one that differs in anything,
/// its docs included, or that is read in another context (a multipart body, where a binary
/// string is a file) is a type of its own.
#[test]
fn repeated_inline_schemas_are_one_type() {
    let owner = "{type: object, properties: {login: {type: string}, avatar: {type: string, format: binary}}}";
    let spec = format!(
        r#"openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{type: object, properties: {{owner: {owner}}}}}
  /b:
    get:
      operationId: getB
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{type: object, properties: {{creator: {owner}, tags: {{type: array, items: {owner}}}}}}}
  /c:
    get:
      operationId: getC
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{type: object, properties: {{owner: {{description: other docs, type: object, properties: {{login: {{type: string}}, avatar: {{type: string, format: binary}}}}}}}}}}
    post:
      operationId: postC
      requestBody:
        content:
          multipart/form-data:
            schema: {owner}
      responses:
        '204': {{description: done}}
"#
    );
    let generated = generate(&Source::new("repeated.yaml", spec.as_str()), &[], &Config::new("repeated"))
        .expect("the spec generates");
    let types = &generated.api.types;
    let field_type = |model: &str, field: &str| -> String {
        let def = types.get(model).unwrap_or_else(|| panic!("no type {model} in {:?}", types.keys()));
        match &def.kind {
            generator::ir::TypeKind::Struct { fields, .. } => {
                let f = fields.iter().find(|f| f.wire_name == field).unwrap_or_else(|| panic!("{model}.{field}"));
                format!("{:?}", f.ty)
            }
            other => panic!("{model} is {other:?}"),
        }
    };
    let a = field_type("GetAResponse", "owner");
    assert!(a.contains("GetAResponseOwner"), "{a}");
    // The same schema under another name, and as an array's items: the first type.
    assert_eq!(field_type("GetBResponse", "creator"), a);
    assert!(field_type("GetBResponse", "tags").contains("GetAResponseOwner"));
    // Other docs: another type.
    assert!(!field_type("GetCResponse", "owner").contains("GetAResponseOwner"));
    // The multipart body reads `avatar` as a file: a type of its own, not the JSON model.
    assert!(field_type("PostCRequest", "avatar").contains("File"), "{}", field_type("PostCRequest", "avatar"));
    let names: Vec<&str> = types.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["GetAResponse", "GetAResponseOwner", "GetBResponse", "GetCResponse", "GetCResponseOwner", "PostCRequest"]
    );
}
