//! `cargo xtask`: the project's one way to regenerate `generated-client` from `spec/`.
//!
//! - `cargo xtask regen` writes the files whose bytes changed and removes stale ones.
//! - `cargo xtask regen --check` writes nothing, prints a diff, and fails if anything is stale.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use generator::write::{sync, Mode};
use generator::{generate, Manifest};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn regen(check: bool) -> Result<bool, String> {
    let started = Instant::now();
    let root = root();
    let (spec, overlays, config) = Manifest::load(&root.join("spec/client.yaml")).map_err(|e| e.to_string())?;
    let generated = generate(&spec, &overlays, &config).map_err(|e| e.to_string())?;
    for w in &generated.warnings {
        eprintln!("warning: {}: {}", w.pointer, w.message);
    }
    let out = root.join("generated-client");
    let mode = if check { Mode::Check } else { Mode::Write };
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

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["regen"] => regen(false),
        ["regen", "--check"] => regen(true),
        _ => Err("usage: cargo xtask regen [--check]".to_string()),
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
