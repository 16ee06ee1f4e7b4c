//! Reviewing a spec change: the change report `cargo xtask regen` prints (the new IR against
//! `generated-client/api.json`, the IR the checked-in crate was made from), its Markdown form for
//! a pull request (`--report FILE.md`), the version bump it calls for (`--bump`), and
//! `cargo xtask diff` for any two specs. The comparison itself lives in `generator::report`.

use std::path::{Path, PathBuf};

use generator::listing::{IrFile, IR_FILE};
use generator::report::{compare, next_version, set_manifest_version, Report};
use generator::{generate, Config, Generated, Source};

/// The review commands' usage lines.
pub const USAGE: &str = concat!(
    "       cargo xtask regen [--report FILE.md] [--bump]\n",
    "       cargo xtask diff OLD NEW [--report FILE.md]\n",
    "\n",
    "  regen prints what changed in the API since generated-client/api.json; --report also writes\n",
    "  it as Markdown (for a pull request's description); --bump sets crate_version in\n",
    "  spec/client.yaml to the version the changes call for and adds the report to\n",
    "  generated-client/CHANGELOG.md, newest first. diff prints the same report for two\n",
    "  specs, each given as a manifest (spec/client.yaml) or as the spec's path followed by its\n",
    "  overlays' paths, comma-separated, applied in order (e.g. old.yml,old.overlay.yaml)."
);

/// `regen`'s review options.
#[derive(Debug, Default)]
pub struct Options {
    /// Where to write the Markdown report.
    report: Option<PathBuf>,
    /// Whether to bump `crate_version`.
    bump: bool,
}

impl Options {
    /// Parses `[--report FILE] [--bump]`.
    pub fn parse(args: &[&str]) -> Result<Self, String> {
        let mut options = Options::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match *arg {
                "--report" => options.report = Some(args.next().ok_or("--report needs a file")?.into()),
                "--bump" => options.bump = true,
                "--check" => return Err("--check takes no other option: it only compares".to_string()),
                other => return Err(format!("unknown regen option {other}")),
            }
        }
        Ok(options)
    }
}

