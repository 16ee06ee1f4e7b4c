//! `openapi-rust-gen`: generate a client crate for any OpenAPI 3.0 spec.
//!
//! ```text
//! openapi-rust-gen SPEC OUT_DIR CRATE_NAME [--overlay FILE]... [--token-env VAR] [--check]
//! ```
//!
//! `--allow-dir DIR` lets the spec's `$ref`s read files in DIR besides the spec's own directory.

use std::path::PathBuf;
use std::process::ExitCode;

use generator::write::{sync, Mode};
use generator::{generate, Config, Source};

/// mimalloc: see `generator::alloc` for why.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: generator::alloc::Allocator = generator::alloc::Allocator;

const USAGE: &str =
    "usage: openapi-rust-gen SPEC OUT_DIR CRATE_NAME [--overlay FILE]... [--token-env VAR] [--version X.Y.Z] [--check] [--write-spec FILE] [--allow-dir DIR]...";

fn run() -> Result<bool, String> {
    let mut positional = Vec::new();
    let mut overlays = Vec::new();
    let mut token_env = None;
    let mut version = None;
    let mut mode = Mode::Write;
    let mut write_spec = None;
    let mut allowed_dirs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--overlay" => overlays.push(args.next().ok_or("--overlay needs a file")?),
            "--token-env" => token_env = Some(args.next().ok_or("--token-env needs a variable name")?),
            "--version" => version = Some(args.next().ok_or("--version needs a version")?),
            "--check" => mode = Mode::Check,
            "--write-spec" => write_spec = Some(args.next().ok_or("--write-spec needs a file")?),
            "--allow-dir" => allowed_dirs.push(PathBuf::from(args.next().ok_or("--allow-dir needs a directory")?)),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(true);
            }
            other if other.starts_with('-') => return Err(format!("unknown option {other}\n{USAGE}")),
            _ => positional.push(arg),
        }
    }
    let [spec, out, name] = <[String; 3]>::try_from(positional).map_err(|_| USAGE.to_string())?;
    let mut config = Config::new(name);
    config.token_env = token_env;
    if let Some(v) = version {
        config.crate_version = v;
    }
    let options = generator::load::Options { allowed_dirs, ..Default::default() };
    let spec = Source::read(&PathBuf::from(spec)).map_err(|e| e.to_string())?.with_options(options);
    let overlays: Vec<Source> = overlays
        .iter()
        .map(|o| Source::read(&PathBuf::from(o)))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    if let Some(path) = &write_spec {
        let text = generator::applied_spec(&spec, &overlays).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    let generated = generate(&spec, &overlays, &config).map_err(|e| e.to_string())?;
    for w in &generated.warnings {
        eprintln!("warning: {}: {}", w.pointer, w.message);
    }
    let report = sync(&PathBuf::from(&out), &generated.files, mode).map_err(|e| e.to_string())?;
    if mode == Mode::Check {
        if !report.is_empty() {
            print!("{}", report.diff);
            eprintln!("{out} is stale: run the generator without --check");
        }
        return Ok(report.is_empty());
    }
    for f in &report.created {
        println!("created {f}");
    }
    for f in &report.updated {
        println!("updated {f}");
    }
    for f in &report.removed {
        println!("removed {f}");
    }
    Ok(true)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
