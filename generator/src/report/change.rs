//! A change: what it touches, what happened to it, and what it means for semver; and the list
//! the comparisons push changes onto.

use crate::ir::Docs;

/// What a change means to code using the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Code that compiled against the old crate may not compile against the new one.
    Breaking,
    /// Additions and deprecations: code that compiled still does.
    Compatible,
    /// The API's shape is unchanged (documentation, wire details).
    Patch,
}

/// What happened to the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// It is new.
    Added,
    /// It is gone.
    Removed,
    /// It is there in both, differently.
    Changed,
}

/// What kind of item changed; changes are listed in this order within a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// The client: base URL, credentials, group accessors.
    Client,
    /// An operation.
    Operation,
    /// A parameter of an operation.
    Parameter,
    /// An operation's request body.
    RequestBody,
    /// What an operation returns.
    Response,
    /// A type.
    Type,
    /// A field of a struct.
    Field,
    /// A value of an enum, or an alternative of a union.
    Variant,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Its classification.
    pub level: Level,
    /// What kind of item it touches.
    pub subject: Subject,
    /// The item: an operationId, `operationId.parameter`, a type, `Type.field`, `Type::Variant`.
    pub item: String,
    /// Added, removed or changed.
    pub kind: Kind,
    /// One line for a reviewer, Markdown.
    pub text: String,
}

#[derive(Default)]
pub(super) struct Changes(pub(super) Vec<Change>);

impl Changes {
    pub(super) fn push(&mut self, level: Level, subject: Subject, kind: Kind, item: impl Into<String>, text: String) {
        self.0.push(Change { level, subject, item: item.into(), kind, text });
    }

    pub(super) fn deprecation(&mut self, subject: Subject, item: &str, what: &str, old: bool, new: bool) {
        if old != new {
            let now = if new { "deprecated" } else { "no longer deprecated" };
            self.push(Level::Compatible, subject, Kind::Changed, item, format!("{what} is {now}"));
        }
    }

    pub(super) fn docs(&mut self, subject: Subject, item: &str, what: &str, old: &Docs, new: &Docs) {
        if old != new {
            self.push(Level::Patch, subject, Kind::Changed, item, format!("{what}: documentation changed"));
        }
    }

    /// A catch-all: when nothing was found to differ since `start` but the IR items do (a detail
    /// of the wire format, an order), says so at patch level, so that no change goes unreported.
    pub(super) fn unexplained<T: serde::Serialize>(
        &mut self,
        start: usize,
        subject: Subject,
        item: &str,
        what: &str,
        old: &T,
        new: &T,
    ) {
        if self.0.len() == start && serde_json::to_value(old).ok() != serde_json::to_value(new).ok() {
            self.push(
                Level::Patch,
                subject,
                Kind::Changed,
                item,
                format!("{what}: other details changed (see `api.json`)"),
            );
        }
    }

    pub(super) fn breaking_since(&self, start: usize) -> bool {
        self.0[start.min(self.0.len())..].iter().any(|c| c.level == Level::Breaking)
    }
}

pub(super) fn code(text: &str) -> String {
    format!("`{text}`")
}
