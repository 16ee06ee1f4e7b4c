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
    "  spec/client.yaml to the version the changes call for. diff prints the same report for two\n",
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
    let report = compare(&old.api, &generated.api).with_crate_version(&old.crate_version);
    print!("{}", report.to_text());
    if let Some(path) = &options.report {
        write_report(path, &report.to_markdown())?;
    }
    if options.bump {
        bump(manifest, config, generated, &old, &report)?;
    }
    Ok(())
}

fn bump(
    manifest: &Path,
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
