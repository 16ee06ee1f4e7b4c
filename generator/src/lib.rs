//! An OpenAPI 3.0 to Rust client generator.
//!
//! The flow: [`load`](mod@load) reads the spec and applies overlays, [`lower`](mod@lower) turns it into the
//! [`ir`] (every name and type decided), [`emit`](mod@emit) walks the IR into files, and [`write`]
//! puts them on disk. [`generate`] runs the first three.

pub mod emit;
pub mod error;
pub mod ident;
pub mod ir;
pub mod load;
pub mod lower;
pub mod overlay;
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
    let loaded = load::load(spec, overlays)?;
    let (api, warnings) = lower::lower(&loaded.spec)?;
    let files = emit::emit(&api, config)?;
    Ok(Generated { api, files, warnings })
}
