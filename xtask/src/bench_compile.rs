//! `cargo xtask bench-compile [-j N]`: how long `generated-client` takes to compile.
//!
//! The crate is copied to `target/bench-compile/crate` (with the workspace's `Cargo.lock`, so
//! the dependency versions are the ones in use) and built there, so the checked-in crate is
//! never touched. For `cargo check` and for `cargo build` (the dev profile), each in a target
//! directory of its own:
//!
//! 1. cold: an empty target directory, dependencies included;
//! 2. after one generated file changes: a line added at the top of
//!    `src/operations/builds.rs`, as a regen that changes that file would, then again
//!    (incremental);
//! 3. the crate alone: `cargo clean -p buildkite-api`, then again (dependencies built);
//! 4. the crate alone with one group of operations (`--no-default-features --features jobs`).
//!
//! Steps 3 and 4 alternate, `--runs` times each (at least once). Sources are fetched first,
//! untimed. Each figure is CPU time (user + system of cargo and the compilers) and wall-clock
//! time, medians; the load averages are printed beside them, since other work on the machine
//! slows a build down. The last row gives step 4's share of step 3.
//!
//! Then Oxide Nexus against the peers, progenitor and OpenAPI Generator: see
//! [`crate::bench_peers`]. `--corpus` compares the three largest specs of the corpora instead
//! (the crate alone, per operation), `--spec FILE` any spec.

use crate::bench_peers::{Figure, Maker};
use std::path::Path;

/// The group of operations built alone for the last row: the one with the most operations.
const ONE_GROUP: &str = "jobs";
const ONE_GROUP_STEP: &str = "the crate alone with one group (`--no-default-features --features jobs`)";

/// The file changed for the rebuild figure.
const CHANGED_FILE: &str = "src/operations/builds.rs";

