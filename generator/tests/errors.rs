//! The message of every generator error, pinned: each names the place in the spec and says what
//! is wrong. Every spec under `tests/bad/` must fail with a typed error, never a panic.

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
        match generate(&spec, &[], &Config::new("bad")) {
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
