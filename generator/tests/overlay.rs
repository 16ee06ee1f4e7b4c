//! Overlay application: updates merge, arrays append, removals remove, and an action whose target
//! matches nothing is an error naming it.

use generator::load::{merge, typed, Source};

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - {name: x, in: query, schema: {type: string}}
      responses: {'204': {description: ok}}
    delete:
      operationId: deleteA
      responses: {'204': {description: ok}}
  /b:
    get:
      operationId: getB
      responses: {'204': {description: ok}}
components:
  schemas:
    Old: {type: object, properties: {a: {type: string}, b: {type: string}}}
"#;

fn apply(overlay: &str) -> Result<serde_json::Value, String> {
    // The merged document, once it has also been typed (as generation does).
    let merged =
        merge(&Source::new("spec.yaml", SPEC), &[Source::new("overlay.yaml", overlay)]).map_err(|e| e.to_string())?;
    typed(merged.clone(), "spec.yaml").map_err(|e| e.to_string())?;
    Ok(merged)
}

#[test]
fn updates_merge_append_and_remove() {
    let merged = apply(
        r#"
overlay: 1.0.0
info: {title: o, version: "1"}
actions:
  - target: $.paths['/a'].get
    description: add a parameter and a response
    update:
      parameters: [{name: y, in: query, schema: {type: integer}}]
      responses: {'200': {description: body, content: {text/plain: {schema: {type: string}}}}}
  - target: $.paths.*.get
    description: mark every GET
    update: {x-marked: true}
  - target: $.components.schemas.Old.properties.b
    description: drop b
    remove: true
  - target: $.paths['/a'].delete
    description: drop the delete
    remove: true
"#,
    )
    .expect("overlay applies");
    insta::assert_yaml_snapshot!(merged["paths"]);
    insta::assert_yaml_snapshot!(merged["components"]);
}

#[test]
fn overlay_errors() {
    let cases = [
        ("no match", "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n  - {target: \"$.paths['/gone'].get\", description: fix gone, update: {x: 1}}\n"),
        ("bad jsonpath", "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n  - {target: \"$.paths[\", update: {x: 1}}\n"),
        ("not an overlay", "info: {title: o, version: '1'}\nactions: []\n"),
        ("neither update nor remove", "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n  - {target: $.paths}\n"),
        ("version 2", "overlay: 2.0.0\ninfo: {title: o, version: '1'}\nactions: []\n"),
    ];
    let mut out = String::new();
    for (name, overlay) in cases {
        let message = apply(overlay).expect_err(name);
        out.push_str(&format!("{name}\n  {message}\n"));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn a_later_action_sees_the_earlier_ones() {
    let merged = apply(
        "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n  - {target: $.components.schemas, update: {New: {type: string}}}\n  - {target: $.components.schemas.New, update: {format: uuid}}\n",
    )
    .expect("applies");
    assert_eq!(merged["components"]["schemas"]["New"]["format"], "uuid");
}
