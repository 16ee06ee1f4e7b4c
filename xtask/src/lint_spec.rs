//! `cargo xtask lint-spec`: independent tools check the merged spec that users take elsewhere.
//!
//! - Redocly CLI lints it under `spec/redocly.yaml` (`recommended-strict`: any problem fails).
//! - Ajv, a JSON Schema validator, validates every job of the captured payloads in
//!   `tests/tests/fixtures/operations` against the spec's `Job`, read as JSON Schema (so
//!   `discriminator` counts for nothing and each `oneOf` branch must exclude the others).
//!
//! Both come from npm (`.ci/run` installs them, pinned, under `target/npm-lint`), which a
//! newcomer need not have: without them the command says so and passes, unless
//! `OPENAPI_RUST_GEN_LINT_SPEC` is set (as in CI).

use std::path::Path;
use std::process::Command;

use serde_json::{json, Map, Value};

/// What `.ci/run` installs, pinned.
pub const INSTALL: &str =
    "npm install --prefix target/npm-lint --no-audit --no-fund --save-exact @redocly/cli@2.77.0 ajv@8.20.0";
/// Where it lands.
const MODULES: &str = "target/npm-lint/node_modules";
/// Set (to anything) to make a missing install fail instead of skipping; CI sets it.
const LINT_ENV: &str = "OPENAPI_RUST_GEN_LINT_SPEC";

pub fn run(root: &Path) -> Result<bool, String> {
    let modules = root.join(MODULES);
    let redocly = modules.join(".bin/redocly");
    if !redocly.exists() || !modules.join("ajv").exists() {
        if std::env::var_os(LINT_ENV).is_some() {
            return Err(format!("{LINT_ENV} is set but {MODULES} lacks Redocly CLI or Ajv: run `{INSTALL}`"));
        }
        println!(
            "lint-spec skipped: {MODULES} lacks Redocly CLI or Ajv (`{INSTALL}` installs them; CI sets {LINT_ENV})"
        );
        return Ok(true);
    }
    let out = root.join("target/lint-spec");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let (spec, overlays, _) = generator::Manifest::load(&root.join("spec/client.yaml")).map_err(|e| e.to_string())?;
    let text = generator::applied_spec(&spec, &overlays).map_err(|e| e.to_string())?;
    let merged_path = out.join("buildkite-api.yaml");
    write(&merged_path, &text)?;

    let linted = Command::new(&redocly)
        .arg("lint")
        .arg("--config")
        .arg(root.join("spec/redocly.yaml"))
        .arg("--format=stylish")
        .arg(&merged_path)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", redocly.display()))?;
    if !linted.success() {
        eprintln!("the merged spec fails Redocly's lint ({linted}); see above");
    }

    let merged = generator::load::merge(&spec, &overlays).map_err(|e| e.to_string())?;
    let schema = json_schema(&merged, "Job")?;
    let mut jobs = captured_jobs(&root.join("tests/tests/fixtures/operations"))?;
    // A job of a type the spec does not name is outside what it describes (the fixtures have
    // one, for the open alternative the generator adds): JSON Schema rightly rejects it.
    let named = merged.pointer("/components/schemas/Job/discriminator/mapping").and_then(Value::as_object);
    let described =
        |job: &Value| job.get("type").and_then(Value::as_str).is_some_and(|t| named.is_some_and(|m| m.contains_key(t)));
    let (kept, other): (Vec<_>, Vec<_>) = jobs.drain(..).partition(|(_, job)| described(job));
    for (source, job) in &other {
        println!("not validated: {source} has type {}, which the spec does not describe", job["type"]);
    }
    let jobs = kept;
    let schema_path = out.join("job.schema.json");
    let jobs_path = out.join("jobs.json");
    let script_path = out.join("validate.cjs");
    write(&schema_path, &schema.to_string())?;
    write(&jobs_path, &Value::Array(jobs.iter().map(|(source, job)| json!([source, job])).collect()).to_string())?;
    write(&script_path, VALIDATE)?;
    let validated = Command::new("node")
        .arg(&script_path)
        .arg(&schema_path)
        .arg(&jobs_path)
        .env("NODE_PATH", &modules)
        .status()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !validated.success() {
        eprintln!("captured jobs do not validate against the merged spec's Job ({validated}); see above");
    }
    Ok(linted.success() && validated.success())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The components' schemas as a JSON Schema (draft 7) document whose root is `root`: OpenAPI
/// 3.0's `nullable` becomes `anyOf` with `null` (what 3.1 and the generator mean by it), and
/// references point into `definitions`.
fn json_schema(spec: &Value, root: &str) -> Result<Value, String> {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or("the merged spec has no components.schemas")?;
    if !schemas.contains_key(root) {
        return Err(format!("the merged spec has no schema {root}"));
    }
    let definitions: Map<String, Value> = schemas.iter().map(|(k, v)| (k.clone(), convert(v))).collect();
    Ok(json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$ref": format!("#/definitions/{root}"),
        "definitions": definitions,
    }))
}

