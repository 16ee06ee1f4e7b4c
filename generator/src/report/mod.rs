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

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// A spec's title and version.
fn label(api: &Api) -> String {
    format!("{} {}", api.title, api.version)
}
