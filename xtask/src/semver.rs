//! `cargo xtask semver`: an independent check of the API change report. cargo-semver-checks
//! compares the rustdoc of the checked-in `generated-client` with that of a previous version from
//! git; the command fails when the tool finds a break the report's verdict does not allow.
//! `--history` runs it over every pair of consecutive versions and writes `tests/SEMVER.md`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use generator::listing::IrFile;
use generator::report::{compare, Bump};

/// The cargo-semver-checks release this command installs: 0.51 reads the rustdoc JSON of
/// rustc 1.93 and later (its own `rust-version`), which the toolchain here (1.95) writes.
pub const TOOL_VERSION: &str = "0.51.0";

/// The command's usage line.
pub const USAGE: &str =
    "       cargo xtask semver [--baseline REV] [--history]   (cargo-semver-checks against the report's verdict)";

/// The checked-in crate, relative to the repository's root.
const CRATE_DIR: &str = "generated-client";

/// What cargo-semver-checks found between two versions.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// The bump its failed lints require (`None` when none failed).
    pub required: Option<Bump>,
    /// Each failed lint: its name, its description and how many items it names.
    pub failures: Vec<(String, String, usize)>,
}

/// Reads cargo-semver-checks' human output (stdout and stderr, without colour). `None` when it
/// has no summary line: the tool did not get as far as comparing (a build failed, say).
pub fn parse_output(text: &str) -> Option<Findings> {
    let mut findings = Findings::default();
    let mut summary = false;
    let mut counting = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("--- failure ") {
            let rest = rest.trim_end_matches('-').trim();
            let (name, description) = rest.split_once(':').unwrap_or((rest, ""));
            findings.failures.push((name.trim().to_string(), description.trim().to_string(), 0));
            counting = false;
        } else if trimmed == "Failed in:" {
            counting = true;
        } else if counting && !trimmed.is_empty() && line.starts_with(char::is_whitespace) {
            if let Some(last) = findings.failures.last_mut() {
                last.2 += 1;
            }
        } else if counting {
            counting = false;
        }
        if trimmed.starts_with("Summary ") {
            summary = true;
            findings.required = if trimmed.contains("requires new major version") {
                Some(Bump::Major)
            } else if trimmed.contains("requires new minor version") {
                Some(Bump::Minor)
            } else {
                None
            };
        }
    }
    summary.then_some(findings)
}

/// Reads a verdict word of the report or the changelog (`major`, `breaking`, `minor`,
/// `compatible`, `patch`, `none`).
fn bump_word(word: &str) -> Option<Bump> {
    match word.trim().trim_end_matches('.').to_ascii_lowercase().as_str() {
        "major" | "breaking" => Some(Bump::Major),
        "minor" | "compatible" => Some(Bump::Minor),
        "patch" => Some(Bump::Patch),
        "none" => Some(Bump::None),
        _ => None,
    }
}

