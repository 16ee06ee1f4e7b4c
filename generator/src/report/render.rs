//! The report as plain text for a terminal, and as Markdown for a pull request's description.

use super::{Bump, Change, Level, Report};

impl Report {
    fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.level == level).count()
    }

    fn at(&self, level: Level) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.level == level)
    }

    fn summary(&self) -> String {
        let spec = if self.old == self.new { self.new.clone() } else { format!("{} → {}", self.old, self.new) };
        format!(
            "{spec}: {} breaking, {} compatible, {} patch-level",
            self.count(Level::Breaking),
            self.count(Level::Compatible),
            self.count(Level::Patch)
        )
    }

    fn verdict(&self) -> String {
        let why = match self.bump() {
            Bump::None => "no API changes",
            Bump::Patch => "no change to the API's shape",
            Bump::Minor => "compatible changes only",
            Bump::Major => "breaking changes",
        };
        let mut text = format!("semver: {} ({why})", self.bump());
        if let Some(version) = &self.crate_version {
            text.push_str(&match self.bump().apply(version) {
                Ok(next) if next == *version => format!("; version stays {version}"),
                Ok(next) => {
                    let rule = match (self.bump(), version.starts_with("0.0.")) {
                        (Bump::Major | Bump::Minor, true) => " (at 0.0.z, every change bumps z)",
                        (Bump::Major, false) if version.starts_with("0.") => {
                            " (before 1.0.0, a breaking change bumps the minor number)"
                        }
                        (Bump::Minor, false) if version.starts_with("0.") => {
                            " (before 1.0.0, a compatible change bumps the patch number)"
                        }
                        _ => "",
                    };
                    format!("; version {version} → {next}{rule}")
                }
                Err(e) => format!("; {e}"),
            });
        }
        text
    }

    /// Plain text for a terminal.
    pub fn to_text(&self) -> String {
        if self.is_empty() {
            return format!("no API changes ({})\n{}\n", self.new, self.verdict());
        }
        let mut out = format!("API changes, {}\n", self.summary());
        for (level, title) in LEVELS {
            if self.count(level) == 0 {
                continue;
            }
            out.push_str(&format!("{title}:\n"));
            for change in self.at(level) {
                out.push_str(&format!("  - {}\n", change.text));
            }
        }
        out.push_str(&self.verdict());
        out.push('\n');
        out
    }

    /// Markdown, for a pull request's description.
    pub fn to_markdown(&self) -> String {
        self.markdown(2)
    }

    /// A section of `CHANGELOG.md` for `version`: a second-level heading, then the Markdown
    /// report one level below it.
    pub fn to_changelog_section(&self, version: &str) -> String {
        format!("## {version}\n\n{}", self.markdown(3))
    }

    /// The Markdown report, its title a heading of `level`.
    fn markdown(&self, level: usize) -> String {
        let heading = "#".repeat(level);
        let sub = "#".repeat(level + 1);
        let mut out = format!("{heading} API changes: {}\n\n", self.bump());
        if self.is_empty() {
            out.push_str(&format!("No API changes ({}).\n\n{}.\n", self.new, capitalise(&self.verdict())));
            return out;
        }
        out.push_str(&format!("{}.\n", self.summary()));
        for (level, title) in LEVELS {
            let count = self.count(level);
            if count == 0 {
                continue;
            }
            let items: String = self.at(level).map(|c| format!("- {}\n", c.text)).collect();
            if level == Level::Patch {
                out.push_str(&format!(
                    "\n<details><summary>{title} ({count}): the API's shape is unchanged</summary>\n\n{items}\n</details>\n"
                ));
            } else {
                out.push_str(&format!("\n{sub} {title} ({count})\n\n{items}"));
            }
        }
        out.push_str(&format!("\n{}.\n", capitalise(&self.verdict())));
        out
    }
}

const LEVELS: [(Level, &str); 3] =
    [(Level::Breaking, "Breaking"), (Level::Compatible, "Compatible"), (Level::Patch, "Patch-level")];

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
