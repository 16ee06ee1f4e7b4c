//! The change report: what a new IR changes for users of the crate generated from an old one.
//! Operations are matched by operationId, parameters by location and wire name, types by Rust
//! name, fields by wire name, enum values by value; each change is classified for semver
//! ([`Level`]), and together they call for a version bump ([`Bump`]).
//!
//! The rules, for a crate whose items are all public:
//! - breaking: anything removed or renamed; a type, parameter, body or result whose type changed;
//!   a new required parameter or request body; a parameter made required or optional (it moves
//!   between the positional arguments and the setters); a new required field in a type sent in
//!   requests (its constructor takes it); a new alternative of an untagged union (it has no
//!   `Unknown`); a struct that no longer derives `Default`;
//! - compatible: anything added otherwise (an operation, an optional parameter or body, a field of
//!   a response type, an optional field of a request type, an enum value, which open enums absorb
//!   into `Unknown`, an alternative of a tagged union); deprecations;
//! - patch: what leaves the API's shape alone: documentation, paths and methods, content types,
//!   query styles, security, the base URL.
//!
//! Before 1.0.0, Cargo treats the leftmost non-zero number as the major one: at `0.y.z` a
//! breaking change bumps `y` and any other change `z`; at `0.0.z` every change bumps `z`.
//!
//! The work is divided by concern: [`Change`] and its classification ([`Level`], [`Kind`],
//! [`Subject`]) are in `change`; the comparisons in `client` (base URL, credentials, group
//! accessors), `operations` (operations, their parameters, bodies and results) and `types`
//! (types, fields, enum values, union alternatives); the report as text and Markdown in `render`;
//! the version bump in `bump`.

mod bump;
mod change;
mod client;
mod operations;
mod render;
mod types;

pub use bump::{next_version, set_manifest_version, Bump};
pub use change::{Change, Kind, Level, Subject};

use crate::ir::Api;

use change::Changes;

/// The changes from one IR to another.
#[derive(Debug, Clone)]
pub struct Report {
    /// The old spec's title and version.
    pub old: String,
    /// The new spec's title and version.
    pub new: String,
    /// Every change, most severe first, then by subject and item.
    pub changes: Vec<Change>,
    /// The crate's version before the change, when known: the report then names the next one.
    pub crate_version: Option<String>,
}

/// Compares two IRs.
pub fn compare(old: &Api, new: &Api) -> Report {
    let mut out = Changes::default();
    client::client(old, new, &mut out);
    operations::operations(old, new, &mut out);
    types::types(old, new, &mut out);
    let mut changes = out.0;
    changes.sort();
    changes.dedup();
    Report { old: label(old), new: label(new), changes, crate_version: None }
}

impl Report {
    /// The same report, naming the version the crate moves to from `version`.
    pub fn with_crate_version(mut self, version: impl Into<String>) -> Self {
        self.crate_version = Some(version.into());
        self
    }

    /// The same report with the change of the client's own code between two `api.json` files
    /// (their [`client_code_digest`](crate::listing::IrFile::client_code_digest)): the IR
    /// comparison cannot tell whether a new runtime or emitter keeps users' code compiling, so
    /// a change is breaking until a reviewer (or `cargo xtask semver`) finds otherwise. Nothing
    /// when either digest is unknown (a file from before they were recorded) or they agree.
    pub fn with_client_code(mut self, old: &crate::listing::IrFile, new: &crate::listing::IrFile) -> Self {
        let (a, b) = (&old.client_code_digest, &new.client_code_digest);
        if a.is_empty() || b.is_empty() || a == b {
            return self;
        }
        let versions = if old.generator_version == new.generator_version {
            format!("generator {}", new.generator_version)
        } else {
            format!("generator {} → {}", old.generator_version, new.generator_version)
        };
        self.changes.insert(
            0,
            change::Change {
                level: change::Level::Breaking,
                subject: change::Subject::Client,
                item: "runtime".to_string(),
                kind: change::Kind::Changed,
                text: format!(
                    "the client's own code changed (runtime, emitters or templates; {versions}, digest `{a}` → `{b}`): \
                     this report compares the API, not that code, so it counts as breaking; read the diff of \
                     `src/runtime/` and run `cargo xtask semver`"
                ),
            },
        );
        self
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// A spec's title and version.
fn label(api: &Api) -> String {
    format!("{} {}", api.title, api.version)
}