/// The verdicts the changelog's section for `version` records (`### API changes: major`,
/// `### Client changes: breaking`), the largest first; empty when it has no such section.
pub fn changelog_verdicts(changelog: &str, version: &str) -> Vec<(String, Bump)> {
    let heading = format!("## {version}\n");
    let Some(start) = changelog.find(&heading).filter(|&i| i == 0 || changelog[..i].ends_with('\n')) else {
        return Vec::new();
    };
    let body = &changelog[start + heading.len()..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    let mut verdicts: Vec<(String, Bump)> = body
        .lines()
        .filter_map(|l| l.strip_prefix("### "))
        .filter_map(|l| l.split_once(':'))
        .filter_map(|(what, word)| bump_word(word).map(|b| (what.trim().to_string(), b)))
        .collect();
    verdicts.sort_by_key(|v| std::cmp::Reverse(v.1));
    verdicts
}

/// The `[package]` version of a `Cargo.toml`.
pub fn manifest_version(manifest: &str) -> Option<String> {
    manifest
        .lines()
        .skip_while(|l| l.trim() != "[package]")
        .take_while(|l| l.trim() == "[package]" || !l.trim_start().starts_with('['))
        .filter_map(|l| l.trim().strip_prefix("version"))
        .filter_map(|rest| rest.trim().strip_prefix('='))
        .map(|v| v.trim().trim_matches('"').to_string())
        .next()
}

/// The commit that set each version, oldest version first, from the commits that touched the
/// crate's manifest, newest first, with the version each left: a version's commit is the oldest
/// of the newest run of commits that left it (a later commit that keeps it set it only again).
pub fn version_commits(newest_first: &[(String, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, (commit, version)) in newest_first.iter().enumerate() {
        let older = newest_first.get(i + 1).map(|(_, v)| v);
        if older != Some(version) && !out.iter().any(|(v, _)| v == version) {
            out.push((version.clone(), commit.clone()));
        }
    }
    out.reverse();
    out
}

/// Whether cargo-semver-checks' verdict fits the report's: `Ok` with why, or `Err` with why not.
/// Levels are compared, not version numbers (before 1.0.0 a "major" bump is a minor number).
pub fn agree(report: Option<Bump>, tool: Option<Bump>) -> Result<String, String> {
    let tool_level = tool.unwrap_or(Bump::None);
    match report {
        None => Err("no report to compare with".to_string()),
        Some(report) if tool_level <= report => {
            Ok(if tool_level == report || (report == Bump::Patch && tool.is_none()) {
                "agree".to_string()
            } else {
                format!("the report allows {report}, the tool needs {tool_level}: the report is stricter")
            })
        }
        Some(report) => Err(format!("the tool needs {tool_level}, the report allows only {report}")),
    }
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out =
        Command::new("git").arg("-C").arg(root).args(args).output().map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!("git {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The commits that set each version of the crate, oldest first, from `HEAD`'s history.
fn history(root: &Path) -> Result<Vec<(String, String)>, String> {
    let manifest = format!("{CRATE_DIR}/Cargo.toml");
    let log = git(root, &["log", "--topo-order", "--format=%H", "--", &manifest])?;
    let mut commits = Vec::new();
    for commit in log.lines() {
        let text = git(root, &["show", &format!("{commit}:{manifest}")])?;
        if let Some(version) = manifest_version(&text) {
            commits.push((commit.to_string(), version));
        }
    }
    Ok(version_commits(&commits))
}

/// Installs cargo-semver-checks when `cargo semver-checks --version` fails.
fn ensure_tool() -> Result<(), String> {
    let works = Command::new("cargo").args(["semver-checks", "--version"]).output().is_ok_and(|o| o.status.success());
    if works {
        return Ok(());
    }
    eprintln!("cargo-semver-checks is missing: installing {TOOL_VERSION} (cargo install --locked; several minutes)");
    let status = Command::new("cargo")
        .args(["install", "--locked", &format!("cargo-semver-checks@{TOOL_VERSION}")])
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if !status.success() {
        return Err(format!("cargo install cargo-semver-checks@{TOOL_VERSION} failed"));
    }
    Ok(())
}

/// One side of a comparison: the working tree's crate or a commit's, copied out of git.
enum Side {
    Checkout,
    Commit(String),
}

/// A commit's crate, copied under `dir` (removed on drop) as a workspace of its own.
struct Extracted(PathBuf);

impl Extracted {
    fn new(root: &Path, commit: &str, dir: PathBuf) -> Result<Self, String> {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let copy = Extracted(dir);
        let archive = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["archive", "--format=tar", commit, CRATE_DIR])
            .output()
            .map_err(|e| format!("cannot run git archive: {e}"))?;
        if !archive.status.success() {
            return Err(format!("git archive {commit} failed: {}", String::from_utf8_lossy(&archive.stderr).trim()));
        }
        let tar = copy.0.join("crate.tar");
        std::fs::write(&tar, &archive.stdout).map_err(|e| format!("cannot write {}: {e}", tar.display()))?;
        let status = Command::new("tar")
            .arg("-xf")
            .arg(&tar)
            .arg("-C")
            .arg(&copy.0)
            .status()
            .map_err(|e| format!("cannot run tar: {e}"))?;
        if !status.success() {
            return Err(format!("tar could not unpack {}", tar.display()));
        }
        // The copy lives under the workspace's target/: its own `[workspace]` keeps Cargo from
        // taking it for an unlisted member of ours.
        let manifest = copy.crate_dir().join("Cargo.toml");
        let text =
            std::fs::read_to_string(&manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
        std::fs::write(&manifest, format!("{text}\n[workspace]\n"))
            .map_err(|e| format!("cannot write {}: {e}", manifest.display()))?;
        Ok(copy)
    }

    fn crate_dir(&self) -> PathBuf {
        self.0.join(CRATE_DIR)
    }
}

impl Drop for Extracted {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The crate's `api.json` and `Cargo.toml` version on one side.
fn side_files(root: &Path, side: &Side) -> (Option<String>, Option<String>) {
    let read = |file: &str| match side {
        Side::Checkout => std::fs::read_to_string(root.join(CRATE_DIR).join(file)).ok(),
        Side::Commit(c) => git(root, &["show", &format!("{c}:{CRATE_DIR}/{file}")]).ok(),
    };
    (read("api.json"), read("Cargo.toml").as_deref().and_then(manifest_version))
}

/// The result of checking one pair of versions.
struct Pair {
    old: String,
    new: String,
    /// The report recomputed from the two `api.json` files, or why not.
    recomputed: Result<Bump, String>,
    /// What the changelog recorded for the new version.
    changelog: Vec<(String, Bump)>,
    /// What cargo-semver-checks found, or why it could not check.
    tool: Result<Findings, String>,
    seconds: f64,
}

impl Pair {
    /// The largest bump the report allows: the changelog's verdicts and the recomputed one.
    fn allowed(&self) -> Option<Bump> {
        self.changelog.iter().map(|(_, b)| *b).chain(self.recomputed.clone().ok()).max()
    }

    fn outcome(&self) -> Result<String, String> {
        match &self.tool {
            Err(why) => Err(format!("not checked: {why}")),
            Ok(findings) => agree(self.allowed(), findings.required),
        }
    }

    fn report_text(&self) -> String {
        let mut parts: Vec<String> = self.changelog.iter().map(|(what, b)| format!("{what}: {b}")).collect();
        match &self.recomputed {
            Ok(b) => parts.push(format!("recomputed: {b}")),
            Err(why) => parts.push(format!("not recomputed ({why})")),
        }
        parts.join("; ")
    }

    fn tool_text(&self) -> String {
        match &self.tool {
            Err(why) => format!("not checked ({why})"),
            Ok(f) => {
                let level = f.required.map_or("none".to_string(), |b| b.to_string());
                let lints: Vec<String> = f.failures.iter().map(|(name, _, n)| format!("`{name}` ×{n}")).collect();
                if lints.is_empty() {
                    level
                } else {
                    format!("{level}: {}", lints.join(", "))
                }
            }
        }
    }
}

fn recompute(old: Option<&str>, new: Option<&str>) -> Result<Bump, String> {
    let (Some(old), Some(new)) = (old, new) else {
        return Err("no api.json on both sides".to_string());
    };
    let old = IrFile::parse("old api.json", old).map_err(|e| format!("old api.json unreadable today: {e}"))?;
    let new = IrFile::parse("new api.json", new).map_err(|e| format!("new api.json unreadable today: {e}"))?;
    Ok(compare(&old.api, &new.api).with_client_code(&old, &new).bump())
}

fn run_tool(root: &Path, old: &Path, new: &Path) -> Result<Findings, String> {
    let target = root.join("target/semver/target");
    let out = Command::new("cargo")
        .args(["semver-checks", "check-release", "--color", "never", "--release-type", "patch"])
        .arg("--manifest-path")
        .arg(new.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(old)
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_TERM_COLOR", "never")
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo semver-checks: {e}"))?;
    let text = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    parse_output(&text).ok_or_else(|| {
        let error = text.lines().find(|l| l.trim_start().starts_with("error")).unwrap_or("no summary in its output");
        format!("cargo semver-checks: {}", error.trim())
    })
}

fn check_pair(root: &Path, old: &str, new: &Side, changelog: &str) -> Pair {
    let started = Instant::now();
    let work = root.join("target/semver");
    let (old_ir, old_version) = side_files(root, &Side::Commit(old.to_string()));
    let (new_ir, new_version) = side_files(root, new);
    let old_version = old_version.unwrap_or_else(|| old.to_string());
    let new_version = new_version.unwrap_or_default();
    eprintln!("checking {old_version} → {new_version} ...");
    let tool = (|| {
        let old_copy = Extracted::new(root, old, work.join("old"))?;
        let new_copy = match new {
            Side::Checkout => None,
            Side::Commit(c) => Some(Extracted::new(root, c, work.join("new"))?),
        };
        let new_dir = new_copy.as_ref().map_or(root.join(CRATE_DIR), Extracted::crate_dir);
        run_tool(root, &old_copy.crate_dir(), &new_dir)
    })();
    Pair {
        changelog: changelog_verdicts(changelog, &new_version),
        old: old_version,
        new: new_version,
        recomputed: recompute(old_ir.as_deref(), new_ir.as_deref()),
        tool,
        seconds: started.elapsed().as_secs_f64(),
    }
}

fn print_pair(p: &Pair) {
    println!("{} → {} ({:.0}s)", p.old, p.new, p.seconds);
    println!("  report:              {}", p.report_text());
    println!("  cargo-semver-checks: {}", p.tool_text());
    if let Ok(f) = &p.tool {
        for (name, description, n) in &f.failures {
            println!("    {name}: {description} ({n} items)");
        }
    }
    match p.outcome() {
        Ok(why) => println!("  ok: {why}"),
        Err(why) => println!("  DISAGREE: {why}"),
    }
}

fn table(pairs: &[Pair]) -> String {
    let mut out =
        String::from("| versions | report's verdict | cargo-semver-checks | outcome | time |\n|---|---|---|---|---|\n");
    for p in pairs {
        let outcome = match p.outcome() {
            Ok(why) => why,
            Err(why) => format!("**{why}**"),
        };
        out.push_str(&format!(
            "| {} → {} | {} | {} | {} | {:.0} s |\n",
            p.old,
            p.new,
            p.report_text(),
            p.tool_text(),
            outcome,
            p.seconds
        ));
    }
    out
}

/// `cargo xtask semver [--baseline REV] [--history]`.
pub fn run(root: &Path, args: &[&str]) -> Result<bool, String> {
    let (baseline, all) = match args {
        [] => (None, false),
        ["--history"] => (None, true),
        ["--baseline", rev] => (Some(*rev), false),
        _ => return Err(format!("usage:\n{USAGE}")),
    };
    ensure_tool()?;
    let changelog = std::fs::read_to_string(root.join(CRATE_DIR).join("CHANGELOG.md")).unwrap_or_default();
    let versions = history(root)?;
    let current = side_files(root, &Side::Checkout).1.ok_or("generated-client/Cargo.toml has no version")?;
    let started = Instant::now();
    let pairs: Vec<Pair> = if all {
        let mut pairs = Vec::new();
        for (i, (_, old)) in versions.iter().enumerate() {
            let new = match versions.get(i + 1) {
                Some((v, _)) if *v == current => Side::Checkout,
                Some((_, c)) => Side::Commit(c.clone()),
                None => break,
            };
            let pair = check_pair(root, old, &new, &changelog);
            print_pair(&pair);
            pairs.push(pair);
        }
        pairs
    } else {
        let old = match baseline {
            Some(rev) => git(root, &["rev-parse", rev])?.trim().to_string(),
            None => versions
                .iter()
                .rev()
                .find(|(v, _)| *v != current)
                .map(|(_, c)| c.clone())
                .ok_or("no previous version in git to compare with")?,
        };
        let pair = check_pair(root, &old, &Side::Checkout, &changelog);
        print_pair(&pair);
        vec![pair]
    };
    let _ = std::fs::remove_dir_all(root.join("target/semver"));
    println!("\n{}", table(&pairs));
    println!("{} pair(s) in {:.0?}", pairs.len(), started.elapsed());
    if all {
        let path = root.join(RECORD);
        let existing = std::fs::read_to_string(&path).unwrap_or_else(|_| RECORD_HEAD.to_string());
        std::fs::write(&path, with_section(&existing, &record(&pairs, started.elapsed().as_secs_f64())))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
        // The history is a record: only the pair that ends at the checkout can still be fixed.
        return Ok(pairs.last().is_none_or(|p| p.outcome().is_ok()));
    }
    Ok(pairs.iter().all(|p| p.outcome().is_ok()))
}

/// Where `--history` records its results, between the markers below; the rest is by hand.
const RECORD: &str = "tests/SEMVER.md";
const START: &str = "<!-- cargo xtask semver --history: start -->";
const END: &str = "<!-- cargo xtask semver --history: end -->";
const RECORD_HEAD: &str = "# cargo-semver-checks against the API change report\n\n";

/// `existing` with the text between the markers replaced by `section` (added at the end when
/// the markers are missing).
pub fn with_section(existing: &str, section: &str) -> String {
    let block = format!("{START}\n{}\n{END}", section.trim_end());
    match (existing.find(START), existing.find(END)) {
        (Some(a), Some(b)) if a < b => format!("{}{block}{}", &existing[..a], &existing[b + END.len()..]),
        _ => format!("{}\n\n{block}\n", existing.trim_end()),
    }
}

fn record(pairs: &[Pair], seconds: f64) -> String {
    let mut out = format!(
        "cargo-semver-checks {TOOL_VERSION}, `--release-type patch` (every failed lint counts), each version at \
         the commit that set it, the last at the checkout; {} pairs in {seconds:.0} s.\n\n{}",
        pairs.len(),
        table(pairs)
    );
    for p in pairs {
        if let Ok(f) = &p.tool {
            if !f.failures.is_empty() {
                out.push_str(&format!("\n{} → {}:\n\n", p.old, p.new));
                for (name, description, n) in &f.failures {
                    out.push_str(&format!("- `{name}` ({description}): {n} item(s)\n"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "     Parsing buildkite-api v0.4.1 (current)
      Parsed [  10.1s] (current)
    Checking buildkite-api v0.4.0 -> v0.4.1 (assume patch change)
     Checked [   0.2s] 196 checks: 194 pass, 2 fail, 0 warn, 31 skip

--- failure inherent_method_missing: pub method removed or renamed ---

Description:
A publicly-visible method or associated fn is no longer available under its prior name.
        ref: https://doc.rust-lang.org/cargo/reference/semver.html#item-remove

Failed in:
  Timestamp::into_inner, previously in file /x/src/runtime/time.rs:40
  Timestamp::now, previously in file /x/src/runtime/time.rs:44

--- failure derive_trait_impl_removed: built-in derived trait no longer implemented ---

Failed in:
  type Timestamp no longer derives Copy, in /x/src/runtime/time.rs:12

     Summary semver requires new major version: 2 major and 0 minor checks failed
    Finished [  21.0s] buildkite-api
";

    #[test]
    fn the_tools_output_gives_its_failures_and_the_bump_they_need() {
        let f = parse_output(OUTPUT).expect("a summary");
        assert_eq!(f.required, Some(Bump::Major));
        assert_eq!(
            f.failures,
            vec![
                ("inherent_method_missing".to_string(), "pub method removed or renamed".to_string(), 2),
                (
                    "derive_trait_impl_removed".to_string(),
                    "built-in derived trait no longer implemented".to_string(),
                    1
                ),
            ]
        );
        let clean = parse_output(
            "     Checked [   0.2s] 196 checks: 196 pass, 0 skip\n     Summary no semver update required\n",
        );
        assert_eq!(clean, Some(Findings { required: None, failures: vec![] }));
        let minor = parse_output("     Summary semver requires new minor version: 0 major and 1 minor checks failed\n");
        assert_eq!(minor.map(|f| f.required), Some(Some(Bump::Minor)));
        assert_eq!(parse_output("error: failed to build rustdoc for crate buildkite-api v0.1.0\n"), None);
    }

    #[test]
    fn the_tool_may_not_need_more_than_the_report_allows() {
        assert_eq!(agree(Some(Bump::Major), Some(Bump::Major)), Ok("agree".to_string()));
        assert_eq!(agree(Some(Bump::Patch), None), Ok("agree".to_string()));
        assert!(agree(Some(Bump::Major), None).is_ok_and(|w| w.contains("stricter")), "a stricter report passes");
        assert!(agree(Some(Bump::Patch), Some(Bump::Major)).is_err());
        assert!(agree(Some(Bump::Minor), Some(Bump::Major)).is_err());
        assert!(agree(Some(Bump::Patch), Some(Bump::Minor)).is_err());
        assert!(agree(None, None).is_err(), "no report, no agreement");
    }

    #[test]
    fn the_changelog_gives_each_versions_verdicts_largest_first() {
        let log = "# Changelog\n\n## 0.4.1\n\n### Client changes: patch\n\nText: with colon.\n\n### API changes: patch\n\n## 0.4.0\n\n### Client changes: breaking\n\n### API changes: patch\n";
        assert_eq!(
            changelog_verdicts(log, "0.4.0"),
            vec![("Client changes".to_string(), Bump::Major), ("API changes".to_string(), Bump::Patch)]
        );
        assert_eq!(changelog_verdicts(log, "0.4.1").len(), 2);
        assert!(changelog_verdicts(log, "0.4").is_empty());
        assert!(changelog_verdicts(log, "0.3.0").is_empty());
    }

    #[test]
    fn a_versions_commit_is_the_oldest_of_its_newest_run() {
        let log = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs.iter().map(|(c, v)| (c.to_string(), v.to_string())).collect()
        };
        let history = log(&[("e", "0.3.0"), ("d", "0.3.0"), ("c", "0.2.0"), ("b", "0.1.0"), ("a", "0.1.0")]);
        assert_eq!(version_commits(&history), log(&[("0.1.0", "a"), ("0.2.0", "c"), ("0.3.0", "d")]));
        // A version set again after another keeps its newest setting.
        let again = log(&[("c", "0.2.0"), ("b", "0.1.0"), ("a", "0.2.0")]);
        assert_eq!(version_commits(&again), log(&[("0.1.0", "b"), ("0.2.0", "c")]));
    }

    #[test]
    fn the_record_replaces_only_its_own_section() {
        let first = with_section(RECORD_HEAD, "table one");
        assert!(first.starts_with(RECORD_HEAD) && first.contains("table one"), "{first}");
        let edited = format!("{first}\n## Why they differ\n\nBy hand.\n");
        let second = with_section(&edited, "table two\n");
        assert!(!second.contains("table one") && second.contains("table two"), "{second}");
        assert!(second.ends_with("## Why they differ\n\nBy hand.\n"), "{second}");
        assert_eq!(second.matches(START).count(), 1);
    }

    #[test]
    fn the_package_version_is_read_from_its_section() {
        let manifest = "# @generated\n[package]\nname = \"x\"\nversion = \"0.4.1\"\n\n[dependencies]\nbytes = { version = \"1\" }\n";
        assert_eq!(manifest_version(manifest).as_deref(), Some("0.4.1"));
        assert_eq!(manifest_version("[dependencies]\nversion = \"1\"\n"), None);
    }
}
