//! Pay only for what you use: `generated-client` compiles, warning-free, with each group of
//! operations alone (`--no-default-features --features <group>`), with the webhooks alone, with
//! none, and with `builds` plus `serialize` (every model `Serialize`): one row per group of
//! `generated-client/api.json`, and one for its webhooks.
//!
//! `cargo check --lib` in the workspace's own target directory, with the environment unchanged,
//! so the dependencies are checked once and shared by every row (and with `cargo clippy`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root")
}

/// The features of the checked-in client, from its IR: its groups, then `webhooks` if it has them.
fn groups() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("generated-client/api.json")).expect("api.json");
    let ir: serde_json::Value = serde_json::from_str(&text).expect("api.json is JSON");
    let mut groups: Vec<String> = ir["api"]["groups"]
        .as_array()
        .expect("api.groups")
        .iter()
        .map(|g| g["name"].as_str().expect("group name").to_string())
        .collect();
    if !ir["api"]["webhooks"].is_null() {
        groups.push("webhooks".to_string());
    }
    groups
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// `cargo check` of the client's library with `features` alone; the warnings and errors, if any.
fn check(features: &[&str]) -> Result<(), String> {
    let mut command = Command::new(env!("CARGO"));
    command
        .args([
            "check",
            "--quiet",
            "--lib",
            "-p",
            "buildkite-api",
            "--no-default-features",
            "--message-format",
            "short",
        ])
        .current_dir(root())
        .env("CARGO_TARGET_DIR", target_dir());
    if !features.is_empty() {
        command.args(["--features", &features.join(",")]);
    }
    let output = command.output().expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let problems: Vec<&str> = stderr.lines().filter(|l| l.contains("warning") || l.contains("error")).collect();
    if output.status.success() && problems.is_empty() {
        Ok(())
    } else {
        Err(format!("features {features:?} ({}):\n{stderr}", output.status))
    }
}

#[test]
fn the_manifest_has_a_feature_per_group_and_full_by_default() {
    let manifest = std::fs::read_to_string(root().join("generated-client/Cargo.toml")).expect("Cargo.toml");
    let groups = groups();
    assert!(groups.len() > 1, "the client has groups");
    assert!(manifest.contains("default = [\"full\", \"rustls-tls\"]"), "{manifest}");
    let quoted: Vec<String> = groups.iter().map(|g| format!("\"{g}\"")).collect();
    assert!(manifest.contains(&format!("full = [{}]", quoted.join(", "))), "`full` is every group");
    for group in &quoted {
        assert!(manifest.contains(&format!("\n{group} = [")), "no feature {group}");
    }
}

#[test]
fn each_group_compiles_alone_without_warnings() {
    let started = std::time::Instant::now();
    let mut failures = Vec::new();
    if let Err(e) = check(&[]) {
        failures.push(e);
    }
    // `serialize`: every model of a group implements `Serialize`, responses included.
    if let Err(e) = check(&["builds", "serialize"]) {
        failures.push(e);
    }
    for group in groups() {
        if let Err(e) = check(&[&group]) {
            failures.push(e);
        }
    }
    eprintln!("checked every group alone in {:.1} s", started.elapsed().as_secs_f64());
    assert!(failures.is_empty(), "{} feature sets fail:\n{}", failures.len(), failures.join("\n"));
}
