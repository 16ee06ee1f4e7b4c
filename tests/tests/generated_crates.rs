//! Every fixture spec (`generator/tests/fixtures/`) and every real-world spec of the corpus
//! (`tests/corpus/`) becomes a crate that passes `cargo clippy -- -D warnings` and whose doctests pass. All crates go
//! into one temporary workspace and build with one shared target directory, so dependencies
//! compile once.
//!
//! The large documents of `tests/corpus-large/` (hundreds of operations each, up to a million
//! generated lines) join them when `OPENAPI_RUST_GEN_LARGE_CORPUS=1` is set, as `.ci/run` sets
//! it: they are checked with clippy (default features; their doctests and mock servers are left
//! to the smaller specs, which exercise the same code), so that a default `cargo test` stays
//! quick.
//!
//! A spec is a `.yaml` or `.json` file directly in either directory, or a directory there
//! holding a document in several files: its root document is the one file named `openapi.yaml`
//! or `openapi.json` in the directory or below it, its references may reach any file in the
//! directory (`--allow-dir`), and the crate is named after the directory.

use std::path::{Path, PathBuf};
use std::process::Command;

use std::collections::BTreeMap;

use generator::write::{sync, Mode};
use generator::{generate, Config, Manifest, Source};

#[path = "../roundtrip/table.rs"]
mod roundtrip_table;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root")
}

/// The root document of a spec in several files: the one `openapi.yaml` or `openapi.json` in
/// `dir` or below it.
fn root_document(dir: &Path) -> Option<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).expect("spec directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.file_name().is_some_and(|n| n == "openapi.yaml" || n == "openapi.json") {
                found.push(path);
            }
        }
    }
    assert!(found.len() <= 1, "{} has more than one root document: {found:?}", dir.display());
    found.pop()
}

/// Whether the large documents are built too (`OPENAPI_RUST_GEN_LARGE_CORPUS`, set by `.ci/run`).
fn large_corpus() -> bool {
    std::env::var("OPENAPI_RUST_GEN_LARGE_CORPUS").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The directory of the large documents.
const LARGE: &str = "tests/corpus-large";

fn is_large(path: &Path) -> bool {
    path.starts_with(root().join(LARGE))
}

fn specs() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut dirs = vec![("fixture", "generator/tests/fixtures"), ("corpus", "tests/corpus")];
    if large_corpus() {
        dirs.push(("corpus", LARGE));
    }
    for (prefix, dir) in dirs {
        let mut paths: Vec<(String, PathBuf)> = std::fs::read_dir(root().join(dir))
            .expect("spec directory")
            .map(|e| e.expect("entry").path())
            .filter_map(|p| {
                if p.is_dir() {
                    let name = p.file_name().and_then(|s| s.to_str()).expect("directory name").to_string();
                    return root_document(&p).map(|root| (name, root));
                }
                let document = p.extension().is_some_and(|e| e == "yaml" || e == "json");
                let stem = p.file_stem().and_then(|s| s.to_str()).expect("file name").to_string();
                document.then_some((stem, p))
            })
            .collect();
        paths.sort();
        for (stem, path) in paths {
            out.push((format!("{prefix}-{}", stem.replace('_', "-")), path));
        }
    }
    out
}

