//! The change report: one pair of small specs per classification rule (a base spec and the same
//! spec with one edit), the report snapshotted and its bump checked; the version arithmetic; the
//! API listing of a fixture; and the IR file read back as it was written.

use generator::listing::IrFile;
use generator::report::{compare, next_version, set_manifest_version, Bump, Report};
use generator::{generate, ir, Config, Source};

/// A small API: a response type (`Pet`), a request type (`NewPet`), an open enum (`Kind`).
const BASE: &str = r##"
openapi: 3.0.3
info: {title: Pets, version: "1"}
servers: [{url: "https://pets.example.com"}]
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      parameters:
        - {name: limit, in: query, schema: {type: integer, format: int32}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    post:
      operationId: createPet
      tags: [pets]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewPet'}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /pets/{id}:
    get:
      operationId: getPet
      tags: [pets]
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer, format: int64}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer, format: int64}
        name: {type: string}
        kind: {$ref: '#/components/schemas/Kind'}
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        nickname: {type: string}
    Kind:
      type: string
      enum: [cat, dog]
"##;

fn api(name: &str, text: &str) -> ir::Api {
    match generate(&Source::new(name, text), &[], &Config::new("pets")) {
        Ok(generated) => generated.api,
        Err(e) => panic!("{name} does not generate: {e}"),
    }
}

/// The base spec with `from` replaced by `to` (which must be there, once).
fn edited(from: &str, to: &str) -> String {
    assert_eq!(BASE.matches(from).count(), 1, "{from:?} is not in the base spec once");
    BASE.replacen(from, to, 1)
}

fn report(new: &str) -> Report {
    compare(&api("old.yaml", BASE), &api("new.yaml", new)).with_crate_version("0.3.1")
}

/// Snapshots the report of the base spec against `new`, and checks its bump.
fn check(name: &str, new: &str, bump: Bump) {
    let report = report(new);
    insta::assert_snapshot!(name, report.to_text());
    assert_eq!(report.bump(), bump, "{name}:\n{}", report.to_text());
}

#[test]
fn operation_removed_is_major() {
    let new = edited(
        "  /pets/{id}:\n    get:\n      operationId: getPet\n",
        "  /pets/{id}:\n    delete:\n      operationId: deletePet\n",
    );
    // The delete is added (compatible), the get removed (breaking): the bump is major.
    check("operation_removed", &new, Bump::Major);
}

#[test]
fn required_query_parameter_added_is_major() {
    let new = edited(
        "        - {name: limit, in: query, schema: {type: integer, format: int32}}\n",
        "        - {name: limit, in: query, schema: {type: integer, format: int32}}\n        - {name: owner, in: query, required: true, schema: {type: string}}\n",
    );
    check("required_query_parameter_added", &new, Bump::Major);
}

#[test]
fn optional_query_parameter_added_is_minor() {
    let new = edited(
        "        - {name: limit, in: query, schema: {type: integer, format: int32}}\n",
        "        - {name: limit, in: query, schema: {type: integer, format: int32}}\n        - {name: owner, in: query, schema: {type: string}}\n",
    );
    check("optional_query_parameter_added", &new, Bump::Minor);
}

#[test]
fn parameter_made_required_is_major() {
    let new = edited("{name: limit, in: query, schema:", "{name: limit, in: query, required: true, schema:");
    check("parameter_made_required", &new, Bump::Major);
}

#[test]
fn enum_value_added_is_minor() {
    check("enum_value_added", &edited("enum: [cat, dog]", "enum: [cat, dog, bird]"), Bump::Minor);
}

#[test]
fn enum_value_removed_is_major() {
    check("enum_value_removed", &edited("enum: [cat, dog]", "enum: [cat]"), Bump::Major);
}

#[test]
fn response_field_added_is_minor() {
    let new = edited(
        "        kind: {$ref: '#/components/schemas/Kind'}\n",
        "        kind: {$ref: '#/components/schemas/Kind'}\n        age: {type: integer, format: int32}\n",
    );
    check("response_field_added", &new, Bump::Minor);
}