/// The IR the checked-in crate was made from, if it can be read; why not, otherwise.
fn baseline(out: &Path) -> Result<IrFile, String> {
    let path = out.join(IR_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    IrFile::parse(&path.display().to_string(), &text).map_err(|e| e.to_string())
}

fn write_report(path: &Path, markdown: &str) -> Result<(), String> {
    std::fs::write(path, markdown).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("wrote the report to {}", path.display());
    Ok(())
}

/// Before `regen` writes: prints the change report, writes its Markdown and bumps the version as
/// asked. A bump rewrites `manifest` and re-emits the files with the new version.
pub fn before_write(
    manifest: &Path,
    out: &Path,
    config: &mut Config,
    generated: &mut Generated,
    options: &Options,
) -> Result<(), String> {
    let old = match baseline(out) {
        Ok(old) => old,
        Err(why) => {
            // A first generation, or an IR file from an older generator: nothing to compare with.
            println!("no API change report: {why}");
            if let Some(path) = &options.report {
                write_report(path, &format!("## API changes\n\nNo report: {why}.\n"))?;
            }
            if options.bump {
                return Err("--bump needs the previous IR to compare with; set crate_version by hand".to_string());
            }
            return Ok(());
        }
    };
    let new = IrFile::new(&generated.api, config);
    let report = compare(&old.api, &generated.api).with_crate_version(&old.crate_version).with_client_code(&old, &new);
    print!("{}", report.to_text());
    if let Some(path) = &options.report {
        write_report(path, &report.to_markdown())?;
    }
    if options.bump {
        bump(manifest, out, config, generated, &old, &report)?;
    }
    Ok(())
}

/// The changelog of the generated crate, beside its generated files: written only by `--bump`,
/// never generated, so `regen` keeps it (it carries no generated marker) and `--check` ignores it.
pub const CHANGELOG: &str = "CHANGELOG.md";

/// The title and preamble of a new changelog.
const CHANGELOG_HEAD: &str = "# Changelog\n\nEach section is the API change report of one version, newest first, as `cargo xtask regen\n--bump` wrote it when it set that version.\n";

/// `existing` (the changelog's text, or `None` when there is none yet) with `section` added as
/// the newest entry: after the title and preamble (the text before the first `## ` heading),
/// before every older section.
pub fn changelog_with(existing: Option<&str>, section: &str) -> String {
    let text = existing.unwrap_or(CHANGELOG_HEAD);
    let at = if text.starts_with("## ") { Some(0) } else { text.find("\n## ").map(|i| i + 1) };
    let (head, older) = text.split_at(at.unwrap_or(text.len()));
    let mut out = String::new();
    if !head.trim().is_empty() {
        out.push_str(head.trim_end());
        out.push_str("\n\n");
    }
    out.push_str(section.trim_end());
    out.push('\n');
    if !older.is_empty() {
        out.push('\n');
        out.push_str(older.trim_end());
        out.push('\n');
    }
    out
}

fn add_to_changelog(out: &Path, version: &str, report: &Report) -> Result<(), String> {
    let path = out.join(CHANGELOG);
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let text = changelog_with(existing.as_deref(), &report.to_changelog_section(version));
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("added the {version} section to {}", path.display());
    Ok(())
}

fn bump(
    manifest: &Path,
    out: &Path,
    config: &mut Config,
    generated: &mut Generated,
    old: &IrFile,
    report: &Report,
) -> Result<(), String> {
    let Some(version) =
        next_version(&old.crate_version, &config.crate_version, report.bump()).map_err(|e| e.to_string())?
    else {
        println!("crate_version stays {}", config.crate_version);
        return Ok(());
    };
    let text = std::fs::read_to_string(manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    std::fs::write(manifest, set_manifest_version(&text, &version))
        .map_err(|e| format!("cannot write {}: {e}", manifest.display()))?;
    println!("bumped crate_version in {}: {} → {version}", manifest.display(), config.crate_version);
    add_to_changelog(out, &version, report)?;
    config.crate_version = version;
    generated.files = generator::emit::emit(&generated.api, config).map_err(|e| e.to_string())?;
    Ok(())
}

/// Reads `SPEC[,OVERLAY...]`.
fn sources(side: &str) -> Result<(Source, Vec<Source>), String> {
    // A manifest (`spec/client.yaml`) names the spec and its overlays in order.
    if !side.contains(',') {
        if let Ok((spec, overlays, _)) = generator::Manifest::load(Path::new(side)) {
            return Ok((spec, overlays));
        }
    }
    let mut paths = side.split(',').filter(|p| !p.is_empty()).map(|p| Source::read(Path::new(p)));
    let spec = paths.next().ok_or_else(|| format!("no spec in `{side}`"))?.map_err(|e| e.to_string())?;
    let overlays = paths.collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())?;
    Ok((spec, overlays))
}

/// `cargo xtask diff OLD NEW [--report FILE.md]`.
pub fn diff(args: &[&str]) -> Result<bool, String> {
    let (sides, options) = match args {
        [old, new, rest @ ..] if !old.starts_with('-') && !new.starts_with('-') => {
            ([*old, *new], Options::parse(rest)?)
        }
        _ => {
            return Err(
                "usage: cargo xtask diff OLD NEW [--report FILE.md], each side a manifest (spec/client.yaml) or SPEC[,OVERLAY...]"
                    .to_string()
            )
        }
    };
    if options.bump {
        return Err("diff does not bump: use `cargo xtask regen --bump`".to_string());
    }
    let config = Config::new("diff");
    let [old, new] = sides.map(|side| {
        let (spec, overlays) = sources(side)?;
        generate(&spec, &overlays, &config).map(|g| g.api).map_err(|e| e.to_string())
    });
    let report = compare(&old?, &new?);
    print!("{}", report.to_text());
    if let Some(path) = &options.report {
        write_report(path, &report.to_markdown())?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::{changelog_with, CHANGELOG_HEAD};

    #[test]
    fn a_new_changelog_gets_its_title_then_the_section() {
        let text = changelog_with(None, "## 0.3.0\n\n### API changes: minor\n\nOne operation added.\n");
        assert!(text.starts_with("# Changelog\n\n"), "{text}");
        assert!(text.ends_with("--bump` wrote it when it set that version.\n\n## 0.3.0\n\n### API changes: minor\n\nOne operation added.\n"), "{text:?}");
        assert!(text.starts_with(CHANGELOG_HEAD.trim_end()));
    }

    #[test]
    fn sections_go_newest_first_and_nothing_is_lost() {
        let first = changelog_with(None, "## 0.3.0\n\nA.\n");
        let second = changelog_with(Some(&first), "## 0.4.0\n\nB.\n");
        let third = changelog_with(Some(&second), "## 0.4.1\n\nC.\n");
        let at = |v: &str| third.find(&format!("## {v}\n")).unwrap_or_else(|| panic!("{v} missing:\n{third}"));
        assert!(at("0.4.1") < at("0.4.0") && at("0.4.0") < at("0.3.0"), "{third}");
        for body in ["A.", "B.", "C."] {
            assert_eq!(third.matches(body).count(), 1, "{third}");
        }
        // A changelog written by hand keeps its own preamble.
        let custom = changelog_with(Some("# Our changes\n\nNotes.\n\n## 0.1.0\n\nOld.\n"), "## 0.2.0\n\nNew.\n");
        assert_eq!(custom, "# Our changes\n\nNotes.\n\n## 0.2.0\n\nNew.\n\n## 0.1.0\n\nOld.\n");
        // One that starts with a section gets the new one before it.
        assert_eq!(changelog_with(Some("## 0.1.0\n\nOld.\n"), "## 0.2.0\n"), "## 0.2.0\n\n## 0.1.0\n\nOld.\n");
    }
}
