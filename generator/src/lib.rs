//! An OpenAPI 3.0 to Rust client generator.
//!
//! The flow: [`load`](mod@load) reads the spec and applies overlays, [`lower`](mod@lower) turns it
//! into the [`ir`] (every name and type decided), [`emit`](mod@emit) walks the IR into files, and
//! [`write`](mod@write) puts them on disk. [`generate`] runs the first three. For review,
//! [`listing`] writes the public API as text and [`report`] classifies the changes between two IRs
//! by what they mean for semver.

pub mod emit;
pub mod error;
pub mod ident;
pub mod ir;
pub mod listing;
pub mod load;
pub mod lower;
pub mod overlay;
pub mod report;
mod rust;
pub mod validate;
pub mod write;

use std::collections::BTreeMap;

pub use error::Error;
pub use load::Source;
pub use lower::Warning;

/// What the generated crate is called and how it finds its credential.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The package name, e.g. `buildkite-api`.
    pub crate_name: String,
    /// The package version.
    #[serde(default = "default_version")]
    pub crate_version: String,
    /// The environment variable `Client::from_env` reads the bearer token from.
    #[serde(default)]
    pub token_env: Option<String>,
}

fn default_version() -> String {
    "0.1.0".into()
}

impl Config {
    /// A configuration with defaults for everything but the crate name.
    pub fn new(crate_name: impl Into<String>) -> Self {
        Config { crate_name: crate_name.into(), crate_version: default_version(), token_env: None }
    }
}

/// A generation manifest (`spec/client.yaml` for the Buildkite client): the spec, its overlays
/// (paths relative to the manifest), and the crate's configuration.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The spec file.
    pub spec: String,
    /// Overlay files, applied in order.
    #[serde(default)]
    pub overlays: Vec<String>,
    /// The crate's configuration.
    #[serde(flatten)]
    pub config: Config,
}

impl Manifest {
    /// Reads a manifest and the documents it names.
    pub fn load(path: &std::path::Path) -> Result<(Source, Vec<Source>, Config), Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        let manifest: Manifest = serde_yaml::from_str(&text).map_err(|e| {
            let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
            Error::Syntax { file: path.display().to_string(), line, column, message: e.to_string() }
        })?;
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        let spec = Source::read(&dir.join(&manifest.spec))?;
        let overlays = manifest.overlays.iter().map(|o| Source::read(&dir.join(o))).collect::<Result<Vec<_>, _>>()?;
        Ok((spec, overlays, manifest.config))
    }
}

/// The result of generation.
#[derive(Debug)]
pub struct Generated {
    /// The IR the files were made from.
    pub api: ir::Api,
    /// The crate's files, by path relative to its root.
    pub files: BTreeMap<String, String>,
    /// Fallbacks taken (an unknown format, say), for the command line to print.
    pub warnings: Vec<Warning>,
}

/// Generates a client crate from a spec and its overlays.
pub fn generate(spec: &Source, overlays: &[Source], config: &Config) -> Result<Generated, Error> {
    // Parsing and lowering recurse as deep as the spec nests (bounded by the YAML parser's
    // limit and by lowering's own); a thread with a stack of its own makes that safe whatever
    // thread the caller is on.
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("openapi-rust-gen".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || generate_here(spec, overlays, config))
            .map_err(|e| Error::Io { path: "<thread>".into(), source: e })?;
        worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The generator thread's stack: generous, since only what is touched is ever committed.
const STACK_SIZE: usize = 256 << 20;

fn generate_here(spec: &Source, overlays: &[Source], config: &Config) -> Result<Generated, Error> {
    let loaded = load::load(spec, overlays)?;
    let (api, warnings) = lower::lower(&loaded.spec)?;
    let files = emit::emit(&api, config)?;
    Ok(Generated { api, files, warnings })
}