fn convert(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out = Map::new();
            let mut nullable = false;
            for (key, value) in map {
                match key.as_str() {
                    "nullable" => nullable = value == &Value::Bool(true),
                    "$ref" => {
                        let target =
                            value.as_str().unwrap_or_default().replace("#/components/schemas/", "#/definitions/");
                        out.insert(key.clone(), Value::String(target));
                    }
                    // Annotations of OpenAPI's own that JSON Schema does not know.
                    "discriminator" | "example" | "xml" | "externalDocs" => {}
                    // Property names, not schemas: keep the keys, convert what they map to.
                    "properties" => {
                        let props = value.as_object().map(|p| p.iter().map(|(k, v)| (k.clone(), convert(v))).collect());
                        out.insert(key.clone(), Value::Object(props.unwrap_or_default()));
                    }
                    _ => {
                        out.insert(key.clone(), convert(value));
                    }
                }
            }
            if !nullable {
                return Value::Object(out);
            }
            json!({ "anyOf": [Value::Object(out), { "type": "null" }] })
        }
        Value::Array(items) => Value::Array(items.iter().map(convert).collect()),
        other => other.clone(),
    }
}

/// Every job in the captured payloads, with where it was found: the elements of `jobs` lists
/// (builds) and of a jobs page's `items`, an agent's `job`, and the bodies of `job_*.json` that
/// are a job (the log and the environment are not).
fn captured_jobs(dir: &Path) -> Result<Vec<(String, Value)>, String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    let mut jobs = Vec::new();
    for name in names {
        let path = dir.join(&name);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let value: Value = serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
        if name.starts_with("job_") && value.get("type").is_some() {
            jobs.push((name.clone(), value.clone()));
        }
        if name == "jobs_page.json" {
            for (i, job) in value.get("items").and_then(Value::as_array).into_iter().flatten().enumerate() {
                jobs.push((format!("{name} items[{i}]"), job.clone()));
            }
        }
        collect(&value, &name, &mut jobs);
    }
    if jobs.is_empty() {
        return Err(format!("no captured job found in {}", dir.display()));
    }
    Ok(jobs)
}

fn collect(value: &Value, source: &str, jobs: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("jobs", Value::Array(items)) => {
                        for (i, job) in items.iter().enumerate().filter(|(_, j)| j.is_object()) {
                            jobs.push((format!("{source} jobs[{i}]"), job.clone()));
                        }
                    }
                    ("job", Value::Object(_)) => jobs.push((format!("{source} job"), child.clone())),
                    _ => {}
                }
                collect(child, source, jobs);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect(item, source, jobs)),
        _ => {}
    }
}

/// Validates each `[source, job]` of the jobs file against the schema with Ajv; prints every
/// failure, and how many passed.
const VALIDATE: &str = r#"// Written by `cargo xtask lint-spec`.
const fs = require("fs");
const Ajv = require("ajv");
const [schemaPath, jobsPath] = process.argv.slice(2);
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
const jobs = JSON.parse(fs.readFileSync(jobsPath, "utf8"));
let failed = 0;
for (const [source, job] of jobs) {
  if (!validate(job)) {
    failed += 1;
    console.error(`${source} (type ${JSON.stringify(job.type)}): ${ajv.errorsText(validate.errors)}`);
  }
}
console.log(`Job: ${jobs.length - failed} of ${jobs.length} captured jobs validate against the merged spec`);
process.exit(failed === 0 ? 0 : 1);
"#;
