//! The generator end to end (read, load, overlay, lower, emit, format): on the Buildkite spec
//! with its overlay, on Oxide's Nexus spec (193 operations), and on synthetic specs of 100, 1,000
//! and 10,000 operations to show that its cost grows linearly. Then specs written to make it
//! slow: a chain of 10,000 schemas, 40-level diamonds (each schema refers to the next twice,
//! directly or through `allOf`), and a document nested 100,000 deep, which must be refused.
//!
//! `cargo bench -p tests --bench generator`; the summary after divan's table breaks the time
//! into stages and gives the cost per 1,000 operations.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use generator::{generate, Config, Manifest, Source};
use serde_json::{json, Map, Value};

/// The allocator of the generator's command-line tool and of `cargo xtask`, so that these
/// figures are what they run (`generator::alloc` says why).
#[global_allocator]
static ALLOCATOR: generator::alloc::Allocator = generator::alloc::Allocator;

fn main() {
    // `GENERATOR_BENCH_ONCE=N`: generate the synthetic spec of N operations once and print the
    // time, for profilers (`valgrind --tool=callgrind`) and other allocators (`LD_PRELOAD`).
    // `chain=N`, `diamond=N`, `diamond-all-of=N` and `deep=N` do the same for the hostile specs.
    if let Ok(once) = std::env::var("GENERATOR_BENCH_ONCE") {
        let (kind, n) = once.split_once('=').unwrap_or(("operations", &once));
        let n: usize = n.parse().expect("GENERATOR_BENCH_ONCE=[KIND=]N");
        let spec = match kind {
            "operations" => synthetic_spec(n),
            "chain" => chain_spec(n),
            "diamond" => diamond_spec(n, false),
            "diamond-all-of" => diamond_spec(n, true),
            "deep" => deep_spec(n),
            other => panic!("unknown spec kind {other}"),
        };
        let started = std::time::Instant::now();
        if kind == "deep" {
            refused_as_too_deep(&spec);
        } else {
            support::keep(generate(&spec, &[], &synthetic_config()).expect("the spec generates"));
        }
        println!("{kind} {n}: {:?}", started.elapsed());
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

/// `S0` ... `S{n-1}`, each an object with a name and an optional `next`, the one after it.
fn chain_spec(n: usize) -> Source {
    let mut schemas = Map::new();
    for i in 0..n {
        let schema = json!({ "type": "object", "properties": { "name": { "type": "string" }, "next": s_ref(i + 1) } });
        schemas.insert(format!("S{i}"), schema);
    }
    schemas.insert(format!("S{n}"), leaf());
    s_spec(&format!("chain-{n}"), schemas)
}

/// Each `S{i}` holds the next one twice: as two properties (`a`, `b`), or through `allOf` and
/// a property `p{i}`.
fn diamond_spec(levels: usize, all_of: bool) -> Source {
    let mut schemas = Map::new();
    for i in 0..levels {
        let schema = if all_of {
            json!({ "allOf": [s_ref(i + 1), { "type": "object", "properties": { format!("p{i}"): s_ref(i + 1) } }] })
        } else {
            json!({ "type": "object", "required": ["a"], "properties": { "a": s_ref(i + 1), "b": s_ref(i + 1) } })
        };
        schemas.insert(format!("S{i}"), schema);
    }
    schemas.insert(format!("S{levels}"), leaf());
    s_spec(&format!("diamond-{levels}{}", if all_of { "-all-of" } else { "" }), schemas)
}

/// A document whose one schema nests `depth` flow mappings deep (`{a: {a: ...}}`).
fn deep_spec(depth: usize) -> Source {
    let head = "openapi: 3.0.3\ninfo: {title: Deep, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Deep: ";
    Source::new(format!("deep-{depth}.yaml"), format!("{head}{}1{}\n", "{a: ".repeat(depth), "}".repeat(depth)))
}

fn s_ref(i: usize) -> Value {
    json!({ "$ref": format!("#/components/schemas/S{i}") })
}

fn leaf() -> Value {
    json!({ "type": "object", "required": ["name"], "properties": { "name": { "type": "string" } } })
}

/// A document with these schemas and one operation answering `S0`.
fn s_spec(name: &str, schemas: Map<String, Value>) -> Source {
    let ok = json!({ "description": "ok", "content": { "application/json": { "schema": s_ref(0) } } });
    let document = json!({
        "openapi": "3.0.3",
        "info": { "title": name, "version": "1" },
        "paths": { "/s": { "get": { "operationId": "getS", "responses": { "200": ok } } } },
        "components": { "schemas": Value::Object(schemas) }
    });
    Source::new(format!("{name}.json"), serde_json::to_string_pretty(&document).expect("JSON"))
}

/// Generates, or is refused with the nesting-limit error.
fn refused_as_too_deep(spec: &Source) {
    match generate(spec, &[], &synthetic_config()) {
        Err(generator::Error::Unsupported { what, .. }) if what.contains("nests more than") => {}
        other => panic!("{} was not refused as too deep: {:?}", spec.name, other.map(|_| ())),
    }
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

#[divan::bench(args = [1000, 10000], sample_count = 5)]
fn chain_of_schemas(bencher: divan::Bencher, schemas: usize) {
    let spec = chain_spec(schemas);
    let config = synthetic_config();
    bencher.bench(|| generate(&spec, &[], &config).expect("the chain generates"));
}

#[divan::bench(args = [20, 40], sample_count = 10)]
fn diamond_of_schemas(bencher: divan::Bencher, levels: usize) {
    let spec = diamond_spec(levels, false);
    let config = synthetic_config();
    bencher.bench(|| generate(&spec, &[], &config).expect("the diamond generates"));
}

#[divan::bench(args = [20, 40], sample_count = 10)]
fn diamond_through_all_of(bencher: divan::Bencher, levels: usize) {
    let spec = diamond_spec(levels, true);
    let config = synthetic_config();
    bencher.bench(|| generate(&spec, &[], &config).expect("the diamond generates"));
}

#[divan::bench(args = [10000, 100000], sample_count = 10)]
fn nesting_refused(bencher: divan::Bencher, depth: usize) {
    let spec = deep_spec(depth);
    bencher.bench(|| refused_as_too_deep(&spec));
}

/// The stages of one generation, each timed on its own (median of `rounds`).
fn stages(name: &str, first: &str, rounds: usize, read: impl Fn() -> (Source, Vec<Source>, Config)) {
    use generator::{emit, load, lower};
    let (spec, overlays, config) = read();
    let document = load::load(&spec, &overlays).expect("loads");
    let (api, _) = lower::lower(&document, config.strict).expect("lowers");
    let t_read = support::median_time(rounds, || support::keep(read()));
    let t_load = support::median_time(rounds, || support::keep(load::load(&spec, &overlays).expect("loads")));
    let t_lower =
        support::median_time(rounds, || support::keep(lower::lower(&document, config.strict).expect("lowers")));
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

    // Specs written to make the generator slow: each at two sizes. Linear cost means the time
    // grows no faster than the size (for the diamond through `allOf`, the output itself grows
    // with the square of the levels: each schema has the fields of every schema below it).
    println!();
    println!("| hostile spec | size | median | size, relative | time, relative |");
    println!("|---|---:|---:|---:|---:|");
    type MakeSpec<'f> = &'f dyn Fn(usize) -> Source;
    let hostile: [(&str, &str, [usize; 2], MakeSpec, bool); 4] = [
        ("chain of schemas", "schemas", [1000, 10_000], &chain_spec, true),
        ("diamond, two properties", "levels", [20, 40], &|n| diamond_spec(n, false), true),
        ("diamond, `allOf` and a property", "levels", [20, 40], &|n| diamond_spec(n, true), true),
        ("nesting, refused", "levels", [10_000, 100_000], &deep_spec, false),
    ];
    for (what, unit, sizes, make, generates) in hostile {
        let mut first: Option<Duration> = None;
        for n in sizes {
            let spec = make(n);
            let t = support::median_time(support::rounds(5), || {
                if generates {
                    support::keep(generate(&spec, &[], &config).expect("generates"))
                } else {
                    refused_as_too_deep(&spec)
                }
            });
            let base = *first.get_or_insert(t);
            println!(
                "| {what} | {n} {unit} | {} | {:.0} | {:.2} |",
                support::show(t),
                n as f64 / sizes[0] as f64,
                t.as_secs_f64() / base.as_secs_f64()
            );
        }
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
