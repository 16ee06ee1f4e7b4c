//! `cargo xtask`: the project's one way to regenerate `generated-client` from `spec/`.
//!
//! - `cargo xtask regen` writes the files whose bytes changed and removes stale ones.
//! - `cargo xtask regen --check` writes nothing, prints a diff, and fails if anything is stale.
//! - `cargo xtask regen [--report FILE.md] [--bump]` also prints what changed in the API, writes
//!   it as Markdown, bumps the version (see `review`); `cargo xtask diff OLD NEW` compares specs.
//! - `cargo xtask bench-compile` times cold and incremental builds of `generated-client`.
//! - `cargo xtask lint-spec` lints the merged spec with Redocly CLI (see `lint_spec`).

mod bench_compile;
mod bench_nexus;
mod review;

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

/// The Redocly CLI that `.ci/run` installs (`npm install --prefix target/npm-lint`), pinned there.
const REDOCLY: &str = "target/npm-lint/node_modules/.bin/redocly";
/// Set (to anything) to make `lint-spec` fail when Redocly is not installed; CI sets it.
const LINT_ENV: &str = "OPENAPI_RUST_GEN_LINT_SPEC";

/// `cargo xtask lint-spec`: writes the merged spec and lints it with Redocly CLI under
/// `spec/redocly.yaml`, an independent check of what users take to other tools; any problem,
/// error or warning, fails. Redocly comes from npm, which a newcomer need not have: without it
/// the command says so and passes, unless `OPENAPI_RUST_GEN_LINT_SPEC` is set (as in CI).
fn lint_spec() -> Result<bool, String> {
    let root = root();
    let redocly = root.join(REDOCLY);
    if !redocly.exists() {
        let install = "npm install --prefix target/npm-lint --no-audit --no-fund @redocly/cli@2.77.0";
        if std::env::var_os(LINT_ENV).is_some() {
            return Err(format!("{LINT_ENV} is set but {REDOCLY} is missing: run `{install}`"));
        }
        println!("lint-spec skipped: {REDOCLY} is missing (`{install}` installs it; CI sets {LINT_ENV})");
        return Ok(true);
    }
    let out = root.join("target/lint-spec");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let merged = out.join("buildkite-api.yaml");
    write_spec(Some(&merged.to_string_lossy()))?;
    let status = std::process::Command::new(&redocly)
        .arg("lint")
        .arg("--config")
        .arg(root.join("spec/redocly.yaml"))
        .arg("--format=stylish")
        .arg(&merged)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", redocly.display()))?;
    if !status.success() {
        eprintln!("the merged spec fails Redocly's lint ({status}); see above");
    }
    Ok(status.success())
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
        ["lint-spec"] => lint_spec(),
        _ => Err(format!(
            "usage: cargo xtask regen [--check]\n{}\n       cargo xtask spec [OUT.yaml]   (the spec with every overlay applied; stdout without OUT)\n       cargo xtask lint-spec         (lint that spec with Redocly CLI)\n       {}",
            review::USAGE,
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
