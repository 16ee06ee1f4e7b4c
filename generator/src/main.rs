//! `openapi-rust-gen`: generate a client crate for any OpenAPI 3.0, 3.1 or 3.2 spec.
//!
//! ```text
//! openapi-rust-gen SPEC OUT_DIR CRATE_NAME [--overlay FILE]... [--token-env VAR] [--strict] [--check]
//! ```
//!
//! Without `--strict`, a place of the spec that cannot be generated is left out with a warning
//! on stderr (and listed in the crate's README and API.md); with it, the spec is refused.
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
    "usage: openapi-rust-gen SPEC OUT_DIR CRATE_NAME [--overlay FILE]... [--token-env VAR] [--version X.Y.Z] [--strict] [--check] [--write-spec FILE] [--allow-dir DIR]...";

const HELP: &str = "\
Reads OpenAPI 3.0.x, 3.1.x and 3.2.x documents (YAML or JSON); Swagger 2.0 is refused.
A 3.1 or 3.2 document is brought to the 3.0 shape first: type lists with \"null\" and null
branches of oneOf/anyOf are nullable, const is a one-value enum, $defs and $id/$anchor targets
become component schemas, contentEncoding base64 is format byte, webhooks become x-webhooks
(parsed with x-webhook-signature), 3.2's query and additionalOperations are operations with
that method, a form-encoded in: querystring parameter is a typed object whose properties are
the query's keys, and tags with a parent order the groups as a tree. What has no Rust form
(if/then/else, not, dependentSchemas, tuples of mixed items, disagreeing patternProperties,
itemSchema outside a response of JSON Lines, JSON text sequences or server-sent events, an
in: querystring parameter of another media type or with lists or objects inside) is dropped or
typed as free-form JSON, each with a warning naming its place.";

fn run() -> Result<bool, String> {
    let mut positional = Vec::new();
    let mut overlays = Vec::new();
    let mut token_env = None;
    let mut version = None;
    let mut mode = Mode::Write;
    let mut write_spec = None;
    let mut strict = false;
    let mut allowed_dirs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--overlay" => overlays.push(args.next().ok_or("--overlay needs a file")?),
            "--token-env" => token_env = Some(args.next().ok_or("--token-env needs a variable name")?),
            "--version" => version = Some(args.next().ok_or("--version needs a version")?),
            "--check" => mode = Mode::Check,
            "--strict" => strict = true,
            "--write-spec" => write_spec = Some(args.next().ok_or("--write-spec needs a file")?),
            "--allow-dir" => allowed_dirs.push(PathBuf::from(args.next().ok_or("--allow-dir needs a directory")?)),
            "-h" | "--help" => {
                println!("{USAGE}\n\n{HELP}");
                return Ok(true);
            }
            other if other.starts_with('-') => return Err(format!("unknown option {other}\n{USAGE}")),
            _ => positional.push(arg),
        }
    }
    let [spec, out, name] = <[String; 3]>::try_from(positional).map_err(|_| USAGE.to_string())?;
    let mut config = Config::new(name);
    config.token_env = token_env;
    config.strict = strict;
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
