//! `cargo xtask bench-program [--runs N] [-j N] [--check]`: a user's cold build of a small
//! program on the generated client against the same program written by hand (issue 25).
//!
//! The two programs are `tests/small-program/client` (on `generated-client` with the groups
//! `builds` and `jobs` and `rustls-tls`) and `tests/small-program/hand-written` (reqwest,
//! serde, serde_json, chrono, uuid). Each is copied to `target/bench-program/<name>`, its path
//! dependency on `generated-client` pointed at the project's, the project's `Cargo.lock` copied
//! in (so the dependencies they share are the versions in use), and its sources fetched,
//! untimed. Then each is built cold (`cargo build`, dev profile, an empty target directory of
//! its own), the two alternating and the order swapped every run, `--runs` times (default 3);
//! with `--check`, `cargo check` the same way. Each figure is the median of the CPU time
//! (user + system of cargo and the compilers) and of the wall-clock time; the load averages at
//! each run's start are printed beside them, since other work on the machine slows a build
//! down (CPU time less than wall time).

use std::path::{Path, PathBuf};

use crate::bench_compile::{copy_dir, load_average};
use crate::bench_peers::{cargo, cell, Figure};

pub const USAGE: &str = "cargo xtask bench-program [--runs N] [-j N] [--check]";

/// The programs, by directory under `tests/small-program`; the first is the client's.
const PROGRAMS: [&str; 2] = ["client", "hand-written"];

/// The dependency line of the client program, rewritten to the project's `generated-client`.
const PATH_DEPENDENCY: &str = "path = \"../../../generated-client\"";

struct Options {
    runs: usize,
    jobs: Option<String>,
    check: bool,
}

fn parse(args: &[&str]) -> Result<Options, String> {
    let mut options = Options { runs: 3, jobs: None, check: false };
    let mut rest = args.iter();
    let number =
        |value: Option<&&str>| value.and_then(|v| v.parse::<usize>().ok()).ok_or_else(|| format!("usage: {USAGE}"));
    while let Some(arg) = rest.next() {
        match *arg {
            "--runs" => options.runs = number(rest.next())?.max(1),
            "-j" | "--jobs" => options.jobs = Some(number(rest.next())?.to_string()),
            "--check" => options.check = true,
            _ => return Err(format!("usage: {USAGE}")),
        }
    }
    Ok(options)
}

/// Copies program `name` to `work/name`, made to build outside the project; its manifest.
fn prepare(root: &Path, work: &Path, name: &str) -> Result<PathBuf, String> {
    let from = root.join("tests/small-program").join(name);
    let to = work.join(name);
    if to.exists() {
        std::fs::remove_dir_all(&to).map_err(|e| format!("remove {}: {e}", to.display()))?;
    }
    std::fs::create_dir_all(&to).map_err(|e| format!("create {}: {e}", to.display()))?;
    // The sources and the manifest only: a lock file or target directory left in the source
    // tree by hand would change what is measured.
    copy_dir(&from.join("src"), &to.join("src"))?;
    let manifest = to.join("Cargo.toml");
    let toml = std::fs::read_to_string(from.join("Cargo.toml")).map_err(|e| format!("read {name}/Cargo.toml: {e}"))?;
    let client = root.join("generated-client");
    let toml = toml.replace(PATH_DEPENDENCY, &format!("path = {:?}", client.display().to_string()));
    if !toml.contains("\n[workspace]") {
        return Err(format!("tests/small-program/{name}/Cargo.toml has no `[workspace]` table"));
    }
    std::fs::write(&manifest, toml).map_err(|e| format!("write {}: {e}", manifest.display()))?;
    crate::bench_peers::lock_and_fetch(&to, root)?;
    Ok(manifest)
}

pub fn run(args: &[&str]) -> Result<bool, String> {
    let options = parse(args)?;
    let root = crate::root();
    let work = root.join("target/bench-program");
    let manifests = PROGRAMS.map(|name| prepare(&root, &work, name));
    let [Ok(client), Ok(hand)] = manifests else {
        return Err(manifests.into_iter().find_map(Result::err).unwrap_or_default());
    };
    let manifests = [client, hand];

    let commands: &[&str] = if options.check { &["build", "check"] } else { &["build"] };
    let mut rows: Vec<(&str, [Vec<Figure>; 2])> = Vec::new();
    for &command in commands {
        let mut figures: [Vec<Figure>; 2] = [Vec::new(), Vec::new()];
        for run in 0..options.runs {
            let order: [usize; 2] = if run % 2 == 0 { [0, 1] } else { [1, 0] };
            for i in order {
                let target = work.join(format!("target-{}", PROGRAMS[i]));
                if target.exists() {
                    std::fs::remove_dir_all(&target).map_err(|e| format!("remove {}: {e}", target.display()))?;
                }
                eprintln!("== cargo {command} {} cold, run {} (load {})", PROGRAMS[i], run + 1, load_average());
                figures[i].push(cargo(&[command, "--quiet"], &manifests[i], &target, &options.jobs)?);
            }
        }
        rows.push((command, figures));
    }
    for name in PROGRAMS {
        let _ = std::fs::remove_dir_all(work.join(format!("target-{name}")));
    }

    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!();
    println!(
        "A small program, cold (empty target directory, dependencies included): the generated client (`builds`, `jobs`, `rustls-tls`) against hand-written code ({cores} cores; medians of {} runs, alternating; CPU = user + system of cargo and the compilers; load averages at each run's start in brackets)",
        options.runs
    );
    println!();
    println!("| command | program | CPU | wall | CPU of each run | loads |");
    println!("|---|---|---:|---:|---|---|");
    for (command, figures) in &rows {
        for (i, name) in PROGRAMS.iter().enumerate() {
            let (cpu, wall, loads) = cell(&figures[i]);
            let each: Vec<String> = figures[i].iter().map(|f| format!("{:.1} s", f.cpu)).collect();
            println!("| `cargo {command}` | {name} | {cpu:.1} s | {wall:.1} s | {} | {loads} |", each.join(", "));
        }
        let (client_cpu, client_wall, _) = cell(&figures[0]);
        let (hand_cpu, hand_wall, _) = cell(&figures[1]);
        println!(
            "| `cargo {command}` | **client / hand-written** | **{:.2}** | {:.2} | | |",
            client_cpu / hand_cpu,
            client_wall / hand_wall
        );
    }
    Ok(true)
}
