//! `cargo xtask`: the project's one way to regenerate `generated-client` from `spec/`.
//!
//! - `cargo xtask regen` writes the files whose bytes changed and removes stale ones.
//! - `cargo xtask regen --check` writes nothing, prints a diff, and fails if anything is stale.
//! - `cargo xtask regen [--report FILE.md] [--bump]` also prints what changed in the API, writes
//!   it as Markdown, bumps the version (see `review`); `cargo xtask diff OLD NEW` compares specs.
//! - `cargo xtask bench-compile` times cold and incremental builds of `generated-client`, and
//!   compares crates generated from corpus specs with progenitor's and OpenAPI Generator's.
//! - `cargo xtask bench-program` times a small program on it against hand-written code.
//! - `cargo xtask lint-spec` checks the merged spec with independent tools (see `lint_spec`).
//! - `cargo xtask semver` checks the report's verdict with cargo-semver-checks (see `semver`).

mod bench_compile;
mod bench_peers;
mod bench_program;
mod lint_spec;
mod review;
mod semver;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use generator::write::{sync, Mode};
use generator::{generate, Manifest};

/// The generator's allocator, as in its command-line tool (see `generator::alloc`).
#[global_allocator]
static ALLOCATOR: generator::alloc::Allocator = generator::alloc::Allocator;

/// The command every file of `generated-client` names as its maker (`tests/tests/drift.rs` too).
const GENERATED_BY: &str = "`cargo xtask regen`";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn regen(check: bool, options: &review::Options) -> Result<bool, String> {
    let started = Instant::now();
    let root = root();
    let manifest = root.join("spec/client.yaml");
    let (spec, overlays, mut config) = Manifest::load(&manifest).map_err(|e| e.to_string())?;
    config.generated_by = GENERATED_BY.to_string();
    let mut generated = generate(&spec, &overlays, &config).map_err(|e| e.to_string())?;
    for w in &generated.warnings {
        eprintln!("warning: {}: {}", w.pointer, w.message);
    }
    let out = root.join("generated-client");
    let mode = if check { Mode::Check } else { Mode::Write };
    if !check {
        review::before_write(&manifest, &out, &mut config, &mut generated, options)?;
    }
    let report = sync(&out, &generated.files, mode).map_err(|e| e.to_string())?;
    if check {
        if report.is_empty() {
            println!("generated-client is up to date ({} files, {:.0?})", generated.files.len(), started.elapsed());
            return Ok(true);
        }
        print!("{}", report.diff);
        eprintln!(
            "generated-client is stale ({} to create, {} to update, {} to remove): run `cargo xtask regen` and commit the result",
            report.created.len(),
            report.updated.len(),
            report.removed.len()
        );
        return Ok(false);
    }
    for f in &report.created {
        println!("created generated-client/{f}");
    }
    for f in &report.updated {
        println!("updated generated-client/{f}");
    }
    for f in &report.removed {
        println!("removed generated-client/{f}");
    }
    if report.is_empty() {
        println!("generated-client is up to date");
    }
    println!("regenerated in {:.0?}", started.elapsed());
    Ok(true)
}

/// `cargo xtask spec [OUT]`: the upstream spec with every overlay of `spec/client.yaml` applied.
fn write_spec(out: Option<&str>) -> Result<bool, String> {
    let (spec, overlays, _) = Manifest::load(&root().join("spec/client.yaml")).map_err(|e| e.to_string())?;
    let text = generator::applied_spec(&spec, &overlays).map_err(|e| e.to_string())?;
    match out {
        None => print!("{text}"),
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| format!("cannot write {path}: {e}"))?;
            eprintln!("wrote {path} ({} overlays applied)", overlays.len());
        }
    }
    Ok(true)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["regen", "--check"] => regen(true, &review::Options::default()),
        ["regen", rest @ ..] => review::Options::parse(rest).and_then(|options| regen(false, &options)),
        ["diff", rest @ ..] => review::diff(rest),
        ["spec"] => write_spec(None),
        ["spec", out] => write_spec(Some(out)),
        ["bench-compile", rest @ ..] => bench_compile::run(rest),
        ["bench-program", rest @ ..] => bench_program::run(rest),
        ["lint-spec"] => lint_spec::run(&root()),
        ["semver", rest @ ..] => semver::run(&root(), rest),
        _ => Err(format!(
            "usage: cargo xtask regen [--check]\n{}\n       cargo xtask spec [OUT.yaml]   (the spec with every overlay applied; stdout without OUT)\n       cargo xtask lint-spec         (check that spec with Redocly CLI and Ajv)\n{}\n       {}",
            review::USAGE,
            semver::USAGE,
            bench_compile::USAGE
        )),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
