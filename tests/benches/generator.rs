//! The generator end to end (read, load, overlay, lower, emit, format): on the Buildkite spec
//! with its overlay, on Oxide's Nexus spec (193 operations), and on synthetic specs of 100, 1,000
//! and 10,000 operations to show that its cost grows linearly.
//!
//! `cargo bench -p tests --bench generator`; the summary after divan's table breaks the time
//! into stages and gives the cost per 1,000 operations.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use generator::{generate, Config, Manifest, Source};
use serde_json::{json, Map, Value};

fn main() {
    // `GENERATOR_BENCH_ONCE=N`: generate the synthetic spec of N operations once and print the
    // time, for profilers (`valgrind --tool=callgrind`) and other allocators (`LD_PRELOAD`).
    if let Some(operations) = std::env::var("GENERATOR_BENCH_ONCE").ok().and_then(|n| n.parse().ok()) {
        let spec = synthetic_spec(operations);
        let started = std::time::Instant::now();
        support::keep(generate(&spec, &[], &synthetic_config()).expect("the synthetic spec generates"));
        println!("{operations} operations: {:?}", started.elapsed());
        return;
    }
    divan::main();
    if support::summary_wanted() {
        summary();
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root").to_path_buf()
}

fn nexus_path() -> PathBuf {
    root().join("tests/corpus/oxide-nexus.json")
}

fn nexus_config() -> Config {
    Config::new("oxide-nexus")
}

/// `cargo xtask regen` minus the write: the manifest and documents read from disk, then
/// generation.
fn buildkite() -> generator::Generated {
    let (spec, overlays, config) = Manifest::load(&root().join("spec/client.yaml")).expect("the manifest loads");
    generate(&spec, &overlays, &config).expect("the Buildkite spec generates")
}

fn nexus() -> generator::Generated {
    let spec = Source::read(&nexus_path()).expect("the Nexus spec reads");
    generate(&spec, &[], &nexus_config()).expect("the Nexus spec generates")
}

/// An OpenAPI 3.0 document with `operations` operations, 50 to a tag (so the number of files
/// grows with it, not their size). Each has a path parameter
/// and a query parameter; even ones are a GET answering a `Thing{i}`, odd ones a POST taking a
/// `Thing{i}Input` and answering a `Thing{i}`. Every `Thing` refers to a shared enum, a shared
/// map and one of ten `Owner` schemas.
fn synthetic_spec(operations: usize) -> Source {
    let schema_ref = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    let body = |name: &str| json!({ "application/json": { "schema": schema_ref(name) } });
    let mut schemas = Map::new();
    schemas.insert("Status".into(), json!({ "type": "string", "enum": ["active", "paused", "archived"] }));
    schemas.insert("Labels".into(), json!({ "type": "object", "additionalProperties": { "type": "string" } }));
    for k in 0..10 {
        schemas.insert(
            format!("Owner{k}"),
            json!({
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": { "type": "string", "format": "uuid" },
                    "name": { "type": "string" },
                    "email": { "type": "string", "nullable": true }
                }
            }),
        );
    }
    let mut paths = Map::new();
    for i in 0..operations {
        let thing = format!("Thing{i}");
        let owner = format!("Owner{}", i % 10);
        schemas.insert(
            thing.clone(),
            json!({
                "type": "object",
                "description": format!("Thing number {i}."),
                "required": ["id", "name", "status"],
                "properties": {
                    "id": { "type": "string", "format": "uuid" },
                    "name": { "type": "string" },
                    "count": { "type": "integer", "format": "int64" },
                    "created_at": { "type": "string", "format": "date-time" },
                    "status": schema_ref("Status"),
                    "owner": schema_ref(&owner),
                    "labels": schema_ref("Labels"),
                    "tags": { "type": "array", "items": { "type": "string" } }
                }
            }),
        );
        let tag = format!("Group{}", i / 50);
        let id = json!({ "name": "thing_id", "in": "path", "required": true, "schema": { "type": "string" } });
        if i.is_multiple_of(2) {
            let query = json!({ "name": "expand", "in": "query", "description": "Related objects to include.", "schema": { "type": "string" } });
            paths.insert(
                format!("/things{i}/{{thing_id}}"),
                json!({ "get": {
                    "operationId": format!("getThing{i}"),
                    "summary": format!("Get thing {i}"),
                    "tags": [tag],
                    "parameters": [id, query],
                    "responses": { "200": { "description": "The thing.", "content": body(&thing) } }
                }}),
            );
        } else {
            let input = format!("{thing}Input");
            schemas.insert(
                input.clone(),
                json!({
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": { "type": "string" },
                        "status": schema_ref("Status"),
                        "owner": schema_ref(&owner)
                    }
                }),
            );
            let query = json!({ "name": "dry_run", "in": "query", "schema": { "type": "boolean" } });
            paths.insert(
                format!("/things{i}/{{thing_id}}/children"),
                json!({ "post": {
                    "operationId": format!("createThing{i}Child"),
                    "summary": format!("Create a child of thing {i}"),
                    "tags": [tag],
                    "parameters": [id, query],
                    "requestBody": { "required": true, "content": body(&input) },
                    "responses": { "201": { "description": "The new child.", "content": body(&thing) } }
                }}),
            );
        }
    }
    let document = json!({
        "openapi": "3.0.3",
        "info": { "title": "Synthetic API", "version": "1.0.0" },
        "servers": [{ "url": "https://api.example.com/v1" }],
        "security": [{ "bearer": [] }],
        "paths": Value::Object(paths),
        "components": {
            "schemas": Value::Object(schemas),
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } }
        }
    });
    Source::new(format!("synthetic-{operations}.json"), serde_json::to_string_pretty(&document).expect("JSON"))
}