#[test]
fn response_field_removed_is_major() {
    check("response_field_removed", &edited("        kind: {$ref: '#/components/schemas/Kind'}\n", ""), Bump::Major);
}

#[test]
fn field_type_changed_is_major() {
    check(
        "field_type_changed",
        &edited("        id: {type: integer, format: int64}\n", "        id: {type: string}\n"),
        Bump::Major,
    );
}

#[test]
fn request_field_made_required_is_major() {
    check("request_field_made_required", &edited("required: [name]\n", "required: [name, nickname]\n"), Bump::Major);
}

#[test]
fn required_request_field_added_is_major() {
    let new = edited(
        "      required: [name]\n      properties:\n        name: {type: string}\n",
        "      required: [name, species]\n      properties:\n        name: {type: string}\n        species: {type: string}\n",
    );
    check("required_request_field_added", &new, Bump::Major);
}

#[test]
fn optional_request_field_added_is_minor() {
    let new = edited(
        "        nickname: {type: string}\n",
        "        nickname: {type: string}\n        species: {type: string}\n",
    );
    check("optional_request_field_added", &new, Bump::Minor);
}

#[test]
fn operation_added_is_minor() {
    let new = edited(
        "components:\n",
        "  /pets/{id}/photo:\n    get:\n      operationId: getPetPhoto\n      tags: [pets]\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: integer, format: int64}}\n      responses:\n        '200':\n          description: ok\n          content:\n            image/png:\n              schema: {type: string, format: binary}\ncomponents:\n",
    );
    check("operation_added", &new, Bump::Minor);
}

#[test]
fn documentation_changed_is_patch() {
    let new = edited(
        "      operationId: listPets\n",
        "      operationId: listPets\n      summary: Every pet, a page at a time\n",
    );
    check("documentation_changed", &new, Bump::Patch);
}

#[test]
fn path_changed_is_patch() {
    check("path_changed", &edited("  /pets/{id}:\n", "  /animals/{id}:\n"), Bump::Patch);
}

#[test]
fn required_properties_reordered_is_major() {
    // Every struct has `new(required...)`: its arguments change places.
    let new = edited(
        "        id: {type: integer, format: int64}\n        name: {type: string}\n",
        "        name: {type: string}\n        id: {type: integer, format: int64}\n",
    );
    check("properties_reordered", &new, Bump::Major);
}

#[test]
fn optional_properties_reordered_is_patch() {
    // Nothing to say but that the IR differs: the catch-all reports it.
    let new = edited(
        "        name: {type: string}\n        nickname: {type: string}\n",
        "        nickname: {type: string}\n        name: {type: string}\n",
    );
    check("optional_properties_reordered", &new, Bump::Patch);
}

#[test]
fn required_response_field_added_is_major() {
    // Response structs are `#[non_exhaustive]` with `new(required...)`, which takes it.
    let new = edited("      required: [id, name]\n", "      required: [id, name, born]\n").replace(
        "        kind: {$ref: '#/components/schemas/Kind'}\n",
        "        kind: {$ref: '#/components/schemas/Kind'}\n        born: {type: string}\n",
    );
    check("required_response_field_added", &new, Bump::Major);
}

#[test]
fn success_status_changed_is_patch() {
    check(
        "success_status_changed",
        &edited("        '201':\n          description: created\n", "        '202':\n          description: created\n"),
        Bump::Patch,
    );
}

#[test]
fn nothing_changed_is_none() {
    check("nothing_changed", BASE, Bump::None);
}

#[test]
fn markdown_for_a_pull_request() {
    let new = edited("enum: [cat, dog]", "enum: [cat, dog, bird]")
        .replace(
            "{name: limit, in: query, schema: {type: integer, format: int32}}",
            "{name: limit, in: query, schema: {type: integer, format: int64}}",
        )
        .replace("      operationId: getPet\n", "      operationId: getPet\n      description: One pet.\n");
    insta::assert_snapshot!("markdown", report(&new).to_markdown());
    insta::assert_snapshot!("markdown_nothing_changed", report(BASE).to_markdown());
    // The changelog's section: the version as its heading, the same report one level down.
    let section = report(&new).to_changelog_section("0.4.0");
    let markdown = report(&new).to_markdown();
    assert_eq!(section, format!("## 0.4.0\n\n#{}", markdown.replace("\n### ", "\n#### ")));
}

