//! `cargo xtask`: the project's one way to regenerate `generated-client` from `spec/`.
//!
//! - `cargo xtask regen` writes the files whose bytes changed and removes stale ones.
//! - `cargo xtask regen --check` writes nothing, prints a diff, and fails if anything is stale.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use generator::write::{sync, Mode};
use generator::{generate, Config, Source};

/// `spec/client.yaml`: which spec, which overlays, and the crate's configuration.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Regen {
    spec: String,
    #[serde(default)]
    overlays: Vec<String>,
    #[serde(flatten)]
    config: Config,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn regen(check: bool) -> Result<bool, String> {
    let started = Instant::now();
    let root = root();
    let spec_dir = root.join("spec");
    let config_path = spec_dir.join("client.yaml");
    let text =
        std::fs::read_to_string(&config_path).map_err(|e| format!("cannot read {}: {e}", config_path.display()))?;
    let regen: Regen = serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", config_path.display()))?;
    let spec = Source::read(&spec_dir.join(&regen.spec)).map_err(|e| e.to_string())?;
    let overlays = regen
        .overlays
        .iter()
        .map(|o| Source::read(&spec_dir.join(o)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let generated = generate(&spec, &overlays, &regen.config).map_err(|e| e.to_string())?;
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