fn synthetic_config() -> Config {
    Config::new("synthetic-client")
}

#[divan::bench(sample_count = 20)]
fn buildkite_spec_and_overlay() -> generator::Generated {
    buildkite()
}

#[divan::bench(sample_count = 20)]
fn oxide_nexus_193_operations() -> generator::Generated {
    nexus()
}

#[divan::bench(args = [100, 1000, 10000], sample_count = 5)]
fn synthetic_operations(bencher: divan::Bencher, operations: usize) {
    let spec = synthetic_spec(operations);
    let config = synthetic_config();
    bencher.bench(|| generate(&spec, &[], &config).expect("the synthetic spec generates"));
}

/// The stages of one generation, each timed on its own (median of `rounds`).
fn stages(name: &str, first: &str, rounds: usize, read: impl Fn() -> (Source, Vec<Source>, Config)) {
    use generator::{emit, load, lower};
    let (spec, overlays, config) = read();
    let loaded = load::load(&spec, &overlays).expect("loads");
    let (api, _) = lower::lower(&loaded.spec).expect("lowers");
    let t_read = support::median_time(rounds, || support::keep(read()));
    let t_load = support::median_time(rounds, || support::keep(load::load(&spec, &overlays).expect("loads")));
    let t_lower = support::median_time(rounds, || support::keep(lower::lower(&loaded.spec).expect("lowers")));
    let t_emit = support::median_time(rounds, || support::keep(emit::emit(&api, &config).expect("emits")));
    let t_generate = support::median_time(rounds, || {
        let (spec, overlays, config) = read();
        support::keep(generate(&spec, &overlays, &config).expect("generates"))
    });
    let row = |stage: &str, d: Duration| println!("| {name} | {stage} | {} |", support::show(d));
    row(first, t_read);
    row("parse, overlay, deserialize (`load`)", t_load);
    row("lower to the IR (`lower`)", t_lower);
    row("emit and format (`emit`)", t_emit);
    row("**read + `generate`, end to end**", t_generate);
}

fn summary() {
    support::heading("Generator");
    let rounds = support::rounds(15);

    println!("| spec | stage | median |");
    println!("|---|---|---:|");
    stages("Buildkite + overlay", "read the files", rounds, || {
        Manifest::load(&root().join("spec/client.yaml")).expect("manifest")
    });
    stages("Oxide Nexus", "read the file", rounds, || {
        (Source::read(&nexus_path()).expect("reads"), Vec::new(), nexus_config())
    });

    // The whole `regen` of Nexus as `cargo xtask regen` does it: read, generate, and sync the
    // files into a directory (the steady state, where nothing changed, and a first write).
    let dir = std::env::temp_dir().join(format!("openapi-rust-gen-bench-{}", std::process::id()));
    let regen = || {
        let generated = nexus();
        generator::write::sync(&dir, &generated.files, generator::write::Mode::Write).expect("writes")
    };
    let first = {
        let start = std::time::Instant::now();
        support::keep(regen());
        start.elapsed()
    };
    let steady = support::median_time(rounds, || support::keep(regen()));
    let _ = std::fs::remove_dir_all(&dir);
    let verdict = |d: Duration| if d < Duration::from_millis(150) { "< 150 ms: met" } else { "< 150 ms: MISSED" };
    println!();
    println!("| whole regen of Oxide Nexus (read, generate, write) | median | target |");
    println!("|---|---:|---|");
    println!("| into an empty directory (every file written) | {} | {} |", support::show(first), verdict(first));
    println!("| into an up-to-date directory (nothing written) | {} | {} |", support::show(steady), verdict(steady));

    println!();
    println!("| synthetic operations | median | ms per 1,000 operations | relative to 1,000 |");
    println!("|---:|---:|---:|---:|");
    let config = synthetic_config();
    let sizes = [(100, support::rounds(15)), (1000, support::rounds(7)), (10_000, support::rounds(3))];
    let mut per_thousand = Vec::new();
    for (operations, rounds) in sizes {
        let spec = synthetic_spec(operations);
        let t = support::median_time(rounds, || support::keep(generate(&spec, &[], &config).expect("generates")));
        per_thousand.push((operations, t, t.as_secs_f64() * 1000.0 / (operations as f64 / 1000.0)));
    }
    let at_thousand = per_thousand.iter().find(|(n, _, _)| *n == 1000).map(|(_, _, ms)| *ms).unwrap_or(1.0);
    for (operations, t, ms) in &per_thousand {
        println!("| {operations} | {} | {ms:.1} | {:.2} |", support::show(*t), ms / at_thousand);
    }

    // Where the time of the synthetic specs goes, stage by stage.
    println!();
    println!("| spec | stage | median |");
    println!("|---|---|---:|");
    for (operations, rounds) in [(1000, support::rounds(3)), (10_000, 1)] {
        stages(&format!("synthetic, {operations} operations"), "make the document", rounds, || {
            (synthetic_spec(operations), Vec::new(), synthetic_config())
        });
    }
}
