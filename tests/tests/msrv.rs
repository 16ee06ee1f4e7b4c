//! Every `rust-version` a crate of this workspace declares is true: at least the highest one
//! declared by the locked packages it is built from (normal and build dependencies, as its users
//! get them). Read from `cargo metadata`, offline, for this host's platform.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

fn version(text: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = text.split('.').map(|p| p.parse().expect("a numeric rust-version")).collect();
    parts.resize(3, 0);
    parts
}

#[test]
fn declared_rust_versions_cover_the_locked_dependencies() {
    let rustc = Command::new("rustc").arg("-vV").output().expect("rustc runs");
    let host = String::from_utf8_lossy(&rustc.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .expect("rustc names its host");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--offline", "--format-version", "1", "--filter-platform", &host])
        .current_dir(root)
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&output.stderr));
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");

    let packages: BTreeMap<&str, &Value> =
        metadata["packages"].as_array().expect("packages").iter().map(|p| (p["id"].as_str().expect("id"), p)).collect();
    let deps: BTreeMap<&str, Vec<&str>> = metadata["resolve"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            let used = n["deps"].as_array().expect("deps").iter().filter(|d| {
                d["dep_kinds"].as_array().expect("kinds").iter().any(|k| k["kind"].is_null() || k["kind"] == "build")
            });
            (n["id"].as_str().expect("id"), used.map(|d| d["pkg"].as_str().expect("pkg")).collect())
        })
        .collect();

    let mut checked = 0;
    for member in metadata["workspace_members"].as_array().expect("members").iter().filter_map(Value::as_str) {
        let Some(declared) = packages[member]["rust_version"].as_str() else { continue };
        let mut seen = BTreeSet::new();
        let mut stack = deps[member].clone();
        let mut required: Option<(Vec<u64>, String)> = None;
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            stack.extend(deps.get(id).into_iter().flatten().copied());
            if let Some(v) = packages[id]["rust_version"].as_str() {
                let name = packages[id]["name"].as_str().unwrap_or_default();
                if required.as_ref().is_none_or(|(r, _)| version(v) > *r) {
                    required = Some((version(v), format!("{name} {v}")));
                }
            }
        }
        if let Some((required, by)) = required {
            let name = packages[member]["name"].as_str().unwrap_or_default();
            assert!(version(declared) >= required, "{name} declares rust-version {declared}, but {by} needs more");
        }
        checked += 1;
    }
    assert!(checked >= 2, "the generator and the Buildkite client declare a rust-version");
}