pub fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("create {}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("read {}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| format!("copy {}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}

pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// One row of the table: the step's runs for `cargo check`, then for `cargo build`.
struct Row {
    step: &'static str,
    figures: [Vec<Figure>; 2],
}

pub const USAGE: &str = "cargo xtask bench-compile [-j N] [--runs N] [--cold-runs N] [--cold-tls both|rustls|off] [--client-only | --nexus-only | --corpus | --spec FILE...] [--peers progenitor,openapi-generator]";

pub fn run(args: &[&str]) -> Result<bool, String> {
    let options = Options::parse(args)?;
    if !options.specs.is_empty() {
        for spec in &options.specs {
            crate::bench_peers::compare(&options, spec, false)?;
        }
        return Ok(true);
    }
    if !options.nexus_only {
        buildkite(options.jobs.clone(), options.runs.max(1))?;
    }
    if !options.client_only {
        crate::bench_peers::compare(&options, crate::bench_peers::NEXUS, true)?;
    }
    Ok(true)
}

/// The command line.
pub struct Options {
    /// `-j N`, passed on to cargo.
    pub jobs: Option<String>,
    /// Runs of each crate alone, per command (`--runs`; 0 skips Nexus's rows, while the
    /// `generated-client` table takes one run at least).
    pub runs: usize,
    /// Cold runs (empty target directory) of each crate, per command and TLS setting.
    pub cold_runs: usize,
    /// Which TLS settings of the generated crate are built cold (`--cold-tls`): the default
    /// (rustls), off (as progenitor's client has it), or both.
    pub cold_tls: ColdTls,
    /// Skip the `generated-client` table.
    pub nexus_only: bool,
    /// Only the `generated-client` table.
    pub client_only: bool,
    /// The specs compared with the peers instead of the `generated-client` table and Nexus
    /// (`--corpus`: the three largest; `--spec FILE`: any, relative to the workspace).
    pub specs: Vec<String>,
    /// The peers (`--peers`, comma-separated; both by default).
    pub peers: Vec<Maker>,
}

/// The TLS settings of the cold rows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ColdTls {
    Both,
    Rustls,
    Off,
}

impl Options {
    fn parse(args: &[&str]) -> Result<Self, String> {
        let mut options = Options {
            jobs: None,
            runs: 5,
            cold_runs: 1,
            cold_tls: ColdTls::Both,
            nexus_only: false,
            client_only: false,
            specs: Vec::new(),
            peers: Maker::PEERS.to_vec(),
        };
        let mut rest = args.iter();
        let number =
            |value: Option<&&str>| value.and_then(|v| v.parse::<usize>().ok()).ok_or_else(|| format!("usage: {USAGE}"));
        while let Some(arg) = rest.next() {
            match *arg {
                "-j" | "--jobs" => options.jobs = Some(number(rest.next())?.to_string()),
                "--runs" => options.runs = number(rest.next())?,
                "--cold-runs" => options.cold_runs = number(rest.next())?,
                "--cold-tls" => {
                    options.cold_tls = match rest.next().copied() {
                        Some("both") => ColdTls::Both,
                        Some("rustls") => ColdTls::Rustls,
                        Some("off") => ColdTls::Off,
                        _ => return Err(format!("usage: {USAGE}")),
                    }
                }
                "--nexus-only" => options.nexus_only = true,
                "--client-only" => options.client_only = true,
                "--corpus" => options.specs.extend(crate::bench_peers::LARGEST.map(String::from)),
                "--spec" => options.specs.push(rest.next().ok_or_else(|| format!("usage: {USAGE}"))?.to_string()),
                "--peers" => {
                    let list = rest.next().ok_or_else(|| format!("usage: {USAGE}"))?;
                    options.peers = list
                        .split(',')
                        .map(|name| Maker::parse(name).ok_or_else(|| format!("unknown peer `{name}`; usage: {USAGE}")))
                        .collect::<Result<_, _>>()?;
                }
                _ => return Err(format!("usage: {USAGE}")),
            }
        }
        Ok(options)
    }
}

/// The `generated-client` table: cold, the crate alone, and after one file changes.
fn buildkite(jobs: Option<String>, runs: usize) -> Result<(), String> {
    let root = crate::root();
    let work = root.join("target/bench-compile");
    let krate = work.join("crate");
    if krate.exists() {
        std::fs::remove_dir_all(&krate).map_err(|e| format!("remove {}: {e}", krate.display()))?;
    }
    copy_dir(&root.join("generated-client"), &krate)?;
    // The copy is a workspace of its own, pinned to the workspace's dependency versions.
    crate::bench_peers::standalone(&krate, &root)?;
    let manifest = krate.join("Cargo.toml");
    let cargo = |args: &[&str], target: &Path| crate::bench_peers::cargo(args, &manifest, target, &jobs);

    let changed = krate.join(CHANGED_FILE);
    let original = std::fs::read_to_string(&changed).map_err(|e| format!("read {CHANGED_FILE}: {e}"))?;
    let mut rows = [
        "cold (empty target directory, dependencies included)",
        "rebuild after one generated file changes",
        "the crate alone (dependencies built)",
        ONE_GROUP_STEP,
    ]
    .map(|step| Row { step, figures: [Vec::new(), Vec::new()] });
    for (c, command) in ["check", "build"].into_iter().enumerate() {
        let target = work.join(format!("target-{command}"));
        if target.exists() {
            std::fs::remove_dir_all(&target).map_err(|e| format!("remove {}: {e}", target.display()))?;
        }
        std::fs::write(&changed, &original).map_err(|e| e.to_string())?;
        eprintln!("== cargo {command}: cold");
        rows[0].figures[c].push(cargo(&[command], &target)?);

        eprintln!("== cargo {command}: after {CHANGED_FILE} changes");
        let (header, rest) = original.split_once('\n').unwrap_or((&original, ""));
        std::fs::write(&changed, format!("{header}\n// edited by `cargo xtask bench-compile`\n{rest}"))
            .map_err(|e| e.to_string())?;
        rows[1].figures[c].push(cargo(&[command], &target)?);
        std::fs::write(&changed, &original).map_err(|e| e.to_string())?;

        let one_group = [command, "--no-default-features", "--features", ONE_GROUP];
        for run in 1..=runs {
            eprintln!("== cargo {command}: the crate alone, then with only `{ONE_GROUP}`, run {run}");
            cargo(&["clean", "-p", "buildkite-api"], &target)?;
            rows[2].figures[c].push(cargo(&[command], &target)?);
            cargo(&["clean", "-p", "buildkite-api"], &target)?;
            rows[3].figures[c].push(cargo(&one_group, &target)?);
        }
    }
    std::fs::write(&changed, &original).map_err(|e| e.to_string())?;

    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!();
    println!("generated-client ({cores} cores available; load average when each step started in brackets)");
    println!();
    println!("| step | `cargo check` CPU (wall) | `cargo build` (dev profile) CPU (wall) |");
    println!("|---|---:|---:|");
    for row in &rows {
        let cells = row.figures.each_ref().map(|runs| {
            let (cpu, wall, loads) = crate::bench_peers::cell(runs);
            format!("{cpu:.1} s ({wall:.1} s) [{loads}]")
        });
        println!("| {} | {} |", row.step, cells.join(" | "));
    }
    // The one group against the crate alone, command by command: the ratio of the medians.
    let shares = [0, 1].map(|c| {
        let (one_cpu, one_wall, _) = crate::bench_peers::cell(&rows[3].figures[c]);
        let (all_cpu, all_wall, _) = crate::bench_peers::cell(&rows[2].figures[c]);
        format!("{:.0} % ({:.0} %)", 100.0 * one_cpu / all_cpu, 100.0 * one_wall / all_wall)
    });
    println!("| one group against the crate alone: CPU (wall) | {} |", shares.join(" | "));
    Ok(())
}
