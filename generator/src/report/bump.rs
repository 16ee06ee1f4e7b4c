//! The version bump a report calls for, under Cargo's rules for versions before 1.0.0, and the
//! manifest edit that applies it.

use crate::error::Error;

use super::{Level, Report};

/// The version bump a set of changes calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Only patch-level changes.
    Patch,
    /// Compatible changes.
    Minor,
    /// Breaking changes.
    Major,
}

impl Bump {
    /// `none`, `patch`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// The version after this bump, under Cargo's rules for versions before 1.0.0: at `0.y.z` a
    /// major bump increments `y` and a minor one `z`; at `0.0.z` every bump increments `z`.
    pub fn apply(self, version: &str) -> Result<String, Error> {
        let (major, minor, patch) = parse_version(version)?;
        let (major, minor, patch) = match (self, major, minor) {
            (Bump::None, ..) => (major, minor, patch),
            (_, 0, 0) | (Bump::Patch, ..) => (major, minor, patch + 1),
            (Bump::Major, 0, _) => (0, minor + 1, 0),
            (Bump::Minor, 0, _) => (0, minor, patch + 1),
            (Bump::Major, ..) => (major + 1, 0, 0),
            (Bump::Minor, ..) => (major, minor + 1, 0),
        };
        Ok(format!("{major}.{minor}.{patch}"))
    }
}

impl std::fmt::Display for Bump {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn parse_version(version: &str) -> Result<(u64, u64, u64), Error> {
    let parts: Vec<Option<u64>> = version.trim().split('.').map(|p| p.parse().ok()).collect();
    match parts.as_slice() {
        [Some(major), Some(minor), Some(patch)] => Ok((*major, *minor, *patch)),
        _ => Err(Error::Version { version: version.to_string() }),
    }
}

/// The version to set, if any: `baseline` (the version the old IR was generated with) bumped as
/// `bump` says, unless `current` is already at or past it (bumped by hand, or by an earlier run).
pub fn next_version(baseline: &str, current: &str, bump: Bump) -> Result<Option<String>, Error> {
    let target = bump.apply(baseline)?;
    Ok((parse_version(current)? < parse_version(&target)?).then_some(target))
}

/// A generation manifest's text with its top-level `crate_version` set (added when missing);
/// every other line, comments included, is kept.
pub fn set_manifest_version(text: &str, version: &str) -> String {
    let line = format!("crate_version: {version}");
    let mut found = false;
    let mut lines: Vec<&str> = text
        .lines()
        .map(|l| {
            if l.starts_with("crate_version:") && !found {
                found = true;
                line.as_str()
            } else {
                l
            }
        })
        .collect();
    if !found {
        lines.push(&line);
    }
    lines.join("\n") + "\n"
}

impl Report {
    /// The bump the most severe change calls for.
    pub fn bump(&self) -> Bump {
        match self.changes.iter().map(|c| c.level).min() {
            None => Bump::None,
            Some(Level::Breaking) => Bump::Major,
            Some(Level::Compatible) => Bump::Minor,
            Some(Level::Patch) => Bump::Patch,
        }
    }
}
