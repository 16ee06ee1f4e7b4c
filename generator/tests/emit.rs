//! Snapshots of the code emitted for small fixture specs, one feature each. The same outputs are
//! compiled with warnings denied by `tests/tests/generated_crates.rs`.

use generator::{generate, Config, Source};

/// The emitted Rust of a fixture (the runtime is verbatim and left out), file by file.
fn emitted(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let spec = Source::read(std::path::Path::new(&path)).expect("fixture is readable");
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
fixture!(implicit_tags);
fixture!(wire_formats);

#[test]
fn output_is_deterministic() {
    for name in ["keywords", "nested_inline", "composition"] {
        assert_eq!(emitted(name), emitted(name), "{name} differs between two runs");
    }
}
