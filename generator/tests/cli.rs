//! The command-line program: generates a crate for any spec, prints fallbacks as warnings,
//! reports errors in one line with a failing status, and has a check mode.

use std::process::Command;

fn run(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_openapi-rust-gen")).args(args).output().expect("the program runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn generates_checks_and_warns() {
    let out = std::env::temp_dir().join(format!("openapi-rust-gen-cli-{}", std::process::id()));
    let out_str = out.to_str().expect("utf-8 path");
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpus/uspto.yaml");

    let (ok, stdout, stderr) = run(&[spec, out_str, "uspto-client"]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("created src/lib.rs"), "{stdout}");
    // `format: uriref` is unknown: the generator falls back to String and says so.
    assert!(stderr.contains("warning: #/components/schemas/dataSetList") && stderr.contains("uriref"), "{stderr}");
    assert!(std::fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml").contains("name = \"uspto-client\""));

    let (ok, stdout, _) = run(&[spec, out_str, "uspto-client", "--check"]);
    assert!(ok && stdout.is_empty(), "a fresh crate is up to date: {stdout}");

    std::fs::write(out.join("src/types.rs"), "// edited\n").expect("edit");
    let (ok, stdout, stderr) = run(&[spec, out_str, "uspto-client", "--check"]);
    assert!(!ok, "an edited crate is stale");
    assert!(stdout.contains("--- a/src/types.rs") && stderr.contains("is stale"), "{stdout}\n{stderr}");
    std::fs::remove_dir_all(&out).expect("clean up");
}

#[test]
fn errors_are_one_line_with_a_failing_status() {
    let bad = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad/openapi_31.yaml");
    let (ok, _, stderr) = run(&[bad, "/nonexistent/out", "x"]);
    assert!(!ok);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: ") && stderr.contains("OpenAPI 3.1.0 is not supported"), "{stderr}");

    let (ok, _, stderr) = run(&["only-one-argument"]);
    assert!(!ok && stderr.contains("usage:"), "{stderr}");
}