#[test]
fn bumps_follow_cargo_semver() {
    let cases = [
        ("1.2.3", Bump::Major, "2.0.0"),
        ("1.2.3", Bump::Minor, "1.3.0"),
        ("1.2.3", Bump::Patch, "1.2.4"),
        ("1.2.3", Bump::None, "1.2.3"),
        // Before 1.0.0 the minor number is the major one.
        ("0.3.1", Bump::Major, "0.4.0"),
        ("0.3.1", Bump::Minor, "0.3.2"),
        ("0.3.1", Bump::Patch, "0.3.2"),
        // And at 0.0.z every change is breaking.
        ("0.0.4", Bump::Major, "0.0.5"),
        ("0.0.4", Bump::Minor, "0.0.5"),
    ];
    for (version, bump, expected) in cases {
        assert_eq!(bump.apply(version).ok().as_deref(), Some(expected), "{bump} of {version}");
    }
    assert!(Bump::Minor.apply("1.0").is_err());
    assert!(Bump::Minor.apply("1.0.0-rc.1").is_err());
}

#[test]
fn next_version_leaves_a_version_already_bumped() {
    assert_eq!(next_version("0.3.1", "0.3.1", Bump::Major).ok().flatten().as_deref(), Some("0.4.0"));
    assert_eq!(next_version("0.3.1", "0.4.0", Bump::Major).ok().flatten(), None);
    assert_eq!(next_version("0.3.1", "1.0.0", Bump::Minor).ok().flatten(), None);
    assert_eq!(next_version("0.3.1", "0.3.1", Bump::None).ok().flatten(), None);
}

#[test]
fn manifest_version_is_set_in_place() {
    let manifest = "# comment\nspec: a.yml\ncrate_name: x\ncrate_version: 0.1.0\ntoken_env: T\n";
    assert_eq!(
        set_manifest_version(manifest, "0.2.0"),
        "# comment\nspec: a.yml\ncrate_name: x\ncrate_version: 0.2.0\ntoken_env: T\n"
    );
    assert_eq!(set_manifest_version("spec: a.yml\n", "0.2.0"), "spec: a.yml\ncrate_version: 0.2.0\n");
}