#[test]
fn fixtures_and_corpus_build_warning_free() {
    let workspace = root().join("target/generated-crates");
    let specs = specs();
    assert!(specs.iter().filter(|(n, _)| n.starts_with("corpus-")).count() >= 19, "the corpus is missing");
    let mut members = Vec::new();
    let mut tables = BTreeMap::new();
    for (name, path) in &specs {
        let spec = Source::read(path).expect("readable").with_options(options(path));
        let generated = generate(&spec, &[], &Config::new(name.clone()))
            .unwrap_or_else(|e| panic!("{} does not generate: {e}", path.display()));
        sync(&workspace.join(name), &generated.files, Mode::Write).expect("write crate");
        members.push(format!("\"{name}\""));
        // The round-trip suite takes the smaller specs: a large one would be compiled whole
        // (its models' code, not only checked) for the suite alone.
        if !is_large(path) {
            let document = generator::load::merge(&spec, &[]).expect("merged document");
            let table = roundtrip_table::table(name, &document, &generated.api, roundtrip_table::MAX_TYPES);
            tables.insert(name.clone(), table);
        }
    }
    // A crate of behaviour tests over the fixture crates: the generated code works, not only
    // compiles.
    let fixtures: Vec<String> = specs
        .iter()
        .filter(|(n, _)| n.starts_with("fixture-"))
        .map(|(n, _)| format!("{n} = {{ path = \"../{n}\", features = [\"mock\"] }}"))
        .collect();
    let behaviour = workspace.join("fixture-behaviour");
    std::fs::create_dir_all(behaviour.join("tests")).expect("behaviour crate");
    std::fs::create_dir_all(behaviour.join("src")).expect("behaviour crate");
    std::fs::write(
        behaviour.join("Cargo.toml"),
        format!(
            "[package]\nname = \"fixture-behaviour\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dev-dependencies]\nbytes = \"1\"\nfutures-util = {{ version = \"0.3\", default-features = false, features = [\"std\"] }}\nserde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n{}\n",
            fixtures.join("\n")
        ),
    )
    .expect("behaviour manifest");
    std::fs::write(behaviour.join("src/lib.rs"), "//! Behaviour tests only.\n").expect("behaviour lib");
    std::fs::copy(root().join("tests/behaviour/fixtures.rs"), behaviour.join("tests/fixtures.rs"))
        .expect("behaviour tests");
    members.push("\"fixture-behaviour\"".to_string());
    members.push("\"round-trip\"".to_string());
    let small: Vec<(String, PathBuf)> = specs.iter().filter(|(_, path)| !is_large(path)).cloned().collect();
    round_trip_crate(&workspace, &small, tables);
    let manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", "));
    std::fs::write(workspace.join("Cargo.toml"), manifest).expect("workspace manifest");
    // Start from the project's lock file, so the same dependency versions are used.
    if !workspace.join("Cargo.lock").exists() {
        std::fs::copy(root().join("Cargo.lock"), workspace.join("Cargo.lock")).expect("lock file");
    }
    // The default features and `mock`, so that the typed mock server of every crate builds too.
    // Not `--all-features`: `native-tls` needs OpenSSL's headers, which CI does not install.
    let large: Vec<&str> = specs.iter().filter(|(_, path)| is_large(path)).map(|(n, _)| n.as_str()).collect();
    let mock: Vec<String> =
        specs.iter().filter(|(n, _)| !large.contains(&n.as_str())).map(|(name, _)| format!("{name}/mock")).collect();
    let mock = mock.join(",");
    let output = cargo(
        &workspace,
        &[
            "clippy",
            "--workspace",
            "--exclude",
            "round-trip",
            "--all-targets",
            "--features",
            &mock,
            "--quiet",
            "--",
            "-D",
            "warnings",
        ],
    );
    assert!(
        output.status.success(),
        "generated crates do not build warning-free:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Spec text never becomes code: the crates' doctests (the README's example, and any fence
    // a spec smuggles in, as `generator/tests/fixtures/hostile_docs.yaml` tries) compile and run.
    let mut doctests = vec![
        "test",
        "--doc",
        "--quiet",
        "--workspace",
        "--features",
        &mock,
        "--exclude",
        "fixture-behaviour",
        "--exclude",
        "round-trip",
    ];
    for name in &large {
        doctests.extend(["--exclude", name]);
    }
    let output = cargo(&workspace, &doctests);
    assert!(
        output.status.success(),
        "doctests of the generated crates fail:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let output = cargo(&workspace, &["test", "--quiet", "-p", "fixture-behaviour"]);
    assert!(
        output.status.success(),
        "behaviour tests of the fixture crates fail:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // The round-trip suite (tests/ROUNDTRIP.md): a separate step, so that its cost shows.
    let started = std::time::Instant::now();
    let output = cargo(&workspace, &["test", "--quiet", "-p", "round-trip", "--", "--nocapture"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in stdout.lines().filter(|l| l.starts_with("round-trip ") || l.starts_with("  skipped")) {
        println!("{line}");
    }
    println!("round-trip suite: built and ran in {:.0?}", started.elapsed());
    assert!(
        output.status.success(),
        "round-trip failures (tests/ROUNDTRIP.md):\n{}\n{}",
        stdout,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The `round-trip` crate: the checker (`tests/roundtrip/lib.rs`), one data file per spec and
/// one test per spec over the fixture and corpus crates and the Buildkite client.
fn round_trip_crate(
    workspace: &Path,
    specs: &[(String, PathBuf)],
    mut tables: BTreeMap<String, roundtrip_table::Table>,
) {
    // The Buildkite client as checked in (`cargo xtask regen --check` keeps it the generator's),
    // against its spec with the overlays applied.
    let (spec, overlays, config) = Manifest::load(&root().join("spec/client.yaml")).expect("manifest");
    let generated = generate(&spec, &overlays, &config).expect("the Buildkite client generates");
    let document = generator::load::merge(&spec, &overlays).expect("merged Buildkite document");
    let buildkite = roundtrip_table::table(&config.crate_name, &document, &generated.api, roundtrip_table::MAX_TYPES);
    tables.insert(config.crate_name.clone(), buildkite);
    let dir = workspace.join("round-trip");
    for sub in ["src", "tests", "data"] {
        std::fs::create_dir_all(dir.join(sub)).expect("round-trip crate");
    }
    // The same dev-dependencies as the generated crates have, so that this crate's build unifies
    // features as the doctests' did and reuses their artifacts.
    let mut dependencies: Vec<String> =
        specs.iter().map(|(n, _)| format!("{n} = {{ path = \"../{n}\", features = [\"mock\"] }}")).collect();
    let client = root().join("generated-client");
    dependencies.push(format!(
        "{} = {{ path = {:?}, features = [\"mock\"] }}",
        config.crate_name,
        client.display().to_string()
    ));
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"round-trip\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\njsonschema = {{ version = \"0.61\", default-features = false }}\nserde = \"1\"\nserde_json = \"1\"\n\n[dev-dependencies]\nfutures-util = {{ version = \"0.3\", default-features = false, features = [\"std\"] }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n{}\n",
            dependencies.join("\n")
        ),
    )
    .expect("round-trip manifest");
    std::fs::copy(root().join("tests/roundtrip/lib.rs"), dir.join("src/lib.rs")).expect("round-trip checker");
    for (name, table) in &tables {
        std::fs::write(dir.join("data").join(format!("{name}.json")), table.data.to_string()).expect("round-trip data");
    }
    std::fs::write(dir.join("tests/round_trip.rs"), roundtrip_table::tests_source(&tables)).expect("round-trip tests");
}

/// A spec in several files may refer to any file of its directory under `generator/tests/fixtures`
/// or `tests/corpus` (a root document deeper down refers to files beside its own directories).
fn options(path: &Path) -> generator::load::Options {
    let mut allowed_dirs = Vec::new();
    for dir in ["generator/tests/fixtures", "tests/corpus"] {
        let dir = root().join(dir);
        if let Ok(rest) = path.strip_prefix(&dir) {
            if let Some(first) = rest.components().next().filter(|_| rest.components().count() > 1) {
                allowed_dirs.push(dir.join(first));
            }
        }
    }
    generator::load::Options { allowed_dirs, ..Default::default() }
}

/// Runs cargo in the workspace of generated crates, with a target directory of its own.
fn cargo(workspace: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO"))
        .args(args)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", root().join("target/generated-crates-target"))
        // No debug info: nothing here is debugged, and it is most of the directory's size and of
        // the link time of some thirty crates' doctests and tests.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_PROFILE_TEST_DEBUG", "0")
        // Nor incremental state: these crates are built once per run, and their incremental
        // directories were three quarters of this target directory (3.4 of 4.4 GB).
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs")
}