fn fixture(name: &str) -> Source {
    let path = format!("{}/tests/fixtures/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    match Source::read(std::path::Path::new(&path)) {
        Ok(source) => source,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn listing_of_a_fixture() {
    let generated = match generate(&fixture("composition"), &[], &Config::new("fixture-composition")) {
        Ok(generated) => generated,
        Err(e) => panic!("{e}"),
    };
    insta::assert_snapshot!("listing_composition", generated.files["API.md"]);
}

#[test]
fn ir_file_reads_back_as_written() {
    for name in [
        "composition",
        "keywords",
        "nested_inline",
        "no_schema_responses",
        "nullable",
        "open_enums",
        "parameters",
        "shapes",
    ] {
        let generated = match generate(&fixture(name), &[], &Config::new(format!("fixture-{name}"))) {
            Ok(generated) => generated,
            Err(e) => panic!("{name}: {e}"),
        };
        let text = &generated.files["api.json"];
        let file = match IrFile::parse("api.json", text) {
            Ok(file) => file,
            Err(e) => panic!("{name}: {e}"),
        };
        assert_eq!(file.crate_version, "0.1.0");
        assert_eq!(file.to_json().ok().as_ref(), Some(text), "{name}: api.json does not round-trip");
        let report = compare(&file.api, &generated.api);
        assert!(report.is_empty(), "{name}: {}", report.to_text());
    }
}

/// A union whose alternatives `A` and `B` both have the properties listed in `shared`.
fn union_spec(shared: &str) -> String {
    format!(
        r##"
openapi: 3.0.3
info: {{title: Shapes, version: "1"}}
paths: {{}}
components:
  schemas:
    Shape:
      oneOf: [{{$ref: '#/components/schemas/A'}}, {{$ref: '#/components/schemas/B'}}]
      discriminator: {{propertyName: kind}}
    A: {{type: object, properties: {{kind: {{type: string}}, a: {{type: integer}}{shared}}}}}
    B: {{type: object, properties: {{kind: {{type: string}}, b: {{type: integer}}{shared}}}}}
"##
    )
}

#[test]
fn union_accessors_added_are_minor_and_removed_are_major() {
    let without = api("old.yaml", &union_spec(""));
    let with = api("new.yaml", &union_spec(", id: {type: string}"));
    let added = compare(&without, &with).with_crate_version("0.3.1");
    assert_eq!(added.bump(), Bump::Minor, "{}", added.to_text());
    assert!(added.to_text().contains("accessor `Shape.id() -> Option<&String>` added"), "{}", added.to_text());
    let removed = compare(&with, &without).with_crate_version("0.3.1");
    assert_eq!(removed.bump(), Bump::Major, "{}", removed.to_text());
    assert!(removed.to_text().contains("accessor `Shape.id()` removed"), "{}", removed.to_text());
}

/// The base spec with a waiter on `getPet`, its success values `success`.
fn with_waiter(success: &str) -> String {
    edited(
        "      operationId: getPet\n",
        &format!("      operationId: getPet\n      x-waiters:\n        named: {{field: name, success: [{success}]}}\n"),
    )
}

#[test]
fn waiter_added_is_minor_changed_patch_removed_major() {
    check("waiter_added", &with_waiter("rex"), Bump::Minor);
    let changed = compare(&api("old.yaml", &with_waiter("rex")), &api("new.yaml", &with_waiter("rex, fido")));
    assert_eq!(changed.bump(), Bump::Patch, "{}", changed.to_text());
    assert!(
        changed.to_text().contains("the waiter `.wait_until_named()` watches other values"),
        "{}",
        changed.to_text()
    );
    let removed = compare(&api("old.yaml", &with_waiter("rex")), &api("new.yaml", BASE));
    assert_eq!(removed.bump(), Bump::Major, "{}", removed.to_text());
    assert!(removed.to_text().contains("loses the waiter `.wait_until_named()`"), "{}", removed.to_text());
}

/// The 0.3.0 case: the runtime changed incompatibly (`Page` on await, non-exhaustive models)
/// while the API did not, and the report, comparing only the API, called it a patch.
#[test]
fn a_change_of_the_clients_own_code_is_breaking_though_the_api_is_unchanged() {
    let api = api("old.yaml", BASE);
    let mut config = Config::new("pets");
    config.crate_version = "0.2.1".into();
    let new = IrFile::new(&api, &config);
    assert_eq!(new.client_code_digest.len(), 16, "{}", new.client_code_digest);
    assert_eq!(new.client_code_digest, generator::emit::client_code_digest(), "the same every time");
    let old =
        IrFile { client_code_digest: "0123456789abcdef".into(), generator_version: "0.0.9".into(), ..new.clone() };
    let report = compare(&old.api, &new.api).with_crate_version("0.2.1").with_client_code(&old, &new);
    assert_eq!(report.bump(), Bump::Major, "{}", report.to_text());
    assert!(report.to_text().contains("the client's own code changed"), "{}", report.to_text());
    assert!(report.to_text().contains("generator 0.0.9 → "), "{}", report.to_text());
    assert_eq!(next_version("0.2.1", "0.2.1", report.bump()).unwrap().as_deref(), Some("0.3.0"));
    // The same code, or a file from before digests were recorded: the API alone decides.
    assert!(compare(&new.api, &new.api).with_client_code(&new, &new).is_empty());
    let unrecorded = IrFile { client_code_digest: String::new(), ..old };
    assert!(compare(&new.api, &new.api).with_client_code(&unrecorded, &new).is_empty());
}
